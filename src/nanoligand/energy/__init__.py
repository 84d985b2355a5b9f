"""Energies from structures: xTB single points, relaxations, binding/desorption and energy levels.

Modules
-------
engines   single points with GFN2-/GFN1-/IPEA1-xTB (tblite) and GFN-FF (xtb-python), implicit solvents
cache     the on-disk cache of single points, keyed by structure + method + settings + engine version
relax     relaxations with ASE optimisers, frozen atoms, progress
levels    vertical IP/EA (IPEA1-xTB ΔSCC with its empirical shift), HOMO/LUMO

Every number here is **computed**: it carries the method and solvent it was computed with, and the
tests check the methods against published references and physical invariants, never against our own
runs.
"""
