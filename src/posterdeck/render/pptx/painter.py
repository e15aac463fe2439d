"""Paint a page-model Document as a PowerPoint deck with python-pptx: editable text boxes,
native tables and native charts, on a slide master (posterdeck's own or a company template)."""
from __future__ import annotations

import io

from posterdeck.pagemodel import Chart, Document, Image, Rect, Table, TextBox
from posterdeck.render.pptx import master, placeholders, reuse
from posterdeck.render.pptx.determinism import fix_zip
from posterdeck.render.pptx.tables import add_table
from posterdeck.render.pptx.text import add_rect, add_text
from posterdeck.render.pptx.units import EMU_PER_PT, colour, emu, rgb

__all__ = ["EMU_PER_PT", "emu", "render_pptx"]


def render_pptx(doc: Document) -> bytes:
    """The deck on its master (a company template or posterdeck's own, ``doc.master``): each
    slide on the layout of its kind, its title in the layout's title placeholder, its shapes in
    reading order (title, content, notes, footer; decoration first, beneath the text), its
    speaker notes on the notes page."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from posterdeck.render.pptx.xml import default_language

    prs = master.open_presentation(doc)
    layouts = {layout.name: layout for m in prs.slide_masters for layout in m.slide_layouts}
    titles, notes = [], 0
    for page in doc.pages:
        frame = doc.master.frames.get(page.role) if doc.master is not None else None
        layout = layouts.get(frame.layout) if frame is not None else None
        slide = prs.slides.add_slide(layout or prs.slide_layouts[6])
        k = reuse.slide_key(doc, page, slide.slide_layout.name)
        kept = reuse.load(k)
        if kept is not None:  # painted by an earlier build: the same page on the same master
            reuse.apply(slide, kept)
            title = kept["title"]
        else:
            title = _paint(slide, page, doc, frame, layout)
            reuse.keep(k, slide, title)
        if page.speaker_notes:
            slide.notes_slide.notes_text_frame.text = page.speaker_notes
            notes += 1
        titles.append(title or page.name)
    placeholders.slide_size(prs)
    default_language(prs, doc.language)
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


def _paint(slide, page, doc: Document, frame, layout) -> str:
    """Paint ``page`` on the fresh ``slide``; its title (for docProps/app.xml), or "" if it has none."""
    title_ph = slide.shapes.title
    for ph in list(slide.placeholders):  # the layout's empty body placeholders: compose placed the body
        if title_ph is None or ph._element is not title_ph._element:
            ph._element.getparent().remove(ph._element)
    if page.background and not (master.scheme_ref(doc, page.background) == "bg1"):
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = rgb(doc, page.background)
    title = ""
    for box in page.boxes:
        if isinstance(box, Rect):
            add_rect(slide, box, doc)
        elif isinstance(box, TextBox):
            if box.role == "title" and title_ph is not None and not title:
                title = "".join(sp.text for p in box.paragraphs for sp in p.spans)
                add_text(slide, box, doc, placeholders.title(title_ph, box, emu), font="+mj-lt")
            elif box.role == "slide-number" and frame is not None and frame.number is not None:
                placeholders.slide_number(slide, layout, box, doc, emu, colour)
            else:
                add_text(slide, box, doc)
        elif isinstance(box, Table):
            add_table(slide, box, doc)
        elif isinstance(box, Image):
            pic = slide.shapes.add_picture(box.path, emu(box.x), emu(box.y), emu(box.w), emu(box.h))
            pic.name = box.name or "image"
            from posterdeck.render.pptx.charts.xml import alt_text

            alt_text(pic, box.alt)
        elif isinstance(box, Chart):
            from posterdeck.render.pptx.charts import add_chart

            add_chart(slide, box, doc, emu, rgb)
    if title_ph is not None and not title:  # a slide without a title box: no empty placeholder
        title_ph._element.getparent().remove(title_ph._element)
    return title
