"""Write the structure tree the Tagger recorded into the painted PDF (pikepdf): StructTreeRoot,
ParentTree, page StructParents and Tabs, link annotations described and tied to their Link
elements, MarkInfo, Lang, DisplayDocTitle, XMP (dc:title, pdfuaid:part 1) and a bookmark per
slide. PDF/UA-1 (ISO 14289-1) asks for all of it."""
from __future__ import annotations

from datetime import datetime, timezone
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from posterdeck.pagemodel import Document
from posterdeck.render.pdf.tags import Node, plain


def write_structure(pdf: pikepdf.Pdf, doc: Document, root: Node) -> None:
    """Add the structure of ``root`` (made while painting ``doc``) to ``pdf``, in place."""
    pages = list(pdf.pages)
    struct_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    by_mcid: dict[int, dict[int, object]] = {i: {} for i in range(len(pages))}
    annot_parents: list = []  # (annotation, Link element)
    link_annots = [[a for a in p.obj.get("/Annots", Array()) if a.get("/Subtype") == Name.Link] for p in pages]
    sects: list = []
    notes: list = []

    def make(node: Node, parent) -> object:
        elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + node.type), P=parent))
        if node.alt and node.type == "Figure":
            elem.Alt = String(node.alt)
        if node.type == "Note":  # PDF/UA-1 7.9: every Note has a unique ID
            elem.ID = String(f"note-{len(notes) + 1}")
            notes.append(elem)
        attrs = []
        if node.type == "Table" and node.alt:  # a summary, not Alt: Alt would hide the cells
            attrs.append(Dictionary(O=Name.Table, Summary=String(node.alt)))
        if node.scope or node.colspan > 1:
            table = Dictionary(O=Name.Table)
            if node.scope:
                table.Scope = Name("/" + node.scope)
            if node.colspan > 1:
                table.ColSpan = node.colspan
            attrs.append(table)
        if node.bbox:
            attrs.append(Dictionary(O=Name.Layout, BBox=Array([round(v, 2) for v in node.bbox]),
                                    Placement=Name.Block))
        if attrs:
            elem.A = attrs[0] if len(attrs) == 1 else Array(attrs)
        if node.type == "Sect" and node.title:
            elem.T = String(node.title)
            sects.append((node, elem))
        kids = Array()
        page_of = None
        for kid in node.kids:
            if isinstance(kid, Node):
                kids.append(make(kid, elem))
            elif kid[0] == "mcid":
                _, index, mcid = kid
                by_mcid[index][mcid] = elem
                if page_of is None:
                    page_of = index
                    elem.Pg = pages[index].obj
                kids.append(mcid if index == page_of else Dictionary(Type=Name.MCR, Pg=pages[index].obj, MCID=mcid))
            else:
                _, index, n = kid
                annot = link_annots[index][n]
                kids.append(Dictionary(Type=Name.OBJR, Obj=annot, Pg=pages[index].obj))
                annot_parents.append((annot, elem, node))
        elem.K = kids
        node.elem = elem
        return elem

    document = make(root, struct_root)
    struct_root.K = document
    nums = Array()
    for index, page in enumerate(pages):
        page.obj.StructParents = index
        page.obj.Tabs = Name.S
        mcids = by_mcid[index]
        nums.append(index)
        nums.append(Array([mcids.get(i, pikepdf.Object.parse(b"null")) for i in range(max(mcids, default=-1) + 1)]))
    key = len(pages)
    for annot, elem, node in annot_parents:
        annot.StructParent = key
        annot.Contents = String(node.alt or node.url)  # the words linked describe where it leads
        nums.append(key)
        nums.append(elem)
        key += 1
    struct_root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    struct_root.ParentTreeNextKey = key
    pdf.Root.StructTreeRoot = struct_root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String(doc.language)
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    if any(n.title for n in root.kids if isinstance(n, Node) and n.type == "Sect") and len(pages) > 1:
        _outlines(pdf, [(node.title, node.kids) for node, _ in sects])
    pdf.Root.Metadata = pdf.make_stream(_xmp(doc).encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML)


def _outlines(pdf: pikepdf.Pdf, sects: list) -> None:
    """A bookmark per slide (the deck), each opening its page."""
    with pdf.open_outline() as outline:
        for title, kids in sects:
            index = next((k[1] for k in _mcids(kids)), None)
            if index is None:
                continue
            outline.root.append(pikepdf.OutlineItem(plain(title), index))


def _mcids(kids):
    for kid in kids:
        if isinstance(kid, Node):
            yield from _mcids(kid.kids)
        elif kid[0] == "mcid":
            yield kid


def _xmp(doc: Document) -> str:
    """XMP for the screen PDFs: the title, language, author and the PDF/UA-1 claim."""
    when = datetime.fromisoformat(doc.date).replace(tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    e = lambda s: escape(plain(s), {'"': "&quot;"})  # noqa: E731
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(doc.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(doc.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(doc.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{e(doc.language)}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{e(doc.keywords)}</pdf:Keywords>
   <pdf:Producer>posterdeck (reportlab)</pdf:Producer>
   <xmp:CreatorTool>posterdeck</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
