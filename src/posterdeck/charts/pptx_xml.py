"""Chart XML that python-pptx has no API for: custom error bars and alt text."""
from __future__ import annotations

from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement


def _el(tag: str, **attrs):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(k, str(v))
    return el


def _num_lit(values) -> object:
    lit = _el("c:numLit")
    fmt = _el("c:formatCode")
    fmt.text = "General"
    lit.append(fmt)
    lit.append(_el("c:ptCount", val=len(values)))
    for i, v in enumerate(values):
        pt = _el("c:pt", idx=i)
        val = _el("c:v")
        val.text = repr(float(v))
        pt.append(val)
        lit.append(pt)
    return lit


def error_bars(series, plus, minus, rgb_hex: str, horizontal: bool, end_caps: bool = True) -> None:
    """Custom plus/minus error bars (a 95% CI around each value) on a bar or scatter series."""
    ser = series._element
    bars = _el("c:errBars")
    bars.append(_el("c:errDir", val="x" if horizontal else "y"))
    bars.append(_el("c:errBarType", val="both"))
    bars.append(_el("c:errValType", val="cust"))
    bars.append(_el("c:noEndCap", val=0 if end_caps else 1))
    p = _el("c:plus")
    p.append(_num_lit(plus))
    m = _el("c:minus")
    m.append(_num_lit(minus))
    bars.append(p)
    bars.append(m)
    sp = _el("c:spPr")
    ln = _el("a:ln", w=9525)
    fill = _el("a:solidFill")
    fill.append(_el("a:srgbClr", val=rgb_hex))
    ln.append(fill)
    sp.append(ln)
    bars.append(sp)
    # errBars goes after dLbls/trendline and before cat/val (bar) or xVal/yVal (scatter)
    for tag in ("c:cat", "c:val", "c:xVal", "c:yVal"):
        anchor = ser.find(qn(tag))
        if anchor is not None:
            anchor.addprevious(bars)
            return


def alt_text(graphic_frame, text: str) -> None:
    """The description screen readers read (File > Alt Text in PowerPoint)."""
    cNvPr = graphic_frame._element.find(".//" + qn("p:cNvPr"))
    if cNvPr is not None:
        cNvPr.set("descr", text)


def plot_area(chart, x: float, y: float, w: float, h: float) -> None:
    """Pin the inner plot area (fractions of the chart frame), as compose laid it out."""
    plot_area = chart._chartSpace.chart.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = _el("c:layout")
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = _el("c:manualLayout")
    manual.append(_el("c:layoutTarget", val="inner"))
    manual.append(_el("c:xMode", val="edge"))
    manual.append(_el("c:yMode", val="edge"))
    for tag, v in (("c:x", x), ("c:y", y), ("c:w", w), ("c:h", h)):
        manual.append(_el(tag, val=f"{v:.5f}"))
    layout.append(manual)


def log_scale(axis, base: int) -> None:
    scaling = axis._element.find(qn("c:scaling"))
    for el in scaling.findall(qn("c:logBase")):
        scaling.remove(el)
    scaling.insert(0, _el("c:logBase", val=base))


def legend_only(chart, keep: int, total: int) -> None:
    """Show the first ``keep`` series in the legend; hide censor and median helper series."""
    legend = chart._chartSpace.chart.find(qn("c:legend"))
    pos = legend.find(qn("c:legendPos"))
    for idx in reversed(range(keep, total)):
        entry = _el("c:legendEntry")
        entry.append(_el("c:idx", val=idx))
        entry.append(_el("c:delete", val=1))
        pos.addnext(entry)


def point_number_format(series, index: int, number_format: str, plot_labels) -> None:
    """One data label with its own number format (a value published with other decimals than
    the rest), otherwise as the plot's labels: their text properties, position and flags."""
    import copy

    dlbl = series.points[index].data_label._get_or_add_dLbl()
    for old in dlbl.findall(qn("c:numFmt")):
        dlbl.remove(old)
    dlbl.find(qn("c:idx")).addnext(_el("c:numFmt", formatCode=number_format, sourceLinked=0))
    for tag in ("c:txPr", "c:dLblPos"):
        source = plot_labels.find(qn(tag))
        if source is not None:
            old = dlbl.find(qn(tag))
            if old is not None:
                old.addprevious(copy.deepcopy(source))
                dlbl.remove(old)
            elif tag == "c:dLblPos":
                dlbl.find(qn("c:showLegendKey")).addprevious(copy.deepcopy(source))
