"""The one spec: its generated reference, the example files, and sizes as TEM gives them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from nanoligand.core.sizes import equivalent_diameter_nm
from nanoligand.errors import InputError
from nanoligand.spec import parse_recipe, parse_spec, schema_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_docs_spec_is_generated_from_the_schema():
    # regenerate with: python -m nanoligand.spec > docs/spec.md
    assert (ROOT / "docs" / "spec.md").read_text(encoding="utf-8").strip() == schema_markdown().strip()


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_file_passes_its_schema(path):
    from nanoligand.equilibria.spec import load_job

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "material" in data:
        parse_spec(data)
    elif "entries" in data:
        parse_recipe(data)
    else:
        load_job(path)


@pytest.mark.parametrize("shape, size, volume_nm3", [
    ("cube", {"edge_nm": 8.0}, 8.0 ** 3),                                      # a³
    ("tetrahedron", {"edge_nm": 6.0}, 6.0 ** 3 / (6 * math.sqrt(2))),           # a³/(6√2)
    ("octahedron", {"edge_nm": 4.0}, math.sqrt(2) / 3 * 4.0 ** 3),              # √2 a³/3
])
def test_edge_lengths_give_the_volume_of_the_regular_solid(shape, size, volume_nm3):
    material = {"tetrahedron": "CdSe", "octahedron": "PbS", "cube": "CsPbBr3"}[shape]
    d, _ = equivalent_diameter_nm(material, shape, **size)
    assert math.pi * d ** 3 / 6 == pytest.approx(volume_nm3, rel=1e-9)


def test_a_wurtzite_rod_from_length_and_width_is_a_hexagonal_prism():
    # flat-to-flat width w: hexagon area (√3/2) w²; volume × length; aspect = length / width
    d, aspect = equivalent_diameter_nm("CdSe-wz", "rod", length_nm=12.0, width_nm=4.0)
    assert aspect == pytest.approx(3.0)
    assert math.pi * d ** 3 / 6 == pytest.approx(math.sqrt(3) / 2 * 4.0 ** 2 * 12.0, rel=1e-9)


def test_a_spec_sized_by_its_edge_builds_that_cube():
    spec = parse_spec({"material": "CsPbBr3", "edge_nm": 6.0, "shape": "cube", "shell": "none"})
    nc = spec.build()
    # the census measures the cube's edge on the atoms (half a layer outside the outermost ones); whole
    # CsBr-terminated layers allow one size every lattice constant (a = 0.587 nm), so within one a of 6 nm
    (edge,) = nc.census.edge_lengths_nm.values()
    assert abs(edge - 6.0) < 0.587
    assert nc.census.extent_nm["x"] == nc.census.extent_nm["y"] == nc.census.extent_nm["z"]


@pytest.mark.parametrize("data, words", [
    ({"material": "PbS"}, "diameter_nm"),
    ({"material": "PbS", "diameter_nm": 4, "edge_nm": 4, "shape": "cube"}, "one of the two"),
    ({"material": "PbS", "edge_nm": 4}, "does not size a truncated-octahedron"),
    ({"material": "CdSe-wz", "shape": "rod", "length_nm": 9, "width_nm": 3, "aspect": 2}, "disagrees"),
    ({"material": "PbS", "diameter_nm": 4, "colour": "red"}, "colour"),
    # likely mistakes that used to pass silently (issue: nothing misleads)
    ({"material": "PbS", "diameter_nm": 4, "shell": []}, "empty recipe"),
    ({"material": "PbS", "diameter_nm": 4, "shape": "sphere", "aspect": 3}, "rods and platelets, not a sphere"),
    ({"material": "PbS", "diameter_nm": 4, "shape": "cube", "ratio": 1.2}, "not a cube"),
    ({"material": "PbS", "diameter_nm": True}, "valid number"),
])
def test_bad_sizes_and_keys_name_the_field(data, words):
    with pytest.raises(InputError, match=words):
        spec = parse_spec(data)
        spec.build()
