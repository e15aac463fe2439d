"""render/pdf: a small page-model Document built in code, painted with render_pdf and read back."""
from __future__ import annotations

import dataclasses
import io

import pikepdf
import pytest

from conftest import pypdf_pages
from posterdeck.pagemodel import Cell, Chart, Document, Line, Page, Paragraph, Rect, Span, Table, TextBox
from posterdeck.render.pdf import render_pdf

W, H = 612.0, 396.0
LINK = "https://doi.org/10.1080/10428194.2020.1751839"


def span(fonts, text, variant="regular", size=12.0, color="text", script="", link=""):
    return Span(text, variant, size, color, script, link, fonts.width(text, variant, size))


def text_box(fonts, x=36.0, y=40.0, w=400.0, h=60.0) -> TextBox:
    s1 = span(fonts, "Hello poster ")
    s2 = span(fonts, "bold", "bold")
    s3 = span(fonts, "1", size=12 * 0.62, script="sup")
    s4 = span(fonts, " see paper", link=LINK, color="link")
    spans = (s1, s2, s3, s4)
    line = Line(spans, sum(s.width for s in spans), baseline=12 * 0.95)
    p1 = Paragraph(spans=spans, lines=(line,), size=12, leading=14.4)
    s5 = span(fonts, "Second paragraph")
    p2 = Paragraph(spans=(s5,), lines=(Line((s5,), s5.width, 12 * 0.95),), size=12, leading=14.4, bullet="\u2022",
                   indent=12, space_before=4)
    return TextBox(x, y, w, h, (p1, p2), role="body", name="body")


def table(x=36.0, y=150.0) -> Table:
    def cell(text, font="regular", fill="", align="left", colspan=1):
        return Cell(lines=(text,), font=font, size=10, color="text", fill=fill, align=align, colspan=colspan)

    rows = (
        (cell("", "bold", "primary"), cell("S1", "bold", "primary", "center", colspan=2), None),
        (cell("Term", "bold", "primary"), cell("BESPONSA (n = 111)", "bold", "primary", "center"),
         cell("SC (n = 93)", "bold", "primary", "center")),
        (cell("Neutropenia"), cell("56 (50.5)", align="center"), cell("40 (43.0)", align="center")),
    )
    return Table(x, y, (150.0, 110.0, 110.0), (18.0, 18.0, 18.0), rows, padding=3.0, leading=1.15,
                 rule_color="rule", header_rows=2, name="table:teae")


@pytest.fixture(scope="module")
def theme_bits(demo_fonts):
    theme, files, fonts = demo_fonts
    return dict(theme.colours), files, fonts, theme.font.name


def make_doc(theme_bits, boxes, pages=1) -> Document:
    colours, files, fonts, font_name = theme_bits
    page_list = [Page(W, H, f"page {i + 1}", list(boxes), background="background") for i in range(pages)]
    return Document(pages=page_list, title="Unit test", author="BESPONSA", subject="renderer",
                    keywords="PP-INO-GLB-0137", language="en-NL", date="2021-05-01", fonts=files,
                    font_name=font_name, colours=colours)


@pytest.fixture(scope="module")
def small_pdf(theme_bits) -> bytes:
    fonts = theme_bits[2]
    boxes = [Rect(0, 0, W, 24, fill="primary", role="title-band"), text_box(fonts), table()]
    return render_pdf(make_doc(theme_bits, boxes))


def test_one_page_of_the_page_size(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf))
    assert len(pdf.pages) == 1
    assert [float(v) for v in pdf.pages[0].mediabox] == [0, 0, W, H]


def test_text_and_table_cells_are_text(small_pdf):
    text = pypdf_pages(small_pdf)[0]
    for want in ("Hello poster", "bold", "see paper", "Second paragraph", "Neutropenia", "56 (50.5)",
                 "SC (n = 93)", "S1"):
        assert want in text


def test_text_is_placed_from_the_top_left(small_pdf):
    """The page model's origin is the top-left corner; PDF's is bottom-left."""
    from pypdf import PdfReader

    found = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.setdefault(text.strip(), (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(io.BytesIO(small_pdf)).pages[0].extract_text(visitor_text=visit)
    x, y = next(v for k, v in found.items() if k.startswith("Hello"))
    assert x == pytest.approx(36.0, abs=0.5)
    assert y == pytest.approx(H - (40.0 + 12 * 0.95), abs=0.5)


def test_superscript_is_raised(small_pdf):
    from pypdf import PdfReader

    ys = {}

    def visit(text, cm, tm, font, size):
        if text.strip() in ("Hello poster", "1"):
            ys[text.strip()] = tm[5] * cm[3] + cm[5]

    PdfReader(io.BytesIO(small_pdf)).pages[0].extract_text(visitor_text=visit)
    assert ys["1"] > ys["Hello poster"] + 2


def test_link_becomes_a_uri_annotation(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf))
    uris = [str(a.A.URI) for a in pdf.pages[0].get("/Annots", []) if "/A" in a]
    assert LINK in uris


def test_theme_colours_are_painted(small_pdf, theme_bits):
    colours = theme_bits[0]
    want = tuple(int(colours["primary"].rgb[i:i + 2], 16) / 255 for i in (1, 3, 5))
    pdf = pikepdf.open(io.BytesIO(small_pdf))
    fills = [tuple(float(o) for o in ops) for ops, op in pikepdf.parse_content_stream(pdf.pages[0])
             if str(op) == "rg"]
    assert any(all(abs(a - b) < 0.005 for a, b in zip(f, want)) for f in fills)


def test_fonts_are_embedded(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf))
    fonts = pdf.pages[0].Resources.Font
    assert len(fonts) >= 2  # regular and bold at least
    for _, font in fonts.items():
        desc = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
        assert "DejaVu" in str(font.BaseFont)


def test_metadata_is_written(small_pdf):
    pdf = pikepdf.open(io.BytesIO(small_pdf))
    assert str(pdf.docinfo["/Title"]) == "Unit test"
    assert str(pdf.docinfo["/Keywords"]) == "PP-INO-GLB-0137"
    assert str(pdf.docinfo["/CreationDate"]).startswith("D:20210501")


def test_rendering_is_deterministic(theme_bits, small_pdf):
    fonts = theme_bits[2]
    boxes = [Rect(0, 0, W, 24, fill="primary", role="title-band"), text_box(fonts), table()]
    assert render_pdf(make_doc(theme_bits, boxes)) == small_pdf


def test_several_pages(theme_bits):
    data = render_pdf(make_doc(theme_bits, [text_box(theme_bits[2])], pages=3))
    pages = pypdf_pages(data)
    assert len(pages) == 3
    assert all("Hello poster" in p for p in pages)


# ---------------------------------------------------------------------------------- charts

def _forms(pdf_obj, seen=None):
    """Every XObject reachable from a resources dictionary, forms searched recursively."""
    seen = set() if seen is None else seen
    res = pdf_obj.get("/Resources")
    if res is None or "/XObject" not in res:
        return
    for _, xo in res.XObject.items():
        key = xo.objgen
        if key in seen:
            continue
        seen.add(key)
        yield xo
        if xo.get("/Subtype") == "/Form":
            yield from _forms(xo, seen)


@pytest.fixture(scope="module")
def chart_pdf_bytes(theme_bits, demo_docs):
    box = next(b for p in demo_docs["deck"].pages for b in p.boxes
               if isinstance(b, Chart) and getattr(b.chart, "id", "") == "os24")
    placed = dataclasses.replace(box, x=300.0, y=60.0, w=280.0, h=200.0)
    return render_pdf(make_doc(theme_bits, [placed])), box.chart


def test_chart_is_a_vector_form_xobject_with_text(chart_pdf_bytes):
    data, chart = chart_pdf_bytes
    pdf = pikepdf.open(io.BytesIO(data))
    xobjects = list(_forms(pdf.pages[0]))
    assert xobjects, "the chart is not placed as an XObject"
    assert all(str(x.get("/Subtype")) == "/Form" for x in xobjects)
    ops = {str(op) for x in xobjects for _, op in pikepdf.parse_content_stream(x)}
    assert {"re", "f"} & ops or {"m", "l"} <= ops  # vector drawing
    assert ops & {"Tj", "TJ"}  # text kept as text
    text = pypdf_pages(data)[0]
    for label in chart.categories:
        assert label in text
    assert "25.9%" in text


def test_chart_is_placed_in_its_slot(chart_pdf_bytes):
    data, _ = chart_pdf_bytes
    pdf = pikepdf.open(io.BytesIO(data))
    cms = [[float(o) for o in ops] for ops, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) == "cm"]
    form = next(_forms(pdf.pages[0]))
    bbox = [float(v) for v in form.BBox]
    # some cm maps the chart's box onto x 300..580, y (from the top) 60..260
    ok = False
    for a, b, c, d, e, f in cms:
        x0, y0 = a * bbox[0] + e, d * bbox[1] + f
        x1, y1 = a * bbox[2] + e, d * bbox[3] + f
        if abs(x0 - 300) < 0.5 and abs(x1 - 580) < 0.5 and abs(y0 - (H - 260)) < 0.5 and abs(y1 - (H - 60)) < 0.5:
            ok = True
    assert ok, cms
