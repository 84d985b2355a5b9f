"""The nanocrystal: core + ligand shell (possibly empty) as one object, with its composition and checks.

:func:`build` makes one: it cuts the core, takes its census and, given a recipe, caps it. A
:class:`Nanocrystal` holds the core (:class:`~nanoligand.core.build.Core`, whose ``census`` is the
surface census), the recipe and the placed shell. From them it gives the model as ASE ``Atoms``
(per-atom residue, residue name — one per ligand species —, formal charge, role and facet, and the
core's site arrays), the bonds the coordinates show (for PDB CONECT records), the composition the
way experiments report it (:class:`Composition`), and its validation: the independent structure
validator (:mod:`nanoligand.validate`) run on the model's own atoms. A capped model that fails
validation is a :class:`~nanoligand.errors.SelfCheckError`, never a quiet result (``allow_invalid=True``
keeps it for inspection, with the failed rules in its manifest). A bare core is validated on request
only: its under-coordinated surface atoms are what it is.

Examples
--------
>>> nc = build("PbS", 3.0, shell="native")
>>> nc.validate().ok, nc.net_charge, nc.has_shell
(True, 0, True)
>>> bare = build("CdSe", 3.0, "sphere", "cation_rich")
>>> bare.census.net_charge > 0, bare.composition.ligands_total
(True, 0)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from ase import Atoms

from nanoligand.core.build import KIND_CAPPING, Core
from nanoligand.core.build import build as build_bare_core
from nanoligand.core.sizes import equivalent_diameter_nm
from nanoligand.errors import InputError
from nanoligand.progress import report
from nanoligand.io import JSON_SUFFIX, write_json, write_structure
from nanoligand.shell.recipe import ShellSpec, native_shell, parse_shell
from nanoligand.shell.result import ShellResult
from nanoligand.validate.structure import CLAIMS_KEY

#: the recipe of a bare core
NO_SHELL = ShellSpec(entries=(), name="none")
#: per-atom arrays of the core carried into the model (ligand atoms get -1, or "ligand" for text)
CORE_ARRAYS = ("coordination", "bulk_coordination", "missing_bonds", "kind", "lattice_site", "site_role", "face")

CORE_RESNAME = "COR"


@dataclass(frozen=True)
class Composition:
    """The model's composition as experiments report it.

    Attributes
    ----------
    core_elements : dict
        Atoms of each element in the core (after any replaced by ligands).
    cation_anion_ratio : float or None
        Of the bare core (ICP/RBS measure it).
    ligands, ligands_by_facet, ligands_by_motif, ligands_per_face : dict
        Ligands per dot: by name; by facet family; by motif (X, L, Z ...); per face of each family
        (an edge ligand counts half for each of its two faces).
    ligands_total : int
    ligand_density_per_nm2 : dict
        Ligands per nm² of the core's surface, by name.
    excess_cations : float
        Net core charge over the cation charge (excess cations per dot).
    ligands_per_excess_cation : dict
    organic_mass_fraction, ligand_mass_fraction : float
        Mass fractions (TGA measures the organic one).
    molar_mass_g_mol, core_molar_mass_g_mol : float
    counterions : list of dict
        Diffuse counter-ions (charge, count, molar mass).
    """

    core_elements: dict[str, int]
    cation_anion_ratio: float | None
    ligands: dict[str, int]
    ligands_total: int
    ligands_by_facet: dict[str, dict[str, int]]
    ligands_by_motif: dict[str, dict[str, int]]
    ligands_per_face: dict[str, dict[str, list]]
    ligand_density_per_nm2: dict[str, float]
    excess_cations: float
    ligands_per_excess_cation: dict[str, float]
    organic_mass_fraction: float
    ligand_mass_fraction: float
    molar_mass_g_mol: float
    core_molar_mass_g_mol: float
    counterions: list[dict]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Nanocrystal:
    """A nanocrystal model: core, recipe and placed shell (see module docstring).

    Attributes
    ----------
    core : Core
        The built core (atoms with site arrays, facet planes, lattice); ``core.census`` its census.
    recipe : ShellSpec
        The shell recipe (no entries for a bare core).
    shell : ShellResult
        The placed shell (empty for a bare core).
    allow_invalid : bool
        Keep a capped model that fails validation instead of raising.
    """

    core: Core
    recipe: ShellSpec = NO_SHELL
    shell: ShellResult = field(default_factory=ShellResult.empty)
    allow_invalid: bool = False

    def __post_init__(self) -> None:
        self.core.census  # taken at once: it annotates the core's atoms (facet, site_role, face)
        self.check()

    @property
    def census(self):
        """The core's surface census (:class:`~nanoligand.surface.Census`)."""
        return self.core.census

    @property
    def has_shell(self) -> bool:
        return bool(self.shell.placed)

    def with_shell(self, recipe: Any = "native", allow_invalid: bool = False,
                   atom_limit: tuple[int, str] | None = None) -> "Nanocrystal":
        """The same core capped with ``recipe`` (``"native"``, a :class:`ShellSpec`, a list of entry
        dicts or a dict with ``entries``); any shell this model has is replaced, the core is not rebuilt.
        ``atom_limit`` (most atoms, why) refuses a model that would be larger before the shell is placed.

        Examples
        --------
        >>> core = build("CdSe", 3.0, "tetrahedron", "cation_rich")
        >>> nc = core.with_shell([{"ligand": "oleic acid", "motif": "X", "role": "neutralize"}])
        >>> nc.composition.ligands["oleic acid"] == core.census.x_ligands_for_neutrality, nc.net_charge
        (True, 0)
        """
        from nanoligand.shell.cap import cap

        spec = resolve_shell(recipe, self.core.material.key)
        return Nanocrystal(self.core, spec, cap(self.core, spec, atom_limit), allow_invalid)

    # -- the model ----------------------------------------------------------------------------------------
    @cached_property
    def keep(self) -> np.ndarray:
        """Core atoms that stay (not replaced by a ligand)."""
        keep = np.ones(len(self.core.atoms), bool)
        keep[self.shell.removed_core] = False
        return keep

    @cached_property
    def atoms(self) -> Atoms:
        """The model: kept core atoms, then every ligand, with arrays ``residue`` (0 for the core),
        ``resname``, ``molecule`` (the ligand name, spaces as underscores so that extxyz reads back),
        ``formal_charge``, ``role`` (core, donor, ligand), ``facet``, and the core's site arrays
        (:data:`CORE_ARRAYS`; -1 or "ligand" on ligand atoms)."""
        core = self.core.atoms[self.keep]
        mat = self.core.material
        symbols = list(core.get_chemical_symbols())
        positions = [core.positions]
        q = [np.array([0 if k == KIND_CAPPING else mat.charges.get(s, 0)
                       for s, k in zip(symbols, core.arrays["kind"])], int)]
        residue = [np.zeros(len(core), int)]
        resname = [np.full(len(core), CORE_RESNAME, dtype=object)]
        molecule = [np.full(len(core), "core", dtype=object)]
        role = [np.full(len(core), "core", dtype=object)]
        facet = [core.arrays["facet"].astype(object)]
        res = 1
        names = self.resnames
        for p in self.shell.placed:
            t = p.template
            n = len(p.sites)
            if n == 0:
                continue
            symbols += list(t.symbols) * n
            positions.append(np.vstack(p.coords))
            q.append(np.tile(t.charges, n))
            residue.append(np.repeat(np.arange(res, res + n), t.n_atoms))
            res += n
            resname.append(np.full(n * t.n_atoms, names[_species_key(t)], dtype=object))
            molecule.append(np.full(n * t.n_atoms, t.name.replace(" ", "_"), dtype=object))
            r = np.full(t.n_atoms, "ligand", dtype=object)
            r[list(t.donors)] = "donor"
            role.append(np.tile(r, n))
            facet.append(np.repeat(self.shell.sites.family[p.sites].astype(object), t.n_atoms))
        atoms = Atoms(symbols=symbols, positions=np.vstack(positions))
        n_lig = len(atoms) - len(core)
        for name in (n for n in CORE_ARRAYS if n in core.arrays):
            v = core.arrays[name]
            text = v.dtype.kind in "OUS"
            fill = np.full(n_lig, "ligand") if text else np.full(n_lig, -1, v.dtype)
            atoms.arrays[name] = np.concatenate([v.astype(str) if text else v, fill])
        atoms.arrays["residue"] = np.concatenate(residue)
        atoms.arrays["resname"] = np.concatenate(resname).astype(str)
        atoms.arrays["molecule"] = np.concatenate(molecule).astype(str)
        atoms.arrays["formal_charge"] = np.concatenate(q)
        atoms.arrays["role"] = np.concatenate(role).astype(str)
        atoms.arrays["facet"] = np.concatenate(facet).astype(str)
        ions = sum(i["count"] * i["charge_each"] for i in self.shell.counterions)
        atoms.info[CLAIMS_KEY] = json.dumps(self.claims(int(atoms.arrays["formal_charge"].sum()) + int(ions)))
        return atoms

    @cached_property
    def resnames(self) -> dict[tuple, str]:
        """One three-letter residue name per ligand species (bound form and motif): the template's
        name, made unique with a digit where two species would share it."""
        out: dict[tuple, str] = {}
        taken = {CORE_RESNAME}
        for p in self.shell.placed:
            key = _species_key(p.template)
            if key in out:
                continue
            name = p.template.resname
            k = 1
            while name in taken:
                name = p.template.resname[:2] + str(k)
                k += 1
            out[key] = name
            taken.add(name)
        return out

    @cached_property
    def topology(self):
        """The model's bond graph as the validator derives it from the coordinates."""
        from nanoligand.validate.graph import topology
        from nanoligand.validate.structure import Structure

        return topology(Structure.from_atoms(self.atoms))

    @cached_property
    def bonds(self) -> np.ndarray:
        """Bonds the coordinates show (covalent, inside the core, donor–metal), as (i, j) model indices:
        the CONECT records of a PDB file."""
        return self.topology.real_bonds()

    # -- composition and checks ---------------------------------------------------------------------------
    @cached_property
    def composition(self) -> Composition:
        """Ligand counts, densities, mass fractions and ratios as experiments report them."""
        c = self.census
        area = c.surface_area_nm2
        mat = self.core.material
        counts: dict[str, int] = {}
        by_facet: dict[str, dict[str, int]] = {}
        by_motif: dict[str, dict[str, int]] = {}
        per_face: dict[str, dict[str, list[int]]] = {}
        sites = self.shell.sites
        for p in self.shell.placed:
            name = p.template.name
            counts[name] = counts.get(name, 0) + len(p.sites)
            motif = p.entry.motif
            by_motif.setdefault(motif, {})
            by_motif[motif][name] = by_motif[motif].get(name, 0) + len(p.sites)
            fam, n = np.unique(sites.family[p.sites].astype(str), return_counts=True)
            for f_, k in zip(fam, n):
                by_facet.setdefault(str(f_), {})
                by_facet[str(f_)][name] = by_facet[str(f_)].get(name, 0) + int(k)
            for fam_ in set(fam):  # an edge ligand counts half for each of its two faces
                per = sites.face_counts(p.sites, self._faces_of(fam_))
                per_face.setdefault(str(fam_), {})[name] = [float(x) if x % 1 else int(x) for x in per]
        masses = self.atoms.get_masses()
        lig = self.atoms.arrays["residue"] > 0
        organic = np.isin(self.atoms.arrays["molecule"], [p.template.name.replace(" ", "_")
                                                          for p in self.shell.placed if p.template.organic])
        total_mass = float(masses.sum())
        ions_mass = sum(i["count"] * i["mass_g_mol"] for i in self.shell.counterions)
        cation_charge = max((mat.charges[e] for e in mat.cations), default=0)
        excess = c.net_charge / cation_charge if cation_charge and c.net_charge > 0 else 0.0
        return Composition(
            core_elements=dict(zip(*[x.tolist() for x in np.unique(
                np.array(self.atoms.get_chemical_symbols())[~lig], return_counts=True)])),
            cation_anion_ratio=c.cation_anion_ratio,
            ligands=counts,
            ligands_total=int(sum(counts.values())),
            ligands_by_facet=by_facet,
            ligands_by_motif=by_motif,
            ligands_per_face=per_face,
            ligand_density_per_nm2={k: round(v / area, 4) for k, v in counts.items()} if area else {},
            excess_cations=round(excess, 3),
            ligands_per_excess_cation={k: round(v / excess, 4) for k, v in counts.items()} if excess else {},
            organic_mass_fraction=round(float(masses[organic].sum()) / (total_mass + ions_mass), 5),
            ligand_mass_fraction=round(float(masses[lig].sum()) / (total_mass + ions_mass), 5),
            molar_mass_g_mol=round(total_mass + ions_mass, 2),
            core_molar_mass_g_mol=round(float(masses[~lig].sum()), 2),
            counterions=self.shell.counterions,
        )

    def _faces_of(self, family: str) -> np.ndarray:
        sites = self.shell.sites
        return np.unique(sites.face[sites.family == family])

    @property
    def net_charge(self) -> int:
        ions = sum(i["count"] * i["charge_each"] for i in self.shell.counterions)
        return int(self.atoms.arrays["formal_charge"].sum()) + int(ions)

    def validate(self):
        """The independent validator's report on this model (:mod:`nanoligand.validate`), computed once."""
        return self._validation

    @cached_property
    def _validation(self):
        from nanoligand.validate import validate

        report(f"validating {len(self.atoms)} atoms", 0.9)
        return validate(self.atoms)

    @property
    def validation(self):
        """Alias of :meth:`validate` (kept for one release)."""
        return self._validation

    def check(self) -> None:
        """Raise :class:`SelfCheckError` if a capped model fails validation (unless ``allow_invalid``).
        A bare core is not checked: its under-coordinated surface is what was asked for."""
        if self.has_shell and not self.allow_invalid:
            self.validate().raise_if_invalid()

    def to_dict(self) -> dict[str, Any]:
        """The JSON manifest, one shape for bare and capped models: material, atoms, net charge, the
        validator's verdict and report, the core census, the recipe and what was placed, the
        composition."""
        v = self.validate()
        return {
            "material": self.core.material.key,
            "n_atoms": len(self.atoms),
            "net_charge": self.net_charge,
            "valid": v.ok,
            "validation": v.to_dict(ligands=False),
            "core": self.census.to_dict(),
            "shell": {
                "name": self.recipe.name, "source": self.recipe.source, "arrangement": self.recipe.arrangement,
                "seed": self.recipe.seed,
                "entries": [{"ligand": p.entry.ligand, "bound_form": p.template.smiles, "motif": p.entry.motif,
                             "role": p.entry.role, "placed": len(p.sites), "site_kind": p.kind,
                             "resname": self.resnames[_species_key(p.template)],
                             "force_field": p.template.force_field}
                            for p in self.shell.placed],
                "footprint_limit": self.shell.footprint_limit,
                "shortfall": self.shell.shortfall,
                "packing": self.shell.packing,
            },
            "composition": self.composition.to_dict(),
        }

    def claims(self, net_charge: int | None = None) -> dict[str, Any]:
        """What the model says it is, for the validator's composition rule: ligands by formula (a proton
        on a surface anion counts as the X–H group it makes, e.g. HO-) and the net charge."""
        from rdkit import Chem
        from rdkit.Chem.rdMolDescriptors import CalcMolFormula

        from nanoligand.tables import load_table

        anion = load_table("bonds.yaml")["anion_charge"]
        symbols = self.core.atoms.get_chemical_symbols()
        out: dict[str, int] = {}
        for p in self.shell.placed:
            if not len(p.sites):
                continue
            if p.template.n_atoms > 1:
                formulas = [CalcMolFormula(Chem.MolFromSmiles(p.template.smiles))] * len(p.sites)
            elif p.template.symbols == ("H",):
                hosts = [symbols[self.shell.sites.hosts[i][0]] for i in p.sites]
                formulas = [CalcMolFormula(Chem.MolFromSmiles(f"[{h}H{anion.get(h, 0) + 1:+d}]")) for h in hosts]
            else:  # a single ion (Cl-, Cd2+) joins the core's ions: the net charge accounts for it
                continue
            for f in formulas:
                out[f] = out.get(f, 0) + 1
        ions = sum(i["count"] * i["charge_each"] for i in self.shell.counterions)
        return {"ligands": out, "net_charge": self.net_charge if net_charge is None else net_charge,
                "counterion_charge": int(ions)}

    def write(self, path: str | Path) -> None:
        """Write the model (``.xyz``, ``.extxyz``, ``.pdb``, ``.cif``) or the manifest (``.json``),
        atomically."""
        if Path(path).suffix.lower() == JSON_SUFFIX:
            write_json(path, self.to_dict())
        else:
            write_structure(path, self.atoms, bonds=self.bonds if self.has_shell else None)


def build(material: str, diameter_nm: float | None = None, shape: str | None = None,
          termination: str | None = None, *, shell: Any = None, edge_nm: float | None = None,
          length_nm: float | None = None, width_nm: float | None = None,
          facet_energies: Mapping[str, float] | None = None, ratio: float | None = None,
          aspect: float | None = None, allow_invalid: bool = False,
          atom_limit: tuple[int, str] | None = None) -> Nanocrystal:
    """Build a nanocrystal: cut the core, take its census, cap it with ``shell`` if one is given.

    Parameters
    ----------
    material : str
        Material key or alias (``nanoligand materials`` lists them).
    diameter_nm : float, optional
        Volume-equivalent sphere diameter (nm) of the core's lattice sites, 0.8–30 nm. Give it, or the
        size a TEM image shows: ``edge_nm`` (cube, tetrahedron, octahedron, platelet) or ``length_nm``
        and/or ``width_nm`` (rod; both fix the aspect ratio), see :mod:`nanoligand.core.sizes`.
    shape : str, optional
        ``sphere``, ``cube``, ``octahedron``, ``tetrahedron``, ``truncated-octahedron``, ``wulff``,
        ``rod`` or ``platelet``; the material's default if None.
    termination : str, optional
        ``stoichiometric``, ``cation_rich``, ``cation_rich_z``, ``seed004``, ``AX``, ``BX2``,
        ``hydrogen`` or ``bare``; the material's default if None, or with ``shell="native"`` the one
        the native recipe belongs to (seed004 for PbS, cation_rich for CdSe ...).
    shell : None, "native", ShellSpec, list of entry dicts or dict with ``entries``
        The recipe (:mod:`nanoligand.shell.recipe`); None for a bare core.
    facet_energies : mapping, optional
        Relative surface energies per family for Wulff shapes, e.g. ``{"100": 1.0, "111": 0.9}``.
    ratio : float, optional
        d{100}/d{111} of a truncated octahedron (default 2/√3, Archimedean).
    aspect : float, optional
        Aspect ratio of rods (length/width) and platelets (width/thickness).
    allow_invalid : bool
        Keep a capped model that fails validation (the failed rules are in its manifest) instead of
        raising :class:`~nanoligand.errors.SelfCheckError`.
    atom_limit : (int, str), optional
        The most atoms the model may hold and why (a PDB file, the web app): a larger core or shell is
        refused before it is built or placed.

    Returns
    -------
    Nanocrystal

    Examples
    --------
    >>> nc = build("CdSe", 3.0, shell="native")
    >>> nc.composition.ligand_density_per_nm2["oleic acid"] > 3.0
    True
    """
    if isinstance(shell, str) and shell == "native" and termination is None:
        termination = native_shell(material)[0]
    dims = dict(edge_nm=edge_nm, length_nm=length_nm, width_nm=width_nm)
    if diameter_nm is not None and any(v is not None for v in dims.values()):
        raise InputError("give the diameter_nm or a TEM size (edge_nm, length_nm, width_nm), not both")
    if diameter_nm is None:
        diameter_nm, aspect = equivalent_diameter_nm(material, shape, **dims, aspect=aspect, ratio=ratio,
                                                     facet_energies=facet_energies)
    report(f"cutting a {diameter_nm:g} nm {material} core", 0.0)
    core = build_bare_core(material, diameter_nm, shape, termination,
                           facet_energies=dict(facet_energies or {}) or None, ratio=ratio, aspect=aspect)
    bare = Nanocrystal(core)
    if atom_limit is not None and len(core.atoms) > atom_limit[0]:
        raise InputError(f"the core alone holds {len(core.atoms)} atoms, more than {atom_limit[0]}: {atom_limit[1]}")
    return bare if shell is None else bare.with_shell(shell, allow_invalid, atom_limit)


def build_core(material: str, diameter_nm: float, shape: str | None = None, termination: str | None = None,
               **geometry) -> Nanocrystal:
    """Alias of :func:`build` without a shell (kept for one release)."""
    return build(material, diameter_nm, shape, termination, **geometry)


def build_nanocrystal(material: str, diameter_nm: float, shape: str | None = None, termination: str | None = None,
                      *, shell: Any = "native", **options) -> Nanocrystal:
    """Alias of :func:`build` with the native shell by default (kept for one release)."""
    return build(material, diameter_nm, shape, termination, shell=shell, **options)


def _species_key(t) -> tuple:
    return (t.smiles, t.motif)


def resolve_shell(shell: Any, material: str) -> ShellSpec:
    """A recipe from ``"native"``, a :class:`ShellSpec`, a list of entries or a dict."""
    if isinstance(shell, str):
        if shell != "native":
            raise InputError(f"unknown shell {shell!r}: use 'native' or a recipe (list of entries)")
        return native_shell(material)[1]
    return parse_shell(shell)
