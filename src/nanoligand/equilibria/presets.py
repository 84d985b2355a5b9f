"""Built-in equilibrium models: the seed-004 PbS/oleate colloid, calibrated to the seed's statements.

Seed 004 (Grisorio et al., Angew. Chem. Int. Ed. 2016, 55, 6628) describes purified oleate-capped PbS
QDs as an equilibrium of cores, bound Pb(OH)(oleate) units (one oleyl per excess Pb) and free
species: polar solvents (CDCl3) dissociate more than toluene; dilution favours dissociation (apparent
DOSY D rises); 100 equivalents of oleic acid on 4.8 nm dots at 0.1 mM lower the bound-ligand signal
by up to ~20 %, mainly by Z-type displacement of Pb-oleate from the {100} facets (22.4 % of the
surface, weaker binding); added Pb-dioleate leaves the bound signal almost unchanged.

The model, per facet family F ({100}, {111}; site counts from the core's census: the excess Pb
shared by facet area, one oleyl unit per excess Pb):

* ``PbF:X <=> PbF + X``  — dissociation of a bound Pb(OH)(oleate) unit X (Z type), ΔG_F;
* ``X + OAH <=> X:OAH``   — oleic acid coordinating the free unit (what drives the displacement);
* ``PbF + PbOA2 <=> PbF:PbOA2`` — Pb-dioleate on a vacated site, bound more weakly than the unit by
  ``dG_PbOA2_weaker_kJ``.

The ΔG values and the solvent slope are **calibrated**, not measured (``data/equilibria.yaml`` says to
what): the seed fixes directions and one magnitude (~20 %), not binding constants. Use
:func:`seed004_pbs` for the model and :func:`calibrate_seed004` to redo the calibration.

Examples
--------
>>> m = seed004_pbs()
>>> sorted(m.per_dot)
['Pb100:X', 'Pb111:X']
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nanoligand.equilibria.model import Model
from nanoligand.tables import load_table

#: dots and conditions of the seed-004 titrations
SEED004 = {"diameter_nm": 4.8, "conc_M": 1e-4, "solvent": "toluene"}


@lru_cache(maxsize=8)
def _site_counts(diameter_nm: float) -> tuple[tuple[str, int], ...]:
    """Oleyl units per dot by facet family: excess Pb (seed 004: one oleyl each) by facet area."""
    from nanoligand import build

    c = build("PbS", diameter_nm, "truncated-octahedron", "seed004").census
    excess = (c.composition["Pb"] - c.composition["S"])
    frac = {f.family: f.area_fraction for f in c.facets}
    n100 = int(round(excess * frac.get("{100}", 0.0)))
    return (("100", n100), ("111", excess - n100))


@lru_cache(maxsize=8)
def _ligand_radius_nm(name: str) -> tuple[float, float]:
    """Hydrodynamic radius estimate (nm) of a free ligand: the sphere of its van der Waals volume
    (RDKit), and its extended length (nm, the shell thickness)."""
    from rdkit import Chem
    from rdkit.Chem import AllChem

    from nanoligand.ligands import ligand
    from nanoligand.ligands.conformer import quick_embed

    lig = ligand(name)
    mh = Chem.AddHs(lig.mol)
    quick_embed(mh)
    volume_A3 = AllChem.ComputeMolVolume(mh)
    return (3 * volume_A3 / (4 * np.pi)) ** (1 / 3) / 10.0, lig.descriptors_3d["length_A"] / 10.0


def seed004_pbs(diameter_nm: float = SEED004["diameter_nm"], conc_M: float = SEED004["conc_M"],
                solvent: str = SEED004["solvent"], T_K: float = 298.15, params: dict | None = None) -> Model:
    """The seed-004 model (module docstring) for a dot size, concentration and solvent."""
    p = dict(load_table("equilibria.yaml")["seed004"]["parameters"]) if params is None else params
    counts = dict(_site_counts(diameter_nm))
    r_free, length = _ligand_radius_nm("oleic acid")
    reactions, per_dot, species = [], {}, {}
    for fam, n in counts.items():
        site, bound = f"Pb{fam}", f"Pb{fam}:X"
        reactions.append({"equation": f"{bound} <=> {site} + X", "dG_kJ": p[f"dG_diss_{fam}_kJ"],
                          "solvent_slope_kJ": p["solvent_slope_kJ"], "solvent_ref": "toluene"})
        reactions.append({"equation": f"{site} + PbOA2 <=> {site}:PbOA2",
                          "dG_kJ": -p[f"dG_diss_{fam}_kJ"] + p["dG_PbOA2_weaker_kJ"],
                          "solvent_slope_kJ": -p["solvent_slope_kJ"], "solvent_ref": "toluene"})
        per_dot[bound] = n
        species[bound] = {"bound": True, "contains": {"OA": 1}}
        species[f"{site}:PbOA2"] = {"bound": True, "contains": {"OA": 2}}
    reactions.append({"equation": "X + OAH <=> X:OAH", "dG_kJ": p["dG_complex_kJ"]})
    species.update({"X": {"contains": {"OA": 1}, "radius_nm": r_free}, "X:OAH": {"contains": {"OA": 2}, "radius_nm": r_free},
                    "OAH": {"contains": {"OA": 1}, "radius_nm": r_free}, "PbOA2": {"contains": {"OA": 2}, "radius_nm": r_free}})
    rec = load_table("equilibria.yaml")["seed004"]
    return Model.from_spec({
        "name": "seed004", "source": rec["source"], "calibration": rec["calibration"],
        "dots": {"conc_M": conc_M, "diameter_nm": diameter_nm, "shell_nm": length},
        "conditions": {"T_K": T_K, "solvent": solvent},
        "per_dot": per_dot, "free_M": {"OAH": 0.0, "PbOA2": 0.0},
        "reactions": reactions, "species": species,
    })


def seed004_checks(model: Model | None = None) -> dict[str, float]:
    """The quantities the calibration targets, computed from a model (default: the built-in one)."""
    from nanoligand.equilibria.experiments import dilute, titrate

    m = model or seed004_pbs()
    start = m.equilibrium()
    bound0 = start.units("OA", bound=True)[0]
    oa = titrate(m, "OAH", [100.0]).state
    lost = 1 - oa["Pb100:X"][0] / start["Pb100:X"][0], 1 - oa["Pb111:X"][0] / start["Pb111:X"][0]
    units0 = start["Pb100:X"][0] + start["Pb111:X"][0]
    units = oa["Pb100:X"][0] + oa["Pb111:X"][0]
    displaced_100 = start["Pb100:X"][0] - oa["Pb100:X"][0]
    cdcl3 = m.equilibrium(solvent="chloroform")
    pb = titrate(m, "PbOA2", [100.0]).state
    dil = dilute(m, [m.dot_conc_M, m.dot_conc_M / 10])
    return {
        "free_fraction_toluene": float(1 - start.bound_fraction("OA")[0]),
        "free_fraction_chloroform": float(1 - cdcl3.bound_fraction("OA")[0]),
        "bound_units_lost_with_100eq_oleic_acid": float(1 - units / units0),
        "share_of_displaced_from_100": float(displaced_100 / (units0 - units)),
        "lost_100": float(lost[0]), "lost_111": float(lost[1]),
        "bound_oleyl_change_with_100eq_PbOA2": float(pb.units("OA", bound=True)[0] / bound0 - 1),
        "free_fraction_at_tenfold_dilution": float(1 - dil.state.bound_fraction("OA")[1]),
        "bound_oleyl_per_dot": float(bound0 / m.dot_conc_M),
    }


def calibrate_seed004() -> dict[str, float]:
    """Solve the parameters for the calibration targets of ``data/equilibria.yaml``."""
    from scipy.optimize import least_squares

    rec = load_table("equilibria.yaml")["seed004"]
    tgt = rec["targets"]

    def params_of(x):
        return {"dG_diss_100_kJ": x[0], "dG_diss_111_kJ": x[1], "dG_complex_kJ": x[2], "solvent_slope_kJ": x[3],
                "dG_PbOA2_weaker_kJ": x[4]}

    def resid(x):
        c = seed004_checks(seed004_pbs(params=params_of(x)))
        return [np.log(c["free_fraction_toluene"] / tgt["free_fraction_toluene"]),
                np.log(c["bound_units_lost_with_100eq_oleic_acid"] / tgt["bound_units_lost_with_100eq_oleic_acid"]),
                np.log(c["share_of_displaced_from_100"] / tgt["share_of_displaced_from_100"]),
                np.log(c["free_fraction_chloroform"] / c["free_fraction_toluene"] / tgt["chloroform_over_toluene"]),
                np.log((1 + c["bound_oleyl_change_with_100eq_PbOA2"]) / (1 + tgt["bound_oleyl_change_with_100eq_PbOA2"]))]

    x = least_squares(resid, [27.0, 38.0, -33.0, -0.7, 5.0], xtol=1e-12, ftol=1e-12).x
    return {k: round(float(v), 4) for k, v in params_of(x).items()}
