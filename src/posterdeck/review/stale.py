"""Stale approvals: entries of approvals.yaml whose item the deck no longer has (a claim renamed,
a value removed, a key mistyped) or whose language is none of the deck's. They would be ignored
silently; build and check warn about them at their line, and ``posterdeck approve --prune``
drops them.

Whether an item exists is read from the deck itself (its study values, claims, texts and their
citations, statements), not from the composed pages, so that a check needs no layout.
"""
from __future__ import annotations

from dataclasses import dataclass

from posterdeck.review.approvals import Approvals

REFRESH = "run posterdeck approve to refresh"


@dataclass(frozen=True)
class Stale:
    key: str
    language: str
    where: str  # file:line of the entry
    message: str  # the warning, with its file:line


def known_items(model, texts: list | None = None) -> set[str]:
    """The keys of every review item the deck can show, in any target. ``texts``:
    i18n.template(model), when already read."""
    from posterdeck.i18n import template
    from posterdeck.resolve.markup import Cite, MarkupError, Note, parse
    from posterdeck.resolve.target import make_target

    keys = {f"value:{p}" for p in model.leaves}
    keys |= {f"claim:{c.id}" for c in model.content.claims}
    keys |= {f"statement:{s.id}" for s in model.content.statements}
    for tag in model.info.targets:
        keys |= {f"statement:{s.id}" for s in make_target(tag, model.info, model.markets).market.statements}

    def cites(nodes) -> None:
        for n in nodes:
            if isinstance(n, Cite):
                for i, k in enumerate(n.keys):
                    keys.add(f"citation:{k}")
                    if n.locator(i):
                        keys.add(f"citation:{k}@{n.locator(i).text()}")
            elif isinstance(n, Note):
                cites(n.body)

    for ctx, raw, *_ in (texts if texts is not None else template(model)):
        keys |= {f"text:{ctx}", f"footnote:{ctx}"}
        try:
            cites(parse(raw))
        except MarkupError:
            continue  # reported by the build at its line
    return keys


def languages(model) -> set[str]:
    """The languages an entry may name: '' (values, citations), each target's language (wording)
    and each target's tag (a market's statements)."""
    return {""} | {t.split("-")[0] for t in model.info.targets} | set(model.info.targets)


def stale(model, approvals: Approvals | None, texts: list | None = None) -> list[Stale]:
    """The entries of ``approvals`` that match no item of the deck, or name no language of it."""
    from posterdeck.loading.yamlsource import suggest

    if approvals is None or not approvals.entries:
        return []
    known, langs = known_items(model, texts), languages(model)
    out = []
    for (key, language), _ in approvals.entries.items():
        where = approvals.lines.get((key, language), "")
        if key not in known:
            close = suggest(key, sorted(k for k in known if k.split(":")[0] == key.split(":")[0]))
            msg = f"{where}: no item {key} in any target of {model.name} (removed or renamed?); {REFRESH}"
            out.append(Stale(key, language, where, msg + (f" ({close})" if close else "")))
        elif language not in langs:
            shown = ", ".join(sorted(lang for lang in langs if lang)) or "none"
            out.append(Stale(key, language, where,
                             f"{where}: {key}: language {language!r} is not one of {model.name}'s languages "
                             f"({shown}); {REFRESH}"))
    return out
