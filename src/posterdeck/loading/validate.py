"""Turn pydantic validation errors into InputErrors that point at file:line."""
from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from posterdeck.errors import InputError, PosterdeckError
from posterdeck.loading.yamlsource import Source, suggest

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data, source: Source, prefix: tuple = (), errors: list | None = None) -> M | None:
    """Validate ``data`` (found at ``prefix`` in ``source``) as ``model``.

    With ``errors`` given, problems are appended and None returned; otherwise the first is raised.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = [to_input_error(err, data, source, prefix, model) for err in _merge_typos(exc.errors())]
        if errors is None:
            raise found[0] from None
        errors.extend(found)
        return None


def _merge_typos(errors: list[dict]) -> list[dict]:
    """A mistyped required key gives pydantic two errors (unknown key, missing key): keep one."""
    import difflib

    missing = [e for e in errors if e["type"] == "missing"]
    drop = []
    for e in errors:
        if e["type"] != "extra_forbidden" or not e["loc"]:
            continue
        parent = e["loc"][:-1]
        names = {str(m["loc"][-1]): m for m in missing if m["loc"][:-1] == parent and m not in drop}
        close = difflib.get_close_matches(str(e["loc"][-1]), list(names), n=1, cutoff=0.6)
        if close:
            drop.append(names[close[0]])
    return [e for e in errors if e not in drop]


def to_input_error(err: dict, data, source: Source, prefix: tuple, model) -> PosterdeckError:
    loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
    path = prefix + loc
    kind = err["type"]
    where = source.where(path)
    dotted = ".".join(str(p) for p in path) or "(top level)"
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        allowed = _allowed_keys(model, loc[:-1])
        hint = suggest(key, allowed) or (f"allowed keys here: {', '.join(sorted(allowed))}" if allowed else "remove it")
        return InputError(f"unknown key {key!r} at {dotted}", where, hint=hint)
    if kind == "missing" and loc and isinstance(loc[-1], int):  # a tuple given too few values
        return InputError(f"{'.'.join(map(str, path[:-1]))}: too few values (item {loc[-1] + 1} is missing)",
                          source.where(path[:-1]), hint="give every value, e.g. cmyk: [0, 0, 0, 100]")
    if kind == "missing":
        return InputError(f"missing required key {loc[-1]!r} at {'.'.join(map(str, path[:-1])) or '(top level)'}",
                          source.where(path[:-1]), hint=f"add '{loc[-1]}:' here")
    msg = err["msg"].removeprefix("Value error, ")
    return InputError(f"{dotted}: {msg}", where, hint=_hint_for(kind))


def _is_union_tag(part) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "function-after"})


def _hint_for(kind: str) -> str:
    if kind.startswith(("int_", "float_")):
        return "write a plain number"
    if kind.startswith("string_"):
        return "write text; quote it if it starts with a special character"
    if kind.startswith(("list_", "tuple_")):
        return "write a list, e.g. [a, b] or one '- item' per line"
    if kind.startswith(("dict_", "model_")):
        return "write a mapping of 'key: value' lines"
    if kind.startswith("literal_"):
        return "use one of the values listed"
    if kind == "too_short":
        return "give at least the number of items named"
    if kind == "too_long":
        return "give at most the number of items named"
    if kind.startswith(("greater_than", "less_than")):
        return "use a value in the range named"
    if kind in ("value_error", "assertion_error"):
        return "correct the value as the message says"
    return "see the README for what this key takes"


def _allowed_keys(model, loc: tuple) -> set[str]:
    """The field names (and aliases) of the model found by walking ``loc`` from ``model``."""
    import typing

    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return set()
        current = _model_in(field.annotation, typing)
        if current is None:
            return set()
    fields = getattr(current, "model_fields", {})
    return {f.alias or name for name, f in fields.items()}


def _model_in(annotation, typing):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg, typing)
        if found is not None:
            return found
    return None
