"""Pictures: a content image or the deck's logo, read once (size in pixels) and checked for what
both outputs can hold, named by the line that asks for it, so that a missing, unreadable or
low-resolution file is an error there instead of a crash while painting."""
from __future__ import annotations

from pathlib import Path

from posterdeck.errors import InputError
from posterdeck.loading.yamlsource import Source
from posterdeck.resolve.visuals import RImage

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


def read_image(iid: str, folder: Path, file: str, alt: str, src: Source, path: tuple,
               errors: list) -> RImage | None:
    """The picture ``file`` (relative to the deck ``folder``), or None with an error appended that
    names ``src`` at ``path`` (the line holding the file name)."""
    full = (folder / file).resolve()
    where = src.where(path)
    if not full.is_file():
        errors.append(InputError(f"image file not found: {file} (looked for {full})", where,
                                 hint="put the file in the deck folder or fix the path"))
        return None
    try:
        w, h = image_size(full)
    except ValueError as exc:
        errors.append(InputError(f"image {file}: {exc}", where, hint="use a PNG or JPEG file"))
        return None
    return RImage(iid, str(full), alt, h / w, pixels=(w, h), where=where, file=file)
