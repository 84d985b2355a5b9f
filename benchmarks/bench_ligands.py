"""Ligand-engine benchmark: batch classification rate against RDKit's own parsing rate.

Run with ``python benchmarks/bench_ligands.py``. 21 600 generated ligand-like SMILES (anchor x linker x
tail, ``ligand_smiles.py``; about a fifth are deliberately invalid combinations, which exercise the
error path). Baseline, same process: ``Chem.MolFromSmiles`` on the same strings. Best of three runs
each. Also times 3D descriptors for library ligands, first call and cached call. Writes
``benchmarks/results_ligands.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from rdkit import Chem, rdBase

from ligand_smiles import ligand_smiles
from nanoligand import ligand
from nanoligand.ligands import classify_batch

REPEATS = 3


def best(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    smiles = ligand_smiles(21600)
    n = len(smiles)
    classify_batch(smiles[:200])  # warm the catalogue
    with rdBase.BlockLogs():
        t_parse = best(lambda: [Chem.MolFromSmiles(s) for s in smiles])
    t_batch = best(lambda: classify_batch(smiles))
    t_logp = best(lambda: classify_batch(smiles, logp=True))
    valid = int(classify_batch(smiles)["valid"].sum())
    rows = {"n_smiles": n, "n_valid": valid,
            "rdkit_parse_per_s": round(n / t_parse), "batch_per_s": round(n / t_batch),
            "batch_with_logp_per_s": round(n / t_logp),
            "ratio_batch_to_parse": round(t_parse / t_batch, 3),
            "ratio_batch_logp_to_parse": round(t_parse / t_logp, 3)}
    print(f"{n} SMILES ({valid} valid)")
    print(f"RDKit parse          {rows['rdkit_parse_per_s']:8d} /s")
    print(f"classify_batch       {rows['batch_per_s']:8d} /s   ratio {rows['ratio_batch_to_parse']:.3f} (goal >= 0.2)")
    print(f"classify_batch+logP  {rows['batch_with_logp_per_s']:8d} /s   ratio {rows['ratio_batch_logp_to_parse']:.3f}")
    three_d = {}
    for name in ("oleic acid", "TOPO", "DDT", "MPA", "dihydrolipoic acid-PEG8 methyl ether"):
        lig = ligand(name)
        t0 = time.perf_counter()
        lig.descriptors_3d
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        ligand(name).descriptors_3d  # a new Ligand object: served from the session cache
        cached = time.perf_counter() - t0
        three_d[name] = {"first_s": round(first, 3), "cached_s": round(cached, 5)}
        print(f"3D {name:24s} first {first:6.3f} s   cached {cached * 1e3:6.2f} ms")
    rows["descriptors_3d"] = three_d
    path = Path(__file__).with_name("results_ligands.json")
    path.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
