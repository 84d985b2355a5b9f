"""The local web app (FastAPI): pick a material, shape, size, termination and shell, see the model in 3D
with its census, run a titration or dilution, download xyz / PDB / extxyz / JSON / the HTML report.

API (JSON; every request body is validated by :mod:`nanoligand.spec` with the web limits):

* ``GET /`` — the page; ``GET /static/3Dmol-min.js`` — the viewer (installed by the build, no CDN);
* ``GET /api/options`` — materials, shapes, terminations, native shells, presets, limits;
* ``POST /api/jobs`` — start a build (a study spec) → ``{"id"}``; one job runs at a time per server;
* ``GET /api/jobs/{id}`` — ``{"state": queued|running|done|error, "stage", "progress", "error",
  "result"}`` (the result: summary, census, composition, equilibria, viewer data);
* ``GET /api/jobs/{id}/download/{fmt}`` — ``xyz``, ``pdb``, ``extxyz``, ``json`` or ``html``, generated
  from the job's model (no path ever comes from the client).

Errors are the command line's one-line messages (``{"error": "..."}``, HTTP 422 for bad input, 404 for
unknown jobs, 413 for a body over :data:`MAX_BODY` bytes, 503 when :data:`MAX_ACTIVE` jobs are already
queued or running). The server binds to 127.0.0.1 unless told otherwise (``nanoligand serve --host``).

Requests from other sites are refused (403): the ``Host`` must name this server (a loopback name unless
``--host`` says otherwise: DNS rebinding), a ``POST`` must carry ``Content-Type: application/json`` (which
a cross-site form cannot send without the browser asking first) and, if it has an ``Origin``, the origin of
this server. Every response carries a Content-Security-Policy without inline script, ``nosniff`` and
``frame-ancestors 'none'``.
"""

from __future__ import annotations

import json
import tempfile
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from nanoligand.errors import InputError, NanoligandError
from nanoligand.progress import listening
from nanoligand.web.assets import template, viewer_js
from nanoligand.equilibria.spec import PRESETS
from nanoligand.spec import LIMITS, parse_spec
from nanoligand.web.study import StudyResult, run_study

FORMATS = {"xyz": "chemical/x-xyz", "pdb": "chemical/x-pdb", "extxyz": "chemical/x-xyz", "json": "application/json",
           "html": "text/html"}
MAX_JOBS = 8          # finished jobs kept in memory (oldest dropped)
MAX_ACTIVE = 2        # jobs queued or running at once; more are refused with 503
MAX_BODY = 20_000     # bytes of a request body (read in chunks; reading stops at the limit)
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class Jobs:
    """Jobs run one at a time on a worker thread; results are kept for the last :data:`MAX_JOBS`."""

    def __init__(self) -> None:
        self.jobs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.lock = threading.Lock()
        self.run_lock = threading.Lock()

    def submit(self, spec: dict) -> str | None:
        """Start a job; None when :data:`MAX_ACTIVE` jobs are already queued or running (the caller says busy)."""
        study = parse_spec(spec, limits="web")          # bad input: an error now, not a failed job
        jid = uuid.uuid4().hex[:12]
        with self.lock:
            if sum(j["state"] in ("queued", "running") for j in self.jobs.values()) >= MAX_ACTIVE:
                return None
            self.jobs[jid] = {"state": "queued", "stage": "queued", "progress": 0.0, "error": None, "result": None}
            finished = [k for k, j in self.jobs.items() if j["state"] in ("done", "error")]
            for k in finished[: max(0, len(self.jobs) - MAX_JOBS)]:   # only finished jobs are dropped
                del self.jobs[k]
        threading.Thread(target=self._run, args=(jid, study), daemon=True).start()
        return jid

    def _run(self, jid: str, study) -> None:
        def progress(stage: str, frac: float) -> None:
            self._set(jid, stage=stage, progress=round(frac, 3))

        def building(stage: str, frac: float | None) -> None:  # reports from inside the build: 5–70 %
            self._set(jid, stage=stage, progress=round(0.05 + 0.65 * (frac or 0.0), 3))

        with self.run_lock:
            self._set(jid, state="running")
            try:
                with listening(building):
                    result = run_study(study, progress, limits="web")
            except NanoligandError as exc:
                self._set(jid, state="error", error=str(exc))
            except Exception as exc:  # an unexpected failure is reported, never a hung job
                self._set(jid, state="error", error=f"internal error: {type(exc).__name__}: {exc}")
            else:
                self._set(jid, state="done", stage="done", progress=1.0, model=result)

    def _set(self, jid: str, **kw) -> None:
        with self.lock:
            if jid in self.jobs:
                self.jobs[jid].update(kw)

    def get(self, jid: str) -> dict[str, Any] | None:
        with self.lock:
            job = self.jobs.get(jid)
            return dict(job) if job is not None else None


def public(result: StudyResult) -> dict[str, Any]:
    """What the page shows: the summary, census, composition, equilibria (SVG included) and the viewer."""
    from nanoligand.web import report

    d = result.to_dict()
    d["summary"] = [[k, report.fmt(v)] for k, v in report.summary_rows(result)]
    d["census_html"] = report.census_html(result)
    d["composition_html"] = report.composition_html(result)
    d["equilibria_html"] = report.equilibria_html(result)
    d["viewer"] = result.viewer
    return d


def create_app(hosts: tuple[str, ...] = LOOPBACK) -> FastAPI:
    """The app; ``hosts`` are the names the ``Host`` header may give (the interface it is served on)."""
    app = FastAPI(title="nanoligand", docs_url=None, redoc_url=None, openapi_url=None)
    jobs = Jobs()
    app.state.jobs = jobs          # the queue, for tests and introspection

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    @app.middleware("http")
    async def _same_site_only(request: Request, call_next):
        refusal = _cross_site(request, hosts)
        response = error(403, refusal) if refusal else await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(NanoligandError)
    async def _nanoligand_error(_request: Request, exc: NanoligandError):
        return error(422, str(exc))

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return template("app.html")

    @app.get("/static/app.js")
    def page_script() -> Response:
        return Response(template("app.js"), media_type="application/javascript")

    @app.get("/static/3Dmol-min.js")
    def viewer() -> Response:
        js = viewer_js()
        if js is None:
            return error(404, "the 3D viewer is not installed: run make in the project (npm 3dmol)")
        return Response(js, media_type="application/javascript")

    @app.get("/api/options")
    def options() -> dict[str, Any]:
        from nanoligand import materials
        from nanoligand.core.shapes import SHAPES
        from nanoligand.core.terminations import TERMINATIONS

        from nanoligand.shell.motifs import SHELL_MOTIFS

        return {"materials": materials.available(), "shapes": list(SHAPES), "terminations": sorted(TERMINATIONS),
                "motifs": list(SHELL_MOTIFS), "presets": list(PRESETS), "limits": LIMITS["web"]}

    @app.post("/api/jobs")
    async def submit(request: Request):
        body = await _read_body(request)
        if body is None:
            return error(413, f"request too large (more than {MAX_BODY} bytes)")
        try:
            spec = json.loads(body or b"{}")
        except RecursionError:
            return error(422, "the request body is nested too deeply")
        except ValueError:
            return error(422, "the request body is not JSON")
        jid = jobs.submit(spec)
        if jid is None:
            return error(503, f"busy: {MAX_ACTIVE} builds are queued or running; try again when one finishes")
        return {"id": jid}

    @app.get("/api/jobs/{jid}")
    def status(jid: str):
        job = jobs.get(jid)
        if job is None:
            return error(404, f"no job {jid!r} (jobs are kept for the last {MAX_JOBS} builds)")
        model = job.pop("model", None)
        job["result"] = public(model) if model is not None else None
        return job

    @app.get("/api/jobs/{jid}/download/{fmt}")
    def download(jid: str, fmt: str):
        job = jobs.get(jid)
        if job is None or job.get("model") is None:
            return error(404, f"no finished job {jid!r}")
        if fmt not in FORMATS:
            return error(422, f"unknown format {fmt!r}; choose {', '.join(FORMATS)}")
        data = _export(job["model"], fmt)
        name = f"{job['model'].study.material}_{job['model'].study.diameter_nm:g}nm.{fmt}"
        return Response(data, media_type=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return app


def _cross_site(request: Request, hosts: tuple[str, ...]) -> str | None:
    """Why a request does not come from this app's own page (None if it does)."""
    from urllib.parse import urlsplit

    host = request.headers.get("host", "")
    name = urlsplit(f"//{host}").hostname or ""
    if name not in hosts:
        return f"refused: Host {host!r} is not this server"
    if request.method == "POST":
        origin = request.headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != host:
            return f"refused: a request from {origin!r}, not from this app's page"
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return "refused: a job request is JSON (Content-Type: application/json)"
    return None


async def _read_body(request: Request) -> bytes | None:
    """The body, read in chunks; None as soon as it passes :data:`MAX_BODY` (nothing more is read)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def _export(result: StudyResult, fmt: str) -> bytes:
    """The model in ``fmt``, written by the same writers as the command line into a private temp dir."""
    from nanoligand.web.report import write_report

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"model.{fmt}"
        if fmt == "html":
            write_report(result.study, path, result=result)
        else:
            result.model.write(path)
        return path.read_bytes()


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False) -> None:
    """Run the app with uvicorn (blocking)."""
    import uvicorn

    if open_browser:
        import webbrowser

        threading.Timer(1.0, lambda: webbrowser.open(f"http://{host}:{port}/")).start()
    hosts = LOOPBACK if host in LOOPBACK else (host, *LOOPBACK)
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InputError(f"cannot serve on {host}:{port}: {exc.strerror} (another server? try --port 0)") from None
    uvicorn.run(create_app(hosts), host=host, port=port, log_level="warning")
