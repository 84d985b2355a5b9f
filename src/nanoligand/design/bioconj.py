"""Bioconjugation planner (seed 000 §3.3): which chemistries join a handle on the nanocrystal to one on
the biomolecule, with their rate constants, pH windows, warnings and the time to a chosen conversion.

Chemistries, handles and every number are in ``data/bioconjugation.yaml`` with the seed's section and
reference numbers. Times come from :func:`nanoligand.design.kinetics.coupling_time` (second order with
the activated partner's hydrolysis competing); where the seed gives a range of rate constants the time
is given for both ends, where it gives none (EDC, NHS esters, maleimide) a time needs ``k_M_s``.
NHS-ester half-lives between the printed pH values are interpolated linearly in log(t½); outside the
printed pH range no half-life is invented.

Reference numbers in the data (``[315]``, ``[319–324]``) are keys of the table's ``references``:
:func:`cite_text` puts the author–year in their place for people, and each plan's ``references`` lists
them in full for ``--json``. Seed 000's text has no reference list, so its numbers stay numbers
(``ref. 315 Gole et al.``: the first author where the seed's sentence names one).

Examples
--------
>>> plan = conjugation_plan("azide", "DBCO", conc_np_M=1e-6, conc_bio_M=1e-5, target=0.5)
>>> [o.chemistry for o in plan], round(plan[0].k_M_s[0], 2)
(['spaac'], 0.31)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from nanoligand.design.kinetics import coupling_time
from nanoligand.errors import InputError
from nanoligand.tables import cite_label, load_table


@cache
def table() -> dict[str, Any]:
    return load_table("bioconjugation.yaml")


def handle_name(text: str) -> tuple[str, str | None]:
    """Canonical handle and the variant named (``DBCO`` → ``strained_alkyne``, ``DIBAC``)."""
    t = text.strip().lower()
    for key, aliases in table()["handles"].items():
        if t == key or t in [a.lower() for a in aliases]:
            variant = text.strip().upper() if key == "strained_alkyne" and t not in ("strained alkyne",
                                                                                   "strained_alkyne",
                                                                                   "cyclooctyne") else None
            return key, variant
    raise InputError(f"unknown handle {text!r}; handles: {', '.join(table()['handles'])}")


@dataclass
class Option:
    chemistry: str
    name: str
    np_handle: str
    bio_handle: str
    reagents: list[str]
    product: str
    k_M_s: tuple[float, float] | None      # (low, high); high = inf for "more than"
    k_note: str
    ph_window: list[float] | None
    loss_half_life_h: tuple[float, float] | None
    activity_pct: float | None
    warnings: list[str]
    source: str
    times: dict[str, Any] = field(default_factory=dict)
    via: str | None = None
    references: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        if self.k_M_s:
            d["k_M_s"] = [self.k_M_s[0], None if math.isinf(self.k_M_s[1]) else self.k_M_s[1]]
        return d


#: a bracketed group of reference numbers: [315], [322, 323], [319–324]
_REF = re.compile(r"\[(\d+(?:\s*[–-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–-]\s*\d+)?)*)\]")


def _tokens(group: str) -> list[tuple[str, list[int]]]:
    """``"319–324, 330"`` → [("319–324", [319, ..., 324]), ("330", [330])]."""
    out = []
    for tok in (t.strip() for t in group.split(",")):
        ends = [int(x) for x in re.split(r"\s*[–-]\s*", tok)]
        out.append((tok.replace("-", "–").replace(" ", ""), list(range(ends[0], ends[-1] + 1))))
    return out


def reference(n: int) -> dict[str, Any]:
    """Reference ``n`` of the table's ``references`` (author–year, journal, full reference where resolved)."""
    r = table().get("references", {}).get(f"[{n}]")
    if r is None:
        return {"ref": f"[{n}]", "cite": None, "journal": None, "reference": None, "named_in_text": None,
                "unresolved": "not in the table's references"}
    return {"ref": f"[{n}]", **r}


def references_in(*texts: str | None) -> list[dict[str, Any]]:
    """Every reference numbered in ``texts``, in full, in number order."""
    nums = {n for t in texts if t for m in _REF.finditer(t) for _, ns in _tokens(m.group(1)) for n in ns}
    return [reference(n) for n in sorted(nums)]


def cite_text(text: str) -> str:
    """``text`` with each bracketed group of reference numbers as author–year; a number not resolved stays
    a number, marked ``ref.`` (with the author the seed's text names for it, if any)."""
    refs = table().get("references", {})

    def repl(m: re.Match) -> str:
        cites, loose = [], []
        for tok, ns in _tokens(m.group(1)):
            rs = [reference(n) for n in ns]
            if len(ns) > 1 and not any(r["cite"] or r.get("named_in_text") for r in rs):
                loose.append(tok)               # a range none of which resolves: kept as the range
                continue
            run: list[int] = []                 # consecutive bare numbers, shown as a range from three on
            for n, r in [*zip(ns, rs), (None, None)]:
                label = cite_label(refs, r["ref"]) if r else None
                if r and not label and not r.get("named_in_text"):
                    run.append(n)
                    continue
                loose += [f"{run[0]}–{run[-1]}"] if len(run) > 2 else [str(x) for x in run]
                run = []
                if label:
                    cites.append(label)
                elif r:
                    loose.append(f"{n} {r['named_in_text']}")
        if loose:
            cites.append(("refs " if len(loose) > 1 or "–" in loose[0] else "ref. ") + ", ".join(loose))
        return "(" + "; ".join(cites) + ")"

    return _REF.sub(repl, text)


def _k_range(spec, variant: str | None, chem: dict) -> tuple[tuple[float, float] | None, str]:
    if variant and chem.get("variants"):
        name = chem.get("variant_aliases", {}).get(variant, variant)
        v = chem["variants"].get(name) or chem["variants"].get(name.lower())
        if v is None:
            raise InputError(f"unknown variant {variant!r} for {chem['id']}; variants: {', '.join(chem['variants'])}")
        spec, note = v["k_M_s"], f"{name}" + (f" ({v['conditions']})" if v.get("conditions") else "")
    else:
        note = "range over the class" if isinstance(spec, list) else ""
    if spec is None:
        return None, "no rate constant in the source: give k_M_s"
    if isinstance(spec, (int, float)):
        return (float(spec), float(spec)), note
    if isinstance(spec, list):
        return (float(spec[0]), float(spec[1])), note
    if "min" in spec:
        return (float(spec["min"]), math.inf), (note + "; more than this").strip("; ")
    return (0.0, float(spec["max"])), (note + "; the fastest known, not this pair").strip("; ")


def nhs_half_life_h(ph: float, points: dict) -> tuple[float, float]:
    """NHS-ester hydrolysis half-life at ``ph`` (h, low–high), log-linear between the printed values."""
    xs = sorted(float(k) for k in points)
    if not xs[0] <= ph <= xs[-1]:
        raise InputError(f"NHS-ester half-lives are printed for pH {xs[0]:g}–{xs[-1]:g} only (seed 000 §3.3.2); "
                         f"pH {ph:g} is outside")
    lo = [np.log(points[k][0] if isinstance(points[k], list) else points[k]) for k in sorted(points, key=float)]
    hi = [np.log(points[k][-1] if isinstance(points[k], list) else points[k]) for k in sorted(points, key=float)]
    return float(np.exp(np.interp(ph, xs, lo))), float(np.exp(np.interp(ph, xs, hi)))


def conjugation_plan(np_handle: str, bio_handle: str, ph: float | None = None, conc_np_M: float | None = None,
                     conc_bio_M: float | None = None, target: float = 0.9, surface: str | None = None,
                     k_M_s: float | None = None, half_life_h: float | None = None) -> list[Option]:
    """The chemistries that join the two handles (module docstring).

    Parameters
    ----------
    np_handle, bio_handle : handle names or aliases (``carboxyl``, ``NH2``, ``DBCO``, ``TCO`` ...).
    ph : working pH: checked against each window; sets the NHS-ester half-life.
    conc_np_M, conc_bio_M : concentrations of the handles (M) for the time to ``target`` conversion.
    surface : the particle's lattice type (``silica``, ``ionic`` ...) for surface-specific chemistries.
    k_M_s, half_life_h : override the rate constant and the loss half-life (for chemistries the seed
        gives none for).
    """
    np_h, np_var = handle_name(np_handle)
    bio_h, bio_var = handle_name(bio_handle)
    variant = np_var or bio_var
    if variant is None:
        for h in (np_h, bio_h):
            if h in ("trans_cyclooctene", "terminal_alkene"):
                variant = h
    out = []
    for chem in table()["chemistries"]:
        pair = next((p for p in chem["pairs"] if p["np"] == np_h and p["bio"] == bio_h), None)
        if pair is None:
            continue
        warnings = list(chem.get("warnings", []))
        if chem.get("surfaces") and surface not in chem["surfaces"]:
            warnings.insert(0, f"only used on {', '.join(chem['surfaces'])} surfaces"
                               + (f", not on a {surface} one" if surface else ""))
        k, k_note = _k_range(chem.get("k_M_s"), variant if chem.get("variants") else None, chem)
        if k_M_s is not None:
            k, k_note = (k_M_s, k_M_s), "given"
        loss = None
        if half_life_h is not None:
            loss = (half_life_h, half_life_h)
        elif chem.get("loss") and ph is not None:
            loss = nhs_half_life_h(ph, chem["loss"]["half_life_h_by_pH"])
        elif chem.get("loss"):
            warnings.append("give the pH for the NHS-ester hydrolysis half-life (4–5 h at pH 7, 1 h at pH 8, "
                            "10 min at pH 8.6)")
        window = chem.get("ph")
        if ph is not None and window and not window[0] <= ph <= window[1]:
            warnings.insert(0, f"pH {ph:g} is outside the working window {window[0]:g}–{window[1]:g}")
        if ph is not None and chem.get("max_ph") and ph > chem["max_ph"]:
            warnings.insert(0, f"above pH {chem['max_ph']:g} the maleimide ring opens (reagent lost)")
        opt = Option(chem["id"], chem["name"], np_h, bio_h, chem.get("reagents", []), chem.get("product", ""), k,
                     k_note, window, loss, chem.get("activity_pct"), warnings, chem["source"], via=pair.get("via"))
        vname = chem.get("variant_aliases", {}).get(variant, variant) if variant else None
        vsrc = (chem.get("variants") or {}).get(vname) or (chem.get("variants") or {}).get(str(vname).lower())
        opt.references = references_in(chem["source"], chem.get("product"), *warnings,
                                       (chem.get("loss") or {}).get("source"), (vsrc or {}).get("source"))
        if conc_np_M is not None and conc_bio_M is not None:
            opt.times = _times(opt, conc_np_M, conc_bio_M, target)
        out.append(opt)
    if not out:
        raise InputError(f"no packaged chemistry joins {np_h} (particle) to {bio_h} (biomolecule)")
    return out


def _times(opt: Option, a_M: float, b_M: float, target: float) -> dict[str, Any]:
    """Time to ``target`` at both ends of the rate-constant range (and of the half-life range)."""
    if opt.k_M_s is None:
        return {"note": "no rate constant: give k_M_s"}
    lo, hi = opt.k_M_s
    res = {}
    # A = the partner that is lost (the activated ester on the particle side, or none)
    for label, k, t_half in (("slow", lo, opt.loss_half_life_h[0] if opt.loss_half_life_h else None),
                             ("fast", hi, opt.loss_half_life_h[-1] if opt.loss_half_life_h else None)):
        if not k > 0 or math.isinf(k):
            res[label] = None
            continue
        r = coupling_time(k, a_M, b_M, target, t_half * 3600 if t_half else None)
        res[label] = r.to_dict()
    res["target_conversion"] = target
    return res
