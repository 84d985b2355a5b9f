"""Extended conformers of a ligand, optimised with a force field: the one conformer recipe.

A ligand in a dense shell stands up from the surface, so the conformers that matter are extended
ones. From an ETKDG embedding (RDKit) the path from the donor to the farthest heavy atom is made
all-trans (single bonds next to a double bond on the path are tried skew, ±120°, as well: that is
what straightens a cis-alkene chain such as oleate's); *bent* conformers add one gauche (±65°)
torsion along the path; *twisted* ones turn the chain about the donor group's first bond. Every
conformer is optimised with MMFF94 (UFF where MMFF94 lacks parameters), first with the path torsions
held near their set values, then freely, so that it is a local minimum of the force field (bond
lengths, angles and torsions all the force field's), and conformers that fold back
onto themselves (two atoms more than three bonds apart overlapping by ≥ 0.4 Å of their van der Waals
radii) are dropped.

Examples
--------
>>> from rdkit import Chem
>>> m = Chem.AddHs(Chem.MolFromSmiles("CCCCCCCC(=O)[O-]"))
>>> confs = extended_conformers(m, start=8)
>>> len(confs.straight) >= 1, confs.force_field
(True, 'MMFF94')
>>> xyz = confs.straight[0]
>>> round(float(np.linalg.norm(xyz[0] - xyz[1])), 2)   # a Csp3-Csp3 bond of the optimised chain (MMFF94)
1.52
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from rdkit import Chem, rdBase
from rdkit.Chem import AllChem, rdMolTransforms

SEED = 0xC0FFEE
SKEW_DEG = (180.0, 120.0, -120.0)
GAUCHE_DEG = 65.0
HEAD_TWISTS_DEG = (60.0, -60.0, 120.0, -120.0)
MAX_SKEW_BONDS = 3
MAX_BENT = 12
N_STRAIGHT = 2
MAX_ITERS = 2000
RESTRAINT_K = 500.0
WINDOW_DEG = 10.0  # torsions are held within ±10° of their set value (a flat-bottomed restraint)
OVERLAP_A = 0.4


@dataclass(frozen=True)
class Conformers:
    """Optimised coordinates (each (A, 3)), straight first; ``path`` is the atom path that was extended."""

    straight: list[np.ndarray]
    bent: list[np.ndarray]
    twisted: list[np.ndarray]
    path: tuple[int, ...]
    force_field: str

    @property
    def all(self) -> list[np.ndarray]:
        return self.straight + self.twisted + self.bent


def _field(m: Chem.Mol, conf_id: int):
    """A force field for conformer ``conf_id``: MMFF94, else UFF, else None; and its name."""
    props = AllChem.MMFFGetMoleculeProperties(m)
    if props is not None:
        return AllChem.MMFFGetMoleculeForceField(m, props, confId=conf_id), "MMFF94"
    if AllChem.UFFHasAllMoleculeParams(m):
        return AllChem.UFFGetMoleculeForceField(m, confId=conf_id), "UFF"
    return None, "none"


def optimise(m: Chem.Mol, conf_id: int, torsions: list[tuple[tuple[int, int, int, int], float]]) -> str:
    """Minimise conformer ``conf_id`` with the force field, holding ``torsions`` (quad, degrees)."""
    ff, name = _field(m, conf_id)
    if ff is None:
        return name
    for quad, angle in torsions:
        if name == "MMFF94":
            ff.MMFFAddTorsionConstraint(*quad, False, angle - WINDOW_DEG, angle + WINDOW_DEG, RESTRAINT_K)
        else:
            ff.UFFAddTorsionConstraint(*quad, False, angle - WINDOW_DEG, angle + WINDOW_DEG, RESTRAINT_K)
    ff.Initialize()
    ff.Minimize(maxIts=MAX_ITERS)
    return name


def extended_conformers(mh: Chem.Mol, start: int, n_straight: int = N_STRAIGHT, bent: bool = True,
                        radii: np.ndarray | None = None) -> Conformers:
    """Straight, twisted and bent conformers of ``mh`` (explicit H) extended from atom ``start``.

    Parameters
    ----------
    mh : rdkit Mol with explicit hydrogens
    start : int
        The atom the chain grows from (the donor, or a placeholder of the bond to the surface).
    n_straight : int
        How many straight conformers to keep (the narrowest).
    radii : ndarray, optional
        Van der Waals radii per atom for the self-overlap test (Bondi-like defaults from RDKit).
    """
    m = Chem.Mol(mh)
    with rdBase.BlockLogs():
        params = AllChem.ETKDGv3()
        params.randomSeed = SEED
        if AllChem.EmbedMolecule(m, params) != 0:
            params.useRandomCoords = True
            if AllChem.EmbedMolecule(m, params) != 0:
                raise ValueError("RDKit could not embed the molecule in 3D")
    radii = np.array([Chem.GetPeriodicTable().GetRvdw(a.GetSymbol()) for a in m.GetAtoms()]) if radii is None \
        else radii
    topo = Chem.GetDistanceMatrix(m)
    heavy = [a.GetIdx() for a in m.GetAtoms() if a.GetAtomicNum() > 1]
    far = max(heavy, key=lambda j: topo[start, j])
    if topo[start, far] < 3:  # too short to have a chain
        ff_name = optimise(m, 0, [])
        return Conformers([np.array(m.GetConformer().GetPositions())], [], [], (start,), ff_name)
    path = tuple(Chem.GetShortestPath(m, start, far))
    quads = [q for q in zip(path, path[1:], path[2:], path[3:]) if _rotatable(m, q[1], q[2])]
    skew = [q for q in quads if _next_to_double(m, q[1], q[2])][:MAX_SKEW_BONDS]
    plain = [q for q in quads if q not in skew]
    ff_name = "none"
    straight = []
    for angles in itertools.product(SKEW_DEG, repeat=len(skew)):
        torsions = [(q, 180.0) for q in plain] + list(zip(skew, angles))
        xyz, ff_name = _make(m, torsions, topo, radii)
        if xyz is not None:
            straight.append((xyz, torsions))
    if not straight:  # nothing extended fits: the plain optimised embedding
        ff_name = optimise(m, 0, [])
        return Conformers([np.array(m.GetConformer().GetPositions())], [], [], path, ff_name)
    straight.sort(key=lambda st: _width(st[0], path))
    kept = straight[:n_straight]
    base_xyz, base_t = kept[0]
    twisted, bent_out = [], []
    if quads and quads[0][1] in path[:3]:
        first = quads[0]
        for dt in HEAD_TWISTS_DEG:
            t = [(q, a + dt if q == first else a) for q, a in base_t]
            xyz, _ = _make(m, t, topo, radii, base_xyz)
            if xyz is not None:
                twisted.append(xyz)
    if bent:
        movable = [q for q, _ in base_t if q not in skew][1:]
        step = max(1, len(movable) // (MAX_BENT // 2))
        for q in movable[::step][: MAX_BENT // 2]:
            for sign in (1.0, -1.0):
                t = [(qq, sign * GAUCHE_DEG if qq == q else a) for qq, a in base_t]
                xyz, _ = _make(m, t, topo, radii, base_xyz)
                if xyz is not None:
                    bent_out.append(xyz)
    heavy_mask = np.array([a.GetAtomicNum() > 1 for a in m.GetAtoms()])
    seen: list[np.ndarray] = []
    straight_u, twisted_u, bent_u = ([x for x in group if _new(x, seen, heavy_mask)]
                                     for group in ([x for x, _ in kept], twisted, bent_out))
    return Conformers(straight_u, bent_u, twisted_u, path, ff_name)


def _new(xyz: np.ndarray, seen: list[np.ndarray], heavy: np.ndarray, tol_A: float = 0.25) -> bool:
    """Whether ``xyz`` differs from every conformer in ``seen`` (heavy-atom distances within ``tol_A``
    mean the same conformer); a new one is added to ``seen``."""
    h = xyz[heavy]
    d = np.linalg.norm(h[:, None] - h[None], axis=2)
    if any(np.abs(d - s).max() < tol_A for s in seen):
        return False
    seen.append(d)
    return True


def _make(m: Chem.Mol, torsions, topo, radii, start_xyz: np.ndarray | None = None):
    """Set the torsions on a copy, optimise with them held, return coordinates (None if it folds)."""
    c = Chem.Conformer(m.GetConformer())
    if start_xyz is not None:
        for k, p in enumerate(start_xyz):
            c.SetAtomPosition(k, p.tolist())
    for quad, angle in torsions:
        try:
            rdMolTransforms.SetDihedralDeg(c, *quad, float(angle))
        except (ValueError, RuntimeError):
            return None, "none"
    work = Chem.Mol(m)
    work.RemoveAllConformers()
    cid = work.AddConformer(c, assignId=True)
    optimise(work, cid, torsions)
    name = optimise(work, cid, [])  # then free: the conformer is a true local minimum of the force field
    xyz = np.array(work.GetConformer(cid).GetPositions())
    return (None if self_overlap(xyz, topo, radii) else xyz), name


def self_overlap(xyz: np.ndarray, topo: np.ndarray, radii: np.ndarray) -> bool:
    """Two atoms more than three bonds apart overlapping by ≥ 0.4 Å (the validator's clash rule)."""
    d = np.linalg.norm(xyz[:, None] - xyz[None], axis=2)
    return bool(np.any((topo > 3) & (radii[:, None] + radii[None, :] - d >= OVERLAP_A)))


def _width(xyz: np.ndarray, path: tuple[int, ...]) -> float:
    """Spread of the atoms about the start→end axis (root mean square distance, Å)."""
    axis = xyz[path[-1]] - xyz[path[0]]
    axis /= np.linalg.norm(axis)
    rel = xyz - xyz[path[0]]
    perp = rel - np.outer(rel @ axis, axis)
    return float(np.sqrt((perp ** 2).sum(axis=1).mean()))


def _rotatable(m: Chem.Mol, b: int, c: int) -> bool:
    bond = m.GetBondBetweenAtoms(b, c)
    return (bond is not None and bond.GetBondType() == Chem.BondType.SINGLE
            and not m.GetRingInfo().NumBondRings(bond.GetIdx())
            and m.GetAtomWithIdx(b).GetDegree() > 1 and m.GetAtomWithIdx(c).GetDegree() > 1)


def _next_to_double(m: Chem.Mol, b: int, c: int) -> bool:
    bond = m.GetBondBetweenAtoms(b, c)
    return any(x.GetBondType() == Chem.BondType.DOUBLE for a in (b, c)
               for x in m.GetAtomWithIdx(a).GetBonds() if x.GetIdx() != bond.GetIdx())
