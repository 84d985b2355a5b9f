"""Screening large molecule libraries: chunked, parallel on Dask, resumable, results in Parquet.

The library is cut into chunks of ``chunk_size`` rows (:mod:`.readers`); each chunk is scored by
:func:`nanoligand.design.score.score_chunk` on a Dask worker — a local cluster of ``workers``
processes by default, or an existing cluster given its scheduler address — and the driver writes the
chunk's rows as ``<out>/part-<k>.parquet`` (atomically: temp file + rename). The output directory is a
Parquet dataset that DuckDB, pandas or pyarrow read as one table.

Resuming: ``<out>/_screen.json`` records the run (library path, size and modification time, chunk
size, design context, nanoligand version). Running the same command again skips chunks whose part
file exists, so an interrupted run resumes without duplicates; a different run in the same directory
is refused (``overwrite=True`` starts afresh). Unreadable rows and invalid SMILES are rows with
``valid = false`` and an ``error``: counted in the summary, never dropped.

A library of one chunk is scored in the calling process (a cluster would only add start-up time);
``workers=0`` does that for any size.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "lib.smi").write_text("CCCCCCCCCCCCS\\nOC(=O)CCS\\nnot-a-smiles\\n")
>>> s = screen(d / "lib.smi", d / "hits.parquet", material="CdSe", solvent="toluene", workers=0)
>>> s["rows"], s["valid"], s["invalid"]
(3, 2, 1)
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable

from nanoligand import __version__
from nanoligand.design.context import DesignContext
from nanoligand.design.readers import Chunk, chunks, count_rows, library_format
from nanoligand.errors import InputError, NanoligandError, OutputError, SelfCheckError
from nanoligand.io import atomic_write

MANIFEST = "_screen.json"
DEFAULT_CHUNK = 5000


class Interrupted(NanoligandError):
    """A screen stopped before the end; what was finished is on disk and the same command resumes."""


def part_name(k: int) -> str:
    return f"part-{k:06d}.parquet"


def _run_key(library: Path, chunk_size: int, ctx: DesignContext, hansen: bool) -> dict[str, Any]:
    st = library.stat()
    return {"library": str(library.resolve()), "library_bytes": st.st_size, "library_mtime": st.st_mtime,
            "chunk_size": chunk_size, "context": ctx.to_dict(), "hansen": hansen, "nanoligand": __version__}


def _prepare(out: Path, key: dict[str, Any], overwrite: bool) -> set[int]:
    """Create or check the output directory; return the chunks already done."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a directory (a screen writes a Parquet dataset directory)")
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / MANIFEST
    if manifest.exists():
        old = json.loads(manifest.read_text(encoding="utf-8"))
        same = {k: old.get(k) for k in key} == key
        if not same and not overwrite:
            raise InputError(f"{out} holds a different screen (library, chunk size or design context differ); "
                             "choose another output or pass --overwrite")
        if not same or overwrite:
            for p in out.glob("part-*.parquet"):
                p.unlink()
    elif any(out.glob("part-*.parquet")):
        if not overwrite:
            raise InputError(f"{out} holds part files without a {MANIFEST}; choose another output or pass --overwrite")
        for p in out.glob("part-*.parquet"):
            p.unlink()
    atomic_write(manifest, lambda t: t.write_text(json.dumps(key, indent=2) + "\n", encoding="utf-8"))
    return {int(p.stem.split("-")[1]) for p in out.glob("part-*.parquet")}


def _write_part(out: Path, k: int, table) -> None:
    import pyarrow.parquet as pq

    atomic_write(out / part_name(k), lambda t: pq.write_table(table, t, compression="zstd"))


def _score(chunk: Chunk, ctx: dict[str, Any], hansen: bool = True):
    from nanoligand.design.score import score_chunk

    return score_chunk(chunk, ctx, hansen)


def screen(library: str | Path, out: str | Path, material: str, solvent: str | None = None,
           application: str = "dispersion", facet: str | None = None, chunk_size: int = DEFAULT_CHUNK,
           workers: int | None = None, scheduler: str | None = None, overwrite: bool = False,
           progress: Callable[[int, int], None] | None = None, hansen: bool = True) -> dict[str, Any]:
    """Score every molecule of ``library`` for a material/solvent/application; return the summary.

    Parameters
    ----------
    library : a ``.smi``, ``.csv`` or ``.parquet`` file (:mod:`.readers`).
    out : the output directory (a Parquet dataset; conventionally named ``hits.parquet``).
    workers : local Dask worker processes (default: the machine's cores); 0 = in this process.
    scheduler : address of an existing Dask scheduler (``tcp://host:8786``); overrides ``workers``.
    progress : called as ``progress(chunks_done, chunks_total)``.
    hansen : rank dispersibility also by the Hansen estimate of the functional part (about a quarter of
        the time per molecule); False keeps the shell-class part of the criterion only.
    """
    library = Path(library)
    library_format(library)
    out = Path(out)
    if chunk_size < 1:
        raise InputError("the chunk size must be at least 1")
    ctx = DesignContext.create(material, solvent, application, facet)
    done = _prepare(out, _run_key(library, chunk_size, ctx, hansen), overwrite)
    n_rows = count_rows(library)
    n_chunks = max(1, -(-n_rows // chunk_size))
    payload = ctx.to_dict()
    todo = (c for c in chunks(library, chunk_size) if c.index not in done)
    t0 = time.perf_counter()
    finished = len(done & set(range(n_chunks)))
    if progress:
        progress(finished, n_chunks)
    in_process = scheduler is None and (workers == 0 or n_chunks - finished <= 1)
    try:
        if in_process:
            for c in todo:
                _write_part(out, c.index, _score(c, payload, hansen))
                finished += 1
                if progress:
                    progress(finished, n_chunks)
        else:
            finished = _run_dask(todo, payload, hansen, out, scheduler, workers, finished, n_chunks, progress)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted after {finished} of {n_chunks} chunks; the same command resumes") from None
    summary = summarise(out)
    summary.update({"chunks": n_chunks, "seconds": round(time.perf_counter() - t0, 2),
                    "workers": 0 if in_process else (scheduler or workers or os.cpu_count())})
    if summary["rows"] != n_rows:
        raise SelfCheckError(f"{out}: {summary['rows']} rows scored but the library has {n_rows} "
                         "(the library changed during the run?)")
    return summary


def _run_dask(todo, payload: dict, hansen: bool, out: Path, scheduler: str | None, workers: int | None, finished: int,
              n_chunks: int, progress) -> int:
    from nanoligand.parallel import map_unordered

    for k, table in map_unordered(_score, ((c.index, c) for c in todo), payload, hansen, workers=workers,
                                  scheduler=scheduler):
        _write_part(out, k, table)
        finished += 1
        if progress:
            progress(finished, n_chunks)
    return finished


def summarise(out: str | Path) -> dict[str, Any]:
    """Rows, valid and invalid molecules, the errors by kind and the best scores of a screen's output."""
    import duckdb

    glob = str(Path(out) / "part-*.parquet")
    if not list(Path(out).glob("part-*.parquet")):
        return {"rows": 0, "valid": 0, "invalid": 0, "errors": {}}
    con = duckdb.connect()
    rows, valid = con.execute(f"SELECT count(*), count(*) FILTER (WHERE valid) FROM read_parquet('{glob}')").fetchone()
    errors = dict(con.execute(f"SELECT error, count(*) FROM read_parquet('{glob}') WHERE NOT valid "
                              "GROUP BY error ORDER BY 2 DESC LIMIT 10").fetchall())
    return {"rows": int(rows), "valid": int(valid), "invalid": int(rows - valid), "errors": errors}
