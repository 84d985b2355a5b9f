"""Fitting equilibrium models to data: K/ΔG, ΔH and site counts, single or global, with uncertainties.

An *experiment* says what was done and what was read out (``observable``)::

    {"kind": "titration", "add": "L", "per": "dot", "titrant_M": null, "observable": "bound:L"}
    {"kind": "dilution", "observable": "dosy:OA"}
    {"kind": "itc", "add": "L", "syringe_M": 1e-3, "cell_mL": 1.4, "observable": "heat"}

Observables: ``bound:UNIT`` (bound fraction), ``free:UNIT`` (free concentration, M), ``per_dot:SPECIES``,
``conc:SPECIES`` (M), ``dosy:UNIT`` (m²/s), ``nmr:UNIT`` (fast-exchange shift, ppm), ``heat`` (µJ per
injection; x = injection volumes in µL).

*Parameters* name what varies: ``{"name": "logK1", "target": "reaction:0:K", "value": 1e5, "log": true}``
(a reaction by index or equation, field ``K``, ``dG_kJ`` or ``dH_kJ``) or ``"per_dot:S"`` (a site count).
``log: true`` fits log10 of a positive quantity. Fits use SciPy's trust-region least squares on
residuals weighted by 1/σ; uncertainties come from the covariance ``s² (JᵀJ)⁻¹`` and, on request,
from a residual bootstrap; AIC and BIC compare models (e.g. one vs two site classes, Drijvers 2018).

Examples
--------
>>> from nanoligand.equilibria.model import Model
>>> spec = {"dots": {"conc_M": 1e-5}, "per_dot": {"S": 10},
...         "reactions": [{"equation": "S + L <=> S:L", "K": 2e5}],
...         "species": {"S:L": {"bound": True, "contains": {"L": 1}}, "L": {"contains": {"L": 1}}}}
>>> exp = {"kind": "titration", "add": "L", "per": "dot", "observable": "per_dot:S:L"}
>>> x = np.linspace(1, 30, 12)
>>> y = simulate(Model.from_spec(spec), exp, x)
>>> r = fit(Model.from_spec({**spec, "reactions": [{"equation": "S + L <=> S:L", "K": 1e4}]}),
...         [(exp, x, y, None)], [{"name": "K", "target": "reaction:0:K", "value": 1e4, "log": True}])
>>> round(float(r.values["K"]) / 2e5, 4)
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

import numpy as np
from scipy.optimize import least_squares

from nanoligand.equilibria import experiments, observables
from nanoligand.equilibria.model import Model
from nanoligand.errors import InputError, SelfCheckError
from nanoligand.progress import report

EXPERIMENT_KINDS = ("titration", "dilution", "itc")


def simulate(model: Model, experiment: Mapping[str, Any], x: np.ndarray) -> np.ndarray:
    """The observable of ``experiment`` at ``x`` (module docstring)."""
    kind = experiment.get("kind", "titration")
    obs = str(experiment.get("observable", ""))
    if kind == "itc":
        run = observables.itc(model, experiment["add"], float(experiment["syringe_M"]), x,
                              float(experiment.get("cell_mL", 1.4)))
        if obs not in ("heat", ""):
            raise InputError("an ITC experiment observes 'heat'")
        return run.heat_uJ
    if kind == "titration":
        state = experiments.titrate(model, experiment["add"], x, experiment.get("per", "dot"),
                                    experiment.get("titrant_M")).state
    elif kind == "dilution":
        state = experiments.dilute(model, x).state
    else:
        raise InputError(f"unknown experiment kind {kind!r}; choose {', '.join(EXPERIMENT_KINDS)}")
    return read(state, obs)


def read(state, observable: str) -> np.ndarray:
    """An observable of a state (module docstring)."""
    what, _, arg = observable.partition(":")
    if not arg:
        raise InputError(f"observable {observable!r}: write KIND:NAME, e.g. bound:OA")
    if what == "bound":
        return state.bound_fraction(arg)
    if what == "free":
        return state.units(arg, bound=False)
    if what == "per_dot":
        return state.per_dot(arg)
    if what == "conc":
        return state[arg]
    if what == "dosy":
        return observables.dosy(state, arg)
    if what == "nmr":
        return observables.nmr(state, arg, "fast")[0].shift_ppm
    raise InputError(f"unknown observable {what!r}: bound, free, per_dot, conc, dosy, nmr (or heat for ITC)")


@dataclass
class Parameter:
    name: str
    target: str
    value: float
    log: bool = False
    lower: float = -np.inf
    upper: float = np.inf

    @staticmethod
    def parse(raw: Mapping[str, Any]) -> "Parameter":
        for key in ("name", "target", "value"):
            if key not in raw:
                raise InputError(f"fit parameter needs {key!r}: {dict(raw)}")
        p = Parameter(str(raw["name"]), str(raw["target"]), float(raw["value"]), bool(raw.get("log", False)),
                      float(raw.get("min", -np.inf)), float(raw.get("max", np.inf)))
        if p.log and not p.value > 0:
            raise InputError(f"parameter {p.name}: a log parameter needs a positive start value")
        return p

    def to_x(self, v: float) -> float:
        return math.log10(v) if self.log else v

    def from_x(self, x: float) -> float:
        return 10.0 ** x if self.log else x


#: unit of a fitted quantity, by the field its target names (K relative to the 1 M standard state)
PARAMETER_UNITS = {"dG_kJ": "kJ/mol", "dH_kJ": "kJ/mol", "K": "(c° = 1 M)", "per_dot": "per dot"}


def parameter_unit(raw: Mapping[str, Any]) -> str:
    """The unit of a fit parameter's value from its target (``reaction:0:dG_kJ`` → ``kJ/mol``).

    Examples
    --------
    >>> parameter_unit({"name": "dG", "target": "reaction:0:dG_kJ", "value": 27.0})
    'kJ/mol'
    """
    target = str(raw.get("target", ""))
    field_ = "per_dot" if target.startswith("per_dot:") else target.rpartition(":")[2]
    return PARAMETER_UNITS.get(field_, "")


def apply(model: Model, params: Sequence[Parameter], values: Sequence[float]) -> Model:
    """A copy of ``model`` with parameter values put in place."""
    reactions = list(model.network.reactions)
    per_dot = dict(model.per_dot)
    for p, v in zip(params, values):
        kind, _, rest = p.target.partition(":")
        if kind == "per_dot":
            model.network.index(rest)
            per_dot[rest] = v
        elif kind == "reaction":
            which, _, fld = rest.rpartition(":")
            j = _reaction_index(model, which)
            if fld == "K":
                reactions[j] = replace(reactions[j], K=v, dG_kJ=None)
            elif fld == "dG_kJ":
                reactions[j] = replace(reactions[j], dG_kJ=v, K=None)
            elif fld == "dH_kJ":
                reactions[j] = replace(reactions[j], dH_kJ=v)
            else:
                raise InputError(f"parameter {p.name}: a reaction field is K, dG_kJ or dH_kJ, not {fld!r}")
        else:
            raise InputError(f"parameter {p.name}: target must be 'reaction:...' or 'per_dot:SPECIES'")
    from nanoligand.equilibria.network import ReactionNetwork

    return replace(model, network=ReactionNetwork(reactions, model.network.extra_species), per_dot=per_dot)


def _reaction_index(model: Model, which: str) -> int:
    rs = model.network.reactions
    if which.strip().lstrip("-").isdigit():
        j = int(which)
        if not 0 <= j < len(rs):
            raise InputError(f"no reaction {j}: the model has {len(rs)}")
        return j
    for j, r in enumerate(rs):
        if which.strip() in (r.name, r.equation):
            return j
    raise InputError(f"no reaction {which!r}; reactions: {'; '.join(r.equation for r in rs)}")


@dataclass
class FitResult:
    values: dict[str, float]
    stderr: dict[str, float]
    covariance: np.ndarray
    chi2: float
    n_points: int
    n_params: int
    aic: float
    bic: float
    residuals: np.ndarray
    model: Model
    bootstrap: dict[str, tuple[float, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"values": self.values, "stderr": self.stderr, "chi2": self.chi2, "n_points": self.n_points,
                "n_params": self.n_params, "aic": self.aic, "bic": self.bic,
                "bootstrap_95": {k: list(v) for k, v in self.bootstrap.items()}}


def fit(model: Model, datasets: Sequence[tuple[Mapping[str, Any], np.ndarray, np.ndarray, np.ndarray | None]],
        params: Sequence[Mapping[str, Any] | Parameter], bootstrap: int = 0, seed: int = 0) -> FitResult:
    """Fit ``params`` to ``datasets`` (experiment, x, y, σ or None), globally (module docstring)."""
    ps = [p if isinstance(p, Parameter) else Parameter.parse(p) for p in params]
    if not ps:
        raise InputError("nothing to fit: give at least one parameter")
    data = []
    for exp, x, y, sig in datasets:
        x, y = np.asarray(x, float), np.asarray(y, float)
        if x.shape != y.shape or x.ndim != 1 or len(x) == 0:
            raise InputError("each dataset needs x and y of the same length")
        if not np.all(np.isfinite(y)) or not np.all(np.isfinite(x)):
            raise InputError("data contain non-numbers")
        s = np.ones_like(y) if sig is None else np.asarray(sig, float)
        if np.any(s <= 0):
            raise InputError("uncertainties must be positive")
        data.append((exp, x, y, s))
    n = sum(len(d[1]) for d in data)
    if n <= len(ps):
        raise InputError(f"{n} data points cannot determine {len(ps)} parameters")

    def resid(xv, rows=None):
        m = apply(model, ps, [p.from_x(v) for p, v in zip(ps, xv)])
        out = []
        for exp, x, y, s in (rows or data):
            out.append((simulate(m, exp, x) - y) / s)
        return np.concatenate(out)

    x0 = np.array([p.to_x(p.value) for p in ps])
    lo = np.array([p.to_x(p.lower) if (p.log and p.lower > 0) else (-np.inf if p.log else p.lower) for p in ps])
    hi = np.array([p.to_x(p.upper) if (p.log and np.isfinite(p.upper)) else (np.inf if p.log else p.upper)
                   for p in ps])
    try:
        res = least_squares(resid, x0, bounds=(lo, hi), x_scale="jac", xtol=1e-12, ftol=1e-12, gtol=1e-12)
    except SelfCheckError as exc:
        raise SelfCheckError(f"the fit stepped into parameters the equilibrium cannot be solved for: {exc}") from None
    chi2 = float(np.sum(res.fun ** 2))
    dof = max(n - len(ps), 1)
    J = res.jac
    try:
        cov_x = np.linalg.inv(J.T @ J) * (chi2 / dof)
    except np.linalg.LinAlgError:
        cov_x = np.full((len(ps), len(ps)), np.nan)
    values = {p.name: float(p.from_x(v)) for p, v in zip(ps, res.x)}
    stderr = {}
    for i, p in enumerate(ps):
        sx = math.sqrt(cov_x[i, i]) if cov_x[i, i] >= 0 else float("nan")
        stderr[p.name] = values[p.name] * math.log(10) * sx if p.log else sx  # delta method for log params
    aic = n * math.log(max(chi2, 1e-300) / n) + 2 * len(ps)  # Gaussian likelihood, weighted residuals
    bic = n * math.log(max(chi2, 1e-300) / n) + len(ps) * math.log(n)
    out = FitResult(values, stderr, cov_x, chi2, n, len(ps), aic, bic, res.fun,
                    apply(model, ps, [p.from_x(v) for p, v in zip(ps, res.x)]))
    if bootstrap:
        out.bootstrap = _bootstrap(out, data, ps, res, bootstrap, seed, lo, hi)
    return out


def _bootstrap(result, data, ps, res, n_boot, seed, lo, hi) -> dict[str, tuple[float, float]]:
    """95 % intervals from refits to the best fit plus resampled residuals."""
    rng = np.random.default_rng(seed)
    base = []
    for exp, x, y, s in data:
        base.append(simulate(result.model, exp, x))
    resid = np.concatenate([(y - b) for (_, _, y, _), b in zip(data, base)])
    draws = []
    for b in range(n_boot):
        report(f"bootstrap refit {b + 1} of {n_boot}", b / n_boot)
        pick = rng.integers(0, len(resid), len(resid))
        k = 0
        fake = []
        for (exp, x, y, s), b in zip(data, base):
            fake.append((exp, x, b + resid[pick[k:k + len(x)]], s))
            k += len(x)

        def r(xv, rows=fake):
            m = apply(result.model, ps, [p.from_x(v) for p, v in zip(ps, xv)])
            return np.concatenate([(simulate(m, e, x) - y) / s for e, x, y, s in rows])

        draws.append(least_squares(r, res.x, bounds=(lo, hi), x_scale="jac").x)
    draws = np.array(draws)
    return {p.name: (float(p.from_x(np.percentile(draws[:, i], 2.5))), float(p.from_x(np.percentile(draws[:, i], 97.5))))
            for i, p in enumerate(ps)}


def compare(fits: Mapping[str, FitResult]) -> list[dict[str, Any]]:
    """Models ranked by AIC (lowest first), with ΔAIC, ΔBIC and Akaike weights."""
    best_aic = min(f.aic for f in fits.values())
    best_bic = min(f.bic for f in fits.values())
    w = {k: math.exp(-(f.aic - best_aic) / 2) for k, f in fits.items()}
    total = sum(w.values())
    rows = [{"model": k, "n_params": f.n_params, "chi2": f.chi2, "aic": f.aic, "bic": f.bic,
             "delta_aic": f.aic - best_aic, "delta_bic": f.bic - best_bic, "akaike_weight": w[k] / total}
            for k, f in fits.items()]
    return sorted(rows, key=lambda r: r["aic"])
