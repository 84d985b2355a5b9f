"""An independent structure validator for capped nanocrystals: the MolProbity of nanoligand.

Reads any model — a :class:`~nanoligand.nanocrystal.Nanocrystal`, ASE ``Atoms``, or a PDB, extxyz,
xyz or cif file written by nanoligand or another tool — and derives everything from elements and
coordinates: the bond graph and the molecules (:mod:`.graph`), each ligand's binding mode and
donor–metal distances against bond-valence ranges (:mod:`.report`), ligand bond lengths and angles
against a force-field copy (:mod:`.ligand_geometry`), steric overlaps as MolProbity counts them
(:mod:`.contacts`), under-coordinated core atoms, and the composition against what the model claims.

Examples
--------
>>> from ase import Atoms
>>> report = validate(Atoms("OH", positions=[[0, 0, 0], [0, 0, 0.97]]))
>>> report.ok
False
"""

from nanoligand.validate.report import Rule, ValidationReport, validate
from nanoligand.validate.structure import Structure, read_structure

__all__ = ["validate", "ValidationReport", "Rule", "Structure", "read_structure"]
