"""The command line: arguments, progress, messages and exit codes; nothing else."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from posterdeck import __version__
from posterdeck.errors import ErrorList, PosterdeckError


def _report(err: PosterdeckError) -> None:
    errors = err.errors if isinstance(err, ErrorList) else [err]
    for e in errors:
        click.echo(f"error: {e}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="posterdeck")
def main() -> None:
    """posterdeck: one data model -> print-ready posters and PowerPoint decks."""


ALLOW_OUTSIDE = click.option(
    "--allow-outside", "allow_outside", multiple=True, type=click.Path(path_type=Path, file_okay=False),
    help="Also read files the deck names from this folder outside the project (repeatable). Without it, "
         "every image, patient file, glossary, market, font and profile must lie inside the project.")


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--target", "-t", "targets", multiple=True, help="BCP 47 target, e.g. en-NL (repeatable).")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("output"),  # a file: an OutputError
              show_default=True, help="Output folder; files go to OUT/<deck>/<target>/.")
@click.option("--strict", is_flag=True, help="A missing translation is an error, not a warning.")
@click.option("--force", "-f", is_flag=True, help="Rebuild every target, even those whose inputs did not change.")
@click.option("--watch", "-w", is_flag=True, help="Keep running; rebuild what a saved file affects.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
              help="Processes to build with (0, the default: one per core; 1: all in this one).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary (warnings and errors still show).")
@click.option("--pptx-template", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Build deck.pptx on this company PowerPoint template (.pptx or .potx) instead of the theme's.")
@click.option("--shard", default=None, metavar="K/N",
              help="Build only the K-th of N shards of all (deck, target) pairs, balanced by their last build "
                   "times (for a CI matrix: one job per shard).")
@click.option("--plan", "show_plan", is_flag=True,
              help="Print the (deck, target) pairs and their shard (of --shard's N, else 1) as JSON; build nothing.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Neither read nor write the cache (drawn charts, hyphenation patterns, broken "
                   "paragraphs, chart workbooks, painted slides).")
@click.option("--require-approved", "require_approved", is_flag=True,
              help="Fail when an item shown (value, claim, citation, text, footnote, statement) is not approved as it "
                   "stands in the deck's approvals.yaml (see posterdeck approve).")
@click.option("--review", "review", is_flag=True,
              help="Also write the review pack (review.pdf, review.html) into each target's folder.")
@ALLOW_OUTSIDE
def build(decks: tuple[Path, ...], targets: tuple[str, ...], out: Path, strict: bool, force: bool, watch: bool,
          jobs: int, quiet: bool, pptx_template: Path | None, shard: str | None, show_plan: bool, no_cache: bool,
          require_approved: bool, review: bool, allow_outside: tuple[Path, ...]) -> None:
    """Build poster.pdf, poster-screen.pdf, deck.pptx and deck.pdf (with --review also review.pdf
    and review.html) for every target of the DECKS (default: every deck under data/), in parallel
    worker processes. Targets whose inputs did not change since their last build are skipped
    (see --force)."""
    import gc
    import os

    from posterdeck import plan

    if no_cache:
        os.environ["POSTERDECK_NO_CACHE"] = "1"  # for this process and every worker and helper
    try:
        k, n = plan.parse_shard(shard) if shard else (1, 1)
    except PosterdeckError as e:
        _report(e)
        sys.exit(e.exit_code)
    if show_plan:
        click.echo(plan.as_json(plan.plan(_folders(decks), out, n, targets), n))
        sys.exit(0)

    # a build makes millions of short-lived objects and lives for seconds: with Python's default
    # threshold the collector ran hundreds of times a target, walking every imported module
    gc.set_threshold(50_000, 20, 100)
    console = _console(quiet)
    folders = _folders(decks)
    from posterdeck import api

    try:
        template = str(api.checked_template(pptx_template) or "")
    except PosterdeckError as e:
        _report(e)
        sys.exit(e.exit_code)
    opts = Options(strict, template, tuple(str(p) for p in allow_outside), require_approved, review)
    only = None
    if shard:
        only = {(p.deck, p.target) for p in plan.plan(folders, out, n, targets) if p.shard == k}
    status = _build_once(folders, targets, out, opts, force, jobs, console, quiet, only=only)
    from posterdeck import cache

    cache.prune()
    if not watch:
        sys.exit(status)
    _watch(folders, targets, out, opts, jobs, console, quiet)


@dataclass(frozen=True)
class Options:
    """What every target of one build is built with, from the command line to the workers (and
    through every cycle of --watch)."""

    strict: bool = False  # --strict
    template: str = ""  # --pptx-template, checked and resolved; "" for the theme's
    allowed: tuple[str, ...] = ()  # --allow-outside folders
    require_approved: bool = False  # --require-approved
    review: bool = False  # --review: the review pack is part of every target's set

    def manifest_key(self) -> dict:
        """The options a target's outputs depend on (api.options)."""
        from posterdeck import api

        return api.options(self.strict, self.template, self.require_approved, self.review)

    def build_job(self, folder: str, tag: str, out: str, helper=None) -> tuple:
        """api.build_job of one target with these options."""
        from posterdeck import api

        return api.build_job(folder, tag, out, self.strict, helper, self.template, self.allowed,
                             self.require_approved, self.review)


def _build_once(folders, targets, out: Path, opts: Options, force: bool, jobs: int, console, quiet: bool,
                announce: bool = False, only: set | None = None) -> int:
    """``only``: the (deck name, target) pairs of this shard (--shard), else every pair."""
    from posterdeck import api, manifest, output

    api.forget_models()  # a watch cycle must see the files as they are now
    failed = 0
    plan, fresh, stale_of, unreadable = [], [], {}, {}
    try:  # first: the output folder can take files, and what killed builds left is put right
        output.check_folder(out)
        for folder in folders:
            output.recover(manifest.deck_out(out, folder))
    except PosterdeckError as e:
        _report(e)
        return e.exit_code
    for folder in folders:  # quick look first (no model loaded): which targets need a build
        try:
            declared = manifest.deck_targets(folder)
            tags = [t for t in declared if (not targets or t in targets)
                    and (only is None or (folder.resolve().name, t) in only)]
            stale_of[folder] = [t for t in tags if force or not manifest.up_to_date(
                out, folder, t, opts.manifest_key())]
            fresh.extend((folder.name, t) for t in tags if t not in stale_of[folder])
            if not stale_of[folder] and not (targets and set(targets) - set(declared)):
                del stale_of[folder]
        except (OSError, ValueError) as e:  # deck.yaml unreadable for the quick check: load reports it
            stale_of[folder], unreadable[folder] = [], e
    helper = _chart_helper(sum(len(s) for s in stale_of.values()), jobs)
    try:
        for folder, stale in stale_of.items():
            try:
                # validate first: bad input stops the deck before any work (workers reuse the model)
                model = api.cached_model(str(folder), opts.allowed)
                wanted = api.targets_of(model, list(targets) or None)
                plan.extend((str(folder), tag) for tag in wanted if tag in stale)
            except PosterdeckError as e:
                _report(e)
                failed = max(failed, e.exit_code)
            else:
                if folder in unreadable:
                    click.echo(f"error: {folder}: {unreadable[folder]}", err=True)
                    failed = max(failed, 1)
        results = _run(plan, out, opts, jobs, console, helper) if plan else []
    finally:
        if helper is not None:
            helper.close()
    shown: set[str] = set()
    for outcome in results:
        if outcome[0] == "error":
            for message in outcome[1]:
                if message not in shown:  # a content problem is the same for every target: say it once
                    shown.add(message)
                    click.echo(f"error: {message}", err=True)
            failed = max(failed, outcome[2])
    done = [o[1] for o in results if o[0] == "ok"]
    lost = [o[3] for o in results if o[0] == "error" and len(o) > 3]  # failed targets: in the table too
    for r in done:
        if announce:
            click.echo(f"rebuilt {r.deck} {r.target} ({r.seconds:.1f} s)")
        for w in r.warnings[:5]:  # warnings show even with --quiet: it hides progress, not problems
            if w not in shown:  # the deck's own (a stale approval) are the same for every target: said once
                shown.add(w)
                click.echo(f"warning: {w}", err=True)
        if len(r.warnings) > 5:
            click.echo(f"warning: ... and {len(r.warnings) - 5} more for {r.deck} {r.target} "
                       f"(posterdeck i18n status -v)", err=True)
    if not quiet and not announce:
        if done or lost:
            _summary(console, done, lost)
        if fresh:
            console.print(f"up to date (inputs unchanged, not rebuilt): "
                          f"{', '.join(f'{d} {t}' for d, t in fresh)}", markup=False, highlight=False)
    return failed


def _watch(folders, targets, out, opts: Options, jobs, console, quiet) -> None:
    """Poll the inputs of every target; when one changes, rebuild the targets it affects."""
    import time

    from posterdeck import manifest

    def snapshot():
        manifest.forget()  # see files added since the last look, not a cached folder listing
        stamps = {}
        for folder in folders:
            try:
                for tag in manifest.deck_targets(folder):
                    for path in manifest.inputs_for(folder, tag):
                        stamps[path] = path.stat().st_mtime_ns if path.exists() else 0
            except (OSError, ValueError):
                pass
        return stamps

    seen = snapshot()  # before saying so: a file saved right after the message is seen
    click.echo("watching for changes (Ctrl-C to stop)", err=True)
    try:
        while True:
            time.sleep(0.5)
            now = snapshot()
            if now != seen:
                changed = sorted(str(p) for p in set(now) | set(seen) if now.get(p) != seen.get(p))
                click.echo(f"changed: {', '.join(changed)}", err=True)
                _build_once(folders, targets, out, opts, False, jobs, console, quiet, announce=True)
                seen = snapshot()
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)


def _chart_helper(stale: int, jobs: int):
    """On a machine with a second core (and unless --jobs 1), the first target builds in this
    process while a helper process draws its charts. The helper starts before the decks are
    loaded, so that matplotlib imports while this process validates and composes."""
    import os

    cores = os.cpu_count() or 1
    if stale < 1 or cores < 2 or (jobs or cores) < 2:
        return None
    from posterdeck.charts.helper import ChartHelper

    return ChartHelper()


def _run(plan: list, out: Path, opts: Options, jobs: int, console, helper=None) -> list:
    """Build the planned targets. With a helper, the first one builds here and the others in
    worker processes forked afterwards: they start with everything this process imported,
    measured and drew (the same charts and paragraphs come back in every target of a language),
    where workers started cold each paid a second of imports and drawing first."""
    import os

    results = []
    with _progress(console) as progress:
        task = progress.add_task("building" + (" with review packs" if opts.review else ""), total=len(plan))
        workers = min(jobs or os.cpu_count() or 1, len(plan))
        here = plan if workers <= 1 else plan[:1] if helper is not None else []
        for folder, tag in here:
            progress.update(task, description=f"building {Path(folder).name} {tag}"
                            + (" and its review pack" if opts.review else ""))
            results.append(opts.build_job(folder, tag, str(out), helper))
            progress.advance(task)
        rest = plan[len(here):]
        if not rest:
            return results
        if helper is not None:
            helper.close()  # its core goes to the workers
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # forked on Linux whatever Python's default (forkserver from 3.14): the workers are to
        # inherit what this process has loaded; elsewhere the platform's default
        context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
        with ProcessPoolExecutor(max_workers=min(workers, len(rest)), mp_context=context,
                                 initializer=_end_with, initargs=(os.getpid(),)) as pool:
            # the workers are forked at the first submit: with the progress bar's thread stopped,
            # so that no lock it might hold (the terminal's) is copied locked into them
            progress.stop()
            futures = {pool.submit(_build_batch, batch, str(out), opts): batch
                       for batch in _batches(rest, min(workers, len(rest)))}
            progress.start()
            for fut in as_completed(futures):
                results.extend(fut.result())
                folder, tag = futures[fut][-1]
                progress.update(task, description=f"built {Path(folder).name} {tag}")
                progress.advance(task, len(futures[fut]))
    return results


def _console(quiet: bool):
    """The progress bar's and summary's console on stderr; None with --quiet, which shows neither
    (rich is then not even imported)."""
    if quiet:
        return None
    from rich.console import Console

    return Console(stderr=True)


def _progress(console):
    """The build's progress bar (transient), or a silent stand-in without a console (--quiet)."""
    if console is None:
        return _Silent()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} targets"),
                    TimeElapsedColumn(), console=console, transient=True)


class _Silent:
    """What _run asks of a rich Progress, doing nothing."""

    def __enter__(self) -> "_Silent":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def add_task(self, *args, **kwargs) -> int:
        return 0

    def update(self, *args, **kwargs) -> None:
        pass

    def advance(self, *args, **kwargs) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def _batches(pairs: list, workers: int) -> list[list]:
    """The (deck folder, target) pairs as the jobs of the workers: the targets of one deck and
    language together, so that one worker breaks that language's text, loads its hyphenation
    patterns and fonts and writes its charts' workbooks once for all of them (the paragraphs of
    targets in one language are mostly the same); at most a share of all the pairs in a job, so
    that a batch of one language still spreads over the workers; the longest jobs first, so that
    the short ones fill in at the end."""
    most = max(1, -(-len(pairs) // (2 * max(workers, 1))))
    groups: dict = {}
    for folder, tag in pairs:
        groups.setdefault((folder, tag.split("-")[0].lower()), []).append((folder, tag))
    jobs = [group[i:i + most] for group in groups.values() for i in range(0, len(group), most)]
    return sorted(jobs, key=len, reverse=True)


def _build_batch(batch: list, out: str, opts: Options) -> list:
    """One job of a worker: its targets one after the other (api.build_job's outcomes)."""
    return [opts.build_job(folder, tag, out) for folder, tag in batch]


def _end_with(parent: int) -> None:
    """In a worker: end when the build process ends, even when it is killed (SIGKILL). Else the
    worker would go on, or wait on its queue for ever, after the build is gone (Linux only)."""
    import os

    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the build ended before the line above
            os._exit(1)


def _summary(console, done, lost=()) -> None:
    """The build's table: every target built (its pages, warnings, time) and every target whose
    build failed, as failed with the reason (its errors are printed above the table)."""
    from rich.table import Table

    table = Table(title="posterdeck build")
    for col in ("deck", "target", "poster pages", "slides", "warnings", "time (s)", "result"):
        table.add_column(col)
    rows = [((r.deck, r.target), (r.deck, r.target, str(r.pages.get("poster", "-")), str(r.pages.get("deck", "-")),
                                  str(len(r.warnings)), f"{r.seconds:.2f}", "built")) for r in done]
    rows += [((f.deck, f.target), (f.deck, f.target, "-", "-", "-", f"{f.seconds:.2f}",
                                   f"FAILED (exit {f.exit_code}): {f.reason}")) for f in lost]
    for _, row in sorted(rows):
        table.add_row(*row)
    console.print(table)
    if done and done[0].files:
        console.print(f"written to {done[0].files[0].parents[2]}")
    if lost:
        console.print(f"{len(lost)} target(s) failed, nothing written for them: "
                      f"{', '.join(f'{f.deck} {f.target}' for f in sorted(lost, key=lambda f: (f.deck, f.target)))}",
                      markup=False, highlight=False)


@main.command("review")
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--target", "-t", "targets", multiple=True, help="BCP 47 target, e.g. en-NL (repeatable).")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("output"),
              show_default=True, help="Output folder; files go to OUT/<deck>/<target>/.")
@click.option("--strict", is_flag=True, help="A missing translation is an error, not a warning.")
@click.option("--force", "-f", is_flag=True, help="Rebuild every target, even those whose inputs did not change.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
              help="Processes to build with (0, the default: one per core).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary (warnings and errors still show).")
@ALLOW_OUTSIDE
def review_command(decks: tuple[Path, ...], targets: tuple[str, ...], out: Path, strict: bool, force: bool,
                   jobs: int, quiet: bool, allow_outside: tuple[Path, ...]) -> None:
    """Build the DECKS (default: every deck under data/) with their review packs: review.pdf and
    review.html beside the other outputs of each target, every page as built with a numbered
    callout for each value, citation, claim, text, footnote and statement on it (the same as
    build --review). Needs pdftoppm (poppler) for the page pictures."""
    console = _console(quiet)
    opts = Options(strict, allowed=tuple(str(p) for p in allow_outside), review=True)
    status = _build_once(_folders(decks), targets, out, opts, force, jobs, console, quiet)
    if status == 0 and not quiet:
        from posterdeck import manifest

        for folder in _folders(decks):
            for tag in manifest.deck_targets(folder):
                if not targets or tag in targets:
                    click.echo(f"review pack: {manifest.deck_out(out, folder) / tag}/review.pdf and review.html")
    sys.exit(status)


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--strict", is_flag=True, help="Fail on warnings too, and on everything build --strict fails on "
              "(a missing translation).")
@click.option("--fit", is_flag=True, help="Also lay out every page and report overflows (slower).")
@click.option("--require-approved", "require_approved", is_flag=True,
              help="Fail when an item shown is not approved as it stands in the deck's approvals.yaml, as "
                   "build --require-approved does.")
@ALLOW_OUTSIDE
def check(decks: tuple[Path, ...], strict: bool, fit: bool, require_approved: bool,
          allow_outside: tuple[Path, ...]) -> None:
    """Validate and lint DECKS (default: all under data/) without writing anything. With an
    approvals.yaml, also say which items shown changed or are new since approval (as a build)."""
    from posterdeck import api

    status = 0
    for folder in _folders(decks):
        try:
            model, warnings = api.check(folder, fit=fit, strict=strict, allow_outside=allow_outside,
                                        require_approved=require_approved)
        except PosterdeckError as e:
            _report(e)
            status = max(status, e.exit_code)
            continue
        for w in warnings:
            click.echo(f"warning: {w}", err=True)
        if warnings and strict:
            status = max(status, 1)
            click.echo(f"{model.name}: failed (--strict: {len(warnings)} warning(s) count as errors)", err=True)
            continue
        click.echo(f"{model.name}: ok ({len(model.info.targets)} target(s), {len(warnings)} warning(s))")
    sys.exit(status)


STANDARDS = {"x1a": "PDF/X-1a:2001", "x4": "PDF/X-4", "ua1": "PDF/UA-1"}


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--standard", type=click.Choice(["x1a", "x4", "ua1"]), default="x1a", show_default=True,
              help="PDF/X-1a:2001, PDF/X-4 (print) or PDF/UA-1 (accessible screen PDFs).")
@click.option("--total-ink", type=float, default=300.0, show_default=True, help="Total ink limit in percent.")
def preflight(files: tuple[Path, ...], standard: str, total_ink: float) -> None:
    """Check PDFs (any PDF, not only posterdeck's) against PDF/X rules (print) or the
    machine-checkable PDF/UA-1 rules (--standard ua1); exit 1 on any error."""
    from posterdeck.finish.preflight import preflight as print_preflight
    from posterdeck.finish.ua import check_ua

    failed = False
    for path in files:
        data = path.read_bytes()
        report = check_ua(data) if standard == "ua1" else print_preflight(data, standard, total_ink)
        for f in report.findings:
            click.echo(f"{path}: {f}")
        verdict = "FAIL" if report.errors else "PASS"
        click.echo(f"{path}: {verdict} ({len(report.errors)} error(s), {len(report.warnings)} warning(s), "
                   f"{STANDARDS[standard]})")
        failed |= bool(report.errors)
    sys.exit(1 if failed else 0)


@main.group()
def i18n() -> None:
    """Translation catalogues (gettext PO, read and written with Babel)."""


@i18n.command("extract")
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--language", "-l", "languages", multiple=True, help="Also write a catalogue for this language.")
def i18n_extract(decks: tuple[Path, ...], languages: tuple[str, ...]) -> None:
    """Write or update <deck>/i18n/<language>.po with every translatable text of the DECKS."""
    from posterdeck.i18n import extract

    status = 0
    for folder in _folders(decks):
        try:
            for r in extract(folder, list(languages)):
                click.echo(f"{r.path}: {r.messages} messages ({r.new} new, {r.changed} changed since translated)")
        except PosterdeckError as e:
            _report(e)
            status = max(status, e.exit_code)
        except OSError as exc:  # a catalogue that cannot be written
            from posterdeck.output import output_error

            err = output_error(exc, folder / "i18n")
            _report(err)
            status = max(status, err.exit_code)
    sys.exit(status)


@i18n.command("status")
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--verbose", "-v", is_flag=True, help="List every missing or out-of-date text.")
def i18n_status(decks: tuple[Path, ...], verbose: bool) -> None:
    """Per target: how many texts are translated, invalid (translated, but failing the checks a
    build runs: a changed placeholder, citation or markup), out of date (source changed) or missing."""
    from rich.console import Console
    from rich.table import Table

    from posterdeck.i18n import status as get_status

    table = Table(title="translation status")
    for col in ("deck", "target", "texts", "translated", "invalid", "out of date", "missing"):
        table.add_column(col)
    code = 0
    details = []
    shown: set[str] = set()
    for folder in _folders(decks):
        try:
            for st in get_status(folder):
                table.add_row(folder.name, st.target, str(st.total), str(st.translated), str(len(st.invalid)),
                              str(len(st.outdated)), str(len(st.missing)))
                details += [f"{folder.name} {st.target}: invalid: {c}" for c in st.invalid]
                details += [f"{folder.name} {st.target}: out of date: {c}" for c in st.outdated]
                details += [f"{folder.name} {st.target}: missing: {c}" for c in st.missing]
                for e in st.errors:  # one catalogue serves every target of its language: say each once
                    if str(e) not in shown:
                        shown.add(str(e))
                        _report(e)
                        code = max(code, e.exit_code)
        except PosterdeckError as e:
            _report(e)
            code = max(code, e.exit_code)
    Console().print(table)
    if verbose:
        for line in details:
            click.echo(line)
    sys.exit(code)


@main.command("schema")
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False), default=Path("schemas"),
              show_default=True, help="Folder for the <kind>.schema.json files.")
def schema_command(out: Path) -> None:
    """Write JSON Schemas of every YAML file kind (deck, study, content, references, glossary,
    market, layout, theme), for completion and checking in editors: put
    '# yaml-language-server: $schema=PATH/content.schema.json' on a file's first line."""
    from posterdeck.errors import PosterdeckError as _Error
    from posterdeck.schema.export import write_schemas

    try:
        for path in write_schemas(out):
            click.echo(str(path))
    except (_Error, OSError) as e:
        if isinstance(e, _Error):
            _report(e)
            sys.exit(e.exit_code)
        click.echo(f"error: {out}: cannot write the schemas: {e.strerror or e}", err=True)
        sys.exit(1)


def _folders(decks) -> list[Path]:
    from posterdeck import api

    try:
        return api.discover(list(decks))
    except PosterdeckError as e:
        _report(e)
        sys.exit(e.exit_code)


@main.command("approve")
@click.argument("deck", type=click.Path(path_type=Path, file_okay=False))
@click.option("--target", "-t", "targets", multiple=True, help="BCP 47 target, e.g. en-GB (repeatable; default: all).")
@click.option("--by", default=None, help="Who approves (default: git config user.name).")
@click.option("--item", "items", multiple=True,
              help="Approve only the items with this key (repeatable; shell patterns: 'value:results.crcri.*').")
@click.option("--prune", is_flag=True,
              help="Drop the entries of items the deck no longer has (removed or renamed) or of languages it "
                   "no longer has; without it they are kept, and listed.")
@ALLOW_OUTSIDE
def approve_command(deck: Path, targets: tuple[str, ...], by: str | None, items: tuple[str, ...],
                    prune: bool, allow_outside: tuple[Path, ...]) -> None:
    """Record the review items of DECK (every value, claim, citation, text, footnote and statement its
    pages show, in each target's language) as approved as they stand now, in DECK/approvals.yaml,
    with who and today's date. An item approved before is approved anew; others keep their entry."""
    from posterdeck import api
    from posterdeck.errors import UsageError
    from posterdeck.review.approvals import approve

    try:
        (folder,) = api.discover([deck])
        who = by or _git_user()
        if not who:
            raise UsageError("who approves? no --by NAME and no git config user.name",
                             hint="posterdeck approve DECK --by 'Jane Doe'")
        model = api.load_deck(folder, allow_outside)
        tags = api.targets_of(model, list(targets) or None)
        from posterdeck.review.approvals import load as load_approvals
        from posterdeck.review.stale import stale

        old = stale(model, load_approvals(folder))
        done = approve(folder, api.reviews(model, tags), who, items,
                       prune=tuple((s.key, s.language) for s in old) if prune else ())
        if items and not done:
            raise UsageError(f"no item of {model.name} ({', '.join(tags)}) matches {', '.join(items)}",
                             hint="item keys look like value:results.crcri.ino_s1, claim:ID, citation:KEY, text:CONTEXT; "
                                  "see posterdeck diff or the review pack")
    except PosterdeckError as e:
        _report(e)
        sys.exit(e.exit_code)
    except OSError as exc:
        from posterdeck.output import output_error

        _report(output_error(exc, folder))
        sys.exit(output_error(exc, folder).exit_code)
    click.echo(f"{model.name}: approved {len(done)} item(s) of {', '.join(tags)} as {who}: "
               f"{folder / 'approvals.yaml'}")
    if old and prune:
        click.echo(f"{model.name}: dropped {len(old)} entry(ies) of items or languages the deck no longer has: "
                   + ", ".join(f"{s.key} ({s.language or 'every language'})" for s in old))
    elif old:
        for s in old:
            click.echo(f"warning: {s.message}", err=True)
        click.echo(f"{model.name}: kept {len(old)} entry(ies) of items or languages the deck no longer has "
                   f"(listed above); posterdeck approve --prune drops them", err=True)


def _git_user() -> str:
    import subprocess

    try:
        res = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return res.stdout.strip() if res.returncode == 0 else ""


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False), default=Path("output/changes"),
              show_default=True, help="Folder for changes.md and changes.html.")
@click.option("--no-thumbnails", is_flag=True, help="Skip the before/after page pictures (faster).")
@click.option("--project", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Project whose shared files (glossaries, markets, layouts) deck folders kept outside a "
                   "project use; default: the project of the current folder.")
def diff_command(old: str, new: str, out: Path, no_thumbnails: bool, project: Path | None) -> None:
    """Report what changed between OLD and NEW: two deck folders, two project folders, or two git
    revisions (e.g. HEAD~1 HEAD). Lists every changed value with the pages that show it, changed
    wording and references, as Markdown and as an HTML page with before/after thumbnails.
    Claims the data no longer supports head the report (and are printed as warnings)."""
    from posterdeck.diff import diff, html_report, markdown
    from posterdeck.output import write_atomic

    try:
        diffs = diff(old, new, thumbnails=not no_thumbnails, project=project)
    except PosterdeckError as e:
        _report(e)
        sys.exit(e.exit_code)
    for d in diffs:
        for c in d.claims:
            click.echo(f"warning: {c.side} version: {c.message}", err=True)
    md = markdown(diffs)
    try:
        write_atomic(out / "changes.md", md.encode())
        write_atomic(out / "changes.html", html_report(diffs).encode())
    except OSError as exc:  # read-only, full, a file where the folder should be
        from posterdeck.output import output_error

        _report(output_error(exc, out))
        sys.exit(output_error(exc, out).exit_code)
    for d in diffs:
        click.echo(f"{d.deck}: {len(d.values)} value(s), {len(d.texts)} text(s), "
                   f"{len(d.refs_added) + len(d.refs_removed)} reference(s) and {len(d.pages)} page(s) changed")
        if d.approvals is not None:
            click.echo(f"{d.deck}: {len(d.approvals)} item(s) shown need re-approval (approvals.yaml)")
    click.echo(f"report: {out / 'changes.md'} and {out / 'changes.html'}")


def entry() -> None:
    """The posterdeck command. Once a command is done, the process leaves without tearing the
    interpreter down: freeing every module and object of a build took 0.15 s, a tenth of a
    cold build, for nothing. Helper and worker processes are closed and files are written and
    closed before a command returns, so there is nothing left to clean up."""
    import os

    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
