"""References in AMA style (11th edition), written as posterdeck markup so that the journal
is italic and the DOI/URL a link. Covers the CSL types medical material cites."""
from __future__ import annotations

import re
from urllib.parse import quote

from posterdeck.schema.references import CslItem

_MARKUP = re.compile(r"([\\*^~\[\]{}])")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def esc(text: str) -> str:
    return _MARKUP.sub(r"\\\1", str(text))


def authors(item: CslItem) -> str:
    names = []
    for a in item.author:
        if a.literal:
            names.append(a.literal)
        else:
            initials = "".join(p[0] for p in re.split(r"[\s.\-]+", a.given) if p)
            names.append(f"{a.family} {initials}".strip())
    if len(names) > 6:
        names = names[:3] + ["et al"]
    return ", ".join(names)


def ama(item: CslItem) -> str:
    """One reference as AMA markup, without its number."""
    parts = []
    who = authors(item)
    if who:
        parts.append(esc(who) + ".")
    if item.title:
        parts.append(esc(item.title.rstrip(".")) + ".")
    year = item.issued.date_parts[0][0] if item.issued and item.issued.date_parts else None
    if item.type in ("article-journal", "article"):
        journal = item.container_title_short or item.container_title
        loc = f"{year}" if year else ""
        if item.volume:
            loc += f";{item.volume}"
            if item.issue:
                loc += f"({item.issue})"
        if item.page:
            loc += f":{item.page}"
        parts.append(f"*{esc(journal)}*. {esc(loc)}." if journal else f"{esc(loc)}.")
    else:
        pub = "; ".join(x for x in (item.publisher, str(year) if year else "") if x)
        if pub:
            parts.append(esc(pub) + ".")
        if item.accessed and item.accessed.date_parts:
            y, m, *_ = item.accessed.date_parts[0] + [1]
            parts.append(f"Accessed {MONTHS[m - 1]} {y}.")
    if item.DOI:
        parts.append(f"[doi:{esc(item.DOI)}]({doi_url(item.DOI)})")
    elif item.URL:
        parts.append(f"[{esc(item.URL)}]({destination(item.URL)})")
    return " ".join(parts)


# what a DOI may keep in its https://doi.org/ address: RFC 3986's path characters ('%', '#', '?',
# spaces, '<', '>', '[', ']' and the like are percent-encoded, as the DOI Handbook asks)
_DOI_SAFE = "/:;=@&$+,!*'()-._~"


def doi_url(doi: str) -> str:
    """The address a DOI links to: https://doi.org/ and the DOI, percent-encoded where an address
    needs it. Parentheses stay as written when they pair up (``10.1016/S1470-2045(19)30863-0``,
    as doi.org prints it); a lone one is encoded (%28, %29)."""
    path = quote(doi.strip(), safe=_DOI_SAFE)
    if not _balanced(path):
        path = path.replace("(", "%28").replace(")", "%29")
    return "https://doi.org/" + path


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += (c == "(") - (c == ")")
        if depth < 0:
            return False
    return depth == 0


def destination(url: str) -> str:
    """A URL as it stands between a markup link's parentheses, read back whole by markup.parse:
    as written, or in <...> when a lone parenthesis would end it early; spaces, '<', '>' and
    backslashes percent-encoded."""
    url = "".join(quote(c, safe="") if c in "<>\\ \n\t" else c for c in url.strip())
    return url if _balanced(url) else f"<{url}>"


def run_in(entries: list[tuple[int, str]]) -> str:
    """Numbered short references run into one line (a slide footer): '1. Baselga J, et al. N Engl
    J Med. 2012. 2. Swain SM, et al. Lancet Oncol. 2020.' Each entry keeps its closing full
    stop, as in AMA's reference list, and the next follows after a space: a semicolon after the
    year would double the punctuation ('2012.;') or, dropping the stop, read as AMA's
    year;volume ('2012; 2.')."""
    return " ".join(f"{n}. {text}" for n, text in entries)


def short(item: CslItem) -> str:
    """'Jabbour E, et al. Leuk Lymphoma. 2020.'"""
    first = item.author[0] if item.author else None
    who = (first.literal or f"{first.family} {''.join(p[0] for p in first.given.split() if p)}") if first else ""
    if len(item.author) > 1:
        who += ", et al"
    year = item.issued.date_parts[0][0] if item.issued and item.issued.date_parts else ""
    journal = item.container_title_short or item.container_title
    if not who:  # a document without authors (an SmPC, a website): its title stands for it
        return ". ".join(x for x in (item.title.rstrip("."), item.publisher, str(year)) if x) + "."
    return ". ".join(x for x in (who, journal, str(year)) if x) + "."


def superscript_numbers(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> '1–3,5'; [1, 2] -> '1,2' (AMA collapses runs of three or more)."""
    nums = sorted(set(numbers))
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{nums[i]}\u2013{nums[j]}")
        else:
            out.extend(str(n) for n in nums[i:j + 1])
        i = j + 1
    return ",".join(out)


def superscript(cited: list[tuple[int, str]]) -> str:
    """Numbers with what AMA prints of their locators: [(1, "(p743)"), (2, ""), (3, "")] ->
    '1(p743),2,3'. A number with a page locator stands alone; the others collapse as in
    ``superscript_numbers`` ([(1, ""), (2, ""), (3, "")] -> '1–3')."""
    pages = {n for n, at in cited if at}
    if not pages:
        return superscript_numbers([n for n, _ in cited])
    out: list[tuple[int, str]] = []
    for n, at in sorted(set(cited)):
        if at or n not in pages:
            out.append((n, at))
    parts, run = [], []
    for n, at in out:
        if at:
            if run:
                parts.append(superscript_numbers(run))
                run = []
            parts.append(f"{n}{at}")
        else:
            run.append(n)
    if run:
        parts.append(superscript_numbers(run))
    return ",".join(parts)
