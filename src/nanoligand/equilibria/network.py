"""Reaction networks as data: species, reactions with thermodynamics, conservation laws.

A reaction is a string ``"site_100 + PbOA2 <=> site_100:PbOA2"`` (coefficients as ``2 RNH2``) or a
:class:`Reaction`. Species are whatever the reactions name; what is conserved follows from the
stoichiometry: the conservation laws are a basis of the left null space of the stoichiometric
matrix, made non-negative where possible (then each law counts one building block: a site class,
a metal, a ligand), computed exactly with fractions.

Thermodynamics per reaction (products over reactants): ``K`` or ``dG_kJ`` at ``T_ref_K``, optional
``dH_kJ`` (van 't Hoff: ``ln K(T) = ln K(T_ref) − ΔH/R (1/T − 1/T_ref)``) and an optional solvent
term: ``ΔG(solvent) = ΔG + solvent_slope_kJ · (E_T(30)(solvent) − E_T(30)(solvent_ref))`` with
Reichardt's E_T(30) polarity (kcal/mol, ``data/solvents.yaml``, read by :mod:`nanoligand.solvents`) — a
linear free-energy relation, the documented way the model lets polarity shift an equilibrium.

Examples
--------
>>> net = ReactionNetwork([Reaction.parse("S + L <=> S:L", K=1e5)])
>>> net.species
['S', 'L', 'S:L']
>>> net.conservation.tolist()
[[1, 0], [0, 1], [1, 1]]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping, Sequence

import numpy as np
from scipy.optimize import linprog

from nanoligand.solvents import polarity_ET30_kcal_mol
from nanoligand.errors import InputError

R_KJ = 8.314462618e-3  # kJ mol⁻¹ K⁻¹ (CODATA 2018)
T_STANDARD_K = 298.15
_TERM = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*\*?\s+)?(\S+)\s*$")


@dataclass(frozen=True)
class Reaction:
    """One reversible reaction with its thermodynamics (see module docstring)."""

    reactants: tuple[tuple[str, float], ...]
    products: tuple[tuple[str, float], ...]
    K: float | None = None
    dG_kJ: float | None = None
    dH_kJ: float = 0.0
    T_ref_K: float = T_STANDARD_K
    solvent_slope_kJ: float = 0.0
    solvent_ref: str = "toluene"
    name: str = ""

    @staticmethod
    def parse(equation: str, **thermo: Any) -> "Reaction":
        """A reaction from ``"A + 2 B <=> C"`` and keyword thermodynamics (``K`` or ``dG_kJ`` ...)."""
        if "<=>" not in equation:
            raise InputError(f"reaction {equation!r}: write it as 'reactants <=> products'")
        left, right = equation.split("<=>", 1)
        r = Reaction(_side(left, equation), _side(right, equation), name=thermo.pop("name", equation.strip()),
                     **_thermo(thermo, equation))
        if r.K is None and r.dG_kJ is None:
            raise InputError(f"reaction {equation!r}: give K or dG_kJ")
        return r

    @property
    def equation(self) -> str:
        def side(terms):
            return " + ".join(f"{_num(c)} {s}" if c != 1 else s for s, c in terms)
        return f"{side(self.reactants)} <=> {side(self.products)}"

    def ln_K(self, T_K: float = T_STANDARD_K, solvent: str | None = None) -> float:
        """ln K at temperature ``T_K`` in ``solvent`` (van 't Hoff and the solvent term)."""
        dG = self.dG_kJ if self.dG_kJ is not None else -R_KJ * self.T_ref_K * math.log(self.K)
        if solvent is not None and self.solvent_slope_kJ:
            dG += self.solvent_slope_kJ * (polarity_ET30_kcal_mol(solvent) - polarity_ET30_kcal_mol(self.solvent_ref))
        ln_k_ref = -dG / (R_KJ * self.T_ref_K)
        return ln_k_ref - self.dH_kJ / R_KJ * (1.0 / T_K - 1.0 / self.T_ref_K)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _side(text: str, equation: str) -> tuple[tuple[str, float], ...]:
    terms = []
    for part in text.split(" + "):
        m = _TERM.match(part)
        if not m or not part.strip():
            raise InputError(f"reaction {equation!r}: cannot read the term {part.strip()!r}")
        coef = float(m.group(1)) if m.group(1) else 1.0
        if coef <= 0:
            raise InputError(f"reaction {equation!r}: coefficients must be positive")
        terms.append((m.group(2), coef))
    names = [t[0] for t in terms]
    if len(set(names)) != len(names):
        raise InputError(f"reaction {equation!r}: a species appears twice on one side")
    return tuple(terms)


_THERMO_KEYS = {"K", "dG_kJ", "dH_kJ", "T_ref_K", "solvent_slope_kJ", "solvent_ref"}


def _thermo(raw: Mapping[str, Any], equation: str) -> dict[str, Any]:
    unknown = set(raw) - _THERMO_KEYS
    if unknown:
        raise InputError(f"reaction {equation!r}: unknown field(s) {', '.join(sorted(unknown))}")
    out = {k: (float(v) if k != "solvent_ref" else str(v)) for k, v in raw.items() if v is not None}
    if "K" in out and "dG_kJ" in out:
        raise InputError(f"reaction {equation!r}: give K or dG_kJ, not both")
    if "K" in out and not out["K"] > 0:
        raise InputError(f"reaction {equation!r}: K must be positive")
    if "T_ref_K" in out and not out["T_ref_K"] > 0:
        raise InputError(f"reaction {equation!r}: T_ref_K must be positive")
    return out


@dataclass
class ReactionNetwork:
    """Species, the stoichiometric matrix ``N`` (species × reactions) and the conservation laws
    ``conservation`` (species × laws, each law a building block counted in every species)."""

    reactions: Sequence[Reaction]
    extra_species: Sequence[str] = ()
    species: list[str] = field(init=False)
    N: np.ndarray = field(init=False, repr=False)
    conservation: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.reactions and not self.extra_species:
            raise InputError("a network needs at least one reaction or species")
        names: list[str] = []
        for r in self.reactions:
            for s, _ in (*r.reactants, *r.products):
                if s not in names:
                    names.append(s)
        for s in self.extra_species:
            if s not in names:
                names.append(s)
        self.species = names
        index = {s: i for i, s in enumerate(names)}
        N = np.zeros((len(names), len(self.reactions)))
        for j, r in enumerate(self.reactions):
            for s, c in r.reactants:
                N[index[s], j] -= c
            for s, c in r.products:
                N[index[s], j] += c
        self.N = N
        if len(self.reactions) and np.linalg.matrix_rank(N) < len(self.reactions):
            raise InputError("the reactions are not independent (one is a combination of others): "
                             "give each equilibrium once")
        self.conservation = _conservation_laws(N)
        unconserved = [s for s, row in zip(names, self.conservation) if not np.any(row)]
        if self.conservation.shape[1] == 0 or unconserved:
            raise InputError(f"unbalanced reactions: {', '.join(unconserved) or 'every species'} would be made "
                             "from nothing; each reaction must keep its building blocks, e.g. 'S + L <=> S:L'")

    def index(self, name: str) -> int:
        try:
            return self.species.index(name)
        except ValueError:
            close = [s for s in self.species if name.lower() in s.lower() or s.lower() in name.lower()]
            hint = f"; did you mean {', '.join(close[:3])}?" if close else f"; species: {', '.join(self.species)}"
            raise InputError(f"unknown species {name!r}{hint}") from None

    def ln_K(self, T_K: float = T_STANDARD_K, solvent: str | None = None) -> np.ndarray:
        return np.array([r.ln_K(T_K, solvent) for r in self.reactions])

    def standard_potentials(self, T_K: float = T_STANDARD_K, solvent: str | None = None) -> np.ndarray:
        """A solution m of ``Nᵀ m = ln K``: ``c = exp(m + W λ)`` then satisfies every mass-action law."""
        if len(self.reactions) == 0:
            return np.zeros(len(self.species))
        m, *_ = np.linalg.lstsq(self.N.T, self.ln_K(T_K, solvent), rcond=None)
        return m

    def initial(self, amounts: Mapping[str, Any]) -> np.ndarray:
        """Initial concentrations (points × species) from ``{species: conc_M or array}``."""
        cols = {self.index(k): np.atleast_1d(np.asarray(v, float)) for k, v in amounts.items()}
        P = max((len(v) for v in cols.values()), default=1)
        c0 = np.zeros((P, len(self.species)))
        for i, v in cols.items():
            if len(v) not in (1, P):
                raise InputError("amounts given as arrays must all have the same length")
            if np.any(v < 0):
                raise InputError(f"negative amount of {self.species[i]}")
            c0[:, i] = v
        return c0

    def totals(self, amounts: Mapping[str, Any] | np.ndarray) -> np.ndarray:
        """Conserved totals (points × laws) of initial amounts (a mapping or points × species)."""
        c0 = self.initial(amounts) if isinstance(amounts, Mapping) else np.atleast_2d(amounts)
        return c0 @ self.conservation


def _conservation_laws(N: np.ndarray) -> np.ndarray:
    """A basis of {w : Nᵀ w = 0} (exact, by fractions), made non-negative and integer where possible."""
    S = N.shape[0]
    if N.shape[1] == 0:
        return np.eye(S, dtype=int)
    rows = [[Fraction(x).limit_denominator(1000) for x in N[:, j]] for j in range(N.shape[1])]
    basis = _nullspace(rows, S)
    W = np.array([[float(x) for x in b] for b in basis]).T if basis else np.zeros((S, 0))
    if W.shape[1] == 0:
        return W.astype(int)
    return _nonnegative_basis(W, N)


def _nullspace(rows: list[list[Fraction]], n: int) -> list[list[Fraction]]:
    """Null space of the matrix with these rows (RREF over the rationals)."""
    m = [r[:] for r in rows]
    pivots = []
    r = 0
    for c in range(n):
        pivot = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[r], m[pivot] = m[pivot], m[r]
        p = m[r][c]
        m[r] = [x / p for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r])]
        pivots.append(c)
        r += 1
        if r == len(m):
            break
    free = [c for c in range(n) if c not in pivots]
    out = []
    for f in free:
        v = [Fraction(0)] * n
        v[f] = Fraction(1)
        for i, pc in enumerate(pivots):
            v[pc] = -m[i][f]
        out.append(v)
    return out


def _nonnegative_basis(W: np.ndarray, N: np.ndarray) -> np.ndarray:
    """Non-negative conservation laws spanning the same space where they exist (extreme rays of the
    cone {w ≥ 0 : Nᵀw = 0}, found by linear programming with the sparsest first and then with
    varied objectives), integer-scaled; exact mixed-sign vectors fill what they cannot span."""
    S, k = W.shape
    rays: list[np.ndarray] = []
    rng = np.random.default_rng(0)
    objectives = [np.ones(S)] + [rng.uniform(1.0, 3.0, S) for _ in range(3)]
    for cost in objectives:
        for i in range(S):
            res = linprog(c=cost, A_eq=np.vstack([N.T, np.eye(S)[i]]), b_eq=np.r_[np.zeros(N.shape[1]), 1.0],
                          bounds=[(0, None)] * S, method="highs")
            if res.status == 0:
                v = _integerise(res.x)
                if rank_increases(rays, v):
                    rays.append(v)
            if len(rays) == k:
                break
        if len(rays) == k:
            break
    for w in W.T:  # what non-negative laws cannot span
        if len(rays) == k:
            break
        v = _integerise(w)
        if rank_increases(rays, v):
            rays.append(v)
    out = np.array(rays).T
    return out.round().astype(int) if np.allclose(out, np.round(out)) else out


def rank_increases(vectors: list[np.ndarray], v: np.ndarray) -> bool:
    return np.linalg.matrix_rank(np.array(vectors + [v])) > len(vectors)


def _integerise(v: np.ndarray) -> np.ndarray:
    v = np.where(np.abs(v) < 1e-9, 0.0, v)
    nz = np.abs(v[v != 0])
    if len(nz) == 0:
        return v
    v = v / nz.min()
    for d in range(1, 13):
        if np.allclose(v * d, np.round(v * d), atol=1e-6):
            return np.round(v * d)
    return v
