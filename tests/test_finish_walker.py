"""The one content-stream walker of finish/: state through q/Q and forms, forms walked at each Do
or once, replacements written back; and the checks and fixes built on it reach nested forms."""
import io

import pikepdf

from posterdeck.finish.colour import chart_to_cmyk
from posterdeck.finish.content import State, Walker
from posterdeck.finish.overprint import apply_overprint, black_knockouts
from posterdeck.finish.preflight import preflight
from posterdeck.finish.ua import check_ua


def _pdf() -> pikepdf.Pdf:
    """One page painting form /A twice (at two places); /A paints form /B (nested), which fills
    in RGB and in 100 % K."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    inner = pdf.make_stream(b"0.2 0.4 0.6 rg 0 0 5 5 re f 0 0 0 1 k 0 0 4 4 re f")
    inner.Type, inner.Subtype, inner.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 10, 10]
    inner.Resources = pikepdf.Dictionary()
    outer = pdf.make_stream(b"q 2 0 0 2 0 0 cm /B Do Q")
    outer.Type, outer.Subtype, outer.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 50, 50]
    outer.Matrix = [3, 0, 0, 3, 0, 0]
    outer.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(B=inner))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(A=outer))
    page.obj.Contents = pdf.make_stream(b"q 1 0 0 1 10 10 cm /A Do Q /Artifact BMC /A Do EMC")
    return pdf


class _Fills(Walker):
    def __init__(self, pdf):
        super().__init__(pdf)
        self.seen = []

    def operator(self, op, operands, st: State, stream):
        if op == "f":
            self.seen.append((stream.label, st.ctm[0], st.ctm[4], st.fill_k, [t for t, _ in st.marks]))


def test_forms_are_walked_at_each_place_with_their_matrix_and_the_state_of_the_caller():
    w = _Fills(_pdf())
    w.pages()
    assert [s[0] for s in w.seen] == ["form /B"] * 4
    # /A's Matrix (3) times the cm inside /A (2); the first /A is moved by 10 10 (scaled 1)
    assert [(s[1], s[2]) for s in w.seen] == [(6.0, 10.0), (6.0, 10.0), (6.0, 0.0), (6.0, 0.0)]
    assert [s[3] for s in w.seen] == [False, True, False, True]  # RGB, then 100 % K
    assert [s[4] for s in w.seen] == [[], [], ["/Artifact"], ["/Artifact"]]  # marked content reaches forms


def test_a_fix_walks_each_form_once_and_writes_it_back():
    class Once(_Fills):
        once = True

        def operator(self, op, operands, st, stream):
            super().operator(op, operands, st, stream)
            if op == "rg":
                return [pikepdf.ContentStreamInstruction([0, 0, 0, 0.5], pikepdf.Operator("k"))]

    pdf = _pdf()
    w = Once(pdf)
    w.pages()
    assert len(w.seen) == 2
    inner = pdf.pages[0].Resources.XObject.A.Resources.XObject.B
    assert inner.read_bytes().startswith(b"0 0 0 0.5 k")


def _saved(pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_chart_colours_and_overprint_reach_nested_forms():
    data = chart_to_cmyk(_saved(_pdf()), {})
    pdf = pikepdf.open(io.BytesIO(data))
    inner = pdf.pages[0].Resources.XObject.A.Resources.XObject.B
    assert b"rg" not in inner.read_bytes()
    assert len(black_knockouts(pdf)) == 2  # the 100 % K fill of /B, at both places
    apply_overprint(pdf)
    assert black_knockouts(pdf) == []
    assert "/PDOP01" in inner.Resources.ExtGState  # the nested form got its own graphics states


def test_checks_see_nested_forms():
    data = _saved(_pdf())
    report = preflight(data)
    assert any(f.rule == "colour" and f.obj == "form /B" for f in report.errors)
    ua = check_ua(data)
    untagged = [f for f in ua.errors if f.rule == "content"]
    assert untagged and all(f.obj == "form /B" for f in untagged)  # the first /A, outside the Artifact


def test_painters_import_nothing_from_finish():
    """Finishing runs around the painters (api.pdf_file), never inside them."""
    import ast
    from pathlib import Path

    import posterdeck

    render = Path(posterdeck.__file__).parent / "render"
    found = []
    for path in render.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.name}: {n}" for n in names if n.startswith("posterdeck.finish")]
    assert found == []
