"""Slides painted by an earlier build, reused from the disk cache (issue 14, render/pptx/reuse):
the PPTX is the same bytes whether its slides were painted afresh, taken from the cache or the
cache is off; a changed page is painted again, the others are reused; an entry cut short,
corrupt or not a slide is painted afresh and written again, never used; a changed painter
version repaints."""
from __future__ import annotations

import dataclasses
import io
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

from posterdeck.pagemodel import Chart, TextBox
from posterdeck.render.pptx import painter, reuse
from posterdeck.render.pptx import render_pptx

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "pptx"))
import make_template  # noqa: E402


@pytest.fixture
def painted(monkeypatch) -> list:
    """The pages painted afresh (not taken from the cache), in order."""
    got: list = []
    real = painter._paint

    def counting(slide, page, *args):
        got.append(page.name)
        return real(slide, page, *args)

    monkeypatch.setattr(painter, "_paint", counting)
    return got


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _same(a: bytes, b: bytes) -> None:
    pa, pb = _parts(a), _parts(b)
    assert a == b, (sorted(set(pa) ^ set(pb)), [n for n in pa if pa[n] != pb.get(n)])


def _uncached(doc, monkeypatch) -> bytes:
    with monkeypatch.context() as m:
        m.setenv("POSTERDECK_NO_CACHE", "1")
        return render_pptx(doc)


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / reuse.KIND).rglob("*") if p.is_file())


def test_slides_from_the_cache_are_the_bytes_painted_afresh(demo_docs, fresh_cache, painted, monkeypatch):
    deck = demo_docs["deck"]
    off = _uncached(deck, monkeypatch)
    assert painted == [p.name for p in deck.pages] and not _entries(fresh_cache)  # --no-cache: nothing written
    painted.clear()
    first = render_pptx(deck)
    assert len(painted) == len(deck.pages) and len(_entries(fresh_cache)) == len(deck.pages)
    painted.clear()
    again = render_pptx(deck)
    assert painted == []  # every slide from the cache
    _same(off, first)
    _same(first, again)
    slides = [b for n, b in _parts(again).items() if n.startswith("ppt/slides/slide")]
    assert any(b"hlinkClick" in s for s in slides)  # links, charts and workbooks made again with the slides
    assert any(n.startswith("ppt/embeddings/") for n in _parts(again))
    assert sum(1 for n in _parts(again) if n.startswith("ppt/charts/chart")) == sum(
        isinstance(b, Chart) for p in deck.pages for b in p.boxes)


def test_a_changed_page_is_painted_again_the_others_reused(demo_docs, fresh_cache, painted, monkeypatch):
    deck = demo_docs["deck"]
    render_pptx(deck)
    index = next(i for i, p in enumerate(deck.pages) if any(isinstance(b, Chart) for b in p.boxes) and i > 0)
    page = deck.pages[index]
    n = next(i for i, b in enumerate(page.boxes) if isinstance(b, TextBox) and b.paragraphs and b.paragraphs[0].spans)
    box = page.boxes[n]
    para = box.paragraphs[0]
    span = dataclasses.replace(para.spans[0], text=para.spans[0].text + " 42")
    changed_box = dataclasses.replace(box, paragraphs=(dataclasses.replace(para, spans=(span,) + para.spans[1:]),)
                                      + box.paragraphs[1:])
    changed_page = dataclasses.replace(page, boxes=page.boxes[:n] + [changed_box] + page.boxes[n + 1:])
    changed = dataclasses.replace(deck, pages=deck.pages[:index] + [changed_page] + deck.pages[index + 1:])
    painted.clear()
    got = render_pptx(changed)
    assert painted == [page.name]
    _same(got, _uncached(changed, monkeypatch))
    assert got != render_pptx(deck)


@pytest.mark.parametrize("damage", ["cut", "flipped", "not a slide", "wrong shape", "wrong rels"])
def test_a_damaged_entry_is_painted_afresh_and_written_again(demo_docs, fresh_cache, painted, monkeypatch, damage):
    from posterdeck import cache

    deck = demo_docs["deck"]
    good = render_pptx(deck)
    entries = _entries(fresh_cache)
    victim = entries[len(entries) // 2]
    data = victim.read_bytes()
    if damage == "cut":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        victim.write_bytes(data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:])
    elif damage == "not a slide":  # a sound entry of the cache, but its payload is no slide
        cache.put(reuse.KIND, victim.name, b"\x00not a marshalled slide")
    else:  # a sound entry of plain data, but not of a slide's shape: never given to apply()
        import marshal

        entry = marshal.loads(cache.get(reuse.KIND, victim.name))
        if damage == "wrong shape":
            entry["xml"] = entry["xml"].decode()
        else:
            entry["rels"] = [["chart", "x", "", False, ["/ppt/charts/chart9.xml", "x", "not bytes", []]]]
        assert reuse._valid(marshal.loads(cache.get(reuse.KIND, victim.name)))
        assert not reuse._valid(entry)
        cache.put(reuse.KIND, victim.name, marshal.dumps(entry))
    painted.clear()
    _same(good, render_pptx(deck))
    assert len(painted) == 1  # that slide only, painted afresh
    assert victim.read_bytes() == data  # and written again whole
    painted.clear()
    render_pptx(deck)
    assert painted == []


def test_a_changed_painter_version_paints_anew(demo_docs, fresh_cache, painted, monkeypatch):
    deck = demo_docs["deck"]
    render_pptx(deck)
    monkeypatch.setattr(reuse, "_versions", lambda: ("other", "1.0", "5.0", "3.0"))
    painted.clear()
    render_pptx(deck)
    assert len(painted) == len(deck.pages)


def test_a_page_without_a_value_repr_is_never_kept(demo_docs, fresh_cache):
    deck = demo_docs["deck"]
    page = dataclasses.replace(deck.pages[0], boxes=deck.pages[0].boxes + [object()])
    assert reuse.slide_key(deck, page, "x") is None
    assert reuse.slide_key(deck, deck.pages[0], "x") is not None


def test_provenance_renderers_ignore_is_not_in_the_slide_key(demo_docs, fresh_cache):
    """Span.ref, Line.refs, Cell.ref and Page.sources are for review; renderers ignore them, so a
    change of them alone does not paint a slide again; a change of what is painted does."""
    from posterdeck.pagemodel import Cell, Line, Span, Table, TextBox

    deck = demo_docs["deck"]
    seen = set()

    def blank(value):
        if isinstance(value, Span):
            seen.add("Span")
            return dataclasses.replace(value, ref="value:elsewhere")
        if isinstance(value, Line):
            seen.add("Line")
            return dataclasses.replace(value, spans=tuple(blank(s) for s in value.spans), refs=())
        if isinstance(value, Cell):
            seen.add("Cell")
            return dataclasses.replace(value, ref="value:elsewhere")
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: blank(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
            return dataclasses.replace(value, **changes)
        if isinstance(value, (tuple, list)):
            return type(value)(blank(v) for v in value)
        return value

    for page in deck.pages:
        if not any(isinstance(b, (TextBox, Table)) for b in page.boxes):
            continue
        other = dataclasses.replace(blank(page), sources=("elsewhere",))
        assert repr(other) != repr(page)
        assert reuse.slide_key(deck, other, "x") == reuse.slide_key(deck, page, "x")
    assert {"Span", "Line", "Cell"} <= seen
    page = deck.pages[0]
    box = next(b for b in page.boxes if isinstance(b, TextBox))
    moved = dataclasses.replace(page, boxes=[dataclasses.replace(box, x=box.x + 1) if b is box else b
                                              for b in page.boxes])
    assert reuse.slide_key(deck, moved, "x") != reuse.slide_key(deck, page, "x")


def test_slides_on_a_company_template_reused_byte_for_byte(tmp_path, fresh_cache, painted, monkeypatch):
    from posterdeck.compose.build import compose
    from posterdeck.loading.deck import load_deck
    from posterdeck.loading.pptx_template import deck_master
    from posterdeck.resolve.target import make_target

    template = make_template.make(tmp_path / "brand.pptx")
    model = load_deck(ROOT / "data" / "aurora-fictional")
    target = make_target(model.info.targets[0], model.info, model.markets)
    deck = compose(model, target, master=deck_master(model, template))["deck"]
    assert deck.master.template
    off = _uncached(deck, monkeypatch)
    first = render_pptx(deck)
    painted.clear()
    again = render_pptx(deck)
    assert painted == []
    _same(off, first)
    _same(first, again)
    before = reuse.slide_key(deck, deck.pages[0], "Title Only")
    make_template.make(template, title=False)  # another template at the same path: other keys
    assert reuse.slide_key(deck, deck.pages[0], "Title Only") != before
