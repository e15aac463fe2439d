"""The second example deck (issue #10, point 8): DAPA-HF, a published cardiology trial, built on
shipped layouts it does not own, with a table of estimates and charts whose unit is not percent,
in two targets (en-GB, de-DE). Expected texts are worked out here from study.yaml as read by
PyYAML, never from posterdeck's own formatting."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import DATA, LAYOUTS_DIR, norm, pdftotext_pages, read_yaml

DAPA = DATA / "dapa-hf"
TARGETS = ("en-GB", "de-DE")
DASH = "\u2013"


@pytest.fixture(scope="module")
def study() -> dict:
    return read_yaml(DAPA / "study.yaml")


@pytest.fixture(scope="module")
def dapa_build(tmp_path_factory) -> Path:
    from posterdeck import api

    out = tmp_path_factory.mktemp("dapa-out")
    results = api.build(DAPA, targets=list(TARGETS), out=out, strict=True)
    assert all(not r.warnings for r in results), [r.warnings for r in results]
    return out / "dapa-hf"


def local(text: str, tag: str) -> str:
    """A number written the way the target's language writes it (decimal comma in German)."""
    return text.replace(".", ",") if tag.startswith("de") else text


def hr_text(leaf: dict, tag: str) -> str:
    lo, hi = leaf["ci"]
    return local(f"{leaf['value']:.2f} ({lo:.2f}{DASH}{hi:.2f})", tag)


def test_the_deck_owns_no_layout_and_uses_shipped_ones():
    deck = read_yaml(DAPA / "deck.yaml")["deck"]
    for kind in ("poster", "deck"):
        assert (LAYOUTS_DIR / f"{deck['outputs'][kind]}.yaml").is_file()
    assert not list(DAPA.glob("*layout*")), "the deck folder holds no layout of its own"
    assert deck["targets"] == list(TARGETS)


def test_every_source_figure_is_cited_to_the_publication(study):
    refs = read_yaml(DAPA / "references.yaml")["references"]
    assert [r["id"] for r in refs] == ["mcmurray2019"]
    assert refs[0]["DOI"] == "10.1056/NEJMoa1911303"
    content = (DAPA / "content.yaml").read_text(encoding="utf-8")
    assert not re.search(r"(?<![\w.{|])\d+\.\d+(?![\w}])", re.sub(r"\{\{[^}]*\}\}", "", content)), \
        "no decimal number is typed into content.yaml: every figure comes from study.yaml"


@pytest.mark.parametrize("tag", TARGETS)
def test_the_table_of_estimates_is_the_same_in_both_outputs(dapa_build, study, tag):
    rows = study["tables"]["outcomes"]["rows"]
    leaves = study["results"]
    hrs = [hr_text(leaves[r["cells"][2].split(".")[1]]["hr"], tag) for r in rows]
    pptx = dapa_build / tag / "deck.pptx"
    table = next(sh.table for slide in Presentation(str(pptx)).slides for sh in slide.shapes
                 if getattr(sh, "has_table", False) and sh.has_table and sh.name == "table:outcomes")
    cells = [[norm(c.text) for c in r.cells] for r in table.rows]
    assert [r[-1] for r in cells[-len(rows):]] == hrs
    for r, row in zip(rows, cells[-len(rows):]):
        count = leaves[r["cells"][0].split(".")[1]]["dapa"]
        pct = 100 * count["n"] / study["populations"]["dapa"]["n"]
        assert row[1] == local(f"{count['n']} ({pct:.1f})", tag)
    for pdf in ("deck.pdf", "poster.pdf"):
        text = norm(" ".join(pdftotext_pages(dapa_build / tag / pdf)))
        for hr in hrs:
            assert hr in text, (pdf, hr)


@pytest.mark.parametrize("tag", TARGETS)
def test_event_rates_are_not_percentages(dapa_build, study, tag):
    """A chart in events per 100 patient-years: its labels carry no '%' in either output, its
    axis is titled with the unit's label in the target's language."""
    rates = [study["results"][k][f"rate_{arm}"]["number"] for k in ("primary", "worsening_hf", "cv_death", "death")
             for arm in ("dapa", "placebo")]
    labels = [local(f"{r:.1f}", tag) for r in rates]
    with zipfile.ZipFile(dapa_build / tag / "deck.pptx") as z:
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if re.match(r"ppt/charts/chart\d+\.xml$", n)]
    chart = next(c for c in charts if "15.6" in c)  # the event-rate chart (values in the cache)
    fmt = re.findall(r'formatCode="([^"]*)"', chart)
    assert fmt and not any("%" in f for f in fmt), fmt
    unit = study["units"]["per_100_py"]["label"][tag[:2]]
    page = next(p for p in pdftotext_pages(dapa_build / tag / "deck.pdf") if unit in norm(p))
    for label in labels:
        assert label in page and f"{label}%" not in page.replace(" ", ""), label


def test_the_german_target_reads_as_german(dapa_build, study):
    text = norm(" ".join(pdftotext_pages(dapa_build / "de-DE" / "deck.pdf")))
    months = local(str(study["results"]["followup"]["value"]), "de-DE")
    assert f"{months} Monate" in text  # CLDR's unit name, not '%' and not English
    assert "März 2025" in text
    assert "forxiga-epar-product-information_de.pdf" in "".join(
        str(a.get("/A", {}).get("/URI", "")) for a in _links(dapa_build / "de-DE" / "deck.pdf"))


def _links(pdf: Path) -> list:
    from pypdf import PdfReader

    out = []
    for page in PdfReader(str(pdf)).pages:
        for annot in page.get("/Annots") or []:
            out.append(annot.get_object())
    return out
