"""Font subsets made once per process (charts/subsets.py): a chart drawn again, or another chart
showing the same glyphs, reuses matplotlib's subset of the font, and the chart PDFs are the same
bytes as matplotlib makes them on its own."""
from __future__ import annotations

import pytest

from posterdeck.charts import mpl, subsets


@pytest.fixture(scope="module")
def items(demo_docs):
    from posterdeck.render.pdf import chart_specs

    found = mpl.normalized(chart_specs(demo_docs["poster"])) + mpl.normalized(chart_specs(demo_docs["deck"]))
    assert len(found) >= 6
    return found


def _plain(items) -> list[bytes]:
    """Each chart drawn with matplotlib's own subsetting (the wrapper taken off for the call)."""
    from matplotlib.backends import _backend_pdf_ps as backend

    mpl.import_matplotlib()
    subsets.install()
    wrapped = backend.get_glyphs_subset, backend.font_as_file
    assert getattr(wrapped[0], "posterdeck", False) and subsets.ORIGINAL  # installed, matplotlib's kept
    try:
        backend.get_glyphs_subset, backend.font_as_file = subsets.ORIGINAL
        return [mpl._draw((item,)) for item in items]
    finally:
        backend.get_glyphs_subset, backend.font_as_file = wrapped


def test_kept_subsets_give_the_same_bytes_and_are_reused(items, monkeypatch):
    plain = _plain(items)
    monkeypatch.setattr(subsets, "_KEPT", {})
    before = subsets._MADE[0]
    first = [mpl._draw((item,)) for item in items]
    made = subsets._MADE[0] - before
    again = [mpl._draw((item,)) for item in items]
    assert first == plain and again == plain  # byte for byte, made or kept
    assert subsets._MADE[0] - before == made  # drawn again: every subset kept
    # the poster's and the deck's copies of a chart show the same glyphs: fewer subsets than fonts asked
    assert 0 < made < 2 * len(items)


def test_a_font_file_saved_anew_is_subset_anew(items, monkeypatch):
    """The key holds the file's size and modification time: a font rewritten in place (the cut
    copies are named by their content, so only a file saved over another) is subset again."""
    import os

    from posterdeck.charts.fonts import chart_font, chart_text

    mpl.import_matplotlib()
    subsets.install()
    monkeypatch.setattr(subsets, "_KEPT", {})
    chart = (items[0],)
    before = subsets._MADE[0]
    mpl._draw(chart)
    made = subsets._MADE[0] - before
    mpl._draw(chart)
    assert made >= 1 and subsets._MADE[0] - before == made
    cut = chart_font(items[0][5], chart_text([items[0][0]]))
    stat = os.stat(cut)
    os.utime(cut, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    mpl._draw(chart)
    assert subsets._MADE[0] - before == made + 1  # the regular font's subset made again
