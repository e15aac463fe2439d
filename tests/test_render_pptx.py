"""render/pptx: a small page-model Document built in code, painted with render_pptx and read back
with python-pptx: editable text boxes, native tables, native charts, one EMU conversion."""
from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.util import Emu

from posterdeck.pagemodel import Chart, Rect
from posterdeck.render.pptx import render_pptx
from test_render_pdf import LINK, H, W, make_doc, table, text_box

EMU = 12700


def _theme_root(prs):
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    return etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)


def theme_slot(prs, slot: str) -> str:
    """The RGB of a colour slot (accent1, dk1, ...) of the deck's theme part."""
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    return _theme_root(prs).find(f".//a:clrScheme/a:{slot}/a:srgbClr", ns).get("val")


def theme_font(prs, kind: str) -> str:
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    return _theme_root(prs).find(f".//a:fontScheme/a:{kind}/a:latin", ns).get("typeface")


@pytest.fixture(scope="module")
def theme_bits(demo_fonts):
    theme, files, fonts = demo_fonts
    return dict(theme.colours), files, fonts, theme.font.name


@pytest.fixture(scope="module")
def os24_box(demo_docs):
    return next(b for p in demo_docs["deck"].pages for b in p.boxes
                if isinstance(b, Chart) and getattr(b.chart, "id", "") == "os24")


@pytest.fixture(scope="module")
def small_pptx(theme_bits, os24_box) -> bytes:
    fonts = theme_bits[2]
    boxes = [Rect(0, 0, W, 24, fill="primary", role="title-band"), text_box(fonts), table(),
             dataclasses.replace(os24_box, x=320.0, y=150.0, w=260.0, h=200.0)]
    return render_pptx(make_doc(theme_bits, boxes))


@pytest.fixture(scope="module")
def slide(small_pptx):
    prs = Presentation(io.BytesIO(small_pptx))
    assert len(prs.slides) == 1
    return prs, prs.slides[0]


def shape(slide_, name):
    return next(s for s in slide_.shapes if s.name == name)


def test_slide_size_is_the_page_size_in_emu(slide):
    prs, _ = slide
    assert (prs.slide_width, prs.slide_height) == (round(W * EMU), round(H * EMU))


def test_rect_position_size_and_fill(slide, theme_bits):
    _, s = slide
    band = shape(s, "title-band")
    assert (band.left, band.top, band.width, band.height) == (0, 0, round(W * EMU), 24 * EMU)
    # a theme colour is a reference to the presentation theme's slot that holds it
    assert band.fill.fore_color.theme_color == MSO_THEME_COLOR.ACCENT_1
    prs, _ = slide
    assert theme_slot(prs, "accent1") == theme_bits[0]["primary"].rgb.lstrip("#").upper()


def test_text_box_is_editable_text_in_the_theme_font(slide, theme_bits):
    _, s = slide
    box = shape(s, "body")
    assert (box.left, box.top, box.width, box.height) == (36 * EMU, 40 * EMU, 400 * EMU, 60 * EMU)
    paras = box.text_frame.paragraphs
    assert paras[0].text == "Hello poster bold1 see paper"
    assert paras[1].text == "Second paragraph"
    runs = paras[0].runs
    # the runs name the theme's body font, which is the theme's font family
    assert all(r.font.name == "+mn-lt" for r in runs)
    prs, _ = slide
    assert theme_font(prs, "minorFont") == theme_bits[3]
    assert runs[1].font.bold and not runs[0].font.bold


def test_superscript_run_has_a_raised_baseline(slide):
    _, s = slide
    runs = shape(s, "body").text_frame.paragraphs[0].runs
    sup = next(r for r in runs if r.text == "1")
    assert int(sup._r.rPr.get("baseline")) > 0
    assert runs[0]._r.rPr.get("baseline") in (None, "0")


def test_link_run_has_a_hyperlink(slide):
    _, s = slide
    runs = shape(s, "body").text_frame.paragraphs[0].runs
    assert next(r for r in runs if "see paper" in r.text).hyperlink.address == LINK


def test_bullet_paragraph_has_a_bullet_character(slide):
    _, s = slide
    p = shape(s, "body").text_frame.paragraphs[1]
    bu = p._p.pPr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}buChar")
    assert bu is not None and bu.get("char") == "\u2022"


def test_table_is_a_native_table(slide):
    _, s = slide
    frame = shape(s, "table:teae")
    assert frame.has_table
    t = frame.table
    assert len(t.rows) == 3 and len(t.columns) == 3
    assert [c.text for c in t.rows[2].cells] == ["Neutropenia", "56 (50.5)", "40 (43.0)"]
    assert [c.text for c in t.rows[1].cells] == ["Term", "BESPONSA (n = 111)", "SC (n = 93)"]
    assert t.cell(0, 1).is_merge_origin and t.cell(0, 1).span_width == 2
    assert t.cell(0, 1).text == "S1"
    assert [c.width for c in t.columns] == [150 * EMU, 110 * EMU, 110 * EMU]
    assert (frame.left, frame.top) == (36 * EMU, 150 * EMU)


def test_chart_is_a_native_chart_with_the_data(slide, os24_box):
    _, s = slide
    frame = next(sh for sh in s.shapes if getattr(sh, "has_chart", False) and sh.has_chart)
    chart = frame.chart
    data = os24_box.chart
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(chart.plots[0].categories) == list(data.categories)
    got = [(ser.name, list(ser.values)) for ser in chart.plots[0].series]
    assert got == [(ser.name, list(ser.values)) for ser in data.series]
    assert (frame.left, frame.top, frame.width, frame.height) == (320 * EMU, 150 * EMU, 260 * EMU, 200 * EMU)
    # the alt text screen readers read
    assert frame._element.find(".//{http://schemas.openxmlformats.org/presentationml/2006/main}cNvPr").get("descr")


def test_chart_error_bars_carry_the_confidence_intervals(slide, os24_box):
    _, s = slide
    frame = next(sh for sh in s.shapes if getattr(sh, "has_chart", False) and sh.has_chart)
    xml = frame.chart._chartSpace.xml
    assert "errBars" in xml
    ser = os24_box.chart.series[0]
    lo, hi = ser.cis[0]
    # the distances rounded to the value's decimals (issue #11: no float noise such as 7.799999999999997)
    d = ser.decimals[0]
    assert f"<c:v>{hi - ser.values[0]:.{d}f}</c:v>" in xml
    assert f"<c:v>{ser.values[0] - lo:.{d}f}</c:v>" in xml
    assert repr(float(ser.values[0] - lo)) not in xml


def test_core_properties(small_pptx):
    prs = Presentation(io.BytesIO(small_pptx))
    cp = prs.core_properties
    assert cp.title == "Unit test"
    assert cp.keywords == "PP-INO-GLB-0137"
    assert cp.created.year == 2021 and cp.created.month == 5


def test_rendering_is_deterministic(theme_bits, os24_box, small_pptx):
    fonts = theme_bits[2]
    boxes = [Rect(0, 0, W, 24, fill="primary", role="title-band"), text_box(fonts), table(),
             dataclasses.replace(os24_box, x=320.0, y=150.0, w=260.0, h=200.0)]
    assert render_pptx(make_doc(theme_bits, boxes)) == small_pptx


def test_zip_entries_have_fixed_timestamps(small_pptx):
    stamps = {i.date_time for i in zipfile.ZipFile(io.BytesIO(small_pptx)).infolist()}
    assert len(stamps) == 1
    assert stamps.pop()[:3] == (2021, 5, 1)


def test_one_slide_per_page(theme_bits):
    data = render_pptx(make_doc(theme_bits, [text_box(theme_bits[2])], pages=3))
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == 3
    assert all(any(sh.has_text_frame and "Hello poster" in sh.text_frame.text for sh in sl.shapes)
               for sl in prs.slides)


def test_emu_is_the_one_conversion():
    from posterdeck.render.pptx.painter import emu

    assert emu(1) == 12700
    assert emu(72) == Emu(914400)
