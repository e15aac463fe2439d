"""The peer: what a team writes by hand with reportlab, python-pptx and matplotlib for one target.
A poster page (text, a table, one vector chart placed as an image-free drawing) and an 8-slide
deck (text boxes, a native table, a native chart). Used by run.py for comparison only."""
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.chart.data import CategoryChartData  # noqa: E402
from pptx.enum.chart import XL_CHART_TYPE  # noqa: E402
from pptx.util import Inches, Pt  # noqa: E402
from reportlab.lib.pagesizes import A0  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import Table  # noqa: E402

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
pdfmetrics.registerFont(TTFont("DV", str(font)))
text = "CR/CRi: 78.4% in S1 vs. 64.7% in S2. " * 40
rows = [["Term", "BESPONSA", "SC", "BESPONSA", "SC"]] + [[f"Row {i}", "56 (50.5)", "40 (43.0)", "21 (41.2)", "22 (44.9)"]
                                                            for i in range(14)]
fig = Figure(figsize=(6, 4))
ax = fig.add_subplot()
ax.bar(["S1", "S2"], [78.4, 64.7])
buf = io.BytesIO()
with matplotlib.rc_context({"pdf.fonttype": 42}):
    fig.savefig(buf, format="pdf")
for name in ("poster.pdf", "poster-screen.pdf", "deck.pdf"):
    c = Canvas(str(out / name), pagesize=A0, initialFontName="DV")
    pages = 8 if name == "deck.pdf" else 1
    for _ in range(pages):
        y = A0[1] - 100
        c.setFont("DV", 24)
        for i in range(0, len(text), 120):
            c.drawString(60, y, text[i:i + 120])
            y -= 30
        t = Table(rows)
        t.wrapOn(c, 800, 600)
        t.drawOn(c, 60, 300)
        c.showPage()
    c.save()
prs = Presentation()
for _ in range(8):
    s = prs.slides.add_slide(prs.slide_layouts[6])
    tb = s.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(2)).text_frame
    tb.text = text[:400]
    tb.paragraphs[0].runs[0].font.size = Pt(12)
    tbl = s.shapes.add_table(len(rows), 5, Inches(0.5), Inches(3), Inches(9), Inches(3)).table
    for r, row in enumerate(rows):
        for k, v in enumerate(row):
            tbl.cell(r, k).text = v
    data = CategoryChartData()
    data.categories = ["S1", "S2"]
    data.add_series("CR/CRi", (78.4, 64.7))
    s.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(6), Inches(0.5), Inches(3), Inches(2), data)
prs.save(str(out / "deck.pptx"))
