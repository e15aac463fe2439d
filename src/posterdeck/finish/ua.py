"""An independent PDF/UA-1 (ISO 14289-1) preflight of the machine-checkable rules, for any PDF:
it reads the file with pikepdf and knows nothing of how it was made.

Rules (each finding names page, object and rule, as the print preflight's do):
marked (MarkInfo Marked true), structure (StructTreeRoot and ParentTree reachable),
content (every text, path and image is inside a marked-content sequence whose MCID the
ParentTree maps to a structure element, or inside an Artifact; form XObjects are walked with
the marks around their Do), figure-alt (every Figure has Alt or ActualText), table-headers (a
Table has TH cells; TH without Scope is a warning), note-id (every Note has a unique ID), headings (no skipped level), link
(every Link annotation has Contents, a StructParent and an OBJR in a Link element), tabs (a
page with annotations has Tabs /S), lang (the catalog's Lang), title (Info Title and
DisplayDocTitle true), xmp (dc:title and pdfuaid:part 1).
"""
from __future__ import annotations

import io
import re

import pikepdf

from posterdeck.finish.content import MARK_OPS, PAINT_OPS, TEXT_OPS, State, Stream, Walker, only
from posterdeck.finish.preflight import Report


def check_ua(data: bytes) -> Report:
    """The PDF/UA-1 findings for the PDF ``data``."""
    report = Report("ua1")
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        report.add("error", "readable", 0, "file", f"not a readable PDF: {exc}")
        return report
    _catalog(pdf, report)
    mapped = _structure(pdf, report)
    for number, page in enumerate(pdf.pages, 1):
        index = page.obj.get("/StructParents")
        mcids = mapped.get(int(index), set()) if index is not None else set()
        _Content(pdf, report, number, mcids).walk(page, page.obj, State(), "page content")
        _annotations(page, number, report)
    return report


def require_ua(data: bytes, label: str) -> None:
    """The build's check of a screen PDF: a PrintError listing every PDF/UA-1 error."""
    report = check_ua(data)
    if report.errors:
        from posterdeck.errors import PrintError

        raise PrintError(f"{label} fails the PDF/UA-1 preflight:\n  " + "\n  ".join(str(f) for f in report.errors),
                         hint="this is a posterdeck bug; run posterdeck preflight --standard ua1 on the file for "
                              "the full report")


def _catalog(pdf, report: Report) -> None:
    root = pdf.Root
    mark = root.get("/MarkInfo")
    if mark is None or not bool(mark.get("/Marked", False)):
        report.add("error", "marked", 0, "Catalog", "MarkInfo Marked is not true: the PDF does not say it is tagged")
    if not str(root.get("/Lang", "")).strip():
        report.add("error", "lang", 0, "Catalog", "no Lang: the document's language is unknown to a screen reader")
    if not str(pdf.docinfo.get("/Title", "")).strip():
        report.add("error", "title", 0, "Info", "no Title")
    prefs = root.get("/ViewerPreferences")
    if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
        report.add("error", "title", 0, "ViewerPreferences", "DisplayDocTitle is not true: viewers show the file name")
    meta = root.get("/Metadata")
    xmp = bytes(meta.read_bytes()).decode("utf-8", "replace") if meta is not None else ""
    if not re.search(r"pdfuaid:part(>\s*1\s*<|\s*=\s*[\"']1[\"'])", xmp):
        report.add("error", "xmp", 0, "Metadata", "the XMP does not claim pdfuaid:part 1")
    if "dc:title" not in xmp:
        report.add("error", "xmp", 0, "Metadata", "the XMP has no dc:title")


def _structure(pdf, report: Report) -> dict[int, set[int]]:
    """Check the structure tree; return the MCIDs the ParentTree maps, per StructParents key."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        report.add("error", "structure", 0, "Catalog", "no StructTreeRoot: the PDF is untagged")
        return {}
    mapped: dict[int, set[int]] = {}
    parent_tree = tree.get("/ParentTree")
    if parent_tree is None:
        report.add("error", "structure", 0, "StructTreeRoot", "no ParentTree")
    else:
        for key, value in _number_tree(parent_tree):
            if isinstance(value, pikepdf.Array):
                mapped[key] = {i for i, v in enumerate(value) if isinstance(v, pikepdf.Dictionary)}
    pages = {p.objgen: n for n, p in enumerate(pdf.pages, 1)}
    levels: list[int] = []
    seen: set = set()
    note_ids: set = set()

    def page_of(elem) -> int:
        pg = elem.get("/Pg")
        return pages.get(pg.objgen, 0) if pg is not None else 0

    def visit(elem, depth: int) -> None:
        if depth > 200 or not isinstance(elem, pikepdf.Dictionary) or elem.objgen in seen and elem.objgen != (0, 0):
            return
        seen.add(elem.objgen)
        kind = str(elem.get("/S", ""))
        page = page_of(elem)
        obj = f"{kind[1:] or 'element'} {elem.objgen[0]}"
        if kind == "/Figure" and not str(elem.get("/Alt", elem.get("/ActualText", ""))).strip():
            report.add("error", "figure-alt", page, obj, "a Figure without alternative text (Alt)")
        m = re.fullmatch(r"/H([1-6])", kind)
        if m:
            level = int(m.group(1))
            if level > (levels[-1] if levels else 0) + 1:
                report.add("error", "headings", page, obj, f"H{level} after {'H' + str(levels[-1]) if levels else 'no heading'}: a level is skipped")
            levels.append(level)
        kids = elem.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        if kind == "/Note":
            ident = str(elem.get("/ID", ""))
            if not ident or ident in note_ids:
                report.add("error", "note-id", page, obj, "a Note without a unique ID")
            note_ids.add(ident)
        if kind == "/Table":
            if not _has(elem, "/TH"):
                report.add("error", "table-headers", page, obj, "a Table without header cells (TH)")
        if kind == "/TH" and not _scope(elem):
            report.add("warning", "table-headers", page, obj, "a TH without Scope")
        if kind == "/Link" and not any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" for k in kids):
            report.add("error", "link", page, obj, "a Link element without its annotation (OBJR)")
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                visit(kid, depth + 1)

    for kid in (lambda k: list(k) if isinstance(k, pikepdf.Array) else [k])(tree.get("/K", pikepdf.Array())):
        visit(kid, 0)
    if not seen:
        report.add("error", "structure", 0, "StructTreeRoot", "the structure tree is empty")
    return mapped


def _has(elem, kind: str, depth: int = 0) -> bool:
    kids = elem.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            if str(kid.S) == kind or (depth < 4 and _has(kid, kind, depth + 1)):
                return True
    return False


def _scope(elem) -> bool:
    attrs = elem.get("/A")
    attrs = list(attrs) if isinstance(attrs, pikepdf.Array) else [] if attrs is None else [attrs]
    return any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in attrs)


def _number_tree(node, depth: int = 0):
    if depth > 32:
        return
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", pikepdf.Array()):
        yield from _number_tree(kid, depth + 1)


def _annotations(page, number: int, report: Report) -> None:
    annots = list(page.obj.get("/Annots", pikepdf.Array()))
    if annots and str(page.obj.get("/Tabs", "")) != "/S":
        report.add("error", "tabs", number, "page", "a page with annotations needs Tabs /S (tab order by structure)")
    for annot in annots:
        sub = str(annot.get("/Subtype", ""))
        if sub in ("/Popup", "/PrinterMark"):
            continue
        obj = f"annotation {sub[1:]} {annot.objgen[0]}"
        if sub == "/Link" and not str(annot.get("/Contents", "")).strip():
            report.add("error", "link", number, obj, "a link without a description (Contents)")
        if "/StructParent" not in annot:
            report.add("error", "link" if sub == "/Link" else "annotations", number, obj,
                       "not in the structure tree (no StructParent)")


class _Content(Walker):
    """Walks a page's content, forms included, with the stack of marked-content sequences."""

    operators = only(TEXT_OPS, PAINT_OPS, MARK_OPS, {"sh", "Do"})
    follows = MARK_OPS  # the state it reads: the marks
    hooked = TEXT_OPS | PAINT_OPS | {"sh", "Do"}

    def __init__(self, pdf, report: Report, page: int, mcids: set[int]):
        super().__init__(pdf)
        self.report, self.page, self.mcids = report, page, mcids

    def unreadable(self, label: str, exc: Exception) -> None:
        self.report.add("error", "content", self.page, label, f"content stream cannot be parsed: {exc}")

    def inline_image(self, inst, st: State, stream: Stream) -> None:
        self._content(st.marks, stream.label, "an inline image")

    def operator(self, op: str, operands, st: State, stream: Stream) -> None:
        if op in TEXT_OPS:
            self._content(st.marks, stream.label, "text")
        elif op in PAINT_OPS or op == "sh":
            self._content(st.marks, stream.label, "a path")
        elif op == "Do" and operands:
            x = stream.xobject(str(operands[0]))
            if x is not None and x.get("/Subtype") == "/Image":
                self._content(st.marks, stream.label, f"image {operands[0]}")

    def _content(self, stack: list, label: str, what: str) -> None:
        if any(tag == "/Artifact" for tag, _ in stack):
            return
        tagged = [mcid for _, mcid in stack if mcid is not None]
        if not tagged:
            self.report.add("error", "content", self.page, label, f"{what} neither tagged nor an artifact")
        elif tagged[-1] not in self.mcids:
            self.report.add("error", "content", self.page, label,
                            f"{what} in marked content MCID {tagged[-1]}, which the ParentTree maps to no element")
