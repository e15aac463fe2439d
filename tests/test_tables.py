"""Tables of any result: a table of estimates (medians with CIs, hazard ratios, p-values, rates,
text) renders with the same cell texts in the PDFs and the PPTX; grouped rows and spanning
headers read back (merged cells in the PPTX); a long table continues on further slides with its
header repeated and a localized "(continued)"; bad cells are file:line errors; the older
counts-only form keeps working.

The fixture deck is tests/fixtures/tables/tabledeck (FICTIONAL numbers), built once per module
for en-GB and de-DE. Every expected cell text is computed here from the YAML (yaml.safe_load),
independently of posterdeck's loader.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation

from conftest import (LAYOUTS_DIR, SHARED_DIR, abbreviation_line, half_up, norm, parse_abbreviations,
                      pdftotext_pages, read_slides, read_yaml, study_leaf)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tables"
DECK = "tabledeck"
TARGETS = ("en-GB", "de-DE")
CONTINUED = {"en-GB": "(continued)", "de-DE": "(Fortsetzung)"}
DASH = "\u2013"


def make_project(root: Path) -> Path:
    """A throw-away project: the fixture deck, the shared data, the layouts and the deck's poster layout."""
    (root / "data").mkdir(parents=True)
    shutil.copytree(FIXTURES / DECK, root / "data" / DECK)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    shutil.copy(FIXTURES / "poster-tables.yaml", root / "layouts" / "poster-tables.yaml")
    return root / "data" / DECK


@dataclass
class Built:
    deck_dir: Path
    out: Path

    def folder(self, tag: str) -> Path:
        return self.out / DECK / tag

    @property
    def study(self) -> dict:
        return read_yaml(self.deck_dir / "study.yaml")

    @property
    def content(self) -> dict:
        return read_yaml(self.deck_dir / "content.yaml")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    from posterdeck import api

    root = tmp_path_factory.mktemp("tables")
    deck_dir = make_project(root)
    api.build(deck_dir, targets=list(TARGETS), out=root / "out")
    return Built(deck_dir, root / "out")


# --------------------------------------------------------------------------------------------
# the expected texts, from the YAML
# --------------------------------------------------------------------------------------------

def number(value: float, decimals: int, tag: str) -> str:
    text = f"{half_up(value, decimals):.{decimals}f}" if decimals else str(int(half_up(value, 0)))
    return text.replace(".", ",") if tag.startswith("de") else text


def expected_cell(raw, column: str, study: dict, tag: str = "en-GB") -> str:
    """The text of a cell as written in study.yaml, in the default format of what it holds."""
    decimals = study["study"]["decimals"]
    pops = study["populations"]
    if raw is None or raw == "":
        return ""
    if isinstance(raw, str):
        if not raw.startswith("results."):
            return raw
        raw = study_leaf(study, raw)
    if isinstance(raw, int):
        raw = {"n": raw, "N": column}
    if "text" in raw:
        return raw["text"]
    if "n" in raw:
        N = raw["N"] if isinstance(raw["N"], int) else pops[raw["N"]]["n"]
        return f"{raw['n']} ({number(100 * raw['n'] / N, decimals, tag)})"
    if "value" in raw:
        d = raw.get("decimals", decimals)
        if "ci" not in raw:
            return number(raw["value"], d, tag)
        lo, hi = raw["ci"]
        return f"{number(raw['value'], d, tag)} ({number(lo, d, tag)}{DASH}{number(hi, d, tag)})"
    if "p" in raw:
        written = len(repr(raw["p"]).split(".")[-1])
        return f"P {raw.get('op', '=')} {number(raw['p'], written, tag)}"
    if "number" in raw:
        return number(raw["number"], raw.get("decimals", 0), tag)
    raise AssertionError(f"cannot read {raw!r}")


def expected_rows(study: dict, table: str, tag: str = "en-GB") -> list[tuple[str, list[str]]]:
    data = study["tables"][table]
    out = []
    for row in data["rows"]:
        cells = row.get("cells", row.get("n", []))
        out.append((row["term"], [expected_cell(c, col, study, tag) for c, col in zip(cells, data["columns"])]))
    return out


def header_labels(content: dict, study: dict, table: str) -> list[str]:
    spec = content["tables"][table]
    pops = study["populations"]
    labels = [re.sub(r"\{\{\s*populations\.(\w+)\s*\}\}", lambda m: str(pops[m.group(1)]["n"]), c)
              for c in spec["columns"]]
    return [spec["stub_heading"], *labels]


# --------------------------------------------------------------------------------------------
# reading the outputs back
# --------------------------------------------------------------------------------------------

def pptx_tables(path: Path, name: str) -> list[tuple[int, object]]:
    """(1-based slide number, python-pptx table) of every table shape called ``name``."""
    found = []
    for i, slide in enumerate(Presentation(str(path)).slides, 1):
        for shape in slide.shapes:
            if getattr(shape, "has_table", False) and shape.has_table and shape.name == name:
                found.append((i, shape.table))
    return found


def rows_of(table) -> list[list[str]]:
    return [[norm(c.text) for c in r.cells] for r in table.rows]


def slide_title(path: Path, number: int) -> str:
    slide = Presentation(str(path)).slides[number - 1]
    return norm(next(sh.text_frame.text for sh in slide.shapes if sh.name == "title"))


# --------------------------------------------------------------------------------------------
# a table of estimates, in both outputs
# --------------------------------------------------------------------------------------------

def test_a_table_of_estimates_has_the_same_cells_in_the_pptx_and_both_pdfs(built):
    study = built.study
    want = expected_rows(study, "efficacy")
    # what the test expects, spelled out once: the default format of each kind of result
    cells = {c for _, row in want for c in row}
    assert {"16.6 (14.2\u201319.0)", "0.68 (0.55\u20130.84)", "P < 0.001", "P = 0.012", "118 (59.0)", "31.2",
            "NR", "\u2014"} <= cells
    folder = built.folder("en-GB")
    (slide, table), = pptx_tables(folder / "deck.pptx", "table:efficacy")
    rows = rows_of(table)
    by_term = {}
    for r in rows:
        by_term.setdefault(r[0], []).append(r[1:])
    for term, expected in want:
        if not any(expected):  # a group row: its term spans the table
            continue
        assert expected in by_term[term], (term, by_term.get(term))
    shown = {c for r in rows for c in r if c}
    deck_pdf = norm(pdftotext_pages(folder / "deck.pdf")[slide - 1])
    poster_pdf = norm("\n".join(pdftotext_pages(folder / "poster.pdf")))
    for text in sorted(shown):
        assert text in deck_pdf, f"{text!r} is in the PPTX table but not on page {slide} of deck.pdf"
        assert text in poster_pdf, f"{text!r} is in the PPTX table but not in poster.pdf"
    for text in cells - {""}:
        assert text in shown


def test_pptx_cells_carry_the_lines_compose_broke(built):
    """Each PPTX cell holds the composed lines with a break between them: PowerPoint does not
    re-join and re-wrap them (a header such as 'Tabulamab (n = 200)' breaks where the PDF does)."""
    from posterdeck.compose.build import compose
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.target import make_target

    model = load_deck(built.deck_dir)
    doc = compose(model, make_target("en-GB", model.info, model.markets))["deck"]
    composed = [box for page in doc.pages for box in page.boxes if getattr(box, "name", "") == "table:efficacy"]
    (_, table), = pptx_tables(built.folder("en-GB") / "deck.pptx", "table:efficacy")
    broken = 0
    for r, row in enumerate(composed[0].rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            shown = table.cell(r, c).text.split("\v")
            assert shown == list(cell.keep), (r, c)  # with the no-break characters compose wrote in
            assert [norm(x) for x in shown] == [norm(x) for x in cell.lines], (r, c)
            broken += len(cell.lines) > 1
    assert broken >= 1  # the test reads at least one cell of more than one line


def test_grouped_rows_and_spanning_headers_read_back(built):
    study, content = built.study, built.content
    folder = built.folder("en-GB")
    (slide, table), = pptx_tables(folder / "deck.pptx", "table:efficacy")
    ncols = len(study["tables"]["efficacy"]["columns"]) + 1
    # the column group spans two columns: one merged cell
    groups = content["tables"]["efficacy"]["column_groups"]
    assert table.cell(0, 1).is_merge_origin and table.cell(0, 1).span_width == groups[0]["span"]
    assert norm(table.cell(0, 1).text) == groups[0]["label"]
    assert [norm(c.text) for c in table.rows[1].cells] == header_labels(content, study, "efficacy")
    # a group row is one cell across the whole table
    group_terms = [r["term"] for r in study["tables"]["efficacy"]["rows"] if r.get("level") == "group"]
    assert len(group_terms) == 2
    for term in group_terms:
        i = next(i for i, r in enumerate(table.rows) if norm(r.cells[0].text) == term)
        assert table.cell(i, 0).is_merge_origin and table.cell(i, 0).span_width == ncols, term
    # in the PDF the group term stands on a line of its own, above its rows
    lines = [ln.strip() for ln in pdftotext_pages(folder / "deck.pdf")[slide - 1].splitlines()]
    for term in group_terms:
        assert term in lines, term


def test_text_cells_are_translated_and_numbers_localized(built):
    study = built.study
    (_, table), = pptx_tables(built.folder("de-DE") / "deck.pptx", "table:efficacy")
    texts = {c for r in rows_of(table) for c in r}
    assert "n. e." in texts and "NR" not in texts  # {text: NR} through the catalogue
    assert "Gesamtüberleben" in texts
    median = study["results"]["os"]["median_drug"]
    assert expected_cell(median, "drug", study, "de-DE") in texts  # 16,6 (14,2–19,0)
    assert "P < 0,001" in texts


# --------------------------------------------------------------------------------------------
# a long table continues on further slides
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", TARGETS)
def test_a_long_table_continues_with_its_header_and_continued(built, tag):
    study, content = built.study, built.content
    folder = built.folder(tag)
    parts = pptx_tables(folder / "deck.pptx", "table:teae")
    assert len(parts) >= 2
    numbers = [n for n, _ in parts]
    assert numbers == list(range(numbers[0], numbers[0] + len(parts)))  # consecutive slides
    header = rows_of(parts[0][1])[0]
    if tag == "en-GB":
        assert header == header_labels(content, study, "teae")
    body = []
    for _, table in parts:
        rows = rows_of(table)
        assert rows[0] == header  # the header repeated on every slide
        assert len(rows) > 2
        body.extend(rows[1:])
    want = expected_rows(study, "teae", tag)
    assert [r[1:] for r in body] == [cells for _, cells in want]  # every row once, in order
    if tag == "en-GB":
        assert [r[0] for r in body] == [term for term, _ in want]
    first = slide_title(folder / "deck.pptx", numbers[0])
    assert CONTINUED[tag] not in first
    for n in numbers[1:]:
        assert slide_title(folder / "deck.pptx", n) == f"{first} {CONTINUED[tag]}"
    # deck.pdf shows the same split: each page holds its part's rows and the repeated header
    pages = pdftotext_pages(folder / "deck.pdf")
    for n, table in parts:
        page = norm(pages[n - 1])
        assert norm(" ".join(header)) in page or all(h in page for h in header)
        for row in rows_of(table)[1:]:
            assert all(c in page for c in row), (n, row)
    assert CONTINUED[tag] in norm(pages[numbers[1] - 1])


def test_each_continued_slide_footer_lists_what_that_slide_shows(built):
    folder = built.folder("en-GB")
    parts = pptx_tables(folder / "deck.pptx", "table:teae")
    slides = read_slides(folder / "deck.pptx")
    seen = {}
    for n, table in parts:
        body = "\n".join(c for r in rows_of(table) for c in r)
        line = abbreviation_line(slides[n - 1].footer)
        seen[n] = {t for t, _ in parse_abbreviations(line)} if line else set()
        assert ("ALT" in seen[n]) == ("ALT increased" in body), (n, seen[n])
    assert sum("ALT" in s for s in seen.values()) == 1  # ALT is on one part only


def test_a_table_that_fits_stays_on_one_slide(built):
    assert len(pptx_tables(built.folder("en-GB") / "deck.pptx", "table:efficacy")) == 1


# --------------------------------------------------------------------------------------------
# the poster: a table shrinks to its style's min_size, then it is an overflow error
# --------------------------------------------------------------------------------------------

def _longer_teae(deck_dir: Path, times: int) -> None:
    study = deck_dir / "study.yaml"
    text = study.read_text(encoding="utf-8")
    head, rows = text.split("  teae:\n    columns: [saf_drug, saf_placebo]\n    rows:\n")
    study.write_text(head + "  teae:\n    columns: [saf_drug, saf_placebo]\n    rows:\n" + rows * times,
                     encoding="utf-8")


def _poster(deck_dir: Path):
    from posterdeck.compose.poster import compose_poster
    from posterdeck.compose.text import Fonts
    from posterdeck.fonts import font_files
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    model = load_deck(deck_dir)
    target = make_target("en-GB", model.info, model.markets)
    doc = resolve(model, target)
    fonts = Fonts.shared(font_files(model.theme, model.theme_dir, "en"))
    return model, compose_poster(doc, model, model.layouts["poster"], fonts, dict(model.theme.colours))


def test_poster_table_shrinks_to_min_size_then_overflows(tmp_path):
    from posterdeck.errors import LayoutError

    deck_dir = make_project(tmp_path / "p")
    model, pages = _poster(deck_dir)
    style = model.layouts["poster"].styles["table"]
    size = {c.size for b in pages[0].boxes if getattr(b, "name", "") == "table:teae" for r in b.rows for c in r if c}
    assert size == {style.size}  # the fixture's table fits at full size
    _longer_teae(deck_dir, 2)
    _, pages = _poster(deck_dir)
    size = {c.size for b in pages[0].boxes if getattr(b, "name", "") == "table:teae" for r in b.rows for c in r if c}
    assert len(size) == 1 and style.min_size <= size.pop() < style.size  # shrunk, not below min_size
    _longer_teae(deck_dir, 3)
    with pytest.raises(LayoutError) as ei:
        _poster(deck_dir)
    assert "overflows" in ei.value.message and "poster" in str(ei.value.location)


# --------------------------------------------------------------------------------------------
# bad cells are file:line errors; the older form keeps working
# --------------------------------------------------------------------------------------------

def _errors(exc) -> list:
    return list(getattr(exc, "errors", [exc]))


def _replace(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.count("\n", 0, text.index(old)) + 1


def test_a_cell_naming_an_unknown_path_is_a_file_line_error(tmp_path):
    from posterdeck.errors import PosterdeckError
    from posterdeck.loading.deck import load_deck

    deck_dir = make_project(tmp_path)
    line = _replace(deck_dir / "study.yaml", '"", results.os.hr]', '"", results.os.hrx]')
    with pytest.raises(PosterdeckError) as ei:
        load_deck(deck_dir)
    errs = _errors(ei.value)
    assert len(errs) == 1
    e = errs[0]
    assert e.location.file.endswith("study.yaml") and e.location.line == line
    assert "results.os.hrx" in e.message and "efficacy" in e.message and "effect" in e.message
    assert "did you mean 'results.os.hr'" in e.hint


def test_a_decimal_where_a_count_goes_says_how_to_write_a_result(tmp_path):
    from posterdeck.errors import PosterdeckError
    from posterdeck.loading.deck import load_deck

    deck_dir = make_project(tmp_path)
    line = _replace(deck_dir / "study.yaml", "{term: Anaemia, n: [12, 6]}", "{term: Anaemia, n: [12.5, 6]}")
    with pytest.raises(PosterdeckError) as ei:
        load_deck(deck_dir)
    (e,) = _errors(ei.value)
    assert e.location.line == line
    assert "not a whole number" in e.message and "Anaemia" in e.message
    assert "{value: 12.5" in e.hint and "plain number" not in e.hint


def test_a_bare_count_in_a_column_that_is_no_population_is_an_error(tmp_path):
    from posterdeck.errors import PosterdeckError
    from posterdeck.loading.deck import load_deck

    deck_dir = make_project(tmp_path)
    line = _replace(deck_dir / "study.yaml", 'cells: [118, 141, ""]', "cells: [118, 141, 7]")
    with pytest.raises(PosterdeckError) as ei:
        load_deck(deck_dir)
    (e,) = _errors(ei.value)
    assert e.location.line == line and "not a population" in e.message and "N:" in e.hint


def test_a_count_larger_than_its_population_is_an_error_at_its_line(tmp_path):
    from posterdeck.errors import PosterdeckError
    from posterdeck.loading.deck import load_deck

    deck_dir = make_project(tmp_path)
    line = _replace(deck_dir / "study.yaml", "{term: Anaemia, n: [12, 6]}", "{term: Anaemia, n: [12, 600]}")
    with pytest.raises(PosterdeckError) as ei:
        load_deck(deck_dir)
    (e,) = _errors(ei.value)
    assert e.location.line == line and "larger than N = 197" in e.message


def test_a_format_that_does_not_apply_is_an_error_at_the_formats_line(tmp_path):
    from posterdeck.errors import PosterdeckError
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    deck_dir = make_project(tmp_path)
    line = _replace(deck_dir / "content.yaml", '    stub_heading: "Outcome"\n',
                    '    stub_heading: "Outcome"\n    formats: ["", "", nN]\n') + 1
    model = load_deck(deck_dir)
    with pytest.raises(PosterdeckError) as ei:
        resolve(model, make_target("en-GB", model.info, model.markets))
    errs = _errors(ei.value)
    assert errs and all(e.location.file.endswith("content.yaml") and e.location.line == line for e in errs)
    assert "'nN'" in errs[0].message and "does not apply" in errs[0].message and "value_ci" in errs[0].hint


def test_formats_per_column_row_and_cell(tmp_path):
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    deck_dir = make_project(tmp_path)
    _replace(deck_dir / "content.yaml", '    stub_heading: "Outcome"\n',
             '    stub_heading: "Outcome"\n    formats: [n, pct, ""]\n')
    _replace(deck_dir / "study.yaml", '{term: P value, cells: ["", "", results.os.pvalue]}',
             '{term: P value, format: value, cells: ["", "", results.os.pvalue]}')
    _replace(deck_dir / "study.yaml", '{id: pfs_p, term: P value, cells: ["", "", {p: 0.012}]}',
             '{id: pfs_p, term: P value, cells: ["", "", "results.os.hr | ci"]}')
    model = load_deck(deck_dir)
    doc = resolve(model, make_target("en-GB", model.info, model.markets))
    table = next(v for s in doc.sections for v in s.visuals if v.id == "efficacy")
    rows = {(term, cells) for term, cells, _ in table.rows}
    assert ("Events, n (%)", ("118", "71.2%", "")) in rows  # columns: n, then pct
    median = next(cells for term, cells in rows if term.startswith("Median") and cells[0].startswith("16.6"))
    assert median[0] == f"16.6 (14.2{DASH}19.0)"  # n does not fit an estimate: its default stays
    assert ("P value", ("", "", "<0.001")) in rows  # the row's bare format keeps the bound
    assert ("P value", ("", "", f"0.55{DASH}0.84")) in rows  # a cell's own '| ci'


def test_the_older_counts_only_form_keeps_working(built):
    """n: [..] of bare counts, each n (%) of its column's population (the TEAE table's form)."""
    study = built.study
    assert all("n" in r and "cells" not in r for r in study["tables"]["teae"]["rows"])
    parts = pptx_tables(built.folder("en-GB") / "deck.pptx", "table:teae")
    body = [r for _, t in parts for r in rows_of(t)[1:]]
    anaemia = next(r for r in body if r[0] == "Anaemia")
    assert anaemia[1:] == [f"12 ({half_up(100 * 12 / 199, 1)})", f"6 ({half_up(100 * 6 / 197, 1)})"]


def test_cells_written_in_a_table_are_values_claims_and_placeholders_can_name(built):
    from posterdeck.loading.deck import load_deck

    model = load_deck(built.deck_dir)
    assert model.leaves["tables.efficacy.pfs_hr.effect"].value == 0.71
    assert model.leaves["tables.teae.2.saf_drug"].n == 12  # row 2 (Anaemia), a bare count
    assert "results.os.hr" in model.leaves and "tables.efficacy.os_hr.effect" not in model.leaves  # a path is no copy
    text = norm(pdftotext_pages(built.folder("en-GB") / "deck.pdf")[1])
    assert "PFS HR 0.71" in text


# --------------------------------------------------------------------------------------------
# how a table is cut into parts
# --------------------------------------------------------------------------------------------

def test_split_rows_fills_each_part_and_keeps_a_heading_with_its_rows():
    from posterdeck.compose.tables import split_rows

    def room(rows: int):
        return lambda start, stop, first: stop - start <= rows

    levels = ["soc", "pt", "pt", "soc", "pt", "pt", "pt"]
    assert split_rows(levels, room(3)) == [range(0, 3), range(3, 6), range(6, 7)]
    # four rows would end the first part on a heading: it moves on with its rows
    assert split_rows(levels, room(4)) == [range(0, 3), range(3, 7)]
    assert split_rows(["group", "pt", "pt"], room(1)) == [range(0, 1), range(1, 2), range(2, 3)]
    # the first slide has no room for a single row: the table starts on the next one
    only_text = lambda a, b, first: b == a if first else b - a <= 4  # noqa: E731
    assert split_rows(levels, only_text) == [range(0, 0), range(0, 3), range(3, 7)]
    assert split_rows(levels, lambda a, b, first: b == a) is None  # not one row fits anywhere


def test_the_change_report_lists_a_changed_table_cell_as_a_value(tmp_path):
    from posterdeck.diff import _deck_diff

    old = make_project(tmp_path / "old")
    new = make_project(tmp_path / "new")
    _replace(new / "study.yaml", "{value: 0.71, ci: [0.58, 0.87], decimals: 2}", "{value: 0.72, ci: [0.58, 0.87], decimals: 2}")
    report = _deck_diff(DECK, old, new, thumbnails=False)
    changed = {v.path: v for v in report.values}
    assert set(changed) == {"tables.efficacy.pfs_hr.effect"}  # the cell, not the whole table
    assert "0.71" in changed["tables.efficacy.pfs_hr.effect"].old and "0.72" in changed["tables.efficacy.pfs_hr.effect"].new
    # shown on the efficacy slide and the poster of both targets (the pages record the cells they show)
    assert {w.split(" ", 1)[0] for w in changed["tables.efficacy.pfs_hr.effect"].where} == set(TARGETS)
    assert any("(efficacy)" in w for w in changed["tables.efficacy.pfs_hr.effect"].where)
    _replace(new / "study.yaml", "{term: Anaemia, n: [12, 6]}", "{term: Anaemia (any grade), n: [12, 6]}")
    assert "tables.teae" in {v.path for v in _deck_diff(DECK, old, new, thumbnails=False).values}


def test_the_catalogue_asks_for_table_words_only_where_a_table_is_shown(built, tmp_path):
    from posterdeck.i18n import template
    from posterdeck.loading.deck import load_deck

    texts = {ctx: raw for ctx, raw, _, _ in template(load_deck(built.deck_dir))}
    assert texts["words.continued"] == "(continued)"
    assert texts["study.tables.efficacy.text.NR"] == "NR"  # words in text cells are translated
    assert not any(ctx.startswith("study.tables.efficacy.text.\u2014") for ctx in texts)  # a sign is not
    charts = tmp_path / "charts"
    shutil.copytree(FIXTURES.parent / "charts" / "minideck", charts / "data" / "minideck")
    shutil.copytree(SHARED_DIR, charts / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, charts / "layouts")
    shutil.copy(FIXTURES.parent / "charts" / "poster-mini-charts.yaml", charts / "layouts")
    assert "words.continued" not in {ctx for ctx, *_ in template(load_deck(charts / "data" / "minideck"))}


WIDTHS = [float(w) for w in range(380, 700, 20)]


def test_data_columns_give_the_stub_room_before_its_words_are_hyphenated(demo_model, demo_fonts):
    """A KEYNOTE-style efficacy table on a narrow poster column: with every data column as wide
    as the widest ('0.49 (0.38–0.64)'), the stub could not hold 'Responders,' and hyphenated it
    ('Respon-', 'der-', 's, n (%)'). Columns with room to spare now give it to the stub."""
    from posterdeck.compose.blocks import Ctx
    from posterdeck.compose.tables import TableBlock
    from posterdeck.resolve.visuals import RTable

    table = RTable("eff", "Outcome", (), ("Pembrolizumab", "Placebo", "HR (95% CI)"),
                   (("12-month rate", ("69.2%", "49.4%", ""), "pt"),
                    ("Responders, n (%)", ("195 (47.6)", "38 (18.9)", ""), "pt"),
                    ("Median OS, months", ("NR", "11.3", f"0.49 (0.38{DASH}0.64)"), "pt")), ())
    ctx = Ctx(demo_model.layouts["poster"], demo_fonts[2], "test", {}, "en")
    seen = []
    for width in WIDTHS:
        if TableBlock(table, ctx).min_height(width, 0.6) == float("inf"):
            continue
        box = TableBlock(table, ctx).place(0, 0, width, 2000, 0.6)[0]
        stub = [line for row in box.rows[1:] for line in row[0].lines]
        words = " ".join(stub).split()
        assert {"12-month", "Responders,"} <= set(words) and not any(ln.endswith("-") for ln in stub), (width, stub)
        seen.append(box.col_widths)
    assert len(seen) >= 10, "the table fits most of these widths"
    squeezed = seen[1]  # a narrow column: each data column takes what its own words need
    assert len(set(round(w, 3) for w in squeezed[1:])) > 1, "each column as wide as its own words"
    assert len(set(round(w, 3) for w in seen[-1][1:])) == 1, "with room, comparable columns are one width"


def test_hyphenation_keeps_punctuation_and_existing_hyphens_whole():
    from posterdeck.compose.text import syllables

    assert syllables("12-month", "en") == ("12-month",)  # never '12-' + '-month' with a hyphen added
    pieces = syllables("Responders,", "en")
    assert "".join(pieces) == "Responders," and len(pieces) > 1 and all(len(p.strip(",")) >= 2 for p in pieces)

