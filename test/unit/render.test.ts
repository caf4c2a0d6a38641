import { describe, expect, it } from 'vitest';
import { problem } from '../../src/validate/problem.ts';
import type { Report } from '../../src/validate/report.ts';
import { annotation, renderAnnotations } from '../../src/validate/render/annotations.ts';
import { renderSummary } from '../../src/validate/render/summary.ts';
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
    problem('mapping-error', 'no resource "budget", fix it: a, b\nsecond line 100%', { path: 'datapackage.json', pointer: '/mapping/transaction/attributes/id/0', lineNumber: 12, columnNumber: 9 }),
  ],
  warnings: [problem('spec-drift', 'use "payer"', { path: 'datapackage.json', pointer: '/mapping/entity/payor', lineNumber: 20, columnNumber: 7, severity: 'warning' })],
  stats: { resources: 1, rows: 10, bytes: 2048, errors: 7, warnings: 1, seconds: 0.25 },
  resources: [{ name: 'spending', path: 'data/spending.csv', valid: false, rows: 10, bytes: 2048, errors: 6, warnings: 0, truncated: true }],
  ...over,
});

describe('GitHub annotations', () => {
  it('carry file (from the workspace), line, col and the code as title', () => {
    const r = report();
    expect(annotation(r, r.errors[0]!)).toBe('::error file=datasets/budget/data/spending.csv,line=5,title=type-error::row 4 (line 5), field "amount": "12,5" is not a number');
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
    expect(md).toContain('`datasets/budget/data/spending.csv:5`');
    expect(md).not.toContain('second line'); // only the first problem is listed
    expect(md).toContain('… and 7 more');
    expect(md).toContain('Full report: https://example.test/r.json');
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
