"""Translation catalogues: gettext PO files read and written with Babel, one per language,
in <deck>/i18n/<language>.po. A message is identified by its context (where the text sits in
the content, e.g. 'sections.crcri.summary') and its source text; when the source text changes,
the old translation no longer matches and the target falls back (and `i18n status` says so)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from posterdeck.errors import InputError, Location, collect
from posterdeck.loading.yamlsource import display_path


def catalogue_path(deck_folder: Path, language: str) -> Path:
    return deck_folder / "i18n" / f"{language}.po"


@dataclass
class Translations:
    """The usable translations of one language: not fuzzy, not empty."""

    language: str
    messages: dict[tuple[str, str], str] = field(default_factory=dict)
    path: Path | None = None
    lines: dict[tuple[str, str], int] = field(default_factory=dict)  # the line of each msgstr

    def get(self, context: str, source: str) -> str | None:
        return self.messages.get((context, source))

    def where(self, context: str, source: str) -> Location:
        """The catalogue line of a translation (its msgstr), where its problems are said."""
        return Location(display_path(self.path) if self.path else "", self.lines.get((context, source), 0))


def load_translations(deck_folder: Path, language: str) -> Translations:
    path = catalogue_path(deck_folder, language)
    out = Translations(language, path=path if path.is_file() else None)
    if not path.is_file():
        return out
    catalog, lines = read_catalogue_lines(path)
    from posterdeck.limits import describe, not_xml

    errors = []
    for msg in catalog:
        if msg.id and msg.string and not msg.fuzzy:
            key = (msg.context or "", msg.id)
            out.lines[key] = lines.get(key, msg.lineno or 0)
            bad = not_xml(msg.string)
            if bad:
                errors.append(InputError(f"control character {describe(bad)} in the translation of {msg.context!r}: "
                                         f"a PowerPoint file cannot hold it", out.where(*key),
                                         hint="delete it from the msgstr"))
            out.messages[key] = msg.string
    collect(errors)
    return out


def read_catalogue(path: Path) -> Catalog:
    return read_catalogue_lines(path)[0]


def read_catalogue_lines(path: Path) -> tuple[Catalog, dict[tuple[str, str], int]]:
    """A catalogue read with Babel once its syntax passed the strict check (duplicates, bad
    strings and stray lines are errors at their line), and the msgstr line of every entry."""
    import io

    from posterdeck.resolve.posyntax import read_entries

    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the catalogue: {exc.strerror}", Location(shown)) from None
    entries = read_entries(Path(shown), data)
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except Exception as exc:  # Babel raises PoFileError and ValueError variants
        line = getattr(exc, "lineno", 0) or 0
        raise InputError(f"cannot read the catalogue: {exc}", Location(shown, line),
                         hint="fix the PO syntax, or delete the file and run posterdeck i18n extract") from None
    return catalog, {(e.context, e.msgid): e.msgstr_line for e in entries}


def write_catalogue(path: Path, catalog: Catalog) -> None:
    import io

    from posterdeck.output import write_atomic

    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=False, include_previous=True, omit_header=False)
    write_atomic(path, buf.getvalue())
