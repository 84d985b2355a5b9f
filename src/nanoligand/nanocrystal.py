"""The capped nanocrystal: core + ligand shell as one object, with its composition and self-check.

A :class:`Nanocrystal` holds the bare core (with its census), the shell recipe and the placed shell.
From them it gives the model as ASE ``Atoms`` (per-atom residue, residue name — one per ligand
species —, formal charge, role and facet), the bonds the coordinates show (for PDB CONECT records),
the composition the way experiments report it, and its validation: the independent structure
validator (:mod:`nanoligand.validate`) run on the model's own atoms. A model that fails validation
is a :class:`~nanoligand.errors.SelfCheckError`, never a quiet result (``allow_invalid=True`` keeps
it for inspection, with the failed rules in its manifest).

Examples
--------
>>> nc = build_nanocrystal("PbS", 3.0, shell="native")
>>> nc.validation.ok, nc.net_charge
(True, 0)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from ase import Atoms

from nanoligand.api import BareCore, build_core
from nanoligand.core.build import KIND_CAPPING
from nanoligand.errors import InputError
from nanoligand.io import JSON_SUFFIX, write_json, write_structure
from nanoligand.shell.cap import ShellResult, cap
from nanoligand.shell.recipe import ShellSpec, native_shell, parse_shell
from nanoligand.validate.structure import CLAIMS_KEY

CORE_RESNAME = "COR"


@dataclass
class Nanocrystal:
    """A capped nanocrystal (see module docstring)."""

    bare: BareCore
    spec: ShellSpec
    result: ShellResult
    allow_invalid: bool = False
    _checked: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self.check()

    # -- the model ----------------------------------------------------------------------------------------
    @cached_property
    def keep(self) -> np.ndarray:
        """Core atoms that stay (not replaced by a ligand)."""
        keep = np.ones(len(self.bare.atoms), bool)
        keep[self.result.removed_core] = False
        return keep

    @cached_property
    def atoms(self) -> Atoms:
        """The model: kept core atoms, then every ligand, with arrays ``residue`` (0 for the core),
        ``resname``, ``molecule`` (the ligand name, spaces as underscores so that extxyz reads back),
        ``formal_charge``, ``role`` (core, donor, ligand) and ``facet``."""
        core = self.bare.atoms[self.keep]
        mat = self.bare.core.material
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
        for p in self.result.placed:
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
            facet.append(np.repeat(self.result.sites.family[p.sites].astype(object), t.n_atoms))
        atoms = Atoms(symbols=symbols, positions=np.vstack(positions))
        atoms.arrays["residue"] = np.concatenate(residue)
        atoms.arrays["resname"] = np.concatenate(resname).astype(str)
        atoms.arrays["molecule"] = np.concatenate(molecule).astype(str)
        atoms.arrays["formal_charge"] = np.concatenate(q)
        atoms.arrays["role"] = np.concatenate(role).astype(str)
        atoms.arrays["facet"] = np.concatenate(facet).astype(str)
        ions = sum(i["count"] * i["charge_each"] for i in self.result.counterions)
        atoms.info[CLAIMS_KEY] = json.dumps(self.claims(int(atoms.arrays["formal_charge"].sum()) + int(ions)))
        return atoms

    @cached_property
    def resnames(self) -> dict[tuple, str]:
        """One three-letter residue name per ligand species (bound form and motif): the template's
        name, made unique with a digit where two species would share it."""
        out: dict[tuple, str] = {}
        taken = {CORE_RESNAME}
        for p in self.result.placed:
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
    def composition(self) -> dict[str, Any]:
        """Ligand counts, densities, mass fractions and ratios as experiments report them."""
        c = self.bare.census
        area = c.surface_area_nm2
        mat = self.bare.core.material
        counts: dict[str, int] = {}
        by_facet: dict[str, dict[str, int]] = {}
        by_motif: dict[str, dict[str, int]] = {}
        per_face: dict[str, dict[str, list[int]]] = {}
        sites = self.result.sites
        for p in self.result.placed:
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
                                                          for p in self.result.placed if p.template.organic])
        total_mass = float(masses.sum())
        ions_mass = sum(i["count"] * i["mass_g_mol"] for i in self.result.counterions)
        cation_charge = max((mat.charges[e] for e in mat.cations), default=0)
        excess = c.net_charge / cation_charge if cation_charge and c.net_charge > 0 else 0.0
        return {
            "ligands": counts,
            "ligands_total": int(sum(counts.values())),
            "ligands_by_facet": by_facet,
            "ligands_by_motif": by_motif,
            "ligands_per_face": per_face,
            "ligand_density_per_nm2": {k: round(v / area, 4) for k, v in counts.items()} if area else {},
            "excess_cations": round(excess, 3),
            "ligands_per_excess_cation": {k: round(v / excess, 4) for k, v in counts.items()} if excess else {},
            "organic_mass_fraction": round(float(masses[organic].sum()) / (total_mass + ions_mass), 5),
            "ligand_mass_fraction": round(float(masses[lig].sum()) / (total_mass + ions_mass), 5),
            "molar_mass_g_mol": round(total_mass + ions_mass, 2),
            "core_molar_mass_g_mol": round(float(masses[~lig].sum()), 2),
            "cation_anion_ratio": c.cation_anion_ratio,
            "counterions": self.result.counterions,
        }

    def _faces_of(self, family: str) -> np.ndarray:
        sites = self.result.sites
        return np.unique(sites.face[sites.family == family])

    @property
    def net_charge(self) -> int:
        ions = sum(i["count"] * i["charge_each"] for i in self.result.counterions)
        return int(self.atoms.arrays["formal_charge"].sum()) + int(ions)

    @cached_property
    def validation(self):
        """The independent validator's report on this model (:mod:`nanoligand.validate`)."""
        from nanoligand.validate import validate

        return validate(self.atoms)

    def check(self) -> None:
        """Raise :class:`SelfCheckError` if the model fails validation (unless ``allow_invalid``)."""
        if not self.allow_invalid:
            self.validation.raise_if_invalid()

    def to_dict(self) -> dict[str, Any]:
        """The JSON manifest: the core census, the recipe, the composition and the validation."""
        comp = self.composition
        v = self.validation
        return {
            "ligands": comp["ligands"],
            "ligand_density_per_nm2": comp["ligand_density_per_nm2"],
            "organic_mass_fraction": comp["organic_mass_fraction"],
            "net_charge": self.net_charge,
            "n_atoms": len(self.atoms),
            "valid": v.ok,
            "validation": v.to_dict(ligands=False),
            "composition": comp,
            "shell": {
                "name": self.spec.name, "source": self.spec.source, "arrangement": self.spec.arrangement,
                "seed": self.spec.seed,
                "entries": [{"ligand": p.entry.ligand, "bound_form": p.template.smiles, "motif": p.entry.motif,
                             "role": p.entry.role, "placed": len(p.sites), "site_kind": p.kind,
                             "resname": self.resnames[_species_key(p.template)],
                             "force_field": p.template.force_field}
                            for p in self.result.placed],
                "footprint_limit": self.result.footprint_limit,
                "shortfall": self.result.shortfall,
                "packing": self.result.packing,
            },
            "core": self.bare.to_dict(),
        }

    def claims(self, net_charge: int | None = None) -> dict[str, Any]:
        """What the model says it is, for the validator's composition rule: ligands by formula (a proton
        on a surface anion counts as the X–H group it makes, e.g. HO-) and the net charge."""
        from rdkit import Chem
        from rdkit.Chem.rdMolDescriptors import CalcMolFormula

        from nanoligand.tables import load_table

        anion = load_table("bonds.yaml")["anion_charge"]
        symbols = self.bare.atoms.get_chemical_symbols()
        out: dict[str, int] = {}
        for p in self.result.placed:
            if not len(p.sites):
                continue
            if p.template.n_atoms > 1:
                formulas = [CalcMolFormula(Chem.MolFromSmiles(p.template.smiles))] * len(p.sites)
            elif p.template.symbols == ("H",):
                hosts = [symbols[self.result.sites.hosts[i][0]] for i in p.sites]
                formulas = [CalcMolFormula(Chem.MolFromSmiles(f"[{h}H{anion.get(h, 0) + 1:+d}]")) for h in hosts]
            else:  # a single ion (Cl-, Cd2+) joins the core's ions: the net charge accounts for it
                continue
            for f in formulas:
                out[f] = out.get(f, 0) + 1
        ions = sum(i["count"] * i["charge_each"] for i in self.result.counterions)
        return {"ligands": out, "net_charge": self.net_charge if net_charge is None else net_charge,
                "counterion_charge": int(ions)}

    def write(self, path: str | Path) -> None:
        """Write the model (``.xyz``, ``.extxyz``, ``.pdb``, ``.cif``) or the manifest (``.json``),
        atomically."""
        if Path(path).suffix.lower() == JSON_SUFFIX:
            write_json(path, self.to_dict())
        else:
            write_structure(path, self.atoms, bonds=self.bonds)


def build_nanocrystal(material: str, diameter_nm: float, shape: str | None = None, termination: str | None = None,
                      *, shell: Any = "native", facet_energies: Mapping[str, float] | None = None,
                      ratio: float | None = None, aspect: float | None = None,
                      allow_invalid: bool = False) -> Nanocrystal:
    """Build a core and cap it with a ligand shell.

    Parameters
    ----------
    material, diameter_nm, shape, termination, facet_energies, ratio, aspect
        As for :func:`~nanoligand.build_core`. With ``shell="native"`` the termination defaults to the
        one the native recipe belongs to (seed004 for PbS, cation_rich for CdSe ...).
    shell : "native", ShellSpec, list of entry dicts or dict with ``entries``
        The recipe (see :mod:`nanoligand.shell.recipe`).
    allow_invalid : bool
        Keep a model that fails validation (the failed rules are in its manifest) instead of raising.

    Returns
    -------
    Nanocrystal
    """
    spec = resolve_shell(shell, material)
    if isinstance(shell, str) and shell == "native" and termination is None:
        termination = native_shell(material)[0]
    bare = build_core(material, diameter_nm, shape, termination, facet_energies=facet_energies, ratio=ratio,
                      aspect=aspect)
    return Nanocrystal(bare, spec, cap(bare, spec), allow_invalid)


def _species_key(t) -> tuple:
    return (t.smiles, t.motif)


def resolve_shell(shell: Any, material: str) -> ShellSpec:
    """A recipe from ``"native"``, a :class:`ShellSpec`, a list of entries or a dict."""
    if isinstance(shell, str):
        if shell != "native":
            raise InputError(f"unknown shell {shell!r}: use 'native' or a recipe (list of entries)")
        return native_shell(material)[1]
    return parse_shell(shell)
