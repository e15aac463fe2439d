"""A 16:9 deck: an overview slide, one slide per section, a references slide.

Each slide: title at the top, footer at the bottom (measured from what the slide shows), the body
in between: text beside visuals, or visuals below the text where the layout asks for it.
"""
from __future__ import annotations

from posterdeck.compose.blocks import Ctx, Row, Stack, TextBlock, largest_scale, max_scale
from posterdeck.compose.images import PictureBlock
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
        pages.append(_place(layout, ctx, title, body, footer, name, pc, colours, layout.slides.grow))
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
    if not text_parts or section.id in below or any(getattr(v, "type", "") in below for v in section.visuals):
        # visuals with no text beside them take the full width rather than leave a column empty
        return Stack(text_parts + visuals + ([notes] if notes else []), gap=gap)
    right = Stack(visuals + ([notes] if notes else []), gap=gap)
    left = Stack(text_parts, gap=gap)
    share = layout.slides.text_share
    return Row([left, right], [share, 1 - share], gap=layout.page.gutter)


def body_scale(body, width: float, avail: float, ctx: Ctx, grow: float) -> float:
    """The body's type scale: the largest up to 1 at which it fits (styles shrink towards their
    min_size), and when it fits at full size, larger, up to ``grow``, as long as the visuals keep
    their preferred size: spare room goes to the type before it goes to the gaps, on slides with
    charts too."""
    scale = max_scale(body, width, avail, ctx, "the slide body")
    if scale < 1.0 or grow <= 1.0:
        return scale
    room = max(avail, body.pref_height(width, 1.0))

    def fits(s: float) -> bool:
        return body.min_height(width, s) <= avail + 0.01 and body.pref_height(width, s) <= room + 0.01

    return largest_scale(fits, 1.0, ceiling=grow) or 1.0


def _place(layout, ctx: Ctx, title: TextBlock, body, footer: TextBlock, name: str, pc: PageContent, colours,
           grow: float = 1.0) -> Page:
    pg = layout.page
    m = pg.margins
    width = pg.width - m.left - m.right
    page = Page(pg.width, pg.height, name, background="background")
    logo = _Logo(layout, pc, width)
    # title band: the title beside the logo when the layout puts the logo there
    t_w = width - logo.room("title")
    t_x = m.left + (logo.room("title") if logo.side("title") == "left" else 0.0)
    t_scale = max_scale(title, t_w, pg.height * 0.2, ctx, "the slide title")
    t_h = title.min_height(t_w, t_scale)
    band_h = m.top + max(t_h, logo.h if logo.side("title") else 0.0) + layout.panel_padding
    page.boxes.append(Rect(0, 0, pg.width, band_h, fill="primary", role="title-band"))
    page.boxes.extend(title.place(t_x, m.top * 0.8, t_w, t_h, t_scale))
    if logo.side("title"):
        page.boxes.extend(logo.place(m.left, (band_h - logo.h) / 2, "title"))
    # footer, measured from the page's content, beside the logo when the layout puts it there
    f_w = width - logo.room("footer")
    f_x = m.left + (logo.room("footer") if logo.side("footer") == "left" else 0.0)
    f_scale = max_scale(footer, f_w, pg.height * 0.3, ctx, "the slide footer")
    f_h = footer.min_height(f_w, f_scale)
    f_y = pg.height - m.bottom - max(f_h, logo.h if logo.side("footer") else 0.0)
    page.boxes.append(Rect(m.left, f_y - layout.panel_padding * 0.5, width, 0.75, fill="rule", role="footer-rule"))
    page.boxes.extend(footer.place(f_x, f_y, f_w, f_h, f_scale))
    if logo.side("footer"):
        page.boxes.extend(logo.place(m.left, f_y, "footer"))
    # body in between
    top = band_h + layout.panel_padding
    avail = f_y - layout.panel_padding - top
    if avail <= 0:
        raise LayoutError("title and footer leave no room for the body", Location(page=ctx.where),
                          hint="shorten the footnotes or split the slide")
    scale = body_scale(body, width, avail, ctx, grow)
    page.boxes.extend(body.place(m.left, top, width, avail, scale))
    page.sources = tuple(sorted(pc.marks.sources))
    return page


class _Logo:
    """The deck's logo where the layout's ``slides.logo`` puts it: its size, and the width it
    takes from the title or footer beside it (itself and a gutter). A height given as a share is
    a share of the slide's top margin plus the title's smallest line: the band it stands in."""

    def __init__(self, layout, pc: PageContent, width: float):
        self.spec, self.image = layout.slides.logo, pc.doc.logo
        self.w = self.h = 0.0
        self.gutter, self.content = layout.page.gutter, width
        if self.spec is None or self.image is None:
            self.spec = None
            return
        band = layout.page.margins.top + layout.styles["title"].size * layout.styles["title"].leading
        self.block = PictureBlock(self.image, pc.ctx, spec=self.spec, warnings=pc.doc.warnings)
        room = band if self.spec.height is not None else None
        self.w, self.h = self.block._size(width / 3, room)  # a logo never takes more than a third

    def side(self, place: str) -> str:
        return self.spec.align if self.spec is not None and self.spec.place == place else ""

    def room(self, place: str) -> float:
        return self.w + self.gutter if self.side(place) else 0.0

    def place(self, left: float, y: float, place: str) -> list:
        self.block.backdrop = "primary" if place == "title" else "background"
        x = left if self.side(place) == "left" else left + self.content - self.w
        return self.block.place(x, y, self.w, self.h, 1.0)
