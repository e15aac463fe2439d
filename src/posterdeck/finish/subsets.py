"""Font subset tags from the subset's content: the six letters before the '+' in a subset's
name (``ABCDEF+DejaVuSans``) come from a hash of its font program, so two files whose subsets
differ (an English and a Greek poster) never share a tag, and the same subset keeps its tag from
build to build. reportlab names every subset AAAAAA+, AAAAAB+, ... in each file; a RIP that
gangs two files in one job may then take one file's glyphs for the other's."""
from __future__ import annotations

import hashlib
import re

import pikepdf

from posterdeck.finish.content import resource_dicts

TAGGED = re.compile(r"^/?[A-Z]{6}\+")


def content_tag(program: bytes, name: str) -> str:
    """Six letters A-Z from the SHA-256 of the font program and the font's name."""
    digest = hashlib.sha256(program + name.encode()).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _program(descriptor) -> bytes:
    if descriptor is None:
        return b""
    for key in ("/FontFile2", "/FontFile", "/FontFile3"):
        if key in descriptor:
            return bytes(descriptor[key].read_bytes())
    return b""


def _fonts(pdf: pikepdf.Pdf):
    """Every font dictionary used by a page, form or tiling pattern, once."""
    seen: set = set()
    for resources in resource_dicts(pdf):
        for font in resources.get("/Font", pikepdf.Dictionary()).values():
            key = font.objgen if font.is_indirect else id(font)
            if key not in seen:
                seen.add(key)
                yield font


def rename_subsets(pdf: pikepdf.Pdf) -> None:
    """Give every subset font (BaseFont, its descendant's BaseFont, the descriptors' FontName) a
    tag derived from its font program."""
    for font in _fonts(pdf):
        base = str(font.get("/BaseFont", ""))
        if not TAGGED.match(base):
            continue
        name = base.lstrip("/")[7:]
        parts = [font]
        if str(font.get("/Subtype", "")) == "/Type0" and "/DescendantFonts" in font:
            parts += list(font.DescendantFonts)
        descriptors = [p.FontDescriptor for p in parts if "/FontDescriptor" in p]
        program = b"".join(_program(d) for d in descriptors)
        if not program:
            continue
        new = pikepdf.Name("/" + content_tag(program, name) + "+" + name)
        for p in parts:
            if TAGGED.match(str(p.get("/BaseFont", ""))):
                p.BaseFont = new
        for d in descriptors:
            if TAGGED.match(str(d.get("/FontName", ""))):
                d.FontName = new

