"""An independent preflight for print PDFs (PDF/X-1a:2001 or PDF/X-4), for any PDF, not only
posterdeck's: it reads the file with pikepdf and knows nothing of how it was made.

Each finding names the page, the object and the rule. Errors fail the check; warnings do not.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import pikepdf

from posterdeck.finish.content import COLOUR_OPS, FILL_OPS, PAINT_OPS, STROKE_OPS, TEXT_OPS, State, Stream, Walker, only
from posterdeck.pagemodel import FAIL_PPI, PRINT_PPI

MM = 72 / 25.4
CMYK_SPACES = {"/DeviceCMYK", "/DeviceGray"}
RGB_SPACES = {"/DeviceRGB", "/CalRGB"}


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning"
    rule: str
    page: int  # 1-based; 0 for the document
    obj: str
    message: str

    def __str__(self) -> str:
        where = f"page {self.page}" if self.page else "document"
        return f"{self.severity}: {where}: {self.obj}: [{self.rule}] {self.message}"


@dataclass
class Report:
    standard: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def add(self, severity, rule, page, obj, message):
        f = Finding(severity, rule, page, obj, message)
        if f not in self.findings:
            self.findings.append(f)


def preflight(data: bytes, standard: str = "x1a", total_ink: float = 300.0) -> Report:
    report = Report(standard)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        report.add("error", "readable", 0, "file", f"not a readable PDF: {exc}")
        return report
    _document(pdf, report, standard)
    knockouts = _Knockouts()
    for number, page in enumerate(pdf.pages, 1):
        _boxes(page, number, report)
        _annotations(page, number, report)
        if standard == "x1a" and page.obj.get("/Group") is not None and page.obj.Group.get("/S") == "/Transparency":
            report.add("error", "transparency", number, "page group", "a transparency group; PDF/X-1a allows none")
        _Checks(pdf, report, number, standard, total_ink, knockouts).walk(page, page.obj, State(), "page content")
    _overprint(knockouts, report)
    return report


class _Knockouts:
    """What the content walk found for the overprint remark: (page, stream, kind) -> the number
    of 100 % K paints that knock out, counted as overprint.black_knockouts() finds them (pages and
    the forms they paint, not tiling patterns); ``unreadable``: a stream it walks cannot be
    parsed, so there is no remark (the check reports the stream)."""

    def __init__(self):
        self.counts: dict = {}
        self.unreadable = False


def _overprint(knockouts: _Knockouts, report: Report) -> None:
    """100 % K text and rules should overprint (no white edge from misregistration): a remark,
    one warning per content stream with the count."""
    if knockouts.unreadable:
        return  # the colour walk reports unreadable streams
    for (page, obj, kind), n in knockouts.counts.items():
        what = "text runs" if kind == "text" else f"{kind} paths"
        report.add("warning", "overprint", page, obj, f"{n} 100% K {what} knock out instead of overprinting "
                   "(set OP/op true with OPM 1)")


def _document(pdf, report: Report, standard: str) -> None:
    want = "1.3" if standard == "x1a" else "1.6"
    if pdf.pdf_version > want:
        report.add("error", "version", 0, "header", f"PDF {pdf.pdf_version}; PDF/X-{'1a:2001' if standard == 'x1a' else '4'} needs PDF {want} or lower")
    info = pdf.docinfo
    version = str(info.get("/GTS_PDFXVersion", ""))
    expected = "PDF/X-1:2001" if standard == "x1a" else "PDF/X-4"
    if standard == "x1a":
        if version != expected:
            report.add("error", "info", 0, "Info", f"GTS_PDFXVersion is {version or 'missing'}; want {expected}")
        if str(info.get("/GTS_PDFXConformance", "")) != "PDF/X-1a:2001":
            report.add("error", "info", 0, "Info", "GTS_PDFXConformance is not PDF/X-1a:2001")
    else:
        meta = pdf.Root.get("/Metadata")
        xmp = bytes(meta.read_bytes()) if meta is not None else b""
        if b"GTS_PDFXVersion" not in xmp or b"PDF/X-4" not in xmp:
            report.add("error", "xmp", 0, "Metadata", "XMP lacks pdfxid:GTS_PDFXVersion PDF/X-4")
        for key in (b"xmpMM:DocumentID", b"xmpMM:InstanceID", b"xmpMM:VersionID", b"xmpMM:RenditionClass"):
            if key not in xmp:
                report.add("error", "xmp", 0, "Metadata", f"XMP lacks {key.decode()}; PDF/X-4 requires it")
    if not str(info.get("/Title", "")).strip():
        report.add("error", "info", 0, "Info", "no Title")
    if str(info.get("/Trapped", "")) not in ("/True", "/False"):
        report.add("error", "info", 0, "Info", "Trapped must be True or False")
    for key in ("/CreationDate", "/ModDate"):
        if key not in info:
            report.add("error", "info", 0, "Info", f"no {key[1:]}")
    if "/ID" not in pdf.trailer:
        report.add("error", "trailer", 0, "trailer", "no document ID")
    intents = [i for i in pdf.Root.get("/OutputIntents", pikepdf.Array()) if i.get("/S") == "/GTS_PDFX"]
    if len(intents) != 1:
        report.add("error", "output-intent", 0, "OutputIntents", f"{len(intents)} GTS_PDFX output intents; want one")
    else:
        intent = intents[0]
        if not str(intent.get("/OutputConditionIdentifier", "")):
            report.add("error", "output-intent", 0, "OutputIntent", "no OutputConditionIdentifier")
        profile = intent.get("/DestOutputProfile")
        if standard == "x4" and profile is None:
            report.add("error", "output-intent", 0, "OutputIntent", "PDF/X-4 needs an embedded DestOutputProfile")
        if profile is not None and int(profile.get("/N", 0)) != 4:
            report.add("error", "output-intent", 0, "OutputIntent", "the output profile is not a CMYK (N 4) profile")
        elif profile is not None:
            from posterdeck.finish.icc import profile_problem

            problem = profile_problem(bytes(profile.read_bytes()), str(intent.get("/OutputConditionIdentifier", "")),
                                      "the DestOutputProfile")
            if problem:
                report.add("warning", "output-intent", 0, "OutputIntent", problem)
    if "/OpenAction" in pdf.Root or "/AA" in pdf.Root:
        report.add("error", "actions", 0, "Catalog", "document actions (OpenAction/AA) are not allowed")
    names = pdf.Root.get("/Names")
    if names is not None and "/JavaScript" in names:
        report.add("error", "actions", 0, "Names", "JavaScript is not allowed")


def _box(page, name):
    box = page.obj.get(name)
    return [float(v) for v in box] if box is not None else None


def _inside(inner, outer, tol=0.01) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol and inner[2] <= outer[2] + tol
            and inner[3] <= outer[3] + tol)


def _boxes(page, number: int, report: Report) -> None:
    media = _box(page, "/MediaBox")
    trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
    if trim is None and _box(page, "/ArtBox") is None:
        report.add("error", "boxes", number, "page", "no TrimBox (nor ArtBox): the finished size is unknown")
        return
    if trim is None:
        return
    if bleed is None:
        report.add("error", "boxes", number, "page", "no BleedBox: artwork to the edge will show white after cutting")
        bleed = trim
    if not _inside(trim, bleed):
        report.add("error", "boxes", number, "page", "TrimBox is not inside the BleedBox")
    if media and not _inside(bleed, media):
        report.add("error", "boxes", number, "page", "BleedBox is not inside the MediaBox")
    margins = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
    if min(margins) < 3 * MM - 0.05:
        report.add("error", "bleed", number, "page", f"bleed {min(margins) / MM:.1f} mm; print shops need at least 3 mm")


def _annotations(page, number: int, report: Report) -> None:
    bleed = _box(page, "/BleedBox") or _box(page, "/TrimBox") or _box(page, "/MediaBox")
    for annot in page.obj.get("/Annots", pikepdf.Array()):
        sub = str(annot.get("/Subtype", ""))
        if "/A" in annot or "/AA" in annot:
            report.add("error", "actions", number, f"annotation {sub}", "an action (link or script) is not allowed")
        rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
        r = [min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])]
        if sub != "/PrinterMark" and bleed and r[0] < bleed[2] and r[2] > bleed[0] and r[1] < bleed[3] and r[3] > bleed[1]:
            report.add("error", "annotations", number, f"annotation {sub}", "an annotation inside the bleed box")


class _Checks(Walker):
    """Checks the content streams of one page (forms and tiling patterns included, at every
    place they are painted): colour, graphics states, images and fonts; and counts the 100 % K
    paints that knock out (``knockouts``, shared by the pages), in the same walk."""

    # what the checks and the count read: colour and its spaces, overprint (gs), the CTM (q Q cm)
    # for image resolution, paints, XObjects and shadings; not text positioning nor marked content
    operators = only(COLOUR_OPS, TEXT_OPS, PAINT_OPS, {"q", "Q", "cm", "gs", "Do", "sh"})

    def __init__(self, pdf, report: Report, page: int, standard: str, total_ink: float,
                 knockouts: _Knockouts | None = None):
        super().__init__(pdf)
        self.report, self.page, self.standard, self.total_ink = report, page, standard, total_ink
        self.seen_fonts: set = set()
        self.knockouts = knockouts if knockouts is not None else _Knockouts()
        self.forms: list[str] = []  # the names of the forms walked into, outermost first
        self.patterns = 0  # > 0: inside a tiling pattern, where the knockouts are not counted

    def err(self, rule, obj, message, severity="error"):
        self.report.add(severity, rule, self.page, obj, message)

    def unreadable(self, label: str, exc: Exception) -> None:
        self.err("syntax", label, f"content stream cannot be parsed: {exc}")
        if not self.patterns:
            self.knockouts.unreadable = True

    def _form(self, name: str, st: State, stream: Stream) -> None:
        self.forms.append(name)
        try:
            super()._form(name, st, stream)
        finally:
            self.forms.pop()

    def _knockout(self, kind: str, st: State) -> None:
        from posterdeck.finish.overprint import black_knockout

        if self.patterns or not black_knockout(kind, st.fill_k, st.stroke_k, bool(st.op_fill), bool(st.op_stroke)):
            return
        key = (self.page, "form " + " form ".join(self.forms) if self.forms else "page content", kind)
        self.knockouts.counts[key] = self.knockouts.counts.get(key, 0) + 1

    def start(self, stream: Stream) -> None:
        self._fonts(stream.resources, stream.label)
        self._colour_spaces(stream.resources, stream.label)
        self._ext_gstates(stream.resources, stream.label)

    def inline_image(self, inst, st: State, stream: Stream) -> None:
        iimage, label = inst.iimage, stream.label
        cs = str(iimage.obj.get("/CS", iimage.obj.get("/ColorSpace", "")))
        if cs in ("/RGB", "/DeviceRGB"):
            self.err("colour", f"{label} inline image", "an RGB inline image")
        self._resolution(int(iimage.width), int(iimage.height), st.ctm, f"{label} inline image")

    def operator(self, op: str, operands, st: State, stream: Stream) -> None:
        label, resources = stream.label, stream.resources
        if op in TEXT_OPS:
            self._knockout("text", st)
        elif op in PAINT_OPS:
            self._knockout("fill" if op in FILL_OPS else "stroke" if op in STROKE_OPS else "both", st)
        elif op in ("rg", "RG"):
            self.err("colour", label, f"RGB colour operator '{op}' ({' '.join(str(float(v)) for v in operands)})")
        elif op in ("k", "K"):
            self._ink(operands, label)
        elif op in ("cs", "CS") and operands:
            self._space_name(str(operands[0]), resources, label)
        elif op in ("sc", "scn", "SC", "SCN"):
            space = st.fill_space if op in ("sc", "scn") else st.stroke_space
            if space == "/DeviceCMYK" and len(operands) == 4:
                self._ink(operands, label)
            if operands and isinstance(operands[-1], pikepdf.Name):
                self._pattern(str(operands[-1]), st, stream)
        elif op == "Do" and operands:
            self._xobject(str(operands[0]), st, stream)  # a form is then walked by the walker
        elif op == "sh" and operands:
            self._shading(str(operands[0]), resources)

    def _ink(self, operands, label: str) -> None:
        ink = sum(float(v) for v in operands) * 100
        if ink > self.total_ink + 0.01:
            self.err("total-ink", label, f"total ink {ink:.0f}% exceeds {self.total_ink:.0f}%")

    def _space_name(self, name: str, resources, label: str) -> None:
        if name in CMYK_SPACES or name == "/Pattern":
            return
        if name in RGB_SPACES:
            self.err("colour", label, f"colour space {name}")
            return
        spaces = resources.get("/ColorSpace", pikepdf.Dictionary())
        if name in spaces:
            self._space(spaces[name], label, name)

    def _space(self, space, label: str, name: str = "") -> None:
        if isinstance(space, pikepdf.Name):
            if str(space) in RGB_SPACES:
                self.err("colour", label, f"colour space {name or space} is RGB")
            return
        if not isinstance(space, pikepdf.Array) or not len(space):
            return
        family = str(space[0])
        if family == "/ICCBased":
            n = int(space[1].get("/N", 0))
            if n == 3 and self.standard == "x1a":
                self.err("colour", label, f"colour space {name} is ICC-based RGB")
        elif family in ("/CalRGB", "/Lab") and self.standard == "x1a":
            self.err("colour", label, f"colour space {name} is {family[1:]}")
        elif family in ("/Separation", "/DeviceN"):
            self._space(space[2], label, f"{name} (alternate)")
        elif family == "/Indexed":
            self._space(space[1], label, f"{name} (base)")

    def _colour_spaces(self, resources, label) -> None:
        for name, space in resources.get("/ColorSpace", pikepdf.Dictionary()).items():
            self._space(space, label, name)

    def _ext_gstates(self, resources, label) -> None:
        for name, gs in resources.get("/ExtGState", pikepdf.Dictionary()).items():
            obj = f"ExtGState {name}"
            smask = gs.get("/SMask")
            if smask is not None and str(smask) != "/None":
                self.err("transparency", obj, "a soft mask (SMask)", "error" if self.standard == "x1a" else "warning")
            for key in ("/CA", "/ca"):
                if key in gs and float(gs[key]) < 1:
                    self.err("transparency", obj, f"{key[1:]} {float(gs[key])}: transparency",
                             "error" if self.standard == "x1a" else "warning")
            bm = gs.get("/BM")
            if bm is not None and str(bm) not in ("/Normal", "/Compatible") and self.standard == "x1a":
                self.err("transparency", obj, f"blend mode {bm}")

    def _fonts(self, resources, label) -> None:
        for name, font in resources.get("/Font", pikepdf.Dictionary()).items():
            key = font.objgen if font.is_indirect else (label, name)
            if key in self.seen_fonts:
                continue
            self.seen_fonts.add(key)
            base = str(font.get("/BaseFont", name))
            obj = f"font {base}"
            sub = str(font.get("/Subtype", ""))
            if sub == "/Type3":
                self.err("fonts", obj, "a Type 3 font; charts should keep text as TrueType text", "warning")
                continue
            desc = font.get("/FontDescriptor")
            if sub == "/Type0":
                desc = font.DescendantFonts[0].get("/FontDescriptor")
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                self.err("fonts", obj, "not embedded")
            elif "+" not in base[:8]:
                self.err("fonts", obj, "embedded in full, not as a subset", "warning")

    def _xobject(self, name, st: State, stream: Stream) -> None:
        x = stream.xobject(name)
        if x is None:
            self.err("syntax", stream.label, f"Do {name}: no such XObject")
            return
        sub = str(x.get("/Subtype", ""))
        if sub == "/Image":
            self._image(x, f"image {name}", st.ctm)
        elif sub == "/Form":
            group = x.get("/Group")
            if group is not None and str(group.get("/S", "")) == "/Transparency" and self.standard == "x1a":
                self.err("transparency", f"form {name}", "a transparency group")

    def _pattern(self, name, st: State, stream: Stream) -> None:
        patterns = stream.resources.get("/Pattern", pikepdf.Dictionary())
        if name in patterns:
            p = patterns[name]
            if int(p.get("/PatternType", 0)) == 1:
                self.patterns += 1
                try:
                    self.walk(p, p, st.inner(), f"pattern {name}", stream.depth + 1, stream.resources)
                finally:
                    self.patterns -= 1
            elif "/Shading" in p:
                self._space(p.Shading.get("/ColorSpace"), f"pattern {name}")

    def _shading(self, name, resources) -> None:
        shadings = resources.get("/Shading", pikepdf.Dictionary())
        if name in shadings:
            self._space(shadings[name].get("/ColorSpace"), f"shading {name}")

    def _image(self, img, obj: str, ctm) -> None:
        space = img.get("/ColorSpace")
        if space is not None:
            self._space(space, obj, "image")
        if img.get("/SMask") is not None and self.standard == "x1a":
            self.err("transparency", obj, "an image with a soft mask (alpha)")
        if "/JPXDecode" in str(img.get("/Filter", "")) and self.standard == "x1a":
            self.err("images", obj, "JPEG 2000 is not allowed in PDF/X-1a")
        bpc = int(img.get("/BitsPerComponent", 8))
        if bpc > 8 and self.standard == "x1a":
            self.err("images", obj, f"{bpc} bits per component; PDF/X-1a allows 8 at most")
        self._resolution(int(img.get("/Width", 0)), int(img.get("/Height", 0)), ctm, obj)

    def _resolution(self, w_px: int, h_px: int, ctm, obj: str) -> None:
        w_pt = math.hypot(ctm[0], ctm[1])
        h_pt = math.hypot(ctm[2], ctm[3])
        if not w_px or w_pt <= 0 or h_pt <= 0:
            return
        ppi = min(w_px / (w_pt / 72), h_px / (h_pt / 72))
        if ppi < FAIL_PPI:
            self.err("resolution", obj, f"{ppi:.0f} ppi at its placed size; print needs {PRINT_PPI} "
                                        f"(fails under {FAIL_PPI})")
        elif ppi < PRINT_PPI:
            self.err("resolution", obj, f"{ppi:.0f} ppi at its placed size; print needs {PRINT_PPI}", "warning")
