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

from nanoligand.cli._common import out, outputs, print_json, warn
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
    from nanoligand.design.context import DesignContext

    for w in DesignContext.create(material, solvent, application, facet).warnings:
        warn(w)
    if as_json:
        print_json([r.to_dict() for r in recs])
        return
    if not recs:
        out.print("no candidate binds this surface")
        return
    _print_recommendations(recs, material, solvent, application, facet)


#: the criteria columns of the design table: header, criterion key, what it means (for the legend)
CRITERIA = (("anc", "anchor", "the anchor binds this surface"), ("hsab", "hsab", "hard/soft acid–base match"),
            ("solv", "dispersibility", "disperses in {solvent}"),
            ("use", "application", "suits the application ({application})"),
            ("prec", "precedent", "precedent in the packaged literature"))


def _print_recommendations(recs, material: str, solvent: Optional[str], application: str,
                           facet: Optional[str]) -> None:
    """The ranked candidates as a table that fits the terminal, with a legend of its abbreviations."""
    from nanoligand.cli._common import GAP, fit_table, min_width, say, wrap_smiles
    from nanoligand.design.context import resolve_application, rules

    app_key = resolve_application(application)
    app_label = rules()["applications"].get(app_key, {}).get("label", app_key)
    headers = ["#", "ligand", "binds by", "score\n0–1", *(f"{h}\n0–1" for h, _, _ in CRITERIA), "spacing\nnm"]
    rows = [[str(r.rank), r.name, (r.anchor or "-").replace("_", " "), _f(r.total),
             *(_f(r.criteria.get(k)) for _, k, _ in CRITERIA), _f(r.predicted.get("spacing_nm"))] for r in recs]
    width = out.width
    # a name too long for the room left to it is shown as a short label, spelled out under the table. Full
    # names come before the anchor-group column, which goes first when names need the room; in a very
    # narrow terminal the criteria follow (the total score and the spacing stay)
    least = [min_width(h, (row[i] for row in rows)) for i, h in enumerate(headers)]
    drop_order = [2, 8, 7, 5, 6, 4]
    others = [i for i in range(len(headers)) if i not in (1, 2)]

    def room_for_names(cols: list[int]) -> int:
        return width - sum(least[i] + GAP for i in cols)

    for i in drop_order[1:]:
        if room_for_names(others) >= 12:
            break
        others.remove(i)
    room = max(room_for_names(others), 4)
    abbreviations = []
    for r, row in zip(recs, rows):
        if max(map(len, r.name.split())) > room:
            row[1] = _short_label(r, room)
            abbreviations.append((row[1], r.name))
    title = f"{material} · {solvent or 'no solvent'} · {app_label}" + (f" · {{{facet}}} facet" if facet else "")
    say(f"{title}: {len(recs)} candidate{'s' * (len(recs) != 1)}, best first", style="bold")
    t, dropped = fit_table(headers, rows, drop_order=drop_order, right=range(3, len(headers)))
    out.print(t)
    legend = ["score: weighted total of the criteria, 0–1 (1 = best).",
              "criteria, each 0–1: " + "; ".join(
                  f"{h} = {text.format(solvent=solvent or 'the solvent', application=app_label)}"
                  for h, _, text in CRITERIA) + "; - = not scored (no solvent given, or not part of this use).",
              "spacing: surface-to-surface distance of two capped dots, nm (extended-conformer estimate).",
              *(f"{label} = {name}" for label, name in abbreviations)]
    for r in recs:
        if r.source == "user":      # the user's SMILES, cut between atoms where it is too long for a line
            head = f"{r.name} = "
            parts = wrap_smiles(r.smiles, max(width - len(head), 20))
            legend += [head + parts[0], *(" " * len(head) + p for p in parts[1:])]
    if dropped:
        legend.append(f"not shown at {width} columns: {', '.join(d.replace(' 0–1', '') for d in dropped)} "
                      "(--json gives every criterion and the anchor group)")
    for line in legend:
        say(line, style="dim")
    out.print()
    for r in recs[:3]:
        why = [x for k in ("anchor", "hsab", "dispersibility", "application") for x in r.reasons.get(k, [])[:1]]
        say(f"{r.rank}. {r.name}: " + "; ".join(why))
    say("scores are rule-based estimates (data/design.yaml); --json gives every reason, the full citations "
        "and the predicted properties", style="dim")


def _short_label(r, room: int) -> str:
    """The shortest library synonym of candidate ``r`` that fits ``room`` columns, else ``L<rank>``."""
    from nanoligand.ligands import library

    synonyms = [str(s) for s in library.entry(r.name).get("synonyms", [])] if library.has(r.name) else []
    fitting = sorted((s for s in synonyms if len(s) <= room and " " not in s), key=len)
    return fitting[0] if fitting else f"L{r.rank}"


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
    from nanoligand.design.bioconj import cite_text, conjugation_plan, handle_name, table

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
    from nanoligand.cli._common import say

    for p in plans:
        k_txt = "not given in the source" if p.k_M_s is None else (
            f"{p.k_M_s[0]:g}" + ("" if p.k_M_s[1] == p.k_M_s[0] else
                                 (" or more" if p.k_M_s[1] == float("inf") else f"–{p.k_M_s[1]:g}")) + " M⁻¹ s⁻¹")
        say(f"{p.name}  ({p.np_handle} → {p.bio_handle}{'; ' + p.via if p.via else ''})", style="bold")
        say(f"rate constant k: {k_txt}{' (' + p.k_note + ')' if p.k_note and p.k_M_s else ''}", indent=2)
        say("pH window: " + ("not given in the source" if not p.ph_window else
                             "pH " + "–".join(f"{x:g}" for x in p.ph_window)), indent=2)
        if p.activity_pct is not None:
            say(f"biomolecule activity kept: {p.activity_pct:g} %", indent=2)
        if p.loss_half_life_h:
            lo, hi = p.loss_half_life_h
            say(f"hydrolysis half-life of the activated partner: {lo:.2g}" + (f"–{hi:.2g}" if hi != lo else "")
                + " h", indent=2)
        times = {label: p.times.get(label) for label in ("slow", "fast") if p.times.get(label)}
        if len(times) == 2 and times["slow"] == times["fast"]:
            times = {"same": times["slow"]}
        for label, r in times.items():
            when = (f"never (conversion levels off at {100 * r['plateau_conversion']:.0f} %)"
                    if r["time_s"] is None else _duration(r["time_s"]))
            which = {"slow": " at the lowest k", "fast": " at the highest k", "same": ""}[label]
            say(f"time to {100 * target:.3g} % conversion of the limiting partner{which}: {when}", indent=2)
        if p.times.get("note"):
            say("time: not estimated without a rate constant (give --k-M-1-s-1)", indent=2)
        for w in p.warnings:
            say(f"! {cite_text(w)}", indent=2, style="yellow")
        say(f"source: {cite_text(p.source)}", indent=2, style="dim")
    # what the citations are (no digits here: a wrapped line must not read as a computed value)
    refs = [r for p in plans for r in p.references]
    if any(r["cite"] for r in refs):
        say("citations: first author et al. and year from the seed's reference list; --json gives the journal "
            "and the full reference of each plan (references).", hang=4, style="dim")
    if any(not r["cite"] for r in refs):
        say(f"ref. n: the seed's reference number, {table().get('references_unresolved', 'not resolved')}; a "
            "name after it is the author the seed's sentence gives. --json: each plan's references.",
            hang=4, style="dim")


def _duration(seconds: float) -> str:
    """A time in the unit a chemist would say it in (s, min, h or days), three significant figures."""
    for limit, unit, scale in ((120, "s", 1), (7200, "min", 60), (3 * 86400, "h", 3600)):
        if seconds < limit:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 86400:.3g} days"


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
    from nanoligand.cli._common import say

    chunks = summary["chunks"]
    workers = "in process" if not summary["workers"] else f"{summary['workers']} Dask workers"
    say(f"{summary['rows']} molecules scored in {summary['seconds']} s ({chunks} chunk{'s' * (chunks != 1)} of at "
        f"most {chunk_size} molecules; {workers}): {summary['valid']} valid, "
        f"{summary['invalid']} not scored")
    for err, n in summary["errors"].items():
        say(f"{n} × {err}", indent=2, style="yellow")
    say(f"wrote {output}")
    say(f"top hits: nanoligand query {output} \"SELECT id, smiles, score FROM hits ORDER BY score DESC LIMIT 20\" "
        "(scores 0–1, 1 = best)", style="dim")


@app.command("query")
def query_cmd(
    results: str = typer.Argument(..., help="A screen's or an energy batch's output (Parquet dataset directory "
                                  "or file)."),
    sql: str = typer.Argument(..., help="One read-only SQL statement; the results are the view 'hits'."),
    as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
    output: List[str] = typer.Option([], "--output", "-o", help="Write the rows (.csv, .json or .parquet)."),
    limit: int = typer.Option(50, "--show", min=0, help="Rows shown in the terminal."),
) -> None:
    """SQL (DuckDB) over screening or energy-batch results."""
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
    _print_rows(df, limit, results)
    for p in (p for paths in files.values() for p in paths):
        out.print(f"wrote {p}")


#: columns shown first when a query's columns do not all fit: what names a row, then its result
KEY_COLUMNS = ("id", "name", "smiles", "score")


def _cell(v) -> str:
    import pandas as pd

    if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v).replace(";", "; ")


def _print_rows(df, limit: int, results: str) -> None:
    """The rows as a table of the columns that fit the terminal (the identifying and score columns first,
    then the others in the query's order, each where it fits), with what was left out and the units."""
    from nanoligand.cli._common import GAP, UNIT_SUFFIXES, fit_table, min_width, say

    shown = df.head(limit)
    names = [str(c) for c in df.columns]
    cells = [[_cell(v) for v in row] for row in shown.itertuples(index=False)]
    least = [min_width(n, (r[i] for r in cells)) for i, n in enumerate(names)]
    order = sorted(range(len(names)), key=lambda i: (names[i].lower() not in KEY_COLUMNS, i))
    keep, used = [], -GAP
    for i in order:
        if used + GAP + least[i] <= out.width:
            keep.append(i)
            used += GAP + least[i]
    keep.sort()
    t, _ = fit_table([names[i] for i in keep], [[r[i] for i in keep] for r in cells],
                     right=[k for k, i in enumerate(keep) if df.dtypes.iloc[i].kind in "iuf"])
    rows = f"{len(df)} row{'s' * (len(df) != 1)}" + (f", first {len(shown)} shown (--show N)" if len(shown) < len(df)
                                                       else "")
    say(rows, style="bold")
    out.print(t)
    units = []
    for i in keep:
        n = names[i]
        if n == "score" or n.endswith("_score"):
            units.append(f"{n} 0–1 (1 = best)")
        else:
            unit = next((u for sfx, u in UNIT_SUFFIXES if n.endswith(sfx) and len(n) > len(sfx)), None)
            if unit:
                units.append(f"{n} in {unit}")
    if units:
        say("units: " + "; ".join(units) + "; - = empty", style="dim")
    left = [names[i] for i in range(len(names)) if i not in keep]
    if left:
        say(f"not shown at {out.width} columns: {', '.join(left)}. To see every column: -o rows.csv (or .json, "
            f".parquet), --json, or select fewer columns, e.g. nanoligand query {results} \"SELECT id, smiles, "
            "score FROM hits ORDER BY score DESC\"", style="dim")
