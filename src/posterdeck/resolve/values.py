"""Placeholders: a data path and a format name -> the text printed for a target.

Every value prints with its own unit and precision: the leaf's ``decimals``, else the decimals
as written in study.yaml (set by loading), else the fallback the caller passes (the study's).
"""
from __future__ import annotations

from decimal import Decimal

from posterdeck.loading.study import decimals_of, denominator, percent, rounded
from posterdeck.resolve.formats import Formats
from posterdeck.resolve.units import unit_label, with_unit
from posterdeck.schema.study import Count, Estimate, Leaf, Number, PValue

FORMATS = {
    "count": "pct n N nN ci pct_ci count value",
    "estimate": "pct ci pct_ci value with_ci short unit",
    "pvalue": "p value",
    "number": "value short unit",
}


class ValueError_(LookupError):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def allowed(leaf: Leaf) -> list[str]:
    """The formats a value takes: a percentage's formats only where it is a percentage."""
    names = FORMATS[leaf.kind].split()
    if not isinstance(leaf, Count) and unit_of(leaf) != "percent":
        names = [n for n in names if n not in ("pct", "pct_ci")]
    return names


def unit_of(leaf: Leaf) -> str | None:
    """What a value measures: a count is a percentage of n/N; a p-value has no unit."""
    if isinstance(leaf, Count):
        return "percent"
    return getattr(leaf, "unit", None)


def render_value(path: str, fmt: str, leaves: dict[str, Leaf], f: Formats, decimals: int,
                 ci_label: str = "95% CI") -> str:
    """``decimals`` is the fallback for a value without a precision of its own."""
    leaf = leaves.get(path)
    if leaf is None:
        raise ValueError_(f"placeholder {{{{ {path} }}}} names no value in the study data", "")
    if path.startswith("populations.") and not fmt:
        fmt = "n"
    if fmt and fmt not in FORMATS[leaf.kind].split():  # (pct on another unit: its own message below)
        raise ValueError_(f"format {fmt!r} does not apply to {path} (a {leaf.kind})",
                          f"use one of: {', '.join(allowed(leaf))}")
    if isinstance(leaf, PValue):
        d = leaf.decimals if leaf.decimals is not None else _written(leaf.p)
        p = f.number(leaf.p, d)
        return f"P {leaf.op} {p}" if fmt != "value" else p
    decimals = decimals_of(leaf, decimals)
    if isinstance(leaf, Count):
        pct = percent(leaf, leaves)
        N = denominator(leaf, leaves)
        ci = (f.ci(*leaf.ci, decimals) if leaf.ci else None)
        match fmt or "pct":
            case "pct":
                return f.percent(pct, decimals)
            case "n":
                return f.number(leaf.n, 0)
            case "N":
                return f.number(N, 0)
            case "nN":
                return f"{f.number(leaf.n, 0)}/{f.number(N, 0)}"
            case "value":
                return f.number(pct, decimals)
            case "count":
                return f"{f.number(leaf.n, 0)} ({f.number(pct, decimals)})"
            case "ci" | "pct_ci":
                if ci is None:
                    raise ValueError_(f"{path} has no CI", "add ci: [low, high] to it in the study data")
                return ci if fmt == "ci" else f"{f.percent(pct, decimals)} ({ci_label}, {ci})"
    if isinstance(leaf, (Estimate, Number)):
        value = leaf.value if isinstance(leaf, Estimate) else leaf.number
        unit, unit_def = leaf.unit, leaf._unit_def
        if fmt in ("pct", "pct_ci") and unit != "percent":
            raise ValueError_(f"format {fmt!r} does not apply to {path}: its unit is {unit or 'none'}, not percent",
                              f"write {{{{ {path} }}}} for the value with its unit"
                              + (", | with_ci for it with its CI" if isinstance(leaf, Estimate) else "")
                              + "; if it is a percentage, add unit: percent to it in study.yaml")
        match fmt:
            case "" | "pct":
                return with_unit(value, decimals, unit, unit_def, f)
            case "short":
                return with_unit(value, decimals, unit, unit_def, f, short=True)
            case "value":
                return f.number(value, decimals)
            case "unit":
                return unit_label(unit, unit_def, f)
            case "ci" | "pct_ci" | "with_ci":
                if leaf.ci is None:
                    raise ValueError_(f"{path} has no CI", "add ci: [low, high] to it in the study data")
                ci = f.ci(*leaf.ci, decimals)
                return ci if fmt == "ci" else f"{with_unit(value, decimals, unit, unit_def, f)} ({ci_label}, {ci})"
    raise ValueError_(f"cannot format {path}")


def _written(p: float) -> int:
    """The decimals of a number built in code, not read from a file: 0.001 -> 3."""
    exponent = Decimal(repr(p)).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def chart_point(path: str, leaves: dict[str, Leaf], decimals: int
                ) -> tuple[float, tuple[float, float] | None, str | None, int]:
    """A plotted value, rounded as printed, with its CI, unit and precision (``decimals`` is
    the fallback for a value without a precision of its own)."""
    leaf = leaves.get(path)
    if isinstance(leaf, Count):
        d = decimals_of(leaf, decimals)
        return float(rounded(percent(leaf, leaves), d)), leaf.ci, "percent", d
    if isinstance(leaf, Estimate):
        d = decimals_of(leaf, decimals)
        return float(rounded(leaf.value, d)), leaf.ci, leaf.unit, d
    if isinstance(leaf, Number):
        d = decimals_of(leaf, decimals)
        return float(rounded(leaf.number, d)), None, leaf.unit, d
    raise ValueError_(f"chart value {path!r} is not a count, estimate or number in the study data")


def chart_value(path: str, leaves: dict[str, Leaf], decimals: int) -> tuple[float, tuple[float, float] | None]:
    """The plotted value of a data path, rounded as printed, and its CI."""
    value, ci, _unit, _d = chart_point(path, leaves, decimals)
    return value, ci
