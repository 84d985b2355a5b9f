"""Fuzzed input through every parser: a clean one-line error naming what is wrong, or a valid result —
never another exception (issue: nothing a user types or sends crashes, hangs or misleads).

``make test`` runs a bounded budget (the ``ci`` profile); ``make fuzz`` runs the ``fuzz`` profile
(``NANOLIGAND_FUZZ=1``: many more examples). Both derandomised.
"""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nanoligand.errors import NanoligandError

EXAMPLES = 3000 if os.environ.get("NANOLIGAND_FUZZ") == "1" else 120
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=20), st.sampled_from(["full", "2/nm2", "1.2.3/nm2", "{100}", "native", "none",
                                                           "oleic acid", "X", "L", "Z", "PbS", "0:10:5", "é\x00"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=6)
SPEC_KEYS = ["material", "diameter_nm", "edge_nm", "length_nm", "width_nm", "shape", "termination", "facet_energies",
             "ratio", "aspect", "shell", "allow_invalid", "output", "equilibria", "properties", "title"]
ENTRY_KEYS = ["ligand", "motif", "role", "coverage", "share", "facets", "counterions"]


def clean(call, *args):
    """Run ``call``: success or a NanoligandError with a one-line message are both fine."""
    try:
        return call(*args)
    except NanoligandError as exc:
        assert str(exc) and "\n" not in str(exc)
        return None


@fuzz
@given(st.dictionaries(st.sampled_from(SPEC_KEYS), values, max_size=4))
def test_build_spec(changes):
    from nanoligand.shell.recipe import parse_shell
    from nanoligand.spec import parse_spec

    spec = clean(parse_spec, {"material": "PbS", "diameter_nm": 3.0, **changes})
    if spec is not None and isinstance(spec.recipe(), dict):
        clean(parse_shell, spec.recipe())


@fuzz
@given(st.dictionaries(st.sampled_from(ENTRY_KEYS), values, max_size=3),
       st.dictionaries(st.sampled_from(["arrangement", "seed", "source"]), values, max_size=2))
def test_shell_recipe(entry, extra):
    from nanoligand.shell.recipe import parse_shell
    from nanoligand.spec import parse_recipe

    recipe = clean(parse_recipe, {"entries": [{"ligand": "oleic acid", "motif": "X", **entry}], **extra})
    if recipe is not None:
        clean(parse_shell, recipe)


@fuzz
@given(st.dictionaries(st.sampled_from(["options", "experiment", "fit", "model", "preset"]), values, max_size=3))
def test_equilibrium_job(changes):
    from nanoligand.equilibria.spec import load_job

    clean(load_job, {"preset": "seed004", **changes})


@fuzz
@given(st.dictionaries(st.sampled_from(["kind", "add", "equivalents", "per", "titrant_M", "dots_M", "solvents",
                                        "injections_uL", "syringe_M", "cell_mL", "observable"]), values, max_size=3))
def test_experiment_run(changes):
    from nanoligand.equilibria.runs import run
    from nanoligand.equilibria.spec import load_job

    model = load_job({"preset": "seed004"}).model
    clean(run, model, {"kind": "titration", "add": "OAH", "equivalents": "0:10:3", **changes}, 50)


@fuzz
@given(st.binary(max_size=300))
def test_yaml_and_csv_files(tmp_path_factory, data):
    from nanoligand.equilibria.spec import read_csv
    from nanoligand.io import read_yaml
    from nanoligand.spec import parse_spec

    d = tmp_path_factory.mktemp("f")
    path = d / "x.yaml"
    path.write_bytes(b"material: PbS\ndiameter_nm: 3\n" + data)
    raw = clean(read_yaml, path)
    if isinstance(raw, dict):
        clean(parse_spec, raw)
    csv = d / "x.csv"
    csv.write_bytes(b"x,y\n" + data)
    clean(read_csv, csv)


@fuzz
@given(st.text(alphabet=string.printable + "éαβ→\x00", max_size=60))
def test_smiles_and_names(text):
    from nanoligand.ligands import ligand

    lig = clean(ligand, text)
    if lig is not None:
        clean(lambda: lig.to_dict(three_d=False))


CLI = [["size", "PbS"], ["color"], ["levels", "PbS"], ["ligands"], ["titrate", "examples/titration.yaml"],
       ["build", "PbS"], ["composition"], ["query", "nope.parquet"]]
OPTIONS = ["-d", "--diameter-nm", "--wavelength-nm", "--peak-nm", "--fwhm-nm", "--edge-nm", "--equivalents", "--kind",
           "--observable", "--icp", "--tga-loss", "--search", "--shape", "-o", "--json", "--aspect", "--per"]


@fuzz
@given(st.sampled_from(CLI), st.lists(st.tuples(st.sampled_from(OPTIONS), scalars.map(str)), max_size=3))
def test_command_line(capsys, base, pairs):
    from nanoligand.cli import main

    os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = [*base, *(x for pair in pairs for x in pair)]
    args = [a.replace("\x00", "") for a in args if not a.endswith((".pdb", ".xyz", ".json", ".csv", ".png"))]
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), args
    if code:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "internal error" not in lines[0], (args, err)
