"""Relaxing a packed shell: MMFF94 bonded terms plus a soft overlap penalty, minimised by L-BFGS.

The discrete packing (:mod:`.pack`) leaves some ligands overlapping in dense shells. This stage
minimises, over the atoms of those ligands and their neighbours (the core and every donor atom stay
fixed, so no donor–metal distance changes), the energy

* harmonic bond stretching and angle bending about each ligand's own lengths and angles (those of
  its conformer, a force-field minimum) with MMFF94 force constants scaled by ``STIFF`` (so overlaps
  are relieved by turning torsions, not by bending bonds: the validator compares them with MMFF94),
  and the MMFF94 torsion terms; parameters as RDKit assigns them to the bound form (Halgren,
  J. Comput. Chem. 1996, 17, 490; units as there: 143.9325 kcal/mol per md/Å·Å², 0.043844 kcal/mol
  per md·Å/rad²·deg²);
* a repulsion ``k (σ - r)²`` for every pair closer than ``σ = r_i + r_j - 0.4 Å + MARGIN_A`` (van der
  Waals radii as the validator uses them), except pairs the validator excuses (within three bonds
  inside a ligand or through a covalent host; a donor and the metal it binds) — the validator's
  overlap rule made into a smooth penalty — and, for ligand atoms of a tabulated metal pair (O, S,
  N ...), a penalty closer than the bond-valence shortest bond to any other metal. There is no attraction: chains
  move only as far as it takes to stop overlapping.

Energy and gradient are compiled (numba) over the packer's cell list; the minimiser is SciPy's
L-BFGS-B.
"""

from __future__ import annotations

from functools import lru_cache

import numba as nb
import numpy as np
from scipy.optimize import minimize

from nanoligand.shell import _pack as K
from nanoligand.shell.motifs import motif

MDYN_A_TO_KCAL = 143.9325
ANGLE_UNIT = 0.043844
REPULSION = 50.0          # k of the overlap penalty, kcal/mol/Å²
STIFF = 50.0              # bond and angle force constants scaled up: overlaps are relieved by torsions
MARGIN_A = 0.12           # the penalty starts this far outside the validator's 0.4 Å overlap
MAX_ITERATIONS = 150
SKIN_A = 1.5              # Verlet-list skin
HARD = 10.0               # the shortest-bond limit to a metal is held this much harder than an overlap
MAX_REBUILDS = 3
MAX_BEND_DEG = 4.0        # a ligand bent more than this (any angle) by the relaxation is put back
RAMP = (1.0, 10.0)        # the overlap penalty grows from one minimisation to the next


def mmff_terms(tpl) -> tuple[np.ndarray, ...]:
    """MMFF94 terms of a template's bound form: bonds (b, 2) with r0 (Å) and k (kcal/mol/Å²), angles
    (a, 3) with θ0 (rad) and k (kcal/mol/rad²), torsions (t, 4) with V1, V2, V3 (kcal/mol). Empty if
    MMFF94 does not apply to the molecule."""
    return _mmff_terms(tpl.mol_block)


@lru_cache(maxsize=64)
def _mmff_terms(mol_block: str) -> tuple[np.ndarray, ...]:
    from rdkit import Chem
    from rdkit.Chem import AllChem

    empty = (np.zeros((0, 2), np.int64), np.zeros((0, 2)), np.zeros((0, 3), np.int64), np.zeros((0, 2)),
             np.zeros((0, 4), np.int64), np.zeros((0, 3)))
    m = Chem.MolFromMolBlock(mol_block, removeHs=False) if mol_block else None
    mp = AllChem.MMFFGetMoleculeProperties(m) if m is not None else None
    if mp is None:
        return empty
    nbrs = [[n.GetIdx() for n in a.GetNeighbors()] for a in m.GetAtoms()]
    b_i, b_p, a_i, a_p, t_i, t_p = [], [], [], [], [], []
    for b in m.GetBonds():
        i, j = b.GetBeginAtomIdx(), b.GetEndAtomIdx()
        p = mp.GetMMFFBondStretchParams(m, i, j)
        if p:
            b_i.append((i, j))
            b_p.append((p[2], STIFF * MDYN_A_TO_KCAL * p[1]))
        for x, y in ((i, j), (j, i)):
            for w in nbrs[x]:
                if w == y:
                    continue
                for z in nbrs[y]:
                    if z in (x, w) or (x > y):
                        continue
                    q = mp.GetMMFFTorsionParams(m, w, x, y, z)
                    if q:
                        t_i.append((w, x, y, z))
                        t_p.append((q[1], q[2], q[3]))
    for j in range(m.GetNumAtoms()):
        for x, i in enumerate(nbrs[j]):
            for k in nbrs[j][x + 1:]:
                p = mp.GetMMFFAngleBendParams(m, i, j, k)
                if p:
                    a_i.append((i, j, k))
                    a_p.append((np.radians(p[2]), STIFF * ANGLE_UNIT * p[1] * (180.0 / np.pi) ** 2))
    arr = lambda x, w, dt: np.array(x, dt).reshape(-1, w)  # noqa: E731
    return (arr(b_i, 2, np.int64), arr(b_p, 2, float), arr(a_i, 3, np.int64), arr(a_p, 2, float),
            arr(t_i, 4, np.int64), arr(t_p, 3, float))


def relax_overlaps(packer, moving: np.ndarray, max_iterations: int = MAX_ITERATIONS) -> int:
    """Minimise the energy of the module docstring with the ligands ``moving`` free (their donors
    fixed); writes the coordinates back into ``packer``. Returns the iterations used.

    The overlap penalty is ramped up from one minimisation to the next (``RAMP``, stopping as soon as
    nothing overlaps); pairs come from a Verlet
    list (every pair within its penalty distance plus ``SKIN_A``, exclusions applied once), rebuilt
    and the minimisation resumed while any atom moved more than half the skin."""
    moving = np.asarray(moving, np.int64)
    if len(moving) == 0:
        return 0
    atoms = np.concatenate([packer._atoms(int(k)) for k in moving])
    # donors stay; so do the atoms bonded to a grafted C (a rigid head: its tetrahedral Si–C–X angles have no
    # term here)
    rigid = [motif(packer.templates[packer.tpl_of[k]].motif).rigid_head for k in moving]
    fixed_depth = np.concatenate([np.full(packer.size[k], 1 if r else 0) for k, r in zip(moving, rigid)])
    free = atoms[packer.depth[atoms] > fixed_depth]
    if len(free) == 0:
        return 0
    parts = [[], [], [], [], [], []]
    for k in moving:
        terms = mmff_terms(packer.templates[int(packer.tpl_of[k])])
        base = int(packer.start[k])
        for slot, (idx, par) in enumerate(((terms[0], terms[1]), (terms[2], terms[3]), (terms[4], terms[5]))):
            parts[2 * slot].append(idx + base)
            parts[2 * slot + 1].append(par)
    b_i, b_p, a_i, a_p, t_i, t_p = (np.concatenate(p) for p in parts)
    # reference lengths and angles: those of each ligand's conformer (a force-field minimum), rather
    # than MMFF94's r0/θ0, which its other terms shift by up to ~10°
    xyz = packer.xyz
    ref = np.zeros_like(xyz)
    for k in moving:
        ref[packer._atoms(int(k))] = packer.variants[packer.tpl_of[k]][0][packer.variant[k]]
    b_p = np.column_stack([np.linalg.norm(ref[b_i[:, 0]] - ref[b_i[:, 1]], axis=1), b_p[:, 1]])
    a_p = np.column_stack([_angles(ref, a_i), a_p[:, 1]])
    is_free = np.zeros(len(xyz), np.bool_)
    is_free[free] = True
    slot = np.full(len(xyz), -1, np.int64)
    slot[free] = np.arange(len(free))
    topo_idx = packer.tpl_atom0[packer.tpl_of[packer.mol[free]]]
    local = free - packer.start[packer.mol[free]]  # free atoms are never donors (depth > 0)
    short = packer.t_short[topo_idx + local]
    K.remove(free, packer.head, packer.nxt, packer.prv, packer.cell_of)
    K.insert(free, xyz, packer.origin, packer.dims, packer.head, packer.nxt, packer.prv, packer.cell_of)
    before = xyz[free].copy()
    used = 0
    for scale in RAMP:  # soft to hard
        for _ in range(MAX_REBUILDS):  # the pair list is rebuilt until nothing moved past half the skin
            pi, pj, ps = _pair_list(free, is_free, xyz, packer.mol, packer.radius, packer.depth, packer.start,
                                    packer.size, packer.tpl_of, packer.topo_all, packer.topo0, local, short,
                                    packer.metal_cls, packer.host_ptr, packer.host_atom, packer.host_level,
                                    packer.origin, packer.dims, packer.head, packer.nxt, 0.4 - MARGIN_A, MARGIN_A,
                                    SKIN_A)
            x0 = xyz[free].ravel().copy()
            args = (free, slot, xyz, pi, pj, ps, b_i, b_p, a_i, a_p, t_i, t_p, REPULSION * scale)
            res = minimize(lambda x: _energy(x, *args), x0, jac=True, method="L-BFGS-B",
                           options={"maxiter": max_iterations, "gtol": 1e-3})
            used += int(res.nit)
            _energy(res.x, *args)
            K.remove(free, packer.head, packer.nxt, packer.prv, packer.cell_of)
            K.insert(free, xyz, packer.origin, packer.dims, packer.head, packer.nxt, packer.prv, packer.cell_of)
            if np.linalg.norm((res.x - x0).reshape(-1, 3), axis=1).max() < 0.5 * SKIN_A:
                break
        if not _overlapping(xyz, pi, pj, ps):
            break
    _undo_bent(packer, moving, free, before, a_i, a_p)
    return used


def _angles(xyz: np.ndarray, a_i: np.ndarray) -> np.ndarray:
    u = xyz[a_i[:, 0]] - xyz[a_i[:, 1]]
    v = xyz[a_i[:, 2]] - xyz[a_i[:, 1]]
    cos = np.einsum("ij,ij->i", u, v) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return np.arccos(np.clip(cos, -1.0, 1.0))


def _undo_bent(packer, moving, free, before, a_i, a_p) -> None:
    """Ligands whose bond angles are bent by more than ``MAX_BEND_DEG`` from their conformer's go back
    to where they were before this relaxation: a shallow overlap is better than a bent molecule."""
    xyz = packer.xyz
    bent = np.degrees(np.abs(_angles(xyz, a_i) - a_p[:, 0])) > MAX_BEND_DEG
    bad = np.unique(packer.mol[a_i[bent, 1]])
    if len(bad) == 0:
        return
    back = np.isin(packer.mol[free], bad)
    K.remove(free[back], packer.head, packer.nxt, packer.prv, packer.cell_of)
    xyz[free[back]] = before[back]
    K.insert(free[back], xyz, packer.origin, packer.dims, packer.head, packer.nxt, packer.prv, packer.cell_of)


@nb.njit(cache=True)
def _pair_list(free, is_free, xyz, mol, radius, depth, start, size, tpl_of, topo_all, topo0, local, short, metal_cls,
               host_ptr, host_atom, host_level, origin, dims, head, nxt, tol, margin, skin):
    """Pairs (free atom, any atom) within their penalty distance plus ``skin``, with that distance;
    exclusions as the validator's (module docstring)."""
    cap = 64 * len(free)
    pi = np.empty(cap, np.int64)
    pj = np.empty(cap, np.int64)
    ps = np.empty(cap)
    n = 0
    for f in range(len(free)):
        p = free[f]
        m = mol[p]
        px, py, pz = xyz[p, 0], xyz[p, 1], xyz[p, 2]
        i0 = min(max(int((px - origin[0]) / K.CELL_A), 0), dims[0] - 1)
        j0 = min(max(int((py - origin[1]) / K.CELL_A), 0), dims[1] - 1)
        k0 = min(max(int((pz - origin[2]) / K.CELL_A), 0), dims[2] - 1)
        for i in range(max(i0 - 2, 0), min(i0 + 3, dims[0])):
            for j in range(max(j0 - 2, 0), min(j0 + 3, dims[1])):
                for kk in range(max(k0 - 2, 0), min(k0 + 3, dims[2])):
                    q = head[(i * dims[1] + j) * dims[2] + kk]
                    while q >= 0:
                        if q == p or (is_free[q] and q < p):
                            q = nxt[q]
                            continue
                        mq = mol[q]
                        skip = False
                        s = radius[p] + radius[q] - tol
                        if mq == m:
                            if topo_all[topo0[tpl_of[m]] + local[f] * size[m] + (q - start[m])] <= 3:
                                skip = True
                        elif mq < 0:
                            skip, bv = K.core_contact(q, m, depth[p], short, f, host_ptr, host_atom, host_level,
                                                      metal_cls, margin)
                            if bv > s:  # False for NaN (no limit)
                                s = -bv  # negative: a bond-valence limit, held harder
                        if not skip:
                            d2 = (px - xyz[q, 0]) ** 2 + (py - xyz[q, 1]) ** 2 + (pz - xyz[q, 2]) ** 2
                            if d2 < (abs(s) + skin) ** 2:
                                if n == cap:
                                    cap *= 2
                                    pi2 = np.empty(cap, np.int64)
                                    pj2 = np.empty(cap, np.int64)
                                    ps2 = np.empty(cap)
                                    pi2[:n] = pi[:n]
                                    pj2[:n] = pj[:n]
                                    ps2[:n] = ps[:n]
                                    pi, pj, ps = pi2, pj2, ps2
                                pi[n] = p
                                pj[n] = q
                                ps[n] = s
                                n += 1
                        q = nxt[q]
    return pi[:n], pj[:n], ps[:n]


@nb.njit(cache=True)
def _energy(x, free, slot, xyz, pi, pj, ps, b_i, b_p, a_i, a_p, t_i, t_p, k_rep):
    n = len(free)
    for f in range(n):
        a = free[f]
        xyz[a, 0] = x[3 * f]
        xyz[a, 1] = x[3 * f + 1]
        xyz[a, 2] = x[3 * f + 2]
    out = np.zeros(3 * n)
    e = 0.0
    for k in range(len(pi)):
        p = pi[k]
        q = pj[k]
        dx = xyz[p, 0] - xyz[q, 0]
        dy = xyz[p, 1] - xyz[q, 1]
        dz = xyz[p, 2] - xyz[q, 2]
        r2 = dx * dx + dy * dy + dz * dz
        s = ps[k]
        kk = k_rep
        if s < 0:
            s = -s
            kk = HARD * k_rep
        if r2 < s * s:
            r = max(np.sqrt(r2), 1e-6)
            e += kk * (s - r) ** 2
            g = -2.0 * kk * (s - r) / r
            _add(out, slot, p, g * dx, g * dy, g * dz)
            _add(out, slot, q, -g * dx, -g * dy, -g * dz)
    for b in range(len(b_i)):
        i, j = b_i[b, 0], b_i[b, 1]
        dx = xyz[i, 0] - xyz[j, 0]
        dy = xyz[i, 1] - xyz[j, 1]
        dz = xyz[i, 2] - xyz[j, 2]
        r = np.sqrt(dx * dx + dy * dy + dz * dz)
        dr = r - b_p[b, 0]
        e += 0.5 * b_p[b, 1] * dr * dr
        g = b_p[b, 1] * dr / r
        _add(out, slot, i, g * dx, g * dy, g * dz)
        _add(out, slot, j, -g * dx, -g * dy, -g * dz)
    for a in range(len(a_i)):
        i, j, k = a_i[a, 0], a_i[a, 1], a_i[a, 2]
        ux = xyz[i, 0] - xyz[j, 0]
        uy = xyz[i, 1] - xyz[j, 1]
        uz = xyz[i, 2] - xyz[j, 2]
        vx = xyz[k, 0] - xyz[j, 0]
        vy = xyz[k, 1] - xyz[j, 1]
        vz = xyz[k, 2] - xyz[j, 2]
        ru = np.sqrt(ux * ux + uy * uy + uz * uz)
        rv = np.sqrt(vx * vx + vy * vy + vz * vz)
        cos = min(max((ux * vx + uy * vy + uz * vz) / (ru * rv), -0.999999), 0.999999)
        dth = np.arccos(cos) - a_p[a, 0]
        e += 0.5 * a_p[a, 1] * dth * dth
        de = a_p[a, 1] * dth * (-1.0 / np.sqrt(1.0 - cos * cos))
        c1 = de / (ru * rv)
        cu = de * cos / (ru * ru)
        cv = de * cos / (rv * rv)
        gux, guy, guz = c1 * vx - cu * ux, c1 * vy - cu * uy, c1 * vz - cu * uz
        gvx, gvy, gvz = c1 * ux - cv * vx, c1 * uy - cv * vy, c1 * uz - cv * vz
        _add(out, slot, i, gux, guy, guz)
        _add(out, slot, k, gvx, gvy, gvz)
        _add(out, slot, j, -gux - gvx, -guy - gvy, -guz - gvz)
    for t in range(len(t_i)):
        i, j, k, l_ = t_i[t, 0], t_i[t, 1], t_i[t, 2], t_i[t, 3]
        b1x, b1y, b1z = xyz[j, 0] - xyz[i, 0], xyz[j, 1] - xyz[i, 1], xyz[j, 2] - xyz[i, 2]
        b2x, b2y, b2z = xyz[k, 0] - xyz[j, 0], xyz[k, 1] - xyz[j, 1], xyz[k, 2] - xyz[j, 2]
        b3x, b3y, b3z = xyz[l_, 0] - xyz[k, 0], xyz[l_, 1] - xyz[k, 1], xyz[l_, 2] - xyz[k, 2]
        n1x, n1y, n1z = b1y * b2z - b1z * b2y, b1z * b2x - b1x * b2z, b1x * b2y - b1y * b2x
        n2x, n2y, n2z = b2y * b3z - b2z * b3y, b2z * b3x - b2x * b3z, b2x * b3y - b2y * b3x
        n1s = n1x * n1x + n1y * n1y + n1z * n1z
        n2s = n2x * n2x + n2y * n2y + n2z * n2z
        rb2s = b2x * b2x + b2y * b2y + b2z * b2z
        if n1s < 1e-10 or n2s < 1e-10:
            continue
        rb2 = np.sqrt(rb2s)
        phi = np.arctan2(rb2 * (b1x * n2x + b1y * n2y + b1z * n2z), n1x * n2x + n1y * n2y + n1z * n2z)
        v1, v2, v3 = t_p[t, 0], t_p[t, 1], t_p[t, 2]
        e += 0.5 * (v1 * (1 + np.cos(phi)) + v2 * (1 - np.cos(2 * phi)) + v3 * (1 + np.cos(3 * phi)))
        dphi = 0.5 * (-v1 * np.sin(phi) + 2 * v2 * np.sin(2 * phi) - 3 * v3 * np.sin(3 * phi))
        # derivatives of phi (Bekker; Blondel & Karplus, J. Comput. Chem. 1996, 17, 1132)
        ci = -rb2 / n1s
        cl = rb2 / n2s
        fix, fiy, fiz = ci * n1x, ci * n1y, ci * n1z
        flx, fly, flz = cl * n2x, cl * n2y, cl * n2z
        d12 = (b1x * b2x + b1y * b2y + b1z * b2z) / rb2s
        d32 = (b3x * b2x + b3y * b2y + b3z * b2z) / rb2s
        fjx, fjy, fjz = (-1.0 - d12) * fix + d32 * flx, (-1.0 - d12) * fiy + d32 * fly, (-1.0 - d12) * fiz + d32 * flz
        _add(out, slot, i, dphi * fix, dphi * fiy, dphi * fiz)
        _add(out, slot, j, dphi * fjx, dphi * fjy, dphi * fjz)
        _add(out, slot, k, -dphi * (fix + fjx + flx), -dphi * (fiy + fjy + fly), -dphi * (fiz + fjz + flz))
        _add(out, slot, l_, dphi * flx, dphi * fly, dphi * flz)
    return e, out


@nb.njit(cache=True)
def _overlapping(xyz, pi, pj, ps) -> bool:
    """Whether any pair of the list is still inside its penalty distance."""
    for k in range(len(pi)):
        s = abs(ps[k])
        d2 = ((xyz[pi[k]] - xyz[pj[k]]) ** 2).sum()
        if d2 < s * s:
            return True
    return False


@nb.njit(cache=True)
def _add(out, slot, a, gx, gy, gz):
    f = slot[a]
    if f >= 0:
        out[3 * f] += gx
        out[3 * f + 1] += gy
        out[3 * f + 2] += gz
