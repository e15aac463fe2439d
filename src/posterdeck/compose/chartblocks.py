"""Chart blocks: how tall each chart may be, and charts whose parts must line up with text.

Every chart has a preferred and a maximum height decided here, from the chart itself, so that
a column with room to spare never stretches a chart out of shape:

- bar and column charts: no taller than their width times their ``aspect``, where the width
  that counts is capped per category (a two-bar column chart in a wide slot is as tall as a
  sensible two-bar chart, not as the slot), and horizontal bar charts no taller than a band
  per category;
- Kaplan-Meier plots: their width times their ``aspect`` (the number-at-risk table included);
- forest plots: from their rows (at most 1.5 times their tightest height).

Kaplan-Meier curves carry a number-at-risk table under the time axis, and forest plots label, n
and estimate columns beside the rows: compose fixes the plot area so that both renderers draw
the axes exactly where the table is."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from posterdeck.compose.blocks import Ctx
from posterdeck.compose.charttitles import (AXIS_SHARE, CURVE_HANDLE, TITLE_LEADING, axis_lines, bar_legend,
                                            bar_titles, extra_title_height, legend_layout, overflows)
from posterdeck.compose.text import Piece, TextStyle, paragraph
from posterdeck.pagemodel import Chart, TextBox

# Caps of a bar or column chart, in its own type size (fs):
AXIS_W = 5.0  # the value axis with its tick labels, beside the bars of a column chart
BAR_W = 10.0  # the widest a column is worth (a category's columns stand side by side)
CATEGORY_GAP = 6.0  # between two categories' columns
BAR_H = 2.6  # the tallest a horizontal bar is worth
BAND_GAP = 1.6  # between two categories' bars
BAR_FRAME = 7.0  # title, legend, axis labels and titles around a horizontal bar chart


def label(ctx: Ctx, text: str, x: float, y: float, w: float, size: float, *, bold=False, align="left",
          color="text", role="chart-text") -> TextBox:
    st = TextStyle(size, 1.2, bold, False, color, align)
    para = paragraph([Piece(text)], st, w, ctx.fonts, ctx.where)
    return TextBox(x, y, w, max(len(para.lines), 1) * size * 1.2, (para,), role=role)


LABEL_SCALE = 0.9  # data labels, tick labels and legends, against the chart's type size


def label_size(ctx: Ctx, fs: float) -> float:
    """The size of a chart's small text (data labels, tick labels, legend) at type size ``fs``:
    a tenth smaller, never below the chart style's min_size. Both renderers use it."""
    return max(fs * LABEL_SCALE, ctx.layout.styles["chart"].smallest)


def bar_chart_width(chart, width: float, fs: float) -> float:
    """The width a bar or column chart can use in a slot ``width`` wide with type of ``fs``
    points: a column chart's categories are worth at most so much width each."""
    if chart.type.endswith("_bar"):
        return width
    bars = 1 if chart.type.startswith("stacked") else max(len(chart.series), 1)
    n = max(len(chart.categories), 1)
    return min(width, fs * (AXIS_W + n * (bars * BAR_W + CATEGORY_GAP)))


def bar_chart_max(chart, width: float, fs: float, title_extra: float = 0.0) -> float:
    """The tallest a bar or column chart should be in a slot ``width`` wide with type of ``fs``
    points: a column chart its useful width times its aspect, a horizontal one a band of bars
    per category plus its frame; both plus ``title_extra``, the height of the title's lines
    beyond its first (the plot keeps its size under a title of two or three lines)."""
    if chart.type.endswith("_bar"):
        bars = 1 if chart.type.startswith("stacked") else max(len(chart.series), 1)
        n = max(len(chart.categories), 1)
        frame = BAR_FRAME + (2.0 if chart.title else 0.0) + (2.0 if chart.legend and len(chart.series) > 1 else 0.0)
        return fs * (frame + n * (bars * BAR_H + BAND_GAP)) + title_extra
    return bar_chart_width(chart, width, fs) * chart.aspect + title_extra


def thin_segments(chart, w: float, h: float, fs: float, small: float, fonts):
    """``chart`` with the labels of stacked segments too thin to hold them (under 1.6 label
    sizes along the value axis) moved out beside their bar: right of a column, below a
    horizontal bar; each label's ``beside`` is how far its centre moves, in points. The plot
    area is the one matplotlib starts from (the slot less the axis titles, title and legend)."""
    if not chart.type.startswith("stacked") or not chart.data_labels:
        return chart
    horizontal = chart.type.endswith("_bar")
    reserved = fs * (2.6 + (1.7 + 1.2 * max(len(chart.title_lines) - 1, 0) if chart.title else 0)
                     + (1.7 if chart.legend and len(chart.series) > 1 else 0))
    axis = max(w * 0.6 if horizontal else h - reserved, 1.0)  # the value axis
    across = max(h - reserved if horizontal else w - fs * 4.5 - 4, 1.0)  # the category axis
    category = across / max(len(chart.categories), 1)
    half_bar = category / (1 + chart.gap) / 2
    span = chart.axis_max - chart.axis_min

    def shift(value: float, text: str) -> float:
        if value / span * axis >= small * 1.6:
            return 0.0
        if horizontal:
            return round(half_bar + 0.02 * category + small * 0.6, 2)
        return round(half_bar + 0.03 * category + fonts.width(text, "regular", small) / 2, 2)

    return replace(chart, series=tuple(replace(s, beside=tuple(shift(v, t) for v, t in zip(s.values, s.labels)))
                                       for s in chart.series))


CATEGORY_FILL = 0.9  # the share of a category's width its label's lines may take (the rest parts two labels)
BAR_LABEL_SHARE = 0.35  # the most of a horizontal bar chart's width its category labels may take


def category_room(chart, w: float, fs: float, small: float) -> float:
    """The width a category label may take in a bar or column chart ``w`` wide: a column
    chart's category width (the plot as matplotlib starts from it, shared by the categories)
    less the gap between two labels; a horizontal bar chart's label column."""
    if chart.type.endswith("_bar"):
        return max(w * BAR_LABEL_SHARE, small * 3)
    across = max(w - fs * 4.5 - 4, 1.0)
    return max(across / max(len(chart.categories), 1) * CATEGORY_FILL, small * 2)


def category_lines(chart, w: float, fs: float, small: float, ctx: Ctx) -> tuple[object, list[str]]:
    """``chart`` with each category label broken into the lines both painters show (at the label
    size, measured with compose's fonts; a word too long for the line is hyphenated as the
    target's language allows), and the categories no break makes fit (for a warning)."""
    room = category_room(chart, w, fs, small)
    lines, unfit = [], []
    for text in chart.categories:
        broken = break_label(text, room, small, ctx)
        lines.append(tuple(broken))
        if any(ctx.fonts.width(ln, "regular", small) > room + 0.5 for ln in broken):
            unfit.append(text)
    return replace(chart, category_lines=tuple(lines)), unfit


def break_label(text: str, room: float, size: float, ctx: Ctx, *, bold: bool = False) -> list[str]:
    """``text`` in lines at most ``room`` wide at ``size``: laid out as a one-style paragraph by
    compose's own breaker (compose.text.paragraph), so a label breaks where body text would and
    nowhere else: at spaces, never inside a no-break space or between a number and its unit or
    operator, after a hyphen or slash only with four letters on each side, then at the target
    language's hyphenation points, between characters only as the last resort."""
    text = text.strip()
    if not text:
        return [text]
    st = TextStyle(size, 1.2, bold, False, "text", "center")
    para = paragraph([Piece(text)], st, room, ctx.fonts, ctx.where, language=ctx.language)
    lines = ["".join(sp.text for sp in ln.spans).strip() for ln in para.lines]
    return [ln for ln in lines if ln] or [text]


@dataclass
class ChartBlock:
    """A bar or column chart (painted whole by the renderers)."""

    chart: object  # RChart
    ctx: Ctx

    def _fs(self, scale: float) -> float:
        return self.ctx.style("chart", scale).size

    def _title_extra(self, width: float, fs: float) -> float:
        """The height of the title's lines beyond the first, at the width it will have."""
        return extra_title_height(self.chart, bar_chart_width(self.chart, width, fs), fs, self.ctx)

    def max_height(self, width: float, scale: float) -> float:
        fs = self._fs(scale)
        return bar_chart_max(self.chart, width, fs, self._title_extra(width, fs))

    def pref_height(self, width: float, scale: float) -> float:
        extra = self._title_extra(width, self._fs(scale))
        return min(width * self.chart.aspect + extra, self.max_height(width, scale))

    def min_height(self, width: float, scale: float) -> float:
        return min(self.pref_height(width, scale), self.ctx.layout.chart_min_height)

    def place(self, x, y, width, h, scale) -> list:
        """The chart in its slot: no taller than its maximum; a column chart that reaches it
        with few categories is no wider than they are worth, centred (a squeezed one keeps the
        slot's width)."""
        fs = self._fs(scale)
        most = max(self.max_height(width, scale), self.min_height(width, scale))
        w = bar_chart_width(self.chart, width, fs) if h >= most - 0.5 else width
        h = min(h, most)
        small = label_size(self.ctx, fs)
        chart, _ = category_lines(self.chart, w, fs, small, self.ctx)
        chart = bar_titles(chart, w, h, fs, self.ctx)
        chart = bar_legend(chart, w, fs, small, self.ctx)
        chart = thin_segments(chart, w, h, fs, small, self.ctx.fonts)
        return [Chart(x + (width - w) / 2, y, w, h, chart, fs, name=f"chart:{self.chart.id}", label_size=small)]

    def text(self) -> str:
        return "\n".join(t for t in self.chart.texts() if t)


@dataclass
class KaplanMeierBlock:
    chart: object  # RKaplanMeier
    ctx: Ctx

    def pref_height(self, width, scale):
        return width * self.chart.aspect

    def min_height(self, width, scale):
        return min(self.pref_height(width, scale), self.ctx.layout.chart_min_height * 1.4)

    max_height = pref_height

    def text(self):
        return "\n".join(t for t in self.chart.texts() if t)

    def place(self, x, y, w, h, scale) -> list:
        """The plot at its aspect: no taller than its width allows, and when its slot is too low
        for the width, narrower and centred rather than flattened."""
        c, ctx = self.chart, self.ctx
        h = min(h, self.max_height(w, scale))
        narrow = min(w, h / c.aspect)
        x, w = x + (w - narrow) / 2, narrow
        fs = ctx.style("chart", scale).size
        lh = fs * 1.3
        boxes = []
        top_y = y
        if c.title:
            boxes.append(replace(label(ctx, c.title, x, y, w, fs, bold=True, align="center", role="chart-title"),
                                 name=f"chart-title:{c.id}"))
            top_y += boxes[-1].h + fs * 0.3
        table_h = (len(c.curves) + 1) * lh + fs * 0.4 if c.at_risk else 0.0
        cell = fs * 3.2  # width of one at-risk count, centred on its tick
        names_w = max((ctx.fonts.width(cv.name, "regular", fs) for cv in c.curves), default=0)
        left = max(names_w + cell / 2 + fs * 0.6 if c.at_risk else 0, fs * 4.5)
        right, top, bottom = fs * 1.5, fs * (2.2 if c.legend else 0.8), fs * 3.4
        chart_h = y + h - top_y - table_h
        # the axis titles in lines along their axes; lines beyond the first widen the margins
        value_lines = axis_lines(c.value_title, (chart_h - top - bottom) * AXIS_SHARE, fs, ctx)
        left += max(len(value_lines) - 1, 0) * fs * TITLE_LEADING
        time_lines = axis_lines(c.time_title, (w - left - right) * AXIS_SHARE, fs, ctx)
        bottom += max(len(time_lines) - 1, 0) * fs * TITLE_LEADING
        c = replace(c, time_title_lines=time_lines, value_title_lines=value_lines)
        plot = (left, top, w - left - right, chart_h - top - bottom)
        if c.legend and len(c.curves) > 1:  # from the plot's left edge to the chart's right one
            cols, names = legend_layout([cv.name for cv in c.curves], plot[2] + right - 2, label_size(ctx, fs),
                                        CURVE_HANDLE, len(c.curves), ctx)
            c = replace(c, legend_columns=cols, legend_lines=names)
        boxes.append(Chart(x, top_y, w, chart_h, c, fs, name=f"chart:{c.id}", plot=plot,
                           label_size=label_size(ctx, fs)))
        if c.at_risk:
            ty = top_y + chart_h + fs * 0.4
            boxes.append(label(ctx, c.at_risk_title, x, ty, w, fs, bold=True, role="at-risk"))
            for i, cv in enumerate(c.curves):
                ry = ty + (i + 1) * lh
                boxes.append(label(ctx, cv.name, x, ry, left - cell / 2 - fs * 0.3, fs, color=cv.color,
                                   role="at-risk"))
                for t, n in zip(c.ticks, cv.at_risk):
                    cx = x + left + plot[2] * t / c.x_max
                    boxes.append(label(ctx, n, cx - cell / 2, ry, cell, fs, align="center", role="at-risk"))
        return boxes


@dataclass
class ForestBlock:
    chart: object  # RForest
    ctx: Ctx

    def _frame(self, w: float, scale: float) -> tuple[float, float, float, float, tuple[str, ...]]:
        """Type size, the title's height, the axis band's height, the least row height and the
        axis title's lines at width ``w``: labels that wrap (a narrow column) make their rows
        and bands taller."""
        c, ctx = self.chart, self.ctx
        fs = ctx.style("chart", scale).size
        memo = self.__dict__.setdefault("_memo", {})
        key = (round(w, 4), fs)
        if key not in memo:
            line = fs * 1.2
            title_h = label(ctx, c.title, 0, 0, w, fs, bold=True).h + fs * 0.6 if c.title else 0.0
            x_lines = axis_lines(c.x_title, self._plot_w(w) * AXIS_SHARE, fs, ctx)
            axis_h = fs * 3.6 + max(len(x_lines) - 1, 0) * line
            if c.favours:
                half = w * 0.3
                lines = max(len(label(ctx, t, 0, 0, half, fs).paragraphs[0].lines) for t in self._favours())
                axis_h = fs * 5.2 + (lines - 1) * line + max(len(x_lines) - 1, 0) * line
            label_w = w * 0.32
            tallest_label = max([label(ctx, r.label, 0, 0, label_w - (fs if r.level else 0.0), fs, bold=r.level == 0).h
                                 for r in c.rows] + [label(ctx, c.columns[0], 0, 0, label_w, fs, bold=True).h])
            memo[key] = (fs, title_h, axis_h, max(fs * 1.75, tallest_label + fs * 0.4), x_lines)
        return memo[key]

    @staticmethod
    def _plot_w(w: float) -> float:
        """The forest plot's own width (its Chart box) in a block ``w`` wide: less the label, n
        and estimate columns."""
        return w - w * 0.32 - w * 0.08 - w * 0.22

    def _favours(self) -> tuple[str, str]:
        left, right = self.chart.favours
        return "\u2190 " + left, right + " \u2192"

    def min_height(self, width, scale):
        fs, title_h, axis_h, row, _ = self._frame(width, scale)
        return title_h + (len(self.chart.rows) + 1) * row + axis_h

    def pref_height(self, width, scale):
        return max(self.min_height(width, scale), min(width * self.chart.aspect, self.min_height(width, scale) * 1.5))

    max_height = pref_height

    def text(self):
        return "\n".join(t for t in self.chart.texts() if t)

    def place(self, x, y, w, h, scale) -> list:
        c, ctx = self.chart, self.ctx
        h = min(h, self.max_height(w, scale))
        fs, title_h, axis_h, _, x_lines = self._frame(w, scale)
        c = replace(c, x_title_lines=x_lines)
        boxes = []
        top_y = y
        if c.title:
            boxes.append(replace(label(ctx, c.title, x, y, w, fs, bold=True, align="center", role="chart-title"),
                                 name=f"chart-title:{c.id}"))
            top_y += title_h
        row = (y + h - top_y - axis_h) / (len(c.rows) + 1)
        label_w, n_w, est_w = w * 0.32, w * 0.08, w * 0.22
        plot_x = x + label_w + n_w
        plot_w = self._plot_w(w)
        est_x = plot_x + plot_w
        head = (c.columns[0], x, label_w, "left"), (c.columns[1], x + label_w, n_w, "center"), \
               (c.columns[2], est_x + fs * 0.5, est_w - fs * 0.5, "left")
        def centred(box: TextBox, top: float) -> TextBox:  # in its row, however many lines it wraps to
            return replace(box, y=top + (row - box.h) / 2)

        for text, hx, hw, align in head:
            boxes.append(centred(label(ctx, text, hx, 0, hw, fs, bold=True, align=align), top_y))
        for i, r in enumerate(c.rows):
            ry = top_y + (i + 1) * row
            indent = fs if r.level else 0.0
            boxes.append(centred(label(ctx, r.label, x + indent, 0, label_w - indent, fs, bold=r.level == 0), ry))
            boxes.append(centred(label(ctx, r.n, x + label_w, 0, n_w, fs, align="center"), ry))
            boxes.append(centred(label(ctx, r.text, est_x + fs * 0.5, 0, est_w - fs * 0.5, fs), ry))
        chart_h = (len(c.rows) + 1) * row + axis_h
        plot = (fs * 1.6, row, plot_w - fs * 3.2, len(c.rows) * row)  # room for the end tick labels
        if c.favours:
            span = math.log2(c.x_max) - math.log2(c.x_min)
            ref_x = plot_x + plot[0] + plot[2] * (math.log2(c.reference) - math.log2(c.x_min)) / span
            half = w * 0.3
            left = label(ctx, self._favours()[0], ref_x - half - fs * 0.3, 0, half, fs, align="right")
            right = label(ctx, self._favours()[1], ref_x + fs * 0.3, 0, half, fs)
            fy = top_y + chart_h - fs * 0.2 - max(left.h, right.h)  # the bottom line where one line stood
            boxes.extend((replace(left, y=fy), replace(right, y=fy)))
        boxes.append(Chart(plot_x, top_y, plot_w, chart_h, c, fs, name=f"chart:{c.id}", plot=plot,
                           label_size=label_size(ctx, fs)))
        return boxes


MAX_CATEGORY_LINES = 3  # more lines than this under one category: the label is too long for it


def category_warnings(pages: list, fonts, where: str) -> list[str]:
    """The warnings of the charts as finally placed on ``pages``: a category label that takes
    more than MAX_CATEGORY_LINES lines, or has a line wider than its category even broken
    (it would run into its neighbours). Said of the final layout, not of the sizes tried."""
    out = []
    for page in pages:
        for box in page.boxes:
            chart = getattr(box, "chart", None)
            lines = getattr(chart, "category_lines", ())
            if not isinstance(box, Chart) or not lines:
                continue
            small = box.label_size or box.font_size
            room = category_room(chart, box.w, box.font_size, small)
            bad = [text for text, broken in zip(chart.categories, lines)
                   if overflows(broken, room, small, "regular", MAX_CATEGORY_LINES, fonts)]
            if bad:
                text = (f"{where}: chart {chart.id!r}: the category label(s) {', '.join(repr(t) for t in bad)} "
                        f"do not fit their category ({room:.0f} pt wide at {small:g} pt) in "
                        f"{MAX_CATEGORY_LINES} lines, even hyphenated; shorten them in content.yaml "
                        f"(charts.{chart.id}.categories, or their translation), or give the chart more width")
                if text not in out:
                    out.append(text)
    return out
