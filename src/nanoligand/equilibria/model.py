"""An equilibrium model of a colloid: dots with site classes, bound and free species, reactions.

Amounts are per dot for what sits on a dot (site classes, bound ligands: ``per_dot``) and molar for
free species (``free_M``); the dot concentration turns the first into molarities, so dilution, size
(site counts) and facet (one site class per facet family) enter through mass action.

Species may declare what they carry (``contains``: ligand unit → count, e.g. PbOA2 carries 2 OA) and
whether they sit on a dot (``bound``): the observables count ligand units by state from these.

A model is built from a spec (a mapping, e.g. YAML)::

    dots: {conc_M: 1.0e-4, diameter_nm: 4.8}   # or a nanocrystal to take site counts from
    conditions: {T_K: 298.15, solvent: toluene, volume_mL: 0.6}
    per_dot: {"Pb100:L": 81, "Pb111:L": 232, Pb100: 0, Pb111: 0}
    free_M: {OAH: 0.0}
    reactions:
      - {equation: "Pb100:L <=> Pb100 + L", dG_kJ: 30.0}
    species: {"Pb100:L": {bound: true, contains: {OA: 1}}, L: {contains: {OA: 1}}}

Examples
--------
>>> m = Model.from_spec({"dots": {"conc_M": 1e-5}, "per_dot": {"S": 10},
...                      "free_M": {"L": 1e-4}, "reactions": [{"equation": "S + L <=> S:L", "K": 1e5}],
...                      "species": {"S:L": {"bound": True, "contains": {"L": 1}}, "L": {"contains": {"L": 1}}}})
>>> round(float(m.equilibrium().bound_fraction("L")[0]), 3)   # quadratic: 7.30e-5 of 1e-4 M
0.73
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np

from nanoligand.equilibria.network import Reaction, ReactionNetwork
from nanoligand.equilibria.solver import solve
from nanoligand.errors import InputError

SPEC_KEYS = {"dots", "conditions", "per_dot", "free_M", "reactions", "species", "name", "source", "calibration"}


@dataclass(frozen=True)
class SpeciesInfo:
    bound: bool = False
    contains: Mapping[str, float] = field(default_factory=dict)
    nmr: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # unit -> {shift_ppm, width_Hz}
    radius_nm: float | None = None  # hydrodynamic radius (free species); bound ones use the dot's


@dataclass
class Model:
    """See module docstring."""

    network: ReactionNetwork
    dot_conc_M: float
    per_dot: Mapping[str, float]
    free_M: Mapping[str, float]
    T_K: float = 298.15
    solvent: str = "toluene"
    volume_L: float = 6e-4
    species: Mapping[str, SpeciesInfo] = field(default_factory=dict)
    dot_radius_nm: float | None = None
    name: str = "custom"
    source: str = ""
    calibration: str = ""

    # -- construction -------------------------------------------------------------------------------
    @staticmethod
    def from_spec(spec: Mapping[str, Any]) -> "Model":
        unknown = set(spec) - SPEC_KEYS
        if unknown:
            raise InputError(f"unknown model key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(SPEC_KEYS))}")
        if not spec.get("reactions"):
            raise InputError("a model needs reactions")
        reactions = []
        for k, r in enumerate(spec["reactions"]):
            if isinstance(r, str):
                raise InputError(f"reaction {k + 1}: give a mapping with 'equation' and 'K' or 'dG_kJ'")
            r = dict(r)
            if "equation" not in r:
                raise InputError(f"reaction {k + 1}: missing 'equation'")
            reactions.append(Reaction.parse(r.pop("equation"), **r))
        per_dot = {str(k): _nonneg(v, k) for k, v in (spec.get("per_dot") or {}).items()}
        free = {str(k): _nonneg(v, k) for k, v in (spec.get("free_M") or {}).items()}
        net = ReactionNetwork(reactions)
        for name in [*per_dot, *free]:
            net.index(name)  # an amount of a species no reaction names is a typo
        dots = dict(spec.get("dots") or {})
        cond = dict(spec.get("conditions") or {})
        conc = _nonneg(dots.get("conc_M", 0.0), "dots.conc_M")
        if per_dot and conc <= 0:
            raise InputError("amounts per dot need dots.conc_M > 0")
        species = {}
        for name, info in (spec.get("species") or {}).items():
            net.index(name)
            species[name] = SpeciesInfo(bound=bool(info.get("bound", False)), contains=dict(info.get("contains", {})),
                                        nmr={k: dict(v) for k, v in (info.get("nmr") or {}).items()},
                                        radius_nm=info.get("radius_nm"))
        d = dots.get("diameter_nm")
        shell = dots.get("shell_nm", 0.0)
        return Model(net, conc, per_dot, free, T_K=float(cond.get("T_K", 298.15)),
                     solvent=str(cond.get("solvent", "toluene")), volume_L=float(cond.get("volume_mL", 0.6)) / 1000,
                     species=species, dot_radius_nm=(float(d) / 2 + float(shell)) if d else dots.get("radius_nm"),
                     name=str(spec.get("name", "custom")), source=str(spec.get("source", "")),
                     calibration=str(spec.get("calibration", "")))

    # -- amounts ------------------------------------------------------------------------------------
    def initial(self, dot_conc_M: float | np.ndarray | None = None, extra: Mapping[str, Any] | None = None
                ) -> np.ndarray:
        """Initial concentrations (points × species) for a dot concentration (scalar or array) and
        extra free amounts (M, scalar or arrays)."""
        dots = np.atleast_1d(self.dot_conc_M if dot_conc_M is None else dot_conc_M).astype(float)
        amounts: dict[str, Any] = {k: v * dots for k, v in self.per_dot.items()}
        for k, v in self.free_M.items():
            amounts[k] = amounts.get(k, 0.0) + np.broadcast_to(v, dots.shape)
        for k, v in (extra or {}).items():
            amounts[k] = amounts.get(k, 0.0) + np.asarray(v, float)
        return self.network.initial(amounts)

    def equilibrium(self, c0: np.ndarray | None = None, dots_M: np.ndarray | float | None = None,
                    T_K: float | None = None, solvent: str | None = None, ln_K: np.ndarray | None = None) -> "State":
        """Equilibrium of initial concentrations ``c0`` (default: the model's own) holding dots at
        ``dots_M`` (default: the model's dot concentration)."""
        c0 = self.initial() if c0 is None else np.atleast_2d(c0)
        dots = np.broadcast_to(np.asarray(self.dot_conc_M if dots_M is None else dots_M, float), (len(c0),))
        T = self.T_K if T_K is None else T_K
        solv = self.solvent if solvent is None else solvent
        c = solve(self.network, self.network.totals(c0), T, solv, ln_K=ln_K)
        return State(self, c, c0, np.array(dots), T, solv)

    def with_conditions(self, **changes: Any) -> "Model":
        return replace(self, **changes)


def _nonneg(v: Any, name: Any) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise InputError(f"{name}: {v!r} is not a number") from None
    if x < 0:
        raise InputError(f"{name}: negative amount {x}")
    return x


@dataclass
class State:
    """Equilibrium concentrations (points × species) with the model that made them."""

    model: Model
    conc: np.ndarray
    initial: np.ndarray
    dots_M: np.ndarray
    T_K: float
    solvent: str

    def __getitem__(self, species: str) -> np.ndarray:
        return self.conc[:, self.model.network.index(species)]

    def units(self, unit: str, bound: bool | None = None) -> np.ndarray:
        """Concentration (M) of ligand ``unit`` carried by bound (True), free (False) or all species."""
        total = np.zeros(len(self.conc))
        for name, info in self.model.species.items():
            n = info.contains.get(unit, 0)
            if n and (bound is None or info.bound == bound):
                total += n * self[name]
        return total

    def bound_fraction(self, unit: str) -> np.ndarray:
        """Fraction of ``unit`` that sits on dots."""
        all_ = self.units(unit)
        if np.any(all_ <= 0):
            raise InputError(f"no species declares it contains {unit!r} (species: contains)")
        return self.units(unit, bound=True) / all_

    def per_dot(self, species: str) -> np.ndarray:
        """Amount of a species per dot at each point."""
        return self[species] / self.dots_M
