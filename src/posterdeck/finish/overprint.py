"""Overprinting black in print PDFs: a walker that follows the graphics state through content
streams and forms (fill and stroke colour, ExtGState overprint, text size), the fix that makes
every 100 % K text run, stroke and fill overprint (and everything else knock out), and the
check the preflight runs.

The walker reads any PDF with pikepdf; it knows nothing of how the file was made.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pikepdf

TEXT_OPS = {"Tj", "TJ", "'", '"'}
FILL_OPS = {"f", "F", "f*"}
STROKE_OPS = {"S", "s"}
BOTH_OPS = {"B", "B*", "b", "b*"}
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
        fill = self.kind in ("text", "fill", "both") and self.fill_k and not self.op_fill
        stroke = self.kind in ("stroke", "both") and self.stroke_k and not self.op_stroke
        return fill or stroke


@dataclass
class _State:
    fill_k: bool = True  # the initial colour is DeviceGray black
    stroke_k: bool = True
    fill_space: str = "/DeviceGray"
    stroke_space: str = "/DeviceGray"
    op_fill: bool | None = False
    op_stroke: bool | None = False
    ctm: tuple = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    font_size: float = 0.0
    tm: tuple = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list = field(default_factory=list)

    def copy(self) -> "_State":
        return _State(self.fill_k, self.stroke_k, self.fill_space, self.stroke_space, self.op_fill,
                      self.op_stroke, self.ctm, self.font_size, self.tm)

    SAVED = ("fill_k", "stroke_k", "fill_space", "stroke_space", "op_fill", "op_stroke", "ctm", "font_size")

    def save(self) -> None:
        self.stack.append(tuple(getattr(self, k) for k in self.SAVED))

    def restore(self) -> None:
        if self.stack:
            for k, v in zip(self.SAVED, self.stack.pop()):
                setattr(self, k, v)


def _mul(a, b):
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _k_only(values, space: str) -> bool:
    v = [float(x) for x in values]
    if len(v) == 4 and space in ("/DeviceCMYK", "cmyk"):
        return max(abs(v[0]), abs(v[1]), abs(v[2])) < 1e-4 and abs(v[3] - 1) < 1e-4
    if len(v) == 1 and space in ("/DeviceGray", "gray"):
        return abs(v[0]) < 1e-4
    return False


def _colour(st: _State, op: str, operands) -> bool:
    """Apply a colour operator to the state; True when it was one."""
    fill = op.islower()
    if op in ("k", "K"):
        value, space = _k_only(operands, "cmyk"), "/DeviceCMYK"
    elif op in ("g", "G"):
        value, space = _k_only(operands, "gray"), "/DeviceGray"
    elif op in ("rg", "RG"):
        value, space = False, "/DeviceRGB"
    elif op in ("cs", "CS"):
        space = str(operands[0]) if operands else ""
        value = space in ("/DeviceCMYK", "/DeviceGray")  # the initial colour of both is black
    elif op in ("sc", "scn", "SC", "SCN"):
        space = st.fill_space if fill else st.stroke_space
        value = _k_only(operands, space)
    else:
        return False
    if fill:
        st.fill_k, st.fill_space = value, space
    else:
        st.stroke_k, st.stroke_space = value, space
    return True


def _ext_gstate(st: _State, resources, name: str) -> None:
    gs = resources.get("/ExtGState", pikepdf.Dictionary()).get(name)
    if gs is None:
        return
    if "/OP" in gs:
        st.op_stroke = bool(gs.OP)
        st.op_fill = bool(gs.get("/op", gs.OP))  # op defaults to OP
    elif "/op" in gs:
        st.op_fill = bool(gs.op)


def _track(st: _State, resources, op: str, operands) -> bool:
    """Follow the graphics state through q/Q, gs and colour operators; True when ``op`` was one."""
    if op == "q":
        st.save()
    elif op == "Q":
        st.restore()
    elif op == "gs" and operands:
        _ext_gstate(st, resources, str(operands[0]))
    else:
        return _colour(st, op, operands)
    return True


def _size(st: _State) -> float:
    m = _mul(st.tm, st.ctm)
    return abs(st.font_size) * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def walk(pdf: pikepdf.Pdf) -> list[Mark]:
    """Every painting operator of every page, forms and tiling patterns included, in order."""
    marks: list[Mark] = []
    for number, page in enumerate(pdf.pages, 1):
        _walk(page, page.obj.get("/Resources", pikepdf.Dictionary()), _State(), f"page {number}", marks, 0)
    return marks


def _walk(owner, resources, st: _State, where: str, marks: list, depth: int) -> None:
    if depth > 12:
        return
    for inst in pikepdf.parse_content_stream(owner):
        if isinstance(inst, pikepdf.ContentStreamInlineImage):
            continue
        operands, op = inst.operands, str(inst.operator)
        if _track(st, resources, op, operands):
            pass
        elif op == "cm" and len(operands) == 6:
            st.ctm = _mul(tuple(float(v) for v in operands), st.ctm)
        elif op == "BT":
            st.tm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        elif op == "Tf" and len(operands) == 2:
            st.font_size = float(operands[1])
        elif op == "Tm" and len(operands) == 6:
            st.tm = tuple(float(v) for v in operands)
        elif op in ("Td", "TD") and len(operands) == 2:
            st.tm = _mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), st.tm)
        elif op in TEXT_OPS:
            text = b"".join(bytes(v) for v in (operands[-1] if op == "TJ" else operands[-1:])
                            if isinstance(v, pikepdf.String))
            marks.append(Mark("text", where, st.fill_k, st.stroke_k, bool(st.op_fill), bool(st.op_stroke),
                              _size(st), text))
        elif op in FILL_OPS or op in STROKE_OPS or op in BOTH_OPS:
            kind = "fill" if op in FILL_OPS else "stroke" if op in STROKE_OPS else "both"
            marks.append(Mark(kind, where, st.fill_k, st.stroke_k, bool(st.op_fill), bool(st.op_stroke)))
        elif op == "Do" and operands:
            form = resources.get("/XObject", pikepdf.Dictionary()).get(str(operands[0]))
            if form is not None and form.get("/Subtype") == "/Form":
                inner = st.copy()
                inner.ctm = _mul(tuple(float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0])), st.ctm)
                _walk(form, form.get("/Resources", resources), inner, f"{where} form {operands[0]}", marks,
                      depth + 1)


def black_knockouts(pdf: pikepdf.Pdf) -> list[Mark]:
    """The 100 % K text runs, fills and strokes that do not overprint."""
    return [m for m in walk(pdf) if m.black_knockout]


def apply_overprint(pdf: pikepdf.Pdf) -> None:
    """Make every 100 % K text run, fill and stroke overprint (OP/op true, OPM 1) and every
    other paint knock out, in pages and forms (charts), by inserting ExtGStates before the
    painting operators whose overprint state is not yet the one they need."""
    done: set = set()
    for page in pdf.pages:
        _fix(pdf, page, page.obj, _State(), done, 0)


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


def _fix(pdf: pikepdf.Pdf, owner, holder, st: _State, done: set, depth: int) -> None:
    if depth > 12:
        return
    resources = holder.get("/Resources", pikepdf.Dictionary())
    out, changed = [], False
    for inst in pikepdf.parse_content_stream(owner):
        if isinstance(inst, pikepdf.ContentStreamInlineImage):
            out.append(inst)
            continue
        operands, op = inst.operands, str(inst.operator)
        if _track(st, resources, op, operands):
            pass
        elif op in TEXT_OPS or op in FILL_OPS or op in STROKE_OPS or op in BOTH_OPS:
            fills = op not in STROKE_OPS
            strokes = op in STROKE_OPS or op in BOTH_OPS
            want_fill = st.fill_k if fills else bool(st.op_fill)
            want_stroke = st.stroke_k if strokes else bool(st.op_stroke)
            if (fills and st.op_fill is not want_fill) or (strokes and st.op_stroke is not want_stroke) \
                    or st.op_fill is None or st.op_stroke is None:
                if not changed:
                    _gstates(pdf, holder)
                    resources = holder.Resources
                changed = True
                out.append(pikepdf.ContentStreamInstruction([NAMES[(want_stroke, want_fill)]], pikepdf.Operator("gs")))
                st.op_fill, st.op_stroke = want_fill, want_stroke
        elif op == "Do" and operands:
            form = resources.get("/XObject", pikepdf.Dictionary()).get(str(operands[0]))
            if form is not None and form.get("/Subtype") == "/Form" and form.objgen not in done:
                done.add(form.objgen)
                # a form may be painted from many places: it sets its own state from unknown
                _fix(pdf, form, form, _State(op_fill=None, op_stroke=None), done, depth + 1)
        out.append(inst)
    if changed:
        from posterdeck.finish.colour import replace_content

        replace_content(pdf, owner, out)
