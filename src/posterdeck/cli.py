"""The command line: arguments, progress, messages and exit codes; nothing else."""
from __future__ import annotations

import sys
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


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--target", "-t", "targets", multiple=True, help="BCP 47 target, e.g. en-NL (repeatable).")
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False), default=Path("output"),
              show_default=True, help="Output folder; files go to OUT/<deck>/<target>/.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
def build(decks: tuple[Path, ...], targets: tuple[str, ...], out: Path, quiet: bool) -> None:
    """Build poster.pdf, deck.pptx and deck.pdf for every target of the DECKS (default: all under data/)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from posterdeck import api
    from posterdeck.loading.deck import load_deck

    console = Console(stderr=True, quiet=quiet)
    failed = 0
    results = []
    try:
        folders = api.discover(list(decks))
    except PosterdeckError as e:
        _report(e)
        sys.exit(e.exit_code)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("loading", total=None)
        jobs = []
        for folder in folders:
            try:
                model = load_deck(folder)
                jobs.extend((model, tag) for tag in api.targets_of(model, list(targets) or None))
            except PosterdeckError as e:
                _report(e)
                failed = max(failed, e.exit_code)
        progress.update(task, total=len(jobs), completed=0)
        for model, tag in jobs:
            progress.update(task, description=f"building {model.name} {tag}")
            try:
                results.append(api.build_target(model, tag, out))
            except PosterdeckError as e:
                _report(e)
                failed = max(failed, e.exit_code)
            progress.advance(task)
    if results and not quiet:
        table = Table(title="posterdeck build")
        for col in ("deck", "target", "poster pages", "slides", "time (s)", "written to"):
            table.add_column(col)
        for r in results:
            table.add_row(r.deck, r.target, str(r.pages.get("poster", "-")), str(r.pages.get("deck", "-")),
                          f"{r.seconds:.2f}", str(r.files[0].parent) if r.files else "-")
        console.print(table)
    sys.exit(failed)


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--strict", is_flag=True, help="Treat lint warnings as errors.")
def check(decks: tuple[Path, ...], strict: bool) -> None:
    """Validate and lint DECKS (default: all under data/) without writing anything."""
    from posterdeck import api

    status = 0
    try:
        folders = api.discover(list(decks))
    except PosterdeckError as e:
        _report(e)
        sys.exit(e.exit_code)
    for folder in folders:
        try:
            model, warnings = api.check(folder)
        except PosterdeckError as e:
            _report(e)
            status = max(status, e.exit_code)
            continue
        for w in warnings:
            click.echo(f"warning: {w}", err=True)
        if warnings and strict:
            status = max(status, 1)
        click.echo(f"{model.name}: ok ({len(model.info.targets)} target(s), {len(warnings)} warning(s))")
    sys.exit(status)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--standard", type=click.Choice(["x1a", "x4"]), default="x1a", show_default=True,
              help="PDF/X-1a:2001 or PDF/X-4.")
@click.option("--total-ink", type=float, default=300.0, show_default=True, help="Total ink limit in percent.")
def preflight(files: tuple[Path, ...], standard: str, total_ink: float) -> None:
    """Check print PDFs (any PDF, not only posterdeck's) against PDF/X rules; exit 1 on any error."""
    from posterdeck.finish.preflight import preflight as run

    failed = False
    for path in files:
        report = run(path.read_bytes(), standard, total_ink)
        for f in report.findings:
            click.echo(f"{path}: {f}")
        verdict = "FAIL" if report.errors else "PASS"
        click.echo(f"{path}: {verdict} ({len(report.errors)} error(s), {len(report.warnings)} warning(s), "
                   f"PDF/X-{'1a:2001' if standard == 'x1a' else '4'})")
        failed |= bool(report.errors)
    sys.exit(1 if failed else 0)
