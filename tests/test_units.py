"""Values know their unit and precision (issue #10, point 1).

A small FICTIONAL deck (tests/fixtures/units/unitdeck) holds a count published as 34 (no
decimal), an estimate published as 34.0, medians in months, a hazard ratio, p-values 0.01 and
<0.001, event rates in a unit the deck declares (with an English and a German label, no French
one), and a chart of each unit. It is built once in three languages; the outputs are read back
with pdftotext and python-pptx. Bad units are checked through the command line.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from conftest import LAYOUTS_DIR, SHARED_DIR, ProjectCopy, error_lines, read_yaml, require_tool

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "units"
DECK = "unitdeck"
TARGETS = ("en-GB", "de-DE", "fr-FR")
NBSP, NNBSP = "\u00a0", "\u202f"


def _project(root: Path) -> ProjectCopy:
    (root / "data").mkdir(parents=True)
    shutil.copytree(FIXTURES / DECK, root / "data" / DECK)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    shutil.copy(FIXTURES / "poster-units.yaml", root / "layouts" / "poster-units.yaml")
    return ProjectCopy(root)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The deck built for every target: {target: (folder, warnings)}."""
    from posterdeck import api

    project = _project(tmp_path_factory.mktemp("units-project"))
    results = api.build(project.root / "data" / DECK, targets=list(TARGETS), out=project.out)
    assert sorted(r.target for r in results) == sorted(TARGETS)
    return {r.target: (project.out / DECK / r.target, r.warnings) for r in results}


@pytest.fixture(scope="module")
def study() -> dict:
    return read_yaml(FIXTURES / DECK / "study.yaml")


def spaces(text: str) -> str:
    """No-break spaces as plain ones (CLDR puts them between a number and % or its unit)."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


def pdf_text(path: Path) -> str:
    require_tool("pdftotext")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return spaces(re.sub(r"[ \t]*\n[ \t]*", " ", out))


def chart_frames(pptx: Path) -> dict[str, object]:
    """Chart title -> graphic frame of the PPTX."""
    frames = {}
    for slide in Presentation(str(pptx)).slides:
        for shape in slide.shapes:
            if getattr(shape, "has_chart", False) and shape.has_chart:
                frames[shape.chart.chart_title.text_frame.text] = shape
    return frames


def label_texts(frame) -> list[str]:
    """The data labels of a chart as PowerPoint shows them: each label's text, taken from its
    workbook cell (issue #11: labels from cells, so that they read as the target prints them)."""
    return [t.text for fld in frame.chart._chartSpace.iter(qn("a:fld")) for t in fld.iter(qn("a:t"))]


def alt_text(frame) -> str:
    return frame._element.xpath(".//p:cNvPr")[0].get("descr")


# ------------------------------------------------------------------------- months never get a %

def test_a_months_value_never_gets_a_percent_sign_in_text(built, study):
    folder, _ = built["en-GB"]
    a, b = study["results"]["os_median"]["a"], study["results"]["os_median"]["b"]
    for name in ("poster.pdf", "deck.pdf"):
        text = pdf_text(folder / name)
        assert f"Median OS was {a['value']} months (95% CI, {a['ci'][0]}–{a['ci'][1]:.1f}) vs. {b['value']:.1f} months" \
            in text, text
        assert not re.search(r"(?<![\d.])(7\.7|4\.0) ?%", text), f"a months value printed with %: {text}"


@pytest.mark.parametrize("target", TARGETS)
def test_a_months_chart_labels_carry_no_percent_sign(built, target):
    folder, _ = built[target]
    frame = chart_frames(folder / "deck.pptx")["Median overall survival"]
    labels = label_texts(frame)
    expected = ["7,7", "4,0"] if target != "en-GB" else ["7.7", "4.0"]
    assert labels == expected, labels  # one decimal as written, no unit sign
    assert list(frame.chart.plots[0].series[0].values) == [7.7, 4.0]
    comma = target != "en-GB"
    for name in ("poster.pdf", "deck.pdf"):
        text = pdf_text(folder / name)
        for v in ("7.7", "4.0"):
            shown = v.replace(".", ",") if comma else v
            assert re.search(rf"(?<![\d.,]){re.escape(shown)}(?![\d.,]| ?%)", text), (shown, name)
            assert not re.search(rf"(?<![\d.,]){re.escape(shown)} ?%", text), (shown, name)


def test_a_months_chart_has_a_unit_axis_title_and_alt_text_without_percent(built):
    titles = {"en-GB": "Months", "de-DE": "Monate", "fr-FR": "Mois"}
    for target, title in titles.items():
        folder, _ = built[target]
        frame = chart_frames(folder / "deck.pptx")["Median overall survival"]
        axis = frame.chart.value_axis
        assert axis.has_title and axis.axis_title.text_frame.text == title
        assert title in pdf_text(folder / "poster.pdf")
    frame = chart_frames(built["en-GB"][0] / "deck.pptx")["Median overall survival"]
    alt = alt_text(frame)
    assert "Arm A 7.7" in alt and "Arm B 4.0" in alt, alt
    assert "%" not in alt, alt


# -------------------------------------------------------------------------- precision as written

def test_precision_as_written_in_text(built):
    text = pdf_text(built["en-GB"][0] / "poster.pdf")
    assert "ORR was 34% vs. 24%" in text  # pct: 34 -> no decimal, although n/N = 17/50 = 34.0
    assert "DCR 34.0% (95% CI, 21.2–48.8)" in text  # value: 34.0 -> one decimal
    assert "HR 0.74" in text  # a ratio: no unit
    assert "after a median follow-up of 26 weeks" in text


def test_precision_as_written_in_chart_labels(built):
    folder, _ = built["en-GB"]
    frames = chart_frames(folder / "deck.pptx")
    assert label_texts(frames["Objective response"]) == ["34%", "24%"]
    # the PDF chart prints 34% as the text does: twice in all (body and bar), never 34.0%
    text = pdf_text(folder / "poster.pdf")
    assert len(re.findall(r"(?<![\d.])34%", text)) == 2, text
    assert "34.0%" not in text.replace("DCR 34.0%", "")
    assert "Objective response. ORR: Arm A 34%, Arm B 24%." == alt_text(frames["Objective response"])


def test_a_value_with_more_decimals_keeps_them_in_its_own_label(built):
    frame = chart_frames(built["en-GB"][0] / "deck.pptx")["Event rates"]
    labels = label_texts(frame)
    assert "10.7" in labels and "14.25" in labels, labels  # each value at its own precision
    text = pdf_text(built["en-GB"][0] / "poster.pdf")
    assert re.search(r"(?<![\d.])14\.25(?![\d%])", text) and "14.3" not in text


def test_a_forest_plot_prints_estimates_at_their_precision_as_written(built):
    """0.7 with a CI of 0.55-0.9 was published to two decimals (its lower bound shows them)."""
    for target, expected in (("en-GB", ["0.74 (0.58–0.95)", "0.70 (0.55–0.90)"]),
                             ("de-DE", ["0,74 (0,58–0,95)", "0,70 (0,55–0,90)"])):
        folder, _ = built[target]
        for name in ("poster.pdf", "deck.pdf"):
            text = pdf_text(folder / name)
            for phrase in expected:
                assert phrase in text, (phrase, name, target)


# ------------------------------------------------------------------------ languages and p-values

@pytest.mark.parametrize("target, expected", [
    ("en-GB", ["ORR was 34% vs. 24% (P = 0.01)", "7.7 months (95% CI, 6.1–9.0) vs. 4.0 months",
               "(P < 0.001)", "26 weeks", "10.7 events per 100 patient-years", "14.25/100 PY"]),
    ("de-DE", ["ORR was 34 % vs. 24 % (P = 0,01)", "DCR 34,0 %", "7,7 Monate (95 % CI, 6,1–9,0) vs. 4,0 Monate",
               "HR 0,74 (P < 0,001)", "26 Wochen", "10,7 Ereignisse pro 100 Patientenjahre"]),
    ("fr-FR", ["ORR was 34 % vs. 24 % (P = 0,01)", "7,7 mois (95 % CI, 6,1–9,0) vs. 4,0 mois",
               "HR 0,74 (P < 0,001)", "26 semaines", "10,7 events per 100 patient-years"]),
])
def test_units_and_decimal_commas_per_language(built, target, expected):
    folder, _ = built[target]
    for name in ("poster.pdf", "deck.pdf"):
        text = pdf_text(folder / name)
        for phrase in expected:
            assert phrase in text, f"{phrase!r} not in {name} of {target}: {text}"


def test_a_declared_unit_labels_the_axis_per_language_and_warns_where_it_has_none(built):
    titles = {"en-GB": "Events per 100 patient-years", "de-DE": "Ereignisse pro 100 Patientenjahre",
              "fr-FR": "Events per 100 patient-years"}
    for target, title in titles.items():
        folder, warnings = built[target]
        frame = chart_frames(folder / "deck.pptx")["Event rates"]
        assert frame.chart.value_axis.axis_title.text_frame.text == title
        unit_warnings = [w for w in warnings if "per_100_py" in w]
        if target == "fr-FR":
            assert len(unit_warnings) == 1 and "study.yaml:7" in unit_warnings[0] and "no fr label" in unit_warnings[0]
        else:
            assert unit_warnings == []


def test_percent_labels_follow_the_language(built):
    for target, labels in (("en-GB", ["34%", "24%"]), ("de-DE", [f"34{NBSP}%", f"24{NBSP}%"]),
                           ("fr-FR", [f"34{NBSP}%", f"24{NBSP}%"])):
        frame = chart_frames(built[target][0] / "deck.pptx")["Objective response"]
        assert label_texts(frame) == labels, target


# ------------------------------------------------------------------------------------ bad units

@pytest.fixture
def unit_copy(tmp_path) -> ProjectCopy:
    return _project(tmp_path)


STUDY = f"data/{DECK}/study.yaml"
CONTENT = f"data/{DECK}/content.yaml"


def check_error(project: ProjectCopy, rel: str, line: int, *words: str) -> str:
    res = project.cli("check", f"data/{DECK}")
    assert "Traceback" not in res.stderr + res.stdout, res.stderr
    assert res.returncode == 1, (res.returncode, res.stdout, res.stderr)
    errors = error_lines(res.stderr)
    assert errors, res.stderr
    name = rel.rsplit("/", 1)[-1]
    assert any(re.search(rf"{re.escape(name)}:{line}\b", e) for e in errors), (name, line, errors)
    for w in words:
        assert w in res.stderr, (w, res.stderr)
    assert "hint:" in res.stderr
    return res.stderr


def test_an_unknown_unit_is_an_error_at_its_line(unit_copy):
    line = unit_copy.replace(STUDY, "a: {value: 7.7, ci: [6.1, 9.0], unit: months}",
                             "a: {value: 7.7, ci: [6.1, 9.0], unit: monthss}")
    check_error(unit_copy, STUDY, line, "unknown unit 'monthss'", "did you mean 'months'?")


def test_a_chart_mixing_units_is_an_error_at_the_chart(unit_copy):
    line = unit_copy.replace(CONTENT, "values: [results.os_median.a, results.os_median.b]",
                             "values: [results.os_median.a, results.orr.b]")
    check_error(unit_copy, CONTENT, line, "chart os_chart", "share one unit", "months", "percent")


def test_pct_on_a_months_value_is_an_error(unit_copy):
    line = unit_copy.replace(CONTENT, "vs. {{ results.os_median.b }}", "vs. {{ results.os_median.b | pct }}")
    check_error(unit_copy, CONTENT, line, "results.os_median.b", "unit is months, not percent")


def test_a_declared_unit_may_not_redefine_a_built_in_one(unit_copy):
    line = unit_copy.insert_line(STUDY, 8, "  months: {label: {en: mo}}")
    check_error(unit_copy, STUDY, line, "'months' is a built-in unit")


@pytest.mark.parametrize("target", TARGETS)
def test_the_unit_decks_charts_validate_and_carry_the_targets_language(built, target):
    """Issue #11 on a second fixture deck: every chart part and embedded workbook valid against
    ISO/IEC 29500, and the chart text tagged with the target's language."""
    import subprocess
    import sys

    from test_pptx_charts import _validator, chart_frames

    pptx = built[target][0] / "deck.pptx"
    run = subprocess.run([sys.executable, str(_validator()), str(pptx)], capture_output=True, text=True)
    bad = [line for line in run.stdout.splitlines() if line.startswith("INVALID") and
           ("ppt/charts/" in line or "ppt/embeddings/" in line)]
    assert not bad, run.stdout[-2000:]
    frames = list(chart_frames(pptx))
    assert frames
    for _, frame in frames:
        assert {el.get("lang") for el in frame.chart._chartSpace.iter(qn("a:rPr"), qn("a:defRPr"))} == {target}
