"""The chart helper process and the cut chart fonts: faster, and the same bytes."""
from __future__ import annotations

import hashlib
import os

import pytest

from conftest import DECK_DIR, TARGET


def digests(folder) -> dict[str, str]:
    """Each file's SHA-256; the manifest's without the build's seconds (which vary run to run)."""
    import json

    def content(p):
        if p.name != ".posterdeck-manifest.json":
            return p.read_bytes()
        data = json.loads(p.read_text(encoding="utf-8"))
        data.pop("seconds", None)
        return json.dumps(data, sort_keys=True).encode()

    return {p.name: hashlib.sha256(content(p)).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(autouse=True)
def no_chart_cache(tmp_path_factory, monkeypatch):
    """The helper is asked only for charts not in the chart cache (charts/cached.py): each test
    starts with an empty one and nothing remembered in this process, so that the helper draws."""
    from posterdeck.charts import cached

    monkeypatch.setenv("POSTERDECK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setattr(cached, "_MEMORY", {})


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


def test_a_spawned_helper_as_on_macos_and_windows_draws_the_same_bytes(tmp_path, demo_model, built_here,
                                                                       monkeypatch):
    import sys

    from posterdeck import api
    from posterdeck.charts.helper import ChartHelper

    monkeypatch.setattr(sys, "platform", "darwin")  # no fork there: the helper is spawned
    helper = ChartHelper()
    monkeypatch.undo()
    assert type(helper._proc).__name__ == "SpawnProcess"
    try:
        api.build_target(demo_model, TARGET, tmp_path, helper=helper)
    finally:
        helper.close()
    assert helper._proc.exitcode == 0
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


def test_charts_are_drawn_here_when_the_helper_stops_answering(tmp_path, demo_model, built_here, monkeypatch):
    import signal

    from posterdeck import api
    from posterdeck.charts import helper as helper_module

    monkeypatch.setattr(helper_module, "WAIT", 2.0)
    helper = helper_module.ChartHelper()
    os.kill(helper._proc.pid, signal.SIGSTOP)  # alive, but never answers
    try:
        api.build_target(demo_model, TARGET, tmp_path, helper=helper)
    finally:
        helper.close()
    assert not helper._proc.is_alive()
    assert digests(tmp_path / DECK_DIR.name / TARGET) == built_here


def _ready_helper():
    """A helper that has imported matplotlib (it answered a request) and is idle."""
    from posterdeck.charts.helper import ChartHelper

    helper = ChartHelper()
    helper.draw_each(()).result()
    return helper


def _count_pptx_here(monkeypatch) -> list:
    """Count the PPTX files written in this process (not in a helper forked before)."""
    from posterdeck.render import pptx

    calls, real = [], pptx.render_pptx

    def counted(doc):
        calls.append(doc)
        return real(doc)

    monkeypatch.setattr(pptx, "render_pptx", counted)
    return calls


def test_with_its_charts_drawn_the_helper_writes_the_pptx_and_the_bytes_are_the_same(tmp_path, demo_model,
                                                                                   built_here, monkeypatch):
    """Charts from the cache: the helper has nothing to draw, so it writes the PPTX while the
    PDFs paint here."""
    from posterdeck import api

    api.build_target(demo_model, TARGET, tmp_path / "first")  # the charts into the (test's) cache
    helper = _ready_helper()
    here = _count_pptx_here(monkeypatch)
    try:
        result = api.build_target(demo_model, TARGET, tmp_path, helper=helper)
    finally:
        helper.close()
    assert here == []  # written there
    assert helper._taken.value > 0
    assert [p.name for p in result.files] == ["poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf"]
    assert digests(tmp_path / DECK_DIR.name / TARGET) == built_here


def test_while_the_helper_draws_charts_the_pptx_is_written_here(tmp_path, demo_model, built_here, monkeypatch):
    from posterdeck import api

    helper = _ready_helper()
    here = _count_pptx_here(monkeypatch)
    try:
        api.build_target(demo_model, TARGET, tmp_path, helper=helper)  # an empty cache: every chart to draw
    finally:
        helper.close()
    assert len(here) == 1
    assert digests(tmp_path / DECK_DIR.name / TARGET) == built_here


def test_the_pptx_is_written_here_when_the_helper_is_gone(tmp_path, demo_model, built_here, monkeypatch):
    from posterdeck import api

    api.build_target(demo_model, TARGET, tmp_path / "first")  # charts cached: the PPTX would go to the helper
    helper = _ready_helper()
    helper._proc.kill()
    helper._proc.join(10)
    here = _count_pptx_here(monkeypatch)
    try:
        api.build_target(demo_model, TARGET, tmp_path, helper=helper)
    finally:
        helper.close()
    assert len(here) == 1
    assert digests(tmp_path / DECK_DIR.name / TARGET) == built_here


def test_a_pptx_the_helper_cannot_write_fails_here_with_its_own_error():
    """The helper answers nothing useful for a PPTX it failed to write: this process writes it
    again and meets the error itself, as without a helper."""
    import time

    helper = _ready_helper()
    try:
        job = helper.render_pptx(NoDeck())
        deadline = time.monotonic() + 60
        while helper._taken.value == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert helper._taken.value > 0  # the helper took it (and failed) before this process asks
        with pytest.raises(AttributeError):
            job.result()
    finally:
        helper.close()


class NoDeck:
    """Pickles (to the helper), but is no Document."""


class BigDeck:
    """Pickles to far more than a pipe's buffer holds."""

    def __init__(self):
        self.padding = os.urandom(4 * 1024 * 1024)


def test_a_large_pptx_offered_to_a_stopped_helper_never_blocks_this_process():
    """The document goes over as a file: offering it to a helper that stopped reading returns at
    once (through the pipe, 4 MB would wait on the helper for ever), and the file is gone at close."""
    import signal
    import threading

    helper = _ready_helper()
    os.kill(helper._proc.pid, signal.SIGSTOP)
    done = threading.Event()
    try:
        threading.Thread(target=lambda: (helper.render_pptx(BigDeck()), done.set()), daemon=True).start()
        assert done.wait(20), "offering the PPTX blocked"
        files = list(helper._files)
        assert files and all(os.path.isfile(f) for f in files)
    finally:
        helper.close()
    assert not helper._proc.is_alive() and not any(os.path.exists(f) for f in files)


def test_a_pptx_that_fails_here_is_written_once(monkeypatch):
    """Taken back and failing, the PPTX is not written a second time when the build asks for it:
    the same error is raised again."""
    from posterdeck.charts.helper import ChartHelper, Pptx
    from posterdeck.render import pptx

    calls = []

    def failing(doc):
        calls.append(doc)
        raise RuntimeError("cannot write")

    monkeypatch.setattr(pptx, "render_pptx", failing)
    helper = ChartHelper()
    try:
        job = Pptx(helper, None, NoDeck())
        job._key = 10**9  # offered, not begun by the helper: this process takes it
        with pytest.raises(RuntimeError, match="cannot write"):
            job.take()
        with pytest.raises(RuntimeError, match="cannot write"):
            job.result()
    finally:
        helper.close()
    assert len(calls) == 1


def test_the_pptx_error_is_reported_before_a_pdf_error_with_or_without_a_helper(tmp_path, demo_model,
                                                                                monkeypatch):
    """Without a helper the PPTX is written first, so its error is the one reported; with a
    helper the PDFs paint meanwhile, and the PPTX's error still wins."""
    from posterdeck import api
    from posterdeck.errors import LayoutError, PrintError
    from posterdeck.render import pptx

    def bad_pdfs(*args, **kwargs):
        raise PrintError("the PDFs failed")

    def bad_pptx(doc):
        raise LayoutError("the PPTX failed")

    monkeypatch.setattr(api, "_paint_pdfs", bad_pdfs)
    with pytest.raises(PrintError):  # the helper writes a good PPTX: the PDFs' error stands
        with _ready_helper() as helper:
            api.build_target(demo_model, TARGET, tmp_path, helper=helper)
    monkeypatch.setattr(pptx, "render_pptx", bad_pptx)
    with pytest.raises(LayoutError, match="the PPTX failed"):
        api.build_target(demo_model, TARGET, tmp_path)
    helper = _ready_helper()
    helper._proc.kill()  # the PPTX falls back here, and fails
    helper._proc.join(10)
    try:
        with pytest.raises(LayoutError, match="the PPTX failed"):
            api.build_target(demo_model, TARGET, tmp_path, helper=helper)
    finally:
        helper.close()
    assert not (tmp_path / DECK_DIR.name / TARGET).exists()


def test_the_helper_leaves_when_the_build_closes_it():
    from posterdeck.charts.helper import ChartHelper

    helper = ChartHelper()
    helper.close()
    assert not helper._proc.is_alive()
    assert helper._proc.exitcode == 0


def test_a_build_gets_a_helper_unless_jobs_1_or_one_core(monkeypatch):
    from posterdeck import cli

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for stale in (1, 5):  # several targets: the first builds here with the helper
        helper = cli._chart_helper(stale, 0)
        try:
            assert helper is not None
        finally:
            helper.close()
            helper.close()  # closing twice is harmless
    assert cli._chart_helper(1, 1) is None  # --jobs 1: one process, nothing beside it
    assert cli._chart_helper(0, 0) is None  # nothing to build
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert cli._chart_helper(1, 0) is None  # one core: a helper would only compete with the build


def test_a_batch_in_parallel_is_byte_identical_to_one_built_in_one_process(tmp_path):
    """The first target with the helper, the others in workers forked after it (which inherit
    its charts and paragraphs), against everything in one process (--jobs 1)."""
    import shutil
    import subprocess
    import sys

    from conftest import LAYOUTS_DIR, SHARED_DIR

    (tmp_path / "data").mkdir()
    shutil.copytree(DECK_DIR, tmp_path / "data" / DECK_DIR.name)
    shutil.copytree(SHARED_DIR, tmp_path / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, tmp_path / "layouts")
    outs = {}
    for name, jobs in (("parallel", []), ("serial", ["-j", "1"])):
        res = subprocess.run([sys.executable, "-m", "posterdeck", "build", "-q", "--target", "en-NL", "--target",
                              "en-GB", "--target", "de-DE", *jobs, "--out", name], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr
        outs[name] = {tag: digests(tmp_path / name / DECK_DIR.name / tag) for tag in ("en-NL", "en-GB", "de-DE")}
    assert all(len(files) == 5 for files in outs["serial"].values())  # four outputs and the manifest
    assert outs["parallel"] == outs["serial"]


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


def _big_curve_specs(points: int, font_file: str, bold_file: str) -> list[tuple]:
    """A Kaplan-Meier chart of one long curve: a large request, and a large chart PDF back."""
    from posterdeck.pagemodel.charts import RCurve, RKaplanMeier, Steps

    import random

    rng = random.Random(points)
    times = tuple(sorted(rng.uniform(0, points * 0.001) for _ in range(points)))
    survival = tuple(sorted((rng.random() for _ in range(points)), reverse=True))
    steps = Steps(times, survival, times, ((0.0, points),), None)  # every time a censor mark
    chart = RKaplanMeier(id="big", title="", curves=(RCurve("Arm", "primary", steps),), x_max=points * 0.001,
                         ticks=(0.0,), time_title="Months", value_title="Survival (%)", medians=False,
                         at_risk=False, at_risk_title="", legend=False, aspect=1.5, alt_text="", decimal_comma=False)
    rgb = {"text": "#000000", "grey": "#808080", "primary": "#5A2A82"}
    return [(chart, 400.0, 300.0, (9.0, 8.1), rgb, font_file, bold_file, (40.0, 10.0, 350.0, 250.0))]


def test_large_requests_and_answers_do_not_block_each_other(demo_fonts):
    """Two requests sent before reading the first answer, each larger than a pipe's buffer: the
    helper must keep taking requests while its answer waits to be read."""
    import threading

    from posterdeck.charts.helper import ChartHelper

    _, files, _ = demo_fonts
    first = _big_curve_specs(30_000, files["regular"], files["bold"])
    second = _big_curve_specs(30_001, files["regular"], files["bold"])
    got = {}

    def run():
        with ChartHelper() as helper:
            a, b = helper.draw(first), helper.draw(second)
            got["sizes"] = (len(a.result()), len(b.result()))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the helper and this process are waiting on each other"
    assert min(got["sizes"]) > 300_000  # both answers were larger than the pipe's buffer


def test_a_font_that_cannot_be_cut_is_drawn_with_as_it_is(tmp_path):
    """The cut is only a speed-up: a font collection or a font fontTools cannot subset is handed
    to matplotlib whole, as before."""
    from posterdeck.charts.fonts import chart_font

    odd = tmp_path / "odd.ttf"
    odd.write_bytes(b"not really a font")
    assert chart_font(str(odd), "abc") == str(odd)
