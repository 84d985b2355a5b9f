"""Energies from structures: xTB single points, relaxations, binding/desorption and energy levels.

Modules
-------
engines   single points with GFN2-/GFN1-/IPEA1-xTB (tblite) and GFN-FF (xtb-python), implicit solvents
cache     the on-disk cache of single points, keyed by structure + method + settings + engine version
relax     relaxations with ASE optimisers, frozen atoms, progress
levels    vertical IP/EA (IPEA1-xTB ΔSCC with its empirical shift), HOMO/LUMO, projected DOS
sites     neutral cut-outs around census site classes, short-chain proxies of the native shell
desorb    desorption energies of Z/X/L units from cut-outs (ΔE; a stated ΔG estimate)
thermo    translational (standard concentration) and rigid-rotor entropy of a free unit
predict   the seed-004 equilibrium model with computed site-class free energies, next to the calibrated one
batch     many structures at once on the Dask set-up of screening, results as a Parquet table

Every number here is **computed**: it carries the method and solvent it was computed with, and the
tests check the methods against published references and physical invariants, never against our own
runs.
"""
