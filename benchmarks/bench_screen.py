"""Screening benchmark: throughput per core, the 1 → 2 worker speed-up and a 10⁶-molecule run.

The library is :func:`ligand_smiles.library_smiles` (tail–linker–branch–anchor combinations, ~3 %
invalid on purpose), written as a ``.smi`` file. Figures, all for CdSe in toluene (dispersion):

* ``in_process``: :func:`nanoligand.design.score.score_chunk` on 5 000 molecules in this process —
  the per-core cost without any distribution (the baseline the workers are compared with);
* ``workers_1`` / ``workers_2``: :func:`nanoligand.design.screen.screen` on 10⁵ molecules with a local
  Dask cluster of 1 and 2 worker processes (cluster start-up, chunk transfer and Parquet writing
  included), and the speed-up between them;
* ``million`` (with ``--million``): 10⁶ molecules with 2 workers; ``million_no_hansen``: the same with
  ``hansen=False`` (``--no-hansen``: dispersibility from the shell class only).

Usage: python benchmarks/bench_screen.py [--million]   (writes benchmarks/results_screen.json)
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from ligand_smiles import library_smiles
from nanoligand.design.context import DesignContext
from nanoligand.design.readers import Chunk
from nanoligand.design.score import score_chunk
from nanoligand.design.screen import screen

HERE = Path(__file__).resolve().parent
JOB = dict(material="CdSe", solvent="toluene")


def write_library(path: Path, n: int) -> None:
    path.write_text("\n".join(f"{s} m{k}" for k, s in enumerate(library_smiles(n))) + "\n")


def timed_screen(lib: Path, out: Path, workers: int, hansen: bool = True) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    s = screen(lib, out, workers=workers, hansen=hansen, **JOB)
    wall = time.perf_counter() - t0
    return {"rows": s["rows"], "valid": s["valid"], "invalid": s["invalid"], "wall_s": round(wall, 1),
            "rows_per_s": round(s["rows"] / wall)}


def main() -> None:
    million = "--million" in sys.argv
    res: dict = {"machine_cores": 2, "context": JOB}
    smi = library_smiles(5000)
    ctx = DesignContext.create(**JOB).to_dict()
    score_chunk(Chunk(0, 0, ["w"], ["CCCCS"], [None]), ctx)   # warm the rule tables
    t0 = time.perf_counter()
    table = score_chunk(Chunk(0, 0, [str(k) for k in range(len(smi))], smi, [None] * len(smi)), ctx)
    dt = time.perf_counter() - t0
    res["in_process"] = {"rows": len(smi), "valid": int(sum(table.column("valid").to_pylist())),
                         "rows_per_s": round(len(smi) / dt)}
    print(f"in process: {res['in_process']['rows_per_s']} rows/s per core", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lib = tmp / "lib.smi"
        write_library(lib, 100_000)
        for w in (1, 2):
            res[f"workers_{w}"] = timed_screen(lib, tmp / f"hits{w}.parquet", w)
            print(f"10^5 with {w} worker(s): {res[f'workers_{w}']}", flush=True)
        res["speedup_1_to_2"] = round(res["workers_1"]["wall_s"] / res["workers_2"]["wall_s"], 2)
        res["per_core_vs_in_process"] = round(res["workers_1"]["rows_per_s"] / res["in_process"]["rows_per_s"], 2)
        print(f"speed-up 1 → 2 workers: {res['speedup_1_to_2']}×", flush=True)
        if million:
            write_library(lib, 1_000_000)
            res["million"] = timed_screen(lib, tmp / "hits_m.parquet", 2)
            print(f"10^6 with 2 workers: {res['million']}", flush=True)
            res["million_no_hansen"] = timed_screen(lib, tmp / "hits_m.parquet", 2, hansen=False)
            print(f"10^6 with 2 workers, no Hansen: {res['million_no_hansen']}", flush=True)
    path = HERE / "results_screen.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    for key in ("million", "million_no_hansen"):
        if not million and key in old:
            res[key] = old[key]   # keep the last long run's figures
    path.write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
