"""Where a ligand's head goes on a site: donor positions at bond-valence distances from the metals.

For every candidate site (a vacancy: the lattice position a missing bond points at) the search
scans head placements around it — the donor (or the donor pair's midpoint) on a grid of lateral
offsets and heights about the site, and for a two-donor head (a carboxylate) the direction of the
donor–donor axis in the surface plane — and keeps those in which:

* every donor is bonded: a core metal within the bond-valence range of that metal–donor pair
  (``data/validation.yaml``: shortest … longest) — or, for a Z-type metal cation, a core anion;
* no donor comes closer to any metal than the shortest bond, nor to a core anion closer than their
  van der Waals radii less 0.35 Å (the validator's 0.4 Å clash rule, with a margin);
* the atom joining two donors (the carboxyl C) keeps the same distance rules.

Placements are ranked by: donors bonded, then bonds made to the site's own hosts, then the number
of bonds, then how close the bonds are to the typical length. A motif placed by hydrogen bonds
(``placement: hbond`` in ``data/motifs.yaml``: an ammonium on a perovskite A site) is scored by its
N–H···X hydrogen bonds instead (IUPAC criteria, ``data/validation.yaml``). The best
few placements per site (``KEEP``) go to the packing stage as alternatives.

Examples
--------
>>> from nanoligand import build
>>> from nanoligand.shell.sites import binding_sites
>>> from nanoligand.shell.templates import template
>>> core = build("PbS", 3.0, "truncated-octahedron", "seed004").core
>>> sites = binding_sites(core)
>>> idx = np.nonzero(sites.kind == "anion_vacancy")[0][:20]
>>> heads = search(core, sites, idx, template("hydroxide", "X"))
>>> bool(heads.ok.all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
from scipy.spatial import cKDTree

from nanoligand.shell.motifs import motif
from nanoligand.shell.templates import Template
from nanoligand.validate.graph import donor_range_A, nonmetals, tables

KEEP = 6
DISTINCT_A = 0.6
OFFSET_WEIGHT = 5.0  # score per Å² of lateral offset from the site (10 is one bond): stay near the site
LATERAL_A = (0.0, 0.45, 0.9, 1.35)
HEIGHTS_A = np.arange(-2.4, 1.61, 0.1)
PHI_STEP_DEG = 15.0
SPIN_STEP_DEG = 20.0
NEIGHBOUR_A = 7.0
MARGIN_A = 0.05  # the builder keeps this far inside the validator's limits


@dataclass(frozen=True)
class Heads:
    """Up to ``KEEP`` head placements per site: ``origin`` (S, K, 3) and ``axes`` (S, K, 3, 3, columns
    x y z of the head frame), ``score`` (S, K; inf where none), ``ok`` (S,) any placement found."""

    origin: np.ndarray
    axes: np.ndarray
    score: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        return np.isfinite(self.score[:, 0])


def core_tables(core, extra_positions: np.ndarray | None = None):
    """Per core atom: positions, is-metal flag, element symbol and contact radius (ionic radius for
    cations of an ionic core, van der Waals otherwise), as the validator assigns them."""
    from nanoligand.validate.contacts import _ionic_radius_A

    atoms = core.atoms
    sym = np.array(atoms.get_chemical_symbols())
    pos = atoms.positions
    metal = ~np.isin(sym, list(nonmetals()))
    vdw = tables()["vdw_radii_A"]
    valence = {k: v["valence"] for k, v in tables()["bond_valence"]["metals"].items()}
    radius = np.array([vdw.get(e, 2.0) for e in sym])
    if (~metal).any():
        for e in np.unique(sym[metal]):
            r = _ionic_radius_A(str(e), int(valence.get(str(e), 2)))
            if r is not None:
                radius[metal & (sym == e)] = r
    return pos, metal, sym, radius


def search(core, sites, idx: np.ndarray, tpl: Template, present: np.ndarray | None = None) -> Heads:
    """Head placements of ``tpl`` on sites ``idx`` (module docstring); ``present`` masks core atoms
    that stay (replaced ones are ignored).

    Sites whose surroundings are the same up to a translation (the interior of a facet) are searched
    once: the key is the site normal and the rounded positions of the atoms around it."""
    idx = np.asarray(idx, int)
    if len(idx) == 0:
        return Heads(np.zeros((0, KEEP, 3)), np.zeros((0, KEEP, 3, 3)), np.zeros((0, KEEP)))
    rep, inverse = _environments(core, sites, idx, present)
    h = _search(core, sites, idx[rep], tpl, present)
    shift = sites.position[idx] - sites.position[idx[rep]][inverse]
    return Heads(h.origin[inverse] + shift[:, None, :], h.axes[inverse], h.score[inverse])


def _environments(core, sites, idx: np.ndarray, present) -> tuple[np.ndarray, np.ndarray]:
    """Representative of each group of sites with identical surroundings, and each site's group."""
    pos = core.atoms.positions
    z = core.atoms.numbers
    ok = np.ones(len(pos), bool) if present is None else present
    pos = pos[ok]
    tree = cKDTree(pos)
    zs = z[ok]
    keys = []
    for i, near in zip(idx, tree.query_ball_point(sites.position[idx], NEIGHBOUR_A)):
        rel = np.round((pos[near] - sites.position[i]) / 0.05).astype(np.int64)
        rows = np.column_stack([zs[near], rel])
        rows = rows[np.lexsort(rows.T[::-1])]
        hosts = np.round((core.atoms.positions[sites.hosts[i]] - sites.position[i]) / 0.05).astype(np.int64)
        hosts = hosts[np.lexsort(hosts.T[::-1])]
        keys.append(rows.tobytes() + b"|" + hosts.tobytes() + b"|" +
                    np.round(sites.normal[i] / 1e-3).astype(np.int64).tobytes())
    _, rep, inverse = np.unique(np.array(keys, dtype=object), return_index=True, return_inverse=True)
    return rep, inverse.ravel()


def _search(core, sites, idx: np.ndarray, tpl: Template, present: np.ndarray | None) -> Heads:
    pos, metal, sym, radius = core_tables(core)
    if present is None:
        present = np.ones(len(pos), bool)
    keep = np.nonzero(present)[0]
    pos, metal, sym, radius = pos[keep], metal[keep], sym[keep], radius[keep]
    hosts = [np.searchsorted(keep, h[np.isin(h, keep)]) for h in (sites.hosts[i] for i in idx)]
    p = sites.position[idx]
    nrm = sites.normal[idx]
    tree = cKDTree(pos)
    near = tree.query_ball_point(p, NEIGHBOUR_A)
    indptr = np.concatenate([[0], np.cumsum([len(x) for x in near])]).astype(np.int64)
    indices = np.concatenate([np.asarray(x, np.int64) for x in near]) if len(near) else np.zeros(0, np.int64)
    host_ptr = np.concatenate([[0], np.cumsum([len(h) for h in hosts])]).astype(np.int64)
    host_idx = np.concatenate(hosts).astype(np.int64) if hosts else np.zeros(0, np.int64)
    e1, e2 = _plane_axes(nrm)
    grid = _lateral_grid()
    if motif(tpl.motif).placement == "hbond":
        return _hbond_search(core, tpl, pos, metal, sym, radius, p, nrm, e1, e2, indptr, indices, grid)
    el = [tpl.symbols[d] for d in tpl.donors]
    acceptor = el[0] not in nonmetals()  # a Z-type metal cation binds the core's anions instead
    partner = ~metal if acceptor else metal
    rng = np.array([_ranges(sym, partner, e, acceptor) for e in el])  # (D, 3, N)
    r_donor = tpl.radii[list(tpl.donors)]
    if acceptor:  # an ion, not an atom: its ionic radius against the core's other cations
        from nanoligand.validate.contacts import _ionic_radius_A

        r_donor = np.array([_ionic_radius_A(e, int(tpl.charges[d])) or tpl.radii[d] for e, d in zip(el, tpl.donors)])
    link = _link_offset(tpl)
    r_link = tpl.radii[link[0]] if link[0] >= 0 else 0.0
    half = 0.5 * tpl.donor_spacing_A
    phis = np.radians(np.arange(0.0, 180.0, PHI_STEP_DEG)) if tpl.head == "bi" else np.zeros(1)
    origin, axes, score = _search_donors(
        p, nrm, e1, e2, grid, HEIGHTS_A, phis, half, float(link[1]), float(r_link), link[0] >= 0,
        rng, r_donor, pos, partner, radius, indptr, indices, host_ptr, host_idx, MARGIN_A, KEEP)
    return Heads(origin, axes, score)


def _ranges(sym: np.ndarray, partner: np.ndarray, donor: str, acceptor: bool = False) -> np.ndarray:
    """(3, N): shortest, typical, longest distance of each partner core atom (metals; anions for a
    metal ``acceptor``) to ``donor`` (NaN: no row)."""
    out = np.full((3, len(sym)), np.nan)
    for e in np.unique(sym[partner]):
        r = donor_range_A(donor, str(e)) if acceptor else donor_range_A(str(e), donor)
        if r is not None:
            out[:, sym == e] = np.array(r)[:, None]
    return out


def _link_offset(tpl: Template) -> tuple[int, float]:
    """The atom bonded to both donors of a ``bi`` head and its height on the head's z axis."""
    if tpl.head != "bi":
        return -1, 0.0
    d0, d1 = tpl.donors
    common = [i for i in range(tpl.n_atoms) if tpl.topo[d0, i] == 1 and tpl.topo[d1, i] == 1]
    if not common:
        return -1, 0.0
    return common[0], float(tpl.conformers[0][common[0], 2])


def _lateral_grid() -> np.ndarray:
    pts = [(0.0, 0.0)]
    for r in LATERAL_A[1:]:
        k = max(6, int(round(2 * np.pi * r / 0.45)))
        pts += [(r * np.cos(2 * np.pi * j / k), r * np.sin(2 * np.pi * j / k)) for j in range(k)]
    return np.array(pts)


def _plane_axes(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ref = np.where(np.abs(n[:, :1]) < 0.9, np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]))
    e1 = np.cross(n, ref)
    e1 /= np.linalg.norm(e1, axis=1)[:, None]
    return e1, np.cross(n, e1)


@nb.njit(cache=True)
def _check_point(x, r_atom, rng_sh, rng_ty, rng_lo, pos, metal, radius, nb_idx, host_lo, host_hi, host_idx,
                 margin, is_donor):
    """For one atom at ``x``: (feasible, bonds, host bonds, squared deviation from typical)."""
    bonds = 0
    hostb = 0
    dev = 0.0
    for q in nb_idx:
        d = np.sqrt((pos[q, 0] - x[0]) ** 2 + (pos[q, 1] - x[1]) ** 2 + (pos[q, 2] - x[2]) ** 2)
        if metal[q]:
            sh = rng_sh[q]
            if is_donor and sh == sh:  # a tabulated pair
                if d < sh + margin:
                    return False, 0, 0, 0.0
                if d <= rng_lo[q] - margin:
                    bonds += 1
                    dev += (d - rng_ty[q]) ** 2
                    for h in range(host_lo, host_hi):
                        if host_idx[h] == q:
                            hostb += 1
                continue
        if d < radius[q] + r_atom - 0.4 + margin:
            return False, 0, 0, 0.0
    return True, bonds, hostb, dev


@nb.njit(cache=True)
def _search_donors(p, nrm, e1, e2, grid, heights, phis, half, link_h, r_link, has_link, rng, r_donor, pos, metal,
                   radius, indptr, indices, host_ptr, host_idx, margin, keep):
    D = rng.shape[0]
    origin, axes, score, c, u = _frames(p, grid, phis)
    x = np.zeros(3)
    for s in range(p.shape[0]):
        nb_idx = indices[indptr[s]:indptr[s + 1]]
        for i in range(grid.shape[0] * heights.shape[0] * phis.shape[0]):
            slot, off = _frame(i, s, p, nrm, e1, e2, grid, heights, phis, c, u)
            ok = True
            n_bonded = 0
            bonds = 0
            hostb = 0
            dev = 0.0
            for k in range(D):
                sign = -1.0 if k == 0 else 1.0
                for j in range(3):
                    x[j] = c[j] + sign * half * u[j] if D == 2 else c[j]
                good, b, hb, dv = _check_point(x, r_donor[k], rng[k, 0], rng[k, 1], rng[k, 2], pos, metal,
                                               radius, nb_idx, host_ptr[s], host_ptr[s + 1], host_idx,
                                               margin, True)
                if not good or b == 0:
                    ok = False
                    break
                n_bonded += 1
                bonds += b
                hostb += hb
                dev += dv
            if not ok:
                continue
            if has_link:
                for j in range(3):
                    x[j] = c[j] + link_h * nrm[s, j]
                good, b, hb, dv = _check_point(x, r_link, rng[0, 0], rng[0, 1], rng[0, 2], pos, metal,
                                               radius, nb_idx, 0, 0, host_idx, margin, False)
                if not good:
                    continue
            sc = -100.0 * hostb - 10.0 * min(bonds, 2 * D) + dev / 0.01 + off
            if sc < score[s, slot]:  # the best height per (direction, lateral offset)
                score[s, slot] = sc
                _store(origin, axes, s, slot, c, u if D == 2 else e1[s], nrm[s])
    return _top(origin, axes, score, keep)


@nb.njit(cache=True)
def _frames(p, grid, angles):
    """Empty results of a search (origin, axes, score: one slot per in-plane angle and lateral offset
    of each site) and the buffers of one candidate frame (centre, in-plane x axis)."""
    S = p.shape[0]
    F = angles.shape[0] * grid.shape[0]
    return np.zeros((S, F, 3)), np.zeros((S, F, 3, 3)), np.full((S, F), np.inf), np.zeros(3), np.zeros(3)


@nb.njit(cache=True, inline="always")  # in the candidate loop: no call per candidate
def _frame(i, s, p, nrm, e1, e2, grid, heights, angles, c, xa):
    """Candidate frame ``i`` of site ``s``, over lateral offsets, then heights, then in-plane angles
    (fastest): its centre into ``c``, its in-plane x axis into ``xa``. Returns its slot (angle, offset:
    the best height of each is kept) and its lateral-offset penalty."""
    na = angles.shape[0]
    g = i // (heights.shape[0] * na)
    hh = (i // na) % heights.shape[0]
    f = i % na
    ca = np.cos(angles[f])
    sa = np.sin(angles[f])
    for j in range(3):
        c[j] = p[s, j] + grid[g, 0] * e1[s, j] + grid[g, 1] * e2[s, j] + heights[hh] * nrm[s, j]
        xa[j] = ca * e1[s, j] + sa * e2[s, j]
    return f * grid.shape[0] + g, OFFSET_WEIGHT * (grid[g, 0] ** 2 + grid[g, 1] ** 2)


@nb.njit(cache=True)
def _store(origin, axes, s, f, c, xa, z):
    y = np.cross(z, xa)
    for j in range(3):
        origin[s, f, j] = c[j]
        axes[s, f, j, 0] = xa[j]
        axes[s, f, j, 1] = y[j]
        axes[s, f, j, 2] = z[j]


@nb.njit(cache=True)
def _top(origin, axes, score, keep):
    """The ``keep`` best placements of each site, best first, each at least ``DISTINCT_A`` from the
    ones kept before it or with a donor axis turned by at least 30° (alternatives that differ)."""
    S, F = score.shape
    o = np.zeros((S, keep, 3))
    a = np.zeros((S, keep, 3, 3))
    sc = np.full((S, keep), np.inf)
    for s in range(S):
        order = np.argsort(score[s])
        n = 0
        for j in order:
            if n == keep or not np.isfinite(score[s, j]):
                break
            distinct = True
            for m in range(n):
                dx = origin[s, j] - o[s, m]
                dot = abs(axes[s, j, 0, 0] * a[s, m, 0, 0] + axes[s, j, 1, 0] * a[s, m, 1, 0]
                          + axes[s, j, 2, 0] * a[s, m, 2, 0])
                if np.sqrt((dx ** 2).sum()) < DISTINCT_A and dot > 0.866:
                    distinct = False
                    break
            if distinct:
                sc[s, n] = score[s, j]
                o[s, n] = origin[s, j]
                a[s, n] = axes[s, j]
                n += 1
    return o, a, sc


def _hbond_search(core, tpl, pos, metal, sym, radius, p, nrm, e1, e2, indptr, indices, grid) -> Heads:
    """An ammonium head in an A-site pocket: N–H···X hydrogen bonds to core anions, no overlaps."""
    hb = tables()["hydrogen_bonds"]
    acc = np.array([e in hb for e in sym]) & ~metal
    h_hi = np.array([hb[e]["h_acceptor_A"][1] if e in hb else 0.0 for e in sym])
    h_lo = np.array([hb[e]["h_acceptor_A"][0] if e in hb else 0.0 for e in sym])
    conf = tpl.conformers[0]
    n_idx = tpl.donors[0]
    hs = np.array([i for i in range(tpl.n_atoms) if tpl.topo[n_idx, i] == 1 and tpl.symbols[i] == "H"])
    head_atoms = np.array([i for i in range(tpl.n_atoms) if tpl.depth[i] <= 1])
    spins = np.radians(np.arange(0.0, 360.0, SPIN_STEP_DEG))
    origin, axes, score = _search_hbonds(p, nrm, e1, e2, grid, HEIGHTS_A, spins, conf[head_atoms],
                                         np.searchsorted(head_atoms, hs), tpl.radii[head_atoms], pos, acc, h_lo,
                                         h_hi, radius, indptr, indices, MARGIN_A, KEEP)
    return Heads(origin, axes, score)


@nb.njit(cache=True)
def _search_hbonds(p, nrm, e1, e2, grid, heights, spins, local, hs, r_head, pos, acc, h_lo, h_hi, radius, indptr,
                   indices, margin, keep):
    A = local.shape[0]
    origin, axes, score, c, xa = _frames(p, grid, spins)
    xyz = np.zeros((A, 3))
    for s in range(p.shape[0]):
        nb_idx = indices[indptr[s]:indptr[s + 1]]
        for i in range(grid.shape[0] * heights.shape[0] * spins.shape[0]):
            slot, off = _frame(i, s, p, nrm, e1, e2, grid, heights, spins, c, xa)
            ya = np.cross(nrm[s], xa)
            for a in range(A):
                for j in range(3):
                    xyz[a, j] = c[j] + local[a, 0] * xa[j] + local[a, 1] * ya[j] + local[a, 2] * nrm[s, j]
            ok = True
            n_hb = 0
            dev = 0.0
            for a in range(A):
                is_h = False
                for h in hs:
                    if h == a:
                        is_h = True
                for q in nb_idx:
                    d = np.sqrt((pos[q, 0] - xyz[a, 0]) ** 2 + (pos[q, 1] - xyz[a, 1]) ** 2
                                + (pos[q, 2] - xyz[a, 2]) ** 2)
                    if is_h and acc[q] and d >= h_lo[q] and d <= h_hi[q] - margin:
                        n_hb += 1
                        dev += (d - 0.5 * (h_lo[q] + h_hi[q])) ** 2
                        continue
                    if d < radius[q] + r_head[a] - 0.4 + margin:
                        ok = False
                        break
                if not ok:
                    break
            if not ok or n_hb == 0:
                continue
            sc = -10.0 * min(n_hb, 3) + dev + off
            if sc < score[s, slot]:
                score[s, slot] = sc
                _store(origin, axes, s, slot, c, xa, nrm[s])
    return _top(origin, axes, score, keep)
