"""Writing outputs so that a reader, a failed build or a killed build never sees a mix.

- ``write_atomic``: one file appears complete or not at all (a temporary file, renamed into place);
  flushed to disk before the rename unless the caller checks what it reads (``durable=False``).
- ``publish``: a target's files are replaced together or not at all. The new set is written into
  a staging folder beside the target folder (``<target>.posterdeck-staging-<pid>``) with the
  manifest last, flushed to disk, then swapped in: the old folder is renamed aside
  (``<target>.posterdeck-old``), the staging folder renamed into place, the old one removed. Every
  folder removed is first renamed to ``<target>.posterdeck-trash-<pid>``, so that a removal cut
  short never leaves a half-deleted set under a name that counts.
- ``recover``: run at the start of every build, before anything is decided from the manifests. It
  finishes or rolls back a swap a killed build left behind and removes what killed builds left
  (staging folders without a complete manifest, trash, ``.*.tmp`` files of atomic writes). It only
  lists folders when there is nothing to do, so a build with nothing to rebuild touches no file.

The target folder belongs to posterdeck: a build replaces it whole, so files put there by hand
are removed with the old set.

An ``OSError`` while writing (read-only file system, full disk, a file where a folder should be)
becomes an ``OutputError`` that names the path and says what to do; the previous outputs stay.
Light: no heavy imports (a no-op build runs ``recover``).
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from pathlib import Path

from posterdeck.errors import Location, OutputError

MANIFEST = ".posterdeck-manifest.json"
STAGING = ".posterdeck-staging-"
OLD = ".posterdeck-old"
TRASH = ".posterdeck-trash-"
STALE_AFTER = 6 * 3600.0  # seconds: a staging folder this old is stale even if its pid is in use again


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``path`` whole or not at all: other processes see the old file or the new one.
    ``durable``: the data is on disk before the rename, so that a power loss leaves the old file
    or the new one too; without it (a cache entry, whose checksum is checked at every read) a power
    loss may leave an empty or cut entry, which its reader finds and makes again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------ errors

_HINTS = {
    errno.EROFS: "the folder is on a read-only file system: choose another output folder with --out",
    errno.ENOSPC: "the disk is full: free some space or choose another output folder with --out",
    errno.EDQUOT: "the disk quota is used up: free some space or choose another output folder with --out",
    errno.EACCES: "you may not write there: change its permissions or choose another output folder with --out",
    errno.EPERM: "you may not write there: change its permissions or choose another output folder with --out",
    errno.ENOTDIR: "a file stands where a folder should be: move it away or choose another output folder with --out",
    errno.EEXIST: "a file stands where a folder should be: move it away or choose another output folder with --out",
    errno.EISDIR: "a folder stands where a file should be: move it away or choose another output folder with --out",
}


def output_error(exc: OSError, path: Path, doing: str = "cannot write") -> OutputError:
    """An OutputError for an OSError met while writing ``path``. The file the OSError names is the
    more precise place, unless it is one of posterdeck's own staging or old folders."""
    named = exc.filename if isinstance(exc.filename, str) else ""
    where = named if named and ".posterdeck-" not in named else str(path)
    reason = exc.strerror or str(exc)
    return OutputError(f"{doing}: {reason}", Location(file=where),
                       hint=_HINTS.get(exc.errno, "check the output folder (--out)") +
                       "; the previous outputs were left as they were")


def check_folder(out: Path) -> None:
    """``out`` can be an output folder: it is one, or it can be created (its nearest existing
    ancestor is a folder). Else an OutputError naming what is in the way."""
    import stat

    for path in (out, *out.parents):
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError):  # not there, or a file above it: look higher
            continue
        except OSError as exc:  # ELOOP, EACCES ...
            raise output_error(exc, path, "cannot use the output folder") from None
        if stat.S_ISDIR(st.st_mode):
            return
        kind = "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "a file"
        what = (f"the output folder (--out) is {kind}, not a folder" if path == out else
                f"{kind}, not a folder, stands in the path of the output folder (--out {out})")
        raise OutputError(what, Location(file=str(path)),
                          hint="give --out a folder (it is created if missing), not a file or a device")


# ------------------------------------------------------------------------------------ one set

def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # not possible on every platform (Windows): the renames are still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o644)


def _write_all(folder: Path, files: dict[str, bytes]) -> None:
    """_write() of each of ``files`` into ``folder``: written one after the other, then flushed to
    disk together, each in a thread of its own (the file system commits them in one go, where one
    flush after the other waits for a commit each: 5 files took 18 ms so on a busy disk, 5 ms
    together). Every file is on disk when this returns, as with _write()."""
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import ExitStack

    with ExitStack() as stack:  # every file closed, whatever fails
        handles = []
        for name, data in files.items():
            fh = stack.enter_context(open(folder / name, "wb"))
            handles.append(fh)
            fh.write(data)
            fh.flush()
        try:
            if len(handles) < 2:
                raise RuntimeError("one file: no thread needed")
            with ThreadPoolExecutor(min(len(handles), 8)) as pool:  # made here: a pool does not survive a fork
                for _ in pool.map(lambda fh: os.fsync(fh.fileno()), handles):
                    pass
        except RuntimeError:  # no thread could start (a container's process limit): one after the other
            for fh in handles:
                os.fsync(fh.fileno())
    for name in files:
        os.chmod(folder / name, 0o644)


def _remove(path: Path) -> None:
    """Remove a folder (or a file, or a link) for good: renamed to a trash name first, so that a
    removal cut short leaves nothing a later build would take for a set."""
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_dir():
        path.unlink()
        return
    if TRASH not in path.name:
        trash = path.with_name(f"{path.name.split('.posterdeck-')[0]}{TRASH}{os.getpid()}")
        if os.path.lexists(trash):
            shutil.rmtree(trash, ignore_errors=True)
        os.rename(path, trash)
        path = trash
    shutil.rmtree(path, ignore_errors=True)


def publish(folder: Path, files: dict[str, bytes], manifest: bytes) -> list[Path]:
    """Replace the target folder ``folder`` by a folder holding exactly ``files`` and the manifest,
    all at once. Returns the paths of the files (manifest excluded)."""
    parent = folder.parent
    staging = parent / f"{folder.name}{STAGING}{os.getpid()}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(folder) and not folder.is_dir():
            raise OSError(errno.ENOTDIR, "a file stands where the target folder should be", str(folder))
        if os.path.lexists(staging):  # this process's own, from a build that failed earlier
            _remove(staging)
        staging.mkdir()
        _write_all(staging, files)
        # the manifest last, and whole or not at all: a staging folder with a manifest that reads
        # and whose hashes hold is a complete set
        _write(staging / f".{MANIFEST}.tmp", manifest)
        os.rename(staging / f".{MANIFEST}.tmp", staging / MANIFEST)
        _fsync_dir(staging)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)  # frees the space a full disk needs back
        raise output_error(exc, folder) from None
    _swap(staging, folder)
    return [folder / name for name in files]


def _swap(staging: Path, folder: Path) -> None:
    old = folder.with_name(folder.name + OLD)
    try:
        if os.path.lexists(old):  # left by a swap cut short after its new set was in place
            _remove(old)
        had_old = os.path.lexists(folder)
        if had_old:
            os.rename(folder, old)
        try:
            os.rename(staging, folder)
        except OSError:
            if had_old:
                os.rename(old, folder)  # put the previous set back
            raise
        _fsync_dir(folder.parent)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise output_error(exc, folder) from None
    try:
        _remove(old)
    except OSError:  # the new set is in place; the next build removes what is left
        pass


# ------------------------------------------------------------------------------------ recovery

def complete(folder: Path) -> bool:
    """``folder`` holds a complete set: its manifest reads, and every output it lists is there
    with the hash it records."""
    import hashlib

    try:
        saved = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        outputs = saved.get("outputs") if isinstance(saved, dict) else None
        if not isinstance(outputs, dict) or not outputs:
            return False
        for name, digest in outputs.items():
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
                return False
    except (OSError, ValueError, TypeError, AttributeError):
        return False
    return True


def _alive(pid: int) -> bool:
    """A process ``pid`` runs (a zombie, or this very process, does not count: recovery runs
    before this process stages anything)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _in_progress(staging: Path) -> bool:
    """A staging folder another running build is writing."""
    import time

    try:
        pid = int(staging.name.rsplit(STAGING, 1)[1])
        age = time.time() - staging.stat().st_mtime
    except (ValueError, OSError):
        return False
    return age < STALE_AFTER and _alive(pid)


def recover(deck_out: Path) -> list[str]:
    """Finish or roll back what killed builds left in ``deck_out`` (``out/<deck>``), for every
    target; return what was done (one line each). An OSError becomes an OutputError."""
    try:
        names = os.listdir(deck_out)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise output_error(exc, deck_out, "cannot read the output folder") from None
    done: list[str] = []
    try:
        tags = {n.split(".posterdeck-")[0] for n in names if ".posterdeck-" in n}
        for tag in sorted(tags):
            done += _recover_target(deck_out, tag, [n for n in names if n.startswith(tag + ".posterdeck-")])
        for name in names:
            if ".posterdeck-" not in name and not name.startswith("."):
                done += _remove_temporaries(deck_out / name)
    except OSError as exc:
        raise output_error(exc, deck_out, "cannot repair what an interrupted build left") from None
    return done


def _recover_target(deck_out: Path, tag: str, names: list[str]) -> list[str]:
    folder = deck_out / tag
    done = []
    for name in names:
        if TRASH in name:
            _remove(deck_out / name)
            done.append(f"removed {name}")
    stagings = sorted((deck_out / n for n in names if STAGING in n), key=lambda p: p.stat().st_mtime_ns)
    ready = None
    for staging in stagings:
        if _in_progress(staging):
            continue
        if complete(staging):
            if ready is not None:
                _remove(ready)  # an earlier complete set: the later one wins
            ready = staging
        else:
            _remove(staging)
            done.append(f"removed {staging.name} (an unfinished build)")
    old = deck_out / (tag + OLD)
    if os.path.lexists(old) and not os.path.lexists(folder) and ready is None:
        os.rename(old, folder)  # the swap was cut between its two renames: the previous set returns
        done.append(f"restored {tag} from {old.name}")
    if ready is not None:
        _swap(ready, folder)
        done.append(f"finished {tag} from {ready.name}")
    elif os.path.lexists(old):
        _remove(old)
        done.append(f"removed {old.name}")
    return done


def _remove_temporaries(folder: Path) -> list[str]:
    """The ``.<name>.<random>.tmp`` files of atomic writes a killed build left in a target folder."""
    try:
        names = os.listdir(folder)
    except (NotADirectoryError, FileNotFoundError):
        return []
    done = []
    for name in names:
        if name.startswith(".") and name.endswith(".tmp"):
            (folder / name).unlink(missing_ok=True)
            done.append(f"removed {folder.name}/{name}")
    return done
