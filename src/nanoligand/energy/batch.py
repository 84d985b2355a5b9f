"""Many structures at once: single points or relaxations on the Dask set-up of screening, results as a table.

:func:`energies` runs one task per structure file (:func:`nanoligand.parallel.map_unordered`: a local
cluster by default, ``scheduler=`` for a real one, ``workers=0`` in this process) and returns one row per
structure — a failure (an SCF that does not converge, an unreadable file) is a row with its ``error``,
never a dropped structure. ``out`` writes the table as Parquet (atomically), which DuckDB reads:
``nanoligand query energies.parquet "SELECT structure, gap_eV FROM hits ORDER BY gap_eV"``.

Examples
--------
>>> import tempfile, pathlib
>>> from ase.build import molecule
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> for name in ("H2O", "NH3"):
...     molecule(name).write(d / f"{name}.xyz")
>>> _ = (d / "bad.xyz").write_text("not a structure")
>>> t = energies(sorted(d.glob("*.xyz")), workers=0, cache=False)
>>> list(t["structure"].str.split("/").str[-1]), t["error"].notna().tolist()
(['H2O.xyz', 'NH3.xyz', 'bad.xyz'], [False, False, True])
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

from nanoligand.energy.engines import Settings
from nanoligand.errors import NanoligandError

__all__ = ["energies", "read_atoms", "COLUMNS"]

COLUMNS = ["structure", "formula", "n_atoms", "method", "solvent", "energy_eV", "homo_eV", "lumo_eV", "gap_eV",
           "max_force_eV_A", "relax_steps", "converged", "error"]


def read_atoms(path: str | Path):
    """The atoms of a structure file (any format :func:`~nanoligand.validate.structure.read_structure`
    reads) as plain ASE Atoms."""
    from ase import Atoms

    from nanoligand.validate.structure import read_structure

    s = read_structure(path)
    return Atoms(list(s.symbols), positions=s.positions)


def _one(path: str, settings: dict[str, Any], relax: bool, fmax_eV_A: float, cache: bool) -> dict[str, Any]:
    from nanoligand.energy.engines import single_point
    from nanoligand.energy.relax import relax as do_relax

    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(structure=str(path), method=settings["method"], solvent=settings["solvent"] or "vacuum")
    try:
        atoms = read_atoms(path)
        row.update(formula=atoms.get_chemical_formula(), n_atoms=len(atoms))
        st = Settings(**settings)
        if relax:
            r = do_relax(atoms, st, fmax_eV_A=fmax_eV_A, cache=cache)
            e = r.energy
            row.update(relax_steps=r.steps, converged=r.converged)
        else:
            e = single_point(atoms, st, cache=cache)
        d = e.to_dict()
        row.update({k: d[k] for k in ("energy_eV", "homo_eV", "lumo_eV", "gap_eV", "max_force_eV_A")})
    except NanoligandError as exc:
        row["error"] = str(exc)
    return row


def energies(structures: Sequence[str | Path], settings: Settings | None = None, *, relax: bool = False,
             fmax_eV_A: float = 0.05, out: str | Path | None = None, workers: int | None = None,
             scheduler: str | None = None, cache: bool = True):
    """One row per structure file (see the module docstring); a pandas DataFrame in the input order.

    Parameters
    ----------
    structures : structure files (.xyz, .extxyz, .pdb, .cif).
    settings : method, solvent, charge, electronic temperature for every structure.
    relax : relax each structure first.
    fmax_eV_A : relaxation threshold.
    out : a ``.parquet`` file to write.
    workers, scheduler : the Dask set-up (:func:`nanoligand.parallel.map_unordered`).
    cache : use the single-point cache.
    """
    import pandas as pd

    from nanoligand.parallel import map_unordered

    settings = settings or Settings()
    paths = [str(p) for p in structures]
    workers = 0 if len(paths) <= 1 and scheduler is None else workers
    rows = dict(map_unordered(_one, enumerate(paths), asdict(settings), relax, fmax_eV_A, cache,
                              workers=workers, scheduler=scheduler))
    table = pd.DataFrame([rows[k] for k in range(len(paths))], columns=COLUMNS)
    for name in ("n_atoms", "relax_steps"):
        table[name] = table[name].astype("Int64")
    table["converged"] = table["converged"].astype("boolean")
    if out is not None:
        from nanoligand.io import atomic_write, check_writable

        path = check_writable(out, (".parquet",))
        atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))
    return table
