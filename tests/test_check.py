"""posterdeck check: quick by default (validate, lint, resolve), --fit also lays out every page."""
from __future__ import annotations

import subprocess
import sys

from conftest import DECK, ROOT


def test_check_is_quick_and_imports_no_drawing_or_survival_library():
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "posterdeck", "check"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-800:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.splitlines()
                if line.startswith("import time:")}
    for heavy in ("matplotlib", "pptx", "pikepdf", "lifelines", "pandas"):
        assert heavy not in imported, f"check imported {heavy}"


def test_check_fit_finds_an_overflow_that_plain_check_does_not(project_copy):
    rel = f"data/{DECK}/content.yaml"
    path = project_copy.root / rel
    text = path.read_text(encoding="utf-8")
    long = " ".join(["This sentence makes the Rationale slide far too long for its page."] * 120)
    text = text.replace('    tab: Rationale\n', f'    tab: Rationale\n    notes: ["{long}"]\n', 1)
    path.write_text(text, encoding="utf-8")
    quick = project_copy.cli("check", f"data/{DECK}")
    assert quick.returncode == 0, quick.stderr
    fit = project_copy.cli("check", "--fit", f"data/{DECK}")
    assert fit.returncode == 1
    assert "overflow" in fit.stderr
    assert "rationale" in fit.stderr.lower()  # the page named (slide 2 (rationale) or the poster column)
    assert "Traceback" not in fit.stderr


def test_check_strict_with_warnings_says_failed_not_ok(project_copy):
    """--strict turns warnings into a failure: the summary line must not say 'ok' while exiting 1."""
    deck = f"data/{DECK}"
    text = project_copy.path(f"{deck}/deck.yaml").read_text(encoding="utf-8")
    project_copy.replace(f"{deck}/deck.yaml", text[text.index("targets: ["):].split("\n")[0], "targets: [en-NL]")
    project_copy.replace(f"{deck}/content.yaml", "CR/CRi and OS were the two primary endpoints",
                         "CR/CRi and OS (XYZQ) were the two primary endpoints")
    res = project_copy.cli("check", "--strict", deck)
    assert res.returncode == 1, res.stderr
    assert "XYZQ" in res.stderr and f"{DECK}: failed (--strict" in res.stderr
    assert f"{DECK}: ok" not in res.stdout + res.stderr
