"""Bulk lattices: bonds, coordination and symmetry from the structure alone."""

from __future__ import annotations

import numpy as np
import pytest

from nanoligand.core.lattice import lattice_of

# Coordination numbers of the prototypes (any solid-state text, e.g. Kittel, Introduction to Solid State
# Physics, ch. 1; West, Basic Solid State Chemistry): NaCl 6, ZnS (both polymorphs) 4, fcc 12, diamond 4;
# cubic perovskite ABX3: B 6, A 12, X 2 B + 4 A; rutile Ti 6 / O 3; baddeleyite M 7 / O 3 and 4.
BULK_CN = {
    "PbS": {"Pb": {6}, "S": {6}},
    "CdSe": {"Cd": {4}, "Se": {4}},
    "CdSe-wz": {"Cd": {4}, "Se": {4}},
    "Au": {"Au": {12}},
    "Si": {"Si": {4}},
    "CsPbBr3": {"Pb": {6}, "Cs": {12}, "Br": {6}},
    "TiO2-rutile": {"Ti": {6}, "O": {3}},
    "TiO2-anatase": {"Ti": {6}, "O": {3}},
    "HfO2": {"Hf": {7}, "O": {3, 4}},
}


@pytest.mark.parametrize("key", sorted(BULK_CN))
def test_bulk_coordination(key):
    lat = lattice_of(key)
    found: dict[str, set[int]] = {}
    for t, cn in zip(lat.site_types, lat.bulk_cn):
        found.setdefault(lat.elements[t], set()).add(int(cn))
    assert found == BULK_CN[key]


# Site symmetry of the cluster centre: Oh for rock salt/fcc/perovskite, Td for zinc blende and diamond
# (no Oh point exists in Fd-3m), C3v for wurtzite (2b sites of P6_3mc), D2d for anatase Ti (4a of
# I4_1/amd), D2h for rutile Ti (2a of P4_2/mnm), Ci at the inversion centre of P2_1/c.
SITE_GROUP_ORDER = {"PbS": 48, "Au": 48, "CsPbBr3": 48, "CdSe": 24, "Si": 24, "CdSe-wz": 6,
                    "TiO2-anatase": 8, "TiO2-rutile": 8, "HfO2": 2}


@pytest.mark.parametrize("key", sorted(SITE_GROUP_ORDER))
def test_site_group_order(key):
    assert len(lattice_of(key).site_group) == SITE_GROUP_ORDER[key]


def test_point_group_operations_are_orthogonal():
    for key in ("CdSe-wz", "HfO2", "TiO2-anatase"):
        ops = lattice_of(key).point_group
        assert np.allclose(np.einsum("nij,nkj->nik", ops, ops), np.eye(3), atol=1e-8)


def test_bond_lengths_follow_the_lattice_constant():
    pbs = lattice_of("PbS")  # rock salt: Pb-S = a/2
    a = pbs.material.cellpar[0]
    assert np.allclose(np.linalg.norm(pbs.bond_vectors[0], axis=1), a / 2)
    cdse = lattice_of("CdSe")  # zinc blende: Cd-Se = a*sqrt(3)/4
    a = cdse.material.cellpar[0]
    assert np.allclose(np.linalg.norm(cdse.bond_vectors[0], axis=1), a * np.sqrt(3) / 4)


def test_layers_along_polar_directions():
    cdse = lattice_of("CdSe")
    a = cdse.material.cellpar[0]
    stack = cdse.layers(np.ones(3) / np.sqrt(3))
    # zinc blende (111): a Cd and a Se layer per period a/sqrt(3); the Cd layer keeps 3 bonds when
    # outermost (A face) and the Se layer 1
    assert stack.period_A == pytest.approx(a / np.sqrt(3))
    cn = {next(iter(e)): int(c) for e, c in zip(stack.elements, stack.surface_cn)}
    assert cn == {"Cd": 3, "Se": 1}
    rock = lattice_of("PbS").layers(np.array([1.0, 0, 0]))
    assert rock.elements == (frozenset({"Pb", "S"}),) and rock.surface_cn.tolist() == [5]
