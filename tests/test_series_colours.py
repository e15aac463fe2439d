"""Series and curves without a colour take the theme's chart palette in order (compose), skipping
colours given to other series of the chart; the PDF chart and the PPTX chart paint the same
colours; a chart whose series still share a colour gets a warning at its content.yaml line.

Built once: the chart fixture deck (tests/fixtures/charts/minideck, theme aurora) with its
colours taken off some series."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from pptx import Presentation

from conftest import LAYOUTS_DIR, SHARED_DIR, require_tool

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "charts"
THEME = yaml.safe_load((LAYOUTS_DIR / "themes" / "aurora.yaml").read_text(encoding="utf-8"))["theme"]["colours"]


def rgb(name: str) -> str:
    return THEME[name]["rgb"].lstrip("#").upper()


def test_palette_in_order_skipping_given_colours_then_over_again():
    from posterdeck.compose.palette import palette, series_colours

    assert palette(THEME) == ["primary", "secondary", "accent", "primary_light", "grey"]  # aurora has no secondary_light
    assert series_colours(["", ""], THEME) == ["primary", "secondary"]
    assert series_colours(["", "primary"], THEME) == ["secondary", "primary"]
    assert series_colours(["secondary", "", ""], THEME) == ["secondary", "primary", "accent"]
    assert series_colours([""] * 6, THEME) == ["primary", "secondary", "accent", "primary_light", "grey", "primary"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture deck with: resp_stack's two series without colours; dcr_bar's first without
    one and its second primary; pfs_km's curves without colours; resp_stack_bar with six series
    without colours (one more than aurora's palette)."""
    from posterdeck import api

    root = tmp_path_factory.mktemp("colours")
    (root / "data").mkdir()
    deck = root / "data" / "minideck"
    shutil.copytree(FIXTURES / "minideck", deck)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    shutil.copy(FIXTURES / "poster-mini-charts.yaml", root / "layouts" / "poster-mini-charts.yaml")
    path = deck / "content.yaml"
    text = path.read_text(encoding="utf-8")
    six = "".join(f"      - {{name: S{i}, values: [results.cr.a, results.cr.b]}}\n" for i in range(1, 7))
    for old, new in [
        ("[results.cr.a, results.cr.b], color: primary}\n      - {name: PR, values: [results.pr.a, results.pr.b], "
         "color: primary_light}\n    value_axis: {title: \"Patients (%)\", max: 100}\n  dcr_bar",
         "[results.cr.a, results.cr.b]}\n      - {name: PR, values: [results.pr.a, results.pr.b]}\n"
         "    value_axis: {title: \"Patients (%)\", max: 100}\n  dcr_bar"),
        ("[results.dcr.a, results.dcr.b], color: secondary}", "[results.dcr.a, results.dcr.b]}"),
        ("[results.sd.a, results.sd.b], color: grey}\n    value_axis: {title: \"Patients (%)\", max: 100}\n  resp_stack_bar",
         "[results.sd.a, results.sd.b], color: primary}\n    value_axis: {title: \"Patients (%)\", max: 100}\n  resp_stack_bar"),
        ("      - {name: CR, values: [results.cr.a, results.cr.b], color: primary}\n"
         "      - {name: PR, values: [results.pr.a, results.pr.b], color: primary_light}\n"
         "      - {name: SD, values: [results.sd.a, results.sd.b], color: grey}\n"
         "    value_axis: {title: \"Patients (%)\", max: 100}\n  os_km", six + "  os_km"),
        ("{name: Arm A, data: pfs_a, color: primary}", "{name: Arm A, data: pfs_a}"),
        ("{name: Arm B, data: pfs_b, color: grey}", "{name: Arm B, data: pfs_b}"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    results = api.build(deck, targets=["en-GB"], out=root / "out")
    lines = text.splitlines()
    return results, root / "out" / "minideck" / "en-GB", lines


def _slide_of(pptx: Path, chart_id: str):
    for i, slide in enumerate(Presentation(pptx).slides):
        for shape in slide.shapes:
            if shape.has_chart and shape.name == f"chart:{chart_id}":
                return i, shape.chart
    raise AssertionError(f"no chart {chart_id!r}")


def _fills(chart) -> list[str]:
    return [str(s.format.fill.fore_color.rgb) for s in chart.plots[0].series]


def test_pptx_series_take_the_palette_skipping_given_colours(built):
    _, folder, _ = built
    _, resp = _slide_of(folder / "deck.pptx", "resp_stack")
    assert _fills(resp) == [rgb("primary"), rgb("secondary")]
    _, dcr = _slide_of(folder / "deck.pptx", "dcr_bar")
    assert _fills(dcr) == [rgb("secondary"), rgb("primary")]


def test_pptx_curves_take_the_palette(built):
    _, folder, _ = built
    _, km = _slide_of(folder / "deck.pptx", "pfs_km")
    lines = {s.name: str(s.format.line.color.rgb) for s in km.plots[0].series if s.format.line.color.type is not None}
    assert (lines["Arm A"], lines["Arm B"]) == (rgb("primary"), rgb("secondary")), lines


def test_pdf_chart_paints_the_colours_the_pptx_chart_paints(built, tmp_path):
    """The deck PDF's slide of 'Best response' holds bars of both palette colours; before,
    both series were primary."""
    require_tool("pdftoppm")
    import subprocess

    from PIL import Image

    _, folder, _ = built
    index, _ = _slide_of(folder / "deck.pptx", "resp_stack")
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(index + 1), "-l", str(index + 1),
                    str(folder / "deck.pdf"), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    counts = {f"{r:02X}{g:02X}{b:02X}": n for n, (r, g, b) in Image.open(png).convert("RGB").getcolors(1 << 24)}
    assert counts.get(rgb("secondary"), 0) > 50, "no secondary-coloured bar in the PDF chart"
    assert counts.get(rgb("primary"), 0) > 50


def test_a_chart_with_more_series_than_colours_is_warned_at_its_line(built):
    results, _, lines = built
    warnings = [w for r in results for w in r.warnings]
    line = next(i for i, ln in enumerate(lines, 1) if ln.startswith("  resp_stack_bar:"))
    said = [w for w in warnings if "resp_stack_bar" in w]
    assert said, warnings
    assert re.search(rf"content\.yaml:{line}\b", said[0]) and "'S1', 'S6'" in said[0] and "'primary'" in said[0], said
    assert not [w for w in warnings if "share the colour" in w and "resp_stack_bar" not in w], warnings
