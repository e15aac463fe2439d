"""Native, editable PowerPoint charts for Kaplan-Meier curves and forest plots: XY scatter
charts whose plot area is pinned (manual layout) where compose put the axes, so that the
number-at-risk table and the forest columns, drawn as native text boxes, line up."""
from __future__ import annotations

from posterdeck.pagemodel.charts import CENSOR_MARK, CI_WIDTH, CURVE_WIDTH, ESTIMATE_MARK, GUIDE_WIDTH
from posterdeck.render.pptx.charts import xml


def _xy_chart(slide, box, data, doc, emu, rgb):
    """A native XY chart in the box: theme font, alt text, the plot area where compose put it."""
    from pptx.enum.chart import XL_CHART_TYPE

    frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS, emu(box.x), emu(box.y),
                                   emu(box.w), emu(box.h), data)
    frame.name = box.name or "chart"
    xml.alt_text(frame, box.chart.alt_text)
    _common(frame.chart, doc, box, rgb)
    return frame


def finish(frame, doc) -> None:
    """What every chart part needs last: positive axis ids, the target's language."""
    xml.positive_axis_ids(frame.chart._chartSpace)
    xml.language(frame.chart._chartSpace, doc.language)


def _common(ch, doc, box, rgb):
    from pptx.util import Pt

    ch.font.size = Pt(box.label_size or box.font_size)
    ch.font.name = doc.font_name
    ch.font.color.rgb = rgb(doc, "text")
    ch.has_title = False
    left, top, pw, ph = box.plot
    xml.plot_area(ch, left / box.w, top / box.h, pw / box.w, ph / box.h)


def _tick_format(axis, number_format: str) -> None:
    """The tick labels' format resolve chose: the same text on every viewer's system."""
    axis.tick_labels.number_format = number_format
    axis.tick_labels.number_format_is_linked = False


def _axis_title(axis, text, lines, size):
    """The axis title in compose's ``lines`` (line breaks between them), as matplotlib draws it."""
    from pptx.util import Pt

    from posterdeck.render.pptx.charts.bars import lines as write_lines

    if not text:
        return
    axis.has_title = True
    write_lines(axis.axis_title.text_frame, lines or (text,), Pt(size), bold=False)


def kaplan_meier(slide, box, doc, emu, rgb):
    from posterdeck.render.pptx.charts.workbook import XyData as XyChartData
    from pptx.enum.chart import XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    c = box.chart
    series_points = []  # (kind, curve, name, points)
    for cv in c.curves:
        series_points.append(("curve", cv, cv.name, _step_points(cv.steps, c.x_max)))
    for cv in c.curves:
        pts = [(t, cv.steps.at(t) * 100) for t in cv.steps.censor_time if t <= c.x_max]
        series_points.append(("censor", cv, f"{cv.name} (censored)", pts))
    if c.medians:
        for cv in c.curves:
            m = cv.steps.median
            if m is not None and m <= c.x_max:
                series_points.append(("median", cv, f"{cv.name} (median)", [(0, 50), (m, 50), (m, 0)]))
    # LibreOffice drops the first line series when a later one has more points: longest first
    order = {"curve": 0, "censor": 1, "median": 2}
    series_points.sort(key=lambda sp: (order[sp[0]], -len(sp[3])))
    data = XyChartData()
    kinds = []
    for kind, cv, name, pts in series_points:
        s = data.add_series(name)
        for x, y in pts:
            s.add_data_point(round(x, 10), round(y, 10))  # no float noise in the workbook
        kinds.append((kind, cv))
    frame = _xy_chart(slide, box, data, doc, emu, rgb)
    ch = frame.chart
    for (kind, cv), series in zip(kinds, ch.plots[0].series):
        series.smooth = False
        line = series.format.line
        if kind == "curve":
            line.color.rgb = rgb(doc, cv.color)
            line.width = Pt(CURVE_WIDTH)
            series.marker.style = XL_MARKER_STYLE.NONE
        elif kind == "censor":
            line.fill.background()
            series.marker.style = XL_MARKER_STYLE.PLUS
            series.marker.size = int(CENSOR_MARK)
            series.marker.format.line.color.rgb = rgb(doc, cv.color)
            series.marker.format.fill.background()
        else:
            line.color.rgb = rgb(doc, "grey")
            line.width = Pt(GUIDE_WIDTH)
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
            series.marker.style = XL_MARKER_STYLE.NONE
    x_axis, y_axis = ch.category_axis, ch.value_axis
    x_axis.minimum_scale, x_axis.maximum_scale = 0, c.x_max
    x_axis.major_unit = c.ticks[1] - c.ticks[0] if len(c.ticks) > 1 else c.x_max
    _tick_format(x_axis, c.tick_format)
    y_axis.minimum_scale, y_axis.maximum_scale, y_axis.major_unit = 0, 100, 20
    y_axis.has_major_gridlines = False
    x_axis.has_major_gridlines = False
    _axis_title(x_axis, c.time_title, c.time_title_lines, box.font_size)
    _axis_title(y_axis, c.value_title, c.value_title_lines, box.font_size)
    ch.has_legend = c.legend and len(c.curves) > 1
    if ch.has_legend:
        ch.legend.position = XL_LEGEND_POSITION.TOP
        ch.legend.include_in_layout = False
        xml.legend_only(ch, len(c.curves), len(kinds))
    finish(frame, doc)
    return frame


def _step_points(st, x_max: float) -> list[tuple[float, float]]:
    """A step function as the corner points of its line, cut at x_max."""
    pts, prev = [], None
    for t, v in zip(st.time, st.survival):
        if t > x_max:
            break
        if prev is not None:
            pts.append((t, prev * 100))
        pts.append((t, v * 100))
        prev = v
    end = prev if prev is not None else 1.0
    if not pts or pts[-1][0] < x_max:
        pts.append((x_max, end * 100))
    return pts


def forest(slide, box, doc, emu, rgb):
    from posterdeck.render.pptx.charts.workbook import XyData as XyChartData
    from pptx.enum.chart import XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    c = box.chart
    n = len(c.rows)
    data = XyChartData()
    pts = data.add_series("estimate")
    for i, r in enumerate(c.rows):
        pts.add_data_point(r.value, n - i - 0.5)
    ref = data.add_series("no effect")
    ref.add_data_point(c.reference, 0)
    ref.add_data_point(c.reference, n)
    for i, r in enumerate(c.rows):  # each CI its own two-point line: drawn the same by every reader
        ci = data.add_series(f"95% CI: {r.label}")
        ci.add_data_point(r.ci[0], n - i - 0.5)
        ci.add_data_point(r.ci[1], n - i - 0.5)
    frame = _xy_chart(slide, box, data, doc, emu, rgb)
    ch = frame.chart
    ch.has_legend = False
    est, line, *cis = ch.plots[0].series
    for ci in cis:
        ci.smooth = False
        ci.marker.style = XL_MARKER_STYLE.NONE
        ci.format.line.color.rgb = rgb(doc, "text")
        ci.format.line.width = Pt(CI_WIDTH)
    est.format.line.fill.background()
    est.marker.style = XL_MARKER_STYLE.SQUARE
    est.marker.size = int(ESTIMATE_MARK)
    est.marker.format.fill.solid()
    est.marker.format.fill.fore_color.rgb = rgb(doc, c.color)
    est.marker.format.line.color.rgb = rgb(doc, c.color)
    for i, r in enumerate(c.rows):
        if r.level == 0:
            mark = est.points[i].marker
            mark.style, mark.size = XL_MARKER_STYLE.DIAMOND, int(ESTIMATE_MARK) + 1
            mark.format.fill.solid()
            mark.format.fill.fore_color.rgb = rgb(doc, c.color)
            mark.format.line.color.rgb = rgb(doc, c.color)
    line.smooth = False
    line.marker.style = XL_MARKER_STYLE.NONE
    line.format.line.color.rgb = rgb(doc, "grey")
    line.format.line.width = Pt(GUIDE_WIDTH)
    line.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    x_axis, y_axis = ch.category_axis, ch.value_axis
    x_axis.minimum_scale, x_axis.maximum_scale = c.x_min, c.x_max
    xml.log_scale(x_axis, 2)
    x_axis.major_unit = 2  # one tick per power of two
    _tick_format(x_axis, c.tick_format)
    x_axis.has_major_gridlines = False
    y_axis.minimum_scale, y_axis.maximum_scale = 0, n
    y_axis.visible = False
    y_axis.has_major_gridlines = False
    _axis_title(x_axis, c.x_title, c.x_title_lines, box.font_size)
    finish(frame, doc)
    return frame
