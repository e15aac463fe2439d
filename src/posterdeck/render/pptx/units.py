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


def colour(fmt, doc: Document, name: str) -> None:
    """A theme colour as a reference to the presentation theme's slot where it fills one (the
    Design tab restyles it), else as its RGB."""
    from posterdeck.render.pptx import master

    ref = master.scheme_ref(doc, name)
    if ref:
        fmt.theme_color = _theme_colours()[ref]
    else:
        fmt.rgb = rgb(doc, name)


def _theme_colours() -> dict:
    from pptx.enum.dml import MSO_THEME_COLOR as T

    return {"tx1": T.TEXT_1, "bg1": T.BACKGROUND_1, "bg2": T.BACKGROUND_2, "accent1": T.ACCENT_1,
            "accent2": T.ACCENT_2, "accent3": T.ACCENT_3, "accent4": T.ACCENT_4, "accent5": T.ACCENT_5,
            "accent6": T.ACCENT_6, "hlink": T.HYPERLINK}


def alignment(name: str):
    """A page-model alignment (left, center, right) as python-pptx's paragraph alignment."""
    from pptx.enum.text import PP_ALIGN

    return {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}[name]
