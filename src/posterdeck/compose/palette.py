"""The colours of chart series (bar series, Kaplan-Meier curves) that content.yaml leaves
without one: decided here, once per document, so that the PDF chart and the PPTX chart paint
the same colours. Each takes the next colour of the chart palette, skipping those given
explicitly to other series of the same chart; a chart whose series still share a colour
(more series than the palette has colours, or the same colour given twice) gets a warning."""
from __future__ import annotations

from dataclasses import replace

from posterdeck.pagemodel.charts import RChart, RKaplanMeier

# The theme colours a chart takes in turn, those the theme has (primary is always there)
PALETTE = ("primary", "secondary", "accent", "primary_light", "secondary_light", "grey")


def palette(colours) -> list[str]:
    """The chart palette of a theme: PALETTE's colours that ``colours`` defines, in order."""
    return [c for c in PALETTE if c in colours]


def series_colours(given: list[str], colours) -> list[str]:
    """The colour of each series: its own (``given``, '' for none), else the palette's next
    colour not given to another series; the palette over again once it runs out."""
    free = [c for c in palette(colours) if c not in given] or palette(colours)
    out, i = [], 0
    for name in given:
        if name:
            out.append(name)
        else:
            out.append(free[i % len(free)])
            i += 1
    return out


def with_palette(doc, colours, source) -> object:
    """``doc`` (a resolved document) with every chart series coloured, and a warning (at the
    chart's line of ``source``, content.yaml) for each chart whose series share a colour."""
    warnings = list(doc.warnings)
    sections = [replace(s, visuals=tuple(_coloured(v, colours, source, warnings) for v in s.visuals))
                for s in doc.sections]
    return replace(doc, sections=sections, warnings=warnings)


def _coloured(visual, colours, source, warnings: list):
    if isinstance(visual, RChart):
        items, kind = visual.series, "series"
    elif isinstance(visual, RKaplanMeier):
        items, kind = visual.curves, "curves"
    else:
        return visual
    chosen = series_colours([s.color for s in items], colours)
    shared = {c: [s.name for s, k in zip(items, chosen) if k == c] for c in chosen}
    for colour, names in shared.items():
        if len(names) > 1:
            text = (f"{source.where(('charts', visual.id))}: chart {visual.id!r}: the {kind} "
                    f"{', '.join(repr(n) for n in names)} share the colour {colour!r}, so the legend "
                    f"cannot tell them apart; give them distinct colours (color: of each; the theme's "
                    f"chart palette is {', '.join(palette(colours))})")
            if text not in warnings:
                warnings.append(text)
    if chosen == [s.color for s in items]:
        return visual
    coloured = tuple(replace(s, color=c) for s, c in zip(items, chosen))
    return replace(visual, **{kind: coloured})
