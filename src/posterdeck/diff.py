"""posterdeck diff: what a data update changes, for medical, legal and regulatory review.

Compares two versions of the decks (two folders, or two git revisions of this project) and lists
every value that changed with every target, output and page that shows it, every text whose
wording changed and every reference added or removed. Writes Markdown and a self-contained HTML
page with before/after thumbnails of the changed pages, the changed areas outlined.
"""
from __future__ import annotations

import base64
import html
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from posterdeck.errors import UsageError


@dataclass
class ValueChange:
    path: str
    label: str
    old: str
    new: str
    where: list[str] = field(default_factory=list)  # "en-NL deck.pptx slide 3 (crcri)"


@dataclass
class PageChange:
    target: str
    output: str  # "deck" or "poster"
    index: int  # 0-based page index
    name: str
    before: bytes = b""  # PNG thumbnails
    after: bytes = b""


@dataclass
class DeckDiff:
    deck: str
    values: list[ValueChange] = field(default_factory=list)
    texts: list[tuple[str, str, str]] = field(default_factory=list)  # context, old, new ("" = added/removed)
    refs_added: list[str] = field(default_factory=list)
    refs_removed: list[str] = field(default_factory=list)
    pages: list[PageChange] = field(default_factory=list)
    note: str = ""


def resolve_side(spec: str, workdir: Path) -> Path:
    """A project folder for one side: a folder given as is, or a git revision exported."""
    path = Path(spec)
    if path.is_dir():
        return path.resolve()
    root = Path.cwd()
    probe = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", f"{spec}^{{commit}}"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        raise UsageError(f"{spec!r} is neither a folder nor a git revision of {root}",
                         hint="give two deck folders, two project folders, or two revisions such as HEAD~1 HEAD")
    dest = workdir / spec.replace("/", "_").replace("~", "-").replace("^", "-")
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(root), "archive", spec, "data", "layouts"], capture_output=True)
    if archive.returncode != 0:
        raise UsageError(f"git archive {spec} failed: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def _decks(side: Path) -> dict[str, Path]:
    if (side / "deck.yaml").is_file():
        return {side.name: side}
    return {p.parent.name: p.parent for p in sorted((side / "data").glob("*/deck.yaml"))}


def diff(old_spec: str, new_spec: str, thumbnails: bool = True) -> list[DeckDiff]:
    with tempfile.TemporaryDirectory(prefix="posterdeck-diff-") as tmp:
        old_side, new_side = resolve_side(old_spec, Path(tmp)), resolve_side(new_spec, Path(tmp))
        old_decks, new_decks = _decks(old_side), _decks(new_side)
        if not old_decks or not new_decks:
            raise UsageError("no decks found to compare", hint="give deck folders (with deck.yaml) or project folders")
        if len(old_decks) == 1 and len(new_decks) == 1 and set(old_decks) != set(new_decks):
            old_decks = {next(iter(new_decks)): next(iter(old_decks.values()))}
        return [_deck_diff(name, old_decks[name], new_decks[name], thumbnails)
                for name in sorted(set(old_decks) & set(new_decks))]


def _deck_diff(name: str, old_dir: Path, new_dir: Path, thumbnails: bool) -> DeckDiff:
    from posterdeck.compose.build import compose
    from posterdeck.i18n import template
    from posterdeck.loading.deck import load_deck
    from posterdeck.loading.tables import table_shape
    from posterdeck.resolve.target import make_target
    from posterdeck.resolve.values import render_value

    old, new = load_deck(old_dir), load_deck(new_dir)
    out = DeckDiff(name)
    first = make_target(new.info.targets[0], new.info, new.markets)
    fmt = first.formats
    decimals = new.study.study.decimals

    def show(model, path):
        leaf = model.leaves.get(path)
        if leaf is None:
            return "(none)"
        try:
            return render_value(path, "", model.leaves, fmt, decimals) + (
                f" [n = {leaf.n}/{render_value(path, 'N', model.leaves, fmt, decimals)}]" if leaf.kind == "count" else "")
        except Exception:  # a value with no default format (e.g. a number without decimals)
            return repr(leaf)

    for path in sorted(set(old.leaves) | set(new.leaves)):
        a, b = old.leaves.get(path), new.leaves.get(path)
        if show(old, path) != show(new, path):  # what a reader sees changed (not a label or a stated pct)
            label = getattr(b or a, "label", "") or ""
            out.values.append(ValueChange(path, label, show(old, path), show(new, path)))
    for kind in ("tables", "curves"):
        # a table's results are values of their own (above): here only its rows, terms and paths
        same = table_shape if kind == "tables" else (lambda x: x)
        for key in sorted(set(getattr(old.study, kind)) | set(getattr(new.study, kind))):
            a, b = getattr(old.study, kind).get(key), getattr(new.study, kind).get(key)
            if same(a) != same(b):
                out.values.append(ValueChange(f"{kind}.{key}", "", "(changed)", "(changed)"))
    old_texts = {c: raw for c, raw, *_ in template(old)}
    new_texts = {c: raw for c, raw, *_ in template(new)}
    for ctx in sorted(set(old_texts) | set(new_texts)):
        if old_texts.get(ctx) != new_texts.get(ctx):
            out.texts.append((ctx, old_texts.get(ctx, ""), new_texts.get(ctx, "")))
    out.refs_added = sorted(set(new.references) - set(old.references))
    out.refs_removed = sorted(set(old.references) - set(new.references))

    changed_paths = {v.path for v in out.values}
    # a changed population changes every count that uses it as N: those pages show it too
    for v in list(out.values):
        if v.path.startswith("populations."):
            pop = v.path.split(".", 1)[1]
            changed_paths.update(p for p, leaf in new.leaves.items() if getattr(leaf, "N", None) == pop)
    for tag in new.info.targets:
        if tag not in old.info.targets:
            continue
        docs_new = compose(new, make_target(tag, new.info, new.markets))
        docs_old = compose(old, make_target(tag, old.info, old.markets))
        for kind, doc in docs_new.items():
            before = docs_old.get(kind)
            fname = "deck.pptx" if kind == "deck" else "poster.pdf"
            for i, page in enumerate(doc.pages):
                shown = set(page.sources) & changed_paths
                for v in out.values:
                    if v.path in shown:
                        v.where.append(f"{tag} {fname} {page.name}")
                old_page = before.pages[i] if before and i < len(before.pages) else None
                if old_page is None or old_page.text() != page.text():
                    out.pages.append(PageChange(tag, kind, i, page.name))
        if thumbnails and tag == new.info.targets[0]:
            _thumbnails(out, docs_old, docs_new, tag)
    return out


def _thumbnails(out: DeckDiff, docs_old, docs_new, tag: str) -> None:
    """PNG thumbnails (poppler's pdftoppm) of each changed page of the first target, before/after."""
    if shutil.which("pdftoppm") is None:
        out.note = "Thumbnails need poppler's pdftoppm (apt-get install poppler-utils)."
        return
    from posterdeck.render.pdf import render_pdf

    with tempfile.TemporaryDirectory() as tmp:
        for kind in docs_new:
            wanted = [p for p in out.pages if p.target == tag and p.output == kind]
            if not wanted or kind not in docs_old:
                continue
            for side, docs in (("before", docs_old), ("after", docs_new)):
                pdf = Path(tmp) / f"{kind}-{side}.pdf"
                pdf.write_bytes(render_pdf(docs[kind], mode="screen"))
                for p in wanted:
                    if p.index >= len(docs[kind].pages):
                        continue
                    stem = Path(tmp) / f"{kind}-{side}-{p.index}"
                    dpi = "40" if kind == "deck" else "12"
                    subprocess.run(["pdftoppm", "-png", "-r", dpi, "-f", str(p.index + 1), "-l", str(p.index + 1),
                                    "-singlefile", str(pdf), str(stem)], check=True, capture_output=True)
                    setattr(p, side, Path(f"{stem}.png").read_bytes())
            for p in wanted:
                if p.before and p.after:
                    p.after = _outline_changes(p.before, p.after)


def _outline_changes(before: bytes, after: bytes) -> bytes:
    """The after image with red boxes round the areas that differ from the before image."""
    import io

    from PIL import Image, ImageChops, ImageDraw

    a = Image.open(io.BytesIO(before)).convert("RGB")
    b = Image.open(io.BytesIO(after)).convert("RGB")
    if a.size != b.size:
        a = a.resize(b.size)
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 24 else 0)
    draw = ImageDraw.Draw(b)
    cell = 12
    w, h = b.size
    for y in range(0, h, cell):
        row = None
        for x in range(0, w + cell, cell):
            hit = x < w and diff.crop((x, y, min(x + cell, w), min(y + cell, h))).getbbox() is not None
            if hit and row is None:
                row = x
            elif not hit and row is not None:
                draw.rectangle((row, y, min(x, w) - 1, min(y + cell, h) - 1), outline=(220, 0, 0), width=2)
                row = None
    buf = io.BytesIO()
    b.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def markdown(diffs: list[DeckDiff]) -> str:
    lines = ["# posterdeck change report", ""]
    for d in diffs:
        lines += [f"## {d.deck}", ""]
        lines += [f"### Values ({len(d.values)} changed)", ""]
        if d.values:
            lines += ["| value | old | new | shown on |", "|---|---|---|---|"]
            for v in d.values:
                where = "; ".join(v.where) or "(not shown)"
                lines.append(f"| `{v.path}` {v.label} | {v.old} | {v.new} | {where} |")
        lines += ["", f"### Wording ({len(d.texts)} texts changed)", ""]
        for ctx, old, new in d.texts:
            lines.append(f"- `{ctx}`: ~~{old or '(new)'}~~ → {new or '(removed)'}")
        lines += ["", "### References", "",
                  f"- added: {', '.join(d.refs_added) or 'none'}", f"- removed: {', '.join(d.refs_removed) or 'none'}",
                  "", f"### Pages that changed ({len(d.pages)})", ""]
        lines += [f"- {p.target} {'deck.pptx' if p.output == 'deck' else 'poster.pdf'}: {p.name}" for p in d.pages]
        if d.note:
            lines += ["", d.note]
        lines.append("")
    return "\n".join(lines)


def html_report(diffs: list[DeckDiff]) -> str:
    esc = html.escape
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>posterdeck change report</title>",
             "<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
             "del{color:#b00}ins{color:#070;text-decoration:none;font-weight:bold}"
             ".pair{display:flex;gap:1em;margin:1em 0}.pair figure{margin:0}img{border:1px solid #999;max-width:48vw}"
             "</style></head><body><h1>posterdeck change report</h1>"]
    for d in diffs:
        parts.append(f"<h2>{esc(d.deck)}</h2><h3>Values ({len(d.values)} changed)</h3>")
        if d.values:
            parts.append("<table><tr><th>value</th><th>old</th><th>new</th><th>shown on</th></tr>")
            for v in d.values:
                parts.append(f"<tr><td><code>{esc(v.path)}</code><br>{esc(v.label)}</td><td><del>{esc(v.old)}</del></td>"
                             f"<td><ins>{esc(v.new)}</ins></td><td>{'<br>'.join(esc(w) for w in v.where) or '(not shown)'}</td></tr>")
            parts.append("</table>")
        parts.append(f"<h3>Wording ({len(d.texts)} texts changed)</h3><ul>")
        for ctx, old, new in d.texts:
            parts.append(f"<li><code>{esc(ctx)}</code>: <del>{esc(old or '(new)')}</del> → <ins>{esc(new or '(removed)')}</ins></li>")
        parts.append(f"</ul><h3>References</h3><p>added: {esc(', '.join(d.refs_added) or 'none')}; "
                     f"removed: {esc(', '.join(d.refs_removed) or 'none')}</p><h3>Pages that changed ({len(d.pages)})</h3>")
        for p in d.pages:
            title = f"{p.target} {'deck' if p.output == 'deck' else 'poster'}: {p.name}"
            if p.before and p.after:
                parts.append(f"<h4>{esc(title)}</h4><div class='pair'>"
                             f"<figure><img alt='before' src='data:image/png;base64,{base64.b64encode(p.before).decode()}'>"
                             f"<figcaption>before</figcaption></figure>"
                             f"<figure><img alt='after, changes outlined in red' src='data:image/png;base64,"
                             f"{base64.b64encode(p.after).decode()}'><figcaption>after (changes outlined)</figcaption>"
                             f"</figure></div>")
            else:
                parts.append(f"<p>{esc(title)}</p>")
        if d.note:
            parts.append(f"<p><em>{esc(d.note)}</em></p>")
    parts.append("</body></html>")
    return "\n".join(parts)
