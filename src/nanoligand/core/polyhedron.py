"""Convex polyhedra bounded by planes ``n_i · r <= d_i`` (the origin inside).

Vertices come from :class:`scipy.spatial.HalfspaceIntersection`; each plane's face is the polygon of
the vertices lying on it, so face areas, edges (shared by two faces) and the volume
(``Σ d_i A_i / 3``, pyramids from the origin) follow without triangulation artefacts.

Examples
--------
>>> import numpy as np
>>> cube = Polyhedron(np.vstack([np.eye(3), -np.eye(3)]), np.ones(6))
>>> round(cube.volume, 6), round(float(cube.areas.sum()), 6)
(8.0, 24.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import HalfspaceIntersection

from nanoligand.errors import GeometryError


@dataclass(frozen=True)
class Polyhedron:
    """Polyhedron ``{r : normals @ r <= distances}``; ``normals`` are unit rows."""

    normals: np.ndarray
    distances: np.ndarray
    vertices: np.ndarray = field(init=False, repr=False)
    areas: np.ndarray = field(init=False, repr=False)
    edges: list[tuple[int, int, float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = np.asarray(self.normals, float)
        d = np.asarray(self.distances, float)
        if np.any(d <= 0):
            raise GeometryError("every bounding plane must lie outside the centre (d > 0)")
        try:
            hs = HalfspaceIntersection(np.hstack([n, -d[:, None]]), np.zeros(3))
        except Exception as exc:  # scipy raises QhullError for unbounded/degenerate sets
            raise GeometryError(f"the facet planes do not enclose a finite polyhedron ({exc})") from None
        scale = float(d.max())
        verts = _unique(hs.intersections, 1e-7 * scale)
        on = np.abs(verts @ n.T - d[None, :]) < 1e-6 * scale  # (V, P)
        areas = np.array([_polygon_area(verts[on[:, i]], n[i]) for i in range(len(n))])
        edges = []
        for i in range(len(n)):
            for j in range(i + 1, len(n)):
                shared = verts[on[:, i] & on[:, j]]
                if len(shared) >= 2:
                    ext = np.linalg.norm(shared[:, None] - shared[None, :], axis=-1).max()
                    if ext > 1e-6 * scale:
                        edges.append((i, j, float(ext)))
        object.__setattr__(self, "vertices", verts)
        object.__setattr__(self, "areas", areas)
        object.__setattr__(self, "edges", edges)

    @property
    def volume(self) -> float:
        return float(np.sum(self.distances * self.areas) / 3.0)

    @property
    def exposed(self) -> np.ndarray:
        """Boolean mask of planes that carry a face of non-zero area."""
        return self.areas > 1e-9 * float(np.max(self.distances)) ** 2

    @property
    def circumradius(self) -> float:
        return float(np.linalg.norm(self.vertices, axis=1).max())


def _unique(points: np.ndarray, tol: float) -> np.ndarray:
    keys = np.round(points / tol).astype(np.int64)
    _, idx = np.unique(keys, axis=0, return_index=True)
    return points[np.sort(idx)]


def _polygon_area(points: np.ndarray, normal: np.ndarray) -> float:
    if len(points) < 3:
        return 0.0
    c = points.mean(axis=0)
    u = points[0] - c
    if np.linalg.norm(u) < 1e-12:
        u = points[1] - c
    u = u / np.linalg.norm(u)
    w = np.cross(normal, u)
    xy = np.column_stack([(points - c) @ u, (points - c) @ w])
    order = np.argsort(np.arctan2(xy[:, 1], xy[:, 0]))
    x, y = xy[order, 0], xy[order, 1]
    return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
