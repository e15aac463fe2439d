"""Category labels of bar and column charts (audit: 'HF hospitalization' ran into 'Death from
any cause'). Compose breaks each label into lines that fit its category's width at the label
size, measured with compose's fonts; matplotlib (deck.pdf) and PowerPoint (deck.pptx) show
those same lines. Read back from the built files: the PDF's words with their boxes, the PPTX's
chart categories."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import DATA, copy_project, require_tool

DAPA = "dapa-hf"
WARNINGS: list[str] = []  # the build's, filled by the fixture


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """dapa-hf in German, its event-rate chart drawn as columns: four long categories
    ('Verschlechterung der Herzinsuffizienz') side by side on a 4:3 slide."""
    from posterdeck import api

    root = tmp_path_factory.mktemp("labels")
    copy_project(root, DATA / DAPA)
    content = root / "data" / DAPA / "content.yaml"
    text = content.read_text(encoding="utf-8")
    assert "type: clustered_bar" in text
    content.write_text(text.replace("type: clustered_bar", "type: clustered_column", 1), encoding="utf-8")
    (result,) = api.build(root / "data" / DAPA, targets=["de-DE"], out=root / "out")
    WARNINGS[:] = result.warnings
    return root / "out" / DAPA / "de-DE"


def _pptx_categories(path: Path) -> tuple[int, list[str]]:
    from pptx import Presentation

    for number, slide in enumerate(Presentation(str(path)).slides, 1):
        for shape in slide.shapes:
            if shape.has_chart and "Ursache" in " ".join(shape.chart.plots[0].categories):
                return number, list(shape.chart.plots[0].categories)
    raise AssertionError("no event-rate chart in the deck")


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, y0, x1, y1) of one page, as pdftotext reads them."""
    import re

    exe = require_tool("pdftotext")
    out = subprocess.run([exe, "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True,
                         text=True, timeout=120).stdout
    return [(m.group(5), float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                                 out)]


def _find_line(words, line: str):
    """The box of ``line``: its words in a row, on one baseline."""
    import html

    tokens = line.split()
    texts = [html.unescape(w[0]) for w in words]
    for i in range(len(words) - len(tokens) + 1):
        run = words[i:i + len(tokens)]
        if texts[i:i + len(tokens)] == tokens and max(w[2] for w in run) - min(w[2] for w in run) < 1.0:
            return min(w[1] for w in run), run[0][2], max(w[3] for w in run), run[0][4]
    return None


def test_long_categories_are_broken_into_the_same_lines_in_both_outputs(built):
    page, categories = _pptx_categories(built / "deck.pptx")
    assert len(categories) == 4
    broken = [c for c in categories if "\n" in c]
    assert any(c.startswith("Verschlech") and c.count("\n") >= 1 for c in categories), categories
    assert len(broken) >= 2, categories  # 'Tod jeglicher Ursache' too
    words = _words(built / "deck.pdf", page)
    boxes = []
    for i, category in enumerate(categories):
        for line in category.split("\n"):
            box = _find_line(words, line)
            assert box is not None, f"{line!r} (of category {i + 1}) is not a line of deck.pdf's chart"
            boxes.append((i, box))
    # no two categories' lines run into each other: lines on one row keep apart
    for i, a in boxes:
        for j, b in boxes:
            if i < j and abs(a[1] - b[1]) < 2.0:
                assert a[2] < b[0] or b[2] < a[0], f"category {i + 1} {a} runs into category {j + 1} {b}"


def test_horizontal_bar_labels_and_demo_charts_keep_lines_within_their_room(demo_docs):
    """Every bar and column chart of the demo deck: each category line no wider than the room
    compose gives it, at the chart's label size."""
    from posterdeck.compose.chartblocks import category_room
    from posterdeck.compose.text import Fonts
    from posterdeck.pagemodel import Chart
    from posterdeck.pagemodel.charts import RChart

    seen = 0
    for doc in demo_docs.values():
        fonts = Fonts.shared(doc.fonts)
        for page in doc.pages:
            for box in page.boxes:
                if isinstance(box, Chart) and isinstance(box.chart, RChart):
                    c = box.chart
                    assert len(c.category_lines) == len(c.categories), c.id
                    room = category_room(c, box.w, box.font_size, box.label_size)
                    for lines in c.category_lines:
                        for line in lines:
                            assert fonts.width(line, "regular", box.label_size) <= room + 0.5, (c.id, line, room)
                    seen += 1
    assert seen


def test_a_label_too_long_for_its_category_is_a_warning_naming_it(built):
    """'Verschlechterung der Herzinsuffizienz' takes four hyphenated lines under a column of a
    4:3 slide: the build says so, naming the chart, the label and the file; the short labels
    are not named."""
    from posterdeck.compose.chartblocks import MAX_CATEGORY_LINES

    _, categories = _pptx_categories(built / "deck.pptx")
    long = [c for c in categories if c.count("\n") + 1 > MAX_CATEGORY_LINES]
    assert long, categories
    warned = [w for w in WARNINGS if "chart 'event_rates'" in w and "deck.pptx" in w]
    assert len(warned) == 1, WARNINGS
    assert "'Verschlechterung der Herzinsuffizienz'" in warned[0] and "'Tod jeglicher Ursache'" not in warned[0]
    assert "shorten them in content.yaml" in warned[0]


def test_no_demo_chart_warns_of_its_category_labels(demo_docs):
    assert not [w for d in demo_docs.values() for w in d.warnings if "category label" in w]
