"""The statements of a target: the content's product statements (translated through the
catalogue, for the markets they name) and the market's own (written per language in the market
file), their link placeholders filled from the market and the deck."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from posterdeck.errors import InputError
from posterdeck.resolve import markup
from posterdeck.resolve.language import language_tag, tag_language
from posterdeck.resolve.markup import Text

Nodes = tuple  # a tuple of markup.Text / Cite / Note, no Placeholders


@dataclass(frozen=True)
class RStatement:
    id: str
    nodes: Nodes
    placement: str


class StatementResolver:
    """The statements' part of the resolver (resolve.document._Resolver): it uses the resolver's
    text(), tr(), err() and check_links()."""

    def statements(self) -> list[RStatement]:
        out = []
        market_src = self.model.sources.get(f"market:{self.target.market.code}")
        for where, items, src in (("content", self.model.content.statements, self.src),
                                  ("market", self.target.market.statements, market_src)):
            for i, st in enumerate(items):
                path = ("statements", i) if where == "content" else ("market", "statements", i)
                if st.markets and self.target.market.code not in st.markets:
                    continue  # a product statement for other markets
                raw, shown_in = self._statement_text(st, path, src, where == "content")
                info = self.model.info
                links = {**self.target.market.links, **info.links,
                         **info.market_links.get(self.target.market.code, {})}
                for name, url in links.items():
                    raw = raw.replace("{{ link.%s }}" % name, url).replace("{{link.%s}}" % name, url)
                for name in sorted(set(re.findall(r"\{\{\s*link\.(\w+)\s*\}\}", raw))):
                    self.err(path, f"statement {st.id!r} needs the link {name!r}, which neither the market "
                                   f"{self.target.market.code} nor the deck gives",
                             f"add it to deck.yaml: market_links: {{{self.target.market.code}: {{{name}: https://...}}}} "
                             f"(or links: for every market)", InputError, src=src)
                nodes = self.text(raw, path, src=src, translate=False, context=f"statements.{st.id}")
                if shown_in:
                    nodes = tag_language(nodes, language_tag(shown_in))
                if st.link:
                    self.check_links((Text("", markup.Style(link=st.link)),), path + ("link",), src)
                    nodes = tuple(replace(n, style=markup.Style(n.style.bold, n.style.italic, n.style.script, st.link))
                                  if isinstance(n, Text) else n for n in nodes)
                out.append(RStatement(st.id, nodes, st.placement))
        return out

    def _statement_text(self, st, path, src, translatable: bool) -> tuple[str, str]:
        """Market statements are written per language in the market file; product statements
        of the content go through the catalogue like any other text. With the language the
        text is in when it is not the target's ('' when it is)."""
        if isinstance(st.text, str):
            if not translatable:
                return st.text, ""
            fallen = len(self.fallen)
            text = self.tr(st.text, path, src)
            return text, (self.model.info.source_language if len(self.fallen) > fallen else "")
        lang = self.target.language
        if lang in st.text:
            return st.text[lang], ""
        used = self.target.market.language if self.target.market.language in st.text else next(iter(st.text))
        self.warnings.append(f"{(src or self.src).where(path)}: statement {st.id!r} has no {lang} text; "
                             f"the {self.target.market.language} text is used")
        return st.text[used], used
