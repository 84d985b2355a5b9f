"""The motif table (data/motifs.yaml) against the chemistry it encodes, the data that names motifs, and
the code that reads it.

References: M. L. H. Green, J. Organomet. Chem. 1995, 500, 127 (covalent bond classification: an L ligand
gives two electrons to the bond, an X ligand one, a Z ligand none); seed 000 §2.1.1 (L/X/Z on NC
surfaces; carboxylic acids on HfO2/ZrO2 as carboxylate + proton, "X2"), §2.1.2 (ammonium at perovskite
A sites), §2.2.2 (hydrosilylation and diazonium grafting on H-terminated Si and diamond).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdkit import Chem

from nanoligand import build
from nanoligand.errors import InputError
from nanoligand.materials import get
from nanoligand.shell.motifs import MOTIFS, SHELL_MOTIFS, motif, neutralizers
from nanoligand.shell.recipe import parse_shell
from nanoligand.shell.sites import binding_sites
from nanoligand.shell.templates import TRANSFORMS, template
from nanoligand.tables import load_table

SRC = Path(__file__).parents[2] / "src" / "nanoligand"

# Green 1995: electrons the neutral ligand contributes to its bond with the metal, by class
GREEN_ELECTRONS = {"L": 2, "X": 1, "Z": 0}
# Green 1995 / seed 000 §2.1.1: L and X ligands are Lewis bases (donors), Z ligands Lewis acids (acceptors)
GREEN_LEWIS = {"L": "base", "X": "base", "Z": "acid"}


# -- Green's classification ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["L", "X", "Z"])
def test_lxz_records_follow_green(name):
    m = motif(name)
    assert (m.cbc, m.electrons, m.lewis) == (name, GREEN_ELECTRONS[name], GREEN_LEWIS[name])


@pytest.mark.parametrize("name", [k for k, m in MOTIFS.items() if m.cbc])
def test_electron_count_follows_the_class(name):
    m = motif(name)
    assert m.electrons == GREEN_ELECTRONS[m.cbc]


def test_x_ligand_carries_one_negative_charge_and_balances_one_excess_cation():
    # an X ligand bound as an anion (oleate from oleic acid) carries -1: one per excess cation charge
    oleate = template("oleic acid", "X")
    assert oleate.charge == -1 == motif("X").neutralizes
    assert [m.name for m in neutralizers(+1)] == ["X"]  # a cation-rich core is balanced by X only


def test_x_ligand_on_a_metal_core_is_a_one_electron_radical():
    # Green: X is a one-electron ligand as a neutral species (RS•): no charge, one unpaired electron
    t = template("DDT", "X", radical=True)
    mol = t.mol()
    assert t.charge == 0
    assert sum(a.GetNumRadicalElectrons() for a in mol.GetAtoms()) == motif("X").electrons == 1


def test_l_donor_is_neutral_and_cannot_neutralize():
    assert template("oleylamine", "L").charge == 0
    assert not motif("L").can_neutralize
    with pytest.raises(InputError, match="neutralize"):
        parse_shell([{"ligand": "oleylamine", "motif": "L", "role": "neutralize"}])


def test_z_acceptor_is_neutral_as_mx2_and_positive_as_a_bare_cation():
    # Anderson 2013: Cd(O2CR)2 / CdCl2 bind as neutral MX2; a bare Cd2+ (seed 001 Fig. 1b) is a cation
    assert template("cadmium chloride", "Z").charge == 0
    cation = template("cadmium(II)", "Z").charge
    assert cation == +2 and cation * motif("Z").neutralizes > 0
    assert [m.name for m in neutralizers(-1)] == ["Z"]  # an anion-rich core is balanced by Z only
    assert motif("Z").is_acceptor and not motif("X").is_acceptor and not motif("L").is_acceptor


def test_x2_pair_is_neutral():
    # seed 000 §2.1.1: the carboxylate and the proton together: the neutral X2 pair
    parts = motif("X2").splits_into
    assert [p.ligand for p in parts] == ["*", "[H+]"]
    carboxylate = template("oleic acid", parts[0].motif).charge
    assert carboxylate + 1 == 0 and motif("X2").neutralizes == 0
    assert parts[1].site == "cation_vacancy"  # the proton sits on a surface O (next to a missing metal)


def test_ion_pair_leaves_the_charge_as_it_was():
    # seed 000 §2.1.2: oleylammonium (+1) takes the place of the surface Cs+ (+1, materials.yaml)
    ammonium = template("oleylammonium bromide", "ion_pair").charge
    mat = get("CsPbBr3")
    assert ammonium == mat.charges[mat.roles["A"]] == 1
    assert motif("ion_pair").replaces == "a_cation" and motif("ion_pair").neutralizes == 0


def test_graft_is_a_one_electron_bond_to_si_in_place_of_h():
    # seed 000 §2.2.2: the terminal C=C of an alkene becomes C–C and the terminal C bonds Si (H-Si -> C-Si)
    t = template("1-dodecene", "covalent")
    mol = t.mol()
    assert t.charge == 0
    assert sum(a.GetNumRadicalElectrons() for a in mol.GetAtoms()) == motif("covalent").electrons == 1
    assert not any(b.GetBondType() == Chem.BondType.DOUBLE for b in mol.GetBonds())
    assert motif("covalent").replaces == "h_cap" and motif("covalent").requires_prototype == "diamond"


# -- every chemical statement has a source ------------------------------------------------------------------
def _stated(m) -> list[str]:
    """Fields of a record that state chemistry (not defaults)."""
    out = []
    if m.cbc:
        out += ["cbc", "electrons"]
    if m.can_neutralize or m.name in ("ion_pair", "covalent", "X2"):
        out.append("neutralizes")
    if m.bound_form:
        out.append("bound_form")
    if m.splits_into:
        out.append("splits_into")
    if m.replaces_core_atom:
        out.append("replaces")
    if m.requires_prototype:
        out.append("requires")
    out += [f for f, v in (("metal_core_form", m.metal_core_form), ("kappa1", m.kappa1),
                           ("rigid_head", m.rigid_head), ("offered_by", m.offered_by)) if v]
    if m.placement == "hbond":
        out.append("placement")
    return out


@pytest.mark.parametrize("name", list(MOTIFS))
def test_every_chemical_statement_is_sourced(name):
    m = motif(name)
    missing = [f for f in _stated(m) if not m.sources.get(f)]
    assert not missing, f"{name}: no source for {missing}"
    for text in m.sources.values():
        assert re.search(r"seed 00\d|Green 1995|Anderson 2013|Owen 2015|\.yaml", text), text


# -- every motif the data names is in the table ---------------------------------------------------------------
def _named_in_data() -> dict[str, set[str]]:
    named: dict[str, set[str]] = {}

    def add(where, value):
        if value is not None:
            named.setdefault(value, set()).add(where)

    for rec in load_table("shells.yaml").values():
        for e in rec["shell"]:
            add("shells.yaml", e["motif"])
    for f in ("ligands_organic.yaml", "ligands_inorganic.yaml"):
        for lig in load_table(f)["ligands"]:
            if lig.get("motif") not in (None, "parts"):
                add(f, lig["motif"])
            for part in lig.get("parts") or []:
                if part["role"] not in ("counter-cation", "reagent"):  # roles, not motifs (the file's header)
                    add(f, part["role"])
    for a in load_table("anchors.yaml")["anchors"]:
        for k in ("motif", "charged_motif", "neutral_motif"):
            add("anchors.yaml", a.get(k))
    rules = load_table("inorganic_rules.yaml")
    for section in ("whole", "monatomic", "structural", "salts"):
        for r in rules[section]:
            add("inorganic_rules.yaml", r["motif"])
    design_only = {"zwitterion", "cation"}  # design's own binding kinds (design/features.py), not motifs
    for lat in load_table("design.yaml")["lattices"].values():
        for k in set(lat["kinds"]) - design_only:
            add("design.yaml", k)
    return named


def test_every_motif_the_data_names_is_in_the_table():
    unknown = {k: v for k, v in _named_in_data().items() if k not in MOTIFS}
    assert not unknown


def test_every_motif_in_the_table_is_named_by_data_and_shell_motifs_parse():
    named = _named_in_data()
    assert set(MOTIFS) <= set(named)
    for m in SHELL_MOTIFS:
        assert parse_shell([{"ligand": "oleic acid", "motif": m, "coverage": 1}]).entries[0].motif == m
    assert "counterion" not in SHELL_MOTIFS  # listed, never placed


# -- every value the table names is one the code implements -----------------------------------------------
def test_transforms_exist():
    named = {r.transform for m in MOTIFS.values() for r in m.bound_form}
    assert named and named <= set(TRANSFORMS)


def test_site_kinds_are_the_ones_the_cores_offer():
    kinds = set()
    for material, d, shape, term in (("PbS", 3.0, None, "seed004"), ("HfO2", 3.0, None, "stoichiometric"),
                                     ("CsPbBr3", 3.0, None, "AX"), ("Si", 2.0, None, "hydrogen")):
        kinds |= set(binding_sites(build(material, d, shape, term).core).kind)
    table = {m.site for m in MOTIFS.values() if m.site} | {p.site for m in MOTIFS.values() for p in m.splits_into
                                                          if p.site}
    assert table <= kinds, table - kinds


def test_placements_and_replacements_are_implemented():
    # shell.cap places grafts itself and hands bond-valence and hydrogen-bond heads to shell.binding
    assert {m.placement for m in MOTIFS.values() if m.shell} == {"bond_valence", "hbond", "graft"}
    assert {m.replaces for m in MOTIFS.values()} == {"nothing", "a_cation", "h_cap"}


def test_no_motif_name_tests_left_in_the_code():
    # the table is the one place: no `motif == "X"`-style tests in the package (the CLI and web app aside)
    pattern = re.compile(r"""motif\)?\s*(==|!=|in)\s*\(?["'](X|L|Z|X2|ion_pair|covalent|counterion)["']""")
    hits = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(("cli/", "web/")) or rel == "shell/motifs.py":
            continue
        hits += [f"{rel}:{k + 1}" for k, line in enumerate(path.read_text().splitlines()) if pattern.search(line)]
    assert not hits


def test_unknown_motif_names_the_known_ones():
    with pytest.raises(InputError, match="ion_pair"):
        motif("Y")
