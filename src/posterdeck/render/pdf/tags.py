"""Tagged PDF: what each box of the page model is in the structure tree, and the marked-content
operators the painter writes around what it draws.

The one place that maps page-model roles to PDF structure types (ISO 32000-1, 14.8.4):
title -> H1 (deck: each slide's title), poster panel heading -> H2, headline -> H3, bullets ->
L/LI/Lbl/LBody, references -> L of LI, a paragraph that opens with a superscript marker (a
footnote) -> Note, table -> Table/TR/TH (header rows: Column scope; a body row's first cell:
Row scope)/TD, chart or picture with alt text -> Figure, link ->
Link (with its annotation), everything else -> P. Bands, rules, backgrounds, table rules and
fills are artifacts. The structure follows the box order compose produced (compose decides the
reading order); on the poster a box inside a panel's rectangle belongs to that panel's Sect.

The painter calls: ``page()`` / ``page_end()`` around a page, ``box()`` before each box,
``paragraph()`` before each paragraph, ``mark()`` before each text it shows, ``table_events``
as the reportlab Table's render callback and ``chart()`` before placing a chart's form.
Outside a tagged sequence everything is an artifact. ``NoTags`` does nothing (print).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from posterdeck.pagemodel import Chart, Document, Image, Page, Paragraph, Rect, Span, Table, TextBox, plain_text

HEADINGS = {"title": "H1", "heading": "H2", "headline": "H3"}
LIST_ROLES = {"references"}  # every paragraph is an item of one list


@dataclass
class Node:
    """A structure element. ``kids``: Nodes, ("mcid", page, n) or ("annot", page, n): the n-th
    link annotation of the page."""

    type: str
    kids: list = field(default_factory=list)
    alt: str = ""
    scope: str = ""  # TH: "Column"
    colspan: int = 1
    bbox: tuple = ()  # Figure: (x1, y1, x2, y2) in PDF user space
    title: str = ""  # Sect: the bookmark's title
    url: str = ""  # Link


plain = plain_text  # text as a reader says it: compose's no-break characters as plain ones


def box_text(box: TextBox) -> str:
    return " ".join(plain("".join(s.text for s in p.spans)) for p in box.paragraphs).strip()


def _pdf_text(text: str) -> str:
    """A PDF text string (UTF-16BE with its byte order mark) as a hex literal."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class NoTags:
    """Print: nothing tagged."""

    def page(self, c, index: int, page: Page) -> None: ...
    def page_end(self, c) -> None: ...
    def box(self, c, box) -> None: ...
    def paragraph(self, para: Paragraph, index: int) -> None: ...
    def mark(self, c, what) -> None: ...
    def chart(self, c, box: Chart, x: float, y: float) -> None: ...
    table_events = None


class Tagger(NoTags):
    """Builds the structure tree of ``doc`` while the painter draws it."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.root = Node("Document")
        self.deck = any(p.role for p in doc.pages)
        self.page_index = -1
        self.heading = 0  # the level of the last heading, in reading order

    # ---------------------------------------------------------------------------- pages and boxes
    def page(self, c, index: int, page: Page) -> None:
        self.page_index, self.next_mcid, self.annots = index, 0, 0
        self.open: tuple | None = None  # (node, props) of the open marked-content sequence
        self.last_text = ""
        self.panels = [b for b in page.boxes if isinstance(b, Rect) and b.role.startswith("panel:")]
        self.panel_sects: dict = {}
        self.parent = self.root
        if self.deck:
            self.heading = 0  # each slide opens with its own H1
            title = next((box_text(b) for b in page.boxes if isinstance(b, TextBox) and b.role == "title"), page.name)
            self.parent = Node("Sect", title=title)
            self.root.kids.append(self.parent)
        c.addLiteral("/Artifact BMC")

    def page_end(self, c) -> None:
        self._close(c)
        c.addLiteral("EMC")

    def _container(self, box) -> Node:
        """The Sect of the poster panel ``box`` stands in, else the page's element."""
        if self.deck or isinstance(box, Rect):
            return self.parent
        cx, cy = box.x + getattr(box, "w", 0) / 2, box.y + getattr(box, "h", 0) / 2
        for panel in self.panels:
            if panel.x <= cx <= panel.x + panel.w and panel.y <= cy <= panel.y + panel.h:
                if panel.role not in self.panel_sects:
                    sect = Node("Sect")  # titled by its heading
                    self.panel_sects[panel.role] = sect
                    self.parent.kids.append(sect)
                return self.panel_sects[panel.role]
        return self.parent

    def box(self, c, box) -> None:
        """Before each box: what it is. Rects are artifacts; a picture opens its Figure at once."""
        self._close(c)
        self.box_node, self.list_node, self.para_node = None, None, None
        self.list_stack: list = []
        if isinstance(box, Rect):
            return
        parent = self._container(box)
        if isinstance(box, TextBox):
            self.text_box = box
            if box.role in LIST_ROLES:
                self.list_node = Node("L")
                parent.kids.append(self.list_node)
            self.box_parent = parent
        elif isinstance(box, Table):
            node = Node("Table", alt=box.alt)
            parent.kids.append(node)
            self.table_node = node
            self.table_box = box
        elif isinstance(box, Image):
            if box.alt:
                h = c._pagesize[1]
                node = Node("Figure", alt=box.alt, bbox=(box.x, h - box.y - box.h, box.x + box.w, h - box.y))
                parent.kids.append(node)
                self._open(c, node, "Figure")
        elif isinstance(box, Chart):
            self.chart_parent = parent

    def paragraph(self, para: Paragraph, index: int) -> None:
        """Before each paragraph of a text box: its element (and, for bullets, its list item)."""
        box, parent = self.text_box, self.box_parent
        if box.role in LIST_ROLES:
            item = Node("LI")
            body = Node("LBody")
            item.kids.append(body)
            self.list_node.kids.append(item)
            self.para_node, self.label_node = body, None
            return
        if para.bullet:
            # consecutive bullets make one list; a deeper indent nests a list in the item above
            while self.list_stack and self.list_stack[-1][0] > para.indent + 0.01:
                self.list_stack.pop()
            if not self.list_stack or self.list_stack[-1][0] < para.indent - 0.01:
                lst = Node("L")
                if self.list_stack:
                    self.list_stack[-1][2].kids.append(lst)  # in the LBody of the item above
                else:
                    parent.kids.append(lst)
                self.list_stack.append([para.indent, lst, None])
            item, label, body = Node("LI"), Node("Lbl"), Node("LBody")
            item.kids += [label, body]
            self.list_stack[-1][1].kids.append(item)
            self.list_stack[-1][2] = body
            self.para_node, self.label_node = body, label
            return
        self.list_stack = []
        kind = HEADINGS.get(box.role, "P")
        if kind != "P":  # never a skipped level: a headline without its panel heading steps up
            level = min(int(kind[1]), self.heading + 1)
            kind, self.heading = f"H{level}", level
            if parent.type == "Sect" and not parent.title:
                parent.title = box_text(box)
        if kind == "P" and para.spans and para.spans[0].script == "sup":
            kind = "Note"  # a footnote: it opens with its marker
        node = Node(kind)
        parent.kids.append(node)
        self.para_node, self.label_node = node, None

    # ---------------------------------------------------------------------------- marked content
    def mark(self, c, what) -> None:
        """Before the painter shows ``what``: "label" (a bullet) or a Span."""
        if what == "label":
            self._switch(c, self.label_node or self.para_node, None)
            self.last_text = ""
            return
        sp: Span = what
        node, props = self.para_node, {}
        if sp.link:
            node = self._link(sp)
        if sp.lang:
            props["Lang"] = "(" + sp.lang + ")"
        if sp.script == "sup" and sp.text.strip():
            # read apart from the word before it: "S2 1,a", not "S21,a"
            gap = " " if self.last_text and not self.last_text[-1].isspace() else ""
            props["ActualText"] = _pdf_text(gap + plain(sp.text))
        self._switch(c, node, props or None)
        self.last_text = sp.text

    def _link(self, sp: Span) -> Node:
        kids = self.para_node.kids
        if kids and isinstance(kids[-1], Node) and kids[-1].type == "Link" and kids[-1].url == sp.link \
                and self.open and self.open[0] is kids[-1]:
            link = kids[-1]
        else:
            link = Node("Link", url=sp.link)
            kids.append(link)
        link.alt = (link.alt + " " + plain(sp.text)).strip() if link.alt else plain(sp.text).strip()
        link.kids.append(("annot", self.page_index, self.annots))
        self.annots += 1
        return link

    def _switch(self, c, node: Node, props: dict | None) -> None:
        if self.open is not None and self.open[0] is node and props is None and self.open[1] is None:
            return  # the same element goes on: one sequence
        self._close(c)
        self._open(c, node, "Span" if props else node.type, props)

    def _open(self, c, node: Node, tag: str, props: dict | None = None) -> None:
        if self.open is None:
            c.addLiteral("EMC")  # the artifact around everything else
        mcid = self.next_mcid
        self.next_mcid += 1
        extra = "".join(f" /{k} {v}" for k, v in (props or {}).items())
        c.addLiteral(f"/{tag} <</MCID {mcid}{extra}>> BDC")
        node.kids.append(("mcid", self.page_index, mcid))
        self.open = (node, props)

    def _close(self, c) -> None:
        if self.open is not None:
            c.addLiteral("EMC /Artifact BMC")
            self.open = None

    # ---------------------------------------------------------------------------- tables, charts
    def table_events(self, table, event: str, *args) -> None:
        """reportlab's Table render callback: a TR per row, a TH (header rows) or TD per cell;
        backgrounds and rules stay artifacts."""
        c = table.canv
        if event == "startRow":
            self.row_node = Node("TR")
            self.table_node.kids.append(self.row_node)
        elif event == "startCell":
            row, col = args[0], args[1]
            cell = self.table_box.rows[row][col]
            header = row < self.table_box.header_rows
            stub = not header and col == 0 and len(self.table_box.col_widths) > 1  # the row's label
            node = Node("TH" if header or stub else "TD", scope="Column" if header else "Row" if stub else "",
                        colspan=cell.colspan if cell is not None else 1)
            self.row_node.kids.append(node)
            self._close(c)
            self._open(c, node, node.type)
        elif event == "endCell":
            self._close(c)

    def chart(self, c, box: Chart, x: float, y: float) -> None:
        """Before the chart's form is placed: one Figure whose alt text is the chart's; the text
        matplotlib drew inside the form is part of the figure, not loose text."""
        node = Node("Figure", alt=plain(getattr(box.chart, "alt_text", "") or ""), bbox=(x, y, x + box.w, y + box.h))
        self.chart_parent.kids.append(node)
        self._open(c, node, "Figure")
