"""Hard/soft acid–base character of donors and surface cations, and how well they match.

Classes come from ``data/hsab.yaml`` (Pearson's classification as tabulated in Chem. Rev. 2009, 109,
4921, Table 3), with the effective character of nanocrystal surface cations from seed 000 §2.1.1
(Cd²⁺ intermediate in CdSe/CdS and soft in CdTe, Zn²⁺ hard in ZnSe/ZnO, In³⁺ softer in InP/InAs, Au
soft). Pearson absolute hardness η = (I_{z+1} − I_z)/2 of an ion, or (I₁ − A)/2 of a neutral atom,
is computed by the ``mendeleev`` package from NIST ionisation energies and electron affinities.

The match score is a rule-based estimate, not a binding energy: with softness s = 0 (hard),
0.5 (borderline), 1 (soft), score = 1 − |s_donor − s_acceptor|, so like binds like (1.0) and
hard–soft pairs score 0. Z-type acceptors are scored against the surface anion (as a base).

Examples
--------
>>> donor_class("RS-"), acid_class("Cd2+")
('soft', 'soft')
>>> surface_acid("CdTe")["class"], surface_acid("ZnO")["class"]
('soft', 'hard')
>>> round(pearson_hardness("Zn", 2), 2)
10.88
"""

from __future__ import annotations

from functools import cache
from typing import Any

from nanoligand.ligands.catalogue import load_table
from nanoligand.materials import Material, get

SOFTNESS = {"hard": 0.0, "borderline": 0.5, "soft": 1.0}
#: the halide anions by element (Table 3: F-, Cl- hard; Br- borderline; I- soft)
HALIDE_BASE = {"F": "F-", "Cl": "Cl-", "Br": "Br-", "I": "I-"}
#: surface anions of the lattices as bases; Se2-/Te2- are not in Table 3 and are taken with S2- (more
#: polarisable than S2-, so at least as soft) - an inference, stated in the result
ANION_BASE = {"O": "O2-", "S": "S2-", "Se": "S2-", "Te": "S2-", "F": "F-", "Cl": "Cl-", "Br": "Br-", "I": "I-"}


@cache
def _table() -> dict[str, Any]:
    return load_table("hsab.yaml")


def _lookup(kind: str, name: str) -> str | None:
    for cls, members in _table()[kind].items():
        if name in members:
            return cls
    return None


def donor_class(base: str | None, element: str | None = None) -> str | None:
    """HSAB class of a base (``RS-``, ``RCOO-``, ``pyridine`` ...); halides by their element."""
    if base == "halide" and element:
        base = HALIDE_BASE.get(element)
    return _lookup("bases", base) if base else None


def acid_class(ion: str) -> str | None:
    """HSAB class of a metal ion (``Cd2+``) as tabulated, None if not classified."""
    return _lookup("acids", ion)


def ion_name(element: str, charge: int) -> str:
    return f"{element}{abs(charge) if abs(charge) != 1 else ''}{'+' if charge > 0 else '-'}"


def surface_acid(material: str | Material) -> dict[str, Any]:
    """The Lewis-acidic surface cation of a material and its effective HSAB class."""
    mat = get(material)
    override = _table()["surfaces"].get(mat.key)
    if override:
        return {"acid": override["acid"], "class": override["class"], "source": _table()["surfaces_source"]}
    if not mat.is_ionic:
        if mat.prototype == "diamond":
            return {"acid": None, "class": None,
                    "source": "covalent lattice: anchors graft covalently (seed 000 §2.2), HSAB does not apply"}
        ion = ion_name(mat.elements[0], 1)
        return {"acid": ion, "class": acid_class(ion), "source": _table()["source"]}
    # the cation that binds ligands: the B cation of a perovskite, else the most charged cation
    el = mat.roles.get("B") or max(mat.cations, key=lambda e: mat.charges[e])
    ion = ion_name(el, mat.charges[el])
    return {"acid": ion, "class": acid_class(ion), "source": _table()["source"]}


def surface_base(material: str | Material) -> dict[str, Any]:
    """The Lewis-basic surface anion of a material as an HSAB base (for Z-type acceptors)."""
    mat = get(material)
    if not mat.anions:
        return {"base": None, "class": None, "source": "no surface anion"}
    el = mat.anions[0]
    base = ANION_BASE.get(el)
    note = "" if el in ("O", "S", "F", "Cl", "Br", "I") else f" ({el}2- taken with S2-: inference)"
    return {"base": base, "class": donor_class(base), "source": _table()["source"] + note}


def pearson_hardness(element: str, charge: int = 0) -> float | None:
    """Pearson absolute hardness η (eV): (I_{z+1} − I_z)/2 for an ion of charge z > 0, (I₁ − A)/2 for a
    neutral atom, from NIST data via ``mendeleev``; None where the data are missing."""
    from mendeleev import element as mendeleev_element

    try:
        value = mendeleev_element(element).hardness(charge=charge)
    except Exception:  # mendeleev raises on missing ionisation energies / affinities
        return None
    return None if value is None else float(value)


def match(donor_hsab: str | None, acceptor_hsab: str | None) -> float | None:
    """1 − |Δsoftness|; None when either side is unclassified."""
    if donor_hsab is None or acceptor_hsab is None:
        return None
    return 1.0 - abs(SOFTNESS[donor_hsab] - SOFTNESS[acceptor_hsab])
