"""Atomic file output: write to a temporary file beside the target, then rename.

A failed or interrupted write never leaves a partial file at the target path.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_json(d / "x.json", {"a": 1})
>>> import json; json.loads((d / "x.json").read_text())
{'a': 1}
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from ase import Atoms
from ase.io import write as ase_write

from nanoligand.errors import InputError, OutputError

#: File extension -> ASE format name for structures.
STRUCTURE_FORMATS = {".xyz": "xyz", ".extxyz": "extxyz", ".pdb": "proteindatabank", ".cif": "cif"}
JSON_SUFFIX = ".json"
CIF_VACUUM_A = 10.0


def check_writable(path: str | Path) -> Path:
    """Fail early (before any work) if ``path`` cannot be written; return it as a Path."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in STRUCTURE_FORMATS and suffix != JSON_SUFFIX:
        raise InputError(f"cannot tell the format of {str(p)!r}: use one of "
                         f"{', '.join([*STRUCTURE_FORMATS, JSON_SUFFIX])}")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {str(p)!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise OutputError(f"cannot write {str(p)!r}: permission denied")
    if p.is_dir():
        raise OutputError(f"cannot write {str(p)!r}: it is a directory")
    return p


def _atomic(path: Path, writer: Callable[[Path], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.",
                               suffix=path.suffix)
    os.close(fd)
    try:
        writer(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON (indented) atomically."""
    text = json.dumps(data, indent=2) + "\n"
    _atomic(check_writable(path), lambda t: t.write_text(text, encoding="utf-8"))


def write_structure(path: str | Path, atoms: Atoms) -> None:
    """Write ``atoms`` atomically in the format given by the file extension (xyz, extxyz, pdb, cif).

    ``.xyz`` is plain XYZ; ``.extxyz`` carries every per-atom array (coordination, facet, role ...).
    A ``.cif`` of a cluster gets a box cell (the atoms' extent plus 10 Å of vacuum on each side, atoms
    centred), since most CIF readers need a cell.
    """
    p = check_writable(path)
    fmt = STRUCTURE_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(f"{str(p)!r} is not a structure format ({', '.join(STRUCTURE_FORMATS)})")
    if fmt == "cif" and atoms.cell.rank < 3:
        atoms = atoms.copy()
        atoms.center(vacuum=CIF_VACUUM_A)
    _atomic(p, lambda t: ase_write(str(t), atoms, format=fmt))
