"""The bond graph of a model, from elements and coordinates only.

Four kinds of bond, each found with one KD-tree query:

* **covalent** — between two non-metal atoms closer than the sum of their covalent radii plus
  0.45 Å (Cordero et al., Dalton Trans. 2008, 2832, as tabulated in RDKit; the 0.45 Å tolerance is
  Open Babel's ``ConnectTheDots`` rule). Connected components of this graph are the molecules.
* **core** — inside the inorganic core: each metal element with each anion element (and metal with
  metal in metallic cores), closer than 1.2 × that pair's nearest-neighbour distance in the model
  (the first-shell peak measured on the coordinates, so relaxed or foreign models work too).
* **coordination** — a core metal and a donor atom of a molecule within the range the validation
  table gives for that pair (``data/validation.yaml``, each row cited); closer than the range is a
  *short contact*, a failure.
* **hydrogen bond** — an N–H or O–H of a molecule and a core anion with H···A within the table's
  range and an N–H···A angle of at least 110° (IUPAC, Arunan et al. 2011).

The *core* is every metal atom, every single-atom non-metal other than H (S²⁻, Se²⁻, O²⁻, halide), and the framework of a covalent core (Si, Ge) with its H caps; the *ligands* are the other
molecules. A proton on a surface oxide O makes that O–H a two-atom molecule (a surface hydroxyl).

Examples
--------
>>> from ase import Atoms
>>> from nanoligand.validate.structure import Structure
>>> g = topology(Structure.from_atoms(Atoms("OH", positions=[[0, 0, 0], [0, 0, 0.97]])))
>>> g.covalent.tolist(), g.n_ligands
([[0, 1]], 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from nanoligand.tables import load_table
from nanoligand.validate.structure import Structure

COVALENT_TOLERANCE_A = 0.45
CORE_SHELL_FACTOR = 1.2
MAX_CORE_BOND_A = 4.5  # no first-shell core bond is longer (Cs–Br in CsPbBr3, the longest here, is 4.2 Å)
FRAMEWORK_MIN_ATOMS = 10  # a covalent core: at least this many Si (Ge) atoms bonded to each other
HBOND_MIN_ANGLE_DEG = 110.0  # IUPAC geometric criterion (data/validation.yaml, hydrogen_bonds)
#: most bonds a non-metal atom makes (more means two molecules overlap)
MAX_VALENCE = {"H": 1, "C": 4, "N": 4, "O": 2, "F": 1, "Cl": 1, "Br": 1, "I": 1, "S": 6, "Se": 6, "P": 6, "Si": 4}


@lru_cache(maxsize=1)
def tables() -> dict:
    return load_table("validation.yaml")


@lru_cache(maxsize=1)
def nonmetals() -> frozenset[str]:
    return frozenset(tables()["nonmetals"]["elements"])


@lru_cache(maxsize=None)
def covalent_radius_A(symbol: str) -> float:
    from rdkit import Chem

    return float(Chem.GetPeriodicTable().GetRcovalent(symbol))


@dataclass(frozen=True)
class Topology:
    """Bonds, molecules and the core of a model (see module docstring).

    Attributes
    ----------
    covalent, core_bonds, coordination : ndarray (k, 2)
        Atom index pairs; ``coordination`` rows are (core metal, ligand donor).
    coordination_A : ndarray (k,)
        Their lengths.
    short_contacts : ndarray (k, 2)
        (core metal, ligand atom) pairs closer than the table's minimum for that pair.
    hbonds : ndarray (k, 3)
        (donor N/O, H, core acceptor).
    molecule : ndarray (N,)
        Molecule id of every atom (-1 for core atoms); ids 0..n_ligands-1.
    is_core : ndarray (N,) of bool
    overbonded : ndarray of int
        Non-metal atoms with more covalent bonds than their element allows (fused molecules).
    framework : str or None
        Element of a covalent core framework (Si, Ge), if any.
    """

    structure: Structure
    covalent: np.ndarray
    core_bonds: np.ndarray
    coordination: np.ndarray
    coordination_A: np.ndarray
    short_contacts: np.ndarray
    short_contacts_A: np.ndarray
    short_contacts_min_A: np.ndarray
    hbonds: np.ndarray
    molecule: np.ndarray
    is_core: np.ndarray
    overbonded: np.ndarray
    framework: str | None

    @property
    def n_ligands(self) -> int:
        return int(self.molecule.max()) + 1 if len(self.molecule) and self.molecule.max() >= 0 else 0

    def all_bonds(self) -> np.ndarray:
        """Every bond (covalent, core, coordination, H···acceptor) as (k, 2) pairs."""
        parts = [self.covalent, self.core_bonds, self.coordination]
        if len(self.hbonds):
            parts.append(self.hbonds[:, 1:])
        return np.vstack([p.reshape(-1, 2) for p in parts]).astype(np.int64)

    def real_bonds(self) -> np.ndarray:
        """Covalent, core and coordination bonds (for CONECT records): no hydrogen bonds."""
        return np.vstack([p.reshape(-1, 2) for p in (self.covalent, self.core_bonds, self.coordination)])


def topology(s: Structure) -> Topology:
    """The bond graph of ``s`` (module docstring)."""
    sym = s.symbols
    pos = s.positions
    metal = ~np.isin(sym, list(nonmetals()))
    nm = np.nonzero(~metal)[0]
    covalent = _covalent(sym, pos, nm)
    valence = np.bincount(covalent.ravel(), minlength=len(sym))
    limit = np.array([MAX_VALENCE.get(e, 8) for e in sym])
    overbonded = np.nonzero(~metal & (valence > limit))[0]

    comp = np.full(len(sym), -1)
    if len(nm):
        adj = coo_matrix((np.ones(len(covalent)), (covalent[:, 0], covalent[:, 1])), shape=(len(sym), len(sym)))
        _, labels = connected_components(adj, directed=False)
        comp[nm] = labels[nm]
    framework, is_core = _core(sym, metal, comp, covalent)
    core_bonds = _core_bonds(sym, pos, is_core, metal)
    # molecules: non-core components, renumbered 0..n-1
    mol = np.where(is_core, -1, comp)
    if framework is not None:  # a framework fragment split: ligands are what is left without it
        mol = _split_off_framework(covalent, is_core, len(sym))
    uniq = np.unique(mol[mol >= 0])
    remap = np.full(int(mol.max()) + 2 if len(mol) else 1, -1)
    remap[uniq] = np.arange(len(uniq))
    mol = np.where(mol >= 0, remap[np.maximum(mol, 0)], -1)
    coord, coord_d, short, short_d, short_min = _coordination(sym, pos, is_core, metal, mol)
    hb = _hbonds(sym, pos, covalent, is_core, metal, mol)
    if framework is not None:  # the bond from a framework atom to a ligand counts as its coordination
        cross = is_core[covalent[:, 0]] != is_core[covalent[:, 1]]
        pairs = covalent[cross]
        pairs = np.where(is_core[pairs[:, :1]], pairs, pairs[:, ::-1])
        coord = np.vstack([coord, pairs])
        coord_d = np.concatenate([coord_d, np.linalg.norm(pos[pairs[:, 0]] - pos[pairs[:, 1]], axis=1)])
        covalent = covalent[~cross]
        core_bonds = np.vstack([core_bonds, covalent[is_core[covalent[:, 0]] & is_core[covalent[:, 1]]]])
        covalent = covalent[~(is_core[covalent[:, 0]] & is_core[covalent[:, 1]])]
    return Topology(s, covalent, core_bonds, coord, coord_d, short, short_d, short_min, hb, mol, is_core,
                    overbonded, framework)


def _pairs(pos: np.ndarray, idx: np.ndarray, r: float, other: np.ndarray | None = None):
    """Index pairs (into the full array) closer than ``r``, within ``idx`` or between ``idx`` and ``other``."""
    if len(idx) == 0 or (other is not None and len(other) == 0):
        return np.zeros((0, 2), np.int64), np.zeros(0)
    if other is None:
        p = cKDTree(pos[idx]).query_pairs(r, output_type="ndarray")
        p = idx[p] if len(p) else np.zeros((0, 2), np.int64)
    else:
        sdm = cKDTree(pos[idx]).sparse_distance_matrix(cKDTree(pos[other]), r, output_type="ndarray")
        p = np.column_stack([idx[sdm["i"]], other[sdm["j"]]]) if len(sdm) else np.zeros((0, 2), np.int64)
    d = np.linalg.norm(pos[p[:, 0]] - pos[p[:, 1]], axis=1) if len(p) else np.zeros(0)
    return p.astype(np.int64), d


def _covalent(sym: np.ndarray, pos: np.ndarray, nm: np.ndarray) -> np.ndarray:
    if len(nm) < 2:
        return np.zeros((0, 2), np.int64)
    rc = np.array([covalent_radius_A(e) for e in sym[nm]])
    lookup = np.zeros(len(sym))
    lookup[nm] = rc
    p, d = _pairs(pos, nm, 2 * rc.max() + COVALENT_TOLERANCE_A)
    keep = d <= lookup[p[:, 0]] + lookup[p[:, 1]] + COVALENT_TOLERANCE_A
    return p[keep]


def _core(sym, metal, comp, covalent) -> tuple[str | None, np.ndarray]:
    """Core atoms: metals, single-atom non-metals, or the framework of a covalent core."""
    is_core = metal.copy()
    sizes = np.bincount(comp[comp >= 0]) if (comp >= 0).any() else np.zeros(0, int)
    single = (comp >= 0) & (sizes[np.maximum(comp, 0)] == 1) if len(sizes) else np.zeros(len(sym), bool)
    single &= sym != "H"  # a lone H is a proton (a ligand), never a core ion
    is_core |= single
    framework = None
    if len(sizes) and not metal.any():
        big = int(np.argmax(sizes))
        members = comp == big
        a, b = covalent[:, 0], covalent[:, 1]
        for el in tables()["nonmetals"]["framework"]:
            mine = members & (sym == el)
            same = mine[a] & mine[b]  # framework atoms bonded to each other (Si–Si)
            if mine.sum() >= FRAMEWORK_MIN_ATOMS and same.sum() >= mine.sum():
                framework = str(el)
                caps = np.zeros(len(sym), bool)  # H bonded to a framework atom
                caps[b[mine[a] & (sym[b] == "H")]] = True
                caps[a[mine[b] & (sym[a] == "H")]] = True
                is_core = mine | caps
                break
    return framework, is_core


def _split_off_framework(covalent, is_core, n) -> np.ndarray:
    lig = ~is_core
    keep = lig[covalent[:, 0]] & lig[covalent[:, 1]]
    e = covalent[keep]
    adj = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    return np.where(lig, labels, -1)


def _core_bonds(sym, pos, is_core, metal) -> np.ndarray:
    """Metal–anion (and metal–metal) bonds inside the core, cut at 1.2 × each pair's nearest-neighbour
    distance measured on the model."""
    out = []
    core_metal = np.nonzero(is_core & metal)[0]
    core_nm = np.nonzero(is_core & ~metal)[0]
    partners = [(e_m, e_x) for e_m in np.unique(sym[core_metal]) for e_x in np.unique(sym[core_nm])]
    if len(core_nm) == 0:  # a metallic core: metal–metal bonds
        partners = [(e, e2) for e in np.unique(sym[core_metal]) for e2 in np.unique(sym[core_metal]) if e <= e2]
    for e_m, e_x in partners:
        a = core_metal[sym[core_metal] == e_m]
        b = (core_nm if len(core_nm) else core_metal)
        b = b[sym[b] == e_x]
        if len(a) == 0 or len(b) == 0:
            continue
        if e_m == e_x:
            d = cKDTree(pos[b]).query(pos[a], k=2)[0][:, 1]
        else:  # measured from the scarcer element's side (a few Cl- on a CdSe core: their own Cd)
            small, big = (a, b) if len(a) <= len(b) else (b, a)
            d = cKDTree(pos[big]).query(pos[small])[0]
        d0 = float(np.median(d[np.isfinite(d)])) if np.isfinite(d).any() else 0.0
        if d0 <= 0 or d0 > MAX_CORE_BOND_A:
            continue
        p, dist = _pairs(pos, a, CORE_SHELL_FACTOR * d0, None if e_m == e_x else b)
        if e_m == e_x:
            p = p[sym[p[:, 1]] == e_x]
        out.append(p)
    return np.vstack(out) if out else np.zeros((0, 2), np.int64)


@lru_cache(maxsize=1)
def donor_table() -> dict[str, tuple[float, float, float]]:
    """``"M-D"`` → (shortest, typical, longest) metal–donor distance (Å) by the bond-valence rule of
    ``data/validation.yaml``: s = V/N typical, 1.5 V/N shortest, V/(3N) longest."""
    bv = tables()["bond_valence"]
    b = float(bv["b_A"])
    out = {}
    for pair, row in bv["r0_A"].items():
        metal = bv["metals"][pair.split("-")[0]]
        s = metal["valence"] / metal["n"]
        r = lambda f: float(row["r0"]) - b * float(np.log(f * s))  # noqa: E731
        out[pair] = (r(bv["shortest_factor"]), r(1.0), r(bv["longest_factor"]))
    return out


def donor_range_A(metal: str, donor: str) -> tuple[float, float, float] | None:
    """(shortest, typical, longest) metal–donor distance (Å), or None if the table has no such pair.

    Examples
    --------
    >>> [round(x, 2) for x in donor_range_A("Cd", "O")]
    [2.01, 2.16, 2.57]
    """
    return donor_table().get(f"{metal}-{donor}")


def _coordination(sym, pos, is_core, metal, mol):
    """(metal, donor) pairs in range, and (metal, ligand atom) pairs closer than the range."""
    lig = np.nonzero(~is_core & (sym != "H"))[0]
    cm = np.nonzero(is_core & metal)[0]
    rows = donor_table()
    rmax = max((v[2] for v in rows.values()), default=3.0)
    p, d = _pairs(pos, cm, rmax, lig)
    if len(p) == 0:
        z = np.zeros((0, 2), np.int64)
        return z, np.zeros(0), z, np.zeros(0), np.zeros(0)
    keys = np.char.add(np.char.add(sym[p[:, 0]], "-"), sym[p[:, 1]])
    lo = np.array([rows[k][0] if k in rows else np.nan for k in keys])
    hi = np.array([rows[k][2] if k in rows else np.nan for k in keys])
    bonded = np.isfinite(hi) & (d <= hi) & (d >= lo)
    short = np.isfinite(lo) & (d < lo)
    return p[bonded], d[bonded], p[short], d[short], lo[short]


def _hbonds(sym, pos, covalent, is_core, metal, mol) -> np.ndarray:
    """(N/O donor, H, core acceptor) hydrogen bonds by the table's H···A range and a ≥ 120° angle."""
    rows = tables()["hydrogen_bonds"]
    a, b = covalent[:, 0], covalent[:, 1]
    is_h = sym == "H"
    polar = np.isin(sym, ["N", "O"])
    pairs = np.vstack([np.column_stack([a, b])[polar[a] & is_h[b]], np.column_stack([b, a])[polar[b] & is_h[a]]])
    pairs = pairs[~is_core[pairs[:, 1]]] if len(pairs) else pairs
    acceptors = np.nonzero(is_core & ~metal & np.isin(sym, list(rows)))[0]
    if len(pairs) == 0 or len(acceptors) == 0:
        return np.zeros((0, 3), np.int64)
    rmax = max(v["h_acceptor_A"][1] for v in rows.values())
    p, d = _pairs(pos, pairs[:, 1], rmax, acceptors)
    if len(p) == 0:
        return np.zeros((0, 3), np.int64)
    donor_of = dict(zip(pairs[:, 1].tolist(), pairs[:, 0].tolist()))
    donor = np.array([donor_of[h] for h in p[:, 0]])
    hi = np.array([rows[e]["h_acceptor_A"][1] for e in sym[p[:, 1]]])
    u = pos[donor] - pos[p[:, 0]]
    v = pos[p[:, 1]] - pos[p[:, 0]]
    cos = np.einsum("ij,ij->i", u, v) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    ok = (d <= hi) & (cos <= np.cos(np.radians(HBOND_MIN_ANGLE_DEG)))
    return np.column_stack([donor[ok], p[ok, 0], p[ok, 1]]).astype(np.int64)
