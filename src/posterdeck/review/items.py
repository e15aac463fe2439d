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
    ``claim:crcri-mrd-greater-in-s1``, ``text:sections.crcri.summary``, ``statement:adverse-events``,
    ``footnote:<page-local id>``.
    ``kind``: "value" | "citation" | "claim" | "text" | "statement" | "footnote".
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


def shown_doc(docs: dict, output: str):
    """The composed document whose pages the review shows for ``output`` ("poster" or "deck"):
    for the poster, the screen poster's pages (as printed: trim size, no marks) when built, else
    the poster's; None when neither is there. One choice for the items, their marks and the
    pictures of the review pack."""
    names = ("poster-screen", "poster") if output == "poster" else (output,)
    return next((docs[n] for n in names if docs.get(n) is not None), None)


def collect(model, target, docs: dict) -> TargetReview:
    """The review items of one target from its composed documents (compose.build.compose's
    result): for each page of the poster (the screen poster's pages, as printed) and each slide,
    every value, citation, claim, footnote and statement it shows, with its marks on the page
    and its fingerprint (see review.collect)."""
    from posterdeck.review.collect import collect_items

    return collect_items(model, target, docs)
