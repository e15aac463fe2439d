"""The README's minimal deck builds as written: its code blocks (```yaml file=data/example/NAME)
are extracted from README.md, saved into a fresh project with the shipped layouts and shared
files, checked and built; the outputs show the example's numbers as the README says."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import LAYOUTS_DIR, ROOT, SHARED_DIR, pdftotext_pages

BLOCK = re.compile(r"^```yaml file=(data/example/[\w.-]+)\n(.*?)^```", re.S | re.M)


def readme_files() -> dict[str, str]:
    return {name: text for name, text in BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))}


def test_the_readme_gives_every_file_of_the_minimal_deck():
    assert set(readme_files()) == {f"data/example/{n}" for n in
                                   ("deck.yaml", "study.yaml", "content.yaml", "references.yaml", "glossary.yaml")}


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    for name, text in readme_files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root / "data" / "example"


def test_the_readme_example_checks_clean_and_builds(example, tmp_path):
    from posterdeck import api

    _, warnings = api.check(example)
    assert warnings == [], warnings  # no undefined abbreviation, unused reference or chart
    (result,) = api.build(example, out=tmp_path / "out")
    folder = tmp_path / "out" / "example" / "en-GB"
    assert {"poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf"} <= {p.name for p in folder.iterdir()}
    slides = " ".join(pdftotext_pages(folder / "deck.pdf")).replace("\n", " ")
    # the numbers come from study.yaml: 84/200 and 51/198, the HR as written
    for text in ("More patients responded with examplumab", "42.0% vs 25.8%", "HR 0.78 (95% CI, 0.61", "HR=hazard ratio"):
        assert text in slides, (text, slides)
    # its one section is short for A1 (the page is not filled: that warning stays), but no flow
    # column is left empty beside it
    assert not [w for w in result.warnings if "unbalanced" not in w or "no panels" in w], result.warnings


def test_extract_writes_catalogues_for_the_other_languages_only_as_the_readme_says(example, tmp_path):
    from posterdeck.i18n import extract

    shutil.copytree(example.parents[1], tmp_path / "project")  # a project of its own: i18n/ is written there
    deck = tmp_path / "project" / "data" / "example"
    assert extract(deck) == []  # every target is in the source language: no catalogue
    assert not (deck / "i18n").exists()
    (result,) = extract(deck, ["de"])
    po = result.path.read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r'```po\n(msgctxt "[^"]+")\n(msgid "[^"]+")\n', readme)
    assert shown and f"{shown.group(1)}\n{shown.group(2)}\nmsgstr \"\"" in po, po


def _body_panels(example: Path, extra_sections: str = "") -> tuple[dict, list[str]]:
    """The README deck (with ``extra_sections`` appended to its content) composed in-process: its
    poster's panel rectangles by role, and the poster's warnings."""
    from posterdeck.compose.build import compose
    from posterdeck.loading.deck import load_deck
    from posterdeck.pagemodel import Rect
    from posterdeck.resolve.target import make_target

    if extra_sections:
        deck = example.parent / "example-more"
        shutil.copytree(example, deck)
        content = deck / "content.yaml"
        text = content.read_text(encoding="utf-8")
        content.write_text(text.replace("\ncharts:\n", "\n" + extra_sections + "charts:\n"), encoding="utf-8")
        example = deck
    model = load_deck(example)
    doc = compose(model, make_target("en-GB", model.info, model.markets))["poster"]
    rects = {b.role: b for b in doc.pages[0].boxes if isinstance(b, Rect) and b.role.startswith("panel:")}
    return rects, doc.warnings


SECOND = """  - id: death
    tab: Survival
    headline: "Fewer patients died with examplumab"
    body:
      - "Death from any cause: HR {{ results.death.hr | with_ci }}; {{ results.death.p }}.[@example2026]"
"""


def test_one_section_on_three_flow_columns_leaves_no_column_empty(example):
    """The single section takes the first column; the two empty flow columns give their width away
    but two columns stay (the section beside references and closing), so lines stay short."""
    rects, warnings = _body_panels(example)
    section, refs = rects["panel:response"], rects["panel:references"]
    assert section.x < refs.x  # reading order: the section first
    assert not [w for w in warnings if "no panels" in w], warnings
    body = refs.x + refs.w - section.x
    assert section.w == pytest.approx(refs.w, rel=0.3) and section.w < 0.6 * body  # two columns, not one


def test_two_sections_on_three_flow_columns_leave_no_column_empty(example):
    rects, warnings = _body_panels(example, SECOND)
    response, death, refs = rects["panel:response"], rects["panel:death"], rects["panel:references"]
    assert not [w for w in warnings if "no panels" in w], warnings
    # in content order, left to right, nothing empty between or before them
    assert response.x < refs.x and (death.x >= response.x)
    left = min(r.x for r in rects.values() if r.role != "panel:title")
    assert response.x == pytest.approx(left, abs=0.5)
