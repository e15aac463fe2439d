"""The review pack (#15): review.pdf and review.html per target, read back as a reviewer would.

The pack of the demo is built once through the command line (`posterdeck review`) with the
collector of the build; a review with marks and every status is made by hand from the page
model's text boxes, so that markers, zoomed crops and continuation sheets are exercised whatever
the collector finds (the fixtures ``reviewed`` and ``hand_pack`` are in conftest.py, shared with
the browser test). The HTML is opened in a real headless Chromium in test_review_browser.py.
"""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import DECK, DECK_DIR, TARGET, norm, pdftotext_pages, pypdf_pages, run_cli

# ------------------------------------------------------------------------------------ the build's pack

def test_review_writes_the_pack_into_the_targets_set(reviewed):
    manifest = json.loads((reviewed / ".posterdeck-manifest.json").read_text())
    assert {"review.pdf", "review.html"} <= set(manifest["outputs"])
    assert manifest["options"].get("review") is True
    assert sorted(p.name for p in reviewed.iterdir() if not p.name.startswith(".")) == sorted(manifest["outputs"])


def test_the_builds_pack_shows_every_item_of_the_collector(reviewed, demo_model, demo_docs):
    from posterdeck.api import reviewed as reviewed_items
    from posterdeck.resolve.target import make_target

    review, _ = reviewed_items(demo_model, make_target(TARGET, demo_model.info, demo_model.markets), demo_docs)
    items = review.items()
    assert items, "the collector found nothing to review on the demo"
    text = norm(" ".join(pdftotext_pages(reviewed / "review.pdf")))
    for item in items:
        assert norm(f"{item.kind}: {item.label}") in text, item.key
    html = Pack.parse((reviewed / "review.html").read_text())
    assert [c["data-key"] for c in html.callouts] == [i.key for i in items]
    sheets = len(pdftotext_pages(reviewed / "review.pdf"))
    assert len(review.pages) + 1 <= sheets <= len(review.pages) + len(items) // 4 + 2  # + the summary


def test_the_built_pages_are_placed_in_the_pdf(reviewed, demo_docs):
    """Each page's first sheet carries the built page itself (its text is the page's text)."""
    pages = pdftotext_pages(reviewed / "review.pdf")
    slides = pdftotext_pages(reviewed / "deck.pdf")
    title = norm(slides[1]).split(" ")[:4]
    assert any(" ".join(title) in norm(p) and "slide 2" in p for p in pages)
    # in content order (-raw): on a dense poster a marker's number may stand among the title's words
    raw = [norm(p) for p in _raw_pages(reviewed / "review.pdf")]
    assert any(norm(_raw_pages(reviewed / "poster-screen.pdf")[0])[:60] in p for p in raw)


def _raw_pages(path) -> list[str]:
    import subprocess

    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         timeout=120, check=True)
    return out.stdout.split("\f")


def test_a_build_without_review_replaces_the_set_without_the_pack(reviewed, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(reviewed.parent.parent, out / DECK)
    run = run_cli("build", "--target", TARGET, "--out", str(out), "--jobs", "1", str(DECK_DIR))
    assert run.returncode == 0, run.stderr
    folder = out / DECK / TARGET
    assert not (folder / "review.pdf").exists() and not (folder / "review.html").exists()
    assert "review.pdf" not in json.loads((folder / ".posterdeck-manifest.json").read_text())["outputs"]


def test_missing_pdftoppm_is_a_missing_tool_error(tmp_path, monkeypatch):
    from posterdeck.errors import MissingToolError
    from posterdeck.review.pack.common import render_pages

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingToolError) as err:
        render_pages({"deck.pdf": (b"%PDF-1.4", 72)})
    assert err.value.exit_code == 3 and "pdftoppm" in str(err.value) and "poppler" in err.value.hint


# ------------------------------------------------------------------------------------ by hand: marks

def test_every_callout_is_in_the_pdf_with_its_rows_and_status(hand_pack):
    review, pack, _ = hand_pack
    from posterdeck.review.pack.common import status_of

    pages = [norm(p) for p in pdftotext_pages_of(pack["review.pdf"])]
    text = " ".join(pages)
    for item in review.items():
        assert norm(f"{item.kind}: {item.label} [{status_of(item)[0]}]") in text, item.key
        assert norm(f"as shown: \u201c{item.shown}\u201d") in text, item.key
        for name, value in item.details + (("where", item.where),):
            assert norm(f"{name} {value}") in text, (item.key, name)
    # the poster's 40 callouts do not fit beside it: they go on, on continuation sheets
    assert any(p.startswith("poster 1 (continued)") for p in pages)
    # and none is lost or cut: each number's callout head appears once (the summary aside)
    text = " ".join(p for p in pages if not p.startswith(("Review pack:", "Summary")))
    for item in review.items():
        assert text.count(norm(f"{item.kind}: {item.label} [")) == 1


def test_the_poster_callouts_have_zoomed_pictures(hand_pack):
    """The poster, too small to read at sheet size, gets a zoomed picture in each callout; a
    slide, legible as placed, none."""
    import io

    from pypdf import PdfReader

    review, pack, _ = hand_pack
    reader = PdfReader(io.BytesIO(pack["review.pdf"]))
    texts = pypdf_pages(pack["review.pdf"])

    def pictures(i: int) -> int:  # image XObjects drawn on the sheet itself (not inside a placed page)
        xobjects = reader.pages[i]["/Resources"].get("/XObject", {})
        return sum(1 for v in xobjects.values() if v.get_object().get("/Subtype") == "/Image")

    poster = [i for i, t in enumerate(texts) if re.search(r"^poster 1", t, re.M)]
    slides = [i for i, t in enumerate(texts) if re.search(r"^slide [12]\b", t, re.M)]
    assert poster and slides
    assert sum(pictures(i) for i in poster) == len(review.pages[0].items)
    assert sum(pictures(i) for i in slides) == 0


def test_the_pdf_links_markers_and_callouts_and_has_a_bookmark_per_page(hand_pack):
    import io

    from pypdf import PdfReader

    review, pack, _ = hand_pack
    reader = PdfReader(io.BytesIO(pack["review.pdf"]))
    assert [o.title for o in reader.outline] == ["Summary", "poster 1", "slide 1 (overview)", "slide 2 (rationale)"]
    index = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    texts = [norm(t) for t in pypdf_pages(pack["review.pdf"])]
    first = reader.pages[reader.get_destination_page_number(reader.outline[1])]["/Annots"]  # poster 1's
    poster = review.pages[0].items
    # the first sheet's first links are the poster's markers, in callout order: each leads to
    # the sheet that shows its callout
    for k, item in enumerate(poster):
        dest = first[k].get_object()["/Dest"]
        assert f"{item.kind}: {item.label} [" in texts[index[dest[0].idnum]], item.key
    links = sum(len(p.get("/Annots") or []) for p in reader.pages)
    todo = [i for i in review.items() if i.status in ("changed", "new")]
    # marker -> callout and back, the summary's links to the callouts needing approval and to the pages
    assert links == 2 * sum(len(i.marks) > 0 for i in review.items()) + len(todo) + len(review.pages)


def test_the_summary_lists_exactly_what_needs_approval(hand_pack):
    review, pack, _ = hand_pack
    pages = pdftotext_pages_of(pack["review.pdf"])
    summary = norm(" ".join(p for p in pages if p.startswith(("Review pack", "Summary"))))
    todo = [(n, i) for n, i in enumerate(review.items(), 1) if i.status in ("changed", "new")]
    assert f"Needs approval: {len(todo)} item(s)" in summary
    listed = re.findall(r"(\d+) (\w+): (hand item \d+) \[", summary)
    assert [(int(n), k, label) for n, k, label in listed] == [(n, i.kind, i.label) for n, i in todo]
    html = Pack.parse(pack["review.html"].decode())
    jumps = [a["href"] for a in html.links if a.get("class") == "jump"]
    assert jumps == [f"#c{n}" for n, _ in todo]


def test_the_pack_is_the_same_bytes_every_time(hand_pack, demo_docs):
    from posterdeck.review.pack import write_pack

    review, pack, files = hand_pack
    again = write_pack(review, demo_docs, files)
    assert again["review.pdf"] == pack["review.pdf"]
    assert again["review.html"] == pack["review.html"]


def test_the_html_links_markers_and_callouts_both_ways(hand_pack):
    review, pack, _ = hand_pack
    html = Pack.parse(pack["review.html"].decode())
    items = review.items()
    assert [c["data-key"] for c in html.callouts] == [i.key for i in items]
    ids = html.ids
    markers = html.markers
    assert len(markers) == sum(len(i.marks) for i in items)
    for m in markers:
        assert m["href"].startswith("#c") and m["href"][1:] in ids
    gotos = [a for a in html.links if "goto" in a.get("class", "")]
    assert len(gotos) == len(items)
    for a in gotos:
        assert a["href"][1:] in ids and a["href"].startswith("#m")
    # every marker sits on its page picture, where its item's mark is
    for m, item in zip(markers, [i for i in items for _ in i.marks]):
        left, top = (float(v) for v in re.findall(r"(?:left|top):([\d.]+)%", m["style"]))
        assert 0 <= left <= 100 and 0 <= top <= 100, m


def test_the_html_is_self_contained(hand_pack):
    _, pack, _ = hand_pack
    text = pack["review.html"].decode()
    html = Pack.parse(text)
    assert html.images and all(src.startswith("data:image/png;base64,") for src in html.images)
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:|//|file:)""", text)
    assert "url(" not in text and "@import" not in text
    assert "default-src 'none'" in text  # the browser refuses any request the file might make


# ------------------------------------------------------------------------------------ helpers

def pdftotext_pages_of(data: bytes) -> list[str]:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        return pdftotext_pages(Path(fh.name))


class Pack(HTMLParser):
    """The parts of review.html the tests look at."""

    def __init__(self):
        super().__init__()
        self.callouts, self.markers, self.links, self.images, self.ids = [], [], [], [], set()

    @classmethod
    def parse(cls, text: str) -> "Pack":
        p = cls()
        p.feed(text)
        return p

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "li" and "callout" in a.get("class", ""):
            self.callouts.append(a)
        if tag == "a":
            self.links.append(a)
            if "marker" in a.get("class", ""):
                self.markers.append(a)
        if tag == "img":
            self.images.append(a.get("src", ""))


def test_markers_stay_on_the_page_and_apart(hand_pack, demo_docs):
    """On the poster's overview and on each slide, as the PDF sizes them: every marker inside
    its page, no two on top of each other; a mark beyond the page is cut to it."""
    from posterdeck.review.items import Mark
    from posterdeck.review.pack.common import callouts, on_page, place_markers

    review, _, _ = hand_pack
    for page, mine in zip(review.pages, callouts(review)):
        model = demo_docs[page.output].pages[page.index]
        size = 14.0 / (0.143 if page.output == "poster" else 0.49)  # a marker's height in page points
        where = list(place_markers(mine, model.width, model.height, size, size * 0.37).values())
        assert len(where) == len(mine)
        for i, (x, y, w) in enumerate(where):
            assert 0 <= x <= model.width - w and 0 <= y <= model.height - size
            for x2, y2, w2 in where[i + 1:]:
                assert x + w <= x2 or x2 + w2 <= x or y + size <= y2 or y2 + size <= y, (page.output, x, y)
    assert on_page(Mark(900, 500, 300, 300), 960, 540) == Mark(900, 500, 60, 40)
    assert on_page(Mark(1000, 10, 5, 5), 960, 540) is None
