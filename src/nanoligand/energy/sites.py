"""Site models: a neutral cluster cut out of a capped model around one surface site, and the unit that
leaves it.

A whole dot is affordable with xTB only when small (about 500 atoms take minutes per GFN2-xTB single
point on two cores: ``docs/benchmarks.md``); binding is local, so each site class is computed on a
**cut-out** of the capped model:

1. **Centre**: a surface metal atom of a census site class (``adatom``, ``facet``, ``edge``, ``vertex``
   in the model's ``site_role`` array, on a facet family in ``facet``).
2. **Sphere**: every core atom within ``radius_A`` of the centre and every ligand with an atom within
   it, kept whole (ligands are never cut).
3. **Dangling bonds** are handled by **charge neutrality with formal charges**, not by capping atoms:
   the cut keeps the ions it contains (Pb²⁺, S²⁻, X⁻ …, the model's ``formal_charge``), and the excess is
   removed from the outside in — the farthest core ion of the excess sign (a whole ion pair's worth,
   ±2) or, for an odd excess, the farthest ligand of that sign — until the cluster is neutral. The
   unit that desorbs is never removed.
4. **Frozen shell**: atoms farther than ``free_radius_A`` from the centre keep the model's positions in
   relaxations (they stand in for the rest of the crystal); the unit and the atoms near it relax.

The **unit** of a site is what a desorption removes, by motif (``data/motifs.yaml``): Z — the metal
with the X ligands bound to it (the neutral MX₂ complex: Pb(OH)(O₂CR), Cd(O₂CR)₂ …); X — one anionic
ligand; L — one neutral donor ligand.

Examples
--------
>>> from nanoligand.nanocrystal import build
>>> nc = build("PbS", 1.6, shell=proxy_recipe("PbS"))
>>> site = cut_site(nc, role="adatom", facet="{100}", radius_A=6.0)
>>> site.net_formal_charge, sorted(set(site.atoms[site.unit].get_chemical_symbols()))
(0, ['C', 'H', 'O', 'Pb'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from nanoligand.errors import InputError

__all__ = ["LEAVING", "PROXIES", "Site", "cut_site", "proxy_recipe", "site_classes"]

#: long-chain ligands and the short proxies computed in their place (stated model choice: the anchor
#: and its charge are kept, the chain is cut to a methyl; chain–chain dispersion is therefore absent)
#: (methylamine and methanethiol as SMILES: they are not in the ligand library by name)
PROXIES = {"oleic acid": "acetic acid", "oleylamine": "NC", "octylamine": "NC", "butylamine": "NC", "DDT": "CS"}


#: what leaves a site in a desorption, per Green class of the bond that breaks (data/motifs.yaml): Z — the
#: metal with its X ligands (a neutral MX_q complex); X — one anionic ligand; L — one neutral donor
LEAVING = {"Z": {"metal": True, "anionic": True}, "X": {"metal": False, "anionic": True},
           "L": {"metal": False, "anionic": False}}


def proxy_recipe(material: str) -> list[dict]:
    """The material's native shell recipe with each long-chain ligand replaced by its short proxy
    (:data:`PROXIES`): the shell xTB site models are cut from."""
    from nanoligand.shell.recipe import native_shell

    _, spec = native_shell(material)
    out = []
    for e in spec.entries:
        d = {"ligand": PROXIES.get(e.ligand, e.ligand), "motif": e.motif}
        if e.role == "neutralize":
            d.update(role="neutralize", share=e.share)
        else:
            d["coverage"] = e.coverage
        out.append(d)
    return out


@dataclass(frozen=True)
class Site:
    """A neutral cut-out around one site: atoms, the unit that leaves, the atoms that stay fixed."""

    atoms: Atoms
    centre: int  #: index of the site's metal atom in ``atoms``
    unit: np.ndarray  #: indices (in ``atoms``) of the leaving unit
    fixed: np.ndarray  #: bool mask of atoms that keep their positions in relaxations
    motif: str
    role: str
    facet: str
    model_index: int  #: index of the centre in the source model
    net_formal_charge: int  #: of the whole cut-out (0 by construction; checked in the tests from the model)
    unit_charge: int  #: formal charge of the leaving unit by the model's count

    @property
    def rest(self) -> Atoms:
        """The cluster without the unit."""
        keep = np.ones(len(self.atoms), bool)
        keep[self.unit] = False
        return self.atoms[keep]

    @property
    def rest_fixed(self) -> np.ndarray:
        keep = np.ones(len(self.atoms), bool)
        keep[self.unit] = False
        return self.fixed[keep]

    @property
    def unit_atoms(self) -> Atoms:
        return self.atoms[self.unit]


def _donor_bonds(model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(metal, donor, distance) of every metal–donor bond the model's coordinates show."""
    a = model.atoms
    b = np.asarray(model.bonds, int).reshape(-1, 2)
    donor = a.arrays["role"] == "donor"
    b = np.vstack([b[donor[b[:, 1]] & ~donor[b[:, 0]]], b[donor[b[:, 0]] & ~donor[b[:, 1]]][:, ::-1]])
    return b[:, 0], b[:, 1], np.linalg.norm(a.positions[b[:, 0]] - a.positions[b[:, 1]], axis=1)


def site_classes(model) -> list[tuple[str, str, int]]:
    """(site role, facet family, count) of the surface metal atoms of a capped model that carry ligands."""
    a = model.atoms
    metal = (a.arrays["role"] == "core") & (a.arrays["formal_charge"] > 0)
    bound = np.zeros(len(a), bool)
    bound[_donor_bonds(model)[0]] = True
    sel = metal & bound
    keys = np.stack([a.arrays["site_role"][sel], a.arrays["facet"][sel]], axis=1).astype(str)
    uniq, counts = np.unique(keys, axis=0, return_counts=True)
    return [(str(r), str(f), int(c)) for (r, f), c in zip(uniq, counts)]


def _ligands_on(bonds: tuple[np.ndarray, np.ndarray, np.ndarray], residue: np.ndarray, metal: int) -> list[int]:
    """Residues with a donor bonded to ``metal``, nearest donor first."""
    m, d, dist = bonds
    sel = m == metal
    order = np.argsort(dist[sel], kind="stable")
    res = residue[d[sel][order]]
    _, first = np.unique(res, return_index=True)
    return [int(r) for r in res[np.sort(first)]]


def cut_site(model, role: str = "adatom", facet: str | None = None, *, motif: str = "Z", index: int | None = None,
             radius_A: float = 7.0, free_radius_A: float = 4.0) -> Site:
    """Cut a neutral cluster around one site of a capped model (see the module docstring).

    Parameters
    ----------
    model : Nanocrystal
        A capped model (``nanoligand.build(..., shell=...)``).
    role, facet : str
        The census site class of the centre (``site_role`` and ``facet`` arrays); the first matching
        metal that carries ligands, nearest the model's centre of mass, unless ``index`` is given.
    motif : str
        ``Z`` (metal + its X ligands leave), ``X`` (one anionic ligand) or ``L`` (one neutral ligand).
    index : int, optional
        The centre's index in ``model.atoms`` (overrides role/facet).
    radius_A, free_radius_A : float
        Cut-out radius and the radius inside which atoms relax (Å).

    Returns
    -------
    Site
    """
    if motif not in LEAVING:
        raise InputError(f"motif: {motif!r}; use {', '.join(LEAVING)}")
    leaves = LEAVING[motif]
    if not (3.0 <= radius_A <= 20.0) or not (0.0 <= free_radius_A <= radius_A):
        raise InputError(f"radius_A {radius_A!r} must be 3–20 Å and free_radius_A {free_radius_A!r} 0–radius_A")
    a = model.atoms
    arr = a.arrays
    is_core = arr["role"] == "core"
    res = arr["residue"]
    q = arr["formal_charge"]
    bonds = _donor_bonds(model)
    if index is None:
        cand = np.flatnonzero(is_core & (q > 0) & (arr["site_role"] == role)
                              & ((arr["facet"] == facet) if facet else True))
        cand = cand[np.isin(cand, bonds[0])]
        if not cand.size:
            have = ", ".join(f"{r} {f} ({n})" for r, f, n in site_classes(model))
            raise InputError(f"no ligand-bearing metal of site class {role} {facet or ''} in this model; "
                             f"it has: {have}")
        com = a.positions[is_core].mean(axis=0)

        def rank(c):  # most distinct ligand species first (a mixed shell's typical unit), then central
            kinds = {arr["molecule"][res == r][0] for r in _ligands_on(bonds, res, c)}
            return -len(kinds), float(np.linalg.norm(a.positions[c] - com))

        index = int(min(cand, key=rank))
    ligands = _ligands_on(bonds, res, index)
    q_res = {r: int(q[res == r].sum()) for r in ligands}
    if leaves["metal"]:
        xs = [r for r in ligands if q_res[r] < 0]
        need = int(arr["formal_charge"][index])
        if len(xs) < need:
            raise InputError(f"the metal at {index} carries {len(xs)} X ligands, a Z unit needs {need}")
        # nearest first, one of each ligand species before a second of any: Pb(OH)(O2CR), not Pb(OH)2
        species = {r: arr["molecule"][res == r][0] for r in xs}
        order = sorted(xs, key=lambda r: [species[x] for x in xs[:xs.index(r)]].count(species[r]))
        unit_res, unit_core = order[:need], [index]
    else:
        pick = [r for r in ligands if (q_res[r] < 0) == leaves["anionic"]]
        if not pick:
            raise InputError(f"the metal at {index} carries no {motif}-type ligand")
        unit_res, unit_core = pick[:1], []
    centre = a.positions[index]
    dist = np.linalg.norm(a.positions - centre, axis=1)
    keep = is_core & (dist <= radius_A)
    lig_res = np.unique(res[(~is_core) & (dist <= radius_A)])
    keep |= np.isin(res, lig_res) & ~is_core
    in_unit = np.isin(res, unit_res) & ~is_core
    in_unit[unit_core] = True
    keep |= in_unit
    # neutrality from the outside in (the unit is never trimmed)
    for _ in range(len(a)):
        total = int(q[keep].sum())
        if total == 0:
            break
        sign = np.sign(total)
        if abs(total) >= 2:
            cand = np.flatnonzero(keep & is_core & ~in_unit & (np.sign(q) == sign))
        else:
            cand = np.flatnonzero(keep & ~is_core & ~in_unit & (np.sign(q) == sign) & (np.abs(q) == 1))
            if cand.size == 0:  # no such ligand: trim a core ion and fix the parity next round
                cand = np.flatnonzero(keep & is_core & ~in_unit & (np.sign(q) == sign))
        if cand.size == 0:
            raise InputError(f"cannot make the cut-out around atom {index} neutral (charge {total})")
        far = cand[np.argmax(dist[cand])]
        if is_core[far]:
            keep[far] = False
        else:
            keep[(res == res[far]) & ~is_core] = False
    idx = np.flatnonzero(keep)
    sub = Atoms(a.numbers[idx], positions=a.positions[idx])
    where = {int(g): k for k, g in enumerate(idx)}
    unit = np.array(sorted(where[int(g)] for g in np.flatnonzero(in_unit)))
    fixed = dist[idx] > free_radius_A
    fixed[unit] = False
    return Site(sub, where[index], unit, fixed, motif, str(arr["site_role"][index]), str(arr["facet"][index]),
                index, int(q[idx].sum()), int(q[idx][unit].sum()))
