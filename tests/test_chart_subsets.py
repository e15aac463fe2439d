"""Font subsets made once per process (charts/subsets.py): a chart drawn again, or another chart
showing the same glyphs, reuses matplotlib's subset of the font, and the chart PDFs are the same
bytes as matplotlib makes them on its own. matplotlib's functions are wrapped only while
posterdeck draws."""
from __future__ import annotations

import contextlib
import os

import pytest

from posterdeck.charts import mpl, subsets


@pytest.fixture(scope="module")
def items(demo_docs):
    from posterdeck.render.pdf import chart_specs

    found = mpl.normalized(chart_specs(demo_docs["poster"])) + mpl.normalized(chart_specs(demo_docs["deck"]))
    assert len(found) >= 6
    return found


def test_kept_subsets_give_the_same_bytes_and_are_reused(items, monkeypatch):
    mpl.import_matplotlib()
    with monkeypatch.context() as plain:
        plain.setattr(subsets, "kept", contextlib.nullcontext)  # matplotlib's own subsetting
        before = subsets._MADE[0]
        alone = [mpl._draw((item,)) for item in items]
        assert subsets._MADE[0] == before  # nothing went through the wrapper
    monkeypatch.setattr(subsets, "_KEPT", {})
    before = subsets._MADE[0]
    first = [mpl._draw((item,)) for item in items]
    made = subsets._MADE[0] - before
    again = [mpl._draw((item,)) for item in items]
    assert first == alone and again == alone  # byte for byte, made or kept
    assert subsets._MADE[0] - before == made  # drawn again: every subset kept
    # the poster's and the deck's copies of a chart show the same glyphs: fewer subsets than fonts asked
    assert 0 < made < 2 * len(items)


def test_matplotlib_is_itself_again_outside_posterdeck_drawing(items, tmp_path):
    """After a chart is drawn, matplotlib's own functions are back: its PS backend, which needs
    the real font object, saves a Type 42 figure."""
    import matplotlib
    from matplotlib.backends import _backend_pdf_ps as backend
    from matplotlib.figure import Figure

    mpl.import_matplotlib()
    own = backend.get_glyphs_subset, backend.font_as_file
    mpl._draw((items[0],))
    assert (backend.get_glyphs_subset, backend.font_as_file) == own
    fig = Figure(figsize=(2, 1))
    fig.text(0.1, 0.5, "Ps 42")
    with matplotlib.rc_context({"ps.fonttype": 42}):
        fig.savefig(tmp_path / "f.ps", format="ps")
    assert (tmp_path / "f.ps").stat().st_size > 0


def test_a_font_file_saved_anew_is_subset_anew(items, monkeypatch):
    """The key holds the file's size and modification time: a font rewritten in place (the cut
    copies are named by their content, so only a file saved over another) is subset again."""
    from posterdeck.charts.fonts import chart_font, chart_text

    mpl.import_matplotlib()
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
