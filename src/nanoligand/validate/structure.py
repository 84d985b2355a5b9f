"""What the validator reads: elements and coordinates, plus whatever labels a file happens to carry.

The validator derives every verdict from elements and coordinates. Labels a file may carry (residue
numbers and names from a PDB or an extended XYZ, the builder's facet labels, a recipe's claimed
counts in the extxyz header) are only used to *group* the report (per facet), to check that residues match the molecules the
bonds make, and to compare claims against what the coordinates show; no other verdict depends on
them.

Examples
--------
>>> from ase import Atoms
>>> s = Structure.from_atoms(Atoms("OH", positions=[[0, 0, 0], [0, 0, 0.97]]))
>>> s.n_atoms, s.symbols.tolist()
(2, ['O', 'H'])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from ase import Atoms

from nanoligand.errors import InputError

#: formats the validator reads (by suffix); PDB files keep residues, extxyz keeps every array
READABLE = {".pdb": "proteindatabank", ".extxyz": "extxyz", ".xyz": "extxyz", ".cif": "cif"}
CLAIMS_KEY = "nanoligand_claims"


@dataclass(frozen=True)
class Structure:
    """A model to validate.

    Attributes
    ----------
    symbols : ndarray of str
    positions : ndarray (N, 3), Å
    residue : ndarray of int or None
        Residue numbers the file carries (PDB resSeq + chain, extxyz ``residue``), if any.
    resname : ndarray of str or None
    facet : ndarray of str or None
        The builder's facet label per atom (extxyz ``facet``), used for grouping only.
    claims : dict or None
        What the model says it is (ligand counts by formula, net charge), from the extxyz header.
    source : str
        Where it came from (a path, or ``"memory"``).
    """

    symbols: np.ndarray
    positions: np.ndarray
    residue: np.ndarray | None = None
    resname: np.ndarray | None = None
    facet: np.ndarray | None = None
    claims: dict | None = field(default=None)
    source: str = "memory"

    @property
    def n_atoms(self) -> int:
        return len(self.symbols)

    @classmethod
    def from_atoms(cls, atoms: Atoms, source: str = "memory") -> "Structure":
        """From ASE ``Atoms``: arrays ``residue``/``resname``/``facet`` and the claims in ``atoms.info``
        are kept if present (PDB files read by ASE give ``residuenumbers``/``residuenames``)."""
        symbols = np.array(atoms.get_chemical_symbols(), dtype=str)
        if len(symbols) == 0:
            raise InputError(f"{source}: the model holds no atoms")
        arrays = atoms.arrays
        residue = arrays.get("residue", arrays.get("residuenumbers"))
        resname = arrays.get("resname", arrays.get("residuenames"))
        claims = atoms.info.get(CLAIMS_KEY)
        if isinstance(claims, str):
            try:
                claims = json.loads(claims)
            except json.JSONDecodeError:
                claims = None
        return cls(symbols, np.asarray(atoms.positions, float),
                   None if residue is None else np.asarray(residue, int),
                   None if resname is None else np.char.strip(np.asarray(resname, str)),
                   None if "facet" not in arrays else np.asarray(arrays["facet"], str),
                   claims if isinstance(claims, dict) else None, source)


def read_structure(path: str | Path) -> Structure:
    """Read a model file (PDB, extxyz, xyz, cif) written by nanoligand or any other tool.

    Raises
    ------
    InputError
        If the file is missing, of an unknown format, or unreadable.
    """
    from ase.io import read

    p = Path(path)
    fmt = READABLE.get(p.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot read {str(p)!r}: use one of {', '.join(READABLE)}")
    if not p.is_file():
        raise InputError(f"no such file: {p}")
    try:  # through a handle: ASE would take a name with "@" (CAT writes such names) as file@index
        with open(p) as handle:
            atoms = read(handle, format=fmt, index=-1)
    except Exception as exc:  # ASE raises many kinds on malformed files
        raise InputError(f"cannot read {p}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    if fmt == "proteindatabank":
        _pdb_residues(p, atoms)
    return Structure.from_atoms(atoms, str(p))


def _pdb_residues(path: Path, atoms: Atoms) -> None:
    """Residue ids that stay unique across chains (ASE reads resSeq only; a model with more than
    9999 ligands restarts resSeq in the next chain)."""
    keys = []
    for line in path.read_text(encoding="ascii", errors="replace").splitlines():
        if line.startswith(("ATOM", "HETATM")):
            keys.append((line[21:22], line[22:26].strip()))
    if len(keys) == len(atoms):
        _, ids = np.unique(np.array([f"{c}|{r}" for c, r in keys]), return_inverse=True)
        atoms.arrays["residue"] = ids.ravel().astype(int)


def as_structure(model: Any) -> Structure:
    """A :class:`Structure` from a path, ASE ``Atoms``, a ``Nanocrystal`` or a ``Structure``."""
    if isinstance(model, Structure):
        return model
    if isinstance(model, (str, Path)):
        return read_structure(model)
    if isinstance(model, Atoms):
        return Structure.from_atoms(model)
    atoms = getattr(model, "atoms", None)
    if isinstance(atoms, Atoms):
        return Structure.from_atoms(atoms)
    raise InputError(f"cannot validate a {type(model).__name__}: give a file path, ASE Atoms or a Nanocrystal")
