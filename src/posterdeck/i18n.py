"""posterdeck i18n: write the translation catalogues of a deck and report their state."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from posterdeck.loading.deck import Model, load_deck
from posterdeck.errors import Location, UsageError
from posterdeck.loading.yamlsource import display_path
from posterdeck.resolve.catalogue import catalogue_path, read_catalogue, read_catalogue_lines, write_catalogue
from posterdeck.resolve.glossary import TERM_CONTEXT

HEADER = """Translations of the posterdeck deck {deck} into {language}.
Each message's context says where the text sits; placeholders ({{{{ ... | format }}}}), citations ([@...]),
footnote markers ([^...], ^[...]) and link addresses must be kept as they are, and markup balanced:
the build refuses a translation that changes them. Translate, then run `posterdeck build`."""


def template(model: Model) -> list[tuple[str, str, str, int]]:
    """Every translatable text of a deck: (context, source text, file, line), in document order."""
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    recorder: list = []
    resolve(model, make_target(model.info.targets[0], model.info, model.markets), recorder=recorder)
    seen, out = set(), []
    for ctx, raw, where in recorder:
        if (ctx, raw) not in seen:
            seen.add((ctx, raw))
            out.append((ctx, raw, where.file, where.line))
    return out


def languages(model: Model) -> list[str]:
    return sorted({t.split("-")[0] for t in model.info.targets} - {model.info.source_language})


@dataclass
class ExtractResult:
    language: str
    path: Path
    messages: int
    new: int
    changed: int


def extract(deck_dir: Path, extra_languages: list[str] | None = None) -> list[ExtractResult]:
    from posterdeck.resolve.rtl import HINT as RTL_HINT, is_rtl_language

    for lang in extra_languages or []:
        if is_rtl_language(lang):
            raise UsageError(f"--language {lang}: {lang!r} is written right to left, which posterdeck does not "
                             f"support yet", hint=RTL_HINT)
    model = load_deck(deck_dir)
    items = template(model)
    tpl = Catalog(project=model.name, version=model.info.date_of_preparation, fuzzy=False)
    for ctx, raw, file, line in items:
        tpl.add(raw, context=ctx, locations=[(file, line)])
    results = []
    for lang in sorted(set(languages(model)) | set(extra_languages or [])):
        path = catalogue_path(model.folder, lang)
        if path.is_file():
            catalog = read_catalogue(path)
            before = {(m.context, m.id) for m in catalog if m.id}
            old_by_context = {m.context: m for m in catalog if m.id and m.string}
            # contexts are stable names, so a changed source is found by its context, not by
            # Babel's similarity guess across all messages
            catalog.update(tpl, no_fuzzy_matching=True, update_creation_date=False)
            for m in catalog:
                old = old_by_context.get(m.context)
                if m.id and not m.string and old is not None and old.id != m.id:
                    m.string, m.previous_id = old.string, [old.id]
                    m.flags.add("fuzzy")
                    # carried over: not also kept as an obsolete (#~) copy of the same entry
                    catalog.obsolete.pop((old.id, old.context) if old.context is not None else old.id, None)
            new = sum(1 for m in catalog if m.id and (m.context, m.id) not in before and not m.fuzzy)
            changed = sum(1 for m in catalog if m.id and m.fuzzy)
        else:
            catalog = Catalog(locale=lang, project=model.name, version=model.info.date_of_preparation,
                              header_comment="# " + HEADER.format(deck=model.name, language=lang).replace("\n", "\n# "),
                              fuzzy=False)
            for m in tpl:
                if m.id:
                    catalog.add(m.id, "", context=m.context, locations=m.locations)
            new, changed = len(items), 0
        catalog.creation_date = catalog.revision_date = _fixed_date(model)
        write_catalogue(path, catalog)
        results.append(ExtractResult(lang, path, len(items), new, changed))
    return results


def _fixed_date(model: Model):
    from datetime import datetime, timezone

    return datetime.fromisoformat(model.info.date_of_preparation + "-01").replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Entry:
    """A translatable text: its context, where its source sits and how it begins."""

    context: str
    file: str
    line: int
    source: str

    def __str__(self) -> str:
        text = " ".join(self.source.split())
        return f"{self.context} ({self.file}:{self.line}) {text[:60] + ('...' if len(text) > 60 else '')!r}"


@dataclass
class Status:
    target: str
    language: str
    total: int
    translated: int
    outdated: list[Entry]  # texts whose source changed since translation
    missing: list[Entry]
    errors: list = field(default_factory=list)  # translations that change their source's facts, at their line
    invalid: list[Entry] = field(default_factory=list)  # translated texts that fail those checks (not counted as translated)


def status(deck_dir: Path) -> list[Status]:
    model = load_deck(deck_dir)
    items = template(model)
    out = []
    for tag in model.info.targets:
        lang = tag.split("-")[0]
        if lang == model.info.source_language:
            out.append(Status(tag, lang, len(items), len(items), [], []))
            continue
        path = catalogue_path(model.folder, lang)
        catalog, lines = read_catalogue_lines(path) if path.is_file() else (Catalog(locale=lang), {})
        errors = []
        by_ctx: dict = {}
        for m in catalog:
            if m.id:
                by_ctx.setdefault(m.context or "", []).append(m)
        translated, outdated, missing, invalid = 0, [], [], []
        for ctx, raw, file, line in items:
            entries = by_ctx.get(ctx, [])
            exact = [m for m in entries if m.id == raw]
            if exact and exact[0].string and not exact[0].fuzzy:
                wrong = _unfaithful(ctx, raw, exact[0].string, Location(file, line),
                                    Location(display_path(path), lines.get((ctx, raw), 0)))
                if wrong:  # a translation a build refuses is not a translated text
                    invalid.append(Entry(ctx, file, line, raw))
                    errors += wrong
                else:
                    translated += 1
            elif (exact and exact[0].fuzzy) or any(m.id != raw and m.string for m in entries):
                outdated.append(Entry(ctx, file, line, raw))
            elif exact and not exact[0].fuzzy and ctx.startswith(TERM_CONTEXT):
                translated += 1  # an abbreviation left empty: kept as in the source, as builds keep it
            else:
                missing.append(Entry(ctx, file, line, raw))
        out.append(Status(tag, lang, len(items), translated, outdated, missing, errors, invalid))
    return out


def _unfaithful(ctx: str, raw: str, translation: str, source: Location, at: Location) -> list:
    """The errors of a translation that changes its source's facts or markup, as a build says them."""
    from posterdeck.errors import ContentError
    from posterdeck.resolve import rtl
    from posterdeck.resolve.fidelity import HINT, differences

    out = [ContentError(f"the translation of {ctx!r} changes its source (source: {source}): {problem}", at, hint=HINT)
           for problem in differences(raw, translation)]
    bad = rtl.check_text(translation, f"the translation of {ctx!r} (source: {source})", at)
    return out + ([bad] if bad is not None else [])
