"""Approvals that expire: data/<deck>/approvals.yaml records, per review item and language, the
fingerprint of what a reviewer approved (review.collect), who and when. An item whose
fingerprint no longer matches (its value, wording, reference or locator changed) is "changed";
one never approved is "new". ``mark`` sets each item's status; ``approve`` records items."""
from __future__ import annotations

import datetime
import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path

from posterdeck.errors import InputError, Location
from posterdeck.review.items import TargetReview

FILE = "approvals.yaml"
HINT = "approve the items as they stand with posterdeck approve DECK (--target TAG, --item KEY), after review"


@dataclass
class Approvals:
    """approvals.yaml read: (item key, language) -> schema.approvals.Approval."""

    path: Path
    entries: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)  # (item key, language) -> 'approvals.yaml:LINE' of its entry

    def get(self, key: str, language: str):
        return self.entries.get((key, language))


def path_of(folder: Path) -> Path:
    return Path(folder) / FILE


def load(folder: Path) -> Approvals | None:
    """The deck's approvals, None when it has no approvals.yaml; errors at their file:line."""
    from posterdeck.errors import collect
    from posterdeck.loading.validate import validate
    from posterdeck.loading.yamlsource import load_yaml
    from posterdeck.schema.approvals import ApprovalsFile

    path = path_of(folder)
    if not path.is_file():
        return None
    src = load_yaml(path)
    data = src.data if src.data is not None else {}
    if not isinstance(data, dict):
        raise InputError("approvals.yaml must be a mapping with an approvals: list", src.where(),
                         hint="let posterdeck approve write it; it starts with 'approvals:'")
    errors: list = []
    parsed = validate(ApprovalsFile, data, src, errors=errors)
    collect(errors)
    out = Approvals(path)
    for i, entry in enumerate(parsed.approvals):
        k = (entry.item, entry.language)
        if k in out.entries:
            errors.append(InputError(f"{entry.item} ({entry.language or 'every language'}) is approved twice",
                                     src.where(("approvals", i)), hint="keep one entry per item and language"))
        out.entries[k] = entry
        out.lines[k] = str(src.where(("approvals", i)))
    collect(errors)
    return out


def mark(review: TargetReview, approvals: Approvals | None) -> TargetReview:
    """The review with each item's status: "approved" (as it stands), "changed" (approved, but
    not as it stands now), "new" (never approved); "" for all without approvals."""
    if approvals is None:
        return review
    out = TargetReview(review.deck, review.target, review.language)
    for page in review.pages:
        items = []
        for it in page.items:
            entry = approvals.get(it.key, it.language)
            if entry is None:
                items.append(replace(it, status="new", approved=""))
            else:
                status = "approved" if entry.fingerprint == it.fingerprint else "changed"
                items.append(replace(it, status=status, approved=f"{entry.by}, {entry.date}"))
        out.pages.append(replace(page, items=items))
    return out


def pending(review: TargetReview) -> dict[str, tuple[str, list[str]]]:
    """The items not approved as they stand: key -> (status, the pages that show it)."""
    out: dict = {}
    for page in review.pages:
        for it in page.items:
            if it.status in ("changed", "new"):
                where = page.name if page.output == "deck" else f"poster page {page.index + 1}"  # 'slide 3 (crcri)'
                out.setdefault(it.key, (it.status, []))[1].append(where)
    return out


def summary(review: TargetReview, approvals: Approvals) -> str:
    """The build's warning line: how many items changed or are new since approval."""
    waiting = pending(review)
    changed = [k for k, (s, _) in waiting.items() if s == "changed"]
    new = [k for k, (s, _) in waiting.items() if s == "new"]
    if not waiting:
        return ""
    names = ", ".join((changed + new)[:5]) + (", ..." if len(waiting) > 5 else "")
    return (f"{approvals.path.parent.name} {review.target}: {len(changed)} item(s) changed and {len(new)} new "
            f"since approval ({names}); see posterdeck diff, then posterdeck approve")


def require(review: TargetReview, approvals: Approvals | None, folder: Path) -> None:
    """build --require-approved: an error listing every item shown that is not approved as it stands."""
    from posterdeck.errors import ContentError

    if approvals is None:
        raise ContentError(f"{review.deck} {review.target}: --require-approved, but the deck has no {FILE}",
                           Location(str(path_of(folder))), hint=HINT)
    waiting = pending(review)
    if waiting:
        lines = [f"{k} ({status}): {', '.join(dict.fromkeys(pages))}" for k, (status, pages) in waiting.items()]
        raise ContentError(f"{review.deck} {review.target}: {len(waiting)} item(s) shown are not approved as they "
                           f"stand:\n    " + "\n    ".join(lines), Location(_display(approvals.path)), hint=HINT)


def _display(path: Path) -> str:
    from posterdeck.loading.yamlsource import display_path

    return display_path(path)


def approve(folder: Path, reviews: list[TargetReview], by: str, keys: tuple[str, ...] = (),
            today: datetime.date | None = None, prune: tuple = ()) -> list[tuple[str, str]]:
    """Record the items of ``reviews`` as approved by ``by`` today (only those whose key matches
    one of ``keys``, shell patterns allowed, when given) and write approvals.yaml atomically,
    keeping the entries of other items, except the (key, language) pairs ``prune`` (stale
    entries, review.stale). Returns the (key, language) pairs recorded."""
    import yaml

    from posterdeck.output import write_atomic

    old = load(folder)
    entries = {k: e.model_dump() for k, e in (old.entries.items() if old else []) if k not in set(prune)}
    date = (today or datetime.date.today()).isoformat()
    done = []
    for review in reviews:
        for page in review.pages:
            for it in page.items:
                if keys and not any(fnmatch.fnmatchcase(it.key, k) for k in keys):
                    continue
                k = (it.key, it.language)
                if k in done:
                    continue
                done.append(k)
                entries[k] = {"item": it.key, "language": it.language, "fingerprint": it.fingerprint, "by": by,
                              "date": date, "shown": it.shown[:200]}
    rows = [entries[k] for k in sorted(entries)]
    text = ("# Approvals of this deck's review items, written by posterdeck approve: one entry per item and\n"
            "# language, with the fingerprint of what was approved. An item whose value, wording, reference or\n"
            "# locator changes no longer matches its fingerprint and needs approval again.\n"
            + yaml.safe_dump({"approvals": rows}, allow_unicode=True, sort_keys=False, width=100))
    write_atomic(path_of(folder), text.encode("utf-8"))
    return done
