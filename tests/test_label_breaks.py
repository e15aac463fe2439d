"""Chart labels (titles, categories, legend entries) break by compose's own paragraph breaker
(compose.chartblocks.break_label lays each label out as a one-style paragraph): the no-break
rules of body text hold in charts too. A number and its unit (resolve writes a no-break space
between them) stay on one line, an operator and a percent sign bind to their number, and a
hyphen is a break point only with four letters on each side, so 'COVID-19' never breaks as
'COVID-' / '19' (the old label breaker broke at every space and after every hyphen)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import DATA

COVID = "COVID-19 hospitalization"


@pytest.fixture(scope="module")
def ctx(demo_model, demo_fonts):
    from posterdeck.compose.blocks import Ctx

    return Ctx(demo_model.layouts["deck"], demo_fonts[2], "test", {}, "en")


def _rooms(ctx, text: str, size: float = 10.0) -> list[float]:
    """Line widths from a quarter of the label's width to all of it, in small steps."""
    full = ctx.fonts.width(text, "regular", size)
    return [full * k / 40 for k in range(10, 41)]


def _break(text, room, ctx, size=10.0, bold=False):
    from posterdeck.compose.chartblocks import break_label

    return break_label(text, room, size, ctx, bold=bold)


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("text", [COVID, "Severe COVID-19 hospitalization", "Post-COVID-19 syndrome"])
def test_covid_19_never_breaks_after_its_hyphen(ctx, text, bold):
    seen = 0
    for room in _rooms(ctx, text):
        lines = _break(text, room, ctx, bold=bold)
        assert "".join(lines).replace("-", "").replace(" ", "") == text.replace("-", "").replace(" ", ""), lines
        for a, b in zip(lines, lines[1:]):
            assert not (a.endswith("COVID-") and b.startswith("19")), (room, lines)
        seen += len(lines) > 1
    assert seen >= 10  # the sweep did break the label


def test_covid_19_moves_whole_to_the_next_line(ctx):
    """Where the old breaker left 'Severe COVID-' on the first line, 'COVID-19' goes down whole."""
    text = "Severe COVID-19 hospitalization"
    room = ctx.fonts.width("Severe COVID-", "regular", 10.0) * 1.02
    assert _break(text, room, ctx)[:2] == ["Severe", "COVID-19"]
    wide = ctx.fonts.width("COVID-19", "regular", 10.0) * 1.05
    assert _break(COVID, wide, ctx)[0] == "COVID-19"


@pytest.mark.parametrize("text, kept", [
    ("Dose 40\u00a0mg once daily", "40\u00a0mg"),  # resolve's number and unit
    ("Events 14.3\u00a0per 100 PY", "14.3\u00a0per"),
    ("Reduction 40 % overall", "40 %"),
    ("Difference P < 0.001 overall", "P < 0.001"),
])
def test_a_number_keeps_its_unit_and_operator(ctx, text, kept):
    from posterdeck.resolve.formats import NBSP

    assert NBSP == "\u00a0"
    need = ctx.fonts.width(kept, "regular", 10.0)
    checked = 0
    for room in _rooms(ctx, text):
        if room < need:
            continue
        lines = _break(text, room, ctx)
        assert any(kept in ln for ln in lines), (room, lines)
        checked += 1
    assert checked >= 5


def test_labels_break_as_body_text_does(ctx):
    """The label's lines are the lines of the same text set as a paragraph by compose."""
    from posterdeck.compose.text import Piece, TextStyle, paragraph

    for text in (COVID, "Verschlechterung der Herzinsuffizienz", "KCCQ-Gesamtsymptomscore in Monat 8"):
        for room in _rooms(ctx, text):
            para = paragraph([Piece(text)], TextStyle(10.0, 1.0, False, False, "text"), room, ctx.fonts, "t",
                             language="en")
            assert _break(text, room, ctx) == ["".join(s.text for s in ln.spans).strip() for ln in para.lines]


def test_matplotlib_draws_compose_lines_of_a_covid_title():
    """A demo bar chart retitled 'Severe COVID-19 hospitalization', placed at widths from narrow
    to wide: compose never breaks its title after 'COVID-', and matplotlib draws compose's lines."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from posterdeck.charts.mpl import figure
    from posterdeck.compose.blocks import Ctx
    from posterdeck.compose.build import compose
    from posterdeck.compose.chartblocks import ChartBlock
    from posterdeck.compose.text import Fonts
    from posterdeck.loading.deck import load_deck
    from posterdeck.pagemodel import Chart
    from posterdeck.pagemodel.charts import RChart
    from posterdeck.resolve.target import make_target

    model = load_deck(DATA / "dapa-hf")
    tag = model.info.targets[0]
    docs = compose(model, make_target(tag, model.info, model.markets))
    doc = docs["deck"]
    chart = next(b.chart for p in doc.pages for b in p.boxes if isinstance(b, Chart) and isinstance(b.chart, RChart))
    chart = replace(chart, title="Severe " + COVID, title_lines=())
    ctx = Ctx(model.layouts["deck"], Fonts.shared(doc.fonts), "test", {}, "en")
    block = ChartBlock(chart, ctx)
    broken = None
    for width in range(80, 400, 6):
        placed = [b for b in block.place(0.0, 0.0, width, block.pref_height(width, 1.0), 1.0) if isinstance(b, Chart)]
        lines = placed[0].chart.title_lines
        for a, b in zip(lines, lines[1:]):
            assert not (a.endswith("COVID-") and b.startswith("19")), (width, lines)
        if len(lines) >= 2 and any(ln.startswith("COVID-19") for ln in lines):
            broken = placed[0]
    assert broken is not None
    box, lines = broken, broken.chart.title_lines
    rgb = {k: v.rgb for k, v in doc.colours.items()}
    fig = figure(box.chart, box.w, box.h, (box.font_size, box.label_size or box.font_size), rgb,
                 doc.fonts["regular"], doc.fonts["bold"], box.plot)
    FigureCanvasAgg(fig).draw()
    assert "\n".join(lines) in {t.get_text() for t in fig.texts}
