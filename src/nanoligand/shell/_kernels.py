"""Compiled kernels of the clash search: a dynamic cell list and variant scoring (numba).

Every atom lives in a cell of edge ``CELL_A`` (the largest clash distance), so an atom's clash
partners are in its own and the 26 neighbouring cells. Cells hold doubly linked lists, so a ligand
can be taken out and put back in O(atoms). Coordinates outside the grid's box are clamped into the
border cells, which keeps neighbours in neighbouring cells (the clamp is monotone).

Clash rule of a pair (atom ``p`` of a ligand, atom ``q`` of another molecule or of the core), as the
shell specification states it (2.0 Å for any two atoms of different molecules or of a ligand and the
core, 2.5 Å for two heavy atoms of different molecules):

* ``p`` a donor and ``q`` a core atom of the class the ligand binds (cations for X/L donors, anions
  for Z acceptors, framework atoms for grafts): closer than the ligand's own ``donor_min`` (a bond
  is not a clash, a donor pushed into the core is);
* ``p`` bonded to a donor (the carboxyl C of a chelating carboxylate) and ``q`` of that class: closer
  than ``MIN_ANY_A`` (a 1-3 contact across the bond, not held to the heavy-atom limit);
* both heavy and ``q`` in another ligand: closer than ``MIN_HEAVY_A``; otherwise closer than
  ``MIN_ANY_A``.

The score of a ligand is the sum over its clashing pairs of ``1 + (limit - d)``: zero exactly when it
clashes with nothing, and lower when it clashes less.
"""

from __future__ import annotations

import numba as nb
import numpy as np

MIN_ANY_A = 2.0
MIN_HEAVY_A = 2.5
CELL_A = 2.5
DAMPING = 0.3  # fraction of the Newton step each rotatable bond takes (they share one overlap)
STALL_ITERS = 25


@nb.njit(cache=True)
def _cell(x, y, z, origin, dims):
    i = int((x - origin[0]) / CELL_A)
    j = int((y - origin[1]) / CELL_A)
    k = int((z - origin[2]) / CELL_A)
    i = min(max(i, 0), dims[0] - 1)
    j = min(max(j, 0), dims[1] - 1)
    k = min(max(k, 0), dims[2] - 1)
    return (i * dims[1] + j) * dims[2] + k


@nb.njit(cache=True)
def insert(atoms, xyz, origin, dims, head, nxt, prv, cell_of):
    for a in atoms:
        c = _cell(xyz[a, 0], xyz[a, 1], xyz[a, 2], origin, dims)
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


@nb.njit(cache=True)
def score_points(pts, heavy, donor, donor_min, binds, mol_k, limit, xyz, mol, is_heavy, cls, origin, dims, head,
                 nxt):
    """Clash score of the points ``pts`` of ligand ``mol_k`` against the grid; stops above ``limit``."""
    s = 0.0
    for p in range(pts.shape[0]):
        x, y, z = pts[p, 0], pts[p, 1], pts[p, 2]
        i0 = min(max(int((x - origin[0]) / CELL_A), 0), dims[0] - 1)
        j0 = min(max(int((y - origin[1]) / CELL_A), 0), dims[1] - 1)
        k0 = min(max(int((z - origin[2]) / CELL_A), 0), dims[2] - 1)
        for i in range(max(i0 - 1, 0), min(i0 + 2, dims[0])):
            for j in range(max(j0 - 1, 0), min(j0 + 2, dims[1])):
                for k in range(max(k0 - 1, 0), min(k0 + 2, dims[2])):
                    q = head[(i * dims[1] + j) * dims[2] + k]
                    while q >= 0:
                        m = mol[q]
                        if m != mol_k:
                            if m < 0 and donor[p] > 0 and cls[q] == binds:
                                lim = donor_min if donor[p] == 2 else MIN_ANY_A
                            elif heavy[p] and is_heavy[q] and m >= 0:
                                lim = MIN_HEAVY_A
                            else:
                                lim = MIN_ANY_A
                            dx = xyz[q, 0] - x
                            dy = xyz[q, 1] - y
                            dz = xyz[q, 2] - z
                            d2 = dx * dx + dy * dy + dz * dz
                            if d2 < lim * lim:
                                s += 1.0 + lim - np.sqrt(d2)
                                if s > limit:
                                    return s
                        q = nxt[q]
    return s


@nb.njit(cache=True)
def _pose(variant, rot, anchor, out):
    for a in range(variant.shape[0]):
        for c in range(3):
            out[a, c] = (rot[c, 0] * variant[a, 0] + rot[c, 1] * variant[a, 1] + rot[c, 2] * variant[a, 2]
                         + anchor[c])


@nb.njit(cache=True)
def best_pose(k, variants, order, heavy, donor, donor_min, binds, rot, anchor, xyz, mol, is_heavy, cls, origin,
              dims, head, nxt, current_score):
    """The first clash-free variant of ligand ``k`` in ``order``, else the one with the lowest score.

    Returns (variant, score); ``current_score`` (the score to beat) prunes the search.
    """
    best_v = -1
    best_s = current_score
    buf = np.empty((variants.shape[1], 3))
    for v in order:
        _pose(variants[v], rot, anchor, buf)
        s = score_points(buf, heavy, donor, donor_min, binds, k, best_s, xyz, mol, is_heavy, cls, origin, dims,
                         head, nxt)
        if s < best_s:
            best_s = s
            best_v = v
            if s == 0.0:
                break
    return best_v, best_s


@nb.njit(cache=True)
def ligand_score(k, start, size, heavy, donor, donor_min, binds, xyz, mol, is_heavy, cls, origin, dims, head,
                 nxt):
    return score_points(xyz[start:start + size], heavy, donor, donor_min, binds, k, np.inf, xyz, mol, is_heavy,
                        cls, origin, dims, head, nxt)


@nb.njit(cache=True)
def close_pairs(xyz, mol, is_heavy, cls, role_atom, donor_min_atom, binds_atom, origin, dims, head, nxt, cell_of):
    """Intermolecular pairs (donor–core bonds excepted): how many are closer than ``MIN_ANY_A``, how many
    heavy-atom pairs closer than ``MIN_HEAVY_A``, and the smallest distance. ``role_atom`` is 2 for
    donors and 1 for atoms bonded to one; a donor closer to a core atom it binds than its
    ``donor_min`` is not a bond but a clash, and counts. 1-3 contacts count only below ``MIN_ANY_A``."""
    n_any = 0
    n_heavy = 0
    dmin2 = np.inf
    for p in range(xyz.shape[0]):
        if mol[p] < 0 or cell_of[p] < 0:
            continue
        x, y, z = xyz[p, 0], xyz[p, 1], xyz[p, 2]
        i0 = min(max(int((x - origin[0]) / CELL_A), 0), dims[0] - 1)
        j0 = min(max(int((y - origin[1]) / CELL_A), 0), dims[1] - 1)
        k0 = min(max(int((z - origin[2]) / CELL_A), 0), dims[2] - 1)
        for i in range(max(i0 - 1, 0), min(i0 + 2, dims[0])):
            for j in range(max(j0 - 1, 0), min(j0 + 2, dims[1])):
                for k in range(max(k0 - 1, 0), min(k0 + 2, dims[2])):
                    q = head[(i * dims[1] + j) * dims[2] + k]
                    while q >= 0:
                        m = mol[q]
                        if m != mol[p] and (m < 0 or q > p):
                            dx = xyz[q, 0] - x
                            dy = xyz[q, 1] - y
                            dz = xyz[q, 2] - z
                            d2 = dx * dx + dy * dy + dz * dz
                            bound = m < 0 and role_atom[p] > 0 and cls[q] == binds_atom[p]
                            if bound and role_atom[p] == 1:  # next to a donor: 1-3 to the core atom
                                if d2 < MIN_ANY_A * MIN_ANY_A:
                                    n_any += 1
                                    dmin2 = min(dmin2, d2)
                            elif not (bound and d2 >= donor_min_atom[p] ** 2):
                                if d2 < dmin2:
                                    dmin2 = d2
                                if d2 < MIN_ANY_A * MIN_ANY_A:
                                    n_any += 1
                                if is_heavy[p] and is_heavy[q] and m >= 0 and d2 < MIN_HEAVY_A * MIN_HEAVY_A:
                                    n_heavy += 1
                        q = nxt[q]
    return n_any, n_heavy, np.sqrt(dmin2)


@nb.njit(cache=True)
def _intra_score(c, topo, heavy, n):
    """Clash score inside one ligand: atoms more than three bonds apart (``topo`` is n×n)."""
    s = 0.0
    for a in range(n):
        for b in range(a + 1, n):
            if topo[a * n + b] > 3:
                lim = MIN_HEAVY_A if (heavy[a] and heavy[b]) else MIN_ANY_A
                dx = c[a, 0] - c[b, 0]
                dy = c[a, 1] - c[b, 1]
                dz = c[a, 2] - c[b, 2]
                d2 = dx * dx + dy * dy + dz * dz
                if d2 < lim * lim:
                    s += 1.0 + lim - np.sqrt(d2)
    return s


@nb.njit(cache=True)
def _rotate(c, out, mask, centre, axis, angle):
    """Rotate the atoms of ``c`` selected by ``mask`` about ``axis`` through ``centre`` (Rodrigues)."""
    ca = np.cos(angle)
    sa = np.sin(angle)
    for a in range(c.shape[0]):
        if not mask[a]:
            for j in range(3):
                out[a, j] = c[a, j]
            continue
        px = c[a, 0] - centre[0]
        py = c[a, 1] - centre[1]
        pz = c[a, 2] - centre[2]
        kx = axis[1] * pz - axis[2] * py
        ky = axis[2] * px - axis[0] * pz
        kz = axis[0] * py - axis[1] * px
        kd = axis[0] * px + axis[1] * py + axis[2] * pz
        out[a, 0] = centre[0] + px * ca + kx * sa + axis[0] * kd * (1 - ca)
        out[a, 1] = centre[1] + py * ca + ky * sa + axis[1] * kd * (1 - ca)
        out[a, 2] = centre[2] + pz * ca + kz * sa + axis[2] * kd * (1 - ca)


@nb.njit(cache=True)
def _tilt_ok(c, heavy, anchor, normal, max_cos):
    cx = 0.0
    cy = 0.0
    cz = 0.0
    n = 0
    for a in range(c.shape[0]):
        if heavy[a]:
            cx += c[a, 0]
            cy += c[a, 1]
            cz += c[a, 2]
            n += 1
    if n == 0:
        return True
    vx = cx / n - anchor[0]
    vy = cy / n - anchor[1]
    vz = cz / n - anchor[2]
    norm = np.sqrt(vx * vx + vy * vy + vz * vz)
    if norm < 1e-6:
        return True
    return (vx * normal[0] + vy * normal[1] + vz * normal[2]) / norm >= max_cos


@nb.njit(cache=True)
def relax(ligands, n_moves, drift_moves, seed, start, size, tpl_of, anchors, normals, donor_min, binds,
          tpl_atom0, heavy_t, donor_t, topo_t, topo0, bond_tpl0, bond_n, bond_b, bond_c, move_t, move0,
          xyz, mol, is_heavy, cls, origin, dims, head, nxt, prv, cell_of, max_cos, max_turn, temperature):
    """Monte Carlo on the given ligands: rigid turns about the anchor and torsion turns about
    rotatable bonds, each kept by the Metropolis rule on the ligand's clash score (with everything
    else and within itself) at ``temperature`` (0: only moves that do not raise it). A clashing
    ligand stops once its score is zero; a ligand that
    starts clash-free makes ``drift_moves`` moves that keep it clash-free (making room for its
    neighbours). Returns the scores after."""
    np.random.seed(seed)
    out = np.zeros(len(ligands))
    for li in range(len(ligands)):
        k = ligands[li]
        t = tpl_of[k]
        n = size[k]
        s0 = start[k]
        h = heavy_t[tpl_atom0[t]:tpl_atom0[t] + n]
        d = donor_t[tpl_atom0[t]:tpl_atom0[t] + n]
        topo = topo_t[topo0[t]:topo0[t] + n * n]
        cur = xyz[s0:s0 + n].copy()
        new = np.empty_like(cur)
        all_atoms = np.ones(n, np.bool_)
        atoms = np.arange(s0, s0 + n)
        score = score_points(cur, h, d, donor_min[k], binds[k], k, np.inf, xyz, mol, is_heavy, cls, origin, dims,
                             head, nxt) + _intra_score(cur, topo, h, n)
        nb_ = bond_n[t]
        drifting = score == 0.0
        for _ in range(drift_moves if drifting else n_moves):
            if score == 0.0 and not drifting:
                break
            r = np.random.randint(0, nb_ + 1)
            if r == nb_:  # rigid turn about the anchor
                ax = np.random.normal(0.0, 1.0, 3)
                ax /= np.sqrt((ax ** 2).sum())
                _rotate(cur, new, all_atoms, anchors[k], ax, np.random.uniform(-max_turn, max_turn))
                if not _tilt_ok(new, h, anchors[k], normals[k], max_cos):
                    continue
            else:  # torsion turn: the side away from the donor turns about the bond
                j = bond_tpl0[t] + r
                b = bond_b[j]
                c = bond_c[j]
                ax = cur[c] - cur[b]
                ax /= np.sqrt((ax ** 2).sum())
                if np.random.random() < 0.5:
                    angle = np.random.choice(np.array([-2.0943951, 2.0943951]))  # jump to another rotamer
                else:
                    angle = np.random.uniform(-0.5, 0.5)
                _rotate(cur, new, move_t[move0[j]:move0[j] + n], cur[c], ax, angle)
                if not _tilt_ok(new, h, anchors[k], normals[k], max_cos):
                    continue
            # Metropolis at ``temperature`` (in score units) for clashing ligands; drift stays clash-free
            slack = 0.0 if (drifting or temperature == 0.0) else -temperature * np.log(np.random.random() + 1e-300)
            s_new = score_points(new, h, d, donor_min[k], binds[k], k, score + slack, xyz, mol, is_heavy, cls,
                                 origin, dims, head, nxt)
            if s_new > score + slack:
                continue
            s_new += _intra_score(new, topo, h, n)
            if s_new <= score + slack and not (drifting and s_new > 0.0):
                remove(atoms, head, nxt, prv, cell_of)
                xyz[s0:s0 + n] = new
                cur[:] = new
                insert(atoms, xyz, origin, dims, head, nxt, prv, cell_of)
                score = s_new
        out[li] = score
    return out


@nb.njit(cache=True)
def declutter(chosen, group, indptr, indices, max_passes):
    """Move chosen sites to free sites of the same group that have fewer chosen neighbours, until no
    move lowers the number of chosen neighbour pairs (neighbours: CSR ``indptr``/``indices``)."""
    n = len(chosen)
    count = np.zeros(n, np.int64)
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            if chosen[indices[p]]:
                count[i] += 1
    # free sites of each group, scanned for the best destination
    order = np.argsort(group)
    bounds = np.searchsorted(group[order], np.arange(group.max() + 2))
    for _ in range(max_passes):
        moved = False
        for i in range(n):
            if not chosen[i] or count[i] == 0:
                continue
            g = group[i]
            best_j = -1
            best_c = count[i]
            for q in range(bounds[g], bounds[g + 1]):
                j = order[q]
                if chosen[j]:
                    continue
                c = count[j]
                for p in range(indptr[j], indptr[j + 1]):  # i itself will leave
                    if indices[p] == i:
                        c -= 1
                        break
                if c < best_c:
                    best_c = c
                    best_j = j
                    if c == 0:
                        break
            if best_j >= 0:
                chosen[i] = False
                for p in range(indptr[i], indptr[i + 1]):
                    count[indices[p]] -= 1
                chosen[best_j] = True
                for p in range(indptr[best_j], indptr[best_j + 1]):
                    count[indices[p]] += 1
                moved = True
        if not moved:
            break
    return chosen


@nb.njit(cache=True)
def _forces(c, h, role, donor_min, binds, k, topo, n, xyz, mol, is_heavy, cls, origin, dims, head, nxt, f, margin):
    """Overlap forces on the atoms of ligand ``k`` (coordinates ``c``) from everything in the grid and
    from its own atoms more than three bonds away, pushing to ``margin`` beyond each limit; returns
    the clash score (without the margin)."""
    s = 0.0
    for a in range(n):
        f[a, 0] = 0.0
        f[a, 1] = 0.0
        f[a, 2] = 0.0
    for a in range(n):
        x, y, z = c[a, 0], c[a, 1], c[a, 2]
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
                            if m < 0 and role[a] > 0 and cls[q] == binds:
                                lim = donor_min if role[a] == 2 else MIN_ANY_A
                            elif h[a] and is_heavy[q] and m >= 0:
                                lim = MIN_HEAVY_A
                            else:
                                lim = MIN_ANY_A
                            dx = x - xyz[q, 0]
                            dy = y - xyz[q, 1]
                            dz = z - xyz[q, 2]
                            d2 = dx * dx + dy * dy + dz * dz
                            lm = lim + margin
                            if d2 < lm * lm:
                                d = max(np.sqrt(d2), 1e-6)
                                if d < lim:
                                    s += 1.0 + lim - d
                                w = (lm - d) / d
                                f[a, 0] += w * dx
                                f[a, 1] += w * dy
                                f[a, 2] += w * dz
                        q = nxt[q]
    for a in range(n):
        for b in range(a + 1, n):
            if topo[a * n + b] > 3:
                lim = MIN_HEAVY_A if (h[a] and h[b]) else MIN_ANY_A
                dx = c[a, 0] - c[b, 0]
                dy = c[a, 1] - c[b, 1]
                dz = c[a, 2] - c[b, 2]
                d2 = dx * dx + dy * dy + dz * dz
                lm = lim + margin
                if d2 < lm * lm:
                    d = max(np.sqrt(d2), 1e-6)
                    if d < lim:
                        s += 1.0 + lim - d
                    w = (lm - d) / d
                    f[a, 0] += w * dx
                    f[a, 1] += w * dy
                    f[a, 2] += w * dz
                    f[b, 0] -= w * dx
                    f[b, 1] -= w * dy
                    f[b, 2] -= w * dz
    return s


@nb.njit(cache=True)
def _turn(c, f, mask, centre, axis, n, max_angle):
    """Angle (rad) to turn the masked atoms about ``axis`` through ``centre``: the torque of the
    overlap forces over the moment of the atoms that feel them (a Newton step), capped at
    ``max_angle``."""
    tq = 0.0
    mom = 1e-6
    for a in range(n):
        if not mask[a] or (f[a, 0] == 0.0 and f[a, 1] == 0.0 and f[a, 2] == 0.0):
            continue
        rx = c[a, 0] - centre[0]
        ry = c[a, 1] - centre[1]
        rz = c[a, 2] - centre[2]
        # torque component along axis: axis . (r x f)
        tq += axis[0] * (ry * f[a, 2] - rz * f[a, 1]) + axis[1] * (rz * f[a, 0] - rx * f[a, 2]) \
            + axis[2] * (rx * f[a, 1] - ry * f[a, 0])
        along = rx * axis[0] + ry * axis[1] + rz * axis[2]
        mom += rx * rx + ry * ry + rz * rz - along * along
    return max(-max_angle, min(max_angle, tq / mom))


@nb.njit(cache=True)
def _descend_one(k, cc, ff, tt, h, role, topo, n, t, anchors, normals, donor_min, binds, bond_tpl0, bond_n, bond_b,
                 bond_c, move_t, move0, xyz, mol, is_heavy, cls, origin, dims, head, nxt, max_cos, max_rigid,
                 max_torsion, margin, damping):
    """One descent step of ligand ``k`` on its coordinates ``cc`` (in place); returns its score."""
    s = _forces(cc, h, role, donor_min[k], binds[k], k, topo, n, xyz, mol, is_heavy, cls, origin, dims, head, nxt,
                ff, margin)
    if s == 0.0:
        return s
    for r in range(bond_n[t] - 1, -1, -1):  # tail-side bonds first
        j = bond_tpl0[t] + r
        b = bond_b[j]
        cb = bond_c[j]
        ax = cc[cb] - cc[b]
        ax /= np.sqrt((ax ** 2).sum())
        mask = move_t[move0[j]:move0[j] + n]
        ang = damping * _turn(cc, ff, mask, cc[cb], ax, n, max_torsion)
        if ang != 0.0:
            centre = cc[cb].copy()
            _rotate(cc, tt, mask, centre, ax, ang)
            cc[:] = tt
    tx = 0.0
    ty = 0.0
    tz = 0.0
    for a in range(n):  # rigid turn about the anchor, along the net torque
        rx = cc[a, 0] - anchors[k, 0]
        ry = cc[a, 1] - anchors[k, 1]
        rz = cc[a, 2] - anchors[k, 2]
        tx += ry * ff[a, 2] - rz * ff[a, 1]
        ty += rz * ff[a, 0] - rx * ff[a, 2]
        tz += rx * ff[a, 1] - ry * ff[a, 0]
    tn = np.sqrt(tx * tx + ty * ty + tz * tz)
    if tn > 1e-9:
        ax = np.array([tx / tn, ty / tn, tz / tn])
        all_atoms = np.ones(n, np.bool_)
        ang = _turn(cc, ff, all_atoms, anchors[k], ax, n, max_rigid)
        _rotate(cc, tt, all_atoms, anchors[k], ax, ang)
        if _tilt_ok(tt, h, anchors[k], normals[k], max_cos):
            cc[:] = tt
    return s


@nb.njit(cache=True)
def descend(ligands, iters, start, size, tpl_of, anchors, normals, donor_min, binds, tpl_atom0, heavy_t,
            role_t, topo_t, topo0, bond_tpl0, bond_n, bond_b, bond_c, move_t, move0, xyz, mol, is_heavy, cls,
            origin, dims, head, nxt, prv, cell_of, max_cos, max_rigid, max_torsion, margin):
    """Clash relief by descent on the overlaps: each iteration turns every still-clashing ligand's
    rotatable bonds (tail first) and the whole ligand about its anchor by the torque of its overlap
    forces, one ligand after the other against the others as they are (Gauss–Seidel). Bond lengths
    and angles never change. Stops when nothing clashes or the number of clashing ligands has not
    fallen for ``STALL_ITERS`` iterations. Returns the final scores."""
    L = len(ligands)
    scores = np.full(L, np.inf)
    n_max = 1
    for li in range(L):
        n_max = max(n_max, size[ligands[li]])
    f = np.zeros((n_max, 3))
    c = np.zeros((n_max, 3))
    tmp = np.zeros((n_max, 3))
    best = L + 1
    since = 0
    for it in range(iters):
        active = 0
        for li in range(L):
            if scores[li] == 0.0 and it % 10 != 0:
                continue  # clash-free ligands are re-checked every 10 iterations
            k = ligands[li]
            t = tpl_of[k]
            n = size[k]
            a0 = tpl_atom0[t]
            cc = c[:n]
            cc[:] = xyz[start[k]:start[k] + n]
            s = _descend_one(k, cc, f[:n], tmp[:n], heavy_t[a0:a0 + n], role_t[a0:a0 + n],
                             topo_t[topo0[t]:topo0[t] + n * n], n, t, anchors, normals, donor_min, binds, bond_tpl0,
                             bond_n, bond_b, bond_c, move_t, move0, xyz, mol, is_heavy, cls, origin, dims, head, nxt,
                             max_cos, max_rigid, max_torsion, margin, DAMPING)
            scores[li] = s
            if s == 0.0:
                continue
            active += 1
            atoms = np.arange(start[k], start[k] + n)
            remove(atoms, head, nxt, prv, cell_of)
            xyz[start[k]:start[k] + n] = cc
            insert(atoms, xyz, origin, dims, head, nxt, prv, cell_of)
        if active == 0:
            break
        if active < best:
            best = active
            since = 0
        else:
            since += 1
            if since >= STALL_ITERS:
                break
    return scores


@nb.njit(cache=True, parallel=True)
def all_scores(start, size, tpl_of, donor_min, binds, tpl_atom0, heavy_t, role_t, xyz, mol, is_heavy, cls, origin,
               dims, head, nxt, cell_of):
    """Intermolecular clash score of every ligand in the grid (0 for ligands taken out)."""
    out = np.zeros(len(start))
    for k in nb.prange(len(start)):
        if cell_of[start[k]] < 0:
            continue
        t = tpl_of[k]
        a0 = tpl_atom0[t]
        n = size[k]
        out[k] = score_points(xyz[start[k]:start[k] + n], heavy_t[a0:a0 + n], role_t[a0:a0 + n], donor_min[k],
                              binds[k], k, np.inf, xyz, mol, is_heavy, cls, origin, dims, head, nxt)
    return out
