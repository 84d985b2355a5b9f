"""Properties benchmark: accuracy and speed of the first-exciton finder on synthetic spectra.

300 spectra on a 0.5 nm grid (300–800 nm): a first exciton (0.2 absorbance, 450–650 nm, Gaussian
σ 0.03–0.08 eV), a second transition 0.2 eV higher (0.15, σ 0.07 eV), a rising background and white
noise up to 0.003 (1.5 % of the peak). Baseline in the same script: the plain second-derivative
method (Savitzky–Golay, 10 nm window, lowest-energy curvature minimum, no noise test, no fit).

Usage: python benchmarks/bench_properties.py   (writes benchmarks/results_properties.json)
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from scipy.signal import argrelmin, savgol_filter

from nanoligand.properties.optics import HC_EV_NM, first_exciton

HERE = Path(__file__).resolve().parent
N = 300


def spectra(seed: int = 5):
    rng = np.random.default_rng(seed)
    wl = np.arange(300.0, 800.0, 0.5)
    E = HC_EV_NM / wl
    for _ in range(N):
        peak, sig, noise = rng.uniform(450, 650), rng.uniform(0.03, 0.08), rng.uniform(0, 0.003)
        E1 = HC_EV_NM / peak
        A = (0.2 * np.exp(-0.5 * ((E - E1) / sig) ** 2) + 0.15 * np.exp(-0.5 * ((E - E1 - 0.2) / 0.07) ** 2)
             + 0.03 * np.exp((E - 2.0) * 2.5) + noise * rng.standard_normal(len(wl)))
        yield wl, A, peak, sig * np.sqrt(2 * np.log(2))


def plain_second_derivative(wl, A) -> float:
    E = HC_EV_NM / wl[::-1]
    grid = np.linspace(E.min(), E.max(), 2000)
    y = np.interp(grid, E, A[::-1])
    win = int(HC_EV_NM / np.median(wl) ** 2 * 10.0 / (grid[1] - grid[0])) | 1
    d2 = savgol_filter(y, win, 3, deriv=2)
    mins = [i for i in argrelmin(d2, order=win // 2)[0] if d2[i] < 0 and win < i < len(grid) - win]
    return HC_EV_NM / grid[mins[0]]


def main() -> None:
    cases = list(spectra())
    t0 = time.perf_counter()
    ours = [first_exciton(wl, A) for wl, A, _, _ in cases]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = [plain_second_derivative(wl, A) for wl, A, _, _ in cases]
    t_base = time.perf_counter() - t0
    err = np.abs([p.wavelength_nm - c[2] for p, c in zip(ours, cases)])
    err_b = np.abs([b - c[2] for b, c in zip(base, cases)])
    hw = np.array([p.hwhm_low_energy_eV / c[3] for p, c in zip(ours, cases)])
    res = {
        "spectra": N,
        "nanoligand": {"err_nm_p50": float(np.median(err)), "err_nm_p95": float(np.percentile(err, 95)),
                       "err_nm_max": float(err.max()), "over_4nm": int((err > 4).sum()),
                       "hwhm_ratio_p5_p50_p95": [float(x) for x in np.percentile(hw, [5, 50, 95])],
                       "ms_per_spectrum": 1e3 * t_ours / N},
        "baseline_plain_d2": {"err_nm_p50": float(np.median(err_b)), "err_nm_p95": float(np.percentile(err_b, 95)),
                              "err_nm_max": float(err_b.max()), "over_4nm": int((err_b > 4).sum()),
                              "ms_per_spectrum": 1e3 * t_base / N},
    }
    res["time_ratio_vs_baseline"] = res["nanoligand"]["ms_per_spectrum"] / res["baseline_plain_d2"]["ms_per_spectrum"]
    print(json.dumps(res, indent=2))
    (HERE / "results_properties.json").write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
