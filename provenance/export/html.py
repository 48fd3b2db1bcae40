"""A self-contained HTML page of a report, for a person with a browser.

One file, no network: inline CSS, no scripts, no external fonts or images, and a
Content-Security-Policy that forbids anything else. Every string that comes from
the corpus (paths, titles, outlet names, article text, evidence text, reasons) is
untrusted: it is stripped of control and bidirectional formatting characters and
escaped with ``html.escape(..., quote=True)``, so markup in an article shows as
text and never runs.  Joiners (ZWJ, ZWNJ) are kept: they spell words in Persian,
Indic scripts and emoji.

Side-by-side text needs the corpus text, which the report does not hold: pass
``texts`` (document path -> extracted text). A text is used only when its length
matches the report's ``characters`` for that document; otherwise, and for records
of multi-record files, only offsets are shown.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from difflib import SequenceMatcher
from typing import Any

from ..trace import MATCH_NAMES, registry_entries
from ..tokens import normalise_word

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

# control characters and bidirectional formatting (marks, embeddings, overrides, isolates)
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DIFF_AUTOJUNK_WORDS = 3000  # longer passages: let difflib treat very common words as junk (speed)


def esc(value: Any) -> str:
    """Untrusted label (one line) -> escaped HTML."""
    text = _UNSAFE.sub("", "" if value is None else str(value))
    return html.escape(re.sub(r"[\n\t\r]", " ", text)[:100_000], quote=True)


def esc_text(value: str) -> str:
    """Untrusted running text (newlines kept) -> escaped HTML."""
    return html.escape(_UNSAFE.sub("", value), quote=True)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f}%"


def _label(path: str, record: str | None) -> str:
    return path + (f"#{record}" if record else "")


def _where(d: dict[str, Any]) -> str:
    """A document's name, with the archive collection it came from (``audit --index``): its
    path is relative to that collection's folder, not to the audited one."""
    badge = f' <span class="badge unknown">{esc(d["collection"])}</span>' if d.get("collection") else ""
    return f'<span class="mono">{esc(_label(d["path"], d.get("record")))}</span>{badge}'


def _instant(iso: str) -> tuple[datetime, str]:
    """Where a date falls, for ordering: in UTC when it states an offset, a year or month at
    its start; the string itself breaks ties."""
    padded = iso + {4: "-01-01", 7: "-01"}.get(len(iso), "")
    try:
        when = datetime.fromisoformat(padded)
    except ValueError:
        return datetime.max, iso
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when, iso


# ---------------------------------------------------------------- word diff

def _words(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Leading whitespace, then (word, following whitespace) pairs."""
    parts = re.split(r"(\s+)", text)
    lead = ""
    if parts and parts[0] == "":
        parts = parts[1:]
        lead = parts.pop(0) if parts else ""
    pairs = []
    for i in range(0, len(parts), 2):
        pairs.append((parts[i], parts[i + 1] if i + 1 < len(parts) else ""))
    return lead, [p for p in pairs if p[0]]


def _join(pairs: list[tuple[str, str]], tag: str | None) -> str:
    if not pairs:
        return ""
    if tag is None:
        return "".join(esc_text(w + s) for w, s in pairs)
    body = "".join(esc_text(w) + esc_text(s) for w, s in pairs[:-1]) + esc_text(pairs[-1][0])
    return f"<{tag}>{body}</{tag}>{esc_text(pairs[-1][1])}"


def _outside(n: int) -> str:
    return f'<span class="outside">[… {n} word{"s" if n != 1 else ""} not in this copy …]</span>'


def _key(word: str) -> str:
    """Words compare as detection compares them: case, accents and punctuation aside."""
    return normalise_word("".join(ch for ch in word if ch.isalnum() or ch in "'’"))


def word_diff(old: str, new: str) -> tuple[str, str]:
    """HTML for both sides: equal words plain; on the old side deleted and
    replaced words in <del>; on the new side inserted words in <ins> and the
    words that replaced others in <mark>.  Old words before or after the part
    the new text covers (the new text is an excerpt) are summarised, not listed."""
    lead_a, a = _words(old)
    lead_b, b = _words(new)
    wa, wb = [_key(w) for w, _ in a], [_key(w) for w, _ in b]
    junk = max(len(a), len(b)) > _DIFF_AUTOJUNK_WORDS
    sm = SequenceMatcher(None, wa, wb, autojunk=junk)
    blocks = [m for m in sm.get_matching_blocks() if m.size]
    head = tail = 0
    if blocks:
        head = max(0, blocks[0].a - blocks[0].b)
        end_a, end_b = blocks[-1].a + blocks[-1].size, blocks[-1].b + blocks[-1].size
        tail = max(0, (len(a) - end_a) - (len(b) - end_b))
    if head or tail:
        a = a[head:len(a) - tail]
        sm = SequenceMatcher(None, [_key(w) for w, _ in a], wb, autojunk=junk)
    left = [_outside(head) + " " if head else esc_text(lead_a)]
    right = [esc_text(lead_b)]
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            left.append(_join(a[i1:i2], None))
            right.append(_join(b[j1:j2], None))
        elif op == "delete":
            left.append(_join(a[i1:i2], "del"))
        elif op == "insert":
            right.append(_join(b[j1:j2], "ins"))
        else:
            left.append(_join(a[i1:i2], "del"))
            right.append(_join(b[j1:j2], "mark"))
    if tail:
        left.append(("" if "".join(left)[-1:].isspace() else " ") + _outside(tail))
    return "".join(left), "".join(right)


# ---------------------------------------------------------------- page parts

STYLE = """
:root { --ink:#1d232b; --muted:#5b6673; --line:#d7dde4; --bg:#f6f7f9; --card:#fff;
        --accent:#1f5fa8; --ok:#1e7b3a; --ok-bg:#e3f4e8; --bad:#b3261e; --bad-bg:#fde7e5;
        --unk:#6b5b00; --unk-bg:#fbf4d2; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:var(--ink); background:var(--bg); }
header.top { background:#17324f; color:#fff; padding:18px 28px; }
header.top h1 { margin:0 0 4px; font-size:24px; }
header.top p { margin:0; color:#c9d6e4; font-size:13px; }
header.top code { color:#fff; }
nav.toc { padding:10px 28px; background:#e9eef4; border-bottom:1px solid var(--line); font-size:14px; }
nav.toc a { margin-right:16px; }
main { max-width:1400px; margin:0 auto; padding:8px 28px 40px; }
h2 { margin:28px 0 10px; font-size:20px; border-bottom:2px solid var(--line); padding-bottom:4px; }
h3 { margin:0 0 8px; font-size:18px; }
h4 { margin:14px 0 6px; font-size:15px; }
a { color:var(--accent); }
code, .mono { font-family:ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size:13px; }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin:12px 0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 16px; min-width:130px; }
.card .n { font-size:26px; font-weight:650; }
.card .k { color:var(--muted); font-size:13px; }
table { border-collapse:collapse; width:100%; background:var(--card); border:1px solid var(--line); font-size:14px; }
th, td { text-align:left; vertical-align:top; padding:6px 9px; border-bottom:1px solid var(--line); }
th { background:#eef1f5; font-weight:600; white-space:nowrap; }
td.num { text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums; }
td.wrap { overflow-wrap:anywhere; }
a.cid { white-space:nowrap; }
.url { font-size:12px; }
td.date { white-space:nowrap; font-variant-numeric:tabular-nums; }
.bar { display:inline-block; width:120px; height:12px; background:#e6e9ee; border-radius:6px; overflow:hidden;
       vertical-align:middle; margin-right:6px; }
.bar > span { display:block; height:100%; background:var(--accent); }
.muted { color:var(--muted); }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; white-space:nowrap; }
.badge.credited { background:var(--ok-bg); color:var(--ok); }
.badge.uncredited { background:var(--bad); color:#fff; }
.badge.unknown { background:var(--unk-bg); color:var(--unk); }
.badge.rel { background:#e8eef7; color:#24466e; }
tr.uncredited td { background:var(--bad-bg); }
section.cluster { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; margin:18px 0; }
.origin { border-left:4px solid var(--accent); background:#f3f7fc; padding:8px 14px; margin:8px 0 12px; }
dl.kv { display:grid; grid-template-columns:max-content 1fr; gap:2px 14px; margin:0; }
dl.kv dt { color:var(--muted); }
dl.kv dd { margin:0; overflow-wrap:anywhere; }
ul.evidence { margin:4px 0; padding-left:20px; font-size:14px; }
ul.evidence li { margin:2px 0; }
q.ev { quotes:"\\201C" "\\201D"; background:#f1f1ec; padding:0 3px; overflow-wrap:anywhere; }
.conflict { color:var(--bad); }
article.copy { border:1px solid var(--line); border-radius:8px; margin:12px 0; padding:10px 12px; }
article.copy.uncredited { border:2px solid var(--bad); }
article.copy header { display:flex; flex-wrap:wrap; gap:8px; align-items:baseline; margin-bottom:6px; }
.sbs { display:grid; grid-template-columns:1fr 1fr; gap:12px; }
.sbs > div { min-width:0; }
.sbs .cap { font-size:12px; color:var(--muted); margin-bottom:3px; overflow-wrap:anywhere; }
.text { white-space:pre-wrap; overflow-wrap:anywhere; font-family:Georgia, "Times New Roman", serif; font-size:15px;
        line-height:1.55; background:#fcfcfb; border:1px solid var(--line); border-radius:6px; padding:8px 10px;
        max-height:32em; overflow:auto; }
.text del { background:#fbd3cf; color:#7a1b14; }
.text ins { background:#cdeed6; color:#0f4d22; text-decoration:none; border-bottom:2px solid #3a9b58; }
.text mark { background:#ffe7a3; color:inherit; }
.legend { font-size:12px; color:var(--muted); margin:4px 0 8px; }
.legend del, .legend ins, .legend mark { padding:0 3px; }
.legend del { background:#fbd3cf; } .legend ins { background:#cdeed6; text-decoration:none; } .legend mark { background:#ffe7a3; }
.text .outside { color:var(--muted); font-family:system-ui, sans-serif; font-size:12px; background:#eef1f5;
                 border-radius:4px; padding:0 4px; }
.note { font-size:13px; color:var(--muted); font-style:italic; }
details > summary { cursor:pointer; color:var(--accent); margin:6px 0; }
footer { color:var(--muted); font-size:12px; padding:20px 28px; }
@media (max-width: 900px) { .sbs { grid-template-columns:1fr; } }
@media print { .text { max-height:none; } }
"""


class _Texts:
    """Passage text from the corpus, when it is the text the report was made from."""

    def __init__(self, report: dict[str, Any], texts: dict[str, str] | None):
        self.docs = {d["id"]: d for d in report["documents"]}
        self.texts = texts

    def get(self, document_id: str, start: int, end: int) -> tuple[str | None, str]:
        """(text or None, why not)."""
        d = self.docs.get(document_id)
        if self.texts is None:
            return None, "corpus text not supplied (export with --corpus to see it)"
        if d is None:
            return None, "document not in the report"
        if d.get("collection") is not None:
            return None, f"a document of {d['collection']}, not of the audited folder: text not available"
        if d.get("record"):
            return None, "a record of a multi-record file: text not available"
        text = self.texts.get(d["path"])
        if text is None:
            return None, "text not available: the file is missing from the corpus folder or changed since the audit"
        if len(text) != d["characters"]:
            return None, "the file's text differs from the one audited; offsets no longer apply"
        return text[start:end], ""


def _registry(items: Any) -> str:
    """The outlet registry entries that named the evidence's outlets: file, and what matched."""
    parts = [f"<code>{esc(f)}</code> {esc(by)} <q>{esc(match)}</q>" + (f" = {esc(o)}" if o else "")
             for f, by, match, o in registry_entries(items)]
    return f'<span class="muted">registry {"; ".join(parts)}</span>' if parts else ""


def _evidence_list(items: list[dict[str, Any]], docs: dict[str, dict[str, Any]] | None = None) -> str:
    """Evidence items; with ``docs``, each names the document it was read from (origin evidence)."""
    if not items:
        return '<p class="muted">No evidence recorded.</p>'
    lis = []
    for e in items:
        read_in = (docs or {}).get(e.get("document") or "")
        where = " · ".join(esc(x) for x in (_label(read_in["path"], read_in.get("record")) if read_in else None,
                                            e.get("location")) if x)
        bits = [f'<code>{esc(e.get("rule"))}</code>', f'<span class="muted">{esc(e.get("source"))}'
                f'{" · " + where if where else ""}</span>']
        if e.get("text"):
            bits.append(f'<q class="ev">{esc(e["text"])}</q>')
        if e.get("value") is not None and e.get("value") != e.get("text"):
            bits.append(f'→ <strong>{esc(e["value"])}</strong>')
        if e.get("precision"):
            bits.append(f'<span class="muted">({esc(e["precision"])})</span>')
        if e.get("confidence"):
            bits.append(f'<span class="muted">confidence {esc(e["confidence"])}</span>')
        named = _registry(e.get("registry"))
        if named:
            bits.append(named)
        lis.append("<li>" + " ".join(bits) + "</li>")
    return '<ul class="evidence">' + "".join(lis) + "</ul>"


def _credit_badge(status: str | None) -> str:
    status = status or "unknown"
    label = {"credited": "credited", "uncredited": "⚠ UNCREDITED"}.get(status, "credit unknown")
    cls = status if status in ("credited", "uncredited") else "unknown"
    return f'<span class="badge {cls}">{esc(label)}</span>'


def _date(value: str | None) -> str:
    return esc(value) if value else '<span class="muted">undated</span>'


def _overview(report: dict[str, Any]) -> str:
    s = report["summary"]
    der = s["derivation"]
    cards = [
        (s["documents"], "documents"),
        (s["clusters"], "reuse clusters"),
        (s["undetermined_origins"], "undetermined origins"),
        (der["wholly_derived"], "wholly derived"),
        (der["partially_derived"], "partially derived"),
        (der["non_derived"], "not derived"),
        (s["rejections"], "rejected inputs"),
        (s["sidecar_issues"], "sidecar issues"),
    ]
    out = ['<section id="overview"><h2>Overview</h2><div class="cards">']
    out += [f'<div class="card"><div class="n">{int(n)}</div><div class="k">{esc(k)}</div></div>' for n, k in cards]
    out.append("</div>")
    uncredited = sum(1 for c in report["clusters"] for l in c["chain"] if l.get("credited") == "uncredited")
    if uncredited:
        out.append(f'<p><span class="badge uncredited">⚠ {uncredited} uncredited republication'
                   f'{"s" if uncredited != 1 else ""}</span> flagged below.</p>')
    out.append("</section>")
    return "".join(out)


def _documents_table(report: dict[str, Any]) -> str:
    rows = []
    for d in report["documents"]:
        clusters = sorted({p["cluster"] for p in d["passages"]})
        links = " ".join(f'<a href="#{esc(c)}" class="cid"><code>{esc(c)}</code></a>' for c in clusters) or '<span class="muted">–</span>'
        frac = max(0.0, min(1.0, float(d.get("reused_fraction") or 0.0)))
        title = f' <span class="badge unknown">{esc(d["collection"])}</span>' if d.get("collection") else ""
        title += f'<br><span class="muted">{esc(d["title"])}</span>' if d.get("title") else ""
        if d.get("url"):  # as text, never a link
            title += f'<br><span class="muted mono url">{esc(d["url"])}</span>'

        rows.append(
            f'<tr><td class="wrap"><span class="mono">{esc(_label(d["path"], d.get("record")))}</span>{title}</td>'
            f'<td>{esc(d["outlet"]["name"]) if d["outlet"]["name"] else "<span class=muted>unknown</span>"}</td>'
            f'<td class="date">{_date(d["published"]["date"])}</td>'
            f'<td class="num"><span class="bar" title="{_pct(frac)} republished"><span style="width:{frac * 100:.1f}%">'
            f'</span></span>{_pct(frac)}</td>'
            f'<td>{esc(d["derivation"].replace("_", " "))}</td><td>{links}</td></tr>')
    return ('<section id="documents"><h2>Documents</h2>'
            '<p class="muted">Republished share: the share of each document\'s words that came from another '
            'document or an outside source.</p><table><thead><tr><th>document</th><th>outlet</th><th>published</th>'
            '<th>republished</th><th>derivation</th><th>clusters</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></section>")


def _timeline(report: dict[str, Any]) -> str:
    docs = {d["id"]: d for d in report["documents"]}
    items = []
    for c in report["clusters"]:
        o = c["origin"]
        when = _instant(o["date"]) if o.get("date") else (datetime.max, "")
        items.append((o.get("date") is None, when, c["id"], c))
    items.sort(key=lambda t: t[:3])
    rows = []
    for _, _, cid, c in items:
        o = c["origin"]
        if o["status"] != "determined":
            where = '<span class="muted">undetermined</span>'
        elif o.get("document") and o["document"] in docs:
            where = _where(docs[o["document"]])
        else:
            where = '<em>outside the corpus</em>'
        copies = c["chain"]
        flagged = sum(1 for l in copies if l.get("credited") == "uncredited")
        flag = f' <span class="badge uncredited">⚠ {flagged} uncredited</span>' if flagged else ""
        rows.append(f'<tr><td class="date">{_date(o.get("date"))}</td>'
                    f'<td>{esc(o.get("outlet")) if o.get("outlet") else "<span class=muted>unknown</span>"}</td>'
                    f'<td class="wrap">{where}</td><td><a href="#{esc(cid)}"><code>{esc(cid)}</code></a></td>'
                    f'<td class="num">{len(copies)}</td><td>{flag}</td></tr>')
    return ('<section id="timeline"><h2>Timeline of first appearances</h2>'
            '<p class="muted">Each reuse cluster\'s origin, earliest first (dates as stated, at their own precision; '
            'times with a UTC offset ordered in UTC; undated last).</p><table><thead><tr><th>first appeared</th>'
            '<th>outlet</th><th>where</th><th>cluster</th>'
            '<th>copies</th><th></th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></section>")


def _cluster(c: dict[str, Any], report: dict[str, Any], texts: _Texts) -> str:
    docs = texts.docs
    cid = c["id"]
    o = c["origin"]
    members = c["members"]
    out = [f'<section class="cluster" id="{esc(cid)}"><h3>Cluster <code>{esc(cid)}</code> '
           f'<span class="muted">· {int(c["size"])} document{"s" if c["size"] != 1 else ""}, '
           f'{len(c["chain"])} republication{"s" if len(c["chain"]) != 1 else ""}</span></h3>']

    # origin
    om = members[o["member"]] if o.get("member") is not None else None
    if o["status"] != "determined":
        where = "undetermined: the evidence does not decide where this text first appeared"
        where_html = esc(where)
    elif om is not None:
        where_html = (_where(docs.get(om["document"]) or {"path": om["path"], "record": om.get("record")})
                      + f' <span class="muted">chars {int(om["start"])}–{int(om["end"])}</span>')
    else:
        where_html = "<em>outside the corpus</em> (known only by the outlet and date it is cited with)"
    out.append('<div class="origin"><h4>Origin</h4><dl class="kv">'
               f'<dt>outlet</dt><dd>{esc(o.get("outlet")) if o.get("outlet") else "<span class=muted>unknown</span>"}</dd>'
               f'<dt>date</dt><dd>{_date(o.get("date"))}</dd>'
               f'<dt>where</dt><dd>{where_html}</dd>'
               f'<dt>rule</dt><dd><code>{esc(o.get("rule"))}</code> · confidence {esc(o.get("confidence"))}</dd>'
               f'<dt>reason</dt><dd>{esc(o.get("reason"))}</dd></dl>'
               '<h4>Evidence</h4>' + _evidence_list(o.get("evidence") or [], docs))
    if o.get("conflicts"):
        out.append('<h4 class="conflict">Conflicts</h4><ul class="evidence">'
                   + "".join(f'<li class="conflict">{esc(x)}</li>' for x in o["conflicts"]) + "</ul>")
    origin_text = None
    if om is not None:
        origin_text, why = texts.get(om["document"], om["start"], om["end"])
        if origin_text is not None:
            out.append('<details><summary>Origin passage text</summary>'
                       f'<div class="text">{esc_text(origin_text)}</div></details>')
        else:
            out.append(f'<p class="note">Origin text: {esc(why)}.</p>')
    out.append("</div>")

    # chain
    if c["chain"]:
        rows = []
        for n, l in enumerate(c["chain"], 1):
            d = docs.get(l["document"], {})
            outlet = (d.get("outlet") or {}).get("name")
            src = l.get("source")
            if src:
                src_html = _where(docs.get(src["document"]) or {"path": src["document"]})
            elif l.get("relation") == "cited":
                src_html = '<span class="muted">none (the original is outside the corpus)</span>'
            else:
                src_html = '<span class="muted">none (measured against the origin)</span>'
            lag = "–" if l.get("lag_days") is None else f'{l["lag_days"]:g} d'
            sim = "–" if l.get("similarity") is None else f'{l["similarity"]:.2f}'
            cls = ' class="uncredited"' if l.get("credited") == "uncredited" else ""
            rows.append(f'<tr{cls}><td class="num">{n}</td>'
                        f'<td class="wrap"><a href="#{esc(cid)}-copy-{n}" class="mono">'
                        f'{esc(_label(l["path"], l.get("record")))}</a></td>'
                        f'<td>{esc(outlet) if outlet else "<span class=muted>unknown</span>"}</td>'
                        f'<td class="date">{_date(l.get("date"))}</td><td class="num">{esc(lag)}</td>'
                        f'<td><span class="badge rel">{esc(l.get("relation"))}</span>{_match_note(l)}</td>'
                        f'<td class="num">{esc(sim)}</td>'
                        f'<td class="wrap">{src_html}</td><td>{_credit_badge(l.get("credited"))}</td></tr>')
        out.append('<h4>Chain of republications</h4><table><thead><tr><th>#</th><th>copy</th><th>outlet</th>'
                   '<th>date</th><th>lag</th><th>relation</th><th>similarity</th><th>direct source</th>'
                   '<th>credit</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")
        beside = "the origin passage" if om is not None else "its direct source in the corpus, when it has one"
        out.append(f'<p class="legend">Each copy beside {beside}, word by word: <del>not in the copy</del> '
                   '<ins>added by the copy</ins> <mark>changed by the copy</mark></p>')
        for n, l in enumerate(c["chain"], 1):
            out.append(_copy(n, l, c, om, texts))
    elif o["status"] == "determined":
        out.append('<p class="muted">No republications: every member is in the origin\'s own document.</p>')

    # members outside the chain (undetermined clusters, older fragments)
    in_chain = {l["member"] for l in c["chain"]} | ({o["member"]} if o.get("member") is not None else set())
    rest = [(i, m) for i, m in enumerate(members) if i not in in_chain]
    if rest:
        out.append("<h4>Other members</h4><ul class=\"evidence\">")
        for i, m in rest:
            text, why = texts.get(m["document"], m["start"], m["end"])
            body = (f'<details><summary>text</summary><div class="text">{esc_text(text)}</div></details>'
                    if text is not None else f' <span class="note">{esc(why)}</span>')
            out.append(f'<li><span class="mono">{esc(_label(m["path"], m.get("record")))}</span> '
                       f'<span class="muted">chars {int(m["start"])}–{int(m["end"])}, similarity '
                       f'{float(m["similarity"]):.2f}{", verbatim" if m.get("verbatim") else ""}</span>{body}</li>')
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def _lag_phrase(days: float) -> str:
    if days == 0:
        return "same day as the origin"
    return f"{days:g} day{'' if days == 1 else 's'} after the origin"


def _match_note(l: dict[str, Any]) -> str:
    note = MATCH_NAMES.get(l.get("match") or "")
    return f' <span class="muted">{esc(note)}</span>' if note else ""


def _copy(n: int, l: dict[str, Any], c: dict[str, Any], om: dict[str, Any] | None, texts: _Texts) -> str:
    cid = c["id"]
    uncredited = l.get("credited") == "uncredited"
    out = [f'<article class="copy{" uncredited" if uncredited else ""}" id="{esc(cid)}-copy-{n}"><header>'
           f'<strong>#{n}</strong> <span class="mono">{esc(_label(l["path"], l.get("record")))}</span>'
           f'{_credit_badge(l.get("credited"))}<span class="badge rel">{esc(l.get("relation"))}</span>'
           f'<span class="muted">{_date(l.get("date"))}'
           f'{"" if l.get("lag_days") is None else " · " + _lag_phrase(l["lag_days"])}'
           f'</span></header>']
    out.append(f'<p class="muted">Credit: {esc(l.get("credit_reason") or "")}</p>')
    if l.get("credit_evidence"):
        out.append(_evidence_list(l["credit_evidence"]))
    out.append(_side_by_side(l, c, om, texts) + "</article>")
    return "".join(out)


def _side_by_side(l: dict[str, Any], c: dict[str, Any], om: dict[str, Any] | None, texts: _Texts) -> str:
    """The copy's text beside the passage it is compared with, word by word when both are known."""
    copy_text, why = texts.get(l["document"], l["start"], l["end"])
    copy_cap = f'copy · {esc(_label(l["path"], l.get("record")))} · chars {int(l["start"])}–{int(l["end"])}'
    ref, role = _beside(l, c, om)
    if ref is None:
        ref_cap, ref_text = "origin · outside the corpus", None
        left = '<span class="note">The original is not in the corpus; nothing to compare with.</span>'
    else:
        ref_cap = (f'{role} · {esc(_label(ref["path"], ref.get("record")))} '
                   f'· chars {int(ref["start"])}–{int(ref["end"])}')
        ref_text, ref_why = texts.get(ref["document"], ref["start"], ref["end"])
        left = esc_text(ref_text) if ref_text is not None else f'<span class="note">{esc(ref_why)}</span>'
    right = esc_text(copy_text) if copy_text is not None else f'<span class="note">{esc(why)}</span>'
    if copy_text is not None and ref_text is not None:
        left, right = word_diff(ref_text, copy_text)
    return (f'<div class="sbs"><div><div class="cap">{ref_cap}</div><div class="text">{left}</div></div>'
            f'<div><div class="cap">{copy_cap}</div><div class="text">{right}</div></div></div>')


def _beside(l: dict[str, Any], c: dict[str, Any], om: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str]:
    """The passage a copy is shown beside: the origin passage; when the origin is outside the
    corpus, the copy's direct source in it (what its relation and similarity measure); else none."""
    if om is not None:
        return om, "origin"
    if l.get("source_member") is not None:
        return c["members"][l["source_member"]], "direct source"
    return None, "origin"


def _rejections(report: dict[str, Any]) -> str:
    rej = report["rejections"]
    issues = report["sidecar"]["issues"]
    out = ['<section id="rejections"><h2>Rejected input</h2>']
    if not rej:
        out.append('<p class="muted">Every file under the corpus folder was read.</p>')
    else:
        out.append("<table><thead><tr><th>file</th><th>code</th><th>reason</th></tr></thead><tbody>")
        out += [f'<tr><td class="wrap mono">{esc(_label(r["path"], r.get("record")))}</td><td><code>{esc(r["code"])}'
                f'</code></td><td class="wrap">{esc(r["reason"])}</td></tr>' for r in rej]
        out.append("</tbody></table>")
    if issues:
        out.append(f'<h4>Sidecar issues ({esc(report["sidecar"]["path"])})</h4><table><thead><tr><th>line</th>'
                   '<th>path</th><th>code</th><th>reason</th></tr></thead><tbody>')
        out += [f'<tr><td class="num">{int(i["line"])}</td><td class="wrap mono">{esc(i.get("path") or "")}</td>'
                f'<td><code>{esc(i["code"])}</code></td><td class="wrap">{esc(i["reason"])}</td></tr>' for i in issues]
        out.append("</tbody></table>")
    out.append("</section>")
    return "".join(out)


def render_html(report: dict[str, Any], texts: dict[str, str] | None = None) -> str:
    run = report["run"]
    t = _Texts(report, texts)
    version = report["tool"]["version"]
    clusters = "".join(_cluster(c, report, t) for c in report["clusters"])
    if not clusters:
        clusters = '<p class="muted">No republished passages were found.</p>'
    note = "" if texts is not None else (
        '<p class="note">Passage texts are not included: this page was exported without the corpus '
        '(use <code>provenance export --corpus DIR</code>), so passages are shown by their offsets.</p>')
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n",
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(CSP, quote=True)}">\n',
        '<meta name="referrer" content="no-referrer">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>Provenance report: {esc(run.get('corpus'))}</title>\n",
        f"<style>{STYLE}</style>\n</head>\n<body>\n",
        f'<header class="top"><h1>Provenance report: {esc(run.get("corpus"))}</h1>'
        f'<p>provenance {esc(version)} · audit started {esc(run.get("started"))}, finished {esc(run.get("finished"))}'
        f' · rules {esc((run.get("rules") or {}).get("version"))} · inputs digest '
        f'<code>{esc((run.get("inputs") or {}).get("digest", "")[:16])}</code></p></header>\n',
        '<nav class="toc"><a href="#overview">Overview</a><a href="#documents">Documents</a>'
        '<a href="#timeline">Timeline</a><a href="#clusters">Clusters</a><a href="#rejections">Rejected input</a></nav>\n',
        "<main>\n", _overview(report), "\n", _documents_table(report), "\n", _timeline(report), "\n",
        f'<section id="clusters"><h2>Reuse clusters</h2>{note}{clusters}</section>\n',
        _rejections(report), "\n</main>\n",
        f'<footer>Written by provenance {esc(version)} from a report with schema version '
        f'{esc(report.get("schema_version"))}. Self-contained page: no scripts, no network.</footer>\n',
        "</body></html>\n",
    ])
