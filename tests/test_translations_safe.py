"""Translations cannot change facts (issue 12, point 3), PO syntax is read strictly, and
right-to-left scripts are refused with their place rather than built wrong (point 6).

Each broken catalogue is a copy of the demo's German one with one msgstr edited; the error must
name the .po file and the msgstr's line, and the source text's place (content.yaml:LINE)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import DECK, DECK_DIR, DATA, error_lines
from posterdeck import api
from posterdeck.errors import ErrorList, PosterdeckError
from posterdeck.resolve import rtl
from posterdeck.resolve.fidelity import differences
from posterdeck.resolve.posyntax import read_entries

PO = f"data/{DECK}/i18n/de.po"
_ESC = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\t": "\t"}


def _unquote(line: str) -> str:
    body = line.strip()[1:-1]
    return re.sub(r'\\[\\"nt]', lambda m: _ESC[m.group(0)], body)


def edit_msgstr(po: Path, context: str, edit) -> tuple[int, int]:
    """Rewrite the msgstr of ``context`` in ``po`` as edit(old) on one line; return (msgstr line,
    source line from the entry's #: reference)."""
    lines = po.read_text(encoding="utf-8").splitlines()
    at = lines.index(f'msgctxt "{context}"')
    ref = lines[at - 1]
    source_line = int(ref.rsplit(":", 1)[1])
    start = next(i for i in range(at, len(lines)) if lines[i].startswith("msgstr "))
    end = start + 1
    while end < len(lines) and lines[end].startswith('"'):
        end += 1
    old = _unquote(lines[start][len("msgstr "):]) + "".join(_unquote(x) for x in lines[start + 1:end])
    new = edit(old)
    assert new != old, "the edit changed nothing"
    quoted = new.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    lines[start:end] = [f'msgstr "{quoted}"']
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return start + 1, source_line


def errors_of(deck: Path) -> list[PosterdeckError]:
    with pytest.raises(PosterdeckError) as info:
        api.check(deck)
    err = info.value
    return err.errors if isinstance(err, ErrorList) else [err]


def the_error(deck: Path, po_line: int, source_line: int) -> str:
    """The errors of the check (one per problem), asserted to sit at the msgstr line and name the
    source line; their messages joined."""
    errs = errors_of(deck)
    for e in errs:
        assert e.location.file.endswith("i18n/de.po") and e.location.line == po_line, str(e)
        assert f"content.yaml:{source_line}" in str(e), str(e)
        assert e.hint
    return "\n".join(e.message for e in errs)


CASES = {
    "swapped path": ("sections.crcri.highlights.0", lambda s: s.replace("results.crcri.ino_s1", "results.crcri.ino_s2"),
                     ["{{ results.crcri.ino_s2 }} where the source has {{ results.crcri.ino_s1 }}"]),
    "swapped placeholders": ("sections.crcri.highlights.0",
                             lambda s: s.replace("crcri.ino_s1", "SWAP").replace("crcri.ino_s2", "crcri.ino_s1")
                             .replace("SWAP", "crcri.ino_s2"),
                             ["in another order: {{ results.crcri.ino_s2 }}, {{ results.crcri.ino_s1 }} where the "
                              "source has {{ results.crcri.ino_s1 }}, {{ results.crcri.ino_s2 }}"]),
    "dropped placeholder": ("sections.crcri.highlights.0",
                            lambda s: s.replace(" vs. {{ results.crcri.ino_s2 }} in S2", ""),
                            ["drops {{ results.crcri.ino_s2 }}"]),
    "changed filter": ("sections.crcri.body.0", lambda s: s.replace("{{ results.cr1_12m.sc | pct }}",
                                                                    "{{ results.cr1_12m.sc | n }}"),
                       ["{{ results.cr1_12m.sc | n }} where the source has {{ results.cr1_12m.sc | pct }}"]),
    "dropped citation": ("sections.crcri.summary", lambda s: s.replace("[@jabbour2020]", ""),
                         ["drops [@jabbour2020]"]),
    "changed citation": ("sections.crcri.summary", lambda s: s.replace("[@jabbour2020]", "[@kantarjian2016]"),
                         ["[@kantarjian2016] where the source has [@jabbour2020]"]),
    "dropped footnote marker": ("sections.crcri.highlights.0", lambda s: s.replace("[^cr_cri]", ""),
                                ["drops [^cr_cri]"]),
    "dropped inline footnote": ("sections.rationale.body.3.text",
                                lambda s: s[:s.index("^[")] + "[@kantarjian2016]" + s[s.index("umfasste.") + 9:]
                                .replace("[@kantarjian2016]]", ""),
                                ["0 inline footnote(s) ^[...] where the source has 1",
                                 "drops {{ populations.remission_itt }}"]),
    "unbalanced bold": ("sections.crcri.summary", lambda s: "**" + s, ["unclosed ** or *"]),
    "lone superscript marker": ("sections.crcri.summary", lambda s: s.replace("höher", "höher^a"),
                                ["unbalanced: '^'"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_translation_that_changes_a_fact_is_an_error_at_its_po_line(project_copy, case):
    context, edit, expected = CASES[case]
    po_line, source_line = edit_msgstr(project_copy.path(PO), context, edit)
    message = the_error(project_copy.deck, po_line, source_line)
    assert context in message
    for text in expected:
        assert text in message, message


def test_build_refuses_the_swapped_path_and_writes_nothing(project_copy):
    """The issue's example: S2's value where the source shows S1's must never reach a PDF."""
    po_line, source_line = edit_msgstr(project_copy.path(PO), "sections.crcri.highlights.0",
                                       lambda s: s.replace("results.crcri.ino_s1", "results.crcri.ino_s2"))
    res = project_copy.cli("build", f"data/{DECK}", "--target", "de-DE", "--out", "out", "-j", "1", "-q")
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    errs = error_lines(res.stderr)
    assert errs and all(f"de.po:{po_line}:" in e and f"content.yaml:{source_line}" in e for e in errs), res.stderr
    assert project_copy.written() == []
    # check and i18n status say the same
    for args in (("check", f"data/{DECK}"), ("i18n", "status", f"data/{DECK}")):
        res = project_copy.cli(*args)
        assert res.returncode == 1, (args, res.stdout, res.stderr)
        assert any(f"de.po:{po_line}:" in e for e in error_lines(res.stderr)), (args, res.stderr)


def test_i18n_status_counts_a_failing_translation_as_invalid_not_translated(project_copy):
    """The table agrees with the error it prints: a msgstr whose citation locator fails ('S.' is
    no locator term) is counted as invalid, not as translated."""
    from posterdeck.i18n import status

    before = {st.target: st for st in status(project_copy.path(f"data/{DECK}"))}
    edit_msgstr(project_copy.path(PO), "sections.rationale.body.0.text",
                lambda s: s.replace("[@jabbour2020]", "[@jabbour2020, S. 1063]"))
    after = {st.target: st for st in status(project_copy.path(f"data/{DECK}"))}
    german = [t for t in after if t.startswith("de-")]
    assert german
    for tag in german:
        assert after[tag].translated == before[tag].translated - 1
        assert [e.context for e in after[tag].invalid] == ["sections.rationale.body.0.text"]
    assert all(not st.invalid for t, st in after.items() if t not in german)
    res = project_copy.cli("i18n", "status", f"data/{DECK}")
    assert res.returncode == 1 and "unknown locator term 'S.'" in res.stderr, res.stderr
    header = next(ln for ln in res.stdout.splitlines() if "translated" in ln)
    cells = [c.strip() for c in re.split(r"[│┃|]", header) if c.strip()]
    assert cells[cells.index("translated") + 1] == "invalid", header
    row = next(ln for ln in res.stdout.splitlines() if german[0] in ln)
    values = [c.strip() for c in re.split(r"[│┃|]", row) if c.strip()]
    assert values[4] == "1" and values[3] == str(before[german[0]].translated - 1), res.stdout


def test_a_failed_target_is_in_the_build_summary_as_failed_with_its_reason(project_copy):
    """Two targets, one refused (its catalogue breaks a citation): the table lists both, the
    failed one as FAILED with the exit status and the first error's message."""
    edit_msgstr(project_copy.path(PO), "sections.rationale.body.0.text",
                lambda s: s.replace("[@jabbour2020]", "[@jabbour2020, S. 1063]"))
    res = project_copy.cli("build", f"data/{DECK}", "--target", "de-DE", "--target", "fr-FR", "--out", "out",
                           "-j", "1")
    assert res.returncode == 1, res.stderr
    shown = res.stderr + res.stdout
    rows = {}
    for line in shown.splitlines():
        cells = [c.strip() for c in line.strip().strip("\u2502").split("\u2502")]
        if len(cells) == 7 and cells[0] == DECK:
            rows[cells[1]] = cells
    assert set(rows) == {"de-DE", "fr-FR"}, shown
    assert rows["fr-FR"][6] == "built" and rows["fr-FR"][2] == "1"
    assert rows["de-DE"][6].startswith("FAILED (exit 1): the translation of"), rows["de-DE"]
    assert rows["de-DE"][2:5] == ["-", "-", "-"]
    assert f"1 target(s) failed, nothing written for them: {DECK} de-DE" in shown


def test_other_languages_are_unaffected_by_a_broken_german_catalogue(project_copy):
    edit_msgstr(project_copy.path(PO), "sections.crcri.summary", lambda s: s.replace("[@jabbour2020]", ""))
    res = project_copy.cli("build", f"data/{DECK}", "--target", "fr-FR", "--out", "out", "-j", "1", "-q")
    assert res.returncode == 0, res.stderr


# ---------------------------------------------------------------------------------------------
# PO syntax
# ---------------------------------------------------------------------------------------------

def test_a_duplicate_entry_is_an_error_at_its_line(project_copy):
    po = project_copy.path(PO)
    text = po.read_text(encoding="utf-8")
    block = text[text.index('#: data/inovate-salvage/content.yaml:10\n'):]
    block = block[:block.index("\n\n") + 1]
    first = text[:text.index(block)].count("\n") + 3  # its msgid line
    po.write_text(text + "\n" + block, encoding="utf-8")
    dup = text.count("\n") + 1 + 3
    errs = errors_of(project_copy.deck)
    assert len(errs) == 1, [str(e) for e in errs]
    assert errs[0].location.line == dup and errs[0].location.file.endswith("de.po")
    assert "duplicate entry for 'congress'" in errs[0].message and f"line {first}" in errs[0].message


@pytest.mark.parametrize("broken, expected", [
    ('msgstr "Virtueller EHA-Kongress 2021', "unterminated string"),
    ('msgstr "Virtueller \\q EHA-Kongress 2021"', "unknown escape '\\\\q'"),
    ('msgstr "Virtueller" EHA-Kongress 2021"', "text after the closing quote"),
    ('msgstr Virtueller EHA-Kongress 2021', "expected a quoted string"),
])
def test_a_malformed_entry_is_an_error_at_its_line(project_copy, broken, expected):
    line = project_copy.replace(PO, 'msgstr "Virtueller EHA-Kongress 2021"', broken)
    errs = errors_of(project_copy.deck)
    assert [(e.location.file.endswith("de.po"), e.location.line) for e in errs] == [(True, line)], \
        [str(e) for e in errs]
    assert expected in errs[0].message


def test_a_stray_line_and_a_string_outside_an_entry_are_errors(tmp_path):
    po = tmp_path / "x.po"
    data = b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\nnonsense\n\n"orphan"\n'
    with pytest.raises(PosterdeckError) as info:
        read_entries(po, data)
    errs = info.value.errors
    assert [(e.location.line, e.message.split(":")[0]) for e in errs] == [
        (6, "not PO syntax"), (8, "a string outside any entry")]


def test_msgstr_lines_are_where_problems_are_said():
    entries = read_entries(Path("x.po"), b'msgctxt "c"\nmsgid ""\n"one "\n"two"\nmsgstr ""\n"eins "\n"zwei"\n')
    assert [(e.context, e.msgid, e.msgstr, e.msgid_line, e.msgstr_line) for e in entries] == [
        ("c", "one two", "eins zwei", 2, 5)]


# ---------------------------------------------------------------------------------------------
# the rule itself, and the demo's catalogues
# ---------------------------------------------------------------------------------------------

def test_differences_on_small_texts():
    src = "A {{ a.b | pct }} and {{ a.c }}[@k1; @k2][^n1]^[inline {{ x.y }}] [SmPC](https://e.org/smpc)"
    assert differences(src, "B {{ a.b | pct }} und {{ a.c }}[@k2; @k1][^n1]^[innen {{ x.y }}] "
                            "[Fachinfo](https://e.org/smpc)") == []
    # two values swapped: each would stand beside the other's words (S2's rate where S1's is named)
    swapped = differences(src, "B {{ a.c }} und {{ a.b | pct }}[@k1; @k2][^n1]^[innen {{ x.y }}] "
                               "[Fachinfo](https://e.org/smpc)")
    assert swapped == ["it has the placeholders in another order: {{ a.c }}, {{ a.b | pct }}, {{ x.y }} where the "
                       "source has {{ a.b | pct }}, {{ a.c }}, {{ x.y }} (each value must stay beside the words the "
                       "source gives it: a swapped pair prints one arm's number as the other's)"], swapped
    assert differences("{{ a }} vs {{ b }}; {{ a }}", "{{ a }} gg. {{ b }}, {{ a }}") == []  # a repeat is no swap
    assert differences(src, src.replace("https://e.org/smpc", "https://evil.example")) != []
    assert differences(src, src.replace("{{ x.y }}", "")) == ["it drops {{ x.y }} (placeholders print study data: "
                                                              "the same paths and formats)"]
    assert differences(src, src + " {{ a.c }}") != []  # a placeholder twice where the source has it once
    assert differences("x^2^ y", "x^2 y") != []  # sup marker lost its partner
    assert differences("about ~50", "etwa 50") == []  # fewer literal markers is fine
    assert differences("rate (n = 5)", "Rate [n = 5]") == []  # brackets that pair up are text
    assert differences("see [SmPC](https://e.org)", "siehe [Fachinfo(https://e.org)") != []  # a broken link
    assert differences("{{ broken", "anything") == []  # the source's own error is said at the source


def demo_catalogues() -> list[Path]:
    return sorted(DATA.glob("*/i18n/*.po"))


@pytest.mark.parametrize("po", demo_catalogues(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_demo_catalogues_keep_every_fact(po):
    entries = read_entries(po, po.read_bytes())
    assert entries
    broken = {e.context: differences(e.msgid, e.msgstr) for e in entries if e.msgid and e.msgstr}
    assert {k: v for k, v in broken.items() if v} == {}


# ---------------------------------------------------------------------------------------------
# right-to-left scripts: refused with their place (see README, Known limits)
# ---------------------------------------------------------------------------------------------

def test_rtl_detection():
    assert rtl.first_rtl("plain Latin, Ελληνικά, Кириллица, 日本語") == ""
    assert rtl.script_name(rtl.first_rtl("x שלום")) == "Hebrew"
    assert rtl.script_name(rtl.first_rtl("x مرحبا")) == "Arabic"
    assert rtl.first_rtl("x\u200fy") == "\u200f"
    assert rtl.is_rtl_language("ar") and rtl.is_rtl_language("he") and rtl.is_rtl_language("fa")
    assert not rtl.is_rtl_language("de") and not rtl.is_rtl_language("el")


def test_an_rtl_target_is_refused_at_the_targets_line(project_copy):
    line = project_copy.replace(f"data/{DECK}/deck.yaml", "targets: [en-NL,", "targets: [he-NL, en-NL,")
    errs = errors_of(project_copy.deck)
    assert len(errs) == 1, [str(e) for e in errs]
    assert errs[0].location.file.endswith("deck.yaml") and errs[0].location.line == line
    assert "he-NL" in errs[0].message and "right to left" in errs[0].message
    res = project_copy.cli("build", f"data/{DECK}", "--target", "en-NL", "--out", "out", "-j", "1", "-q")
    assert res.returncode == 1 and f"deck.yaml:{line}:" in res.stderr and "Traceback" not in res.stderr
    assert project_copy.written() == []


def test_rtl_source_text_is_refused_at_its_line(project_copy):
    line = project_copy.replace(f"data/{DECK}/content.yaml", 'congress: "EHA 2021 Virtual Congress"',
                                'congress: "EHA 2021 \u05db\u05e0\u05e1 Virtual Congress"')
    errs = errors_of(project_copy.deck)
    assert {(e.location.file.rsplit("/", 1)[-1], e.location.line) for e in errs} == {("content.yaml", line)}
    assert "right-to-left script (Hebrew" in errs[0].message and "'congress'" in errs[0].message
    assert "not supported yet" in errs[0].message and errs[0].hint


def test_rtl_translation_is_refused_at_its_po_line(project_copy):
    po_line, source_line = edit_msgstr(project_copy.path(PO), "congress",
                                       lambda s: s.replace("Kongress", "\u0645\u0624\u062a\u0645\u0631"))
    message = the_error(project_copy.deck, po_line, source_line)
    assert "right-to-left script (Arabic" in message


def test_rtl_reference_title_is_refused_at_the_reference(project_copy):
    project_copy.replace(f"data/{DECK}/references.yaml", 'title: "Impact of salvage treatment phase',
                         'title: "\u05e9\u05dc\u05d5\u05dd Impact of salvage treatment phase')
    line = project_copy.line_of(f"data/{DECK}/references.yaml", "- id: jabbour2020")
    errs = errors_of(project_copy.deck)
    assert {(e.location.file.rsplit("/", 1)[-1], e.location.line) for e in errs} == {("references.yaml", line)}
    assert "reference 'jabbour2020'" in errs[0].message


def test_extract_refuses_an_rtl_language(project_copy):
    res = project_copy.cli("i18n", "extract", f"data/{DECK}", "-l", "ar")
    assert res.returncode == 2 and "right to left" in res.stderr and "Traceback" not in res.stderr
    assert not (project_copy.deck / "i18n" / "ar.po").exists()


def test_compose_refuses_rtl_text_that_resolve_did_not_see(demo_fonts):
    """The last guard: a value resolve never looked at (a unit label from a placeholder, say) is
    still refused where a text is laid out, never drawn wrong."""
    from posterdeck.errors import ContentError

    fonts = demo_fonts[2]
    fonts.check_glyphs("plain Latin", "regular", "poster page 1")
    with pytest.raises(ContentError) as info:
        fonts.check_glyphs("10 \u05e9\u05e2\u05d5\u05ea", "regular", "poster page 1")
    assert "Hebrew" in str(info.value) and "poster page 1" in str(info.value)


def test_an_empty_abbreviation_is_kept_as_in_the_source_by_status_and_strict_alike(project_copy):
    """glossary-term.X left empty: the abbreviation stays as written (builds keep it, even with
    --strict), so i18n status counts it as translated, not missing: the two agree."""
    from posterdeck.i18n import status

    before = {st.target: st for st in status(project_copy.path(f"data/{DECK}"))}
    edit_msgstr(project_copy.path(PO), "glossary-term.CR", lambda s: "")
    after = {st.target: st for st in status(project_copy.path(f"data/{DECK}"))}
    german = [t for t in after if t.startswith("de-")]
    assert german
    for tag in german:
        assert "glossary-term.CR" not in [e.context for e in after[tag].missing]
        assert after[tag].translated == before[tag].translated
    res = project_copy.cli("check", "--strict", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    res = project_copy.cli("build", f"data/{DECK}", "--target", "de-DE", "--out", "out", "-j", "1", "-q", "--strict")
    assert res.returncode == 0, res.stderr
