"""Surface census of a nanocrystal core: facets, site roles, coordination, areas, charge.

Per atom (named arrays on the core's ASE ``Atoms``):

``coordination`` / ``bulk_coordination`` / ``missing_bonds``
    bonds to the core, in the bulk, and the difference (from the builder);
``facet``
    the facet family the atom lies on (``"-"`` for interior atoms);
``site_role``
    ``bulk``, ``facet`` (interior of one face), ``edge`` (two faces), ``vertex`` (three or more),
    ``adatom`` (added by the termination) or ``capping`` (H);
``face``
    index of the face (plane) the atom belongs to, -1 for interior atoms.

An atom is a *surface* atom if it misses a bond, was added as an adatom, or lies in the outermost
atomic layer of a facet (depth below half a mean layer spacing). Its face is the plane it is
shallowest under, measured in layers; ties go to the family listed first by the shape. Its role
counts the planes within half a layer of that depth.

Facet *families* are symmetry orbits of the exposed planes under the core's own symmetry (the
lattice site group about the centre, restricted to operations that keep the shape). Each family
reports faces, geometric area (nm², the polyhedron through half a layer spacing outside the
outermost atoms, whose volume equals the atoms' bulk volume), area fraction and atoms by element.

Spheres have no planes: their surface atoms are classified by the low-index direction nearest to
their radial direction (zones {100}, {110}, {111} on cubic lattices); zone areas are the matching
fractions of the sphere of diameter ``diameter_nm``.

Examples
--------
>>> from nanoligand.core.build import build
>>> c = census(build("PbS", 3.0, "truncated-octahedron", "seed004"))
>>> [f.family for f in c.facets]
['{100}', '{111}']
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from nanoligand.core.build import KIND_ADATOM, KIND_CAPPING, Core
from nanoligand.core.facets import family_label, miller_of, plane_orbits

NO_FACET = "-"
#: relative deviation of the built diameter from the requested one above which the census warns
DIAMETER_WARN_FRACTION = 0.05
ROLES = ("bulk", "facet", "edge", "vertex", "adatom", "capping")
_SPHERE_QUADRATURE_POINTS = 20000
Counts = dict[str, int]  #: atoms per element, or per site role


@dataclass(frozen=True)
class FacetFamily:
    """One family of symmetry-equivalent exposed faces."""

    family: str
    n_faces: int
    area_nm2: float
    area_fraction: float
    atoms: Counts
    roles: Counts
    atoms_per_face: list[int]


@dataclass(frozen=True)
class Census:
    """The site census of a core (see module docstring); ``to_dict()`` gives the JSON form."""

    material: str
    shape: str
    termination: str
    requested_diameter_nm: float
    diameter_nm: float
    n_atoms: int
    composition: Counts
    formula: str
    cation_anion_ratio: float | None
    net_charge: int
    x_ligands_for_neutrality: int
    cation_charge_for_neutrality: int
    surface_area_nm2: float
    volume_nm3: float
    molar_mass_g_mol: float
    extent_nm: dict[str, float]
    edge_lengths_nm: dict[str, float]
    n_surface_atoms: int
    surface_atoms: Counts
    surface_coordination: dict[str, dict[int, int]]
    facets: list[FacetFamily]
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["surface_coordination"] = {el: {str(k): v for k, v in h.items()}
                                     for el, h in self.surface_coordination.items()}
        return d


@dataclass(frozen=True)
class SiteLabels:
    """Per-atom results of the classification (arrays aligned with the core's atoms)."""

    facet: np.ndarray
    role: np.ndarray
    face: np.ndarray


def classify(core: Core) -> tuple[SiteLabels, list[tuple[str, list[int]]], np.ndarray, np.ndarray]:
    """Assign every atom a face, facet family and role.

    Returns
    -------
    labels : SiteLabels
    families : list of (label, plane indices)
        Families in shape order.
    face_area_A2 : ndarray
        Geometric area of each plane's face (Å²).
    face_counts : ndarray (planes, elements)
        Atoms of each element on each face (outermost layer; edge atoms count for every face).
    """
    atoms = core.atoms
    pos = atoms.positions
    kind = atoms.arrays["kind"]
    missing = atoms.arrays["missing_bonds"]
    is_core = kind != KIND_CAPPING
    normals = core.plane_normals
    n = len(pos)
    face = np.full(n, -1, dtype=np.int64)
    role = np.full(n, "bulk", dtype=object)

    if core.faceted:
        depth = (core.plane_distances_A[None, :] - pos[is_core] @ normals.T) / core.plane_gap_A[None, :]
        rank = _shape_rank(core)
        shallowest = depth.min(axis=1)
        surface = (shallowest < 0.5) | (missing[is_core] > 0) | (kind[is_core] == KIND_ADATOM)
        primary = np.argmin(depth + 1e-3 * rank[None, :], axis=1)
        n_on = np.sum(depth <= shallowest[:, None] + 0.5, axis=1)
        core_role = np.where(n_on >= 3, "vertex", np.where(n_on == 2, "edge", "facet")).astype(object)
        core_face = np.where(surface, primary, -1)
        core_role[~surface] = "bulk"
        on_face = depth < 0.5  # (atoms, planes): outermost layer of each face
    else:
        unit = pos[is_core] / np.maximum(np.linalg.norm(pos[is_core], axis=1), 1e-12)[:, None]
        surface = (missing[is_core] > 0) | (kind[is_core] == KIND_ADATOM)
        cos = unit @ normals.T
        core_face = np.where(surface, np.argmax(cos, axis=1), -1)
        core_role = np.where(surface, "facet", "bulk").astype(object)
        # an atom on the border of two zones counts for both (as edge atoms do on facets)
        on_face = surface[:, None] & (cos >= cos.max(axis=1, keepdims=True) - 1e-9)
    core_role[kind[is_core] == KIND_ADATOM] = "adatom"
    face[is_core] = core_face
    role[is_core] = core_role

    if (~is_core).any():  # capping atoms take the face of the atom they cap
        _, host = cKDTree(pos[is_core]).query(pos[~is_core])
        face[~is_core] = core_face[host]
        role[~is_core] = "capping"

    symbols = np.array(atoms.get_chemical_symbols())[is_core]
    elements = list(core.material.elements)
    face_counts = np.stack([on_face[symbols == el].sum(axis=0) for el in elements], axis=1)
    families = _families(core, face_counts)
    label_of_plane = np.empty(len(normals), dtype=object)
    for label, members in families:
        label_of_plane[members] = label
    facet = np.where(face >= 0, label_of_plane[np.maximum(face, 0)], NO_FACET).astype(object)
    return SiteLabels(facet.astype(str), role.astype(str), face), families, face_areas_A2(core), face_counts


def face_areas_A2(core: Core) -> np.ndarray:
    """Geometric area (Å²) of each plane's face: polyhedron faces, or the zones of a sphere."""
    if core.faceted:
        return core.polyhedron().areas
    return _sphere_zone_areas(core.plane_normals, core.diameter_nm * 10.0)


def _shape_rank(core: Core) -> np.ndarray:
    """Tie-break rank of each plane: the index of the shape family it comes from."""
    order = core.shape.family_index
    if len(order) == len(core.plane_normals):
        return order.astype(float)
    lookup = {tuple(np.round(nv, 6)): r for nv, r in zip(core.shape.normals, order)}
    return np.array([lookup.get(tuple(np.round(nv, 6)), 0) for nv in core.plane_normals], float)


def face_orbits(core: Core) -> np.ndarray:
    """Per plane, its orbit under the core's own point group: faces in one orbit are equivalent."""
    return plane_orbits(core.plane_normals, core.lattice.site_group,
                        core.plane_distances_A if core.faceted else None)


def _families(core: Core, face_counts: np.ndarray) -> list[tuple[str, list[int]]]:
    """Facet families, labelled by Miller index, in the order of the shape's families.

    A family is first a symmetry orbit of planes under the core's own point group (the lattice site
    group about the centre, restricted to operations that keep each plane's distance), so its
    faces are equivalent and carry equal atoms. Orbits that the crystal's full point group relates
    (wurtzite's two sets of {10-10} prism faces in a C3v-centred core) are merged when their faces
    carry the same atoms.
    """
    normals = core.plane_normals
    dist = core.plane_distances_A if core.faceted else None
    site_orbit = face_orbits(core)
    crystal_orbit = plane_orbits(normals, core.lattice.point_group, dist)
    content = {o: sorted(map(tuple, face_counts[site_orbit == o])) for o in range(site_orbit.max() + 1)}
    merged: dict[tuple, list[int]] = {}
    for o in range(site_orbit.max() + 1):
        members = np.nonzero(site_orbit == o)[0]
        key = (int(crystal_orbit[members[0]]), tuple(content[o]))
        merged.setdefault(key, []).extend(int(p) for p in members)
    cell = core.lattice.cell
    hexa = core.lattice.hexagonal
    millers = [miller_of(nv, cell) for nv in normals]
    every = set(millers)
    out = [(family_label([millers[p] for p in members], every, hexa), sorted(members))
           for members in merged.values()]
    if core.faceted:
        rank = _shape_rank(core)
        out.sort(key=lambda fm: (rank[fm[1][0]], fm[1][0]))
    return out


def _sphere_zone_areas(normals: np.ndarray, diameter_A: float) -> np.ndarray:
    """Area of the sphere closest in direction to each normal (Fibonacci-lattice quadrature)."""
    m = _SPHERE_QUADRATURE_POINTS
    k = np.arange(m) + 0.5
    z = 1 - 2 * k / m
    phi = math.pi * (1 + 5 ** 0.5) * k
    r = np.sqrt(1 - z * z)
    pts = np.column_stack([r * np.cos(phi), r * np.sin(phi), z])
    share = np.bincount(np.argmax(pts @ normals.T, axis=1), minlength=len(normals)) / m
    return share * math.pi * diameter_A ** 2


def annotate(core: Core, labels: SiteLabels) -> None:
    """Write the per-atom labels onto ``core.atoms`` as named arrays."""
    atoms = core.atoms
    for name, values in (("facet", labels.facet), ("site_role", labels.role), ("face", labels.face)):
        if name in atoms.arrays:
            del atoms.arrays[name]
        atoms.new_array(name, values)


def census(core: Core) -> Census:
    """Classify the core's surface (annotating ``core.atoms``) and return its :class:`Census`."""
    labels, families, face_area, face_counts = classify(core)
    annotate(core, labels)
    atoms = core.atoms
    mat = core.material
    symbols = np.array(atoms.get_chemical_symbols())
    kind = atoms.arrays["kind"]
    cn = atoms.arrays["coordination"]
    elements = list(mat.elements) + (["H"] if (kind == KIND_CAPPING).any() else [])
    composition = {el: int(np.sum(symbols == el)) for el in elements}
    charge = int(sum(mat.charges.get(el, 0) * n for el, n in composition.items()))
    n_cat = sum(composition[e] for e in mat.cations)
    n_an = sum(composition[e] for e in mat.anions)

    exposed_faces = np.zeros(len(core.plane_normals), bool)
    exposed_faces[np.unique(labels.face[labels.face >= 0])] = True
    total_area = float(face_area[exposed_faces].sum())
    on_plane = face_counts.sum(axis=1)
    facets = []
    for label, members in families:
        members = [p for p in members if exposed_faces[p]]
        if not members:
            continue
        sel = np.isin(labels.face, members)
        area = float(face_area[members].sum())
        facets.append(FacetFamily(
            family=label, n_faces=len(members), area_nm2=round(area / 100.0, 4),
            area_fraction=round(area / total_area, 4) if total_area else 0.0,
            atoms={el: int(np.sum(sel & (symbols == el))) for el in elements if np.any(sel & (symbols == el))},
            roles={r: int(np.sum(sel & (labels.role == r))) for r in ROLES if np.any(sel & (labels.role == r))},
            atoms_per_face=[int(on_plane[p]) for p in members],
        ))

    surface = labels.role != "bulk"
    core_atoms = kind != KIND_CAPPING
    extent = np.ptp(atoms.positions[core_atoms], axis=0) / 10.0
    poly = core.polyhedron()
    warnings = []
    off = core.diameter_nm / core.requested_diameter_nm - 1
    if abs(off) > DIAMETER_WARN_FRACTION:
        warnings.append(f"diameter {core.diameter_nm:.2f} nm is {100 * off:+.0f} % off the requested "
                        f"{core.requested_diameter_nm:g} nm: facets move in whole atomic layers")
    if core.termination.neutralize and charge != 0:
        warnings.append(f"stoichiometric: net charge {charge:+d} e is the closest to neutral that whole "
                        "symmetry classes of surface ions allow for this shape and size")
    if core.termination.outer_layer == "cation" and charge <= 0:
        warnings.append(f"{core.termination.name}: no cation excess is possible for this shape and size "
                        f"(net charge {charge:+d} e)")
    return Census(
        material=mat.key, shape=core.shape.name, termination=core.termination.name,
        requested_diameter_nm=core.requested_diameter_nm, diameter_nm=round(core.diameter_nm, 4),
        n_atoms=len(atoms), composition=composition, formula=_formula(composition),
        cation_anion_ratio=round(n_cat / n_an, 5) if n_an and n_cat else None,
        net_charge=charge, x_ligands_for_neutrality=max(charge, 0),
        cation_charge_for_neutrality=max(-charge, 0),
        surface_area_nm2=round(total_area / 100.0, 4),
        volume_nm3=round((poly.volume if poly is not None else math.pi / 6 * (core.diameter_nm * 10) ** 3)
                         / 1000.0, 4),
        molar_mass_g_mol=round(float(atoms.get_masses().sum()), 3),
        extent_nm={ax: round(float(v), 4) for ax, v in zip("xyz", extent)},
        edge_lengths_nm=_edge_lengths(poly, families) if poly is not None else {},
        n_surface_atoms=int(surface.sum()),
        surface_atoms={el: int(np.sum(surface & (symbols == el))) for el in elements
                       if np.any(surface & (symbols == el))},
        surface_coordination={el: _histogram(cn[surface & (symbols == el) & core_atoms])
                              for el in mat.elements if np.any(surface & (symbols == el))},
        facets=facets, warnings=warnings,
        sources={k: v for k, v in mat.sources.items()} | (
            {"termination": core.termination.source} if core.termination.source else {}),
    )


def _edge_lengths(poly, families: list[tuple[str, list[int]]]) -> dict[str, float]:
    label = {}
    for name, members in families:
        for p in members:
            label[p] = name
    acc: dict[str, list[float]] = {}
    for i, j, length in poly.edges:
        key = "|".join(sorted((label[i], label[j])))
        acc.setdefault(key, []).append(length)
    return {k: round(float(np.mean(v)) / 10.0, 4) for k, v in sorted(acc.items())}


def _histogram(values: np.ndarray) -> dict[int, int]:
    u, c = np.unique(values, return_counts=True)
    return {int(a): int(b) for a, b in zip(u, c)}


def _formula(composition: dict[str, int]) -> str:
    return "".join(f"{el}{n}" for el, n in composition.items() if n)
