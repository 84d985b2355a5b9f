"""The structure validator flags what a chemist would, on hand-broken copies of a valid model.

Each test breaks one thing in a copy of a native CdSe model that passes every rule — a detached
ligand, a 1.8 Å Cd–O contact, a squashed C–C bond, two overlapping ligands, a floating proton, two
fused molecules, a stripped cation, a false claim — and checks that exactly the rule for it fails.
The thresholds are the cited ones of ``data/validation.yaml``; the broken values are far outside them
(MolProbity's 0.4 Å overlap, a Csp3–Csp3 bond 0.13 Å short of Allen et al.'s 1.53 Å, a Cd–O bond
0.2 Å below the bond-valence shortest).
"""

from __future__ import annotations

import numpy as np
import pytest

from nanoligand.validate import read_structure, validate
from nanoligand.validate.graph import donor_range_A, topology


@pytest.fixture(scope="module")
def model(native_cdse):
    return native_cdse.atoms


def _ligand_atoms(atoms, residue: int) -> np.ndarray:
    return np.nonzero(atoms.arrays["residue"] == residue)[0]


def _failed(report) -> set[str]:
    return {r.name for r in report.rules if r.verdict == "fail"}


def test_the_unbroken_model_passes_every_rule(model):
    report = validate(model)
    assert report.ok, report.summary()
    assert report.rule("attached").violations == 0
    assert len(report.ligands) == int(model.arrays["residue"].max())


def test_a_detached_ligand_fails_attached(model):
    atoms = model.copy()
    idx = _ligand_atoms(atoms, 1)
    donors = idx[atoms.arrays["role"][idx] == "donor"]
    axis = atoms.positions[idx].mean(axis=0) - atoms.positions[donors].mean(axis=0)
    atoms.positions[idx] += 1.2 * axis / np.linalg.norm(axis)  # lifted 1.2 Å along its own axis
    report = validate(atoms)
    assert "attached" in _failed(report)
    assert report.rule("attached").violations == 1
    assert "composition" not in _failed(report)


def test_a_cd_o_contact_at_1_8_angstrom_fails_short_contacts(model):
    atoms = model.copy()
    g = topology(read_structure_from(atoms))
    cd, o = g.coordination[0]
    assert atoms.get_chemical_symbols()[cd] == "Cd"
    u = atoms.positions[o] - atoms.positions[cd]
    atoms.positions[o] = atoms.positions[cd] + 1.8 * u / np.linalg.norm(u)
    report = validate(atoms)
    assert "short_contacts" in _failed(report)
    assert report.rule("short_contacts").measured == pytest.approx(1.8, abs=0.01)
    assert donor_range_A("Cd", "O")[0] > 1.8 + 0.15


def test_a_squashed_c_c_bond_fails_ligand_bonds(model):
    atoms = model.copy()
    idx = _ligand_atoms(atoms, 2)
    sym = np.array(atoms.get_chemical_symbols())
    g = topology(read_structure_from(atoms))
    cc = [(a, b) for a, b in g.covalent if a in idx and b in idx and sym[a] == "C" and sym[b] == "C"][5]
    a, b = cc
    u = atoms.positions[b] - atoms.positions[a]
    atoms.positions[b] = atoms.positions[a] + 1.40 * u / np.linalg.norm(u)  # Csp3–Csp3 is 1.53 Å
    report = validate(atoms)
    assert "ligand_bonds" in _failed(report)
    assert report.rule("ligand_bonds").violations == 1


def test_two_overlapping_ligands_fail_clashscore(model):
    atoms = model.copy()
    a = _ligand_atoms(atoms, 3)
    pos = atoms.positions
    # the ligand whose atoms come nearest ligand 3, slid towards it until two carbons are 2.4 Å apart
    # (van der Waals 3.4 Å: an overlap of 1.0 Å, severe)
    others = np.setdiff1d(np.nonzero(atoms.arrays["residue"] > 0)[0], a)
    d = np.linalg.norm(pos[others][:, None] - pos[a][None], axis=2)
    b = _ligand_atoms(atoms, int(atoms.arrays["residue"][others[np.argmin(d.min(axis=1))]]))
    heavy_a = a[np.array(atoms.get_chemical_symbols())[a] != "H"]
    heavy_b = b[np.array(atoms.get_chemical_symbols())[b] != "H"]
    u = pos[a].mean(axis=0) - pos[b].mean(axis=0)
    u /= np.linalg.norm(u)
    for t in np.arange(0.0, 6.0, 0.02):
        moved = pos[heavy_b] + t * u
        if np.linalg.norm(moved[:, None] - pos[heavy_a][None], axis=2).min() <= 2.4:
            break
    atoms.positions[b] += t * u
    report = validate(atoms)
    # a severe overlap, or atoms so close they read as a bond between the two molecules
    assert _failed(report) & {"clashscore", "fused_molecules"}


def test_a_floating_proton_fails_floating_atoms(model):
    from ase import Atom

    atoms = model.copy()
    far = atoms.positions.max(axis=0) + 5.0
    atoms.append(Atom("H", far))
    for key in ("residue", "resname", "molecule", "formal_charge", "role", "facet"):
        if key in atoms.arrays:
            atoms.arrays[key][-1] = atoms.arrays[key][-2]
    report = validate(atoms)
    assert "floating_atoms" in _failed(report)


def test_fused_ligands_fail_fused_molecules_and_residues(model):
    atoms = model.copy()
    a = _ligand_atoms(atoms, 5)
    b = _ligand_atoms(atoms, 6)
    sym = np.array(atoms.get_chemical_symbols())
    ca = a[sym[a] == "C"][0]
    cb = b[sym[b] == "C"][0]
    atoms.positions[b] += atoms.positions[ca] - atoms.positions[cb] + np.array([0.0, 0.0, 1.1])
    report = validate(atoms)
    failed = _failed(report)
    assert "fused_molecules" in failed
    assert "residues" in failed


def test_a_cation_stripped_of_its_ligands_fails_cation_coordination(model):
    atoms = model.copy()
    g = topology(read_structure_from(atoms))
    cn = np.bincount(np.concatenate([g.core_bonds.ravel(), g.coordination.ravel()]), minlength=len(atoms))
    sym = np.array(atoms.get_chemical_symbols())
    # a Cd with three Se bonds and one carboxylate O: take its Se neighbours' distance away from it
    cd = next(c for c, _ in g.coordination if cn[c] == 4)
    se = g.core_bonds[(g.core_bonds == cd).any(axis=1)].ravel()
    se = se[(se != cd) & (sym[se] == "Se")][:2]
    keep = np.setdiff1d(np.arange(len(atoms)), se)
    report = validate(atoms[keep])
    assert "cation_coordination" in _failed(report)


def test_a_false_claim_fails_composition(native_cdse, tmp_path):
    path = tmp_path / "cdse.extxyz"
    native_cdse.write(path)
    text = path.read_text()
    claimed = native_cdse.claims()["ligands"]
    formula, n = next(iter(claimed.items()))
    path.write_text(text.replace(f'\\"{formula}\\": {n}', f'\\"{formula}\\": {n + 3}', 1))
    report = validate(path)
    assert "composition" in _failed(report)
    assert validate(tmp_path / "cdse.extxyz").rule("composition").violations == 1


def test_a_written_model_reads_back_as_valid(native_cdse, tmp_path):
    # CAT names its files after the ligand SMILES and anchor, e.g. "...[O-]@O19.pdb"
    for suffix in (".pdb", ".extxyz", ".xyz"):
        path = tmp_path / f"Cd_[O-]@O19{suffix}"
        native_cdse.write(path)
        report = validate(path)
        assert report.ok, (suffix, report.summary())


def test_bond_valence_ranges_contain_the_crystal_structures():
    """Every metal–donor distance measured in a crystal structure (data/validation.yaml 'observed':
    lead benzoate, cadmium acetate, Zn–Cys4, HfO2, ZrO2, anatase, PbS ...) lies inside the
    bond-valence range the validator uses."""
    from nanoligand.tables import load_table

    for row in load_table("validation.yaml")["observed"]:
        metal, donor = row["pair"].split("-")
        lo, _, hi = donor_range_A(metal, donor)
        assert lo <= row["min_A"] and row["max_A"] <= hi, (row["pair"], lo, hi, row["source"])


def read_structure_from(atoms):
    from nanoligand.validate.structure import Structure

    return Structure.from_atoms(atoms)
