"""Blocks: the pieces a region stacks. Each can say how tall it is at a width and a type scale
(``min_height``: squeezed; ``pref_height``: comfortable; ``max_height``: the most it can use)
and place itself as page-model boxes. Charts are flexible between their minimum and their
maximum (their aspect, see chartblocks); spare height beyond that goes to the gaps between
blocks, up to ``GAP_GROWTH`` times their size, and what is still left stays empty at the end
of a stack, where the poster's balance check measures it."""
from __future__ import annotations

from dataclasses import dataclass, field

from posterdeck.compose.text import Fonts, TextStyle, height, paragraph, scan_text
from posterdeck.pagemodel import Rect, TextBox
from posterdeck.schema.layout import Layout

BULLETS = {1: "\u2022", 2: "\u2013"}
SLIDE_SLACK = 0.02  # see Ctx.slack
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
    _styles: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # style() made once per call

    @property
    def slack(self) -> float:
        """The share of a line compose leaves free on slides: PowerPoint wraps the deck's text
        itself, with metrics that differ from reportlab's by up to about a percent."""
        return SLIDE_SLACK if self.layout.kind == "slides" else 0.0

    def style(self, name: str, scale: float, **over) -> TextStyle:
        key = (name, scale, *sorted(over.items())) if over else (name, scale)
        found = self._styles.get(key)
        if found is None:
            found = self._styles[key] = self._style(name, scale, **over)
        return found

    def _style(self, name: str, scale: float, **over) -> TextStyle:
        st = self.layout.styles[name]
        size = max(st.size * scale, st.smallest)
        return TextStyle(size=size, leading=st.leading, bold=over.get("bold", st.weight == "bold"),
                         italic=st.italic, color=over.get("color", st.color), align=over.get("align", st.align),
                         space_before=st.space_before, min_script=self.layout.min_text)


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
    anchor: str = "top"  # where the text sits in its box: "top" or "bottom" (footers)

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
                st = TextStyle(st.size, st.leading, st.bold, st.italic, st.color, st.align, 0.0, st.min_script)
            indent = level * st.size * 1.1
            out.append(paragraph(ps, st, inner, self.ctx.fonts, self.ctx.where,
                                 bullet=BULLETS.get(level, ""), indent=indent, language=self.ctx.language,
                                 slack=self.ctx.slack))
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
                        name=self.name, anchor=self.anchor)]

    def text(self) -> str:
        return "\n".join(scan_text(ps) for ps, _, _ in self.paras)


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


# the type scale at which every style is at its min_size: fitting never shrinks further
FLOOR = 0.3


def max_scale(block, width: float, height: float, ctx: Ctx, what: str, floor: float = FLOOR,
              ceiling: float = 1.0) -> float:
    """The largest type scale (``ceiling``, 1.0 unless the layout lets sparse text grow, down to
    the styles' minimum sizes) at which ``block`` fits."""
    need = block.min_height(width, ceiling)  # the search's first measure: where it starts from
    guess = (height / need) ** 0.5 * ceiling if need > height > 0 else None
    found = largest_scale(lambda s: block.min_height(width, s) <= height + 0.01, floor, ceiling=ceiling, guess=guess)
    if found is not None:
        return found
    from posterdeck.errors import LayoutError, Location

    need = block.min_height(width, floor)
    src = getattr(block, "where", None)  # the text's file and line, where compose knows them
    raise LayoutError(f"{what} overflows: needs {need / 2.835:.0f} mm at the smallest type sizes, "
                      f"has {height / 2.835:.0f} mm; text begins {block.text()[:80]!r}",
                      Location(src.file, src.line, ctx.where) if src else Location(page=ctx.where),
                      hint="shorten the text, move a visual to another slide, or lower min_size in the layout")


def largest_scale(fits, floor: float = FLOOR, step: float = 0.0125, ceiling: float = 1.0,
                  guess: float | None = None):
    """The largest scale on a grid of ``step`` between ``floor`` and ``ceiling`` for which ``fits``
    holds (``fits`` must be monotone), by bisection; None when even ``floor`` does not fit.
    ``guess``: a scale near the answer (from measures already made): the search starts there and
    widens its steps from it before it bisects, so a good guess takes two or three measures
    instead of seven; the answer is the same. The floor is measured only when no larger scale
    fits: every measure breaks all the text anew."""
    if fits(ceiling):
        return ceiling
    lo, hi = 0, int(round((ceiling - floor) / step))  # grid index: scale = floor + i * step

    def at(i: int) -> float:
        return round(floor + i * step, 4)

    if guess is not None and hi > 1:  # lo fits (or is the unmeasured floor), hi does not
        i = min(max(int(round((guess - floor) / step)), 1), hi - 1)
        d = 1
        if fits(at(i)):
            lo = i
            while lo + d < hi:
                if not fits(at(lo + d)):
                    hi = lo + d
                    break
                lo, d = lo + d, d * 2
        else:
            hi = i
            while hi - d > lo:
                if fits(at(hi - d)):
                    lo = hi - d
                    break
                hi, d = hi - d, d * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(at(mid)):
            lo = mid
        else:
            hi = mid
    if lo == 0 and not fits(floor):  # asked last: a fitting larger scale says the floor fits too
        return None
    return at(lo)
