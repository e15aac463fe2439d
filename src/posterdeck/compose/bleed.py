"""Print geometry, decided in compose: artwork touching the trim edge runs into the bleed, and
crop marks sit outside the bleed at the trim corners."""
from __future__ import annotations

from dataclasses import replace

from posterdeck.pagemodel import Page, PrintMarks, Rect

EDGE = 0.01  # points: a rectangle this close to the trim edge touches it


def apply_print(page: Page, spec) -> Page:
    b = spec.bleed
    boxes = []
    for box in page.boxes:
        if isinstance(box, Rect) and box.fill:
            x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
            x0 = x0 - b if x0 <= EDGE else x0
            y0 = y0 - b if y0 <= EDGE else y0
            x1 = x1 + b if x1 >= page.width - EDGE else x1
            y1 = y1 + b if y1 >= page.height - EDGE else y1
            box = replace(box, x=x0, y=y0, w=x1 - x0, h=y1 - y0)
        boxes.append(box)
    page.boxes = boxes
    marks = _crop_marks(page.width, page.height, spec) if spec.crop_marks else ()
    slug = (spec.mark_offset + spec.mark_length + 2.0) if spec.crop_marks else b
    page.print = PrintMarks(bleed=b, slug=slug, marks=marks, mark_width=spec.mark_width)
    return page


def _crop_marks(w: float, h: float, spec) -> tuple:
    off, length = spec.mark_offset, spec.mark_length
    marks = []
    for x, sx in ((0.0, -1), (w, 1)):
        for y, sy in ((0.0, -1), (h, 1)):
            marks.append((x + sx * off, y, x + sx * (off + length), y))  # horizontal, in line with the edge
            marks.append((x, y + sy * off, x, y + sy * (off + length)))  # vertical
    return tuple(marks)
