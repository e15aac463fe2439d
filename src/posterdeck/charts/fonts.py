"""The font files matplotlib draws charts with: the theme's fonts cut down to the characters a
chart can show.

matplotlib embeds a subset of each font in every chart PDF it writes, and its subsetter first
decodes the whole font: for DejaVu Sans (6,000 glyphs, large kerning and OpenType layout tables)
that took 0.2 s a font, twice per document. Cutting the font to the scripts a chart may use
(Latin, Greek, Cyrillic, punctuation, arrows and mathematical signs) plus every character in the
charts' own text makes each embed a few milliseconds. The cut copies are kept in matplotlib's
cache folder, so the cut (0.05 s a font) happens once per machine, as matplotlib's own font list. The glyphs, metrics,
hinting and the legacy 'kern' table matplotlib kerns with are kept unchanged, so charts look
exactly as they did; only the OpenType layout tables, which matplotlib never reads, are left out.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import Iterable

# Unicode blocks any chart may need: tick labels, minus sign, thousands separators, per mille, ...
BLOCKS = ((0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x2000, 0x209F),
          (0x20A0, 0x20BF), (0x2100, 0x214F), (0x2190, 0x21FF), (0x2200, 0x22FF))

def chart_text(charts: Iterable) -> str:
    """Every character in the text of the charts (labels, titles, categories, notes)."""
    seen: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            seen.update(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)

    for chart in charts:
        walk(chart)
    return "".join(sorted(seen))


def chart_font(path: str, text: str = "") -> str:
    """The path of a cut-down copy of the font at ``path`` covering BLOCKS and ``text``."""
    extra = "".join(sorted({c for c in text if not any(lo <= ord(c) <= hi for lo, hi in BLOCKS)}))
    stat = os.stat(path)
    return _cut(path, extra, (stat.st_mtime_ns, stat.st_size))  # a font saved anew is cut anew


@functools.lru_cache(maxsize=None)
def _cut(path: str, extra: str, stamp: tuple) -> str:
    """Cut once per machine: the copies are kept in matplotlib's cache folder (beside its own font
    list), named by the font's content, the characters and the fontTools version."""
    import fontTools
    import matplotlib

    data = Path(path).read_bytes()
    key = hashlib.sha256(data + f"\0{extra}\0{BLOCKS}\0{fontTools.version}".encode()).hexdigest()[:24]
    out = Path(matplotlib.get_cachedir()) / "posterdeck-fonts" / f"{key}{Path(path).suffix}"
    if out.is_file():
        return str(out)
    try:
        data = _cut_bytes(data, extra)
    except Exception:  # noqa: BLE001  (a collection, an odd font: matplotlib takes the file as it is)
        return path
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".part")  # a parallel build may cut it too
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except OSError:  # nowhere to keep it: draw with the whole font, only slower
        return path
    return str(out)


def _cut_bytes(data: bytes, extra: str) -> bytes:
    """The font file ``data`` cut to BLOCKS and ``extra``, without the OpenType layout tables."""
    from fontTools import subset

    options = subset.Options(glyph_names=True, legacy_kern=True, notdef_outline=True, name_IDs=["*"],
                             name_languages=["*"], name_legacy=True, recalc_timestamp=False)
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "FFTM"]
    font = subset.load_font(io.BytesIO(data), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for lo, hi in BLOCKS for c in range(lo, hi + 1)] + [ord(c) for c in extra])
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()
