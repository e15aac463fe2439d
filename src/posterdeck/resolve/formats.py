"""Numbers, percentages, CIs and dates formatted by CLDR rules for the target's language (Babel)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
import re
from functools import lru_cache

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit, get_unit_name

from posterdeck.loading.study import rounded

EN_DASH = "\u2013"
NBSP = "\u00a0"
DURATIONS = {"months": "duration-month", "weeks": "duration-week", "days": "duration-day", "years": "duration-year"}


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

    def duration(self, value: float, decimals: int, unit: str, short: bool = False) -> str:
        """A time value with its CLDR unit and plural for the language: '7.7 months', '7,7 Monate'
        (short: '7.7 mths'). The number and its unit are kept together by a no-break space."""
        cldr = DURATIONS[unit]
        q = rounded(value, decimals)
        fmt = _pattern(self.language, decimals, False)
        for length in (("short",) if short else ("long", "short")):
            text = format_unit(q, cldr, length=length, format=fmt, locale=_locale(self.language))
            if cldr not in text:  # Babel writes the unit's id where CLDR lacks a pattern
                return text.replace(" ", NBSP, 1) if text.count(" ") == 1 else text
        return f"{self.number(value, decimals)}{NBSP}{self.unit_name(unit, short)}"

    def unit_name(self, unit: str, short: bool = False) -> str:
        """The name of a time unit for the language ('months', 'Monate'), English where CLDR has none."""
        cldr = DURATIONS[unit]
        for locale in (_locale(self.language), _locale("en")):
            for length in (("short",) if short else ("long", "short")):
                name = get_unit_name(cldr, length=length, locale=locale)
                if name:
                    return name
        return unit

    def percent_affixes(self) -> tuple[str, str]:
        """What the language writes before and after a percentage's number: ('', '%') in English,
        ('', '\u00a0%') in German."""
        text = self.percent(1, 0)
        at = text.index("1")
        return text[:at], text[at + 1:]

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
