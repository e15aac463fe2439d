"""Read YAML keeping the line of every value, so that later errors can point at it."""
from __future__ import annotations

import difflib
import math
import os
import stat
from functools import lru_cache
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
    """``path`` as the user sees it: relative to the working folder when it is inside it."""
    return _display(path, os.getcwd())


@lru_cache(maxsize=4096)
def _display(path: Path, cwd: str) -> str:  # once per file and working folder (errors name files often)
    try:
        return str(path.resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(path)


# Bounds on what one YAML file may make a build do: a few hundred bytes of aliases ("billion
# laughs") would otherwise expand into billions of values. Honest files stay far below them.
MAX_YAML_BYTES = 5 * 1024 * 1024  # a study or content file is some tens of kilobytes
MAX_ALIAS_NODES = 10_000  # values copied by aliases (*name) beyond the nodes written in the file
MAX_DEPTH = 100  # mappings and lists nested in one another

# the tags posterdeck's plain data uses; any other (!!python/object, !custom) is refused
_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp",
                                             "merge")}


def read_text(path: Path, limit: int = MAX_YAML_BYTES, what: str = "YAML file") -> str:
    """The UTF-8 text of an input file no bigger than ``limit``; InputError naming the file for
    a missing, oversized, binary or non-UTF-8 one (UTF-16 and UTF-32 said as such)."""
    where = Location(display_path(path))
    try:
        st = path.stat()
        size = st.st_size
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):  # a pipe or device never ends
            raise InputError(f"{display_path(path)} is not a regular file", where,
                             hint="name a YAML file; pipes and devices are not read")
        if size > limit:
            raise InputError(f"{what} too large: {size:,} bytes (the limit is {limit:,})", where,
                             hint="an input file this big is not a posterdeck file; check the path, or split it")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"file not found: {path}", hint="check the path in the file that names it") from None
    except IsADirectoryError:
        raise InputError(f"{display_path(path)} is a folder, not a file", where,
                         hint="check the path in the file that names it") from None
    except OSError as exc:
        raise InputError(f"cannot read {display_path(path)}: {exc.strerror or exc}", where,
                         hint="check the file's permissions") from None
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):
            raise InputError(f"the file is {name} text; posterdeck reads UTF-8", where,
                             hint="save it as UTF-8 (in most editors: Save As, encoding UTF-8)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark, as Windows editors write it
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError("the file holds NUL bytes: it is binary or UTF-16 text, not UTF-8 text",
                         Location(where.file, line), hint="save it as UTF-8 text, or check that the path names the right file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Location(where.file, line),
                         hint="save the file as UTF-8") from None


def load_yaml(path: Path) -> Source:
    """Parse one YAML file; malformed YAML becomes an InputError with file:line, and so does a
    file beyond the bounds above (size, alias expansion, depth) or a tag other than plain data's."""
    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except RecursionError:
        raise InputError(f"nested too deeply (more than {MAX_DEPTH} levels)", Location(display_path(path)),
                         hint="posterdeck files nest a few levels; check the brackets") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "malformed YAML"
        ctx = f" ({exc.context})" if exc.context else ""
        raise InputError(f"malformed YAML: {problem}{ctx}", Location(display_path(path), line),
                         hint="check indentation, quotes and brackets on this line and the one before") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: no mark, a position
        # libyaml counts the position in UTF-8 bytes, the pure-Python reader in characters
        counted = text.encode("utf-8") if _LOADER is not yaml.SafeLoader else text
        newline = b"\n" if isinstance(counted, bytes) else "\n"
        line = counted.count(newline, 0, exc.position) + 1 if isinstance(exc.position, int) else 0
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise InputError(f"malformed YAML: character U+{ord(char):04X} is not allowed in YAML text "
                         f"(a control or non-printable character)", Location(display_path(path), line),
                         hint="delete the character (often pasted in from a word processor); "
                              "write it as an escape in a double-quoted string if it is meant") from None
    except yaml.YAMLError as exc:  # any other error without a mark
        raise InputError(f"malformed YAML: {exc}", Location(display_path(path)),
                         hint="save the file as plain UTF-8 YAML text") from None
    source = Source(file=path, data=None)
    source.data = _Converter(source, path).convert(node, (), 0) if node is not None else {}
    return source


class _Converter:
    """Nodes -> plain data, counting what aliases copy and how deep it goes."""

    def __init__(self, source: Source, file: Path):
        self.source, self.file = source, file
        self.seen: set[int] = set()
        self.copied = 0

    def fail(self, node: yaml.Node, message: str, hint: str) -> InputError:
        return InputError(message, Location(display_path(self.file), node.start_mark.line + 1), hint=hint)

    def convert(self, node: yaml.Node, path: tuple, depth: int) -> Any:
        self.check(node, depth)
        return _convert(node, path, self.source, self.file, self, depth)

    def check(self, node: yaml.Node, depth: int) -> None:
        if id(node) in self.seen:  # an alias: its node again, with everything under it
            self.copied += 1
            if self.copied > MAX_ALIAS_NODES:
                raise self.fail(node, f"aliases expand to more than {MAX_ALIAS_NODES:,} values",
                                "use fewer aliases (*name); a file that grows by aliases is refused")
        else:
            self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep",
                            "posterdeck files nest a few levels; check the indentation and brackets")
        if node.tag not in _TAGS:
            raise self.fail(node, f"unknown YAML tag {node.tag!r}",
                            "posterdeck reads plain YAML data: remove the tag (the '!...' before the value)")


def _convert(node: yaml.Node, path: tuple, source: Source, file: Path, conv: _Converter, depth: int) -> Any:
    lines = source.lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise conv.fail(key_node, "a key must be a plain word or number, not a list or mapping",
                                "write 'name: value'; a '?' or '[...]:' key is not posterdeck data")
            conv.check(key_node, depth + 1)  # its tag checked, and counted
            key = _scalar(key_node, conv)
            if key in out:
                raise InputError(f"duplicate key {key!r}", Location(display_path(file), key_node.start_mark.line + 1),
                                 hint="each key may appear once in a mapping")
            out[key] = conv.convert(value_node, path + (key,), depth + 1)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [conv.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
    value = _scalar(node, conv)
    if isinstance(value, float) and not math.isfinite(value):
        raise conv.fail(node, f"{node.value!r} is not a number posterdeck can print",
                        "write a finite number (.inf and .nan are not study values)")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        source.raw[path] = node.value  # the text as written: its decimals are the published precision
    return value


_CONSTRUCTOR = yaml.SafeLoader("")
# libyaml's parser where PyYAML was built with it (the wheels are): the same nodes and marks, ten
# times faster than the pure-Python one, which was most of the time a deck took to load
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scalar(node: yaml.Node, conv: "_Converter | None" = None) -> Any:
    if isinstance(node, yaml.ScalarNode):
        try:
            value = _CONSTRUCTOR.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. an integer of 5,000 digits
            if conv is None:
                raise
            digits = node.value.lstrip("+-").replace("_", "")
            reason = f"a number of {len(digits):,} digits" if digits.isdigit() else str(exc)
            raise conv.fail(node, f"cannot read {node.value[:40]!r}: {reason}",
                            "write a plain number or quote the text") from None
        finally:
            _CONSTRUCTOR.constructed_objects.pop(node, None)  # no cache of every scalar ever read
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
