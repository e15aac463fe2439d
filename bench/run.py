#!/usr/bin/env python3
"""posterdeck benchmark: prints wall time and peak memory for the build scenarios of issue 6.

    .venv/bin/python bench/run.py          (from the project folder; takes about two minutes)

Scenarios: a cold build of one target (print and screen poster, PPTX and PDF deck); batches of
5 and 20 targets (synthetic extra markets); a no-op rebuild; a rebuild after one number changed;
and a hand-written reportlab + python-pptx + matplotlib script doing comparable work.
Targets (2-core machine): cold target < 1.5 s, each extra target in a batch < 0.3 s, no-op
< 0.2 s, peak memory < 400 MB. Not a test: nothing fails, it prints figures to compare.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
MEASURE = [PY, str(ROOT / "bench" / "measure.py")]
REGIONS = [("AT", "AUT"), ("BE", "BEL"), ("CH", "CHE"), ("DK", "DNK"), ("ES", "ESP"), ("FI", "FIN"),
           ("IE", "IRL"), ("IT", "ITA"), ("LU", "LUX"), ("NO", "NOR"), ("PL", "POL"), ("PT", "PRT"),
           ("SE", "SWE"), ("CZ", "CZE"), ("HU", "HUN"), ("RO", "ROU"), ("SK", "SVK"), ("SI", "SVN"),
           ("HR", "HRV"), ("BG", "BGR")]


def measure(cmd: list[str], cwd: Path) -> dict:
    res = subprocess.run(MEASURE + cmd, capture_output=True, text=True, cwd=cwd)
    data = json.loads(res.stdout.strip().splitlines()[-1])
    if data["rc"] != 0:
        print(f"  command failed: {' '.join(cmd)}\n{data['err']}", file=sys.stderr)
    return data


def project(tmp: Path, n_targets: int) -> Path:
    """A copy of the project whose demo deck has n targets (en-NL plus synthetic English markets)."""
    dest = tmp / f"p{n_targets}"
    shutil.copytree(ROOT / "data", dest / "data")
    shutil.copytree(ROOT / "layouts", dest / "layouts")
    shutil.rmtree(dest / "data" / "aurora-fictional")
    tags = ["en-NL"]
    for code, iso3 in REGIONS[: n_targets - 1]:
        (dest / "data" / "shared" / "markets" / f"{code}.yaml").write_text(
            f"market:\n  code: {code}\n  name: Market {code}\n  iso3: {iso3}\n  statements:\n"
            f"    - {{id: local, text: 'Synthetic market {code} for the benchmark.', placement: footer}}\n",
            encoding="utf-8")
        tags.append(f"en-{code}")
    deck = dest / "data" / "inovate-salvage" / "deck.yaml"
    text = deck.read_text(encoding="utf-8")
    start = text.index("  targets: [")
    end = text.index("]", start) + 1
    deck.write_text(text[:start] + f"  targets: [{', '.join(tags)}]" + text[end:], encoding="utf-8")
    return dest


def build(cwd: Path, *extra: str) -> dict:
    return measure([str(ROOT / ".venv" / "bin" / "posterdeck"), "build", "-q", "--out", "out", *extra], cwd)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="posterdeck-bench-") as t:
        tmp = Path(t)
        one = project(tmp, 1)
        cold = build(one, "--force", "-j", "1")
        rows.append(("cold build, 1 target (4 files)", cold, "< 1.5 s"))
        noop = build(one)
        rows.append(("no-op rebuild, 1 target", noop, "< 0.2 s"))
        study = one / "data" / "inovate-salvage" / "study.yaml"
        study.write_text(study.read_text(encoding="utf-8").replace("{n: 58, N: ino_s1, pct: 52.3",
                                                                    "{n: 59, N: ino_s1, pct: 53.2"), encoding="utf-8")
        rows.append(("rebuild after one number changed", build(one), "< 1.5 s"))
        for n in (5, 20):
            p = project(tmp, n)
            batch = build(p, "--force")
            per = (batch["wall"] - cold["wall"]) / (n - 1)
            rows.append((f"batch of {n} targets (2 workers)", batch, f"extra target {per:.2f} s (< 0.3 s)"))
            rows.append((f"no-op rebuild, {n} targets", build(p), "< 0.2 s"))
        peer = measure([PY, str(ROOT / "bench" / "baseline.py"), str(tmp / "baseline")], tmp)
        rows.append(("peer: hand-written reportlab + python-pptx script, 1 target", peer, "(reference)"))
    print(f"\nposterdeck benchmark on {os.cpu_count()} cores\n")
    print(f"{'scenario':<62} {'wall (s)':>9} {'peak (MB)':>10}  target")
    print("-" * 110)
    for name, data, target in rows:
        print(f"{name:<62} {data['wall']:>9.2f} {data['peak_mb']:>10.0f}  {target}")


if __name__ == "__main__":
    main()
