"""Capped-shell benchmark: nanoligand against CAT 1.1.0, side by side, plus a 20 nm PbS dot.

Case A (the issue's benchmark): a 10 nm zinc-blende CdSe dot (Wulff, {111} 1.0, {-1-1-1} 1.5,
{100} 1.3, cation-rich: +1098 e) with a full oleate shell (1098 oleates, one per excess charge).
nanoligand builds core and shell and writes PDB + JSON; the same core goes to CAT as xyz with a Cl
placeholder on each of the 1098 sites nanoligand used, and CAT attaches oleate (SMILES) to each.
Both results are checked the same way here: atom pairs of different residues closer than 2 Å and
sites left empty.

Case B: a 20 nm seed-004 PbS dot with its native shell (oleate + OH per excess Pb), time and peak
memory in a fresh process.

Timings are wall clock on this machine with numba's compiled kernels cached (one warm-up build in
the same process first; the first run after installation compiles them once, ~20 s). CAT runs
through ``../shared/bench/cat/run_one.sh`` (its own venv; ``setup_cat_env.sh`` installs it); without
that venv case A reports nanoligand alone.

Usage: python benchmarks/bench_shell.py [--cat-venv /tmp/cat-venv] [--skip-big]
Writes benchmarks/results_shell.json; docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

HERE = Path(__file__).resolve().parent
CAT_DIR = HERE.parent.parent / "shared" / "bench" / "cat"
OLEIC_ACID = "CCCCCCCC/C=C\\CCCCCCCC(=O)O"  # CAT splits the acidic H off (optional.ligand.split = True)
CDSE = dict(material="CdSe", diameter_nm=10.0, shape="wulff", termination="cation_rich",
            facet_energies={"111": 1.0, "-1-1-1": 1.5, "100": 1.3})


def pairs_below(xyz: np.ndarray, residue: np.ndarray, bonded: set | None = None, limit: float = 2.0):
    """Atom pairs of different residues closer than ``limit`` (bonded pairs excepted) and the minimum."""
    pairs = cKDTree(xyz).query_pairs(limit, output_type="ndarray")
    if len(pairs) == 0:
        return 0, None
    keep = residue[pairs[:, 0]] != residue[pairs[:, 1]]
    if bonded:
        keep &= np.array([tuple(p) not in bonded for p in pairs.tolist()])
    p = pairs[keep]
    d = np.linalg.norm(xyz[p[:, 0]] - xyz[p[:, 1]], axis=1)
    return int(len(p)), (float(d.min()) if len(d) else None)


def run_nanoligand(workdir: Path) -> dict:
    from nanoligand.nanocrystal import build_nanocrystal

    build_nanocrystal("CdSe", 3.0, shell=[{"ligand": "oleic acid", "motif": "X", "role": "neutralize"}])  # warm-up
    t0 = time.perf_counter()
    nc = build_nanocrystal(**CDSE, shell=[{"ligand": "oleic acid", "motif": "X", "role": "neutralize"}])
    t_build = time.perf_counter() - t0
    nc.write(workdir / "cdse_10nm.pdb")
    nc.write(workdir / "cdse_10nm.json")
    t_total = time.perf_counter() - t0
    atoms = nc.atoms
    bonded = {tuple(sorted(b)) for b in nc.bonds.tolist()}
    n, dmin = pairs_below(atoms.positions, atoms.arrays["residue"], bonded)
    sites = nc.result.placed[0]
    return {"seconds_without_files": round(t_build, 2), "seconds": round(t_total, 2), "ligands": len(sites.sites),
            "sites": int(nc.bare.census.net_charge), "empty_sites": int(nc.bare.census.net_charge) - len(sites.sites),
            "pairs_below_2A": n, "min_distance_A": round(dmin, 3) if dmin else None, "n_atoms": len(atoms),
            "_nc": nc}


def cat_core(nc, path: Path) -> int:
    """The bare core as xyz with a Cl placeholder on every site nanoligand used."""
    core = nc.bare.atoms
    anchors = np.vstack([p.anchors for p in nc.result.placed])
    symbols = list(core.get_chemical_symbols()) + ["Cl"] * len(anchors)
    xyz = np.vstack([core.positions, anchors])
    lines = [str(len(symbols)), "CdSe 10 nm core with Cl placeholders at the X sites"]
    lines += [f"{s} {x:.5f} {y:.5f} {z:.5f}" for s, (x, y, z) in zip(symbols, xyz)]
    path.write_text("\n".join(lines) + "\n")
    return len(anchors)


def run_cat(venv: Path, workdir: Path, core_xyz: Path, n_sites: int, write: bool) -> dict:
    name = "cat_files" if write else "cat_nofiles"
    env = dict(os.environ, VENV=str(venv), WRITE="True" if write else "False")
    if not write:
        env["FMT"] = "[]"
    out = subprocess.run(["bash", str(CAT_DIR / "run_one.sh"), str(workdir), str(core_xyz), "Cl", name, OLEIC_ACID],
                         env=env, capture_output=True, text=True, timeout=3600)
    fields = out.stdout.strip().split("\t")
    wall = fields[2] if len(fields) > 2 else "nan"
    m = re.match(r"(?:(\d+):)?(\d+):([\d.]+)", wall)
    seconds = (int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))) if m else float("nan")
    res = {"seconds": round(seconds, 1), "exit": fields[1] if len(fields) > 1 else "?",
           "peak_rss_MB": round(int(fields[3]) / 1024, 1) if len(fields) > 3 and fields[3].isdigit() else None}
    pdbs = sorted((workdir / name / "qd").glob("*.pdb")) if write else []
    if pdbs:
        xyz, resid, elems = [], [], []
        for line in pdbs[0].read_text().splitlines():
            if line.startswith(("ATOM", "HETATM")):
                xyz.append([float(line[30:38]), float(line[38:46]), float(line[46:54])])
                resid.append((line[21], int(line[22:26])))
                elems.append(line[76:78].strip().upper())
        xyz = np.array(xyz)
        _, rid = np.unique(np.array([f"{c}{r}" for c, r in resid]), return_inverse=True)
        n, dmin = pairs_below(xyz, rid)
        placed = len(set(resid)) - 1  # residues besides the core
        res.update({"pairs_below_2A": n, "min_distance_A": round(dmin, 3) if dmin else None,
                    "ligands": placed, "empty_sites": n_sites - placed, "left_Cl": elems.count("CL")})
    return res


def run_big() -> dict:
    code = r"""
import json, resource, time
from nanoligand.nanocrystal import build_nanocrystal
build_nanocrystal("PbS", 3.0, shell="native")
t = time.perf_counter()
nc = build_nanocrystal("PbS", 20.0, "truncated-octahedron", shell="native", allow_clashes=True)
tb = time.perf_counter() - t
d = nc.to_dict()
print(json.dumps({"seconds": round(tb, 1), "n_atoms": d["n_atoms"], "ligands": d["ligands"],
                  "pairs_below_2A": d["pairs_below_2A"], "clashing_ligands": d["shell"]["relief"]["clashing_ligands"],
                  "peak_rss_MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=7200)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cat-venv", default="/tmp/cat-venv")
    ap.add_argument("--skip-big", action="store_true")
    args = ap.parse_args()
    results: dict = {"machine": f"{os.cpu_count()} cores", "case_a": CDSE | {"ligand": "oleate"}}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        nl = run_nanoligand(work)
        nc = nl.pop("_nc")
        results["nanoligand"] = nl
        print("nanoligand", nl, flush=True)
        venv = Path(args.cat_venv)
        if (venv / "bin" / "init_cat").exists():
            core = work / "cdse_10nm_cl.xyz"
            n_sites = cat_core(nc, core)
            results["cat_files"] = run_cat(venv, work, core, n_sites, write=True)
            print("CAT (files)", results["cat_files"], flush=True)
            results["cat_nofiles"] = run_cat(venv, work, core, n_sites, write=False)
            print("CAT (no files)", results["cat_nofiles"], flush=True)
            results["speedup_with_files"] = round(results["cat_files"]["seconds"] / nl["seconds"], 1)
            results["speedup_without_files"] = round(results["cat_nofiles"]["seconds"] / nl["seconds_without_files"], 1)
        else:
            results["cat"] = f"not run: no CAT venv at {venv} (../shared/bench/cat/setup_cat_env.sh)"
    if not args.skip_big:
        results["pbs_20nm"] = run_big()
        print("PbS 20 nm", results["pbs_20nm"], flush=True)
    (HERE / "results_shell.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k.startswith("speedup")}))


if __name__ == "__main__":
    main()
