"""Read YAML keeping the line of every value, so that later errors can point at it."""
from __future__ import annotations

import difflib
from decimal import Decimal, InvalidOperation
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from posterdeck.errors import InputError, Location


@dataclass
class Source:
    """A loaded YAML document: plain data plus the line of each node, by path."""

    file: Path
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    raw: dict[tuple, str] = field(default_factory=dict)  # numbers as written, e.g. '34.0', by path

    def where(self, path: tuple = ()) -> Location:
        """The location of the node at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return Location(file=display_path(self.file), line=self.lines.get(path, 1))

    def decimals(self, path: tuple) -> int | None:
        """The number of decimals of the number at ``path`` as written in the file ('34' -> 0,
        '34.0' -> 1, '1e-3' -> 3), or None where no number was written there."""
        text = self.raw.get(tuple(path))
        if text is None:
            return None
        try:
            number = Decimal(text.replace("_", ""))
        except InvalidOperation:
            return None
        if "e" in text.lower():  # 1.0e-4 is 0.0001 as published
            number = number.normalize()
        exponent = number.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_yaml(path: Path) -> Source:
    """Parse one YAML file; malformed YAML becomes an InputError with file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"file not found: {path}", hint="check the path in the file that names it") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", Location(display_path(path)),
                         hint="save the file as UTF-8") from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "malformed YAML"
        ctx = f" ({exc.context})" if exc.context else ""
        raise InputError(f"malformed YAML: {problem}{ctx}", Location(display_path(path), line),
                         hint="check indentation, quotes and brackets on this line and the one before") from None
    source = Source(file=path, data=None)
    source.data = _convert(node, (), source, path) if node is not None else {}
    return source


def _convert(node: yaml.Node, path: tuple, source: Source, file: Path) -> Any:
    lines = source.lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key in out:
                raise InputError(f"duplicate key {key!r}", Location(display_path(file), key_node.start_mark.line + 1),
                                 hint="each key may appear once in a mapping")
            out[key] = _convert(value_node, path + (key,), source, file)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), source, file) for i, item in enumerate(node.value)]
    value = _scalar(node)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        source.raw[path] = node.value  # the text as written: its decimals are the published precision
    return value


_CONSTRUCTOR = yaml.SafeLoader("")
# libyaml's parser where PyYAML was built with it (the wheels are): the same nodes and marks, ten
# times faster than the pure-Python one, which was most of the time a deck took to load
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scalar(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value = _CONSTRUCTOR.construct_object(node)
        # dates stay text: the model parses what it needs, YAML's guesses are not wanted
        if node.tag.endswith(":timestamp"):
            return node.value
        # YAML 1.2 booleans only: Norway's code NO, 'yes', 'on' and 'off' stay text
        if node.tag.endswith(":bool") and node.value.lower() not in ("true", "false"):
            return node.value
        return value
    return _CONSTRUCTOR.construct_object(node, deep=True)


def suggest(word: str, choices) -> str:
    """'did you mean' hint for a mistyped key or id."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""
