"""The binding motifs (X, L, Z, ion_pair, covalent, X2, counterion): one table, ``data/motifs.yaml``.

Every fact the package uses about a motif — the site kind it binds, its class in Green's covalent
bond classification, whether it can balance a core's charge and with which sign, how the ligand as
given becomes its bound form, what it replaces on the surface, how its head is placed — is a field
of one :class:`Motif` record, each chemical statement with its source. Recipes, templates, capping,
the ligand classifier and design read the records instead of testing motif names.

Examples
--------
>>> motif("X").electrons, motif("X").neutralizes, motif("X").site
(1, -1, 'anion_vacancy')
>>> motif("Z").is_acceptor, motif("L").can_neutralize
(True, False)
>>> motif("covalent").transform("alkene_terminal", 0), motif("X").transform("carboxylic_acid", 0)
('hydrosilylate', 'deprotonate')
>>> SHELL_MOTIFS
('X', 'L', 'Z', 'ion_pair', 'covalent', 'X2')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from nanoligand.errors import InputError
from nanoligand.tables import load_table


@dataclass(frozen=True)
class Rule:
    """One bound-form rule: ``transform`` applies to anchors of formal charge ``anchor_charge`` and/or
    of a group in ``groups`` (None: any)."""

    transform: str
    anchor_charge: int | None = None
    groups: tuple[str, ...] | None = None

    def applies(self, group: str, charge: int) -> bool:
        return ((self.anchor_charge is None or charge == self.anchor_charge)
                and (self.groups is None or group in self.groups))


@dataclass(frozen=True)
class Part:
    """A recipe entry a motif splits into (X2): ``ligand`` ('*' = the entry's own), its motif, role and
    site kind (None: the entry's own)."""

    ligand: str
    motif: str
    role: str
    site: str | None = None


@dataclass(frozen=True)
class Motif:
    """One record of ``data/motifs.yaml`` (its header explains every field).

    Attributes
    ----------
    name, meaning : str
    cbc : str or None
        Green's class of the bond to the surface (``L``, ``X``, ``Z``).
    electrons : int or None
        Electrons the neutral ligand gives to that bond (L 2, X 1, Z 0).
    lewis : str
        ``base``, ``acid`` or ``none``.
    site : str or None
        Site kind bound on an ionic or H-terminated core.
    neutralizes : int
        Sign of the charge of a ligand that balances a core's excess charge; 0 if it cannot.
    replaces : str
        ``nothing``, ``a_cation`` or ``h_cap``.
    placement : str or None
        ``bond_valence``, ``hbond`` or ``graft``.
    sources : mapping
        Source of each chemical statement, by field name.
    """

    name: str
    meaning: str
    cbc: str | None
    electrons: int | None
    lewis: str
    site: str | None
    neutralizes: int
    label: str
    default_role: str
    bound_form: tuple[Rule, ...]
    metal_core_form: str | None
    kappa1: bool
    binds_through: str
    replaces: str
    requires_prototype: str | None
    requires_reason: str
    placement: str | None
    rigid_head: bool
    bonded_to_host: bool
    splits_into: tuple[Part, ...]
    offered_by: Mapping[str, Any] | None
    part_role: str
    shell: bool
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def can_neutralize(self) -> bool:
        return self.neutralizes != 0

    @property
    def is_acceptor(self) -> bool:
        """A Lewis acid: it takes electrons from a surface anion (scored against the surface base)."""
        return self.lewis == "acid"

    @property
    def replaces_core_atom(self) -> bool:
        return self.replaces != "nothing"

    def transform(self, group: str, charge: int) -> str | None:
        """The bound-form transform for an anchor of ``group`` and formal ``charge`` (None: as given)."""
        return next((r.transform for r in self.bound_form if r.applies(group, charge)), None)

    def site_kind(self, metal_core: bool) -> str | None:
        """The site kind bound on this core (vacancies of a metal core are neutral ``vacancy`` sites)."""
        return METAL_CORE_SITES.get(self.site, self.site) if metal_core else self.site

    def check_prototype(self, prototype: str) -> str | None:
        """None if the motif may bind a core of ``prototype``, else the reason it may not."""
        if self.requires_prototype is None or prototype == self.requires_prototype:
            return None
        return self.requires_reason

    def offered_by_anchor(self, after_deprotonation: str | None, donor_elements) -> bool:
        """Whether an anchor (a neutral acid if ``after_deprotonation`` is set) offers this motif."""
        need = self.offered_by
        if not need:
            return False
        if need.get("neutral_acid") and not after_deprotonation:
            return False
        return not need.get("donor_elements") or bool(set(need["donor_elements"]) & set(donor_elements))


def _record(name: str, r: Mapping[str, Any]) -> Motif:
    req = r.get("requires") or {}
    return Motif(
        name=name, meaning=r["meaning"], cbc=r["cbc"], electrons=r["electrons"], lewis=r["lewis"], site=r["site"],
        neutralizes=int(r["neutralizes"]), label=r["label"], default_role=r["default_role"],
        bound_form=tuple(Rule(b["transform"], b.get("anchor_charge"), tuple(b["groups"]) if "groups" in b else None)
                         for b in r["bound_form"]),
        metal_core_form=r["metal_core_form"], kappa1=bool(r["kappa1"]), binds_through=r["binds_through"],
        replaces=r["replaces"], requires_prototype=req.get("prototype"), requires_reason=req.get("reason", ""),
        placement=r["placement"], rigid_head=bool(r["rigid_head"]), bonded_to_host=bool(r["bonded_to_host"]),
        splits_into=tuple(Part(p["ligand"], p["motif"], p.get("role", "coverage"), p.get("site"))
                          for p in r["splits_into"]),
        offered_by=MappingProxyType(dict(r["offered_by"])) if r["offered_by"] else None,
        part_role=r["part_role"], shell=bool(r["shell"]), sources=MappingProxyType(dict(r.get("sources", {}))))


_TABLE = load_table("motifs.yaml")
#: every motif by name, in the table's order
MOTIFS: Mapping[str, Motif] = MappingProxyType({k: _record(k, v) for k, v in _TABLE["motifs"].items()})
#: the motifs a shell recipe may name
SHELL_MOTIFS: tuple[str, ...] = tuple(k for k, m in MOTIFS.items() if m.shell)
#: the motif of a recipe entry that names none
DEFAULT_MOTIF: str = _TABLE["default_motif"]
#: site kinds of an ionic core and the neutral kind a metal core has instead
METAL_CORE_SITES: Mapping[str, str] = MappingProxyType(dict(_TABLE["metal_core_sites"]))


def motif(name: str) -> Motif:
    """The record of motif ``name``.

    Raises
    ------
    InputError
        For a name the table does not have (the message lists those it has).

    Examples
    --------
    >>> motif("ion_pair").replaces, motif("ion_pair").requires_prototype
    ('a_cation', 'perovskite')
    """
    try:
        return MOTIFS[name]
    except KeyError:
        raise InputError(f"unknown motif {name!r}; choose one of {', '.join(MOTIFS)}") from None


def is_acceptor(name: str | None) -> bool:
    """Whether motif ``name`` (None or any name outside the table: no) is a Lewis-acid acceptor.

    >>> is_acceptor("Z"), is_acceptor("X"), is_acceptor(None)
    (True, False, False)
    """
    return name in MOTIFS and MOTIFS[name].is_acceptor


def part_role(name: str | None) -> str:
    """Role of a salt part the classifier gives motif ``name`` (``ligand`` without a motif).

    >>> part_role("Z"), part_role("counterion"), part_role(None)
    ('acceptor', 'counter-ion', 'ligand')
    """
    return MOTIFS[name].part_role if name in MOTIFS else "ligand"


def binds_as_anion(name: str | None) -> bool:
    """Whether ligands of motif ``name`` bind as anions (they balance excess cations: X).

    >>> binds_as_anion("X"), binds_as_anion("L"), binds_as_anion(None)
    (True, False, False)
    """
    return name in MOTIFS and MOTIFS[name].neutralizes < 0


def binds_no_site(name: str | None) -> bool:
    """Whether motif ``name`` binds no surface site (a counter-ion of the diffuse layer).

    >>> binds_no_site("counterion"), binds_no_site("Z"), binds_no_site(None)
    (True, False, False)
    """
    return name in MOTIFS and MOTIFS[name].site is None


def neutralizers(core_charge: int) -> tuple[Motif, ...]:
    """The motifs whose ligands can balance a core charge of this sign.

    >>> [m.name for m in neutralizers(+4)], [m.name for m in neutralizers(-2)]
    (['X'], ['Z'])
    """
    return tuple(m for m in MOTIFS.values() if m.neutralizes * core_charge < 0)


def deprotonated() -> str:
    """The motif a neutral acid offers once deprotonated (the one whose bound form deprotonates it).

    >>> deprotonated()
    'X'
    """
    return next(m.name for m in MOTIFS.values() if any(r.transform == "deprotonate" for r in m.bound_form))


def offered_by(after_deprotonation: str | None, donor_elements) -> tuple[str, ...]:
    """Motifs an anchor offers besides its own, by the table's ``offered_by`` conditions.

    >>> offered_by("carboxylate", ("O",)), offered_by("thiolate", ("S",)), offered_by(None, ("O",))
    (('X2',), (), ())
    """
    return tuple(m.name for m in MOTIFS.values() if m.offered_by_anchor(after_deprotonation, donor_elements))


def proton_motif() -> str:
    """The motif a proton on a surface anion is placed with (the proton part of ``X2``).

    >>> proton_motif()
    'Z'
    """
    return next(p.motif for m in MOTIFS.values() for p in m.splits_into if p.ligand == "[H+]")


__all__ = ["Motif", "Rule", "Part", "MOTIFS", "SHELL_MOTIFS", "DEFAULT_MOTIF", "METAL_CORE_SITES", "motif",
           "is_acceptor", "binds_as_anion", "binds_no_site", "part_role", "neutralizers", "deprotonated", "offered_by", "proton_motif"]
