"""Checks of resolved text that the build would otherwise meet only while laying out or painting:
link schemes, words no line can hold, characters the font cannot draw. Each returns what is
wrong (and a hint); the resolver reports it at the text's line, so `check` and `build` agree."""
from __future__ import annotations

import re
from pathlib import Path

from posterdeck.resolve.markup import Note

# the longest word (run of characters without a space) a text may hold: a line of a narrow
# poster column holds some 40 characters, so such a word is broken over lines; beyond this it is
# a mistake (pasted data, a missing space), and laying it out would cost seconds
MAX_WORD = 200
_LONG = re.compile(r"\S{%d,}" % (MAX_WORD + 1))


def links(nodes, theme) -> list[str]:
    """What is wrong with each link of ``nodes`` (footnote bodies included), by the theme's
    link_schemes (https, http, mailto by default)."""
    from posterdeck.loading.containment import LINK_SCHEMES, link_problem

    schemes = theme.link_schemes if theme is not None else LINK_SCHEMES
    out = []
    for node in nodes:
        if isinstance(node, Note):
            out.extend(links(node.body, theme))
        link = getattr(getattr(node, "style", None), "link", "")
        if link and (problem := link_problem(link, schemes)):
            out.append(problem)
    return out


def long_word(text: str) -> tuple[str, str] | None:
    m = _LONG.search(text)
    if m is None:
        return None
    return (f"a word of {len(m.group(0)):,} characters ({m.group(0)[:30]!r}...) cannot be laid out: no line "
            f"holds it (words of more than {MAX_WORD} characters are refused)",
            "break it with spaces, or shorten it (a long address can be a [link](https://...))")


def glyphs(text: str, theme, theme_dir: Path, language: str) -> tuple[str, str] | None:
    """The characters of ``text`` the regular font of ``language``'s family cannot draw."""
    from posterdeck.fonts import font_files, glyphs_problem, missing_glyphs

    path = font_files(theme, theme_dir, language)["regular"]
    try:
        missing = missing_glyphs(text, path)
    except Exception:  # a font that cannot be read was reported when the theme was loaded
        return None
    return glyphs_problem(missing, theme.family(language).name, text) if missing else None
