"""The language a text is shown in: full BCP 47 tags, and text nodes marked with theirs (a text
shown in another language than the target's, for spell-checkers and screen readers)."""
from __future__ import annotations

from dataclasses import replace

from posterdeck.resolve.markup import Note, Text


def language_tag(language: str) -> str:
    """A full BCP 47 tag for a bare language ('en' -> 'en-US'), by CLDR's likely subtags."""
    if "-" in language:
        return language
    from babel.core import get_global

    likely = get_global("likely_subtags").get(language, "")
    parts = likely.split("_")
    region = next((p for p in parts[1:] if p.isupper() and len(p) == 2), "")
    return f"{language}-{region}" if region else language


def tag_language(nodes: tuple, tag: str) -> tuple:
    """The text nodes (footnote bodies too) marked as written in ``tag``."""
    out = []
    for n in nodes:
        if isinstance(n, Text) and not n.lang:
            n = replace(n, lang=tag)
        elif isinstance(n, Note) and n.body:
            n = replace(n, body=tag_language(n.body, tag))
        out.append(n)
    return tuple(out)
