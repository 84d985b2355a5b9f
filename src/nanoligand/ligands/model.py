"""The ``Ligand``: a molecule (organic or inorganic) with its anchors, functional part and descriptors.

Examples
--------
>>> lig = Ligand.from_smiles("CCCCCCCC/C=C\\\\CCCCCCCC(=O)O", name="oleic acid")
>>> lig.motif, [a.group for a in lig.anchors]
('L', ['carboxylic_acid'])
>>> lig.anchors[0].motifs     # L as given, X once deprotonated
('L', 'X')
>>> Ligand.from_smiles("CCCCCC").motif is None   # no anchor: an explicit result, not an error
True
"""

from __future__ import annotations

import re
from dataclasses import asdict
from functools import cached_property
from typing import Any

from rdkit import Chem, rdBase

from nanoligand.errors import InputError
from nanoligand.ligands import hsab
from nanoligand.ligands.classify import Anchor, Classification, classify
from nanoligand.ligands.descriptors import descriptors_2d, descriptors_3d
from nanoligand.ligands.functional import FunctionalReport, functional_part
from nanoligand.materials import Material, get
from nanoligand.shell.motifs import is_acceptor

def parse_smiles(smiles: str) -> Chem.Mol:
    """Parse and sanitise a SMILES string; raise :class:`InputError` naming what is wrong with it."""
    text = (smiles or "").strip()
    problem = smiles_problem(text)
    if problem:
        raise InputError(f"invalid SMILES {text!r}: {problem}")
    with rdBase.BlockLogs():
        return Chem.MolFromSmiles(text)  # sanitised, with stereo perceived


def smiles_problem(text: str) -> str | None:
    """What is wrong with a SMILES string (RDKit's words), or None if it parses and sanitises."""
    if not text:
        return "empty SMILES"
    with rdBase.BlockLogs():
        mol = Chem.MolFromSmiles(text, sanitize=False)
        if mol is None:
            return _syntax_error(text)
        problems = Chem.DetectChemistryProblems(mol)
    return problems[0].Message() if problems else None


def _syntax_error(text: str) -> str:
    """RDKit's own parse message where this RDKit can capture it, else a generic hint."""
    capture = getattr(rdBase, "CaptureErrorLog", None)
    if capture is not None:
        with capture() as log:
            Chem.MolFromSmiles(text, sanitize=False)
        for line in str(log.messages).splitlines():
            msg = re.sub(r"^\[[0-9:]+\]\s*", "", line).strip()
            if msg.startswith("SMILES Parse Error:"):
                return msg.replace("SMILES Parse Error: ", "").split(" for input:")[0]
    return "syntax error (check brackets, ring-closure digits and atom symbols)"


class Ligand:
    """A ligand (or ligand salt) with its anchors, motif, functional part and descriptors.

    Build with :meth:`from_smiles` or :func:`nanoligand.ligand` (names from the built-in library).
    Analyses are computed on first use and cached; 3D descriptors only when asked for.
    """

    def __init__(self, mol: Chem.Mol, name: str | None = None, *, entry: dict[str, Any] | None = None):
        self.mol = mol
        self.given_name = name
        self.entry = dict(entry or {})

    @cached_property
    def smiles(self) -> str:
        """Canonical SMILES (computed on first use: screening never needs it)."""
        return Chem.MolToSmiles(self.mol)

    @property
    def name(self) -> str:
        return self.given_name or self.smiles

    @classmethod
    def from_smiles(cls, smiles: str, name: str | None = None) -> "Ligand":
        return cls(parse_smiles(smiles), name)

    def __repr__(self) -> str:
        return f"Ligand({self.name!r}, motif={self.motif!r}, anchors={list(self.groups)})"

    # -- classification -----------------------------------------------------------------------------
    @cached_property
    def classification(self) -> Classification:
        return classify(self.mol)

    @property
    def anchors(self) -> tuple[Anchor, ...]:
        return self.classification.anchors

    @property
    def groups(self) -> tuple[str, ...]:
        return self.classification.groups

    @property
    def motif(self) -> str | None:
        return self.classification.motif

    @property
    def primary_anchor(self) -> Anchor | None:
        """The anchor that decides the motif when no surface is given (lowest priority, then catalogue
        order); :meth:`best_anchor` picks by HSAB match for a given material."""
        return min(self.anchors, key=lambda a: a.priority) if self.anchors else None

    def best_anchor(self, material: str | Material) -> Anchor | None:
        scored = [(s["score"] if s["score"] is not None else -1.0, -a.priority, a)
                  for a, s in zip(self.anchors, self.hsab_match(material))]
        return max(scored, key=lambda t: (t[0], t[1]))[2] if scored else None

    # -- HSAB ------------------------------------------------------------------------------------------
    def hsab_match(self, material: str | Material) -> list[dict[str, Any]]:
        """Per anchor: donor class, surface partner and the match score (see :mod:`.hsab`)."""
        mat = get(material)
        out = []
        for a in self.anchors:
            element = a.donor_elements[0] if a.donor_elements else None
            if is_acceptor(a.motif):  # acceptor (Z): scored against the surface anion as a base
                partner = hsab.surface_base(mat)
                own = self._acceptor_class(a)
                score = hsab.match(partner["class"], own)
                out.append({"group": a.group, "role": "acceptor", "ligand_hsab": own,
                            "surface": partner["base"], "surface_hsab": partner["class"], "score": score,
                            "source": partner["source"]})
                continue
            partner = hsab.surface_acid(mat)
            own = hsab.donor_class(a.base, element)
            out.append({"group": a.group, "role": "donor", "ligand_hsab": own, "surface": partner["acid"],
                        "surface_hsab": partner["class"], "score": hsab.match(own, partner["class"]),
                        "source": partner["source"]})
        return out

    def _acceptor_class(self, anchor: Anchor) -> str | None:
        metals = [self.mol.GetAtomWithIdx(i) for i in anchor.donor_atoms]
        for atom in metals:
            charge = atom.GetFormalCharge() or _oxidation_state(atom)
            cls = hsab.acid_class(hsab.ion_name(atom.GetSymbol(), charge)) if charge else None
            if cls:
                return cls
        return None

    def hsab_class(self, anchor: Anchor) -> str | None:
        """HSAB class of an anchor: of its donor as a base, or of a Z-type acceptor as an acid."""
        if is_acceptor(anchor.motif):
            return self._acceptor_class(anchor)
        return hsab.donor_class(anchor.base, anchor.donor_elements[0] if anchor.donor_elements else None)

    def anchor_hsab(self, anchor: Anchor) -> dict[str, Any]:
        """HSAB class of an anchor's donor and Pearson hardness η of its donor atom or ion (eV)."""
        element = anchor.donor_elements[0] if anchor.donor_elements else None
        if is_acceptor(anchor.motif):
            cls = self._acceptor_class(anchor)
            atom = self.mol.GetAtomWithIdx(anchor.donor_atoms[0]) if anchor.donor_atoms else None
            charge = (atom.GetFormalCharge() or _oxidation_state(atom)) if atom is not None else 0
            eta = hsab.pearson_hardness(atom.GetSymbol(), charge) if atom is not None and charge > 0 else None
            return {"class": cls, "pearson_hardness_eV": eta, "of": hsab.ion_name(atom.GetSymbol(), charge)
                    if atom is not None and charge else None}
        cls = hsab.donor_class(anchor.base, element)
        eta = hsab.pearson_hardness(element, 0) if element else None
        return {"class": cls, "pearson_hardness_eV": eta, "of": f"{element} atom" if element else None}

    # -- functional part and descriptors ---------------------------------------------------------------
    @cached_property
    def functional(self) -> FunctionalReport:
        return functional_part(self.mol, self.primary_anchor)

    @cached_property
    def descriptors(self) -> dict[str, Any]:
        """2D descriptors (computed)."""
        return descriptors_2d(self.mol)

    @cached_property
    def descriptors_3d(self) -> dict[str, Any]:
        """3D descriptors (estimates from one extended conformer), of the largest fragment that holds an
        anchor (the ligand, not its counter-ions); cached per SMILES for the session."""
        sizes = {k: len(p.atoms) for k, p in enumerate(self.classification.parts)}
        anchored = sorted(self.anchors, key=lambda a: (-sizes.get(a.fragment, 0), a.priority))
        donors = anchored[0].donor_atoms if anchored else ()
        return _cached_3d(donors, self.mol)

    @cached_property
    def hansen(self) -> dict[str, Any]:
        """Hansen solubility parameters by group contribution (an estimate; see :mod:`.hansen`)."""
        from nanoligand.ligands.hansen import hansen_parameters

        return hansen_parameters(self.mol)

    # -- output --------------------------------------------------------------------------------------
    def to_dict(self, three_d: bool = True) -> dict[str, Any]:
        """JSON-ready record: name, smiles, anchors, motif, parts, functional groups, descriptors."""
        anchors = []
        for a in self.anchors:
            d = asdict(a)
            d["hsab"] = self.anchor_hsab(a)
            anchors.append(d)
        cls = self.classification
        out = {
            "name": self.name,
            "smiles": self.smiles,
            "motif": cls.motif,
            "motif_assumes": cls.assumes or None,
            "anchors": anchors,
            "parts": [asdict(p) for p in cls.parts] if len(cls.parts) > 1 else [],
            "no_anchor": not self.anchors,
            "closest_groups": list(cls.near_misses),
            "functional_groups": self.functional.to_dict(),
            "descriptors": {**self.descriptors, "kind": "computed (RDKit)"},
        }
        if three_d:
            out["descriptors_3d"] = self.descriptors_3d
            out["hansen"] = self.hansen
        if self.entry:
            out["library"] = self.entry
        return out


_3D_CACHE: dict[tuple[str, tuple[int, ...]], dict[str, Any]] = {}


def _cached_3d(donors: tuple[int, ...], mol: Chem.Mol) -> dict[str, Any]:
    """3D descriptors memoised by the molecule (SMILES in its own atom order) and donor atoms."""
    key = (Chem.MolToSmiles(mol, canonical=False), tuple(donors))
    if key not in _3D_CACHE:
        _3D_CACHE[key] = descriptors_3d(mol, donors)
    return _3D_CACHE[key]


def _oxidation_state(atom: Chem.Atom) -> int:
    """Oxidation state of a metal written with covalent bonds (Cl[Zn]Cl): its number of single bonds to
    more electronegative ligand atoms. Good enough for MXn salts; 0 if unclear."""
    ligand_atoms = {"F", "Cl", "Br", "I", "O", "S", "Se", "Te", "N"}
    return sum(1 for n in atom.GetNeighbors() if n.GetSymbol() in ligand_atoms)
