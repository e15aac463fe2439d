"""Which glossary terms a text uses, and all-caps tokens that look like undefined abbreviations."""
from __future__ import annotations

import re
from functools import lru_cache

from posterdeck.schema.glossary import Glossary


# an abbreviation often stays the same in another language: its catalogue entry may stay empty
# (the source's is kept, without a warning, even with --strict), and i18n status counts it kept
TERM_CONTEXT = "glossary-term."


@lru_cache(maxsize=4096)
def term_pattern(term: str) -> re.Pattern:
    """A term as a whole word: 'CR' in 'CR/CRi' and 'CR rate', not in 'CRi'."""
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)")


_term_pattern = term_pattern


@lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """Every proper name as a whole word, hyphenated ones whole ('PARADIGM-HF', not its 'HF'),
    the longest first so that 'DAPA-HF' goes before 'DAPA' would leave '-HF'."""
    names = tuple(sorted((n for n in names if n), key=len, reverse=True))
    if not names:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def without_proper_names(text: str, names) -> str:
    """``text`` with every proper name blanked out: a word inside a name (HF in PARADIGM-HF) is
    no use of the abbreviation."""
    pattern = _names_pattern(tuple(names or ()))
    return pattern.sub(" ", text) if pattern is not None else text


def terms_used(text: str, glossary: Glossary) -> set[str]:
    text = without_proper_names(text, glossary.proper_names)
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
    def fine(word: str) -> bool:
        # roman numerals as texts use them (NYHA class II-IV, phase III, XXI): I, V and X only,
        # in order; 'CV', 'LV' or 'CL' are abbreviations, not 105, 55 or 150
        return word in known or sum(ch.isupper() for ch in word) < 2 or \
            re.fullmatch(r"X{0,3}(?:IX|IV|V?I{0,3})", word) is not None

    found = []
    for token in _TOKEN.findall(text):
        token = token.strip("-/+")
        if fine(token) or all(fine(p) for p in re.split(r"[/\-]", token) if p):
            continue
        found.append(token)
    return found


class GlossaryResolver:
    """The glossary's part of the resolver (resolve.document._Resolver): the glossary in the
    target's language, from every text the target shows (the resolver's shown and fallen)."""

    def glossary(self, words: dict):
        """The glossary in the target's language: expansions and, where they differ, terms.

        Only the terms the deck shows are translated (and so demanded by --strict and listed in
        the catalogue); a shared glossary's other terms keep whatever translation they have.
        A text shown in the source language for want of a translation keeps its abbreviations:
        a source term the target renames (CI where German has KI) is listed with its source
        expansion wherever such a text shows it. ``words``: the fixed words layouts print (they
        may use a term too)."""
        from posterdeck.resolve import rtl
        from posterdeck.resolve.references import ama, short

        refs = [f(self.model.references[k]) for k in sorted(self.cited) for f in (ama, short)]
        if self.recorder is None:
            self.errors += rtl.check_references(self.model, sorted(self.cited), ama)
        words = [self.lookup(f"words.{k}", w) or w for k, w in words.items()]
        names = self.model.glossary.proper_names  # a word inside a name is no use of a term
        shown = without_proper_names("\n".join(self.shown + refs + words + [self.target.job_line]), names)
        fallen = without_proper_names("\n".join(self.fallen), names)
        terms, source_terms = {}, {}
        for term, expansion in self.model.glossary.glossary.items():
            src = next((s for k, s in self.model.sources.items() if k.startswith("glossary:")
                        and term in s.data.get("glossary", {})), self.src)
            path = ("glossary", term)
            local = self.lookup(f"{TERM_CONTEXT}{term}", term) or term
            if not term_pattern(local).search(shown) and not term_pattern(term).search(shown):
                terms.setdefault(local, self.lookup(f"glossary.{term}", expansion) or expansion)  # unused: no demand
                continue
            local = self.tr(term, path, src, context=f"{TERM_CONTEXT}{term}", quiet=True)  # may stay empty
            terms[local] = self.tr(expansion, path, src, context=f"glossary.{term}")
            if local != term and term_pattern(term).search(fallen):
                source_terms[term] = expansion
        for term, expansion in source_terms.items():
            terms.setdefault(term, expansion)
        return Glossary(glossary=terms, proper_names=self.model.glossary.proper_names)
