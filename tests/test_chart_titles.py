"""Chart titles (lead's report: dapa-hf de-DE slide 5, 'Veränderung des KCCQ-Gesamtsymptomscores
in Monat 8' centred on one line wider than the chart, clipped at both sides by matplotlib).
Compose breaks every chart title and axis title into lines that fit the chart, measured with its
fonts; matplotlib and PowerPoint write those lines. Checked on every chart of every demo target
(compose's lines against the chart's width, matplotlib's own extents of the drawn title against
the figure), and on the built dapa-hf deck (the PDF's title lines inside the chart, the PPTX
title with the same line breaks, and a warning for a title too long for three lines)."""
from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from conftest import DATA, copy_project, require_tool

DECKS = ("inovate-salvage", "aurora-fictional", "dapa-hf")
DAPA = "dapa-hf"
LONG = ("Event rates per 100 patient-years of follow-up in every prespecified subgroup of the trial "
        "population, for each of the two randomised treatment arms, as adjudicated by the independent "
        "clinical events committee at the end of the study")
WARNINGS: list[str] = []


@pytest.fixture(scope="module")
def every_target() -> list[tuple[str, str, dict]]:
    """(deck, target, composed documents) of every target of the demo decks."""
    from posterdeck.compose.build import compose
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.target import make_target

    out = []
    for name in DECKS:
        model = load_deck(DATA / name)
        MODELS[name] = model
        for tag in model.info.targets:
            out.append((name, tag, compose(model, make_target(tag, model.info, model.markets))))
    return out


MODELS: dict = {}  # deck name -> its loaded model (every_target fills it)


def _charts(every_target, bars_only: bool = True):
    from posterdeck.pagemodel import Chart
    from posterdeck.pagemodel.charts import RChart

    for name, tag, docs in every_target:
        for kind, doc in docs.items():
            for page in doc.pages:
                for box in page.boxes:
                    if isinstance(box, Chart) and (isinstance(box.chart, RChart) or not bars_only):
                        yield f"{name}/{tag}/{kind}", doc, box


def _bar_charts(every_target):
    return _charts(every_target)


def _drawn_texts(box, doc):
    """The texts matplotlib draws for the Chart ``box`` (suptitle, axis titles, legend entries)
    and the figure's frame, with a renderer to measure them, after a full draw."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from posterdeck.charts.mpl import figure

    rgb = {k: v.rgb for k, v in doc.colours.items()}
    fig = figure(box.chart, box.w, box.h, (box.font_size, box.label_size or box.font_size), rgb,
                 doc.fonts["regular"], doc.fonts["bold"], box.plot)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # as savefig draws it: the legend placed
    ax = fig.axes[0]
    texts = [t for t in fig.texts if t.get_text()] + [t for t in (ax.xaxis.label, ax.yaxis.label) if t.get_text()]
    legend = ax.get_legend()
    if legend is not None:
        texts += list(legend.get_texts())
    return ax, texts, fig.bbox, canvas.get_renderer()


def _inside(texts, frame, renderer, what) -> None:
    for t in texts:
        e = t.get_window_extent(renderer)
        assert e.x0 >= frame.x0 - 0.5 and e.x1 <= frame.x1 + 0.5, (what, t.get_text(), e, frame)
        assert e.y0 >= frame.y0 - 0.5 and e.y1 <= frame.y1 + 0.5, (what, t.get_text(), e, frame)


@pytest.mark.parametrize("width", [240.0, 340.0])
def test_every_demo_chart_placed_narrow_keeps_its_titles_inside(every_target, width):
    """Each demo chart placed in a narrow slot of the 4:3 slide layout: its titles break into
    more lines, and matplotlib draws them all inside the chart, in compose's lines."""
    from posterdeck.compose.blocks import Ctx
    from posterdeck.compose.chartblocks import ChartBlock, ForestBlock, KaplanMeierBlock
    from posterdeck.compose.text import Fonts
    from posterdeck.pagemodel import Chart

    blocks = {"kaplan_meier": KaplanMeierBlock, "forest": ForestBlock}
    seen, broken, legends = set(), 0, 0
    for where, doc, box in _charts(every_target, bars_only=False):
        name = where.split("/")[0]
        if (name, box.chart.id) in seen:
            continue
        seen.add((name, box.chart.id))
        ctx = Ctx(MODELS[name].layouts["deck"], Fonts.shared(doc.fonts), where, {}, "en")
        block = blocks.get(box.chart.type, ChartBlock)(box.chart, ctx)
        placed = block.place(0.0, 0.0, width, block.pref_height(width, 1.0), 1.0)
        for b in placed:
            if isinstance(b, Chart):
                c = b.chart
                lines = [getattr(c, f, ()) for f in ("title_lines", "value_title_lines", "time_title_lines",
                                                      "x_title_lines", "category_title_lines")]
                broken += sum(len(ln) > 1 for ln in lines)
                ax, texts, frame, renderer = _drawn_texts(b, doc)
                drawn = {t.get_text() for t in texts}
                for ln in lines:
                    assert not ln or "\n".join(ln) in drawn, (where, c.id, ln, drawn)
                if ax.get_legend() is not None:  # compose's columns and lines
                    assert [t.get_text() for t in ax.get_legend().get_texts()] == c.legend_labels(), (where, c.id)
                    assert ax.get_legend()._ncols == c.legend_columns, (where, c.id)
                    legends += 1
                _inside(texts, frame, renderer, (where, c.id, width))
    assert len(seen) >= 8 and broken >= 1 and legends >= 2, (len(seen), broken, legends)


def test_compose_breaks_every_title_into_lines_within_the_chart(every_target):
    from posterdeck.compose.charttitles import title_room
    from posterdeck.compose.text import Fonts

    seen = broken = 0
    for where, doc, box in _bar_charts(every_target):
        c = box.chart
        if not c.title:
            continue
        fonts = Fonts.shared(doc.fonts)
        assert c.title_lines, (where, c.id)
        bare = lambda t: re.sub(r"[\s\-\u2010\u00ad]", "", t)  # noqa: E731  (hyphenation adds hyphens)
        assert bare("".join(c.title_lines)) == bare(c.title), (where, c.id, c.title_lines)
        for line in c.title_lines:
            assert fonts.width(line, "bold", box.font_size) <= title_room(box.w) + 0.5, (where, c.id, line)
        seen += 1
        broken += len(c.title_lines) > 1
    assert seen >= 10 and broken >= 1, (seen, broken)  # dapa-hf de-DE's KCCQ chart at least


def test_matplotlib_draws_the_titles_inside_the_figure(every_target):
    """matplotlib's own extents of the title, the axis titles and the legend of each chart as
    drawn: inside the figure, the title in compose's lines."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from posterdeck.charts.mpl import figure

    done, kinds = set(), set()
    for where, doc, box in _charts(every_target, bars_only=False):
        rgb = {k: v.rgb for k, v in doc.colours.items()}
        key = (box.chart, box.w, box.h, box.font_size, box.label_size)
        if key in done:
            continue
        done.add(key)
        fig = figure(box.chart, box.w, box.h, (box.font_size, box.label_size or box.font_size), rgb,
                     doc.fonts["regular"], doc.fonts["bold"], box.plot)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # as savefig draws it: the legend placed
        renderer = canvas.get_renderer()
        frame = fig.bbox
        texts = [t for t in fig.texts if t.get_text()]  # the suptitle
        ax = fig.axes[0]
        texts += [t for t in (ax.xaxis.label, ax.yaxis.label) if t.get_text()]
        legend = ax.get_legend()
        if legend is not None:
            texts += list(legend.get_texts())
        c = box.chart
        kinds.add(c.type)
        if c.type == "kaplan_meier":  # its title is compose's text box; the axis titles in compose's lines
            assert (ax.xaxis.label.get_text(), ax.yaxis.label.get_text()) == \
                ("\n".join(c.time_title_lines), "\n".join(c.value_title_lines)), (where, c.id)
        elif c.type == "forest":
            assert ax.xaxis.label.get_text() == "\n".join(c.x_title_lines), (where, c.id)
        elif c.title:
            assert texts[0].get_text() == "\n".join(c.title_lines), (where, c.id)
        for t in texts:
            e = t.get_window_extent(renderer)
            assert e.x0 >= frame.x0 - 0.5 and e.x1 <= frame.x1 + 0.5, (where, box.chart.id, t.get_text(), e, frame)
            assert e.y0 >= frame.y0 - 0.5 and e.y1 <= frame.y1 + 0.5, (where, box.chart.id, t.get_text(), e, frame)
    assert len(done) >= 5 and {"kaplan_meier", "forest", "clustered_column"} <= kinds, kinds


def test_axis_titles_are_lines_no_longer_than_their_axis(every_target):
    """Every axis title of every demo chart: compose's lines, none longer than its share of the
    axis it stands along (the plot area of Kaplan-Meier and forest plots, the chart's side for
    bar charts)."""
    from posterdeck.compose.charttitles import AXIS_SHARE
    from posterdeck.compose.text import Fonts

    seen = 0
    for where, doc, box in _charts(every_target, bars_only=False):
        c, fonts = box.chart, Fonts.shared(doc.fonts)
        if c.type == "kaplan_meier":
            pairs = [(c.time_title_lines, box.plot[2]), (c.value_title_lines, box.plot[3])]
        elif c.type == "forest":
            pairs = [(c.x_title_lines, box.w)]
        else:
            across, along = (box.w, box.h) if c.type.endswith("_bar") else (box.h, box.w)
            pairs = [(c.value_title_lines, across), (c.category_title_lines, along)]
        for lines, axis in pairs:
            for line in lines:
                assert fonts.width(line, "regular", box.font_size) <= axis * AXIS_SHARE + 0.5, (where, c.id, line)
                seen += 1
    assert seen >= 10


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """dapa-hf in German as built, its event-rate chart given a title far too long for it."""
    from posterdeck import api

    root = tmp_path_factory.mktemp("titles")
    copy_project(root, DATA / DAPA)
    content = root / "data" / DAPA / "content.yaml"
    text = content.read_text(encoding="utf-8")
    assert 'title: "Event rates per 100 patient-years"' in text
    content.write_text(text.replace('title: "Event rates per 100 patient-years"', f'title: "{LONG}"', 1),
                       encoding="utf-8")
    (result,) = api.build(root / "data" / DAPA, targets=["de-DE"], out=root / "out")
    WARNINGS[:] = result.warnings
    return root / "out" / DAPA / "de-DE"


def _pptx_titles(path: Path) -> dict[str, tuple[int, list[str], object]]:
    """Chart shape name -> (slide number, the title's lines as line breaks split them, frame)."""
    from pptx import Presentation

    out = {}
    for number, slide in enumerate(Presentation(str(path)).slides, 1):
        for shape in slide.shapes:
            if shape.has_chart and shape.chart.has_title:
                paragraphs = shape.chart.chart_title.text_frame.paragraphs
                assert len(paragraphs) == 1, shape.name
                out[shape.name] = (number, paragraphs[0].text.split("\v"), shape)
    return out


def _pdf_lines(pdf: Path, page: int) -> list[tuple[str, float, float, float]]:
    """(line text, x0, x1, y0) of one page, as pdftotext -bbox-layout reads its lines."""
    exe = require_tool("pdftotext")
    out = subprocess.run([exe, "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, timeout=120).stdout
    lines = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>',
                         out, re.S):
        words = [html.unescape(w) for w in re.findall(r">([^<]*)</word>", m.group(4))]
        lines.append((" ".join(words), float(m.group(1)), float(m.group(3)), float(m.group(2))))
    return lines


def test_the_kccq_title_is_broken_alike_in_deck_pdf_and_deck_pptx(built):
    from pptx.util import Emu

    titles = _pptx_titles(built / "deck.pptx")
    page, lines, shape = next(v for v in titles.values() if "KCCQ" in " ".join(v[1]))
    assert len(lines) == 2 and lines[0].startswith("Veränderung") and lines[1].endswith("Monat 8"), lines
    x0, x1 = Emu(shape.left).pt, Emu(shape.left + shape.width).pt
    found = {text: (a, b) for text, a, b, _ in _pdf_lines(built / "deck.pdf", page)}
    for line in lines:  # each PPTX line is a whole line of the PDF, inside the chart's box
        assert line in found, (line, sorted(found))
        a, b = found[line]
        assert x0 - 0.5 <= a and b <= x1 + 0.5, (line, a, b, x0, x1)
    for name, (page, lines, shape) in titles.items():  # every chart title of the deck alike
        on_page = {text for text, *_ in _pdf_lines(built / "deck.pdf", page)}
        assert all(line in on_page for line in lines), (name, lines, sorted(on_page))
    assert len(titles) >= 2


def test_a_title_too_long_for_three_lines_is_a_warning_naming_the_chart_and_file(built):
    titles = _pptx_titles(built / "deck.pptx")
    long = [v for v in titles.values() if v[1][0].startswith("Event rates")]
    assert long and len(long[0][1]) > 3, titles
    warned = [w for w in WARNINGS if "chart 'event_rates'" in w and "its title" in w]
    assert any("deck.pptx" in w for w in warned), WARNINGS
    assert "shorten it in content.yaml" in warned[0]
    assert not [w for w in WARNINGS if "its title" in w and "event_rates" not in w], WARNINGS


def test_no_demo_chart_warns_of_its_title(every_target):
    assert not [w for _, _, docs in every_target for d in docs.values() for w in d.warnings if "its title" in w]


def test_a_title_box_s_padding_is_no_room_for_its_words(demo_fonts):
    """A chart title drawn as a text box has its box's width less its padding on both sides: a
    word as wide as the box but wider than that is a warning."""
    from posterdeck.compose.charttitles import title_warnings
    from posterdeck.pagemodel import Line, Page, Paragraph, Span, TextBox

    fonts = demo_fonts[2]
    word, size = "Haematopoietic", 12.0
    wide = fonts.width(word, "bold", size)
    span = Span(word, "bold", size, "#000000")
    para = Paragraph((span,), (Line((span,), wide, size),), size, size * 1.2)

    def page(padding: float) -> Page:
        box = TextBox(0, 0, wide + 2, 20, (para,), role="chart-title", padding=padding, name="chart-title:kccq")
        return Page(500, 500, "p", [box])

    assert title_warnings([page(0.0)], fonts, "content.yaml") == []
    warned = title_warnings([page(6.0)], fonts, "content.yaml")
    assert len(warned) == 1 and "'kccq'" in warned[0]
