"""Paint a page-model Document as a PowerPoint deck with python-pptx: editable text boxes,
native tables and native charts. Text boxes and rectangles are written by text.py, tables by
tables.py; PowerPoint wraps text itself, where compose said (see compose/nobreak.py)."""
from __future__ import annotations

import io

from posterdeck.pagemodel import Chart, Document, Image, Rect, Table, TextBox
from posterdeck.render.pptx.determinism import fix_zip
from posterdeck.render.pptx.tables import add_table
from posterdeck.render.pptx.text import add_rect, add_text
from posterdeck.render.pptx.units import EMU_PER_PT, emu, rgb

__all__ = ["EMU_PER_PT", "emu", "render_pptx"]


def render_pptx(doc: Document) -> bytes:
    from pptx import Presentation

    prs = Presentation()
    first = doc.pages[0]
    prs.slide_width, prs.slide_height = emu(first.width), emu(first.height)
    blank = prs.slide_layouts[6]
    for page in doc.pages:
        slide = prs.slides.add_slide(blank)
        if page.background:
            fill = slide.background.fill
            fill.solid()
            fill.fore_color.rgb = rgb(doc, page.background)
        for box in page.boxes:
            if isinstance(box, Rect):
                add_rect(slide, box, doc)
            elif isinstance(box, TextBox):
                add_text(slide, box, doc)
            elif isinstance(box, Table):
                add_table(slide, box, doc)
            elif isinstance(box, Image):
                pic = slide.shapes.add_picture(box.path, emu(box.x), emu(box.y), emu(box.w), emu(box.h))
                pic.name = box.name or "image"
                from posterdeck.charts.pptx_xml import alt_text

                alt_text(pic, box.alt)
            elif isinstance(box, Chart):
                from posterdeck.charts.pptx_native import add_chart

                add_chart(slide, box, doc, emu, rgb)
    from posterdeck.render.pptx.xml import default_language

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
    return fix_zip(buf.getvalue(), when)
