"""Run a study (a :class:`~nanoligand.spec.Spec`): build the capped nanocrystal, run the equilibrium experiments and the
property estimates, and collect every source used — the content of a report or of a web-app result.

Examples
--------
>>> from nanoligand.spec import parse_spec
>>> r = run_study(parse_spec({"material": "CdSe", "diameter_nm": 2.0, "shell": "none"}))
>>> r.viewer["n_atoms"] == r.manifest["n_atoms"], r.capped
(True, False)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from nanoligand.errors import InputError
from nanoligand.spec import LIMITS, MAX_POINTS, Experiment, Spec
from nanoligand.tables import load_table

Progress = Callable[[str, float], None]


@dataclass
class StudyResult:
    study: Spec
    model: Any                      # Nanocrystal (its shell empty when the study has none)
    manifest: dict[str, Any]        # the model's JSON manifest
    viewer: dict[str, Any]          # atoms and per-atom categories for the 3D viewer
    equilibria: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    sources: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def capped(self) -> bool:
        return self.model.has_shell

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary (no SVG, no coordinates)."""
        return {"study": self.study.model_dump(exclude_none=True), "manifest": self.manifest,
                "equilibria": [{k: v for k, v in e.items() if k != "svg"} for e in self.equilibria],
                "properties": {k: v for k, v in self.properties.items() if not k.endswith("_svg")},
                "sources": [{"what": w, "source": s} for w, s in self.sources], "seconds": round(self.seconds, 2)}


def run_study(study: Spec, progress: Progress | None = None, limits: str = "cli") -> StudyResult:
    """Build and analyse ``study``; ``progress(stage, fraction)`` is called between stages."""
    say = progress or (lambda stage, frac: None)
    t0 = time.perf_counter()
    say("building the core and its shell", 0.05)
    model = study.build(atom_limit=(LIMITS[limits]["atoms"], f"the {limits} limit; choose a smaller diameter"))
    manifest = model.to_dict()
    n_atoms = len(model.atoms)
    if n_atoms > LIMITS[limits]["atoms"]:
        raise InputError(f"the model has {n_atoms} atoms, above the limit of {LIMITS[limits]['atoms']}; "
                         "choose a smaller diameter")
    result = StudyResult(study, model, manifest, viewer_payload(model))
    result.sources = _sources(result)
    if study.equilibria is not None:
        say("solving the equilibrium experiments", 0.7)
        result.equilibria = _equilibria(study)
        result.sources += _equilibria_sources(study)
    if study.properties.optics or study.properties.levels:
        say("estimating properties", 0.9)
        result.properties = _properties(study)
        result.sources += [(f"properties: {k}", s) for k, s in result.properties.get("sources", [])]
    result.seconds = time.perf_counter() - t0
    say("done", 1.0)
    return result


# -- 3D model ---------------------------------------------------------------------------------------------
def viewer_payload(model) -> dict[str, Any]:
    """XYZ text and per-atom category codes (element, facet, site role, ligand motif) with their names."""
    atoms = model.atoms
    symbols = atoms.get_chemical_symbols()
    pos = atoms.get_positions()
    xyz = f"{len(atoms)}\nnanoligand\n" + "\n".join(
        f"{s} {x:.3f} {y:.3f} {z:.3f}" for s, (x, y, z) in zip(symbols, pos))
    is_lig = atoms.arrays["residue"] > 0
    role = np.where(is_lig, "ligand", atoms.arrays["site_role"].astype(str))
    motif_of = {p.template.name.replace(" ", "_"): p.entry.motif for p in model.shell.placed}
    motif = np.array([motif_of.get(m, "?") if lig else "core" for m, lig in zip(atoms.arrays["molecule"], is_lig)])
    facet = atoms.arrays["facet"].astype(str)
    out = {"n_atoms": len(atoms), "xyz": xyz, "categories": {}}
    for name, values in (("facet", facet), ("role", role), ("motif", motif)):
        values = np.where(values == "", "bulk", values)
        names, codes = np.unique(values, return_inverse=True)
        out["categories"][name] = {"names": names.tolist(), "codes": codes.astype(int).tolist()}
    out["ligand"] = is_lig.astype(int).tolist()
    return out


# -- equilibria -------------------------------------------------------------------------------------------
def _equilibria(study: Spec) -> list[dict[str, Any]]:
    from nanoligand import plotting
    from nanoligand.equilibria.runs import run
    from nanoligand.equilibria.spec import load_job

    eq = study.equilibria
    fits = load_table("equilibria.yaml")[eq.preset]["materials"]
    if study.material.split("-")[0] not in fits:
        raise InputError(f"the {eq.preset} equilibrium model describes {', '.join(fits)} "
                         f"(seed 004); no packaged model for {study.material}")
    options = {"diameter_nm": study.diameter_nm, **eq.options.model_dump(exclude_none=True)}
    model = load_job({"preset": eq.preset, "options": options}).model
    out = []
    for exp in eq.experiments or [_default_experiment()]:
        curve = run(model, exp, MAX_POINTS)
        fig, ax = plotting.figure(5.0, 3.2)
        plotting.experiment(ax, curve, f"{model.name} ({model.solvent})")
        out.append({**curve.to_dict(), "kind": exp.kind, "model": model.name, "solvent": model.solvent,
                    "observable": curve.experiment.observable, "calibrated": bool(model.calibration),
                    "svg": plotting.svg_text(fig)})
    return out


def _default_experiment() -> Experiment:
    return Experiment(kind="titration", add="OAH", equivalents="0:200:21", observable="bound:OA")


def _equilibria_sources(study: Spec) -> list[tuple[str, str]]:
    """The model's source and how its parameters were calibrated, both whole."""
    rec = load_table("equilibria.yaml")[study.equilibria.preset]
    return [("equilibrium model", rec["source"]),
            ("equilibrium parameters (calibrated, not measured)", " ".join(str(rec["calibration"]).split()))]


# -- properties -------------------------------------------------------------------------------------------
def _properties(study: Spec) -> dict[str, Any]:
    """The estimates a study asks for; one that does not apply to the material becomes a note."""
    from nanoligand.properties.levels import band_edges
    from nanoligand.properties.optics import wavelength_from_size

    out: dict[str, Any] = {"sources": []}
    wanted = {"optics": (wavelength_from_size, _add_optics), "levels": (band_edges, _add_levels)}
    for key, (estimate, add) in wanted.items():
        if not getattr(study.properties, key):
            continue
        try:
            value = estimate(study.material, study.diameter_nm)
        except InputError as exc:
            out[f"{key}_note"] = str(exc)
        else:
            add(out, study, value)
    return out


def _add_optics(out: dict[str, Any], study: Spec, s) -> None:
    out["optics"] = s.to_dict()
    out["optics_svg"] = _sizing_svg(study.material, s)
    out["sources"].append(("optics", s.source))


def _add_levels(out: dict[str, Any], study: Spec, e) -> None:
    from nanoligand import plotting
    from nanoligand.properties.levels import layers

    out["levels"] = e.to_dict()
    out["sources"] += [("energy levels", src) for src in e.sources]
    if e.cb_eV is not None:
        fig, ax = plotting.figure(5.0, 4.0)
        plotting.band_alignment(ax, e, 0.0, layers())
        out["levels_svg"] = plotting.svg_text(fig)


def _sizing_svg(material: str, at) -> str:
    """The sizing curve around the study's diameter (where the curve is defined) with the study marked."""
    from nanoligand import plotting
    from nanoligand.properties.optics import wavelength_from_size

    d, lam = [], []
    for x in np.linspace(0.5 * at.diameter_nm, 2.0 * at.diameter_nm, 40):
        try:
            r = wavelength_from_size(material, float(x), at.curve)
        except InputError:
            continue        # outside the range the curve may be used in
        d.append(x)
        lam.append(r.wavelength_nm)
    fig, ax = plotting.figure(5.0, 3.2)
    ax.plot(d, lam, "-", color="#4c78a8", label=at.curve)
    ax.plot([at.diameter_nm], [at.wavelength_nm], "o", color="#e45756", label="this study")
    ax.set_xlabel("diameter (nm)")
    ax.set_ylabel("first exciton (nm)")
    ax.set_title(f"{material} sizing curve", fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return plotting.svg_text(fig)


# -- sources ----------------------------------------------------------------------------------------------
def _sources(r: StudyResult) -> list[tuple[str, str]]:
    from nanoligand.ligands import library

    core = r.manifest["core"]
    out = [(f"{r.study.material}: {k}", v) for k, v in core.get("sources", {}).items()]
    if r.capped:
        shell = r.manifest["shell"]
        if shell.get("source"):
            out.append(("shell recipe", shell["source"]))
        for e in shell["entries"]:
            if library.has(e["ligand"]):
                out.append((f"ligand: {e['ligand']}", library.entry(e["ligand"])["citation"]))
    return out
