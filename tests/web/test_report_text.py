"""The report's text (reviewer's issue): nothing cut mid-sentence, a unit on every number of its tables,
citations in the text as author–year with the full reference in the Sources list.

A small study (a 2.4 nm PbS dot with its seed-004 shell, one titration, the optics) keeps this file fast;
tests/web/test_web.py reports the main 4.8 nm job.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from nanoligand.tables import load_table
from nanoligand.web.report import author_year, write_report

SPEC = {"material": "PbS", "diameter_nm": 2.4, "shape": "truncated-octahedron", "termination": "seed004",
        "shell": "native",
        "equilibria": {"preset": "seed004", "options": {"conc_M": 1.0e-4, "solvent": "toluene"},
                       "experiments": [{"kind": "titration", "add": "OAH", "equivalents": "0:200:5",
                                        "observable": "bound:OA"},
                                       {"kind": "solvents", "solvents": ["toluene", "chloroform"],
                                        "observable": "free:OA"}]},
        "properties": {"optics": True, "levels": True}}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "small.html"
    result = write_report(SPEC, out)
    return result, out.read_text(encoding="utf-8")


class _Tables(HTMLParser):
    """Each <table> of the page as (header cells, body rows), text only."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._in_head = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            head, body = self.tables[-1]
            (head.extend if self._in_head else body.append)(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(text: str):
    p = _Tables()
    p.feed(text)
    return p.tables


def test_calibration_text_is_whole(report):
    """The calibrated parameters' description (data/equilibria.yaml) is in the report in full, not cut
    at 600 characters."""
    _, text = report
    calibration = " ".join(load_table("equilibria.yaml")["seed004"]["calibration"].split())
    assert len(calibration) > 600
    assert html.escape(calibration, quote=True) in text
    assert "Dilution is not fitted: it follows from mass action and is checked." in html.unescape(text)


def test_every_source_is_listed_whole(report):
    result, text = report
    rows = next(body for head, body in tables(text) if head[-1:] == ["full reference"])
    assert [r[-1] for r in rows] == [src for _, src in result.sources]


def test_citations_in_the_text_are_author_year(report):
    """seed 004 is Grisorio, Debellis, Suranna, Gigli, Giansante, Angew. Chem. Int. Ed. 2016: the plots'
    captions cite it as 'Grisorio et al. 2016'; the sizing curve is Moreels et al., ACS Nano 2009."""
    _, text = report
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", text, re.S)
    assert captions and all("Grisorio et al. 2016" in c for c in captions if "titration" in c)
    assert any("Moreels et al. 2009" in c for c in captions)
    assert not any("ACS Nano 2009, 3, 3023" in c for c in captions)     # the full reference is in Sources
    sources = next(body for head, body in tables(text) if head[-1:] == ["full reference"])
    model = next(r for r in sources if r[0] == "equilibrium model")
    assert model[1] == "Grisorio et al. 2016" and "Angew. Chem. Int. Ed. 2016, 55, 6628" in model[2]


def test_every_non_integer_number_in_a_table_has_a_unit(report):
    """A fraction, an energy, a length ...: its column header or row label names its unit in parentheses
    (counts of atoms, faces or ligands are integers and name what they count)."""
    _, text = report
    checked = 0
    for head, body in tables(text):
        if head[-1:] == ["full reference"]:
            continue            # the Sources list quotes its references
        for row in body:
            for k, cell in enumerate(row):
                for number in re.findall(r"-?\d+\.\d+(?: × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?", cell):
                    if re.search(r"[A-Za-z]\d", cell) or "{" in cell:
                        continue        # a formula (Pb201S116) or a facet family, not a quantity
                    if head[0] == "quantity" and k == 0:
                        continue
                    label = row[0] if head[0] == "quantity" else head[k]
                    checked += 1
                    assert "(" in label, f"{number} under {label!r} has no unit"
    assert checked > 10


def test_author_year_of_the_packaged_sources():
    assert author_year("Moreels et al., ACS Nano 2009, 3, 3023, eq 4") == "Moreels et al. 2009"
    assert author_year("Sze 1981 (0.41 eV, 300 K)") == "Sze 1981"
    # a database entry or a web page has no author–year: it is cited by its full text
    assert author_year("COD 9008694 (R. W. G. Wyckoff, Crystal Structures, 2nd ed., vol. 1, Interscience 1963)") is None
    assert author_year("Wikipedia 'Cadmium telluride' infobox (1.5 eV at 300 K, direct), secondary") is None
