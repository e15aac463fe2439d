"""Which glossary terms a text uses, and all-caps tokens that look like undefined abbreviations."""
from __future__ import annotations

import re
from functools import lru_cache

from posterdeck.schema.glossary import Glossary


@lru_cache(maxsize=4096)
def term_pattern(term: str) -> re.Pattern:
    """A term as a whole word: 'CR' in 'CR/CRi' and 'CR rate', not in 'CRi'."""
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)")


_term_pattern = term_pattern


def terms_used(text: str, glossary: Glossary) -> set[str]:
    return {t for t in glossary.glossary if _term_pattern(t).search(text)}


def footer_line(terms: set[str], glossary: Glossary, collate=None) -> str:
    """'ALL=acute lymphoblastic leukemia; CI=confidence interval.' sorted alphabetically."""
    key = collate or (lambda t: (t.lower(), t))
    items = sorted(terms, key=key)
    return "; ".join(f"{t}={glossary.glossary[t]}" for t in items) + ("." if items else "")


_TOKEN = re.compile(r"[A-Za-z0-9+/\-]+")


def undefined_abbreviations(text: str, glossary: Glossary) -> list[str]:
    """All-caps-looking tokens (two or more capitals) that are neither terms nor proper names."""
    known = set(glossary.glossary) | set(glossary.proper_names)
    for term in known:
        if " " in term:  # multi-word terms such as 'ECOG PS' are taken out whole
            text = _term_pattern(term).sub(" ", text)
    found = []
    for token in _TOKEN.findall(text):
        token = token.strip("-/+")
        if token in known or sum(ch.isupper() for ch in token) < 2:
            continue
        parts = [p for p in re.split(r"[/\-]", token) if p]
        if all(p in known or sum(ch.isupper() for ch in p) < 2 for p in parts):
            continue
        if re.fullmatch(r"[IVXLC]+", token):  # roman numerals
            continue
        found.append(token)
    return found
