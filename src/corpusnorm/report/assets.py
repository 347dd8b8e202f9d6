"""The report's inline style and script (no CDN, no network: the report is one self-contained file)."""

from __future__ import annotations

CSS = """
.cn-doc, .cn-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111;
  line-height: 1.45; overflow-wrap: anywhere; }
.cn-report { margin: 0 auto; max-width: 1200px; padding: 1rem; box-sizing: border-box; }
.cn-doc h2, .cn-doc h3 { margin: .6em 0 .3em; }
.cn-doc .meta { color: #333; font-size: .92em; }
.cn-doc .meta span { margin-right: 1.2em; }
.cn-doc .text, .cn-doc .text-alt { white-space: pre-wrap; border: 1px solid #ccc; padding: .8em; background: #fff;
  font-family: Georgia, "Noto Serif", "Noto Serif Devanagari", serif; font-size: 1.02em; }
.cn-doc .lgb { font: 600 .7em system-ui, sans-serif; background: #333; color: #fff; border-radius: 3px;
  padding: 0 .3em; margin-right: .2em; vertical-align: super; }
.cn-doc .rep { text-decoration: underline dotted #000 2px; background: #FFE066 !important;
  outline: 1px dashed #806600; }
.cn-doc .del { font: 600 .75em system-ui, sans-serif; color: #7A0000; background: #FFE0E0; padding: 0 .15em; }
.cn-doc del { background: #FFE0E0; color: #7A0000; }
.cn-doc ins { background: #DFF5E1; color: #064D12; text-decoration: underline; }
.cn-doc mark.dw { background: #FFD8A8; color: #000; border-bottom: 2px solid #B35900; }
.cn-doc details.alt > summary { cursor: pointer; font-weight: 600; margin: .4em 0; }
.cn-doc .al { border-bottom: 3px solid var(--k, #777); }
.cn-doc .al2 { border-bottom-style: double; border-bottom-width: 4px; }
.cn-doc a.qref { font: 600 .7em system-ui, sans-serif; vertical-align: super; text-decoration: none;
  background: var(--k, #777); color: var(--kf, #000); border-radius: 3px; padding: 0 .25em; margin-right: .1em; }
.cn-doc table, .cn-report table { border-collapse: collapse; margin: .4em 0 1em; font-size: .9em; max-width: 100%; }
.cn-doc table.wide { width: 100%; table-layout: fixed; }
.cn-doc table.wide td, .cn-doc table.wide th { overflow-wrap: anywhere; word-break: break-word; }
.cn-doc th, .cn-doc td, .cn-report th, .cn-report td { border: 1px solid #ccc; padding: .2em .45em;
  vertical-align: top; text-align: left; }
.cn-doc .badge, .cn-report .badge { display: inline-block; min-width: 1.4em; text-align: center;
  font-weight: 700; border-radius: 3px; padding: 0 .3em; }
.cn-doc .warn { color: #7A0000; }
.cn-doc .legend span, .cn-report .legend span { margin-right: .8em; white-space: nowrap; }
.cn-doc .nav a { margin-right: 1.2em; }
.cn-report .hm-wrap { overflow-x: auto; max-width: 100%; overflow-wrap: normal; }
.cn-report #cn-heatmap th[scope="row"] { white-space: nowrap; }
.cn-report #cn-heatmap td.cell { width: 1.7em; min-width: 1.7em; text-align: center; font-weight: 700;
  padding: .1em; }
.cn-report #cn-heatmap td.empty { background: #fff; }
.cn-report #cn-heatmap th.q { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 600;
  padding: .3em .1em; }
.cn-report #cn-heatmap th[data-sort] { cursor: pointer; white-space: nowrap; }
.cn-report #cn-heatmap th[aria-sort="ascending"]::after { content: " ▲"; }
.cn-report #cn-heatmap th[aria-sort="descending"]::after { content: " ▼"; }
.cn-report .pager { margin: .5em 0; display: flex; flex-wrap: wrap; gap: .3em .6em; align-items: center; }
.cn-report .pager button, .cn-report .pager select, .cn-report .pager input { font-size: 1em; }
.cn-report .provenance { font-size: .88em; color: #333; }
.cn-report section.article { display: none; border-top: 3px solid #333; margin-top: 1.5em; }
.cn-report section.article:target { display: block; }
.cn-report .quotes td.qt { max-width: 60em; }
.cn-report .quotes thead th, .cn-doc table thead th { overflow-wrap: normal; }
"""

HEATMAP_JS = """
(function () {
  var data = JSON.parse(document.getElementById('cn-heatmap-data').textContent);
  var table = document.getElementById('cn-heatmap');
  var tbody = table.tBodies[0];
  var label = document.getElementById('cn-page-label');
  var box = function (id) { return document.getElementById(id); };
  var perPage = data.perPage, page = 0, rows = data.rows, sortKey = null, sortDir = 1;
  var m = /^#heatmap-page-(\\d+)$/.exec(window.location.hash);
  if (m) { page = parseInt(m[1], 10) - 1; }
  function pages() { return Math.max(1, Math.ceil(rows.length / perPage)); }
  function cell(tr, c) {
    var td = document.createElement('td');
    if (!c) { td.className = 'cell empty'; tr.appendChild(td); return; }
    var col = data.columns[c[0]], kind = data.kinds[c[1]];
    td.className = 'cell k-' + kind.name;
    td.textContent = kind.code;
    var tip = col + ' \\u00b7 ' + kind.name + ' \\u00b7 score ' + c[2].toFixed(2);
    if (c[3] > 1) { tip += ' \\u00b7 \\u00d7' + c[3]; }
    td.title = tip;
    td.setAttribute('aria-label', tip);
    tr.appendChild(td);
  }
  function row(r) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-doc', r.id);
    var th = document.createElement('th');
    th.scope = 'row';
    var a = document.createElement('a');
    a.href = r.href; a.textContent = r.id;
    th.appendChild(a); tr.appendChild(th);
    [r.lang, r.spin === null ? '\\u2013' : r.spin.toFixed(2), String(r.edits), String(r.quotes)].forEach(function (v) {
      var td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
    });
    var byCol = {};
    r.cells.forEach(function (c) { byCol[c[0]] = c; });
    for (var i = 0; i < data.columns.length; i++) { cell(tr, byCol[i]); }
    return tr;
  }
  function render() {
    page = Math.min(Math.max(page, 0), pages() - 1);
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.slice(page * perPage, (page + 1) * perPage).forEach(function (r) { tbody.appendChild(row(r)); });
    label.textContent = 'Page ' + (page + 1) + ' of ' + pages() + ' (' + rows.length + ' articles)';
    table.setAttribute('data-js', 'ready');
    table.setAttribute('data-page', String(page + 1));
  }
  function compare(a, b) {
    var x = a[sortKey], y = b[sortKey];
    if (x === y) { return 0; }
    if (x === null) { return 1; }
    if (y === null) { return -1; }
    return (x < y ? -1 : 1) * sortDir;
  }
  function apply() {
    var q = box('cn-filter').value.toLowerCase(), lang = box('cn-lang').value, kind = box('cn-kind').value;
    var spin = parseFloat(box('cn-spin').value);
    rows = data.rows.filter(function (r) {
      return r.id.toLowerCase().indexOf(q) >= 0 && (!lang || r.lang === lang) &&
        (!kind || r.kinds.indexOf(kind) >= 0) && (isNaN(spin) || (r.spin !== null && r.spin >= spin));
    });
    if (sortKey) { rows = rows.slice().sort(compare); }
    page = 0; render();
  }
  Array.prototype.forEach.call(table.tHead.querySelectorAll('th[data-sort]'), function (th) {
    th.tabIndex = 0;
    th.onclick = th.onkeydown = function (e) {
      if (e.type === 'keydown' && e.key !== 'Enter') { return; }
      var key = th.getAttribute('data-sort');
      sortDir = sortKey === key ? -sortDir : (key === 'id' || key === 'lang' ? 1 : -1);
      sortKey = key;
      Array.prototype.forEach.call(table.tHead.querySelectorAll('th[data-sort]'), function (o) {
        o.removeAttribute('aria-sort');
      });
      th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      apply();
    };
  });
  box('cn-prev').onclick = function () { page -= 1; render(); };
  box('cn-next').onclick = function () { page += 1; render(); };
  box('cn-page-size').onchange = function () { perPage = parseInt(box('cn-page-size').value, 10); page = 0; render(); };
  ['cn-filter', 'cn-spin'].forEach(function (id) { box(id).oninput = apply; });
  ['cn-lang', 'cn-kind'].forEach(function (id) { box(id).onchange = apply; });
  box('cn-controls').hidden = false;
  render();
})();
"""
