"""User-facing entry points that chain the pipeline stages (spec → core → census).

Examples
--------
>>> from nanoligand import build_core
>>> qd = build_core("PbS", diameter_nm=4.8, shape="truncated-octahedron", termination="seed004")
>>> qd.census.cation_anion_ratio > 1.0
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ase import Atoms

from nanoligand.core.build import Core, build
from nanoligand.io import JSON_SUFFIX, write_json, write_structure
from nanoligand.surface import Census, census


@dataclass(frozen=True)
class BareCore:
    """A built core and its surface census.

    Attributes
    ----------
    core : Core
        The atoms (with per-atom site arrays) and facet planes.
    census : Census
        Facets, site roles, composition and charge.
    """

    core: Core
    census: Census

    @property
    def atoms(self) -> Atoms:
        """ASE ``Atoms`` with the per-atom arrays ``coordination``, ``bulk_coordination``,
        ``missing_bonds``, ``facet``, ``site_role``, ``face``, ``kind`` and ``lattice_site``."""
        return self.core.atoms

    def to_dict(self) -> dict[str, Any]:
        """The census as a JSON-ready dict."""
        return self.census.to_dict()

    def write(self, path: str | Path) -> None:
        """Write the model (``.xyz``, ``.extxyz``, ``.pdb``, ``.cif``) or the census (``.json``),
        atomically."""
        if Path(path).suffix.lower() == JSON_SUFFIX:
            write_json(path, self.to_dict())
        else:
            write_structure(path, self.atoms)


def build_core(material: str, diameter_nm: float, shape: str | None = None, termination: str | None = None,
               *, facet_energies: Mapping[str, float] | None = None, ratio: float | None = None,
               aspect: float | None = None) -> BareCore:
    """Build a nanocrystal core and take its surface census.

    Parameters
    ----------
    material : str
        Material key or alias (``nanoligand materials`` lists them).
    diameter_nm : float
        Volume-equivalent sphere diameter (nm) of the core's lattice sites, 0.8–30 nm.
    shape : str, optional
        ``sphere``, ``cube``, ``octahedron``, ``tetrahedron``, ``truncated-octahedron``, ``wulff``,
        ``rod`` or ``platelet``; the material's default if None.
    termination : str, optional
        ``stoichiometric``, ``cation_rich``, ``seed004``, ``AX``, ``BX2``, ``hydrogen`` or ``bare``;
        the material's default if None.
    facet_energies : mapping, optional
        Relative surface energies per family for Wulff shapes, e.g. ``{"100": 1.0, "111": 0.9}``.
    ratio : float, optional
        d{100}/d{111} of a truncated octahedron (default 2/√3, Archimedean).
    aspect : float, optional
        Aspect ratio of rods (length/width) and platelets (width/thickness).

    Returns
    -------
    BareCore
    """
    core = build(material, diameter_nm, shape, termination, facet_energies=dict(facet_energies or {}) or None,
                 ratio=ratio, aspect=aspect)
    return BareCore(core, census(core))
