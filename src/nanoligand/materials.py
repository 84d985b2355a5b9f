"""Material records: crystal structure, ions, bulk band gap and the sources of every value.

The records live in ``data/materials.yaml`` (values with citations) and ``data/prototypes.yaml``
(space groups and Wyckoff positions of the structure prototypes). Derived quantities (density, molar
mass) are computed here from the lattice and the IUPAC 2016 standard atomic weights that ASE ships
(``ase.data.atomic_masses_iupac2016``), never stored.

Examples
--------
>>> from nanoligand import materials
>>> pbs = materials.get("PbS")
>>> pbs.prototype, pbs.cations, pbs.anions
('rocksalt', ('Pb',), ('S',))
>>> round(pbs.density_g_cm3, 2)
7.6
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
from ase.data import atomic_masses_iupac2016, atomic_numbers

from nanoligand.errors import InputError

if TYPE_CHECKING:
    from ase import Atoms

AVOGADRO = 6.02214076e23  # mol^-1, exact (SI 2019)
#: Hermann–Mauguin symbols (International Tables for Crystallography, Vol. A) of the space groups of the
#: packaged site-by-site structures, so that listing materials need not import ``ase.spacegroup``
HM_SYMBOLS = {14: "P21/c", 136: "P42/mnm", 141: "I41/amd"}  # as ase.spacegroup writes them


@dataclass(frozen=True, eq=False)
class Material:
    """A bulk crystal and its ions.

    Attributes
    ----------
    key : str
        Canonical name used for lookup (``"CdSe"`` is zinc blende, ``"CdSe-wz"`` wurtzite).
    name : str
        Human-readable name including the polymorph.
    prototype : str
        Structure prototype (``rocksalt``, ``zincblende``, ``wurtzite``, ``perovskite``, ``fcc``,
        ``diamond``) or ``explicit`` for structures given site by site (oxides).
    spacegroup : int
        International Tables space-group number; ``setting`` its ASE setting.
    cellpar : tuple of float
        a, b, c (Å), alpha, beta, gamma (degrees) of the conventional cell.
    sites : tuple of (element, (x, y, z))
        Symmetry-independent sites in fractional coordinates.
    charges : mapping element -> int
        Formal ionic charges (0 for elemental crystals).
    band_gap_eV : float or None
        Bulk band gap near room temperature; None for metals.
    sources : mapping
        Citation for each group of values (``lattice``, ``band_gap`` ...).
    """

    key: str
    name: str
    formula: str
    prototype: str
    spacegroup: int
    setting: int
    cellpar: tuple[float, float, float, float, float, float]
    sites: tuple[tuple[str, tuple[float, float, float]], ...]
    charges: Mapping[str, int]
    center_frac: tuple[float, float, float]
    band_gap_eV: float | None
    band_gap_kind: str | None
    default_shape: str
    default_termination: str
    sources: Mapping[str, str]
    notes: str = ""
    aliases: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)

    @property
    def elements(self) -> tuple[str, ...]:
        """Elements, cations first, in the order of the site list."""
        seen: list[str] = []
        for el, _ in self.sites:
            if el not in seen:
                seen.append(el)
        return tuple(sorted(seen, key=lambda e: -self.charges.get(e, 0)))

    @property
    def structure(self) -> str:
        """Prototype name, or the space-group symbol for structures given site by site."""
        if self.prototype != "explicit":
            return self.prototype
        if self.spacegroup in HM_SYMBOLS:
            return HM_SYMBOLS[self.spacegroup]
        from ase.spacegroup import Spacegroup  # about 0.5 s to import: only for groups not listed above

        return Spacegroup(self.spacegroup, self.setting).symbol.replace(" ", "")

    @property
    def cations(self) -> tuple[str, ...]:
        return tuple(e for e in self.elements if self.charges.get(e, 0) > 0)

    @property
    def anions(self) -> tuple[str, ...]:
        return tuple(e for e in self.elements if self.charges.get(e, 0) < 0)

    @property
    def is_ionic(self) -> bool:
        """True for compounds with formal cations and anions; False for elemental crystals."""
        return bool(self.cations) and bool(self.anions)

    @cached_property
    def unit_cell(self) -> Atoms:
        """The conventional unit cell as ASE ``Atoms`` (built with ``ase.spacegroup.crystal``)."""
        from ase.spacegroup import crystal

        symbols = [el for el, _ in self.sites]
        basis = [pos for _, pos in self.sites]
        return crystal(symbols, basis, spacegroup=self.spacegroup, setting=self.setting,
                       cellpar=list(self.cellpar), primitive_cell=False)

    @cached_property
    def formula_units_per_cell(self) -> int:
        counts = self._cell_counts()
        stoich = _parse_formula(self.formula)
        return int(round(counts[self.elements[0]] / stoich[self.elements[0]]))

    def _cell_counts(self) -> dict[str, int]:
        syms = self.unit_cell.get_chemical_symbols()
        return {el: syms.count(el) for el in self.elements}

    @property
    def molar_mass_g_mol(self) -> float:
        """Molar mass of one formula unit (IUPAC 2016 atomic weights, via ASE)."""
        return float(sum(n * atomic_masses_iupac2016[atomic_numbers[el]]
                         for el, n in _parse_formula(self.formula).items()))

    @property
    def cell_volume_A3(self) -> float:
        return float(abs(np.linalg.det(self.unit_cell.cell.array)))

    @property
    def volume_per_atom_A3(self) -> float:
        """Bulk volume per lattice site (Å³): the cell volume over the atoms it holds."""
        return self.cell_volume_A3 / len(self.unit_cell)

    @property
    def density_g_cm3(self) -> float:
        """X-ray density computed from the lattice and atomic weights."""
        mass_g = self.formula_units_per_cell * self.molar_mass_g_mol / AVOGADRO
        return mass_g / (self.cell_volume_A3 * 1e-24)

    def summary(self, density: bool = True) -> dict[str, Any]:
        """A JSON-ready record of the material with its sources; ``density=False`` skips the density
        (it builds the unit cell, which loads ``ase.spacegroup``: about 0.8 s the first time)."""
        a, b, c, al, be, ga = self.cellpar
        record = {
            "key": self.key, "name": self.name, "formula": self.formula,
            "prototype": self.prototype, "spacegroup": self.spacegroup, "structure": self.structure,
            "lattice_A": {"a": a, "b": b, "c": c, "alpha": al, "beta": be, "gamma": ga},
            "charges": dict(self.charges), "cations": list(self.cations), "anions": list(self.anions),
            "band_gap_eV": self.band_gap_eV, "band_gap_kind": self.band_gap_kind,
            "molar_mass_g_mol": round(self.molar_mass_g_mol, 4),
            "default_shape": self.default_shape, "default_termination": self.default_termination,
            "sources": dict(self.sources), "notes": self.notes,
        }
        if density:
            record["density_g_cm3"] = round(self.density_g_cm3, 4)
        return record


def _parse_formula(formula: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for el, n in re.findall(r"([A-Z][a-z]?)(\d*)", formula):
        out[el] = out.get(el, 0) + (int(n) if n else 1)
    return out


def _load_yaml(name: str) -> dict[str, Any]:
    text = resources.files("nanoligand.data").joinpath(name).read_text(encoding="utf-8")
    from nanoligand.tables import parse_data

    return parse_data(text)


def _cellpar(lattice: Mapping[str, float], prototype: str) -> tuple[float, ...]:
    a = float(lattice["a"])
    if prototype == "wurtzite" or "gamma" in lattice and float(lattice["gamma"]) == 120:
        return (a, a, float(lattice["c"]), 90.0, 90.0, 120.0)
    b = float(lattice.get("b", a))
    c = float(lattice.get("c", a))
    return (a, b, c, float(lattice.get("alpha", 90.0)), float(lattice.get("beta", 90.0)),
            float(lattice.get("gamma", 90.0)))


def _record(key: str, entry: Mapping[str, Any], prototypes: Mapping[str, Any]) -> Material:
    lattice = entry["lattice"]
    if "structure" in entry:  # explicit structure (oxides)
        struct = entry["structure"]
        prototype = "explicit"
        spacegroup = int(struct["spacegroup"])
        setting = int(struct.get("setting", 1))
        sites = tuple((s["element"], tuple(float(x) for x in s["position"])) for s in struct["sites"])
        roles = {}
    else:
        prototype = entry["prototype"]
        proto = prototypes[prototype]
        spacegroup = int(proto["spacegroup"])
        setting = int(proto.get("setting", 1))
        site_list = []
        roles = dict(entry["elements"])
        for s in proto["sites"]:
            pos = tuple(float(lattice[x]) if isinstance(x, str) else float(x) for x in s["position"])
            site_list.append((roles[s["role"]], pos))
        sites = tuple(site_list)
    charges = {el: int(q) for el, q in entry.get("charges", {}).items()}
    for el, _ in sites:
        charges.setdefault(el, 0)
    center = tuple(float(x) for x in entry.get("center", sites[0][1]))
    gap = entry.get("band_gap") or {}
    return Material(
        key=key, name=entry["name"], formula=entry["formula"], prototype=prototype,
        spacegroup=spacegroup, setting=setting, cellpar=_cellpar(lattice, prototype),  # type: ignore[arg-type]
        sites=sites, charges=charges, center_frac=center,  # type: ignore[arg-type]
        band_gap_eV=gap.get("value_eV"), band_gap_kind=gap.get("kind"),
        default_shape=entry["defaults"]["shape"], default_termination=entry["defaults"]["termination"],
        sources=dict(entry["sources"]), notes=entry.get("notes", ""),
        aliases=tuple(entry.get("aliases", ())), roles=roles,
    )


@cache
def _registry() -> dict[str, Material]:
    prototypes = _load_yaml("prototypes.yaml")
    raw = _load_yaml("materials.yaml")
    return {key: _record(key, entry, prototypes) for key, entry in raw.items()}


@cache
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for key, mat in _registry().items():
        for name in (key, *mat.aliases):
            table[name.lower()] = key
    return table


def available() -> list[str]:
    """Canonical keys of all built-in materials."""
    return list(_registry())


def get(name: str | Material) -> Material:
    """Look a material up by key or alias (case-insensitive).

    Raises
    ------
    InputError
        If the name is unknown; the message suggests close names.

    Examples
    --------
    >>> get("cdse-wz").key
    'CdSe-wz'
    """
    if isinstance(name, Material):
        return name
    key = _lookup().get(str(name).strip().lower())
    if key is None:
        close = difflib.get_close_matches(str(name).lower(), list(_lookup()), n=3, cutoff=0.5)
        names = sorted({_lookup()[c] for c in close})
        hint = f"; did you mean {', '.join(names)}?" if names else ""
        raise InputError(f"unknown material {name!r}{hint} (see `nanoligand materials`)")
    return _registry()[key]
