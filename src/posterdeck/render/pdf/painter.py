"""Paint a page-model Document with reportlab. Charts are drawn by matplotlib into their own PDF
and placed as form XObjects by pikepdf (vector, text as text). Output is deterministic.
Finishing (print colours of charts and pictures, overprint, PDF/X keys, subset tags) is finish/'s,
run around the painter by api.pdf_file."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from posterdeck.charts.mpl import charts_pdf
from posterdeck.fonts import register
from posterdeck.pagemodel import Chart, Document, Image, Rect, Table, TextBox, line_origins
from posterdeck.render.pdf.tags import NoTags, Tagger

SUP_RISE = 0.36  # superscript baseline shift, as a share of the paragraph size
SUB_DROP = 0.12


class _Flip:
    """The one conversion: page-model top-left origin -> reportlab bottom-left origin."""

    def __init__(self, page_height: float):
        self.h = page_height

    def y(self, top: float, height: float = 0.0) -> float:
        return self.h - top - height


def chart_specs(doc: Document) -> list[tuple]:
    """What matplotlib draws for the charts of ``doc``, in page order: the items of charts_pdf().
    The same for both modes (charts are drawn in RGB; print converts them after)."""
    rgb = {k: v.rgb for k, v in doc.colours.items()}
    return [(box.chart, box.w, box.h, (box.font_size, box.label_size or box.font_size), rgb, doc.fonts["regular"], doc.fonts["bold"], box.plot)
            for page in doc.pages for box in page.boxes if isinstance(box, Chart)]


def render_pdf(doc: Document, mode: str = "screen", charts=None, pictures: dict | None = None,
               before_save=None) -> bytes:
    """Paint ``doc``. ``mode`` "print": CMYK from the theme, bleed and crop marks, no links,
    black text and rules set to overprint; "screen": RGB, trim size, links, tagged (PDF/UA-1).
    ``charts``: the charts already being drawn elsewhere (anything whose result() is the
    charts_pdf() of chart_specs(doc), in print already in CMYK); by default they are drawn here.
    ``pictures``: print only, (path, backdrop) -> the picture to paint for an Image box (PIL
    image, finish.pictures); a picture not in it is painted from its file. ``before_save(pdf)``:
    the caller's finishing of the painted pikepdf.Pdf, run before the one save (api.pdf_file
    gives the screen PDFs' subset tags so)."""
    from reportlab.pdfgen.canvas import Canvas

    printing = mode == "print"
    if printing and doc.print_spec is None:
        raise ValueError("a print PDF needs a layout with a print: section")
    names = {v: register(p) for v, p in doc.fonts.items()}
    paint = Paint(doc, printing, pictures or {})
    tags = paint.tags = NoTags() if printing else Tagger(doc)  # screen PDFs are tagged (PDF/UA-1)
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
    slots = []  # (page index, w, h) of each chart, placed as /PDChart<n> in the page's stream
    for index, page in enumerate(doc.pages):
        flip = _Flip(page.height)
        slug = page.print.slug if printing and page.print else 0.0
        c.setPageSize((page.width + 2 * slug, page.height + 2 * slug))
        c.saveState()
        paint.overprint = False
        c.translate(slug, slug)
        tags.page(c, index, page)
        if page.background and paint.has_ink(page.background):
            bleed = page.print.bleed if printing and page.print else 0.0
            c.setFillColor(paint.colour(page.background))
            c.rect(-bleed, -bleed, page.width + 2 * bleed, page.height + 2 * bleed, stroke=0, fill=1)
        for box in page.boxes:
            tags.box(c, box)
            if isinstance(box, Rect):
                _rect(c, box, flip, paint)
            elif isinstance(box, TextBox):
                _text(c, box, flip, paint, names)
            elif isinstance(box, Table):
                _table(c, box, flip, paint, names)
            elif isinstance(box, Image):
                c.drawImage(paint.image(box.path, box.backdrop), box.x, flip.y(box.y, box.h), box.w, box.h,
                            mask=None if printing else "auto")  # screen: PNG transparency kept
            elif isinstance(box, Chart):
                # placed here, in reading order; the form itself is added after painting
                slots.append((index, box.w, box.h))
                tags.chart(c, box, box.x + slug, flip.y(box.y, box.h) + slug)
                c.addLiteral(f"q 1 0 0 1 {box.x:.4f} {flip.y(box.y, box.h):.4f} cm /PDChart{len(slots)} Do Q")
        tags.page_end(c)
        if printing and page.print and page.print.marks:
            _marks(c, page, flip)
        c.restoreState()
        c.showPage()
    c.save()
    drawn = b""
    if slots:
        # all charts in one file: fonts subset once
        drawn = charts.result() if charts is not None else charts_pdf(chart_specs(doc))
    structure = None  # screen: the structure tree the tagger recorded, written with the charts
    if isinstance(tags, Tagger):
        from functools import partial

        from posterdeck.render.pdf.structure import write_structure

        structure = partial(write_structure, doc=doc, root=tags.root)
    return _place_charts(buf.getvalue(), slots, drawn, doc.date, structure, before_save)


class Paint:
    """Colours and pictures for one mode: RGB for screens, the theme's exact CMYK for print."""

    def __init__(self, doc: Document, printing: bool, pictures: dict):
        self.doc, self.printing, self.pictures = doc, printing, pictures
        self.overprint = False
        self.tags = NoTags()

    def colour(self, name: str):
        from reportlab.lib.colors import CMYKColor, HexColor

        c = self.doc.colours[name]
        if self.printing:
            return CMYKColor(*(v / 100 for v in c.cmyk))
        return HexColor(c.rgb)

    def has_ink(self, name: str) -> bool:
        c = self.doc.colours[name]
        return any(c.cmyk) if self.printing else c.rgb.upper() != "#FFFFFF"

    def black_only(self, name: str) -> bool:
        return self.printing and tuple(self.doc.colours[name].cmyk) == (0, 0, 0, 100)

    def set_overprint(self, c, on: bool) -> None:
        """Black text and rules overprint in print (no white gaps from misregistration)."""
        if self.printing and on != self.overprint:
            c.setFillOverprint(on)
            c.setStrokeOverprint(on)
            c.setOverprintMask(1 if on else 0)
            self.overprint = on

    def image(self, path: str, backdrop: str = ""):
        """The picture as painted: its file on screen; in print the one finishing made (CMYK,
        flattened onto its backdrop)."""
        picture = self.pictures.get((path, backdrop)) if self.printing else None
        if picture is None:
            return path
        from reportlab.lib.utils import ImageReader

        return ImageReader(picture)


def _marks(c, page, flip) -> None:
    """Crop marks in registration colour (all inks), outside the bleed."""
    from reportlab.lib.colors import CMYKColorSep

    c.setStrokeColor(CMYKColorSep(1, 1, 1, 1, spotName="All"))
    c.setLineWidth(page.print.mark_width)
    for x1, y1, x2, y2 in page.print.marks:
        c.line(x1, flip.y(y1), x2, flip.y(y2))


def _rect(c, box: Rect, flip, paint) -> None:
    colour = paint.colour
    paint.set_overprint(c, bool(box.fill) and paint.black_only(box.fill))
    if box.fill:
        c.setFillColor(colour(box.fill))
    if box.stroke:
        c.setStrokeColor(colour(box.stroke))
        c.setLineWidth(box.stroke_width)
    c.rect(box.x, flip.y(box.y, box.h), box.w, box.h, stroke=1 if box.stroke else 0, fill=1 if box.fill else 0)


def _text(c, box: TextBox, flip, paint, names) -> None:
    colour = paint.colour
    if box.fill:
        paint.set_overprint(c, False)
        c.setFillColor(colour(box.fill))
        c.rect(box.x, flip.y(box.y, box.h), box.w, box.h, stroke=0, fill=1)
    lines: dict[int, list] = {}
    for o in line_origins(box):
        lines.setdefault(o.index, []).append(o)
    for i, para in enumerate(box.paragraphs):
        paint.tags.paragraph(para, i)  # every paragraph, an empty one too
        for o in lines.get(i, ()):
            line, left, base = o.line, o.x, flip.y(o.baseline)
            if para.bullet and line is para.lines[0] and line.spans:
                s0 = line.spans[0]
                c.setFont(names["regular"], para.size)
                c.setFillColor(colour(s0.color))
                paint.tags.mark(c, "label")
                c.drawString(left - para.hang, base, para.bullet)
            x = left
            for sp in line.spans:
                rise = para.size * SUP_RISE if sp.script == "sup" else -para.size * SUB_DROP if sp.script == "sub" else 0
                c.setFont(names[sp.font], sp.size)
                paint.set_overprint(c, paint.black_only(sp.color))
                c.setFillColor(colour(sp.color))
                paint.tags.mark(c, sp)
                c.drawString(x, base + rise, sp.text)
                if sp.link and not paint.printing:  # print PDFs carry no annotations or actions
                    c.setStrokeColor(colour(sp.color))
                    c.setLineWidth(sp.size * 0.05)
                    c.line(x, base - sp.size * 0.12, x + sp.width, base - sp.size * 0.12)
                    c.linkURL(sp.link, (x, base - sp.size * 0.2, x + sp.width, base + sp.size * 0.9), relative=0,
                              thickness=0)
                x += sp.width


def _table(c, t: Table, flip, paint, names) -> None:
    colour = paint.colour
    paint.set_overprint(c, False)
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
    table = RLTable(data, colWidths=list(t.col_widths), rowHeights=list(t.row_heights),
                    renderCB=paint.tags.table_events)  # screen: TR, TH and TD marked
    table.setStyle(TableStyle(style))
    table.wrapOn(c, t.w, t.h)
    table.drawOn(c, t.x, flip.y(t.y, t.h))


def _place_charts(pdf_bytes: bytes, slots, drawn: bytes, date: str, structure=None, before_save=None) -> bytes:
    """Make page i of the charts PDF the form XObject /PDChart<i> that the painter placed in slot
    i (pikepdf), scaled to the slot by its Matrix, with deterministic names so that rebuilds
    stay byte-identical. ``structure(pdf)``: adds the structure tree of a tagged PDF."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    src = pikepdf.open(io.BytesIO(drawn)) if drawn else None
    for n, (index, w, h) in enumerate(slots, 1):
        chart_page = src.pages[n - 1]
        box = [float(v) for v in chart_page.mediabox]
        form = pdf.copy_foreign(chart_page.as_form_xobject())
        sx, sy = w / (box[2] - box[0]), h / (box[3] - box[1])
        a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        # the form's own matrix, then the chart's box onto the slot (its lower-left corner at 0 0)
        form.Matrix = [round(v, 6) for v in (a * sx, b * sy, c * sx, d * sy, (e - box[0]) * sx, (f - box[1]) * sy)]
        pdf.pages[index].add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/PDChart{n}"))
    stamp = "D:" + datetime.fromisoformat(date).replace(tzinfo=timezone.utc).strftime("%Y%m%d%H%M%SZ")
    pdf.docinfo["/CreationDate"] = stamp
    pdf.docinfo["/ModDate"] = stamp
    if before_save is not None:
        before_save(pdf)
    if structure is not None:
        structure(pdf)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve,
             min_version="1.7" if structure is not None else "")  # tagged: PDF/UA-1 builds on PDF 1.7
    return out.getvalue()
