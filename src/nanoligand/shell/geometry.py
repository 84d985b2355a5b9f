"""Placing ligands on their sites and relieving clashes (cell list + compiled kernels).

A template's local frame (donor centroid at the origin, axis +z) is mapped onto a site: the donor
centroid goes to the anchor point, at the cited bond length from the site's host atoms, and +z to the
site's outward normal; the spin about the normal is measured from a fixed reference direction, so
ligands on one facet with the same spin are parallel copies of each other.

Placement puts every ligand in its *preferred pose*: upright, first (narrowest) conformer, spun so
that its broad axis (a chelating head's O–O axis, a flat ligand's plane) stands across the direction
to its nearest neighbour, as the chains of a crystal stack. Relief then works on what clashes:

1. descent on the overlaps (:func:`._kernels.descend`): every clashing ligand turns its rotatable
   bonds and turns as a whole about its anchor along the torque of its overlap forces; bond lengths
   and angles never change;
2. cycles of a kick (each clashing ligand re-fitted from the rigid poses: conformers × tilts × spins,
   in its present surroundings) and a settle (descent, then zero-temperature Monte Carlo of torsion
   and rigid turns on the clashing ligands, with clash-free moves of their neighbours to make room),
   until nothing clashes or the count stops falling.

Ligands that still clash are handled by the caller (:mod:`.cap`: moved to free sites, or, for a
coverage that need not be met in full, dropped and reported).

Clash rules are in :mod:`._kernels`: 2.0 Å for any two atoms of different molecules (ligand–ligand
and ligand–core), 2.5 Å for two heavy atoms of different ligands, a donor's bond to the core atoms it
binds excepted.

Examples
--------
>>> import numpy as np
>>> R = frame_rotations(np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]))
>>> bool(np.allclose(R[1] @ [0, 0, 1], [1, 0, 0]))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from nanoligand.shell import _kernels as K

RELAX_MOVES = 400     # Monte Carlo moves per clashing ligand and round
RELAX_CYCLES = 12
STALE_CYCLES = 3     # cycles without fewer clashing ligands before relief stops
MAX_TILT_DEG = 50.0   # a relaxed ligand's axis stays within this angle of its site normal
MAX_TURN_DEG = 10.0   # largest rigid turn per move
DRIFT_MOVES = 30      # clash-free moves of each neighbour of a clashing ligand, per round
ANNEAL_T = 0.5        # Monte Carlo temperature (clash-score units) of the first relief cycle, down to 0
NEIGHBOUR_RADIUS_A = 6.5
DESCENT_ITERS = 150
FIRST_DESCENT_ITERS = 40
MAX_TORSION_STEP_DEG = 15.0
DESCENT_MARGIN_A = 0.2  # descent pushes overlapping atoms this far past the limit
_REFERENCE = np.array([0.2672612, 0.5345225, 0.8017837])  # any fixed direction not along a low-index axis


def frame_rotations(normals: np.ndarray) -> np.ndarray:
    """Rotations (N, 3, 3) taking the local frame (z = axis) to each normal, with the local x axis along
    the projection of a fixed reference direction (consistent spins on a facet)."""
    z = normals / np.linalg.norm(normals, axis=1)[:, None]
    ref = np.broadcast_to(_REFERENCE, z.shape).copy()
    parallel = np.abs(z @ _REFERENCE) > 0.95
    ref[parallel] = np.array([1.0, 0.0, 0.0])
    x = ref - (np.einsum("ij,ij->i", ref, z))[:, None] * z
    x /= np.linalg.norm(x, axis=1)[:, None]
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=2)  # columns are the local axes in the global frame


def anchor_points(site_pos: np.ndarray, host_centroid: np.ndarray, host_spread: np.ndarray,
                  bond_A: np.ndarray, donor_radius_A: float = 0.0) -> np.ndarray:
    """Where the donor centroid goes: on the line from the hosts' centroid through the site, high enough
    that a donor atom (``donor_radius_A`` from the centroid, e.g. a carboxylate O) leaning towards a
    host is still a bond length away from it (never closer than 0.6 of a bond to the centroid)."""
    u = site_pos - host_centroid
    u /= np.maximum(np.linalg.norm(u, axis=1), 1e-9)[:, None]
    lateral = np.abs(host_spread - donor_radius_A)
    h = np.sqrt(np.maximum(bond_A ** 2 - lateral ** 2, (0.6 * bond_A) ** 2))
    return host_centroid + u * h[:, None]


def place(variants: np.ndarray, variant_index: np.ndarray, rotations: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """Coordinates (N, A, 3) of N ligands: variant ``variant_index[k]`` rotated and moved to anchor k."""
    local = variants[variant_index]  # (N, A, 3)
    return np.einsum("nij,naj->nai", rotations, local) + anchors[:, None, :]


@dataclass(frozen=True)
class Contacts:
    """Self-check of a shell: intermolecular pairs below the limits and the closest approach."""

    pairs_below_2A: int
    heavy_pairs_below_2_5A: int
    min_distance_A: float
    clashing_ligands: int


class Shell:
    """The atoms of a core and its ligands in one cell list, with placement and clash relief.

    Parameters
    ----------
    core_xyz, core_heavy, core_class, core_present
        Core atoms; ``core_class`` is +1 for cations, -1 for anions, 0 for framework atoms and 2 for
        atoms no ligand bonds (H caps); atoms not ``core_present`` (replaced by a ligand) stay out of
        the cell list until :meth:`restore_core`.
    templates
        Template of every ligand group; ``tpl_of[k]`` is ligand k's group.
    rotations, anchors
        Site frame and donor position of every ligand.
    donor_min, binds
        Per ligand: the shortest acceptable donor–core distance and the core class its donors bind.
    """

    def __init__(self, core_xyz: np.ndarray, core_heavy: np.ndarray, core_class: np.ndarray, templates: list,
                 tpl_of: np.ndarray, rotations: np.ndarray, anchors: np.ndarray, donor_min: np.ndarray,
                 binds: np.ndarray, core_present: np.ndarray | None = None):
        self.templates = templates
        self.tpl_of = np.asarray(tpl_of, int)
        self.rotations = rotations
        self.anchors = anchors
        self.donor_min = np.asarray(donor_min, float)
        self.binds = np.asarray(binds, np.int64)
        n_lig = len(self.tpl_of)
        self.variant = np.zeros(n_lig, int)
        sizes = np.array([templates[t].n_atoms for t in self.tpl_of], int)
        n_core = len(core_xyz)
        self.n_core = n_core
        self.start = n_core + (np.concatenate([[0], np.cumsum(sizes)[:-1]]) if n_lig else np.zeros(0, int))
        self.size = sizes
        total = n_core + int(sizes.sum())
        self.xyz = np.zeros((total, 3))
        self.xyz[:n_core] = core_xyz
        self.mol = np.concatenate([np.full(n_core, -1), np.repeat(np.arange(n_lig), sizes)]).astype(np.int64)
        flags = [(templates[t].heavy, templates[t].roles) for t in range(len(templates))]
        self._heavy_t = [f[0] for f in flags]
        self._donor_t = [f[1] for f in flags]
        lig_heavy = [self._heavy_t[t] for t in self.tpl_of]
        self.is_heavy = np.concatenate([np.asarray(core_heavy, bool)] + lig_heavy)
        self.cls = np.concatenate([np.asarray(core_class, np.int64), np.full(total - n_core, 99, np.int64)])
        self.role_atom = np.concatenate([np.zeros(n_core, np.int8)] + [self._donor_t[t] for t in self.tpl_of])
        self.donor_min_atom = np.where(self.role_atom == 2, np.repeat(np.concatenate([[0.0], self.donor_min]),
                                                             np.concatenate([[n_core], sizes])), 0.0)
        self.binds_atom = np.repeat(np.concatenate([[-99], self.binds]), np.concatenate([[n_core], sizes]))
        reach = max((float(np.abs(t.variants).max()) for t in templates), default=0.0)
        pts = np.vstack([core_xyz, anchors]) if n_lig else core_xyz
        self.origin = pts.min(axis=0) - reach - K.CELL_A
        span = pts.max(axis=0) + reach + K.CELL_A - self.origin
        self.dims = np.maximum(np.ceil(span / K.CELL_A).astype(np.int64), 1)
        self.head = np.full(int(np.prod(self.dims)), -1, np.int64)
        self.nxt = np.full(total, -1, np.int64)
        self.prv = np.full(total, -1, np.int64)
        self.cell_of = np.full(total, -1, np.int64)
        present = np.ones(n_core, bool) if core_present is None else np.asarray(core_present, bool)
        K.insert(np.nonzero(present)[0], self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv,
                 self.cell_of)
        self._orders = [_variant_orders(t) for t in templates]
        self.preferred_spin = np.zeros(n_lig, int)
        self._flex = _flexibility(templates)
        self._n_straight_variants = [t.n_straight * (int(t.tilt_index.max()) + 1) * (int(t.spin_index.max()) + 1)
                                     for t in templates]
        self._anchor_tree = cKDTree(anchors) if n_lig else None

    # -- one ligand ---------------------------------------------------------------------------------------
    def _atoms(self, k: int) -> np.ndarray:
        return np.arange(self.start[k], self.start[k] + self.size[k])

    def coords(self, k: int) -> np.ndarray:
        return self.xyz[self.start[k]:self.start[k] + self.size[k]]

    def _score(self, k: int) -> float:
        t = self.tpl_of[k]
        return K.ligand_score(k, self.start[k], self.size[k], self._heavy_t[t], self._donor_t[t], self.donor_min[k],
                              self.binds[k], self.xyz, self.mol, self.is_heavy, self.cls, self.origin, self.dims,
                              self.head, self.nxt)

    def _fit(self, k: int, current: float, limit: int | None = None) -> float:
        """Best pose of ligand ``k`` (taken out of the grid) against everything in the grid, among the
        first ``limit`` of its variants in order of preference; re-inserted."""
        t = self.tpl_of[k]
        tpl = self.templates[t]
        order = self._orders[t][self.preferred_spin[k]][:limit]
        v, s = K.best_pose(k, tpl.variants, order, self._heavy_t[t], self._donor_t[t], self.donor_min[k],
                           self.binds[k], self.rotations[k], self.anchors[k], self.xyz, self.mol, self.is_heavy,
                           self.cls, self.origin, self.dims, self.head, self.nxt, current)
        if v >= 0:
            self.variant[k] = v
        atoms = self._atoms(k)
        self.xyz[atoms] = tpl.variants[self.variant[k]] @ self.rotations[k].T + self.anchors[k]
        K.insert(atoms, self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv, self.cell_of)
        return s if v >= 0 else current

    # -- the whole shell ----------------------------------------------------------------------------------
    def set_preferred_spins(self) -> None:
        """Spin each ligand so that its broad axis (a chelating head's O–O axis, a flat ligand's plane)
        stands across the direction to its nearest neighbour."""
        n = len(self.tpl_of)
        if n < 2:
            return
        tree = cKDTree(self.anchors)
        _, nb = tree.query(self.anchors, k=2)
        d = self.anchors[nb[:, 1]] - self.anchors
        local = np.einsum("nji,nj->ni", self.rotations, d)  # neighbour direction in each site frame
        phi_n = np.degrees(np.arctan2(local[:, 1], local[:, 0]))
        phi_w = np.array([self.templates[t].wide_axis_deg for t in self.tpl_of])
        n_spin = np.array([len(self._orders[t]) for t in self.tpl_of])
        step = 360.0 / n_spin
        self.preferred_spin = np.round((phi_n + 90.0 - phi_w) / step).astype(int) % n_spin

    def place_all(self) -> None:
        """Every ligand in its preferred pose: upright, first conformer, preferred spin."""
        for t in range(len(self.templates)):
            members = np.nonzero(self.tpl_of == t)[0]
            if len(members) == 0:
                continue
            self.variant[members] = self._orders[t][self.preferred_spin[members], 0]
            coords = place(self.templates[t].variants, self.variant[members], self.rotations[members],
                           self.anchors[members])
            idx = (self.start[members][:, None] + np.arange(coords.shape[1])[None, :]).ravel()
            self.xyz[idx] = coords.reshape(-1, 3)
            K.insert(idx, self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv, self.cell_of)

    def relax(self, ligands: np.ndarray, moves: int = RELAX_MOVES, drift: int = DRIFT_MOVES,
              seed: int = 0, temperature: float = 0.0) -> np.ndarray:
        """Monte Carlo relaxation (torsion and rigid turns) of ``ligands``; their scores after."""
        f = self._flex
        normals = self.rotations[:, :, 2].copy()
        return K.relax(np.asarray(ligands, np.int64), moves, drift, seed, self.start, self.size, self.tpl_of, self.anchors,
                       normals, self.donor_min, self.binds, f["atom0"], f["heavy"], f["donor"], f["topo"], f["topo0"],
                       f["bond0"], f["bond_n"], f["bond_b"], f["bond_c"], f["move"], f["move0"], self.xyz, self.mol,
                       self.is_heavy, self.cls, self.origin, self.dims, self.head, self.nxt, self.prv, self.cell_of,
                       np.cos(np.radians(MAX_TILT_DEG)), np.radians(MAX_TURN_DEG), temperature)

    def descend(self, ligands: np.ndarray, iters: int = DESCENT_ITERS) -> np.ndarray:
        """Descent on the overlaps (torsions and rigid turns) of ``ligands``; their scores after."""
        f = self._flex
        normals = self.rotations[:, :, 2].copy()
        return K.descend(np.asarray(ligands, np.int64), iters, self.start, self.size, self.tpl_of, self.anchors,
                         normals, self.donor_min, self.binds, f["atom0"], f["heavy"], f["donor"], f["topo"],
                         f["topo0"], f["bond0"], f["bond_n"], f["bond_b"], f["bond_c"], f["move"], f["move0"],
                         self.xyz, self.mol, self.is_heavy, self.cls, self.origin, self.dims, self.head, self.nxt,
                         self.prv, self.cell_of, np.cos(np.radians(MAX_TILT_DEG)), np.radians(MAX_TURN_DEG),
                         np.radians(MAX_TORSION_STEP_DEG), DESCENT_MARGIN_A)

    def relax_all(self, seed: int = 0, cycles: int | None = None) -> int:
        """Clash relief: descent on the overlaps of every ligand, then cycles of a kick (the clashing
        ligands re-fitted from the rigid poses), descent and Monte Carlo on what still clashes, until
        nothing clashes or the count stops falling; returns the cycles used."""
        cycles = RELAX_CYCLES if cycles is None else cycles
        everyone = np.arange(len(self.tpl_of))
        if len(everyone) == 0:
            return 0
        self.descend(everyone, FIRST_DESCENT_ITERS)
        best, stale = len(everyone) + 1, 0
        for cycle in range(1, cycles + 1):
            todo = self.clashing()
            if len(todo) == 0:
                return cycle - 1
            stale = stale + 1 if len(todo) >= best else 0
            best = min(best, len(todo))
            if stale >= STALE_CYCLES:
                return cycle - 1
            for k in todo:  # a kick: the best rigid straight pose in the present surroundings
                self.refit(int(k), self._n_straight_variants[self.tpl_of[k]])
            self.settle(seed=seed + cycle, temperature=ANNEAL_T * (1 - cycle / cycles))
        return cycles

    def settle(self, seed: int = 0, temperature: float = 0.0) -> None:
        """Descent and Monte Carlo on the ligands that clash and their neighbours."""
        todo = self.clashing()
        if len(todo) == 0:
            return
        region = self._around(todo)
        self.descend(region, DESCENT_ITERS // 3)
        todo = self.clashing()
        if len(todo):
            self.relax(np.concatenate([np.setdiff1d(self._around(todo), todo), todo]), seed=seed,
                       temperature=temperature)
            if temperature > 0:  # then quench
                todo = self.clashing()
                self.relax(np.concatenate([np.setdiff1d(self._around(todo), todo), todo]), seed=seed + 7919)

    def _around(self, ligands: np.ndarray) -> np.ndarray:
        """``ligands`` and every ligand anchored within ``NEIGHBOUR_RADIUS_A`` of one of them."""
        if len(ligands) == 0:
            return np.zeros(0, int)
        if self._anchor_tree is None:
            self._anchor_tree = cKDTree(self.anchors)
        near = self._anchor_tree.query_ball_point(self.anchors[ligands], NEIGHBOUR_RADIUS_A)
        return np.unique(np.concatenate([np.asarray(x, int) for x in near] + [np.asarray(ligands, int)]))

    def refit(self, k: int, limit: int | None = None) -> float:
        """Take ligand ``k`` out and put it back in its best rigid pose; its score."""
        K.remove(self._atoms(k), self.head, self.nxt, self.prv, self.cell_of)
        return self._fit(k, np.inf, limit)

    def probe(self, k: int, anchor: np.ndarray, rotation: np.ndarray) -> float:
        """Lowest clash score ligand ``k`` would have on another site (straight rigid poses), without
        moving it."""
        t = self.tpl_of[k]
        order = self._orders[t][self.preferred_spin[k]][:self._n_straight_variants[t]]
        return K.best_pose(k, self.templates[t].variants, order, self._heavy_t[t], self._donor_t[t],
                           self.donor_min[k], self.binds[k], rotation, anchor, self.xyz, self.mol, self.is_heavy,
                           self.cls, self.origin, self.dims, self.head, self.nxt, np.inf)[1]

    def restore_core(self, atoms: np.ndarray) -> None:
        """Put replaced core atoms back (a dropped graft's H cap)."""
        K.insert(np.asarray(atoms, np.int64), self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv,
                 self.cell_of)

    def lift(self, k: int) -> None:
        """Take ligand ``k`` out of the cell list (``move`` or ``undo`` puts it back; a ligand left
        out is dropped: it no longer counts in scores and contacts)."""
        K.remove(self._atoms(k), self.head, self.nxt, self.prv, self.cell_of)

    def move(self, k: int, anchor: np.ndarray, rotation: np.ndarray, donor_min: float) -> tuple:
        """Re-site ligand ``k`` (best rigid pose, then a short descent); returns the state to undo it."""
        state = (k, self.anchors[k].copy(), self.rotations[k].copy(), float(self.donor_min[k]),
                 int(self.variant[k]), self.coords(k).copy())
        self.anchors[k], self.rotations[k], self.donor_min[k] = anchor, rotation, donor_min
        self._anchor_tree = None
        self.refit(k)
        self.descend(np.array([k]), DESCENT_ITERS // 3)
        return state

    def undo(self, state: tuple) -> None:
        k, anchor, rotation, donor_min, variant, xyz = state
        K.remove(self._atoms(k), self.head, self.nxt, self.prv, self.cell_of)
        self.anchors[k], self.rotations[k], self.donor_min[k], self.variant[k] = anchor, rotation, donor_min, variant
        self._anchor_tree = None
        self.xyz[self._atoms(k)] = xyz
        K.insert(self._atoms(k), self.xyz, self.origin, self.dims, self.head, self.nxt, self.prv, self.cell_of)

    def score(self, k: int) -> float:
        return self._score(int(k))

    def scores(self) -> np.ndarray:
        """Clash score of every ligand (0: clashes with nothing)."""
        f = self._flex
        return K.all_scores(self.start, self.size, self.tpl_of, self.donor_min, self.binds, f["atom0"], f["heavy"],
                            f["donor"], self.xyz, self.mol, self.is_heavy, self.cls, self.origin, self.dims,
                            self.head, self.nxt, self.cell_of)

    def clashing(self) -> np.ndarray:
        return np.nonzero(self.scores() > 0)[0]

    def contacts(self) -> Contacts:
        """Pairs below the clash limits, the closest intermolecular approach and clashing ligands."""
        n_any, n_heavy, dmin = K.close_pairs(self.xyz, self.mol, self.is_heavy, self.cls, self.role_atom,
                                             self.donor_min_atom,
                                             self.binds_atom, self.origin, self.dims, self.head, self.nxt,
                                             self.cell_of)
        return Contacts(int(n_any), int(n_heavy), float(dmin), len(self.clashing()))


def _flexibility(templates: list) -> dict[str, np.ndarray]:
    """Templates' atom flags, bond topology and rotors as flat arrays for the compiled relaxation."""
    n = [t.n_atoms for t in templates]
    atom0 = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64)
    topo0 = np.concatenate([[0], np.cumsum([a * a for a in n])[:-1]]).astype(np.int64)
    bond_n = np.array([len(t.rotors) for t in templates], np.int64)
    bond0 = np.concatenate([[0], np.cumsum(bond_n)[:-1]]).astype(np.int64)
    rotors = [r for t in templates for r in t.rotors]
    sizes = [len(r[2]) for r in rotors]
    return {
        "atom0": atom0, "heavy": np.concatenate([t.heavy for t in templates]),
        "donor": np.concatenate([t.roles for t in templates]),
        "topo": np.concatenate([np.asarray(t.topo, np.int64).ravel() for t in templates]), "topo0": topo0,
        "bond0": bond0, "bond_n": bond_n,
        "bond_b": np.array([r[0] for r in rotors], np.int64), "bond_c": np.array([r[1] for r in rotors], np.int64),
        "move": np.concatenate([r[2] for r in rotors]) if rotors else np.zeros(0, bool),
        "move0": np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if rotors else np.zeros(0, np.int64),
    }


def _variant_orders(t) -> np.ndarray:
    """Per preferred spin s: every variant id, straight conformers before bent ones, and within each,
    upright first, then by tilt, conformer, and spin distance from s (s, s+1, s-1, s+2, ...)."""
    n_spin = int(t.spin_index.max()) + 1
    n_tilt = int(t.tilt_index.max()) + 1
    n_conf = len(t.variants) // (n_spin * n_tilt)
    offsets = [0] + [o for d in range(1, n_spin // 2 + 1) for o in (d, -d)][: n_spin - 1]
    tiers = (range(t.n_straight), range(t.n_straight, n_conf))
    orders = []
    for s in range(n_spin):
        orders.append([(c * n_tilt + ti) * n_spin + (s + o) % n_spin
                       for tier in tiers for ti in range(n_tilt) for c in tier for o in offsets])
    return np.array(orders, np.int64)
