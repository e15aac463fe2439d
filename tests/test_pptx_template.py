"""deck.pptx on a real master: posterdeck's own 16:9 master and layouts from the theme, or a
company template (tests/fixtures/pptx/make_template.py: other geometry, fonts and colours).
Read back with python-pptx and checked against the ISO/IEC 29500 schemas."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from conftest import ooxml_validator, DECK, ROOT, TARGET, error_lines, norm, require_tool

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "pptx"))
import make_template  # noqa: E402

AURORA = ROOT / "data" / "aurora-fictional"
A = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
EMU_PT = 12700
TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_template.make(tmp_path_factory.mktemp("tpl") / "brand.pptx")


@pytest.fixture(scope="module")
def on_template(template, tmp_path_factory):
    """The aurora demo built on the fixture template (build --pptx-template)."""
    from posterdeck import api

    out = tmp_path_factory.mktemp("on-template")
    results = api.build(AURORA, out=out, pptx_template=template)
    return out / "aurora-fictional" / results[0].target, results[0]


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """The aurora demo on posterdeck's own master."""
    from posterdeck import api

    out = tmp_path_factory.mktemp("own")
    results = api.build(AURORA, out=out)
    return out / "aurora-fictional" / results[0].target


def theme_part(prs) -> etree._Element:
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    return etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)


def validate(path: Path) -> list[str]:
    """Parts the schema check finds invalid (every part, charts and workbooks included)."""
    run = subprocess.run([sys.executable, str(ooxml_validator()), str(path)], capture_output=True, text=True)
    return [ln for ln in run.stdout.splitlines() if "line " in ln or "INVALID" in ln]


def title_of(slide):
    return next((s for s in slide.placeholders if s.placeholder_format.type in TITLES), None)


def rect(shape) -> tuple[float, float, float, float]:
    return shape.left / EMU_PT, shape.top / EMU_PT, shape.width / EMU_PT, shape.height / EMU_PT


def inside(inner, outer, slack: float = 0.6) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return x >= ox - slack and y >= oy - slack and x + w <= ox + ow + slack and y + h <= oy + oh + slack


# --- posterdeck's own master ------------------------------------------------------------------

def test_own_master_is_16_9_in_exact_emu_without_a_4_3_type(own):
    prs = Presentation(own / "deck.pptx")
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    xml = zipfile.ZipFile(own / "deck.pptx").read("ppt/presentation.xml").decode()
    assert "screen4x3" not in xml


def test_own_masters_footer_placeholders_stand_where_compose_put_them(own):
    """compose's own master decides the date / footer / number areas; the painter only uses them."""
    from posterdeck.compose.slides import own_master
    from posterdeck.loading.deck import load_deck

    frame = own_master(load_deck(AURORA).layouts["deck"]).frames["section"]
    assert frame.date.x < frame.footer.x < frame.number.x and frame.date.w == frame.footer.w == frame.number.w
    prs = Presentation(own / "deck.pptx")
    placed = {ph.placeholder_format.type: ph for ph in prs.slide_master.placeholders}
    from pptx.enum.shapes import PP_PLACEHOLDER as P

    for kind, area in ((P.DATE, frame.date), (P.FOOTER, frame.footer), (P.SLIDE_NUMBER, frame.number)):
        ph = placed[kind]
        assert (ph.left, ph.top, ph.width, ph.height) == tuple(round(v * 12700) for v in (area.x, area.y, area.w, area.h))


def test_app_xml_counts_and_names_the_slides(own):
    prs = Presentation(own / "deck.pptx")
    app = etree.fromstring(zipfile.ZipFile(own / "deck.pptx").read("docProps/app.xml"))
    ns = {"e": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
          "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"}
    assert int(app.find("e:Slides", ns).text) == len(prs.slides) == 8
    assert app.find("e:PresentationFormat", ns).text == "Widescreen"
    titles = [t.text for t in app.findall("e:TitlesOfParts/vt:vector/vt:lpstr", ns)][1:]
    assert titles == [title_of(s).text_frame.text for s in prs.slides]
    names = zipfile.ZipFile(own / "deck.pptx").namelist()
    assert not any("thumbnail" in n for n in names)  # the stock blank 4:3 picture is left out


def test_own_theme_holds_the_theme_colours_and_font(own):
    from posterdeck.loading.deck import load_deck

    theme = load_deck(AURORA).theme
    root = theme_part(Presentation(own / "deck.pptx"))
    slot = lambda name: root.find(f".//a:clrScheme/a:{name}/a:srgbClr", A).get("val")  # noqa: E731
    assert slot("dk1") == theme.colours["text"].rgb.lstrip("#").upper()
    assert slot("lt1") == theme.colours["background"].rgb.lstrip("#").upper()
    assert slot("accent1") == theme.colours["primary"].rgb.lstrip("#").upper()
    assert slot("hlink") == theme.colours["link"].rgb.lstrip("#").upper()
    assert root.find(".//a:minorFont/a:latin", A).get("typeface") == theme.font.name
    assert root.find(".//a:majorFont/a:latin", A).get("typeface") == theme.font.name


def test_own_text_refers_to_theme_colours_and_fonts(own):
    prs = Presentation(own / "deck.pptx")
    xml = "".join(etree.tostring(s._element).decode() for s in prs.slides)
    assert 'schemeClr val="tx1"' in xml and 'schemeClr val="accent1"' in xml
    assert 'typeface="+mn-lt"' in xml and 'typeface="+mj-lt"' in xml


@pytest.mark.parametrize("deck", ["own", "on_template"])
def test_decks_validate_against_the_schemas(deck, request):
    folder = request.getfixturevalue(deck)
    folder = folder[0] if isinstance(folder, tuple) else folder
    assert validate(folder / "deck.pptx") == []


def test_demo_deck_validates(demo_build):
    assert validate(demo_build.deck_pptx) == []


@pytest.mark.parametrize("deck", ["own", "on_template", "demo"])
def test_every_slide_has_its_title_in_a_title_placeholder_first(deck, request, demo_build):
    if deck == "demo":
        path = demo_build.deck_pptx
    else:
        folder = request.getfixturevalue(deck)
        path = (folder[0] if isinstance(folder, tuple) else folder) / "deck.pptx"
    for i, slide in enumerate(Presentation(path).slides, 1):
        title = title_of(slide)
        assert title is not None and title.text_frame.text.strip(), f"slide {i}: no title placeholder with text"
        assert slide.shapes.title.shape_id == title.shape_id
        # reading order: decoration (bands, rules: no text), then the title, the content, the footer last
        texts = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()]
        assert texts[0].shape_id == title.shape_id, f"slide {i}: the title is not read first"
        footer = [s for s in texts if s.name == "footer"]
        assert footer and texts.index(footer[0]) >= len(texts) - 2, f"slide {i}: the footer is not read last"


def test_section_notes_come_after_the_content_and_before_the_footer(demo_build):
    for slide in Presentation(demo_build.deck_pptx).slides:
        names = [s.name for s in slide.shapes]
        if "note" in names:
            assert names.index("note") < names.index("footer")
            assert all(names.index(n) < names.index("note") for n in names if n.startswith("callout:"))


# --- speaker notes ----------------------------------------------------------------------------

def test_demo_speaker_notes_are_on_the_notes_pages_with_values_filled(own):
    """aurora's overview and OS section carry speaker_notes: the value comes from the study."""
    from posterdeck.loading.deck import load_deck

    study = load_deck(AURORA).study
    prs = Presentation(own / "deck.pptx")
    notes = {i: s.notes_slide.notes_text_frame.text for i, s in enumerate(prs.slides) if s.has_notes_slide}
    assert set(notes) == {0, 2}
    assert notes[0].startswith("Open by saying")
    hr = study.model_dump()["results"]["os_hr"]["overall"]["value"]
    assert f"The hazard ratio is {hr:.2f}:" in notes[2]
    assert "{{" not in notes[2]


def test_speaker_notes_go_to_the_notes_page_translated(project_copy):
    """speaker_notes: of a section and of the overview land on the notes pages, translated through
    the catalogue like any text, with placeholders filled; slides without them have none."""
    from posterdeck import api

    content = "data/inovate-salvage/content.yaml"
    text = project_copy.path(content).read_text(encoding="utf-8")
    first = re.search(r"^  - id: rationale\n", text, re.M)
    project_copy.path(content).write_text(
        text[:first.end()] + "    speaker_notes: [\"Say the enrolment slowly.\"]\n" + text[first.end():],
        encoding="utf-8")
    api.build(project_copy.deck, targets=[TARGET], out=project_copy.out)
    prs = Presentation(project_copy.out / DECK / TARGET / "deck.pptx")
    with_notes = [i for i, s in enumerate(prs.slides) if s.has_notes_slide and s.notes_slide.notes_text_frame.text]
    assert with_notes == [1]
    assert prs.slides[1].notes_slide.notes_text_frame.text == "Say the enrolment slowly."
    # not printed on the slide
    assert "Say the enrolment" not in "".join(s.text_frame.text for s in prs.slides[1].shapes if s.has_text_frame)
    app = zipfile.ZipFile(project_copy.out / DECK / TARGET / "deck.pptx").read("docProps/app.xml").decode()
    assert "<Notes>1</Notes>" in app


def test_speaker_notes_are_extracted_for_translation(project_copy):
    from posterdeck.i18n import extract

    content = "data/inovate-salvage/content.yaml"
    text = project_copy.path(content).read_text(encoding="utf-8")
    first = re.search(r"^  - id: rationale\n", text, re.M)
    project_copy.path(content).write_text(
        text[:first.end()] + "    speaker_notes: [\"Pause for questions here.\"]\n" + text[first.end():],
        encoding="utf-8")
    extract(project_copy.deck, ["de"])
    po = (project_copy.deck / "i18n" / "de.po").read_text(encoding="utf-8")
    assert 'msgid "Pause for questions here."' in po


# --- a company template ----------------------------------------------------------------------

def test_template_theme_fonts_and_colours_are_the_decks(on_template):
    root = theme_part(Presentation(on_template[0] / "deck.pptx"))
    for slot, rgb in make_template.COLOURS.items():
        assert root.find(f".//a:clrScheme/a:{slot}/a:srgbClr", A).get("val") == rgb
    assert root.find(".//a:majorFont/a:latin", A).get("typeface") == make_template.FONTS["majorFont"]
    assert root.find(".//a:minorFont/a:latin", A).get("typeface") == make_template.FONTS["minorFont"]
    # the runs refer to the template's theme rather than carrying posterdeck's own values
    xml = "".join(etree.tostring(s._element).decode() for s in Presentation(on_template[0] / "deck.pptx").slides)
    assert 'schemeClr val="tx1"' in xml and "DejaVu" not in xml


def test_template_slide_size_masters_and_brand_are_kept_and_its_sample_slide_dropped(on_template, template):
    prs = Presentation(on_template[0] / "deck.pptx")
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    names = [s.name for s in prs.slide_master.shapes]
    assert "Brand strip" in names
    text = " ".join(s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame)
    assert "SAMPLE SLIDE" not in text
    with zipfile.ZipFile(on_template[0] / "deck.pptx") as z:
        assert not any(b"SAMPLE SLIDE" in z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert len(prs.slides) == 8


def test_template_warns_that_its_font_is_not_the_measured_one(on_template):
    assert any("Liberation Sans" in w and "DejaVu Sans" in w for w in on_template[1].warnings)


def test_titles_and_bodies_stay_in_the_template_placeholders(on_template):
    prs = Presentation(on_template[0] / "deck.pptx")
    pt = lambda v: v * 72  # noqa: E731 - inches to points
    title_box = tuple(pt(v) for v in make_template.TITLE)
    body_box = tuple(pt(v) for v in make_template.BODY)
    for i, slide in enumerate(prs.slides, 1):
        assert slide.slide_layout.name == "Title and Content"
        title = title_of(slide)
        assert inside(rect(title), title_box), f"slide {i}: title {rect(title)} outside {title_box}"
        for shape in slide.shapes:
            if shape.shape_id == title.shape_id or shape.is_placeholder:
                continue
            assert inside(rect(shape), body_box), f"slide {i}: {shape.name} {rect(shape)} outside {body_box}"
        number = [s for s in slide.placeholders if s.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER]
        assert number and inside(rect(number[0]), tuple(pt(v) for v in make_template.NUMBER))
        assert f'type="slidenum"' in etree.tostring(number[0]._element).decode()
        assert number[0].text_frame.text == str(i)


def test_the_pdf_deck_uses_the_template_geometry(on_template):
    """deck.pdf draws the title where the PPTX's title placeholder stands (pdftotext boxes)."""
    require_tool("pdftotext")
    prs = Presentation(on_template[0] / "deck.pptx")
    html = subprocess.run(["pdftotext", "-bbox", str(on_template[0] / "deck.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = html.split("<page ")[1:]
    assert len(pages) == len(prs.slides)
    body_top = make_template.BODY[1] * 72
    for page, slide in zip(pages, prs.slides):
        title = title_of(slide)
        first = norm(title.text_frame.text).split()[0]
        words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
        x, y0, y1, _ = next(w for w in words if w[3] == first)
        tx, ty, tw, th = rect(title)
        assert abs(float(x) - tx) < 1.5 and ty <= (float(y0) + float(y1)) / 2 <= ty + th
        # nothing else of the slide above the body placeholder, apart from the title and the number
        rest = [w for w in words if float(w[1]) < body_top - 1 and w[3] not in norm(title.text_frame.text).split()]
        assert all(w[3].isdigit() for w in rest), rest


def test_the_theme_names_the_template_and_maps_layouts(project_copy, template):
    """pptx_template: in the theme (relative to it) and pptx_layouts: a kind of slide on the layout named."""
    from posterdeck import api

    target = project_copy.path("layouts/templates")
    target.mkdir()
    make_template.make(target / "brand.potx")
    _as_potx(target / "brand.potx")
    with open(project_copy.path("layouts/themes/besponsa.yaml"), "a", encoding="utf-8") as f:
        f.write("  pptx_template: ../templates/brand.potx\n  pptx_layouts: {references: Two Content}\n")
    api.build(project_copy.deck, targets=[TARGET], out=project_copy.out)
    prs = Presentation(project_copy.out / DECK / TARGET / "deck.pptx")
    assert [s.slide_layout.name for s in prs.slides][-1] == "Two Content"
    assert {s.slide_layout.name for s in list(prs.slides)[:-1]} == {"Title and Content"}
    assert theme_part(prs).find(".//a:minorFont/a:latin", A).get("typeface") == make_template.FONTS["minorFont"]


def _as_potx(path: Path) -> None:
    data = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(b"presentationml.presentation.main+xml", b"presentationml.template.main+xml")
            dst.writestr(info, blob)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize("kind, expected", [
    ("no-title", r"brand\.pptx: layout 'Title and Content' has no title placeholder"),
    ("small-body", r"brand\.pptx: layout 'Title and Content': body placeholder 'Content Placeholder 2' is 51 x 25 mm, "
                   r"too small"),
    ("no-layout", r"brand\.pptx: no slide layout 'Nothing Like It' \(pptx_layouts\.section\)"),
])
def test_an_unusable_template_is_a_clear_error(kind, expected, project_copy, tmp_path):
    path = tmp_path / "brand.pptx"
    if kind == "no-title":
        make_template.make(path, title=False)
    elif kind == "small-body":
        make_template.make(path, body=(1, 1.5, 2, 1))
    else:
        make_template.make(path)
        with open(project_copy.path("layouts/themes/besponsa.yaml"), "a", encoding="utf-8") as f:
            f.write("  pptx_layouts: {section: Nothing Like It}\n")
    run = project_copy.cli("build", "data/" + DECK, "--out", str(project_copy.out), "--pptx-template", str(path))
    assert run.returncode != 0
    errors = error_lines(run.stderr)
    assert any(re.search(expected, e) for e in errors), run.stderr
    assert "Traceback" not in run.stderr
    assert not project_copy.written()


def test_a_theme_template_outside_the_project_is_an_error_naming_the_theme_line(project_copy, template):
    theme = project_copy.path("layouts/themes/besponsa.yaml")
    lines = theme.read_text(encoding="utf-8").count("\n")
    with open(theme, "a", encoding="utf-8") as f:
        f.write(f"  pptx_template: {template}\n")
    run = project_copy.cli("build", "data/" + DECK, "--out", str(project_copy.out))
    assert run.returncode != 0
    assert any(f"besponsa.yaml:{lines + 1}" in e and "outside the project" in e for e in error_lines(run.stderr)), \
        run.stderr
