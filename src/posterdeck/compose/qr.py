"""QR codes of a print poster's links (theme ``print_links: qr``): a text block with the codes of
the links it holds beside it, at its right, each code as filled squares (vector, in the theme's
text colour: 100 % K in print). The code is made by segno; compose decides its size and place."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from posterdeck.pagemodel import Rect

QR_SIDE = 25 * 72 / 25.4  # the code's side on an A0 poster (points), scaled with the page's diagonal
QUIET = 2  # light modules around the code


def modules(url: str) -> list[list[bool]]:
    import segno

    return [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]


@dataclass
class WithCodes:
    """A block and, at its right, the QR codes of its links, one under the other."""

    block: object
    urls: list
    side: float
    gap: float
    _rows: dict = field(default_factory=dict)

    def __getattr__(self, name):  # the text block's own attributes (text(), role, paras, ...)
        if name.startswith("__") or name in ("block", "urls", "side", "gap", "_rows"):
            raise AttributeError(name)
        return getattr(self.block, name)

    def _codes_height(self) -> float:
        return len(self.urls) * self.side + (len(self.urls) - 1) * self.gap

    def _inner(self, width: float) -> float:
        return max(width - self.side - self.gap, width * 0.4)

    def min_height(self, width, scale):
        return max(self.block.min_height(self._inner(width), scale), self._codes_height())

    def pref_height(self, width, scale):
        return max(self.block.pref_height(self._inner(width), scale), self._codes_height())

    def max_height(self, width, scale):
        most = getattr(self.block, "max_height", self.block.pref_height)
        return max(most(self._inner(width), scale), self._codes_height())

    def place(self, x, y, width, h, scale) -> list:
        boxes = list(self.block.place(x, y, self._inner(width), h, scale))
        top = y
        for url in self.urls:
            boxes += squares(url, x + width - self.side, top, self.side)
            top += self.side + self.gap
        return boxes


def squares(url: str, x: float, y: float, side: float, colour: str = "text") -> list[Rect]:
    """The dark modules of ``url``'s code as rectangles, one per run of dark modules in a row."""
    grid = modules(url)
    n = len(grid) + 2 * QUIET
    m = side / n
    out = []
    for r, row in enumerate(grid):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            out.append(Rect(x + (QUIET + start) * m, y + (QUIET + r) * m, (c - start) * m, m, fill=colour, role="qr"))
    return out


def code_side(layout) -> float:
    a0 = math.hypot(841 * 72 / 25.4, 1189 * 72 / 25.4)
    return QR_SIDE * math.hypot(layout.page.width, layout.page.height) / a0
