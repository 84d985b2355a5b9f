"""Interacting shells: lattice-gas Monte Carlo on the real surface-site graph of a built core.

Sites are a core's binding sites (``shell.sites``); neighbours are sites within ``NEIGHBOUR_SHELL``
of the typical nearest-site distance, so edges and corners have fewer neighbours than facet interiors
(the size and facet dependence a mean-field isotherm misses). The Hamiltonian, in kJ/mol::

    H = Σ_i n_i (ε_i − μ) + w Σ_<ij> n_i n_j

with ``n_i`` ∈ {0, 1} (a ligand on site i, or, for an X-for-X′ exchange at full coverage, the new
ligand on site i), ``ε_i`` the site free energy of binding (per facet family), ``μ`` the ligand's
chemical potential (``RT ln(c/1 M)`` for a free ligand at c, or the exchange's Δμ) and ``w`` the
nearest-neighbour interaction (negative: attractive, cooperative). A chain-length dependence is
``w = w_per_CH2 · n_CH2``; with a matching entropy per CH2 it gives enthalpy–entropy compensation.

Grand-canonical Metropolis moves (a site flips, accepted with min(1, e^(−ΔH/RT))) run in a numba
kernel. Limits: ``w = 0`` is the Langmuir isotherm exactly; weak coupling approaches the
Fowler–Guggenheim mean-field isotherm ``θ/(1−θ) = exp(−(ε − μ + z w θ)/RT)`` (:func:`fowler_guggenheim`).

Examples
--------
>>> theta = langmuir(mu_kJ=np.array([-5.0, 0.0, 5.0]), eps_kJ=0.0)
>>> [round(float(t), 3) for t in theta]
[0.117, 0.5, 0.883]
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
from scipy.optimize import brentq
from scipy.spatial import cKDTree

from nanoligand.equilibria.network import R_KJ
from nanoligand.errors import InputError

NEIGHBOUR_SHELL = 1.15


@nb.njit(cache=True)
def _sweeps(occ, eps, mu, w, beta, indptr, indices, n_moves, n_sample_every, seed):
    """Metropolis flips; returns the coverage after every ``n_sample_every`` moves."""
    np.random.seed(seed)
    n = len(occ)
    out = np.empty(n_moves // n_sample_every)
    filled = 0
    for i in range(n):
        filled += occ[i]
    k = 0
    for move in range(n_moves):
        i = np.random.randint(0, n)
        local = 0
        for p in range(indptr[i], indptr[i + 1]):
            local += occ[indices[p]]
        d = (1 - 2 * occ[i]) * (eps[i] - mu + w * local)
        if d <= 0.0 or np.random.random() < np.exp(-beta * d):
            filled += 1 - 2 * occ[i]
            occ[i] = 1 - occ[i]
        if (move + 1) % n_sample_every == 0:
            out[k] = filled / n
            k += 1
    return out


@dataclass
class SiteGraph:
    """Surface sites with neighbour lists (CSR) and a per-site class label (facet family)."""

    positions: np.ndarray
    labels: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray

    @property
    def coordination(self) -> np.ndarray:
        return np.diff(self.indptr)

    @staticmethod
    def from_core(nc, kind: str = "anion_vacancy") -> "SiteGraph":
        """The binding sites of one kind of a nanocrystal's core and their neighbours."""
        from nanoligand.shell.sites import binding_sites

        sites = binding_sites(nc.core)
        sel = np.nonzero(sites.kind == kind)[0]
        if len(sel) < 2:
            raise InputError(f"the core has fewer than two {kind.replace('_', ' ')} sites")
        return SiteGraph.from_points(sites.position[sel], sites.family[sel].astype(str))

    @staticmethod
    def from_points(xyz: np.ndarray, labels: np.ndarray | None = None) -> "SiteGraph":
        tree = cKDTree(xyz)
        nn = tree.query(xyz, k=2)[0][:, 1]
        pairs = tree.query_pairs(NEIGHBOUR_SHELL * float(np.median(nn)), output_type="ndarray")
        a = np.concatenate([pairs[:, 0], pairs[:, 1]])
        b = np.concatenate([pairs[:, 1], pairs[:, 0]])
        order = np.argsort(a, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(a, minlength=len(xyz)))]).astype(np.int64)
        labels = np.full(len(xyz), "site") if labels is None else np.asarray(labels)
        return SiteGraph(xyz, labels, indptr, b[order].astype(np.int64))


@dataclass
class Isotherm:
    mu_kJ: np.ndarray
    coverage: np.ndarray
    stderr: np.ndarray
    moves: int


def isotherm(graph: SiteGraph, mu_kJ, eps_kJ: float | dict[str, float] = 0.0, w_kJ: float = 0.0,
             T_K: float = 298.15, sweeps: int = 2000, equilibration: int = 500, seed: int = 0) -> Isotherm:
    """Mean coverage at each chemical potential (module docstring); ``eps_kJ`` per site class or one
    value. ``sweeps`` × sites moves are sampled after ``equilibration`` × sites; the standard error
    comes from block averages."""
    mu = np.atleast_1d(np.asarray(mu_kJ, float))
    n = len(graph.positions)
    if isinstance(eps_kJ, dict):
        missing = set(np.unique(graph.labels)) - set(eps_kJ)
        if missing:
            raise InputError(f"eps_kJ needs a value for every site class: missing {', '.join(sorted(missing))}")
        eps = np.array([eps_kJ[l] for l in graph.labels], float)
    else:
        eps = np.full(n, float(eps_kJ))
    if sweeps <= 0 or equilibration < 0:
        raise InputError("sweeps must be positive")
    beta = 1.0 / (R_KJ * T_K)
    occ = np.zeros(n, np.int64)
    cov, err = [], []
    for k, m in enumerate(mu):  # each point continues from the last (a slow ramp)
        _sweeps(occ, eps, m, w_kJ, beta, graph.indptr, graph.indices, equilibration * n, n, seed + 2 * k)
        trace = _sweeps(occ, eps, m, w_kJ, beta, graph.indptr, graph.indices, sweeps * n, n, seed + 2 * k + 1)
        blocks = trace[: len(trace) // 20 * 20].reshape(20, -1).mean(axis=1)
        cov.append(trace.mean())
        err.append(blocks.std(ddof=1) / np.sqrt(len(blocks)))
    return Isotherm(mu, np.array(cov), np.array(err), int((sweeps + equilibration) * n * len(mu)))


def langmuir(mu_kJ, eps_kJ: float, T_K: float = 298.15) -> np.ndarray:
    """Non-interacting coverage θ = 1 / (1 + exp((ε − μ)/RT))."""
    return 1.0 / (1.0 + np.exp((eps_kJ - np.asarray(mu_kJ, float)) / (R_KJ * T_K)))


def fowler_guggenheim(mu_kJ, eps_kJ: float, z: float, w_kJ: float, T_K: float = 298.15) -> np.ndarray:
    """Mean-field (Fowler–Guggenheim) coverage: θ/(1−θ) = exp(−(ε − μ + z w θ)/RT), the stable root."""
    RT = R_KJ * T_K
    out = []
    for m in np.atleast_1d(np.asarray(mu_kJ, float)):
        def f(t):
            return np.log(t / (1 - t)) + (eps_kJ - m + z * w_kJ * t) / RT
        grid = np.linspace(1e-9, 1 - 1e-9, 2001)
        vals = f(grid)
        roots = [brentq(f, grid[i], grid[i + 1]) for i in range(len(grid) - 1) if vals[i] * vals[i + 1] < 0]
        if not roots:
            out.append(float(grid[np.argmin(np.abs(vals))]))
            continue
        # the stable root minimises the mean-field free energy
        def g(t):
            return RT * (t * np.log(t) + (1 - t) * np.log(1 - t)) + (eps_kJ - m) * t + 0.5 * z * w_kJ * t * t
        out.append(min(roots, key=g))
    return np.array(out)


def moves_per_second(graph: SiteGraph, n_moves: int = 20_000_000) -> float:
    """Attempted moves per second of the kernel on this graph (one core)."""
    import time

    occ = np.zeros(len(graph.positions), np.int64)
    eps = np.zeros(len(graph.positions))
    _sweeps(occ, eps, 0.0, -1.0, 0.4, graph.indptr, graph.indices, 1000, 1000, 0)  # compiled
    t = time.perf_counter()
    _sweeps(occ, eps, 0.0, -1.0, 0.4, graph.indptr, graph.indices, n_moves, n_moves, 1)
    return n_moves / (time.perf_counter() - t)
