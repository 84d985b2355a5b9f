"""Classify many SMILES at once: anchors, motif and 2D descriptors in a pandas DataFrame.

One pass per molecule; SMARTS queries are pre-screened by element so that a molecule is searched
only for groups it could contain, and invalid SMILES become rows with an ``error`` (never an
exception). 3D descriptors are not computed here (see ``Ligand.descriptors_3d``, cached per ligand).

Examples
--------
>>> df = classify_batch(["CCCCCCCCCCCCS", "OC(=O)CCS", "not-a-smiles"])
>>> df[["motif", "groups"]].values.tolist()[:2]
[['L', 'thiol'], ['L', 'thiol;carboxylic_acid']]
>>> bool(df["valid"].iloc[2])
False
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd
from rdkit import Chem, rdBase
from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

from nanoligand.ligands.catalogue import catalogue
from nanoligand.ligands.classify import classify

_NON_STRICT = rdMolDescriptors.NumRotatableBondsOptions.NonStrict

COLUMNS = ["smiles", "valid", "error", "motif", "groups", "primary_group", "motifs_available", "n_anchors",
           "formula", "molar_mass_g_mol", "heavy_atoms", "charge", "tpsa_A2", "rotatable_bonds", "logP"]


def classify_batch(smiles: Iterable[str], logp: bool = False) -> pd.DataFrame:
    """One row per SMILES (columns: :data:`COLUMNS`); invalid SMILES give ``valid=False`` and the error.

    ``logp=True`` adds the Wildman–Crippen logP, which costs about as much as everything else together
    (its atom typing is SMARTS-based); rotatable bonds are RDKit's non-strict count.
    """
    cat = catalogue()
    rows = []
    with rdBase.BlockLogs():  # invalid SMILES are reported in the table, not printed
        for smi in smiles:
            mol = Chem.MolFromSmiles(smi)
            if mol is None:
                rows.append({"smiles": smi, "valid": False, "error": "invalid SMILES"})
                continue
            cls = classify(mol, cat, near_misses=False)
            primary = min(cls.anchors, key=lambda a: a.priority) if cls.anchors else None
            rows.append({
                "smiles": smi, "valid": True, "error": None, "motif": cls.motif,
                "groups": ";".join(dict.fromkeys(cls.groups)),
                "primary_group": primary.group if primary else None,
                "motifs_available": ";".join(primary.motifs) if primary else "",
                "n_anchors": len(cls.anchors),
                "formula": rdMolDescriptors.CalcMolFormula(mol),
                "molar_mass_g_mol": Descriptors.MolWt(mol),
                "heavy_atoms": mol.GetNumHeavyAtoms(),
                "charge": Chem.GetFormalCharge(mol),
                "tpsa_A2": rdMolDescriptors.CalcTPSA(mol),
                "rotatable_bonds": rdMolDescriptors.CalcNumRotatableBonds(mol, _NON_STRICT),
                "logP": Crippen.MolLogP(mol) if logp else None,
            })
    return pd.DataFrame(rows, columns=COLUMNS)
