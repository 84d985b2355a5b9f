"""Ligand bond lengths and angles against a force-field-optimised copy of the same molecule.

Molecules are grouped by *species*: the same elements in the same order with the same bonds (every
copy a builder writes from one template is one species, whatever its conformation). For each species
the validator perceives bond orders and the charge from the connectivity alone (RDKit
``DetermineBondOrders``, trying total charges −2…+2 and keeping the assignment with the fewest
radicals, then the fewest charged atoms; a fragment grafted to a Si framework keeps the one radical
centre its Si–C bond leaves).

Bond angles depend on the conformation (MMFF94 opens a C–C=C angle by several degrees from one
torsional state to another), so copies are compared with a reference *in their own conformation*:
copies whose heavy-atom torsions fall in the same 60° bins share one reference, a copy optimised with
MMFF94 (UFF where MMFF94 lacks parameters) with those torsions held within ±5° of the copy's own
(the force-field recipe of :mod:`nanoligand.ligands.conformer`).

Examples
--------
>>> import numpy as np
>>> from nanoligand.validate.ligand_geometry import perceive
>>> m = perceive(["O", "H"], [(0, 1)], np.array([[0, 0, 0], [0, 0, 0.97]]))
>>> m.charge, m.smiles
(-1, '[H][O-]')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

MAX_ITERS = 2000
REFERENCE_WINDOW_DEG = 5.0    # a reference's torsions are held within ±5° of the copy's ...
REFERENCE_K = 1000.0          # ... by a flat-bottomed restraint of this constant (kcal/mol/rad²)
# a torsion-constrained reference starts from the copy itself: 500 iterations change the largest angle
# deviation of the 174 oleates of CdSe 5 nm by at most 0.03 degrees against 2000 (measured)
REFERENCE_ITERS = 500
MAX_PERCEIVED_ATOMS = 400  # three times the largest ligand of the library (soy lecithin, 134 atoms with H)


@dataclass(frozen=True)
class Species:
    """One molecular species of a model: its perceived chemistry and its force-field reference."""

    smiles: str
    formula: str
    charge: int
    symbols: tuple[str, ...]
    bonds: np.ndarray          # (b, 2) local indices
    angles: np.ndarray         # (a, 3) local indices, vertex in the middle
    reference: np.ndarray | None  # (m, 3) optimised coordinates, None if no force field applies
    force_field: str           # "MMFF94", "UFF" or "none"
    formal_charges: np.ndarray  # per atom
    mol_block: str = ""        # the perceived molecule (bond orders, charges), atom order as in the model
    torsions: np.ndarray = None  # (t, 4) heavy-atom torsions that define a conformation


def perceive(symbols, bonds, xyz: np.ndarray):
    """Bond orders and formal charges of one molecule from its connectivity (module docstring).

    A molecule with an atom bonded beyond its valence (two molecules fused, which ``fused_molecules``
    reports) or of more than ``MAX_PERCEIVED_ATOMS`` atoms is left unperceived: bond orders of such a
    graph mean nothing, and RDKit's search on it can run for hours."""
    from rdkit import Chem, RDLogger
    from rdkit.Chem import rdDetermineBonds

    from nanoligand.validate.graph import MAX_VALENCE

    RDLogger.DisableLog("rdApp.*")
    rw = Chem.RWMol()
    for s in symbols:
        a = Chem.Atom(str(s))
        a.SetNoImplicit(True)
        rw.AddAtom(a)
    for i, j in bonds:
        rw.AddBond(int(i), int(j), Chem.BondType.SINGLE)
    conf = Chem.Conformer(len(symbols))
    for k, p in enumerate(xyz):
        conf.SetAtomPosition(k, [float(c) for c in p])
    base = rw.GetMol()
    base.AddConformer(conf, assignId=True)
    degree = np.bincount(np.asarray(bonds, int).ravel(), minlength=len(symbols))
    if len(symbols) > MAX_PERCEIVED_ATOMS or any(d > MAX_VALENCE.get(str(s), 8) for s, d in zip(symbols, degree)):
        return _Perceived(base, 0, Chem.MolToSmiles(base), False)
    best = None
    for q in (0, -1, 1, -2, 2):
        m = Chem.Mol(base)
        try:
            rdDetermineBonds.DetermineBondOrders(m, charge=q, allowChargedFragments=True, embedChiral=False)
            Chem.SanitizeMol(m)
        except Exception:  # no valence assignment at this charge
            continue
        radicals = sum(a.GetNumRadicalElectrons() for a in m.GetAtoms())
        charged = sum(abs(a.GetFormalCharge()) for a in m.GetAtoms())
        # fewest radicals first (a fragment grafted through a covalent bond keeps one), then charges
        if best is None or (radicals, charged) < best[0]:
            best = ((radicals, charged), q, m)
    if best is None:
        m = Chem.Mol(base)
        return _Perceived(m, 0, Chem.MolToSmiles(Chem.RemoveHs(m, sanitize=False)), False)
    _, q, m = best
    return _Perceived(m, q, Chem.MolToSmiles(m), True)


@dataclass(frozen=True)
class _Perceived:
    mol: object
    charge: int
    smiles: str
    ok: bool


@lru_cache(maxsize=512)
def _species(symbols: tuple[str, ...], bonds: tuple[tuple[int, int], ...], xyz_bytes: bytes) -> Species:
    from rdkit import Chem
    from rdkit.Chem.rdMolDescriptors import CalcMolFormula

    from nanoligand.ligands.conformer import optimise

    xyz = np.frombuffer(xyz_bytes).reshape(-1, 3)
    b = np.array(bonds, int).reshape(-1, 2)
    p = perceive(symbols, b, xyz)
    m = p.mol
    formula = CalcMolFormula(m) if p.ok else _hill(symbols)
    charges = np.array([a.GetFormalCharge() for a in m.GetAtoms()], int)
    angles = _angles(len(symbols), b)
    ref, ff = None, "none"
    if p.ok and len(symbols) > 1:
        mh = Chem.Mol(m)
        try:
            ff = optimise(mh, max_iters=MAX_ITERS)
        except Exception:  # a force-field set-up failure leaves the species unchecked, and says so
            ff = "none"
        if ff != "none":
            ref = np.array(mh.GetConformer().GetPositions())
    return Species(p.smiles, formula, p.charge, symbols, b, angles, ref, ff, charges,
                   Chem.MolToMolBlock(m) if p.ok else "", _heavy_torsions(m))


def _heavy_torsions(m) -> np.ndarray:
    """One heavy-atom quadruple per rotatable (single, non-ring, non-terminal) bond."""
    from rdkit import Chem

    out = []
    for b in m.GetBonds():
        if b.GetBondType() != Chem.BondType.SINGLE or b.IsInRing():
            continue
        j, k = b.GetBeginAtomIdx(), b.GetEndAtomIdx()
        i = [n.GetIdx() for n in m.GetAtomWithIdx(j).GetNeighbors() if n.GetIdx() != k and n.GetAtomicNum() > 1]
        l_ = [n.GetIdx() for n in m.GetAtomWithIdx(k).GetNeighbors() if n.GetIdx() != j and n.GetAtomicNum() > 1]
        if i and l_:
            out.append((i[0], j, k, l_[0]))
    return np.array(out, int).reshape(-1, 4)


def species_of(symbols, bonds, xyz) -> Species:
    """The :class:`Species` of a molecule (cached by elements and bonds; the first copy's coordinates
    start the optimisation)."""
    key_b = tuple(tuple(int(x) for x in r) for r in np.asarray(bonds, int).reshape(-1, 2))
    return _species(tuple(str(s) for s in symbols), key_b, np.ascontiguousarray(xyz, float).tobytes())


def _hill(symbols) -> str:
    from collections import Counter

    c = Counter(symbols)
    order = (["C", "H"] if "C" in c else []) + sorted(k for k in c if k not in (("C", "H") if "C" in c else ()))
    return "".join(f"{e}{c[e] if c[e] > 1 else ''}" for e in order)


def _angles(n: int, bonds: np.ndarray) -> np.ndarray:
    """Every i–j–k triple with j bonded to both i and k (i < k)."""
    nbrs = [[] for _ in range(n)]
    for i, j in bonds:
        nbrs[i].append(j)
        nbrs[j].append(i)
    out = [(a, j, c) for j in range(n) for x, a in enumerate(nbrs[j]) for c in nbrs[j][x + 1:]]
    return np.array(out, int).reshape(-1, 3)


def bond_lengths(xyz: np.ndarray, bonds: np.ndarray) -> np.ndarray:
    """Bond lengths of every copy: ``xyz`` (n, m, 3) → (n, b)."""
    return np.linalg.norm(xyz[:, bonds[:, 0]] - xyz[:, bonds[:, 1]], axis=-1)


def bond_angles_deg(xyz: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Bond angles (degrees) of every copy: ``xyz`` (n, m, 3) → (n, a)."""
    u = xyz[:, angles[:, 0]] - xyz[:, angles[:, 1]]
    v = xyz[:, angles[:, 2]] - xyz[:, angles[:, 1]]
    cos = np.einsum("nak,nak->na", u, v) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def torsions_deg(xyz: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """Dihedral angles (degrees) of every copy: ``xyz`` (n, m, 3) → (n, t)."""
    b1 = xyz[:, quads[:, 1]] - xyz[:, quads[:, 0]]
    b2 = xyz[:, quads[:, 2]] - xyz[:, quads[:, 1]]
    b3 = xyz[:, quads[:, 3]] - xyz[:, quads[:, 2]]
    n1 = np.cross(b1, b2)
    n2 = np.cross(b2, b3)
    y = np.linalg.norm(b2, axis=-1) * np.einsum("ntk,ntk->nt", b1, n2)
    return np.degrees(np.arctan2(y, np.einsum("ntk,ntk->nt", n1, n2)))


def _reference(sp: Species, xyz: np.ndarray) -> np.ndarray:
    """A copy optimised from ``xyz`` with the species' torsions held within ±5° of their values."""
    from rdkit import Chem

    from nanoligand.ligands.conformer import optimise

    m = Chem.MolFromMolBlock(sp.mol_block, removeHs=False)
    conf = m.GetConformer()
    for k, p in enumerate(xyz):
        conf.SetAtomPosition(k, [float(c) for c in p])
    tors = torsions_deg(xyz[None], sp.torsions)[0] if len(sp.torsions) else []
    held = [(tuple(int(x) for x in q), float(phi)) for q, phi in zip(sp.torsions, tors)]
    optimise(m, -1, held, REFERENCE_WINDOW_DEG, REFERENCE_K, REFERENCE_ITERS, name=sp.force_field)
    return np.array(m.GetConformer().GetPositions())


def deviations(sp: Species, xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per copy the largest |bond − reference| (Å) and |angle − reference| (degrees), against a
    reference in the copy's own conformation (module docstring); NaN where the species has no
    force-field reference."""
    n = len(xyz)
    if sp.reference is None:
        return np.full(n, np.nan), np.full(n, np.nan)
    db = np.zeros(n)
    da = np.zeros(n)
    if len(sp.torsions):
        state = np.round(torsions_deg(xyz, sp.torsions) / 60.0).astype(int) % 6
        _, first, group = np.unique(state, axis=0, return_index=True, return_inverse=True)
        group = group.ravel()
        refs = np.stack([_reference(sp, xyz[i]) for i in first])[group]
    else:
        refs = np.broadcast_to(sp.reference, xyz.shape)
    if len(sp.bonds):
        db = np.abs(bond_lengths(xyz, sp.bonds) - bond_lengths(refs, sp.bonds)).max(axis=1)
    if len(sp.angles):
        da = np.abs(bond_angles_deg(xyz, sp.angles) - bond_angles_deg(refs, sp.angles)).max(axis=1)
    return db, da
