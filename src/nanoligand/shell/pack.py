"""Packing a shell: every ligand's pose on its site, with no overlap and every donor bonded.

Each ligand arrives with a few head placements from :mod:`.binding` (donors at bond-valence
distances), possibly in more than one binding mode (a carboxylate bridging or chelating with both O,
or standing on one O): each placement names the template of its mode. A ligand's *variants* are its
force-field conformers turned about its pivot — spun and tilted about the donor of a one-donor
head, turned about the donor–donor axis of a two-donor head — so no variant moves a donor. Packing:

1. heads first (:meth:`Packer.assign_heads`, after the annealed layout of :mod:`.layout`): every
   ligand's head atoms (donors and the heavy atoms bonded to them) in, overlapping heads moved to
   other placements;
2. construction: ligands with the fewest atoms first, then row by row over each face, each trying
   first a parallel copy of its nearest placed neighbour of the same template (ordered domains, as
   the chains of a monolayer pack), then every variant of its placement in order of preference;
3. sweeps: each overlapping ligand takes its best (placement, variant) given its neighbours;
4. relaxation of what still overlaps (:mod:`.relax`: MMFF94 bonded terms plus a soft overlap
   penalty, donors fixed), then sweeps again.

The overlap rule is the validator's, kept ``MARGIN_A`` inside it (:mod:`._pack`). Ligands that still
overlap are reported; the caller decides (trim a coverage, or fail).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from nanoligand.shell import _pack as K
from nanoligand.shell.choose import MIN_CN
from nanoligand.shell.motifs import motif
from nanoligand.shell.templates import Template
from nanoligand.validate.graph import donor_range_A, nonmetals
from nanoligand.progress import report

MARGIN_A = 0.05
SPINS_DEG = tuple(range(0, 360, 30))
TILTS_DEG = (0.0, 20.0, 40.0, 60.0)
BI_TURNS_DEG = (0.0, 20.0, -20.0, 40.0, -40.0, 60.0, -60.0)
SWEEPS = 4
RELIEF_ROUNDS = 3
HOST_SLOTS = 64
BONDED_SLOTS = 8  # metals one placement's donors bond (a carboxylate bridging three is the most here)
HEAD_SWEEPS = 12
HEAD_VARIANTS = 24  # variants tried per placement when heads are arranged
COPY_RADIUS_A = 8.0
RELAX_NEIGHBOUR_A = 6.0  # ligands whose pivots lie this close to an overlapping one relax with it
DEEP_A = 0.6             # an overlap this deep (validator's measure) is repaired; the validator fails > 0.9
REPAIR_RADIUS_A = 8.0
REPAIR_ROUNDS = 3
KIND = {"point": 0, "mono": 1, "bi": 2}


def variants(t: Template) -> tuple[np.ndarray, np.ndarray]:
    """Head-frame coordinates (V, A, 3) of every (conformer, turn) and the preference order: straight
    conformers before bent, small turns before large."""
    if t.head == "point":
        return t.conformers.copy(), np.zeros(1, np.int64)
    rots, rank = [], []
    if t.head == "mono":
        # a covalent graft (a rigid head) keeps its tetrahedral Si–C–X angles: it only spins about its Si–C bond
        for ti, tilt in enumerate((0.0,) if motif(t.motif).rigid_head else TILTS_DEG):
            for si, spin in enumerate(SPINS_DEG):
                rots.append(_rz(spin) @ _rx(tilt))
                rank.append(ti * 100 + min(si, len(SPINS_DEG) - si))
    else:
        for flip in (0.0, 180.0):
            for bi, turn in enumerate(BI_TURNS_DEG):
                rots.append(_rz(flip) @ _rx(turn))
                rank.append(bi * 100 + (flip > 0))
    rots = np.array(rots)
    out = np.einsum("rij,caj->rcai", rots, t.conformers).reshape(-1, t.n_atoms, 3)
    conf_rank = np.arange(len(t.conformers))
    key = np.add.outer(np.array(rank) * 1000, conf_rank).ravel()
    straight_first = np.add.outer(np.zeros(len(rots)), conf_rank >= t.n_straight).ravel()
    return out, np.lexsort((key, straight_first)).astype(np.int64)


def _rz(deg: float) -> np.ndarray:
    a = np.radians(deg)
    return np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])


def _rx(deg: float) -> np.ndarray:
    a = np.radians(deg)
    return np.array([[1.0, 0.0, 0.0], [0.0, np.cos(a), -np.sin(a)], [0.0, np.sin(a), np.cos(a)]])


@dataclass
class PackResult:
    coords: list[np.ndarray]    # per ligand (A, 3)
    template: np.ndarray        # template (binding mode) of every ligand
    scores: np.ndarray          # final overlap score per ligand (0: none)
    sweeps: int
    head_overlaps: int


class Packer:
    """The atoms of a core and its ligands in one cell list (module docstring).

    Parameters
    ----------
    core_xyz, core_radius, core_metal_cls, core_present
        Core atoms: positions, contact radii, metal class (index into ``metals``, -1 for non-metals)
        and whether each stays (replaced atoms are left out).
    core_neighbours : list of lists
        Core atoms bonded to each core atom (for the three-bond exclusions).
    core_acceptor : array of bool, optional
        Core atoms that accept hydrogen bonds (O, N, S, Se, halides).
    metals : list of str
        Element of each metal class.
    templates : list of Template
        Every template (binding mode) any ligand may take; all modes of one ligand have the same atoms.
    alt_tpl, alt_origin, alt_axes, alt_ok
        Per ligand and placement: template, head origin, head axes, usable — (L, K), (L, K, 3),
        (L, K, 3, 3), (L, K).
    fixed_hosts : array (L,), optional
        A core atom a ligand is bonded to by construction (a graft's Si, a proton's O), else -1.
    """

    def __init__(self, core_xyz, core_radius, core_metal_cls, core_present, core_neighbours, metals, templates,
                 alt_tpl, alt_origin, alt_axes, alt_ok, fixed_hosts=None, core_acceptor=None, core_symbols=None,
                 margin: float = MARGIN_A):
        self.templates = templates
        self.alt_tpl = np.asarray(alt_tpl, np.int64)
        self.alt_origin = alt_origin
        self.alt_axes = alt_axes
        self.alt_ok = alt_ok
        self.margin = margin
        n_lig = len(self.alt_tpl)
        n_core = len(core_xyz)
        self.n_core = n_core
        self.metals = list(metals)
        first = np.array([int(np.argmax(ok)) if ok.any() else 0 for ok in alt_ok], np.int64)
        self.alt = first
        self.tpl_of = self.alt_tpl[np.arange(n_lig), first] if n_lig else np.zeros(0, np.int64)
        sizes = np.array([templates[t].n_atoms for t in self.tpl_of], np.int64)
        self.size = sizes
        self.start = n_core + np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if n_lig else \
            np.zeros(0, np.int64)
        total = n_core + int(sizes.sum())
        self.xyz = np.zeros((total, 3))
        self.xyz[:n_core] = core_xyz
        self.mol = np.concatenate([np.full(n_core, -1), np.repeat(np.arange(n_lig), sizes)]).astype(np.int64)
        self._flat(templates)
        self.variants = [variants(t) for t in templates]
        self.radius = np.concatenate([np.asarray(core_radius, float), np.zeros(total - n_core)])
        self.depth = np.concatenate([np.full(n_core, 99, np.int64), np.zeros(total - n_core, np.int64)])
        self.polar_h = np.zeros(total, np.bool_)
        self.acceptor = np.zeros(total, np.bool_)
        if core_acceptor is not None:  # core anions accept hydrogen bonds (N–H···Br⁻ of an ion pair)
            self.acceptor[:n_core] = core_acceptor
        self.metal_cls = np.concatenate([np.asarray(core_metal_cls, np.int64), np.full(total - n_core, -1)])
        reach = max((float(np.abs(t.conformers).max()) for t in templates), default=0.0) + 2.0
        pts = np.vstack([core_xyz, alt_origin.reshape(-1, 3)]) if n_lig else core_xyz
        self.origin = pts.min(axis=0) - reach - K.CELL_A
        span = pts.max(axis=0) + reach + K.CELL_A - self.origin
        self.dims = np.maximum(np.ceil(span / K.CELL_A).astype(np.int64), 1)
        self.head = np.full(int(np.prod(self.dims)), -1, np.int64)
        self.nxt = np.full(total, -1, np.int64)
        self.prv = np.full(total, -1, np.int64)
        self.cell_of = np.full(total, -1, np.int64)
        present = np.ones(n_core, bool) if core_present is None else np.asarray(core_present, bool)
        K.insert(np.nonzero(present)[0].astype(np.int64), self.xyz, self.origin, self.dims, self.head, self.nxt,
                 self.prv, self.cell_of)
        self.core_xyz = core_xyz
        self.core_symbols = np.asarray(core_symbols) if core_symbols is not None else \
            np.array([self.metals[c] if c >= 0 else "X" for c in core_metal_cls])
        self.core_metal_cls = np.asarray(core_metal_cls)
        self.core_neighbours = core_neighbours
        self.present = present
        self.fixed_hosts = np.full(n_lig, -1, np.int64) if fixed_hosts is None or len(fixed_hosts) == 0 \
            else np.asarray(fixed_hosts, np.int64)
        self.hosts = np.full((n_lig, alt_origin.shape[1], HOST_SLOTS), -1, np.int64)
        self.levels = np.zeros((n_lig, alt_origin.shape[1], HOST_SLOTS), np.int64)
        self.bonded = np.full((n_lig, alt_origin.shape[1], BONDED_SLOTS), -1, np.int64)
        # under-coordinated core cations: a placement that bonds one is never traded for one that does not
        core_cn = np.fromiter((len(nb) for nb in core_neighbours), np.int64, n_core)
        self.watched = (self.core_metal_cls >= 0) & present & (core_cn < MIN_CN)
        self._hosts()
        self.host_ptr = (np.arange(n_lig + 1) * HOST_SLOTS).astype(np.int64)
        self.host_atom = np.full(n_lig * HOST_SLOTS, -1, np.int64)
        self.host_level = np.zeros(n_lig * HOST_SLOTS, np.int64)
        self.variant = np.zeros(n_lig, np.int64)
        self.head_kind = np.zeros(n_lig, np.int64)
        self.pivot = np.zeros((n_lig, 3))
        self.pivot_axis = np.zeros((n_lig, 3))
        self.normal = np.zeros((n_lig, 3))
        for k in range(n_lig):
            self._use_alt(k, int(first[k]))
        self.head_overlaps = 0

    # -- set-up --------------------------------------------------------------------------------------------
    def _flat(self, templates):
        n = [t.n_atoms for t in templates]
        self.tpl_atom0 = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64)
        self.t_radius = np.concatenate([t.radii for t in templates]).astype(float)
        self.t_depth = np.concatenate([t.depth for t in templates]).astype(np.int64)
        self.t_polar = np.concatenate([t.polar_h for t in templates]).astype(np.bool_)
        self.t_acc = np.concatenate([t.acceptor for t in templates]).astype(np.bool_)
        self.t_heavy = np.concatenate([t.heavy for t in templates]).astype(np.bool_)
        short = np.full((sum(n), max(len(self.metals), 1)), np.nan)
        row = 0
        for t in templates:
            for a, s in enumerate(t.symbols):
                for m, el in enumerate(self.metals):
                    r = donor_range_A(el, s)
                    if r is not None:
                        short[row + a, m] = r[0]
            row += t.n_atoms
        self.t_short = short
        self.topo0 = np.concatenate([[0], np.cumsum([a * a for a in n])[:-1]]).astype(np.int64)
        self.topo_all = np.concatenate([np.asarray(t.topo, np.int64).ravel() for t in templates])

    def _hosts(self):
        """Metals each placement's donors bond and their core neighbours (level 0: the donor only, its
        bond and its 1-3 contacts); for a ligand bonded covalently to a given core atom (a graft's Si,
        a proton's O) that atom (level 2) and its neighbours (1)."""
        for k in np.nonzero(self.fixed_hosts >= 0)[0]:
            h = int(self.fixed_hosts[k])
            self._store_hosts(k, slice(None), [(h, 2)] + [(x, 1) for x in self.core_neighbours[h]])
        if len(self.alt_tpl) == 0:
            return
        metal_idx = np.nonzero((self.core_metal_cls >= 0) & self.present)[0]
        anion_idx = np.nonzero((self.core_metal_cls < 0) & self.present)[0]
        trees = {True: cKDTree(self.core_xyz[anion_idx]) if len(anion_idx) else None,
                 False: cKDTree(self.core_xyz[metal_idx]) if len(metal_idx) else None}
        index = {True: anion_idx, False: metal_idx}
        for k in np.nonzero(self.fixed_hosts < 0)[0]:
            for a in np.nonzero(self.alt_ok[k])[0]:
                t = self.templates[self.alt_tpl[k, a]]
                if t.symbols[0] == "H" and t.head == "point":
                    continue
                acceptor = t.symbols[t.donors[0]] not in nonmetals()  # a Z-type cation binds anions
                tree = trees[acceptor]
                if tree is None:
                    continue
                pts = t.conformers[0][list(t.donors)] @ self.alt_axes[k, a].T + self.alt_origin[k, a]
                found = []
                for p, d_i in zip(pts, t.donors):
                    for j in tree.query_ball_point(p, 3.6):
                        q = index[acceptor][j]
                        partner = self.core_symbols[q]
                        r = donor_range_A(t.symbols[d_i], partner) if acceptor else \
                            donor_range_A(partner, t.symbols[d_i])
                        if r is not None and np.linalg.norm(self.core_xyz[q] - p) <= r[2]:
                            found.append(int(q))
                found = list(dict.fromkeys(found))
                self.bonded[k, a, :len(found[:BONDED_SLOTS])] = found[:BONDED_SLOTS]
                self._store_hosts(k, a, [(q, 0) for q in found] + [(x, 0) for q in found for x in self.core_neighbours[q]])

    def _store_hosts(self, k: int, a, rows: list[tuple[int, int]]) -> None:
        """Record (core atom, level) exclusions of ligand ``k`` in placement(s) ``a`` (see :mod:`._pack`)."""
        rows = rows[:HOST_SLOTS]
        if rows:
            arr = np.array(rows, np.int64)
            self.hosts[k, a, :len(rows)] = arr[:, 0]
            self.levels[k, a, :len(rows)] = arr[:, 1]

    def _use_alt(self, k: int, a: int) -> None:
        """Ligand ``k`` takes placement ``a``: its template (binding mode), hosts and pivot."""
        self.alt[k] = a
        t = int(self.alt_tpl[k, a])
        self.tpl_of[k] = t
        atoms = self._atoms(k)
        a0 = self.tpl_atom0[t]
        n = self.size[k]
        self.radius[atoms] = self.t_radius[a0:a0 + n]
        self.depth[atoms] = self.t_depth[a0:a0 + n]
        self.polar_h[atoms] = self.t_polar[a0:a0 + n]
        self.acceptor[atoms] = self.t_acc[a0:a0 + n]
        self.head_kind[k] = KIND[self.templates[t].head]
        sl = slice(k * HOST_SLOTS, (k + 1) * HOST_SLOTS)
        self.host_atom[sl] = self.hosts[k, a]
        self.host_level[sl] = self.levels[k, a]
        self.pivot[k] = self.alt_origin[k, a]
        self.pivot_axis[k] = self.alt_axes[k, a][:, 0]
        self.normal[k] = self.alt_axes[k, a][:, 2]

    # -- placing --------------------------------------------------------------------------------------------
    def _atoms(self, k: int) -> np.ndarray:
        return np.arange(self.start[k], self.start[k] + self.size[k])

    def _set(self, k: int, a: int, v: int, insert: bool = True) -> None:
        self._use_alt(k, a)
        self.variant[k] = v
        atoms = self._atoms(k)
        self.xyz[atoms] = self.variants[self.tpl_of[k]][0][v] @ self.alt_axes[k, a].T + self.alt_origin[k, a]
        if insert:
            K.insert(atoms, self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv, self.cell_of)

    def _t(self, k: int):
        t = self.tpl_of[k]
        a0 = self.tpl_atom0[t]
        n = self.size[k]
        return (self.t_radius[a0:a0 + n], self.t_depth[a0:a0 + n], self.t_short[a0:a0 + n],
                self.t_polar[a0:a0 + n], self.t_acc[a0:a0 + n])

    def _score_atoms(self, k: int, mask: np.ndarray | None = None) -> float:
        atoms = self._atoms(k)
        t = self._t(k)
        if mask is not None:
            atoms = atoms[mask]
            t = [x[mask] for x in t]
        return float(K.score_points(self.xyz[atoms], k, *t, np.inf, self.xyz, self.mol, self.radius, self.depth,
                                    self.polar_h, self.acceptor, self.metal_cls, self.host_ptr, self.host_atom,
                                    self.host_level, self.origin, self.dims, self.head, self.nxt, self.margin))

    def score(self, k: int) -> float:
        """Overlap score of ligand ``k`` as it stands (with everything else)."""
        return self._score_atoms(k)

    def _head_mask(self, k: int) -> np.ndarray:
        mask = np.zeros(self.size[k], bool)
        mask[self.templates[self.tpl_of[k]].head_atoms] = True
        return mask

    def assign_heads(self, sweeps: int = HEAD_SWEEPS) -> int:
        """Heads (atoms within one bond of a donor) of every ligand in, in their first placement; then
        sweeps in which each overlapping head takes the placement (and head turn) that overlaps least
        among those that keep its bonds to under-coordinated cations. Leaves only head atoms in the cell list; returns the heads still overlapping."""
        for k in range(len(self.alt_tpl)):
            self._set(k, int(self.alt[k]), int(self.variants[self.tpl_of[k]][1][0]), insert=False)
            atoms = self._atoms(k)
            K.insert(atoms[self._head_mask(k)], self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv,
                     self.cell_of)
        bad = np.arange(len(self.alt_tpl))
        for _ in range(sweeps + 1):
            scores = np.array([self._score_atoms(int(k), self._head_mask(int(k))) for k in bad])
            bad = bad[scores > 0]
            if len(bad) == 0 or _ == sweeps:
                break
            for k in bad:
                self._best_head(int(k))
        return len(bad)

    def _best_head(self, k: int) -> None:
        atoms = self._atoms(k)
        K.remove(atoms, self.head, self.nxt, self.prv, self.cell_of)
        best = (int(self.alt[k]), int(self.variant[k]), np.inf)
        for a in [a for a in np.nonzero(self.alt_ok[k])[0] if self._keeps_watched(k, int(a))]:
            self._use_alt(k, int(a))
            var, order = self.variants[self.tpl_of[k]]
            m = self._head_mask(k)
            for v in order[:HEAD_VARIANTS]:
                self.xyz[atoms] = var[v] @ self.alt_axes[k, a].T + self.alt_origin[k, a]
                sc = self._score_atoms(k, m)
                if sc < best[2]:
                    best = (int(a), int(v), sc)
                if sc == 0.0:
                    break
            if best[2] == 0.0:
                break
        self._set(k, best[0], best[1], insert=False)
        K.insert(atoms[self._head_mask(k)], self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv,
                 self.cell_of)

    def place_all(self) -> None:
        """Heads, then construction (module docstring, steps 1–2)."""
        self.head_overlaps = self.assign_heads()
        placed = np.zeros(len(self.alt_tpl), bool)
        for k in self._raster():
            k = int(k)
            K.remove(self._atoms(k), self.head, self.nxt, self.prv, self.cell_of)
            if self._copy_neighbour(k, placed) != 0.0:
                self.refit(k, bound=np.inf, placed=False, keep_head=True)
            placed[k] = True

    def _raster(self) -> np.ndarray:
        """Ligands by size, then by face normal, then in rows across the face."""
        z = self.normal
        key = np.round(z, 2) @ np.array([1e6, 1e3, 1.0])
        u = np.einsum("ij,ij->i", self.pivot, self.pivot_axis)
        v = np.einsum("ij,ij->i", self.pivot, np.cross(z, self.pivot_axis))
        return np.lexsort((u, np.round(v / 2.0), key, self.size))

    def _copy_neighbour(self, k: int, placed: np.ndarray) -> float:
        """Place ``k`` as a parallel copy of the nearest placed ligand of its template (same variant),
        if its donor axis is parallel; returns its score (inf: no model to copy)."""
        same = np.nonzero(placed & (self.tpl_of == self.tpl_of[k]))[0]
        if len(same) == 0:
            return np.inf
        j = same[np.argmin(np.linalg.norm(self.pivot[same] - self.pivot[k], axis=1))]
        if np.linalg.norm(self.pivot[j] - self.pivot[k]) > COPY_RADIUS_A or \
                abs(self.pivot_axis[k] @ self.pivot_axis[j]) < 0.99 or self.normal[k] @ self.normal[j] < 0.99:
            return np.inf
        self._set(k, int(self.alt[k]), int(self.variant[j]))
        return self.score(k)

    def refit(self, k: int, bound: float | None = None, placed: bool = True, keep_head: bool = False) -> float:
        """Take ligand ``k`` out (if ``placed``) and put it back in its best (placement, variant) if that
        beats its present score (or ``bound``); returns its score."""
        if bound is None:
            bound = self.score(k)
            if bound == 0.0:
                return 0.0
        K.remove(self._atoms(k), self.head, self.nxt, self.prv, self.cell_of)
        ok = np.array([self.alt[k]]) if keep_head else \
            np.array([a for a in np.nonzero(self.alt_ok[k])[0] if self._keeps_watched(k, int(a))], np.int64)
        best = (-1, -1, bound)
        old = (int(self.alt[k]), int(self.variant[k]))
        for a in ok:  # one placement at a time: template and hosts belong to the placement
            self._use_alt(k, int(a))
            var, order = self.variants[self.tpl_of[k]]
            r = K.best_pose(k, var, order, self.alt_origin[k, a:a + 1], self.alt_axes[k, a:a + 1], 1, *self._t(k),
                            self.xyz, self.mol, self.radius, self.depth, self.polar_h, self.acceptor, self.metal_cls,
                            self.host_ptr, self.host_atom, self.host_level, self.origin, self.dims, self.head,
                            self.nxt, self.margin, best[2])
            if r[0] >= 0 and r[2] < best[2]:
                best = (int(a), int(r[1]), float(r[2]))
                if r[2] == 0.0:
                    break
        if best[0] < 0:  # nothing better: back as it was
            self._use_alt(k, old[0])
            self.variant[k] = old[1]
            K.insert(self._atoms(k), self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv, self.cell_of)
            return bound
        self._set(k, best[0], best[1])
        return best[2]

    def _keeps_watched(self, k: int, a: int) -> bool:
        """Whether placement ``a`` of ligand ``k`` bonds every under-coordinated cation its present one
        bonds (the layout gave them their bonds; a tail overlap is no reason to take one away)."""
        now = self.bonded[k, self.alt[k]]
        now = now[now >= 0]
        now = now[self.watched[now]]
        return bool(np.isin(now, self.bonded[k, a]).all())

    def scores(self, deepest: bool = False) -> np.ndarray:
        """Overlap score of every ligand (0: none); with ``deepest`` each ligand's largest overlap (Å)."""
        return K.all_scores(self.start, self.size, self.tpl_of, self.tpl_atom0, self.t_radius, self.t_depth,
                            self.t_short, self.t_polar, self.t_acc, self.xyz, self.mol, self.radius, self.depth,
                            self.polar_h, self.acceptor, self.metal_cls, self.host_ptr, self.host_atom,
                            self.host_level, self.origin, self.dims, self.head, self.nxt, self.cell_of, self.margin,
                            deepest)

    def pack(self, seed: int = 0) -> PackResult:
        """Heads, construction, sweeps, relaxation (module docstring)."""
        from nanoligand.shell.relax import relax_overlaps

        self.place_all()
        sweeps = 0
        for rnd in range(RELIEF_ROUNDS + 1):
            for _ in range(SWEEPS):
                bad = np.nonzero(self.scores() > 0)[0]
                if len(bad) == 0:
                    break
                sweeps += 1
                for k in bad[np.argsort(-self.size[bad], kind="stable")]:
                    self.refit(int(k), keep_head=True)  # heads stay as laid out: donors never overlap
                if (self.scores() > 0).sum() >= len(bad):
                    break
            bad = np.nonzero(self.scores() > 0)[0]
            if len(bad) == 0 or rnd == RELIEF_ROUNDS:
                break
            report(f"shell: relief round {rnd + 1}, {len(bad)} ligands overlap", 0.4 + 0.4 * rnd / RELIEF_ROUNDS)
            if rnd == RELIEF_ROUNDS - 1:  # last resort: stuck ligands may take another head placement
                for k in bad:
                    self.refit(int(k))
                bad = np.nonzero(self.scores() > 0)[0]
            relax_overlaps(self, self._around(bad, RELAX_NEIGHBOUR_A))
        self.repair(seed)
        scores = self.scores()
        coords = [self.xyz[self._atoms(k)].copy() for k in range(len(self.alt_tpl))]
        return PackResult(coords, self.tpl_of.copy(), scores, sweeps, self.head_overlaps)

    def repair(self, seed: int = 0) -> int:
        """Try again around every ligand that still overlaps deeply (> ``DEEP_A``): it takes its best
        (placement, variant) given the rest, then it and its neighbours within ``REPAIR_RADIUS_A``
        relax with a fresh start; the attempt is kept only if the region's deepest overlap fell.
        Returns the deep overlaps left."""
        from nanoligand.shell.relax import relax_overlaps

        for _ in range(REPAIR_ROUNDS):
            depth = self.scores(deepest=True)
            deep = np.nonzero(depth > DEEP_A)[0]
            if len(deep) == 0:
                return 0
            report(f"shell: repairing {len(deep)} deep overlaps", 0.85)
            improved = False
            for k in deep[np.argsort(-depth[deep])]:
                region = self._around(np.array([k]), REPAIR_RADIUS_A)
                saved = self._save(region)
                worst = float(self.scores(deepest=True)[region].max())
                self.refit(int(k), bound=np.inf)
                relax_overlaps(self, region)
                if float(self.scores(deepest=True)[region].max()) < worst - 1e-6:
                    improved = True
                else:
                    self._restore(saved)
            if not improved:
                break
        return int(np.sum(self.scores(deepest=True) > DEEP_A))

    def _save(self, ligands: np.ndarray) -> tuple:
        atoms = np.concatenate([self._atoms(int(k)) for k in ligands])
        return ligands.copy(), atoms, self.xyz[atoms].copy(), self.alt[ligands].copy(), self.variant[ligands].copy()

    def _restore(self, saved: tuple) -> None:
        ligands, atoms, xyz, alt, variant = saved
        K.remove(atoms, self.head, self.nxt, self.prv, self.cell_of)
        for k, a, v in zip(ligands, alt, variant):
            self._use_alt(int(k), int(a))
            self.variant[k] = v
        self.xyz[atoms] = xyz
        K.insert(atoms, self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv, self.cell_of)

    def _around(self, ligands: np.ndarray, radius_A: float = 10.0) -> np.ndarray:
        """``ligands`` and every ligand whose pivot lies within ``radius_A`` of one of theirs."""
        tree = cKDTree(self.pivot)
        near = tree.query_ball_point(self.pivot[ligands], radius_A)
        return np.unique(np.concatenate([np.asarray(x, np.int64) for x in near] + [np.asarray(ligands, np.int64)]))

    def lift(self, k: int) -> None:
        """Take ligand ``k`` out (it no longer counts; a dropped ligand)."""
        K.remove(self._atoms(k), self.head, self.nxt, self.prv, self.cell_of)
