"""Pictures: what both outputs can hold, checked when the content is resolved, so that a bad
file is an error naming it (and its line, by the caller) instead of a crash while painting."""
from __future__ import annotations

from pathlib import Path

# the picture formats both a PDF (reportlab, through Pillow) and a PPTX (python-pptx) can hold
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "BMP", "TIFF"}


def image_size(path: Path | str) -> tuple[int, int]:
    """Width and height in pixels of a picture both outputs can hold; ValueError saying what is
    wrong otherwise (not a picture, a format PowerPoint cannot take, truncated, empty, too big)."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            if im.format not in IMAGE_FORMATS:
                raise ValueError(f"{im.format} pictures cannot go into a PowerPoint file "
                                 f"(it takes {', '.join(sorted(IMAGE_FORMATS))})")
            im.load()  # a truncated file fails here, not half-way through painting
            w, h = im.size
    except Image.DecompressionBombError as exc:
        raise ValueError(f"too many pixels to read safely ({exc})") from None
    except (OSError, SyntaxError) as exc:
        raise ValueError(f"cannot be read as a picture ({exc})") from None
    if not w or not h:
        raise ValueError("the picture is empty (0 pixels)")
    return w, h
