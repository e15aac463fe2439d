"""build() and check(): what the CLI and the tests call."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from posterdeck.errors import UsageError
from posterdeck.output import write_atomic

if TYPE_CHECKING:  # loading pulls in pydantic: imported where it is used, so no-op builds stay fast
    from posterdeck.charts.helper import ChartHelper
    from posterdeck.loading.deck import Model


def load_deck(folder: Path, allow_outside=()) -> "Model":
    """``allow_outside``: folders outside the project that the deck's files may come from
    (--allow-outside); see loading/containment.py."""
    from posterdeck.loading.deck import load_deck as load

    return load(folder, allow_outside=tuple(allow_outside))


OUTPUTS = ["poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf"]


@dataclass
class TargetResult:
    deck: str
    target: str
    files: list[Path]
    pages: dict[str, int]
    seconds: float
    warnings: list[str] = field(default_factory=list)


def discover(paths: list[Path] | None, root: Path | None = None) -> list[Path]:
    """The deck folders named, or every folder under data/ that holds a deck.yaml."""
    if paths:
        for p in paths:
            if not (p / "deck.yaml").is_file():
                raise UsageError(f"{p} is not a deck folder (no deck.yaml)",
                                 hint="name folders such as data/inovate-salvage")
        return list(paths)
    data = (root or Path.cwd()) / "data"
    decks = sorted(p.parent for p in data.glob("*/deck.yaml"))
    if not decks:
        raise UsageError(f"no decks under {data}", hint="run posterdeck from the project folder, or name a deck folder")
    return decks


def check(deck_dir: Path, fit: bool = False, strict: bool = False, allow_outside=()) -> tuple["Model", list[str]]:
    """Load, validate, lint and resolve every target (placeholders, citations, footnotes,
    translations, claims) without writing; with ``fit``, also lay out and fit every page, which
    finds overflows but takes as long as a build without its rendering. ``strict`` resolves as
    ``build --strict`` does (a missing translation is an error), so that check --strict fails
    on everything build --strict fails on. The warnings are the linter's and every target's
    (a text that falls back to the source language), each once; the errors of all targets are
    raised together. Loading already ran every check the build runs before painting on the
    layouts, theme, fonts (loaded) and files named; resolving reads every picture and patient file."""
    from posterdeck.errors import ErrorList, PosterdeckError, collect
    from posterdeck.lint import lint
    from posterdeck.resolve.target import make_target

    model = load_deck(deck_dir, allow_outside)
    warnings = lint(model)
    errors: dict[str, PosterdeckError] = {}
    for tag in model.info.targets:
        target = make_target(tag, model.info, model.markets)
        try:
            if fit:
                from posterdeck.compose.build import compose

                docs = compose(model, target, strict=strict)
                found = next(iter(docs.values())).warnings if docs else []
            else:
                from posterdeck.resolve.document import resolve

                found = resolve(model, target, strict=strict, estimate_curves=False).warnings
        except PosterdeckError as exc:  # the same problem in several targets is said once
            for e in exc.errors if isinstance(exc, ErrorList) else [exc]:
                errors.setdefault(str(e), e)
            continue
        warnings.extend(w for w in found if w not in warnings)
    collect(list(errors.values()))
    return model, warnings


def targets_of(model: "Model", wanted: list[str] | None) -> list[str]:
    if not wanted:
        return list(model.info.targets)
    unknown = [t for t in wanted if t not in model.info.targets]
    if unknown:
        raise UsageError(f"deck {model.name} does not declare target(s) {', '.join(unknown)}",
                         hint=f"its targets: {', '.join(model.info.targets)}")
    return list(wanted)


def build_target(model: "Model", tag: str, out: Path, strict: bool = False,
                 helper: "ChartHelper | None" = None) -> TargetResult:
    """Compose and render one target; write its files only once all of them rendered. With a
    ``helper``, the charts of each document are drawn there while this process goes on."""
    from posterdeck.compose.build import compose
    from posterdeck.render.pdf import chart_specs, render_pdf
    from posterdeck.resolve.target import make_target

    start = time.perf_counter()
    target = make_target(tag, model.info, model.markets)
    drawing = {}
    if helper is not None:
        from posterdeck.fonts import font_files

        files = font_files(model.theme, model.theme_dir, target.language)
        helper.prepare([files["regular"], files["bold"]])

    def ready(kind: str, doc) -> None:
        specs = chart_specs(doc)
        if specs:
            drawing[kind] = helper.draw(specs)

    docs = compose(model, target, strict=strict, on_ready=ready if helper is not None else None)
    files: dict[str, bytes] = {}
    pages = {}
    if "deck" in docs:  # first: the PPTX needs no matplotlib, so the helper has time to draw
        from posterdeck.render.pptx import render_pptx

        files["deck.pptx"] = render_pptx(docs["deck"])
    if "poster" in docs:
        poster = docs["poster"]
        if poster.print_spec is not None:
            from posterdeck.finish.preflight import preflight

            files["poster.pdf"] = render_pdf(poster, mode="print", charts=drawing.get("poster"))
            report = preflight(files["poster.pdf"], poster.print_spec.standard, poster.print_spec.total_ink)
            if report.errors:
                from posterdeck.errors import PrintError

                raise PrintError(f"{model.name}/{tag}/poster.pdf fails preflight:\n  " + "\n  ".join(
                    str(f) for f in report.errors), hint="this is a posterdeck bug or a layout setting; "
                    "run posterdeck preflight on the file for the full report")
            files["poster-screen.pdf"] = render_pdf(poster, mode="screen", charts=drawing.get("poster"))
        else:
            files["poster.pdf"] = render_pdf(poster, charts=drawing.get("poster"))
        pages["poster"] = len(poster.pages)
    if "deck" in docs:
        files["deck.pdf"] = render_pdf(docs["deck"], charts=drawing.get("deck"))
        pages["deck"] = len(docs["deck"].pages)
    folder = out / model.name / tag
    written = []
    for name in sorted(files, key=OUTPUTS.index):  # in the same order, whatever order they were made in
        data = files[name]
        write_atomic(folder / name, data)
        written.append(folder / name)
    warnings = next(iter(docs.values())).warnings if docs else []
    return TargetResult(model.name, tag, written, pages, time.perf_counter() - start, list(warnings))


def build(deck_dir: Path, targets: list[str] | None = None, out: Path = Path("output"),
          strict: bool = False, allow_outside=()) -> list[TargetResult]:
    """Build every target of one deck. Nothing is written for a target that fails."""
    model = load_deck(deck_dir, allow_outside)
    return [build_target(model, tag, out, strict) for tag in targets_of(model, targets)]


def build_job(folder: str, tag: str, out: str, strict: bool, helper: "ChartHelper | None" = None,
              allow_outside: tuple = ()) -> tuple:
    """One target in a worker process. Returns ("ok", TargetResult) or ("error", [messages], exit
    code): errors travel as text, since their locations and hints do not survive pickling."""
    from posterdeck.errors import ErrorList, PosterdeckError

    from posterdeck import manifest

    try:
        fp = manifest.fingerprint(Path(folder), tag, {"strict": strict})
        model = cached_model(folder, allow_outside)
        result = build_target(model, tag, Path(out), strict, helper)
        manifest.record(Path(out), Path(folder), tag, fp, result.files)
        return ("ok", result)
    except PosterdeckError as exc:
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        return ("error", [str(e) for e in errors], exc.exit_code)


_MODELS: dict = {}


def forget_models() -> None:
    _MODELS.clear()


def cached_model(folder: str, allow_outside: tuple = ()) -> "Model":
    """The deck loaded once per build: the CLI validates it before planning, then builds from it
    in this process, and forked workers inherit it; a worker that spawned loads it once for all
    its targets."""
    key = (folder, tuple(str(p) for p in allow_outside))
    if key not in _MODELS:
        _MODELS[key] = load_deck(Path(folder), allow_outside)
    return _MODELS[key]
