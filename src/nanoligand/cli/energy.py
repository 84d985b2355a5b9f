"""Commands on energies: ``energy`` (single point, relaxation, IP/EA of a structure) and ``desorb``."""

from __future__ import annotations

from typing import List, Optional

import typer

from nanoligand.cli._common import emit, json_option, output_option, outputs, progress_line, wrote
from nanoligand.errors import InputError
from nanoligand.plotting import PLOT_SUFFIXES

app = typer.Typer(rich_markup_mode=None)

_METHOD_HELP = "GFN2-xTB (default), GFN1-xTB, IPEA1-xTB or GFN-FF."
_ETEMP_HELP = "Electronic temperature, K (Fermi smearing); small-gap cut-outs converge at 1000 K."


def _groups(path: str) -> list[str]:
    """Atom groups for a DOS: core / surface / ligand where a nanoligand .extxyz says so, else the element."""
    from ase.io import read

    from nanoligand.energy.batch import read_atoms

    try:
        a = read(path, index=-1)
    except Exception:  # the structure was read once already; any other reader's quirk falls back to elements
        return read_atoms(path).get_chemical_symbols()
    if "role" in a.arrays and "site_role" in a.arrays:
        core = a.arrays["role"] == "core"
        return ["ligand" if not c else ("core" if r == "bulk" else "surface")
                for c, r in zip(core, a.arrays["site_role"])]
    return a.get_chemical_symbols()


@app.command("energy")
def energy_cmd(
    structures: List[str] = typer.Argument(..., help="Structure file(s): .xyz, .extxyz, .pdb or .cif (a model, a "
                                           "cut-out, a molecule); several run as a batch on Dask."),
    method: str = typer.Option("GFN2-xTB", "--method", help=_METHOD_HELP),
    solvent: Optional[str] = typer.Option(None, "--solvent", "-s", help="Implicit solvent (ALPB), e.g. toluene, "
                                          "chloroform, DMF, water; vacuum if not given."),
    charge: int = typer.Option(0, "--charge", help="Total charge, e."),
    etemp_k: float = typer.Option(300.0, "--etemp-K", help=_ETEMP_HELP),
    do_relax: bool = typer.Option(False, "--relax", help="Relax the structure first (LBFGS)."),
    fmax: float = typer.Option(0.05, "--fmax-eV-A", help="Relaxation threshold: largest force, eV/Å."),
    levels: bool = typer.Option(False, "--levels", help="Also vertical IP and EA (IPEA1-xTB ΔSCC with its "
                                "empirical shift); one structure only."),
    workers: Optional[int] = typer.Option(None, "--workers", min=0, help="Local Dask workers for a batch "
                                          "(default: cores; 0 = in this process)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Existing Dask scheduler, tcp://host:port."),
    output: List[str] = output_option("the relaxed structure (.xyz/.extxyz/.pdb), the result (.json), the "
                                      "projected DOS (.png/.svg/.pdf: core, surface and ligand atoms of a nanoligand "
                                      ".extxyz, else per element) or a batch's table (.parquet/.csv)"),
    as_json: bool = json_option("the result"),
) -> None:
    """xTB energy of structures: single point or relaxation, with HOMO/LUMO and optionally IP/EA."""
    from nanoligand.energy.engines import Settings

    files = outputs(output, {"structure": (".xyz", ".extxyz", ".pdb"), "json": (".json",),
                             "table": (".parquet", ".csv"), "plot": PLOT_SUFFIXES})
    settings = Settings(method, solvent, charge, None, etemp_k)
    if len(structures) > 1 or files["table"]:
        if levels or files["structure"] or files["plot"]:
            raise InputError("--levels, structure and DOS outputs take one structure; a batch writes "
                             ".parquet/.csv/.json")
        _batch(structures, settings, do_relax, fmax, workers, scheduler, files, as_json)
        return
    if files["structure"] and not do_relax:
        raise InputError("a structure output needs --relax (the input is not changed otherwise)")
    _single(structures[0], settings, do_relax, fmax, levels, files, as_json)


def _single(structure: str, settings, do_relax: bool, fmax: float, levels: bool, files, as_json: bool) -> None:
    from nanoligand.energy.batch import read_atoms
    from nanoligand.energy.engines import single_point
    from nanoligand.io import write_structure

    atoms = read_atoms(structure)
    with progress_line():
        if do_relax:
            from nanoligand.energy.relax import relax

            r = relax(atoms, settings, fmax_eV_A=fmax)
            atoms, e = r.atoms, r.energy
        else:
            e = single_point(atoms, settings)
        d = e.to_dict()
        d["solvent"] = settings.solvent or "vacuum"
        if do_relax:
            d.update(relax_steps=r.steps, converged=r.converged)
        if levels:
            from nanoligand.energy.levels import vertical_ip_ea

            d.update({k: v for k, v in vertical_ip_ea(atoms, settings.solvent, settings.charge,
                                                      settings.etemp_K).to_dict().items()
                      if k not in ("homo_eV", "lumo_eV", "solvent")})
    for path in files["structure"]:
        write_structure(path, atoms)
    if files["plot"]:
        from nanoligand import plotting
        from nanoligand.energy.levels import projected_dos

        pdos = projected_dos(atoms, _groups(structure), settings)
        for path in files["plot"]:
            fig, ax = plotting.figure(5.0, 3.6)
            plotting.dos(ax, pdos, f"{structure}: {settings.method}, {settings.solvent or 'vacuum'} (computed)")
            plotting.save(fig, path)
    emit(d, as_json, f"{structure}: {settings.method}, {settings.solvent or 'vacuum'} (computed)", files)


def _batch(structures, settings, do_relax: bool, fmax: float, workers, scheduler, files, as_json: bool) -> None:
    from nanoligand.cli._common import print_json
    from nanoligand.energy.batch import energies
    from nanoligand.io import atomic_write, write_json, write_text

    with progress_line():
        table = energies(structures, settings, relax=do_relax, fmax_eV_A=fmax, workers=workers, scheduler=scheduler)
    for path in files["table"]:
        if path.suffix == ".csv":
            write_text(path, table.to_csv(index=False))
        else:
            atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))
    records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    for path in files["json"]:
        write_json(path, records)
    if as_json:
        print_json(records)
    else:
        _batch_table(records, settings, files)
    if table["error"].notna().any():
        raise typer.Exit(1)


def _batch_table(records, settings, files) -> None:
    from nanoligand.cli._common import fit_table, out, say, wrote

    rows = [[r["structure"], str(r["n_atoms"] or "-"), "-" if r["energy_eV"] is None else f"{r['energy_eV']:.4f}",
             "-" if r["gap_eV"] is None else f"{r['gap_eV']:.3f}", r["error"] or ""] for r in records]
    say(f"{len(rows)} structures, {settings.method}, {settings.solvent or 'vacuum'} (computed)", style="bold")
    t, _ = fit_table(["structure", "atoms", "energy (eV)", "gap (eV)", "error"], rows, right=(1, 2, 3))
    out.print(t)
    wrote(p for paths in files.values() for p in paths)


@app.command("desorb")
def desorb_cmd(
    material: str = typer.Option("PbS", "--material", "-m", help="Material with a native shell (PbS, CdSe ...); "
                                 "long-chain ligands are computed as their short proxies (oleate → acetate)."),
    diameter: float = typer.Option(2.5, "--diameter-nm", "-d", help="Core diameter of the model cut from, nm."),
    sites: List[str] = typer.Option(["adatom:{100}", "facet:{111}"], "--site", help="Site class ROLE:FACET "
                                    "(census site_role and facet family); repeatable."),
    motif: str = typer.Option("Z", "--motif", help="What leaves: Z (metal with its X ligands), X or L."),
    solvent: List[str] = typer.Option([], "--solvent", "-s", help="Implicit solvent(s); repeatable; vacuum if none."),
    method: str = typer.Option("GFN2-xTB", "--method", help=_METHOD_HELP),
    etemp_k: float = typer.Option(1000.0, "--etemp-K", help=_ETEMP_HELP),
    radius: float = typer.Option(7.0, "--radius-A", help="Cut-out radius around the site, Å."),
    free_radius: float = typer.Option(4.0, "--free-radius-A", help="Atoms within this distance of the site relax, Å."),
    fmax: float = typer.Option(0.1, "--fmax-eV-A", help="Relaxation threshold: largest force, eV/Å."),
    output: List[str] = output_option("the results (.json) or every relaxed state, bound, surface left and free "
                                      "unit per site (.extxyz, one frame each)"),
    as_json: bool = json_option("the results"),
) -> None:
    """Desorption energy ΔE of a ligand unit per site class, from xTB on neutral cut-outs (computed)."""
    from nanoligand.energy.desorb import desorption_energy
    from nanoligand.energy.engines import Settings
    from nanoligand.energy.sites import cut_site, proxy_recipe
    from nanoligand.nanocrystal import build

    files = outputs(output, {"json": (".json",), "frames": (".extxyz",)})
    classes = []
    for item in sites:
        role, sep, facet = item.partition(":")
        if not sep or not role or not facet:
            raise InputError(f"--site {item!r}: use ROLE:FACET, e.g. adatom:{{100}}")
        classes.append((role, facet if facet.startswith("{") else "{" + facet + "}"))
    settings = [Settings(method, s, 0, None, etemp_k) for s in (solvent or [None])]
    rows, frames = [], []
    with progress_line():
        model = build(material, diameter, shell=proxy_recipe(material))
        for st in settings:
            for role, facet in classes:
                site = cut_site(model, role, facet, motif=motif, radius_A=radius, free_radius_A=free_radius)
                d = desorption_energy(site, st, fmax_eV_A=fmax)
                rows.append(d.to_dict())
                frames += d.frames()
    from nanoligand.io import atomic_write, write_json

    for path in files["frames"]:
        atomic_write(path, lambda tmp: _write_frames(tmp, frames))
    result = {"material": material, "diameter_nm": diameter, "results": rows,
              "note": "computed: ΔE = E(surface left) + E(free unit) − E(bound) of relaxed cut-outs; ΔG only as the "
                      "stated estimate ΔE − T(S_trans + S_rot) of the free unit"}
    for path in files["json"]:
        write_json(path, result)
    if as_json:
        emit(result, True, material)
        return
    flat = {f"{r['site_role']} {r['facet']} {r['unit']} in {r['solvent']}: ΔE_kJ_mol": r["delta_e_kJ_mol"]
            for r in rows}
    emit(flat, False, f"{material} {diameter:g} nm, {method}, cut-outs of {radius:g} Å (computed)",
         {"frames": files["frames"], "json": []})
    wrote(files["json"])


def _write_frames(path, frames) -> None:
    from ase.io import write

    write(path, frames, format="extxyz")
