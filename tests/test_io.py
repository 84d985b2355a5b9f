"""Output files: every format reads back; writes are atomic; bad paths are clear errors."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from ase.io import read

from nanoligand import InputError, OutputError
from nanoligand import io as nio

from tests.conftest import cached_core


@pytest.mark.parametrize("suffix", [".xyz", ".extxyz", ".pdb", ".cif"])
def test_structure_formats_read_back(tmp_path, suffix):
    qd = cached_core("PbS", 2.5, "truncated-octahedron", "seed004")  # small: ASE's CIF reader is O(N^2)
    path = tmp_path / f"core{suffix}"
    qd.write(path)
    back = read(path)
    assert len(back) == len(qd.atoms)
    assert sorted(back.get_chemical_symbols()) == sorted(qd.atoms.get_chemical_symbols())
    shift = back.positions.mean(axis=0) - qd.atoms.positions.mean(axis=0)  # the CIF is centred in a box
    assert np.allclose(back.positions - shift, qd.atoms.positions, atol=1e-3)


def test_extxyz_keeps_site_arrays(pbs_seed004, tmp_path):
    path = tmp_path / "core.extxyz"
    pbs_seed004.write(path)
    back = read(path)
    for name in ("coordination", "facet", "site_role", "missing_bonds"):
        assert np.array_equal(back.arrays[name], pbs_seed004.atoms.arrays[name])


def test_json_census(pbs_seed004, tmp_path):
    path = tmp_path / "census.json"
    pbs_seed004.write(path)
    assert json.loads(path.read_text())["net_charge"] == pbs_seed004.census.net_charge


def test_failed_write_leaves_no_file(pbs_seed004, tmp_path, monkeypatch):
    def broken(filename, atoms, format):
        with open(filename, "w") as fh:
            fh.write("partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nio, "ase_write", broken)
    path = tmp_path / "core.xyz"
    with pytest.raises(OutputError, match="No space left"):
        pbs_seed004.write(path)
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_the_old_file(pbs_seed004, tmp_path, monkeypatch):
    path = tmp_path / "core.xyz"
    path.write_text("old")
    monkeypatch.setattr(nio, "ase_write", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OutputError):
        pbs_seed004.write(path)
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["core.xyz"]


def test_bad_paths(pbs_seed004, tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        pbs_seed004.write(tmp_path / "missing" / "core.xyz")
    with pytest.raises(InputError, match="format"):
        pbs_seed004.write(tmp_path / "core.mol2")
    (tmp_path / "dir.xyz").mkdir()
    with pytest.raises(OutputError, match="directory"):
        pbs_seed004.write(tmp_path / "dir.xyz")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only directories")
def test_read_only_directory(pbs_seed004, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(OutputError, match="permission"):
        pbs_seed004.write(ro / "core.xyz")
