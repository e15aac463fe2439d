"""The error hierarchy: every problem a user can act on carries where it came from.

Each family has its own exit status so that scripts can tell them apart; the CLI prints
``file:line: message`` plus a hint and never a traceback for these.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file and a 1-based line, or a page of an output."""

    file: str = ""
    line: int = 0
    page: str = ""

    def __str__(self) -> str:
        if self.file and self.line and self.page:  # a text of a file, as a page shows it
            return f"{self.file}:{self.line}: {self.page}"
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        if self.file:
            return self.file
        return self.page


class PosterdeckError(Exception):
    """Base of all errors posterdeck reports to users."""

    exit_code = 1
    family = "error"

    def __init__(self, message: str, location: Location | None = None, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint

    def __reduce__(self):
        # picklable with its location and hint: a worker process's error keeps them
        return (_rebuild, (type(self), self.message, self.location, self.hint, dict(self.__dict__)))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def _rebuild(cls, message: str, location: Location, hint: str, state: dict) -> "PosterdeckError":
    err = PosterdeckError.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    err.message, err.location, err.hint = message, location, hint
    return err


class InputError(PosterdeckError):
    """Malformed YAML, unknown keys, wrong types, missing files."""

    family = "input"


class ContentError(PosterdeckError):
    """Content that does not resolve: citations, placeholders, inconsistent data."""

    family = "content"


class LayoutError(PosterdeckError):
    """Content that does not fit, or a layout that cannot be satisfied."""

    family = "layout"


class PrintError(PosterdeckError):
    """A print PDF that fails preflight."""

    family = "print"


class MissingToolError(PosterdeckError):
    """An external program posterdeck needs is not installed."""

    family = "missing tool"
    exit_code = 3


class OutputError(PosterdeckError):
    """Outputs that cannot be written: a read-only file system, a full disk, a file where the
    output folder should be. The previous outputs are left as they were."""

    family = "output"
    exit_code = 4


def require_tool(name: str, purpose: str, install: str) -> str:
    """The path of the external program ``name``, or MissingToolError saying what needs it and
    how to install it (raised where the tool is needed, not found later by a failed run)."""
    import shutil

    path = shutil.which(name)
    if path is None:
        raise MissingToolError(f"{purpose} needs the program {name!r}, which is not installed", hint=install)
    return path


class UsageError(PosterdeckError):
    """Wrong command-line usage."""

    family = "usage"
    exit_code = 2


class ErrorList(PosterdeckError):
    """Several problems found in one pass; reported together, one per line."""

    def __init__(self, errors: list[PosterdeckError]):
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))
        self.exit_code = max((e.exit_code for e in errors), default=1)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def collect(errors: list[PosterdeckError]) -> None:
    """Raise the collected errors, if any, as one ErrorList (or the single error)."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)
