"""Containment: every file a deck names must lie inside the project (after symlinks are
resolved), and every link a deck prints must use a scheme a reader can trust.

A deck is data that travels (a colleague's folder, a translation agency's copy, a pull request):
an image path such as ``/etc/passwd`` or ``../../secrets.png`` or a symlink out of the project
would otherwise be read and embedded in the outputs. ``--allow-outside PATH`` widens the fence
explicitly, one folder at a time. Light: no heavy imports.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from posterdeck.errors import InputError, Location

# link schemes a deck may print; a theme's link_schemes: replaces the list
LINK_SCHEMES = ("https", "http", "mailto")


@dataclass(frozen=True)
class Fence:
    """The folders a deck's files may come from: the project, the deck's own folder and the
    folders given with --allow-outside, all with symlinks resolved."""

    roots: tuple[Path, ...]

    @classmethod
    def around(cls, *folders: Path | None, allow: tuple = ()) -> "Fence":
        roots = []
        for f in [*folders, *allow]:
            if f is not None:
                r = Path(f).resolve()
                if r not in roots:
                    roots.append(r)
        return cls(tuple(roots))

    def inside(self, path: Path) -> bool:
        """Does ``path`` lie inside the fence? False for a symbolic link loop (it leads nowhere)."""
        real = real_path(path)
        return real is not None and any(real == r or real.is_relative_to(r) for r in self.roots)

    def problem(self, path: Path, named: str, where: Location, what: str = "file") -> InputError | None:
        """None when ``path`` (as ``named`` in the input, at ``where``) lies inside the fence,
        else the error to report; nothing of the file is read either way."""
        if self.inside(path):
            return None
        real = real_path(path)
        if real is None:
            return InputError(f"{what} {named} is a symbolic link loop: following it leads back to itself", where,
                              hint="replace the link with the file itself, or point it at a real file")
        via = " (through a symbolic link)" if real != Path(path).absolute() and "/.." not in str(path) else ""
        return InputError(f"{what} {named} is outside the project{via}: it resolves to {real}", where,
                          hint=f"copy it into the project, or allow its folder explicitly with "
                               f"--allow-outside {real.parent}")

    def check(self, path: Path, named: str, where: Location, what: str = "file") -> Path:
        """``path`` resolved, or InputError when it lies outside the fence."""
        err = self.problem(path, named, where, what)
        if err is not None:
            raise err
        return Path(path).resolve()


def real_path(path: Path) -> Path | None:
    """``path`` with every symbolic link resolved, or None when the links go round in a loop
    (Python 3.11 and 3.12 raise RuntimeError for it, 3.13 OSError with ELOOP)."""
    import errno

    try:
        return Path(path).resolve()
    except RuntimeError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None
        raise


def link_problem(url: str, schemes) -> str:
    """Why ``url`` may not be printed as a link ('' when it may): its scheme must be one of
    ``schemes`` (https, http, mailto unless the theme says otherwise)."""
    import re

    text = url.strip()
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", text)
    if m is None:
        return f"link {url[:60]!r} has no scheme: write a full address such as https://..."
    scheme = m.group(1).lower()
    if scheme not in {s.lower() for s in schemes}:
        return (f"link {url[:60]!r} uses the scheme {scheme}:, which posterdeck does not print "
                f"(allowed: {', '.join(schemes)})")
    if any(ord(c) < 0x20 or c in " \x7f" for c in text):
        return f"link {url[:60]!r} holds spaces or control characters"
    return ""
