"""Shared fixtures and helpers of the posterdeck test suite.

* ``require_tool(name)``: skip a test when an external program is missing locally, but fail it
  when ``CI=true`` (CI must never skip silently).
* ``demo_build``: the demo deck built ONCE per session into a temporary folder (a build takes ~5 s).
* ``project_copy``: a throw-away copy of data/inovate-salvage, data/shared and layouts/ in tmp_path,
  to be broken one thing at a time by the bad-input tests.
* readers for the outputs: PDF text per page (pdftotext and pypdf), PPTX text per slide with
  superscripts kept apart, the abbreviation footer of a slide.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DECK_DIR = DATA / "inovate-salvage"
SHARED_DIR = DATA / "shared"
LAYOUTS_DIR = ROOT / "layouts"
DECK = "inovate-salvage"
TARGET = "en-NL"
JOB_LINE = "PP-INO-GLB-0137. May 2021."

# builds in the tests (in-process and the CLI's subprocesses) keep their cache of drawn charts and
# parsed hyphenation patterns in a folder of this session, never in the user's ~/.cache
if "POSTERDECK_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["POSTERDECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="posterdeck-test-cache-")


# --------------------------------------------------------------------------------------------
# external tools
# --------------------------------------------------------------------------------------------

def require_tool(name: str) -> str:
    """The path of an external program; skip when missing locally, fail when CI=true."""
    path = shutil.which(name)
    if path is None and name == "soffice":
        path = shutil.which("libreoffice")
    if path:
        return path
    message = f"external tool {name!r} is not installed"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: tests must not be skipped)", pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------------------------------
# YAML of the demo, read independently of posterdeck's loader
# --------------------------------------------------------------------------------------------

def ooxml_validator() -> Path:
    """shared/checks/ooxml_validate.py (the ISO/IEC 29500 schema check), beside the repository or
    a parent of it (a CI clone or a worktree). In CI its absence fails the test; it never skips
    silently there."""
    for parent in Path(__file__).resolve().parents:
        path = parent / "shared" / "checks" / "ooxml_validate.py"
        if path.is_file():
            return path
    message = "shared/checks/ooxml_validate.py not found beside the repository"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def study_yaml() -> dict:
    return read_yaml(DECK_DIR / "study.yaml")


@pytest.fixture(scope="session")
def content_yaml() -> dict:
    return read_yaml(DECK_DIR / "content.yaml")


@pytest.fixture(scope="session")
def deck_yaml() -> dict:
    return read_yaml(DECK_DIR / "deck.yaml")


@pytest.fixture(scope="session")
def references_yaml() -> list:
    data = read_yaml(DECK_DIR / "references.yaml")
    return data["references"] if isinstance(data, dict) else data


@pytest.fixture(scope="session")
def glossary_yaml(deck_yaml) -> dict:
    """All glossary terms the demo deck uses: term -> expansion."""
    terms = {}
    for rel in deck_yaml["deck"].get("files", {}).get("glossaries", []):
        terms.update(read_yaml(DECK_DIR / rel).get("glossary", {}) or {})
    if (DECK_DIR / "glossary.yaml").is_file():
        terms.update(read_yaml(DECK_DIR / "glossary.yaml").get("glossary", {}) or {})
    return terms


def deck_market(market: dict, deck: dict, content: dict) -> dict:
    """A market as a deck shows it, read independently of posterdeck: the market file's
    statements and links, then the deck's statements for that market (content.yaml statements
    with markets: [CODE]) and the deck's links, which take the place of the market's."""
    code = market["code"]
    mine = [st for st in content.get("statements", []) or [] if code in (st.get("markets") or [])]
    links = {**(market.get("links") or {}), **(deck.get("links") or {}),
             **((deck.get("market_links") or {}).get(code) or {})}
    return {**market, "statements": list(market.get("statements") or []) + mine, "links": links}


def demo_markets() -> dict:
    """Every market of the demo deck's markets folder, as the demo deck shows it (deck_market)."""
    deck = read_yaml(DECK_DIR / "deck.yaml")["deck"]
    content = read_yaml(DECK_DIR / "content.yaml")
    rel = deck.get("files", {}).get("markets", "../shared/markets")
    found = (read_yaml(p)["market"] for p in sorted((DECK_DIR / rel).glob("*.yaml")))
    return {m["code"]: deck_market(m, deck, content) for m in found}


@pytest.fixture(scope="session")
def market_yaml(deck_yaml) -> dict:
    region = TARGET.split("-")[1]
    markets = demo_markets()
    assert region in markets, f"no market {region}"
    return markets[region]


def localized(text, language: str = TARGET.split("-")[0]) -> str:
    """A text of the data model: plain, or a mapping language -> text."""
    if isinstance(text, dict):
        return text.get(language) or next(iter(text.values()))
    return text


def half_up(value: float, decimals: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def study_leaf(study: dict, path: str) -> dict:
    node = study
    for part in path.split("."):
        node = node[part]
    return node


def study_denominator(study: dict, leaf: dict) -> int:
    N = leaf["N"]
    return N if isinstance(N, int) else study["populations"][N]["n"]


def study_value(study: dict, path: str) -> float:
    """The percentage a data path stands for, computed from n/N (or the estimate), rounded as printed."""
    decimals = study["study"].get("decimals", 1)
    leaf = study_leaf(study, path)
    if "n" in leaf and "N" in leaf:
        return float(half_up(100.0 * leaf["n"] / study_denominator(study, leaf), decimals))
    if "value" in leaf:
        return float(half_up(leaf["value"], decimals))
    if "number" in leaf:
        return float(leaf["number"])
    raise AssertionError(f"{path} is not a plottable leaf")


# --------------------------------------------------------------------------------------------
# the demo, built once
# --------------------------------------------------------------------------------------------

@dataclass
class Built:
    out: Path
    results: list
    folder: Path = field(init=False)

    def __post_init__(self):
        self.folder = self.out / DECK / TARGET

    @property
    def poster(self) -> Path:
        return self.folder / "poster.pdf"

    @property
    def deck_pdf(self) -> Path:
        return self.folder / "deck.pdf"

    @property
    def deck_pptx(self) -> Path:
        return self.folder / "deck.pptx"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Built:
    from posterdeck import api

    out = tmp_path_factory.mktemp("demo-out")
    results = api.build(DECK_DIR, targets=[TARGET], out=out)
    return Built(out, results)


@pytest.fixture(scope="session")
def demo_model():
    from posterdeck.loading.deck import load_deck

    return load_deck(DECK_DIR)


@pytest.fixture(scope="session")
def demo_docs(demo_model):
    """The composed page-model documents of the demo (poster and deck)."""
    from posterdeck.compose.build import compose
    from posterdeck.resolve.target import make_target

    return compose(demo_model, make_target(TARGET, demo_model.info, demo_model.markets))


@pytest.fixture(scope="session")
def demo_fonts():
    """The demo theme's font files and a compose.text.Fonts measuring with them."""
    from posterdeck.compose.text import Fonts
    from posterdeck.fonts import font_files
    from posterdeck.schema.layout import ThemeFile

    theme_file = LAYOUTS_DIR / "themes" / "besponsa.yaml"
    theme = ThemeFile.model_validate(read_yaml(theme_file)).theme
    files = font_files(theme, theme_file.parent)
    return theme, files, Fonts(files)


# --------------------------------------------------------------------------------------------
# reading the outputs back
# --------------------------------------------------------------------------------------------

def norm(text: str) -> str:
    """Whitespace collapsed (PDF line breaks become spaces), no-break spaces and hyphens made
    plain, word joiners dropped (the PPTX carries them where compose keeps words together)."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ").replace("\u00ad", "")
    text = text.replace("\u2011", "-").replace("\u2060", "")
    return re.sub(r"\s+", " ", text).strip()


def pdftotext_pages(path: Path) -> list[str]:
    exe = require_tool("pdftotext")
    out = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    pages = out.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def pypdf_pages(source) -> list[str]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    return [p.extract_text() or "" for p in reader.pages]


def _walk_shapes(shapes):
    for shape in shapes:
        yield shape
        if shape.shape_type == 6:  # group
            yield from _walk_shapes(shape.shapes)


def run_is_script(run) -> bool:
    rpr = run._r.rPr
    return rpr is not None and rpr.get("baseline") not in (None, "0")


def readable(text: str) -> str:
    """PPTX text as a reader sees it: no-break hyphens as hyphens, word joiners left out (compose
    writes them where PowerPoint must not break; no-break spaces stay, as in the PDF)."""
    return text.replace("\u2011", "-").replace("\u2060", "")


def paragraph_text(paragraph, mark_scripts: bool = True) -> str:
    """A paragraph's text; raised or lowered runs set apart by spaces so that 'S2' + '1' stays 'S2 1'."""
    parts = []
    for run in paragraph.runs:
        if mark_scripts and run_is_script(run):
            parts.append(f" {run.text} ")
        else:
            parts.append(run.text)
    return readable("".join(parts))


def chart_texts(chart) -> list[str]:
    out = []
    if chart.has_title:
        out.append(chart.chart_title.text_frame.text)
    for axis_name in ("value_axis", "category_axis"):
        try:
            axis = getattr(chart, axis_name)
        except (ValueError, AttributeError):
            continue
        if axis.has_title:
            out.append(axis.axis_title.text_frame.text)
    for plot in chart.plots:
        out.extend(str(c) for c in plot.categories)
        out.extend(s.name or "" for s in plot.series)
    return out


@dataclass
class Slide:
    """What one slide shows: body texts (title, body, visuals) and footer paragraphs, as read back."""

    index: int
    body: list[str]
    footer: list[str]
    shapes: list

    @property
    def text(self) -> str:
        return "\n".join(self.body + self.footer)


def read_slides(path: Path) -> list[Slide]:
    from pptx import Presentation

    slides = []
    for i, slide in enumerate(Presentation(str(path)).slides, 1):
        body, footer, shapes = [], [], []
        for shape in _walk_shapes(slide.shapes):
            shapes.append(shape)
            texts = []
            if shape.has_text_frame:
                texts.extend(paragraph_text(p) for p in shape.text_frame.paragraphs)
            if getattr(shape, "has_table", False) and shape.has_table:
                texts.extend(readable(c.text) for r in shape.table.rows for c in r.cells)
            if getattr(shape, "has_chart", False) and shape.has_chart:
                texts.extend(chart_texts(shape.chart))
            (footer if shape.name == "footer" else body).extend(t for t in texts if t)
        slides.append(Slide(i, body, footer, shapes))
    return slides


ABBR_LINE = re.compile(r"^[^\s=;]+=[^;=]+(?:; [^\s=;]+=[^;=]+)*\.?$")


def abbreviation_line(paragraphs: list[str]) -> str | None:
    found = [p for p in paragraphs if ABBR_LINE.match(p)]
    assert len(found) <= 1, f"more than one abbreviation line: {found}"
    return found[0] if found else None


def parse_abbreviations(line: str) -> list[tuple[str, str]]:
    items = []
    for part in line.strip().rstrip(".").split(";"):
        term, _, expansion = part.strip().partition("=")
        items.append((term.strip(), expansion.strip()))
    return items


def terms_in(text: str, glossary: dict) -> set[str]:
    return {t for t in glossary if re.search(r"(?<!\w)" + re.escape(t) + r"(?!\w)", text)}


def expand_numbers(label: str) -> list[int]:
    """'1–3,5' -> [1, 2, 3, 5]; letters (footnote markers) are ignored."""
    out = []
    for part in label.replace(" ", "").split(","):
        m = re.fullmatch(r"(\d+)[\u2013-](\d+)", part)
        if m:
            out.extend(range(int(m.group(1)), int(m.group(2)) + 1))
        elif part.isdigit():
            out.append(int(part))
    return out


# --------------------------------------------------------------------------------------------
# a breakable copy of the project, and the CLI
# --------------------------------------------------------------------------------------------

@dataclass
class ProjectCopy:
    root: Path

    @property
    def deck(self) -> Path:
        return self.root / "data" / DECK

    @property
    def out(self) -> Path:
        return self.root / "out"

    def path(self, rel: str) -> Path:
        return self.root / rel

    def replace(self, rel: str, old: str, new: str) -> int:
        """Replace the one occurrence of ``old`` in a file; return the 1-based line it is on."""
        p = self.path(rel)
        text = p.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        at = text.index(old)
        p.write_text(text.replace(old, new), encoding="utf-8")
        return text.count("\n", 0, at) + 1

    def insert_line(self, rel: str, after: int, line: str) -> int:
        """Insert a line after line ``after``; return its 1-based number."""
        p = self.path(rel)
        lines = p.read_text(encoding="utf-8").splitlines()
        lines.insert(after, line)
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return after + 1

    def line_of(self, rel: str, needle: str) -> int:
        text = self.path(rel).read_text(encoding="utf-8")
        assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times in {rel}"
        return text.count("\n", 0, text.index(needle)) + 1

    def cli(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
        return run_cli(*args, cwd=self.root, timeout=timeout)

    def written(self) -> list[Path]:
        return sorted(p for p in self.out.rglob("*") if p.is_file()) if self.out.exists() else []


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    """An empty disk cache folder of this test (POSTERDECK_CACHE_DIR), the cache switched on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("POSTERDECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("POSTERDECK_NO_CACHE", raising=False)
    return folder


def copy_project(root: Path, deck: Path = DECK_DIR) -> Path:
    """A project at ``root``: the deck folder ``deck``, the shared data and the layouts, copied
    (to break or change without touching the repository's); the copied deck's folder."""
    shutil.copytree(deck, root / "data" / deck.name)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    return root / "data" / deck.name


@pytest.fixture
def project_copy(tmp_path) -> ProjectCopy:
    copy_project(tmp_path)
    return ProjectCopy(tmp_path)


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update({"NO_COLOR": "1", "COLUMNS": "200"})
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "posterdeck", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=full_env)


def error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("error:")]


# --------------------------------------------------------------------------------------------
# the review pack (#15): the demo's pack built once by `posterdeck review`, and one made by hand
# --------------------------------------------------------------------------------------------

REVIEW_KINDS = ("value", "citation", "claim", "text", "statement", "footnote")
REVIEW_STATUSES = ("approved", "changed", "new", "")


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory) -> Path:
    """The demo's en-NL target built by `posterdeck review`: its output folder."""
    require_tool("pdftoppm")
    out = tmp_path_factory.mktemp("review-out")
    run = run_cli("review", "--target", TARGET, "--out", str(out), "--jobs", "1", str(DECK_DIR))
    assert run.returncode == 0, run.stderr
    assert "review pack:" in run.stdout
    return out / DECK / TARGET


def hand_review(docs: dict, poster_items: int = 40):
    """A review whose items are the text boxes of the poster and of the first two slides, with
    marks on their boxes, every kind and every status, several details rows each."""
    from posterdeck.pagemodel import TextBox
    from posterdeck.review.items import Item, Mark, PageReview, TargetReview

    review = TargetReview(DECK, TARGET, "en")
    k = 0
    for output, index, most in (("poster", 0, poster_items), ("deck", 0, 6), ("deck", 1, 6)):
        page = docs[output].pages[index]
        pr = PageReview(output, index, page.name)
        for box in [b for b in page.boxes if isinstance(b, TextBox) and b.paragraphs][:most]:
            shown = "".join(s.text for s in box.paragraphs[0].spans)[:90]
            pr.items.append(Item(
                key=f"claim:hand-{k}", kind=REVIEW_KINDS[k % 5], label=f"hand item {k}", shown=shown,
                where=f"data/{DECK}/content.yaml:{10 + k}",
                details=(("study path", f"results.hand.{k}"), ("value", f"{k}.5%"), ("n/N", f"{k}/83"),
                         ("reference", "Jabbour E, et al. 2020"), ("locator", "fig. 2")),
                marks=(Mark(box.x, box.y, box.w, min(box.h, 80.0)),), status=REVIEW_STATUSES[k % 4],
                approved="A. Reviewer, 2026-11-01" if REVIEW_STATUSES[k % 4] == "approved" else ""))
            k += 1
        review.pages.append(pr)
    return review


@pytest.fixture(scope="session")
def hand_pack(reviewed, demo_docs):
    from posterdeck.review.pack import write_pack

    files = {n: (reviewed / n).read_bytes() for n in ("poster-screen.pdf", "poster.pdf", "deck.pdf")}
    review = hand_review(demo_docs)
    return review, write_pack(review, demo_docs, files), files
