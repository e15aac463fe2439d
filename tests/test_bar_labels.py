"""Bar charts' gap, data-label places and colours, and thin segments' labels: decided once (resolve
and compose, fields of the page model's chart) and painted the same by matplotlib (PDF) and
PowerPoint (PPTX)."""
import re
import subprocess

from pptx import Presentation
from pptx.oxml.ns import qn

from conftest import require_tool
from posterdeck.pagemodel import Chart

STACKED = "crcri_by_arm"  # the demo's stacked column chart; SC S1's CRi segment is thin
CLUSTERED = "os24"  # clustered columns with error bars: labels inside the bars' base


def _box(deck, chart_id: str):
    for index, page in enumerate(deck.pages):
        for box in page.boxes:
            if isinstance(box, Chart) and box.chart.id == chart_id:
                return index, box
    raise AssertionError(f"no chart {chart_id}")


def test_resolve_decides_gap_and_label_places(demo_docs):
    deck = demo_docs["deck"]
    stacked, clustered = _box(deck, STACKED)[1].chart, _box(deck, CLUSTERED)[1].chart
    assert (stacked.gap, stacked.label_place, stacked.label_colour) == (0.6, "centre", "on_primary")
    assert (clustered.gap, clustered.label_place, clustered.label_colour) == (0.4, "base", "on_primary")
    assert not any(d for s in clustered.series for d in s.beside)  # only stacked segments move out


def _chart_xml(pptx_bytes: bytes, slide_index: int, name: str):
    import io

    prs = Presentation(io.BytesIO(pptx_bytes))
    frame = next(s for s in prs.slides[slide_index].shapes if s.name == name)
    return frame.chart._chartSpace


def test_thin_segments_labels_stand_beside_their_bar_in_pdf_and_pptx(demo_docs, tmp_path):
    from posterdeck.api import pdf_file
    from posterdeck.render.pptx import render_pptx

    deck = demo_docs["deck"]
    index, box = _box(deck, STACKED)
    chart = box.chart
    moved = {(j, i) for j, s in enumerate(chart.series) for i, d in enumerate(s.beside) if d}
    assert moved, "the demo's SC S1 CRi segment is too thin for its label"
    text, on_bars = deck.colours["text"].rgb.lstrip("#").upper(), deck.colours["on_primary"].rgb.lstrip("#").upper()

    space = _chart_xml(render_pptx(deck), index, box.name)
    assert space.find(".//" + qn("c:gapWidth")).get("val") == "60"
    for j, ser in enumerate(space.iter(qn("c:ser"))):
        for dlbl in ser.find(qn("c:dLbls")).findall(qn("c:dLbl")):
            i = int(dlbl.find(qn("c:idx")).get("val"))
            colour = dlbl.find(".//" + qn("a:srgbClr")).get("val")
            layout = dlbl.find(qn("c:layout") + "/" + qn("c:manualLayout"))
            if (j, i) in moved:
                assert colour == text and layout is not None and float(layout.find(qn("c:x")).get("val")) > 0
            else:
                assert colour == on_bars and layout is None

    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(pdf_file(deck))
    exe = require_tool("pdftotext")
    out = subprocess.run([exe, "-bbox", "-f", str(index + 1), "-l", str(index + 1), str(pdf), "-"],
                         capture_output=True, text=True, timeout=60).stdout
    words = {m[5]: (float(m[1]), float(m[3])) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)}
    for j, i in moved:  # right of the label centred in the same column's other segment
        other = next(s for k, s in enumerate(chart.series) if (k, i) not in moved)
        lab, centred = chart.series[j].labels[i], other.labels[i]
        assert words[lab][0] > words[centred][1], (lab, centred)
