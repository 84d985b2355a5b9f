"""The package's YAML data tables (``nanoligand/data``), read once.

Examples
--------
>>> "Toluene" in load_table("solvents.yaml")["solvents"]
True
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@lru_cache(maxsize=None)
def load_table(name: str) -> Any:
    """A YAML table from ``nanoligand/data`` (cached; treat it as read-only)."""
    return yaml.safe_load(resources.files("nanoligand.data").joinpath(name).read_text(encoding="utf-8"))
