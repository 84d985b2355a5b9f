"""Bulk lattices as seen from a nanocrystal's centre: sites, bonds, symmetry and atomic layers.

A :class:`Lattice` wraps a :class:`~nanoligand.materials.Material`'s conventional cell and answers
the questions the core builder asks, all vectorised:

* which lattice sites lie within a radius of the chosen centre (:meth:`Lattice.sites_in_sphere`);
* which pairs are bonded: cation–anion pairs in compounds, like pairs in elemental crystals, each
  element pair with a cut-off half-way between its first and second coordination shell (found from
  the bulk, so wurtzite's axial/basal bonds and the seven Hf–O bonds of baddeleyite count alike);
* the bulk coordination and bond vectors of every basis site;
* the crystal point group (Cartesian) and the *site group*: the operations about the cluster centre
  that map the lattice onto itself (Oh for rock salt, Td for zinc blende and diamond, C3v for
  wurtzite);
* the stack of atomic layers along a plane normal (:meth:`Lattice.layers`), used to place facets on
  real atomic planes and to pick their termination;
* the operations that keep an axis through the centre, screw axes included
  (:meth:`Lattice.axial_ops`), and the nearest point on the crystal's principal rotation or screw
  axis (:meth:`Lattice.axis_centre`): a wurtzite rod is centred on the 6_3 screw axis, where its six
  prism faces are equivalent, not on an atom column (a 3-fold axis), where they alternate.

The centre is the material's ``center_frac`` (its first site unless given) or, for
``lattice_of(material, center_frac)``, any other point.

Examples
--------
>>> from nanoligand.core.lattice import lattice_of
>>> lat = lattice_of("PbS")
>>> lat.bulk_cn.tolist()  # every site of rock salt is six-coordinated
[6, 6, 6, 6, 6, 6, 6, 6]
>>> len(lat.site_group)
48
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from ase.spacegroup import Spacegroup
from scipy.spatial import cKDTree

from nanoligand.materials import Material, get

#: Two bond lengths belong to one coordination shell if the longer is within this ratio of the shorter.
SHELL_GAP_RATIO = 1.15
_TOL = 1e-6


@dataclass(frozen=True)
class LayerStack:
    """Atomic layers along a unit normal, relative to the lattice centre.

    Attributes
    ----------
    offsets_A : ndarray (L,)
        Layer positions in one period, ``0 <= offset < period_A``; layer ``k`` of period ``m`` lies at
        ``offsets_A[k] + m * period_A`` from the centre along the normal.
    period_A : float
        Repeat distance of the layer sequence (the Bravais-lattice interplanar spacing).
    elements : tuple of frozenset
        Elements present in each layer.
    surface_cn : ndarray (L,)
        Fewest bonds an atom of the layer keeps when that layer is the outermost one of a flat facet
        (bonds in the layer and to the layers beneath, ``n·v <= 0``).
    """

    offsets_A: np.ndarray
    period_A: float
    elements: tuple[frozenset[str], ...]
    surface_cn: np.ndarray

    @property
    def mean_spacing_A(self) -> float:
        """Mean distance between consecutive atomic layers."""
        return self.period_A / len(self.offsets_A)

    @property
    def min_gap_A(self) -> float:
        """Smallest distance between consecutive atomic layers (the period if there is one layer)."""
        if len(self.offsets_A) == 1:
            return self.period_A
        gaps = np.diff(np.append(self.offsets_A, self.offsets_A[0] + self.period_A))
        return float(gaps.min())

    def positions_near(self, distance_A: float, window: int = 2) -> tuple[np.ndarray, np.ndarray]:
        """Layer positions within ``window`` periods of ``distance_A`` and their layer indices."""
        m0 = int(np.floor(distance_A / self.period_A))
        ms = np.arange(m0 - window, m0 + window + 1)
        pos = (self.offsets_A[None, :] + ms[:, None] * self.period_A).ravel()
        idx = np.tile(np.arange(len(self.offsets_A)), len(ms))
        return pos, idx


class Lattice:
    """A material's bulk lattice with bonds, symmetry and layers (see module docstring)."""

    def __init__(self, material: Material, center_frac: tuple[float, float, float] | None = None):
        self.material = material
        cell_atoms = material.unit_cell
        self.cell = np.array(cell_atoms.cell.array, dtype=float)
        self.frac = np.array(cell_atoms.get_scaled_positions(wrap=True), dtype=float)
        self.elements: tuple[str, ...] = material.elements
        symbols = cell_atoms.get_chemical_symbols()
        self.site_types = np.array([self.elements.index(s) for s in symbols], dtype=np.int64)
        self.charges = np.array([material.charges.get(e, 0) for e in self.elements], dtype=np.int64)
        self.center_frac = np.asarray(material.center_frac if center_frac is None else center_frac, dtype=float)
        self.center = self.center_frac @ self.cell
        sg = Spacegroup(material.spacegroup, material.setting)
        self._centering = np.asarray(sg.subtrans, dtype=float)
        rot, trans = sg.get_op()  # every operation (centring translations included), fractional
        self._ops_frac = (np.asarray(rot, dtype=float), np.asarray(trans, dtype=float))
        self.point_group = _cartesian_point_group(sg, self.cell)
        self.laue_group = _unique_ops(np.concatenate([self.point_group, -self.point_group]))
        self.cutoff = self._bond_cutoffs()
        self.bulk_cn, self.bond_vectors = self._bulk_bonds()
        self.site_group = self._site_group()
        self._layers: dict[tuple[float, ...], LayerStack] = {}

    # -- construction helpers -------------------------------------------------------------------
    def _bonded(self) -> np.ndarray:
        """Boolean matrix of element pairs that can bond."""
        q = self.charges
        if np.any(q > 0) and np.any(q < 0):
            return (q[:, None] * q[None, :]) < 0
        return np.ones((len(q), len(q)), dtype=bool)

    def _block(self, reps: int) -> tuple[np.ndarray, np.ndarray]:
        """Sites of a (2 reps + 1)^3 block of cells: Cartesian positions and basis indices."""
        r = np.arange(-reps, reps + 1)
        shifts = np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)
        frac = (shifts[:, None, :] + self.frac[None, :, :]).reshape(-1, 3)
        site = np.tile(np.arange(len(self.frac)), len(shifts))
        return frac @ self.cell, site

    def _bond_cutoffs(self) -> np.ndarray:
        pos, site = self._block(2)
        bonded = self._bonded()
        ne = len(self.elements)
        cutoff = np.zeros((ne, ne))
        origin = self.frac @ self.cell
        d = np.linalg.norm(pos[None, :, :] - origin[:, None, :], axis=-1)  # (nb, M)
        t_from = self.site_types[:, None]
        t_to = self.site_types[site][None, :]
        for a in range(ne):
            for b in range(ne):
                if not bonded[a, b]:
                    continue
                sel = (t_from == a) & (t_to == b) & (d > 0.1)
                dist = np.unique(np.round(d[sel], 4))
                if len(dist) == 0:
                    continue
                jumps = np.nonzero(dist[1:] / dist[:-1] > SHELL_GAP_RATIO)[0]
                k = jumps[0] if len(jumps) else len(dist) - 1
                nxt = dist[k + 1] if k + 1 < len(dist) else dist[k] * 1.3
                cutoff[a, b] = 0.5 * (dist[k] + nxt)
        return np.maximum(cutoff, cutoff.T)

    def _bulk_bonds(self) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        pos, site = self._block(2)
        origin = self.frac @ self.cell
        vec = pos[None, :, :] - origin[:, None, :]
        d = np.linalg.norm(vec, axis=-1)
        lim = self.cutoff[self.site_types[:, None], self.site_types[site][None, :]]
        bond = (d > 0.1) & (d <= lim)
        vectors = tuple(vec[i][bond[i]] for i in range(len(origin)))
        return bond.sum(axis=1).astype(np.int64), vectors

    def _site_group(self) -> np.ndarray:
        pos, site = self._block(2)
        rel = pos - self.center
        types = self.site_types[site]
        # the block spans two cells on each side of the centre's cell: stay inside its inscribed sphere
        radius = 1.9 / float(np.max(np.linalg.norm(np.linalg.inv(self.cell), axis=0)))
        inner = np.linalg.norm(rel, axis=1) <= radius
        tree = cKDTree(rel)
        keep = []
        for op in self.point_group:
            moved = rel[inner] @ op.T
            dist, j = tree.query(moved, distance_upper_bound=1e-3)
            if np.all(np.isfinite(dist)) and np.all(types[j] == types[inner]):
                keep.append(op)
        return np.array(keep)

    # -- public API -----------------------------------------------------------------------------
    @property
    def crystal_system(self) -> str:
        """``cubic``, ``hexagonal`` (incl. trigonal), ``tetragonal`` or ``other``, from the space group."""
        sg = self.material.spacegroup
        return ("cubic" if sg >= 195 else "hexagonal" if sg >= 143 else "tetragonal" if sg >= 75 else "other")

    @property
    def hexagonal(self) -> bool:
        return self.crystal_system == "hexagonal"

    @property
    def max_cutoff_A(self) -> float:
        return float(self.cutoff.max())

    def sites_in_sphere(self, radius_A: float) -> tuple[np.ndarray, np.ndarray]:
        """Lattice sites within ``radius_A`` of the centre.

        Returns
        -------
        positions : ndarray (N, 3)
            Cartesian positions relative to the centre (Å).
        site : ndarray (N,)
            Index of each site in the conventional cell (for its element, bulk CN and bond vectors).
        """
        inv = np.linalg.inv(self.cell)
        cfrac = self.center @ inv
        reach = radius_A * np.linalg.norm(inv, axis=0)  # extent of the sphere in fractional units
        lo = np.floor(cfrac - reach).astype(int) - 1
        hi = np.ceil(cfrac + reach).astype(int) + 1
        axes = [np.arange(lo[i], hi[i] + 1) for i in range(3)]
        shifts = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, 3).astype(float)
        pos = (shifts @ self.cell)[:, None, :] + (self.frac @ self.cell - self.center)[None, :, :]
        pos = pos.reshape(-1, 3)
        site = np.tile(np.arange(len(self.frac)), len(shifts))
        inside = np.einsum("ij,ij->i", pos, pos) <= radius_A * radius_A + _TOL
        return pos[inside], site[inside]

    def axial_ops(self, axis: np.ndarray) -> np.ndarray:
        """Cartesian rotations of the space-group operations that, about the centre, map the line
        through it along ``axis`` (unit vector) onto itself and move only along it: the site group's
        operations that keep the axis, plus the screw axes and glide planes that contain it.

        They map planes parallel to the axis onto each other at unchanged distance from it, with
        identical layer stacks (on wurtzite's 6_3 axis the six {10-10} prism planes are one such set;
        the finite prism's caps are not, as the screw also moves along c)."""
        axis = np.asarray(axis, float) / np.linalg.norm(axis)
        rot, trans = self._ops_frac
        ct, ct_inv = self.cell.T, np.linalg.inv(self.cell.T)
        shifts = np.stack(np.meshgrid(*[np.arange(-1, 2)] * 3, indexing="ij"), -1).reshape(-1, 3)
        keep = []
        for r, t in zip(rot, trans):
            r_cart = ct @ r @ ct_inv
            if not (np.allclose(r_cart @ axis, axis, atol=1e-6) or np.allclose(r_cart @ axis, -axis, atol=1e-6)):
                continue
            tau = r @ self.center_frac + t - self.center_frac
            tau = (tau - np.round(tau))[None, :] + shifts  # the centre's image, modulo the lattice
            tau_cart = tau @ self.cell
            perp = tau_cart - np.outer(tau_cart @ axis, axis)
            if np.min(np.linalg.norm(perp, axis=1)) < 1e-6:
                keep.append(np.round(r_cart, 10))
        return _unique_ops(np.array(keep))

    def axis_centre(self, axis: np.ndarray) -> np.ndarray | None:
        """Fractional coordinates of the point nearest the centre, in the plane through it normal to
        ``axis``, that lies on a rotation or screw axis of the highest order parallel to ``axis``
        (wurtzite: the 6_3 axis through the hexagonal channel, a/√3 from an atom column); the centre
        itself if it already lies on one; None if no proper rotation keeps the axis."""
        axis = np.asarray(axis, float) / np.linalg.norm(axis)
        rot, trans = self._ops_frac
        ct, ct_inv = self.cell.T, np.linalg.inv(self.cell.T)
        perp = np.eye(3) - np.outer(axis, axis)
        cells = np.stack(np.meshgrid(*[np.arange(-2, 3)] * 3, indexing="ij"), -1).reshape(-1, 3)
        best: tuple[int, float, tuple[float, ...]] | None = None
        for r, t in zip(rot, trans):
            r_cart = ct @ r @ ct_inv
            if np.allclose(r_cart, np.eye(3)) or np.linalg.det(r_cart) < 0 or \
                    not np.allclose(r_cart @ axis, axis, atol=1e-6):
                continue
            order = next(k for k in range(2, 7) if np.allclose(np.linalg.matrix_power(r_cart, k), np.eye(3)))
            # R (C + q) + t = C + q + tau axis + L  ->  (I - R) q = perp (R C + t - C - L), q normal to the axis
            image = (r @ self.center_frac + t - self.center_frac)[None, :] - cells
            rhs = (image @ self.cell) @ perp.T
            q = rhs @ np.linalg.pinv(np.eye(3) - r_cart).T
            q = q @ perp.T
            for qi in q:
                key = (-order, round(float(np.linalg.norm(qi)), 6), tuple(np.round(qi, 6)))
                if best is None or key < best:
                    best = key
        if best is None:
            return None
        frac = np.round(self.center_frac + np.asarray(best[2]) @ np.linalg.inv(self.cell), 6)
        return frac - np.floor(frac)  # in the home cell: (0, 0, z) for wurtzite

    def period_along(self, normal: np.ndarray) -> float:
        """Repeat distance of the lattice along a unit normal (Bravais interplanar spacing)."""
        r = np.arange(-4, 5)
        ijk = np.stack(np.meshgrid(r, r, r, indexing="ij"), -1).reshape(-1, 3)
        trans = (ijk[:, None, :] + self._centering[None, :, :]).reshape(-1, 3) @ self.cell
        proj = np.abs(trans @ normal)
        proj = proj[proj > 1e-5]
        return float(proj.min())

    def layers(self, normal: np.ndarray) -> LayerStack:
        """Atomic layers along ``normal`` (unit vector), positions relative to the centre (cached)."""
        normal = np.asarray(normal, float) / np.linalg.norm(normal)
        key = tuple(np.round(normal, 6))
        if key not in self._layers:
            self._layers[key] = self._layer_stack(normal)
        return self._layers[key]

    def _layer_stack(self, normal: np.ndarray) -> LayerStack:
        period = self.period_along(normal)
        pos, site = self._block(2)
        p = (pos - self.center) @ normal
        off = np.mod(p, period)
        off[np.isclose(off, period, atol=1e-4)] = 0.0
        layer = cluster_1d(off, tol=1e-3)
        offsets = np.array([off[layer == k].mean() for k in range(layer.max() + 1)])
        kept = np.array([int(np.sum(v @ normal <= 1e-6)) for v in self.bond_vectors])
        elements = tuple(frozenset(self.elements[t] for t in self.site_types[site[layer == k]])
                         for k in range(len(offsets)))
        surface_cn = np.array([kept[site[layer == k]].min() for k in range(len(offsets))])
        return LayerStack(offsets, period, elements, surface_cn)


def cluster_1d(values: np.ndarray, tol: float) -> np.ndarray:
    """Label sorted clusters of 1-D values: values closer than ``tol`` share a label (0, 1, ...)."""
    order = np.argsort(values)
    breaks = np.concatenate([[0], np.cumsum(np.diff(values[order]) > tol)])
    labels = np.empty(len(values), dtype=np.int64)
    labels[order] = breaks
    return labels


def _cartesian_point_group(sg: Spacegroup, cell: np.ndarray) -> np.ndarray:
    """The crystal point group as Cartesian rotation matrices (acting on column vectors)."""
    rots = np.asarray(sg.rotations, dtype=float)
    if sg.centrosymmetric:
        rots = np.concatenate([rots, -rots])
    ct = cell.T
    return _unique_ops(np.round(np.einsum("ij,njk,kl->nil", ct, rots, np.linalg.inv(ct)), 10))


def _unique_ops(ops: np.ndarray) -> np.ndarray:
    _, idx = np.unique(ops.reshape(len(ops), -1).round(6), axis=0, return_index=True)
    return ops[np.sort(idx)]


def lattice_of(material: str | Material, center_frac=None) -> Lattice:
    """The (cached) :class:`Lattice` of a material given by name or record, centred on the material's
    ``center_frac`` or on the fractional point given."""
    center = None if center_frac is None else tuple(round(float(x), 9) for x in center_frac)
    return _lattice(get(material).key, center)


@cache
def _lattice(key: str, center: tuple[float, float, float] | None = None) -> Lattice:
    return Lattice(get(key), center)
