"""Equilibria: solver against analytic solutions, conservation (property tests), seed-004 statements,
observables, fits, model comparison, lattice-gas limits, CLI and bad input.

References: the single-site quadratic (exact mass action); Stokes–Einstein; seed 004 (Grisorio et al.
2016) for the PbS statements; Langmuir and Fowler–Guggenheim isotherms for the lattice gas.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nanoligand import build
from nanoligand.cli import main
from nanoligand.equilibria.experiments import dilute, titrate
from nanoligand.equilibria.fit import compare, fit, simulate
from nanoligand.equilibria.lattice import SiteGraph, fowler_guggenheim, isotherm, langmuir
from nanoligand.equilibria.model import Model
from nanoligand.equilibria.network import Reaction, ReactionNetwork
from nanoligand.equilibria.observables import dosy, itc, nmr, stokes_einstein_D
from nanoligand.equilibria.presets import seed004_checks, seed004_pbs
from nanoligand.equilibria.solver import solve
from nanoligand.equilibria.spec import read_csv
from nanoligand.errors import InputError


def quadratic(S0, L0, K):
    """Bound complex of S + L <=> SL, written without cancellation."""
    b = S0 + L0 + 1.0 / K
    return 2 * S0 * L0 / (b + np.sqrt(b * b - 4 * S0 * L0))


SINGLE = {"dots": {"conc_M": 1e-5, "diameter_nm": 5.0}, "per_dot": {"S": 10},
          "reactions": [{"equation": "S + L <=> S:L", "K": 2e5, "dH_kJ": -30.0}],
          "species": {"S:L": {"bound": True, "contains": {"L": 1}, "nmr": {"L": {"shift_ppm": 5.6, "width_Hz": 40}}},
                      "L": {"contains": {"L": 1}, "radius_nm": 0.5, "nmr": {"L": {"shift_ppm": 5.3, "width_Hz": 2}}}}}


# -- solver ------------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(lS=st.floats(-12, 1), lL=st.floats(-12, 1), lK=st.floats(-3, 12))
def test_single_site_equals_quadratic(lS, lL, lK):
    net = ReactionNetwork([Reaction.parse("S + L <=> SL", K=10 ** lK)])
    S0, L0 = 10 ** lS, 10 ** lL
    c = solve(net, net.totals({"S": S0, "L": L0}))
    assert c[0, net.index("SL")] == pytest.approx(quadratic(S0, L0, 10 ** lK), rel=1e-6)


@st.composite
def networks(draw):
    """Random binding networks: building blocks A..E, complexes of two or three blocks."""
    blocks = ["A", "B", "C", "D", "E"][: draw(st.integers(2, 5))]
    reactions, made = [], set()
    for _ in range(draw(st.integers(1, 5))):
        parts = tuple(sorted(draw(st.lists(st.sampled_from(blocks), min_size=2, max_size=3, unique=True))))
        if parts in made:
            continue
        made.add(parts)
        reactions.append(Reaction.parse(" + ".join(parts) + " <=> " + "".join(parts), K=10 ** draw(st.floats(-2, 9))))
    totals = {b: 10 ** draw(st.floats(-10, 0)) for b in blocks}
    return reactions, totals


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_conservation_and_mass_action_hold_for_random_networks(case):
    reactions, totals = case
    net = ReactionNetwork(reactions)
    present = {k: v for k, v in totals.items() if k in net.species}
    T = net.totals(present)
    c = solve(net, T)
    assert np.all(c >= 0)
    assert np.allclose(c @ net.conservation, T, rtol=1e-9, atol=0)
    lnc = np.log(c[0])
    assert np.allclose(net.N.T @ lnc, net.ln_K(), atol=1e-6)


def test_conservation_laws_count_building_blocks():
    net = ReactionNetwork([Reaction.parse("S:PbOA2 + 2 RNH2 <=> S + PbOA2(RNH2)2", K=1.0),
                           Reaction.parse("S + PbOA2 <=> S:PbOA2", K=1e6)])
    W = net.conservation
    assert np.all(W >= 0) and W.shape[1] == len(net.species) - 2


def test_van_t_hoff_and_solvent_terms():
    r = Reaction.parse("S + L <=> SL", dG_kJ=-20.0, dH_kJ=-40.0, solvent_slope_kJ=1.0)
    R = 8.314462618e-3
    assert r.ln_K() == pytest.approx(20.0 / (R * 298.15))
    # van 't Hoff: d ln K / d(1/T) = -ΔH/R
    assert r.ln_K(310.0) - r.ln_K() == pytest.approx(-(-40.0) / R * (1 / 310.0 - 1 / 298.15))
    # E_T(30): chloroform 39.1, toluene 33.9 kcal/mol (Reichardt 1994) -> ΔG rises by 5.2 kJ/mol
    assert r.ln_K(solvent="chloroform") == pytest.approx((20.0 - 5.2) / (R * 298.15))


# -- seed 004 ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed004():
    return seed004_checks(seed004_pbs())


def test_seed004_statements(seed004):
    # seed 004: 100 equivalents of oleic acid at 0.1 mM lower bound ligand by up to ~20 %, mainly {100}
    assert seed004["bound_units_lost_with_100eq_oleic_acid"] == pytest.approx(0.20, abs=0.01)
    assert seed004["lost_100"] > 5 * seed004["lost_111"]
    assert seed004["share_of_displaced_from_100"] > 0.5
    # polar CDCl3 dissociates more than toluene-d8
    assert seed004["free_fraction_chloroform"] > seed004["free_fraction_toluene"]
    # Pb-dioleate leaves the bound oleyl almost unchanged (within 10 %)
    assert abs(seed004["bound_oleyl_change_with_100eq_PbOA2"]) < 0.10
    # one oleyl ligand per excess Pb: 313 excess Pb on the 4.8 nm seed004 core, ~99 % bound
    assert seed004["bound_oleyl_per_dot"] == pytest.approx(313 * 0.99, rel=0.01)


def test_seed004_dilution_raises_dosy_D():
    m = seed004_pbs()
    s = dilute(m, [1e-4, 3e-5, 1e-5, 3e-6]).state
    D = dosy(s, "OA")
    assert np.all(np.diff(D) > 0)
    assert np.all(np.diff(1 - s.bound_fraction("OA")) > 0)


def test_seed004_100_facets_are_the_smaller_share_of_sites():
    # seed 004: {100} facets are 22.4 % of a truncated octahedron's surface; the model shares the
    # excess Pb by area, so {100} holds about a fifth of the bound units
    m = seed004_pbs()
    share = m.per_dot["Pb100:X"] / (m.per_dot["Pb100:X"] + m.per_dot["Pb111:X"])
    assert share == pytest.approx(0.224, abs=0.03)


# -- observables -------------------------------------------------------------------------------------------
def test_stokes_einstein():
    # D = kT / (6 pi eta r): 1 nm in toluene (0.554 mPa s) at 298.15 K
    assert stokes_einstein_D(1.0, 0.554, 298.15) == pytest.approx(1.380649e-23 * 298.15 / (6 * np.pi * 0.554e-3 * 1e-9),
                                                                  rel=1e-3)


def test_nmr_fast_and_slow_exchange():
    m = Model.from_spec(SINGLE)
    s = titrate(m, "L", [5.0, 20.0]).state
    fast = nmr(s, "L", "fast")[0]
    p_bound = s.bound_fraction("L")
    assert fast.shift_ppm == pytest.approx(5.6 * p_bound + 5.3 * (1 - p_bound))
    assert fast.width_Hz == pytest.approx(40 * p_bound + 2 * (1 - p_bound))
    slow = {ln.species: ln for ln in nmr(s, "L", "slow")}
    assert slow["S:L"].intensity == pytest.approx(p_bound)


def test_itc_heats_add_up_to_the_binding_enthalpy():
    m = Model.from_spec(SINGLE)
    run = itc(m, "L", 2e-3, [1.0] * 40, cell_mL=1.4)
    bound_mol = run.state["S:L"][-1] * 1.4e-3  # what the cell holds after the last injection
    # sum of heats ≈ ΔH × bound moles (the displaced-volume correction is second order)
    assert run.heat_uJ.sum() == pytest.approx(-30.0e9 * bound_mol, rel=0.03)
    assert run.heat_uJ[0] < run.heat_uJ[-1] < 0  # saturates


# -- fits --------------------------------------------------------------------------------------------------
def test_fit_recovers_parameters_within_uncertainty():
    true = Model.from_spec(SINGLE)
    exp = {"kind": "titration", "add": "L", "per": "dot", "observable": "bound:L"}
    x = np.linspace(1, 40, 25)
    rng = np.random.default_rng(3)
    sigma = 0.01
    y = simulate(true, exp, x) + rng.normal(0, sigma, len(x))
    start = Model.from_spec({**SINGLE, "per_dot": {"S": 6}, "reactions": [{"equation": "S + L <=> S:L", "K": 1e4}]})
    r = fit(start, [(exp, x, y, np.full_like(x, sigma))],
            [{"name": "K", "target": "reaction:0:K", "value": 1e4, "log": True},
             {"name": "sites", "target": "per_dot:S", "value": 6.0}])
    assert abs(r.values["K"] - 2e5) < 3 * r.stderr["K"]
    assert abs(r.values["sites"] - 10) < 3 * r.stderr["sites"]
    assert r.chi2 / (r.n_points - 2) == pytest.approx(1.0, abs=0.6)


def test_two_site_classes_win_on_two_site_data():
    # Drijvers et al. 2018: displacement data need two binding-site classes
    two = Model.from_spec({**SINGLE, "per_dot": {"S": 6, "T": 6},
                           "reactions": [{"equation": "S + L <=> S:L", "K": 1e7}, {"equation": "T + L <=> T:L", "K": 3e4}],
                           "species": {**SINGLE["species"], "T:L": {"bound": True, "contains": {"L": 1}}}})
    exp = {"kind": "titration", "add": "L", "observable": "bound:L"}
    x = np.linspace(1, 40, 30)
    y = simulate(two, exp, x) + np.random.default_rng(1).normal(0, 0.005, len(x))
    one_fit = fit(Model.from_spec(SINGLE), [(exp, x, y, None)],
                  [{"name": "K", "target": "reaction:0:K", "value": 1e5, "log": True},
                   {"name": "n", "target": "per_dot:S", "value": 10.0}])
    two_fit = fit(two, [(exp, x, y, None)],
                  [{"name": "K1", "target": "reaction:0:K", "value": 1e6, "log": True},
                   {"name": "K2", "target": "reaction:1:K", "value": 1e5, "log": True}])
    ranking = compare({"one class": one_fit, "two classes": two_fit})
    assert ranking[0]["model"] == "two classes" and ranking[1]["delta_aic"] > 10


# -- lattice gas -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graph():
    return SiteGraph.from_core(build("PbS", 5.0, "truncated-octahedron", "seed004"))


def test_lattice_gas_without_interactions_is_langmuir(graph):
    mu = np.array([-4.0, 0.0, 4.0])
    iso = isotherm(graph, mu, eps_kJ=0.0, w_kJ=0.0, sweeps=400, equilibration=100)
    assert np.all(np.abs(iso.coverage - langmuir(mu, 0.0)) < 4 * iso.stderr + 2e-3)


def test_weak_coupling_approaches_fowler_guggenheim(graph):
    mu = np.array([-4.0, 0.0, 4.0])
    iso = isotherm(graph, mu, eps_kJ=0.0, w_kJ=-0.4, sweeps=400, equilibration=200)
    fg = fowler_guggenheim(mu, 0.0, graph.coordination.mean(), -0.4)
    assert np.all(np.abs(iso.coverage - fg) < 0.01)


def test_attraction_makes_the_isotherm_steeper(graph):
    # about half filling (mu = eps + z w / 2 by particle-hole symmetry), attraction sharpens the rise
    mu = np.array([-1.0, 1.0])
    flat = isotherm(graph, mu, 0.0, 0.0, sweeps=200, equilibration=100).coverage
    half = 0.5 * graph.coordination.mean() * -1.0
    coop = isotherm(graph, mu + half, 0.0, -1.0, sweeps=200, equilibration=100).coverage
    assert np.diff(coop)[0] > 1.5 * np.diff(flat)[0]


# -- interfaces and bad input ------------------------------------------------------------------------------
def test_cli_titrate_and_fit(tmp_path, capsys):
    spec = tmp_path / "job.yaml"
    spec.write_text("model:\n" + "\n".join("  " + ln for ln in json.dumps(SINGLE).splitlines()) +
                    "\nexperiment: {kind: titration, add: L, observable: 'bound:L'}\n"
                    "fit:\n  parameters:\n    - {name: K, target: 'reaction:0:K', value: 1.0e+4, log: true}\n")
    assert main(["titrate", str(spec), "--equivalents", "1:30:10", "--json", "-o", str(tmp_path / "c.csv")]) == 0
    d = json.loads(capsys.readouterr().out)
    x, y, _ = read_csv(tmp_path / "c.csv")
    assert np.allclose(x, d["x"]) and np.allclose(y, d["y"])
    assert main(["fit", str(spec), str(tmp_path / "c.csv"), "--json"]) == 0
    f = json.loads(capsys.readouterr().out)
    assert f["values"]["K"] == pytest.approx(2e5, rel=1e-4)


@pytest.mark.parametrize("bad, words", [
    ({"reactions": [{"equation": "S + L <=> S:L"}]}, "give K or dG_kJ"),
    ({"reactions": [{"equation": "S + L => S:L", "K": 1}]}, "reactants <=> products"),
    ({"reactions": [{"equation": "S + L <=> S:L", "K": 1}], "free_M": {"L": -1}}, "negative"),
    ({"reactions": [{"equation": "S + L <=> S:L", "K": 1}], "free_M": {"Q": 1}}, "unknown species"),
    ({"reactions": [{"equation": "S + L <=> S:L", "K": -1}]}, "positive"),
    ({"reactions": [{"equation": "A <=> B", "K": 1}, {"equation": "B <=> C", "K": 1}, {"equation": "A <=> C", "K": 1}]},
     "not independent"),
])
def test_bad_models_fail_clearly(bad, words):
    with pytest.raises(InputError, match=words):
        Model.from_spec(bad)


def test_unbalanced_reaction_is_an_error():
    with pytest.raises(InputError, match="made from nothing"):
        ReactionNetwork([Reaction.parse("A <=> B + C", K=1.0), Reaction.parse("B <=> A + C", K=1.0)])


def test_malformed_csv_is_one_line(tmp_path, capsys):
    spec = tmp_path / "job.yaml"
    spec.write_text("preset: seed004\nexperiment: {kind: titration, add: OAH, observable: 'bound:OA'}\n"
                    "fit:\n  parameters:\n    - {name: g, target: 'reaction:0:dG_kJ', value: 27}\n")
    data = tmp_path / "d.csv"
    data.write_text("x,y\n1,0.9\n2,oops\n")
    assert main(["fit", str(spec), str(data)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "line 3" in err and err.count("\n") == 1


def test_itc_isotherm_of_a_tight_binder_steps_at_the_site_count():
    # Wiseman, Williston, Brandts, Lin, Anal. Biochem. 1989, 179, 131: for c = K·[sites] >> 1 the heat per
    # mole injected equals ΔH until the sites are full (molar ratio = n), then falls to zero.
    from nanoligand.equilibria.runs import run

    spec = {"dots": {"conc_M": 1e-5}, "per_dot": {"S": 10}, "conditions": {"volume_mL": 1.4},
            "reactions": [{"equation": "S + L <=> S:L", "K": 1e8, "dH_kJ": -40.0}],
            "species": {"S:L": {"bound": True, "contains": {"L": 1}}, "L": {"contains": {"L": 1}}}}
    c = run(Model.from_spec(spec), {"kind": "itc", "add": "L", "syringe_M": 2e-3, "injections_uL": "5:5:40"})
    assert c.x_label.endswith("(cumulative molar ratio)") and c.y_label == "heat per mole injected (kJ/mol)"
    assert c.y[0] == pytest.approx(-40.0, abs=0.5)
    assert abs(c.y[-1]) < 0.5
    half = c.x[np.argmax(c.y > -20.0)]            # first injection past the midpoint of the step
    assert 9.5 < half < 12.5                      # n = 10 sites per dot
    assert not any("no reaction enthalpies" in n for n in c.notes)


def test_itc_on_a_model_without_enthalpies_says_so():
    from nanoligand.equilibria.runs import run
    from nanoligand.equilibria.spec import load_job

    c = run(load_job({"preset": "seed004"}).model, {"kind": "itc", "add": "OAH", "injections_uL": "2:2:4"})
    assert np.all(c.y == 0.0) and any("no reaction enthalpies" in n for n in c.notes)
