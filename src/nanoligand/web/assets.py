"""Files the report and the web app ship: the page templates (in the package) and the 3D viewer,
3Dmol.js (BSD-3-Clause), which the project's build installs from the npm registry into
``nanoligand/web/static/`` (``make`` does it; see the Makefile) — never fetched from a CDN at run time."""

from __future__ import annotations

from functools import cache
from importlib import resources

from nanoligand.errors import InputError

VIEWER_JS = "3Dmol-min.js"
VIEWER_LICENSE = "3Dmol-LICENSE.txt"


def _read(folder: str, name: str) -> str | None:
    f = resources.files("nanoligand.web").joinpath(folder, name)
    return f.read_text(encoding="utf-8") if f.is_file() else None


@cache
def template(name: str) -> str:
    text = _read("templates", name)
    if text is None:
        raise InputError(f"the package is missing its template {name} (reinstall nanoligand)")
    return text


def viewer_js() -> str | None:
    """3Dmol.js, or None if the build did not install it (the report then says so in place of the viewer)."""
    return _read("static", VIEWER_JS)


def viewer_license() -> str:
    return _read("static", VIEWER_LICENSE) or "3Dmol.js is distributed under the BSD-3-Clause licence."
