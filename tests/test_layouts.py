"""Reusable layouts: every shipped layout builds every example deck; sections flow into the
layout's regions in content order, exactly once, or into the slots deck.yaml maps; a bad slot or
section is an error naming the file and line; a logo stands where the layout says, at its size,
in the PDF and the PPTX; a logo too coarse for print is an error naming the image file.

The fixture deck tests/fixtures/logodeck (fictional) is copied into a throw-away project with the
shipped layouts; its logo is drawn by the test with Pillow.
"""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DATA, LAYOUTS_DIR, SHARED_DIR, require_tool

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "logodeck"
DECKS = sorted(p.parent for p in DATA.glob("*/deck.yaml"))
SHIPPED = sorted(LAYOUTS_DIR.glob("*.yaml"))
MM = 72 / 25.4


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

_MODELS: dict = {}


def _model(folder: Path):
    from posterdeck.loading.deck import load_deck

    if folder not in _MODELS:
        _MODELS[folder] = load_deck(folder)
    return _MODELS[folder]


def _with_layout(model, layout_path: Path, slots: bool = True):
    """The deck's model with ``layout_path`` as its only output (as if deck.yaml named it);
    without ``slots``, the deck's slot mapping is dropped, so that every section flows."""
    from posterdeck.loading.yamlsource import load_yaml
    from posterdeck.schema.layout import LayoutFile

    src = load_yaml(layout_path)
    layout = LayoutFile.model_validate(src.data).layout
    kind = "poster" if layout.kind == "poster" else "deck"
    outputs = model.info.outputs.model_copy(update={"poster": None, "deck": None, kind: layout_path.stem})
    update = {"outputs": outputs} | ({} if slots else {"layout_slots": {}})
    info = model.info.model_copy(update=update)
    sources = dict(model.sources, **{f"layout:{layout_path.stem}": src})
    return dataclasses.replace(model, info=info, layouts={kind: layout}, sources=sources), kind


def _compose(model, kind: str, tag: str | None = None):
    from posterdeck.compose.build import compose
    from posterdeck.resolve.target import make_target

    tag = tag or model.info.targets[0]
    return compose(model, make_target(tag, model.info, model.markets))[kind]


def _panels(page) -> list:
    """The section panels of a poster page: (section id, x, y, w, h) of each panel background."""
    from posterdeck.pagemodel import Rect

    return [(b.role.split(":", 1)[1], b.x, b.y, b.w, b.h) for b in page.boxes
            if isinstance(b, Rect) and b.role.startswith("panel:") and b.role != "panel:references"]


def _columns(page) -> list[list[str]]:
    """The section ids of each poster column, left to right, top to bottom."""
    cols: dict[float, list] = {}
    for sid, x, y, _, _ in _panels(page):
        cols.setdefault(round(x, 1), []).append((y, sid))
    return [[sid for _, sid in sorted(v)] for _, v in sorted(cols.items())]


def _boxes_inside(page) -> None:
    """Nothing but backgrounds (which run into the bleed) stands outside the page; no two
    section panels overlap."""
    from posterdeck.pagemodel import Rect

    for b in page.boxes:
        if not isinstance(b, Rect) or b.role.startswith("panel:"):
            assert b.x >= -0.5 and b.y >= -0.5, (page.name, b)
            assert b.x + b.w <= page.width + 0.5 and b.y + b.h <= page.height + 0.5, (page.name, b)
    panels = _panels(page)
    for i, (a, ax, ay, aw, ah) in enumerate(panels):
        for b, bx, by, bw, bh in panels[i + 1:]:
            overlap = min(ax + aw, bx + bw) - max(ax, bx) > 0.5 and min(ay + ah, by + bh) - max(ay, by) > 0.5
            assert not overlap, f"{page.name}: panels {a} and {b} overlap"


def _project(root: Path, logo_size: tuple[int, int] = (1800, 600), deck_yaml_edit=None) -> Path:
    """A throw-away project: the fixture deck with a logo drawn at ``logo_size`` pixels, the shared
    data and the shipped layouts."""
    from PIL import Image, ImageDraw

    (root / "data").mkdir(parents=True)
    deck = root / "data" / "logodeck"
    shutil.copytree(FIXTURE, deck)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    w, h = logo_size
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.ellipse([w * 0.05, h * 0.1, w * 0.3, h * 0.9], fill=(230, 200, 20, 255))
    draw.rectangle([w * 0.35, h * 0.25, w * 0.95, h * 0.75], fill=(255, 255, 255, 255))
    im.save(deck / "logo.png")
    if deck_yaml_edit is not None:
        path = deck / "deck.yaml"
        path.write_text(deck_yaml_edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return deck


def _line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1, needle
    return text[:text.index(needle)].count("\n") + 1


# --------------------------------------------------------------------------------------------
# every shipped layout builds every example deck
# --------------------------------------------------------------------------------------------

def test_the_shipped_layouts_are_the_five_promised():
    names = {p.stem for p in SHIPPED}
    assert {"poster-a0-portrait", "poster-a0-landscape", "poster-a1-landscape", "slides-16x9", "slides-4x3"} <= names
    from posterdeck.schema.layout import LayoutFile
    import yaml

    sizes = {p.stem: LayoutFile.model_validate(yaml.safe_load(p.read_text())).layout.page for p in SHIPPED}
    assert (round(sizes["poster-a0-landscape"].width / MM), round(sizes["poster-a0-landscape"].height / MM)) == (1189, 841)
    assert (round(sizes["slides-4x3"].width / 72, 2), round(sizes["slides-4x3"].height / 72, 2)) == (10, 7.5)


@pytest.mark.parametrize("layout_path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_layout_builds_every_example_deck(layout_path):
    """Each deck under data/ (its first target) on this layout: every section shown once; on a
    poster, with the deck's own slots dropped, the sections flow in content order."""
    assert DECKS, "no example decks under data/"
    for folder in DECKS:
        model, kind = _with_layout(_model(folder), layout_path, slots=False)
        doc = _compose(model, kind)
        ids = [s.id for s in model.content.sections]
        if kind == "poster":
            assert len(doc.pages) == 1
            page = doc.pages[0]
            placed = [sid for col in _columns(page) for sid in col]
            assert sorted(placed) == sorted(ids), f"{folder.name} on {layout_path.stem}: {placed}"
            assert placed == ids, f"{folder.name} on {layout_path.stem}: not in content order: {_columns(page)}"
            assert len(_columns(page)) > 1
            _boxes_inside(page)
        else:
            assert len(doc.pages) == len(ids) + 2  # overview, one slide per section, references
            for page, sid in zip(doc.pages[1:], ids):
                assert f"({sid})" in page.name
            for page in doc.pages:
                _boxes_inside(page)


@pytest.mark.parametrize("folder", DECKS, ids=lambda p: p.name)
def test_each_example_deck_builds_its_own_outputs_read_back(folder, tmp_path):
    """A full build of each deck's first target on its own layouts; the poster's text read back
    holds every section's tab, the deck has one slide per section plus two."""
    from pptx import Presentation

    from posterdeck import api
    from conftest import norm, pdftotext_pages

    model = _model(folder)
    tag = model.info.targets[0]
    api.build(folder, targets=[tag], out=tmp_path)
    out = tmp_path / folder.name / tag
    text = norm(pdftotext_pages(out / "poster.pdf")[0]).lower()
    for s in model.content.sections:
        assert norm(s.tab).lower() in text
    assert len(Presentation(str(out / "deck.pptx")).slides) == len(model.content.sections) + 2


def test_the_demo_keeps_its_columns_through_its_slots(demo_docs):
    page = demo_docs["poster"].pages[0]
    assert _columns(page) == [["rationale", "crcri"], ["survival", "hsct"], ["safety", "conclusions"]]


# --------------------------------------------------------------------------------------------
# flow and slots
# --------------------------------------------------------------------------------------------

def test_splits_cover_every_cut_in_order():
    from posterdeck.compose.poster import splits

    assert splits(2, 2) == [(0, 2), (1, 1), (2, 0)]
    assert len(splits(7, 4)) == 120 and all(sum(s) == 7 for s in splits(7, 4))
    assert splits(3, 0) == [()]
    assert splits(40, 6, limit=100) == [(7, 7, 7, 7, 6, 6)]


def test_the_flow_balances_the_columns(tmp_path):
    """Seven sections over four columns: no column holds most of them, and the fitted type is
    as large as with any other split."""
    deck = _project(tmp_path)
    model = _model(deck)
    page = _compose(model, "poster").pages[0]
    cols = _columns(page)
    assert len(cols) == 4 and all(cols), cols
    assert [s for c in cols for s in c] == [s.id for s in model.content.sections]
    assert max(len(c) for c in cols) <= 3


def test_a_slot_mapping_is_honoured_and_the_rest_flows(tmp_path):
    def edit(text):
        return text.replace("  logo:\n", "  layout_slots:\n    poster-a0-landscape:\n"
                                          "      col1: [conclusions]\n      col4: [background, design]\n  logo:\n")

    deck = _project(tmp_path, deck_yaml_edit=edit)
    cols = _columns(_compose(_model(deck), "poster").pages[0])
    assert cols[0] == ["conclusions"]
    assert cols[-1] == ["background", "design"]
    assert [s for c in cols[1:-1] for s in c] == ["response", "remission", "safety", "outlook"]


@pytest.mark.parametrize("case", ["unknown-section", "unknown-slot", "twice", "unknown-layout"])
def test_a_bad_slot_mapping_names_deck_yaml_and_line(tmp_path, case):
    from posterdeck.errors import PosterdeckError

    body = {"unknown-section": "      col2: [background, efficacy]\n",
            "unknown-slot": "      sidebar: [background]\n",
            "twice": "      col1: [design]\n      col2: [design]\n",
            "unknown-layout": "      col1: [design]\n"}[case]
    needle = {"unknown-section": "efficacy", "unknown-slot": "sidebar", "twice": "design",
              "unknown-layout": "poster-a0-landscpe"}[case]
    name = "poster-a0-landscpe" if case == "unknown-layout" else "poster-a0-landscape"
    deck = _project(tmp_path, deck_yaml_edit=lambda t: t.replace(
        "  logo:\n", f"  layout_slots:\n    {name}:\n" + body + "  logo:\n"))
    line = _line_of(deck / "deck.yaml", f"{needle}" if case != "twice" else "col2: [design]")
    with pytest.raises(PosterdeckError) as info:
        from posterdeck.loading.deck import load_deck

        load_deck(deck)
    text = str(info.value)
    assert f"deck.yaml:{line}:" in text, text
    assert needle in text


def test_a_layout_section_the_content_lacks_names_the_layout_file_and_line(tmp_path):
    from posterdeck.errors import PosterdeckError
    from posterdeck.loading.deck import load_deck

    deck = _project(tmp_path)
    layout = tmp_path / "layouts" / "poster-a0-landscape.yaml"
    layout.write_text(layout.read_text().replace('- panels: ["slot:col2"]', '- panels: ["section:efficacy"]'))
    line = _line_of(layout, "section:efficacy")
    with pytest.raises(PosterdeckError) as info:
        load_deck(deck)
    assert f"poster-a0-landscape.yaml:{line}:" in str(info.value)
    assert "efficacy" in str(info.value)


def test_sections_with_no_place_are_an_error_naming_the_layout(tmp_path):
    """A layout that only names sections (no flow panel) cannot place the others."""
    from posterdeck.errors import PosterdeckError
    from posterdeck.loading.deck import load_deck

    deck = _project(tmp_path)
    layout = tmp_path / "layouts" / "poster-a0-landscape.yaml"
    text = layout.read_text()
    for i in range(1, 5):
        text = text.replace(f'"slot:col{i}"', '"section:background"' if i == 1 else '"overview"')
    layout.write_text(text)
    with pytest.raises(PosterdeckError) as info:
        load_deck(deck)
    assert "poster-a0-landscape.yaml:" in str(info.value)
    assert "'design'" in str(info.value) and "layout_slots" in str(info.value)


# --------------------------------------------------------------------------------------------
# logos
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def logo_build(tmp_path_factory):
    from posterdeck import api

    root = tmp_path_factory.mktemp("logo-project")
    deck = _project(root)
    api.build(deck, targets=["en-GB"], out=root / "out")
    return root / "out" / "logodeck" / "en-GB"


def _pdf_images(path: Path) -> list[tuple[float, float, float, float, int]]:
    """(x, y, w, h, page) of each image drawn, in points from the bottom-left, from the content
    streams' transformation matrix at each Do."""
    from pypdf import PdfReader

    found = []
    for index, page in enumerate(PdfReader(str(path)).pages):
        xobjects = page["/Resources"].get("/XObject", {})

        def visit(op, args, cm, tm):
            if op == b"Do" and xobjects[args[0]].get("/Subtype") == "/Image":
                found.append((cm[4], cm[5], cm[0], cm[3], index))

        page.extract_text(visitor_operand_before=visit)
    return found


def test_the_logo_is_in_the_poster_pdf_at_its_size_and_right_aligned(logo_build):
    exe = require_tool("pdfimages")
    listing = subprocess.run([exe, "-list", str(logo_build / "poster-screen.pdf")], capture_output=True, text=True).stdout
    rows = [ln.split() for ln in listing.splitlines()[2:] if ln.strip() and ln.split()[2] == "image"]
    assert len(rows) == 1 and rows[0][3:5] == ["1800", "600"], listing
    assert "smask" in listing  # on screen the logo keeps its transparency
    print_listing = subprocess.run([exe, "-list", str(logo_build / "poster.pdf")], capture_output=True, text=True).stdout
    assert "smask" not in print_listing and " cmyk " in print_listing  # print: flattened, CMYK
    from posterdeck.loading.yamlsource import load_yaml

    layout = load_yaml(LAYOUTS_DIR / "poster-a0-landscape.yaml").data["layout"]
    from posterdeck.schema.layout import to_points

    page_w = to_points(layout["page"]["width"])
    right = to_points(layout["page"]["margins"]["right"])
    (x, y, w, h, _), = _pdf_images(logo_build / "poster-screen.pdf")
    assert abs(x + w - (page_w - right)) < 1.0, "the logo stands flush with the right margin"
    assert abs(w / h - 3.0) < 0.01  # its aspect ratio kept
    ppi = float(rows[0][12])
    assert abs(1800 / ppi * 72 - w) < 1.5  # pdfimages agrees on the placed size


def test_the_logo_in_the_poster_is_80_percent_of_the_title_band(logo_build, tmp_path):
    from posterdeck.pagemodel import Image, Rect

    deck = _project(tmp_path)
    page = _compose(_model(deck), "poster").pages[0]
    band = next(b for b in page.boxes if isinstance(b, Rect) and b.role == "band:header")
    logo = next(b for b in page.boxes if isinstance(b, Image))
    assert logo.alt == "LOGOMAB company logo"
    assert band.y <= logo.y and logo.y + logo.h <= band.y + band.h
    gutter = 9 * MM
    room = band.y + band.h - 20 * MM - gutter / 2  # the header's height: to the band's foot, less the top margin and half a gutter
    column = (page.width - 44 * MM - gutter) / 6  # title 5 shares, logo 1
    assert abs(logo.h - min(0.8 * room, column / 3)) < 0.5  # 80 % of the band, unless its column is narrower
    assert abs(logo.x + logo.w - (page.width - 22 * MM)) < 0.5


def test_the_logo_is_a_picture_with_alt_text_in_every_slide(logo_build):
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation(str(logo_build / "deck.pptx"))
    assert round(Emu(prs.slide_width).inches, 2) == 10.0
    for slide in prs.slides:
        pics = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pics) == 1, [s.name for s in slide.shapes]
        pic = pics[0]
        alt = pic._element.nvPicPr.cNvPr.get("descr")
        assert alt == "LOGOMAB company logo"
        assert abs(Emu(pic.height).inches - 0.5) < 0.01  # height: 0.5in in the layout
        right = Emu(prs.slide_width).inches - 0.45
        assert abs(Emu(pic.left + pic.width).inches - right) < 0.01  # align: right
        band = next(s for s in slide.shapes if s.top == 0 and s.left == 0 and s.shape_type != 13)
        assert pic.top >= 0 and pic.top + pic.height <= band.height  # inside the title band
    pages = _pdf_images(logo_build / "deck.pdf")
    assert len(pages) == len(prs.slides)
    assert all(abs(h - 36) < 0.5 for _, _, _, h, _ in pages)  # 0.5in in the deck PDF too


def test_a_logo_too_coarse_for_print_names_the_image_file_and_line(tmp_path):
    from posterdeck.errors import PosterdeckError

    deck = _project(tmp_path, logo_size=(90, 30))
    line = _line_of(deck / "deck.yaml", "file: logo.png")
    with pytest.raises(PosterdeckError) as info:
        _compose(_model(deck), "poster")
    text = str(info.value)
    assert "logo.png" in text and f"deck.yaml:{line}:" in text, text
    assert "ppi" in text and "posterdeck bug" not in text


def test_a_logo_below_300_ppi_is_a_warning_naming_the_file(tmp_path):
    deck = _project(tmp_path, logo_size=(900, 300))
    doc = _compose(_model(deck), "poster")
    assert any("logo.png" in w and "ppi" in w and "deck.yaml:" in w for w in doc.warnings), doc.warnings


def test_a_deck_without_a_logo_gives_the_title_the_whole_band(tmp_path):
    from posterdeck.pagemodel import Image, TextBox

    deck = _project(tmp_path, deck_yaml_edit=lambda t: t.split("  logo:\n")[0])
    page = _compose(_model(deck), "poster").pages[0]
    assert not [b for b in page.boxes if isinstance(b, Image)]
    title = next(b for b in page.boxes if isinstance(b, TextBox) and b.role == "title")
    assert abs(title.w - (page.width - 44 * MM)) < 1.0


def test_a_poster_layout_without_a_place_for_closing_statements_is_an_error(tmp_path):
    """Mandatory statements are never dropped: the GB market's closing statement needs a
    statements:closing panel."""
    from posterdeck.errors import PosterdeckError

    deck = _project(tmp_path)
    layout = tmp_path / "layouts" / "poster-a0-landscape.yaml"
    layout.write_text(layout.read_text().replace(', "statements:closing"]', "]"))
    with pytest.raises(PosterdeckError) as info:
        _compose(_model(deck), "poster")
    assert "statements:closing" in str(info.value) and "poster-a0-landscape.yaml:" in str(info.value)


def test_a_slide_logo_in_the_footer_on_the_left_pushes_the_footer_text_right(tmp_path):
    from posterdeck.pagemodel import Image, TextBox

    deck = _project(tmp_path)
    layout = tmp_path / "layouts" / "slides-4x3.yaml"
    layout.write_text(layout.read_text().replace("logo: {place: title, height: 0.5in, align: right}",
                                                 "logo: {place: footer, height: 0.4in, align: left}"))
    for page in _compose(_model(deck), "deck").pages:
        logo = next(b for b in page.boxes if isinstance(b, Image))
        footer = next(b for b in page.boxes if isinstance(b, TextBox) and b.role == "footer")
        assert abs(logo.h - 0.4 * 72) < 0.01 and abs(logo.x - 0.45 * 72) < 0.01
        assert logo.y + logo.h <= page.height - 0.25 * 72 + 0.01  # above the bottom margin
        assert logo.y >= footer.y - 0.01  # in the footer, not in the body
        assert footer.x >= logo.x + logo.w  # the footer text keeps clear of it
        assert logo.backdrop == "background"


def test_a_typo_in_a_picture_panel_is_one_error_with_a_suggestion(tmp_path):
    from posterdeck.errors import PosterdeckError
    from posterdeck.loading.deck import load_deck

    deck = _project(tmp_path)
    layout = tmp_path / "layouts" / "poster-a0-landscape.yaml"
    layout.write_text(layout.read_text().replace("{panel: logo, height: 80%", "{panel: logo, heigth: 80%"))
    line = _line_of(layout, "heigth")
    with pytest.raises(PosterdeckError) as info:
        load_deck(deck)
    from posterdeck.errors import ErrorList

    assert not isinstance(info.value, ErrorList), str(info.value)  # not also "not a string"
    assert f"poster-a0-landscape.yaml:{line}:" in str(info.value)
    assert "did you mean 'height'" in str(info.value)


def test_an_image_panel_shows_a_content_picture_and_an_unknown_one_names_the_layout(tmp_path):
    from posterdeck.errors import PosterdeckError
    from posterdeck.pagemodel import Image

    deck = _project(tmp_path)
    shutil.copy(deck / "logo.png", deck / "scheme.png")
    with (deck / "content.yaml").open("a") as f:
        f.write('images:\n  scheme:\n    file: scheme.png\n    alt: "Study scheme"\n')
    layout = tmp_path / "layouts" / "poster-a0-landscape.yaml"
    original = layout.read_text()
    layout.write_text(original.replace('- panels: ["slot:col2"]',
                                       '- panels: [{panel: "image:scheme", width: 60%, align: left}, "slot:col2"]'))
    page = _compose(_model(deck), "poster").pages[0]
    scheme = next(b for b in page.boxes if isinstance(b, Image) and b.alt == "Study scheme")
    panels = {sid: (x, w) for sid, x, _, w, _ in _panels(page)}
    column = next((x, w) for sid, (x, w) in panels.items() if abs(x - scheme.x) < 0.5)
    assert abs(scheme.w - 0.6 * column[1]) < 0.5  # 60 % of its column, on the left
    from posterdeck.lint import lint

    assert not [w for w in lint(_model(deck)) if "scheme" in w]  # placed by the layout: not unused
    layout.write_text(original.replace('- panels: ["slot:col2"]', '- panels: ["image:diagram", "slot:col2"]'))
    line = _line_of(layout, "image:diagram")
    from posterdeck.loading.deck import load_deck

    with pytest.raises(PosterdeckError) as info:
        load_deck(deck)  # found by loading, so `posterdeck check` reports it
    assert f"poster-a0-landscape.yaml:{line}:" in str(info.value) and "diagram" in str(info.value)


def test_flow_splits_in_order_fill_the_columns_from_the_left():
    from posterdeck.compose.poster import _in_order

    # fewer sections than flow panels: the empty panels come last
    assert [s for s in [(1, 0, 0), (0, 1, 0), (0, 0, 1)] if _in_order(s, 1)] == [(1, 0, 0)]
    assert {s for s in [(2, 0, 0), (1, 1, 0), (1, 0, 1), (0, 1, 1)] if _in_order(s, 2)} == {(2, 0, 0), (1, 1, 0)}
    # as many or more: none empty
    assert _in_order((1, 2, 1), 4) and not _in_order((3, 0, 1), 4) and not _in_order((4, 0, 0), 4)


def test_an_empty_flow_column_is_dropped_but_two_columns_stay():
    from posterdeck.compose.blocks import Stack
    from posterdeck.compose.poster import _drop_empty

    full, empty = Stack([Stack([])]), Stack([])
    assert _drop_empty([empty, full, full], [1, 2, 3]) == ([full, full], [2, 3])
    # one column across the whole band would make lines too long: an empty one stays, in its place
    assert _drop_empty([full, empty, empty], [1, 2, 3]) == ([full, empty], [1, 2])
    assert _drop_empty([empty, empty, full], [1, 2, 3]) == ([empty, full], [1, 3])
    assert _drop_empty([full], [1]) == ([full], [1])
