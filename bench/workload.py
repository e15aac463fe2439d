#!/usr/bin/env python3
"""posterdeck benchmark of a localization team's workload (issue 14): one deck in many languages,
and many decks, beside the hand-written reportlab + python-pptx + matplotlib script
(bench/baseline.py) measured in the same run, as ratios.

    python bench/workload.py [--repeat N]     (from the project folder; about five minutes)

Runs this checkout's sources (PYTHONPATH=src). Scenarios, each run --repeat times (default 3;
the median is shown; the machine is shared, so single runs vary):

- the hand-written script, one target (the reference of every ratio);
- one cold target (de-DE, all four files) with an empty cache; on a machine that built another
  deck in German before (its per-machine costs, the hyphenation index, are paid; this deck's
  charts and slides are not in the cache); and again with the cache a previous build of the same
  target left (hyphenation patterns, charts and slides, --force);
- the demo deck in 10 languages and 20 markets, cold (empty cache): en, nl, de, fr, el have the
  demo catalogues; es, it, pl, pt, sv get synthetic ones (another language's catalogue under
  their name, so each has its own text, hyphenation and number formats); the extra markets are
  synthetic market files. Its peak memory (whole process tree) is measured in a run of its own;
- the same 20-target batch rebuilt after one number of the study changed (warm cache);
- a batch of 5 decks, one target each: the three demo decks and two copies (the copies share
  their charts with their originals, so they are cheaper than a fifth real deck would be).

Goals (2-core machine): one cold target <= 0.6 x the script; each extra target of the
multi-language batch <= 0.3 x the script's one target; the rebuild after one number changed in
the 20-target batch <= 2 x one cold target; peak memory < 400 MB for the 20-target batch.
Not a test: nothing fails, it prints figures and ratios.
"""
from __future__ import annotations

import argparse
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
DEMO = ["en-NL", "en-GB", "nl-NL", "de-DE", "fr-FR", "el-GR"]
# 20 targets in 10 languages; AT..SE are synthetic markets
TARGETS = DEMO + ["en-IE", "nl-BE", "de-AT", "de-CH", "fr-BE", "fr-CH", "es-ES", "it-IT", "it-CH", "pl-PL",
                  "pt-PT", "sv-SE", "sv-FI", "en-DK"]
SYNTHETIC_PO = {"es": "de", "it": "fr", "pl": "nl", "pt": "fr", "sv": "de"}  # language <- catalogue copied
MARKETS = {"IE": "IRL", "BE": "BEL", "AT": "AUT", "CH": "CHE", "ES": "ESP", "IT": "ITA", "PL": "POL",
           "PT": "PRT", "SE": "SWE", "FI": "FIN", "DK": "DNK"}


def measure(cmd: list[str], cwd: Path, cache: Path, memory: bool = False) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "POSTERDECK_CACHE_DIR": str(cache), "CI": ""}
    res = subprocess.run(MEASURE + (["--memory"] if memory else []) + cmd, capture_output=True, text=True,
                         cwd=cwd, env=env)
    data = json.loads(res.stdout.strip().splitlines()[-1])
    if data["rc"] != 0:
        print(f"  command failed: {' '.join(cmd)}\n{data['err']}", file=sys.stderr)
    return data


def build(cwd: Path, cache: Path, *extra: str, memory: bool = False) -> dict:
    return measure([PY, "-m", "posterdeck", "build", "-q", "--out", "out", *extra], cwd, cache, memory)


def set_targets(deck_yaml: Path, tags: list[str]) -> None:
    text = deck_yaml.read_text(encoding="utf-8")
    start = text.index("  targets: [")
    end = text.index("]", start) + 1
    deck_yaml.write_text(text[:start] + f"  targets: [{', '.join(tags)}]" + text[end:], encoding="utf-8")


def project(tmp: Path, name: str, tags: list[str], decks: tuple[str, ...] = ("inovate-salvage",)) -> Path:
    """A copy of the project with ``decks``; the first one declares ``tags``, with synthetic
    catalogues and markets for the languages and markets the demo does not have."""
    dest = tmp / name
    shutil.copytree(ROOT / "layouts", dest / "layouts")
    shutil.copytree(ROOT / "data" / "shared", dest / "data" / "shared")
    for deck in decks:
        shutil.copytree(ROOT / "data" / deck, dest / "data" / deck)
    main = dest / "data" / decks[0]
    set_targets(main / "deck.yaml", tags)
    for lang, source in SYNTHETIC_PO.items():
        po = (main / "i18n" / f"{source}.po").read_text(encoding="utf-8")
        po = re.sub(r'"Language: \w+\\n"', f'"Language: {lang}\\\\n"', po)
        (main / "i18n" / f"{lang}.po").write_text(po, encoding="utf-8")
    for code, iso3 in MARKETS.items():
        (dest / "data" / "shared" / "markets" / f"{code}.yaml").write_text(
            f"market:\n  code: {code}\n  name: Market {code}\n  iso3: {iso3}\n  statements:\n"
            f"    - {{id: local, text: 'Synthetic market {code} for the benchmark.', placement: footer}}\n",
            encoding="utf-8")
    return dest


def five_decks(tmp: Path) -> Path:
    dest = tmp / "decks"
    shutil.copytree(ROOT / "layouts", dest / "layouts")
    shutil.copytree(ROOT / "data", dest / "data")
    for deck, copy in (("inovate-salvage", "inovate-copy"), ("dapa-hf", "dapa-copy")):
        shutil.copytree(ROOT / "data" / deck, dest / "data" / copy)
    for folder in (dest / "data").glob("*/deck.yaml"):  # one target each
        first = re.search(r"targets: \[([\w-]+)", folder.read_text(encoding="utf-8")).group(1)
        set_targets(folder, [first])
    return dest


def median(runs: list[dict]) -> dict:
    run = dict(sorted(runs, key=lambda r: r["wall"])[len(runs) // 2])
    run["rc"] = max(r["rc"] for r in runs)
    run["runs"] = [round(r["wall"], 2) for r in runs]
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "src")], check=False)  # bytecode, as installed
    rows: list[tuple[str, dict, str]] = []
    with tempfile.TemporaryDirectory(prefix="posterdeck-workload-") as t:
        tmp = Path(t)
        n = iter(range(10**6))

        def empty() -> Path:
            return tmp / f"cache{next(n)}"

        peer = median([measure([PY, str(ROOT / "bench" / "baseline.py"), str(tmp / "baseline")], tmp, empty())
                       for _ in range(repeat)])
        rows.append(("hand-written script, 1 target", peer, "reference"))
        one = project(tmp, "one", ["de-DE"])
        cold = median([build(one, empty(), "--force") for _ in range(repeat)])
        rows.append(("1 cold target de-DE, empty cache", cold, f"{cold['wall'] / peer['wall']:.2f} x script (<= 0.6)"))
        used = project(tmp, "used", ["de-DE"], decks=("inovate-salvage", "dapa-hf"))
        machine = empty()  # a machine that built another deck in German before: its per-machine
        build(used, machine, "data/dapa-hf", "--target", "de-DE")  # costs (hyphenation) are paid
        runs = []
        for _ in range(repeat):
            seen = empty()
            shutil.copytree(machine, seen)
            runs.append(build(used, seen, "data/inovate-salvage", "--force"))
        first = median(runs)
        rows.append(("1 cold target de-DE, on a machine that built another deck", first,
                     f"{first['wall'] / peer['wall']:.2f} x script (<= 0.6)"))
        warm_cache = empty()
        build(one, warm_cache, "--force")
        warm = median([build(one, warm_cache, "--force") for _ in range(repeat)])
        rows.append(("1 target de-DE, cache of a previous build", warm, f"{warm['wall'] / peer['wall']:.2f} x script"))

        many = project(tmp, "many", TARGETS)
        batch = median([build(many, empty(), "--force") for _ in range(repeat)])
        mem = build(many, empty(), "--force", memory=True)
        per = (batch["wall"] - cold["wall"]) / (len(TARGETS) - 1)
        rows.append((f"demo deck, 10 languages x 20 markets, empty cache", batch,
                     f"{per:.2f} s per extra target = {per / peer['wall']:.2f} x script (<= 0.3); "
                     f"peak {mem['peak_mb']:.0f} MB (< 400)"))
        cache = empty()
        build(many, cache, "--force")
        study = many / "data" / "inovate-salvage" / "study.yaml"
        changed = []
        for k, (count, pct) in enumerate(((59, "53.2"), (60, "54.1"), (61, "55.0"), (58, "52.3"))[:repeat]):
            text = study.read_text(encoding="utf-8")
            text = re.sub(r'\{n: \d+, N: ino_s1, pct: [\d.]+(?=, label: "HSCT, BESPONSA S1")',
                          f"{{n: {count}, N: ino_s1, pct: {pct}", text)
            study.write_text(text, encoding="utf-8")
            changed.append(build(many, cache))
        rebuilt = median(changed)
        rows.append(("20-target batch rebuilt after one number changed", rebuilt,
                     f"{rebuilt['wall'] / cold['wall']:.2f} x one cold target (<= 2); "
                     f"{rebuilt['wall'] / len(TARGETS):.2f} s a target"))
        decks = five_decks(tmp)
        five = median([build(decks, empty(), "--force") for _ in range(repeat)])
        rows.append(("5 decks, 1 target each, empty cache", five, f"{five['wall'] / 5:.2f} s per deck = "
                     f"{five['wall'] / 5 / peer['wall']:.2f} x script"))
    print(f"\nposterdeck workload benchmark on {os.cpu_count()} cores (median of {repeat} runs)\n")
    print(f"{'scenario':<60} {'wall (s)':>9}  {'runs':<20} ratio / goal")
    print("-" * 130)
    for name, data, note in rows:
        if data["rc"] != 0:
            note = "FAILED: see the error above"
        print(f"{name:<60} {data['wall']:>9.2f}  {str(data['runs']):<20} {note}")


if __name__ == "__main__":
    main()
