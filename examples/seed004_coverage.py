"""Oleyl coverage of the seed-004 PbS series: what a faithful build gives and why it is flat.

Seed 004 (PbS, oleate + OH, one oleyl per excess Pb) models its dots as Archimedean truncated
octahedra with Pb on every {111} facet and one Pb above every S of the {100} facets, and states that
the oleyl coverage per nm² rises with size over ~2-7 nm. On that model the coverage of an ideal
facet is fixed by the lattice (a = 5.936 Å):

* a Pb-terminated {111} carries half a layer of excess Pb: (1/2) · 4 / (√3 a²) = 3.28 nm⁻²;
* a {100} with a Pb above every S carries 2 / a² = 5.68 nm⁻²;

so oleyl/nm² ≈ 3.28 + 2.40 · f{100} (f{100} the {100} area share), which does not depend on size
when the shape does not. This script builds the cores (no shell: one oleyl per excess Pb is the
seed's count) and prints, per size, the {100} share, the excess Pb, the facet area and the two
coverages — built and the ideal-facet estimate from the built {100} share.

Run: python examples/seed004_coverage.py
"""

from __future__ import annotations

import numpy as np

from nanoligand import build

A_PBS_NM = 0.5936
PER_111 = 0.5 * 4 / (np.sqrt(3) * A_PBS_NM**2)
PER_100 = 2 / A_PBS_NM**2


def main() -> None:
    print(f"ideal facets: {{111}} {PER_111:.2f} /nm2, {{100}} {PER_100:.2f} /nm2")
    print("request  built  f100   Pb_exc  area_nm2  oleyl/nm2  ideal-facet estimate")
    for d in np.arange(2.0, 8.01, 0.5):
        c = build("PbS", float(d), "truncated-octahedron", "seed004").census
        f100 = next((f.area_fraction for f in c.facets if f.family == "{100}"), 0.0)
        excess = c.x_ligands_for_neutrality // 2  # one oleate + one OH per excess Pb
        print(f"{d:6.1f}  {c.diameter_nm:6.2f}  {f100:5.3f}  {excess:6d}  {c.surface_area_nm2:8.1f}  "
              f"{excess / c.surface_area_nm2:9.2f}  {PER_111 + (PER_100 - PER_111) * f100:9.2f}")


if __name__ == "__main__":
    main()
