"""review.html: one self-contained page (pictures as data: URIs, CSS and a little vanilla JS
inline, no request leaves the file). Each page picture carries clickable numbered markers over
its items' marks; each marker leads to its callout, each callout back to its marker; the
callouts can be filtered by status and kind."""
from __future__ import annotations

import base64
from html import escape

from posterdeck.review.items import TargetReview, shown_doc
from posterdeck.review.pack.common import (KINDS, STATUS, Callout, Pictures, callouts, needs_approval, on_page,
                                           ink, leader, page_title, place_markers, status_counts,
                                           status_of)

NOMINAL = 800.0  # px: about the width a page picture gets in a 1400 px window
MARKER = 22.0  # px: a marker's height (the CSS below)

CSS = """
:root{--ink:#111827;--muted:#5b6472;--line:#d1d5db}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#f3f4f6}
header.top{position:sticky;top:0;z-index:10;background:#fff;border-bottom:1px solid var(--line);padding:8px 16px}
header.top h1{font-size:17px;margin:0 0 4px}
.filters{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;color:var(--muted)}
.filters label{white-space:nowrap}
section.page{display:grid;grid-template-columns:minmax(0,3fr) minmax(300px,2fr);gap:16px;padding:16px;
 border-bottom:1px solid var(--line)}
section.page h2{grid-column:1/-1;margin:0;font-size:16px}
section.page h2 span{font-weight:normal;color:var(--muted);font-size:13px}
.frame{align-self:start;overflow:auto;max-height:calc(100vh - 140px);position:sticky;top:90px}
.sheet{position:relative;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.2)}
.sheet.zoom{width:250%}
button.zoom{font:13px system-ui,sans-serif;margin-left:12px;vertical-align:middle}
.sheet img{display:block;width:100%;height:auto}
.box{position:absolute;border:2px solid var(--c);pointer-events:none}
svg.leaders{position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none}
svg.leaders line{stroke-width:1.2px;vector-effect:non-scaling-stroke}
.marker{position:absolute;min-width:22px;height:22px;padding:0 5px;border-radius:11px;
 background:var(--c);color:#fff;font:bold 12px/22px system-ui,sans-serif;text-align:center;text-decoration:none;
 border:1.5px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.5)}
.marker:focus,.marker.active{outline:3px solid #facc15;z-index:5}
ol.callouts{list-style:none;margin:0;padding:0;max-height:calc(100vh - 140px);overflow:auto;position:sticky;top:90px;align-self:start}
.callout{background:#fff;border-left:5px solid var(--c);margin:0 0 8px;padding:6px 10px;scroll-margin-top:100px}
.callout.active{outline:3px solid #facc15}
.callout h3{margin:0;font-size:14px;display:flex;gap:8px;align-items:baseline}
.num{flex:none;min-width:22px;height:22px;border-radius:11px;background:var(--c);color:#fff;text-align:center;
 font:bold 12px/22px system-ui,sans-serif;padding:0 5px}
.status{color:var(--c);font-weight:600;white-space:nowrap}
.callout dl{display:grid;grid-template-columns:max-content 1fr;gap:0 10px;margin:4px 0 0;font-size:13px}
.callout dt{color:var(--muted)}.callout dd{margin:0;overflow-wrap:anywhere}
.shown{margin:3px 0 0;font-size:13px}
.goto{font-size:12px}
.hidden{display:none!important}
section.summary{padding:8px 16px 0;font-size:13px}
section.summary summary{font-weight:600;cursor:pointer}
section.summary ul{margin:4px 0 8px;padding-left:4px;list-style:none;columns:2 360px}
section.summary .status{color:var(--c)}
@media print{header.top{position:static}ol.callouts{max-height:none;position:static}section.page{break-inside:avoid-page}}
"""

JS = """
(function(){
  function activate(el){
    document.querySelectorAll('.active').forEach(function(e){e.classList.remove('active');});
    if(!el) return;
    el.classList.add('active');
    el.scrollIntoView({block:'center'});
  }
  document.addEventListener('click', function(ev){
    var a = ev.target.closest('a.marker, a.goto, a.jump');
    if(!a) return;
    ev.preventDefault();
    var el = document.getElementById(a.getAttribute('href').slice(1));
    activate(el);
    if(el && history.replaceState) history.replaceState(null, '', '#' + el.id);
  });
  function filter(){
    var off = {};
    document.querySelectorAll('.filters input').forEach(function(i){ if(!i.checked) off[i.value] = true; });
    document.querySelectorAll('[data-status]').forEach(function(e){
      e.classList.toggle('hidden', !!(off['status:' + e.dataset.status] || off['kind:' + e.dataset.kind]));
    });
  }
  document.querySelectorAll('.filters input').forEach(function(i){ i.addEventListener('change', filter); });
  document.querySelectorAll('button.zoom').forEach(function(b){
    b.addEventListener('click', function(){
      var sheet = document.getElementById(b.dataset.sheet);
      var on = sheet.classList.toggle('zoom');
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.textContent = on ? 'fit the page' : 'zoom in';
    });
  });
  if(location.hash){ activate(document.getElementById(location.hash.slice(1))); }
})();
"""


def write_html(review: TargetReview, docs: dict, files: dict[str, bytes], pictures: Pictures) -> str:
    numbered = callouts(review)
    every = [c for mine in numbered for c in mine]
    title = f"Review pack: {review.deck} {review.target}"
    out = [f'<!DOCTYPE html>\n<html lang="{escape(review.language or "en")}">\n<head>\n<meta charset="utf-8">\n'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
           f"style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
           f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
           f'<header class="top"><h1>{escape(title)}</h1>{_filters(every)}</header>\n<main>\n']
    out.append(_summary(review, numbered))
    for page, mine in zip(review.pages, numbered):
        out.append(_section(page, mine, docs, pictures))
    out.append(f"</main>\n<script>{JS}</script>\n</body>\n</html>\n")
    return "".join(out)


def _summary(review: TargetReview, numbered: list[list[Callout]]) -> str:
    """What needs approval (each linked to its callout) and the pages (linked to their sections)."""
    todo = needs_approval(numbered)
    counts = status_counts(numbered)
    rows = []
    for c in todo:
        words, colour = status_of(c.item)
        rows.append(f'<li style="--c:{colour}"><a class="jump" href="#c{c.number}">{c.number}</a> '
                    f'{escape(c.item.kind)}: {escape(c.item.label)} <span class="status">{escape(words)}</span>, '
                    f'{escape(page_title(c.page))}</li>')
    if not todo:
        rows.append("<li>None: no item is new or changed since its approval.</li>" if counts.get("approved")
                    else "<li>No approvals are recorded for this target.</li>")
    pages = "".join(f'<li><a href="#{p.output}-{p.index + 1}">{escape(page_title(p))}</a> ({len(mine)} item(s))</li>'
                    for p, mine in zip(review.pages, numbered))
    return (f'<section class="summary" id="summary"><details{" open" if todo else ""}>'
            f"<summary>Needs approval: {len(todo)} item(s)</summary><ul>{''.join(rows)}</ul></details>"
            f"<details><summary>Pages: {len(review.pages)}</summary><ul>{pages}</ul></details></section>\n")


def _filters(every: list[Callout]) -> str:
    counts: dict[str, int] = {}
    for c in every:
        counts["status:" + c.item.status] = counts.get("status:" + c.item.status, 0) + 1
        counts["kind:" + c.item.kind] = counts.get("kind:" + c.item.kind, 0) + 1
    boxes = [f"<span>{len(every)} item(s). Show:</span>"]
    for status, (words, colour) in STATUS.items():
        if counts.get("status:" + status):
            boxes.append(f'<label style="color:{colour}"><input type="checkbox" checked value="status:{status}"> '
                         f'{escape(words)} ({counts["status:" + status]})</label>')
    for kind in KINDS + tuple(sorted({c.item.kind for c in every} - set(KINDS))):
        if counts.get("kind:" + kind):
            boxes.append(f'<label><input type="checkbox" checked value="kind:{escape(kind)}"> '
                         f'{escape(kind)} ({counts["kind:" + kind]})</label>')
    return f'<div class="filters">{"".join(boxes)}</div>'


def _section(page, mine: list[Callout], docs: dict, pictures: Pictures) -> str:
    title = page_title(page)
    sid = f"{page.output}-{page.index + 1}"
    doc = shown_doc(docs, page.output)
    model_page = doc.pages[page.index] if doc is not None and page.index < len(doc.pages) else None
    png = pictures.png.get((page.output, page.index))
    parts = [f'<section class="page" id="{sid}">\n<h2>{escape(title)} <span>({len(mine)} item(s))</span>']
    if model_page is not None and png is not None:
        parts.append(f'<button type="button" class="zoom" data-sheet="sheet-{sid}" aria-pressed="false">zoom in</button>')
    parts.append("</h2>\n")
    if model_page is not None and png is not None:
        W, H = model_page.width, model_page.height
        k = NOMINAL / W  # px per point at the nominal width markers are kept apart at
        where = place_markers(mine, W, H, MARKER / k, 7.5 / k, ink(model_page))
        src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        parts.append(f'<div class="frame"><div class="sheet" id="sheet-{sid}"><img src="{src}" alt="{escape(title)} as built">')
        lines = []  # thin leaders from each marker to its mark, drawn under the markers
        for c in mine:
            for n, m in enumerate(c.item.marks):
                line = leader(where[(c.number, n)], MARKER / k, on_page(m, W, H) or m)
                if line is not None:
                    lines.append(f'<line x1="{line[0]:.1f}" y1="{line[1]:.1f}" x2="{line[2]:.1f}" y2="{line[3]:.1f}" '
                                 f'stroke="{status_of(c.item)[1]}" data-status="{escape(c.item.status)}" '
                                 f'data-kind="{escape(c.item.kind)}"/>')
        if lines:
            parts.append(f'<svg class="leaders" viewBox="0 0 {W:.1f} {H:.1f}" preserveAspectRatio="none" '
                         f'aria-hidden="true">{"".join(lines)}</svg>')
        for c in mine:
            colour = status_of(c.item)[1]
            attrs = f'data-status="{escape(c.item.status)}" data-kind="{escape(c.item.kind)}" style="--c:{colour};'
            for m in filter(None, (on_page(m, W, H) for m in c.item.marks)):
                box = (f"left:{100 * m.x / W:.3f}%;top:{100 * m.y / H:.3f}%;"
                       f"width:{100 * m.w / W:.3f}%;height:{100 * m.h / H:.3f}%")
                parts.append(f'<span class="box" {attrs}{box}"></span>')
            for n, m in enumerate(c.item.marks):
                x, y, _ = where[(c.number, n)]
                mid = f"m{c.number}" + (f"-{n + 1}" if n else "")
                parts.append(f'<a class="marker" id="{mid}" href="#c{c.number}" {attrs}left:{100 * x / W:.3f}%;'
                             f'top:{100 * y / H:.3f}%" title="{escape(c.item.kind)}: {escape(c.item.label)}">'
                             f"{c.number}</a>")
        parts.append("</div></div>\n")
    else:
        parts.append('<div class="sheet"><p>The page is not in this build\'s files.</p></div>\n')
    parts.append('<ol class="callouts">\n')
    if not mine:
        parts.append("<li>No review items on this page.</li>\n")
    for c in mine:
        parts.append(_callout(c))
    parts.append("</ol>\n</section>\n")
    return "".join(parts)


def _callout(c: Callout) -> str:
    item = c.item
    words, colour = status_of(item)
    rows = list(item.details)
    rows.append(("status", words + (f" ({item.approved})" if item.approved else "")))
    if item.where and ("defined at", item.where) not in rows:  # said once
        rows.append(("where", item.where))
    dl = "".join(f"<dt>{escape(name)}</dt><dd>{escape(text)}</dd>" for name, text in rows)
    shown = (f'<p class="shown">as shown: \u201c{escape(item.shown)}\u201d</p>'
             if item.shown and item.shown != item.label else "")
    goto = (f'<a class="goto" href="#m{c.number}">show on the page</a>' if item.marks
            else '<span class="goto">not marked on the page</span>')
    return (f'<li class="callout" id="c{c.number}" data-key="{escape(item.key)}" data-status="{escape(item.status)}" '
            f'data-kind="{escape(item.kind)}" style="--c:{colour}">'
            f'<h3><span class="num">{c.number}</span><span>{escape(item.kind)}: {escape(item.label)}</span> '
            f'<span class="status">{escape(words)}</span></h3>{shown}<dl>{dl}</dl>{goto}</li>\n')
