"""Text: inline nodes -> pieces (markers numbered), pieces -> measured, broken lines.

Metrics come from the same TrueType files the PDF embeds (via reportlab), so what compose
measures is what the PDF shows. Lines break only at spaces, never inside a term such as R/R.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from posterdeck.errors import LayoutError, Location
from posterdeck.compose import memo
from posterdeck.compose.nobreak import GLUE, rewrite
from posterdeck.fonts import glyphs_problem, missing_glyphs, register
from posterdeck.pagemodel import Line, Paragraph, Span
from posterdeck.resolve.markup import Cite, Note, Text
from posterdeck.resolve.references import superscript, superscript_numbers

SUP_SCALE = 0.62


@dataclass(frozen=True)
class Piece:
    text: str
    bold: bool = False
    italic: bool = False
    script: str = ""
    link: str = ""
    marker: bool = False
    source: str = ""  # the study data path this text shows, if any
    lang: str = ""  # the text's language when not the document's (see markup.Text.lang)
    ref: str = ""  # what the piece prints, for review (pagemodel.Span.ref): "value:PATH", "text:CONTEXT",
    # "cite:KEY@LOCATOR;KEY" (a citation marker), "note:LETTER" (a footnote marker)


@dataclass
class Citations:
    """Reference numbers in order of first citation, across one output document."""

    order: dict[str, int] = field(default_factory=dict)

    def number(self, key: str) -> int:
        return self.order.setdefault(key, len(self.order) + 1)


@dataclass
class PageMarks:
    """Citations and footnotes met on one page, in reading order."""

    citations: Citations
    notes: list = field(default_factory=list)  # (letter, body nodes)
    by_ref: dict = field(default_factory=dict)
    cited: list = field(default_factory=list)
    sources: set = field(default_factory=set)  # study data paths shown on the page
    print_links: str = ""  # "url": a link's address is printed beside its text (print posters)
    links: int = 0  # how many links were turned into printed addresses
    codes: list = field(default_factory=list)  # "qr": the links met since the last block, for their codes

    def letter(self, note: Note) -> str:
        key = (note.ref, repr(note.body))  # one id with two texts (two sections) gets two letters
        if key in self.by_ref:
            return self.by_ref[key]
        letter = _letters(len(self.notes))
        self.by_ref[key] = letter
        self.notes.append((letter, note.body))
        return letter

    def cite(self, keys, locators=()) -> str:
        """The superscript of a citation: numbered by key (one reference, one number, whatever
        its locator), with what the references' style prints of each locator (AMA: pages)."""
        nums = [self.citations.number(k) for k in keys]
        for n in nums:
            if n not in self.cited:
                self.cited.append(n)
        if not any(locators):
            return superscript_numbers(nums)
        return superscript([(n, loc.ama() if loc else "") for n, loc in zip(nums, locators)])


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return s


def upper(text: str) -> str:
    """Upper case as typesetters write it: Greek capitals lose their accents (tonos)."""
    import unicodedata

    up = text.upper()
    if not any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in up):
        return up
    decomposed = unicodedata.normalize("NFD", up)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in "\u0301\u0342\u0313\u0314"))


def scan_text(ps: list[Piece]) -> str:
    """The words of pieces for the glossary scan: a marker is set apart, so 'R/R' followed by
    the citation '1' reads 'R/R 1', not 'R/R1'."""
    return "".join((" " + p.text + " ") if p.marker or p.script else p.text for p in ps)


def pieces(nodes, marks: PageMarks, uppercase: bool = False) -> list[Piece]:
    """Inline nodes -> pieces, with citations numbered and footnotes lettered on this page."""
    out: list[Piece] = []
    for node in nodes:
        st = node.style
        if isinstance(node, Text):
            text = upper(node.text) if uppercase and not st.script else node.text
            ref = (f"value:{node.source}" + (f"|{node.fmt}" if node.fmt else "") if node.source
                   else f"text:{node.ctx}" if node.ctx else "")
            out.append(Piece(text, st.bold, st.italic, st.script, st.link, source=node.source, lang=node.lang, ref=ref))
            if node.source:
                marks.sources.add(node.source)
            continue
        if isinstance(node, Cite):
            label = marks.cite(node.keys, node.locators)
            ref = "cite:" + ";".join(k + (f"@{node.locator(i).text()}" if node.locator(i) else "")
                                     for i, k in enumerate(node.keys))
        else:
            label = marks.letter(node)
            ref = f"note:{label}"
        if out and out[-1].marker:
            label = "," + label
        elif out and out[-1].text.endswith(" ") and not out[-1].script:
            # a marker hugs the word before it
            out[-1] = Piece(out[-1].text.rstrip(" "), out[-1].bold, out[-1].italic, out[-1].script, out[-1].link,
                            lang=out[-1].lang, ref=out[-1].ref)
        out.append(Piece(label, st.bold, st.italic, "sup", "", marker=True, ref=ref))
    return _paper_links(out, marks) if marks.print_links else out


def _bare(text: str) -> str:
    """An address as people write it, to compare: no scheme, www., doi resolver or doi: prefix,
    percent-escapes read back (a DOI's link encodes what its printed text shows as written)."""
    from urllib.parse import unquote

    t = unquote(text.strip()).lower()
    for prefix in ("https://", "http://", "mailto:", "doi:", "www.", "dx.doi.org/", "doi.org/"):
        if t.startswith(prefix):
            t = t[len(prefix):]
    return t.rstrip("/")


def _paper_links(ps: list[Piece], marks: PageMarks) -> list[Piece]:
    """On paper nothing is clickable: each link's text keeps its words (in the text colour) and is
    followed by its address ("url"), or its address goes to ``marks.codes`` for a QR code beside
    the block ("qr"), unless the text already shows it (a DOI, a printed URL)."""
    out: list[Piece] = []
    i = 0
    while i < len(ps):
        link = ps[i].link
        if not link:
            out.append(ps[i])
            i += 1
            continue
        j = i
        while j < len(ps) and ps[j].link == link:
            p = ps[j]
            out.append(Piece(p.text, p.bold, p.italic, p.script, "", p.marker, p.source, p.lang, p.ref))
            j += 1
        shown = "".join(p.text for p in ps[i:j])
        if _bare(link) in _bare(shown).replace(" ", ""):
            pass
        elif marks.print_links == "qr":
            if link not in marks.codes:
                marks.codes.append(link)
        else:
            address = link[len("mailto:"):] if link.startswith("mailto:") else link
            out.append(Piece(f": {address}" if j == len(ps) else f" ({address})", lang=ps[j - 1].lang))
        marks.links += 1
        i = j
    return out


_SHARED: dict = {}


class Fonts:
    """The four faces of the theme family, measured with reportlab. It also keeps the paragraphs
    broken with them (see paragraph()): fitting breaks the same text at many sizes, and the
    targets of a batch that share a language share most of their text."""

    def __init__(self, files: dict[str, str]):
        self.files = files
        self.names = {v: register(p) for v, p in files.items()}
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self._sw = stringWidth
        self._cache: dict = {}
        self._checked: set = set()
        self.paragraphs: dict = {}

    def nobreak(self) -> str:
        """The no-break characters (compose.nobreak) every face of the family has."""
        if not hasattr(self, "_nobreak"):
            from posterdeck.compose.nobreak import ALL
            from posterdeck.fonts import has_glyph

            self._nobreak = "".join(ch for ch in ALL if all(has_glyph(ch, p) for p in self.files.values()))
        return self._nobreak

    @classmethod
    def shared(cls, files: dict[str, str]) -> "Fonts":
        """The one Fonts of this process for these font files (as they are on disk now)."""
        key = tuple(sorted((v, p, os.stat(p).st_mtime_ns) for v, p in files.items()))
        if key not in _SHARED:
            _SHARED[key] = cls(files)
        return _SHARED[key]

    @staticmethod
    def variant(bold: bool, italic: bool) -> str:
        return {(False, False): "regular", (True, False): "bold", (False, True): "italic",
                (True, True): "bold_italic"}[(bold, italic)]

    def width(self, text: str, variant: str, size: float) -> float:
        """Advance width in points; widths scale linearly with size, so one measure per text."""
        key = (text, variant)
        w = self._cache.get(key)
        if w is None:
            w = self._cache[key] = self._sw(text, self.names[variant], 1000.0)
        return w * size / 1000.0

    def check_glyphs(self, text: str, variant: str, where: str) -> None:
        if (text, variant) in self._checked:  # fitting lays the same text out at many sizes
            return
        from posterdeck.resolve.rtl import check_text

        bad = check_text(text, "a text", Location(page=where))  # a value resolve did not see: never set it wrong
        if bad is not None:
            raise bad
        missing = missing_glyphs(text, self.files[variant])
        if missing:
            message, hint = glyphs_problem(missing, os.path.basename(self.files[variant]), text)
            raise LayoutError(message, Location(page=where), hint=hint)
        self._checked.add((text, variant))


@dataclass(frozen=True)
class TextStyle:
    size: float
    leading: float
    bold: bool
    italic: bool
    color: str
    align: str = "left"
    space_before: float = 0.0
    min_script: float = 0.0  # the least size of a superscript or subscript (print posters)


def make_spans(ps: list[Piece], style: TextStyle, fonts: Fonts, where: str) -> list[Span]:
    spans = []
    for p in ps:
        if not p.text:
            continue
        variant = fonts.variant(style.bold or p.bold, style.italic or p.italic)
        size = min(max(style.size * SUP_SCALE, style.min_script), style.size) if p.script else style.size
        fonts.check_glyphs(p.text, variant, where)
        spans.append(Span(p.text, variant, size, "link" if p.link and not p.marker else style.color,
                          p.script, p.link, fonts.width(p.text, variant, size), p.lang, p.ref))
    return spans


def break_lines(spans: list[Span], width: float, fonts: Fonts, style: TextStyle, language: str = "",
                longer: list | None = None) -> list[Line]:
    """Greedy line breaking at spaces; a word longer than the line is split by characters.
    ``longer`` (if given) receives, for each break at a space, the width the line would have
    had with the next word: a wrapper narrower than that breaks there too."""
    words: list[list[Span]] = [[]]
    for sp in spans:
        parts = sp.text.split(" ")
        for k, part in enumerate(parts):
            if k > 0:
                words.append([])
            if part:
                words[-1].append(_span(sp, part, fonts))
    words = _glue([w for w in words if w], fonts)
    lines: list[list[Span]] = []
    current: list[Span] = []
    cur_w = 0.0
    for word in words:
        w_w = sum(s.width for s in word)
        # the space joins the previous word's last span: measure it in that span's font
        space = fonts.width(" ", current[-1].font, current[-1].size) if current else 0.0
        if current and cur_w + space + w_w > width:
            if longer is not None:
                longer.append(cur_w + space + w_w)
            lines.append(current)
            current, cur_w, space = [], 0.0, 0.0
        if not current and w_w > width:
            for chunk in _split_long(word, width, fonts, language):
                lines.append(chunk)
            current, cur_w = lines.pop(), 0.0
            cur_w = sum(s.width for s in current)
            continue
        if current:
            current[-1] = _with_space(current[-1], fonts)
        current.extend(word)
        cur_w += space + w_w
    if current:
        lines.append(current)
    out = []
    lead = style.size * style.leading
    for i, ln in enumerate(lines):
        merged = _merge(ln, fonts)
        out.append(Line(tuple(merged), sum(s.width for s in merged), baseline=lead * i + style.size * 0.95,
                        refs=_refs(ln, fonts)))
    return out


def _refs(spans: list[Span], fonts: Fonts) -> tuple[tuple[str, float, float, str], ...]:
    """Where on a line each ref's text stands, before the spans merge: (ref, x from the line's
    start, x of its end, its text), a space after a word left out."""
    out: list[list] = []
    x = 0.0
    for sp in spans:
        if sp.ref:
            end = x + sp.width
            if sp.text.endswith(" "):
                end -= (len(sp.text) - len(sp.text.rstrip(" "))) * fonts.width(" ", sp.font, sp.size)
            if out and out[-1][0] == sp.ref:
                out[-1][2] = end
                out[-1][3] += sp.text
            else:
                out.append([sp.ref, x, end, sp.text])
        x += sp.width
    return tuple((r, round(a, 3), round(b, 3), t.strip(" ")) for r, a, b, t in out)




def _glue(words: list[list[Span]], fonts: Fonts) -> list[list[Span]]:
    """Keep 'n = 111' and 'P < 0.001' on one line: an operator binds to both neighbours; a
    percent sign written apart ('95 %-KI', '40,5 %') binds to the number before it."""
    out: list[list[Span]] = []
    pending = False
    for word in words:
        text = "".join(s.text for s in word)
        after_number = bool(out) and text[:1] in "%\u2030" and out[-1][-1].text[-1:].isdigit()
        if out and (pending or text in GLUE or after_number):
            prev = out[-1]
            prev[-1] = _with_space(prev[-1], fonts)
            prev.extend(word)
            pending = text in GLUE
        else:
            out.append(list(word))
            pending = False
    return out


def _span(sp: Span, text: str, fonts: Fonts, width: float | None = None, ref: str | None = None) -> Span:
    """``sp``'s style with other text; ``width`` when the caller knows it (widths add up: the
    fonts are measured glyph by glyph, without kerning)."""
    return Span(text, sp.font, sp.size, sp.color, sp.script, sp.link,
                fonts.width(text, sp.font, sp.size) if width is None else width, sp.lang,
                sp.ref if ref is None else ref)


def _with_space(sp: Span, fonts: Fonts) -> Span:
    return _span(sp, sp.text + " ", fonts, sp.width + fonts.width(" ", sp.font, sp.size))


def _merge(spans: list[Span], fonts: Fonts) -> list[Span]:
    out: list[Span] = []
    for sp in spans:
        if out and (out[-1].font, out[-1].size, out[-1].color, out[-1].script, out[-1].link, out[-1].lang) == \
                (sp.font, sp.size, sp.color, sp.script, sp.link, sp.lang):
            # spans of one style merge whatever they print: the line's refs keep where each stands
            out[-1] = _span(out[-1], out[-1].text + sp.text, fonts, out[-1].width + sp.width,
                            out[-1].ref if out[-1].ref == sp.ref else "")
        else:
            out.append(sp)
    if out and out[-1].text.endswith(" "):
        last = out[-1]
        text = last.text.rstrip(" ")
        out[-1] = _span(last, text, fonts, last.width - (len(last.text) - len(text)) * fonts.width(" ", last.font, last.size))
    return out


_BREAK_AFTER = re.compile(r"(?<=[^\W\d_]{4}[-/])(?=[^\W\d_]{4})")


def segments(word: str) -> list[str]:
    """A long word's pieces: it may break after a hyphen or slash with four letters on each
    side ('MedDRA-|systeem/|orgaanklasse'), never inside a short term such as R/R or CR/CRi."""
    return [p for p in _BREAK_AFTER.split(word) if p]


@lru_cache(maxsize=16)
def _hyphenator(language: str):
    import pyphen

    lang = pyphen.language_fallback(language) if language else None
    if not lang:
        return None
    path = pyphen.LANGUAGES[lang]
    if path not in pyphen.hdcache:
        pyphen.hdcache[path] = _patterns(path)
    return pyphen.Pyphen(lang=lang)


def _patterns(path):
    """The patterns of one pyphen dictionary file, indexed by key and parsed as words look them
    up (compose/hyphen.py: pyphen's full parse took 0.4-1 s for German, the index 0.1 s). The
    index (plain data: lines by key and the longest key, marshal) is kept in the disk cache
    (posterdeck.cache), keyed by posterdeck's source (manifest.tool_hash: the index is made by
    posterdeck's code), pyphen's version and the file's content (read back in 0.03 s); an entry
    that fails to load or has not the index's shape is made anew."""
    import marshal
    from pathlib import Path

    import pyphen

    from posterdeck import cache
    from posterdeck.compose.hyphen import LazyHyphDict, index, valid_index
    from posterdeck.manifest import tool_hash

    k = cache.key("hyphen-index", tool_hash(), pyphen.__version__, cache.file_hash(str(path)))
    data = cache.get("hyphen", k)
    if data is not None:
        try:
            found = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            found = None
        if valid_index(found):
            return LazyHyphDict.from_index(*found)
    found = index(Path(path))
    if found is None:  # a digit beyond 0-9: pyphen parses it all (not kept)
        return pyphen.HyphDict(path)
    cache.put("hyphen", k, marshal.dumps(found))
    return LazyHyphDict.from_index(*found)


@lru_cache(maxsize=4096)
def syllables(word: str, language: str) -> tuple[str, ...]:
    """Hyphenation pieces of a word by the language's patterns (pyphen, LibreOffice's dictionaries)."""
    h = _hyphenator(language)
    if h is None or len(word) < 6:
        return (word,)
    # the patterns see the letters only: punctuation around a word ('Responders,') is no letter
    # to keep at a line's end, and a word never breaks right after a hyphen it has ('12-month')
    lead, core, tail = _EDGES.match(word).groups()
    if len(core) < 6:
        return (word,)
    pieces = h.inserted(core, hyphen="\u00ad").split("\u00ad")
    merged = [pieces[0]]
    for p in pieces[1:]:
        if merged[-1].endswith(("-", "\u2011", "/")) or not p[:1].isalpha():
            merged[-1] += p
        else:
            merged.append(p)
    merged[0], merged[-1] = lead + merged[0], merged[-1] + tail
    return tuple(merged)


_EDGES = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


def narrowest(word: str, variant: str, size: float, fonts: "Fonts", language: str) -> float:
    """The width a word needs at least: its widest piece after breaking at hyphens, slashes and,
    where the language allows, hyphenation points (a hyphen added)."""
    widest = 0.0
    for seg in segments(word):
        parts = syllables(seg, language)
        if len(parts) == 1:
            widest = max(widest, fonts.width(seg, variant, size))
        else:
            widest = max(widest, *(fonts.width(p + "-", variant, size) for p in parts))
    return widest


def _split_long(word: list[Span], width: float, fonts: Fonts, language: str = "") -> list[list[Span]]:
    """A word wider than the line: break it after hyphens and slashes, then at the language's
    hyphenation points (adding a hyphen), and only as a last resort between characters."""
    pieces: list[Span] = []
    for sp in word:
        pieces.extend(_span(sp, seg, fonts) for seg in segments(sp.text))
    lines, cur, cur_w = [], [], 0.0
    for piece in pieces:
        if cur and cur_w + piece.width > width:
            lines.append(cur)
            cur, cur_w = [], 0.0
        if piece.width <= width:
            cur.append(piece)
            cur_w += piece.width
            continue
        parts = syllables(piece.text, language)
        while len(parts) > 1:
            if fonts.width("".join(parts), piece.font, piece.size) <= width - cur_w:
                break  # the rest fits: no hyphen where none is needed
            k = len(parts) - 1
            while k > 0 and fonts.width("".join(parts[:k]) + "-", piece.font, piece.size) > width - cur_w:
                k -= 1
            if k == 0:
                if cur:
                    lines.append(cur)
                    cur, cur_w = [], 0.0
                    continue
                break
            cur.append(_span(piece, "".join(parts[:k]) + "-", fonts))
            lines.append(cur)
            cur, cur_w = [], 0.0
            parts = parts[k:]
        piece = _span(piece, "".join(parts), fonts)
        if piece.width <= width - cur_w:
            cur.append(piece)
            cur_w += piece.width
            continue
        for ch in piece.text:  # the last resort: a piece longer than the line
            cw = fonts.width(ch, piece.font, piece.size)
            if cur and cur_w + cw > width:
                lines.append(cur)
                cur, cur_w = [], 0.0
            cur.append(_span(piece, ch, fonts))
            cur_w += cw
    lines.append(cur)
    return lines


def paragraph(ps: list[Piece], style: TextStyle, width: float, fonts: Fonts, where: str,
              bullet: str = "", indent: float = 0.0, language: str = "", slack: float = 0.0) -> Paragraph:
    """Pieces broken into lines of at most ``width`` less the share ``slack`` (kept by ``fonts``,
    and for the next builds by compose.memo: the result depends on nothing else, and ``where``
    only names the page in an error)."""
    key = (tuple(ps), style, width, bullet, indent, language, slack)
    found = fonts.paragraphs.get(key)
    if found is None:
        if len(fonts.paragraphs) > 100_000:  # a long batch: start afresh rather than grow
            fonts.paragraphs.clear()
        kept = memo.store(fonts, language)  # the paragraphs of earlier builds (compose.memo)
        found = kept.paragraph(key) if kept is not None else None
        if found is None:
            found = _paragraph(ps, style, width, fonts, where, bullet, indent, language, slack)
            if kept is not None:
                kept.add_paragraph(key, found)
        fonts.paragraphs[key] = found
    return found


def _paragraph(ps: list[Piece], style: TextStyle, width: float, fonts: Fonts, where: str,
               bullet: str, indent: float, language: str, slack: float = 0.0) -> Paragraph:
    spans = make_spans(ps, style, fonts, where)
    room = max(width - indent, 1.0)
    longer: list[float] = []
    lines = break_lines(spans, room * (1.0 - slack), fonts, style, language, longer)
    merged = _merge(list(spans), fonts) if spans else []
    return Paragraph(spans=_keep(merged, lines, fonts.nobreak()), lines=tuple(lines), size=style.size, leading=style.size * style.leading,
                     align=style.align, indent=indent, bullet=bullet, hang=style.size * 0.9 if bullet else 0.0,
                     space_before=style.space_before * style.size,
                     margin_right=room - wrap_width(lines, longer, room) if slack else 0.0)


def wrap_width(lines: list[Line], longer: list[float], room: float) -> float:
    """The width at which a wrapper that measures a little differently breaks where compose did:
    midway between the widest line and the narrowest line-plus-next-word, at most ``room``."""
    widest = max((ln.width for ln in lines), default=0.0)
    if not longer:
        return room
    return min(room, (widest + min(longer)) / 2)


def _keep(spans: list[Span], lines: list[Line], have: str) -> tuple[Span, ...]:
    """The spans with the break rules written into their text (compose.nobreak), for PPTX."""
    chars = rewrite("".join(s.text for s in spans), ["".join(s.text for s in ln.spans) for ln in lines], have)
    out, at = [], 0
    for sp in spans:
        text = "".join(chars[at:at + len(sp.text)])
        at += len(sp.text)
        out.append(Span(text, sp.font, sp.size, sp.color, sp.script, sp.link, sp.width, sp.lang, sp.ref))
    return tuple(out)


def height(paras: list[Paragraph]) -> float:
    return sum(p.space_before + max(len(p.lines), 1) * p.leading for p in paras) - (paras[0].space_before if paras else 0)
