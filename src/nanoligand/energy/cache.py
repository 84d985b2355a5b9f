"""The on-disk cache of single points: one ``.npz`` per (structure, method, settings, engine version).

The directory is ``$NANOLIGAND_CACHE_DIR/energy`` if that variable is set, else
``~/.cache/nanoligand/energy``. Files are written atomically; a file that cannot be read is ignored
(and recomputed), never trusted. Delete the directory to clear it.

Examples
--------
>>> import os, tempfile
>>> before = os.environ.get("NANOLIGAND_CACHE_DIR")
>>> os.environ["NANOLIGAND_CACHE_DIR"] = tempfile.mkdtemp()
>>> from ase.build import molecule
>>> from nanoligand.energy.engines import single_point
>>> first = single_point(molecule("H2O"))
>>> again = single_point(molecule("H2O"))
>>> again.cached, again.energy_eV == first.energy_eV
(True, True)
>>> _ = os.environ.pop("NANOLIGAND_CACHE_DIR") if before is None else os.environ.update(NANOLIGAND_CACHE_DIR=before)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["cache_dir", "load", "store"]


def cache_dir() -> Path:
    """Where single points are cached."""
    root = os.environ.get("NANOLIGAND_CACHE_DIR")
    return (Path(root) if root else Path.home() / ".cache" / "nanoligand") / "energy"


def _path(key: str) -> Path:
    return cache_dir() / key[:2] / f"{key}.npz"


def load(key: str, settings):
    """The cached :class:`~nanoligand.energy.engines.Energy` of ``key``, or None."""
    from nanoligand.energy.engines import Energy

    path = _path(key)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            def opt(name):
                return z[name] if name in z.files else None

            return Energy(float(z["energy_eV"]), z["forces_eV_A"], opt("charges"), opt("orbital_energies_eV"),
                          opt("occupations"), settings, int(z["forces_eV_A"].shape[0]), cached=True)
    except (OSError, ValueError, KeyError):
        return None


def store(key: str, energy) -> None:
    """Write ``energy`` under ``key`` (atomically; an unwritable cache is skipped, not an error)."""
    from nanoligand.io import atomic_write
    from nanoligand.errors import OutputError

    arrays = {"energy_eV": np.float64(energy.energy_eV), "forces_eV_A": energy.forces_eV_A}
    for name in ("charges", "orbital_energies_eV", "occupations"):
        value = getattr(energy, name)
        if value is not None:
            arrays[name] = value
    path = _path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda tmp: np.savez(tmp, **arrays))
    except (OSError, OutputError):
        pass
