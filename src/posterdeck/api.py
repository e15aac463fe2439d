"""build() and check(): what the CLI and the tests call."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from posterdeck.errors import UsageError

if TYPE_CHECKING:  # loading pulls in pydantic: imported where it is used, so no-op builds stay fast
    from posterdeck.charts.helper import ChartHelper
    from posterdeck.loading.deck import Model


def load_deck(folder: Path, allow_outside=()) -> "Model":
    """``allow_outside``: folders outside the project that the deck's files may come from
    (--allow-outside); see loading/containment.py."""
    from posterdeck.loading.deck import load_deck as load

    return load(folder, allow_outside=tuple(allow_outside))


OUTPUTS = ["poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf", "review.pdf", "review.html"]


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


def check(deck_dir: Path, fit: bool = False, strict: bool = False, allow_outside=(),
          require_approved: bool = False) -> tuple["Model", list[str]]:
    """Load, validate, lint and resolve every target (placeholders, citations, footnotes,
    translations, claims) without writing; with ``fit``, also lay out and fit every page, which
    finds overflows but takes as long as a build without its rendering. ``strict`` resolves as
    ``build --strict`` does (a missing translation is an error), so that check --strict fails
    on everything build --strict fails on. The warnings are the linter's and every target's
    (a text that falls back to the source language), each once; the errors of all targets are
    raised together. Loading already ran every check the build runs before painting on the
    layouts, theme, fonts (loaded) and files named; resolving reads every picture and patient file.
    With an approvals.yaml (or ``require_approved``) every target is composed, as by a build, to
    say which items shown changed or are new since approval (or fail, as build --require-approved)."""
    from posterdeck.errors import ErrorList, PosterdeckError, collect
    from posterdeck.lint import lint
    from posterdeck.resolve.target import make_target

    model = load_deck(deck_dir, allow_outside)
    from posterdeck.review.approvals import load as load_approvals

    approved = load_approvals(model.folder)  # approvals.yaml's errors at their file:line, as a build finds them
    warnings = lint(model) + deck_warnings(model, approved)
    errors: dict[str, PosterdeckError] = {}
    for tag in model.info.targets:
        target = make_target(tag, model.info, model.markets)
        try:
            docs = None
            if fit:
                docs = _compose_for_check(model, target, strict)
                found = [w for d in docs.values() for w in d.warnings]  # the layout's too (balance)
            else:
                from posterdeck.resolve.document import resolve

                found = resolve(model, target, strict=strict, estimate_curves=False).warnings
            if approved is not None or require_approved:  # what the pages show, as a build collects it
                docs = docs or _compose_for_check(model, target, strict)
                approval = approval_check(model, reviewed(model, target, docs), require_approved)
                found = ([approval] if approval else []) + found
        except PosterdeckError as exc:  # the same problem in several targets is said once
            for e in exc.errors if isinstance(exc, ErrorList) else [exc]:
                errors.setdefault(str(e), e)
            continue
        warnings.extend(w for w in found if w not in warnings)
    collect(list(errors.values()))
    return model, warnings


def _compose_for_check(model: "Model", target, strict: bool) -> dict:
    from posterdeck.compose.build import compose
    from posterdeck.loading.pptx_template import deck_master

    master = deck_master(model) if "deck" in model.layouts else None  # fitted on the theme's template
    return compose(model, target, strict=strict, master=master)


def deck_warnings(model: "Model", approved=None) -> list[str]:
    """What build and check both say of the deck as a whole, before its targets: claims stated by
    no text (they would go unreviewed) and approvals.yaml entries that match no item any more."""
    from posterdeck.review.collect import unstated_claims
    from posterdeck.review.stale import stale

    if not model.content.claims and approved is None:
        return []
    from posterdeck.i18n import template

    texts = template(model)  # every text of the deck, read once for both
    return unstated_claims(model, texts) + [s.message for s in stale(model, approved, texts)]


def targets_of(model: "Model", wanted: list[str] | None) -> list[str]:
    if not wanted:
        return list(model.info.targets)
    unknown = [t for t in wanted if t not in model.info.targets]
    if unknown:
        raise UsageError(f"deck {model.name} does not declare target(s) {', '.join(unknown)}",
                         hint=f"its targets: {', '.join(model.info.targets)}")
    return list(wanted)


def build_target(model: "Model", tag: str, out: Path, strict: bool = False,
                 helper: "ChartHelper | None" = None, pptx_template: Path | None = None,
                 fingerprint: dict | None = None, require_approved: bool = False,
                 review: bool = False) -> TargetResult:
    """Compose and render one target; once all of its files rendered, replace the target's folder
    by them and their manifest, all at once (output.publish). With a ``helper``, the charts of
    each document are drawn there while this process composes, and then the PPTX is written
    there while this process paints the PDFs. ``pptx_template``: the company
    PowerPoint template for this build (else the theme's). ``fingerprint``: the manifest's
    inputs, taken before the build (by default here, before composing). ``review``: the review
    pack (review.pdf, review.html) is written into the same set."""
    from posterdeck import manifest
    from posterdeck.compose.build import compose
    from posterdeck.loading.pptx_template import deck_master
    from posterdeck.render.pdf import chart_specs
    from posterdeck.resolve.target import make_target

    start = time.perf_counter()
    if review:  # before any work: the pack's pictures need pdftoppm
        from posterdeck.review.pack.common import pdftoppm

        pdftoppm()
    fp = fingerprint or manifest.fingerprint(model.folder, tag, options(strict, str(pptx_template or ""),
                                                                        require_approved, review))
    target = make_target(tag, model.info, model.markets)
    drawing = {}
    if helper is not None:
        from posterdeck.fonts import font_files

        files = font_files(model.theme, model.theme_dir, target.language)
        helper.prepare([files["regular"], files["bold"]])

    asked = {}

    def ready(kind: str, doc) -> None:
        # each chart from the disk cache, or drawn (by the helper, started now, or by the
        # painter's call to result()) and kept there: the same bytes either way
        from posterdeck.charts.cached import CachedCharts
        from posterdeck.charts.mpl import normalized

        specs = chart_specs(doc)
        asked[kind] = specs
        if specs and kind == "poster-screen" and specs == asked.get("poster"):  # the same charts: drawn once
            drawing[kind] = drawing["poster"]
        elif specs:
            drawing[kind] = CachedCharts(normalized(specs), helper)
        if helper is not None and kind == "poster" and (not specs or drawing[kind].drawn == 0):
            helper.expect_pptx()  # nothing for it to draw: it will likely write the PPTX

    master = deck_master(model, pptx_template) if "deck" in model.layouts else None
    docs = compose(model, target, strict=strict, on_ready=ready, master=master)
    from posterdeck.review.approvals import path_of

    checked = None  # the review items with their approval statuses, collected once for the check and the pack
    if review or require_approved or path_of(model.folder).is_file():
        checked = reviewed(model, target, docs)
    approval = approval_check(model, checked, require_approved)  # before painting: fails fast
    files: dict[str, bytes] = {}
    pages = {}
    pptx = None
    if "deck" in docs and helper is not None:
        # offered to the helper, to write once its charts are drawn while the PDFs paint here;
        # taken back (written here) whenever this process would otherwise wait for charts
        pptx = helper.render_pptx(docs["deck"])
    elif "deck" in docs:  # first: the helper-less order, which decides whose error is reported
        from posterdeck.render.pptx import render_pptx

        files["deck.pptx"] = render_pptx(docs["deck"])

    def idle() -> None:  # before each PDF: while the helper still draws, write the PPTX here
        if pptx is not None and helper.drawing():
            pptx.take()

    try:
        _paint_pdfs(model, tag, docs, drawing, files, pages, idle)
    except Exception:
        if pptx is not None:  # the PPTX's error first, as when it is written before the PDFs
            pptx.result()
        raise
    if pptx is not None:
        files["deck.pptx"] = pptx.result()
    if review:
        files.update(review_pack(checked[0], docs, files))
    from posterdeck.output import publish

    files = {name: files[name] for name in sorted(files, key=OUTPUTS.index)}  # one order, whatever order they were made in
    written = publish(out / model.name / tag, files, manifest.content(fp, files, time.perf_counter() - start))
    # first: a build shows its first few warnings; the deck's own (stale approvals, unstated claims) lead
    warnings = deck_warnings(model, checked[1] if checked else None) + ([approval] if approval else [])
    # then the resolver's, shared by the documents, then each document's own (a template's font)
    for d in docs.values():
        warnings.extend(w for w in d.warnings if w not in warnings)
    return TargetResult(model.name, tag, written, pages, time.perf_counter() - start, list(warnings))


def _paint_pdfs(model: "Model", tag: str, docs: dict, drawing: dict, files: dict[str, bytes], pages: dict,
                idle=lambda: None) -> None:
    """The target's PDFs into ``files`` (and their page counts into ``pages``), each checked:
    the print poster's preflight, PDF/UA-1 for the screen PDFs. ``idle()`` is called before
    painting a PDF (whose charts may still be drawing)."""
    from posterdeck.render.pdf import chart_specs

    if "poster" in docs:
        poster = docs["poster"]
        idle()
        if poster.print_spec is not None:
            from posterdeck.finish.preflight import preflight

            files["poster.pdf"] = pdf_file(poster, mode="print", charts=drawing.get("poster"))
            report = preflight(files["poster.pdf"], poster.print_spec.standard, poster.print_spec.total_ink)
            # posterdeck's own black overprints everywhere: a knockout is a bug here, not a remark
            failed = report.errors + [f for f in report.warnings if f.rule == "overprint"]
            if failed:
                from posterdeck.errors import PrintError

                raise PrintError(f"{model.name}/{tag}/poster.pdf fails preflight:\n  " + "\n  ".join(
                    str(f) for f in failed), hint="this is a posterdeck bug or a layout setting; "
                    "run posterdeck preflight on the file for the full report")
            screen = docs.get("poster-screen", poster)  # composed apart when its links differ from paper's
            charts = drawing.get("poster-screen") or (drawing.get("poster") if chart_specs(screen) == chart_specs(poster) else None)
            files["poster-screen.pdf"] = pdf_file(screen, mode="screen", charts=charts)
        else:
            files["poster.pdf"] = pdf_file(poster, charts=drawing.get("poster"))
        pages["poster"] = len(poster.pages)
    screen = (["poster-screen.pdf"] if "poster-screen.pdf" in files else []) + (["deck.pdf"] if "deck" in docs else [])
    if "poster" in docs and docs["poster"].print_spec is None:
        screen.append("poster.pdf")  # a layout without a print section: the poster is a screen PDF
    checked: dict[str, Exception | None] = {}
    if "deck" in docs:
        # the poster's screen PDF checked now, while the deck's charts may still be drawing; a
        # failure is raised where it was, after the deck's PDF painted and in the same order
        for name in (n for n in screen if n in files):
            checked[name] = _ua_failure(files[name], f"{model.name}/{tag}/{name}")
        idle()
        files["deck.pdf"] = pdf_file(docs["deck"], charts=drawing.get("deck"))
        pages["deck"] = len(docs["deck"].pages)
    for name in screen:  # tagged PDF/UA-1: preflighted like the print poster
        failure = checked[name] if name in checked else _ua_failure(files[name], f"{model.name}/{tag}/{name}")
        if failure is not None:
            raise failure


def _ua_failure(data: bytes, name: str) -> Exception | None:
    """finish.ua.require_ua's error for the PDF ``data``, or None when it passes."""
    from posterdeck.finish.ua import require_ua

    try:
        require_ua(data, name)
    except Exception as exc:
        return exc
    return None


def reviewed(model: "Model", target, docs: dict) -> tuple:
    """The review items of one target (review.items.collect) marked against the deck's
    approvals.yaml, and the approvals read (None without the file)."""
    from posterdeck.review import approvals
    from posterdeck.review.items import collect

    found = approvals.load(model.folder)
    return approvals.mark(collect(model, target, docs), found), found


def approval_check(model: "Model", checked: tuple | None, require_approved: bool = False) -> str:
    """With an approvals.yaml (or ``require_approved``): the build's warning line saying how many
    items shown changed or are new since approval ('' when all are approved); with
    ``require_approved``, an error listing them instead (review.approvals). ``checked``: what
    reviewed() returned, None when neither applies."""
    from posterdeck.review import approvals

    if checked is None:
        return ""
    review, found = checked
    if require_approved:
        approvals.require(review, found, model.folder)
        return ""
    return approvals.summary(review, found) if found is not None else ""


def reviews(model: "Model", tags: list[str]) -> list:
    """The review items of the targets ``tags``, marked against the deck's approvals.yaml."""
    from posterdeck.compose.build import compose
    from posterdeck.loading.pptx_template import deck_master
    from posterdeck.resolve.target import make_target

    master = deck_master(model) if "deck" in model.layouts else None
    return [reviewed(model, target, compose(model, target, master=master))[0]
            for target in (make_target(tag, model.info, model.markets) for tag in tags)]


def pdf_file(doc, mode: str = "screen", charts=None) -> bytes:
    """One PDF output of ``doc``: painted (render/pdf, which only paints the page model), then
    finished (finish/). Print: the pictures and charts given to the painter in CMYK, and after
    painting the subset tags, overprint and PDF/X keys; screen: the subset tags, given to the
    painter to run before its save. ``charts``:
    as render_pdf's (drawn here when None)."""
    from posterdeck.render.pdf import render_pdf

    if mode != "print":
        from posterdeck.finish.subsets import rename_subsets

        return render_pdf(doc, mode, charts, before_save=rename_subsets)  # no second save
    if doc.print_spec is None:
        raise ValueError("a print PDF needs a layout with a print: section")
    from posterdeck.finish.colour import CmykCharts
    from posterdeck.finish.pdfx import finish_print
    from posterdeck.finish.pictures import print_pictures

    charts = CmykCharts(charts or _Drawn(doc), doc.colours, doc.print_spec.icc_profile)
    data = render_pdf(doc, "print", charts=charts, pictures=print_pictures(doc))
    return finish_print(data, doc, doc.print_spec)


class _Drawn:
    """The charts of ``doc`` drawn when asked (matplotlib, in this process)."""

    def __init__(self, doc):
        self.doc = doc

    def result(self) -> bytes:
        from posterdeck.charts.mpl import charts_pdf
        from posterdeck.render.pdf import chart_specs

        return charts_pdf(chart_specs(self.doc))


def review_pack(review, docs: dict, files: dict[str, bytes]) -> dict[str, bytes]:
    """review.pdf and review.html of one target: its review items with their approval statuses
    (reviewed()), shown on the pages of the built ``files``."""
    from posterdeck.review.pack import write_pack

    return write_pack(review, docs, files)


def build(deck_dir: Path, targets: list[str] | None = None, out: Path = Path("output"),
          strict: bool = False, pptx_template: Path | None = None, allow_outside=(),
          require_approved: bool = False, review: bool = False) -> list[TargetResult]:
    """Build every target of one deck. Nothing is written for a target that fails."""
    from posterdeck.output import check_folder, recover

    model = load_deck(deck_dir, allow_outside)
    check_folder(out)
    recover(out / model.name)
    template = checked_template(pptx_template)
    return [build_target(model, tag, out, strict, pptx_template=template, require_approved=require_approved,
                         review=review)
            for tag in targets_of(model, targets)]


def checked_template(path: Path | None) -> Path | None:
    """build --pptx-template FILE: an existing .pptx or .potx file."""
    if path is None:
        return None
    if path.suffix.lower() not in (".pptx", ".potx") or not path.is_file():
        raise UsageError(f"--pptx-template {path}: no such .pptx or .potx file",
                         hint="give the company PowerPoint template, saved as .pptx or .potx")
    return path.resolve()


def build_job(folder: str, tag: str, out: str, strict: bool, helper: "ChartHelper | None" = None,
              pptx_template: str = "", allow_outside: tuple = (), require_approved: bool = False,
              review: bool = False) -> tuple:
    """One target in a worker process. Returns ("ok", TargetResult) or ("error", [messages], exit
    code, Failure): errors travel as text, since their locations and hints do not survive
    pickling; the Failure names the target and why, for the build's summary table."""
    from posterdeck.errors import ErrorList, PosterdeckError

    from posterdeck import manifest

    start = time.perf_counter()
    try:
        fp = manifest.fingerprint(Path(folder), tag, options(strict, pptx_template, require_approved, review))
        model = cached_model(folder, allow_outside)
        result = build_target(model, tag, Path(out), strict, helper, Path(pptx_template) if pptx_template else None,
                              fingerprint=fp, require_approved=require_approved, review=review)
        return ("ok", result)
    except PosterdeckError as exc:
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        return ("error", [str(e) for e in errors], exc.exit_code,
                Failure(Path(folder).name, tag, failure_reason(errors), exc.exit_code, time.perf_counter() - start))


@dataclass(frozen=True)
class Failure:
    """A target whose build failed, as the build's summary table shows it."""

    deck: str
    target: str
    reason: str  # the first error's message, its first line, shortened
    exit_code: int
    seconds: float


def failure_reason(errors: list, width: int = 70) -> str:
    """Why a target failed, in one short line: the first error's message (no location or hint),
    with the count of the others."""
    first = (getattr(errors[0], "message", "") or str(errors[0])).splitlines()[0].strip() if errors else "failed"
    if len(first) > width:
        first = first[:width - 1].rstrip() + "\u2026"
    return first + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")


def options(strict: bool, pptx_template: str = "", require_approved: bool = False, review: bool = False) -> dict:
    """The build options a target's outputs depend on (the manifest's key); a template given on
    the command line counts with its content, so editing it rebuilds. ``review``: the set holds
    the review pack (a build without it, after one with it, rebuilds, and the other way)."""
    opts: dict = {"strict": strict}
    if require_approved:  # a build that may fail on approvals is not the same build
        opts["require_approved"] = True
    if review:
        opts["review"] = True  # absent otherwise: the manifests of earlier builds stay valid
    if pptx_template:
        from posterdeck.manifest import _sha

        opts["pptx_template"] = [pptx_template, _sha(Path(pptx_template))]
    return opts


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
