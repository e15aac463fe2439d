"""Slides painted by an earlier build, reused (issue 14): a rebuild after one number changed
repaints only the slides whose page changed.

A slide is kept in the disk cache (posterdeck.cache, kind "slides") under a key made of
everything the painter reads: the composed Page itself (every box and span by value, but the
provenance renderers ignore by contract: Span.ref, Line.refs, Cell.ref, Page.sources), the
Document's fields but its other pages and what renderers ignore by contract (``texts``,
``warnings``: provenance), the company template's bytes, the pictures' bytes, posterdeck's
source, and python-pptx's, lxml's and xlsxwriter's versions. Safe by construction:
the same page painted on the same master makes the same XML. A page whose repr is not a plain
value (an object without its own repr) is never kept.

An entry holds the slide's XML (before its notes page, which is made anew) and the parts it
relates to, in the order they were made: charts with their workbooks, pictures, hyperlinks.
Reused, they are made again in that order, so they get the same part names and relationship
ids as a fresh painting (tested byte for byte). A slide related to anything else is not kept.
An entry is plain data (marshal), checked by the cache's checksum and, once read, for its
shape and types (marshal is not made for untrusted data: the checks are what keeps a damaged or
crafted entry from being used); one that fails either is painted afresh and written again.
"""
from __future__ import annotations

import io
import marshal
import re
from dataclasses import fields
from functools import lru_cache

KIND = "slides"
_KEPT = ("chart", "package", "image", "hyperlink")  # the relationship types a kept slide may have


@lru_cache(maxsize=1)
def _versions() -> tuple[str, ...]:
    """posterdeck's version and all of its source (manifest.tool_hash: the painter reads the
    loading code too, e.g. rounding and the template's package); the versions of python-pptx,
    lxml and xlsxwriter, which write the XML and the workbooks."""
    from importlib.metadata import PackageNotFoundError, version

    from posterdeck.manifest import tool_hash

    found = [tool_hash()]
    for name in ("python-pptx", "lxml", "xlsxwriter"):
        try:
            found.append(version(name))
        except PackageNotFoundError:
            found.append("?")
    return tuple(found)


def slide_key(doc, page, layout_name: str) -> str | None:
    """The cache key of ``page`` painted in ``doc`` on the layout ``layout_name``, or None when
    the cache is off or the page cannot be keyed by value."""
    from posterdeck import cache

    if not cache.enabled():
        return None
    rest = {f.name: getattr(doc, f.name) for f in fields(doc) if f.name not in ("pages", "texts", "warnings")}
    text = repr((rest, _painted(page)))
    if " at 0x" in text:  # an object repr'd by its address: not a value
        return None
    files = []
    if doc.master is not None and doc.master.template:
        files.append(cache.file_hash(doc.master.template))
    from posterdeck.pagemodel import Image

    for box in page.boxes:
        if isinstance(box, Image):
            files.append(cache.file_hash(box.path))
    return cache.key(KIND, _versions(), layout_name, files, text)


def _ignored() -> dict[type, frozenset[str]]:
    """The fields of the page model renderers ignore by contract (provenance, for review)."""
    from posterdeck.pagemodel import Cell, Line, Page, Span

    return {Span: frozenset({"ref"}), Line: frozenset({"refs"}), Cell: frozenset({"ref"}),
            Page: frozenset({"sources"})}


def _painted(value, ignored=None):
    """``value`` as plain tuples, without the fields renderers ignore: a change of provenance
    alone (a value's path, the sources of a page) is no reason to paint a slide again."""
    if ignored is None:
        ignored = _ignored()
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        skip = ignored.get(type(value), ())
        return (type(value).__name__,) + tuple(
            (f.name, _painted(getattr(value, f.name), ignored)) for f in fields(value) if f.name not in skip)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__,) + tuple(_painted(v, ignored) for v in value)
    if isinstance(value, dict):
        return ("dict",) + tuple((repr(k), _painted(v, ignored)) for k, v in value.items())
    return value


def load(k: str | None) -> dict | None:
    """The slide kept under ``k``, or None."""
    if k is None:
        return None
    from posterdeck import cache

    data = cache.get(KIND, k)
    if data is None:
        return None
    try:
        entry = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    return entry if _valid(entry) else None


def _valid(entry: object) -> bool:
    """Whether ``entry`` has the shape keep() writes: {"xml": bytes, "title": str, "rels": ...}."""
    return (isinstance(entry, dict) and set(entry) == {"xml", "title", "rels"}
            and type(entry["xml"]) is bytes and type(entry["title"]) is str and _valid_rels(entry["rels"]))


def _valid_rels(rels: object, depth: int = 0) -> bool:
    """Whether ``rels`` has the shape _rels() makes: [kind, reltype, ref, external, target]."""
    if type(rels) is not list or depth > 8:
        return False
    for rel in rels:
        if type(rel) is not list or len(rel) != 5:
            return False
        kind, reltype, ref, external, target = rel
        if kind not in _KEPT or type(reltype) is not str or type(ref) is not str or type(external) is not bool:
            return False
        if external:
            if target is not None:
                return False
            continue
        if type(target) is not list or len(target) != 4:
            return False
        partname, content_type, blob, sub = target
        if type(partname) is not str or type(content_type) is not str or type(blob) is not bytes:
            return False
        if not _valid_rels(sub, depth + 1):
            return False
    return True


def keep(k: str | None, slide, title: str) -> None:
    """Keep the painted ``slide`` (before its notes) under ``k``, if it relates only to what
    can be made again."""
    if k is None:
        return
    rels = _rels(slide.part, top=True)
    if rels is None:
        return
    from posterdeck import cache

    cache.put(KIND, k, marshal.dumps({"xml": slide.part.blob, "title": title, "rels": rels}))


def _rels(part, top: bool = False) -> list | None:
    """The relationships of ``part`` in id order, with what each relates to; None when one of
    them cannot be made again (or their ids are not rId1, rId2, ... in order)."""
    found = sorted(part.rels.values(), key=lambda r: _number(r.rId))
    out = []
    for i, rel in enumerate(found, 1):
        kind = rel.reltype.rsplit("/", 1)[-1]
        if rel.rId != f"rId{i}":
            return None
        if top and i == 1:
            if kind != "slideLayout":
                return None
            continue
        if kind not in _KEPT:
            return None
        if rel.is_external:
            out.append([kind, rel.reltype, rel.target_ref, True, None])
            continue
        target = rel.target_part
        sub = _rels(target)
        if sub is None:
            return None
        out.append([kind, rel.reltype, "", False, [str(target.partname), target.content_type, target.blob, sub]])
    return out


def _number(rid: str) -> int:
    m = re.fullmatch(r"rId(\d+)", rid)
    return int(m.group(1)) if m else 10**9


def apply(slide, entry: dict) -> None:
    """Make ``slide`` (fresh from add_slide: related to its layout only) the kept one."""
    from pptx.oxml import parse_xml

    rid = 2
    for rel in entry["rels"]:
        got = _relate(slide.part, rel)
        if got != f"rId{rid}":  # never: relationships are made in the order they were kept
            raise RuntimeError(f"a kept slide's relationship came back as {got}, not rId{rid}")
        rid += 1
    new = parse_xml(entry["xml"])
    old = slide._element
    for child in list(old):
        old.remove(child)
    for name in list(old.attrib):
        del old.attrib[name]
    for name, value in new.attrib.items():
        old.set(name, value)
    for child in list(new):
        old.append(child)


def _relate(part, rel: list) -> str:
    kind, reltype, ref, external, target = rel
    if external:
        return part.relate_to(ref, reltype, is_external=True)
    partname, content_type, blob, sub = target
    package = part.package
    if kind == "image":
        made = package.get_or_add_image_part(io.BytesIO(blob))
    else:
        from pptx.opc.package import PartFactory

        template = re.sub(r"\d+(\.\w+)$", r"%d\1", partname)
        made = PartFactory(package.next_partname(template), content_type, package, blob)
        for i, child in enumerate(sub, 1):
            got = _relate(made, child)
            if got != f"rId{i}":
                raise RuntimeError(f"a kept part's relationship came back as {got}, not rId{i}")
    return part.relate_to(made, reltype)
