"""The one conformer recipe (nanoligand.ligands.conformer) and the one footprint rasteriser
(nanoligand.ligands.descriptors.disc_union_area_A2)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from rdkit import Chem

from nanoligand.ligands.conformer import anti_conformer, embed, ligand_fragment, optimise, quick_embed
from nanoligand.ligands.descriptors import disc_union_area_A2

SRC = Path(__file__).parents[2] / "src" / "nanoligand"


def _lens_union_A2(r: float, d: float) -> float:
    """Union of two discs of radius r at distance d < 2r: 2πr² less the lens, 2r² acos(d/2r) − (d/2)√(4r² − d²)
    (circle-circle intersection area, e.g. Weisstein, MathWorld 'Circle-Circle Intersection')."""
    lens = 2 * r * r * math.acos(d / (2 * r)) - 0.5 * d * math.sqrt(4 * r * r - d * d)
    return 2 * math.pi * r * r - lens


@pytest.mark.parametrize("d", [0.0, 1.2, 2.5, 3.4])
def test_rasteriser_matches_the_union_of_two_discs(d):
    r = 1.7  # a C atom's van der Waals radius (Bondi 1964)
    area = disc_union_area_A2(np.array([[0.0, 0.0], [d, 0.0]]), np.array([r, r]), 0.02)
    assert area == pytest.approx(_lens_union_A2(r, d), rel=0.01)


def test_rasteriser_is_exact_per_cell_whatever_the_chunk(monkeypatch):
    # many atoms at once and one atom at a time count the same cells
    rng = np.random.default_rng(1)
    p, radii = rng.uniform(-5, 5, (40, 2)), rng.uniform(1.1, 2.0, 40)
    full = disc_union_area_A2(p, radii, 0.1)
    import nanoligand.ligands.descriptors as d

    monkeypatch.setattr(d, "_CHUNK", 1)
    assert disc_union_area_A2(p, radii, 0.1) == full


def test_embedding_is_deterministic():
    a, b = (Chem.AddHs(Chem.MolFromSmiles("CCCCCCCC/C=C\\CCCCCCCC(=O)[O-]")) for _ in range(2))
    assert embed(a) and embed(b)
    assert np.array_equal(a.GetConformer().GetPositions(), b.GetConformer().GetPositions())
    c, e = (Chem.AddHs(Chem.MolFromSmiles("SCCCCCCCCCCCC")) for _ in range(2))
    assert quick_embed(c) and quick_embed(e)
    assert np.array_equal(c.GetConformer().GetPositions(), e.GetConformer().GetPositions())


def test_anti_conformer_is_an_extended_chain():
    # all-anti dodecanethiol: S···C12 spans 11 C–C rises of 1.265 Å (Tanford, J. Phys. Chem. 1972, 76, 3020)
    # plus the C–S bond's rise, and no more than the fully stretched bonds
    m = Chem.AddHs(Chem.MolFromSmiles("SCCCCCCCCCCCC"))
    assert anti_conformer(m, 0)
    x = m.GetConformer().GetPositions()
    span = float(np.linalg.norm(x[0] - x[12]))
    assert 11 * 1.265 < span < 11 * 1.54 + 1.82


def test_force_field_minimum_has_the_reference_bond_length():
    # MMFF94-optimised ethane: C–C 1.53 Å (gas-phase electron diffraction, 1.535 Å; Allen et al. 1987: 1.530)
    m = Chem.AddHs(Chem.MolFromSmiles("CC"))
    assert embed(m) and optimise(m) == "MMFF94"
    x = m.GetConformer().GetPositions()
    assert float(np.linalg.norm(x[0] - x[1])) == pytest.approx(1.53, abs=0.03)


def test_ligand_fragment_keeps_the_donor_fragment():
    mol = Chem.MolFromSmiles("[Br-].CCCCCCCC/C=C\\CCCCCCCC[NH3+]")
    frag, donors = ligand_fragment(mol, (19,))
    assert Chem.MolToSmiles(frag) == Chem.MolToSmiles(Chem.MolFromSmiles("CCCCCCCC/C=C\\CCCCCCCC[NH3+]"))
    assert frag.GetAtomWithIdx(donors[0]).GetSymbol() == "N"


def test_one_home_for_embedding_and_force_fields():
    # only nanoligand.ligands.conformer embeds molecules or sets up / runs a force-field optimisation
    pattern = re.compile(r"\.(EmbedMolecule|EmbedMultipleConfs|ETKDGv?\d?|MMFFOptimizeMolecule|UFFOptimizeMolecule"
                         r"|MMFFGetMoleculeForceField|UFFGetMoleculeForceField|MMFFHasAllMoleculeParams)\(")
    hits = [path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py")
            if path.name != "conformer.py" and pattern.search(path.read_text())]
    assert not hits
