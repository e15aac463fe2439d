"""Every limit is a check, not a crash (issue 10, point 5).

- lengths the file formats cannot hold: metadata is shortened, content that cannot fit or cannot
  be written is an error naming file:line, in ``check`` and in ``build`` alike, never a traceback;
- ``check --strict`` fails on everything ``build --strict`` fails on, and glossary terms a deck
  never shows are demanded by neither;
- text that falls back to the source language keeps its abbreviations in the footer;
- ``i18n status -v`` names each missing text by context, file:line and its start;
- pictures a PowerPoint file cannot take are errors naming the image file and line.

Each test works on a throw-away copy of the project (``project_copy``), cut down to the targets
it needs.
"""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import write_po

from conftest import DECK, error_lines, norm, pdftotext_pages, read_slides

CONTENT = f"data/{DECK}/content.yaml"
DECKYAML = f"data/{DECK}/deck.yaml"
ALL_TARGETS = "targets: [en-NL, en-GB, nl-NL, de-DE, fr-FR, el-GR]"
TITLE = ('title: "Impact of salvage treatment phase on BESPONSA treatment for R/R B-cell ALL: an update from '
         'the INO-VATE final study database"')
SUMMARY_CTX = "sections.crcri.summary"
HSCT = "HSCT=hematopoietic stem cell transplantation"


def targets(project, tags: str) -> None:
    project.replace(DECKYAML, ALL_TARGETS, f"targets: [{tags}]")


def long_title(length: int) -> str:
    words = ("Impact of salvage treatment phase on BESPONSA treatment for R/R B-cell ALL in adults with "
             "relapsed or refractory disease across many centres and countries").split()
    out = []
    while len(" ".join(out)) < length:
        out.append(words[len(out) % len(words)])
    return " ".join(out)[:length].rstrip() + "x" * (length - len(" ".join(out)[:length].rstrip()))


def build(project, *tags: str, strict: bool = False):
    args = ["build", f"data/{DECK}", "--out", str(project.out), "-q", "--jobs", "1"]
    for t in tags:
        args += ["--target", t]
    return project.cli(*args, *(["--strict"] if strict else []))


def no_traceback(res) -> None:
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout, res.stderr


def set_translations(project, lang: str, keep=lambda m: True) -> int:
    """Empty every msgstr of a copied catalogue for which ``keep`` is false; return how many."""
    from posterdeck.resolve.catalogue import read_catalogue

    path = project.deck / "i18n" / f"{lang}.po"
    cat = read_catalogue(path)
    n = 0
    for m in cat:
        if m.id and not keep(m):
            m.string = ""
            n += 1
    with path.open("wb") as fh:
        write_po(fh, cat, width=100)
    return n


# ------------------------------------------------------------------------------------ metadata

def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis():
    from posterdeck.limits import META_LIMIT, shorten

    text = long_title(360)
    cut = shorten(text)
    assert len(cut) <= META_LIMIT and cut.endswith("\u2026")
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "  # a whole word before the ellipsis
    assert shorten("short title") == "short title"
    assert len(shorten("x" * 400)) == META_LIMIT  # one word longer than the limit is cut inside it


def test_a_360_character_title_builds_with_its_metadata_shortened(project_copy):
    """python-pptx refused a title longer than 255 characters with a traceback. The title shows
    whole on the slides and the poster; the files' title metadata is shortened."""
    targets(project_copy, "en-NL")
    title = long_title(360)
    project_copy.replace(CONTENT, TITLE, f'title: "{title}"')
    check = project_copy.cli("check", "--fit", f"data/{DECK}")
    no_traceback(check)
    res = build(project_copy, "en-NL")
    no_traceback(res)
    # check --fit and build agree: both pass here (the title fits at a smaller size)
    assert check.returncode == 0, check.stderr
    assert res.returncode == 0, res.stderr
    from pptx import Presentation
    from pypdf import PdfReader

    folder = project_copy.out / DECK / "en-NL"
    core = Presentation(str(folder / "deck.pptx")).core_properties.title
    assert len(core) <= 255 and core.endswith("\u2026") and title.startswith(core[:-1])
    for name in ("deck.pdf", "poster.pdf", "poster-screen.pdf"):
        assert PdfReader(str(folder / name)).metadata.title == core, name
    # the content keeps every word: the first slide and the poster show the whole title
    assert norm(title) in norm(read_slides(folder / "deck.pptx")[0].text)
    assert norm(title) in norm(pdftotext_pages(folder / "deck.pdf")[0])


def test_a_title_that_cannot_fit_is_an_error_naming_its_line_in_check_and_build(project_copy):
    targets(project_copy, "en-NL")
    line = project_copy.replace(CONTENT, TITLE, f'title: "{long_title(3000)}"')
    check = project_copy.cli("check", "--fit", f"data/{DECK}")
    res = build(project_copy, "en-NL")
    for r in (check, res):
        no_traceback(r)
        assert r.returncode == 1, r.stderr
        errors = error_lines(r.stderr)
        assert any(f"content.yaml:{line}:" in e and "title" in e and "overflows" in e for e in errors), errors
    assert project_copy.written() == []


@pytest.mark.parametrize("where", ["content", "translation"])
def test_a_control_character_is_an_error_naming_its_line_not_a_crash(project_copy, where):
    """XML (every part of a PPTX) cannot hold U+000B; YAML lets it in as the escape \\v."""
    targets(project_copy, "en-NL, de-DE")
    if where == "content":
        line = project_copy.replace(CONTENT, "title: \"Impact of salvage", "title: \"Impact\\vof salvage")
        file = "content.yaml"
    else:
        from posterdeck.resolve.catalogue import read_catalogue

        path = project_copy.deck / "i18n" / "de.po"
        cat = read_catalogue(path)
        msg = next(m for m in cat if m.context == SUMMARY_CTX)
        msg.string = msg.string.replace(" ", "\x0b", 1)
        with path.open("wb") as fh:
            write_po(fh, cat, width=100)
        from posterdeck.resolve.posyntax import read_entries

        # the msgstr's line, where a translation's problems are said (issue 12)
        line = next(e for e in read_entries(path, path.read_bytes()) if e.context == SUMMARY_CTX).msgstr_line
        file = "de.po"
    check = project_copy.cli("check", f"data/{DECK}")
    res = build(project_copy, "en-NL", "de-DE")
    for r in (check, res):
        no_traceback(r)
        assert r.returncode == 1, r.stderr
        errors = error_lines(r.stderr)
        assert any(f"{file}:{line}:" in e and "U+000B" in e for e in errors), errors
    assert not (project_copy.out / DECK / "de-DE").exists()  # the German target wrote nothing


# -------------------------------------------------------------------- check --strict = build --strict

def test_check_strict_and_build_strict_agree_on_a_missing_translation(project_copy):
    targets(project_copy, "en-NL, de-DE")
    assert set_translations(project_copy, "de", lambda m: m.context != SUMMARY_CTX) == 1
    line = project_copy.line_of(CONTENT, 'summary: "Rates of CR/CRi and MRD negativity')
    check = project_copy.cli("check", "--strict", f"data/{DECK}")
    res = build(project_copy, strict=True)
    for r in (check, res):
        no_traceback(r)
        assert r.returncode == 1, r.stderr
    assert error_lines(check.stderr) == error_lines(res.stderr)
    (error,) = error_lines(check.stderr)
    assert f"content.yaml:{line}:" in error and SUMMARY_CTX in error
    # without --strict both pass, and both warn naming the text
    plain_check = project_copy.cli("check", f"data/{DECK}")
    assert plain_check.returncode == 0, plain_check.stderr
    warnings = [w for w in plain_check.stderr.splitlines() if w.startswith("warning:")]
    assert len(warnings) == 1 and f"content.yaml:{line}:" in warnings[0] and SUMMARY_CTX in warnings[0]


def test_glossary_terms_the_deck_never_shows_are_not_demanded(project_copy):
    """The shared oncology glossary added to the deck: none of its new terms is on a page, so no
    catalogue needs them; check --strict, build --strict and i18n status agree."""
    targets(project_copy, "en-NL, de-DE")
    project_copy.replace(DECKYAML, "glossaries: [../shared/glossary/haematology.yaml]",
                         "glossaries: [../shared/glossary/haematology.yaml, ../shared/glossary/oncology.yaml]")
    glossary = project_copy.path("data/shared/glossary/haematology.yaml")
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        "glossary:\n", "glossary:\n  PFS2: progression-free survival on the next line of therapy\n", 1), encoding="utf-8")
    assert "PFS2:" in glossary.read_text(encoding="utf-8")
    check = project_copy.cli("check", "--strict", f"data/{DECK}")
    res = build(project_copy, strict=True)
    status = project_copy.cli("i18n", "status", "-v", f"data/{DECK}")
    for r in (check, res, status):
        no_traceback(r)
        assert r.returncode == 0, r.stderr
    assert "missing:" not in status.stdout
    # a term the deck does show, without its translation, is demanded by both
    set_translations(project_copy, "de", lambda m: m.context != "glossary.HSCT")
    check = project_copy.cli("check", "--strict", f"data/{DECK}")
    res = build(project_copy, strict=True)
    assert check.returncode == res.returncode == 1
    assert error_lines(check.stderr) == error_lines(res.stderr)
    assert all("glossary.HSCT" in e for e in error_lines(check.stderr)) and error_lines(check.stderr)


# -------------------------------------------------------------------------------- fallback text

def test_text_in_the_source_language_keeps_its_abbreviations_in_the_footer(project_copy):
    """German says HSZT for HSCT. With every text that mentions HSCT untranslated, the slides
    show HSCT in English text: the footer lists HSCT with its English expansion."""
    targets(project_copy, "de-DE")
    n = set_translations(project_copy, "de", lambda m: "HSCT" not in m.id or m.context.startswith("glossary"))
    assert n > 3
    res = build(project_copy, "de-DE")
    no_traceback(res)
    assert res.returncode == 0, res.stderr
    warnings = [w for w in res.stderr.splitlines() if w.startswith("warning:")]
    assert warnings and all(re.search(r"content\.yaml:\d+: no de translation for '[\w.]+'", w) for w in warnings
                            if "translation" in w), warnings
    folder = project_copy.out / DECK / "de-DE"
    slides = read_slides(folder / "deck.pptx")
    pages = pdftotext_pages(folder / "deck.pdf")
    hsct = re.compile(r"(?<!\w)HSCT(?!\w)")

    def shows(s) -> bool:  # body, footnotes and statements: all but the abbreviation line itself
        return any(hsct.search(t) for t in s.body + [f for f in s.footer if "=" not in f])

    showing = [s for s in slides if shows(s)]
    assert len(showing) >= 3
    for s in slides:  # listed exactly where the slide shows it
        assert any(HSCT in f for f in s.footer) == shows(s), (s.index, s.footer)
    for s in showing:  # and the PDF of the deck prints it the same
        assert HSCT in norm(pages[s.index - 1]), s.index


# ---------------------------------------------------------------------------------- i18n status

def test_i18n_status_names_each_missing_text_by_context_and_line(project_copy):
    targets(project_copy, "en-NL, de-DE")
    set_translations(project_copy, "de", lambda m: m.context != SUMMARY_CTX)
    line = project_copy.line_of(CONTENT, 'summary: "Rates of CR/CRi and MRD negativity')
    res = project_copy.cli("i18n", "status", "-v", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    missing = [ln for ln in res.stdout.splitlines() if "missing:" in ln]
    assert len(missing) == 1, res.stdout
    assert re.search(rf"de-DE: missing: {re.escape(SUMMARY_CTX)} \(\S*content\.yaml:{line}\) 'Rates of CR/CRi",
                     missing[0]), missing[0]


@pytest.mark.parametrize("deck", [DECK, "aurora-fictional"])
def test_every_translatable_text_has_a_context_of_its_own(deck):
    """A forest plot's three column headings shared the chart's context, so status printed
    'missing: charts.os_forest' three times."""
    from conftest import DATA
    from posterdeck.i18n import template
    from posterdeck.loading.deck import load_deck

    items = template(load_deck(DATA / deck))
    contexts = [ctx for ctx, raw, *_ in items]
    shared = {c for c in contexts if contexts.count(c) > 1}
    # a chart's alt text is its title again, under the chart's own context
    assert not {c for c in shared if not re.fullmatch(r"charts\.\w+", c)}, shared


# ---------------------------------------------------------------------------------------- images

@pytest.mark.parametrize("kind", ["truncated", "webp", "missing"])
def test_a_picture_that_cannot_go_into_the_outputs_names_the_file_and_line(project_copy, kind):
    import io

    from PIL import Image, features

    targets(project_copy, "en-NL")
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buf, format="PNG")
    if kind == "truncated":
        (project_copy.deck / "figure.png").write_bytes(buf.getvalue()[:60])
        name = "figure.png"
    elif kind == "webp":
        if not features.check("webp"):
            pytest.skip("Pillow without WebP")
        Image.new("RGB", (40, 20)).save(project_copy.deck / "figure.webp", format="WEBP")
        name = "figure.webp"
    else:
        name = "nowhere.png"
    text = project_copy.path(CONTENT).read_text(encoding="utf-8")
    text = text.rstrip("\n") + f"\n\nimages:\n  figure:\n    file: {name}\n    alt: A red box\n"
    project_copy.path(CONTENT).write_text(text, encoding="utf-8")
    line = project_copy.line_of(CONTENT, f"file: {name}")
    line_id = project_copy.line_of(CONTENT, "  - id: rationale\n")  # a section without visuals
    project_copy.insert_line(CONTENT, line_id, "    visuals: [figure]")
    line += 1
    check = project_copy.cli("check", f"data/{DECK}")
    res = build(project_copy, "en-NL")
    for r in (check, res):
        no_traceback(r)
        assert r.returncode == 1, r.stderr
        errors = error_lines(r.stderr)
        assert any(f"content.yaml:{line}:" in e and name in e for e in errors), errors
    assert project_copy.written() == []
