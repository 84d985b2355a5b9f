"""Commands on ligands: ``ligand`` (one), ``ligands`` (the library)."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from nanoligand.cli._common import fit_table, fit_widths, left_out, out, say, wrap_smiles

app = typer.Typer(rich_markup_mode=None)

@app.command("ligand")
def ligand_cmd(
    name_or_smiles: str = typer.Argument(..., help="Library name/synonym (OA, TOPO, Zn(OTf)2 ...) or a SMILES."),
    material: Optional[str] = typer.Option(None, "--material", "-m", help="Score anchors against this "
                                           "material's surface (HSAB match)."),
    no_3d: bool = typer.Option(False, "--no-3d", help="Skip 3D descriptors and Hansen parameters."),
    as_json: bool = typer.Option(False, "--json", help="Print the full record as JSON."),
) -> None:
    """Anchors, binding motif, HSAB, functional part and descriptors of one ligand."""
    from nanoligand.materials import get
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
    rows = [("ligand", r["name"]), ("SMILES", r["smiles"]),
            ("motif", f"{r['motif']}" + (f"  ({r['motif_assumes']})" if r["motif_assumes"] else ""))]
    if r["no_anchor"]:
        rows.append(("anchors", "none found" + (f"; closest groups: {', '.join(r['closest_groups'])}"
                                               if r["closest_groups"] else "")))
    d = r["descriptors"]
    rows.append(("formula", f"{d['formula']}  {d['molar_mass_g_mol']:.2f} g/mol  charge {d['charge']:+d} e"))
    rows.append(("2D", f"logP {d['logP']:.2f}  TPSA {d['tpsa_A2']:.1f} Å²  rotatable bonds {d['rotatable_bonds']}"))
    if "descriptors_3d" in r:
        t = r["descriptors_3d"]
        rows.append(("3D (estimate)", f"length {t['length_A']} Å  footprint {t['footprint_nm2']} nm²  cone angle "
                     f"{t['cone_angle_deg']}°  dipole " + ("n/a" if t["dipole_D"] is None else f"{t['dipole_D']} D")))
        h = r["hansen"]
        rows.append(("Hansen (estimate)", f"δD {h['dD']}  δP {h['dP']}  δH {h['dH']} MPa½" if h["dD"] is not None
                     else h.get("not_covered", "n/a")))
    f = r["functional_groups"]
    rows.append(("functional part", f"{f['interaction']} ({'; '.join(f['interaction_reasons'])})"))
    extras = [("handles", ", ".join(h["name"] for h in f["handles"])), ("cross-linkable", ", ".join(f["crosslinkable"])),
              ("acceptors", ", ".join(f["acceptors"])),
              ("substituents", ", ".join(f"{x['name']} ({x['position']})" if x["position"] else x["name"]
                                        for x in f["substituents"])),
              ("PEG units", str(f["peg_units"]) if f["peg_units"] else ""),
              ("stereocentres", ", ".join(f"{c['atom']}:{c['label']}" for c in f["stereocentres"]))]
    rows += [(label, value) for label, value in extras if value]
    label_w = max(len(label) for label, _ in rows)
    value_w = max(out.width - label_w - 2, 20)
    head = Table(show_header=False, box=None, pad_edge=False, padding=(0, 0, 0, 2))
    head.add_column(style="bold", no_wrap=True, width=label_w)
    head.add_column(width=value_w, overflow="fold")
    for label, value in rows:
        # a SMILES has no spaces to wrap at: it is cut between atoms (never inside a bracket atom)
        head.add_row(label, Text("\n".join(wrap_smiles(value, value_w)) if label == "SMILES" else value))
    out.print(head)
    if r["anchors"]:
        say("anchors", style="bold")
        t, dropped = fit_table(["group", "motif", "donors", "denticity", "binding modes", "HSAB"],
                               [[a["group"], "/".join(a["motifs"]) or "-", ",".join(a["donor_elements"]),
                                 str(a["denticity"]), ", ".join(a["modes"]), str(a["hsab"]["class"] or "-")]
                                for a in r["anchors"]], drop_order=[2, 4])
        out.print(t)
        left_out(dropped, "--json shows them")
    if "hsab_match" in r:
        say(f"HSAB match with {r['hsab_match']['material']}", style="bold")
        t, dropped = fit_table(["group", "ligand", "surface", "score\n0–1"],
                               [[m["group"], str(m["ligand_hsab"]), f"{m['surface']} ({m['surface_hsab']})",
                                 "-" if m["score"] is None else f"{m['score']:.2f}"]
                                for m in r["hsab_match"]["anchors"]], right=[3])
        out.print(t)
        say("score: 1 = the anchor's hardness matches the surface cation's, 0 = hard against soft", style="dim")
    if len(r["smiles"]) > value_w:
        say("the SMILES is cut between atoms to fit the terminal; --json gives it on one line", style="dim")


@app.command("ligands")
def ligands_cmd(
    search: str = typer.Option("", "--search", help="Text to look for in names, synonyms, classes."),
    as_json: bool = typer.Option(False, "--json", help="Print the entries as JSON."),
) -> None:
    """List or search the built-in ligand library."""
    from nanoligand.ligands import library

    hits = library.search(search)
    if as_json:
        print(json.dumps(hits, indent=2, default=str))
        return
    if not hits:
        out.print(f"no library entry matches {search!r} (of {len(library.entries())})")
        return
    headers = ["name", "synonyms", "class", "SMILES"]
    rows = [[e["name"], ", ".join(map(str, e.get("synonyms", []))) or "-",
             f"{e.get('category') or e.get('class')}" + (" (inorganic)" if e["kind"] == "inorganic" else ""),
             e["smiles"]] for e in hits]
    say(f"ligand library: {len(hits)} of {len(library.entries())} entries" + (f" match {search!r}" if search else ""),
        style="bold")
    keep, widths = fit_widths(headers, rows, out.width, drop_order=[3])
    if len(keep) >= 3 and None not in widths:          # a table fits (the SMILES perhaps left out)
        t, dropped = fit_table(headers, rows, drop_order=[3])
        out.print(t)
        left_out(dropped, "nanoligand ligand NAME shows one entry whole; --json shows all; or widen the terminal")
        return
    # too narrow for a table: one entry per paragraph, each line wrapped at spaces (SMILES between atoms)
    cut = False
    for name, synonyms, cls, smiles in rows:
        say(f"{name} · {cls}", style="bold")
        if synonyms != "-":
            say(f"also: {synonyms}", indent=2, hang=6)
        parts = wrap_smiles(smiles, max(out.width - 10, 20))
        cut |= len(parts) > 1
        for k, part in enumerate(parts):
            out.print(("  SMILES: " if k == 0 else " " * 10) + part, markup=False, highlight=False, soft_wrap=True)
    if cut:
        say("long SMILES are cut between atoms to fit the terminal; --json gives each on one line", style="dim")
