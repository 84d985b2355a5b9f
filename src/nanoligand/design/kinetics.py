"""Second-order coupling with a competing first-order loss of one partner (e.g. NHS-ester hydrolysis).

    A + B → P      rate k₂[A][B]
    A → (dead)     rate k_h[A],  k_h = ln 2 / t½

Conversion is P over the limiting reagent's starting amount. Without the loss the time to a
conversion X has the closed form of mixed second-order kinetics; with it the equations are
integrated (SciPy LSODA, tolerances 1e-10) and the plateau — the most that can ever be converted,
since A dies meanwhile — is reported; a target above the plateau is answered with the plateau, not a
time. Checked in the tests against the closed forms (equal and unequal concentrations) and the
pseudo-first-order plateau ``k₂[B]₀ / (k₂[B]₀ + k_h)``.

Examples
--------
>>> r = coupling_time(1e3, 1e-6, 1e-6, 0.5)     # k2 = 1000 /M/s at 1 µM each: t(50 %) = 1/(k a0)
>>> round(r.time_s)
1000
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from nanoligand.errors import InputError, SelfCheckError


@dataclass
class CouplingResult:
    target_conversion: float
    time_s: float | None            # None when the target lies above the plateau
    plateau_conversion: float
    half_time_s: float | None       # time to half of the plateau
    t_s: np.ndarray                 # a curve for plots
    conversion: np.ndarray

    def to_dict(self) -> dict:
        return {"target_conversion": self.target_conversion,
                "time_s": None if self.time_s is None else float(self.time_s),
                "time_h": None if self.time_s is None else float(self.time_s) / 3600,
                "plateau_conversion": float(self.plateau_conversion),
                "half_time_s": None if self.half_time_s is None else float(self.half_time_s)}


def _closed_form(k2: float, a0: float, b0: float, x: float) -> float:
    lim = min(a0, b0)
    p = x * lim
    if math.isclose(a0, b0, rel_tol=1e-12):
        return p / (k2 * a0 * (a0 - p))
    return math.log(b0 * (a0 - p) / (a0 * (b0 - p))) / (k2 * (a0 - b0))


def coupling_time(k2_M_s: float, a0_M: float, b0_M: float, target: float = 0.9,
                  loss_half_life_s: float | None = None) -> CouplingResult:
    """Time for ``target`` conversion of the limiting reagent; A is the partner that is lost.

    Parameters
    ----------
    k2_M_s : second-order rate constant (M⁻¹ s⁻¹).
    a0_M, b0_M : starting concentrations of the partner that is lost (A) and of the other (B).
    target : conversion of the limiting reagent, 0 < target < 1.
    loss_half_life_s : half-life of A's competing first-order loss (hydrolysis); None = no loss.
    """
    if not k2_M_s > 0 or not a0_M > 0 or not b0_M > 0:
        raise InputError("the rate constant and both concentrations must be positive")
    if not 0 < target < 1:
        raise InputError("the target conversion lies between 0 and 1 (e.g. 0.9)")
    if loss_half_life_s is not None and not loss_half_life_s > 0:
        raise InputError("the half-life must be positive")
    lim = min(a0_M, b0_M)
    kh = math.log(2) / loss_half_life_s if loss_half_life_s else 0.0
    tau = 1.0 / (k2_M_s * max(a0_M, b0_M))   # the fastest time scale, for the start of the curve
    if kh == 0.0:
        t_x = _closed_form(k2_M_s, a0_M, b0_M, target)
        t = np.geomspace(tau * 1e-3, max(t_x * 10, tau), 200)
        conv = np.array([_conversion_closed(k2_M_s, a0_M, b0_M, ti) for ti in t])
        return CouplingResult(target, t_x, 1.0, _closed_form(k2_M_s, a0_M, b0_M, 0.5), t, conv)

    t_end = 60.0 / kh   # A is gone by then (e^-60 of it at most), whatever the coupling did

    def rhs(_t, y):
        a, b, _p = y
        r = k2_M_s * a * b
        return [-r - kh * a, -r, r]

    def reach(x):
        ev = lambda _t, y: y[2] - x * lim  # noqa: E731
        ev.terminal = False
        ev.direction = 1
        return ev

    sol = solve_ivp(rhs, (0.0, t_end), [a0_M, b0_M, 0.0], method="LSODA", rtol=1e-10, atol=lim * 1e-12,
                    dense_output=True, events=[reach(target)])
    if not sol.success:
        raise SelfCheckError(f"the kinetics did not integrate: {sol.message}")
    a, b, p = sol.y[:, -1]
    plateau = p / lim
    # mass balance of B: b + p = b0
    if abs(b + p - b0_M) > 1e-8 * b0_M:
        raise SelfCheckError("B is not conserved in the kinetics (b + p ≠ b0)")
    t_x = float(sol.t_events[0][0]) if len(sol.t_events[0]) else None
    half = solve_ivp(rhs, (0.0, t_end), [a0_M, b0_M, 0.0], method="LSODA", rtol=1e-10, atol=lim * 1e-12,
                     events=[reach(0.5 * plateau)])
    t_half = float(half.t_events[0][0]) if len(half.t_events[0]) else None
    t = np.geomspace(tau * 1e-3, t_end, 200)
    conv = sol.sol(t)[2] / lim
    return CouplingResult(target, t_x, float(plateau), t_half, t, conv)


def _conversion_closed(k2: float, a0: float, b0: float, t: float) -> float:
    lim = min(a0, b0)
    if math.isclose(a0, b0, rel_tol=1e-12):
        return (a0 - a0 / (1 + k2 * a0 * t)) / lim
    # [A](t) for mixed second order
    d = a0 - b0
    e = math.exp(-k2 * d * t)
    a = d / (1 - (b0 / a0) * e)
    return (a0 - a) / lim
