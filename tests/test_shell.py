"""Capped nanocrystals: counts, neutrality, symmetry, geometry, composition, outputs, bad input.

References named per test: seed 004 (Grisorio et al. 2016, PbS), Shannon (Acta Cryst. A 1976, 32,
751: ionic radii), Cordero et al. (Dalton Trans. 2008, 2832: covalent radii), Sieval et al. (Langmuir
2001, 17, 2172: alkyl monolayers on H-Si), seed 001 Fig. 1 (diffuse-layer counter-ions).
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

from nanoligand import build_core
from nanoligand.cli import main
from nanoligand.errors import ChemistryError, InputError, OutputError
from nanoligand.io import write_structure
from nanoligand.nanocrystal import build_nanocrystal
from nanoligand.shell.bonds import bond_length
from nanoligand.shell.cap import cap
from nanoligand.shell.recipe import parse_shell

# standard atomic weights (IUPAC 2013, abridged), for the composition check by formula
MASS = {"Pb": 207.2, "S": 32.06, "O": 15.999, "C": 12.011, "H": 1.008}


@lru_cache(maxsize=None)
def native(material: str, diameter: float, shape: str | None = None):
    return build_nanocrystal(material, diameter, shape, shell="native")


@pytest.fixture(scope="module")
def pbs():
    """seed 004: the 4.8 nm PbS dot with its native shell."""
    return native("PbS", 4.8)


# -- seed 004 --------------------------------------------------------------------------------------------
def test_seed004_one_oleyl_and_one_hydroxide_per_excess_lead(pbs):
    # seed 004: purified PbS QDs carry one oleyl ligand per excess Pb, and OH- keeps them neutral
    comp = pbs.composition
    n = pbs.bare.census.composition
    excess = n["Pb"] - n["S"]
    assert comp["ligands"] == {"oleic acid": excess, "hydroxide": excess}
    assert comp["ligands_per_excess_cation"] == {"oleic acid": 1.0, "hydroxide": 1.0}
    assert pbs.net_charge == 0
    assert int(pbs.atoms.arrays["formal_charge"].sum()) == 0


def test_seed004_composition_by_formula(pbs):
    # the model's mass and organic fraction equal those of its formula Pb_a S_b (C18H33O2)_n (OH)_n
    n = pbs.bare.census.composition
    k = pbs.composition["ligands"]["oleic acid"]
    oleate = 18 * MASS["C"] + 33 * MASS["H"] + 2 * MASS["O"]
    total = n["Pb"] * MASS["Pb"] + n["S"] * MASS["S"] + k * oleate + k * (MASS["O"] + MASS["H"])
    assert pbs.composition["molar_mass_g_mol"] == pytest.approx(total, rel=1e-4)
    assert pbs.composition["organic_mass_fraction"] == pytest.approx(k * oleate / total, abs=1e-4)
    assert pbs.composition["ligand_density_per_nm2"]["oleic acid"] == pytest.approx(
        k / pbs.bare.census.surface_area_nm2, abs=1e-3)


def test_model_is_clash_free_by_an_independent_check(pbs):
    # the shell rules: atoms of different molecules (or ligand and core) >= 2.0 A; heavy atoms of
    # different ligands >= 2.5 A; a donor's bonds to the core atoms it binds are bonds, not contacts
    atoms = pbs.atoms
    res = atoms.arrays["residue"]
    heavy = np.array([s != "H" for s in atoms.get_chemical_symbols()])
    pairs = cKDTree(atoms.positions).query_pairs(2.5, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    bonded = {tuple(sorted(b)) for b in pbs.bonds.tolist()}
    keep = (res[i] != res[j]) & np.array([(a, b) not in bonded for a, b in zip(i, j)])
    i, j = i[keep], j[keep]
    d = np.linalg.norm(atoms.positions[i] - atoms.positions[j], axis=1)
    assert np.all(d >= 2.0)
    between_ligands = (res[i] > 0) & (res[j] > 0) & heavy[i] & heavy[j]
    assert np.all(d[between_ligands] >= 2.5)
    assert pbs.to_dict()["pairs_below_2A"] == 0
    assert pbs.to_dict()["min_interatomic_distance_A"] >= 2.0


def test_donor_bonds_follow_cited_radii(pbs):
    # Shannon 1976: Pb2+(VI) 1.19 A, O2-(II) 1.35 A; the carboxylate O sit at least 0.9 of that from Pb
    assert bond_length("Pb", 2, 6, "O", -1, {}) == pytest.approx(1.19 + 1.35)
    # Cordero 2008: Si 1.11 A, C(sp3) 0.76 A (no ionic pair)
    assert bond_length("Si", 0, 4, "C", 0, {}) == pytest.approx(1.11 + 0.76)
    # a pair bonded in the lattice keeps the lattice bond (a thiolate S on PbS where a lattice S would be)
    assert bond_length("Pb", 2, 6, "S", -1, {("Pb", "S"): 2.968}) == 2.968
    atoms = pbs.atoms
    donors = np.nonzero(atoms.arrays["role"] == "donor")[0]
    pb = np.nonzero(np.array(atoms.get_chemical_symbols()) == "Pb")[0]
    d, _ = cKDTree(atoms.positions[pb]).query(atoms.positions[donors])
    assert d.min() >= 0.9 * 2.54 - 1e-6


# -- neutrality and symmetry (property tests) -----------------------------------------------------------
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(material=st.sampled_from(["PbS", "CdSe", "ZnS", "CdTe", "PbSe"]),
       shape=st.sampled_from(["truncated-octahedron", "octahedron", "cube", "sphere"]),
       diameter=st.floats(2.0, 3.5))
def test_chloride_shell_is_neutral_and_symmetric(material, shape, diameter):
    qd = build_core(material, diameter, shape, "cation_rich")
    if qd.census.net_charge <= 0:
        return
    spec = parse_shell([{"ligand": "chloride", "motif": "X", "role": "neutralize"}])
    r = cap(qd, spec)
    p = r.placed[0]
    # one Cl- per excess charge, each on its own site
    assert len(p.sites) == qd.census.net_charge
    assert len(np.unique(p.sites)) == len(p.sites)
    # equivalent faces (one symmetry orbit) carry equal counts, +-1 where the count cannot divide;
    # a ligand on the edge between two equivalent faces counts half for each
    for o in np.unique(r.sites.orbit[r.sites.orbit >= 0]):
        faces = np.unique(r.sites.face[r.sites.orbit == o])
        per = r.sites.face_counts(p.sites, faces)
        assert per.max() - per.min() <= 1, (o, per)
    assert r.contacts.pairs_below_2A == 0


def test_mixed_neutralizing_shares_split_the_charge():
    qd = build_core("CdSe", 3.0, "tetrahedron", "cation_rich")
    spec = parse_shell([{"ligand": "oleic acid", "motif": "X", "role": "neutralize", "share": 1},
                        {"ligand": "chloride", "motif": "X", "role": "neutralize", "share": 1}])
    r = cap(qd, spec)
    n = {p.template.name: len(p.sites) for p in r.placed}
    assert n["oleic acid"] + n["chloride"] == qd.census.net_charge
    assert abs(n["oleic acid"] - n["chloride"]) <= 1


def test_arrangements_and_facet_filters():
    qd = build_core("CdSe", 3.0, "tetrahedron", "cation_rich")
    entries = [{"ligand": "acetic acid", "motif": "X", "role": "neutralize"},
               {"ligand": "chloride", "motif": "X", "role": "neutralize"}]
    janus = cap(qd, parse_shell({"arrangement": "janus", "entries": entries}))
    z = [janus.sites.position[p.sites][:, 2].mean() for p in janus.placed]
    assert z[0] > 0 > z[1]  # first entry on the +z half, second on the -z half
    nc = build_nanocrystal("PbS", 3.0, shell=[
        {"ligand": "chloride", "motif": "X", "coverage": 0.5, "facets": ["{100}"]},
        {"ligand": "hydroxide", "motif": "X", "role": "neutralize"}])
    by_facet = nc.composition["ligands_by_facet"]
    assert set(k for k, v in by_facet.items() if "chloride" in v) == {"{100}"}
    assert nc.net_charge == 0


# -- native shells -----------------------------------------------------------------------------------------
def test_perovskite_ion_pairs_replace_surface_cesium():
    nc = native("CsPbBr3", 5.0)
    n_amm = nc.composition["ligands"]["oleylammonium bromide"]
    cs_core = nc.bare.census.composition["Cs"]
    cs_model = int(np.sum(np.array(nc.atoms.get_chemical_symbols())[nc.atoms.arrays["residue"] == 0] == "Cs"))
    assert cs_core - cs_model == n_amm > 0
    assert nc.net_charge == 0


def test_silicon_grafts_replace_hydrogen_caps():
    # Sieval et al. 2001: 50-55 % of Si-H replaced by Si-alkyl is the most a surface takes
    nc = native("Si", 4.0)
    grafts = nc.composition["ligands"]["1-dodecene"]
    h_core = nc.bare.census.composition["H"]
    h_model = int(np.sum(np.array(nc.atoms.get_chemical_symbols())[nc.atoms.arrays["residue"] == 0] == "H"))
    assert h_core - h_model == grafts > 0
    assert grafts <= 0.55 * h_core
    donors = nc.atoms.arrays["role"] == "donor"
    si = np.array(nc.atoms.get_chemical_symbols()) == "Si"
    d, _ = cKDTree(nc.atoms.positions[si]).query(nc.atoms.positions[donors])
    assert d == pytest.approx(1.87, abs=0.01)  # Cordero Si-C


def test_metal_core_thiolates_are_neutral_radicals_and_full_means_what_fits():
    nc = native("Au", 3.0)
    assert nc.net_charge == 0
    assert np.all(nc.atoms.arrays["formal_charge"] == 0)
    placed = nc.composition["ligands"]["1-dodecanethiol"]
    limit = nc.result.footprint_limit["1-dodecanethiol"]
    assert 0 < placed <= limit
    assert nc.to_dict()["pairs_below_2A"] == 0


def test_oxide_x2_brings_one_proton_per_carboxylate():
    # seed 000 §2.1.1: a carboxylic acid on HfO2 splits into a carboxylate on Hf and a proton on O
    nc = native("HfO2", 3.0)
    pairs = [(p, q) for p, q in zip(nc.result.placed, nc.result.placed[1:]) if q.entry.role == "pair"]
    assert pairs and all(len(p.sites) == len(q.sites) > 0 for p, q in pairs)
    assert all(q.kind == "cation_vacancy" and q.template.symbols == ("H",) for _, q in pairs)
    assert nc.net_charge == 0


def test_z_type_cations_with_diffuse_counter_ions():
    # seed 001 Fig. 1b: In3+ binds the surface, NO3- stays in the diffuse layer (listed, not placed)
    nc = build_nanocrystal("CdSe", 3.0, "sphere", "stoichiometric", shell=[
        {"ligand": "indium(III)", "motif": "Z", "coverage": 4, "counterions": "nitrate"},
        {"ligand": "chloride", "motif": "X", "role": "neutralize"}])
    ions = nc.composition["counterions"]
    assert ions[0]["ion"] == "nitrate" and ions[0]["count"] == 12
    assert nc.net_charge == 0


def test_z_type_metal_carboxylate_binds_surface_anions():
    nc = build_nanocrystal("CdSe", 3.0, "sphere", "stoichiometric", shell=[
        {"ligand": "cadmium oleate", "motif": "Z", "coverage": 6},
        {"ligand": "chloride", "motif": "X", "role": "neutralize"}])
    z = nc.result.placed[0]
    assert set(z.kind for z in nc.result.placed[:1]) == {"cation_vacancy"}
    assert len(z.sites) == 6 and nc.net_charge == 0


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
        build_nanocrystal("PbS", 3.0, "truncated-octahedron", "seed004", shell=shell)


def test_anion_rich_core_needs_cations():
    qd = build_core("CdSe", 3.0, "sphere", "stoichiometric")
    charge = qd.census.net_charge
    recipe = [{"ligand": "chloride", "motif": "X", "role": "neutralize"}] if charge < 0 else \
        [{"ligand": "indium(III)", "motif": "Z", "role": "neutralize"}]
    with pytest.raises(ChemistryError, match="no neutralizing entry"):
        cap(qd, parse_shell(recipe))


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
    assert sum(1 for ln in atoms if ln[78:80] == "1-") == 2 * pbs.composition["ligands"]["oleic acid"]


def test_pdb_refuses_more_atoms_than_serial_numbers(tmp_path):
    big = Atoms("H" * 100_000, positions=np.zeros((100_000, 3)))
    big.arrays["residue"] = np.zeros(100_000, int)
    with pytest.raises(OutputError, match="PDB"):
        write_structure(tmp_path / "big.pdb", big)
    assert not (tmp_path / "big.pdb").exists()


def test_json_manifest_and_extxyz(tmp_path, pbs):
    pbs.write(tmp_path / "m.json")
    d = json.loads((tmp_path / "m.json").read_text())
    for key in ("ligands", "ligand_density_per_nm2", "organic_mass_fraction", "net_charge",
                "min_interatomic_distance_A", "pairs_below_2A"):
        assert key in d
    assert d["net_charge"] == 0
    pbs.write(tmp_path / "m.extxyz")
    from ase.io import read

    back = read(tmp_path / "m.extxyz")
    assert len(back) == len(pbs.atoms) and "residue" in back.arrays


def test_cli_build_with_native_shell(tmp_path, capsys):
    out = tmp_path / "pbs.pdb"
    assert main(["build", "PbS", "--diameter", "3", "--shell", "native", "-o", str(out), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["net_charge"] == 0 and d["pairs_below_2A"] == 0 and out.exists()


def test_cli_spec_file(tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text("material: CdSe\ndiameter_nm: 3\nshape: tetrahedron\ntermination: cation_rich\n"
                    "shell:\n  arrangement: janus\n  entries:\n"
                    "    - {ligand: acetic acid, motif: X, role: neutralize}\n"
                    "    - {ligand: chloride, motif: X, role: neutralize}\n")
    assert main(["build", str(spec), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d["ligands"]) == {"acetic acid", "chloride"}


def test_cli_bad_recipe_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "x.pdb"
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {ligand: 1-octadecene, motif: X}\n")
    code = main(["build", "PbS", "--diameter", "3", "--shell", str(bad), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1
    assert not out.exists()
