"""The validation report: rules with verdicts, one row per ligand, a summary per facet.

Rules (all derived from coordinates; thresholds in ``data/validation.yaml``):

=====================  ==========================================================================  =========
rule                   what fails                                                                  severity
=====================  ==========================================================================  =========
``attached``           a ligand with no donor bonded to the core (nor a hydrogen bond to it)       fail
``short_contacts``     a ligand atom closer to a core metal than the bond-valence shortest bond    fail
``ligand_bonds``       a bond length off its MMFF94 copy by more than ``bond_deviation_A``         fail
``ligand_angles``      a bond angle off its MMFF94 copy by more than ``angle_deviation_deg``       fail
``clashscore``         overlaps ≥ 0.4 Å per 1000 atoms above ``clashscore_max``; any > 0.9 Å        fail
``fused_molecules``    a non-metal with more bonds than its valence (two molecules overlap)       fail
``floating_atoms``     an atom bonded to nothing (a lone proton, a stray ion)                      fail
``cation_coordination`` a core cation bonded to fewer than ``min_cation_cn`` atoms                  fail
``chalcogen_coordination`` a core S/Se/Te bonded to fewer than ``min_chalcogen_cn`` atoms          warn
``residues``           residue labels of the file that split or merge molecules                   fail
``composition``        ligand counts that differ from what the model claims; a net charge ≠ 0       fail
=====================  ==========================================================================  =========
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from nanoligand.errors import SelfCheckError
from nanoligand.tables import load_table
from nanoligand.validate.contacts import Clashes, clashes
from nanoligand.validate.graph import Topology, nonmetals, tables, topology
from nanoligand.validate.ligand_geometry import Species, _hill as _hill_formula, deviations, species_of
from nanoligand.validate.structure import Structure, as_structure

CHALCOGENS = ("S", "Se", "Te")
CAP_CH_A = 1.09  # C–H of methane, 1.085 Å (Gray & Robiette, Mol. Phys. 1979, 37, 1901; data/bonds.yaml)
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Rule:
    """One rule's outcome: ``verdict`` is ``pass``, ``warn``, ``fail`` or ``skip``."""

    name: str
    verdict: str
    measured: Any
    limit: Any
    violations: int
    detail: str
    examples: list = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.name, "verdict": self.verdict, "measured": self.measured, "limit": self.limit,
                "violations": self.violations, "detail": self.detail, "examples": self.examples}


@dataclass(frozen=True)
class ValidationReport:
    """What the validator found (module docstring); ``ok`` is False when any rule fails."""

    source: str
    n_atoms: int
    n_core_atoms: int
    rules: list[Rule]
    ligands: list[dict]
    facets: dict[str, dict]
    species: dict[str, dict]
    topology: Topology = field(repr=False)

    @property
    def ok(self) -> bool:
        return not any(r.verdict == "fail" for r in self.rules)

    @property
    def failed(self) -> list[Rule]:
        return [r for r in self.rules if r.verdict == "fail"]

    def rule(self, name: str) -> Rule:
        return next(r for r in self.rules if r.name == name)

    def summary(self) -> str:
        """One line: verdict and the failing rules."""
        if self.ok:
            return f"valid: {len(self.ligands)} ligands, {self.n_atoms} atoms, every rule passed"
        return "invalid: " + "; ".join(f"{r.name}: {r.detail}" for r in self.failed)

    def raise_if_invalid(self) -> None:
        if not self.ok:
            raise SelfCheckError(f"the model fails validation — {self.summary()[9:]}")

    def to_dict(self, ligands: bool = True) -> dict[str, Any]:
        out = {"source": self.source, "valid": self.ok, "n_atoms": self.n_atoms, "n_core_atoms": self.n_core_atoms,
               "n_ligands": len(self.ligands), "rules": [r.to_dict() for r in self.rules],
               "species": self.species, "facets": self.facets}
        if ligands:
            out["ligands"] = self.ligands
        return out


def validate(model: Any) -> ValidationReport:
    """Validate a capped nanocrystal model from its coordinates (module docstring).

    Parameters
    ----------
    model : path, ASE Atoms, Nanocrystal or Structure
        PDB, extxyz, xyz or cif files of any origin are read by suffix.

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> from ase import Atoms
    >>> r = validate(Atoms("OH", positions=[[0, 0, 0], [0, 0, 0.97]]))
    >>> r.ok, r.rule("attached").violations
    (False, 1)
    """
    s = as_structure(model)
    g = topology(s)
    th = tables()["thresholds"]
    lig = _ligand_table(g)
    clash = clashes(g)
    rules = [
        _attached(g, lig),
        _short_contacts(g),
        *_geometry_rules(lig, th),
        _clashscore(s, clash, th),
        _count_rule("fused_molecules", g.overbonded, "non-metal atoms with more bonds than their valence allows",
                    s.symbols),
        _count_rule("floating_atoms", _floating(g), "atoms bonded to nothing", s.symbols),
        *_coordination_rules(g, th),
        _residue_rule(g),
        _composition_rule(s, g, lig),
    ]
    per_ligand = _ligand_rows(g, lig, clash)
    return ValidationReport(s.source, s.n_atoms, int(g.is_core.sum()), rules, per_ligand, _facets(per_ligand),
                            _species_summary(lig), g)


# -- per-ligand data ---------------------------------------------------------------------------------------
@dataclass
class _Ligands:
    atoms: list[np.ndarray]        # per ligand, atom indices
    species: list[Species]
    species_id: np.ndarray          # per ligand
    bond_dev: np.ndarray
    angle_dev: np.ndarray
    donors: list[list[int]]
    metals: list[list[int]]
    hbonds: np.ndarray
    mode: list[str]


def _ligand_table(g: Topology) -> _Ligands:
    pos = g.structure.positions
    sym = g.structure.symbols
    n = g.n_ligands
    order = np.argsort(g.molecule, kind="stable")
    order = order[g.molecule[order] >= 0]
    counts = np.bincount(g.molecule[order], minlength=n)
    atoms = np.split(order, np.cumsum(counts)[:-1]) if n else []
    local = np.full(len(sym), -1)
    for a in atoms:
        local[a] = np.arange(len(a))
    # bonds inside each molecule, in local indices
    cov = g.covalent
    mol_of_bond = g.molecule[cov[:, 0]] if len(cov) else np.zeros(0, int)
    bond_order = np.argsort(mol_of_bond, kind="stable")
    bcounts = np.bincount(mol_of_bond, minlength=n) if len(cov) else np.zeros(n, int)
    bond_groups = np.split(cov[bond_order], np.cumsum(bcounts)[:-1]) if n else []
    # a fragment grafted to a covalent framework (Si–C) is perceived and compared with its bond to the
    # framework closed by an H (C–H 1.09 Å along the Si–C bond): the alkyl it is, not a radical
    caps: dict[int, list[tuple[int, np.ndarray]]] = {}
    if g.framework is not None:
        for c, d in g.coordination:
            u = pos[c] - pos[d]
            caps.setdefault(int(g.molecule[d]), []).append((int(local[d]), pos[d] + CAP_CH_A * u / np.linalg.norm(u)))
    groups: dict[tuple, list[int]] = {}
    keys = []
    xyz_of = []
    for k, (a, b) in enumerate(zip(atoms, bond_groups)):
        lb = np.sort(local[b], axis=1) if len(b) else np.zeros((0, 2), int)
        symbols = list(sym[a])
        xyz_k = pos[a]
        if k in caps:
            extra = np.array([[d, len(a) + i] for i, (d, _) in enumerate(caps[k])])
            lb = np.vstack([lb, extra])
            symbols += ["H"] * len(caps[k])
            xyz_k = np.vstack([xyz_k, [x for _, x in caps[k]]])
        lb = lb[np.lexsort((lb[:, 1], lb[:, 0]))] if len(lb) else lb
        key = (tuple(symbols), lb.tobytes())
        keys.append(lb)
        xyz_of.append(xyz_k)
        groups.setdefault(key, []).append(k)
    species: list[Species] = []
    species_id = np.zeros(n, int)
    bond_dev = np.full(n, np.nan)
    angle_dev = np.full(n, np.nan)
    for sid, (key, members) in enumerate(groups.items()):
        xyz = np.stack([xyz_of[m] for m in members])
        typical = _typical(xyz, keys[members[0]])
        sp = species_of(key[0], keys[members[0]], xyz[typical])
        if members[0] in caps:  # report the graft as it is in the model, without the closing H
            sp = replace(sp, formula=_hill_formula(key[0][:len(atoms[members[0]])]))
        species.append(sp)
        species_id[members] = sid
        db, da = deviations(sp, xyz)
        bond_dev[members] = db
        angle_dev[members] = da
    donors: list[list[int]] = [[] for _ in range(n)]
    metals: list[list[int]] = [[] for _ in range(n)]
    for m_, d_ in g.coordination:
        k = g.molecule[d_]
        donors[k].append(int(d_))
        metals[k].append(int(m_))
    hb = np.bincount(g.molecule[g.hbonds[:, 0]], minlength=n) if len(g.hbonds) else np.zeros(n, int)
    modes = [_mode(d, m, h) for d, m, h in zip(donors, metals, hb)]
    return _Ligands(atoms, species, species_id, bond_dev, angle_dev, donors, metals, hb, modes)


def _typical(xyz: np.ndarray, bonds: np.ndarray) -> int:
    """The copy whose bond lengths are closest to the median copy's: the species' reference starts
    from it, so that one distorted copy cannot skew the comparison for all."""
    if len(xyz) == 1 or len(bonds) == 0:
        return 0
    lengths = np.linalg.norm(xyz[:, bonds[:, 0]] - xyz[:, bonds[:, 1]], axis=-1)
    return int(np.argmin(np.abs(lengths - np.median(lengths, axis=0)).sum(axis=1)))


def _mode(donors: list[int], metals: list[int], hbonds: int) -> str:
    """Binding mode from the (donor, metal) bonds of one ligand."""
    if not donors:
        return f"ion pair ({hbonds} H-bonds)" if hbonds else "unbound"
    by_donor: dict[int, set[int]] = {}
    for d, m in zip(donors, metals):
        by_donor.setdefault(d, set()).add(m)
    all_metals = set(metals)
    if len(by_donor) == 1:
        k = len(all_metals)
        return "monodentate" if k == 1 else f"mu{k}"
    if len(all_metals) == 1:
        return "chelating"
    shared = set.intersection(*by_donor.values())
    if not shared and all(len(v) == 1 for v in by_donor.values()):
        return "bridging"
    return "chelating-bridging" if shared else f"bridging mu{len(all_metals)}"


# -- rules ---------------------------------------------------------------------------------------------
def _attached(g: Topology, lig: _Ligands) -> Rule:
    bad = [k for k, m in enumerate(lig.mode) if m == "unbound"]
    return Rule("attached", "fail" if bad else "pass", len(lig.mode) - len(bad), len(lig.mode), len(bad),
                f"{len(bad)} of {len(lig.mode)} ligands bonded to no core atom" if bad else
                f"all {len(lig.mode)} ligands bonded to the core",
                [_ligand_label(g, lig, k) for k in bad[:MAX_EXAMPLES]])


def _short_contacts(g: Topology) -> Rule:
    sym = g.structure.symbols
    n = len(g.short_contacts)
    ex = [f"{sym[a]}{a}-{sym[b]}{b} {d:.2f} Å < {lo:.2f} Å" for (a, b), d, lo in
          zip(g.short_contacts[:MAX_EXAMPLES], g.short_contacts_A, g.short_contacts_min_A)]
    shortest = float(g.short_contacts_A.min()) if n else None
    return Rule("short_contacts", "fail" if n else "pass", shortest, "bond-valence shortest bond", n,
                f"{n} metal–ligand contacts shorter than the shortest bond" if n else "no metal–ligand contact too short",
                ex)


def _geometry_rules(lig: _Ligands, th: dict) -> list[Rule]:
    out = []
    for name, dev, lim, unit in (("ligand_bonds", lig.bond_dev, th["bond_deviation_A"], "Å"),
                                 ("ligand_angles", lig.angle_dev, th["angle_deviation_deg"], "°")):
        checked = np.isfinite(dev)
        bad = np.nonzero(checked & (dev > lim))[0]
        worst = float(np.nanmax(dev)) if checked.any() else None
        unchecked = int((~checked).sum())
        verdict = "fail" if len(bad) else ("skip" if not checked.any() and len(dev) else "pass")
        note = f"; {unchecked} ligands without force-field parameters unchecked" if unchecked else ""
        out.append(Rule(name, verdict, None if worst is None else round(worst, 3), lim, len(bad),
                        f"{len(bad)} ligands off their MMFF94 copy by more than {lim} {unit} (worst "
                        f"{worst:.3f} {unit}){note}" if len(bad) else
                        f"largest deviation {worst:.3f} {unit} (limit {lim} {unit}){note}" if worst is not None
                        else "no ligand to check", [int(k) for k in bad[:MAX_EXAMPLES]]))
    return out


def _clashscore(s: Structure, c: Clashes, th: dict) -> Rule:
    score = c.per_1000_atoms(s.n_atoms)
    severe = int(np.sum(c.overlap_A > th["severe_overlap_A"]))
    bad = score > th["clashscore_max"] or severe > 0
    sym = s.symbols
    order = np.argsort(-c.overlap_A)[:MAX_EXAMPLES]
    ex = [f"{sym[a]}{a}-{sym[b]}{b} {c.distance_A[k]:.2f} Å (overlap {c.overlap_A[k]:.2f} Å)"
          for k, (a, b) in zip(order, c.pairs[order])]
    return Rule("clashscore", "fail" if bad else "pass", round(score, 2), th["clashscore_max"], len(c.pairs),
                f"{len(c.pairs)} overlaps ≥ {th['clash_overlap_A']} Å ({score:.2f} per 1000 atoms), {severe} severe "
                f"(> {th['severe_overlap_A']} Å)", ex)


def _count_rule(name: str, idx: np.ndarray, what: str, sym: np.ndarray) -> Rule:
    n = len(idx)
    return Rule(name, "fail" if n else "pass", n, 0, n, f"{n} {what}" if n else f"no {what}",
                [f"{sym[i]}{i}" for i in idx[:MAX_EXAMPLES]])


def _floating(g: Topology) -> np.ndarray:
    deg = np.bincount(g.all_bonds().ravel(), minlength=g.structure.n_atoms)
    return np.nonzero(deg == 0)[0]


def _ionic_core(g: Topology) -> tuple[np.ndarray, np.ndarray]:
    sym = g.structure.symbols
    nm = np.isin(sym, list(nonmetals()))
    return g.is_core & ~nm, g.is_core & nm & (g.molecule < 0)


def _coordination_rules(g: Topology, th: dict) -> list[Rule]:
    sym = g.structure.symbols
    cations, anions = _ionic_core(g)
    if g.framework is not None or not anions.any():
        return [Rule("cation_coordination", "skip", None, th["min_cation_cn"], 0, "not an ionic core"),
                Rule("chalcogen_coordination", "skip", None, th["min_chalcogen_cn"], 0, "not an ionic core")]
    cn = np.bincount(np.concatenate([g.core_bonds.ravel(), g.coordination.ravel()]).astype(int),
                     minlength=len(sym))
    if len(g.hbonds):
        cn += np.bincount(g.hbonds[:, 2], minlength=len(sym))
    out = []
    for name, mask, lim, sev in (("cation_coordination", cations, th["min_cation_cn"], "fail"),
                                 ("chalcogen_coordination", anions & np.isin(sym, CHALCOGENS),
                                  th["min_chalcogen_cn"], "warn")):
        bad = np.nonzero(mask & (cn < lim))[0]
        hist = Counter(int(x) for x in cn[bad])
        out.append(Rule(name, sev if len(bad) else "pass", int(cn[mask].min()) if mask.any() else None, lim,
                        len(bad), (f"{len(bad)} core atoms with fewer than {lim} bonds after capping "
                                   f"({', '.join(f'{v}× {c}-coordinate' for c, v in sorted(hist.items()))})")
                        if len(bad) else f"every one has ≥ {lim} bonds",
                        [f"{sym[i]}{i} CN {cn[i]}" for i in bad[:MAX_EXAMPLES]]))
    return out


def _residue_rule(g: Topology) -> Rule:
    """Residues of the file against the molecules: atoms in a residue that holds core atoms are not
    checked (a proton on a surface O makes an O–H with a core atom), but no molecule may span two
    other residues, and no residue may hold pieces of two molecules."""
    res = g.structure.residue
    if res is None:
        return Rule("residues", "skip", None, None, 0, "the file carries no residues")
    lig = g.molecule >= 0
    core_res = np.unique(res[g.is_core])
    own = lig & ~np.isin(res, core_res)
    bad: list[str] = []
    n_bad = 0
    if own.any():
        pairs = np.unique(np.column_stack([g.molecule[own], res[own]]), axis=0)
        per_mol = np.bincount(pairs[:, 0])
        _, per_res = np.unique(pairs[:, 1], return_counts=True)
        bad = [f"molecule {m} spans {c} residues" for m, c in enumerate(per_mol) if c > 1][:MAX_EXAMPLES]
        n_bad = int((per_mol > 1).sum() + (per_res > 1).sum())
        if (per_res > 1).any():
            bad.append(f"{int((per_res > 1).sum())} residues split into several molecules")
    return Rule("residues", "fail" if n_bad else "pass", n_bad, 0, n_bad,
                f"{n_bad} residues disagree with the bonds" if n_bad else "residues match the molecules", bad)


def _neutral(formula: str) -> str:
    """A formula without its charge (a thiolate on gold is RS- or RS* by convention only: the atoms
    are what is compared; the charge has its own check)."""
    return re.sub(r"[+-]\d*$", "", formula)


def _formal_charge_of_core(g: Topology) -> int | None:
    """Sum of the core ions' formal charges, or None if an element's charge is not tabulated."""
    sym = g.structure.symbols
    metals = tables()["bond_valence"]["metals"]
    anion = load_table("bonds.yaml")["anion_charge"]
    cations, anions = _ionic_core(g)
    total = 0
    for mask, table in ((cations, {k: v["valence"] for k, v in metals.items()}), (anions, anion)):
        for e, n in zip(*np.unique(sym[mask], return_counts=True)):
            if str(e) not in table:
                return None
            total += int(table[str(e)]) * int(n)
    return total


def _composition_rule(s: Structure, g: Topology, lig: _Ligands) -> Rule:
    found = Counter(_neutral(lig.species[i].formula) for i in lig.species_id)
    cations, anions = _ionic_core(g)
    core_q = _formal_charge_of_core(g) if anions.any() and g.framework is None else None
    claims = s.claims or {}
    listed = int(claims.get("counterion_charge", 0))  # a declared diffuse layer: listed, not in the file
    net = None if core_q is None else core_q + int(sum(lig.species[i].charge for i in lig.species_id)) + listed
    problems = []
    if net not in (None, 0):
        problems.append(f"net formal charge {net:+d} e (core {core_q:+d}, ligands {net - core_q - listed:+d}"
                        + (f", listed counter-ions {listed:+d}" if listed else "") + ")")
    claimed = Counter()
    for formula, n in (claims.get("ligands") or {}).items():
        claimed[_neutral(formula)] += n
    for formula, n in claimed.items():
        if found.get(formula, 0) != n:
            problems.append(f"{formula}: {found.get(formula, 0)} found, {n} claimed")
    for formula in set(found) - set(claimed) if claimed else ():
        problems.append(f"{formula}: {found[formula]} found, none claimed")
    measured = {"ligands": dict(found), "net_charge": net}
    detail = "; ".join(problems) if problems else (
        f"net charge {net:+d} e" + (", counts as claimed" if claims.get("ligands") else "") if net is not None
        else "counted (no formal charges for this core)")
    return Rule("composition", "fail" if problems else "pass", measured, claims or None, len(problems), detail,
                problems[:MAX_EXAMPLES])


# -- rows and summaries ------------------------------------------------------------------------------------
def _ligand_label(g: Topology, lig: _Ligands, k: int) -> str:
    return f"ligand {k} ({lig.species[lig.species_id[k]].formula}, atoms {lig.atoms[k][0]}–{lig.atoms[k][-1]})"


def _ligand_rows(g: Topology, lig: _Ligands, c: Clashes) -> list[dict]:
    sym = g.structure.symbols
    pos = g.structure.positions
    per_clash = np.zeros(g.n_ligands, int)
    for col in (0, 1):
        m = g.molecule[c.pairs[:, col]] if len(c.pairs) else np.zeros(0, int)
        np.add.at(per_clash, m[m >= 0], 1)
    facet = g.structure.facet
    rows = []
    for k in range(g.n_ligands):
        sp = lig.species[lig.species_id[k]]
        d = [float(np.linalg.norm(pos[a] - pos[b])) for a, b in zip(lig.metals[k], lig.donors[k])]
        rows.append({
            "ligand": k, "species": sp.smiles, "formula": sp.formula, "charge": sp.charge,
            "first_atom": int(lig.atoms[k][0]), "mode": lig.mode[k],
            "donors": sorted({f"{sym[x]}{x}" for x in lig.donors[k]}),
            "metals": sorted({f"{sym[x]}{x}" for x in lig.metals[k]}),
            "donor_metal_A": [round(x, 3) for x in sorted(d)], "hbonds": int(lig.hbonds[k]),
            "max_bond_dev_A": None if np.isnan(lig.bond_dev[k]) else round(float(lig.bond_dev[k]), 4),
            "max_angle_dev_deg": None if np.isnan(lig.angle_dev[k]) else round(float(lig.angle_dev[k]), 2),
            "clashes": int(per_clash[k]),
            "facet": str(facet[lig.metals[k][0]]) if facet is not None and lig.metals[k] else "-",
        })
    return rows


def _facets(rows: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in rows:
        f = out.setdefault(r["facet"], {"ligands": 0, "by_formula": {}, "modes": {}, "unbound": 0, "clashing": 0})
        f["ligands"] += 1
        f["by_formula"][r["formula"]] = f["by_formula"].get(r["formula"], 0) + 1
        f["modes"][r["mode"]] = f["modes"].get(r["mode"], 0) + 1
        f["unbound"] += r["mode"] == "unbound"
        f["clashing"] += r["clashes"] > 0
    return out


def _species_summary(lig: _Ligands) -> dict[str, dict]:
    counts = np.bincount(lig.species_id, minlength=len(lig.species)) if len(lig.species_id) else []
    return {sp.formula + (f" ({sp.smiles})" if sp.formula != sp.smiles else ""): {
        "count": int(n), "smiles": sp.smiles, "charge": sp.charge, "force_field": sp.force_field}
        for sp, n in zip(lig.species, counts)}
