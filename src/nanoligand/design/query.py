"""SQL over screening results with DuckDB.

A screen's output directory (or any Parquet file) is exposed as the view ``hits``; the query may also
name Parquet files itself. Only read-only statements run: the view is created in an in-memory
database and the query text must start with ``SELECT``, ``WITH``, ``DESCRIBE``, ``SUMMARIZE`` or
``SHOW``.

Examples
--------
>>> import tempfile, pathlib, pandas as pd
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> pd.DataFrame({"smiles": ["CCS", "CCO"], "score": [0.9, 0.2]}).to_parquet(d / "part-000000.parquet")
>>> query(d, "SELECT smiles FROM hits WHERE score > 0.5").smiles.tolist()
['CCS']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nanoligand.errors import InputError

READ_ONLY = ("select", "with", "describe", "summarize", "show", "from")


def query(results: str | Path, sql: str) -> pd.DataFrame:
    """Run ``sql`` against the view ``hits`` over ``results`` (a Parquet file or dataset directory)."""
    import duckdb

    p = Path(results)
    if p.is_dir():
        files = sorted(p.glob("*.parquet"))
        if not files:
            raise InputError(f"{p}: no Parquet files in this directory")
        source = str(p / "*.parquet")
    elif p.is_file():
        source = str(p)
    else:
        raise InputError(f"no such file or directory: {p}")
    text = sql.strip().rstrip(";")
    if not text.lower().startswith(READ_ONLY) or ";" in text:
        raise InputError("only one read-only statement (SELECT, WITH, DESCRIBE, SUMMARIZE, SHOW) is run")
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"CREATE VIEW hits AS SELECT * FROM read_parquet('{source.replace(chr(39), chr(39) * 2)}')")
        return con.execute(text).fetchdf()
    except duckdb.Error as exc:
        raise InputError(f"query failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
