"""Print without prepress remarks (issue 13): overprinting black everywhere (charts included),
no text below the poster's smallest size, subset tags from the subsets' content, links a reader
can use on paper, and a PDF/X-4 output profile that matches its declared condition.

The demo's en-NL and el-GR print posters are composed and painted in-process and read back with
pikepdf (the overprint walker of finish/overprint.py) and pdftotext."""
from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import DECK_DIR, content_yaml, require_tool  # noqa: F401 (fixture)

ICC = Path("/usr/share/color/icc/ghostscript")


def _compose(deck_dir: Path, tag: str, strict: bool = False, allow_outside=()):
    from posterdeck.compose.build import compose
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.target import make_target

    model = load_deck(deck_dir, allow_outside=allow_outside)
    return compose(model, make_target(tag, model.info, model.markets), strict=strict)


@pytest.fixture(scope="module")
def built():
    """tag -> (print poster bytes, screen poster bytes, the print poster's page model)."""
    from posterdeck.api import pdf_file as render_pdf  # painted and finished, as the build writes it

    out = {}
    for tag in ("en-NL", "el-GR"):
        docs = _compose(DECK_DIR, tag)
        poster = docs["poster"]
        out[tag] = (render_pdf(poster, mode="print"), render_pdf(docs.get("poster-screen", poster), mode="screen"),
                    poster)
    return out


def _pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


# --------------------------------------------------------------------------------------------
# overprint
# --------------------------------------------------------------------------------------------

def _knockout_pdf() -> bytes:
    """A PDF with 100 % K text and a rule on the page and text inside a form, none overprinting."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 300))
    page = pdf.pages[0]
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    form = pdf.make_stream(b"0 0 0 1 k BT /F1 9 Tf 10 10 Td (in a form) Tj ET", Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Form, BBox=[0, 0, 100, 100],
                           Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font), XObject=pikepdf.Dictionary(Fm1=form))
    page.obj.Contents = pdf.make_stream(b"0 0 0 1 k BT /F1 12 Tf 20 200 Td (Black) Tj ET "
                                        b"0 0 0 1 K 1 w 20 150 m 200 150 l S "
                                        b"0.5 0.2 0 0 k BT /F1 12 Tf 20 100 Td (Blue) Tj ET "
                                        b"q 1 0 0 1 50 20 cm /Fm1 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_the_walker_finds_black_that_knocks_out_and_the_fix_makes_it_overprint():
    from posterdeck.finish.overprint import apply_overprint, black_knockouts, walk

    pdf = _pdf(_knockout_pdf())
    found = black_knockouts(pdf)
    kinds = sorted((m.kind, "form" in m.where) for m in found)
    assert kinds == [("stroke", False), ("text", False), ("text", True)], found
    apply_overprint(pdf)
    assert black_knockouts(pdf) == []
    marks = walk(pdf)
    blue = [m for m in marks if m.kind == "text" and not m.fill_k]
    assert blue and not any(m.op_fill for m in blue), "a tint still knocks out"
    from posterdeck.finish.preflight import preflight

    report = preflight(_knockout_pdf())
    assert any(f.rule == "overprint" for f in report.warnings), [str(f) for f in report.findings]


@pytest.mark.parametrize("tag", ["en-NL", "el-GR"])
def test_every_black_text_run_and_rule_overprints_forms_included(built, tag):
    from posterdeck.finish.overprint import walk

    marks = walk(_pdf(built[tag][0]))
    black_text = [m for m in marks if m.kind == "text" and m.fill_k]
    in_forms = [m for m in black_text if "form" in m.where]
    assert len(black_text) > 100 and len(in_forms) > 10, "the posters' black text and chart text are found"
    assert any(m.kind in ("stroke", "both") and m.stroke_k for m in marks), "black rules are found"
    bad = [m for m in marks if m.black_knockout]
    assert not bad, f"{len(bad)} black marks knock out, e.g. {bad[:3]}"


@pytest.mark.parametrize("tag", ["en-NL", "el-GR"])
def test_chart_text_is_solid_k_not_a_grey_screen(built, tag):
    pdf = _pdf(built[tag][0])
    page = pdf.pages[0]
    greys = []
    for name, form in page.Resources.XObject.items():
        for inst in pikepdf.parse_content_stream(form):
            op = str(inst.operator)
            if op in ("g", "G") or (op in ("k", "K") and [float(v) for v in inst.operands][:3] == [0, 0, 0]
                                     and 0 < float(inst.operands[3]) < 1 and float(inst.operands[3]) > 0.8):
                greys.append((name, op, [float(v) for v in inst.operands]))
    assert not greys, greys[:5]


# --------------------------------------------------------------------------------------------
# the smallest text
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["en-NL", "el-GR"])
def test_no_text_on_the_a0_poster_below_10_pt(built, tag):
    from posterdeck.finish.overprint import walk

    sizes = [m.size for m in walk(_pdf(built[tag][0])) if m.kind == "text" and m.text.strip()]
    assert sizes and min(sizes) >= 10 - 0.01, sorted(sizes)[:5]
    poster = built[tag][2]
    assert poster.print_spec is not None
    sups = [sp.size for page in poster.pages for box in page.boxes for para in getattr(box, "paragraphs", ())
            for line in para.lines for sp in line.spans if sp.script]
    assert sups and min(sups) >= 10 - 1e-6  # were 8.7-9.1 pt before


def test_min_text_raises_superscripts_and_a_smaller_style_is_a_layout_error(project_copy):
    from posterdeck.errors import PosterdeckError

    rel = "layouts/poster-a0-portrait.yaml"
    project_copy.replace(rel, "    total_ink: 300\n", "    total_ink: 300\n    min_text: 12pt\n")
    docs = _compose(project_copy.root / "data" / "inovate-salvage", "en-NL")
    sups = [sp.size for page in docs["poster"].pages for box in page.boxes for para in getattr(box, "paragraphs", ())
            for line in para.lines for sp in line.spans if sp.script]
    assert sups and min(sups) >= 12 - 1e-6
    line = project_copy.replace(rel, "footer:        {size: 19, min_size: 14,", "footer:        {size: 19, min_size: 11,")
    with pytest.raises(PosterdeckError) as err:
        _compose(project_copy.root / "data" / "inovate-salvage", "en-NL")
    text = str(err.value)
    assert f"poster-a0-portrait.yaml:{line}" in text and "footer" in text and "12" in text, text


# --------------------------------------------------------------------------------------------
# subset tags
# --------------------------------------------------------------------------------------------

def _subsets(data: bytes) -> dict[str, str]:
    """BaseFont -> hash of its font program(s), for every font of the pages and their forms."""
    pdf = _pdf(data)
    out, forms = {}, 0

    def visit(res, depth=0):
        nonlocal forms
        for font in res.get("/Font", pikepdf.Dictionary()).values():
            parts = [font] + list(font.get("/DescendantFonts", []))
            programs = b"".join(p.FontDescriptor.FontFile2.read_bytes() for p in parts
                                if "/FontDescriptor" in p and "/FontFile2" in p.FontDescriptor)
            out[str(font.BaseFont)] = hashlib.sha256(programs).hexdigest()
            for p in parts:
                if "/FontDescriptor" in p:
                    assert str(p.FontDescriptor.FontName) == str(font.BaseFont) or font.Subtype == "/Type0"
                    assert str(p.FontDescriptor.FontName).split("+")[0] == str(font.BaseFont).split("+")[0]
        for x in res.get("/XObject", pikepdf.Dictionary()).values():
            if x.get("/Subtype") == "/Form" and "/Resources" in x and depth < 5:
                forms += 1
                visit(x.Resources, depth + 1)

    for page in pdf.pages:
        visit(page.Resources)
    assert forms, "the charts' forms are visited"
    return out


def test_subset_tags_differ_between_languages_and_stay_between_builds(built):
    from posterdeck.compose.build import compose  # noqa: F401 (the same import path as the build)
    from posterdeck.api import pdf_file as render_pdf  # painted and finished, as the build writes it

    en, el = _subsets(built["en-NL"][0]), _subsets(built["el-GR"][0])
    for fonts in (en, el):
        assert all(name[1:7].isalpha() and name[1:7].isupper() and name[7] == "+" for name in fonts), fonts
        assert not any(name.startswith("/AAAAAA+") for name in fonts), fonts
        tags = {}
        for name, program in fonts.items():  # within a file: one tag, one subset
            assert tags.setdefault(name[:7], program) == program, name
    both = {**{("en", n): p for n, p in en.items()}, **{("el", n): p for n, p in el.items()}}
    for (_, name), program in both.items():  # across the files: a tag names one subset
        same = {p for (_, n), p in both.items() if n[:7] == name[:7]}
        assert same == {program}, name
    assert set(en) != set(el), "the Greek poster's subsets are not the English ones"
    again = render_pdf(built["en-NL"][2], mode="print")
    assert again == built["en-NL"][0], "a second build is byte-identical"
    assert _subsets(again) == en


# --------------------------------------------------------------------------------------------
# links on paper
# --------------------------------------------------------------------------------------------

def test_the_print_poster_prints_link_addresses_and_has_no_link_annotations(built, content_yaml, tmp_path):
    exe = require_tool("pdftotext")
    smpc = next(s for s in content_yaml["statements"] if s.get("link"))
    url = smpc["link"]
    paper, screen, _ = built["en-NL"]
    texts = {}
    for name, data in (("print", paper), ("screen", screen)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        res = subprocess.run([exe, "-raw", str(path), "-"], capture_output=True, text=True, timeout=60)
        texts[name] = "".join(res.stdout.split())  # the address may be broken over lines
    assert "".join(url.split("-")) in texts["print"].replace("-", ""), "the SmPC address is printed"
    assert "".join(url.split("-")) not in texts["screen"].replace("-", ""), "the screen poster keeps the link"
    assert "doi:10." in texts["print"] and "(https://doi.org" not in texts["print"], "DOIs stay as they read"
    with _pdf(paper) as pdf:
        assert not [a for p in pdf.pages for a in p.obj.get("/Annots", [])]
    with _pdf(screen) as pdf:
        uris = [str(a.A.URI) for p in pdf.pages for a in p.obj.get("/Annots", []) if "/A" in a]
        assert url in uris


# --------------------------------------------------------------------------------------------
# PDF/X-4 and its output profile
# --------------------------------------------------------------------------------------------

def _x4(project_copy, profile: Path, condition: str = "FOGRA39"):
    if not profile.is_file():
        pytest.skip(f"{profile} missing (Debian's ghostscript ships it)")
    rel = "layouts/poster-a0-portrait.yaml"
    line = project_copy.replace(rel, "    standard: x1a\n    output_condition: FOGRA39\n",
                                f"    standard: x4\n    output_condition: {condition}\n    icc_profile: {profile}\n")
    return line + 2


def test_an_x4_build_with_a_swop_profile_labelled_fogra39_warns_and_fails_strict(project_copy):
    from posterdeck.errors import PosterdeckError
    from posterdeck.finish.preflight import preflight
    from posterdeck.api import pdf_file as render_pdf  # painted and finished, as the build writes it

    line = _x4(project_copy, ICC / "default_cmyk.icc")
    deck = project_copy.root / "data" / "inovate-salvage"
    docs = _compose(deck, "en-NL", allow_outside=(ICC,))
    warnings = [w for w in docs["poster"].warnings if "ICC profile" in w]
    assert len(warnings) == 1, docs["poster"].warnings
    assert "SWOP" in warnings[0] and "FOGRA39" in warnings[0] and f"poster-a0-portrait.yaml:{line}" in warnings[0]
    with pytest.raises(PosterdeckError) as err:
        _compose(deck, "en-NL", strict=True, allow_outside=(ICC,))
    assert "SWOP" in str(err.value)
    data = render_pdf(docs["poster"], mode="print")
    pdf = _pdf(data)
    xmp = pdf.Root.Metadata.read_bytes().decode()
    for key in ("xmpMM:DocumentID", "xmpMM:InstanceID", "xmpMM:VersionID", "xmpMM:RenditionClass",
                "pdfxid:GTS_PDFXVersion"):
        assert key in xmp, key
    assert "uuid:" in xmp
    report = preflight(data, "x4")
    assert report.errors == [], [str(f) for f in report.errors]
    assert any(f.rule == "output-intent" and "SWOP" in f.message for f in report.warnings)


def test_a_matching_profile_does_not_warn_and_an_rgb_profile_does(project_copy):
    from posterdeck.finish.icc import profile_problem

    assert profile_problem(str(ICC / "default_cmyk.icc"), "CGATS TR 001") == "" if (ICC / "default_cmyk.icc").is_file() \
        else pytest.skip("no ghostscript profiles")
    assert "not CMYK" in profile_problem(str(ICC / "srgb.icc"), "FOGRA39")
    _x4(project_copy, ICC / "default_cmyk.icc", "CGATS TR 001")
    docs = _compose(project_copy.root / "data" / "inovate-salvage", "en-NL", allow_outside=(ICC,))
    assert not [w for w in docs["poster"].warnings if "ICC profile" in w]


def test_print_links_qr_puts_a_vector_code_of_the_link_beside_its_text(project_copy, content_yaml):
    import segno

    from posterdeck.pagemodel import Rect, TextBox

    project_copy.replace("layouts/themes/besponsa.yaml", "  colours:\n", "  print_links: qr\n  colours:\n")
    docs = _compose(project_copy.root / "data" / "inovate-salvage", "en-NL")
    url = next(s for s in content_yaml["statements"] if s.get("link"))["link"]
    page = docs["poster"].pages[0]
    modules = [b for b in page.boxes if isinstance(b, Rect) and b.role == "qr"]
    assert modules and all(b.fill == "text" for b in modules), "the code is drawn in the theme's text colour (K)"
    text = " ".join(sp.text for b in page.boxes if isinstance(b, TextBox) for para in b.paragraphs
                    for line in para.lines for sp in line.spans)
    assert url not in text and "https://www.tandfonline" not in text, "no address printed in qr mode"
    assert not [sp for b in page.boxes if isinstance(b, TextBox) for para in b.paragraphs for line in para.lines
                for sp in line.spans if sp.link], "nothing clickable on paper"
    # the SmPC link's code: read the squares back into a grid and compare with segno's matrix
    want = [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]
    m = min(b.h for b in modules)
    groups: dict = {}
    for b in modules:  # codes stand apart: group the squares by their code's corner
        groups.setdefault(min((k for k in groups if abs(k[0] - b.x) < 60 * m and abs(k[1] - b.y) < 60 * m),
                              default=(b.x, b.y)), []).append(b)
    grids = []
    for squares in groups.values():
        x0, y0 = min(b.x for b in squares), min(b.y for b in squares)
        size = round((max(b.y + b.h for b in squares) - y0) / m)
        grid = [[False] * size for _ in range(size)]
        for b in squares:
            r, c = round((b.y - y0) / m), round((b.x - x0) / m)
            for k in range(round(b.w / m)):
                grid[r][c + k] = True
        grids.append(grid)
    assert want in grids, "the code on the poster is the SmPC address's code"
