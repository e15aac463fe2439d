"""Font subsets made once per process: matplotlib's PDF backend cuts each font a chart uses down to
the glyphs it shows (fontTools, 6-10 ms a font), anew for every chart PDF. The charts of a
language ask the same glyphs again and again (the poster's and the deck's copy of a chart, the
targets of a batch that share a language: over half of the subsets of the 10-language batch), so
the subset's bytes and its glyph map are kept, keyed by the font file's path, face, size and
modification time and the glyphs asked, and handed back as matplotlib made them: the same bytes
in the chart PDF, with or without this (tested).

matplotlib's own functions are wrapped only while posterdeck draws a chart (``kept()``) and only
when its private module has the shape this was written for (matplotlib 3.11:
``_backend_pdf_ps.get_glyphs_subset`` and ``font_as_file``); otherwise charts are drawn as
matplotlib does, only slower.
"""
from __future__ import annotations

import io
import os
from contextlib import contextmanager

LIMIT = 512  # subsets kept (a few kB each)
_KEPT: dict[tuple, tuple[bytes, dict]] = {}
_MADE = [0]  # subsets made by matplotlib (tests count them)


class _Saved:
    """A kept subset where matplotlib expects its TTFont: font_as_file() gives its bytes back."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __enter__(self) -> _Saved:
        return self

    def __exit__(self, *exc) -> None:
        return None


@contextmanager
def kept():
    """Within the block, matplotlib's subsetting goes through the kept subsets; outside it,
    matplotlib's own functions are in place again (its PS backend, for one, needs the real font
    object). Nothing is wrapped when matplotlib's internals differ from what this was written for."""
    from matplotlib.backends import _backend_pdf_ps as backend

    make, as_file = getattr(backend, "get_glyphs_subset", None), getattr(backend, "font_as_file", None)
    if make is None or as_file is None or not hasattr(backend, "SubsetResults") or getattr(make, "posterdeck", False):
        yield
        return
    backend.get_glyphs_subset, backend.font_as_file = _wrapped(backend, make, as_file)
    try:
        yield
    finally:
        backend.get_glyphs_subset, backend.font_as_file = make, as_file


def _wrapped(backend, make, as_file) -> tuple:
    """matplotlib's two functions, kept subsets first."""

    @contextmanager
    def get_glyphs_subset(fontfile, glyphs):
        glyphs = list(glyphs)
        try:
            st = os.stat(fontfile)
            key = (os.fspath(fontfile), getattr(fontfile, "face_index", 0), st.st_size, st.st_mtime_ns,
                   frozenset(glyphs))
        except (OSError, TypeError):
            key = None
        found = _KEPT.get(key) if key is not None else None
        if found is None:
            _MADE[0] += 1
            with make(fontfile, glyphs) as subset:
                found = (as_file(subset.font).getvalue(), dict(subset.glyph_index_map))
            if key is not None:
                if len(_KEPT) >= LIMIT:
                    del _KEPT[next(iter(_KEPT))]
                _KEPT[key] = found
        yield backend.SubsetResults(_Saved(found[0]), dict(found[1]))

    def font_as_file(font):
        if isinstance(font, _Saved):
            return io.BytesIO(font.data)
        return as_file(font)

    get_glyphs_subset.posterdeck = True
    return get_glyphs_subset, font_as_file
