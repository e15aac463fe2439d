"""The presentation the slides are painted on: a company template with its sample slides
removed, or posterdeck's own 16:9 master and layouts made from the theme. Also the theme colour
references of posterdeck's colour names, and the package parts python-pptx leaves stale
(docProps/app.xml, the thumbnail)."""
from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from lxml import etree
from pptx.oxml.ns import qn

from posterdeck.pagemodel import Document
from posterdeck.render.pptx.units import emu
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
# theme colour slots <- posterdeck colour names (the first one the theme has), and the
# schemeClr value a run or fill uses to refer to each slot: a colour of the theme that fills a
# slot is written as a reference, so that the Design tab restyles the deck
SLOTS = {"dk1": ("text",), "lt1": ("background",), "dk2": ("primary", "text"), "lt2": ("callout", "panel", "background"),
         "accent1": ("primary",), "accent2": ("secondary", "primary"), "accent3": ("accent", "primary"),
         "accent4": ("primary_light", "primary"), "accent5": ("grey", "rule"), "accent6": ("rule",),
         "hlink": ("link",), "folHlink": ("link",)}
SCHEME_REF = {"text": "tx1", "background": "bg1", "callout": "bg2", "primary": "accent1", "secondary": "accent2",
              "accent": "accent3", "primary_light": "accent4", "grey": "accent5", "rule": "accent6", "link": "hlink"}
_ORDER = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink",
          "folHlink")


def scheme_ref(doc: Document, name: str) -> str:
    """The schemeClr value of theme colour ``name`` ('' when it is written as RGB): the colours
    of the slots, on posterdeck's own master and on a company template alike."""
    ref = SCHEME_REF.get(name, "")
    if not ref or name not in doc.colours:
        return ""
    if doc.master is None or not doc.master.template:
        slot = {"tx1": "dk1", "bg1": "lt1", "bg2": "lt2"}.get(ref, ref)
        if _slot_colour(doc, slot) != name:  # the slot holds another colour: keep the exact one
            return ""
    return ref


def _slot_colour(doc: Document, slot: str) -> str:
    return next((n for n in SLOTS[slot] if n in doc.colours), "text")


def open_presentation(doc: Document):
    """A presentation with no slides: the company template's, or posterdeck's own."""
    master = doc.master
    if master is not None and master.template:
        from posterdeck.pptx_package import open_template

        prs = open_template(master.template)
        _drop_slides(prs)
        return prs
    from pptx import Presentation

    prs = Presentation()
    _own_master(prs, doc)
    return prs


def _drop_slides(prs) -> None:
    """Remove the template's own (sample) slides, and what refers to them."""
    pres = prs.part._element
    id_list = pres.find(qn("p:sldIdLst"))
    if id_list is not None:
        for sld in list(id_list):
            prs.part.drop_rel(sld.get(qn("r:id")))
            id_list.remove(sld)
    for tag in ("p:custShowLst",):
        for el in pres.findall(qn(tag)):
            pres.remove(el)
    ext_list = pres.find(qn("p:extLst"))
    if ext_list is not None:  # PowerPoint's slide sections list slide ids
        for ext in list(ext_list):
            if ext.get("uri") == "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}":
                ext_list.remove(ext)


def _own_master(prs, doc: Document) -> None:
    """The stock master and layouts made 16:9 (or the layout's size), the theme's colours and
    font in the theme part, and the frame's rectangles on the master's placeholders."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    width, height = doc.master.size if doc.master is not None else (doc.pages[0].width, doc.pages[0].height)
    old_w, old_h = prs.slide_width, prs.slide_height
    prs.slide_width, prs.slide_height = emu(width), emu(height)
    sx, sy = prs.slide_width / old_w, prs.slide_height / old_h
    master = prs.slide_master
    for part_el in [master._element] + [layout._element for layout in master.slide_layouts]:
        for off in part_el.iter(qn("a:off")):
            off.set("x", str(round(int(off.get("x")) * sx)))
            off.set("y", str(round(int(off.get("y")) * sy)))
        for ext in part_el.iter(qn("a:ext")):
            if ext.get("cx") is not None:
                ext.set("cx", str(round(int(ext.get("cx")) * sx)))
                ext.set("cy", str(round(int(ext.get("cy")) * sy)))
    if doc.master is not None:
        frame = doc.master.frames["section"]
        boxes = {"title": frame.title, "body": frame.body, "dt": frame.date, "ftr": frame.footer,
                 "sldNum": frame.number}
        for ph in master.placeholders:
            area = boxes.get(ph._element.ph.get("type"))
            if area is not None:
                ph.left, ph.top, ph.width, ph.height = emu(area.x), emu(area.y), emu(area.w), emu(area.h)
    _title_style(master, doc)
    theme = master.part.part_related_by(RT.THEME)
    theme._blob = _theme_xml(theme.blob, doc)


def _title_style(master, doc: Document) -> None:
    """The master's title and body text as the deck's slides show them: a new slide looks like
    the others, in theme colours and fonts."""
    titles = [b for p in doc.pages for b in p.boxes if getattr(b, "role", "") == "title" and b.paragraphs]
    style = master._element.find(qn("p:txStyles"))
    if style is None or not titles:
        return
    para = titles[min(1, len(titles) - 1)].paragraphs[0]  # a section slide's title
    lvl = style.find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    lvl.set("algn", "l")
    rpr = lvl.find(qn("a:defRPr"))
    rpr.set("sz", str(int(round(para.size * 100))))
    if para.spans and "bold" in para.spans[0].font:
        rpr.set("b", "1")


def _theme_xml(blob: bytes, doc: Document) -> bytes:
    root = etree.fromstring(blob)
    scheme = root.find(f".//{{{A}}}clrScheme")
    scheme.set("name", "posterdeck")
    for slot in _ORDER:
        el = scheme.find(f"{{{A}}}{slot}")
        for child in list(el):
            el.remove(child)
        clr = etree.SubElement(el, f"{{{A}}}srgbClr")
        clr.set("val", doc.colours[_slot_colour(doc, slot)].rgb.lstrip("#").upper())
    fonts = root.find(f".//{{{A}}}fontScheme")
    fonts.set("name", "posterdeck")
    for kind in ("majorFont", "minorFont"):
        latin = fonts.find(f"{{{A}}}{kind}/{{{A}}}latin")
        latin.set("typeface", doc.font_name)
    root.set("name", "posterdeck")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def presentation_format(width: int, height: int) -> str:
    if (width, height) == (12192000, 6858000):
        return "Widescreen"
    if (width, height) == (9144000, 6858000):
        return "On-screen Show (4:3)"
    if abs(width * 9 - height * 16) < width // 1000:
        return "On-screen Show (16:9)"
    return "Custom"


def app_xml(fmt: str, titles: list[str], notes: int, theme: str) -> bytes:
    """docProps/app.xml with the real slide count, the slide titles and the format."""
    parts = "".join(f"<vt:lpstr>{escape(t[:255])}</vt:lpstr>" for t in [theme] + titles)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<TotalTime>0</TotalTime><Application>posterdeck</Application>'
            f'<PresentationFormat>{escape(fmt)}</PresentationFormat>'
            f'<Slides>{len(titles)}</Slides><Notes>{notes}</Notes><HiddenSlides>0</HiddenSlides>'
            '<HeadingPairs><vt:vector size="4" baseType="variant">'
            '<vt:variant><vt:lpstr>Theme</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>'
            '<vt:variant><vt:lpstr>Slide Titles</vt:lpstr></vt:variant>'
            f'<vt:variant><vt:i4>{len(titles)}</vt:i4></vt:variant></vt:vector></HeadingPairs>'
            f'<TitlesOfParts><vt:vector size="{len(titles) + 1}" baseType="lpstr">{parts}</vt:vector></TitlesOfParts>'
            '<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>'
            '<HyperlinksChanged>false</HyperlinksChanged></Properties>').encode("utf-8")


_THUMB_REL = re.compile(rb'<Relationship [^>]*Type="[^"]*/metadata/thumbnail"[^>]*/>')


def finish_package(data: bytes, app: bytes) -> bytes:
    """The saved deck with ``app`` as docProps/app.xml and no thumbnail: python-pptx keeps the
    stock template's blank 4:3 picture, which shows nothing of the deck."""
    src = zipfile.ZipFile(io.BytesIO(data))
    thumbs = set()
    rels = src.read("_rels/.rels")
    for m in _THUMB_REL.finditer(rels):
        target = re.search(rb'Target="([^"]+)"', m.group(0)).group(1).decode().lstrip("/")
        thumbs.add(target)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in thumbs:
                continue
            blob = src.read(info.filename)
            if info.filename == "_rels/.rels":
                blob = _THUMB_REL.sub(b"", blob)
            elif info.filename == "docProps/app.xml":
                blob = app
            elif info.filename == "[Content_Types].xml":
                for t in thumbs:
                    blob = re.sub(rb'<Override PartName="/' + re.escape(t.encode()) + rb'"[^>]*/>', b"", blob)
            dst.writestr(info, blob)
    return out.getvalue()


def theme_name(blob: bytes) -> str:
    m = re.search(rb'<a:theme [^>]*name="([^"]*)"', blob)
    return m.group(1).decode("utf-8") if m else "Office Theme"
