"""Content: the claims text, sections, charts and tables of a deck. No coordinates here.

Text fields use posterdeck's inline markup (see README): **bold**, *italic*, ^sup^, ~sub~,
citations [@key] / [@a; @b], footnotes ^[text] or [^id], links [text](url) and placeholders
{{ path | format }} that render study data.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from posterdeck.schema.base import Strict
from posterdeck.schema.market import Statement


class Paragraph(Strict):
    text: str
    level: int = Field(default=0, ge=0, le=2)  # 0 plain, 1 bullet, 2 sub-bullet


Text = Union[str, Paragraph]


class Axis(Strict):
    title: str = ""
    min: float | None = None
    max: float | None = None


class Series(Strict):
    name: str
    values: list[str]  # data paths, one per category
    color: str = "primary"  # a theme colour name


class BarChart(Strict):
    """Columns or bars, clustered or stacked, with data labels and optional 95% CI error bars."""

    type: Literal["clustered_column", "stacked_column", "clustered_bar", "stacked_bar"]
    title: str = ""
    categories: list[str]
    series: list[Series]
    value_axis: Axis = Axis()
    category_axis: Axis = Axis()
    data_labels: bool = True
    error_bars: bool = False  # draw the 95% CI of each value that has one
    legend: bool = True
    alt_text: str = ""  # generated from the data when empty
    aspect: float = Field(default=0.62, gt=0.1, le=3)  # height / width preferred by the chart


class Curve(Strict):
    name: str
    data: str  # id of a curve in study.curves
    color: str = "primary"


class KaplanMeier(Strict):
    """Step curves per arm with censor marks, optional median lines and a number-at-risk table."""

    type: Literal["kaplan_meier"]
    title: str = ""
    curves: list[Curve]
    time_axis: Axis = Axis(title="Months")
    time_step: float = Field(default=6, gt=0)  # ticks and at-risk columns every time_step
    value_axis: Axis = Axis(title="Probability of survival (%)")
    medians: bool = True
    at_risk: bool = True
    at_risk_title: str = "Number at risk"
    legend: bool = True
    alt_text: str = ""
    aspect: float = Field(default=0.75, gt=0.1, le=3)


class ForestRow(Strict):
    label: str
    data: str  # path of an estimate (value, ci, n) in the study data
    level: int = Field(default=1, ge=0, le=1)  # 0: overall / group line (bold), 1: subgroup


class ForestColumns(Strict):
    label: str = "Subgroup"
    n: str = "n"
    estimate: str = "HR (95% CI)"


class Forest(Strict):
    """Subgroup estimates with 95% CIs on a log axis, a line of no effect and n per row."""

    type: Literal["forest"]
    title: str = ""
    rows: list[ForestRow]
    x_axis: Axis = Axis(title="Hazard ratio")
    reference: float = 1.0
    favours: tuple[str, str] | None = None  # labels left and right of the line of no effect
    columns: ForestColumns = ForestColumns()
    color: str = "primary"
    alt_text: str = ""
    aspect: float = Field(default=0.6, gt=0.1, le=3)


ChartSpec = Annotated[Union[BarChart, KaplanMeier, Forest], Field(discriminator="type")]


class ColumnGroup(Strict):
    label: str
    span: int = Field(ge=1)


class TableSpec(Strict):
    """A study table shown with headers. Each cell prints in the format of its column
    (``formats``, one per column; '' or none: by what the cell holds: a count as n (%), an
    estimate as value (CI), a p-value as P < 0.001, a number as its value), unless its row or
    the cell itself names one in study.yaml."""

    data: str  # id of a table in study.tables
    stub_heading: str = ""
    column_groups: list[ColumnGroup] = Field(default_factory=list)
    columns: list[str]
    formats: list[str] = Field(default_factory=list)
    caption: str = ""


class ImageSpec(Strict):
    file: str  # PNG or JPEG, relative to the deck folder
    alt: str  # alt text: what the picture shows


class Section(Strict):
    id: str
    tab: str  # short name: poster tab, slide label
    headline: str = ""
    summary: str = ""  # the section's key message, shown on the overview too
    highlights: list[str] = Field(default_factory=list)  # key figures, shown as callouts
    body: list[Text] = Field(default_factory=list)
    visuals: list[str] = Field(default_factory=list)  # ids of charts, tables and images
    notes: list[str] = Field(default_factory=list)  # printed on the slide, under the body
    speaker_notes: list[str] = Field(default_factory=list)  # the PPTX notes page (paragraphs), never printed
    footnotes: dict[str, str] = Field(default_factory=dict)  # targets of [^id]


class Overview(Strict):
    body: list[Text] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    speaker_notes: list[str] = Field(default_factory=list)  # notes page of the overview slide
    footnotes: dict[str, str] = Field(default_factory=dict)


class Claim(Strict):
    """A claim and the comparisons it rests on; the build fails when the data stops supporting it.

    Each of ``holds`` is one comparison of study values (a path gives a count's percentage or an
    estimate's value; add .n, .N, .lo or .hi for the count, denominator or CI bounds):
        results.crcri.ino_s1 > results.crcri.ino_s2
        results.os_hr.overall.hi < 1
        results.os_hr.overall excludes 1        (its 95% CI does not contain 1)
    """

    id: str
    says: str  # the claim in words, as reviewers know it
    holds: list[str] = Field(min_length=1)


class Content(Strict):
    title: str
    subtitle: str = ""
    congress: str = ""
    overview: Overview = Overview()
    statements: list[Statement] = Field(default_factory=list)  # product statements, all markets
    sections: list[Section]
    charts: dict[str, ChartSpec] = Field(default_factory=dict)
    tables: dict[str, TableSpec] = Field(default_factory=dict)
    images: dict[str, ImageSpec] = Field(default_factory=dict)
    claims: list[Claim] = Field(default_factory=list)
