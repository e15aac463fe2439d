"""Chart titles and axis titles broken by compose into the lines both painters show.

matplotlib centres a chart's title on one line and clips what is wider than the chart; PowerPoint
and LibreOffice wrap it where they like. So compose breaks a bar or column chart's title (bold,
at the chart's type size, across the chart less its margins) and its axis titles (along their
axis) into lines measured with compose's fonts, as it does for category labels, and both
matplotlib and the PPTX chart write exactly those lines. Kaplan-Meier and forest plots have
their title set by compose as a text box; their axis titles are broken here too.
A title that needs more than MAX_TITLE_LINES lines, or has a word wider than the chart, is a
warning naming the chart and the file."""
from __future__ import annotations

from dataclasses import replace

from posterdeck.compose.blocks import Ctx
from posterdeck.pagemodel import Chart, TextBox

MAX_TITLE_LINES = 3
TITLE_SHARE = 0.8  # the share of the chart's width a title line may take: PowerPoint and LibreOffice
# wrap a chart title wider than 80 % of the chart again, at their own places
TITLE_SLACK = 2.0  # points to spare for the viewers' own measuring of the same font
TITLE_LEADING = 1.2  # a title line's height, in type sizes
AXIS_SHARE = 0.8  # the share of its axis' length an axis title may take


def title_room(w: float) -> float:
    """The width a chart title's lines may take in a chart ``w`` wide."""
    return max(w * TITLE_SHARE - TITLE_SLACK, 1.0)


def title_line_count(chart, w: float, fs: float, ctx: Ctx) -> int:
    """How many lines the title of ``chart`` takes in a chart ``w`` wide (0: no title)."""
    if not chart.title:
        return 0
    from posterdeck.compose.chartblocks import break_label

    return len(break_label(chart.title, title_room(w), fs, ctx, bold=True))


def extra_title_height(chart, w: float, fs: float, ctx: Ctx) -> float:
    """The height a title takes beyond its first line (the room a plot area leaves for it)."""
    return max(title_line_count(chart, w, fs, ctx) - 1, 0) * fs * TITLE_LEADING


def axis_lines(text: str, room: float, fs: float, ctx: Ctx) -> tuple[str, ...]:
    """An axis title in lines at most ``room`` long at type size ``fs`` (none without a title)."""
    from posterdeck.compose.chartblocks import break_label

    return tuple(break_label(text, max(room, fs * 3), fs, ctx)) if text else ()


def bar_titles(chart, w: float, h: float, fs: float, ctx: Ctx):
    """``chart`` (an RChart in a box ``w`` x ``h``) with its title and axis titles broken into
    lines: the title across the chart, the value and category titles along their axes."""
    from posterdeck.compose.chartblocks import break_label

    horizontal = chart.type.endswith("_bar")
    value_axis, category_axis = (w, h) if horizontal else (h, w)
    title = tuple(break_label(chart.title, title_room(w), fs, ctx, bold=True)) if chart.title else ()
    value = axis_lines(chart.value_title, value_axis * AXIS_SHARE, fs, ctx)
    category = axis_lines(chart.category_title, category_axis * AXIS_SHARE, fs, ctx)
    return replace(chart, title_lines=title, value_title_lines=value, category_title_lines=category)


def overflows(lines, room: float, size: float, weight: str, max_lines: int, fonts) -> bool:
    """Whether a chart text's final lines break its limits: more than ``max_lines`` lines, or a
    line wider than ``room`` at ``size`` (a word too wide even hyphenated). The one test of the
    title and category-label warnings."""
    return len(lines) > max_lines or bool(size) and any(fonts.width(ln, weight, size) > room + 0.5 for ln in lines)


def title_warnings(pages: list, fonts, where: str) -> list[str]:
    """The warnings of the chart titles as finally placed on ``pages``: a title that takes more
    than MAX_TITLE_LINES lines, or has a word wider than the chart even hyphenated."""
    out = []
    for page in pages:
        for box in page.boxes:
            chart_id, lines, room, size = None, (), 0.0, 0.0
            if isinstance(box, Chart) and getattr(box.chart, "title_lines", ()):
                chart_id, lines = box.chart.id, box.chart.title_lines
                room, size = title_room(box.w), box.font_size
            elif isinstance(box, TextBox) and box.role == "chart-title" and box.name.startswith("chart-title:"):
                chart_id = box.name.split(":", 1)[1]
                para = box.paragraphs[0]
                lines = ["".join(sp.text for sp in ln.spans).strip() for ln in para.lines]
                room = box.w - 2 * box.padding  # the text stands inside the padding
                size = para.lines[0].spans[0].size if para.lines and para.lines[0].spans else 0.0
            if chart_id is None or not lines:
                continue
            if overflows(lines, room, size, "bold", MAX_TITLE_LINES, fonts):
                text = (f"{where}: chart {chart_id!r}: its title takes {len(lines)} lines "
                        f"(at most {MAX_TITLE_LINES} fit above the plot; {room:.0f} pt wide at {size:g} pt); "
                        f"shorten it in content.yaml (charts.{chart_id}.title, or its translation), "
                        f"or give the chart more width")
                if text not in out:
                    out.append(text)
    return out


# matplotlib's legend geometry, in label sizes (its defaults, and the handle lengths the painters ask)
LEGEND_PAD = 0.4  # borderpad, each side
LEGEND_TEXT_PAD = 0.8  # handletextpad
LEGEND_SPACING = 2.0  # columnspacing
BAR_HANDLE, CURVE_HANDLE = 1.0, 1.5


def legend_layout(names: list[str], room: float, small: float, handle: float, most: int,
                  ctx: Ctx) -> tuple[int, tuple[tuple[str, ...], ...]]:
    """The legend's columns (at most ``most``) and each entry's lines, so that the legend is no
    wider than ``room`` at the label size ``small``: as many columns as fit side by side, else
    one column with the names broken into lines."""
    from posterdeck.compose.chartblocks import break_label

    mark = (handle + LEGEND_TEXT_PAD) * small
    frame = 2 * LEGEND_PAD * small
    widest = max((ctx.fonts.width(n, "regular", small) for n in names), default=0.0) + mark
    for cols in range(min(most, len(names)), 1, -1):
        if cols * widest + (cols - 1) * LEGEND_SPACING * small + frame <= room:
            return cols, tuple((n,) for n in names)
    text_room = max(room - frame - mark, small * 3)
    return 1, tuple(tuple(break_label(n, text_room, small, ctx)) for n in names)


def bar_legend(chart, w: float, fs: float, small: float, ctx: Ctx):
    """``chart`` with its legend laid out within the plot's width (it stands centred above it)."""
    if not chart.legend or len(chart.series) < 2:
        return chart
    axes = w * 0.62 - 4 if chart.type.endswith("_bar") else w - fs * 4.5 - 4
    cols, lines = legend_layout([s.name for s in chart.series], axes, small, BAR_HANDLE, 3, ctx)
    return replace(chart, legend_columns=cols, legend_lines=lines)
