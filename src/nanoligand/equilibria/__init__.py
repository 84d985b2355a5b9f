"""Dynamic ligand/core equilibria: reaction networks, a robust solver, experiments, observables, fits and
lattice-gas Monte Carlo on real surface-site graphs (see ``docs/equilibria.md``)."""

from nanoligand.equilibria.experiments import dilute, solvents, temperatures, titrate
from nanoligand.equilibria.fit import compare, fit, simulate
from nanoligand.equilibria.model import Model, State
from nanoligand.equilibria.network import Reaction, ReactionNetwork
from nanoligand.equilibria.presets import seed004_pbs
from nanoligand.equilibria.solver import solve

__all__ = ["Model", "State", "Reaction", "ReactionNetwork", "solve", "titrate", "dilute", "solvents",
           "temperatures", "fit", "simulate", "compare", "seed004_pbs"]
