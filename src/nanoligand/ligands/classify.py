"""Anchors, inorganic species and salts: what in a molecule binds a nanocrystal surface, and how.

A molecule is split into its fragments (the parts of a salt given whole). Each fragment is first
checked against the inorganic rules (``data/inorganic_rules.yaml``: counterions, pseudohalides,
monatomic ions, oxo/chalcogenido/halido complexes, metal salts), then searched for organic anchor
groups (``data/anchors.yaml``). Atoms claimed by one anchor are not claimed again; a cationic onium
and an anion in one neutral fragment are reported as their zwitterion class. The parts of a salt
combine into an overall motif by the salt rules, which say what they assume.

Examples
--------
>>> from rdkit import Chem
>>> r = classify(Chem.MolFromSmiles("CCCCCCCC/C=C\\\\CCCCCCCC(=O)O"))
>>> [(a.group, a.motif, a.motifs) for a in r.anchors]
[('carboxylic_acid', 'L', ('L', 'X'))]
>>> classify(Chem.MolFromSmiles("[In+3].[O-][N+](=O)[O-].[O-][N+](=O)[O-].[O-][N+](=O)[O-]")).motif
'Z'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdkit import Chem

from nanoligand.ligands.catalogue import Catalogue, applicable, catalogue, element_numbers, element_symbols
from nanoligand.shell.motifs import binds_as_anion, deprotonated, part_role

ONIUM_GROUPS = frozenset({"primary_ammonium", "secondary_ammonium", "tertiary_ammonium",
                          "quaternary_ammonium", "guanidinium", "formamidinium"})
#: classes of inorganic species whose atoms act as donors (their terminal atoms bind surface cations)
_DONOR_CLASSES = frozenset({"halide", "pseudohalide", "chalcogenide", "hydroxide", "oxoanion",
                            "polyoxometalate", "metal_chalcogenide_complex", "metal_free_chalcogenide_complex",
                            "metal_halide_complex", "non_coordinating_anion"})


@dataclass(frozen=True)
class Anchor:
    """One anchor group found in a molecule.

    Attributes
    ----------
    group : str
        Identifier from ``anchor_classes.md`` (``carboxylic_acid``, ``thiolate``, ``halide`` ...).
    motif : str or None
        Binding motif as given: ``L``, ``X``, ``Z``, ``ion_pair``, ``counterion``, ``covalent``, or
        None for a lone onium cation or a zwitterion (they bind through both charges).
    motifs : tuple of str
        Every motif the group offers: a neutral acid is ``L`` as given and ``X`` once deprotonated.
    atoms, donor_atoms : tuple of int
        Atom indices (in the whole molecule) of the group and of its donor atoms.
    donor_elements : tuple of str
    denticity : int
    modes : tuple of str
        Binding modes (monodentate, chelating, bridging, tridentate, dative, electrostatic, covalent).
    base : str or None
        The HSAB base the donor is classified as (key into ``data/hsab.yaml``).
    after_deprotonation : str or None
        The anionic group a neutral acid becomes.
    charge : int
        Formal charge on the group's atoms.
    fragment : int
        Index of the fragment (salt part) it belongs to.
    """

    group: str
    motif: str | None
    motifs: tuple[str, ...]
    atoms: tuple[int, ...]
    donor_atoms: tuple[int, ...]
    donor_elements: tuple[str, ...]
    denticity: int
    modes: tuple[str, ...]
    base: str | None
    after_deprotonation: str | None
    charge: int
    fragment: int
    priority: int = 9


@dataclass(frozen=True)
class Part:
    """One fragment of the molecule (a salt given whole has several)."""

    smiles: str  # empty for a single-fragment molecule (the ligand's own SMILES applies)
    charge: int
    species: str  # inorganic class, "organic", or "organic_onium"
    motif: str | None
    role: str
    atoms: tuple[int, ...]


@dataclass(frozen=True)
class Classification:
    """Anchors, parts and the overall motif of a molecule."""

    anchors: tuple[Anchor, ...]
    parts: tuple[Part, ...]
    motif: str | None
    assumes: str = ""
    near_misses: tuple[str, ...] = field(default_factory=tuple)

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(a.group for a in self.anchors)


def classify(mol: Chem.Mol, cat: Catalogue | None = None, near_misses: bool = True) -> Classification:
    """Find anchors and inorganic parts of ``mol`` and decide its overall motif; without anchors,
    ``near_misses`` lists the functional groups found instead (skipped in batch mode)."""
    cat = cat or catalogue()
    frag_atoms = Chem.GetMolFrags(mol, asMols=False, sanitizeFrags=False)
    anchors: list[Anchor] = []
    parts: list[Part] = []
    multi = len(frag_atoms) > 1
    whole_elements = None if multi else element_numbers(mol)
    for k, idx in enumerate(frag_atoms):
        frag = _submol(mol, idx)
        inorganic = _inorganic(frag, idx, k, cat, multi) if _maybe_inorganic(frag, cat) else None
        if inorganic is not None:
            part, anchor = inorganic
            parts.append(part)
            if anchor is not None:
                anchors.append(anchor)
            continue
        found = _organic_anchors(mol, set(idx), k, cat, whole_elements)
        anchors.extend(found)
        charge = Chem.GetFormalCharge(frag)
        primary = min(found, key=lambda a: a.priority) if found else None
        onium = primary is not None and primary.group in ONIUM_GROUPS and charge > 0
        parts.append(Part(Chem.MolToSmiles(frag) if multi else "", charge,
                          "organic_onium" if onium else "organic", primary.motif if primary else None,
                          "ligand" if found else "no anchor", tuple(idx)))
    motif, assumes = _overall(parts, anchors, cat)
    near = _near_misses(mol, cat) if near_misses and not anchors else ()
    return Classification(tuple(anchors), tuple(parts), motif, assumes, near)


def _submol(mol: Chem.Mol, idx: tuple[int, ...]) -> Chem.Mol:
    if len(idx) == mol.GetNumAtoms():
        return mol
    return Chem.RWMol(Chem.PathToSubmol(mol, _bonds_within(mol, idx))) if len(idx) > 1 else _single(mol, idx[0])


def _bonds_within(mol: Chem.Mol, idx: tuple[int, ...]) -> list[int]:
    s = set(idx)
    return [b.GetIdx() for b in mol.GetBonds() if b.GetBeginAtomIdx() in s and b.GetEndAtomIdx() in s]


def _single(mol: Chem.Mol, i: int) -> Chem.Mol:
    atom = mol.GetAtomWithIdx(i)
    rw = Chem.RWMol()
    new = Chem.Atom(atom.GetAtomicNum())
    new.SetFormalCharge(atom.GetFormalCharge())
    new.SetNumExplicitHs(atom.GetTotalNumHs())
    new.SetNoImplicit(True)
    rw.AddAtom(new)
    return rw.GetMol()


# -- inorganic fragments ----------------------------------------------------------------------------------
#: fragments larger than this with carbon and no metal are organic (the largest carbon-containing
#: inorganic species of the rules, triflate, has 8 heavy atoms)
_MAX_CARBON_INORGANIC = 8


def _maybe_inorganic(frag: Chem.Mol, cat: Catalogue) -> bool:
    """Cheap pre-screen: could the inorganic rules apply at all?"""
    symbols = element_symbols(frag)
    return "C" not in symbols or frag.GetNumHeavyAtoms() <= _MAX_CARBON_INORGANIC or bool(symbols & cat.sets["METALS"])


def _inorganic(frag: Chem.Mol, idx: tuple[int, ...], k: int, cat: Catalogue, multi: bool = True):
    """Classify a fragment as an inorganic species, counterion or metal salt; None if organic."""
    heavy = [a for a in frag.GetAtoms() if a.GetAtomicNum() > 1]
    charge = Chem.GetFormalCharge(frag)
    symbols = [a.GetSymbol() for a in heavy]
    elements = frozenset(a.GetAtomicNum() for a in heavy)
    smiles = Chem.MolToSmiles(frag) if multi else ""
    for q in cat.whole:
        if not _sign_ok(charge, q.info["charge"]):
            continue
        match = q.matches(frag, elements)
        if match and any(len(m) == len(heavy) for m in match):
            return _species(q.info["class"], q.info["motif"], frag, idx, k, charge, smiles, cat)
    if len(heavy) == 1:
        atom = heavy[0]
        for rule in cat.monatomic:
            if (atom.GetSymbol() in _elements(rule["elements"], cat) and _sign_ok(charge, rule["charge"])
                    and rule.get("hydrogens", atom.GetTotalNumHs()) == atom.GetTotalNumHs()):
                return _species(rule["class"], rule["motif"], frag, idx, k, charge, smiles, cat)
    has_carbon = "C" in symbols
    metals = cat.sets["METALS"]
    for rule in cat.structural:
        centres = _elements(rule["centres"], cat)
        ligands = None if rule["ligands"] == "ANY" else _elements(rule["ligands"], cat)
        if not _sign_ok(charge, rule["charge"]):
            continue
        need = rule.get("min_of")
        if need and sum(s in need["elements"] for s in symbols) < need["count"]:
            continue
        if ligands is None:  # metal salts and complex cations: any ligands, but a metal must be present
            if any(s in metals for s in symbols) and (len(heavy) > 1 or rule["class"] == "metal_cation"):
                return _species(rule["class"], rule["motif"], frag, idx, k, charge, smiles, cat)
            continue
        if has_carbon and "C" not in centres:
            continue
        if _bipartite(heavy, centres, ligands, rule.get("ligand_bonds", False)):
            return _species(rule["class"], rule["motif"], frag, idx, k, charge, smiles, cat)
    return None


def _bipartite(heavy: list, centres: frozenset[str], ligands: frozenset[str], ligand_bonds: bool = False) -> bool:
    """Every heavy atom is a centre bonded only to ligand atoms, or a ligand atom bonded only to
    centres (and, with ``ligand_bonds``, to other ligand atoms): an oxo-, chalcogenido- or
    halido-complex, never an organic molecule (no C-C or M-M bonds)."""
    n_centre = 0
    partners = centres | ligands if ligand_bonds else centres
    for atom in heavy:
        nbrs = [n.GetSymbol() for n in atom.GetNeighbors() if n.GetAtomicNum() > 1]
        sym = atom.GetSymbol()
        if sym in centres and all(n in ligands for n in nbrs) and (sym not in ligands or len(nbrs) > 1):
            n_centre += 1
        elif sym in ligands and all(n in partners for n in nbrs):
            continue
        else:
            return False
    return n_centre > 0


def _elements(spec, cat: Catalogue) -> frozenset[str]:
    if isinstance(spec, str):
        return cat.sets[spec]
    out: set[str] = set()
    for s in spec:
        out |= set(cat.sets.get(s, {s}))
    return frozenset(out)


def _sign_ok(charge: int, want: str) -> bool:
    return {"negative": charge < 0, "positive": charge > 0, "zero": charge == 0}[want]


def _species(cls: str, motif: str, frag: Chem.Mol, idx: tuple[int, ...], k: int, charge: int, smiles: str,
             cat: Catalogue) -> tuple[Part, Anchor | None]:
    role = part_role(motif)
    part = Part(smiles, charge, cls, motif, role, tuple(idx))
    metals = cat.sets["METALLOIDS_AND_METALS"]
    if cls in _DONOR_CLASSES:
        donors = [a for a in frag.GetAtoms()
                  if a.GetAtomicNum() > 1 and a.GetSymbol() not in metals
                  and (a.GetDegree() <= 1 or len(idx) == 1)]
    else:
        donors = [a for a in frag.GetAtoms() if a.GetSymbol() in metals]  # acceptors (Z) or cations
    donor_idx = tuple(idx[a.GetIdx()] for a in donors)
    motifs = (motif,) if motif else ()
    anchor = Anchor(
        group=cls, motif=motif, motifs=motifs, atoms=tuple(idx), donor_atoms=donor_idx,
        donor_elements=tuple(sorted({a.GetSymbol() for a in donors})),
        denticity=max(1, len(donors)) if cls in _DONOR_CLASSES else 1,
        modes=_INORGANIC_MODES.get(cls, ("monodentate",)), base=_INORGANIC_BASE.get(cls),
        after_deprotonation=None, charge=charge, fragment=k, priority=1,
    )
    return part, anchor


_INORGANIC_MODES = {
    "halide": ("monodentate", "bridging"), "pseudohalide": ("monodentate", "bridging"),
    "chalcogenide": ("monodentate", "bridging"), "hydroxide": ("monodentate", "bridging"),
    "oxoanion": ("monodentate", "chelating", "bridging"), "polyoxometalate": ("multidentate",),
    "metal_chalcogenide_complex": ("multidentate", "bridging"),
    "metal_free_chalcogenide_complex": ("multidentate", "bridging"),
    "metal_halide_complex": ("monodentate", "bridging"), "metal_cation": ("acceptor",),
    "metal_salt": ("acceptor",), "non_coordinating_anion": ("electrostatic",),
    "counter_cation": ("electrostatic",),
}
#: the HSAB base each inorganic donor class is classified as (keys of data/hsab.yaml; halides by element)
_INORGANIC_BASE = {"pseudohalide": "SCN-", "chalcogenide": "S2-", "hydroxide": "OH-", "oxoanion": "SO4 2-",
                   "polyoxometalate": "SO4 2-", "metal_chalcogenide_complex": "S2-",
                   "metal_free_chalcogenide_complex": "S2-", "metal_halide_complex": "Cl-", "halide": "halide"}


# -- organic anchors --------------------------------------------------------------------------------------
def _organic_anchors(mol: Chem.Mol, frag_idx: set[int], k: int, cat: Catalogue,
                     elements: frozenset[int] | None = None) -> list[Anchor]:
    if elements is None:
        elements = frozenset(mol.GetAtomWithIdx(i).GetAtomicNum() for i in frag_idx)
    single = len(frag_idx) == mol.GetNumAtoms()
    claimed: set[int] = set()
    found: list[Anchor] = []
    for q in applicable(cat.anchors, elements):
        for match in q.matches(mol, elements):
            atoms = set(match)
            if (not single and not atoms <= frag_idx) or claimed & atoms:
                continue
            claimed |= atoms
            found.append(_organic_anchor(mol, q.info, match, q.donors, k))
    return _zwitterions(mol, found, frag_idx, k, cat)


def _organic_anchor(mol: Chem.Mol, info: dict, match: tuple[int, ...], donor_q: tuple[int, ...], k: int) -> Anchor:
    donors = tuple(match[i] for i in donor_q)
    charge = sum(mol.GetAtomWithIdx(i).GetFormalCharge() for i in match)  # a handful of atoms
    motif = info.get("charged_motif") if charge < 0 and "charged_motif" in info else info.get("motif")
    if charge == 0 and "neutral_motif" in info:
        motif = info["neutral_motif"]
    after = info.get("after_deprotonation") if charge == 0 else None
    motifs = tuple(dict.fromkeys([m for m in (motif, deprotonated() if after else None) if m]))
    return Anchor(
        group=info["group"], motif=motif, motifs=motifs, atoms=tuple(sorted(match)), donor_atoms=donors,
        donor_elements=tuple(sorted({mol.GetAtomWithIdx(i).GetSymbol() for i in donors})),
        denticity=int(info["denticity"]), modes=tuple(info["modes"]), base=info.get("base"),
        after_deprotonation=after, charge=charge, fragment=k, priority=int(info["priority"]),
    )


def _zwitterions(mol: Chem.Mol, found: list[Anchor], frag_idx: set[int], k: int, cat: Catalogue) -> list[Anchor]:
    if len(found) < 2 or sum(mol.GetAtomWithIdx(i).GetFormalCharge() for i in frag_idx) != 0:
        return found
    for rule in cat.zwitterions:
        cations = [a for a in found if a.group in rule["cations"] and a.charge > 0]
        anions = [a for a in found if a.group in rule["anions"] and a.charge < 0]
        if cations and anions:
            c, a = cations[0], anions[0]
            z = Anchor(group=rule["group"], motif=None, motifs=(), atoms=tuple(sorted(set(c.atoms) | set(a.atoms))),
                       donor_atoms=c.donor_atoms + a.donor_atoms,
                       donor_elements=tuple(sorted(set(c.donor_elements) | set(a.donor_elements))),
                       denticity=c.denticity + a.denticity, modes=cat.zwitterion_modes, base=a.base,
                       after_deprotonation=None, charge=0, fragment=k, priority=1)
            rest = [x for x in found if x is not c and x is not a]
            return [z, *rest]
    return found


# -- overall motif ----------------------------------------------------------------------------------------
def _overall(parts: list[Part], anchors: list[Anchor], cat: Catalogue) -> tuple[str | None, str]:
    if not anchors:
        return None, ""
    if len(parts) == 1:
        primary = min(anchors, key=lambda a: a.priority)
        if primary.group in ONIUM_GROUPS and primary.charge > 0:
            return None, "organic cation: binds as an ion pair with a halide (seed 000 §2.1.2)"
        return primary.motif, ""
    cations = [p for p in parts if p.charge > 0]
    anions = [p for p in parts if p.charge < 0]
    for rule in cat.salts:
        cmin = rule.get("cation_charge_min", 1)
        if (cations and anions and all(p.species in rule["cation"] for p in cations)
                and all(p.species in rule["anion"] or (p.species == "organic" and binds_as_anion(p.motif)
                                                        and "carboxylate" in rule["anion"]) for p in anions)
                and all(p.charge >= cmin for p in cations if p.species == "metal_cation")):
            return rule["motif"], rule["assumes"]
    ranked = sorted(anchors, key=lambda a: a.priority)
    return ranked[0].motif, "mixture: the motif of its highest-priority anchor"


def _near_misses(mol: Chem.Mol, cat: Catalogue) -> tuple[str, ...]:
    """Functional groups found when no anchor is: what the molecule has instead."""
    elements = element_numbers(mol)
    names = [q.name for q in applicable(cat.functional, elements) if q.matches(mol, elements)]
    return tuple(dict.fromkeys(names))
