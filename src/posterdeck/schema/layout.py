"""Layouts and themes: page geometry, type scale, colours and fonts. No content text here.

Lengths are written with units ("841mm", "12pt", "0.5in") and held in points.
"""
from __future__ import annotations

import math

import re
from typing import Annotated, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, WithJsonSchema, model_validator

from posterdeck.schema.base import Strict

_UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0}


def to_points(value) -> float:
    """'841mm' -> 2383.94; plain numbers are points."""
    if isinstance(value, (int, float)):
        return float(value)
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)\s*", str(value))
    if not m:
        raise ValueError(f"{value!r} is not a length; write it like 12pt, 841mm, 2.5cm or 0.5in")
    return float(m.group(1)) * _UNITS[m.group(2)]


_LENGTH_PATTERN = r"^\s*-?\d+(\.\d+)?\s*(pt|mm|cm|in)\s*$"
Length = Annotated[float, BeforeValidator(to_points), WithJsonSchema(
    {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _LENGTH_PATTERN}],
     "examples": ["841mm", "12pt", "2.5cm", "0.5in"]})]


class Box4(Strict):
    """Four lengths, one per side."""

    top: Length = Field(default=0, ge=0)
    """The top length (12pt, 15mm, ...)."""
    right: Length = Field(default=0, ge=0)
    """The right length."""
    bottom: Length = Field(default=0, ge=0)
    """The bottom length."""
    left: Length = Field(default=0, ge=0)
    """The left length."""


class Style(Strict):
    """A text style of the type scale. ``min_size`` is how far fitting may shrink it."""

    size: float = Field(gt=0)
    """The type size in points."""
    min_size: float | None = Field(default=None, gt=0)
    """How far fitting may shrink the type, in points (at most size); default: not at all."""
    leading: float = Field(default=1.2, gt=0, le=5)
    """The line height as a multiple of size."""
    weight: Literal["regular", "bold"] = "regular"
    """regular or bold."""
    italic: bool = False
    """Set in italics."""
    color: str = "text"
    """A colour name of the theme."""
    align: Literal["left", "center", "right"] = "left"
    """The alignment of the lines."""
    space_before: float = 0
    """Space above each paragraph, as a multiple of size."""
    uppercase: bool = False
    """Set in capitals."""

    @model_validator(mode="after")
    def _shrinks(self):
        if self.min_size is not None and self.min_size > self.size:
            raise ValueError(f"min_size {self.min_size:g} is larger than size {self.size:g}: fitting shrinks "
                             f"the type from size down to min_size, so min_size is at most size")
        return self

    @property
    def smallest(self) -> float:
        return self.min_size if self.min_size is not None else self.size


Percent = Annotated[float, Field(ge=0, le=100)]


class Colour(Strict):
    """Given in both CMYK (print, 0-100) and RGB (screen, hex)."""

    cmyk: tuple[Percent, Percent, Percent, Percent]
    """For print: [cyan, magenta, yellow, black], each 0-100."""
    rgb: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    """For screens: #RRGGBB."""


class FontFamily(Strict):
    """The family name written into the PPTX and the TrueType files used to measure and embed.
    A file is a path relative to the theme, or ``matplotlib:NAME.ttf`` for the fonts matplotlib ships."""

    name: str
    """The family name written into the PPTX, e.g. DejaVu Sans."""
    regular: str
    """The regular TrueType file."""
    bold: str
    """The bold TrueType file."""
    italic: str
    """The italic TrueType file."""
    bold_italic: str
    """The bold italic TrueType file."""


class Theme(Strict):
    """Colours and fonts."""

    colours: dict[str, Colour]
    """Colours by name; text, background, primary, on_primary, callout, panel, rule and link are required."""
    font: FontFamily
    """The font family of every text."""
    fonts_by_language: dict[str, FontFamily] = {}
    """Another family for the targets of a language whose script the main one lacks, e.g.
    {ja: {name: Noto Sans CJK JP, regular: fonts/NotoSansCJKjp-Regular.ttf, ...}}."""
    pptx_template: str | None = None
    """The company PowerPoint template (.pptx or .potx, relative to the theme file) the deck is built on."""
    pptx_layouts: dict[Literal["overview", "section", "references"], str] = {}
    """The template layout, by name, that each kind of slide uses (overview, section, references)."""
    link_schemes: list[str] = Field(default_factory=lambda: ["https", "http", "mailto"], min_length=1)
    """The URL schemes a link may use (markup links, market and deck links, reference URLs); others
    (javascript:, file:, data:) are errors at their line. Widen it here, e.g. add tel."""

    print_links: Literal["url", "qr"] = "url"
    """How a link shows on the print poster, where nothing is clickable: its address printed
    after its text (url), or a QR code of it beside the text (qr)."""

    def family(self, language: str) -> FontFamily:
        return self.fonts_by_language.get(language, self.font)

    @model_validator(mode="after")
    def _required(self):
        missing = {"text", "background", "primary", "on_primary", "callout", "panel", "rule", "link"} - set(self.colours)
        if missing:
            raise ValueError(f"theme lacks the colours {sorted(missing)}")
        return self


class ThemeFile(Strict):
    """A theme file."""

    theme: Theme
    """The theme: its colours and fonts."""


def size_value(value) -> float | str:
    """A picture's size: a length ('30mm' -> points as a float) or a share ('50%' or a plain
    number up to 1) of the room it is given, kept as a string 'share:0.5'."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 < value <= 1:
            return f"share:{float(value)}"
        raise ValueError(f"{value!r} is neither a share (0 to 1, or 40%) nor a length (12mm, 1in)")
    text = str(value).strip()
    if text.endswith("%"):
        share = float(text[:-1]) / 100
        if not 0 < share <= 1:
            raise ValueError(f"{value!r}: a share lies between 0% and 100%")
        return f"share:{share}"
    points = to_points(text)
    if points <= 0:
        raise ValueError(f"{value!r}: a size must be positive")
    return points


Size = Annotated[float | str, BeforeValidator(size_value), WithJsonSchema(
    {"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": 1},
               {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"},
               {"type": "string", "pattern": _LENGTH_PATTERN}], "examples": ["30mm", "50%", 0.5]})]


class PictureSpec(Strict):
    """Where and how large a picture stands: ``height`` or ``width`` as a length (30mm) or a share
    of the room (0.5 or 50%: of the column's width, or of the band's height), aligned in its room.
    The picture itself (file and alt text) comes from the deck, never from the layout."""

    height: Size | None = None
    """The height: a length (30mm) or a share of the band's height (0.5 or 50%); or give width."""
    width: Size | None = None
    """The width: a length (30mm) or a share of the column's width (0.5 or 50%); or give height."""
    align: Literal["left", "center", "right"] = "center"
    """Where the picture stands in its room."""

    @model_validator(mode="after")
    def _one_size(self):
        if self.height is not None and self.width is not None:
            raise ValueError("give height or width, not both: the picture keeps its aspect ratio")
        return self


class Panel(PictureSpec):
    """A panel written as a mapping, for the panels that take a size: {panel: logo, height: 25mm,
    align: right} or {panel: image:ID, width: 0.8}."""

    panel: str
    """The panel: logo or image:ID."""


# a panel is a name, or a mapping (a sized picture): validated as the one it is, so that a typo
# in a mapping is reported as a typo, not also as "not a string"
PanelRef = Annotated[Union[Annotated[str, Tag("panel[name]")], Annotated[Panel, Tag("panel[mapping]")]],
                     Discriminator(lambda v: "panel[mapping]" if isinstance(v, (dict, Panel)) else "panel[name]")]


class Column(Strict):
    """A column of a band and the panels stacked in it."""

    width: float = Field(default=1.0, gt=0)
    """The column's share of the band's width, relative to its siblings."""
    panels: list[PanelRef]
    """The panels, top to bottom: title, statements:overview, callouts, overview, sections (the next
    sections in content order flow here), slot:NAME (sections deck.yaml maps to NAME; flows when it
    maps none), section:ID, references, footer, logo, image:ID, or a mapping {panel, height|width, align}."""

    def names(self) -> list[str]:
        return [p if isinstance(p, str) else p.panel for p in self.panels]


class Band(Strict):
    """A horizontal band of the poster; ``height`` is a length or 'auto' (natural) or 'fill'."""

    name: str
    """A name for the band (header, body, footer, ...)."""
    height: str = "auto"
    """A length, auto (its content's natural height) or fill (the room left)."""
    columns: list[Column] = Field(min_length=1)
    """The columns, left to right."""
    background: str | None = None
    """A colour name of the theme; backgrounds run to the page edge."""


class PageSpec(Strict):
    """The page: its size, margins and the gutter between columns."""

    width: Length = Field(gt=0)
    """The page width (841mm, 13.333in, ...)."""
    height: Length = Field(gt=0)
    """The page height."""
    margins: Box4
    """The margins: {top, right, bottom, left}."""
    gutter: Length = Field(default=12, ge=0)
    """The space between columns and between panels."""


class SlideLogo(PictureSpec):
    """The deck's logo on every slide: in the title band or the footer, on the left or right."""

    place: Literal["title", "footer"] = "title"
    """In the title band or in the footer."""
    align: Literal["left", "right"] = "right"
    """On the left or on the right."""


class SlideTemplate(Strict):
    """How slides are laid out."""

    text_share: float = Field(default=0.45, gt=0.1, lt=0.95)
    """The width share of the text beside visuals."""
    grow: float = Field(default=1.0, ge=1.0, le=2.0)
    """How far the type of a text-only slide may grow (a factor)."""
    visuals_below: list[str] = Field(default_factory=list)
    """Section ids, or visual types (forest, table, kaplan_meier, clustered_column, ...), whose
    visuals go below the text at full width instead of beside it."""
    logo: SlideLogo | None = None
    """Where the deck's logo (deck.yaml logo:) goes on every slide; none: no logo."""


class PrintSpec(Strict):
    """Print-shop geometry and colour of a print layout (the poster)."""

    bleed: Length = to_points("3mm")
    """How far backgrounds run past the trim edge."""
    crop_marks: bool = True
    """Draw crop marks."""
    mark_offset: Length = to_points("5mm")
    """The crop marks' distance from the trim edge; at least bleed + 2mm."""
    mark_length: Length = to_points("6mm")
    """The crop marks' length."""
    mark_width: float = Field(default=0.3, ge=0.25, le=0.5)
    """The crop marks' line width in points."""
    safe_margin: Length = to_points("5mm")
    """Live text stays this far inside the trim."""
    standard: Literal["x1a", "x4"] = "x1a"
    """PDF/X-1a:2001 (x1a) or PDF/X-4 (x4)."""
    output_condition: str = "FOGRA39"
    """A registered characterization, e.g. FOGRA39, CGATS TR 001."""
    icc_profile: str = ""
    """A CMYK output profile of your own (path); required for PDF/X-4."""
    total_ink: float = Field(default=300, gt=0, le=400)
    """The total ink limit, in percent."""
    min_text: Length | None = None
    """The smallest text the print poster may show (note markers and citation numbers
    included); default 10pt on A0, scaled with the page's diagonal (about 7pt on A1)."""

    @model_validator(mode="after")
    def _marks(self):
        if self.crop_marks and self.mark_offset < self.bleed + to_points("2mm") - 1e-6:
            raise ValueError("mark_offset must be at least bleed + 2mm, so crop marks stay out of the bleed")
        if self.standard == "x4" and not self.icc_profile:
            raise ValueError("PDF/X-4 needs icc_profile: the path of a CMYK output profile")
        return self


class Layout(Strict):
    """A poster or slide layout: page, type scale and arrangement."""

    kind: Literal["poster", "slides"]
    """poster or slides."""
    page: PageSpec
    """The page size, margins and gutter."""
    styles: dict[str, Style]
    """The type scale by role: title, heading, body, summary, highlight, note, footer, table, chart,
    statement, reference (and panel_heading for posters)."""
    bands: list[Band] = Field(default_factory=list)
    """Posters: the horizontal bands, top to bottom."""
    slides: SlideTemplate = SlideTemplate()
    """Slide decks: how slides are laid out."""
    panel_padding: Length = Field(default=10, ge=0)
    """The space inside a panel, around its content."""
    chart_min_height: Length = Field(default=120, gt=0)
    """The least height a chart may be given."""
    print: PrintSpec | None = None
    """Posters: the print PDF's bleed, marks, colour and PDF/X; none: a screen PDF only."""

    @model_validator(mode="after")
    def _check(self):
        needed = {"title", "heading", "body", "summary", "highlight", "note", "footer", "table", "chart",
                  "statement", "reference"} | ({"panel_heading"} if self.kind == "poster" else set())
        room = self.page.height - self.page.margins.top - self.page.margins.bottom
        if self.chart_min_height > room:
            raise ValueError(f"chart_min_height ({self.chart_min_height:.0f} pt) is more than the page holds "
                             f"between its margins ({room:.0f} pt)")
        missing = needed - set(self.styles)
        if missing:
            raise ValueError(f"layout lacks the styles {sorted(missing)}")
        if self.kind == "poster" and not self.bands:
            raise ValueError("a poster layout needs bands")
        return self

    def gutter_problem(self) -> str:
        """'' when the gutters leave room for the columns and bands they separate, else what is wrong."""
        pg = self.page
        width = pg.width - pg.margins.left - pg.margins.right
        height = pg.height - pg.margins.top - pg.margins.bottom
        gaps = max([len(b.columns) - 1 for b in self.bands] or [0]) if self.kind == "poster" else 1
        if gaps and pg.gutter * gaps >= width:
            return (f"gutter {pg.gutter / 2.8346:.0f} mm leaves no room for the columns: {gaps} gutter(s) across "
                    f"take {pg.gutter * gaps / 2.8346:.0f} mm of the {max(width, 0) / 2.8346:.0f} mm between the margins")
        rows = len(self.bands) - 1
        if rows and pg.gutter * rows >= height:
            return (f"gutter {pg.gutter / 2.8346:.0f} mm leaves no room for the bands: {rows} gutter(s) between them "
                    f"take {pg.gutter * rows / 2.8346:.0f} mm of the {max(height, 0) / 2.8346:.0f} mm between the margins")
        return ""

    @property
    def min_text(self) -> float:
        """The smallest type of a print poster, in points (0: none, for screen-only layouts)."""
        if self.kind != "poster" or self.print is None:
            return 0.0
        if self.print.min_text is not None:
            return self.print.min_text
        a0 = math.hypot(to_points("841mm"), to_points("1189mm"))
        return round(10.0 * math.hypot(self.page.width, self.page.height) / a0, 2)

    def safe_margin_problem(self) -> str:
        """'' when live text keeps the print safe margin inside the trim, else what is wrong."""
        if self.print is None:
            return ""
        m = self.page.margins
        if min(m.top, m.right, m.bottom, m.left) < self.print.safe_margin - 1e-6:
            return (f"page margins must be at least the print safe margin ({self.print.safe_margin / 2.8346:.1f} mm): "
                    f"live text must stay that far inside the trim")
        return ""


class LayoutFile(Strict):
    """A layout file."""

    layout: Layout
    """The layout: its page, type scale and arrangement."""
