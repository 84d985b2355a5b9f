"""Ligand 3D coordinates: the one home of the conformer recipe (embedding, force field, extension).

Every 3D structure of a ligand in the package comes from here: the shell templates' optimised
conformers (:func:`extended_conformers`), the one-conformer estimates of the descriptors, extents,
dipoles and volumes (:func:`quick_embed`, :func:`anti_conformer`) and the validator's force-field
references (:func:`optimise`). Embeddings are ETKDGv3 (Riniker & Landrum, J. Chem. Inf. Model. 2015, 55,
2562) with a fixed random seed (``SEED``), so every result is deterministic; the force field is MMFF94,
UFF where MMFF94 lacks parameters (:func:`force_field`).

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
#: the one-conformer estimates: at most this many ETKDG iterations per attempt ...
QUICK_ITERATIONS = 50
#: ... from random coordinates, then from the distance-geometry (eigenvalue) start for molecules of up to
#: this many heavy atoms (for long flexible lipids the eigenvalue start can take minutes)
QUICK_EIGEN_FALLBACK_ATOMS = 30
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


def embed(mh: Chem.Mol, seed: int = SEED, starts: tuple[bool, ...] = (False, True), max_iterations: int = 0) -> bool:
    """Embed ``mh`` (explicit H) in 3D with ETKDGv3, trying each start in turn (``useRandomCoords``:
    False is the distance-geometry start, True random coordinates); ``max_iterations`` 0 is RDKit's
    default. Whether a conformer was made.

    Examples
    --------
    >>> m = Chem.AddHs(Chem.MolFromSmiles("CCO"))
    >>> embed(m), m.GetNumConformers()
    (True, 1)
    """
    with rdBase.BlockLogs():
        for random_start in starts:
            params = AllChem.ETKDGv3()
            params.randomSeed = seed
            params.useRandomCoords = random_start
            if max_iterations:
                params.maxIterations = max_iterations
            if AllChem.EmbedMolecule(mh, params) == 0:
                return True
    return False


def quick_embed(mh: Chem.Mol, seed: int = SEED) -> bool:
    """The embedding of the one-conformer estimates (``QUICK_*`` above); whether it succeeded.

    >>> quick_embed(Chem.AddHs(Chem.MolFromSmiles("CCCCCCCCCCCCS")))
    True
    """
    starts = (True,) if mh.GetNumHeavyAtoms() > QUICK_EIGEN_FALLBACK_ATOMS else (True, False)
    return embed(mh, seed, starts, QUICK_ITERATIONS)


def set_anti(mh: Chem.Mol, path, conf_id: int = -1) -> None:
    """Set every single, non-ring torsion along ``path`` (atom indices) to 180° (anti), without a force
    field; bonds RDKit refuses to rotate (in conjugated systems) are left as they are."""
    conf = mh.GetConformer(conf_id)
    ring = mh.GetRingInfo()
    for a, b, c, d in zip(path, path[1:], path[2:], path[3:]):
        bond = mh.GetBondBetweenAtoms(b, c)
        if bond.GetBondType() != Chem.BondType.SINGLE or ring.NumBondRings(bond.GetIdx()):
            continue
        try:
            rdMolTransforms.SetDihedralDeg(conf, a, b, c, d, 180.0)
        except (ValueError, RuntimeError):
            continue


def farthest_atom(mh: Chem.Mol, start: int, atoms) -> int:
    """The atom of ``atoms`` most bonds away from ``start`` (the first of a tie)."""
    dmat = Chem.GetDistanceMatrix(mh)
    return int(max(atoms, key=lambda j: dmat[start, j]))


def anti_conformer(mh: Chem.Mol, start: int, end: int | None = None, seed: int = SEED) -> bool:
    """One extended conformer of ``mh`` (explicit H), for the 3D estimates: :func:`quick_embed`, then the
    torsions on the path ``start`` → ``end`` (default: the heavy atom farthest from ``start``) set anti
    (:func:`set_anti`). Whether it could be embedded.

    Examples
    --------
    >>> m = Chem.AddHs(Chem.MolFromSmiles("SCCCCCCCCCCCC"))
    >>> anti_conformer(m, 0)
    True
    >>> x = m.GetConformer().GetPositions()   # all-anti: S···C12 beyond 11 C–C rises of 1.265 Å (Tanford 1972)
    >>> bool(np.linalg.norm(x[0] - x[12]) > 11 * 1.265)
    True
    """
    if not quick_embed(mh, seed):
        return False
    if end is None:
        end = farthest_atom(mh, start, [a.GetIdx() for a in mh.GetAtoms() if a.GetAtomicNum() > 1])
    if end != start:
        set_anti(mh, Chem.GetShortestPath(mh, start, end))
    return True


def ligand_fragment(mol: Chem.Mol, donor_atoms) -> tuple[Chem.Mol, list[int]]:
    """The fragment holding the first donor atom (else the largest), with the donors re-indexed into it:
    the ligand of a salt given whole, without its counter-ions."""
    frags = Chem.GetMolFrags(mol, asMols=False)
    if len(frags) == 1:
        return mol, list(donor_atoms)
    key = next((f for f in frags if donor_atoms and donor_atoms[0] in f), max(frags, key=len))
    sub = Chem.RWMol(mol)
    for i in sorted(set(range(mol.GetNumAtoms())) - set(key), reverse=True):
        sub.RemoveAtom(i)
    new_index = {old: new for new, old in enumerate(sorted(key))}
    frag = sub.GetMol()
    Chem.SanitizeMol(frag)
    return frag, [new_index[d] for d in donor_atoms if d in new_index]


def force_field(m: Chem.Mol, conf_id: int = -1, name: str | None = None):
    """A force field for conformer ``conf_id`` and its name: MMFF94, else UFF, else (None, "none");
    ``name`` asks for one of the two."""
    if name in (None, "MMFF94"):
        props = AllChem.MMFFGetMoleculeProperties(m)
        if props is not None:
            return AllChem.MMFFGetMoleculeForceField(m, props, confId=conf_id), "MMFF94"
    if name in (None, "UFF") and AllChem.UFFHasAllMoleculeParams(m):
        return AllChem.UFFGetMoleculeForceField(m, confId=conf_id), "UFF"
    return None, "none"


def optimise(m: Chem.Mol, conf_id: int = -1, torsions=(), window_deg: float = WINDOW_DEG, k: float = RESTRAINT_K,
             max_iters: int = MAX_ITERS, name: str | None = None) -> str:
    """Minimise conformer ``conf_id`` with the force field (:func:`force_field`), holding ``torsions``
    ((quad, degrees) pairs) within ±``window_deg`` by a flat-bottomed restraint of constant ``k``
    (kcal/mol/rad²); the name of the field used ("none": nothing done).

    Examples
    --------
    >>> m = Chem.AddHs(Chem.MolFromSmiles("CC"))
    >>> embed(m), optimise(m)
    (True, 'MMFF94')
    >>> x = m.GetConformer().GetPositions()   # C–C of ethane, 1.53 Å (Allen et al., J. Chem. Soc. Perkin 2 1987, S1)
    >>> bool(abs(np.linalg.norm(x[0] - x[1]) - 1.53) < 0.03)
    True
    """
    ff, name = force_field(m, conf_id, name)
    if ff is None:
        return name
    add = ff.MMFFAddTorsionConstraint if name == "MMFF94" else ff.UFFAddTorsionConstraint
    for quad, angle in torsions:
        add(*quad, False, angle - window_deg, angle + window_deg, k)
    ff.Initialize()
    ff.Minimize(maxIts=max_iters)
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
    if not embed(m, SEED):
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
