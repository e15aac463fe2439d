"""pagemodel.line_origins: where each line of a text box stands (the PDF painter draws there,
the review marks there)."""
from posterdeck.pagemodel import Line, Paragraph, TextBox, line_origins


def _para(widths, *, align="left", indent=0.0, space_before=0.0, size=10.0, leading=12.0):
    lines = tuple(Line((), w, baseline=leading * i + size * 0.95) for i, w in enumerate(widths))
    return Paragraph((), lines, size, leading, align=align, indent=indent, space_before=space_before)


def test_line_origins_alignment_indent_padding_and_spacing():
    box = TextBox(x=100.0, y=50.0, w=220.0, h=300.0, padding=10.0, paragraphs=(
        _para([80.0, 40.0], indent=5.0, space_before=99.0),  # the first's space before is not used
        _para([100.0], align="center", space_before=6.0),
        _para([], space_before=3.0),  # an empty paragraph: no line drawn, a line high (as compose measures it)
        _para([50.0, 150.0], align="right", indent=20.0, space_before=4.0, size=20.0, leading=24.0),
    ))
    got = [(o.index, o.row, round(o.x, 6), round(o.top, 6), round(o.baseline, 6)) for o in line_origins(box)]
    inner = 220.0 - 2 * 10.0
    top1 = 50.0 + 10.0
    top2 = top1 + 2 * 12.0 + 6.0
    top4 = top2 + 12.0 + 3.0 + 12.0 + 4.0
    assert got == [
        (0, 0, 115.0, top1, top1 + 9.5),
        (0, 1, 115.0, top1 + 12.0, top1 + 12.0 + 9.5),
        (1, 0, 110.0 + (inner - 100.0) / 2, top2, top2 + 9.5),
        (3, 0, 110.0 + 20.0 + (inner - 20.0 - 50.0), top4, top4 + 19.0),
        (3, 1, 110.0 + 20.0 + (inner - 20.0 - 150.0), top4 + 24.0, top4 + 24.0 + 19.0),
    ]
    o = list(line_origins(box))[2]
    assert o.paragraph is box.paragraphs[1] and o.line is box.paragraphs[1].lines[0]
