"""nanoligand: the organic/inorganic interface of colloidal nanocrystals.

Examples
--------
>>> import nanoligand
>>> qd = nanoligand.build_core("CdSe", diameter_nm=3.0, shape="sphere", termination="cation_rich")
>>> qd.census.net_charge > 0
True
"""

from nanoligand.api import BareCore, build_core
from nanoligand.errors import (ChemistryError, GeometryError, InputError, NanoligandError, OutputError,
                               SelfCheckError)
from nanoligand.materials import Material
from nanoligand.materials import available as available_materials
from nanoligand.materials import get as get_material

__version__ = "0.1.0"

_LAZY = {"Ligand": "nanoligand.ligands", "ligand": "nanoligand.ligands", "classify_batch": "nanoligand.ligands",
         "Nanocrystal": "nanoligand.nanocrystal", "build_nanocrystal": "nanoligand.nanocrystal"}


def __getattr__(name: str):
    """Ligand-engine and shell names load RDKit and pandas on first use only (fast CLI start for core jobs)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nanoligand' has no attribute {name!r}")

__all__ = [
    "BareCore", "build_core", "Nanocrystal", "build_nanocrystal", "Material", "Ligand", "ligand", "classify_batch", "get_material", "available_materials",
    "NanoligandError", "InputError", "ChemistryError", "GeometryError", "OutputError", "SelfCheckError",
    "__version__",
]
