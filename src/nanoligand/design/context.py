"""What a design is for: the surface (material, lattice type, facet chemistry, HSAB partners), the
solvent and the application. Everything is checked here, with the valid choices listed on error.

The surface of a core/shell particle written ``CdSe/ZnS`` or ``Fe3O4@SiO2`` is its outermost material.
Materials the builder models come from ``data/materials.yaml``; others that can only be designed for
(silica, CuInS2, iron oxides ...) from the ``surfaces`` table of ``data/design.yaml``. The solvent is any
name or alias of :mod:`nanoligand.solvents`, and its class is :func:`nanoligand.solvents.solvent_class` (the
same class the dispersibility ranking shows).

Examples
--------
>>> c = DesignContext.create("CdSe/ZnS", "toluene", "led")
>>> c.material, c.lattice, c.solvent, c.solvent_class
('ZnS', 'ionic', 'Toluene', 'non-polar')
>>> DesignContext.create("PbS", facet="{111}").facet_kind
'polar'
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from nanoligand.errors import InputError
from nanoligand.solvents import solvent_class, solvent_record
from nanoligand.tables import load_table


@cache
def rules() -> dict[str, Any]:
    return load_table("design.yaml")


def applications() -> list[str]:
    return list(rules()["applications"])


def resolve_application(name: str) -> str:
    """The application key for a key or a synonym (``photovoltaic`` → ``pv``; ``data/design.yaml``).

    >>> resolve_application("Photovoltaic"), resolve_application("QLED")
    ('pv', 'led')
    """
    text = name.strip().lower()
    for key, rec in rules()["applications"].items():
        if text.replace("-", "_") == key or text in [w.lower() for w in rec.get("synonyms", [])]:
            return key
    raise InputError(f"unknown application {name!r}; choose one of {', '.join(applications())} (or a synonym: "
                     "photovoltaic, qled, bioimaging ...)")


@dataclass(frozen=True)
class DesignContext:
    material: str
    lattice: str
    acid: str | None
    acid_class: str | None
    base: str | None
    base_class: str | None
    facet: str | None
    facet_kind: str | None
    solvent: str | None
    solvent_hansen: tuple[float, float, float] | None
    solvent_class: str | None
    application: str
    surface_source: str

    @classmethod
    def create(cls, material: str, solvent: str | None = None, application: str = "dispersion",
               facet: str | None = None) -> "DesignContext":
        app = resolve_application(application)
        key, lattice, acid, base, source, mat = _surface(material)
        facet_kind = _facet_kind(mat, facet) if facet else None
        s_name = s_hsp = s_cls = None
        if solvent:
            s_name, rec = solvent_record(solvent)
            s_hsp = (rec["dD"], rec["dP"], rec["dH"])
            s_cls = solvent_class(rec)
        return cls(key, lattice, acid["acid"], acid["class"], base["base"], base["class"], facet, facet_kind,
                   s_name, s_hsp, s_cls, app, source)

    @property
    def warnings(self) -> list[str]:
        """What is wrong with the context itself (``context_warnings`` of data/design.yaml), with sources."""
        return [f"{w['text']} ({w['source']})" for w in load_table("design.yaml").get("context_warnings", [])
                if w["lattice"] == self.lattice and self.solvent_class in w["solvent_classes"]]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["solvent_hansen"] = list(self.solvent_hansen) if self.solvent_hansen else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DesignContext":
        d = dict(d)
        d["solvent_hansen"] = tuple(d["solvent_hansen"]) if d.get("solvent_hansen") else None
        return cls(**d)


def _surface(material: str):
    """(key, lattice, acid, base, source, Material or None) of the outermost material."""
    from nanoligand.ligands import hsab
    from nanoligand.materials import available, get

    if not material or not material.strip():
        raise InputError("name the material (e.g. CdSe, CsPbBr3, Au, SiO2)")
    outer = re.split(r"[/@]", material.strip())[-1].strip()
    table = rules()["surfaces"]
    for key, rec in table.items():
        names = [key.lower(), *(a.lower() for a in rec.get("aliases", []))]
        if outer.lower() in names:
            acid = {"acid": rec["acid"], "class": hsab.acid_class(rec["acid"]) if rec["acid"] else None}
            base = {"base": rec["base"], "class": hsab.donor_class(rec["base"]) if rec["base"] else None}
            return key, rec["lattice"], acid, base, rec["source"], None
    try:
        mat = get(outer)
    except InputError:
        valid = sorted(set(available()) | set(table))
        raise InputError(f"unknown material {outer!r}; design knows {', '.join(valid)}") from None
    lattice = lattice_of(mat)
    acid = hsab.surface_acid(mat) if lattice != "covalent" else {"acid": None, "class": None}
    base = hsab.surface_base(mat) if lattice not in ("covalent", "metal") else {"base": None, "class": None}
    return mat.key, lattice, acid, base, f"materials.yaml ({mat.key}); HSAB: {acid.get('source', '-')}", mat


def lattice_of(mat) -> str:
    """Lattice type of a modelled material (see ``data/design.yaml``)."""
    if mat.prototype == "perovskite":
        return "perovskite"
    if mat.prototype == "diamond":
        return "covalent"
    if not mat.anions:
        return "metal"
    return "oxide" if "O" in mat.anions else "ionic"


def _facet_kind(mat, facet: str) -> str | None:
    """'polar' if some atomic layer parallel to the facet holds only cations or only anions, else
    'stoichiometric'; None for metals and covalent lattices (no polarity)."""
    from nanoligand.core.facets import normal_of, parse_miller
    from nanoligand.core.lattice import lattice_of as bulk_lattice

    if mat is None:
        raise InputError("facets can be named only for materials with a crystal model (nanoligand materials)")
    if lattice_of(mat) in ("metal", "covalent"):
        return None
    lat = bulk_lattice(mat)
    try:
        hkl = parse_miller(facet.strip().strip("{}()[]"), lat.hexagonal)
    except Exception:
        raise InputError(f"cannot read the facet {facet!r}: give Miller indices such as 100, 111 or {{110}}") from None
    stack = lat.layers(normal_of(hkl, lat.cell))
    cations, anions = set(mat.cations), set(mat.anions)
    mixed = [bool(set(layer) & cations) and bool(set(layer) & anions) for layer in stack.elements]
    return "stoichiometric" if all(mixed) else "polar"
