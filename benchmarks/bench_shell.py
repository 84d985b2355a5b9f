"""Capped shells: nanoligand, CAT 1.1.0 and Packmol on the same cores, every output through the validator.

Cases: zinc-blende CdSe with its native shell (cation-rich tetrahedron, one oleate per excess Cd
charge) at 4 nm and 10 nm, and (``--big``) the 20 nm seed-004 PbS native shell.

* nanoligand builds core and shell (self-check off, so that a failing model is reported instead of
  raised) and writes extxyz + PDB + JSON; the time includes the files but not the validation, which
  is timed on its own.
* CAT gets the model's core (the atoms nanoligand kept) as xyz with a Cl placeholder on the first
  carboxylate O of every oleate nanoligand placed, and attaches oleic acid (SMILES; its ``split``
  option removes the acidic H) through ``../shared/bench/cat/run_one.sh`` (own venv,
  ``setup_cat_env.sh`` installs it).
* Packmol (PyPI wheel ``packmol``) gets the same core as a fixed structure and one oleate per site, the
  first carboxylate O of each constrained inside a 0.5 Å sphere on nanoligand's O position and its
  terminal CH3 carbon inside a sphere of radius ``TAIL_RADIUS_A`` 0.8 chain lengths out along the
  site's radial direction (so that the chain points away from the core), tolerance 2.0 Å, ``nloop``
  ``PACKMOL_NLOOP`` (the default, 50, had not finished the 4 nm case after 900 s).

All three outputs go through ``nanoligand.validate``; the table lists its verdict and the failed rules.
Timings are wall clock on this machine with numba's kernels compiled and MMFF templates cached (a
warm-up build in the same process first).

Usage: python benchmarks/bench_shell.py [--sizes 4 10] [--cat-venv /tmp/cat-venv] [--big]
Writes benchmarks/results_shell.json; docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.io import write

HERE = Path(__file__).resolve().parent
CAT_DIR = HERE.parent.parent / "shared" / "bench" / "cat"
OLEIC_ACID = "CCCCCCCC/C=C\\CCCCCCCC(=O)O"
PACKMOL_TOLERANCE_A = 2.0
ANCHOR_RADIUS_A = 0.5
TAIL_RADIUS_A = 6.0
PACKMOL_NLOOP = 20


def verdict(report) -> dict:
    """The validator's verdict in a few numbers."""
    return {"valid": report.ok, "n_atoms": report.n_atoms, "validated_ligands": len(report.ligands),
            "clashscore": report.rule("clashscore").measured,
            "failed": {r.name: r.detail for r in report.failed}}


def run_nanoligand(material: str, diameter_nm: float, work: Path) -> tuple[dict, object]:
    from nanoligand import build
    from nanoligand.validate import validate

    t0 = time.perf_counter()
    nc = build(material, diameter_nm, shell="native", allow_invalid=True)
    t_build = time.perf_counter() - t0
    stem = work / f"{material}_{diameter_nm:g}nm"
    for suffix in (".extxyz", ".pdb", ".json"):
        nc.write(stem.with_suffix(suffix))
    t_files = time.perf_counter() - t0
    t1 = time.perf_counter()
    report = validate(nc.atoms)
    t_val = time.perf_counter() - t1
    comp = nc.composition
    out = {"seconds_with_files": round(t_files, 2), "seconds_without_files": round(t_build, 2),
           "validate_seconds": round(t_val, 2), "ligands": comp.ligands,
           "density_per_nm2": comp.ligand_density_per_nm2, "diameter_nm": nc.census.diameter_nm,
           **verdict(report)}
    return out, nc


def oleate_sites(nc) -> tuple[Atoms, np.ndarray, object]:
    """The kept core, the first donor O of every oleate, and the oleate template."""
    core = nc.core.atoms[nc.keep]
    core = Atoms(core.get_chemical_symbols(), positions=core.positions)
    groups = [p for p in nc.shell.placed if len(p.sites) and p.template.n_atoms > 1]
    tpl = groups[0].template
    anchors = np.array([c[tpl.donors[0]] for p in groups for c in p.coords])
    return core, anchors, tpl


def _wall(text: str) -> float:
    m = re.match(r"(?:(\d+):)?(\d+):([\d.]+)", text)
    return (int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))) if m else float("nan")


def run_cat(venv: Path, work: Path, core: Atoms, anchors: np.ndarray) -> dict:
    from nanoligand.validate import validate

    xyz = work / "cat_core.xyz"
    write(xyz, core + Atoms("Cl" * len(anchors), positions=anchors))
    env = dict(os.environ, VENV=str(venv), WRITE="True")
    out = subprocess.run(["bash", str(CAT_DIR / "run_one.sh"), str(work), str(xyz), "Cl", "cat", OLEIC_ACID],
                         env=env, capture_output=True, text=True, timeout=3600)
    fields = out.stdout.strip().split("\t")
    res = {"seconds_with_files": round(_wall(fields[2]), 1) if len(fields) > 2 else None,
           "peak_rss_MB": round(int(fields[3]) / 1024, 1) if len(fields) > 3 and fields[3].isdigit() else None}
    pdbs = sorted((work / "cat" / "qd").glob("*.pdb"))
    if not pdbs:
        return res | {"error": (out.stderr or out.stdout).strip().splitlines()[-1:] or "no output"}
    text = pdbs[0].read_text()
    resids = {line[17:26] for line in text.splitlines() if line.startswith(("ATOM", "HETATM"))}
    res["ligands"] = len(resids) - 1
    res["left_Cl"] = sum(1 for line in text.splitlines() if line.startswith(("ATOM", "HETATM"))
                         and line[76:78].strip().upper() == "CL")
    return res | verdict(validate(pdbs[0]))


def run_packmol(work: Path, core: Atoms, anchors: np.ndarray, tpl, timeout_s: int) -> dict:
    from nanoligand.validate import validate

    exe = shutil.which("packmol") or str(Path(sys.executable).with_name("packmol"))
    if not Path(exe).exists():
        return {"error": "packmol not installed (pip install packmol)"}
    write(work / "pm_core.pdb", core)
    lig = Atoms(tpl.symbols, positions=tpl.conformers[0])
    write(work / "pm_oleate.pdb", lig)
    anchor = tpl.donors[0] + 1
    ref = tpl.conformers[0]
    tail = int(np.argmax(np.linalg.norm(ref - ref[tpl.donors[0]], axis=1) * (np.array(tpl.symbols) == "C")))
    reach = 0.8 * float(np.linalg.norm(ref[tail] - ref[tpl.donors[0]]))
    radial = anchors - core.positions.mean(axis=0)
    ends = anchors + reach * radial / np.linalg.norm(radial, axis=1)[:, None]
    lines = [f"tolerance {PACKMOL_TOLERANCE_A}", "filetype pdb", "output pm_out.pdb", "seed 1",
             f"nloop {PACKMOL_NLOOP}", "structure pm_core.pdb", "  number 1", "  fixed 0. 0. 0. 0. 0. 0.",
             "end structure"]
    for (x, y, z), (u, v, w) in zip(anchors, ends):
        lines += ["structure pm_oleate.pdb", "  number 1", f"  atoms {anchor}",
                  f"    inside sphere {x:.3f} {y:.3f} {z:.3f} {ANCHOR_RADIUS_A}", "  end atoms",
                  f"  atoms {tail + 1}", f"    inside sphere {u:.3f} {v:.3f} {w:.3f} {TAIL_RADIUS_A}", "  end atoms",
                  "end structure"]
    (work / "pm.inp").write_text("\n".join(lines) + "\n")
    t0 = time.perf_counter()
    try:
        with open(work / "pm.inp") as inp:
            out = subprocess.run([exe], stdin=inp, cwd=work, capture_output=True, text=True, timeout=timeout_s)
        res = {"converged": "Success!" in out.stdout}
    except subprocess.TimeoutExpired:  # stopped: validate the best configuration written so far
        res = {"converged": False, "stopped_after_s": timeout_s}
    res |= {"seconds_with_files": round(time.perf_counter() - t0, 1), "ligands": len(anchors)}
    final = work / "pm_out.pdb"
    if not final.exists():
        final = work / "pm_out.pdb_FORCED"
    if not final.exists():
        return res | {"error": "packmol wrote no structure"}
    return res | verdict(validate(final))


def run_big() -> dict:
    """20 nm PbS seed004 native shell in a fresh process: time and peak memory."""
    code = r"""
import json, resource, time
from nanoligand import build
build("PbS", 3.0, shell="native", allow_invalid=True)
t = time.perf_counter()
nc = build("PbS", 20.0, shell="native", allow_invalid=True)
tb = time.perf_counter() - t
v = nc.validate()
print(json.dumps({"seconds": round(tb, 1), "n_atoms": len(nc.atoms), "valid": v.ok,
                  "failed": [r.name for r in v.failed], "ligands": nc.composition.ligands,
                  "peak_rss_MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=7200)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=float, nargs="+", default=[4.0, 10.0])
    ap.add_argument("--cat-venv", default="/tmp/cat-venv")
    ap.add_argument("--packmol-timeout", type=int, default=900)
    ap.add_argument("--big", action="store_true")
    ap.add_argument("--tools", nargs="+", default=["nanoligand", "cat", "packmol"])
    args = ap.parse_args()
    from nanoligand import build

    build("CdSe", 2.5, shell="native", allow_invalid=True)  # warm-up: kernels, template cache
    results: dict = {"machine": f"{os.cpu_count()} cores", "cases": {}}
    venv = Path(args.cat_venv)
    for d in args.sizes:
        case: dict = {}
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            case["nanoligand"], nc = run_nanoligand("CdSe", d, work)
            print(f"CdSe {d:g} nm nanoligand", case["nanoligand"], flush=True)
            core, anchors, tpl = oleate_sites(nc)
            if "cat" in args.tools:
                if (venv / "bin" / "init_cat").exists():
                    case["cat"] = run_cat(venv, work, core, anchors)
                else:
                    case["cat"] = {"error": f"no CAT venv at {venv} (../shared/bench/cat/setup_cat_env.sh)"}
                print(f"CdSe {d:g} nm CAT", case["cat"], flush=True)
            if "packmol" in args.tools:
                case["packmol"] = run_packmol(work, core, anchors, tpl, args.packmol_timeout)
                print(f"CdSe {d:g} nm Packmol", case["packmol"], flush=True)
        results["cases"][f"CdSe {d:g} nm native"] = case
    if args.big:
        results["PbS 20 nm native"] = run_big()
        print("PbS 20 nm", results["PbS 20 nm native"], flush=True)
    results["peak_rss_MB_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    path = HERE / "results_shell.json"
    if path.exists():  # a partial run (--sizes, --tools) updates the cases it ran
        old = json.loads(path.read_text())
        for name, case in results["cases"].items():
            results["cases"][name] = old.get("cases", {}).get(name, {}) | case
        results["cases"] = old.get("cases", {}) | results["cases"]
        results = old | results
    path.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
