"""A 16:9 deck: an overview slide, one slide per section, a references slide.

Each slide: title at the top, footer at the bottom (measured from what the slide shows), the body
in between: text beside visuals, or visuals below the text where the layout asks for it.
"""
from __future__ import annotations

from posterdeck.compose.blocks import Ctx, Row, Stack, TextBlock, max_scale
from posterdeck.compose.page import PageContent, word
from posterdeck.compose.text import Citations, PageMarks
from posterdeck.errors import LayoutError, Location
from posterdeck.pagemodel import Page, Rect


def compose_slides(doc, model, layout, fonts, colours) -> list[Page]:
    citations = Citations()
    pages: list[Page] = []
    plan = [("overview", None)] + [("section", s) for s in doc.sections] + [("references", None)]
    for i, (kind, section) in enumerate(plan, 1):
        name = f"slide {i}" + (f" ({section.id})" if section else f" ({kind})")
        ctx = Ctx(layout, fonts, f"{model.name}/{doc.target.tag}/deck.pptx {name}", colours, doc.target.language)
        pc = PageContent(doc, ctx, PageMarks(citations), model)
        last = i == len(plan)
        if kind == "overview":
            title = pc.text(doc.title, "title", role="title", source="title")
            body = _overview_body(pc, doc)
        elif kind == "section":
            title = pc.text(section.headline or [_t(section.tab)], "heading", role="title",
                            source=f"sections.{section.id}.headline" if section.headline else "")
            body = _section_body(pc, section, layout)
        else:
            title = pc.text([_t(word(doc, "references"))], "heading", role="title")
            body = Stack([pc.reference_list(citations)])
        if last:
            closing = pc.statements("closing")
            if closing:
                body = Stack([body, closing], gap=layout.styles["body"].size)
        footer = pc.footer()
        # text-only slides may grow their type into the room; a slide with charts keeps it for them
        grow = layout.slides.grow if kind == "references" or (section is not None and not section.visuals) else 1.0
        pages.append(_place(layout, ctx, title, body, footer, name, pc, colours, grow))
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


def _section_body(pc: PageContent, section, layout):
    gap = layout.styles["body"].size
    text_parts = []
    if section.summary:
        text_parts.append(pc.callout(section))
    elif section.highlights:
        text_parts.append(pc.callout(section))
    if section.body:
        text_parts.append(pc.paras(section.body))
    visuals = [pc.visual(v) for v in section.visuals]
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


def _place(layout, ctx: Ctx, title: TextBlock, body, footer: TextBlock, name: str, pc: PageContent, colours,
           grow: float = 1.0) -> Page:
    pg = layout.page
    m = pg.margins
    width = pg.width - m.left - m.right
    page = Page(pg.width, pg.height, name, background="background")
    # title band
    t_h = title.min_height(width, 1.0)
    t_scale = max_scale(title, width, pg.height * 0.2, ctx, "the slide title")
    t_h = title.min_height(width, t_scale)
    band_h = m.top + t_h + layout.panel_padding
    page.boxes.append(Rect(0, 0, pg.width, band_h, fill="primary", role="title-band"))
    page.boxes.extend(title.place(m.left, m.top * 0.8, width, t_h, t_scale))
    # footer, measured from the page's content
    f_scale = max_scale(footer, width, pg.height * 0.3, ctx, "the slide footer")
    f_h = footer.min_height(width, f_scale)
    f_y = pg.height - m.bottom - f_h
    page.boxes.append(Rect(m.left, f_y - layout.panel_padding * 0.5, width, 0.75, fill="rule", role="footer-rule"))
    page.boxes.extend(footer.place(m.left, f_y, width, f_h, f_scale))
    # body in between
    top = band_h + layout.panel_padding
    avail = f_y - layout.panel_padding - top
    if avail <= 0:
        raise LayoutError("title and footer leave no room for the body", Location(page=ctx.where),
                          hint="shorten the footnotes or split the slide")
    scale = max_scale(body, width, avail, ctx, "the slide body", ceiling=grow)
    page.boxes.extend(body.place(m.left, top, width, avail, scale))
    page.sources = tuple(sorted(pc.marks.sources))
    return page
