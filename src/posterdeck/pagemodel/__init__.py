"""The page model: what compose produces and renderers paint.

Units: points (1/72 in). Origin: the top-left corner of the page (trim box), y grows downwards.
Every position is absolute; every line of text is already broken and measured. Renderers convert
once: reportlab to a bottom-left origin, python-pptx to EMU (12700 per point).
Colours are theme colour names; the renderer picks the RGB or CMYK value it needs.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class Span:
    text: str
    font: str  # "regular" | "bold" | "italic" | "bold_italic"
    size: float  # the span's own size (superscripts are smaller)
    color: str
    script: str = ""  # "" | "sup" | "sub": the PDF raises/lowers; PPTX sets the baseline
    link: str = ""
    width: float = 0.0
    lang: str = ""  # BCP 47 tag of text in another language than the document's (a fallback to the source)
    ref: str = ""  # provenance, for review (renderers ignore it): what the span prints, "value:PATH",
    # "text:CONTEXT", "cite:KEY@LOCATOR;KEY", "note:LETTER"; "" for a span that merged several


@dataclass(frozen=True)
class Line:
    spans: tuple[Span, ...]
    width: float
    baseline: float  # from the top of the text box
    refs: tuple[tuple[str, float, float, str], ...] = ()  # provenance (renderers ignore it): (ref, x,
    # x end, text) of each ref's text, from the line's start (spans of one style merge whatever they print)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: its spans unbroken (for PPTX, which wraps itself) and its lines broken (PDF).

    The spans carry compose's break rules in their text (see compose.nobreak): no-break spaces
    (U+00A0) and hyphens (U+2011), a word joiner (U+2060) after a slash inside a word, and
    ``\n`` where the line must break (a renderer writes it as a line break). The lines keep the
    plain characters."""

    spans: tuple[Span, ...]
    lines: tuple[Line, ...]
    size: float
    leading: float  # line height in points
    align: str = "left"
    indent: float = 0.0  # left indent of every line
    bullet: str = ""  # bullet character, drawn in the indent
    hang: float = 0.0  # the bullet stands this far left of the text
    space_before: float = 0.0
    margin_right: float = 0.0  # a viewer that wraps itself (PPTX) wraps this much short of the box's right
    # edge: compose chose the width midway between its widest line and its shortest line-plus-next-word


@dataclass(frozen=True)
class TextBox:
    x: float
    y: float
    w: float
    h: float
    paragraphs: tuple[Paragraph, ...]
    role: str = ""  # "title", "body", "footer", ... for tests and readers
    fill: str = ""
    padding: float = 0.0
    name: str = ""
    anchor: str = "top"  # "top" | "bottom": the edge the text keeps to when a viewer wraps it taller


class LineOrigin(NamedTuple):
    """Where one line of a text box stands on the page (points, top-left origin)."""

    index: int  # the paragraph's index in its box
    paragraph: Paragraph
    row: int  # the line's index in its paragraph
    line: Line
    x: float  # the left end of the line's text (a bullet hangs ``paragraph.hang`` left of it)
    top: float  # the top of the line's slot (``paragraph.leading`` high)
    baseline: float  # the baseline the PDF draws the line on


def line_origins(box: TextBox) -> Iterator[LineOrigin]:
    """Every line of ``box`` where it stands, in reading order: x from the box's left edge plus
    its padding and the paragraph's indent, moved right by the line's free room for a centred
    (half of it) or right-aligned (all of it) paragraph; y from the box's top plus its padding,
    the paragraphs above (their lines' leading) and each paragraph's space before it (not the
    first's). The one place that decides it: the PDF painter draws there, the review marks there."""
    top = box.y + box.padding
    inner_w = box.w - 2 * box.padding
    for i, para in enumerate(box.paragraphs):
        if i:
            top += para.space_before
        for j, line in enumerate(para.lines):
            left = box.x + box.padding + para.indent
            free = inner_w - para.indent - line.width
            if para.align == "center":
                left += free / 2
            elif para.align == "right":
                left += free
            yield LineOrigin(i, para, j, line, left, top + j * para.leading, top + line.baseline)
        top += max(len(para.lines), 1) * para.leading  # as compose.text.height: an empty one is a line


@dataclass(frozen=True)
class Rect:
    """A band, rule or background: decoration only (the PPTX marks it decorative)."""

    x: float
    y: float
    w: float
    h: float
    fill: str = ""
    stroke: str = ""
    stroke_width: float = 0.0
    role: str = ""


@dataclass(frozen=True)
class Cell:
    lines: tuple[str, ...]  # broken lines
    font: str
    size: float
    color: str
    fill: str = ""
    align: str = "left"
    indent: float = 0.0
    colspan: int = 1
    keep: tuple[str, ...] = ()  # the lines with compose's no-break characters (compose.nobreak), for PPTX
    ref: str = ""  # provenance (renderers ignore it): "value:PATH" of a cell that prints a study value


@dataclass(frozen=True)
class Table:
    x: float
    y: float
    col_widths: tuple[float, ...]
    row_heights: tuple[float, ...]
    rows: tuple[tuple[Cell | None, ...], ...]  # None where a spanning cell covers
    padding: float
    leading: float  # multiple of size
    rule_color: str
    header_rows: int
    name: str = ""
    alt: str = ""  # what the table shows, for screen readers

    @property
    def w(self) -> float:
        return sum(self.col_widths)

    @property
    def h(self) -> float:
        return sum(self.row_heights)


@dataclass(frozen=True)
class Chart:
    x: float
    y: float
    w: float
    h: float
    chart: object  # pagemodel.charts.RChart / RKaplanMeier / RForest: data and titles only
    font_size: float
    name: str = ""
    plot: tuple[float, float, float, float] | None = None  # inner plot area (left, top, w, h) in points
    # from the chart's top-left corner, when compose aligns other boxes with the axes
    label_size: float = 0.0  # data labels, tick labels and legend: a little smaller than font_size, never
    # below the chart style's min_size (compose decides; 0 reads as font_size)


@dataclass(frozen=True)
class Image:
    x: float
    y: float
    w: float
    h: float
    path: str
    alt: str
    name: str = ""
    backdrop: str = ""  # the theme colour behind the picture: print flattens transparency onto it


Box = TextBox | Rect | Table | Chart | Image


# The no-break characters compose writes into a span's text for a renderer that wraps text
# itself (PowerPoint): no-break space, no-break hyphen, word joiner; "\n" is a forced break.
NBSP, NBHY, WJ = "\u00a0", "\u2011", "\u2060"


def plain_text(text: str) -> str:
    """A span's text as a reader says it: the no-break characters as plain ones, no forced
    breaks, no soft hyphens."""
    return (text.replace(WJ, "").replace(NBSP, " ").replace(NBHY, "-").replace("\n", " ")
            .replace("\u00ad", ""))


# the resolution a picture needs at its printed size: compose checks it where it places a
# picture, the preflight on any PDF (a warning under PRINT_PPI, a failure under FAIL_PPI)
PRINT_PPI, FAIL_PPI = 300, 150


@dataclass(frozen=True)
class PrintMarks:
    """Print geometry around the trim: the bleed, the slug that holds the crop marks, and the
    marks themselves as line segments in page coordinates (they lie outside the trim)."""

    bleed: float
    slug: float  # space added on every side of the trim for the marks
    marks: tuple[tuple[float, float, float, float], ...]
    mark_width: float


@dataclass(frozen=True)
class Area:
    """A rectangle in points, top-left origin: where a slide layout's placeholder stands."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class SlideFrame:
    """Where one kind of slide puts things: read from a PowerPoint template's layout (its
    placeholders, in points) or made from posterdeck's slide layout. Compose places the title in
    ``title``, the body in ``body``; the PPTX painter fills the layout's placeholders of the
    same name. ``layout``: the name of the slide layout the slide is built on."""

    layout: str
    title: Area
    body: Area
    footer: Area | None = None  # the layout's footer / date / slide-number placeholders, if any
    date: Area | None = None
    number: Area | None = None


@dataclass(frozen=True)
class SlideMaster:
    """The deck's PowerPoint master: a company template (``template``: its path) or posterdeck's
    own 16:9 master made from the theme (``template`` empty), and the frame of each slide role
    (overview, section, references)."""

    frames: dict  # role -> SlideFrame
    template: str = ""
    size: tuple[float, float] = (960.0, 540.0)  # the slide's width and height
    fonts: tuple[str, str] = ("", "")  # the template theme's heading and body font families


@dataclass
class Page:
    width: float  # the trim (finished) size
    height: float
    name: str
    boxes: list = field(default_factory=list)
    background: str = ""
    print: PrintMarks | None = None
    sources: tuple[str, ...] = ()  # study data paths this page shows (for change reports)
    role: str = ""  # slides: "overview", "section" or "references" (picks the slide layout)
    speaker_notes: str = ""  # slides: the text of the notes page

    def text(self) -> str:
        out = []
        for b in self.boxes:
            if isinstance(b, TextBox):
                out.extend("".join(s.text for s in p.spans) for p in b.paragraphs)
            elif isinstance(b, Table):
                out.extend(" ".join(c.lines) for r in b.rows for c in r if c)
            elif isinstance(b, Chart):
                out.extend(b.chart.texts())
        return "\n".join(out)


@dataclass
class Document:
    """One output: the poster or the deck, with the metadata both renderers write."""

    pages: list[Page]
    title: str
    author: str
    subject: str
    keywords: str
    language: str
    date: str  # ISO date used for every timestamp (determinism)
    fonts: dict[str, str]  # "regular"/"bold"/... -> TrueType path
    font_name: str  # family name written into the PPTX
    colours: dict  # theme colour name -> Colour (cmyk, rgb)
    print_spec: object = None  # schema.layout.PrintSpec of a print document, else None
    warnings: list = field(default_factory=list)  # what the build should tell (missing translations, ...)
    texts: dict = field(default_factory=dict)  # provenance (renderers ignore it): context -> (source wording,
    # wording as this target shows it, errors.Location), for every text the pages show (review items)
    master: SlideMaster | None = None  # slide decks: the master and layouts to build the PPTX on
