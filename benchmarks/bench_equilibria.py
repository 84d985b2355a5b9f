"""Equilibria benchmark: a 200-point titration with 3 site classes, and lattice-gas Monte Carlo moves.

Titration: three site classes (S1, S2, S3 per dot, K = 1e7, 1e5, 1e3 M⁻¹) titrated with L over 200
points, all points solved at once (dual Newton, vectorised). Baseline in the same script: the usual
hand-written approach for independent site classes, the free ligand from the one-dimensional mass
balance by Brent's method, point after point; both answers are compared.

Lattice gas: attempted Metropolis moves per second on the anion-vacancy graph of an 8 nm seed004
PbS core, one core.

Usage: python benchmarks/bench_equilibria.py   (writes benchmarks/results_equilibria.json)
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from nanoligand import build
from nanoligand.equilibria.experiments import titrate
from nanoligand.equilibria.lattice import SiteGraph, moves_per_second
from nanoligand.equilibria.model import Model

HERE = Path(__file__).resolve().parent
K = (1e7, 1e5, 1e3)
PER_DOT = (20, 40, 60)
DOTS_M = 1e-5


def model() -> Model:
    return Model.from_spec({
        "dots": {"conc_M": DOTS_M},
        "per_dot": {f"S{i}": n for i, n in enumerate(PER_DOT, 1)},
        "reactions": [{"equation": f"S{i} + L <=> S{i}:L", "K": k} for i, k in enumerate(K, 1)],
        "species": {**{f"S{i}:L": {"bound": True, "contains": {"L": 1}} for i in (1, 2, 3)}, "L": {"contains": {"L": 1}}},
    })


def baseline(eq: np.ndarray) -> np.ndarray:
    """Per point: the free ligand from the 1D mass balance L0 = L + Σ S_i K_i L / (1 + K_i L) by Brent's
    method (the usual hand-written approach for independent site classes)."""
    sites = np.array(PER_DOT) * DOTS_M
    k = np.array(K)
    out = []
    for e in eq:
        L0 = e * DOTS_M
        if L0 == 0:
            out.append(0.0)
            continue
        L = brentq(lambda x: x + np.sum(sites * k * x / (1 + k * x)) - L0, 0.0, L0, xtol=1e-30, rtol=1e-14)
        out.append(np.sum(sites * k * L / (1 + k * L)) / DOTS_M)
    return np.array(out)


def best_of(fn, n=5):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t)
    return min(times), r


def main() -> None:
    m = model()
    eq = np.linspace(0, 150, 200)
    titrate(m, "L", eq)  # warm-up
    t_nl, s = best_of(lambda: titrate(m, "L", eq).state)
    bound_nl = sum(s.per_dot(f"S{i}:L") for i in (1, 2, 3))
    t_base, bound_base = best_of(lambda: baseline(eq), 3)
    agree = float(np.max(np.abs(bound_nl - bound_base)))
    g = SiteGraph.from_core(build("PbS", 8.0, "truncated-octahedron", "seed004"))
    mps = moves_per_second(g)
    res = {"titration_200pt_3classes_s": round(t_nl, 5), "baseline_brentq_per_point_s": round(t_base, 4),
           "ratio_baseline_over_nanoligand": round(t_base / t_nl, 1), "max_difference_ligands_per_dot": agree,
           "lattice_sites": len(g.positions), "lattice_moves_per_second": float(f"{mps:.3g}")}
    (HERE / "results_equilibria.json").write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
