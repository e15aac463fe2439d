"""A resolved chart -> a native, editable PowerPoint chart (python-pptx chart part with its
embedded workbook). Colours and fonts follow the theme; CI error bars go in through the chart XML."""
from __future__ import annotations

from posterdeck.charts import pptx_xml


def add_chart(slide, box, doc, emu, rgb):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Pt

    chart = box.chart
    if chart.type in ("kaplan_meier", "forest"):
        from posterdeck.charts import pptx_survival

        return getattr(pptx_survival, chart.type)(slide, box, doc, emu, rgb)
    kinds = {"clustered_column": XL_CHART_TYPE.COLUMN_CLUSTERED, "stacked_column": XL_CHART_TYPE.COLUMN_STACKED,
             "clustered_bar": XL_CHART_TYPE.BAR_CLUSTERED, "stacked_bar": XL_CHART_TYPE.BAR_STACKED}
    data = CategoryChartData(number_format=chart.value_format)
    data.categories = list(chart.categories)
    for s in chart.series:
        data.add_series(s.name, list(s.values))
    frame = slide.shapes.add_chart(kinds[chart.type], emu(box.x), emu(box.y), emu(box.w), emu(box.h), data)
    frame.name = box.name or "chart"
    pptx_xml.alt_text(frame, chart.alt_text)
    ch = frame.chart
    size = Pt(box.font_size)
    ch.font.size = size
    ch.font.name = doc.font_name
    ch.font.color.rgb = rgb(doc, "text")
    stacked = chart.type.startswith("stacked")
    plot = ch.plots[0]
    plot.gap_width = 60 if stacked else 40
    if stacked:
        plot.overlap = 100
    for s, series in zip(chart.series, plot.series):
        fill = series.format.fill
        fill.solid()
        fill.fore_color.rgb = rgb(doc, s.color)
        series.invert_if_negative = False
        if chart.error_bars and any(s.cis):
            plus = [(c[1] - v) if c else 0 for v, c in zip(s.values, s.cis)]
            minus = [(v - c[0]) if c else 0 for v, c in zip(s.values, s.cis)]
            pptx_xml.error_bars(series, plus, minus, str(rgb(doc, "text")), "bar" in chart.type)
    if chart.data_labels:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = chart.number_format  # decided in resolve, with the unit's sign if any
        labels.number_format_is_linked = False
        labels.font.size = Pt(box.font_size * 0.9)
        labels.font.color.rgb = rgb(doc, "on_primary") if stacked or chart.error_bars else rgb(doc, "text")
        labels.position = XL_LABEL_POSITION.CENTER if stacked else (
            XL_LABEL_POSITION.INSIDE_BASE if chart.error_bars else XL_LABEL_POSITION.OUTSIDE_END)
        for s, series in zip(chart.series, plot.series):  # a value published with other decimals
            for i, fmt in enumerate(s.number_formats):
                if fmt != chart.number_format:
                    pptx_xml.point_number_format(series, i, fmt, labels._element)
    ch.has_legend = chart.legend and len(chart.series) > 1
    if ch.has_legend:
        ch.legend.position = XL_LEGEND_POSITION.TOP
        ch.legend.include_in_layout = False
        ch.legend.font.size = Pt(box.font_size * 0.9)
    value_axis = ch.value_axis
    value_axis.has_major_gridlines = False
    if chart.value_max is not None:
        value_axis.maximum_scale = chart.value_max
    value_axis.minimum_scale = chart.value_min or 0
    value_axis.tick_labels.font.size = Pt(box.font_size * 0.9)
    ch.category_axis.tick_labels.font.size = Pt(box.font_size * 0.9)
    if chart.value_title:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = chart.value_title
        run = value_axis.axis_title.text_frame.paragraphs[0].runs[0]
        run.font.size = size
        run.font.bold = False
    if chart.title:
        ch.has_title = True
        ch.chart_title.text_frame.text = chart.title
        ch.chart_title.text_frame.paragraphs[0].runs[0].font.size = size
    else:
        ch.has_title = False
    return frame
