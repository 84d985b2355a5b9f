"""Shell recipes: which ligand binds which sites with which motif, in what amount.

A recipe is a list of entries (dicts, YAML or :class:`ShellEntry`), an arrangement for mixed shells
and a random seed. Native recipes per material are in ``data/shells.yaml`` with their sources.

Entry fields
------------
ligand       library name, synonym or SMILES
motif        one of :data:`~nanoligand.shell.motifs.SHELL_MOTIFS` (``data/motifs.yaml``: ``X``, ``L``,
             ``Z``, ``ion_pair``, ``covalent``, ``X2``; what each binds and replaces is in the table)
role         ``neutralize`` (motifs that can balance charge: X anions for a cation-rich core, Z cations
             or ``proton`` for an anion-rich one: the count is set by charge neutrality, split by
             ``share``; entries of the wrong sign get none) or ``coverage``; the default is the
             motif's ``default_role`` (neutralize for X) unless a coverage is given
coverage     ``full`` (every site the footprint allows), a fraction in (0, 1], ``"N/nm2"`` or an
             integer count
facets       optional list of facet families (``["{111}"]``) the entry is restricted to
counterions  for ``Z`` metal cations bound with a declared ionic double layer: the counter-anion
             (library name) listed, not placed (seed 001 Fig. 1b)

Arrangements for entries sharing sites: ``uniform`` (each face gets the same mix, larger ligands on
the most spread-out sites), ``random`` (seeded shuffle), ``janus`` (first entry on the +z half,
second on the -z half ...), ``patchy`` (contiguous patches, one entry per patch).

Examples
--------
>>> spec = parse_shell([{"ligand": "oleylamine", "motif": "L", "coverage": "2/nm2"}])
>>> spec.entries[0].coverage
'2/nm2'
>>> native_shell("PbS")[0]
'seed004'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from nanoligand.errors import InputError
from nanoligand.tables import load_table
from nanoligand.materials import get
from nanoligand.shell.motifs import DEFAULT_MOTIF, SHELL_MOTIFS, motif as motif_record

MOTIFS = SHELL_MOTIFS
ARRANGEMENTS = ("uniform", "random", "janus", "patchy")


@dataclass(frozen=True)
class ShellEntry:
    ligand: str
    motif: str
    role: str = "coverage"
    share: float = 1.0
    coverage: str | float | int = "full"
    facets: tuple[str, ...] | None = None
    counterions: str | None = None


@dataclass(frozen=True)
class ShellSpec:
    entries: tuple[ShellEntry, ...]
    arrangement: str = "uniform"
    seed: int = 0
    source: str = ""
    name: str = "custom"
    extra: Mapping[str, Any] = field(default_factory=dict)


def parse_shell(data: Any, arrangement: str = "uniform", seed: int = 0, source: str = "",
                name: str = "custom") -> ShellSpec:
    """Validate a recipe given as a list of entry dicts (or a dict with ``entries``/``shell``)."""
    if isinstance(data, ShellSpec):
        return data
    if isinstance(data, Mapping):
        arrangement = data.get("arrangement", arrangement)
        seed = int(data.get("seed", seed))
        source = data.get("source", source)
        data = data.get("shell", data.get("entries"))
    if not isinstance(data, (list, tuple)) or not data:
        raise InputError("a shell recipe needs a non-empty list of entries (ligand, motif, coverage ...)")
    if arrangement not in ARRANGEMENTS:
        raise InputError(f"unknown arrangement {arrangement!r}; choose one of {', '.join(ARRANGEMENTS)}")
    entries = []
    for k, raw in enumerate(data):
        if isinstance(raw, ShellEntry):
            entries.append(raw)
            continue
        if not isinstance(raw, Mapping) or "ligand" not in raw:
            raise InputError(f"shell entry {k + 1} needs at least a 'ligand'")
        unknown = set(raw) - {"ligand", "motif", "role", "share", "coverage", "facets", "counterions"}
        if unknown:
            raise InputError(f"shell entry {k + 1}: unknown field(s) {', '.join(sorted(unknown))}")
        motif = str(raw.get("motif", DEFAULT_MOTIF))
        if motif not in MOTIFS:
            raise InputError(f"shell entry {k + 1}: unknown motif {motif!r}; choose one of {', '.join(MOTIFS)}")
        rec = motif_record(motif)
        role = str(raw.get("role", rec.default_role if "coverage" not in raw else "coverage"))
        if role not in ("neutralize", "coverage"):
            raise InputError(f"shell entry {k + 1}: role must be 'neutralize' or 'coverage'")
        if role == "neutralize" and not rec.can_neutralize:
            able = " and ".join(m.label for m in map(motif_record, MOTIFS) if m.can_neutralize)
            raise InputError(f"shell entry {k + 1}: only {able} neutralize (got motif {motif})")
        share = float(raw.get("share", 1.0))
        if not share > 0:
            raise InputError(f"shell entry {k + 1}: share must be positive")
        coverage = raw.get("coverage", "full")
        _check_coverage(coverage, k + 1)
        facets = raw.get("facets")
        entries.append(ShellEntry(str(raw["ligand"]), motif, role, share, coverage,
                                  tuple(str(f) for f in facets) if facets else None, raw.get("counterions")))
    return ShellSpec(tuple(entries), arrangement, seed, source, name)


def _check_coverage(coverage: Any, k: int) -> None:
    if coverage == "full":
        return
    if isinstance(coverage, bool):
        raise InputError(f"shell entry {k}: coverage must be 'full', a fraction, 'N/nm2' or a count")
    if isinstance(coverage, int):
        if coverage < 0:
            raise InputError(f"shell entry {k}: a ligand count cannot be negative")
        return
    if isinstance(coverage, float):
        if not 0 < coverage <= 1:
            raise InputError(f"shell entry {k}: a coverage fraction must lie in (0, 1]; got {coverage}")
        return
    if isinstance(coverage, str) and re.fullmatch(r"\s*(\d+\.?\d*|\.\d+)\s*/\s*nm2\s*", coverage):
        if float(coverage.split("/")[0]) <= 0:
            raise InputError(f"shell entry {k}: a ligand density must be positive")
        return
    raise InputError(f"shell entry {k}: coverage {coverage!r} is not 'full', a fraction, 'N/nm2' or a count")


def native_shell(material: str) -> tuple[str, ShellSpec]:
    """The termination and native recipe of a material (``data/shells.yaml``), with its source."""
    mat = get(material)
    table = load_table("shells.yaml")
    if mat.key not in table:
        raise InputError(f"no native shell is recorded for {mat.key}; give a shell recipe "
                         f"(materials with one: {', '.join(table)})")
    rec = table[mat.key]
    return rec["termination"], parse_shell(rec["shell"], source=rec["source"], name="native")
