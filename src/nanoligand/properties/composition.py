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

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

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


def sample_composition(*, icp: Sequence[str] = (), ref_atoms: float | None = None, tga_loss: float | None = None,
                       residue: float | None = None, core_mass_g_mol: float | None = None, nmr: str | None = None,
                       standard_mol: float | None = None, dots_mol: float | None = None, ligand: str | None = None,
                       ligand_mass_g_mol: float | None = None, manifest: Mapping[str, Any] | None = None) -> dict:
    """Atoms and ligands per dot from whichever measurements are given, checked against a model.

    Parameters
    ----------
    icp : sequence of str
        ICP-OES ratios ``EL/REF=VALUE`` (e.g. ``Zn/Cd=0.22``); REF atoms per dot from ``ref_atoms`` or
        the model.
    tga_loss, residue : float, optional
        TGA mass-loss and residue fractions (0–1); the core molar mass from ``core_mass_g_mol`` or the
        model, the ligand's from ``ligand_mass_g_mol`` or ``ligand``.
    nmr : str, optional
        ``I_LIG:H_LIG:I_STD:H_STD`` ¹H integrals and proton counts, with ``standard_mol`` and ``dots_mol``.
    ligand : str, optional
        The ligand measured (its molar mass; its name in the model for the cross-check).
    manifest : mapping, optional
        A capped model's manifest (:func:`read_manifest`): reference atoms, core mass, cross-check.

    Returns
    -------
    dict
        ``EL_per_dot`` (and ``EL_per_dot_model``), ``tga_ligands_per_dot``, ``nmr_ligands_per_dot``,
        ``cross_check`` (one row per method).

    Examples
    --------
    >>> sample_composition(icp=["Zn/Cd=0.22"], ref_atoms=34)   # seed 003: 7.5 Zn per (CdS)34
    {'Zn_per_dot': 7.48}
    """
    d: dict[str, Any] = {}
    for item in icp:
        el, ref, value = parse_icp(item)
        n_ref = ref_atoms if ref_atoms is not None else model_atoms(manifest, ref)
        d[f"{el}_per_dot"] = round(icp_atoms_per_dot(value, n_ref), 3)
        if manifest:
            d[f"{el}_per_dot_model"] = model_atoms(manifest, el, required=False)
    measured: dict[str, float] = {}
    if tga_loss is not None:
        m_core = core_mass_g_mol if core_mass_g_mol is not None else (manifest or {}).get("composition", {}).get(
            "core_molar_mass_g_mol")
        if m_core is None:
            raise InputError("TGA needs the core molar mass (--core-mass-g-mol) or a model (--model)")
        n = tga_ligands_per_dot(tga_loss, m_core, ligand_molar_mass_g_mol(ligand, ligand_mass_g_mol), residue)
        d["tga_ligands_per_dot"] = measured["tga"] = round(n, 3)
    if nmr is not None:
        try:
            i_l, h_l, i_s, h_s = (float(x) for x in nmr.split(":"))
        except ValueError:
            raise InputError(f"nmr: write I_LIG:H_LIG:I_STD:H_STD, got {nmr!r}") from None
        if standard_mol is None or dots_mol is None:
            raise InputError("NMR needs the moles of internal standard (--standard-mol) and of dots (--dots-mol)")
        n = nmr_ligands_per_dot(i_l, int(h_l), i_s, int(h_s), standard_mol, dots_mol)
        d["nmr_ligands_per_dot"] = measured["nmr"] = round(n, 3)
    if manifest and measured:
        if not ligand:
            raise InputError("name the ligand (--ligand) as the model calls it to cross-check")
        d["cross_check"] = [cross_check(manifest["composition"], {ligand: v})[0].to_dict() | {"method": k}
                            for k, v in measured.items()]
    if not d:
        raise InputError("nothing to compute: give an ICP ratio, a TGA loss or NMR integrals")
    return d


def parse_icp(item: str) -> tuple[str, str, float]:
    """``"Zn/Cd=0.22"`` → ``("Zn", "Cd", 0.22)``."""
    try:
        pair, value = item.split("=")
        el, ref = (x.strip() for x in pair.split("/"))
        return el, ref, float(value)
    except ValueError:
        raise InputError(f"icp: write EL/REF=VALUE (e.g. Zn/Cd=0.22), got {item!r}") from None


def read_manifest(path: str | Path) -> dict:
    """A capped model's JSON manifest (``nanoligand build ... --shell ... -o model.json``)."""
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a JSON manifest ({exc})") from None
    if not isinstance(d, dict) or "composition" not in d or "core" not in d:
        raise InputError(f"{path}: not a capped-model manifest (write one with `nanoligand build ... --shell "
                         "... -o model.json`)")
    return d


def model_atoms(manifest: Mapping[str, Any] | None, element: str, required: bool = True) -> float | None:
    """Atoms of ``element`` per dot in a model's core; None (or an error if ``required``) if it has none."""
    counts = (manifest or {}).get("core", {}).get("composition", {})
    if element in counts:
        return counts[element]
    if required:
        raise InputError(f"atoms of {element} per dot: give them (--ref-atoms)" +
                         (" — the model has none" if manifest else " or a model (--model)"))
    return None


def ligand_molar_mass_g_mol(name: str | None, mass_g_mol: float | None = None) -> float:
    """``mass_g_mol`` if given, else the molar mass of the named ligand (RDKit average weights)."""
    if mass_g_mol is not None:
        return mass_g_mol
    if not name:
        raise InputError("TGA needs the ligand's molar mass: name the ligand (--ligand) or give --ligand-mass-g-mol")
    from rdkit.Chem import Descriptors

    from nanoligand.ligands import ligand

    return Descriptors.MolWt(ligand(name).mol)
