"""How many ligands of each recipe entry: charge neutrality, coverage and the footprint limit.

Coverage entries come first; each changes the core's charge by its ligands' charge less that of
the core atoms it replaces (an ammonium for a Cs⁺ changes nothing). Then ``neutralize`` entries whose
charge opposes what is left share it out by their ``share``. Nothing may exceed the footprint limit:
the ligand's tightest cross-section slab against the surface area at that height, ``A (1 + h/R)²``,
at the packing fraction of randomly jammed discs, 0.84 (O'Hern, Silbert, Liu, Nagel, Phys. Rev. E
2003, 68, 011306). A neutral recipe that does not fit is an error before anything is placed.

Examples
--------
>>> from nanoligand.shell.templates import template
>>> footprint_limit(100.0, 25.0, template("hydroxide", "X")) > footprint_limit(100.0, 25.0, template("oleic acid", "X"))
True
"""

from __future__ import annotations

import numpy as np
from rdkit import Chem
from rdkit.Chem import Descriptors

from nanoligand.errors import ChemistryError, InputError
from nanoligand.ligands import ligand
from nanoligand.shell.motifs import motif, neutralizers
from nanoligand.shell.templates import Template

PACKING_FRACTION = 0.84


def footprint_limit(area_nm2: float, radius_A: float, tpl: Template) -> int:
    """Ligands the surface holds (module docstring)."""
    h, a = tpl.cross_sections
    return int(PACKING_FRACTION * np.min(area_nm2 * (1 + h / radius_A) ** 2 / np.maximum(a, 1e-3)))


def coverage_count(coverage, n_sites: int, area_nm2: float, cap_fp: int, name: str) -> int:
    """A coverage (``full``, fraction of the sites, ``N/nm2``, count) as a number of ligands."""
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


def neutralizing_counts(charge: int, groups, ids, metal_core: bool) -> dict[int, int]:
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
        kind = " or ".join(m.label for m in neutralizers(charge))
        raise ChemistryError(f"the core carries {charge:+d} e and no neutralizing entry can balance it: "
                             f"add {kind} with role: neutralize")
    ids = [ids[i] for i in use]
    groups = [groups[i] for i in use]
    charge = abs(charge)
    per = [abs(g[1].charge) for g in groups]
    shares = np.array([g[0].share for g in groups], float)
    raw = charge * shares / (shares * np.array(per)).sum()
    n = np.floor(raw).astype(int)
    left = charge - int((n * per).sum())
    for k in np.argsort(-(raw - n)):  # fill the remainder with whole ligands where the charge allows
        while left >= per[k]:
            n[k] += 1
            left -= per[k]
    if left:
        raise ChemistryError(f"the core charge {charge:+d} e cannot be balanced exactly with "
                             f"{', '.join(g[1].name for g in groups)} (charges {', '.join(str(-p) for p in per)})")
    out.update({i: int(c) for i, c in zip(ids, n)})
    return out


def counterions(name: str, charge: int, bound: str) -> dict:
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


def replaced_charge(entry, material) -> int:
    """Formal charge of the core atom one ligand of ``entry`` replaces (its motif's ``replaces``: the
    surface A cation of a perovskite; an H cap and nothing carry none)."""
    if motif(entry.motif).replaces == "a_cation":
        return int(material.charges.get(material.roles.get("A", ""), 0))
    return 0


def counts(core, n_sites: dict[int, int], groups, metal_core: bool) -> tuple[dict[int, int], dict, list[dict]]:
    """Ligands per group (module docstring) and the footprint limits (the counter-ions of entries
    that declare them are listed once the ligands are placed: :func:`counterions`).

    ``groups`` are ``(entry, template, site kind)``; ``n_sites[k]`` the candidate sites of group k.
    """
    area_nm2 = core.census.surface_area_nm2
    radius_A = 5.0 * core.census.diameter_nm
    mat = core.material
    out: dict[int, int] = {}
    limits: dict[str, int] = {}
    listed: list[dict] = []
    charge = 0 if metal_core else core.census.net_charge
    for k, (entry, tpl, kind) in enumerate(groups):
        limits[tpl.name] = footprint_limit(area_nm2, radius_A, tpl)
        if entry.role == "neutralize":
            continue
        if entry.role == "pair":
            out[k] = out[k - 1]
        else:
            out[k] = coverage_count(entry.coverage, n_sites[k], area_nm2, limits[tpl.name], tpl.name)
        replaced = replaced_charge(entry, mat)
        if entry.counterions:  # a declared ionic double layer: the counter-ions are listed, not placed
            counterions(entry.counterions, out[k] * (tpl.charge - replaced), tpl.name)  # checks they balance
        elif not metal_core:
            charge += out[k] * (tpl.charge - replaced)
    neutral = [k for k, (e, _, _) in enumerate(groups) if e.role == "neutralize"]
    if neutral:
        out.update(neutralizing_counts(charge, [groups[k] for k in neutral], neutral, metal_core))
    elif charge != 0:
        raise ChemistryError(f"the shell leaves a net charge of {charge:+d} e: add ligands with role: neutralize "
                             f"({' or '.join(m.label for m in neutralizers(charge))} for this "
                             f"{'cation' if charge > 0 else 'anion'}-rich core)")
    for k in neutral:
        tpl = groups[k][1]
        if out[k] > limits[tpl.name]:
            raise ChemistryError(
                f"neutrality needs {out[k]} {tpl.name} but this surface holds at most {limits[tpl.name]} (its "
                "footprint): mix in a smaller X ligand (chloride, hydroxide), or choose another termination")
    return out, limits, listed
