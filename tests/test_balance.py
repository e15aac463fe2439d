"""Balanced pages (issue #10, point 4).

* A chart never grows past its maximum height, however much room its column has: a column
  chart no taller than its width x aspect (and a two-bar chart capped per category), a
  Kaplan-Meier plot at its aspect, a forest plot from its rows.
* Every body column of the demo posters is at most a fifth empty at its foot; a layout that
  cannot be balanced gets a build warning naming the column's panels and its empty share.
* Slides with visuals grow their type into spare room as text-only slides do, and the body of
  every text-and-chart slide of the demo decks is covered by content to at least MIN_COVERAGE.

Everything is composed in-process (no rendering, no soffice): the page model is what both
renderers paint, so its geometry is the geometry of the PDF and of the PPTX.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA, DECK, DECK_DIR, LAYOUTS_DIR, TARGET, read_yaml

from posterdeck.pagemodel import Chart, Rect, Table, TextBox
from posterdeck.pagemodel.charts import RChart, RForest, RKaplanMeier

FIXTURE = Path(__file__).parent / "fixtures" / "balance" / "poster-unbalanced.yaml"
AURORA_DIR = DATA / "aurora-fictional"
MAX_EMPTY = 0.2  # the issue: no column more than a fifth empty

# Measured (see README, layout section) as the share of the slide body (between the title band
# and the footer rule) covered by text lines, tables and charts, on the text-and-chart slides:
#   inovate-salvage crcri 0.70, survival 0.74 -> 0.85, hsct 0.80 -> 0.76, safety 0.66;
#   aurora-fictional os 0.53 -> 0.56, subgroups 0.57 -> 0.59, response 0.60 -> 0.38.
# The response slide is one callout beside a two-bar chart that may no longer stretch to the
# slide's height (its maximum is its aspect): it is the sparsest there is, and the floor is set
# just under it. A slide whose text column stays at its base size beside a capped chart, or
# whose visuals leave a column empty, falls below it.
MIN_COVERAGE = 0.35


# --------------------------------------------------------------------------------------------
# composing in-process
# --------------------------------------------------------------------------------------------

def _compose(model, tag: str):
    from posterdeck.compose.build import compose
    from posterdeck.resolve.target import make_target

    return compose(model, make_target(tag, model.info, model.markets))


@pytest.fixture(scope="module")
def aurora_model():
    from posterdeck.loading.deck import load_deck

    return load_deck(AURORA_DIR)


@pytest.fixture(scope="module")
def aurora_docs(aurora_model):
    return _compose(aurora_model, "en-GB")


@pytest.fixture(scope="module")
def unbalanced_layout():
    from posterdeck.schema.layout import LayoutFile

    return LayoutFile.model_validate(read_yaml(FIXTURE)).layout


@pytest.fixture(scope="module")
def unbalanced_docs(demo_model, unbalanced_layout):
    # the fixture places sections by id, so the demo's slot mapping (for its own layout) goes
    info = demo_model.info.model_copy(update={"layout_slots": {}})
    model = dataclasses.replace(demo_model, info=info, layouts={**demo_model.layouts, "poster": unbalanced_layout})
    return _compose(model, TARGET)


# --------------------------------------------------------------------------------------------
# measuring the page model
# --------------------------------------------------------------------------------------------

def shown_height(box) -> float:
    """How tall what a box shows is: a text box its lines (its fill, when it has one), else its box."""
    if isinstance(box, TextBox) and not box.fill:
        paras = box.paragraphs
        lines = sum(p.space_before + max(len(p.lines), 1) * p.leading for p in paras)
        return lines - (paras[0].space_before if paras else 0.0) + 2 * box.padding
    return box.h


def body_columns(page, layout, slots: dict | None = None) -> list[tuple[list[str], float, float, float, float]]:
    """The poster's fill band as columns: (panel names, top, bottom, content bottom, empty share),
    from the panels' backgrounds and the boxes within them. ``slots`` is the deck's mapping of the
    layout's slots to section ids."""
    band = next(b for b in layout.bands if b.height == "fill")
    out = []
    for col in band.columns:
        names = []
        for ref in col.names():
            kind, _, arg = ref.partition(":")
            ids = (slots or {}).get(arg, []) if kind == "slot" else [arg] if kind == "section" else [ref]
            names.extend("panel:" + i for i in ids)
        rects = [b for b in page.boxes if isinstance(b, Rect) and b.role in names]
        assert rects, f"no panel of {names} on the page"
        top, bottom = min(r.y for r in rects), max(r.y + r.h for r in rects)
        x0, x1 = min(r.x for r in rects), max(r.x + r.w for r in rects)
        inside = [b for b in page.boxes if not isinstance(b, Rect) and x0 - 0.5 <= b.x and b.x + b.w <= x1 + 0.5
                  and top - 0.5 <= b.y <= bottom]
        low = max(b.y + shown_height(b) for b in inside)
        out.append((names, top, bottom, low, (bottom - low) / (bottom - top)))
    return out


def body_area(page, layout) -> tuple[float, float, float, float]:
    """The slide body: between the title band and the footer rule, within the margins."""
    band = next(b for b in page.boxes if isinstance(b, Rect) and b.role == "title-band")
    rule = next(b for b in page.boxes if isinstance(b, Rect) and b.role == "footer-rule")
    m = layout.page.margins
    return m.left, band.y + band.h, page.width - m.right, rule.y


def content_rects(page) -> list[tuple[float, float, float, float]]:
    rects = []
    for b in page.boxes:
        if isinstance(b, TextBox) and b.role not in ("title", "footer"):
            rects.append((b.x, b.y, b.w, shown_height(b)))
        elif isinstance(b, (Chart, Table)):
            rects.append((b.x, b.y, b.w, b.h))
    return rects


def covered(rects, area) -> float:
    """The share of ``area`` (x0, y0, x1, y1) covered by the union of ``rects`` (x, y, w, h)."""
    x0, y0, x1, y1 = area
    xs = sorted({min(max(v, x0), x1) for x, y, w, h in rects for v in (x, x + w)} | {x0, x1})
    total = 0.0
    for a, b in zip(xs, xs[1:]):
        spans = sorted((max(y, y0), min(y + h, y1)) for x, y, w, h in rects if x <= a and x + w >= b)
        reach = y0
        for s, e in spans:
            if e > max(s, reach):
                total += (e - max(s, reach)) * (b - a)
                reach = e
    return total / ((x1 - x0) * (y1 - y0))


def text_and_chart_slides(doc) -> list:
    return [p for p in doc.pages
            if any(isinstance(b, Chart) for b in p.boxes)
            and any(isinstance(b, TextBox) and b.role in ("body", "callout") for b in p.boxes)]


# --------------------------------------------------------------------------------------------
# charts keep their aspect
# --------------------------------------------------------------------------------------------

def _block(chart, ctx):
    from posterdeck.compose.chartblocks import ChartBlock, ForestBlock, KaplanMeierBlock

    if isinstance(chart, RKaplanMeier):
        return KaplanMeierBlock(chart, ctx)
    if isinstance(chart, RForest):
        return ForestBlock(chart, ctx)
    return ChartBlock(chart, ctx)


def _charts(*docs) -> dict:
    found = {}
    for doc in docs:
        for page in doc.pages:
            for b in page.boxes:
                if isinstance(b, Chart):
                    found.setdefault(b.chart.id, b.chart)
    return found


@pytest.fixture(scope="module")
def every_chart(demo_docs, aurora_docs) -> dict:
    return _charts(demo_docs["poster"], aurora_docs["poster"])


@pytest.mark.parametrize("width", [300.0, 740.0, 2000.0])
def test_a_chart_never_grows_past_its_maximum_however_tall_its_column(demo_model, demo_fonts, every_chart, width):
    from posterdeck.compose.blocks import Ctx, Row, Stack, TextBlock
    from posterdeck.compose.charttitles import extra_title_height
    from posterdeck.compose.text import Piece

    assert {type(c) for c in every_chart.values()} == {RChart, RKaplanMeier, RForest}
    ctx = Ctx(demo_model.layouts["poster"], demo_fonts[2], "test", {}, "en")
    for chart_id, chart in every_chart.items():
        block = _block(chart, ctx)
        assert block.min_height(width, 1.0) <= block.pref_height(width, 1.0) <= block.max_height(width, 1.0)
        text = TextBlock([([Piece("A short paragraph beside the chart.")], "body", 0)], ctx)
        row = Row([text, Stack([block])], [1, 2], gap=20.0)
        for slot, w in ((Stack([block, text], gap=20.0), width), (row, row._widths(width)[1])):
            most = block.max_height(w, 1.0)
            boxes = slot.place(0.0, 0.0, width, width * 12, 1.0)  # far more room than any chart needs
            mine = [b for b in boxes if isinstance(b, Chart) or getattr(b, "role", "") in
                    ("chart-text", "chart-title", "at-risk")]
            extent = max(b.y + b.h for b in mine) - min(b.y for b in mine)
            assert extent <= most + 0.01, f"{chart_id} at {w:.0f} pt: {extent:.0f} pt tall, maximum {most:.0f}"
            if isinstance(chart, RChart):
                assert extent == pytest.approx(most), f"{chart_id}: given the room, it takes its maximum"
                # past its aspect by no more than its title's lines beyond the first (the plot keeps its shape)
                extra = extra_title_height(chart, w, ctx.style("chart", 1.0).size, ctx)
                assert most <= w * chart.aspect + extra + 0.01, f"{chart_id} may grow past its aspect"


def test_a_two_bar_column_chart_is_capped_per_category(demo_model, demo_fonts, every_chart):
    from posterdeck.compose.blocks import Ctx, Stack

    ctx = Ctx(demo_model.layouts["poster"], demo_fonts[2], "test", {}, "en")
    two_bars = [c for c in every_chart.values() if isinstance(c, RChart) and len(c.categories) == 2
                and len(c.series) == 1 and c.type.endswith("_column")]
    assert two_bars, "the demos have a two-bar column chart (HSCT, ORR)"
    for chart in two_bars:
        block = _block(chart, ctx)
        wide = 2400.0  # a full-width band of a landscape poster
        (box,) = [b for b in Stack([block]).place(0.0, 0.0, wide, 5000.0, 1.0) if isinstance(b, Chart)]
        assert box.h < wide * chart.aspect * 0.5, f"{chart.id}: {box.h:.0f} pt tall in a {wide:.0f} pt slot"
        assert box.h <= box.w * chart.aspect + 0.01  # narrowed to the width its bars are worth, centred
        assert box.x + box.w / 2 == pytest.approx(wide / 2)


def test_no_bar_chart_on_any_demo_page_is_taller_than_its_aspect(demo_docs, aurora_docs, unbalanced_docs):
    seen = 0
    for docs in (demo_docs, aurora_docs, unbalanced_docs):
        for doc in docs.values():
            for page in doc.pages:
                for b in page.boxes:
                    if isinstance(b, Chart) and isinstance(b.chart, RChart):
                        seen += 1
                        assert b.h <= b.w * b.chart.aspect + 0.01, f"{page.name} {b.name}: {b.h:.0f} x {b.w:.0f} pt"
    assert seen >= 10


def test_the_hsct_chart_keeps_its_height_alone_in_a_tall_column(unbalanced_docs):
    """The HSCT panel alone in a body column: its chart does not swallow the column."""
    boxes = unbalanced_docs["poster"].pages[0].boxes
    panel = next(b for b in boxes if isinstance(b, Rect) and b.role == "panel:hsct")
    (alone,) = [b for b in boxes if isinstance(b, Chart) and panel.x <= b.x < panel.x + panel.w]
    assert alone.h <= alone.w * alone.chart.aspect + 0.01
    assert alone.h < panel.h * 0.3


# --------------------------------------------------------------------------------------------
# posters: columns balanced, or a warning
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("deck,tag", [(DECK, "en-NL"), (DECK, "de-DE"), (DECK, "el-GR"), ("aurora-fictional", "en-GB")])
def test_demo_poster_body_columns_are_at_most_a_fifth_empty(deck, tag, demo_model, aurora_model):
    model = demo_model if deck == DECK else aurora_model
    doc = _compose(model, tag)["poster"]
    columns = body_columns(doc.pages[0], model.layouts["poster"],
                           model.info.layout_slots.get(model.info.outputs.poster, {}))
    assert len(columns) == 3
    for names, top, bottom, low, empty in columns:
        assert low <= bottom + 0.01, f"{names}: content runs past the column"
        warned = [w for w in doc.warnings if "unbalanced" in w and names[0] in w]
        assert empty <= MAX_EMPTY or warned, f"{deck} {tag} {names}: {empty:.0%} empty and no warning"
        assert not warned, f"{deck} {tag}: {warned}"


def test_a_layout_that_cannot_be_balanced_warns_naming_the_column(unbalanced_docs, unbalanced_layout):
    doc = unbalanced_docs["poster"]
    columns = body_columns(doc.pages[0], unbalanced_layout)
    names, _, _, _, empty = columns[0]
    assert names == ["panel:hsct"]
    assert empty > MAX_EMPTY  # the fixture is unbalanced: one short panel alone in a column
    warnings = [w for w in doc.warnings if "unbalanced" in w]
    assert len(warnings) == 1, doc.warnings
    (warning,) = warnings
    assert "poster.pdf" in warning and "panel:hsct" in warning
    share = re.search(r"panel:hsct\) is (\d+)% empty", warning)
    assert share and int(share.group(1)) == pytest.approx(empty * 100, abs=1)
    for other, _, _, _, e in columns[1:]:  # the full columns are not named as empty
        assert e <= MAX_EMPTY and f"{other[0]}) is" not in warning


def test_an_empty_column_hands_width_to_the_full_ones(unbalanced_docs, unbalanced_layout):
    """The layout's columns are equal; the lone HSCT column gives up width (at most a quarter)
    to the columns that hold the type down."""
    page = unbalanced_docs["poster"].pages[0]
    widths = []
    for names, *_ in body_columns(page, unbalanced_layout):
        rects = [b for b in page.boxes if isinstance(b, Rect) and b.role in names]
        widths.append(max(r.w for r in rects))
    equal = sum(widths) / 3
    assert equal * 0.75 - 0.5 <= widths[0] < equal * 0.99
    assert min(widths[1:]) >= equal - 0.01 and max(widths[1:]) > equal


def test_the_imbalance_warning_reaches_the_build_summary(tmp_path):
    """Through api.build: the warning is in the target's result, which the CLI prints."""
    from posterdeck import api

    root = tmp_path / "project"
    shutil.copytree(DECK_DIR, root / "data" / DECK)
    shutil.copytree(DATA / "shared", root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    shutil.copy(FIXTURE, root / "layouts" / "poster-unbalanced.yaml")
    deck_yaml = root / "data" / DECK / "deck.yaml"
    deck_yaml.write_text(deck_yaml.read_text(encoding="utf-8").replace("poster: poster-a0-portrait",
                                                                       "poster: poster-unbalanced"), encoding="utf-8")
    (result,) = api.build(root / "data" / DECK, targets=[TARGET], out=tmp_path / "out")
    assert any("unbalanced" in w and "panel:hsct" in w for w in result.warnings), result.warnings
    assert (tmp_path / "out" / DECK / TARGET / "poster.pdf").is_file()


# --------------------------------------------------------------------------------------------
# slides: type grows beside visuals, the body is used, nothing overlaps
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("deck", [DECK, "aurora-fictional"])
def test_text_and_chart_slides_cover_their_body(deck, demo_docs, aurora_docs, demo_model, aurora_model):
    docs, model = (demo_docs, demo_model) if deck == DECK else (aurora_docs, aurora_model)
    slides = text_and_chart_slides(docs["deck"])
    assert len(slides) >= 3
    for page in slides:
        share = covered(content_rects(page), body_area(page, model.layouts["deck"]))
        assert share >= MIN_COVERAGE, f"{page.name}: content covers {share:.0%} of the body"


@pytest.mark.parametrize("deck,section", [(DECK, "survival"), (DECK, "hsct"), ("aurora-fictional", "os"),
                                          ("aurora-fictional", "response")])
def test_slides_with_visuals_grow_their_type_into_spare_room(deck, section, demo_docs, aurora_docs, demo_model,
                                                             aurora_model):
    docs, model = (demo_docs, demo_model) if deck == DECK else (aurora_docs, aurora_model)
    layout = model.layouts["deck"]
    page = next(p for p in docs["deck"].pages if p.name.endswith(f"({section})"))
    assert any(isinstance(b, Chart) for b in page.boxes)
    grown = layout.styles["summary"].size * layout.slides.grow
    sizes = [p.size for b in page.boxes if isinstance(b, TextBox) and b.role == "callout" for p in b.paragraphs]
    assert sizes and max(sizes) == pytest.approx(grown, abs=0.05), f"{page.name}: callout at {max(sizes)} pt"
    assert layout.slides.grow > 1.0


def _overlap(a, b) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return min(w, h)


@pytest.mark.parametrize("deck", [DECK, "aurora-fictional", "unbalanced"])
def test_nothing_overlaps_or_leaves_the_body(deck, demo_docs, aurora_docs, unbalanced_docs, demo_model,
                                             aurora_model):
    """Blocks (text, tables, charts with their labels) never overlap one another, and no slide's
    body content runs into the footer."""
    docs, model = {DECK: (demo_docs, demo_model), "aurora-fictional": (aurora_docs, aurora_model),
                   "unbalanced": (unbalanced_docs, demo_model)}[deck]
    for kind, doc in docs.items():
        for page in doc.pages:
            blocks = []
            for b in page.boxes:
                if isinstance(b, TextBox) and b.role not in ("chart-text", "chart-title", "at-risk"):
                    blocks.append((b.x, b.y, b.w, shown_height(b), b.name or b.role))
                elif isinstance(b, Table):
                    blocks.append((b.x, b.y, b.w, b.h, b.name))
                elif isinstance(b, Chart):
                    blocks.append((b.x, b.y, b.w, b.h, b.name))
            for i, a in enumerate(blocks):
                assert 0 <= a[0] and a[0] + a[2] <= page.width + 0.01 and a[1] + a[3] <= page.height + 0.01, \
                    f"{page.name}: {a[4]} leaves the page"
                for b in blocks[i + 1:]:
                    assert _overlap(a, b) <= 0.5, f"{page.name}: {a[4]} overlaps {b[4]}"
            if kind == "deck":
                x0, y0, x1, y1 = body_area(page, model.layouts["deck"])
                for x, y, w, h, name in blocks:
                    if name not in ("title", "footer"):
                        assert y >= y0 - 0.01 and y + h <= y1 + 0.01, f"{page.name}: {name} leaves the body"


def test_check_fit_reports_the_imbalance_warning_as_the_build_does(project_copy):
    """check --fit lays out every page, so it says what the build would warn about a layout."""
    shutil.copy(FIXTURE, project_copy.root / "layouts" / "poster-unbalanced.yaml")
    deck = project_copy.path(f"data/{DECK}/deck.yaml")
    text = deck.read_text(encoding="utf-8")
    text = re.sub(r"poster: poster-a0-portrait", "poster: poster-unbalanced", text)
    # (the deck's slot mapping names poster-a0-portrait: a mapping for a layout not used is ignored)
    text = re.sub(r"targets: \[[^\]]*\]", f"targets: [{TARGET}]", text)
    deck.write_text(text, encoding="utf-8")
    res = project_copy.cli("check", "--fit", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    warning = next((ln for ln in res.stderr.splitlines() if "unbalanced" in ln), "")
    assert warning.startswith("warning:") and "panel:hsct" in warning, res.stderr


def test_the_screen_posters_imbalance_names_its_own_file_and_the_same_finding_is_said_once(demo_model,
                                                                                           unbalanced_layout):
    """The screen poster, composed apart from paper's when its links differ, is named as
    poster-screen.pdf in its warning; a finding the same as paper's is not said twice."""
    import dataclasses as dc

    from posterdeck.compose.poster import compose_poster
    from posterdeck.compose.text import Fonts
    from posterdeck.fonts import font_files
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    info = demo_model.info.model_copy(update={"layout_slots": {}})
    model = dc.replace(demo_model, info=info, layouts={**demo_model.layouts, "poster": unbalanced_layout})
    target = make_target(TARGET, model.info, model.markets)
    fonts = Fonts.shared(font_files(model.theme, model.theme_dir, target.language))
    colours = dict(model.theme.colours)

    doc = resolve(model, target)
    compose_poster(doc, model, unbalanced_layout, fonts, colours, file="poster-screen.pdf")
    (alone,) = [w for w in doc.warnings if "unbalanced" in w]
    assert f"{DECK}/{TARGET}/poster-screen.pdf:" in alone and "/poster.pdf" not in alone

    doc = resolve(model, target)
    compose_poster(doc, model, unbalanced_layout, fonts, colours, print_links="url")
    compose_poster(doc, model, unbalanced_layout, fonts, colours, file="poster-screen.pdf")
    both = [w for w in doc.warnings if "unbalanced" in w]
    assert len(both) == 1 and f"{DECK}/{TARGET}/poster.pdf:" in both[0], both
