"""deck.yaml: the metadata of one deck and the files and layouts it uses."""
from __future__ import annotations

import re

from pydantic import Field, field_validator

from posterdeck.schema.base import Strict

TAG = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")


class JobCode(Strict):
    """The global job code, printed as PREFIX-PRODUCT-MARKET-SEQUENCE (e.g. PP-INO-GLB-0137)."""

    prefix: str
    """The first part, e.g. PP."""
    product: str
    """The product's code, e.g. INO."""
    market: str = "GLB"
    """The market part of the global code; each market puts its ISO alpha-3 code here."""
    sequence: str
    """The running number, e.g. 0137."""

    def render(self, **override: str | None) -> str:
        parts = {k: v for k, v in override.items() if v}
        merged = self.model_copy(update=parts)
        return f"{merged.prefix}-{merged.product}-{merged.market}-{merged.sequence}"


class JobCodeOverride(Strict):
    """Parts of the job code that one target prints differently; the others stay."""

    prefix: str | None = None
    """Another prefix for this target."""
    product: str | None = None
    """Another product code for this target."""
    market: str | None = None
    """Another market part for this target, e.g. GLB for a target printed with the global code."""
    sequence: str | None = None
    """Another running number for this target."""


class Outputs(Strict):
    """The layouts the deck is built with: a layout name in layouts/ per output."""

    poster: str | None = None
    """The poster layout (a file name in layouts/ without .yaml), e.g. poster-a0-portrait; none: no poster."""
    deck: str | None = None
    """The slide layout (a file name in layouts/ without .yaml), e.g. slides-16x9; none: no slide deck."""


class Files(Strict):
    """Where the deck's other files are, relative to the deck folder."""

    study: str = "study.yaml"
    """The study data file."""
    content: str = "content.yaml"
    """The content file."""
    references: str = "references.yaml"
    """The references: CSL-YAML (.yaml) or CSL-JSON (.json)."""
    glossaries: list[str] = Field(default_factory=list)
    """Shared glossaries to use, e.g. ../shared/glossary/haematology.yaml (a glossary.yaml in the deck folder is always used)."""
    markets: str = "../shared/markets"
    """The folder of the market files (one per country, named by its code, e.g. DE.yaml)."""


class Picture(Strict):
    """A picture of the deck (its logo): a PNG or JPEG file relative to the deck folder, and its
    alt text (what it shows, for screen readers and the PPTX)."""

    file: str
    """The PNG or JPEG file, relative to the deck folder."""
    alt: str
    """Alt text: what the picture shows (translated like any text)."""


class DeckInfo(Strict):
    """The deck: what it is, when it was prepared, its targets, theme and layouts."""

    title: str
    """The deck's title, written into the document properties."""
    product: str
    """The product's name."""
    job_code: JobCode
    """The global job code; each market's rule makes the local code from it."""
    date_of_preparation: str
    """The month of preparation, YYYY-MM (e.g. 2021-05); printed as a month and year in each language."""
    source_language: str = "en"
    """The language the content is written in; other languages come from the catalogues in i18n/."""
    targets: list[str] = Field(min_length=1)
    """The targets to build: BCP 47 language-REGION tags such as en-GB or de-DE (the region names a market file)."""
    target_job_codes: dict[str, JobCodeOverride] = Field(default_factory=dict)
    """A target whose material carries another job code than its market's rule gives, e.g. the seed's
    Dutch e-poster printed with the global code: {en-NL: {market: GLB}}."""
    theme: str
    """The theme (a file name in layouts/themes/ without .yaml): colours and fonts."""
    outputs: Outputs
    """The layouts of the poster and of the slide deck."""
    files: Files = Files()
    """Where the deck's other files are, when not at their usual names."""
    logo: Picture | None = None
    """The deck's logo, placed where the layouts have a logo panel."""
    layout_slots: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    """Sections placed in named slots of a layout, per layout name:
    {poster-a0-portrait: {left: [rationale, crcri], middle: [...]}}; unmapped sections flow."""
    links: dict[str, str] = Field(default_factory=dict)
    """The product's own links, which take the place of the market's links of the same name in its
    statements ({{ link.smpc }}), for every market."""
    market_links: dict[str, dict[str, str]] = Field(default_factory=dict)
    """The product's own links per market code: {NL: {smpc: https://...}}."""

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
    """deck.yaml."""

    deck: DeckInfo
    """The deck's metadata, targets, theme, layouts and files."""
