"""Polyhedra, Miller indices, facet families and shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import ConvexHull

from nanoligand import InputError
from nanoligand.core.facets import expand_family, format_miller, parse_miller
from nanoligand.core.lattice import lattice_of
from nanoligand.core.polyhedron import Polyhedron
from nanoligand.core.shapes import ARCHIMEDEAN_RATIO, make_shape


def test_archimedean_truncated_octahedron_100_fraction():
    # seed 004: {100} facets are 22.4 % of the surface of an Archimedean truncated octahedron;
    # exactly 6 e^2 / (6 e^2 + 12 sqrt(3) e^2) = 0.22401
    shape = make_shape("truncated-octahedron", lattice_of("PbS"))
    poly = shape.unit_polyhedron()
    frac = poly.areas[shape.family_index == 0].sum() / poly.areas.sum()
    assert frac == pytest.approx(6 / (6 + 12 * math.sqrt(3)), rel=1e-9)
    assert round(100 * frac, 1) == 22.4
    # all 36 edges of the Archimedean solid have the same length
    lengths = np.array([e[2] for e in poly.edges])
    assert len(lengths) == 36 and np.ptp(lengths) < 1e-9


def test_cube_and_octahedron_volumes():
    cube = Polyhedron(np.vstack([np.eye(3), -np.eye(3)]), np.full(6, 2.0))
    assert cube.volume == pytest.approx(64.0) and cube.areas.sum() == pytest.approx(96.0)
    octa = make_shape("octahedron", lattice_of("Au")).unit_polyhedron()
    # regular octahedron with inradius 1: edge sqrt(6), volume sqrt(2)/3 edge^3
    assert octa.volume == pytest.approx(math.sqrt(2) / 3 * math.sqrt(6) ** 3)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.6, 1.7), st.floats(0.5, 3.0))
def test_polyhedron_volume_matches_convex_hull(ratio, scale):
    # invariant: sum of pyramid volumes (d_i A_i / 3) equals the convex hull volume of the vertices
    shape = make_shape("truncated-octahedron", lattice_of("PbS"), ratio=ratio)
    poly = Polyhedron(shape.normals, shape.weights * scale)
    assert poly.volume == pytest.approx(ConvexHull(poly.vertices).volume, rel=1e-9)
    assert poly.volume == pytest.approx(shape.unit_polyhedron().volume * scale ** 3, rel=1e-9)


@pytest.mark.parametrize("text,hexagonal,expected", [
    ("111", False, (1, 1, 1)), ("-1-1-1", False, (-1, -1, -1)), ("(1,1,0)", False, (1, 1, 0)),
    ("{200}", False, (1, 0, 0)), ("10-10", True, (1, 0, 0)), ("000-1", True, (0, 0, -1)),
    ("1 1 -2 0", True, (1, 1, 0)),
])
def test_parse_miller(text, hexagonal, expected):
    assert parse_miller(text, hexagonal) == expected


@pytest.mark.parametrize("text,hexagonal", [("11", False), ("1111", False), ("1011", True), ("000", False),
                                            ("abc", False), ("1.5,0,0", False)])
def test_parse_miller_rejects(text, hexagonal):
    with pytest.raises(InputError):
        parse_miller(text, hexagonal)


def test_format_miller_round_trip():
    assert format_miller((1, 0, 0), hexagonal=True) == "10-10"
    assert format_miller((-1, -1, -1)) == "-1-1-1"
    assert parse_miller(format_miller((1, -2, 0), True), True) == (1, -2, 0)


@pytest.mark.parametrize("key,hkl,members", [
    ("PbS", (1, 1, 1), 8),       # m-3m: {111} has 8 members
    ("CdSe", (1, 1, 1), 4),      # -43m: {111} and {-1-1-1} are different families (polar)
    ("CdSe", (1, 0, 0), 6),
    ("CdSe-wz", (1, 0, 0), 6),   # 6mm: {10-10} prism
    ("CdSe-wz", (0, 0, 1), 1),   # polar c axis: (0001) alone
    ("Au", (1, 1, 0), 12),
])
def test_family_sizes(key, hkl, members):
    lat = lattice_of(key)
    normals, _ = expand_family(hkl, lat.point_group, lat.cell)
    assert len(normals) == members


def test_wulff_signed_families_zinc_blende():
    lat = lattice_of("CdSe")
    shape = make_shape("wulff", lat, facet_energies={"111": 1.0, "-1-1-1": 1.3, "100": 1.2})
    assert shape.families == ("{111}", "{-1-1-1}", "{100}")
    assert np.bincount(shape.family_index).tolist() == [4, 4, 6]


def test_wulff_drops_unexposed_families():
    # {110} with a high energy is cut away entirely by {100} and {111}
    shape = make_shape("wulff", lattice_of("Au"), facet_energies={"100": 1.0, "111": 0.9, "110": 5.0})
    assert set(shape.family_index.tolist()) == {0, 1}


@pytest.mark.parametrize("kwargs,match", [
    ({"facet_energies": {"111": 1.0, "-1-1-1": 1.0}}, "symmetry-equivalent"),  # rock salt is centrosymmetric
    ({"facet_energies": {"111": -1.0}}, "positive"),
    ({"facet_energies": {"100": 1.0, "1111": 1.0}}, "hexagonal"),
])
def test_wulff_rejects(kwargs, match):
    with pytest.raises(InputError, match=match):
        make_shape("wulff", lattice_of("PbS"), **kwargs)


def test_wulff_needs_a_closed_polyhedron():
    from nanoligand import GeometryError
    with pytest.raises(GeometryError):
        make_shape("wulff", lattice_of("CdSe-wz"), facet_energies={"10-10": 1.0})  # open along c


def test_shape_rules():
    with pytest.raises(InputError, match="zinc blende"):
        make_shape("tetrahedron", lattice_of("PbS"))
    with pytest.raises(InputError, match="cubic"):
        make_shape("cube", lattice_of("CdSe-wz"))
    with pytest.raises(InputError, match="unknown shape"):
        make_shape("blob", lattice_of("PbS"))
    with pytest.raises(InputError, match="ratio"):
        make_shape("truncated-octahedron", lattice_of("PbS"), ratio=2.0)
    with pytest.raises(InputError, match="aspect"):
        make_shape("rod", lattice_of("CdSe-wz"), aspect=0.5)


def test_rod_aspect_ratio_is_length_over_width():
    shape = make_shape("rod", lattice_of("CdSe-wz"), aspect=4.0)
    poly = shape.unit_polyhedron()
    extent = np.ptp(poly.vertices, axis=0)
    across_flats = 2.0  # side planes at distance 1
    assert extent[2] / across_flats == pytest.approx(4.0)
    assert ARCHIMEDEAN_RATIO == pytest.approx(2 / math.sqrt(3))
