"""resolve/markup.py: the inline markup parser."""
from __future__ import annotations

import pytest

from posterdeck.resolve.markup import Cite, MarkupError, Note, Placeholder, Style, Text, parse, plain


def texts(nodes):
    return [(n.text, n.style) for n in nodes if isinstance(n, Text)]


def test_plain_text_is_one_node():
    assert parse("CR/CRi rates") == [Text("CR/CRi rates")]


def test_bold_and_italic_toggle():
    nodes = parse("a **bold** and *italic* b")
    assert texts(nodes) == [
        ("a ", Style()),
        ("bold", Style(bold=True)),
        (" and ", Style()),
        ("italic", Style(italic=True)),
        (" b", Style()),
    ]


def test_nested_bold_italic():
    nodes = parse("***both***")
    assert texts(nodes) == [("both", Style(bold=True, italic=True))]


def test_superscript_and_subscript():
    nodes = parse("x^2^ and H~2~O")
    assert texts(nodes) == [("x", Style()), ("2", Style(script="sup")), (" and H", Style()),
                            ("2", Style(script="sub")), ("O", Style())]


def test_caret_without_closing_marker_is_literal():
    assert plain(parse("a ^ b")) == "a ^ b"
    assert plain(parse("5 ~ 6")) == "5 ~ 6"


def test_single_citation_and_multiple_citations():
    nodes = parse("text[@jabbour2020] more [@a; @b]")
    cites = [n for n in nodes if isinstance(n, Cite)]
    assert [c.keys for c in cites] == [("jabbour2020",), ("a", "b")]
    assert plain(nodes) == "text more "


@pytest.mark.parametrize("bad", ["[@a; b]", "[@a;]", "[@unclosed"])
def test_malformed_citations_are_errors(bad):
    with pytest.raises(MarkupError) as ei:
        parse(bad)
    assert ei.value.hint


def test_inline_footnote_keeps_its_own_markup():
    nodes = parse("claim^[note with **bold** and a cite[@k]] end")
    note = next(n for n in nodes if isinstance(n, Note))
    assert note.ref == ""
    assert [n.keys for n in note.body if isinstance(n, Cite)] == [("k",)]
    assert ("bold", Style(bold=True)) in texts(note.body)
    assert plain(nodes) == "claim end"


def test_footnote_reference_by_id():
    nodes = parse("claim[^vod_risk]")
    assert nodes[-1] == Note(ref="vod_risk")


def test_unclosed_inline_footnote_is_an_error():
    with pytest.raises(MarkupError, match="unclosed footnote"):
        parse("text ^[never closed")


def test_placeholders_with_and_without_format():
    nodes = parse("{{ results.crcri.ino_s1 }} and {{results.cr.ino_s1|pct_ci}}")
    ph = [n for n in nodes if isinstance(n, Placeholder)]
    assert [(p.path, p.fmt) for p in ph] == [("results.crcri.ino_s1", ""), ("results.cr.ino_s1", "pct_ci")]


def test_placeholder_inherits_the_surrounding_style():
    nodes = parse("**{{ results.x }}**")
    assert nodes[0] == Placeholder("results.x", "", Style(bold=True))


@pytest.mark.parametrize("bad", ["{{ results.x", "{{ results x }}", "{{ a | 1x }}"])
def test_malformed_placeholder_is_an_error_with_a_hint(bad):
    with pytest.raises(MarkupError) as ei:
        parse(bad)
    assert "placeholder" in str(ei.value)
    assert "{{" in ei.value.hint


def test_link_carries_its_url_on_every_node():
    nodes = parse("see [the **paper**](https://doi.org/10.1/x) now")
    linked = [n for n in nodes if isinstance(n, Text) and n.style.link]
    assert [n.text for n in linked] == ["the ", "paper"]
    assert {n.style.link for n in linked} == {"https://doi.org/10.1/x"}
    assert linked[1].style.bold
    assert plain(nodes) == "see the paper now"


def test_square_brackets_without_url_are_text():
    assert plain(parse("[n = 41/48]")) == "[n = 41/48]"


def test_backslash_escapes_markers():
    assert plain(parse(r"\*not italic\* 2\^3 \[@k\]")) == "*not italic* 2^3 [@k]"


def test_unclosed_bold_is_an_error():
    with pytest.raises(MarkupError) as ei:
        parse("**never closed")
    assert ei.value.hint


def test_ama_reference_markup_round_trips():
    """What references.ama() escapes, parse() gives back verbatim."""
    from posterdeck.resolve.references import esc

    raw = "Title with *stars*, [brackets], ^carets^ and {{braces}}"
    assert plain(parse(esc(raw))) == raw
