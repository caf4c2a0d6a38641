/**
 * The pure parts of Data Package v2 table reading: header matching (header.ts, after
 * frictionless-py's table/__spec__/test_header.py), header and comment rows (dialect.ts, after
 * frictionless's Dialect.read_labels), and the v2 field additions (field.ts).
 */
import { describe, expect, it } from 'vitest';
import { INVALID, SchemaCompileError } from '../../src/validate/table/cast.ts';
import { HeaderJoiner, joinHeaderRows, layoutOf, MAX_HEADER_CHARS } from '../../src/validate/table/dialect.ts';
import { compileTableField, missingValueStrings } from '../../src/validate/table/field.ts';
import { fieldsMatchOf, matchHeader, type FieldsMatch } from '../../src/validate/table/header.ts';

const fields = (...names: string[]) => names.map((name) => ({ name, required: false }));
const errors = (labels: string[], names: string[], mode: FieldsMatch, headerCase = true) =>
  matchHeader(labels, fields(...names), mode, headerCase).problems.map((p) => [
    p.code,
    p.label ?? '',
    p.fieldName ?? '',
    p.fieldNumber ?? null,
  ]);

describe('matchHeader (frictionless table/header.py)', () => {
  it.each([
    ['exact', [['extra-label', 'extra', '', 3]]],
    ['equal', [['extra-label', 'extra', '', 3]]],
    ['superset', [['extra-label', 'extra', '', 3]]],
    ['subset', []],
    ['partial', []],
  ] as const)('an extra label under %s', (mode, expected) => {
    expect(errors(['a', 'b', 'extra'], ['a', 'b'], mode)).toEqual(expected);
  });

  it.each([
    ['exact', [['missing-label', '', 'b', 2]]],
    ['equal', [['missing-label', '', 'b', 2]]],
    ['subset', [['missing-label', '', 'b', 2]]],
    ['superset', []],
    ['partial', []],
  ] as const)('a missing field under %s', (mode, expected) => {
    expect(errors(['a'], ['a', 'b'], mode)).toEqual(expected);
  });

  it('required fields are never tolerated missing', () => {
    for (const mode of ['superset', 'partial'] as const) {
      const m = matchHeader(
        ['a'],
        [
          { name: 'a', required: false },
          { name: 'b', required: true },
        ],
        mode,
        true,
      );
      expect(m.problems.map((p) => [p.code, p.fieldNumber])).toEqual([['missing-label', 2]]);
    }
  });

  it('name matching maps columns to fields once; an unknown column is -1', () => {
    expect(matchHeader(['b', 'x', 'a'], fields('a', 'b'), 'subset', true).columns).toEqual([1, -1, 0]);
    expect(matchHeader(['B', 'A'], fields('a', 'b'), 'partial', false).columns).toEqual([1, 0]);
    expect(matchHeader(['b', 'a'], fields('a', 'b'), 'exact', true).columns).toBeNull();
  });

  it('exact reports reordered labels as incorrect, comparing stripped, newline-as-space labels', () => {
    expect(errors(['b', 'a'], ['a', 'b'], 'exact')).toEqual([
      ['incorrect-label', 'b', 'a', 1],
      ['incorrect-label', 'a', 'b', 2],
    ]);
    expect(errors(['the\nname', 'ID'], ['the name', 'id'], 'exact', false)).toEqual([]);
  });

  it('partial wants one match (unmatched-header), but not for a schema without fields', () => {
    expect(errors(['x', 'y'], ['a', 'b'], 'partial').map((e) => e[0])).toEqual(['unmatched-header']);
    expect(errors(['x', 'a'], ['a', 'b'], 'partial')).toEqual([]);
    expect(errors(['x'], [], 'partial')).toEqual([]);
    for (const mode of ['exact', 'equal', 'subset', 'superset'] as const)
      expect(errors(['x', 'y'], ['a', 'b'], mode).map((e) => e[0])).not.toContain('unmatched-header');
  });

  it('refuses ambiguous name matching: repeated labels, fields equal ignoring case', () => {
    expect(matchHeader(['a', 'a'], fields('a'), 'equal', true).refused).toEqual({ reason: 'duplicate-labels', labels: ['a'] });
    expect(matchHeader(['a', 'A'], fields('a'), 'subset', false).refused?.reason).toBe('duplicate-labels');
    expect(matchHeader(['a'], fields('a', 'A'), 'equal', false).refused).toEqual({ reason: 'ambiguous-fields', fields: ['a', 'A'] });
    // positional: duplicates are a duplicate-label, not a refusal
    expect(errors(['a', 'a'], ['a', 'b'], 'exact')).toEqual([['duplicate-label', 'a', 'b', 2]]);
  });

  it('blank labels, and no header at all', () => {
    expect(errors(['a', ''], ['a', 'b'], 'exact')).toEqual([['blank-label', '', 'b', 2]]);
    expect(matchHeader([], fields('a'), 'equal', true)).toEqual({ problems: [], columns: null });
  });

  it('fieldsMatchOf defaults to exact', () => {
    expect(fieldsMatchOf('subset')).toBe('subset');
    expect(fieldsMatchOf(undefined)).toBe('exact');
    expect(fieldsMatchOf('SUBSET')).toBe('exact');
  });
});

describe('header and comment rows (frictionless Dialect.read_labels)', () => {
  it('joins header rows, not repeating a cell equal to the one above', () => {
    expect(joinHeaderRows([['k1'], ['k2']], ':')).toEqual(['k1:k2']);
    expect(joinHeaderRows([['k1'], ['k1']], ' ')).toEqual(['k1']);
    expect(
      joinHeaderRows(
        [
          [' Region ', 'Spending', 'Spending'],
          ['', '2020', '2021'],
        ],
        ' ',
      ),
    ).toEqual(['Region ', 'Spending 2020', 'Spending 2021']);
    expect(joinHeaderRows([['a'], ['b', 'c']], '-')).toEqual(['a-b', 'c']);
  });

  it('refuses labels past the size bound without growing them', () => {
    const j = new HeaderJoiner('');
    expect(j.add(['x'.repeat(MAX_HEADER_CHARS)])).toBe(true);
    expect(j.add(['y'])).toBe(false);
    expect(j.labels[0]!.length).toBe(MAX_HEADER_CHARS);
  });

  it('reads the layout a dialect declares', () => {
    const l = layoutOf({ headerRows: [3, 2], commentChar: '//', commentRows: [7] });
    expect([l.headerRows, l.firstContentRow, l.headerJoin, l.headerCase]).toEqual([[2, 3], 4, ' ', true]);
    expect(l.isComment(5, ['//x', 'y'])).toBe(true);
    expect(l.isComment(5, ['/x'])).toBe(false);
    expect(l.isComment(7, ['a'])).toBe(true);
    expect(l.headerAfter(1)).toBeNull(); // declared header rows do not move
    expect(layoutOf({ header: false }).headerRows).toEqual([]);
    expect(layoutOf({ header: false }).firstContentRow).toBe(1);
    expect(layoutOf({ caseSensitiveHeader: false }).headerCase).toBe(false);
    expect(layoutOf({ caseSensitiveHeader: false, headerCase: true }).headerCase).toBe(true);
    expect(layoutOf(undefined).headerAfter(1)?.headerRows).toEqual([2]);
  });
});

describe('v2 field additions (field.ts)', () => {
  it('reads missingValues objects as their values', () => {
    expect(missingValueStrings(['', { value: '-', label: 'none' }])).toEqual(['', '-']);
    expect(compileTableField({ name: 'x', type: 'integer', missingValues: [{ value: '-' }] }, undefined).cast('-')).toBeNull();
  });

  it('lists: items of itemType split by delimiter, lengths in items', () => {
    const f = compileTableField(
      { name: 'x', type: 'list', itemType: 'integer', delimiter: ';', constraints: { maxLength: 2, unique: true } },
      undefined,
    );
    expect(f.cast('1;2')).toEqual([1, 2]);
    expect(f.cast('1;x')).toBe(INVALID);
    expect(f.cast('')).toBeNull();
    expect(f.check([1, 2, 3], '1;2;3')).toMatch(/more than the maximum length 2/);
    expect(f.key([1, 2])).toBe(f.key(f.cast('1;2')));
    expect(f.unique).toBe(true);
    expect(() => compileTableField({ name: 'x', type: 'list', itemType: 'geopoint' }, undefined)).toThrow(SchemaCompileError);
    expect(() => compileTableField({ name: 'x', type: 'list', constraints: { pattern: 'a' } }, undefined)).toThrow(
      /"pattern" is not supported by type "list"/,
    );
  });

  it('exclusive bounds compare as minimum/maximum do, the bound itself excluded', () => {
    const f = compileTableField({ name: 'd', type: 'date', constraints: { exclusiveMinimum: '2020-01-01' } }, undefined);
    expect(f.check(f.cast('2020-01-01'), '2020-01-01')).toMatch(/not above the exclusive minimum/);
    expect(f.check(f.cast('2020-01-02'), '2020-01-02')).toBeUndefined();
    const n = compileTableField({ name: 'n', type: 'number', constraints: { exclusiveMaximum: 1, minimum: 0 } }, undefined);
    expect(n.check(n.cast('1'), '1')).toMatch(/exclusive maximum/);
    expect(n.check(n.cast('-1'), '-1')).toMatch(/below the minimum/);
    expect(n.check(n.cast('NaN'), 'NaN')).toBeDefined();
    expect(() => compileTableField({ name: 'n', type: 'integer', constraints: { exclusiveMinimum: 'x' } }, undefined)).toThrow(
      SchemaCompileError,
    );
  });

  it('categories on strings and integers only', () => {
    const f = compileTableField({ name: 'k', type: 'integer', categories: [1, { value: 2, label: 'two' }] }, undefined);
    expect(f.constrained).toBe(true);
    expect(f.check(2, '2')).toBeUndefined();
    expect(f.check(3, '3')).toMatch(/categories/);
    expect(() => compileTableField({ name: 'k', type: 'date', categories: ['2020-01-01'] }, undefined)).toThrow(/string and integer/);
  });

  it('jsonSchema: checked on object and array values; a bad or remote schema is a compile error', () => {
    const f = compileTableField({ name: 'o', type: 'object', constraints: { jsonSchema: { required: ['a'] } } }, undefined);
    expect(f.check({ a: 1 }, '')).toBeUndefined();
    expect(f.check({}, '')).toMatch(/jsonSchema/);
    expect(() =>
      compileTableField({ name: 'o', type: 'object', constraints: { jsonSchema: { $ref: 'https://example.org/s.json' } } }, undefined),
    ).toThrow(SchemaCompileError);
    expect(() => compileTableField({ name: 's', type: 'string', constraints: { jsonSchema: {} } }, undefined)).toThrow(/object and array/);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) deep = { not: deep };
    expect(() => compileTableField({ name: 'o', type: 'object', constraints: { jsonSchema: deep as never } }, undefined)).toThrow(
      /nested more than 32/,
    );
    const wide = { enum: Array.from({ length: 20000 }, (_, i) => `value-${i}`) };
    expect(() => compileTableField({ name: 'o', type: 'object', constraints: { jsonSchema: wide } }, undefined)).toThrow(
      /longer than 65536 characters/,
    );
  });
});

describe('v2 integer groupChar (field.ts)', () => {
  it('reads "1,000" as 1000 on an integer with groupChar ","; missing values are untouched', () => {
    const f = compileTableField({ name: 'n', type: 'integer', groupChar: ',', missingValues: [',', ''] }, undefined);
    expect(f.cast('1,000')).toBe(1000);
    expect(f.cast('1000')).toBe(1000);
    expect(f.cast(',')).toBeNull();
    expect(f.cast('1.5')).toBe(INVALID);
    expect(f.decimal('1,234')).toBe('1234');
    expect(f.expected).toContain('group ","');
    expect(compileTableField({ name: 'n', type: 'integer' }, undefined).cast('1,000')).toBe(INVALID);
  });
});
