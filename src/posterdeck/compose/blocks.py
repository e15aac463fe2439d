"""Blocks: the pieces a region stacks. Each can say how tall it is at a width and a type scale
(``min_height``: squeezed; ``pref_height``: comfortable; ``max_height``: the most it can use)
and place itself as page-model boxes. Charts are flexible between their minimum and their
maximum (their aspect, see chartblocks); spare height beyond that goes to the gaps between
blocks, up to ``GAP_GROWTH`` times their size, and what is still left stays empty at the end
of a stack, where the poster's balance check measures it."""
from __future__ import annotations

from dataclasses import dataclass, field

from posterdeck.compose.text import Fonts, Piece, TextStyle, height, narrowest, paragraph, scan_text, segments
from posterdeck.pagemodel import Cell, Image, Rect, Table, TextBox
from posterdeck.schema.layout import Layout

BULLETS = {1: "\u2022", 2: "\u2013"}
GAP_GROWTH = 2.0  # spare height may widen a gap between blocks up to this many times its size


def tallest(block, width: float, scale: float) -> float:
    """The most height ``block`` can use: its ``max_height``, or its preferred height when it
    does not say (a block that grows no further)."""
    most = getattr(block, "max_height", None)
    return most(width, scale) if most is not None else block.pref_height(width, scale)


def share_out(extra: float, rooms: list[float]) -> list[float]:
    """``extra`` split in proportion to ``rooms``, none given more than its room."""
    total = sum(r for r in rooms if r > 0)
    if extra <= 0 or total <= 0:
        return [0.0] * len(rooms)
    if extra >= total:
        return [max(r, 0.0) for r in rooms]
    return [max(r, 0.0) * extra / total for r in rooms]


@dataclass
class Ctx:
    layout: Layout
    fonts: Fonts
    where: str  # page name, for error messages
    colours: dict = field(default_factory=dict)  # theme colour names
    language: str = ""  # the target's language: hyphenation of words too long for their line

    def style(self, name: str, scale: float, **over) -> TextStyle:
        st = self.layout.styles[name]
        size = max(st.size * scale, st.smallest)
        return TextStyle(size=size, leading=st.leading, bold=over.get("bold", st.weight == "bold"),
                         italic=st.italic, color=over.get("color", st.color), align=over.get("align", st.align),
                         space_before=st.space_before)


@dataclass
class TextBlock:
    """Paragraphs of one style family. ``paras`` are (pieces, style name, bullet level)."""

    paras: list
    ctx: Ctx
    role: str = "body"
    fill: str = ""
    padding: float = 0.0
    color: str = ""
    align: str = ""
    name: str = ""
    where: object = None  # errors.Location of the source text, for an overflow error

    def _layout(self, width: float, scale: float):
        key = (round(width, 4), scale)
        memo = self.__dict__.setdefault("_memo", {})
        if key not in memo:  # fitting asks the same width and scale many times
            memo[key] = self._break(width, scale)
        return memo[key]

    def _break(self, width: float, scale: float):
        out = []
        inner = width - 2 * self.padding
        for i, (ps, style_name, level) in enumerate(self.paras):
            over = {}
            if self.color:
                over["color"] = self.color
            if self.align:
                over["align"] = self.align
            st = self.ctx.style(style_name, scale, **over)
            if i == 0:
                st = TextStyle(st.size, st.leading, st.bold, st.italic, st.color, st.align, 0.0)
            indent = level * st.size * 1.1
            out.append(paragraph(ps, st, inner, self.ctx.fonts, self.ctx.where,
                                 bullet=BULLETS.get(level, ""), indent=indent, language=self.ctx.language))
        return out

    def min_height(self, width: float, scale: float) -> float:
        return height(self._layout(width, scale)) + 2 * self.padding

    pref_height = min_height
    max_height = min_height

    def place(self, x: float, y: float, width: float, h: float, scale: float) -> list:
        paras = self._layout(width, scale)
        if not self.fill:  # a box as tall as its lines; a filled one (a callout in a row) keeps its slot
            h = min(h, self.min_height(width, scale))
        return [TextBox(x, y, width, h, tuple(paras), role=self.role, fill=self.fill, padding=self.padding,
                        name=self.name)]

    def text(self) -> str:
        return "\n".join(scan_text(ps) for ps, _, _ in self.paras)


@dataclass
class ImageBlock:
    """A picture keeps its aspect ratio: it is scaled to fit its slot and centred."""

    image: object  # RImage
    ctx: Ctx

    def pref_height(self, width: float, scale: float) -> float:
        return width * self.image.aspect

    def min_height(self, width: float, scale: float) -> float:
        return min(self.pref_height(width, scale), self.ctx.layout.chart_min_height)

    def place(self, x, y, width, h, scale) -> list:
        w = min(width, h / self.image.aspect)
        ih = w * self.image.aspect
        return [Image(x + (width - w) / 2, y, w, ih, self.image.path, self.image.alt, name=f"image:{self.image.id}")]

    def text(self) -> str:
        return ""


class _TooNarrow(Exception):
    """A table column cannot hold its longest word at this type size."""


@dataclass
class TableBlock:
    table: object  # RTable
    ctx: Ctx
    stub_share: float = 0.36

    def _build(self, width: float, scale: float):
        t = self.table
        st = self.ctx.style("table", scale)
        pad = st.size * 0.35
        ncol = len(t.columns)
        stub_w, col_w = self._widths(width, st, pad)
        widths = (stub_w,) + (col_w,) * ncol
        lead = st.leading
        rows: list[tuple] = []
        if t.groups:
            row = [self._cell("", st, "bold", "header")]
            for label, span in t.groups:
                row.append(self._cell(label, st, "bold", "header", width=col_w * span - 2 * pad, colspan=span, align="center"))
                row.extend([None] * (span - 1))
            rows.append(tuple(row))
        rows.append((self._cell(t.stub_heading, st, "bold", "header", width=stub_w - 2 * pad),
                     *(self._cell(c, st, "bold", "header", width=col_w - 2 * pad, align="center") for c in t.columns)))
        for term, cells, level in t.rows:
            font = "bold" if level == "soc" else "regular"
            indent = 0.0 if level == "soc" else st.size
            fill = "table_band" if level == "soc" and "table_band" in self.ctx.colours else ""
            rows.append((self._cell(term, st, font, "", width=stub_w - 2 * pad - indent, indent=indent, fill=fill),
                         *(self._cell(c, st, font, "", width=col_w - 2 * pad, align="center", fill=fill) for c in cells)))
        heights = tuple(max(len(c.lines) for c in r if c) * st.size * lead + 2 * pad for r in rows)
        return widths, heights, tuple(rows), pad, lead, (2 if t.groups else 1)

    def _widths(self, width: float, st, pad: float) -> tuple[float, float]:
        """Stub and data column widths: data columns at least as wide as their longest word
        (a word is never split inside a cell), the stub takes the rest."""
        t, fonts = self.table, self.ctx.fonts
        ncol = max(len(t.columns), 1)

        lang = self.ctx.language

        def longest(texts, variant, hyphenate):
            if hyphenate:
                return max((narrowest(w, variant, st.size, fonts, lang) for text in texts for w in text.split()),
                           default=0.0)
            return max((fonts.width(seg, variant, st.size) for text in texts for w in text.split()
                        for seg in segments(w)), default=0.0)

        data_texts = list(t.columns) + [c for _, cells, _ in t.rows for c in cells]
        need_col = longest(data_texts, "bold", False) + 2 * pad + 0.5
        stub_texts = [t.stub_heading] + [r[0] for r in t.rows]
        need_stub = longest(stub_texts, "bold", False) + 2 * pad + st.size + 0.5
        col_w = max((width - width * self.stub_share) / ncol, need_col)
        stub_w = width - col_w * ncol
        if stub_w < need_stub:  # long compounds (Dutch, German) may be hyphenated in the stub
            need_stub = longest(stub_texts, "bold", True) + 2 * pad + st.size + 0.5
            if stub_w < need_stub:
                raise _TooNarrow()
        return stub_w, col_w

    def _cell(self, text, st, font, kind, width=None, colspan=1, align="left", indent=0.0, fill=""):
        from posterdeck.compose.text import break_lines, make_spans

        color = "on_primary" if kind == "header" else st.color
        fill = "primary" if kind == "header" else fill
        if width is None or not text:
            lines = (text,)
        else:
            tst = TextStyle(st.size, st.leading, font == "bold", False, color)
            spans = make_spans([Piece(text)], tst, self.ctx.fonts, self.ctx.where)
            lines = tuple("".join(s.text for s in ln.spans)
                          for ln in break_lines(spans, width, self.ctx.fonts, tst, self.ctx.language))
        return Cell(lines=lines, font=font, size=st.size, color=color, fill=fill, align=align, indent=indent,
                    colspan=colspan)

    def min_height(self, width, scale) -> float:
        try:
            return sum(self._build(width, scale)[1])
        except _TooNarrow:
            return float("inf")  # at this type size a word does not fit its column: shrink

    pref_height = min_height

    def place(self, x, y, width, h, scale) -> list:
        widths, heights, rows, pad, lead, header = self._build(width, scale)
        return [Table(x, y, widths, heights, rows, pad, lead, "rule", header, name=f"table:{self.table.id}")]

    def text(self) -> str:
        return "\n".join(self.table.texts())


@dataclass
class Stack:
    """Blocks one under the other, with gaps, optional padding, background and a heading block.

    Height beyond the minimum goes first to the blocks that prefer more (charts, up to their
    preferred size), then, in proportion to what each can still take, to blocks that can grow
    further and to the gaps (each up to ``spread`` times its size). What is left stays below the
    last block, or, when that block stretches (a panel with a background), fills its background."""

    children: list
    gap: float = 0.0
    padding: float = 0.0
    fill: str = ""
    name: str = ""
    stretch: bool = False  # background grows to the height given
    spread: float = GAP_GROWTH  # how far a gap may grow with spare height (1: not at all)

    def min_height(self, width, scale):
        inner = width - 2 * self.padding
        return sum(c.min_height(inner, scale) for c in self.children) + self._gaps(scale) + 2 * self.padding

    def pref_height(self, width, scale):
        inner = width - 2 * self.padding
        return sum(c.pref_height(inner, scale) for c in self.children) + self._gaps(scale) + 2 * self.padding

    def max_height(self, width, scale):
        inner = width - 2 * self.padding
        return (sum(tallest(c, inner, scale) for c in self.children) + self._gaps(scale) * self.spread
                + 2 * self.padding)

    def _gaps(self, scale):
        return self.gap * scale * max(len(self.children) - 1, 0)

    def heights(self, width, h, scale) -> tuple[list[float], float]:
        """The height given to each child and the gap between them, in a slot of height ``h``."""
        inner = width - 2 * self.padding
        mins = [c.min_height(inner, scale) for c in self.children]
        prefs = [c.pref_height(inner, scale) for c in self.children]
        extra = h - sum(mins) - self._gaps(scale) - 2 * self.padding
        got = [m + g for m, g in zip(mins, share_out(extra, [p - m for p, m in zip(prefs, mins)]))]
        extra = h - sum(got) - self._gaps(scale) - 2 * self.padding
        n_gaps = max(len(self.children) - 1, 0)
        rooms = [tallest(c, inner, scale) - g for c, g in zip(self.children, got)]
        more = share_out(extra, rooms + [self._gaps(scale) * (self.spread - 1)])
        got = [g + m for g, m in zip(got, more)]
        gap = self.gap * scale + (more[-1] / n_gaps if n_gaps else 0.0)
        left = h - sum(got) - gap * n_gaps - 2 * self.padding
        if left > 0.01 and self.children and getattr(self.children[-1], "stretch", False):
            got[-1] += left  # a panel at the end of a column: its background reaches the column's foot
        return got, gap

    def place(self, x, y, width, h, scale) -> list:
        inner = width - 2 * self.padding
        got, gap = self.heights(width, h, scale)
        boxes = []
        if self.fill:
            used = h if self.stretch else sum(got) + gap * max(len(got) - 1, 0) + 2 * self.padding
            boxes.append(Rect(x, y, width, used, fill=self.fill, role=self.name))
        cy = y + self.padding
        for c, g in zip(self.children, got):
            boxes.extend(c.place(x + self.padding, cy, inner, g, scale))
            cy += g + gap
        return boxes

    def text(self) -> str:
        return "\n".join(c.text() for c in self.children)


@dataclass
class Row:
    """Blocks side by side, widths as shares; height is the tallest."""

    children: list
    shares: list
    gap: float = 0.0

    def _widths(self, width):
        avail = width - self.gap * (len(self.children) - 1)
        total = sum(self.shares)
        return [avail * s / total for s in self.shares]

    def min_height(self, width, scale):
        return max(c.min_height(w, scale) for c, w in zip(self.children, self._widths(width)))

    def pref_height(self, width, scale):
        return max(c.pref_height(w, scale) for c, w in zip(self.children, self._widths(width)))

    def max_height(self, width, scale):
        return max(tallest(c, w, scale) for c, w in zip(self.children, self._widths(width)))

    def place(self, x, y, width, h, scale) -> list:
        boxes, cx = [], x
        for c, w in zip(self.children, self._widths(width)):
            boxes.extend(c.place(cx, y, w, h, scale))
            cx += w + self.gap
        return boxes

    def text(self) -> str:
        return "\n".join(c.text() for c in self.children)


def max_scale(block, width: float, height: float, ctx: Ctx, what: str, floor: float = 0.3,
              ceiling: float = 1.0) -> float:
    """The largest type scale (``ceiling``, 1.0 unless the layout lets sparse text grow, down to
    the styles' minimum sizes) at which ``block`` fits."""
    found = largest_scale(lambda s: block.min_height(width, s) <= height + 0.01, floor, ceiling=ceiling)
    if found is not None:
        return found
    from posterdeck.errors import LayoutError, Location

    need = block.min_height(width, floor)
    src = getattr(block, "where", None)  # the text's file and line, where compose knows them
    raise LayoutError(f"{what} overflows: needs {need / 2.835:.0f} mm at the smallest type sizes, "
                      f"has {height / 2.835:.0f} mm; text begins {block.text()[:80]!r}",
                      Location(src.file, src.line, ctx.where) if src else Location(page=ctx.where),
                      hint="shorten the text, move a visual to another slide, or lower min_size in the layout")


def largest_scale(fits, floor: float = 0.3, step: float = 0.0125, ceiling: float = 1.0):
    """The largest scale on a grid of ``step`` between ``floor`` and ``ceiling`` for which ``fits``
    holds (``fits`` must be monotone), by bisection; None when even ``floor`` does not fit."""
    if fits(ceiling):
        return ceiling
    lo, hi = 0, int(round((ceiling - floor) / step))  # grid index: scale = floor + i * step
    if not fits(floor):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(round(floor + mid * step, 4)):
            lo = mid
        else:
            hi = mid
    return round(floor + lo * step, 4)
