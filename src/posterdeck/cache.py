"""The on-disk cache: what a build paid for once on this machine (drawn charts, parsed hyphenation
patterns, paragraphs broken into lines), kept for the next build.

Where: $POSTERDECK_CACHE_DIR, else $XDG_CACHE_HOME/posterdeck, else ~/.cache/posterdeck. Each
entry is one file named by its key (a SHA-256 of everything the value depends on: the data, the
posterdeck version and the versions of the libraries that made it), written whole (output.write_atomic:
a temporary file renamed into place, so a parallel build never reads half an entry) and starting with the
SHA-256 of its kind, its key and its payload: an entry that is cut short or corrupt, or that sits
under another entry's name (a cache folder copied or mended by hand), fails that check, is
deleted and made again, never used. So an entry is not flushed to disk (no fsync): a power loss can only cut it,
which that check finds. ``prune()`` keeps the cache under POSTERDECK_CACHE_MB (default 500 MB)
and drops entries unused for POSTERDECK_CACHE_DAYS (default 30 days), oldest first; the CLI runs
it after each build. ``POSTERDECK_NO_CACHE=1`` (``build --no-cache``) neither reads nor writes it.

Light: the standard library only (a no-op build imports it).
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

MAGIC = b"PDCACHE2"
HEAD = len(MAGIC) + 32  # the magic, then the SHA-256 of the kind, the key and the payload


def _digest(kind: str, k: str, payload: bytes) -> bytes:
    """What an entry starts with: its payload's checksum bound to its own kind and key, so that
    a valid entry moved under another name is not taken for that name's."""
    return hashlib.sha256(f"{kind}\0{k}\0".encode() + payload).digest()


def enabled() -> bool:
    return os.environ.get("POSTERDECK_NO_CACHE", "") in ("", "0")


def root() -> Path:
    own = os.environ.get("POSTERDECK_CACHE_DIR")
    if own:
        return Path(own)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "posterdeck"


def key(*parts: object) -> str:
    """A key from parts whose repr() says all a value depends on."""
    return hashlib.sha256("\0".join(repr(p) for p in parts).encode()).hexdigest()


def _path(kind: str, k: str) -> Path:
    return root() / kind / k[:2] / k


def get(kind: str, k: str) -> bytes | None:
    """The payload stored under ``k``, or None (not there, cache off, or failed its checksum:
    then it is deleted)."""
    if not enabled():
        return None
    path = _path(kind, k)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    payload = data[HEAD:]
    if data[:len(MAGIC)] != MAGIC or _digest(kind, k, payload) != data[len(MAGIC):HEAD]:
        try:  # cut short, corrupt or another entry's: made again by the caller
            path.unlink()
        except OSError:
            pass
        return None
    try:
        os.utime(path)  # used: the age prune keeps it
    except OSError:
        pass
    return payload


def put(kind: str, k: str, payload: bytes) -> None:
    """Store ``payload`` under ``k``, whole or not at all (output.write_atomic, the one writer of
    whole files; not flushed to disk: a crash may leave an entry cut short, and get() then finds
    that it fails its checksum); a cache that cannot be written is no error (only slower)."""
    if not enabled():
        return
    from posterdeck.output import write_atomic

    try:
        write_atomic(_path(kind, k), MAGIC + _digest(kind, k, payload) + payload, durable=False)
    except OSError:
        pass


def stamp(kind: str, k: str) -> tuple[int, int] | None:
    """Which version of the entry ``k`` is on disk (its file's inode and size; put() writes a new
    file): an entry read, changed and written back by one process can see whether another wrote it
    in between. None when there is none."""
    try:
        st = _path(kind, k).stat()
    except OSError:
        return None
    return st.st_ino, st.st_size


def prune(max_bytes: int | None = None, max_age_days: float | None = None) -> int:
    """Delete entries unused for ``max_age_days``, then the least recently used ones until the
    cache holds at most ``max_bytes``. Returns the number of files deleted."""
    if not enabled():
        return 0
    if max_bytes is None:
        max_bytes = int(float(os.environ.get("POSTERDECK_CACHE_MB", "500")) * 1024 * 1024)
    if max_age_days is None:
        max_age_days = float(os.environ.get("POSTERDECK_CACHE_DAYS", "30"))
    base = root()
    entries = []
    now = time.time()
    try:
        for dirpath, _, names in os.walk(base):
            for name in names:
                p = os.path.join(dirpath, name)
                try:
                    st = os.stat(p)
                except OSError:
                    continue
                # a temporary file of write_atomic that a killed build left
                stale_part = _temporary(name) and now - st.st_mtime > 3600
                entries.append((st.st_mtime, st.st_size, p, stale_part))
    except OSError:
        return 0
    entries.sort()
    total = sum(e[1] for e in entries)
    removed = 0
    for mtime, size, p, stale_part in entries:
        if stale_part or now - mtime > max_age_days * 86400 or total > max_bytes:
            try:
                os.unlink(p)
                removed += 1
                total -= size
            except OSError:
                pass
    return removed


def _temporary(name: str) -> bool:
    """Whether ``name`` is a file being written (write_atomic's ``.NAME.XXXX.tmp``), not an entry."""
    return (name.startswith(".") and name.endswith(".tmp")) or name.endswith(".part")  # .part: older versions


def file_hash(path: str) -> str:
    """The SHA-256 of a file's content (once per process per file version)."""
    from posterdeck.manifest import _sha

    return _sha(Path(path))
