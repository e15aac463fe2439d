"""Pictures: a content image or the deck's logo, read once (size in pixels) and checked for what
both outputs can hold, named by the line that asks for it, so that a missing, unreadable or
low-resolution file is an error there instead of a crash while painting."""
from __future__ import annotations

from pathlib import Path
from struct import error as struct_error

from posterdeck.errors import InputError
from posterdeck.loading.containment import real_path
from posterdeck.loading.yamlsource import Source
from posterdeck.resolve.visuals import RImage

# the picture formats both a PDF (reportlab, through Pillow) and a PPTX (python-pptx) can hold
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "BMP", "TIFF"}
# pictures beyond these are refused from their header, before a pixel is decoded: a 20000 x 20000
# PNG of a few kilobytes would otherwise take gigabytes of memory (a 300 dpi A0 poster is 140 Mpx
# in all; one picture on it needs far fewer)
MAX_PIXELS = 100_000_000
MAX_IMAGE_BYTES = 100 * 1024 * 1024


def image_size(path: Path | str) -> tuple[int, int]:
    """Width and height in pixels of a picture both outputs can hold; ValueError saying what is
    wrong otherwise (not a picture, a format PowerPoint cannot take, truncated, empty, too big)."""
    import os

    from PIL import Image

    size = os.path.getsize(path)
    if size > MAX_IMAGE_BYTES:
        raise ValueError(f"{size:,} bytes, more than posterdeck reads for a picture ({MAX_IMAGE_BYTES:,})")
    try:
        with Image.open(path) as im:
            if im.format not in IMAGE_FORMATS:
                raise ValueError(f"{im.format} pictures cannot go into a PowerPoint file "
                                 f"(it takes {', '.join(sorted(IMAGE_FORMATS))})")
            w, h = im.size
            if w * h > MAX_PIXELS:
                raise ValueError(f"{w} x {h} pixels, more than the {MAX_PIXELS // 1_000_000} million posterdeck "
                                 f"reads for a picture")
            im.load()  # a truncated file fails here, not half-way through painting
            w, h = im.size
    except Image.DecompressionBombError as exc:
        raise ValueError(f"too many pixels to read safely ({exc})") from None
    except (OSError, SyntaxError, EOFError, struct_error, MemoryError) as exc:
        raise ValueError(f"cannot be read as a picture ({exc})") from None
    if not w or not h:
        raise ValueError("the picture is empty (0 pixels)")
    return w, h


def read_image(iid: str, folder: Path, file: str, alt: str, src: Source, path: tuple,
               errors: list, fence=None) -> RImage | None:
    """The picture ``file`` (relative to the deck ``folder``), or None with an error appended that
    names ``src`` at ``path`` (the line holding the file name). With a ``fence``
    (loading.containment.Fence), a file outside the project is an error and is not read."""
    where = src.where(path)
    if fence is not None:
        err = fence.problem(folder / file, file, where, "image")
        if err is not None:
            errors.append(err)
            return None
    full = real_path(folder / file)
    if full is None:
        errors.append(InputError(f"image {file} is a symbolic link loop: following it leads back to itself", where,
                                 hint="replace the link with the picture itself"))
        return None
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
