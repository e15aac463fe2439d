"""Link addresses with parentheses (Lancet/Elsevier DOIs, Wikipedia pages) are kept whole, as
CommonMark and pandoc read them; a DOI prints as written and links to https://doi.org/ + the DOI;
a slide footer's references run in without doubled punctuation."""
from __future__ import annotations

import re

import pytest

from conftest import DECK, TARGET, error_lines, pdftotext_pages, read_slides, require_tool
from posterdeck.resolve.markup import MarkupError, Text, parse, plain
from posterdeck.resolve import references
from posterdeck.resolve.references import ama
from posterdeck.schema.references import CslItem

LANCET = "10.1016/S1470-2045(19)30863-0"
WIKI = "https://en.wikipedia.org/wiki/Response_(medicine)"
CONTENT = f"data/{DECK}/content.yaml"
REFS = f"data/{DECK}/references.yaml"


def links(nodes) -> list[tuple[str, str]]:
    return [(n.text, n.style.link) for n in nodes if isinstance(n, Text) and n.style.link]


# ---------------------------------------------------------------------------------- the parser

@pytest.mark.parametrize("text, url", [
    (f"[x]({WIKI}) disease", WIKI),
    (f"[x](https://doi.org/{LANCET})", f"https://doi.org/{LANCET}"),
    ("[x](https://a.org/f(a(b)c)d)", "https://a.org/f(a(b)c)d"),  # nested, balanced
    ("[x](<https://a.org/b(c>)", "https://a.org/b(c"),  # anything in <...>
    (r"[x](https://a.org/b\(c)", "https://a.org/b(c"),  # an escaped parenthesis does not count
    ("[x]( https://a.org/b )", "https://a.org/b"),
], ids=["wikipedia", "lancet-doi", "nested", "angle-brackets", "escaped", "spaces-around"])
def test_balanced_parentheses_belong_to_the_address(text, url):
    nodes = parse(text)
    assert links(nodes) == [("x", url)]
    assert plain(nodes) == "x" + text.rsplit(")", 1)[1]


def test_an_unmatched_closing_parenthesis_ends_the_address():
    nodes = parse(f"(see [x]({WIKI}))")
    assert links(nodes) == [("x", WIKI)]
    assert plain(nodes) == "(see x)"


@pytest.mark.parametrize("text, words", [
    ("[x](https://a.org/b(c) more", ["'https://a.org/b(c)' takes the ')' meant to close the link"]),
    ("[x](https://a.org/b(c)", ["takes the ')' meant to close the link"]),
    ("[x](https://a.org/b(c d)", ["'https://a.org/b(c' has a '(' that is not closed"]),
    ("[x](https://a.org/b c)", ["followed by 'c)'"]),
    ("[x](https://a.org/b", ["is not closed by ')'"]),
    ("[x](<https://a.org/b)", ["'<' is not closed"]),
], ids=["paren-then-words", "last-paren-taken", "open-paren", "space", "no-close", "open-angle"])
def test_an_address_left_open_is_an_error_not_a_link_cut_short(text, words):
    with pytest.raises(MarkupError) as ei:
        parse(text)
    for w in words:
        assert w in str(ei.value)
    assert "%28" in ei.value.hint or "<...>" in ei.value.hint or "<https" in ei.value.hint


def test_an_escaped_bracket_does_not_close_the_link_text():
    assert links(parse(r"[a \] b](https://a.org)")) == [("a ] b", "https://a.org")]


# ---------------------------------------------------------------------------------- references

@pytest.mark.parametrize("doi, url", [
    (LANCET, f"https://doi.org/{LANCET}"),
    ("10.1056/NEJMoa1113216", "https://doi.org/10.1056/NEJMoa1113216"),
    ("10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2",
     "https://doi.org/10.1002/(SICI)1097-0258(19980815/30)17:15/16%3C1661::AID-SIM968%3E3.0.CO;2-2"),
    ("10.1000/a)b#c d", "https://doi.org/10.1000/a%29b%23c%20d"),
])
def test_a_doi_prints_as_written_and_links_to_doi_org(doi, url):
    assert references.doi_url(doi) == url
    item = CslItem.model_validate({"id": "x", "type": "article-journal", "title": "T", "DOI": doi,
                                   "container-title": "Lancet Oncol"})
    nodes = parse(ama(item))
    assert links(nodes) == [(f"doi:{doi}", url)]
    assert plain(nodes).endswith(f"doi:{doi}")


@pytest.mark.parametrize("url", [WIKI, "https://a.org/b(c", "https://a.org/b)c", "https://a.org/a b"])
def test_a_reference_url_reads_back_whole(url):
    item = CslItem.model_validate({"id": "x", "type": "webpage", "title": "T", "URL": url})
    (text, link), = links(parse(ama(item)))
    assert text == url
    assert link == url.replace(" ", "%20")
    assert links(parse(f"[u]({references.destination(url)})")) == [("u", link)]


def test_run_in_references_keep_one_full_stop_each():
    line = references.run_in([(1, "Baselga J, et al. N Engl J Med. 2012."), (2, "Swain SM, et al. Lancet Oncol. 2020.")])
    assert line == "1. Baselga J, et al. N Engl J Med. 2012. 2. Swain SM, et al. Lancet Oncol. 2020."


# ---------------------------------------------------------------------------------- real outputs

def _uris(path) -> set[str]:
    import pypdf

    out = set()
    for page in pypdf.PdfReader(str(path)).pages:
        for a in page.get("/Annots") or []:
            uri = a.get_object().get("/A", {}).get("/URI")
            if uri:
                out.add(str(uri))
    return out


def _pptx_links(path) -> set[tuple[str, str]]:
    from pptx import Presentation

    out = set()
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for r in p.runs:
                        if r.hyperlink.address:
                            out.add((r.text, r.hyperlink.address))
    return out


def _flat(text: str) -> str:
    """Text without spaces, line breaks and the no-break marks posterdeck puts in codes."""
    return re.sub(r"[\s\u2060\u00ad]", "", text).replace("\u2011", "-")


def test_addresses_with_parentheses_are_whole_in_every_output(project_copy):
    require_tool("pdftotext")
    project_copy.replace(REFS, "DOI: 10.1056/NEJMoa1509277", f"DOI: {LANCET}")
    project_copy.replace(CONTENT, "the two primary endpoints[@kantarjian2016]",
                         f"the two [primary]({WIKI}) endpoints[@kantarjian2016]")
    res = project_copy.cli("build", f"data/{DECK}", "--target", TARGET, "--out", str(project_copy.out), "-q")
    assert res.returncode == 0, res.stderr
    out = project_copy.out / DECK / TARGET
    for name in ("poster.pdf", "poster-screen.pdf", "deck.pdf"):
        text = _flat("\n".join(pdftotext_pages(out / name)))
        assert f"doi:{LANCET}" in text, name
        assert "30863-030863" not in text and "30863-0)" not in text, name
    for name in ("poster-screen.pdf", "deck.pdf"):
        uris = _uris(out / name)
        assert f"https://doi.org/{LANCET}" in uris and WIKI in uris, (name, uris)
        assert not [u for u in uris if u.count("(") != u.count(")")], uris
    pptx = _pptx_links(out / "deck.pptx")
    assert ("primary", WIKI) in pptx
    assert {_flat(t): u for t, u in pptx}.get(f"doi:{LANCET}") == f"https://doi.org/{LANCET}", pptx


def test_slide_footer_references_run_in_without_doubled_punctuation(demo_build):
    lines = [p for s in read_slides(demo_build.deck_pptx) for p in s.footer if p.startswith("References:")]
    assert any(re.search(r"\d{4}\. \d+\. [A-Z]", ln) for ln in lines), lines  # two or more on a slide
    for ln in lines:
        assert ".;" not in ln and not re.search(r"\d{4}; \d+\. ", ln), ln
    text = "\n".join(pdftotext_pages(demo_build.deck_pdf))
    assert ".;" not in text


@pytest.mark.parametrize("new, words", [
    ("[trial](javascript:alert(1))", ["'javascript:alert(1)'", "scheme javascript:"]),
    ("[trial](https://a.org/b(c) end", ["'https://a.org/b(c)' takes the ')'", "%28"]),
], ids=["javascript-quoted-whole", "unbalanced-paren"])
def test_a_bad_address_is_named_whole_at_its_line(project_copy, new, words):
    line = project_copy.replace(CONTENT, "the two primary endpoints[@kantarjian2016]",
                                f"the two primary endpoints {new}[@kantarjian2016]")
    res = project_copy.cli("check", f"data/{DECK}")
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    errors = error_lines(res.stderr)
    assert errors and all(f"content.yaml:{line}" in e for e in errors), res.stderr
    for w in words:
        assert w in res.stderr, res.stderr
    assert re.search(r"^\s+hint: \S", res.stderr, re.M)
