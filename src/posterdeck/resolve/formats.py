"""Numbers, percentages, CIs and dates formatted by CLDR rules for the target's language (Babel)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
import re
from functools import lru_cache

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from posterdeck.loading.study import rounded

EN_DASH = "\u2013"


@lru_cache(maxsize=None)
def _locale(tag: str) -> Locale:
    return Locale.parse(tag.replace("-", "_"))


@lru_cache(maxsize=None)
def _pattern(tag: str, decimals: int, percent: bool) -> str:
    loc = _locale(tag)
    base = (loc.percent_formats if percent else loc.decimal_formats)[None].pattern
    base = base.split(";")[0]
    base = re.sub(r"\.[0#]+", "", base)  # drop the locale's own fraction digits
    frac = "." + "0" * decimals if decimals else ""
    # keep the locale's grouping, sign and spacing, set the number of decimals
    return base.replace("#,##0", "#,##0" + frac, 1) if "#,##0" in base else base.replace("0", "0" + frac, 1)


class Formats:
    """Formatting for one language; every number printed in an output goes through here."""

    def __init__(self, language: str):
        self.language = language

    def number(self, value: float, decimals: int) -> str:
        q = rounded(value, decimals)
        return format_decimal(q, format=_pattern(self.language, decimals, False), locale=_locale(self.language))

    def percent(self, value: float, decimals: int) -> str:
        """value is in percent units (78.4 -> '78.4%')."""
        q = rounded(value, decimals) / Decimal(100)
        return format_percent(q, format=_pattern(self.language, decimals, True), locale=_locale(self.language))

    @property
    def decimal_comma(self) -> bool:
        """Whether the language writes 1,5 (charts label their axes the same way)."""
        return self.number(1.5, 1) != "1.5"

    def ci(self, lo: float, hi: float, decimals: int) -> str:
        return f"{self.number(lo, decimals)}{EN_DASH}{self.number(hi, decimals)}"

    def month_year(self, year_month: str) -> str:
        """A month and year standing alone, by the language's CLDR pattern for the skeleton
        yMMMM: 'May 2021', 'marzo de 2025', 'März 2025', 'Μάρτιος 2025' (the nominative)."""
        y, m = (int(p) for p in year_month.split("-"))
        return format_skeleton("yMMMM", date(y, m, 1), locale=_locale(self.language))
