"""Dispersibility of a ligand-capped nanocrystal: which solvents its shell's outside likes.

Seed 000 §3.1 (Fig. 6): what a colloid disperses in is set by the ligand's *functional part*, the
outside of the shell, in three interaction classes — non-polar (alkyl chains → hexane, toluene),
polar (esters, e.g. the ZP3 zwitterion → ethyl and butyl acetate), H-bonding/ionic (PEG, carboxylate →
ethanol; PEG longer than 100 units → water). Here:

* the class comes from the ligand engine's functional part (:mod:`nanoligand.ligands.functional`);
* the shell's Hansen parameters are those of the molecule with its anchor group cut off (the anchor
  sits on the crystal; group contribution of Stefanis & Panayiotou, an estimate);
* solvents (``data/hansen_solvents.yaml``: Hansen's handbook values, 75 solvents) are ranked by the
  Hansen distance ``Ra = √(4 ΔδD² + ΔδP² + ΔδH²)``; RED = Ra/R0 when an interaction radius R0 is
  given (none is packaged for ligand shells);
* each solvent carries its class from :func:`nanoligand.solvents.solvent_class` (non-polar, polar,
  very-polar, hbond, water: the same class the design engine uses); the solvents whose class falls in
  the shell's Fig. 6 category (:func:`nanoligand.solvents.seed000_category`: very-polar counts as polar,
  water as protic/ionic) are ranked first.

Examples
--------
>>> r = dispersibility("CCCCCCCCCCCCCCCCCC[N+](C)(C)CCCS(=O)(=O)[O-]")   # C18 sulfobetaine
>>> r.shell_class, r.class_solvents
('non-polar', ['hexane', 'toluene'])
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from rdkit import Chem

from nanoligand.errors import InputError
from nanoligand.solvents import hansen_distance_MPa05, seed000_category, solvent_class, solvent_table

#: the seed's representative solvents per class (seed 000 §3.1, Fig. 6)
CLASS_SOLVENTS = {"non-polar": ["hexane", "toluene"], "polar": ["ethyl acetate", "butyl acetate"],
                  "hbond": ["ethanol"], "ionic": ["ethanol"], "water": ["water"]}
#: the Fig. 6 category of each shell class (seed 000 §3.1: "non-polar, polar, and protic/ionic")
SHELL_CATEGORY = {"non-polar": "non-polar", "polar": "polar", "hbond": "protic/ionic", "ionic": "protic/ionic",
                  "water": "protic/ionic"}
#: group contribution is a small-molecule method: longer functional parts (a PEG of 100 units) get none
GROUP_CONTRIBUTION_MAX_HEAVY = 60


@dataclass
class Dispersibility:
    ligand: str
    shell_class: str
    class_solvents: list[str]
    shell_hansen: dict | None
    ranking: list[dict] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def outer_atoms(lig) -> list[int] | None:
    """Atoms of the outer part (all but the primary anchor's); None when the outer part is the whole ligand
    (no anchor, or an anchor inside an aromatic ring, which cannot be cut out)."""
    if not lig.anchors:
        return None
    cut, broken = _cut(lig)
    if any(b.GetIsAromatic() for b in broken):
        return None
    return [i for i in range(lig.mol.GetNumAtoms()) if i not in cut]


def _cut(lig) -> tuple[set[int], list]:
    """The primary anchor's atoms and the bonds that tie them to the rest."""
    cut = set(lig.anchors[0].atoms)
    return cut, [b for i in cut for b in lig.mol.GetAtomWithIdx(i).GetBonds() if b.GetOtherAtomIdx(i) not in cut]


def outer_part(lig, keep: list[int] | None = None) -> Chem.Mol | None:
    """The ligand without its primary anchor group (H-capped), or None if nothing is left (``keep``: the
    :func:`outer_atoms` when the caller has them already)."""
    if (keep if keep is not None else outer_atoms(lig)) is None:
        return lig.mol
    cut, broken = _cut(lig)
    rw = Chem.RWMol(lig.mol)
    # the atoms that lose a bond to the anchor, by their index after the anchor's atoms are removed
    cut_sorted = sorted(cut)
    lost: dict[int, int] = {}   # bonds each exposed atom loses
    for b in broken:
        i = b.GetBeginAtomIdx() if b.GetEndAtomIdx() in cut else b.GetEndAtomIdx()
        lost[i] = lost.get(i, 0) + 1
    exposed = [(i - bisect_left(cut_sorted, i), n) for i, n in lost.items()]
    rw.BeginBatchEdit()
    for i in cut:
        rw.RemoveAtom(i)
    rw.CommitBatchEdit()
    mol = rw.GetMol()
    if mol.GetNumAtoms() == 0:
        return None
    for i, n in exposed:
        a = mol.GetAtomWithIdx(i)
        a.SetNoImplicit(False)
        a.SetNumRadicalElectrons(0)
        if a.GetIsAromatic():   # an N-substituted azole becomes the NH azole: H takes the substituent's place
            a.SetNumExplicitHs(a.GetNumExplicitHs() + n)
        if a.GetFormalCharge() and a.GetSymbol() in ("C",):
            a.SetFormalCharge(0)
    try:
        Chem.SanitizeMol(mol)
    except Exception:  # a cut RDKit cannot sanitise: fall back to the whole ligand
        return lig.mol
    if len(Chem.GetMolFrags(mol)) == 1:
        return mol
    # the largest piece; ties broken by canonical SMILES, so that the choice depends on the molecule only
    frags = Chem.GetMolFrags(mol, asMols=True)
    top = max(m.GetNumHeavyAtoms() for m in frags)
    tied = [m for m in frags if m.GetNumHeavyAtoms() == top]
    return tied[0] if len(tied) == 1 else max(tied, key=Chem.MolToSmiles)


def dispersibility(name_or_smiles: str, R0: float | None = None, top: int = 10) -> Dispersibility:
    """Shell class, the seed's solvents for it and a Hansen ranking (module docstring)."""
    from nanoligand.ligands import ligand
    from nanoligand.ligands.hansen import hansen_parameters

    lig = ligand(name_or_smiles)
    fp = lig.functional
    cls = "water" if fp.water_dispersible_peg else fp.interaction
    reasons = list(fp.interaction_reasons) + (["PEG longer than 100 units: water (seed 000 §3.1)"]
                                             if fp.water_dispersible_peg else [])
    outer = outer_part(lig)
    if outer is not None and outer.GetNumHeavyAtoms() > GROUP_CONTRIBUTION_MAX_HEAVY:
        hsp = {"dD": None, "not_covered": f"{outer.GetNumHeavyAtoms()} heavy atoms: beyond the small-molecule range "
                                          "of the group-contribution method"}
    else:
        hsp = hansen_parameters(outer) if outer is not None and outer.GetNumHeavyAtoms() else None
    if R0 is not None and not R0 > 0:
        raise InputError("the interaction radius R0 must be positive")
    ranking = []
    if hsp and hsp.get("dD") is not None:
        me = (hsp["dD"], hsp["dP"], hsp["dH"])
        want = SHELL_CATEGORY[cls]
        for name, rec in solvent_table().items():
            ra = hansen_distance_MPa05(me, (rec["dD"], rec["dP"], rec["dH"]))
            sc = solvent_class(rec)
            ranking.append({"solvent": name, "Ra": round(ra, 2), "RED": round(ra / R0, 3) if R0 else None,
                            "class": sc, "in_shell_class": seed000_category(sc) == want})
        ranking.sort(key=lambda r: (not r["in_shell_class"], r["Ra"]))
        ranking = ranking[:top]
    else:
        reasons.append("no Hansen estimate for the functional part: " +
                       (hsp.get("not_covered", "nothing left") if hsp else "nothing beyond the anchor"))
    return Dispersibility(lig.name, cls, CLASS_SOLVENTS.get(cls, []), hsp, ranking, reasons)
