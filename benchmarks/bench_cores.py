"""Core builder benchmark: time and peak memory to build + census PbS and CdSe cores, 2-20 nm.

Run with ``make bench`` (or ``python benchmarks/bench_cores.py``). Prints a table and writes
``benchmarks/results_cores.json``. The baseline, measured in the same run on the same atoms, is what a
plain script does for the coordination count alone: a SciPy KD-tree queried atom by atom in a Python
loop, each neighbour checked for a cation-anion bond (run up to 12 nm). Wall times are the best of three runs.
Peak memory is traced separately (tracemalloc follows NumPy's allocations) so that tracing does not
inflate the timings.
"""

from __future__ import annotations

import json
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from nanoligand import build
from nanoligand.core.lattice import lattice_of

CASES = [("PbS", "truncated-octahedron", "seed004"), ("CdSe", "sphere", "cation_rich")]
SIZES_NM = [2, 4, 8, 12, 20]
BASELINE_MAX_NM = 12
REPEATS = 3


def ours(material: str, shape: str, termination: str, d: float):
    qd = build(material, d, shape, termination)
    return qd


def baseline_coordination(atoms, material: str) -> np.ndarray:
    """Coordination by a per-atom Python loop over KD-tree queries (the straightforward way)."""
    lat = lattice_of(material)
    cutoff = lat.max_cutoff_A
    pos = atoms.positions
    tree = cKDTree(pos)
    symbols = atoms.get_chemical_symbols()
    charges = {el: lat.material.charges.get(el, 0) for el in lat.elements}
    cn = np.zeros(len(atoms), int)
    for a in range(len(atoms)):  # the per-atom Python loop
        for b in tree.query_ball_point(pos[a], cutoff):
            if b != a and charges[symbols[a]] * charges[symbols[b]] < 0:
                cn[a] += 1
    return cn


def best_of(fn, repeats: int = REPEATS) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    rows = []
    ours("PbS", "truncated-octahedron", "seed004", 2.0)  # warm caches (lattice tables, imports)
    ours("CdSe", "sphere", "cation_rich", 2.0)
    for material, shape, term in CASES:
        for d in SIZES_NM:
            t, qd = best_of(lambda: ours(material, shape, term, d))
            mem = peak_mb(lambda: ours(material, shape, term, d))
            row = {"material": material, "shape": shape, "termination": term, "diameter_nm": d,
                   "n_atoms": len(qd.atoms), "seconds": round(t, 4), "peak_MB": round(mem, 1)}
            if d <= BASELINE_MAX_NM:
                tb, cn = best_of(lambda: baseline_coordination(qd.atoms, material), repeats=1)
                if not np.array_equal(cn, qd.atoms.arrays["coordination"]):
                    raise SystemExit("baseline and nanoligand disagree on coordination numbers")
                row["baseline_seconds"] = round(tb, 4)
                row["speedup"] = round(tb / t, 1)
            rows.append(row)
            print(f"{material:5s} {d:5.1f} nm  {row['n_atoms']:8d} atoms  {t:7.3f} s  {mem:7.1f} MB"
                  + (f"  baseline {row['baseline_seconds']:7.3f} s  x{row['speedup']}" if "speedup" in row else ""),
                  flush=True)
    for material, _, _ in CASES:
        sel = [r for r in rows if r["material"] == material and r["diameter_nm"] >= 4]
        n = np.log([r["n_atoms"] for r in sel])
        t = np.log([r["seconds"] for r in sel])
        slope = float(np.polyfit(n, t, 1)[0])
        print(f"{material}: time ~ N^{slope:.2f} (4-20 nm)")
        for r in sel:
            r["scaling_exponent_4_20nm"] = round(slope, 2)
    out = {"machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                       "cpus": __import__("os").cpu_count()},
           "rows": rows}
    path = Path(__file__).with_name("results_cores.json")
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
