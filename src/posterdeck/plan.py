"""Split a build across machines: ``build --shard K/N`` builds the K-th of N shards of every
(deck, target) pair; ``build --plan`` prints the pairs and their shard as JSON.

The split needs no service: every machine of a CI matrix computes it alone, from the deck
folders (deck.yaml's targets) and the manifests of the last build in the output folder. Pairs
are weighed by the seconds their last build took (the manifest's ``seconds``; a pair never built
weighs the median of the others, or 1 s), then dealt heaviest first to the lightest shard
(ties: deck, then target, then the lower shard), so that shards finish near the same time. The
same inputs give the same split on every machine: give every shard job the same output folder
state (all empty, or the same restored cache), or the shards may overlap or miss pairs.

Light: no model is loaded (PyYAML and the manifests only).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from posterdeck.errors import UsageError


@dataclass(frozen=True)
class Pair:
    deck: str  # the deck's folder name, as in OUT/<deck>/<target>
    folder: Path
    target: str
    seconds: float  # the weight: the last build's time, or the estimate
    known: bool  # the weight came from a manifest
    shard: int  # 1..N


def parse_shard(text: str) -> tuple[int, int]:
    """'K/N' -> (K, N), 1 <= K <= N."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UsageError(f"--shard {text}: not K/N", hint="e.g. --shard 2/4 builds the second of four shards")
    if not (n >= 1 and 1 <= k <= n):
        raise UsageError(f"--shard {text}: K must lie between 1 and N", hint="shards are numbered 1 to N")
    return k, n


def plan(folders: list[Path], out: Path, n: int = 1, targets: tuple[str, ...] = ()) -> list[Pair]:
    """Every (deck, target) pair of ``folders`` (only ``targets`` if given) with its shard of
    ``n``, in deck then target order."""
    from posterdeck import manifest

    raw = []
    for folder in folders:
        try:
            tags = manifest.deck_targets(folder)
        except (OSError, ValueError):  # the build reports an unreadable deck.yaml itself
            tags = []
        for tag in tags:
            if not targets or tag in targets:
                raw.append((folder.resolve().name, folder, tag, manifest.last_seconds(out, folder, tag)))
    known = sorted(s for *_, s in raw if s is not None)
    guess = known[len(known) // 2] if known else 1.0
    weighed = [(deck, folder, tag, s if s is not None else guess, s is not None) for deck, folder, tag, s in raw]
    loads = [0.0] * n
    shard_of: dict[tuple[str, str], int] = {}
    for deck, folder, tag, s, _ in sorted(weighed, key=lambda p: (-p[3], p[0], p[2])):
        k = min(range(n), key=lambda i: (loads[i], i))
        loads[k] += s
        shard_of[(deck, tag)] = k + 1
    pairs = [Pair(deck, folder, tag, s, kn, shard_of[(deck, tag)]) for deck, folder, tag, s, kn in weighed]
    return sorted(pairs, key=lambda p: (p.deck, p.target))


def as_json(pairs: list[Pair], n: int) -> str:
    import json

    return json.dumps({"shards": n, "pairs": [
        {"deck": p.deck, "folder": str(p.folder), "target": p.target, "shard": p.shard,
         "seconds": round(p.seconds, 2), "measured": p.known} for p in pairs]}, indent=1)
