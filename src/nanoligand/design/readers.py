"""Molecule libraries read in chunks: ``.smi``, ``.csv`` and ``.parquet``.

Every data row of the input becomes one record ``(row, id, smiles, error)``, numbered from 0 in file
order, so that chunk *k* always holds rows ``k·size … (k+1)·size − 1`` and a resumed run cuts the same
chunks. Rows that cannot be read (a CSV line with the wrong number of fields, an empty SMILES cell)
are kept as records with an ``error``: counted and reported downstream, never dropped silently.

* ``.smi``: ``SMILES [id ...]`` per line, whitespace separated; blank lines and lines starting with
  ``#`` are not rows.
* ``.csv``: a header row; the SMILES column is the one named ``smiles`` (any case), the id column
  ``id`` or ``name`` if present.
* ``.parquet``: a ``smiles`` column (any case) and optionally ``id``/``name``.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "lib.smi"
>>> _ = p.write_text("CCS thiol\\n# comment\\nOC(=O)CC acid\\n")
>>> [list(c.smiles) for c in chunks(p, 10)]
[['CCS', 'OC(=O)CC']]
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from nanoligand.errors import InputError

FORMATS = (".smi", ".csv", ".parquet")


@dataclass
class Chunk:
    """Rows ``start … start + len − 1`` of a library."""

    index: int
    start: int
    ids: list[str]
    smiles: list[str]
    errors: list[str | None]

    def __len__(self) -> int:
        return len(self.smiles)


def library_format(path: str | Path) -> str:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"cannot tell the format of {str(p)!r}: use one of {', '.join(FORMATS)}")
    if not p.is_file():
        raise InputError(f"no such file: {p}")
    if suffix != ".parquet":
        with p.open("rb") as fh:
            head = fh.read(8192)
        try:   # an incremental decoder accepts a character cut at the end of the sample
            codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < 8192)
        except UnicodeDecodeError:
            raise InputError(f"{p} is not UTF-8 text: a {suffix} library is a text file") from None
        if b"\x00" in head:
            raise InputError(f"{p} is binary (NUL bytes), not a {suffix} text file")
    return suffix


def count_rows(path: str | Path) -> int:
    """Data rows in the library (what :func:`chunks` will yield in all)."""
    fmt = library_format(path)
    if fmt == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    n = 0
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        if fmt == ".csv":
            return sum(1 for _ in csv.reader(fh)) - 1
        for line in fh:
            s = line.strip()
            n += bool(s) and not s.startswith("#")
    return n


def chunks(path: str | Path, size: int) -> Iterator[Chunk]:
    """The library in chunks of ``size`` rows (module docstring)."""
    if size < 1:
        raise InputError("the chunk size must be at least 1")
    fmt = library_format(path)
    rows = {".smi": _smi_rows, ".csv": _csv_rows, ".parquet": _parquet_rows}[fmt](Path(path))
    ids: list[str] = []
    smiles: list[str] = []
    errors: list[str | None] = []
    k = 0
    for row_id, smi, err in rows:
        ids.append(row_id)
        smiles.append(smi)
        errors.append(err)
        if len(smiles) == size:
            yield Chunk(k, k * size, ids, smiles, errors)
            k += 1
            ids, smiles, errors = [], [], []
    if smiles:
        yield Chunk(k, k * size, ids, smiles, errors)


def _smi_rows(path: Path) -> Iterator[tuple[str, str, str | None]]:
    n = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            parts = s.split(None, 1)
            yield (parts[1].strip() if len(parts) > 1 else str(n)), parts[0], None
            n += 1


def _column(names: list[str], wanted: tuple[str, ...]) -> int | None:
    low = [c.strip().lower() for c in names]
    return next((low.index(w) for w in wanted if w in low), None)


def _csv_rows(path: Path) -> Iterator[tuple[str, str, str | None]]:
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise InputError(f"{path}: empty file (a header row with a 'smiles' column is needed)")
        i_smi = _column(header, ("smiles",))
        if i_smi is None:
            raise InputError(f"{path}: no 'smiles' column in the header ({', '.join(header)})")
        i_id = _column(header, ("id", "name"))
        for n, rec in enumerate(reader):
            row_id = rec[i_id].strip() if i_id is not None and i_id < len(rec) else str(n)
            if len(rec) != len(header):
                yield row_id, "", f"malformed row: {len(rec)} fields, the header has {len(header)}"
            elif not rec[i_smi].strip():
                yield row_id, "", "empty SMILES"
            else:
                yield row_id, rec[i_smi].strip(), None


def _parquet_rows(path: Path) -> Iterator[tuple[str, str, str | None]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    names = pf.schema_arrow.names
    i_smi = _column(names, ("smiles",))
    if i_smi is None:
        raise InputError(f"{path}: no 'smiles' column ({', '.join(names)})")
    i_id = _column(names, ("id", "name"))
    cols = [names[i_smi]] + ([names[i_id]] if i_id is not None else [])
    n = 0
    for batch in pf.iter_batches(columns=cols, batch_size=65536):
        smi = batch.column(0).to_pylist()
        ident = batch.column(1).to_pylist() if i_id is not None else [None] * len(smi)
        for s, i in zip(smi, ident):
            row_id = str(i) if i is not None else str(n)
            if s is None or not str(s).strip():
                yield row_id, "", "empty SMILES"
            else:
                yield row_id, str(s).strip(), None
            n += 1
