"""Equilibrium composition of a reaction network: Gibbs minimisation through its convex dual.

For ideal solutions the equilibrium minimises ``G(c) = Σ c_i (μ°_i + ln c_i − 1)`` under the mass
balances ``Wᵀ c = T`` (``W``: conservation laws, ``T``: conserved totals). Its Lagrange dual is
unconstrained and convex: ``c(λ) = exp(m + W λ)`` with ``Nᵀ m = ln K`` satisfies every mass-action
law by construction, and ``λ`` minimises ``f(λ) = Σ c_i(λ) − λ·T``, whose gradient ``Wᵀc − T`` is
the mass-balance error and whose Hessian ``Wᵀ diag(c) W`` is positive definite. Newton steps with a
backtracking line search on ``f`` therefore converge from any start, for totals from 10⁻¹² to 10 M,
vectorised over all points of a titration at once.

A point is converged when every conserved total is met to ``TOL_REL`` relative; otherwise the solve
fails with the residual (:class:`~nanoligand.errors.SelfCheckError`), never returns quietly.

Examples
--------
>>> from nanoligand.equilibria.network import Reaction, ReactionNetwork
>>> net = ReactionNetwork([Reaction.parse("S + L <=> S:L", K=1e6)])
>>> c = solve(net, net.totals({"S": 1e-6, "L": 1e-6}))
>>> f"{c[0, net.index('S:L')]:.3e}"   # the quadratic solution, 3.82e-7 M
'3.820e-07'
"""

from __future__ import annotations

import numpy as np

from nanoligand.errors import InputError, SelfCheckError

TOL_REL = 1e-11        # conserved totals met to this relative error
ZERO_FLOOR_M = 1e-30   # a total of exactly zero is solved as this (its species come out ~0)
MAX_ITERS = 200
LN_CLIP = 600.0


def solve(net, totals: np.ndarray, T_K: float = 298.15, solvent: str | None = None,
          ln_K: np.ndarray | None = None) -> np.ndarray:
    """Equilibrium concentrations (points × species, M) for conserved totals (points × laws, M).

    Parameters
    ----------
    net : ReactionNetwork
    totals : ndarray
        Conserved totals per point, ``Wᵀ c0`` (see :meth:`ReactionNetwork.totals`).
    T_K, solvent
        Conditions for the equilibrium constants (van 't Hoff, solvent term).
    ln_K : ndarray, optional
        ln K per reaction, overriding the network's thermodynamics (fits).
    """
    W = np.asarray(net.conservation, float)
    T = np.atleast_2d(np.asarray(totals, float))
    if T.shape[1] != W.shape[1]:
        raise InputError(f"expected {W.shape[1]} conserved totals per point, got {T.shape[1]}")
    if np.any(T < 0) and np.all(W >= 0):
        raise InputError("negative amounts: every total must be zero or positive")
    if ln_K is None:
        m = net.standard_potentials(T_K, solvent)
    else:
        m, *_ = np.linalg.lstsq(net.N.T, np.asarray(ln_K, float), rcond=None)
    nonneg = np.all(W >= 0, axis=0)
    T = np.where(nonneg[None, :] & (T <= 0), ZERO_FLOOR_M, T)
    lam = _start(W, m, T)
    P, M = T.shape
    scale = np.maximum(np.abs(T), ZERO_FLOOR_M)
    for it in range(MAX_ITERS):
        lnc = np.clip(m[None, :] + lam @ W.T, -LN_CLIP, LN_CLIP)
        c = np.exp(lnc)
        g = c @ W - T
        rel = np.abs(g) / scale
        done = np.all(rel < TOL_REL, axis=1)
        if done.all():
            return c
        H = np.einsum("sk,ps,sl->pkl", W, c, W)
        H += np.eye(M)[None] * 1e-300
        step = -np.linalg.solve(H / scale[:, :, None], (g / scale)[:, :, None])[:, :, 0]
        step[done] = 0.0
        biggest = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, 50.0 / np.maximum(biggest, 1e-300))  # no step beyond e^50 at once
        lam = _line_search(W, m, T, lam, step, c, g)
    lnc = np.clip(m[None, :] + lam @ W.T, -LN_CLIP, LN_CLIP)
    c = np.exp(lnc)
    rel = np.abs(c @ W - T) / scale
    bad = np.nonzero(~np.all(rel < TOL_REL, axis=1))[0]
    raise SelfCheckError(f"equilibrium did not converge at {len(bad)} of {P} points (first: point {bad[0]}, "
                         f"largest relative mass-balance error {rel[bad].max():.2e})")


def _start(W: np.ndarray, m: np.ndarray, T: np.ndarray) -> np.ndarray:
    """λ that puts each law's total roughly into its species (least squares in log space)."""
    share = np.where(W > 0, 1.0, 0.0)
    per = share.sum(axis=0)
    guess = np.log(np.maximum((T / np.maximum(per, 1.0)) @ share.T, ZERO_FLOOR_M))  # points × species
    lam, *_ = np.linalg.lstsq(W, (guess - m[None, :]).T, rcond=None)
    return lam.T


def _line_search(W, m, T, lam, step, c, g):
    """Backtracking on the dual objective f(λ) = Σ c − λ·T (Armijo), per point."""
    f0 = c.sum(axis=1) - np.einsum("pk,pk->p", lam, T)
    slope = np.einsum("pk,pk->p", g, step)
    alpha = np.ones(len(lam))
    new = lam + step
    for _ in range(60):
        lnc = np.clip(m[None, :] + new @ W.T, -LN_CLIP, LN_CLIP)
        f1 = np.exp(lnc).sum(axis=1) - np.einsum("pk,pk->p", new, T)
        bad = f1 > f0 + 1e-4 * alpha * slope + 1e-14 * np.abs(f0)
        if not bad.any():
            break
        alpha = np.where(bad, alpha * 0.5, alpha)
        new = lam + alpha[:, None] * step
    return new
