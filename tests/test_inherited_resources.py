"""Pages whose /Resources sit on the page tree above them (other tools' PDFs given to preflight):
qpdf pushes inherited attributes down to the pages as pikepdf opens them, so the checks find the
forms and colours there, as a PDF reader does. Written by hand: pikepdf's own save would push
them down before the test could see them on /Pages."""
import pytest

from posterdeck.finish.preflight import preflight


def _pdf(inherit: bool) -> bytes:
    """One page painting an RGB form, its resources on the page or on /Pages."""
    res = b"/Resources << /XObject << /Fm1 5 0 R >> >>"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 200 200] " + (res if inherit else b"") + b" >>",
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R " + (b"" if inherit else res) + b" >>"]
    body, offsets = b"%PDF-1.7\n", []
    for number, obj in enumerate(objs, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    for number, (extra, data) in enumerate(((b"", b"q /Fm1 Do Q"),
                                            (b"/Type /XObject /Subtype /Form /BBox [0 0 50 50] ",
                                             b"1 0 0 rg 0 0 50 50 re f")), 4):
        offsets.append(len(body))
        body += (b"%d 0 obj\n<< " % number + extra + b"/Length %d >>\nstream\n" % len(data) + data
                 + b"\nendstream\nendobj\n")
    xref = len(body)
    body += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return body + b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


@pytest.mark.parametrize("inherit", [False, True])
def test_preflight_sees_a_form_painted_from_inherited_resources(inherit):
    report = preflight(_pdf(inherit), "x1a")
    found = [str(f) for f in report.errors]
    assert any("form /Fm1" in f and "RGB" in f for f in found), found  # the form's RGB fill, either way
