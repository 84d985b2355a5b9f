"""Every native shell through the validator: the sweep behind the status table of docs/shells.md.

For each material of ``data/shells.yaml`` and each size asked, builds the native capped model with the
self-check off (``allow_invalid``) and records build time, atoms, ligands per dot and per nm², and the
validator's verdict with its failed rules. One failure (an exception) is recorded, not raised.

Usage: python benchmarks/native_shells.py [--sizes 3 5] [--materials PbS CdSe ...] [--timeout 600]
Writes benchmarks/results_native.json (merged with earlier runs) and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ONE = r"""
import json, sys, time
from nanoligand import build
mat, d = sys.argv[1], float(sys.argv[2])
build("CdSe", 2.5, shell="native", allow_invalid=True)  # warm-up: kernels, templates
t = time.perf_counter()
nc = build(mat, d, shell="native", allow_invalid=True)
tb = time.perf_counter() - t
t = time.perf_counter()
v = nc.validate()
tv = time.perf_counter() - t
c = nc.composition
print(json.dumps({"built_nm": nc.census.diameter_nm, "seconds": round(tb, 1), "validate_s": round(tv, 1),
                  "n_atoms": len(nc.atoms), "ligands": c.ligands, "per_nm2": c.ligand_density_per_nm2,
                  "valid": v.ok, "failed": {r.name: r.detail for r in v.failed}}))
"""


def run(material: str, d: float, timeout: int) -> dict:
    try:
        out = subprocess.run([sys.executable, "-c", ONE, material, str(d)], capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no model within {timeout} s"}
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from nanoligand.tables import load_table

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=float, nargs="+", default=[3.0, 5.0])
    ap.add_argument("--materials", nargs="+", default=list(load_table("shells.yaml")))
    ap.add_argument("--timeout", type=int, default=900)
    args = ap.parse_args()
    path = HERE / "results_native.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    for m in args.materials:
        for d in args.sizes:
            r = run(m, d, args.timeout)
            results[f"{m} {d:g} nm"] = r
            print(m, d, json.dumps(r), flush=True)
            path.write_text(json.dumps(results, indent=1) + "\n")
    print("| model | built (nm) | s | atoms | ligands | per nm² | verdict |")
    print("|---|---|---|---|---|---|---|")
    for k, r in results.items():
        if "error" in r:
            print(f"| {k} | | | | | | error: {r['error']} |")
            continue
        lig = ", ".join(f"{n} {c}" for n, c in r["ligands"].items())
        dens = ", ".join(f"{v:.2f}" for v in r["per_nm2"].values())
        verdict = "valid" if r["valid"] else "fails " + ", ".join(r["failed"])
        print(f"| {k} | {r['built_nm']:.2f} | {r['seconds']} | {r['n_atoms']} | {lig} | {dens} | {verdict} |")


if __name__ == "__main__":
    main()
