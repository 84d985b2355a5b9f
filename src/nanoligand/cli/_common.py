"""What the command modules share: the console, key–value tables, outputs picked by suffix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping

from rich.console import Console
from rich.table import Table

from nanoligand.errors import InputError

out = Console(highlight=False)


def _jsonable(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON (numpy scalars as floats, other objects as text)."""
    print(json.dumps(data, indent=2, default=_jsonable))


def outputs(paths: Iterable[str], kinds: Mapping[str, tuple[str, ...]], option: str = "--output") -> dict[str, list[Path]]:
    """Group ``-o`` paths by the kind their suffix picks, after checking each can be written.

    ``kinds`` maps a kind (``"plot"``, ``"csv"``, ``"json"``, ``"model"``) to its suffixes; a path with
    another suffix is an :class:`InputError` that names the allowed ones. Checked before any work.
    """
    from nanoligand.io import check_writable

    found: dict[str, list[Path]] = {k: [] for k in kinds}
    for p in paths:
        kind = next((k for k, sfx in kinds.items() if p.lower().endswith(sfx)), None)
        if kind is None:
            allowed = ", ".join(s for sfx in kinds.values() for s in sfx)
            raise InputError(f"{option} {p!r}: the suffix picks the format; this command writes {allowed}")
        found[kind].append(check_writable(p, kinds[kind]))
    return found


def fmt(value: Any, unit: str = "", digits: int = 4) -> str:
    """``value`` with ``digits`` significant figures and its unit; ``-`` for None."""
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:.{digits}g}"
    elif isinstance(value, (list, tuple)):
        text = "; ".join(map(str, value)) or "-"
    else:
        text = str(value)
    return f"{text} {unit}".rstrip() if unit else text


def key_value_table(rows: Iterable[tuple[str, str]], title: str | None = None) -> Table:
    """A two-column table without a header: a bold label, then the value."""
    t = Table(title=title, title_justify="left", show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold", no_wrap=True)
    t.add_column(overflow="fold")
    for label, value in rows:
        t.add_row(label, value)
    return t


def wrote(paths: Iterable[Path | str]) -> None:
    for p in paths:
        out.print(f"wrote {p}")


#: unit suffixes of result keys (``concentration_M``) → the unit printed after the value (longest first)
UNIT_SUFFIXES = (("_M_cm", "M⁻¹ cm⁻¹"), ("_J_M-1_cm-1_nm4", "M⁻¹ cm⁻¹ nm⁴"), ("_M-1_cm-1_nm4", "M⁻¹ cm⁻¹ nm⁴"),
                 ("_g_mol", "g/mol"), ("_per_nm2", "nm⁻²"), ("_per_A", "Å⁻¹"), ("_kJ_mol", "kJ/mol"),
                 ("_nm2", "nm²"), ("_nm", "nm"), ("_eV", "eV"), ("_M", "M"), ("_A", "Å"), ("_pct", "%"),
                 ("_kJ", "kJ/mol"), ("_deg", "°"), ("_D", "D"), ("_s", "s"), ("_h", "h"), ("_K", "K"),
                 ("_cm", "cm"), ("_mL", "mL"), ("_uL", "µL"), ("_m2_s", "m²/s"))


def readable(key: str, value: Any) -> tuple[str, str]:
    """A result field as a label and a value with its unit: ``("concentration_M", 1.2e-6)`` →
    ``("concentration", "1.2e-06 M")``; ``None`` → ``"n/a"``; lists joined; mappings as ``k: v`` pairs."""
    label, unit = key, ""
    for suffix, u in UNIT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            label, unit = key[: -len(suffix)], u
            break
    label = label.replace("_", " ")
    if value is None:
        return label, "n/a"
    if isinstance(value, Mapping):
        return label, "; ".join(f"{k}: {fmt(v)}" for k, v in value.items()) or "-"
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], Mapping):
        return label, " | ".join(", ".join(f"{k}: {fmt(v)}" for k, v in item.items()) for item in value)
    if isinstance(value, bool):
        return label, "yes" if value else "no"
    return label, fmt(float(value) if hasattr(value, "dtype") else value, unit)


def emit(d: Mapping[str, Any], as_json: bool, title: str, files: Mapping[str, list[Path]] | None = None) -> None:
    """Print a result: JSON with ``--json``, else a two-column table with units; write its ``.json`` files."""
    from nanoligand.io import write_json

    for path in (files or {}).get("json", []):
        write_json(path, json.loads(json.dumps(d, default=_jsonable)))
    if as_json:
        print_json(d)
        return
    out.print(key_value_table((readable(k, v) for k, v in d.items()), title))
    wrote(p for paths in (files or {}).values() for p in paths)


def json_option(what: str = "the result") -> Any:
    """The ``--json`` flag of a command (print ``what`` as JSON instead of tables)."""
    import typer

    return typer.Option(False, "--json", help=f"Print {what} as JSON.")


def output_option(what: str) -> Any:
    """The repeatable ``-o/--output`` option; ``what`` says which suffixes write what."""
    import typer

    return typer.Option([], "--output", "-o", help=f"Write {what}; repeatable, the suffix picks the format.")
