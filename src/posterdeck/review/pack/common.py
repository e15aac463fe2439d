"""What the review PDF and the review HTML share: callout numbers, status words and colours,
which built file shows each output's pages, and the page pictures (pdftoppm)."""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from posterdeck.errors import require_tool
from posterdeck.review.items import Item, Mark, PageReview, TargetReview

# status -> (words on the callout, colour): the colours tell the statuses apart in print (grey,
# green, orange, blue differ in lightness too) and the words say it without colour
STATUS = {
    "approved": ("approved", "#1b7a3a"),
    "changed": ("changed since approval", "#c2410c"),
    "new": ("new, never approved", "#1d4ed8"),
    "": ("no approvals recorded", "#5b6472"),
}
KINDS = ("value", "citation", "claim", "statement", "footnote")
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
            doc = docs.get(output)
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


_STEPS = sorted(((i, j) for i in range(-3, 9) for j in range(-3, 5)), key=lambda t: (t[0] ** 2 + t[1] ** 2, t))


def place_markers(mine: list[Callout], width: float, height: float, size: float,
                  digit: float) -> dict[tuple[int, int], tuple[float, float, float]]:
    """Where each mark's numbered marker goes on its page, in page units: (number, mark index) ->
    (left, top, marker width). A marker of height ``size`` (a digit ``digit`` wide) stands just
    above and left of its mark's corner; where another marker already stands it moves to the
    nearest free place near there, inside the page, so that dense pages keep every number
    readable. Overlap remains only when no place near the mark is free."""
    placed: dict[tuple[int, int], tuple[float, float, float]] = {}
    widest = max((len(str(c.number)) for c in mine), default=1) * digit + size
    cell = max(4 * size, widest)  # markers filed by cell: a place is checked against its neighbours only
    grid: dict[tuple[int, int], list[tuple[float, float, float]]] = {}

    def free(x: float, y: float, w: float) -> bool:
        cx, cy = int(x // cell), int(y // cell)
        for gx in range(cx - 1, int((x + w) // cell) + 1):
            for gy in (cy - 1, cy, cy + 1):
                for tx, ty, tw in grid.get((gx, gy), ()):
                    if not (x + w <= tx or tx + tw <= x or y + size <= ty or ty + size <= y):
                        return False
        return True

    for c in mine:
        w = max(size, len(str(c.number)) * digit + size * 0.55)
        for k, m in enumerate(c.item.marks):
            m = on_page(m, width, height) or m
            ax, ay = m.x - 0.6 * w, m.y - 0.6 * size
            best = None
            for i, j in _STEPS:
                x = min(max(0.0, ax + i * w * 1.08), max(0.0, width - w))
                y = min(max(0.0, ay + j * size * 1.08), max(0.0, height - size))
                if free(x, y, w):
                    best = (x, y)
                    break
            if best is None:
                best = (min(max(0.0, ax), max(0.0, width - w)), min(max(0.0, ay), max(0.0, height - size)))
            placed[(c.number, k)] = (best[0], best[1], w)
            grid.setdefault((int(best[0] // cell), int(best[1] // cell)), []).append((best[0], best[1], w))
    return placed
