"""The review items of one target, read from its composed documents.

Compose carries provenance into the page model (pagemodel Line.refs, Cell.ref, Chart.chart.paths,
Document.texts), so each item's marks are where the page model put its text. What each page
shows becomes items:

- ``value:PATH``: a study value, in text (its placeholder), a table cell or a chart;
- ``citation:KEY`` or ``citation:KEY@LOCATOR``: a reference cited on the page;
- ``claim:ID``: a claim of content.yaml, placed on every text whose source wording contains its
  ``says`` (case and markup aside) or that its ``texts:`` names;
- ``text:CONTEXT``: every other text the page shows (headline, paragraphs, captions, table
  headings and stubs, chart titles and categories), worded in the target's language;
- ``footnote:CONTEXT``: a footnote as the page's footer prints it;
- ``statement:ID``: a product or market statement.

Fingerprints (see ``fingerprint``): a value's over its study result's printable fields, the
same in every language; a citation's over the reference's data and the locator; a claim's, text's,
footnote's and statement's over its wording in the target's language (before values are filled
in, so that a changed value invalidates the value items only).
"""
from __future__ import annotations

import hashlib
import json
import re

from posterdeck.pagemodel import Chart, Table, TextBox, line_origins, plain_text
from posterdeck.review.items import Item, Mark, PageReview, TargetReview, shown_doc


def fingerprint(*parts) -> str:
    data = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def collect_items(model, target, docs: dict) -> TargetReview:
    review = TargetReview(model.name, target.tag, target.language)
    facts = _Facts(model, target)
    for output in ("poster", "deck"):
        doc = shown_doc(docs, output)  # the screen poster's pages as printed
        if doc is None:
            continue
        facts.texts = doc.texts
        for i, page in enumerate(doc.pages):
            pr = PageReview(output, i, page.name)
            pr.items = facts.page_items(page)
            review.pages.append(pr)
    return review


class _Found:
    """What one page shows of one item: its texts and marks, in reading order."""

    def __init__(self):
        self.shown: list[str] = []
        self.marks: list[Mark] = []
        self.extra: dict = {}

    def add(self, text: str, mark: Mark | None, cont: bool = False) -> None:
        if text and cont and self.shown:  # the rest of a value broken across two lines
            self.shown[-1] += " " + text
        elif text and text not in self.shown:
            self.shown.append(text)
        if mark is not None and mark not in self.marks:
            self.marks.append(mark)


class _Facts:
    def __init__(self, model, target):
        self.model, self.target = model, target
        self.texts: dict = {}
        self.decimals = model.study.study.decimals

    # -- walking the page ---------------------------------------------------------------------
    def page_items(self, page) -> list[Item]:
        found: dict[str, _Found] = {}  # ref key -> what the page shows of it, in reading order
        notes: dict[str, tuple[str, str, list[Mark]]] = {}  # letter -> (context, footer text, marks)
        for box in page.boxes:
            if isinstance(box, TextBox):
                self._textbox(box, found, notes)
            elif isinstance(box, Table):
                self._table(box, found)
            elif isinstance(box, Chart):
                mark = Mark(round(box.x, 2), round(box.y, 2), round(box.w, 2), round(box.h, 2))
                labels = [lab for s in getattr(box.chart, "series", ()) for lab in getattr(s, "labels", ())
                          if getattr(box.chart, "data_labels", False)]  # printed only with data labels
                paths = getattr(box.chart, "paths", ())
                for k, path in enumerate(paths):
                    if path in self.model.leaves:
                        f = found.setdefault(f"value:{path}", _Found())
                        # a bar chart's data label, as printed (its series' values in the order of its paths)
                        f.add(labels[k] if len(labels) == len(paths) else "", mark)
                        f.extra.setdefault("formats", {})["chart label" if len(labels) == len(paths) else "chart"] = None
                prefix = f"charts.{getattr(box.chart, 'id', '')}."  # its title, categories, series, axes
                for ctx in self.texts:
                    if ctx.startswith(prefix):
                        found.setdefault(f"text:{ctx}", _Found()).add("", mark)
        items: list[Item] = []
        for ref, f in found.items():
            kind, _, what = ref.partition(":")
            if kind == "value":
                items.append(self.value(what, f))
            elif kind == "cite":
                items.extend(self.citations(what, f))
        items += self.claims(found)
        items += self.wordings(found, notes)
        items += self.footnotes(found, notes)
        items += self.statements(found)
        seen, out = set(), []
        for it in items:  # one item per key and page: a value shown in two formats is one item
            if it.key not in seen:
                seen.add(it.key)
                out.append(it)
        return out

    def _textbox(self, box: TextBox, found: dict, notes: dict) -> None:
        note, last = "", ""
        for o in line_origins(box):  # where the PDF painter draws each line
            para, j, line, left, y = o.paragraph, o.row, o.line, o.x, o.top
            if j == 0:
                note, last = "", ""
            text = "".join(s.text for s in line.spans)
            for k, (ref, x0, x1, piece) in enumerate(line.refs):
                mark = Mark(round(left + x0, 2), round(y, 2), round(x1 - x0, 2), round(para.leading, 2))
                key = ref.split("|", 1)[0]  # value:PATH|fmt -> value:PATH
                # a value as printed; a citation as its superscript prints ('2(p1063)')
                shown = plain_text(piece) if key.startswith(("value:", "cite:")) else ""
                f = found.setdefault(key, _Found())
                f.add(shown, mark, cont=k == 0 and ref == last and x0 < 0.5)
                if key.startswith("value:") and "|" in ref:
                    f.extra.setdefault("formats", {})[ref.split("|", 1)[1]] = None  # in order of placement
                if box.role == "footer" and j == 0 and ref.startswith("note:") and x0 < 0.5:
                    note = ref[5:]
                elif ref.startswith("note:") and "host" not in f.extra:  # a footnote's marker: the
                    # text it stands in keys a footnote whose body is no text of its own (a value)
                    f.extra["host"] = next((r[5:] for r in _refs(para) if r.startswith("text:")), "")
            last = line.refs[-1][0] if line.refs else ""
            if note:
                ctx = next((r[5:] for r in _refs(para) if r.startswith("text:")), "")
                entry = notes.setdefault(note, (ctx, [], []))
                entry[1].append(text)
                entry[2].append(Mark(round(left, 2), round(y, 2), round(line.width, 2), round(para.leading, 2)))

    def _table(self, t: Table, found: dict) -> None:
        y = t.y
        for r, row in enumerate(t.rows):
            x = t.x
            for c, cell in enumerate(row):
                w = t.col_widths[c]
                if cell is not None:
                    w = sum(t.col_widths[c:c + cell.colspan])
                    if cell.ref:
                        key, _, fmt = cell.ref.partition("|")
                        shown = plain_text(" ".join(cell.lines)) if key.startswith("value:") else ""
                        f = found.setdefault(key, _Found())
                        if fmt:
                            f.extra.setdefault("formats", {})[fmt] = None
                        f.add(shown,
                                                                 Mark(round(x, 2), round(y, 2), round(w, 2),
                                                                      round(t.row_heights[r], 2)))
                x += t.col_widths[c]
            y += t.row_heights[r]

    # -- items ----------------------------------------------------------------------------------
    def value(self, path: str, f: _Found) -> Item:
        from posterdeck.diff import _fields
        from posterdeck.loading.study import denominator

        leaf = self.model.leaves.get(path)
        study = self.model.sources["study"]
        where = str(study.where(tuple(path.split("."))))
        details = [("study path", path), ("value", "; ".join(f.shown) or "(in a chart)")]
        label = getattr(leaf, "label", "") or path
        if leaf is not None and getattr(leaf, "label", ""):
            details.append(("label", leaf.label))
        fields = _fields(leaf, self.decimals)
        if leaf is not None and leaf.kind == "count":
            N = denominator(leaf, self.model.leaves)
            fields["N value"] = N
            details.append(("n/N", f"{leaf.n}/{N}"))
        details.append(("rule", _rule(leaf, self.decimals)))
        if f.extra.get("formats"):  # the format of every placement, in the order the page shows them
            details.append(("format", "; ".join(f.extra["formats"])))
        details.append(("defined at", where))
        return Item(key=f"value:{path}", kind="value", label=label, shown="; ".join(f.shown), where=where,
                    details=tuple(details), fingerprint=fingerprint("value", path, fields), language="",
                    marks=tuple(f.marks))

    def citations(self, what: str, f: _Found) -> list[Item]:
        from posterdeck.resolve.markup import parse, plain
        from posterdeck.resolve.references import ama, short

        out = []
        for part in what.split(";"):
            key, _, loc = part.partition("@")
            item = self.model.references.get(key)
            if item is None:
                continue
            full = plain(parse(ama(item)))
            details = [("reference", short(item)), ("full reference", full)]
            if loc:
                details.append(("locator", loc))
            where = self._reference_where(key)
            details.append(("defined at", where))
            out.append(Item(key=f"citation:{key}" + (f"@{loc}" if loc else ""), kind="citation",
                            label=short(item) + (f" ({loc})" if loc else ""), shown="; ".join(f.shown) or full,
                            where=where,
                            details=tuple(details),
                            fingerprint=fingerprint("citation", item.model_dump(mode="json", by_alias=True), loc),
                            language="", marks=tuple(f.marks)))
        return out

    def _reference_where(self, key: str) -> str:
        src = self.model.sources.get("references")
        if src is None:
            return ""
        data = src.data
        items, prefix = (data.get("references", data), ("references",)) if isinstance(data, dict) else (data, ())
        for i, it in enumerate(items if isinstance(items, list) else []):
            if isinstance(it, dict) and it.get("id") == key:
                return str(src.where(prefix + (i,)))
        return str(src.where())

    def claims(self, found: dict) -> list[Item]:
        from posterdeck.resolve.claims import ClaimError, _evaluate

        shown = {ref[5:] for ref in found if ref.startswith("text:")}
        src = self.model.sources["content"]
        out = []
        for i, claim in enumerate(self.model.content.claims):
            everywhere = self.places(claim)  # the fingerprint covers them all: the same on every page
            places = [c for c in everywhere if c in shown]
            if not places:
                continue
            places.sort(key=lambda c: list(found).index(f"text:{c}"))
            details = [("claim", claim.says)]
            holds_all = True
            for rule in claim.holds:
                try:
                    ok, detail = _evaluate(rule, self.model.leaves)
                except ClaimError as exc:
                    ok, detail = False, str(exc)
                holds_all &= ok
                details.append(("rule", f"{rule}: {'holds' if ok else 'DOES NOT HOLD'} ({detail})"))
            details.append(("holds", "yes" if holds_all else "no"))
            wording = [self.texts[c][1] for c in places]
            details += [("stated in", f"{c} ({self.texts[c][2]})") for c in places]
            marks = [m for c in places for m in found[f"text:{c}"].marks]
            out.append(Item(key=f"claim:{claim.id}", kind="claim", label=claim.says,
                            shown=" / ".join(_plain(w) for w in wording), where=str(src.where(("claims", i))),
                            details=tuple(details),
                            fingerprint=fingerprint("claim", claim.says, claim.holds,
                                                    [self.texts[c][1] for c in everywhere]),
                            language=self.target.language, marks=tuple(marks)))
        return out

    def places(self, claim) -> list[str]:
        """The contexts of the texts that state a claim: their source wording contains its
        ``says`` (case, markup and punctuation aside), or its ``texts:`` names them."""
        key = (claim.id, id(self.texts))
        memo = self.__dict__.setdefault("_places", {})
        if key not in memo:  # asked on every page
            says = _words(claim.says)
            named = set(claim.texts)
            memo[key] = sorted(ctx for ctx, (source, _, _) in self.texts.items()
                               if says in _words(source) or ctx in named or ctx.removesuffix(".text") in named)
        return memo[key]

    def wordings(self, found: dict, notes: dict) -> list[Item]:
        """Every text the page shows (headline, summary, highlights, paragraphs, notes, captions,
        table headings and stubs, chart titles and categories), worded in the target's language:
        its fingerprint covers that wording with its placeholders, not the values filled in (the
        values are items of their own). Footnotes and statements are items of their own kinds."""
        own = {ctx for ctx, _, _ in notes.values()}
        out = []
        for ref, f in found.items():
            if not ref.startswith("text:"):
                continue
            ctx = ref[5:]
            if ctx in own or ctx.startswith("statements.") or ctx not in self.texts:
                continue
            source, wording, where = self.texts[ctx]
            details = [("text", ctx), ("wording", _readable(wording))]
            if wording != source:
                details.append(("source wording", _readable(source)))
            details.append(("defined at", str(where)))
            out.append(Item(key=f"text:{ctx}", kind="text", label=ctx, shown=_readable(wording), where=str(where),
                            details=tuple(details), fingerprint=fingerprint("text", wording),
                            language=self.target.language, marks=tuple(f.marks)))
        return out

    def footnotes(self, found: dict, notes: dict) -> list[Item]:
        out = []
        for letter, (ctx, lines, marks) in notes.items():
            refs = found.get(f"note:{letter}")
            text = plain_text(" ".join(lines))
            text = text[len(letter):].strip() if text.startswith(letter) else text
            # keyed by its text's context (review.stale.known_items knows every one): the body's own,
            # else the text its marker stands in; a page-local letter only when neither is known
            ctx = ctx or (refs.extra.get("host", "") if refs else "")
            wording = self.texts.get(ctx, ("", text, ""))
            key = f"footnote:{ctx or letter}"
            out.append(Item(key=key, kind="footnote", label=f"footnote {letter}", shown=text,
                            where=str(wording[2]), details=(("letter", letter), ("text", text),
                                                            ("defined at", str(wording[2]))),
                            fingerprint=fingerprint("footnote", wording[1]), language=self.target.language,
                            marks=tuple((refs.marks if refs else []) + marks)))
        return out

    def statements(self, found: dict) -> list[Item]:
        out = []
        for ref, f in found.items():
            if not ref.startswith("text:statements."):
                continue
            ctx = ref[5:]
            sid = ctx.split(".", 1)[1]
            source, wording, where = self.texts.get(ctx, ("", "", ""))
            # a market's statement is worded per market: approved per target; the deck's per language
            market = sid in {s.id for s in self.target.market.statements}
            out.append(Item(key=f"statement:{sid}", kind="statement", label=sid, shown=_plain(wording),
                            where=str(where), details=(("statement", sid), ("text", _plain(wording)),
                                                       ("defined at", str(where))),
                            fingerprint=fingerprint("statement", wording),
                            language=self.target.tag if market else self.target.language,
                            marks=tuple(f.marks)))
        return out


def unstated_claims(model, texts: list | None = None) -> list[str]:
    """Lint: a claim whose ``says`` no text of the deck contains, and that names no text with
    ``texts:``, is placed on no page, so no reviewer would see it: a warning at its line.
    ``texts``: i18n.template(model), when already read."""
    from posterdeck.i18n import template

    if not model.content.claims:
        return []
    sources = [_words(raw) for _, raw, *_ in (texts if texts is not None else template(model))]
    src = model.sources["content"]
    out = []
    for i, claim in enumerate(model.content.claims):
        says = _words(claim.says)
        if claim.texts or any(says in text for text in sources):
            continue
        out.append(f"{src.where(('claims', i))}: claim {claim.id} is stated by no text of the deck; add texts: "
                   f"[context] naming the texts that state it (e.g. sections.ID.headline), or reword says: as a "
                   f"text states it")
    return out


def _refs(para) -> list[str]:
    return [r[0] for line in para.lines for r in line.refs]


_MARKUP = re.compile(r"\{\{[^}]*\}\}|\[@[^\]]*\]|\[\^[^\]]*\]|[*^~]")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", _MARKUP.sub("", text or "")).strip()


def _readable(text: str) -> str:
    """A text's wording as a reviewer reads it: its placeholders kept ({{ path }}), citation and
    footnote marks and emphasis left out (they are items, or no wording, of their own)."""
    text = re.sub(r"\[@[^\]]*\]|\[\^[^\]]*\]|(?<!\{)[*^~]", "", text or "")
    return re.sub(r"\s+", " ", text).strip()


def _words(text: str) -> str:
    return re.sub(r"[^\w/%]+", " ", _plain(text).casefold()).strip()


def _rule(leaf, decimals: int) -> str:
    from posterdeck.loading.study import decimals_of

    if leaf is None:
        return ""
    d = decimals_of(leaf, decimals) if leaf.kind != "pvalue" else None
    if leaf.kind == "count":
        return f"percentage = n/N, rounded to {d} decimal(s)" + (", stated pct checked" if leaf.pct is not None else "")
    if leaf.kind == "estimate":
        return f"estimate as stated, {d} decimal(s)" + (", with its 95% CI" if leaf.ci else "")
    if leaf.kind == "pvalue":
        return f"p-value as stated ({leaf.op} {leaf.p})"
    return f"number as stated, {d} decimal(s)"
