"""Content: the claims text, sections, charts and tables of a deck. No coordinates here.

Text fields use posterdeck's inline markup (see README): **bold**, *italic*, ^sup^, ~sub~,
citations [@key] / [@a; @b], footnotes ^[text] or [^id], links [text](url) and placeholders
{{ path | format }} that render study data.
"""
from __future__ import annotations

from typing import Literal, Union

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


class ChartSpec(Strict):
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


class ColumnGroup(Strict):
    label: str
    span: int = Field(ge=1)


class TableSpec(Strict):
    data: str  # id of a table in study.tables
    stub_heading: str = ""
    column_groups: list[ColumnGroup] = Field(default_factory=list)
    columns: list[str]
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
    notes: list[str] = Field(default_factory=list)
    footnotes: dict[str, str] = Field(default_factory=dict)  # targets of [^id]


class Overview(Strict):
    body: list[Text] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    footnotes: dict[str, str] = Field(default_factory=dict)


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
