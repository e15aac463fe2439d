"""Every text a page shows is a review item of its own (issue 15, a user's report): a reworded
translation invalidates that language's text item only, a changed value invalidates no text;
stale approvals.yaml entries and claims no text states are reported at their file:line; check
reports approvals as build does. The fixture is a small deck written from the README by a user
(PARADIGM-HF, with a German translation)."""
from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import LAYOUTS_DIR, SHARED_DIR, error_lines, run_cli

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "review" / "paradigm-hf"
TAGS = ["en-GB", "de-DE"]
BODY1 = "Konsistente Ergebnisse für kardiovaskulären Tod"


@pytest.fixture
def deck(tmp_path) -> Path:
    (tmp_path / "data").mkdir()
    shutil.copytree(FIXTURE, tmp_path / "data" / "paradigm-hf")
    shutil.copytree(SHARED_DIR, tmp_path / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, tmp_path / "layouts")
    return tmp_path / "data" / "paradigm-hf"


def _reviews(deck: Path, tags=TAGS):
    from posterdeck.api import forget_models, load_deck, reviews

    forget_models()
    return reviews(load_deck(deck), tags)


def _approve(deck: Path) -> None:
    from posterdeck.review.approvals import approve

    approve(deck, _reviews(deck), "Jane Doe", today=datetime.date(2026, 11, 29))


def _waiting(deck: Path) -> dict[str, set[str]]:
    return {r.target: {i.key for i in r.items() if i.status != "approved"} for r in _reviews(deck)}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_every_text_shown_is_an_item_marked_where_it_stands(deck):
    review = {r.target: r for r in _reviews(deck)}["de-DE"]
    slides = {p.name: p for p in review.pages if p.output == "deck"}
    texts = {i.key: i for p in review.pages for i in p.items if i.kind == "text"}
    for ctx in ("title", "sections.primary.headline", "sections.primary.summary", "sections.primary.highlights.0",
                "sections.primary.body.0", "sections.primary.body.1", "tables.outcomes_table.caption",
                "tables.outcomes_table.stub_heading", "tables.outcomes_table.columns.0",
                "study.tables.outcomes.Death from any cause", "charts.primary_chart.title",
                "charts.primary_chart.categories.1"):
        item = texts[f"text:{ctx}"]
        assert item.language == "de" and item.marks and item.fingerprint, ctx
    body = texts["text:sections.primary.body.1"]
    assert body.shown.startswith(BODY1) and "{{ results.cv_death.hr | with_ci }}" in body.shown
    assert "content.yaml:" in body.where
    # the table's stub heading and a row's stub are marked on their own cells, inside the table
    page = next(p for p in slides.values() if any(i.key == "text:tables.outcomes_table.stub_heading" for i in p.items))
    stub = next(i for i in page.items if i.key == "text:study.tables.outcomes.Death from any cause")
    value = next(i for i in page.items if i.key == "value:results.death_any.sv")
    assert len(stub.marks) == 1 and stub.marks[0].x < value.marks[-1].x
    assert abs(stub.marks[0].y - value.marks[-1].y) < 1  # the same row
    # footnotes, statements and claims stay items of their own kinds, not text items
    assert not any(k.startswith("text:statements.") or ".footnotes." in k for k in texts)
    assert any(i.key == "claim:primary-superior" for p in review.pages for i in p.items)


def test_a_reworded_translation_invalidates_its_text_in_that_language_only(deck):
    _approve(deck)
    assert _waiting(deck) == {"en-GB": set(), "de-DE": set()}
    _replace(deck / "i18n" / "de.po", BODY1, "Keine Wirkung auf CV-Tod")
    assert _waiting(deck) == {"en-GB": set(), "de-DE": {"text:sections.primary.body.1"}}
    res = run_cli("build", str(deck), "--out", str(deck.parents[1] / "out"), "--require-approved", "-q",
                  "--target", "de-DE", cwd=deck.parents[1])
    assert res.returncode != 0
    assert "text:sections.primary.body.1 (changed)" in res.stderr
    res = run_cli("check", str(deck), "--require-approved", cwd=deck.parents[1])
    assert res.returncode != 0 and "text:sections.primary.body.1 (changed)" in res.stderr
    # posterdeck diff's Wording lists the changed translation
    old = deck.parents[1] / "old"
    shutil.copytree(FIXTURE, old / "paradigm-hf")
    res = run_cli("diff", str(old / "paradigm-hf"), str(deck), "--no-thumbnails", "--out", str(old / "changes"),
                  cwd=deck.parents[1])
    assert res.returncode == 0, res.stderr
    md = (old / "changes" / "changes.md").read_text(encoding="utf-8")
    assert "### Wording (1 texts changed)" in md
    assert "`sections.primary.body.1 (de)`" in md and "Keine Wirkung auf CV-Tod" in md


def test_a_changed_value_invalidates_no_text(deck):
    _approve(deck)
    _replace(deck / "study.yaml", "sv: {n: 558, N: sv, pct: 13.3}", "sv: {n: 560, N: sv, pct: 13.4}")
    waiting = _waiting(deck)
    assert waiting == {t: {"value:results.cv_death.sv"} for t in TAGS}


def test_check_reports_the_approval_summary_like_build(deck):
    _approve(deck)
    _replace(deck / "i18n" / "de.po", BODY1, "Keine Wirkung auf CV-Tod")
    res = run_cli("check", str(deck), cwd=deck.parents[1])
    assert res.returncode == 0, res.stderr
    assert "paradigm-hf de-DE: 1 item(s) changed and 0 new since approval (text:sections.primary.body.1)" in res.stderr
    assert "en-GB: " not in res.stderr.replace("de-DE", "")


def test_stale_approvals_are_reported_and_pruned_only_when_asked(deck):
    _approve(deck)
    path = deck / "approvals.yaml"
    _replace(path, "item: claim:fewer-deaths\n  language: de", "item: claim:fewer-death\n  language: de")
    _replace(path, "item: claim:primary-superior\n  language: en", "item: claim:primary-superior\n  language: fr")
    line = path.read_text(encoding="utf-8").splitlines().index("- item: claim:fewer-death") + 1
    res = run_cli("check", str(deck), cwd=deck.parents[1])
    assert res.returncode == 0, res.stderr
    assert (f"approvals.yaml:{line}: no item claim:fewer-death in any target of paradigm-hf (removed or renamed?); "
            f"run posterdeck approve to refresh") in res.stderr
    assert "claim:primary-superior: language 'fr' is not one of paradigm-hf's languages" in res.stderr
    res = run_cli("build", str(deck), "--out", str(deck.parents[1] / "out"), "-q", "--target", "en-GB",
                  cwd=deck.parents[1])
    assert res.returncode == 0 and f"approvals.yaml:{line}: no item claim:fewer-death" in res.stderr
    res = run_cli("approve", str(deck), "--by", "Jane Doe", cwd=deck.parents[1])
    assert res.returncode == 0 and "kept 2 entry(ies)" in res.stderr and "--prune" in res.stderr
    assert "claim:fewer-death\n" in path.read_text(encoding="utf-8")
    res = run_cli("approve", str(deck), "--by", "Jane Doe", "--prune", cwd=deck.parents[1])
    assert res.returncode == 0 and "dropped 2 entry(ies)" in res.stdout
    kept = {(e["item"], e["language"]) for e in yaml.safe_load(path.read_text(encoding="utf-8"))["approvals"]}
    assert ("claim:fewer-death", "de") not in kept and ("claim:primary-superior", "fr") not in kept
    assert ("claim:fewer-deaths", "de") in kept


def test_a_claim_stated_by_no_text_is_a_warning_at_its_line(deck):
    content = deck / "content.yaml"
    content.write_text(content.read_text(encoding="utf-8") + (
        "  - id: no-effect\n    says: \"No effect on CV death\"\n    holds: [\"results.cv_death.hr excludes 1\"]\n"),
        encoding="utf-8")
    line = content.read_text(encoding="utf-8").splitlines().index("  - id: no-effect") + 1
    want = (f"content.yaml:{line}: claim no-effect is stated by no text of the deck; add texts: [context] "
            f"naming the texts that state it")
    res = run_cli("check", str(deck), cwd=deck.parents[1])
    assert res.returncode == 0 and want in res.stderr
    assert "claim primary-superior" not in res.stderr and "claim fewer-deaths" not in res.stderr
    res = run_cli("build", str(deck), "--out", str(deck.parents[1] / "out"), "-q", "--target", "en-GB",
                  cwd=deck.parents[1])
    assert res.returncode == 0 and want in res.stderr


@pytest.mark.parametrize("bad, message", [
    ("item: clam:fewer-deaths", "the kinds are value, citation, claim, text, footnote and statement"),
    ("fingerprint: 0000000000000zzz", "fingerprints are written by posterdeck approve; do not edit them, "
                                      "re-run approve"),
])
def test_approvals_yaml_errors_say_what_to_do(deck, bad, message):
    (deck / "approvals.yaml").write_text(
        "approvals:\n- item: claim:fewer-deaths\n  language: en\n  fingerprint: 0123456789abcdef\n  by: J\n"
        "  date: '2026-11-29'\n".replace(bad.split(":")[0] + ": " + ("claim:fewer-deaths" if "item" in bad
                                                                      else "0123456789abcdef"), bad),
        encoding="utf-8")
    res = run_cli("check", str(deck), cwd=deck.parents[1])
    assert res.returncode != 0
    errors = error_lines(res.stderr)
    assert any("approvals.yaml:" in e and message in e for e in errors), res.stderr


def test_markers_keep_off_the_text_of_a_slide_and_lead_to_their_marks(deck, tmp_path):
    """On the slides every numbered marker stands clear of every line of text, table, chart and
    other marker (there is room on a slide); a thin leader joins it to its mark in review.html."""
    import re

    from posterdeck.api import load_deck
    from posterdeck.compose.build import compose
    from posterdeck.resolve.target import make_target
    from posterdeck.review.pack.common import callouts, ink, place_markers
    from posterdeck.review.pack.html import MARKER, NOMINAL

    model = load_deck(deck)
    review = _reviews(deck, ["en-GB"])[0]
    docs = compose(model, make_target("en-GB", model.info, model.markets))
    checked = 0
    for page, mine in zip(review.pages, callouts(review)):
        if page.output != "deck":
            continue
        mp = docs["deck"].pages[page.index]
        size = MARKER * mp.width / NOMINAL
        where = place_markers(mine, mp.width, mp.height, size, 7.5 * mp.width / NOMINAL, ink(mp))
        rects = ink(mp) + [m for c in mine for m in c.item.marks]
        boxes = list(where.values())
        for n, (x, y, w) in enumerate(boxes):
            assert 0 <= x and x + w <= mp.width and 0 <= y and y + size <= mp.height
            assert not any(x < m.x + m.w and m.x < x + w and y < m.y + m.h and m.y < y + size for m in rects), \
                (page.name, x, y)
            assert not any(x < bx + bw and bx < x + w and y < by + size and by < y + size for bx, by, bw in boxes[n + 1:])
            checked += 1
    assert checked > 50
    res = run_cli("review", str(deck), "--out", str(tmp_path / "out"), "-q", "--target", "en-GB",
                  cwd=deck.parents[1])
    assert res.returncode == 0, res.stderr
    html = (tmp_path / "out" / "paradigm-hf" / "en-GB" / "review.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<svg class=\"leaders\"", html)) >= 4
    assert len(re.findall(r"<line x1=", html)) > 50


def test_callouts_say_what_the_page_prints(deck):
    """A value drawn only in a chart is shown as the chart's data label; a citation as its
    superscript with the full reference in a row of its own; the format of every placement."""
    review = _reviews(deck, ["en-GB"])[0]
    items = {(p.output, p.index, i.key): i for p in review.pages for i in p.items}
    slide2 = next(p for p in review.pages if p.output == "deck" and "primary" in p.name)
    chart_only = items[("deck", slide2.index, "value:results.hf_hosp.sv")]  # in the chart only, on slide 2
    assert chart_only.shown == "12.8%" and dict(chart_only.details)["format"] == "chart label"
    both = items[("poster", 0, "value:results.death_any.sv")]  # chart, text and table on the poster
    assert set(dict(both.details)["format"].split("; ")) == {"chart label", "pct", "count"}
    assert "711 (17.0)" in both.shown and "17.0%" in both.shown
    cite = items[("deck", 0, "citation:mcmurray2013@p. 1063")]
    assert cite.shown == "2(p1063)"  # the slides number it 2 (the user's report)
    assert dict(cite.details)["full reference"].startswith("McMurray JJV, Packer M, Desai AS. Dual angiotensin")


def test_a_review_pdf_row_says_where_once_and_wrapped_rows_hang_under_the_value(deck, tmp_path):
    import subprocess

    res = run_cli("review", str(deck), "--out", str(tmp_path / "out"), "-q", "--target", "en-GB",
                  cwd=deck.parents[1])
    assert res.returncode == 0, res.stderr
    pdf = tmp_path / "out" / "paradigm-hf" / "en-GB" / "review.pdf"
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "defined at data/paradigm-hf/study.yaml:" in text
    assert "\nwhere data/paradigm-hf/study.yaml:" not in text
    # the continuation lines of "full reference" start where its value starts, not under its name
    import html as _html
    import re

    box = subprocess.run(["pdftotext", "-bbox", "-f", "2", "-l", "4", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    words = [(float(a), float(b), _html.unescape(w)) for a, b, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', box)]
    for n, (x, y, w) in enumerate(words[:-2]):
        if w == "full" and words[n + 1][2] == "reference":
            value_x = words[n + 2][0]
            below = next(x2 for x2, y2, _ in words[n + 2:] if y2 > y + 3)
            assert abs(below - value_x) < 1.5 and below > x + 20, (x, value_x, below)
            return
    pytest.fail("no full reference row found")
