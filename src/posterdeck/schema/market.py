"""Markets: mandatory statements, job-code rules and links of one country's code of practice."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from posterdeck.schema.base import Strict

Placement = Literal["footer", "overview", "closing"]


class Statement(Strict):
    """A mandatory statement. ``footer``: every page and slide; ``overview``: the poster header and
    the first slide; ``closing``: the end of the poster and the last content slide."""

    id: str
    text: str | dict[str, str]  # one text, or one per language: {en: ..., nl: ...}
    placement: Placement = "footer"
    link: str = ""  # makes the whole statement a link; a {{ link.NAME }} placeholder also works
    # a product statement (content.yaml) for these markets only (ISO codes, e.g. [FR]); empty:
    # every market. A market file's own statements are that market's already.
    markets: list[str] = Field(default_factory=list)


class JobCodeParts(Strict):
    prefix: str | None = None
    product: str | None = None
    market: str | None = None
    sequence: str | None = None


class Market(Strict):
    code: str  # ISO 3166 alpha-2, the region subtag of targets
    name: str
    language: str = "en"  # the market's own language: statements fall back to it
    iso3: str = Field(min_length=3, max_length=3)
    job_code: JobCodeParts = JobCodeParts()
    links: dict[str, str] = Field(default_factory=dict)  # e.g. smpc: https://...
    statements: list[Statement] = Field(default_factory=list)


class MarketFile(Strict):
    market: Market
