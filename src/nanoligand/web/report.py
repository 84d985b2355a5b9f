"""Self-contained study reports: one HTML file with the spec, an interactive 3D model, the census and
composition tables, per-facet ligand counts, the equilibrium plots, property estimates and the source
of every number — no network needed to open it (3Dmol.js, the data and the SVG figures are inline).

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "study.html"
>>> r = write_report({"material": "CdSe", "diameter_nm": 2.0, "shell": "none"}, out)
>>> text = out.read_text(encoding="utf-8")
>>> "<html" in text and "Census" in text and '<script src=' not in text
True
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path
from string import Template
from typing import Any, Iterable, Mapping

from nanoligand import __version__
from nanoligand.web.assets import template, viewer_js, viewer_license
from nanoligand.spec import Spec, parse_spec
from nanoligand.web.study import StudyResult, run_study

#: category colours for the viewer (Tableau 10; element colours are 3Dmol's Jmol scheme)
PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d",
           "#bab0ac"]


def read_study(path: str | Path) -> Spec:
    """A study spec from YAML (see :mod:`nanoligand.spec`)."""
    from nanoligand.io import read_yaml

    return parse_spec(read_yaml(path))


def write_report(spec: Spec | Mapping[str, Any] | str | Path, out: str | Path,
                 result: StudyResult | None = None) -> StudyResult:
    """Run the study (unless ``result`` is given) and write its HTML report atomically."""
    from nanoligand.io import atomic_write, check_writable

    path = check_writable(out, (".html",))
    if result is None:
        study = spec if isinstance(spec, Spec) else read_study(spec) if isinstance(spec, (str, Path)) \
            else parse_spec(spec)
        result = run_study(study)
    text = render(result)
    atomic_write(path, lambda t: t.write_text(text, encoding="utf-8"))
    return result


# -- rendering --------------------------------------------------------------------------------------------
def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _table(headers: Iterable[str], rows: Iterable[Iterable[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(fmt(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def fmt(v: Any) -> str:
    """A cell: floats to 4 significant figures (powers of ten written out), mappings as ``key value``."""
    if isinstance(v, float):
        text = f"{v:.4g}"
        if "e" in text:
            mantissa, exp = text.split("e")
            sup = str(int(exp)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
            return f"{mantissa} × 10{sup}"
        return text
    if isinstance(v, dict):
        return ", ".join(f"{k} {fmt(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(fmt(x) for x in v)
    return "–" if v is None else str(v)


def pct(fraction: float | None) -> float | None:
    """A fraction (0–1) as a percentage."""
    return None if fraction is None else round(100 * fraction, 2)


#: one author as sources here write them: "Moreels", "D. O. Scanlon", "van Embden", "Wang F", "Kao JL-F"
_AUTHORS = r"(?:[A-Z]\. ?)*(?:(?:van|de|von|van der) )?[A-Z][\w'\-]+(?: [A-Z]{1,3}(?:-[A-Z]{1,2})?\b)?"


def author_year(source: str) -> str | None:
    """The author–year form of a source as this package writes them ("Moreels et al., ACS Nano 2009, 3,
    3023" → "Moreels et al. 2009"; "Yu, Qu, Guo, Peng, Chem. Mater. 2003" → "Yu et al. 2003"; "Sze 1981
    (0.41 eV)" → "Sze 1981"), or None where the text does not start with authors and a year (a database
    entry, a web page, a journal without authors): such a source is cited by its full text only.

    >>> author_year("seed 004: Grisorio, Debellis, Suranna, Gigli, Giansante, Angew. Chem. Int. Ed. 2016, 55, 6628")
    'Grisorio et al. 2016'
    >>> author_year("Moreira and Dias, J. Phys. Chem. Solids 2007, 68, 1617"), author_year("COD 9008694 (Wyckoff)")
    ('Moreira and Dias 2007', None)
    >>> author_year("Wang F, Tang R, Kao JL-F, Dingman SD, Buhro WE, J. Am. Chem. Soc. 2009, 131, 4983")
    'Wang et al. 2009'
    >>> author_year("Kirkwood 2018 (found): Kirkwood ... Infante, Houtepen, J. Am. Chem. Soc. 2018, 140, 15712")
    'Kirkwood et al. 2018'
    """
    import re

    text = re.sub(r"^seed \d+(?::\s*|\s*\()", "", source.strip())
    m = re.match(rf"({_AUTHORS})(?P<more>(?:(?:,| and|, and) {_AUTHORS})*)(?P<etal> et al\.?)?, [^,;()]*? "
                 r"(?P<year>(?:19|20)\d\d)\b", text)
    if m:
        def surname(name: str) -> str:
            return re.sub(r" [A-Z]{1,3}(?:-[A-Z]{1,2})?$", "", re.sub(r"^(?:[A-Z]\. ?)*", "", name))

        first, others, year = surname(m.group(1)), re.findall(_AUTHORS, m.group("more")), m.group("year")
        if m.group("etal") or len(others) > 1:
            return f"{first} et al. {year}"
        if others:
            return f"{first} and {surname(others[0])} {year}"
        return f"{first} {year}"
    m = re.match(r"([A-Z][a-z][\w'\-]*) ((?:19|20)\d\d)(?=$|[ ;(])(?: \(found\): (?P<list>[^;]*))?", text)
    if not m:
        return None
    # "Kirkwood 2018 (found): Kirkwood ... Infante, Houtepen, J. Am. Chem. Soc. 2018": several authors
    several = m.group("list") and re.match(rf"{_AUTHORS}(?:,| \.\.\.) ", m.group("list"))
    return f"{m.group(1)}{' et al.' if several else ''} {m.group(2)}"


def summary_rows(r: StudyResult) -> list[tuple[str, Any]]:
    m = r.manifest
    core = m["core"]
    rows = [("material", core["material"]), ("shape", core["shape"]), ("termination", core["termination"]),
            ("diameter (nm, volume-equivalent)", core["diameter_nm"]), ("core formula", core["formula"]),
            ("atoms in the core", core["n_atoms"]), ("core net charge (e)", core["net_charge"]),
            ("surface area (nm²)", core["surface_area_nm2"])]
    if r.capped:
        rows += [("atoms in the model", m["n_atoms"]), ("ligands per dot", m["composition"]["ligands_total"]),
                 ("model net charge (e)", m["net_charge"]),
                 ("validation", "valid: every rule passed" if m["valid"] else "invalid (see the manifest)"),
                 ("organic mass fraction (wt %)", pct(m["composition"]["organic_mass_fraction"])),
                 ("molar mass of the capped dot (g/mol)", m["composition"]["molar_mass_g_mol"])]
    return rows


def census_html(r: StudyResult) -> str:
    core = r.manifest["core"]
    rows = [(f["family"], f["n_faces"], f["area_nm2"], pct(f["area_fraction"]), f["atoms"], f["roles"],
             f["atoms_per_face"]) for f in core["facets"]]
    t = _table(["facet family", "faces", "area (nm²)", "area (% of the surface)", "surface atoms",
                "atoms by site role", "atoms on each face"], rows, "census")
    extra = _table(["quantity", "value"], [("core composition (atoms)", core["composition"]),
                                           ("cation:anion (atom ratio)", core["cation_anion_ratio"]),
                                           ("X ligands for neutrality (per dot)", core["x_ligands_for_neutrality"]),
                                           ("extent along x, y, z (nm)", core["extent_nm"]),
                                           ("surface atoms", core["surface_atoms"])])
    warn = "".join(f'<p class="warn">{_e(w)}</p>' for w in core.get("warnings", []))
    return t + extra + warn


def composition_html(r: StudyResult) -> str:
    if not r.capped:
        return "<p>No shell in this study (shell: none).</p>"
    m, c = r.manifest, r.manifest["composition"]
    shell = m["shell"]
    entries = _table(["ligand", "bound form (SMILES)", "motif", "role", "placed (per dot)", "site", "residue"],
                     [(e["ligand"], e["bound_form"], e["motif"], e["role"], e["placed"], e["site_kind"],
                       e["resname"]) for e in shell["entries"]])
    names = list(c["ligands"])
    by_facet = _table(["facet family", *(f"{n} (per dot)" for n in names)],
                      [(f, *(c["ligands_by_facet"].get(f, {}).get(n, 0) for n in names))
                       for f in sorted(c["ligands_by_facet"])])
    comp = _table(["quantity", "value"], [
        ("ligands per dot", c["ligands"]), ("ligand density (per nm² of core surface)", c["ligand_density_per_nm2"]),
        ("excess cations (per dot)", c["excess_cations"]),
        ("ligands per excess cation (mol/mol)", c["ligands_per_excess_cation"]),
        ("ligands by motif (per dot)", c["ligands_by_motif"]),
        ("organic mass fraction (wt %, as TGA measures)", pct(c["organic_mass_fraction"])),
        ("ligand mass fraction (wt %)", pct(c["ligand_mass_fraction"])),
        ("molar mass of the capped dot (g/mol)", c["molar_mass_g_mol"]),
        ("counter-ions in the diffuse layer (per dot)", [f"{i['count']} {i['ion']}" for i in c["counterions"]]
         or None)])
    short = "".join(f'<p class="warn">shortfall: {_e(s)}</p>' for s in (shell.get("shortfall") or []))
    return (f"<h3>Shell entries</h3>{entries}{short}<h3>Ligands per facet family</h3>{by_facet}"
            f"<h3>Composition as experiments measure it</h3>{comp}")


def _with_scale(label: str) -> str:
    """An axis label with its unit: a fraction without one is on the 0–1 scale."""
    return f"{label} (0–1)" if "fraction" in label and "(" not in label else label


def equilibria_html(r: StudyResult) -> str:
    if not r.equilibria:
        return "<p>No equilibrium experiments in this study (add an <code>equilibria</code> section).</p>"
    from nanoligand.tables import load_table

    source = load_table("equilibria.yaml")[r.study.equilibria.preset]["source"]
    cite = author_year(source)
    parts = []
    for e in r.equilibria:
        note = (' <span class="note">calibrated model: parameters turn the seed\'s statements into numbers '
                "(see Sources), not measured constants</span>") if e["calibrated"] else ""
        xs = e["labels"] or e["x"]
        table = _table([_with_scale(e["x_label"]), _with_scale(e["y_label"])], zip(xs, e["y"]), "curve")
        model = f"{e['model']} model" + (f" ({cite})" if cite else "")
        parts.append(f'<figure class="plot">{e["svg"]}<figcaption>{_e(e["title"])} — {_e(model)} in '
                     f'{_e(e["solvent"])}{note}</figcaption><details><summary>values</summary>{table}</details>'
                     "</figure>")
    return "".join(parts)


def properties_html(r: StudyResult) -> str:
    p = r.properties
    if not p:
        return "<p>No property estimates asked for (<code>properties: {optics: true, levels: true}</code>).</p>"
    out = []
    if "optics" in p:
        o = p["optics"]
        out.append("<h3>First excitonic transition from the size</h3>" + _table(
            ["quantity", "value"], [("first exciton (nm)", o["wavelength_nm"]), ("energy (eV)", o["energy_eV"]),
                                    ("ε (M⁻¹ cm⁻¹)", o["epsilon_M_cm"]), ("ε at", o["epsilon_at"]),
                                    ("sizing curve", _cited(o["curve"], o["source"]))])
                   + "".join(f'<p class="warn">{_e(w)}</p>' for w in o["warnings"]))
        if "optics_svg" in p:
            out.append(f'<figure class="plot">{p["optics_svg"]}<figcaption>sizing curve '
                       f'{_e(_cited(o["curve"], o["source"]))}; full reference in Sources</figcaption></figure>')
    for key in ("optics_note", "levels_note"):
        if key in p:
            out.append(f'<p class="warn">{_e(p[key])}</p>')
    if "levels" in p:
        lv = p["levels"]
        out.append("<h3>Energy levels (estimates)</h3>" + _table(
            ["quantity", "value"], [("gap (eV)", lv["gap_eV"]), ("bulk gap (eV)", lv["bulk_gap_eV"]),
                                    ("CB vs vacuum (eV)", lv["cb_eV"]), ("VB vs vacuum (eV)", lv["vb_eV"]),
                                    ("method", lv["method"])]) + "".join(f'<p class="note">{_e(n)}</p>'
                                                                          for n in lv["notes"]))
        if "levels_svg" in p:
            out.append(f'<figure class="plot">{p["levels_svg"]}</figure>')
    return "".join(out)


def _cited(key: str, source: str) -> str:
    """A named curve or model with its author–year citation: ``moreels2009`` → ``Moreels et al. 2009``."""
    cite = author_year(source)
    return cite if cite else key


def sources_html(r: StudyResult) -> str:
    """Every source in full, with the author–year form the report's text cites it by."""
    return _table(["what", "cited in the text as", "full reference"],
                  [(what, author_year(src) or "–", src) for what, src in r.sources], "sources")


def render(r: StudyResult) -> str:
    """The report's HTML text."""
    import yaml

    js = viewer_js()
    viewer = {**r.viewer, "palette": PALETTE}
    data = json.dumps(viewer, separators=(",", ":")).replace("</", "<\\/")
    title = r.study.title or f"{r.study.material} {r.study.diameter_nm:g} nm study"
    return Template(template("report.html")).substitute(
        title=_e(title),
        generated=_e(f"nanoligand {__version__}, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
                     f"{r.seconds:.1f} s"),
        spec=_e(yaml.safe_dump(r.study.model_dump(exclude_none=True, exclude_defaults=False), sort_keys=False)),
        summary=_table(["quantity", "value"], summary_rows(r)),
        census=census_html(r), composition=composition_html(r), equilibria=equilibria_html(r),
        properties=properties_html(r),
        sources=sources_html(r),
        viewer_js=(js or "").replace("</script", "<\\/script"),
        viewer_missing="" if js else ('<p class="warn">The 3D viewer (3Dmol.js) is not installed in this copy of '
                                      "nanoligand: run <code>make</code> in the project (it installs it from the npm "
                                      "registry). The tables and figures below are complete.</p>"),
        viewer_license=_e(viewer_license().splitlines()[0] if js else ""),
        model_data=data,
    )
