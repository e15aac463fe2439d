"""Bad input through the command line: one clear message per problem, naming file:line, with a
hint; exit status 1; no traceback; nothing written for the deck; a good file never replaced."""
from __future__ import annotations

import re
import shutil

import pytest

from conftest import DECK, TARGET, error_lines

CONTENT = f"data/{DECK}/content.yaml"
STUDY = f"data/{DECK}/study.yaml"
DECKYAML = f"data/{DECK}/deck.yaml"
REFS = f"data/{DECK}/references.yaml"
THEME = "layouts/themes/besponsa.yaml"


def build(project, *extra, all_targets: bool = False):
    """Build the broken copy; one target unless ``all_targets`` (every target reports its own problems)."""
    targets = () if all_targets else ("--target", TARGET)
    return project.cli("build", f"data/{DECK}", *targets, "--out", str(project.out), "-q", *extra)


def assert_one_clear_error(res, project, file: str, line: int, *words: str):
    stderr = res.stderr
    assert "Traceback" not in stderr + res.stdout, stderr
    assert res.returncode == 1, (res.returncode, stderr)
    errors = error_lines(stderr)
    assert len(errors) == 1, f"want one message, got: {stderr}"
    name = file.rsplit("/", 1)[-1]
    assert re.search(rf"(?:^|[\s/]){re.escape(name)}:{line}\b", errors[0]), f"no {name}:{line} in {errors[0]!r}"
    for w in words:
        assert w in stderr, f"{w!r} not in {stderr!r}"
    assert re.search(r"^\s+hint: \S", stderr, re.M), f"no hint in {stderr!r}"
    assert project.written() == [], f"files written despite the error: {project.written()}"


# ---------------------------------------------------------------------------------- malformed YAML

def test_malformed_yaml_in_content(project_copy):
    line = project_copy.insert_line(CONTENT, 10, "  broken: [unclosed")
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "malformed YAML")


def test_unclosed_quote_in_study(project_copy):
    line = project_copy.replace(STUDY, 'label: "CR/CRi, BESPONSA S1"}', 'label: "CR/CRi, BESPONSA S1}')
    res = build(project_copy)
    stderr = res.stderr
    assert res.returncode == 1 and "Traceback" not in stderr
    errors = error_lines(stderr)
    assert len(errors) == 1
    # the scanner reports where the string was opened or where it ran out
    m = re.search(r"study\.yaml:(\d+)", errors[0])
    assert m and int(m.group(1)) >= line
    assert "hint:" in stderr
    assert project_copy.written() == []


def test_duplicate_key_in_references(project_copy):
    line = project_copy.replace(REFS, "    volume: 61\n", "    volume: 61\n    volume: 62\n") + 1
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, REFS, line, "duplicate key 'volume'")


# ---------------------------------------------------------------------------------- typos in keys

def test_typo_in_an_optional_content_key(project_copy):
    line = project_copy.replace(CONTENT, "\ncongress:", "\ncongres:") + 1
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "unknown key 'congres'", "did you mean 'congress'?")


def test_typo_in_a_study_leaf_key(project_copy):
    line = project_copy.replace(STUDY, '{n: 20, N: ino_s2, pct: 39.2, label:', '{n: 20, N: ino_s2, pct: 39.2, lable:')
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, STUDY, line, "unknown key 'lable'", "did you mean 'label'?")


def test_typo_in_a_layout_key(project_copy):
    rel = "layouts/slides-16x9.yaml"
    line = project_copy.replace(rel, "  panel_padding:", "  panel_paddin:")
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, rel, line, "unknown key 'panel_paddin'", "did you mean 'panel_padding'?")


def test_british_spelling_of_a_chart_series_key(project_copy):
    """A key inside a chart (a member of the charts' union, in a list) is reported at its own
    line, not the chart's, with its other spelling as the hint."""
    line = project_copy.replace(CONTENT, "results.cri.ino_s2, results.cri.sc_s2]\n        color:",
                                "results.cri.ino_s2, results.cri.sc_s2]\n        colour:") + 1
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "unknown key 'colour' at charts.", ".series.1.colour",
                           "did you mean 'color'?")
    assert "clustered_column" not in res.stderr  # pydantic's union tag is no key of the file


def test_typo_in_a_chart_key_suggests_the_closest(project_copy):
    line = project_copy.replace(CONTENT, "primary_light\n    value_axis: {title: \"Patients (%)\", max: 100}\n\n  # BESPONSA",
                                "primary_light\n    value_axsi: {title: \"Patients (%)\", max: 100}\n\n  # BESPONSA") + 1
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "unknown key 'value_axsi'", "did you mean 'value_axis'?")


@pytest.mark.parametrize("rel, old, new, key", [
    (DECKYAML, "  theme: besponsa", "  theem: besponsa", "theem"),
    (CONTENT, "\ntitle: ", "\ntitel: ", "titel"),
], ids=["deck.yaml", "content.yaml"])
def test_typo_in_a_required_key(project_copy, rel, old, new, key):
    line = project_copy.replace(rel, old, new) + (1 if old.startswith("\n") else 0)
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, rel, line, f"unknown key '{key}'", "did you mean")


# ---------------------------------------------------------------------------------- references and data

def test_missing_reference_key(project_copy):
    line = project_copy.replace(CONTENT, "infection and VOD[@smpc]", "infection and VOD[@smpcx]")
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "[@smpcx]", "did you mean 'smpc'?")


def test_unknown_data_path_in_a_placeholder(project_copy):
    line = project_copy.replace(CONTENT, "- \"{{ results.hsct.ino_s1 }} in S1", "- \"{{ results.hsct.ino_sl }} in S1")
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "results.hsct.ino_sl", "did you mean")


def test_unknown_data_path_in_a_chart(project_copy):
    line = project_copy.replace(CONTENT, "values: [results.os24.sc_s1, results.os24.sc_s2]",
                                "values: [results.os24.sc_s1, results.os42.sc_s2]")
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "results.os42.sc_s2")


def test_stated_percentage_mismatching_n_over_N(project_copy):
    line = project_copy.replace(STUDY, "{n: 87, N: ino_s1, pct: 78.4,", "{n: 87, N: ino_s1, pct: 78.5,")
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, STUDY, line, "78.5", "87/111")


# ---------------------------------------------------------------------------------- files

def test_missing_font_file(project_copy):
    line = project_copy.replace(THEME, "bold: matplotlib:DejaVuSans-Bold.ttf", "bold: fonts/Brand-Bold.ttf")
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, THEME, line, "Brand-Bold.ttf")


def test_missing_image_file(project_copy):
    """An image visual whose file is missing (images: are part of the content model)."""
    text = project_copy.path(CONTENT).read_text(encoding="utf-8")
    text = text.replace("visuals: [hsct_rate]", "visuals: [hsct_rate, flow]")
    text += "\nimages:\n  flow:\n    file: figures/flow.png\n    alt: Patient flow\n"
    project_copy.path(CONTENT).write_text(text, encoding="utf-8")
    line = project_copy.line_of(CONTENT, "file: figures/flow.png")
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "flow.png")


def test_missing_data_file_named_in_deck_yaml(project_copy):
    after = project_copy.line_of(DECKYAML, "  files:")
    line = project_copy.insert_line(DECKYAML, after, "    references: refs.yaml")
    res = build(project_copy)
    errors = error_lines(res.stderr)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert len(errors) == 1, res.stderr
    assert "refs.yaml" in errors[0]
    assert re.search(rf"(?:deck\.yaml:{line}|refs\.yaml)", errors[0])
    assert "hint:" in res.stderr
    assert project_copy.written() == []


# ---------------------------------------------------------------------------------- several problems

def test_each_problem_gets_its_own_message(project_copy):
    l1 = project_copy.replace(CONTENT, "\ncongress:", "\ncongres:") + 1
    l2 = project_copy.replace(STUDY, "{n: 87, N: ino_s1, pct: 78.4,", "{n: 87, N: ino_s1, pct: 78.5,")
    res = build(project_copy)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = error_lines(res.stderr)
    assert len(errors) == 2, res.stderr
    joined = "\n".join(errors)
    assert f"content.yaml:{l1}" in joined and f"study.yaml:{l2}" in joined
    assert res.stderr.count("hint:") == 2
    assert project_copy.written() == []


def break_two_content_lines(project):
    l1 = project.replace(CONTENT, "infection and VOD[@smpc]", "infection and VOD[@smpcx]")
    l2 = project.replace(CONTENT, "(N = {{ populations.itt }})", "(N = {{ populations.it }})")
    return l1, l2


def test_two_resolve_problems_two_messages(project_copy):
    l1, l2 = break_two_content_lines(project_copy)
    res = build(project_copy)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    found = [int(m) for m in re.findall(r"content\.yaml:(\d+):", res.stderr)]
    assert sorted(found) == sorted([l1, l2]), res.stderr
    assert res.stderr.count("hint:") == 2
    assert project_copy.written() == []


def test_every_build_problem_line_starts_with_error(project_copy):
    l1, l2 = break_two_content_lines(project_copy)
    res = build(project_copy)
    errors = error_lines(res.stderr)
    assert len(errors) == 2, res.stderr
    assert {int(m) for m in re.findall(r"content\.yaml:(\d+)", "\n".join(errors))} == {l1, l2}


def test_a_load_problem_is_reported_once_for_all_targets(project_copy):
    line = project_copy.replace(STUDY, "{n: 87, N: ino_s1, pct: 78.4,", "{n: 87, N: ino_s1, pct: 78.5,")
    res = build(project_copy, all_targets=True)
    assert_one_clear_error(res, project_copy, STUDY, line, "78.5")


def test_a_content_problem_is_reported_once_for_all_targets(project_copy):
    line = project_copy.replace(CONTENT, "infection and VOD[@smpc]", "infection and VOD[@smpcx]")
    res = build(project_copy, all_targets=True)
    assert_one_clear_error(res, project_copy, CONTENT, line, "[@smpcx]")


# ---------------------------------------------------------------------------------- atomic writes

def test_a_failed_build_never_replaces_good_files(project_copy, demo_build):
    good = project_copy.out / DECK / TARGET
    good.mkdir(parents=True)
    for f in demo_build.folder.iterdir():
        shutil.copy2(f, good / f.name)
    before = {f.name: f.read_bytes() for f in good.iterdir()}
    # a problem found while composing, after loading succeeded
    project_copy.replace(CONTENT, "infection and VOD[@smpc]", "infection and VOD[@smpcx]")
    res = build(project_copy)
    assert res.returncode == 1
    after = {f.name: f.read_bytes() for f in good.iterdir()}
    assert after == before  # same files, same bytes, no temporaries left


def test_layout_overflow_is_exit_1_with_the_slide_named(project_copy):
    sentence = "Note: Due to the small sample size, results should be interpreted with caution."
    project_copy.replace(CONTENT, f'      - "{sentence}"\n      - "Salvage treatment line by',
                         f'      - "{(sentence + " ") * 60}"\n      - "Salvage treatment line by')
    res = build(project_copy)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "slide 4 (survival)" in res.stderr
    assert "hint:" in res.stderr
    assert project_copy.written() == []


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    import os

    from posterdeck.output import write_atomic

    target = tmp_path / "deck.pdf"
    write_atomic(target, b"good")
    assert target.read_bytes() == b"good"
    assert (target.stat().st_mode & 0o777) == 0o644

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"half-written new content")
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pdf"]  # no temporary left behind


def test_a_render_failure_writes_none_of_the_target_files(tmp_path, monkeypatch, demo_model):
    """poster.pdf renders before deck.pptx: when the PPTX fails, the old poster.pdf must stay."""
    import posterdeck.render.pptx as pptx_pkg
    from posterdeck import api

    folder = tmp_path / DECK / TARGET
    folder.mkdir(parents=True)
    for f in ("poster.pdf", "deck.pdf", "deck.pptx"):
        (folder / f).write_bytes(b"old " + f.encode())

    def broken(doc):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(pptx_pkg, "render_pptx", broken)
    with pytest.raises(RuntimeError):
        api.build_target(demo_model, TARGET, tmp_path)
    assert {f.name: f.read_bytes() for f in folder.iterdir()} == {
        f: b"old " + f.encode() for f in ("poster.pdf", "deck.pdf", "deck.pptx")}


def test_value_axis_max_below_an_upper_ci(project_copy):
    """Issue #11: an upper CI (34.4) is never cut off by the value axis; a max below it is an error."""
    line = project_copy.replace(CONTENT, 'value_axis: {title: "24-month overall survival (%)"}',
                                'value_axis: {title: "24-month overall survival (%)", max: 30}')
    res = build(project_copy)
    assert_one_clear_error(res, project_copy, CONTENT, line, "value_axis max 30", "34.4", "raise value_axis.max")


# ------------------------------------------------------------- the fuzz suite's former known gaps

LEAF = 'ino_s1: {n: 87, N: ino_s1, pct: 78.4, label: "CR/CRi, BESPONSA S1"}'
POSTER = "layouts/poster-a0-portrait.yaml"


@pytest.mark.parametrize("rel, old, new, words", [
    (STUDY, LEAF, 'ino_s1: {n: 0, N: 0, label: "CR/CRi, BESPONSA S1"}', ["N = 0", "denominator of at least 1"]),
    (STUDY, LEAF, 'ino_s1: {n: true, N: ino_s1, label: "CR/CRi, BESPONSA S1"}', ["n: true is a yes/no"]),
    (CONTENT, "the two primary endpoints[@kantarjian2016]", "the two primary\x0b endpoints[@kantarjian2016]",
     ["U+000B is not allowed"]),
    (POSTER, "gutter: 9mm", "gutter: 5000mm", ["gutter 5000 mm leaves no room for the columns"]),
    (POSTER, "{size: 26, min_size: 18", "{size: 26, min_size: 80", ["min_size 80 is larger than size 26"]),
    (POSTER, "panels: [callouts, overview]", "panels: [callouts, overveiw]",
     ["unknown panel 'overveiw'", "did you mean 'overview'?"]),
], ids=["count-of-zero", "count-yes-no", "control-character", "gutter-too-wide", "min-size-above-size",
        "unknown-panel"])
def test_check_names_the_line_and_the_problem(project_copy, rel, old, new, words):
    """What the fuzz suite only sees as 'an error at this line' is the right error: check (which
    runs every validation the build runs) says what is wrong there."""
    line = project_copy.replace(rel, old, new)
    res = project_copy.cli("check", f"data/{DECK}")
    assert_one_clear_error(res, project_copy, rel, line, *words)


def test_a_symbolic_link_loop_is_named_not_a_traceback(project_copy):
    study = project_copy.path(STUDY)
    study.unlink()
    study.symlink_to(study)
    res = project_copy.cli("check", f"data/{DECK}")
    # deck.yaml's files: (where study: study.yaml is the default)
    assert_one_clear_error(res, project_copy, DECKYAML, project_copy.line_of(DECKYAML, "\n  files:") + 1,
                           "study file study.yaml is a symbolic link loop")
