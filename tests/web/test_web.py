"""Spec reports and the web app's API (the browser tests are in tests/e2e, run by `make e2e`)."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from nanoligand.cli import main
from nanoligand.errors import InputError
from nanoligand.web.app import LOOPBACK, MAX_BODY, create_app
from nanoligand.web.assets import viewer_js
from nanoligand.web.report import write_report
from nanoligand.spec import parse_spec

SMALL = {"material": "CdSe", "diameter_nm": 2.5, "shell": "native"}


@pytest.fixture(scope="module")
def pbs_report(tmp_path_factory):
    """The seed-004 study of examples/ (what `make demo` writes)."""
    from pathlib import Path

    out = tmp_path_factory.mktemp("report") / "study.html"
    spec = Path(__file__).parents[2] / "examples" / "pbs_seed004_study.yaml"
    result = write_report(spec, out)
    return result, out.read_text(encoding="utf-8")


def test_report_is_self_contained(pbs_report):
    _, text = pbs_report
    # nothing is loaded from the network: no src/href to http(s), no CDN
    assert not re.search(r"""(src|href)\s*=\s*["']https?://""", text)
    assert "<script src=" not in text
    js = viewer_js()
    if js is not None:      # the viewer is inline, whole
        assert js[:500] in text and js[-500:].replace("</script", "<\\/script") in text


def test_report_carries_the_seed004_numbers(pbs_report):
    """seed 004: the 4.8 nm PbS dot carries one oleate and one hydroxide per excess Pb (its Fig. 1a model)."""
    result, text = pbs_report
    comp = result.manifest["composition"]
    assert comp["ligands_per_excess_cation"] == {"oleic acid": pytest.approx(1.0), "hydroxide": pytest.approx(1.0)}
    assert result.manifest["net_charge"] == 0
    for family in ("{100}", "{111}"):
        assert family in text
    assert str(comp["ligands"]["oleic acid"]) in text
    # three equilibrium plots and the sizing curve as inline SVG, and the sources of the numbers
    assert len(result.equilibria) == 3 and text.count("<svg") >= 4 and "sizing curve" in text
    assert "Grisorio" in text and "Moreels" in text


def test_report_viewer_data_matches_the_model(pbs_report):
    result, text = pbs_report
    data = json.loads(re.search(r'<script id="model-data" type="application/json">(.*?)</script>', text, re.S)
                      .group(1))
    assert data["n_atoms"] == result.manifest["n_atoms"] == len(data["ligand"])
    assert data["xyz"].count("\n") == data["n_atoms"] + 1
    motifs = data["categories"]["motif"]["names"]
    assert set(motifs) >= {"core", "X"}
    for cat in data["categories"].values():
        assert len(cat["codes"]) == data["n_atoms"] and max(cat["codes"]) < len(cat["names"])


def test_titration_plot_shows_oleate_loss(pbs_report):
    """seed 004: adding oleic acid strips Pb(oleate)(OH) units: bound oleyl falls along the titration."""
    result, _ = pbs_report
    t = next(e for e in result.equilibria if e["kind"] == "titration")
    assert t["y"][0] > t["y"][-1]
    assert all(b <= a + 1e-9 for a, b in zip(t["y"], t["y"][1:]))


@pytest.mark.parametrize("spec, fragment", [
    ({"material": "PbS"}, "diameter_nm"),
    ({"material": "PbS", "diameter_nm": -1}, "diameter_nm"),
    ({"material": "PbS", "diameter_nm": 4, "colour": "red"}, "colour"),
    ({"material": "PbS", "diameter_nm": 40}, "limit"),
    ({"material": "PbS", "diameter_nm": 4, "equilibria": {"preset": "other"}}, "preset"),
])
def test_bad_specs_are_one_line_errors(spec, fragment):
    with pytest.raises(InputError, match=fragment):
        parse_spec(spec)


def test_equilibrium_preset_only_for_its_material():
    from nanoligand.web.study import run_study

    with pytest.raises(InputError, match="PbS"):
        run_study(parse_spec({"material": "CdSe", "diameter_nm": 2.0, "shell": "none",
                               "equilibria": {"preset": "seed004"}}))


def test_report_cli(capsys, tmp_path):
    spec = tmp_path / "s.yaml"
    spec.write_text("material: CdSe\ndiameter_nm: 2.5\nshell: none\n", encoding="utf-8")
    out = tmp_path / "r.html"
    assert main(["report", str(spec), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["report", str(spec), "-o", str(tmp_path / "r.txt")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and ".html" in err[0]


# -- web app (API) ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client():
    return TestClient(create_app((*LOOPBACK, "testserver")))   # the test client's Host


def _wait(client, jid, timeout=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        j = client.get(f"/api/jobs/{jid}").json()
        if j["state"] in ("done", "error"):
            return j
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_api_build_view_and_download(client):
    r = client.post("/api/jobs", json={**SMALL, "equilibria": None})
    assert r.status_code == 200
    jid = r.json()["id"]
    j = _wait(client, jid)
    assert j["state"] == "done", j["error"]
    res = j["result"]
    assert res["manifest"]["net_charge"] == 0 and "{111}" in res["census_html"]
    assert res["viewer"]["n_atoms"] == res["manifest"]["n_atoms"]
    xyz = client.get(f"/api/jobs/{jid}/download/xyz")
    assert xyz.status_code == 200 and int(xyz.text.split("\n", 1)[0]) == res["manifest"]["n_atoms"]
    pdb = client.get(f"/api/jobs/{jid}/download/pdb").text
    assert "HETATM" in pdb or "ATOM" in pdb
    assert json.loads(client.get(f"/api/jobs/{jid}/download/json").text)["net_charge"] == 0
    html = client.get(f"/api/jobs/{jid}/download/html")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]


@pytest.mark.parametrize("body, status, fragment", [
    ({"material": "PbZ", "diameter_nm": 4}, 422, "PbZ"),
    ({"material": "PbS", "diameter_nm": 25}, 422, "limit"),
    ({"material": "PbS", "diameter_nm": 4, "path": "/etc/passwd"}, 422, "path"),
])
def test_api_bad_input(client, body, status, fragment):
    r = client.post("/api/jobs", json=body)
    if r.status_code == 200:         # errors found while building arrive with the job
        j = _wait(client, r.json()["id"])
        assert j["state"] == "error" and fragment in j["error"]
    else:
        assert r.status_code == status and fragment in r.json()["error"]


def test_api_limits_and_unknowns(client):
    as_json = {"Content-Type": "application/json"}
    assert client.post("/api/jobs", content=b"x" * (MAX_BODY + 1), headers=as_json).status_code == 413
    assert client.post("/api/jobs", content=b"{not json", headers=as_json).status_code == 422
    assert client.get("/api/jobs/nope").status_code == 404
    assert client.get("/api/jobs/nope/download/xyz").status_code == 404
    opts = client.get("/api/options").json()
    assert "PbS" in opts["materials"] and opts["limits"]["diameter_nm"] == 10.0
    page = client.get("/")
    assert page.status_code == 200 and "/static/3Dmol-min.js" in page.text and "https://" not in page.text
