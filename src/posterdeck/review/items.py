"""What a reviewer approves on each page: the review items of one target.

The types here are the contract between the collector (``collect``), the approvals and the
review pack writers. Coordinates are the page model's: points, top-left origin of the trim.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    """Where an item stands on its page (points, top-left origin)."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Item:
    """One thing a reviewer approves.

    ``key``: stable across builds and languages, e.g. ``value:results.crcri.ino_s1``,
    ``citation:jabbour2020`` (with its locator: ``citation:jabbour2020@fig. 2``),
    ``claim:crcri-mrd-greater-in-s1``, ``statement:adverse-events``, ``footnote:<page-local id>``.
    ``kind``: "value" | "citation" | "claim" | "statement" | "footnote".
    ``label``: what it is, in words (the study result's label, the claim as reviewers know it).
    ``shown``: the text as this target prints it.
    ``where``: file:line of its definition.
    ``details``: the callout's rows, in order: (name, text), e.g. ("study path", ...),
    ("value", ...), ("n/N", ...), ("rule", ...), ("reference", ...), ("locator", ...), ("holds", ...).
    ``fingerprint``: a hash of what the reviewer sees (value, wording in this language,
    reference and locator); ``language``: the language whose wording it covers ("" when the
    item reads the same in every language, as a value's data does).
    ``status``: "" (no approvals known), "approved", "changed" (approved, but not as it stands)
    or "new" (never approved); ``approved``: who and when, as recorded.
    """

    key: str
    kind: str
    label: str
    shown: str
    where: str = ""
    details: tuple[tuple[str, str], ...] = ()
    fingerprint: str = ""
    language: str = ""
    marks: tuple[Mark, ...] = ()
    status: str = ""
    approved: str = ""


@dataclass
class PageReview:
    output: str  # "poster" or "deck"
    index: int  # 0-based page or slide index in that output
    name: str  # the page's name (slide section id)
    items: list[Item] = field(default_factory=list)


@dataclass
class TargetReview:
    deck: str
    target: str  # the target tag, e.g. "en-GB"
    language: str
    pages: list[PageReview] = field(default_factory=list)

    def items(self) -> list[Item]:
        return [i for p in self.pages for i in p.items]


def collect(model, target, docs: dict) -> TargetReview:
    """The review items of one target from its composed documents (compose.build.compose's
    result). Provisional: the study values each page shows, without marks; the collector of
    claims, citations, footnotes, statements and their places replaces it."""
    review = TargetReview(model.name, target.tag, target.language)
    for output in ("poster", "deck"):
        doc = docs.get(output)
        if doc is None:
            continue
        for i, page in enumerate(doc.pages):
            pr = PageReview(output, i, page.name)
            for path in page.sources:
                pr.items.append(Item(key=f"value:{path}", kind="value", label=path, shown=path,
                                     details=(("study path", path),)))
            review.pages.append(pr)
    return review
