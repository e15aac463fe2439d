"""Charts: one chart spec from study data gives a vector chart in the PDFs and a native, editable
chart in the PPTX.

Every expected number is computed here from the YAML (yaml.safe_load) and, for patient-level
survival data, from the CSV with lifelines, independently of posterdeck's loader. Each deck is
built once per module: the INO-VATE demo (en-NL, conftest's demo_build), the FICTIONAL AURORA-1
deck (en-GB), and a tiny fixture deck (tests/fixtures/charts/minideck) with one chart of every kind.
"""
from __future__ import annotations

import csv
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn

from conftest import DATA, DECK_DIR, LAYOUTS_DIR, SHARED_DIR, norm, read_yaml, require_tool, study_leaf, study_value

AURORA_DIR = DATA / "aurora-fictional"
AURORA_TARGET = "en-GB"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "charts"
MINI = "minideck"
EMU_PER_PT = 12700

BAR_TYPES = {
    "clustered_column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked_column": XL_CHART_TYPE.COLUMN_STACKED,
    "clustered_bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
}
XY_TYPES = {"kaplan_meier", "forest"}
# what python-pptx reads back for an XY chart (it derives the type from c:scatterStyle and the markers)
XY_CHART_TYPES = {XL_CHART_TYPE.XY_SCATTER, XL_CHART_TYPE.XY_SCATTER_LINES, XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS}
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


# --------------------------------------------------------------------------------------------
# the decks, built once
# --------------------------------------------------------------------------------------------

@dataclass
class DeckOut:
    """A built target and the YAML it came from, read with yaml.safe_load."""

    name: str
    deck_dir: Path
    folder: Path  # out/<deck>/<target>

    def __post_init__(self):
        self.study = read_yaml(self.deck_dir / "study.yaml")
        self.content = read_yaml(self.deck_dir / "content.yaml")

    @property
    def pptx(self) -> Path:
        return self.folder / "deck.pptx"

    @property
    def deck_pdf(self) -> Path:
        return self.folder / "deck.pdf"

    def pdfs(self) -> list[Path]:
        return [self.folder / n for n in ("poster.pdf", "poster-screen.pdf", "deck.pdf")]

    def charts(self, kinds) -> dict:
        return {cid: spec for cid, spec in self.content["charts"].items() if spec["type"] in kinds}

    def deck_page_of(self, chart_id: str) -> int:
        """1-based page of deck.pdf (and slide) showing a chart: the overview, then one per section."""
        for i, section in enumerate(self.content["sections"]):
            if chart_id in section.get("visuals", []):
                return i + 2
        raise AssertionError(f"chart {chart_id} is shown by no section")


def _build(deck_dir: Path, target: str, out: Path) -> Path:
    from posterdeck import api

    results = api.build(deck_dir, targets=[target], out=out)
    assert len(results) == 1
    return out / deck_dir.name / target


@pytest.fixture(scope="module")
def inovate(demo_build) -> DeckOut:
    return DeckOut("inovate-salvage", DECK_DIR, demo_build.folder)


@pytest.fixture(scope="module")
def aurora(tmp_path_factory) -> DeckOut:
    out = tmp_path_factory.mktemp("aurora-out")
    return DeckOut("aurora-fictional", AURORA_DIR, _build(AURORA_DIR, AURORA_TARGET, out))


def _mini_project(root: Path) -> Path:
    """A throw-away project holding the fixture deck, the shared data and the repo's layouts plus
    the fixture deck's own poster layout."""
    (root / "data").mkdir(parents=True)
    shutil.copytree(FIXTURES / MINI, root / "data" / MINI)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    shutil.copy(FIXTURES / "poster-mini-charts.yaml", root / "layouts" / "poster-mini-charts.yaml")
    return root / "data" / MINI


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> DeckOut:
    deck_dir = _mini_project(tmp_path_factory.mktemp("mini-project"))
    return DeckOut(MINI, deck_dir, _build(deck_dir, "en-GB", deck_dir.parents[1] / "out"))


@pytest.fixture(params=["inovate", "aurora"])
def example(request) -> DeckOut:
    return request.getfixturevalue(request.param)


# --------------------------------------------------------------------------------------------
# reading the PPTX back
# --------------------------------------------------------------------------------------------

def frames(pptx_path: Path) -> dict[str, tuple[int, object]]:
    """Shape name -> (1-based slide, shape) of every chart frame; a name must occur once."""
    found: dict[str, tuple[int, object]] = {}
    for i, slide in enumerate(Presentation(str(pptx_path)).slides, 1):
        for shape in slide.shapes:
            if getattr(shape, "has_chart", False) and shape.has_chart:
                assert shape.name not in found, f"two chart shapes named {shape.name!r}"
                found[shape.name] = (i, shape)
    return found


def slide_shapes(pptx_path: Path, number: int) -> list:
    return list(Presentation(str(pptx_path)).slides[number - 1].shapes)


def alt_text(shape) -> str:
    c_nv_pr = shape._element.find(".//" + P_NS + "cNvPr")
    return (c_nv_pr.get("descr") or "") if c_nv_pr is not None else ""


def xy_points(series) -> list[tuple[float, float]]:
    xs = [float(v.text) for v in series._element.xpath("./c:xVal//c:pt/c:v")]
    ys = [float(v.text) for v in series._element.xpath("./c:yVal//c:pt/c:v")]
    assert len(xs) == len(ys), series.name
    return list(zip(xs, ys))


def series_by_name(chart) -> dict:
    out = {}
    for plot in chart.plots:
        for s in plot.series:
            assert s.name not in out, f"two series named {s.name!r}"
            out[s.name] = s
    return out


def flat(points) -> list[float]:
    return [v for p in points for v in p]


def step_value(points, t: float) -> float:
    """The value at t of the step line drawn through ``points`` (right-continuous: the last point at x <= t)."""
    before = [y for x, y in points if x <= t + 1e-12]
    assert before, f"no point at or before {t}"
    return before[-1]


def plot_layout(chart) -> tuple[float, float, float, float]:
    """The pinned inner plot area (x, y, w, h as fractions of the chart frame)."""
    manual = chart._chartSpace.chart.plotArea.find(qn("c:layout")).find(qn("c:manualLayout"))
    assert manual.find(qn("c:layoutTarget")).get("val") == "inner"
    return tuple(float(manual.find(qn(f"c:{k}")).get("val")) for k in ("x", "y", "w", "h"))


def pct(value: float) -> str:
    return f"{value:.1f}%"


# --------------------------------------------------------------------------------------------
# survival data, computed independently
# --------------------------------------------------------------------------------------------

def read_patients(deck_dir: Path, study: dict, curve_id: str) -> tuple[list[float], list[int]]:
    patients = study["curves"][curve_id]["patients"]
    if patients.get("file"):
        with (deck_dir / patients["file"]).open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        return [float(r["time"]) for r in rows], [int(r["event"]) for r in rows]
    return [float(t) for t in patients["time"]], [int(e) for e in patients["event"]]


def fit_km(times, events):
    from lifelines import KaplanMeierFitter  # a test extra: never skipped

    return KaplanMeierFitter().fit(times, events)


def ticks_of(spec: dict) -> list[float]:
    x_max, step = spec["time_axis"]["max"], spec.get("time_step", 6)
    return [i * step for i in range(int(math.floor(x_max / step + 1e-9)) + 1)]


def expected_at_risk(deck: DeckOut, spec: dict) -> dict[str, list[int]]:
    """Curve name -> at-risk count at each tick: patients with time >= t (patient-level data), or
    the study.yaml at_risk pairs (the statisticians' form)."""
    out = {}
    for curve in spec["curves"]:
        data = deck.study["curves"][curve["data"]]
        if "patients" in data:
            times, _ = read_patients(deck.deck_dir, deck.study, curve["data"])
            out[curve["name"]] = [sum(1 for x in times if x >= t) for t in ticks_of(spec)]
        else:
            given = {float(t): n for t, n in data["at_risk"]}
            out[curve["name"]] = [given[float(t)] for t in ticks_of(spec)]
    return out


def assert_is_a_step_line(points, name):
    assert points[0] == (0.0, 100.0), f"{name}: a survival curve starts at (0, 100%)"
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        assert x1 >= x0 - 1e-12, f"{name}: time goes back at {x1}"
        assert y1 <= y0 + 1e-9, f"{name}: the curve rises at {x1}"
        assert x1 == x0 or y1 == y0, f"{name}: a sloped segment from {(x0, y0)} to {(x1, y1)}: not a step"


def check_km_chart(deck: DeckOut, chart_id: str) -> None:
    """The native XY chart's curve series reproduce each curve's step function (lifelines for
    patient-level input, the given steps otherwise), with censor marks on the curve and the median."""
    spec = deck.content["charts"][chart_id]
    x_max = spec["time_axis"]["max"]
    _, frame = frames(deck.pptx)[f"chart:{chart_id}"]
    chart = frame.chart
    assert chart.chart_type in XY_CHART_TYPES, chart.chart_type
    series = series_by_name(chart)
    for curve in spec["curves"]:
        name = curve["name"]
        assert name in series, f"{chart_id}: no series {name!r} in {list(series)}"
        pts = xy_points(series[name])
        assert_is_a_step_line(pts, name)
        assert max(x for x, _ in pts) == pytest.approx(x_max), f"{name}: the line runs to the axis end"
        data = deck.study["curves"][curve["data"]]
        if "patients" in data:
            times, events = read_patients(deck.deck_dir, deck.study, curve["data"])
            kmf = fit_km(times, events)
            sf = kmf.survival_function_.iloc[:, 0]
            event_times = sorted({t for t, e in zip(times, events) if e == 1 and t <= x_max})
            assert event_times
            for t in event_times:
                assert step_value(pts, t) / 100 == pytest.approx(float(sf.loc[t]), abs=1e-9), (name, t)
                # just before the step, the value of the previous step
                before = float(sf[sf.index < t].iloc[-1]) if (sf.index < t).any() else 1.0
                assert step_value(pts, t - 1e-6) / 100 == pytest.approx(before, abs=1e-9), (name, t)
            median = float(kmf.median_survival_time_)
            censored = sorted(t for t, e in zip(times, events) if e == 0 and t <= x_max)
            surv_at = lambda t: float(sf[sf.index <= t].iloc[-1])  # noqa: E731
        else:
            steps = [(float(t), float(s)) for t, s in zip(data["time"], data["survival"]) if t <= x_max]
            for t, s in steps:
                assert step_value(pts, t) / 100 == pytest.approx(s, abs=1e-9), (name, t)
            # exactly the given steps: one drop per given time, nothing invented
            drops = sorted({x0 for (x0, y0), (x1, y1) in zip(pts, pts[1:]) if x0 == x1 and y1 < y0})
            prev = [1.0] + [s for _, s in steps]
            assert drops == sorted({t for (t, s), p in zip(steps, prev) if s < p}), name
            median = next(t for t, s in zip(data["time"], data["survival"]) if s <= 0.5)
            censored = sorted(float(t) for t in data.get("censored", []) if t <= x_max)
            given = list(zip(data["time"], data["survival"]))
            surv_at = lambda t: next((s for tt, s in reversed(given) if tt <= t), 1.0)  # noqa: E731
        # censor marks: one '+' per censored patient, on the curve
        marks = xy_points(series[f"{name} (censored)"])
        assert [x for x, _ in marks] == pytest.approx(censored), name
        for x, y in marks:
            assert y / 100 == pytest.approx(surv_at(x), abs=1e-9), (name, x)
        # the dashed median line: from (0, 50%) to the median and down to the axis
        if spec.get("medians", True):
            median_line = flat(xy_points(series[f"{name} (median)"]))
            assert median_line == pytest.approx([0, 50, median, 50, median, 0], abs=1e-9), name
            assert f"{name}: median {median:.1f}" in alt_text(frame), (alt_text(frame), median)


def at_risk_rows(deck: DeckOut, chart_id: str) -> dict[str, list]:
    """Curve name -> the at-risk count text boxes of its row (left to right), read from the slide."""
    spec = deck.content["charts"][chart_id]
    shapes = [s for s in slide_shapes(deck.pptx, deck.deck_page_of(chart_id)) if s.name == "at-risk"]
    assert shapes, f"{chart_id}: no at-risk text boxes"
    assert any(s.text_frame.text == spec.get("at_risk_title", "Number at risk") for s in shapes)
    rows = {}
    for curve in spec["curves"]:
        label = [s for s in shapes if s.text_frame.text == curve["name"]]
        assert len(label) == 1, f"{chart_id}: row label {curve['name']!r}"
        row = sorted((s for s in shapes if s.top == label[0].top and s is not label[0]), key=lambda s: s.left)
        rows[curve["name"]] = row
    return rows


# --------------------------------------------------------------------------------------------
# bar charts: native, with the study's values
# --------------------------------------------------------------------------------------------

def check_bar_charts(deck: DeckOut) -> int:
    found = frames(deck.pptx)
    bars = deck.charts(BAR_TYPES)
    for cid, spec in bars.items():
        assert f"chart:{cid}" in found, f"{deck.name}: no chart shape 'chart:{cid}' in {sorted(found)}"
        number, frame = found[f"chart:{cid}"]
        assert number == deck.deck_page_of(cid), f"{cid} on slide {number}"
        chart = frame.chart
        assert chart.chart_type == BAR_TYPES[spec["type"]], (cid, chart.chart_type)
        plot = chart.plots[0]
        assert list(plot.categories) == spec["categories"], cid
        assert [s.name for s in plot.series] == [s["name"] for s in spec["series"]], cid
        for s_spec, series in zip(spec["series"], plot.series):
            expected = [study_value(deck.study, p) for p in s_spec["values"]]
            assert list(series.values) == pytest.approx(expected, abs=1e-9), (cid, s_spec["name"])
        # the values live in the embedded workbook too: the chart is editable
        assert frame.chart.part.chart_workbook.xlsx_part is not None, cid
    return len(bars)


def test_every_bar_chart_is_a_native_chart_with_the_study_values(example):
    assert check_bar_charts(example) >= 1


def test_the_count_percentages_use_population_denominators(inovate):
    """A count whose N is a population id is divided by that population's n (87/111 = 78.4%)."""
    assert study_value(inovate.study, "results.cr.ino_s1") == round(100 * 45 / 111, 1) == 40.5
    _, frame = frames(inovate.pptx)["chart:crcri_by_arm"]
    assert frame.chart.plots[0].series[0].values[0] == pytest.approx(40.5)


def test_os24_chart_carries_the_confidence_intervals_as_custom_error_bars(inovate):
    spec = inovate.content["charts"]["os24"]
    assert spec.get("error_bars")
    _, frame = frames(inovate.pptx)["chart:os24"]
    for s_spec, series in zip(spec["series"], frame.chart.plots[0].series):
        bars = series._element.findall(qn("c:errBars"))
        assert len(bars) == 1, s_spec["name"]
        bar = bars[0]
        assert bar.find(qn("c:errValType")).get("val") == "cust"
        assert bar.find(qn("c:errBarType")).get("val") == "both"
        direction = bar.find(qn("c:errDir"))
        assert direction is None or direction.get("val") == "y"  # columns: along the value axis
        plus = [float(v.text) for v in bar.findall("./" + qn("c:plus") + "//" + qn("c:v"))]
        minus = [float(v.text) for v in bar.findall("./" + qn("c:minus") + "//" + qn("c:v"))]
        leaves = [study_leaf(inovate.study, p) for p in s_spec["values"]]
        assert plus == pytest.approx([leaf["ci"][1] - leaf["value"] for leaf in leaves], abs=1e-9)
        assert minus == pytest.approx([leaf["value"] - leaf["ci"][0] for leaf in leaves], abs=1e-9)


def test_charts_without_cis_carry_no_error_bars(example):
    for cid, spec in example.charts(BAR_TYPES).items():
        if not spec.get("error_bars"):
            _, frame = frames(example.pptx)[f"chart:{cid}"]
            assert "errBars" not in frame.chart._chartSpace.xml, cid


# --------------------------------------------------------------------------------------------
# Kaplan-Meier
# --------------------------------------------------------------------------------------------

def test_os_km_reproduces_lifelines_from_the_patient_csv(aurora):
    spec = aurora.content["charts"]["os_km"]
    assert all("patients" in aurora.study["curves"][c["data"]] for c in spec["curves"])
    check_km_chart(aurora, "os_km")


def test_pfs_km_reproduces_the_statisticians_steps(aurora):
    spec = aurora.content["charts"]["pfs_km"]
    assert all("survival" in aurora.study["curves"][c["data"]] for c in spec["curves"])
    check_km_chart(aurora, "pfs_km")


def test_os_median_is_lifelines_median(aurora):
    _, frame = frames(aurora.pptx)["chart:os_km"]
    series = series_by_name(frame.chart)
    for curve in aurora.content["charts"]["os_km"]["curves"]:
        kmf = fit_km(*read_patients(aurora.deck_dir, aurora.study, curve["data"]))
        median = float(kmf.median_survival_time_)
        assert xy_points(series[f"{curve['name']} (median)"])[1][0] == pytest.approx(median, abs=1e-9)
        assert f"{curve['name']}: median {median:.1f}" in alt_text(frame)


@pytest.mark.parametrize("chart_id", ["os_km", "pfs_km"])
def test_number_at_risk_boxes_hold_the_counts(aurora, chart_id):
    spec = aurora.content["charts"][chart_id]
    expected = expected_at_risk(aurora, spec)
    rows = at_risk_rows(aurora, chart_id)
    for name, counts in expected.items():
        assert [s.text_frame.text for s in rows[name]] == [str(n) for n in counts], name


@pytest.mark.parametrize("chart_id", ["os_km", "pfs_km"])
def test_number_at_risk_boxes_are_centred_on_the_ticks_in_the_pptx(aurora, chart_id):
    spec = aurora.content["charts"][chart_id]
    _, frame = frames(aurora.pptx)[f"chart:{chart_id}"]
    x, _, w, _ = plot_layout(frame.chart)
    ticks = ticks_of(spec)
    # the chart's own time axis runs 0..max with a tick every time_step
    axis = frame.chart.category_axis
    assert (axis.minimum_scale, axis.maximum_scale) == (0, spec["time_axis"]["max"])
    assert axis.major_unit == pytest.approx(spec.get("time_step", 6))
    for name, row in at_risk_rows(aurora, chart_id).items():
        assert len(row) == len(ticks), name
        for t, box in zip(ticks, row):
            centre = box.left + box.width / 2
            tick_x = frame.left + (x + w * t / spec["time_axis"]["max"]) * frame.width
            assert abs(centre - tick_x) <= EMU_PER_PT, (name, t, (centre - tick_x) / EMU_PER_PT)


def pdf_words(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of every word on one page, from poppler's pdftotext -bbox."""
    exe = require_tool("pdftotext")
    out = subprocess.run([exe, "-bbox", "-f", str(page), "-l", str(page), str(path), "-"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    words = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                         out.stdout):
        words.append((float(m[1]), float(m[2]), float(m[3]), float(m[4]), m[5]))
    assert words, f"no words on page {page} of {path.name}"
    return words


@pytest.mark.parametrize("chart_id", ["os_km", "pfs_km"])
def test_number_at_risk_is_aligned_with_the_ticks_in_the_deck_pdf(aurora, chart_id):
    spec = aurora.content["charts"][chart_id]
    ticks = ticks_of(spec)
    words = pdf_words(aurora.deck_pdf, aurora.deck_page_of(chart_id))
    heading = [w for i, w in enumerate(words[:-2])
               if (w[4], words[i + 1][4], words[i + 2][4]) == ("Number", "at", "risk")]
    assert len(heading) == 1, "one 'Number at risk' heading on the page"
    hx, hy = heading[0][0], heading[0][1]
    right = [w for w in words if w[0] > hx - 1]
    # the time-axis tick labels: the one line above the table reading 0, 6, ..., max
    labels = [f"{t:g}" for t in ticks]
    by_line: dict[float, list] = {}
    for w in right:
        if w[1] < hy:
            by_line.setdefault(round(w[1], 1), []).append(w)
    tick_lines = [sorted(ws) for ws in by_line.values() if [w[4] for w in sorted(ws)] == labels]
    assert len(tick_lines) == 1, f"tick labels {labels} not found as one line"
    tick_x = [(w[0] + w[2]) / 2 for w in tick_lines[0]]
    gaps = [b - a for a, b in zip(tick_x, tick_x[1:])]
    assert max(gaps) - min(gaps) <= 1.0, f"ticks not evenly spaced: {gaps}"
    for name, counts in expected_at_risk(aurora, spec).items():
        label = [w for w in right if w[4] == name.split()[0] and w[1] > hy and abs(w[0] - hx) < 1]
        assert len(label) == 1, f"row label {name!r}"
        row = sorted(w for w in right if abs(w[1] - label[0][1]) < 0.5 and w[0] > label[0][2])
        assert [w[4] for w in row] == [str(n) for n in counts], name
        centres = [(w[0] + w[2]) / 2 for w in row]
        row_gaps = [b - a for a, b in zip(centres, centres[1:])]
        assert max(row_gaps) - min(row_gaps) <= 1.0, f"{name}: counts not evenly spaced: {row_gaps}"
        assert sum(row_gaps) / len(row_gaps) == pytest.approx(sum(gaps) / len(gaps), abs=1.0), name
        for t, c, tx in zip(ticks, centres, tick_x):
            assert abs(c - tx) <= 1.0, f"{name}: count at t={t} is {c - tx:.2f} pt off its tick"


def _resolved_km(deck_dir: Path, target: str):
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    model = load_deck(deck_dir)
    doc = resolve(model, make_target(target, model.info, model.markets))
    return {v.id: v for s in doc.sections for v in s.visuals if hasattr(v, "curves")}


def test_patient_file_curve_without_axis_max_has_every_at_risk_count(tmp_path):
    deck_dir = _mini_project(tmp_path)
    content = deck_dir / "content.yaml"
    text = content.read_text(encoding="utf-8")
    assert text.count("time_axis: {title: Months, max: 18}") == 1
    content.write_text(text.replace("time_axis: {title: Months, max: 18}", "time_axis: {title: Months}"),
                       encoding="utf-8")
    km = _resolved_km(deck_dir, "en-GB")["os_km"]
    times, _ = read_patients(deck_dir, read_yaml(deck_dir / "study.yaml"), "os_a")
    assert len(km.ticks) > 2
    expected = tuple(str(sum(1 for x in times if x >= t)) for t in km.ticks)
    assert km.curves[0].at_risk == expected


# --------------------------------------------------------------------------------------------
# forest plot
# --------------------------------------------------------------------------------------------

def forest_rows(deck: DeckOut, chart_id: str) -> list[tuple[dict, dict]]:
    spec = deck.content["charts"][chart_id]
    return [(row, study_leaf(deck.study, row["data"])) for row in spec["rows"]]


def estimate_text(leaf: dict) -> str:
    d = leaf.get("decimals", 2)
    return f"{leaf['value']:.{d}f} ({leaf['ci'][0]:.{d}f}\u2013{leaf['ci'][1]:.{d}f})"


def check_forest(deck: DeckOut, chart_id: str) -> None:
    rows = forest_rows(deck, chart_id)
    n = len(rows)
    _, frame = frames(deck.pptx)[f"chart:{chart_id}"]
    series = series_by_name(frame.chart)
    est = xy_points(series["estimate"])
    assert [x for x, _ in est] == pytest.approx([leaf["value"] for _, leaf in rows], abs=1e-12)
    assert [y for _, y in est] == pytest.approx([n - i - 0.5 for i in range(n)])
    assert [x for x, _ in xy_points(series["no effect"])] == [1.0, 1.0]
    for i, (row, leaf) in enumerate(rows):
        ci = xy_points(series[f"95% CI: {row['label']}"])
        assert flat(ci) == pytest.approx([leaf["ci"][0], n - i - 0.5, leaf["ci"][1], n - i - 0.5], abs=1e-12), row
    # the x axis is log 2, as in the PDF
    assert 'c:logBase val="2"' in frame.chart._chartSpace.xml
    # label, n and estimate columns: one native text box each, on the row of the marker
    _, y0, _, h = plot_layout(frame.chart)
    texts = [s for s in slide_shapes(deck.pptx, deck.deck_page_of(chart_id)) if s.name == "chart-text"]
    for i, (row, leaf) in enumerate(rows):
        label = [s for s in texts if norm(s.text_frame.text) == row["label"]]  # 'Age < 65' has no-break spaces
        row_top = label[0].top if label else None
        number = [s for s in texts if s.text_frame.text == str(leaf["n"]) and s.top == row_top]
        estimate = [s for s in texts if s.text_frame.text.replace("\n", " ") == estimate_text(leaf)]
        assert len(label) == 1, (chart_id, row["label"], [s.text_frame.text for s in texts])
        assert len(number) == 1, (chart_id, row["label"], leaf["n"])
        assert len(estimate) == 1, (chart_id, estimate_text(leaf), [s.text_frame.text for s in texts])
        assert estimate[0].top == label[0].top, row["label"]
        marker_y = frame.top + (y0 + h * (1 - (n - i - 0.5) / n)) * frame.height
        centre = number[0].top + number[0].height / 2
        assert abs(centre - marker_y) <= EMU_PER_PT, (row["label"], (centre - marker_y) / EMU_PER_PT)
        assert estimate_text(leaf) in alt_text(frame)


def test_forest_points_lines_and_columns_are_the_study_estimates(aurora):
    check_forest(aurora, "os_forest")


def test_forest_columns_are_in_the_deck_pdf(aurora):
    text = "\n".join(w[4] for w in pdf_words(aurora.deck_pdf, aurora.deck_page_of("os_forest")))
    for row, leaf in forest_rows(aurora, "os_forest"):
        assert str(leaf["n"]) in text.split("\n"), row["label"]
        assert f"{leaf['value']:.2f}" in text.split("\n"), row["label"]
        assert f"({leaf['ci'][0]:.2f}\u2013{leaf['ci'][1]:.2f})" in text.split("\n"), row["label"]


# --------------------------------------------------------------------------------------------
# vector PDFs, fonts, alt text, rendering
# --------------------------------------------------------------------------------------------

def _owners(pdf):
    """(label, stream owner, resources) of every page, form XObject and tiling pattern, nested."""
    seen: set = set()

    def nested(res, label):
        if res is None:
            return
        for name, xo in res.get("/XObject", pikepdf.Dictionary()).items():
            if xo.objgen in seen:
                continue
            seen.add(xo.objgen)
            if xo.get("/Subtype") == "/Form":
                yield f"{label} form {name}", xo
                yield from nested(xo.get("/Resources"), f"{label} form {name}")
            else:
                yield f"{label} xobject {name}", xo
        for name, pat in res.get("/Pattern", pikepdf.Dictionary()).items():
            if pat.objgen not in seen and int(pat.get("/PatternType", 0)) == 1:
                seen.add(pat.objgen)
                yield f"{label} pattern {name}", pat
                yield from nested(pat.get("/Resources"), f"{label} pattern {name}")

    for n, page in enumerate(pdf.pages, 1):
        yield f"page {n}", page
        yield from nested(page.obj.get("/Resources"), f"page {n}")


def test_pdfs_are_vector_no_image_anywhere(example):
    charts = example.charts(set(BAR_TYPES) | XY_TYPES)
    for path in example.pdfs():
        with pikepdf.open(path) as pdf:
            forms = 0
            for label, owner in _owners(pdf):
                if isinstance(owner, pikepdf.Page):
                    stream_owner = owner
                else:
                    assert owner.get("/Subtype") != "/Image", f"{path.name}: {label} is an image"
                    forms += owner.get("/Subtype") == "/Form"
                    stream_owner = owner
                inline = [i for i in pikepdf.parse_content_stream(stream_owner)
                          if isinstance(i, pikepdf.ContentStreamInlineImage)]
                assert not inline, f"{path.name}: inline image in {label}"
            assert forms >= len(charts), f"{path.name}: {forms} forms for {len(charts)} charts"


def test_pdffonts_lists_every_font_embedded(example):
    exe = require_tool("pdffonts")
    for path in example.pdfs():
        out = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        rows = out.stdout.splitlines()[2:]
        assert rows, f"{path.name}: no fonts"
        for row in rows:
            assert row.split()[-5] == "yes", f"{path.name}: not embedded: {row}"


def test_every_chart_and_picture_has_alt_text_stating_its_data(example):
    shapes = []
    for slide in Presentation(str(example.pptx)).slides:
        for shape in slide.shapes:
            if (getattr(shape, "has_chart", False) and shape.has_chart) or shape.shape_type == 13:
                shapes.append(shape)
    assert shapes
    for shape in shapes:
        assert alt_text(shape).strip(), f"{shape.name}: no alt text"
    found = frames(example.pptx)
    for cid, spec in example.charts(BAR_TYPES).items():
        text = alt_text(found[f"chart:{cid}"][1])
        for s in spec["series"]:
            assert s["name"] in text, (cid, s["name"])
            for p in s["values"]:
                assert pct(study_value(example.study, p)) in text, (cid, p, text)


def test_crcri_alt_text_states_the_cr_and_cri_percentages(inovate):
    """Literal figures of the seed (CR 45/111, CRi 42/111: together the 78.4% CR/CRi in S1) are what a
    screen reader hears for the CR/CRi chart."""
    _, frame = frames(inovate.pptx)["chart:crcri_by_arm"]
    text = alt_text(frame)
    assert "40.5%" in text and "37.8%" in text  # CR + CRi = 78.4% CR/CRi in S1


def test_one_page_of_each_deck_pdf_renders_non_blank(example, tmp_path):
    from PIL import Image

    exe = require_tool("pdftoppm")
    chart_id = next(iter(example.charts(set(BAR_TYPES) | XY_TYPES)))
    page = example.deck_page_of(chart_id)
    stem = tmp_path / "page"
    out = subprocess.run([exe, "-f", str(page), "-l", str(page), "-r", "30", "-png", "-singlefile",
                          str(example.deck_pdf), str(stem)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    with Image.open(stem.with_suffix(".png")) as im:
        rgb = im.convert("RGB")
        w, h = rgb.size
        assert w > 100 and h > 50
        colours = rgb.getcolors(maxcolors=w * h)  # [(count, (r, g, b)), ...]
    non_white = sum(count for count, p in colours if min(p) < 245)
    assert non_white / (w * h) > 0.02, f"page {page} is (nearly) blank"
    assert len(colours) > 8, "a page with a chart has more than a few colours"


# --------------------------------------------------------------------------------------------
# a deck of its own: every chart kind
# --------------------------------------------------------------------------------------------

def test_fixture_deck_declares_every_chart_kind_and_both_survival_forms():
    content = read_yaml(FIXTURES / MINI / "content.yaml")
    study = read_yaml(FIXTURES / MINI / "study.yaml")
    kinds = [spec["type"] for spec in content["charts"].values()]
    assert set(kinds) == set(BAR_TYPES) | XY_TYPES
    forms = {"patients" if "patients" in study["curves"][c["data"]] else "steps"
             for spec in content["charts"].values() if spec["type"] == "kaplan_meier" for c in spec["curves"]}
    assert forms == {"patients", "steps"}


def test_fixture_deck_builds_with_one_native_chart_per_chart(mini):
    assert {"poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf"} <= {p.name for p in mini.folder.iterdir()}
    found = frames(mini.pptx)
    assert sorted(found) == sorted(f"chart:{cid}" for cid in mini.content["charts"])
    for cid, spec in mini.content["charts"].items():
        chart = found[f"chart:{cid}"][1].chart
        if spec["type"] in BAR_TYPES:
            assert chart.chart_type == BAR_TYPES[spec["type"]], cid
        else:
            assert chart.chart_type in XY_CHART_TYPES, (cid, chart.chart_type)
    # one of each kind
    kinds = sorted(spec["type"] for spec in mini.content["charts"].values())
    assert [k for k in kinds if k != "kaplan_meier"] == sorted(set(BAR_TYPES) | {"forest"})


def test_fixture_deck_chart_values(mini):
    assert check_bar_charts(mini) == 4
    _, frame = frames(mini.pptx)["chart:resp_cluster"]
    bars = frame.chart.plots[0].series[0]._element.findall(qn("c:errBars"))
    assert len(bars) == 1
    # an N given as a number (38) and as a population id (arm_b) give the same denominator
    assert study_value(mini.study, "results.pr.b") == round(100 * 11 / 38, 1)


def test_fixture_deck_survival_and_forest(mini):
    check_km_chart(mini, "os_km")   # patient-level CSV, lifelines, with tied event times
    check_km_chart(mini, "pfs_km")  # statisticians' steps
    for chart_id in ("os_km", "pfs_km"):
        rows = at_risk_rows(mini, chart_id)
        for name, counts in expected_at_risk(mini, mini.content["charts"][chart_id]).items():
            assert [s.text_frame.text for s in rows[name]] == [str(n) for n in counts], (chart_id, name)
    check_forest(mini, "hr_forest")


def test_fixture_deck_pdfs_are_vector_and_the_print_poster_passes_preflight(mini):
    from posterdeck.finish.preflight import preflight

    for path in mini.pdfs():
        with pikepdf.open(path) as pdf:
            for label, owner in _owners(pdf):
                if not isinstance(owner, pikepdf.Page):
                    assert owner.get("/Subtype") != "/Image", f"{path.name}: {label}"
    report = preflight((mini.folder / "poster.pdf").read_bytes())
    assert report.errors == [], [str(f) for f in report.errors]
