"""Energy batches: one row per structure, failures kept as rows, Parquet that DuckDB reads."""

from __future__ import annotations

import json

import pytest
from ase.build import molecule

from nanoligand.cli import main


def test_batch_rows_failures_and_query(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("H2O", "CH4"):
        molecule(name).write(f"{name}.xyz")
    (tmp_path / "broken.xyz").write_text("2\n\nC 0 0 0\n")
    assert main(["energy", "H2O.xyz", "CH4.xyz", "broken.xyz", "--workers", "0", "-o", "e.parquet", "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [r["structure"] for r in rows] == ["H2O.xyz", "CH4.xyz", "broken.xyz"]
    assert rows[2]["error"] and rows[2]["energy_eV"] is None
    # GFN2-xTB gaps: methane's is wider than water's (both closed-shell; HOMO-LUMO order of the two)
    assert rows[1]["gap_eV"] > rows[0]["gap_eV"] > 10
    assert main(["query", "e.parquet", "SELECT structure FROM hits WHERE error IS NULL ORDER BY gap_eV", "--json"]) == 0
    assert [r["structure"] for r in json.loads(capsys.readouterr().out)] == ["H2O.xyz", "CH4.xyz"]


def test_batch_refuses_per_structure_outputs(tmp_path, capsys):
    path = tmp_path / "w.xyz"
    molecule("H2O").write(path)
    assert main(["energy", str(path), str(path), "--levels"]) == 1
    assert "one structure" in capsys.readouterr().err


def test_desorb_refuses_a_malformed_site_before_any_work(capsys):
    assert main(["desorb", "-m", "PbS", "--site", "adatom"]) == 1
    assert capsys.readouterr().err.startswith("error: --site 'adatom': use ROLE:FACET")


def test_energy_draws_a_projected_dos(tmp_path, capsys):
    from nanoligand import plotting
    from nanoligand.energy.levels import projected_dos

    path = tmp_path / "acid.xyz"
    acid = molecule("CH3COOH")
    acid.write(path)
    assert main(["energy", str(path), "-o", str(tmp_path / "dos.png")]) == 0
    assert (tmp_path / "dos.png").read_bytes()[:4] == b"\x89PNG"
    # what the figure holds: one line per element group, the frontier window around the gap
    pdos = projected_dos(acid, acid.get_chemical_symbols())
    fig, ax = plotting.figure()
    plotting.dos(ax, pdos)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["total", "C", "H", "O"]
    lo, hi = ax.get_xlim()
    assert lo == pytest.approx(pdos["homo_eV"] - 8) and hi == pytest.approx(pdos["lumo_eV"] + 8)
    assert ax.get_xlabel() == "orbital energy (eV)"
    plotting.close(fig)


def test_desorb_end_to_end_files_agree(tmp_path, capsys):
    # the smallest real case: a {100} adatom Pb(OH)(OAc) of a 1.6 nm PbS model, 5 Å cut-out, toluene
    from ase.io import read

    from nanoligand.energy.desorb import KJ_MOL_PER_EV

    js, frames = tmp_path / "d.json", tmp_path / "d.extxyz"
    assert main(["desorb", "-m", "PbS", "-d", "1.6", "--radius-A", "5", "--free-radius-A", "3.5", "--site",
                 "adatom:{100}", "-s", "toluene", "--fmax-eV-A", "0.2", "-o", str(js), "-o", str(frames)]) == 0
    row = json.loads(js.read_text())["results"][0]
    states = read(frames, index=":")
    assert [s.info["state"] for s in states] == ["bound", "surface left", "free unit"]
    assert states[2].get_chemical_formula() == row["unit"] == "C2H4O3Pb"
    assert len(states[0]) == row["cluster_atoms"] == len(states[1]) + len(states[2])
    # ΔE recomputed from the energies written with the structures
    e = [s.info["energy_eV"] for s in states]
    assert row["delta_e_kJ_mol"] == pytest.approx((e[1] + e[2] - e[0]) * KJ_MOL_PER_EV, abs=1e-6)
    assert row["delta_e_kJ_mol"] > 0 and row["solvent"] == "toluene"
    assert row["delta_g_estimate_kJ_mol"] < row["delta_e_kJ_mol"]
