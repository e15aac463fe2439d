"""Which sections go where on a poster: the plan of a layout's section panels for one deck.

A poster layout names regions, not a deck's sections. Its panels that take sections are
  sections (or flow)  the next sections, in content order, flow here;
  slot:NAME           the sections deck.yaml maps to NAME for this layout (layout_slots); a slot
                      the deck does not map takes part in the flow like a `sections` panel;
  section:ID          one section by id (layouts written for one deck, kept for compatibility).
Sections not mapped or named flow through the flow panels in layout order; compose chooses how
many go into each, so that the columns balance.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from posterdeck.errors import InputError, LayoutError, Location
from posterdeck.loading.yamlsource import Source, suggest

FLOW = ("sections", "flow")
PICTURES = ("logo", "image")
# the panels a poster column may hold: a name alone, or KIND:ARGUMENT
PLAIN_PANELS = ("title", "callouts", "overview", "references", "footer", "logo", *FLOW)
ARG_PANELS = ("statements", "image", "section", "slot")
STATEMENT_PLACES = ("overview", "closing", "footer")  # schema.market.Placement


@dataclass
class SectionPlan:
    """``fixed``: (band, column, panel) -> the section ids that panel holds; ``flow``: the flow
    panels in layout order; ``flowing``: the section ids they share, in content order."""

    fixed: dict[tuple[int, int, int], list[str]] = field(default_factory=dict)
    flow: list[tuple[int, int, int]] = field(default_factory=list)
    flowing: list[str] = field(default_factory=list)


_PANEL_NAMES = [*PLAIN_PANELS[:-1], *(f"statements:{p}" for p in STATEMENT_PLACES), "image:ID", "section:ID",
                "slot:NAME"]


def panel_problem(name: str) -> str:
    """'' for a panel a poster layout may name, else what is wrong with ``name``."""
    kind, colon, arg = name.partition(":")
    if not colon and kind in PLAIN_PANELS:
        return ""
    if kind in ARG_PANELS and arg.strip():
        if kind == "statements" and arg not in STATEMENT_PLACES:
            return f"unknown statements panel {name!r}: statements are placed in {', '.join(STATEMENT_PLACES)}"
        return ""
    if kind in ARG_PANELS:
        return f"panel {name!r} names no {'place' if kind == 'statements' else 'id'} after the colon"
    if kind in PLAIN_PANELS:
        return f"panel {kind!r} takes nothing after a colon"
    return f"unknown panel {name!r} in the poster layout"


def layout_where(src: Source | None, path: tuple = ()) -> Location:
    return src.where(("layout",) + path) if src is not None else Location()


def plan_sections(layout, layout_name: str, info, section_ids: list[str], layout_src: Source | None,
                  deck_src: Source | None, image_ids=None) -> tuple[SectionPlan, list]:
    """The plan and the problems found (errors naming the layout file or deck.yaml and line);
    with ``image_ids`` (content.yaml images), image:ID panels are checked too."""
    plan, errors = SectionPlan(), []
    mapping = info.layout_slots.get(layout_name, {}) if info is not None else {}
    known = set(section_ids)
    placed: dict[str, Location] = {}
    slots: set[str] = set()

    def deck_where(*path) -> Location:
        return deck_src.where(("deck", "layout_slots", layout_name) + path) if deck_src is not None else Location()

    def place(sid: str, where: Location) -> None:
        if sid in placed:
            errors.append(LayoutError(f"section {sid!r} is placed twice (also at {placed[sid]})", where,
                                      hint="place each section once: in one slot or one section: panel"))
        placed[sid] = where

    for b, band in enumerate(layout.bands):
        for c, col in enumerate(band.columns):
            for p, panel in enumerate(col.panels):
                name = panel if isinstance(panel, str) else panel.panel
                kind, _, arg = name.partition(":")
                at = layout_where(layout_src, ("bands", b, "columns", c, "panels", p))
                problem = panel_problem(name)
                if problem:
                    close = suggest(name, _PANEL_NAMES)
                    errors.append(LayoutError(problem, at, hint=(close + " " if close else "")
                                              + "panels: " + ", ".join(_PANEL_NAMES)))
                    continue
                if not isinstance(panel, str) and kind not in PICTURES:
                    errors.append(LayoutError(f"panel {name!r} takes no size or alignment", at,
                                              hint="only logo and image:ID panels are written as a mapping"))
                if kind == "section":
                    if arg not in known:
                        errors.append(LayoutError(f"the layout places section {arg!r}, which the content does not have",
                                                  at, hint=suggest(arg, section_ids) or
                                                  "write `sections` to let the deck's sections flow here"))
                        continue
                    place(arg, at)
                    plan.fixed[(b, c, p)] = [arg]
                elif kind == "slot":
                    slots.add(arg)
                    if arg in mapping:
                        plan.fixed[(b, c, p)] = []
                        for i, sid in enumerate(mapping[arg]):
                            if sid not in known:
                                errors.append(InputError(
                                    f"layout_slots maps unknown section {sid!r} to slot {arg!r} of {layout_name}",
                                    deck_where(arg, i), hint=suggest(sid, section_ids) or
                                    f"sections of content.yaml: {', '.join(section_ids)}"))
                                continue
                            place(sid, deck_where(arg, i))
                            plan.fixed[(b, c, p)].append(sid)
                    else:
                        plan.flow.append((b, c, p))
                elif name in FLOW:
                    plan.flow.append((b, c, p))
                elif kind == "image" and image_ids is not None and arg not in image_ids:
                    errors.append(LayoutError(f"the layout places image {arg!r}, which content.yaml does not define",
                                              at, hint=suggest(arg, image_ids) or
                                              "define it under images: in content.yaml (file and alt)"))
    for slot in mapping:
        if slot not in slots:
            errors.append(InputError(f"layout {layout_name} has no slot {slot!r}", deck_where(slot),
                                     hint=suggest(slot, slots) or (f"its slots: {', '.join(sorted(slots))}" if slots
                                                                   else "it has no slots; remove this mapping")))
    plan.flowing = [sid for sid in section_ids if sid not in placed]
    if plan.flowing and not plan.flow:
        where = deck_where() if mapping else layout_where(layout_src, ("bands",))
        errors.append(LayoutError(f"sections {plan.flowing} have no place on layout {layout_name}: it has no free "
                                  f"`sections` panel or slot", where,
                                  hint="map them to a slot in deck.yaml layout_slots, or add a `sections` panel "
                                       "to a column of the layout"))
    return plan, errors
