"""Steric overlaps, counted the way MolProbity counts them.

A *clash* is a pair of atoms whose van der Waals spheres overlap by at least 0.4 Å and that are
not within three bonds of each other in the model's bond graph (covalent, core and coordination
bonds) — MolProbity's rule (Word et al., J. Mol. Biol. 1999, 285, 1711; its clashscore is clashes
per 1000 atoms). Two exceptions to the three-bond excuse: two different ligands are never excused
by a path through the metal they share (their donors keep their van der Waals distance), and on an
ionic or metallic core a ligand atom and a core atom are excused only as a donor's own contacts:
the donor with the metal it binds (1-2) and with that metal's core neighbours (1-3); the rest of a
ligand gets no excuse through the core (with ionic radii for the cations its natural contacts clear
the rule anyway; a chain folded back into its own metal must not hide behind the donor's bond).
Radii are in ``data/validation.yaml``: van der Waals radii for ligand atoms, core anions and metal
cores, the Shannon ionic radius for the cations of an ionic core. Pairs inside the core are not
counted (an ionic lattice is not held together by van der Waals contacts), nor are hydrogen bonds
(an H on N/O and an acceptor, closer than the van der Waals sum by design).

Examples
--------
>>> from ase import Atoms
>>> from nanoligand.validate.structure import Structure
>>> from nanoligand.validate.graph import topology
>>> s = Structure.from_atoms(Atoms("H2H2", positions=[[0, 0, 0], [0, 0, 0.74], [0, 1.5, 0], [0, 1.5, 0.74]]))
>>> c = clashes(topology(s))
>>> len(c.pairs), round(float(c.overlap_A.max()), 2)
(4, 0.9)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numba as nb
import numpy as np
from scipy.spatial import cKDTree

from nanoligand.core.neighbours import csr_neighbours
from nanoligand.validate.graph import Topology, tables

EXCLUDE_BONDS = 3


@dataclass(frozen=True)
class Clashes:
    pairs: np.ndarray       # (k, 2) atom indices
    overlap_A: np.ndarray   # (k,)
    distance_A: np.ndarray  # (k,)
    radii_A: np.ndarray     # (N,) the radius each atom was given

    def per_1000_atoms(self, n_atoms: int) -> float:
        return 1000.0 * len(self.pairs) / max(n_atoms, 1)


@lru_cache(maxsize=None)
def _ionic_radius_A(element: str, charge: int) -> float | None:
    """Shannon radius (CN VI) of a core cation: the table of ``data/validation.yaml``, else the
    Shannon table as mendeleev tabulates it (coordination nearest VI)."""
    table = tables()["ionic_radii_A"]
    if element in table:
        return float(table[element])
    from mendeleev import element as lookup

    roman = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
             "XI": 11, "XII": 12}
    rows = [(roman.get(r.coordination.rstrip("PYSQ"), 0), r.ionic_radius) for r in lookup(element).ionic_radii
            if r.charge == charge and r.ionic_radius and r.ionic_radius > 0]
    rows = [r for r in rows if r[0] > 0]
    return min(rows, key=lambda r: (abs(r[0] - 6), r[0]))[1] / 100.0 if rows else None


def contact_radii(g: Topology) -> np.ndarray:
    """Radius of every atom (module docstring)."""
    sym = g.structure.symbols
    vdw = tables()["vdw_radii_A"]
    valence = {k: v["valence"] for k, v in tables()["bond_valence"]["metals"].items()}
    radii = np.array([vdw.get(e, 2.0) for e in sym], float)
    from nanoligand.validate.graph import nonmetals

    ionic_core = g.is_core & ~np.isin(sym, list(nonmetals()))
    if ionic_core.any() and (g.is_core & np.isin(sym, list(nonmetals()))).any():
        for e in np.unique(sym[ionic_core]):
            r = _ionic_radius_A(str(e), int(valence.get(str(e), 2)))
            if r is not None:
                radii[ionic_core & (sym == e)] = r
    return radii


def clashes(g: Topology) -> Clashes:
    """Every clash of the model (module docstring)."""
    pos = g.structure.positions
    radii = contact_radii(g)
    limit = tables()["thresholds"]["clash_overlap_A"]
    empty = Clashes(np.zeros((0, 2), int), np.zeros(0), np.zeros(0), radii)
    lig = np.nonzero(~g.is_core)[0]
    core = np.nonzero(g.is_core)[0]
    if len(lig) == 0:
        return empty
    r_lig = radii[lig].max()
    tree = cKDTree(pos[lig])
    parts = [lig[p] for p in [tree.query_pairs(2 * r_lig - limit, output_type="ndarray")] if len(p)]
    if len(core):
        sdm = tree.sparse_distance_matrix(cKDTree(pos[core]), r_lig + radii[core].max() - limit,
                                          output_type="ndarray")
        if len(sdm):
            parts.append(np.column_stack([lig[sdm["i"]], core[sdm["j"]]]))
    if not parts:
        return empty
    pairs = np.vstack(parts)
    d = np.linalg.norm(pos[pairs[:, 0]] - pos[pairs[:, 1]], axis=1)
    overlap = radii[pairs[:, 0]] + radii[pairs[:, 1]] - d
    hit = overlap >= limit
    pairs, d, overlap = pairs[hit], d[hit], overlap[hit]
    if len(pairs) == 0:
        return empty
    indptr, indices = csr_neighbours(len(pos), g.all_bonds())
    near = _within_bonds(pairs.astype(np.int64), indptr, indices, EXCLUDE_BONDS)
    m0, m1 = g.molecule[pairs[:, 0]], g.molecule[pairs[:, 1]]
    near &= ~((m0 >= 0) & (m1 >= 0) & (m0 != m1))  # two ligands on one metal still keep their distance
    if g.framework is None:  # an ionic or metallic core excuses a ligand atom only its own bonds: a
        cross = (m0 >= 0) != (m1 >= 0)  # donor to its metal (1-2) and to the metal's neighbours (1-3)
        donor = np.zeros(g.structure.n_atoms, bool)
        donor[g.coordination[:, 1]] = True
        lig_atom = np.where(m0 >= 0, pairs[:, 0], pairs[:, 1])
        excused = _within_bonds(pairs.astype(np.int64), indptr, indices, 1) | (
            donor[lig_atom] & _within_bonds(pairs.astype(np.int64), indptr, indices, 2))
        near &= ~cross | excused
    hb = _hbond_pairs(g, pairs)
    keep = ~near & ~hb
    return Clashes(pairs[keep], overlap[keep], d[keep], radii)


def _hbond_pairs(g: Topology, pairs: np.ndarray) -> np.ndarray:
    """Pairs that are a polar H and an acceptor (N, O, halide, chalcogen) farther than 1.5 Å apart."""
    sym = g.structure.symbols
    polar_h = np.zeros(len(sym), bool)
    a, b = g.covalent[:, 0], g.covalent[:, 1]
    is_h = sym == "H"
    polar = np.isin(sym, ["N", "O"])
    polar_h[b[polar[a] & is_h[b]]] = True
    polar_h[a[polar[b] & is_h[a]]] = True
    acceptor = np.isin(sym, ["N", "O", "F", "Cl", "Br", "I", "S", "Se"])
    d = np.linalg.norm(g.structure.positions[pairs[:, 0]] - g.structure.positions[pairs[:, 1]], axis=1)
    return ((polar_h[pairs[:, 0]] & acceptor[pairs[:, 1]]) | (polar_h[pairs[:, 1]] & acceptor[pairs[:, 0]])) & (d > 1.5)


@nb.njit(cache=True)
def _reaches(indptr, indices, start, target, depth):
    """Whether ``target`` is at most ``depth`` bonds from ``start`` (depth-first, depth ≤ 3)."""
    for x in range(indptr[start], indptr[start + 1]):
        a = indices[x]
        if a == target or (depth > 1 and _reaches(indptr, indices, a, target, depth - 1)):
            return True
    return False


@nb.njit(cache=True)
def _within_bonds(pairs, indptr, indices, depth):
    """Whether each pair is joined by a path of at most ``depth`` (≤ 3) bonds."""
    out = np.zeros(len(pairs), np.bool_)
    for k in range(len(pairs)):
        out[k] = _reaches(indptr, indices, pairs[k, 0], pairs[k, 1], depth)
    return out
