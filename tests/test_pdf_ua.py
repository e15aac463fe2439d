"""Tagged screen PDFs (PDF/UA-1): the structure tree covers every text run, headings nest,
figures and links are described, the reading order is the page model's, and the ua1 preflight
passes on them and names page, object and rule on an untagged PDF.

Read back with pikepdf (structure, content streams) and pypdf (the text of each marked-content
sequence), independently of how posterdeck writes them."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest

from conftest import DECK, DECK_DIR, JOB_LINE, TARGET, norm, pdftotext_pages, run_cli

OTHER = "el-GR"  # another script, another language
SCREEN = ("poster-screen.pdf", "deck.pdf")


@pytest.fixture(scope="module")
def other_build(tmp_path_factory) -> Path:
    from posterdeck import api

    out = tmp_path_factory.mktemp("ua-out")
    api.build(DECK_DIR, targets=[OTHER], out=out)
    return out / DECK / OTHER


@pytest.fixture(scope="module")
def folders(demo_build, other_build) -> dict[str, Path]:
    return {TARGET: demo_build.folder, OTHER: other_build}


@pytest.fixture(scope="module")
def docs(demo_model) -> dict:
    """The page-model documents of both targets, as compose made them."""
    from posterdeck.compose.build import compose
    from posterdeck.resolve.target import make_target

    return {tag: compose(demo_model, make_target(tag, demo_model.info, demo_model.markets)) for tag in (TARGET, OTHER)}


def screen_pdfs(folders):
    for tag, folder in folders.items():
        for name in SCREEN:
            yield tag, name, folder / name


# ------------------------------------------------------------------------------ readers

def kids_of(elem) -> list:
    k = elem.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]


def elements(pdf) -> list:
    """(element, depth) in structure order."""
    out = []

    def visit(e, depth):
        out.append((e, depth))
        for kid in kids_of(e):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                visit(kid, depth + 1)

    for top in kids_of(pdf.Root.StructTreeRoot):
        visit(top, 0)
    return out


def parent_tree(pdf) -> dict:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def text_runs(pdf, page) -> list[tuple[list, str]]:
    """(marked-content stack, where) of every text-showing operator of a page, forms included."""
    runs = []

    def walk(owner, resources, stack, where, depth=0):
        for inst in pikepdf.parse_content_stream(owner):
            if isinstance(inst, pikepdf.ContentStreamInlineImage):
                continue
            op, args = str(inst.operator), inst.operands
            if op in ("BMC", "BDC"):
                props = args[1] if op == "BDC" else None
                mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
                stack = stack + [(str(args[0]), mcid)]
            elif op == "EMC":
                stack = stack[:-1]
            elif op in ("Tj", "TJ", "'", '"'):
                runs.append((stack, where))
            elif op == "Do":
                x = resources.XObject[str(args[0])]
                if x.get("/Subtype") == "/Form" and depth < 8:
                    walk(x, x.get("/Resources", resources), stack, f"form {args[0]}", depth + 1)

    walk(page, page.obj.Resources, [], "page")
    return runs


def mcid_texts(path: Path) -> list[dict[int, str]]:
    """The text of each marked-content sequence with an MCID, per page (pypdf decodes the fonts)."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(str(path)).pages:
        stack, texts = [], {}

        def before(op, args, cm, tm):
            if op in (b"BDC", b"BMC"):
                props = args[1] if op == b"BDC" and len(args) > 1 else None
                stack.append(int(props["/MCID"]) if hasattr(props, "get") and "/MCID" in props else None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, cm, tm, font, size):
            ids = [m for m in stack if m is not None]
            if ids:
                texts[ids[-1]] = texts.get(ids[-1], "") + t

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        out.append(texts)
    return out


def squash(text: str) -> str:
    """Text compared without layout: compose's break characters plain, no whitespace."""
    return re.sub(r"\s+", "", norm(text))


# ------------------------------------------------------------------------------ the tests

def test_every_text_run_is_tagged_or_an_artifact(folders):
    for tag, name, path in screen_pdfs(folders):
        pdf = pikepdf.open(path)
        tree = parent_tree(pdf)
        tagged = 0
        for number, page in enumerate(pdf.pages, 1):
            mapped = tree[int(page.obj.StructParents)]
            for stack, where in text_runs(pdf, page):
                if any(t == "/Artifact" for t, _ in stack):
                    continue
                ids = [m for _, m in stack if m is not None]
                assert ids, f"{tag}/{name} page {number} {where}: text outside any tagged sequence or artifact"
                elem = mapped[ids[-1]]
                assert isinstance(elem, pikepdf.Dictionary) and "/S" in elem, \
                    f"{tag}/{name} page {number}: MCID {ids[-1]} maps to no structure element"
                tagged += 1
        assert tagged > 100, f"{tag}/{name}: only {tagged} tagged text runs"


def test_headings_nest(folders):
    for tag, name, path in screen_pdfs(folders):
        pdf = pikepdf.open(path)
        levels = [int(str(e.S)[2]) for e, _ in elements(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]
        assert levels and levels[0] == 1, f"{tag}/{name}: the first heading is not H1: {levels[:3]}"
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{tag}/{name}: H{after} follows H{before}"
        if name == "deck.pdf":  # a Sect per slide, each under its title
            sects = [e for e, depth in elements(pdf) if depth == 1 and str(e.S) == "/Sect"]
            assert len(sects) == len(pdf.pages)
            assert all(str(kids_of(s)[0].S) == "/H1" for s in sects)
        else:  # a Sect per panel, headed H2 then its headline H3
            sects = [e for e, depth in elements(pdf) if str(e.S) == "/Sect"]
            assert len(sects) >= 5
            assert all(str(kids_of(s)[0].S) == "/H2" for s in sects)


def test_every_figure_has_the_charts_alt_text(folders, docs):
    from posterdeck.pagemodel import Chart

    for tag, name, path in screen_pdfs(folders):
        # the screen poster is composed apart from the print one when its links read differently on paper
        doc = docs[tag]["deck"] if name == "deck.pdf" else docs[tag].get("poster-screen", docs[tag]["poster"])
        charts = [b.chart.alt_text for p in doc.pages for b in p.boxes if isinstance(b, Chart)]
        pdf = pikepdf.open(path)
        figures = [str(e.get("/Alt", "")) for e, _ in elements(pdf) if str(e.S) == "/Figure"]
        assert figures and all(a.strip() for a in figures), f"{tag}/{name}: a Figure without alt text"
        assert [norm(a) for a in figures] == [norm(a) for a in charts]


def test_every_link_is_described_and_tied_to_its_annotation(folders):
    links_seen = 0
    for tag, name, path in screen_pdfs(folders):
        pdf = pikepdf.open(path)
        tree = parent_tree(pdf)
        tied = set()
        for elem, _ in elements(pdf):
            if str(elem.S) != "/Link":
                continue
            objrs = [k for k in kids_of(elem) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
            assert objrs, f"{tag}/{name}: a Link element without its annotation"
            for objr in objrs:
                annot = objr.Obj
                assert str(annot.get("/Contents", "")).strip(), f"{tag}/{name}: a link annotation without Contents"
                assert tree[int(annot.StructParent)].objgen == elem.objgen
                tied.add(annot.objgen)
        for number, page in enumerate(pdf.pages, 1):
            annots = [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
            if annots:
                assert page.obj.get("/Tabs") == "/S"
            for a in annots:
                assert a.objgen in tied, f"{tag}/{name} page {number}: a link annotation outside the structure"
            links_seen += len(annots)
    assert links_seen > 0


def test_tables_have_header_cells_with_scope(folders):
    pdf = pikepdf.open(folders[TARGET] / "deck.pdf")
    tables = [e for e, _ in elements(pdf) if str(e.S) == "/Table"]
    assert tables
    for table in tables:
        rows = [k for k in kids_of(table) if str(k.S) == "/TR"]
        first = kids_of(rows[0])
        assert all(str(c.S) == "/TH" and str(c.A.Scope) == "/Column" for c in first)
        stub, *values = kids_of(rows[-1])
        assert str(stub.S) == "/TH" and str(stub.A.Scope) == "/Row"
        assert values and all(str(c.S) == "/TD" for c in values)
        assert str(table.A.Summary).strip() and "/Alt" not in table  # Alt would hide the cells


def test_notes_have_unique_ids(folders):
    pdf = pikepdf.open(folders[TARGET] / "deck.pdf")
    ids = [str(e.ID) for e, _ in elements(pdf) if str(e.S) == "/Note"]
    assert ids and len(set(ids)) == len(ids)


def test_document_language_title_and_xmp_claim(folders, docs):
    for tag, name, path in screen_pdfs(folders):
        pdf = pikepdf.open(path)
        assert str(pdf.Root.Lang) == tag
        assert pdf.pdf_version == "1.7"  # PDF/UA-1 builds on ISO 32000-1
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        with pdf.open_metadata() as meta:
            assert str(meta.get("pdfuaid:part")) == "1"
            assert norm(str(meta.get("dc:title"))) == norm(docs[tag]["poster"].title)
        assert norm(str(pdf.docinfo.Title)) == norm(docs[tag]["poster"].title)
    deck = pikepdf.open(folders[TARGET] / "deck.pdf")
    with deck.open_outline() as outline:
        marks = [str(item.title) for item in outline.root]
    assert len(marks) == len(deck.pages)
    assert norm(marks[1]).startswith("INO-VATE ALL: Rationale")


def test_reading_order_is_the_page_models(folders, docs):
    """The text read in structure order, page by page, is the page model's text in its box order
    (bullets, paragraphs, table cells); charts are read as their alt text."""
    from posterdeck.pagemodel import Table, TextBox

    for tag, name, path in screen_pdfs(folders):
        # the screen poster is composed apart from the print one when its links read differently on paper
        doc = docs[tag]["deck"] if name == "deck.pdf" else docs[tag].get("poster-screen", docs[tag]["poster"])
        texts = mcid_texts(path)
        pdf = pikepdf.open(path)
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
        read: list[list[str]] = [[] for _ in pdf.pages]

        def visit(elem, page):
            if "/Pg" in elem:
                page = pages[elem.Pg.objgen]
            if str(elem.S) == "/Figure":
                return
            for kid in kids_of(elem):
                if isinstance(kid, int):
                    read[page].append(texts[page].get(kid, ""))
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    visit(kid, page)

        visit(pdf.Root.StructTreeRoot.K, None)
        for index, page in enumerate(doc.pages):
            expected = []
            for box in page.boxes:
                if isinstance(box, TextBox):
                    for para in box.paragraphs:
                        expected.append(para.bullet)
                        expected.extend(sp.text for line in para.lines for sp in line.spans)
                elif isinstance(box, Table):
                    expected.extend("".join(c.lines) for row in box.rows for c in row if c is not None)
            assert squash("".join(read[index])) == squash("".join(expected)), f"{tag}/{name} page {index + 1}"
            if name == "deck.pdf":  # the title first, the job code last
                title = next(b for b in page.boxes if isinstance(b, TextBox) and b.role == "title")
                assert squash("".join(read[index])).startswith(squash("".join(sp.text for sp in title.paragraphs[0].spans)))
                assert squash("".join(read[index])).endswith(squash(JOB_LINE)) or tag != TARGET


def test_text_extraction_reads_a_value_apart_from_its_citation(folders):
    text = norm(" ".join(pdftotext_pages(folders[TARGET] / "deck.pdf")))
    assert "64.7% in S2 1,a" in text
    assert "S21,a" not in text


def test_preflight_ua1_passes_on_the_screen_pdfs(folders):
    paths = [str(p) for _, _, p in screen_pdfs(folders)]
    result = run_cli("preflight", "--standard", "ua1", *paths)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASS") == len(paths)


def test_preflight_ua1_names_page_object_and_rule_on_untagged_pdfs(folders, tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(200, 200))
    c.drawString(20, 100, "untagged")
    c.linkURL("https://example.org", (20, 90, 120, 110))
    c.showPage()
    c.save()
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(buf.getvalue())
    result = run_cli("preflight", "--standard", "ua1", str(plain), str(folders[TARGET] / "poster.pdf"))
    assert result.returncode == 1
    out = result.stdout
    for rule in ("marked", "structure", "lang", "title", "xmp"):
        assert f"{plain}: error: document: " in out and f"[{rule}]" in out
    assert f"{plain}: error: page 1: page content: [content] text neither tagged nor an artifact" in out
    assert f"{plain}: error: page 1: annotation Link" in out and "[link] a link without a description" in out
    assert f"{plain}: error: page 1: page: [tabs]" in out
    assert "poster.pdf: error: page 1: form /PDChart1: [content]" in out  # the print poster: untagged, as intended
    assert out.count("FAIL") == 2


def test_build_refuses_a_screen_pdf_that_fails_the_ua1_preflight():
    from posterdeck.errors import PrintError
    from posterdeck.finish.ua import require_ua
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(20, 100, "untagged")
    c.save()
    with pytest.raises(PrintError, match=r"x/deck.pdf fails the PDF/UA-1 preflight:\n  error: document: Catalog: \[marked\]"):
        require_ua(buf.getvalue(), "x/deck.pdf")


def test_a_span_in_another_language_a_picture_and_a_decorative_picture(demo_fonts, tmp_path):
    """A page model made in code: the fallback span carries its Lang, a superscript its
    ActualText, a picture with alt text is a Figure, one without is an artifact, and a headline
    with no heading above it skips no level."""
    from PIL import Image as PILImage

    from posterdeck.finish.ua import check_ua
    from posterdeck.pagemodel import Document, Image, Line, Page, Paragraph, Span, TextBox
    from posterdeck.render.pdf import render_pdf

    theme, files, fonts = demo_fonts

    def span(text, size=12.0, script="", lang=""):
        return Span(text, "regular", size, "text", script, "", fonts.width(text, "regular", size), lang)

    spans = (span("Wert 64,7 % in S2"), span("1,a", 7.0, "sup"), span(" (source text)", lang="en"))
    para = Paragraph(spans, (Line(spans, sum(s.width for s in spans), 11.4),), 12, 14.4)
    picture = tmp_path / "p.png"
    PILImage.new("RGB", (300, 300), (200, 30, 30)).save(picture)
    head = (span("A headline without its panel heading"),)
    headline = Paragraph(head, (Line(head, head[0].width, 11.4),), 12, 14.4)
    boxes = [TextBox(36, 10, 500, 20, (headline,), role="headline"),
             TextBox(36, 40, 500, 30, (para,), role="body"),
             Image(36, 100, 100, 100, str(picture), alt="A red square"),
             Image(200, 100, 100, 100, str(picture), alt="")]
    doc = Document(pages=[Page(612, 396, "p1", boxes)], title="Unit", author="a", subject="s", keywords="k",
                   language="de-DE", date="2021-05-01", fonts=files, font_name=theme.font.name,
                   colours=dict(theme.colours))
    data = render_pdf(doc)
    assert not check_ua(data).errors
    pdf = pikepdf.open(io.BytesIO(data))
    marks = [inst.operands[1] for inst in pikepdf.parse_content_stream(pdf.pages[0])
             if str(inst.operator) == "BDC"]
    assert [str(m.Lang) for m in marks if "/Lang" in m] == ["en"]
    assert [str(m.ActualText) for m in marks if "/ActualText" in m] == [" 1,a"]
    assert [str(e.S) for e, _ in elements(pdf) if str(e.S).startswith("/H")] == ["/H1"]
    figures = [e for e, _ in elements(pdf) if str(e.S) == "/Figure"]
    assert [str(f.Alt) for f in figures] == ["A red square"]
    images = 0
    for stack, op in _image_marks(pdf.pages[0]):
        images += 1
        assert stack[-1][0] in ("/Figure", "/Artifact")
    assert images == 2
    assert [s[-1][0] for s, _ in _image_marks(pdf.pages[0])] == ["/Figure", "/Artifact"]


def _image_marks(page):
    stack = []
    for inst in pikepdf.parse_content_stream(page):
        op = str(inst.operator)
        if op in ("BDC", "BMC"):
            stack.append((str(inst.operands[0]),))
        elif op == "EMC":
            stack.pop()
        elif op == "Do" and str(inst.operands[0]).startswith("/FormXob"):
            yield list(stack), op
