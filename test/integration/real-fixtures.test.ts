/**
 * The validator on real packages nobody here wrote (../shared/fixtures/real, see its SOURCES.md).
 * frictionless-py's own test expectations are the reference for the frictionless fixtures.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL, testdir } from '../support/tmp.ts';
import { flatten, rowFieldCode, validateDir } from '../support/report.ts';

const FRICTIONLESS = join(REAL, 'frictionless-py/data');

/** A one-resource package around a frictionless fixture CSV (and optional schema file). */
async function single(csv: string, schema?: object | string): Promise<string> {
  const schemaObj = typeof schema === 'string' ? JSON.parse(await readFile(join(FRICTIONLESS, schema), 'utf8')) : schema;
  return testdir({
    'data.csv': await readFile(join(FRICTIONLESS, csv)),
    'datapackage.json': { name: 'fixture', resources: [{ name: 'data', path: 'data.csv', ...(schemaObj ? { schema: schemaObj } : {}) }] },
  });
}

describe('frictionless-py fixtures give frictionless-py results', () => {
  it('invalid.csv (no schema): labels, missing/extra cells, blank row', async () => {
    const r = await validateDir(await single('invalid.csv'));
    expect(rowFieldCode(r)).toEqual([
      [null, 3, 'blank-label'],
      [null, 4, 'duplicate-label'],
      [2, 3, 'missing-cell'],
      [2, 4, 'missing-cell'],
      [3, 3, 'missing-cell'],
      [3, 4, 'missing-cell'],
      [4, null, 'blank-row'],
      [5, 5, 'extra-cell'],
    ]);
    expect(r.stats.errors).toBe(8);
    expect(r.valid).toBe(false);
  });

  it.each([
    ['blank-headers.csv', [[null, 2, 'blank-label']]],
    [
      'duplicate-headers.csv',
      [
        [null, 3, 'duplicate-label'],
        [null, 5, 'duplicate-label'],
      ],
    ],
    [
      'defective-rows.csv',
      [
        [2, 3, 'missing-cell'],
        [3, 4, 'extra-cell'],
      ],
    ],
    ['blank-rows.csv', [[4, null, 'blank-row']]],
    ['table.csv', []],
  ])('%s', async (csv, expected) => {
    expect(rowFieldCode(await validateDir(await single(csv)))).toEqual(expected);
  });

  it('table.csv against a schema with only "id"', async () => {
    const r = await validateDir(await single('table.csv', { fields: [{ name: 'id', type: 'integer' }] }));
    expect(rowFieldCode(r)).toEqual([
      [null, 2, 'extra-label'],
      [2, 2, 'extra-cell'],
      [3, 2, 'extra-cell'],
    ]);
  });

  it('unique-field.csv: a repeated id is a unique-error and a primary-key error', async () => {
    const r = await validateDir(await single('unique-field.csv', 'unique-field.json'));
    expect(rowFieldCode(r)).toEqual([
      [10, 1, 'unique-error'],
      [10, null, 'primary-key'],
    ]);
  });

  it('schema-errors.csv: the first three row errors, and all of them counted', async () => {
    const r = await validateDir(await single('schema-errors.csv', 'schema-valid.json'), { maxErrors: 3 });
    expect(rowFieldCode(r)).toEqual([
      [4, 1, 'type-error'],
      [4, 2, 'constraint-error'],
      [4, 3, 'constraint-error'],
    ]);
    expect(r.resources[0]).toMatchObject({ truncated: true });
    expect(r.stats.errors).toBeGreaterThan(3);
  });

  it('invalid/ package: blank rows and a null primary key; the foreign key holds', async () => {
    const r = await validateDir(join(FRICTIONLESS, 'invalid'));
    expect(flatten(r.errors, ['resource', 'rowNumber', 'code'])).toEqual([
      ['data', 3, 'blank-row'],
      ['data', 3, 'primary-key'],
      ['data2', 4, 'blank-row'],
    ]);
    expect(r.kind).toBe('tabular');
  });

  it('package/ is valid', async () => {
    const r = await validateDir(join(FRICTIONLESS, 'package'));
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.stats.rows).toBeGreaterThan(0);
  });
});

describe('real packages', () => {
  it.each(['example-data-packages/donations', 'example-data-packages/donation-codes', 'datasets-gdp'])('%s is valid', async (dir) => {
    const r = await validateDir(join(REAL, dir));
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('datasets-gdp reads every row, quoted commas included', async () => {
    const r = await validateDir(join(REAL, 'datasets-gdp'));
    const gdp = r.resources.find((x) => x.path === 'data/gdp.csv');
    const lines = (await readFile(join(REAL, 'datasets-gdp/data/gdp.csv'), 'utf8')).trimEnd().split('\n').length;
    expect(gdp?.rows).toBe(lines - 1);
  });

  it('al-treasury-spending is a valid Fiscal Data Package, and said to be one', async () => {
    const r = await validateDir(join(REAL, 'fiscal-data-package-demos/al-treasury-spending'));
    expect(r.errors).toEqual([]);
    expect(r.kind).toBe('fiscal');
    expect(r.warnings.some((w) => /Fiscal Data Package/.test(w.message))).toBe(true);
  });

  it('eu-allocations: the declared bytes are wrong (14108 declared, 14186 actual)', async () => {
    const r = await validateDir(join(REAL, 'fiscal-data-package-demos/eu-allocations-per-ms-2014-2020'));
    expect(flatten(r.errors, ['code'])).toEqual([['byte-count']]);
    expect(r.errors[0]?.message).toContain('14186');
    expect(r.errors[0]?.message).toContain('14108');
  });

  it('au-budget: "nfp" and decimals in integer year columns (155 type errors in 44 rows), wrong bytes', async () => {
    const r = await validateDir(join(REAL, 'fiscal-data-package-demos/au-budget'));
    const typeErrors = r.errors.filter((e) => e.code === 'type-error');
    expect(typeErrors).toHaveLength(155);
    expect(new Set(typeErrors.map((e) => e.rowNumber)).size).toBe(44);
    expect(new Set(typeErrors.map((e) => e.fieldName))).toEqual(new Set(['2014-15', '2015-16', '2016-17', '2017-18', '2018-19']));
    expect(typeErrors.map((e) => e.cell)).toContain('nfp');
    expect(typeErrors.every((e) => !/^[+-]?\d+$/.test(e.cell ?? ''))).toBe(true);
    expect(r.errors.find((e) => e.code === 'byte-count')?.message).toContain('949585');
  });

  it('fiscal spec "minimal": header does not match the fields', async () => {
    const r = await validateDir(join(REAL, 'fiscal-data-package-spec/minimal'));
    const codes = r.errors.filter((e) => e.resource).map((e) => e.code);
    expect(codes.filter((c) => c === 'incorrect-label')).toHaveLength(2);
    expect(codes.filter((c) => c === 'extra-label')).toHaveLength(1);
    expect(codes).toContain('extra-cell');
    expect(codes).toContain('type-error');
  });

  it('fiscal spec "labels-and-hierarchies": one non-ISO date', async () => {
    const r = await validateDir(join(REAL, 'fiscal-data-package-spec/labels-and-hierarchies'));
    expect(flatten(r.errors, ['code', 'cell'])).toEqual([['type-error', '01/01/2015']]);
  });

  it('fiscal spec "entities-normalized" is invalid: labels and dates', async () => {
    const r = await validateDir(join(REAL, 'fiscal-data-package-spec/entities-normalized'));
    const codes = new Set(r.errors.map((e) => e.code));
    expect(codes.has('incorrect-label')).toBe(true);
    expect(codes.has('type-error')).toBe(true);
  });

  it('tekjur-rikissjods (migrated by OpenSpending): rows valid with leading-zero integers', async () => {
    const r = await validateDir(join(REAL, 'openspending-migrate/tekjur-rikissjods'));
    expect(r.errors).toEqual([]);
    expect(r.warnings.some((w) => w.code === 'spec-drift')).toBe(true);
    expect(r.stats.rows).toBe(480);
  });
});
