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
    """A paragraph with a level: a bullet or sub-bullet."""

    text: str
    """The paragraph (inline markup)."""
    level: int = Field(default=0, ge=0, le=2)
    """0: plain, 1: bullet, 2: sub-bullet."""


Text = Union[str, Paragraph]


class Axis(Strict):
    """A chart axis: its title and, optionally, its range."""

    title: str = ""
    """The axis title (translated)."""
    min: float | None = None
    """The axis minimum; default: from the data."""
    max: float | None = None
    """The axis maximum; default: from the data."""


class Series(Strict):
    """One series of a bar chart."""

    name: str
    """The series name, shown in the legend (translated)."""
    values: list[str]
    """Data paths into study.yaml, one per category, e.g. results.crcri.ino_s1."""
    color: str | None = None
    """A colour name of the theme; default: the next colour of the chart palette (primary,
    secondary, accent, ... that the theme has) not given to another series of the chart."""


class BarChart(Strict):
    """Columns or bars, clustered or stacked, with data labels and optional 95% CI error bars."""

    type: Literal["clustered_column", "stacked_column", "clustered_bar", "stacked_bar"]
    """The kind of bar chart: columns (vertical) or bars (horizontal), clustered or stacked."""
    title: str = ""
    """The chart title (translated)."""
    categories: list[str]
    """The category labels (translated), one per value of each series."""
    series: list[Series]
    """The series: a name, a colour and one data path per category."""
    value_axis: Axis = Axis()
    """The value axis: title and range."""
    category_axis: Axis = Axis()
    """The category axis: title."""
    data_labels: bool = True
    """Print each value on its bar."""
    error_bars: bool = False
    """Draw the 95% CI of each value that has one."""
    legend: bool = True
    """Show the legend."""
    alt_text: str = ""
    """What the chart shows, for screen readers; generated from the data when empty."""
    aspect: float = Field(default=0.62, gt=0.1, le=3)
    """Height / width preferred by the chart."""


class Curve(Strict):
    """One curve (arm) of a Kaplan-Meier chart."""

    name: str
    """The arm's name, shown in the legend (translated)."""
    data: str
    """The id of a curve under curves: in study.yaml."""
    color: str | None = None
    """A colour name of the theme; default: the next colour of the chart palette (primary,
    secondary, accent, ... that the theme has) not given to another curve of the chart."""


class KaplanMeier(Strict):
    """Step curves per arm with censor marks, optional median lines and a number-at-risk table."""

    type: Literal["kaplan_meier"]
    """kaplan_meier."""
    title: str = ""
    """The chart title (translated)."""
    curves: list[Curve]
    """The curves, one per arm."""
    time_axis: Axis = Axis(title="Months")
    """The time axis: title and range."""
    time_step: float = Field(default=6, gt=0)
    """Ticks and at-risk columns every time_step."""
    value_axis: Axis = Axis(title="Probability of survival (%)")
    """The survival axis: title and range."""
    medians: bool = True
    """Draw each curve's median (where it reaches 50%)."""
    at_risk: bool = True
    """Show the number-at-risk table below the chart."""
    at_risk_title: str = "Number at risk"
    """The title of the number-at-risk table (translated)."""
    legend: bool = True
    """Show the legend."""
    alt_text: str = ""
    """What the chart shows, for screen readers; generated from the data when empty."""
    aspect: float = Field(default=0.75, gt=0.1, le=3)
    """Height / width preferred by the chart."""


class ForestRow(Strict):
    """One row of a forest plot."""

    label: str
    """The subgroup's label (translated)."""
    data: str
    """The path of an estimate (value, ci, n) in study.yaml, e.g. results.os_hr.age_lt_55."""
    level: int = Field(default=1, ge=0, le=1)
    """0: the overall or a group line (bold), 1: a subgroup."""


class ForestColumns(Strict):
    """The column headings of a forest plot (translated)."""

    label: str = "Subgroup"
    """The heading of the labels' column."""
    n: str = "n"
    """The heading of the patient numbers' column."""
    estimate: str = "HR (95% CI)"
    """The heading of the estimates' column."""


class Forest(Strict):
    """Subgroup estimates with 95% CIs on a log axis, a line of no effect and n per row."""

    type: Literal["forest"]
    """forest."""
    title: str = ""
    """The chart title (translated)."""
    rows: list[ForestRow]
    """The rows, top to bottom."""
    x_axis: Axis = Axis(title="Hazard ratio")
    """The (log) estimate axis: title and range."""
    reference: float = 1.0
    """Where the line of no effect is drawn."""
    favours: tuple[str, str] | None = None
    """Labels left and right of the line of no effect: [Favours A, Favours B] (translated)."""
    columns: ForestColumns = ForestColumns()
    """The column headings."""
    color: str = "primary"
    """A colour name of the theme, for the estimates."""
    alt_text: str = ""
    """What the chart shows, for screen readers; generated from the data when empty."""
    aspect: float = Field(default=0.6, gt=0.1, le=3)
    """Height / width preferred by the chart."""


ChartSpec = Annotated[Union[BarChart, KaplanMeier, Forest], Field(discriminator="type")]


class ColumnGroup(Strict):
    """A heading over several columns of a table."""

    label: str
    """The heading (translated)."""
    span: int = Field(ge=1)
    """How many columns it spans, left to right."""


class TableSpec(Strict):
    """A study table shown with headers. Each cell prints in the format of its column
    (``formats``, one per column; '' or none: by what the cell holds: a count as n (%), an
    estimate as value (CI), a p-value as P < 0.001, a number as its value), unless its row or
    the cell itself names one in study.yaml."""

    data: str
    """The id of a table under tables: in study.yaml."""
    stub_heading: str = ""
    """The heading of the row labels' column (translated)."""
    column_groups: list[ColumnGroup] = Field(default_factory=list)
    """Headings spanning several columns, left to right."""
    columns: list[str]
    """The column headings (translated), one per column of the data table."""
    formats: list[str] = Field(default_factory=list)
    """The format of each column's cells ('' or none: by what the cell holds), e.g. [nN, pct]."""
    caption: str = ""
    """The caption below the table (inline markup)."""


class ImageSpec(Strict):
    """A picture of the content, shown as a section's visual or in an image:ID panel."""

    file: str
    """The PNG or JPEG file, relative to the deck folder."""
    alt: str
    """Alt text: what the picture shows (translated)."""


class Section(Strict):
    """A section: a panel of the poster and a slide of the deck."""

    id: str
    """A name for the section, unique; used in layouts (section:ID), slots and catalogue contexts."""
    tab: str
    """A short name: the poster tab and the slide label."""
    headline: str = ""
    """The section's headline (inline markup)."""
    summary: str = ""
    """The section's key message, shown on the overview too (inline markup)."""
    highlights: list[str] = Field(default_factory=list)
    """Key figures, shown as callouts (inline markup)."""
    body: list[Text] = Field(default_factory=list)
    """The paragraphs: text, or {text, level} for bullets (inline markup)."""
    visuals: list[str] = Field(default_factory=list)
    """Ids of the charts, tables and images to show, in order."""
    notes: list[str] = Field(default_factory=list)
    """Notes below the visuals (inline markup)."""
    footnotes: dict[str, str] = Field(default_factory=dict)
    """Footnotes by id, the targets of [^id] markers (inline markup)."""
    speaker_notes: list[str] = Field(default_factory=list)
    """The PPTX notes page of the section's slide (paragraphs, inline markup); never printed."""


class Overview(Strict):
    """The overview: the poster's header text and the first slide."""

    body: list[Text] = Field(default_factory=list)
    """The paragraphs: text, or {text, level} for bullets (inline markup)."""
    notes: list[str] = Field(default_factory=list)
    """Notes (inline markup)."""
    speaker_notes: list[str] = Field(default_factory=list)
    """The PPTX notes page of the overview slide (paragraphs, inline markup); never printed."""
    footnotes: dict[str, str] = Field(default_factory=dict)
    """Footnotes by id, the targets of [^id] markers (inline markup)."""


class Claim(Strict):
    """A claim and the comparisons it rests on; the build fails when the data stops supporting it.

    Each of ``holds`` is one comparison of study values (a path gives a count's percentage or an
    estimate's value; add .n, .N, .lo or .hi for the count, denominator or CI bounds):
        results.crcri.ino_s1 > results.crcri.ino_s2
        results.os_hr.overall.hi < 1
        results.os_hr.overall excludes 1        (its 95% CI does not contain 1)
    """

    id: str
    """A name for the claim, unique."""
    says: str
    """The claim in words, as reviewers know it."""
    holds: list[str] = Field(min_length=1)
    """The comparisons it rests on, e.g. 'results.crcri.ino_s1 > results.crcri.ino_s2' or 'results.os_hr.overall excludes 1'."""
    texts: list[str] = Field(default_factory=list)
    """Where the claim is stated in other words than ``says``, by the texts' contexts (as in the
    catalogue: 'sections.rationale.body.3'). A text whose wording contains ``says`` (case and
    markup aside) states it without being named here. Review items only."""


class Content(Strict):
    """content.yaml."""

    title: str
    """The poster's and the deck's title (inline markup)."""
    subtitle: str = ""
    """The authors line or subtitle (inline markup)."""
    congress: str = ""
    """The congress the material is for (inline markup)."""
    overview: Overview = Overview()
    """The overview text, shown in the poster's header and on the first slide."""
    statements: list[Statement] = Field(default_factory=list)
    """The product's statements, for every market (translated through the catalogue)."""
    sections: list[Section]
    """The sections, in reading order."""
    charts: dict[str, ChartSpec] = Field(default_factory=dict)
    """Charts by id: bar charts, Kaplan-Meier curves and forest plots."""
    tables: dict[str, TableSpec] = Field(default_factory=dict)
    """Tables by id: a data table of study.yaml with headings."""
    images: dict[str, ImageSpec] = Field(default_factory=dict)
    """Pictures by id: PNG or JPEG files with alt text."""
    claims: list[Claim] = Field(default_factory=list)
    """Claims and the comparisons of study values they rest on; the build fails when the data stops supporting one."""
