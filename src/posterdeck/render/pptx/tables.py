"""Native tables: the cells as compose broke them, a break between composed lines."""
from __future__ import annotations

from posterdeck.pagemodel import Document, Table
from posterdeck.render.pptx import xml
from posterdeck.render.pptx.units import alignment, colour, emu, rgb


def add_table(slide, t: Table, doc: Document) -> None:
    from pptx.enum.text import MSO_ANCHOR
    from pptx.util import Pt

    n_rows, n_cols = len(t.rows), len(t.col_widths)
    frame = slide.shapes.add_table(n_rows, n_cols, emu(t.x), emu(t.y), emu(t.w), emu(t.h))
    frame.name = t.name or "table"
    frame._element.nvGraphicFramePr.cNvPr.set("descr", t.alt)
    table = frame.table
    xml.plain_table(table)
    xml.header_rows(table, t.header_rows)
    for j, w in enumerate(t.col_widths):
        table.columns[j].width = emu(w)
    for i, h in enumerate(t.row_heights):
        table.rows[i].height = emu(h)
    for i, row in enumerate(t.rows):
        for j, cell in enumerate(row):
            if cell is None:  # covered by a spanning cell: its empty paragraph as small as the text
                xml.end_lang(table.cell(i, j).text_frame.paragraphs[0], doc.language, round(row_size(row) * 100))
                continue
            target = table.cell(i, j)
            if cell.colspan > 1:
                target.merge(table.cell(i, j + cell.colspan - 1))
            look = ("cell", t.padding, cell.indent, cell.fill, t.rule_color)
            if not xml.reuse_tcPr(target._tc, doc, look):
                target.margin_left = emu(t.padding + cell.indent)
                target.margin_right = emu(t.padding)
                target.margin_top = target.margin_bottom = emu(t.padding)
                target.vertical_anchor = MSO_ANCHOR.MIDDLE
                if cell.fill:
                    target.fill.solid()
                    colour(target.fill.fore_color, doc, cell.fill)
                else:
                    target.fill.background()
                xml.cell_rule(target, rgb(doc, t.rule_color), emu(0.5))
                xml.keep(doc, look, target._tc.get_or_add_tcPr())
            tf = target.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = alignment(cell.align)
            p.line_spacing = Pt(cell.size * t.leading)
            for k, line in enumerate(cell.keep or cell.lines):  # the lines as composed: a break between them
                if k:
                    xml.line_break(p, doc.language, round(cell.size * 100))
                if not line:  # an empty run would be as tall as the default font in some viewers
                    continue
                run = p.add_run()
                run.text = line
                key = ("cell run", cell.size, cell.font, cell.color, doc.language)
                if not xml.reuse_rPr(run._r, doc, key):
                    run.font.size = Pt(cell.size)
                    run.font.name = "+mn-lt"
                    run.font.bold = cell.font == "bold"
                    colour(run.font.color, doc, cell.color)
                    xml.lang(run._r.get_or_add_rPr(), doc.language)
                    xml.keep(doc, key, run._r.rPr)
            xml.end_lang(p, doc.language, round(cell.size * 100))


def row_size(row) -> float:
    return max(c.size for c in row if c is not None)
