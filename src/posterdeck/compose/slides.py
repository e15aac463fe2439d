"""A 16:9 deck: an overview slide, one slide per section, a references slide.

Each slide: title at the top, footer at the bottom (measured from what the slide shows), the body
in between: text beside visuals, or visuals below the text where the layout asks for it.
"""
from __future__ import annotations

from posterdeck.compose.blocks import Ctx, Row, Stack, TextBlock, largest_scale, max_scale
from posterdeck.compose.page import PageContent, word
from posterdeck.compose.tables import split_rows
from posterdeck.compose.text import Citations, PageMarks
from posterdeck.errors import LayoutError, Location
from posterdeck.pagemodel import Page, Rect
from posterdeck.resolve.visuals import RTable

FLOOR = 0.3  # the type scale at which every style is at its min_size (max_scale's floor)


def compose_slides(doc, model, layout, fonts, colours) -> list[Page]:
    citations = Citations()
    pages: list[Page] = []
    plan = [("overview", None)] + [("section", s) for s in doc.sections] + [("references", None)]
    for i, (kind, section) in enumerate(plan, 1):
        if kind == "section":
            pages.extend(_section_slides(doc, model, layout, fonts, colours, citations, section, len(pages) + 1))
            continue
        name = f"slide {len(pages) + 1} ({kind})"
        ctx = Ctx(layout, fonts, f"{model.name}/{doc.target.tag}/deck.pptx {name}", colours, doc.target.language)
        pc = PageContent(doc, ctx, PageMarks(citations), model)
        if kind == "overview":
            title = pc.text(doc.title, "title", role="title")
            body = _overview_body(pc, doc)
        else:
            title = pc.text([_t(word(doc, "references"))], "heading", role="title")
            body = Stack([pc.reference_list(citations)])
        if i == len(plan):
            closing = pc.statements("closing")
            if closing:
                body = Stack([body, closing], gap=layout.styles["body"].size)
        footer = pc.footer()
        # text-only slides may grow their type into the room; a slide with charts keeps it for them
        grow = layout.slides.grow if kind == "references" else 1.0
        pages.append(_place(layout, ctx, title, body, footer, name, pc, colours, grow))
    return pages


def _section_slides(doc, model, layout, fonts, colours, citations, section, number: int) -> list[Page]:
    """A section's slide; when its table does not fit even at the smallest type sizes, the
    table continues on as many slides as needed, each with the header rows repeated, a title
    saying "(continued)" and a footer of what that slide shows."""
    tables = [v for v in section.visuals if isinstance(v, RTable) and v.rows]
    split = max(tables, key=lambda t: len(t.rows)) if tables else None

    def slide(part: range | None, index: int = 0):
        cont = index > 0
        name = f"slide {number + index} ({section.id}{', continued' if cont else ''})"
        ctx = Ctx(layout, fonts, f"{model.name}/{doc.target.tag}/deck.pptx {name}", colours, doc.target.language)
        pc = PageContent(doc, ctx, PageMarks(citations), model)
        heading = tuple(section.headline or [_t(section.tab)])
        if cont:
            heading += (_t(" " + word(doc, "continued")),)
        title = pc.text(heading, "heading", role="title")
        if cont:
            body = pc.visual(split, part)
        else:
            body = _section_body(pc, section, layout, {split.id: part} if part is not None else {})
        return ctx, title, body, pc.footer(), pc, name

    grow = layout.slides.grow if not section.visuals else 1.0
    ctx, title, body, footer, pc, name = slide(None)
    width = layout.page.width - layout.page.margins.left - layout.page.margins.right
    if split is None or body.min_height(width, FLOOR) <= _room(layout, ctx, title, footer) + 0.01:
        return [_place(layout, ctx, title, body, footer, name, pc, colours, grow)]

    def fits_at(scale: float):
        def fits(start: int, stop: int, first: bool) -> bool:
            _, t, b, f, _, _ = slide(range(start, stop), 0 if first else 1)
            return b.min_height(width, scale) <= _room(layout, ctx, t, f) + 0.01
        return fits

    levels = [level for _, _, level in split.rows]
    parts = split_rows(levels, fits_at(FLOOR))
    if parts is None:  # not even one row fits beside the rest: the overflow error as before
        return [_place(layout, ctx, title, body, footer, name, pc, colours, grow)]
    # the fewest slides at the smallest sizes; then the largest type that keeps that many
    scale = largest_scale(lambda s: (p := split_rows(levels, fits_at(s))) is not None and len(p) <= len(parts),
                          FLOOR) or FLOOR
    parts = split_rows(levels, fits_at(scale))
    pages = []
    for index, part in enumerate(parts):
        ctx, title, body, footer, pc, name = slide(part, index)
        pages.append(_place(layout, ctx, title, body, footer, name, pc, colours, scale=scale))
    return pages


def _t(text: str):
    from posterdeck.resolve.markup import Text

    return Text(text)


def _overview_body(pc: PageContent, doc):
    layout = pc.ctx.layout
    parts = []
    st = pc.statements("overview")
    if st:
        parts.append(st)
    callouts = [pc.callout(s) for s in doc.sections if s.summary]
    if callouts:
        parts.append(Row(callouts, [1] * len(callouts), gap=layout.page.gutter))
    parts.extend(pc.overview())
    return Stack(parts, gap=layout.styles["body"].size)


def _section_body(pc: PageContent, section, layout, parts: dict | None = None):
    """``parts``: table id -> the rows of it this slide shows (none: the table is not shown)."""
    gap = layout.styles["body"].size
    parts = parts or {}
    text_parts = []
    if section.summary:
        text_parts.append(pc.callout(section))
    elif section.highlights:
        text_parts.append(pc.callout(section))
    if section.body:
        text_parts.append(pc.paras(section.body))
    visuals = [pc.visual(v, parts.get(getattr(v, "id", None))) for v in section.visuals
               if parts.get(getattr(v, "id", None), True)]
    notes = pc.notes(section.notes) if section.notes else None
    if not visuals:
        return Stack(text_parts + ([notes] if notes else []), gap=gap)
    below = layout.slides.visuals_below
    if section.id in below or any(getattr(v, "type", "") in below for v in section.visuals):
        return Stack(text_parts + visuals + ([notes] if notes else []), gap=gap)
    right = Stack(visuals + ([notes] if notes else []), gap=gap)
    left = Stack(text_parts, gap=gap)
    share = layout.slides.text_share
    return Row([left, right], [share, 1 - share], gap=layout.page.gutter)


def _frame(layout, ctx: Ctx, title: TextBlock, footer: TextBlock):
    """The title band and the footer of a slide: (title scale and height, footer scale and
    height, top and height of the body between them)."""
    pg = layout.page
    m = pg.margins
    width = pg.width - m.left - m.right
    t_scale = max_scale(title, width, pg.height * 0.2, ctx, "the slide title")
    t_h = title.min_height(width, t_scale)
    f_scale = max_scale(footer, width, pg.height * 0.3, ctx, "the slide footer")
    f_h = footer.min_height(width, f_scale)
    top = m.top + t_h + layout.panel_padding + layout.panel_padding
    bottom = pg.height - m.bottom - f_h - layout.panel_padding
    return t_scale, t_h, f_scale, f_h, top, bottom - top


def _room(layout, ctx: Ctx, title: TextBlock, footer: TextBlock) -> float:
    return _frame(layout, ctx, title, footer)[5]


def _place(layout, ctx: Ctx, title: TextBlock, body, footer: TextBlock, name: str, pc: PageContent, colours,
           grow: float = 1.0, scale: float | None = None) -> Page:
    """The slide: ``body`` at the largest type scale that fits (up to ``grow``), or at ``scale``."""
    pg = layout.page
    m = pg.margins
    width = pg.width - m.left - m.right
    page = Page(pg.width, pg.height, name, background="background")
    t_scale, t_h, f_scale, f_h, top, avail = _frame(layout, ctx, title, footer)
    # title band
    band_h = m.top + t_h + layout.panel_padding
    page.boxes.append(Rect(0, 0, pg.width, band_h, fill="primary", role="title-band"))
    page.boxes.extend(title.place(m.left, m.top * 0.8, width, t_h, t_scale))
    # footer, measured from the page's content
    f_y = pg.height - m.bottom - f_h
    page.boxes.append(Rect(m.left, f_y - layout.panel_padding * 0.5, width, 0.75, fill="rule", role="footer-rule"))
    page.boxes.extend(footer.place(m.left, f_y, width, f_h, f_scale))
    # body in between
    if avail <= 0:
        raise LayoutError("title and footer leave no room for the body", Location(page=ctx.where),
                          hint="shorten the footnotes or split the slide")
    if scale is None:
        scale = max_scale(body, width, avail, ctx, "the slide body", ceiling=grow)
    page.boxes.extend(body.place(m.left, top, width, avail, scale))
    page.sources = tuple(sorted(pc.marks.sources))
    return page
