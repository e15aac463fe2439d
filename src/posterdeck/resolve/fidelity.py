"""A translation may change words, never facts: it keeps exactly its source's placeholders (the
same data paths with the same formats, as many times each, in the same order), citations,
footnote markers, inline footnotes and link addresses, and its markup is balanced. ``differences`` says what a
translation changes; the resolver and ``i18n status`` turn each into an error at the msgstr's
line of the catalogue, with the source text's place beside it."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from posterdeck.resolve import markup
from posterdeck.resolve.locators import written as cited
from posterdeck.resolve.markup import Cite, Note, Placeholder, Text

# characters the parser prints as they are when they do not pair up: more of them in a translation
# than in its source is a marker that lost its partner (^sup without its closing ^, a link's [ or ])
_LONE = "^~[]*"


@dataclass
class Facts:
    placeholders: Counter = field(default_factory=Counter)  # '{{ path | fmt }}'
    order: list = field(default_factory=list)  # the placeholders as they come in the text
    citations: Counter = field(default_factory=Counter)  # '[@key]', '[@key, page 743]'
    notes: Counter = field(default_factory=Counter)  # '[^id]'
    inline_notes: int = 0
    links: Counter = field(default_factory=Counter)  # the addresses of the links, once each
    lone: Counter = field(default_factory=Counter)  # markup characters printed as text
    written: dict = field(default_factory=dict)  # citation as compared -> as the text writes it ('[@a, p. 743]')


def facts(nodes) -> Facts:
    out = Facts()
    _walk(nodes, out)
    return out


def _walk(nodes, out: Facts) -> None:
    for n in nodes:
        link = getattr(getattr(n, "style", None), "link", "")
        if isinstance(n, Placeholder):
            written = "{{ %s }}" % (n.path + (f" | {n.fmt}" if n.fmt else ""))
            out.placeholders[written] += 1
            out.order.append(written)
        elif isinstance(n, Cite):
            # with its locator ('[@a, page 743]'): a translation keeps where in the source it points
            for i, k in enumerate(n.keys):
                key = cited(k, n.locator(i))
                out.citations[key] += 1
                out.written.setdefault(key, f"[@{k}, {n.locator(i).written}]" if n.locator(i).written else key)
        elif isinstance(n, Note):
            if n.ref:
                out.notes[f"[^{n.ref}]"] += 1
            else:
                out.inline_notes += 1
                _walk(n.body, out)
        elif isinstance(n, Text):
            out.lone.update(c for c in n.text if c in _LONE)
        if link:
            out.links[link] = 1  # a link of several styled runs is one link


def _compare(what: str, src: Counter, tr: Counter, src_names: dict | None = None,
             tr_names: dict | None = None) -> list[str]:
    """``src_names``, ``tr_names``: how each side writes what is compared (a locator as written)."""
    lost = sorted((src_names or {}).get(x, x) for x in (src - tr).elements())
    added = sorted((tr_names or {}).get(x, x) for x in (tr - src).elements())
    if lost and added:
        return [f"it has {', '.join(added)} where the source has {', '.join(lost)} ({what})"]
    if lost:
        return [f"it drops {', '.join(lost)} ({what})"]
    if added:
        return [f"it adds {', '.join(added)}, which the source does not have ({what})"]
    return []


def _distinct(order: list) -> list:
    """The placeholders in the order they first come (a value repeated later is not a swap)."""
    return list(dict.fromkeys(order))


def differences(source: str, translation: str) -> list[str]:
    """What the translation changes of its source's facts and markup; [] when it keeps them all.
    A source whose own markup does not parse is reported where the source is, not here."""
    return list(_differences(source, translation))


@lru_cache(maxsize=8192)
def _differences(source: str, translation: str) -> tuple[str, ...]:  # once per pair: every target asks
    return tuple(_find_differences(source, translation))


def _find_differences(source: str, translation: str) -> list[str]:
    try:
        src = facts(markup.parse(source))
    except markup.MarkupError:
        return []
    try:
        tr = facts(markup.parse(translation))
    except markup.MarkupError as exc:  # with what to write instead (a locator's terms)
        return [f"its markup does not parse: {exc}" + (f"; {exc.hint}" if getattr(exc, "hint", "") else "")]
    problems = (_compare("placeholders print study data: the same paths and formats", src.placeholders,
                         tr.placeholders)
                + _compare("citations and their locators", src.citations, tr.citations, src.written, tr.written)
                + _compare("footnote markers", src.notes, tr.notes)
                + _compare("link addresses", src.links, tr.links))
    if src.placeholders == tr.placeholders and _distinct(src.order) != _distinct(tr.order):
        problems.append(f"it has the placeholders in another order: {', '.join(_distinct(tr.order))} where the "
                        f"source has {', '.join(_distinct(src.order))} (each value must stay beside the words "
                        f"the source gives it: a swapped pair prints one arm's number as the other's)")
    if tr.inline_notes != src.inline_notes:
        problems.append(f"it has {tr.inline_notes} inline footnote(s) ^[...] where the source has {src.inline_notes}")
    lone = Counter({c: n for c, n in (tr.lone - src.lone).items() if c not in "[]"})
    balance = tr.lone["["] - tr.lone["]"]  # brackets as text may pair up: '[n = 5]' is fine, '[' alone is not
    if balance != src.lone["["] - src.lone["]"]:
        lone["[" if balance > 0 else "]"] += 1
    if lone:
        chars = ", ".join(f"{c!r}" for c in sorted(lone))
        problems.append(f"its markup is unbalanced: {chars} without a partner would print as text")
    return problems


HINT = ("keep every {{ }} placeholder (path and | format, in the msgid's order), [@citation], [^footnote] and "
        "^[inline footnote] of the msgid, and close every **, *, ^, ~ and [link](url) you open; translate only the words")
