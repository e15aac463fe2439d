"""Hyphenation patterns read on demand: pyphen's HyphDict parses every pattern of a dictionary
file before the first word (over half a second for German's 66,000 patterns), where a target
hyphenates a few hundred words that look up a few thousand of them. LazyHyphDict indexes the
file's lines by pattern key (its letters, the digits taken out: a few hundredths of a second)
and parses a pattern with pyphen's own code the first time a word looks it up, so that every
word gets the same hyphenation points as with pyphen's parse (tested on whole dictionaries)."""
from __future__ import annotations

from pathlib import Path

import pyphen

_DIGITS = str.maketrans("", "", "0123456789")


class LazyHyphDict(pyphen.HyphDict):
    """pyphen.HyphDict of ``path`` with its patterns parsed as words look them up."""

    def __init__(self, path: Path):  # noqa: D107  (pyphen's __init__ parses everything: not called)
        found = index(path)
        if found is None:
            # a digit pyphen's \d sees beyond 0-9: the keys would differ, so parse it all
            pyphen.HyphDict.__init__(self, path)
            return
        self._use(*found)

    @classmethod
    def from_index(cls, lines: dict[str, str | list[str]], maxlen: int) -> LazyHyphDict:
        """The dictionary of an index made by index() (e.g. read back from the disk cache)."""
        made = cls.__new__(cls)
        made._use(lines, maxlen)
        return made

    def _use(self, lines: dict[str, str | list[str]], maxlen: int) -> None:
        self.patterns = _Patterns(lines)
        self.cache = {}
        # at least pyphen's maxlen (the longest key of a pattern not all zeros): a word looks up
        # a longer piece in vain, so the points are the same
        self.maxlen = maxlen


def index(path: Path) -> tuple[dict[str, str | list[str]], int] | None:
    """The lines of the dictionary file ``path`` by pattern key (its letters, the digits taken
    out), and the longest key; None when the file has a digit beyond 0-9 (parse it all then).
    Plain data: the disk cache keeps it (compose/text.py)."""
    with path.open("rb") as fd:
        encoding = fd.readline().decode()
    if encoding.lower() == "microsoft-cp1251":
        encoding = "cp1251"
    text = path.read_text(encoding)
    if any(c.isdecimal() for c in set(text) if not c.isascii()):
        return None
    lines: dict[str, str | list[str]] = {}
    longest = 0
    for pattern in text.split("\n")[1:]:
        pattern = pattern.strip()
        if not pattern or pattern.startswith(pyphen.ignored):
            continue
        if "^^" in pattern:
            pattern = pyphen.parse_hex(lambda match: chr(int(match.group(1), 16)), pattern)
        head = pattern.split("/", 1)[0] if "/" in pattern and "=" in pattern else pattern
        key = head.translate(_DIGITS)
        seen = lines.get(key)
        if seen is None:
            lines[key] = pattern
            longest = max(longest, len(key))
        elif isinstance(seen, list):
            seen.append(pattern)
        else:  # the same key twice: pyphen keeps the last one that is not all zeros
            lines[key] = [seen, pattern]
    return lines, longest


def valid_index(found: object) -> bool:
    """Whether ``found`` (read back from the disk cache) has the shape index() makes."""
    if not (isinstance(found, tuple) and len(found) == 2):
        return False
    lines, maxlen = found
    if not (isinstance(lines, dict) and type(maxlen) is int and maxlen >= 0):
        return False
    return all(type(k) is str for k in lines) and all(
        type(v) is str or (type(v) is list and all(type(x) is str for x in v)) for v in lines.values())


class _Patterns:
    """The mapping HyphDict.positions() reads with get(): pattern key -> (start, values)."""

    def __init__(self, lines: dict[str, str | list[str]]):
        self._lines = lines
        self._parsed: dict[str, tuple | None] = {}

    def get(self, key: str, default=None):
        try:
            found = self._parsed[key]
        except KeyError:
            line = self._lines.get(key)
            if line is None:
                found = None
            elif isinstance(line, list):
                found = None
                for each in line:
                    found = _parse(each) or found
            else:
                found = _parse(line)
            self._parsed[key] = found
        return default if found is None else found


def _parse(pattern: str) -> tuple | None:
    """One pattern line as pyphen.HyphDict.__init__ parses it: (start, values), or None when its
    values are all zeros (pyphen skips it)."""
    if "/" in pattern and "=" in pattern:
        pattern, alternative = pattern.split("/", 1)
        factory = pyphen.AlternativeParser(pattern, alternative)
    else:
        factory = int
    tags, values = zip(*[(string, factory(i or "0")) for i, string in pyphen.parse(pattern)])
    if max(values) == 0:
        return None
    start, end = 0, len(values)
    while not values[start]:
        start += 1
    while not values[end - 1]:
        end -= 1
    return start, values[start:end]


def full_patterns(hd: pyphen.HyphDict) -> dict:
    """Every pattern of ``hd`` parsed (pyphen's own HyphDict.patterns, or all of a LazyHyphDict's), for tests."""
    if not isinstance(hd.patterns, _Patterns):
        return dict(hd.patterns)
    found = {key: hd.patterns.get(key) for key in hd.patterns._lines}
    return {k: v for k, v in found.items() if v is not None}


