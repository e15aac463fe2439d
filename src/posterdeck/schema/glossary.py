from __future__ import annotations

from pydantic import Field

from posterdeck.schema.base import Strict


class Glossary(Strict):
    """Abbreviation -> expansion. ``proper_names`` are all-caps words that are not abbreviations
    (brand and trial names), so that the linter does not ask for them."""

    glossary: dict[str, str] = Field(default_factory=dict)
    """Abbreviation -> expansion, e.g. {OS: overall survival}; the pages list those they show."""
    proper_names: list[str] = Field(default_factory=list)
    """All-caps words that are not abbreviations (brand and trial names), so that the linter does not ask for them."""
