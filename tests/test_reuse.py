"""Work a build does once and reuses (issue 14): the same outputs whether it was reused or made
anew. PPTX run and cell properties copied from the first run of a look; a table measured once per
width and scale; markup parsed once per text; the cache written through output.write_atomic."""
from __future__ import annotations

import io
import os
import time
import zipfile

import pytest

from posterdeck import cache
from posterdeck.render.pptx import xml


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_pptx_properties_copied_are_the_xml_python_pptx_makes(demo_docs, monkeypatch):
    from posterdeck.render.pptx import render_pptx

    from posterdeck.render.pptx import reuse

    monkeypatch.setattr(reuse, "load", lambda k: None)  # every slide painted (none from the slide cache)
    deck = demo_docs["deck"]
    reused = render_pptx(deck)
    made = []
    monkeypatch.setattr(xml, "reuse_rPr", lambda r, doc, key: made.append(key) and False)
    monkeypatch.setattr(xml, "reuse_tcPr", lambda tc, doc, key: made.append(key) and False)
    monkeypatch.setattr(xml, "reuse_pPr", lambda p, doc, key: made.append(key) and False)
    fresh = render_pptx(deck)
    assert len(made) > 100  # every run, paragraph and cell was made by python-pptx's setters this time
    assert any(k[0] == "para" for k in made)
    assert reused == fresh, [n for n, b in _parts(fresh).items() if _parts(reused).get(n) != b]
    slides = [b for n, b in _parts(reused).items() if n.startswith("ppt/slides/slide")]
    # a link's run got its address after the copy (the copy stays python-pptx's element class)
    assert any(b"hlinkClick" in s for s in slides)


def test_pptx_property_copies_are_kept_for_one_document_only(demo_docs):
    from posterdeck.render.pptx import render_pptx

    deck = demo_docs["deck"]
    render_pptx(deck)
    assert xml._FOR[0] is deck and xml._MADE
    other = type(deck)(**{**deck.__dict__, "colours": dict(deck.colours)})
    assert xml._made(other) == {} and xml._FOR[0] is other


def test_a_table_measured_once_per_width_and_scale(demo_model):
    from posterdeck.compose.blocks import Ctx
    from posterdeck.compose.tables import TableBlock, _TooNarrow
    from posterdeck.compose.text import Fonts
    from posterdeck.fonts import font_files
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target
    from posterdeck.resolve.visuals import RTable

    from conftest import TARGET

    target = make_target(TARGET, demo_model.info, demo_model.markets)
    doc = resolve(demo_model, target)
    tables = [v for s in doc.sections for v in s.visuals if isinstance(v, RTable)]
    assert tables  # the demo has its adverse-event table
    layout = demo_model.layouts["poster"]
    fonts = Fonts(font_files(demo_model.theme, demo_model.theme_dir, target.language))
    colours = dict(demo_model.theme.colours)
    block = TableBlock(tables[0], Ctx(layout, fonts, "test", colours, target.language))
    first = block._build(1500.0, 0.5)
    assert block._build(1500.0, 0.5) is first  # the same measurement, not made again
    fresh = TableBlock(tables[0], Ctx(layout, fonts, "test", colours, target.language))._build(1500.0, 0.5)
    assert fresh == first
    with pytest.raises(_TooNarrow):
        block._build(20.0, 1.0)
    with pytest.raises(_TooNarrow):  # a width too narrow stays too narrow
        block._build(20.0, 1.0)
    assert block.min_height(20.0, 1.0) == float("inf")


def test_markup_parsed_once_is_never_shared_mutably():
    from posterdeck.resolve import markup

    a = markup.parse("**Bold** and [@ref] and ^[a note]")
    a.append("changed")
    b = markup.parse("**Bold** and [@ref] and ^[a note]")
    assert "changed" not in b and len(b) == len(a) - 1
    with pytest.raises(markup.MarkupError):
        markup.parse("an unclosed ^[footnote")
    with pytest.raises(markup.MarkupError):  # an error is raised every time, never remembered as a result
        markup.parse("an unclosed ^[footnote")


def test_cache_entries_written_whole_and_what_a_killed_build_left_pruned(tmp_path, monkeypatch):
    from posterdeck import output

    monkeypatch.setenv("POSTERDECK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("POSTERDECK_NO_CACHE", raising=False)
    written = []
    real = output.write_atomic
    monkeypatch.setattr(output, "write_atomic", lambda path, data, **kw: (written.append(path), real(path, data, **kw)))
    k = "ab" * 32
    cache.put("charts", k, b"payload")
    assert written == [tmp_path / "charts" / "ab" / k]  # the one writer of whole files
    assert cache.get("charts", k) == b"payload"
    folder = tmp_path / "charts" / "ab"
    assert sorted(p.name for p in folder.iterdir()) == [k]  # no temporary left
    old, new = folder / f".{k}.x1.tmp", folder / f".{k}.x2.tmp"
    old.write_bytes(b"half")
    new.write_bytes(b"half")
    an_hour_ago = time.time() - 2 * 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert cache.prune(max_bytes=10**9, max_age_days=30) == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted([k, new.name])  # a write under way stays
    assert cache.get("charts", new.name) is None  # never read as an entry


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("POSTERDECK_CACHE_DIR", str(blocker))
    monkeypatch.delenv("POSTERDECK_NO_CACHE", raising=False)
    cache.put("charts", "cd" * 32, b"payload")
    assert cache.get("charts", "cd" * 32) is None


@pytest.mark.parametrize("floor,ceiling", [(0.3, 1.0), (1.0, 1.3), (1.0, 1.13)])
def test_the_fit_search_gives_one_answer_whatever_its_guess(floor, ceiling):
    """A guess (from measures already made) only changes where the search starts and how many
    measures it takes, never the scale it finds; the floor is measured only when nothing larger fits."""
    from posterdeck.compose.blocks import largest_scale

    grid = [round(floor + i * 0.0125, 4) for i in range(int(round((ceiling - floor) / 0.0125)) + 1)]
    for limit in [floor - 0.01, *grid[::3], ceiling - 0.001, ceiling]:  # fits up to limit
        asked: list[float] = []

        def fits(s: float) -> bool:
            asked.append(s)
            return s <= limit + 1e-9

        plain = largest_scale(fits, floor, ceiling=ceiling)
        for guess in [None, floor - 1, floor, *grid[::4], ceiling, ceiling + 1]:
            assert largest_scale(fits, floor, ceiling=ceiling, guess=guess) == plain, (limit, guess)
        if plain is not None and plain > floor:
            asked.clear()
            largest_scale(fits, floor, ceiling=ceiling)
            assert floor not in asked  # a larger scale fits: the floor is not measured
        if plain is not None and floor < plain < ceiling:
            asked.clear()
            largest_scale(fits, floor, ceiling=ceiling, guess=plain)
            assert len(asked) <= 3  # the ceiling, the answer, the step above it (unless that is the ceiling)


# ------------------------------------------------------------------ chart workbooks in the cache

@pytest.fixture
def workbook_cache(tmp_path, monkeypatch):
    from posterdeck.render.pptx.charts import workbook

    folder = tmp_path / "cache"
    monkeypatch.setenv("POSTERDECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("POSTERDECK_NO_CACHE", raising=False)
    monkeypatch.setattr(workbook, "_MEMORY", {})
    return folder


def _bar_charts(docs) -> list:
    from posterdeck.pagemodel import Chart
    from posterdeck.pagemodel.charts import RChart

    return [b.chart for p in docs["deck"].pages for b in p.boxes
            if isinstance(b, Chart) and isinstance(b.chart, RChart)]


def _workbook(chart, monkeypatch) -> tuple[bytes, int]:
    """The chart's workbook as a new process gets it, and how many workbooks xlsxwriter wrote."""
    from pptx.chart.data import CategoryChartData

    from posterdeck.render.pptx.charts import bars, workbook

    monkeypatch.setattr(workbook, "_MEMORY", {})
    written = []
    real = CategoryChartData.xlsx_blob.fget
    monkeypatch.setattr(CategoryChartData, "xlsx_blob", property(lambda self: written.append(1) or real(self)))
    blob = bars.chart_data(chart).xlsx_blob
    return blob, len(written)


def test_chart_workbooks_kept_written_anew_when_corrupt_or_versions_change(workbook_cache, demo_docs, monkeypatch):
    from posterdeck.render.pptx.charts import bars, workbook

    charts = _bar_charts(demo_docs)
    assert charts
    chart = charts[0]
    first, written = _workbook(chart, monkeypatch)
    assert written == 1 and first[:2] == b"PK"  # an xlsx (zip) file
    assert _workbook(chart, monkeypatch) == (first, 0)  # from the disk
    entry = next(p for p in (workbook_cache / "workbooks").rglob("*") if p.is_file())
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 2])  # cut short
    assert _workbook(chart, monkeypatch) == (first, 1)  # written anew, not trusted
    assert entry.read_bytes() == good
    bad = bytearray(good)
    bad[-10] ^= 0xFF
    entry.write_bytes(bytes(bad))
    assert _workbook(chart, monkeypatch) == (first, 1)
    versions, real = workbook._versions(), workbook._versions
    monkeypatch.setattr(workbook, "_versions", lambda: (versions[0], "99.0", versions[2]))  # another xlsxwriter
    assert _workbook(chart, monkeypatch)[1] == 1
    monkeypatch.setattr(workbook, "_versions", lambda: versions)
    # posterdeck's whole source counts (manifest.tool_hash, as for kept slides), not three files
    from posterdeck import manifest

    monkeypatch.setattr(manifest, "tool_hash", lambda: "another posterdeck")
    monkeypatch.setattr(workbook, "_versions", real.__wrapped__)
    assert workbook._versions()[0] == "another posterdeck"
    assert _workbook(chart, monkeypatch)[1] == 1
    monkeypatch.setattr(workbook, "_versions", lambda: versions)
    import dataclasses

    changed = dataclasses.replace(chart, title=(chart.title or "") + " (updated)")
    assert _workbook(changed, monkeypatch)[1] == 1  # any field of the chart counts
    assert bars.chart_data(chart).made_from != bars.chart_data(changed).made_from


def test_a_deck_is_the_same_bytes_with_its_workbooks_cached_or_not(workbook_cache, demo_docs, monkeypatch):
    from posterdeck.render.pptx import render_pptx
    from posterdeck.render.pptx import reuse
    from posterdeck.render.pptx.charts import workbook

    monkeypatch.setattr(reuse, "load", lambda k: None)  # every chart made (no slide from the slide cache)
    cold = render_pptx(demo_docs["deck"])
    monkeypatch.setattr(workbook, "_MEMORY", {})
    assert list((workbook_cache / "workbooks").rglob("*"))
    warm = render_pptx(demo_docs["deck"])  # every workbook from the disk
    monkeypatch.setenv("POSTERDECK_NO_CACHE", "1")
    monkeypatch.setattr(workbook, "_MEMORY", {})
    off = render_pptx(demo_docs["deck"])
    assert cold == warm == off


def test_workers_get_the_targets_of_one_language_together_yet_all_spread():
    from posterdeck.cli import _batches

    pairs = [("d", t) for t in ["en-GB", "de-DE", "en-IE", "fr-FR", "de-AT", "de-CH", "el-GR", "en-DK", "fr-BE"]]
    jobs = _batches(pairs, 2)
    assert sorted(p for job in jobs for p in job) == sorted(pairs)  # each pair once
    assert all(len({t.split("-")[0] for _, t in job}) == 1 for job in jobs)  # one language a job
    assert [t for _, t in jobs[0]] == ["en-GB", "en-IE", "en-DK"]  # the longest first, in order
    one_language = [("d", f"en-{c}") for c in "ABCDEFGHIJKLMNOPQRST"]
    jobs = _batches(one_language, 2)
    assert len(jobs) >= 4 and max(len(j) for j in jobs) == 5  # spread over both workers
    two_decks = _batches([("a", "en-GB"), ("b", "en-GB")], 2)
    assert len(two_decks) == 2  # one deck a job


def test_cache_entries_are_not_flushed_to_disk_but_outputs_are(tmp_path, monkeypatch):
    """A cache entry carries its payload's checksum, checked at every read, so it is written
    without fsync; a target's outputs and their manifest are flushed before they are swapped in."""
    from posterdeck import output

    monkeypatch.setenv("POSTERDECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("POSTERDECK_NO_CACHE", raising=False)
    synced = []
    real = os.fsync

    def named(fd):  # which file each flush was for
        try:
            return os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            return fd

    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(named(fd)), real(fd)))
    cache.put("charts", "cd" * 32, b"payload")
    assert synced == [] and cache.get("charts", "cd" * 32) == b"payload"
    output.write_atomic(tmp_path / "changes.md", b"text")
    assert len(synced) == 1
    synced.clear()
    output.publish(tmp_path / "out" / "en-GB", {"poster.pdf": b"a", "deck.pdf": b"b"}, b"{}")
    assert len(synced) >= 3  # each file, the manifest (and the folders where the system allows)
    if os.path.isdir("/proc/self/fd"):  # Linux: each output file by name, not only the manifest and folders
        assert {"poster.pdf", "deck.pdf"} <= set(synced), synced


def test_outputs_are_flushed_one_after_the_other_when_no_thread_can_start(tmp_path, monkeypatch):
    """A container's process limit may refuse threads: the files are flushed in turn, the set
    published whole."""
    import concurrent.futures

    from posterdeck import output

    def refuse(*a, **k):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(concurrent.futures.ThreadPoolExecutor, "__init__", refuse)
    written = output.publish(tmp_path / "out" / "en-GB", {"poster.pdf": b"a", "deck.pdf": b"b"}, b"{}")
    assert written
    assert (tmp_path / "out" / "en-GB" / "poster.pdf").read_bytes() == b"a"
    assert not [p for p in (tmp_path / "out").iterdir() if "staging" in p.name]
