"""The DrawingML that python-pptx has no API for, kept in one place: bullets, baseline shift,
plain table styling and cell rules."""
from __future__ import annotations

from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement


def _pPr(paragraph):
    return paragraph._p.get_or_add_pPr()


def bullet(paragraph, char: str, indent_emu: int, hang_emu: int) -> None:
    pPr = _pPr(paragraph)
    pPr.set("marL", str(indent_emu))
    pPr.set("indent", str(-hang_emu))
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        for el in pPr.findall(qn(tag)):
            pPr.remove(el)
    bu = OxmlElement("a:buChar")
    bu.set("char", char)
    pPr.append(bu)


def no_bullet(paragraph) -> None:
    pPr = _pPr(paragraph)
    pPr.set("marL", "0")
    pPr.set("indent", "0")
    if pPr.find(qn("a:buNone")) is None:
        pPr.append(OxmlElement("a:buNone"))


def baseline(run, value: int) -> None:
    run._r.get_or_add_rPr().set("baseline", str(value))


def plain_table(table) -> None:
    """No banding or theme style: the cells carry their own fills."""
    tblPr = table._tbl.tblPr
    for attr in ("firstRow", "bandRow", "firstCol", "lastRow", "lastCol", "bandCol"):
        tblPr.set(attr, "0")
    style = tblPr.find(qn("a:tableStyleId"))
    if style is None:
        style = OxmlElement("a:tableStyleId")
        tblPr.append(style)
    style.text = "{5940675A-B579-460E-94D1-54222C63F5DA}"  # "No Style, Table Grid"


def cell_rule(cell, rgb, width_emu: int) -> None:
    """A thin rule under the cell, none on the other sides."""
    tcPr = cell._tc.get_or_add_tcPr()
    for tag in ("a:lnL", "a:lnR", "a:lnT", "a:lnB"):
        for el in tcPr.findall(qn(tag)):
            tcPr.remove(el)
    for tag in ("a:lnL", "a:lnR", "a:lnT", "a:lnB"):
        ln = OxmlElement(tag)
        if tag == "a:lnB":
            ln.set("w", str(width_emu))
            fill = OxmlElement("a:solidFill")
            clr = OxmlElement("a:srgbClr")
            clr.set("val", str(rgb))
            fill.append(clr)
            ln.append(fill)
        else:
            ln.set("w", "0")
            ln.append(OxmlElement("a:noFill"))
        # borders must precede the fill elements in tcPr
        tcPr.insert(len([e for e in tcPr if e.tag in {qn("a:lnL"), qn("a:lnR"), qn("a:lnT"), qn("a:lnB")}]), ln)
