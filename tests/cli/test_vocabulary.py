"""The option vocabulary, checked on every command (issue: one CLI vocabulary).

Walks the command table of :mod:`nanoligand.cli` and asserts the conventions of ``docs/cli.md``: the
reserved short flags mean one thing everywhere, dimensioned options carry their unit in the name,
every parameter has help, flags take no value, and ``--debug`` is documented.
"""

from __future__ import annotations

import pytest
import typer

from nanoligand.cli import COMMANDS, app, main

RESERVED = {"-m": "--material", "-s": "--solvent", "-l": "--ligand", "-d": "--diameter-nm", "-o": "--output"}
#: unit endings allowed in the names of numeric options
UNITS = ("-nm", "-M", "-cm", "-mL", "-uL", "-pct", "-h", "-g-mol", "-mol", "-MPa05", "-per-nm2", "-M-1-s-1",
         "-K", "-eV-A", "-A")
#: numeric options without a unit, and why
DIMENSIONLESS = {
    "--ratio": "d100/d111", "--aspect": "length/width", "--absorbance": "absorbance", "--epsilon": "dielectric constant",
    "--qy": "quantum yield", "--refractive-index": "n", "--kappa2": "orientation factor", "--target": "conversion",
    "--tga-loss": "mass fraction", "--residue": "mass fraction", "--ref-atoms": "a count", "--pH": "pH",
    "--top": "a count", "--per-class": "a count", "--bootstrap": "a count", "--chunk-size": "a count",
    "--workers": "a count", "--show": "a count", "--port": "a port number",
}
#: the commands whose subject is the material (positional there, -m/--material elsewhere)
MATERIAL_SUBJECT = {"build", "size", "levels"}


def _commands():
    group = typer.main.get_command(app)
    ctx = group.make_context("nanoligand", ["--help"], resilient_parsing=True)
    return [(name, group.get_command(ctx, name)) for name in group.list_commands(ctx)]


def test_the_command_table_loads_every_command():
    names = [n for n, c in _commands() if c is not None]
    assert names == list(COMMANDS) and len(names) == 24


@pytest.mark.parametrize("name, cmd", _commands(), ids=list(COMMANDS))
def test_vocabulary(name, cmd):
    for p in cmd.params:
        label = f"{name} {'/'.join(p.opts)}"
        assert getattr(p, "help", None), f"{label}: no help text"
        if p.param_type_name == "argument":
            assert p.name != "material" or name in MATERIAL_SUBJECT, f"{label}: material is an option here"
            continue
        longs = [o for o in p.opts if o.startswith("--")]
        shorts = [o for o in p.opts if not o.startswith("--")]
        assert len(longs) == 1, f"{label}: one long name"
        for short in shorts:
            assert RESERVED.get(short, longs[0]) == longs[0], f"{label}: {short} means {RESERVED.get(short)}"
        for short, long in RESERVED.items():
            if longs[0] == long:
                assert short in shorts, f"{label}: {long} also answers to {short}"
        assert longs[0] not in ("--csv", "--plot", "--diameter"), f"{label}: write files with -o (suffix picks)"
        if p.is_flag:
            assert not p.secondary_opts, f"{label}: a flag has no --no- twin"
        elif p.bare_type() == "float":
            assert longs[0].endswith(UNITS) or longs[0] in DIMENSIONLESS, f"{label}: unit missing from the name"


def test_help_shows_flags_without_values_and_documents_debug(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "--debug" in text and "traceback" in text
    for name in ("materials", "titrate", "levels", "design"):
        assert main([name, "--help"]) == 0
        text = capsys.readouterr().out
        assert "<bool>" not in text and "BOOLEAN" not in text
        assert max(len(line) for line in text.splitlines()) <= 100
