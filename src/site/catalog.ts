/**
 * The catalog (`index.html` at the root of the store's prefix): every dataset, core ones marked,
 * each linking to its page. The table is the content (JavaScript off: all rows, all links); a
 * small inline script (allowed by its hash) adds search and sorting by name, owner, last update
 * and size.
 */

import { formatBytes } from '../validate/render/text.ts';
import { attr, href, htmlDocument, safeUrl, text } from './html.ts';

export interface CatalogEntry {
  owner: string;
  name: string;
  title: string;
  core: boolean;
  /** ISO 8601, or '' when unknown. */
  updated: string;
  /** Published size in bytes, or null when not in the store. */
  bytes: number | null;
  /** The dataset's page relative to the catalog, or null when it is not in the store. */
  page: string | null;
  /** Its repository (an http(s) URL), when known. */
  repository: string | null;
}

export const CATALOG_KEY = 'index.html';

const SCRIPT = `(function () {
  var table = document.getElementById('datasets');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var search = document.getElementById('search-box');
  var count = document.getElementById('count');
  document.getElementById('search').hidden = false;
  function filter() {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var match = !q || row.getAttribute('data-search').indexOf(q) !== -1;
      row.hidden = !match;
      if (match) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' datasets shown';
  }
  search.addEventListener('input', filter);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    var key = th.getAttribute('data-sort');
    if (!key) return;
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(button);
    button.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var numeric = key === 'size';
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute('data-value');
        var y = b.cells[column].getAttribute('data-value');
        var c = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
        return ascending ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  filter();
})();`;

export function catalogPage(entries: CatalogEntry[], source: string): string {
  const sorted = [...entries].sort(
    (a, b) => Number(b.core) - Number(a.core) || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.owner < b.owner ? -1 : 1),
  );
  const rows = sorted.map((e) => {
    const search = `${e.name} ${e.owner} ${e.title}`.toLowerCase();
    const name = e.page ? `<a href="${attr(href(e.page))}">${text(e.name)}</a>` : text(e.name);
    const repo = safeUrl(e.repository);
    return (
      `<tr data-search="${attr(search)}">` +
      `<td data-value="${attr(e.name.toLowerCase())}">${name}${e.core ? ' <span class="core">(core)</span>' : ''}<br><span class="muted">${text(e.title)}</span></td>` +
      `<td data-value="${attr(e.owner.toLowerCase())}">${repo ? `<a href="${attr(repo)}" rel="noopener noreferrer">${text(e.owner)}</a>` : text(e.owner)}</td>` +
      `<td data-value="${attr(e.updated)}">${e.updated ? `<time datetime="${attr(e.updated)}">${text(e.updated.slice(0, 10))}</time>` : '<span class="muted">unknown</span>'}</td>` +
      `<td class="num" data-value="${e.bytes ?? -1}">${e.bytes === null ? '<span class="muted">not published</span>' : text(formatBytes(e.bytes))}</td>` +
      '</tr>'
    );
  });
  const core = sorted.filter((e) => e.core).length;
  const body =
    '<h1>OpenSpending datastore</h1>\n' +
    `<p>${sorted.length} datasets${core ? `, ${core} of them core datasets (marked “core”)` : ''}, from ${text(source)}. Each links to its page: description, validation, resources, aggregates with charts and every published version.</p>\n` +
    '<div class="search" id="search" hidden><label for="search-box">Search by name, owner or title </label><input id="search-box" type="search" autocomplete="off"> <span id="count" class="muted" aria-live="polite"></span></div>\n' +
    '<div class="table-wrap"><table id="datasets"><caption class="muted">Datasets (core first, then by name)</caption>' +
    '<thead><tr><th scope="col" data-sort="name">Name</th><th scope="col" data-sort="owner">Owner</th><th scope="col" data-sort="updated">Last update</th><th scope="col" class="num" data-sort="size">Size</th></tr></thead>' +
    `<tbody>\n${rows.join('\n')}\n</tbody></table></div>` +
    (sorted.length
      ? ''
      : '\n<p>No datasets yet: publish one with <code>os-datastore publish</code>, then run <code>os-datastore site</code>.</p>');
  return htmlDocument({ title: 'OpenSpending datastore: datasets', body, script: SCRIPT });
}
