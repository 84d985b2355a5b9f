"""Citations in what the program prints: author–year where the seed's reference list resolves a number,
the number kept and marked where it does not (seed 000's text has no reference list), the full references
in --json."""

from __future__ import annotations

import json
import re

from nanoligand.cli import main
from nanoligand.design import bioconj
from nanoligand.design.bioconj import cite_text, conjugation_plan, references_in, table
from nanoligand.design.context import DesignContext
from nanoligand.design.recommend import library_features
from nanoligand.design.score import precedent_score
from nanoligand.tables import load_table

BARE = re.compile(r"\[\d{2,3}(?:[–,\s-]+\d+)*\]")


def _texts(chem: dict) -> list[str]:
    out = [chem["source"], chem.get("product") or "", *chem.get("warnings", []),
           (chem.get("loss") or {}).get("source", "")]
    return out + [v.get("source", "") for v in (chem.get("variants") or {}).values()]


def test_every_bioconjugation_number_resolves_or_says_why():
    t = table()
    assert t["references_source"].startswith("seed 000")
    nums = {r["ref"] for c in t["chemistries"] for r in references_in(*_texts(c))}
    # ranges count number by number: [319–324] is 319 ... 324
    assert {"[319]", "[321]", "[324]", "[330]", "[333]"} <= nums
    for n in nums:
        r = t["references"].get(n)
        assert r is not None, f"{n} used in bioconjugation.yaml but not under references"
        assert r["cite"] or r["unresolved"], n          # resolved, or the reason it is not
        if r["cite"]:
            assert r["reference"] and re.search(r"\b(?:19|20)\d\d\b", r["reference"])
    assert set(t["references"]) == nums                  # no entry for a number the data does not use


def test_named_first_authors_are_the_seeds_own():
    """Seed 000 has no reference list, but its sentences name some first authors with the number:
    §3.3.1 'Gole et al. used a carboxylate-rich polymer to coat the surface of gold nanorods ...315';
    §3.3.3 'reviews by Koniev et al.325'; §3.3.4.1 'Bevilac-qua et al. demonstrated CuAAC ... in living
    cells.334'; §3.3.4.2 'Oliveria et al. demonstrated ... 0.21 M-1 s-1,337' and '... by Oliveria et al.329'."""
    refs = table()["references"]
    named = {k: v["named_in_text"] for k, v in refs.items() if v.get("named_in_text")}
    assert named == {"[315]": "Gole et al.", "[325]": "Koniev et al.", "[329]": "Oliveria et al.",
                     "[334]": "Bevilacqua et al.", "[337]": "Oliveria et al."}
    assert all(v["cite"] is None and "reference list" in v["unresolved"] for v in refs.values())  # nothing guessed


def test_cite_text_forms():
    assert cite_text("seed 000 §3.3.2 [319–324]") == "seed 000 §3.3.2 (refs 319–324)"
    assert cite_text("x [315]; y") == "x (ref. 315 Gole et al.); y"
    assert cite_text("[329–334]") == "(refs 329 Oliveria et al., 330–333, 334 Bevilacqua et al.)"
    assert cite_text("no numbers, [4+2] kept") == "no numbers, [4+2] kept"


def test_a_resolved_number_prints_author_year(monkeypatch):
    # the same path seed 001 uses: a number with a cite prints it (seed 001 reference list entry [137]:
    # 'Yang J-N et al 2023 Pseudohalogen resurfaced CsPbBr₃ nanocrystals ... Nano Lett. 23 3385–93')
    t = dict(table())
    t["references"] = {**t["references"], "[315]": load_table("qled_seed001.yaml")["references"]["[137]"]}
    monkeypatch.setattr(bioconj, "table", lambda: t)
    assert cite_text("§3.3.1 [315, 318]") == "§3.3.1 (Yang et al. 2023; ref. 318)"


def test_conjugate_prints_no_bare_reference_numbers(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for args in (["--np", "MPA", "--bio", "amine", "--pH", "7.5"], ["--np", "azide", "--bio", "alkyne"],
                 ["--np", "tetrazine", "--bio", "TCO"], ["--np", "maleimide", "--bio", "thiol"],
                 ["--np", "azide", "--bio", "BARAC"], ["--np", "epoxide", "--bio", "amine"]):
        assert main(["conjugate", *args]) == 0
        text = capsys.readouterr().out
        assert not BARE.search(text), (args, BARE.search(text))
        assert "reference list" in text                  # the note saying why numbers stay numbers
    assert main(["conjugate", "--np", "MPA", "--bio", "amine", "--pH", "7.5"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "seed 000 §3.3.1 (ref. 315 Gole et al.)" in text and "seed 000 §3.3.2 (refs 319–324)" in text


def test_conjugate_json_lists_the_references(capsys):
    assert main(["conjugate", "--np", "MPA", "--bio", "amine", "--pH", "7.5", "--json"]) == 0
    plans = {p["chemistry"]: p for p in json.loads(capsys.readouterr().out)}
    refs = {r["ref"]: r for r in plans["nhs_ester"]["references"]}
    # source [319–324], the warning [320, 321], the product [324], the half-life source [322, 323]
    assert set(refs) == {f"[{n}]" for n in range(319, 325)}
    assert all(set(r) >= {"cite", "journal", "reference", "unresolved"} for r in refs.values())
    assert plans["edc"]["references"][0]["named_in_text"] == "Gole et al."
    assert [r["ref"] for r in conjugation_plan("azide", "BARAC")[0].references] == ["[329]", "[335]", "[336]"]


def test_design_precedent_cites_author_year():
    """Seed 001 reference list entry [137] 'Yang J-N et al 2023 ... Nano Lett.' is Table 2's SCN-/CsPbBr3 row;
    [149] and [151] are both 'Yang et al. 2020' (Adv. Funct. Mater., J. Am. Chem. Soc.): the journal tells
    them apart."""
    ctx = DesignContext.create("CsPbBr3", "toluene", "led")
    scn = next(f for f in library_features() if f.entry and str(f.entry.get("formula", "")).startswith("SCN"))
    _, cites = precedent_score(scn, ctx)
    assert "seed 001 Table 2, Yang et al. 2023: SCN- on CsPbBr3, EQE 17.3 %" in cites
    assert not any(BARE.search(c) for c in cites if c.startswith("seed 001 Table 2"))
    from nanoligand.tables import cite_label
    refs = load_table("qled_seed001.yaml")["references"]
    assert cite_label(refs, "[149]") == "Yang et al. 2020, Adv. Funct. Mater."
    assert cite_label(refs, "[151]") == "Yang et al. 2020, J. Am. Chem. Soc."
    assert cite_label(refs, "[999]") is None
