"""Paint a page-model Document as a PowerPoint deck with python-pptx: editable text boxes,
native tables and native charts. PowerPoint wraps text itself; compose leaves it a little slack."""
from __future__ import annotations

import io

from posterdeck.pagemodel import Chart, Document, Image, Rect, Table, TextBox
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from posterdeck.render.pptx import master, placeholders, xml
from posterdeck.render.pptx.determinism import fix_zip

EMU_PER_PT = 12700


def emu(points: float) -> int:
    """The one conversion: points -> EMU (same top-left origin as the page model)."""
    return int(round(points * EMU_PER_PT))


def render_pptx(doc: Document) -> bytes:
    """The deck on its master (a company template or posterdeck's own, ``doc.master``): each
    slide on the layout of its kind, its title in the layout's title placeholder, its shapes in
    reading order (title, content, notes, footer; decoration first, beneath the text), its
    speaker notes on the notes page."""
    prs = master.open_presentation(doc)
    layouts = {layout.name: layout for m in prs.slide_masters for layout in m.slide_layouts}
    titles, notes = [], 0
    for page in doc.pages:
        frame = doc.master.frames.get(page.role) if doc.master is not None else None
        layout = layouts.get(frame.layout) if frame is not None else None
        slide = prs.slides.add_slide(layout or prs.slide_layouts[6])
        title_ph = slide.shapes.title
        for ph in list(slide.placeholders):  # the layout's empty body placeholders: compose placed the body
            if title_ph is None or ph._element is not title_ph._element:
                ph._element.getparent().remove(ph._element)
        if page.background and not (master.scheme_ref(doc, page.background) == "bg1"):
            fill = slide.background.fill
            fill.solid()
            fill.fore_color.rgb = _rgb(doc, page.background)
        title = ""
        for box in page.boxes:
            if isinstance(box, Rect):
                _rect(slide, box, doc)
            elif isinstance(box, TextBox):
                if box.role == "title" and title_ph is not None and not title:
                    title = "".join(sp.text for p in box.paragraphs for sp in p.spans)
                    _text(slide, box, doc, placeholders.title(slide, title_ph, box, emu), font="+mj-lt")
                elif box.role == "slide-number" and frame is not None and frame.number is not None:
                    placeholders.slide_number(slide, layout, box, doc, emu, _colour)
                else:
                    _text(slide, box, doc)
            elif isinstance(box, Table):
                _table(slide, box, doc)
            elif isinstance(box, Image):
                pic = slide.shapes.add_picture(box.path, emu(box.x), emu(box.y), emu(box.w), emu(box.h))
                pic.name = box.name or "image"
                from posterdeck.render.pptx.charts.xml import alt_text

                alt_text(pic, box.alt)
            elif isinstance(box, Chart):
                from posterdeck.render.pptx.charts import add_chart

                add_chart(slide, box, doc, emu, _rgb)
        if title_ph is not None and not title:  # a slide without a title box: no empty placeholder
            title_ph._element.getparent().remove(title_ph._element)
        if page.speaker_notes:
            slide.notes_slide.notes_text_frame.text = page.speaker_notes
            notes += 1
        titles.append(title or page.name)
    placeholders.slide_size(prs)
    props = prs.core_properties
    from datetime import datetime

    when = datetime.fromisoformat(doc.date)
    props.title, props.author, props.subject, props.keywords = doc.title, doc.author, doc.subject, doc.keywords
    props.language = doc.language
    props.created = props.modified = when
    props.last_modified_by = "posterdeck"
    props.revision = 1
    buf = io.BytesIO()
    prs.save(buf)
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    app = master.app_xml(master.presentation_format(prs.slide_width, prs.slide_height), titles, notes,
                         master.theme_name(theme.blob))
    return fix_zip(master.finish_package(buf.getvalue(), app), when)


def _rgb(doc: Document, name: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(doc.colours[name].rgb.lstrip("#").upper())


def _colour(fmt, doc: Document, name: str) -> None:
    """A theme colour as a reference to the presentation theme's slot where it fills one (the
    Design tab restyles it), else as its RGB."""
    ref = master.scheme_ref(doc, name)
    if ref:
        from pptx.enum.dml import MSO_THEME_COLOR

        fmt.theme_color = _THEME_COLOR[ref]
    else:
        fmt.rgb = _rgb(doc, name)


def _theme_colours() -> dict:
    from pptx.enum.dml import MSO_THEME_COLOR as T

    return {"tx1": T.TEXT_1, "bg1": T.BACKGROUND_1, "bg2": T.BACKGROUND_2, "accent1": T.ACCENT_1,
            "accent2": T.ACCENT_2, "accent3": T.ACCENT_3, "accent4": T.ACCENT_4, "accent5": T.ACCENT_5,
            "accent6": T.ACCENT_6, "hlink": T.HYPERLINK}


_THEME_COLOR = _theme_colours()


def _rect(slide, box: Rect, doc: Document) -> None:
    from pptx.enum.shapes import MSO_SHAPE

    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(box.x), emu(box.y), emu(box.w), emu(box.h))
    shape.shadow.inherit = False
    if box.fill:
        shape.fill.solid()
        _colour(shape.fill.fore_color, doc, box.fill)
    else:
        shape.fill.background()
    if box.stroke:
        _colour(shape.line.color, doc, box.stroke)
        shape.line.width = emu(box.stroke_width)
    else:
        shape.line.fill.background()
    if box.role:
        shape.name = box.role


def _text(slide, box: TextBox, doc: Document, shape=None, font: str = "+mn-lt") -> None:
    """``box`` as a text box, or into ``shape`` (a placeholder set to the box's geometry); runs in
    the theme's body font (``+mn-lt``, titles ``+mj-lt``) and colours."""
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Pt

    if shape is None:
        shape = slide.shapes.add_textbox(emu(box.x), emu(box.y), emu(box.w), emu(box.h))
    if box.name or box.role:
        shape.name = box.name or box.role
    if box.fill:
        shape.fill.solid()
        _colour(shape.fill.fore_color, doc, box.fill)
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.TOP
    pad = emu(box.padding)
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = pad
    align = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
    for i, para in enumerate(box.paragraphs):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align[para.align]
        p.line_spacing = Pt(para.leading)
        p.space_before = Pt(para.space_before) if i else Pt(0)
        p.space_after = Pt(0)
        if para.bullet:
            xml.bullet(p, para.bullet, emu(para.indent), emu(para.hang))
        else:
            xml.no_bullet(p)
        for sp in para.spans:
            run = p.add_run()
            run.text = sp.text
            f = run.font
            f.name = font
            # PowerPoint shrinks raised text itself: give it the paragraph's size
            f.size = Pt(para.size if sp.script else sp.size)
            f.bold = "bold" in sp.font
            f.italic = "italic" in sp.font
            _colour(f.color, doc, sp.color)
            if sp.script:
                xml.baseline(run, 30000 if sp.script == "sup" else -25000)
            if sp.link:
                run.hyperlink.address = sp.link


def _table(slide, t: Table, doc: Document) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Pt

    n_rows, n_cols = len(t.rows), len(t.col_widths)
    frame = slide.shapes.add_table(n_rows, n_cols, emu(t.x), emu(t.y), emu(t.w), emu(t.h))
    frame.name = t.name or "table"
    table = frame.table
    xml.plain_table(table)
    for j, w in enumerate(t.col_widths):
        table.columns[j].width = emu(w)
    for i, h in enumerate(t.row_heights):
        table.rows[i].height = emu(h)
    align = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
    for i, row in enumerate(t.rows):
        for j, cell in enumerate(row):
            if cell is None:
                continue
            target = table.cell(i, j)
            if cell.colspan > 1:
                target.merge(table.cell(i, j + cell.colspan - 1))
            target.margin_left = emu(t.padding + cell.indent)
            target.margin_right = emu(t.padding)
            target.margin_top = target.margin_bottom = emu(t.padding)
            target.vertical_anchor = MSO_ANCHOR.MIDDLE
            if cell.fill:
                target.fill.solid()
                _colour(target.fill.fore_color, doc, cell.fill)
            else:
                target.fill.background()
            tf = target.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = align[cell.align]
            p.line_spacing = Pt(cell.size * t.leading)
            for k, line in enumerate(cell.lines):  # the lines as composed: a break between them
                if k:
                    p.add_line_break()
                run = p.add_run()
                run.text = line
                run.font.size = Pt(cell.size)
                run.font.name = "+mn-lt"
                run.font.bold = cell.font == "bold"
                _colour(run.font.color, doc, cell.color)
            xml.cell_rule(target, _rgb(doc, t.rule_color), emu(0.5))
