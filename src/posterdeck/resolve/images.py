"""Pictures: a content image or the deck's logo, read once (size in pixels) and named by the
line that asks for it, so that a missing, unreadable or low-resolution file is reported there."""
from __future__ import annotations

from pathlib import Path

from posterdeck.errors import InputError
from posterdeck.loading.yamlsource import Source
from posterdeck.resolve.visuals import RImage


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
        from PIL import Image

        with Image.open(full) as im:
            w, h = im.size
    except OSError as exc:
        errors.append(InputError(f"cannot read image {file}: {exc}", where, hint="use a PNG or JPEG file"))
        return None
    return RImage(iid, str(full), alt, h / w, pixels=(w, h), where=where, file=file)
