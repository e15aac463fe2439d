"""Tables: column widths, cells broken into lines, header rows, and the parts a long table is
split into on slides. Every decision is made here; the painters draw the cells as composed."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from posterdeck.compose.nobreak import keep_lines
from posterdeck.compose.text import Piece, TextStyle, narrowest, segments
from posterdeck.pagemodel import Cell, Table

HEADING_LEVELS = ("group", "soc")  # rows that head the rows under them


class _TooNarrow(Exception):
    """A table column cannot hold its longest word at this type size."""


@dataclass
class TableBlock:
    """A table, or the part ``rows`` of its body rows (the header rows always shown)."""

    table: object  # resolve.visuals.RTable
    ctx: object  # compose.blocks.Ctx
    rows: range | None = None
    stub_share: float = 0.36

    @property
    def shown(self) -> range:
        return self.rows if self.rows is not None else range(len(self.table.rows))

    def _build(self, width: float, scale: float):
        """Column widths, row heights and cells at ``width`` and ``scale``, made once per pair:
        fitting asks the same table at the same width and scale many times (raises _TooNarrow)."""
        memo = self.__dict__.setdefault("_memo", {})
        key = (width, scale)
        found = memo.get(key)
        if found is None:
            found = memo[key] = self._kept(width, scale)
        if isinstance(found, _TooNarrow):
            raise found
        return found

    def _kept(self, width: float, scale: float):
        """_make's result (or its _TooNarrow), kept by the fonts for the targets of this language
        (the same table at the same width and type size: the same layout) and for the next
        builds by compose.memo. It depends on the table's texts and refs, the part shown, the
        stub's share, the width, the style at this scale and whether the theme bands rows."""
        from posterdeck.compose.memo import store

        st = self.ctx.style("table", scale)
        shown = self.shown
        key = (self.table, shown.start, shown.stop, shown.step, self.stub_share, width, st,
               "table_band" in self.ctx.colours, self.ctx.language)
        fonts = self.ctx.fonts
        memo = fonts.__dict__.setdefault("table_layouts", {})
        found = memo.get(key)
        if found is None:
            if len(memo) > 10_000:  # a long batch: start afresh rather than grow
                memo.clear()
            kept = store(fonts, self.ctx.language)
            found = kept.table(key) if kept is not None else None
            if found is None:
                try:
                    found = self._make(width, scale)
                except _TooNarrow as exc:
                    found = exc
                if kept is not None:
                    kept.add_table(key, found)
            memo[key] = found
        return found

    def _make(self, width: float, scale: float):
        t = self.table
        st = self.ctx.style("table", scale)
        pad = st.size * 0.35
        ncol = len(t.columns)
        stub_w, cols = self._widths(width, st, pad)
        widths = (stub_w, *cols)
        lead = st.leading
        rows: list[tuple] = []
        heads, group_refs = t.refs if t.refs[0] else ((), ())
        heads = tuple(heads) + ("",) * (ncol + 1 - len(heads))
        group_refs = tuple(group_refs) + ("",) * (len(t.groups) - len(group_refs))
        if t.groups:
            row = [self._cell("", st, "bold", "header")]
            at = 0
            for (label, span), gref in zip(t.groups, group_refs):
                row.append(self._cell(label, st, "bold", "header", width=sum(cols[at:at + span]) - 2 * pad,
                                      colspan=span, align="center", ref=gref))
                row.extend([None] * (span - 1))
                at += span
            rows.append(tuple(row))
        rows.append((self._cell(t.stub_heading, st, "bold", "header", width=stub_w - 2 * pad, ref=heads[0]),
                     *(self._cell(c, st, "bold", "header", width=w - 2 * pad, align="center", ref=ref)
                       for c, w, ref in zip(t.columns, cols, heads[1:]))))
        # rows under a heading row are indented; a table without headings keeps its rows flush
        nested = any(level in HEADING_LEVELS for _, _, level in t.rows)
        band = "table_band" if "table_band" in self.ctx.colours else ""
        for i in self.shown:
            term, cells, level = t.rows[i]
            term_ref = t.row_refs[i] if i < len(t.row_refs) else ""
            if level == "group":
                rows.append((self._cell(term, st, "bold", "", width=sum(widths) - 2 * pad, colspan=ncol + 1,
                                        color="primary", ref=term_ref), *([None] * ncol)))
                continue
            font = "bold" if level == "soc" else "regular"
            indent = st.size if nested and level == "pt" else 0.0
            fill = band if level == "soc" else ""
            paths = t.cell_paths[i] if i < len(t.cell_paths) else ()
            fmts = t.cell_formats[i] if i < len(t.cell_formats) else ()
            refs = [f"value:{p}" + (f"|{fmts[c]}" if c < len(fmts) and fmts[c] else "") if p else ""
                    for c, p in enumerate(paths)] + [""] * (len(cells) - len(paths))
            rows.append((self._cell(term, st, font, "", width=stub_w - 2 * pad - indent, indent=indent, fill=fill,
                                    ref=term_ref),
                         *(self._cell(c, st, font, "", width=w - 2 * pad, align="center", fill=fill, ref=ref)
                           for c, w, ref in zip(cells, cols, refs))))
        heights = tuple(max(len(c.lines) for c in r if c) * st.size * lead + 2 * pad for r in rows)
        return widths, heights, tuple(rows), pad, lead, (2 if t.groups else 1)

    def _widths(self, width: float, st, pad: float) -> tuple[float, list[float]]:
        """Stub and data column widths. The data columns share the room the stub leaves them
        (1 - stub_share) evenly, each at least as wide as the longest word of any (a word is
        never split inside a data cell). When that leaves the stub narrower than its longest
        word, each column takes only what its own words need, and the columns with room to
        spare give it to the stub, before any word of the stub is hyphenated. Measured over the whole table, so every part of a split table has
        the same columns."""
        t = self.table
        ncol = max(len(t.columns), 1)
        words = _longest_words(t, self.ctx.fonts, self.ctx.language, st.size)
        needs = [w + 2 * pad + 0.5 for w in words[3]] or [2 * pad + 0.5]
        need_stub = words[1] + 2 * pad + st.size + 0.5
        even = (width - width * self.stub_share) / ncol
        cols = [max(even, max(needs))] * ncol  # comparable arms get columns of one width ...
        stub_w = width - sum(cols)
        if stub_w < need_stub:  # ... unless that squeezes the stub: then each column its own
            cols = [max(even, need) for need in needs]
            stub_w = width - sum(cols)
        if stub_w < need_stub:
            # the data columns give the stub room for its longest word, from what they can spare
            short = need_stub - stub_w
            spare = [c - n for c, n in zip(cols, needs)]
            if sum(spare) > 0:
                give = min(short, sum(spare))
                cols = [c - give * sp / sum(spare) for c, sp in zip(cols, spare)]
                stub_w = width - sum(cols)
        if stub_w < need_stub - 0.01:  # long compounds (Dutch, German) may be hyphenated in the stub
            need_stub = words[2] + 2 * pad + st.size + 0.5
            if stub_w < need_stub:
                raise _TooNarrow()
        return stub_w, cols

    def _cell(self, text, st, font, kind, width=None, colspan=1, align="left", indent=0.0, fill="", color="", ref=""):
        color = "on_primary" if kind == "header" else (color or st.color)
        fill = "primary" if kind == "header" else fill
        if width is None or not text:
            lines = (text,)
        else:
            lines = _lines(text, TextStyle(st.size, st.leading, font == "bold", False, color), width,
                           self.ctx.fonts, self.ctx.where, self.ctx.language)
        return Cell(lines=lines, font=font, size=st.size, color=color, fill=fill, align=align, indent=indent,
                    colspan=colspan, keep=keep_lines(lines, self.ctx.fonts.nobreak()), ref=ref)

    def min_height(self, width, scale) -> float:
        try:
            return sum(self._build(width, scale)[1])
        except _TooNarrow:
            return float("inf")  # at this type size a word does not fit its column: shrink

    pref_height = min_height

    def place(self, x, y, width, h, scale) -> list:
        widths, heights, rows, pad, lead, header = self._build(width, scale)
        return [Table(x, y, widths, heights, rows, pad, lead, "rule", header, name=f"table:{self.table.id}",
                      alt=self.alt())]

    def alt(self) -> str:
        """The alt text: the caption, else the headings of the stub and the columns."""
        from posterdeck.resolve.markup import plain

        t = self.table
        caption = plain(t.caption).strip() if t.caption else ""
        return caption or "; ".join(x for x in (t.stub_heading, *t.columns) if x)

    def text(self) -> str:
        """The text this block shows (its part only: the page's footer lists what it shows)."""
        return "\n".join(self.table.texts(self.shown))

    def paths(self) -> tuple[str, ...]:
        """The data paths this block shows, for the page's sources."""
        return tuple(self.table.paths) + tuple(p for i in self.shown if i < len(self.table.row_paths)
                                               for p in self.table.row_paths[i])


@lru_cache(maxsize=1024)
def _longest_words(table, fonts, language: str, size: float) -> tuple:
    """At ``size``: the widest word of the headers and data cells, of the stub, of the stub with
    long words hyphenated (bold, which is wider), and of each data column. Fitting and
    splitting ask the same table at the same sizes many times."""
    stub_texts = [table.stub_heading] + [r[0] for r in table.rows if r[2] != "group"]

    def longest(texts):
        return max((fonts.width(seg, "bold", size) for text in texts for w in text.split() for seg in segments(w)),
                   default=0.0)

    columns = tuple(longest([head] + [cells[j] for _, cells, level in table.rows if level != "group" and j < len(cells)])
                    for j, head in enumerate(table.columns))
    hyphenated = max((narrowest(w, "bold", size, fonts, language) for text in stub_texts for w in text.split()),
                     default=0.0)
    return max(columns, default=0.0), longest(stub_texts), hyphenated, columns


def _lines(text: str, style: TextStyle, width: float, fonts, where: str, language: str) -> tuple[str, ...]:
    """A cell's text broken into lines of at most ``width``, kept by ``fonts`` (and compose.memo) like paragraphs."""
    from posterdeck.compose.memo import store
    from posterdeck.compose.text import break_lines, make_spans

    memo = fonts.__dict__.setdefault("table_cells", {})
    key = (text, style, width, language)
    found = memo.get(key)
    if found is None:
        if len(memo) > 100_000:  # a long batch: start afresh rather than grow
            memo.clear()
        kept = store(fonts, language)  # the cells of earlier builds (compose.memo)
        found = kept.cell(key) if kept is not None else None
        if found is None:
            spans = make_spans([Piece(text)], style, fonts, where)
            found = tuple("".join(s.text for s in ln.spans) for ln in break_lines(spans, width, fonts, style, language))
            if kept is not None:
                kept.add_cell(key, found)
        memo[key] = found
    return found


def split_rows(levels: list[str], fits, first_may_be_empty: bool = True) -> list[range] | None:
    """Body rows 0..n-1 cut into consecutive parts, each as long as ``fits(start, stop, first)``
    allows (fits must grow false as stop grows). A heading row (group, soc) never ends a part
    that has rows after it. The first part may be empty (the first slide is full without the
    table). None when a single row does not fit."""
    n = len(levels)
    parts: list[range] = []
    start = 0
    while start < n:
        first = not parts
        if not fits(start, start + 1, first):
            if first and first_may_be_empty and fits(start, start, True):
                parts.append(range(start, start))
                continue
            return None
        lo, hi = start + 1, n  # lo fits; find the largest stop that fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(start, mid, first):
                lo = mid
            else:
                hi = mid - 1
        stop = lo
        while stop < n and stop - 1 > start and levels[stop - 1] in HEADING_LEVELS:
            stop -= 1  # keep a heading with the rows under it
        parts.append(range(start, stop))
        start = stop
    return parts
