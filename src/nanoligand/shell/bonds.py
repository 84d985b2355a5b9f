"""Host–donor bond lengths: the lattice bond, Shannon ionic radii, or Cordero covalent radii.

In this order (``data/bonds.yaml`` gives the sources):

1. an element pair bonded in the core's own lattice keeps its bulk bond length (a thiolate S on PbS
   sits where a lattice S would);
2. a metal cation with a formal charge and a donor that forms an anion (O, S, Se, Te, N, halogens)
   sit at the sum of their Shannon ionic radii: the cation at its charge and bulk coordination, the
   anion at the lowest coordination listed (Pb²⁺(VI)–O²⁻(II): 1.19 + 1.35 = 2.54 Å);
3. anything else (metal cores, Si–C, O–H) at the sum of Cordero covalent radii.

Examples
--------
>>> round(bond_length("Pb", 2, 6, "O", -1, {}), 2)
2.54
>>> round(bond_length("Si", 0, 4, "C", 0, {}), 2)
1.87
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from rdkit import Chem

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
          "XI": 11, "XII": 12}


@lru_cache(maxsize=1)
def _anion_charge() -> dict[str, int]:
    text = resources.files("nanoligand.data").joinpath("bonds.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text)["anion_charge"])


@lru_cache(maxsize=256)
def shannon_radius_A(element: str, charge: int, cn: int | None) -> float | None:
    """Shannon ionic radius (Å) at ``charge``, at the coordination nearest ``cn`` (lowest if None)."""
    from mendeleev import element as lookup

    rows = [(_ROMAN.get(r.coordination.rstrip("PYSQ"), 0), r.ionic_radius) for r in lookup(element).ionic_radii
            if r.charge == charge and r.ionic_radius and r.ionic_radius > 0]
    rows = [r for r in rows if r[0] > 0]
    if not rows:
        return None
    cn_row = min(rows, key=lambda r: (abs(r[0] - cn), r[0])) if cn else min(rows)
    return cn_row[1] / 100.0


def bond_length(host: str, host_charge: int, host_cn: int, donor: str, donor_charge: int,
                lattice_bonds: dict[tuple[str, str], float]) -> float:
    """Host–donor distance (Å) by the rules of the module docstring; a Z-type acceptor (a metal cation
    of formal charge ``donor_charge`` on a surface anion) is the cation of its pair."""
    if (host, donor) in lattice_bonds:
        return lattice_bonds[(host, donor)]
    anions = _anion_charge()
    pair = None
    if host_charge > 0 and donor in anions and host != "H":
        pair = (host, host_charge, host_cn, donor)
    elif donor_charge > 0 and host in anions and donor != "H":
        pair = (donor, donor_charge, None, host)
    if pair is not None:
        r_cat = shannon_radius_A(pair[0], pair[1], pair[2])
        r_an = shannon_radius_A(pair[3], anions[pair[3]], None)
        if r_cat is not None and r_an is not None:
            return r_cat + r_an
    table = Chem.GetPeriodicTable()
    return table.GetRcovalent(host) + table.GetRcovalent(donor)
