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
from posterdeck.resolve.values import ValueError_, chart_value

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
        series = []
        for s_i, s in enumerate(spec.series):
            if len(s.values) != len(spec.categories):
                self.err(base + ("series", s_i, "values"),
                         f"chart {cid}: series {s.name!r} has {len(s.values)} values for {len(spec.categories)} categories")
            if s.color not in self.model.theme.colours:
                self.err(base + ("series", s_i, "color"), f"chart {cid}: colour {s.color!r} is not in the theme",
                         suggest(s.color, self.model.theme.colours) or f"use one of {', '.join(self.model.theme.colours)}")
            vals, cis = [], []
            for v_i, p in enumerate(s.values):
                try:
                    v, ci = chart_value(p, self.model.leaves, self.decimals)
                except ValueError_ as exc:
                    self.err(base + ("series", s_i, "values", v_i), str(exc),
                             suggest(p, self.model.leaves) or "see study.yaml for the paths")
                    v, ci = 0.0, None
                vals.append(v)
                cis.append(ci)
            labels = tuple(self.target.formats.percent(v, self.decimals) for v in vals)
            series.append(RSeries(self.plain(s.name, base + ("series", s_i, "name")), s.color, tuple(vals),
                                  tuple(cis), labels))
        cats = tuple(self.plain(c, base + ("categories", i)) for i, c in enumerate(spec.categories))
        f = self.target.formats
        alt = spec.alt_text or _alt_text(self.plain(spec.title, base) or cid, cats, series, f, self.decimals)
        return RChart(id=cid, type=spec.type, title=self.plain(spec.title, base + ("title",)), categories=cats,
                      series=tuple(series), value_title=self.plain(spec.value_axis.title, base + ("value_axis",)),
                      category_title=self.plain(spec.category_axis.title, base + ("category_axis",)),
                      value_min=spec.value_axis.min, value_max=spec.value_axis.max, data_labels=spec.data_labels,
                      error_bars=spec.error_bars, legend=spec.legend, aspect=spec.aspect, alt_text=alt,
                      number_format="0" + ("." + "0" * self.decimals if self.decimals else ""),
                      decimal_comma=f.decimal_comma,
                      paths=tuple(p for s_ in spec.series for p in s_.values))

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
            self.colour(c.color, base + ("curves", i, "color"))
            data = self.model.study.curves.get(c.data)
            if data is None:
                self.err(base + ("curves", i, "data"), f"chart {cid}: no curve {c.data!r} in study.curves",
                         suggest(c.data, self.model.study.curves) or "add it under curves: in study.yaml")
                continue
            try:
                x_max = spec.time_axis.max or max(_curve_times(data, self.model.folder) or [spec.time_step])
                ticks = _ticks(x_max, spec.time_step)
                if data.patients is not None and not self.estimate_curves:
                    # checking, not drawing: the file was read above; skip lifelines (slow to import)

                    steps = Steps((0.0,), (1.0,), (), tuple((t, 0) for t in ticks), None)
                else:
                    steps = steps_of(data, self.model.folder, ticks)
            except SurvivalError as exc:
                self.err(base + ("curves", i, "data"), f"chart {cid}: {exc}", exc.hint)
                continue
            if spec.at_risk and data.patients is None:
                missing = [t for t in ticks if steps.at_risk_at(t) is None]
                if missing:
                    self.err(base + ("curves", i, "data"),
                             f"chart {cid}: curve {c.data} has no at-risk count at time(s) {missing}",
                             "add them to at_risk in study.yaml, or change time_step / time_axis.max")
            curves.append(RCurve(self.plain(c.name, base + ("curves", i, "name")), c.color, steps))
        x_max = spec.time_axis.max or max((c.steps.time[-1] for c in curves), default=spec.time_step)
        ticks = _ticks(x_max, spec.time_step)
        curves = [RCurve(c.name, c.color, c.steps, tuple(
            f.number(n, 0) if (n := c.steps.at_risk_at(t)) is not None else "" for t in ticks)) for c in curves]
        title = self.plain(spec.title, base + ("title",))
        alt = spec.alt_text or (f"{title or 'Kaplan-Meier curves'}. " + "; ".join(
            f"{c.name}: median {f.number(c.steps.median, 1) if c.steps.median is not None else 'not reached'}"
            for c in curves) + ".")
        return RKaplanMeier(id=cid, title=title, curves=tuple(curves), x_max=x_max,
                            ticks=tuple(_ticks(x_max, spec.time_step)),
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
        title = self.plain(spec.title, base + ("title",))
        alt = spec.alt_text or (f"{title or 'Forest plot'}. " + "; ".join(f"{r.label}: {r.text}" for r in rows) + ".")
        cols = spec.columns
        return RForest(id=cid, title=title, rows=tuple(rows), reference=spec.reference, x_min=lo, x_max=hi, x_title=self.plain(spec.x_axis.title, base + ("x_axis",)),
                       favours=tuple(self.plain(x, base + ("favours",)) for x in spec.favours) if spec.favours else None,
                       columns=(self.plain(cols.label, base), self.plain(cols.n, base), self.plain(cols.estimate, base)),
                       color=spec.color, aspect=spec.aspect, alt_text=alt, decimal_comma=f.decimal_comma,
                       paths=tuple(r.data for r in spec.rows))


def _curve_times(data, folder) -> list[float]:
    """Follow-up times of a curve, whether delivered as steps, listed, or in a patient file."""
    if data.patients is None:
        return list(data.time)
    from posterdeck.resolve.survival import _patients

    return _patients(data, folder)[0]


def _ticks(x_max: float, step: float) -> list[float]:
    n = int(x_max / step + 1e-9)
    return [round(i * step, 6) for i in range(n + 1)]


def _alt_text(title: str, cats, series, f, decimals) -> str:
    parts = []
    for s in series:
        vals = ", ".join(f"{c} {f.percent(v, decimals)}" for c, v in zip(cats, s.values))
        parts.append(f"{s.name}: {vals}")
    return f"{title}. " + "; ".join(parts) + "."


