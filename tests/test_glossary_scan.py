"""The abbreviation scan (audit of a deck written from the README alone).

* A word inside a proper name is no use of a glossary term: a slide that names DAPA-HF (a
  proper name) and says HF nowhere else lists no 'HF=heart failure' in its footer.
* `check` flags every undefined abbreviation a page shows: 'CV' in a chart category (it was
  taken for the roman numeral 105), the study's labels and table terms too.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import DATA, LAYOUTS_DIR, SHARED_DIR, pdftotext_pages

from posterdeck.resolve.glossary import terms_used, undefined_abbreviations
from posterdeck.schema.glossary import Glossary

DAPA = "dapa-hf"


def _project(root: Path) -> Path:
    shutil.copytree(DATA / DAPA, root / "data" / DAPA)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    return root / "data" / DAPA


def test_words_inside_proper_names_are_no_use_of_a_term():
    g = Glossary(glossary={"HF": "heart failure", "CV": "cardiovascular"}, proper_names=["DAPA", "DAPA-HF"])
    assert terms_used("DAPA-HF randomized 4744 patients", g) == set()
    assert terms_used("In DAPA-HF, HF worsened less often", g) == {"HF"}
    assert terms_used("CV death (DAPA)", g) == {"CV"}


@pytest.mark.parametrize("text, flagged", [
    ("CV death", ["CV"]), ("LV function", ["LV"]), ("NYHA class II-IV", ["NYHA"]), ("phase III", []),
    ("XXI century", []), ("VI", []), ("HF hospitalization", ["HF"])])
def test_roman_numerals_are_small_ones_only(text, flagged):
    assert undefined_abbreviations(text, Glossary(glossary={}, proper_names=[])) == flagged


def test_a_slide_naming_only_the_trial_lists_no_term_from_its_name(tmp_path):
    from posterdeck import api

    deck = _project(tmp_path / "project")
    (deck / "glossary.yaml").write_text("glossary:\n  HF: heart failure\nproper_names: [DAPA-HF]\n", encoding="utf-8")
    (result,) = api.build(deck, targets=["en-GB"], out=tmp_path / "out")
    pages = pdftotext_pages(tmp_path / "out" / DAPA / "en-GB" / "deck.pdf")
    named = [i for i, p in enumerate(pages) if "DAPA-HF" in p]
    assert named, "the trial is named on some slide"
    for i in named:
        assert "HF=heart failure" not in pages[i].replace("\n", " "), f"slide {i + 1}: {pages[i]}"
    assert any("HFrEF=" in p.replace("\n", " ") or "LVEF=" in p.replace("\n", " ") for p in pages), \
        "the footer lists the terms the slides do use"


def test_check_flags_cv_in_a_chart_category_and_the_studys_texts(tmp_path):
    from posterdeck.lint import lint
    from posterdeck.loading.deck import load_deck

    deck = _project(tmp_path / "project")
    content = deck / "content.yaml"
    content.write_text(content.read_text(encoding="utf-8").replace(
        '"Cardiovascular death"', '"CV death"'), encoding="utf-8")
    study = deck / "study.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace(
        "label: Randomized patients", "label: Randomized patients (FAS)"), encoding="utf-8")
    warnings = lint(load_deck(deck))
    cv = [w for w in warnings if "'CV' looks like an abbreviation" in w]
    assert len(cv) == 1 and "content.yaml:69:" in cv[0], warnings
    fas = [w for w in warnings if "'FAS' looks like an abbreviation" in w]
    assert len(fas) == 1 and "study.yaml:20:" in fas[0], warnings
