"""Cap a core with a ligand shell: counts from neutrality and coverage, sites, geometry, clash relief.

Steps (each vectorised over ligands):

1. binding sites of the core (:mod:`.sites`);
2. counts: ``neutralize`` X ligands carry exactly the core's excess charge (split by their shares);
   other entries take their coverage, capped by the sites there are and by the footprint limit
   (surface area at the shell's mid-height, ``A (1 + L/2R)²``, over the ligand footprint);
3. sites: per face a quota proportional to the face's area (a uniform ligand density; equivalent
   faces get equal counts, ±1 where the count cannot divide; a face with too few sites passes its
   excess on), spread by farthest-point sampling over the whole surface; in mixed shells the largest
   ligand is shared out first and the others fill the sites left, in proportion to them;
4. geometry: donor at the cited bond length from its hosts (:mod:`.bonds`: the lattice bond, Shannon
   ionic radii or Cordero covalent radii), axis along the site normal, then placement and clash
   relief (:mod:`.geometry`).

Anything that cannot be done — a motif the ligand does not offer, a charge no X ligand can balance,
more ligands than sites or footprint allow — is an :class:`~nanoligand.errors.InputError` or
:class:`~nanoligand.errors.ChemistryError` before anything is placed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rdkit import Chem
from rdkit.Chem import Descriptors
from scipy.spatial import cKDTree

from nanoligand.api import BareCore
from nanoligand.core.build import KIND_CAPPING, _site_of_bond
from nanoligand.errors import ChemistryError, InputError
from nanoligand.ligands import ligand
from nanoligand.surface import face_areas_A2
from nanoligand.shell import _kernels as K
from nanoligand.shell._kernels import MIN_ANY_A
from nanoligand.shell.bonds import bond_length
from nanoligand.shell.geometry import Contacts, Shell, anchor_points, frame_rotations
from nanoligand.shell.recipe import ShellEntry, ShellSpec
from nanoligand.shell.sites import SiteSet, binding_sites
from nanoligand.shell.templates import Template, single_atom_template, template

#: the site kind each motif binds (metal cores have neutral "vacancy" sites instead)
SITE_KIND = {"X": "anion_vacancy", "L": "anion_vacancy", "Z": "cation_vacancy", "ion_pair": "a_site",
             "covalent": "capping"}
PROTON = "[H+]"
PROTON_NAMES = frozenset({"[h+]", "proton", "h+"})
#: a donor closer to a core atom it binds than this fraction of its bond length is a clash
DONOR_MIN_FRACTION = 0.9
#: area fraction of randomly jammed discs in 2D, φ_J ≈ 0.84 (O'Hern, Silbert, Liu, Nagel, Phys. Rev. E 2003,
#: 68, 011306): ligands whose heads sit where the sites are cannot pack like a crystal
PACKING_FRACTION = 0.84
#: sites closer than this multiple of the typical nearest-site distance count as crowding each other
NEIGHBOUR_SHELL = 1.15
#: sites within this height of a face's outermost are its top tier, taken first
TOP_LAYER_A = 1.0
#: in a mixed shell, a larger ligand takes at most this share of a face's sites where others have room
MAX_FILL_MIXED = 0.75
#: candidate sites fully tried (best probes first) for a ligand that still clashes after relief
RELOCATE_TRIES = 10
RELOCATE_PROBES = 256  # nearest candidate sites probed
RELOCATE_MAX = 100    # more clashing ligands than this are reported, not relocated
TRIM_ROUNDS = 3
FINISH_ROUNDS = 6


@dataclass
class Placed:
    """One placed ligand group: its template, the sites it took and its atoms' coordinates."""

    entry: ShellEntry
    template: Template
    sites: np.ndarray          # indices into the SiteSet
    coords: list               # per ligand (A, 3)
    replaces: np.ndarray       # core atom indices removed (substituted A cations, replaced H caps)
    rotations: np.ndarray      # (n, 3, 3) site frames
    anchors: np.ndarray        # (n, 3) donor positions
    bond_A: np.ndarray         # (n,) donor–host bond length used
    binds: int                 # core class the donors bond to (+1 cations, -1 anions, 0 framework)
    kind: str = ""             # site kind


@dataclass
class ShellResult:
    placed: list[Placed]
    sites: SiteSet
    removed_core: np.ndarray
    counterions: list[dict]
    shortfall: list[dict]
    sweeps: int
    footprint_limit: dict
    contacts: Contacts
    relocated: int = 0


def cap(qd: BareCore, spec: ShellSpec) -> ShellResult:
    """Place the shell of ``spec`` on the core of ``qd`` (see module docstring)."""
    mat = qd.core.material
    metal_core = not mat.is_ionic
    sites = binding_sites(qd)
    rng = np.random.default_rng(spec.seed)
    groups = _expand(spec, metal_core, mat.prototype)

    counts, limits, counterions = _counts(qd, sites, groups, metal_core)
    shortfall: list[dict] = []

    # sites, pool by pool
    site_of: dict[int, np.ndarray] = {}
    by_kind: dict[str, list[int]] = {}
    for k, (_, _, kind) in enumerate(groups):
        by_kind.setdefault(kind, []).append(k)
    for kind, members in by_kind.items():
        site_of.update(_choose_sites(sites, kind, members, groups, counts, spec, rng, shortfall,
                                     face_areas_A2(qd.core)))

    # geometry, placement and clash relief
    lattice_bonds = _lattice_bond_lengths(qd)
    placed: list[Placed] = []
    for k, (entry, tpl, kind) in enumerate(groups):
        idx = site_of.get(k, np.zeros(0, int))
        if len(idx):
            rep, rot, anchors, bond = _geometry(qd, sites, idx, tpl, kind, lattice_bonds)
            placed.append(Placed(entry, tpl, idx, [], rep, rot, anchors, bond, _binds(kind, metal_core), kind))
    removed = np.unique(np.concatenate([p.replaces for p in placed])) if placed else np.zeros(0, int)
    keep = np.ones(len(qd.atoms), bool)
    keep[removed] = False
    shell = _shell(qd, keep, placed)
    shell.set_preferred_spins()
    shell.place_all()
    sweeps = shell.relax_all(seed=spec.seed)
    relocated = 0
    for r in range(FINISH_ROUNDS):  # what relief left: move ligands to free sites, settle, again
        if len(shell.clashing()) == 0:
            break
        relocated += _relocate(qd, sites, placed, shell, lattice_bonds)
        shell.settle(seed=spec.seed + 100 + r)
    kept = _trim(shell, placed, sites, metal_core, shortfall)
    start = 0
    for p, keep in zip(placed, kept):
        idx = np.arange(start, start + len(p.sites))
        start += len(p.sites)
        p.sites, p.anchors, p.rotations, p.bond_A = p.sites[keep], p.anchors[keep], p.rotations[keep], p.bond_A[keep]
        if len(p.replaces) == len(keep):
            p.replaces = p.replaces[keep]
        p.coords = [shell.coords(k) for k in idx[keep]]
    removed = np.unique(np.concatenate([p.replaces for p in placed])) if placed else np.zeros(0, int)
    return ShellResult(placed, sites, removed, counterions, shortfall, sweeps, limits, shell.contacts(), relocated)


def _trim(shell: Shell, placed: list[Placed], sites: SiteSet, metal_core: bool,
               shortfall: list[dict]) -> list[np.ndarray]:
    """A coverage is met as far as it fits: ligands of a coverage entry that still clash after relief
    are dropped, then faces of one family are evened out (equal counts, ±1). Only entries whose
    ligands leave the charge as it was are trimmed: L donors, X ligands on metal cores, grafts (the H
    cap comes back), ion pairs (the A cation comes back) and X2 pairs (a proton goes with each
    carboxylate); what is dropped is reported as a shortfall. Neutralizing entries are never trimmed:
    their count is the charge. Returns a keep mask per group."""
    starts = np.concatenate([[0], np.cumsum([len(p.sites) for p in placed])[:-1]]).astype(int) if placed else []
    kept = [np.ones(len(p.sites), bool) for p in placed]
    for _ in range(TRIM_ROUNDS):
        scores = shell.scores()
        changed = False
        for g, p in enumerate(placed):
            idx = starts[g] + np.arange(len(p.sites))
            partner = g + 1 if g + 1 < len(placed) and placed[g + 1].entry.role == "pair" else None
            neutral = metal_core or p.template.charge == 0 or partner is not None or p.kind == "a_site"
            bad = kept[g] & (scores[idx] > 0)
            if p.entry.role != "coverage" or not neutral or not bad.any():
                continue
            keep = kept[g].copy()
            for i in np.nonzero(bad)[0][np.argsort(-scores[idx][bad], kind="stable")]:
                if shell.score(int(idx[i])) > 0:  # worst first: its partners may be clear once it is gone
                    keep[i] = False
                    shell.lift(int(idx[i]))
            _even_out(keep, p.sites, sites)
            drop = kept[g] & ~keep
            for i in np.nonzero(drop)[0]:
                shell.lift(int(idx[i]))
                if p.kind in ("capping", "a_site"):
                    shell.restore_core(p.replaces[i:i + 1])
            if partner is not None:  # as many protons go as carboxylates
                q = placed[partner]
                qidx = starts[partner] + np.arange(len(q.sites))
                order = np.argsort(-scores[qidx] - kept[partner] * 0, kind="stable")
                gone = [i for i in order if kept[partner][i]][:int(drop.sum())]
                for i in gone:
                    shell.lift(int(qidx[i]))
                kept[partner][gone] = False
            kept[g] = keep
            changed = True
        if not changed:
            break
    for g, p in enumerate(placed):
        if not kept[g].all():
            shortfall.append({"ligand": p.template.name, "requested": len(p.sites), "placed": int(kept[g].sum()),
                              "reason": "the rest found no clash-free room (sterically full)"})
    return kept


def _even_out(keep: np.ndarray, chosen_sites: np.ndarray, sites: SiteSet) -> None:
    """Drop kept members until every face of a symmetry orbit holds the same count, ±1 (edge sites
    counting half for each face)."""
    for o in np.unique(sites.orbit[chosen_sites]):
        faces = np.unique(sites.face[sites.orbit == o])
        for _ in range(len(keep)):
            per = sites.face_counts(chosen_sites[keep], faces)
            if per.max() - per.min() <= 1:
                break
            hi = faces[np.argmax(per)]
            on = np.nonzero(keep & ((sites.face[chosen_sites] == hi) | (sites.face2[chosen_sites] == hi)))[0]
            keep[on[-1]] = False


def _relocate(qd: BareCore, sites: SiteSet, placed: list[Placed], shell: Shell, lattice_bonds) -> int:
    """Last resort for ligands that still clash: move each to a free site of its kind on the same
    face, or swap it with a smaller ligand there (face counts, and so symmetry and neutrality, stay as
    they were). Every candidate site is probed with the rigid poses; the most promising are tried
    with a full fit. Returns the ligands moved."""
    owner = np.full(len(sites), -1)
    group_of, offset = [], []
    for g, p in enumerate(placed):
        start = len(group_of)
        owner[p.sites] = np.arange(start, start + len(p.sites))
        group_of += [g] * len(p.sites)
        offset.append(start)
    group_of = np.array(group_of, int)
    moved = 0
    clashing = shell.clashing()
    if len(clashing) > RELOCATE_MAX:  # relief fell far short: moving ligands one by one will not rescue it
        return 0
    for k in clashing:
        g = group_of[k]
        p = placed[g]
        if p.kind not in ("anion_vacancy", "cation_vacancy", "vacancy") or shell.score(k) == 0:
            continue
        here = p.sites[k - offset[g]]
        same = np.nonzero((sites.kind == p.kind) & (sites.face == sites.face[here]) & (np.arange(len(sites)) != here))[0]
        other = owner[same]
        smaller = (other < 0) | np.array([o >= 0 and placed[group_of[o]].template.footprint_nm2 < p.template.footprint_nm2
                                          for o in other], bool)
        cand = same[smaller]
        if len(cand) == 0:
            continue
        near = np.argsort(np.linalg.norm(sites.position[cand] - sites.position[here], axis=1), kind="stable")
        cand = cand[near[:RELOCATE_PROBES]]
        # probe every candidate with the rigid poses as things stand; the most promising first
        _, rots, ancs, bonds = _geometry(qd, sites, cand, p.template, p.kind, lattice_bonds)
        probe = np.array([shell.probe(k, a, r) for a, r in zip(ancs, rots)])
        for i in np.argsort(probe, kind="stable")[:RELOCATE_TRIES]:
            c = cand[i]
            j = owner[c]
            anc, rot, bond = ancs[i:i + 1], rots[i:i + 1], bonds[i:i + 1]
            if j >= 0:
                shell.lift(j)  # out of the way while k settles
            undo = [shell.move(k, anc[0], rot[0], DONOR_MIN_FRACTION * bond[0])]
            if j >= 0:
                q = placed[group_of[j]]
                _, rot, anc, bond = _geometry(qd, sites, np.array([here]), q.template, q.kind, lattice_bonds)
                undo.append(shell.move(j, anc[0], rot[0], DONOR_MIN_FRACTION * bond[0]))
            if shell.score(k) == 0 and (j < 0 or shell.score(j) == 0):
                p.sites[k - offset[g]] = c
                owner[c], owner[here] = k, j
                if j >= 0:
                    placed[group_of[j]].sites[j - offset[group_of[j]]] = here
                moved += 1
                break
            for state in reversed(undo):
                shell.undo(state)
    for g, p in enumerate(placed):  # the frames of the final sites
        n = len(p.sites)
        p.anchors = shell.anchors[offset[g]:offset[g] + n].copy()
        p.rotations = shell.rotations[offset[g]:offset[g] + n].copy()
    return moved


def _binds(kind: str, metal_core: bool) -> int:
    """The core class (see :class:`~nanoligand.shell.geometry.Shell`) a site kind's donors bond to."""
    if metal_core or kind == "capping":
        return 0
    return {"anion_vacancy": 1, "cation_vacancy": -1}.get(kind, 99)


def _shell(qd: BareCore, keep: np.ndarray, placed: list[Placed]) -> Shell:
    lat = qd.core.lattice
    charge = np.sign(lat.charges[lat.site_types[qd.atoms.arrays["lattice_site"]]]).astype(int)
    core_class = np.where(qd.atoms.arrays["kind"] == KIND_CAPPING, 2, charge)
    heavy = np.array([s != "H" for s in qd.atoms.get_chemical_symbols()])
    tpl_of = np.concatenate([np.full(len(p.sites), i) for i, p in enumerate(placed)]) if placed else np.zeros(0, int)

    def cat(attr, empty):
        return np.concatenate([getattr(p, attr) for p in placed]) if placed else empty

    binds = np.concatenate([np.full(len(p.sites), p.binds) for p in placed]) if placed else np.zeros(0, int)
    return Shell(qd.atoms.positions, heavy, core_class, [p.template for p in placed], tpl_of,
                 cat("rotations", np.zeros((0, 3, 3))), cat("anchors", np.zeros((0, 3))),
                 DONOR_MIN_FRACTION * cat("bond_A", np.zeros(0)), binds, core_present=keep)


# -- planning ----------------------------------------------------------------------------------------------
def _expand(spec: ShellSpec, metal_core: bool, prototype: str) -> list[tuple[ShellEntry, Template, str]]:
    """Entries with their templates and site kinds; X2 becomes an X ligand plus a proton on a surface
    anion (the proton's entry has ``role='pair'``: its count is its X partner's, the entry before it)."""
    out = []
    for e in spec.entries:
        kind = SITE_KIND.get(e.motif, "anion_vacancy")
        if metal_core and kind in ("anion_vacancy", "cation_vacancy"):
            kind = "vacancy"
        if e.motif == "covalent" and prototype != "diamond":
            raise ChemistryError(f"covalent grafting needs an H-terminated Si or diamond core ({e.ligand})")
        if e.motif == "ion_pair" and prototype != "perovskite":
            raise ChemistryError(f"ion pairs replace the A cations of a perovskite surface ({e.ligand})")
        if e.motif == "X2":
            x = ShellEntry(e.ligand, "X", "coverage", e.share, e.coverage, e.facets)
            out.append((x, template(e.ligand, "X"), kind))
            h = ShellEntry(PROTON, "Z", "pair", e.share, e.coverage, e.facets)
            out.append((h, _proton(), "cation_vacancy"))
            continue
        tpl = _proton() if e.ligand.strip().lower() in PROTON_NAMES else template(e.ligand, e.motif, radical=metal_core)
        out.append((e, tpl, kind))
    return out


def _proton() -> Template:
    return single_atom_template("proton", "H", +1, "Z")


def _counts(qd: BareCore, sites: SiteSet, groups, metal_core: bool) -> tuple[dict[int, int], dict, list[dict]]:
    """How many of each group (module docstring, step 2), the footprint limits and listed counter-ions.

    Coverage entries come first; each changes the charge by its ligands' charge less that of the core
    atoms it replaces (an ammonium for a Cs⁺ changes nothing). Then ``neutralize`` entries whose
    charge opposes what is left share it out. Nothing may exceed the surface's footprint limit.
    """
    area_nm2 = qd.census.surface_area_nm2
    radius_A = 5.0 * qd.census.diameter_nm
    mat = qd.core.material
    counts: dict[int, int] = {}
    limits: dict[str, int] = {}
    counterions: list[dict] = []
    charge = 0 if metal_core else qd.census.net_charge
    for k, (entry, tpl, kind) in enumerate(groups):
        limits[tpl.name] = footprint_limit(area_nm2, radius_A, tpl)
        if entry.role == "neutralize":
            continue
        if entry.role == "pair":
            counts[k] = counts[k - 1]
        else:
            n_sites = len(_pool(sites, kind, entry.facets, np.zeros(len(sites), bool)))
            counts[k] = _coverage_count(entry.coverage, n_sites, area_nm2, limits[tpl.name], tpl.name)
        replaced = mat.charges.get(mat.roles.get("A", ""), 0) if kind == "a_site" else 0
        if entry.counterions:  # a declared ionic double layer: the counter-ions are listed, not placed
            counterions.append(_counterions(entry.counterions, counts[k] * (tpl.charge - replaced), tpl.name))
        elif not metal_core:
            charge += counts[k] * (tpl.charge - replaced)
    neutral = [k for k, (e, _, _) in enumerate(groups) if e.role == "neutralize"]
    if neutral:
        counts.update(_neutralizing_counts(charge, [groups[k] for k in neutral], neutral, metal_core))
    elif charge != 0:
        raise ChemistryError(f"the shell leaves a net charge of {charge:+d} e: add ligands with role: neutralize "
                             "(X ligands for a cation-rich core, Z acceptors or protons for an anion-rich one)")
    for k in neutral:
        tpl = groups[k][1]
        if counts[k] > limits[tpl.name]:
            raise ChemistryError(
                f"neutrality needs {counts[k]} {tpl.name} but this surface holds at most {limits[tpl.name]} (its "
                "footprint): mix in a smaller X ligand (chloride, hydroxide), or choose another termination")
    return counts, limits, counterions


def _counterions(name: str, charge: int, bound: str) -> dict:
    """The diffuse-layer counter-ions that balance ``charge`` of bound ions (seed 001, Fig. 1b)."""
    ion = ligand(name)
    q = Chem.GetFormalCharge(ion.mol)
    if q == 0 or q * charge > 0:
        raise ChemistryError(f"{ion.name} (charge {q:+d}) cannot balance the {charge:+d} e of bound {bound}")
    n, rest = divmod(abs(charge), abs(q))
    if rest:
        raise ChemistryError(f"{abs(charge)} e of bound {bound} cannot be balanced by whole {ion.name} ions")
    return {"ion": ion.name, "count": int(n), "charge_each": int(q), "mass_g_mol": round(Descriptors.MolWt(ion.mol), 3),
            "note": "diffuse-layer counter-ion, listed not placed (seed 001 Fig. 1b)"}


def _pool(sites: SiteSet, kind: str, facets, used: np.ndarray) -> np.ndarray:
    mask = (sites.kind == kind) & ~used
    if facets:
        mask &= np.isin(sites.family, list(facets))
    return np.nonzero(mask)[0]


def footprint_limit(area_nm2: float, radius_A: float, tpl: Template) -> int:
    """Ligands the surface holds: the tightest slab of the ligand (its cross-section at height h over
    the surface) against the area the shell offers at that height, ``A (1 + h/R)²``, at the packing
    fraction of randomly jammed discs."""
    h, a = tpl.cross_sections
    return int(PACKING_FRACTION * np.min(area_nm2 * (1 + h / radius_A) ** 2 / np.maximum(a, 1e-3)))


def _coverage_count(coverage, n_sites: int, area_nm2: float, cap_fp: int, name: str) -> int:
    if coverage == "full":
        return min(n_sites, cap_fp)
    if isinstance(coverage, float):
        n = int(round(coverage * n_sites))
    elif isinstance(coverage, int):
        n = coverage
    else:
        n = int(round(float(str(coverage).split("/")[0]) * area_nm2))
    if n > cap_fp:
        raise InputError(f"coverage of {name} ({n} ligands) is above the footprint limit of this surface "
                         f"({cap_fp} ligands)")
    return n


def _neutralizing_counts(charge: int, groups, ids, metal_core: bool) -> dict[int, int]:
    """Counts of the neutralizing entries whose charge opposes ``charge``, split by their shares (the
    others get none)."""
    if metal_core:
        raise ChemistryError("a metal core has no excess charge to neutralize: give X ligands a coverage")
    for g in groups:
        if g[1].charge == 0:
            raise ChemistryError(f"{g[1].name} carries no charge as {g[0].motif}: it cannot neutralize")
    use = [i for i, g in enumerate(groups) if g[1].charge * charge < 0]
    out = {i: 0 for i in ids}
    if charge == 0:
        return out
    if not use:
        kind = "X ligands (anions)" if charge > 0 else "Z acceptors or protons (cations)"
        raise ChemistryError(f"the core carries {charge:+d} e and no neutralizing entry can balance it: "
                             f"add {kind} with role: neutralize")
    ids = [ids[i] for i in use]
    groups = [groups[i] for i in use]
    charge = abs(charge)
    per = [abs(g[1].charge) for g in groups]
    shares = np.array([g[0].share for g in groups], float)
    weight = shares * np.array(per)
    raw = charge * shares / weight.sum()
    n = np.floor(raw).astype(int)
    left = charge - int((n * per).sum())
    order = np.argsort(-(raw - n))
    for k in order:  # fill the remainder with whole ligands where the charge allows
        while left >= per[k]:
            n[k] += 1
            left -= per[k]
    if left:
        raise ChemistryError(f"the core charge {charge:+d} e cannot be balanced exactly with "
                             f"{', '.join(g[1].name for g in groups)} (charges {', '.join(str(-p) for p in per)})")
    out.update({i: int(c) for i, c in zip(ids, n)})
    return out


def _choose_sites(sites: SiteSet, kind: str, members: list[int], groups, counts: dict[int, int],
                  spec: ShellSpec, rng, shortfall: list[dict], face_area: np.ndarray) -> dict[int, np.ndarray]:
    """Sites for the entries sharing one site kind (module docstring, step 3)."""
    out: dict[int, np.ndarray] = {}
    used = np.zeros(len(sites), bool)
    # entries with facet filters first, then the rest
    ordered = sorted(members, key=lambda k: (groups[k][0].facets is None, -groups[k][1].footprint_nm2))
    free_members = [k for k in ordered if groups[k][0].facets is None]
    for k in ordered:
        if groups[k][0].facets is None:
            continue
        pool = _pool(sites, kind, groups[k][0].facets, used)
        chosen = _spread(sites, pool, counts.get(k, 0), face_area)
        _check_enough(groups[k], counts.get(k, 0), len(pool), kind, shortfall)
        out[k] = chosen
        used[chosen] = True
    total = sum(counts.get(k, 0) for k in free_members)
    if total == 0:
        return out
    pool = _pool(sites, kind, None, used)
    if total > len(pool):
        for k in free_members:
            if groups[k][0].role == "neutralize":
                raise ChemistryError(f"neutrality needs {total} ligands on {kind.replace('_', ' ')} sites but the "
                                     f"core offers {len(pool)}: the recipe cannot be made neutral")
        shortfall.append({"ligand": ", ".join(groups[k][1].name for k in free_members), "requested": total,
                          "placed": len(pool), "reason": f"only {len(pool)} free {kind.replace('_', ' ')} sites"})
        scale = len(pool) / total
        for k in free_members:
            counts[k] = int(math.floor(counts.get(k, 0) * scale))
        total = sum(counts.get(k, 0) for k in free_members)
    chosen = _spread(sites, pool, total, face_area)
    sizes = [counts.get(k, 0) for k in free_members]
    if spec.arrangement == "uniform":
        # the largest ligand first, shared out by face area (its footprint, not the site count, limits
        # it); the others spread over the sites left, in proportion to those sites
        for i, (k, n) in enumerate(zip(free_members, sizes)):
            last = i == len(free_members) - 1
            out[k] = _spread(sites, chosen, n, face_area if i == 0 else None, 1.0 if last else MAX_FILL_MIXED)
            chosen = np.setdiff1d(chosen, out[k])
        return out
    order = _arrange(sites, chosen, sizes, spec, rng)
    start = 0
    for k, n in zip(free_members, sizes):
        out[k] = order[start:start + n]
        start += n
    return out


def _check_enough(group, want: int, have: int, kind: str, shortfall: list[dict]) -> None:
    if want > have:
        if group[0].role == "neutralize":
            raise ChemistryError(f"neutrality needs {want} {group[1].name} on {kind.replace('_', ' ')} sites of "
                                 f"{', '.join(group[0].facets)} but only {have} exist")
        shortfall.append({"ligand": group[1].name, "requested": want, "placed": have,
                          "reason": f"only {have} free sites on {', '.join(group[0].facets)}"})


def _spread(sites: SiteSet, pool: np.ndarray, n: int, face_weight: np.ndarray | None = None,
            max_fill: float = 1.0) -> np.ndarray:
    """``n`` sites of ``pool`` in pick order: per face a quota proportional to the face's sites (or to
    ``face_weight[face]``), equal on equivalent faces (±1 where it cannot divide), spread by
    farthest-point sampling over the whole surface so that sites on neighbouring faces keep their
    distance too, the outermost sites of each face first (:func:`_tiers`: on seed-004 {100} facets the
    sites above the Pb adatoms before those between them). ``max_fill`` caps the share of a face's
    sites taken where the other faces have room (a large ligand leaves smaller ones the gaps it
    cannot use). Then, face by face and tier by tier, chosen sites move to free ones with fewer chosen
    nearest neighbours while that lowers the number of nearest-neighbour pairs (crowding, not just
    the closest distance, is what a shell of long chains cannot absorb)."""
    if n <= 0 or len(pool) == 0:
        return np.zeros(0, int)
    n = min(n, len(pool))
    uniq, inv = np.unique(sites.face[pool], return_inverse=True)
    inv = inv.ravel()
    avail = np.bincount(inv)
    weight = avail if face_weight is None else face_weight[uniq]
    # the fill cap is shared evenly by the equivalent faces of an orbit
    fam = sites.orbit[pool][np.unique(inv, return_index=True)[1]]
    fam_avail = np.array([avail[fam == fam[f]].mean() for f in range(len(uniq))])
    room = np.minimum(np.ceil(max_fill * fam_avail).astype(int), avail)
    quota = _largest_remainder(weight * n / weight.sum(), n, room if room.sum() >= n else avail)
    xyz = sites.position[pool]
    tier = _tiers(sites, pool, inv)
    picked = _fps(xyz, inv, quota, tier)
    if n == len(pool) or len(pool) < 3:
        return pool[picked]
    tree = cKDTree(xyz)
    nn = tree.query(xyz, k=2)[0][:, 1]
    pairs = tree.query_pairs(NEIGHBOUR_SHELL * float(np.median(nn)), output_type="ndarray")
    chosen = np.zeros(len(pool), bool)
    chosen[picked] = True
    indptr, indices = _csr(len(pool), pairs)
    chosen = K.declutter(chosen, (2 * inv + tier).astype(np.int64), indptr, indices, 20)
    _balance(sites, pool, chosen, indptr, indices)
    rank = np.full(len(pool), len(pool))
    rank[picked] = np.arange(len(picked))
    kept = np.nonzero(chosen)[0]
    return pool[kept[np.argsort(rank[kept], kind="stable")]]


def _balance(sites: SiteSet, pool: np.ndarray, chosen: np.ndarray, indptr: np.ndarray,
             indices: np.ndarray) -> None:
    """Even out the equivalent faces of each symmetry orbit (counts within ±1, an edge site counting
    half for each of its faces): the most crowded pick of the fullest face moves to the least crowded
    free site of the emptiest."""
    crowd = np.array([chosen[indices[indptr[i]:indptr[i + 1]]].sum() for i in range(len(chosen))])
    f1, f2 = sites.face[pool], sites.face2[pool]
    for o in np.unique(sites.orbit[pool]):
        faces = np.unique(sites.face[sites.orbit == o])
        for _ in range(len(chosen)):
            per = sites.face_counts(pool[chosen], faces)
            hi, lo = faces[np.argmax(per)], faces[np.argmin(per)]
            free = np.nonzero(~chosen & ((f1 == lo) | (f2 == lo)))[0]
            if per.max() - per.min() <= 1 or len(free) == 0:
                break
            out = np.nonzero(chosen & ((f1 == hi) | (f2 == hi)))[0]
            a, b = out[np.argmax(crowd[out])], free[np.argmin(crowd[free])]
            chosen[a], chosen[b] = False, True
            crowd[indices[indptr[a]:indptr[a + 1]]] -= 1
            crowd[indices[indptr[b]:indptr[b + 1]]] += 1


def _csr(n: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric neighbour lists of ``n`` points from index pairs, as CSR arrays."""
    if len(pairs) == 0:
        return np.zeros(n + 1, np.int64), np.zeros(0, np.int64)
    a = np.concatenate([pairs[:, 0], pairs[:, 1]])
    b = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.argsort(a, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(a, minlength=n))]).astype(np.int64)
    return indptr, b[order].astype(np.int64)


def _largest_remainder(target: np.ndarray, total: int, cap: np.ndarray) -> np.ndarray:
    base = np.minimum(np.floor(target).astype(int), cap)
    while base.sum() < total:
        room = cap - base
        rem = np.where(room > 0, target - base, -np.inf)
        k = int(np.argmax(rem))
        if not np.isfinite(rem[k]):
            break
        base[k] += 1
    return base


def _tiers(sites: SiteSet, pool: np.ndarray, face: np.ndarray) -> np.ndarray:
    """0 for the outermost sites of each face (within ``TOP_LAYER_A`` of its highest along the
    normal), 1 for the rest."""
    h = np.einsum("ij,ij->i", sites.position[pool], sites.normal[pool])
    top = np.full(face.max() + 1, -np.inf)
    np.maximum.at(top, face, h)
    return (h < top[face] - TOP_LAYER_A).astype(int)


def _fps(xyz: np.ndarray, group: np.ndarray, quota: np.ndarray, tier: np.ndarray | None = None) -> np.ndarray:
    """Farthest-point sampling with a quota per group, starting nearest the centroid, each group
    taking its lowest ``tier`` first; returns the pick order."""
    tier = np.zeros(len(xyz), int) if tier is None else tier
    left = quota.astype(int).copy()
    best = np.full(len(xyz), np.inf)
    best[left[group] == 0] = -1.0
    open_tier = np.full(len(left), tier.max() + 1)
    np.minimum.at(open_tier, group, tier)
    c = xyz - xyz.mean(axis=0)
    eligible = (left[group] > 0) & (tier == open_tier[group])
    nxt = int(np.argmin(np.where(eligible, np.einsum("ij,ij->i", c, c), np.inf)))
    picked = []
    for _ in range(int(left.sum())):
        picked.append(nxt)
        best[nxt] = -1.0
        g = group[nxt]
        left[g] -= 1
        members = group == g
        if left[g] == 0:
            best[members] = -1.0
        else:
            rest = members & (best >= 0)
            open_tier[g] = tier[rest].min() if rest.any() else open_tier[g]
        diff = xyz - xyz[nxt]
        best = np.where(best >= 0, np.minimum(best, np.einsum("ij,ij->i", diff, diff)), best)
        nxt = int(np.argmax(np.where(tier == open_tier[group], best, -1.0)))
    return np.array(picked, int)


def _arrange(sites: SiteSet, order: np.ndarray, counts: list[int], spec: ShellSpec, rng) -> np.ndarray:
    """Reorder the chosen sites so that consecutive blocks go to consecutive entries."""
    if len(counts) < 2 or spec.arrangement == "uniform":
        return order
    if spec.arrangement == "random":
        return rng.permutation(order)
    xyz = sites.position[order]
    if spec.arrangement == "janus":
        return order[np.argsort(-xyz[:, 2], kind="stable")]
    # patchy: angular sectors about z, one contiguous patch per block
    return order[np.argsort(np.arctan2(xyz[:, 1], xyz[:, 0]), kind="stable")]


# -- geometry ----------------------------------------------------------------------------------------------
def _lattice_bond_lengths(qd: BareCore) -> dict[tuple[str, str], float]:
    """Bulk bond length of every bonded element pair of the core's lattice (Å)."""
    lat = qd.core.lattice
    out: dict[tuple[str, str], float] = {}
    for s, vecs in enumerate(lat.bond_vectors):
        a = lat.elements[lat.site_types[s]]
        for v in vecs:
            b = lat.elements[lat.site_types[_site_of_bond(lat, s, v)]]
            out.setdefault((a, b), float(np.linalg.norm(v)))
    return out


def _geometry(qd: BareCore, sites: SiteSet, idx: np.ndarray, tpl: Template, kind: str, lattice_bonds):
    """Where one group goes: the core atoms it replaces, site frames, anchor points and bond lengths."""
    pos = qd.atoms.positions
    donor_el = tpl.symbols[tpl.donors[0]]
    hosts = [sites.hosts[i] for i in idx]
    lead = np.array([h[0] for h in hosts], int)
    lat = qd.core.lattice
    site = qd.atoms.arrays["lattice_site"][lead]
    key = np.stack([lat.site_types[site], lat.bulk_cn[site]], axis=1)
    kinds, which = np.unique(key, axis=0, return_inverse=True)
    donor_q = int(tpl.charges[tpl.donors[0]])
    b = np.array([bond_length(lat.elements[t], int(lat.charges[t]), int(cn), donor_el, donor_q, lattice_bonds)
                  for t, cn in kinds])[which.ravel()]
    rot = frame_rotations(sites.normal[idx])
    if kind == "capping":  # the H cap is replaced; the donor bonds the Si/C it capped
        return _cap_atoms(qd, sites.position[idx]), rot, pos[lead] + sites.normal[idx] * b[:, None], b
    if kind == "a_site":  # the ammonium N takes the A cation's place (no bond to the core)
        return lead, rot, sites.position[idx], np.full(len(idx), MIN_ANY_A / DONOR_MIN_FRACTION)
    counts = np.array([len(h) for h in hosts])
    flat = np.concatenate(hosts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    centroid = np.add.reduceat(pos[flat], starts) / counts[:, None]
    dev = pos[flat] - np.repeat(centroid, counts, 0)
    spread = np.sqrt(np.add.reduceat(np.einsum("ij,ij->i", dev, dev), starts) / counts)
    return np.zeros(0, int), rot, anchor_points(sites.position[idx], centroid, spread, b, tpl.donor_radius_A), b


def _cap_atoms(qd: BareCore, xyz: np.ndarray) -> np.ndarray:
    from scipy.spatial import cKDTree

    _, i = cKDTree(qd.atoms.positions).query(xyz)
    return np.asarray(i, int)
