"""A report a person can read: one self-contained HTML page for a scan or a ``check``.

The page loads nothing from anywhere (a Content-Security-Policy forbids it), so it can be mailed,
archived or opened offline. Every piece of document text is escaped; the only script is the
page's own keyboard navigation.
"""
from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from .scan import rank_key

if TYPE_CHECKING:
    from .checking import FileResult

MAX_TEXT_CHARS = 200_000  # of one document's text shown; the rest is cut with a note


@dataclass(frozen=True)
class Entry:
    """A scan record and, when it could be read back unchanged, the text its offsets refer to."""

    record: dict
    text: str | None = None
    note: str = ""  # why the text is missing


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


_CSS = """
:root{--fg:#1d1d1f;--muted:#6b6b70;--line:#ddd;--spun:#b3261e;--clean:#1e7b34;--err:#8a5a00;--hl:#ffe08a;
--orig:#0b6e4f}
*{box-sizing:border-box}body{font:15px/1.5 system-ui,sans-serif;color:var(--fg);margin:0 auto;max-width:72rem;
padding:1rem 1.5rem 4rem}h1{margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}
.summary,.meta,.note{color:var(--muted)}kbd{border:1px solid #bbb;border-radius:3px;padding:0 .3em;
font:13px monospace;background:#f6f6f6}table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.v-spun{color:var(--spun);font-weight:600}
.v-clean{color:var(--clean)}.v-error{color:var(--err)}article.doc{border-top:2px solid var(--line);
margin-top:2rem;padding-top:.5rem;outline:none}article.doc.current-doc{border-top-color:var(--spun)}
pre.text{white-space:pre-wrap;word-wrap:break-word;font:14px/1.7 Georgia,serif;background:#fafafa;
border:1px solid var(--line);padding:.8rem 1rem;max-height:36rem;overflow:auto}
mark.f{background:var(--hl);border-radius:2px;padding:0 1px;outline:none}
mark.f.current{background:#ffb347;box-shadow:0 0 0 2px var(--spun)}
.orig{color:var(--orig);font:italic 12px system-ui,sans-serif;margin-left:2px;vertical-align:super}
.orig::before{content:"\\2192\\00a0"}svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
svg rect.bar{fill:#c0504d}svg rect.bar.zero{fill:#7fae8c}.err{color:var(--err)}
"""

_JS = """
(function () {
  "use strict";
  var finds = Array.prototype.slice.call(document.querySelectorAll("mark.f"));
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var fi = -1, di = -1;
  function mark(list, i, cls) {
    document.querySelectorAll("." + cls).forEach(function (el) { el.classList.remove(cls); });
    var el = list[i];
    el.classList.add(cls);
    el.focus({preventScroll: true});
    el.scrollIntoView({block: "center"});
  }
  function toFinding(i) {
    if (!finds.length) return;
    fi = Math.max(0, Math.min(finds.length - 1, i));
    mark(finds, fi, "current");
    di = docs.indexOf(finds[fi].closest("article.doc"));
    document.querySelectorAll(".current-doc").forEach(function (el) { el.classList.remove("current-doc"); });
    if (di >= 0) docs[di].classList.add("current-doc");
  }
  function toDocument(i) {
    if (!docs.length) return;
    di = Math.max(0, Math.min(docs.length - 1, i));
    mark(docs, di, "current-doc");
    var first = finds.findIndex(function (f) { return docs[di].contains(f); });
    fi = first >= 0 ? first - 1 : fi;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    switch (e.key) {
      case "j": toFinding(fi + 1); break;
      case "k": toFinding(fi - 1); break;
      case "n": toDocument(di + 1); break;
      case "p": toDocument(di - 1); break;
      case "t": window.scrollTo(0, 0); break;
      default: return;
    }
    e.preventDefault();
  });
  document.documentElement.setAttribute("data-ready", "1");
})();
"""

_KEYS = ("<p class=\"keys\">Keyboard: <kbd>j</kbd> / <kbd>k</kbd> next / previous finding, "
         "<kbd>n</kbd> / <kbd>p</kbd> next / previous document, <kbd>t</kbd> back to the top. "
         "Highlighted words look spun; the suggested original follows each one after an arrow.</p></header>")
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def render(entries: Iterable[Entry], title: str = "unspin report") -> str:
    """The whole page: summary, density chart, ranked table, errors, then each shown document."""
    ranked = sorted(entries, key=lambda en: rank_key(en.record))
    docs = [en for en in ranked if en.record.get("verdict") != "error"]
    errors = [en for en in ranked if en.record.get("verdict") == "error"]
    spun = sum(en.record.get("verdict") == "spun" for en in docs)
    words = sum(int(en.record.get("words", 0)) for en in docs)
    anchors = {id(en): f"d{k}" for k, en in enumerate((en for en in docs if en.text is not None), 1)}
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title)}</h1>",
        (f"<p class=\"summary\">{len(docs) + len(errors):,} documents: {spun:,} spun, {len(docs) - spun:,} clean, "
         f"{len(errors):,} not analysed; {words:,} words.</p>"),
        _KEYS,
        "<section id=\"chart\"><h2>Spin density across the documents</h2>",
        density_chart([float(en.record.get("density", 0.0)) for en in docs]),
        "</section>",
        "<section id=\"ranking\"><h2>Documents, most suspicious first</h2>",
        _ranking_table(docs, anchors),
        "</section>",
    ]
    if errors:
        out.append("<section id=\"errors\"><h2>Not analysed</h2><table><thead><tr><th>Document</th><th>Error</th>"
                   "</tr></thead><tbody>")
        out += [f"<tr><td>{_e(en.record.get('id', ''))}</td><td class=\"err\">{_e(en.record.get('error', ''))}</td></tr>"
                for en in errors]
        out.append("</tbody></table></section>")
    out.append("<main id=\"documents\">")
    out += [_document(en, anchors[id(en)]) for en in docs if en.text is not None]
    out.append(f"</main><script>{_JS}</script></body></html>\n")
    return "\n".join(out)


def _ranking_table(docs: list[Entry], anchors: dict[int, str]) -> str:
    rows = [("<table><thead><tr><th>#</th><th>Document</th><th>Verdict</th><th>Spin score</th><th>Findings</th>"
             "<th>Per 1k words</th><th>Words</th><th>Tortured phrases</th></tr></thead><tbody>")]
    for k, en in enumerate(docs, 1):
        r = en.record
        name = _e(r.get("id", ""))
        link = f"<a href=\"#{anchors[id(en)]}\">{name}</a>" if id(en) in anchors else name
        if en.note:
            link += f"<br><span class=\"note\">text not shown: {_e(en.note)}</span>"
        verdict = _e(r.get("verdict", ""))
        rows.append(f"<tr><td class=\"n\">{k}</td><td>{link}</td><td class=\"v-{verdict}\">{verdict}</td>"
                    f"<td class=\"n\">{float(r.get('spin_score', 0)):.3f}</td><td class=\"n\">{int(r.get('findings', 0)):,}"
                    f"</td><td class=\"n\">{float(r.get('density', 0)):.1f}</td><td class=\"n\">{int(r.get('words', 0)):,}"
                    f"</td><td class=\"n\">{int(r.get('tortured_phrases', 0)):,}</td></tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def density_chart(densities: list[float], width: int = 640, height: int = 170) -> str:
    """An inline SVG histogram of findings per 1,000 words, one bar per range of density."""
    if not densities:
        return "<p class=\"note\">No analysed documents.</p>"
    top = max(densities)
    bins = 12 if top > 0 else 1
    step = top / bins if top > 0 else 1.0
    counts = [0] * bins
    for d in densities:
        counts[min(bins - 1, int(d / step))] += 1
    left, bottom, top_margin = 36, 28, 26
    plot_h = height - bottom - top_margin
    bar_w = (width - left - 8) / bins
    peak = max(counts)
    parts = [(f"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" "
              f"aria-label=\"Histogram of findings per 1,000 words\" viewBox=\"0 0 {width} {height}\">")]
    for i, n in enumerate(counts):
        h = 0 if peak == 0 else plot_h * n / peak
        x, y = left + i * bar_w, height - bottom - h
        lo, hi = i * step, (i + 1) * step
        label = f"{lo:.1f}–{hi:.1f} per 1k words: {n} documents" if top > 0 else f"0 per 1k words: {n} documents"
        cls = "bar zero" if i == 0 else "bar"
        parts.append(f"<rect class=\"{cls}\" x=\"{x + 1:.1f}\" y=\"{y:.1f}\" width=\"{max(bar_w - 2, 1):.1f}\" "
                     f"height=\"{h:.1f}\"><title>{_e(label)}</title></rect>")
        if n:
            parts.append(f"<text x=\"{x + bar_w / 2:.1f}\" y=\"{y - 3:.1f}\" text-anchor=\"middle\">{n}</text>")
    parts.append(f"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - 8}\" y2=\"{height - bottom}\" "
                 "stroke=\"#999\"/>")
    for frac, anchor in ((0.0, "start"), (0.5, "middle"), (1.0, "end")):
        x = left + frac * (width - left - 8)
        parts.append(f"<text x=\"{x:.1f}\" y=\"{height - bottom + 14}\" text-anchor=\"{anchor}\">{frac * top:.1f}"
                     "</text>")
    parts.append(f"<text x=\"{width / 2:.0f}\" y=\"{height - 2}\" text-anchor=\"middle\">findings per 1,000 words"
                 "</text>")
    parts.append(f"<text x=\"4\" y=\"12\">documents (max {peak})</text></svg>")
    return "".join(parts)


def _document(en: Entry, anchor: str) -> str:
    r = en.record
    verdict = _e(r.get("verdict", ""))
    head = (f"<article class=\"doc\" id=\"{anchor}\" tabindex=\"-1\"><h2>{_e(r.get('id', ''))}</h2>"
            f"<p class=\"meta\"><span class=\"v-{verdict}\">{verdict}</span> · spin score "
            f"{float(r.get('spin_score', 0)):.3f} · {int(r.get('findings', 0)):,} findings · "
            f"{float(r.get('density', 0)):.1f} per 1k words · {int(r.get('words', 0)):,} words · "
            f"{int(r.get('tortured_phrases', 0)):,} tortured phrases</p>")
    notes = [r["positions"]] if r.get("positions") else []
    text = en.text or ""
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"only the first {MAX_TEXT_CHARS:,} of {len(text):,} characters are shown")
        text = text[:MAX_TEXT_CHARS]
    note = "".join(f"<p class=\"note\">{_e(n)}</p>" for n in notes)
    return (head + note + f"<pre class=\"text\">{highlighted(text, r.get('spans', []), anchor)}</pre>"
            + _findings_table(r.get("top_findings", [])) + "</article>")


def highlighted(text: str, spans: list, anchor: str) -> str:
    """``text`` escaped, each finding's span in a ``mark`` followed by its likeliest original."""
    out, pos, k = [], 0, 0
    for start, length, best in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = int(start), int(start) + int(length)
        if start < pos or end > len(text) or length <= 0:
            continue  # overlaps the previous one, or past the text shown
        k += 1
        out.append(_e(text[pos:start]))
        title = f"may be spun; likely original: {best}" if best else "may be spun"
        out.append(f"<mark class=\"f\" id=\"{anchor}f{k}\" tabindex=\"-1\" title=\"{_e(title)}\">"
                   f"{_e(text[start:end])}</mark>")
        if best:
            out.append(f"<span class=\"orig\">{_e(best)}</span>")
        pos = end
    out.append(_e(text[pos:]))
    return "".join(out)


def _findings_table(findings: list[dict]) -> str:
    if not findings:
        return ""
    rows = [("<details open><summary>Most confident findings</summary><table><thead><tr><th>Line</th>"
             "<th>Word</th><th>Likely originals</th><th>Confidence</th><th>Why</th></tr></thead><tbody>")]
    for f in findings:
        suggestions = ", ".join(_e(s) for s in f.get("suggestions", [])) or "<i>unknown</i>"
        rows.append(f"<tr><td class=\"n\">{int(f.get('line', 0)) + 1}</td><td>{_e(f.get('text', ''))}</td>"
                    f"<td>{suggestions}</td><td class=\"n\">{_percent(f.get('confidence', 0))}</td>"
                    f"<td>{_e(f.get('evidence', ''))}</td></tr>")
    rows.append("</tbody></table></details>")
    return "".join(rows)


def _percent(value: object) -> str:
    try:
        p = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return f"{p:.0%}" if math.isfinite(p) else ""


class HtmlReporter:
    """``unspin check --format html``: the report page of the files checked, written once all are in."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.entries: list[Entry] = []

    def file(self, result: FileResult) -> None:
        from .corpus_inputs import Source
        from .markup import language_for_path, prose_view
        from .scan import document_record, worker_engine

        path = result.path
        if result.document is None:
            self.entries.append(Entry({"id": path, "source": path, "verdict": "error", "error": result.error}))
            return
        text = result.document.text
        markup = "plaintext" if path == "-" else language_for_path(path)
        prose = prose_view(text, markup)
        score = worker_engine().channel(prose).doc_probability
        record = document_record(Source(path, path, "text", markup), text, prose, result.findings, score)
        self.entries.append(Entry(record, text))

    def finish(self) -> None:
        self.out.write(render(self.entries, "unspin check"))
        self.out.flush()
