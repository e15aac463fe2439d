"""Kaplan-Meier curves and forest plots drawn by matplotlib into a plot area that compose fixed."""
from __future__ import annotations

from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from posterdeck.pagemodel.charts import CENSOR_MARK, CI_WIDTH, CURVE_WIDTH, ESTIMATE_MARK, GUIDE_WIDTH


def _ticks(axis, ticks) -> None:
    """The ticks resolve decided, labelled as it printed them (the PPTX shows the same)."""
    axis.set_major_locator(FixedLocator([t for t, _ in ticks]))
    axis.set_major_formatter(FixedFormatter([label for _, label in ticks]))
    axis.set_minor_locator(NullLocator())


def _style(ax, rgb, fp_small) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=rgb["text"], labelsize=fp_small.get_size())
    for lab in ax.get_xticklabels() + ax.get_yticklabels():
        lab.set_fontproperties(fp_small)


def kaplan_meier(ax, chart, rgb, fp, fp_small) -> None:
    """Step curves per arm, '+' censor marks, dashed median lines (survminer's conventions)."""
    for c in chart.curves:
        st = c.steps
        colour = rgb[c.color]
        t = list(st.time) + [chart.x_max] if st.time[-1] < chart.x_max else list(st.time)
        s = [v * 100 for v in st.survival] + ([st.survival[-1] * 100] if st.time[-1] < chart.x_max else [])
        ax.step(t, s, where="post", color=colour, linewidth=CURVE_WIDTH, label=c.name)
        cens = [x for x in st.censor_time if x <= chart.x_max]
        ax.plot(cens, [st.at(x) * 100 for x in cens], linestyle="none", marker="+", markersize=CENSOR_MARK,
                markeredgewidth=0.8, color=colour)
        if chart.medians and st.median is not None:
            ax.plot([0, st.median, st.median], [50, 50, 0], linestyle=(0, (3, 2)), linewidth=GUIDE_WIDTH,
                    color=rgb["grey"])
    ax.set_xlim(0, chart.x_max)
    ax.set_ylim(0, 102)
    ax.yaxis.set_major_locator(FixedLocator([0, 20, 40, 60, 80, 100]))
    _ticks(ax.xaxis, chart.tick_labels or [(t, f"{t:g}") for t in chart.ticks])
    ax.set_xlabel(chart.time_title_text(), fontproperties=fp)  # compose's lines
    ax.set_ylabel(chart.value_title_text(), fontproperties=fp)
    _style(ax, rgb, fp_small)
    if chart.legend and len(chart.curves) > 1:  # in compose's columns and lines
        handles, _ = ax.get_legend_handles_labels()
        ax.legend(handles, chart.legend_labels(), prop=fp_small, frameon=False, loc="lower left",
                  bbox_to_anchor=(0, 1.0), ncol=chart.legend_columns or len(chart.curves), handlelength=1.5,
                  borderaxespad=0.2)


def forest(ax, chart, rgb, fp, fp_small) -> None:
    """Squares with 95% CI lines on a log-2 axis, the line of no effect, rows top to bottom."""
    n = len(chart.rows)
    colour = rgb[chart.color]
    for i, r in enumerate(chart.rows):
        y = n - i - 0.5
        ax.plot([r.ci[0], r.ci[1]], [y, y], color=rgb["text"], linewidth=CI_WIDTH)
        ax.plot([r.value], [y], marker="D" if r.level == 0 else "s", markersize=ESTIMATE_MARK,
                color=colour, linestyle="none")
    ax.axvline(chart.reference, color=rgb["grey"], linewidth=GUIDE_WIDTH, linestyle=(0, (3, 2)))
    ax.set_xscale("log", base=2)
    ax.set_xlim(chart.x_min, chart.x_max)
    ax.set_ylim(0, n)
    _ticks(ax.xaxis, chart.ticks)  # powers of two, as resolve printed them
    ax.yaxis.set_visible(False)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(chart.x_title_text(), fontproperties=fp)  # compose's lines
    _style(ax, rgb, fp_small)
