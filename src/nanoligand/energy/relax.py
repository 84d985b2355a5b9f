"""Relaxations with the xTB engines: ASE's optimisers, frozen atoms, progress, a converged-or-error result.

:func:`relax` moves the free atoms of a structure until the largest force is below ``fmax_eV_A``
(default 0.05 eV/Å, ASE's customary threshold) and returns the relaxed copy with its energy. Atoms in
``fixed`` (indices or a boolean mask) stay where they are — the inner atoms of a cut-out, a core under
a ligand being relaxed. A relaxation that does not converge in ``max_steps`` raises
:class:`~nanoligand.errors.ComputeError` unless ``allow_unconverged`` (then the result says so).

The optimiser is ASE's LBFGS (limited-memory BFGS, Liu & Nocedal 1989) on the engine's analytic
gradients; each step reuses the previous wavefunction.

Examples
--------
>>> from ase.build import molecule
>>> water = molecule("H2O")
>>> water.positions[1] *= 1.15                                     # stretch one O–H bond
>>> r = relax(water, fmax_eV_A=0.01, cache=False)
>>> 0.95 < r.atoms.get_distance(0, 1) < 0.98 and r.converged      # GFN2-xTB O–H ≈ 0.96 Å
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from ase.calculators.calculator import Calculator, all_changes

from nanoligand.energy.engines import Energy, Engine, Settings
from nanoligand.errors import ComputeError, InputError
from nanoligand.progress import report

__all__ = ["Relaxed", "XTBCalculator", "relax"]


class XTBCalculator(Calculator):
    """An ASE calculator over :class:`~nanoligand.energy.engines.Engine` (energy in eV, forces in eV/Å)."""

    implemented_properties = ["energy", "forces"]

    def __init__(self, settings: Settings | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.settings = settings or Settings()
        self._engine: Engine | None = None
        self.last: Energy | None = None

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes) -> None:
        super().calculate(atoms, properties, system_changes)
        if self._engine is None or set(system_changes) - {"positions"}:
            self._engine = Engine(self.atoms, self.settings)
        self.last = self._engine.compute(self.atoms.positions)
        self.results = {"energy": self.last.energy_eV, "forces": self.last.forces_eV_A}


@dataclass(frozen=True)
class Relaxed:
    """A relaxed structure, its final single point, the steps taken and whether it converged."""

    atoms: Atoms
    energy: Energy
    steps: int
    converged: bool
    fmax_eV_A: float

    @property
    def energy_eV(self) -> float:
        return self.energy.energy_eV


def relax(atoms: Atoms, settings: Settings | None = None, *, fixed=None, fmax_eV_A: float = 0.05,
          max_steps: int = 500, allow_unconverged: bool = False, cache: bool = True,
          label: str = "relaxing", **changes) -> Relaxed:
    """Relax ``atoms`` with the xTB engine of ``settings``; see the module docstring.

    Parameters
    ----------
    atoms : ase.Atoms
        Starting structure (Å); not modified.
    settings : Settings, optional
        Method, solvent, charge …; ``changes`` override single fields.
    fixed : sequence of int or bool mask, optional
        Atoms that do not move.
    fmax_eV_A : float
        Convergence: the largest force on a free atom (eV/Å).
    max_steps : int
        Most optimiser steps.
    allow_unconverged : bool
        Return an unconverged result instead of raising.
    cache : bool
        Cache the final single point (the steps themselves are not cached).
    label : str
        What the progress line calls this relaxation.

    Returns
    -------
    Relaxed
    """
    from ase.constraints import FixAtoms
    from ase.optimize import LBFGS

    settings = (settings or Settings()).with_(**changes)
    if not (0.0 < fmax_eV_A < 10.0):
        raise InputError(f"fmax_eV_A: {fmax_eV_A!r} outside (0, 10) eV/Å")
    if not (1 <= max_steps <= 100_000):
        raise InputError(f"max_steps: {max_steps!r} outside 1–100000")
    work = Atoms(atoms.numbers, positions=np.array(atoms.positions, float))
    if fixed is not None:
        mask = np.zeros(len(work), bool)
        mask[np.asarray(fixed)] = True
        if mask.all():
            raise InputError("fixed: every atom is fixed, nothing to relax")
        work.set_constraint(FixAtoms(mask=mask))
    calc = XTBCalculator(settings)
    work.calc = calc
    opt = LBFGS(work, logfile=None)
    steps = 0
    for steps, _ in enumerate(opt.irun(fmax=fmax_eV_A, steps=max_steps), start=1):
        f = work.get_forces()
        report(f"{label}: {len(work)} atoms, step {steps}, max force {np.linalg.norm(f, axis=1).max():.3f} eV/Å",
               min(1.0, steps / max_steps))
    forces = work.get_forces()  # constrained: free atoms only
    fmax = float(np.linalg.norm(forces, axis=1).max())
    converged = fmax < fmax_eV_A
    if not converged and not allow_unconverged:
        raise ComputeError(f"{label}: not converged in {max_steps} steps (max force {fmax:.3f} eV/Å > "
                           f"{fmax_eV_A} eV/Å) for {len(work)} atoms with {settings.method}")
    final = Atoms(work.numbers, positions=work.positions.copy())
    energy = calc.last
    if cache:
        from nanoligand.energy.cache import store
        from nanoligand.energy.engines import _cache_key

        store(_cache_key(final, settings), energy)
    return Relaxed(final, energy, steps, converged, fmax)
