"""Cost of xTB energies on this machine: single points and relaxations against atom count, per engine.

    python benchmarks/bench_energy.py [max_radius_A]

Systems: water (3 atoms), neutral cut-outs of a 2.5 nm PbS model with its acetate/hydroxide proxy shell
around a {100} adatom (radius 5–``max_radius_A`` Å, 40–260 atoms), and whole proxy-capped PbS dots. For
each: GFN2-xTB and GFN1-xTB single points (tblite) and GFN-FF (xtb-python, whose topology set-up is the
cost), at an electronic temperature of 1000 K (the cut-outs' SCF does not converge in 250 cycles at 300 K).
The baseline in the same run is GFN-FF on the same structure: every time is also printed as a ratio to it.
One relaxation (LBFGS, 0.1 eV/Å, 4 Å free radius) shows the cost per optimiser step.

Results go to ``benchmarks/results_energy.json``; ``docs/benchmarks.md`` records a run.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ase.build import molecule

from nanoligand.energy.engines import Settings, single_point
from nanoligand.energy.relax import relax
from nanoligand.energy.sites import cut_site, proxy_recipe
from nanoligand.errors import ComputeError
from nanoligand.nanocrystal import build

METHODS = ("GFN-FF", "GFN1-xTB", "GFN2-xTB")


def timed(atoms, method: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    try:
        single_point(atoms, Settings(method, etemp_K=1000.0, max_iter=250), cache=False)
        status = "ok"
    except ComputeError:
        status = "no SCF convergence"
    return time.perf_counter() - t0, status


def main(max_radius_A: float) -> None:
    model = build("PbS", 2.5, shell=proxy_recipe("PbS"))
    systems = {"water": molecule("H2O")}
    r = 5.0
    while r <= max_radius_A:
        systems[f"PbS {{100}} cut-out r={r:g} Å"] = cut_site(model, "adatom", "{100}", radius_A=r).atoms
        r += 1.0
    systems["PbS dot 1.6 nm, proxy shell"] = build("PbS", 1.6, shell=proxy_recipe("PbS")).atoms
    rows = []
    print(f"{'system':34} {'atoms':>6} " + " ".join(f"{m + ' s':>12} {'×FF':>6}" for m in METHODS))
    for name, atoms in systems.items():
        row = {"system": name, "atoms": len(atoms)}
        for m in METHODS:
            t, status = timed(atoms, m)
            row[m] = {"seconds": round(t, 3), "status": status}
        base = row["GFN-FF"]["seconds"]
        rows.append(row)
        print(f"{name:34} {len(atoms):6d} " + " ".join(
            f"{row[m]['seconds']:12.2f} {row[m]['seconds'] / base:6.0f}" + ("" if row[m]["status"] == "ok" else "*")
            for m in METHODS), flush=True)
    site = cut_site(model, "adatom", "{100}", radius_A=7.0)
    t0 = time.perf_counter()
    rel = relax(site.atoms, Settings("GFN2-xTB", etemp_K=1000.0), fixed=site.fixed.nonzero()[0], fmax_eV_A=0.1,
                max_steps=300, allow_unconverged=True, cache=False)
    t = time.perf_counter() - t0
    relax_row = {"system": f"{{100}} cut-out r=7 Å ({len(site.atoms)} atoms, {(~site.fixed).sum()} free)",
                 "steps": rel.steps, "converged": rel.converged, "seconds": round(t, 1),
                 "seconds_per_step": round(t / max(rel.steps, 1), 2)}
    print(f"relaxation GFN2-xTB: {relax_row}")
    print("* no SCF convergence within 250 cycles")
    out = Path(__file__).with_name("results_energy.json")
    out.write_text(json.dumps({"single_points": rows, "relaxation": relax_row}, indent=1))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 9.0)
