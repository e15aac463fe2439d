"""Paint a page-model Document with reportlab. Charts are drawn by matplotlib into their own PDF
and placed as form XObjects by pikepdf (vector, text as text). Output is deterministic."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from posterdeck.charts.mpl import chart_pdf
from posterdeck.fonts import register
from posterdeck.pagemodel import Chart, Document, Image, Rect, Table, TextBox

SUP_RISE = 0.36  # superscript baseline shift, as a share of the paragraph size
SUB_DROP = 0.12


class _Flip:
    """The one conversion: page-model top-left origin -> reportlab bottom-left origin."""

    def __init__(self, page_height: float):
        self.h = page_height

    def y(self, top: float, height: float = 0.0) -> float:
        return self.h - top - height


def render_pdf(doc: Document) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    names = {v: register(p) for v, p in doc.fonts.items()}
    first = doc.pages[0]
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(first.width, first.height), invariant=1, pageCompression=1,
               initialFontName=names["regular"], initialFontSize=10, lang=doc.language)
    c.setTitle(doc.title)
    c.setAuthor(doc.author)
    c.setSubject(doc.subject)
    c.setKeywords(doc.keywords)
    c.setCreator("posterdeck")
    c.setProducer("posterdeck (reportlab)")

    def colour(name: str):
        return HexColor(doc.colours[name].rgb)

    charts = []  # (page index, x, y_bottom, w, h, pdf bytes)
    for index, page in enumerate(doc.pages):
        flip = _Flip(page.height)
        c.setPageSize((page.width, page.height))
        if page.background:
            c.setFillColor(colour(page.background))
            c.rect(0, 0, page.width, page.height, stroke=0, fill=1)
        for box in page.boxes:
            if isinstance(box, Rect):
                _rect(c, box, flip, colour)
            elif isinstance(box, TextBox):
                _text(c, box, flip, colour, names)
            elif isinstance(box, Table):
                _table(c, box, flip, colour, names)
            elif isinstance(box, Image):
                c.drawImage(box.path, box.x, flip.y(box.y, box.h), box.w, box.h)
            elif isinstance(box, Chart):
                rgb = {k: v.rgb for k, v in doc.colours.items()}
                data = chart_pdf(box.chart, box.w, box.h, box.font_size, rgb, doc.fonts["regular"], doc.fonts["bold"],
                                 box.plot)
                charts.append((index, box.x, flip.y(box.y, box.h), box.w, box.h, data))
        c.showPage()
    c.save()
    return _place_charts(buf.getvalue(), charts, doc.date)


def _rect(c, box: Rect, flip, colour) -> None:
    if box.fill:
        c.setFillColor(colour(box.fill))
    if box.stroke:
        c.setStrokeColor(colour(box.stroke))
        c.setLineWidth(box.stroke_width)
    c.rect(box.x, flip.y(box.y, box.h), box.w, box.h, stroke=1 if box.stroke else 0, fill=1 if box.fill else 0)


def _text(c, box: TextBox, flip, colour, names) -> None:
    if box.fill:
        c.setFillColor(colour(box.fill))
        c.rect(box.x, flip.y(box.y, box.h), box.w, box.h, stroke=0, fill=1)
    top = box.y + box.padding
    inner_w = box.w - 2 * box.padding
    for i, para in enumerate(box.paragraphs):
        if i:
            top += para.space_before
        for line in para.lines:
            left = box.x + box.padding + para.indent
            free = inner_w - para.indent - line.width
            if para.align == "center":
                left += free / 2
            elif para.align == "right":
                left += free
            base = flip.y(top + line.baseline)
            if para.bullet and line is para.lines[0] and line.spans:
                s0 = line.spans[0]
                c.setFont(names["regular"], para.size)
                c.setFillColor(colour(s0.color))
                c.drawString(left - para.size * 0.9, base, para.bullet)
            x = left
            for sp in line.spans:
                rise = para.size * SUP_RISE if sp.script == "sup" else -para.size * SUB_DROP if sp.script == "sub" else 0
                c.setFont(names[sp.font], sp.size)
                c.setFillColor(colour(sp.color))
                c.drawString(x, base + rise, sp.text)
                if sp.link:
                    c.setStrokeColor(colour(sp.color))
                    c.setLineWidth(sp.size * 0.05)
                    c.line(x, base - sp.size * 0.12, x + sp.width, base - sp.size * 0.12)
                    c.linkURL(sp.link, (x, base - sp.size * 0.2, x + sp.width, base + sp.size * 0.9), relative=0,
                              thickness=0)
                x += sp.width
        top += len(para.lines) * para.leading


def _table(c, t: Table, flip, colour, names) -> None:
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    data, style = [], [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                       ("LEFTPADDING", (0, 0), (-1, -1), t.padding), ("RIGHTPADDING", (0, 0), (-1, -1), t.padding),
                       ("TOPPADDING", (0, 0), (-1, -1), t.padding), ("BOTTOMPADDING", (0, 0), (-1, -1), t.padding),
                       ("LINEBELOW", (0, t.header_rows - 1), (-1, -1), 0.5, colour(t.rule_color))]
    for r, row in enumerate(t.rows):
        cells = []
        for col, cell in enumerate(row):
            if cell is None:
                cells.append("")
                continue
            cells.append("\n".join(cell.lines))
            at = (col, r)
            style += [("FONTNAME", at, at, names[cell.font]), ("FONTSIZE", at, at, cell.size),
                      ("LEADING", at, at, cell.size * t.leading), ("TEXTCOLOR", at, at, colour(cell.color)),
                      ("ALIGN", at, at, {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}[cell.align])]
            if cell.indent:
                style.append(("LEFTPADDING", at, at, t.padding + cell.indent))
            if cell.fill:
                end = (col + cell.colspan - 1, r)
                style.append(("BACKGROUND", at, end, colour(cell.fill)))
            if cell.colspan > 1:
                style.append(("SPAN", at, (col + cell.colspan - 1, r)))
        data.append(cells)
    table = RLTable(data, colWidths=list(t.col_widths), rowHeights=list(t.row_heights))
    table.setStyle(TableStyle(style))
    table.wrapOn(c, t.w, t.h)
    table.drawOn(c, t.x, flip.y(t.y, t.h))


def _place_charts(pdf_bytes: bytes, charts, date: str) -> bytes:
    """Place each chart PDF as a form XObject in its slot (pikepdf), keeping the build deterministic."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    for n, (index, x, y, w, h, data) in enumerate(charts, 1):
        src = pikepdf.open(io.BytesIO(data))
        chart_page = src.pages[0]
        box = [float(v) for v in chart_page.mediabox]
        form = pdf.copy_foreign(chart_page.as_form_xobject())
        page = pdf.pages[index]
        name = pikepdf.Name(f"/PDChart{n}")  # deterministic names keep rebuilds byte-identical
        page.add_resource(form, pikepdf.Name.XObject, name)
        sx, sy = w / (box[2] - box[0]), h / (box[3] - box[1])
        ops = f"q {sx:.6f} 0 0 {sy:.6f} {x - box[0] * sx:.4f} {y - box[1] * sy:.4f} cm {name} Do Q\n"
        page.contents_add(pikepdf.Stream(pdf, ops.encode()), prepend=False)
    stamp = "D:" + datetime.fromisoformat(date).replace(tzinfo=timezone.utc).strftime("%Y%m%d%H%M%SZ")
    pdf.docinfo["/CreationDate"] = stamp
    pdf.docinfo["/ModDate"] = stamp
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()
