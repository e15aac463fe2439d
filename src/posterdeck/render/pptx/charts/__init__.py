"""Native, editable PowerPoint charts: bar and column charts (bars.py) with their workbook
(workbook.py), Kaplan-Meier curves and forest plots (survival.py), and the chart XML python-pptx
has no API for (xml.py). Paint only: every size, range and text comes from the page model."""
from __future__ import annotations

from posterdeck.render.pptx.charts.bars import replace_data
from posterdeck.render.pptx.charts.workbook import CIChartData

__all__ = ["CIChartData", "add_chart", "replace_data"]


def add_chart(slide, box, doc, emu, rgb):
    """The page model's Chart ``box`` as a native chart on ``slide``."""
    if box.chart.type in ("kaplan_meier", "forest"):
        from posterdeck.render.pptx.charts import survival

        return getattr(survival, box.chart.type)(slide, box, doc, emu, rgb)
    from posterdeck.render.pptx.charts.bars import add_chart as bar_chart

    return bar_chart(slide, box, doc, emu, rgb)
