"""Command-line interface: a thin layer over the library (typer + rich).

Errors print one line, ``error: <message>``, and exit non-zero (2 for usage errors, 1 otherwise);
``--debug`` (anywhere on the command line) shows the traceback instead.

Examples
--------
::

    nanoligand materials
    nanoligand build PbS --diameter 4.8 --shape truncated-octahedron --termination seed004 -o pbs.xyz
    nanoligand build CdSe --diameter 3 --shape wulff --facet-energy 111=1.0 --facet-energy -1-1-1=1.2 \\
        --facet-energy 100=1.1 --json
    nanoligand build PbS --diameter 4.8 --shell native -o pbs.pdb --json
    nanoligand build spec.yaml
    nanoligand titrate seed004.yaml --add OAH --equivalents 0:200:21 --observable bound:OA --json
    nanoligand fit job.yaml data.csv --bootstrap 200

The property commands (``size``, ``spectrum``, ``levels``, ``spacing``, ``fret``, ``composition``,
``solvents``, ``color``, ``qled``) are in :mod:`nanoligand.properties.cli`; the design commands
(``design``, ``conjugate``, ``screen``, ``query``) in :mod:`nanoligand.design.cli`; ``report`` and
``serve`` in :mod:`nanoligand.web.cli`.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from nanoligand import __version__
from nanoligand.errors import InputError, NanoligandError
from nanoligand.io import check_writable, read_yaml
from nanoligand.materials import available, get

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="nanoligand: nanocrystal cores, surface census and ligand shells.")
out = Console(highlight=False)


def _version(value: bool) -> None:
    if value:
        print(f"nanoligand {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """nanoligand: nanocrystal cores, surface census and ligand shells (add --debug for tracebacks)."""


def parse_facet_energies(items: List[str]) -> dict[str, float]:
    """Parse ``["100=1.0", "111=0.9"]`` into ``{"100": 1.0, "111": 0.9}``."""
    energies: dict[str, float] = {}
    for item in items:
        family, sep, value = item.partition("=")
        try:
            energy = float(value)
        except ValueError:
            energy = float("nan")
        if not sep or not family.strip() or energy != energy:
            raise InputError(f"malformed --facet-energy {item!r}: use FAMILY=ENERGY, e.g. 111=0.9")
        if family.strip() in energies:
            raise InputError(f"--facet-energy for {family.strip()} given twice")
        energies[family.strip()] = energy
    return energies


@app.command()
def build(
    material: str = typer.Argument(..., help="Material key or alias (see `nanoligand materials`), or a YAML "
                                   "spec file (material, diameter_nm, shape, termination, shell ...)."),
    diameter: Optional[float] = typer.Option(None, "--diameter-nm", "--diameter", "-d",
                                             help="Volume-equivalent sphere diameter of the core, nm."),
    shape: Optional[str] = typer.Option(None, "--shape", "-s", help="sphere, cube, octahedron, tetrahedron, "
                                        "truncated-octahedron, wulff, rod, platelet (default: per material)."),
    termination: Optional[str] = typer.Option(None, "--termination", "-t", help="stoichiometric, cation_rich, "
                                              "cation_rich_z, seed004, AX, BX2, hydrogen, bare (default: per material, "
                                              "or the native shell's)."),
    facet_energy: List[str] = typer.Option([], "--facet-energy", "-e", help="FAMILY=ENERGY for Wulff shapes; "
                                           "repeat per family (signed: 111 and -1-1-1 differ in zinc blende)."),
    ratio: Optional[float] = typer.Option(None, "--ratio", help="d100/d111 of a truncated octahedron "
                                          "(default 1.1547, Archimedean)."),
    aspect: Optional[float] = typer.Option(None, "--aspect", help="Rod length/width or platelet width/thickness."),
    shell: Optional[str] = typer.Option(None, "--shell", help="Cap the core: 'native' (the material's "
                                        "literature shell) or a YAML recipe file."),
    allow_invalid: bool = typer.Option(False, "--allow-invalid", help="Keep (and write) a capped model that "
                                       "fails validation; the manifest (.json) lists the failed rules."),
    output: List[str] = typer.Option([], "--output", "-o", help="Write the model (.xyz .extxyz .pdb .cif) or "
                                     "the census/manifest (.json); repeatable."),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest (census, shell, composition, "
                                 "validation) as JSON."),
) -> None:
    """Build a nanocrystal core, optionally cap it with a ligand shell, and print its census.

    With a spec file (the keys of `nanoligand.spec`), options given on the command line replace the
    file's values."""
    from nanoligand.spec import parse_spec

    given = dict(diameter_nm=diameter, shape=shape, termination=termination,
                 facet_energies=parse_facet_energies(facet_energy) or None, ratio=ratio, aspect=aspect,
                 shell=load_shell(shell) if shell else None, allow_invalid=allow_invalid or None)
    given = {k: v for k, v in given.items() if v is not None}
    if material.lower().endswith((".yaml", ".yml")):
        data = read_yaml(material)
        if not isinstance(data, dict):
            raise InputError(f"{material}: a spec is a mapping with at least 'material' and 'diameter_nm'")
        data = {**data, **given}
    else:
        data = {"material": material, "shell": "none", **given}
    if "diameter_nm" not in data:
        raise typer.BadParameter("missing: give --diameter (nm), or a spec file with diameter_nm",
                                 param_hint="--diameter")
    spec = parse_spec(data)
    paths = [check_writable(p) for p in [*output, *spec.output]]
    model = spec.build()
    for p in paths:
        model.write(p)
    if as_json:
        print(json.dumps(model.to_dict(), indent=2))
        return
    _print_census(model, [] if model.has_shell else paths)
    if model.has_shell:
        _print_shell(model, paths)


def load_shell(value: str):
    """``native`` or a YAML recipe file (a list of entries, or a mapping with ``entries``)."""
    if value == "native":
        return "native"
    if not value.lower().endswith((".yaml", ".yml")):
        raise InputError(f"--shell takes 'native' or a YAML recipe file, not {value!r}")
    return read_yaml(value)


def _print_shell(nc, paths: list) -> None:
    d = nc.to_dict()
    comp = d["composition"]
    t = Table(title=f"ligand shell ({d['shell']['name']})", title_justify="left")
    for col in ("ligand", "bound as", "motif", "count", "per nm²", "per facet"):
        t.add_column(col, justify="right" if col in ("count", "per nm²") else "left")
    for e in d["shell"]["entries"]:
        name = e["ligand"]
        lig = next((k for k in comp["ligands"] if k == name), None) or name
        facets = " ".join(f"{f}:{v[lig]}" for f, v in comp["ligands_by_facet"].items() if lig in v)
        t.add_row(name, e["bound_form"][:40], e["motif"], str(e["placed"]),
                  f"{comp['ligand_density_per_nm2'].get(lig, 0):.2f}", facets)
    out.print(t)
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row("net charge", f"{d['net_charge']:+d} e")
    if comp["ligands_per_excess_cation"]:
        summary.add_row("per excess cation", ", ".join(f"{k} {v:.2f}" for k, v in comp["ligands_per_excess_cation"].items()))
    summary.add_row("organic mass fraction", f"{100 * comp['organic_mass_fraction']:.1f} % (TGA loss)")
    summary.add_row("molar mass", f"{comp['molar_mass_g_mol']:.0f} g/mol, {d['n_atoms']} atoms")
    v = nc.validate()
    summary.add_row("validation", v.summary() if v.ok else f"[red]{v.summary()}[/red]")
    for s_ in d["shell"]["shortfall"]:
        summary.add_row("[yellow]shortfall[/yellow]", f"{s_['ligand']}: {s_['placed']} of {s_['requested']} ({s_['reason']})")
    for ion in comp["counterions"]:
        summary.add_row("counter-ions", f"{ion['count']} {ion['ion']} ({ion['note']})")
    if d["shell"]["source"]:
        summary.add_row("source", d["shell"]["source"])
    out.print(summary)
    for p in paths:
        out.print(f"wrote {p}")


def _print_census(nc, paths: list) -> None:
    c = nc.census
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row("material", f"{c.material} ({get(c.material).name})")
    summary.add_row("shape / termination", f"{c.shape} / {c.termination}")
    summary.add_row("diameter", f"{c.diameter_nm:.2f} nm (requested {c.requested_diameter_nm:g} nm)")
    summary.add_row("atoms", f"{c.n_atoms}  {c.formula}")
    if c.cation_anion_ratio is not None:
        summary.add_row("cation:anion", f"{c.cation_anion_ratio:.3f}")
    need = (f"X-type ligands for neutrality: {c.x_ligands_for_neutrality}" if c.net_charge >= 0 else
            f"cation charge (Z-type / counter-ions) for neutrality: {c.cation_charge_for_neutrality} e")
    summary.add_row("net charge", f"{c.net_charge:+d} e  → {need}")
    summary.add_row("surface", f"{c.surface_area_nm2:.1f} nm², {c.n_surface_atoms} surface atoms")
    summary.add_row("extent x/y/z", " / ".join(f"{v:.2f}" for v in c.extent_nm.values()) + " nm")
    out.print(summary)
    facets = Table(title="facets", title_justify="left")
    for col in ("family", "faces", "area nm²", "area %", "atoms", "roles"):
        facets.add_column(col, justify="right" if col in ("faces", "area nm²", "area %") else "left")
    for f in c.facets:
        facets.add_row(f.family, str(f.n_faces), f"{f.area_nm2:.2f}", f"{100 * f.area_fraction:.1f}",
                       " ".join(f"{k}{v}" for k, v in f.atoms.items()),
                       " ".join(f"{k}:{v}" for k, v in f.roles.items()))
    out.print(facets)
    for w in c.warnings:
        out.print(f"[yellow]warning:[/yellow] {w}")
    for p in paths:
        out.print(f"wrote {p}")


@app.command()
def validate(
    path: str = typer.Argument(..., help="Model file: .pdb, .extxyz, .xyz or .cif (nanoligand's or any tool's)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the full report (.json): rules, "
                                         "one row per ligand, a summary per facet."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON (rules, facets, species)."),
    ligands: bool = typer.Option(False, "--ligands", help="Also list every ligand (binding mode, donors, "
                                 "distances, deviations)."),
) -> None:
    """Validate a capped nanocrystal model from its coordinates; exits 1 if a rule fails."""
    from nanoligand.io import write_json
    from nanoligand.validate import validate as run

    report = run(path)
    if output:
        write_json(check_writable(output, (".json",)), report.to_dict())
    if as_json:
        print(json.dumps(report.to_dict(ligands=ligands), indent=2, default=str))
    else:
        _print_validation(report, ligands)
    if not report.ok:
        raise typer.Exit(1)


def _print_validation(report, show_ligands: bool) -> None:
    colour = {"pass": "green", "fail": "red", "warn": "yellow", "skip": "dim"}
    t = Table(title=f"validation of {report.source} ({report.n_atoms} atoms, {len(report.ligands)} ligands)",
              title_justify="left")
    for col in ("rule", "verdict", "detail"):
        t.add_column(col, overflow="fold")
    for r in report.rules:
        t.add_row(r.name, f"[{colour[r.verdict]}]{r.verdict}[/{colour[r.verdict]}]",
                  r.detail + (f" — e.g. {'; '.join(map(str, r.examples[:3]))}" if r.examples and r.verdict != "pass"
                              else ""))
    out.print(t)
    f = Table(title="per facet (the file's facet labels)", title_justify="left")
    for col in ("facet", "ligands", "by formula", "binding modes"):
        f.add_column(col, overflow="fold")
    for name, v in sorted(report.facets.items()):
        f.add_row(name, str(v["ligands"]), ", ".join(f"{k} {n}" for k, n in v["by_formula"].items()),
                  ", ".join(f"{k} {n}" for k, n in sorted(v["modes"].items(), key=lambda kv: -kv[1])))
    out.print(f)
    if show_ligands:
        lt = Table(title="ligands", title_justify="left")
        for col in ("#", "formula", "mode", "metals", "M–donor / Å", "Δbond / Å", "Δangle / °", "clashes"):
            lt.add_column(col, overflow="fold")
        for r in report.ligands:
            lt.add_row(str(r["ligand"]), r["formula"], r["mode"], " ".join(r["metals"]),
                       " ".join(f"{x:.2f}" for x in r["donor_metal_A"]), str(r["max_bond_dev_A"]),
                       str(r["max_angle_dev_deg"]), str(r["clashes"]))
        out.print(lt)
    out.print(f"[{'green' if report.ok else 'red'}]{report.summary()}[/]")


@app.command()
def materials(as_json: bool = typer.Option(False, "--json", help="Print the records as JSON.")) -> None:
    """List the built-in materials with their structure, band gap and sources."""
    records = [get(k).summary() for k in available()]
    if as_json:
        print(json.dumps(records, indent=2))
        return
    table = Table(title="materials")
    for col in ("key", "structure", "SG", "a / Å", "c / Å", "Eg / eV", "default termination"):
        table.add_column(col, no_wrap=True)
    for r in records:
        lat = r["lattice_A"]
        gap = r["band_gap_eV"]
        table.add_row(r["key"], r["structure"], str(r["spacegroup"]), f"{lat['a']:.4f}",
                      f"{lat['c']:.4f}" if lat["c"] != lat["a"] else "",
                      f"{gap:.3g}" if gap is not None else ("metal" if r["sources"].get("band_gap") == "metal"
                                                            else "n/a"),
                      r["default_termination"])
    Console(highlight=False, width=max(out.width, 110)).print(table)
    out.print("default shapes and the source of every value: `nanoligand materials --json`")


@app.command("ligand")
def ligand_cmd(
    name_or_smiles: str = typer.Argument(..., help="Library name/synonym (OA, TOPO, Zn(OTf)2 ...) or a SMILES."),
    material: Optional[str] = typer.Option(None, "--material", "-m", help="Score anchors against this "
                                           "material's surface (HSAB match)."),
    no_3d: bool = typer.Option(False, "--no-3d", help="Skip 3D descriptors and Hansen parameters."),
    as_json: bool = typer.Option(False, "--json", help="Print the full record as JSON."),
) -> None:
    """Anchors, binding motif, HSAB, functional part and descriptors of one ligand."""
    from nanoligand.ligands import ligand

    lig = ligand(name_or_smiles)
    record = lig.to_dict(three_d=not no_3d)
    if material:
        record["hsab_match"] = {"material": get(material).key, "anchors": lig.hsab_match(material)}
    if as_json:
        print(json.dumps(record, indent=2, default=str))
        return
    _print_ligand(record)


def _print_ligand(r: dict) -> None:
    head = Table(show_header=False, box=None, pad_edge=False)
    head.add_column(style="bold")
    head.add_column()
    head.add_row("ligand", r["name"])
    head.add_row("SMILES", r["smiles"])
    head.add_row("motif", f"{r['motif']}" + (f"  ({r['motif_assumes']})" if r["motif_assumes"] else ""))
    if r["no_anchor"]:
        head.add_row("anchors", "none found" + (f"; closest groups: {', '.join(r['closest_groups'])}"
                                                 if r["closest_groups"] else ""))
    d = r["descriptors"]
    head.add_row("formula", f"{d['formula']}  {d['molar_mass_g_mol']:.2f} g/mol  charge {d['charge']:+d}")
    head.add_row("2D", f"logP {d['logP']:.2f}  TPSA {d['tpsa_A2']:.1f} Å²  rotatable {d['rotatable_bonds']}")
    if "descriptors_3d" in r:
        t = r["descriptors_3d"]
        head.add_row("3D (estimate)", f"length {t['length_A']} Å  footprint {t['footprint_nm2']} nm²  cone "
                     f"{t['cone_angle_deg']}°  dipole {t['dipole_D']} D")
        h = r["hansen"]
        head.add_row("Hansen (estimate)", f"δD {h['dD']}  δP {h['dP']}  δH {h['dH']} MPa½" if h["dD"] is not None
                     else h.get("not_covered", "n/a"))
    f = r["functional_groups"]
    head.add_row("functional part", f"{f['interaction']} ({'; '.join(f['interaction_reasons'])})")
    extras = [("handles", ", ".join(h["name"] for h in f["handles"])), ("cross-linkable", ", ".join(f["crosslinkable"])),
              ("acceptors", ", ".join(f["acceptors"])),
              ("substituents", ", ".join(f"{x['name']} ({x['position']})" if x["position"] else x["name"]
                                        for x in f["substituents"])),
              ("PEG units", str(f["peg_units"]) if f["peg_units"] else ""),
              ("stereocentres", ", ".join(f"{c['atom']}:{c['label']}" for c in f["stereocentres"]))]
    for label, value in extras:
        if value:
            head.add_row(label, value)
    out.print(head)
    if r["anchors"]:
        t = Table(title="anchors", title_justify="left")
        for col in ("group", "motif", "donors", "denticity", "modes", "HSAB"):
            t.add_column(col)
        for a in r["anchors"]:
            t.add_row(a["group"], "/".join(a["motifs"]) or "-", ",".join(a["donor_elements"]), str(a["denticity"]),
                      ", ".join(a["modes"]), str(a["hsab"]["class"] or "-"))
        out.print(t)
    if "hsab_match" in r:
        t = Table(title=f"HSAB match with {r['hsab_match']['material']}", title_justify="left")
        for col in ("group", "ligand", "surface", "score"):
            t.add_column(col)
        for m in r["hsab_match"]["anchors"]:
            t.add_row(m["group"], str(m["ligand_hsab"]), f"{m['surface']} ({m['surface_hsab']})",
                      "-" if m["score"] is None else f"{m['score']:.2f}")
        out.print(t)


@app.command("ligands")
def ligands_cmd(
    search: str = typer.Option("", "--search", "-s", help="Text to look for in names, synonyms, classes."),
    as_json: bool = typer.Option(False, "--json", help="Print the entries as JSON."),
) -> None:
    """List or search the built-in ligand library."""
    from nanoligand.ligands import library

    hits = library.search(search)
    if as_json:
        print(json.dumps(hits, indent=2, default=str))
        return
    t = Table(title=f"ligand library: {len(hits)} of {len(library.entries())}")
    for col in ("name", "synonyms", "kind", "category / class", "SMILES"):
        t.add_column(col, overflow="fold")
    for e in hits:
        t.add_row(e["name"], ", ".join(map(str, e.get("synonyms", [])))[:40], e["kind"],
                  str(e.get("category") or e.get("class")), e["smiles"][:50])
    Console(highlight=False, width=max(out.width, 120)).print(t)


@app.command("titrate")
def titrate_cmd(
    spec: str = typer.Argument(..., help="YAML job: 'preset: seed004' or a custom 'model' (see docs/equilibria.md)."),
    add: Optional[str] = typer.Option(None, "--add", help="Species to add (default: the spec's experiment)."),
    equivalents: str = typer.Option("0:100:11", "--equivalents", help="START:STOP:N or a comma list."),
    per: Optional[str] = typer.Option(None, "--per", help="dot (default), M, or bound:UNIT."),
    titrant_M: Optional[float] = typer.Option(None, "--titrant-M", help="Titrant concentration: adds volume."),
    observable: Optional[str] = typer.Option(None, "--observable", help="bound:UNIT, free:UNIT, per_dot:SPECIES, "
                                             "conc:SPECIES, dosy:UNIT, nmr:UNIT; or itc."),
    solvent: Optional[str] = typer.Option(None, "--solvent", help="Solvent for the whole titration."),
    syringe_M: float = typer.Option(1e-3, "--syringe-M", help="ITC: syringe concentration (M)."),
    cell_mL: float = typer.Option(1.4, "--cell-mL", help="ITC: cell volume (mL)."),
    csv_out: Optional[str] = typer.Option(None, "--csv", help="Write the curve as CSV."),
    plot: Optional[str] = typer.Option(None, "--plot", help="Write a plot (.png, .pdf, .svg)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Simulate a titration (or an ITC run) on an equilibrium model and print what it shows."""
    from nanoligand.equilibria.fit import simulate
    from nanoligand.equilibria.spec import load_job, parse_range

    job = load_job(spec)
    model = job.model if solvent is None else job.model.with_conditions(solvent=solvent)
    exp = dict(job.experiment)
    exp.setdefault("kind", "titration")
    if add:
        exp["add"] = add
    if per:
        exp["per"] = per
    if titrant_M is not None:
        exp["titrant_M"] = titrant_M
    if observable:
        exp["observable"] = observable
    if exp.get("observable") == "itc":
        exp.update({"kind": "itc", "observable": "heat", "syringe_M": syringe_M, "cell_mL": cell_mL})
    if "add" not in exp:
        raise InputError("say what to add: --add SPECIES (or experiment.add in the spec)")
    exp.setdefault("observable", "bound:" + next(iter(_units(model)), "?"))
    x = parse_range(equivalents)
    paths = [check_writable(csv_out, (".csv",))] if csv_out else []
    if plot:
        check_writable(plot, (".png", ".pdf", ".svg"))
    y = simulate(model, exp, x)
    x_label = "injection volume (µL)" if exp["kind"] == "itc" else f"{exp['add']} equivalents per {exp.get('per', 'dot')}"
    y_label = "heat per injection (µJ)" if exp["kind"] == "itc" else exp["observable"]
    result = {"model": model.name, "solvent": model.solvent, "experiment": exp, "x_label": x_label,
              "y_label": y_label, "x": x.tolist(), "y": y.tolist(), "calibration": model.calibration or None}
    if paths:
        _write_csv(paths[0], x_label, y_label, x, y)
    if plot:
        _plot(plot, x, y, x_label, y_label, f"{model.name} in {model.solvent}")
    if as_json:
        print(json.dumps(result, indent=2))
        return
    t = Table(title=f"{model.name}: add {exp['add']} ({model.solvent}, {model.T_K:g} K)", title_justify="left")
    t.add_column(x_label, justify="right")
    t.add_column(y_label, justify="right")
    for a, b in zip(x, y):
        t.add_row(f"{a:g}", f"{b:.6g}")
    out.print(t)
    if model.calibration:
        out.print(f"[dim]{model.name}: calibrated parameters, not measured constants (data/equilibria.yaml)[/dim]")
    for p in [*paths, *([plot] if plot else [])]:
        out.print(f"wrote {p}")


@app.command("fit")
def fit_cmd(
    spec: str = typer.Argument(..., help="YAML job with a 'fit' section (parameters; datasets or one experiment)."),
    data: Optional[str] = typer.Argument(None, help="CSV (x, y[, sigma]) for the spec's experiment."),
    bootstrap: int = typer.Option(0, "--bootstrap", help="Residual-bootstrap refits for 95 % intervals."),
    as_json: bool = typer.Option(False, "--json", help="Print the fit as JSON."),
) -> None:
    """Fit K/ΔG, ΔH or site counts of an equilibrium model to measured curves."""
    from nanoligand.equilibria.fit import fit
    from nanoligand.equilibria.spec import load_job, read_csv

    job = load_job(spec)
    params = job.fit.get("parameters")
    if not params:
        raise InputError("the spec has no fit.parameters to fit")
    datasets = []
    for d in job.fit.get("datasets", []):
        if "csv" not in d or "experiment" not in d:
            raise InputError("each fit.datasets entry needs 'csv' and 'experiment'")
        datasets.append((dict(d["experiment"]), *read_csv(job.base / d["csv"])))
    if data:
        if not job.experiment:
            raise InputError("a CSV on the command line needs an 'experiment' in the spec")
        datasets.append((dict(job.experiment), *read_csv(data)))
    if not datasets:
        raise InputError("no data: give a CSV or fit.datasets in the spec")
    res = fit(job.model, datasets, params, bootstrap=bootstrap)
    if as_json:
        print(json.dumps(res.to_dict(), indent=2))
        return
    t = Table(title=f"fit of {job.model.name} to {len(datasets)} dataset(s), {res.n_points} points",
              title_justify="left")
    for col in ("parameter", "value", "± s.e.", "95 % (bootstrap)"):
        t.add_column(col, justify="right" if col != "parameter" else "left")
    for k, v in res.values.items():
        bs = res.bootstrap.get(k)
        t.add_row(k, f"{v:.6g}", f"{res.stderr[k]:.3g}", f"{bs[0]:.4g} – {bs[1]:.4g}" if bs else "-")
    out.print(t)
    out.print(f"χ² {res.chi2:.4g}   AIC {res.aic:.2f}   BIC {res.bic:.2f}")


def _units(model) -> list[str]:
    return sorted({u for info in model.species.values() for u in info.contains})


def _write_csv(path, x_label: str, y_label: str, x, y) -> None:
    from nanoligand.io import _atomic

    text = f"{x_label},{y_label}\n" + "".join(f"{a:.10g},{b:.10g}\n" for a, b in zip(x, y))
    _atomic(path, lambda t: t.write_text(text, encoding="utf-8"))


def _plot(path: str, x, y, x_label: str, y_label: str, title: str, mark: float | None = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pathlib import Path

    from nanoligand.io import _atomic

    fig, ax = plt.subplots(figsize=(5, 3.6), dpi=150)
    ax.plot(x, y, "o-", ms=3)
    if mark is not None:
        ax.axvline(mark, color="r", lw=1, ls="--")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    _atomic(Path(path), lambda t: fig.savefig(t, format=Path(path).suffix[1:]))
    plt.close(fig)


# the property and design commands live with their packages and register themselves on ``app``
from nanoligand.design import cli as _design_cli  # noqa: E402,F401
from nanoligand.properties import cli as _properties_cli  # noqa: E402,F401
from nanoligand.web import cli as _web_cli  # noqa: E402,F401


def main(argv: Optional[List[str]] = None) -> int:
    """Console entry point: run the app with the one-line error convention."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    try:
        app(args=args, prog_name="nanoligand", standalone_mode=False)
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        return 1
    except NanoligandError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            traceback.print_exc()
        if hasattr(exc, "format_message"):  # click/typer usage error (bad option, missing value)
            param = getattr(exc, "param", None)
            where = f"{'/'.join(param.opts)}: " if getattr(param, "opts", None) else ""
            print(f"error: {where}{exc.format_message()}", file=sys.stderr)
            return 2
        # anything else is a bug: still one line (the traceback above with --debug)
        print(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug for the traceback",
              file=sys.stderr)
        return 1
    return 0


def console() -> None:
    """Entry point of the ``nanoligand`` script."""
    sys.exit(main())


if __name__ == "__main__":
    console()
