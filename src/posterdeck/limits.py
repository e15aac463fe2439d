"""Hard limits of the output formats, found before anything is written.

- Metadata: PowerPoint's core properties (title, subject, author, keywords) hold 255 characters
  each. Longer values are shortened at a word boundary with an ellipsis, in every output, so
  that the PDF and the PPTX carry the same title; the pages show the text whole.
- Content: every part of a PPTX is XML 1.0, which cannot hold control characters other than
  tab, line feed and carriage return (YAML lets them in through escapes such as "\\v"). Such a
  character is an error naming the file and line, not a crash when the PPTX is written.
Light: no heavy imports, so that check and loading stay fast.
"""
from __future__ import annotations

import re

META_LIMIT = 255
ELLIPSIS = "\u2026"

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def shorten(text: str, limit: int = META_LIMIT) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at the last word boundary that
    leaves room for an ellipsis (mid-word only when a single word is longer than the limit)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[:limit - 1]
    cut = room.rfind(" ")
    head = room[:cut] if cut > limit // 2 else room
    return head.rstrip(" ,;:.\u2013\u2014-") + ELLIPSIS


def not_xml(text: str) -> list[str]:
    """The characters of ``text`` that XML 1.0 (and so a PPTX) cannot hold, in order, once each."""
    return list(dict.fromkeys(_NOT_XML.findall(text)))


def describe(chars: list[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in chars)


def strings(data, path: tuple = ()):
    """(path, text) of every string in loaded YAML data, keys included."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            if isinstance(k, str):
                yield path + (k,), k
            yield from strings(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from strings(v, path + (i,))


def check_sources(sources: dict, errors: list) -> None:
    """An InputError for every string of the loaded YAML files that a PPTX cannot hold."""
    from posterdeck.errors import InputError

    for src in sources.values():
        if src is None or not src.lines:  # CSL-JSON carries no lines; json.loads rejects control characters
            continue
        for path, text in strings(src.data):
            bad = not_xml(text)
            if bad:
                errors.append(InputError(
                    f"control character {describe(bad)} in {text[:60]!r}: a PowerPoint file cannot hold it",
                    src.where(path), hint="delete it (it is invisible; often pasted from a word processor "
                                          "or written as an escape such as \\v in double quotes)"))
