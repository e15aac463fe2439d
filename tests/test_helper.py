"""The chart helper process and the cut chart fonts: faster, and the same bytes."""
from __future__ import annotations

import hashlib
import os

import pytest

from conftest import DECK_DIR, TARGET


def digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def built_here(tmp_path_factory, demo_model):
    """The demo target built without a helper: the reference."""
    from posterdeck import api

    out = tmp_path_factory.mktemp("no-helper")
    api.build_target(demo_model, TARGET, out)
    return digests(out / DECK_DIR.name / TARGET)


def test_a_target_built_with_the_helper_is_byte_identical(tmp_path, demo_model, built_here):
    from posterdeck import api
    from posterdeck.charts.helper import ChartHelper

    with ChartHelper() as helper:
        result = api.build_target(demo_model, TARGET, tmp_path, helper=helper)
    assert [p.name for p in result.files] == ["poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf"]
    assert digests(tmp_path / DECK_DIR.name / TARGET) == built_here


def test_charts_are_drawn_here_when_the_helper_is_gone(tmp_path, demo_model, built_here):
    from posterdeck import api
    from posterdeck.charts.helper import ChartHelper

    helper = ChartHelper()
    helper._proc.kill()
    helper._proc.join(10)
    try:
        api.build_target(demo_model, TARGET, tmp_path, helper=helper)
    finally:
        helper.close()
    assert digests(tmp_path / DECK_DIR.name / TARGET) == built_here


def test_the_helper_leaves_when_the_build_closes_it():
    from posterdeck.charts.helper import ChartHelper

    helper = ChartHelper()
    helper.close()
    assert not helper._proc.is_alive()
    assert helper._proc.exitcode == 0


def test_one_target_gets_a_helper_several_targets_or_jobs_1_do_not(monkeypatch):
    from posterdeck import cli

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    helper = cli._chart_helper(1, 0)
    try:
        assert helper is not None
    finally:
        helper.close()
    assert cli._chart_helper(1, 1) is None  # --jobs 1: one process, nothing beside it
    assert cli._chart_helper(2, 0) is None  # several targets: the worker processes use the cores
    assert cli._chart_helper(0, 0) is None  # nothing to build
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert cli._chart_helper(1, 0) is None  # one core: a helper would only compete with the build


def test_cut_chart_font_keeps_glyphs_metrics_and_kerning(demo_fonts):
    from fontTools.ttLib import TTFont

    from posterdeck.charts.fonts import BLOCKS, chart_font

    _, files, _ = demo_fonts
    original = TTFont(files["regular"])
    cut_path = chart_font(files["regular"], "Patients (%) ≥ 12 months αβ Ж")
    cut = TTFont(cut_path)
    assert os.path.getsize(cut_path) < os.path.getsize(files["regular"]) / 3
    assert not {"GSUB", "GPOS"} & set(cut.keys())
    assert "kern" in cut  # matplotlib kerns with the legacy table
    ocmap, ccmap = original.getBestCmap(), cut.getBestCmap()
    wanted = [c for lo, hi in BLOCKS for c in range(lo, hi + 1) if c in ocmap]
    assert set(wanted) <= set(ccmap)
    for c in wanted:
        assert cut["hmtx"][ccmap[c]] == original["hmtx"][ocmap[c]], chr(c)
    okern = original["kern"].kernTables[0].kernTable
    ckern = cut["kern"].kernTables[0].kernTable
    pair = (ocmap[ord("T")], ocmap[ord("o")])
    assert ckern[(ccmap[ord("T")], ccmap[ord("o")])] == okern[pair] != 0


def test_cut_chart_font_takes_characters_outside_the_usual_scripts(demo_fonts):
    from fontTools.ttLib import TTFont

    from posterdeck.charts.fonts import chart_font

    _, files, _ = demo_fonts
    plain = chart_font(files["regular"], "abc")
    extra = chart_font(files["regular"], "abc \u2460")  # circled digit one: not in BLOCKS
    assert plain != extra
    assert 0x2460 in TTFont(extra).getBestCmap() and 0x2460 not in TTFont(plain).getBestCmap()
    assert chart_font(files["regular"], "xyz") == plain  # the same cut, from the cache
