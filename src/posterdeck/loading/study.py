"""Study data: the results tree becomes typed leaves addressed by dotted paths."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from posterdeck.errors import ContentError, InputError
from posterdeck.loading.tables import load_tables
from posterdeck.loading.validate import validate
from posterdeck.loading.yamlsource import Source, suggest
from posterdeck.schema.study import UNITS, Count, Estimate, Leaf, Number, PValue, Study

# the largest magnitude and the most decimals a study number may have: beyond them it is a typo
# (or hostile), and exact decimal rounding (28 digits) cannot print it
MAX_MAGNITUDE = 1e15
MAX_DECIMALS = 12

_LEAF_BY_KEY = {"value": Estimate, "n": Count, "p": PValue, "number": Number}  # first match wins


def load_study(source: Source, errors: list) -> tuple[Study | None, dict[str, Leaf]]:
    study = validate(Study, source.data, source, errors=errors)
    if study is None:
        return None, {}
    leaves: dict[str, Leaf] = {}
    for name, pop in study.populations.items():
        if abs(pop.n) >= MAX_MAGNITUDE:
            errors.append(InputError(f"populations.{name}.n: {pop.n} is too large for a study value",
                                     source.where(("populations", name, "n")), hint="check the number"))
            continue
        leaves[f"populations.{name}"] = Count(n=pop.n, N=pop.n, label=pop.label)
    failed: set[str] = set()  # results whose own error is reported: a table naming one is no second error
    _walk(study.results, ("results",), source, leaves, errors, failed)
    cells = load_tables(study, source, leaves, errors, failed)  # before the checks: table cells are leaves too
    _check_units(study, leaves, source, errors, cells)
    _check_counts(study, leaves, source, errors, cells)
    return study, leaves


def _number_problem(leaf, path: tuple, source: Source) -> InputError | None:
    """A leaf number beyond what posterdeck can round and print exactly (10^15, 12 decimals)."""
    for key, value in leaf.model_dump().items():
        for i, v in enumerate(value if isinstance(value, (list, tuple)) else [value]):
            if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) >= MAX_MAGNITUDE:
                at = path + ((key, i) if isinstance(value, (list, tuple)) else (key,))
                return InputError(f"{'.'.join(map(str, path))}.{key}: {v!r} is too large for a study value "
                                  f"(the limit is 10^15)", source.where(at),
                                  hint="check the number; counts and estimates are far smaller")
    decimals = getattr(leaf, "decimals", None)
    if decimals is not None and not 0 <= decimals <= MAX_DECIMALS:
        return InputError(f"{'.'.join(map(str, path))}: {decimals} decimals; posterdeck prints 0 to {MAX_DECIMALS}",
                          source.where(path), hint="write the value as published, e.g. 0.0001")
    return None


def _walk(node, path: tuple, source: Source, leaves: dict, errors: list, failed: set | None = None) -> None:
    if not isinstance(node, dict):
        errors.append(InputError(f"{'.'.join(map(str, path))}: expected a mapping of results",
                                 source.where(path), hint="a result is e.g. {n: 87, N: 111} or {value: 25.9, ci: [18.1, 34.4]}"))
        return
    # a result's own keys hold numbers; a group may still name a result 'p' or 'n' ({p: {p: 0.01}})
    kind = next((cls for key, cls in _LEAF_BY_KEY.items() if key in node and not isinstance(node[key], dict)), None)
    if kind is not None:
        leaf = validate(kind, node, source, prefix=path, errors=errors)
        if leaf is not None:
            leaf = as_written(leaf, path, source)
            problem = _number_problem(leaf, path, source)
            if problem is not None:
                errors.append(problem)
                leaf = None
            else:
                leaves[".".join(path)] = leaf
        if leaf is None and failed is not None:
            failed.add(".".join(path))
        return
    for key, child in node.items():
        _walk(child, path + (key,), source, leaves, errors, failed)


def as_written(leaf: Leaf, path: tuple, source: Source) -> Leaf:
    """The leaf with its precision: the decimals given, else those of its numbers as written in
    the file (34 -> 0, 34.0 -> 1; an estimate's most among value and CI bounds; a count's of
    its stated pct, else none: the study's decimals apply)."""
    if leaf.decimals is not None:
        return leaf
    keys = {Estimate: [("value",), ("ci", 0), ("ci", 1)], Number: [("number",)], PValue: [("p",)],
            Count: [("pct",)]}[type(leaf)]
    written = [d for k in keys if (d := source.decimals(path + k)) is not None]
    return leaf.model_copy(update={"decimals": max(written)}) if written else leaf


def decimals_of(leaf: Leaf, fallback: int) -> int:
    """The precision a value prints with: its own, else the fallback (the study's decimals)."""
    d = getattr(leaf, "decimals", None)
    return fallback if d is None else d


def denominator(leaf: Count, leaves: dict[str, Leaf]) -> int:
    if isinstance(leaf.N, int):
        return leaf.N
    return leaves[f"populations.{leaf.N}"].n


def percent(leaf: Count, leaves: dict[str, Leaf]) -> float:
    N = denominator(leaf, leaves)
    return 100.0 * leaf.n / N if N else 0.0


def rounded(value: float, decimals: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _check_units(study: Study, leaves: dict, source: Source, errors: list, cells: dict | None = None) -> None:
    """Every unit is built in or declared under units:, and a declared one does not redefine a
    built-in one; declared units are attached to the leaves that use them."""
    for uid in study.units:
        if uid in UNITS or uid == "%":
            errors.append(InputError(f"units.{uid}: {uid!r} is a built-in unit", source.where(("units", uid)),
                                     hint="remove it from units: (built in: " + ", ".join(UNITS) + ")"))
    known = [*UNITS, *study.units]
    for path, leaf in leaves.items():
        unit = getattr(leaf, "unit", None)
        if unit is None or unit in UNITS:
            continue
        if unit in study.units:
            leaf._unit_def = study.units[unit]
            continue
        errors.append(InputError(
            f"{path}: unknown unit {unit!r}",
            source.where((cells or {}).get(path, (tuple(path.split(".")), path))[0] + ("unit",)),
            hint=(suggest(unit, known) + " " if suggest(unit, known) else "")
            + f"use one of {', '.join(UNITS)}, or declare it under units: with a label per language"))


def _check_counts(study: Study, leaves: dict, source: Source, errors: list, cells: dict | None = None) -> None:
    """``cells``: the YAML path and the name in messages of results written in table cells."""
    pops = set(study.populations)
    for key, leaf in leaves.items():
        at, path = (cells or {}).get(key, (tuple(key.split(".")), key))
        if isinstance(leaf, Estimate) and leaf.population is not None:
            where = source.where(at)
            if leaf.population not in pops:
                errors.append(InputError(f"{path}: unknown population {leaf.population!r}", where,
                                         hint=suggest(leaf.population, pops) or "add it under populations:"))
            elif leaf.n is not None and leaf.n > study.populations[leaf.population].n:
                errors.append(ContentError(f"{path}: subgroup n = {leaf.n} is larger than its population "
                                           f"{leaf.population} (n = {study.populations[leaf.population].n})", where,
                                           hint="a subgroup cannot hold more patients than its population"))
        if not isinstance(leaf, Count) or path.startswith("populations."):
            continue
        where = source.where(at)
        if isinstance(leaf.N, str) and leaf.N not in pops:
            errors.append(InputError(f"{path}: N refers to unknown population {leaf.N!r}", where,
                                     hint=suggest(leaf.N, pops) or "add it under populations:"))
            continue
        N = denominator(leaf, leaves)
        if N == 0:  # n/N would print 0/0 as a percentage
            named = f"population {leaf.N} has n = 0" if isinstance(leaf.N, str) else "N = 0"
            errors.append(ContentError(f"{path}: {named}; a count needs a denominator of at least 1", where,
                                       hint="give the number of patients the count is out of"))
            continue
        if leaf.n > N:
            errors.append(ContentError(f"{path}: n = {leaf.n} is larger than N = {N}", where,
                                       hint="check the count and its denominator"))
            continue
        places = decimals_of(leaf, study.study.decimals)
        if leaf.pct is not None:
            computed = rounded(percent(leaf, leaves), places)
            stated = rounded(leaf.pct, places)
            if computed != stated:
                errors.append(ContentError(
                    f"{path}: stated {leaf.pct}% but n/N = {leaf.n}/{N} = {computed}%", where,
                    hint="correct n, N or the stated pct; posterdeck prints the value computed from n/N"))
        if leaf.ci is not None:
            shown = float(rounded(percent(leaf, leaves), places))
            if not leaf.ci[0] <= shown <= leaf.ci[1]:
                errors.append(ContentError(f"{path}: {shown}% (n/N = {leaf.n}/{N}) lies outside its CI "
                                           f"{leaf.ci[0]}-{leaf.ci[1]}", where,
                                           hint="check n, N and the CI bounds"))
