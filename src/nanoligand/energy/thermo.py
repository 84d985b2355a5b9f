"""Entropy a desorbing unit gains: ideal translation at a standard concentration and rigid rotation.

Textbook statistical mechanics (McQuarrie, *Statistical Mechanics*, 2000, eqs. 5-20 and 8-21):

* translation, Sackur–Tetrode at concentration c (molecules per volume 1/(c·N_A))::

      S_trans = R [ ln( (2π m k T / h²)^{3/2} / (c N_A) ) + 5/2 ]

* rotation of a rigid non-linear rotor with principal moments I_A, I_B, I_C and symmetry number σ::

      S_rot = R [ ln( √π / σ · Π (8π² I k T / h²)^{1/2} ) + 3/2 ]

  (linear: R [ln(8π² I k T / (σ h²)) + 1]).

Used by :mod:`nanoligand.energy.desorb` for the **stated approximation** ΔG_des ≈ ΔE_des − T(S_trans +
S_rot) of the free unit at 1 M: the bound unit's frustrated translations and rotations are counted as
carrying no entropy, which makes −TΔS an upper bound of the entropic gain (real adsorbates keep part of
theirs; Campbell & Sellers, J. Am. Chem. Soc. 2012, 134, 18109, find about 70 % for gas-surface
adsorbates). Vibrations and zero-point energies are not included.

Examples
--------
>>> from ase import Atoms
>>> round(translational_entropy_J_molK(Atoms("Ar").get_masses().sum(), 298.15, conc_M=None), 1)
154.8
"""

from __future__ import annotations

import numpy as np
from ase import Atoms

__all__ = ["translational_entropy_J_molK", "rotational_entropy_J_molK", "R_J_molK", "P_STANDARD_PA"]

R_J_molK = 8.314462618  #: CODATA 2018
_K_B = 1.380649e-23  #: J/K (exact, SI 2019)
_H = 6.62607015e-34  #: J s (exact)
_N_A = 6.02214076e23  #: 1/mol (exact)
_AMU = 1.66053906660e-27  #: kg (CODATA 2018)
P_STANDARD_PA = 1.0e5  #: IUPAC standard pressure, 1 bar


def translational_entropy_J_molK(mass_amu: float, T_K: float, conc_M: float | None = 1.0) -> float:
    """Sackur–Tetrode entropy (J/(mol K)) of a particle of ``mass_amu`` at ``conc_M`` mol/L, or as an ideal gas
    at 1 bar when ``conc_M`` is None."""
    number_density = (P_STANDARD_PA / (_K_B * T_K)) if conc_M is None else conc_M * 1000.0 * _N_A
    lam3 = (2 * np.pi * mass_amu * _AMU * _K_B * T_K / _H ** 2) ** 1.5
    return float(R_J_molK * (np.log(lam3 / number_density) + 2.5))


def rotational_entropy_J_molK(atoms: Atoms, T_K: float, symmetry_number: int = 1) -> float:
    """Rigid-rotor entropy (J/(mol K)) of ``atoms`` (0 for a single atom)."""
    if len(atoms) < 2:
        return 0.0
    moments = np.sort(atoms.get_moments_of_inertia()) * _AMU * 1e-20  # amu Å² → kg m²
    theta = 8 * np.pi ** 2 * _K_B * T_K / _H ** 2
    if moments[0] < 1e-6 * moments[2]:  # linear
        return float(R_J_molK * (np.log(theta * moments[2] / symmetry_number) + 1.0))
    q = np.sqrt(np.pi) / symmetry_number * np.prod(np.sqrt(theta * moments))
    return float(R_J_molK * (np.log(q) + 1.5))
