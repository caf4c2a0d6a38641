/**
 * The aggregates as files, under `aggregates/`:
 *
 *   aggregates/datapackage.json   a Tabular Data Package describing the CSVs below
 *   aggregates/summary.json       currency, factor, overall total and count, skipped rows,
 *                                 totals by year, the undated and unassigned rows
 *   aggregates/by-year.csv        year,total,count
 *   aggregates/by-month.csv       month,total,count
 *   aggregates/by-<dimension>.csv id,title,total,count (one per mapped dimension)
 *
 * Totals are plain decimal strings (never an exponent). CSVs: RFC 4180 quoting, LF line ends,
 * rows sorted by their key. The output depends only on the data (no timestamps), so the same
 * package always gives byte-identical files.
 *
 * Rows without a date (or without an id for a dimension) are not rows of the CSVs: every CSV row
 * has a real key, so the columns can be typed (`year`, `yearmonth`) and be primary keys.
 * summary.json reports them (`undated`, `unassigned`), so that for each file the CSV rows plus
 * that remainder add up to `total`. A date that is only a year is in by-year but not by-month.
 */

import { createHash } from 'node:crypto';
import type { AggregateResult, Total } from './aggregator.ts';

export interface AggregateFile {
  /** Path relative to the dataset root, under `aggregates/`. */
  path: string;
  content: string;
  contentType: string;
}

const CSV_TYPE = 'text/csv; charset=utf-8';
const JSON_TYPE = 'application/json';

/** One RFC 4180 cell: quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csv(header: string[], rows: string[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',') + '\n').join('');
}

/** A Data Package name for the aggregates: `<name>-aggregates`, with the name made safe. */
function packageName(name: string): string {
  const safe = name.replace(/[^-a-zA-Z0-9._]+/g, '-').replace(/^[-.]+/, '');
  return `${safe || 'package'}-aggregates`;
}

const field = (name: string, type: string, description: string, required = true): Record<string, unknown> => ({
  name,
  type,
  description,
  ...(required ? { constraints: { required: true } } : {}),
});

/** The files of the aggregates of one package (see the module comment). */
export function aggregateFiles(result: AggregateResult): AggregateFile[] {
  const money = result.currency ? ` (${result.currency})` : '';
  const totalField = field('total', 'number', `sum of amount × factor${money} of the rows, exact`);
  const countField = { ...field('count', 'integer', 'rows summed'), constraints: { required: true, minimum: 1 } };
  const row = (key: string, t: Total): string[] => [key, t.total, String(t.count)];

  const tables: Array<{ name: string; description: string; content: string; fields: Array<Record<string, unknown>>; key: string }> = [
    {
      name: 'by-year',
      description: 'totals by year of the transaction date (rows without a date: summary.json "undated")',
      content: csv(
        ['year', 'total', 'count'],
        result.years.map((y) => row(y.year, y)),
      ),
      fields: [field('year', 'year', 'year of the transaction date'), totalField, countField],
      key: 'year',
    },
    {
      name: 'by-month',
      description: 'totals by month of the transaction date (rows dated by a year only are in by-year alone)',
      content: csv(
        ['month', 'total', 'count'],
        result.months.map((m) => row(m.month, m)),
      ),
      fields: [field('month', 'yearmonth', 'month of the transaction date'), totalField, countField],
      key: 'month',
    },
    ...result.dimensions.map((d) => ({
      name: `by-${d.name}`,
      description: `totals by ${d.name} id (rows without one: summary.json "unassigned")`,
      content: csv(
        ['id', 'title', 'total', 'count'],
        d.rows.map((r) => [r.id, r.title ?? '', r.total, String(r.count)]),
      ),
      fields: [
        field('id', 'string', `${d.name} id`),
        field('title', 'string', `${d.name} title, where the mapping gives one`, false),
        totalField,
        countField,
      ],
      key: 'id',
    })),
  ];

  const source = result.package || 'the package';
  const descriptor = {
    name: packageName(result.package),
    title: `Aggregates of ${result.title ?? source}`,
    description:
      `Totals of amount × factor${money} and row counts of ${source}, computed by os-datastore: by year, by month and by ` +
      `each mapped dimension. summary.json holds the overall total, the skipped rows (no readable amount) and the rows ` +
      `without a date or a dimension id.`,
    profile: 'tabular-data-package',
    resources: tables.map((t) => ({
      name: t.name,
      description: t.description,
      path: `${t.name}.csv`,
      format: 'csv',
      mediatype: 'text/csv',
      encoding: 'utf-8',
      bytes: Buffer.byteLength(t.content, 'utf8'),
      hash: `sha256:${createHash('sha256').update(t.content, 'utf8').digest('hex')}`,
      schema: { fields: t.fields, primaryKey: t.key },
    })),
  };

  const summary = {
    package: result.package,
    currency: result.currency,
    factor: result.factor,
    count: result.count,
    total: result.total,
    skipped: result.skipped,
    years: Object.fromEntries(result.years.map((y) => [y.year, { total: y.total, count: y.count }])),
    undated: result.undated,
    dimensions: result.dimensions.map((d) => d.name),
    unassigned: Object.fromEntries(result.dimensions.map((d) => [d.name, d.unassigned])),
    generated: { by: 'os-datastore' },
  };

  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  return [
    { path: 'aggregates/datapackage.json', content: json(descriptor), contentType: JSON_TYPE },
    { path: 'aggregates/summary.json', content: json(summary), contentType: JSON_TYPE },
    ...tables.map((t) => ({ path: `aggregates/${t.name}.csv`, content: t.content, contentType: CSV_TYPE })),
  ];
}
