"""Font files of a theme: found once, registered with reportlab once, shared by compose (metrics)
and the PDF renderer (embedding), so both use the very same glyph widths."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from posterdeck.loading.containment import real_path


VARIANTS = ("regular", "bold", "italic", "bold_italic")


def font_path(spec: str, theme_dir: Path) -> Path:
    """'matplotlib:DejaVuSans.ttf' or a path relative to the theme file."""
    if spec.startswith("matplotlib:"):
        return _matplotlib_fonts() / spec.split(":", 1)[1]
    return real_path(theme_dir / spec) or (theme_dir / spec).absolute()  # a link loop: found as no file


@lru_cache(maxsize=1)
def _matplotlib_fonts() -> Path:
    """matplotlib's font folder, found without importing matplotlib (slow), once per process:
    a target asks for it a few hundred times (0.1 s of find_spec calls)."""
    from importlib.util import find_spec

    return Path(find_spec("matplotlib").origin).parent / "mpl-data" / "fonts" / "ttf"


def font_files(theme, theme_dir: Path, language: str = "") -> dict[str, str]:
    """The TrueType files of the family a target's language uses, by variant."""
    files = {}
    family = theme.family(language) if language else theme.font
    for variant in VARIANTS:
        spec = getattr(family, variant)
        files[variant] = str(font_path(spec, theme_dir))  # loading checked that each file exists
    return files


def reportlab_name(path: str) -> str:
    return "PD-" + Path(path).stem


@lru_cache(maxsize=None)
def register(path: str) -> str:
    """Register a TrueType file with reportlab (once) and return its reportlab font name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = reportlab_name(path)
    pdfmetrics.registerFont(TTFont(name, path))
    return name


MAX_FONT_BYTES = 64 * 1024 * 1024  # the largest CJK fonts are some 20 MB


def font_problem(path: str) -> str:
    """Why the file at ``path`` cannot serve as a font ('' when it can): it is loaded (and
    registered, so the build reuses it) here, so that `check` finds a file that is not a font."""
    import os

    size = os.path.getsize(path)
    if size > MAX_FONT_BYTES:
        return f"{size:,} bytes, more than a font file holds (limit {MAX_FONT_BYTES:,})"
    try:
        register(path)
    except Exception as exc:  # reportlab's TTFError, struct errors on a truncated file, ...
        register.cache_clear()
        return f"not a TrueType font ({str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__})"
    return ""


@lru_cache(maxsize=None)
def _cmap(path: str) -> frozenset:
    from reportlab.pdfbase.pdfmetrics import getFont

    return frozenset(getFont(register(path)).face.charToGlyph.keys())


def has_glyph(ch: str, path: str) -> bool:
    return ord(ch) in _cmap(path)


def missing_glyphs(text: str, path: str) -> set[str]:
    cmap = _cmap(path)
    return {ch for ch in text if ord(ch) not in cmap and not ch.isspace() and ch not in "\u00ad"}


def glyphs_problem(missing: set[str], font: str, text: str) -> tuple[str, str]:
    """The error for the characters ``missing`` from ``font`` in ``text``: (message, hint), the
    same whether resolve finds them (the target's font) or compose does (a text it made)."""
    chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in sorted(missing))
    return (f"the font {font} has no glyph for {chars} in {text.strip()[:60]!r}",
            "remove the character, or give the theme a font that covers it (fonts_by_language: for a "
            "language's script)")

