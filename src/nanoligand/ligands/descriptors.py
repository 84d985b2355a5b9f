"""Ligand descriptors: 2D (from the graph) and 3D (from an extended conformer), each labelled.

2D (computed by RDKit): formula, molar mass, heavy atoms, net charge, Wildman–Crippen logP
(J. Chem. Inf. Comput. Sci. 1999, 39, 868), topological polar surface area (Ertl et al., J. Med. Chem.
2000, 43, 3714), rotatable bonds, H-bond donors/acceptors, stereocentres.

3D (estimates from one extended conformer, :func:`nanoligand.ligands.conformer.anti_conformer`): an
ETKDG conformer (Riniker & Landrum, J. Chem. Inf. Model. 2015, 55, 2562) is straightened by setting
every rotatable torsion along the path from the donor atom to the farthest atom to 180° (anti),
keeping ring and double-bond geometry; then

* ``span_A``: donor-atom nucleus to the farthest heavy atom's nucleus (the ligand's extent along the
  chain, without van der Waals radii);
* ``length_A``: donor-atom nucleus to the farthest atom's nucleus plus that atom's van der Waals
  radius (RDKit periodic table, Bondi-type radii);
* ``footprint_nm2``: area of the union of van der Waals discs projected on the plane normal to the
  donor→tail axis (rasterised on a 0.1 Å grid, :func:`disc_union_area_A2`): the surface area one
  upright ligand shades;
* ``cone_angle_deg``: Tolman-type cone (C. A. Tolman, Chem. Rev. 1977, 77, 313): apex at a virtual
  surface metal 2.28 Å below the donor atom(s) along the axis, axis towards the centroid of the other
  heavy atoms, enclosing the van der Waals spheres of every non-donor atom (the donors' acidic H atoms, which
  leave on binding, are left out of all 3D measures);
* ``dipole_D``: |Σ qᵢ rᵢ| with Gasteiger–Marsili charges (Tetrahedron 1980, 36, 3219) about the
  centre of mass. Charged ligands are neutralised first (RDKit ``Uncharger``: carboxylate →
  carboxylic acid ...), since the dipole of an ion depends on the origin; the result says so.

Examples
--------
>>> from rdkit import Chem
>>> d = descriptors_2d(Chem.MolFromSmiles("CCCCCCCCCCCCS"))
>>> d["formula"], round(d["molar_mass_g_mol"], 2), d["heavy_atoms"]
('C12H26S', 202.41, 13)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rdkit import Chem, rdBase
from rdkit.Chem import AllChem, Crippen, Descriptors, Lipinski, rdMolDescriptors

from nanoligand.errors import ChemistryError
from nanoligand.ligands.conformer import SEED, anti_conformer, farthest_atom, ligand_fragment

DEBYE_PER_E_A = 4.80320  # 1 e·Å in debye (CODATA: e·Å / 3.33564e-30 C·m)
TOLMAN_M_DONOR_A = 2.28  # metal-donor distance of the cone-angle apex (Tolman, Chem. Rev. 1977, 77, 313)
FOOTPRINT_GRID_A = 0.1  # raster of the descriptor footprint (the shell templates use 0.2 Å)
_CHUNK = 1 << 22  # atoms × grid cells tested at once by the rasteriser


def descriptors_2d(mol: Chem.Mol) -> dict[str, Any]:
    """Graph descriptors (all computed, none estimated)."""
    centres = Chem.FindMolChiralCenters(mol, includeUnassigned=True, useLegacyImplementation=False)
    return {
        "formula": rdMolDescriptors.CalcMolFormula(mol),
        "molar_mass_g_mol": round(Descriptors.MolWt(mol), 3),
        "heavy_atoms": mol.GetNumHeavyAtoms(),
        "charge": Chem.GetFormalCharge(mol),
        "logP": round(Crippen.MolLogP(mol), 3),
        "tpsa_A2": round(rdMolDescriptors.CalcTPSA(mol), 2),
        "rotatable_bonds": rdMolDescriptors.CalcNumRotatableBonds(mol),
        "hbond_donors": Lipinski.NumHDonors(mol),
        "hbond_acceptors": Lipinski.NumHAcceptors(mol),
        "stereocentres": [{"atom": i, "label": lab} for i, lab in centres],
    }


#: the largest ligand fragment (heavy atoms) embedded in 3D; beyond it the 3D estimates say why they are missing
MAX_3D_HEAVY_ATOMS = 300


def descriptors_3d(mol: Chem.Mol, donor_atoms: tuple[int, ...], seed: int = SEED) -> dict[str, Any]:
    """3D estimates from an extended conformer (module docstring). ``donor_atoms`` are indices in
    ``mol``; without donors the first heavy atom of the longest path is used. Only the fragment
    holding the donors is embedded (the ligand, not its counter-ions). Single atoms and molecules
    that cannot be embedded get ``None`` values with the reason."""
    frag, donors = ligand_fragment(mol, donor_atoms)
    if frag.GetNumHeavyAtoms() < 2:
        return _no_3d("single atom: use its ionic radius")
    if frag.GetNumHeavyAtoms() > MAX_3D_HEAVY_ATOMS:   # embedding grows steeply: 5000 C did not finish
        return _no_3d(f"{frag.GetNumHeavyAtoms()} heavy atoms: 3D estimates are made for up to {MAX_3D_HEAVY_ATOMS} "
                      "(the largest library ligand has 82)")
    with rdBase.BlockLogs():  # force-field typing warnings for metals/charged atoms are not errors here
        try:
            return _descriptors_3d(frag, donors, seed)
        except ChemistryError as exc:
            return _no_3d(str(exc))


def _no_3d(reason: str) -> dict[str, Any]:
    return {"length_A": None, "span_A": None, "footprint_nm2": None, "cone_angle_deg": None, "dipole_D": None,
            "reason": reason, "estimate": True}


def _descriptors_3d(mol: Chem.Mol, donor_atoms: list[int], seed: int) -> dict[str, Any]:
    mh = Chem.AddHs(mol)
    heavy = [a.GetIdx() for a in mh.GetAtoms() if a.GetAtomicNum() > 1]
    donors = [i for i in donor_atoms if i < mol.GetNumAtoms()] or [farthest_atom(mh, heavy[0], heavy)]
    if not anti_conformer(mh, donors[0], farthest_atom(mh, donors[0], heavy), seed):
        raise ChemistryError("no 3D conformer could be embedded for this molecule")
    xyz = np.array(mh.GetConformer().GetPositions())
    radii = np.array([Chem.GetPeriodicTable().GetRvdw(a.GetAtomicNum()) for a in mh.GetAtoms()])
    apex = xyz[donors].mean(axis=0)
    # the donors' own H atoms (acidic OH/SH) leave on binding: they are not part of the bound shape
    donor_h = {n.GetIdx() for i in donors for n in mh.GetAtomWithIdx(i).GetNeighbors() if n.GetAtomicNum() == 1}
    others = [i for i in range(len(xyz)) if i not in donors and i not in donor_h]
    if not others:
        return _no_3d("too small: every atom is a donor")
    dist = np.linalg.norm(xyz[others] - apex, axis=1)
    length = float((dist + radii[others]).max())
    tail = xyz[[i for i in others if mh.GetAtomWithIdx(i).GetAtomicNum() > 1] or others].mean(axis=0)
    axis = tail - apex
    if np.linalg.norm(axis) < 1e-6:
        axis = np.array([0.0, 0.0, 1.0])
    axis = axis / np.linalg.norm(axis)
    metal = apex - TOLMAN_M_DONOR_A * axis
    charged = Chem.GetFormalCharge(mol) != 0
    heavy_others = [i for i in others if mh.GetAtomWithIdx(i).GetAtomicNum() > 1]
    span = float(np.linalg.norm(xyz[heavy_others] - apex, axis=1).max()) if heavy_others else 0.0
    return {
        "length_A": round(length, 2),
        "span_A": round(span, 2),
        "footprint_nm2": round(_projected_area(xyz[donors + others], radii[donors + others], axis) / 100.0, 3),
        "cone_angle_deg": round(_cone_angle(xyz[others] - metal, radii[others], axis), 1),
        "dipole_D": _dipole(_neutral(mh) if charged else mh, xyz),
        "dipole_of": "neutralised molecule" if charged else "molecule as given",
        "method": "ETKDGv3 conformer, rotatable torsions on the donor-tail path set anti; Gasteiger charges",
        "estimate": True,
    }


def disc_union_area_A2(points: np.ndarray, radii: np.ndarray, grid_A: float = FOOTPRINT_GRID_A) -> float:
    """Area (Å²) of the union of discs (centres ``points`` (n, 2), ``radii`` (n,)), counted on a square
    grid of spacing ``grid_A`` from the lower-left corner of their bounding box: the footprint
    rasteriser of the descriptors and the shell templates (vectorised over atoms and grid lines).

    Examples
    --------
    >>> a = disc_union_area_A2(np.zeros((1, 2)), np.array([2.0]), 0.01)   # one disc: π r² = 12.566 Å²
    >>> bool(abs(a - np.pi * 4.0) < 0.05)
    True
    """
    p = np.asarray(points, float).reshape(-1, 2)
    r = np.asarray(radii, float)
    lo = (p - r[:, None]).min(axis=0)
    hi = (p + r[:, None]).max(axis=0)
    gx = np.arange(lo[0], hi[0] + grid_A, grid_A)
    gy = np.arange(lo[1], hi[1] + grid_A, grid_A)
    dx2 = (gx[None, :] - p[:, :1]) ** 2  # (n, nx): the same numbers as (X - px)**2 on the full grid
    dy2 = (gy[None, :] - p[:, 1:]) ** 2  # (n, ny)
    r2 = (r * r)[:, None, None]
    covered = np.zeros((len(gx), len(gy)), bool)
    step = max(1, _CHUNK // max(1, len(gx) * len(gy)))
    for k in range(0, len(p), step):
        s = slice(k, k + step)
        covered |= (dx2[s, :, None] + dy2[s, None, :] <= r2[s]).any(axis=0)
    return float(covered.sum() * grid_A * grid_A)


def _projected_area(xyz: np.ndarray, radii: np.ndarray, axis: np.ndarray) -> float:
    """Area (Å²) of the union of discs of the atoms projected on the plane normal to ``axis``."""
    u = np.cross(axis, [1.0, 0.0, 0.0] if abs(axis[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(axis, u)
    return disc_union_area_A2(np.column_stack([xyz @ u, xyz @ v]), radii, FOOTPRINT_GRID_A)


def _cone_angle(vec: np.ndarray, radii: np.ndarray, axis: np.ndarray) -> float:
    d = np.linalg.norm(vec, axis=1)
    cos = np.clip(vec @ axis / np.maximum(d, 1e-9), -1.0, 1.0)
    half = np.degrees(np.arccos(cos)) + np.degrees(np.arcsin(np.clip(radii / np.maximum(d, radii), -1, 1)))
    return float(min(360.0, 2.0 * half.max()))


def _neutral(mh: Chem.Mol) -> Chem.Mol:
    """Neutralise charged acids/bases in place of the same coordinates (H count changes only on the
    charged atoms, which the Gasteiger charges then see; positions of existing atoms are kept)."""
    from rdkit.Chem.MolStandardize import rdMolStandardize

    neutral = rdMolStandardize.Uncharger().uncharge(Chem.RemoveHs(mh))
    return Chem.AddHs(neutral, addCoords=True) if neutral.GetNumAtoms() == mh.GetNumHeavyAtoms() else mh


def _dipole(mh: Chem.Mol, xyz: np.ndarray) -> float | None:
    if mh.GetNumAtoms() != len(xyz):  # neutralised: use its own coordinates (heavy atoms unchanged)
        xyz = np.array(mh.GetConformer().GetPositions())
    AllChem.ComputeGasteigerCharges(mh)
    q = np.array([a.GetDoubleProp("_GasteigerCharge") for a in mh.GetAtoms()])
    if not np.all(np.isfinite(q)):
        return None
    masses = np.array([a.GetMass() for a in mh.GetAtoms()])
    com = (masses[:, None] * xyz).sum(axis=0) / masses.sum()
    mu = np.abs(((xyz - com) * q[:, None]).sum(axis=0))
    return round(float(np.linalg.norm(mu) * DEBYE_PER_E_A), 2)


def peg_units(mol: Chem.Mol) -> int:
    """Longest run of ethylene-oxide units (–CH2–CH2–O–) in the molecule."""
    patt = Chem.MolFromSmarts("[OX2][CH2][CH2]")
    matches = mol.GetSubstructMatches(patt)
    if not matches:
        return 0
    nxt: dict[int, int] = {}
    for o, c1, c2 in matches:
        for nb in mol.GetAtomWithIdx(c2).GetNeighbors():
            if nb.GetSymbol() == "O" and nb.GetIdx() != o:
                nxt[o] = nb.GetIdx()
    best = 1
    for start in {m[0] for m in matches}:
        n, cur, seen = 1, start, {start}
        while cur in nxt and nxt[cur] not in seen:
            cur = nxt[cur]
            seen.add(cur)
            n += 1
        best = max(best, n)
    return best


__all__ = ["descriptors_2d", "descriptors_3d", "disc_union_area_A2", "peg_units", "DEBYE_PER_E_A"]
