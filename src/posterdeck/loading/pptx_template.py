"""A company PowerPoint template (.pptx or .potx) read as data: the slide size and, for each
kind of slide, the layout it uses and the rectangles of that layout's placeholders, in points.

Compose places titles, bodies and footers in these rectangles; the PPTX painter builds the deck
on the template and fills the same placeholders. Which layout a kind of slide uses: the
theme's ``pptx_layouts`` (by name), else the first of pandoc's reference-doc names the template
has, else the layout with a title and the largest body placeholder.
"""
from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path

from posterdeck.errors import LayoutError, Location
from posterdeck.pagemodel import Area, SlideFrame, SlideMaster
from posterdeck.pptx_package import open_template

EMU_PER_PT = 12700
ROLES = ("overview", "section", "references")
# the layout names tried, in order, when the theme maps no layout to a kind of slide: every
# posterdeck slide (the overview too) holds a title and a body of text and visuals
FALLBACKS = {role: ("Title and Content", "Two Content", "Title Only") for role in ROLES}
TITLE_TYPES = {"title", "ctrTitle"}
BODY_TYPES = {"body", "obj"}
# a body smaller than this share of the slide cannot hold a posterdeck slide's content
MIN_BODY = (0.4, 0.3)

def read_master(path: Path, mapping: dict[str, str], where: Location | None = None) -> SlideMaster:
    """The frames of ``path``'s layouts for every kind of slide; a clear error for a template
    that is not a presentation, a mapped layout it lacks, or a layout that cannot hold a slide."""
    stat = path.stat()
    return _read(str(path), stat.st_mtime_ns, stat.st_size, tuple(sorted(mapping.items())), where)


@lru_cache(maxsize=8)
def _read(path: str, _mtime: int, _size: int, mapping: tuple, where: Location | None) -> SlideMaster:
    from pptx.exc import PackageNotFoundError

    name = Path(path).name
    try:
        prs = open_template(path)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LayoutError(f"PowerPoint template {path}: not a .pptx or .potx presentation ({exc})", where,
                          hint="save the company template from PowerPoint as .pptx or .potx") from None
    size = (prs.slide_width / EMU_PER_PT, prs.slide_height / EMU_PER_PT)
    layouts = {layout.name: layout for master in prs.slide_masters for layout in master.slide_layouts}
    wanted = dict(mapping)
    frames = {}
    for role in ROLES:
        if role in wanted:
            if wanted[role] not in layouts:
                raise LayoutError(f"PowerPoint template {name}: no slide layout {wanted[role]!r} (pptx_layouts.{role})",
                                  where, hint=f"its layouts: {', '.join(repr(n) for n in layouts)}")
            layout = layouts[wanted[role]]
        else:
            layout = _fallback(role, layouts)
        frames[role] = _frame(layout, name, size)
    return SlideMaster(frames=frames, template=path, size=size, fonts=_fonts(prs))


def _fonts(prs) -> tuple[str, str]:
    """The heading and body (major and minor) Latin typefaces of the template's theme."""
    import re

    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    blob = prs.slide_master.part.part_related_by(RT.THEME).blob
    found = [re.search(rb"<a:%s>\s*<a:latin typeface=\"([^\"]*)\"" % kind, blob) for kind in (b"majorFont", b"minorFont")]
    return tuple(m.group(1).decode("utf-8") if m else "" for m in found)


def _fallback(role: str, layouts: dict):
    for wanted in FALLBACKS[role]:
        if wanted in layouts and _title(layouts[wanted]) is not None and _bodies(layouts[wanted]):
            return layouts[wanted]
    usable = [lay for lay in layouts.values() if _title(lay) is not None and _bodies(lay)]
    if usable:
        return max(usable, key=lambda lay: _area(_union(_bodies(lay))))
    # none can hold a slide: the first of the usual names (or the first layout), for _frame to say what it lacks
    return next((layouts[n] for n in FALLBACKS[role] if n in layouts), next(iter(layouts.values())))


def _type(ph) -> str:
    return ph._element.ph.get("type") or "obj"  # no type: a content placeholder


def _title(layout):
    return next((ph for ph in layout.placeholders if _type(ph) in TITLE_TYPES), None)


def _bodies(layout) -> list:
    return [ph for ph in layout.placeholders if _type(ph) in BODY_TYPES]


def _area(a: Area) -> float:
    return a.w * a.h


def _rect(ph) -> Area:
    return Area(ph.left / EMU_PER_PT, ph.top / EMU_PER_PT, ph.width / EMU_PER_PT, ph.height / EMU_PER_PT)


def _union(phs) -> Area:
    rects = [_rect(ph) for ph in phs]
    x0, y0 = min(r.x for r in rects), min(r.y for r in rects)
    x1, y1 = max(r.x + r.w for r in rects), max(r.y + r.h for r in rects)
    return Area(x0, y0, x1 - x0, y1 - y0)


def _frame(layout, name: str, size: tuple[float, float]) -> SlideFrame:
    title = _title(layout)
    if title is None:
        raise LayoutError(f"PowerPoint template {name}: layout {layout.name!r} has no title placeholder",
                          hint="give the layout a title placeholder, or map this kind of slide to another layout "
                               "with the theme's pptx_layouts")
    bodies = _bodies(layout)
    if not bodies:
        raise LayoutError(f"PowerPoint template {name}: layout {layout.name!r} has no body (content) placeholder",
                          hint="map the slides to a layout such as 'Title and Content' with the theme's pptx_layouts")
    body = _union(bodies)
    if body.w < MIN_BODY[0] * size[0] or body.h < MIN_BODY[1] * size[1]:
        label = f"{bodies[0].name!r}" if len(bodies) == 1 else "placeholders " + ", ".join(repr(b.name) for b in bodies)
        raise LayoutError(f"PowerPoint template {name}: layout {layout.name!r}: body placeholder {label} is "
                          f"{body.w / 72 * 25.4:.0f} x {body.h / 72 * 25.4:.0f} mm, too small for a slide's content "
                          f"(at least {MIN_BODY[0]:.0%} of the slide's width and {MIN_BODY[1]:.0%} of its height)",
                          hint="enlarge the layout's body placeholder, or map the slides to another layout "
                               "with the theme's pptx_layouts")
    others = {_type(ph): _rect(ph) for ph in layout.placeholders if _type(ph) in {"ftr", "dt", "sldNum"}}
    return SlideFrame(layout=layout.name, title=_rect(title), body=body, footer=others.get("ftr"),
                      date=others.get("dt"), number=others.get("sldNum"))


def deck_master(model, override: Path | None = None) -> SlideMaster | None:
    """The frames of the template this build uses: ``override`` (build --pptx-template), else the
    theme's ``pptx_template``; None when there is none (posterdeck's own master)."""
    path = override or model.pptx_template
    if path is None:
        return None
    where = None
    if override is None and "theme" in model.sources:
        where = model.sources["theme"].where(("theme", "pptx_template"))
    return read_master(Path(path), dict(model.theme.pptx_layouts), where)
