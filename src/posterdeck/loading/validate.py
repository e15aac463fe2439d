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
    loc = _data_path(err["loc"], data)
    path = prefix + loc
    kind = err["type"]
    where = source.where(path)
    dotted = ".".join(str(p) for p in path) or "(top level)"
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        allowed = _allowed_keys(model, tuple(err["loc"][:-1]))
        hint = _key_hint(str(key), allowed)
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


def _data_path(loc: tuple, data) -> tuple:
    """pydantic's error location as a path into ``data``: without the names it inserts for the
    member of a union it tried (a chart's type, 'Paragraph', 'str'), which are no keys of the data."""
    path, node = [], data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, (dict, list)) or _is_union_tag(part):
            continue  # a union member's name (a key pydantic reports missing is added last)
        else:
            node = None
        path.append(part)
    if loc and (not path or path[-1] != loc[-1]) and not _is_union_tag(loc[-1]):
        path.append(loc[-1])  # a missing key: not in the data, but its name is the point
    return tuple(path)


# British and American spellings of a key: a key in one where the schema has the other
_SPELLINGS = (("colour", "color"), ("centre", "center"), ("grey", "gray"), ("licence", "license"))


def _key_hint(key: str, allowed: set[str]) -> str:
    """'did you mean ...?' for an unknown key: its other spelling, else the closest allowed key."""
    for one, other in _SPELLINGS:
        for a, b in ((one, other), (other, one)):
            if a in key and key.replace(a, b) in allowed:
                return f"did you mean {key.replace(a, b)!r}?"
    if not allowed:
        return "remove it"
    return suggest(key, allowed) or f"allowed keys here: {', '.join(sorted(allowed))}"


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
    """The field names (and aliases) of the model found by walking pydantic's ``loc`` from
    ``model``: through fields, list items, mapping keys and the member a union tag names."""
    current = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        fields = [m.model_fields[part] for m in current if part in m.model_fields]
        if fields:
            current = [m for f in fields for m in _models_in(f.annotation)]
        else:  # a union member's tag (a chart's type, a class name), else a mapping's key
            tagged = [m for m in current if _tags(m, part)]
            current = tagged or current
        if not current:
            return set()
    if len(current) != 1:
        return set()
    return {f.alias or name for name, f in current[0].model_fields.items()}


def _tags(model, part: str) -> bool:
    """Whether ``part`` names ``model`` in a union: its class name or its Literal tag value."""
    import typing

    if model.__name__ == part:
        return True
    return any(typing.get_origin(f.annotation) is typing.Literal and part in typing.get_args(f.annotation)
               for f in model.model_fields.values())


def _models_in(annotation) -> list:
    """The pydantic models an annotation holds: itself, or within a list, mapping or union."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out = []
    for arg in typing.get_args(annotation):
        out.extend(m for m in _models_in(arg) if m not in out)
    return out
