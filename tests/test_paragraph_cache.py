"""Paragraphs and table cells kept across builds in the disk cache (compose/memo.py, issue 14).

A new process finds the paragraphs an earlier one broke and breaks none of them again; an entry
cut short, corrupt or of the wrong shape is broken anew, never used; --no-cache neither reads nor
writes it; a changed font file, library version or posterdeck source gives another entry; the
entry holds what the last build used; a real build gives the same bytes cold, from the cache,
without it and across --jobs.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DECK_DIR, LAYOUTS_DIR, SHARED_DIR

from posterdeck import cache
from posterdeck.compose import memo, tables, text
from posterdeck.compose.text import PageMarks, Citations, TextStyle, pieces
from posterdeck.resolve.markup import parse

LANGUAGE = "de-DE"
STYLE = TextStyle(size=11, leading=1.2, bold=False, italic=False, color="text")
TEXTS = [
    "Die **Gesamtansprechrate** betrug 80,7 % [95 %-KI: 72,1; 87,7] unter *Inotuzumab*[@k1; @k2].",
    "Knochenmarktransplantationsempfängerinnen und Studienteilnehmerinnen (n = 111) nach HSCT.",
    "Kurz.",
]
WIDTHS = [60.0, 140.0, 300.0]
CELLS = ["Hämatopoetische Stammzelltransplantation", "72,1 %", "Lebervenenverschlusskrankheit/SOS"]


@pytest.fixture
def files(demo_fonts):
    return demo_fonts[1]


class Run:
    """One process breaking the sample texts: its own Fonts (no paragraph remembered in memory),
    counting the paragraphs and cells it breaks itself (not taken from the disk)."""

    def __init__(self, files, monkeypatch, texts=TEXTS, cells=CELLS):
        self.fonts = text.Fonts(files)
        self.broken = 0
        self.cells_broken = 0
        real_paragraph, real_break = text._paragraph, text.break_lines

        def counting(*a, **k):
            self.broken += 1
            return real_paragraph(*a, **k)

        def counting_break(*a, **k):
            self.cells_broken += 1
            return real_break(*a, **k)

        monkeypatch.setattr(text, "_paragraph", counting)
        self.paras = [text.paragraph(pieces(parse(t), PageMarks(Citations())), STYLE, w, self.fonts, "p. 1",
                                     language=LANGUAGE) for t in texts for w in WIDTHS]
        monkeypatch.setattr(text, "break_lines", counting_break)
        self.cells = [tables._lines(c, STYLE, w, self.fonts, "p. 1", LANGUAGE) for c in cells for w in WIDTHS]
        monkeypatch.setattr(text, "_paragraph", real_paragraph)
        monkeypatch.setattr(text, "break_lines", real_break)
        memo.save()  # the end of a target's compose


def entry_files(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / memo.KIND).rglob("*") if p.is_file()) if (folder / memo.KIND).exists() else []


def kept(files) -> tuple[dict, dict, dict]:
    """The paragraphs, cells and tables of the sample language's entry, as on disk."""
    return memo._load(cache.get(memo.KIND, memo.entry_key(files, LANGUAGE)))


def test_a_new_process_breaks_none_of_the_paragraphs_again(fresh_cache, files, monkeypatch):
    cold = Run(files, monkeypatch)
    n = len(TEXTS) * len(WIDTHS)
    assert cold.broken == n and cold.cells_broken == len(CELLS) * len(WIDTHS)
    assert len(entry_files(fresh_cache)) == 1
    assert any(len(p.lines) > 2 for p in cold.paras)  # the narrow widths hyphenate
    warm = Run(files, monkeypatch)
    assert (warm.broken, warm.cells_broken) == (0, 0)
    assert warm.paras == cold.paras and repr(warm.paras) == repr(cold.paras)  # the same values, types included
    assert warm.cells == cold.cells


def test_a_changed_text_alone_is_broken_again(fresh_cache, files, monkeypatch):
    Run(files, monkeypatch)
    changed = [TEXTS[0].replace("80,7", "81,2")] + TEXTS[1:]
    again = Run(files, monkeypatch, texts=changed)
    assert again.broken == len(WIDTHS)


@pytest.mark.parametrize("damage", ["cut short", "one byte flipped", "empty"])
def test_an_entry_cut_short_or_corrupt_is_broken_anew_never_used(fresh_cache, files, monkeypatch, damage):
    cold = Run(files, monkeypatch)
    [entry] = entry_files(fresh_cache)
    good = entry.read_bytes()
    if damage == "cut short":
        entry.write_bytes(good[:len(good) // 2])
    elif damage == "one byte flipped":
        bad = bytearray(good)
        bad[len(bad) // 2] ^= 0xFF
        entry.write_bytes(bytes(bad))
    else:
        entry.write_bytes(b"")
    again = Run(files, monkeypatch)
    assert again.broken == len(TEXTS) * len(WIDTHS) and again.paras == cold.paras
    assert kept(files) is not None  # written again, whole
    assert Run(files, monkeypatch).broken == 0


def wrong_shapes(files):
    """Payloads that pass the checksum but have not the shape compose/memo.py writes."""
    paras, cells, _ = kept(files)
    k, packed = next(iter(paras.items()))
    enc = marshal.loads(packed)  # a paragraph is kept as the marshal bytes of its plain data
    span = enc[0][0]

    def one(value) -> bytes:
        return marshal.dumps((memo.FORMAT, {k: marshal.dumps(value)}, {}, {}))

    yield "not marshal", b"\x00not marshal at all"
    yield "another format", marshal.dumps((memo.FORMAT + 1, paras, cells, {}))
    yield "a list", marshal.dumps([memo.FORMAT, paras, cells, {}])
    yield "a span short of a field", one(((span[:-1],),) + enc[1:])
    yield "a number for a text", one((((0,) + span[1:],),) + enc[1:])
    yield "a text for a number", one(enc[:2] + ("11",) + enc[3:])
    yield "lines not a tuple", one((enc[0], list(enc[1])) + enc[2:])
    yield "a paragraph not marshal", marshal.dumps((memo.FORMAT, {k: b"\xffnot marshal"}, {}, {}))
    yield "a paragraph not bytes", marshal.dumps((memo.FORMAT, {k: enc}, {}, {}))
    yield "a cell of numbers", marshal.dumps((memo.FORMAT, {}, {c: (1, 2) for c in cells}, {}))


def test_an_entry_of_the_wrong_shape_is_broken_anew(fresh_cache, files, monkeypatch):
    cold = Run(files, monkeypatch)
    key = memo.entry_key(files, LANGUAGE)
    shapes = list(wrong_shapes(files))
    for name, payload in shapes:
        cache.put(memo.KIND, key, payload)
        again = Run(files, monkeypatch)
        assert again.paras == cold.paras and again.cells == cold.cells, name
        assert again.broken >= 1, name


def poisoned(files, cold) -> None:
    """The entry with the first paragraph's lines replaced by the third's (right shape, wrong value)."""
    paras, cells, layouts = kept(files)
    first = next(k for k in paras if memo.decode(marshal.loads(paras[k])) == cold.paras[0])
    paras[first] = marshal.dumps(memo.encode(cold.paras[2]))
    cache.put(memo.KIND, memo.entry_key(files, LANGUAGE), marshal.dumps((memo.FORMAT, paras, cells, layouts)))


def test_no_cache_neither_reads_nor_writes_the_entry(fresh_cache, files, monkeypatch):
    cold = Run(files, monkeypatch)
    poisoned(files, cold)
    assert Run(files, monkeypatch).paras[0] == cold.paras[2]  # read: the test can fail (nothing new: not written)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in entry_files(fresh_cache)}
    monkeypatch.setenv("POSTERDECK_NO_CACHE", "1")
    off = Run(files, monkeypatch, texts=TEXTS + ["Ein neuer Absatz."])
    assert off.paras[:len(cold.paras)] == cold.paras  # not read
    assert off.broken == (len(TEXTS) + 1) * len(WIDTHS)
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in entry_files(fresh_cache)} == before  # not written


def test_changed_fonts_libraries_or_source_give_another_entry(fresh_cache, files, monkeypatch, tmp_path):
    import pyphen
    import reportlab

    from posterdeck import manifest

    key = memo.entry_key(files, LANGUAGE)
    moved = {}
    for variant, path in files.items():  # the same content elsewhere: the same entry
        moved[variant] = str(tmp_path / f"{variant}-{Path(path).name}")
        shutil.copyfile(path, moved[variant])
    assert memo.entry_key(moved, LANGUAGE) == key
    other = dict(files, bold=files["regular"])  # another font file for a variant
    assert memo.entry_key(other, LANGUAGE) != key
    assert memo.entry_key(files, "fr-FR") != key
    monkeypatch.setattr(pyphen, "__version__", "0.0.1")
    assert memo.entry_key(files, LANGUAGE) != key
    monkeypatch.undo()
    monkeypatch.setattr(reportlab, "Version", "0.1")
    assert memo.entry_key(files, LANGUAGE) != key
    monkeypatch.undo()
    monkeypatch.setattr(manifest, "tool_hash", lambda: "another posterdeck")
    assert memo.entry_key(files, LANGUAGE) != key
    monkeypatch.undo()
    assert memo.entry_key(files, LANGUAGE) == key


def test_the_entry_keeps_another_build_s_paragraphs_up_to_its_bound(fresh_cache, files, monkeypatch):
    """A build of another deck in the language keeps the first deck's paragraphs (they are
    broken for nothing otherwise when the first deck is built again), up to KEEP entries: what
    this build used first, then the older ones."""
    first = Run(files, monkeypatch)
    assert first.broken > 0
    Run(files, monkeypatch, texts=["Ein anderer Absatz mit 12,5 %."], cells=["42"])
    paras, cells, _ = kept(files)
    assert len(paras) == (len(TEXTS) + 1) * len(WIDTHS) and len(cells) == (len(CELLS) + 1) * len(WIDTHS)  # both
    assert Run(files, monkeypatch).broken == 0  # the first deck again: nothing broken anew
    monkeypatch.setattr(memo, "KEEP", 2 * len(WIDTHS))  # room for what one build uses, and one more
    last = Run(files, monkeypatch, texts=["Ganz neu."], cells=["7"])
    paras, cells, _ = kept(files)
    assert len(paras) + len(cells) == 2 * len(WIDTHS)  # the bound, filled by what this build used
    again = Run(files, monkeypatch, texts=["Ganz neu."], cells=["7"])
    assert last.broken > 0 and again.broken == 0


def test_parallel_processes_of_one_language_keep_both_their_paragraphs(fresh_cache, files, monkeypatch):
    one, two = text.Fonts(files), text.Fonts(files)  # both read the (empty) entry first
    style = STYLE

    def para(fonts, t):
        for w in WIDTHS:
            text.paragraph(pieces(parse(t), PageMarks(Citations())), style, w, fonts, "p. 1", language=LANGUAGE)

    para(one, "Der erste Prozess.")
    para(two, "Der zweite Prozess.")
    memo.save()  # both write: the second adds the first's paragraphs to its own
    assert len(kept(files)[0]) == 2 * len(WIDTHS)
    again = Run(files, monkeypatch, texts=["Der erste Prozess.", "Der zweite Prozess."], cells=[])
    assert again.broken == 0


def test_a_target_composed_again_breaks_and_lays_out_nothing_and_gives_the_same_pages(fresh_cache, demo_model,
                                                                                      monkeypatch):
    from posterdeck.compose.build import compose
    from posterdeck.resolve.target import make_target

    target = make_target("de-DE", demo_model.info, demo_model.markets)
    made = {"paragraphs": 0, "tables": 0}
    real_paragraph, real_make = text._paragraph, tables.TableBlock._make

    def paragraph(*a, **k):
        made["paragraphs"] += 1
        return real_paragraph(*a, **k)

    def make(*a, **k):
        made["tables"] += 1
        return real_make(*a, **k)

    monkeypatch.setattr(text, "_paragraph", paragraph)
    monkeypatch.setattr(tables.TableBlock, "_make", make)
    monkeypatch.setattr(text, "_SHARED", {})  # a new process: nothing remembered in memory
    first = compose(demo_model, target)
    assert made["paragraphs"] > 100 and made["tables"] > 5
    made.update(paragraphs=0, tables=0)
    monkeypatch.setattr(text, "_SHARED", {})
    again = compose(demo_model, target)
    assert made == {"paragraphs": 0, "tables": 0}
    assert set(again) == set(first)
    for kind in first:
        assert again[kind].pages == first[kind].pages, kind


def test_a_table_layout_is_keyed_by_every_field_it_depends_on():
    from dataclasses import fields

    from posterdeck.resolve.visuals import RTable

    # a new field of RTable is either in the key or named here as one the layout does not read
    assert {f.name for f in fields(RTable)} - set(memo.TABLE_FIELDS) == {"id", "caption", "type", "paths", "row_paths"}


# ----------------------------------------------------------------------------- a real build

TAGS = ["de-DE", "el-GR"]


def cli(project: Path, cache_dir: Path, *args: str) -> None:
    env = {**os.environ, "POSTERDECK_CACHE_DIR": str(cache_dir), "CI": ""}
    env.pop("POSTERDECK_NO_CACHE", None)
    res = subprocess.run([sys.executable, "-m", "posterdeck", "build", "-q", *args,
                          *(a for t in TAGS for a in ("--target", t))],
                         cwd=project, capture_output=True, text=True, timeout=600, env=env)
    assert res.returncode == 0, res.stderr


def outputs(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def test_a_build_gives_the_same_bytes_cold_from_the_cache_without_it_and_across_jobs(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(DECK_DIR, project / "data" / DECK_DIR.name)
    shutil.copytree(SHARED_DIR, project / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, project / "layouts")
    folder = tmp_path / "cache"
    cli(project, folder, "--out", str(tmp_path / "cold"), "-j", "1")
    cold = outputs(tmp_path / "cold")
    assert len(cold) == 4 * len(TAGS)
    made = entry_files(folder)
    assert len(made) == len(TAGS)  # one entry per language
    stamps = {p: p.stat().st_mtime_ns for p in made}
    cli(project, folder, "--out", str(tmp_path / "warm"), "--force")  # from the cache, in worker processes
    assert outputs(tmp_path / "warm") == cold
    assert {p: p.stat().st_mtime_ns for p in entry_files(folder)} != stamps  # read (a read marks it used)
    cli(project, tmp_path / "none", "--out", str(tmp_path / "off"), "--no-cache")
    assert outputs(tmp_path / "off") == cold
    assert not (tmp_path / "none").exists()
