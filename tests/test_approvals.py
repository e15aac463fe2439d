"""Approvals that expire (issue 15): posterdeck approve records what reviewers saw; a changed
value invalidates exactly the items that show it, in every target; a reworded translation
invalidates that language only; build --require-approved fails until they are approved again;
diff lists them; approvals.yaml's errors name their file and line."""
from __future__ import annotations

import datetime

import pytest
import yaml

from conftest import error_lines

TAGS = ["en-GB", "de-DE"]
STUDY = "data/inovate-salvage/study.yaml"
CRCRI_S2 = 'ino_s2: {n: 33, N: ino_s2, pct: 64.7, label: "CR/CRi, BESPONSA S2"}'


def _reviews(deck, tags=TAGS):
    from posterdeck.api import load_deck, reviews

    return reviews(load_deck(deck), tags)


def _approve_all(deck, tags=TAGS):
    from posterdeck.review.approvals import approve

    return approve(deck, _reviews(deck, tags), "Jane Doe", today=datetime.date(2026, 11, 2))


def _waiting(deck, tags=TAGS) -> dict[str, set[str]]:
    """target -> the keys of the items shown that are not approved as they stand."""
    out = {}
    for review in _reviews(deck, tags):
        items = review.items()
        assert items and all(i.status in ("approved", "changed", "new") for i in items)
        out[review.target] = {i.key for i in items if i.status != "approved"}
    return out


def test_approve_records_every_item_with_who_and_when(project_copy):
    done = _approve_all(project_copy.deck)
    data = yaml.safe_load((project_copy.deck / "approvals.yaml").read_text(encoding="utf-8"))
    entries = data["approvals"]
    assert len(entries) == len(done) > 100
    assert {(e["item"], e["language"]) for e in entries} == set(done)  # one entry per item and language
    assert all(e["by"] == "Jane Doe" and e["date"] == "2026-11-02" for e in entries)
    langs = {e["language"] for e in entries if e["item"] == "claim:crcri-mrd-greater-in-s1"}
    assert langs == {"en", "de"}
    assert {e["language"] for e in entries if e["item"].startswith("value:")} == {""}
    assert _waiting(project_copy.deck) == {"en-GB": set(), "de-DE": set()}


def test_a_changed_value_invalidates_exactly_the_items_that_show_it_in_every_target(project_copy):
    _approve_all(project_copy.deck)
    project_copy.replace(STUDY, CRCRI_S2, CRCRI_S2.replace("n: 33", "n: 34").replace("64.7", "66.7"))
    assert _waiting(project_copy.deck) == {t: {"value:results.crcri.ino_s2"} for t in TAGS}
    for review in _reviews(project_copy.deck):
        changed = [(p.name, i) for p in review.pages for i in p.items if i.status == "changed"]
        assert {name for name, _ in changed} >= {"slide 3 (crcri)"}
        assert all(i.approved == "Jane Doe, 2026-11-02" for _, i in changed)
        assert changed[0][1].shown in ("66.7%", "66,7 %")


def test_a_reworded_translation_invalidates_that_language_only(project_copy):
    _approve_all(project_copy.deck)
    po = project_copy.deck / "i18n" / "de.po"
    text = po.read_text(encoding="utf-8")
    at = text.index('msgctxt "sections.crcri.summary"')
    end = text.index("\n\n", at)
    assert text[at:end].count('"höher[@jabbour2020]"') == 1
    po.write_text(text[:at] + text[at:end].replace('"höher[@jabbour2020]"', '"deutlich höher[@jabbour2020]"')
                  + text[end:], encoding="utf-8")
    # the German summary states the claim: its German wording changed (the summary's text item and
    # the claim it states), nothing else did
    assert _waiting(project_copy.deck) == {"en-GB": set(),
                                           "de-DE": {"claim:crcri-mrd-greater-in-s1", "text:sections.crcri.summary"}}


def test_approving_some_items_leaves_the_others_waiting(project_copy):
    from posterdeck.review.approvals import approve

    reviews = _reviews(project_copy.deck, ["en-GB"])
    done = approve(project_copy.deck, reviews, "A Reviewer", ("value:results.crcri.*", "claim:*"))
    assert done and all(k.startswith(("value:results.crcri.", "claim:")) for k, _ in done)
    waiting = _waiting(project_copy.deck, ["en-GB"])["en-GB"]
    assert "citation:jabbour2020" in waiting and not any(k.startswith("claim:") for k in waiting)


def test_build_require_approved_fails_then_passes(project_copy):
    deck = "data/inovate-salvage"
    res = project_copy.cli("approve", deck, "--target", "en-GB", "--by", "Jane Doe")
    assert res.returncode == 0, res.stderr
    assert "approved" in res.stdout and (project_copy.deck / "approvals.yaml").is_file()
    project_copy.replace(STUDY, CRCRI_S2, CRCRI_S2.replace("n: 33", "n: 34").replace("64.7", "66.7"))
    res = project_copy.cli("build", deck, "--target", "en-GB", "--require-approved", "-q", "-o", "out")
    assert res.returncode == 1
    (err,) = [ln for ln in error_lines(res.stderr) if "not approved" in ln]
    assert "approvals.yaml" in err and "1 item(s)" in err
    assert "value:results.crcri.ino_s2 (changed): poster page 1" in res.stderr and "slide 3 (crcri)" in res.stderr
    assert "posterdeck approve" in res.stderr and not (project_copy.out / "inovate-salvage" / "en-GB").exists()
    # without --require-approved the build goes on, and says what changed since approval
    res = project_copy.cli("build", deck, "--target", "en-GB", "-q", "-o", "out")
    assert res.returncode == 0, res.stderr
    assert "warning: inovate-salvage en-GB: 1 item(s) changed and 0 new since approval " \
           "(value:results.crcri.ino_s2)" in res.stderr
    # once approved again, the strict build passes
    res = project_copy.cli("approve", deck, "--target", "en-GB", "--item", "value:results.crcri.ino_s2",
                           "--by", "Jane Doe")
    assert res.returncode == 0 and "approved 1 item(s)" in res.stdout, res.stdout + res.stderr
    res = project_copy.cli("build", deck, "--target", "en-GB", "--require-approved", "-q", "-o", "out")
    assert res.returncode == 0, res.stderr
    assert (project_copy.out / "inovate-salvage" / "en-GB" / "poster.pdf").is_file()


def test_diff_marks_the_items_that_need_reapproval(project_copy):
    import shutil

    _approve_all(project_copy.deck)
    old = project_copy.root / "before" / "inovate-salvage"
    shutil.copytree(project_copy.deck, old)
    project_copy.replace(STUDY, CRCRI_S2, CRCRI_S2.replace("n: 33", "n: 34").replace("64.7", "66.7"))
    res = project_copy.cli("diff", str(old), "data/inovate-salvage", "--no-thumbnails", "-o", "chg")
    assert res.returncode == 0, res.stderr
    md = (project_copy.root / "chg" / "changes.md").read_text(encoding="utf-8")
    section = md.split("### Needs re-approval")[1].split("###")[0]
    # en-GB and de-DE were approved; the other targets were never approved: all of theirs is new
    assert "**changed** `value:results.crcri.ino_s2` (en-GB): poster page 1, slide 1 (overview), " \
           "slide 3 (crcri)" in section
    assert "**changed** `value:results.crcri.ino_s2` (de-DE)" in section
    assert not any("(en-GB)" in ln or "(de-DE)" in ln for ln in section.splitlines()
                   if ln.startswith("- ") and "crcri.ino_s2" not in ln)
    assert "class='reapprove'" in (project_copy.root / "chg" / "changes.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("bad, line, message", [
    ("  date: 'yesterday'\n", 6, "not an ISO date"),
    ("  fingerprint: xyz\n", 4, "fingerprint"),
    ("  colour: red\n", 6, "unknown key 'colour'"),
])
def test_approvals_yaml_errors_name_file_and_line(project_copy, bad, line, message):
    good = ("approvals:\n- item: value:results.crcri.ino_s1\n  language: ''\n  fingerprint: 0123456789abcdef\n"
            "  by: Jane Doe\n  date: '2026-11-02'\n")
    key = bad.split(":")[0].strip()
    lines = [ln for ln in good.splitlines(keepends=True) if not ln.strip().startswith(key + ":")]
    lines.insert(line - 1, bad)
    (project_copy.deck / "approvals.yaml").write_text("".join(lines), encoding="utf-8")
    res = project_copy.cli("check", "data/inovate-salvage")
    assert res.returncode == 1
    errs = error_lines(res.stderr)
    assert errs and errs[0].startswith(f"error: data/inovate-salvage/approvals.yaml:{line}:"), res.stderr
    assert message in res.stderr


def test_an_item_approved_twice_is_an_error_at_the_second(project_copy):
    entry = ("- item: value:results.crcri.ino_s1\n  fingerprint: 0123456789abcdef\n  by: Jane Doe\n"
             "  date: '2026-11-02'\n")
    (project_copy.deck / "approvals.yaml").write_text("approvals:\n" + entry + entry, encoding="utf-8")
    res = project_copy.cli("build", "data/inovate-salvage", "--target", "en-GB", "-q", "-o", "out")
    assert res.returncode == 1
    assert "error: data/inovate-salvage/approvals.yaml:6: value:results.crcri.ino_s1 (every language) is " \
           "approved twice" in res.stderr
