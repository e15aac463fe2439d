"""Citation locators, as pandoc writes them: ``[@kantarjian2016, p. 743]``,
``[@jabbour2020, fig. 2]``, ``[@a, pp. 33-35; @b, chap. 2]``, ``[@a, p. 4, emphasis added]``.

After a key's comma comes a locator term (the CSL terms citeproc knows in English, long or
short, singular or plural: ``p.``/``pp.``/``page``/``pages``, ``fig.``/``figure``, ``table``/
``tbl.``, ``chap.``, ``sec.``/``§``, ``para.``/``¶``, ``vol.``, ...) and its value, then an
optional suffix after a further comma. A locator that starts with a digit is a page (pandoc's
rule); ``{...}`` around a locator takes it as written. ``parse`` returns the locator as a
``Locator`` (the CSL label, the value as written and the suffix) and raises ``LocatorError``
for a term posterdeck does not know or a term without a value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

# CSL locator label -> its English terms (long singular, long plural, short singular, short plural, symbols)
TERMS: dict[str, tuple[str, ...]] = {
    "act": ("act", "acts"),
    "appendix": ("appendix", "appendices", "app.", "apps."),
    "article-locator": ("article", "articles", "art.", "arts."),
    "book": ("book", "books", "bk.", "bks."),
    "canon": ("canon", "canons", "c.", "cc."),
    "chapter": ("chapter", "chapters", "chap.", "chaps.", "ch."),
    "column": ("column", "columns", "col.", "cols."),
    "elocation": ("location", "locations", "loc.", "locs."),
    "equation": ("equation", "equations", "eq.", "eqs."),
    "figure": ("figure", "figures", "fig.", "figs."),
    "folio": ("folio", "folios", "fol.", "fols."),
    "issue": ("number", "numbers", "no.", "nos.", "issue", "issues"),
    "line": ("line", "lines", "l.", "ll."),
    "note": ("note", "notes", "n.", "nn."),
    "opus": ("opus", "opera", "op.", "opp."),
    "page": ("page", "pages", "p.", "pp."),
    "paragraph": ("paragraph", "paragraphs", "para.", "paras.", "¶", "¶¶"),
    "part": ("part", "parts", "pt.", "pts."),
    "rule": ("rule", "rules", "r.", "rr."),
    "scene": ("scene", "scenes", "sc.", "scs."),
    "section": ("section", "sections", "sec.", "secs.", "§", "§§"),
    "sub-verbo": ("sub verbo", "sub verbis", "s.v.", "s.vv."),
    "supplement": ("supplement", "supplements", "suppl.", "supp.", "supps."),
    "table": ("table", "tables", "tbl.", "tbls."),
    "timestamp": ("timestamp", "timestamps"),
    "title-locator": ("title", "titles", "tit.", "tits."),
    "verse": ("verse", "verses", "v.", "vv."),
    "volume": ("volume", "volumes", "vol.", "vols."),
}
_BY_TERM = {t: label for label, terms in TERMS.items() for t in terms}
# the longest term first, so that 'pp.' wins over 'p.' and 'sub verbo' over 'sub'
_TERM = re.compile(r"(%s)(?=[\s\d{(\[ivxlcdmIVXLCDM]|$)" % "|".join(
    re.escape(t) for t in sorted(_BY_TERM, key=len, reverse=True)), re.IGNORECASE)
# a locator's value: numbers (743, 33-35, S2, 3a), roman numerals (iv) or one capital (appendix A),
# in ranges and lists ('33-35, 38', '2 & 4'); it ends before a comma and a word (the suffix): after
# a comma only a token with a digit or a range goes on ('p. 4, ill.', 'p. 12, A summary': suffixes)
_NUMBER = r"[\w.:]*\d[\w.:\-\u2013\u2014]*"
_TOKEN = r"(?:%s|[ivxlcdm]+\b|[IVXLCDM]+\b|[A-Z]\b)" % _NUMBER
_AFTER_COMMA = r"(?:%s\s*[-\u2013\u2014]\s*%s|%s)" % (_TOKEN, _TOKEN, _NUMBER)
_VALUE = re.compile(r"%s(?:(?:\s*[-\u2013\u2014&]\s*|\s+and\s+)%s|\s*,\s*%s)*" % (_TOKEN, _TOKEN, _AFTER_COMMA))
_SHORT = {"page": ("p", "pp"), "figure": ("fig", "figs"), "table": ("table", "tables"),
          "chapter": ("chap", "chaps"), "section": ("sec", "secs"), "paragraph": ("para", "paras"),
          "volume": ("vol", "vols")}


class LocatorError(ValueError):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Locator:
    label: str = ""  # the CSL label ("page", "figure", "table"), "" without a locator
    value: str = ""  # as written: "743", "33-35", "2"
    suffix: str = ""  # text after the locator: "emphasis added"
    written: str = field(default="", compare=False)  # as the text writes it, for messages: "p. 998"

    def __bool__(self) -> bool:
        return bool(self.label or self.suffix)

    @property
    def plural(self) -> bool:
        return bool(re.search(r"[-–—,&]|\band\b", self.value))

    def short(self) -> str:
        """The locator as reviewers read it: 'p. 743', 'pp. 33-35', 'fig. 2', 'table 1'."""
        if not self.label:
            return ""
        one, many = _SHORT.get(self.label, (self.label.replace("-locator", ""), self.label.replace("-locator", "")))
        term = many if self.plural else one
        dot = "." if term in ("p", "pp", "fig", "figs", "chap", "chaps", "sec", "secs", "para", "paras", "vol", "vols") else ""
        return f"{term}{dot} {self.value}"

    def text(self) -> str:
        """Locator and suffix, as a key's name in review items: 'p. 743', 'p. 4, emphasis added'."""
        return ", ".join(x for x in (self.short(), self.suffix) if x)

    def ama(self) -> str:
        """What AMA prints in the superscript after the number: '(p743)', '(pp33-35)'; other
        locators print nothing (AMA 11th ed. 3.13: page numbers only)."""
        if self.label != "page":
            return ""
        return f"({'pp' if self.plural else 'p'}{self.value.replace(' ', '')})"


KNOWN = ", ".join(["p.", "pp.", "page", "fig.", "figure", "table", "tbl.", "chap.", "chapter", "sec.", "§",
                   "para.", "¶", "vol.", "line", "note", "..."])
HINT = (f"write [@key, p. 743], [@key, pp. 33-35], [@key, fig. 2], [@key, table 1] or [@key, chap. 2], "
        f"and a suffix after a further comma ([@key, p. 4, emphasis added]); locator terms: {KNOWN}")


def parse(rest: str) -> Locator:
    """The locator and suffix written after a citation key's comma (``rest`` without that comma)."""
    s = rest.strip()
    if not s:
        raise LocatorError("a citation with a comma but no locator after it", HINT)
    return replace(_parse(s, rest), written=s)


def _parse(s: str, rest: str) -> Locator:
    if s.startswith("{"):
        end = s.find("}")
        if end < 0:
            raise LocatorError(f"unclosed '{{' in the locator {rest.strip()!r}", HINT)
        inner, after = s[1:end].strip(), s[end + 1:].strip()
        loc = _term_value(inner, rest, braced=True)
        return Locator(loc.label, loc.value, _suffix(after))
    return _term_value(s, rest)


def _suffix(after: str) -> str:
    return after[1:].strip() if after.startswith(",") else after.strip()


def _term_value(s: str, rest: str, braced: bool = False) -> Locator:
    m = _TERM.match(s)
    if m:
        label, at = _BY_TERM[m.group(1).lower()], m.end()
    elif s[:1].isdigit():
        label, at = "page", 0  # pandoc: a locator without a term is a page
    else:
        word = re.match(r"([^\W\d_]+\.?)\s*(\d+)", s)
        if word:  # 'pg. 4', 'Abb. 2': a term posterdeck does not know, before a number
            raise LocatorError(f"unknown locator term {word.group(1)!r} in {rest.strip()!r}", HINT)
        return Locator("", "", s)  # a suffix alone: [@a, emphasis added]
    tail = s[at:].strip()
    if braced:
        if not tail:
            raise LocatorError(f"locator term {m.group(1)!r} without a value in {rest.strip()!r}", HINT)
        return Locator(label, tail)
    v = _VALUE.match(tail)
    if not v:
        term = m.group(1) if m else "page"
        raise LocatorError(f"locator term {term!r} without a value (a number, range or roman numeral) in "
                           f"{rest.strip()!r}", HINT)
    value = v.group(0).rstrip(".:")
    return Locator(label, value, _suffix(tail[v.end():].strip()))


def written(key: str, loc: Locator) -> str:
    """The citation of one key as a translation must keep it: '[@key]', '[@key, page 743]'
    (the label, not the term, so that 'p. 743' and 'page 743' are the same fact; a suffix is
    words, which a translation translates)."""
    if not loc.label:
        return f"[@{key}]"
    return f"[@{key}, {loc.label} {loc.value}]"
