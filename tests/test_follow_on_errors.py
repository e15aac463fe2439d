"""A result with an error of its own is said once: a table cell that names it gives no second
error claiming the path names no value (a README-only audit found that follow-on)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import copy_project

DAPA = Path(__file__).resolve().parents[1] / "data" / "dapa-hf"


def test_an_estimate_outside_its_ci_named_by_a_table_is_one_error(tmp_path):
    study = copy_project(tmp_path, DAPA) / "study.yaml"
    text = study.read_text(encoding="utf-8")
    bad = "hr: {value: 0.95, ci: [0.65, 0.85], unit: ratio}"
    study.write_text(text.replace("hr: {value: 0.74, ci: [0.65, 0.85], unit: ratio}", bad, 1), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "posterdeck", "check", "data/dapa-hf"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode != 0
    assert "lies outside its CI" in res.stderr, res.stderr
    assert "results.primary.hr" not in res.stderr or "names no value" not in res.stderr, res.stderr
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "value: 0.74, ci: [0.65, 0.85]" in ln)
    assert f"study.yaml:{line}" in res.stderr, res.stderr
