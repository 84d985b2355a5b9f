"""Solvent data for equilibria and diffusion (``data/solvents.yaml``, cited per value).

Examples
--------
>>> solvent_polarity("toluene-d8"), solvent_polarity("CDCl3")
(33.9, 39.1)
>>> viscosity_mPas("toluene")
0.554
"""

from __future__ import annotations

from functools import lru_cache

from nanoligand.errors import InputError
from nanoligand.tables import load_table


@lru_cache(maxsize=1)
def _table() -> dict[str, dict]:
    rows = load_table("solvents.yaml")["solvents"]
    out = {}
    for name, rec in rows.items():
        for key in [name, *rec.get("aliases", [])]:
            out[str(key).lower()] = {**rec, "name": name}
    return out


def solvent(name: str) -> dict:
    """The record of a solvent (name or alias, case-insensitive)."""
    try:
        return _table()[name.strip().lower()]
    except KeyError:
        known = sorted({r["name"] for r in _table().values()})
        raise InputError(f"unknown solvent {name!r}; known: {', '.join(known)}") from None


def solvent_polarity(name: str) -> float:
    """Reichardt's E_T(30) (kcal/mol)."""
    return float(solvent(name)["ET30"])


def viscosity_mPas(name: str) -> float:
    """Dynamic viscosity at 25 °C (mPa·s)."""
    v = solvent(name).get("viscosity_mPas")
    if v is None:
        raise InputError(f"no cited viscosity for {name!r} in data/solvents.yaml")
    return float(v)
