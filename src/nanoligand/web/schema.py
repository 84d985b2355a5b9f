"""The study spec — one schema for ``nanoligand report spec.yaml`` and the web app's requests.

A study is a build (material, size, shape, termination, shell) plus, optionally, equilibrium experiments
on a model of the dot and property estimates::

    material: PbS
    diameter_nm: 4.8
    shape: truncated-octahedron          # optional: the material's default
    termination: seed004                 # optional: the shell's (native) or the material's default
    shell: native                        # native | none | a list of entries (ligand, motif, role, coverage, facets)
    equilibria:                          # optional
      preset: seed004
      options: {conc_M: 1.0e-4, solvent: toluene}
      experiments:
        - {kind: titration, add: OAH, equivalents: "0:200:21", observable: "bound:OA"}
        - {kind: dilution, dots_M: "1e-4:1e-6:9", observable: "free:OA"}
        - {kind: solvents, solvents: [toluene, chloroform], observable: "free:OA"}
    properties: {optics: true, levels: true}   # optional

Limits (:data:`LIMITS`) keep a request inside what one machine builds in seconds to a minute; the web
app applies the tighter web limits. Validation errors become one-line :class:`InputError` messages.

Examples
--------
>>> s = parse_study({"material": "PbS", "diameter_nm": 4.8})
>>> s.shell, s.diameter_nm
('native', 4.8)
"""

from __future__ import annotations

from typing import Any, Literal, Mapping, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nanoligand.errors import InputError

#: the largest cores a study (CLI) and the web app build; the atom limit applies to the capped model
LIMITS = {"cli": {"diameter_nm": 30.0, "atoms": 1_000_000}, "web": {"diameter_nm": 10.0, "atoms": 150_000}}
MAX_POINTS = 200
MAX_TEXT = 300   # SMILES and names


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShellEntry(_Strict):
    ligand: str = Field(min_length=1, max_length=MAX_TEXT)
    motif: str | None = Field(default=None, max_length=20)
    role: Literal["neutralize", "coverage"] | None = None
    coverage: float | str | None = None
    share: float | None = Field(default=None, gt=0, le=1)
    facets: list[str] | None = Field(default=None, max_length=12)


class Experiment(_Strict):
    kind: Literal["titration", "dilution", "solvents"]
    add: str | None = Field(default=None, max_length=40)
    equivalents: str | None = Field(default=None, max_length=60)
    per: str | None = Field(default=None, max_length=40)
    dots_M: str | None = Field(default=None, max_length=60)
    solvents: list[str] | None = Field(default=None, max_length=20)
    observable: str = Field(default="bound:OA", max_length=60)


class Equilibria(_Strict):
    preset: Literal["seed004"] = "seed004"
    options: dict[str, Union[float, str]] = Field(default_factory=dict)
    experiments: list[Experiment] = Field(default_factory=list, max_length=6)


class Properties(_Strict):
    optics: bool = False
    levels: bool = False


class Study(_Strict):
    title: str | None = Field(default=None, max_length=200)
    material: str = Field(min_length=1, max_length=40)
    diameter_nm: float = Field(gt=0)
    shape: str | None = Field(default=None, max_length=40)
    termination: str | None = Field(default=None, max_length=40)
    facet_energies: dict[str, float] | None = None
    ratio: float | None = Field(default=None, gt=0)
    aspect: float | None = Field(default=None, gt=0)
    shell: Union[Literal["native", "none"], list[ShellEntry]] = "native"
    allow_invalid: bool = False
    equilibria: Equilibria | None = None
    properties: Properties = Field(default_factory=Properties)

    @field_validator("shell", mode="before")
    @classmethod
    def _no_shell(cls, v: Any) -> Any:
        return "none" if v is None else v


def parse_study(data: Mapping[str, Any], limits: str = "cli") -> Study:
    """Validate a study mapping; errors become one-line :class:`InputError` messages."""
    if not isinstance(data, Mapping):
        raise InputError("a study spec is a mapping with at least 'material' and 'diameter_nm'")
    try:
        study = Study.model_validate(dict(data))
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(p) for p in e["loc"]) or "spec"
        raise InputError(f"{where}: {e['msg']}" + (f" ({len(exc.errors())} problems)" if len(exc.errors()) > 1
                                                   else "")) from None
    top = LIMITS[limits]["diameter_nm"]
    if study.diameter_nm > top:
        raise InputError(f"diameter_nm {study.diameter_nm:g} is above this tool's limit of {top:g} nm"
                         + (" (the command line builds up to 30 nm)" if limits == "web" else ""))
    return study
