"""The built-in ligand library: organic ligands and inorganic species, each with its source.

``data/ligands_organic.yaml`` and ``data/ligands_inorganic.yaml`` hold name, synonyms (the
abbreviations chemists use: OA, OLA, TOPO, DDT, MPA, EDT, DDAB, APTES, PEABr, Zn(OTf)2 ...), SMILES,
category or class, and a citation (a paper, or the seed section that uses the species). Inorganic
entries also carry charge, HSAB class, typical role and size where a source gives one.

Examples
--------
>>> entry("OA")["name"]
'oleic acid'
>>> [e["name"] for e in search("thiocyanate")][:1]
['thiocyanate']
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any

from nanoligand.errors import InputError
from nanoligand.ligands.catalogue import load_table

FILES = (("organic", "ligands_organic.yaml"), ("inorganic", "ligands_inorganic.yaml"))


def normalise(name: str) -> str:
    """Lower case, single spaces, unicode sub/superscripts and dashes folded (for lookups)."""
    table = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻–—", "01234567890123456789+---")
    return re.sub(r"\s+", " ", name.translate(table).strip().lower())


@cache
def entries() -> tuple[dict[str, Any], ...]:
    """Every library entry, with its ``kind`` (organic / inorganic)."""
    out = []
    for kind, fname in FILES:
        for e in load_table(fname)["ligands"]:
            out.append({**e, "kind": kind})
    return tuple(out)


@cache
def _index() -> dict[str, int]:
    index: dict[str, int] = {}
    for i, e in enumerate(entries()):
        for key in (e["name"], *e.get("synonyms", [])):
            k = normalise(str(key))
            if k in index and index[k] != i:
                raise InputError(f"library name {key!r} is used by two entries")  # a data bug
            index[k] = i
    return index


def entry(name: str) -> dict[str, Any]:
    """The library entry for a name or synonym (case-insensitive)."""
    i = _index().get(normalise(name))
    if i is None:
        close = difflib.get_close_matches(normalise(name), list(_index()), n=3, cutoff=0.75)
        hint = f"; did you mean {', '.join(sorted({entries()[_index()[c]]['name'] for c in close}))}?" if close else ""
        raise InputError(f"{name!r} is not in the ligand library{hint}")
    return entries()[i]


def has(name: str) -> bool:
    return normalise(name) in _index()


def search(text: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Entries whose name, synonyms, category/class or note contain ``text`` (exact names first)."""
    t = normalise(text)
    if not t:
        return list(entries())[:limit]
    hits = []
    for e in entries():
        names = [normalise(str(x)) for x in (e["name"], *e.get("synonyms", []))]
        fields = names + [normalise(str(e.get(k, ""))) for k in ("category", "class", "note", "formula")]
        if any(t in f for f in fields):
            rank = 0 if t in names else 1 if any(n.startswith(t) for n in names) else 2
            hits.append((rank, e["name"], e))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [h[2] for h in hits][:limit]
