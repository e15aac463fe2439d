"""The break rules compose applied, written into the text for a renderer that wraps itself
(PowerPoint): where compose keeps tokens together, the text carries no-break characters, so
that the other wrapper cannot break there either.

- the spaces around an operator (``n = 111``, ``P < 0.001``) become no-break spaces (U+00A0);
- a hyphen inside a word becomes a no-break hyphen (U+2011), and a slash inside a word
  (``R/R``, ``CR/CRi``) is followed by a word joiner (U+2060); a code of capitals and digits
  (the job code ``PP-INO-GLB-0137``) keeps its plain hyphens, so that a reader can find it
  and copy it as it is written;
- where compose did break inside a word, the break stays possible: a hyphen or slash it broke
  after stays plain; a break it made between syllables (adding a hyphen) or, as a last resort,
  between characters is written as that hyphen and a line break (``\\n``), which the renderer
  must obey.

The PDF draws the composed lines, which keep the plain characters.
"""
from __future__ import annotations

import re
from functools import lru_cache

from posterdeck.pagemodel import NBHY, NBSP, WJ
ALL = NBSP + NBHY + WJ
GLUE = {"=", "<", ">", "\u2264", "\u2265", "\u00b1", "\u00d7"}
CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)+")


def rewrite(text: str, lines: list[str], have: str = ALL) -> list[str]:
    """For each character of ``text``, what a self-wrapping renderer gets instead, given the
    ``lines`` compose broke ``text`` into (an empty list: no breaks known). ``have``: the
    no-break characters the font has (one it lacks is not written: the viewer would draw it
    from another font)."""
    out = list(text)
    if NBSP in have:
        _glue(text, out)
    breaks = _breaks(text, lines)
    for i, ch in enumerate(text):
        if ch not in "-/" or i in breaks:
            continue
        if 0 < i < len(text) - 1 and not text[i - 1].isspace() and not text[i + 1].isspace():
            if ch == "-" and NBHY in have and not _in_code(text, i):
                out[i] = NBHY
            elif ch == "/" and WJ in have:
                out[i] = "/" + WJ
    for i, kind in breaks.items():
        if kind == "hyphen":  # a hyphen compose added between syllables: it shows where the line broke
            out[i] = "-\n" + out[i]
        elif kind == "char":
            out[i] = "\n" + out[i]
    return out


def _in_code(text: str, i: int) -> bool:
    """Whether the hyphen at ``i`` belongs to a code of capitals and digits (a job code)."""
    start = text.rfind(" ", 0, i) + 1
    end = text.find(" ", i)
    word = text[start:end if end >= 0 else len(text)].strip(".,;:()[]")
    return CODE.fullmatch(word) is not None


def _glue(text: str, out: list[str]) -> None:
    """The spaces that compose.text._glue joins become no-break spaces (the same rule)."""
    tokens, start = [], None
    for i, ch in enumerate(text + " "):
        if ch == " ":
            if start is not None:
                tokens.append((start, i))
                start = None
        elif start is None:
            start = i
    pending = False
    for k, (a, b) in enumerate(tokens):
        word = text[a:b]
        if k and (pending or word in GLUE):
            for j in range(tokens[k - 1][1], a):
                out[j] = NBSP
            pending = word in GLUE
        else:
            pending = False


def _breaks(text: str, lines: list[str]) -> dict[int, str]:
    """Where compose broke ``text`` other than at a space: index of the character that begins
    the next line -> "segment" (after a hyphen or slash of the text), "hyphen" (compose added
    a hyphen) or "char"."""
    found: dict[int, str] = {}
    pos = 0
    for n, line in enumerate(lines):
        while pos < len(text) and text[pos] == " ":
            pos += 1
        added = False
        if text.startswith(line, pos):
            pos += len(line)
        elif line.endswith("-") and text.startswith(line[:-1], pos):
            pos += len(line) - 1
            added = True
        else:
            return found  # the lines do not retrace the text (should not happen): no breaks known
        if n == len(lines) - 1 or pos >= len(text) or text[pos] == " ":
            continue
        if added:
            found[pos] = "hyphen"
        elif text[pos - 1] in "-/":
            found[pos - 1] = "segment"  # the hyphen or slash it broke after stays breakable
        else:
            found[pos] = "char"
    return found


def keep_lines(lines, have: str = ALL) -> tuple[str, ...]:
    """Composed lines shown with a break between each (table cells): within each line, the
    no-break characters; the lines themselves as composed (a hyphen where a word broke)."""
    return _keep_lines(tuple(lines), have)


@lru_cache(maxsize=8192)
def _keep_lines(lines: tuple[str, ...], have: str) -> tuple[str, ...]:  # a table asks its cells at many sizes
    out = []
    for line in lines:
        out.append("".join(rewrite(line, [line], have)))
    return tuple(out)
