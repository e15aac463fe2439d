"""The hyphenation patterns read on demand (compose/hyphen.py) give pyphen's own parse: the same
patterns for whole dictionaries, and the same hyphenation points for real words."""
from __future__ import annotations

import pyphen
import pytest

from posterdeck.compose.hyphen import LazyHyphDict, full_patterns

WORDS = {
    "de_DE": ["Behandlungsphase", "Studienteilnehmerinnen", "Knochenmarktransplantation", "Schifffahrt",
              "Ansprechrate", "Gesamtüberleben", "zurückgekehrt"],
    "nl_NL": ["behandelingsfase", "stamceltransplantatie", "orgaanklasse", "ziekenhuisopname"],
    "fr": ["transplantation", "hématopoïétiques", "randomisation", "inotuzumab"],
    "el_GR": ["μεταμόσχευση", "θεραπευτική", "ανταπόκριση"],
    "en_GB": ["transplantation", "haematopoietic", "randomisation", "hyphenation"],
}


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_the_index_parses_as_pyphen_does(lang):
    path = pyphen.LANGUAGES[lang]
    full, lazy = pyphen.HyphDict(path), LazyHyphDict(path)
    assert lazy.maxlen >= full.maxlen
    for word in WORDS[lang]:
        assert lazy.positions(word) == full.positions(word), word
        assert [p.data for p in lazy.positions(word)] == [p.data for p in full.positions(word)]
    assert full_patterns(lazy) == full.patterns


def test_alternative_patterns_and_repeated_keys(tmp_path):
    """Nonstandard hyphenation (Schiff-fahrt style 'ff=f' alternatives), ^^hh letters and a key
    given twice (the last pattern not all zeros wins) come out as pyphen reads them."""
    dic = tmp_path / "hyph_xx.dic"
    dic.write_text("UTF-8\nLEFTHYPHENMIN 2\n% a comment\nc1k/k=k,1,1\n.ab3c\n^^e4r1\nab1c\na0b0c\n"
                   "x1y\nx0y\nlo1ng2er3pat4tern\n", encoding="utf-8")
    full, lazy = pyphen.HyphDict(dic), LazyHyphDict(dic)
    assert full_patterns(lazy) == full.patterns
    for word in ["backen", "abc", "äre", "xyxy", "longerpattern"]:
        assert lazy.positions(word) == full.positions(word)
        assert [p.data for p in lazy.positions(word)] == [p.data for p in full.positions(word)]
