"""The DrawingML that python-pptx has no API for, kept in one place: bullets, baseline shift,
plain table styling, cell rules, languages, header rows and decorative marks."""
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


def margin_right(paragraph, value_emu: int) -> None:
    _pPr(paragraph).set("marR", str(value_emu))


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


DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def decorative(shape) -> None:
    """Mark a shape decorative (screen readers skip it), as PowerPoint writes it: an a16
    extension in the shape's cNvPr."""
    from lxml import etree

    cNvPr = shape._element.find(".//" + qn("p:cNvPr"))
    ext_lst = cNvPr.find(qn("a:extLst"))
    if ext_lst is None:
        ext_lst = OxmlElement("a:extLst")
        cNvPr.append(ext_lst)
    ext = OxmlElement("a:ext")
    ext.set("uri", DECORATIVE_URI)
    mark = etree.SubElement(ext, f"{{{ADEC}}}decorative", nsmap={"adec": ADEC})
    mark.set("val", "1")
    ext_lst.append(ext)


def lang(rPr, tag: str) -> None:
    """The language of a run (spell-check, hyphenation, screen readers)."""
    rPr.set("lang", tag)


def end_lang(paragraph, tag: str, size_hundredths: int | None = None) -> None:
    """The paragraph mark's language (and size: an empty paragraph is as tall as its mark)."""
    end = paragraph._p.get_or_add_endParaRPr()
    end.set("lang", tag)
    if size_hundredths is not None:
        end.set("sz", str(size_hundredths))


def line_break(paragraph, tag: str, size_hundredths: int) -> None:
    """A line break in the paragraph, with the language and size of the text around it."""
    br = paragraph._p.add_br()
    rPr = OxmlElement("a:rPr")
    rPr.set("lang", tag)
    rPr.set("sz", str(size_hundredths))
    br.append(rPr)


def default_language(prs, tag: str) -> None:
    """Every default run property of the presentation's default text style and of each slide
    master's text styles says ``tag`` (new text typed into the deck gets the target's language)."""
    parts = [prs.part._element] + [m.part._element for m in prs.slide_masters]
    for root in parts:
        for defRPr in root.iter(qn("a:defRPr")):
            defRPr.set("lang", tag)


def header_rows(table, n: int) -> None:
    """The first row is the table's header (tblPr firstRow): screen readers announce the
    column headings with each cell. DrawingML marks one header row."""
    table._tbl.tblPr.set("firstRow", "1" if n else "0")


# Run and cell properties made once per document and look: python-pptx's setters take a
# millisecond or so for each run's font, size, colour and language (a deck has thousands of
# runs and cells); a run of a look met before gets a copy of the first one's element, the
# same XML. Keyed by everything the properties are made from; kept for one document only.
_MADE: dict = {}
_FOR: list = [None]


def _made(doc) -> dict:
    if _FOR[0] is not doc:  # another document: its theme's colours may differ
        _MADE.clear()
        _FOR[0] = doc
    return _MADE


def _copy(doc, key: tuple):
    """A copy of the properties kept under ``key`` for ``doc``, or None."""
    from copy import deepcopy

    found = _made(doc).get(key)
    return None if found is None else deepcopy(found)


def keep(doc, key: tuple, props) -> None:
    """Keep a copy of the properties element ``props`` (a run's, a paragraph's, a cell's) under ``key``."""
    from copy import deepcopy

    _made(doc)[key] = deepcopy(props)


def reuse_first(element, doc, key: tuple) -> bool:
    """Give ``element`` (a run or a paragraph, no properties yet) a copy of the properties kept
    under ``key`` as its first child: the same XML as python-pptx's setters make, in a fraction
    of the time."""
    found = _copy(doc, key)
    if found is None:
        return False
    element.insert(0, found)
    return True


reuse_rPr = reuse_pPr = reuse_first  # a run's and a paragraph's properties are their first child


def reuse_tcPr(tc, doc, key: tuple) -> bool:
    """Give the cell ``tc`` a copy of the cell properties kept under ``key``, in place of its own."""
    found = _copy(doc, key)
    if found is None:
        return False
    tc.replace(tc.get_or_add_tcPr(), found)
    return True
