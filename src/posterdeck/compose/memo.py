"""Paragraphs, table cells and table layouts made by earlier builds, kept in the disk cache
(posterdeck.cache, kind ``paragraphs``): a rebuild after a data update breaks again only the texts
whose pieces, style or width changed, and lays out again only the tables whose texts changed.

One entry per language and font family, keyed by all a broken paragraph depends on besides its
own inputs: posterdeck's source (manifest.tool_hash), the font files' content, the versions of
reportlab (the widths), pyphen (the hyphenation points) and Python (marshal), and the language's
hyphenation dictionary file. Inside it, each paragraph is found by equality of its whole input
(the pieces, the style, the width, the bullet, the indent, the slack), never by a hash of it; a
value read back is checked for the shape encode() makes before use (else made anew).

An entry is read once per process, at the first paragraph of its language, and written (whole,
by cache.put, without waiting for the disk) at the end of a target's compose when new
paragraphs were broken. It holds what the processes of the last build that wrote it used (the
paragraphs of other data cuts are dropped): a process that finds the entry written by another
since it read it (a parallel worker of the same language) adds that one's entries first. Losing
a write to a race costs time only.
"""
from __future__ import annotations

import marshal
import os
import sys
from dataclasses import fields
from itertools import product
from operator import attrgetter

from posterdeck import cache
from posterdeck.pagemodel import Cell, Line, Paragraph, Span

KIND = "paragraphs"
FORMAT = 2
KEEP = 30_000  # entries (paragraphs, cells and tables) an entry holds at most: a few MB
MOST = 50_000  # paragraphs (or cells) one language's entry keeps at most: a long watch session starts afresh

_STORES: list = []


_epoch = [0]  # save() counts: what store() found is asked again after each (the cache may be another)


def store(fonts, language: str) -> "Store | None":
    """The kept paragraphs of ``language`` broken with ``fonts``; None when the cache is off.
    Asked at each paragraph not in memory: the answer is kept until the next save()."""
    now = fonts.__dict__.get("_store_now")
    if now is None or now[0] != _epoch[0]:
        now = fonts._store_now = (_epoch[0], {})
    try:
        return now[1][language]
    except KeyError:
        pass
    found = None
    if cache.enabled():
        stores = fonts.__dict__.setdefault("_stores", {})
        where = _where()
        found = stores.get((language, where))
        if found is None:
            found = stores[(language, where)] = Store(entry_key(fonts.files, language), where)
            _STORES.append(found)
    now[1][language] = found
    return found


def _where() -> tuple:
    """What names the cache folder (cache.root), cheaply: a store belongs to the folder it was read from."""
    return os.environ.get("POSTERDECK_CACHE_DIR"), os.environ.get("XDG_CACHE_HOME")


def save() -> None:
    """Write the entries that got new paragraphs, cells or tables (the end of a target's compose)."""
    _epoch[0] += 1
    if not cache.enabled():
        return
    where = _where()
    for each in _STORES:
        if each.where == where:  # (a test's own cache folder: the others are not written)
            each.save()


def entry_key(files: dict[str, str], language: str) -> str:
    """The cache key of one language's entry for the font files ``files`` (variant -> path)."""
    import pyphen
    import reportlab

    from posterdeck.manifest import tool_hash

    return cache.key(KIND, FORMAT, tool_hash(), reportlab.Version, pyphen.__version__, sys.version_info[:2],
                     sorted((v, cache.file_hash(p)) for v, p in files.items()), language, _dictionary(language))


def _dictionary(language: str) -> str:
    """The content hash of the hyphenation dictionary compose uses for ``language`` ('' for none)."""
    import pyphen

    lang = pyphen.language_fallback(language) if language else None
    return cache.file_hash(str(pyphen.LANGUAGES[lang])) if lang else ""


class Store:
    """One language's kept paragraphs, cells and table layouts: plain-data keys -> encoded values,
    as read from the disk (``found``) and as used or made in this process (``used``: what is
    written back)."""

    def __init__(self, key: str, where: tuple):
        self.key = key
        self.where = where  # the cache folder it was read from
        self.found: tuple[dict, dict, dict] = ({}, {}, {})  # paragraphs, cells, tables
        self.used: tuple[dict, dict, dict] = ({}, {}, {})
        self.new = False  # made since the last write
        self._last: list = [None, None, None]
        self._shared: dict = {}  # equal parts of the keys, made once (paragraph_key)
        self.seen = None  # the file as last read or written here (cache.stamp)
        got = _load(cache.get(KIND, self.key))
        if got is not None:
            self.found = got
        self.seen = cache.stamp(KIND, self.key)

    def _get(self, kind: int, key: tuple, decode):
        plain = _PLAIN[kind](key, self._shared)
        self._last[kind] = (key, plain)  # for the _add that follows a miss (the same key object)
        enc = self.used[kind].get(plain)
        if enc is None:
            enc = self.found[kind].get(plain)
            if enc is None:
                return None
        value = decode(enc)
        if value is not None:
            self.used[kind][plain] = enc
        return value

    def _add(self, kind: int, key: tuple, enc) -> None:
        last = self._last[kind]
        plain = last[1] if last is not None and last[0] is key else _PLAIN[kind](key, self._shared)
        self.used[kind][plain] = enc
        self.new = True

    def paragraph(self, key: tuple) -> Paragraph | None:
        """The paragraph of text.paragraph()'s ``key``, or None (then add_paragraph() it once made)."""
        return self._get(0, key, _paragraph)

    def add_paragraph(self, key: tuple, para: Paragraph) -> None:
        self._add(0, key, marshal.dumps(encode(para)))

    def cell(self, key: tuple) -> tuple[str, ...] | None:
        """A cell's lines (tables._lines's ``key``), or None (then add_cell() them once made)."""
        return self._get(1, key, _lines)

    def add_cell(self, key: tuple, lines: tuple[str, ...]) -> None:
        self._add(1, key, lines)

    def table(self, key: tuple):
        """A table layout (tables.TableBlock._kept's key): the result of _make, or its _TooNarrow,
        or None (then add_table() it once made)."""
        return self._get(2, key, _table)

    def add_table(self, key: tuple, layout) -> None:
        self._add(2, key, marshal.dumps(encode_table(layout)))

    def save(self) -> None:
        if not self.new:
            return
        if cache.stamp(KIND, self.key) != self.seen:  # written by another process since: keep its entries too
            got = _load(cache.get(KIND, self.key))
            if got is not None:
                for used, theirs in zip(self.used, got):
                    used.update({k: v for k, v in theirs.items() if k not in used})
        # what the processes of this build used first, then what was there before and not used
        # (another deck in this language, an earlier data cut) while the entry holds fewer than
        # KEEP: building deck B does not drop deck A's paragraphs, and old cuts age out
        kept = tuple(dict(used) for used in self.used)
        room = KEEP - sum(map(len, kept))
        for mine, before in zip(kept, self.found):
            for k, v in before.items():
                if room <= 0:
                    break
                if k not in mine:
                    mine[k] = v
                    room -= 1
        try:
            data = marshal.dumps((FORMAT, *kept))
        except ValueError:  # a key marshal cannot write: not kept, never a failed build
            return
        cache.put(KIND, self.key, data)
        self.seen = cache.stamp(KIND, self.key)
        self.new = False
        if sum(map(len, self.used)) > MOST:  # a long watch session: start afresh (the entry keeps the last state)
            self.found, self.used, self._shared = ({}, {}, {}), ({}, {}, {}), {}


# a paragraph and a table layout are kept as the marshal bytes of their plain data (a few hundred
# bytes, where the tuples took three times more memory), unpacked when used
def _unpacked(enc: object) -> object:
    if type(enc) is not bytes:
        return None
    try:
        return marshal.loads(enc)
    except (ValueError, EOFError, TypeError):
        return None


def _paragraph(enc: object) -> Paragraph | None:
    return decode(_unpacked(enc))


def _table(enc: object):
    return decode_table(_unpacked(enc))


def _lines(enc: object) -> tuple[str, ...] | None:
    """A cell's lines as kept, or None when ``enc`` has not their shape."""
    return enc if type(enc) is tuple and all(type(s) is str for s in enc) else None


def _load(data: bytes | None) -> tuple[dict, dict, dict] | None:
    """The (paragraphs, cells, tables) of an entry's payload, or None when it has not the shape save() writes."""
    if data is None:
        return None
    try:
        found = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if not (type(found) is tuple and len(found) == 4 and found[0] == FORMAT
            and all(type(d) is dict for d in found[1:])):
        return None
    return found[1], found[2], found[3]


_getters: list = []


def _fields_of():
    """attrgetters of a Piece's, a TextStyle's, a Span's and a Paragraph's (after its spans and lines) fields."""
    if not _getters:
        from posterdeck.compose.text import Piece, TextStyle

        _getters.extend(attrgetter(*(f.name for f in fields(cls))) for cls in (Piece, TextStyle, Span))
        _getters.append(attrgetter(*_PARA_REST))
    return _getters


def paragraph_key(key: tuple, shared: dict | None = None) -> tuple:
    """text.paragraph()'s key (pieces, style, width, bullet, indent, language, slack) as plain data
    (the language left out: it names the entry), equal exactly when the key is. ``shared``: equal
    parts made once (one text is broken at many widths), for memory and for marshal, which writes
    a part met again as a reference."""
    piece, style_of = _fields_of()[:2]
    ps, style, width, bullet, indent, _language, slack = key
    ps, style = tuple(map(piece, ps)), style_of(style)
    if shared is not None:
        ps, style = shared.setdefault(ps, ps), shared.setdefault(style, style)
    return ps, style, width, bullet, indent, slack


def cell_key(key: tuple, shared: dict | None = None) -> tuple:
    """tables._lines()'s key (text, style, width, language) as plain data (the language left out)."""
    text, style, width, _language = key
    style = _fields_of()[1](style)
    return text, shared.setdefault(style, style) if shared is not None else style, width


def _kinds(cls, skip: int = 0) -> set[tuple]:
    """The types a field tuple of ``cls`` (after its first ``skip`` fields) may have: str for a
    str field, int or float for a float field (marshal keeps which)."""
    options = [(str,) if f.type in ("str", str) else (int, float) for f in fields(cls)[skip:]]
    return set(product(*options))


_SPAN = _kinds(Span)
_SPAN_NAMES = tuple(f.name for f in fields(Span))
_LINE_NAMES = tuple(f.name for f in fields(Line))
_PARA_NAMES = tuple(f.name for f in fields(Paragraph))
_PARA_REST = _PARA_NAMES[2:]
_PARA_KINDS = _kinds(Paragraph, 2)
_NUMS = {(int, int), (int, float), (float, int), (float, float)}
_new = object.__new__


def _made(cls, names: tuple, values: tuple):
    """An instance of the frozen dataclass ``cls`` with these field values, as pickle makes one
    (its __init__ only sets them: the same object, three times faster)."""
    made = _new(cls)
    made.__dict__.update(zip(names, values))
    return made


def encode(para: Paragraph) -> tuple:
    """A Paragraph as plain data (tuples, strings, numbers: marshal keeps their types)."""
    _, _, span, rest = _fields_of()
    return ((tuple(map(span, para.spans)),
             tuple((tuple(map(span, ln.spans)), ln.width, ln.baseline, ln.refs) for ln in para.lines))
            + rest(para))


def decode(enc: object) -> Paragraph | None:
    """The Paragraph encode() made, or None when ``enc`` has not that shape."""
    if type(enc) is not tuple or len(enc) != len(_PARA_NAMES) or type(enc[1]) is not tuple \
            or tuple(map(type, enc[2:])) not in _PARA_KINDS:
        return None
    spans = _spans(enc[0])
    if spans is None:
        return None
    lines = []
    for ln in enc[1]:
        if type(ln) is not tuple or len(ln) != 4 or (type(ln[1]), type(ln[2])) not in _NUMS or not _refs(ln[3]):
            return None
        line_spans = _spans(ln[0])
        if line_spans is None:
            return None
        lines.append(_made(Line, _LINE_NAMES, (line_spans, *ln[1:])))
    return _made(Paragraph, _PARA_NAMES, (spans, tuple(lines), *enc[2:]))


def _spans(enc: object) -> tuple[Span, ...] | None:
    if type(enc) is not tuple:
        return None
    out = []
    for s in enc:
        if type(s) is not tuple or tuple(map(type, s)) not in _SPAN:
            return None
        out.append(_made(Span, _SPAN_NAMES, s))
    return tuple(out)


def _refs(refs: object) -> bool:
    if type(refs) is not tuple:
        return False
    for r in refs:
        if type(r) is not tuple or tuple(map(type, r)) not in _REF:
            return False
    return True


_REF = {(str, a, b, str) for a, b in _NUMS}


# the table fields a table's layout depends on (tables.TableBlock._make): not its id, caption or data paths
TABLE_FIELDS = ("stub_heading", "groups", "columns", "rows", "cell_paths", "cell_formats", "refs", "row_refs")
_table_fields = attrgetter(*TABLE_FIELDS)
_CELL_NAMES = tuple(f.name for f in fields(Cell))
_cell_values = attrgetter(*_CELL_NAMES)
_CELL = set(product(*[(tuple,) if str(f.type).startswith("tuple") else (int,) if f.type in ("int", int)
                      else (int, float) if f.type in ("float", float) else (str,) for f in fields(Cell)]))
_TEXTS = tuple(i for i, f in enumerate(fields(Cell)) if str(f.type).startswith("tuple"))
TOO_NARROW = "too narrow"


def table_key(key: tuple, shared: dict | None = None) -> tuple:
    """tables.TableBlock._kept's key (table, start, stop, step, stub share, width, style, band,
    language) as plain data (the language left out)."""
    table, start, stop, step, share, width, style, band, _language = key
    texts, style = _table_fields(table), _fields_of()[1](style)
    if shared is not None:
        texts, style = shared.setdefault(texts, texts), shared.setdefault(style, style)
    return texts, start, stop, step, share, width, style, band


def encode_table(layout) -> object:
    """_make's result (widths, heights, rows of cells, pad, lead, header rows) as plain data, or
    TOO_NARROW for its _TooNarrow."""
    if isinstance(layout, Exception):
        return TOO_NARROW
    widths, heights, rows, pad, lead, header = layout
    return (widths, heights, tuple(tuple(None if c is None else _cell_values(c) for c in row) for row in rows),
            pad, lead, header)


def decode_table(enc: object):
    """The layout encode_table() made, or None when ``enc`` has not that shape."""
    if enc == TOO_NARROW:
        from posterdeck.compose.tables import _TooNarrow

        return _TooNarrow()
    if type(enc) is not tuple or len(enc) != 6:
        return None
    widths, heights, rows, pad, lead, header = enc
    if not (_numbers(widths) and _numbers(heights) and type(rows) is tuple and type(pad) in (int, float)
            and type(lead) in (int, float) and type(header) is int):
        return None
    out = []
    for row in rows:
        if type(row) is not tuple:
            return None
        cells = []
        for c in row:
            if c is None:
                cells.append(None)
                continue
            if type(c) is not tuple or tuple(map(type, c)) not in _CELL or not all(
                    type(s) is str for i in _TEXTS for s in c[i]):
                return None
            cells.append(_made(Cell, _CELL_NAMES, c))
        out.append(tuple(cells))
    return widths, heights, tuple(out), pad, lead, header


def _numbers(values: object) -> bool:
    return type(values) is tuple and all(type(v) in (int, float) for v in values)


_PLAIN = (paragraph_key, cell_key, table_key)


def _reset() -> None:
    """Forget the entries read in this process (tests)."""
    _STORES.clear()
