"""compose(): a loaded model + one target -> the page-model documents (poster and deck)."""
from __future__ import annotations

from typing import Callable

from posterdeck.compose.memo import save
from posterdeck.compose.palette import with_palette
from posterdeck.compose.poster import compose_poster
from posterdeck.errors import PosterdeckError, collect
from posterdeck.compose.slides import compose_slides, own_master
from posterdeck.compose.text import Fonts
from posterdeck.fonts import font_files
from posterdeck.limits import shorten
from posterdeck.pagemodel import Document, SlideMaster
from posterdeck.resolve.document import resolve
from posterdeck.resolve.markup import plain
from posterdeck.resolve.target import Target


def compose(model, target: Target, strict: bool = False,
            on_ready: Callable[[str, Document], None] | None = None,
            master: SlideMaster | None = None) -> dict[str, Document]:
    """The poster and the deck of ``target``, as the layouts ask. ``on_ready(kind, document)`` is
    called as each is done, so that its charts can start drawing while the next one composes.
    ``master``: the company PowerPoint template's frames (loading.pptx_template); without one,
    the deck is laid out as the slide layout says, on posterdeck's own master."""
    try:
        return _compose(model, target, strict, on_ready, master)
    finally:
        save()  # the paragraphs broken here, for the next builds (compose.memo)


def _compose(model, target: Target, strict: bool, on_ready, master: SlideMaster | None) -> dict[str, Document]:
    doc = resolve(model, target, strict=strict)
    doc = with_palette(doc, model.theme.colours, model.sources["content"])  # series left without a colour
    files = font_files(model.theme, model.theme_dir, target.language)
    fonts = Fonts.shared(files)
    colours = dict(model.theme.colours)
    # metadata fields hold 255 characters in PowerPoint: shortened there, shown whole on the pages
    meta = dict(title=shorten(plain(doc.title)), author=shorten(model.info.product), subject=shorten(model.info.title),
                keywords=shorten(target.job_code), language=target.tag,
                date=f"{model.info.date_of_preparation}-01", fonts=files, font_name=model.theme.family(target.language).name,
                colours=colours, texts=dict(doc.wording))
    out, errors = {}, []
    if "poster" in model.layouts:
        errors.extend(_profile_check(model, strict, doc.warnings))
    for kind, make in (("poster", compose_poster), ("deck", compose_slides)):
        if kind in model.layouts:
            try:
                extra = {}
                if kind == "deck":
                    master = master or own_master(model.layouts[kind])
                    extra = {"master": master}
                    _font_warning(master, meta["font_name"], doc.warnings)
                layout = model.layouts[kind]
                if kind == "poster" and layout.print is not None:
                    # the print poster is composed for paper (links as printed addresses); the
                    # screen poster keeps clickable links, composed apart only where they differ
                    seen: list = []
                    pages = compose_poster(doc, model, layout, fonts, colours,
                                           print_links=model.theme.print_links, marks=seen)
                    out[kind] = Document(pages=pages, print_spec=layout.print, warnings=list(doc.warnings), **meta)
                    if on_ready is not None and not errors:
                        on_ready(kind, out[kind])
                    if any(m.links for m in seen):
                        out["poster-screen"] = Document(pages=make(doc, model, layout, fonts, colours, file="poster-screen.pdf"),
                                                        print_spec=layout.print, warnings=list(doc.warnings), **meta)
                        if on_ready is not None and not errors:
                            on_ready("poster-screen", out["poster-screen"])
                    continue
                out[kind] = Document(pages=make(doc, model, layout, fonts, colours, **extra),
                                     print_spec=layout.print, warnings=list(doc.warnings), master=extra.get("master"), **meta)
                if on_ready is not None and not errors:
                    on_ready(kind, out[kind])
            except PosterdeckError as exc:  # report the poster's and the deck's problems together
                errors.append(exc)
    collect(errors)
    from posterdeck.compose.chartblocks import category_warnings
    from posterdeck.compose.charttitles import title_warnings

    for kind, document in out.items():  # of the pages as placed: said once per output file
        file = {"poster": "poster.pdf", "poster-screen": "poster-screen.pdf", "deck": "deck.pptx"}[kind]
        where = f"{model.name}/{target.tag}/{file}"
        for w in category_warnings(document.pages, fonts, where) + title_warnings(document.pages, fonts, where):
            if w not in document.warnings:
                document.warnings.append(w)
    return out



def _profile_check(model, strict: bool, warnings: list) -> list:
    """The output profile's own description and colour space against the declared output
    condition: a warning, an error with --strict."""
    spec = model.layouts["poster"].print
    if spec is None or not spec.icc_profile:
        return []
    from posterdeck.errors import PrintError
    from posterdeck.finish.icc import profile_problem

    problem = profile_problem(spec.icc_profile, spec.output_condition)
    if not problem:
        return []
    src = model.sources.get(f"layout:{model.info.outputs.poster or ''}")
    where = src.where(("layout", "print", "icc_profile")) if src else None
    if strict:
        return [PrintError(problem, where, hint="name the profile of the declared output_condition, or declare "
                                                "the condition the profile was made for")]
    message = f"{where}: {problem}" if where else problem
    if message not in warnings:
        warnings.append(message)
    return []


def _font_warning(master: SlideMaster, font: str, warnings: list) -> None:
    """Compose measures text with the theme's font files; on a template whose body font is
    another family, PowerPoint shows another font than the one measured."""
    body = master.fonts[1] if master.template else ""
    if body and body != font and not body.startswith("+"):
        from pathlib import Path

        message = (f"PowerPoint template {Path(master.template).name}: its body font is {body!r}, the theme's font "
                   f"{font!r}: text is fitted for {font}; give the theme the template's font files so both agree")
        if message not in warnings:
            warnings.append(message)
