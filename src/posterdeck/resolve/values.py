"""Placeholders: a data path and a format name -> the text printed for a target."""
from __future__ import annotations

from posterdeck.loading.study import denominator, percent
from posterdeck.resolve.formats import Formats
from posterdeck.schema.study import Count, Estimate, Leaf, Number, PValue

FORMATS = {
    "count": "pct n N nN ci pct_ci count value",
    "estimate": "pct ci pct_ci value",
    "pvalue": "p value",
    "number": "value",
}


class ValueError_(LookupError):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def allowed(leaf: Leaf) -> list[str]:
    return FORMATS[leaf.kind].split()


def render_value(path: str, fmt: str, leaves: dict[str, Leaf], f: Formats, decimals: int,
                 ci_label: str = "95% CI") -> str:
    leaf = leaves.get(path)
    if leaf is None:
        raise ValueError_(f"placeholder {{{{ {path} }}}} names no value in the study data", "")
    if path.startswith("populations.") and not fmt:
        fmt = "n"
    if fmt and fmt not in allowed(leaf):
        raise ValueError_(f"format {fmt!r} does not apply to {path} (a {leaf.kind})",
                          f"use one of: {', '.join(allowed(leaf))}")
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
    if isinstance(leaf, Estimate):
        show = f.percent if leaf.unit == "%" else f.number
        decimals = leaf.decimals if leaf.decimals is not None else decimals
        match fmt or "pct":
            case "pct" | "value":
                return show(leaf.value, decimals) if fmt != "value" else f.number(leaf.value, decimals)
            case "ci" | "pct_ci":
                if leaf.ci is None:
                    raise ValueError_(f"{path} has no CI", "add ci: [low, high] to it in the study data")
                ci = f.ci(*leaf.ci, decimals)
                return ci if fmt == "ci" else f"{show(leaf.value, decimals)} ({ci_label}, {ci})"
    if isinstance(leaf, PValue):
        p = f.number(leaf.p, max(3, len(repr(leaf.p).split(".")[-1])))
        return f"P {leaf.op} {p}" if fmt != "value" else p
    if isinstance(leaf, Number):
        return f.number(leaf.number, leaf.decimals)
    raise ValueError_(f"cannot format {path}")


def chart_value(path: str, leaves: dict[str, Leaf], decimals: int) -> tuple[float, tuple[float, float] | None]:
    """The plotted value (percent) of a data path, rounded as printed, and its CI."""
    from posterdeck.loading.study import rounded

    leaf = leaves.get(path)
    if isinstance(leaf, Count):
        return float(rounded(percent(leaf, leaves), decimals)), leaf.ci
    if isinstance(leaf, Estimate):
        return float(rounded(leaf.value, decimals)), leaf.ci
    if isinstance(leaf, Number):
        return leaf.number, None
    raise ValueError_(f"chart value {path!r} is not a count, estimate or number in the study data")
