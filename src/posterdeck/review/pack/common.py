"""What the review PDF and the review HTML share: callout numbers, status words and colours,
which built file shows each output's pages, and the page pictures (pdftoppm)."""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from posterdeck.errors import require_tool
from posterdeck.review.items import Item, Mark, PageReview, TargetReview, shown_doc

# status -> (words on the callout, colour): the colours tell the statuses apart in print (grey,
# green, orange, blue differ in lightness too) and the words say it without colour
STATUS = {
    "approved": ("approved", "#1b7a3a"),
    "changed": ("changed since approval", "#c2410c"),
    "new": ("new, never approved", "#1d4ed8"),
    "": ("no approvals recorded", "#5b6472"),
}
KINDS = ("value", "citation", "claim", "text", "statement", "footnote")
OUTPUT_NAMES = {"poster": "poster", "deck": "slide"}


def status_of(item: Item) -> tuple[str, str]:
    return STATUS.get(item.status, (item.status, STATUS[""][1]))


@dataclass(frozen=True)
class Callout:
    number: int
    item: Item
    page: PageReview


def callouts(review: TargetReview) -> list[list[Callout]]:
    """The callouts of each page, numbered 1.. through the whole target (a number names one
    callout in the PDF, the HTML and a reviewer's notes alike)."""
    out, n = [], 0
    for page in review.pages:
        mine = []
        for item in page.items:
            n += 1
            mine.append(Callout(n, item, page))
        out.append(mine)
    return out


NEEDS_APPROVAL = ("changed", "new")


def needs_approval(numbered: list[list[Callout]]) -> list[Callout]:
    """The callouts a reviewer must approve (again): changed since approval, or new."""
    return [c for mine in numbered for c in mine if c.item.status in NEEDS_APPROVAL]


def status_counts(numbered: list[list[Callout]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for mine in numbered:
        for c in mine:
            counts[c.item.status] = counts.get(c.item.status, 0) + 1
    return counts


def page_title(page: PageReview) -> str:
    what = f"{OUTPUT_NAMES.get(page.output, page.output)} {page.index + 1}"
    if page.name.startswith(what):  # the page model names slides "slide 2 (rationale)"
        return page.name
    return what + (f": {page.name}" if page.name and page.name != page.output else "")


def source_pdf(output: str, files: dict[str, bytes]) -> str:
    """The built file whose pages are shown for ``output``: the screen poster (trim size, RGB,
    no marks) when there is one, else the poster as built; the deck as PDF."""
    if output == "poster":
        return "poster-screen.pdf" if "poster-screen.pdf" in files else "poster.pdf"
    return "deck.pdf"


PIXELS = 3000  # the long side of a page picture at most: slides at 120 dpi, a poster legible when zoomed
MAX_DPI = 120


def dpi_for(width: float, height: float) -> int:
    return max(24, min(MAX_DPI, int(PIXELS * 72 / max(width, height))))


def pdftoppm() -> str:
    """The path of pdftoppm, or MissingToolError (exit 3) saying how to install it."""
    return require_tool("pdftoppm", "the review pack (its page pictures)",
                        "install poppler: apt install poppler-utils (Debian/Ubuntu), brew install poppler (macOS)")


def render_pages(pdfs: dict[str, tuple[bytes, int]]) -> dict[str, list[bytes]]:
    """Every page of each PDF as PNG at its dpi (pdftoppm, poppler; one process per PDF, run
    side by side): name -> [PNG of page 1, ...]."""
    exe = pdftoppm()
    with tempfile.TemporaryDirectory(prefix="posterdeck-review-") as tmp:
        runs = {}
        for n, (name, (pdf, dpi)) in enumerate(pdfs.items()):
            src = Path(tmp) / f"{n}.pdf"
            src.write_bytes(pdf)
            runs[name] = (n, subprocess.Popen([exe, "-png", "-r", str(dpi), str(src), str(Path(tmp) / f"p{n}")],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        out = {}
        for name, (n, run) in runs.items():
            _, err = run.communicate(timeout=600)
            if run.returncode != 0:
                raise RuntimeError(f"pdftoppm failed on {name}: {err.decode(errors='replace').strip()}")
            # p0-1.png or p0-01.png ...: pdftoppm pads the number to the page count's digits
            names = sorted(Path(tmp).glob(f"p{n}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            out[name] = [p.read_bytes() for p in names]
        return out


@dataclass
class Pictures:
    """The page pictures of a target: (output, page index) -> PNG bytes, and their dpi."""

    png: dict
    dpi: dict

    @classmethod
    def of(cls, review: TargetReview, docs: dict, files: dict[str, bytes]) -> "Pictures":
        dpi, wanted = {}, {}
        for output in dict.fromkeys(p.output for p in review.pages):
            doc = shown_doc(docs, output)
            name = source_pdf(output, files)
            if doc is None or name not in files:
                continue
            first = doc.pages[0]
            dpi[output] = dpi_for(first.width, first.height)
            wanted[output] = (files[name], dpi[output])
        drawn = render_pages(wanted) if wanted else {}
        png = {(output, i): data for output, pages in drawn.items() for i, data in enumerate(pages)}
        return cls(png, dpi)

    def image(self, output: str, index: int):
        """The page picture as a Pillow RGB image, decoded once (crops cut many from one page)."""
        key = (output, index)
        cache = self.__dict__.setdefault("_decoded", {})
        if key not in cache:
            import io

            from PIL import Image

            png = self.png.get(key)
            cache[key] = None if png is None else Image.open(io.BytesIO(png)).convert("RGB")
        return cache[key]


def on_page(mark: Mark, width: float, height: float) -> Mark | None:
    """The part of ``mark`` on its page (None: none of it), so that no outline or marker is
    drawn beyond the page, over the callouts."""
    x0, y0 = max(0.0, mark.x), max(0.0, mark.y)
    x1, y1 = min(width, mark.x + mark.w), min(height, mark.y + mark.h)
    if x1 <= x0 or y1 <= y0:
        return None
    return Mark(x0, y0, x1 - x0, y1 - y0)


def _offsets(reach: int) -> list[tuple[int, int]]:
    """Places round a mark, nearest first: (i, j) steps left (i < 0) or right (i > 0) of the mark,
    above (j < 0) or below (j > 0) it; 0 is level with its start (its left edge, its top). Beside
    the mark on its left (the margin, the gutter) comes first, then above, right, below."""
    first = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1)]
    rest = sorted(((i, j) for i in range(-reach, reach + 1) for j in range(-reach, reach + 1)
                   if (i, j) != (0, 0) and (i, j) not in first), key=lambda t: (t[0] ** 2 + t[1] ** 2, t[0] > 0, t))
    return first + rest


_NEAR = _offsets(12)


def ink(page) -> list[Mark]:
    """What a page model's page prints, as rectangles (points, top-left origin): each line of
    text where it stands, each table and chart whole. Markers keep off them."""
    from posterdeck.pagemodel import Chart, Table, TextBox, line_origins

    out = []
    for box in getattr(page, "boxes", ()):
        if isinstance(box, TextBox):
            for o in line_origins(box):  # where the PDF painter draws each line
                if o.line.width > 0:
                    out.append(Mark(o.x, o.top, o.line.width, o.paragraph.leading))
        elif isinstance(box, (Table, Chart)):
            out.append(Mark(box.x, box.y, box.w, box.h))
    return out


def whole_lines(page, marks, region: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A crop ``region`` (x0, y0, x1, y1) of ``page`` round ``marks`` grown so that it cuts no
    word: as wide as the text boxes the marks stand in, and as high as every line it cuts."""
    from posterdeck.pagemodel import TextBox

    x0, y0, x1, y1 = region
    for box in getattr(page, "boxes", ()):
        if isinstance(box, TextBox) and any(box.x <= m.x + m.w / 2 <= box.x + box.w and
                                            box.y <= m.y + m.h / 2 <= box.y + box.h for m in marks):
            x0, x1 = min(x0, max(0.0, box.x)), max(x1, min(page.width, box.x + box.w))
    for line in ink(page):
        if line.x < x1 and line.x + line.w > x0 and line.y < y1 and line.y + line.h > y0:
            if line.y < y0 < line.y + line.h or line.y < y1 < line.y + line.h:
                if line.h < (y1 - y0) / 2:  # a line cut by the top or bottom: whole (not a chart or table)
                    y0, y1 = min(y0, line.y), max(y1, line.y + line.h)
    return max(0.0, x0), max(0.0, y0), min(page.width, x1), min(page.height, y1)


def place_markers(mine: list[Callout], width: float, height: float, size: float,
                  digit: float, avoid: list[Mark] = ()) -> dict[tuple[int, int], tuple[float, float, float]]:
    """Where each mark's numbered marker goes on its page, in page units: (number, mark index) ->
    (left, top, marker width). A marker of height ``size`` (a digit ``digit`` wide) stands beside
    its mark, in the margin or gutter on its left where there is room, else at the nearest place
    (within a dozen markers' reach) that covers neither another marker nor any item's mark (every
    text shown is a mark of its own: so no text either); a thin leader (see ``leader``) joins a
    marker to its mark. ``avoid``: more places to keep off (``ink``: all the page's text). Only
    where no such place is near does a marker cover a mark, never another marker when it can
    help it."""
    placed: dict[tuple[int, int], tuple[float, float, float]] = {}
    widest = max((len(str(c.number)) for c in mine), default=1) * digit + size
    cell = max(4 * size, widest)  # marks and markers filed by cell: a place is checked against its neighbours only
    markers: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    marks: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def file(grid: dict, x: float, y: float, w: float, h: float) -> None:
        for gx in range(int(x // cell), int((x + w) // cell) + 1):
            for gy in range(int(y // cell), int((y + h) // cell) + 1):
                grid.setdefault((gx, gy), []).append((x, y, w, h))

    def clear(grid: dict, x: float, y: float, w: float) -> bool:
        for gx in range(int(x // cell), int((x + w) // cell) + 1):
            for gy in range(int(y // cell), int((y + size) // cell) + 1):
                for tx, ty, tw, th in grid.get((gx, gy), ()):
                    if not (x + w <= tx or tx + tw <= x or y + size <= ty or ty + th <= y):
                        return False
        return True

    for m in [m for c in mine for m in c.item.marks] + list(avoid):
        m = on_page(m, width, height)
        if m is not None:
            file(marks, m.x, m.y, m.w, m.h)
    gap = size * 0.25
    for c in mine:
        w = max(size, len(str(c.number)) * digit + size * 0.55)
        for k, m in enumerate(c.item.marks):
            m = on_page(m, width, height) or m
            best = fallback = None
            for i, j in _NEAR:
                x = (m.x - w - gap + (i + 1) * (w + gap) if i < 0 else
                     m.x + m.w + gap + (i - 1) * (w + gap) if i > 0 else m.x)
                y = (m.y - size - gap + (j + 1) * (size + gap) if j < 0 else
                     m.y + m.h + gap + (j - 1) * (size + gap) if j > 0 else m.y)
                if x < 0 or y < 0 or x + w > width or y + size > height:
                    continue
                if clear(markers, x, y, w):
                    if clear(marks, x, y, w):
                        best = (x, y)
                        break
                    fallback = fallback or (x, y)
            if best is None:
                best = fallback or (min(max(0.0, m.x - 0.6 * w), max(0.0, width - w)),
                                    min(max(0.0, m.y - 0.6 * size), max(0.0, height - size)))
            placed[(c.number, k)] = (best[0], best[1], w)
            file(markers, best[0], best[1], w, size)
    return placed


def leader(marker: tuple[float, float, float], size: float, mark: Mark) -> tuple[float, float, float, float] | None:
    """The thin line from a marker (left, top, width; ``size`` high) to its mark, from the point
    of each nearest the other (None when they touch): page units."""
    x, y, w = marker
    mx = min(max(x + w / 2, mark.x), mark.x + mark.w)  # the mark's point nearest the marker's centre
    my = min(max(y + size / 2, mark.y), mark.y + mark.h)
    px = min(max(mx, x), x + w)  # the marker's point nearest that
    py = min(max(my, y), y + size)
    if abs(px - mx) < size * 0.3 and abs(py - my) < size * 0.3:
        return None
    return px, py, mx, my
