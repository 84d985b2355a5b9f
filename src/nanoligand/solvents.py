"""Solvents: the packaged tables, the names chemists use for them, and one class per solvent.

The one home of solvent data in nanoligand:

* ``data/hansen_solvents.yaml`` — Hansen solubility parameters δD, δP, δH (MPa½) and molar volumes of
  75 solvents (Hansen's handbook, 2nd ed. 2007), their aliases, and the classification rule;
* ``data/solvents.yaml`` — Reichardt's E_T(30) polarity (kcal/mol) and the viscosity at 25 °C (mPa·s) of
  the solvents used by the equilibrium models, keyed by the Hansen table's names.

Every name below is resolved the same way (:func:`resolve_solvent`: table name or alias, case-insensitive),
so ``"DCM"``, ``"CD2Cl2"`` and ``"dichloromethane"`` are one solvent everywhere.

Solvent classes
---------------
One class per solvent (:func:`solvent_class`), used by both the dispersibility ranking
(:mod:`nanoligand.properties.dispersibility`) and the design engine (:mod:`nanoligand.design`). The first
rule that matches decides (Hansen components in MPa½; thresholds in ``data/hansen_solvents.yaml``):

1. ``water`` — the solvent is water (seed 000 §3.1 treats water as its own target: PEG > 100 units);
2. ``non-polar`` — δP ≤ 3.5 and δH ≤ 6.0 (seed 000 §3.1: benzene, toluene, hexane);
3. ``hbond`` — δH ≥ 12.0 and δH ≥ δP: protic (seed 000 §3.1, Fig. 6: the "protic/ionic" category, ethanol;
   the H-bonding interaction outranks the polar one);
4. ``very-polar`` — δP ≥ 10.0: the dipolar aprotic solvents (IUPAC, Pure Appl. Chem. 1994, 66, 1077:
   high permittivity and dipole, no labile H) and formamide (seeds 001 §3.1 and 004 group it with DMSO and
   DMF as the highly polar solvents where inorganic-ligand-capped dots disperse);
5. ``polar`` — the rest (seed 000 §3.1: ethyl and butyl acetate).

The four thresholds are **model choices** (no source gives Hansen cut-offs for these classes); the data
file gives, for each, the interval inside which the seeds' own placements are reproduced. Seed 000's
Fig. 6 has three categories; :func:`seed000_category` maps each class onto them (``very-polar`` → polar,
``water`` → protic/ionic).

Examples
--------
>>> resolve_solvent("DCM"), resolve_solvent("hexanes"), resolve_solvent("toluene-d8")
('Dichloromethane', 'n-Hexane', 'Toluene')
>>> [solvent_class(s) for s in ("toluene", "ethyl acetate", "DMF", "formamide", "MeOH", "H2O")]
['non-polar', 'polar', 'very-polar', 'very-polar', 'hbond', 'water']
>>> seed000_category(solvent_class("DMSO"))
'polar'
>>> polarity_ET30_kcal_mol("CDCl3"), viscosity_mPas("toluene")
(39.1, 0.554)
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np

from nanoligand.errors import InputError
from nanoligand.tables import load_table

__all__ = [
    "SOLVENT_CLASSES", "class_info", "classify_hansen", "hansen_distance_MPa05", "hansen_matrix_MPa05",
    "polarity_ET30_kcal_mol", "resolve_solvent", "seed000_category", "solvent_class", "solvent_names",
    "solvent_record", "solvent_table", "viscosity_mPas",
]

#: the classes :func:`solvent_class` returns, from the least to the most polar
SOLVENT_CLASSES: tuple[str, ...] = ("non-polar", "polar", "very-polar", "hbond", "water")


@cache
def _hansen_data() -> dict[str, Any]:
    return load_table("hansen_solvents.yaml")


@cache
def solvent_table() -> dict[str, dict[str, Any]]:
    """The Hansen table: table name → record (``dD``, ``dP``, ``dH`` in MPa½, ``V_cm3_mol``, ``CAS``,
    ``aliases`` ...).

    Returns
    -------
    dict
        Cached: treat it as read-only.

    Examples
    --------
    >>> rec = solvent_table()["Toluene"]
    >>> rec["dD"], rec["dP"], rec["dH"]
    (18.0, 1.4, 2.0)
    """
    return {k: dict(v) for k, v in _hansen_data()["solvents"].items()}


@cache
def solvent_names() -> dict[str, str]:
    """Every lower-case table name and alias → the table name.

    Raises
    ------
    InputError
        If the data give one alias to two solvents.

    Examples
    --------
    >>> solvent_names()["mecn"], solvent_names()["acetonitrile"]
    ('Acetonitrile', 'Acetonitrile')
    """
    out: dict[str, str] = {}
    for key, rec in solvent_table().items():
        for name in (key, *rec.get("aliases", [])):
            low = str(name).strip().lower()
            if out.get(low, key) != key:
                raise InputError(f"data/hansen_solvents.yaml gives {name!r} to both {out[low]} and {key}")
            out[low] = key
    return out


def resolve_solvent(name: str) -> str:
    """The table name of a solvent given by name or alias (case-insensitive).

    Parameters
    ----------
    name : str
        A table name (``"N,N-Dimethylformamide"``) or an alias (``"DMF"``, ``"CDCl3"``, ``"hexanes"``).

    Returns
    -------
    str
        The key of ``data/hansen_solvents.yaml``.

    Raises
    ------
    InputError
        For an unknown name; the message suggests close names.

    Examples
    --------
    >>> resolve_solvent("  EtOH "), resolve_solvent("chloroform-d")
    ('Ethanol', 'Chloroform')
    """
    text = str(name).strip().lower()
    key = solvent_names().get(text)
    if key is None:
        close = difflib.get_close_matches(text, list(solvent_names()), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InputError(f"unknown solvent {name!r}{hint} ({len(solvent_table())} solvents: `nanoligand solvents "
                         "--list`)")
    return key


def solvent_record(name: str) -> tuple[str, dict[str, Any]]:
    """The table name and the Hansen record of a solvent (:func:`resolve_solvent` for the names).

    Examples
    --------
    >>> key, rec = solvent_record("THF")
    >>> key, rec["V_cm3_mol"]
    ('Tetrahydrofuran', 81.7)
    """
    key = resolve_solvent(name)
    return key, solvent_table()[key]


def class_info() -> dict[str, dict[str, str]]:
    """What each solvent class means, its seed-000 category and its sources (``data/hansen_solvents.yaml``).

    Examples
    --------
    >>> tuple(class_info()) == SOLVENT_CLASSES
    True
    """
    return {k: dict(v) for k, v in _hansen_data()["classification"]["classes"].items()}


def _thresholds() -> dict[str, float]:
    return _hansen_data()["classification"]["thresholds_MPa05"]


def classify_hansen(dD_MPa05: float, dP_MPa05: float, dH_MPa05: float) -> str:
    """The class of a liquid from its Hansen components alone (rules 2–5 of the module docstring).

    Water is recognised by identity, not by its parameters: use :func:`solvent_class` for a named solvent.

    Parameters
    ----------
    dD_MPa05, dP_MPa05, dH_MPa05 : float
        Dispersion, polar and hydrogen-bonding components (MPa½). δD does not enter the rule.

    Returns
    -------
    str
        ``"non-polar"``, ``"hbond"``, ``"very-polar"`` or ``"polar"``.

    Examples
    --------
    >>> classify_hansen(17.4, 13.7, 11.3), classify_hansen(15.8, 8.8, 19.4)   # DMF, ethanol
    ('very-polar', 'hbond')
    """
    t = _thresholds()
    if dP_MPa05 <= t["nonpolar_max_dP"] and dH_MPa05 <= t["nonpolar_max_dH"]:
        return "non-polar"
    if dH_MPa05 >= t["hbond_min_dH"] and dH_MPa05 >= dP_MPa05:
        return "hbond"
    if dP_MPa05 >= t["very_polar_min_dP"]:
        return "very-polar"
    return "polar"


def solvent_class(solvent: str | Mapping[str, Any]) -> str:
    """The class of a packaged solvent (module docstring), by name/alias or from its table record.

    Parameters
    ----------
    solvent : str or mapping
        A name or alias, or a record of :func:`solvent_table` (``dD``, ``dP``, ``dH``, ``CAS``).

    Returns
    -------
    str
        One of :data:`SOLVENT_CLASSES`.

    Examples
    --------
    >>> solvent_class("water"), solvent_class(solvent_table()["Dimethyl sulfoxide"])
    ('water', 'very-polar')
    """
    rec = solvent_record(solvent)[1] if isinstance(solvent, str) else solvent
    if rec.get("CAS") == _hansen_data()["classification"]["water_CAS"]:
        return "water"
    return classify_hansen(rec["dD"], rec["dP"], rec["dH"])


def seed000_category(solvent_cls: str) -> str:
    """Seed 000's Fig. 6 category (non-polar, polar, protic/ionic) of a solvent class.

    Examples
    --------
    >>> [seed000_category(c) for c in SOLVENT_CLASSES]
    ['non-polar', 'polar', 'polar', 'protic/ionic', 'protic/ionic']
    """
    try:
        return class_info()[solvent_cls]["seed000_category"]
    except KeyError:
        raise InputError(f"unknown solvent class {solvent_cls!r}; classes: {', '.join(SOLVENT_CLASSES)}") from None


def hansen_distance_MPa05(a: Any, b: Any) -> Any:
    """Hansen distance ``Ra = √(4 ΔδD² + ΔδP² + ΔδH²)`` (MPa½; Hansen's handbook), broadcast over rows.

    Parameters
    ----------
    a, b : array-like, shape (..., 3)
        (δD, δP, δH) triples in MPa½.

    Returns
    -------
    float or numpy.ndarray
        A float for two triples, an array otherwise.

    Examples
    --------
    >>> round(hansen_distance_MPa05((18.0, 1.4, 2.0), (14.9, 0.0, 0.0)), 3)   # toluene–n-hexane: √44.40
    6.663
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    ra = np.sqrt(4.0 * d[..., 0] ** 2 + d[..., 1] ** 2 + d[..., 2] ** 2)
    return float(ra) if ra.ndim == 0 else ra


@cache
def hansen_matrix_MPa05() -> tuple[tuple[str, ...], np.ndarray]:
    """Table names and the (n × 3) array of (δD, δP, δH) in MPa½ (read-only, cached).

    Examples
    --------
    >>> names, m = hansen_matrix_MPa05()
    >>> len(names) == m.shape[0] == len(solvent_table()), m.shape[1]
    (True, 3)
    """
    t = solvent_table()
    m = np.array([[r["dD"], r["dP"], r["dH"]] for r in t.values()], dtype=float)
    m.setflags(write=False)
    return tuple(t), m


# -- E_T(30) and viscosity (data/solvents.yaml) -----------------------------------------------------------------
@cache
def _property_rows() -> dict[str, dict[str, Any]]:
    rows = load_table("solvents.yaml")["solvents"]
    unknown = sorted(set(rows) - set(solvent_table()))
    if unknown:
        raise InputError(f"data/solvents.yaml rows not named as in data/hansen_solvents.yaml: {', '.join(unknown)}")
    return rows


def _property(name: str, column: str, what: str) -> float:
    key = resolve_solvent(name)
    value = _property_rows().get(key, {}).get(column)
    if value is None:
        have = sorted(k for k, r in _property_rows().items() if r.get(column) is not None)
        raise InputError(f"no cited {what} for {key} in data/solvents.yaml (packaged for: {', '.join(have)})")
    return float(value)


def polarity_ET30_kcal_mol(name: str) -> float:
    """Reichardt's E_T(30) polarity (kcal/mol; Chem. Rev. 1994, 94, 2319, via ``data/solvents.yaml``).

    Raises
    ------
    InputError
        For an unknown solvent, or one without a packaged E_T(30).

    Examples
    --------
    >>> polarity_ET30_kcal_mol("toluene-d8"), polarity_ET30_kcal_mol("water")
    (33.9, 63.1)
    """
    return _property(name, "ET30", "E_T(30)")


def viscosity_mPas(name: str) -> float:
    """Dynamic viscosity at 25 °C (mPa·s; cited per row in ``data/solvents.yaml``).

    Raises
    ------
    InputError
        For an unknown solvent, or one without a cited viscosity.

    Examples
    --------
    >>> viscosity_mPas("CDCl3")
    0.542
    """
    return _property(name, "viscosity_mPas", "viscosity")
