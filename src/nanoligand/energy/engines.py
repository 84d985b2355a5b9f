"""Single points with the xTB family: GFN2-, GFN1- and IPEA1-xTB (tblite) and GFN-FF (xtb-python).

One entry point, :func:`single_point`, takes ASE atoms (Å) and :class:`Settings` and returns an
:class:`Energy` in eV and eV/Å. Methods, their sources and the implicit solvents are in
``data/energy.yaml``; solvents are named as everywhere in nanoligand (``"toluene"``, ``"CDCl3"``,
``"DMF"`` …, :func:`nanoligand.solvents.resolve_solvent`) and mapped to the ALPB parameter sets; a
solvent without one is refused, not approximated.

Results are cached on disk by a hash of the structure (atomic numbers and positions to 1e-6 Å), the
settings and the engine's version (:mod:`nanoligand.energy.cache`), so a repeated calculation — a rerun
report, a second ladder over the same model — costs nothing.

Electronic temperature: 300 K by default (Fermi smearing of the occupations, as xtb's default). Ionic
nanocrystal models with small gaps may need more (``etemp_K``); the SCF that does not converge raises
:class:`~nanoligand.errors.ComputeError` naming the system and the setting to change.

Examples
--------
>>> from ase.build import molecule
>>> e = single_point(molecule("H2O"), Settings("GFN2-xTB"), cache=False)
>>> round(e.energy_eV / 27.211386, 2)      # GFN2-xTB total energy of water, Eh
-5.07
>>> e.gap_eV > 10
True
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
from ase import Atoms

from nanoligand.errors import ComputeError, InputError
from nanoligand.tables import load_table

__all__ = ["Energy", "Settings", "Engine", "alpb_solvent", "frontier", "method_info", "methods", "single_point",
           "EV_PER_HARTREE", "BOHR_A", "KELVIN_HARTREE"]

EV_PER_HARTREE = 27.211386245988  #: CODATA 2018
BOHR_A = 0.529177210903  #: CODATA 2018, Å per bohr
KELVIN_HARTREE = 3.166808578545117e-6  #: Boltzmann constant in Eh/K (CODATA 2018)


def _table() -> dict[str, Any]:
    return load_table("energy.yaml")


def methods() -> list[str]:
    """The method names ``Settings.method`` accepts."""
    return list(_table()["methods"])


def method_info(method: str) -> dict[str, str]:
    """Engine, source and use of ``method`` (case-insensitive name)."""
    table = _table()["methods"]
    for name, info in table.items():
        if name.lower() == str(method).lower():
            return {"method": name, **info}
    raise InputError(f"method: unknown {method!r}; use one of {', '.join(table)}")


def alpb_solvent(solvent: str | None) -> str | None:
    """The ALPB parameter set of a solvent named as elsewhere in nanoligand (None: vacuum)."""
    if solvent is None or str(solvent).lower() in ("", "none", "vacuum", "gas"):
        return None
    from nanoligand.solvents import resolve_solvent

    name = resolve_solvent(solvent)
    alpb = _table()["alpb"]
    if name not in alpb:
        raise InputError(f"solvent: {solvent!r} ({name}) has no ALPB parameter set (Ehlert 2021); "
                         f"use one of {', '.join(sorted(alpb))} or vacuum")
    return alpb[name]


@dataclass(frozen=True)
class Settings:
    """How to compute: method, implicit solvent, total charge, unpaired electrons, electronic temperature.

    ``solvent`` is any name :func:`nanoligand.solvents.resolve_solvent` knows that has an ALPB set, or
    None for vacuum; ``uhf`` the number of unpaired electrons (None: 0 or 1 by the electron count's
    parity); ``etemp_K`` the electronic temperature of the Fermi smearing (K).
    """

    method: str = "GFN2-xTB"
    solvent: str | None = None
    charge: int = 0
    uhf: int | None = None
    etemp_K: float = 300.0
    max_iter: int = 250

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", method_info(self.method)["method"])
        alpb_solvent(self.solvent)  # refuses unknown solvents here, where the settings are made
        if not isinstance(self.charge, (int, np.integer)) or isinstance(self.charge, bool):
            raise InputError(f"charge: {self.charge!r} is not an integer")
        if self.uhf is not None and (not isinstance(self.uhf, (int, np.integer)) or self.uhf < 0):
            raise InputError(f"uhf: {self.uhf!r} is not a non-negative integer")
        if not (0.0 < float(self.etemp_K) <= 20000.0):
            raise InputError(f"etemp_K: {self.etemp_K!r} outside (0, 20000] K")
        if not (1 <= int(self.max_iter) <= 5000):
            raise InputError(f"max_iter: {self.max_iter!r} outside 1–5000")

    def unpaired(self, numbers: np.ndarray) -> int:
        """Unpaired electrons for atoms ``numbers``: as given, or the parity of the electron count (the
        xTB cores are closed shells, so the valence count has the parity of ΣZ − charge)."""
        if self.uhf is not None:
            if (int(np.sum(numbers)) - self.charge - self.uhf) % 2:
                raise InputError(f"uhf: {self.uhf} unpaired electrons impossible with "
                                 f"{int(np.sum(numbers)) - self.charge} electrons")
            return int(self.uhf)
        return (int(np.sum(numbers)) - self.charge) % 2

    def with_(self, **changes) -> "Settings":
        """A copy with ``changes``."""
        return replace(self, **changes)

    def key(self) -> dict[str, Any]:
        d = asdict(self)
        d["solvent"] = alpb_solvent(self.solvent)
        return d


def frontier(orbital_energies_eV: np.ndarray, occupations: np.ndarray) -> tuple[float | None, float | None]:
    """HOMO and LUMO energies by the electron count, not by the smeared occupations: with N electrons the
    HOMO is orbital ⌈N/2⌉ (1-based, ascending energies) and the LUMO the next one, so a Fermi smearing that
    puts a little charge above the gap does not move them."""
    n = int(np.ceil(round(float(np.sum(occupations)), 6) / 2.0))
    eps = np.asarray(orbital_energies_eV, float)
    homo = float(eps[n - 1]) if 0 < n <= eps.size else None
    lumo = float(eps[n]) if n < eps.size else None
    return homo, lumo


@dataclass(frozen=True)
class Energy:
    """One single point: total energy (eV), forces (eV/Å), atomic charges (e) and, for the tight-binding
    methods, orbital energies (eV) and occupations (electrons per orbital, 0–2)."""

    energy_eV: float
    forces_eV_A: np.ndarray
    charges: np.ndarray | None
    orbital_energies_eV: np.ndarray | None
    occupations: np.ndarray | None
    settings: Settings
    n_atoms: int
    cached: bool = field(default=False, compare=False)

    def _frontier(self) -> tuple[float | None, float | None]:
        if self.orbital_energies_eV is None:
            return None, None
        return frontier(self.orbital_energies_eV, self.occupations)

    @property
    def homo_eV(self) -> float | None:
        """Energy of the highest occupied orbital by the electron count (:func:`frontier`)."""
        return self._frontier()[0]

    @property
    def lumo_eV(self) -> float | None:
        """Energy of the orbital after the HOMO."""
        return self._frontier()[1]

    @property
    def gap_eV(self) -> float | None:
        homo, lumo = self._frontier()
        return None if homo is None or lumo is None else lumo - homo

    def to_dict(self) -> dict[str, Any]:
        return {"energy_eV": self.energy_eV, "n_atoms": self.n_atoms, "method": self.settings.method,
                "solvent": self.settings.solvent, "charge": self.settings.charge,
                "homo_eV": self.homo_eV, "lumo_eV": self.lumo_eV, "gap_eV": self.gap_eV,
                "max_force_eV_A": float(np.linalg.norm(self.forces_eV_A, axis=1).max()) if self.n_atoms else 0.0,
                "source": method_info(self.settings.method)["source"]}


@cache
def engine_version() -> str:
    """Versions of the engines (part of every cache key)."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for pkg in ("tblite", "xtb"):
        try:
            out.append(f"{pkg}={version(pkg)}")
        except PackageNotFoundError:
            out.append(f"{pkg}=none")
    return ",".join(out)


#: below this many atoms a single point runs on one thread: OpenMP's gain is nil for small matrices and its
#: barriers spin when another process holds the other core (a 6-atom relaxation took 37 s instead of 0.6 s)
SERIAL_BELOW_ATOMS = 200


def _threads(n_atoms: int):
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1 if n_atoms < SERIAL_BELOW_ATOMS else None)


#: files xtb-python's GFN-FF writes into the working directory (its topology), removed after each call
GFNFF_FILES = ("gfnff_topo", "gfnff_adjacency", "gfnff_charges")


@contextmanager
def _quiet_gfnff(active: bool):
    """Silence xtb-python's GFN-FF: file descriptor 1 to /dev/null (it prints its topology even when muted)
    and its topology files removed from the working directory (only those the call created)."""
    if not active:
        yield
        return
    existed = {name for name in GFNFF_FILES if os.path.exists(name)}
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        for name in set(GFNFF_FILES) - existed:
            try:
                os.remove(name)
            except OSError:
                pass


class Engine:
    """One engine bound to one system: positions may change (a relaxation), the rest may not.

    The wavefunction of the previous step is the next one's guess, which is what makes a relaxation
    affordable. Use :func:`single_point` for one-off energies.
    """

    def __init__(self, atoms: Atoms, settings: Settings, save_integrals: bool = False) -> None:
        if len(atoms) == 0:
            raise InputError("atoms: an empty structure has no energy")
        self.settings = settings
        self.numbers = np.asarray(atoms.numbers, dtype=int)
        self.n_atoms = len(atoms)
        self.engine = method_info(settings.method)["engine"]
        self.save_integrals = save_integrals  #: keep overlap and orbital coefficients (tblite), for projections
        self.calc = None  #: the engine's calculator, made at the first step
        self.result = None  #: the engine's own result object of the last step
        self._positions = np.asarray(atoms.positions, float)

    def _make(self, positions_bohr: np.ndarray):
        s = self.settings
        uhf = s.unpaired(self.numbers)
        solvent = alpb_solvent(s.solvent)
        if self.engine == "tblite":
            from tblite.interface import Calculator

            calc = Calculator(s.method, self.numbers, positions_bohr, charge=float(s.charge), uhf=uhf)
            calc.set("verbosity", 0)
            calc.set("temperature", float(s.etemp_K) * KELVIN_HARTREE)
            calc.set("max-iter", int(s.max_iter))
            if self.save_integrals:
                calc.set("save-integrals", 1)
            if solvent:
                calc.add("alpb-solvation", solvent)
            return calc
        from xtb.interface import Calculator as XCalculator
        from xtb.libxtb import VERBOSITY_MUTED
        from xtb.utils import get_method, get_solvent

        calc = XCalculator(get_method(s.method), self.numbers, positions_bohr, charge=float(s.charge), uhf=uhf)
        calc.set_verbosity(VERBOSITY_MUTED)
        calc.set_electronic_temperature(float(s.etemp_K))
        calc.set_max_iterations(int(s.max_iter))
        if solvent:
            calc.set_solvent(get_solvent(solvent))
        return calc

    def compute(self, positions_A: np.ndarray | None = None) -> Energy:
        """Energy and forces at ``positions_A`` (the construction positions if None)."""
        pos = self._positions if positions_A is None else np.asarray(positions_A, float)
        bohr = pos / BOHR_A
        try:
            with _threads(self.n_atoms), _quiet_gfnff(self.engine == "xtb"):
                if self.calc is None:
                    self.calc = self._make(bohr)
                else:
                    self.calc.update(bohr)
                res = self.calc.singlepoint()
        except (KeyboardInterrupt, InputError):
            raise
        except Exception as exc:  # the engines raise their own runtime errors (SCF not converged ...)
            self.calc = None
            raise ComputeError(f"{self.settings.method} failed for {self.n_atoms} atoms "
                               f"(charge {self.settings.charge}, {self.settings.solvent or 'vacuum'}, "
                               f"electronic temperature {self.settings.etemp_K:g} K): {exc}; "
                               f"a higher etemp_K often converges small-gap models") from None
        self._positions = pos
        self.result = res
        if self.engine == "tblite":
            energy, grad = res.get("energy"), res.get("gradient")
            charges = res.get("charges")
            eps, occ = res.get("orbital-energies") * EV_PER_HARTREE, res.get("orbital-occupations")
            if occ.ndim == 2:  # spin-resolved: electrons per spatial orbital
                occ = occ.sum(axis=0)
        else:
            energy, grad = res.get_energy(), res.get_gradient()
            charges, eps, occ = None, None, None  # GFN-FF results carry no charges or orbitals
        return Energy(float(energy) * EV_PER_HARTREE, -np.asarray(grad) * EV_PER_HARTREE / BOHR_A,
                      None if charges is None else np.asarray(charges, float),
                      None if eps is None else np.asarray(eps, float),
                      None if occ is None else np.asarray(occ, float), self.settings, self.n_atoms)


def single_point(atoms: Atoms, settings: Settings | None = None, *, cache: bool = True, **changes) -> Energy:
    """Energy, forces, charges and orbital energies of ``atoms`` (positions in Å).

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (a model, a cut-out, a molecule); periodic cells are ignored (clusters only).
    settings : Settings, optional
        Method, solvent, charge …; ``changes`` override single fields (``charge=1``).
    cache : bool
        Read and write the on-disk cache (:mod:`nanoligand.energy.cache`).

    Returns
    -------
    Energy

    Examples
    --------
    >>> from ase import Atoms
    >>> e_vac = single_point(Atoms("Na"), charge=1, cache=False).energy_eV
    >>> e_wat = single_point(Atoms("Na"), charge=1, solvent="water", cache=False).energy_eV
    >>> e_wat < e_vac        # the cation is stabilised by the solvent
    True
    """
    settings = (settings or Settings()).with_(**changes)
    if cache:
        from nanoligand.energy.cache import load, store

        key = _cache_key(atoms, settings)
        hit = load(key, settings)
        if hit is not None:
            return hit
        result = Engine(atoms, settings).compute()
        store(key, result)
        return result
    return Engine(atoms, settings).compute()


def _cache_key(atoms: Atoms, settings: Settings) -> str:
    import hashlib

    h = hashlib.sha256()
    h.update(engine_version().encode())
    h.update(json.dumps(settings.key(), sort_keys=True).encode())
    h.update(np.asarray(atoms.numbers, np.int64).tobytes())
    h.update(np.round(np.asarray(atoms.positions, float), 6).tobytes())
    return h.hexdigest()
