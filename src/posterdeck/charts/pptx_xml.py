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


def error_bars(series, plus, minus, rgb_hex: str, horizontal: bool) -> None:
    """Custom plus/minus error bars (a 95% CI around each value) on a bar series."""
    ser = series._element
    bars = _el("c:errBars")
    bars.append(_el("c:errDir", val="x" if horizontal else "y"))
    bars.append(_el("c:errBarType", val="both"))
    bars.append(_el("c:errValType", val="cust"))
    bars.append(_el("c:noEndCap", val=0))
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
    # errBars goes after dLbls/trendline and before cat/val in CT_BarSer
    anchor = ser.find(qn("c:cat"))
    if anchor is None:
        anchor = ser.find(qn("c:val"))
    anchor.addprevious(bars)


def alt_text(graphic_frame, text: str) -> None:
    """The description screen readers read (File > Alt Text in PowerPoint)."""
    cNvPr = graphic_frame._element.find(".//" + qn("p:cNvPr"))
    if cNvPr is not None:
        cNvPr.set("descr", text)
