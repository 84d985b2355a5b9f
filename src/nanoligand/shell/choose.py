"""Which sites the ligands take: X ligands where the cation excess is, others spread evenly.

*Demand.* Electron counting on bond valences: a surface atom of formal charge ``q`` that misses ``m``
of its ``N`` bulk bonds lacks ``|q| m / N`` valence units, shared equally by the vacancies around it.
A site's demand is what its hosts lack (positive on anion vacancies next to cations, negative on
cation vacancies next to anions); a face's demand is the sum over its sites. On a polar Cd-rich
(111) face every surface Cd lacks ½, on a seed-004 {100} face a Pb adatom lacks 5/3 and the Pb
under a vacancy ⅓; on a non-polar face cations and anions cancel. Summed over the core this is its
net charge, so the X ligands that neutrality asks for go face by face where the excess is.

*Coordination first.* A cation left with two or fewer bonds to the core (a seed-004 Pb adatom has
one) must end with at least three: the sites that bond it alone (atop) are taken before anything
else, as many as it lacks (:func:`must_sites`).

*Choice within a face.* Sites of the highest demand first, ties spread by farthest-point sampling;
coverage entries (L donors, grafts, ion pairs) by face area (a uniform density). In mixed shells the
largest ligand is shared out by face area first and the smaller ones take the face's other sites.

Examples
--------
>>> from nanoligand import build
>>> from nanoligand.shell.sites import binding_sites
>>> core = build("PbS", 3.0, "truncated-octahedron", "seed004").core
>>> s = binding_sites(core)
>>> d = site_demand(core, s)
>>> round(float(d.sum()), 6) == core.census.net_charge
True
"""

from __future__ import annotations

import numpy as np

from nanoligand.core.build import KIND_CAPPING
from nanoligand.shell.sites import SiteSet


def site_demand(core, sites: SiteSet) -> np.ndarray:
    """Valence units each site's hosts lack (module docstring); zero for A sites and H caps."""
    atoms = core.atoms
    lat = core.lattice
    site_of = atoms.arrays["lattice_site"]
    q = np.where(atoms.arrays["kind"] == KIND_CAPPING, 0.0,
                 lat.charges[lat.site_types[np.maximum(site_of, 0)]].astype(float))
    deficit = np.abs(q) * atoms.arrays["missing_bonds"] / np.maximum(atoms.arrays["bulk_coordination"], 1)
    out = np.zeros(len(sites))
    vac = np.isin(sites.kind, ["anion_vacancy", "cation_vacancy"])
    idx = np.nonzero(vac)[0]
    if len(idx) == 0:
        return out
    hosts = np.concatenate([sites.hosts[i] for i in idx])
    owner = np.repeat(idx, [len(sites.hosts[i]) for i in idx])
    n_vac = np.bincount(hosts, minlength=len(atoms))
    share = deficit[hosts] / np.maximum(n_vac[hosts], 1)
    np.add.at(out, owner, share)
    return np.where(sites.kind == "cation_vacancy", -out, out)


MIN_CN = 3


def must_sites(core, sites: SiteSet, pool: np.ndarray) -> np.ndarray:
    """Sites of ``pool`` that under-coordinated cations need, in the order they should be taken: every
    core cation with fewer than ``MIN_CN`` bonds lacks that many, and sites are taken greedily by how
    many lacking cations they host (a site bridging two two-coordinate cations serves both), ties to
    the site with fewer hosts (an atop site bonds its cation for sure)."""
    atoms = core.atoms
    cn = atoms.arrays["coordination"]
    lat = core.lattice
    site_of = atoms.arrays["lattice_site"]
    cation = (atoms.arrays["kind"] != KIND_CAPPING) & (lat.charges[lat.site_types[np.maximum(site_of, 0)]] > 0)
    lack = np.where(cation, np.maximum(MIN_CN - cn, 0), 0)
    if not lack.any() or len(pool) == 0:
        return np.zeros(0, int)
    n_hosts = np.array([len(sites.hosts[i]) for i in pool])
    owner = np.concatenate([np.full(len(sites.hosts[i]), k) for k, i in enumerate(pool)])
    host = np.concatenate([sites.hosts[i] for i in pool])
    taken = np.zeros(len(pool), bool)
    out = []
    while True:
        serves = np.bincount(owner, weights=(lack[host] > 0), minlength=len(pool))
        serves[taken] = 0
        if serves.max() <= 0:
            break
        best = np.nonzero(serves == serves.max())[0]
        k = int(best[np.argmin(n_hosts[best])])
        taken[k] = True
        out.append(int(pool[k]))
        mine = host[owner == k]
        lack[mine] = np.maximum(lack[mine] - 1, 0)
    return np.array(out, int)


def face_quotas(face: np.ndarray, weight_of_face: dict[int, float], total: int,
                capacity: dict[int, int]) -> dict[int, int]:
    """``total`` split over faces in proportion to their weight (largest remainder), each at most its
    capacity; what a full face cannot take goes to the others by weight."""
    faces = np.array(sorted(capacity))
    w = np.array([max(weight_of_face.get(int(f), 0.0), 0.0) for f in faces])
    cap = np.array([capacity[int(f)] for f in faces])
    total = min(total, int(cap.sum()))
    quota = np.zeros(len(faces), int)
    left = total
    for _ in range(len(faces) + 1):
        open_ = cap - quota > 0
        if left <= 0 or not open_.any():
            break
        ww = np.where(open_, w, 0.0)
        if ww.sum() <= 0:
            ww = open_.astype(float)
        target = left * ww / ww.sum()
        add = np.minimum(np.floor(target).astype(int), cap - quota)
        rem = np.where(cap - quota - add > 0, target - add, -np.inf)
        for k in np.argsort(-rem, kind="stable")[: left - int(add.sum())]:
            if np.isfinite(rem[k]):
                add[k] += 1
        if add.sum() == 0:
            break
        quota += add
        left = total - int(quota.sum())
    return {int(f): int(n) for f, n in zip(faces, quota)}


def fps(xyz: np.ndarray, n: int, start: int | None = None) -> np.ndarray:
    """``n`` indices of ``xyz`` by farthest-point sampling (first: the point nearest the centroid)."""
    if n <= 0 or len(xyz) == 0:
        return np.zeros(0, int)
    n = min(n, len(xyz))
    c = xyz.mean(axis=0)
    first = int(np.argmin(((xyz - c) ** 2).sum(axis=1))) if start is None else start
    picked = [first]
    best = ((xyz - xyz[first]) ** 2).sum(axis=1)
    for _ in range(n - 1):
        best[picked[-1]] = -1.0
        k = int(np.argmax(best))
        picked.append(k)
        best = np.minimum(best, ((xyz - xyz[k]) ** 2).sum(axis=1))
    return np.array(picked, int)


def pick(sites: SiteSet, pool: np.ndarray, n: int, priority: np.ndarray | None = None,
         min_dist_A: float = 0.0) -> np.ndarray:
    """``n`` sites of ``pool`` (one face): highest ``priority`` first, ties spread by FPS; with
    ``min_dist_A`` no two picked sites closer than that (fewer than ``n`` if the face is full)."""
    if n <= 0:
        return np.zeros(0, int)
    if min_dist_A > 0:
        order = pool[fps(sites.position[pool], len(pool))]
        kept: list[int] = []
        for i in order:
            if len(kept) == n:
                break
            if not kept or np.min(np.linalg.norm(sites.position[kept] - sites.position[i], axis=1)) >= min_dist_A:
                kept.append(int(i))
        return np.array(kept, int)
    if n >= len(pool):
        return pool.copy()
    if priority is None:
        return pool[fps(sites.position[pool], n)]
    pr = np.round(priority[pool], 6)
    order = np.argsort(-pr, kind="stable")
    cut = pr[order[n - 1]]
    above = pool[pr > cut]
    ties = pool[pr == cut]
    return np.concatenate([above, ties[fps(sites.position[ties], n - len(above))]])


def by_faces(sites: SiteSet, pool: np.ndarray, quotas: dict[int, int], priority: np.ndarray | None = None,
             min_dist_A: float = 0.0) -> np.ndarray:
    """Per face ``quotas[face]`` sites of ``pool`` (see :func:`pick`)."""
    out = [pick(sites, pool[sites.face[pool] == f], n, priority, min_dist_A) for f, n in quotas.items() if n > 0]
    return np.concatenate(out) if out else np.zeros(0, int)


def capacity(sites: SiteSet, pool: np.ndarray) -> dict[int, int]:
    f, c = np.unique(sites.face[pool], return_counts=True)
    return {int(a): int(b) for a, b in zip(f, c)}


#: arrangement → the order in which the chosen sites are dealt to the entries (first entry first)
ORDERINGS = {
    "random": lambda sites, chosen, rng: rng.permutation(chosen),                               # seeded shuffle
    "janus": lambda sites, chosen, rng: chosen[np.argsort(-sites.position[chosen, 2], kind="stable")],  # +z first
    "patchy": lambda sites, chosen, rng: chosen[np.argsort(np.arctan2(sites.position[chosen, 1],
                                                                      sites.position[chosen, 0]), kind="stable")],
}


def arrange(sites: SiteSet, chosen: np.ndarray, counts: list[int], arrangement: str, rng) -> list[np.ndarray]:
    """Split ``chosen`` among entries by an arrangement of :data:`ORDERINGS`: ``random`` (seeded shuffle),
    ``janus`` (first entry on the +z side), ``patchy`` (contiguous angular patches)."""
    order = ORDERINGS[arrangement](sites, chosen, rng)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    return [order[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
