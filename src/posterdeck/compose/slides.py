"""A 16:9 deck: an overview slide, one slide per section, a references slide.

Each slide: title at the top, footer at the bottom (measured from what the slide shows), the body
in between: text beside visuals, or visuals below the text where the layout asks for it.
"""
from __future__ import annotations

from posterdeck.compose.blocks import FLOOR, Ctx, Row, Stack, TextBlock, largest_scale, max_scale
from posterdeck.compose.images import PictureBlock
from posterdeck.compose.page import PageContent, word
from posterdeck.compose.tables import split_rows
from posterdeck.compose.text import Citations, PageMarks
from posterdeck.errors import LayoutError, Location
from posterdeck.pagemodel import Area, Page, Rect, SlideFrame, SlideMaster
from posterdeck.resolve.visuals import RTable



def compose_slides(doc, model, layout, fonts, colours, master: SlideMaster | None = None) -> list[Page]:
    """The slides; on a company template (``master.template``) each kind of slide is laid out in
    the rectangles of its template layout, ``master.frames[role]``."""
    citations = Citations()
    pages: list[Page] = []
    plan = [("overview", None)] + [("section", s) for s in doc.sections] + [("references", None)]
    on_template = master is not None and bool(master.template)
    place = dict(size=master.size if on_template else None)
    for i, (kind, section) in enumerate(plan, 1):
        frame = master.frames[kind] if on_template else None
        if kind == "section":
            pages.extend(_section_slides(doc, model, layout, fonts, colours, citations, section, len(pages) + 1,
                                         frame, place))
            continue
        name = f"slide {len(pages) + 1} ({kind})"
        ctx = Ctx(layout, fonts, f"{model.name}/{doc.target.tag}/deck.pptx {name}", colours, doc.target.language)
        pc = PageContent(doc, ctx, PageMarks(citations), model)
        # on a template the title takes the template's text colour, not the one made for posterdeck's band
        tcolor = "text" if frame is not None else ""
        if kind == "overview":
            title = pc.text(doc.title, "title", role="title", source="title", color=tcolor)
            body = _overview_body(pc, doc)
        else:
            title = pc.text([_t(word(doc, "references"))], "heading", role="title", color=tcolor)
            body = Stack([pc.reference_list(citations)])
        if i == len(plan):
            closing = pc.statements("closing")
            if closing:
                body = Stack([body, closing], gap=layout.styles["body"].size)
        footer = pc.footer()
        page = _place(layout, ctx, title, body, footer, name, pc, layout.slides.grow, frame=frame,
                      number=_number(pc, len(pages) + 1), **place)
        page.role = kind
        page.speaker_notes = _speaker_notes(doc.overview_speaker_notes if kind == "overview" else ())
        pages.append(page)
    return pages


def _number(pc: PageContent, n: int) -> TextBlock:
    return TextBlock([([_piece(str(n))], "footer", 0)], pc.ctx, "slide-number", align="right")


def _piece(text: str):
    from posterdeck.compose.text import Piece

    return Piece(text)


def _speaker_notes(notes) -> str:
    from posterdeck.resolve.markup import plain

    return "\n".join(plain(n) for n in notes)


def own_master(layout) -> SlideMaster:
    """posterdeck's own master when there is no company template: one frame for every kind of
    slide, made from the slide layout (the title in the top margin's band, the body below it,
    a footer line at the foot, in date / footer / number thirds). Slides place their own title and
    body as they always did; these rectangles are where a new slide's placeholders stand when a
    user adds one in PowerPoint."""
    pg, m = layout.page, layout.page.margins
    width = pg.width - m.left - m.right
    t = layout.styles["title"]
    title = Area(m.left, m.top * 0.8, width, t.size * t.leading * 2)
    foot = layout.styles["footer"].size * layout.styles["footer"].leading * 2
    top = title.y + title.h + 2 * layout.panel_padding
    body = Area(m.left, top, width, pg.height - m.bottom - foot - layout.panel_padding - top)
    # the footer line in thirds, as PowerPoint's own layouts have them: date, footer, slide number
    third, y = width / 3, pg.height - m.bottom - foot
    frame = SlideFrame(layout="Title and Content", title=title, body=body, footer=Area(m.left + third, y, third, foot),
                       date=Area(m.left, y, third, foot), number=Area(m.left + 2 * third, y, third, foot))
    return SlideMaster(frames={role: frame for role in ("overview", "section", "references")},
                       size=(pg.width, pg.height))


def _section_slides(doc, model, layout, fonts, colours, citations, section, number: int,
                    frame: SlideFrame | None = None, place: dict | None = None) -> list[Page]:
    """A section's slide; when its table does not fit even at the smallest type sizes, the
    table continues on as many slides as needed, each with the header rows repeated, a title
    saying "(continued)" and a footer of what that slide shows."""
    tables = [v for v in section.visuals if isinstance(v, RTable) and v.rows]
    split = max(tables, key=lambda t: len(t.rows)) if tables else None
    place = dict(place or {}, frame=frame)

    def slide(part: range | None, index: int = 0):
        cont = index > 0
        name = f"slide {number + index} ({section.id}{', continued' if cont else ''})"
        ctx = Ctx(layout, fonts, f"{model.name}/{doc.target.tag}/deck.pptx {name}", colours, doc.target.language)
        pc = PageContent(doc, ctx, PageMarks(citations), model)
        heading = tuple(section.headline or [_t(section.tab)])
        if cont:
            heading += (_t(" " + word(doc, "continued")),)
        title = pc.text(heading, "heading", role="title", color="text" if frame is not None else "",
                        source=f"sections.{section.id}.headline" if section.headline and not cont else "")
        if cont:
            body = pc.visual(split, part)
        else:
            body = _section_body(pc, section, layout, {split.id: part} if part is not None else {})
        return ctx, title, body, pc.footer(), pc, name

    def done(page: Page, index: int) -> Page:
        page.role = "section"
        page.speaker_notes = _speaker_notes(section.speaker_notes if index == 0 else ())
        return page

    def numbered(pc: PageContent, index: int) -> dict:
        return dict(place, number=_number(pc, number + index))

    grow = layout.slides.grow
    ctx, title, body, footer, pc, name = slide(None)
    width = frame.body.w if frame is not None else layout.page.width - layout.page.margins.left - layout.page.margins.right
    if split is None or body.min_height(width, FLOOR) <= _room(layout, ctx, title, footer, pc, frame) + 0.01:
        return [done(_place(layout, ctx, title, body, footer, name, pc, grow, **numbered(pc, 0)), 0)]

    def fits_at(scale: float):
        def fits(start: int, stop: int, first: bool) -> bool:
            _, t, b, f, p, _ = slide(range(start, stop), 0 if first else 1)
            return b.min_height(width, scale) <= _room(layout, ctx, t, f, p, frame) + 0.01
        return fits

    levels = [level for _, _, level in split.rows]
    parts = split_rows(levels, fits_at(FLOOR))
    if parts is None:  # not even one row fits beside the rest: the overflow error as before
        return [done(_place(layout, ctx, title, body, footer, name, pc, grow, **numbered(pc, 0)), 0)]
    # the fewest slides at the smallest sizes; then the largest type that keeps that many
    scale = largest_scale(lambda s: (p := split_rows(levels, fits_at(s))) is not None and len(p) <= len(parts),
                          FLOOR) or FLOOR
    parts = split_rows(levels, fits_at(scale))
    pages = []
    for index, part in enumerate(parts):
        ctx, title, body, footer, pc, name = slide(part, index)
        pages.append(done(_place(layout, ctx, title, body, footer, name, pc, scale=scale,
                                 **numbered(pc, index)), index))
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

def _frame(layout, ctx: Ctx, title: TextBlock, footer: TextBlock, logo: "_Logo", frame: SlideFrame | None = None) -> dict:
    """The title band and the footer of a slide, beside the logo where the layout puts it there,
    and the body's room between them: ``x``, ``width``, ``top`` and ``avail``. On a company
    template (``frame``), the title fills the layout's title placeholder (centred in its height),
    and the body and, at its foot, the footer share the body placeholder's rectangle."""
    if frame is not None:
        t, b = frame.title, frame.body
        f = {"t_x": t.x, "t_w": t.w, "f_x": b.x, "f_w": b.w, "x": b.x, "width": b.w}
        f["t_scale"] = max_scale(title, t.w, t.h, ctx, f"the title placeholder of layout {frame.layout!r}")
        f["t_h"] = title.min_height(t.w, f["t_scale"])
        f["t_y"] = t.y + (t.h - f["t_h"]) / 2
        f["f_scale"] = max_scale(footer, b.w, b.h * 0.4, ctx, "the slide footer")
        f["f_h"] = footer.min_height(b.w, f["f_scale"])
        f["f_y"] = b.y + b.h - f["f_h"]
        f["top"] = b.y
        f["avail"] = f["f_y"] - layout.panel_padding - b.y
        return f
    pg = layout.page
    m = pg.margins
    width = pg.width - m.left - m.right
    f = {"t_w": width - logo.room("title"), "f_w": width - logo.room("footer"), "x": m.left, "width": width}
    f["t_x"] = m.left + (logo.room("title") if logo.side("title") == "left" else 0.0)
    f["f_x"] = m.left + (logo.room("footer") if logo.side("footer") == "left" else 0.0)
    f["t_scale"] = max_scale(title, f["t_w"], pg.height * 0.2, ctx, "the slide title")
    f["t_h"] = title.min_height(f["t_w"], f["t_scale"])
    f["t_y"] = m.top * 0.8
    f["band_h"] = m.top + max(f["t_h"], logo.h if logo.side("title") else 0.0) + layout.panel_padding
    f["f_scale"] = max_scale(footer, f["f_w"], pg.height * 0.3, ctx, "the slide footer")
    f["f_h"] = footer.min_height(f["f_w"], f["f_scale"])
    f["f_y"] = pg.height - m.bottom - max(f["f_h"], logo.h if logo.side("footer") else 0.0)
    f["top"] = f["band_h"] + layout.panel_padding
    f["avail"] = f["f_y"] - layout.panel_padding - f["top"]
    return f


def _room(layout, ctx: Ctx, title: TextBlock, footer: TextBlock, pc: PageContent, frame: SlideFrame | None) -> float:
    width = layout.page.width - layout.page.margins.left - layout.page.margins.right
    return _frame(layout, ctx, title, footer, _Logo(layout, pc, width, frame), frame)["avail"]


def _place(layout, ctx: Ctx, title: TextBlock, body, footer: TextBlock, name: str, pc: PageContent,
           grow: float = 1.0, scale: float | None = None, frame: SlideFrame | None = None,
           size: tuple[float, float] | None = None, number: TextBlock | None = None) -> Page:
    """The slide: ``body`` at the largest type scale that fits (up to ``grow``), or at ``scale``.
    Its boxes in reading order: title, body (its notes last), footer; the bands and rules that
    only decorate come first. On a company template (``frame``) posterdeck draws no band or rule:
    the template's master decorates the slide, and ``number`` goes into its slide-number box."""
    pg = layout.page
    m = pg.margins
    width = pg.width - m.left - m.right
    w, h = size or (pg.width, pg.height)
    page = Page(w, h, name, background="" if frame is not None else "background")
    logo = _Logo(layout, pc, width, frame)
    f = _frame(layout, ctx, title, footer, logo, frame)
    f_y = f["f_y"]
    if frame is None:  # title band and footer rule: decoration, before the text in reading order
        page.boxes.append(Rect(0, 0, pg.width, f["band_h"], fill="primary", role="title-band"))
        page.boxes.append(Rect(m.left, f_y - layout.panel_padding * 0.5, width, 0.75, fill="rule", role="footer-rule"))
    # the title beside the logo when the layout puts the logo there
    page.boxes.extend(title.place(f["t_x"], f["t_y"], f["t_w"], f["t_h"], f["t_scale"]))
    if logo.side("title"):
        page.boxes.extend(logo.place(m.left, (f["band_h"] - logo.h) / 2, "title"))
    # body in between
    top, avail = f["top"], f["avail"]
    if avail <= 0:
        raise LayoutError("title and footer leave no room for the body", Location(page=ctx.where),
                          hint="shorten the footnotes or split the slide")
    if scale is None:
        scale = body_scale(body, f["width"], avail, ctx, grow)
    page.boxes.extend(body.place(f["x"], top, f["width"], avail, scale))
    # footer, measured from the page's content, beside the logo when the layout puts it there
    page.boxes.extend(footer.place(f["f_x"], f_y, f["f_w"], f["f_h"], f["f_scale"]))
    if logo.side("footer"):
        page.boxes.extend(logo.place(m.left, f_y, "footer"))
    if number is not None and frame is not None and frame.number is not None:
        n = frame.number
        n_scale = max_scale(number, n.w, n.h, ctx, f"the slide-number placeholder of layout {frame.layout!r}")
        n_h = number.min_height(n.w, n_scale)
        page.boxes.extend(number.place(n.x, n.y + (n.h - n_h) / 2, n.w, n_h, n_scale))
    page.sources = tuple(sorted(pc.marks.sources))
    return page


class _Logo:
    """The deck's logo where the layout's ``slides.logo`` puts it: its size, and the width it
    takes from the title or footer beside it (itself and a gutter). A height given as a share is
    a share of the slide's top margin plus the title's smallest line: the band it stands in."""

    def __init__(self, layout, pc: PageContent, width: float, frame: SlideFrame | None = None):
        self.spec, self.image = layout.slides.logo, pc.doc.logo
        self.w = self.h = 0.0
        self.gutter, self.content = layout.page.gutter, width
        if self.spec is None or self.image is None or frame is not None:  # a template brings its own
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
