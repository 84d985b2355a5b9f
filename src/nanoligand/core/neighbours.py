"""Bond graph of a finite set of lattice sites, built once with a KD-tree.

Bonds are the element pairs a :class:`~nanoligand.core.lattice.Lattice` declares bonded, within that
pair's first-shell cut-off. Coordination numbers for any subset of atoms (``alive`` masks) come
from one ``np.bincount`` over the bond list, so pruning never rebuilds the tree.

Examples
--------
>>> import numpy as np
>>> pos = np.array([[0.0, 0, 0], [2.9, 0, 0], [5.8, 0, 0]])
>>> g = bond_graph(pos, np.array([0, 1, 0]), np.array([[0.0, 3.0], [3.0, 0.0]]))
>>> g.coordination().tolist()
[1, 2, 1]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree


@dataclass(frozen=True)
class BondGraph:
    """Undirected bonds ``(i[k], j[k])`` among ``n`` atoms."""

    n: int
    i: np.ndarray
    j: np.ndarray

    def coordination(self, alive: np.ndarray | None = None) -> np.ndarray:
        """Number of bonds of every atom to atoms flagged ``alive`` (all atoms if None)."""
        if alive is None:
            ends = np.concatenate([self.i, self.j])
        else:
            both = alive[self.i] & alive[self.j]
            ends = np.concatenate([self.i[both], self.j[both]])
        return np.bincount(ends, minlength=self.n)

    def prune(self, alive: np.ndarray, min_cn: int) -> np.ndarray:
        """Remove atoms with fewer than ``min_cn`` bonds to survivors, repeatedly, until none is left.

        Each pass removes every under-coordinated atom at once; removal can strand a neighbour, so
        passes repeat (a handful on real cores).
        """
        alive = alive.copy()
        while True:
            weak = alive & (self.coordination(alive) < min_cn)
            if not weak.any():
                return alive
            alive &= ~weak


def bond_graph(positions: np.ndarray, types: np.ndarray, cutoff: np.ndarray) -> BondGraph:
    """Bonds between atoms whose element pair ``(a, b)`` has ``d <= cutoff[a, b]`` (0 = never)."""
    rmax = float(cutoff.max())
    tree = cKDTree(positions)
    pairs = tree.query_pairs(rmax, output_type="ndarray")
    if len(pairs) == 0:
        return BondGraph(len(positions), np.zeros(0, np.int64), np.zeros(0, np.int64))
    i, j = pairs[:, 0], pairs[:, 1]
    d2 = np.einsum("ij,ij->i", positions[i] - positions[j], positions[i] - positions[j])
    lim = cutoff[types[i], types[j]]
    keep = d2 <= lim * lim
    return BondGraph(len(positions), i[keep].astype(np.int64), j[keep].astype(np.int64))


def csr_neighbours(n: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Neighbour lists of ``n`` atoms from undirected ``pairs`` (k, 2) in compressed-row form:
    the neighbours of atom ``a`` are ``indices[indptr[a]:indptr[a + 1]]`` (for numba kernels).

    Examples
    --------
    >>> indptr, indices = csr_neighbours(3, np.array([[0, 1], [1, 2]]))
    >>> sorted(indices[indptr[1]:indptr[2]].tolist())
    [0, 2]
    """
    if len(pairs) == 0:
        return np.zeros(n + 1, np.int64), np.zeros(0, np.int64)
    a = np.concatenate([pairs[:, 0], pairs[:, 1]])
    b = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.argsort(a, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(a, minlength=n))]).astype(np.int64)
    return indptr, b[order].astype(np.int64)
