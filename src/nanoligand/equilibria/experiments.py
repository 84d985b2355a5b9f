"""Experiments on an equilibrium model: titrations, dilution series, solvent swaps, temperature ramps.

Each returns a :class:`Series`: the x values, their label and the equilibrium :class:`State` at every
point (all points solved at once).

Titrations add a species in equivalents per dot, per bound ligand unit at the start (``per="bound:OA"``)
or as a concentration (``per="M"``). With a titrant concentration the added volume dilutes everything
(volumes add); without one the volume is taken as constant (a concentrated titrant).

Examples
--------
>>> from nanoligand.equilibria.model import Model
>>> m = Model.from_spec({"dots": {"conc_M": 1e-5}, "per_dot": {"S": 10},
...                      "reactions": [{"equation": "S + L <=> S:L", "K": 1e6}],
...                      "species": {"S:L": {"bound": True, "contains": {"L": 1}}, "L": {"contains": {"L": 1}}}})
>>> s = titrate(m, "L", [5, 10, 20])
>>> [round(float(x), 2) for x in s.state.per_dot("S:L")]
[4.9, 9.05, 9.9]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nanoligand.equilibria.model import Model, State
from nanoligand.errors import InputError


@dataclass
class Series:
    x: np.ndarray
    x_label: str
    state: State | list[State]
    kind: str


def titrate(model: Model, add: str, equivalents, per: str = "dot", titrant_M: float | None = None) -> Series:
    """Add ``add`` in ``equivalents`` (see module docstring) and solve every point."""
    eq = np.asarray(equivalents, float).ravel()
    if eq.size == 0:
        raise InputError("no titration points")
    if np.any(eq < 0):
        raise InputError("equivalents cannot be negative")
    model.network.index(add)
    dots0 = model.dot_conc_M
    c_start = model.initial()
    if per == "dot":
        conc = eq * dots0
    elif per == "M":
        conc = eq
    elif per.startswith("bound:"):
        start = model.equilibrium().units(per.split(":", 1)[1], bound=True)[0]
        if start <= 0:
            raise InputError(f"no bound {per.split(':', 1)[1]} at the start to count equivalents against")
        conc = eq * start
    else:
        raise InputError(f"per must be 'dot', 'M' or 'bound:UNIT', not {per!r}")
    if titrant_M is not None:
        if not titrant_M > 0:
            raise InputError("the titrant concentration must be positive")
        added_volume = conc / titrant_M  # per litre of sample: litres of titrant
        factor = 1.0 / (1.0 + added_volume)
    else:
        factor = np.ones_like(conc)
    c0 = c_start * factor[:, None]
    c0[:, model.network.index(add)] += conc * factor
    state = model.equilibrium(c0, dots_M=dots0 * factor)
    label = {"dot": "equivalents per dot", "M": f"added {add} (M)"}.get(per, f"equivalents per {per[6:]}")
    return Series(eq, label, state, "titration")


def dilute(model: Model, dots_M) -> Series:
    """The whole sample at each dot concentration (every amount scales with it)."""
    d = np.asarray(dots_M, float).ravel()
    if np.any(d <= 0):
        raise InputError("dot concentrations must be positive")
    if model.dot_conc_M <= 0:
        raise InputError("the model has no dot concentration to dilute from")
    f = d / model.dot_conc_M
    c0 = model.initial() * f[:, None]
    return Series(d, "dot concentration (M)", model.equilibrium(c0, dots_M=d), "dilution")


def solvents(model: Model, names) -> Series:
    """The same sample in each solvent (the reactions' solvent terms)."""
    states = [model.equilibrium(solvent=n) for n in names]
    return Series(np.arange(len(states)), "solvent: " + ", ".join(names), states, "solvents")


def temperatures(model: Model, T_K) -> Series:
    """The same sample at each temperature (van 't Hoff)."""
    T = np.asarray(T_K, float).ravel()
    if np.any(T <= 0):
        raise InputError("temperatures must be positive (K)")
    return Series(T, "T (K)", [model.equilibrium(T_K=t) for t in T], "temperatures")
