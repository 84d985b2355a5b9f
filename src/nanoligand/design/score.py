"""The criteria of the design engine, each a score in [0, 1] with its reasons in words.

* **anchor** — the best anchor's binding kind against the lattice (``lattices`` of ``data/design.yaml``),
  grafting groups against the lattice they graft to (``covalent_groups``), and, for a named facet,
  against the facet's chemistry (``facets``: polar facets need X, stoichiometric ones take L and Z).
* **hsab** — the best anchor's HSAB match with the surface acid (donors) or base (Z acceptors):
  ``1 − |Δsoftness|``, the mismatch reduced for borderline surface acids, which take both hard and soft
  bases (seed 000 §2.1.1). Drops out where the surface or the ligand has no class.
* **dispersibility** — the shell class against the solvent class (``shell_solvent``), averaged with
  the Hansen rank of the solvent (:func:`~nanoligand.design.features.hansen_rank`) where the functional
  part has a group-contribution estimate. Drops out without a solvent.
* **application** — the weighted mean of the features the application asks for (``applications``).
* **precedent** — a packaged citation for this kind of ligand in this use: seed 001 Table 2 for LEDs
  (each row cited by author–year from the seed's reference list), the library entry's category and
  citation otherwise.

The total is the weighted mean of the criteria that apply (``weights``).

Examples
--------
>>> from nanoligand.design.context import DesignContext
>>> from nanoligand.design.features import features, ligand_from
>>> ctx = DesignContext.create("Au", "toluene")
>>> s = score(features(ligand_from("CCCCCCCCCCCCS")), ctx)
>>> s.criteria["anchor"], s.criteria["hsab"]
(1.0, 1.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nanoligand.design.context import DesignContext, rules
from nanoligand.design.features import Features, handles_when_bound, hansen_rank
from nanoligand.ligands import hsab
from nanoligand.shell.motifs import is_acceptor
from nanoligand.tables import cite_label, load_table

SOFTNESS = hsab.SOFTNESS


@dataclass
class Score:
    total: float
    criteria: dict[str, float | None]
    reasons: dict[str, list[str]] = field(default_factory=dict)
    anchor: str | None = None
    citations: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    family: str | None = None


def _kind_score(kinds: set[str], table: dict[str, float]) -> tuple[float, str | None]:
    best = max(((table.get(k, 0.0), k) for k in kinds), default=(0.0, None))
    return best


def affinity(group: str, ctx: DesignContext) -> float:
    r = rules()
    table = r["affinity"].get(ctx.lattice, {})
    override = r["material_affinity"].get(ctx.material, {})
    return override.get(group, table.get(group, table.get("default", 1.0)))


def anchor_score(f: Features, ctx: DesignContext) -> tuple[float, str | None, list[str]]:
    r = rules()
    lat = r["lattices"][ctx.lattice]
    best, best_group, why = 0.0, None, []
    for a in f.anchors:
        s, kind = _kind_score(a["kinds"], lat["kinds"])
        if kind == "covalent" and a["group"] in r["covalent_groups"]:
            s = r["covalent_groups"][a["group"]].get(ctx.lattice, 0.0)
        if ctx.facet_kind and kind is not None:
            s *= _kind_score(a["kinds"], r["facets"][ctx.facet_kind])[0]
        aff = affinity(a["group"], ctx)
        s *= aff
        if s > best:
            best, best_group = s, a["group"]
            why = [f"{a['group']} binds as {kind} on this surface ({lat['label']})"
                   + (f", {ctx.facet} facet ({ctx.facet_kind})" if ctx.facet else "")
                   + (f"; binds less strongly than the best anchors there (affinity {aff:g})" if aff < 1 else "")]
    if not f.anchors:
        why = ["no anchor group: nothing binds the surface"]
    elif best == 0.0:
        why = [f"no anchor binds this surface ({lat['label']}: {', '.join(f.groups)})"]
    return best, best_group, why


def hsab_score(f: Features, ctx: DesignContext, group: str | None) -> tuple[float | None, list[str]]:
    tol = rules()["hsab_borderline_tolerance"]
    best, why = None, []
    for a in f.anchors:
        if group and a["group"] != group:
            continue
        acceptor = is_acceptor(a["motif"]) and a["motif"] in a["kinds"]
        partner, partner_cls = (ctx.base, ctx.base_class) if acceptor else (ctx.acid, ctx.acid_class)
        if a["hsab"] is None or partner_cls is None:
            continue
        diff = abs(SOFTNESS[a["hsab"]] - SOFTNESS[partner_cls])
        if partner_cls == "borderline" and not acceptor:
            diff = max(0.0, diff - tol)
        s = 1.0 - diff
        if best is None or s > best:
            best = s
            why = [f"{a['group']} is a {a['hsab']} {'acid' if acceptor else 'base'}, the surface {partner} a "
                   f"{partner_cls} {'base' if acceptor else 'acid'}"]
    return best, why


def dispersibility_score(f: Features, ctx: DesignContext) -> tuple[float | None, list[str]]:
    if ctx.solvent is None:
        return None, []
    r = rules()
    cls = r["shell_solvent"][f.shell_class][ctx.solvent_class]
    why = [f"{f.shell_class} shell in {ctx.solvent} ({ctx.solvent_class})"]
    if f.hansen is None:
        return cls, why
    rank = hansen_rank(f.hansen, ctx.solvent_hansen)
    why.append(f"Hansen: {ctx.solvent} closer than {100 * rank:.0f} % of {len(_solvents())} solvents")
    share = r["hansen_share"]
    return (1 - share) * cls + share * rank, why


def _solvents():
    from nanoligand.solvents import hansen_matrix_MPa05

    return hansen_matrix_MPa05()[0]


def application_score(feats: dict[str, float], ctx: DesignContext) -> tuple[float | None, list[str]]:
    """The application's routes (weighted mean of each route's features): the best, plus a bonus for
    the others served (``route_bonus``)."""
    app = rules()["applications"][ctx.application]
    routes = {k: v for k, v in app["routes"].items()
              if ctx.lattice == "perovskite" or k not in app.get("perovskite_only", [])}
    if not routes:
        return None, []
    scores = {k: sum(w * feats[f] for f, w in wanted.items()) / sum(wanted.values()) for k, wanted in routes.items()}
    name = max(scores, key=scores.get)
    bonus = rules()["route_bonus"]
    total = (scores[name] + bonus * (sum(scores.values()) - scores[name])) / (1 + bonus * (len(scores) - 1))
    served = [k for k, v in scores.items() if v >= 0.5]
    return total, [f"{app['label']}: " + ("; ".join(f"{k} ({', '.join(routes[k])})" for k in served)
                                          if served else f"no route served (best: {name})")]


def precedent_score(f: Features, ctx: DesignContext) -> tuple[float, list[str]]:
    """1: a packaged citation for this ligand (or class) on this material family in this use; 0.5: for
    this use on another material; 0: none."""
    from nanoligand.properties.colour_ import qled_records

    r = rules()
    cites, s = [], 0.0
    if ctx.application == "led" and f.entry is not None and f.entry.get("formula"):
        ion = _norm(f.entry["formula"])
        # the row's author–year from seed 001's reference list (data/qled_seed001.yaml 'references')
        refs = load_table("qled_seed001.yaml").get("references", {})
        for rec in qled_records():
            if _norm(rec["ligand"]) == ion:
                same = _family_in(ctx, rec["qd"])
                s = max(s, 1.0 if same else 0.5)
                who = cite_label(refs, rec["ref"]) or f"{rec['ref']} (not resolved)"
                cites.append(f"seed 001 Table 2, {who}: {rec['ligand']} on {rec['qd']}, EQE "
                             f"{rec['EQE_pct'] if rec['EQE_pct'] is not None else '-'} %")
    e = f.entry
    if e is not None:
        if e.get("kind") == "inorganic":
            apps = list(r["inorganic_applications"])
            if ctx.solvent_class in r["inorganic_dispersion_solvents"]:
                apps.append("dispersion")
        else:
            apps = r["category_applications"].get(e.get("category"), [])
        if ctx.application in apps:
            same = _family_in(ctx, e.get("citation", "") + " " + e.get("note", ""))
            s = max(s, 1.0 if same else 0.5)
            cites.append(e.get("citation", ""))
    return s, cites[:3]


def _norm(text: str) -> str:
    return re.sub(r"[\s⁻⁺−]", "", str(text)).replace("^", "").lower()


def _family_in(ctx: DesignContext, text: str) -> bool:
    t = str(text)
    if ctx.material.split("-")[0] in t:
        return True
    return ctx.lattice == "perovskite" and ("perovskite" in t.lower() or "CsPb" in t)


def score(f: Features, ctx: DesignContext, weights: dict[str, float] | None = None) -> Score:
    """All criteria and the weighted total (module docstring)."""
    w = {**rules()["weights"], **(weights or {})}
    a, group, why_a = anchor_score(f, ctx)
    h, why_h = hsab_score(f, ctx, group)
    d, why_d = dispersibility_score(f, ctx)
    handles = handles_when_bound(f, group)
    feats = dict(f.features, handle=float(bool(handles)))
    p_app, why_p = application_score(feats, ctx)
    prec, cites = precedent_score(f, ctx)
    crit = {"anchor": a, "hsab": h, "dispersibility": d, "application": p_app, "precedent": prec}
    used = {k: v for k, v in crit.items() if v is not None and w.get(k, 0) > 0}
    total = sum(w[k] * v for k, v in used.items()) / sum(w[k] for k in used) if used else 0.0
    if a < rules()["min_anchor"]:
        total = 0.0
    reasons = {"anchor": why_a, "hsab": why_h, "dispersibility": why_d, "application": why_p,
               "precedent": cites or (["no packaged precedent"] if f.entry is not None else [])}
    family = next((a["family"] for a in f.anchors if a["group"] == group), group)
    return Score(total, crit, reasons, group, cites, handles, family)


# -- screening ---------------------------------------------------------------------------------------------
SCREEN_COLUMNS = ["row", "id", "smiles", "valid", "error", "groups", "motif", "anchor", "shell_class",
                  "extent_nm", "heavy_atoms", "charge", "score", "anchor_score", "hsab_score",
                  "dispersibility_score", "application_score", "tokens"]


def score_chunk(chunk, ctx_dict: dict[str, Any], hansen: bool = True):
    """Score one chunk of a library (:class:`~nanoligand.design.readers.Chunk`) → a pyarrow Table
    (``hansen=False``: dispersibility from the shell class only, see :func:`~.features.features`)."""
    import pyarrow as pa
    from rdkit import Chem, rdBase

    from nanoligand.design.features import features
    from nanoligand.ligands import Ligand

    ctx = DesignContext.from_dict(ctx_dict)
    rows: list[tuple] = []
    blank = (None,) * (len(SCREEN_COLUMNS) - 5)
    with rdBase.BlockLogs():
        for i, (ident, smi, err) in enumerate(zip(chunk.ids, chunk.smiles, chunk.errors)):
            head = (chunk.start + i, ident, smi)
            mol = Chem.MolFromSmiles(smi) if err is None else None
            if mol is None:
                rows.append((*head, False, err or "invalid SMILES", *blank))
                continue
            try:
                lig = Ligand(mol)
                f = features(lig, hansen=hansen)
                s = score(f, ctx)
            except Exception as exc:  # one bad molecule never stops a large run; it is reported
                rows.append((*head, False, f"not scored: {type(exc).__name__}: {exc}"[:200], *blank))
                continue
            c = s.criteria
            rows.append((*head, True, None, ";".join(f.groups), lig.motif, s.anchor, f.shell_class,
                         round(f.extent_nm, 3), f.heavy_atoms, f.charge, round(s.total, 4), round(c["anchor"], 4),
                         _r(c["hsab"]), _r(c["dispersibility"]), _r(c["application"]), ";".join(sorted(f.tokens))))
    cols = {name: list(col) for name, col in zip(SCREEN_COLUMNS, zip(*rows))} if rows else \
        {name: [] for name in SCREEN_COLUMNS}
    schema = pa.schema([("row", pa.int64()), ("id", pa.string()), ("smiles", pa.string()), ("valid", pa.bool_()),
                        ("error", pa.string()), ("groups", pa.string()), ("motif", pa.string()),
                        ("anchor", pa.string()), ("shell_class", pa.string()), ("extent_nm", pa.float64()),
                        ("heavy_atoms", pa.int32()), ("charge", pa.int32()), ("score", pa.float64()),
                        ("anchor_score", pa.float64()), ("hsab_score", pa.float64()),
                        ("dispersibility_score", pa.float64()), ("application_score", pa.float64()),
                        ("tokens", pa.string())])
    return pa.Table.from_pydict(cols, schema=schema)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
