"""Sizes as a chemist measures them (TEM edge, rod length and width) → the volume-equivalent diameter.

The builder sizes every shape by the diameter of the sphere of equal volume. TEM gives the edge of a
cube, a tetrahedron, an octahedron or a platelet, and the length and width of a rod; this module
turns those into the builder's diameter by scaling the shape's own polyhedron:

* ``edge_nm``: the longest edge of the polyhedron (a cube's edge; a platelet's lateral edge);
* ``width_nm``: the distance between opposite side faces of a rod or platelet (flat to flat);
* ``length_nm``: the distance between a rod's end faces (along the c axis of hexagonal crystals).

Given both ``length_nm`` and ``width_nm``, their ratio is the rod's aspect ratio.

Examples
--------
>>> round(equivalent_diameter_nm("CsPbBr3", "cube", edge_nm=8.0)[0], 3)  # (6/π)^(1/3) · 8 nm
9.926
>>> d, aspect = equivalent_diameter_nm("CdSe-wz", "rod", length_nm=12.0, width_nm=4.0)
>>> aspect, round(d, 2)
(3.0, 6.82)
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from nanoligand.errors import InputError

#: the TEM dimensions each shape can be sized by (besides the volume-equivalent diameter)
SIZE_KEYS = {"cube": ("edge_nm",), "octahedron": ("edge_nm",), "tetrahedron": ("edge_nm",),
             "platelet": ("edge_nm", "width_nm"), "rod": ("length_nm", "width_nm")}


def equivalent_diameter_nm(material: str, shape: str | None, *, edge_nm: float | None = None,
                           length_nm: float | None = None, width_nm: float | None = None,
                           aspect: float | None = None, ratio: float | None = None,
                           facet_energies: Mapping[str, float] | None = None) -> tuple[float, float | None]:
    """The volume-equivalent diameter (nm) of ``shape`` sized by a TEM dimension, and its aspect ratio.

    Parameters
    ----------
    material : str
        Material key or alias.
    shape : str or None
        Shape name; the material's default if None.
    edge_nm, length_nm, width_nm : float, optional
        The measured dimension(s) (module docstring); give the ones :data:`SIZE_KEYS` lists for the
        shape.
    aspect, ratio, facet_energies
        The other shape parameters (:func:`nanoligand.core.shapes.make_shape`).

    Returns
    -------
    (diameter_nm, aspect)
        ``aspect`` is ``length_nm / width_nm`` when both are given, else the one passed in.

    Raises
    ------
    InputError
        A dimension the shape has no meaning for, a non-positive value, or length and width with an
        ``aspect`` that disagrees.
    """
    from nanoligand.core.lattice import lattice_of
    from nanoligand.core.shapes import make_shape
    from nanoligand.materials import get

    given = {k: v for k, v in dict(edge_nm=edge_nm, length_nm=length_nm, width_nm=width_nm).items()
             if v is not None}
    if not given:
        raise InputError("give a size: diameter_nm, or edge_nm (cube, tetrahedron, octahedron, platelet), "
                         "or length_nm/width_nm (rod)")
    for k, v in given.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0:
            raise InputError(f"{k}: a size is a positive number of nm, got {v!r}")
    mat = get(material)
    name = shape or ("wulff" if facet_energies else mat.default_shape)
    key = name.strip().lower().replace("_", "-")
    allowed = SIZE_KEYS.get(key, ())
    wrong = [k for k in given if k not in allowed]
    if wrong:
        raise InputError(f"{wrong[0]} does not size a {key}" + (f"; it takes {' or '.join(allowed)} or diameter_nm"
                                                                  if allowed else "; give diameter_nm"))
    if "length_nm" in given and "width_nm" in given:
        measured = given["length_nm"] / given["width_nm"]
        if aspect is not None and not math.isclose(aspect, measured, rel_tol=1e-6):
            raise InputError(f"aspect {aspect:g} disagrees with length_nm/width_nm = {measured:g}; give two of them")
        aspect = measured
    sh = make_shape(key, lattice_of(mat), facet_energies=facet_energies, ratio=ratio, aspect=aspect)
    poly = sh.unit_polyhedron()
    if "edge_nm" in given:
        scale = given["edge_nm"] / max(e[2] for e in poly.edges)
    elif "width_nm" in given:
        scale = given["width_nm"] / (2.0 * float(np.min(sh.weights[sh.family_index == 0])))
    else:
        scale = given["length_nm"] / (2.0 * float(np.max(sh.weights[sh.family_index == 1])))
    volume = poly.volume * scale ** 3
    return float((6.0 * volume / math.pi) ** (1.0 / 3.0)), aspect
