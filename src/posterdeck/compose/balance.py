"""How well a page uses its room: the empty share at the foot of each poster column, and the
warning a build gives when a column is left emptier than ``MAX_EMPTY``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from posterdeck.pagemodel import Rect

MAX_EMPTY = 0.2  # a body column may leave at most a fifth of its height empty at its foot


def content_bottom(boxes: list, top: float) -> float:
    """The lowest edge of what ``boxes`` show (text, tables, charts, pictures; not backgrounds)."""
    return max((b.y + b.h for b in boxes if not isinstance(b, Rect)), default=top)


@dataclass(frozen=True)
class ColumnUse:
    panels: tuple[str, ...]  # the names of the column's panels, e.g. ('panel:safety', ...)
    top: float
    height: float
    bottom: float  # of its content

    @property
    def empty(self) -> float:
        """The share of the column's height left empty below its content."""
        return max(self.height - (self.bottom - self.top), 0.0) / self.height if self.height > 0 else 0.0


def column_use(column, boxes: list, top: float, height: float) -> ColumnUse:
    names = tuple(c.name for c in getattr(column, "children", [column]) if getattr(c, "name", ""))
    return ColumnUse(names, top, height, content_bottom(boxes, top))


def imbalance_warning(where: str, band: str, uses: list[ColumnUse], scale: float) -> str:
    """'' when every column of the band is full enough; else a warning naming each emptier column."""
    worst = [(i, u) for i, u in enumerate(uses, 1) if u.empty > MAX_EMPTY + 1e-9]
    if not worst:
        return ""
    parts = [f"column {i} ({', '.join(u.panels) or 'no panels'}) is {u.empty:.0%} empty" for i, u in worst]
    full = [i for i, u in enumerate(uses, 1) if u.empty <= MAX_EMPTY + 1e-9]
    if scale < 1.0 and full:
        why = (f"column(s) {', '.join(map(str, full))} are full and shrink the type (fitting scale {scale:.0%}); "
               f"move a panel from there into the emptier column in the layout")
    else:
        why = "the content does not fill the page: move a panel into it, or use a smaller layout"
    return (f"{where}: the {band} band is unbalanced, {'; '.join(parts)} (at most {MAX_EMPTY:.0%} may stay "
            f"empty); {why}")


STEP = 0.05  # the share of a column's layout width handed over at each step
LIMIT = 0.25  # the most a column's width may move from the layout's, as a share of it


def column_empties(row, width: float, h: float, scale: float) -> list[float]:
    """The empty share at the foot of each column of ``row`` (a Row) in a band ``h`` tall."""
    return [column_use(col, col.place(0.0, 0.0, w, h, scale), 0.0, h).empty
            for col, w in zip(row.children, row._widths(width))]


def rebalance(row, width: float, scale: float, search: Callable[[float], float | None],
              fill_height: Callable[[float], float]) -> float:
    """Hand width from columns left emptier than MAX_EMPTY to the fullest columns (the ones that
    hold the poster's type scale down), a step at a time and at most LIMIT of each column's
    width, while that lets the type grow. Sets ``row.shares`` to the best found and returns its
    scale. Deterministic: the same content always gives the same widths."""
    base = list(row.shares)
    best = (scale, list(base))
    for _ in range(int(round(LIMIT / STEP)) * len(base)):
        if scale >= 1.0:
            break
        empties = column_empties(row, width, fill_height(scale), scale)
        if max(empties) <= MAX_EMPTY:
            break
        low = min(empties)
        takers = [i for i, e in enumerate(empties) if e <= low + 0.02]
        givers = [i for i, e in enumerate(empties) if e > MAX_EMPTY]
        shares = list(row.shares)
        for i in givers:
            give = base[i] * STEP
            if shares[i] - give < base[i] * (1 - LIMIT) - 1e-9:
                continue
            shares[i] -= give
            for j in takers:
                shares[j] += give / len(takers)
        if shares == row.shares or any(s > b * (1 + LIMIT) + 1e-9 for s, b in zip(shares, base)):
            break
        row.shares = shares
        found = search(scale)  # the new widths' scale, searched from the last one's
        if found is None:
            break
        scale = found
        if scale > best[0] + 1e-9:
            best = (scale, list(shares))
    row.shares = best[1]
    return best[0]
