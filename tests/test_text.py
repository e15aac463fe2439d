"""compose/text.py and blocks.max_scale: citation numbering, footnote lettering, markers, line
breaking with the theme's font metrics, and text fitting."""
from __future__ import annotations

import pytest

from conftest import LAYOUTS_DIR, TARGET, read_yaml
from posterdeck.compose.text import Citations, PageMarks, Piece, TextStyle, break_lines, height, make_spans, \
    paragraph, pieces
from posterdeck.errors import ErrorList, LayoutError, PosterdeckError
from posterdeck.resolve.markup import Note, Text, parse

STYLE = TextStyle(size=12, leading=1.2, bold=False, italic=False, color="text")


def labels(ps):
    return [p.text for p in ps if p.marker]


# ---------------------------------------------------------------------------------- citations

def test_citations_are_numbered_in_order_of_first_use_across_pages():
    cites = Citations()
    page1, page2 = PageMarks(cites), PageMarks(cites)
    assert labels(pieces(parse("a[@k2] b[@k1; @k2]"), page1)) == ["1", "1,2"]
    assert labels(pieces(parse("c[@k3; @k1]"), page2)) == ["2,3"]
    assert cites.order == {"k2": 1, "k1": 2, "k3": 3}
    # what each page cites, in reading order, for its footer
    assert page1.cited == [1, 2]
    assert page2.cited == [3, 2]


def test_citation_runs_are_collapsed():
    cites = Citations()
    marks = PageMarks(cites)
    pieces(parse("[@a][@b][@c][@d][@e]"), PageMarks(cites))  # numbers 1-5 handed out elsewhere
    assert labels(pieces(parse("x[@a; @b; @c; @e]"), marks)) == ["1\u20133,5"]


def test_marker_hugs_the_word_before_it_and_markers_join_with_commas():
    ps = pieces(parse("remission [@a][^n] rest"), PageMarks(Citations()))
    assert [p.text for p in ps] == ["remission", "1", ",a", " rest"]
    assert ps[1].script == ps[2].script == "sup"
    assert ps[1].marker and ps[2].marker


# ---------------------------------------------------------------------------------- footnotes

def test_footnotes_are_lettered_per_page_and_reused_by_id():
    cites = Citations()
    marks = PageMarks(cites)
    ps = pieces([Text("x"), Note(ref="one"), Text(" y"), Note(ref="two"), Text(" z"), Note(ref="one"),
                 Text(" w"), Note(body=(Text("inline"),))], marks)
    assert labels(ps) == ["a", "b", "a", "c"]
    assert [letter for letter, _ in marks.notes] == ["a", "b", "c"]
    # a new page starts again at a
    other = PageMarks(cites)
    assert labels(pieces([Text("q"), Note(ref="two")], other)) == ["a"]


def test_footnote_letters_go_past_z():
    marks = PageMarks(Citations())
    got = [marks.letter(Note(ref=f"n{i}")) for i in range(28)]
    assert got[:3] == ["a", "b", "c"]
    assert got[25:] == ["z", "aa", "ab"]


def test_footnote_body_citations_are_numbered_when_the_footer_is_built():
    cites = Citations()
    marks = PageMarks(cites)
    pieces(parse("claim[@a]^[note[@b]] more[@c]"), marks)
    assert cites.order == {"a": 1, "c": 2}
    letter, body = marks.notes[0]
    assert letter == "a"
    assert labels(pieces(body, marks)) == ["3"]


# ---------------------------------------------------------------------------------- line breaking

@pytest.fixture(scope="module")
def fonts(demo_fonts):
    return demo_fonts[2]


SAMPLE = ("**Higher frequency of early death post-HSCT:** patients with R/R B-cell ALL reached CR/CRi "
          "(78.4% [n = 87/111] vs. 29.4%, P < 0.001) and *MRD negativity* in S1 vs. S2[@a] with the "
          "BESPONSA-treated arm; CR/CRi, R/R and CR1 were **defined** before the analysis[^n] began")


def sample_pieces(text=SAMPLE):
    return pieces(parse(text), PageMarks(Citations()))


def line_text(line) -> str:
    return "".join(s.text for s in line.spans)


def widths_to_try(fonts, ps, style=STYLE):
    """Widths from the widest unbreakable word up, in small steps."""
    spans = make_spans(ps, style, fonts, "test")
    words = [w for s in spans for w in s.text.split(" ") if w]
    widest = max(fonts.width(w, "bold", style.size) for w in words) + 1
    return [widest + k * 3.7 for k in range(0, 140)]


def test_lines_never_exceed_the_width_in_a_single_font(fonts):
    ps = [Piece(p.text) for p in sample_pieces()]  # one font, one size
    for width in widths_to_try(fonts, ps):
        para = paragraph(ps, STYLE, width, fonts, "test")
        for line in para.lines:
            assert line.width <= width + 1e-6, (width, line_text(line))
            assert abs(line.width - sum(fonts.width(s.text, s.font, s.size) for s in line.spans)) < 1e-6


def test_lines_never_exceed_the_width_with_mixed_styles(fonts):
    ps = sample_pieces()
    over = []
    for width in widths_to_try(fonts, ps):
        for line in paragraph(ps, STYLE, width, fonts, "test").lines:
            if line.width > width + 1e-6:
                over.append((round(width, 2), round(line.width, 2), line_text(line)))
            for span in line.spans:  # widths are added up, not measured again: they must agree
                assert abs(span.width - fonts.width(span.text, span.font, span.size)) < 1e-6, span
    assert over == []


def test_breaking_keeps_every_word_whole_and_in_order(fonts):
    ps = sample_pieces()
    original = "".join(p.text for p in ps).split()
    for width in widths_to_try(fonts, ps):
        para = paragraph(ps, STYLE, width, fonts, "test")
        tokens = [tok for line in para.lines for tok in line_text(line).split()]
        assert tokens == original, width
        for line in para.lines:
            text = line_text(line)
            assert text == text.strip()
            # never split inside a term such as R/R or CR/CRi
            assert not text.endswith(("R/", "CR/", "/")) and not text.startswith(("/R", "/CRi", "/"))


def test_operators_keep_their_operands_on_the_same_line(fonts):
    ps = sample_pieces()
    for width in widths_to_try(fonts, ps):
        for line in paragraph(ps, STYLE, width, fonts, "test").lines:
            tokens = line_text(line).split()
            assert tokens[0] not in ("=", "<") and tokens[-1] not in ("=", "<"), (width, tokens)


def test_a_word_longer_than_the_line_is_split_by_characters(fonts):
    word = "Supercalifragilisticexpialidocious-INO-VATE"
    spans = make_spans([Piece(word)], STYLE, fonts, "test")
    lines = break_lines(spans, 60.0, fonts, STYLE)
    assert len(lines) > 1
    assert "".join(line_text(ln) for ln in lines) == word
    assert all(ln.width <= 60.0 + 1e-6 for ln in lines)


def test_baselines_and_height_follow_the_leading(fonts):
    para = paragraph(sample_pieces(), STYLE, 150.0, fonts, "test")
    lead = STYLE.size * STYLE.leading
    assert len(para.lines) > 3
    for i, line in enumerate(para.lines):
        assert line.baseline == pytest.approx(i * lead + STYLE.size * 0.95)
    assert height([para]) == pytest.approx(len(para.lines) * lead)


def test_superscripts_are_smaller_and_marked(fonts):
    para = paragraph(sample_pieces("S2[@a]"), STYLE, 300.0, fonts, "test")
    sup = [s for s in para.spans if s.script == "sup"]
    assert [s.text for s in sup] == ["1"]
    assert sup[0].size < STYLE.size


def test_a_character_the_font_lacks_is_a_layout_error_naming_the_page(fonts):
    with pytest.raises(LayoutError) as ei:
        paragraph([Piece("Kanji \u6f22\u5b57")], STYLE, 300.0, fonts, "deck.pptx slide 9")
    assert "U+6F22" in ei.value.message
    assert "slide 9" in str(ei.value)
    assert ei.value.hint


# ---------------------------------------------------------------------------------- fitting

@pytest.fixture(scope="module")
def slide_ctx(fonts):
    from posterdeck.compose.blocks import Ctx
    from posterdeck.schema.layout import LayoutFile

    layout = LayoutFile.model_validate(read_yaml(LAYOUTS_DIR / "slides-16x9.yaml")).layout
    return Ctx(layout, fonts, "inovate-salvage/en-NL/deck.pptx slide 4 (survival)")


def body_block(ctx, text, n):
    from posterdeck.compose.blocks import TextBlock

    return TextBlock([(sample_pieces(text), "body", 0)] * n, ctx)


def test_max_scale_is_one_when_the_text_fits(slide_ctx):
    from posterdeck.compose.blocks import max_scale

    block = body_block(slide_ctx, "Short text.", 1)
    assert max_scale(block, 400, 200, slide_ctx, "the slide body") == 1.0


def test_max_scale_shrinks_until_the_block_fits(slide_ctx):
    from posterdeck.compose.blocks import max_scale

    block = body_block(slide_ctx, SAMPLE, 3)
    natural = block.min_height(400, 1.0)
    room = natural * 0.8
    scale = max_scale(block, 400, room, slide_ctx, "the slide body")
    assert scale < 1.0
    assert block.min_height(400, scale) <= room + 0.01
    # and it is the largest such scale, on the 0.025 grid
    assert block.min_height(400, round(scale + 0.025, 4)) > room + 0.01
    # never below the style's minimum size
    body = slide_ctx.layout.styles["body"]
    assert slide_ctx.style("body", scale).size >= body.smallest


def test_a_block_too_big_for_its_region_is_a_layout_error_naming_the_page(slide_ctx):
    from posterdeck.compose.blocks import max_scale

    block = body_block(slide_ctx, SAMPLE, 30)
    with pytest.raises(LayoutError) as ei:
        max_scale(block, 300, 100, slide_ctx, "the slide body")
    err = ei.value
    assert "overflows" in err.message
    assert "slide 4 (survival)" in str(err)
    assert err.hint


def test_too_much_text_on_a_slide_is_a_layout_error_naming_the_slide(project_copy):
    from posterdeck.compose.build import compose
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.target import make_target

    sentence = "Note: Due to the small sample size, results should be interpreted with caution."
    project_copy.replace("data/inovate-salvage/content.yaml",
                         f'      - "{sentence}"\n      - "Salvage treatment line by',
                         f'      - "{(sentence + " ") * 60}"\n      - "Salvage treatment line by')
    model = load_deck(project_copy.deck)
    with pytest.raises(PosterdeckError) as ei:
        compose(model, make_target(TARGET, model.info, model.markets))
    errs = ei.value.errors if isinstance(ei.value, ErrorList) else [ei.value]
    assert all(isinstance(e, LayoutError) and e.hint for e in errs)
    slide = [e for e in errs if "deck.pptx" in str(e.location)]
    assert len(slide) == 1
    assert "slide 4 (survival)" in str(slide[0])
    assert "overflows" in slide[0].message


def test_same_footnote_id_with_different_texts_in_two_sections_on_the_poster(project_copy):
    from posterdeck.compose.build import compose
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.target import make_target

    rel = "data/inovate-salvage/content.yaml"
    text = project_copy.path(rel).read_text(encoding="utf-8")
    lines = text.split("\n")
    at = [i for i, ln in enumerate(lines) if ln.strip().startswith("vod_risk:")]
    assert len(at) == 2, "the demo defines vod_risk in two sections"
    lines[at[1]] = '      vod_risk: "A different note that only the conclusions make."'
    project_copy.path(rel).write_text("\n".join(lines), encoding="utf-8")
    model = load_deck(project_copy.deck)
    docs = compose(model, make_target(TARGET, model.info, model.markets))
    deck_text = "\n".join(p.text() for p in docs["deck"].pages)
    assert "A different note that only the conclusions make." in deck_text  # per-slide lettering is right
    poster_text = docs["poster"].pages[0].text()
    assert "increased risk of VOD" in poster_text
    assert "A different note that only the conclusions make." in poster_text
