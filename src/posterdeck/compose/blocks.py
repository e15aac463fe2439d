"""Blocks: the pieces a region stacks. Each can say how tall it is at a width and a type scale,
and place itself as page-model boxes. Charts are flexible: they take the room that is left."""
from __future__ import annotations

from dataclasses import dataclass, field

from posterdeck.compose.text import Fonts, TextStyle, height, paragraph, scan_text
from posterdeck.pagemodel import Chart, Image, Rect, TextBox
from posterdeck.schema.layout import Layout

BULLETS = {1: "\u2022", 2: "\u2013"}


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

    def place(self, x: float, y: float, width: float, h: float, scale: float) -> list:
        paras = self._layout(width, scale)
        return [TextBox(x, y, width, h, tuple(paras), role=self.role, fill=self.fill, padding=self.padding,
                        name=self.name)]

    def text(self) -> str:
        return "\n".join(scan_text(ps) for ps, _, _ in self.paras)


@dataclass
class ChartBlock:
    chart: object  # RChart
    ctx: Ctx

    def pref_height(self, width: float, scale: float) -> float:
        return width * self.chart.aspect

    def min_height(self, width: float, scale: float) -> float:
        return min(self.pref_height(width, scale), self.ctx.layout.chart_min_height)

    def place(self, x, y, width, h, scale) -> list:
        size = self.ctx.style("chart", scale).size
        return [Chart(x, y, width, h, self.chart, size, name=f"chart:{self.chart.id}")]

    def text(self) -> str:
        return "\n".join(t for t in self.chart.texts() if t)


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


@dataclass
class Stack:
    """Blocks one under the other, with gaps, optional padding, background and a heading block."""

    children: list
    gap: float = 0.0
    padding: float = 0.0
    fill: str = ""
    name: str = ""
    stretch: bool = False  # background grows to the height given

    def min_height(self, width, scale):
        inner = width - 2 * self.padding
        return sum(c.min_height(inner, scale) for c in self.children) + self._gaps(scale) + 2 * self.padding

    def pref_height(self, width, scale):
        inner = width - 2 * self.padding
        return sum(c.pref_height(inner, scale) for c in self.children) + self._gaps(scale) + 2 * self.padding

    def _gaps(self, scale):
        return self.gap * scale * max(len(self.children) - 1, 0)

    def place(self, x, y, width, h, scale) -> list:
        inner = width - 2 * self.padding
        mins = [c.min_height(inner, scale) for c in self.children]
        prefs = [c.pref_height(inner, scale) for c in self.children]
        extra = h - sum(mins) - self._gaps(scale) - 2 * self.padding
        room = [p - m for p, m in zip(prefs, mins)]
        total_room = sum(room)
        grant = [min(r, extra * r / total_room) if total_room > 0 and extra > 0 else 0.0 for r in room]
        leftover = extra - sum(grant)
        if leftover > 0 and self.children:
            grant[-1] += leftover  # the last block takes what is left: columns end flush
        boxes = []
        if self.fill:
            used = h if self.stretch else sum(mins) + sum(grant) + self._gaps(scale) + 2 * self.padding
            boxes.append(Rect(x, y, width, used, fill=self.fill, role=self.name))
        cy = y + self.padding
        for c, m, g in zip(self.children, mins, grant):
            boxes.extend(c.place(x + self.padding, cy, inner, m + g, scale))
            cy += m + g + self.gap * scale
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
    raise LayoutError(f"{what} overflows: needs {need / 2.835:.0f} mm at the smallest type sizes, "
                      f"has {height / 2.835:.0f} mm; text begins {block.text()[:80]!r}",
                      Location(page=ctx.where),
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
