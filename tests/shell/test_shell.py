"""Capped nanocrystals: counts, neutrality, symmetry, geometry, composition, outputs, bad input.

Every capped model is checked by the independent validator (:mod:`nanoligand.validate`), not by the
builder's bookkeeping. References named per test: seed 004 (Grisorio et al. 2016, PbS), the
bond-valence parameters (Brown & Altermatt 1985; Brese & O'Keeffe 1991), Cordero et al. (Dalton
Trans. 2008, 2832: covalent radii), Sieval et al. (Langmuir 2001, 17, 2172: alkyl monolayers on
H-Si), seed 001 Fig. 1 (diffuse-layer counter-ions).
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pytest
from ase import Atoms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from nanoligand import build
from nanoligand.cli import main
from nanoligand.errors import ChemistryError, InputError, OutputError
from nanoligand.io import write_structure
from nanoligand.shell.cap import cap
from nanoligand.validate import validate
from nanoligand.validate.graph import donor_range_A
from nanoligand.shell.recipe import parse_shell
from nanoligand.tables import load_table

# standard atomic weights (IUPAC 2013, abridged), for the composition check by formula
MASS = {"Pb": 207.2, "S": 32.06, "O": 15.999, "C": 12.011, "H": 1.008}


@lru_cache(maxsize=None)
def native(material: str, diameter: float, shape: str | None = None):
    return build(material, diameter, shape, shell="native")


@pytest.fixture(scope="module")
def pbs():
    """seed 004: a 3 nm PbS dot with its native shell."""
    return native("PbS", 3.0)


# -- seed 004 --------------------------------------------------------------------------------------------
def test_seed004_one_oleyl_and_one_hydroxide_per_excess_lead(pbs):
    # seed 004: purified PbS QDs carry one oleyl ligand per excess Pb, and OH- keeps them neutral
    comp = pbs.composition.to_dict()
    n = pbs.census.composition
    excess = n["Pb"] - n["S"]
    assert comp["ligands"] == {"oleic acid": excess, "hydroxide": excess}
    assert comp["ligands_per_excess_cation"] == {"oleic acid": 1.0, "hydroxide": 1.0}
    assert pbs.net_charge == 0
    assert int(pbs.atoms.arrays["formal_charge"].sum()) == 0


def test_seed004_composition_by_formula(pbs):
    # the model's mass and organic fraction equal those of its formula Pb_a S_b (C18H33O2)_n (OH)_n
    n = pbs.census.composition
    k = pbs.composition.ligands["oleic acid"]
    oleate = 18 * MASS["C"] + 33 * MASS["H"] + 2 * MASS["O"]
    total = n["Pb"] * MASS["Pb"] + n["S"] * MASS["S"] + k * oleate + k * (MASS["O"] + MASS["H"])
    assert pbs.composition.molar_mass_g_mol == pytest.approx(total, rel=1e-4)
    assert pbs.composition.organic_mass_fraction == pytest.approx(k * oleate / total, abs=1e-4)
    assert pbs.composition.ligand_density_per_nm2["oleic acid"] == pytest.approx(
        k / pbs.census.surface_area_nm2, abs=1e-3)


def test_the_model_passes_the_independent_validator(pbs):
    report = validate(pbs.atoms)
    assert report.ok, report.summary()
    assert report.rule("attached").violations == 0 and len(report.ligands) == sum(pbs.composition.ligands.values())
    assert report.rule("clashscore").measured <= 10.0  # MolProbity's best resolution band: 0-19


def test_donor_metal_distances_follow_bond_valence(pbs):
    # Brown & Altermatt 1985 R0(Pb2+-O) = 2.112 A, b = 0.37: s = 1/3 v.u. (Pb2+, CN 6) gives 2.52 A; every
    # Pb-O bond lies between the shortest (s = 1/2) and longest (s = 1/9) bond, and they centre near 2.5 A
    lo, typical, hi = donor_range_A("Pb", "O")
    assert typical == pytest.approx(2.112 - 0.37 * np.log(1 / 3), abs=1e-3)
    rows = validate(pbs.atoms).ligands
    d = np.array([x for r in rows for x in r["donor_metal_A"]])
    assert len(d) >= len(rows)
    assert d.min() >= lo - 1e-6 and d.max() <= hi + 1e-6
    assert abs(np.median(d) - typical) < 0.15


def test_every_seed004_adatom_ends_at_least_three_coordinate(pbs):
    # the Pb adatoms above the {100} S carry their own OH / oleate: none is left with one or two bonds
    assert validate(pbs.atoms).rule("cation_coordination").violations == 0


# -- neutrality and symmetry (property tests) -----------------------------------------------------------
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(material=st.sampled_from(["PbS", "CdSe", "ZnS", "CdTe", "PbSe"]),
       shape=st.sampled_from(["truncated-octahedron", "octahedron", "cube", "sphere"]),
       diameter=st.floats(2.0, 3.5))
def test_chloride_shell_is_neutral_and_symmetric(material, shape, diameter):
    qd = build(material, diameter, shape, "cation_rich")
    if qd.census.net_charge <= 0:
        return
    spec = parse_shell([{"ligand": "chloride", "motif": "X", "role": "neutralize"}])
    r = cap(qd.core, spec)
    p = r.placed[0]
    # one Cl- per excess charge, each on its own site
    assert len(p.sites) == qd.census.net_charge
    assert len(np.unique(p.sites)) == len(p.sites)
    # equivalent faces (one symmetry orbit) take equal shares: each face's quota is the orbit's mean
    # demand, so the ligands on the sites each face owns differ by the one-ligand rounding, except that
    # a cation left with < 3 bonds to the core takes a site of its own first (counted here from the core,
    # not from the builder's choice). (Counted with an edge site half for each of its two faces the
    # shares can differ more: a 3 nm cation-rich PbS truncated octahedron has {111} faces owning 25 or
    # 19 sites because an edge site is owned by one face — a known asymmetry of the site labels)
    atoms = qd.core.atoms
    cation = np.array([s in qd.core.material.cations for s in atoms.get_chemical_symbols()])
    weak_face = atoms.arrays["face"][cation & (atoms.arrays["coordination"] < 3)]
    for o in np.unique(r.sites.orbit[r.sites.orbit >= 0]):
        faces = np.unique(r.sites.face[r.sites.orbit == o])
        owned = np.array([np.sum(r.sites.face[p.sites] == f) for f in faces])
        weak = max(int(np.sum(weak_face == f)) for f in faces)
        assert owned.max() - owned.min() <= 1 + weak, (o, owned, weak)


def test_mixed_neutralizing_shares_split_the_charge():
    qd = build("CdSe", 3.0, "tetrahedron", "cation_rich")
    spec = parse_shell([{"ligand": "oleic acid", "motif": "X", "role": "neutralize", "share": 1},
                        {"ligand": "chloride", "motif": "X", "role": "neutralize", "share": 1}])
    r = cap(qd.core, spec)
    n = {p.template.name: len(p.sites) for p in r.placed}
    assert n["oleic acid"] + n["chloride"] == qd.census.net_charge
    assert abs(n["oleic acid"] - n["chloride"]) <= 1


def test_arrangements_and_facet_filters():
    qd = build("CdSe", 3.0, "tetrahedron", "cation_rich")
    entries = [{"ligand": "acetic acid", "motif": "X", "role": "neutralize"},
               {"ligand": "chloride", "motif": "X", "role": "neutralize"}]
    janus = cap(qd.core, parse_shell({"arrangement": "janus", "entries": entries}))
    z = [janus.sites.position[p.sites][:, 2].mean() for p in janus.placed]
    assert z[0] > 0 > z[1]  # first entry on the +z half, second on the -z half
    nc = build("PbS", 3.0, shell=[
        {"ligand": "chloride", "motif": "X", "coverage": 0.5, "facets": ["{100}"]},
        {"ligand": "hydroxide", "motif": "X", "role": "neutralize"}])
    by_facet = nc.composition.ligands_by_facet
    assert set(k for k, v in by_facet.items() if "chloride" in v) == {"{100}"}
    assert nc.net_charge == 0


# -- native shells -----------------------------------------------------------------------------------------
def test_perovskite_ion_pairs_replace_surface_cesium():
    # the ammonium takes a surface Cs site with N-H...Br hydrogen bonds (IUPAC criteria); edge Cs stay
    nc = native("CsPbBr3", 5.0)
    report = validate(nc.atoms)
    assert report.ok, report.summary()
    ion_pairs = [r for r in report.ligands if r["mode"].startswith("ion pair")]
    assert len(ion_pairs) == nc.composition.ligands["oleylammonium bromide"]
    assert all(r["hbonds"] >= 1 for r in ion_pairs)
    n_amm = nc.composition.ligands["oleylammonium bromide"]
    cs_core = nc.census.composition["Cs"]
    cs_model = int(np.sum(np.array(nc.atoms.get_chemical_symbols())[nc.atoms.arrays["residue"] == 0] == "Cs"))
    assert cs_core - cs_model == n_amm > 0
    assert nc.net_charge == 0


def test_silicon_grafts_replace_hydrogen_caps():
    # Sieval et al. 2001: 50-55 % of Si-H replaced by Si-alkyl is the most a surface takes
    nc = native("Si", 4.0)
    grafts = nc.composition.ligands["1-dodecene"]
    h_core = nc.census.composition["H"]
    h_model = int(np.sum(np.array(nc.atoms.get_chemical_symbols())[nc.atoms.arrays["residue"] == 0] == "H"))
    assert h_core - h_model == grafts > 0
    assert validate(nc.atoms).ok
    donors = nc.atoms.arrays["role"] == "donor"
    si = np.array(nc.atoms.get_chemical_symbols()) == "Si"
    d, _ = cKDTree(nc.atoms.positions[si]).query(nc.atoms.positions[donors])
    assert d == pytest.approx(1.87, abs=0.01)  # Cordero Si-C


def test_metal_core_thiolates_are_neutral_radicals_and_full_means_what_fits():
    nc = native("Au", 3.0)
    assert nc.net_charge == 0
    assert np.all(nc.atoms.arrays["formal_charge"] == 0)
    placed = nc.composition.ligands["1-dodecanethiol"]
    limit = nc.shell.footprint_limit["1-dodecanethiol"]
    assert 0 < placed <= limit
    assert validate(nc.atoms).ok


def test_oxide_x2_brings_one_proton_per_carboxylate():
    # seed 000 §2.1.1: a carboxylic acid on HfO2 splits into a carboxylate on Hf and a proton on O
    nc = native("HfO2", 3.0)
    pairs = [(p, q) for p, q in zip(nc.shell.placed, nc.shell.placed[1:]) if q.entry.role == "pair"]
    assert pairs and all(len(p.sites) == len(q.sites) > 0 for p, q in pairs)
    assert all(q.kind == "cation_vacancy" and q.template.symbols == ("H",) for _, q in pairs)
    assert nc.net_charge == 0
    assert validate(nc.atoms).ok  # every proton on an O, every carboxylate on Hf, no surface water


def test_z_type_cations_with_diffuse_counter_ions():
    # seed 001 Fig. 1b: a metal cation binds the surface anions, its counter-anion stays in the diffuse layer
    nc = build("CdSe", 3.0, "sphere", "stoichiometric", shell=[
        {"ligand": "cadmium(II)", "motif": "Z", "coverage": 4, "counterions": "nitrate"},
        {"ligand": "chloride", "motif": "X", "role": "neutralize"}], allow_invalid=True)
    ions = nc.composition.counterions
    placed = nc.composition.ligands["cadmium(II)"]
    assert placed > 0 and ions[0]["ion"] == "nitrate" and ions[0]["count"] == 2 * placed
    assert nc.net_charge == 0
    assert validate(nc.atoms).rule("composition").verdict == "pass"  # the file claims the listed ions


# -- bad input ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shell, error, words", [
    ([{"ligand": "unobtainium", "motif": "X"}], InputError, "not in the ligand library"),
    ([{"ligand": "1-octadecene", "motif": "X"}], InputError, "offers"),
    ([{"ligand": "oleylammonium bromide", "motif": "ion_pair"}], ChemistryError, "perovskite"),
    ([{"ligand": "oleylamine", "motif": "L", "coverage": "40/nm2"}], InputError, "footprint"),
    ([{"ligand": "oleylamine", "motif": "L", "coverage": 0.1}], ChemistryError, "net charge"),
    ([{"ligand": "1-dodecanethiol", "motif": "X", "role": "neutralize"}], ChemistryError, "footprint"),
    ([{"ligand": "oleic acid", "motif": "Q"}], InputError, "unknown motif"),
    ([{"ligand": "oleic acid", "motif": "X", "coverage": 1.5}], InputError, "fraction"),
])
def test_bad_recipes_fail_clearly(shell, error, words):
    with pytest.raises(error, match=words):
        build("PbS", 3.0, "truncated-octahedron", "seed004", shell=shell)


def test_anion_rich_core_needs_cations():
    qd = build("CdSe", 3.0, "sphere", "stoichiometric")
    charge = qd.census.net_charge
    recipe = [{"ligand": "chloride", "motif": "X", "role": "neutralize"}] if charge < 0 else \
        [{"ligand": "indium(III)", "motif": "Z", "role": "neutralize"}]
    with pytest.raises(ChemistryError, match="no neutralizing entry"):
        cap(qd.core, parse_shell(recipe))


# -- outputs -----------------------------------------------------------------------------------------------
def test_pdb_has_residues_bonds_and_charges(tmp_path, pbs):
    path = tmp_path / "pbs.pdb"
    pbs.write(path)
    lines = path.read_text().splitlines()
    atoms = [ln for ln in lines if ln.startswith("HETATM")]
    assert len(atoms) == len(pbs.atoms)
    assert sum(1 for ln in lines if ln.startswith("CONECT")) > 0
    first_lig = next(ln for ln in atoms if ln[17:20] != "COR")
    assert first_lig[21] == "B" and int(first_lig[22:26]) == 1
    assert atoms[0][76:80] == "Pb2+"  # element and formal charge columns
    assert sum(1 for ln in atoms if ln[78:80] == "1-") == 2 * pbs.composition.ligands["oleic acid"]
    # CONECT records are real bonds only: every donor-metal record is a bond-valence bond
    pos = pbs.atoms.positions
    sym = pbs.atoms.get_chemical_symbols()
    conect = [tuple(int(x) - 1 for x in (ln[6:11], ln[11:16])) for ln in lines if ln.startswith("CONECT")]
    pb_o = [np.linalg.norm(pos[a] - pos[b]) for a, b in conect if {sym[a], sym[b]} == {"Pb", "O"}]
    assert pb_o and max(pb_o) <= donor_range_A("Pb", "O")[2] + 1e-6
    # one residue name per species: oleate and hydroxide differ
    names = {ln[17:20] for ln in atoms}
    assert len(names) == 3


def test_pdb_refuses_more_atoms_than_serial_numbers(tmp_path):
    big = Atoms("H" * 100_000, positions=np.zeros((100_000, 3)))
    big.arrays["residue"] = np.zeros(100_000, int)
    with pytest.raises(OutputError, match="PDB"):
        write_structure(tmp_path / "big.pdb", big)
    assert not (tmp_path / "big.pdb").exists()


def test_json_manifest_and_extxyz(tmp_path, pbs):
    pbs.write(tmp_path / "m.json")
    d = json.loads((tmp_path / "m.json").read_text())
    assert {"material", "n_atoms", "net_charge", "valid", "validation", "core", "shell", "composition"} == set(d)
    for key in ("ligands", "ligand_density_per_nm2", "organic_mass_fraction", "core_elements"):
        assert key in d["composition"]
    assert d["net_charge"] == 0 and d["valid"]
    pbs.write(tmp_path / "m.extxyz")
    from ase.io import read

    back = read(tmp_path / "m.extxyz")
    assert len(back) == len(pbs.atoms) and "residue" in back.arrays


def test_cli_build_with_native_shell(tmp_path, capsys):
    out = tmp_path / "pbs.pdb"
    assert main(["build", "PbS", "--diameter-nm", "3", "--shell", "native", "-o", str(out), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["net_charge"] == 0 and d["valid"] and out.exists()


def test_cli_spec_file(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text("material: CdSe\ndiameter_nm: 3\nshape: tetrahedron\ntermination: cation_rich\n"
                    "shell:\n  arrangement: janus\n  entries:\n"
                    "    - {ligand: acetic acid, motif: X, role: neutralize}\n"
                    "    - {ligand: chloride, motif: X, role: neutralize}\n")
    assert main(["build", str(spec), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d["composition"]["ligands"]) == {"acetic acid", "chloride"}


def test_cli_bad_recipe_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "x.pdb"
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {ligand: 1-octadecene, motif: X}\n")
    code = main(["build", "PbS", "--diameter-nm", "3", "--shell", str(bad), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("material, halide", [("CsPbCl3", "Cl"), ("CsPbBr3", "Br"), ("CsPbI3", "I")])
def test_perovskite_native_ion_pair_brings_the_lattice_halide(material, halide):
    # issue 11: CsPbI3 and CsPbCl3 were capped with oleylammonium *bromide*
    from nanoligand import ligand
    from nanoligand.shell.recipe import native_shell

    pair = next(e for e in native_shell(material)[1].entries if e.motif == "ion_pair")
    anions = [a.group for a in ligand(pair.ligand).anchors if a.group == "halide"]
    assert anions and f"[{halide}-]" in ligand(pair.ligand).smiles


def test_the_main_job_passes_the_validator():
    # `make demo`: 4.8 nm PbS, seed004, native shell. The sweep of native shells found its one {100}
    # adatom left two-coordinate after packing once; the build raises if any rule fails
    nc = build("PbS", 4.8, "truncated-octahedron", "seed004", shell="native")
    v = nc.validate()
    assert v.ok and v.rule("cation_coordination").violations == 0
    assert nc.composition.ligands == {"oleic acid": 313, "hydroxide": 313}


# -- every native shell ------------------------------------------------------------------------------------
# Si is built (and so validated) at 4 nm by test_silicon_grafts_replace_hydrogen_caps; Ag repeats Au's
# thiolate chemistry and takes ~70 s: both are validated at 3 and 5 nm by benchmarks/native_shells.py
NATIVE = sorted(set(load_table("shells.yaml")) - {"Si", "Ag"})


@pytest.mark.parametrize("material", NATIVE)
def test_every_native_shell_passes_the_validator_at_3_nm(material):
    # issue 11, part 2: the build raises SelfCheckError if the independent validator fails a rule;
    # asserted here on the report as well, with the two rules the round-one models broke
    v = native(material, 3.0).validate()
    assert v.ok, [r.detail for r in v.failed]
    assert v.rule("attached").violations == 0 and v.rule("clashscore").measured < 5.0


@pytest.mark.parametrize("material, anion", [("CdSe-wz", "Se"), ("CdS-wz", "S")])
def test_wurtzite_native_core_has_no_two_coordinate_chalcogen_and_a_cation_excess(material, anion):
    # the cation_rich_z termination puts a Z-type Cd on every two-coordinate chalcogenide (seed 003's trap
    # sites; Anderson et al. 2013: Cd(O2CR)2 bound to Se). Coordination counted here from the
    # coordinates (Cd–X within 1.15 x the bulk bond, Cordero covalent radii Cd 1.44, Se 1.20, S 1.05 Å),
    # not from the builder's arrays; the capped model's Cd then all reach three bonds (validator)
    nc = native(material, 3.0)
    core = nc.core.atoms
    sym = np.array(core.get_chemical_symbols())
    cut = 1.15 * (1.44 + {"Se": 1.20, "S": 1.05}[anion])
    pairs = cKDTree(core.positions).query_pairs(cut, output_type="ndarray")
    hetero = pairs[sym[pairs[:, 0]] != sym[pairs[:, 1]]]
    cn = np.bincount(hetero.ravel(), minlength=len(sym))
    assert cn[sym == anion].min() >= 3
    ratio = (sym == "Cd").sum() / (sym == anion).sum()
    assert ratio > 1.05  # a cation-rich core: the sphere without Z-type Cd was 1.01-1.04
    assert nc.validate().rule("cation_coordination").violations == 0
