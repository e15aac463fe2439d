"""approvals.yaml: what reviewers approved, item by item (written by `posterdeck approve`)."""
from __future__ import annotations

import datetime
import re

from pydantic import Field, field_validator

from posterdeck.schema.base import Strict


KINDS = ("value", "citation", "claim", "text", "footnote", "statement")  # the kinds of review items


class Approval(Strict):
    """One review item approved as it stood, in one language."""

    item: str
    """The item's key: value:PATH, citation:KEY (or citation:KEY@LOCATOR), claim:ID, text:CONTEXT, footnote:CONTEXT, statement:ID."""
    language: str = ""
    """The language whose wording was approved; '' for an item that reads the same in every language (a value, a citation); a target tag (en-GB) for a market's statement."""
    fingerprint: str
    """What the reviewer saw, as posterdeck fingerprints it: a changed value, wording, reference or locator no longer matches, and the item needs approval again."""
    by: str = Field(min_length=1)
    """Who approved it."""
    date: str
    """When it was approved: an ISO date, 2026-11-29."""
    shown: str = ""
    """The item as it was shown when approved, for people reading this file (not compared)."""

    @field_validator("item", mode="before")
    @classmethod
    def _kind(cls, v):
        kind, sep, rest = str(v).partition(":")
        if not sep or kind not in KINDS or not rest.strip():
            raise ValueError(f"{v!r} is not an item key: a key is a kind, a colon and a name, and the kinds are "
                             f"{', '.join(KINDS[:-1])} and {KINDS[-1]} (value:results.primary.hr, claim:ID)")
        return str(v)

    @field_validator("fingerprint", mode="before")
    @classmethod
    def _fingerprint(cls, v):
        if not re.fullmatch(r"[0-9a-f]{16}", str(v)):
            raise ValueError(f"{v!r} is not a fingerprint posterdeck wrote: fingerprints are written by posterdeck "
                             f"approve; do not edit them, re-run approve")
        return str(v)

    @field_validator("date", mode="before")
    @classmethod
    def _iso(cls, v):
        if isinstance(v, datetime.date):
            return v.isoformat()
        try:
            datetime.date.fromisoformat(str(v))
        except ValueError:
            raise ValueError(f"{v!r} is not an ISO date (YYYY-MM-DD)") from None
        return str(v)


class ApprovalsFile(Strict):
    """data/<deck>/approvals.yaml."""

    approvals: list[Approval] = Field(default_factory=list)
    """One entry per item and language, as `posterdeck approve` writes them."""
