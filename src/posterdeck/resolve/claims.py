"""Claims that check themselves, and consistency rules that run on every build."""
from __future__ import annotations

import operator
import re

from posterdeck.errors import ContentError
from posterdeck.loading.study import denominator, percent
from posterdeck.loading.yamlsource import suggest
from posterdeck.schema.study import Count, Estimate, Number, PValue

_OPS = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le, "==": operator.eq,
        "!=": operator.ne}
_COMPARE = re.compile(r"^\s*(\S+)\s*(>=|<=|==|!=|>|<)\s*(\S+)\s*$")
_EXCLUDES = re.compile(r"^\s*(\S+)\s+excludes\s+(\S+)\s*$")


class ClaimError(ValueError):
    pass


def value_of(token: str, leaves) -> tuple[float, str]:
    """A number, or a study path (with an optional .n .N .lo .hi): (value, how it was found)."""
    try:
        return float(token), token
    except ValueError:
        pass
    path, attr = token, ""
    if token not in leaves and token.rsplit(".", 1)[-1] in ("n", "N", "lo", "hi"):
        path, attr = token.rsplit(".", 1)
    leaf = leaves.get(path)
    if leaf is None:
        hint = suggest(path, leaves)
        raise ClaimError(f"{token} names no value in the study data" + (f" ({hint})" if hint else ""))
    if attr in ("lo", "hi"):
        if leaf.ci is None:
            raise ClaimError(f"{path} has no CI")
        v = leaf.ci[0] if attr == "lo" else leaf.ci[1]
    elif attr == "n":
        v = float(leaf.n)
    elif attr == "N":
        v = float(denominator(leaf, leaves))
    elif isinstance(leaf, Count):
        v = percent(leaf, leaves)
    elif isinstance(leaf, (Estimate,)):
        v = leaf.value
    elif isinstance(leaf, Number):
        v = leaf.number
    elif isinstance(leaf, PValue):
        v = leaf.p
    else:
        raise ClaimError(f"{path} is not a number")
    return v, f"{token} = {v:.4g}"


def check_claims(model) -> list[ContentError]:
    src = model.sources["content"]
    errors = []
    for i, claim in enumerate(model.content.claims):
        for j, rule in enumerate(claim.holds):
            where = src.where(("claims", i, "holds", j))
            try:
                ok, detail = _evaluate(rule, model.leaves)
            except ClaimError as exc:
                errors.append(ContentError(f"claim {claim.id!r}: {exc}", where,
                                           hint="write 'PATH > PATH', 'PATH < 1' or 'PATH excludes 1'"))
                continue
            if not ok:
                errors.append(ContentError(
                    f"claim {claim.id!r} ({claim.says!r}) is no longer supported by the data: {detail}", where,
                    hint="change the claim text and its rule, or check the data update"))
    return errors


def check_claim_texts(model) -> list[ContentError]:
    """A claim's ``texts:`` names texts by their context (review items place it there): each must
    be the context of a text of the deck, as the catalogue has them."""
    if not any(c.texts for c in model.content.claims):
        return []
    from posterdeck.errors import PosterdeckError
    from posterdeck.i18n import template

    try:
        known = {ctx for ctx, *_ in template(model)}
    except PosterdeckError:  # the content's own errors: the build reports them where they are
        return []
    src = model.sources["content"]
    errors = []
    for i, claim in enumerate(model.content.claims):
        for j, ctx in enumerate(claim.texts):
            if ctx not in known and f"{ctx}.text" not in known:
                errors.append(ContentError(f"claim {claim.id!r}: texts: {ctx!r} names no text of the deck", src.where(
                    ("claims", i, "texts", j)), hint=suggest(ctx, sorted(known)) or "name a text by its context, as "
                    "in the catalogue: sections.ID.body.N, sections.ID.summary, overview.body.N"))
    return errors


def _evaluate(rule: str, leaves) -> tuple[bool, str]:
    m = _EXCLUDES.match(rule)
    if m:
        path, x = m.group(1), float(m.group(2))
        leaf = leaves.get(path)
        if leaf is None:
            hint = suggest(path, leaves)
            raise ClaimError(f"{path} names no value in the study data" + (f" ({hint})" if hint else ""))
        if getattr(leaf, "ci", None) is None:
            raise ClaimError(f"{path} is not a value with a CI")
        lo, hi = leaf.ci
        return not (lo <= x <= hi), f"the 95% CI of {path} is {lo}-{hi}, which {'excludes' if not lo <= x <= hi else 'includes'} {x:g}"
    m = _COMPARE.match(rule)
    if not m:
        raise ClaimError(f"cannot read the rule {rule!r}")
    (a, da), op, (b, db) = value_of(m.group(1), leaves), m.group(2), value_of(m.group(3), leaves)
    return _OPS[op](a, b), f"{da} is not {op} {db}" if not _OPS[op](a, b) else f"{da} {op} {db}"
