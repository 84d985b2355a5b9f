"""Plots: functions that draw on a given matplotlib axis, and one atomic save.

Every figure the package makes (command-line plots, the HTML report, the web app) is drawn by a
function here that takes the axis to draw on, as WulffPack's ``make_plot(ax)``; the caller owns the
figure. :func:`figure` and :func:`save` are the two helpers the callers share.

Examples
--------
>>> fig, ax = figure()
>>> curve(ax, [0, 1, 2], [0.0, 0.5, 0.8], "OAH equivalents per dot", "bound OA per dot", mark=1.0)
>>> ax.get_xlabel()
'OAH equivalents per dot'
>>> close(fig)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

PLOT_SUFFIXES = (".png", ".pdf", ".svg")


def figure(width_in: float = 5.0, height_in: float = 3.6) -> tuple[Any, Any]:
    """A new figure and axis on the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width_in, height_in), dpi=150)


def close(fig: Any) -> None:
    """Release a figure made by :func:`figure`."""
    import matplotlib.pyplot as plt

    plt.close(fig)


def save(fig: Any, path: str | Path) -> Path:
    """Write ``fig`` to ``path`` (the suffix picks PNG, PDF or SVG) atomically and close it."""
    from nanoligand.io import atomic_write

    p = Path(path)
    fig.tight_layout()
    try:
        atomic_write(p, lambda t: fig.savefig(t, format=p.suffix[1:], bbox_inches="tight"))
    finally:
        close(fig)
    return p


def curve(ax: Any, x: Sequence[float], y: Sequence[float], x_label: str, y_label: str,
          title: str | None = None, mark: float | None = None) -> None:
    """Points joined by lines, labelled axes (with units), an optional vertical marker at ``mark``."""
    ax.plot(x, y, "o-", ms=3)
    if mark is not None:
        ax.axvline(mark, color="r", lw=1, ls="--")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if title:
        ax.set_title(title, fontsize=9)


def svg_text(fig: Any) -> str:
    """``fig`` as inline SVG markup (for HTML reports), and close it."""
    import io

    buf = io.StringIO()
    try:
        fig.savefig(buf, format="svg", bbox_inches="tight")
    finally:
        close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def experiment(ax: Any, c: Any, context: str = "") -> None:
    """An equilibrium experiment (:class:`nanoligand.equilibria.runs.Curve`): bars for a solvent swap,
    a log concentration axis for a dilution, points and lines otherwise; notes under the title."""
    if c.labels is not None:
        ax.bar(c.labels, c.y, color="#4c78a8")
    else:
        ax.plot(c.x, c.y, "o-", ms=3, color="#4c78a8")
        if c.experiment.kind == "dilution":
            ax.set_xscale("log")
    if c.experiment.kind == "itc":
        ax.axhline(0.0, color="0.6", lw=0.6)
    ax.set_xlabel(c.x_label)
    ax.set_ylabel(c.y_label)
    ax.set_title(f"{context}: {c.title}" if context else c.title, fontsize=9)
    ax.grid(alpha=0.3)
    if any("no reaction enthalpies" in n for n in c.notes):
        ax.text(0.5, 0.75, "no enthalpies in this model:\nall heats are zero", transform=ax.transAxes,
                ha="center", va="center", fontsize=9, color="#b03030")


def band_alignment(ax: Any, edges: Any, shift_eV: float, layers: dict[str, dict]) -> None:
    """The dot's band edges (shifted by a ligand dipole) next to the work functions of device layers
    (``{name: {"work_function_eV": (lo, hi)}}``, drawn as the range −hi…−lo vs vacuum)."""
    cb, vb = edges.cb_eV + shift_eV, edges.vb_eV + shift_eV
    ax.bar(0, cb - vb, bottom=vb, width=0.6, color="#8fbfe0", edgecolor="k")
    ax.text(0, cb + 0.08, f"CB {cb:.2f}", ha="center", va="bottom", fontsize=7)
    ax.text(0, vb - 0.08, f"VB {vb:.2f}", ha="center", va="top", fontsize=7)
    names, lows = [f"{edges.material} {edges.diameter_nm:g} nm"], [vb]
    for x, (name, rec) in enumerate(layers.items(), start=1):
        lo, hi = rec["work_function_eV"]
        ax.bar(x, max(hi - lo, 0.05), bottom=-hi, width=0.6, color="#dddddd", edgecolor="k")
        names.append(name)
        lows.append(-hi)
    top = max(cb, *(-rec["work_function_eV"][0] for rec in layers.values())) if layers else cb
    ax.set_ylim(min(lows) - 0.5, top + 0.5)
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=7)
    ax.set_ylabel("energy vs vacuum (eV)")


def chromaticity(ax: Any, points: dict[str, tuple[float, float]]) -> None:
    """CIE 1931 xy diagram (spectral locus labelled in nm), the Rec.2020 triangle and ``points``."""
    import colour
    import numpy as np
    from colour.plotting import plot_chromaticity_diagram_CIE1931

    plot_chromaticity_diagram_CIE1931(axes=ax, show=False, title=False)
    prim = np.asarray(colour.models.RGB_COLOURSPACE_BT2020.primaries)
    tri = np.vstack([prim, prim[:1]])
    ax.plot(tri[:, 0], tri[:, 1], "k--", lw=1, label="Rec.2020")
    for label, (x, y) in points.items():
        ax.plot([x], [y], "o", ms=5, mec="k", label=label)
    ax.set_xlim(-0.15, 0.9)
    ax.set_ylim(-0.1, 0.95)
    ax.set_xlabel("CIE x")
    ax.set_ylabel("CIE y")
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title("CIE 1931 chromaticity", fontsize=9)


def dos(ax: Any, pdos: dict, title: str | None = None) -> None:
    """A projected density of states (:func:`nanoligand.energy.levels.projected_dos`): the total as a grey
    fill, one line per atom group, the HOMO and LUMO marked."""
    e = pdos["energy_eV"]
    ax.fill_between(e, pdos["total"], color="0.85", label="total")
    for name in pdos["groups"]:
        ax.plot(e, pdos[name], lw=1.2, label=name)
    for key, style in (("homo_eV", "-"), ("lumo_eV", "--")):
        if pdos.get(key) is not None:
            ax.axvline(pdos[key], color="k", lw=0.8, ls=style)
    if pdos.get("homo_eV") is not None and pdos.get("lumo_eV") is not None:
        ax.set_xlim(pdos["homo_eV"] - 8.0, pdos["lumo_eV"] + 8.0)  # the frontier region, where the gap is read
    ax.set_xlabel("orbital energy (eV)")
    ax.set_ylabel("DOS (states/eV)")
    ax.legend(fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=9)
