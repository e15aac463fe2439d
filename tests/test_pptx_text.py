"""PPTX text: the language of every run, the break rules compose applied written into the text
(no-break spaces and hyphens), table cells as composed, footers anchored at the bottom,
decorative bands and rules, table header rows and alt text, schema validity, and the proof that
a viewer wrapping the text itself (LibreOffice) shows the same lines per text box as deck.pdf."""
from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree
from pptx import Presentation

from conftest import ooxml_validator, DECK_DIR, pdftotext_pages, readable, require_tool
from posterdeck.compose.nobreak import NBHY, NBSP, WJ, keep_lines, rewrite

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = {"a": A, "p": P}
DECORATIVE = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
EMU = 12700
TARGETS = ["en-NL", "de-DE", "el-GR"]
BULLETS = {"\u2022", "\u2013"}  # drawn by the viewer, not text of the paragraph


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from posterdeck import api

    out = tmp_path_factory.mktemp("pptx-text")
    api.build(DECK_DIR, targets=TARGETS, out=out)
    return out / DECK_DIR.name


def parts(pptx: Path, prefix: str) -> dict[str, etree._Element]:
    z = zipfile.ZipFile(pptx)
    return {n: etree.fromstring(z.read(n)) for n in sorted(z.namelist())
            if n.startswith(prefix) and n.endswith(".xml")}


def slide_parts(pptx: Path) -> dict[str, etree._Element]:
    return {n: x for n, x in parts(pptx, "ppt/slides/slide").items() if "_rels" not in n}


# --------------------------------------------------------------------------------------------
# language
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["de-DE", "el-GR"])
def test_every_run_and_paragraph_mark_carries_the_target_language(built, target):
    runs = marks = 0
    for name, root in slide_parts(built / target / "deck.pptx").items():
        for rpr in root.iterfind(".//a:r/a:rPr", NS):
            runs += 1
            assert rpr.get("lang") == target, (name, rpr.getparent().findtext("a:t", namespaces=NS))
        for end in root.iterfind(".//a:endParaRPr", NS):
            marks += 1
            assert end.get("lang") == target, name
        for br in root.iterfind(".//a:br", NS):  # line breaks between a cell's composed lines
            assert br.find("a:rPr", NS).get("lang") == target, name
        assert not root.xpath(".//a:r[not(a:rPr)]", namespaces=NS), f"{name}: a run without properties"
    assert runs > 100 and marks > 50


@pytest.mark.parametrize("target", ["de-DE", "el-GR"])
def test_default_text_styles_carry_the_target_language(built, target):
    deck = built / target / "deck.pptx"
    pres = parts(deck, "ppt/presentation.xml")["ppt/presentation.xml"]
    defaults = pres.findall("p:defaultTextStyle//a:defRPr", NS)
    assert len(defaults) >= 9
    assert {d.get("lang") for d in defaults} == {target}
    for name, master in parts(deck, "ppt/slideMasters/slideMaster").items():
        styles = master.findall("p:txStyles//a:defRPr", NS)
        assert styles and {d.get("lang") for d in styles} == {target}, name


def test_text_shown_in_the_source_language_is_tagged_so(project_copy):
    """A sentence without a German translation, and a market statement without German text,
    fall back to English: their runs say en-US, the others de-DE."""
    from posterdeck import api

    po = project_copy.path("data/inovate-salvage/i18n/de.po")
    text = po.read_text(encoding="utf-8")
    german = 'msgstr "Der primäre Endpunkt OS wurde in INO-VATE ALL nicht erreicht.[@kantarjian2016; @kantarjian2019]"'
    assert text.count(german) >= 1  # the same sentence in every context that shows it
    po.write_text(text.replace(german, 'msgstr ""'), encoding="utf-8")
    # and a market statement without its German text: the English one is shown
    project_copy.replace("data/shared/markets/DE.yaml", '        de: "Verschreibungspflichtig."\n', "")
    api.build(project_copy.deck, targets=["de-DE"], out=project_copy.out)
    langs = {}
    for root in slide_parts(project_copy.out / "inovate-salvage" / "de-DE" / "deck.pptx").values():
        for r in root.iterfind(".//a:r", NS):
            langs.setdefault(readable(r.findtext("a:t", namespaces=NS)), set()).add(r.find("a:rPr", NS).get("lang"))
    english = [t for t in langs if "primary endpoint of OS was not met" in t]
    assert english and all(langs[t] == {"en-US"} for t in english)
    assert langs[next(t for t in langs if "Vollständige Post-hoc-Analyse" in t)] == {"de-DE"}
    assert langs["Prescription only (verschreibungspflichtig)."] == {"en-US"}


# --------------------------------------------------------------------------------------------
# no-break characters: where compose keeps tokens together
# --------------------------------------------------------------------------------------------

def test_rewrite_marks_what_compose_keeps_together():
    text = "P < 0.001 in R/R B-cell ALL (n = 111)"
    assert "".join(rewrite(text, [])) == f"P{NBSP}<{NBSP}0.001 in R/{WJ}R B{NBHY}cell ALL (n{NBSP}={NBSP}111)"
    # a long word compose hyphenated: the added hyphen and a line break where it broke
    word = "lymfestelselaandoeningen"
    assert "".join(rewrite(word, ["lymfestelsel-", "aandoeningen"])) == "lymfestelsel-\naandoeningen"
    # a hyphen compose broke after stays breakable; the others do not
    assert "".join(rewrite("MedDRA-systeem/orgaanklasse", ["MedDRA-", "systeem/orgaanklasse"])) == \
        f"MedDRA-systeem/{WJ}orgaanklasse"
    # a font without a no-break hyphen or word joiner: plain characters (no glyph from another font)
    assert "".join(rewrite(text, [], have=NBSP)) == f"P{NBSP}<{NBSP}0.001 in R/R B-cell ALL (n{NBSP}={NBSP}111)"
    # table cells: each composed line, a hyphen where the word broke
    assert keep_lines(["Bloed- en", "lymfestelsel-", "aandoeningen"]) == ("Bloed- en", "lymfestelsel-", "aandoeningen")


def test_operators_carry_no_break_spaces_in_the_pptx_and_plain_spaces_in_the_pdf(built):
    deck = built / "en-NL" / "deck.pptx"
    texts = [t.text or "" for root in slide_parts(deck).values() for t in root.iterfind(".//a:t", NS)]
    joined = "\n".join(texts)
    assert f"n{NBSP}={NBSP}111" in joined and f"n{NBSP}={NBSP}2/{WJ}111" in joined
    assert not re.search(r"\bn [=<>] ", joined) and not re.search(r"\bn =\xa0|\bn\xa0= ", joined)
    assert f"B{NBHY}cell" in joined and f"R/{WJ}R" in joined
    pdf = "\n".join(pdftotext_pages(built / "en-NL" / "deck.pdf"))
    assert "n = 111" in pdf and "[n = 2/111]" in pdf and "R/R B-cell" in pdf
    assert NBSP not in pdf.replace("\u00a0%", "") and NBHY not in pdf and WJ not in pdf


def test_p_values_keep_together_in_the_paragraph_spans(demo_fonts):
    from posterdeck.compose.text import Piece, TextStyle, paragraph

    _, _, fonts = demo_fonts
    style = TextStyle(12.0, 1.2, False, False, "text")
    text = "The difference in overall survival was significant, P < 0.001, in favour of BESPONSA"
    para = paragraph([Piece(text)], style, 200.0, fonts, "test", language="en", slack=0.02)
    spans = "".join(s.text for s in para.spans)
    assert f"P{NBSP}<{NBSP}0.001" in spans
    lines = ["".join(s.text for s in ln.spans) for ln in para.lines]
    assert any("P < 0.001" in ln for ln in lines), lines  # the PDF's lines: plain spaces, kept on one line
    assert all(ln.width <= 200.0 * 0.98 + 1e-6 for ln in para.lines)  # the slack
    assert 0.0 <= para.margin_right <= 200.0 - max(ln.width for ln in para.lines)


# --------------------------------------------------------------------------------------------
# tables: composed lines, header row, alt text
# --------------------------------------------------------------------------------------------

def test_a_hyphenated_compound_in_a_table_cell_breaks_where_compose_broke_it(demo_fonts):
    """A Dutch compound too long for its column: hyphenated at a syllable, in both outputs; the
    PPTX cell holds the composed lines with a break between them, never 'lymfestelsel- aandoeningen'."""
    from posterdeck.compose.tables import _lines
    from posterdeck.compose.text import TextStyle
    from posterdeck.pagemodel import Cell, Document, Page, Table
    from posterdeck.render.pdf import render_pdf
    from posterdeck.render.pptx import render_pptx

    theme, files, fonts = demo_fonts
    style = TextStyle(10.0, 1.15, True, False, "text")
    width = max(fonts.width(w, "bold", 10.0) for w in ("lymfestelsel-", "aandoeningen")) + 1.0
    lines = _lines("Bloed- en lymfestelselaandoeningen", style, width, fonts, "test", "nl")
    assert lines == ("Bloed- en", "lymfestelsel-", "aandoeningen")
    cell = Cell(lines=lines, font="bold", size=10.0, color="text", keep=keep_lines(list(lines)))
    table = Table(36.0, 36.0, (100.0,), (3 * 11.5 + 6,), ((cell,),), 3.0, 1.15, "rule", 0, name="table:t", alt="t")
    doc = Document(pages=[Page(300.0, 200.0, "p", [table], background="background")], title="t", author="a",
                   subject="s", keywords="k", language="nl-NL", date="2021-05-01", fonts=files,
                   font_name=theme.font.name, colours=dict(theme.colours))
    frame = next(s for s in Presentation(io.BytesIO(render_pptx(doc))).slides[0].shapes if s.has_table)
    shown = frame.table.cell(0, 0).text
    assert shown.split("\v") == ["Bloed- en", "lymfestelsel-", "aandoeningen"]
    assert "lymfestelsel-\vaandoeningen" in shown  # a hyphen only where the line broke, then a break
    words = [w[4] for w in pdf_words(_write(render_pdf(doc)))[0]]
    assert words == ["Bloed-", "en", "lymfestelsel-", "aandoeningen"]


def _write(data: bytes) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "cell.pdf"
    path.write_bytes(data)
    return path


def test_tables_have_a_header_row_and_alt_text(built):
    from pptx import Presentation as Open

    found = 0
    for slide in Open(str(built / "en-NL" / "deck.pptx")).slides:
        for shape in slide.shapes:
            if getattr(shape, "has_table", False) and shape.has_table:
                found += 1
                tblPr = shape._element.find(".//a:tblPr", NS)
                assert tblPr.get("firstRow") == "1"
                descr = shape._element.find(".//p:cNvPr", NS).get("descr")
                assert descr and "TEAE" in descr, descr
    assert found == 1


def test_chart_and_picture_alt_text_is_kept(built):
    frames = 0
    for name, root in slide_parts(built / "en-NL" / "deck.pptx").items():
        for gf in root.iterfind(".//p:graphicFrame", NS):
            if gf.find(".//{http://schemas.openxmlformats.org/drawingml/2006/chart}chart") is not None:
                frames += 1
                assert gf.find("p:nvGraphicFramePr/p:cNvPr", NS).get("descr"), name
        for pic in root.iterfind(".//p:pic", NS):
            assert pic.find("p:nvPicPr/p:cNvPr", NS).get("descr"), name
    assert frames >= 3


# --------------------------------------------------------------------------------------------
# footers, decorative shapes, schema
# --------------------------------------------------------------------------------------------

def test_footers_are_anchored_at_the_bottom(built):
    footers = 0
    for name, root in slide_parts(built / "de-DE" / "deck.pptx").items():
        for sp in root.iterfind(".//p:sp", NS):
            if sp.find("p:nvSpPr/p:cNvPr", NS).get("name") == "footer":
                footers += 1
                assert sp.find("p:txBody/a:bodyPr", NS).get("anchor") == "b", name
    assert footers == 8


def test_bands_rules_and_backgrounds_are_decorative_and_text_is_not(built):
    marked = 0
    for name, root in slide_parts(built / "en-NL" / "deck.pptx").items():
        for sp in root.iterfind(".//p:sp", NS):
            cNvPr = sp.find("p:nvSpPr/p:cNvPr", NS)
            ext = cNvPr.find(f"a:extLst/a:ext[@uri='{DECORATIVE}']", NS)
            has_text = bool("".join(sp.itertext()).strip())
            if has_text:
                assert ext is None, (name, cNvPr.get("name"))
                continue
            assert ext is not None, (name, cNvPr.get("name"))
            mark = ext[0]
            assert etree.QName(mark).localname == "decorative" and mark.get("val") == "1"
            marked += 1
    assert marked >= 16  # the title band and the footer rule of each of 8 slides, and panel backgrounds


def test_slides_and_presentation_validate_against_the_schemas(built):
    """The parts this writer makes (slides, presentation, masters, layouts) against the
    ISO/IEC 29500 transitional schemas (../shared/checks/ooxml_validate.py)."""
    checks = ooxml_validator().parent
    sys.path.insert(0, str(checks))
    try:
        import ooxml_validate as ov
    finally:
        sys.path.pop(0)
    for target in ("de-DE", "el-GR"):
        z = zipfile.ZipFile(built / target / "deck.pptx")
        for name in z.namelist():
            kind = ov.kind(name)
            if kind != "pml" and name != "[Content_Types].xml":
                continue
            schema = ov.schema(kind or "types")
            assert schema.validate(etree.fromstring(z.read(name))), (target, name, str(schema.error_log)[:400])


# --------------------------------------------------------------------------------------------
# LibreOffice wraps the PPTX itself: the same lines per text box as deck.pdf, none outside
# --------------------------------------------------------------------------------------------

def pdf_words(pdf: Path) -> list[list[tuple]]:
    exe = require_tool("pdftotext")
    out = subprocess.run([exe, "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=120).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([(*map(float, m.groups()[:4]), html.unescape(m.group(5))) for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


def text_boxes(pptx: Path) -> list[list[tuple[str, tuple, str]]]:
    """Per slide: (name, (x, y, w, h) in points, text) of each text box and each table cell."""
    slides = []
    for slide in Presentation(str(pptx)).slides:
        boxes = []
        for sh in slide.shapes:
            x, y = sh.left / EMU, sh.top / EMU
            if sh.has_text_frame and sh.text_frame.text.strip():
                boxes.append((sh.name, (x, y, sh.width / EMU, sh.height / EMU), sh.text_frame.text))
            elif getattr(sh, "has_table", False) and sh.has_table:
                t, cy = sh.table, y
                for i, row in enumerate(t.rows):
                    cx = x
                    for j, col in enumerate(t.columns):
                        c = t.cell(i, j)
                        if not c.is_spanned and c.text.strip():
                            span = c.span_width if c.is_merge_origin else 1
                            w = sum(t.columns[k].width for k in range(j, j + span)) / EMU
                            boxes.append((f"{sh.name}[{i},{j}]", (cx, cy, w, row.height / EMU), c.text))
                        cx += col.width / EMU
                    cy += row.height / EMU
        slides.append(boxes)
    return slides


def inside(words: list[tuple], rect: tuple, tol: float = 1.0) -> list[tuple]:
    x, y, w, h = rect
    return [wd for wd in words if x - tol <= (wd[0] + wd[2]) / 2 <= x + w + tol
            and y - tol <= (wd[1] + wd[3]) / 2 <= y + h + tol]


def line_count(words: list[tuple]) -> int:
    """Lines of words: raised markers (smaller words) left out, words on one baseline together."""
    if not words:
        return 0
    tall = max(wd[3] - wd[1] for wd in words)
    rows: list[float] = []
    for wd in sorted((wd for wd in words if wd[3] - wd[1] > 0.8 * tall), key=lambda wd: wd[1] + wd[3]):
        centre = (wd[1] + wd[3]) / 2
        if not rows or abs(centre - rows[-1]) >= 0.4 * (wd[3] - wd[1]):
            rows.append(centre)
    return len(rows)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", readable(text).replace("\u00a0", " "))


@pytest.mark.parametrize("target", ["en-NL", "de-DE"])
def test_libreoffice_shows_the_lines_of_deck_pdf_in_every_text_box(built, target, tmp_path):
    soffice = require_tool("soffice")
    folder = built / target
    profile = (tmp_path / "lo-profile").as_uri()
    run = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                          "--outdir", str(tmp_path), str(folder / "deck.pptx")], capture_output=True, text=True,
                         timeout=300)
    converted = tmp_path / "deck.pdf"
    assert converted.is_file(), run.stderr
    ours, theirs = pdf_words(folder / "deck.pdf"), pdf_words(converted)
    assert len(ours) == len(theirs)
    checked, differ = 0, []
    for number, boxes in enumerate(text_boxes(folder / "deck.pptx")):
        for name, rect, text in boxes:
            mine, lo = inside(ours[number], rect), inside(theirs[number], rect)
            shown = "".join(w[4] for w in lo if w[4] not in BULLETS)
            checked += 1
            # every word of the box inside the box (LibreOffice), and as many lines as the PDF
            # (the same characters: pdftotext may order raised markers differently from the text)
            if sorted(squeeze(shown)) != sorted(squeeze(text)) or \
                    line_count(lo) != line_count(mine):
                differ.append((number + 1, name, line_count(mine), line_count(lo), " ".join(w[4] for w in lo)[:120]))
    assert checked > 100
    assert not differ, differ


def test_codes_keep_plain_hyphens_so_they_can_be_found_and_copied(built):
    """A job code (capitals and digits joined by hyphens) is written as it is, on every slide:
    a reviewer searching the deck for PP-INO-GLB-0137 finds it; other words keep no-break hyphens."""
    from posterdeck.compose.nobreak import NBHY, rewrite

    assert "".join(rewrite("PP-INO-GLB-0137. B-cell", [])) == f"PP-INO-GLB-0137. B{NBHY}cell"
    deck = yaml.safe_load((DECK_DIR / "deck.yaml").read_text(encoding="utf-8"))["deck"]
    code = deck["job_code"]
    job = f"{code['prefix']}-{code['product']}-{code['market']}-{code['sequence']}"
    prs = Presentation(str(built / "en-NL" / "deck.pptx"))
    for i, slide in enumerate(prs.slides, 1):
        text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert job in text, f"slide {i}: {job} not found as written"
