"""Pictures for print: each picture of a print document in CMYK (through the output profile when
the layout gives one) and flattened onto the CMYK of the colour behind it, since PDF/X-1a has no
transparency. The painter paints what this returns; screen PDFs keep the files as they are."""
from __future__ import annotations

from posterdeck.finish.colour import image_to_cmyk
from posterdeck.pagemodel import Document, Image


def print_pictures(doc: Document) -> dict:
    """(path, backdrop) -> the PIL image to paint, for every Image box of ``doc``."""
    profile = doc.print_spec.icc_profile if doc.print_spec is not None else ""
    wanted = {(box.path, box.backdrop) for page in doc.pages for box in page.boxes if isinstance(box, Image)}
    return {key: _flattened(*key, doc.colours, profile) for key in sorted(wanted)}


def _flattened(path: str, backdrop: str, colours: dict, profile: str):
    from PIL import Image as PILImage

    with PILImage.open(path) as im:
        alpha = None
        if im.mode in ("RGBA", "LA", "P", "PA"):
            im = im.convert("RGBA")
            alpha = im.split()[-1]
        cmyk = image_to_cmyk(im.convert("RGB"), profile)
    if alpha is not None and alpha.getextrema()[0] < 255:
        # flattened onto the backdrop's own CMYK, so the picture's clear parts match the band
        c = colours.get(backdrop)
        ink = tuple(round(v * 2.55) for v in c.cmyk) if c is not None else (0, 0, 0, 0)
        cmyk = PILImage.composite(cmyk, PILImage.new("CMYK", cmyk.size, ink), alpha)
    return cmyk
