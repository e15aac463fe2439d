"""Right-to-left scripts (Arabic, Hebrew, Syriac, Thaana, N'Ko, ...) are refused, not built wrong.

Setting them right takes the Unicode bidirectional algorithm (the order of every line as it is
broken), contextual shaping (Arabic letters join and change form), right-aligned layout and
``rtl`` paragraphs in the PPTX, all through compose, both renderers and the charts. Until then a
text in such a script, a target language written right to left, or a right-to-left control
character is an error naming the text and its place: the PDF would otherwise show the letters
unjoined and in reverse order, with exit 0.
"""
from __future__ import annotations

import re
import unicodedata

from posterdeck.errors import ContentError, Location

# the blocks of the right-to-left scripts, and the explicit right-to-left marks and embeddings
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u200f\u202b\u202e\u2067"
                  "\U00010800-\U00010fff\U0001e800-\U0001efff]")
_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "lrc", "mzn", "nqo", "ps",
              "sd", "syr", "ug", "ur", "yi"}
HINT = ("posterdeck cannot yet shape and order right-to-left text (joined letters, bidirectional "
        "line order, rtl paragraphs in the PPTX); write this text in a left-to-right script, or "
        "leave the language out of the deck's targets")


def first_rtl(text: str) -> str:
    """The first right-to-left character of ``text``, or ''."""
    m = _RTL.search(text)
    return m.group(0) if m else ""


def script_name(char: str) -> str:
    """'Arabic', 'Hebrew', ... for a letter; the control's own name for a mark."""
    name = unicodedata.name(char, "")
    if char in "\u200f\u202b\u202e\u2067":
        return name.lower() or f"U+{ord(char):04X}"
    word = name.split(" ")[0] if name else f"U+{ord(char):04X}"
    return {"NKO": "N'Ko"}.get(word, word.title())


def is_rtl_language(language: str) -> bool:
    """Whether a language subtag is written right to left (CLDR's character order, through Babel)."""
    if language in _LANGUAGES:
        return True
    try:
        from babel import Locale

        return Locale.parse(language).character_order == "right-to-left"
    except Exception:  # an unknown language is not refused here; formats report it
        return False


def check_text(text: str, what: str, where: Location) -> ContentError | None:
    """A ContentError when ``text`` holds a right-to-left character, naming the text and its place."""
    char = first_rtl(text)
    if not char:
        return None
    shown = " ".join(text.split())
    shown = shown[:50] + ("..." if len(shown) > 50 else "")
    return ContentError(f"right-to-left script ({script_name(char)}, U+{ord(char):04X}) in {what} is not supported "
                        f"yet: {shown!r}", where, hint=HINT)


def check_targets(targets: list[str], deck_src) -> list[ContentError]:
    """An error at the deck's targets line for every target whose language is written right to left."""
    out = []
    for i, tag in enumerate(targets):
        language = tag.split("-")[0]
        if is_rtl_language(language):
            out.append(ContentError(f"target {tag}: {language!r} is written right to left, which posterdeck "
                                    f"does not support yet", deck_src.where(("deck", "targets", i)), hint=HINT))
    return out


def check_references(model, keys: list[str], render) -> list[ContentError]:
    """An error at its item in the references file for every cited reference whose text
    (``render``: the reference as the pages print it) holds a right-to-left character."""
    src = model.sources.get("references")
    if src is None:
        return []
    data = src.data
    items = data.get("references", data) if isinstance(data, dict) else data
    prefix = ("references",) if isinstance(data, dict) else ()
    index = {it.get("id"): i for i, it in enumerate(items if isinstance(items, list) else [])
             if isinstance(it, dict)}
    out = []
    for key in keys:
        where = src.where(prefix + (index[key],)) if key in index else src.where()
        bad = check_text(render(model.references[key]), f"reference {key!r}", where)
        if bad is not None:
            out.append(bad)
    return out
