"""Where a project is: the folder holding layouts/ (beside data/). Light: no heavy imports."""
from __future__ import annotations

from pathlib import Path


def project_root(start: Path) -> Path | None:
    """The nearest ancestor of ``start`` holding layouts/, else the working folder if it does."""
    for folder in [start, *start.parents, Path.cwd()]:
        if (folder / "layouts").is_dir():
            return folder
    return None
