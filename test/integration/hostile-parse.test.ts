/**
 * Malformed and hostile tables, validated from real folders: unclosed quotes, empty files,
 * catastrophic patterns, and random bytes through the whole table pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CATALOGUE } from '../../src/package/problem.ts';
import { flatten, validateDir } from '../support/report.ts';
import { testdir } from '../support/tmp.ts';

const fields = [
  { name: 'id', type: 'integer' },
  { name: 'name', type: 'string' },
];
const pkg = (schema: object = { fields }, more: object = {}) => ({
  name: 'hostile',
  resources: [{ name: 'data', path: 'data.csv', schema, ...more }],
});

describe('a quote that is never closed', () => {
  it('is a source-error at the line where it opened, and its rows are not counted', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i + 2},row ${i + 2}`).join('\n');
    const dir = await testdir({ 'datapackage.json': pkg(), 'data.csv': `id,name\n1,"unclosed\n${rows}\n` });
    const r = await validateDir(dir);
    expect(r.valid).toBe(false);
    expect(flatten(r.errors, ['code', 'resource', 'path', 'lineNumber'])).toEqual([['source-error', 'data', 'data.csv', 2]]);
    expect(r.errors[0]?.message).toBe('data.csv: the quote opened on line 2 is never closed; close it or escape quotes by doubling them');
    expect(r.stats.rows).toBe(0);
  });

  it('counts the rows before it', async () => {
    const dir = await testdir({ 'datapackage.json': pkg(), 'data.csv': 'id,name\n1,a\n2,"b\nc"\n3,"d\n4,e\n' });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'lineNumber'])).toEqual([['source-error', 5]]);
    expect(r.stats.rows).toBe(2);
  });
});

describe('an empty source', () => {
  it.each([
    ['0 bytes', ''],
    ['a BOM alone', '\ufeff'],
  ])('%s, where a header is expected, is a source-error "the source is empty"', async (_, content) => {
    const dir = await testdir({ 'datapackage.json': pkg(), 'data.csv': content });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'resource', 'path', 'lineNumber'])).toEqual([['source-error', 'data', 'data.csv', 1]]);
    expect(r.errors[0]?.message).toMatch(/^data\.csv: the source is empty; /);
  });

  it('is also an error without a schema', async () => {
    const dir = await testdir({ 'datapackage.json': { name: 'hostile', resources: [{ name: 'data', path: 'data.csv' }] }, 'data.csv': '' });
    const r = await validateDir(dir);
    expect(r.errors.map((e) => e.code)).toEqual(['source-error']);
  });

  it('only blank lines is invalid (no labels, blank rows), as in frictionless', async () => {
    const dir = await testdir({ 'datapackage.json': pkg(), 'data.csv': '\n\n\n' });
    const r = await validateDir(dir);
    expect(r.valid).toBe(false);
    expect(r.errors.filter((e) => e.code === 'blank-row').map((e) => e.lineNumber)).toEqual([2, 3]);
  });

  it('a header alone stays a valid table of 0 rows', async () => {
    const dir = await testdir({ 'datapackage.json': pkg(), 'data.csv': 'id,name\n' });
    const r = await validateDir(dir);
    expect(r.errors).toEqual([]);
    expect(r.stats.rows).toBe(0);
  });

  it('with "header": false, 0 bytes is a valid table of 0 rows', async () => {
    const dir = await testdir({ 'datapackage.json': pkg({ fields }, { dialect: { header: false } }), 'data.csv': '' });
    const r = await validateDir(dir);
    expect(r.errors).toEqual([]);
    expect(r.stats.rows).toBe(0);
  });
});

describe('pattern constraints', () => {
  const schema = (pattern: string) => ({ fields: [...fields, { name: 'code', type: 'string', constraints: { pattern } }] });

  it("^(a+)+$ against 5,000 a's and a ! finishes with a constraint-error", async () => {
    const dir = await testdir({
      'datapackage.json': pkg(schema('^(a+)+$')),
      'data.csv': `id,name,code\n1,x,${'a'.repeat(5000)}!\n2,y,aaa\n`,
    });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'rowNumber', 'fieldNumber'])).toEqual([['constraint-error', 2, 3]]);
  });

  it('a pattern RE2 cannot take is a descriptor-error at the constraint, saying what to change', async () => {
    const dir = await testdir({ 'datapackage.json': pkg(schema('([A-Z])\\1')), 'data.csv': 'id,name,code\n1,x,AA\n' });
    const r = await validateDir(dir);
    expect(r.valid).toBe(false);
    const at = r.errors.filter((e) => e.pointer === '/resources/0/schema/fields/2/constraints/pattern');
    expect(at.length).toBeGreaterThan(0);
    expect(at.every((e) => e.code === 'descriptor-error' && e.lineNumber !== undefined)).toBe(true);
    expect(at.map((e) => e.message).join('\n')).toMatch(/backreference \("\\1"\), which is not supported; rewrite it without/);
  });
});

describe('random bytes through the whole table pass (property)', () => {
  const codes = new Set(Object.keys(PROBLEM_CATALOGUE));
  const piece = fc.oneof(
    fc.constantFrom('1', 'a', 'é', ',', ';', '"', '""', '\\', '\n', '\r', '\r\n', '\ufeff', '\u0000', ' ', '#'),
    fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')),
  );
  const content = fc.array(piece, { maxLength: 80 }).map((parts) => Buffer.from(parts.join(''), 'latin1'));
  const dialect = fc.record({
    delimiter: fc.constantFrom(',', ';'),
    header: fc.boolean(),
    doubleQuote: fc.boolean(),
    escapeChar: fc.constantFrom(undefined, '\\'),
  });

  it('never throws; every problem has a known code, and rows never exceed the records in the file', async () => {
    await fc.assert(
      fc.asyncProperty(content, dialect, fc.boolean(), async (bytes, d, withSchema) => {
        const descriptor = {
          name: 'hostile',
          resources: [{ name: 'data', path: 'data.csv', dialect: d, ...(withSchema ? { schema: { fields } } : {}) }],
        };
        const dir = await testdir({ 'datapackage.json': descriptor, 'data.csv': bytes });
        const r = await validateDir(dir);
        for (const p of [...r.errors, ...r.warnings]) {
          expect(codes.has(p.code)).toBe(true);
          expect(p.message.length).toBeGreaterThan(0);
        }
        const lineBreaks = bytes
          .toString('latin1')
          .replace(/\r\n/g, '\n')
          .replace(/[^\r\n]/g, '').length;
        expect(r.stats.rows).toBeLessThanOrEqual(lineBreaks + 1);
      }),
      { numRuns: 40 },
    );
  });
});
