"""Size and concentration of QDs from absorbance: sizing curves both ways, Beer–Lambert, and the first
excitonic peak of a measured spectrum.

Curves and extinction coefficients are in ``data/sizing.yaml`` with their sources (Moreels 2009 PbS,
Moreels 2007 PbSe, Yu 2003 and Jasieniak 2009 CdSe, Yu 2003 CdTe/CdS, Almeida 2023 InP tetrahedra,
Toufanian 2021 ZnSe table). A curve is used inside its fitted range where the source states it;
beyond that by up to ``EXTRAPOLATE_NEAR`` (15 %) of the range a warning is returned, further out an
error: sizing curves are polynomial fits and go wrong fast outside their data. Where no range is
packaged, the curve's own monotonic range limits it (an error where the fit turns over) and a
warning says that the fitted range is not known here. A table (ZnSe) is extrapolated from its end
segments under the same rule, never clamped to its last point. Whatever the curve, a first exciton at
or below the material's bulk band gap (``data/materials.yaml``, cited there) is an error: no dot of
that material absorbs there, so the material given is likely not the sample's (issue 13).

Examples
--------
>>> r = size_from_wavelength("CdSe", 550.0)
>>> round(r.diameter_nm, 2)
3.04
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from nanoligand.errors import InputError
from nanoligand.tables import load_table

HC_EV_NM = 1239.841984  # h c in eV nm (CODATA 2018)
EXTRAPOLATE_NEAR = 0.15
# first-exciton detection (our choices, not data): candidates are curvature minima after smoothing over
# twice the fitting window, and must rise above their lower-energy baseline by 6 noise σ and 3 % of the
# spectrum's range (tested on synthetic spectra in tests/test_properties.py)
DETECT_WINDOW_FACTOR, PEAK_NOISE_SIGMAS, PEAK_MIN_RISE = 2.0, 6.0, 0.03


@dataclass
class SizeResult:
    material: str
    curve: str
    diameter_nm: float
    wavelength_nm: float
    energy_eV: float
    epsilon_M_cm: float | None
    epsilon_at: str | None
    source: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: (round(v, 5) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _curves(material: str) -> dict:
    table = load_table("sizing.yaml")["curves"]
    key = next((k for k in table if k.lower() == material.lower()), None)
    if key is None:
        raise InputError(f"no sizing curve for {material!r}; materials with one: {', '.join(table)}")
    return key, table[key]


def _curve(material: str, curve: str | None) -> tuple[str, str, dict]:
    key, rec = _curves(material)
    name = curve or rec["default"]
    if name not in rec or not isinstance(rec[name], dict):
        options = [k for k, v in rec.items() if isinstance(v, dict)]
        raise InputError(f"no curve {name!r} for {key}; curves: {', '.join(options)}")
    return key, name, rec[name]


def _eval(expr: str, **vars_) -> float:
    try:
        value = float(eval(expr, {"__builtins__": {}, "exp": math.exp}, vars_))  # data tables only, no user text
    except (OverflowError, ZeroDivisionError):
        value = math.nan
    if not math.isfinite(value):
        raise InputError(f"{', '.join(f'{k} = {v:g}' for k, v in vars_.items())} is outside what the sizing curve "
                         "can evaluate")
    return value


def _table(x: float, xs: np.ndarray, ys: np.ndarray) -> float:
    """Linear interpolation in a table, linear extrapolation from its end segments beyond it (np.interp
    would return the end value: a 550 nm exciton read as the 422 nm one of the largest ZnSe dots)."""
    if x < xs[0]:
        return float(ys[0] + (x - xs[0]) * (ys[1] - ys[0]) / (xs[1] - xs[0]))
    if x > xs[-1]:
        return float(ys[-1] + (x - xs[-1]) * (ys[-1] - ys[-2]) / (xs[-1] - xs[-2]))
    return float(np.interp(x, xs, ys))


def _lam_of_d(rec: dict, d: float) -> float:
    kind = rec["kind"]
    if kind == "E_of_d":
        return HC_EV_NM / _eval(rec["formula"], d=d)
    if kind == "E_of_edge":
        return HC_EV_NM / _eval(rec["formula"], L=d)
    if kind == "table":
        pts = np.array(rec["points"], float)
        return _table(d, pts[:, 0], pts[:, 1])
    # d_of_lam: invert on the monotonic branch
    lo, hi = _monotonic_lam_range(rec)
    f = lambda lam: _eval(rec["formula"], lam=lam) - d  # noqa: E731
    if f(lo) * f(hi) > 0:
        raise InputError(f"diameter {d} nm lies outside what the curve covers "
                         f"({_eval(rec['formula'], lam=lo):.2f}–{_eval(rec['formula'], lam=hi):.2f} nm)")
    return brentq(f, lo, hi, xtol=1e-9)


def _d_of_lam(rec: dict, lam: float) -> float:
    kind = rec["kind"]
    if kind == "d_of_lam":
        lo, hi = _monotonic_lam_range(rec)
        if not lo <= lam <= hi:
            raise InputError(f"{lam} nm is outside the range where the curve is monotonic ({lo:.0f}–{hi:.0f} nm)")
        return _eval(rec["formula"], lam=lam)
    if kind == "table":
        pts = np.array(rec["points"], float)
        return _table(lam, pts[:, 1], pts[:, 0])
    E = HC_EV_NM / lam
    var = "L" if kind == "E_of_edge" else "d"
    f = lambda x: _eval(rec["formula"], **{var: x}) - E  # noqa: E731
    if f(0.3) * f(60.0) > 0:
        raise InputError(f"{lam:.4g} nm ({E:.4g} eV) is outside what the curve can give")
    return brentq(f, 0.3, 60.0, xtol=1e-10)


def _monotonic_lam_range(rec: dict) -> tuple[float, float]:
    """The wavelength range (nm) where a d(lam) polynomial rises monotonically, around its data."""
    lam = np.arange(300.0, 1200.0, 0.5)
    d = np.array([_eval(rec["formula"], lam=x) for x in lam])
    ok = (np.gradient(d, lam) > 0) & (d > 0.5)
    # the longest run of rising values
    best, start = (0, 0), None
    for i, v in enumerate(np.r_[ok, False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    if best[1] - best[0] < 2:
        raise InputError("the curve has no rising range")
    return float(lam[best[0]]), float(lam[best[1] - 1])


def _range_warnings(rec: dict, d: float, material: str, curve: str) -> list[str]:
    rng = rec.get("valid_d_nm")
    if not rng:
        return [f"{material} {curve}: the diameters this fit was made on are not packaged; result from the curve's "
                "monotonic range"]
    lo, hi = rng
    span = hi - lo
    if lo <= d <= hi:
        return []
    if lo - EXTRAPOLATE_NEAR * span <= d <= hi + EXTRAPOLATE_NEAR * span:
        return [f"{d:.2f} nm is outside the fitted {lo:g}–{hi:g} nm of {material} {curve}: extrapolated"]
    raise InputError(f"{d:.2f} nm is far outside the fitted {lo:g}–{hi:g} nm of {material} {curve}: "
                     "the curve is not valid there")


def _below_bulk_gap(material: str, lam: float) -> str | None:
    """Where a first exciton at ``lam`` (nm) lies at or below the bulk band gap of ``material``, what
    says so (energies and the gap's source), else None: a dot's gap only rises above the bulk one."""
    from nanoligand.materials import get

    mat = get(material)
    E = HC_EV_NM / lam
    if mat.band_gap_eV is None or E > mat.band_gap_eV:
        return None
    return (f"{lam:.4g} nm ({E:.4g} eV), at or below the bulk band gap of {mat.key}, {mat.band_gap_eV:g} eV "
            f"({mat.sources.get('band_gap', 'materials.yaml')})")


def _epsilon(rec: dict, d: float, lam: float) -> tuple[float | None, str | None]:
    if "eps1s" in rec:
        return _eval(rec["eps1s"], d=d), "first exciton"
    if "eps1s_of_E" in rec:
        return _eval(rec["eps1s_of_E"], E=HC_EV_NM / lam), "first exciton"
    if "eps400" in rec:
        return _eval(rec["eps400"], d=d), "400 nm"
    return None, None


#: edge of the regular tetrahedron with the volume of a sphere of diameter 1 (π d³/6 = a³/(6√2))
TETRAHEDRON_EDGE_PER_DIAMETER = (math.sqrt(2.0) * math.pi) ** (1.0 / 3.0)


def size_on_curve(material: str, curve: str | None = None, *, diameter_nm: float | None = None,
                  edge_nm: float | None = None) -> float:
    """The size a sizing curve takes: a diameter, or for curves in tetrahedron edges (InP) the edge.

    A volume-equivalent ``diameter_nm`` given for an edge curve becomes the edge of the tetrahedron of
    the same volume; an ``edge_nm`` given for a diameter curve is an :class:`InputError`.

    Examples
    --------
    >>> round(size_on_curve("InP", diameter_nm=3.0), 3)   # tetrahedron of equal volume
    4.932
    """
    if (diameter_nm is None) == (edge_nm is None):
        raise InputError("give a diameter (nm) or, for tetrahedral dots, an edge length (nm): one of the two")
    key, name, rec = _curve(material, curve)
    if rec["kind"] != "E_of_edge":
        if edge_nm is not None:
            raise InputError(f"the {key} sizing curve ({name}) is in diameters: give the diameter, not an edge")
        return float(diameter_nm)
    return float(edge_nm) if edge_nm is not None else TETRAHEDRON_EDGE_PER_DIAMETER * float(diameter_nm)


def size_from_wavelength(material: str, wavelength_nm: float, curve: str | None = None) -> SizeResult:
    """Diameter (and ε) from the first-exciton wavelength."""
    key, name, rec = _curve(material, curve)
    if not wavelength_nm > 0:
        raise InputError("the wavelength must be positive")
    below = _below_bulk_gap(key, wavelength_nm)
    if below:
        raise InputError(f"a first exciton at {below}: no {key} dot absorbs there; is the material right?")
    d = _d_of_lam(rec, wavelength_nm)
    warnings = _range_warnings(rec, d, key, name)
    eps, at = _epsilon(rec, d, wavelength_nm)
    return SizeResult(key, name, d, wavelength_nm, HC_EV_NM / wavelength_nm, eps, at, rec["source"], warnings)


def wavelength_from_size(material: str, diameter_nm: float, curve: str | None = None) -> SizeResult:
    """First-exciton wavelength (and ε) of a diameter."""
    key, name, rec = _curve(material, curve)
    if not diameter_nm > 0:
        raise InputError("the diameter must be positive")
    warnings = _range_warnings(rec, diameter_nm, key, name)
    lam = _lam_of_d(rec, diameter_nm)
    below = _below_bulk_gap(key, lam)
    if below:
        raise InputError(f"{key} {name} puts the first exciton of {diameter_nm:g} nm dots at {below}: the curve "
                         "is not valid there")
    eps, at = _epsilon(rec, diameter_nm, lam)
    return SizeResult(key, name, diameter_nm, lam, HC_EV_NM / lam, eps, at, rec["source"], warnings)


def concentration_M(absorbance: float, epsilon_M_cm: float, path_cm: float = 1.0) -> float:
    """Beer–Lambert: c = A / (ε l)."""
    if absorbance < 0 or not epsilon_M_cm > 0 or not path_cm > 0:
        raise InputError("absorbance ≥ 0, ε > 0 and path length > 0 are required")
    return absorbance / (epsilon_M_cm * path_cm)


@dataclass
class Peak:
    wavelength_nm: float
    absorbance: float
    hwhm_low_energy_eV: float
    fwhm_nm: float


def first_exciton(wavelength_nm, absorbance, smooth_nm: float = 10.0) -> Peak:
    """The lowest-energy excitonic peak of an absorbance spectrum: Savitzky–Golay smoothing on a
    uniform energy grid, the longest-wavelength local maximum standing out of the rising background
    (found as the lowest-energy minimum of the second derivative, at a local maximum or shoulder, that
    rises out of its lower-energy baseline by more than the noise); centre and width refined by a
    local Gaussian-on-baseline fit (:func:`_refine`)."""
    from scipy.signal import argrelmin, savgol_filter

    wl = np.asarray(wavelength_nm, float)
    A = np.asarray(absorbance, float)
    if wl.shape != A.shape or wl.ndim != 1 or len(wl) < 15:
        raise InputError("an absorbance spectrum needs at least 15 points (wavelength nm, absorbance)")
    order = np.argsort(wl)
    wl, A = wl[order], A[order]
    E = HC_EV_NM / wl[::-1]
    Ae = A[::-1]
    grid = np.linspace(E.min(), E.max(), 2000)
    y = np.interp(grid, E, Ae)
    step = grid[1] - grid[0]
    win_eV = max(HC_EV_NM / np.median(wl) ** 2 * smooth_nm, 5 * step)
    win = int(win_eV / step) | 1
    ys = savgol_filter(y, max(win, 7), 3)
    # candidates from a twice wider window (a curvature minimum of noise is not a feature); the local fit
    # in _refine works on the lightly smoothed data
    wide = int(DETECT_WINDOW_FACTOR * win) | 1
    ys_wide = savgol_filter(y, max(wide, 7), 3)
    d2 = savgol_filter(y, max(wide, 7), 3, deriv=2)
    # a feature must rise out of the lower-energy baseline by more than the noise (robust σ of the
    # smoothing residual) and a small share of the spectrum's range: noise in the transparent tail is not a peak
    resid = y - ys
    noise = 1.4826 * np.median(np.abs(resid - np.median(resid)))
    floor = max(PEAK_NOISE_SIGMAS * noise, PEAK_MIN_RISE * (ys.max() - ys.min()))
    mins = argrelmin(d2, order=max(wide // 2, 3))[0]
    mins = [i for i in mins if d2[i] < 0 and 0 < i < len(grid) - 1 and ys_wide[i] - ys_wide[: i + 1].min() > floor]
    if not mins:
        raise InputError("no excitonic peak found (no curvature minimum standing out of the noise)")
    i = mins[0]  # lowest energy
    peak_E, hwhm = _refine(grid, y, ys, d2, i)
    lam = HC_EV_NM / peak_E
    fwhm_nm = HC_EV_NM / (peak_E - hwhm) - HC_EV_NM / (peak_E + hwhm) if np.isfinite(hwhm) else float("nan")
    return Peak(lam, float(np.interp(lam, wl, A)), float(hwhm), float(fwhm_nm))


def _refine(grid: np.ndarray, y: np.ndarray, ys: np.ndarray, d2: np.ndarray, i: int) -> tuple[float, float]:
    """Centre and low-energy HWHM (eV) of the feature at ``grid[i]``: a Gaussian on a quadratic baseline
    fitted from 2.5 σ below to 1 σ above it (higher transitions overlap on the high-energy side), σ
    first taken from the zero crossings of the second derivative (±σ for a Gaussian). Where the fit fails or wanders off, the curvature minimum and the half-height crossing
    above the lower-energy baseline are returned instead."""
    from scipy.optimize import curve_fit

    left = np.nonzero(d2[:i] >= 0)[0]
    right = np.nonzero(d2[i:] >= 0)[0]
    sigma0 = 0.5 * ((grid[i] - grid[left[-1]] if len(left) else np.inf) +
                    (grid[i + right[0]] - grid[i] if len(right) else np.inf))
    if np.isfinite(sigma0) and sigma0 > 0:
        window = (grid - grid[i] >= -2.5 * sigma0) & (grid - grid[i] <= 1.0 * sigma0)
        x = grid[window] - grid[i]

        def model(x, a, x0, s, b0, b1, b2):
            return a * np.exp(-0.5 * ((x - x0) / s) ** 2) + b0 + b1 * x + b2 * x * x

        amp = max(float(ys[window].max() - ys[window].min()), 1e-9)
        p0 = [amp / 2, 0.0, sigma0, float(ys[i]) - amp / 2, 0.0, 0.0]
        lo = [0.0, -sigma0, 0.3 * sigma0, -np.inf, -np.inf, -np.inf]
        hi = [10 * amp, sigma0, 3 * sigma0, np.inf, np.inf, np.inf]
        try:
            p, _ = curve_fit(model, x, y[window], p0=p0, bounds=(lo, hi), max_nfev=4000)
        except (RuntimeError, ValueError):
            p = None
        # a fit that ends on a bound has not found the feature
        if p is not None and all(lo[k] < p[k] < hi[k] for k in range(3)) and abs(p[1]) < 0.99 * sigma0 \
                and 0.31 * sigma0 < p[2] < 2.99 * sigma0:
            return float(grid[i] + p[1]), float(p[2] * np.sqrt(2 * np.log(2)))
    base = ys[: i + 1].min()
    half = base + (ys[i] - base) / 2
    below = np.nonzero(ys[: i + 1] <= half)[0]
    return float(grid[i]), float(grid[i] - grid[below[-1]]) if len(below) else float("nan")


def analyse_spectrum(material: str, wavelength_nm, absorbance, path_cm: float = 1.0,
                     curve: str | None = None) -> dict:
    """First exciton → diameter, size dispersion estimate and concentration."""
    peak = first_exciton(wavelength_nm, absorbance)
    size = size_from_wavelength(material, peak.wavelength_nm, curve)
    out = {"peak_nm": round(peak.wavelength_nm, 2), "peak_absorbance": round(peak.absorbance, 5),
           "fwhm_nm": round(peak.fwhm_nm, 2), **{f"size_{k}": v for k, v in size.to_dict().items() if k != "warnings"}}
    # size dispersion: the low-energy HWHM as a Gaussian σ_E, over |dE/dd| of the sizing curve
    d = size.diameter_nm
    try:
        dE = (wavelength_from_size(material, d * 1.01, curve).energy_eV
              - wavelength_from_size(material, d * 0.99, curve).energy_eV) / (0.02 * d)
    except InputError:  # d at the edge of where the curve may be used: no slope on both sides
        dE = 0.0
    sigma_E = peak.hwhm_low_energy_eV / math.sqrt(2 * math.log(2))
    out["size_dispersion_pct"] = round(100 * sigma_E / abs(dE) / d, 1) if dE else None
    out["size_dispersion_note"] = ("estimate: all of the low-energy half width taken as size broadening" if dE else
                                   "not estimated: the curve cannot be used on both sides of this diameter")
    if size.epsilon_M_cm and size.epsilon_at == "first exciton":
        out["concentration_M"] = concentration_M(peak.absorbance, size.epsilon_M_cm, path_cm)
    elif size.epsilon_M_cm and size.epsilon_at == "400 nm":
        a400 = float(np.interp(400.0, np.sort(np.asarray(wavelength_nm, float)),
                               np.asarray(absorbance, float)[np.argsort(np.asarray(wavelength_nm, float))]))
        out["concentration_M"] = concentration_M(a400, size.epsilon_M_cm, path_cm)
    out["warnings"] = size.warnings
    return out
