"""What experiments see of an equilibrium: ¹H NMR, DOSY and ITC.

**NMR.** A resonance of ligand unit ``u`` has, per species carrying ``u``, a shift and a line width
(``species.<name>.nmr.<u> = {shift_ppm, width_Hz}``). In fast exchange (exchange faster than the shift
difference, seed 004: bound and free oleyl average) one line at the population-weighted shift and
width; in slow exchange one line per species with intensity ∝ population. Synthetic spectra are
sums of Lorentzians.

**DOSY.** Stokes–Einstein, ``D = k_B T / (6 π η r_H)``, with the solvent viscosity at 25 °C
(``data/solvents.yaml``; the temperature dependence of η is not modelled), the dot's hydrodynamic
radius for bound species (core radius + shell) and each free species' ``radius_nm``; in fast exchange
``D_obs`` is the population-weighted mean over the species carrying the unit (seed 004: DOSY on a
100 ms time scale).

**ITC.** Species enthalpies ``h`` solve ``Nᵀ h = ΔH`` with ``h = 0`` for the free building blocks
(species that hold a single conserved unit). Each injection of ``v`` into a full cell of volume
``V0`` mixes and expels ``v`` of the mixture (overflow model: amounts scale by ``V0/(V0 + v)``), and
its heat is ``ΔQ(i) = Q(i) + (v/V0)·(Q(i) + Q(i−1))/2 − Q(i−1)`` with ``Q = V0 Σ h c`` (the
displaced-volume correction of MicroCal's single-set-of-sites analysis, "ITC Data Analysis in
Origin", Eq. 10, as reproduced in itcsimlib and other codes that cite it).

Examples
--------
>>> stokes_einstein_D(1.0, 0.554, 298.15)   # a 1 nm sphere in toluene, m²/s
3.94e-10
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nanoligand.equilibria.model import Model, State
from nanoligand.solvents import viscosity_mPas
from nanoligand.errors import InputError

K_B = 1.380649e-23  # J/K (SI, exact)


def stokes_einstein_D(radius_nm: float, viscosity_mPa_s: float, T_K: float) -> float:
    """Diffusion coefficient (m²/s) of a sphere of hydrodynamic radius ``radius_nm``."""
    return float(f"{K_B * T_K / (6 * np.pi * viscosity_mPa_s * 1e-3 * radius_nm * 1e-9):.3g}")


def _carriers(state: State, unit: str) -> list[tuple[str, float]]:
    out = [(name, info.contains.get(unit, 0)) for name, info in state.model.species.items()
           if info.contains.get(unit, 0)]
    if not out:
        raise InputError(f"no species declares it contains {unit!r}")
    return out


def populations(state: State, unit: str) -> dict[str, np.ndarray]:
    """Fraction of ``unit`` in each species carrying it, per point."""
    carriers = _carriers(state, unit)
    amounts = {name: n * state[name] for name, n in carriers}
    total = sum(amounts.values())
    return {k: np.divide(v, total, out=np.zeros_like(v), where=total > 0) for k, v in amounts.items()}


@dataclass
class NMRLine:
    shift_ppm: np.ndarray
    width_Hz: np.ndarray
    intensity: np.ndarray
    species: str


def nmr(state: State, unit: str, exchange: str = "fast") -> list[NMRLine]:
    """The resonance of ``unit`` (module docstring): one averaged line (fast) or one per species (slow)."""
    pops = populations(state, unit)
    params = {}
    for name in pops:
        p = state.model.species[name].nmr.get(unit)
        if not p or "shift_ppm" not in p:
            raise InputError(f"species {name!r} carries {unit!r} but has no nmr.{unit}.shift_ppm")
        params[name] = (float(p["shift_ppm"]), float(p.get("width_Hz", 1.0)))
    if exchange == "fast":
        shift = sum(pops[n] * params[n][0] for n in pops)
        width = sum(pops[n] * params[n][1] for n in pops)
        return [NMRLine(shift, width, np.ones_like(shift), "averaged")]
    if exchange == "slow":
        return [NMRLine(np.full_like(pops[n], params[n][0]), np.full_like(pops[n], params[n][1]), pops[n], n)
                for n in pops]
    raise InputError("exchange must be 'fast' or 'slow'")


def spectrum(lines: list[NMRLine], point: int, ppm: np.ndarray, spectrometer_MHz: float = 500.0) -> np.ndarray:
    """Sum of Lorentzians (area = intensity) of the lines at one point on a ppm axis."""
    y = np.zeros_like(ppm, dtype=float)
    for ln in lines:
        hwhm = ln.width_Hz[point] / spectrometer_MHz / 2.0  # Hz -> ppm
        y += ln.intensity[point] * hwhm / np.pi / ((ppm - ln.shift_ppm[point]) ** 2 + hwhm ** 2)
    return y


def dosy(state: State, unit: str) -> np.ndarray:
    """Observed diffusion coefficient (m²/s) of ``unit`` in fast exchange (module docstring)."""
    m = state.model
    eta = viscosity_mPas(state.solvent)
    pops = populations(state, unit)
    D = np.zeros(len(state.conc))
    for name, p in pops.items():
        info = m.species[name]
        r = m.dot_radius_nm if info.bound else info.radius_nm
        if r is None:
            raise InputError(f"no hydrodynamic radius for {name!r}: give dots.diameter_nm (bound species) or "
                             f"species.{name}.radius_nm (free)")
        D += p * (K_B * state.T_K / (6 * np.pi * eta * 1e-3 * float(r) * 1e-9))
    return D


def species_enthalpies(model: Model) -> np.ndarray:
    """h (kJ/mol) per species with Nᵀ h = ΔH and h = 0 for the free building blocks."""
    net = model.network
    W = np.asarray(net.conservation, float)
    dH = np.array([r.dH_kJ for r in net.reactions])
    pure = np.nonzero((W > 0).sum(axis=1) == 1)[0]
    pure = [i for i in pure if np.isclose(W[i][W[i] > 0][0], 1.0)]
    free = [i for i in range(len(net.species)) if i not in pure]
    h = np.zeros(len(net.species))
    if len(net.reactions) and free:
        sol, *_ = np.linalg.lstsq(net.N[free].T, dH, rcond=None)
        h[free] = sol
    if len(net.reactions) and not np.allclose(net.N.T @ h, dH, atol=1e-9):
        raise InputError("cannot assign species enthalpies: the network has no free building blocks to take "
                         "as reference (h = 0)")
    return h


@dataclass
class ITCRun:
    """An ITC run: heats per injection, and what an isotherm plots (heat per mole injected against the
    cumulative molar ratio in the cell)."""

    injection: np.ndarray      # 1..n
    volume_uL: np.ndarray
    heat_uJ: np.ndarray        # per injection, exothermic negative
    molar_ratio: np.ndarray    # titrant per dot in the cell after each injection
    state: State
    injected_mol: np.ndarray   # titrant delivered by each injection
    has_enthalpies: bool       # False: the model gives no ΔH, every heat is zero

    @property
    def heat_kJ_per_mol(self) -> np.ndarray:
        """Heat of each injection per mole of titrant injected (kJ/mol), the isotherm's y axis."""
        return self.heat_uJ * 1e-9 / self.injected_mol


def itc(model: Model, titrant: str, syringe_M: float, injections_uL, cell_mL: float = 1.4) -> ITCRun:
    """Heats of a titration of the model's sample (in the cell) with ``titrant`` (module docstring)."""
    v = np.asarray(injections_uL, float).ravel() * 1e-6  # L
    if len(v) == 0 or np.any(v <= 0):
        raise InputError("injection volumes must be positive")
    if not syringe_M > 0 or not cell_mL > 0:
        raise InputError("syringe concentration and cell volume must be positive")
    V0 = cell_mL / 1000.0
    net = model.network
    j = net.index(titrant)
    c_cell = model.initial()[0]
    rows = []
    dots = []
    d = model.dot_conc_M
    for vi in v:  # overflow: mix, then v of the mixture leaves
        c_cell = c_cell * (V0 / (V0 + vi))
        c_cell[j] += syringe_M * vi / (V0 + vi)
        d = d * V0 / (V0 + vi)
        rows.append(c_cell.copy())
        dots.append(d)
    c0 = np.array(rows)
    start = model.equilibrium(model.initial()[0][None, :])
    state = model.equilibrium(c0, dots_M=np.array(dots))
    h = species_enthalpies(model)
    Q = np.concatenate([[V0 * start.conc[0] @ h], V0 * state.conc @ h]) * 1e9  # kJ -> µJ
    dQ = Q[1:] + (v / V0) * (Q[1:] + Q[:-1]) / 2 - Q[:-1]
    ratio = c0[:, j] / np.maximum(np.array(dots), 1e-300)
    return ITCRun(np.arange(1, len(v) + 1), v * 1e6, dQ, ratio, state, syringe_M * v, bool(np.any(h != 0)))
