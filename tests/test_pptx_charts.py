"""PPTX charts that stay right (issue #11): chart parts and workbooks valid against ISO/IEC 29500,
CIs in the embedded workbook with the error bars referencing them, chart.replace_data followed,
one value axis in the PDF and the PPTX, no chart text below the layout's min_size, the target's
language on all chart text, and German labels that read `40,5 %` in PowerPoint's XML, in
LibreOffice's rendering and in posterdeck's PDF.

Expected numbers come from study.yaml (yaml.safe_load), independently of posterdeck's loader."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from conftest import ooxml_validator, DATA, DECK_DIR, LAYOUTS_DIR, read_yaml, require_tool, study_leaf

FIXTURES = Path(__file__).resolve().parent / "fixtures"
C15 = "{http://schemas.microsoft.com/office/drawing/2012/chart}"
NBSP = "\u00a0"


def _validator() -> Path:
    return ooxml_validator()


def _build(deck_dir: Path, target: str, out: Path) -> Path:
    from posterdeck import api

    api.build(deck_dir, targets=[target], out=out)
    return out / deck_dir.name / target


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Path:
    return _build(DECK_DIR, "de-DE", tmp_path_factory.mktemp("de-out"))


@pytest.fixture(scope="module")
def decks(german, demo_build, tmp_path_factory) -> dict[str, Path]:
    """The demo decks and the chart fixture deck (one chart of every kind)."""
    import shutil

    root = tmp_path_factory.mktemp("mini")
    (root / "data").mkdir()
    shutil.copytree(FIXTURES / "charts" / "minideck", root / "data" / "minideck")
    shutil.copytree(DATA / "shared", root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    shutil.copy(FIXTURES / "charts" / "poster-mini-charts.yaml", root / "layouts")
    mini = _build(root / "data" / "minideck", "en-GB", root / "out")
    aurora = _build(DATA / "aurora-fictional", "en-GB", tmp_path_factory.mktemp("aurora"))
    return {"de-DE": german, "en-NL": demo_build.folder, "aurora": aurora, "mini": mini}


def chart_frames(pptx: Path):
    """(slide number, frame) of every chart, in slide order."""
    for number, slide in enumerate(Presentation(str(pptx)).slides, 1):
        for shape in slide.shapes:
            if getattr(shape, "has_chart", False) and shape.has_chart:
                yield number, shape


def bar_frames(pptx: Path):
    return [(n, f) for n, f in chart_frames(pptx) if f.chart._chartSpace.find(".//" + qn("c:barChart")) is not None]


def workbook(chart, data_only: bool = True):
    return openpyxl.load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob), data_only=data_only)["Sheet1"]


def cells(sheet, ref: str) -> list:
    """The values of a range like Sheet1!$E$2:$E$3."""
    m = re.fullmatch(r"Sheet1!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", ref)
    assert m, ref
    return [row[0].value for row in sheet[f"{m[1]}{m[2]}:{m[3]}{m[4]}"]]


def err_bars(ser) -> dict:
    """{'plus': (ref, cached values), 'minus': ...} of a c:ser's error bars."""
    bars = ser.find(qn("c:errBars"))
    out = {}
    for side in ("plus", "minus"):
        ref = bars.find(f"{qn('c:' + side)}/{qn('c:numRef')}")
        assert ref is not None, f"the {side} error bars are not a reference to workbook cells"
        out[side] = (ref.find(qn("c:f")).text, [float(v.text) for v in ref.iter(qn("c:v"))])
    return out


def layout_min_size() -> float:
    return read_yaml(LAYOUTS_DIR / "slides-16x9.yaml")["layout"]["styles"]["chart"]["min_size"]


def words_in(pdf: Path, page: int, box: tuple[float, float, float, float], slide_width: float) -> list[str]:
    """The words pdftotext finds inside ``box`` (x, y, w, h in points of a slide ``slide_width``
    wide) on page ``page`` (1-based), in reading order."""
    tool = require_tool("pdftotext")
    html = subprocess.run([tool, "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html)[1])
    k = width / slide_width
    x, y, w, h = (v * k for v in box)
    words = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        if x - 1 <= x0 and x1 <= x + w + 1 and y - 1 <= y0 and y1 <= y + h + 1:
            words.append(m[5].replace("&amp;", "&"))
    return words


# --------------------------------------------------------------------------------------------
# schema validity
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["de-DE", "en-NL", "aurora", "mini"])
def test_chart_parts_and_workbooks_validate(decks, name):
    pptx = decks[name] / "deck.pptx"
    with zipfile.ZipFile(pptx) as z:
        charts = [n for n in z.namelist() if n.startswith("ppt/charts/chart")]
        books = [n for n in z.namelist() if n.startswith("ppt/embeddings/")]
    assert charts and len(books) == len(charts)
    run = subprocess.run([sys.executable, str(_validator()), str(pptx)], capture_output=True, text=True)
    invalid = [line for line in run.stdout.splitlines() if line.startswith("INVALID")]
    assert not [line for line in invalid if "ppt/charts/" in line or "ppt/embeddings/" in line], run.stdout[-3000:]
    for _, frame in chart_frames(pptx):  # ISO 29500: axis ids are xs:unsignedInt
        for el in frame.chart._chartSpace.iter(qn("c:axId"), qn("c:crossAx")):
            assert int(el.get("val")) > 0


# --------------------------------------------------------------------------------------------
# CIs in the workbook
# --------------------------------------------------------------------------------------------

def _os24(pptx: Path):
    frames = {f.name: f for _, f in chart_frames(pptx)}
    return frames["chart:os24"].chart


def test_error_bars_reference_workbook_cells_that_hold_the_cis(german):
    content = read_yaml(DECK_DIR / "content.yaml")
    study = read_yaml(DECK_DIR / "study.yaml")
    spec = content["charts"]["os24"]
    chart = _os24(german / "deck.pptx")
    sheet, formulas = workbook(chart), workbook(chart, data_only=False)
    sers = chart._chartSpace.findall(".//" + qn("c:ser"))
    assert len(sers) == len(spec["series"])
    checked = 0
    for ser_el, s in zip(sers, spec["series"]):
        bars = err_bars(ser_el)
        value_ref = ser_el.find(f"{qn('c:val')}/{qn('c:numRef')}/{qn('c:f')}").text
        values = cells(sheet, value_ref)
        plus = cells(sheet, bars["plus"][0])
        minus = cells(sheet, bars["minus"][0])
        for i, path in enumerate(s["values"]):
            leaf = study_leaf(study, path)
            lo, hi = leaf["ci"]
            v = values[i]
            assert v == pytest.approx(leaf["value"], abs=1e-9)
            # the CI bounds themselves are cells, in the same row, and the bars reach them
            row = [c.value for c in sheet[i + 2]]
            assert lo in row and hi in row, row
            assert v + plus[i] == pytest.approx(hi, abs=1e-9) and v - minus[i] == pytest.approx(lo, abs=1e-9)
            # the cached values PowerPoint draws before any edit are the cells' values
            assert bars["plus"][1][i] == plus[i] and bars["minus"][1][i] == minus[i]
            # the distances are formulas of the value and its CI cells: "Edit Data" recomputes them
            assert str(cells(formulas, bars["plus"][0])[i]).startswith("=ROUND(")
            checked += 1
    assert checked == 4


def test_no_float_noise_in_chart_xml_or_workbooks(decks):
    noise = re.compile(r"\d\.\d*(?:0000000|9999999)\d*")
    for name, folder in decks.items():
        with zipfile.ZipFile(folder / "deck.pptx") as z:
            for part in z.namelist():
                if part.startswith("ppt/charts/chart"):
                    xml = z.read(part).decode()
                    assert not noise.search(xml), (name, part, noise.search(xml)[0])
                elif part.startswith("ppt/embeddings/"):
                    with zipfile.ZipFile(io.BytesIO(z.read(part))) as book:
                        sheet = book.read("xl/worksheets/sheet1.xml").decode()
                        assert not noise.search(sheet), (name, part, noise.search(sheet)[0])


def test_error_bars_follow_replace_data(german, tmp_path):
    from posterdeck.render.pptx.charts import CIChartData, replace_data

    prs = Presentation(str(german / "deck.pptx"))
    frame = next(s for slide in prs.slides for s in slide.shapes if s.name == "chart:os24")
    chart = frame.chart
    data = CIChartData(number_format="0.0", decimal_mark=",", affixes=("", NBSP + "%"))
    data.categories = ["S1", "S2"]
    data.add_ci_series("BESPONSA", [30.2, 20.1], [(21.4, 39.9), (12.0, 30.5)], decimals=[1, 1],
                       labels=["30,2\u00a0%", "20,1\u00a0%"])
    data.add_ci_series("SC", [10.0, 12.5], [(5.5, 16.0), None], decimals=[1, 1], labels=["10,0\u00a0%", "12,5\u00a0%"])
    replace_data(chart, data)
    out = tmp_path / "edited.pptx"
    prs.save(str(out))
    chart = _os24(out)  # read back from the saved file
    sheet = workbook(chart)
    sers = chart._chartSpace.findall(".//" + qn("c:ser"))
    expected = [[(30.2, 21.4, 39.9), (20.1, 12.0, 30.5)], [(10.0, 5.5, 16.0), (12.5, None, None)]]
    for ser_el, rows in zip(sers, expected):
        bars = err_bars(ser_el)
        for i, (v, lo, hi) in enumerate(rows):
            up, down = (round(hi - v, 1), round(v - lo, 1)) if lo is not None else (0, 0)
            assert cells(sheet, bars["plus"][0])[i] == pytest.approx(up)
            assert cells(sheet, bars["minus"][0])[i] == pytest.approx(down)
            assert bars["plus"][1][i] == pytest.approx(up) and bars["minus"][1][i] == pytest.approx(down)
            if lo is not None:
                row = [c.value for c in sheet[i + 2]]
                assert lo in row and hi in row
    # the data labels follow too: their cells and caches hold the new values as German prints them
    labels = [pt.text for pt in sers[0].iter(qn("c:v")) if "%" in (pt.text or "")]
    assert "30,2\u00a0%" in labels and "20,1\u00a0%" in labels
    run = subprocess.run([sys.executable, str(_validator()), str(out)], capture_output=True, text=True)
    assert " 0 invalid" in run.stdout, run.stdout[-2000:]


def test_ci_chart_data_prints_no_number_itself():
    """Labels come from resolve (the target's formats): CIChartData asks for them rather than
    format numbers its own way; values are rounded half up, as resolve rounds what it prints."""
    from posterdeck.render.pptx.charts import CIChartData

    data = CIChartData(number_format="0.0")
    with pytest.raises(TypeError, match="labels="):
        data.add_ci_series("A", [30.2, 20.1])
    data.add_ci_series("A", [2.25, 20.1], [(1.15, 3.35), None], decimals=[1, 1], labels=["2.3%", "20.1%"])
    assert list(list(data)[0].values) == [2.3, 20.1] and data.extras[0]["cis"][0] == (1.2, 3.4)


def test_plain_replace_data_keeps_the_error_bar_references(german, tmp_path):
    """python-pptx's own chart.replace_data() with a CIChartData: the error bars keep pointing at
    the same cells, which now hold the new distances (what "Edit Data" recalculates from)."""
    from posterdeck.render.pptx.charts import CIChartData

    prs = Presentation(str(german / "deck.pptx"))
    chart = next(s for slide in prs.slides for s in slide.shapes if s.name == "chart:os24").chart
    before = [err_bars(s)["plus"][0] for s in chart._chartSpace.findall(".//" + qn("c:ser"))]
    data = CIChartData(number_format="0.0", decimal_mark=",")
    data.categories = ["S1", "S2"]
    data.add_ci_series("BESPONSA", [30.2, 20.1], [(21.4, 39.9), (12.0, 30.5)], labels=["30,2", "20,1"])
    data.add_ci_series("SC", [10.0, 12.5], [(5.5, 16.0), (6.0, 20.0)], labels=["10", "12,5"])
    chart.replace_data(data)
    sers = chart._chartSpace.findall(".//" + qn("c:ser"))
    assert [err_bars(s)["plus"][0] for s in sers] == before
    sheet = openpyxl.load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob), data_only=True)["Sheet1"]
    assert cells(sheet, before[0]) == [pytest.approx(9.7), pytest.approx(10.4)]


# --------------------------------------------------------------------------------------------
# one value axis, text sizes, language
# --------------------------------------------------------------------------------------------

def test_value_axis_is_the_same_in_pdf_and_pptx_and_holds_every_ci(german):
    study = read_yaml(DECK_DIR / "study.yaml")
    content = read_yaml(DECK_DIR / "content.yaml")
    prs = Presentation(str(german / "deck.pptx"))
    slide_w = prs.slide_width / 12700
    checked = 0
    for number, frame in bar_frames(german / "deck.pptx"):
        cid = frame.name.split(":", 1)[1]
        spec = content["charts"][cid]
        val_ax = frame.chart._chartSpace.find(".//" + qn("c:valAx"))
        top = float(val_ax.find(f"{qn('c:scaling')}/{qn('c:max')}").get("val"))
        step = float(val_ax.find(qn("c:majorUnit")).get("val"))
        highest = 0.0
        for s in spec["series"]:
            for path in s["values"]:
                leaf = study_leaf(study, path)
                highest = max(highest, leaf.get("ci", [0, 0])[1] if spec.get("error_bars") else 0,
                              leaf.get("value", 0) if isinstance(leaf.get("value"), (int, float)) else 0)
        assert top >= highest, (cid, top, highest)
        if spec.get("value_axis", {}).get("max") is not None:
            assert top == spec["value_axis"]["max"]
        # the PDF's value axis shows the same top tick, one major unit above the one below it
        box = tuple(v / 12700 for v in (frame.left, frame.top, frame.width, frame.height))
        words = words_in(german / "deck.pdf", number, box, slide_w)
        assert f"{top:g}" in words, (cid, top, words)
        assert f"{top + step:g}" not in words and f"{top - step:g}" in words, (cid, words)
        checked += 1
    assert checked >= 3


def test_os24_upper_ci_is_not_cut_off(german):
    study = read_yaml(DECK_DIR / "study.yaml")
    chart = _os24(german / "deck.pptx")
    top = float(chart._chartSpace.find(".//" + qn("c:valAx") + "//" + qn("c:max")).get("val"))
    spec = read_yaml(DECK_DIR / "content.yaml")["charts"]["os24"]
    upper = max(study_leaf(study, p)["ci"][1] for s in spec["series"] for p in s["values"])
    assert upper <= top


@pytest.mark.parametrize("name", ["de-DE", "en-NL", "aurora", "mini"])
def test_no_chart_text_below_min_size(decks, name):
    smallest = layout_min_size()
    sizes = []
    for _, frame in chart_frames(decks[name] / "deck.pptx"):
        for el in frame.chart._chartSpace.iter():
            if el.get("sz") is not None and el.tag.startswith("{http://schemas.openxmlformats.org/drawingml/2006/main}"):
                sizes.append(int(el.get("sz")) / 100)
    assert sizes and min(sizes) >= smallest - 0.01, (min(sizes), smallest)


def _form_text_sizes(form, scale: float) -> list[float]:
    """The sizes of the text drawn by a form XObject (a chart matplotlib drew), in points:
    Tf size times the text matrix's and the placement's scale."""
    import pikepdf

    sizes, size, tm = [], 0.0, 1.0
    for operands, op in pikepdf.parse_content_stream(form):
        op = str(op)
        if op == "Tf":
            size = float(operands[1])
        elif op == "Tm":
            a, b, c, d = (float(v) for v in operands[:4])
            tm = abs(a * d - b * c) ** 0.5
        elif op in ("Tj", "TJ", "'", '"'):
            sizes.append(size * tm * scale)
    return sizes


def test_pdf_chart_text_not_below_min_size(german):
    """The charts in deck.pdf (form XObjects matplotlib drew, placed in their slots): every piece
    of text in them is at least the layout's min_size."""
    import pikepdf

    smallest = layout_min_size()
    pdf = pikepdf.open(german / "deck.pdf")
    pages = sorted({n for n, _ in bar_frames(german / "deck.pptx")})
    checked = 0
    for number in pages:
        page = pdf.pages[number - 1]
        scale = 1.0
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "cm":
                a, b, c, d = (float(v) for v in operands[:4])
                scale = abs(a * d - b * c) ** 0.5
            elif str(op) == "Do":
                form = page.Resources.XObject[operands[0]]
                sizes = _form_text_sizes(form, scale)
                assert sizes and min(sizes) >= smallest - 0.01, (number, sorted(sizes)[:4])
                checked += 1
    assert checked >= 4


def test_chart_text_carries_the_target_language(german):
    checked = 0
    for _, frame in chart_frames(german / "deck.pptx"):
        space = frame.chart._chartSpace
        assert space.find(qn("c:lang")).get("val") == "de-DE"
        for tag in ("a:rPr", "a:defRPr", "a:endParaRPr"):
            for el in space.iter(qn(tag)):
                assert el.get("lang") == "de-DE", (frame.name, tag)
                checked += 1
        # every paragraph of chart text can tell its language
        for p in space.iter(qn("a:p")):
            assert any(el.get("lang") == "de-DE" for el in p.iter(qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr")))
    assert checked > 20


# --------------------------------------------------------------------------------------------
# German labels
# --------------------------------------------------------------------------------------------

def _label_texts(frame) -> list[str]:
    """The data labels as the chart XML shows them (the CELLRANGE fields' text)."""
    return [t.text for fld in frame.chart._chartSpace.iter(qn("a:fld")) for t in fld.iter(qn("a:t"))]


def test_german_labels_are_cells_holding_the_german_text(german):
    frames = bar_frames(german / "deck.pptx")
    labels = [t for _, f in frames for t in _label_texts(f)]
    assert "40,5\u00a0%" in labels
    assert not [t for t in labels if re.search(r"\d\.\d", t) or re.search(r"\d%", t)], labels
    for _, frame in frames:
        sheet = workbook(frame.chart)
        formulas = workbook(frame.chart, data_only=False)
        for ser in frame.chart._chartSpace.findall(".//" + qn("c:ser")):
            rng = ser.find(f".//{C15}datalabelsRange")
            assert rng is not None, frame.name
            ref = rng.find(f"{C15}f").text
            cache = [v.text for v in rng.iter(qn("c:v"))]
            assert cells(sheet, ref) == cache  # the cells hold the label texts
            assert all(str(f).startswith("=") for f in cells(formulas, ref))  # computed from the values
            fields = [t.text for fld in ser.iter(qn("a:fld")) for t in fld.iter(qn("a:t"))]
            assert fields == cache
            assert {fld.get("type") for fld in ser.iter(qn("a:fld"))} == {"CELLRANGE"}


def test_german_labels_read_40_5_percent_in_libreoffice_and_in_the_pdf(german, tmp_path):
    soffice = require_tool("soffice")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(german / "deck.pptx")], check=True, capture_output=True, timeout=300)
    lo_pdf = tmp_path / "deck.pdf"
    prs = Presentation(str(german / "deck.pptx"))
    slide_w = prs.slide_width / 12700
    found = 0
    for number, frame in bar_frames(german / "deck.pptx"):
        box = tuple(v / 12700 for v in (frame.left, frame.top, frame.width, frame.height))
        expected = [t.replace(NBSP, " ") for t in _label_texts(frame)]
        for pdf in (lo_pdf, german / "deck.pdf"):
            text = " ".join(words_in(pdf, number, box, slide_w))
            for label in expected:
                assert label in text, (pdf.name, frame.name, label, text)
            assert not re.search(r"\d\.\d", text), (pdf.name, text)  # no decimal point anywhere in the chart
        found += "40,5 %" in expected
    assert found


# --------------------------------------------------------------------------------------------
# axis numbers that read the same on every system
# --------------------------------------------------------------------------------------------

def test_axis_formats_print_ticks_as_literal_text_where_signs_vary():
    from posterdeck.resolve.visuals import axis_format

    assert axis_format([(0, "0"), (10, "10"), (40, "40")]) == "0"
    # a German log-2 axis: 0,25 and 0,5 whatever the viewer's decimal sign, 1 and 2 as numbers
    assert axis_format([(0.25, "0,25"), (0.5, "0,5"), (1, "1"), (2, "2")]) == '[<0.375]"0,25";[<0.75]"0,5";0'
    assert axis_format([(0, "0"), (500, "500"), (1000, "1\u00a0000"), (1500, "1\u00a0500")]) == \
        '[>1250]"1\u00a0500";[>750]"1\u00a0000";0'


def test_forest_axis_reads_the_same_in_libreoffice_and_the_pdf(decks, tmp_path):
    soffice = require_tool("soffice")
    pptx = decks["aurora"] / "deck.pptx"
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx)],
                   check=True, capture_output=True, timeout=300)
    slide_w = Presentation(str(pptx)).slide_width / 12700
    frames = [(n, f) for n, f in chart_frames(pptx) if f.chart._chartSpace.find(".//" + qn("c:logBase")) is not None]
    assert frames
    for number, frame in frames:
        x, y, w, h = (v / 12700 for v in (frame.left, frame.top, frame.width, frame.height))
        band = (x, y + h * 0.7, w, h * 0.3)  # the axis and its tick labels, under the rows

        def ticks(pdf):
            return [t for t in words_in(pdf, number, band, slide_w) if re.fullmatch(r"[\d.,]+", t)]

        drawn = ticks(decks["aurora"] / "deck.pdf")
        assert drawn[:2] == ["0.25", "0.5"], drawn
        assert ticks(tmp_path / "deck.pdf") == drawn


def test_horizontal_bars_run_top_down_in_libreoffice_as_in_the_pdf(decks, tmp_path):
    """The first category on top in both outputs (PowerPoint draws a bar chart's categories
    bottom-up unless the category axis is reversed)."""
    soffice = require_tool("soffice")
    pptx = decks["mini"] / "deck.pptx"
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx)],
                   check=True, capture_output=True, timeout=300)
    slide_w = Presentation(str(pptx)).slide_width / 12700
    bars = [(n, f) for n, f in bar_frames(pptx)
            if f.chart._chartSpace.find(".//" + qn("c:barDir")).get("val") == "bar"]
    assert bars
    for number, frame in bars:
        cats = list(frame.chart.plots[0].categories)
        box = tuple(v / 12700 for v in (frame.left, frame.top, frame.width, frame.height))
        for pdf in (decks["mini"] / "deck.pdf", tmp_path / "deck.pdf"):
            text = " ".join(words_in(pdf, number, box, slide_w))
            at = [text.find(c) for c in cats]
            assert all(a >= 0 for a in at) and at == sorted(at), (pdf.name, cats, text)
