"""Progress of long work (large builds, the shell's relaxation, bootstrap fits), told to whoever listens.

The library calls :func:`report` between stages; nothing happens unless a caller listens with
:func:`listening` — the command line shows a transient status line on a terminal, the web app moves its
job's progress bar. The listener is a context variable, so each thread (each web job) has its own.

Examples
--------
>>> seen = []
>>> with listening(lambda stage, fraction: seen.append((stage, fraction))):
...     report("capping", 0.5)
>>> seen
[('capping', 0.5)]
>>> report("nobody listens")      # a no-op
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

Listener = Callable[[str, "float | None"], None]
_listener: ContextVar[Listener | None] = ContextVar("nanoligand_progress", default=None)


def report(stage: str, fraction: float | None = None) -> None:
    """Tell the listener (if any) that ``stage`` is under way, ``fraction`` (0–1) of it done if known."""
    listener = _listener.get()
    if listener is not None:
        listener(stage, fraction)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send the :func:`report` calls made inside the block to ``listener(stage, fraction)``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
