"""A strict reading of a gettext PO file's syntax, before Babel reads it.

Babel's reader is lenient: it silently keeps one of two entries with the same context and source
text, ends an unterminated string at the line's end and passes unknown escapes through. A
catalogue is what a build prints, so each of these is an error at its file and line here. The
reader also returns the line of every entry's msgstr, where a translation's problems are said.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from posterdeck.errors import InputError, Location

_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)$")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}
HINT = "fix the PO syntax, or delete the file and run posterdeck i18n extract"


@dataclass
class PoEntry:
    """One entry as written: its context, source text, translation and the lines they start on."""

    context: str
    msgid: str
    msgstr: str
    msgid_line: int
    msgstr_line: int
    fuzzy: bool


def _string(text: str, path: Path, line: int, errors: list) -> str:
    """The value of one quoted PO string (the rest of a line after its keyword)."""
    text = text.strip()
    if not text.startswith('"'):
        errors.append(InputError(f"expected a quoted string, found {text[:40]!r}", Location(str(path), line), HINT))
        return ""
    out, i = [], 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt not in _ESCAPES:
                bad = "\\" + nxt
                errors.append(InputError(f"unknown escape {bad!r} in a PO string", Location(str(path), line),
                                         'write \\\\ for a backslash, \\" for a quote, \\n for a new line'))
                return "".join(out)
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        if c == '"':
            rest = text[i + 1:].strip()
            if rest:
                errors.append(InputError(f"text after the closing quote: {rest[:40]!r}", Location(str(path), line),
                                         'escape a quote inside a string as \\"'))
            return "".join(out)
        out.append(c)
        i += 1
    errors.append(InputError("unterminated string: the line ends before its closing quote",
                             Location(str(path), line), 'end every PO string on its line with " (a new line is \\n)'))
    return "".join(out)


def read_entries(path: Path, data: bytes) -> list[PoEntry]:
    """The entries of a PO file, or InputErrors (collected) at the line of each syntax problem:
    bad or unterminated strings, stray lines, entries without msgid or msgstr, duplicates."""
    from posterdeck.errors import collect

    errors: list = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError("the catalogue is not UTF-8 text", Location(str(path), line),
                         hint="save it as UTF-8 (the charset extract writes)") from None
    entries: list[PoEntry] = []
    cur: dict = {}
    last = ""  # the keyword the next continuation line belongs to
    flags_fuzzy = False

    def finish():
        nonlocal cur, flags_fuzzy
        if cur:
            if "msgid" not in cur:
                errors.append(InputError("an entry without msgid", Location(str(path), cur["first"]), HINT))
            elif "msgstr" not in cur:
                errors.append(InputError(f"the entry {cur['msgid'][0][:40]!r} has no msgstr",
                                         Location(str(path), cur["msgid"][1]), HINT))
            else:
                entries.append(PoEntry(cur.get("msgctxt", ("", 0))[0], cur["msgid"][0], cur["msgstr"][0],
                                       cur["msgid"][1], cur["msgstr"][1], cur["fuzzy"]))
        cur, flags_fuzzy = {}, False

    for n, raw in enumerate(text.split("\n"), 1):  # not splitlines(): a \v or \x1c inside a string is no line end
        line = raw.strip(" \t\r")
        if not line:
            finish()
            last = ""
            continue
        if line.startswith("#"):
            if cur and "msgstr" in cur:
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                flags_fuzzy = True
            last = ""
            continue
        m = _KEYWORD.match(line)
        if m:
            key = "msgstr" if m.group(1).startswith("msgstr") else m.group(1)
            if key in ("msgctxt", "msgid") and cur and "msgstr" in cur:
                finish()  # entries not separated by a blank line
            if not cur:
                cur = {"first": n, "fuzzy": flags_fuzzy}
            if key in cur and not m.group(1).startswith("msgstr["):
                errors.append(InputError(f"{key} given twice in one entry", Location(str(path), n), HINT))
            value = _string(m.group(2), path, n, errors)
            if key not in cur:
                cur[key] = (value, n)
            last = key
            continue
        if line.startswith('"'):
            if not last or not cur:
                errors.append(InputError(f"a string outside any entry: {line[:40]!r}", Location(str(path), n), HINT))
                continue
            value, at = cur[last]
            cur[last] = (value + _string(line, path, n, errors), at)
            continue
        errors.append(InputError(f"not PO syntax: {line[:40]!r}", Location(str(path), n),
                                 "a line is a comment (#), a keyword (msgctxt, msgid, msgstr) or a quoted string"))
    finish()
    seen: dict = {}
    for e in entries:
        key = (e.context, e.msgid)
        if key in seen:
            errors.append(InputError(f"duplicate entry for {e.context or '(no context)'!r} "
                                     f"({' '.join(e.msgid.split())[:40]!r}); the first is at line {seen[key]}",
                                     Location(str(path), e.msgid_line),
                                     "delete one of them: a catalogue holds one translation per text"))
        else:
            seen[key] = e.msgid_line
    collect(errors)
    return entries
