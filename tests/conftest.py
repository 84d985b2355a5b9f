"""Shared fixtures: cores are cached per session because several tests read the same one."""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache

import pytest
from hypothesis import settings

from nanoligand import build

# computed energies are cached in a scratch folder, never in the user's ~/.cache
os.environ.setdefault("NANOLIGAND_CACHE_DIR", tempfile.mkdtemp(prefix="nanoligand-test-cache-"))

# property tests draw the same examples on every run, so CI cannot turn red by chance
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci")


@lru_cache(maxsize=None)
def cached_core(material: str, diameter_nm: float, shape: str, termination: str):
    return build(material, diameter_nm, shape, termination)


@pytest.fixture(scope="session")
def pbs_seed004():
    """The main job: 4.8 nm PbS, Archimedean truncated octahedron, seed-004 termination."""
    return cached_core("PbS", 4.8, "truncated-octahedron", "seed004")


@pytest.fixture(scope="session")
def native_cdse():
    """A small capped model: a 2.5 nm Cd-terminated CdSe tetrahedron with its native oleate shell."""
    from nanoligand import build

    return build("CdSe", 2.5, shell="native")
