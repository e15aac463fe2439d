"""posterdeck's inline markup, a small subset of pandoc's Markdown:

    **bold**  *italic*  ^superscript^  ~subscript~  [text](url)
    [@key]  [@a; @b]          citations, numbered in order of first use
    [@a, p. 743; @b, fig. 2]  citations with pandoc locators (resolve.locators)
    ^[footnote text]  [^id]   footnotes, lettered a, b, c per page
    {{ path | format }}       a value of the study data, formatted for the target
    \\*                        a literal character

``parse`` returns a flat list of inline nodes; styles are flags on each node.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    script: str = ""  # "", "sup" or "sub"
    link: str = ""


@dataclass(frozen=True)
class Text:
    text: str
    style: Style = Style()
    source: str = ""  # the study data path a placeholder rendered, for change reports
    lang: str = ""  # BCP 47 tag when the text is not in the target's language (a fallback to the source)
    fmt: str = field(default="", compare=False, repr=False)  # the format of the placeholder that printed it
    ctx: str = field(default="", compare=False, repr=False)  # the context of the text it belongs to
    # ('sections.crcri.summary'), for review items; set by the resolver, not part of what prints


@dataclass(frozen=True)
class Cite:
    keys: tuple[str, ...]
    style: Style = Style()
    locators: tuple = ()  # one resolve.locators.Locator per key (empty: none given)

    def locator(self, i: int):
        from posterdeck.resolve.locators import Locator

        return self.locators[i] if i < len(self.locators) else Locator()


@dataclass(frozen=True)
class Note:
    """A footnote: inline (``body``) or by id (``ref``), resolved per section."""

    body: tuple = ()
    ref: str = ""
    style: Style = Style()


@dataclass(frozen=True)
class Placeholder:
    path: str
    fmt: str = ""
    style: Style = Style()


Inline = Text | Cite | Note | Placeholder


class MarkupError(ValueError):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*(?:\|\s*([A-Za-z_]+)\s*)?\}\}")
_CITE = re.compile(r"\[(@[^\]]+)\]")
_NOTEREF = re.compile(r"\[\^([A-Za-z0-9_\-]+)\]")


# footnotes and links nested in one another, at most: an honest text nests two or three
MAX_NESTING = 20


def parse(text: str, depth: int = 0) -> list[Inline]:
    return list(_parse(text, depth))


@lru_cache(maxsize=8192)
def _parse(text: str, depth: int) -> tuple[Inline, ...]:
    """Once per text: the targets of a build parse the same source texts and catalogues (the
    nodes are frozen, so sharing them is safe)."""
    return tuple(_Parser(text, depth=depth).run())


@dataclass
class _Parser:
    src: str
    out: list = field(default_factory=list)
    buf: list = field(default_factory=list)
    style: Style = Style()
    depth: int = 0

    def __post_init__(self):
        if self.depth > MAX_NESTING:
            raise MarkupError(f"footnotes or links nested more than {MAX_NESTING} deep",
                              "a footnote ^[...] may hold another, a few levels at most")

    def flush(self):
        if self.buf:
            self.out.append(Text("".join(self.buf), self.style))
            self.buf = []

    def set_style(self, **kw):
        self.flush()
        self.style = replace(self.style, **kw)

    def run(self) -> list[Inline]:
        s, i = self.src, 0
        while i < len(s):
            c = s[i]
            if c == "\\" and i + 1 < len(s):
                self.buf.append(s[i + 1])
                i += 2
                continue
            if s.startswith("{{", i):
                m = _PLACEHOLDER.match(s, i)
                if not m:
                    raise MarkupError(f"malformed placeholder near {s[i:i + 30]!r}",
                                      "write {{ results.name }} or {{ results.name | pct }}")
                self.flush()
                self.out.append(Placeholder(m.group(1), m.group(2) or "", self.style))
                i = m.end()
                continue
            if s.startswith("^[", i):
                end = _matching(s, i + 1)
                if end < 0:
                    raise MarkupError("unclosed footnote '^['", "close it with ']'")
                self.flush()
                self.out.append(Note(body=tuple(parse(s[i + 2:end], self.depth + 1)), style=self.style))
                i = end + 1
                continue
            if s.startswith("[@", i):
                m = _CITE.match(s, i)
                if not m:
                    raise MarkupError("unclosed citation '[@'", "write [@key] or [@a; @b]")
                keys, locators = _citation(m.group(0), m.group(1))
                self.flush()
                self.out.append(Cite(keys, self.style, locators if any(locators) else ()))
                i = m.end()
                continue
            if s.startswith("[^", i):
                m = _NOTEREF.match(s, i)
                if not m:
                    raise MarkupError("malformed footnote reference '[^'", "write [^id] with an id from footnotes:")
                self.flush()
                self.out.append(Note(ref=m.group(1), style=self.style))
                i = m.end()
                continue
            if c == "[":
                end = _matching(s, i)
                if end > 0 and s.startswith("(", end + 1):
                    url, after = _destination(s, end + 1)
                    inner = _Parser(s[i + 1:end], style=replace(self.style, link=url), depth=self.depth + 1).run()
                    self.flush()
                    self.out.extend(inner)
                    i = after
                    continue
            if s.startswith("**", i):
                self.set_style(bold=not self.style.bold)
                i += 2
                continue
            if c == "*":
                self.set_style(italic=not self.style.italic)
                i += 1
                continue
            if c in "^~":
                script = "sup" if c == "^" else "sub"
                if self.style.script == script:
                    self.set_style(script="")
                    i += 1
                    continue
                close = s.find(c, i + 1)
                if not self.style.script and close > i + 1 and " " not in s[i + 1:close]:
                    self.set_style(script=script)
                    i += 1
                    continue
            self.buf.append(c)
            i += 1
        self.flush()
        if self.style.bold or self.style.italic:
            raise MarkupError("unclosed ** or *", "every **bold** and *italic* needs its closing marker")
        return self.out


_KEY = re.compile(r"@([^\s,;]+)\s*(?:,(.*))?$", re.S)


def _citation(whole: str, inner: str) -> tuple[tuple[str, ...], tuple]:
    """The keys of ``[@a, p. 4; @b]`` and a locator per key (resolve.locators)."""
    from posterdeck.resolve.locators import Locator, LocatorError, parse as parse_locator

    keys, locators = [], []
    for part in inner.split(";"):
        m = _KEY.match(part.strip())
        if not m:
            raise MarkupError(f"malformed citation {whole!r}",
                              "write [@a; @b], with a locator after a comma: [@a, p. 743; @b, fig. 2]")
        keys.append(m.group(1))
        if m.group(2) is None:
            locators.append(Locator())
            continue
        try:
            locators.append(parse_locator(m.group(2)))
        except LocatorError as exc:
            raise MarkupError(f"citation {whole!r}: {exc}", exc.hint) from None
    return tuple(keys), tuple(locators)


def _matching(s: str, start: int) -> int:
    """Index of the ']' matching the '[' at ``start``, or -1 (a '\\]' does not count)."""
    depth = 0
    j = start
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "[":
            depth += 1
        elif s[j] == "]":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_FIX = ("write a lone parenthesis of the address as %28 or %29, or put the whole address in angle brackets: "
        "[text](<https://...>)")


def _destination(s: str, start: int) -> tuple[str, int]:
    """The address of a link whose '(' is at ``start``, and the index after its ')'. As in
    CommonMark and pandoc: balanced parentheses belong to the address (``Response_(medicine)``,
    ``S1470-2045(19)30863-0``), nested ones too; an unmatched ')' ends it; ``<...>`` holds any
    address; a backslash escapes punctuation. An address left open, or followed by anything but
    its ')', is an error rather than a link cut short."""
    i = start + 1
    while i < len(s) and s[i] in " \t\n":
        i += 1
    chars: list[str] = []
    if s.startswith("<", i):
        i += 1
        while i < len(s) and s[i] not in "<>\n":
            if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in _PUNCT:
                i += 1
            chars.append(s[i])
            i += 1
        if not s.startswith(">", i):
            raise MarkupError(f"link address {s[start + 1:i + 1][:80]!r}: '<' is not closed by '>'",
                              "write [text](<https://...>), with no '<' or line break inside")
        i += 1
    else:
        depth = 0
        while i < len(s) and s[i] not in " \t\n":
            c = s[i]
            if c == "\\" and i + 1 < len(s) and s[i + 1] in _PUNCT:
                chars.append(s[i + 1])
                i += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            chars.append(c)
            i += 1
        if depth:
            raise MarkupError(f"link address {''.join(chars)[:80]!r} has a '(' that is not closed",
                              f"close it with ')' inside the address, or {_FIX}")
    url = "".join(chars)
    while i < len(s) and s[i] in " \t\n":
        i += 1
    if not s.startswith(")", i):
        rest = s[i:i + 20]
        why = ("takes the ')' meant to close the link for its own '(' (an address keeps its parentheses "
               "in pairs)" if "(" in url else f"is followed by {rest!r} before its ')'" if rest else
               "is not closed by ')'")
        raise MarkupError(f"link address {url[:80]!r} {why}",
                          "close the address with ')'; an address holds no spaces (write %20); " + _FIX)
    return url, i + 1


def plain(nodes) -> str:
    """The text of nodes, markers left out (for alt text and linting)."""
    return "".join(n.text for n in nodes if isinstance(n, Text))
