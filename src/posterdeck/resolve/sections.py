"""A section of the content resolved for the target: its texts, footnotes attached, and its
visuals (charts, tables, pictures), and the deck's logo and content pictures."""
from __future__ import annotations

from dataclasses import dataclass

from posterdeck.loading.yamlsource import suggest
from posterdeck.resolve.images import read_image
from posterdeck.resolve.visuals import RImage
from posterdeck.schema.content import Paragraph

Nodes = tuple  # a tuple of markup.Text / Cite / Note, no Placeholders


@dataclass(frozen=True)
class RPara:
    nodes: Nodes
    level: int = 0


@dataclass(frozen=True)
class RSection:
    id: str
    tab: str
    headline: Nodes
    summary: Nodes
    highlights: tuple[Nodes, ...]
    body: tuple[RPara, ...]
    visuals: tuple  # pagemodel.charts.RChart / RKaplanMeier / RForest, RTable
    notes: tuple[Nodes, ...]
    speaker_notes: tuple[Nodes, ...] = ()


class SectionResolver:
    """The sections' part of the resolver (resolve.document._Resolver): it uses the resolver's
    text(), tr(), plain(), err(), chart() and table()."""

    def paras(self, items, path: tuple, footnotes) -> tuple[RPara, ...]:
        out = []
        for i, item in enumerate(items):
            if isinstance(item, Paragraph):
                out.append(RPara(self.text(item.text, path + (i, "text"), footnotes), item.level))
            else:
                out.append(RPara(self.text(item, path + (i,), footnotes)))
        return tuple(out)

    def image(self, iid: str) -> RImage | None:
        done = self.__dict__.setdefault("_images", {})  # a section's image and an image:ID panel: read once
        if iid not in done:
            spec = self.model.content.images[iid]
            done[iid] = read_image(iid, self.model.folder, spec.file, self.plain(spec.alt, ("images", iid, "alt")),
                                   self.src, ("images", iid, "file"), self.errors, self.model.fence)
        return done[iid]

    def logo(self) -> RImage | None:
        """The deck's logo (deck.yaml logo:), its alt text translated like any text."""
        logo = self.model.info.logo
        if logo is None:
            return None
        deck_src = self.model.sources["deck"]
        alt = self.tr(logo.alt, ("deck", "logo", "alt"), src=deck_src, context="deck.logo.alt")
        return read_image("logo", self.model.folder, logo.file, alt, deck_src, ("deck", "logo", "file"), self.errors,
                          self.model.fence)

    def section(self, i: int) -> RSection:
        s = self.model.content.sections[i]
        base = ("sections", i)
        fn = s.footnotes
        visuals = []
        for v_i, vid in enumerate(s.visuals):
            if vid in self.model.content.charts:
                visuals.append(self.chart(vid))
            elif vid in self.model.content.tables:
                visuals.append(self.table(vid))
            elif vid in self.model.content.images:
                img = self.image(vid)
                if img is not None:
                    visuals.append(img)
            else:
                self.err(base + ("visuals", v_i), f"section {s.id}: no chart or table {vid!r}",
                         suggest(vid, [*self.model.content.charts, *self.model.content.tables, *self.model.content.images]) or "define it under charts: or tables:")
        return RSection(
            id=s.id, tab=self.tr(s.tab, base + ("tab",)),
            headline=self.text(s.headline, base + ("headline",), fn),
            summary=self.text(s.summary, base + ("summary",), fn),
            highlights=tuple(self.text(h, base + ("highlights", j), fn) for j, h in enumerate(s.highlights)),
            body=self.paras(s.body, base + ("body",), fn),
            visuals=tuple(visuals),
            notes=tuple(self.text(n, base + ("notes", j), fn) for j, n in enumerate(s.notes)),
            speaker_notes=tuple(self.text(n, base + ("speaker_notes", j), fn) for j, n in enumerate(s.speaker_notes)))
