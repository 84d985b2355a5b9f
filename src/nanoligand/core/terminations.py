"""Surface terminations as data: which atomic layer ends each facet, what is pruned, what is added.

Every termination prunes atoms left with fewer than two bonds to the core (repeatedly), so no
dangling one-bond atom survives, except the adatoms a termination adds on purpose. The table below
says the rest; the rules are data (:data:`TERMINATIONS`), the mechanics live in
:mod:`nanoligand.core.build`.

==================  =======================  =========================================================
termination         applies to               rule
==================  =======================  =========================================================
``stoichiometric``  ionic crystals           facets cut at the ideal distance; afterwards whole
                                             symmetry classes of surface atoms of the excess ion are
                                             removed while that brings the net formal charge closer
                                             to zero (the residue, if any, is reported)
``cation_rich``     ionic crystals           polar facets end on a cation layer whose atoms keep ≥ 2
                                             bonds (else on the layer that does); anions with < 2
                                             bonds removed; the excess cation charge is left for
                                             X-type ligands
``cation_rich_z``   ionic crystals           ``cation_rich``, then a cation (a Z-type M(O2CR)2 once
                                             capped) on the most outward missing bond of every
                                             two-coordinate anion, then on every empty cation site
                                             two surface anions share
``seed004``         PbS, PbSe, PbTe          seed 004 (Grisorio et al., Angew. Chem. Int. Ed. 2016,
                                             55, 6628): Pb on every {111} facet and one extra Pb
                                             above every chalcogen of the {100} facets
``AX``              ABX3 perovskites         {100} facets end on the AX (e.g. CsBr) layer
``BX2``             ABX3 perovskites         {100} facets end on the BX2 (e.g. PbBr2) layer
``hydrogen``        Si, diamond              every missing bond of a surface atom capped with H at
                                             the X–H bond length (data/bonds.yaml)
``bare``            elemental crystals       no capping (metals, or bare group-IV cores)
==================  =======================  =========================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from nanoligand.core.facets import Miller
from nanoligand.core.lattice import Lattice
from nanoligand.errors import ChemistryError, InputError
from nanoligand.materials import Material


@dataclass(frozen=True)
class Termination:
    """A termination rule (see the module table).

    Attributes
    ----------
    name : str
    description : str
    scope : str
        ``ionic``, ``perovskite``, ``lead_chalcogenide``, ``diamond_lattice`` or ``elemental``.
    outer_layer : str
        Which layer ends a facet: ``any`` (cut where the shape says), ``cation`` (polar facets end on
        a cation layer that keeps ≥ 2 bonds), ``A_site`` / ``B_site`` (perovskite AX / BX2 layers).
    neutralize : bool
        Remove symmetry classes of surface ions to approach zero net formal charge.
    adatom_family : Miller or None
        Facet family whose outermost anions each receive a cation at their outward bond site.
    z_cations : bool
        Put a cation on every two-coordinate anion and on cation sites two surface anions share.
    cap_hydrogen : bool
        Cap missing bonds with H.
    families : tuple of Miller or None
        Facet families the termination is defined for (None: any).
    source : str
        Where the rule comes from.
    """

    name: str
    description: str
    scope: str
    outer_layer: str = "any"
    neutralize: bool = False
    adatom_family: Miller | None = None
    z_cations: bool = False
    cap_hydrogen: bool = False
    families: tuple[Miller, ...] | None = None
    source: str = ""

    def check(self, material: Material) -> None:
        """Raise :class:`ChemistryError` if the termination does not apply to ``material``."""
        ok = {
            "ionic": material.is_ionic,
            "perovskite": material.prototype == "perovskite",
            "lead_chalcogenide": material.prototype == "rocksalt" and material.cations == ("Pb",),
            "diamond_lattice": material.prototype == "diamond",
            "elemental": not material.is_ionic,
        }[self.scope]
        if not ok:
            raise ChemistryError(f"termination {self.name!r} does not apply to {material.key} "
                                 f"({material.prototype}): it is for {SCOPE_TEXT[self.scope]}")


SCOPE_TEXT = {
    "ionic": "ionic crystals with cations and anions",
    "perovskite": "ABX3 perovskites",
    "lead_chalcogenide": "rock-salt lead chalcogenides (PbS, PbSe, PbTe)",
    "diamond_lattice": "diamond-lattice crystals (Si, C)",
    "elemental": "elemental crystals (metals, Si, C)",
}

TERMINATIONS: dict[str, Termination] = {
    t.name: t
    for t in (
        Termination("stoichiometric", "cut at the shape's planes, pruned, then charge-balanced by removing "
                    "whole symmetry classes of surface ions", "ionic", neutralize=True),
        Termination("cation_rich", "polar facets end on cations; anions with < 2 bonds removed; excess "
                    "cation charge left for X-type ligands", "ionic", outer_layer="cation"),
        Termination("cation_rich_z", "cation_rich, plus a Z-type cation on every two-coordinate anion and on "
                    "cation sites two surface anions share", "ionic", outer_layer="cation", z_cations=True,
                    source="Z-type Cd(O2CR)2 bound to chalcogenides: Anderson, Hendricks, Choi, Owen, J. Am. Chem. "
                           "Soc. 2013, 135, 18536; on non-polar CdSe facets: seed 000 §2.1.1; Z-type acceptors "
                           "passivate two-coordinate chalcogenides: seed 003. Which sites take them is a model "
                           "choice"),
        Termination("seed004", "Pb on {111}, one extra Pb above every chalcogen of {100}",
                    "lead_chalcogenide", outer_layer="cation", adatom_family=(1, 0, 0),
                    families=((1, 0, 0), (1, 1, 1)),
                    source="Grisorio, Debellis, Suranna, Gigli, Giansante, Angew. Chem. Int. Ed. 2016, "
                           "55, 6628 (doi:10.1002/anie.201511174), Fig. 1a and text"),
        Termination("AX", "{100} facets end on the AX layer (e.g. CsBr)", "perovskite", outer_layer="A_site"),
        Termination("BX2", "{100} facets end on the BX2 layer (e.g. PbBr2)", "perovskite",
                    outer_layer="B_site"),
        Termination("hydrogen", "missing bonds capped with H", "diamond_lattice", cap_hydrogen=True),
        Termination("bare", "pruned, no capping", "elemental"),
    )
}


def get_termination(name: str | None, material: Material) -> Termination:
    """Look up a termination (the material's default if None) and check that it applies."""
    key = material.default_termination if name is None else name.strip()
    lookup = {k.lower().replace("-", "_"): k for k in TERMINATIONS}
    canonical = lookup.get(key.lower().replace("-", "_"))
    if canonical is None:
        raise InputError(f"unknown termination {name!r}; choose one of {', '.join(TERMINATIONS)}")
    term = TERMINATIONS[canonical]
    term.check(material)
    return term


def layer_accepted(rule: str, elements: frozenset[str], surface_cn: int, lattice: Lattice) -> bool:
    """Whether a layer (its elements and the bonds its atoms keep) may end a facet under ``rule``."""
    mat = lattice.material
    if rule == "any":
        return True
    if rule == "cation":
        if len(elements) > 1:  # mixed (non-polar) layer: any position will do
            return surface_cn >= 2
        (el,) = elements
        return mat.charges.get(el, 0) > 0 and surface_cn >= 2
    if rule in ("A_site", "B_site"):
        a_el, b_el = mat.roles.get("A"), mat.roles.get("B")
        return (a_el in elements) if rule == "A_site" else (b_el in elements and a_el not in elements)
    raise ValueError(f"unknown layer rule {rule!r}")
