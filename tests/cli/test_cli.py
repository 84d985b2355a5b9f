"""The command line: output, JSON, and the one-line error convention."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nanoligand.cli import main
from nanoligand.cli.build import parse_facet_energies
from nanoligand.errors import InputError


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_json_main_job(capsys):
    code, out, err = run(capsys, "build", "PbS", "--diameter-nm", "4.8", "--shape", "truncated-octahedron",
                         "--termination", "seed004", "--json")
    assert code == 0 and err == ""
    d = json.loads(out)["core"]
    assert d["material"] == "PbS" and d["cation_anion_ratio"] > 1
    assert d["x_ligands_for_neutrality"] == 2 * (d["composition"]["Pb"] - d["composition"]["S"])
    assert [f["family"] for f in d["facets"]] == ["{100}", "{111}"]


def test_build_human_table_and_files(capsys, tmp_path):
    xyz, census = tmp_path / "core.xyz", tmp_path / "census.json"
    code, out, _ = run(capsys, "build", "CdSe", "-d", "3", "--shape", "sphere", "-t", "cation_rich",
                       "-o", str(xyz), "-o", str(census))
    assert code == 0
    assert "facets" in out and "net charge" in out and f"wrote {xyz}" in out
    assert xyz.exists() and json.loads(census.read_text())["material"] == "CdSe"


def test_wulff_from_the_command_line(capsys):
    code, out, _ = run(capsys, "build", "CdSe", "-d", "3", "--shape", "wulff", "-e", "111=1.0", "-e", "-1-1-1=1.25",
                       "-e", "100=1.15", "--json")
    assert code == 0
    assert {f["family"] for f in json.loads(out)["core"]["facets"]} == {"{111}", "{-1-1-1}", "{100}"}


@pytest.mark.parametrize("args,code,fragment", [
    (["build", "PbZ", "-d", "4"], 1, "did you mean PbS"),
    (["build", "PbS", "-d", "400"], 1, "supported range"),
    (["build", "PbS", "-d", "-1"], 1, "supported range"),
    (["build", "CdSe", "-d", "4", "-t", "seed004"], 1, "does not apply"),
    (["build", "CdSe", "-d", "4", "--shape", "blob"], 1, "unknown shape"),
    (["build", "CdSe", "-d", "4", "--shape", "wulff", "-e", "111"], 1, "FAMILY=ENERGY"),
    (["build", "CdSe", "-d", "4", "--shape", "wulff", "-e", "1x1=1"], 1, "Miller"),
    (["build", "CdSe", "-d", "4", "-o", "/nonexistent-dir/x.xyz"], 1, "does not exist"),
    (["build", "CdSe", "-d", "4", "-o", "x.mol2"], 1, "format"),
    (["build", "CdSe"], 2, "--diameter-nm"),
    (["build", "CdSe", "-d", "abc"], 2, "diameter"),
    (["build", "CdSe", "-d", "3", "--bogus"], 2, "--bogus"),
])
def test_errors_are_one_line(capsys, args, code, fragment):
    rc, out, err = run(capsys, *args)
    assert rc == code
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
    assert "Traceback" not in err and out == ""


def test_debug_shows_the_traceback(capsys):
    rc, _, err = run(capsys, "build", "PbZ", "-d", "4", "--debug")
    assert rc == 1 and "Traceback" in err and err.strip().splitlines()[-1].startswith("error: ")


def test_no_partial_file_on_error(capsys, tmp_path):
    target = tmp_path / "core.xyz"
    rc, _, _ = run(capsys, "build", "CdSe", "-d", "500", "-o", str(target))
    assert rc == 1 and not target.exists()


def test_materials_listing(capsys):
    rc, out, _ = run(capsys, "materials", "--json")
    assert rc == 0
    records = {r["key"]: r for r in json.loads(out)}
    assert {"PbS", "CdSe", "CdSe-wz", "CsPbBr3", "Au", "Si"} <= set(records)
    assert records["PbS"]["sources"]["lattice"]
    rc, out, _ = run(capsys, "materials")
    assert rc == 0 and "CsPbBr3" in out


def test_parse_facet_energies():
    assert parse_facet_energies(["100=1.0", "-1-1-1=0.8"]) == {"100": 1.0, "-1-1-1": 0.8}
    with pytest.raises(InputError, match="twice"):
        parse_facet_energies(["100=1", "100=2"])
    with pytest.raises(InputError):
        parse_facet_energies(["100=abc"])


def test_console_script_entry_point(tmp_path):
    # the installed `nanoligand` entry point: exit code and single error line through a real process
    proc = subprocess.run([sys.executable, "-c", "from nanoligand.cli import console; console()",
                           "build", "PbZ", "-d", "3"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("error: unknown material")


def test_ligand_json_contract(capsys):
    rc, out, err = run(capsys, "ligand", "MPA", "--json", "--material", "CdSe")
    assert rc == 0 and err == ""
    d = json.loads(out)
    assert {"name", "smiles", "anchors", "functional_groups", "descriptors"} <= set(d)
    assert d["name"] == "3-mercaptopropionic acid"
    for a in d["anchors"]:
        assert {"group", "motif", "donor_elements", "denticity", "hsab"} <= set(a)
    assert [a["group"] for a in d["anchors"]] == ["thiol", "carboxylic_acid"]
    assert d["hsab_match"]["material"] == "CdSe" and len(d["hsab_match"]["anchors"]) == 2
    assert d["descriptors_3d"]["estimate"] is True and d["hansen"]["estimate"] is True


def test_ligand_human_output_and_smiles_input(capsys):
    rc, out, _ = run(capsys, "ligand", "CCCCCCCCCCCCCCCCCC[N+](C)(C)CCCS(=O)(=O)[O-]", "--no-3d")
    assert rc == 0 and "sulfobetaine" in out and "anchors" in out


def test_ligand_errors_are_one_line(capsys):
    rc, out, err = run(capsys, "ligand", "C1CC")
    assert rc == 1 and out == "" and err.strip().count("\n") == 0
    assert err.startswith("error: ") and "unclosed ring" in err


def test_ligands_search(capsys):
    rc, out, _ = run(capsys, "ligands", "--search", "dithiol", "--json")
    assert rc == 0
    names = {e["name"] for e in json.loads(out)}
    assert "1,2-ethanedithiol" in names
    rc, out, _ = run(capsys, "ligands", "--search", "TOPO")
    assert rc == 0 and "trioctylphosphine oxide" in out


def test_ctrl_c_exits_130_and_leaves_no_file(tmp_path):
    # issue: Ctrl-C during build exited 0 with no message
    import signal
    import time

    out = tmp_path / "big.pdb"
    proc = subprocess.Popen([sys.executable, "-c", "from nanoligand.cli import console; console()", "build", "PbS",
                             "-d", "6", "--shell", "native", "-o", str(out)], stderr=subprocess.PIPE, text=True)
    time.sleep(6.0)                      # imports done, the build is running
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1].startswith("interrupted")
    assert not out.exists() and not list(tmp_path.glob(".big.pdb*"))


def test_a_size_on_the_command_line_replaces_the_spec_files_size(capsys, tmp_path):
    # issue: a spec file plus -d 6 built the file's size; a TEM edge given for a cube is (6/π)^(1/3)·a
    spec = tmp_path / "s.yaml"
    spec.write_text("material: CsPbBr3\nedge_nm: 6\nshape: cube\nshell: none\n")
    assert main(["build", str(spec), "-d", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["core"]["requested_diameter_nm"] == 5.0
    spec.write_text("material: CsPbBr3\ndiameter_nm: 4\nshape: cube\nshell: none\n")
    assert main(["build", str(spec), "--edge-nm", "6", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)["core"]["requested_diameter_nm"]
    assert d == pytest.approx((6 / 3.141592653589793) ** (1 / 3) * 6, rel=1e-9)


def test_a_model_too_large_for_its_file_is_refused_before_placement():
    # issue: a 12 nm capped PDB was refused for its atom count only after 42 s of work; the ligand counts are
    # known before placement, so the estimate (core + ligands × their atoms) stops it first
    import nanoligand

    import re

    with pytest.raises(InputError, match=r"would hold about \d+ atoms \(\d+ ligands\), more than 3000: test limit") as e:
        nanoligand.build("CdSe", 3.0, shell="native", atom_limit=(3000, "test limit"))
    estimate = int(re.search(r"about (\d+) atoms", str(e.value)).group(1))
    capped = nanoligand.build("CdSe", 3.0, shell="native")
    assert abs(estimate - len(capped.atoms)) <= 0.02 * len(capped.atoms)   # the estimate is the model's size
    with pytest.raises(InputError, match="the core alone holds"):
        nanoligand.build("CdSe", 3.0, atom_limit=(100, "test limit"))
