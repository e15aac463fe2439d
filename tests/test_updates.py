"""Data updates: claims that check themselves, the consistency rules of the study data, the change
report (``posterdeck diff``), incremental builds, watch mode and the benchmark scripts.

Every test works on a throw-away copy of the project (``project_copy`` or its own copy in tmp) and
builds one target (en-NL) unless several targets are the point.
"""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import (DECK, LAYOUTS_DIR, ROOT, SHARED_DIR, DATA, TARGET, ProjectCopy, error_lines, norm,
                      pdftotext_pages, read_slides, require_tool, run_cli)

CONTENT = f"data/{DECK}/content.yaml"
STUDY = f"data/{DECK}/study.yaml"
DECKYAML = f"data/{DECK}/deck.yaml"
DE_PO = f"data/{DECK}/i18n/de.po"
AURORA = "aurora-fictional"
A_STUDY = f"data/{AURORA}/study.yaml"
A_CONTENT = f"data/{AURORA}/content.yaml"
A_TARGET = "en-GB"

ALL_TARGETS = "  targets: [en-NL, en-GB, nl-NL, de-DE, fr-FR, el-GR]"
HSCT_RULE = '"results.hsct.ino_s1 > results.hsct.ino_s2"'
HSCT_SAYS = "More patients proceeded to HSCT with BESPONSA when treated in first salvage"


def build(project: ProjectCopy, deck: str = DECK, target: str = TARGET, *extra: str):
    return project.cli("build", f"data/{deck}", "--target", target, "--out", str(project.out), "-q", *extra)


def check(project: ProjectCopy, deck: str = DECK):
    return project.cli("check", f"data/{deck}")


def with_aurora(project: ProjectCopy) -> ProjectCopy:
    """Add the fictional second deck (Kaplan-Meier curves, forest plot, subgroup estimates)."""
    shutil.copytree(DATA / AURORA, project.root / "data" / AURORA)
    return project


def located(stderr: str, file: str, line: int) -> list[str]:
    """The error lines that name file:line."""
    name = file.rsplit("/", 1)[-1]
    return [e for e in error_lines(stderr) if re.search(rf"(?:^error: |[\s/]){re.escape(name)}:{line}\b", e)]


def assert_failed_with(res, project: ProjectCopy, file: str, line: int, *words: str) -> str:
    """Exit 1, no traceback, an error naming file:line, every word in stderr, nothing written."""
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    hits = located(res.stderr, file, line)
    assert hits, f"no error naming {file}:{line} in {res.stderr!r}"
    for w in words:
        assert w in res.stderr, f"{w!r} not in {res.stderr!r}"
    assert project.written() == [], f"files written despite the error: {project.written()}"
    return hits[0]


# =============================================================================================
# 1. claims
# =============================================================================================

def test_claim_contradicted_by_changed_data_fails_the_build(project_copy):
    """HSCT in S2 now exceeds S1: the claim 'more-hsct-in-s1' no longer holds."""
    project_copy.replace(STUDY, "ino_s2: {n: 20, N: ino_s2, pct: 39.2,", "ino_s2: {n: 30, N: ino_s2,")
    rule_line = project_copy.line_of(CONTENT, HSCT_RULE)
    res = build(project_copy)
    error = assert_failed_with(res, project_copy, CONTENT, rule_line, "'more-hsct-in-s1'", HSCT_SAYS)
    # both values: S1 58/111 = 52.25%, S2 30/51 = 58.82%
    assert re.search(r"52\.(25|3)\b", error) and re.search(r"58\.8", error), error
    assert "results.hsct.ino_s1" in error and "results.hsct.ino_s2" in error
    assert len(error_lines(res.stderr)) == 1, res.stderr  # the other claims still hold
    assert re.search(r"^\s+hint: \S", res.stderr, re.M)

    res_check = check(project_copy)
    assert res_check.returncode == 1 and "Traceback" not in res_check.stderr
    assert located(res_check.stderr, CONTENT, rule_line) == [error]
    assert project_copy.written() == []


def test_claim_rule_naming_a_missing_path_says_did_you_mean(project_copy):
    line = project_copy.replace(CONTENT, HSCT_RULE, '"results.hsct.ino_s1 > results.hsct.ino_s3"')
    res = build(project_copy)
    assert_failed_with(res, project_copy, CONTENT, line, "'more-hsct-in-s1'", "results.hsct.ino_s3",
                       "did you mean 'results.hsct.ino_s2'?")


def test_claim_rule_that_cannot_be_read(project_copy):
    line = project_copy.replace(CONTENT, HSCT_RULE, '"results.hsct.ino_s1 is more than results.hsct.ino_s2"')
    res = build(project_copy)
    assert_failed_with(res, project_copy, CONTENT, line, "'more-hsct-in-s1'", "cannot read the rule")


def test_claim_excludes_fails_when_the_ci_is_widened_over_1(project_copy):
    project = with_aurora(project_copy)
    study_line = project.replace(A_STUDY, "overall: {value: 0.7, unit: ratio, ci: [0.55, 0.89]",
                                 "overall: {value: 0.7, unit: ratio, ci: [0.55, 1.04]")
    assert study_line == 11
    excludes_line = project.line_of(A_CONTENT, '"results.os_hr.overall excludes 1"')
    hi_line = project.line_of(A_CONTENT, '"results.os_hr.overall.hi < 1"')
    res = build(project, AURORA, A_TARGET)
    error = assert_failed_with(res, project, A_CONTENT, excludes_line, "'os-benefit'",
                               "Fictumab prolonged OS versus control")
    assert "0.55" in error and "1.04" in error and "includes 1" in error, error
    # the second rule of the same claim ('.hi < 1') fails too, on its own line
    assert located(res.stderr, A_CONTENT, hi_line), res.stderr


def test_claim_excludes_naming_a_missing_path_says_did_you_mean(project_copy):
    project = with_aurora(project_copy)
    line = project.replace(A_CONTENT, '"results.os_hr.overall excludes 1"', '"results.os_hr.overal excludes 1"')
    res = build(project, AURORA, A_TARGET)
    assert_failed_with(res, project, A_CONTENT, line, "results.os_hr.overal", "did you mean 'results.os_hr.overall'?")


# --------------------------------------------------------------------------- claims, unit level

@pytest.fixture(scope="module")
def small_leaves(tmp_path_factory):
    from posterdeck.loading.study import load_study
    from posterdeck.loading.yamlsource import load_yaml

    path = tmp_path_factory.mktemp("claims") / "study.yaml"
    path.write_text(
        "study: {name: T}\n"
        "populations:\n  a: {n: 40}\n  b: {n: 50}\n"
        "results:\n"
        "  ra: {n: 30, N: a}\n"  # 75.0%
        "  rb: {n: 30, N: b}\n"  # 60.0%
        "  hr: {value: 0.7, unit: ratio, ci: [0.55, 0.89]}\n"
        "  hr_wide: {value: 0.9, unit: ratio, ci: [0.7, 1.2]}\n"
        "  pv: {p: 0.01, op: '<'}\n"
        "  m: {number: 12}\n", encoding="utf-8")
    errors: list = []
    study, leaves = load_study(load_yaml(path), errors)
    assert errors == [] and study is not None
    return leaves


@pytest.mark.parametrize("rule, holds", [
    ("results.ra > results.rb", True),
    ("results.ra < results.rb", False),
    ("results.ra >= 75", True),
    ("results.ra == 75.0", True),
    ("results.rb != 60", False),
    ("results.ra.n == results.rb.n", True),
    ("results.ra.N < results.rb.N", True),
    ("results.hr < 1", True),
    ("results.hr.hi < 1", True),
    ("results.hr_wide.hi < 1", False),
    ("results.hr.lo > 0.5", True),
    ("results.hr excludes 1", True),
    ("results.hr_wide excludes 1", False),
    ("results.pv < 0.05", True),
    ("results.m > 10", True),
])
def test_claim_rules_evaluate(small_leaves, rule, holds):
    from posterdeck.resolve.claims import _evaluate

    ok, detail = _evaluate(rule, small_leaves)
    assert ok is holds, detail
    assert detail


@pytest.mark.parametrize("rule, words", [
    ("results.rc > results.rb", ["results.rc", "did you mean"]),
    ("results.ra.hi < 1", ["no CI"]),
    ("results.ra excludes 1", ["not a value with a CI"]),
    ("results.ra >> results.rb", ["cannot read the rule"]),
])
def test_claim_rules_that_are_wrong(small_leaves, rule, words):
    from posterdeck.resolve.claims import ClaimError, _evaluate

    with pytest.raises(ClaimError) as info:
        _evaluate(rule, small_leaves)
    for w in words:
        assert w in str(info.value)


# =============================================================================================
# 2. consistency rules, through the command line
# =============================================================================================

def test_rule_n_larger_than_N(project_copy):
    line = project_copy.replace(STUDY, "ino_s2: {n: 20, N: ino_s2, pct: 39.2,", "ino_s2: {n: 60, N: ino_s2,")
    res = build(project_copy)
    assert_failed_with(res, project_copy, STUDY, line, "results.hsct.ino_s2", "n = 60 is larger than N = 51")


def test_rule_stated_pct_differs_from_n_over_N(project_copy):
    line = project_copy.replace(STUDY, "{n: 67, N: ino_s1_crcri, pct: 77.0,", "{n: 67, N: ino_s1_crcri, pct: 77.9,")
    res = build(project_copy)
    assert_failed_with(res, project_copy, STUDY, line, "results.mrd_neg.ino_s1", "77.9", "67/87", "77.0%")


def test_rule_estimate_outside_its_ci(project_copy):
    line = project_copy.replace(STUDY, "sc_s1: {value: 8.9, ci: [4.1, 15.8]", "sc_s1: {value: 16.9, ci: [4.1, 15.8]")
    res = build(project_copy)
    assert_failed_with(res, project_copy, STUDY, line, "results.os24.sc_s1", "16.9", "outside its CI")


def test_rule_estimate_ci_bounds_in_wrong_order(project_copy):
    line = project_copy.replace(STUDY, "sc_s1: {value: 8.9, ci: [4.1, 15.8]", "sc_s1: {value: 8.9, ci: [15.8, 4.1]")
    res = build(project_copy)
    assert_failed_with(res, project_copy, STUDY, line, "results.os24.sc_s1", "out of order")


def test_rule_count_ci_bounds_in_wrong_order(project_copy):
    line = project_copy.replace(STUDY, "pct: 16.7, ci: [10.0, 25.3]", "pct: 16.7, ci: [25.3, 10.0]")
    res = build(project_copy)
    assert_failed_with(res, project_copy, STUDY, line, "results.cr.sc_s1", "out of order")


def test_rule_stated_pct_outside_its_ci(project_copy):
    line = project_copy.replace(STUDY, "sc_s1: {n: 17, N: sc_s1, pct: 16.7, ci: [10.0, 25.3]",
                                "sc_s1: {n: 30, N: sc_s1, pct: 29.4, ci: [10.0, 25.3]")
    res = build(project_copy)
    assert_failed_with(res, project_copy, STUDY, line, "results.cr.sc_s1", "outside its CI")


def test_rule_subgroup_larger_than_its_population(project_copy):
    project = with_aurora(project_copy)
    line = project.replace(A_STUDY, "male: {value: 0.65, unit: ratio, ci: [0.47, 0.9], n: 195,",
                           "male: {value: 0.65, unit: ratio, ci: [0.47, 0.9], n: 395,")
    res = build(project, AURORA, A_TARGET)
    assert_failed_with(res, project, A_STUDY, line, "results.os_hr.male", "395", "itt", "360")


def test_rule_kaplan_meier_curve_never_rises(project_copy):
    project = with_aurora(project_copy)
    curve_line = project.line_of(A_STUDY, "  pfs_fictumab:")
    survival_line = project.replace(A_STUDY, "survival: [0.989, 0.9835,", "survival: [0.989, 0.9935,")
    res = build(project, AURORA, A_TARGET)
    assert "Traceback" not in res.stderr and res.returncode == 1, res.stderr
    hits = [e for line in range(curve_line, survival_line + 1) for e in located(res.stderr, A_STUDY, line)]
    assert hits, f"no study.yaml:{curve_line}..{survival_line} in {res.stderr!r}"
    assert "pfs_fictumab" in hits[0] and "never rises" in hits[0]
    assert project.written() == []


# --------------------------------------------------------------------------- consistency, unit level

def load_small_study(tmp_path: Path, text: str):
    from posterdeck.loading.study import load_study
    from posterdeck.loading.yamlsource import load_yaml

    path = tmp_path / "study.yaml"
    path.write_text(text, encoding="utf-8")
    errors: list = []
    study, leaves = load_study(load_yaml(path), errors)
    return study, leaves, errors


HEAD = "study: {name: T, decimals: 1}\npopulations:\n  a: {n: 16}\n  b: {n: 10}\nresults:\n"


@pytest.mark.parametrize("leaf, words", [
    ("{n: 17, N: a}", ["n = 17 is larger than N = 16"]),
    ("{n: 3, N: 2}", ["n = 3 is larger than N = 2"]),
    ("{n: 1, N: a, pct: 6.2}", ["stated 6.2%", "1/16", "6.3%"]),  # 6.25 rounds half up to 6.3
    ("{n: 1, N: 3, pct: 33.4}", ["stated 33.4%", "1/3", "33.3%"]),
    ("{n: 5, N: a, pct: 31.3, ci: [10.0, 30.0]}", ["31.3% (n/N = 5/16) lies outside its CI"]),
    ("{n: 5, N: a, ci: [30.0, 10.0]}", ["out of order"]),
    ("{value: 5.0, ci: [6.0, 9.0]}", ["estimate 5.0 lies outside its CI 6.0-9.0"]),
    ("{value: 10.0, ci: [6.0, 9.0]}", ["outside its CI"]),
    ("{value: 7.0, ci: [9.0, 6.0]}", ["out of order"]),
    ("{value: 0.8, unit: ratio, ci: [0.5, 0.9], n: 17, population: a}", ["subgroup n = 17", "population a (n = 16)"]),
    ("{value: 0.8, unit: ratio, n: 5, population: c}", ["unknown population 'c'"]),
    ("{n: 5, N: aa}", ["unknown population 'aa'", "did you mean 'a'?"]),
], ids=["n>N", "n>N-number", "pct-half-up", "pct-third", "pct-outside-ci", "count-ci-order", "estimate-below-ci",
        "estimate-above-ci", "estimate-ci-order", "subgroup-n>population", "subgroup-unknown-population",
        "N-unknown-population"])
def test_load_study_reports_each_rule_with_its_line(tmp_path, leaf, words):
    text = HEAD + "  ok: {n: 4, N: a, pct: 25.0}\n" + f"  bad: {leaf}\n"
    study, leaves, errors = load_small_study(tmp_path, text)
    assert len(errors) == 1, [str(e) for e in errors]
    err = errors[0]
    assert err.location.line == 7, str(err)
    assert err.location.file.endswith("study.yaml")
    assert "results.bad" in err.message
    for w in words:
        assert w in str(err), f"{w!r} not in {str(err)!r}"


def test_load_study_computed_pct_outside_its_ci(tmp_path):
    study, leaves, errors = load_small_study(tmp_path, HEAD + "  ok: {n: 4, N: a}\n  bad: {n: 5, N: a, ci: [10.0, 30.0]}\n")
    assert len(errors) == 1 and errors[0].location.line == 7 and "outside its CI" in str(errors[0])


def test_load_study_accepts_consistent_data(tmp_path):
    study, leaves, errors = load_small_study(tmp_path, HEAD + (
        "  x: {n: 1, N: a, pct: 6.3}\n"        # 6.25 -> 6.3 half up
        "  y: {n: 16, N: a, pct: 100.0}\n"     # n == N
        "  z: {n: 0, N: b, pct: 0.0}\n"
        "  w: {n: 1, N: 3, pct: 33.33, ci: [10.0, 70.0]}\n"  # compared at the study's precision
        "  e: {value: 9.0, ci: [9.0, 9.0]}\n"  # on the bounds
        "  s: {value: 0.8, unit: ratio, ci: [0.5, 0.9], n: 16, population: a}\n"
        "curves:\n"
        "  c: {time: [0, 1, 1, 2], survival: [1.0, 0.8, 0.8, 0.5], at_risk: [[0, 16]]}\n"))
    assert errors == [], [str(e) for e in errors]
    assert {"results.x", "results.y", "results.z", "results.w", "results.e", "results.s", "populations.a"} <= set(leaves)


def test_load_study_rejects_a_rising_curve(tmp_path):
    study, leaves, errors = load_small_study(tmp_path, HEAD + (
        "  x: {n: 1, N: a}\n"
        "curves:\n"
        "  c:\n"
        "    time: [0, 1, 2]\n"
        "    survival: [1.0, 0.8, 0.9]\n"))
    assert len(errors) == 1, [str(e) for e in errors]
    assert errors[0].location.line in (8, 10), str(errors[0])
    assert "curves.c" in str(errors[0]) and "never rises" in str(errors[0])


def test_load_study_table_cell_larger_than_its_column(tmp_path):
    study, leaves, errors = load_small_study(tmp_path, HEAD + (
        "  x: {n: 1, N: a}\n"
        "tables:\n"
        "  t:\n"
        "    columns: [a, b]\n"
        "    rows:\n"
        "      - {term: Fine, n: [16, 10]}\n"
        "      - {term: Too many, n: [3, 11]}\n"))
    assert len(errors) == 1, [str(e) for e in errors]
    assert errors[0].location.line == 12 and "Too many" in str(errors[0]) and "n = 11" in str(errors[0])


# =============================================================================================
# 3. the change report
# =============================================================================================

def make_project(dest: Path, targets: str = "[en-NL]") -> Path:
    (dest / "data").mkdir(parents=True)
    shutil.copytree(DATA / DECK, dest / "data" / DECK)
    shutil.copytree(SHARED_DIR, dest / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, dest / "layouts")
    deck = dest / "data" / DECK / "deck.yaml"
    text = deck.read_text(encoding="utf-8")
    assert text.count(ALL_TARGETS) == 1
    deck.write_text(text.replace(ALL_TARGETS, f"  targets: {targets}"), encoding="utf-8")
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


WORDING_OLD = "may maximize the chance"
WORDING_NEW = "may maximise the chance"
# path -> (old shown, new shown, the text that marks it on a page before / after)
CHANGED = {
    "results.hsct.ino_s2": ("39.2% [n = 20/51]", "37.3% [n = 19/51]", "39.2%", "37.3%"),
    "results.os24.sc_s1": ("8.9%", "9.1%", "8.9%", "9.1%"),
}


def apply_update(deck: Path) -> None:
    """Two value changes (one count, one estimate kept inside its CI) and one wording change."""
    edit(deck / "study.yaml", "ino_s2: {n: 20, N: ino_s2, pct: 39.2,", "ino_s2: {n: 19, N: ino_s2,")
    edit(deck / "study.yaml", "sc_s1: {value: 8.9, ci: [4.1, 15.8]", "sc_s1: {value: 9.1, ci: [4.1, 15.8]")
    edit(deck / "content.yaml", WORDING_OLD, WORDING_NEW)


class Versions:
    def __init__(self, root: Path):
        self.root = root
        self.old = make_project(root / "old") / "data" / DECK
        self.new = make_project(root / "new") / "data" / DECK
        apply_update(self.new)
        self._built: dict = {}

    def report(self, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess, str]:
        res = run_cli("diff", str(self.old), str(self.new), "--out", str(out), *extra, cwd=self.root)
        assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
        return res, (out / "changes.md").read_text(encoding="utf-8")

    def built(self, side: str) -> Path:
        """deck outputs of one side, built with api.build (once)."""
        if side not in self._built:
            from posterdeck import api

            out = self.root / f"out-{side}"
            api.build(getattr(self, side), targets=[TARGET], out=out)
            self._built[side] = out / DECK / TARGET
        return self._built[side]


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> Versions:
    return Versions(tmp_path_factory.mktemp("versions"))


def value_rows(md: str) -> dict[str, list[str]]:
    rows = {}
    for line in md.splitlines():
        m = re.match(r"^\| `([^`]+)`[^|]*\|(.*)\|\s*$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def test_diff_lists_exactly_the_changed_values(versions, tmp_path):
    res, md = versions.report(tmp_path / "rep", "--no-thumbnails")
    rows = value_rows(md)
    assert set(rows) == set(CHANGED), md
    for path, (old, new, *_) in CHANGED.items():
        assert rows[path][0] == old and rows[path][1] == new, rows[path]
    assert "Values (2 changed)" in md
    # the wording change, by its context, with old and new text
    assert "Wording (1 texts changed)" in md
    wording = [ln for ln in md.splitlines() if ln.startswith("- `sections.conclusions.body.0`")]
    assert len(wording) == 1, md
    assert WORDING_OLD in wording[0] and WORDING_NEW in wording[0]
    assert "- added: none" in md and "- removed: none" in md
    assert re.search(r"2 value\(s\), 1 text\(s\), 0 reference\(s\)", res.stdout), res.stdout
    html = (tmp_path / "rep" / "changes.html").read_text(encoding="utf-8")
    assert "<img" not in html  # --no-thumbnails
    for path, (old, new, *_) in CHANGED.items():
        assert path in html and old in html and new in html


def test_diff_pages_are_the_pages_that_show_the_value(versions, tmp_path):
    require_tool("pdftotext")
    _, md = versions.report(tmp_path / "rep", "--no-thumbnails")
    rows = value_rows(md)
    old_slides = read_slides(versions.built("old") / "deck.pptx")
    new_slides = read_slides(versions.built("new") / "deck.pptx")
    old_poster = norm(" ".join(pdftotext_pages(versions.built("old") / "poster.pdf")))
    new_poster = norm(" ".join(pdftotext_pages(versions.built("new") / "poster.pdf")))
    assert len(old_slides) == len(new_slides)
    for path, (_, _, before, after) in CHANGED.items():
        where = rows[path][2]
        listed = {int(n) for n in re.findall(rf"{TARGET} deck\.pptx slide (\d+)\b", where)}
        showing_old = {s.index for s in old_slides if before in norm(s.text)}
        showing_new = {s.index for s in new_slides if after in norm(s.text)}
        assert showing_old, f"{before} is on no slide of the old deck"
        assert showing_old == showing_new, (path, showing_old, showing_new)
        assert listed == showing_old, f"{path}: listed slides {listed}, slides showing {before}: {showing_old}"
        assert not any(after in norm(s.text) for s in old_slides if s.index not in showing_old)
        on_poster = f"{TARGET} poster.pdf" in where
        assert on_poster == (before in old_poster), (path, where)
        assert before not in new_poster and after in new_poster
    # the changed pages are exactly the slides whose text changed (and the poster)
    changed = {s.index for s, t in zip(old_slides, new_slides) if norm(s.text) != norm(t.text)}
    listed_pages = {int(n) for n in re.findall(rf"^- {TARGET} deck\.pptx: slide (\d+)\b", md, re.M)}
    assert listed_pages == changed, (listed_pages, changed)
    assert f"- {TARGET} poster.pdf: poster" in md


def test_diff_html_has_thumbnails_of_the_changed_pages(versions, tmp_path):
    require_tool("pdftoppm")
    import base64
    import io

    from PIL import Image

    res, md = versions.report(tmp_path / "rep")
    html = (tmp_path / "rep" / "changes.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*['"]?(?:https?:)?//""", html), "changes.html loads something"
    assert "<script" not in html and "<link" not in html
    pages = re.findall(r"^- (\S+ (?:deck\.pptx|poster\.pdf)): (.+)$", md, re.M)
    assert pages
    images = re.findall(r"<img alt='([^']*)' src='data:image/png;base64,([A-Za-z0-9+/=]+)'>", html)
    assert len(images) == 2 * len(pages), (len(images), pages)
    for kind, name in pages:
        title = f"{TARGET} {'deck' if kind.endswith('deck.pptx') else 'poster'}: {name}"
        assert f"<h4>{title}</h4>" in html
    # each "after" picture has the changed area outlined in red
    for alt, data in images:
        img = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
        assert img.width > 50 and img.height > 50
        if alt.startswith("after"):
            assert (220, 0, 0) in {c for _, c in img.getcolors(1 << 24)}, "no red outline"


def test_diff_ignores_a_dropped_pct_that_changes_nothing_shown(versions, tmp_path):
    new = make_project(tmp_path / "new") / "data" / DECK
    edit(new / "study.yaml", "ino_s1: {n: 45, N: ino_s1, pct: 40.5,", "ino_s1: {n: 45, N: ino_s1,")
    res = run_cli("diff", str(versions.old), str(new), "--out", str(tmp_path / "rep"), "--no-thumbnails",
                  cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    md = (tmp_path / "rep" / "changes.md").read_text(encoding="utf-8")
    assert value_rows(md) == {}, md


def test_diff_between_two_git_revisions(tmp_path):
    git = require_tool("git")
    repo = make_project(tmp_path / "repo")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp_path))
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)

    def g(*args):
        res = subprocess.run([git, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr

    g("init", "-q")
    g("add", "data", "layouts")
    g("commit", "-q", "-m", "v1")
    edit(repo / "data" / DECK / "study.yaml", "ino_s2: {n: 20, N: ino_s2, pct: 39.2,", "ino_s2: {n: 19, N: ino_s2,")
    g("commit", "-q", "-am", "v2")
    res = run_cli("diff", "HEAD~1", "HEAD", "--out", str(tmp_path / "rep"), "--no-thumbnails", cwd=repo)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    md = (tmp_path / "rep" / "changes.md").read_text(encoding="utf-8")
    rows = value_rows(md)
    assert set(rows) == {"results.hsct.ino_s2"}, md
    assert rows["results.hsct.ino_s2"][:2] == ["39.2% [n = 20/51]", "37.3% [n = 19/51]"]
    assert "Wording (0 texts changed)" in md

    bad = run_cli("diff", "HEAD~5", "HEAD", "--out", str(tmp_path / "rep2"), cwd=repo)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "neither a folder nor a git revision" in bad.stderr


def other_unit() -> str:
    """A unit an estimate may have besides percent."""
    return "months"


def test_diff_lists_a_changed_ci_and_a_changed_unit_as_value_changes(versions, tmp_path):
    """A changed CI bound printed as 'Values (0 changed)': every field of a result counts."""
    new = make_project(tmp_path / "new") / "data" / DECK
    unit = other_unit()
    edit(new / "study.yaml", "sc_s1: {value: 8.9, ci: [4.1, 15.8]", "sc_s1: {value: 8.9, ci: [4.1, 16.0]")
    for arm in ("ino_s1", "ino_s2", "sc_s1", "sc_s2"):  # a chart's values share one unit: change all four
        text = (new / "study.yaml").read_text(encoding="utf-8")
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{arm}: {{value:") and "24-month" in ln)
        edit(new / "study.yaml", line, line.replace("unit: percent", f"unit: {unit}"))
    res = run_cli("diff", str(versions.old), str(new), "--out", str(tmp_path / "rep"), "--no-thumbnails", cwd=tmp_path)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    md = (tmp_path / "rep" / "changes.md").read_text(encoding="utf-8")
    rows = value_rows(md)
    assert set(rows) == {f"results.os24.{arm}" for arm in ("ino_s1", "ino_s2", "sc_s1", "sc_s2")}, md
    assert "Values (4 changed)" in md
    old, after, where = rows["results.os24.sc_s1"]
    assert "15.8" in old and "16.0" in after and "16.0" not in old, rows
    assert f"{TARGET} deck.pptx slide" in where  # the pages that show the estimate
    line = next(ln for ln in md.splitlines() if "`results.os24.sc_s1`" in ln)
    assert "(ci, unit)" in line
    old, after, _ = rows["results.os24.sc_s2"]
    assert old != after and "unit" in next(ln for ln in md.splitlines() if "`results.os24.sc_s2`" in ln)
    assert "%" in old and "unit = percent" in old and "unit = months" in after, rows
    assert "months" in after and "%" not in after, rows  # a months value never gets %


def test_diff_shows_the_fields_as_written_in_the_study_data(tmp_path):
    """A CI written 4.10–15.80 is shown so, trailing zeros and all (the loader keeps each
    number's text): not 4.1–15.8 as a float prints."""
    old = make_project(tmp_path / "old") / "data" / DECK
    new = make_project(tmp_path / "new") / "data" / DECK
    edit(old / "study.yaml", "sc_s1: {value: 8.9, ci: [4.1, 15.8]", "sc_s1: {value: 8.9, ci: [4.10, 15.80]")
    edit(new / "study.yaml", "sc_s1: {value: 8.9, ci: [4.1, 15.8]", "sc_s1: {value: 8.9, ci: [4.10, 16.20]")
    res = run_cli("diff", str(old), str(new), "--out", str(tmp_path / "rep"), "--no-thumbnails", cwd=tmp_path)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    rows = value_rows((tmp_path / "rep" / "changes.md").read_text(encoding="utf-8"))
    before, after, _ = rows["results.os24.sc_s1"]
    assert "ci = 4.10\u201315.80" in before and "ci = 4.10\u201316.20" in after, rows


def test_diff_runs_when_a_claim_fails_and_puts_the_claim_at_the_top(versions, tmp_path):
    new = make_project(tmp_path / "new") / "data" / DECK
    edit(new / "study.yaml", "ino_s2: {n: 20, N: ino_s2, pct: 39.2,", "ino_s2: {n: 50, N: ino_s2,")
    claim_line = next(i for i, ln in enumerate((new / "content.yaml").read_text(encoding="utf-8").splitlines(), 1)
                      if HSCT_RULE in ln)
    build_res = run_cli("check", str(new), cwd=tmp_path / "new")
    assert build_res.returncode == 1  # the claim stops a build ...
    res = run_cli("diff", str(versions.old), str(new), "--out", str(tmp_path / "rep"), "--no-thumbnails", cwd=tmp_path)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr  # ... not the report
    md = (tmp_path / "rep" / "changes.md").read_text(encoding="utf-8")
    headings = [ln for ln in md.splitlines() if ln.startswith("## ")]
    assert headings[0].startswith("## Claims the data does not support (1)"), headings
    claim = next(ln for ln in md.splitlines() if "more-hsct-in-s1" in ln)
    assert md.index(claim) < md.index(f"## {DECK}")
    assert f"content.yaml:{claim_line}" in claim and "new version" in claim
    assert "results.hsct.ino_s2" in value_rows(md)
    assert "more-hsct-in-s1" in res.stderr and "warning:" in res.stderr
    html = (tmp_path / "rep" / "changes.html").read_text(encoding="utf-8")
    assert html.index("more-hsct-in-s1") < html.index(f"<h2>{DECK}</h2>")


def test_diff_of_two_deck_folders_copied_outside_the_project(versions, tmp_path):
    """Deck folders sent round for review sit anywhere: their ../shared files come from the
    project of the current folder, or from --project."""
    old = tmp_path / "review" / "v1"
    new = tmp_path / "elsewhere" / "deeper" / "v2"
    shutil.copytree(versions.old, old)
    shutil.copytree(versions.new, new)
    assert not (old.parent / "shared").exists() and not (new.parent / "shared").exists()
    project = versions.old.parents[1]
    for cwd, extra in ((project, ()), (tmp_path, ("--project", str(project)))):
        out = tmp_path / f"rep-{len(extra)}"
        res = run_cli("diff", str(old), str(new), "--out", str(out), "--no-thumbnails", *extra, cwd=cwd)
        assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
        md = (out / "changes.md").read_text(encoding="utf-8")
        rows = value_rows(md)
        assert set(rows) == set(CHANGED), md
        assert all(f"{TARGET} deck.pptx slide" in rows[p][2] for p in CHANGED), rows
    # from a folder that is no project, and without --project: an error that says what to do
    res = run_cli("diff", str(old), str(new), "--out", str(tmp_path / "rep-x"), "--no-thumbnails", cwd=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert "shared" in res.stderr and "--project" in res.stderr


# =============================================================================================
# 4. incremental builds
# =============================================================================================

TWO = ("--target", "en-NL", "--target", "de-DE")


def snapshot(out: Path) -> dict[str, tuple[int, str]]:
    """Every output file (manifests included): relative path -> (mtime_ns, sha256)."""
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(out.rglob("*")) if p.is_file()}


def of(snap: dict, tag: str) -> dict:
    return {k: v for k, v in snap.items() if k.startswith(f"{DECK}/{tag}/")}


def mtimes(snap: dict) -> dict:
    return {k: v[0] for k, v in snap.items()}


@pytest.fixture(scope="module")
def two_targets(tmp_path_factory) -> ProjectCopy:
    """A project copy built for en-NL and de-DE through the CLI (its manifests written).
    The last test of this section changes it: tests that only read it come first."""
    project = ProjectCopy(make_project(tmp_path_factory.mktemp("incremental"), "[en-NL, de-DE]"))
    res = project.cli("build", f"data/{DECK}", *TWO, "--out", "out")
    assert res.returncode == 0, res.stderr
    files = {p.name for p in (project.out / DECK / "de-DE").iterdir()}
    assert {"poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf", ".posterdeck-manifest.json"} <= files
    return project


def test_noop_build_is_up_to_date_and_writes_nothing(two_targets):
    before = snapshot(two_targets.out)
    start = time.perf_counter()
    res = two_targets.cli("build", f"data/{DECK}", *TWO, "--out", "out")
    wall = time.perf_counter() - start
    assert res.returncode == 0, res.stderr
    assert "up to date" in res.stderr, res.stderr
    assert "en-NL" in res.stderr and "de-DE" in res.stderr
    assert snapshot(two_targets.out) == before
    assert wall < 2.0, f"a no-op build took {wall:.2f} s"


HEAVY = ("matplotlib", "reportlab", "pptx", "pikepdf", "lifelines")


def imported(stderr: str) -> set[str]:
    """Top-level packages in a -X importtime log."""
    names = set()
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", line)
        if m:
            names.add(m.group(1).split(".")[0])
    return names


def test_noop_build_and_check_import_no_heavy_libraries(two_targets):
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    cmd = [sys.executable, "-X", "importtime", "-m", "posterdeck"]
    noop = subprocess.run(cmd + ["build", f"data/{DECK}", *TWO, "--out", "out"], cwd=two_targets.root,
                          capture_output=True, text=True, timeout=120, env=env)
    assert noop.returncode == 0 and "up to date" in noop.stderr, noop.stderr[-2000:]
    names = imported(noop.stderr)
    assert "posterdeck" in names and "click" in names  # the log was read
    assert not names & set(HEAVY + ("pydantic", "babel", "PIL")), names & set(HEAVY + ("pydantic", "babel", "PIL"))

    chk = subprocess.run(cmd + ["check", f"data/{DECK}"], cwd=two_targets.root, capture_output=True, text=True,
                         timeout=120, env=env)
    assert chk.returncode == 0, chk.stderr[-2000:]
    names = imported(chk.stderr)
    assert "pydantic" in names  # it validated
    # compose measures text with reportlab's TrueType metrics (README, Library choices), so check
    # may load reportlab.pdfbase; it must not load the renderers' libraries
    assert not names & {"matplotlib", "pptx", "pikepdf", "lifelines"}, names


def test_manifest_inputs_of_a_target_are_its_own_catalogue_and_market():
    from posterdeck import manifest

    deck = DATA / DECK
    de = {p.relative_to(ROOT).as_posix() for p in manifest.inputs_for(deck, "de-DE") if ROOT in p.parents}
    en = {p.relative_to(ROOT).as_posix() for p in manifest.inputs_for(deck, "en-NL") if ROOT in p.parents}
    for rel in (STUDY, CONTENT, DECKYAML, f"data/{DECK}/references.yaml", "layouts/slides-16x9.yaml",
                "layouts/poster-a0-portrait.yaml", "layouts/themes/besponsa.yaml",
                "data/shared/glossary/haematology.yaml"):
        assert rel in de and rel in en, rel
    assert DE_PO in de and "data/shared/markets/DE.yaml" in de
    assert not {p for p in de if p.endswith(".po")} - {DE_PO}
    assert "data/shared/markets/NL.yaml" not in de
    assert "data/shared/markets/NL.yaml" in en and not {p for p in en if p.endswith(".po")}
    assert "data/shared/markets/DE.yaml" not in en
    assert any(p.name == "DejaVuSans.ttf" for p in manifest.inputs_for(deck, "de-DE"))


def test_incremental_rebuilds_only_what_changed(two_targets):
    project = two_targets
    out = project.out

    def rebuild(*extra):
        res = project.cli("build", f"data/{DECK}", *TWO, "--out", "out", *extra)
        assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
        return res, snapshot(out)

    # a changed German translation rebuilds de-DE alone
    s0 = snapshot(out)
    project.replace(DE_PO, 'msgstr "INO-VATE ALL: Rationale der Post-hoc-Analyse',
                    'msgstr "INO-VATE ALL: Begründung der Post-hoc-Analyse')
    res, s1 = rebuild()
    assert "up to date" in res.stderr and "en-NL" in res.stderr.split("up to date", 1)[1]
    assert of(s1, "en-NL") == of(s0, "en-NL"), "en-NL was rewritten after a German catalogue change"
    changed = {k for k in of(s1, "de-DE") if s1[k][0] != s0[k][0]}
    assert changed == set(of(s0, "de-DE")), f"de-DE files not rewritten: {set(of(s0, 'de-DE')) - changed}"
    assert s1[f"{DECK}/de-DE/deck.pptx"][1] != s0[f"{DECK}/de-DE/deck.pptx"][1]
    de_text = " ".join(norm(s.text) for s in read_slides(out / DECK / "de-DE" / "deck.pptx"))
    assert "Begründung der Post-hoc-Analyse" in de_text

    # --force rebuilds both
    res, s2 = rebuild("--force")
    assert all(s2[k][0] != s1[k][0] for k in s1), "--force left files untouched"
    assert {k: v[1] for k, v in s2.items() if not k.endswith(".json")} == \
           {k: v[1] for k, v in s1.items() if not k.endswith(".json")}, "two builds of the same input differ"

    # a deleted output rebuilds that target only
    (out / DECK / "en-NL" / "deck.pdf").unlink()
    res, s3 = rebuild()
    assert f"{DECK}/en-NL/deck.pdf" in s3
    assert of(s3, "de-DE") == of(s2, "de-DE")
    assert all(s3[k][0] != s2[k][0] for k in of(s2, "en-NL") if k in s3)
    # an output edited by hand is rebuilt too (the manifest keeps the hashes of the outputs)
    pptx = out / DECK / "de-DE" / "deck.pptx"
    pptx.write_bytes(pptx.read_bytes() + b"\0")
    res, s4 = rebuild()
    assert of(s4, "en-NL") == of(s3, "en-NL")
    assert s4[f"{DECK}/de-DE/deck.pptx"][1] == s3[f"{DECK}/de-DE/deck.pptx"][1]

    # a study data change rebuilds both targets
    project.replace(STUDY, "sc_s1: {value: 8.9, ci: [4.1, 15.8]", "sc_s1: {value: 9.1, ci: [4.1, 15.8]")
    res, s5 = rebuild()
    assert all(s5[k][0] != s4[k][0] for k in s4), [k for k in s4 if s5[k][0] == s4[k][0]]
    assert "up to date" not in res.stderr

    # and then nothing is left to do
    res, s6 = rebuild()
    assert "up to date" in res.stderr and s6 == s5


# =============================================================================================
# 5. watch mode
# =============================================================================================

def _default_sigint() -> None:
    """A child started from a shell's background job inherits an ignored SIGINT: undo that, so that
    Ctrl-C (SIGINT) reaches posterdeck as KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Watch:
    """posterdeck build --watch in the background, its output collected by reader threads."""

    def __init__(self, cwd: Path, *args: str):
        env = dict(os.environ, NO_COLOR="1", COLUMNS="200", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "posterdeck", "build", *args, "--watch"], cwd=cwd,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                     preexec_fn=_default_sigint)
        self.out: list[str] = []
        self.err: list[str] = []
        self.threads = [threading.Thread(target=self._read, args=(s, b), daemon=True)
                        for s, b in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for t in self.threads:
            t.start()

    @staticmethod
    def _read(stream, buf):
        for line in stream:
            buf.append(line)

    @property
    def text(self) -> str:
        return "".join(self.out) + "".join(self.err)

    def wait_until_watching(self, timeout: float) -> None:
        self.wait_for("watching", timeout)
        # the message comes just before the watcher takes its first snapshot of the inputs: a file
        # saved in that instant would count as already seen, so give it a moment
        time.sleep(1.5)

    def wait_for(self, needle: str, timeout: float, count: int = 1) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.text.count(needle) >= count:
                return
            if self.proc.poll() is not None:
                time.sleep(0.2)
                pytest.fail(f"watch exited ({self.proc.returncode}) before {needle!r}:\n{self.text}")
            time.sleep(0.2)
        pytest.fail(f"no {needle!r} within {timeout} s:\n{self.text}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for t in self.threads:
            t.join(timeout=5)


TITLE_OLD = "BESPONSA Safety Profile Compared With SC"
TITLE_NEW = "BESPONSA Safety Profile Contrasted With SC"


def deck_text(path: Path) -> str:
    return " ".join(norm(s.text) for s in read_slides(path))


def test_watch_rebuilds_after_a_saved_change(project_copy):
    project = project_copy
    res = build(project)
    assert res.returncode == 0, res.stderr
    pptx = project.out / DECK / TARGET / "deck.pptx"
    assert TITLE_OLD in deck_text(pptx)
    watch = Watch(project.root, f"data/{DECK}", "--target", TARGET, "--out", str(project.out))
    try:
        watch.wait_until_watching(60)
        project.replace(CONTENT, TITLE_OLD, TITLE_NEW)
        watch.wait_for(f"rebuilt {DECK} {TARGET}", 60)
        text = deck_text(pptx)
        assert TITLE_NEW in text and TITLE_OLD not in text
        watch.stop()
        assert watch.proc.returncode == 0, watch.text
        assert "stopped watching" in watch.text and "Traceback" not in watch.text, watch.text
    finally:
        watch.stop()


def test_watch_rebuild_uses_the_edited_content_after_an_in_process_build(project_copy):
    project = project_copy
    pptx = project.out / DECK / TARGET / "deck.pptx"
    watch = Watch(project.root, f"data/{DECK}", "--target", TARGET, "--out", str(project.out))
    try:
        watch.wait_until_watching(120)  # the first build runs inside the watching process
        assert TITLE_OLD in deck_text(pptx)
        project.replace(CONTENT, TITLE_OLD, TITLE_NEW)
        watch.wait_for(f"rebuilt {DECK} {TARGET}", 60)
        assert TITLE_NEW in deck_text(pptx)
    finally:
        watch.stop()


# =============================================================================================
# 6. the benchmark scripts
# =============================================================================================

def load_bench_run():
    spec = importlib.util.spec_from_file_location("posterdeck_bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_run_defines_main_and_its_scenarios(tmp_path):
    bench = load_bench_run()
    assert callable(bench.main)
    source = inspect.getsource(bench.main)
    for scenario in ("cold build, 1 target", "no-op rebuild", "rebuild after one number changed", "batch of",
                     "peer: hand-written reportlab + python-pptx script"):
        assert scenario in source, scenario
    assert (ROOT / ".venv" / "bin" / "posterdeck").exists() or shutil.which("posterdeck")
    # the synthetic project of a batch: n targets, each with its market file
    dest = bench.project(tmp_path, 3)
    deck = (dest / "data" / DECK / "deck.yaml").read_text(encoding="utf-8")
    assert "  targets: [en-NL, en-AT, en-BE]" in deck
    assert (dest / "data" / "shared" / "markets" / "AT.yaml").is_file()
    assert not (dest / "data" / AURORA).exists()
    # the number changed by the rebuild scenario still exists in the demo data
    assert "{n: 58, N: ino_s1, pct: 52.3" in (DATA / DECK / "study.yaml").read_text(encoding="utf-8")


def test_bench_measure_reports_wall_time_and_memory(tmp_path):
    import json

    def measure(*args):
        res = subprocess.run([sys.executable, str(ROOT / "bench" / "measure.py"), *args], capture_output=True,
                             text=True, timeout=60, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        return json.loads(res.stdout.strip().splitlines()[-1])

    data = measure(sys.executable, "-c", "pass")
    assert data["rc"] == 0 and 0 < data["wall"] < 30
    # memory counts the whole process tree: here a grandchild holding 80 MB
    child = "b = bytearray(80_000_000); import time; time.sleep(0.6)"
    data = measure("--memory", sys.executable, "-c",
                   f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])")
    assert data["rc"] == 0 and data["peak_mb"] > 75, data


def test_bench_baseline_writes_the_peer_outputs(tmp_path):
    out = tmp_path / "baseline"
    res = subprocess.run([sys.executable, str(ROOT / "bench" / "baseline.py"), str(out)], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    for name in ("poster.pdf", "deck.pdf", "deck.pptx"):
        path = out / name
        assert path.is_file() and path.stat().st_size > 1000, name
    assert (out / "poster.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "deck.pptx").read_bytes().startswith(b"PK")
