"""Content + study data + target -> a resolved document: placeholders filled, footnote references
attached, citation keys and visual ids checked. Citations stay keys here; they are numbered by
compose in the order the pages show them.

The resolver is put together from parts: texts and translation here, sections (sections.py),
statements (statements.py), the glossary (glossary.py), charts (visuals.py), tables (tables.py)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from posterdeck.errors import ContentError, InputError, LayoutError, collect
from posterdeck.loading.deck import Model
from posterdeck.loading.yamlsource import Source, suggest
from posterdeck.resolve import markup, rtl
from posterdeck.resolve.fidelity import HINT as FIDELITY_HINT, differences
from posterdeck.resolve.glossary import TERM_CONTEXT, GlossaryResolver
from posterdeck.resolve.language import language_tag, tag_language
from posterdeck.resolve.markup import Cite, Note, Placeholder, Text
from posterdeck.resolve.sections import RPara, RSection, SectionResolver
from posterdeck.resolve.statements import RStatement, StatementResolver
from posterdeck.resolve.tables import TableResolver
from posterdeck.resolve.target import Target
from posterdeck.resolve.units import label_fallbacks, pick
from posterdeck.resolve.values import ValueError_, render_value
from posterdeck.resolve.visuals import ChartResolver, RImage

Nodes = tuple  # a tuple of markup.Text / Cite / Note, no Placeholders


@dataclass
class RDocument:
    title: Nodes
    subtitle: Nodes
    congress: Nodes
    overview_body: tuple[RPara, ...]
    overview_notes: tuple[Nodes, ...]
    sections: list[RSection]
    statements: list[RStatement]
    target: Target
    cited: set[str] = field(default_factory=set)
    glossary: object = None  # schema.glossary.Glossary in the target's language
    words: dict = field(default_factory=dict)  # fixed words of layouts ('References'), translated
    warnings: list[str] = field(default_factory=list)
    logo: RImage | None = None  # deck.yaml logo:, for the layouts' logo panels
    images: dict = field(default_factory=dict)  # content image id -> RImage, for image:ID panels
    locations: dict = field(default_factory=dict)  # context ('title', 'sections.crcri.headline') -> Location
    overview_speaker_notes: tuple[Nodes, ...] = ()  # the overview slide's notes page
    wording: dict = field(default_factory=dict)  # context -> (source text, text as the target shows it
    # before its values are filled in, Location): what review items fingerprint and place claims by

    def collation(self, term: str):
        return _collation_key(term)


class _Resolver(ChartResolver, TableResolver, SectionResolver, StatementResolver, GlossaryResolver):
    def __init__(self, model: Model, target: Target, translations=None, recorder: list | None = None,
                 strict: bool = False):
        self.model, self.target = model, target
        self.decimals = model.study.study.decimals
        self.errors: list = []
        self.warnings: list[str] = []
        self.cited: set[str] = set()
        self.src: Source = model.sources["content"]
        self.translations, self.recorder, self.strict = translations, recorder, strict
        self.translating = target.language != model.info.source_language
        self.locations: dict = {}  # context -> Location of the source text
        self.shown: list[str] = []  # every text as the target shows it: which glossary terms the deck uses
        self.fallen: list[str] = []  # texts shown in the source language for want of a translation
        self.wording: dict = {}  # context -> (source, shown, Location), see RDocument.wording
        ci = "CI"
        if "CI" in model.glossary.glossary and self.translating and translations is not None:
            ci = translations.get(f"{TERM_CONTEXT}CI", "CI") or "CI"
        self.ci_label = f"{target.formats.percent(95, 0)} {ci}"  # '95% CI', '95 % KI', '95 % IC'

    def context(self, path: tuple) -> str:
        """A stable name for where a text sits: section and statement ids instead of indices."""
        parts = list(path)
        content = self.model.content
        if len(parts) > 1 and parts[0] == "sections" and isinstance(parts[1], int):
            parts[1] = content.sections[parts[1]].id
        if len(parts) > 1 and parts[0] == "statements" and isinstance(parts[1], int):
            parts[1] = content.statements[parts[1]].id
        return ".".join(str(p) for p in parts)

    def tr(self, raw: str, path: tuple, src: Source | None = None, context: str | None = None,
           quiet: bool = False) -> str:
        """The target's translation of a source text, or the source text with a warning."""
        if not raw or not raw.strip():
            return raw
        ctx = context or self.context(path)
        where = (src or self.src).where(path)
        self.locations.setdefault(ctx, where)
        if self.recorder is not None:
            self.recorder.append((ctx, raw, where))
            self.shown.append(raw)
            return raw
        found = self.lookup(ctx, raw)
        if found is not None:
            found = self.faithful(ctx, raw, found, where)
        if found is None:
            self.no_rtl(raw, ctx, where)
        self.shown.append(found if found is not None else raw)
        if found is not None or not self.translating:
            return raw if found is None else found
        self.fallen.append(raw)  # its abbreviations are the source language's: the footer lists them so
        if quiet:
            return raw
        message = f"no {self.target.language} translation for {ctx!r} ({raw[:50]!r}); the source text is used"
        if self.strict:
            self.err(path, message.replace("; the source text is used", ""),
                     "run posterdeck i18n extract, translate the catalogue, or build without --strict", src=src)
        else:
            self.warnings.append(f"{where}: {message}")
        return raw

    def faithful(self, ctx: str, raw: str, found: str, where) -> str | None:
        """The translation if it keeps its source's facts and markup (and is in a script
        posterdeck can set), else None after an error at its catalogue line naming the source's."""
        at = self.translations.where(ctx, raw)
        problems = differences(raw, found)
        for problem in problems:
            self.errors.append(ContentError(f"the translation of {ctx!r} changes its source (source: {where}): "
                                            f"{problem}", at, hint=FIDELITY_HINT))
        bad = rtl.check_text(found, f"the translation of {ctx!r} (source: {where})", at)
        if bad is not None:
            self.errors.append(bad)
        return None if problems or bad is not None else found

    def no_rtl(self, raw: str, ctx: str, where) -> None:
        bad = rtl.check_text(raw, repr(ctx), where)
        if bad is not None:
            self.errors.append(bad)

    def unit_labels(self) -> None:
        """A declared unit in use without a label in the target's language prints in English: say so."""
        if self.recorder is not None:
            return
        units = self.model.study.units
        used = {leaf.unit for leaf in self.model.leaves.values() if getattr(leaf, "unit", None) in units}
        for uid in label_fallbacks(units, used, self.target.language):
            shown = pick(units[uid].label, self.target.language)[0]
            self.warnings.append(f"{self.model.sources['study'].where(('units', uid, 'label'))}: unit {uid!r} has no "
                                 f"{self.target.language} label; {shown!r} is printed")

    def lookup(self, ctx: str, raw: str) -> str | None:
        """The translation of a source text, None without one (the source language needs none)."""
        if not self.translating or self.recorder is not None or not self.translations:
            return None
        return self.translations.get(ctx, raw)

    def err(self, path: tuple, message: str, hint: str = "", cls=ContentError, src: Source | None = None):
        self.errors.append(cls(message, (src or self.src).where(path), hint=hint))

    def text(self, raw: str, path: tuple, footnotes: dict[str, str] | None = None, src: Source | None = None,
             translate: bool = True, context: str = "") -> Nodes:
        fallen = len(self.fallen)
        source = raw
        if translate:
            raw = self.tr(raw, path, src)
        elif self.recorder is None:
            self.no_rtl(raw, self.context(path), (src or self.src).where(path))
        try:
            nodes = markup.parse(raw)
        except markup.MarkupError as exc:
            self.err(path, str(exc), exc.hint, InputError, src)
            return (Text(raw),)
        self.check_links(nodes, path, src)
        out = tuple(self._nodes(nodes, path, footnotes or {}, src))
        ctx = context or self.context(path)
        out = with_context(out, ctx)
        if raw and raw.strip():
            self.wording.setdefault(ctx, (source, raw, (src or self.src).where(path)))
        if len(self.fallen) > fallen:  # shown in the source language: tagged so (spell-check, screen readers)
            out = tag_language(out, language_tag(self.model.info.source_language))
        self.shown.append(_all_text(out))  # with its values printed ('95% CI' comes from a placeholder)
        self.check_glyphs(_own_text(out), path, src)
        return out

    def check_glyphs(self, text: str, path: tuple, src: Source | None = None) -> None:
        """A word no line can hold, or a character the target's font cannot draw (an emoji, a
        script it lacks): an error at the text's line, found before anything is laid out (so
        `check` finds it too)."""
        if self.recorder is not None:
            return
        from posterdeck.resolve import checks

        problem = checks.long_word(text)
        if problem:  # the same in every target: said once
            self.err(path, problem[0], problem[1], LayoutError, src)
        if self.model.theme is not None and not text.isascii():  # the font depends on the language
            problem = checks.glyphs(text, self.model.theme, self.model.theme_dir, self.target.language)
            if problem:
                self.err(path, f"{self.target.tag}: {problem[0]}", problem[1], LayoutError, src)

    def check_links(self, nodes, path: tuple, src: Source | None = None) -> None:
        """A link whose scheme the theme does not allow (javascript:, file:, data: ...) is an
        error at its text's line: it would be written clickable into the screen PDF and PPTX."""
        from posterdeck.resolve import checks

        seen = self.__dict__.setdefault("_bad_links", set())
        for problem in checks.links(nodes, self.model.theme):
            if problem not in seen:
                seen.add(problem)
                self.err(path, problem, "link to an https:// address, or widen the theme's link_schemes",
                         InputError, src)

    def _nodes(self, nodes, path, footnotes, src):
        for node in nodes:
            if isinstance(node, Placeholder):
                try:
                    value = render_value(node.path, node.fmt, self.model.leaves, self.target.formats, self.decimals,
                                         self.ci_label)
                except ValueError_ as exc:
                    hint = exc.hint or suggest(node.path, self.model.leaves) or "see study.yaml for the paths"
                    self.err(path, str(exc), hint, src=src)
                    value = "??"
                yield Text(value, node.style, source=node.path, fmt=node.fmt)
            elif isinstance(node, Cite):
                for key in node.keys:
                    if key not in self.model.references:
                        self.err(path, f"citation [@{key}] is not in the references",
                                 suggest(key, self.model.references) or "add it to references.yaml", src=src)
                    else:
                        self.cited.add(key)
                yield node
            elif isinstance(node, Note):
                if node.ref:
                    if node.ref not in footnotes:
                        self.err(path, f"footnote [^{node.ref}] is not defined",
                                 suggest(node.ref, footnotes) or "add it under this section's footnotes:", src=src)
                        continue
                    chain = self.__dict__.setdefault("_note_chain", [])
                    if node.ref in chain:  # [^a] whose text cites [^a], or [^a] -> [^b] -> [^a]
                        cycle = " -> ".join(f"[^{r}]" for r in chain[chain.index(node.ref):] + [node.ref])
                        self.err(path[:2] + ("footnotes", node.ref), f"footnote [^{node.ref}] refers to itself ({cycle})",
                                 "a footnote's text may not cite itself or a footnote that cites it", src=src)
                        continue
                    if len(chain) >= markup.MAX_NESTING:
                        self.err(path, f"footnotes nested more than {markup.MAX_NESTING} deep", src=src,
                                 hint="a footnote may cite another footnote, a few levels at most")
                        continue
                    chain.append(node.ref)
                    try:
                        body = self.text(footnotes[node.ref], path[:2] + ("footnotes", node.ref), footnotes, src)
                    finally:
                        chain.pop()
                    yield Note(body=body, ref=node.ref, style=node.style)
                else:
                    yield Note(body=tuple(self._nodes(node.body, path, footnotes, src)), style=node.style)
            else:
                yield node

    def plain(self, raw: str, path: tuple) -> str:
        return markup.plain(self.text(raw, path))



def _own_text(nodes) -> str:
    """The text written at one place: inline footnotes included, footnotes by id ([^a], checked
    at their own line) left out."""
    return "".join(f" {_own_text(n.body)} " if isinstance(n, Note) and not n.ref else n.text for n in nodes
                   if isinstance(n, Text) or (isinstance(n, Note) and not n.ref))


def _all_text(nodes) -> str:
    """The text of nodes, inline footnotes included (their bodies print in the footer)."""
    return "".join(f" {_all_text(n.body)} " if isinstance(n, Note) else n.text for n in nodes
                   if isinstance(n, (Text, Note)))


# words that layouts print by themselves, in the source language; translated through the catalogue
WORDS = {"references": "References"}


def _collation_key(term: str):
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFD", term) if not unicodedata.combining(c))
    return (folded.casefold(), term)


def resolve(model: Model, target: Target, translations=None, strict: bool = False,
            recorder: list | None = None, estimate_curves: bool = True) -> RDocument:
    """Resolve the content for one target. ``recorder`` (a list) collects every translatable
    text as (context, source, location) instead of translating: the catalogue extractor.
    ``estimate_curves`` False checks patient-level curves without estimating them (no lifelines)."""
    if translations is None and target.language != model.info.source_language and recorder is None:
        from posterdeck.resolve.catalogue import load_translations

        translations = load_translations(model.folder, target.language)
    collect(rtl.check_targets(model.info.targets, model.sources["deck"]))  # refused up front, every target
    r = _Resolver(model, target, translations, recorder, strict)
    r.estimate_curves = estimate_curves and recorder is None
    c = model.content
    ov = c.overview
    doc = RDocument(
        title=r.text(c.title, ("title",)), subtitle=r.text(c.subtitle, ("subtitle",)),
        congress=r.text(c.congress, ("congress",)),
        overview_body=r.paras(ov.body, ("overview", "body"), ov.footnotes),
        overview_notes=tuple(r.text(n, ("overview", "notes", i), ov.footnotes) for i, n in enumerate(ov.notes)),
        sections=[r.section(i) for i in range(len(c.sections))],
        statements=r.statements(), target=target,
        overview_speaker_notes=tuple(r.text(n, ("overview", "speaker_notes", i), ov.footnotes)
                                     for i, n in enumerate(ov.speaker_notes)))
    ids = [s.id for s in c.sections]
    for i, sid in enumerate(ids):
        if ids.count(sid) > 1:
            r.err(("sections", i, "id"), f"section id {sid!r} is used twice")
    doc.logo = r.logo()
    doc.images = {iid: img for iid in c.images if (img := r.image(iid)) is not None}
    doc.glossary = r.glossary(WORDS)  # after the content: it looks for its terms in every text the target shows
    r.unit_labels()
    doc.words = {key: r.tr(text, ("words", key), context=f"words.{key}") for key, text in WORDS.items()}
    doc.words.update(r.table_words())
    collect(r.errors)
    doc.cited = r.cited
    doc.warnings = r.warnings
    doc.locations = r.locations
    doc.wording = r.wording
    return doc


def with_context(nodes: tuple, ctx: str) -> tuple:
    """The text nodes (inline footnote bodies too) marked as belonging to the text ``ctx``; nodes
    that already belong to one (a footnote by id, resolved as a text of its own) keep theirs."""
    out = []
    for n in nodes:
        if isinstance(n, Text) and not n.ctx:
            n = replace(n, ctx=ctx)
        elif isinstance(n, Note) and n.body and not n.ref:
            n = replace(n, body=with_context(n.body, ctx))
        out.append(n)
    return tuple(out)
