"""Check the recommender on literature cases: does a class that worked appear in the top *k*?

A case is ``{material, application, solvent, facet, classes}`` (``model_material`` may replace a material
the package does not model; null skips the case). A *hit* is any of the case's classes among the
classes (:attr:`~nanoligand.design.recommend.Recommendation.classes`) of the top ``k`` recommendations.
For negative cases (classes reported not to work) a *violation* is such a class among the top ``k``.

Examples
--------
>>> r = evaluate([{"material": "Au", "application": "dispersion", "classes": ["thiol"]}], top=5)
>>> r["hit_rate"]
1.0
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from nanoligand.design.recommend import recommend


def _run(case: dict[str, Any], top: int, **kw) -> set[str] | None:
    material = case.get("model_material", case["material"])
    if material is None:
        return None
    recs = recommend(material, case.get("solvent"), case["application"], case.get("facet"), top=top,
                     predict=False, **kw)
    return set().union(*(set(r.classes) for r in recs)) if recs else set()


def evaluate(cases: Iterable[dict[str, Any]], negatives: Iterable[dict[str, Any]] = (), top: int = 5,
             **kw) -> dict[str, Any]:
    """Hit rate overall and per application, the misses, and violations of negative cases."""
    per_app: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses, skipped, n, hits = [], [], 0, 0
    for c in cases:
        got = _run(c, top, **kw)
        if got is None:
            skipped.append(c.get("id", c["material"]))
            continue
        hit = bool(set(c["classes"]) & got)
        n += 1
        hits += hit
        per_app[c["application"]][0] += hit
        per_app[c["application"]][1] += 1
        if not hit:
            misses.append({"id": c.get("id"), "wanted": list(c["classes"]), "got": sorted(got)})
    violations = []
    n_neg = 0
    for c in negatives:
        got = _run(c, top, **kw)
        if got is None:
            continue
        n_neg += 1
        bad = set(c["classes"]) & got
        if bad:
            violations.append({"id": c.get("id"), "classes": sorted(bad)})
    return {"cases": n, "hits": hits, "hit_rate": hits / n if n else 0.0,
            "per_application": {k: {"hits": v[0], "cases": v[1], "rate": round(v[0] / v[1], 3)}
                                for k, v in sorted(per_app.items())},
            "misses": misses, "skipped": skipped, "negatives": n_neg, "violations": violations}
