"""Equilibrium jobs from YAML: a model (built-in preset or custom), an experiment, a fit.

::

    preset: seed004                 # or: model: {dots, conditions, per_dot, free_M, reactions, species}
    options: {diameter_nm: 4.8, conc_M: 1.0e-4, solvent: toluene}
    experiment: {kind: titration, add: OAH, per: dot, observable: "bound:OA"}
    fit:
      parameters:
        - {name: dG100, target: "reaction:0:dG_kJ", value: 27.0}
      datasets:
        - {csv: titration.csv, experiment: {kind: titration, add: OAH, observable: "bound:OA"}}

Observables and experiments are those of :mod:`.fit`. CSV data: a header row, then columns x, y and
optionally sigma (names free; the first three columns are used).

Examples
--------
>>> job = load_job({"preset": "seed004"})
>>> job.model.name
'seed004'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from nanoligand.equilibria.model import Model
from nanoligand.errors import InputError
from nanoligand.tables import load_table

PRESETS = tuple(load_table("equilibria.yaml"))  #: built-in models, each with the materials it describes


@dataclass
class Job:
    """A model, the experiment done on it (a checked :class:`~nanoligand.spec.Experiment` as a dict)
    and the fit section; ``base`` is the folder relative data paths start from."""

    model: Model
    experiment: dict = field(default_factory=dict)
    fit: dict = field(default_factory=dict)
    base: Path = Path(".")

    def datasets(self, csv_path: str | Path | None = None) -> list[tuple[dict, np.ndarray, np.ndarray,
                                                                        np.ndarray | None]]:
        """The data to fit: every ``fit.datasets`` entry (``csv`` + ``experiment``), and ``csv_path`` read
        as a measurement of the job's own experiment; an :class:`InputError` if there is none."""
        out = [(dict(d["experiment"]), *read_csv(self.base / d["csv"])) for d in self.fit.get("datasets", [])]
        if csv_path is not None:
            if not self.experiment:
                raise InputError("a CSV on the command line needs an 'experiment' in the spec")
            out.append((dict(self.experiment), *read_csv(csv_path)))
        if not out:
            raise InputError("no data: give a CSV or fit.datasets in the spec")
        return out


def load_job(spec: Mapping[str, Any] | str | Path) -> Job:
    """A job from a mapping or a YAML file, checked against :class:`nanoligand.spec.Job` (module docstring)."""
    from nanoligand.spec import Job as JobSchema, checked

    base = Path(".")
    if isinstance(spec, (str, Path)):
        from nanoligand.io import read_yaml

        path = Path(spec)
        spec = read_yaml(path)
        base = path.parent
    if not isinstance(spec, Mapping):
        raise InputError("an equilibrium job is a mapping with 'preset' or 'model'")
    job = checked(JobSchema, dict(spec))
    if (job.preset is None) == (job.model is None):
        raise InputError("give exactly one of 'preset' (built-in model) or 'model' (a custom one)")
    if job.preset is not None:
        if job.preset not in PRESETS:
            raise InputError(f"preset: unknown {job.preset!r}; built in: {', '.join(PRESETS)}")
        from nanoligand.equilibria.presets import seed004_pbs

        model = seed004_pbs(**job.options.model_dump(exclude_none=True))
    else:
        model = Model.from_spec(job.model)
    experiment = job.experiment.model_dump(exclude_none=True) if job.experiment else {}
    fit = job.fit.model_dump(exclude_none=True) if job.fit else {}
    return Job(model, experiment, fit, base)


def read_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """x, y and σ (or None) from a CSV with a header row."""
    from nanoligand.io import read_text

    p = Path(path)
    try:
        rows = list(csv.reader(read_text(p).splitlines()))
    except csv.Error as exc:
        raise InputError(f"{p}: not CSV ({exc})") from None
    rows = [r for r in rows if r and any(c.strip() for c in r)]
    if len(rows) < 2:
        raise InputError(f"{p}: needs a header row and at least one data row")
    data = []
    for k, r in enumerate(rows[1:], start=2):
        if len(r) < 2:
            raise InputError(f"{p}, line {k}: needs at least two columns (x, y)")
        try:
            row = [float(c) for c in r[:3]]
        except ValueError:
            raise InputError(f"{p}, line {k}: not a number in {r[:3]}") from None
        if not np.all(np.isfinite(row)):
            raise InputError(f"{p}, line {k}: {r[:3]} is not finite (nan or inf)")
        data.append(row)
    widths = {len(d) for d in data}
    if len(widths) != 1:
        raise InputError(f"{p}: rows have different numbers of columns")
    arr = np.array(data)
    return arr[:, 0], arr[:, 1], (arr[:, 2] if arr.shape[1] > 2 else None)


#: the most points one experiment may have (each is an equilibrium solve; the web app allows fewer)
MAX_RANGE_POINTS = 10_000


def parse_range(text: str) -> np.ndarray:
    """``start:stop:n`` (n evenly spaced values, inclusive) or a comma list, at most
    :data:`MAX_RANGE_POINTS` finite values.

    Examples
    --------
    >>> parse_range("0:200:5").tolist()
    [0.0, 50.0, 100.0, 150.0, 200.0]
    """
    try:
        if ":" in text:
            a, b, n = text.split(":")
            n = int(n)
            if not 1 <= n <= MAX_RANGE_POINTS:
                raise ValueError
            x = np.linspace(float(a), float(b), n)
        else:
            x = np.array([float(v) for v in text.split(",")])
    except (ValueError, AttributeError):
        raise InputError(f"cannot read {text!r}: use START:STOP:N (N from 1 to {MAX_RANGE_POINTS}) or a comma "
                         "list") from None
    if len(x) > MAX_RANGE_POINTS or not np.all(np.isfinite(x)):
        raise InputError(f"{text!r}: at most {MAX_RANGE_POINTS} finite values")
    return x
