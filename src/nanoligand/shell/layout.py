"""Head layout: which ligand takes which chosen site, and which head placement, so heads never overlap.

Donor atoms never move once placed (their distances to the metals are the point), so two heads that
overlap cannot be repaired later. The chosen sites of one site kind are therefore laid out first,
on head atoms only (donors and the heavy atoms bonded to them, e.g. a carboxylate's O, O and C), by
simulated annealing over

* the head placement of each site (the alternatives of :mod:`.binding`), and
* swaps of the ligands on two nearby sites of one face (face counts, and so neutrality and the
  per-face densities, stay as they were);

minimising the head overlaps (the validator's rule: van der Waals radii less 0.4 Å, with the
packing margin), the bonds that under-coordinated cations still miss (a cation with fewer than
three bonds to the core needs its ligands to bond it), and a mild penalty on large ligands whose
heads stand closer than ``SPREAD_A`` (their chains need the room). The result orders each ligand's alternatives with the chosen one
first.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from scipy.spatial import cKDTree

from nanoligand.core.neighbours import csr_neighbours
from nanoligand.shell._pack import OVERLAP_A

NEIGHBOUR_A = 9.0
SPREAD_A = 5.0
SPREAD_WEIGHT = 0.2
LARGE_ATOMS = 10
SWEEPS = 60
CN_WEIGHT = 20.0  # per missing bond², against 1 + 10 overlap² per head overlap: an under-bonded cation fails
                  # the validator, a head overlap may still be relieved (3.0 left a Cd of wurtzite CdS two-coordinate)
T_START = 1.0
T_END = 0.005


def head_atoms(tpl) -> np.ndarray:
    """Heavy atoms of a template's head (:attr:`Template.head_atoms`; H atoms turn freely)."""
    h = tpl.head_atoms
    return h[tpl.heavy[h] | (tpl.depth[h] == 0)]


def lay_out(sites_xyz: np.ndarray, face: np.ndarray, occupant: np.ndarray, templates, alt_tpl, alt_origin, alt_axes,
            alt_ok, seed: int, margin: float, bonds: np.ndarray | None = None, need: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray, float]:
    """Anneal the layout of one site kind.

    Parameters
    ----------
    sites_xyz, face : (n, 3), (n,)
        The chosen sites and their faces.
    occupant : (n,)
        Group on each site (initial assignment), an index into the first axis below.
    templates : list of Template
        Every template (binding mode); ``alt_tpl[g, a]`` is the template of group g's placement a.
    alt_origin, alt_axes, alt_ok : (G, n, K, 3), (G, n, K, 3, 3), (G, n, K)
        Head placements of every group on every site.
    bonds, need : (G, n, K, B), (W,), optional
        Under-coordinated cations (W of them) each placement bonds (ids, -1 padded) and how many bonds
        each still needs; the anneal penalises every bond missing (``CN_WEIGHT`` per missing bond²).

    Returns
    -------
    occupant, alternative : (n,), (n,)
    overlap : float
        What overlap is left (0: none).
    """
    n = len(sites_xyz)
    heads = [head_atoms(t) for t in templates]
    hmax = max(len(h) for h in heads)
    n_tpl = len(templates)
    local = np.zeros((n_tpl, hmax, 3))
    radius = np.zeros((n_tpl, hmax))
    n_head = np.array([len(h) for h in heads], np.int64)
    for t, (tpl, h) in enumerate(zip(templates, heads)):
        local[t, :len(h)] = tpl.conformers[0][h]
        radius[t, :len(h)] = tpl.radii[h]
    large = np.array([tpl.n_atoms >= LARGE_ATOMS for tpl in templates], np.bool_)
    K = alt_origin.shape[2]
    loc = local[alt_tpl]                                   # (G, K, H, 3)
    xyz = np.einsum("gnkij,gkhj->gnkhi", alt_axes, loc) + alt_origin[:, :, :, None, :]
    tree = cKDTree(sites_xyz)
    pairs = tree.query_pairs(NEIGHBOUR_A, output_type="ndarray")
    indptr, indices = csr_neighbours(n, pairs)
    alt = np.array([int(np.argmax(alt_ok[occupant[i], i])) for i in range(n)], np.int64)
    if bonds is None or need is None or len(need) == 0:
        bonds, need = np.full(alt_ok.shape + (1,), -1, np.int64), np.zeros(1, np.int64)
    occ, alt, left = _anneal(xyz, radius, n_head, large, alt_tpl, alt_ok, alt_origin, occupant.astype(np.int64),
                             alt, face.astype(np.int64), indptr, indices, OVERLAP_A - margin, SPREAD_A,
                             SPREAD_WEIGHT, SWEEPS, T_START, T_END, seed, K, bonds.astype(np.int64),
                             need.astype(np.int64), CN_WEIGHT)
    return occ, alt, left


@nb.njit(cache=True)
def _pair(xyz, radius, n_head, large, alt_tpl, origin, i, ti, ai, j, tj, aj, tol, spread, w):
    """Overlap of the heads on sites i and j (groups ti, tj in placements ai, aj)."""
    e = 0.0
    pi = alt_tpl[ti, ai]
    pj = alt_tpl[tj, aj]
    for p in range(n_head[pi]):
        for q in range(n_head[pj]):
            d = np.sqrt(((xyz[ti, i, ai, p] - xyz[tj, j, aj, q]) ** 2).sum())
            lim = radius[pi, p] + radius[pj, q] - tol
            if d < lim:
                e += 1.0 + (lim - d) ** 2 * 10.0
    if large[pi] and large[pj]:
        d = np.sqrt(((origin[ti, i, ai] - origin[tj, j, aj]) ** 2).sum())
        if d < spread:
            e += w * (spread - d) ** 2
    return e


@nb.njit(cache=True)
def _site_energy(xyz, radius, n_head, large, alt_tpl, origin, occ, alt, indptr, indices, i, t, a, tol, spread, w,
                 skip):
    e = 0.0
    for x in range(indptr[i], indptr[i + 1]):
        j = indices[x]
        if j == skip:
            continue
        e += _pair(xyz, radius, n_head, large, alt_tpl, origin, i, t, a, j, occ[j], alt[j], tol, spread, w)
    return e


@nb.njit(cache=True)
def _random_alt(ok_row, K):
    n_ok = 0
    for k in range(K):
        if ok_row[k]:
            n_ok += 1
    if n_ok == 0:
        return 0
    r = np.random.randint(0, n_ok)
    for k in range(K):
        if ok_row[k]:
            if r == 0:
                return k
            r -= 1
    return 0


@nb.njit(cache=True)
def _cn_delta(count, need, w_cn, old_lists, new_lists, apply):
    """Change of the coordination penalty when the bonds listed in ``old_lists`` go and those in
    ``new_lists`` come (each row: watched-cation ids, -1 padded); applied to ``count`` if ``apply``."""
    ids = np.full(16, -1, np.int64)
    dlt = np.zeros(16, np.int64)
    n = 0
    for lists, sign in ((old_lists, -1), (new_lists, 1)):
        for r in range(lists.shape[0]):
            for c in lists[r]:
                if c < 0:
                    continue
                found = -1
                for x in range(n):
                    if ids[x] == c:
                        found = x
                if found < 0 and n < 16:
                    ids[n] = c
                    found = n
                    n += 1
                if found >= 0:
                    dlt[found] += sign
    d = 0.0
    for x in range(n):
        c = ids[x]
        before = max(0, need[c] - count[c])
        after = max(0, need[c] - count[c] - dlt[x])
        d += w_cn * (after * after - before * before)
        if apply:
            count[c] += dlt[x]
    return d


@nb.njit(cache=True)
def _anneal(xyz, radius, n_head, large, alt_tpl, ok, origin, occ, alt, face, indptr, indices, tol, spread, w, sweeps,
            t0, t1, seed, K, bonds, need, w_cn):
    np.random.seed(seed)
    n = len(occ)
    occ = occ.copy()
    alt = alt.copy()
    total = 0.0
    count = np.zeros(len(need), np.int64)
    for i in range(n):
        for c in bonds[occ[i], i, alt[i]]:
            if c >= 0:
                count[c] += 1
    for i in range(n):
        total += 0.5 * _site_energy(xyz, radius, n_head, large, alt_tpl, origin, occ, alt, indptr, indices, i, occ[i],
                                    alt[i], tol, spread, w, -1)
    if n == 0:
        return occ, alt, total
    for sweep in range(sweeps):
        temp = t0 * (t1 / t0) ** (sweep / max(sweeps - 1, 1))
        for _ in range(n):
            i = np.random.randint(0, n)
            if np.random.random() < 0.5 or indptr[i + 1] == indptr[i]:
                a_new = _random_alt(ok[occ[i], i], K)
                if a_new == alt[i]:
                    continue
                e_old = _site_energy(xyz, radius, n_head, large, alt_tpl, origin, occ, alt, indptr, indices, i, occ[i],
                                     alt[i], tol, spread, w, -1)
                e_new = _site_energy(xyz, radius, n_head, large, alt_tpl, origin, occ, alt, indptr, indices, i, occ[i],
                                     a_new, tol, spread, w, -1)
                d = e_new - e_old + _cn_delta(count, need, w_cn, bonds[occ[i], i, alt[i]:alt[i] + 1],
                                              bonds[occ[i], i, a_new:a_new + 1], False)
                if d <= 0.0 or np.random.random() < np.exp(-d / temp):
                    _cn_delta(count, need, w_cn, bonds[occ[i], i, alt[i]:alt[i] + 1], bonds[occ[i], i, a_new:a_new + 1],
                              True)
                    alt[i] = a_new
                    total += d
            else:
                j = indices[indptr[i] + np.random.randint(0, indptr[i + 1] - indptr[i])]
                if face[j] != face[i] or occ[j] == occ[i]:
                    continue
                ti, tj = occ[i], occ[j]
                ai_new = _random_alt(ok[tj, i], K)
                aj_new = _random_alt(ok[ti, j], K)
                if not ok[tj, i, ai_new] or not ok[ti, j, aj_new]:
                    continue
                e_old = _site_energy(xyz, radius, n_head, large, alt_tpl, origin, occ, alt, indptr, indices, i, ti, alt[i], tol,
                                     spread, w, j) \
                    + _site_energy(xyz, radius, n_head, large, alt_tpl, origin, occ, alt, indptr, indices, j, tj, alt[j], tol,
                                   spread, w, -1)
                oi, oj, ai, aj = occ[i], occ[j], alt[i], alt[j]
                occ[i], occ[j], alt[i], alt[j] = tj, ti, ai_new, aj_new
                e_new = _site_energy(xyz, radius, n_head, large, alt_tpl, origin, occ, alt, indptr, indices, i, occ[i], alt[i],
                                     tol, spread, w, j) \
                    + _site_energy(xyz, radius, n_head, large, alt_tpl, origin, occ, alt, indptr, indices, j, occ[j], alt[j],
                                   tol, spread, w, -1)
                old = np.vstack((bonds[oi, i, ai], bonds[oj, j, aj]))
                new = np.vstack((bonds[occ[i], i, alt[i]], bonds[occ[j], j, alt[j]]))
                d = e_new - e_old + _cn_delta(count, need, w_cn, old, new, False)
                if d <= 0.0 or np.random.random() < np.exp(-d / temp):
                    _cn_delta(count, need, w_cn, old, new, True)
                    total += d
                else:
                    occ[i], occ[j], alt[i], alt[j] = oi, oj, ai, aj
    # what overlap is left (no spread term)
    left = 0.0
    for i in range(n):
        for x in range(indptr[i], indptr[i + 1]):
            j = indices[x]
            if j > i:
                left += _pair(xyz, radius, n_head, large, alt_tpl, origin, i, occ[i], alt[i], j, occ[j], alt[j], tol, spread,
                              0.0)
    return occ, alt, left
