"""A document's charts, each drawn once per machine: the disk cache (posterdeck.cache) keeps each
drawn chart under the key of its full spec, so that a rebuild after a data update redraws only
the charts whose spec changed, and the poster and the deck share a drawing when a chart's spec
is the same.

Each chart is drawn alone, as a one-page PDF (``mpl.draw_items`` of that one item), and the
pages of a document are put together in page order (pikepdf), so that the charts PDF is the
same bytes whether a chart was drawn now, by the helper process, or taken from the cache: with
the cache, without it (``--no-cache``), in one process or in several.

The key (``chart_key``): the chart as compose made it (data, labels in the target's language,
formats, ticks, colours), its size and type sizes, the content of both font files, the
posterdeck version and all of its source, and the matplotlib and fontTools
versions; a new version of any of them draws anew.
"""
from __future__ import annotations

import functools
import io

from posterdeck import cache

KIND = "charts"
_MEMORY: dict[str, bytes] = {}  # charts drawn or read in this process (workers forked from it inherit them)


@functools.lru_cache(maxsize=1)
def library_versions() -> tuple[str, str]:
    """matplotlib's and fontTools' versions, from their installed metadata: importing matplotlib
    to ask took a quarter of a second, for a build whose charts may all be in the cache."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("matplotlib", "fonttools"):
        try:
            found.append(version(name))
        except PackageNotFoundError:
            found.append("?")
    return found[0], found[1]


def versions() -> tuple:
    """What a drawing depends on beyond its spec: posterdeck's version and all of its source
    (manifest.tool_hash, as every other cache kind: the drawing modules read constants from
    pagemodel, so a hash of the drawing modules alone missed a change there) and the libraries."""
    from posterdeck.manifest import tool_hash

    return (tool_hash(), *library_versions())


def chart_key(item: tuple) -> str:
    """The cache key of one normalized item of charts_pdf()."""
    chart, w, h, sizes, rgb, font_file, bold_file, plot = item
    return cache.key(KIND, versions(), chart, w, h, sizes, rgb, cache.file_hash(font_file),
                     cache.file_hash(bold_file), plot)


def lookup(k: str) -> bytes | None:
    data = _MEMORY.get(k)
    if data is None:
        data = cache.get(KIND, k)
        if data is not None:
            _remember(k, data)
    return data


def store(k: str, data: bytes) -> None:
    _remember(k, data)
    cache.put(KIND, k, data)


def _remember(k: str, data: bytes) -> None:
    _MEMORY[k] = data
    while len(_MEMORY) > 64:
        del _MEMORY[next(iter(_MEMORY))]


def draw_one(item: tuple) -> bytes:
    """One chart as a one-page PDF."""
    from posterdeck.charts import mpl

    return mpl._draw((item,))


def assemble(pages: list[bytes]) -> bytes:
    """One-page PDFs as the pages of one PDF, in order (deterministic bytes)."""
    if len(pages) == 1:
        return pages[0]
    import pikepdf

    out = pikepdf.new()
    for data in pages:
        src = pikepdf.open(io.BytesIO(data))
        out.pages.append(src.pages[0])
    buf = io.BytesIO()
    out.save(buf, static_id=True, deterministic_id=False, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return buf.getvalue()


class CachedCharts:
    """The charts of one document (``items``: normalized items of charts_pdf()), taken from the
    cache where they are; the missing ones are drawn by ``helper`` (started now) or here (at
    result()). result() is the charts PDF the painter places, page i for item i."""

    def __init__(self, items: tuple, helper=None):
        self._items = items
        self._keys = [chart_key(item) for item in items]
        self._found = [lookup(k) for k in self._keys]
        self._missing = [i for i, d in enumerate(self._found) if d is None]
        self._pending = None
        if helper is not None and self._missing:
            self._pending = helper.draw_each(tuple(items[i] for i in self._missing))
        self._data: bytes | None = None

    @property
    def drawn(self) -> int:
        """How many of the charts were not in the cache."""
        return len(self._missing)

    def result(self) -> bytes:
        if self._data is None:
            got = self._pending.result() if self._pending is not None else None
            for n, i in enumerate(self._missing):
                data = got[n] if got is not None else None
                if data is None:
                    data = draw_one(self._items[i])
                store(self._keys[i], data)
                self._found[i] = data
            self._data = assemble(self._found)
        return self._data
