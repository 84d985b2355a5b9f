"""The web app against hostile requests (issue: nothing a user types or sends crashes, hangs or misleads).

Each case is one a reviewer sent to the running app: cross-site and DNS-rebinding requests, oversized and
deeply nested bodies, values that crashed the equilibrium code, and a flood of jobs.
"""

from __future__ import annotations

import json
import socket
import threading

import pytest
from fastapi.testclient import TestClient

from nanoligand.errors import InputError
from nanoligand.web import app as web

SPEC = {"material": "PbS", "diameter_nm": 2.4, "shell": "none"}


@pytest.fixture()
def client(monkeypatch):
    """An app whose jobs wait on an event instead of building (the queue, not the chemistry, is tested)."""
    release = threading.Event()
    started = []

    def fake_study(study, progress=None, limits="cli"):
        started.append(study)
        release.wait(10)
        raise InputError("stopped by the test")

    monkeypatch.setattr(web, "run_study", fake_study)
    c = TestClient(web.create_app((*web.LOOPBACK, "testserver")))   # the test client's Host
    c.started, c.release = started, release
    yield c
    release.set()


def test_a_cross_site_form_post_starts_nothing(client):
    r = client.post("/api/jobs", content=json.dumps(SPEC), headers={"Origin": "http://evil.example",
                                                                    "Content-Type": "text/plain"})
    assert r.status_code == 403 and "evil.example" in r.json()["error"]
    r = client.post("/api/jobs", content=json.dumps(SPEC), headers={"Content-Type": "text/plain"})
    assert r.status_code == 403 and "application/json" in r.json()["error"]
    assert client.started == []


def test_dns_rebinding_host_is_refused(client):
    r = client.get("/api/options", headers={"Host": "evil.example:8765"})
    assert r.status_code == 403
    r = client.post("/api/jobs", json=SPEC, headers={"Host": "evil.example"})
    assert r.status_code == 403 and client.started == []


def test_the_own_page_may_post(client):
    r = client.post("/api/jobs", json=SPEC, headers={"Origin": "http://testserver"})
    assert r.status_code == 200 and "id" in r.json()


def test_a_huge_body_is_refused_without_reading_it():
    # the ASGI server hands the body over in chunks; the app stops asking once MAX_BODY is passed
    import asyncio

    from starlette.requests import Request

    pulled = []

    async def receive():
        pulled.append(1)                     # 10 000 × 20 kB = 200 MB if every chunk were read
        return {"type": "http.request", "body": b" " * 20_000, "more_body": len(pulled) < 10_000}

    scope = {"type": "http", "method": "POST", "path": "/api/jobs", "headers": [(b"content-type", b"application/json")]}
    assert asyncio.run(web._read_body(Request(scope, receive))) is None
    assert len(pulled) <= 2
    declared = {**scope, "headers": [(b"content-length", b"200000000")]}
    assert asyncio.run(web._read_body(Request(declared, receive))) is None and len(pulled) <= 2


def test_deep_json_is_422_not_500(client):
    deep = "[" * 9000 + "]" * 9000                          # 18 kB, under MAX_BODY, deeper than json parses
    r = client.post("/api/jobs", content=deep, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and "nested" in r.json()["error"]


@pytest.mark.parametrize("change, field", [
    ({"equilibria": {"options": {"T_K": 0}}}, "equilibria.options.T_K"),
    ({"diameter_nm": True}, "diameter_nm"),
    ({"equilibria": {"options": {"diameter_nm": 30}}}, "equilibria.options.diameter_nm"),
    ({"diameter_nm": 12}, "diameter_nm"),
])
def test_bad_values_name_their_field(client, change, field):
    r = client.post("/api/jobs", json={**SPEC, **change})
    assert r.status_code == 422 and r.json()["error"].startswith(field)
    assert client.started == []


def test_a_flood_of_jobs_gets_a_busy_answer(client):
    ids = [client.post("/api/jobs", json=SPEC) for _ in range(web.MAX_ACTIVE + 3)]
    codes = [r.status_code for r in ids]
    assert codes[: web.MAX_ACTIVE] == [200] * web.MAX_ACTIVE
    assert set(codes[web.MAX_ACTIVE:]) == {503} and "busy" in ids[-1].json()["error"]
    for r in ids[: web.MAX_ACTIVE]:                         # accepted jobs stay known
        assert client.get(f"/api/jobs/{r.json()['id']}").status_code == 200


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/api/options", "/static/app.js", "/api/jobs/nope"):
        h = client.get(path).headers
        assert "script-src 'self'" in h["content-security-policy"] and "unsafe-inline" not in \
            h["content-security-policy"].split("script-src")[1].split(";")[0]
        assert h["x-content-type-options"] == "nosniff" and "frame-ancestors 'none'" in h["content-security-policy"]
    assert "<script>" not in client.get("/").text          # no inline script for the CSP to allow


def test_a_busy_port_is_one_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        with pytest.raises(InputError, match=f"cannot serve on 127.0.0.1:{port}"):
            web.serve("127.0.0.1", port)
