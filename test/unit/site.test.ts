/** The web pages as data in, HTML out: escaping, links, the CSP hashes, chart marks. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogPage } from '../../src/site/catalog.ts';
import { barChart } from '../../src/site/chart.ts';
import { datasetPage, type DatasetPageData } from '../../src/site/dataset-page.ts';
import { href, safeUrl } from '../../src/site/html.ts';

const EVIL = `<script>alert(1)</script>"'&`;

const data = (over: Partial<DatasetPageData> = {}): DatasetPageData => ({
  owner: 'alice',
  name: 'budget',
  commit: 'a'.repeat(40),
  publishedAt: '2026-01-01T00:00:00.000Z',
  root: 'datasets/alice/budget/',
  descriptor: {
    title: EVIL,
    description: EVIL,
    licenses: [{ title: EVIL, path: 'javascript:alert(1)' }],
    resources: [{ name: EVIL, path: 'data/a b#?.csv', schema: { fields: [{ name: EVIL, type: 'string' }] } }],
  },
  report: {
    valid: true,
    errors: [],
    warnings: [{ code: 'mapping-error', severity: 'warning', message: EVIL, path: 'data/a b#?.csv', lineNumber: 7 }],
    stats: { resources: 1, rows: 2, bytes: 10, errors: 0, warnings: 1, seconds: 0 },
    resources: [],
  },
  files: { 'datapackage.json': 100, 'data/a b#?.csv': 10 },
  versions: [
    {
      commit: 'a'.repeat(40),
      publishedAt: '2026-01-01T00:00:00.000Z',
      files: 2,
      bytes: 110,
      valid: true,
      errors: 0,
      warnings: 1,
      manifest: `datasets/alice/budget/versions/${'a'.repeat(40)}.json`,
      report: `datasets/alice/budget/reports/${'a'.repeat(40)}.json`,
    },
  ],
  aggregates: {
    'aggregates/summary.json': JSON.stringify({ currency: 'EUR', total: '-5.5', count: 2, dimensions: ['fn'] }),
    'aggregates/by-year.csv': 'year,total,count\n2024,-5.5,2\n',
    'aggregates/by-fn.csv': `id,title,total,count\nX,"${EVIL.replace(/"/g, '""')}",-5.5,2\n`,
  },
  ...over,
});

/** The inline elements' hashes must be those the page's CSP allows. */
function cspAllows(html: string, tag: 'style' | 'script'): boolean {
  const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1];
  if (body === undefined) return false;
  const sha = `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`;
  const csp = (/http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return csp.includes(`${tag}-src ${sha}`);
}

describe('dataset page', () => {
  it('shows every value from the dataset as text: no tag, attribute or javascript: link comes from the data', () => {
    const html = datasetPage(data());
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(html).not.toMatch(/href="javascript:/);
    expect(html).not.toMatch(/<script/); // a dataset page needs no script
    expect(html).toContain(`<a href="data/a%20b%23%3F.csv" download="a b#?.csv">`);
    expect(html).toContain('<code>data/a b#?.csv:7</code>');
    expect(html).toContain(`href="reports/${'a'.repeat(40)}.json"`);
    expect(html).toContain(`href="versions/${'a'.repeat(40)}.json"`);
    expect(cspAllows(html, 'style')).toBe(true);
    expect(html).toContain('script-src &#39;none&#39;');
  });

  it('draws one bar per year and per top entry; a negative total is marked by a sign, not only a colour', () => {
    const html = datasetPage(data());
    expect(html.match(/<rect class="bar negative"/g)).toHaveLength(2);
    expect(html).toContain('>− 2024<');
    expect(html).toContain('Total <strong>-5.5 EUR</strong>');
    const rows = Array.from({ length: 14 }, (_, i) => `D${i},,${i * 10},1`).join('\n');
    const many = datasetPage(
      data({
        aggregates: { 'aggregates/summary.json': '{"dimensions":["fn"]}', 'aggregates/by-fn.csv': `id,title,total,count\n${rows}\n` },
      }),
    );
    expect(many.match(/<rect class="bar"/g)).toHaveLength(10);
    expect(many).toContain('Top 10 of 14 fn entries by total');
    // Sorted by exact decimal total: 130 first, 40 last of the ten.
    expect(many.indexOf('>D13<')).toBeLessThan(many.indexOf('>D4<'));
    expect(many).not.toContain('>D3<');
  });

  it("a version's page links its content-addressed copies, shows no version list or badge, and says it never changes", () => {
    const sha = 'b'.repeat(64);
    const html = datasetPage(data({ hashes: { 'datapackage.json': 'c'.repeat(64), 'data/a b#?.csv': sha } }), { version: true });
    expect(html).toContain(`<a href="../blobs/sha256/${sha}" download="a b#?.csv">`);
    expect(html).toContain(`href="../blobs/sha256/${'c'.repeat(64)}">datapackage.json</a>`);
    expect(html).toContain(`href="../reports/${'a'.repeat(40)}.json"`);
    expect(html).toContain('This page never changes');
    expect(html).toContain('href="../../../../index.html"');
    expect(html).not.toContain('id="versions"');
    expect(html).not.toContain('badge.svg');
    expect(html).not.toContain('href="aggregates/');
  });

  it('copes with a descriptor without title, resources or report', () => {
    const html = datasetPage(data({ descriptor: {}, report: null, aggregates: null, versions: [] }));
    expect(html).toContain('<h1>budget</h1>');
    expect(html).toContain('No resources.');
    expect(html).toContain('No report is available');
  });
});

describe('catalog and helpers', () => {
  it('the catalog escapes titles and names, marks core datasets, and its script is allowed by hash only', () => {
    const html = catalogPage(
      [
        {
          owner: 'alice',
          name: 'budget',
          title: EVIL,
          core: false,
          updated: '2026-01-01T00:00:00Z',
          bytes: 10,
          page: 'datasets/alice/budget/index.html',
          repository: 'javascript:alert(1)',
        },
        {
          owner: 'os-data',
          name: 'core-set',
          title: 'Core',
          core: true,
          updated: '',
          bytes: null,
          page: null,
          repository: 'https://github.com/os-data/core-set',
        },
      ],
      'the registry',
    );
    expect(html).toContain('&lt;script&gt;alert(1)');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toMatch(/href="javascript:/);
    expect(html.indexOf('core-set')).toBeLessThan(html.indexOf('>budget<')); // core first
    expect(html).toContain('<span class="core">(core)</span>');
    expect(html).toContain('not published');
    expect(cspAllows(html, 'script')).toBe(true);
    expect(cspAllows(html, 'style')).toBe(true);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('href encodes each segment and safeUrl keeps http(s) only', () => {
    expect(href('data/a b/%x?.csv')).toBe('data/a%20b/%25x%3F.csv');
    expect(href('../../../index.html')).toBe('../../../index.html');
    expect(safeUrl('https://example.org/x')).toBe('https://example.org/x');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'vbscript:x', '/relative', 42]) expect(safeUrl(bad)).toBeNull();
  });

  it('a chart with all totals zero or unreadable still draws one mark per bar', () => {
    const svg = barChart('c', 't', 'd', [
      { label: 'a', value: '0' },
      { label: 'b', value: 'x' },
    ]);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(svg).toContain('role="img"');
  });
});
