"""What capping returns: the placed ligand groups and the bookkeeping of the placement.

Kept apart from :mod:`.cap` (which needs RDKit) so that a bare model can carry an empty shell
without loading the ligand engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Placed:
    """One placed ligand group: its entry and template, the sites taken, the atoms' coordinates, and
    the core atoms it replaces (substituted A cations, replaced H caps)."""

    entry: Any            # ShellEntry
    template: Any         # Template
    sites: np.ndarray
    coords: list
    replaces: np.ndarray
    kind: str = ""
    modes: list = field(default_factory=list)  # the template (binding mode) each ligand took


@dataclass
class ShellResult:
    """The placed shell: groups, the binding sites they were chosen from, the core atoms they replace,
    diffuse counter-ions, what could not be placed and why, the footprint limit and packing figures."""

    placed: list[Placed]
    sites: Any            # SiteSet, None for an empty shell
    removed_core: np.ndarray
    counterions: list[dict]
    shortfall: list[dict]
    footprint_limit: dict
    packing: dict = field(default_factory=dict)

    @classmethod
    def empty(cls) -> "ShellResult":
        """No shell: a bare core."""
        return cls([], None, np.zeros(0, int), [], [], {}, {})
