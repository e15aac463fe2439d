"""References as CSL items (the CSL-JSON / CSL-YAML that Zotero and pandoc use)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CslName(BaseModel):
    """An author: family and given names, or a literal name (an organisation)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    family: str = ""
    """The family name."""
    given: str = ""
    """The given names (printed as initials)."""
    literal: str = ""
    """A name printed as written, e.g. a study group."""


class CslDate(BaseModel):
    """A CSL date."""

    model_config = ConfigDict(extra="allow", frozen=True)
    date_parts: list[list[int]] = Field(default_factory=list, alias="date-parts")
    """[[year, month, day]], month and day optional: [[2020]] or [[2021, 5, 14]]."""


class CslItem(BaseModel):
    """A CSL item; unknown CSL fields are kept (CSL has many), the ones we render are typed."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    id: str
    """The citation key, cited in content as [@id]."""
    type: str = "article-journal"
    """The CSL type: article-journal, book, chapter, webpage, report, ..."""
    title: str = ""
    """The work's title."""
    author: list[CslName] = []
    """The authors, in order."""
    container_title: str = Field(default="", alias="container-title")
    """The journal or book the work is in."""
    container_title_short: str = Field(default="", alias="container-title-short")
    """The journal's abbreviation (NLM), printed in references: Leuk Lymphoma."""
    publisher: str = ""
    """The publisher (books, reports, web pages)."""
    issued: CslDate | None = None
    """When the work was published."""
    accessed: CslDate | None = None
    """When a web page was read."""
    volume: str | int = ""
    """The volume."""
    issue: str | int = ""
    """The issue."""
    page: str = ""
    """The pages, e.g. 2012-2015."""
    DOI: str = ""
    """The DOI, without https://doi.org/."""
    URL: str = ""
    """The address of the work."""
