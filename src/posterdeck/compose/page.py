"""What one page shows, in reading order: content blocks first, then the footer made from them
(footnotes, abbreviations, cited references, statements, job code)."""
from __future__ import annotations

from posterdeck.compose.blocks import Ctx, Stack, TextBlock
from posterdeck.compose.tables import TableBlock
from posterdeck.compose.text import PageMarks, Piece, pieces, scan_text
from posterdeck.resolve import markup
from posterdeck.compose.chartblocks import ChartBlock, ForestBlock, KaplanMeierBlock
from posterdeck.resolve.document import RDocument, RSection
from posterdeck.pagemodel.charts import RChart, RForest, RKaplanMeier
from posterdeck.resolve.visuals import RImage, RTable
from posterdeck.resolve.glossary import footer_line, terms_used
from posterdeck.resolve.references import ama, run_in, short

def word(doc, key: str) -> str:
    """A fixed word of the layout ('References') in the target's language, from the catalogue."""
    return doc.words.get(key, key)


class PageContent:
    """Turns resolved content into blocks for one page, numbering markers as it goes."""

    def __init__(self, doc: RDocument, ctx: Ctx, marks: PageMarks, model):
        self.doc, self.ctx, self.marks, self.model = doc, ctx, marks, model
        self.blocks: list = []  # every block on the page, for the abbreviation scan
        self.lazy: list = []  # blocks built late (the poster's reference list)

    def _keep(self, block):
        self.blocks.append(block)
        return self._codes(block)

    def _codes(self, block):
        """print_links: qr: the codes of the links met in ``block`` stand beside it."""
        if self.marks.codes:
            from posterdeck.compose.qr import WithCodes, code_side

            block = WithCodes(block, list(self.marks.codes), code_side(self.ctx.layout), self.ctx.layout.page.gutter / 2)
            self.marks.codes.clear()
        return block

    def text(self, nodes, style: str, role: str = "body", fill: str = "", padding: float = 0.0,
             color: str = "", align: str = "", uppercase: bool = False, name: str = "",
             source: str = "") -> TextBlock:
        """``source``: the context of the text (``title``), so that an overflow names its file:line."""
        up = uppercase or self.ctx.layout.styles[style].uppercase
        return self._keep(TextBlock([(pieces(nodes, self.marks, up), style, 0)], self.ctx, role, fill, padding,
                                    color, align, name, where=self.doc.locations.get(source)))

    def paras(self, paras, style: str = "body", role: str = "body") -> TextBlock:
        items = [(pieces(p.nodes, self.marks), style, p.level) for p in paras]
        return self._keep(TextBlock(items, self.ctx, role))

    def notes(self, notes) -> TextBlock:
        return self._keep(TextBlock([(pieces(n, self.marks), "note", 0) for n in notes], self.ctx, "note"))

    def visual(self, v, rows: range | None = None):
        """The block of a visual; of a table, its rows ``rows`` only (a part of a split table)."""
        if isinstance(v, RTable):
            block = TableBlock(v, self.ctx, rows)
            self.marks.sources.update(block.paths())
            parts = [self.text(v.caption, "note", role="caption")] if v.caption else []
            parts.append(self._keep(block))
            return Stack(parts, gap=self.ctx.layout.styles["note"].size * 0.4)
        self.marks.sources.update(getattr(v, "paths", ()))
        if isinstance(v, RKaplanMeier):
            return self._keep(KaplanMeierBlock(v, self.ctx))
        if isinstance(v, RForest):
            return self._keep(ForestBlock(v, self.ctx))
        if isinstance(v, RChart):
            return self._keep(ChartBlock(v, self.ctx))
        if isinstance(v, RImage):
            from posterdeck.compose.images import PictureBlock

            return self._keep(PictureBlock(v, self.ctx, warnings=self.doc.warnings))
        raise TypeError(f"no block for visual {v!r}")

    def overview(self) -> list:
        """The overview's body paragraphs and notes, as the poster and the first slide show them."""
        parts = []
        if self.doc.overview_body:
            parts.append(self.paras(self.doc.overview_body))
        if self.doc.overview_notes:
            parts.append(self.notes(self.doc.overview_notes))
        return parts

    def callout(self, section: RSection, with_highlights: bool = True):
        pad = self.ctx.layout.styles["summary"].size * 0.6
        items = [(pieces(section.summary, self.marks), "summary", 0)] if section.summary else []
        if with_highlights:
            items += [(pieces(h, self.marks), "highlight", 0) for h in section.highlights]
        return self._keep(TextBlock(items, self.ctx, "callout", fill="callout", padding=pad, name=f"callout:{section.id}"))

    def statements(self, placement: str):
        sts = [s for s in self.doc.statements if s.placement == placement]
        if not sts:
            return None
        return self._keep(TextBlock([(pieces(s.nodes, self.marks), "statement", 0) for s in sts], self.ctx,
                                    f"statements:{placement}"))

    def reference_list(self, citations) -> TextBlock:
        items = []
        number_of = citations.order
        for key, n in sorted(number_of.items(), key=lambda kv: kv[1]):
            nodes = markup.parse(ama(self.model.references[key]))
            items.append(([Piece(f"{n}. ")] + pieces(nodes, self.marks), "reference", 0))
        return self._keep(TextBlock(items, self.ctx, "references"))

    def footer(self, placements=("footer",), with_references: bool = True) -> TextBlock:
        """Footnotes, abbreviations, cited references, statements and job code of this page."""
        t = self.doc.target
        items = []
        done = 0
        while done < len(self.marks.notes):  # footnote bodies may hold footnotes of their own
            letter, body = self.marks.notes[done]
            items.append(([Piece(letter, script="sup", ref=f"note:{letter}"), Piece(" ")] + pieces(body, self.marks),
                          "footer", 0))
            done += 1
        refs = [n for n in self.marks.cited]
        by_number = {n: k for k, n in self.marks.citations.order.items()}
        ref_items = []
        if refs and with_references:
            text = run_in([(n, short(self.model.references[by_number[n]])) for n in sorted(refs)])
            ref_items.append(([Piece(word(self.doc, "references") + ": ", bold=True), Piece(text)], "footer", 0))
        st_items = [(pieces(s.nodes, self.marks), "footer", 0) for s in self.doc.statements if s.placement in placements]
        job = [([Piece(t.job_line)], "footer", 0)]
        scan = "\n".join(b.text() for b in self.blocks)
        scan += "\n" + "\n".join(scan_text(ps) for ps, _, _ in items + ref_items + st_items)
        glossary = self.doc.glossary or self.model.glossary
        terms = terms_used(scan, glossary)
        abbr = [([Piece(footer_line(terms, glossary, self.doc.collation))], "footer", 0)] if terms else []
        # anchored at the bottom: a line more in a viewer's own wrapping grows up, not off the page
        return self._codes(TextBlock(items + abbr + ref_items + st_items + job, self.ctx, "footer", name="footer",
                                     anchor="bottom"))
