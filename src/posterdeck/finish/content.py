"""The one walker of PDF content streams that finish/ uses (preflight, PDF/UA, overprint, colour,
subset tags): operators with their operands, the graphics state followed through them (q/Q,
cm, gs overprint, colour and colour space, text matrix and size, marked content), and form
XObjects recursed with their own resources and matrix.

A check or a fix subclasses Walker and overrides the hooks it needs; a fix returns the
instructions that replace an operator, and the walker writes the stream back when any did.
It reads any PDF with pikepdf and knows nothing of how the file was made.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pikepdf

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
TEXT_OPS = {"Tj", "TJ", "'", '"'}
FILL_OPS = {"f", "F", "f*"}
STROKE_OPS = {"S", "s"}
BOTH_OPS = {"B", "B*", "b", "b*"}
PAINT_OPS = FILL_OPS | STROKE_OPS | BOTH_OPS
MARK_OPS = {"BMC", "BDC", "EMC"}
COLOUR_OPS = {"k", "K", "g", "G", "rg", "RG", "cs", "CS", "sc", "scn", "SC", "SCN"}
MAX_DEPTH = 12  # forms inside forms: deeper nesting is not followed (a loop guard)


def mul(a, b) -> tuple:
    """a then b: the matrix product of two PDF matrices [a b c d e f]."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def k_only(values, space: str) -> bool:
    """The colour ``values`` in ``space`` are 100 % K (or grey 0) and nothing else."""
    try:
        v = [float(x) for x in values]
    except (TypeError, ValueError):  # a pattern name
        return False
    if len(v) == 4 and space in ("/DeviceCMYK", "cmyk"):
        return max(abs(v[0]), abs(v[1]), abs(v[2])) < 1e-4 and abs(v[3] - 1) < 1e-4
    if len(v) == 1 and space in ("/DeviceGray", "gray"):
        return abs(v[0]) < 1e-4
    return False


@dataclass
class State:
    """The graphics state as far as finish/ needs it; ``marks``: the open marked-content
    sequences (tag, MCID or None), which q/Q do not save."""

    fill_k: bool = True  # the initial colour is DeviceGray black
    stroke_k: bool = True
    fill_space: str = "/DeviceGray"
    stroke_space: str = "/DeviceGray"
    op_fill: bool | None = False  # overprint in force for fills (ExtGState op); None: unknown
    op_stroke: bool | None = False
    ctm: tuple = IDENTITY
    font_size: float = 0.0
    tm: tuple = IDENTITY
    marks: list = field(default_factory=list)
    saved: list = field(default_factory=list)

    def inner(self, matrix=IDENTITY) -> "State":
        """The state a form XObject starts with when painted here: this one, under its matrix."""
        return replace(self, ctm=mul(matrix, self.ctm), marks=list(self.marks), saved=[])

    def text_size(self) -> float:
        """The font size on the page, in points."""
        m = mul(self.tm, self.ctm)
        return abs(self.font_size) * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))

    def track(self, op: str, operands, resources) -> bool:
        """Follow one operator; True when it was a state operator (one with operands that are
        not numbers where numbers belong is passed over: the checks report what they find)."""
        follow = _FOLLOW.get(op)
        if follow is None:
            return False
        try:
            follow(self, op, operands, resources)
        except (TypeError, ValueError):
            pass
        return True

    def _save(self, op, operands, resources) -> None:
        self.saved.append((self.fill_k, self.stroke_k, self.fill_space, self.stroke_space, self.op_fill,
                           self.op_stroke, self.ctm, self.font_size))

    def _restore(self, op, operands, resources) -> None:
        if self.saved:
            (self.fill_k, self.stroke_k, self.fill_space, self.stroke_space, self.op_fill, self.op_stroke,
             self.ctm, self.font_size) = self.saved.pop()

    def _cm(self, op, operands, resources) -> None:
        if len(operands) == 6:
            self.ctm = mul(tuple(float(v) for v in operands), self.ctm)

    def _gs(self, op, operands, resources) -> None:
        if operands:
            self._ext_gstate(resources, str(operands[0]))

    def _bt(self, op, operands, resources) -> None:
        self.tm = IDENTITY

    def _tf(self, op, operands, resources) -> None:
        if len(operands) == 2:
            self.font_size = float(operands[1])

    def _tm(self, op, operands, resources) -> None:
        if len(operands) == 6:
            self.tm = tuple(float(v) for v in operands)

    def _td(self, op, operands, resources) -> None:
        if len(operands) == 2:
            self.tm = mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), self.tm)

    def _mark(self, op, operands, resources) -> None:
        if operands:
            props = operands[1] if op == "BDC" and len(operands) > 1 else None
            if isinstance(props, pikepdf.Name):
                props = resources.get("/Properties", pikepdf.Dictionary()).get(str(props))
            mcid = int(props["/MCID"]) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
            self.marks.append((str(operands[0]), mcid))

    def _emc(self, op, operands, resources) -> None:
        if self.marks:
            self.marks.pop()

    def _colour(self, op: str, operands, resources) -> None:
        if op in ("k", "K"):
            value, space = k_only(operands, "cmyk"), "/DeviceCMYK"
        elif op in ("g", "G"):
            value, space = k_only(operands, "gray"), "/DeviceGray"
        elif op in ("rg", "RG"):
            value, space = False, "/DeviceRGB"
        elif op in ("cs", "CS"):
            space = str(operands[0]) if operands else ""
            value = space in ("/DeviceCMYK", "/DeviceGray")  # the initial colour of both is black
        else:  # sc scn SC SCN
            space = self.fill_space if op.islower() else self.stroke_space
            value = k_only(operands, space)
        if op.islower():
            self.fill_k, self.fill_space = value, space
        else:
            self.stroke_k, self.stroke_space = value, space

    def _ext_gstate(self, resources, name: str) -> None:
        gs = resources.get("/ExtGState", pikepdf.Dictionary()).get(name)
        if gs is None:
            return
        if "/OP" in gs:
            self.op_stroke = bool(gs.OP)
            self.op_fill = bool(gs.get("/op", gs.OP))  # op defaults to OP
        elif "/op" in gs:
            self.op_fill = bool(gs.op)


# operator -> how State follows it; any other operator leaves the state as it is
_FOLLOW = {"q": State._save, "Q": State._restore, "cm": State._cm, "gs": State._gs, "BT": State._bt,
           "Tf": State._tf, "Tm": State._tm, "Td": State._td, "TD": State._td, "BMC": State._mark,
           "BDC": State._mark, "EMC": State._emc, **{op: State._colour for op in COLOUR_OPS}}
STATE_OPS = frozenset(_FOLLOW)  # the operators State follows


def only(*groups) -> str:
    """A Walker's ``operators``: the operators of ``groups`` (sets of names), inline images too."""
    return " ".join(sorted(set().union(*groups) | {"BI", "ID", "EI"}))


@dataclass
class Stream:
    """The content stream being walked: ``owner`` (a Page or a form/pattern stream), ``holder``
    (the dictionary whose /Resources it uses), its resources, a label for findings, its depth;
    ``changed``: an operator of it was replaced already."""

    owner: object
    holder: object
    resources: object
    label: str
    depth: int
    changed: bool = False

    def xobject(self, name: str):
        return self.resources.get("/XObject", pikepdf.Dictionary()).get(name)


class Walker:
    """Walks pages and the forms they paint. Hooks (all optional): ``unreadable`` (the stream
    cannot be parsed; raises by default), ``start`` (before a stream's operators), ``operator``
    (each operator after the state followed it; may return the instructions replacing it),
    ``inline_image``, ``form_label`` and ``form_state``. ``once``: each form is walked once (a
    fix that rewrites it), else at every Do that paints it (a check that needs its placement).
    ``operators``: the operators the parser hands over, space-separated ("" all of them): a check
    that looks at a few operators names those and the operators that set what its hooks read of
    the state, so that the rest is neither made into Python objects nor followed. A fix walks all
    operators: the stream it writes back is made of the instructions it walked.
    ``follows``: the operators the state follows (by default all that State knows; a walker whose
    hooks read part of the state may name the operators that set that part), ``hooked``: the
    operators ``operator`` is called for (None: all)."""

    once = False
    operators = ""
    follows = STATE_OPS
    hooked: frozenset | None = None

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.walked: set = set()

    def pages(self, state=State) -> None:
        """Walk every page, from a fresh ``state()`` each."""
        for number, page in enumerate(self.pdf.pages, 1):
            self.page = number
            self.walk(page, page.obj, state(), self.page_label(number))

    def page_label(self, number: int) -> str:
        return "page content"

    def walk(self, owner, holder, st: State, label: str, depth: int = 0, inherited=None) -> "Stream | None":
        """Walk one stream (``holder``: where its /Resources are, the page dictionary or the
        stream itself; ``inherited``: the resources of the stream that paints it, used when it
        has none of its own), forms included; the Stream walked (None: too deep, or unreadable)."""
        if depth > MAX_DEPTH:
            return None
        try:
            instructions = pikepdf.parse_content_stream(owner, self.operators)
        except pikepdf.PdfError as exc:
            self.unreadable(label, exc)
            return None
        resources = holder.get("/Resources", inherited if inherited is not None else pikepdf.Dictionary())
        stream = Stream(owner, holder, resources, label, depth)
        self.start(stream)
        track, operator, inline = st.track, self.operator, pikepdf.ContentStreamInlineImage
        follows, hooked = self.follows, self.hooked
        wanted = None if hooked is None else follows | hooked | {"Do"}  # the operators looked at
        replacements = []  # (index, the instructions replacing it)
        for i, inst in enumerate(instructions):
            if type(inst) is inline:
                self.inline_image(inst, st, stream)
                continue
            op = str(inst.operator)
            if wanted is not None and op not in wanted:
                continue
            operands = inst.operands
            if op in follows:
                track(op, operands, stream.resources)
            if hooked is None or op in hooked:
                replaced = operator(op, operands, st, stream)
                if replaced is not None:
                    if self.operators:
                        raise ValueError(f"{type(self).__name__} replaces operators but walks only {self.operators!r}")
                    replacements.append((i, replaced))
                    stream.changed = True
            if op == "Do" and operands:
                self._form(str(operands[0]), st, stream)
        if stream.changed:
            out, kept = [], 0
            for i, replaced in replacements:
                out.extend(instructions[kept:i])
                out.extend(replaced)
                kept = i + 1
            out.extend(instructions[kept:])
            replace_content(self.pdf, owner, out)
        return stream

    def _form(self, name: str, st: State, stream: Stream) -> None:
        form = stream.xobject(name)
        if form is None or form.get("/Subtype") != "/Form":
            return
        if self.once:
            if form.objgen in self.walked:
                return
            self.walked.add(form.objgen)
        matrix = tuple(float(v) for v in form.get("/Matrix", IDENTITY))
        self.walk(form, form, self.form_state(st, matrix), self.form_label(stream.label, name), stream.depth + 1,
                  stream.resources)

    # hooks
    def unreadable(self, label: str, exc: Exception) -> None:
        raise exc

    def start(self, stream: Stream) -> None:
        pass

    def operator(self, op: str, operands, st: State, stream: Stream) -> list | None:
        return None

    def inline_image(self, inst, st: State, stream: Stream) -> None:
        pass

    def form_label(self, label: str, name: str) -> str:
        return f"form {name}"

    def form_state(self, st: State, matrix: tuple) -> State:
        return st.inner(matrix)


def replace_content(pdf: pikepdf.Pdf, owner, instructions: list) -> None:
    """Write ``instructions`` as the content of ``owner``: a page's contents or a form's stream."""
    data = pikepdf.unparse_content_stream(instructions)
    if isinstance(owner, pikepdf.Page):
        owner.obj.Contents = pdf.make_stream(data)
    else:
        owner.write(data)


def resource_dicts(pdf: pikepdf.Pdf):
    """Every /Resources dictionary of the pages and of the forms and tiling patterns they hold,
    each once (nested ones too)."""
    seen: set = set()

    def visit(resources, depth):
        if resources is None or depth > MAX_DEPTH:
            return
        yield resources
        for holder in ("/XObject", "/Pattern"):
            for x in resources.get(holder, pikepdf.Dictionary()).values():
                if isinstance(x, pikepdf.Stream) and x.objgen not in seen and "/Resources" in x:
                    seen.add(x.objgen)
                    yield from visit(x.Resources, depth + 1)

    for page in pdf.pages:
        yield from visit(page.obj.get("/Resources"), 0)


class Memo:
    """Results of finish/ kept in this process (build workers fork from it) for the same input
    met again (a chart in every target of a language): key -> a tuple of bytes (or None), the
    oldest dropped beyond ``limit`` bytes. A key holds all the result depends on."""

    def __init__(self, limit: int):
        self.items: dict = {}
        self.size, self.limit = 0, limit

    def get(self, key):
        return self.items.get(key)

    def put(self, key, value: tuple) -> None:
        size = sum(len(v) for v in value if v is not None) + 200
        self.items[key] = value
        self.size += size
        while self.size > self.limit and self.items:
            old = self.items.pop(next(iter(self.items)))
            self.size -= sum(len(v) for v in old if v is not None) + 200
