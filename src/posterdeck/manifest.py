"""Incremental builds: each target's output folder keeps a manifest of what shaped it (the hash of
every input file, the tool and the options). A target whose inputs did not change is not rebuilt.

This module reads deck.yaml and the theme with plain PyYAML and imports nothing heavy, so that a
build with nothing to do finishes in a fraction of a second.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import yaml

from posterdeck import __version__
from posterdeck.output import MANIFEST
from posterdeck.project import project_root

DECK_FILES = (".yaml", ".yml", ".json", ".csv", ".png", ".jpg", ".jpeg")


def _sha(path: Path) -> str:
    st = path.stat()
    return _sha_cached(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4096)
def _sha_cached(path: str, mtime_ns: int, size: int) -> str:
    """Targets share most inputs (fonts, layouts, study data): hash each file once per process."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def tool_hash() -> str:
    """The posterdeck version and its source: a code change invalidates every output."""
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _yaml(path: Path) -> dict:
    st = path.stat()
    return _yaml_cached(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _yaml_cached(path: str, mtime_ns: int, size: int) -> dict:
    """Targets of one deck share deck.yaml, layouts and theme: parse each once per process
    (C LibYAML when PyYAML has it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader) or {}
    except (yaml.YAMLError, RecursionError) as exc:  # loading reports it with its line
        raise ValueError(f"{path}: not readable YAML") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping")
    return data


def deck_targets(deck: Path) -> list[str]:
    return list((_yaml(deck / "deck.yaml").get("deck") or {}).get("targets") or [])


@lru_cache(maxsize=64)
def _deck_files(deck: str, stamp: float) -> tuple[Path, ...]:
    return tuple(p for p in Path(deck).rglob("*") if p.is_file() and p.suffix.lower() in DECK_FILES + (".po",))


def inputs_for(deck: Path, tag: str) -> list[Path]:
    """Every file that can change one target's outputs: the deck's own files (its catalogue only
    in the target's language), its glossaries, its market, its layouts, theme and fonts."""
    deck = deck.resolve()
    info = _yaml(deck / "deck.yaml").get("deck") or {}
    language, region = tag.split("-")
    files: set[Path] = set()
    for path in _deck_files(str(deck), _tree_stamp(deck)):
        if path.suffix == ".po" and path.stem != language:
            continue
        files.add(path)
    rel = info.get("files") or {}
    logo = (info.get("logo") or {}).get("file") if isinstance(info.get("logo"), dict) else None
    if logo:  # a logo may sit outside the deck folder (a shared logos/ folder)
        files.add((deck / logo).resolve())
    for g in rel.get("glossaries") or []:
        files.add((deck / g).resolve())
    markets = (deck / (rel.get("markets") or "../shared/markets")).resolve()
    own = markets / f"{region}.yaml"
    files.update([own] if own.is_file() else markets.glob("*.yaml"))
    root = project_root(deck) or deck
    for name in (info.get("outputs") or {}).values():
        if name:
            layout = root / "layouts" / f"{name}.yaml"
            files.add(layout)
            if layout.is_file():  # a print layout's own ICC output profile shapes the poster too
                spec = (_yaml(layout).get("layout") or {}).get("print")
                if isinstance(spec, dict) and spec.get("icc_profile"):
                    files.add((layout.parent / spec["icc_profile"]).resolve())
    theme = root / "layouts" / "themes" / f"{info.get('theme')}.yaml"
    files.add(theme)
    if theme.is_file():
        spec = _yaml(theme).get("theme") or {}
        if spec.get("pptx_template"):  # the company PowerPoint template the deck is built on
            files.add((theme.parent / spec["pptx_template"]).resolve())
        font = (spec.get("fonts_by_language") or {}).get(language) or spec.get("font") or {}
        from posterdeck.fonts import font_path

        for key in ("regular", "bold", "italic", "bold_italic"):
            if font.get(key):
                files.add(font_path(font[key], theme.parent))
    # a file outside the project is not read here, not even to hash it: loading refuses it with
    # its line (see loading/containment.py); matplotlib's fonts stay
    inside = [root.resolve(), deck]
    if any(not f.resolve().is_relative_to(root.resolve()) for f in files):
        from posterdeck.fonts import font_path

        inside.append(font_path("matplotlib:DejaVuSans.ttf", root).parent.resolve())
    return sorted(f for f in files if any(f.resolve().is_relative_to(r) for r in inside))


def forget() -> None:
    """Drop the cached folder listings (watch mode looks again every cycle)."""
    _deck_files.cache_clear()


def _tree_stamp(deck: Path) -> float:
    """Changes when a file is added to or removed from the deck folder or its i18n folder."""
    return max((p.stat().st_mtime for p in (deck, deck / "i18n") if p.exists()), default=0.0)


def fingerprint(deck: Path, tag: str, options: dict) -> dict:
    inputs = {}
    for path in inputs_for(deck, tag):
        inputs[str(path)] = _sha(path) if path.is_file() else "missing"
    key = hashlib.sha256(json.dumps([tool_hash(), options, inputs], sort_keys=True).encode()).hexdigest()
    return {"key": key, "tool": __version__, "options": options, "inputs": inputs}


def deck_out(out: Path, deck: Path) -> Path:
    """The folder of a deck's targets: OUT/<deck>."""
    return out / deck.resolve().name


def manifest_path(out: Path, deck: Path, tag: str) -> Path:
    return deck_out(out, deck) / tag / MANIFEST


def up_to_date(out: Path, deck: Path, tag: str, options: dict) -> bool:
    path = manifest_path(out, deck, tag)
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(saved, dict) or saved.get("key") != fingerprint(deck, tag, options)["key"]:
        return False
    outputs = saved.get("outputs")
    if not isinstance(outputs, dict):
        return False
    for name, digest in outputs.items():
        f = path.parent / name
        if not f.is_file() or _sha(f) != digest:
            return False  # an output was deleted or edited by hand: rebuild it
    return bool(outputs)


def content(fp: dict, files: dict[str, bytes], seconds: float | None = None) -> bytes:
    """The manifest of a target's set: the fingerprint taken *before* the build (so that an input
    edited during it is seen next time) and the hash of every file of the set. It is written last
    into the set, and a set whose files all have these hashes is complete. ``seconds``: how long
    the build took, which build --shard balances shards by (plan.py)."""
    data = dict(fp)
    data["outputs"] = {name: hashlib.sha256(b).hexdigest() for name, b in files.items()}
    if seconds is not None:
        data["seconds"] = round(seconds, 2)
    return json.dumps(data, indent=1, sort_keys=True).encode()


def last_seconds(out: Path, deck: Path, tag: str) -> float | None:
    """How long the target's last build took, as its manifest says (None: never built, or an
    older manifest)."""
    try:
        saved = json.loads(manifest_path(out, deck, tag).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    seconds = saved.get("seconds") if isinstance(saved, dict) else None
    return float(seconds) if isinstance(seconds, (int, float)) and seconds >= 0 else None
