"""The chemistry tables of the ligand engine, loaded once and compiled to RDKit queries.

``data/anchors.yaml``         anchor groups (SMARTS with mapped donor atoms), motifs, HSAB bases
``data/inorganic_rules.yaml`` inorganic species, counterions, metal salts, how salts combine
``data/functional_groups.yaml`` handles, cross-linkers, acceptors, substituents of the functional part

Every query carries the elements it needs, so a molecule is only searched for groups whose elements
it contains (the pre-screen that keeps batch classification fast).

Examples
--------
>>> cat = catalogue()
>>> cat.anchors[0].group
'trichlorosilane'
>>> "sulfobetaine" in {z["group"] for z in cat.zwitterions}
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdkit import Chem
from rdkit.Chem import rdMolDescriptors

from nanoligand.tables import load_table  # noqa: F401  (re-exported for the ligand modules)

from nanoligand.errors import NanoligandError


@dataclass(frozen=True)
class Query:
    """A compiled SMARTS with its donor atoms and the elements a molecule needs to match it."""

    name: str
    smarts: str
    mol: Chem.Mol
    donors: tuple[int, ...]  # query atom indices carrying a map number, in map order
    elements: frozenset[int]
    info: dict

    def matches(self, mol: Chem.Mol, elements: frozenset[int]) -> tuple[tuple[int, ...], ...]:
        if not self.elements <= elements:
            return ()
        return mol.GetSubstructMatches(self.mol, uniquify=True, maxMatches=100000)

    @property
    def group(self) -> str:
        return self.name


_APPLICABLE: dict[tuple[int, frozenset[int]], tuple[tuple[Query, ...], tuple[Query, ...]]] = {}


def applicable(queries: tuple[Query, ...], elements: frozenset[int]) -> tuple[Query, ...]:
    """The queries whose elements all occur in ``elements`` (memoised per element set: screening a library
    meets few distinct sets, and the per-query test dominated the ligand-engine time)."""
    key = (id(queries), elements)
    hit = _APPLICABLE.get(key)
    if hit is None or hit[0] is not queries:
        hit = _APPLICABLE[key] = (queries, tuple(q for q in queries if q.elements <= elements))
    return hit[1]


_FORMULA_ELEMENT = re.compile(r"([A-Z][a-z]?)")


def element_symbols(mol: Chem.Mol) -> frozenset[str]:
    """Elements of a molecule, read from RDKit's formula (far cheaper than iterating atoms in Python)."""
    return frozenset(_FORMULA_ELEMENT.findall(rdMolDescriptors.CalcMolFormula(mol)))


def element_numbers(mol: Chem.Mol) -> frozenset[int]:
    """Atomic numbers of the elements in ``mol`` (via :func:`element_symbols`)."""
    table = Chem.GetPeriodicTable()
    return frozenset(table.GetAtomicNumber(s) for s in element_symbols(mol))


def compile_query(name: str, smarts: str, info: dict | None = None) -> Query:
    mol = Chem.MolFromSmarts(smarts)
    if mol is None:
        raise NanoligandError(f"bad SMARTS for {name!r} in the package data: {smarts!r}")
    mapped = sorted((a.GetAtomMapNum(), a.GetIdx()) for a in mol.GetAtoms() if a.GetAtomMapNum())
    elements = frozenset(a.GetAtomicNum() for a in mol.GetAtoms() if a.GetAtomicNum() > 1)
    return Query(name, smarts, mol, tuple(i for _, i in mapped), elements, dict(info or {}))


@dataclass(frozen=True)
class Catalogue:
    anchors: tuple[Query, ...]
    zwitterions: tuple[dict, ...]
    zwitterion_modes: tuple[str, ...]
    whole: tuple[Query, ...]
    monatomic: tuple[dict, ...]
    structural: tuple[dict, ...]
    salts: tuple[dict, ...]
    sets: dict[str, frozenset[str]]
    functional: tuple[Query, ...]


def _expand_sets(raw: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for key, items in raw.items():
        members: set[str] = set()
        for it in items:
            members |= set(out[it]) if it in out else {it}
        out[key] = frozenset(members)
    return out


@cache
def catalogue() -> Catalogue:
    """The compiled catalogue (cached)."""
    anchors = load_table("anchors.yaml")
    inorg = load_table("inorganic_rules.yaml")
    func = load_table("functional_groups.yaml")
    sets = _expand_sets(inorg["sets"])
    return Catalogue(
        anchors=tuple(compile_query(a["group"], a["smarts"], a) for a in anchors["anchors"]),
        zwitterions=tuple(anchors["zwitterions"]),
        zwitterion_modes=tuple(anchors["zwitterion_modes"]),
        whole=tuple(compile_query(w["name"], w["smarts"], w) for w in inorg["whole"]),
        monatomic=tuple(inorg["monatomic"]),
        structural=tuple(inorg["structural"]),
        salts=tuple(inorg["salts"]),
        sets=sets,
        functional=tuple(compile_query(f["name"], f["smarts"], f) for f in func["groups"]),
    )
