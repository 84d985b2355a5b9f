"""The spec: one schema for what to build and what to do with it.

``nanoligand build spec.yaml``, ``nanoligand report spec.yaml``, the web app's requests and the Python
API (:func:`load_spec`, :meth:`Spec.build`) read the same keys. A spec is a build (material, size,
shape, termination, shell), the files to write, and optionally equilibrium experiments on a model
of the dot and property estimates::

    title: PbS, seed 004                 # optional
    material: PbS
    diameter_nm: 4.8
    shape: truncated-octahedron          # optional: the material's default
    termination: seed004                 # optional: the shell's (native) or the material's default
    shell: native                        # native | none | a list of entries | {entries, arrangement, seed}
    output: [pbs.pdb, pbs.json]          # optional: files `build` writes (suffix picks the format)
    equilibria:                          # optional (report, web app)
      preset: seed004
      options: {conc_M: 1.0e-4, solvent: toluene}
      experiments:
        - {kind: titration, add: OAH, equivalents: "0:200:21", observable: "bound:OA"}
        - {kind: dilution, dots_M: "1e-4:1e-6:9", observable: "free:OA"}
        - {kind: solvents, solvents: [toluene, chloroform], observable: "free:OA"}
    properties: {optics: true, levels: true}   # optional (report, web app)

Shell entries have the fields of :mod:`nanoligand.shell.recipe` (``ligand``, ``motif``, ``role``,
``share``, ``coverage``, ``facets``, ``counterions``); this schema checks their types, the recipe
parser their chemistry. Limits (:data:`LIMITS`) keep a request inside what one machine builds in
seconds to a minute; the web app applies the tighter web limits. Validation errors become one-line
:class:`~nanoligand.errors.InputError` messages that name the field.

Examples
--------
>>> s = parse_spec({"material": "PbS", "diameter_nm": 4.8})
>>> s.shell, s.diameter_nm
('native', 4.8)
>>> parse_spec({"material": "CdSe", "diameter_nm": 3, "shell": [
...     {"ligand": "oleic acid", "motif": "X", "role": "neutralize", "share": 2},
...     {"ligand": "chloride", "motif": "X", "role": "neutralize", "share": 1}]}).recipe()["entries"][0]["share"]
2.0
"""

from __future__ import annotations

from pathlib import Path
from types import UnionType
from typing import Any, Literal, Mapping, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nanoligand.errors import InputError

#: the largest cores a spec builds on the command line and in the web app; the atom limit applies to
#: the capped model
LIMITS = {"cli": {"diameter_nm": 30.0, "atoms": 1_000_000}, "web": {"diameter_nm": 10.0, "atoms": 150_000}}
MAX_POINTS = 200
MAX_TEXT = 300   # SMILES and names


class _Strict(BaseModel):
    """Unknown keys are errors; no silent conversions (``true`` is not a diameter, ``"3"`` not a number)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _miller_text(v: Any) -> Any:
    """Facet families as YAML reads them (``100`` or ``"{100}"``) → text; anything else is left to the schema."""
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, dict):
        return {_miller_text(k): x for k, x in v.items()}
    if isinstance(v, list):
        return [_miller_text(x) for x in v]
    return v


def _f(description: str, default: Any = ..., **kw: Any) -> Any:
    """A field with the description :func:`schema_markdown` prints."""
    return Field(default, description=description, **kw)


class RecipeEntry(_Strict):
    """One ligand of a shell recipe (the chemistry is checked by :mod:`nanoligand.shell.recipe`)."""

    ligand: str = _f("Library name or synonym (`nanoligand ligands`), or a SMILES.", min_length=1,
                     max_length=MAX_TEXT)
    motif: str | None = _f("How it binds: X, L, Z, ion_pair, covalent or X2 (default: the ligand's own).", None,
                           max_length=20)
    role: Literal["neutralize", "coverage"] | None = _f("`neutralize`: the count balances the core's charge; "
                                                        "`coverage`: the count comes from `coverage`.", None)
    coverage: float | str | None = _f("`full`, a fraction of the sites (0–1), `N/nm2`, or a count per dot.", None)
    share: float | None = _f("Relative share of the charge among `neutralize` entries (e.g. 2 : 1).", None, gt=0)
    facets: list[str] | None = _f("Facet families it binds, e.g. `[\"{100}\"]` (default: all).", None,
                                  max_length=12)
    counterions: str | None = _f("Counter-ion listed in the diffuse layer for charged Z-type entries.", None,
                                 max_length=MAX_TEXT)

    _facets_as_text = field_validator("facets", mode="before")(lambda v: _miller_text(v))


class Recipe(_Strict):
    """A shell recipe: its entries, how they are arranged on the surface, and a random seed."""

    entries: list[RecipeEntry] = _f("The ligands (1–12 entries).", min_length=1, max_length=12)
    arrangement: Literal["uniform", "random", "janus", "patchy"] = _f("How the entries share the sites.",
                                                                      "uniform")
    seed: int = _f("Random seed of the site choice (the same seed gives the same model).", 0)
    source: str | None = _f("Where the recipe comes from (printed with the model).", None, max_length=2000)


class Experiment(_Strict):
    """One experiment on an equilibrium model; `titrate`, `fit`, the report and the web app read it."""

    kind: Literal["titration", "dilution", "solvents", "itc"] = _f(
        "`titration` (add a species), `dilution` (dot-concentration series), `solvents` (the sample in other "
        "solvents), `itc` (heats per injection).", "titration")
    add: str | None = _f("Species added (titration, itc), e.g. `OAH`.", None, max_length=40)
    equivalents: str | None = _f("Titration points `START:STOP:N` or a comma list (default `0:100:11`).", None,
                                 max_length=60)
    per: str = _f("What equivalents count against: `dot`, `M` (a concentration) or `bound:UNIT`.", "dot",
                  max_length=40)
    titrant_M: float | None = _f("Titrant concentration (M): the added volume dilutes the sample; without it "
                                 "the volume stays constant.", None, gt=0)
    dots_M: str | None = _f("Dilution points, dot concentrations in M (default `1e-4:1e-6:9`).", None,
                            max_length=60)
    solvents: list[str] | None = _f("Solvent-swap points (names or abbreviations).", None, max_length=20)
    injections_uL: str | None = _f("ITC injection volumes in µL (default `2:2:25`, 25 × 2 µL).", None,
                                   max_length=60)
    syringe_M: float = _f("ITC syringe concentration (M).", 1e-3, gt=0)
    cell_mL: float = _f("ITC cell volume (mL).", 1.4, gt=0)
    observable: str | None = _f("What is read: `bound:UNIT` (fraction), `free:UNIT` (M), `per_dot:SPECIES`, "
                                "`conc:SPECIES` (M), `dosy:UNIT` (m²/s), `nmr:UNIT` (ppm); `heat` for ITC. "
                                "Default: the bound fraction of the model's first ligand unit.", None,
                                max_length=60)


class FitParameter(_Strict):
    """A quantity a fit varies."""

    name: str = _f("Label of the parameter in the output.", max_length=40)
    target: str = _f("`reaction:INDEX_OR_EQUATION:K|dG_kJ|dH_kJ` or `per_dot:SPECIES`.", max_length=200)
    value: float = _f("Start value (K in its 1 M standard state; ΔG, ΔH in kJ/mol; sites per dot).")
    log: bool = _f("Fit log10 of a positive quantity.", False)
    min: float | None = _f("Lower bound.", None)
    max: float | None = _f("Upper bound.", None)


class Dataset(_Strict):
    """A measured curve: a CSV (x, y[, σ]; header row) and the experiment it measures."""

    csv: str = _f("CSV path, relative to the job file.", max_length=500)
    experiment: Experiment = _f("The experiment measured.")


class Fit(_Strict):
    """What to fit to which data."""

    parameters: list[FitParameter] = _f("The parameters varied.", min_length=1, max_length=20)
    datasets: list[Dataset] = _f("Measured curves (a CSV on the command line adds one for the job's "
                                 "`experiment`).", default_factory=list, max_length=20)


class ModelOptions(_Strict):
    """Conditions of a packaged equilibrium model."""

    diameter_nm: float | None = _f("Dot diameter (nm; default: the spec's).", None, gt=0)
    conc_M: float | None = _f("Dot concentration (M).", None, gt=0, le=1)
    solvent: str | None = _f("Solvent (name or abbreviation).", None, max_length=60)
    T_K: float | None = _f("Temperature (K).", None, gt=0, le=1000)


class Equilibria(_Strict):
    """The equilibrium section of a spec: a packaged model of the dot's shell and experiments on it."""

    preset: str = _f("Packaged model (data/equilibria.yaml, each with the materials it describes).", "seed004",
                     max_length=40)
    options: ModelOptions = _f("Conditions of the model.", default_factory=ModelOptions)
    experiments: list[Experiment] = _f("Experiments to run (default: a titration with the model's titrant).",
                                       default_factory=list, max_length=6)

    @field_validator("preset")
    @classmethod
    def _known(cls, v: str) -> str:
        from nanoligand.equilibria.spec import PRESETS

        if v not in PRESETS:
            raise ValueError(f"unknown preset {v!r}; built in: {', '.join(PRESETS)}")
        return v


class Job(_Strict):
    """An equilibrium job file (`nanoligand titrate`, `nanoligand fit`): a model, an experiment, a fit."""

    preset: str | None = _f("Packaged model (give this or `model`).", None, max_length=40)
    options: ModelOptions = _f("Conditions of the packaged model.", default_factory=ModelOptions)
    model: dict[str, Any] | None = _f("A custom model: `dots`, `conditions`, `per_dot`, `free_M`, `reactions`, "
                                      "`species` (docs/equilibria.md).", None)
    experiment: Experiment | None = _f("The experiment done on the model.", None)
    fit: Fit | None = _f("What to fit (`nanoligand fit`).", None)


class Properties(_Strict):
    """Property estimates a report adds."""

    optics: bool = _f("First-exciton wavelength and extinction from the packaged sizing curve.", False)
    levels: bool = _f("Band gap and band edges versus size.", False)


class Spec(_Strict):
    """What to build, what to write, and what to compute on it (a build spec, a report, a web request)."""

    title: str | None = _f("A title for reports.", None, max_length=200)
    material: str = _f("Material key or alias (`nanoligand materials`).", min_length=1, max_length=40)
    diameter_nm: float | None = _f("Volume-equivalent sphere diameter (nm); or give a TEM size below.", None)
    edge_nm: float | None = _f("Edge length (nm) of a cube, tetrahedron, octahedron or platelet.", None, gt=0)
    length_nm: float | None = _f("Rod length (nm); with `width_nm` it sets the aspect ratio.", None, gt=0)
    width_nm: float | None = _f("Rod or platelet width, side face to side face (nm).", None, gt=0)
    shape: str | None = _f("sphere, cube, octahedron, tetrahedron, truncated-octahedron, wulff, rod, platelet "
                           "(default: the material's).", None, max_length=40)
    termination: str | None = _f("stoichiometric, cation_rich, cation_rich_z, seed004, AX, BX2, hydrogen, bare "
                                 "(default: the native shell's, or the material's).", None, max_length=40)
    facet_energies: dict[str, float] | None = _f("Relative surface energy per facet family, for `wulff`.", None)
    ratio: float | None = _f("d{100}/d{111} of a truncated octahedron (default 1.1547, Archimedean).", None,
                             gt=0)
    aspect: float | None = _f("Rod length/width or platelet width/thickness.", None, gt=0)
    shell: Union[Literal["native", "none"], list[RecipeEntry], Recipe] = _f(
        "`native` (the material's literature shell), `none`, a list of entries, or a recipe.", "native")
    allow_invalid: bool = _f("Keep a capped model that fails validation (its manifest lists the failures).",
                             False)
    output: list[str] = _f("Files `build` writes; the suffix picks the format (.xyz .extxyz .pdb .cif .json).",
                           default_factory=list, max_length=8)
    equilibria: Equilibria | None = _f("Equilibrium experiments on a model of the dot (report, web app).", None)
    properties: Properties = _f("Property estimates (report, web app).", default_factory=Properties)

    @field_validator("shell", mode="before")
    @classmethod
    def _no_shell(cls, v: Any) -> Any:
        if v == [] or (isinstance(v, dict) and v.get("entries") == []):
            raise ValueError("an empty recipe: give entries, or 'none' for a bare core")
        return "none" if v is None else v

    _energies_as_text = field_validator("facet_energies", mode="before")(lambda v: _miller_text(v))

    @field_validator("output", mode="before")
    @classmethod
    def _one_output(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    def recipe(self) -> str | dict | None:
        """The shell as :func:`nanoligand.build` takes it: ``"native"``, None, or a recipe mapping."""
        if self.shell == "none":
            return None
        if self.shell == "native":
            return "native"
        rec = self.shell if isinstance(self.shell, Recipe) else Recipe(entries=self.shell)
        return rec.model_dump(exclude_none=True)

    def build(self, **overrides: Any):
        """Build the spec's nanocrystal (:func:`nanoligand.build`); ``overrides`` replace spec keys."""
        from nanoligand.nanocrystal import build

        args = dict(material=self.material, diameter_nm=self.diameter_nm, shape=self.shape, aspect=self.aspect,
                    termination=self.termination, shell=self.recipe(), facet_energies=self.facet_energies,
                    ratio=self.ratio, allow_invalid=self.allow_invalid)
        return build(**{**args, **overrides})


#: the schemas :func:`schema_markdown` documents, in order (file kind, model)
DOCUMENTED = (("Build spec (`nanoligand build spec.yaml`, `nanoligand report`, the web app)", Spec),
              ("Shell recipe (`shell:` of a spec, `--shell recipe.yaml`)", Recipe), ("Recipe entry", RecipeEntry),
              ("Equilibria (`equilibria:` of a spec)", Equilibria),
              ("Model options (`options:` of equilibria and jobs)", ModelOptions), ("Properties (`properties:` of a spec)", Properties),
              ("Equilibrium job (`nanoligand titrate job.yaml`, `nanoligand fit`)", Job),
              ("Experiment (`experiment:` of a job, `experiments:` of equilibria)", Experiment),
              ("Fit (`fit:` of a job)", Fit), ("Fit parameter", FitParameter), ("Dataset", Dataset))


def schema_markdown() -> str:
    """The reference of every key of every file nanoligand reads, generated from the schema
    (``docs/spec.md`` is this text; a test keeps it in step).

    Examples
    --------
    >>> "| `diameter_nm` |" in schema_markdown()
    True
    """
    lines = ["# Spec files: every key", "",
             "Generated from `nanoligand.spec` by `python -m nanoligand.spec > docs/spec.md`; do not edit by hand.",
             "Unknown keys are errors; an error names the key, the value and what is allowed.", ""]
    for title, model in DOCUMENTED:
        lines += [f"## {title}", "", (model.__doc__ or "").strip().splitlines()[0].replace(":mod:", ""), "",
                  "| key | type | default | meaning |", "|---|---|---|---|"]
        for name, f in model.model_fields.items():
            default = ("required" if f.is_required() else "empty" if f.default_factory else
                       "—" if f.default is None else f"`{f.default}`")
            kind = _type_name(f.annotation)
            lines.append(f"| `{name}` | {kind} | {default} | {(f.description or '').replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


def _type_name(annotation: Any) -> str:
    """A readable type: ``float or none``, ``one of "a", "b"``, ``list of RecipeEntry``."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f'"{a}"' for a in args)
    if origin in (Union, UnionType):
        return " or ".join(_type_name(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping {_type_name(args[0])} → {_type_name(args[1])}"
    if annotation is type(None):
        return "none"
    return getattr(annotation, "__name__", str(annotation))


def parse_experiment(data: Any) -> Experiment:
    """An :class:`Experiment` from a mapping; errors name the field.

    Examples
    --------
    >>> parse_experiment({"kind": "itc", "add": "OAH"}).syringe_M
    0.001
    """
    if isinstance(data, Experiment):
        return data
    if not isinstance(data, Mapping):
        raise InputError("an experiment is a mapping with at least 'kind'")
    return checked(Experiment, dict(data))


def parse_recipe(data: Any) -> dict:
    """A shell recipe (a list of entries, or a mapping with ``entries``, ``arrangement``, ``seed``,
    ``source``) checked against the schema, as :func:`nanoligand.build` takes it.

    Examples
    --------
    >>> parse_recipe([{"ligand": "oleylamine", "motif": "L", "coverage": "2/nm2"}])["arrangement"]
    'uniform'
    """
    raw = {"entries": data} if isinstance(data, list) else data
    if not isinstance(raw, Mapping):
        raise InputError("a shell recipe is a list of entries or a mapping with 'entries'")
    return checked(Recipe, dict(raw)).model_dump(exclude_none=True)


def checked(model: type[BaseModel], data: dict) -> Any:
    """``data`` validated as ``model``; the first problem becomes a one-line :class:`InputError` that names
    the key, the value given and what is allowed."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(p) if str(p).isprintable() and str(p).strip() == str(p) and str(p) else repr(p)
                         for p in e["loc"]) or "spec"
        got = "" if e["type"] in ("missing", "extra_forbidden") else f", got {_short(e.get('input'))}"
        more = f" ({exc.error_count()} problems)" if exc.error_count() > 1 else ""
        what = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
        raise InputError(f"{where}: {what}{got}{more}") from None


def _short(value: Any, n: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def parse_spec(data: Mapping[str, Any], limits: str = "cli") -> Spec:
    """Validate a spec mapping; errors become one-line :class:`InputError` messages naming the field."""
    if not isinstance(data, Mapping):
        raise InputError("a spec is a mapping with at least 'material' and 'diameter_nm'")
    spec = checked(Spec, dict(data))
    from nanoligand.core.build import DIAMETER_RANGE_NM
    from nanoligand.core.sizes import equivalent_diameter_nm

    dims = {k: getattr(spec, k) for k in ("edge_nm", "length_nm", "width_nm") if getattr(spec, k) is not None}
    if (spec.diameter_nm is None) == (not dims):
        raise InputError("diameter_nm: give the volume-equivalent diameter_nm, or a TEM size (edge_nm for cubes, "
                         "tetrahedra, octahedra, platelets; length_nm/width_nm for rods), one of the two")
    if dims:
        d, aspect = equivalent_diameter_nm(spec.material, spec.shape, **dims, aspect=spec.aspect, ratio=spec.ratio,
                                           facet_energies=spec.facet_energies)
        spec = spec.model_copy(update={"diameter_nm": d, "aspect": aspect, **{k: None for k in dims}})

    lo, top = DIAMETER_RANGE_NM[0], LIMITS[limits]["diameter_nm"]
    if spec.equilibria and spec.equilibria.options.diameter_nm is not None and spec.equilibria.options.diameter_nm > top:
        raise InputError(f"equilibria.options.diameter_nm: at most {top:g} nm here, got {spec.equilibria.options.diameter_nm:g}")
    if not lo <= spec.diameter_nm <= top:
        raise InputError(f"diameter_nm: {spec.diameter_nm:g} nm is outside the supported range {lo:g}-{top:g} nm "
                         "(this tool's limit" + ("; the command line builds up to 30 nm)" if limits == "web" else ")"))
    return spec


def load_spec(path: str | Path, limits: str = "cli") -> Spec:
    """A spec from a YAML file (:func:`parse_spec`)."""
    from nanoligand.io import read_yaml

    return parse_spec(read_yaml(path), limits)


if __name__ == "__main__":
    print(schema_markdown())
