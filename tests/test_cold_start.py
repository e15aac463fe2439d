"""What a cold build saves at start-up (issue 14): matplotlib imported by the chart helper
without its long property help texts, yet drawing as before."""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import matplotlib.artist
real = matplotlib.artist.kwdoc
from posterdeck.charts import mpl
mpl.import_matplotlib()
from matplotlib.lines import Line2D
assert matplotlib.artist.kwdoc is real, "kwdoc not restored"
assert "Properties: see" in Line2D.set.__doc__, Line2D.set.__doc__[:200]
line = Line2D([0, 1], [0, 1])
line.set(color="red", linewidth=2.5)
assert line.get_color() == "red" and line.get_linewidth() == 2.5
import inspect
assert "linewidth" in inspect.signature(Line2D.set).parameters
print("ok")
"""


def test_matplotlib_imported_without_help_texts_still_sets_properties():
    res = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"
