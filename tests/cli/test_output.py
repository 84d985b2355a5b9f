"""Human output a chemist can read in an 80-column terminal (reviewer's issue): no line wider than the
terminal, no word of a name or SMILES split across lines, a unit or scale on every number, citations as
author–year with the full reference in --json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nanoligand.cli import _common, main

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 80


@pytest.fixture
def narrow(monkeypatch):
    """An 80-column terminal: the environment variable and the console the commands print to."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setattr(_common.out, "_width", WIDTH)


def run(capsys, *args) -> list[str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out.splitlines()


def run_json(capsys, *args):
    code = main([*args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def assert_fits(lines: list[str]) -> None:
    wide = [line for line in lines if len(line.rstrip()) > WIDTH]
    assert not wide, f"{len(wide)} lines wider than {WIDTH} columns, e.g. {wide[0]!r}"


def whole(word: str, lines: list[str]) -> bool:
    """``word`` appears on one line with a space, a line edge or punctuation of a list on either side."""
    pattern = re.compile(r"(?:^|(?<=[\s,(]))" + re.escape(word) + r"(?=$|[\s,;)])")
    return any(pattern.search(line) for line in lines)


def table_body(lines: list[str]) -> list[str]:
    """The rows of the first table: after its header rule, up to the first line that is not indented as a row."""
    start = next(i for i, line in enumerate(lines) if set(line.strip()) == {"─"})
    body = []
    for line in lines[start + 1:]:
        if not line.strip() or line.endswith(".") or ": " in line and not line.startswith(" "):
            break
        body.append(line)
    return body


# -- design ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [("-m", "CsPbBr3", "-s", "ethanol", "-a", "led", "--top", "10"),
                                  ("-m", "CdSe", "-s", "toluene")])
def test_design_table_fits_and_keeps_names_whole(capsys, narrow, args):
    recs = run_json(capsys, "design", *args)
    lines = run(capsys, "design", *args)
    assert_fits(lines)
    body = table_body(lines)
    assert len(body) >= len(recs)
    legend = {m.group(1): m.group(2) for m in (re.match(r"(\S+) = (.+)$", line) for line in lines) if m}
    for r in recs:
        shown_whole = all(whole(w, body) for w in r["name"].split())
        abbreviated = any(name == r["name"] and whole(label, body) for label, name in legend.items())
        assert shown_whole or abbreviated, f"{r['name']!r} is neither whole nor abbreviated with a legend"
    # the header's second line gives each column's scale or unit: scores 0–1, the spacing in nm
    assert "score" in lines[1] and "spacing" in lines[1]
    assert lines[2].count("0–1") >= 5 and lines[2].rstrip().endswith("nm")
    text = " ".join(lines)
    assert "score: weighted total of the criteria, 0–1" in text and re.search(r"spacing: [^.]*, nm", text)


def test_design_abbreviates_a_name_longer_than_its_room(capsys, monkeypatch):
    """A 40-column terminal: long library names become a synonym or label spelled out under the table."""
    monkeypatch.setattr(_common.out, "_width", 40)
    recs = run_json(capsys, "design", "-m", "CdSe", "-s", "toluene", "--top", "5")
    lines = run(capsys, "design", "-m", "CdSe", "-s", "toluene", "--top", "5")
    assert all(len(line.rstrip()) <= 40 for line in table_body(lines))
    body = table_body(lines)
    legend = {m.group(1): m.group(2) for m in (re.match(r"(\S+) = (.+)$", line) for line in lines) if m}
    for r in recs:
        if not all(whole(w, body) for w in r["name"].split()):
            assert any(name == r["name"] and whole(label, body) for label, name in legend.items()), r["name"]
    # "tetradecylphosphonic acid" (a 20-letter word) cannot be whole in 40 columns beside the scores
    assert "tetradecylphosphonic acid" in legend.values()


# -- screen and query -----------------------------------------------------------------------------------
@pytest.fixture
def hits(tmp_path, capsys, narrow):
    out = tmp_path / "hits.parquet"
    lines = run(capsys, "screen", str(ROOT / "examples" / "ligands.smi"), "-m", "CdSe", "-s", "toluene", "-o",
                str(out), "--workers", "0")
    return out, lines


def test_screen_summary_has_units(hits):
    _, lines = hits
    assert_fits(lines)
    text = " ".join(lines)
    assert re.search(r"scored in [\d.]+ s\b", text)
    assert "0–1" in text


def test_query_shows_the_columns_that_fit_and_names_the_rest(hits, capsys, narrow):
    path, _ = hits
    rows = run_json(capsys, "query", str(path), "SELECT * FROM hits")
    columns = list(rows[0])
    lines = run(capsys, "query", str(path), "SELECT * FROM hits")
    assert_fits(lines)
    rule = next(i for i, line in enumerate(lines) if set(line.strip()) == {"─"})
    header = lines[rule - 1].split()
    left_out = " ".join(lines[rule:])
    for c in columns:     # each column is shown under its whole name, or named as left out
        assert c in header or re.search(rf"\b{c}\b", left_out), c
    assert {"id", "smiles", "score"} <= set(header)
    # not hundreds of one-letter lines: at most a few lines per row
    assert len(lines) < 6 * len(rows) + 12
    assert "-o" in left_out and "--json" in left_out
    # every SMILES and every id word of the screen is whole on a line
    body = lines[rule + 1:]
    for r in rows:
        assert whole(r["smiles"], body)
        assert all(whole(w, body) for w in r["id"].split())
    assert "score 0–1" in left_out


# -- ligands --------------------------------------------------------------------------------------------
def test_ligands_search_keeps_names_synonyms_and_smiles_whole(capsys, narrow):
    from nanoligand.ligands import library

    entries = library.search("thiol")
    lines = run(capsys, "ligands", "--search", "thiol")
    assert_fits(lines)
    for e in entries:
        for word in e["name"].split():
            assert whole(word, lines), (e["name"], word)
        for syn in e.get("synonyms", []):
            for word in str(syn).split():
                assert whole(word, lines), (syn, word)
        if len(e["smiles"]) <= WIDTH - 10:
            assert whole(e["smiles"], lines), e["smiles"]
    assert "[:" not in "".join(lines)


def test_ligand_long_smiles_is_cut_between_atoms(capsys, narrow):
    name = "phosphotungstate (Wells-Dawson)"
    smiles = run_json(capsys, "ligand", name, "--no-3d")["smiles"]
    lines = run(capsys, "ligand", name, "--no-3d")
    assert_fits(lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("SMILES"))
    pieces = [lines[start][len("SMILES"):].strip()]
    for line in lines[start + 1:]:
        if line[:1] != " ":
            break
        pieces.append(line.strip())
    assert len(pieces) > 1 and "".join(pieces) == smiles
    assert_cut_between_tokens(pieces)


def assert_cut_between_tokens(pieces: list[str]) -> None:
    """No cut inside a bracket atom, Cl/Br, a ring-closure number %nn or a dative bond (-> or <-)."""
    for piece in pieces:
        assert piece.count("[") == piece.count("]"), piece
    for p, q in zip(pieces, pieces[1:]):
        assert not (p.endswith("C") and q.startswith("l")) and not (p.endswith("B") and q.startswith("r"))
        assert not re.search(r"%\d?$", p), (p, q)
        assert not (p.endswith("<") and q.startswith("-")) and not (p.endswith("-") and q.startswith(">"))


def test_ligand_card_fits_with_units(capsys, narrow):
    lines = run(capsys, "ligand", "OA", "-m", "CdSe")
    assert_fits(lines)
    text = "\n".join(lines)
    assert whole("CCCCCCCC/C=C\\CCCCCCCC(=O)O", lines)
    assert "g/mol" in text and "Å²" in text and "nm²" in text and "MPa½" in text
    assert "0–1" in text          # the HSAB match score says its scale


# -- QLED records ---------------------------------------------------------------------------------------
def test_qled_cites_author_year_from_the_seed_reference_list(capsys, narrow):
    """Seed 001, References: '[145] Feng Y, Li H, ... 2024 Nucleophilic reaction-enabled chloride
    modification on CsPbI3 quantum dots ... Angew. Chem., Int. Ed. 63 e202318777' (and §4: 'Feng et al
    provided ... an EQE of up to 26.1% ... [145]'); '[140] Wang Y-K et al 2022 ... Adv. Mater. 34 2200854'."""
    lines = run(capsys, "qled", "--color", "red")
    assert_fits(lines)
    row = next(line for line in lines if line.startswith("Cl-") and "26.1" in line)
    assert "Feng et al. 2024" in row
    row = next(line for line in lines if line.startswith("I-") and "24.4" in line)
    assert "Wang et al. 2022" in row
    assert not re.search(r"\[\d+\]", "\n".join(lines)), "bare reference numbers in the table"
    assert re.search(r"EQE", lines[1] + lines[2]) and "%" in lines[2] and "nm" in lines[2]
    records = run_json(capsys, "qled", "--color", "red")
    feng = next(r for r in records if r["ref"] == "[145]")
    assert feng["cite"] == "Feng et al. 2024" and feng["journal"] == "Angew. Chem., Int. Ed."
    assert feng["reference"].startswith("Feng Y, Li H") and "e202318777" in feng["reference"]


def test_qled_green_cites_li_2018_for_chloride_on_cdse_zns(capsys, narrow):
    """Seed 001 §4: 'Li et al used chloride ions to passivate the surface of CdSe/ZnS core-shell QDs ...
    460 000 cd·m⁻² [37]'; References: '[37] Li X et al 2018 ... Nat. Photon. 12 159'."""
    lines = run(capsys, "qled", "--color", "green")
    row = next(line for line in lines if line.startswith("Cl-"))
    assert "Li et al. 2018" in row


def test_every_qled_reference_number_is_resolved_from_the_seed():
    from nanoligand.tables import load_table

    t = load_table("qled_seed001.yaml")
    assert "reference list" in t["references_source"] and "seed 001" in t["references_source"]
    for r in t["rows"]:
        ref = t["references"][r["ref"]]
        year = re.search(r"\b(?:19|20)\d\d\b", ref["reference"]).group(0)
        assert ref["cite"].endswith(year) and ref["reference"].startswith(ref["cite"].split()[0])
        assert ref["journal"] in ref["reference"]


# -- conjugate ------------------------------------------------------------------------------------------
UNITS = r"(?:%|h|min|s|days|M⁻¹ s⁻¹|M)"


@pytest.mark.parametrize("args", [("--np", "MPA", "--bio", "amine", "--pH", "7.5"),
                                  ("--np", "azide", "--bio", "DBCO", "--np-conc-M", "1e-6", "--bio-conc-M", "1e-5"),
                                  ("--np", "carboxyl", "--bio", "amine", "--np-conc-M", "1e-6", "--bio-conc-M",
                                   "1e-5", "--k-M-1-s-1", "10")])
def test_conjugate_numbers_carry_units(capsys, narrow, args):
    lines = run(capsys, "conjugate", *args)
    assert_fits(lines)
    # the computed lines (not the quoted source and warning text): every number has its unit or is a pH
    computed = [line for line in lines if line.startswith("  ") and not line.startswith(("  !", "  source:", "    "))]
    for line in computed:
        label, _, value = line.partition(": ")
        for m in re.finditer(r"(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?(?:–\d+(?:\.\d+)?)?", value):
            after, before = value[m.end():], value[:m.start()]
            assert re.match(rf" ?{UNITS}\b| ?%", after) or before.endswith("pH "), (line, m.group(0))


# -- the helpers ----------------------------------------------------------------------------------------
words = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters="[]"),
                min_size=1, max_size=14)
cells = st.lists(words, min_size=1, max_size=4).map(" ".join)


@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=5))
def test_fit_table_never_splits_a_word(rows):
    from rich.console import Console

    console = Console(width=WIDTH, highlight=False)
    t, dropped = _common.fit_table(["first", "second column", "third"], rows, width=WIDTH, drop_order=[2, 1])
    with console.capture() as cap:
        console.print(t)
    lines = cap.get().splitlines()
    assert_fits(lines)
    kept = [i for i, h in enumerate(["first", "second column", "third"]) if h not in dropped]
    for r in rows:
        for i in kept:
            for word in r[i].split():
                assert any(word in line.split() for line in lines), word


def test_wrap_smiles_cuts_between_tokens():
    smiles = "ClC[C@@H](Br)C%10CC[N+](C)(C)C%10->[W]<-Cl"
    for width in range(3, 12):
        pieces = _common.wrap_smiles(smiles, width)
        assert "".join(pieces) == smiles
        assert all(len(p) <= width or p.startswith("[") for p in pieces)
        assert_cut_between_tokens(pieces)
