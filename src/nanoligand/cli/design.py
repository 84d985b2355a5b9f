"""Design commands: ``design``, ``conjugate``, ``screen``, ``query``.

Examples
--------
::

    nanoligand design -m CsPbBr3 -s toluene -a led --top 10
    nanoligand design -m CdSe --facet 100 --smiles "OC(=O)CCS" --json
    nanoligand conjugate --np carboxyl --bio amine --pH 7.5 --np-conc-M 1e-6 --bio-conc-M 1e-5 --k-M-1-s-1 10
    nanoligand conjugate --np MPA --bio amine --pH 7.5
    nanoligand conjugate --np azide --bio DBCO --np-conc-M 1e-6 --bio-conc-M 1e-5
    nanoligand screen library.smi -m CdSe -s toluene -o hits.parquet
    nanoligand query hits.parquet "SELECT smiles, score FROM hits ORDER BY score DESC LIMIT 10"
"""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.table import Table

from nanoligand.cli._common import out, outputs, print_json
from nanoligand.errors import InputError

app = typer.Typer(rich_markup_mode=None)


def _weights(items: List[str]) -> dict[str, float]:
    w = {}
    for item in items:
        try:
            k, v = item.split("=")
            w[k.strip()] = float(v)
        except ValueError:
            raise InputError(f"--weight wants criterion=value (e.g. precedent=0), got {item!r}") from None
    return w


@app.command("design")
def design_cmd(
    material: str = typer.Option(..., "--material", "-m", help="Material, design surface (SiO2, CuInS2 ...) or "
                                 "core/shell (CdSe/ZnS)."),
    solvent: Optional[str] = typer.Option(None, "--solvent", "-s", help="Target solvent (name or abbreviation)."),
    application: str = typer.Option("dispersion", "--application", "-a", help="dispersion, led, pv, photocatalysis, "
                                    "bio, chiral, energy_levels, charge_transfer, energy_transfer."),
    facet: Optional[str] = typer.Option(None, "--facet", help="Facet to bind (Miller indices, e.g. 100)."),
    top: int = typer.Option(10, "--top", min=1, help="Candidates shown."),
    smiles: List[str] = typer.Option([], "--smiles", help="Your own candidate (repeatable)."),
    per_class: int = typer.Option(1, "--per-class", min=1, help="Most library candidates per anchor class."),
    weight: List[str] = typer.Option([], "--weight", help="Criterion weight, e.g. precedent=0 (repeatable)."),
    no_library: bool = typer.Option(False, "--no-library", help="Rank only the --smiles candidates."),
    as_json: bool = typer.Option(False, "--json", help="Print every candidate with its reasons as JSON."),
) -> None:
    """Recommend ligands for a material, solvent and application (anchor–functionality paradigm)."""
    from nanoligand.design.recommend import recommend

    if no_library and not smiles:
        raise InputError("--no-library needs at least one --smiles candidate")
    recs = recommend(material, solvent, application, facet, top, smiles, per_class, _weights(weight),
                     library=not no_library)
    if as_json:
        print_json([r.to_dict() for r in recs])
        return
    if not recs:
        out.print("no candidate binds this surface")
        return
    t = Table(title=f"{material} · {solvent or 'no solvent'} · {application}" + (f" · {{{facet}}}" if facet else ""),
              title_justify="left")
    for col in ("#", "ligand", "score", "binds by", "anchor", "HSAB", "solvent", "use", "precedent", "spacing nm"):
        t.add_column(col, overflow="fold", justify="left" if col in ("ligand", "binds by") else "right")
    for r in recs:
        c = r.criteria
        t.add_row(str(r.rank), r.name, f"{r.total:.2f}", r.anchor or "-",
                  *(_f(c[k]) for k in ("anchor", "hsab", "dispersibility", "application", "precedent")),
                  _f(r.predicted.get("spacing_nm")))
    out.print(t)
    for r in recs[:3]:
        why = [x for k in ("anchor", "hsab", "dispersibility", "application") for x in r.reasons.get(k, [])[:1]]
        out.print(f"[bold]{r.rank}. {r.name}[/bold]: " + "; ".join(why))
    out.print("[dim]scores are rule-based estimates (data/design.yaml); --json gives every reason, citation and "
              "predicted property[/dim]")


def _f(v) -> str:
    return "-" if v is None else f"{v:.2f}"


@app.command("conjugate")
def conjugate_cmd(
    np_handle: str = typer.Option(..., "--np", help="Handle on the nanocrystal (carboxyl, amine, thiol, azide, "
                                  "alkyne, tetrazine, TCO, maleimide, epoxide ...) or a ligand name/SMILES."),
    bio_handle: str = typer.Option(..., "--bio", help="Handle on the biomolecule (amine, thiol, DBCO, TCO ...)."),
    ph: Optional[float] = typer.Option(None, "--pH", min=0, max=14, help="pH of the coupling buffer."),
    conc_np: Optional[float] = typer.Option(None, "--np-conc-M", help="Particle-side handle concentration, M."),
    conc_bio: Optional[float] = typer.Option(None, "--bio-conc-M", help="Biomolecule-side handle concentration, M."),
    target: float = typer.Option(0.9, "--target", min=0, max=1, help="Conversion of the limiting partner, 0–1."),
    surface: Optional[str] = typer.Option(None, "--surface", help="Lattice type of the particle (silica, ionic ...)."),
    k: Optional[float] = typer.Option(None, "--k-M-1-s-1", help="Second-order rate constant, M⁻¹ s⁻¹, where "
                                      "none is packaged."),
    half_life: Optional[float] = typer.Option(None, "--half-life-h", help="Hydrolysis half-life of the "
                                              "activated partner, h."),
    as_json: bool = typer.Option(False, "--json", help="Print the plans as JSON."),
) -> None:
    """Chemistries that join a particle handle to a biomolecule: rates, pH windows, warnings, times."""
    from nanoligand.design.bioconj import conjugation_plan, handle_name

    handles = _particle_handles(np_handle)
    plans, errors = [], []
    for h in handles:
        try:
            plans += conjugation_plan(h, bio_handle, ph, conc_np, conc_bio, target, surface, k, half_life)
        except InputError as exc:
            errors.append(str(exc))
    if not plans:
        raise InputError(errors[0] if errors else "no chemistry found")
    handle_name(bio_handle)
    if as_json:
        print_json([p.to_dict() for p in plans])
        return
    for p in plans:
        k_txt = "not given in the source" if p.k_M_s is None else (
            f"{p.k_M_s[0]:g}" + ("" if p.k_M_s[1] == p.k_M_s[0] else
                                 (" or more" if p.k_M_s[1] == float("inf") else f"–{p.k_M_s[1]:g}")) + " M⁻¹ s⁻¹")
        out.print(f"[bold]{p.name}[/bold]  ({p.np_handle} → {p.bio_handle}{'; ' + p.via if p.via else ''})")
        out.print(f"  k: {k_txt}{' (' + p.k_note + ')' if p.k_note and p.k_M_s else ''};  pH window: "
                  f"{'-' if not p.ph_window else '–'.join(f'{x:g}' for x in p.ph_window)};  "
                  f"activity kept: {'-' if p.activity_pct is None else f'{p.activity_pct:g} %'}")
        if p.loss_half_life_h:
            out.print(f"  hydrolysis half-life: {p.loss_half_life_h[0]:.2g}–{p.loss_half_life_h[1]:.2g} h")
        for label in ("slow", "fast"):
            r = p.times.get(label)
            if r:
                when = "never (plateau {:.0%})".format(r["plateau_conversion"]) if r["time_s"] is None else \
                    f"{r['time_h']:.3g} h"
                out.print(f"  time to {target:.0%} ({'lowest' if label == 'slow' else 'highest'} k): {when}")
        for w in p.warnings:
            out.print(f"  [yellow]! {w}[/yellow]")
        out.print(f"  [dim]{p.source}[/dim]")


def _particle_handles(text: str) -> list[str]:
    """A handle name, or the handles of a ligand (name or SMILES) once its anchor binds."""
    from nanoligand.design.bioconj import handle_name

    try:
        handle_name(text)
        return [text]
    except InputError:
        pass
    from nanoligand.design.features import features, handles_when_bound
    from nanoligand.ligands import ligand

    lig = ligand(text)
    f = features(lig)
    anchor = lig.primary_anchor.group if lig.primary_anchor else None
    hs = handles_when_bound(f, anchor)
    if not hs:
        raise InputError(f"{lig.name} offers no handle once its {anchor or 'anchor'} binds")
    return hs


@app.command("screen")
def screen_cmd(
    library: str = typer.Argument(..., help="Library: .smi, .csv (smiles column) or .parquet."),
    material: str = typer.Option(..., "--material", "-m", help="Material or design surface."),
    solvent: Optional[str] = typer.Option(None, "--solvent", "-s", help="Target solvent."),
    application: str = typer.Option("dispersion", "--application", "-a", help="Application (as for design)."),
    facet: Optional[str] = typer.Option(None, "--facet", help="Facet to bind (Miller indices, e.g. 100)."),
    output: str = typer.Option(..., "--output", "-o", help="Output Parquet dataset (a directory, e.g. hits.parquet)."),
    chunk_size: int = typer.Option(5000, "--chunk-size", min=1, help="Molecules per chunk (the unit of resuming)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=0, help="Local Dask workers (default: cores; "
                                          "0 = in process)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Existing Dask scheduler, tcp://host:port."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Discard a different earlier screen in --output."),
    no_hansen: bool = typer.Option(False, "--no-hansen", help="Dispersibility from the shell class only (skips the "
                                   "Hansen estimate: about a quarter faster)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Score every molecule of a library (chunked, parallel, resumable) into Parquet."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from nanoligand.design.screen import screen

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=out, transient=True, disable=as_json) as bar:
        task = bar.add_task("chunks", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = screen(library, output, material, solvent, application, facet, chunk_size, workers, scheduler,
                         overwrite, progress, hansen=not no_hansen)
    if as_json:
        print_json(summary)
        return
    out.print(f"{summary['rows']} molecules scored in {summary['seconds']} s ({summary['chunks']} chunks, workers: "
              f"{summary['workers']}): {summary['valid']} valid, {summary['invalid']} not scored")
    for err, n in summary["errors"].items():
        out.print(f"  [yellow]{n} × {err}[/yellow]")
    out.print(f"wrote {output}  (query: nanoligand query {output} \"SELECT * FROM hits ORDER BY score DESC LIMIT 20\")")


@app.command("query")
def query_cmd(
    results: str = typer.Argument(..., help="A screen's output (Parquet dataset directory or file)."),
    sql: str = typer.Argument(..., help="One read-only SQL statement; the results are the view 'hits'."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
    output: List[str] = typer.Option([], "--output", "-o", help="Write the rows (.csv, .json or .parquet)."),
    limit: int = typer.Option(50, "--show", min=0, help="Rows shown in the terminal."),
) -> None:
    """SQL (DuckDB) over screening results."""
    from nanoligand.design.query import query
    from nanoligand.io import atomic_write

    files = outputs(output, {"csv": (".csv",), "json": (".json",), "parquet": (".parquet",)})
    df = query(results, sql)
    for p in files["csv"]:
        atomic_write(p, lambda t: df.to_csv(t, index=False))
    for p in files["json"]:
        atomic_write(p, lambda t: df.to_json(t, orient="records", indent=2))
    for p in files["parquet"]:
        atomic_write(p, lambda t: df.to_parquet(t, index=False))
    if as_json:
        print(df.to_json(orient="records", indent=2))
        return
    t = Table(title=f"{len(df)} rows", title_justify="left")
    for c in df.columns:
        t.add_column(str(c), overflow="fold")
    for row in df.head(limit).itertuples(index=False):
        t.add_row(*("-" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v)) for v in row))
    out.print(t)
    for p in (p for paths in files.values() for p in paths):
        out.print(f"wrote {p}")
