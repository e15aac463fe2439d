"""Load one deck folder: deck.yaml plus the study, content, references, glossaries and markets
it names, and the layouts and theme it uses. Every problem found is reported, not just the first."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from posterdeck.errors import InputError, LayoutError, Location, collect
from posterdeck.loading.containment import Fence, real_path
from posterdeck.loading.study import load_study
from posterdeck.loading.validate import validate
from posterdeck.loading.yamlsource import Source, display_path, load_yaml, suggest
from posterdeck.schema.content import Content
from posterdeck.schema.deck import DeckFile, DeckInfo
from posterdeck.schema.glossary import Glossary
from posterdeck.schema.layout import Layout, LayoutFile, Theme, ThemeFile
from posterdeck.schema.market import Market, MarketFile
from posterdeck.schema.references import CslItem
from posterdeck.schema.study import Leaf, Study


@dataclass
class Model:
    """Everything one deck is built from, validated, with the sources kept for error locations."""

    name: str
    folder: Path
    info: DeckInfo
    study: Study
    leaves: dict[str, Leaf]
    content: Content
    references: dict[str, CslItem]
    glossary: Glossary
    markets: dict[str, Market]
    layouts: dict[str, Layout]  # "poster" / "deck" -> layout
    theme: Theme
    theme_dir: Path
    sources: dict[str, Source] = field(default_factory=dict)
    pptx_template: Path | None = None  # the theme's company PowerPoint template, if it names one
    fence: Fence = field(default_factory=lambda: Fence(()))  # where the files it names may come from


def find_root(start: Path) -> Path:
    """The project folder: the nearest ancestor holding layouts/, else the working folder."""
    from posterdeck.project import project_root

    root = project_root(start)
    if root is not None:
        return root
    raise InputError(f"no layouts/ folder above {display_path(start)}",
                     hint="run posterdeck inside a project that has layouts/ beside data/")


def load_deck(folder: Path, home: Path | None = None, claims: bool = True, allow_outside=()) -> Model:
    """Load and validate a deck folder. ``home``: the folder the deck stands for when it sits
    elsewhere (a copy outside data/): a file it names that is not found beside it (such as
    ../shared/glossary/...) is looked for relative to ``home``, and so are layouts and themes.
    ``claims`` False loads a deck whose claims the data no longer supports (the change report
    lists them instead). Every file the deck names must lie inside the project (or the deck
    folder, or a folder of ``allow_outside``): see loading/containment.py."""
    folder = folder.resolve()
    deck_file = folder / "deck.yaml"
    if not deck_file.is_file():
        raise InputError(f"{display_path(folder)} is not a deck: it has no deck.yaml",
                         hint="a deck folder holds deck.yaml, study.yaml, content.yaml and references.yaml")
    errors: list = []
    deck_src = load_yaml(deck_file)
    info = validate(DeckFile, deck_src.data, deck_src).deck
    sources = {"deck": deck_src}
    try:
        own = any((f / "layouts").is_dir() for f in folder.parents)  # a deck inside a project uses its own
        root = find_root(folder if home is None or own else home)
    except InputError as exc:
        errors.append(exc)
        root = None
    from posterdeck.project import project_root

    fence = Fence.around(root or folder.parent.parent, folder,
                         project_root(Path(home)) if home is not None else None, allow=tuple(allow_outside))

    def fenced(path: Path, named: str, where: Location, what: str = "file") -> bool:
        """False (with the error recorded) for a path outside the project."""
        err = fence.problem(path, named, where, what)
        if err is not None:
            errors.append(err)
        return err is None

    def locate(rel: str) -> Path:
        path = folder / rel
        if home is not None and not path.exists():
            import os

            alt = Path(os.path.normpath(home / rel))  # home itself need not exist: '..' taken out first
            if alt.exists():
                return alt
        return path

    def read(name: str, rel: str) -> Source | None:
        path = locate(rel)
        if not fenced(path, rel, deck_src.where(("deck", "files", name)), f"{name} file"):
            return None
        try:
            src = load_yaml(path)
        except InputError as exc:
            if "file not found" in exc.message:
                exc = InputError(f"{name} file not found: {display_path(path)}",
                                 deck_src.where(("deck", "files", name)),
                                 hint=f"create it, or set deck.files.{name} to the right path")
            errors.append(exc)
            return None
        sources[name] = src
        return src

    study_src = read("study", info.files.study)
    content_src = read("content", info.files.content)
    refs_path = locate(info.files.references)
    study, leaves = load_study(study_src, errors) if study_src else (None, {})
    content = validate(Content, content_src.data, content_src, errors=errors) if content_src else None
    references = (_load_references(refs_path, deck_src, errors, sources)
                  if fenced(refs_path, info.files.references, deck_src.where(("deck", "files", "references")),
                            "references file") else {})
    glossary = _load_glossaries(folder, info, deck_src, errors, sources, locate, fenced)
    markets_dir = locate(info.files.markets)
    markets = (_load_markets(markets_dir, deck_src, errors, sources, fenced)
               if fenced(markets_dir, info.files.markets, deck_src.where(("deck", "files", "markets")),
                         "markets folder") else {})
    layouts, theme, theme_dir, pptx_template = {}, None, folder, None
    if root is not None:
        for kind in ("poster", "deck"):
            name = getattr(info.outputs, kind)
            if name:
                if fenced(root / "layouts" / f"{name}.yaml", name, deck_src.where(("deck", "outputs", kind)), "layout"):
                    layouts[kind] = _load_layout(root, name, kind, deck_src, errors, sources, fenced)
        if fenced(root / "layouts" / "themes" / f"{info.theme}.yaml", info.theme, deck_src.where(("deck", "theme")),
                  "theme"):
            theme, theme_dir = _load_theme(root, info.theme, deck_src, errors, sources, fenced)
        if theme is not None and theme.pptx_template:
            pptx_template = template_path(theme.pptx_template, theme_dir, root, sources["theme"].where(
                ("theme", "pptx_template")), errors)
    for name in info.layout_slots if root is not None else ():  # a mistyped layout name would be ignored
        if not (root / "layouts" / f"{name}.yaml").is_file():
            have = [p.stem for p in (root / "layouts").glob("*.yaml")]
            errors.append(InputError(f"layout_slots names layout {name!r}, which is not in layouts/",
                                     deck_src.where(("deck", "layout_slots", name)),
                                     hint=suggest(name, have) or f"available: {', '.join(sorted(have))}"))
        elif name == info.outputs.deck and name != info.outputs.poster:
            errors.append(InputError(f"layout_slots: {name} is a slide layout, which has no slots",
                                     deck_src.where(("deck", "layout_slots", name)),
                                     hint="slots belong to poster layouts; the slides show one section each"))
    poster = layouts.get("poster")
    if poster is not None and content is not None:  # sections the layout cannot place, unknown slots
        from posterdeck.loading.slots import plan_sections

        name = info.outputs.poster
        errors.extend(plan_sections(poster, name, info, [s.id for s in content.sections],
                                    sources.get(f"layout:{name}"), deck_src, image_ids=list(content.images))[1])
    for i, tag in enumerate(info.targets):
        language = tag.split("-")[0]
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(language)
        except (ValueError, LookupError, UnknownLocaleError):
            errors.append(InputError(f"target {tag}: {language!r} is not a language CLDR knows",
                                     deck_src.where(("deck", "targets", i)),
                                     hint="use an ISO 639 code: el-GR for Greek, de-DE, fr-FR, nl-NL ..."))
            continue
        region = tag.split("-")[1]
        if region not in markets:
            errors.append(InputError(f"target {tag}: no market {region} in {display_path(folder / info.files.markets)}",
                                     deck_src.where(("deck", "targets")),
                                     hint=f"add {region}.yaml with a market: block there"))
    if theme is not None:
        for kind, layout in layouts.items():
            name = getattr(info.outputs, kind)
            _check_colours(sources.get(f"layout:{name}"), theme, errors)
    _check_links(info, markets, references, theme, sources, errors)
    from posterdeck.limits import check_sources

    check_sources(sources, errors)  # a character a PPTX cannot hold: an error here, not a crash later
    model = Model(name=folder.name, folder=folder, info=info, study=study, leaves=leaves, content=content,
                 references=references, glossary=glossary, markets=markets, layouts=layouts, theme=theme,
                 theme_dir=theme_dir, sources=sources, pptx_template=pptx_template, fence=fence)
    if claims and content is not None and study is not None and not errors:
        from posterdeck.resolve.claims import check_claim_texts, check_claims

        errors.extend(check_claims(model))
        if not errors:
            errors.extend(check_claim_texts(model))
    collect(errors)
    return model


def _check_colours(src: Source | None, theme: Theme, errors: list) -> None:
    """Every colour a layout names (a style's color, a band's background ...) is one of the
    theme's: an error at the layout's line, not a crash while painting."""
    if src is None:
        return

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and key.endswith(("color", "colour", "background")) and isinstance(value, str) \
                        and value not in theme.colours:
                    errors.append(InputError(f"colour {value!r} is not in the theme", src.where(path + (key,)),
                                             hint=suggest(value, theme.colours)
                                             or f"use one of {', '.join(sorted(theme.colours))}"))
                else:
                    walk(value, path + (key,))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, path + (i,))

    walk(src.data, ())


def _check_links(info: DeckInfo, markets: dict, references: dict, theme, sources: dict, errors: list) -> None:
    """Every link the deck names outside its texts (deck links, market links and statements,
    reference URLs) uses a scheme the theme allows; the texts' own links are checked as they
    are resolved."""
    from posterdeck.loading.containment import LINK_SCHEMES, link_problem

    schemes = theme.link_schemes if theme is not None else LINK_SCHEMES
    hint = "link to an https:// address, or widen the theme's link_schemes"
    deck_src = sources["deck"]
    found = [(url, deck_src, ("deck", "links", name)) for name, url in info.links.items()]
    found += [(url, deck_src, ("deck", "market_links", code, name))
              for code, links in info.market_links.items() for name, url in links.items()]
    for code, market in markets.items():
        src = sources.get(f"market:{code}")
        found += [(url, src, ("market", "links", name)) for name, url in market.links.items()]
        found += [(st.link, src, ("market", "statements", i, "link")) for i, st in enumerate(market.statements) if st.link]
    refs_src = sources.get("references")
    if refs_src is not None:
        prefix = ("references",) if isinstance(refs_src.data, dict) else ()
        found += [(item.URL, refs_src, prefix + (i, "URL")) for i, item in enumerate(references.values())
                  if getattr(item, "URL", None)]
    for url, src, path in found:
        problem = link_problem(str(url), schemes)
        if problem and src is not None:
            errors.append(InputError(problem, src.where(path), hint=hint))


def _load_references(path: Path, deck_src: Source, errors, sources) -> dict[str, CslItem]:
    if path.suffix == ".json":
        from posterdeck.loading.yamlsource import read_text

        try:
            data = json.loads(read_text(path, what="CSL-JSON file"))
        except InputError as exc:
            errors.append(exc)
            return {}
        except (ValueError, RecursionError) as exc:
            errors.append(InputError(f"cannot read CSL-JSON: {str(exc)[:200] or 'nested too deeply'}",
                                     Location(display_path(path), getattr(exc, "lineno", 0) or 0),
                                     hint="export the references again from Zotero or pandoc as CSL-JSON"))
            return {}
        src = Source(file=path, data=data)
    else:
        try:
            src = load_yaml(path)
        except InputError as exc:
            errors.append(exc)
            return {}
    sources["references"] = src
    items = src.data.get("references", src.data) if isinstance(src.data, dict) else src.data
    prefix = ("references",) if isinstance(src.data, dict) else ()
    if not isinstance(items, list):
        errors.append(InputError("references must be a list of CSL items", src.where(),
                                 hint="write '- id: key' entries (CSL-YAML), as Zotero and pandoc export them"))
        return {}
    out: dict[str, CslItem] = {}
    for i, item in enumerate(items):
        ref = validate(CslItem, item, src, prefix=prefix + (i,), errors=errors)
        if ref is not None:
            if ref.id in out:
                errors.append(InputError(f"duplicate reference id {ref.id!r}", src.where(prefix + (i,))))
            out[ref.id] = ref
    return out


def _load_glossaries(folder: Path, info: DeckInfo, deck_src: Source, errors, sources, locate=None,
                     fenced=None) -> Glossary:
    terms: dict[str, str] = {}
    names: list[str] = []
    paths = list(info.files.glossaries)
    if (folder / "glossary.yaml").is_file():
        paths.append("glossary.yaml")
    for i, rel in enumerate(paths):
        path = locate(rel) if locate else folder / rel
        if fenced is not None and not fenced(path, rel, deck_src.where(("deck", "files", "glossaries", i)),
                                             "glossary file"):
            continue
        try:
            src = load_yaml(path)
        except InputError as exc:
            errors.append(exc if exc.location.file else InputError(exc.message, deck_src.where(("deck", "files", "glossaries", i)), exc.hint))
            continue
        sources[f"glossary:{rel}"] = src
        g = validate(Glossary, src.data, src, errors=errors)
        if g:
            terms.update(g.glossary)
            names.extend(g.proper_names)
    return Glossary(glossary=terms, proper_names=names)


def _load_markets(folder: Path, deck_src: Source, errors, sources, fenced=None) -> dict[str, Market]:
    out: dict[str, Market] = {}
    if not folder.is_dir():
        errors.append(InputError(f"markets folder not found: {display_path(folder)}", deck_src.where(("deck", "files")),
                                 hint="set deck.files.markets to the folder holding the market YAML files"))
        return out
    for path in sorted(folder.glob("*.yaml")):
        if fenced is not None and not fenced(path, path.name, deck_src.where(("deck", "files", "markets")),
                                             "market file"):
            continue
        try:
            src = load_yaml(path)
        except InputError as exc:
            errors.append(exc)
            continue
        m = validate(MarketFile, src.data, src, errors=errors)
        if m:
            out[m.market.code] = m.market
            sources[f"market:{m.market.code}"] = src
    return out


def _load_layout(root: Path, name: str, kind: str, deck_src: Source, errors, sources, fenced=None) -> Layout | None:
    path = root / "layouts" / f"{name}.yaml"
    if not path.is_file():
        have = [p.stem for p in (root / "layouts").glob("*.yaml")]
        errors.append(InputError(f"layout {name!r} not found in layouts/", deck_src.where(("deck", "outputs", kind)),
                                 hint=suggest(name, have) or f"available: {', '.join(sorted(have))}"))
        return None
    try:
        src = load_yaml(path)
    except InputError as exc:
        errors.append(exc)
        return None
    sources[f"layout:{name}"] = src
    lf = validate(LayoutFile, src.data, src, errors=errors)
    if lf and lf.layout.print is not None and lf.layout.print.icc_profile:
        if fenced is not None and not fenced(path.parent / lf.layout.print.icc_profile, lf.layout.print.icc_profile,
                                             src.where(("layout", "print", "icc_profile")), "ICC profile"):
            return None
        named = path.parent / lf.layout.print.icc_profile
        profile = real_path(named) or named.absolute()  # a link loop: found as no file below
        if not profile.is_file():
            errors.append(InputError(f"ICC profile not found: {lf.layout.print.icc_profile} (looked for {profile})",
                                     src.where(("layout", "print", "icc_profile")),
                                     hint="give the path of your printer's CMYK output profile, relative to the layout"))
            return None
        spec = lf.layout.print.model_copy(update={"icc_profile": str(profile)})
        lf = lf.model_copy(update={"layout": lf.layout.model_copy(update={"print": spec})})
    if lf and lf.layout.gutter_problem():
        errors.append(LayoutError(lf.layout.gutter_problem(), src.where(("layout", "page", "gutter")),
                                  hint="a gutter is the space between columns, a few millimetres (e.g. 9mm)"))
    if lf and lf.layout.safe_margin_problem():
        errors.append(InputError(lf.layout.safe_margin_problem(), src.where(("layout", "page", "margins")),
                                 hint="raise the margins, or lower print.safe_margin if your printer allows it"))
    return lf.layout if lf else None


def template_path(name: str, base: Path, root: Path, where, errors: list) -> Path | None:
    """A PowerPoint template named by the theme (relative to it) or on the command line: a
    .pptx or .potx file inside the project."""
    path = real_path(base / name) or (base / name).absolute()  # a link loop: found as no file below
    if path.suffix.lower() not in (".pptx", ".potx"):
        errors.append(InputError(f"PowerPoint template {name}: not a .pptx or .potx file", where,
                                 hint="save the company template from PowerPoint as .pptx or .potx"))
    elif not path.is_relative_to(root.resolve()):
        errors.append(InputError(f"PowerPoint template {name}: outside the project ({display_path(path)})", where,
                                 hint=f"copy the template into the project, e.g. layouts/templates/, "
                                      f"so that builds are reproducible"))
    elif not path.is_file():
        errors.append(InputError(f"PowerPoint template not found: {name} (looked for {display_path(path)})", where,
                                 hint="give the path relative to the theme file"))
    else:
        return path
    return None


def _load_theme(root: Path, name: str, deck_src: Source, errors, sources, fenced=None) -> tuple[Theme | None, Path]:
    path = root / "layouts" / "themes" / f"{name}.yaml"
    if not path.is_file():
        have = [p.stem for p in (root / "layouts" / "themes").glob("*.yaml")]
        errors.append(InputError(f"theme {name!r} not found in layouts/themes/", deck_src.where(("deck", "theme")),
                                 hint=suggest(name, have) or f"available: {', '.join(sorted(have))}"))
        return None, path.parent
    try:
        src = load_yaml(path)
    except InputError as exc:
        errors.append(exc)
        return None, path.parent
    sources["theme"] = src
    tf = validate(ThemeFile, src.data, src, errors=errors)
    if tf:
        from posterdeck.fonts import VARIANTS, font_path, font_problem

        families = [(("theme", "font"), tf.theme.font)] + [
            (("theme", "fonts_by_language", lang), fam) for lang, fam in tf.theme.fonts_by_language.items()]
        for where, family in families:
            for variant in VARIANTS:
                spec = getattr(family, variant)
                found = font_path(spec, path.parent)
                at = src.where(where + (variant,))
                if not spec.startswith("matplotlib:") and fenced is not None and not fenced(
                        path.parent / spec, spec, at, "font file"):
                    continue
                if not found.is_file():
                    errors.append(InputError(f"font file not found: {spec} (looked for {display_path(found)})", at,
                                             hint="give a TrueType file relative to the theme, "
                                                  "or matplotlib:DejaVuSans.ttf"))
                    continue
                problem = font_problem(str(found))
                if problem:
                    errors.append(InputError(f"font file {spec} cannot be used: {problem}", at,
                                             hint="give a TrueType (.ttf) file with outlines; "
                                                  "OpenType CFF (.otf) and bitmap fonts do not embed"))
    return (tf.theme if tf else None), path.parent
