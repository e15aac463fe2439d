"""One consistent set per target, and outputs that cannot be written (issue #12, points 4 and 5).

- output.publish replaces a target's files together or not at all; a build killed at ANY step of
  it (each file system call in turn) leaves, after the next build's recovery, exactly the old set
  or exactly the new one, and nothing else;
- a build killed (SIGKILL) at random moments never leaves a target folder whose files come from
  two builds, and the next build succeeds, cleans up and writes the right set;
- a read-only file system, a full disk, an output folder that is a file or /dev/null: exit status
  of the output family (errors.OutputError), the path named, a hint, the previous outputs intact.
"""
from __future__ import annotations

import builtins
import errno
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DECK, TARGET, ProjectCopy, error_lines

from posterdeck import cli, manifest, output
from posterdeck.errors import OutputError

STUDY = f"data/{DECK}/study.yaml"
OLD_VALUE = "sc_s1: {value: 8.9, ci: [4.1, 15.8]"
NEW_VALUE = "sc_s1: {value: 9.1, ci: [4.1, 15.8]"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digests(folder: Path) -> dict[str, str]:
    """Every file of a folder tree (hidden ones included): relative path -> sha256."""
    return {p.relative_to(folder).as_posix(): sha(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def one_set(folder: Path) -> dict[str, str]:
    """The outputs of a target folder (manifest excluded), after asserting that they are exactly
    the files its manifest lists, with its hashes: all from the one build that wrote it."""
    saved = json.loads((folder / output.MANIFEST).read_text(encoding="utf-8"))
    files = {p.name: sha(p.read_bytes()) for p in folder.iterdir() if p.name != output.MANIFEST}
    assert files == saved["outputs"], f"{folder}: files {files} differ from the manifest {saved['outputs']}"
    return files


# =============================================================================================
# output.publish and output.recover, with a crash at every step
# =============================================================================================

OLD_SET = {"poster.pdf": b"old poster", "poster-screen.pdf": b"old screen", "deck.pptx": b"old pptx",
           "deck.pdf": b"old deck"}
NEW_SET = {"poster.pdf": b"new poster", "deck.pptx": b"new pptx", "deck.pdf": b"new deck"}  # one fewer


def put(folder: Path, files: dict[str, bytes], key: str) -> None:
    output.publish(folder, files, manifest.content({"key": key}, files))


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != output.MANIFEST}


class Killed(BaseException):
    """The process dies here: no except clause of posterdeck's runs (they catch OSError)."""


class Crash:
    """Counts the file system calls that change something (os.rename, os.mkdir, os.unlink,
    os.rmdir, os.fsync, os.chmod, opening a file for writing) and dies at call number ``at``."""

    CALLS = ("rename", "mkdir", "unlink", "rmdir", "fsync", "chmod")

    def __init__(self, monkeypatch, at: int):
        self.at, self.count, self.monkeypatch = at, 0, monkeypatch
        for name in self.CALLS:
            monkeypatch.setattr(os, name, self._wrap(getattr(os, name)))
        real_open = builtins.open

        def opener(file, mode="r", *args, **kwargs):
            if any(c in mode for c in "wax+"):
                self._tick()
            return real_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(output, "open", opener, raising=False)

    def _tick(self) -> None:
        self.count += 1
        if self.count == self.at:
            raise Killed()

    def _wrap(self, real):
        def call(*args, **kwargs):
            self._tick()
            return real(*args, **kwargs)
        return call

    def stop(self) -> None:
        self.monkeypatch.undo()


def test_publish_replaces_the_set_and_removes_what_the_old_set_had_more(tmp_path):
    folder = tmp_path / DECK / TARGET
    put(folder, OLD_SET, "old")
    assert contents(folder) == OLD_SET
    put(folder, NEW_SET, "new")
    assert contents(folder) == NEW_SET
    assert one_set(folder) == {k: sha(v) for k, v in NEW_SET.items()}
    assert sorted(os.listdir(tmp_path / DECK)) == [TARGET]  # no staging, old or trash folder left
    assert (folder / "deck.pdf").stat().st_mode & 0o777 == 0o644


def test_a_crash_at_any_step_of_a_swap_leaves_one_set_after_recovery(tmp_path, monkeypatch):
    """Dies at the 1st, 2nd, ... file system call of publishing the new set, then at every call
    of the recovery that follows; a last recovery always ends with exactly the old or the new
    set, and nothing else in the deck's output folder."""
    seen = {"old": 0, "new": 0}
    at = 1
    while True:
        root = tmp_path / f"case{at}"
        folder = root / DECK / TARGET
        put(folder, OLD_SET, "old")
        crash = Crash(monkeypatch, at)
        try:
            put(folder, NEW_SET, "new")
            finished = True
        except Killed:
            finished = False
        finally:
            crash.stop()
        if finished:  # ``at`` is past the last call: every step has been cut once
            break
        # the recovery itself can be killed too: at each of its steps in turn
        for again in range(1, 40):
            copy = tmp_path / f"case{at}-{again}"
            shutil.copytree(root, copy, symlinks=True)
            crash = Crash(monkeypatch, again)
            try:
                output.recover(copy / DECK)
                cut = False
            except Killed:
                cut = True
            finally:
                crash.stop()
            output.recover(copy / DECK)
            got = contents(copy / DECK / TARGET)
            assert got in (OLD_SET, NEW_SET), (at, again, got)
            one_set(copy / DECK / TARGET)
            assert sorted(os.listdir(copy / DECK)) == [TARGET], (at, again, os.listdir(copy / DECK))
            shutil.rmtree(copy)
            if not cut:
                break
        output.recover(root / DECK)
        got = contents(folder)
        seen["old" if got == OLD_SET else "new"] += 1
        assert got in (OLD_SET, NEW_SET), (at, got)
        assert sorted(os.listdir(root / DECK)) == [TARGET], (at, os.listdir(root / DECK))
        at += 1
    assert at > 10, at  # the swap was cut at a good number of places
    assert seen["old"] and seen["new"], seen  # cut before the manifest: old; after it: new


def test_recovery_finishes_a_complete_staging_and_restores_an_old_folder(tmp_path):
    deck = tmp_path / DECK
    deck.mkdir()
    # a killed build: target renamed aside, the complete new set not yet in place
    put(deck / "en-GB", OLD_SET, "old")
    os.rename(deck / "en-GB", deck / f"en-GB{output.OLD}")
    staging = deck / f"en-GB{output.STAGING}999999999"
    staging.mkdir()
    for name, data in NEW_SET.items():
        (staging / name).write_bytes(data)
    (staging / output.MANIFEST).write_bytes(manifest.content({"key": "new"}, NEW_SET))
    # another: target renamed aside, its staging folder unfinished (no manifest)
    put(deck / "de-DE", OLD_SET, "old")
    os.rename(deck / "de-DE", deck / f"de-DE{output.OLD}")
    half = deck / f"de-DE{output.STAGING}999999998"
    half.mkdir()
    (half / "poster.pdf").write_bytes(b"half")
    # a third: a complete set in place, a temporary file of an old-style atomic write beside it
    put(deck / "fr-FR", OLD_SET, "old")
    (deck / "fr-FR" / ".deck.pdf.abc123.tmp").write_bytes(b"partial")
    (deck / f"fr-FR{output.TRASH}12").mkdir()
    done = output.recover(deck)
    assert sorted(os.listdir(deck)) == ["de-DE", "en-GB", "fr-FR"], done
    assert contents(deck / "en-GB") == NEW_SET
    assert contents(deck / "de-DE") == OLD_SET
    assert contents(deck / "fr-FR") == OLD_SET
    assert any("finished en-GB" in d for d in done) and any("restored de-DE" in d for d in done), done
    assert output.recover(deck) == []  # nothing left to do


def test_recovery_leaves_the_staging_folder_of_a_running_build(tmp_path):
    deck = tmp_path / DECK
    put(deck / TARGET, OLD_SET, "old")
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        staging = deck / f"{TARGET}{output.STAGING}{live.pid}"
        staging.mkdir()
        (staging / "poster.pdf").write_bytes(b"being written")
        output.recover(deck)
        assert staging.is_dir(), "the staging folder of a build that still runs was removed"
    finally:
        live.kill()
        live.wait()
    output.recover(deck)
    assert sorted(os.listdir(deck)) == [TARGET]


def test_a_staging_folder_with_a_manifest_that_lies_is_not_taken(tmp_path):
    deck = tmp_path / DECK
    put(deck / TARGET, OLD_SET, "old")
    staging = deck / f"{TARGET}{output.STAGING}999999997"
    staging.mkdir()
    for name, data in NEW_SET.items():
        (staging / name).write_bytes(data)
    (staging / "deck.pdf").write_bytes(b"new dec")  # cut short, while the manifest was written first
    (staging / output.MANIFEST).write_bytes(manifest.content({"key": "new"}, NEW_SET))
    output.recover(deck)
    assert contents(deck / TARGET) == OLD_SET
    assert sorted(os.listdir(deck)) == [TARGET]


# =============================================================================================
# outputs that cannot be written
# =============================================================================================

def fail_with(monkeypatch, code: int, on: str = "open"):
    """Writing a file (``open``) or renaming (``rename``) in posterdeck.output fails with ``code``."""
    real_open, real_rename = builtins.open, os.rename

    def opener(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            raise OSError(code, os.strerror(code), str(file))
        return real_open(file, mode, *args, **kwargs)

    def rename(src, dst, *args, **kwargs):
        if output.STAGING in str(src):  # the new set cannot be put in place
            raise OSError(code, os.strerror(code), str(src), None, str(dst))
        return real_rename(src, dst, *args, **kwargs)

    if on == "open":
        monkeypatch.setattr(output, "open", opener, raising=False)
    else:
        monkeypatch.setattr(os, "rename", rename)


@pytest.mark.parametrize("code, on, words", [
    (errno.EROFS, "open", "read-only file system"),
    (errno.ENOSPC, "open", "disk is full"),
    (errno.EACCES, "open", "may not write"),
    (errno.ENOSPC, "rename", "disk is full"),
    (errno.EROFS, "rename", "read-only file system"),
])
def test_publish_that_cannot_write_raises_an_output_error_and_keeps_the_old_set(tmp_path, monkeypatch, code, on,
                                                                                 words):
    folder = tmp_path / DECK / TARGET
    put(folder, OLD_SET, "old")
    before = digests(tmp_path)
    fail_with(monkeypatch, code, on)
    with pytest.raises(OutputError) as info:
        put(folder, NEW_SET, "new")
    monkeypatch.undo()
    err = info.value
    assert err.exit_code == OutputError.exit_code and err.exit_code not in (0, 1, 2, 3)
    assert str(tmp_path) in str(err), str(err)  # the path
    assert os.strerror(code) in str(err) and words in err.hint, str(err)
    assert "previous outputs" in err.hint
    assert digests(tmp_path) == before  # the old set, and nothing else (no staging left)


def built_copy(project: ProjectCopy, *extra: str) -> dict[str, str]:
    res = project.cli("build", f"data/{DECK}", "--target", TARGET, "--out", "out", "-q", *extra)
    assert res.returncode == 0, res.stderr
    return digests(project.out)


def invoke(project: ProjectCopy, *args: str):
    """posterdeck in this process (click's runner), from the project folder."""
    old = Path.cwd()
    os.chdir(project.root)
    try:
        return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> ProjectCopy:
    """A project copy with the demo target built once (tests copy its output folder)."""
    from conftest import DECK_DIR, LAYOUTS_DIR, SHARED_DIR

    root = tmp_path_factory.mktemp("built")
    (root / "data").mkdir()
    shutil.copytree(DECK_DIR, root / "data" / DECK)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    project = ProjectCopy(root)
    built_copy(project)
    return project


@pytest.mark.parametrize("code, words", [(errno.EROFS, "read-only"), (errno.ENOSPC, "disk is full")])
def test_build_that_cannot_write_exits_with_the_output_code_and_keeps_the_outputs(built, monkeypatch, code, words):
    before = digests(built.out)
    built.replace(STUDY, OLD_VALUE, NEW_VALUE)  # the target must be rebuilt
    try:
        fail_with(monkeypatch, code)
        res = invoke(built, "build", f"data/{DECK}", "--target", TARGET, "--out", "out", "-q", "-j", "1")
        monkeypatch.undo()
    finally:
        built.replace(STUDY, NEW_VALUE, OLD_VALUE)
    assert res.exit_code == OutputError.exit_code, res.output
    assert "Traceback" not in res.output
    errors = error_lines(res.output)
    assert len(errors) == 1 and errors[0].startswith(f"error: out/{DECK}/{TARGET}: "), res.output
    assert words in res.output and "hint:" in res.output
    assert digests(built.out) == before


@pytest.mark.parametrize("where", ["file", "devnull", "under a file"])
def test_an_output_folder_that_is_a_file_or_dev_null(built, tmp_path, where):
    if where == "file":
        out = tmp_path / "out.pdf"
        out.write_bytes(b"not a folder")
        named = out
    elif where == "devnull":
        out = named = Path(os.devnull)
    else:
        (tmp_path / "notes.txt").write_bytes(b"a file")
        out, named = tmp_path / "notes.txt" / "output", tmp_path / "notes.txt"
    res = invoke(built, "build", f"data/{DECK}", "--target", TARGET, "--out", str(out), "-q")
    assert res.exit_code == OutputError.exit_code, res.output
    assert "Traceback" not in res.output
    errors = error_lines(res.output)
    assert len(errors) == 1 and errors[0].startswith(f"error: {named}:"), res.output
    assert "--out" in res.output and "hint:" in res.output
    if where != "devnull":
        assert sorted(p.name for p in tmp_path.iterdir()) == [named.name]  # nothing written beside it


def test_a_file_where_the_target_folder_should_be(built, tmp_path):
    (tmp_path / DECK).mkdir()
    (tmp_path / DECK / TARGET).write_bytes(b"someone's file")
    res = invoke(built, "build", f"data/{DECK}", "--target", TARGET, "--out", str(tmp_path), "-q", "-j", "1")
    assert res.exit_code == OutputError.exit_code, res.output
    assert str(tmp_path / DECK / TARGET) in res.output and "hint:" in res.output
    assert (tmp_path / DECK / TARGET).read_bytes() == b"someone's file"
    assert sorted(os.listdir(tmp_path / DECK)) == [TARGET]


def _namespace() -> None:
    """Real read-only and full file systems need mounts, in a mount namespace of their own (they
    vanish with it); skip where that is not allowed."""
    if not sys.platform.startswith("linux") or not shutil.which("unshare"):
        pytest.skip("needs Linux mount namespaces (unshare)")
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"mounts are not allowed here: {probe.stderr.strip()}")


def in_namespace(project: ProjectCopy, script: str) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace, from the project folder."""
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          cwd=project.root, capture_output=True, text=True, timeout=300, env=env)


def posterdeck(*args: str) -> str:
    import shlex

    return " ".join(shlex.quote(a) for a in [sys.executable, "-m", "posterdeck", *args])


def test_a_read_only_file_system(built):
    _namespace()
    before = digests(built.out)
    read_only = f"mount --bind {built.out} {built.out} && mount -o remount,bind,ro {built.out}"
    build = posterdeck("build", f"data/{DECK}", "--target", TARGET, "--out", "out")
    built.replace(STUDY, OLD_VALUE, NEW_VALUE)
    try:
        res = in_namespace(built, f"{read_only} && {build} -q")
    finally:
        built.replace(STUDY, NEW_VALUE, OLD_VALUE)
    assert res.returncode == OutputError.exit_code, res.stderr
    assert "Traceback" not in res.stderr
    errors = error_lines(res.stderr)
    assert len(errors) == 1 and errors[0].startswith(f"error: out/{DECK}/{TARGET}: "), res.stderr
    assert "Read-only file system" in res.stderr and "hint:" in res.stderr, res.stderr
    assert digests(built.out) == before
    # a build with nothing to do still succeeds there: it writes nothing
    res = in_namespace(built, f"{read_only} && {build}")
    assert res.returncode == 0 and "up to date" in res.stderr, res.stderr


def test_a_full_disk(built, tmp_path):
    """A small file system that holds one set but not a second beside it."""
    _namespace()
    size = sum(p.stat().st_size for p in (built.out / DECK / TARGET).iterdir())
    disk = tmp_path / "disk"
    disk.mkdir()
    build = posterdeck("build", f"data/{DECK}", "--target", TARGET, "--out", str(disk), "-q")
    listing = f"(cd {disk} && find . -type f -exec sha256sum {{}} + | sort)"
    res = in_namespace(built, f"mount -t tmpfs -o size={size * 3 // 2 // 1024}k tmpfs {disk} && {build} && "
                              f"{listing} && echo --- && {build} --force; echo rc=$? && {listing}")
    first, _, rest = res.stdout.partition("---")
    rc, _, after = rest.strip().partition("\n")
    assert len(first.strip().splitlines()) == 5, res.stdout + res.stderr  # the first set fitted
    assert rc == f"rc={OutputError.exit_code}", res.stdout + res.stderr
    assert "No space left on device" in res.stderr and "disk is full" in res.stderr, res.stderr
    errors = error_lines(res.stderr)
    assert len(errors) == 1 and errors[0].startswith(f"error: {disk / DECK / TARGET}: "), res.stderr
    assert "Traceback" not in res.stderr
    assert after.strip() == first.strip()  # the first set, and nothing beside it


# =============================================================================================
# the next build cleans up; a no-op build touches nothing
# =============================================================================================

def test_the_next_build_removes_what_killed_builds_left_even_with_nothing_to_rebuild(built):
    deck = built.out / DECK
    before = digests(built.out)
    (deck / TARGET / ".poster.pdf.x1y2z3.tmp").write_bytes(b"partial")
    stale = deck / f"{TARGET}{output.STAGING}999999996"
    stale.mkdir()
    (stale / "deck.pptx").write_bytes(b"partial")
    res = built.cli("build", f"data/{DECK}", "--target", TARGET, "--out", "out")
    assert res.returncode == 0 and "up to date" in res.stderr, res.stderr
    assert digests(built.out) == before
    assert sorted(os.listdir(deck)) == [TARGET]


def test_a_noop_build_touches_no_output_file(built):
    deck = built.out / DECK / TARGET
    stamps = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in deck.iterdir()}
    folder_stamp = deck.stat().st_mtime_ns
    res = built.cli("build", f"data/{DECK}", "--target", TARGET, "--out", "out")
    assert res.returncode == 0 and "up to date" in res.stderr, res.stderr
    assert {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in deck.iterdir()} == stamps
    assert deck.stat().st_mtime_ns == folder_stamp


# =============================================================================================
# the kill test
# =============================================================================================

def test_builds_killed_at_random_moments_leave_each_target_one_set(project_copy):
    """Ten builds with changed input, each killed (SIGKILL, the whole process group: the build,
    its chart helper and workers) at a seeded random moment of its run, one process (--jobs 1)
    and the default (chart helper) in turn. After each kill the target folder holds exactly the
    set of one build (the reference set of the old or of the new input, as the manifest says);
    the next normal build succeeds, leaves nothing behind and writes the set of the input."""
    project = project_copy
    versions = {"old": OLD_VALUE, "new": NEW_VALUE}
    current = "old"

    def use(version: str) -> None:
        nonlocal current
        if version != current:
            project.replace(STUDY, versions[current], versions[version])
            current = version

    args = ["-m", "posterdeck", "build", f"data/{DECK}", "--target", TARGET, "-q"]
    env = dict(os.environ, NO_COLOR="1")
    refs, took = {}, []
    for version in ("old", "new"):  # the reference sets, built apart
        use(version)
        start = time.monotonic()
        res = subprocess.run([sys.executable, *args, "--out", f"ref-{version}"], cwd=project.root,
                             capture_output=True, text=True, timeout=300, env=env)
        took.append(time.monotonic() - start)
        assert res.returncode == 0, res.stderr
        refs[version] = one_set(project.root / f"ref-{version}" / DECK / TARGET)
    assert refs["old"]["deck.pptx"] != refs["new"]["deck.pptx"] and refs["old"]["poster.pdf"] != refs["new"]["poster.pdf"]

    rng = random.Random(20261129)
    folder = project.out / DECK / TARGET
    mixed, outcomes = [], []
    for i in range(10):
        use("new" if i % 2 == 0 else "old")
        jobs = ["-j", "1"] if i % 4 < 2 else []
        proc = subprocess.Popen([sys.executable, *args, "--out", "out", *jobs], cwd=project.root, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.05, max(took) * 1.2))
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        if folder.exists():
            got = one_set(folder)
            if got == refs[current]:
                outcomes.append("done")  # killed after its swap (or once it had finished)
            elif i and got == refs["old" if current == "new" else "new"]:
                outcomes.append("kept")  # killed before its swap: the previous set stays
            else:
                mixed.append((i, got))
        else:
            outcomes.append("none")  # the first build, killed before its swap
        # the next normal build: succeeds, leaves nothing behind, writes this input's set
        res = subprocess.run([sys.executable, *args, "--out", "out"], cwd=project.root, capture_output=True,
                             text=True, timeout=300, env=env)
        assert res.returncode == 0, res.stderr
        assert sorted(os.listdir(project.out / DECK)) == [TARGET], os.listdir(project.out / DECK)
        assert sorted(os.listdir(folder)) == sorted([*refs[current], output.MANIFEST])
        assert one_set(folder) == refs[current], f"kill {i}: the build after it wrote the wrong set"
    assert not mixed, f"target folders mixed from two builds: {mixed}"
    assert {"kept", "none"} & set(outcomes), outcomes  # some kills landed while a build was under way


def test_the_change_report_and_catalogues_that_cannot_be_written(built, tmp_path):
    """diff --out and i18n extract write with write_atomic: a file in the way is an OutputError."""
    blocker = tmp_path / "report"
    blocker.write_bytes(b"a file")
    res = invoke(built, "diff", f"data/{DECK}", f"data/{DECK}", "--out", str(blocker / "sub"), "--no-thumbnails")
    assert res.exit_code == OutputError.exit_code, res.output
    assert "Traceback" not in res.output and str(blocker) in res.output and "hint:" in res.output
    i18n = built.path(f"data/{DECK}/i18n")
    shutil.move(i18n, tmp_path / "i18n-saved")
    i18n.write_bytes(b"a file where the catalogues should be")
    try:
        res = invoke(built, "i18n", "extract", f"data/{DECK}")
    finally:
        i18n.unlink()
        shutil.move(tmp_path / "i18n-saved", i18n)
    assert res.exit_code == OutputError.exit_code, res.output
    assert "Traceback" not in res.output and "i18n" in res.output and "hint:" in res.output
