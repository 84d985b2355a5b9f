"""Hansen solubility parameters (δD, δP, δH in MPa^0.5) by group contribution: an estimate.

Method: Stefanis–Panayiotou first-order groups with the 2012 revised parameters
(``data/hansen_sp2012.yaml``, which states the equations, constants and where the table was read).
Groups are matched in the table's order (specific before general) and every heavy atom belongs to at
most one group. A molecule with atoms no group covers (phosphorus, silicon, metals, charged groups)
gets no estimate; the result lists what is missing instead of guessing. Charged acids and bases are
neutralised first (RDKit ``Uncharger``).

The low-value equations of the method (for parameters below 3 MPa^0.5) are used when every group of
the molecule appears in the low-value table and the low-value result is below 3 MPa^0.5; this reading
of the paper's validity statement is nanoligand's. Accuracy measured against experimental values
(``docs/ligands.md``) is the only claim made for the estimate.

Examples
--------
>>> from rdkit import Chem
>>> h = hansen_parameters(Chem.MolFromSmiles("CCO"))
>>> round(h["dD"], 1), h["estimate"]
(15.8, True)
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rdkit import Chem
from rdkit.Chem.MolStandardize import rdMolStandardize

from nanoligand.ligands.catalogue import Query, applicable, compile_query, element_numbers, load_table


@cache
def _method() -> tuple[dict, tuple[Query, ...]]:
    table = load_table("hansen_sp2012.yaml")
    return table, tuple(compile_query(g["id"], g["smarts"], g) for g in table["groups"])


@cache
def _uncharger() -> rdMolStandardize.Uncharger:
    return rdMolStandardize.Uncharger()


@cache
def _by_id() -> dict[str, dict]:
    return {q.name: q.info for q in _method()[1]}


def group_counts(mol: Chem.Mol) -> tuple[dict[str, int], list[int]]:
    """Counts of first-order groups (greedy, table order) and the heavy atoms left uncovered."""
    _, groups = _method()
    elements = element_numbers(mol)
    n_heavy = mol.GetNumHeavyAtoms()
    claimed: set[int] = set()
    counts: dict[str, int] = {}
    for q in applicable(groups, elements):
        for match in q.matches(mol, elements):
            heavy = {i for i in match if mol.GetAtomWithIdx(i).GetAtomicNum() > 1}
            if heavy & claimed:
                continue
            claimed |= heavy
            counts[q.name] = counts.get(q.name, 0) + 1
        if len(claimed) == n_heavy:   # every atom has its group: no later group can match without overlap
            return counts, []
    uncovered = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1 and a.GetIdx() not in claimed]
    return counts, uncovered


def hansen_parameters(mol: Chem.Mol) -> dict[str, Any]:
    """δD, δP, δH (MPa^0.5) of ``mol`` by first-order group contribution, or the reason there is none."""
    table, groups = _method()
    by_id = _by_id()
    c = table["constants"]
    neutral = _uncharger().uncharge(mol) if Chem.GetFormalCharge(mol) or _has_charges(mol) else mol
    counts, uncovered = group_counts(neutral)
    base = {"method": table["method"], "citation": table["citation"], "estimate": True, "groups": counts}
    if uncovered:
        missing = sorted({neutral.GetAtomWithIdx(i).GetSymbol() + ("+" if neutral.GetAtomWithIdx(i).GetFormalCharge() > 0
                          else "-" if neutral.GetAtomWithIdx(i).GetFormalCharge() < 0 else "")
                          for i in uncovered})
        return {**base, "dD": None, "dP": None, "dH": None,
                "not_covered": f"{len(uncovered)} heavy atoms ({', '.join(missing)}) in no group of the table"}
    missing_values = [gid for gid in counts if any(by_id[gid].get(k) is None for k in ("Cd", "Cp", "Chb"))]
    if missing_values:
        return {**base, "dD": None, "dP": None, "dH": None,
                "not_covered": f"groups without a tabulated contribution: {', '.join(missing_values)}"}
    sd = sum(n * by_id[g]["Cd"] for g, n in counts.items())
    d_d = (sd + c["CONST_D"]) ** c["POWER_D"] if sd + c["CONST_D"] > 0 else None
    d_p = sum(n * by_id[g]["Cp"] for g, n in counts.items()) + c["CONST_P"]
    d_h = sum(n * by_id[g]["Chb"] for g, n in counts.items()) + c["CONST_HB"]
    low_p = _low(counts, by_id, "Cp_low", c["CONST_P_LOW"], c["THRESHOLD_LOW"])
    low_h = _low(counts, by_id, "Chb_low", c["CONST_HB_LOW"], c["THRESHOLD_LOW"])
    return {**base, "dD": _round(d_d), "dP": _round(low_p if low_p is not None else max(d_p, 0.0)),
            "dH": _round(low_h if low_h is not None else max(d_h, 0.0)),
            "low_value_equations": [k for k, v in (("dP", low_p), ("dH", low_h)) if v is not None]}


def _low(counts: dict[str, int], by_id: dict[str, dict], key: str, const: float, threshold: float) -> float | None:
    """The low-value equation's result, if every group has a low-value entry and it is below the
    threshold (the tables' validity range); otherwise None (use the normal equation)."""
    if any(by_id[g].get(key) is None for g in counts):
        return None
    value = const + sum(n * by_id[g][key] for g, n in counts.items())
    return max(value, 0.0) if value < threshold else None


_CHARGED = Chem.MolFromSmarts("[!+0]")


def _has_charges(mol: Chem.Mol) -> bool:
    return mol.HasSubstructMatch(_CHARGED)


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)
