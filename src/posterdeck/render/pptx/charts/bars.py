"""A bar or column chart of the page model -> a native, editable PowerPoint chart: its values,
labels and CIs in the embedded workbook (see workbook.py), error bars and data labels
referencing those cells, the value axis resolve decided, text in the target's language and at
the sizes compose decided."""
from __future__ import annotations

from posterdeck.render.pptx.charts import xml
from posterdeck.render.pptx.charts.workbook import CIChartData

POSITIONS = {"end": "outEnd", "centre": "ctr", "base": "inBase"}  # the page model's label places
KINDS = {"clustered_column": "COLUMN_CLUSTERED", "stacked_column": "COLUMN_STACKED",
         "clustered_bar": "BAR_CLUSTERED", "stacked_bar": "BAR_STACKED"}


def chart_data(chart) -> CIChartData:
    """The workbook data of an RChart: values, CIs, decimals and printed labels."""
    data = CIChartData(number_format=chart.value_format, decimal_mark="," if chart.decimal_comma else ".",
                       affixes=chart.affixes)
    data.categories = chart.category_labels()  # compose's lines, joined by line breaks PowerPoint keeps
    for s in chart.series:
        data.add_ci_series(s.name, s.values, s.cis if chart.error_bars else None,
                           s.decimals or None, s.labels)
    data.made_from = (type(chart).__module__, chart)  # the whole chart, every field: its workbook's cache key
    return data


def add_chart(slide, box, doc, emu, rgb):
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Pt

    chart = box.chart
    small = box.label_size or box.font_size
    data = chart_data(chart)
    frame = slide.shapes.add_chart(getattr(XL_CHART_TYPE, KINDS[chart.type]), emu(box.x), emu(box.y),
                                   emu(box.w), emu(box.h), data)
    frame.name = box.name or "chart"
    xml.alt_text(frame, chart.alt_text)
    ch = frame.chart
    size = Pt(box.font_size)
    ch.font.size = size
    ch.font.name = doc.font_name
    ch.font.color.rgb = rgb(doc, "text")
    stacked = chart.type.startswith("stacked")
    plot = ch.plots[0]
    plot.gap_width = round(chart.gap * 100)
    if stacked:
        plot.overlap = 100
    for s, series in zip(chart.series, plot.series):
        fill = series.format.fill
        fill.solid()
        fill.fore_color.rgb = rgb(doc, s.color)
        series.invert_if_negative = False
    refresh(ch, data, label_rgb=str(rgb(doc, chart.label_colour)), bar_rgb=str(rgb(doc, "text")), lang=doc.language,
            label_size=small if chart.data_labels else None, position=POSITIONS[chart.label_place])
    if chart.data_labels:  # the labels of thin segments beside their bar, in the text colour
        horizontal = chart.type.endswith("_bar")
        for s, series in zip(chart.series, plot.series):
            for i, shift in enumerate(s.beside):
                if shift:
                    xml.move_label(series, i, 0.0 if horizontal else shift / box.w, shift / box.h if horizontal else 0.0,
                                   str(rgb(doc, "text")))
    ch.has_legend = chart.legend and len(chart.series) > 1
    if ch.has_legend:
        ch.legend.position = XL_LEGEND_POSITION.TOP
        ch.legend.include_in_layout = False
        ch.legend.font.size = Pt(small)
    value_axis = ch.value_axis
    value_axis.has_major_gridlines = False
    value_axis.minimum_scale, value_axis.maximum_scale = chart.axis_min, chart.axis_max
    value_axis.major_unit = chart.major_unit
    value_axis.tick_labels.number_format = chart.tick_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.tick_labels.font.size = Pt(small)
    ch.category_axis.tick_labels.font.size = Pt(small)
    if chart.type.endswith("_bar"):  # the first category on top, as in the PDF; the value axis stays below
        ch.category_axis.reverse_order = True
        xml.crosses_at_max(value_axis)
    if chart.value_title:
        value_axis.has_title = True
        lines(value_axis.axis_title.text_frame, chart.value_title_lines or (chart.value_title,), size, bold=False)
    if chart.title:
        ch.has_title = True
        lines(ch.chart_title.text_frame, chart.title_lines or (chart.title,), size, bold=True)
    else:
        ch.has_title = False
    xml.positive_axis_ids(ch._chartSpace)
    xml.language(ch._chartSpace, doc.language)
    return frame


def lines(text_frame, texts, size, bold: bool) -> None:
    """``texts`` as the lines of one paragraph (line breaks between them: compose's lines, so
    that PowerPoint breaks a title where matplotlib does), every run at ``size``."""
    text_frame.text = "\v".join(texts)  # python-pptx writes a vertical tab as <a:br/>
    for run in text_frame.paragraphs[0].runs:
        run.font.size = size
        run.font.bold = bold


def refresh(ch, data: CIChartData, label_rgb: str, bar_rgb: str, lang: str, label_size: float | None,
            position: str | None) -> None:
    """Point each series' error bars and data labels at their workbook cells, with caches of
    what the cells hold."""
    horizontal = ch._chartSpace.find(".//" + xml.qn("c:barDir")).get("val") == "bar"
    for i, series in enumerate(ch.plots[0].series):
        extra, cols = data.extras[i], data.columns(i)
        decimals = extra["decimals"]
        if cols.plus is not None:
            values = list(data)[i].values
            plus = [xml.number(c[1] - v, d) if c else "0" for v, c, d in zip(values, extra["cis"], decimals)]
            minus = [xml.number(v - c[0], d) if c else "0" for v, c, d in zip(values, extra["cis"], decimals)]
            places = max(decimals, default=0)
            xml.error_bars(series, cols.plus, plus, cols.minus, minus, "0" + ("." + "0" * places if places else ""),
                           bar_rgb, horizontal)
        if label_size is not None:
            xml.cell_labels(series, cols.label, extra["labels"], lang, label_size, label_rgb, position)


def replace_data(chart, data: CIChartData) -> None:
    """Replace a posterdeck bar chart's values and CIs, as chart.replace_data() does for values
    alone: the workbook gets the new values, CIs and labels, and the error bars and data labels
    keep referencing their cells, with caches of the new numbers and texts."""
    chart.replace_data(data)
    ser = chart.plots[0].series[0]._element
    dlbl_rpr = ser.find(".//" + xml.qn("c:dLbls") + "//" + xml.qn("a:defRPr"))
    pos = ser.find(".//" + xml.qn("c:dLbls") + "/" + xml.qn("c:dLblPos"))
    bars = ser.find(".//" + xml.qn("c:errBars") + "//" + xml.qn("a:srgbClr"))
    colour = dlbl_rpr.find(".//" + xml.qn("a:srgbClr")) if dlbl_rpr is not None else None
    lang = chart._chartSpace.find(xml.qn("c:lang"))
    refresh(chart, data, label_rgb=colour.get("val") if colour is not None else "000000",
            bar_rgb=bars.get("val") if bars is not None else "000000",
            lang=lang.get("val") if lang is not None else "en-US",
            label_size=int(dlbl_rpr.get("sz")) / 100 if dlbl_rpr is not None else None,
            position=pos.get("val") if pos is not None else None)
    xml.language(chart._chartSpace, lang.get("val") if lang is not None else "en-US")
