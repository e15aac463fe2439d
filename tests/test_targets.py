"""Targets, markets and translations (README, "Targets, markets and translations").

Every target of the demo is built ONCE for this module, through the command line with its default
worker processes (that build is also the test of the parallel build), and read back page by page:
deck.pptx with python-pptx, the PDFs with pdftotext. Catalogues are opened with Babel's own reader.
Broken copies of the project check a missing or out-of-date translation (normal and --strict), a
missing glyph and an overflow caused by a long translation; a market and languages that are not
among the demo's (tests/fixtures/i18n/IT.yaml, it-IT and en-DE) check that nothing is hard-wired.

Expected formats come from Babel (CLDR), never from posterdeck. Numbers and months follow the
target's *language*: en-NL reproduces the seed's "78.4%" (CLDR en_NL alone would print "78,4%").
"""
from __future__ import annotations

import ast
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from babel.dates import format_skeleton
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal, format_percent

from conftest import (DECK, DECK_DIR, abbreviation_line, demo_markets, error_lines, half_up, norm, parse_abbreviations,
                      pdftotext_pages, read_slides, read_yaml, run_cli, terms_in)

DECK_INFO = read_yaml(DECK_DIR / "deck.yaml")["deck"]
TARGETS: list[str] = list(DECK_INFO["targets"])
SOURCE_LANGUAGE = DECK_INFO.get("source_language", "en")
CONTENT = f"data/{DECK}/content.yaml"
DECKYAML = f"data/{DECK}/deck.yaml"
FIXTURES = Path(__file__).parent / "fixtures" / "i18n"
OUTPUT_FILES = {"poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf"}

# The local job codes the issue names: ISO alpha-3 where the global code has GLB; en-NL (the seed)
# keeps the global code through deck.yaml's target_job_codes.
JOB_CODES = {"en-NL": "PP-INO-GLB-0137", "en-GB": "PP-INO-GBR-0137", "nl-NL": "PP-INO-NLD-0137",
             "de-DE": "PP-INO-DEU-0137", "fr-FR": "PP-INO-FRA-0137", "el-GR": "PP-INO-GRC-0137"}

UK_AE = "Adverse events should be reported"
NL_BLACK_TRIANGLE = "Dit geneesmiddel is onderworpen aan aanvullende monitoring."
DE_PRESCRIPTION = "Verschreibungspflichtig."
SUMMARY_CTX = "sections.crcri.summary"


# --------------------------------------------------------------------------------------------
# expectations, derived from the data files and from Babel
# --------------------------------------------------------------------------------------------

def language(tag: str) -> str:
    return tag.split("-")[0]


def month_year(tag: str) -> str:
    y, m = (int(p) for p in DECK_INFO["date_of_preparation"].split("-"))
    return format_skeleton("yMMMM", date(y, m, 1), locale=tag.replace("-", "_"))  # CLDR, standing alone


def job_line(tag: str, code: str | None = None) -> str:
    return f"{code or JOB_CODES[tag]}. {month_year(tag)}."


def percent(value: str, tag: str) -> str:
    """'78.4' as CLDR prints a percentage in the target's language (no-break space and all)."""
    return format_percent(Decimal(value) / 100, locale=language(tag), decimal_quantization=False)


def decimal(value: Decimal, tag: str, decimals: int = 1) -> str:
    return format_decimal(value, format="0." + "0" * decimals, locale=language(tag))


def folded(term: str):
    """Sort key of the abbreviation footer: accents folded, case folded."""
    base = "".join(c for c in unicodedata.normalize("NFD", term) if not unicodedata.combining(c))
    return (base.casefold(), term)


MARKETS = demo_markets()  # as the demo deck shows them: its own statements and links included


def market_of(tag: str) -> dict:
    return MARKETS[tag.split("-")[1]]


def printed(text: str, links: dict | None = None) -> str:
    """A text as the outputs show it: links placed, Markdown link targets and emphasis dropped,
    citations and footnote markers (printed as superscripts) dropped."""
    for name, url in (links or {}).items():
        text = re.sub(r"\{\{\s*link\.%s\s*\}\}" % re.escape(name), url, text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[[@^][^\]]*\]", "", text)
    return text.replace("**", "").replace("*", "")


def statement_text(st: dict, tag: str, market: dict) -> str:
    text = st["text"]
    if isinstance(text, dict):
        text = text.get(language(tag)) or text.get(market.get("language", "en")) or next(iter(text.values()))
    return printed(text, market.get("links"))


def read_catalogue(path: Path):
    with path.open("rb") as fh:
        return read_po(fh, abort_invalid=True)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    """context -> message of the demo's catalogue for a language."""
    return {m.context: m for m in read_catalogue(DECK_DIR / "i18n" / f"{lang}.po") if m.id}


def translated(tag: str, context: str, source: str) -> str:
    if language(tag) == SOURCE_LANGUAGE:
        return source
    return catalogue(language(tag))[context].string


@lru_cache(maxsize=None)
def glossary_for(tag: str) -> dict:
    """The glossary in the target's language, from the glossary files and the catalogue."""
    terms = {}
    for rel in DECK_INFO.get("files", {}).get("glossaries", []):
        terms.update(read_yaml(DECK_DIR / rel).get("glossary", {}) or {})
    if language(tag) == SOURCE_LANGUAGE:
        return terms
    cat = catalogue(language(tag))
    local = {}
    for term, expansion in terms.items():
        t = cat.get(f"glossary-term.{term}")
        local[(t.string or term) if t else term] = cat[f"glossary.{term}"].string
    return local


PLACEHOLDER = re.compile(r"\{\{\s*([^}|]+?)\s*(?:\|[^}]*)?\}\}")
CITATION = re.compile(r"\[@([^\]]+)\]")
FOOTNOTE = re.compile(r"\[\^([^\]]+)\]")


def kept_tokens(text: str) -> tuple[set, set, set]:
    """Data paths of the placeholders, citation keys and footnote references of a text."""
    cites = {k.strip().lstrip("@").strip() for group in CITATION.findall(text) for k in group.split(";")}
    return set(PLACEHOLDER.findall(text)), cites, set(FOOTNOTE.findall(text))


def table_rows(text: str) -> list[list[str]]:
    """The body rows of a rich table printed by the CLI."""
    return [[c.strip() for c in ln.strip().strip("│").split("│")] for ln in text.splitlines() if ln.count("│") >= 2]


def status_by_target(stdout: str) -> dict[str, dict[str, int]]:
    out = {}
    for row in table_rows(stdout):
        if len(row) == 7 and row[0] == DECK:
            out[row[1]] = dict(zip(("texts", "translated", "invalid", "outdated", "missing"), map(int, row[2:])))
    return out


def one_line(text: str) -> str:
    """Console output with its line wrapping undone."""
    return re.sub(r"\s+", " ", text)


# --------------------------------------------------------------------------------------------
# every target built once, through the CLI's parallel build, and read back
# --------------------------------------------------------------------------------------------

@dataclass
class Outputs:
    tag: str
    folder: Path
    slides: list
    deck_pages: list[str]
    poster_pages: list[str]
    screen_pages: list[str]

    @property
    def pptx_text(self) -> str:
        return "\n".join(s.text for s in self.slides)

    def pdf_pages(self):
        for name, pages in (("deck.pdf", self.deck_pages), ("poster.pdf", self.poster_pages),
                            ("poster-screen.pdf", self.screen_pages)):
            for i, page in enumerate(pages, 1):
                yield name, i, page

    @property
    def everything(self) -> str:
        return norm(self.pptx_text + "\n" + "\n".join(p for _, _, p in self.pdf_pages()))


@pytest.fixture(scope="module")
def all_targets(tmp_path_factory):
    out = tmp_path_factory.mktemp("targets-out")
    res = run_cli("build", f"data/{DECK}", "--out", str(out), timeout=600)
    return out, res


@pytest.fixture(scope="module")
def outputs(all_targets):
    out, res = all_targets
    assert res.returncode == 0, res.stderr[-3000:]
    cache: dict[str, Outputs] = {}

    def get(tag: str) -> Outputs:
        if tag not in cache:
            folder = out / DECK / tag
            cache[tag] = Outputs(tag, folder, read_slides(folder / "deck.pptx"), pdftotext_pages(folder / "deck.pdf"),
                                 pdftotext_pages(folder / "poster.pdf"), pdftotext_pages(folder / "poster-screen.pdf"))
        return cache[tag]

    return get


@pytest.fixture(scope="module")
def plan(content_yaml) -> list[str]:
    """Slide number - 1 -> what it shows: the overview, each section in content order, the references."""
    return ["overview"] + [s["id"] for s in content_yaml["sections"]] + ["references"]


def section(content_yaml, sid: str) -> dict:
    return next(s for s in content_yaml["sections"] if s["id"] == sid)


# ---------------------------------------------------------------------------------- the build

def test_the_demo_declares_the_six_targets():
    assert TARGETS == list(JOB_CODES)
    assert {t.split("-")[1] for t in TARGETS} <= set(MARKETS)


def test_parallel_build_of_every_target(all_targets):
    """`posterdeck build DECK --out DIR`: every target, default jobs, one summary table."""
    out, res = all_targets
    assert res.returncode == 0, res.stderr[-3000:]
    assert "Traceback" not in res.stderr + res.stdout
    assert error_lines(res.stderr) == []
    assert "warning:" not in res.stderr  # the demo's catalogues are complete
    for tag in TARGETS:
        folder = out / DECK / tag
        names = {p.name for p in folder.iterdir() if p.is_file()}
        assert OUTPUT_FILES <= names, f"{tag}: {sorted(names)}"
        for name in OUTPUT_FILES:
            assert (folder / name).stat().st_size > 10_000, f"{tag}/{name}"
    rows = [r for r in table_rows(res.stderr + res.stdout) if r and r[0] == DECK]
    assert sorted(r[1] for r in rows) == sorted(TARGETS), res.stderr
    assert all(r[4] == "0" for r in rows), rows  # no warnings for any target


def test_job_codes_follow_the_market_rule():
    parts = DECK_INFO["job_code"]
    overrides = DECK_INFO.get("target_job_codes", {})
    for tag in TARGETS:
        market = overrides.get(tag, {}).get("market") or market_of(tag)["iso3"]
        assert f"{parts['prefix']}-{parts['product']}-{market}-{parts['sequence']}" == JOB_CODES[tag]


@pytest.mark.parametrize("tag", TARGETS)
def test_job_line_on_every_page_and_slide(outputs, tag):
    o = outputs(tag)
    line = job_line(tag)
    assert len(o.slides) == len(o.deck_pages) and len(o.poster_pages) == 1 and len(o.screen_pages) == 1
    for s in o.slides:
        assert line in s.footer, f"{tag} slide {s.index}: {s.footer[-2:]}"
    for name, i, page in o.pdf_pages():
        assert norm(line) in norm(page), f"{tag} {name} page {i}"
    others = [code for t, code in JOB_CODES.items() if code != JOB_CODES[tag]]
    assert not [c for c in others if c in o.everything], f"{tag} prints another target's job code"


@pytest.mark.parametrize("tag", TARGETS)
def test_document_language_and_keywords(outputs, tag):
    import pikepdf
    from pptx import Presentation

    o = outputs(tag)
    cp = Presentation(str(o.folder / "deck.pptx")).core_properties
    assert cp.language == tag
    assert cp.keywords == JOB_CODES[tag]
    for name in ("poster.pdf", "deck.pdf"):
        with pikepdf.open(o.folder / name) as pdf:
            assert str(pdf.Root.Lang) == tag, name


# ---------------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("tag", TARGETS)
def test_percentages_follow_cldr_for_the_language(outputs, plan, tag):
    o = outputs(tag)
    want = percent("78.4", tag)
    crcri = o.slides[plan.index("crcri")]
    assert want in "\n".join(crcri.body), f"{tag}: {want!r} not on the CR/CRi slide"
    assert norm(want) in norm(o.deck_pages[plan.index("crcri")])
    assert norm(want) in norm(o.poster_pages[0])
    if "," in want:  # a decimal-comma language: no number printed the English way
        assert not re.search(r"\d\.\d\s?%", o.everything), re.search(r".{30}\d\.\d\s?%", o.everything)
    else:
        assert not re.search(r"\d,\d\s?%", o.everything)


def test_the_issue_examples_of_percent_formats(outputs, plan):
    crcri = plan.index("crcri")
    body = {t: "\n".join(outputs(t).slides[crcri].body) for t in ("de-DE", "fr-FR", "en-GB", "nl-NL")}
    assert "78,4\u00a0%" in body["de-DE"] and "78,4 %" not in body["de-DE"]  # the no-break space is kept
    assert "78,4\u00a0%" in body["fr-FR"]
    assert "78.4%" in body["en-GB"]
    assert "78,4%" in body["nl-NL"]  # CLDR nl: no space


@pytest.mark.parametrize("tag", TARGETS)
def test_safety_table_cells_and_terms_are_localized(outputs, plan, content_yaml, study_yaml, tag):
    o = outputs(tag)
    slide = o.slides[plan.index("safety")]
    frames = [sh for sh in slide.shapes if getattr(sh, "has_table", False) and sh.has_table]
    assert len(frames) == 1
    rows = {norm(r.cells[0].text): [norm(c.text) for c in list(r.cells)[1:]] for r in frames[0].table.rows}
    data_id = content_yaml["tables"]["teae"]["data"]
    data = study_yaml["tables"][data_id]
    decimals = study_yaml["study"].get("decimals", 1)
    for row in data["rows"]:
        term = norm(translated(tag, f"study.tables.{data_id}.{row['term']}", row["term"]))
        expected = [f"{n} ({decimal(half_up(100 * n / study_yaml['populations'][col]['n'], decimals), tag, decimals)})"
                    for n, col in zip(row["n"], data["columns"])]
        assert rows.get(term) == expected, f"{tag}: row {term!r}: {rows.get(term)}"
    if tag == "de-DE":
        assert rows[norm(translated(tag, f"study.tables.{data_id}.Neutropenia", "Neutropenia"))][0] == "56 (50,5)"


# ---------------------------------------------------------------------------------- statements

def all_text_of(o: Outputs) -> list[tuple[str, str]]:
    return [(f"slide {s.index}", norm(s.text)) for s in o.slides] + [
        (f"{name} page {i}", norm(p)) for name, i, p in o.pdf_pages()]


@pytest.mark.parametrize("tag", TARGETS)
def test_uk_adverse_event_statement_on_the_uk_deck_only(outputs, tag):
    o = outputs(tag)
    gb = MARKETS["GB"]
    full = norm(statement_text(next(s for s in gb["statements"] if s["id"] == "adverse-events"), "en-GB", gb))
    assert full.startswith(UK_AE)
    if market_of(tag)["code"] == "GB":
        for where, text in all_text_of(o):
            assert full in text, f"{tag} {where}"
    else:
        assert UK_AE not in o.everything, tag


@pytest.mark.parametrize("tag", TARGETS)
def test_cgr_statement_on_the_nl_decks_only(outputs, tag):
    o = outputs(tag)
    nl = MARKETS["NL"]
    cgr = next(s for s in nl["statements"] if s["id"] == "cgr")
    texts = {lang: norm(printed(t)) for lang, t in cgr["text"].items()}
    if market_of(tag)["code"] == "NL":
        want = texts[language(tag)]
        for where, text in all_text_of(o):
            assert want in text, f"{tag} {where}"
        for lang, other in texts.items():
            if lang != language(tag):
                assert other not in o.everything, f"{tag} also prints the {lang} CGR text"
    else:
        assert "CGR" not in o.everything, tag


def test_dutch_black_triangle_and_german_prescription_status(outputs):
    nl = outputs("nl-NL")
    assert NL_BLACK_TRIANGLE in norm(nl.slides[0].text)
    assert NL_BLACK_TRIANGLE in norm(nl.poster_pages[0])
    assert NL_BLACK_TRIANGLE not in outputs("en-NL").everything
    de = outputs("de-DE")
    for s in de.slides:
        assert DE_PRESCRIPTION in s.footer, f"slide {s.index}"
    for name, i, page in de.pdf_pages():
        assert DE_PRESCRIPTION in norm(page), f"{name} page {i}"


@pytest.mark.parametrize("tag", TARGETS)
def test_every_statement_in_the_targets_language_on_the_right_slides(outputs, content_yaml, tag):
    """Product statements go through the catalogue, market statements are written per language."""
    o = outputs(tag)
    market = market_of(tag)
    expected = [(st["id"], st.get("placement", "footer"),
                 printed(translated(tag, f"statements.{st['id']}", st["text"])))
                for st in content_yaml.get("statements", []) if not st.get("markets")]
    # the market's own, and the deck's for this market (written per language like a market's)
    expected += [(st["id"], st.get("placement", "footer"), statement_text(st, tag, market))
                 for st in market.get("statements", [])]
    n = len(o.slides)
    for sid, place, text in expected:
        on = [s.index for s in o.slides if norm(text) in norm(s.text)]
        want = {"footer": list(range(1, n + 1)), "overview": [1], "closing": [n]}[place]
        assert on == want, f"{tag}: statement {sid} ({place}) on slides {on}"
        # the print poster prints a link's address after its text (issue 13): read as written on screen
        assert norm(text) in norm(o.screen_pages[0]), f"{tag}: statement {sid} not on the poster"


# ---------------------------------------------------------------------------------- abbreviations

def test_german_footer_defines_ki_not_ci(outputs):
    de = outputs("de-DE")
    using = 0
    for s in de.slides:
        line = abbreviation_line(s.footer) or ""
        terms = [t for t, _ in parse_abbreviations(line)] if line else []
        rest = "\n".join(p for p in s.body + s.footer if p != line)
        assert "CI" not in terms, f"slide {s.index}: {line}"
        if re.search(r"(?<!\w)KI(?!\w)", rest):
            using += 1
            assert "KI" in terms, f"slide {s.index} uses KI but its footer does not define it: {line}"
    assert using >= 2  # the overview and the CR/CRi slide print CIs


@pytest.mark.parametrize("tag", TARGETS)
def test_each_slide_defines_exactly_the_localized_terms_it_uses_sorted(outputs, tag):
    o = outputs(tag)
    glossary = glossary_for(tag)
    for s in o.slides:
        line = abbreviation_line(s.footer)
        listed = parse_abbreviations(line) if line else []
        terms = [t for t, _ in listed]
        used = terms_in("\n".join(p for p in s.body + s.footer if p != line), glossary)
        assert set(terms) == used, f"{tag} slide {s.index}: lists {sorted(terms)}, uses {sorted(used)}"
        assert terms == sorted(terms, key=folded), f"{tag} slide {s.index}: not sorted: {terms}"
        for term, expansion in listed:
            assert expansion == glossary[term], f"{tag} slide {s.index}: {term}"


# ---------------------------------------------------------------------------------- catalogues

def demo_languages() -> list[str]:
    return sorted({language(t) for t in TARGETS} - {SOURCE_LANGUAGE})


def test_one_catalogue_per_translated_language():
    assert sorted(p.stem for p in (DECK_DIR / "i18n").glob("*.po")) == demo_languages()


@pytest.mark.parametrize("lang", demo_languages())
def test_catalogue_opens_with_babel_complete_and_marked_as_demo(lang):
    cat = read_catalogue(DECK_DIR / "i18n" / f"{lang}.po")
    assert str(cat.locale) == lang
    messages = [m for m in cat if m.id]
    assert len(messages) > 100
    assert all(m.context and m.locations for m in messages)
    assert len({m.context for m in messages}) == len(messages)  # a context names one place
    assert [m.context for m in messages if not m.string or m.fuzzy] == []
    assert "DEMO TRANSLATION" in cat.header_comment
    # the same messages in every language
    assert {(m.context, m.id) for m in messages} == {(m.context, m.id) for m in catalogue("de").values()}


@pytest.mark.parametrize("lang", demo_languages())
def test_translations_keep_placeholders_citations_and_footnotes(lang):
    """The same data paths, citation keys and footnote references as the source (and the same
    formats: resolve.fidelity refuses 'pct_ci' split into 'pct' and 'ci', see test_translations_safe)."""
    broken = [(ctx, kept_tokens(m.id), kept_tokens(m.string)) for ctx, m in catalogue(lang).items()
              if kept_tokens(m.id) != kept_tokens(m.string)]
    assert broken == []
    kinds = [kept_tokens(m.id) for m in catalogue(lang).values()]
    assert all(any(k[i] for k in kinds) for i in range(3))  # placeholders, citations and footnotes all occur


def test_i18n_status_reports_nothing_missing_or_out_of_date():
    res = run_cli("i18n", "status", f"data/{DECK}", "-v")
    assert res.returncode == 0, res.stderr
    st = status_by_target(res.stdout)
    assert sorted(st) == sorted(TARGETS), res.stdout
    for tag, row in st.items():
        assert row["missing"] == 0 and row["outdated"] == 0, (tag, row)
        assert row["translated"] == row["texts"] == len(catalogue("de")), (tag, row)
    assert "missing:" not in res.stdout and "out of date:" not in res.stdout


def test_i18n_extract_leaves_the_complete_catalogues_unchanged(project_copy):
    folder = project_copy.deck / "i18n"
    before = {p.name: p.read_bytes() for p in folder.glob("*.po")}
    res = project_copy.cli("i18n", "extract", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    assert {p.name: p.read_bytes() for p in folder.glob("*.po")} == before
    for lang in demo_languages():
        assert re.search(rf"{lang}\.po: \d+ messages \(0 new, 0 changed", res.stdout), res.stdout


# ---------------------------------------------------------------------------------- broken copies

def set_translation(project, lang: str, context: str, text: str) -> None:
    """Change one msgstr of a copied catalogue, through Babel."""
    path = project.deck / "i18n" / f"{lang}.po"
    cat = read_catalogue(path)
    hits = [m for m in cat if m.id and m.context == context]
    assert len(hits) == 1, context
    hits[0].string = text
    with path.open("wb") as fh:
        write_po(fh, cat, width=100)


def build(project, *targets: str, strict: bool = False, quiet: bool = False):
    args = ["build", f"data/{DECK}"]
    for t in targets:
        args += ["--target", t]
    args += ["--out", str(project.out)] + (["--strict"] if strict else []) + (["-q"] if quiet else [])
    return project.cli(*args)


def written_for(project, tag: str) -> set[str]:
    folder = project.out / DECK / tag
    return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()


def summary_line(project) -> int:
    return project.line_of(CONTENT, 'summary: "Rates of CR/CRi and MRD negativity')


def assert_fallback_warning(stderr: str, line: int) -> None:
    flat = one_line(stderr)
    assert re.search(rf"warning: \S*content\.yaml:{line}:.{{0,80}}'{re.escape(SUMMARY_CTX)}'", flat), stderr


def test_missing_translation_falls_back_to_the_source_with_a_warning(project_copy, content_yaml, plan):
    line = summary_line(project_copy)
    set_translation(project_copy, "de", SUMMARY_CTX, "")
    res = build(project_copy, "de-DE")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert_fallback_warning(res.stderr, line)
    assert one_line(res.stderr).count("warning:") == 1, res.stderr
    assert OUTPUT_FILES <= written_for(project_copy, "de-DE")
    slide = norm(read_slides(project_copy.out / DECK / "de-DE" / "deck.pptx")[plan.index("crcri")].text)
    assert norm(printed(section(content_yaml, "crcri")["summary"])) in slide  # the English source
    assert norm(printed(catalogue("de")[SUMMARY_CTX].string)) not in slide
    assert norm(printed(catalogue("de")["sections.crcri.headline"].string)) in slide  # the rest is German


def test_missing_translation_with_strict_is_an_error_and_writes_nothing(project_copy):
    line = summary_line(project_copy)
    set_translation(project_copy, "de", SUMMARY_CTX, "")
    res = build(project_copy, "de-DE", strict=True, quiet=True)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    errors = error_lines(res.stderr)
    assert len(errors) == 1, res.stderr
    assert SUMMARY_CTX in errors[0] and f"content.yaml:{line}" in errors[0]
    assert "hint:" in res.stderr
    assert project_copy.written() == []


def test_quiet_build_still_prints_missing_translation_warnings(project_copy):
    set_translation(project_copy, "de", SUMMARY_CTX, "")
    res = build(project_copy, "de-DE", quiet=True)
    assert res.returncode == 0, res.stderr
    assert SUMMARY_CTX in res.stderr


def test_changed_source_text_is_out_of_date_not_missing_and_falls_back(project_copy, plan):
    old_id = catalogue("de")[SUMMARY_CTX].id
    new_text = old_id.replace("were greater", "were clearly greater")
    assert new_text != old_id
    line = project_copy.replace(CONTENT, f'summary: "{old_id}"', f'summary: "{new_text}"')
    translated_tags = [t for t in TARGETS if language(t) != SOURCE_LANGUAGE]

    def status():
        res = project_copy.cli("i18n", "status", f"data/{DECK}", "-v")
        assert res.returncode == 0, res.stderr
        return status_by_target(res.stdout), res.stdout

    for when in ("before extract", "after extract"):
        if when == "after extract":
            res = project_copy.cli("i18n", "extract", f"data/{DECK}")
            assert res.returncode == 0, res.stderr
            msg = {m.context: m for m in read_catalogue(project_copy.deck / "i18n" / "de.po") if m.id}[SUMMARY_CTX]
            assert msg.id == new_text and msg.fuzzy  # the old translation kept, flagged
            assert msg.string == catalogue("de")[SUMMARY_CTX].string
            obsolete = read_catalogue(project_copy.deck / "i18n" / "de.po").obsolete.values()
            assert SUMMARY_CTX not in [m.context for m in obsolete]  # carried over, not also kept as #~
        st, text = status()
        for tag in TARGETS:
            want = 1 if tag in translated_tags else 0
            assert st[tag]["outdated"] == want and st[tag]["missing"] == 0, (when, tag, st[tag])
            assert st[tag]["translated"] == st[tag]["texts"] - want, (when, tag, st[tag])
        for tag in translated_tags:
            assert f"{tag}: out of date: {SUMMARY_CTX}" in text, (when, text)
        assert "missing:" not in text, (when, text)
    res = build(project_copy, "de-DE")
    assert res.returncode == 0, res.stderr
    assert_fallback_warning(res.stderr, line)
    slide = norm(read_slides(project_copy.out / DECK / "de-DE" / "deck.pptx")[plan.index("crcri")].text)
    assert norm(printed(new_text)) in slide
    assert norm(printed(catalogue("de")[SUMMARY_CTX].string)) not in slide


@pytest.mark.parametrize("where", ["translation", "market statement"])
def test_a_character_without_a_glyph_is_an_error_naming_it(project_copy, where):
    if where == "translation":
        text = "Die CR/CRi-Raten waren in der ersten Salvage-Linie h\u00f6her (\u4e2d)"
        set_translation(project_copy, "de", SUMMARY_CTX, text + "[@jabbour2020]")
        chars = ["\u4e2d"]
    else:
        text = f"{DE_PRESCRIPTION} \u65e5\u672c\u8a9e"
        project_copy.replace("data/shared/markets/DE.yaml", f'de: "{DE_PRESCRIPTION}"', f'de: "{text}"')
        chars = ["\u65e5", "\u672c", "\u8a9e"]
    res = build(project_copy, "de-DE", quiet=True)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    errors = error_lines(res.stderr)
    assert errors, res.stderr
    joined = "\n".join(errors)
    for ch in chars:
        assert f"U+{ord(ch):04X}" in joined and ch in joined, joined
    assert text[:30] in joined  # the text that holds it
    assert all("de-DE" in e for e in errors)
    assert project_copy.written() == []  # no page with blank boxes


def test_an_overflow_caused_by_a_long_translation(project_copy):
    sentence = "Die Raten waren in der ersten Salvage-Linie deutlich h\u00f6her."
    set_translation(project_copy, "de", SUMMARY_CTX, " ".join([sentence] * 20) + "[@jabbour2020]")
    res = build(project_copy, "de-DE", "en-GB", "en-NL", quiet=True)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    errors = error_lines(res.stderr)
    assert errors, res.stderr
    for e in errors:
        assert "overflow" in e and "de-DE" in e and "en-GB" not in e and "en-NL" not in e, e
    assert any("deck.pptx slide" in e for e in errors), errors
    # each names the start of the text that does not fit, as the German target prints it
    german = {norm(printed(m.string)) for m in catalogue("de").values()}
    german |= {statement_text(st, "de-DE", MARKETS["DE"]) for st in MARKETS["DE"]["statements"]}
    for e in errors:
        m = re.search(r"text begins ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", e)
        assert m, e
        first = norm(ast.literal_eval(m.group(1)).split("\n")[0])
        assert first and any(g.startswith(first) or first.startswith(g) for g in german if g), e
    assert written_for(project_copy, "de-DE") == set()
    for tag in ("en-GB", "en-NL"):
        assert OUTPUT_FILES <= written_for(project_copy, tag), tag


# ---------------------------------------------------------------------------------- not hard-wired

def add_targets(project, *tags: str) -> None:
    """A market that is not among the demo's (IT) and extra targets in the copied deck.yaml."""
    shutil.copy(FIXTURES / "IT.yaml", project.root / "data" / "shared" / "markets" / "IT.yaml")
    path = project.path(DECKYAML)
    text, n = re.subn(r"^(\s*targets:\s*\[[^\]]*)\]", lambda m: m.group(1) + "".join(f", {t}" for t in tags) + "]",
                      path.read_text(encoding="utf-8"), flags=re.M)
    assert n == 1
    path.write_text(text, encoding="utf-8")


def test_a_new_market_and_new_targets_are_not_hard_wired(project_copy):
    add_targets(project_copy, "it-IT", "en-DE")
    folder = project_copy.deck / "i18n"
    before = {p.name: p.read_bytes() for p in folder.glob("*.po")}

    # extract writes the Italian catalogue, every message there and empty
    res = project_copy.cli("i18n", "extract", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    cat = read_catalogue(folder / "it.po")
    assert str(cat.locale) == "it"
    messages = [m for m in cat if m.id]
    assert {(m.context, m.id) for m in messages} == {(m.context, m.id) for m in catalogue("de").values()}
    assert [m.context for m in messages if m.string] == []
    assert {p.name: p.read_bytes() for p in folder.glob("*.po") if p.name in before} == before

    # status: everything missing for it-IT; en-DE is in the source language
    res = project_copy.cli("i18n", "status", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    st = status_by_target(res.stdout)
    # ... but the abbreviations: an empty glossary-term entry keeps the source's, as builds do
    terms = len([m for m in messages if m.context.startswith("glossary-term.")])
    assert terms > 0
    assert st["it-IT"] == {"texts": len(messages), "translated": terms, "invalid": 0, "outdated": 0,
                           "missing": len(messages) - terms}
    assert st["en-DE"]["translated"] == st["en-DE"]["texts"] and st["en-DE"]["missing"] == 0

    # the build succeeds with warnings, in Italian formats and the Italian market's job code
    res = build(project_copy, "it-IT", "en-DE")
    assert res.returncode == 0, res.stderr
    assert "no it translation" in res.stderr
    rows = {r[1]: r for r in table_rows(res.stderr + res.stdout) if r and r[0] == DECK}
    assert int(rows["it-IT"][4]) > 0 and rows["en-DE"][4] == "0", rows
    expect = {
        "it-IT": (job_line("it-IT", "PP-INO-ITA-0137"), percent("78.4", "it-IT"),
                  statement_text(markets_with_it()["IT"]["statements"][0], "it-IT", markets_with_it()["IT"])),
        "en-DE": (job_line("en-DE", "PP-INO-DEU-0137"), percent("78.4", "en-DE"),
                  statement_text(next(s for s in MARKETS["DE"]["statements"] if s["id"] == "prescription"),
                                 "en-DE", MARKETS["DE"])),
    }
    assert expect["it-IT"][0].endswith("maggio 2021.") and expect["it-IT"][1] == "78,4%"
    for tag, (line, pct, footer_statement) in expect.items():
        folder_out = project_copy.out / DECK / tag
        assert OUTPUT_FILES <= written_for(project_copy, tag)
        slides = read_slides(folder_out / "deck.pptx")
        pages = pdftotext_pages(folder_out / "deck.pdf") + pdftotext_pages(folder_out / "poster.pdf")
        for s in slides:
            assert line in s.footer, f"{tag} slide {s.index}: {s.footer[-2:]}"
            assert norm(footer_statement) in norm(s.text), f"{tag} slide {s.index}"
        for i, page in enumerate(pages, 1):
            assert norm(line) in norm(page), f"{tag} page {i}"
        text = "\n".join(s.text for s in slides)
        assert pct in text, tag
        if tag == "it-IT":
            assert not re.search(r"\d\.\d\s?%", text)
        else:
            assert DE_PRESCRIPTION not in text  # the German market's statement, in English


def markets_with_it() -> dict:
    return {**MARKETS, "IT": read_yaml(FIXTURES / "IT.yaml")["market"]}


def test_the_references_label_is_translatable_for_a_new_language(project_copy):
    add_targets(project_copy, "it-IT")
    res = project_copy.cli("i18n", "extract", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    ids = {m.id for m in read_catalogue(project_copy.deck / "i18n" / "it.po") if m.id}
    assert "References" in ids


def test_a_target_without_a_market_file_is_a_clear_error(project_copy):
    line = project_copy.line_of(DECKYAML, "  targets: [")
    add_targets(project_copy, "es-ES")
    res = build(project_copy, "es-ES", quiet=True)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    errors = error_lines(res.stderr)
    assert len(errors) == 1, res.stderr
    assert f"deck.yaml:{line}" in errors[0] and "es-ES" in errors[0] and "ES" in errors[0]
    assert "hint:" in res.stderr
    assert project_copy.written() == []


def test_a_target_with_an_unknown_language_is_a_clear_error(project_copy):
    line = project_copy.line_of(DECKYAML, "  targets: [")
    add_targets(project_copy, "gr-GR")  # the market GR exists; the language 'gr' does not
    res = build(project_copy, "gr-GR", quiet=True)
    assert "Traceback" not in res.stderr, res.stderr[-600:]
    assert res.returncode == 1, res.stderr
    errors = error_lines(res.stderr)
    assert len(errors) == 1, res.stderr
    assert f"deck.yaml:{line}" in errors[0] and "gr-GR" in errors[0]
    assert project_copy.written() == []
