"""Commands on ligands: ``ligand`` (one), ``ligands`` (the library)."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from nanoligand.cli._common import out
from nanoligand.materials import get

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
    search: str = typer.Option("", "--search", help="Text to look for in names, synonyms, classes."),
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


