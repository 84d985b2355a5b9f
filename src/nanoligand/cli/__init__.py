"""Command-line interface: a thin package over the library (typer).

One module per command group; :data:`COMMANDS` maps each command to its module, which is imported
only when the command runs (or ``--help`` lists it), as ASE's ``ase/cli/main.py`` does. The library
never imports this package.

Errors print one line, ``error: <message>``, and exit non-zero (2 for usage errors, 1 otherwise);
``--debug`` (anywhere on the command line) shows the traceback instead.

The option vocabulary is fixed (``tests/cli/test_vocabulary.py`` walks every command):
``-m/--material``, ``-s/--solvent``, ``-l/--ligand``, ``-d/--diameter-nm``, ``-o/--output`` (the
suffix picks the format; repeatable where a command writes several), units in the names of
dimensioned options (``--path-cm``, ``--titrant-M``), flags without values (``--json``).

Examples
--------
::

    nanoligand materials
    nanoligand build PbS -d 4.8 --shape truncated-octahedron --termination seed004 -o pbs.xyz
    nanoligand build CsPbBr3 --edge-nm 8 --shape cube
    nanoligand build PbS -d 4.8 --shell native -o pbs.pdb --json
    nanoligand build spec.yaml
    nanoligand titrate seed004.yaml --add OAH --equivalents 0:200:21 --observable bound:OA -o curve.png
    nanoligand fit job.yaml data.csv --bootstrap 200
"""

from __future__ import annotations

import importlib
import signal
import sys
import threading
import traceback
from typing import List, Optional

import typer
from typer.core import TyperGroup

from nanoligand.errors import NanoligandError

#: command → module of :mod:`nanoligand.cli` that defines it (in the order ``--help`` lists them)
COMMANDS = {
    "materials": "build", "build": "build", "validate": "build",
    "ligand": "ligands", "ligands": "ligands",
    "titrate": "equilibria", "fit": "equilibria",
    "size": "properties", "spectrum": "properties", "levels": "properties", "solvents": "properties",
    "color": "properties", "qled": "properties", "spacing": "properties", "fret": "properties",
    "composition": "properties",
    "design": "design", "conjugate": "design", "screen": "design", "query": "design",
    "report": "report", "serve": "report",
    "energy": "energy", "desorb": "energy",
}


INTERRUPTED = 130  #: exit code after Ctrl-C (128 + SIGINT), as shells report it


class _LazyGroup(TyperGroup):
    """A group whose commands are imported from their module on first use."""

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx, name: str):
        module = COMMANDS.get(name)
        if module is None:
            return None
        group = typer.main.get_group(importlib.import_module(f"nanoligand.cli.{module}").app)
        return group.commands.get(name)


app = typer.Typer(cls=_LazyGroup, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="nanoligand: nanocrystal cores, surface census, ligand shells and what follows from them.")


def _version(value: bool) -> None:
    if value:
        from nanoligand import __version__

        print(f"nanoligand {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit."),
          debug: bool = typer.Option(False, "--debug", help="Show the traceback of an error (may be given "
                                     "anywhere on the command line).")) -> None:
    """nanoligand: nanocrystal cores, surface census, ligand shells and what follows from them."""


def main(argv: Optional[List[str]] = None) -> int:
    """Console entry point: run the app with the one-line error convention; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    _sigint_seen.clear()
    previous = _watch_sigint()
    try:
        # typer turns Ctrl-C into exit code 130 and, outside standalone mode, returns it
        code = app(args=args, prog_name="nanoligand", standalone_mode=False)
    except typer.Exit as exc:
        code = int(getattr(exc, "exit_code", 0) or 0)
    except (typer.Abort, KeyboardInterrupt):
        code = INTERRUPTED
    except Exception as exc:
        code = INTERRUPTED if _interrupted(exc) else _report_error(exc, debug)
    finally:
        if previous is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGINT, previous[0])
            signal.signal(signal.SIGALRM, previous[1])
    if code == INTERRUPTED:
        # writes are atomic (temp file + rename): an interrupted command leaves no partial file
        print("interrupted: the file being written when Ctrl-C came was not written", file=sys.stderr)
    return code if isinstance(code, int) else 0


def _report_error(exc: Exception, debug: bool) -> int:
    """Print ``exc`` as one ``error:`` line (its traceback first with ``--debug``); the exit code."""
    if debug:
        traceback.print_exc()
    if isinstance(exc, NanoligandError):
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)   # one line, whatever the message
        return 1
    if hasattr(exc, "format_message"):  # click/typer usage error (bad option, missing value)
        param = getattr(exc, "param", None)
        where = f"{'/'.join(param.opts)}: " if getattr(param, "opts", None) else ""
        print(f"error: {where}{exc.format_message()}", file=sys.stderr)
        return 2
    # anything else is a bug: still one line (the traceback above with --debug)
    print(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug for the traceback",
          file=sys.stderr)
    return 1


#: set when Ctrl-C arrives during a command: compiled code (numba's first-run compilation) can turn the
#: KeyboardInterrupt into an unrelated error ("RuntimeError: no compiled object yet"), which is still an interrupt
_sigint_seen: set = set()
_RETRY_S = 0.2  #: how soon a Ctrl-C that arrived inside the compiler is raised again


def _in_compiler(frame) -> bool:
    """Whether Python is inside numba/llvmlite: a KeyboardInterrupt raised in the middle of LLVM code
    generation can crash the process (SIGSEGV, seen at the first run's compilation), so it waits."""
    while frame is not None:
        name = frame.f_code.co_filename
        if "/numba/" in name or "/llvmlite/" in name:
            return True
        frame = frame.f_back
    return False


def _on_sigint(signum, frame) -> None:
    _sigint_seen.add(signal.SIGINT)
    if _in_compiler(frame):  # raise it once the compiler is done (re-checked every _RETRY_S)
        signal.setitimer(signal.ITIMER_REAL, _RETRY_S)
        return
    raise KeyboardInterrupt


def _watch_sigint() -> tuple | None:
    """Note Ctrl-C (then raise KeyboardInterrupt as Python does, outside the compiler); the previous
    handlers of SIGINT and SIGALRM, None where they cannot be installed (not the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, _on_sigint), signal.signal(signal.SIGALRM, _on_sigint)


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` was caused by Ctrl-C: one arrived during the command, or a KeyboardInterrupt is in
    its chain."""
    if _sigint_seen:
        return True
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def console() -> None:
    """Entry point of the ``nanoligand`` script."""
    sys.exit(main())
