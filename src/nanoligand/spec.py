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
from typing import Any, Literal, Mapping, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nanoligand.errors import InputError

#: the largest cores a spec builds on the command line and in the web app; the atom limit applies to
#: the capped model
LIMITS = {"cli": {"diameter_nm": 30.0, "atoms": 1_000_000}, "web": {"diameter_nm": 10.0, "atoms": 150_000}}
MAX_POINTS = 200
MAX_TEXT = 300   # SMILES and names


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecipeEntry(_Strict):
    """One shell entry (fields as in :mod:`nanoligand.shell.recipe`)."""

    ligand: str = Field(min_length=1, max_length=MAX_TEXT)
    motif: str | None = Field(default=None, max_length=20)
    role: Literal["neutralize", "coverage"] | None = None
    coverage: float | str | None = None
    share: float | None = Field(default=None, gt=0)
    facets: list[str] | None = Field(default=None, max_length=12)
    counterions: str | None = Field(default=None, max_length=MAX_TEXT)


class Recipe(_Strict):
    """A shell recipe with its arrangement and seed."""

    entries: list[RecipeEntry] = Field(min_length=1, max_length=12)
    arrangement: Literal["uniform", "random", "janus", "patchy"] = "uniform"
    seed: int = 0
    source: str | None = Field(default=None, max_length=2000)


class Experiment(_Strict):
    """One experiment on an equilibrium model; ``titrate``, ``fit``, the report and the web app read it.

    kind
        ``titration`` (add a species), ``dilution`` (a dot-concentration series), ``solvents`` (the same
        sample in other solvents), ``itc`` (isothermal titration calorimetry: heats per injection).
    add
        The species added (titration, itc), e.g. ``OAH``.
    equivalents
        Titration points, ``START:STOP:N`` or a comma list, per ``per`` (default ``0:100:11``).
    per
        What equivalents count against: ``dot`` (default), ``M`` (a concentration) or ``bound:UNIT``.
    titrant_M
        Titrant concentration (M): the added volume dilutes the sample; without it the volume is constant.
    dots_M
        Dilution points, dot concentrations in M (``START:STOP:N`` or a list; default ``1e-4:1e-6:9``).
    solvents
        Solvent-swap points (names or abbreviations).
    injections_uL
        ITC injection volumes in µL (``START:STOP:N`` or a list; default 25 × 2 µL).
    syringe_M, cell_mL
        ITC syringe concentration (M, default 1 mM) and cell volume (mL, default 1.4).
    observable
        What is read out: ``bound:UNIT`` (bound fraction), ``free:UNIT`` (M), ``per_dot:SPECIES``,
        ``conc:SPECIES`` (M), ``dosy:UNIT`` (m²/s), ``nmr:UNIT`` (ppm); ``heat`` for ITC. Default: the
        bound fraction of the model's first ligand unit (``heat`` for ITC).
    """

    kind: Literal["titration", "dilution", "solvents", "itc"] = "titration"
    add: str | None = Field(default=None, max_length=40)
    equivalents: str | None = Field(default=None, max_length=60)
    per: str = Field(default="dot", max_length=40)
    titrant_M: float | None = Field(default=None, gt=0)
    dots_M: str | None = Field(default=None, max_length=60)
    solvents: list[str] | None = Field(default=None, max_length=20)
    injections_uL: str | None = Field(default=None, max_length=60)
    syringe_M: float = Field(default=1e-3, gt=0)
    cell_mL: float = Field(default=1.4, gt=0)
    observable: str | None = Field(default=None, max_length=60)


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
    return _checked(Experiment, dict(data))


class Equilibria(_Strict):
    preset: str = Field(default="seed004", max_length=40)
    options: dict[str, Union[float, str]] = Field(default_factory=dict)
    experiments: list[Experiment] = Field(default_factory=list, max_length=6)


    @field_validator("preset")
    @classmethod
    def _known(cls, v: str) -> str:
        from nanoligand.equilibria.spec import PRESETS

        if v not in PRESETS:
            raise ValueError(f"unknown preset {v!r}; built in: {', '.join(PRESETS)}")
        return v


class Properties(_Strict):
    optics: bool = False
    levels: bool = False


class Spec(_Strict):
    """What to build, what to write, and what to compute on it (module docstring)."""

    title: str | None = Field(default=None, max_length=200)
    material: str = Field(min_length=1, max_length=40)
    diameter_nm: float | None = None
    edge_nm: float | None = Field(default=None, gt=0)
    length_nm: float | None = Field(default=None, gt=0)
    width_nm: float | None = Field(default=None, gt=0)
    shape: str | None = Field(default=None, max_length=40)
    termination: str | None = Field(default=None, max_length=40)
    facet_energies: dict[str, float] | None = None
    ratio: float | None = Field(default=None, gt=0)
    aspect: float | None = Field(default=None, gt=0)
    shell: Union[Literal["native", "none"], list[RecipeEntry], Recipe] = "native"
    allow_invalid: bool = False
    output: list[str] = Field(default_factory=list, max_length=8)
    equilibria: Equilibria | None = None
    properties: Properties = Field(default_factory=Properties)

    @field_validator("shell", mode="before")
    @classmethod
    def _no_shell(cls, v: Any) -> Any:
        return "none" if v is None else v

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
    return _checked(Recipe, dict(raw)).model_dump(exclude_none=True)


def _checked(model: type[BaseModel], data: dict) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(p) for p in e["loc"]) or "spec"
        raise InputError(f"{where}: {e['msg']}" + (f" ({len(exc.errors())} problems)" if len(exc.errors()) > 1
                                                   else "")) from None

def parse_spec(data: Mapping[str, Any], limits: str = "cli") -> Spec:
    """Validate a spec mapping; errors become one-line :class:`InputError` messages naming the field."""
    if not isinstance(data, Mapping):
        raise InputError("a spec is a mapping with at least 'material' and 'diameter_nm'")
    spec = _checked(Spec, dict(data))
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
    if not lo <= spec.diameter_nm <= top:
        raise InputError(f"diameter_nm: {spec.diameter_nm:g} nm is outside the supported range {lo:g}-{top:g} nm "
                         "(this tool's limit" + ("; the command line builds up to 30 nm)" if limits == "web" else ")"))
    return spec


def load_spec(path: str | Path, limits: str = "cli") -> Spec:
    """A spec from a YAML file (:func:`parse_spec`)."""
    from nanoligand.io import read_yaml

    return parse_spec(read_yaml(path), limits)
