"""A poster: one page of horizontal bands, each band a row of columns, each column a stack of
panels. One type scale for the whole poster: the largest at which every column fits. The
sections flow into the layout's flow panels in content order (loading.slots plans which go
where), split so that the columns balance."""
from __future__ import annotations

import math
from dataclasses import dataclass

from posterdeck.compose.balance import column_use, imbalance_warning, rebalance
from posterdeck.compose.blocks import FLOOR, Ctx, Row, Stack, largest_scale
from posterdeck.compose.images import PictureBlock
from posterdeck.compose.page import PageContent, word
from posterdeck.compose.text import Citations, PageMarks
from posterdeck.errors import LayoutError, Location, collect
from posterdeck.loading.slots import layout_where, plan_sections
from posterdeck.pagemodel import Page, Rect
from posterdeck.resolve.markup import Text, plain
from posterdeck.schema.layout import PictureSpec, to_points


def _small_styles(layout, layout_src) -> list[LayoutError]:
    """A print poster's styles may not shrink below its smallest text (print.min_text)."""
    least = layout.min_text
    out = []
    for name, st in layout.styles.items():
        if st.smallest < least - 1e-6:
            key = "min_size" if st.min_size is not None else "size"
            where = layout_where(layout_src, ("styles", name, key))
            out.append(LayoutError(f"style {name!r}: {key} {st.smallest:g} pt is below the print poster's smallest "
                                   f"text, {least:g} pt", where,
                                   hint=f"raise {key} to {least:g} or more, or lower print.min_text"))
    return out


def compose_poster(doc, model, layout, fonts, colours, print_links: str = "", marks: list | None = None,
                   file: str = "poster.pdf") -> list[Page]:
    """The poster's pages. ``print_links`` ("url"): composed for paper, each link's address printed
    beside its text; ``marks`` (a list), if given, receives the page's PageMarks. ``file``: the
    output these pages become, named in warnings and errors (poster-screen.pdf when the screen
    poster is composed apart from paper's)."""
    ctx = Ctx(layout, fonts, f"{model.name}/{doc.target.tag}/{file}", colours, doc.target.language)
    citations = Citations()
    pc = PageContent(doc, ctx, PageMarks(citations, print_links=print_links), model)
    if marks is not None:
        marks.append(pc.marks)
    name = model.info.outputs.poster or ""
    layout_src = model.sources.get(f"layout:{name}")
    plan, errors = plan_sections(layout, name, model.info, [s.id for s in doc.sections], layout_src,
                                 model.sources.get("deck"))
    errors += _small_styles(layout, layout_src)
    collect(errors)
    sections = {s.id: s for s in doc.sections}
    flowing: list = []  # the blocks of the flowing sections, made at the first flow panel
    grid = []  # (band, [(column, items)]): items are blocks, _Flow(i) markers and the footer marker
    for b, band in enumerate(layout.bands):
        cols = []
        for c, col in enumerate(band.columns):
            items = []
            for p, panel in enumerate(col.panels):
                key = (b, c, p)
                if key in plan.fixed:
                    items.extend(_section(pc, sections[sid], layout) for sid in plan.fixed[key])
                elif key in plan.flow:
                    if not flowing:
                        flowing = [_section(pc, sections[sid], layout) for sid in plan.flowing]
                    items.append(_Flow(plan.flow.index(key)))
                elif col.names()[p] == "footer":
                    items.append(_FOOTER)
                else:
                    where = layout_where(layout_src, ("bands", b, "columns", c, "panels", p))
                    block = _panel(panel, pc, doc, layout, citations, where, band.background or "background")
                    if block is not None:
                        items.append(block)
            if items:  # a column left empty (no logo, no closing statements) gives its width to the others
                cols.append((col, items))
        if cols or band.height == "fill":
            grid.append((band, cols))
    _check_statements(doc, layout, layout_where(layout_src, ("bands",)) if layout_src else Location(page=ctx.where))
    for lazy in pc.lazy:
        lazy.block()  # number the reference list before the footer scans the page
    footer = pc.footer(placements=("footer",), with_references=False)
    grid = [(band, [(col, [footer if it is _FOOTER else it for it in items]) for col, items in cols])
            for band, cols in grid]
    page = _arrange(grid, flowing, len(plan.flow), layout, ctx, doc)
    if layout.print is not None:
        from posterdeck.compose.bleed import apply_print

        apply_print(page, layout.print)
    page.sources = tuple(sorted(pc.marks.sources))
    return [page]


def _check_statements(doc, layout, where: Location) -> None:
    """Mandatory statements are never dropped: each placement needs its panel on the poster."""
    shown = {"footer"} | {n.partition(":")[2] for band in layout.bands for col in band.columns
                          for n in col.names() if n.startswith("statements:")}
    lost = [st.id for st in doc.statements if st.placement not in shown]
    if lost:
        placements = sorted({st.placement for st in doc.statements if st.id in lost})
        raise LayoutError(f"the statements {lost} have no place on the poster: the layout has no "
                          f"{', '.join(f'statements:{p}' for p in placements)} panel", where,
                          hint="add the panel to a column of the layout")


@dataclass(frozen=True)
class _Flow:
    """Where the i-th flow panel stands in a column."""

    index: int


_FOOTER = object()  # the footer is made last, from everything else on the page


def _section(pc: PageContent, s, layout):
    gap = layout.styles["body"].size * 0.8
    heading = pc.text([Text(s.tab)], "panel_heading", role="heading", fill="primary",
                      padding=layout.styles["panel_heading"].size * 0.4, name=f"heading:{s.id}")
    same = plain(s.headline).strip().lower() == s.tab.strip().lower()
    parts = [pc.text(s.headline, "heading", role="headline")] if s.headline and not same else []
    if s.highlights and not s.summary:  # summaries and their figures stand in the key-messages band
        parts.append(pc.callout(s))
    if s.body:
        parts.append(pc.paras(s.body))
    for v in s.visuals:
        parts.append(pc.visual(v))
        if isinstance(parts[-1], PictureBlock):
            parts[-1].backdrop = "panel"  # a section's picture stands on the panel colour
    if s.notes:
        parts.append(pc.notes(s.notes))
    return Stack([heading, Stack(parts, gap=gap, padding=layout.panel_padding)], fill="panel", name=f"panel:{s.id}",
                 stretch=True)


def _panel(panel, pc: PageContent, doc, layout, citations, where: Location, backdrop: str):
    ref = panel if isinstance(panel, str) else panel.panel
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
    if kind == "references":
        heading = pc.text([Text(word(doc, "references"))], "panel_heading", role="heading",
                          fill="primary", padding=layout.styles["panel_heading"].size * 0.4)
        refs = _LazyReferences(pc, citations)
        pc.lazy.append(refs)
        return Stack([heading, Stack([refs], padding=pad)], fill="panel",
                     name="panel:references", stretch=True)
    if kind in ("logo", "image"):
        if kind == "logo":
            image = doc.logo  # a deck without a logo leaves the panel out
        else:
            image = doc.images.get(arg)
            if image is None and arg not in pc.model.content.images:
                raise LayoutError(f"the layout places image {arg!r}, which content.yaml does not define", where,
                                  hint="define it under images: in content.yaml (file and alt), or use a logo panel")
        if image is None:
            return None
        spec = panel if not isinstance(panel, str) else PictureSpec(height="share:1")
        return PictureBlock(image, pc.ctx, spec=spec, middle=True, warnings=doc.warnings, backdrop=backdrop)
    raise LayoutError(f"unknown panel {ref!r} in the poster layout", where,
                      hint="panels: title, statements:overview, statements:closing, callouts, overview, sections, "
                           "slot:NAME, section:ID, references, footer, logo, image:ID")


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


def _arrange(grid, flowing: list, flows: int, layout, ctx: Ctx, doc) -> Page:
    """Choose how many flowing sections each flow panel holds (the split that lets the type be
    largest, then the one whose tallest column is shortest; the first such in order), and place."""
    pg = layout.page
    m = pg.margins
    width = pg.width - m.left - m.right
    avail = pg.height - m.top - m.bottom
    gutter = pg.gutter
    if sum(1 for band, _ in grid if band.height == "fill") != 1:
        raise LayoutError("a poster layout needs exactly one band with height: fill", Location(page=ctx.where))

    def rows_of(split):
        runs, at = [], 0
        for n in split:
            runs.append(flowing[at:at + n])
            at += n
        rows = []
        for band, cols in grid:
            stacks = []
            for _, items in cols:
                children = []
                for it in items:
                    children.extend(runs[it.index] if isinstance(it, _Flow) else [it])
                # panels keep the gutter between them; spare room spaces their insides
                stacks.append(Stack(children, gap=gutter, spread=1.0))
            shares = [col.width for col, _ in cols]
            stacks, shares = _drop_empty(stacks, shares)
            if not stacks:
                rows.append((band, Stack([])))
            elif len(stacks) == 1:
                rows.append((band, stacks[0]))
            else:
                rows.append((band, Row(stacks, shares, gap=gutter)))
        return rows

    def fixed_h(band, blk, s):
        if band.height == "auto":
            return blk.pref_height(width, s)
        if band.height == "fill":
            return 0.0
        return to_points(band.height)

    def used(rows, s):
        return sum(fixed_h(b, blk, s) for b, blk in rows) + gutter * (len(rows) - 1)

    def fill_of(rows):
        return next(blk for b, blk in rows if b.height == "fill")

    def fits(rows, s):
        return fill_of(rows).min_height(width, s) <= avail - used(rows, s) + 0.01

    flow_bands = {id(band) for band, cols in grid if any(isinstance(it, _Flow) for _, items in cols for it in items)}

    def tallest(rows, s):
        out = 0.0
        for band, blk in rows:
            if id(band) in flow_bands:
                pairs = zip(blk.children, blk._widths(width)) if isinstance(blk, Row) else [(blk, width)]
                out = max([out] + [c.pref_height(w, s) for c, w in pairs])
        return out

    every = splits(len(flowing), flows)
    options = [rows_of(split) for split in every if _in_order(split, len(flowing))]
    scale = largest_scale(lambda s: any(fits(rows, s) for rows in options), FLOOR,
                          guess=_guess([(fill_of(r).min_height(width, 1.0), avail - used(r, 1.0)) for r in options]))
    if scale is None and len(options) < len(every):  # no split in order fits: any split may
        options = [rows_of(split) for split in every]
        scale = largest_scale(lambda s: any(fits(rows, s) for rows in options), FLOOR)
    if scale is None:
        rows = min(options, key=lambda r: tallest(r, FLOOR))
        raise LayoutError(_overflow(fill_of(rows), width, avail - used(rows, FLOOR)), Location(page=ctx.where),
                          hint="shorten the text, lower min_size in the layout, or move a panel to another column")
    rows = min((r for r in options if fits(r, scale)), key=lambda r: tallest(r, scale))
    if isinstance(fill_of(rows), Row):  # a column left empty hands width to those that hold the type down
        scale = rebalance(fill_of(rows), width, scale, lambda near: largest_scale(lambda s: fits(rows, s), FLOOR, guess=near),
                          lambda s: avail - used(rows, s))
    page = Page(pg.width, pg.height, "poster", background="background")
    taken = used(rows, scale)
    y = m.top
    for band, blk in rows:
        h = avail - taken if band.height == "fill" else fixed_h(band, blk, scale)
        if band.background:
            top = 0.0 if y == m.top else y - gutter / 2
            bottom = pg.height if band is rows[-1][0] else y + h + gutter / 2
            page.boxes.append(Rect(0, top, pg.width, bottom - top, fill=band.background, role=f"band:{band.name}"))
        if band.height == "fill":
            uses = []
            for col, x, w in _columns(blk, m.left, width):
                boxes = col.place(x, y, w, h, scale)
                page.boxes.extend(boxes)
                uses.append(column_use(col, boxes, y, h))
            warning = imbalance_warning(ctx.where, f"{band.name!r}", uses, scale)
            # the poster may be composed twice (paper, screen): the same finding is said once
            paper = imbalance_warning(ctx.where.replace("/poster-screen.pdf", "/poster.pdf"), f"{band.name!r}", uses, scale)
            if warning and warning not in doc.warnings and paper not in doc.warnings:
                doc.warnings.append(warning)
        else:
            page.boxes.extend(blk.place(m.left, y, width, h, scale))
        y += h + gutter
    return page


def _guess(measures: list[tuple[float, float]]) -> float | None:
    """Where the fit search starts, from each option's fill height and room at full size (the
    measures its first step makes): text takes more lines and more leading as it grows, and the
    columns' spare room goes too, so the fill's height goes about with the cube of the scale
    (measured on the demo posters in ten languages: the search then takes two to four measures
    instead of seven; a poor guess only costs measures, never changes the answer)."""
    ratios = [room / need for need, room in measures if need > 0 and room > 0]
    return max(ratios) ** (1 / 3) if ratios else None


def _columns(block, x: float, width: float) -> list[tuple]:
    """The columns of a band as (block, x, width), as its Row places them."""
    if not isinstance(block, Row):
        return [(block, x, width)]
    out = []
    for col, w in zip(block.children, block._widths(width)):
        out.append((col, x, w))
        x += w + block.gap
    return out


def _in_order(split: tuple[int, ...], n: int) -> bool:
    """A split the poster prefers: no flow panel left empty before one that holds sections (with
    as many sections as flow panels or more, none left empty), so the columns read left to right
    with the empty ones, which give their width away, at the end."""
    if n >= len(split):
        return 0 not in split
    held = [i for i, k in enumerate(split) if k]
    return not held or held[-1] == len(held) - 1


def _drop_empty(stacks: list, shares: list) -> tuple[list, list]:
    """A band's columns without the ones the split left with nothing in them: their width goes
    to the others. At least two columns stay (an empty one kept, in its place, if need be): one
    column across a whole poster band makes lines too long to read."""
    keep = [i for i, st in enumerate(stacks) if st.children]
    for i in range(len(stacks)):
        if len(keep) >= min(2, len(stacks)):
            break
        if i not in keep:
            keep = sorted(keep + [i])
    return [stacks[i] for i in keep], [shares[i] for i in keep]


def splits(n: int, k: int, limit: int = 5000) -> list[tuple[int, ...]]:
    """Every way to cut a sequence of ``n`` sections into ``k`` runs (a run may be empty), in
    order; past ``limit`` ways, only the even cut (as many sections in each run, the first runs
    taking one more)."""
    if k == 0:
        return [()]
    if math.comb(n + k - 1, k - 1) > limit:
        return [tuple(n // k + (1 if i < n % k else 0) for i in range(k))]
    if k == 1:
        return [(n,)]
    return [(first,) + rest for first in range(n + 1) for rest in splits(n - first, k - 1, limit)]


def _overflow(block, width: float, room: float) -> str:
    """Name the column that does not fit, its panels and the start of its text."""
    columns = list(zip(block.children, block._widths(width))) if isinstance(block, Row) else [(block, width)]
    for col, w in columns:
        need = col.min_height(w, FLOOR)
        if need > room:
            panels = [c.name for c in getattr(col, "children", []) if getattr(c, "name", "")]
            return (f"the poster column holding {', '.join(panels) or 'its panels'} overflows by "
                    f"{(need - room) / 2.835:.0f} mm at the smallest type sizes; its text begins "
                    f"{col.text()[:80]!r}")
    return "the poster content overflows at the smallest type sizes"
