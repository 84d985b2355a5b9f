"""What the command modules share: the console, key–value tables, outputs picked by suffix."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from rich.console import Console
from rich.table import Table

from nanoligand.errors import InputError

out = Console(highlight=False)


def _jsonable(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def warn(message: str) -> None:
    """A likely mistake in the input, said on stderr as one ``warning:`` line (the result still goes to
    stdout, so ``--json`` output stays clean)."""
    print("warning: " + " ".join(str(message).split()), file=sys.stderr)


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
                 ("_g_mol", "g/mol"), ("_per_nm2", "nm⁻²"), ("_per_A", "Å⁻¹"), ("_eV_A", "eV/Å"), ("_J_molK", "J/(mol K)"),
                 ("_kJ_mol", "kJ/mol"),
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


# -- tables that fit the terminal ----------------------------------------------------------------------------
#: space between two columns of a :func:`fit_table` (the box's blank divider and one padding space)
GAP = 2


def _words(text: str) -> list[str]:
    return [w for line in str(text).splitlines() for w in line.split()]


def _longest_word(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(w) for w in _words(text)), default=0)


def _longest_line(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in str(text).splitlines()), default=0)


def min_width(header: str, cells: Iterable[str]) -> int:
    """The narrowest a column can be without splitting a word: its longest word (header included)."""
    return max(_longest_word(header), *(_longest_word(c) for c in cells), 1)


def line_count(text: str, width: int) -> int:
    """Lines ``text`` takes when wrapped at spaces to ``width`` columns (rich's greedy wrapping)."""
    from rich.cells import cell_len

    n = 0
    for para in str(text).splitlines() or [""]:
        used = -1
        n += 1
        for word in para.split():
            lw = cell_len(word)
            if used >= 0 and used + 1 + lw > width:
                n += 1
                used = lw
            else:
                used = lw if used < 0 else used + 1 + lw
    return n


def fit_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int,
               drop_order: Sequence[int] = ()) -> tuple[list[int], list[int | None]]:
    """Column widths for a table of ``width`` terminal columns in which no word is split.

    A column is at least as wide as its longest word (cells and header: text wraps at spaces only) and
    at most as wide as its longest line. Columns whose index is in ``drop_order`` are left out, in that
    order, until the rest fit. Returns the kept indices and their widths (``None`` where even the kept
    columns cannot fit: that column then folds, the last resort).
    """
    n = len(headers)
    least = [min_width(headers[i], (r[i] for r in rows)) for i in range(n)]
    most = [max(_longest_line(headers[i]), *(_longest_line(r[i]) for r in rows), least[i]) for i in range(n)]
    keep = list(range(n))
    drops = list(drop_order)

    def need(cols: list[int]) -> int:
        return sum(least[i] for i in cols) + GAP * (len(cols) - 1)

    while need(keep) > width and drops:
        keep.remove(drops.pop(0))
    if need(keep) > width:          # cannot fit without folding: let rich share out the width
        return keep, [None] * len(keep)
    w = {i: least[i] for i in keep}
    spare = width - need(keep)
    # spare room goes where it saves the most lines of the table (its height), a few characters at a time
    cols = {i: [headers[i]] + [r[i] for r in rows] for i in keep}
    lines = {i: [line_count(c, w[i]) for c in cols[i]] for i in keep}

    def height(per_col: dict[int, list[int]]) -> int:
        return sum(max(per_col[i][k] for i in keep) for k in range(len(rows) + 1))

    while spare > 0:
        now, best = height(lines), None
        for i in keep:
            for d in range(1, min(spare, most[i] - w[i]) + 1):
                trial = {**lines, i: [line_count(c, w[i] + d) for c in cols[i]]}
                saved = now - height(trial)
                if saved > 0:
                    if best is None or saved / d > best[0]:
                        best = (saved / d, i, d, trial)
                    break
        if best is None:
            break
        _, i, d, lines = best
        w[i] += d
        spare -= d
    while spare > 0:                # no line to save: widen the columns that still wrap, the widest need first
        short = [i for i in keep if w[i] < most[i]]
        if not short:
            break
        i = max(short, key=lambda k: (most[k] - w[k], -k))
        w[i] += 1
        spare -= 1
    return keep, [w[i] for i in keep]


def fit_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int | None = None,
              drop_order: Sequence[int] = (), right: Iterable[int] = ()) -> tuple[Table, list[str]]:
    """A table of ``rows`` (text cells) that fits ``width`` terminal columns (the console's by default)
    without splitting a word: cells wrap at spaces only, columns are as wide as their longest word.

    Columns in ``drop_order`` are left out (in that order) while the rest do not fit; their headers are
    returned so the caller can say what is missing and where to see it. ``right``: indices of
    right-justified (numeric) columns. A header may have a second line (``"EQE\\n%"``) for its unit.

    Examples
    --------
    >>> t, dropped = fit_table(["name", "SMILES"], [["oleic acid", "CCCCCCCC/C=C\\\\CCCCCCCC(=O)O"]], width=20,
    ...                        drop_order=[1])
    >>> dropped
    ['SMILES']
    """
    from rich import box
    from rich.text import Text

    width = out.width if width is None else width
    keep, widths = fit_widths(headers, rows, width, drop_order)
    right = set(right)
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0, 0, 1))
    for i, w in zip(keep, widths):
        t.add_column(Text(headers[i]), justify="right" if i in right else "left", width=w, overflow="fold")
    for r in rows:      # plain text: a SMILES such as c1cc[nH]c1 is not console markup
        t.add_row(*(Text(str(r[i])) for i in keep))
    return t, [headers[i].replace("\n", " ") for i in range(len(headers)) if i not in keep]


def say(text: str, indent: int = 0, hang: int = 2, style: str | None = None) -> None:
    """Print ``text`` wrapped at spaces to the console width, continuation lines indented ``indent + hang``
    (so a wrapped line is not mistaken for a new item). Markup in ``text`` is not interpreted."""
    import textwrap

    width = max(out.width, 20)
    lines = textwrap.wrap(text, width=width, initial_indent=" " * indent,
                          subsequent_indent=" " * (indent + hang), break_long_words=False,
                          break_on_hyphens=False) or [""]
    for line in lines:
        out.print(line, style=style, markup=False, highlight=False, soft_wrap=True)


#: one SMILES token: a bracket atom, a two-letter organic-subset atom, a ring closure %nn, a dative bond
#: (RDKit's ``->``/``<-``), or one character
_SMILES_TOKEN = r"\[[^\]]*\]|Br|Cl|%\d\d|->|<-|."


def wrap_smiles(smiles: str, width: int) -> list[str]:
    """``smiles`` cut into lines of at most ``width`` characters between tokens (never inside a bracket
    atom, a two-letter element or a ring-closure number); a single longer token keeps its own line.

    >>> wrap_smiles("CC[C@@H](Cl)Br", 6)
    ['CC', '[C@@H]', '(Cl)Br']
    """
    import re

    lines, cur = [], ""
    for tok in re.findall(_SMILES_TOKEN, smiles):
        if cur and len(cur) + len(tok) > width:
            lines.append(cur)
            cur = ""
        cur += tok
    return lines + ([cur] if cur else [])


def left_out(dropped: Sequence[str], how: str) -> None:
    """Say which columns a table left out to fit the terminal and how to see them."""
    if dropped:
        say(f"not shown at {out.width} columns: {', '.join(dropped)} ({how})", style="dim")


@contextmanager
def progress_line() -> Iterator[None]:
    """Show the library's progress reports (:mod:`nanoligand.progress`) as one transient status line on a
    terminal's stderr; silent when stderr is not a terminal (logs, pipes, tests)."""
    import sys

    from nanoligand.progress import listening

    if not sys.stderr.isatty():
        yield
        return
    with Console(stderr=True).status("working …") as status:
        def show(stage: str, fraction: float | None) -> None:
            status.update(stage + ("" if fraction is None else f"  ({100 * fraction:.0f} %)"))

        with listening(show):
            yield
