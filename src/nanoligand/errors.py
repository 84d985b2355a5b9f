"""The one exception hierarchy of nanoligand.

Every error the library raises on purpose derives from :class:`NanoligandError`, so a caller (and the
CLI) can tell a bad request or a failed self-check from a bug.

Examples
--------
>>> from nanoligand.errors import InputError, NanoligandError
>>> issubclass(InputError, NanoligandError)
True
"""

from __future__ import annotations


class NanoligandError(Exception):
    """Base class of every error nanoligand raises on purpose."""


class InputError(NanoligandError, ValueError):
    """A request that cannot be honoured as given: unknown name, value out of range, malformed option."""


class ChemistryError(NanoligandError):
    """A chemically inconsistent request, e.g. a termination that does not apply to the lattice."""


class GeometryError(NanoligandError):
    """A geometric construction that has no valid result (empty core, degenerate polyhedron)."""


class SelfCheckError(NanoligandError):
    """A result that fails its own consistency check; never returned silently."""


class OutputError(NanoligandError, OSError):
    """A result that cannot be written where it was asked to go."""


class ComputeError(NanoligandError):
    """A computation that failed in its engine: an SCF or a relaxation that did not converge."""
