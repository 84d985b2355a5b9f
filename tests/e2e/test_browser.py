"""The web app driven as a person would, in headless Chromium (Debian's chromium + Playwright).

Run by ``make e2e`` (which installs both); skipped when no Chromium is found. The server runs in this
process on a free loopback port.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time

import pytest

CHROMIUM = os.environ.get("NANOLIGAND_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("NANOLIGAND_REQUIRE_E2E") == "1"   # set by .ci/run: CI never skips these
pytestmark = pytest.mark.skipif(CHROMIUM is None and not REQUIRED,
                                reason="no Chromium (make test installs Debian's chromium where it can)")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"]


SERVED: dict = {}   # the app the server fixture runs (its job queue is inspected)


@pytest.fixture(scope="module")
def server():
    import uvicorn

    from nanoligand.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    SERVED["app"] = app
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        ctx = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
        pg = ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(server)
        _wait_until(pg, "document.querySelectorAll('#material option').length > 10", 30_000)
        pg.js_errors = errors
        yield pg
        browser.close()


def _wait_until(page, expression: str, timeout_ms: int) -> None:
    """Poll ``expression`` in the page. Not ``page.wait_for_function``: it compiles its predicate with
    ``eval`` inside the page, which the app's Content-Security-Policy (no unsafe-eval) rightly blocks."""
    t0 = time.time()
    while not page.evaluate(expression):
        if time.time() - t0 > timeout_ms / 1000:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(200)


def _build(page, timeout_ms=180_000):
    page.evaluate("document.getElementById('status').textContent = ''")
    page.click("#build")
    _wait_until(page, "document.getElementById('status').textContent === 'done' || "
                      "document.getElementById('error').textContent !== ''", timeout_ms)


def test_build_pbs_with_native_shell_and_titration(page, tmp_path):
    """4.8 nm PbS, seed-004 termination by default with its native shell; seed-004 titration."""
    page.select_option("#material", "PbS")
    page.fill("#diameter", "4.8")
    page.select_option("#shell", "native")
    page.check("#eq-on")
    _build(page)
    assert page.text_content("#error") == ""
    # the census shows the facets of the truncated octahedron
    census = page.text_content("#census")
    assert "{100}" in census and "{111}" in census
    # the viewer drew something: the WebGL canvas is not blank
    nonblank = page.evaluate("""() => {
        const c = document.querySelector('#viewer canvas');
        if (!c) return -1;
        const probe = document.createElement('canvas'); probe.width = c.width; probe.height = c.height;
        const g = probe.getContext('2d'); g.drawImage(c, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) n++;
        return n; }""")
    assert nonblank > 1000, nonblank
    # a titration plot appeared
    assert page.locator("#plots svg").count() >= 1
    # a download is a valid file
    with page.expect_download() as dl:
        page.click("#downloads a:text('json')")
    path = tmp_path / "model.json"
    dl.value.save_as(path)
    manifest = json.loads(path.read_text())
    assert manifest["net_charge"] == 0 and manifest["composition"]["ligands_total"] > 0
    with page.expect_download() as dl:
        page.click("#downloads a:text('xyz')")
    dl.value.save_as(tmp_path / "m.xyz")
    first = (tmp_path / "m.xyz").read_text().split("\n", 1)[0]
    assert int(first) == manifest["n_atoms"]
    page.screenshot(path=str(tmp_path / "page.png"))
    assert page.js_errors == []


def test_bad_input_shows_an_error_and_the_page_survives(page):
    page.fill("#diameter", "50")
    _build(page, 30_000)
    assert page.text_content("#error").startswith("error: ") and "limit" in page.text_content("#error")
    # the page still works: a valid build afterwards succeeds
    page.select_option("#material", "CdSe")
    page.fill("#diameter", "2.5")
    page.uncheck("#eq-on")
    _build(page)
    assert page.text_content("#error") == "" and "{111}" in page.text_content("#census")
    assert page.js_errors == []


def test_custom_shell_from_the_form(page):
    """A recipe typed into the page: oleate neutralizes the cation-rich CdSe core; the composition table
    reports it with its motif."""
    page.select_option("#material", "CdSe")
    page.fill("#diameter", "2.5")
    page.select_option("#termination", "cation_rich")
    page.select_option("#shell", "custom")
    assert page.input_value("#entries .e-ligand") == "oleic acid"
    _build(page)
    assert page.text_content("#error") == ""
    comp = page.text_content("#composition")
    assert "oleic acid" in comp and "neutralize" in comp
    # a ligand the engine cannot read is a one-line error, and the page keeps working
    page.fill("#entries .e-ligand", "C1CC(")
    _build(page, 30_000)
    assert page.text_content("#error").startswith("error: ")
    assert page.js_errors == []


def test_another_site_cannot_start_a_job(page, server):
    """A page from another origin (another port) posts to the app as a cross-site attacker would: a form
    with text/plain (no CORS preflight) and a no-cors fetch. The app must start no job."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    target = f"{server}/api/jobs"
    evil = f"""<!DOCTYPE html><html><body>
<form id="f" method="POST" action="{target}" enctype="text/plain">
<input name='{{"material": "PbS", "diameter_nm": 2.4, "shell": "none", "x": "' value='"}}'></form>
<script>
fetch("{target}", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}},
  body: JSON.stringify({{material: "PbS", diameter_nm: 2.4, shell: "none"}})}})
  .finally(function () {{ document.getElementById("f").submit(); }});
</script></body></html>""".encode()

    class Evil(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(evil)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    jobs = SERVED["app"].state.jobs
    before = len(jobs.jobs)
    try:
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
        page.wait_for_url(target, timeout=15_000)          # the form was submitted to the app ...
        assert "refused" in page.content()                 # ... which answered 403
        assert len(jobs.jobs) == before                    # and started nothing
    finally:
        httpd.shutdown()
        page.goto(server)
