"""Property commands: ``size``, ``spectrum``, ``levels``, ``solvents``, ``color``, ``qled``, ``spacing``,
``fret``, ``composition``.

Examples
--------
::

    nanoligand size PbS --wavelength-nm 1000 --absorbance 0.5 --path-cm 1 --json
    nanoligand spectrum abs.csv -m CdSe -o out.png
    nanoligand levels PbS -d 3 -l 4-fluorothiophenol
    nanoligand spacing -l 1,2-ethanedithiol --linker alkane
    nanoligand fret donor.csv acceptor.csv --qy 0.5 -d 4 -l MPA
    nanoligand composition --icp Zn/Cd=0.22 --ref-atoms 34
    nanoligand solvents -l oleate
    nanoligand color --peak-nm 638 --fwhm-nm 36 --json
    nanoligand qled --color red
"""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.table import Table

from nanoligand import plotting
from nanoligand.cli._common import emit, fmt, json_option, out, output_option, outputs, print_json, warn
from nanoligand.errors import InputError
from nanoligand.plotting import PLOT_SUFFIXES

app = typer.Typer(rich_markup_mode=None)


@app.command("size")
def size_cmd(
    material: str = typer.Argument(..., help="PbS, PbSe, CdSe, CdTe, CdS, InP, ZnSe."),
    wavelength: Optional[float] = typer.Option(None, "--wavelength-nm", "-w", help="First-exciton wavelength, nm."),
    diameter: Optional[float] = typer.Option(None, "--diameter-nm", "-d", help="Diameter, nm: gives the wavelength."),
    absorbance: Optional[float] = typer.Option(None, "--absorbance", help="Absorbance at the wavelength where ε is "
                                               "given (the output names it): gives the concentration."),
    path_cm: float = typer.Option(1.0, "--path-cm", help="Cuvette path length (cm)."),
    curve: Optional[str] = typer.Option(None, "--curve", help="Sizing curve (e.g. yu2003, jasieniak2009)."),
    as_json: bool = json_option(),
) -> None:
    """Size from the first-exciton wavelength (or the reverse), ε, and concentration from absorbance."""
    from nanoligand.properties.optics import concentration_M, size_from_wavelength, wavelength_from_size

    if (wavelength is None) == (diameter is None):
        raise InputError("give exactly one of --wavelength-nm or --diameter-nm")
    r = size_from_wavelength(material, wavelength, curve) if wavelength is not None else \
        wavelength_from_size(material, diameter, curve)
    d = r.to_dict()
    if absorbance is not None:
        if r.epsilon_M_cm is None:
            raise InputError(f"no extinction coefficient is packaged for {r.material} ({r.curve})")
        d["concentration_M"] = concentration_M(absorbance, r.epsilon_M_cm, path_cm)
        d["absorbance_at"] = r.epsilon_at
        d["note"] = f"the absorbance is read at {r.epsilon_at}, where the extinction coefficient applies"
    _warn_and_emit(d, as_json, f"{r.material} ({r.curve})")


def _warn_and_emit(d: dict, as_json: bool, title: str, files=None) -> None:
    """A sizing result: its warnings (extrapolated curve, no fitted range packaged) on stderr, then the
    result, which keeps them under ``warnings``."""
    for w in d.get("warnings", []):
        warn(w)
    emit(d, as_json, title, files)


@app.command("spectrum")
def spectrum_cmd(
    csv_in: str = typer.Argument(..., help="Absorbance spectrum CSV: wavelength (nm), absorbance."),
    material: str = typer.Option(..., "--material", "-m", help="Material of the dots."),
    path_cm: float = typer.Option(1.0, "--path-cm", help="Cuvette path length, cm."),
    curve: Optional[str] = typer.Option(None, "--curve", help="Sizing curve (default: the material's first)."),
    output: List[str] = output_option("the spectrum with the peak marked (.png/.pdf/.svg) or the result (.json)"),
    as_json: bool = json_option("the result"),
) -> None:
    """First excitonic peak of an absorbance spectrum → diameter, dispersion and concentration."""
    from nanoligand.equilibria.spec import read_csv
    from nanoligand.properties.optics import analyse_spectrum

    files = outputs(output, {"plot": PLOT_SUFFIXES, "json": (".json",)})
    wl, A, _ = read_csv(csv_in)
    d = analyse_spectrum(material, wl, A, path_cm, curve)
    for path in files["plot"]:
        fig, ax = plotting.figure()
        plotting.curve(ax, wl, A, "wavelength (nm)", "absorbance", f"first exciton {d['peak_nm']:.1f} nm",
                       mark=d["peak_nm"])
        plotting.save(fig, path)
    _warn_and_emit(d, as_json, f"{material}: {csv_in}", files)


@app.command("levels")
def levels_cmd(
    material: str = typer.Argument(..., help="Material (PbS, CdSe, InP ...)."),
    diameter: Optional[float] = typer.Option(None, "--diameter-nm", "-d", help="Diameter, nm (spheres)."),
    edge_nm: Optional[float] = typer.Option(None, "--edge-nm", help="Tetrahedron edge, nm (InP: the sizing "
                                            "curve is in edge lengths)."),
    ligand_name: Optional[str] = typer.Option(None, "--ligand", "-l", help="Ligand whose dipole layer shifts "
                                              "the edges."),
    coverage: float = typer.Option(3.0, "--coverage-per-nm2", help="Ligands per nm² for the dipole shift."),
    epsilon: Optional[float] = typer.Option(None, "--epsilon", help="Effective dielectric constant of the ligand "
                                            "layer, dimensionless (none is packaged; without it a sweep is shown)."),
    output: List[str] = output_option("the alignment diagram (.png/.pdf/.svg; needs absolute edges) or the "
                                      "result (.json)"),
    as_json: bool = json_option("the result"),
) -> None:
    """Band gap and band-edge shifts versus size, with a ligand-dipole shift and device layers."""
    from nanoligand.properties.levels import band_edges, dipole_shift_report, layers
    from nanoligand.properties.optics import size_on_curve

    files = outputs(output, {"plot": PLOT_SUFFIXES, "json": (".json",)})
    e = band_edges(material, size_on_curve(material, diameter_nm=diameter, edge_nm=edge_nm))
    d = e.to_dict()
    shift = 0.0
    if ligand_name:
        d.update(dipole_shift_report(ligand_name, coverage, epsilon))
        shift = d.get("dipole_shift_eV", 0.0)
    if files["plot"] and e.cb_eV is None:
        raise InputError(f"no absolute band edges are packaged for {e.material}: no alignment diagram")
    for path in files["plot"]:
        fig, ax = plotting.figure(5.0, 4.0)
        plotting.band_alignment(ax, e, shift, layers())
        plotting.save(fig, path)
    emit(d, as_json, f"{e.material}, {'edge' if edge_nm or e.diameter_nm != diameter else 'diameter'} "
          f"{e.diameter_nm:.3g} nm", files)


@app.command("solvents")
def solvents_cmd(
    ligand_name: Optional[str] = typer.Option(None, "--ligand", "-l", help="Ligand (name or SMILES) on the dots."),
    top: int = typer.Option(10, "--top", min=1, help="Solvents shown."),
    r0: Optional[float] = typer.Option(None, "--r0-MPa05", help="Hansen interaction radius R0, MPa½, for RED "
                                       "(none is packaged)."),
    list_all: bool = typer.Option(False, "--list", help="List the packaged solvents (Hansen parameters)."),
    as_json: bool = json_option("the result"),
) -> None:
    """Which solvents a ligand shell disperses in: seed-000 class and a Hansen ranking."""
    from nanoligand.properties.dispersibility import dispersibility
    from nanoligand.solvents import solvent_class, solvent_table

    if list_all:
        rows = [{"solvent": k, **{c: v[c] for c in ("dD", "dP", "dH", "V_cm3_mol")}, "aliases": v.get("aliases", []),
                 "class": solvent_class(v)} for k, v in solvent_table().items()]
        if as_json:
            print_json(rows)
            return
        t = Table(title=f"{len(rows)} solvents (Hansen handbook values, data/hansen_solvents.yaml)", title_justify="left")
        for col in ("solvent", "δD", "δP", "δH", "V cm³/mol", "aliases", "class"):
            t.add_column(col)
        for r_ in rows:
            t.add_row(r_["solvent"], *(f"{r_[c]:g}" for c in ("dD", "dP", "dH", "V_cm3_mol")), ", ".join(r_["aliases"]),
                      r_["class"])
        out.print(t)
        return
    if not ligand_name:
        raise InputError("give --ligand (or --list for the solvent table)")
    r = dispersibility(ligand_name, r0, top)
    if as_json:
        print_json(r.to_dict())
        return
    out.print(f"[bold]{r.ligand}[/bold]: shell class {r.shell_class} → {', '.join(r.class_solvents)} (seed 000 Fig. 6)")
    t = Table(title="Hansen ranking (functional part)", title_justify="left")
    for col in ("solvent", "Ra (MPa½)", "RED", "class"):
        t.add_column(col)
    for row in r.ranking:
        t.add_row(row["solvent"], f"{row['Ra']:.2f}", "-" if row["RED"] is None else f"{row['RED']:.2f}", row["class"])
    out.print(t)
    for why in r.reasons:
        out.print(f"[dim]{why}[/dim]")


@app.command("color")
def color_cmd(
    peak: Optional[float] = typer.Option(None, "--peak-nm", help="Emission peak, nm."),
    fwhm: Optional[float] = typer.Option(None, "--fwhm-nm", help="Emission full width at half maximum, nm."),
    spectrum: Optional[str] = typer.Option(None, "--spectrum", help="Emission spectrum CSV (wavelength nm, "
                                           "intensity) instead."),
    output: List[str] = output_option("the CIE 1931 diagram with the point (.png/.pdf/.svg) or the result (.json)"),
    as_json: bool = json_option("the result"),
) -> None:
    """CIE 1931 xy, dominant wavelength, purity and distance to Rec.2020 of an emitter."""
    from nanoligand.properties.colour_ import chromaticity, chromaticity_of_band

    files = outputs(output, {"plot": PLOT_SUFFIXES, "json": (".json",)})
    if spectrum:
        from nanoligand.equilibria.spec import read_csv

        wl, I, _ = read_csv(spectrum)
        c = chromaticity(wl, I)
    elif peak is not None and fwhm is not None:
        c = chromaticity_of_band(peak, fwhm)
    else:
        raise InputError("give --peak-nm and --fwhm-nm, or --spectrum")
    for path in files["plot"]:
        fig, ax = plotting.figure(5.0, 5.0)
        plotting.chromaticity(ax, {"sample": (c.x, c.y)})
        plotting.save(fig, path)
    emit(c.to_dict(), as_json, "colour", files)


@app.command("qled")
def qled_cmd(
    color: Optional[str] = typer.Option(None, "--color", help="Red, Green or Blue."),
    ligand_class: Optional[str] = typer.Option(None, "--class", help="halide, oxoanion, metal_cation, ..."),
    qd: Optional[str] = typer.Option(None, "--qd", help="QD material (substring)."),
    min_eqe: Optional[float] = typer.Option(None, "--min-eqe-pct", min=0, help="Lowest external quantum "
                                            "efficiency, %."),
    as_json: bool = json_option("the records"),
) -> None:
    """Seed 001 Table 2: inorganic-ligand QLED records with CIE points."""
    from nanoligand.properties.colour_ import query_qled

    from nanoligand.cli._common import fit_table, fit_widths, line_count, say
    from nanoligand.tables import load_table

    refs = load_table("qled_seed001.yaml").get("references", {})
    rows = [{**r, **({k: refs[r["ref"]][k] for k in ("cite", "journal", "reference")} if r["ref"] in refs
                     else {"cite": None, "journal": None, "reference": None})}
            for r in query_qled(color, ligand_class, qd, min_eqe)]
    # author–year in the table; the journal too where two shown records would otherwise read the same
    same = {c for c in (r["cite"] for r in rows) if c and len({x["ref"] for x in rows if x["cite"] == c}) > 1}
    if as_json:
        print_json(rows)
        return
    say(f"seed 001 Table 2: {len(rows)} records" + (f" with {color.lower()} emission" if color else ""), style="bold")
    headers = ["ligand", "QD", "colour", "EQE\n%", "EL\nnm", "FWHM\nnm", "CIE x, y\n(1931)", "reference"]
    cells = [[r["ligand"], r["qd"], r["color"] or "-", fmt(r["EQE_pct"]), fmt(r["EL_peak_nm"]), fmt(r["FWHM_nm"]),
              f"{r['cie_x']:.3f}, {r['cie_y']:.3f}" if "cie_x" in r else "-",
              (f"{r['cite']}, {r['journal']}" if r["cite"] in same else r["cite"]) if r["cite"]
              else f"{r['ref']} (not resolved)"] for r in rows]
    if color:               # one colour asked for: its column would repeat it on every row
        headers.pop(2)
        cells = [c[:2] + c[3:] for c in cells]
    n = len(headers)
    # the computed CIE point gives way where the reference would otherwise wrap
    keep, widths = fit_widths(headers, cells, out.width)
    if None in widths or any(line_count(c[n - 1], widths[-1]) > 1 for c in cells):
        dropped = [headers.pop(n - 2).replace("\n", " ")]
        cells = [c[:n - 2] + c[n - 1:] for c in cells]
        n -= 1
    else:
        dropped = []
    t, more = fit_table(headers, cells, right=range(n - 4 if dropped else n - 5, n - 1 if dropped else n - 2))
    dropped += more
    out.print(t)
    notes = ["EL: electroluminescence peak; CIE x, y: chromaticity of a Gaussian band with that peak and FWHM "
             "(computed here, not in the seed); - = not given in the seed's table."]
    if dropped:
        notes.append(f"not shown at {out.width} columns: {', '.join(dropped)} (--json gives cie_x, cie_y)")
    notes.append("reference: first author et al. and year, from seed 001's reference list; --json gives the "
                 "journal and the full reference.")
    if any(r["cite"] is None for r in rows):
        notes.append("a number marked 'not resolved' is the seed's reference number, not found in its reference list")
    for n in notes:
        say(n, style="dim")


@app.command("spacing")
def spacing_cmd(
    ligand_name: str = typer.Option(..., "--ligand", "-l", help="Ligand (name or SMILES) between the dots."),
    interdigitated: bool = typer.Option(False, "--interdigitated", help="Chains of the two shells interdigitate."),
    linker: str = typer.Option("alkane", "--linker", help="β for the coupling: alkane, oligophenylene, "
                               "pbse_nc_film_alkanedithiol."),
    as_json: bool = json_option("the result"),
) -> None:
    """Inter-dot spacing set by a ligand and the relative tunnelling coupling exp(−β d)."""
    from nanoligand.properties.transport import spacing_report

    d = spacing_report(ligand_name, interdigitated, linker)
    emit(d, as_json, f"spacing: {ligand_name}")


@app.command("fret")
def fret_cmd(
    donor_csv: str = typer.Argument(..., help="Donor emission CSV: wavelength (nm), intensity."),
    acceptor_csv: str = typer.Argument(..., help="Acceptor CSV: wavelength (nm), ε (M⁻¹ cm⁻¹)."),
    qy: float = typer.Option(..., "--qy", min=0, max=1, help="Donor quantum yield, 0–1."),
    n: float = typer.Option(1.4, "--refractive-index", "-n", min=1, help="Refractive index of the medium."),
    kappa2: float = typer.Option(2 / 3, "--kappa2", min=0, max=4, help="Orientation factor κ² (2/3: isotropic)."),
    distance: Optional[float] = typer.Option(None, "--distance-nm", help="Donor–acceptor distance, nm."),
    diameter: Optional[float] = typer.Option(None, "--diameter-nm", "-d", help="QD core diameter, nm (with "
                                             "--ligand: sets the distance)."),
    ligand_name: Optional[str] = typer.Option(None, "--ligand", "-l", help="Ligand carrying the acceptor (sets "
                                              "the distance with --diameter-nm)."),
    as_json: bool = json_option("the result"),
) -> None:
    """Förster overlap, R₀ and transfer efficiency; the distance given or set by the shell."""
    from nanoligand.equilibria.spec import read_csv
    from nanoligand.properties.transport import (donor_acceptor_distance_nm, forster_radius_nm, fret_efficiency,
                                                 overlap_integral)

    wl_d, f_d, _ = read_csv(donor_csv)
    wl_a, eps_a, _ = read_csv(acceptor_csv)
    J = overlap_integral(wl_d, f_d, wl_a, eps_a)
    R0 = forster_radius_nm(J, qy, n, kappa2)
    d = {"J_M-1_cm-1_nm4": J, "R0_nm": round(R0, 3), "kappa2": round(kappa2, 4), "refractive_index": n}
    if distance is None and diameter is not None and ligand_name:
        distance = donor_acceptor_distance_nm(diameter, ligand_name, "dye")
        d["distance_from"] = f"QD radius + extent of {ligand_name} (estimate)"
    elif distance is None and (diameter is not None or ligand_name):
        raise InputError("a distance from the shell needs both --diameter-nm and --ligand")
    if distance is not None:
        d.update({"distance_nm": round(distance, 3), "efficiency": round(fret_efficiency(distance, R0), 4)})
    emit(d, as_json, "FRET")


@app.command("composition")
def composition_cmd(
    icp: List[str] = typer.Option([], "--icp", help="ICP ratio EL/REF=VALUE, e.g. Zn/Cd=0.22 (repeatable)."),
    ref_atoms: Optional[float] = typer.Option(None, "--ref-atoms", help="REF atoms per dot (else from --model)."),
    tga_loss: Optional[float] = typer.Option(None, "--tga-loss", min=0, max=1, help="TGA mass loss of the "
                                             "ligand, fraction 0–1."),
    residue: Optional[float] = typer.Option(None, "--residue", min=0, max=1, help="TGA residue, fraction 0–1 "
                                            "(default 1 − loss)."),
    core_mass: Optional[float] = typer.Option(None, "--core-mass-g-mol", help="Core molar mass, g/mol (else "
                                              "from --model)."),
    nmr: Optional[str] = typer.Option(None, "--nmr", help="I_LIG:H_LIG:I_STD:H_STD ¹H integrals and proton counts."),
    standard_mol: Optional[float] = typer.Option(None, "--standard-mol", help="Internal standard, mol."),
    dots_mol: Optional[float] = typer.Option(None, "--dots-mol", help="Dots in the NMR sample, mol."),
    ligand_name: Optional[str] = typer.Option(None, "--ligand", "-l", help="Ligand measured (its molar mass; "
                                              "its name in the model)."),
    ligand_mass: Optional[float] = typer.Option(None, "--ligand-mass-g-mol", help="Ligand molar mass, g/mol."),
    model: Optional[str] = typer.Option(None, "--model", help="JSON manifest of a capped model to cross-check."),
    as_json: bool = json_option("the result"),
) -> None:
    """Ligands and atoms per dot from ¹H NMR, TGA and ICP-OES, cross-checked against a capped model."""
    from nanoligand.properties.composition import read_manifest, sample_composition

    d = sample_composition(icp=icp, ref_atoms=ref_atoms, tga_loss=tga_loss, residue=residue,
                           core_mass_g_mol=core_mass, nmr=nmr, standard_mol=standard_mol, dots_mol=dots_mol,
                           ligand=ligand_name, ligand_mass_g_mol=ligand_mass,
                           manifest=read_manifest(model) if model else None)
    emit(d, as_json, "composition per dot")
