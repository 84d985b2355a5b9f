"""Report commands: ``report`` (one HTML file) and ``serve`` (the local web app).

Examples
--------
::

    nanoligand report study.yaml -o study.html
    nanoligand serve                      # http://127.0.0.1:8765/
    nanoligand serve --port 9000 --open
"""

from __future__ import annotations


import typer

from nanoligand.cli._common import out, print_json
from nanoligand.errors import InputError

app = typer.Typer(rich_markup_mode=None)


@app.command("report")
def report_cmd(
    spec: str = typer.Argument(..., help="Spec (YAML): material, diameter_nm, shape, termination, shell, "
                               "equilibria, properties (see docs/spec.md)."),
    output: str = typer.Option(..., "--output", "-o", help="The HTML report to write (self-contained)."),
    as_json: bool = typer.Option(False, "--json", help="Also print the study's summary as JSON."),
) -> None:
    """Build a study and write one self-contained HTML report (3D model, census, composition, plots, sources)."""
    from nanoligand.web.assets import viewer_js
    from nanoligand.web.report import write_report

    result = write_report(spec, output)
    if as_json:
        print_json(result.to_dict())
        return
    m = result.manifest
    what = f"{m['n_atoms']} atoms" + (f", {m['composition']['ligands_total']} ligands" if result.capped else "")
    out.print(f"wrote {output} ({what}, {len(result.equilibria)} equilibrium plots, {result.seconds:.1f} s)")
    if viewer_js() is None:
        out.print("[yellow]the 3D viewer (3Dmol.js) is not installed: the report has no 3D view; run make[/yellow]")


@app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (loopback unless told otherwise)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port (0 = any free port)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
) -> None:
    """Run the local web app: build, view and download capped nanocrystals in the browser."""
    import socket

    from nanoligand.web.app import serve

    if not 0 <= port <= 65535:
        raise InputError("the port lies between 0 and 65535")
    if port == 0:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
    out.print(f"nanoligand web app on http://{host}:{port}/  (Ctrl-C stops it)")
    serve(host, port, open_browser)
