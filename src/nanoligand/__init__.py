"""nanoligand: the organic/inorganic interface of colloidal nanocrystals.

Examples
--------
>>> import nanoligand
>>> nc = nanoligand.build("CdSe", diameter_nm=3.0, shape="sphere", termination="cation_rich")
>>> nc.census.net_charge > 0, nc.has_shell
(True, False)
"""

from nanoligand.errors import (ChemistryError, GeometryError, InputError, NanoligandError, OutputError,
                               SelfCheckError)
from nanoligand.materials import Material
from nanoligand.materials import available as available_materials
from nanoligand.materials import get as get_material

__version__ = "0.1.0"

_LAZY = {"Ligand": "nanoligand.ligands", "ligand": "nanoligand.ligands", "classify_batch": "nanoligand.ligands",
         "build": "nanoligand.nanocrystal", "Nanocrystal": "nanoligand.nanocrystal",
         "Composition": "nanoligand.nanocrystal", "build_core": "nanoligand.nanocrystal", "build_nanocrystal": "nanoligand.nanocrystal",
         "BareCore": "nanoligand.api"}


def __getattr__(name: str):
    """Names load their modules on first use (RDKit, pandas, ASE's crystal tables are not imported by
    ``import nanoligand``: a fast CLI start); the aliases of the first release (``build_core``, ``build_nanocrystal``, ``BareCore``) load on use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nanoligand' has no attribute {name!r}")

__all__ = [
    "build", "Nanocrystal", "Composition", "build_core", "build_nanocrystal", "BareCore", "Material", "Ligand", "ligand", "classify_batch", "get_material", "available_materials",
    "NanoligandError", "InputError", "ChemistryError", "GeometryError", "OutputError", "SelfCheckError",
    "__version__",
]
