"""Cap a core with a ligand shell: sites, counts, head placements, site choice, packing.

1. binding sites of the core (:mod:`.sites`) and the recipe's groups (entry, bound-form template,
   site kind), each motif's facts read from its record (:mod:`.motifs`: site kind, the core it needs,
   what it splits into — an ``X2`` entry is an X ligand plus a proton on a surface oxygen —, what it
   replaces, how its heads are placed);
2. head placements of every group on every candidate site (:mod:`.binding`: donors at bond-valence
   distances from the metals); a site no placement fits is no candidate;
3. counts (:mod:`.counts`: neutrality, coverage, footprint limit);
4. sites (:mod:`.choose`: neutralizing X ligands by electron-counting demand per face, coverage
   entries by face area, the largest ligand of a mixed shell first; an ``X2`` proton needs a clear
   surface O);
5. head layout (:mod:`.layout`: which placement each chosen site takes, annealed so that donors of
   neighbouring ligands keep their distance);
6. packing (:mod:`.pack`: conformer and rotation variants that keep every donor bonded, sweeps,
   L-BFGS relaxation of tails (:mod:`.relax`), a repair pass around deep overlaps); ligands of a
   coverage entry that leave the charge as it was and still overlap are dropped and reported as a
   shortfall; a neutralizing ligand is never dropped (its count is the charge).

Anything that cannot be done — a motif the ligand does not offer, a charge no X ligand can balance,
more ligands than sites or footprint allow — is an :class:`~nanoligand.errors.InputError` or
:class:`~nanoligand.errors.ChemistryError` before anything is placed.
"""

from __future__ import annotations

import functools
import numpy as np
from scipy.spatial import cKDTree

from nanoligand.errors import ChemistryError, InputError
from nanoligand.shell import choose
from nanoligand.shell.binding import KEEP, Heads, core_tables, search
from nanoligand.shell.counts import counterions, counts, neutralizing_counts, replaced_charge
from nanoligand.shell.motifs import motif, proton_motif
from nanoligand.shell._pack import OVERLAP_A
from nanoligand.shell.pack import MARGIN_A, Packer
from nanoligand.shell.recipe import ShellEntry, ShellSpec
from nanoligand.shell.result import Placed, ShellResult
from nanoligand.shell.sites import SiteSet, binding_sites
from nanoligand.shell.templates import ACCEPTORS, Template, single_atom_template, template
from nanoligand.progress import report

PROTON_NAMES = frozenset({"[h+]", "proton", "h+"})
MAX_MODES = 2
PROTON_CLEARANCE_A = 1.7


def cap(core, spec: ShellSpec, atom_limit: tuple[int, str] | None = None) -> ShellResult:
    """Place the shell of ``spec`` on ``core`` (a :class:`~nanoligand.core.build.Core`; module docstring).
    ``atom_limit`` (most atoms, why): a model that would hold more is refused as soon as the ligand counts
    are known, before the slow placement."""
    mat = core.material
    metal_core = not mat.is_ionic
    report("shell: binding sites and head placements", 0.0)
    sites = binding_sites(core)
    groups = _expand(spec, metal_core, mat.prototype)
    modes = [_modes(e, tpl, metal_core) for e, tpl, _ in groups]
    present = np.ones(len(core.atoms), bool)
    present[_a_sites_replaced(sites, groups, core)] = False
    pools = [_pool(sites, kind, e.facets, core) for e, _, kind in groups]
    heads = [[_heads(core, sites, pools[g], m, groups[g][0], present) for m in modes[g]] for g in range(len(groups))]
    usable = [pools[g][np.any([h.ok for h in heads[g]], axis=0)] if len(pools[g]) else pools[g]
              for g in range(len(groups))]
    for g, (_, tpl, _) in enumerate(groups):  # one proton per surface O (two would make a water)
        if _is_proton(tpl) and len(usable[g]):
            _, first_of_host = np.unique([sites.hosts[i][0] for i in usable[g]], return_index=True)
            usable[g] = usable[g][np.sort(first_of_host)]
    n, limits, listed = counts(core, {k: len(u) for k, u in enumerate(usable)}, groups, metal_core)
    n_ligands = sum(int(n[g]) for g in range(len(groups)))
    expected = len(core.atoms) + sum(int(n[g]) * len(groups[g][1].symbols) for g in range(len(groups)))
    if atom_limit is not None and expected > atom_limit[0]:
        raise InputError(f"the capped model would hold about {expected} atoms ({n_ligands} ligands), more than "
                         f"{atom_limit[0]}: {atom_limit[1]}")
    shortfall: list[dict] = []
    report(f"shell: choosing sites for {n_ligands} ligands", 0.15)
    chosen = _choose(core, sites, groups, usable, n, spec, shortfall)
    templates, tpl_ids = _template_ids(modes)
    alts = [_Alternatives(pools[g], heads[g], tpl_ids[g]) for g in range(len(groups))]
    chosen, first = _lay_out(core, sites, groups, chosen, alts, templates, spec.seed)
    _clear_pairs(groups, chosen, first, alts, templates)

    # pack every chosen ligand, its chosen head placement first
    alt_t, alt_o, alt_a, alt_ok, group_of = [], [], [], [], []
    for g, idx in enumerate(chosen):
        o, a, ok = alts[g].rows(idx)
        order = np.array([[f] + [x for x in range(o.shape[1]) if x != f] for f in first[g]], int).reshape(
            -1, o.shape[1])
        take = np.arange(len(idx))[:, None]
        width = alts[g].width
        alt_o.append(_widen(o[take, order], width))
        alt_a.append(_widen(a[take, order], width))
        alt_ok.append(_widen(ok[take, order], width))
        alt_t.append(_widen(np.broadcast_to(alts[g].tpl[order] if len(idx) else alts[g].tpl[None], order.shape), width))
        group_of += [g] * len(idx)
    replaces = [sites_replace(sites, groups[g][0], idx) for g, idx in enumerate(chosen)]
    present = np.ones(len(core.atoms), bool)
    if replaces:
        present[np.concatenate(replaces)] = False
    fixed = [np.array([sites.hosts[i][0] for i in idx], np.int64) if _bonded_by_host(groups[g]) else
             np.full(len(idx), -1, np.int64) for g, idx in enumerate(chosen)]
    packer = _packer(core, present, templates, alt_t, alt_o, alt_a, alt_ok, fixed)
    report(f"shell: packing and relaxing {len(group_of)} ligands", 0.3)
    result = packer.pack(seed=spec.seed)
    keep = _trim(packer, groups, np.array(group_of, int), metal_core, shortfall)
    scores = packer.scores()
    placed = []
    start = 0
    for g, idx in enumerate(chosen):
        ks = np.arange(start, start + len(idx))
        start += len(idx)
        mask = keep[ks]
        entry, tpl, kind = groups[g]
        placed.append(Placed(entry, tpl, idx[mask], [packer.xyz[packer._atoms(k)].copy() for k in ks[mask]],
                             replaces[g][mask] if len(replaces[g]) == len(idx) else replaces[g], kind,
                             [templates[t] for t in packer.tpl_of[ks[mask]]]))
    removed = np.unique(np.concatenate([p.replaces for p in placed])) if placed else np.zeros(0, int)
    listed = [counterions(p.entry.counterions,
                          len(p.sites) * (p.template.charge - replaced_charge(p.entry, core.material)), p.template.name)
              for p in placed if p.entry.counterions and len(p.sites)]
    packing = {"sweeps": result.sweeps, "head_overlaps": int(result.head_overlaps),
               "overlapping_ligands": int(np.sum(scores[keep] > 0)), "ligands": int(keep.sum())}
    return ShellResult(placed, sites, removed, listed, shortfall, limits, packing)


def _widen(x: np.ndarray, width: int) -> np.ndarray:
    """Pad the alternatives axis (1) of ``x`` to ``width``."""
    pad = [(0, 0)] * x.ndim
    pad[1] = (0, width - x.shape[1])
    return np.pad(x, pad)


def _modes(entry: ShellEntry, tpl: Template, metal_core: bool) -> list[Template]:
    """The binding modes a group may take: a two-donor X head (a carboxylate) on an ionic core binds
    with both donors (bridging or chelating) or with one (κ¹, over a hollow)."""
    if tpl.head == "bi" and motif(entry.motif).kappa1 and not metal_core:
        return [tpl, template(entry.ligand, entry.motif, kappa=1)]
    return [tpl]


def _template_ids(modes: list[list[Template]]) -> tuple[list[Template], list[list[int]]]:
    """One list of every template (binding mode) in use, and each group's indices into it."""
    out: list[Template] = []
    ids = []
    for ms in modes:
        row = []
        for m in ms:
            if not any(m is t for t in out):
                out.append(m)
            row.append(next(i for i, t in enumerate(out) if t is m))
        ids.append(row)
    return out, ids


class _Alternatives:
    """A group's head placements on its pool, every binding mode side by side (``KEEP`` per mode)."""

    def __init__(self, pool: np.ndarray, heads: list[Heads], tpl_ids: list[int]):
        self.pool = pool
        self.heads = heads
        self.tpl = np.repeat(np.array(tpl_ids, np.int64), KEEP)
        self.width = KEEP * MAX_MODES

    def rows(self, idx: np.ndarray):
        """(origin, axes, ok) of sites ``idx`` (every one in the pool): (n, K, 3), (n, K, 3, 3), (n, K)."""
        row = np.searchsorted(self.pool, idx)
        parts = [_padded(h, row) for h in self.heads]
        return tuple(np.concatenate([p[i] for p in parts], axis=1) for i in range(3))


# -- groups and pools --------------------------------------------------------------------------------------
def _expand(spec: ShellSpec, metal_core: bool, prototype: str) -> list[tuple[ShellEntry, Template, str]]:
    """Entries with their templates and site kinds (the motif's, :mod:`.motifs`); a motif that splits
    (X2) becomes its parts: an X ligand plus a proton on a surface anion (the proton's entry has
    ``role='pair'``: its count is its X partner's, the entry before it)."""
    out = []
    for e in spec.entries:
        m = motif(e.motif)
        kind = m.site_kind(metal_core)
        reason = m.check_prototype(prototype)
        if reason:
            raise ChemistryError(f"{reason} ({e.ligand})")
        for p in m.splits_into:
            name = e.ligand if p.ligand == "*" else p.ligand
            part = ShellEntry(name, p.motif, p.role, e.share, e.coverage, e.facets)
            tpl = _proton() if name.strip().lower() in PROTON_NAMES else template(name, p.motif)
            out.append((part, tpl, p.site or kind))
        if m.splits_into:
            continue
        tpl = _proton() if e.ligand.strip().lower() in PROTON_NAMES else template(e.ligand, e.motif, radical=metal_core)
        out.append((e, tpl, kind))
    return out


def _bonded_by_host(group) -> bool:
    """Groups bonded to their site's host atom by construction (a graft's C to Si, a proton to O)."""
    entry, tpl, _ = group
    return motif(entry.motif).bonded_to_host or _is_proton(tpl)


def _is_proton(tpl: Template) -> bool:
    return tpl.head == "point" and tpl.symbols[0] == "H"


def _proton() -> Template:
    return single_atom_template("proton", "H", +1, proton_motif())


def _pool(sites: SiteSet, kind: str, facets, core=None) -> np.ndarray:
    """Candidate sites of a kind (and facet filter). A sites are those of facet interiors: the A
    cations of edges and corners stay, for they carry an AX cube's excess charge and the X ligands
    that balance it bind them."""
    mask = sites.kind == kind
    if facets:
        mask &= np.isin(sites.family, list(facets))
    if kind == "a_site" and core is not None:
        role = core.atoms.arrays["site_role"]
        mask &= np.array([a >= 0 and role[a] == "facet" for a in sites.atom], bool)
    return np.nonzero(mask)[0]


def _a_sites_replaced(sites: SiteSet, groups, core) -> np.ndarray:
    """Core atoms of every A site an ion-pair entry may take (left out of the head search)."""
    kinds = sorted({kind for e, _, kind in groups if motif(e.motif).replaces == "a_cation"})
    if not kinds:
        return np.zeros(0, int)
    return np.concatenate([np.asarray(sites.atom[_pool(sites, k, None, core)], int) for k in kinds])


def sites_replace(sites: SiteSet, entry: ShellEntry, idx: np.ndarray) -> np.ndarray:
    """Core atoms a group replaces (its motif's ``replaces``): the A cation of an A site, the H cap of a graft."""
    if motif(entry.motif).replaces_core_atom:
        return np.asarray(sites.atom[idx], int)
    return np.zeros(0, int)


# -- head placements ----------------------------------------------------------------------------------------
def _heads(core, sites: SiteSet, pool: np.ndarray, tpl: Template, entry: ShellEntry, present: np.ndarray) -> Heads:
    """Head placements by the motif's ``placement`` (a proton on its surface anion; the rest, bond
    valence or hydrogen bonds, in :func:`.binding.search`)."""
    if motif(entry.motif).placement == "graft":
        return _graft_heads(core, sites, pool, tpl)
    if _is_proton(tpl):
        return _proton_heads(core, sites, pool)
    return search(core, sites, pool, tpl, present)


def _frames(z: np.ndarray) -> np.ndarray:
    ref = np.where(np.abs(z[:, :1]) < 0.9, np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0]]))
    x = np.cross(z, ref)
    x /= np.linalg.norm(x, axis=1)[:, None]
    return np.stack([x, np.cross(z, x), z], axis=2)


def _single(origin: np.ndarray, z: np.ndarray) -> Heads:
    o = origin[:, None, :]
    return Heads(o, _frames(z)[:, None], np.zeros((len(origin), 1)))


def _proton_heads(core, sites: SiteSet, pool: np.ndarray) -> Heads:
    """A proton on the surface O (or other anion) that hosts a cation vacancy, at the O–H length of
    the MMFF94-optimised hydroxide, pointing at the vacancy."""
    oh = template("hydroxide", "X")
    d_oh = float(np.linalg.norm(oh.conformers[0][0] - oh.conformers[0][1]))
    host = np.array([sites.hosts[i][0] for i in pool], int)
    u = sites.position[pool] - core.atoms.positions[host]
    u /= np.linalg.norm(u, axis=1)[:, None]
    return _single(core.atoms.positions[host] + d_oh * u, u)


def _graft_heads(core, sites: SiteSet, pool: np.ndarray, tpl: Template) -> Heads:
    """The grafted C where the H cap was, at the Si–C (or C–C) length from Cordero covalent radii
    (Dalton Trans. 2008, 2832, as tabulated in RDKit), along the Si–H bond."""
    from nanoligand.validate.graph import covalent_radius_A

    host = np.array([sites.hosts[i][0] for i in pool], int)
    u = sites.normal[pool]
    el = core.atoms.get_chemical_symbols()
    d = np.array([covalent_radius_A(el[h]) + covalent_radius_A(tpl.symbols[tpl.donors[0]]) for h in host])
    return _single(core.atoms.positions[host] + d[:, None] * u, u)


# -- site choice -------------------------------------------------------------------------------------------
def _choose(core, sites: SiteSet, groups, usable: list[np.ndarray], n: dict[int, int], spec: ShellSpec,
            shortfall: list[dict]) -> list[np.ndarray]:
    """Sites of every group (module docstring, step 4), kind by kind."""
    demand = choose.site_demand(core, sites)
    area = _face_area(core)
    out = [np.zeros(0, int) for _ in groups]
    rng = np.random.default_rng(spec.seed)
    for kind in dict.fromkeys(k for _, _, k in groups):
        members = [g for g, (_, _, k) in enumerate(groups) if k == kind]
        used = np.zeros(len(sites), bool)
        neutral = [g for g in members if groups[g][0].role == "neutralize" and n.get(g, 0) > 0]
        pairs = [g for g in members if groups[g][0].role == "pair"]
        cover = [g for g in members if g not in neutral and g not in pairs and n.get(g, 0) > 0]
        # entries with facet filters or a charge take their sites before the neutralizing ones fill in
        early = [g for g in cover if groups[g][0].facets or (groups[g][1].charge and not groups[g][0].counterions
                                                               and not motif(groups[g][0].motif).replaces_core_atom)]
        for g in early:
            _cover(sites, groups, g, n[g], usable, used, area, shortfall, out, kind)
        if neutral:
            missing = sum((len(out[g]) - n[g]) * groups[g][1].charge for g in early)
            if missing:  # a charged coverage fell short: the neutralizing entries make up for it
                ids = neutralizing_counts(-(sum(n[g] * groups[g][1].charge for g in neutral) - missing),
                                          [groups[g] for g in neutral], neutral, False)
                n.update(ids)
            pool = functools.reduce(np.intersect1d, [usable[g] for g in neutral])
            pool = pool[~used[pool]]
            total = sum(n[g] for g in neutral)
            _enough(groups, neutral, total, len(pool), kind)
            face_demand = _orbit_mean(sites, _by_face(sites, demand, np.nonzero(sites.kind == kind)[0]))
            cap_ = choose.capacity(sites, pool)
            quotas = choose.face_quotas(sites.face[pool], face_demand, total, cap_)
            must = choose.must_sites(core, sites, pool)[:total]
            need = choose.capacity(sites, must)
            if any(k > quotas.get(f, 0) for f, k in need.items()):  # a face's share cannot bond its weak cations:
                room = {f: c - need.get(f, 0) for f, c in cap_.items()}  # their sites first, the rest shared
                rest = choose.face_quotas(sites.face[pool], face_demand, total - len(must), room)
                quotas = {f: rest.get(f, 0) + need.get(f, 0) for f in cap_}
            priority = demand.copy()  # within each face, the sites under-coordinated cations need come first
            priority[must] += 100.0
            picked = choose.by_faces(sites, pool, quotas, priority)
            for g, idx in zip(neutral, _split(sites, picked, [n[g] for g in neutral], groups, neutral, area,
                                              spec.arrangement, rng)):
                out[g] = idx
            used[picked] = True
        for g in [g for g in cover if g not in early] + pairs:
            want = len(out[g - 1]) if groups[g][0].role == "pair" else n[g]  # X2: one proton per carboxylate
            _cover(sites, groups, g, want, usable, used, area, shortfall, out, kind)
    return out


def _cover(sites: SiteSet, groups, g: int, want: int, usable, used, area, shortfall, out, kind: str) -> None:
    """Sites of a coverage entry (or the protons of X2 pairs) by face area, donors kept apart."""
    pool = usable[g][~used[usable[g]]]
    if want > len(pool):
        shortfall.append({"ligand": groups[g][1].name, "requested": want, "placed": len(pool),
                          "reason": f"only {len(pool)} free {kind.replace('_', ' ')} sites take it"})
        want = len(pool)
    quotas = choose.face_quotas(sites.face[pool], area, want, choose.capacity(sites, pool))
    tpl = groups[g][1]
    spacing = 0.0 if groups[g][0].role == "pair" else \
        2 * float(tpl.radii[tpl.donors[0]]) - OVERLAP_A + MARGIN_A  # donors of two ligands keep apart
    out[g] = choose.by_faces(sites, pool, quotas, None, spacing)
    used[out[g]] = True


def _enough(groups, members, total: int, have: int, kind: str) -> None:
    if total > have:
        names = ", ".join(groups[g][1].name for g in members)
        raise ChemistryError(f"neutrality needs {total} {names} on {kind.replace('_', ' ')} sites but only {have} "
                             "sites can bind them: the recipe cannot be made neutral on this core")


def _face_area(core) -> dict[int, float]:
    from nanoligand.surface import face_areas_A2

    a = face_areas_A2(core)
    out = {int(f): float(x) for f, x in enumerate(a)}
    out[-1] = float(np.mean(a)) if len(a) else 1.0
    return out


def _orbit_mean(sites: SiteSet, per_face: dict[int, float]) -> dict[int, float]:
    """Each face's value replaced by the mean over its symmetry orbit: equivalent faces get equal
    quotas whichever face the edge sites were assigned to."""
    orbit_of = {int(f): int(o) for f, o in zip(sites.face, sites.orbit) if f >= 0}
    total: dict[int, list[float]] = {}
    for f, v in per_face.items():
        total.setdefault(orbit_of.get(f, -1 - f), []).append(v)
    return {f: float(np.mean(total[orbit_of.get(f, -1 - f)])) for f in per_face}


def _by_face(sites: SiteSet, values: np.ndarray, idx: np.ndarray) -> dict[int, float]:
    out: dict[int, float] = {}
    for f, v in zip(sites.face[idx], values[idx]):
        out[int(f)] = out.get(int(f), 0.0) + float(v)
    return out


def _split(sites: SiteSet, picked: np.ndarray, want: list[int], groups, members, area, arrangement, rng
           ) -> list[np.ndarray]:
    """Split the sites picked for several neutralizing entries: uniform (the largest ligand by face
    area, spread by FPS within each face; the smaller ones take the rest), or an arrangement."""
    if len(members) == 1:
        return [picked]
    if arrangement != "uniform":
        return choose.arrange(sites, picked, want, arrangement, rng)
    order = sorted(range(len(members)), key=lambda i: -groups[members[i]][1].footprint_nm2)
    out: list[np.ndarray] = [np.zeros(0, int)] * len(members)
    left = picked.copy()
    for rank, i in enumerate(order):
        if rank == len(order) - 1:
            out[i] = left
            break
        quotas = choose.face_quotas(sites.face[left], area, want[i], choose.capacity(sites, left))
        out[i] = choose.by_faces(sites, left, quotas)
        left = np.setdiff1d(left, out[i])
    return out


def _padded(h: Heads, row: np.ndarray):
    """Head placements of rows ``row`` padded to ``KEEP`` alternatives."""
    pad = KEEP - h.origin.shape[1]
    return (np.pad(h.origin[row], ((0, 0), (0, pad), (0, 0))), np.pad(h.axes[row], ((0, 0), (0, pad), (0, 0), (0, 0))),
            np.pad(np.isfinite(h.score[row]), ((0, 0), (0, pad))))


def _clear_pairs(groups, chosen: list[np.ndarray], first: list[np.ndarray], alts: list[_Alternatives],
                 templates) -> None:
    """Protons of X2 pairs move off sites where they would sit on another ligand's donor (closer than
    ``PROTON_CLEARANCE_A``, well inside an O–H···O hydrogen bond): each takes the nearest free site of
    its pool that is clear, keeping their number."""
    donors = []
    for g, idx in enumerate(chosen):
        if groups[g][0].role == "pair" or not len(idx):
            continue
        o, a, _ = alts[g].rows(idx)
        for k, f in enumerate(first[g]):
            t = templates[alts[g].tpl[f]]
            donors.append(t.conformers[0][list(t.donors)] @ a[k, f].T + o[k, f])
    if not donors:
        return
    tree = cKDTree(np.vstack(donors))
    for g, (e, _, _) in enumerate(groups):
        if e.role != "pair" or not len(chosen[g]):
            continue
        pool = alts[g].pool
        pos = alts[g].rows(pool)[0][:, 0]
        clear = np.array([len(x) == 0 for x in tree.query_ball_point(pos, PROTON_CLEARANCE_A)], bool)
        taken = np.isin(pool, chosen[g])
        free = pool[clear & ~taken]
        keep = chosen[g][clear[np.searchsorted(pool, chosen[g])]]
        need = len(chosen[g]) - len(keep)
        if need and len(free):
            gone = pos[np.searchsorted(pool, np.setdiff1d(chosen[g], keep))]
            order = np.argsort(np.min(np.linalg.norm(pos[np.searchsorted(pool, free)][:, None] - gone[None],
                                                     axis=2), axis=1))
            keep = np.concatenate([keep, free[order[:need]]])
        chosen[g] = np.sort(keep)
        first[g] = np.zeros(len(keep), int)


def _watched_bonds(core, templates, alt_tpl, ao, aa, ok, slots: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """For the head layout: the core cations with fewer than ``choose.MIN_CN`` bonds (watched), how
    many each still needs, and which of them every placement's donors bond (bond-valence range)."""
    from nanoligand.validate.graph import donor_range_A

    pos, metal, sym, _ = core_tables(core)
    cn = core.atoms.arrays["coordination"]
    watched = np.nonzero(metal & (cn < choose.MIN_CN))[0]
    G, n, K = ok.shape
    bonds = np.full((G, n, K, slots), -1, np.int64)
    if len(watched) == 0:
        return bonds, np.zeros(0, np.int64)
    tree = cKDTree(pos[watched])
    for g in range(G):
        for a in range(K):
            if not ok[g, :, a].any():
                continue
            t = templates[alt_tpl[g, a]]
            if t.head == "point" and t.symbols[0] == "H":
                continue
            local = t.conformers[0][list(t.donors)]
            for i in np.nonzero(ok[g, :, a])[0]:
                pts = local @ aa[g, i, a].T + ao[g, i, a]
                found = []
                for p, d in zip(pts, t.donors):
                    for j in tree.query_ball_point(p, 3.6):
                        r = donor_range_A(str(sym[watched[j]]), t.symbols[d])
                        if r is not None and np.linalg.norm(pos[watched[j]] - p) <= r[2]:
                            found.append(j)
                found = list(dict.fromkeys(found))[:slots]
                bonds[g, i, a, :len(found)] = found
    return bonds, (choose.MIN_CN - cn[watched]).astype(np.int64)


def _lay_out(core, sites: SiteSet, groups, chosen: list[np.ndarray], alts: list[_Alternatives], templates,
             seed: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Head layout per site kind (:mod:`.layout`): which group takes which chosen site and which head
    placement; returns the sites per group and the placement to try first for each."""
    from nanoligand.shell.layout import lay_out
    from nanoligand.shell.pack import MARGIN_A

    first = [np.zeros(len(c), int) for c in chosen]
    out = [c.copy() for c in chosen]
    width = KEEP * MAX_MODES
    for kind in dict.fromkeys(k for _, _, k in groups):
        members = [g for g, (e, _, k) in enumerate(groups) if k == kind and len(chosen[g]) and e.role != "pair"]
        if not members:
            continue
        S = np.concatenate([chosen[g] for g in members])
        occupant = np.concatenate([np.full(len(chosen[g]), t) for t, g in enumerate(members)])
        G, n = len(members), len(S)
        ao, aa, ok = np.zeros((G, n, width, 3)), np.zeros((G, n, width, 3, 3)), np.zeros((G, n, width), bool)
        alt_tpl = np.zeros((G, width), np.int64)
        for t, g in enumerate(members):
            inside = np.isin(S, alts[g].pool)
            o, a, k = alts[g].rows(S[inside])
            ao[t, inside, :o.shape[1]], aa[t, inside, :o.shape[1]], ok[t, inside, :o.shape[1]] = o, a, k
            alt_tpl[t, :len(alts[g].tpl)] = alts[g].tpl
        bonds, need = _watched_bonds(core, templates, alt_tpl, ao, aa, ok)
        occ, alt, _ = lay_out(sites.position[S], sites.face[S], occupant, templates, alt_tpl, ao, aa, ok, seed,
                              MARGIN_A, bonds, need)
        for t, g in enumerate(members):
            out[g] = S[occ == t]
            first[g] = alt[occ == t]
    return out, first


# -- packing and trimming ----------------------------------------------------------------------------------
def _packer(core, present, templates, alt_t, alt_o, alt_a, alt_ok, fixed_hosts) -> Packer:
    """The packer over the core that stays, with the core's bond graph as the validator sees it."""
    from nanoligand.validate.graph import topology
    from nanoligand.validate.structure import Structure

    pos, metal, sym, radius = core_tables(core)
    metals = sorted(set(sym[metal]))
    cls = np.array([metals.index(s) if m else -1 for s, m in zip(sym, metal)], np.int64)
    g = topology(Structure(sym, pos))
    nbrs = [[] for _ in range(len(sym))]
    for a, b in g.all_bonds():
        nbrs[a].append(int(b))
        nbrs[b].append(int(a))
    k = KEEP * MAX_MODES
    cat = lambda parts, shape, dt=float: np.concatenate(parts) if parts else np.zeros((0, k) + shape, dt)  # noqa: E731
    return Packer(pos, radius, cls, present, nbrs, metals, templates, cat(alt_t, (), np.int64), cat(alt_o, (3,)),
                  cat(alt_a, (3, 3)), cat(alt_ok, (), bool),
                  np.concatenate(fixed_hosts) if fixed_hosts else np.zeros(0, np.int64),
                  core_acceptor=~metal & np.isin(sym, list(ACCEPTORS)), core_symbols=sym)


def _trim(packer: Packer, groups, group_of: np.ndarray, metal_core: bool, shortfall: list[dict]) -> np.ndarray:
    """Drop overlapping ligands of coverage entries, worst first, where that leaves the charge as it
    was: L donors, X ligands on a metal core, grafts, ion pairs, and the carboxylate of an X2 pair
    together with the nearest proton of its partner entry. Neutralizing ligands are never dropped
    (their count is the charge)."""
    keep = np.ones(len(group_of), bool)
    partner = {g: g + 1 for g in range(len(groups) - 1) if groups[g + 1][0].role == "pair"}
    droppable = np.array([e.role == "coverage" and (metal_core or tpl.charge == 0 or motif(e.motif).replaces_core_atom
                                                   or g in partner)
                          for g, (e, tpl, _) in enumerate(groups)], bool)
    for _ in range(3):
        s = packer.scores()
        bad = np.nonzero((s > 0) & droppable[group_of] & keep)[0] if len(group_of) else np.zeros(0, int)
        if len(bad) == 0:
            break
        for k in bad[np.argsort(-s[bad], kind="stable")]:
            if packer.score(int(k)) == 0:
                continue
            keep[k] = False
            packer.lift(int(k))
            g = int(group_of[k])
            if g in partner:  # the proton that came with it goes too
                mates = np.nonzero((group_of == partner[g]) & keep)[0]
                if len(mates):
                    m = mates[np.argmin(np.linalg.norm(packer.pivot[mates] - packer.pivot[k], axis=1))]
                    keep[m] = False
                    packer.lift(int(m))
    for g, (e, tpl, _) in enumerate(groups):
        dropped = int(np.sum((group_of == g) & ~keep))
        if dropped:
            shortfall.append({"ligand": tpl.name, "requested": int(np.sum(group_of == g)),
                              "placed": int(np.sum((group_of == g) & keep)),
                              "reason": "the rest found no overlap-free room (sterically full)"})
    return keep
