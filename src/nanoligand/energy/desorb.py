"""Desorption energies per site class from xTB on site models.

For a :class:`~nanoligand.energy.sites.Site` (a neutral cut-out and the unit that leaves it)::

    ΔE_des = E(cluster without unit) + E(unit, free) − E(cluster)

each term a relaxed structure (the cut-out's outer atoms frozen, the free unit fully relaxed), all with
the same method, solvent and electronic temperature. ΔE_des > 0: the unit is bound.

What this is, and what it is not:

* an **electronic energy** difference (ΔE) in an implicit solvent (ALPB): the solvent's electrostatic
  and cavity terms are included, explicit solvent molecules are not;
* ΔG only as a **stated estimate** (``delta_g_estimate_kJ_mol``): ΔE minus T times the translational (1 M)
  and rigid-rotor entropy of the free unit (:mod:`~nanoligand.energy.thermo`), no vibrations; the term
  is the same for every site class of one unit, so **differences between site classes** — the ordering
  of {100} and {111}, of toluene and chloroform — are what these numbers are for;
* **short proxies**: oleate is computed as acetate (:data:`~nanoligand.energy.sites.PROXIES`), so the
  chain–chain dispersion that seed 004 invokes for toluene is absent by construction.

Examples
--------
>>> from nanoligand.energy.sites import Site
>>> from ase import Atoms
>>> import numpy as np
>>> # a Na+ Cl- ion pair 'desorbing' Cl- leaves a cation: refused, the unit must be neutral
>>> s = Site(Atoms("NaCl", positions=[[0, 0, 0], [2.4, 0, 0]]), 0, np.array([1]), np.zeros(2, bool),
...          "X", "facet", "{100}", 0, 0, -1)
>>> desorption_energy(s)
Traceback (most recent call last):
...
nanoligand.errors.InputError: the leaving unit carries formal charge -1: desorb neutral units (Z, L)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nanoligand.energy.engines import Settings
from nanoligand.energy.relax import Relaxed, relax
from nanoligand.energy.sites import Site
from nanoligand.errors import InputError

__all__ = ["Desorption", "desorption_energy", "KJ_MOL_PER_EV"]

KJ_MOL_PER_EV = 96.48533212  #: CODATA 2018 (e × N_A / 1000)

@dataclass(frozen=True)
class Desorption:
    """The three relaxed states of one desorption and ΔE_des (eV and kJ/mol)."""

    site: Site
    settings: Settings
    bound: Relaxed
    rest: Relaxed
    unit: Relaxed

    @property
    def delta_e_eV(self) -> float:
        return self.rest.energy_eV + self.unit.energy_eV - self.bound.energy_eV

    @property
    def delta_e_kJ_mol(self) -> float:
        return self.delta_e_eV * KJ_MOL_PER_EV

    def entropy_gain_J_molK(self, T_K: float = 298.15, conc_M: float = 1.0) -> float:
        """Translational (at ``conc_M``) plus rigid-rotor entropy of the free unit
        (:mod:`~nanoligand.energy.thermo`)."""
        from nanoligand.energy.thermo import rotational_entropy_J_molK, translational_entropy_J_molK

        unit = self.unit.atoms
        return (translational_entropy_J_molK(float(unit.get_masses().sum()), T_K, conc_M)
                + rotational_entropy_J_molK(unit, T_K))

    def delta_g_estimate_kJ_mol(self, T_K: float = 298.15, conc_M: float = 1.0) -> float:
        """ΔG_des ≈ ΔE_des − T(S_trans + S_rot) of the free unit at ``conc_M`` (the stated approximation of
        :mod:`~nanoligand.energy.thermo`: no vibrations, the bound unit's entropy counted as zero)."""
        return self.delta_e_kJ_mol - T_K * self.entropy_gain_J_molK(T_K, conc_M) / 1000.0

    def frames(self) -> list:
        """The three relaxed states as ASE Atoms, each labelled in ``info`` (state, site class, energy)."""
        out = []
        for state, r in (("bound", self.bound), ("surface left", self.rest), ("free unit", self.unit)):
            a = r.atoms.copy()
            a.info.update(state=state, site=f"{self.site.role} {self.site.facet}", energy_eV=r.energy_eV,
                          method=self.settings.method, solvent=self.settings.solvent or "vacuum",
                          converged=r.converged)
            out.append(a)
        return out

    def to_dict(self) -> dict:
        return {"site_role": self.site.role, "facet": self.site.facet, "motif": self.site.motif,
                "unit": self.site.unit_atoms.get_chemical_formula(), "cluster_atoms": len(self.site.atoms),
                "free_atoms": int((~self.site.fixed).sum()), "method": self.settings.method,
                "solvent": self.settings.solvent or "vacuum", "etemp_K": self.settings.etemp_K,
                "delta_e_eV": self.delta_e_eV, "delta_e_kJ_mol": self.delta_e_kJ_mol,
                "T_dS_unit_kJ_mol": 298.15 * self.entropy_gain_J_molK() / 1000.0,
                "delta_g_estimate_kJ_mol": self.delta_g_estimate_kJ_mol(),
                "relax_steps": [self.bound.steps, self.rest.steps, self.unit.steps],
                "converged": bool(self.bound.converged and self.rest.converged and self.unit.converged),
                "kind": "computed: ΔE (electronic, implicit solvent), no entropy"}


def desorption_energy(site: Site, settings: Settings | None = None, *, fmax_eV_A: float = 0.1,
                      max_steps: int = 300, allow_unconverged: bool = False) -> Desorption:
    """ΔE_des of ``site``'s unit (see the module docstring).

    Parameters
    ----------
    site : Site
        From :func:`~nanoligand.energy.sites.cut_site`.
    settings : Settings, optional
        Method, solvent, electronic temperature (GFN2-xTB in vacuum at 300 K by default).
    fmax_eV_A : float
        Relaxation threshold (eV/Å) for all three states.
    max_steps : int
        Most optimiser steps per relaxation.
    allow_unconverged : bool
        Keep unconverged relaxations (flagged in ``to_dict()['converged']``) instead of raising.

    Returns
    -------
    Desorption
    """
    settings = settings or Settings()
    unit = site.unit_atoms
    q = site.unit_charge
    if q != 0:
        raise InputError(f"the leaving unit carries formal charge {q}: desorb neutral units (Z, L)")
    label = f"{site.role} {site.facet} {site.motif}"
    opts = dict(fmax_eV_A=fmax_eV_A, max_steps=max_steps, allow_unconverged=allow_unconverged)
    bound = relax(site.atoms, settings, fixed=np.flatnonzero(site.fixed) if site.fixed.any() else None,
                  label=f"{label}: bound", **opts)
    rest_fixed = site.rest_fixed
    rest = relax(site.rest, settings, fixed=np.flatnonzero(rest_fixed) if rest_fixed.any() else None,
                 label=f"{label}: surface left", **opts)
    free = relax(unit, settings, label=f"{label}: free unit", **opts)
    return Desorption(site, settings, bound, rest, free)

