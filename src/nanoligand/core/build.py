"""Build a nanocrystal core: cut a lattice with a shape, terminate its facets, keep the site data.

The pipeline, each step vectorised over atoms:

1. scale the shape so that its polyhedron (or sphere) has the volume of a sphere of the requested
   diameter;
2. move every facet plane onto a real atomic layer allowed by the termination (e.g. a Pb layer for
   seed-004 {111}); planes of one symmetry orbit see identical layer stacks, so symmetry is kept.
   Faceted shapes whose planes parallel to the c axis (prism faces) the centre's site group splits
   into several orbits are recentred on the crystal's principal rotation or screw axis
   (:func:`centred_lattice`): a wurtzite rod sits on its 6_3 axis, where the six {10-10} faces are
   equivalent, not on an atom column (3-fold), where alternate faces end on different layers;
3. cut the lattice sites inside, build the bond graph once (KD-tree), prune atoms with < 2 bonds;
4. termination extras: charge balance by whole symmetry classes (``stoichiometric``), adatoms
   (``seed004``), Z-type cations on two-coordinate anions (``cation_rich_z``), H caps (``hydrogen``);
5. return a :class:`Core`: ASE ``Atoms`` with per-atom arrays and the facet planes.

``diameter_nm`` of the result is the volume-equivalent sphere diameter of the core's lattice sites,
``d = (6 N v / π)^(1/3)`` with ``v`` the bulk volume per site (cell volume / sites per cell), the
convention of sizing papers (e.g. Moreels et al., ACS Nano 2009, 3, 3023); capping H atoms do not count.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import numpy as np
from ase import Atoms
from scipy.spatial import cKDTree

from nanoligand.core.facets import expand_family, plane_orbits
from nanoligand.core.lattice import Lattice, cluster_1d, lattice_of
from nanoligand.core.neighbours import BondGraph, bond_graph
from nanoligand.core.polyhedron import Polyhedron
from nanoligand.core.shapes import Shape, make_shape
from nanoligand.core.terminations import Termination, get_termination, layer_accepted
from nanoligand.errors import ChemistryError, GeometryError, InputError
from nanoligand.materials import Material, get

#: Supported core diameters (nm): below ~1 nm there is no bulk-like core left to facet; above 30 nm
#: the model (millions of atoms) is beyond what the census is meant for.
DIAMETER_RANGE_NM = (0.8, 30.0)
MIN_CN = 2
#: layer combinations cut and scored per build (size and shape error decide among them)
CANDIDATES = 9
#: classes tried per step when charge-balancing a stoichiometric core
NEUTRALIZE_TRIALS = 32
#: classes of each ion combined when no single class helps (PAIR_TRIALS^2 trials)
PAIR_TRIALS = 8
_EPS = 1e-6

#: low-index zones that classify the surface of spheres, per crystal system
ZONE_FAMILIES = {
    "cubic": [(1, 0, 0), (1, 1, 0), (1, 1, 1)],
    "hexagonal": [(0, 0, 1), (1, 0, 0), (1, 1, 0), (1, 0, 1)],
    "other": [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 1)],
}

KIND_LATTICE, KIND_ADATOM, KIND_CAPPING = 0, 1, 2
FILL_PASSES = 4
#: two H caps closer than this overlap by more than 0.4 Å of their Bondi radii (1.20 Å each)
MIN_CAP_A = 2.0
KIND_NAMES = ("lattice", "adatom", "capping")


@dataclass(frozen=True)
class Core:
    """A built nanocrystal core.

    Attributes
    ----------
    material, shape, termination
        What was built.
    requested_diameter_nm : float
        The diameter asked for; ``diameter_nm`` is the one the atoms give.
    atoms : ase.Atoms
        Positions (Å, centred on the origin) with per-atom arrays ``coordination`` (bonds to the
        core), ``bulk_coordination``, ``missing_bonds``, ``kind`` (0 lattice site, 1 adatom, 2 capping
        H) and ``lattice_site`` (index in the conventional cell; -1 for H).
    plane_normals, plane_distances_A, plane_spacing_A, plane_gap_A : ndarray
        Facet planes bounding the core: unit normals, distance of the outermost atomic layer
        (adatoms included), mean interlayer spacing and smallest interlayer gap along the normal.
        For a sphere these are the low-index *zone* normals used to classify its surface;
        ``plane_distances_A`` is then empty.
    lattice : Lattice
        The bulk lattice (bonds, symmetry) the core was cut from.
    """

    material: Material
    shape: Shape
    termination: Termination
    requested_diameter_nm: float
    atoms: Atoms
    plane_normals: np.ndarray
    plane_distances_A: np.ndarray
    plane_spacing_A: np.ndarray
    plane_gap_A: np.ndarray
    lattice: Lattice

    @property
    def diameter_nm(self) -> float:
        """Volume-equivalent sphere diameter of the lattice sites (module docstring)."""
        n_sites = int(np.sum(self.atoms.arrays["kind"] != KIND_CAPPING))
        volume = n_sites * self.material.volume_per_atom_A3
        return float((6.0 * volume / math.pi) ** (1.0 / 3.0) / 10.0)

    @cached_property
    def census(self):
        """The surface census (:func:`nanoligand.surface.census`), taken once: it annotates ``atoms``
        with ``facet``, ``site_role`` and ``face``."""
        from nanoligand.surface import census

        return census(self)

    @property
    def faceted(self) -> bool:
        return len(self.plane_distances_A) > 0

    def polyhedron(self) -> Polyhedron | None:
        """The facet polyhedron, each plane half a mean layer spacing outside its outermost layer,
        so that its volume matches the atoms' bulk volume; None for spheres."""
        if not self.faceted:
            return None
        return Polyhedron(self.plane_normals, self.plane_distances_A + 0.5 * self.plane_spacing_A)


def check_diameter(diameter_nm: float) -> float:
    """Validate a diameter (nm) against :data:`DIAMETER_RANGE_NM`."""
    try:
        d = float(diameter_nm)
    except (TypeError, ValueError):
        raise InputError(f"diameter must be a number in nm, got {diameter_nm!r}") from None
    lo, hi = DIAMETER_RANGE_NM
    if not math.isfinite(d) or not lo <= d <= hi:
        raise InputError(f"diameter {diameter_nm} nm is outside the supported range {lo}-{hi} nm")
    return d


@cache
def _xh_bond_lengths() -> dict[str, float]:
    text = resources.files("nanoligand.data").joinpath("bonds.yaml").read_text(encoding="utf-8")
    from nanoligand.tables import parse_data

    return {k: float(v["length_A"]) for k, v in parse_data(text)["X-H"].items()}


def build(material: str | Material, diameter_nm: float, shape: str | None = None,
          termination: str | None = None, *, facet_energies: dict[str, float] | None = None,
          ratio: float | None = None, aspect: float | None = None) -> Core:
    """Cut, terminate and annotate a nanocrystal core (see module docstring).

    Parameters
    ----------
    material : str or Material
        Key or alias from ``nanoligand materials`` (``"PbS"``, ``"CdSe-wz"`` ...).
    diameter_nm : float
        Target volume-equivalent diameter, within :data:`DIAMETER_RANGE_NM`.
    shape : str, optional
        Shape name (:data:`nanoligand.core.shapes.SHAPES`); the material's default if None, or
        ``wulff`` when ``facet_energies`` are given.
    termination : str, optional
        Termination name (:data:`nanoligand.core.terminations.TERMINATIONS`); the material's default
        if None.
    facet_energies, ratio, aspect
        Shape parameters (see :func:`nanoligand.core.shapes.make_shape`).

    Returns
    -------
    Core

    Examples
    --------
    >>> core = build("PbS", 3.0, "truncated-octahedron", "seed004")
    >>> core.atoms.get_chemical_symbols().count("Pb") > core.atoms.get_chemical_symbols().count("S")
    True
    """
    mat = get(material)
    d = check_diameter(diameter_nm)
    lattice = lattice_of(mat)
    if shape is None:
        shape = "wulff" if facet_energies else mat.default_shape
    sh = make_shape(shape, lattice, facet_energies=facet_energies, ratio=ratio, aspect=aspect)
    lattice = centred_lattice(sh, lattice)
    term = get_termination(termination, mat)
    _check_shape_for_termination(sh, term, lattice)

    volume = math.pi / 6.0 * (10.0 * d) ** 3
    pos, site, graph, alive = _select_cut(sh, term, lattice, volume, d)
    if term.neutralize and mat.is_ionic:
        alive = _neutralize(graph, alive, pos, site, lattice)
    cn = graph.coordination(alive)[alive]
    pos, site = pos[alive], site[alive]
    kind = np.full(len(pos), KIND_LATTICE)

    if term.adatom_family is not None:
        pos, site, cn, kind = _add_adatoms(pos, site, cn, kind, sh.normals, lattice, term.adatom_family)
    if term.z_cations:
        pos, site, cn, kind = _add_z_cations(pos, site, cn, kind, lattice)
    normals, outer, spacing, gap = _facet_planes(sh, pos, lattice)
    if term.cap_hydrogen:
        pos, site, cn, kind = _add_hydrogen(pos, site, cn, kind, lattice)
    atoms = _to_atoms(pos, site, cn, kind, lattice)
    return Core(mat, sh, term, d, atoms, normals, outer, spacing, gap, lattice)


def centred_lattice(sh: Shape, lattice: Lattice) -> Lattice:
    """The lattice centred for ``sh``: the material's centre, or the nearest point on the principal
    (highest-order) rotation or screw axis along c where that makes more of the shape's planes
    equivalent.

    Planes parallel to the axis are equivalent when an operation that keeps the axis line (a screw
    included, :meth:`Lattice.axial_ops`) maps one onto the other at the same target distance: they
    then see the same layer stack and are cut at the same layer. On wurtzite's default centre, an
    atom column (3-fold axis, site group C3v), the six {10-10} planes form two sets of three whose
    layer stacks differ (layers at 0, d/3, d, 4d/3 ... along one normal, 0, 2d/3, d, 5d/3 ... along
    the opposite one), so alternate faces end at different layers and carry different atoms. On the
    6_3 axis through the hexagonal channel, (0, 0, z), also C3v, every normal sees layers at d/3,
    2d/3, 4d/3 ... and the screw maps each face onto the next: all six are cut alike.
    Only prisms move (rods, platelets, Wulff shapes of prism and basal faces: every plane parallel
    or normal to the axis); a screw shifts an inclined (pyramidal) plane by a fraction of a layer,
    so no centre makes those equivalent and they keep the material's centre. The move is kept only
    if the site group does not shrink and the number of plane classes falls, so cubic and
    tetragonal cores (whose side faces are already one orbit) keep their centre.
    """
    if sh.is_sphere or len(sh.normals) == 0:
        return lattice
    axis = lattice.cell[2] / np.linalg.norm(lattice.cell[2])
    along = np.abs(sh.normals @ axis)
    side = along < 1e-8
    if side.sum() < 2 or not np.all(side | (along > 1 - 1e-8)):
        return lattice
    before = _cut_classes(sh.normals, lattice, sh.weights, axis)
    if len(np.unique(before[side])) == 1:
        return lattice
    centre = lattice.axis_centre(axis)
    if centre is None:
        return lattice
    moved = lattice_of(lattice.material, centre)
    after = _cut_classes(sh.normals, moved, sh.weights, axis)
    if len(moved.site_group) >= len(lattice.site_group) and after.max() < before.max():
        return moved
    return lattice


def _cut_classes(normals: np.ndarray, lattice: Lattice, target: np.ndarray,
                 axis: np.ndarray | None = None) -> np.ndarray:
    """Classes of planes cut at the same layer: orbits of the site group (the whole plane set, with
    distances), merged for planes parallel to ``axis`` (default c) that an axial operation (screw
    axes included) maps onto each other at equal target distance. Labels 0, 1, ... in order of
    first appearance."""
    label = plane_orbits(normals, lattice.site_group, target)
    if axis is None:
        axis = lattice.cell[2] / np.linalg.norm(lattice.cell[2])
    side = np.nonzero(np.abs(normals @ axis) < 1e-8)[0]
    if len(side) < 2:
        return label
    for op in lattice.axial_ops(axis):
        cos = (normals[side] @ op.T) @ normals[side].T  # image of plane a against plane b
        for ia, ib in zip(*np.nonzero(cos > 1 - 1e-6)):
            a, b = side[ia], side[ib]
            if abs(target[a] - target[b]) < 1e-3 and label[a] != label[b]:
                label[label == label[b]] = label[a]
    _, first, inverse = np.unique(label, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inverse.ravel()]


def _check_shape_for_termination(sh: Shape, term: Termination, lattice: Lattice) -> None:
    if term.families is None:
        return
    if sh.is_sphere:
        raise ChemistryError(f"termination {term.name!r} is defined facet by facet; use a faceted shape "
                             "(truncated-octahedron, cube, octahedron or wulff)")
    ok = np.any([_family_mask(sh.normals, f, lattice) for f in term.families], axis=0)
    if not ok.all():
        raise ChemistryError(f"termination {term.name!r} is defined for "
                             f"{', '.join('{' + ''.join(map(str, f)) + '}' for f in term.families)} "
                             f"facets only; shape {sh.name!r} exposes others")


def _candidate_cuts(sh: Shape, term: Termination, lattice: Lattice,
                    volume: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut variants around the target, best first: (cut distances, effective distances) per plane,
    or (radius, radius) for spheres.

    The target is the shape scaled to the requested volume, plane distances ``T``. Facets that must
    end on particular layers move in whole layers; for each symmetry orbit of planes the three
    allowed layers whose *effective* plane (outermost atoms, plus the adatom layer if the
    termination adds one, plus half a mean layer spacing) is nearest ``T`` are tried, every
    combination is scored by ``max |E/T - 1|`` and the best few are kept for
    :func:`_select_cut`. Spheres try the six atomic shell radii nearest the target (cation shells
    only for cation-rich terminations, so that the outermost shell is cationic).
    """
    scale = sh.scale_for_volume(volume)
    if sh.is_sphere:
        pos, site = lattice.sites_in_sphere(scale + 6.0)
        if term.outer_layer == "cation":
            pos = pos[lattice.charges[lattice.site_types[site]] > 0]
        shells = np.unique(np.round(np.linalg.norm(pos, axis=1), 4))
        near = shells[np.argsort(np.abs(shells - scale))[:6]]
        return [(np.array([r]), np.array([r])) for r in near]
    target = sh.weights * scale
    if term.outer_layer == "any":
        return [(target, target)]
    orbit = _cut_classes(sh.normals, lattice, target)
    adatom = _family_mask(sh.normals, term.adatom_family, lattice)
    options = []
    for o in range(orbit.max() + 1):
        rep = int(np.nonzero(orbit == o)[0][0])
        n = sh.normals[rep]
        stack = lattice.layers(n)
        pos, idx = stack.positions_near(target[rep])
        ok = np.array([layer_accepted(term.outer_layer, stack.elements[i], int(stack.surface_cn[i]), lattice)
                       for i in idx])
        if not ok.any():
            ok = stack.surface_cn[idx] >= MIN_CN
        cut = pos[ok & (pos > 0)]
        eff = cut + 0.5 * stack.mean_spacing_A + (_outward_bond(lattice, n) if adatom[rep] else 0.0)
        best = np.argsort(np.abs(eff - target[rep]))[:3]
        options.append((cut[best], eff[best]))
    per = 3 if 3 ** len(options) <= 243 else (2 if 2 ** len(options) <= 243 else 1)
    scored = []
    for combo in itertools.product(*[range(min(per, len(c))) for c, _ in options]):
        cut = np.array([options[orbit[p]][0][combo[orbit[p]]] for p in range(len(target))])
        eff = np.array([options[orbit[p]][1][combo[orbit[p]]] for p in range(len(target))])
        scored.append((float(np.max(np.abs(eff / target - 1))), cut, eff))
    scored.sort(key=lambda t: t[0])
    return [(c, e) for _, c, e in scored[:CANDIDATES]]


def _outward_bond(lattice: Lattice, normal: np.ndarray) -> float:
    """Projection on ``normal`` of the most outward bond of an anion: where an adatom sits."""
    anion_sites = np.nonzero(lattice.charges[lattice.site_types] < 0)[0]
    return float(max((lattice.bond_vectors[s] @ normal).max() for s in anion_sites))


def _select_cut(sh: Shape, term: Termination, lattice: Lattice, volume: float, d_nm: float):
    """Cut every candidate from one superset of sites with one bond graph; keep the best.

    Best = smallest ``|d/d_target - 1|`` (adatoms counted) plus the shape's distortion (spread of
    the candidate's plane distances relative to the target shape); for ``cation``-layer
    terminations a candidate with a net cation excess wins over one without.
    """
    cands = _candidate_cuts(sh, term, lattice, volume)
    if sh.is_sphere:
        pos, site = lattice.sites_in_sphere(max(c[0] for c, _ in cands))
        depth = np.linalg.norm(pos, axis=1)[:, None]
        normals = np.zeros((0, 3))
        target = None
    else:
        biggest = np.max(np.vstack([c for c, _ in cands]), axis=0)
        pos, site = lattice.sites_in_sphere(Polyhedron(sh.normals, biggest).circumradius + 1e-3)
        depth = pos @ sh.normals.T
        keep = np.all(depth <= biggest + _EPS, axis=1)
        pos, site, depth = pos[keep], site[keep], depth[keep]
        normals = sh.normals
        target = sh.weights
    if len(pos) == 0:
        raise GeometryError(f"a {d_nm} nm {sh.name} of {lattice.material.key} holds no lattice site; "
                            "choose a larger size")
    types = lattice.site_types[site]
    q = lattice.charges[types]
    graph = bond_graph(pos, types, lattice.cutoff)
    v_site = lattice.material.volume_per_atom_A3
    adatom_planes = _family_mask(normals, term.adatom_family, lattice)
    spacing = np.array([lattice.layers(nv).min_gap_A for nv in normals[adatom_planes]])
    scored = []
    for dist, eff in cands:
        alive = graph.prune(np.all(depth <= dist + _EPS, axis=1), MIN_CN)
        n = int(alive.sum())
        if n < 2:
            continue
        if adatom_planes.any():
            sub = depth[alive][:, adatom_planes]
            n += int(np.sum((q[alive] < 0)[:, None] & (sub.max(axis=0) - sub < 0.5 * spacing)))
        d_est = (6.0 * n * v_site / math.pi) ** (1.0 / 3.0) / 10.0
        shape_error = 0.0 if target is None else _area_share_error(sh, eff, target)
        no_excess = term.outer_layer == "cation" and int(q[alive].sum()) <= 0
        scored.append((no_excess, abs(d_est / d_nm - 1) + shape_error, alive))
    if not scored:
        raise GeometryError(f"no core survives pruning at {d_nm} nm ({sh.name}, {term.name}); "
                            "choose a larger size")
    best = min(scored, key=lambda t: (t[0], t[1]))
    return pos, site, graph, best[2]


def _area_share_error(sh: Shape, eff: np.ndarray, target: np.ndarray) -> float:
    """How far a cut's facet families are from the requested shape: the summed difference of their
    shares of the surface area (an Archimedean truncated octahedron has 22.4 % {100}), so that the
    cut closest to the asked-for shape wins among those whole layers allow."""
    def shares(d):
        areas = Polyhedron(sh.normals, d).areas
        fam = sh.family_index
        total = areas.sum()
        return np.array([areas[fam == f].sum() / total for f in np.unique(fam)]) if total > 0 else np.zeros(1)

    try:
        return float(np.abs(shares(eff) - shares(target)).sum())
    except Exception:  # a degenerate candidate polyhedron: as far from the shape as it gets
        return 2.0


def _family_mask(normals: np.ndarray, family, lattice: Lattice) -> np.ndarray:
    """Which planes belong to ``family`` (all signs); all False if family is None."""
    if family is None or len(normals) == 0:
        return np.zeros(len(normals), bool)
    fam = expand_family(family, lattice.laue_group, lattice.cell)[0]
    return np.any(np.abs(normals @ fam.T - 1) < 1e-8, axis=1)


def _neutralize(graph: BondGraph, alive: np.ndarray, pos: np.ndarray, site: np.ndarray,
                lattice: Lattice) -> np.ndarray:
    """Bring the net formal charge towards zero by removing whole classes of surface ions.

    A class is all alive surface atoms sharing element, coordination and distance from the centre:
    a union of symmetry orbits, so removing it keeps the core's symmetry. Each step removes the
    class that brings |charge| lowest after re-pruning (ties: lower coordination, larger radius).
    When no single class helps (every class of the excess ion overshoots), pairs are tried: one
    class of the excess ion with one of the other ion. No step removes more than a quarter of the
    atoms; the residual charge, if any, is reported by the census.
    """
    types = lattice.site_types[site]
    q_el = lattice.charges[types]
    shell = cluster_1d(np.linalg.norm(pos, axis=1), tol=1e-4)
    bulk = lattice.bulk_cn[site]

    def classes(alive: np.ndarray, sign: int) -> list[np.ndarray]:
        cn = graph.coordination(alive)
        cand = alive & (np.sign(q_el) == sign) & (cn < bulk)
        if not cand.any():
            return []
        keys = np.stack([types[cand], cn[cand], shell[cand]], 1)
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        charge = np.bincount(inverse, weights=q_el[cand])
        idx = np.nonzero(cand)[0]
        q = int(q_el[alive].sum())
        order = np.lexsort((-uniq[:, 2], uniq[:, 1], np.abs(q - charge)))
        return [idx[inverse == c] for c in order[:NEUTRALIZE_TRIALS]]

    def removed(alive: np.ndarray, *groups: np.ndarray) -> np.ndarray:
        trial = alive.copy()
        for g in groups:
            trial[g] = False
        return graph.prune(trial, MIN_CN)

    for _ in range(200):
        q = int(q_el[alive].sum())
        if q == 0:
            break
        floor = 0.75 * int(alive.sum())
        trials = [removed(alive, g) for g in classes(alive, int(np.sign(q)))]
        if not any(abs(int(q_el[t].sum())) < abs(q) and t.sum() >= floor for t in trials):
            first = classes(alive, int(np.sign(q)))[:PAIR_TRIALS]
            other = classes(alive, -int(np.sign(q)))[:PAIR_TRIALS]
            trials = [removed(alive, g, h) for g in first for h in other]
        good = [t for t in trials if abs(int(q_el[t].sum())) < abs(q) and t.sum() >= floor]
        if not good:
            break
        alive = min(good, key=lambda t: abs(int(q_el[t].sum())))
    return alive


def _facet_planes(sh: Shape, pos: np.ndarray, lattice: Lattice):
    """Exposed facet planes: unit normals, outermost atomic layer (adatoms included), mean layer
    spacing and smallest interlayer gap along each normal. Spheres get the zone normals only."""
    normals = zone_normals(lattice) if sh.is_sphere else sh.normals
    spacing = np.array([lattice.layers(n).mean_spacing_A for n in normals])
    gap = np.array([lattice.layers(n).min_gap_A for n in normals])
    if sh.is_sphere:
        return normals, np.zeros(0), spacing, gap
    outer = (pos @ normals.T).max(axis=0)
    keep = Polyhedron(normals, outer + 0.5 * spacing).exposed
    return normals[keep], outer[keep], spacing[keep], gap[keep]


def zone_normals(lattice: Lattice) -> np.ndarray:
    """Low-index plane normals used to classify the surface of spheres (all signs)."""
    fams = ZONE_FAMILIES.get(lattice.crystal_system, ZONE_FAMILIES["other"])
    normals = np.vstack([expand_family(f, lattice.laue_group, lattice.cell)[0] for f in fams])
    _, idx = np.unique(np.round(normals, 6), axis=0, return_index=True)
    return normals[np.sort(idx)]


def _bonds_between(pos_a: np.ndarray, types_a: np.ndarray, pos_b: np.ndarray, types_b: np.ndarray,
                   cutoff: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bonded pairs (index in a, index in b) between two point sets."""
    sdm = cKDTree(pos_a).sparse_distance_matrix(cKDTree(pos_b), float(cutoff.max()), output_type="ndarray")
    if len(sdm) == 0:
        return np.zeros(0, int), np.zeros(0, int)
    i, j, dd = sdm["i"], sdm["j"], sdm["v"]
    keep = (dd > 0.1) & (dd <= cutoff[types_a[i], types_b[j]])
    return i[keep], j[keep]


def _add_adatoms(pos, site, cn, kind, normals, lattice: Lattice, family):
    """One cation at the outward bond site of every outermost anion of ``family`` facets."""
    q = lattice.charges[lattice.site_types[site]]
    new_pos, new_site = [], []
    for n in normals[_family_mask(normals, family, lattice)]:
        depth = (pos @ n).max() - pos @ n
        on = (q < 0) & (depth < 0.5 * lattice.layers(n).min_gap_A)
        for st in np.unique(site[on]):
            vec = lattice.bond_vectors[st]
            v = vec[np.argmax(vec @ n)]
            sel = on & (site == st)
            new_pos.append(pos[sel] + v)
            new_site.append(np.full(sel.sum(), _site_of_bond(lattice, st, v)))
    if not new_pos:
        return pos, site, cn, kind
    add = np.vstack(new_pos)
    add_site = np.concatenate(new_site)
    _, first = np.unique(np.round(add, 3), axis=0, return_index=True)
    add, add_site = add[np.sort(first)], add_site[np.sort(first)]
    return _append(pos, site, cn, kind, add, add_site, KIND_ADATOM, lattice)


def _site_of_bond(lattice: Lattice, site: int, vector: np.ndarray) -> int:
    """Basis index of the lattice site at ``site + vector``."""
    target = (lattice.frac[site] @ lattice.cell + vector) @ np.linalg.inv(lattice.cell)
    diff = lattice.frac - np.mod(target, 1.0)
    diff -= np.round(diff)
    return int(np.argmin(np.linalg.norm(diff @ lattice.cell, axis=1)))


def _append(pos, site, cn, kind, add, add_site, add_kind, lattice: Lattice):
    """Append lattice-site atoms and update coordination numbers on both sides of new bonds."""
    types = lattice.site_types[site]
    add_types = lattice.site_types[add_site]
    i, j = _bonds_between(add, add_types, pos, types, lattice.cutoff)
    cn = cn + np.bincount(j, minlength=len(pos))
    add_cn = np.bincount(i, minlength=len(add))
    return (np.vstack([pos, add]), np.concatenate([site, add_site]), np.concatenate([cn, add_cn]),
            np.concatenate([kind, np.full(len(add), add_kind)]))


def _add_hydrogen(pos, site, cn, kind, lattice: Lattice):
    """Cap every missing bond of a surface atom with H along the bulk bond direction.

    A lattice site that two or more surface atoms miss a bond to would get two H caps about 1.4 Å
    apart (a steric impossibility): such sites are filled with a lattice atom first (repeatedly,
    ``FILL_PASSES`` times), so that every cap points into open space; caps that would still come
    closer than ``MIN_CAP_A`` to another cap are left out and reported by the census (the atom keeps
    a dangling bond)."""
    el = lattice.elements[0]
    try:
        d_xh = _xh_bond_lengths()[el]
    except KeyError:
        raise ChemistryError(f"no sourced {el}-H bond length in data/bonds.yaml") from None
    pos, site, cn, kind = _fill_shared(pos, site, cn, kind, lattice, KIND_LATTICE)
    target, owner, vec_of = _missing_bond_targets(pos, site, cn, lattice)
    if len(target) == 0:
        return pos, site, cn, kind
    unit = vec_of / np.linalg.norm(vec_of, axis=1)[:, None]
    h = pos[owner] + unit * d_xh
    if len(h) > 1:  # caps that still crowd another are left out
        near = cKDTree(h).query(h, k=2)[0][:, 1]
        h = h[near >= MIN_CAP_A]
    return (np.vstack([pos, h]), np.concatenate([site, np.full(len(h), -1)]),
            np.concatenate([cn, np.ones(len(h), int)]), np.concatenate([kind, np.full(len(h), KIND_CAPPING)]))


def _fill_shared(pos, site, cn, kind, lattice: Lattice, add_kind: int, anions_only: bool = False):
    """Fill every empty lattice site that the missing bonds of two or more surface atoms point at
    (of surface anions only, if ``anions_only``), repeatedly (``FILL_PASSES`` times)."""
    for _ in range(FILL_PASSES):
        target, owner, vec_of = _missing_bond_targets(pos, site, cn, lattice)
        if anions_only:
            keep = lattice.charges[lattice.site_types[site[owner]]] < 0
            target, owner, vec_of = target[keep], owner[keep], vec_of[keep]
        if len(target) == 0:
            break
        keys, inverse, counts = np.unique(np.round(target, 2), axis=0, return_inverse=True, return_counts=True)
        shared = counts[inverse.ravel()] >= 2
        if not shared.any():
            break
        _, first = np.unique(inverse.ravel()[shared], return_index=True)
        add = target[shared][first]
        add_site = np.array([_site_of_bond(lattice, int(site[o]), v) for o, v in
                             zip(owner[shared][first], vec_of[shared][first])], int)
        pos, site, cn, kind = _append(pos, site, cn, kind, add, add_site, add_kind, lattice)
    return pos, site, cn, kind


def _add_z_cations(pos, site, cn, kind, lattice: Lattice):
    """A cation on the most outward missing bond of every two-coordinate anion, then on every empty
    cation site two surface anions share (:func:`_fill_shared`): the ``cation_rich_z`` termination."""
    target, owner, vec_of = _missing_bond_targets(pos, site, cn, lattice)
    weak = (lattice.charges[lattice.site_types[site[owner]]] < 0) & (cn[owner] <= 2)
    if weak.any():
        target, owner, vec_of = target[weak], owner[weak], vec_of[weak]
        radial = pos[owner] - pos.mean(axis=0)
        outward = np.einsum("ij,ij->i", vec_of, radial) / np.maximum(np.linalg.norm(radial, axis=1), 1e-9)
        order = np.lexsort((-outward, owner))
        first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
        _, uniq = np.unique(np.round(target[first], 2), axis=0, return_index=True)
        first = first[np.sort(uniq)]
        add_site = np.array([_site_of_bond(lattice, int(site[o]), v) for o, v in zip(owner[first], vec_of[first])],
                            int)
        pos, site, cn, kind = _append(pos, site, cn, kind, target[first], add_site, KIND_ADATOM, lattice)
    return _fill_shared(pos, site, cn, kind, lattice, KIND_ADATOM, anions_only=True)


def _missing_bond_targets(pos, site, cn, lattice: Lattice):
    """Lattice positions the missing bonds of surface atoms point at: (targets, owner atom, bond vector)."""
    surf = np.nonzero(cn < lattice.bulk_cn[np.maximum(site, 0)])[0]
    tree = cKDTree(pos)
    out_t, out_o, out_v = [], [], []
    for st in np.unique(site[surf]):
        atoms_st = surf[site[surf] == st]
        vec = lattice.bond_vectors[st]
        target = (pos[atoms_st][:, None, :] + vec[None, :, :]).reshape(-1, 3)
        dist, _ = tree.query(target, distance_upper_bound=0.5)
        free = ~np.isfinite(dist)
        out_t.append(target[free])
        out_o.append(np.repeat(atoms_st, len(vec))[free])
        out_v.append(np.tile(vec, (len(atoms_st), 1))[free])
    if not out_t:
        return np.zeros((0, 3)), np.zeros(0, int), np.zeros((0, 3))
    return np.vstack(out_t), np.concatenate(out_o), np.vstack(out_v)


def _to_atoms(pos, site, cn, kind, lattice: Lattice) -> Atoms:
    is_h = kind == KIND_CAPPING
    symbols = np.where(is_h, "H", np.array(lattice.elements, dtype=object)[lattice.site_types[np.maximum(site, 0)]])
    bulk = np.where(is_h, 1, lattice.bulk_cn[np.maximum(site, 0)])
    type_order = np.where(is_h, len(lattice.elements), lattice.site_types[np.maximum(site, 0)])
    order = np.lexsort((np.linalg.norm(pos, axis=1).round(6), kind, type_order))
    atoms = Atoms(symbols=list(symbols[order]), positions=pos[order])
    atoms.new_array("coordination", cn[order].astype(np.int64))
    atoms.new_array("bulk_coordination", bulk[order].astype(np.int64))
    atoms.new_array("missing_bonds", np.maximum(bulk - cn, 0)[order].astype(np.int64))
    atoms.new_array("kind", kind[order].astype(np.int64))
    atoms.new_array("lattice_site", site[order].astype(np.int64))
    return atoms
