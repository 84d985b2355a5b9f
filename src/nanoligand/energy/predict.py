"""The seed-004 equilibrium model with its site-class free energies **predicted** from xTB desorption
energies, next to the calibrated one.

The calibrated model (``data/equilibria.yaml``, :func:`nanoligand.equilibria.presets.seed004_pbs`) has
five free energies fitted to five statements. :func:`predicted_seed004_parameters` replaces three of them
with computed numbers and keeps two, and says which:

* ``dG_diss_100_kJ``, ``dG_diss_111_kJ`` ← the desorption ΔG estimate of the Pb(OH)(O₂CR) unit from the
  {100} adatom and the {111} facet cut-outs in toluene (:meth:`Desorption.delta_g_estimate_kJ_mol`:
  ΔE_des − T(S_trans, 1 M + S_rot) of the free unit, 298.15 K; the 1 M standard state of the model's
  reactions);
* ``solvent_slope_kJ`` ← the computed change of ΔE_des from toluene to chloroform, averaged over the two
  site classes, divided by the E_T(30) difference of the two solvents (the model's solvent scale,
  ``data/solvents.yaml``), because that is how the model applies a solvent;
* ``dG_complex_kJ`` (oleic acid coordinating the free unit) and ``dG_PbOA2_weaker_kJ`` stay **calibrated**:
  they were not computed.

Examples
--------
>>> p = predicted_seed004_parameters(dG_100_kJ=30.0, dG_111_kJ=40.0, ddE_chloroform_kJ=-5.2)
>>> p["dG_diss_100_kJ"], p["dG_diss_111_kJ"], round(p["solvent_slope_kJ"], 3)
(30.0, 40.0, -1.0)
"""

from __future__ import annotations

from nanoligand.tables import load_table

__all__ = ["predicted_seed004_parameters", "compare_seed004"]


def predicted_seed004_parameters(dG_100_kJ: float, dG_111_kJ: float, ddE_chloroform_kJ: float) -> dict[str, float]:
    """Parameters of the seed-004 model from computed numbers (module docstring); the rest calibrated."""
    from nanoligand.solvents import polarity_ET30_kcal_mol

    p = dict(load_table("equilibria.yaml")["seed004"]["parameters"])
    d_et30 = polarity_ET30_kcal_mol("chloroform") - polarity_ET30_kcal_mol("toluene")
    p.update(dG_diss_100_kJ=float(dG_100_kJ), dG_diss_111_kJ=float(dG_111_kJ),
             solvent_slope_kJ=float(ddE_chloroform_kJ) / d_et30)
    return p


def compare_seed004(params: dict[str, float]) -> dict[str, dict[str, float]]:
    """The calibration targets computed with the calibrated and with the predicted parameters."""
    from nanoligand.equilibria.presets import seed004_checks, seed004_pbs

    import numpy as np

    out = {}
    for name, model in (("calibrated", seed004_pbs()), ("predicted", seed004_pbs(params=params))):
        with np.errstate(invalid="ignore", divide="ignore"):  # nothing displaced: 0/0, replaced below
            checks = seed004_checks(model)
        if checks["bound_units_lost_with_100eq_oleic_acid"] < 1e-9:  # nothing displaced: a share of rounding noise
            checks["share_of_displaced_from_100"] = None
        tol = checks["free_fraction_toluene"]
        # a unit bound by hundreds of kJ/mol leaves a free fraction that underflows to 0: no ratio then
        checks["chloroform_over_toluene"] = checks["free_fraction_chloroform"] / tol if tol > 0 else None
        out[name] = checks
    return out
