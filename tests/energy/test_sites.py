"""Site cut-outs and desorption energies: composition from the coordinates, a published binding energy."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from ase import Atoms

from nanoligand.energy.desorb import KJ_MOL_PER_EV, desorption_energy
from nanoligand.energy.engines import Settings
from nanoligand.energy.sites import Site, cut_site, proxy_recipe
from nanoligand.nanocrystal import build


@pytest.fixture(scope="module")
def pbs_proxy():
    return build("PbS", 1.6, shell=proxy_recipe("PbS"))


def _ions(atoms: Atoms) -> dict[str, int]:
    """Pb2+, S2-, acetate and hydroxide counted from the element counts alone (acetate C2H3O2, hydroxide OH)."""
    n = Counter(atoms.get_chemical_symbols())
    acetate = n["C"] / 2
    hydroxide = n["O"] - 2 * acetate
    return {"Pb": n["Pb"], "S": n["S"], "acetate": acetate, "hydroxide": hydroxide, "H": n["H"]}


def test_proxy_recipe_replaces_oleate_by_acetate_only():
    assert proxy_recipe("PbS") == [{"ligand": "acetic acid", "motif": "X", "role": "neutralize", "share": 1},
                                   {"ligand": "hydroxide", "motif": "X", "role": "neutralize", "share": 1}]


@pytest.mark.parametrize("role, facet", [("adatom", "{100}"), ("facet", "{111}")])
def test_cut_outs_are_neutral_with_whole_ligands(pbs_proxy, role, facet):
    site = cut_site(pbs_proxy, role, facet, radius_A=6.0, free_radius_A=3.5)
    ions = _ions(site.atoms)
    # whole ligands: 3 H per acetate, 1 per hydroxide, nothing else carries H
    assert ions["H"] == 3 * ions["acetate"] + ions["hydroxide"]
    # neutral by ion count: 2 Pb2+ = 2 S2- + acetate- + hydroxide- (closed shell, even electron count)
    assert 2 * ions["Pb"] == 2 * ions["S"] + ions["acetate"] + ions["hydroxide"]
    assert int(site.atoms.numbers.sum()) % 2 == 0
    # the unit is seed 004's Z-type Pb(OH)(O2CR), here with acetate: PbC2H4O3
    assert site.unit_atoms.get_chemical_formula() == "C2H4O3Pb"
    unit_ions = _ions(site.unit_atoms)
    assert 2 * unit_ions["Pb"] == unit_ions["acetate"] + unit_ions["hydroxide"]
    # the centre is where the census says: a surface Pb of the requested class, inside the free region
    assert site.atoms[site.centre].symbol == "Pb" and not site.fixed[site.centre]
    assert pbs_proxy.atoms.arrays["site_role"][site.model_index] == role
    # every atom of the cut-out lies at the model's position (nothing moved, nothing invented)
    d = np.linalg.norm(site.atoms.positions[:, None] - pbs_proxy.atoms.positions[None], axis=2).min(axis=1)
    assert d.max() < 1e-9


def test_water_dimer_binding_energy_against_s22():
    # S22 benchmark (Jurečka, Šponer, Černý, Hobza, PCCP 2006, 8, 1985; CCSD(T)/CBS as revised by Takatani
    # 2010): water dimer De 5.02 kcal/mol = 21.0 kJ/mol. GFN2-xTB's S22 mean absolute error is below
    # 1 kcal/mol (Bannwarth 2019), so the relaxed ΔE must lie within 4 kJ/mol; the sign and the eV → kJ/mol
    # conversion of desorption_energy are what this checks
    dimer = Atoms("OHHOHH", positions=[[0.0, 0.0, 0.0], [0.96, 0.0, 0.0], [-0.24, 0.93, 0.0],
                                        [2.91, 0.0, 0.0], [3.25, 0.45, 0.76], [3.25, 0.45, -0.76]])
    site = Site(dimer, 3, np.array([3, 4, 5]), np.zeros(6, bool), "L", "dimer", "-", 3, 0, 0)
    d = desorption_energy(site, Settings("GFN2-xTB"), fmax_eV_A=0.02)
    assert d.delta_e_kJ_mol == pytest.approx(21.0, abs=4.0)
    assert d.delta_e_kJ_mol == pytest.approx(d.delta_e_eV * KJ_MOL_PER_EV)
    assert d.to_dict()["converged"]
    frames = d.frames()
    assert [len(f) for f in frames] == [6, 3, 3] and [f.info["state"] for f in frames] == ["bound", "surface left",
                                                                                          "free unit"]
    # the two waters stay apart by a hydrogen bond: O···O 2.8-3.0 Å (S22 geometry 2.91 Å)
    assert 2.8 < frames[0].get_distance(0, 3) < 3.0


def test_predicted_model_with_the_calibrated_numbers_is_the_calibrated_model():
    # invariant: feeding the calibrated free energies (and the slope they imply) through the predicted path
    # reproduces the calibrated model's checks; a weaker {100} unit (lower ΔG) must lose a larger share
    from nanoligand.energy.predict import compare_seed004, predicted_seed004_parameters
    from nanoligand.solvents import polarity_ET30_kcal_mol
    from nanoligand.tables import load_table

    cal = load_table("equilibria.yaml")["seed004"]["parameters"]
    d_et30 = polarity_ET30_kcal_mol("chloroform") - polarity_ET30_kcal_mol("toluene")
    same = predicted_seed004_parameters(cal["dG_diss_100_kJ"], cal["dG_diss_111_kJ"], cal["solvent_slope_kJ"] * d_et30)
    both = compare_seed004(same)
    for key, value in both["calibrated"].items():
        assert both["predicted"][key] == pytest.approx(value, rel=1e-6), key
    weaker = compare_seed004(predicted_seed004_parameters(cal["dG_diss_100_kJ"] - 5, cal["dG_diss_111_kJ"], 0.0))
    assert weaker["predicted"]["share_of_displaced_from_100"] > both["calibrated"]["share_of_displaced_from_100"]
    assert weaker["predicted"]["chloroform_over_toluene"] == pytest.approx(1.0, abs=1e-6)  # no solvent effect


@pytest.mark.parametrize("long_name", ["oleic acid", "oleylamine", "DDT"])
def test_each_proxy_keeps_the_anchor_of_the_ligand_it_stands_for(long_name):
    # a proxy cuts the chain, never the anchor: the same anchor classes (carboxylic acid, amine, thiol)
    from nanoligand.energy.sites import PROXIES
    from nanoligand.ligands import ligand

    full, proxy = ligand(long_name), ligand(PROXIES[long_name])
    assert {a.group for a in proxy.anchors} == {a.group for a in full.anchors}
    assert proxy.mol.GetNumHeavyAtoms() <= 4 < full.mol.GetNumHeavyAtoms()
