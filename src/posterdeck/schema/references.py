"""References as CSL items (the CSL-JSON / CSL-YAML that Zotero and pandoc use)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CslName(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    family: str = ""
    given: str = ""
    literal: str = ""


class CslDate(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    date_parts: list[list[int]] = Field(default_factory=list, alias="date-parts")


class CslItem(BaseModel):
    """A CSL item; unknown CSL fields are kept (CSL has many), the ones we render are typed."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    id: str
    type: str = "article-journal"
    title: str = ""
    author: list[CslName] = []
    container_title: str = Field(default="", alias="container-title")
    container_title_short: str = Field(default="", alias="container-title-short")
    publisher: str = ""
    issued: CslDate | None = None
    accessed: CslDate | None = None
    volume: str | int = ""
    issue: str | int = ""
    page: str = ""
    DOI: str = ""
    URL: str = ""
