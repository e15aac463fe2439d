"""Resolving charts (their types live in pagemodel.charts), tables and pictures: data bound,
labels translated and formatted, checked.

ChartResolver holds the chart part of the resolver (document._Resolver), which supplies err(),
plain(), tr() and the model and target.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from posterdeck.loading.yamlsource import suggest
from posterdeck.pagemodel.charts import RChart, RCurve, RForest, RForestRow, RKaplanMeier, RSeries, Steps
from posterdeck.resolve.units import unit_label, with_unit
from posterdeck.resolve.values import ValueError_, chart_point

Nodes = tuple  # markup nodes, as in resolve.document

@dataclass(frozen=True)
class RTable:
    """A table, every cell formatted: rows of (term, cells, level); a 'group' row is a heading
    across the table and has no cells."""

    id: str
    stub_heading: str
    groups: tuple[tuple[str, int], ...]  # column groups: (label, number of columns spanned)
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...], str], ...]  # (term, cells, level)
    caption: Nodes
    type: str = "table"
    paths: tuple[str, ...] = ()  # the table and the populations of its columns
    row_paths: tuple[tuple[str, ...], ...] = ()  # per row: the data paths its cells show
    cell_paths: tuple[tuple[str, ...], ...] = ()  # per row, per cell: the data path it shows ('' for text)
    cell_formats: tuple[tuple[str, ...], ...] = ()  # per row, per cell: the format it prints in ('' for text)
    # review refs ("text:CONTEXT", '' for none) of the header cells: ((stub heading, *columns), column groups)
    refs: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    row_refs: tuple[str, ...] = ()  # per row: the review ref of its term (stub cell)

    def texts(self, rows: range | None = None) -> list[str]:
        """Every text of the table, or of its headers and the rows ``rows`` (a part of it)."""
        shown = self.rows if rows is None else [self.rows[i] for i in rows]
        return [self.stub_heading, *(g for g, _ in self.groups), *self.columns,
                *(r[0] for r in shown), *(c for r in shown for c in r[1])]


@dataclass(frozen=True)
class RImage:
    id: str
    path: str
    alt: str
    aspect: float  # height / width of the picture
    type: str = "image"
    pixels: tuple[int, int] = (0, 0)  # width, height: compose checks the resolution at the placed size
    where: object = None  # errors.Location of the line naming the picture (content.yaml or deck.yaml)
    file: str = ""  # the file as the deck names it

    def texts(self) -> list[str]:
        return []


class ChartResolver:
    def chart(self, cid: str):
        spec = self.model.content.charts[cid]
        if spec.type == "kaplan_meier":
            return self.kaplan_meier(cid, spec)
        if spec.type == "forest":
            return self.forest(cid, spec)
        base = ("charts", cid)
        f = self.target.formats
        series, units, places = [], {}, [self.decimals]  # units: unit -> where it first shows
        unit_def = None
        for s_i, s in enumerate(spec.series):
            if len(s.values) != len(spec.categories):
                self.err(base + ("series", s_i, "values"),
                         f"chart {cid}: series {s.name!r} has {len(s.values)} values for {len(spec.categories)} categories")
            if s.color is not None and s.color not in self.model.theme.colours:
                self.err(base + ("series", s_i, "color"), f"chart {cid}: colour {s.color!r} is not in the theme",
                         suggest(s.color, self.model.theme.colours) or f"use one of {', '.join(self.model.theme.colours)}")
            vals, cis, labels, decimals = [], [], [], []
            for v_i, p in enumerate(s.values):
                try:
                    v, ci, unit, d = chart_point(p, self.model.leaves, self.decimals)
                except ValueError_ as exc:
                    self.err(base + ("series", s_i, "values", v_i), str(exc),
                             suggest(p, self.model.leaves) or "see study.yaml for the paths")
                    v, ci, unit, d = 0.0, None, None, self.decimals
                else:
                    unit_def = unit_def or getattr(self.model.leaves[p], "_unit_def", None)
                    places.append(d)
                    if len(units) == 1 and unit not in units:  # the first value of a second unit
                        (u0, (s0, v0)), = units.items()
                        self.err(base + ("series", s_i, "values", v_i),
                                 f"chart {cid}: {p} is in {unit or 'no unit'} but {spec.series[s0].values[v0]} "
                                 f"is in {u0 or 'no unit'}; all values of a chart share one unit",
                                 "put the values of another unit in a chart of their own, or correct the unit: "
                                 "of the value in study.yaml")
                    units.setdefault(unit, (s_i, v_i))
                vals.append(v)
                cis.append(ci)
                labels.append(f.percent(v, d) if unit == "percent" else f.number(v, d))
                decimals.append(d)
            series.append(RSeries(self.plain(s.name, base + ("series", s_i, "name")), s.color or "", tuple(vals),
                                  tuple(cis), tuple(labels), tuple(decimals)))
        unit = next(iter(units), None)
        cats = tuple(self.plain(c, base + ("categories", i)) for i, c in enumerate(spec.categories))
        # the alt text reads each value with its unit ('8.8 months'), under the title as translated
        spoken = [tuple(with_unit(v, d, unit, unit_def, f, short=True) for v, d in zip(s_.values, s_.decimals)) for s_ in series]
        alt = spec.alt_text or _alt_text(self.plain(spec.title, base + ("title",)) or cid, cats, series, spoken)
        places = max(places[1:] or places)
        lo, hi, step = value_axis(spec.type, series, spec.value_axis.min, spec.value_axis.max)
        if spec.value_axis.max is not None and hi < _peak(spec.type, series) - 1e-9:
            self.err(base + ("value_axis",), f"chart {cid}: value_axis max {spec.value_axis.max:g} is below the "
                     f"highest value or CI bound ({_peak(spec.type, series):g}): it would be cut off",
                     "raise value_axis.max, or leave it out to let posterdeck choose")
        step_places = _places(step)
        ticks = tuple((t, f.number(t, step_places)) for t in _axis_ticks(lo, hi, step))
        return RChart(id=cid, type=spec.type, title=self.plain(spec.title, base + ("title",)), categories=cats,
                      series=tuple(series),  # the axis title defaults to the unit's name
                      value_title=self.plain(spec.value_axis.title, base + ("value_axis",))
                      or _capital(unit_label(unit, unit_def, f)),
                      category_title=self.plain(spec.category_axis.title, base + ("category_axis",)),
                      value_min=spec.value_axis.min, value_max=spec.value_axis.max, data_labels=spec.data_labels,
                      error_bars=spec.error_bars, legend=spec.legend, aspect=spec.aspect, alt_text=alt,
                      decimal_comma=f.decimal_comma,
                      paths=tuple(p for s_ in spec.series for p in s_.values),
                      value_format="0" + ("." + "0" * places if places else ""),
                      axis_min=lo, axis_max=hi, major_unit=step, ticks=ticks,
                      tick_format=axis_format(ticks),
                      affixes=f.percent_affixes() if unit == "percent" else ("", ""),
                      **bar_labels(spec.type, spec.error_bars))

    def colour(self, name: str, path: tuple) -> None:
        if name not in self.model.theme.colours:
            self.err(path, f"colour {name!r} is not in the theme",
                     suggest(name, self.model.theme.colours) or f"use one of {', '.join(self.model.theme.colours)}")

    def kaplan_meier(self, cid: str, spec) -> RKaplanMeier:
        from posterdeck.resolve.survival import SurvivalError, steps_of

        base = ("charts", cid)
        f = self.target.formats
        curves = []
        for i, c in enumerate(spec.curves):
            if c.color is not None:  # none: compose gives it the palette's next (compose.palette)
                self.colour(c.color, base + ("curves", i, "color"))
            data = self.model.study.curves.get(c.data)
            if data is None:
                self.err(base + ("curves", i, "data"), f"chart {cid}: no curve {c.data!r} in study.curves",
                         suggest(c.data, self.model.study.curves) or "add it under curves: in study.yaml")
                continue
            try:
                times = _curve_times(data, self.model.folder, self.model.fence)  # read (checked) even with a max
                x_max = spec.time_axis.max or max(times or [spec.time_step])
                ticks = _ticks(x_max, spec.time_step)
                if data.patients is not None and not self.estimate_curves:
                    # checking, not drawing: the file was read above; skip lifelines (slow to import)

                    steps = Steps((0.0,), (1.0,), (), tuple((t, 0) for t in ticks), None)
                else:
                    steps = steps_of(data, self.model.folder, ticks, self.model.fence)
            except SurvivalError as exc:
                if data.patients is not None and data.patients.file:  # at the line naming the file
                    self.err(("curves", c.data, "patients", "file"), f"curve {c.data}: {exc}", exc.hint,
                             src=self.model.sources["study"])
                else:
                    self.err(base + ("curves", i, "data"), f"chart {cid}: {exc}", exc.hint)
                continue
            if spec.at_risk and data.patients is None:
                missing = [t for t in ticks if steps.at_risk_at(t) is None]
                if missing:
                    self.err(base + ("curves", i, "data"),
                             f"chart {cid}: curve {c.data} has no at-risk count at time(s) {missing}",
                             "add them to at_risk in study.yaml, or change time_step / time_axis.max")
            curves.append(RCurve(self.plain(c.name, base + ("curves", i, "name")), c.color or "", steps))
        x_max = spec.time_axis.max or max((c.steps.time[-1] for c in curves), default=spec.time_step)
        ticks = _ticks(x_max, spec.time_step)
        curves = [RCurve(c.name, c.color, c.steps, tuple(
            f.number(n, 0) if (n := c.steps.at_risk_at(t)) is not None else "" for t in ticks)) for c in curves]
        title = self.plain(spec.title, base + ("title",))
        alt = spec.alt_text or (f"{title or 'Kaplan-Meier curves'}. " + "; ".join(
            f"{c.name}: median {f.number(c.steps.median, 1) if c.steps.median is not None else 'not reached'}"
            for c in curves) + ".")
        km_ticks = tuple(_ticks(x_max, spec.time_step))
        km_labels = tuple((t, f.number(t, _places(t))) for t in km_ticks)
        return RKaplanMeier(id=cid, title=title, curves=tuple(curves), x_max=x_max,
                            ticks=km_ticks, tick_labels=km_labels, tick_format=axis_format(km_labels),
                            time_title=self.plain(spec.time_axis.title, base + ("time_axis",)),
                            value_title=self.plain(spec.value_axis.title, base + ("value_axis",)),
                            medians=spec.medians, at_risk=spec.at_risk,
                            at_risk_title=self.plain(spec.at_risk_title, base + ("at_risk_title",)),
                            legend=spec.legend, aspect=spec.aspect, alt_text=alt,
                            decimal_comma=f.decimal_comma,
                            paths=tuple(f"curves.{c.data}" for c in spec.curves))

    def forest(self, cid: str, spec) -> RForest:
        from posterdeck.schema.study import Estimate

        base = ("charts", cid)
        f = self.target.formats
        self.colour(spec.color, base + ("color",))
        rows = []
        for i, r in enumerate(spec.rows):
            leaf = self.model.leaves.get(r.data)
            if not isinstance(leaf, Estimate) or leaf.ci is None:
                self.err(base + ("rows", i, "data"), f"chart {cid}: {r.data!r} is not an estimate with a CI",
                         suggest(r.data, self.model.leaves) or "give {value, ci: [low, high], n} in study.yaml")
                continue
            d = leaf.decimals if leaf.decimals is not None else 2
            text = f"{f.number(leaf.value, d)} ({f.ci(*leaf.ci, d)})"
            n = f.number(leaf.n, 0) if leaf.n is not None else ""
            rows.append(RForestRow(self.plain(r.label, base + ("rows", i, "label")), leaf.value, leaf.ci, n, text,
                                   r.level))
        # a log-2 axis from a power of two to a power of two, the same in every renderer
        lo = 2.0 ** math.floor(math.log2(min(spec.x_axis.min or min((r.ci[0] for r in rows), default=0.5),
                                             spec.reference)))
        hi = 2.0 ** math.ceil(math.log2(max(spec.x_axis.max or max((r.ci[1] for r in rows), default=2.0),
                                            spec.reference)))
        f_ticks = tuple((t, f.number(t, _places(t))) for t in
                        (2.0 ** k for k in range(round(math.log2(lo)), round(math.log2(hi)) + 1)))
        title = self.plain(spec.title, base + ("title",))
        alt = spec.alt_text or (f"{title or 'Forest plot'}. " + "; ".join(f"{r.label}: {r.text}" for r in rows) + ".")
        cols = spec.columns
        return RForest(id=cid, title=title, rows=tuple(rows), reference=spec.reference, x_min=lo, x_max=hi, x_title=self.plain(spec.x_axis.title, base + ("x_axis",)),
                       favours=tuple(self.plain(x, base + ("favours", i)) for i, x in enumerate(spec.favours))
                       if spec.favours else None,  # each text its own context: i18n status names it
                       columns=tuple(self.plain(getattr(cols, k), base + ("columns", k)) for k in ("label", "n", "estimate")),
                       color=spec.color, aspect=spec.aspect, alt_text=alt, decimal_comma=f.decimal_comma,
                       ticks=f_ticks, tick_format=axis_format(f_ticks),
                       paths=tuple(r.data for r in spec.rows))


def _curve_times(data, folder, fence=None) -> list[float]:
    """Follow-up times of a curve, whether delivered as steps, listed, or in a patient file."""
    if data.patients is None:
        return list(data.time)
    from posterdeck.resolve.survival import _patients

    return _patients(data, folder, fence)[0]


def _ticks(x_max: float, step: float) -> list[float]:
    n = int(x_max / step + 1e-9)
    return [round(i * step, 6) for i in range(n + 1)]


NICE = (1.0, 2.0, 2.5, 5.0, 10.0)  # major units: these times a power of ten
HEADROOM = 1.08  # room above the highest bar or CI for its label


def _peak(chart_type: str, series) -> float:
    """The highest point a chart draws: a value, an upper CI bound, or a stack's total."""
    peak = max((c[1] if c else v) for s in series for v, c in zip(s.values, s.cis)) if series else 0.0
    if chart_type.startswith("stacked") and series:
        peak = max(peak, max(sum(vals) for vals in zip(*(s.values for s in series))))
    return peak


def value_axis(chart_type: str, series, lo: float | None, hi: float | None) -> tuple[float, float, float]:
    """The value axis of a bar or column chart: (min, max, major unit), the same in the PDF and
    the PPTX. A given max is kept; otherwise the max is the highest value, CI bound or stack,
    with room for its label, rounded up to a major unit of 1, 2, 2.5 or 5 times a power of
    ten that gives four to six steps."""
    lo = 0.0 if lo is None else float(lo)
    top = float(hi) if hi is not None else max(_peak(chart_type, series) * HEADROOM, lo + 1e-9)
    span = max(top - lo, 1e-9)
    power = 10.0 ** math.floor(math.log10(span / 5))
    step = next(n * power for n in NICE if span / (n * power) <= 6)
    step = float(round(step, 10))
    if hi is None:
        top = lo + math.ceil(round((top - lo) / step, 9)) * step
    return lo, float(round(top, 10)), step


def _axis_ticks(lo: float, hi: float, step: float) -> list[float]:
    n = int(math.floor((hi - lo) / step + 1e-9))
    return [round(lo + i * step, 10) for i in range(n + 1)]


def _places(step: float) -> int:
    """The decimals a major unit needs: 10 -> 0, 2.5 -> 1, 0.25 -> 2."""
    for d in range(0, 7):
        if abs(round(step, d) - step) < 1e-9:
            return d
    return 6


def axis_format(ticks) -> str:
    """The Excel number format of a PPTX axis whose ticks are ``ticks`` ((value, label) pairs,
    ascending): labels that read the same on any viewer's system. Whole numbers under 1000 print
    as '0' does everywhere; other ticks (0,25 or 1 000, whose decimal and group signs an Excel
    format takes from the viewer's system) print as literal text, each in a conditional section
    of its own, which Excel allows for two ticks at the bottom or the top of the axis; the
    conditions compare with the midpoint to the next tick (a log axis computes its ticks with
    rounding errors). Otherwise the format falls back to the decimals the ticks need."""
    ticks = sorted(ticks)
    odd = [i for i, (v, label) in enumerate(ticks) if not (float(v).is_integer() and label == str(int(v)))]
    if not odd:
        return "0"
    n = len(ticks)
    if len(odd) <= 2 and n > len(odd):
        bottom, top = odd == list(range(len(odd))), odd == list(range(n - len(odd), n))
        if bottom or top:
            order = odd if bottom else list(reversed(odd))
            sections = []
            for i in order:
                edge = (ticks[i][0] + ticks[i + 1 if bottom else i - 1][0]) / 2
                sections.append(f'[{"<" if bottom else ">"}{edge:g}]"' + ticks[i][1].replace('"', "") + '"')
            if len(sections) == 1:  # Excel's second section needs a condition of its own
                sections.append(f'[{">=" if bottom else "<="}{(ticks[odd[0] + 1 if bottom else odd[0] - 1][0] + ticks[odd[0]][0]) / 2:g}]0')
            else:
                sections.append("0")
            return ";".join(sections)
    places = max(_places(v) for v, _ in ticks)
    return "0" + ("." + "0" * places if places else "")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _alt_text(title: str, cats, series, spoken) -> str:
    parts = []
    for s, labels in zip(series, spoken):
        vals = ", ".join(f"{c} {label}" for c, label in zip(cats, labels))
        parts.append(f"{s.name}: {vals}")
    return f"{title}. " + "; ".join(parts) + "."


STACKED_GAP, CLUSTERED_GAP = 0.6, 0.4  # between categories, a share of one bar's width


def bar_labels(kind: str, error_bars: bool) -> dict:
    """The gap between a bar chart's categories and where its data labels stand, in which
    colour: in the middle of a stacked segment and inside the base of a bar with error bars
    (clear of them) in the colour on the bars, else past the bar's end in the text colour."""
    stacked = kind.startswith("stacked")
    inside = stacked or error_bars
    return dict(gap=STACKED_GAP if stacked else CLUSTERED_GAP,
                label_place="centre" if stacked else "base" if error_bars else "end",
                label_colour="on_primary" if inside else "text")

