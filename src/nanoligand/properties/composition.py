"""Composition of a sample from measurements: ligands per dot from ¹H NMR and TGA, atoms per dot from
ICP-OES ratios, cross-checked against a capped model.

* **NMR** against an internal standard: ``n_lig = (I_lig / H_lig) / (I_std / H_std) · n_std`` (moles of
  ligand from the integrals per proton), divided by the moles of dots.
* **TGA**: a mass loss fraction ``f`` of ligand (molar mass M_lig) over a residue fraction ``r`` of
  molar mass M_core per dot gives ``f / r · M_core / M_lig`` ligands per dot (the residue is the core;
  ``r = 1 − f`` when the ligand is the only loss, smaller when solvent or other species also leave).
* **ICP-OES**: an element ratio (e.g. Zn at 22 % of Cd) times the atoms of the reference element per
  dot (seed 003: Zn at 22 % relative to Cd on (CdS)₃₄ ↔ 7.5 Zn per cluster).

Examples
--------
>>> round(icp_atoms_per_dot(0.22, 34), 2)   # seed 003: Zn/Cd = 22 % on (CdS)34
7.48
"""

from __future__ import annotations

from dataclasses import dataclass

from nanoligand.errors import InputError


def nmr_ligands_per_dot(integral_ligand: float, protons_ligand: int, integral_standard: float,
                        protons_standard: int, standard_mol: float, dots_mol: float) -> float:
    """Ligands per dot from ¹H integrals against an internal standard (module docstring)."""
    for name, v in (("integral_ligand", integral_ligand), ("integral_standard", integral_standard),
                    ("standard_mol", standard_mol), ("dots_mol", dots_mol)):
        if not v > 0:
            raise InputError(f"{name} must be positive")
    if protons_ligand < 1 or protons_standard < 1:
        raise InputError("proton counts must be at least 1")
    return (integral_ligand / protons_ligand) / (integral_standard / protons_standard) * standard_mol / dots_mol


def tga_ligands_per_dot(mass_loss_fraction: float, core_molar_mass_g_mol: float,
                        ligand_molar_mass_g_mol: float, residue_fraction: float | None = None) -> float:
    """Ligands per dot from a TGA mass loss (module docstring).

    Parameters
    ----------
    mass_loss_fraction : the loss assigned to this ligand, as a fraction of the initial mass.
    residue_fraction : the final residue (the cores), default ``1 − mass_loss_fraction``.

    Examples
    --------
    >>> round(tga_ligands_per_dot(0.18, 4913.6, 73.14), 1)   # seed 003: 18 % loss of butylamine
    14.7
    """
    f = mass_loss_fraction
    r = 1.0 - f if residue_fraction is None else residue_fraction
    if not 0 < f < 1:
        raise InputError("a mass-loss fraction lies between 0 and 1 (give 0.18 for 18 %)")
    if not 0 < r <= 1 - f:
        raise InputError(f"the residue fraction must lie in (0, {1 - f:g}] for a {f:g} ligand loss")
    if not core_molar_mass_g_mol > 0 or not ligand_molar_mass_g_mol > 0:
        raise InputError("molar masses must be positive")
    return f / r * core_molar_mass_g_mol / ligand_molar_mass_g_mol


def icp_atoms_per_dot(ratio_to_reference: float, reference_atoms_per_dot: float) -> float:
    """Atoms of an element per dot from its ICP ratio to a reference element (module docstring)."""
    if ratio_to_reference < 0 or not reference_atoms_per_dot > 0:
        raise InputError("the ratio must be non-negative and the reference count positive")
    return ratio_to_reference * reference_atoms_per_dot


@dataclass
class CrossCheck:
    quantity: str
    measured: float
    model: float

    @property
    def ratio(self) -> float:
        return self.measured / self.model if self.model else float("inf")

    def to_dict(self) -> dict:
        return {"quantity": self.quantity, "measured": round(self.measured, 4), "model": round(self.model, 4),
                "measured_over_model": round(self.ratio, 4)}


def cross_check(model, ligands_per_dot: dict[str, float] | None = None,
                organic_mass_fraction: float | None = None) -> list[CrossCheck]:
    """Measured ligands per dot and TGA loss against a capped model: a :class:`Nanocrystal` or its
    ``composition`` dict (as in the JSON manifest)."""
    comp = model if isinstance(model, dict) else model.composition.to_dict()
    out = []
    for name, v in (ligands_per_dot or {}).items():
        if name not in comp["ligands"]:
            raise InputError(f"the model carries no {name!r}; it carries {', '.join(comp['ligands'])}")
        out.append(CrossCheck(f"{name} per dot", v, comp["ligands"][name]))
    if organic_mass_fraction is not None:
        out.append(CrossCheck("organic mass fraction", organic_mass_fraction, comp["organic_mass_fraction"]))
    return out
