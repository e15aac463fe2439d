"""The review items a target's pages show (issue 15): values with their study path, n/N, rule
and study.yaml line; citations with their locator; claims placed on the texts that state them;
footnotes; statements; and marks that stand where the PDF prints the text."""
from __future__ import annotations

import re
import subprocess

import pytest

from conftest import DATA, require_tool

DECK = DATA / "inovate-salvage"


@pytest.fixture(scope="module")
def built():
    from posterdeck.api import load_deck
    from posterdeck.compose.build import compose
    from posterdeck.resolve.target import make_target
    from posterdeck.review.items import collect

    model = load_deck(DECK)
    out = {}
    for tag in ("en-GB", "de-DE"):
        target = make_target(tag, model.info, model.markets)
        docs = compose(model, target)
        out[tag] = (model, docs, collect(model, target, docs))
    return out


def _page(review, output, name_part):
    return next(p for p in review.pages if p.output == output and name_part in p.name)


def _item(page, key):
    return next(i for i in page.items if i.key == key)


def test_a_value_says_where_it_comes_from(built):
    model, _, review = built["en-GB"]
    page = _page(review, "deck", "crcri")
    item = _item(page, "value:results.crcri.ino_s1")
    details = dict(item.details)
    assert item.kind == "value" and item.shown == "78.4%" and item.language == ""
    assert details["study path"] == "results.crcri.ino_s1" and details["n/N"] == "87/111"
    assert "n/N" in details["rule"] and details["label"] == "CR/CRi, BESPONSA S1"
    text = (DECK / "study.yaml").read_text(encoding="utf-8").splitlines()
    file, line = item.where.rsplit(":", 1)
    assert file.endswith("study.yaml") and "ino_s1: {n: 87, N: ino_s1, pct: 78.4" in text[int(line) - 1]
    de = _item(_page(built["de-DE"][2], "deck", "crcri"), "value:results.crcri.ino_s1")
    assert de.shown == "78,4 %" and de.fingerprint == item.fingerprint  # one value in every language


def test_table_cells_and_charts_are_values_too(built):
    _, _, review = built["en-GB"]
    safety = _page(review, "deck", "safety")
    cells = [i for i in safety.items if i.key.startswith("value:tables.teae_grade3.")]
    assert len(cells) >= 8 and all(re.fullmatch(r"\d+ \(\d+\.\d\)", c.shown) for c in cells)
    crcri = _page(review, "deck", "crcri")
    charted = _item(crcri, "value:results.cr.ino_s1")  # drawn in the CR/CRi chart (and its footnote)
    assert charted.marks


def test_citations_claims_footnotes_and_statements(built):
    _, _, review = built["en-GB"]
    crcri = _page(review, "deck", "crcri")
    kinds = {i.kind for i in crcri.items}
    assert {"value", "citation", "claim", "footnote"} <= kinds
    cite = _item(crcri, "citation:jabbour2020")
    assert dict(cite.details)["reference"].startswith("Jabbour E, et al. Leuk Lymphoma. 2020")
    # as shown: the superscript the page prints; the full reference has its own row
    assert cite.shown == "1"
    assert "doi:10.1080/10428194.2020.1751839" in dict(cite.details)["full reference"]
    claim = _item(crcri, "claim:crcri-mrd-greater-in-s1")
    assert dict(claim.details)["holds"] == "yes" and claim.language == "en"
    assert any("results.crcri.ino_s1 > results.crcri.ino_s2: holds" in v for k, v in claim.details if k == "rule")
    note = _item(crcri, "footnote:sections.crcri.footnotes.cr_cri")
    assert note.shown.startswith("In S1, 40.5% (95% CI, 31.3–50.3)")
    # a claim stated in other words is placed by its texts: field
    rationale = _page(review, "deck", "rationale")
    assert _item(rationale, "claim:remission-higher-than-sc").marks
    overview = _page(review, "deck", "overview")
    st = _item(overview, "statement:indication")
    assert st.shown.startswith("Indication: BESPONSA is indicated") and st.language == "en"
    # a market's statement is worded per market: approved per target; the deck's own per language
    model = built["en-GB"][0]
    market = {s.id for s in model.markets["GB"].statements} if isinstance(model.markets, dict) else set()
    shown = [i for p in review.pages for i in p.items if i.kind == "statement"]
    assert shown and all(i.language == ("en-GB" if i.label in market else "en") for i in shown)
    assert {"statement:adverse-events", "statement:indication"} <= {i.key for i in shown}


def test_a_reworded_claim_text_in_german_is_german_wording(built):
    en = _item(_page(built["en-GB"][2], "deck", "crcri"), "claim:crcri-mrd-greater-in-s1")
    de = _item(_page(built["de-DE"][2], "deck", "crcri"), "claim:crcri-mrd-greater-in-s1")
    assert de.language == "de" and de.fingerprint != en.fingerprint
    assert "Die CR/CRi- und MRD-Negativitätsraten" in de.shown


def test_marks_stand_where_the_pdf_prints_the_values(built, tmp_path):
    """The mark of each value on the CR/CRi slide covers the words pdftotext finds there."""
    require_tool("pdftotext")
    from posterdeck.render.pdf import render_pdf

    _, docs, review = built["en-GB"]
    page = _page(review, "deck", "crcri")
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(render_pdf(docs["deck"]))
    n = page.index + 1
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(n), "-l", str(n), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]
    checked = 0
    for item in page.items:
        if item.kind != "value" or not re.fullmatch(r"\d+\.\d%", item.shown):
            continue
        hits = [w for w in words if w[4].startswith(item.shown)]
        assert hits, item.shown
        for x0, y0, x1, y1, _ in hits[:1]:
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            assert any(m.x - 1 <= cx <= m.x + m.w + 1 and m.y - 1 <= cy <= m.y + m.h + 1 for m in item.marks), \
                (item.key, (x0, y0, x1, y1), item.marks)
            checked += 1
    assert checked >= 4


def test_the_outputs_are_the_same_with_provenance(built):
    """Renderers ignore the refs: a span's ref is not what the paragraph's spans merge by."""
    _, docs, _ = built["en-GB"]
    slide = docs["deck"].pages[2]
    lines = [ln for b in slide.boxes if hasattr(b, "paragraphs") for p in b.paragraphs for ln in p.lines]
    assert any(ln.refs for ln in lines)
    for ln in lines:  # each ref's text is the line's text at its place
        text = "".join(s.text for s in ln.spans)
        for ref, x0, x1, piece in ln.refs:
            assert piece in text and 0 <= x0 <= x1 <= ln.width + 0.01, (ref, piece, text)


def test_a_claim_naming_an_unknown_text_is_an_error_at_its_line(project_copy):
    from posterdeck.api import load_deck
    from posterdeck.errors import PosterdeckError

    line = project_copy.replace("data/inovate-salvage/content.yaml", "texts: [sections.rationale.body.3]",
                                "texts: [sections.rationale.body.30]")
    with pytest.raises(PosterdeckError) as err:
        load_deck(project_copy.deck)
    assert f"content.yaml:{line}" in str(err.value) and "'sections.rationale.body.30' names no text" in str(err.value)


def test_the_pack_and_the_items_show_the_same_poster_document(demo_model, demo_docs):
    """collect, the pack's PDF and HTML and its pictures all take the poster's pages from one
    helper: the screen poster's when built (the items' marks are measured on it), else the
    poster's; a missing output is None."""
    from posterdeck.review.items import collect, shown_doc
    from posterdeck.resolve.target import make_target

    assert "poster-screen" in demo_docs and demo_docs["poster-screen"] is not demo_docs["poster"]
    assert shown_doc(demo_docs, "poster") is demo_docs["poster-screen"]
    assert shown_doc(demo_docs, "deck") is demo_docs["deck"]
    printed = {k: v for k, v in demo_docs.items() if k != "poster-screen"}
    assert shown_doc(printed, "poster") is demo_docs["poster"]
    assert shown_doc({"deck": demo_docs["deck"]}, "poster") is None
    review = collect(demo_model, make_target("en-NL", demo_model.info, demo_model.markets), demo_docs)
    names = [p.name for p in review.pages if p.output == "poster"]
    assert names == [p.name for p in shown_doc(demo_docs, "poster").pages]


def test_a_footnote_without_a_text_of_its_own_is_keyed_by_the_text_it_stands_in(demo_model, demo_docs):
    """A footnote whose body is no text (only a value, say) was keyed by its page-local letter
    ('footnote:a'), which review.stale.known_items does not know: approving it warned on every
    check. It is keyed by the text its marker stands in, a key known_items knows."""
    import dataclasses

    from posterdeck.pagemodel import TextBox
    from posterdeck.resolve.target import make_target
    from posterdeck.review.collect import _Facts
    from posterdeck.review.items import collect
    from posterdeck.review.stale import known_items

    target = make_target("en-NL", demo_model.info, demo_model.markets)
    doc = demo_docs["deck"]
    review = collect(demo_model, target, demo_docs)
    page_review = next(p for p in review.pages
                       if p.output == "deck" and any(i.key == "footnote:sections.crcri.footnotes.cr_cri" for i in p.items))
    page = doc.pages[page_review.index]
    item = _item(page_review, "footnote:sections.crcri.footnotes.cr_cri")
    letter = dict(item.details)["letter"]

    def no_text(box):  # the footnote's body as if it held no text of its own
        if not (isinstance(box, TextBox) and box.role == "footer"):
            return box
        paras = []
        for para in box.paragraphs:
            if para.lines and para.lines[0].refs and para.lines[0].refs[0][0] == f"note:{letter}":
                para = dataclasses.replace(para, lines=tuple(
                    dataclasses.replace(line, refs=tuple(r for r in line.refs if not r[0].startswith("text:")))
                    for line in para.lines))
            paras.append(para)
        return dataclasses.replace(box, paragraphs=tuple(paras))

    bare = dataclasses.replace(page, boxes=[no_text(b) for b in page.boxes])
    facts = _Facts(demo_model, target)
    facts.texts = doc.texts
    keys = [i.key for i in facts.page_items(bare) if i.kind == "footnote"]
    assert f"footnote:{letter}" not in keys
    known = known_items(demo_model)
    moved = [k for k in keys if k not in {i.key for i in page_review.items}]
    assert moved and all(k.startswith("footnote:sections.crcri.") for k in moved), keys
    assert set(keys) <= known
