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
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from nanoligand.errors import InputError, OutputError

if TYPE_CHECKING:
    from ase import Atoms

#: File extension -> ASE format name for structures.
STRUCTURE_FORMATS = {".xyz": "xyz", ".extxyz": "extxyz", ".pdb": "proteindatabank", ".cif": "cif"}
JSON_SUFFIX = ".json"
CIF_VACUUM_A = 10.0
PDB_MAX_ATOMS = 99999   # five-digit atom serial numbers
PDB_MAX_RESIDUE = 9999  # four-digit residue numbers per chain


def read_text(path: str | Path, max_bytes: int = 50_000_000) -> str:
    """A user's text file; a missing, unreadable, non-UTF-8 or oversized file, or a directory, is a one-line
    :class:`InputError` that says which."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise InputError(f"{path} is a directory, not a file")
        if size > max_bytes:
            raise InputError(f"{path}: {size} bytes; at most {max_bytes} are read")
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_yaml(path: str | Path) -> Any:
    """A user's YAML file (:func:`read_text`); malformed YAML, a key given twice or nesting too deep is a
    one-line :class:`InputError`."""
    import yaml

    text = read_text(path, MAX_YAML_BYTES)
    try:
        return yaml.load(text, Loader=_unique_key_loader())
    except RecursionError:
        raise InputError(f"{path}: nested too deeply") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path} is not valid YAML: {' '.join(str(exc).split())}") from None


MAX_YAML_BYTES = 1_000_000


def _unique_key_loader():
    """A safe YAML loader that refuses a mapping key given twice (PyYAML keeps the last silently)."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                except TypeError:   # an unhashable key: PyYAML reports it below
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(None, None, f"key {key!r} given twice",
                                                            key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return UniqueKeyLoader


def check_writable(path: str | Path, suffixes: tuple[str, ...] | None = None) -> Path:
    """Fail early (before any work) if ``path`` cannot be written; return it as a Path. ``suffixes``
    are the formats allowed (default: structures and JSON)."""
    p = Path(path)
    suffix = p.suffix.lower()
    allowed = suffixes or (*STRUCTURE_FORMATS, JSON_SUFFIX)
    if suffix not in allowed:
        raise InputError(f"cannot tell the format of {str(p)!r}: use one of {', '.join(allowed)}")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {str(p)!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise OutputError(f"cannot write {str(p)!r}: permission denied")
    if p.is_dir():
        raise OutputError(f"cannot write {str(p)!r}: it is a directory")
    return p


def atomic_write(path: Path, writer: Callable[[Path], None]) -> None:
    """Write ``path`` through ``writer(temp_path)`` and rename: a failure never leaves half a file."""
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


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    atomic_write(check_writable(path, (Path(path).suffix,)), lambda t: t.write_text(text, encoding="utf-8"))


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON (indented) atomically."""
    text = json.dumps(data, indent=2) + "\n"
    atomic_write(check_writable(path), lambda t: t.write_text(text, encoding="utf-8"))


def ase_write(path: str, atoms: Atoms, format: str) -> None:
    """ASE's writer, imported on first use (``ase.io`` takes most of a second to import)."""
    from ase.io import write

    write(path, atoms, format=format)


def write_structure(path: str | Path, atoms: Atoms, bonds: np.ndarray | None = None) -> None:
    """Write ``atoms`` atomically in the format given by the file extension (xyz, extxyz, pdb, cif).

    ``.xyz`` is plain XYZ; ``.extxyz`` carries every per-atom array (coordination, facet, role ...).
    A ``.cif`` of a cluster gets a box cell (the atoms' extent plus 10 Å of vacuum on each side, atoms
    centred), since most CIF readers need a cell. A ``.pdb`` of a model with residues (an array
    ``residue``) is written by :func:`write_pdb`, with CONECT records for ``bonds``.
    """
    p = check_writable(path)
    fmt = STRUCTURE_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(f"{str(p)!r} is not a structure format ({', '.join(STRUCTURE_FORMATS)})")
    if fmt == "proteindatabank" and "residue" in atoms.arrays:
        if len(atoms) > PDB_MAX_ATOMS:
            raise OutputError(f"{len(atoms)} atoms do not fit a PDB file (at most {PDB_MAX_ATOMS} atom serial "
                              "numbers): write .cif or .extxyz instead")
        text = pdb_text(atoms, bonds)
        atomic_write(p, lambda t: t.write_text(text, encoding="ascii"))
        return
    if fmt == "cif" and atoms.cell.rank < 3:
        atoms = atoms.copy()
        atoms.center(vacuum=CIF_VACUUM_A)
    atomic_write(p, lambda t: ase_write(str(t), atoms, format=fmt))


def pdb_text(atoms: Atoms, bonds: np.ndarray | None = None) -> str:
    """PDB text of a model with residues: HETATM records with residue names and numbers (residue 0,
    the core, is chain A; ligands are numbered from 1 in chain B, the next 9999 in chain C ...),
    element symbols and formal charges, then CONECT records.

    Examples
    --------
    >>> from ase import Atoms
    >>> a = Atoms("OH", positions=[[0, 0, 0], [0, 0, 0.97]])
    >>> a.arrays["residue"] = np.array([1, 1]); a.arrays["resname"] = np.array(["HYD", "HYD"])
    >>> a.arrays["formal_charge"] = np.array([-1, 0])
    >>> print(pdb_text(a, np.array([[0, 1]])).splitlines()[0])
    HETATM    1  O1  HYD B   1       0.000   0.000   0.000  1.00  0.00           O1-
    """
    res = np.asarray(atoms.arrays["residue"], int)
    names = np.asarray(atoms.arrays.get("resname", np.full(len(atoms), "UNK")), str)
    charge = np.asarray(atoms.arrays.get("formal_charge", np.zeros(len(atoms), int)), int)
    symbols = np.array(atoms.get_chemical_symbols())
    # atom names: element + running number within the residue (element alone if that needs > 4 characters)
    order = np.lexsort((symbols, res))
    key = np.char.add(res[order].astype(str), np.char.add("|", symbols[order]))
    start = np.r_[True, key[1:] != key[:-1]]
    run = np.arange(len(order)) - np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
    number = np.empty(len(order), int)
    number[order] = run + 1
    label = np.char.add(symbols, number.astype(str))
    label = np.where(np.char.str_len(label) <= 4, label, symbols)
    name = np.where((np.char.str_len(symbols) == 1) & (np.char.str_len(label) < 4),
                    np.char.add(" ", np.char.ljust(label, 3)), np.char.ljust(label, 4))
    chain = np.where(res == 0, "A", np.array([chr(ord("B") + i) for i in range(26)])[np.clip((res - 1) // PDB_MAX_RESIDUE, 0, 25)])
    seq = np.where(res == 0, 0, (res - 1) % PDB_MAX_RESIDUE + 1)
    qs = np.where(charge > 0, np.char.add(np.abs(charge).astype(str), "+"),
                  np.where(charge < 0, np.char.add(np.abs(charge).astype(str), "-"), "  "))
    xyz = atoms.positions
    lines = [f"HETATM{i + 1:5d} {name[i]} {names[i][:3]:>3} {chain[i]}{seq[i]:4d}    "
             f"{xyz[i, 0]:8.3f}{xyz[i, 1]:8.3f}{xyz[i, 2]:8.3f}  1.00  0.00          {symbols[i]:>2}{qs[i]}"
             for i in range(len(atoms))]
    if bonds is not None and len(bonds):  # one CONECT record per bonded partner, both directions
        b = np.asarray(bonds, int)
        pairs = np.concatenate([b, b[:, ::-1]])
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] + 1
        lines += [f"CONECT{a:5d}{c:5d}" for a, c in pairs.tolist()]
    lines.append("END")
    return "\n".join(lines) + "\n"
