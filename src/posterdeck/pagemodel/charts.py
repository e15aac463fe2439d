"""The charts of a page, as matplotlib and the PPTX chart writer draw them: data bound, labels
translated and formatted for the target (resolve makes them; compose sizes them). Plain frozen
data with no imports beyond the standard library, so that a helper process drawing charts
receives them without loading the rest of posterdeck."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


# Strokes and marks of every chart, in points: both renderers draw with these.
CURVE_WIDTH = 1.5  # a Kaplan-Meier curve
GUIDE_WIDTH = 0.75  # dashed guides: median lines, the line of no effect
CI_WIDTH = 0.75  # a forest row's CI line, and bar charts' error bars
CENSOR_MARK = 5.0  # the '+' on a curve where a patient was censored
ESTIMATE_MARK = 6.0  # a forest row's square (the overall row's diamond)


def joined(lines: tuple[str, ...], text: str) -> str:
    """A text as the painters write it: compose's lines joined by line breaks, else unbroken."""
    return "\n".join(lines) if lines else text


def labels_of(lines: tuple[tuple[str, ...], ...], names: list[str]) -> list[str]:
    """Names as the painters write them: compose's lines of each joined by line breaks."""
    if len(lines) == len(names):
        return ["\n".join(ln) for ln in lines]
    return names


@dataclass(frozen=True)
class Steps:
    """A right-continuous step function S(t), starting at (0, 1)."""

    time: tuple[float, ...]
    survival: tuple[float, ...]
    censor_time: tuple[float, ...]
    at_risk: tuple[tuple[float, int], ...]
    median: float | None

    def at(self, t: float) -> float:
        i = bisect_right(self.time, t) - 1
        return self.survival[i] if i >= 0 else 1.0

    def at_risk_at(self, t: float) -> int | None:
        for time, n in self.at_risk:
            if abs(time - t) < 1e-9:
                return n
        return None


@dataclass(frozen=True)
class RSeries:
    name: str
    color: str
    values: tuple[float, ...]
    cis: tuple  # (lo, hi) or None per value
    labels: tuple[str, ...] = ()  # the values as printed for the target, e.g. '78.4%', '7,7': the data
    # labels of both outputs (the PPTX's are workbook cells holding this text)
    decimals: tuple[int, ...] = ()  # each value's published decimals: its CI is rounded to them too
    beside: tuple[float, ...] = ()  # compose: per label, 0 where it stands in its bar's segment, else
    # how far (points, across the bars) its centre moves out beside the bar: a stacked segment too
    # thin to hold its label (to the right of a column, below a horizontal bar)


@dataclass(frozen=True)
class RChart:
    id: str
    type: str
    title: str
    categories: tuple[str, ...]
    series: tuple[RSeries, ...]
    value_title: str
    category_title: str
    value_min: float | None
    value_max: float | None
    data_labels: bool
    error_bars: bool
    legend: bool
    aspect: float
    alt_text: str
    decimal_comma: bool
    paths: tuple[str, ...] = ()  # the study data it draws
    value_format: str = "General"  # Excel-style, for the values in the PPTX chart's workbook: '0.0'
    # the value axis, decided once in resolve and drawn the same by matplotlib and PowerPoint:
    axis_min: float = 0.0
    axis_max: float = 1.0
    major_unit: float = 1.0
    ticks: tuple[tuple[float, str], ...] = ()  # (value, label as the target prints it)
    tick_format: str = "0"  # Excel-style, the same ticks in the PPTX chart: '0', '0.0'
    affixes: tuple[str, str] = ("", "")  # what a label prints before and after its number: ('', '\u00a0%')
    # the bars and their data labels, decided once in resolve and painted the same by both:
    gap: float = 0.4  # between two categories' bars, a share of one bar's width (PowerPoint's gap width)
    label_place: str = "end"  # "end": past the bar's end; "centre": in its segment (stacked);
    # "base": inside the bar's base, clear of the error bars
    label_colour: str = "text"  # the theme colour of the data labels (labels beside a bar: "text")
    # compose: each category label broken into the lines that fit its category's width at the
    # label size; both painters show these lines (empty: the categories unbroken)
    category_lines: tuple[tuple[str, ...], ...] = ()
    # compose: the chart title and the axis titles broken into the lines that fit the chart
    # (the title at the type size, bold, across the chart; the axis titles along their axis);
    # both painters show these lines (empty: the text unbroken)
    title_lines: tuple[str, ...] = ()
    value_title_lines: tuple[str, ...] = ()
    category_title_lines: tuple[str, ...] = ()

    # compose: the legend's columns (0: as many as fit the painter's default) and each series
    # name broken into lines when one column is still too wide (empty: the names unbroken)
    legend_columns: int = 0
    legend_lines: tuple[tuple[str, ...], ...] = ()

    def legend_labels(self) -> list[str]:
        return labels_of(self.legend_lines, [s.name for s in self.series])

    def title_text(self) -> str:
        """The chart title as the painters write it: compose's lines joined by line breaks."""
        return joined(self.title_lines, self.title)

    def value_title_text(self) -> str:
        return joined(self.value_title_lines, self.value_title)

    def category_title_text(self) -> str:
        return joined(self.category_title_lines, self.category_title)

    def category_labels(self) -> list[str]:
        """The category labels as the painters write them: their lines joined by line breaks."""
        if len(self.category_lines) == len(self.categories):
            return ["\n".join(lines) for lines in self.category_lines]
        return list(self.categories)

    def texts(self) -> list[str]:
        return [self.title, self.value_title, self.category_title, *self.categories,
                *(s.name for s in self.series)]


@dataclass(frozen=True)
class RCurve:
    name: str
    color: str
    steps: Steps
    at_risk: tuple[str, ...] = ()  # at-risk counts as printed, one per tick


@dataclass(frozen=True)
class RKaplanMeier:
    id: str
    title: str
    curves: tuple[RCurve, ...]
    x_max: float
    ticks: tuple[float, ...]
    time_title: str
    value_title: str
    medians: bool
    at_risk: bool
    at_risk_title: str
    legend: bool
    aspect: float
    alt_text: str
    decimal_comma: bool
    type: str = "kaplan_meier"
    paths: tuple[str, ...] = ()
    tick_labels: tuple[tuple[float, str], ...] = ()  # the time ticks as the target prints them
    tick_format: str = "0"  # the same in the PPTX: Excel-style, literal text where signs would vary
    # compose: the axis titles broken into the lines that fit along their axis (empty: unbroken)
    time_title_lines: tuple[str, ...] = ()
    value_title_lines: tuple[str, ...] = ()
    legend_columns: int = 0  # compose: as RChart's
    legend_lines: tuple[tuple[str, ...], ...] = ()

    def legend_labels(self) -> list[str]:
        return labels_of(self.legend_lines, [c.name for c in self.curves])

    def time_title_text(self) -> str:
        return joined(self.time_title_lines, self.time_title)

    def value_title_text(self) -> str:
        return joined(self.value_title_lines, self.value_title)

    def texts(self) -> list[str]:
        return [self.title, self.time_title, self.value_title, *(c.name for c in self.curves),
                self.at_risk_title if self.at_risk else ""]


@dataclass(frozen=True)
class RForestRow:
    label: str
    value: float
    ci: tuple[float, float]
    n: str
    text: str  # '0.72 (0.55–0.94)'
    level: int


@dataclass(frozen=True)
class RForest:
    id: str
    title: str
    rows: tuple[RForestRow, ...]
    reference: float
    x_min: float
    x_max: float
    x_title: str
    favours: tuple[str, str] | None
    columns: tuple[str, str, str]
    color: str
    aspect: float
    alt_text: str
    decimal_comma: bool
    type: str = "forest"
    paths: tuple[str, ...] = ()
    ticks: tuple[tuple[float, str], ...] = ()  # the x-axis ticks (powers of two) as the target prints them
    tick_format: str = "0"  # the same in the PPTX: Excel-style, literal text where signs would vary
    x_title_lines: tuple[str, ...] = ()  # compose: the axis title broken to fit under the plot

    def x_title_text(self) -> str:
        return joined(self.x_title_lines, self.x_title)

    def texts(self) -> list[str]:
        return [self.title, self.x_title, *self.columns, *(self.favours or ()),
                *(r.label for r in self.rows), *(r.text for r in self.rows)]
