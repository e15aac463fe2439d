"""finish/ keeps some results in the process for the same input met again (a chart comes back in
every target of a language): the overprint fix of a form, the CMYK conversion of a chart PDF. A
kept result is only reused for an input it was made from: a form with other graphics states, or a
chart with other colours, is fixed or converted again, and a reused fix still reaches the second
file's resources. The checks (preflight, PDF/UA) keep nothing: what they find depends on where a
form is painted."""
import io

import pikepdf
import pytest

from posterdeck.finish import colour, overprint
from posterdeck.finish.colour import chart_to_cmyk
from posterdeck.finish.overprint import apply_overprint, black_knockouts
from posterdeck.finish.preflight import preflight
from posterdeck.schema.layout import Colour

CHART = b"/GS1 gs 0 0 0 1 k 0 0 4 4 re f 0.2 0.4 0.6 rg 0 0 5 5 re f"


def _pdf(op: bool, content: bytes = CHART) -> pikepdf.Pdf:
    """One page painting a chart-like form twice; the form's /GS1 sets overprint ``op``."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    form = pdf.make_stream(content)
    form.Type, form.Subtype, form.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 10, 10]
    form.Resources = pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(
        GS1=pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, OP=op, op=op, OPM=1)))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(C=form))
    page.obj.Contents = pdf.make_stream(b"q /C Do Q q 1 0 0 1 50 50 cm /C Do Q")
    return pdf


def _form(pdf):
    return pdf.pages[0].Resources.XObject.C


@pytest.fixture
def empty_memos(monkeypatch):
    monkeypatch.setattr(overprint, "_FIXED", overprint.Memo(1 << 20))
    monkeypatch.setattr(colour, "_CONVERTED", colour.Memo(1 << 20))


def _fixed(op: bool) -> bytes:
    pdf = _pdf(op)
    apply_overprint(pdf)
    return bytes(_form(pdf).read_bytes())


def test_a_form_met_again_is_fixed_as_the_first_time_and_its_resources_too(empty_memos):
    first = _pdf(False)
    assert len(black_knockouts(first)) == 2  # the 100 % K fill, at both places
    apply_overprint(first)
    assert len(overprint._FIXED.items) == 1  # the form's fix is kept
    second = _pdf(False)
    apply_overprint(second)  # the same form in another file: the kept fix
    assert _form(second).read_bytes() == _form(first).read_bytes()
    assert black_knockouts(second) == []
    assert "/PDOP01" in _form(second).Resources.ExtGState  # the fix's graphics states are added there too
    data = io.BytesIO()
    second.save(data)
    assert [f for f in preflight(data.getvalue()).warnings if f.rule == "overprint"] == []


def test_a_form_with_other_graphics_states_is_fixed_again(empty_memos):
    knocks_out, overprints = _fixed(False), _fixed(True)
    assert len(overprint._FIXED.items) == 2  # same content, other /GS1: another key
    overprint._FIXED.items.clear()
    assert (knocks_out, overprints) == (_fixed(False), _fixed(True))  # as without the memo
    assert knocks_out != overprints


def test_a_form_painting_forms_is_not_kept(empty_memos):
    pdf = _pdf(False)
    inner = pdf.make_stream(b"0 0 0 1 k 0 0 1 1 re f")
    inner.Type, inner.Subtype, inner.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 1, 1]
    inner.Resources = pikepdf.Dictionary()
    form = _form(pdf)
    form.Resources.XObject = pikepdf.Dictionary(I=inner)
    form.write(CHART + b" /I Do")
    apply_overprint(pdf)
    assert len(overprint._FIXED.items) == 1  # the inner form only: the outer one's fix walks /I too
    assert black_knockouts(pdf) == []


def _chart(rgb: bytes) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(20, 20))
    pdf.pages[0].obj.Contents = pdf.make_stream(rgb + b" 0 0 5 5 re f")
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def test_a_chart_is_converted_once_per_colours(empty_memos):
    chart = _chart(b"1 0 0 rg")
    plain = chart_to_cmyk(chart, {})
    assert chart_to_cmyk(chart, {}) is plain  # met again: the kept conversion
    themed = chart_to_cmyk(chart, {"red": Colour(rgb="#ff0000", cmyk=(0, 90, 80, 5))})
    assert themed != plain  # other colours: converted again
    with pikepdf.open(io.BytesIO(themed)) as pdf:
        assert b"0 0.9 0.8 0.05 k" in pdf.pages[0].Contents.read_bytes()  # the theme's exact CMYK
    colour._CONVERTED.items.clear()
    assert chart_to_cmyk(chart, {}) == plain  # the same bytes as without the memo


def test_a_chart_with_a_profile_that_cannot_be_read_is_converted_as_before(empty_memos, tmp_path):
    chart = _chart(b"0 0 0 rg")  # black: K only, the profile is not needed
    assert chart_to_cmyk(chart, {}, str(tmp_path / "missing.icc")) == chart_to_cmyk(chart, {})
    assert len(colour._CONVERTED.items) == 1  # the missing profile's conversion is not kept


def test_an_unreadable_form_fails_in_every_file_that_paints_it(empty_memos):
    def broken():
        pdf = _pdf(False)
        form = _form(pdf)
        form.write(b"not flate data", filter=pikepdf.Name.FlateDecode)
        return pdf

    for _ in range(2):  # nothing kept from the first failure
        with pytest.raises(pikepdf.PdfError):
            apply_overprint(broken())
    assert overprint._FIXED.items == {}
    data = io.BytesIO()
    broken().save(data)
    assert any(f.rule == "syntax" and f.obj == "form /C" for f in preflight(data.getvalue()).errors)
