"""Commands on binding equilibria: ``titrate``, ``fit``."""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.table import Table

from nanoligand import plotting
from nanoligand.cli._common import progress_line, json_option, out, output_option, outputs, print_json, wrote
from nanoligand.errors import InputError
from nanoligand.plotting import PLOT_SUFFIXES

app = typer.Typer(rich_markup_mode=None)

@app.command("titrate")
def titrate_cmd(
    spec: str = typer.Argument(..., help="YAML job: 'preset: seed004' or a custom 'model', optionally an "
                               "'experiment' (see docs/equilibria.md)."),
    kind: Optional[str] = typer.Option(None, "--kind", help="titration, itc, dilution or solvents (default: the job's)."),
    add: Optional[str] = typer.Option(None, "--add", help="Species added (titration, itc), e.g. OAH."),
    equivalents: Optional[str] = typer.Option(None, "--equivalents", help="Titration points, START:STOP:N or a list."),
    per: Optional[str] = typer.Option(None, "--per", help="Equivalents per dot (default), M, or bound:UNIT."),
    titrant_M: Optional[float] = typer.Option(None, "--titrant-M", help="Titrant concentration, M: the added "
                                              "volume dilutes the sample."),
    observable: Optional[str] = typer.Option(None, "--observable", help="bound:UNIT, free:UNIT, per_dot:SPECIES, "
                                             "conc:SPECIES, dosy:UNIT, nmr:UNIT (ITC: heat)."),
    solvent: Optional[str] = typer.Option(None, "--solvent", "-s", help="Solvent of the whole experiment."),
    injections_uL: Optional[str] = typer.Option(None, "--injections-uL", help="ITC injection volumes, µL, "
                                                "START:STOP:N or a list (default 2:2:25)."),
    syringe_M: Optional[float] = typer.Option(None, "--syringe-M", help="ITC syringe concentration, M "
                                              "(default 0.001)."),
    cell_mL: Optional[float] = typer.Option(None, "--cell-mL", help="ITC cell volume, mL (default 1.4)."),
    output: List[str] = output_option("the curve: .csv (x, y), .json, or a plot .png/.pdf/.svg"),
    as_json: bool = json_option("the curve"),
) -> None:
    """Simulate a titration, ITC run, dilution or solvent swap on an equilibrium model."""
    from nanoligand.io import write_json, write_text
    from nanoligand.equilibria.runs import run
    from nanoligand.equilibria.spec import load_job

    files = outputs(output, {"csv": (".csv",), "json": (".json",), "plot": PLOT_SUFFIXES})
    job = load_job(spec)
    model = job.model if solvent is None else job.model.with_conditions(solvent=solvent)
    given = dict(kind=kind, add=add, equivalents=equivalents, per=per, titrant_M=titrant_M, observable=observable,
                 injections_uL=injections_uL, syringe_M=syringe_M, cell_mL=cell_mL)
    curve = run(model, {**job.experiment, **{k: v for k, v in given.items() if v is not None}})
    result = {"model": model.name, "solvent": model.solvent, "T_K": model.T_K, **curve.to_dict()}
    for path in files["csv"]:
        write_text(path, f"{curve.x_label},{curve.y_label}\n" +
                   "".join(f"{a:.10g},{b:.10g}\n" for a, b in zip(curve.x, curve.y)))
    for path in files["json"]:
        write_json(path, result)
    for path in files["plot"]:
        fig, ax = plotting.figure()
        plotting.experiment(ax, curve, f"{model.name} in {model.solvent}")
        plotting.save(fig, path)
    if as_json:
        print_json(result)
        return
    t = Table(title=f"{model.name}: {curve.title} ({model.solvent}, {model.T_K:g} K)", title_justify="left")
    t.add_column(curve.x_label, justify="right", overflow="fold")
    t.add_column(curve.y_label, justify="right", overflow="fold")
    for a, b in zip(curve.labels or [f"{v:g}" for v in curve.x], curve.y):
        t.add_row(a, f"{b:.4g}")
    out.print(t)
    for note in curve.notes:
        out.print(f"[dim]note: {note}[/dim]")
    wrote(p for paths in files.values() for p in paths)


@app.command("fit")
def fit_cmd(
    spec: str = typer.Argument(..., help="YAML job with a 'fit' section (parameters; datasets or one experiment)."),
    data: Optional[str] = typer.Argument(None, help="CSV (x, y[, sigma]) for the spec's experiment."),
    bootstrap: int = typer.Option(0, "--bootstrap", help="Residual-bootstrap refits for 95 % intervals."),
    as_json: bool = json_option("the fit"),
) -> None:
    """Fit K/ΔG, ΔH or site counts of an equilibrium model to measured curves."""
    from nanoligand.equilibria.fit import fit, parameter_unit
    from nanoligand.equilibria.spec import load_job

    job = load_job(spec)
    params = job.fit.get("parameters")
    if not params:
        raise InputError("the spec has no fit.parameters to fit")
    datasets = job.datasets(data)
    with progress_line():
        res = fit(job.model, datasets, params, bootstrap=bootstrap)
    if as_json:
        print_json(res.to_dict())
        return
    t = Table(title=f"fit of {job.model.name} to {len(datasets)} dataset(s), {res.n_points} points",
              title_justify="left")
    for col in ("parameter", "value", "± s.e.", "95 % (bootstrap)", "unit"):
        t.add_column(col, justify="left" if col in ("parameter", "unit") else "right")
    units = {p["name"]: parameter_unit(p) for p in params}
    for k, v in res.values.items():
        bs = res.bootstrap.get(k)
        t.add_row(k, f"{v:.6g}", f"{res.stderr[k]:.3g}", f"{bs[0]:.4g} – {bs[1]:.4g}" if bs else "-", units[k])
    out.print(t)
    out.print(f"χ² {res.chi2:.4g}   AIC {res.aic:.2f}   BIC {res.bic:.2f}")
