"""Text boxes and rectangles on a slide: the paragraphs and runs as compose wrote them.
PowerPoint wraps the text itself; compose has written its break rules into the text
(no-break spaces and hyphens) and said where each paragraph wraps."""
from __future__ import annotations

from posterdeck.pagemodel import Document, Rect, TextBox
from posterdeck.render.pptx import xml
from posterdeck.render.pptx.units import alignment, colour, emu


def add_rect(slide, box: Rect, doc: Document) -> None:
    from pptx.enum.shapes import MSO_SHAPE

    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(box.x), emu(box.y), emu(box.w), emu(box.h))
    shape.shadow.inherit = False
    if box.fill:
        shape.fill.solid()
        colour(shape.fill.fore_color, doc, box.fill)
    else:
        shape.fill.background()
    if box.stroke:
        colour(shape.line.color, doc, box.stroke)
        shape.line.width = emu(box.stroke_width)
    else:
        shape.line.fill.background()
    if box.role:
        shape.name = box.role
    xml.decorative(shape)  # bands, rules and backgrounds: nothing for a screen reader


def add_text(slide, box: TextBox, doc: Document, shape=None, font: str = "+mn-lt") -> None:
    """``box`` as a text box, or into ``shape`` (a placeholder set to the box's geometry); runs in
    the theme's body font (``+mn-lt``, titles ``+mj-lt``) and colours."""
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Pt

    if shape is None:
        shape = slide.shapes.add_textbox(emu(box.x), emu(box.y), emu(box.w), emu(box.h))
    if box.name or box.role:
        shape.name = box.name or box.role
    if box.fill:
        shape.fill.solid()
        colour(shape.fill.fore_color, doc, box.fill)
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.BOTTOM if box.anchor == "bottom" else MSO_ANCHOR.TOP
    pad = emu(box.padding)
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = pad
    for i, para in enumerate(box.paragraphs):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        key = ("para", para.align, para.leading, para.space_before if i else 0.0, para.bullet,
               emu(para.indent), emu(para.hang), emu(para.margin_right))
        if p._p.pPr is not None or not xml.reuse_pPr(p._p, doc, key):  # made once per look, then copied
            p.alignment = alignment(para.align)
            p.line_spacing = Pt(para.leading)
            p.space_before = Pt(para.space_before) if i else Pt(0)
            p.space_after = Pt(0)
            if para.bullet:
                xml.bullet(p, para.bullet, emu(para.indent), emu(para.hang))
            else:
                xml.no_bullet(p)
            xml.margin_right(p, emu(para.margin_right))  # always: LibreOffice carries one on to the next paragraph
            xml.keep(doc, key, p._p.pPr)
        for sp in para.spans:
            # compose wrote "\n" where the line must break (inside a word it hyphenated)
            for k, part in enumerate(sp.text.split("\n")):
                if k:
                    xml.line_break(p, sp.lang or doc.language, round(para.size * 100))
                if part:
                    _run(p, sp, part, para.size, doc, font)
        xml.end_lang(p, doc.language)


def _run(p, sp, text: str, para_size: float, doc: Document, font: str) -> None:
    from pptx.util import Pt

    run = p.add_run()
    run.text = text
    # PowerPoint shrinks raised text itself: give it the paragraph's size
    size = para_size if sp.script else sp.size
    key = ("run", font, size, sp.font, sp.color, sp.lang or doc.language, sp.script)
    if not xml.reuse_rPr(run._r, doc, key):
        f = run.font
        f.name = font
        f.size = Pt(size)
        f.bold = "bold" in sp.font
        f.italic = "italic" in sp.font
        colour(f.color, doc, sp.color)
        xml.lang(run._r.get_or_add_rPr(), sp.lang or doc.language)
        if sp.script:
            xml.baseline(run, 30000 if sp.script == "sup" else -25000)
        xml.keep(doc, key, run._r.rPr)
    if sp.link:
        run.hyperlink.address = sp.link
