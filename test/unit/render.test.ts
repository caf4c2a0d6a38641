import { describe, expect, it } from 'vitest';
import { problem } from '../../src/package/problem.ts';
import type { Report } from '../../src/validate/report.ts';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { byteLength } from '../../src/escape.ts';
import { ANNOTATION_MESSAGE_BYTES, annotation, annotationMessage, renderAnnotations } from '../../src/validate/render/annotations.ts';
import { CHECK_SUMMARY_MAX_BYTES, renderSummary, SUMMARY_MAX_BYTES } from '../../src/validate/render/summary.ts';
import { renderText } from '../../src/validate/render/text.ts';

const report = (over: Partial<Report> = {}): Report => ({
  valid: false,
  kind: 'openspending',
  root: 'datasets/budget',
  descriptor: 'datapackage.json',
  errors: [
    problem('type-error', 'row 4 (line 5), field "amount": "12,5" is not a number', {
      resource: 'spending',
      path: 'data/spending.csv',
      rowNumber: 4,
      lineNumber: 5,
      fieldName: 'amount',
      fieldNumber: 3,
      cell: '12,5',
    }),
    problem('mapping-error', 'no resource "budget", fix it: a, b\nsecond line 100%', {
      path: 'datapackage.json',
      pointer: '/mapping/transaction/attributes/id/0',
      lineNumber: 12,
      columnNumber: 9,
    }),
  ],
  warnings: [
    problem('spec-drift', 'use "payer"', {
      path: 'datapackage.json',
      pointer: '/mapping/entity/payor',
      lineNumber: 20,
      columnNumber: 7,
      severity: 'warning',
    }),
  ],
  stats: { resources: 1, rows: 10, bytes: 2048, errors: 7, warnings: 1, seconds: 0.25 },
  resources: [
    { name: 'spending', path: 'data/spending.csv', valid: false, rows: 10, bytes: 2048, errors: 6, warnings: 0, truncated: true },
  ],
  ...over,
});

describe('GitHub annotations', () => {
  it('carry file (from the workspace), line, col and the code as title', () => {
    const r = report();
    expect(annotation(r, r.errors[0]!)).toBe(
      '::error file=datasets/budget/data/spending.csv,line=5,title=type-error::row 4 (line 5), field "amount": "12,5" is not a number',
    );
  });

  it('escape properties and data as the toolkit does', () => {
    const r = report();
    expect(annotation(r, r.errors[1]!)).toBe(
      '::error file=datasets/budget/datapackage.json,line=12,col=9,title=mapping-error::no resource "budget", fix it: a, b%0Asecond line 100%25',
    );
    expect(annotation(r, r.warnings[0]!)).toMatch(/^::warning file=datasets\/budget\/datapackage.json,line=20,col=7,title=spec-drift::/);
  });

  it('list errors first and stop at the cap', () => {
    const lines = renderAnnotations(report(), 2);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith('::error '))).toBe(true);
    expect(renderAnnotations(report({ root: '.' }))[0]).toContain('file=data/spending.csv,');
  });
});

describe('Markdown summary', () => {
  it('has the verdict, counts by code, the resources and the first problems', () => {
    const md = renderSummary(report(), { maxProblems: 1, reportUrl: 'https://example.test/r.json' });
    expect(md).toContain('## ❌ datasets/budget/datapackage.json — OpenSpending Data Package invalid');
    expect(md).toContain('| `type-error` | 1 |');
    expect(md).toContain('| spending | data/spending.csv | 10 | 6 | 0 |');
    expect(md).toContain('<code>datasets/budget/data/spending.csv\\:5</code>');
    expect(md).not.toContain('second line'); // only the first problem is listed
    expect(md).toContain('… and 7 more problems (see the JSON report)');
    expect(md).toContain('Full report: <https://example.test/r.json>');
  });

  it('escapes pipes and newlines inside table cells', () => {
    const r = report({ errors: [problem('type-error', 'a | b\nc', { path: 'x.csv', lineNumber: 2 })], warnings: [] });
    expect(renderSummary(r)).toContain('| a \\| b c |');
  });
});

describe('text report', () => {
  it('groups problems per resource with file:line and says what is not listed', () => {
    const text = renderText(report(), { color: false });
    expect(text).toContain('datasets/budget/datapackage.json (OpenSpending Data Package): INVALID');
    expect(text).toMatch(/descriptor\n.*datasets\/budget\/datapackage.json:12:9/);
    expect(text).toMatch(/resource "spending".*\n.*datasets\/budget\/data\/spending.csv:5 row 4/);
    expect(text).toContain('more not listed');
    expect(text).not.toContain('\u001b[');
    expect(renderText(report(), { color: true })).toContain('\u001b[31m');
  });
});

/** GitHub-flavoured Markdown to HTML with raw HTML let through, as GitHub reads it before sanitizing. */
const render = (md: string): string => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

const XSS = '<img src=x onerror=alert(1)>';
const CONTROLS = 'a\u001b[2Jb\u0007c\u0000d\u202Ee';

/** A report whose every untrusted piece (names, paths, messages) carries markup and controls. */
const hostile = (problems = 3, over: Partial<Report> = {}): Report => {
  const name = `res${XSS}${CONTROLS}`;
  const path = `data/${XSS}${CONTROLS}.csv`;
  const errors = Array.from({ length: problems }, (_, i) =>
    problem('type-error', `row ${i + 2}: ${XSS} ${CONTROLS} [x](javascript:alert(1))`, {
      resource: name,
      path,
      rowNumber: i + 2,
      lineNumber: i + 2,
      pointer: `/x${CONTROLS}`,
    }),
  );
  return report({
    root: `ds${XSS}`,
    errors,
    warnings: [],
    stats: { resources: 1, rows: problems, bytes: 1, errors: problems, warnings: 0, seconds: 0.1 },
    resources: [{ name, path, valid: false, rows: problems, bytes: 1, errors: problems, warnings: 0, truncated: false }],
    ...over,
  });
};

describe('hostile text in the renderers', () => {
  it('the Markdown summary renders no HTML element from the data and shows it as text', () => {
    const html = render(renderSummary(hostile()));
    expect(html).not.toMatch(/<img|<a /);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/[\u0000-\u0008\u001b\u202e]/);
    expect(html).toContain('\\x1b[2Jb\\x07c\\x00dU+202Ee');
  });

  it('the text report shows control and bidi characters escaped, with colour or without', () => {
    for (const color of [false, true]) {
      const text = renderText(hostile(), { color });
      const ours = text.replace(/\u001b\[\d+m/g, ''); // the colours we paint
      expect(ours).not.toMatch(/[\u0000\u0007\u001b\u202e]/);
      expect(ours).toContain('a\\x1b[2Jb\\x07c\\x00dU+202Ee');
      expect(ours).toContain('data/<img src=x onerror=alert(1)>a\\x1b[2Jb\\x07c\\x00dU+202Ee.csv');
    }
  });

  it('annotations show controls escaped and are cut to 64 KB', () => {
    const r = hostile();
    expect(annotation(r, r.errors[0]!)).not.toMatch(/[\u0000\u0007\u001b\u202e]/);
    const long = problem('type-error', 'x'.repeat(10));
    long.message = '\u001b'.repeat(100_000); // a message that never went through problem()
    expect(byteLength(annotationMessage(long))).toBeLessThanOrEqual(ANNOTATION_MESSAGE_BYTES);
  });
});

describe('summary size', () => {
  it('lists problems until the byte budget, then says how many more there are', () => {
    const many = hostile(5000);
    for (const maxBytes of [SUMMARY_MAX_BYTES, CHECK_SUMMARY_MAX_BYTES, 20_000]) {
      const md = renderSummary(many, {
        maxBytes,
        maxProblems: Infinity,
        published: { prefix: 'datasets/o/n/', url: 'https://example.test/datasets/o/n/datapackage.json' },
      });
      expect(byteLength(md)).toBeLessThanOrEqual(maxBytes);
      const listed = md.split('\n').filter((l) => l.startsWith('| ❌')).length;
      expect(listed).toBeGreaterThan(0);
      expect(listed).toBeLessThan(5000);
      expect(md).toContain(`… and ${5000 - listed} more problems (see the JSON report)`);
      expect(md.trimEnd().endsWith('→ <https://example.test/datasets/o/n/datapackage.json>')).toBe(true);
    }
  });

  it('cuts a huge resource table too', () => {
    const resources = Array.from({ length: 20_000 }, (_, i) => ({
      name: `r${i}-${'n'.repeat(200)}`,
      path: `data/${'p'.repeat(200)}${i}.csv`,
      valid: true,
      rows: 1,
      bytes: 1,
      errors: 0,
      warnings: 0,
      truncated: false,
    }));
    const md = renderSummary(
      report({ resources, errors: [], warnings: [], stats: { resources: 20_000, rows: 1, bytes: 1, errors: 0, warnings: 0, seconds: 1 } }),
      { maxBytes: CHECK_SUMMARY_MAX_BYTES },
    );
    expect(byteLength(md)).toBeLessThanOrEqual(CHECK_SUMMARY_MAX_BYTES);
    expect(md).toMatch(/… and \d+ more resources \(see the JSON report\)/);
  });
});
