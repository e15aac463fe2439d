"""Chart XML that python-pptx has no API for: error bars and data labels that reference the
embedded workbook's cells, language tags, positive axis ids, alt text, pinned plot areas."""
from __future__ import annotations

from pptx.oxml.ns import qn

from posterdeck.pagemodel.charts import CI_WIDTH
from posterdeck.render.pptx.units import emu
from pptx.oxml.xmlchemy import OxmlElement


def _el(tag: str, **attrs):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(k, str(v))
    return el


C15 = "http://schemas.microsoft.com/office/drawing/2012/chart"
DLBLS_EXT = "{CE6537A1-D6FC-4f65-9D91-7224C49458BB}"  # c15 flags of data labels
SER_EXT = "{02D57815-91ED-43cb-92C2-25804820EDAC}"  # c15 data of a series: its label range


def number(value: float, decimals: int) -> str:
    """A value as the chart XML and workbook hold it: rounded to its decimals, no float noise."""
    text = f"{round(float(value), decimals):.{decimals}f}"
    return "0" if text in ("-0", "") or float(text) == 0 else text


def _cache(tag: str, texts, format_code: str | None = None):
    cache = _el(tag)
    if format_code is not None:
        fmt = _el("c:formatCode")
        fmt.text = format_code
        cache.append(fmt)
    return _points(cache, texts)


def _points(cache, texts):
    """``cache`` (a chart cache element) holding the count and one point per text."""
    cache.append(_el("c:ptCount", val=len(texts)))
    for i, text in enumerate(texts):
        pt = _el("c:pt", idx=i)
        v = _el("c:v")
        v.text = text
        pt.append(v)
        cache.append(pt)
    return cache


def num_ref(ref: str, texts, format_code: str = "General"):
    """A c:numRef: the sheet range and the values it held when written (texts, as number())."""
    el = _el("c:numRef")
    f = _el("c:f")
    f.text = ref
    el.append(f)
    el.append(_cache("c:numCache", texts, format_code))
    return el


def error_bars(series, plus_ref: str, plus, minus_ref: str, minus, format_code: str, rgb_hex: str,
               horizontal: bool, end_caps: bool = True) -> None:
    """Custom plus/minus error bars (a 95% CI around each value) taken from workbook cells: the
    plus and minus distances (texts, rounded) at the sheet ranges plus_ref and minus_ref."""
    ser = series._element
    for old in ser.findall(qn("c:errBars")):
        ser.remove(old)
    bars = _el("c:errBars")
    bars.append(_el("c:errDir", val="x" if horizontal else "y"))
    bars.append(_el("c:errBarType", val="both"))
    bars.append(_el("c:errValType", val="cust"))
    bars.append(_el("c:noEndCap", val=0 if end_caps else 1))
    p = _el("c:plus")
    p.append(num_ref(plus_ref, plus, format_code))
    m = _el("c:minus")
    m.append(num_ref(minus_ref, minus, format_code))
    bars.append(p)
    bars.append(m)
    sp = _el("c:spPr")
    ln = _el("a:ln", w=emu(CI_WIDTH))
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


def _run_props(tag: str, lang: str, size_pt: float, rgb_hex: str | None):
    rpr = _el(tag, lang=lang, sz=int(round(size_pt * 100)))
    if rgb_hex:
        fill = _el("a:solidFill")
        fill.append(_el("a:srgbClr", val=rgb_hex))
        rpr.append(fill)
    return rpr


def cell_labels(series, ref: str, texts, lang: str, size_pt: float, rgb_hex: str, position: str | None) -> None:
    """Data labels that show the text of workbook cells (PowerPoint 2013's "Value From Cells"):
    each label a CELLRANGE field holding its text as the target prints it (40,5 %), the range
    and its cache in the series' c15:datalabelsRange. A viewer without that extension shows the
    field's text, which is the same."""
    ser = series._element
    for old in ser.findall(qn("c:dLbls")):
        ser.remove(old)
    dlbls = _el("c:dLbls")

    def flags(parent, ext_children) -> None:
        if position:
            parent.append(_el("c:dLblPos", val=position))
        for tag in ("showLegendKey", "showVal", "showCatName", "showSerName", "showPercent", "showBubbleSize"):
            parent.append(_el(f"c:{tag}", val=0))
        ext_list = _el("c:extLst")
        ext = _el("c:ext", uri=DLBLS_EXT)
        for child in ext_children:
            ext.append(child)
        ext_list.append(ext)
        parent.append(ext_list)

    for i, text in enumerate(texts):
        dlbl = _el("c:dLbl")
        dlbl.append(_el("c:idx", val=i))
        tx, rich = _el("c:tx"), _el("c:rich")
        rich.append(_el("a:bodyPr"))
        rich.append(_el("a:lstStyle"))
        p = _el("a:p")
        fld = _el("a:fld", id="{%08X-0000-4000-8000-%012X}" % (series.index, i), type="CELLRANGE")
        fld.append(_run_props("a:rPr", lang, size_pt, rgb_hex))
        fld.append(_el("a:pPr"))
        t = _el("a:t")
        t.text = text
        fld.append(t)
        p.append(fld)
        p.append(_run_props("a:endParaRPr", lang, size_pt, rgb_hex))
        rich.append(p)
        tx.append(rich)
        dlbl.append(tx)
        flags(dlbl, [_c15("showDataLabelsRange", val=1)])
        dlbls.append(dlbl)
    txpr = _el("c:txPr")
    txpr.append(_el("a:bodyPr"))
    txpr.append(_el("a:lstStyle"))
    p, ppr = _el("a:p"), _el("a:pPr")
    ppr.append(_run_props("a:defRPr", lang, size_pt, rgb_hex))
    p.append(ppr)
    p.append(_el("a:endParaRPr", lang=lang))
    txpr.append(p)
    dlbls.append(txpr)
    flags(dlbls, [_c15("showDataLabelsRange", val=1)])  # ISO 29500 allows one element per c:ext
    anchor = next((ser.find(qn(t)) for t in ("c:trendline", "c:errBars", "c:cat", "c:val")
                   if ser.find(qn(t)) is not None), None)
    anchor.addprevious(dlbls)
    # the range itself, in the series' own extension list (the last child of c:ser)
    for old in ser.findall(qn("c:extLst")):
        ser.remove(old)
    rng = _c15("datalabelsRange")
    f = _c15("f")
    f.text = ref
    rng.append(f)
    rng.append(_points(_c15("dlblRangeCache"), texts))
    ext_list, ext = _el("c:extLst"), _el("c:ext", uri=SER_EXT)
    ext.append(rng)
    ext_list.append(ext)
    ser.append(ext_list)


def move_label(series, index: int, dx: float, dy: float, rgb_hex: str) -> None:
    """Move data label ``index`` of ``series`` by (dx, dy), fractions of the chart's size, from
    where its position puts it, and colour its text ``rgb_hex``."""
    for dlbl in series._element.find(qn("c:dLbls")).findall(qn("c:dLbl")):
        if dlbl.find(qn("c:idx")).get("val") != str(index):
            continue
        layout, manual = _el("c:layout"), _el("c:manualLayout")
        manual.append(_el("c:x", val=f"{dx:.5f}"))
        manual.append(_el("c:y", val=f"{dy:.5f}"))
        layout.append(manual)
        dlbl.find(qn("c:idx")).addnext(layout)  # c:layout comes right after c:idx
        for clr in dlbl.iter(qn("a:srgbClr")):
            clr.set("val", rgb_hex)
    # no leader line from the segment to its moved label (LibreOffice draws one by default)
    ext_list = series._element.find(qn("c:dLbls") + "/" + qn("c:extLst"))
    if ext_list is not None and ext_list.find(f".//{{{C15}}}showLeaderLines") is None:
        ext = _el("c:ext", uri=DLBLS_EXT)  # its own: ISO 29500 allows one element per c:ext
        ext.append(_c15("showLeaderLines", val=0))
        ext_list.append(ext)


def _c15(tag: str, **attrs):
    from pptx.oxml import oxml_parser

    el = oxml_parser.makeelement(f"{{{C15}}}{tag}", nsmap={"c15": C15})
    for k, v in attrs.items():
        el.set(k, str(v))
    return el


def language(chart_space, lang: str) -> None:
    """The chart's language: c:lang, and lang on every run and default run property of its text."""
    lang_el = chart_space.find(qn("c:lang"))
    if lang_el is None:
        lang_el = _el("c:lang")
        date1904 = chart_space.find(qn("c:date1904"))
        if date1904 is not None:  # c:lang follows c:date1904
            date1904.addnext(lang_el)
        else:
            chart_space.insert(0, lang_el)
    lang_el.set("val", lang)
    for tag in ("a:rPr", "a:defRPr", "a:endParaRPr"):
        for el in chart_space.iter(qn(tag)):
            el.set("lang", lang)
    # a paragraph of chart text without run properties of its own reads the language from here
    for p in chart_space.iter(qn("a:p")):
        if p.find(qn("a:endParaRPr")) is None and p.find(qn("a:r")) is None and p.find(qn("a:fld")) is None:
            ppr = p.find(qn("a:pPr"))
            if ppr is not None and ppr.find(qn("a:defRPr")) is not None:
                continue
            p.append(_el("a:endParaRPr", lang=lang))


def positive_axis_ids(chart_space) -> None:
    """python-pptx's chart templates carry negative axis ids, which ISO 29500 (xs:unsignedInt)
    and so PowerPoint's stricter readers reject: number the axes 1, 2, ... instead."""
    ids: dict[str, str] = {}
    for tag in ("c:axId", "c:crossAx"):
        for el in chart_space.iter(qn(tag)):
            old = el.get("val")
            ids.setdefault(old, str(len(ids) + 1) if old not in ids else ids[old])
    for tag in ("c:axId", "c:crossAx"):
        for el in chart_space.iter(qn(tag)):
            el.set("val", ids[el.get("val")])


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


def crosses_at_max(axis) -> None:
    """Let ``axis`` cross its category axis at the last category (the bottom one of a horizontal
    bar chart whose categories run top-down)."""
    ax = axis._element
    for old in ax.findall(qn("c:crossesAt")) + ax.findall(qn("c:crosses")):
        ax.remove(old)
    ax.find(qn("c:crossAx")).addnext(_el("c:crosses", val="max"))
