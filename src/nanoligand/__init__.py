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

__version__ = "0.1.0"

#: public name → (module, name there), imported on first use
_ALIASED = {"Material": ("nanoligand.materials", "Material"), "get_material": ("nanoligand.materials", "get"),
            "available_materials": ("nanoligand.materials", "available")}
_LAZY = {"Ligand": "nanoligand.ligands", "ligand": "nanoligand.ligands", "classify_batch": "nanoligand.ligands",
         "build": "nanoligand.nanocrystal", "Nanocrystal": "nanoligand.nanocrystal",
         "Composition": "nanoligand.nanocrystal", "build_core": "nanoligand.nanocrystal", "build_nanocrystal": "nanoligand.nanocrystal",
         "BareCore": "nanoligand.api"}


def __getattr__(name: str):
    """Names load their modules on first use (NumPy, RDKit, pandas, ASE are not imported by
    ``import nanoligand``: a fast CLI start); the aliases of the first release (``build_core``, ``build_nanocrystal``, ``BareCore``) load on use."""
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _ALIASED:
        module, attr = _ALIASED[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'nanoligand' has no attribute {name!r}")

__all__ = [
    "build", "Nanocrystal", "Composition", "build_core", "build_nanocrystal", "BareCore", "Material", "Ligand", "ligand", "classify_batch", "get_material", "available_materials",
    "NanoligandError", "InputError", "ChemistryError", "GeometryError", "OutputError", "SelfCheckError",
    "__version__",
]
