"""Overprinting black in print PDFs: a walker that follows the graphics state through content
streams and forms (fill and stroke colour, ExtGState overprint, text size), the fix that makes
every 100 % K text run, stroke and fill overprint (and everything else knock out), and the
check the preflight runs.

The walker reads any PDF with pikepdf; it knows nothing of how the file was made.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pikepdf

from posterdeck.finish.content import (BOTH_OPS, COLOUR_OPS, FILL_OPS, MAX_DEPTH, PAINT_OPS, STROKE_OPS, TEXT_OPS, Memo,
                                       State, Stream, Walker)

# the ExtGStates the fix adds: (stroke overprints, fill overprints) -> resource name
NAMES = {(s, f): pikepdf.Name(f"/PDOP{int(s)}{int(f)}") for s in (False, True) for f in (False, True)}


@dataclass(frozen=True)
class Mark:
    """One painting operator as the walker saw it."""

    kind: str  # "text" | "fill" | "stroke" | "both"
    where: str  # "page 1", "page 1 form /PDChart2", ...
    fill_k: bool  # the fill colour is 100 % K and nothing else
    stroke_k: bool
    op_fill: bool  # overprint in force for fills (ExtGState op)
    op_stroke: bool  # for strokes (OP)
    size: float = 0.0  # text: the font size on the page, in points
    text: bytes = b""

    @property
    def black_knockout(self) -> bool:
        """A 100 % K text run, fill or stroke that knocks out instead of overprinting."""
        return black_knockout(self.kind, self.fill_k, self.stroke_k, self.op_fill, self.op_stroke)


def black_knockout(kind: str, fill_k: bool, stroke_k: bool, op_fill: bool, op_stroke: bool) -> bool:
    """A paint of ``kind`` ("text", "fill", "stroke", "both") in these colours and overprint
    states is 100 % K that knocks out instead of overprinting."""
    fill = kind in ("text", "fill", "both") and fill_k and not op_fill
    stroke = kind in ("stroke", "both") and stroke_k and not op_stroke
    return bool(fill or stroke)


class _Marks(Walker):
    """Records every painting operator, forms at each place they are painted."""

    def __init__(self, pdf: pikepdf.Pdf):
        super().__init__(pdf)
        self.marks: list[Mark] = []

    def page_label(self, number: int) -> str:
        return f"page {number}"

    def form_label(self, label: str, name: str) -> str:
        return f"{label} form {name}"

    def operator(self, op: str, operands, st: State, stream: Stream) -> None:
        if op in TEXT_OPS:
            text = b"".join(bytes(v) for v in (operands[-1] if op == "TJ" else operands[-1:])
                            if isinstance(v, pikepdf.String))
            self.marks.append(Mark("text", stream.label, st.fill_k, st.stroke_k, bool(st.op_fill),
                                   bool(st.op_stroke), st.text_size(), text))
        elif op in PAINT_OPS:
            kind = "fill" if op in FILL_OPS else "stroke" if op in STROKE_OPS else "both"
            self.marks.append(Mark(kind, stream.label, st.fill_k, st.stroke_k, bool(st.op_fill),
                                   bool(st.op_stroke)))


def walk(pdf: pikepdf.Pdf) -> list[Mark]:
    """Every painting operator of every page, forms included, in order."""
    marks = _Marks(pdf)
    marks.pages()
    return marks.marks


def black_knockouts(pdf: pikepdf.Pdf) -> list[Mark]:
    """The 100 % K text runs, fills and strokes that do not overprint."""
    return [m for m in walk(pdf) if m.black_knockout]


def apply_overprint(pdf: pikepdf.Pdf) -> None:
    """Make every 100 % K text run, fill and stroke overprint (OP/op true, OPM 1) and every
    other paint knock out, in pages and forms (charts), by inserting ExtGStates before the
    painting operators whose overprint state is not yet the one they need."""
    _Overprint(pdf).pages()


class _Overprint(Walker):
    once = True  # each form rewritten once
    follows = COLOUR_OPS | {"q", "Q", "gs"}  # what it reads: the colours and the overprint in force
    hooked = TEXT_OPS | PAINT_OPS

    def form_state(self, st: State, matrix: tuple) -> State:
        # a form may be painted from many places: it sets its own state from unknown
        return State(op_fill=None, op_stroke=None)

    def walk(self, owner, holder, st: State, label: str, depth: int = 0, inherited=None) -> None:
        # a form starts from the same unknown state wherever it is painted, so its fix depends on
        # its content and resources only: the same chart comes back in every target of a language
        key = _form_key(owner, holder) if depth and depth <= MAX_DEPTH else None
        done = _FIXED.get(key) if key is not None else None
        if done is not None:
            content = done[0]
            if content is not None:
                _gstates(self.pdf, holder)
                owner.write(content)
            return
        stream = super().walk(owner, holder, st, label, depth, inherited)
        if key is not None and stream is not None:
            _FIXED.put(key, (bytes(owner.read_bytes()) if stream.changed else None,))

    def operator(self, op: str, operands, st: State, stream: Stream) -> list | None:
        if op not in TEXT_OPS and op not in PAINT_OPS:
            return None
        fills = op not in STROKE_OPS
        strokes = op in STROKE_OPS or op in BOTH_OPS
        want_fill = st.fill_k if fills else bool(st.op_fill)
        want_stroke = st.stroke_k if strokes else bool(st.op_stroke)
        if (fills and st.op_fill is not want_fill) or (strokes and st.op_stroke is not want_stroke) \
                or st.op_fill is None or st.op_stroke is None:
            if not stream.changed:  # the first fix in this stream
                _gstates(self.pdf, stream.holder)
                stream.resources = stream.holder.Resources
            st.op_fill, st.op_stroke = want_fill, want_stroke
            return [pikepdf.ContentStreamInstruction([NAMES[(want_stroke, want_fill)]], pikepdf.Operator("gs")),
                    pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(op))]
        return None


_FIXED = Memo(4 << 20)  # _form_key -> (the form's fixed content, or None when it needed no fix,)


def _form_key(owner, holder):
    """What the overprint fix of a form depends on: its stream (raw bytes and filters), and of its
    own resources the ExtGStates' overprint keys (the state it follows) and the XObjects' kinds;
    None when it has no resources of its own or paints forms (not kept: the fix of those walks
    more than this stream), or when its resources are not what they should be."""
    try:
        return _key(owner, holder)
    except (TypeError, ValueError, AttributeError, pikepdf.PdfError):
        return None


def _key(owner, holder):
    resources = holder.get("/Resources")
    if resources is None or not isinstance(resources, pikepdf.Dictionary):
        return None
    xobjects = resources.get("/XObject", pikepdf.Dictionary())
    kinds = tuple(sorted((str(name), str(x.get("/Subtype", ""))) for name, x in xobjects.items()))
    if any(kind == "/Form" for _, kind in kinds):
        return None
    gstates = resources.get("/ExtGState")
    if gstates is not None:
        gstates = tuple(sorted((str(name), "/OP" in gs and bool(gs.OP), "/op" in gs and bool(gs.op), "/OP" in gs,
                                "/op" in gs) for name, gs in gstates.items()))
    raw = bytes(owner.read_raw_bytes())
    return (hashlib.sha256(raw).digest(), repr(owner.get("/Filter")), repr(owner.get("/DecodeParms")), gstates, kinds)


def _gstates(pdf: pikepdf.Pdf, holder) -> None:
    res = holder.get("/Resources")
    if res is None:
        holder.Resources = res = pikepdf.Dictionary()
    if "/ExtGState" not in res:
        res.ExtGState = pikepdf.Dictionary()
    for (stroke, fill), name in NAMES.items():
        if name not in res.ExtGState:
            res.ExtGState[name] = pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.ExtGState, OP=stroke, op=fill, OPM=1 if stroke or fill else 0))
