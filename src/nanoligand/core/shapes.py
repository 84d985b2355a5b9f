"""Nanocrystal shapes as sets of bounding planes (or a sphere), at unit scale.

A :class:`Shape` holds the plane normals and their *relative* distances from the centre; the builder
scales them so that the polyhedron's volume equals that of a sphere of the requested diameter.

============================  ====================================================================
shape                         planes
============================  ====================================================================
``sphere``                    none (radius ``diameter / 2``)
``cube``                      {100}
``octahedron``                {111} and {-1-1-1} (all eight faces, also in zinc blende)
``tetrahedron``               {111} only, zinc blende (Td): the four cation-type faces
``truncated-octahedron``      {100} at ``ratio`` × d{111}, {111}; Archimedean ratio 2/√3 by default
``wulff``                     any families with surface energies; d ∝ γ (Wulff); families are
                              *signed* where the crystal has no inversion ({111} ≠ {-1-1-1} in ZB)
``rod`` / ``platelet``        side planes ({10-10} on hexagonal lattices, {100} on cubic/tetragonal
                              ones) and two caps normal to the unique axis (c or [001]); ``aspect`` =
                              length/width for rods, width/thickness for platelets; the builder
                              centres hexagonal prisms on the 6_3 screw axis (six equivalent sides)
============================  ====================================================================

Examples
--------
>>> from nanoligand.core.lattice import lattice_of
>>> to = make_shape("truncated-octahedron", lattice_of("PbS"))
>>> areas = to.unit_polyhedron().areas
>>> len(to.normals), round(float(areas[to.family_index == 0].sum() / areas.sum()), 3)
(14, 0.224)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from nanoligand.core.facets import Miller, expand_family, format_miller, normal_of, parse_miller
from nanoligand.core.lattice import Lattice
from nanoligand.core.polyhedron import Polyhedron
from nanoligand.errors import InputError

SHAPES = ("sphere", "cube", "octahedron", "tetrahedron", "truncated-octahedron", "wulff", "rod", "platelet")
ARCHIMEDEAN_RATIO = 2.0 / math.sqrt(3.0)  # d{100}/d{111} of the Archimedean truncated octahedron
_ALIASES = {"to": "truncated-octahedron", "truncated_octahedron": "truncated-octahedron",
            "truncatedoctahedron": "truncated-octahedron", "nanorod": "rod", "plate": "platelet",
            "nanoplatelet": "platelet", "spherical": "sphere"}


@dataclass(frozen=True)
class Shape:
    """Bounding planes at unit scale.

    Attributes
    ----------
    name : str
        One of :data:`SHAPES`.
    normals : ndarray (P, 3)
        Unit outward normals (empty for a sphere).
    weights : ndarray (P,)
        Relative plane distances (surface energies for Wulff shapes).
    family_index : ndarray (P,)
        Index of the requested family each plane comes from.
    families : tuple of str
        The requested families, as Miller labels.
    params : mapping
        Shape parameters as given (ratio, aspect, energies).
    """

    name: str
    normals: np.ndarray
    weights: np.ndarray
    family_index: np.ndarray
    families: tuple[str, ...]
    params: Mapping[str, object]

    @property
    def is_sphere(self) -> bool:
        return self.name == "sphere"

    def unit_polyhedron(self) -> Polyhedron:
        return Polyhedron(self.normals, self.weights)

    def scale_for_volume(self, volume: float) -> float:
        """Scale factor λ such that the polyhedron with distances ``λ · weights`` has ``volume``."""
        if self.is_sphere:
            return (3.0 * volume / (4.0 * math.pi)) ** (1.0 / 3.0)
        return (volume / self.unit_polyhedron().volume) ** (1.0 / 3.0)


def _assemble(name: str, lattice: Lattice, fams: list[tuple[Miller, float, np.ndarray]],
              params: Mapping[str, object]) -> Shape:
    """Expand families (Miller, weight, group) to planes; reject overlapping families."""
    normals, weights, index, labels = [], [], [], []
    hexa = lattice.hexagonal
    for k, (hkl, w, ops) in enumerate(fams):
        n, _ = expand_family(hkl, ops, lattice.cell)
        for prev_k, prev in enumerate(normals):
            if np.any(np.abs(n @ np.asarray(prev).T - 1) < 1e-8):
                raise InputError(f"facet families {{{format_miller(fams[index[prev_k]][0], hexa)}}} and "
                                 f"{{{format_miller(hkl, hexa)}}} are symmetry-equivalent in "
                                 f"{lattice.material.key}; give each family once")
        normals.extend(n)
        weights.extend([w] * len(n))
        index.extend([k] * len(n))
        labels.append("{" + format_miller(hkl, hexa) + "}")
    return Shape(name, np.array(normals), np.array(weights, float), np.array(index), tuple(labels),
                 dict(params))


def make_shape(name: str, lattice: Lattice, *, facet_energies: Mapping[str, float] | None = None,
               ratio: float | None = None, aspect: float | None = None) -> Shape:
    """Build a :class:`Shape` for ``lattice``.

    Parameters
    ----------
    name : str
        Shape name (see module table); ``-``/``_`` and a few aliases are accepted.
    facet_energies : mapping, optional
        ``{"100": 1.0, "111": 0.9}`` for ``wulff`` (also accepted for other names: it then implies
        ``wulff``). Values are relative surface energies (any consistent unit), > 0.
    ratio : float, optional
        d{100}/d{111} of a truncated octahedron, in (1/√3, √3); default 2/√3 (Archimedean).
    aspect : float, optional
        Rod length/width or platelet width/thickness, ≥ 1 (default 3 for rods, 4 for platelets).

    Raises
    ------
    InputError
        Unknown shape, a shape that does not apply to the lattice, or bad parameters.
    """
    key = _ALIASES.get(name.strip().lower().replace(" ", "-"), name.strip().lower().replace("_", "-"))
    if facet_energies and key != "wulff":
        raise InputError("facet energies define a Wulff shape: use --shape wulff with --facet-energy")
    if key not in SHAPES:
        raise InputError(f"unknown shape {name!r}; choose one of {', '.join(SHAPES)}")
    if aspect is not None and key not in ("rod", "platelet"):
        raise InputError(f"an aspect ratio shapes rods and platelets, not a {key}")
    if ratio is not None and key != "truncated-octahedron":
        raise InputError(f"a d100/d111 ratio shapes a truncated octahedron, not a {key}")
    if key in CUBIC_ONLY and lattice.crystal_system != "cubic":
        raise InputError(f"shape {key!r} needs a cubic lattice; {lattice.material.key} is not cubic "
                         "(use sphere, wulff, rod or platelet)")
    return _BUILDERS[key](key, lattice, facet_energies=facet_energies, ratio=ratio, aspect=aspect)


CUBIC_ONLY = {"cube", "octahedron", "tetrahedron", "truncated-octahedron"}


def _sphere(key: str, lattice: Lattice, **_: Any) -> Shape:
    return Shape(key, np.zeros((0, 3)), np.zeros(0), np.zeros(0, int), (), {})


def _one_family(hkl: Miller) -> Callable[..., Shape]:
    def make(key: str, lattice: Lattice, **_: Any) -> Shape:
        return _assemble(key, lattice, [(hkl, 1.0, lattice.laue_group)], {})
    return make


def _tetrahedron(key: str, lattice: Lattice, **_: Any) -> Shape:
    mat = lattice.material
    if mat.prototype != "zincblende":
        raise InputError(f"a tetrahedron is the polar {{111}} shape of zinc blende; {mat.key} is {mat.prototype}")
    return _assemble(key, lattice, [((1, 1, 1), 1.0, lattice.point_group)], {})


def _truncated_octahedron(key: str, lattice: Lattice, ratio: float | None = None, **_: Any) -> Shape:
    r = ARCHIMEDEAN_RATIO if ratio is None else float(ratio)
    if not (1.0 / math.sqrt(3.0) < r < math.sqrt(3.0)):
        raise InputError(f"truncated-octahedron ratio d100/d111 must lie in (0.577, 1.732) so that "
                         f"both families are exposed; got {r:g}")
    laue = lattice.laue_group
    return _assemble(key, lattice, [((1, 0, 0), r, laue), ((1, 1, 1), 1.0, laue)], {"ratio": r})


def _wulff(key: str, lattice: Lattice, facet_energies: Mapping[str, float] | None = None, **_: Any) -> Shape:
    if not facet_energies:
        raise InputError("a Wulff shape needs facet energies, e.g. --facet-energy 100=1.0 "
                         "--facet-energy 111=0.9")
    fams = []
    for text, gamma in facet_energies.items():
        g = float(gamma)
        if not math.isfinite(g) or g <= 0:
            raise InputError(f"surface energy of {{{text}}} must be a positive number, got {gamma!r}")
        fams.append((parse_miller(text, lattice.hexagonal), g, lattice.point_group))
    shape = _assemble(key, lattice, fams, {"facet_energies": dict(facet_energies)})
    keep = shape.unit_polyhedron().exposed  # raises if the families do not close a polyhedron
    return Shape(key, shape.normals[keep], shape.weights[keep], shape.family_index[keep], shape.families,
                 shape.params)


def _prism(key: str, lattice: Lattice, aspect: float | None = None, **_: Any) -> Shape:
    """Rods and platelets: side faces and two caps (hexagonal: {10-10} prism and the c axis)."""
    mat = lattice.material
    laue = lattice.laue_group
    default = 3.0 if key == "rod" else 4.0
    a = default if aspect is None else float(aspect)
    if not math.isfinite(a) or a < 1.0 or a > 50:
        raise InputError(f"aspect ratio must lie between 1 and 50 (rod: length/width, platelet: "
                         f"width/thickness); got {a:g}")
    cap = a if key == "rod" else 1.0 / a
    if not (lattice.hexagonal or lattice.crystal_system in ("cubic", "tetragonal")):
        raise InputError(f"rods and platelets need a cubic, tetragonal or hexagonal lattice; "
                         f"{mat.key} is space group {mat.spacegroup}")
    side, axis = (1, 0, 0), (0, 0, 1)  # hexagonal: the {10-10} prism and the c axis
    c_axis = normal_of(axis, lattice.cell)
    n_side, _ = expand_family(side, laue, lattice.cell)
    n_side = n_side[np.abs(n_side @ c_axis) < 1e-8]
    normals = np.vstack([n_side, c_axis, -c_axis])
    weights = np.concatenate([np.ones(len(n_side)), [cap, cap]])
    index = np.concatenate([np.zeros(len(n_side), int), [1, 1]])
    hexa = lattice.hexagonal
    fams = ("{" + format_miller(side, hexa) + "}", "{" + format_miller(axis, hexa) + "}")
    return Shape(key, normals, weights, index, fams, {"aspect": a})


#: shape name → the function that makes it (key, lattice, facet_energies=, ratio=, aspect=)
_BUILDERS: dict[str, Callable[..., Shape]] = {
    "sphere": _sphere, "cube": _one_family((1, 0, 0)), "octahedron": _one_family((1, 1, 1)),
    "tetrahedron": _tetrahedron, "truncated-octahedron": _truncated_octahedron, "wulff": _wulff,
    "rod": _prism, "platelet": _prism,
}
