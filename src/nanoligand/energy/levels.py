"""Energy levels from structures: vertical IP and EA (IPEA1-xTB), HOMO/LUMO and a projected DOS.

Vertical ionisation potential and electron affinity by ΔSCC with IPEA1-xTB (Ásgeirsson, Bauer, Grimme,
Chem. Sci. 2017, 8, 4879), as the xtb program computes them::

    IP = E(N−1) − E(N) − shift        EA = E(N) − E(N+1) − shift

with the one empirical shift (4.8455 eV, ``data/energy.yaml``) applied once to each. Both ions are
computed at the neutral geometry (vertical), open-shell with one unpaired electron where the count is
odd. The IP is the energy to remove an electron to vacuum (the valence-band-edge analogue, −IP on an
absolute scale), the EA the energy gained by adding one (−EA is the conduction-band analogue).

The projected density of states splits every molecular orbital of a GFN2-xTB single point over atom
groups by Mulliken populations (orbital coefficients and overlap from tblite) and broadens it with
Gaussians; groups are given as a label per atom (``core``/``surface``/``ligand`` for a model).

Examples
--------
>>> from ase.build import molecule
>>> v = vertical_ip_ea(molecule("C6H6"), cache=False)
>>> 8.7 < v.ip_eV < 9.8 and v.ip_eV > v.ea_eV        # benzene: 9.24 eV (NIST photoelectron value)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from nanoligand.energy.engines import Settings, single_point
from nanoligand.tables import load_table

__all__ = ["VerticalLevels", "vertical_ip_ea", "projected_dos", "ipea_shift_eV"]


def ipea_shift_eV() -> float:
    """The empirical shift of IPEA-xTB ΔSCC ionisation energies and affinities (eV, cited in the data)."""
    return float(load_table("energy.yaml")["ipea_shift_eV"])


@dataclass(frozen=True)
class VerticalLevels:
    """Vertical IP and EA (eV) with the ΔSCC values before the shift and the frontier orbitals (GFN2-xTB)."""

    ip_eV: float
    ea_eV: float
    delta_scc_ip_eV: float
    delta_scc_ea_eV: float
    shift_eV: float
    homo_eV: float | None
    lumo_eV: float | None
    solvent: str | None

    @property
    def fundamental_gap_eV(self) -> float:
        """IP − EA."""
        return self.ip_eV - self.ea_eV

    def to_dict(self) -> dict:
        return {"ip_eV": self.ip_eV, "ea_eV": self.ea_eV, "fundamental_gap_eV": self.fundamental_gap_eV,
                "delta_scc_ip_eV": self.delta_scc_ip_eV, "delta_scc_ea_eV": self.delta_scc_ea_eV,
                "ipea_shift_eV": self.shift_eV, "homo_eV": self.homo_eV, "lumo_eV": self.lumo_eV,
                "solvent": self.solvent,
                "levels_method": "IPEA1-xTB ΔSCC (Ásgeirsson, Bauer, Grimme, Chem. Sci. 2017, 8, 4879); "
                          "HOMO/LUMO GFN2-xTB"}


def vertical_ip_ea(atoms: Atoms, solvent: str | None = None, charge: int = 0, etemp_K: float = 300.0,
                   cache: bool = True) -> VerticalLevels:
    """Vertical IP and EA of ``atoms`` (neutral geometry) with IPEA1-xTB ΔSCC and the empirical shift.

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (a relaxed one: vertical values are taken at this geometry).
    solvent : str, optional
        Implicit solvent for all three states (None: vacuum, as photoemission measures).
    charge : int
        Charge of the reference state.
    etemp_K : float
        Electronic temperature (K).
    cache : bool
        Use the single-point cache.

    Returns
    -------
    VerticalLevels
    """
    base = Settings("IPEA1-xTB", solvent, charge, None, etemp_K)
    e0 = single_point(atoms, base, cache=cache).energy_eV
    e_cation = single_point(atoms, base.with_(charge=charge + 1), cache=cache).energy_eV
    e_anion = single_point(atoms, base.with_(charge=charge - 1), cache=cache).energy_eV
    frontier = single_point(atoms, Settings("GFN2-xTB", solvent, charge, None, etemp_K), cache=cache)
    shift = ipea_shift_eV()
    d_ip, d_ea = e_cation - e0, e0 - e_anion
    return VerticalLevels(d_ip - shift, d_ea - shift, d_ip, d_ea, shift, frontier.homo_eV, frontier.lumo_eV,
                          solvent)


def projected_dos(atoms: Atoms, groups, settings: Settings | None = None, *, sigma_eV: float = 0.1,
                  grid_eV: np.ndarray | None = None) -> dict:
    """Density of states of a tight-binding single point, projected on atom groups (Mulliken).

    Parameters
    ----------
    atoms : ase.Atoms
        The structure.
    groups : sequence of str
        One label per atom (e.g. ``core``, ``surface``, ``ligand``).
    settings : Settings, optional
        A tight-binding method (GFN2-xTB by default).
    sigma_eV : float
        Gaussian broadening (eV).
    grid_eV : array, optional
        Energies at which to evaluate (default: every orbital energy ± 2 eV, 0.01 eV steps).

    Returns
    -------
    dict
        ``energy_eV`` (grid), ``total`` and one array per group (states per eV; the groups sum to the
        total), ``weights`` (orbital × group Mulliken weights, rows sum to 1), ``orbital_energies_eV``,
        ``occupations``, ``homo_eV``, ``lumo_eV``.
    """
    from nanoligand.energy.engines import Engine, frontier
    from nanoligand.errors import InputError

    settings = settings or Settings()
    labels = np.asarray(groups, dtype=object)
    if labels.shape != (len(atoms),):
        raise InputError(f"groups: {labels.shape[0] if labels.ndim else 0} labels for {len(atoms)} atoms")
    if settings.method == "GFN-FF":
        raise InputError("method: a force field has no orbitals; use a tight-binding method for the DOS")
    engine = Engine(atoms, settings, save_integrals=True)
    energy = engine.compute()
    coeff = np.asarray(engine.result.get("orbital-coefficients"))
    overlap = np.asarray(engine.result.get("overlap-matrix"))
    eps, occ = energy.orbital_energies_eV, energy.occupations
    if coeff.ndim == 3:  # spin-resolved: take the alpha channel's orbitals for the projection
        coeff, eps = coeff[0], eps[0]
    atom_of_ao = np.asarray(engine.calc.get("shell-map"))[np.asarray(engine.calc.get("orbital-map"))]
    # Mulliken: population of orbital i on AO mu = C_mu,i (S C)_mu,i ; rows of C are AOs
    pop = coeff * (overlap @ coeff)
    names = sorted(set(labels.tolist()))
    group_of_ao = np.searchsorted(names, labels[atom_of_ao].astype(str))
    weights = np.zeros((eps.size, len(names)))
    np.add.at(weights.T, group_of_ao, pop)
    weights /= weights.sum(axis=1, keepdims=True)
    grid = grid_eV if grid_eV is not None else np.arange(eps.min() - 2.0, eps.max() + 2.0, 0.01)
    gauss = np.exp(-0.5 * ((grid[:, None] - eps[None, :]) / sigma_eV) ** 2) / (sigma_eV * np.sqrt(2 * np.pi))
    out = {"energy_eV": grid, "total": 2.0 * gauss.sum(axis=1), "weights": weights,
           "orbital_energies_eV": eps, "occupations": occ, "groups": names}
    for k, name in enumerate(names):
        out[name] = 2.0 * gauss @ weights[:, k]
    out["homo_eV"], out["lumo_eV"] = frontier(eps, occ)
    return out
