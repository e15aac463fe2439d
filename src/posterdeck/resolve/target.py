"""A build target: a language and a market, named by a BCP 47 tag such as en-NL."""
from __future__ import annotations

from dataclasses import dataclass

from posterdeck.resolve.formats import Formats
from posterdeck.schema.deck import DeckInfo
from posterdeck.schema.market import Market


@dataclass(frozen=True)
class Target:
    tag: str
    language: str
    market: Market
    formats: Formats
    job_code: str
    date_of_preparation: str  # "May 2021", in the target's language

    @property
    def job_line(self) -> str:
        """'PP-INO-GLB-0137. May 2021.'"""
        return f"{self.job_code}. {self.date_of_preparation}."


def make_target(tag: str, info: DeckInfo, markets: dict[str, Market]) -> Target:
    language, region = tag.split("-")
    market = markets[region]
    override = market.job_code.model_dump()
    if not override.get("market"):
        override["market"] = market.iso3  # the local code: PP-INO-GBR-0137 where the global one has GLB
    if tag in info.target_job_codes:
        override.update({k: v for k, v in info.target_job_codes[tag].model_dump().items() if v})
    formats = Formats(language)
    return Target(tag=tag, language=language, market=market, formats=formats,
                  job_code=info.job_code.render(**override),
                  date_of_preparation=formats.month_year(info.date_of_preparation))
