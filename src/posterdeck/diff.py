"""posterdeck diff: what a data update changes, for medical, legal and regulatory review.

Compares two versions of the decks (two folders, or two git revisions of this project) and lists
every value that changed with every target, output and page that shows it, every text whose
wording changed and every reference added or removed. Writes Markdown and a self-contained HTML
page with before/after thumbnails of the changed pages, the changed areas outlined.

A value changed when any field of its study result that can print changed (value, CI, n, N,
unit, decimals, p, op, ... : every field of the result's model, so that new fields count without
changes here). Claims the new data no longer supports do not stop the report: they head it.
A deck folder copied out of its project (no ../shared beside it) finds its shared files in the
project given with --project, or else in the project of the current folder.
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
    fields: list[str] = field(default_factory=list)  # the fields of the result that changed: ["ci"]


@dataclass
class FailedClaim:
    deck: str
    side: str  # "new" or "old"
    message: str  # file:line: claim ... is no longer supported ...


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
    claims: list[FailedClaim] = field(default_factory=list)
    # with an approvals.yaml in the new version: (target, item key, "changed"/"new", pages), the
    # items shown that need (re-)approval; None without approvals
    approvals: list[tuple[str, str, str, list[str]]] | None = None


def resolve_side(spec: str, workdir: Path) -> Path:
    """A project folder for one side: a folder given as is, or a git revision exported."""
    path = Path(spec)
    if path.is_dir():
        return path.resolve()
    root = Path.cwd()
    from posterdeck.errors import require_tool

    require_tool("git", f"comparing the git revision {spec!r}", "install git, or give two folders")
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


def diff(old_spec: str, new_spec: str, thumbnails: bool = True, project: Path | None = None) -> list[DeckDiff]:
    """``project``: where a deck folder that sits outside a project finds the shared files it
    names (glossaries, markets) and the layouts; by default the project of the current folder."""
    from posterdeck.project import project_root

    if project is not None and not (project / "layouts").is_dir():
        raise UsageError(f"{project} is not a posterdeck project (no layouts/ folder)",
                         hint="give the folder that holds layouts/ and data/")
    home_project = project.resolve() if project is not None else project_root(Path.cwd())
    with tempfile.TemporaryDirectory(prefix="posterdeck-diff-") as tmp:
        old_side, new_side = resolve_side(old_spec, Path(tmp)), resolve_side(new_spec, Path(tmp))
        old_decks, new_decks = _decks(old_side), _decks(new_side)
        if not old_decks or not new_decks:
            raise UsageError("no decks found to compare", hint="give deck folders (with deck.yaml) or project folders")
        if len(old_decks) == 1 and len(new_decks) == 1 and set(old_decks) != set(new_decks):
            old_decks = {next(iter(new_decks)): next(iter(old_decks.values()))}
        return [_deck_diff(name, old_decks[name], new_decks[name], thumbnails, home_project)
                for name in sorted(set(old_decks) & set(new_decks))]


def _load(folder: Path, name: str, project: Path | None):
    """A deck as it stands, its claims not checked (a failed claim heads the report instead).
    A deck folder outside a project reads the shared files it names from ``project``, as if it
    sat in that project's data/ folder."""
    from posterdeck.errors import ErrorList, InputError, PosterdeckError
    from posterdeck.loading.deck import load_deck

    home = project / "data" / name if project is not None else None
    try:
        return load_deck(folder, home=home, claims=False)
    except PosterdeckError as exc:
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        missing = lambda e: any(w in e.message for w in ("not found", "no layouts/", "no market"))  # noqa: E731
        if any(missing(e) for e in errors):
            hint = (f"{folder} names files outside it (such as ../shared/...) that are not there"
                    + (f" nor in {project}" if project else "") +
                    ": run posterdeck diff from the project the deck belongs to, or give --project")
            raise ErrorList([InputError(e.message, e.location, hint) if missing(e) else e for e in errors]) from None
        raise


# fields of a result that never print: the leaf's label, a stated pct (checked against n/N, which
# is what prints) and the population an estimate's n is checked against
NOT_SHOWN = {"label", "pct", "population"}
# the fields the default rendering of each kind of result already shows (a count shows n/N too)
RENDERED = {"count": {"n", "N"}, "estimate": {"value"}, "pvalue": {"p", "op"}, "number": {"number"}}


def _fields(leaf, decimals: int) -> dict:
    """The printable fields of a result; a precision left to the study's default counts as that
    default (a count without a stated pct prints at the study's decimals)."""
    if leaf is None:
        return {}
    out = {k: v for k, v in leaf.model_dump().items() if k not in NOT_SHOWN}
    if "decimals" in out and out["decimals"] is None:
        out["decimals"] = decimals
    return out


def _raw(value) -> str:
    """A field's value as written in the study data: a CI as low–high."""
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return f"{_raw(value[0])}\u2013{_raw(value[1])}"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_raw(v)}" for k, v in value.items())
    return str(value)


def _as_written(model, path: str, key: str, value) -> str:
    """A field of the result at ``path`` as the study file writes it (0.90 stays 0.90, the
    loader keeps each number's text); a field not written there (a default) as _raw gives it."""
    src = model.sources.get("study") if getattr(model, "sources", None) else None
    raw = getattr(src, "raw", {}) or {}
    at = tuple(path.split(".")) + (key,)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        texts = [raw.get(at + (i,)) for i in range(2)]
        if all(isinstance(t, str) for t in texts):
            return f"{texts[0]}\u2013{texts[1]}"
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(raw.get(at), str):
        return raw[at]
    return _raw(value)


def value_changes(old, new, fmt, decimals: int) -> list[ValueChange]:
    """Every result whose printable fields differ between two models, generically over the
    fields of each result's model: what a reader sees first, then each changed field the
    default rendering does not show (a CI, a unit, the decimals) as written in the data."""
    from posterdeck.resolve.values import render_value

    def base(model, path: str) -> str:
        leaf = model.leaves.get(path)
        if leaf is None:
            return "(none)"
        try:
            return render_value(path, "", model.leaves, fmt, decimals)
        except Exception:  # a result with no default format
            return _raw(_fields(leaf, model.study.study.decimals))

    out = []
    for path in sorted(set(old.leaves) | set(new.leaves)):
        a, b = old.leaves.get(path), new.leaves.get(path)
        fa, fb = _fields(a, old.study.study.decimals), _fields(b, new.study.study.decimals)
        changed = sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))
        if not changed:
            continue
        shown = (base(old, path), base(new, path))
        kinds = RENDERED.get(getattr(b or a, "kind", ""), set())
        extra = [k for k in changed if k not in kinds or shown[0] == shown[1]]

        def side(model, leaf, fields, text):
            if leaf is None:
                return text
            parts = []
            if leaf.kind == "count":
                parts.append(f"n = {leaf.n}/{render_value(path, 'N', model.leaves, fmt, decimals)}")
            parts += [f"{k} = {_as_written(model, path, k, fields.get(k))}" for k in extra if not (leaf.kind == "count" and k in ("n", "N"))]
            return text + (f" [{'; '.join(parts)}]" if parts else "")

        label = getattr(b or a, "label", "") or ""
        out.append(ValueChange(path, label, side(old, a, fa, shown[0]), side(new, b, fb, shown[1]), fields=changed))
    return out


def _deck_diff(name: str, old_dir: Path, new_dir: Path, thumbnails: bool, project: Path | None = None) -> DeckDiff:
    from posterdeck.compose.build import compose
    from posterdeck.i18n import template
    from posterdeck.loading.tables import table_shape
    from posterdeck.resolve.claims import check_claims
    from posterdeck.resolve.target import make_target

    old, new = _load(old_dir, name, project), _load(new_dir, name, project)
    out = DeckDiff(name)
    for side, model in (("new", new), ("old", old)):
        out.claims += [FailedClaim(name, side, str(e).split("\n  hint:")[0]) for e in check_claims(model)]
    first = make_target(new.info.targets[0], new.info, new.markets)
    fmt = first.formats
    decimals = new.study.study.decimals
    out.values = value_changes(old, new, fmt, decimals)
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
    from posterdeck.review import approvals as review_approvals

    approved = review_approvals.load(new_dir)
    if approved is not None:
        out.approvals = []
    said: set[str] = set()  # the languages whose translations were compared (once per language)
    for tag in new.info.targets:
        if approved is None and tag not in old.info.targets:
            continue
        target = make_target(tag, new.info, new.markets)
        docs_new = compose(new, target)
        if approved is not None:  # every target of the new version, old or new: what must be approved again
            from posterdeck.review.items import collect

            review = review_approvals.mark(collect(new, target, docs_new), approved)
            out.approvals += [(tag, key, status, pages)
                              for key, (status, pages) in review_approvals.pending(review).items()]
        if tag not in old.info.targets:
            continue
        docs_old = compose(old, make_target(tag, old.info, old.markets))
        _translation_changes(out, docs_old, docs_new, target.language, new.info.source_language, said)
        for kind, doc in docs_new.items():
            if kind == "poster-screen":  # the screen poster of a print layout: poster.pdf speaks for it
                continue
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


def _translation_changes(out: DeckDiff, docs_old: dict, docs_new: dict, language: str, source_language: str,
                         said: set[str]) -> None:
    """The texts whose wording in ``language`` (a translation) changed, as "CONTEXT (de)": a
    reworded translation is a changed text as much as a reworded source."""
    if language == source_language or language in said:
        return
    said.add(language)

    def wording(docs: dict) -> dict:
        return {ctx: shown for d in docs.values() for ctx, (_, shown, _) in d.texts.items()}

    before, after = wording(docs_old), wording(docs_new)
    for ctx in sorted(set(before) | set(after)):
        if ctx in before and ctx in after and before[ctx] != after[ctx]:
            out.texts.append((f"{ctx} ({language})", before[ctx], after[ctx]))


def _thumbnails(out: DeckDiff, docs_old, docs_new, tag: str) -> None:
    """PNG thumbnails (poppler's pdftoppm) of each changed page of the first target, before/after."""
    if shutil.which("pdftoppm") is None:
        out.note = "Thumbnails need poppler's pdftoppm (apt-get install poppler-utils)."
        return
    from posterdeck.render.pdf import render_pdf

    with tempfile.TemporaryDirectory() as tmp:
        for kind in docs_new:
            if kind == "poster-screen":
                continue
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


def _claim_lines(diffs: list[DeckDiff]) -> list[str]:
    claims = [c for d in diffs for c in d.claims]
    if not claims:
        return []
    lines = [f"## Claims the data does not support ({len(claims)})", ""]
    for c in claims:
        lines.append(f"- **{c.deck}** ({'new version' if c.side == 'new' else 'old version'}): {c.message}")
    return lines + [""]


def _approval_lines(d: DeckDiff) -> list[str]:
    if d.approvals is None:
        return []
    lines = [f"### Needs re-approval ({len(d.approvals)} item(s) shown, not approved as they stand)", ""]
    lines += [f"- **{status}** `{key}` ({tag}): {', '.join(dict.fromkeys(pages))}" for tag, key, status, pages in d.approvals]
    return lines + ["", "Approve them after review with `posterdeck approve` (see README, Approvals).", ""]


def markdown(diffs: list[DeckDiff]) -> str:
    lines = ["# posterdeck change report", ""] + _claim_lines(diffs)
    for d in diffs:
        lines += [f"## {d.deck}", ""] + _approval_lines(d)
        lines += [f"### Values ({len(d.values)} changed)", ""]
        if d.values:
            lines += ["| value | old | new | shown on |", "|---|---|---|---|"]
            for v in d.values:
                where = "; ".join(v.where) or "(not shown)"
                lines.append(f"| `{v.path}` {v.label} ({', '.join(v.fields)}) | {v.old} | {v.new} | {where} |")
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
    claims = [c for d in diffs for c in d.claims]
    if claims:
        parts.append(f"<h2>Claims the data does not support ({len(claims)})</h2><ul>")
        parts += [f"<li><strong>{esc(c.deck)}</strong> ({'new' if c.side == 'new' else 'old'} version): "
                  f"{esc(c.message)}</li>" for c in claims]
        parts.append("</ul>")
    for d in diffs:
        parts.append(f"<h2>{esc(d.deck)}</h2>")
        if d.approvals is not None:
            parts.append(f"<h3>Needs re-approval ({len(d.approvals)})</h3><ul>")
            parts += [f"<li class='reapprove'><strong>{esc(status)}</strong> <code>{esc(key)}</code> ({esc(tag)}): "
                      f"{esc(', '.join(dict.fromkeys(pages)))}</li>" for tag, key, status, pages in d.approvals]
            parts.append("</ul>")
        parts.append(f"<h3>Values ({len(d.values)} changed)</h3>")
        if d.values:
            parts.append("<table><tr><th>value</th><th>old</th><th>new</th><th>shown on</th></tr>")
            for v in d.values:
                parts.append(f"<tr><td><code>{esc(v.path)}</code> ({esc(', '.join(v.fields))})<br>{esc(v.label)}</td>"
                             f"<td><del>{esc(v.old)}</del></td>"
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
