"""review.pdf: each page or slide as built, with numbered markers over its review items, and the
numbered callouts beside and after it, on A4 landscape sheets (legible on A4, roomier on A3).

The page itself is the built PDF's page placed as a form XObject (vector, the very bytes a
printer gets; nothing is painted twice, so the review cannot show something the build did not).
A page too large to read at sheet size (a poster) also gets, in each callout, a zoomed picture
of the item's place, cut from the page picture the HTML uses: a raster, since a clipped vector
copy would still carry the whole page's text into every text extraction of the pack.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from posterdeck.review.items import TargetReview, shown_doc
from posterdeck.review.pack.common import (NEEDS_APPROVAL, STATUS, Callout, Pictures, callouts, needs_approval,
                                           ink, leader, on_page, page_title, place_markers, source_pdf, status_counts,
                                           status_of, whole_lines)

SHEET = (841.89, 595.28)  # A4 landscape, points
MARGIN = 28.0
FOOTER = 16.0
GAP = 18.0
TITLE_H = 40.0
FIGURE_SHARE = 0.6  # of the sheet's width, at most, for the page
ZOOM_BELOW = 0.35  # a page shown smaller than this gets a zoomed picture per callout
ZOOM = 0.45  # the zoomed pictures' scale (a poster's 20 pt body text reads at 9 pt)
CROP_MAX_H = 150.0
CROP_PAD = 36.0
SIZE = 8.5  # callout text, points
BADGE = 7.5  # the markers' numbers, points
BADGE_SMALL = 6.0  # on a page shown small (a poster), where markers would hide more of it


def write_pdf(review: TargetReview, docs: dict, files: dict[str, bytes], pictures: Pictures) -> bytes:
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate

    styles = _styles(docs)
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=SHEET, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=MARGIN, invariant=1, title=f"Review pack: {review.deck} {review.target}",
                          author="posterdeck", creator="posterdeck", lang=review.language or None)
    state = {"section": "", "slots": []}
    width, height = SHEET
    top, bottom = height - MARGIN, MARGIN + FOOTER

    def footer(canv, _doc):
        canv.saveState()
        canv.setFont(styles["regular"], 7.5)
        canv.setFillColor("#5b6472")
        canv.drawString(MARGIN, MARGIN, f"Review pack  {review.deck}  {review.target}")
        canv.drawRightString(width - MARGIN, MARGIN, f"sheet {canv.getPageNumber()}")
        if _doc.pageTemplate.id == "more" and state["section"]:
            canv.setFont(styles["bold"], 9)
            canv.setFillColor("#111827")
            canv.drawString(MARGIN, top - 9, f"{state['section']} (continued)")
        canv.restoreState()

    column = (width - 2 * MARGIN - GAP) / 2
    more_top = top - 20
    more = PageTemplate("more", [Frame(MARGIN + i * (column + GAP), bottom, column, more_top - bottom, 0, 0, 0, 0,
                                       id=f"more{i}") for i in range(2)], onPage=footer)
    cover = PageTemplate("cover", [Frame(MARGIN + i * (column + GAP), bottom, column, top - bottom, 0, 0, 0, 0,
                                         id=f"cover{i}") for i in range(2)], onPage=footer)
    templates = [cover]  # the sheets start with the summary
    numbered = callouts(review)
    story = _summary(review, numbered, docs, styles, state)
    for n, (page, mine) in enumerate(zip(review.pages, numbered)):
        doc_ = shown_doc(docs, page.output)
        model_page = doc_.pages[page.index] if doc_ is not None and page.index < len(doc_.pages) else None
        name = source_pdf(page.output, files)
        if model_page is not None and name in files:
            pw, ph = model_page.width, model_page.height
            scale = min(FIGURE_SHARE * (width - 2 * MARGIN) / pw, (top - bottom - TITLE_H) / ph)
        else:
            pw = ph = scale = 0.0
        left = max(pw * scale, (width - 2 * MARGIN - GAP) / 2)
        templates.append(PageTemplate(f"first{n}", [
            Frame(MARGIN, bottom, left, top - bottom, 0, 0, 0, 0, id=f"left{n}"),
            Frame(MARGIN + left + GAP, bottom, width - 2 * MARGIN - GAP - left, top - bottom, 0, 0, 0, 0, id=f"right{n}"),
        ], onPage=footer))
        title = page_title(page)
        from reportlab.platypus import PageBreak

        story.append(NextPageTemplate(f"first{n}"))
        story.append(PageBreak())
        story.append(_Section(title, state, f"s{n + 1}"))
        from reportlab.platypus import Paragraph

        story.append(Paragraph(escape(title), styles["title"]))
        story.append(NextPageTemplate("more"))
        if scale:
            from reportlab.platypus import Spacer

            story.append(_Figure(pw * scale, ph * scale, scale, (name, page.index), mine, state, styles,
                                 ink(model_page)))
            story.append(Spacer(1, 12))
        else:
            story.append(Paragraph("The page is not in this build's files.", styles["body"]))
        zoom = pictures if 0 < scale < ZOOM_BELOW else None
        if not mine:
            story.append(Paragraph("No review items on this page.", styles["body"]))
        for c in mine:
            story.extend(_callout(c, styles, zoom, model_page, bool(scale)))
    doc.addPageTemplates(templates + [more])
    doc.build(story)
    return _place_pages(buf.getvalue(), state["slots"], files, docs)


def _styles(docs: dict) -> dict:
    """The target's own fonts (they hold its language's letters) at callout sizes."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import registerFontFamily

    from posterdeck.fonts import register

    fonts = next(d.fonts for d in docs.values() if d is not None)
    regular = register(fonts["regular"])
    bold = register(fonts.get("bold") or fonts["regular"])
    registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
    body = ParagraphStyle("body", fontName=regular, fontSize=SIZE, leading=SIZE * 1.25, textColor="#111827")
    return {
        "regular": regular, "bold": bold, "body": body,
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=12, leading=15, spaceAfter=8),
        "head": ParagraphStyle("head", parent=body, fontName=bold, fontSize=9.5, leading=12),
        "row": ParagraphStyle("row", parent=body, leftIndent=24 + 60, firstLineIndent=-60),
        "shown": ParagraphStyle("shown", parent=body, leftIndent=24),
        "list": ParagraphStyle("list", parent=body, leftIndent=24, firstLineIndent=-24, spaceBefore=1.5),
    }


# ------------------------------------------------------------------------------------ flowables

def _flowable():
    from reportlab.platypus import Flowable

    return Flowable


class _Section(_flowable()):
    """Zero-size: names the section the following continuation sheets belong to, and is the
    target of its bookmark and of the summary's links (``key``)."""

    def __init__(self, title: str, state: dict, key: str):
        super().__init__()
        self.title, self.state, self.key = title, state, key

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.state["section"] = self.title
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=0)  # the viewer's bookmarks: one per page


def _badge(canv, x: float, y: float, number: int, colour: str, font: str, size: float = 0.0) -> float:
    """A numbered marker whose top-left corner is at (x, y); returns its width."""
    size = size or BADGE
    text = str(number)
    w = max(size * 1.9, len(text) * size * 0.7 + size * 0.55 * 1.9)
    h = size * 1.9
    canv.saveState()
    canv.setFillColor(colour)
    canv.setStrokeColor("#ffffff")
    canv.setLineWidth(0.8)
    canv.roundRect(x, y - h, w, h, h / 2, stroke=1, fill=1)
    canv.setFillColor("#ffffff")
    canv.setFont(font, size)
    canv.drawCentredString(x + w / 2, y - h / 2 - size * 0.35, text)
    canv.restoreState()
    return w


class _Figure(_flowable()):
    """The built page, placed whole at ``scale``, with a marker over each item's marks."""

    def __init__(self, w, h, scale, source, mine: list[Callout], state, styles, avoid=()):
        super().__init__()
        self.w, self.h, self.scale, self.source, self.mine, self.avoid = w, h, scale, source, mine, avoid
        self.state, self.styles = state, styles

    def wrap(self, aw, ah):
        return self.w, self.h

    def draw(self):
        canv, s = self.canv, self.scale
        slots = self.state["slots"]
        slots.append((canv.getPageNumber() - 1, len(slots) + 1, self.source))
        canv.addLiteral(f"q {s:.6f} 0 0 {s:.6f} 0 0 cm /RVPage{len(slots)} Do Q")
        canv.setStrokeColor("#9ca3af")
        canv.setLineWidth(0.5)
        canv.rect(0, 0, self.w, self.h, stroke=1, fill=0)
        size = BADGE if s >= ZOOM_BELOW else BADGE_SMALL  # on a poster: the crops show the detail
        where = place_markers(self.mine, self.w / s, self.h / s, size * 1.9 / s, size * 0.7 / s, self.avoid)
        for c in self.mine:
            colour = status_of(c.item)[1]
            for m in filter(None, (on_page(m, self.w / s, self.h / s) for m in c.item.marks)):
                canv.setStrokeColor(colour)
                canv.setLineWidth(1)
                canv.rect(m.x * s, self.h - (m.y + m.h) * s, m.w * s, m.h * s, stroke=1, fill=0)
            for k, m in enumerate(c.item.marks):
                x, y, _ = where[(c.number, k)]
                line = leader(where[(c.number, k)], size * 1.9 / s, on_page(m, self.w / s, self.h / s) or m)
                if line is not None:  # a thin line from the marker to its mark
                    canv.setStrokeColor(colour)
                    canv.setLineWidth(0.6)
                    canv.line(line[0] * s, self.h - line[1] * s, line[2] * s, self.h - line[3] * s)
                w = _badge(canv, x * s, self.h - y * s, c.number, colour, self.styles["bold"], size)
                # a click on the marker goes to its callout (and the callout's number comes back here)
                canv.linkRect("", f"c{c.number}", (x * s, self.h - y * s - size * 1.9, x * s + w, self.h - y * s),
                              relative=1, thickness=0)
                if k == 0:
                    canv.bookmarkHorizontal(f"m{c.number}", x * s - 20, self.h - y * s + 20)


class _Crop(_flowable()):
    """A zoomed picture of an item's place on a large page, its marks outlined."""

    def __init__(self, callout: Callout, pictures: Pictures, page):
        super().__init__()
        self.c, self.pictures, self.page = callout, pictures, page
        marks = [m for m in (on_page(m, page.width, page.height) for m in callout.item.marks) if m]
        x0 = min(m.x for m in marks) - CROP_PAD
        y0 = min(m.y for m in marks) - CROP_PAD
        x1 = max(m.x + m.w for m in marks) + CROP_PAD
        y1 = max(m.y + m.h for m in marks) + CROP_PAD
        self.region = [max(0.0, x0), max(0.0, y0), min(page.width, x1), min(page.height, y1)]

    def wrap(self, aw, ah):
        x0, y0, x1, y1 = self.region
        aw -= 24
        want = aw / ZOOM  # context on both sides, as wide as the column shows at ZOOM
        if x1 - x0 < want:
            mid = (x0 + x1) / 2
            x0, x1 = max(0.0, mid - want / 2), min(self.page.width, mid + want / 2)
        x0, y0, x1, y1 = whole_lines(self.page, self.c.item.marks, (x0, y0, x1, y1))
        self.box = (x0, y0, x1, y1)
        self.s = min(ZOOM, aw / (x1 - x0), CROP_MAX_H / (y1 - y0))
        self.w, self.h = (x1 - x0) * self.s, (y1 - y0) * self.s
        return self.w + 24, self.h + 6

    def draw(self):
        from reportlab.lib.utils import ImageReader

        c = self.c
        im = self.pictures.image(c.page.output, c.page.index)
        if im is None:
            return
        k = self.pictures.dpi[c.page.output] / 72.0
        x0, y0, x1, y1 = self.box
        cut = im.crop((round(x0 * k), round(y0 * k), round(x1 * k), round(y1 * k)))
        canv, s = self.canv, self.s
        canv.drawImage(ImageReader(cut), 24, 0, self.w, self.h)
        canv.setStrokeColor("#9ca3af")
        canv.setLineWidth(0.5)
        canv.rect(24, 0, self.w, self.h, stroke=1, fill=0)
        canv.setStrokeColor(status_of(c.item)[1])
        canv.setLineWidth(1.2)
        for m in filter(None, (on_page(m, self.page.width, self.page.height) for m in c.item.marks)):
            canv.rect(24 + (m.x - x0) * s, self.h - (m.y + m.h - y0) * s, m.w * s, m.h * s, stroke=1, fill=0)


class _Head(_flowable()):
    """A callout's first line: its numbered badge, then kind, label and status."""

    def __init__(self, callout: Callout, styles, linked: bool):
        from reportlab.platypus import Paragraph

        super().__init__()
        self.c, self.styles, self.linked = callout, styles, linked
        words, colour = status_of(callout.item)
        item = callout.item
        text = (f'{escape(item.kind)}: {escape(item.label)}  '
                f'<font color="{colour}">[{escape(words)}]</font>')
        self.para = Paragraph(text, styles["head"])

    def wrap(self, aw, ah):
        self.pw, self.ph = self.para.wrap(aw - 24, ah)
        return aw, max(self.ph, 15)

    def draw(self):
        top = max(self.ph, 15)
        self.canv.bookmarkHorizontal(f"c{self.c.number}", -10, top + 10)
        w = _badge(self.canv, 0, top - 0.5, self.c.number, status_of(self.c.item)[1], self.styles["bold"])
        if self.c.item.marks and self.linked:
            self.canv.linkRect("", f"m{self.c.number}", (0, top - 15, w, top), relative=1, thickness=0)
        self.para.drawOn(self.canv, 24, max(self.ph, 15) - self.ph)


def _row_style(name: str, styles):
    """A detail row whose wrapped lines hang under its value, not under its name."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth

    cache = styles.setdefault("_rows", {})
    if name not in cache:
        hang = stringWidth(name + " ", styles["regular"], SIZE)  # reportlab sets the en space as a word space
        cache[name] = ParagraphStyle(f"row-{name}", parent=styles["row"], leftIndent=24 + hang, firstLineIndent=-hang)
    return cache[name]


def _callout(c: Callout, styles, zoom: Pictures | None, page, linked: bool) -> list:
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    item = c.item
    parts = [_Head(c, styles, linked)]
    if item.shown and item.shown != item.label:
        parts.append(Paragraph(f"as shown: \u201c{escape(item.shown)}\u201d", styles["shown"]))
    rows = list(item.details)
    words, _ = status_of(item)
    rows.append(("status", words + (f" ({item.approved})" if item.approved else "")))
    if item.where and ("defined at", item.where) not in rows:  # said once
        rows.append(("where", item.where))
    if not item.marks:
        rows.append(("place", "not marked on the page"))
    for name, text in rows:
        parts.append(Paragraph(f'<font color="#5b6472">{escape(name)}</font>\u2002{escape(text)}', _row_style(name, styles)))
    if zoom is not None and page is not None and any(on_page(m, page.width, page.height) for m in item.marks):
        parts.append(Spacer(1, 3))
        parts.append(_Crop(c, zoom, page))
    parts.append(Spacer(1, 7))
    return [KeepTogether(parts)]


def _summary(review: TargetReview, numbered: list[list[Callout]], docs: dict, styles, state) -> list:
    """The first sheet: what the pack holds, the statuses' colours with their counts, every item
    that needs approval (linked to its callout) and the pages (linked to their sheets)."""
    from reportlab.platypus import Paragraph, Spacer

    counts = status_counts(numbered)
    total = sum(counts.values())
    date = next((d.date for d in docs.values() if d is not None), "")
    story = [_Section("Summary", state, "summary"),
             Paragraph(escape(f"Review pack: {review.deck} {review.target}"), styles["title"]),
             Paragraph(escape(f"Language {review.language}. {total} review item(s) on {len(review.pages)} page(s)"
                              + (f"; the documents are dated {date}." if date else ".")), styles["body"]),
             Paragraph("Each item has a number, the same on the page, in its callout and in review.html. "
                       "Status colours:", styles["body"]), Spacer(1, 3)]
    for status, (words, colour) in STATUS.items():
        if counts.get(status) or status in NEEDS_APPROVAL + ("approved",):
            story.append(Paragraph(f'<font color="{colour}"><b>{escape(words)}</b></font>: '
                                   f'{counts.get(status, 0)} item(s)', styles["shown"]))
    story.append(Spacer(1, 8))
    todo = needs_approval(numbered)
    story.append(Paragraph(f"Needs approval: {len(todo)} item(s)", styles["head"]))
    if not todo:
        story.append(Paragraph("None: no item is new or changed since its approval." if counts.get("approved")
                               else "No approvals are recorded for this target.", styles["body"]))
    for c in todo:
        words, colour = status_of(c.item)
        story.append(Paragraph(f'<a href="#c{c.number}"><b>{c.number}</b></a> {escape(c.item.kind)}: '
                               f'{escape(c.item.label)} <font color="{colour}">[{escape(words)}]</font>, '
                               f'{escape(page_title(c.page))}', styles["list"]))
    story.append(Spacer(1, 8))
    story.append(Paragraph("Pages", styles["head"]))
    for n, (page, mine) in enumerate(zip(review.pages, numbered)):
        span = f"items {mine[0].number}–{mine[-1].number}" if len(mine) > 1 else (
            f"item {mine[0].number}" if mine else "no items")
        story.append(Paragraph(f'<a href="#s{n + 1}">{escape(page_title(page))}</a>: {span}', styles["list"]))
    return story


# ------------------------------------------------------------------------------------ placing pages

def _place_pages(pdf_bytes: bytes, slots, files: dict[str, bytes], docs: dict) -> bytes:
    """Make each built page the form XObject /RVPage<n> its figure placed (pikepdf)."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    sources: dict[str, pikepdf.Pdf] = {}
    for sheet, n, (name, index) in slots:
        if name not in sources:
            sources[name] = pikepdf.open(io.BytesIO(files[name]))
        page = sources[name].pages[index]
        box = [float(v) for v in page.mediabox]
        form = pdf.copy_foreign(page.as_form_xobject())
        a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        form.Matrix = [a, b, c, d, e - box[0], f - box[1]]  # the page's lower-left corner at 0 0
        pdf.pages[sheet].add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/RVPage{n}"))
    date = next((d.date for d in docs.values() if d is not None), "2000-01-01")
    stamp = "D:" + datetime.fromisoformat(date).replace(tzinfo=timezone.utc).strftime("%Y%m%d%H%M%SZ")
    pdf.docinfo["/CreationDate"] = stamp
    pdf.docinfo["/ModDate"] = stamp
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()
