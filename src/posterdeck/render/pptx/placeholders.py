"""The slide placeholders posterdeck fills: the title (at the geometry compose gave it), the
slide number (a field, so it follows when slides move), and the slide size attributes."""
from __future__ import annotations

from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement


def title(ph, box, emu):
    """The layout's title placeholder, moved to the end of the shape tree (shapes paint and read
    in tree order: above the decoration drawn before it, before the content after it) and set
    to the box's geometry."""
    tree = ph._element.getparent()
    tree.remove(ph._element)
    tree.append(ph._element)
    ph.left, ph.top, ph.width, ph.height = emu(box.x), emu(box.y), emu(box.w), emu(box.h)
    return ph


def slide_number(slide, layout, box, doc, emu, colour) -> None:
    """The layout's slide-number placeholder on the slide, at the box, holding the number as a
    slide-number field in the box's size and colour."""
    source = next(ph for ph in layout.placeholders if ph._element.ph.get("type") == "sldNum")
    slide.shapes.clone_placeholder(source)
    ph = slide.placeholders[source.placeholder_format.idx]
    ph.left, ph.top, ph.width, ph.height = emu(box.x), emu(box.y), emu(box.w), emu(box.h)
    para = box.paragraphs[0]
    tf = ph.text_frame
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = 0
    p = tf.paragraphs[0]
    from posterdeck.render.pptx.units import alignment

    p.alignment = alignment(para.align)
    fld = OxmlElement("a:fld")
    fld.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
    fld.set("type", "slidenum")
    rpr = OxmlElement("a:rPr")
    rpr.set("sz", str(int(round(para.size * 100))))
    fld.append(rpr)
    t = OxmlElement("a:t")
    t.text = "".join(sp.text for sp in para.spans)
    fld.append(t)
    end = p._p.find(qn("a:endParaRPr"))
    if end is not None:
        end.addprevious(fld)
    else:
        p._p.append(fld)
    from pptx.text.text import _Run

    if para.spans:
        colour(_Run(fld, p).font.color, doc, para.spans[0].color)


def slide_size(prs) -> None:
    """``type="screen4x3"`` only on a 4:3 on-screen slide; other sizes are custom."""
    size = prs.part._element.find(qn("p:sldSz"))
    if (int(size.get("cx")), int(size.get("cy"))) != (9144000, 6858000):
        size.attrib.pop("type", None)
