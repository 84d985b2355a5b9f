"""What the design rules look at in a molecule, computed once from the ligand engine (fast: 2D only).

* **anchors**: each anchor with the *kinds* of binding it offers — its motifs (X, L, Z, covalent), ``X2``
  for an O-acid that can bind an oxide as anion + proton (seed 000 §2.1.1), ``cation`` for ammonium-type
  heads, ``zwitterion``, ``counterion`` for non-coordinating anions — and its HSAB class.
* **shell class**: the functional part's interaction class (ligand engine), ``water`` for PEG longer
  than 100 units, ``ionic`` for inorganic charged species and metal salts (seed 001 §3.1), ``polar``
  rather than ``non-polar`` for a compact organic ligand with no chain or ring to solvate it.
* **extent_nm**: longest heavy-atom path × 0.1265 nm, the extended-chain length per C–C bond of
  Tanford (J. Phys. Chem. 1972, 76, 3020); an estimate (3D conformers are used only for the top
  candidates of a recommendation).
* **features** and **tokens** (the class names a candidate is known by: anchor groups and the anion an
  acid becomes, inorganic classes, zwitterion heads, ``peg``, ``handle:<name>``, ``chiral``, ``short``,
  ``conjugated``, ``dipolar``); see ``data/design.yaml`` for how applications use them. Which groups
  are handles depends on which anchor binds (:func:`handles_when_bound`).

Examples
--------
>>> f = features(ligand_from("OC(=O)CCS"))      # 3-mercaptopropionic acid
>>> f.groups, sorted(f.anchors[0]["kinds"]), f.features["short"]
(('thiol', 'carboxylic_acid'), ['L', 'X'], 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from rdkit import Chem

from nanoligand.design.context import rules
from nanoligand.ligands.catalogue import element_symbols
from nanoligand.shell.motifs import binds_no_site, offered_by
from nanoligand.solvents import hansen_distance_MPa05, hansen_matrix_MPa05

TANFORD_NM_PER_BOND = 0.1265
#: a functional part with a carbon chain shorter than this (and no aromatic ring) does not carry a dot in a
#: non-polar solvent: long alkyl chains do (seed 000 §3.1; seed 001 §2), short and inorganic ligands move dots
#: to polar solvents (seed 001 §3.1). The threshold is ours.
COMPACT_MAX_CHAIN = 4
ONIUM = {"quaternary_ammonium", "tertiary_ammonium", "secondary_ammonium", "primary_ammonium", "guanidinium",
         "formamidinium"}
ZWITTERION = {"phosphocholine", "phosphoethanolamine", "sulfobetaine", "carboxybetaine"}
HALIDE_LIKE = {"halide", "pseudohalide", "metal_halide_complex"}
SOFT_ANIONS = {"phosphonate", "phosphonic_acid", "sulfonate", "sulfonic_acid"}
AMINES = {"primary_amine", "secondary_amine", "tertiary_amine"}
ORGANIC_SPECIES = {"organic", "organic_onium"}
MIN_CONJUGATED_ATOMS = 6   # an aromatic ring or a longer conjugated system
#: anchor groups that are bioconjugation handles (data/functional_groups.yaml names) when another anchor binds
ANCHOR_HANDLE = {"carboxylic_acid": "carboxyl", "carboxylate": "carboxyl", "primary_amine": "amine",
                 "primary_ammonium": "ammonium", "thiol": "thiol", "thiolate": "thiol",
                 "alkyne_terminal": "terminal_alkyne", "alkene_terminal": "terminal_alkene",
                 "trialkoxysilane": "silane", "trichlorosilane": "silane"}


@dataclass
class Features:
    mol: Chem.Mol
    name: str | None
    groups: tuple[str, ...]
    anchors: list[dict[str, Any]]
    inorganic: bool
    charge: int
    heavy_atoms: int
    shell_class: str
    extent_nm: float
    hansen: tuple[float, float, float] | None
    features: dict[str, float]
    tokens: frozenset[str]
    handles: list[str] = field(default_factory=list)
    entry: dict[str, Any] | None = None

    @cached_property
    def smiles(self) -> str:
        """Canonical SMILES (on first use)."""
        return Chem.MolToSmiles(self.mol)


def ligand_from(smiles: str):
    from nanoligand.ligands import Ligand

    return Ligand.from_smiles(smiles)


def anchor_kinds(a) -> set[str]:
    if a.group in ONIUM:
        return {"cation"}
    if a.group in ZWITTERION:
        return {"zwitterion"}
    if binds_no_site(a.motif) or a.group == "non_coordinating_anion":
        return {"counterion"}
    kinds = set(a.motifs) or ({a.motif} if a.motif else set())
    return kinds | set(offered_by(a.after_deprotonation, a.donor_elements))  # X2: an O-acid on an oxide


def _longest_path(mol: Chem.Mol) -> int:
    """Bonds on the longest shortest path (the ligand engine's molecules carry implicit hydrogens only)."""
    if mol.GetNumAtoms() < 2:
        return 0
    d = Chem.GetDistanceMatrix(mol)
    d[d > 1e6] = 0  # separate fragments
    return int(d.max())


def features(lig, entry: dict[str, Any] | None = None, hansen: bool = True) -> Features:
    """The :class:`Features` of a :class:`~nanoligand.ligands.Ligand` (module docstring); ``hansen=False``
    skips the Hansen estimate (screening's fast mode)."""
    from nanoligand.properties.transport import bridges

    r = rules()
    mol = lig.mol
    fp = lig.functional
    anchors = []
    for a in lig.anchors:
        anchors.append({"group": a.group, "family": a.after_deprotonation or a.group, "kinds": anchor_kinds(a),
                        "hsab": lig.hsab_class(a), "charge": a.charge, "denticity": a.denticity, "motif": a.motif})
    groups = tuple(dict.fromkeys(a["group"] for a in anchors))
    species = {p.species for p in lig.classification.parts}
    inorganic = bool(species - ORGANIC_SPECIES)
    charge = Chem.GetFormalCharge(mol)
    if inorganic and (charge != 0 or "metal_salt" in species or any(p.charge for p in lig.classification.parts)):
        shell = "ionic"
    else:
        shell = "water" if fp.water_dispersible_peg else fp.interaction
        if shell == "non-polar" and fp.tail_carbon_chain < COMPACT_MAX_CHAIN and not fp.aromatic_rings:
            shell = "polar"   # nothing that solvates in a non-polar solvent: a compact shell
    extent = TANFORD_NM_PER_BOND * _longest_path(mol)
    s_nm, l_nm = r["short_nm"], r["long_nm"]
    short = float(np.clip((l_nm - extent) / (l_nm - s_nm), 0.0, 1.0))
    fluorinated = "F" in element_symbols(mol)
    handles = [h["name"] for h in fp.handles]
    f = {
        "short": short,
        "inorganic": float(inorganic),
        "halide": float(bool(set(groups) & HALIDE_LIKE)),
        "metal_cation": float("metal_cation" in groups),
        "soft_anion": float(bool(set(groups) & SOFT_ANIONS) or (fluorinated and bool({"carboxylate", "carboxylic_acid"}
                                                                                         & set(groups)))),
        "bridging": float(len(anchors) > 0 and bridges(lig)),
        "conjugated": float(fp.conjugated_atoms >= MIN_CONJUGATED_ATOMS or bool(fp.acceptors)),
        "acceptor": float(bool(fp.acceptors)),
        "dipolar": float(bool(fp.substituents)),
        "handle": float(bool(handles)),
        "water": float(shell in ("hbond", "ionic", "water")),
        "chiral": float(fp.chiral),
        "zwitterion": float(bool(set(groups) & ZWITTERION)),
        "cation_head": float(bool(set(groups) & ONIUM)),
        "thiol": float(bool({"thiol", "thiolate"} & set(groups))),
        "amine": float(bool(AMINES & set(groups))),
        "peg": float(fp.peg_units >= 2),
    }
    tokens = set(groups) | {a["family"] for a in anchors} | {f"handle:{h}" for h in handles}
    tokens |= {name for name in ("chiral", "conjugated", "dipolar", "peg") if f[name]}
    if extent <= s_nm:
        tokens.add("short")
    return Features(mol, lig.given_name, groups, anchors, inorganic, charge, mol.GetNumHeavyAtoms(),
                    shell, extent, _hansen(lig, inorganic) if hansen else None, f, frozenset(tokens), handles, entry)


def _hansen(lig, inorganic: bool) -> tuple[float, float, float] | None:
    """Hansen parameters of the functional part (anchor removed), where group contribution covers it."""
    from rdkit import rdBase

    from nanoligand.ligands.hansen import hansen_parameters
    from nanoligand.properties.dispersibility import GROUP_CONTRIBUTION_MAX_HEAVY, outer_atoms, outer_part

    if inorganic:
        return None
    keep = outer_atoms(lig)
    if keep == []:
        return None
    # the key: the canonical SMILES of the outer atoms as they sit in the ligand (which fixes the capped
    # outer part: an atom that lost a bond to the anchor shows a different H count in brackets), or the
    # whole ligand's
    key = "whole|" + lig.smiles if keep is None else Chem.MolFragmentToSmiles(lig.mol, keep)
    if key not in _HANSEN_MEMO:
        with rdBase.BlockLogs():
            outer = outer_part(lig, keep)
            h = (hansen_parameters(outer) if outer is not None
                 and 0 < outer.GetNumHeavyAtoms() <= GROUP_CONTRIBUTION_MAX_HEAVY else {})
        value = (h["dD"], h["dP"], h["dH"]) if h.get("dD") is not None else None
        if outer is lig.mol and keep is not None:   # outer_part fell back to the whole ligand: not keyed by it
            return value
        if len(_HANSEN_MEMO) >= HANSEN_MEMO_SIZE:
            _HANSEN_MEMO.clear()
        _HANSEN_MEMO[key] = value
    return _HANSEN_MEMO[key]


#: Hansen parameters by the functional part (its atoms' canonical SMILES in the ligand): enumerated
#: libraries repeat functional parts across anchors, so a screening worker computes each once (bounded;
#: cleared when full)
_HANSEN_MEMO: dict[str, tuple[float, float, float] | None] = {}
HANSEN_MEMO_SIZE = 1 << 16


def handles_when_bound(f: Features, group: str | None) -> list[str]:
    """The handles a candidate offers once ``group`` binds: its functional handles and its other
    anchors that are handles (an alkene-bound 10-undecenoic acid offers its carboxyl), less the binding
    group itself."""
    own = ANCHOR_HANDLE.get(group or "")
    out = {h for h in f.handles if h != own}
    out |= {ANCHOR_HANDLE[a["group"]] for a in f.anchors if a["group"] != group and a["group"] in ANCHOR_HANDLE}
    if own and sum(a["group"] == group for a in f.anchors) > 1:   # a second copy of the binding group (a dithiol)
        out.add(own)
    return sorted(out)


def hansen_rank(hsp: tuple[float, float, float], solvent_hsp: tuple[float, float, float]) -> float:
    """Share of the packaged solvents farther (Hansen Ra) from ``hsp`` than the target solvent."""
    _, m = hansen_matrix_MPa05()
    ra = hansen_distance_MPa05(m, hsp)
    target = hansen_distance_MPa05(solvent_hsp, hsp)
    return float(np.mean(ra > target + 1e-9))
