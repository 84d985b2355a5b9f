"""Compiled kernels of shell packing (numba): a dynamic cell list, overlap scores, pose search, relief.

Every atom lives in a cell of edge ``CELL_A`` (the largest overlap distance), so an atom's partners
are in its own and the 26 neighbouring cells; cells are doubly linked lists, so a ligand can be taken
out and put back in O(atoms).

The overlap rule is the validator's (:mod:`nanoligand.validate.contacts`), kept ``margin`` Å inside
it: atoms ``p`` (of ligand k) and ``q`` overlap when ``d < r_p + r_q - 0.4 + margin``, except

* ``q`` a core atom the ligand is bonded to: skipped for atoms at most ``level`` bonds from a donor
  (``host_level``): 0 for the metals a donor binds and their core neighbours (the donor alone: its
  bond and its 1-3 contacts, as the validator excuses them; a chain folded into its own metal must
  not be excused), 2 and 1 for a covalent host and its neighbours (a graft's
  Si, a proton's O: pairs within three bonds, as MolProbity skips them);
* ``q`` any other core metal: ligand atoms with a tabulated metal–element pair (O, S, N ...) stay
  beyond the bond-valence shortest bond (``short``);
* ``q`` in another ligand: hydrogen bonds (a polar H and an acceptor farther apart than 1.5 Å) are
  skipped; two donors on one metal are not (they keep their van der Waals distance);
* within one ligand, only atoms more than three bonds apart count.

A ligand's score is the sum over its overlapping pairs of ``1 + SEVERITY · overlap²``, times
``CORE_WEIGHT`` for a pair with a core atom or a donor atom: zero exactly when it overlaps nothing, a
deep overlap weighs more than several shallow ones, and an overlap the relaxation cannot remove
(the core and the donors do not move) more than any between tails.
"""

from __future__ import annotations

import numba as nb
import numpy as np

CELL_A = 3.7
SEVERITY = 10.0  # a deep overlap weighs more than several shallow ones
CORE_WEIGHT = 100.0  # overlaps with the core or a donor weigh more: relaxation cannot move either
OVERLAP_A = 0.4
HBOND_MIN_A = 1.5


@nb.njit(cache=True)
def cell_of_point(x, y, z, origin, dims):
    i = min(max(int((x - origin[0]) / CELL_A), 0), dims[0] - 1)
    j = min(max(int((y - origin[1]) / CELL_A), 0), dims[1] - 1)
    k = min(max(int((z - origin[2]) / CELL_A), 0), dims[2] - 1)
    return (i * dims[1] + j) * dims[2] + k


@nb.njit(cache=True)
def insert(atoms, xyz, origin, dims, head, nxt, prv, cell_of):
    for a in atoms:
        c = cell_of_point(xyz[a, 0], xyz[a, 1], xyz[a, 2], origin, dims)
        cell_of[a] = c
        prv[a] = -1
        nxt[a] = head[c]
        if head[c] >= 0:
            prv[head[c]] = a
        head[c] = a


@nb.njit(cache=True)
def remove(atoms, head, nxt, prv, cell_of):
    for a in atoms:
        c = cell_of[a]
        if c < 0:
            continue
        if prv[a] >= 0:
            nxt[prv[a]] = nxt[a]
        else:
            head[c] = nxt[a]
        if nxt[a] >= 0:
            prv[nxt[a]] = prv[a]
        cell_of[a] = -1
        nxt[a] = -1
        prv[a] = -1


@nb.njit(cache=True, inline="always")  # in the pair loops: no call per pair
def core_contact(q, k, depth_p, short, row, host_ptr, host_atom, host_level, metal_cls, margin):
    """Core atom ``q`` against a ligand atom at ``depth_p`` bonds from a donor of ligand ``k`` (its
    shortest bonds to the metal classes: ``short[row]``). Returns (skipped, limit): skipped when ``q``
    is a host atom the ligand may touch at that depth; else the bond-valence limit ``short + margin``
    of a tabulated metal pair, NaN for none (module docstring)."""
    # the limit is looked up before the loop: an array read after it kept a reference count per inlined
    # call (all_scores about 10 % slower). relax._pair_list inlines this too, and numba's cache does not
    # see that dependency: after changing it, delete the cached relax kernels (__pycache__/relax.*.nb?)
    c = metal_cls[q]
    lim = short[row, c] + margin if c >= 0 else np.nan  # NaN also for an untabulated pair
    for h in range(host_ptr[k], host_ptr[k + 1]):
        if host_atom[h] == q and depth_p <= host_level[h]:
            return True, np.nan
    return False, lim


@nb.njit(cache=True)
def score_points(pts, k, t_radius, t_depth, t_short, t_polar_h, t_acceptor, limit, xyz, mol, radius, depth,
                 polar_h, acceptor, metal_cls, host_ptr, host_atom, host_level, origin, dims, head, nxt, margin,
                 deepest=False):
    """Overlap score of the points ``pts`` (atoms of ligand ``k``, template flags ``t_*``) against
    everything in the cell list; stops early above ``limit``. With ``deepest`` the largest overlap
    (Å, by the validator's 0.4 Å rule without the margin) instead."""
    s = 0.0
    worst = 0.0
    tol = OVERLAP_A - margin
    for p in range(pts.shape[0]):
        x, y, z = pts[p, 0], pts[p, 1], pts[p, 2]
        i0 = min(max(int((x - origin[0]) / CELL_A), 0), dims[0] - 1)
        j0 = min(max(int((y - origin[1]) / CELL_A), 0), dims[1] - 1)
        k0 = min(max(int((z - origin[2]) / CELL_A), 0), dims[2] - 1)
        for i in range(max(i0 - 1, 0), min(i0 + 2, dims[0])):
            for j in range(max(j0 - 1, 0), min(j0 + 2, dims[1])):
                for kk in range(max(k0 - 1, 0), min(k0 + 2, dims[2])):
                    q = head[(i * dims[1] + j) * dims[2] + kk]
                    while q >= 0:
                        m = mol[q]
                        if m != k:
                            dx = xyz[q, 0] - x
                            dy = xyz[q, 1] - y
                            dz = xyz[q, 2] - z
                            d2 = dx * dx + dy * dy + dz * dz
                            lim = t_radius[p] + radius[q] - tol
                            skip = False
                            if m < 0:
                                skip, bv = core_contact(q, k, t_depth[p], t_short, p, host_ptr, host_atom,
                                                        host_level, metal_cls, margin)
                                if bv > lim:  # False for NaN (no limit)
                                    lim = bv
                            else:
                                if ((t_polar_h[p] and acceptor[q]) or (polar_h[q] and t_acceptor[p])) and \
                                        d2 > HBOND_MIN_A * HBOND_MIN_A:
                                    skip = True
                            if not skip and d2 < lim * lim:
                                ov = lim - np.sqrt(d2)
                                fixed = m < 0 or t_depth[p] == 0 or depth[q] == 0  # core or a donor
                                s += (1.0 + SEVERITY * ov * ov) * (CORE_WEIGHT if fixed else 1.0)
                                worst = max(worst, ov + OVERLAP_A - margin)
                                if s > limit and not deepest:
                                    return s
                        q = nxt[q]
    return worst if deepest else s


@nb.njit(cache=True)
def pose(local, axes, origin, out):
    """``out = axes @ local + origin`` for every atom (axes: columns are the head frame's x, y, z)."""
    for a in range(local.shape[0]):
        for c in range(3):
            out[a, c] = axes[c, 0] * local[a, 0] + axes[c, 1] * local[a, 1] + axes[c, 2] * local[a, 2] + origin[c]


@nb.njit(cache=True)
def best_pose(k, variants, order, alt_origin, alt_axes, n_alt, t_radius, t_depth, t_short, t_polar_h, t_acceptor,
              xyz, mol, radius, depth, polar_h, acceptor, metal_cls, host_ptr, host_atom, host_level, origin, dims,
              head, nxt, margin, current):
    """The first overlap-free (head alternative, variant) of ligand ``k`` in ``order`` (variants tried for
    every alternative before the next variant), else the lowest score below ``current``.
    Returns (alternative, variant, score); (-1, -1, current) if nothing beats ``current``."""
    best_a = -1
    best_v = -1
    best_s = current
    buf = np.empty((variants.shape[1], 3))
    for v in order:
        for a in range(n_alt):
            pose(variants[v], alt_axes[a], alt_origin[a], buf)
            s = score_points(buf, k, t_radius, t_depth, t_short, t_polar_h, t_acceptor, best_s, xyz, mol, radius,
                             depth, polar_h, acceptor, metal_cls, host_ptr, host_atom, host_level, origin, dims,
                             head, nxt, margin)
            if s < best_s:
                best_s = s
                best_a = a
                best_v = v
                if s == 0.0:
                    return best_a, best_v, best_s
    return best_a, best_v, best_s


@nb.njit(cache=True, parallel=True)
def all_scores(start, size, tpl_of, tpl_atom0, t_radius_all, t_depth_all, t_short_all, t_polar_all, t_acc_all,
               xyz, mol, radius, depth, polar_h, acceptor, metal_cls, host_ptr, host_atom, host_level, origin, dims,
               head, nxt, cell_of, margin, deepest=False):
    """Intermolecular score of every ligand in the cell list (0 for ligands taken out); with
    ``deepest`` each ligand's largest overlap in Å."""
    out = np.zeros(len(start))
    for k in nb.prange(len(start)):
        if cell_of[start[k]] < 0:
            continue
        t = tpl_of[k]
        a0 = tpl_atom0[t]
        n = size[k]
        out[k] = score_points(xyz[start[k]:start[k] + n], k, t_radius_all[a0:a0 + n], t_depth_all[a0:a0 + n],
                              t_short_all[a0:a0 + n], t_polar_all[a0:a0 + n], t_acc_all[a0:a0 + n], np.inf, xyz,
                              mol, radius, depth, polar_h, acceptor, metal_cls, host_ptr, host_atom, host_level,
                              origin, dims, head, nxt, margin, deepest)
    return out
