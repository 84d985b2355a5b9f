"""Binding sites of a core: where ligands can go, computed from the lattice (vectorised).

A *vacancy* is a lattice site next to the core that a surface atom would bond to in the bulk but that
is empty: the position a missing bond points at. Anion vacancies (next to surface cations) take X- and
L-type donors; cation vacancies (next to surface anions) take the metal of a Z-type salt. Each
vacancy records its host atoms (the surface atoms it would bond to), its outward normal (the face
normal of its hosts on faceted cores, radial on spheres), and the face and facet family it belongs to,
so that ligand counts can be balanced over symmetry-equivalent faces.

Other site kinds: ``a_site`` (surface A cations of a perovskite, which ammonium ligands replace) and
``capping`` (the H caps of an H-terminated Si or diamond core, which covalent grafting replaces; caps
within 2 Å of another cap, the H pairs of dihydride groups, are left out: the H that stays would
sit inside the graft).

Examples
--------
>>> from nanoligand import build
>>> sites = binding_sites(build("PbS", 3.0, "truncated-octahedron", "seed004").core)
>>> sites.kind_count("anion_vacancy") > 0
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from nanoligand.core.build import KIND_CAPPING, _site_of_bond
from nanoligand.surface import face_orbits

_OCCUPIED_A = 0.3   # a lattice position within this distance of an atom is occupied
_MERGE_A = 0.01     # vacancies closer than this are the same site
_TIE_A = 0.05       # heights above two planes closer than this are a tie
CROWDED_CAP_A = 2.0  # H caps this close to another (dihydride pairs) are not offered for grafting


@dataclass(frozen=True)
class SiteSet:
    """Candidate binding sites (parallel arrays, one row per site).

    Attributes
    ----------
    kind : ndarray of str
        ``anion_vacancy``, ``cation_vacancy``, ``a_site`` or ``capping``.
    position : ndarray (S, 3)
        Where the missing atom would sit (vacancies) or the atom to replace (a_site, capping).
    normal : ndarray (S, 3)
        Outward unit normal used to orient a ligand.
    element : ndarray of str
        Element the lattice puts there (vacancies) or the atom to replace.
    hosts : list of ndarray
        Core atom indices bonded to the site.
    face : ndarray of int
        Face (plane) index of the site's first host, -1 if none.
    family : ndarray of str
        Facet family label of that face.
    orbit : ndarray of int
        Symmetry orbit of that face under the core's point group (-1 if none): faces of one orbit are
        equivalent; a census family may join orbits that only look alike.
    face2 : ndarray of int
        The second face of a site on the edge between two faces of one family (-1 otherwise); such a
        site counts half for each (:meth:`face_counts`).
    atom : ndarray of int
        The core atom a ligand replaces there (the A cation, the H cap); -1 for vacancies.
    """

    kind: np.ndarray
    position: np.ndarray
    normal: np.ndarray
    element: np.ndarray
    hosts: list
    face: np.ndarray
    family: np.ndarray
    orbit: np.ndarray = None
    face2: np.ndarray = None
    atom: np.ndarray = None

    def __len__(self) -> int:
        return len(self.kind)

    def kind_count(self, kind: str) -> int:
        return int(np.sum(self.kind == kind))

    def face_counts(self, chosen: np.ndarray, faces: np.ndarray) -> np.ndarray:
        """How many of the ``chosen`` sites each of ``faces`` holds, edge sites counting half."""
        f1, f2 = self.face[chosen], self.face2[chosen]
        w = np.where(f2 >= 0, 0.5, 1.0)
        return np.array([w[f1 == f].sum() + 0.5 * np.sum(f2 == f) for f in faces])


def binding_sites(core) -> SiteSet:
    """Every candidate site of a built core (vacancies, perovskite A sites, H caps)."""
    core.census  # the census labels the atoms' faces and facets first
    atoms = core.atoms
    lattice = core.lattice
    pos = atoms.positions
    kind = atoms.arrays["kind"]
    is_core = kind != KIND_CAPPING
    core_idx = np.nonzero(is_core)[0]
    site_of = atoms.arrays["lattice_site"]
    missing = atoms.arrays["missing_bonds"]
    face = atoms.arrays["face"]
    facet = atoms.arrays["facet"]
    normals_of_face = core.plane_normals
    label_of = {int(f): str(l) for f, l in zip(face, facet) if f >= 0}

    tree = cKDTree(pos[is_core])
    surf = core_idx[missing[core_idx] > 0]
    vac_pos, vac_host, vac_site = [], [], []
    for st in np.unique(site_of[surf]):
        members = surf[site_of[surf] == st]
        vec = lattice.bond_vectors[st]
        targets = (pos[members][:, None, :] + vec[None, :, :]).reshape(-1, 3)
        dist, _ = tree.query(targets, distance_upper_bound=_OCCUPIED_A)
        free = ~np.isfinite(dist)
        partner = np.array([_site_of_bond(lattice, int(st), v) for v in vec])
        vac_pos.append(targets[free])
        vac_host.append(np.repeat(members, len(vec))[free])
        vac_site.append(np.tile(partner, len(members))[free])
    parts: list[tuple] = []
    if vac_pos:
        vp, vh, vs = np.vstack(vac_pos), np.concatenate(vac_host), np.concatenate(vac_site)
        keys = np.round(vp / _MERGE_A).astype(np.int64)
        _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        order = np.argsort(inverse, kind="stable")
        starts = np.concatenate([[0], np.cumsum(np.bincount(inverse))[:-1]])
        sorted_hosts = vh[order]
        hosts = np.split(sorted_hosts, starts[1:])
        centroid = np.add.reduceat(pos[sorted_hosts], starts) / np.diff(np.append(starts, len(order)))[:, None]
        p = vp[first]
        lead = sorted_hosts[starts]
        charge = lattice.charges[lattice.site_types[vs[first]]]
        kind_v = np.where(charge < 0, "anion_vacancy", np.where(charge > 0, "cation_vacancy", "vacancy"))
        elem = np.array(lattice.elements)[lattice.site_types[vs[first]]]
        vface, vface2 = _site_faces(core, p) if core.faceted else (face[lead], np.full(len(p), -1))
        vfam = np.array([label_of[f] if f >= 0 else "-" for f in vface], dtype=object) if core.faceted else facet[lead]
        parts.append((kind_v, p, _normals(p, centroid, vface, normals_of_face, core.faceted), elem,
                      hosts, vface, vfam, vface2, np.full(len(p), -1)))
    a_el = core.material.roles.get("A")
    if a_el:  # perovskite surface A cations (replaced by ammonium in ion-pair shells)
        symbols = np.array(atoms.get_chemical_symbols())
        a_idx = core_idx[(symbols[core_idx] == a_el) & (missing[core_idx] > 0)]
        parts.append((np.full(len(a_idx), "a_site"), pos[a_idx],
                      _normals(pos[a_idx], np.zeros_like(pos[a_idx]), face[a_idx], normals_of_face, core.faceted),
                      np.full(len(a_idx), a_el), [np.array([i]) for i in a_idx], face[a_idx], facet[a_idx],
                      np.full(len(a_idx), -1), a_idx))
    caps = np.nonzero(~is_core)[0]
    if len(caps) > 1:  # a cap with another within 2 Å (a dihydride pair) would sit inside a graft's chain
        near = cKDTree(pos[caps]).query(pos[caps], k=2)[0][:, 1]
        caps = caps[near >= CROWDED_CAP_A]
    if len(caps):  # H caps of a covalent core
        _, host = tree.query(pos[caps])
        host = core_idx[host]
        bond = pos[caps] - pos[host]
        parts.append((np.full(len(caps), "capping"), pos[caps], bond / np.linalg.norm(bond, axis=1)[:, None],
                      np.full(len(caps), "H"), [np.array([c]) for c in host], face[caps], facet[caps],
                      np.full(len(caps), -1), caps))
    if not parts:
        empty = np.zeros((0, 3))
        return SiteSet(np.array([], dtype=object), empty, empty, np.array([], dtype=object), [],
                       np.zeros(0, int), np.array([], dtype=object), np.zeros(0, int), np.zeros(0, int),
                       np.zeros(0, int))
    site_face = np.concatenate([q[5] for q in parts]).astype(int)
    orbit_of_face = face_orbits(core) if len(normals_of_face) else np.zeros(0, int)
    orbit = np.where(site_face >= 0, orbit_of_face[np.maximum(site_face, 0)] if len(orbit_of_face) else -1, -1)
    return SiteSet(np.concatenate([q[0] for q in parts]).astype(object), np.vstack([q[1] for q in parts]),
                   np.vstack([q[2] for q in parts]), np.concatenate([q[3] for q in parts]).astype(object),
                   [h for q in parts for h in q[4]], site_face, np.concatenate([q[6] for q in parts]).astype(object),
                   orbit, np.concatenate([q[7] for q in parts]).astype(int),
                   np.concatenate([q[8] for q in parts]).astype(int))


def _site_faces(core, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The face a vacancy lies over: the plane it stands highest above (signed distance), ties between
    families going to the family the shape lists first, so that equivalent faces collect equivalent
    sites (a host atom's own face is a tie-break that depends on atom order). A site on the edge of
    two faces of one family also names the second face (else -1): it counts half for each."""
    from nanoligand.surface import _shape_rank

    height = p @ core.plane_normals.T - core.plane_distances_A[None, :]
    best = height.max(axis=1, keepdims=True)
    tied = height >= best - _TIE_A
    rank = np.where(tied, _shape_rank(core)[None, :], np.inf)
    key = rank + 1e-6 * np.arange(height.shape[1])[None, :]
    order = np.argsort(key, axis=1)
    first, second = order[:, 0], order[:, 1]
    rows = np.arange(len(p))
    same = np.isfinite(rank[rows, second]) & (rank[rows, second] == rank[rows, first])
    return first, np.where(same, second, -1)


def _normals(p: np.ndarray, host_centroid: np.ndarray, face: np.ndarray, face_normals: np.ndarray,
             faceted: bool) -> np.ndarray:
    """Face normal of the host on a faceted core (ligands on one facet stand parallel); otherwise the
    direction from the hosts to the site blended with the radial direction."""
    radial = p / np.maximum(np.linalg.norm(p, axis=1), 1e-9)[:, None]
    outward = p - host_centroid
    outward = outward / np.maximum(np.linalg.norm(outward, axis=1), 1e-9)[:, None]
    n = radial + outward
    n = n / np.maximum(np.linalg.norm(n, axis=1), 1e-9)[:, None]
    if faceted and len(face_normals):
        on_face = face >= 0
        n[on_face] = face_normals[face[on_face]]
    return n
