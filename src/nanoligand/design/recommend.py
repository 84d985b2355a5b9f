"""Recommend ligands for a material, solvent and application (the anchor–functionality paradigm).

Candidates are the packaged library (organic and inorganic, each with its citation) plus any SMILES
the user adds. Each is scored by :mod:`.score`; those whose anchor does not bind the surface are left
out; the rest are ranked by their total, with at most ``per_class`` library candidates per anchor class
(:func:`class_key`) so that the list shows distinct options (the user's own molecules are always listed). The top
candidates then get predicted properties: inter-dot spacing (3D extent, :mod:`nanoligand.properties.
transport`), the sign and size of the band-edge shift of their dipole layer (for LED, PV and energy-level
designs) and the solvents their shell class suits.

Examples
--------
>>> recs = recommend("CsPbBr3", "toluene", "led", top=5)
>>> len(recs) == 5 and all(r.total > 0 for r in recs)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from nanoligand.design.context import DesignContext
from nanoligand.design.features import Features, features
from nanoligand.design.score import Score, score
from nanoligand.errors import InputError, NanoligandError

SHIFT_APPLICATIONS = ("led", "pv", "energy_levels")
#: ligands per nm² used for the dipole-shift estimate: the zwitterion coverage on CsPbBr3 (seed 000 §3.2.3)
DIPOLE_COVERAGE_PER_NM2 = 3.0
#: the effective dielectric constant for the shift estimate is the middle of the sweep of properties.levels
DIPOLE_EPSILON = 3.0


@dataclass
class Recommendation:
    rank: int
    name: str
    smiles: str
    source: str                 # "library (organic)", "library (inorganic)" or "user"
    total: float
    criteria: dict[str, float | None]
    anchor: str | None
    classes: list[str]
    reasons: dict[str, list[str]]
    citations: list[str]
    predicted: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["total"] = round(self.total, 4)
        d["criteria"] = {k: (None if v is None else round(v, 4)) for k, v in self.criteria.items()}
        return d


@lru_cache(maxsize=1)
def library_features() -> tuple[Features, ...]:
    """Features of every library entry (computed once per process)."""
    from nanoligand.ligands import library
    from nanoligand.ligands.model import Ligand, parse_smiles

    out = []
    for e in library.entries():
        try:
            out.append(features(Ligand(parse_smiles(e["smiles"]), e["name"], entry=e), entry=e))
        except NanoligandError:
            continue  # an entry the engine cannot read is not a candidate (the library tests catch these)
    return tuple(out)


def recommend(material: str, solvent: str | None = None, application: str = "dispersion",
              facet: str | None = None, top: int = 10, smiles: Iterable[str] = (), per_class: int = 1,
              weights: dict[str, float] | None = None, library: bool = True,
              predict: bool = True) -> list[Recommendation]:
    """Ranked candidates (module docstring).

    Parameters
    ----------
    material : a material (``nanoligand materials``), a design surface (``SiO2``, ``CuInS2`` ...) or a
        core/shell name whose outermost part is one (``CdSe/ZnS``, ``Fe3O4@SiO2``).
    solvent : the target solvent (name or common abbreviation), or None.
    application : one of ``nanoligand.design.context.applications()``.
    facet : Miller indices of the facet to bind (``100``, ``{111}``), or None for the whole dot.
    smiles : the user's own candidates (always ranked and listed if they bind).
    per_class : most library candidates per anchor class in the list.
    weights : criterion weights overriding ``data/design.yaml``.
    """
    from nanoligand.ligands import Ligand
    from nanoligand.ligands.model import parse_smiles

    if top < 1 or per_class < 1:
        raise InputError("top and per_class must be at least 1")
    ctx = DesignContext.create(material, solvent, application, facet)
    _check_weights(weights)
    pool: list[tuple[Features, str]] = []
    for i, smi in enumerate(smiles):
        lig = Ligand(parse_smiles(smi), f"user {i + 1}")
        pool.append((features(lig), "user"))
    if library:
        pool += [(f, f"library ({f.entry['kind']})") for f in library_features()]
    scored = [(score(f, ctx, weights), f, src) for f, src in pool]
    scored = [t for t in scored if t[0].total > 0]
    scored.sort(key=lambda t: (-t[0].total, t[1].heavy_atoms, t[1].name or ""))
    chosen, per = [], {}
    for s, f, src in scored:
        key = class_key(s, f, ctx)
        if src != "user" and per.get(key, 0) >= per_class:
            continue
        per[key] = per.get(key, 0) + 1
        chosen.append((s, f, src))
        if len(chosen) >= top:
            break
    recs = [_recommendation(k + 1, s, f, src) for k, (s, f, src) in enumerate(chosen)]
    if predict:
        for r, (_, f, _) in zip(recs, chosen):
            r.predicted = predicted_properties(f, ctx)
    return recs


def class_key(s: Score, f: Features, ctx: DesignContext) -> str:
    """What makes two candidates the same option: the binding anchor's family (an acid and its anion
    are one), and what the design asks of the functional part — the handles left once it binds (bio),
    the shell class (when a solvent is given)."""
    key = s.family or "-"
    if ctx.application == "bio":
        key += "|" + ",".join(s.handles)
    if ctx.solvent:
        key += "|" + f.shell_class
    return key


def _check_weights(weights: dict[str, float] | None) -> None:
    from nanoligand.design.context import rules

    for k, v in (weights or {}).items():
        if k not in rules()["weights"]:
            raise InputError(f"unknown criterion {k!r}; criteria: {', '.join(rules()['weights'])}")
        if v < 0:
            raise InputError(f"the weight of {k} must be non-negative")


def _recommendation(rank: int, s: Score, f: Features, src: str) -> Recommendation:
    classes = sorted(f.tokens | {f"handle:{h}" for h in s.handles})
    return Recommendation(rank, f.name or f.smiles, f.smiles, src, s.total, s.criteria, s.anchor, classes,
                          s.reasons, s.citations)


def predicted_properties(f: Features, ctx: DesignContext) -> dict[str, Any]:
    """Spacing, dipole shift (where it matters) and suited solvents of one candidate (estimates)."""
    from nanoligand.design.context import rules
    from nanoligand.properties import levels, transport

    out: dict[str, Any] = {"shell_class": f.shell_class}
    try:
        out["spacing_nm"] = round(transport.spacing_nm(f.smiles), 3)
        out["bridging"] = bool(f.features["bridging"])
    except NanoligandError as exc:
        out["spacing_nm"] = None
        out["spacing_note"] = str(exc)
    if ctx.application in SHIFT_APPLICATIONS and f.anchors and not f.inorganic:
        try:
            mu = levels.ligand_dipole_perp_D(f.smiles)
            out["dipole_perp_D"] = round(mu, 2)
            out["band_shift_eV"] = round(levels.dipole_shift_eV(mu, DIPOLE_COVERAGE_PER_NM2, DIPOLE_EPSILON), 3)
            out["band_shift_note"] = (f"estimate: Helmholtz sheet at {DIPOLE_COVERAGE_PER_NM2:g} nm⁻², ε "
                                      f"{DIPOLE_EPSILON:g}; positive = edges towards vacuum")
        except NanoligandError:
            pass
    pairs = rules()["shell_solvent"][f.shell_class]
    out["suits_solvent_classes"] = [k for k, v in pairs.items() if v >= 0.99]
    return out
