"""Values with their unit, for the target's language: percent and time units the CLDR way
(Babel), ratios and counts bare, declared units with their label per language."""
from __future__ import annotations

from posterdeck.resolve.formats import DURATIONS, NBSP, Formats
from posterdeck.schema.study import Unit


def pick(texts: dict[str, str], language: str) -> tuple[str, bool]:
    """The text for a language ('de' or 'de-DE' keys), else English, else the first given;
    and whether it fell back."""
    for key, text in texts.items():
        if key.split("-")[0].lower() == language.lower():
            return text, False
    if "en" in texts:
        return texts["en"], True
    return next(iter(texts.values()), ""), True


def unit_label(unit: str | None, unit_def: Unit | None, f: Formats, short: bool = False) -> str:
    """The unit's name alone, for axis titles and the | unit format: '%', 'months', 'Monate',
    a declared unit's label; '' for ratios, counts and values without a unit."""
    if unit == "percent":
        return f.percent_affixes()[1].strip() or "%"
    if unit in DURATIONS:
        return f.unit_name(unit, short)
    if unit_def is not None:
        label, fell_back = pick(unit_def.label, f.language)
        if short and unit_def.short:  # the language's short form, else its label, else English's short
            brief, brief_fell_back = pick(unit_def.short, f.language)
            return label if brief_fell_back and not fell_back else brief
        return label
    return ""


def with_unit(value: float, decimals: int, unit: str | None, unit_def: Unit | None, f: Formats,
              short: bool = False) -> str:
    """The value as printed with its unit: '25.9%' / '25,9 %', '7.7 months' / '7,7 Monate',
    '0.74' (ratio), '10.7 events per 100 patient-years'."""
    if unit == "percent":
        return f.percent(value, decimals)
    if unit in DURATIONS:
        return f.duration(value, decimals, unit, short)
    number = f.number(value, decimals)
    label = unit_label(unit, unit_def, f, short) if unit_def is not None else ""
    if not label:
        return number
    return f"{number}{label}" if label.startswith("/") else f"{number}{NBSP}{label}"  # '14.3/100 PY'


def label_fallbacks(units: dict[str, Unit], used: set[str], language: str) -> list[str]:
    """The declared units in use that have no label in the language (printed in English)."""
    return [uid for uid in sorted(used) if uid in units and pick(units[uid].label, language)[1]]
