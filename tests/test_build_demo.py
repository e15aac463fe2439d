"""Integration: build the demo once, read poster.pdf, deck.pdf and deck.pptx back, and check
figures, tables, charts, footers, references, fonts, vector charts, determinism and LibreOffice."""
from __future__ import annotations

import hashlib
import re
import subprocess

import pikepdf
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from conftest import (DECK, DECK_DIR, JOB_LINE, TARGET, abbreviation_line, expand_numbers, half_up, localized, norm,
                      readable,
                      parse_abbreviations, pdftotext_pages, read_slides, require_tool, run_cli, run_is_script,
                      study_value, terms_in)

# Figures printed in the seed e-poster (literal, as the seed prints them).
SEED_FIGURES = ["78.4%", "64.7%", "77.0%", "72.7%", "25.9%", "16.8%", "52.3%", "39.2%",
                "19.0%", "35.0%", "85.4%", "27.5%", "80.7%", "29.4%", "8.9%", "12.2%"]
# ... and the slide each must be on (section id), besides the overview callouts.
FIGURES_BY_SECTION = {
    "rationale": ["80.7%", "29.4%", "P < 0.001", "N = 326", "218"],
    "crcri": ["78.4%", "64.7%", "77.0%", "72.7%", "85.4%", "27.5%", "41/48", "11/40",
              "40.5% (95% CI, 31.3\u201350.3)", "20.3% (95% CI, 11.0\u201332.8)"],
    "survival": ["25.9%", "16.8%", "8.9%", "12.2%", "18.1\u201334.4", "5.0\u201322.8"],
    "hsct": ["52.3%", "39.2%"],
    "safety": ["19.0%", "35.0%", "91.0%", "95.7%", "90.2%", "98.0%", "1.8%", "5.9%", "2/111", "7/20",
               "56 (50.5)", "90 (81.1)", "11 (9.9)", "6 (12.2)"],
}
OVERVIEW_FIGURES = ["78.4%", "64.7%", "77.0%", "72.7%", "25.9%", "16.8%", "52.3%", "39.2%", "19.0%", "35.0%"]

CHART_TYPES = {
    "clustered_column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked_column": XL_CHART_TYPE.COLUMN_STACKED,
    "clustered_bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
}


@pytest.fixture(scope="module")
def slides(demo_build):
    return read_slides(demo_build.deck_pptx)


@pytest.fixture(scope="module")
def deck_pages(demo_build):
    return pdftotext_pages(demo_build.deck_pdf)


@pytest.fixture(scope="module")
def poster_pages(demo_build):
    return pdftotext_pages(demo_build.poster)


@pytest.fixture(scope="module")
def plan(content_yaml):
    """Slide number -> what it shows: the overview, each section in content order, the references."""
    return ["overview"] + [s["id"] for s in content_yaml["sections"]] + ["references"]


def slide_of(plan, section_id) -> int:
    return plan.index(section_id)  # 0-based


# ---------------------------------------------------------------------------------- outputs

def test_build_writes_the_three_files(demo_build):
    names = [f.name for f in demo_build.results[0].files]
    assert {"poster.pdf", "deck.pptx", "deck.pdf"} <= set(names)
    # the files and the manifest that lists them (written last into the set), nothing else
    assert sorted(names + [".posterdeck-manifest.json"]) == sorted(p.name for p in demo_build.folder.iterdir())
    for f in (demo_build.poster, demo_build.deck_pdf, demo_build.deck_pptx):
        assert f.is_file() and f.stat().st_size > 10_000
    assert sorted(p.name for p in demo_build.folder.parent.iterdir()) == [TARGET]  # no staging folder left


def test_page_counts(demo_build, plan, slides, deck_pages, poster_pages):
    assert len(poster_pages) == 1
    assert len(slides) == len(plan)
    assert len(deck_pages) == len(slides)
    assert demo_build.results[0].pages == {"poster": 1, "deck": len(plan)}


def test_poster_is_a0_portrait(demo_build):
    pdf = pikepdf.open(demo_build.poster)
    page = pdf.pages[0]
    box = page.obj.get("/TrimBox", page.mediabox)  # a print PDF has bleed and marks around the trim
    x0, y0, x1, y1 = (float(v) for v in box)
    assert (x1 - x0) == pytest.approx(841 / 25.4 * 72, abs=0.5)
    assert (y1 - y0) == pytest.approx(1189 / 25.4 * 72, abs=0.5)


def test_deck_pdf_pages_match_the_slide_size(demo_build):
    prs = Presentation(str(demo_build.deck_pptx))
    for page in pikepdf.open(demo_build.deck_pdf).pages:
        box = [float(v) for v in page.mediabox]
        assert box[2] - box[0] == pytest.approx(prs.slide_width / 12700, abs=0.1)
        assert box[3] - box[1] == pytest.approx(prs.slide_height / 12700, abs=0.1)


# ---------------------------------------------------------------------------------- figures

def test_seed_figures_in_every_output(poster_pages, deck_pages, slides):
    for name, text in (("poster.pdf", norm(poster_pages[0])), ("deck.pdf", norm(" ".join(deck_pages))),
                       ("deck.pptx", norm(" ".join(s.text for s in slides)))):
        lost = [f for f in SEED_FIGURES if f not in text]
        assert not lost, f"{name} lacks {lost}"


@pytest.mark.parametrize("section", sorted(FIGURES_BY_SECTION))
def test_figures_are_on_their_section_slide(section, plan, slides, deck_pages):
    i = slide_of(plan, section)
    pptx_text = norm(slides[i].text)
    pdf_text = norm(deck_pages[i])
    for fig in FIGURES_BY_SECTION[section]:
        assert fig in pptx_text, f"slide {i + 1} ({section}) of deck.pptx lacks {fig}"
        assert fig in pdf_text, f"page {i + 1} ({section}) of deck.pdf lacks {fig}"


def test_overview_slide_shows_the_key_figures(slides, deck_pages):
    for fig in OVERVIEW_FIGURES:
        assert fig in norm(" ".join(slides[0].body))
        assert fig in norm(deck_pages[0])


def test_safety_figures_are_only_on_the_safety_slide(plan, slides):
    i = slide_of(plan, "safety")
    for k, s in enumerate(slides):
        if k != i:
            assert "56 (50.5)" not in norm(s.text)


# ---------------------------------------------------------------------------------- tables

def test_safety_table_is_a_native_pptx_table_with_the_study_counts(slides, plan, content_yaml, study_yaml):
    i = slide_of(plan, "safety")
    frames = [sh for sh in slides[i].shapes if getattr(sh, "has_table", False) and sh.has_table]
    assert len(frames) == 1
    # a cell holds its composed lines with a break between them: read them as one text
    rows = [[norm(c.text) for c in r.cells] for r in frames[0].table.rows]
    spec = content_yaml["tables"]["teae"]
    data = study_yaml["tables"][spec["data"]]
    decimals = study_yaml["study"]["decimals"]
    by_term = {r[0]: r[1:] for r in rows}
    for row in data["rows"]:
        expected = [f"{n} ({half_up(100 * n / study_yaml['populations'][col]['n'], decimals)})"
                    for n, col in zip(row["n"], data["columns"])]
        assert [norm(c) for c in by_term[row["term"]]] == expected, row["term"]
    assert [norm(c) for c in by_term["Neutropenia"]][0] == "56 (50.5)"
    # header row: the column labels with their population sizes
    header = next(r for r in rows if r[0] == spec["stub_heading"])
    pops = study_yaml["populations"]
    assert header[1:] == [re.sub(r"\{\{\s*populations\.(\w+)\s*\}\}", lambda m: str(pops[m.group(1)]["n"]), label)
                          for label in spec["columns"]]
    # group row spans
    groups = [g["label"] for g in spec["column_groups"]]
    assert [c for c in rows[0] if c] == groups
    # rows in the study's order
    terms = [r[0] for r in rows if r[0] in by_term and r[0] in {x["term"] for x in data["rows"]}]
    assert terms == [x["term"] for x in data["rows"]]


def test_safety_table_cells_in_deck_pdf(deck_pages, plan, study_yaml):
    text = norm(deck_pages[slide_of(plan, "safety")])
    data = study_yaml["tables"]["teae_grade3"]
    for row in data["rows"]:
        assert row["term"] in text
        for n, col in zip(row["n"], data["columns"]):
            assert f"{n} ({half_up(100 * n / study_yaml['populations'][col]['n'], 1)})" in text


def test_table_cells_never_split_a_word(demo_docs, resolved_tables):
    broken = []
    for kind, doc in demo_docs.items():
        for page in doc.pages:
            for box in page.boxes:
                if not hasattr(box, "rows"):
                    continue
                for row in box.rows:
                    for cell in row:
                        if cell is None or len(cell.lines) < 2:
                            continue
                        words = " ".join(cell.lines).split()
                        if not any(words == t.split() for t in resolved_tables):
                            broken.append((kind, cell.lines))
    assert broken == []


@pytest.fixture(scope="module")
def resolved_tables(demo_model):
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    doc = resolve(demo_model, make_target(TARGET, demo_model.info, demo_model.markets))
    return {t for s in doc.sections for v in s.visuals if hasattr(v, "rows") for t in v.texts()}


# ---------------------------------------------------------------------------------- charts

def bar_charts(content_yaml):
    return {cid: spec for cid, spec in content_yaml["charts"].items() if spec["type"] in CHART_TYPES}


def test_charts_are_native_with_the_study_values(slides, plan, content_yaml, study_yaml):
    charts = bar_charts(content_yaml)
    assert len(charts) >= 2
    for section in content_yaml["sections"]:
        i = slide_of(plan, section["id"])
        on_slide = [sh.chart for sh in slides[i].shapes if getattr(sh, "has_chart", False) and sh.has_chart]
        for vid in section.get("visuals", []):
            if vid not in charts:
                continue
            spec = charts[vid]
            names = [s["name"] for s in spec["series"]]
            match = [c for c in on_slide if [s.name for s in c.plots[0].series] == names
                     and list(c.plots[0].categories) == spec["categories"]
                     and (not spec.get("title") or (c.has_title and c.chart_title.text_frame.text == spec["title"]))]
            assert len(match) == 1, f"chart {vid} not found on slide {i + 1}"
            chart = match[0]
            assert chart.chart_type == CHART_TYPES[spec["type"]]
            for s_spec, series in zip(spec["series"], chart.plots[0].series):
                expected = [study_value(study_yaml, p) for p in s_spec["values"]]
                assert list(series.values) == pytest.approx(expected, abs=1e-9), (vid, s_spec["name"])


def test_pptx_chart_data_labels_show_percent(slides):
    """Issue #11: data labels show their workbook cells' text (the target's own '40.5%'), not a
    number format, so every label text of a percentage chart carries the percent sign."""
    from pptx.oxml.ns import qn

    labelled = 0
    for s in slides:
        for sh in s.shapes:
            if getattr(sh, "has_chart", False) and sh.has_chart:
                for ser in sh.chart._chartSpace.iter(qn("c:ser")):
                    texts = [t.text for f in ser.iter(qn("a:fld")) for t in f.iter(qn("a:t"))]
                    if texts:
                        assert all("%" in t for t in texts), texts
                        labelled += 1
    assert labelled


def test_chart_values_printed_in_the_pdf(deck_pages, plan, content_yaml, study_yaml):
    for section in content_yaml["sections"]:
        text = norm(deck_pages[slide_of(plan, section["id"])])
        for vid in section.get("visuals", []):
            spec = bar_charts(content_yaml).get(vid)
            if spec and spec.get("data_labels", True):
                for s in spec["series"]:
                    for p in s["values"]:
                        assert f"{study_value(study_yaml, p):.1f}%" in text, (vid, p)


# ---------------------------------------------------------------------------------- PDF internals

def _xobjects(obj, seen):
    res = obj.get("/Resources")
    if res is None:
        return
    for _, xo in res.get("/XObject", {}).items():
        if xo.objgen in seen:
            continue
        seen.add(xo.objgen)
        yield xo
        if xo.get("/Subtype") == "/Form":
            yield from _xobjects(xo, seen)


def _has_inline_image(stream_owner) -> bool:
    return any(isinstance(operands, pikepdf.PdfInlineImage) or str(op) == "INLINE IMAGE"
               for operands, op in pikepdf.parse_content_stream(stream_owner))


def written_pdfs(demo_build):
    """Every PDF the build wrote (poster.pdf, deck.pdf and any other, e.g. a screen poster)."""
    pdfs = sorted(demo_build.folder.glob("*.pdf"))
    assert {"poster.pdf", "deck.pdf"} <= {p.name for p in pdfs}
    return pdfs


def test_pdf_charts_are_vector_no_image_anywhere(demo_build, content_yaml):
    for path in written_pdfs(demo_build):
        name = path.name
        pdf = pikepdf.open(path)
        forms = 0
        for n, page in enumerate(pdf.pages, 1):
            seen: set = set()
            for xo in _xobjects(page, seen):
                assert xo.get("/Subtype") != "/Image", f"{name} page {n} holds an image XObject"
                if xo.get("/Subtype") == "/Form":
                    forms += 1
                    assert not _has_inline_image(xo), f"{name} page {n}: inline image in a form"
            assert not _has_inline_image(page), f"{name} page {n}: inline image"
        # the check is not vacuous: the charts are there, as forms
        assert forms >= len(bar_charts(content_yaml)), name


def test_all_fonts_embedded_pdffonts(demo_build):
    exe = require_tool("pdffonts")
    for path in written_pdfs(demo_build):
        out = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        rows = out.stdout.splitlines()[2:]
        assert rows, f"{path.name}: no fonts listed"
        for row in rows:
            cols = row.split()
            assert cols[-5] == "yes", f"{path.name}: font not embedded: {row}"


def test_all_fonts_embedded_pikepdf(demo_build):
    for path in written_pdfs(demo_build):
        pdf = pikepdf.open(path)
        checked = 0
        for page in pdf.pages:
            for owner in [page, *(_xobjects(page, set()))]:
                res = owner.get("/Resources")
                if res is None:
                    continue
                for _, font in res.get("/Font", {}).items():
                    fonts = [font] + list(font.get("/DescendantFonts", []))
                    desc = next((f.FontDescriptor for f in fonts if "/FontDescriptor" in f), None)
                    assert desc is not None, f"{path.name}: {font.get('/BaseFont')} has no descriptor (standard 14?)"
                    assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.get("/BaseFont")
                    checked += 1
        assert checked, path.name


# ---------------------------------------------------------------------------------- footers

def test_job_code_line_on_every_page_and_slide(slides, deck_pages, poster_pages):
    for s in slides:
        assert JOB_LINE in s.footer, f"slide {s.index}"
    for i, page in enumerate(deck_pages, 1):
        assert JOB_LINE in norm(page), f"deck.pdf page {i}"
    assert JOB_LINE in norm(poster_pages[0])


def test_cgr_statement_on_every_slide_and_page(slides, deck_pages, poster_pages, market_yaml):
    cgr = localized(next(s["text"] for s in market_yaml["statements"] if s["id"] == "cgr"))
    for s in slides:
        assert cgr in s.footer, f"slide {s.index}"
    for i, page in enumerate(deck_pages, 1):
        assert norm(cgr) in norm(page), f"deck.pdf page {i}"
    assert norm(cgr) in norm(poster_pages[0])


def test_each_slide_footer_lists_exactly_the_glossary_terms_it_uses_sorted(slides, glossary_yaml):
    for s in slides:
        line = abbreviation_line(s.footer)
        listed = parse_abbreviations(line) if line else []
        terms = [t for t, _ in listed]
        rest = [p for p in s.body + s.footer if p != line]
        used = terms_in("\n".join(rest), glossary_yaml)
        assert set(terms) == used, f"slide {s.index}: lists {sorted(terms)}, uses {sorted(used)}"
        assert terms == sorted(terms, key=lambda t: (t.lower(), t)), f"slide {s.index}: not sorted: {terms}"
        for term, expansion in listed:
            assert expansion == glossary_yaml[term]


def test_deck_pdf_pages_carry_the_same_abbreviation_footer(slides, deck_pages):
    found = 0
    for s, page in zip(slides, deck_pages):
        line = abbreviation_line(s.footer)
        if line:
            found += 1
            assert norm(line) in norm(page), f"deck.pdf page {s.index}"
    assert found == len(slides)  # every slide of the demo uses some abbreviation


def test_poster_footer_lists_exactly_the_glossary_terms_it_uses(demo_docs, glossary_yaml, poster_pages):
    """The poster's page model, read with superscripts set apart; the abbreviation line also in the PDF."""
    page = demo_docs["poster"].pages[0]
    paras = []
    for box in page.boxes:
        if hasattr(box, "paragraphs"):
            for p in box.paragraphs:
                paras.append(readable("".join(f" {s.text} " if s.script else s.text for s in p.spans)))
        elif hasattr(box, "rows"):
            paras.extend(" ".join(c.lines) for r in box.rows for c in r if c)
        elif hasattr(box, "chart"):
            paras.extend(t for t in box.chart.texts() if t)
    line = abbreviation_line(paras)
    assert line
    terms = [t for t, _ in parse_abbreviations(line)]
    used = terms_in("\n".join(p for p in paras if p != line), glossary_yaml)
    assert set(terms) == used
    assert terms == sorted(terms, key=lambda t: (t.lower(), t))
    assert norm(line) in norm(poster_pages[0])


def test_statements_are_on_the_right_slides(slides, content_yaml, market_yaml, poster_pages):
    # the product's statements for every market, then the market's (its own and the deck's for it)
    statements = [st for st in content_yaml.get("statements", []) if not st.get("markets")] \
        + market_yaml.get("statements", [])
    poster = norm(poster_pages[0])
    checked = set()
    for st in statements:
        text = re.sub(r"\*\*|\*", "", localized(st["text"]))  # markup markers are not printed
        on = [s.index for s in slides if norm(text) in norm(s.text)]
        place = st.get("placement", "footer")
        want = {"footer": [s.index for s in slides], "overview": [1], "closing": [len(slides)]}[place]
        assert on == want, f"statement {st['id']} ({place}) on slides {on}"
        assert norm(text) in poster, st["id"]
        checked.add(place)
    assert checked == {"footer", "overview", "closing"}


def expected_links(content_yaml, references_yaml, market_yaml):
    refs = {f"https://doi.org/{r['DOI']}" if r.get("DOI") else r["URL"] for r in references_yaml}
    statements = {s["link"] for s in market_yaml.get("statements", []) + content_yaml.get("statements", [])
                  if s.get("link")}
    overview = set()
    for item in content_yaml.get("overview", {}).get("body", []):
        text = localized(item["text"] if isinstance(item, dict) and "text" in item else item)
        overview.update(re.findall(r"\]\((https?://[^)\s]+)\)", text))
    return refs, statements, overview


def test_links_are_live_on_the_right_slides(demo_build, content_yaml, references_yaml, market_yaml):
    refs, statements, overview = expected_links(content_yaml, references_yaml, market_yaml)
    assert refs and statements and overview
    prs = Presentation(str(demo_build.deck_pptx))
    by_slide = []
    for slide in prs.slides:
        links = set()
        for sh in slide.shapes:
            if sh.has_text_frame:
                links |= {r.hyperlink.address for p in sh.text_frame.paragraphs for r in p.runs if r.hyperlink.address}
        by_slide.append(links)
    assert overview <= by_slide[0]
    assert refs | statements <= by_slide[-1]
    pdf = pikepdf.open(demo_build.deck_pdf)
    pdf_links = [{str(a.A.URI) for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A} for page in pdf.pages]
    assert overview <= pdf_links[0]
    assert refs | statements <= pdf_links[-1]


def test_pptx_text_uses_the_theme_font(demo_build, demo_model):
    prs = Presentation(str(demo_build.deck_pptx))
    names = set()
    for slide in prs.slides:
        for sh in slide.shapes:
            frames = [sh.text_frame] if sh.has_text_frame else []
            if getattr(sh, "has_table", False) and sh.has_table:
                frames += [c.text_frame for r in sh.table.rows for c in r.cells]
            names |= {r.font.name for f in frames for p in f.paragraphs for r in p.runs if r.text.strip()}
    # the runs name the theme's fonts (titles the heading font), which are the theme's family, so
    # that a company restyles the deck from the Design tab (issue #11)
    assert names == {"+mn-lt", "+mj-lt"}
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode()
    for kind in ("majorFont", "minorFont"):
        assert re.search(rf'<a:{kind}>\s*<a:latin typeface="{re.escape(demo_model.theme.font.name)}"', theme)


def test_document_metadata(demo_build, deck_yaml):
    for name in ("poster.pdf", "deck.pdf"):
        pdf = pikepdf.open(demo_build.folder / name)
        assert str(pdf.Root.Lang) == TARGET
        assert str(pdf.docinfo["/Title"]).startswith("Impact of salvage treatment phase")
    cp = Presentation(str(demo_build.deck_pptx)).core_properties
    assert cp.language == TARGET
    assert cp.keywords == JOB_LINE.split(".")[0]
    y, m = deck_yaml["deck"]["date_of_preparation"].split("-")
    assert (cp.created.year, cp.created.month) == (int(y), int(m))


# ---------------------------------------------------------------------------------- citations

def superscripts_in_reading_order(path):
    """Citation numbers of each slide: title and body first, the footer (footnote bodies) last."""
    out = []
    prs = Presentation(str(path))
    for slide in prs.slides:
        shapes = [sh for sh in slide.shapes if sh.has_text_frame]
        ordered = [sh for sh in shapes if sh.name != "footer"] + [sh for sh in shapes if sh.name == "footer"]
        nums = []
        for sh in ordered:
            for p in sh.text_frame.paragraphs:
                for r in p.runs:
                    if run_is_script(r) and int(r._r.rPr.get("baseline")) > 0:
                        nums.extend(expand_numbers(r.text))
        out.append(nums)
    return out


def test_citations_are_numbered_in_order_of_first_appearance(demo_build, references_yaml):
    firsts = []
    for nums in superscripts_in_reading_order(demo_build.deck_pptx):
        for n in nums:
            if n not in firsts:
                firsts.append(n)
    assert firsts == list(range(1, len(references_yaml) + 1))


def test_references_slide_in_citation_order_jabbour_first(slides, references_yaml):
    last = slides[-1]
    items = [p for p in last.body if re.match(r"^\d+\. ", p)]
    assert [int(p.split(".")[0]) for p in items] == list(range(1, len(references_yaml) + 1))
    assert items[0].startswith("1. Jabbour E")
    # each reference exactly once
    for ref in references_yaml:
        assert sum(ref["title"] in p for p in items) == 1, ref["id"]


def test_each_slide_footer_cites_exactly_the_references_on_the_slide(demo_build, slides, references_yaml):
    numbers = superscripts_in_reading_order(demo_build.deck_pptx)
    items = {int(p.split(".")[0]): p for p in slides[-1].body if re.match(r"^\d+\. ", p)}
    for s, nums in zip(slides[:-1], numbers):
        line = next((p for p in s.footer if p.startswith("References:")), "")
        # run in as AMA lists them: '1. Jabbour E, et al. Leuk Lymphoma. 2020. 2. Kantarjian HM, ...'
        listed = [int(m) for m in re.findall(r"(?:^|\. )(\d+)\. (?=\D)", line.removeprefix("References: "))]
        assert listed == sorted(set(nums)), f"slide {s.index}"
        for n in listed:  # the short form names the same first author as the full list
            first_author = items[n].split(" ", 2)[1]
            assert re.search(rf"(?:^|\. ){n}\. {re.escape(first_author)}", line.removeprefix("References: "))


def test_references_page_in_deck_pdf_lists_jabbour_first(deck_pages):
    page = norm(deck_pages[-1])
    assert "References" in page
    assert 0 <= page.find("1. Jabbour") < page.find("2. Kantarjian")


def test_poster_reference_list_is_in_citation_order(poster_pages):
    text = norm(poster_pages[0])
    assert 0 <= text.find("1. Jabbour E, G\u00f6kbuget N") < text.find("2. Kantarjian HM")


def test_footnotes_are_lettered_from_a_on_each_slide_in_order_of_their_markers(demo_build):
    prs = Presentation(str(demo_build.deck_pptx))
    slides_with_notes = 0
    for k, slide in enumerate(prs.slides, 1):
        shapes = [sh for sh in slide.shapes if sh.has_text_frame]
        body = [sh for sh in shapes if sh.name != "footer"]
        footer = [sh for sh in shapes if sh.name == "footer"]
        marker_letters = []
        for sh in body + footer:
            for p in sh.text_frame.paragraphs:
                runs = p.runs
                for i, r in enumerate(runs):
                    if sh in footer and i == 0:
                        continue  # the letter that starts a footnote line is its label, not a marker
                    if run_is_script(r) and int(r._r.rPr.get("baseline")) > 0:
                        marker_letters += [x for x in r.text.replace(" ", "").split(",") if x.isalpha()]
        labels = [p.runs[0].text.strip() for sh in footer for p in sh.text_frame.paragraphs
                  if p.runs and run_is_script(p.runs[0])]
        assert labels == [chr(97 + i) for i in range(len(labels))], f"slide {k}: {labels}"
        firsts = list(dict.fromkeys(marker_letters))
        assert firsts == labels, f"slide {k}: markers {marker_letters}, footnotes {labels}"
        slides_with_notes += bool(labels)
    assert slides_with_notes >= 3


# ---------------------------------------------------------------------------------- determinism

def test_rebuild_in_a_fresh_process_is_byte_identical(demo_build, tmp_path):
    """A second build, in another process, another working folder and another hash seed."""
    res = run_cli("build", str(DECK_DIR), "--target", TARGET, "--out", str(tmp_path), "-q",
                  cwd=tmp_path, env={"PYTHONHASHSEED": "12345"})
    assert res.returncode == 0, res.stderr
    # the CLI also records its incremental-build manifest (paths inside differ by folder)
    first = sorted(p.name for p in demo_build.folder.iterdir() if not p.name.startswith("."))
    second = sorted(p.name for p in (tmp_path / DECK / TARGET).iterdir() if not p.name.startswith("."))
    assert first == second
    assert (tmp_path / DECK / TARGET / ".posterdeck-manifest.json").is_file()
    assert {"poster.pdf", "deck.pdf", "deck.pptx"} <= set(first)
    for name in first:
        a = (demo_build.folder / name).read_bytes()
        b = (tmp_path / DECK / TARGET / name).read_bytes()
        assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest(), f"{name} differs between builds"


# ---------------------------------------------------------------------------------- LibreOffice

def test_libreoffice_opens_the_pptx(demo_build, tmp_path, slides):
    soffice = require_tool("soffice")
    profile = tmp_path / "lo-profile"
    res = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                          "--outdir", str(tmp_path), str(demo_build.deck_pptx)],
                         capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "deck.pdf"
    assert res.returncode == 0 and pdf.is_file(), res.stderr[-500:]
    pages = pdftotext_pages(pdf)
    assert len(pages) == len(slides)
    text = norm(" ".join(pages))
    lost = [f for f in SEED_FIGURES if f not in text]
    assert not lost
    assert all(JOB_LINE in norm(p) for p in pages)
