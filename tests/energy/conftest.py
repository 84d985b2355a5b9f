"""Energy tests compute with a private, empty single-point cache (never the user's)."""

import pytest


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NANOLIGAND_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"
