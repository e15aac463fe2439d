"""The command line: `posterdeck build` / `posterdeck check`, exit statuses 0 / 1 / 2, messages."""
from __future__ import annotations

import shutil

from conftest import DECK, TARGET, error_lines, run_cli
from posterdeck import __version__


def test_help_and_version():
    res = run_cli("--help")
    assert res.returncode == 0
    assert "build" in res.stdout and "check" in res.stdout
    res = run_cli("--version")
    assert res.returncode == 0 and __version__ in res.stdout
    res = run_cli("build", "--help")
    assert res.returncode == 0 and "--target" in res.stdout and "--out" in res.stdout


def test_check_the_demo_is_ok():
    res = run_cli("check", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    assert f"{DECK}: ok" in res.stdout
    res = run_cli("check", "--strict", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    assert "0 warning(s)" in res.stdout


def test_check_finds_the_decks_under_data_and_writes_nothing(project_copy):
    res = project_copy.cli("check")
    assert res.returncode == 0, res.stderr
    assert f"{DECK}: ok" in res.stdout
    assert not (project_copy.root / "output").exists()


def test_check_reports_lint_warnings_and_strict_fails_on_them(project_copy):
    line = project_copy.replace(f"data/{DECK}/content.yaml", "Monitor closely for toxicities post-HSCT",
                                "Monitor closely for XYZ toxicities post-HSCT")
    res = project_copy.cli("check", f"data/{DECK}")
    assert res.returncode == 0, res.stderr
    warnings = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    lint = [w for w in warnings if "looks like an abbreviation" in w]
    assert len(lint) == 1
    assert "'XYZ'" in lint[0] and f"content.yaml:{line}" in lint[0]
    # the changed text no longer matches its translations: check says so, as build does (once a language)
    fallback = [w for w in warnings if w not in lint]
    assert len(fallback) == 4 and all(f"content.yaml:{line}" in w and "translation" in w for w in fallback), warnings
    strict = project_copy.cli("check", "--strict", f"data/{DECK}")
    assert strict.returncode == 1


def test_check_of_a_broken_deck_exits_1(project_copy):
    project_copy.replace(f"data/{DECK}/study.yaml", "{n: 87, N: ino_s1, pct: 78.4,", "{n: 87, N: ino_s1, pct: 78.9,")
    res = project_copy.cli("check", f"data/{DECK}")
    assert res.returncode == 1
    assert len(error_lines(res.stderr)) == 1
    assert "study.yaml:" in res.stderr and "Traceback" not in res.stderr


def test_folder_that_is_not_a_deck_is_a_usage_error(tmp_path):
    res = run_cli("build", str(tmp_path), "--out", str(tmp_path / "out"))
    assert res.returncode == 2
    assert "not a deck folder" in res.stderr and "hint:" in res.stderr
    assert not (tmp_path / "out").exists()


def test_target_the_deck_does_not_declare_is_a_usage_error(tmp_path, deck_yaml):
    undeclared = next(t for t in ("it-IT", "es-ES", "pt-PT", "sv-SE") if t not in deck_yaml["deck"]["targets"])
    res = run_cli("build", f"data/{DECK}", "--target", undeclared, "--out", str(tmp_path))
    assert res.returncode == 2
    assert undeclared in res.stderr and TARGET in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_option_is_a_usage_error():
    res = run_cli("build", "--bogus")
    assert res.returncode == 2
    assert "Traceback" not in res.stderr


def test_no_decks_under_data_is_a_usage_error(tmp_path):
    res = run_cli("check", cwd=tmp_path)
    assert res.returncode == 2
    assert "hint:" in res.stderr


def test_a_broken_deck_does_not_stop_a_good_one(project_copy):
    """build with no DECKS builds every deck under data/: the good one is written, the broken one not."""
    shutil.copytree(project_copy.deck, project_copy.root / "data" / "good-deck")
    project_copy.replace(f"data/{DECK}/content.yaml", "infection and VOD[@smpc]", "infection and VOD[@smpcx]")
    res = project_copy.cli("build", "--target", TARGET, "--out", str(project_copy.out), "-q")
    assert res.returncode == 1
    assert len(error_lines(res.stderr)) == 1
    written = {p.relative_to(project_copy.out).as_posix() for p in project_copy.written()}
    assert {f"good-deck/{TARGET}/{f}" for f in ("poster.pdf", "deck.pptx", "deck.pdf")} <= written
    assert not (project_copy.out / DECK).exists()
    assert all(w.startswith(f"good-deck/{TARGET}/") for w in written)


def test_require_tool_skips_locally_and_fails_on_ci(monkeypatch):
    import pytest

    import conftest

    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        conftest.require_tool("pdftotext")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        conftest.require_tool("pdftotext")
    monkeypatch.setattr(conftest.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert conftest.require_tool("pdftotext") == "/usr/bin/pdftotext"


def test_require_approved_reaches_the_worker_processes(project_copy):
    """The build's options travel to the workers in one object (cli.Options): with two targets
    (the first built in the build process, the second in a worker), --require-approved fails
    both while nothing is approved, and the same build without it writes both."""
    targets = ["--target", "en-GB", "--target", "en-NL", "--jobs", "2", "--out", str(project_copy.out)]
    res = project_copy.cli("build", f"data/{DECK}", *targets, "--require-approved")
    assert res.returncode == 1
    assert "approvals.yaml" in res.stderr
    assert f"2 target(s) failed, nothing written for them: {DECK} en-GB, {DECK} en-NL" in res.stderr
    for tag in ("en-GB", "en-NL"):
        assert not (project_copy.out / DECK / tag).exists()
    res = project_copy.cli("build", f"data/{DECK}", *targets)
    assert res.returncode == 0, res.stderr
    for tag in ("en-GB", "en-NL"):
        assert (project_copy.out / DECK / tag / "deck.pptx").is_file()
