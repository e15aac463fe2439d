"""Lint a loaded deck: problems that do not stop a build but a reviewer would flag."""
from __future__ import annotations

from posterdeck.loading.deck import Model
from posterdeck.loading.yamlsource import Source
from posterdeck.resolve.glossary import undefined_abbreviations
from posterdeck.resolve.markup import Cite, MarkupError, Text, parse


def _texts(data, path=()):
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _texts(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _texts(v, path + (i,))


# the texts of the other files that pages show, by the key that holds them: the study's result
# and population labels, table row terms and unit labels; the deck's title; market statements
SHOWN_KEYS = {"study": ("label", "term", "short"), "deck": ("title",)}


def shown_texts(model: Model):
    """(source, path, text) of every text a page shows: all of content.yaml's texts (not its ids,
    types, colours, links or data paths) and the texts other files give the pages."""
    content: Source = model.sources["content"]
    for path, text in _texts(content.data):
        if path and path[-1] in ("id", "color", "type", "placement", "link") or \
                (len(path) > 1 and path[-2] in ("values", "visuals", "markets")):
            continue
        yield content, path, text
    for name, keys in SHOWN_KEYS.items():
        src = model.sources.get(name)
        for path, text in _texts(src.data if src else {}):
            if any(p in keys for p in path[-2:]):  # a label per language ({en: cells/µL}) too
                yield src, path, text
    regions = {tag.rsplit("-", 1)[-1] for tag in model.info.targets}
    for name, src in model.sources.items():  # the statements of the targets' markets
        if name.startswith("market:") and name.partition(":")[2] in regions:
            for path, text in _texts(src.data):
                if "statements" in path and "text" in path:
                    yield src, path, text


def lint(model: Model) -> list[str]:
    warnings = []
    src: Source = model.sources["content"]
    seen, cited = set(), set()
    for path, text in _texts(src.data):
        try:
            cited.update(k for n in parse(text) if isinstance(n, Cite) for k in n.keys)
        except MarkupError:
            continue  # reported as an error by the build, with its line
    for where, path, text in shown_texts(model):
        try:
            nodes = parse(text)
        except MarkupError:
            continue  # reported as an error by the build, with its line
        plain = "".join(n.text for n in nodes if isinstance(n, Text))
        for token in undefined_abbreviations(plain, model.glossary):
            if token not in seen:
                seen.add(token)
                warnings.append(f"{where.where(path)}: {token!r} looks like an abbreviation but is not in the glossary "
                                f"(add it to the glossary, or to proper_names if it is a name)")
    for key in model.references:
        if key not in cited:
            warnings.append(f"{model.sources['references'].where()}: reference {key!r} is never cited")
    used = {v for s in model.content.sections for v in s.visuals}
    for layout in model.layouts.values():  # pictures a layout places with image:ID panels
        used.update(n.partition(":")[2] for band in layout.bands for col in band.columns for n in col.names()
                    if n.startswith("image:"))
    for kind in ("charts", "tables", "images"):
        for vid in getattr(model.content, kind):
            if vid not in used:
                warnings.append(f"{src.where((kind, vid))}: {kind[:-1]} {vid!r} is shown by no section, so it is "
                                f"in no output (add it to a section's visuals)")
    return warnings
