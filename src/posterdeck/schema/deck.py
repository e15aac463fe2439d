"""deck.yaml: the metadata of one deck and the files and layouts it uses."""
from __future__ import annotations

import re

from pydantic import Field, field_validator

from posterdeck.schema.base import Strict

TAG = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")


class JobCode(Strict):
    prefix: str
    product: str
    market: str = "GLB"
    sequence: str

    def render(self, **override: str | None) -> str:
        parts = {k: v for k, v in override.items() if v}
        merged = self.model_copy(update=parts)
        return f"{merged.prefix}-{merged.product}-{merged.market}-{merged.sequence}"


class JobCodeOverride(Strict):
    prefix: str | None = None
    product: str | None = None
    market: str | None = None
    sequence: str | None = None


class Outputs(Strict):
    poster: str | None = None  # a layout name in layouts/
    deck: str | None = None


class Files(Strict):
    study: str = "study.yaml"
    content: str = "content.yaml"
    references: str = "references.yaml"
    glossaries: list[str] = Field(default_factory=list)
    markets: str = "../shared/markets"


class Picture(Strict):
    """A picture of the deck (its logo): a PNG or JPEG file relative to the deck folder, and its
    alt text (what it shows, for screen readers and the PPTX)."""

    file: str
    alt: str


class DeckInfo(Strict):
    title: str
    product: str
    job_code: JobCode
    date_of_preparation: str  # YYYY-MM
    source_language: str = "en"
    targets: list[str] = Field(min_length=1)
    # a target whose material carries another job code than its market's rule gives, e.g. the
    # seed's Dutch e-poster printed with the global code: {en-NL: {market: GLB}}
    target_job_codes: dict[str, JobCodeOverride] = Field(default_factory=dict)
    theme: str
    outputs: Outputs
    files: Files = Files()
    logo: Picture | None = None  # placed where the layouts have a logo panel
    # sections placed in named slots of a layout, per layout name:
    # {poster-a0-portrait: {left: [rationale, crcri], middle: [...]}}; unmapped sections flow
    layout_slots: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    # the product's own links, which take the place of the market's links of the same name in its
    # statements ({{ link.smpc }}): for every market, or per market code
    links: dict[str, str] = Field(default_factory=dict)
    market_links: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("date_of_preparation")
    @classmethod
    def _month(cls, v: str) -> str:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v):
            raise ValueError("date_of_preparation must be YYYY-MM, e.g. 2021-05")
        return v

    @field_validator("targets")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        for tag in v:
            if not TAG.match(tag):
                raise ValueError(f"target {tag!r} is not a BCP 47 language-REGION tag such as en-GB")
        return v


class DeckFile(Strict):
    deck: DeckInfo
