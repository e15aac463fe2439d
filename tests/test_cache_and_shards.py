"""The disk cache (drawn charts, hyphenation patterns) and the build split into shards (issue 14).

The cache: an entry cut short or corrupt is drawn again, never used; a changed library version
draws anew; the bytes are the same with the cache, without it (--no-cache) and from it. Shards:
the union of N shards is one full build, byte for byte, and --plan lists every pair once.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DECK_DIR, LAYOUTS_DIR, SHARED_DIR

from posterdeck import cache
from posterdeck.charts import cached


@pytest.fixture
def fresh_cache(fresh_cache, monkeypatch):
    """conftest's empty cache folder, and no charts remembered in this process."""
    monkeypatch.setattr(cached, "_MEMORY", {})
    return fresh_cache


@pytest.fixture(scope="module")
def poster_items(demo_docs):
    from posterdeck.charts.mpl import normalized
    from posterdeck.render.pdf import chart_specs

    items = normalized(chart_specs(demo_docs["poster"]))
    assert len(items) >= 3  # the demo poster's charts
    return items


def entries(folder: Path, kind: str = "charts") -> list[Path]:
    return sorted(p for p in (folder / kind).rglob("*") if p.is_file()) if (folder / kind).exists() else []


def charts_of(items, monkeypatch) -> tuple[bytes, int]:
    """The charts PDF of ``items`` and how many charts were drawn (not taken from the cache),
    as a new build process would find them (nothing remembered in memory)."""
    monkeypatch.setattr(cached, "_MEMORY", {})
    got = cached.CachedCharts(items)
    return got.result(), got.drawn


def test_entries_cut_short_or_corrupt_are_drawn_again_never_used(fresh_cache, poster_items, monkeypatch):
    import pikepdf

    first, drawn = charts_of(poster_items, monkeypatch)
    assert drawn == len(poster_items)
    assert len(pikepdf.open(__import__("io").BytesIO(first)).pages) == len(poster_items)
    files = entries(fresh_cache)
    assert len(files) == len(set(cached.chart_key(i) for i in poster_items))
    again, drawn = charts_of(poster_items, monkeypatch)
    assert (again, drawn) == (first, 0)  # all from the disk

    good = files[0].read_bytes()
    files[0].write_bytes(good[: len(good) // 2])  # cut short (a build killed while writing)
    bad = bytearray(files[1].read_bytes())
    bad[-100] ^= 0xFF  # one flipped byte in the PDF
    files[1].write_bytes(bytes(bad))
    files[2].write_bytes(b"")  # empty
    again, drawn = charts_of(poster_items, monkeypatch)
    assert again == first and drawn == 3
    assert files[0].read_bytes() == good  # made again, whole
    assert [cache.get("charts", p.name) is not None for p in files] == [True] * len(files)


def test_an_entry_moved_under_another_name_is_never_used(fresh_cache, poster_items, monkeypatch):
    """Each entry is valid on its own; moved under another's name (a cache copied or mended by
    hand), it fails its check, is deleted and drawn again: never another chart's drawing."""
    first, _ = charts_of(poster_items, monkeypatch)
    files = entries(fresh_cache)
    assert len(files) >= 2
    contents = [p.read_bytes() for p in files]
    for path, data in zip(files, contents[1:] + contents[:1]):  # each one's content under the next name
        path.write_bytes(data)
    again, drawn = charts_of(poster_items, monkeypatch)
    assert again == first and drawn == len(files)
    assert [p.read_bytes() for p in files] == contents  # each made again under its own name


def test_the_check_binds_the_kind_too(fresh_cache):
    cache.put("hyphen", "ab" * 32, b"patterns")
    moved = fresh_cache / "charts" / "ab" / ("ab" * 32)
    moved.parent.mkdir(parents=True)
    moved.write_bytes((fresh_cache / "hyphen" / "ab" / ("ab" * 32)).read_bytes())
    assert cache.get("hyphen", "ab" * 32) == b"patterns"
    assert cache.get("charts", "ab" * 32) is None and not moved.exists()


def test_a_changed_library_version_or_drawing_code_draws_anew(fresh_cache, poster_items, monkeypatch):
    first, _ = charts_of(poster_items, monkeypatch)
    mpl_version, ft_version = cached.library_versions()
    monkeypatch.setattr(cached, "library_versions", lambda: ("99.0", ft_version))
    again, drawn = charts_of(poster_items, monkeypatch)
    assert drawn == len(poster_items) and again == first  # same drawing here, but not trusted
    monkeypatch.setattr(cached, "library_versions", lambda: (mpl_version, ft_version))
    from posterdeck import manifest

    monkeypatch.setattr(manifest, "tool_hash", lambda: "other posterdeck source")
    assert charts_of(poster_items, monkeypatch)[1] == len(poster_items)


def test_one_changed_chart_is_the_only_one_drawn(fresh_cache, poster_items, monkeypatch):
    import dataclasses

    charts_of(poster_items, monkeypatch)
    first = poster_items[0]
    chart = first[0]
    changed = dataclasses.replace(chart, title=(chart.title or "") + " (updated)")
    items = (first[:0] + (changed,) + first[1:],) + poster_items[1:]
    _, drawn = charts_of(items, monkeypatch)
    assert drawn == 1


def test_no_cache_reads_and_writes_nothing_and_gives_the_same_bytes(fresh_cache, poster_items, monkeypatch):
    first, _ = charts_of(poster_items, monkeypatch)
    before = {p: p.stat().st_mtime_ns for p in entries(fresh_cache)}
    monkeypatch.setenv("POSTERDECK_NO_CACHE", "1")
    again, drawn = charts_of(poster_items, monkeypatch)
    assert again == first and drawn == len(poster_items)
    assert {p: p.stat().st_mtime_ns for p in entries(fresh_cache)} == before


def test_hyphenation_patterns_survive_a_corrupt_entry(fresh_cache):
    import pyphen

    from posterdeck.compose import text

    from posterdeck.compose.hyphen import full_patterns

    path = pyphen.LANGUAGES["de_DE"]
    parsed = full_patterns(text._patterns(path))
    assert entries(fresh_cache, "hyphen")
    assert full_patterns(text._patterns(path)) == parsed  # read back from the disk
    entry = entries(fresh_cache, "hyphen")[0]
    entry.write_bytes(entry.read_bytes()[:1000])
    assert full_patterns(text._patterns(path)) == parsed
    h = pyphen.Pyphen(lang="de_DE")
    assert h.inserted("Behandlungsphase") == "Be-hand-lungs-pha-se"


def test_hyphenation_index_of_the_wrong_shape_is_made_anew(fresh_cache):
    """An entry that passes the checksum but is not the index's plain data (lines by key, the
    longest key) is never used: it is made anew and written again."""
    import marshal

    import pyphen

    from posterdeck.compose import text
    from posterdeck.compose.hyphen import LazyHyphDict, full_patterns, valid_index

    path = pyphen.LANGUAGES["nl_NL"]
    parsed = full_patterns(text._patterns(path))
    k = entries(fresh_cache, "hyphen")[0].name
    assert valid_index(marshal.loads(cache.get("hyphen", k)))
    for bad in ({"lines": 1}, ({"ab": 3}, 4), ({"ab": "a1b"}, "4"), ({"ab": ["a1b", 2]}, 4)):
        assert not valid_index(bad)
        cache.put("hyphen", k, marshal.dumps(bad))
        again = text._patterns(path)
        assert isinstance(again, LazyHyphDict) and full_patterns(again) == parsed
        assert valid_index(marshal.loads(cache.get("hyphen", k)))  # written again


def test_prune_drops_old_entries_then_the_oldest_over_the_size(fresh_cache):
    import os
    import time

    for i in range(5):
        cache.put("charts", f"{i:064x}", bytes(1000))
    files = entries(fresh_cache)
    old = time.time() - 40 * 86400
    os.utime(files[0], (old, old))
    assert cache.prune(max_bytes=10**9, max_age_days=30) == 1
    for n, p in enumerate(entries(fresh_cache)):
        os.utime(p, (time.time() - 100 + n, time.time() - 100 + n))
    assert cache.prune(max_bytes=2 * (1000 + cache.HEAD), max_age_days=30) == 2
    assert [p.name for p in entries(fresh_cache)] == [f"{i:064x}" for i in (3, 4)]  # the newest kept


# ----------------------------------------------------------------------------------------- shards

TAGS = ["en-NL", "en-GB", "de-DE"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("shards")
    shutil.copytree(DECK_DIR, root / "data" / DECK_DIR.name)
    shutil.copytree(SHARED_DIR, root / "data" / "shared")
    shutil.copytree(LAYOUTS_DIR, root / "layouts")
    return root


def cli(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    res = subprocess.run([sys.executable, "-m", "posterdeck", *args], cwd=project, capture_output=True,
                         text=True, timeout=600, env={**os.environ, **(env or {})})
    assert res.returncode == 0, res.stderr
    return res


def outputs(out: Path) -> dict[str, str]:
    """deck/target/file -> SHA-256 of every output (manifests apart: they hold the build's time)."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def test_union_of_shards_is_the_full_build_byte_for_byte(project, tmp_path):
    targets = [a for t in TAGS for a in ("--target", t)]
    env = {"POSTERDECK_CACHE_DIR": str(tmp_path / "cache")}
    cli(project, "build", "-q", "--no-cache", "--out", str(tmp_path / "full"), *targets, env=env)
    full = outputs(tmp_path / "full")
    assert len(full) == 4 * len(TAGS)
    assert not (tmp_path / "cache").exists()  # --no-cache wrote nothing
    union: dict[str, str] = {}
    for k, jobs in ((1, ["-j", "1"]), (2, [])):  # with the cache (cold, then shared), in one process and in several
        out = tmp_path / f"shard{k}"
        cli(project, "build", "-q", "--shard", f"{k}/2", "--out", str(out), *jobs, *targets, env=env)
        got = outputs(out)
        assert got and not set(got) & set(union)  # each pair in one shard only
        union.update(got)
    assert union == full
    assert (tmp_path / "cache" / "charts").is_dir()
    # every chart from the cache now: the same bytes again
    cli(project, "build", "-q", "--force", "--out", str(tmp_path / "warm"), *targets, env=env)
    assert outputs(tmp_path / "warm") == full


def test_plan_lists_every_pair_once_with_its_shard(project):
    res = cli(project, "build", "--plan", "--shard", "1/3")
    plan = json.loads(res.stdout)
    assert plan["shards"] == 3
    pairs = [(p["deck"], p["target"]) for p in plan["pairs"]]
    declared = json.loads(json.dumps(__import__("yaml").safe_load(
        (project / "data" / DECK_DIR.name / "deck.yaml").read_text())))["deck"]["targets"]
    assert sorted(pairs) == sorted((DECK_DIR.name, t) for t in declared)
    assert len(set(pairs)) == len(pairs)
    assert {p["shard"] for p in plan["pairs"]} == {1, 2, 3}


def test_shards_balance_by_the_manifests_build_times(tmp_path):
    from posterdeck import plan

    deck = tmp_path / "data" / "d"
    deck.mkdir(parents=True)
    tags = ["en-GB", "en-NL", "de-DE", "fr-FR", "nl-NL", "el-GR"]
    (deck / "deck.yaml").write_text(f"deck:\n  targets: [{', '.join(tags)}]\n", encoding="utf-8")
    out = tmp_path / "out"
    times = {"en-GB": 9.0, "en-NL": 1.0, "de-DE": 1.0, "fr-FR": 1.0, "nl-NL": 1.0, "el-GR": 5.0}
    for tag, s in times.items():
        (out / "d" / tag).mkdir(parents=True)
        (out / "d" / tag / ".posterdeck-manifest.json").write_text(json.dumps({"seconds": s}))
    pairs = plan.plan([deck], out, 2)
    shard = {p.target: p.shard for p in pairs}
    load = {k: sum(times[t] for t in tags if shard[t] == k) for k in (1, 2)}
    assert shard["en-GB"] != shard["el-GR"] and sorted(load.values()) == [9.0, 9.0]
    assert plan.plan([deck], out, 2) == pairs  # the same split every time
    # a pair never built weighs the median of the others
    shutil.rmtree(out / "d" / "fr-FR")
    assert {p.target: (p.seconds, p.known) for p in plan.plan([deck], out, 2)}["fr-FR"] == (1.0, False)
    with pytest.raises(Exception, match="K must lie"):
        plan.parse_shard("3/2")
