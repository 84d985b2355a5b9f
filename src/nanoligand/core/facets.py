"""Miller indices: parsing, formatting, plane normals and symmetry-equivalent families.

Three-index (``111``, ``-1-1-1``, ``1,1,0``) and, for hexagonal lattices, four-index Miller–Bravais
notation (``10-10``, ``000-1``) are accepted. Families are expanded with a point group given as
Cartesian matrices, so a *signed* family stays signed where the group has no inversion: in zinc blende
(Td) ``{111}`` has four members and ``{-1-1-1}`` is a different family.

Examples
--------
>>> parse_miller("-1-1-1")
(-1, -1, -1)
>>> parse_miller("10-10", hexagonal=True)
(1, 0, 0)
>>> format_miller((1, 0, 0), hexagonal=True)
'10-10'
"""

from __future__ import annotations

import math
import re
from functools import reduce

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from nanoligand.errors import InputError

Miller = tuple[int, int, int]


def parse_miller(text: str | tuple[int, ...], hexagonal: bool = False) -> Miller:
    """Parse a Miller (or Miller–Bravais) index into three integers (h, k, l).

    Parameters
    ----------
    text : str or tuple of int
        ``"111"``, ``"-1-1-1"``, ``"(1,1,0)"``, ``"{100}"``, ``"1 0 -1 0"`` or a tuple.
    hexagonal : bool
        Accept four-index notation (h k i l with i = -(h + k)).

    Raises
    ------
    InputError
        Malformed text, wrong number of indices, all-zero index or inconsistent i in (hkil).
    """
    if isinstance(text, (tuple, list)):
        idx = [int(x) for x in text]
    else:
        body = str(text).strip().strip("(){}[]<> ")
        if re.search(r"[,\s]", body):
            parts = [p for p in re.split(r"[,\s]+", body) if p]
            if not all(re.fullmatch(r"[+-]?\d+", p) for p in parts):
                raise InputError(f"malformed Miller index {text!r}")
            idx = [int(p) for p in parts]
        else:
            if not re.fullmatch(r"(-?\d)+", body):
                raise InputError(f"malformed Miller index {text!r} (use e.g. 111, -1-1-1, 10-10 or 1,1,0)")
            idx = [int(p) for p in re.findall(r"-?\d", body)]
    if len(idx) == 4:
        if not hexagonal:
            raise InputError(f"four-index Miller-Bravais notation {text!r} needs a hexagonal lattice")
        h, k, i, l = idx
        if i != -(h + k):
            raise InputError(f"Miller-Bravais index {text!r} is inconsistent: i must equal -(h+k)")
        idx = [h, k, l]
    if len(idx) != 3:
        raise InputError(f"a Miller index needs three integers (or four on hexagonal lattices): {text!r}")
    if not any(idx):
        raise InputError("the Miller index (000) is not a plane")
    g = reduce(math.gcd, (abs(x) for x in idx))
    return (idx[0] // g, idx[1] // g, idx[2] // g)


def format_miller(hkl: Miller, hexagonal: bool = False) -> str:
    """Format (h, k, l) as ``"111"``/``"-1-1-1"``, or as four-index ``"10-10"`` when hexagonal."""
    idx = list(hkl)
    if hexagonal:
        idx = [hkl[0], hkl[1], -(hkl[0] + hkl[1]), hkl[2]]
    sep = "" if all(abs(x) < 10 for x in idx) else ","
    return sep.join(str(x) for x in idx)


def normal_of(hkl: Miller, cell: np.ndarray) -> np.ndarray:
    """Unit Cartesian normal of plane (hkl) for a cell given as rows of lattice vectors."""
    n = np.asarray(hkl, float) @ np.linalg.inv(cell).T
    return n / np.linalg.norm(n)


def miller_of(normal: np.ndarray, cell: np.ndarray) -> Miller:
    """Smallest integer Miller index of a plane with the given Cartesian normal."""
    v = np.asarray(normal, float) @ cell.T
    v = v / np.abs(v[np.abs(v) > 1e-6]).min()
    for mult in range(1, 13):
        w = v * mult
        if np.allclose(w, np.round(w), atol=1e-4):
            r = [int(x) for x in np.round(w)]
            g = reduce(math.gcd, (abs(x) for x in r))
            return (r[0] // g, r[1] // g, r[2] // g)
    raise InputError(f"normal {normal} is not a rational lattice direction")


def expand_family(hkl: Miller, ops: np.ndarray, cell: np.ndarray) -> tuple[np.ndarray, list[Miller]]:
    """All planes symmetry-equivalent to (hkl) under ``ops``: unit normals and Miller indices."""
    n0 = normal_of(hkl, cell)
    normals = _unique_rows(ops @ n0)
    return normals, [miller_of(n, cell) for n in normals]


def _unique_rows(v: np.ndarray, decimals: int = 6) -> np.ndarray:
    _, idx = np.unique(np.round(v, decimals), axis=0, return_index=True)
    return v[np.sort(idx)]


def family_label(members: list[Miller], all_members: set[Miller], hexagonal: bool) -> str:
    """Label of a family (a symmetry orbit of planes) by a canonical member, in braces.

    The canonical member has the most non-negative indices, then the largest tuple; where the
    negated orbit is also present and reads better, the family is written as its negation, so zinc
    blende's two {111} orbits are ``{111}`` and ``{-1-1-1}``.
    """
    def key(m: Miller) -> tuple[int, Miller]:
        return (sum(x >= 0 for x in m), m)

    best = max(members, key=key)
    negated = [(-m[0], -m[1], -m[2]) for m in members]
    if set(negated) != set(members) and set(negated) <= all_members:
        best_neg = max(negated, key=key)
        if key(best_neg) > key(best):
            return "{" + format_miller((-best_neg[0], -best_neg[1], -best_neg[2]), hexagonal) + "}"
    return "{" + format_miller(best, hexagonal) + "}"


def plane_orbits(normals: np.ndarray, ops: np.ndarray, distances: np.ndarray | None = None,
                 tol: float = 1e-3) -> np.ndarray:
    """Orbit label of each plane under ``ops`` (Cartesian).

    With ``distances``, only operations that map the whole plane set (normal and distance) onto
    itself are used, so the orbits are those of the finite shape, not just of the directions.
    Labels are 0, 1, ... in order of first appearance.
    """
    normals = np.asarray(normals, float)
    dist = np.zeros(len(normals)) if distances is None else np.asarray(distances, float)
    images = np.einsum("gij,pj->gpi", ops, normals)  # (G, P, 3)
    match = np.argmax(images @ normals.T, axis=2)  # (G, P): best-matching plane of each image
    ok_dir = np.all(np.take_along_axis(images @ normals.T, match[..., None], 2)[..., 0] > 1 - 1e-6, axis=1)
    ok_dist = np.all(np.abs(dist[match] - dist[None, :]) < tol, axis=1)
    match = match[ok_dir & ok_dist]
    n = len(normals)
    src = np.tile(np.arange(n), len(match))
    graph = coo_matrix((np.ones(len(src)), (src, match.ravel())), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    _, first = np.unique(labels, return_index=True)  # relabel in order of first appearance
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[labels]
