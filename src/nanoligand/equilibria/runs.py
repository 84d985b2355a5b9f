"""Run a typed :class:`~nanoligand.spec.Experiment` on a model: the curve an experimentalist plots.

``nanoligand titrate``, the report and the web app call :func:`run`; it returns a :class:`Curve`
whose axis labels carry units and whose notes say what the numbers cannot show (a model without
enthalpies gives zero heats; calibrated parameters are not measured constants).

ITC curves are plotted as isotherms: the heat of each injection per mole of titrant injected
(kJ/mol) against the cumulative molar ratio titrant : dots in the cell.

Examples
--------
>>> from nanoligand.equilibria.spec import load_job
>>> model = load_job({"preset": "seed004"}).model
>>> c = run(model, {"kind": "titration", "add": "OAH", "equivalents": "0:200:5", "observable": "bound:OA"})
>>> c.x_label, c.y_label
('OAH added (equivalents per dot)', 'bound fraction of OA')
>>> bool(c.y[-1] < c.y[0])   # added oleic acid displaces bound oleate (seed 004)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from nanoligand.equilibria.model import Model
from nanoligand.errors import InputError
from nanoligand.spec import Experiment, parse_experiment

#: axis label of each observable kind ({} is the unit or species named after the colon)
OBSERVABLE_LABELS = {
    "bound": "bound fraction of {}", "free": "free {} (M)", "per_dot": "{} per dot", "conc": "[{}] (M)",
    "dosy": "D of {} (m²/s)", "nmr": "δ of {} (ppm)",
}
DEFAULT_RANGES = {"equivalents": "0:100:11", "dots_M": "1e-4:1e-6:9", "injections_uL": "2:2:25"}


@dataclass
class Curve:
    """An experiment's x and y with labelled axes (units in the labels)."""

    experiment: Experiment
    x: np.ndarray
    y: np.ndarray
    x_label: str
    y_label: str
    title: str
    labels: list[str] | None = None          # category names of x (solvent swap)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"experiment": self.experiment.model_dump(exclude_none=True), "title": self.title,
                "x_label": self.x_label, "y_label": self.y_label, "x": [float(v) for v in self.x],
                "y": [float(v) for v in np.ravel(self.y)], "labels": self.labels, "notes": self.notes}


def observable_label(observable: str) -> str:
    """The axis label (with unit) of an observable such as ``bound:OA`` or ``dosy:OA``."""
    what, _, arg = observable.partition(":")
    if what == "heat":
        return "heat per mole injected (kJ/mol)"
    template = OBSERVABLE_LABELS.get(what)
    return template.format(arg) if template else observable


def run(model: Model, experiment: Experiment | Mapping[str, Any], max_points: int | None = None) -> Curve:
    """Simulate ``experiment`` on ``model`` (module docstring); more than ``max_points`` points is an
    :class:`InputError` raised before any work."""
    exp = parse_experiment(experiment)
    if exp.kind != "itc" and exp.observable is None:
        exp = exp.model_copy(update={"observable": "bound:" + _first_unit(model)})
    if exp.kind in ("titration", "itc") and not exp.add:
        raise InputError(f"a {exp.kind} needs 'add' (the species added, e.g. OAH)")
    curve = RUNNERS[exp.kind](model, exp, lambda text, key: _points(text, key, max_points))
    if model.calibration:
        curve.notes.insert(0, f"{model.name}: calibrated parameters, not measured constants")
    return curve


def _points(text: str | None, key: str, max_points: int | None) -> np.ndarray:
    from nanoligand.equilibria.spec import parse_range

    x = parse_range(text or DEFAULT_RANGES[key])
    if max_points is not None and len(x) > max_points:
        raise InputError(f"{key}: at most {max_points} points per experiment, got {len(x)}")
    return x


def _titration(model: Model, exp: Experiment, points) -> Curve:
    from nanoligand.equilibria.fit import simulate

    x = points(exp.equivalents, "equivalents")
    y = simulate(model, {"kind": "titration", "add": exp.add, "per": exp.per, "titrant_M": exp.titrant_M,
                         "observable": exp.observable}, x)
    unit = {"dot": "equivalents per dot", "M": "M"}.get(exp.per, f"equivalents per {exp.per}")
    return Curve(exp, x, y, f"{exp.add} added ({unit})", observable_label(exp.observable), f"titration with {exp.add}")


def _dilution(model: Model, exp: Experiment, points) -> Curve:
    from nanoligand.equilibria.fit import simulate

    x = points(exp.dots_M, "dots_M")
    y = simulate(model, {"kind": "dilution", "observable": exp.observable}, x)
    return Curve(exp, x, y, "dot concentration (M)", observable_label(exp.observable), "dilution")


def _solvent_swap(model: Model, exp: Experiment, points) -> Curve:
    from nanoligand.equilibria.fit import read

    labels = exp.solvents or ["toluene", "chloroform"]
    y = np.array([float(np.ravel(read(model.with_conditions(solvent=s).equilibrium(), exp.observable))[0])
                  for s in labels])
    return Curve(exp, np.arange(len(labels), dtype=float), y, "solvent", observable_label(exp.observable),
                 "solvent swap", labels=labels)


def _itc(model: Model, exp: Experiment, points) -> Curve:
    from nanoligand.equilibria import observables

    itc = observables.itc(model, exp.add, exp.syringe_M, points(exp.injections_uL, "injections_uL"), exp.cell_mL)
    notes = [] if itc.has_enthalpies else [f"{model.name} has no reaction enthalpies (ΔH): every heat is zero; "
                                           "give dH_kJ per reaction in a custom model"]
    return Curve(exp.model_copy(update={"observable": "heat"}), itc.molar_ratio, itc.heat_kJ_per_mol,
                 f"{exp.add} : dots in the cell (cumulative molar ratio)", observable_label("heat"),
                 f"ITC, {exp.syringe_M:g} M {exp.add} into {exp.cell_mL:g} mL", notes=notes)


#: experiment kind → the function that runs it (model, experiment, points(text, key) → Curve)
RUNNERS = {"titration": _titration, "dilution": _dilution, "solvents": _solvent_swap, "itc": _itc}


def _first_unit(model: Model) -> str:
    units = sorted({u for info in model.species.values() for u in info.contains})
    if not units:
        raise InputError(f"{model.name} has no ligand units to observe; give an observable")
    return units[0]
