"""Every command of the README's "Using it" block runs, as written, and succeeds (issue: README true to
the code). The commands run in order in a scratch folder holding a copy of ``examples/`` (later commands
read what earlier ones wrote: ``validate pbs.pdb``, ``query hits.parquet``); then the Python example.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from nanoligand.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str, fence: str = "```\n") -> str:
    start = README.index(fence, README.index(after)) + len(fence)
    return README[start:README.index("```", start)]


COMMANDS = [line for line in _block("## Using it").splitlines() if line.startswith("nanoligand ")]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", d / "examples")
    return d


def test_the_block_lists_the_commands():
    assert len(COMMANDS) >= 25
    assert {c.split()[1] for c in COMMANDS} >= {"build", "validate", "titrate", "fit", "design", "report"}


@pytest.mark.parametrize("line", COMMANDS, ids=[c[11:50] for c in COMMANDS])
def test_readme_command(line, workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    args = shlex.split(line, comments=True)[1:]
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, f"{line}\n{err}"
    for path in re.findall(r"-o (\S+)", line):
        assert (workdir / path).exists(), f"{line}: {path} not written"


def test_readme_python_example(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    code = _block("```python", "```python\n")
    namespace: dict = {"list_of_smiles": ["OC(=O)CCS", "SCCS"]}
    exec(compile(code, "README.md", "exec"), namespace)
    capped = namespace["capped"]
    assert capped.validate().ok and capped.net_charge == 0
