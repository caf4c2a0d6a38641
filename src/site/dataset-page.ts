/**
 * `datasets/{owner}/{name}/index.html`: a dataset for people. Built from what the store holds
 * (descriptor, report, aggregates files, versions index), so `publish` and `site` make the same
 * page. Pure: data in, HTML out; every value from the dataset escaped; links relative, so the page
 * works under any bucket, prefix or mirror.
 */

import Big from 'big.js';
import type { VersionEntry } from '../mirror/versions.ts';
import type { Problem } from '../package/problem.ts';
import type { Report } from '../validate/report.ts';
import { formatBytes } from '../validate/render/text.ts';
import { CsvParser, dialectOf } from '../validate/table/csv.ts';
import { barChart, type Bar } from './chart.ts';
import { attr, href, htmlDocument, safeUrl, table, text } from './html.ts';

export interface DatasetPageData {
  owner: string;
  name: string;
  commit: string;
  publishedAt: string;
  /** The dataset's key prefix (`datasets/{owner}/{name}/`): version keys are made relative to it. */
  root: string;
  descriptor: Record<string, unknown>;
  report: Pick<Report, 'valid' | 'errors' | 'warnings' | 'stats' | 'resources'> | null;
  /** Published files: path → size. */
  files: Record<string, number>;
  /** Published files: path → sha256 (a version's page links the content-addressed copies). */
  hashes?: Record<string, string>;
  versions: VersionEntry[];
  /** The aggregates files (path under the dataset, e.g. `aggregates/by-year.csv` → content), or null. */
  aggregates: Record<string, string> | null;
}

/** Problems listed per code on the page (all are in the report). */
const PER_CODE = 20;
const TOP = 10;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * Where a page links: the latest page (`index.html`) links the latest files; a version's page
 * (`versions/{commit}.html`, immutable) links that version's content-addressed copies and shows
 * no list of versions (which grows) and no badge (which moves).
 */
interface Links {
  version: boolean;
  /** A path under the dataset's root, as a relative link from the page. */
  to(path: string): string;
  /** A published file's link: its latest path, or its blob on a version's page. */
  file(path: string): string | null;
}

export function datasetPage(d: DatasetPageData, options: { version?: boolean } = {}): string {
  const title = str(d.descriptor.title) ?? d.name;
  const rel = (key: string): string => (key.startsWith(d.root) ? key.slice(d.root.length) : key);
  const base = options.version ? '../' : '';
  const links: Links = {
    version: Boolean(options.version),
    to: (path) => base + href(path),
    file: (path) => {
      if (!(path in d.files)) return null;
      if (!options.version) return href(path);
      const sha = d.hashes?.[path];
      return sha ? `${base}blobs/sha256/${sha}` : null;
    },
  };
  const parts: string[] = [];

  parts.push(`<h1>${text(title)}</h1>`);
  if (options.version) {
    parts.push(
      `<p><strong>Version <code>${text(d.commit.slice(0, 12))}</code>, as published on <time datetime="${attr(d.publishedAt)}">${text(d.publishedAt)}</time>.</strong> ` +
        `This page never changes; its links are the version's own content-addressed copies. <a href="../index.html">The latest version</a>.</p>`,
    );
  }
  const description = str(d.descriptor.description);
  if (description) parts.push(...description.split(/\n\s*\n/).map((p) => `<p>${text(p)}</p>`));
  const status = d.report ? (d.report.valid ? 'valid' : 'invalid') : 'unknown';
  if (!options.version) parts.push(`<p><img src="reports/badge.svg" alt="${attr(`validation: ${status}`)}" height="20"></p>`);

  const facts: Array<[string, string]> = [
    ['Owner', `<a href="https://github.com/${attr(encodeURIComponent(d.owner))}">${text(d.owner)}</a>`],
    ['Name', `<code>${text(d.name)}</code>`],
    ['License', licenses(d.descriptor.licenses)],
    ['Location', text(locationOf(d.descriptor)) || '<span class="muted">not given</span>'],
    [
      'Version',
      `<code title="${attr(d.commit)}">${text(d.commit.slice(0, 12))}</code>, published <time datetime="${attr(d.publishedAt)}">${text(d.publishedAt)}</time>`,
    ],
    ['Files', `${Object.keys(d.files).length} files, ${text(formatBytes(Object.values(d.files).reduce((a, b) => a + b, 0)))}`],
    [
      'Download',
      links.file('datapackage.json')
        ? `<a href="${attr(links.file('datapackage.json')!)}">datapackage.json</a> (the descriptor; every file below is linked)`
        : '<span class="muted">no descriptor</span>',
    ],
  ];
  parts.push(`<dl class="facts">${facts.map(([k, v]) => `<dt>${text(k)}</dt><dd>${v}</dd>`).join('')}</dl>`);

  parts.push(validation(d, status, links));
  parts.push(resources(d, links));
  if (d.aggregates) parts.push(aggregates(d.aggregates, links));
  if (!options.version) parts.push(versions(d, rel));

  const name = `${title} — ${d.owner}/${d.name}${options.version ? ` @ ${d.commit.slice(0, 12)}` : ''}`;
  return htmlDocument({ title: name, body: parts.join('\n'), home: `${base}../../../index.html` });
}

function locationOf(descriptor: Record<string, unknown>): string {
  const loc = descriptor.location ?? descriptor.countryCode;
  if (typeof loc === 'string') return loc;
  if (Array.isArray(loc)) return loc.filter((x) => typeof x === 'string').join(', ');
  return '';
}

function licenses(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return '<span class="muted">not given</span>';
  return value
    .map((l: unknown) => {
      const o = (l && typeof l === 'object' ? l : {}) as Record<string, unknown>;
      const label = str(o.title) ?? str(o.name) ?? str(o.path) ?? 'license';
      const url = safeUrl(o.path);
      return url ? `<a href="${attr(url)}" rel="noopener noreferrer">${text(label)}</a>` : text(label);
    })
    .join(', ');
}

function validation(d: DatasetPageData, status: string, links: Links): string {
  const out = ['<h2 id="validation">Validation</h2>'];
  const reportLink = `<a href="${attr(links.to(`reports/${d.commit}.json`))}">the full report (JSON)</a>`;
  if (!d.report) return out.concat(`<p>No report is available for this version.</p>`).join('\n');
  const r = d.report;
  out.push(
    `<p><span class="status ${status === 'valid' ? 'ok' : 'bad'}">${status === 'valid' ? 'Valid' : 'Invalid'}</span>: ` +
      `${r.stats.errors} errors, ${r.stats.warnings} warnings in ${r.stats.resources} resources, ${r.stats.rows} rows; ${reportLink}.</p>`,
  );
  const problems = [...r.errors, ...r.warnings];
  if (problems.length === 0) return out.join('\n');
  const byCode = new Map<string, Problem[]>();
  for (const p of problems) byCode.set(p.code, [...(byCode.get(p.code) ?? []), p]);
  for (const [code, list] of [...byCode].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const severity = list.some((p) => p.severity === 'error') ? 'errors' : 'warnings';
    out.push(`<h3><code>${text(code)}</code> (${list.length} ${severity})</h3><ul class="problems">`);
    for (const p of list.slice(0, PER_CODE)) {
      const where = p.path ? `${p.path}${p.lineNumber ? `:${p.lineNumber}` : ''}` : p.pointer ? `datapackage.json ${p.pointer}` : '';
      out.push(`<li>${where ? `<code>${text(where)}</code>: ` : ''}${text(p.message)}</li>`);
    }
    out.push('</ul>');
    if (list.length > PER_CODE) out.push(`<p class="muted">… and ${list.length - PER_CODE} more in ${reportLink}.</p>`);
  }
  return out.join('\n');
}

/** A resource's fields table, made once per resource object (a publish renders the latest and the version page from one descriptor). */
const fieldTables = new WeakMap<object, { name: string; html: string }>();

function fieldsTable(resource: object, name: string, fields: unknown[]): string {
  const known = fieldTables.get(resource);
  if (known?.name === name) return known.html;
  const rows = fields.map((f) => {
    const o = (f && typeof f === 'object' ? f : {}) as Record<string, unknown>;
    return [
      `<code>${text(o.name)}</code>`,
      text(str(o.type) ?? 'string'),
      text(str(o.format) ?? ''),
      text(str(o.title) ?? str(o.description) ?? ''),
    ];
  });
  const html = table(`Fields of ${name}`, [{ label: 'Field' }, { label: 'Type' }, { label: 'Format' }, { label: 'Description' }], rows);
  fieldTables.set(resource, { name, html });
  return html;
}

function resources(d: DatasetPageData, links: Links): string {
  const out = ['<h2 id="resources">Resources</h2>'];
  const list = Array.isArray(d.descriptor.resources) ? (d.descriptor.resources as unknown[]) : [];
  const stats = new Map((d.report?.resources ?? []).map((r) => [r.name, r]));
  if (list.length === 0) out.push('<p>No resources.</p>');
  list.forEach((value, i) => {
    const r = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    const name = str(r.name) ?? `resource ${i + 1}`;
    const s = stats.get(name);
    const paths = (Array.isArray(r.path) ? r.path : [r.path]).filter((p): p is string => typeof p === 'string');
    const fileLinks = paths.map((p) => {
      const url = safeUrl(p);
      if (url) return `<a href="${attr(url)}" rel="noopener noreferrer">${text(p)}</a> (remote)`;
      const link = links.file(p);
      return link ? `<a href="${attr(link)}" download="${attr(p.split('/').pop()!)}">${text(p)}</a>` : text(p);
    });
    const size = paths.reduce((n, p) => n + (d.files[p] ?? 0), 0);
    out.push(`<h3 id="${attr(`resource-${i + 1}`)}">${text(name)}</h3>`);
    if (str(r.title) || str(r.description))
      out.push(`<p>${text(str(r.title) ?? '')}${str(r.title) && str(r.description) ? ': ' : ''}${text(str(r.description) ?? '')}</p>`);
    const facts: Array<[string, string]> = [
      ['File', fileLinks.join(', ') || '<span class="muted">inline data</span>'],
      ['Rows', s ? String(s.rows) : '<span class="muted">unknown</span>'],
      ['Size', text(formatBytes(s?.bytes || size))],
    ];
    out.push(`<dl class="facts">${facts.map(([k, v]) => `<dt>${text(k)}</dt><dd>${v}</dd>`).join('')}</dl>`);
    const schema = r.schema;
    const fields =
      schema && typeof schema === 'object' && Array.isArray((schema as { fields?: unknown }).fields)
        ? ((schema as { fields: unknown[] }).fields as unknown[])
        : null;
    if (fields) {
      out.push(fieldsTable(r, name, fields));
    } else if (typeof schema === 'string') {
      out.push(`<p>Schema: <code>${text(schema)}</code></p>`);
    }
  });
  return out.join('\n');
}

interface Row {
  [column: string]: string;
}

/** The rows of an aggregates CSV by column name; none when it does not parse or a row has another number of cells than the header. */
function csvRows(content: string | undefined): Row[] {
  if (!content) return [];
  const records: string[][] = [];
  try {
    const parser = new CsvParser(dialectOf(undefined), (cells) => records.push(cells));
    parser.push(content);
    parser.end();
  } catch {
    return [];
  }
  const [header, ...rest] = records;
  if (!header) return [];
  const rows: Row[] = [];
  for (const cells of rest) {
    if (cells.length === 1 && cells[0] === '') continue; // an empty line
    if (cells.length !== header.length) return [];
    const row: Row = {};
    for (let i = 0; i < header.length; i++) Object.defineProperty(row, header[i]!, { value: cells[i], enumerable: true, writable: true });
    rows.push(row);
  }
  return rows;
}

const big = (s: string | undefined): Big | null => {
  try {
    return new Big(s ?? '');
  } catch {
    return null;
  }
};

/** What the aggregates section shows, read once from the files (a publish renders two pages from the same files). */
interface AggregatesView {
  summary: Record<string, unknown>;
  years: Row[];
  dimensions: Array<{ dim: string; path: string; count: number; top: Row[] }>;
}

const views = new WeakMap<Record<string, string>, AggregatesView>();

function aggregatesView(files: Record<string, string>): AggregatesView {
  const known = views.get(files);
  if (known) return known;
  let summary: Record<string, unknown> = {};
  try {
    summary = JSON.parse(files['aggregates/summary.json'] ?? '{}') as Record<string, unknown>;
  } catch {
    // shown without the summary line
  }
  const names = Array.isArray(summary.dimensions)
    ? (summary.dimensions as unknown[]).filter((x): x is string => typeof x === 'string')
    : Object.keys(files)
        .map((p) => /^aggregates\/by-(.+)\.csv$/.exec(p)?.[1])
        .filter((x): x is string => !!x && x !== 'year' && x !== 'month');
  const dimensions: AggregatesView['dimensions'] = [];
  for (const dim of names) {
    const path = `aggregates/by-${dim}.csv`;
    const rows = csvRows(files[path]);
    if (!rows.length) continue;
    // Largest total first (ties and unreadable totals in file order): each total read once, not at every comparison.
    const top = rows
      .map((row) => ({ row, total: big(row.total) }))
      .sort((a, b) => (a.total && b.total ? b.total.cmp(a.total) : a.total ? -1 : b.total ? 1 : 0))
      .slice(0, TOP)
      .map((r) => r.row);
    dimensions.push({ dim, path, count: rows.length, top });
  }
  const view = { summary, years: csvRows(files['aggregates/by-year.csv']), dimensions };
  views.set(files, view);
  return view;
}

function aggregates(files: Record<string, string>, links: Links): string {
  const out = ['<h2 id="aggregates">Aggregates</h2>'];
  const { summary, years, dimensions } = aggregatesView(files);
  const currency = str(summary.currency) ?? '';
  const money = (v: string): string => (currency ? `${v} ${currency}` : v);
  if (typeof summary.total === 'string') {
    out.push(
      `<p>Total <strong>${text(money(summary.total))}</strong> over ${text(summary.count)} rows (exact sums of amount × factor).</p>`,
    );
  }
  // The aggregates files are the latest version's: a version's page shows its own figures, unlinked.
  if (!links.version)
    out.push(
      `<p class="muted">As data: <a href="aggregates/datapackage.json">the aggregates package</a>, <a href="aggregates/summary.json">summary.json</a>.</p>`,
    );

  if (years.length) {
    out.push('<h3>Totals by year</h3>');
    const bars: Bar[] = years.map((y) => ({ label: y.year ?? '', value: y.total ?? '0' }));
    const chart = barChart(
      'chart-years',
      `Totals by year${currency ? ` (${currency})` : ''}`,
      `A bar chart of ${years.length} yearly totals; the table beside it gives the exact values.`,
      bars,
    );
    const tbl = table(
      `Totals by year${currency ? ` in ${currency}` : ''}`,
      [{ label: 'Year' }, { label: `Total${currency ? ` (${currency})` : ''}`, num: true }, { label: 'Rows', num: true }],
      years.map((y) => [text(y.year), text(y.total), text(y.count)]),
    );
    out.push(`<div class="chart-pair">${chart}${tbl}</div>`);
    if (!links.version)
      out.push(`<p class="muted"><a href="aggregates/by-year.csv">by-year.csv</a>, <a href="aggregates/by-month.csv">by-month.csv</a></p>`);
  }

  for (const { dim, path, count, top } of dimensions) {
    const label = (r: Row): string => (r.title && r.title !== r.id ? `${r.title} (${r.id})` : (r.id ?? ''));
    out.push(`<h3>Top ${top.length} ${text(dim)} by total</h3>`);
    const chart = barChart(
      `chart-${dim}`,
      `Top ${top.length} ${dim} by total${currency ? ` (${currency})` : ''}`,
      `A bar chart of the ${top.length} largest totals of ${count} ${dim} entries; the table beside it gives the exact values.`,
      top.map((r) => ({ label: label(r), value: r.total ?? '0' })),
    );
    const tbl = table(
      `Top ${top.length} of ${count} ${dim} entries by total${currency ? ` in ${currency}` : ''}`,
      [{ label: 'Id' }, { label: 'Title' }, { label: `Total${currency ? ` (${currency})` : ''}`, num: true }, { label: 'Rows', num: true }],
      top.map((r) => [`<code>${text(r.id)}</code>`, text(r.title), text(r.total), text(r.count)]),
    );
    out.push(`<div class="chart-pair">${chart}${tbl}</div>`);
    if (!links.version) out.push(`<p class="muted">All ${count}: <a href="${attr(href(path))}">${text(`by-${dim}.csv`)}</a></p>`);
  }
  return out.join('\n');
}

function versions(d: DatasetPageData, rel: (key: string) => string): string {
  const rows = d.versions.map((v) => [
    `<code title="${attr(v.commit)}">${text(v.commit.slice(0, 12))}</code>${v.commit === d.commit ? ' <strong>(latest)</strong>' : ''}`,
    `<time datetime="${attr(v.publishedAt)}">${text(v.publishedAt)}</time>`,
    text(v.files),
    text(formatBytes(v.bytes)),
    `<span class="status ${v.valid ? 'ok' : 'bad'}">${v.valid ? 'valid' : 'invalid'}</span>${v.warnings ? ` (${v.warnings} warnings)` : ''}`,
    `<a href="${attr(href(`versions/${v.commit}.html`))}">page</a>, <a href="${attr(href(rel(v.report)))}">report</a>`,
    `<a href="${attr(href(rel(v.manifest)))}">manifest</a>`,
  ]);
  return (
    '<h2 id="versions">Versions</h2>\n' +
    `<p>Every published version, newest first; each can be restored byte for byte from its manifest (<code>os-datastore get ${text(d.owner)}/${text(d.name)}@COMMIT</code>). As data: <a href="versions/index.json">versions/index.json</a>.</p>\n` +
    table(
      'Published versions',
      [
        { label: 'Commit' },
        { label: 'Published' },
        { label: 'Files', num: true },
        { label: 'Size', num: true },
        { label: 'Status' },
        { label: 'Page and report' },
        { label: 'Manifest' },
      ],
      rows,
    )
  );
}
