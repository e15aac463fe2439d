"""Byte-identical PPTX: fixed zip timestamps, and fixed dates inside embedded chart workbooks."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def fix_zip(data: bytes, when: datetime) -> bytes:
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    iso = when.strftime("%Y-%m-%dT00:00:00Z").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename.endswith(".xlsx"):
                blob = fix_zip(blob, when)
            elif info.filename.endswith("core.xml"):
                blob = _DATE.sub(lambda m: m.group(1) + iso + m.group(2), blob)
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, blob)
    return out.getvalue()
