"""Print-shop export: the poster PDF is print-ready (bleed, crop marks, page boxes, CMYK, PDF/X) and
a preflight command proves it.

The demo poster (en-NL, conftest's demo_build) is read back with pikepdf, qpdf, poppler and
Ghostscript. Broken PDFs are made here, one fault each, by editing a copy of the good poster with
pikepdf (so that exactly one rule fails) or from scratch with reportlab.
"""
from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from conftest import DECK, LAYOUTS_DIR, TARGET, read_yaml, require_tool, run_cli

MM = 72 / 25.4
A0 = (841 * MM, 1189 * MM)
LAYOUT = "layouts/poster-a0-portrait.yaml"


@pytest.fixture(scope="module")
def poster(demo_build):
    return demo_build.poster


@pytest.fixture(scope="module")
def poster_bytes(poster) -> bytes:
    return poster.read_bytes()


@pytest.fixture(scope="module")
def screen(demo_build):
    path = demo_build.folder / "poster-screen.pdf"
    assert path.is_file(), "the build writes poster-screen.pdf beside poster.pdf"
    return path


@pytest.fixture(scope="module")
def theme():
    return read_yaml(LAYOUTS_DIR / "themes" / "besponsa.yaml")["theme"]


def box(page, name):
    value = page.obj.get(name)
    return [float(v) for v in value] if value is not None else None


def inside(inner, outer, tol=0.01) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol and inner[2] <= outer[2] + tol
            and inner[3] <= outer[3] + tol)


def streams(pdf):
    """(label, owner, resources) of every page, form XObject (nested) and tiling pattern."""
    seen: set = set()

    def nested(res, label):
        if res is None:
            return
        for name, xo in res.get("/XObject", Dictionary()).items():
            if xo.get("/Subtype") == "/Form" and xo.objgen not in seen:
                seen.add(xo.objgen)
                yield f"{label} form {name}", xo, xo.get("/Resources", res)
                yield from nested(xo.get("/Resources"), f"{label} form {name}")
        for name, pat in res.get("/Pattern", Dictionary()).items():
            if int(pat.get("/PatternType", 0)) == 1 and pat.objgen not in seen:
                seen.add(pat.objgen)
                yield f"{label} pattern {name}", pat, pat.get("/Resources", res)
                yield from nested(pat.get("/Resources"), f"{label} pattern {name}")

    for n, page in enumerate(pdf.pages, 1):
        res = page.obj.get("/Resources", Dictionary())
        yield f"page {n}", page, res
        yield from nested(res, f"page {n}")


def operators(owner):
    return [(list(i.operands), str(i.operator)) for i in pikepdf.parse_content_stream(owner)
            if not isinstance(i, pikepdf.ContentStreamInlineImage)]


# --------------------------------------------------------------------------------------------
# the demo poster passes every check
# --------------------------------------------------------------------------------------------

def test_demo_poster_passes_posterdeck_preflight(poster):
    res = run_cli("preflight", str(poster))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "PASS" in res.stdout and "0 error(s)" in res.stdout


def test_demo_poster_passes_preflight_in_process(poster_bytes):
    from posterdeck.finish.preflight import preflight

    report = preflight(poster_bytes)
    assert report.findings == [], [str(f) for f in report.findings]


def test_qpdf_check(poster):
    exe = require_tool("qpdf")
    res = subprocess.run([exe, "--check", str(poster)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "No syntax or stream encoding errors" in res.stdout


def test_pdffonts_every_font_embedded(poster):
    exe = require_tool("pdffonts")
    res = subprocess.run([exe, str(poster)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    rows = res.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split()[-5] == "yes", f"not embedded: {row}"


def test_ghostscript_renders_the_bleed_box(poster, tmp_path):
    exe = require_tool("gs")
    png = tmp_path / "poster.png"
    res = subprocess.run([exe, "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=png16m", "-r10", "-dUseBleedBox",
                          f"-sOutputFile={png}", str(poster)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Error" not in res.stdout + res.stderr, res.stdout + res.stderr
    from PIL import Image

    with pikepdf.open(poster) as pdf:
        bleed = box(pdf.pages[0], "/BleedBox")
    with Image.open(png) as im:
        w, h = im.size
    # 10 dpi of the bleed box (trim + 2 x 3 mm), not of the media box with its crop-mark slug
    assert abs(w - (bleed[2] - bleed[0]) / 72 * 10) <= 1.5 and abs(h - (bleed[3] - bleed[1]) / 72 * 10) <= 1.5


def test_page_boxes_trim_a0_bleed_3mm_nested_in_media(poster):
    with pikepdf.open(poster) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        media, trim, bleed = box(page, "/MediaBox"), box(page, "/TrimBox"), box(page, "/BleedBox")
        assert trim and bleed and media
        assert trim[2] - trim[0] == pytest.approx(A0[0], abs=0.5)
        assert trim[3] - trim[1] == pytest.approx(A0[1], abs=0.5)
        b = 3 * MM
        assert bleed == pytest.approx([trim[0] - b, trim[1] - b, trim[2] + b, trim[3] + b], abs=0.05)
        assert inside(trim, bleed) and inside(bleed, media) and inside(trim, media)
        # room for the crop marks outside the bleed
        assert bleed[0] - media[0] > 0 and media[2] - bleed[2] > 0
        if "/CropBox" in page.obj:
            assert inside(bleed, box(page, "/CropBox"))


def test_pdf_x1a_version_and_info_keys(poster, poster_bytes):
    assert poster_bytes.startswith(b"%PDF-1.3")
    with pikepdf.open(poster) as pdf:
        assert pdf.pdf_version == "1.3"
        info = pdf.docinfo
        assert str(info["/GTS_PDFXVersion"]) == "PDF/X-1:2001"
        assert str(info["/GTS_PDFXConformance"]) == "PDF/X-1a:2001"
        assert isinstance(info["/Trapped"], Name) and str(info["/Trapped"]) == "/False"
        assert str(info.get("/Title", "")).strip()
        assert "/CreationDate" in info and "/ModDate" in info
        assert "/ID" in pdf.trailer


def test_one_pdfx_output_intent_fogra39(poster):
    with pikepdf.open(poster) as pdf:
        intents = list(pdf.Root.get("/OutputIntents", Array()))
        assert len(intents) == 1
        intent = intents[0]
        assert intent.get("/S") == Name("/GTS_PDFX")
        assert str(intent.get("/OutputConditionIdentifier")) == "FOGRA39"


def test_no_annotations_or_actions_on_the_print_page(poster):
    with pikepdf.open(poster) as pdf:
        assert "/Annots" not in pdf.pages[0].obj or len(pdf.pages[0].obj.Annots) == 0
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root


def test_no_rgb_in_any_content_stream(poster):
    with pikepdf.open(poster) as pdf:
        checked = 0
        for label, owner, res in streams(pdf):
            ops = operators(owner)
            checked += 1
            bad = [(a, op) for a, op in ops if op in ("rg", "RG")]
            assert not bad, f"{label}: RGB operators {bad[:3]}"
            spaces = [str(a[0]) for a, op in ops if op in ("cs", "CS")]
            assert "/DeviceRGB" not in spaces, label
            for name, space in res.get("/ColorSpace", Dictionary()).items():
                assert "/DeviceRGB" not in str(space) and "/CalRGB" not in str(space), (label, name)
        assert checked > 1, "the charts are forms, checked too"


def test_theme_primary_is_painted_with_its_exact_cmyk(poster, theme):
    primary = [v / 100 for v in theme["colours"]["primary"]["cmyk"]]
    with pikepdf.open(poster) as pdf:
        page_k = [[float(v) for v in a] for a, op in operators(pdf.pages[0]) if op == "k"]
        assert any(k == pytest.approx(primary, abs=1e-6) for k in page_k), f"no {primary} k in {page_k[:10]}"
        # the charts' bars use the same brand colour, exactly (matplotlib's RGB rewritten, no drift)
        form_k = [[float(v) for v in a] for label, owner, _ in streams(pdf) if "form" in label
                  for a, op in operators(owner) if op in ("k", "K")]
        assert any(k == pytest.approx(primary, abs=1e-6) for k in form_k)


def test_every_colour_in_the_print_poster_is_a_theme_colour_or_k_only(poster, theme):
    theme_cmyk = [[v / 100 for v in c["cmyk"]] for c in theme["colours"].values()]
    with pikepdf.open(poster) as pdf:
        painted = [([float(v) for v in a], label) for label, owner, _ in streams(pdf)
                   for a, op in operators(owner) if op in ("k", "K")]
    assert painted
    stray = {tuple(k): label for k, label in painted
             if not (any(k == pytest.approx(t, abs=1e-6) for t in theme_cmyk) or k[:3] == [0, 0, 0])}
    assert not stray, stray


def test_crop_marks_are_in_registration_colour_outside_the_bleed(poster):
    with pikepdf.open(poster) as pdf:
        page = pdf.pages[0]
        spaces = page.obj.Resources.get("/ColorSpace", Dictionary())
        registration = [name for name, cs in spaces.items()
                        if isinstance(cs, Array) and cs[0] == Name("/Separation") and cs[1] == Name("/All")]
        assert registration, f"no Separation /All colour space in {list(spaces.keys())}"
        bleed = box(page, "/BleedBox")
        trim = box(page, "/TrimBox")
        ctm, stack, in_marks, segments, start = (1, 0, 0, 1, 0, 0), [], False, [], None
        for a, op in operators(page):
            if op == "q":
                stack.append((ctm, in_marks))
            elif op == "Q":
                ctm, in_marks = stack.pop()
            elif op == "cm":
                m = [float(v) for v in a]
                ctm = (m[0] * ctm[0] + m[1] * ctm[2], m[0] * ctm[1] + m[1] * ctm[3],
                       m[2] * ctm[0] + m[3] * ctm[2], m[2] * ctm[1] + m[3] * ctm[3],
                       m[4] * ctm[0] + m[5] * ctm[2] + ctm[4], m[4] * ctm[1] + m[5] * ctm[3] + ctm[5])
            elif op == "CS":
                in_marks = str(a[0]) in registration
            elif op in ("K", "RG", "G"):
                in_marks = False
            elif op in ("m", "l") and in_marks:
                x, y = float(a[0]), float(a[1])
                point = (ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5])
                if op == "m":
                    start = point
                else:
                    segments.append((start, point))
        assert len(segments) == 8, f"want 8 crop-mark lines (2 per corner), got {len(segments)}"
        for (x0, y0), (x1, y1) in segments:
            for x, y in ((x0, y0), (x1, y1)):
                outside = x < bleed[0] or x > bleed[2] or y < bleed[1] or y > bleed[3]
                assert outside, f"crop mark point {(x, y)} inside the bleed box {bleed}"
            # each mark is in line with a trim edge
            assert any(abs(v - e) < 0.01 for v in (x0, y0) for e in trim), ((x0, y0), (x1, y1))


def test_no_transparency_in_any_graphics_state(poster):
    with pikepdf.open(poster) as pdf:
        for label, owner, res in streams(pdf):
            for name, gs in res.get("/ExtGState", Dictionary()).items():
                for key in ("/CA", "/ca"):
                    assert key not in gs or float(gs[key]) >= 1, (label, name, key)
                assert "/SMask" not in gs or gs.SMask == Name("/None"), (label, name)
            group = owner.get("/Group") if not isinstance(owner, pikepdf.Page) else owner.obj.get("/Group")
            assert group is None or group.get("/S") != Name("/Transparency"), label


# --------------------------------------------------------------------------------------------
# the screen poster
# --------------------------------------------------------------------------------------------

def test_screen_poster_is_rgb_at_trim_size_with_links(screen):
    with pikepdf.open(screen) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        media = box(page, "/MediaBox")
        assert media[2] - media[0] == pytest.approx(A0[0], abs=0.5)
        assert media[3] - media[1] == pytest.approx(A0[1], abs=0.5)
        for name in ("/TrimBox", "/BleedBox"):
            if name in page.obj:
                assert box(page, name) == pytest.approx(media, abs=0.5), name
        ops = [op for _, owner, _ in streams(pdf) for _, op in operators(owner)]
        assert "rg" in ops and "k" not in ops and "K" not in ops
        links = [a for a in page.obj.get("/Annots", Array()) if a.get("/Subtype") == Name("/Link")]
        uris = [str(a.A.URI) for a in links if "/A" in a and "/URI" in a.A]
        assert uris and all(u.startswith("http") for u in uris)
        assert "/GTS_PDFXVersion" not in pdf.docinfo


# --------------------------------------------------------------------------------------------
# broken PDFs: each fails preflight with the right rule
# --------------------------------------------------------------------------------------------

def _edit(good: bytes, change) -> bytes:
    pdf = pikepdf.open(io.BytesIO(good))
    change(pdf, pdf.pages[0])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _prepend(pdf, page, content: bytes):
    page.contents_add(pdf.make_stream(content), prepend=True)


def _image(pdf, page, px: int, pt: float):
    from PIL import Image

    data = Image.new("RGB", (px, px), (90, 42, 130)).convert("CMYK").tobytes()
    image = pdf.make_stream(data, Type=Name.XObject, Subtype=Name.Image, Width=px, Height=px,
                            ColorSpace=Name.DeviceCMYK, BitsPerComponent=8)
    page.obj.Resources.XObject[Name("/ImTest")] = image
    _prepend(pdf, page, f"q {pt} 0 0 {pt} 200 200 cm /ImTest Do Q".encode())


def rgb_operator(pdf, page):
    _prepend(pdf, page, b"q 1 0 0 rg 100 100 50 50 re f Q")


def unembedded_font(pdf, page):
    page.obj.Resources.Font[Name("/FHelv")] = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding))
    _prepend(pdf, page, b"q 0 0 0 1 k BT /FHelv 12 Tf 100 100 Td (Hello) Tj ET Q")


def no_trim_box(pdf, page):
    del page.obj["/TrimBox"]


def image_72_ppi(pdf, page):
    _image(pdf, page, 100, 100)  # 100 px over 100 pt = 72 ppi


def image_200_ppi(pdf, page):
    _image(pdf, page, 100, 36)  # 100 px over 0.5 in = 200 ppi


def half_transparent(pdf, page):
    page.obj.Resources.ExtGState[Name("/GSHalf")] = Dictionary(Type=Name.ExtGState, ca=0.5)
    _prepend(pdf, page, b"q /GSHalf gs 0 0 0 1 k 100 100 50 50 re f Q")


def trim_outside_bleed(pdf, page):
    bleed = box(page, "/BleedBox")
    page.obj.TrimBox = Array([bleed[0] - 5, bleed[1] + 20, bleed[2] - 20, bleed[3] - 20])


def javascript_open_action(pdf, page):
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('hi');")))


def javascript_names(pdf, page):
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('hi');")))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([pikepdf.String("hello"), js])))


def total_ink_380(pdf, page):
    _prepend(pdf, page, b"q 0.95 0.95 0.95 0.95 k 100 100 50 50 re f Q")


def annotation_in_bleed(pdf, page):
    trim = box(page, "/TrimBox")
    note = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Square,
                                        Rect=Array([trim[0] + 100, trim[1] + 100, trim[0] + 200, trim[1] + 200])))
    page.obj.Annots = pdf.make_indirect(Array([note]))


BROKEN = {
    # name: (change, rule expected, every error rule allowed, object named)
    "rg-operator": (rgb_operator, "colour", {"colour"}, "page content"),
    "unembedded-font": (unembedded_font, "fonts", {"fonts"}, "Helvetica"),
    "no-trimbox": (no_trim_box, "boxes", {"boxes"}, "page"),
    "72-ppi-image": (image_72_ppi, "resolution", {"resolution"}, "/ImTest"),
    "ca-0.5": (half_transparent, "transparency", {"transparency"}, "/GSHalf"),
    "trim-outside-bleed": (trim_outside_bleed, "boxes", {"boxes", "bleed"}, "page"),
    "javascript-openaction": (javascript_open_action, "actions", {"actions"}, "Catalog"),
    "javascript-names": (javascript_names, "actions", {"actions"}, "Names"),
    "total-ink-380": (total_ink_380, "total-ink", {"total-ink"}, "page content"),
    "annotation-in-bleed": (annotation_in_bleed, "annotations", {"annotations"}, "annotation"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_pdf_fails_preflight_with_the_right_rule(poster_bytes, case):
    from posterdeck.finish.preflight import preflight

    change, rule, allowed, obj = BROKEN[case]
    report = preflight(_edit(poster_bytes, change))
    rules = {f.rule for f in report.errors}
    assert rule in rules, [str(f) for f in report.findings]
    assert rules <= allowed, f"{case}: unrelated errors {[str(f) for f in report.errors if f.rule not in allowed]}"
    hits = [f for f in report.errors if f.rule == rule]
    assert any(obj in f.obj for f in hits), [str(f) for f in hits]
    page_rules = {"colour", "fonts", "boxes", "resolution", "transparency", "total-ink", "annotations"}
    if rule in page_rules:
        assert all(f.page == 1 for f in hits), [str(f) for f in hits]


def test_total_ink_380_is_reported_as_380_percent(poster_bytes):
    from posterdeck.finish.preflight import preflight

    report = preflight(_edit(poster_bytes, total_ink_380))
    assert any("380%" in f.message for f in report.errors if f.rule == "total-ink"), [str(f) for f in report.errors]


def test_trim_outside_bleed_names_the_nesting(poster_bytes):
    from posterdeck.finish.preflight import preflight

    report = preflight(_edit(poster_bytes, trim_outside_bleed))
    assert any(f.rule == "boxes" and "TrimBox" in f.message and "BleedBox" in f.message for f in report.errors)


def test_200_ppi_image_is_only_a_warning(poster_bytes):
    from posterdeck.finish.preflight import preflight

    report = preflight(_edit(poster_bytes, image_200_ppi))
    assert report.errors == [], [str(f) for f in report.errors]
    assert [f.rule for f in report.warnings] == ["resolution"], [str(f) for f in report.warnings]
    assert "200 ppi" in report.warnings[0].message


def test_300_ppi_image_passes(poster_bytes):
    from posterdeck.finish.preflight import preflight

    report = preflight(_edit(poster_bytes, lambda pdf, page: _image(pdf, page, 150, 36)))
    assert report.findings == [], [str(f) for f in report.findings]


def test_reportlab_helvetica_text_is_an_unembedded_font():
    """A PDF made elsewhere (reportlab's standard-14 Helvetica, never embedded) fails the fonts rule."""
    from reportlab.pdfgen import canvas

    from posterdeck.finish.preflight import preflight

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(200, 200))
    c.setFont("Helvetica", 12)
    c.drawString(20, 100, "Hello")
    c.save()
    report = preflight(buf.getvalue())
    fonts = [f for f in report.errors if f.rule == "fonts"]
    assert fonts and "Helvetica" in fonts[0].obj and fonts[0].page == 1, [str(f) for f in report.errors]


def test_preflight_cli_on_a_bad_pdf_exits_1_naming_page_object_and_rule(poster_bytes, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_edit(poster_bytes, rgb_operator))
    res = run_cli("preflight", str(bad))
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    lines = [ln for ln in res.stdout.splitlines() if "[colour]" in ln]
    assert lines, res.stdout
    assert re.search(r"page 1: page content: \[colour\] RGB colour operator 'rg'", lines[0]), lines[0]
    assert "FAIL" in res.stdout


# --------------------------------------------------------------------------------------------
# the build refuses to write a poster that fails preflight; layouts keep the safe margin
# --------------------------------------------------------------------------------------------

def test_build_fails_and_writes_nothing_when_preflight_fails(project_copy, theme):
    project_copy.replace(LAYOUT, "total_ink: 300", "total_ink: 150")
    darkest = max(sum(c["cmyk"]) for c in theme["colours"].values())
    assert darkest > 150, "the theme has a colour above the lowered limit"
    res = project_copy.cli("build", f"data/{DECK}", "--target", TARGET, "--out", str(project_copy.out), "-q")
    stderr = res.stderr
    assert res.returncode == 1, (res.returncode, stderr)
    assert "Traceback" not in stderr + res.stdout
    assert "preflight" in stderr and "total ink" in stderr, stderr
    assert f"{darkest:.0f}%" in stderr and "150%" in stderr, stderr
    assert project_copy.written() == [], project_copy.written()
    assert not (project_copy.out / DECK / TARGET / "poster.pdf").exists()


def _margin_error(project_copy):
    from posterdeck.errors import ErrorList, InputError, PosterdeckError
    from posterdeck.loading.deck import load_deck

    with pytest.raises(PosterdeckError) as info:
        load_deck(project_copy.deck)
    errors = info.value.errors if isinstance(info.value, ErrorList) else [info.value]
    margin = [e for e in errors if "safe margin" in e.message]
    assert len(margin) == 1, [str(e) for e in errors]
    assert isinstance(margin[0], InputError)
    return margin[0]


def test_margins_below_the_safe_margin_are_an_input_error_naming_the_layout(project_copy):
    project_copy.replace(LAYOUT, "left: 22mm}", "left: 4mm}")
    error = _margin_error(project_copy)
    assert error.location.file.endswith("poster-a0-portrait.yaml"), str(error)
    assert error.location.line > 0, str(error)
    assert re.search(r"poster-a0-portrait\.yaml:\d+: ", str(error)), str(error)
    assert "5.0 mm" in error.message


def test_safe_margin_error_points_at_the_margins_line(project_copy):
    line = project_copy.replace(LAYOUT, "left: 22mm}", "left: 4mm}")
    assert _margin_error(project_copy).location.line == line


def test_safe_margin_error_gives_a_hint(project_copy):
    project_copy.replace(LAYOUT, "left: 22mm}", "left: 4mm}")
    assert _margin_error(project_copy).hint


def test_margins_at_the_safe_margin_are_accepted(project_copy):
    from posterdeck.loading.deck import load_deck

    project_copy.replace(LAYOUT, "left: 22mm}", "left: 5mm}")
    model = load_deck(project_copy.deck)
    assert model.layouts["poster"].page.margins.left == pytest.approx(5 * MM)
