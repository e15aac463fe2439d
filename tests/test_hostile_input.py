"""Hostile and broken input (issue 12, points 1, 2 and 4): every file a deck names stays inside
the project, input is bounded (alias bombs, depth, size, pixels, rows), and every mistake is a
message naming its file and line with the right exit status, never a traceback. `check` finds
what the build would stop on before painting (layouts, themes, fonts, pictures, patient files).

Each case breaks a throw-away copy of a demo project one thing at a time and runs the command
line on it."""
from __future__ import annotations

import os
import pickle
import re
import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest

from conftest import DATA, DECK, LAYOUTS_DIR, SHARED_DIR, ProjectCopy, error_lines

CONTENT = f"data/{DECK}/content.yaml"
STUDY = f"data/{DECK}/study.yaml"
DECKYAML = f"data/{DECK}/deck.yaml"
THEME = "layouts/themes/besponsa.yaml"
LAYOUT = "layouts/poster-a0-portrait.yaml"


# ------------------------------------------------------------------------------------ helpers

def check(project: ProjectCopy, *extra: str, deck: str = DECK, timeout: int = 60):
    return project.cli("check", f"data/{deck}", *extra, timeout=timeout)


def build(project: ProjectCopy, *extra: str, deck: str = DECK, target: str = "en-NL", timeout: int = 300):
    return project.cli("build", f"data/{deck}", "--target", target, "--out", str(project.out), "-q", "--jobs", "1",
                       *extra, timeout=timeout)


def assert_error(res, file: str | None, line: int | None, *words: str, code: int = 1) -> str:
    """Exit ``code``, no traceback, an error naming ``file``:``line`` (when given) with a hint,
    and ``words`` in the messages. Returns stderr."""
    out = res.stderr + res.stdout
    assert "Traceback" not in out, out
    assert res.returncode == code, (res.returncode, out)
    errors = error_lines(res.stderr)
    assert errors, out
    if file is not None:
        name = re.escape(file.rsplit("/", 1)[-1])
        pattern = rf"(?:^|[\s/]){name}:{line}\b" if line is not None else rf"(?:^|[\s/]){name}\b"
        assert any(re.search(pattern, e) for e in errors), f"no {file}:{line} in {errors}"
    for w in words:
        assert w in out, f"{w!r} not in {out!r}"
    assert re.search(r"^\s+hint: \S", res.stderr, re.M), f"no hint in {res.stderr!r}"
    return res.stderr


def append(project: ProjectCopy, rel: str, text: str) -> int:
    """Append ``text`` to a file; the 1-based line of its first line."""
    p = project.path(rel)
    old = p.read_text(encoding="utf-8")
    if not old.endswith("\n"):
        old += "\n"
    p.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def png(path: Path, width: int = 4, height: int = 3) -> Path:
    from PIL import Image

    Image.new("RGB", (width, height), (200, 30, 30)).save(path)
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that claims width x height pixels in its header, a few bytes on disk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


def add_image(project: ProjectCopy, file: str) -> int:
    """Name ``file`` as a content picture; the line of its file name."""
    return append(project, CONTENT, f"images:\n  pic:\n    file: {file}\n    alt: A picture\n") + 2


@pytest.fixture
def aurora(tmp_path) -> ProjectCopy:
    """A copy of the demo with patient-level curves (data/aurora-fictional, one target)."""
    (tmp_path / "data").mkdir()
    shutil.copytree(DATA / "aurora-fictional", tmp_path / "data" / "aurora-fictional")
    shutil.copytree(SHARED_DIR, tmp_path / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, tmp_path / "layouts")
    return ProjectCopy(tmp_path)


AURORA = "data/aurora-fictional"


# ------------------------------------------------------------------------ bounded YAML input

BOMB = ('lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"l{i}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)))


@pytest.mark.parametrize("rel", [CONTENT, DECKYAML])
def test_billion_laughs_fails_fast(project_copy, rel):
    line = append(project_copy, rel, BOMB)
    start = time.perf_counter()
    res = check(project_copy, timeout=30)
    took = time.perf_counter() - start
    assert_error(res, rel, None, "aliases expand")
    assert took < 2 + 1.5, f"took {took:.1f} s"  # the interpreter's start included
    m = re.search(rf"{re.escape(rel.rsplit('/', 1)[-1])}:(\d+)", res.stderr)
    assert m and int(m.group(1)) >= line


def test_billion_laughs_build_fails_fast(project_copy):
    append(project_copy, CONTENT, BOMB)
    start = time.perf_counter()
    res = build(project_copy, timeout=30)
    assert time.perf_counter() - start < 5
    assert_error(res, CONTENT, None, "aliases expand")
    assert project_copy.written() == []


def test_unknown_tag_in_deck_yaml_build(project_copy):
    line = append(project_copy, DECKYAML, "extra: !!python/object/apply:os.system [echo hacked]\n")
    assert_error(build(project_copy), DECKYAML, line, "unknown YAML tag")
    assert project_copy.written() == []


def test_yaml_file_that_is_a_pipe(project_copy):
    path = project_copy.path(CONTENT)
    path.unlink()
    os.mkfifo(path)
    assert_error(check(project_copy, timeout=30), CONTENT, None, "not a regular file")


def test_deep_nesting(project_copy):
    line = append(project_copy, CONTENT, "deep: " + "[" * 300 + "]" * 300 + "\n")
    assert_error(check(project_copy), CONTENT, line, "nested")


def test_yaml_too_large(project_copy):
    p = project_copy.path(STUDY)
    p.write_text(p.read_text(encoding="utf-8") + "# padding\n" * 600_000, encoding="utf-8")
    assert_error(check(project_copy), STUDY, None, "too large")


@pytest.mark.parametrize("value,words", [
    ("!!python/object:os.system {}", ["unknown YAML tag", "python/object"]),
    ("!!python/object/apply:os.system [echo hacked]", ["unknown YAML tag"]),
    ("!custom 3", ["unknown YAML tag", "!custom"]),
])
def test_unknown_tags_refused_at_their_line(project_copy, value, words):
    line = append(project_copy, CONTENT, f"extra: {value}\n")
    err = assert_error(check(project_copy), CONTENT, line, *words)
    assert "hacked" not in err


def test_complex_key(project_copy):
    line = append(project_copy, CONTENT, "? [a, b]\n: 3\n")
    assert_error(check(project_copy), CONTENT, line, "key must be")


@pytest.mark.parametrize("encoding,words", [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_utf16_yaml(project_copy, encoding, words):
    p = project_copy.path(STUDY)
    p.write_bytes(p.read_text(encoding="utf-8").encode(encoding))
    assert_error(check(project_copy), STUDY, None, words)


def test_binary_yaml(project_copy):
    project_copy.path(CONTENT).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_error(check(project_copy), CONTENT, None, "binary")


def test_latin1_yaml_names_its_line(project_copy):
    p = project_copy.path(CONTENT)
    p.write_bytes(p.read_bytes() + "extra: café\n".encode("latin-1"))
    line = p.read_bytes().count(b"\n")
    assert_error(check(project_copy), CONTENT, line, "UTF-8")


# ------------------------------------------------------------------------- study values

@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e400"])
def test_non_finite_study_value(project_copy, value):
    line = project_copy.replace(STUDY, "n: 111          # Seed: 87/111", f"n: {value}          # Seed: 87/111")
    assert_error(check(project_copy), STUDY, line)


def test_huge_integer_study_value(project_copy):
    line = project_copy.replace(STUDY, "n: 111          # Seed: 87/111", f"n: {'9' * 5000}")
    assert_error(check(project_copy), STUDY, line)


@pytest.mark.parametrize("new", ["value: 1e40, ci: [1e39, 1e41],", "value: 1e26,",
                                 f"value: {'9' * 40},"])
def test_huge_estimate_is_a_message_not_invalid_operation(project_copy, new):
    line = project_copy.replace(STUDY, "value: 25.9, ci: [18.1, 34.4],", new)
    assert_error(check(project_copy), STUDY, line, "too large")


# ------------------------------------------------------------------------------- footnotes

def test_footnote_citing_itself(project_copy):
    line = project_copy.replace(CONTENT, 'mrd_bars: "Lighter', 'mrd_bars: "[^mrd_bars] Lighter')
    assert_error(check(project_copy), CONTENT, line, "refers to itself")


def test_footnotes_citing_each_other(project_copy):
    project_copy.replace(CONTENT, 'cr_cri: "In S1,', 'cr_cri: "[^mrd_bars] In S1,')
    line = project_copy.replace(CONTENT, 'mrd_bars: "Lighter-colored', 'mrd_bars: "[^cr_cri] Lighter-colored')
    res = check(project_copy)
    err = assert_error(res, CONTENT, None, "refers to itself")
    assert f"content.yaml:{line}" in err or "content.yaml:" in err


def test_three_thousand_nested_footnotes(project_copy):
    nested = "^[" * 3000 + "deep" + "]" * 3000
    line = project_copy.replace(CONTENT, 'mrd_bars: "Lighter', f'mrd_bars: "{nested} Lighter')
    start = time.perf_counter()
    res = check(project_copy)
    assert time.perf_counter() - start < 10
    assert_error(res, CONTENT, line, "nested")


# --------------------------------------------------------------------------- containment

def test_image_symlink_out_of_the_project_is_refused(project_copy):
    os.symlink("/etc/passwd", project_copy.deck / "pic.png")
    line = add_image(project_copy, "pic.png")
    for res in (check(project_copy), build(project_copy)):
        assert_error(res, CONTENT, line, "outside the project", "--allow-outside")
    assert project_copy.written() == []


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_image_path_out_of_the_project_is_refused(project_copy, tmp_path_factory, how):
    outside = png(tmp_path_factory.mktemp("elsewhere") / "x.png")
    named = os.path.relpath(outside, project_copy.deck) if how == "relative" else str(outside)
    line = add_image(project_copy, named)
    assert_error(check(project_copy), CONTENT, line, "outside the project", "--allow-outside")
    ok = check(project_copy, "--allow-outside", str(outside.parent))
    assert ok.returncode == 0, ok.stderr


def test_nothing_outside_is_read(project_copy, tmp_path_factory):
    """The symlink leads to a FIFO: reading it would block forever, so a finished run read nothing."""
    fifo = tmp_path_factory.mktemp("elsewhere") / "pipe.png"
    os.mkfifo(fifo)
    os.symlink(fifo, project_copy.deck / "pic.png")
    line = add_image(project_copy, "pic.png")
    assert_error(check(project_copy, timeout=30), CONTENT, line, "outside the project")
    assert_error(build(project_copy, timeout=60), CONTENT, line, "outside the project")


def test_logo_outside_is_refused(project_copy):
    line = project_copy.replace(DECKYAML, "  theme: besponsa", "  logo: {file: /etc/hostname, alt: Logo}\n  theme: besponsa")
    assert_error(check(project_copy), DECKYAML, line, "outside the project")


def test_glossary_outside_is_refused(project_copy, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "g.yaml"
    outside.write_text("glossary:\n  ABC: a b c\n", encoding="utf-8")
    line = project_copy.replace(DECKYAML, "glossaries: [../shared/glossary/haematology.yaml]",
                                f"glossaries: [../shared/glossary/haematology.yaml, {outside}]")
    assert_error(check(project_copy), DECKYAML, line, "outside the project")
    assert check(project_copy, "--allow-outside", str(outside.parent)).returncode == 0


def test_markets_folder_outside_is_refused(project_copy):
    line = project_copy.replace(DECKYAML, "  files:\n", "  files:\n    markets: /etc\n")
    assert_error(check(project_copy), DECKYAML, None, "outside the project")
    assert line


def test_theme_font_outside_is_refused(project_copy):
    line = project_copy.replace(THEME, "regular: matplotlib:DejaVuSans.ttf", "regular: /etc/hostname")
    for res in (check(project_copy), build(project_copy)):
        assert_error(res, THEME, line, "outside the project")


def test_patients_file_outside_is_refused(aurora, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "p.csv"
    shutil.copy(aurora.path(f"{AURORA}/patients_os_control.csv"), outside)
    line = aurora.replace(f"{AURORA}/study.yaml", "file: patients_os_control.csv", f"file: {outside}")
    assert_error(check(aurora, deck="aurora-fictional"), f"{AURORA}/study.yaml", line, "outside the project")
    ok = check(aurora, "--allow-outside", str(outside.parent), deck="aurora-fictional")
    assert ok.returncode == 0, ok.stderr


# --------------------------------------------------------------------------------- links

@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>"])
def test_bad_link_scheme_in_content(project_copy, url):
    line = project_copy.replace(CONTENT, "(https://www.tandfonline.com/doi/full/10.1080/10428194.2020.1751839)",
                                f"({url})")
    for res in (check(project_copy), build(project_copy)):
        assert_error(res, CONTENT, line, "scheme", url.split(":")[0])
    assert project_copy.written() == []


def test_bad_link_in_market(project_copy):
    p = project_copy.path("data/shared/markets/GB.yaml")
    text = p.read_text(encoding="utf-8")
    url = "yellow_card: https://yellowcard.mhra.gov.uk"
    assert text.count(url) == 1
    line = text[:text.index(url)].count("\n") + 1
    p.write_text(text.replace(url, "yellow_card: javascript:alert(document.cookie)", 1), encoding="utf-8")
    assert_error(check(project_copy), "data/shared/markets/GB.yaml", line, "javascript")


def test_theme_widens_link_schemes(project_copy):
    project_copy.replace(CONTENT, "(https://www.tandfonline.com/doi/full/10.1080/10428194.2020.1751839)",
                         "(tel:+31201234567)")
    assert check(project_copy).returncode == 1
    project_copy.replace(THEME, "theme:\n", "theme:\n  link_schemes: [https, http, mailto, tel]\n")
    res = check(project_copy)
    assert res.returncode == 0, res.stderr


# ------------------------------------------------------------------------------- pictures

def test_picture_beyond_the_pixel_limit(project_copy):
    png_header_only(project_copy.deck / "huge.png", 20000, 20000)
    line = add_image(project_copy, "huge.png")
    start = time.perf_counter()
    res = check(project_copy)
    assert time.perf_counter() - start < 5
    assert_error(res, CONTENT, line, "pixels")


def test_truncated_png(project_copy):
    data = png(project_copy.deck / "full.png", 300, 200).read_bytes()
    (project_copy.deck / "cut.png").write_bytes(data[: len(data) // 2])
    line = add_image(project_copy, "cut.png")
    assert_error(check(project_copy), CONTENT, line, "cut.png")


def test_picture_inside_is_fine(project_copy):
    png(project_copy.deck / "ok.png")
    add_image(project_copy, "ok.png")
    res = check(project_copy)
    assert res.returncode == 0, res.stderr


# ------------------------------------------------------------------- patient files (CSV)

@pytest.mark.parametrize("body,words", [
    ("time,event\n1.5,1\nnan,0\n", ["nan"]),
    ("time,event\n1.5,1\ninf,0\n", ["inf"]),
    ("time,event\n1.5,1\nabc,0\n", ["numeric"]),
    ("time,event\n1.5,1\n2.5,2\n", ["event '2' is neither 1 (an event) nor 0 (censored)"]),
])
def test_bad_patients_csv_check_equals_build(aurora, body, words):
    aurora.path(f"{AURORA}/patients_os_control.csv").write_text(body, encoding="utf-8")
    line = aurora.line_of(f"{AURORA}/study.yaml", "file: patients_os_control.csv")
    for res in (check(aurora, deck="aurora-fictional"), build(aurora, deck="aurora-fictional", target="en-GB")):
        err = assert_error(res, f"{AURORA}/study.yaml", line, *words)
        assert "patients_os_control.csv:3" in err  # and the row
    assert aurora.written() == []


def test_non_utf8_patients_csv(aurora):
    aurora.path(f"{AURORA}/patients_os_control.csv").write_bytes(b"time,event\n1.5,1\n2\xe9,0\n")
    line = aurora.line_of(f"{AURORA}/study.yaml", "file: patients_os_control.csv")
    assert_error(check(aurora, deck="aurora-fictional"), f"{AURORA}/study.yaml", line, "UTF-8")


def test_patients_csv_too_many_rows(aurora, monkeypatch):
    from posterdeck.resolve import survival

    assert survival.MAX_PATIENT_ROWS == 1_000_000
    rows = "".join(f"{i % 50 + 0.5},1\n" for i in range(1_000_001))
    aurora.path(f"{AURORA}/patients_os_control.csv").write_text("time,event\n" + rows, encoding="utf-8")
    start = time.perf_counter()
    res = check(aurora, deck="aurora-fictional")
    assert time.perf_counter() - start < 20
    assert_error(res, f"{AURORA}/study.yaml", None, "more than 1,000,000 rows")


# ------------------------------------------------------------- layouts, themes and fonts

def test_font_that_is_not_a_font_check_equals_build(project_copy):
    (project_copy.path("layouts/themes") / "fake.ttf").write_bytes(b"this is not a font" * 100)
    line = project_copy.replace(THEME, "regular: matplotlib:DejaVuSans.ttf", "regular: fake.ttf")
    for res in (check(project_copy), build(project_copy)):
        assert_error(res, THEME, line, "not a TrueType font")
    assert project_copy.written() == []


def test_zero_columns_check_equals_build(project_copy):
    text = project_copy.path(LAYOUT).read_text(encoding="utf-8")
    m = re.search(r"\n(\s+)columns:\n\s+- panels: \[\"statements:overview\"\]\n", text)
    assert m
    line = text[:m.start() + 1].count("\n") + 1
    project_copy.path(LAYOUT).write_text(text.replace(m.group(0), f"\n{m.group(1)}columns: []\n", 1),
                                         encoding="utf-8")
    for res in (check(project_copy), build(project_copy)):
        assert_error(res, LAYOUT, line, "columns")


def test_layout_value_error_names_the_layout_line(project_copy):
    line = project_copy.replace(LAYOUT, "panels: [\"statements:overview\"]", "panels: [\"statements:overview\"]\n          width: -2")
    assert_error(check(project_copy), LAYOUT, line + 1, "width")


@pytest.mark.parametrize("old,new,words", [
    ("gutter: 9mm", "gutter: -9mm", ["gutter", "greater than or equal to 0"]),
    ("chart_min_height: 95mm", "chart_min_height: 5000mm", ["chart_min_height", "more than the page holds"]),
    ("size: 27, min_size: 18, leading: 1.25,", "size: 27, min_size: 18, leading: 0,", ["leading"]),
    ("size: 27, min_size: 18, leading: 1.25,", "size: 27, min_size: 18, leading: -1,", ["leading"]),
])
def test_impossible_layout_values(project_copy, old, new, words):
    line = project_copy.replace(LAYOUT, old, new)
    for res in (check(project_copy), build(project_copy)):
        assert_error(res, LAYOUT, line if "chart_min" not in old else None, *words)
    assert project_copy.written() == []


@pytest.mark.parametrize("rel,old,new,words", [
    (LAYOUT, "leading: 1.15, weight: bold, color: primary}", "leading: 1.15, weight: bold, color: nosuchcolour}",
     ["nosuchcolour", "not in the theme"]),
    (THEME, 'text:            {cmyk: [0, 0, 0, 100]', 'text:            {cmyk: [0, 0, 0, 300]', ["cmyk", "100"]),
    (THEME, 'text:            {cmyk: [0, 0, 0, 100]', 'text:            {cmyk: [0, 0, 100]', ["too few values"]),
    (THEME, 'rgb: "#1E1E1E"', 'rgb: "#XYZ"', ["rgb"]),
])
def test_theme_errors_check_equals_build(project_copy, rel, old, new, words):
    text = project_copy.path(rel).read_text(encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    project_copy.path(rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    for res in (check(project_copy), build(project_copy)):
        assert_error(res, rel, line, *words)
    assert project_copy.written() == []


# ------------------------------------------------------------------------ text the fonts lack

def test_long_word_is_a_layout_error_at_its_line(project_copy):
    word = "A" * 10_000
    line = project_copy.replace(CONTENT, 'mrd_bars: "Lighter', f'mrd_bars: "{word} Lighter')
    for res in (check(project_copy), build(project_copy)):
        assert_error(res, CONTENT, line, "10,000 characters")


@pytest.mark.parametrize("text,words", [("\U0001F9EC", ["U+1F9EC"]), ("\u4e2d\u6587", ["U+4E2D"])])
def test_glyphs_the_font_lacks(project_copy, text, words):
    line = project_copy.replace(CONTENT, 'mrd_bars: "Lighter', f'mrd_bars: "{text} Lighter')
    assert_error(check(project_copy), CONTENT, line, *words)


def test_glyph_the_font_has_is_drawn(project_copy):
    project_copy.replace(CONTENT, 'mrd_bars: "Lighter', 'mrd_bars: "\U0001F600 Lighter')  # DejaVu Sans has it
    res = check(project_copy)
    assert res.returncode == 0, res.stderr


def test_control_character(project_copy):
    line = project_copy.replace(CONTENT, 'mrd_bars: "Lighter', 'mrd_bars: "\\v Lighter')
    assert_error(check(project_copy), CONTENT, line, "U+000B")


# ------------------------------------------------------------------------------- pickling

def test_errors_survive_pickling():
    from posterdeck.errors import (ContentError, ErrorList, InputError, LayoutError, Location, MissingToolError,
                                   OutputError, PrintError, UsageError)

    for cls in (InputError, ContentError, LayoutError, PrintError, MissingToolError, UsageError, OutputError):
        err = cls("bad thing", Location("a/b.yaml", 12), hint="do this")
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is cls
        assert (back.message, back.location, back.hint, back.exit_code) == ("bad thing", Location("a/b.yaml", 12),
                                                                           "do this", cls.exit_code)
        assert str(back) == str(err) == "a/b.yaml:12: bad thing\n  hint: do this"
    many = ErrorList([InputError("one", Location("x.yaml", 1), "h1"), MissingToolError("two", hint="h2")])
    back = pickle.loads(pickle.dumps(many))
    assert [type(e) for e in back.errors] == [InputError, MissingToolError]
    assert str(back) == str(many) and back.exit_code == 3


def test_missing_tool_raises_missing_tool_error(monkeypatch):
    from posterdeck.errors import MissingToolError, require_tool

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingToolError) as info:
        require_tool("git", "comparing revisions", "install git")
    assert info.value.exit_code == 3 and "git" in str(info.value)


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/a?b=c", True), ("http://example.org", True), ("mailto:info@example.org", True),
    ("HTTPS://EXAMPLE.ORG", True), ("javascript:alert(1)", False), ("JavaScript:alert(1)", False),
    (" javascript:alert(1)", False), ("java\tscript:alert(1)", False), ("file:///etc/passwd", False),
    ("data:text/html;base64,PGI+", False), ("vbscript:msgbox", False), ("tel:+3120", False),
    ("www.example.org", False), ("https://exa mple.org", False),
])
def test_link_schemes(url, ok):
    from posterdeck.loading.containment import LINK_SCHEMES, link_problem

    assert (link_problem(url, LINK_SCHEMES) == "") is ok


def test_fence_resolves_symlinks_first(tmp_path):
    from posterdeck.errors import Location
    from posterdeck.loading.containment import Fence

    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "data").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "x.png").write_bytes(b"x")
    (project / "data" / "in.png").write_bytes(b"x")
    os.symlink(elsewhere / "x.png", project / "data" / "link.png")
    os.symlink(project / "data" / "in.png", project / "data" / "inner-link.png")
    fence = Fence.around(project)
    assert fence.inside(project / "data" / "in.png")
    assert fence.inside(project / "data" / "inner-link.png")
    assert not fence.inside(project / "data" / "link.png")
    assert not fence.inside(project / "data" / ".." / ".." / "elsewhere" / "x.png")
    err = fence.problem(project / "data" / "link.png", "link.png", Location("deck.yaml", 3))
    assert err is not None and "--allow-outside" in err.hint and str(err).startswith("deck.yaml:3: ")
    assert Fence.around(project, allow=(elsewhere,)).inside(project / "data" / "link.png")
