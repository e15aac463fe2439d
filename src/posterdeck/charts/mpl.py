"""A resolved chart -> a one-page vector PDF of exactly the slot's size (so font sizes are true
points), text kept as text in embedded TrueType (pdf.fonttype 42), no timestamps."""
from __future__ import annotations

import io

from posterdeck.pagemodel.charts import CI_WIDTH


def import_matplotlib() -> None:
    """Import the parts of matplotlib that drawing needs (half a second): done ahead by the
    processes that will draw. matplotlib writes, as each of its artist classes is defined, a
    help text listing every property of the class (matplotlib.artist.kwdoc, a tenth of the
    import's time); drawing never reads them, so they are left short while importing here."""
    import matplotlib
    from matplotlib import artist

    kwdoc = artist.kwdoc
    artist.kwdoc = _short_kwdoc
    try:
        matplotlib.use("Agg")
        from matplotlib.backends import backend_pdf  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    finally:
        artist.kwdoc = kwdoc

    from posterdeck.charts import fonts, mpl_survival  # noqa: F401


def _short_kwdoc(artist) -> str:
    return "Properties: see matplotlib.artist.kwdoc()."


def charts_pdf(charts: list[tuple]) -> bytes:
    """Several charts as the pages of one vector PDF, page i for charts[i], each page exactly its
    slot's size (font sizes are true points), text as embedded TrueType (pdf.fonttype 42).
    One file for all charts of a document: the fonts are subset once, not once per chart.
    Each item: (chart, w, h, (font_size, label_size), rgb, font_file, bold_file, plot): compose's
    sizes, label_size for data labels, tick labels and legends."""
    return draw_items(normalized(charts))


def normalized(charts: list[tuple]) -> tuple:
    """The items of charts_pdf() as a hashable tuple (the colours as sorted pairs)."""
    return tuple((c, w, h, fs, tuple(sorted(rgb.items())), f, b, plot) for c, w, h, fs, rgb, f, b, plot in charts)


_DRAWN: dict[tuple, bytes] = {}  # charts drawn in this process or by its helper, oldest first


def draw_items(items: tuple) -> bytes:
    """charts_pdf() of normalized items, drawn once per process: the print and screen posters
    share their charts, and so do the targets of a batch that share a language."""
    data = _DRAWN.get(items)
    if data is None:
        data = _draw(items)
        remember(items, data)
    return data


def remember(items: tuple, data: bytes) -> None:
    """Keep charts drawn here or by the helper (the last 16 sets)."""
    _DRAWN[items] = data
    while len(_DRAWN) > 16:
        del _DRAWN[next(iter(_DRAWN))]


def _draw(items: tuple) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages

    from posterdeck.charts import subsets
    from posterdeck.charts.fonts import chart_font, chart_text

    buf = io.BytesIO()
    with subsets.kept(), matplotlib.rc_context({"pdf.fonttype": 42, "svg.fonttype": "none",
                                                "hatch.linewidth": 0.5, "axes.linewidth": 0.6}):
        with PdfPages(buf, metadata={"Creator": None, "Producer": None, "CreationDate": None}) as pages:
            text = chart_text(item[0] for item in items)
            for chart, w, h, font_size, rgb_items, font_file, bold_file, plot in items:
                pages.savefig(figure(chart, w, h, font_size, dict(rgb_items), chart_font(font_file, text),
                                     chart_font(bold_file, text), plot))
    return buf.getvalue()


def figure(chart, w: float, h: float, sizes: tuple[float, float], rgb: dict[str, str], font_file: str,
           bold_file: str, plot: tuple | None = None):
    """The matplotlib Figure of one chart at its slot's size; ``sizes`` (type size, label size)
    as compose decided them."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font_size, small = sizes
    with matplotlib.rc_context({"axes.linewidth": 0.6, "font.size": font_size}):
        fp = FontProperties(fname=font_file, size=font_size)
        fp_small = FontProperties(fname=font_file, size=small)
        fp_bold = FontProperties(fname=bold_file, size=font_size)
        if chart.type in ("kaplan_meier", "forest"):
            from posterdeck.charts import mpl_survival

            fig = Figure(figsize=(w / 72, h / 72))
            fig.patch.set_visible(False)
            left, top, pw, ph = plot
            ax = fig.add_axes((left / w, 1 - (top + ph) / h, pw / w, ph / h))
            ax.patch.set_visible(False)
            draw = mpl_survival.kaplan_meier if chart.type == "kaplan_meier" else mpl_survival.forest
            draw(ax, chart, rgb, fp, fp_small)
            return fig
        fig = Figure(figsize=(w / 72, h / 72))
        horizontal = chart.type.endswith("_bar")
        # the value axis' length, as _fit will leave it: the slot minus titles and legend
        reserved = font_size * (2.6 + (1.7 + 1.2 * max(len(chart.title_lines) - 1, 0) if chart.title else 0)
                                + (1.7 if chart.legend and len(chart.series) > 1 else 0))
        axis_pts = w * 0.6 if horizontal else h - reserved
        # a first guess close to the final place, so that the value axis gets the ticks it will keep
        left = font_size * (8.0 if horizontal else 4.5)
        ax = fig.add_axes((left / w, font_size * 2.6 / h, max(w - left - 4, 1) / w, max(axis_pts, 1.0) / h))
        fig.patch.set_visible(False)  # the panel behind shows through; no transparency is used
        ax.patch.set_visible(False)
        _bars(ax, chart, rgb, fp, fp_small)
        value_axis = ax.xaxis if horizontal else ax.yaxis
        cat_axis = ax.yaxis if horizontal else ax.xaxis
        if chart.value_title:  # in compose's lines, as the title and the categories
            (ax.set_xlabel if horizontal else ax.set_ylabel)(chart.value_title_text(), fontproperties=fp)
        if chart.category_title:
            (ax.set_ylabel if horizontal else ax.set_xlabel)(chart.category_title_text(), fontproperties=fp)
        title_text = (fig.suptitle(chart.title_text(), fontproperties=fp_bold, y=1 - PAD / h, va="top",
                                   linespacing=1.2) if chart.title else None)
        for lab in value_axis.get_ticklabels() + cat_axis.get_ticklabels():
            lab.set_fontproperties(fp_small)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(colors=rgb["text"], labelsize=small)
        if chart.legend and len(chart.series) > 1:  # in compose's columns and lines
            handles, _ = ax.get_legend_handles_labels()
            ax.legend(handles, chart.legend_labels(), prop=fp_small, frameon=False, loc="lower center",
                      bbox_to_anchor=(0.5, 1.0), ncol=chart.legend_columns or min(len(chart.series), 3),
                      handlelength=1.0, borderaxespad=0.2)
        _fit(fig, ax, title_text)
        return fig


PAD = 2.0  # points between a chart's outermost text and its slot's edge


def _fit(fig, ax, title) -> None:
    """Move the axes so that their tick labels, axis titles and legend, and the chart title
    above, fit the slot with PAD to spare: what matplotlib's constrained layout did, measured in
    one pass instead of two (those passes were half the time a bar chart took to draw)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    width, height, pad = fig.bbox.width, fig.bbox.height, PAD * fig.dpi / 72  # in pixels
    tight, box = ax.get_tightbbox(renderer), ax.bbox
    top = tight.y1 - box.y1 + pad + (title.get_window_extent(renderer).height + pad if title is not None else 0)
    x0, y0 = (box.x0 - tight.x0 + pad) / width, (box.y0 - tight.y0 + pad) / height
    x1, y1 = 1 - (tight.x1 - box.x1 + pad) / width, 1 - top / height
    ax.set_position((x0, y0, max(x1 - x0, 0.05), max(y1 - y0, 0.05)))




def _bars(ax, chart, rgb, fp, fp_small) -> None:
    """The bars, error bars and data labels, with the gap, label places and colours resolve
    decided and the thin segments compose moved out (``beside``)."""
    n_cat = len(chart.categories)
    n_ser = len(chart.series)
    stacked = chart.type.startswith("stacked")
    horizontal = chart.type.endswith("_bar")
    bars_per_category = 1 if stacked else n_ser
    width = 1 / (bars_per_category + chart.gap)  # one bar's, in categories
    group = width * bars_per_category
    bottoms = [0.0] * n_cat
    positions = list(range(n_cat))
    for j, s in enumerate(chart.series):
        pos = positions if stacked else [p - group / 2 + width * (j + 0.5) for p in positions]
        colour = rgb[s.color]
        kw = dict(color=colour, edgecolor="white", linewidth=0.5, label=s.name)
        if horizontal:
            bars = ax.barh(pos, s.values, width, left=bottoms if stacked else 0, **kw)
        else:
            bars = ax.bar(pos, s.values, width, bottom=bottoms if stacked else 0, **kw)
        if chart.error_bars and any(s.cis):
            lo = [v - c[0] if c else 0 for v, c in zip(s.values, s.cis)]
            hi = [c[1] - v if c else 0 for v, c in zip(s.values, s.cis)]
            # colour set for the caps too: matplotlib's default blue would stay in the print PDF
            err = dict(ecolor=rgb["text"], color=rgb["text"], elinewidth=CI_WIDTH, capsize=2.5, capthick=CI_WIDTH,
                       fmt="none")
            if horizontal:
                ax.errorbar(s.values, pos, xerr=[lo, hi], **err)
            else:
                ax.errorbar(pos, s.values, yerr=[lo, hi], **err)
        if chart.data_labels:
            text_colour = rgb[chart.label_colour]
            labels = list(s.labels)
            if chart.label_place == "base":
                # clear of the error bars: inside the bar's base
                for b, lab in zip(bars, labels):
                    x = b.get_x() + b.get_width() / 2
                    if horizontal:
                        ax.text(b.get_width() * 0.04, b.get_y() + b.get_height() / 2, lab, va="center",
                                ha="left", fontproperties=fp_small, color=text_colour)
                    else:
                        ax.text(x, b.get_height() * 0.04, lab, ha="center", va="bottom", fontproperties=fp_small,
                                color=text_colour)
            else:
                beside = [bool(d) for d in s.beside] or [False] * len(labels)
                inside = ["" if out else lab for lab, out in zip(labels, beside)]
                centre = chart.label_place == "centre"
                for t in ax.bar_label(bars, labels=inside, label_type="center" if centre else "edge",
                                      padding=0 if centre else 2):
                    t.set_fontproperties(fp_small)
                    t.set_color(text_colour)
                for b, lab, out in zip(bars, labels, beside):  # a thin segment: its label beside the bar
                    if out:
                        if horizontal:
                            ax.text(b.get_x() + b.get_width() / 2, b.get_y() + b.get_height() + 0.02, lab,
                                    ha="center", va="top", fontproperties=fp_small, color=rgb["text"])
                        else:
                            ax.text(b.get_x() + b.get_width() + 0.03, b.get_y() + b.get_height() / 2, lab,
                                    ha="left", va="center", fontproperties=fp_small, color=rgb["text"])
        if stacked:
            bottoms = [b + v for b, v in zip(bottoms, s.values)]
    categories = chart.category_labels()  # broken into lines by compose
    if horizontal:
        ax.set_yticks(positions, categories)
        ax.invert_yaxis()
    else:
        ax.set_xticks(positions, categories)
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    (ax.set_xlim if horizontal else ax.set_ylim)(chart.axis_min, chart.axis_max)
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_locator(FixedLocator([t for t, _ in chart.ticks]))
    value_axis.set_major_formatter(FixedFormatter([label for _, label in chart.ticks]))
    value_axis.set_minor_locator(NullLocator())
