"""The ligand chemistry engine: anchors, binding motifs, HSAB matching, functional parts, descriptors.

Examples
--------
>>> from nanoligand.ligands import ligand
>>> lig = ligand("MPA")
>>> lig.name, lig.groups, lig.motif
('3-mercaptopropionic acid', ('thiol', 'carboxylic_acid'), 'L')
"""

from __future__ import annotations

from nanoligand.errors import InputError
from nanoligand.ligands import library
from nanoligand.ligands.batch import classify_batch
from nanoligand.ligands.classify import Anchor, Classification, Part
from nanoligand.ligands.model import Ligand, parse_smiles, smiles_problem


def ligand(name_or_smiles: str) -> Ligand:
    """A :class:`Ligand` from a library name or synonym (``"oleic acid"``, ``"OA"``, ``"Zn(OTf)2"``),
    or else from a SMILES string.

    Raises
    ------
    InputError
        Neither a library name nor a valid SMILES; the message names RDKit's complaint and close names.
    """
    text = (name_or_smiles or "").strip()
    if library.has(text):
        e = library.entry(text)
        return Ligand(parse_smiles(e["smiles"]), e["name"], entry=e)
    problem = smiles_problem(text)
    if problem is None:
        return Ligand.from_smiles(text)
    try:
        library.entry(text)  # raises with close-name suggestions
    except InputError as lib_exc:
        raise InputError(f"{lib_exc}; nor is it a valid SMILES ({problem})") from None
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["Ligand", "ligand", "classify_batch", "Anchor", "Part", "Classification", "library"]
