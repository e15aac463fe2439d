"""A poster: one page of horizontal bands, each band a row of columns, each column a stack of
panels. One type scale for the whole poster: the largest at which every column fits."""
from __future__ import annotations

from posterdeck.compose.blocks import Ctx, Row, Stack, largest_scale
from posterdeck.compose.page import PageContent, word
from posterdeck.compose.text import Citations, PageMarks
from posterdeck.errors import LayoutError, Location
from posterdeck.pagemodel import Page, Rect
from posterdeck.resolve.markup import Text, plain


def compose_poster(doc, model, layout, fonts, colours) -> list[Page]:
    ctx = Ctx(layout, fonts, f"{model.name}/{doc.target.tag}/poster.pdf", colours, doc.target.language)
    citations = Citations()
    pc = PageContent(doc, ctx, PageMarks(citations), model)
    sections = {s.id: s for s in doc.sections}
    placed: set[str] = set()
    bands = []
    footer_band = None
    for band in layout.bands:
        cols = []
        for col in band.columns:
            panels = []
            for ref in col.panels:
                if ref == "footer":
                    footer_band = band
                    continue
                panel = _panel(ref, pc, doc, sections, placed, layout, citations)
                if panel is not None:
                    panels.append(panel)
            cols.append(Stack(panels, gap=layout.page.gutter))
        bands.append((band, cols))
    missing = [s.id for s in doc.sections if s.id not in placed]
    if missing:
        raise LayoutError(f"sections {missing} are not placed on the poster layout", Location(page=ctx.where),
                          hint="add 'section:ID' panels for them to a band of the poster layout")
    for lazy in pc.lazy:
        lazy.block()  # number the reference list before the footer scans the page
    footer = pc.footer(placements=("footer",), with_references=False)
    bands = [(b, [footer] if b is footer_band else cols) for b, cols in bands]
    page = _arrange(bands, layout, ctx, doc)
    if layout.print is not None:
        from posterdeck.compose.bleed import apply_print

        apply_print(page, layout.print)
    page.sources = tuple(sorted(pc.marks.sources))
    return [page]


def _panel(ref: str, pc: PageContent, doc, sections, placed, layout, citations):
    kind, _, arg = ref.partition(":")
    gap = layout.styles["body"].size * 0.8
    pad = layout.panel_padding
    if kind == "title":
        parts = [pc.text(doc.title, "title", role="title", source="title")]
        if doc.subtitle:
            parts.append(pc.text(doc.subtitle, "subtitle" if "subtitle" in layout.styles else "summary", role="subtitle"))
        if doc.congress:
            parts.append(pc.text(doc.congress, "summary", role="congress", color="on_primary"))
        return Stack(parts, gap=gap)
    if kind == "statements":
        return pc.statements(arg)
    if kind == "callouts":
        boxes = [pc.callout(s) for s in doc.sections if s.summary]
        return Row(boxes, [1] * len(boxes), gap=layout.page.gutter) if boxes else None
    if kind == "overview":
        parts = pc.overview()
        return Stack(parts, gap=gap) if parts else None
    if kind == "section":
        if arg not in sections:
            raise LayoutError(f"the poster layout places section {arg!r}, which the content does not have",
                              Location(page=pc.ctx.where), hint=f"sections: {', '.join(sections)}")
        placed.add(arg)
        s = sections[arg]
        heading = pc.text([Text(s.tab)], "panel_heading", role="heading", fill="primary",
                          padding=layout.styles["panel_heading"].size * 0.4, name=f"heading:{s.id}")
        same = plain(s.headline).strip().lower() == s.tab.strip().lower()
        parts = [pc.text(s.headline, "heading", role="headline")] if s.headline and not same else []
        if s.highlights and not s.summary:  # summaries and their figures stand in the key-messages band
            parts.append(pc.callout(s))
        if s.body:
            parts.append(pc.paras(s.body))
        parts.extend(pc.visual(v) for v in s.visuals)
        if s.notes:
            parts.append(pc.notes(s.notes))
        return Stack([heading, Stack(parts, gap=gap, padding=pad)], fill="panel", name=f"panel:{s.id}", stretch=True)
    if kind == "references":
        heading = pc.text([Text(word(doc, "references"))], "panel_heading", role="heading",
                          fill="primary", padding=layout.styles["panel_heading"].size * 0.4)
        refs = _LazyReferences(pc, citations)
        pc.lazy.append(refs)
        return Stack([heading, Stack([refs], padding=pad)], fill="panel",
                     name="panel:references", stretch=True)
    raise LayoutError(f"unknown panel {ref!r} in the poster layout", Location(page=pc.ctx.where),
                      hint="panels: title, statements:overview, statements:closing, callouts, overview, "
                           "section:ID, references, footer")


class _LazyReferences:
    """The reference list, built when first measured: after every citation of the page is numbered."""

    def __init__(self, pc, citations):
        self.pc, self.citations, self._block = pc, citations, None

    def block(self):
        if self._block is None:
            self._block = self.pc.reference_list(self.citations)
        return self._block

    def min_height(self, w, s):
        return self.block().min_height(w, s)

    pref_height = min_height

    def place(self, x, y, w, h, s):
        return self.block().place(x, y, w, h, s)

    def text(self):
        return self.block().text()


def _arrange(bands, layout, ctx: Ctx, doc) -> Page:
    pg = layout.page
    m = pg.margins
    width = pg.width - m.left - m.right
    avail = pg.height - m.top - m.bottom
    gutter = pg.gutter

    def shares(band):
        return [c.width for c in band.columns]

    def row(band, cols):
        if len(cols) == 1:
            return cols[0]
        return Row(cols, shares(band), gap=gutter)

    rows = [(band, row(band, cols)) for band, cols in bands]
    fill = [r for r in rows if r[0].height == "fill"]
    if len(fill) != 1:
        raise LayoutError("a poster layout needs exactly one band with height: fill", Location(page=ctx.where))
    from posterdeck.schema.layout import to_points

    def fixed_h(band, blk, s):
        if band.height == "auto":
            return blk.pref_height(width, s)
        if band.height == "fill":
            return 0.0
        return to_points(band.height)

    def fits(s):
        used = sum(fixed_h(b, blk, s) for b, blk in rows) + gutter * (len(rows) - 1)
        return fill[0][1].min_height(width, s) <= avail - used + 0.01

    scale = largest_scale(fits, 0.3)
    if scale is None:
        used = sum(fixed_h(b, blk, 0.3) for b, blk in rows) + gutter * (len(rows) - 1)
        raise LayoutError(_overflow(fill[0][1], width, avail - used), Location(page=ctx.where),
                          hint="shorten the text, lower min_size in the layout, or move a panel to another column")
    page = Page(pg.width, pg.height, "poster", background="background")
    used = sum(fixed_h(b, blk, scale) for b, blk in rows) + gutter * (len(rows) - 1)
    y = m.top
    for band, blk in rows:
        h = avail - used if band.height == "fill" else fixed_h(band, blk, scale)
        if band.background:
            top = 0.0 if y == m.top else y - gutter / 2
            bottom = pg.height if band is rows[-1][0] else y + h + gutter / 2
            page.boxes.append(Rect(0, top, pg.width, bottom - top, fill=band.background, role=f"band:{band.name}"))
        page.boxes.extend(blk.place(m.left, y, width, h, scale))
        y += h + gutter
    return page


def _overflow(block, width: float, room: float) -> str:
    """Name the column that does not fit, its panels and the start of its text."""
    columns = list(zip(block.children, block._widths(width))) if isinstance(block, Row) else [(block, width)]
    for col, w in columns:
        need = col.min_height(w, 0.3)
        if need > room:
            panels = [c.name for c in getattr(col, "children", []) if getattr(c, "name", "")]
            return (f"the poster column holding {', '.join(panels) or 'its panels'} overflows by "
                    f"{(need - room) / 2.835:.0f} mm at the smallest type sizes; its text begins "
                    f"{col.text()[:80]!r}")
    return "the poster content overflows at the smallest type sizes"
