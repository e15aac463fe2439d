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
    """A name for the statement, unique in its file."""
    text: str | dict[str, str]
    """One text, or one per language: {en: ..., nl: ...} (inline markup; {{ link.NAME }} inserts a link)."""
    placement: Placement = "footer"
    """footer: every page and slide; overview: the poster header and the first slide; closing: the end."""
    link: str = ""
    """Makes the whole statement a link to this address; a {{ link.NAME }} placeholder also works."""
    markets: list[str] = Field(default_factory=list)
    """A product statement (content.yaml) for these markets only (ISO codes, e.g. [FR]); empty:
    every market. A market file's own statements are that market's already."""


class JobCodeParts(Strict):
    """The market's job-code rule: the parts it prints differently from the global code."""

    prefix: str | None = None
    """Another prefix in this market."""
    product: str | None = None
    """Another product code in this market."""
    market: str | None = None
    """The market part; default: the market's ISO alpha-3 code (iso3)."""
    sequence: str | None = None
    """Another running number in this market."""


class Market(Strict):
    """One country's code of practice: its statements, links and job-code rule."""

    code: str
    """ISO 3166 alpha-2 code, the region subtag of targets (NL in en-NL)."""
    name: str
    """The country's name."""
    language: str = "en"
    """The market's own language: a statement without a text in the target's language uses this one."""
    iso3: str = Field(min_length=3, max_length=3)
    """ISO 3166 alpha-3 code, put into local job codes (PP-INO-NLD-0137)."""
    job_code: JobCodeParts = JobCodeParts()
    """How the market's job codes differ from the global one."""
    links: dict[str, str] = Field(default_factory=dict)
    """Named links for statements ({{ link.smpc }}), e.g. smpc: https://..."""
    statements: list[Statement] = Field(default_factory=list)
    """The mandatory statements of the market."""


class MarketFile(Strict):
    """A market file."""

    market: Market
    """The market."""
