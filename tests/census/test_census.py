"""Surface census: the JSON contract, per-atom arrays, families, areas and edges."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from nanoligand.surface import ROLES

from tests.conftest import cached_core

REQUIRED_KEYS = {"material", "shape", "termination", "diameter_nm", "n_atoms", "composition",
                 "cation_anion_ratio", "net_charge", "x_ligands_for_neutrality", "surface_area_nm2", "facets"}
FACET_KEYS = {"family", "n_faces", "area_nm2", "area_fraction", "atoms"}


MANIFEST_KEYS = {"material", "n_atoms", "net_charge", "valid", "validation", "core", "shell", "composition"}


def test_json_contract(pbs_seed004):
    # one manifest shape for bare and capped models (issue 12); the census under "core"
    m = json.loads(json.dumps(pbs_seed004.to_dict()))
    assert set(m) == MANIFEST_KEYS and m["shell"]["entries"] == [] and m["composition"]["ligands_total"] == 0
    d = m["core"]
    assert REQUIRED_KEYS <= set(d)
    assert all(FACET_KEYS <= set(f) for f in d["facets"])
    assert d["material"] == "PbS" and d["termination"] == "seed004" and d["shape"] == "truncated-octahedron"
    assert d["n_atoms"] == sum(d["composition"].values())
    assert d["cation_anion_ratio"] == pytest.approx(d["composition"]["Pb"] / d["composition"]["S"], rel=1e-4)


def test_per_atom_arrays(pbs_seed004):
    arrays = pbs_seed004.atoms.arrays
    for name in ("coordination", "bulk_coordination", "missing_bonds", "facet", "site_role", "face", "kind"):
        assert name in arrays and len(arrays[name]) == len(pbs_seed004.atoms)
    assert set(arrays["site_role"]) <= set(ROLES)
    families = {f.family for f in pbs_seed004.census.facets}
    assert set(arrays["facet"]) <= families | {"-"}
    assert np.all((arrays["facet"] == "-") == (arrays["site_role"] == "bulk"))
    assert np.all(arrays["missing_bonds"] == np.maximum(arrays["bulk_coordination"] - arrays["coordination"], 0))


def test_family_atom_counts_add_up(pbs_seed004):
    census = pbs_seed004.census
    per_family = sum(sum(f.atoms.values()) for f in census.facets)
    assert per_family == census.n_surface_atoms


def test_truncated_octahedron_edges(pbs_seed004):
    # the Archimedean solid has equal edges; the atomistic one keeps both edge types within a layer
    edges = pbs_seed004.census.edge_lengths_nm
    assert set(edges) == {"{100}|{111}", "{111}|{111}"}
    a_nm = 0.59362
    assert abs(edges["{100}|{111}"] - edges["{111}|{111}"]) < 2 * a_nm
    extent = pbs_seed004.census.extent_nm
    assert extent["x"] == extent["y"] == extent["z"]


def test_zinc_blende_sphere_has_signed_111_zones():
    census = cached_core("CdSe", 3.5, "sphere", "cation_rich").census
    fams = {f.family: f for f in census.facets}
    assert {"{100}", "{110}", "{111}", "{-1-1-1}"} <= set(fams)
    assert fams["{111}"].n_faces == 4 and fams["{-1-1-1}"].n_faces == 4
    # sphere zones partition the sphere of the core's diameter
    assert census.surface_area_nm2 == pytest.approx(math.pi * census.diameter_nm ** 2, rel=1e-3)


def test_wurtzite_rod_families():
    census = cached_core("CdSe-wz", 4.0, "rod", "cation_rich").census
    fams = {f.family: f for f in census.facets}
    # the polar caps are different families; the six prism faces form one family, or two sets of
    # three where the 6_3 screw (shift c/2) leaves one more row on alternate faces at a cap. This rod,
    # centred on the screw axis, has one: six faces of 66 atoms (72 and 74 on alternate triples when
    # it was centred on an atom column)
    assert {"{10-10}", "{0001}", "{000-1}"} <= set(fams) <= {"{10-10}", "{-1010}", "{0001}", "{000-1}"}
    assert sum(f.n_faces for f in census.facets if f.family.endswith("10}")) == 6
    assert fams["{10-10}"].n_faces == 6 and len(set(fams["{10-10}"].atoms_per_face)) == 1
    assert fams["{0001}"].n_faces == 1 and fams["{000-1}"].n_faces == 1
    # the prism is 3x longer than wide (default aspect), so its extent along c dominates
    ext = census.extent_nm
    assert ext["z"] > 2.0 * max(ext["x"], ext["y"])


def test_cube_area_fraction_and_extent():
    census = cached_core("CsPbBr3", 6.0, "cube", "AX").census
    assert [f.family for f in census.facets] == ["{100}"]
    assert census.facets[0].n_faces == 6 and census.facets[0].area_fraction == 1.0
    # CsBr-terminated cube of Cs (n+1)^3: the Cs corners span n lattice constants
    n = round(census.composition["Pb"] ** (1 / 3))
    assert census.extent_nm["x"] == pytest.approx(n * 0.58312, rel=1e-4)


def test_molar_mass_is_the_sum_of_atomic_weights(pbs_seed004):
    comp = pbs_seed004.census.composition
    assert pbs_seed004.census.molar_mass_g_mol == pytest.approx(comp["Pb"] * 207.2 + comp["S"] * 32.06, rel=1e-6)


def test_warnings_for_off_size_builds():
    # a platelet's thickness moves in whole PbI2 layers (a = 0.624 nm): 1.4 nm cannot be built, the
    # nearest is two lattice constants plus a layer (~2.0 nm), +40 % or more off -> a warning
    census = cached_core("CsPbI3", 1.4, "platelet", "BX2").census
    off = census.diameter_nm / 1.4 - 1
    assert off > 0.3
    assert any("off the requested" in w for w in census.warnings)
    # a request the lattice meets within 5 % gives none
    assert not any("off the requested" in w for w in cached_core("CsPbI3", 2.0, "platelet", "BX2").census.warnings)


@pytest.mark.parametrize("diameter_nm", [2.5, 4.8, 7.2])
def test_seed004_excess_lead_matches_its_facets(diameter_nm):
    """Seed 004's model: Pb on every {111} (half a layer of excess Pb, 4/(2*sqrt(3)*a^2) = 3.28 nm^-2 for
    a = 5.936 A) and one Pb above every S of {100} (2/a^2 = 5.68 nm^-2). The excess Pb counted from the
    atoms must equal those lattice densities times the facet areas (the polyhedron's, from the census)
    within 3 %: edges and corners are shared, so the match is not exact."""
    c = cached_core("PbS", diameter_nm, "truncated-octahedron", "seed004").census
    a = 0.5936
    per = {"{111}": 2 / (np.sqrt(3) * a**2), "{100}": 2 / a**2}
    expected = sum(per[f.family] * f.area_nm2 for f in c.facets)
    excess = c.composition["Pb"] - c.composition["S"]
    assert excess == pytest.approx(expected, rel=0.03)
