"""Opening a PowerPoint template with python-pptx, which reads .pptx only: a .potx is read as
the presentation it holds. Used by loading (to read a template's layouts) and render/pptx (to
build the deck on it)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PRESENTATION_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def open_template(path: str | Path):
    """The template as a python-pptx Presentation; a .potx is read as the .pptx it contains."""
    from pptx import Presentation

    data = Path(path).read_bytes()
    if _TEMPLATE_TYPE in _content_types(data):
        src = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                blob = src.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    blob = blob.replace(_TEMPLATE_TYPE, _PRESENTATION_TYPE)
                dst.writestr(info, blob)
        data = out.getvalue()
    return Presentation(io.BytesIO(data))


def _content_types(data: bytes) -> bytes:
    try:
        return zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError):
        return b""


