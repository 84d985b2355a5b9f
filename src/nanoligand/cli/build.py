"""Commands on models: ``materials``, ``build``, ``validate``."""

from __future__ import annotations

import json
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from nanoligand.cli._common import json_option, out, output_option, progress_line
from nanoligand.errors import InputError

app = typer.Typer(rich_markup_mode=None)

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
    diameter: Optional[float] = typer.Option(None, "--diameter-nm", "-d",
                                             help="Volume-equivalent sphere diameter of the core, nm."),
    edge_nm: Optional[float] = typer.Option(None, "--edge-nm", help="Edge length (TEM) of a cube, tetrahedron, "
                                            "octahedron or platelet, nm: instead of --diameter-nm."),
    length_nm: Optional[float] = typer.Option(None, "--length-nm", help="Rod length (TEM), nm; with --width-nm "
                                              "it sets the aspect ratio."),
    width_nm: Optional[float] = typer.Option(None, "--width-nm", help="Rod or platelet width, side face to side "
                                             "face, nm."),
    shape: Optional[str] = typer.Option(None, "--shape", help="sphere, cube, octahedron, tetrahedron, "
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
    output: List[str] = output_option("the model (.xyz .extxyz .pdb .cif) or the manifest (.json: census, "
                                      "shell, composition, validation)"),
    as_json: bool = json_option("the manifest (census, shell, composition, validation)"),
) -> None:
    """Build a nanocrystal core, optionally cap it with a ligand shell, and print its census.

    With a spec file (the keys of `nanoligand.spec`), options given on the command line replace the
    file's values."""
    from nanoligand.io import PDB_MAX_ATOMS, check_writable, read_yaml
    from nanoligand.spec import parse_spec

    given = dict(diameter_nm=diameter, edge_nm=edge_nm, length_nm=length_nm, width_nm=width_nm, shape=shape, termination=termination,
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
    if not {"diameter_nm", "edge_nm", "length_nm", "width_nm"} & set(data):
        raise typer.BadParameter("missing: give --diameter-nm (or --edge-nm, --length-nm/--width-nm), or a "
                                 "spec file with diameter_nm", param_hint="--diameter-nm")
    sizes = ("diameter_nm", "edge_nm", "length_nm", "width_nm")
    if any(k in given for k in sizes):   # a size on the command line replaces the file's size, of any kind
        data = {k: v for k, v in data.items() if k not in sizes or k in given}
    spec = parse_spec(data)
    paths = [check_writable(p) for p in [*output, *spec.output]]
    limit = (PDB_MAX_ATOMS, "a PDB file holds no more: write .cif or .extxyz") if any(
        p.suffix.lower() == ".pdb" for p in paths) else None
    with progress_line():
        model = spec.build(atom_limit=limit)
        if model.has_shell:
            model.validate()
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
    from nanoligand.io import read_yaml

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
    from nanoligand.materials import get

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
    as_json: bool = json_option("the report (rules, facets, species)"),
    ligands: bool = typer.Option(False, "--ligands", help="Also list every ligand (binding mode, donors, "
                                 "distances, deviations)."),
) -> None:
    """Validate a capped nanocrystal model from its coordinates; exits 1 if a rule fails."""
    from nanoligand.io import check_writable, write_json
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
def materials(as_json: bool = json_option("the records")) -> None:
    """List the built-in materials with their structure, band gap and sources."""
    from nanoligand.materials import available, get

    records = [get(k).summary(density=as_json) for k in available()]
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


