#!/usr/bin/env python3
"""posterdeck benchmark: prints wall time and peak memory for the build scenarios of issue 6
(bench/workload.py: the multi-language and multi-deck workload of issue 14).

    .venv/bin/python bench/run.py          (from the project folder; takes about two minutes)

Scenarios, each run three times (the median is shown): a cold build of one target (print and
screen poster, PPTX and PDF deck); batches of 5 and 20 targets (synthetic extra markets, all in
English) and the demo's six targets in five languages; a no-op rebuild; a rebuild after one number changed; and, once, a hand-written reportlab +
python-pptx + matplotlib script doing comparable work. Peak memory is that of the whole process
tree (workers and chart helper included).
Targets (2-core machine): cold target < 1.5 s, each extra target in a batch < 0.3 s, no-op
< 0.2 s, peak memory < 400 MB. Not a test: nothing fails, it prints figures to compare.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
MEASURE = [PY, str(ROOT / "bench" / "measure.py")]
REPEAT = 3
REGIONS = [("AT", "AUT"), ("BE", "BEL"), ("CH", "CHE"), ("DK", "DNK"), ("ES", "ESP"), ("FI", "FIN"),
           ("IE", "IRL"), ("IT", "ITA"), ("LU", "LUX"), ("NO", "NOR"), ("PL", "POL"), ("PT", "PRT"),
           ("SE", "SWE"), ("CZ", "CZE"), ("HU", "HUN"), ("RO", "ROU"), ("SK", "SVK"), ("SI", "SVN"),
           ("HR", "HRV"), ("BG", "BGR")]


def measure(cmd: list[str], cwd: Path, memory: bool = False, cache: str | None = None) -> dict:
    env = {**os.environ, "POSTERDECK_CACHE_DIR": cache or tempfile.mkdtemp(prefix="posterdeck-bench-cache-")}
    res = subprocess.run(MEASURE + (["--memory"] if memory else []) + cmd, capture_output=True, text=True, cwd=cwd,
                         env=env)
    data = json.loads(res.stdout.strip().splitlines()[-1])
    if data["rc"] != 0:  # a failed build's time means nothing: say so loudly
        print(f"  command failed: {' '.join(cmd)}\n{data['err']}", file=sys.stderr)
    return data


def project(tmp: Path, n_targets: int) -> Path:
    """A copy of the project whose demo deck has n targets (en-NL plus synthetic English markets)."""
    dest = tmp / f"p{n_targets}"
    shutil.copytree(ROOT / "data" / "shared", dest / "data" / "shared")  # the demo deck only: the
    shutil.copytree(ROOT / "data" / "inovate-salvage", dest / "data" / "inovate-salvage")  # others
    shutil.copytree(ROOT / "layouts", dest / "layouts")  # would add their targets to every build
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


_SHARED_CACHE = tempfile.mkdtemp(prefix="posterdeck-bench-cache-")


def build(cwd: Path, *extra: str, memory: bool = False) -> dict:
    """A --force build starts with an empty cache (drawn charts, hyphenation patterns): it is
    cold; the others (no-op, one number changed) keep the cache of the builds before them."""
    cache = None if "--force" in extra else _SHARED_CACHE
    return measure([str(ROOT / ".venv" / "bin" / "posterdeck"), "build", "-q", "--out", "out", *extra], cwd, memory,
                   cache)


def median(runs: list[dict], memory: dict | None = None) -> dict:
    """The median wall time (the machine is shared: one run can be slow for no reason), with the
    peak memory of a run of its own (sampling the memory takes CPU from the build)."""
    run = dict(sorted(runs, key=lambda r: r["wall"])[len(runs) // 2])
    run["peak_mb"] = memory["peak_mb"] if memory else float("nan")
    run["rc"] = max(r["rc"] for r in runs + ([memory] if memory else []))
    return run


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="posterdeck-bench-") as t:
        tmp = Path(t)
        one = project(tmp, 1)
        cold = median([build(one, "--force") for _ in range(REPEAT)], build(one, "--force", memory=True))
        rows.append(("cold build, 1 target (4 files)", cold, "< 1.5 s"))
        rows.append(("no-op rebuild, 1 target", median([build(one) for _ in range(REPEAT)], build(one, memory=True)),
                     "< 0.2 s"))
        study = one / "data" / "inovate-salvage" / "study.yaml"
        changed = []
        for n, pct in ((59, "53.2"), (60, "54.1"), (61, "55.0"), (58, "52.3")):  # one count, anew each run
            text = study.read_text(encoding="utf-8")
            text = re.sub(r'\{n: \d+, N: ino_s1, pct: [\d.]+(?=, label: "HSCT, BESPONSA S1")',
                          f"{{n: {n}, N: ino_s1, pct: {pct}", text)
            study.write_text(text, encoding="utf-8")
            changed.append(build(one, memory=len(changed) == REPEAT))
        rows.append(("rebuild after one number changed", median(changed[:REPEAT], changed[REPEAT]), "< 1.5 s"))
        batches = {}
        for n in (5, 20):
            p = project(tmp, n)
            batches[n] = median([build(p, "--force") for _ in range(REPEAT)], build(p, "--force", memory=True))
            per = (batches[n]["wall"] - cold["wall"]) / (n - 1)
            rows.append((f"batch of {n} targets (2 workers)", batches[n],
                         f"{per:.2f} s per target beyond the cold one (< 0.3 s)"))
            rows.append((f"no-op rebuild, {n} targets", median([build(p) for _ in range(REPEAT)], build(p, memory=True)),
                         "< 0.2 s"))
        slope = (batches[20]["wall"] - batches[5]["wall"]) / 15
        demo = tmp / "demo"  # the demo deck as it is: six targets in five languages
        shutil.copytree(ROOT / "data", demo / "data")
        shutil.copytree(ROOT / "layouts", demo / "layouts")
        shutil.rmtree(demo / "data" / "aurora-fictional")
        shutil.rmtree(demo / "data" / "dapa-hf")  # its two targets are not the demo deck's six
        six = median([build(demo, "--force") for _ in range(REPEAT)], build(demo, "--force", memory=True))
        rows.append(("demo deck: 6 targets in 5 languages (2 workers)", six,
                     f"{(six['wall'] - cold['wall']) / 5:.2f} s per target beyond the cold one"))
        peer = measure([PY, str(ROOT / "bench" / "baseline.py"), str(tmp / "baseline")], tmp)
        peer["peak_mb"] = measure([PY, str(ROOT / "bench" / "baseline.py"), str(tmp / "baseline")], tmp, True)["peak_mb"]
        rows.append(("peer: hand-written reportlab + python-pptx script, 1 target", peer, "(reference)"))
    print(f"\nposterdeck benchmark on {os.cpu_count()} cores (median of {REPEAT} runs; memory: whole process tree)\n")
    print(f"{'scenario':<62} {'wall (s)':>9} {'peak (MB)':>10}  target")
    print("-" * 120)
    for name, data, target in rows:
        if data["rc"] != 0:
            target = "FAILED: see the error above"
        print(f"{name:<62} {data['wall']:>9.2f} {data['peak_mb']:>10.0f}  {target}")
    print(f"\ncost of one more target in a batch (batch of 20 minus batch of 5, over 15): {slope:.2f} s")


if __name__ == "__main__":
    main()
