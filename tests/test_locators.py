"""Citation locators, pandoc style (issue 15): every pandoc form parses, the numbering stays by
key, AMA prints page locators in the superscript, translations keep locators, and a bad locator
is an error at its file:line."""
from __future__ import annotations

from pathlib import Path

import pytest

from posterdeck.resolve import markup
from posterdeck.resolve.fidelity import differences
from posterdeck.resolve.locators import Locator, LocatorError, parse
from posterdeck.resolve.references import superscript

FORMS = [
    ("p. 743", "page", "743", ""),
    ("pp. 33-35", "page", "33-35", ""),
    ("page 12", "page", "12", ""),
    ("pages 33–35, 38", "page", "33–35, 38", ""),
    ("33-35", "page", "33-35", ""),  # pandoc: no term is a page
    ("p.743", "page", "743", ""),
    ("fig. 2", "figure", "2", ""),
    ("Fig. S2", "figure", "S2", ""),
    ("figure 3", "figure", "3", ""),
    ("figs. 2 & 3", "figure", "2 & 3", ""),
    ("table 1", "table", "1", ""),
    ("Table 2", "table", "2", ""),
    ("tbl. 3", "table", "3", ""),
    ("tables 1-2", "table", "1-2", ""),
    ("chap. 2", "chapter", "2", ""),
    ("chapter 4", "chapter", "4", ""),
    ("sec. 4.2", "section", "4.2", ""),
    ("§ 3", "section", "3", ""),
    ("para. 7", "paragraph", "7", ""),
    ("¶ 4", "paragraph", "4", ""),
    ("vol. 2", "volume", "2", ""),
    ("line 14", "line", "14", ""),
    ("n. 5", "note", "5", ""),
    ("page iv", "page", "iv", ""),
    ("p. 4, emphasis added", "page", "4", "emphasis added"),
    ("pp. 33-35, 38-39, and elsewhere", "page", "33-35, 38-39", "and elsewhere"),
    ("emphasis added", "", "", "emphasis added"),  # a suffix alone
    ("{pp. iv, vi-xi}", "page", "iv, vi-xi", ""),  # braces: the locator as written
    # after a comma only a number or a range goes on: a word, a capital or a roman-looking word
    # ('ill.') starts the suffix
    ("p. 4, ill.", "page", "4", "ill."),
    ("p. 4, I added", "page", "4", "I added"),
    ("p. 12, A summary", "page", "12", "A summary"),
    ("pp. iv, vi-xi", "page", "iv, vi-xi", ""),
    ("pp. 3, 5, mod.", "page", "3, 5", "mod."),
]


@pytest.mark.parametrize("written, label, value, suffix", FORMS, ids=[f[0] for f in FORMS])
def test_every_pandoc_form_parses(written, label, value, suffix):
    assert parse(written) == Locator(label, value, suffix)
    nodes = markup.parse(f"Rates were higher[@jabbour2020, {written}].")
    cite = next(n for n in nodes if isinstance(n, markup.Cite))
    assert cite.keys == ("jabbour2020",) and cite.locator(0) == Locator(label, value, suffix)


def test_several_keys_each_with_its_locator():
    (cite,) = [n for n in markup.parse("[@a, pp. 33-35; @b, chap. 2; @c]") if isinstance(n, markup.Cite)]
    assert cite.keys == ("a", "b", "c")
    assert [cite.locator(i) for i in range(3)] == [Locator("page", "33-35"), Locator("chapter", "2"), Locator()]
    assert markup.parse("[@a; @b]")[0].locators == ()  # no locator: as before


@pytest.mark.parametrize("bad", ["[@a, pg. 4]", "[@a, p.]", "[@a, ]", "[@a, Abb. 2]", "[@a p. 4]", "[@a, {p. 4]"])
def test_a_bad_locator_is_a_markup_error(bad):
    with pytest.raises(markup.MarkupError) as err:
        markup.parse(f"text{bad}")
    assert "p. 743" in err.value.hint  # says how to write one


def test_ama_prints_page_locators_in_the_superscript():
    assert parse("p. 743").ama() == "(p743)" and parse("pp. 33-35").ama() == "(pp33-35)"
    assert parse("fig. 2").ama() == "" and parse("table 1").ama() == ""  # shown in the review only
    assert superscript([(1, "(p743)"), (2, ""), (3, "")]) == "1(p743),2,3"
    assert superscript([(1, ""), (2, ""), (3, "")]) == "1\u20133"
    assert superscript([(2, ""), (3, "(p5)"), (4, ""), (5, ""), (6, "")]) == "2,3(p5),4\u20136"
    with pytest.raises(LocatorError):
        parse("pg. 4")


def test_a_translation_keeps_each_locator():
    src = "Rates were higher[@jabbour2020, p. 743]"
    assert differences(src, "Die Raten waren höher[@jabbour2020, page 743]") == []  # the same page
    assert differences("x[@a, p. 4, emphasis added]", "y[@a, p. 4, Hervorhebung hinzugefügt]") == []
    # the locators as the texts write them ('p. 744'), not as they are compared ('page 744')
    moved = differences(src, "Die Raten waren höher[@jabbour2020, p. 744]")
    assert moved and "it has [@jabbour2020, p. 744] where the source has [@jabbour2020, p. 743]" in moved[0]
    assert "locators" in moved[0] and "page 74" not in moved[0]
    dropped = differences(src, "Die Raten waren höher[@jabbour2020]")
    assert dropped and "[@jabbour2020, p. 743]" in dropped[0]
    # a locator term the parser does not know: the terms it knows, as content.yaml's error lists them
    bad = differences(src, "Die Raten waren höher[@jabbour2020, S. 743]")
    assert bad and "unknown locator term 'S.'" in bad[0] and "locator terms: p., pp., page, fig." in bad[0]


def _compose(deck: Path, tag: str):
    from posterdeck.api import load_deck
    from posterdeck.compose.build import compose
    from posterdeck.resolve.target import make_target

    model = load_deck(deck)
    return model, compose(model, make_target(tag, model.info, model.markets))


def test_printed_locators_keep_the_number_of_their_reference(project_copy):
    rel = "data/inovate-salvage/content.yaml"
    project_copy.replace(rel, '"CR/CRi and OS were the two primary endpoints[@kantarjian2016]"',
                         '"CR/CRi and OS were the two primary endpoints[@kantarjian2016, p. 743]"')
    project_copy.replace(rel, 'Salvage treatment line by clinical report form; ITT population.[@jabbour2020]',
                         'Salvage treatment line by clinical report form; ITT population.[@jabbour2020, fig. 2]')
    _, docs = _compose(project_copy.deck, "en-GB")
    slide = next(p for p in docs["deck"].pages if "rationale" in p.name)
    # kantarjian2016 is the 2nd reference: its page prints beside its number, which stays 2
    assert "endpoints2(p743)" in slide.text().replace("\u00a0", " ")
    survival = next(p for p in docs["deck"].pages if "survival" in p.name)
    assert "ITT population.1" in survival.text() and "fig" not in survival.text()  # AMA prints pages only
    refs = docs["deck"].pages[-1].text()
    assert refs.count("Inotuzumab ozogamicin versus standard therapy") == 1  # one reference, one entry


def test_a_bad_locator_is_an_error_at_its_line(project_copy):
    from posterdeck.api import check
    from posterdeck.errors import ErrorList, PosterdeckError

    line = project_copy.replace("data/inovate-salvage/content.yaml", "endpoints[@kantarjian2016]",
                                "endpoints[@kantarjian2016, pg. 743]")
    with pytest.raises(PosterdeckError) as err:
        check(project_copy.deck)
    errors = err.value.errors if isinstance(err.value, ErrorList) else [err.value]
    found = [e for e in errors if "pg." in str(e)]
    assert found, [str(e) for e in errors]
    assert found[0].location.file.endswith("content.yaml") and found[0].location.line == line
    assert "unknown locator term 'pg.'" in str(found[0]) and "p. 743" in found[0].hint
