"""The one conversion (points -> EMU) and theme colour names -> RGB, for every PPTX module."""
from __future__ import annotations

from posterdeck.pagemodel import Document

EMU_PER_PT = 12700


def emu(points: float) -> int:
    """Points -> EMU (same top-left origin as the page model)."""
    return int(round(points * EMU_PER_PT))


def rgb(doc: Document, name: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(doc.colours[name].rgb.lstrip("#").upper())
