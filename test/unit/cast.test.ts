import { describe, it, expect } from 'vitest';
import { compileField, INVALID, SchemaCompileError, toPlainDecimal } from '../../src/validate/table/cast.ts';
import type { FieldDescriptor } from '../../src/package/descriptor.ts';

type Spec = Omit<FieldDescriptor, 'name'>;

const field = (spec: Spec, schemaMissingValues?: string[]) => compileField({ name: 'f', ...spec }, schemaMissingValues);
const cast = (spec: Spec, cell: string): unknown => field(spec).cast(cell);
const show = (v: unknown): string =>
  v === INVALID ? 'INVALID' : typeof v === 'bigint' ? `${v}n` : typeof v === 'number' ? String(v) : JSON.stringify(v);

/** [descriptor, cell, expected typed value (INVALID for a type error)] */
type CastCase = [Spec, string, unknown];

function castTable(title: string, cases: CastCase[]): void {
  describe(title, () => {
    for (const [spec, cell, expected] of cases) {
      const label = `${spec.type ?? 'string'}${spec.format ? `/${spec.format}` : ''} ${JSON.stringify(cell)} → ${show(expected)}`;
      it(label, () => {
        expect(cast(spec, cell)).toStrictEqual(expected);
      });
    }
  });
}

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Types and formats
// ─────────────────────────────────────────────────────────────────────────────────────────────

const S: Spec = { type: 'string' };
castTable('string', [
  [{}, 'anything at all', 'anything at all'],
  [S, ' padded ', ' padded '],
  [{ ...S, format: 'email' }, 'name@gmail.com', 'name@gmail.com'],
  [{ ...S, format: 'email' }, 'first.last+tag@sub.example.org', 'first.last+tag@sub.example.org'],
  [{ ...S, format: 'email' }, 'http://google.com', INVALID],
  [{ ...S, format: 'email' }, 'string', INVALID],
  [{ ...S, format: 'email' }, 'a@b', INVALID],
  [{ ...S, format: 'email' }, 'two@@example.org', INVALID],
  [{ ...S, format: 'uri' }, 'http://google.com', 'http://google.com'],
  [{ ...S, format: 'uri' }, 'mailto:someone@example.org', 'mailto:someone@example.org'],
  [{ ...S, format: 'uri' }, 'urn:isbn:0451450523', 'urn:isbn:0451450523'],
  [{ ...S, format: 'uri' }, '://no-scheme.test', INVALID],
  [{ ...S, format: 'uri' }, 'string', INVALID],
  [{ ...S, format: 'uri' }, '1http://x', INVALID],
  [{ ...S, format: 'binary' }, 'dGVzdA==', 'dGVzdA=='],
  [{ ...S, format: 'binary' }, 'dGVzdHM=', 'dGVzdHM='],
  [{ ...S, format: 'binary' }, 'dGVz', 'dGVz'],
  [{ ...S, format: 'binary' }, 'string', INVALID],
  [{ ...S, format: 'binary' }, '!!!!', INVALID],
  [{ ...S, format: 'binary' }, 'dGVzdA', INVALID],
  [{ ...S, format: 'binary' }, 'dG=zdA==', INVALID],
  [{ ...S, format: 'uuid' }, '123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456-426614174000'],
  [{ ...S, format: 'uuid' }, '123E4567-E89B-12D3-A456-426614174000', '123E4567-E89B-12D3-A456-426614174000'],
  [{ ...S, format: 'uuid' }, '123e4567e89b12d3a456426614174000', INVALID],
  [{ ...S, format: 'uuid' }, '123e4567-e89b-12d3-a456-42661417400g', INVALID],
]);

const I: Spec = { type: 'integer' };
castTable('integer', [
  [I, '1', 1],
  [I, '-12', -12],
  [I, '+5', 5],
  [I, '007', 7],
  [I, '000835', 835],
  [I, '00', 0],
  [I, '-0', 0],
  [I, '9007199254740991', 9007199254740991],
  [I, '9007199254740993', 9007199254740993n],
  [I, '-9007199254740993', -9007199254740993n],
  [I, '1.0', INVALID],
  [I, '3.14', INVALID],
  [I, ' 5', 5], // frictionless-py strips whitespace (int(" 5") works in Python)
  [I, '5 \t', 5],
  [I, ' ', INVALID],
  [I, '1,000', INVALID],
  [I, '1e3', INVALID],
  [I, '+', INVALID],
  [I, '-', INVALID],
  [I, 'abc', INVALID],
  [I, '1$', INVALID],
  [{ ...I, bareNumber: false }, '1$', 1],
  [{ ...I, bareNumber: false }, 'ab1$', 1],
  [{ ...I, bareNumber: false }, '-12 €', -12],
  [{ ...I, bareNumber: false }, '-12€', -12],
  [{ ...I, bareNumber: false }, '€-12', -12],
  [{ ...I, bareNumber: false }, '€ -12', -12],
  [{ ...I, bareNumber: false }, '50%', 50],
  [{ ...I, bareNumber: false }, '00', 0],
  [{ ...I, bareNumber: false }, '1.5', INVALID],
  [{ ...I, bareNumber: false }, 'EUR', INVALID],
  [{ ...I, format: 'currency' }, '$100', 100],
]);

const N: Spec = { type: 'number' };
castTable('number', [
  [N, '1', 1],
  [N, '10.00', 10],
  [N, '10.50', 10.5],
  [N, '-1000', -1000],
  [N, '+1.5', 1.5],
  [N, '000835', 835],
  [N, '0.003', 0.003],
  [N, '.5', 0.5],
  [N, '5.', 5],
  [N, '1e3', 1000],
  [N, '1.5E-3', 0.0015],
  [N, '-2.5e+2', -250],
  [N, 'NaN', NaN],
  [N, 'nan', NaN],
  [N, 'INF', Infinity],
  [N, '-Infinity', -Infinity],
  [N, '-inf', -Infinity],
  [N, ' 1', 1],
  [N, '1\u00a0', 1],
  [N, '1,000', INVALID],
  [N, 'string', INVALID],
  [N, '10,000a.00', INVALID],
  [N, '10+000.00', INVALID],
  [N, '$10:000.00', INVALID],
  [N, '.', INVALID],
  [N, '1e', INVALID],
  [N, 'e5', INVALID],
  [N, '1.2.3', INVALID],
  [N, '--1', INVALID],
  [N, 'infinite', INVALID],
  [{ ...N, groupChar: ',' }, '1,000', 1000],
  [{ ...N, groupChar: ',' }, '10,000,000.50', 10000000.5],
  [{ ...N, groupChar: '#' }, '10#000.00', 10000],
  [{ ...N, groupChar: '#', decimalChar: '@' }, '10#000#000@50', 10000000.5],
  [{ ...N, groupChar: '#', decimalChar: '@' }, '10@50', 10.5],
  [{ ...N, groupChar: '.', decimalChar: ',' }, '10.000.000,00', 10000000],
  [{ ...N, groupChar: '.', decimalChar: ',' }, '8.699,8', 8699.8],
  [{ ...N, groupChar: '.', decimalChar: ',' }, '-1.234,50', -1234.5],
  [{ ...N, groupChar: ' ', decimalChar: ',' }, '10 000 000,00', 10000000],
  [{ ...N, groupChar: '' }, '1000', 1000],
  [{ ...N, decimalChar: ',' }, '1,5', 1.5],
  // frictionless issue 1005: '.' is refused when the decimal char is something else
  [{ ...N, decimalChar: ',' }, '1.234', INVALID],
  [{ ...N, decimalChar: ',', bareNumber: false }, '1.234.', INVALID],
  [{ ...N, decimalChar: ',', bareNumber: false }, '1234.', 1234],
  [{ ...N, bareNumber: false }, '-12.3 €', -12.3],
  [{ ...N, bareNumber: false }, '€-12.3', -12.3],
  [{ ...N, bareNumber: false }, '€ -12.3', -12.3],
  [{ ...N, bareNumber: false }, '100%', 100],
  [{ ...N, bareNumber: false }, '1000‰', 1000],
  [{ ...N, bareNumber: false }, '$10000.00', 10000],
  [{ ...N, bareNumber: false }, '12 EUR', 12],
  [{ ...N, groupChar: ',', bareNumber: false }, '  10,000.00 €', 10000],
  [{ ...N, groupChar: ' ', decimalChar: ',', bareNumber: false }, '  10 000,00 £', 10000],
  [{ ...N, groupChar: ' ', decimalChar: ',', bareNumber: false }, '10000,00 ₪', 10000],
  [{ ...N, format: 'currency' }, '$1.50', 1.5],
  // multi-character separators use frictionless's plain replacements
  [{ ...N, groupChar: "''" }, "1''000.5", 1000.5],
  [{ ...N, decimalChar: 'dec' }, '1dec5', 1.5],
  [{ ...N, decimalChar: 'dec' }, '1.5', INVALID],
]);

const B: Spec = { type: 'boolean' };
castTable('boolean', [
  ...['true', 'True', 'TRUE', '1'].map((c): CastCase => [B, c, true]),
  ...['false', 'False', 'FALSE', '0'].map((c): CastCase => [B, c, false]),
  [B, 'yes', INVALID],
  [B, 'tRUE', INVALID],
  [B, ' true', INVALID],
  [{ ...B, trueValues: ['yes', 'Y'], falseValues: ['no', 'N'] }, 'Y', true],
  [{ ...B, trueValues: ['yes', 'Y'], falseValues: ['no', 'N'] }, 'no', false],
  [{ ...B, trueValues: ['yes', 'Y'], falseValues: ['no', 'N'] }, 'true', INVALID],
]);

const D: Spec = { type: 'date' };
castTable('date: default and any', [
  [D, '2020-01-31', '2020-01-31'],
  [D, '2020-02-29', '2020-02-29'],
  [D, '2000-02-29', '2000-02-29'],
  [D, '2019-02-29', INVALID],
  [D, '1900-02-29', INVALID],
  [D, '2020-04-31', INVALID],
  [D, '2020-13-01', INVALID],
  [D, '2020-00-10', INVALID],
  [D, '0000-01-01', INVALID],
  // frictionless reads the default with strptime('%Y-%m-%d'): one-digit month/day pass
  [D, '2020-1-5', '2020-01-05'],
  [D, '20-01-05', INVALID],
  [D, '2020-01-31T00:00:00', INVALID],
  [D, '31/01/2020', INVALID],
  [D, ' 2020-01-31', INVALID],
  [{ ...D, format: 'any' }, '2020-01-31', '2020-01-31'],
  [{ ...D, format: 'any' }, '2020/1/31', '2020-01-31'],
  [{ ...D, format: 'any' }, '2020.01.31', '2020-01-31'],
  [{ ...D, format: 'any' }, '20200131', '2020-01-31'],
  [{ ...D, format: 'any' }, '31/01/2020', '2020-01-31'],
  [{ ...D, format: 'any' }, '01/31/2020', '2020-01-31'],
  // ambiguous: month first, as dateutil
  [{ ...D, format: 'any' }, '02/03/2020', '2020-02-03'],
  [{ ...D, format: 'any' }, '31.12.2020', '2020-12-31'],
  [{ ...D, format: 'any' }, '5 Jan 2020', '2020-01-05'],
  [{ ...D, format: 'any' }, '05-Jan-2020', '2020-01-05'],
  [{ ...D, format: 'any' }, '10th January 1969', '1969-01-10'],
  [{ ...D, format: 'any' }, 'Mon, 6 Jan 2020', '2020-01-06'],
  [{ ...D, format: 'any' }, 'Sept 5, 2020', '2020-09-05'],
  [{ ...D, format: 'any' }, 'January 5 2020', '2020-01-05'],
  [{ ...D, format: 'any' }, '2020 Mar 5', '2020-03-05'],
  [{ ...D, format: 'any' }, '2020-01-31T23:00:00-05:00', '2020-01-31'],
  [{ ...D, format: 'any' }, '31/04/2020', INVALID],
  [{ ...D, format: 'any' }, '13/13/2020', INVALID],
  // Partial dates dateutil's parse completes (frictionless fields/date.py, format "any"): the 1st here.
  [{ ...D, format: 'any' }, 'Jan 2020', '2020-01-01'],
  [{ ...D, format: 'any' }, '1958-03', '1958-03-01'],
  [{ ...D, format: 'any' }, '1958', '1958-01-01'],
  [{ ...D, format: 'any' }, '1958-13', INVALID],
  [{ ...D, format: 'any' }, '01/02/20', INVALID],
  [{ ...D, format: 'any' }, 'invalid', INVALID],
]);

/** strptime directives: [pattern, cell, expected] (type from the expected value's shape). */
const strptimeCases: Array<[string, string, string | typeof INVALID]> = [
  ['%Y-%m-%d', '2020-03-04', '2020-03-04'],
  ['%d/%m/%Y', '31/12/2020', '2020-12-31'],
  ['%d/%m/%Y', '1/2/2020', '2020-02-01'],
  ['%d/%m/%Y', ' 1/02/2020', '2020-02-01'],
  ['fmt:%d/%m/%Y', '31/12/2020', '2020-12-31'],
  ['%d/%m/%y', '01/02/68', '2068-02-01'],
  ['%d/%m/%y', '01/02/69', '1969-02-01'],
  ['%e.%m.%Y', ' 5.03.2020', '2020-03-05'],
  ['%e.%m.%Y', '15.03.2020', '2020-03-15'],
  ['%d-%b-%Y', '05-mar-2020', '2020-03-05'],
  ['%d-%h-%Y', '05-MAR-2020', '2020-03-05'],
  ['%B %d, %Y', 'March 5, 2020', '2020-03-05'],
  ['%a %d %b %Y', 'Thu 05 Mar 2020', '2020-03-05'],
  ['%A, %d %B %Y', 'Thursday, 05 March 2020', '2020-03-05'],
  ['%Y-%j', '2020-060', '2020-02-29'],
  ['%Y-%j', '2019-060', '2019-03-01'],
  ['%Y%%%m%%%d', '2020%03%04', '2020-03-04'],
  ['Year %Y, month %m', 'year 2020, month 3', '2020-03-01'],
  ['%d %m %Y', '05 \t 03  2020', '2020-03-05'],
  ['%m%d%Y', '1122020', '2020-11-02'],
  // invalid calendar dates and forms
  ['%d/%m/%Y', '31/04/2020', INVALID],
  ['%d/%m/%Y', '29/02/2019', INVALID],
  ['%d/%m/%Y', '29/02/2020', '2020-02-29'],
  ['%d/%m/%Y', '29/02/1900', INVALID],
  ['%d/%m/%Y', '29/02/2000', '2000-02-29'],
  ['%d/%m/%Y', '00/01/2020', INVALID],
  ['%d/%m/%Y', '32/01/2020', INVALID],
  ['%d/%m/%Y', '01/13/2020', INVALID],
  ['%d/%m/%Y', '01/01/2020x', INVALID],
  ['%d/%m/%Y', '01/01/20', INVALID],
  ['%d/%m/%Y', '2020-01-01', INVALID],
  ['%m/%d', '02/29', INVALID],
  ['%d %b %Y', '5 January 2020', INVALID],
  ['%Y-%j', '2020-367', INVALID],
  ['%Y-%j', '2020-000', INVALID],
];

describe('date: strptime directives', () => {
  for (const [format, cell, expected] of strptimeCases) {
    it(`${format} ${JSON.stringify(cell)} → ${show(expected)}`, () => {
      expect(cast({ type: 'date', format }, cell)).toBe(expected);
    });
  }
});

const T: Spec = { type: 'time' };
castTable('time', [
  [T, '06:00:00', '06:00:00'],
  [T, '23:59:59.5', '23:59:59.500000'],
  [T, '23:59:59,123456789', '23:59:59.123456'],
  [T, '06:00:00Z', '06:00:00.000000Z'],
  [T, '06:00:00+01:00', '05:00:00.000000Z'],
  [T, '00:30:00+0100', '23:30:00.000000Z'],
  [T, '22:00:00-03', '01:00:00.000000Z'],
  [T, '24:00:00', '00:00:00'],
  [T, '24:00:01', INVALID],
  [T, '25:00:00', INVALID],
  [T, '06:60:00', INVALID],
  [T, '06:00:60', INVALID],
  [T, '06:00:00+1:00', INVALID],
  [T, '06:00:00+24:00', INVALID],
  [T, '09:00', INVALID],
  [T, '3 am', INVALID],
  [T, '3.00', INVALID],
  [T, '06:00:00.', INVALID],
  [{ ...T, format: 'any' }, '06:00:00', '06:00:00'],
  [{ ...T, format: 'any' }, '06:00:00Z', '06:00:00.000000Z'],
  [{ ...T, format: 'any' }, '3:00 am', '03:00:00'],
  [{ ...T, format: 'any' }, '12:15 AM', '00:15:00'],
  [{ ...T, format: 'any' }, '9 pm', '21:00:00'],
  [{ ...T, format: 'any' }, '2020-01-01 14:30', '14:30:00'],
  [{ ...T, format: 'any' }, '13:00 pm', INVALID],
  [{ ...T, format: 'any' }, '2020-01-01', INVALID],
  [{ ...T, format: 'any' }, 'some night', INVALID],
  [{ ...T, format: '%H:%M' }, '06:00', '06:00:00'],
  [{ ...T, format: '%H:%M' }, '6:05', '06:05:00'],
  [{ ...T, format: '%H:%M' }, '3:00 am', INVALID],
  [{ ...T, format: '%H:%M' }, '24:00', INVALID],
  [{ ...T, format: '%M:%H' }, '06:50', INVALID],
  [{ ...T, format: 'fmt:%H:%M' }, '06:00', '06:00:00'],
  [{ ...T, format: '%I:%M %p' }, '12:30 AM', '00:30:00'],
  [{ ...T, format: '%I:%M %p' }, '12:30 pm', '12:30:00'],
  [{ ...T, format: '%I:%M %p' }, '01:30 PM', '13:30:00'],
  [{ ...T, format: '%I:%M' }, '12:30', '00:30:00'],
  [{ ...T, format: '%I:%M %p' }, '13:30 PM', INVALID],
  [{ ...T, format: '%H:%M:%S.%f' }, '10:00:00.5', '10:00:00.500000'],
  [{ ...T, format: '%H:%M:%S.%f' }, '10:00:00.000123', '10:00:00.000123'],
  [{ ...T, format: '%H:%M:%S.%f' }, '10:00:00.1234567', INVALID],
  [{ ...T, format: '%H:%M:%S' }, '10:00:61', INVALID],
  [{ ...T, format: '%H:%M%z' }, '10:00+0230', '07:30:00.000000Z'],
]);

const DT: Spec = { type: 'datetime' };
castTable('datetime', [
  [DT, '2014-01-01T06:00:00', '2014-01-01T06:00:00'],
  [DT, '2014-01-01T06:00:00Z', '2014-01-01T06:00:00.000000Z'],
  [DT, '2014-01-01T06:00:00+01:00', '2014-01-01T05:00:00.000000Z'],
  [DT, '2014-01-01T00:30:00+01:00', '2013-12-31T23:30:00.000000Z'],
  [DT, '2014-12-31T23:30:00-01:00', '2015-01-01T00:30:00.000000Z'],
  [DT, '2014-01-01T06:00:00.5', '2014-01-01T06:00:00.500000'],
  [DT, '2014-01-01 06:00:00', '2014-01-01T06:00:00'],
  [DT, '2014-12-31T24:00:00', '2015-01-01T00:00:00'],
  [DT, '2014-01-01T06:00:00+1:00', INVALID],
  [DT, '2014-02-30T06:00:00', INVALID],
  [DT, '2014-01-01T06:00', INVALID],
  [DT, '2014-01-01', INVALID],
  [DT, 'Mon 1st Jan 2014 9 am', INVALID],
  [DT, 'invalid', INVALID],
  [{ ...DT, format: 'any' }, '2014-01-01T06:00:00', '2014-01-01T06:00:00'],
  [{ ...DT, format: 'any' }, '2014-01-01T06:00:00Z', '2014-01-01T06:00:00.000000Z'],
  [{ ...DT, format: 'any' }, '10th Jan 1969 9 am', '1969-01-10T09:00:00'],
  [{ ...DT, format: 'any' }, '13/02/2020 10:00', '2020-02-13T10:00:00'],
  [{ ...DT, format: 'any' }, '2020-02-13, 10:00:30 UTC', '2020-02-13T10:00:30.000000Z'],
  [{ ...DT, format: 'any' }, '2020-02-13', '2020-02-13T00:00:00'],
  [{ ...DT, format: 'any' }, '10:00', INVALID],
  [{ ...DT, format: 'any' }, '2020-02-13 10', INVALID],
  [{ ...DT, format: 'any' }, 'invalid', INVALID],
  [{ ...DT, format: '%d/%m/%y %H:%M' }, '21/11/06 16:30', '2006-11-21T16:30:00'],
  [{ ...DT, format: '%H:%M %d/%m/%y' }, '21/11/06 16:30', INVALID],
  [{ ...DT, format: 'fmt:%d/%m/%y %H:%M' }, '21/11/06 16:30', '2006-11-21T16:30:00'],
  [{ ...DT, format: '%Y-%m-%d %I:%M %p %z' }, '2020-01-01 12:30 AM +0100', '2019-12-31T23:30:00.000000Z'],
  [{ ...DT, format: '%Y-%m-%dT%H:%M:%S%z' }, '2020-01-01t10:00:00Z', '2020-01-01T10:00:00.000000Z'],
  [{ ...DT, format: '%Y-%m-%dT%H:%M:%S%z' }, '2020-01-01T10:00:00z', INVALID],
  [{ ...DT, format: '%Y-%m-%d %H:%M %Z' }, '2020-01-01 10:00 UTC', '2020-01-01T10:00:00'],
  [{ ...DT, format: '%Y-%m-%d %H:%M %Z' }, '2020-01-01 10:00 CEST', INVALID],
]);

castTable('year, yearmonth, duration', [
  [{ type: 'year' }, '2020', 2020],
  [{ type: 'year' }, '0999', 999],
  [{ type: 'year' }, '20', INVALID],
  [{ type: 'year' }, '20201', INVALID],
  [{ type: 'year' }, '-200', INVALID],
  [{ type: 'year' }, '2o20', INVALID],
  [{ type: 'yearmonth' }, '2020-01', '2020-01'],
  [{ type: 'yearmonth' }, '2020-1', '2020-01'],
  [{ type: 'yearmonth' }, '2020-12', '2020-12'],
  [{ type: 'yearmonth' }, '2020-13', INVALID],
  [{ type: 'yearmonth' }, '2020-00', INVALID],
  [{ type: 'yearmonth' }, '2020-01-01', INVALID],
  [{ type: 'yearmonth' }, '202001', INVALID],
  [{ type: 'duration' }, 'P1Y2M10DT2H30M', 'P1Y2M10DT2H30M'],
  [{ type: 'duration' }, 'PT0.5S', 'PT0.5S'],
  [{ type: 'duration' }, 'P3W', 'P3W'],
  [{ type: 'duration' }, '-P1D', '-P1D'],
  [{ type: 'duration' }, 'PT', 'PT'],
  [{ type: 'duration' }, 'P', INVALID],
  [{ type: 'duration' }, 'P1H', INVALID],
  [{ type: 'duration' }, 'p1d', INVALID],
  [{ type: 'duration' }, '1 day', INVALID],
]);

castTable('object, array, any', [
  [{ type: 'object' }, '{"a": 1, "b": [true]}', { a: 1, b: [true] }],
  [{ type: 'object' }, ' {} ', {}],
  [{ type: 'object' }, '[1]', INVALID],
  [{ type: 'object' }, 'null', INVALID],
  [{ type: 'object' }, '{"a": 1', INVALID],
  [{ type: 'object' }, "{'a': 1}", INVALID],
  [{ type: 'array' }, '[1, "two", {"three": 3}]', [1, 'two', { three: 3 }]],
  [{ type: 'array' }, '[]', []],
  [{ type: 'array' }, '{"a": 1}', INVALID],
  [{ type: 'array' }, '1, 2', INVALID],
  [{ type: 'any' }, '  whatever 1 ', '  whatever 1 '],
]);

const G: Spec = { type: 'geopoint' };
castTable('geopoint', [
  [G, '180,90', [180, 90]],
  [G, '180, -90', [180, -90]],
  [G, ' -0.1275 , 51.5072 ', [-0.1275, 51.5072]],
  [G, '181,90', INVALID],
  [G, '0,91', INVALID],
  [G, '3.14', INVALID],
  [G, '1,2,3', INVALID],
  [G, 'nan,0', INVALID],
  [G, 'string', INVALID],
  [{ ...G, format: 'array' }, '[180, -90]', [180, -90]],
  [{ ...G, format: 'array' }, '["1.5", "2"]', [1.5, 2]],
  [{ ...G, format: 'array' }, '[181, 90]', INVALID],
  [{ ...G, format: 'array' }, '[1, 2, 3]', INVALID],
  [{ ...G, format: 'array' }, '180,90', INVALID],
  [{ ...G, format: 'object' }, '{"lon": 180, "lat": 90}', [180, 90]],
  [{ ...G, format: 'object' }, '{"lat": -45, "lon": 10}', [10, -45]],
  [{ ...G, format: 'object' }, '{"lon": 180, "lat": -91}', INVALID],
  [{ ...G, format: 'object' }, '{"lon": 1, "lat": 2, "alt": 3}', INVALID],
  [{ ...G, format: 'object' }, '[180, -90]', INVALID],
]);

const point = { type: 'Point', coordinates: [1, 2] };
const feature = { type: 'Feature', geometry: point, properties: { name: 'x' } };
const topology = {
  type: 'Topology',
  objects: { a: { type: 'LineString', arcs: [0] }, b: { type: 'Point', coordinates: [1, 2] } },
  arcs: [
    [
      [0, 0],
      [1, 1],
    ],
  ],
};
const GJ: Spec = { type: 'geojson' };
castTable('geojson', [
  [GJ, JSON.stringify(point), point],
  [GJ, JSON.stringify({ type: 'Point', coordinates: [1, 2, 3] }), { type: 'Point', coordinates: [1, 2, 3] }],
  [GJ, JSON.stringify(feature), feature],
  [GJ, JSON.stringify({ type: 'Feature', geometry: null, properties: null }), { type: 'Feature', geometry: null, properties: null }],
  [GJ, JSON.stringify({ type: 'FeatureCollection', features: [feature] }), { type: 'FeatureCollection', features: [feature] }],
  [
    GJ,
    JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    }),
    {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    },
  ],
  [GJ, JSON.stringify({ type: 'GeometryCollection', geometries: [point] }), { type: 'GeometryCollection', geometries: [point] }],
  [
    GJ,
    JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [0, 0],
        ],
      ],
    }),
    INVALID,
  ],
  [GJ, JSON.stringify({ type: 'LineString', coordinates: [[0, 0]] }), INVALID],
  [GJ, JSON.stringify({ type: 'Point', coordinates: [1] }), INVALID],
  [GJ, JSON.stringify({ type: 'Point', coordinates: ['1', 2] }), INVALID],
  [GJ, JSON.stringify({ type: 'Feature', geometry: point }), INVALID],
  [GJ, JSON.stringify({ type: 'Circle', coordinates: [1, 2] }), INVALID],
  [GJ, JSON.stringify({ coordinates: [1, 2] }), INVALID],
  [GJ, '[1, 2]', INVALID],
  [GJ, 'not json', INVALID],
  [{ ...GJ, format: 'topojson' }, JSON.stringify(topology), topology],
  [{ ...GJ, format: 'topojson' }, JSON.stringify({ type: 'Topology', objects: {} }), INVALID],
  [{ ...GJ, format: 'topojson' }, JSON.stringify(point), point],
  [{ ...GJ, format: 'topojson' }, JSON.stringify({ type: 'Topology', objects: { a: { type: 'Nope' } }, arcs: [] }), INVALID],
]);

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Missing values
// ─────────────────────────────────────────────────────────────────────────────────────────────

describe('missing values', () => {
  const cases: Array<[string, Spec, string[] | undefined, string, unknown]> = [
    ['"" is missing by default', I, undefined, '', null],
    ['"NA" is not missing by default', I, undefined, 'NA', INVALID],
    ['schema missingValues apply', I, ['', 'NA'], 'NA', null],
    ['schema missingValues replace the default', I, ['NA'], '', INVALID],
    ['field missingValues win over the schema', { ...I, missingValues: ['-'] }, ['NA'], 'NA', INVALID],
    ['field missingValues apply', { ...I, missingValues: ['-', 'n/a'] }, ['NA'], 'n/a', null],
    ['an empty list means nothing is missing', { ...S, missingValues: [] }, undefined, '', ''],
    ['missing values are exact', { ...I, missingValues: ['NA'] }, undefined, 'na', INVALID],
    ['a missing string is null', { ...S, missingValues: ['NA'] }, undefined, 'NA', null],
  ];
  for (const [title, spec, schemaMissing, cell, expected] of cases) {
    it(title, () => {
      expect(field(spec, schemaMissing).cast(cell)).toStrictEqual(expected);
    });
  }
  it('decimal() is null for missing values', () => {
    expect(field({ ...N, missingValues: ['-'] }).decimal('-')).toBeNull();
    expect(field(N).decimal('')).toBeNull();
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Constraints
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** [descriptor, cell, expected check() result] */
type CheckCase = [Spec, string, string | undefined];

describe('constraints', () => {
  const cases: CheckCase[] = [
    [{ ...S, constraints: { enum: ['a', 'b'] } }, 'a', undefined],
    [{ ...S, constraints: { enum: ['a', 'b'] } }, 'c', 'is not one of "a", "b"'],
    [{ ...I, constraints: { enum: ['1', '2'] } }, '02', undefined],
    [{ ...I, constraints: { enum: [1, 2] } }, '2', undefined],
    [{ ...I, constraints: { enum: [1, 2] } }, '3', 'is not one of 1, 2'],
    [{ ...N, constraints: { enum: [1.5, '2'] } }, '2.0', undefined],
    [{ ...B, constraints: { enum: [true] } }, 'False', 'is not one of true'],
    [{ ...B, constraints: { enum: ['true'] } }, '1', undefined],
    [{ ...D, format: '%d/%m/%Y', constraints: { enum: ['01/02/2020'] } }, '01/02/2020', undefined],
    [{ ...D, format: '%d/%m/%Y', constraints: { enum: ['2020-02-01'] } }, '01/02/2020', undefined],
    [{ type: 'array', constraints: { enum: [[1, 2]] } }, '[1,2]', undefined],
    [{ type: 'array', constraints: { enum: [[1, 2]] } }, '[2,1]', 'is not one of [1,2]'],
    [{ type: 'object', constraints: { enum: ['{"a":1,"b":2}'] } }, '{"b": 2, "a": 1}', undefined],
    [{ ...G, constraints: { enum: [[1, 2]] } }, '1, 2', undefined],
    [{ ...I, constraints: { minimum: 0 } }, '0', undefined],
    [{ ...I, constraints: { minimum: 0 } }, '-1', 'is below the minimum 0'],
    [{ ...I, constraints: { maximum: '10' } }, '11', 'is above the maximum 10'],
    [{ ...I, constraints: { maximum: 10 } }, '99999999999999999999', 'is above the maximum 10'],
    [{ ...I, constraints: { minimum: 10 } }, '99999999999999999999', undefined],
    [{ ...N, constraints: { minimum: 0, maximum: 1 } }, '0.5', undefined],
    [{ ...N, constraints: { minimum: 0 } }, 'NaN', 'is below the minimum 0'],
    [{ ...N, constraints: { maximum: 1 } }, 'NaN', 'is above the maximum 1'],
    [{ ...N, constraints: { maximum: 1e308 } }, 'inf', 'is above the maximum 1e+308'],
    [{ ...N, decimalChar: ',', constraints: { minimum: '0,5' } }, '0,4', 'is below the minimum 0,5'],
    [{ ...N, decimalChar: ',', constraints: { minimum: '0.5' } }, '0,6', undefined],
    [{ ...D, constraints: { minimum: '2020-01-01' } }, '2019-12-31', 'is below the minimum 2020-01-01'],
    [{ ...D, format: '%d/%m/%Y', constraints: { maximum: '31/12/2020' } }, '01/01/2021', 'is above the maximum 31/12/2020'],
    [{ ...D, format: '%d/%m/%Y', constraints: { maximum: '2020-12-31' } }, '31/12/2020', undefined],
    [{ ...D, format: '%d/%m/%Y', constraints: { maximum: '2020-12-31' } }, '1/1/2021', 'is above the maximum 2020-12-31'],
    [{ ...DT, constraints: { minimum: '2020-01-01T00:00:00Z' } }, '2020-01-01T00:30:00+01:00', 'is below the minimum 2020-01-01T00:00:00Z'],
    [{ ...DT, constraints: { minimum: '2020-01-01T00:00:00Z' } }, '2020-01-01T00:00:00.5Z', undefined],
    [{ ...DT, constraints: { maximum: '2020-01-01T10:00:00' } }, '2020-01-01T10:00:00.000001', 'is above the maximum 2020-01-01T10:00:00'],
    [{ ...T, constraints: { maximum: '12:00:00' } }, '12:00:01', 'is above the maximum 12:00:00'],
    [{ type: 'year', constraints: { minimum: 2000, maximum: '2020' } }, '1999', 'is below the minimum 2000'],
    [{ type: 'year', constraints: { minimum: 2000, maximum: '2020' } }, '2020', undefined],
    [{ type: 'yearmonth', constraints: { minimum: '2020-02' } }, '2020-1', 'is below the minimum 2020-02'],
    [{ ...S, constraints: { minLength: 2, maxLength: 3 } }, 'ab', undefined],
    [{ ...S, constraints: { minLength: 2 } }, 'a', 'is shorter than the minimum length 2'],
    [{ ...S, constraints: { maxLength: 3 } }, 'abcd', 'is longer than the maximum length 3'],
    [{ ...S, constraints: { maxLength: 2 } }, '😀😀', undefined],
    [{ type: 'array', constraints: { minLength: 2 } }, '[1]', 'is shorter than the minimum length 2'],
    [{ type: 'object', constraints: { maxLength: 1 } }, '{"a":1,"b":2}', 'is longer than the maximum length 1'],
    [{ ...S, constraints: { pattern: '^[A-Z]+$' } }, 'ABC', undefined],
    [{ ...S, constraints: { pattern: '^[A-Z]+$' } }, 'AbC', 'does not match pattern ^[A-Z]+$'],
    [{ ...S, constraints: { pattern: '[A-Z]{2}' } }, 'ABC', 'does not match pattern [A-Z]{2}'],
    [{ ...S, constraints: { pattern: 'a|b' } }, 'apple', 'does not match pattern a|b'],
    [{ ...S, constraints: { pattern: 'a|b' } }, 'b', undefined],
    [{ ...S, constraints: { pattern: '(?P<cc>[A-Z]{2})-[0-9]+' } }, 'FR-12', undefined],
    [{ ...S, constraints: { pattern: '(?P<cc>[A-Z]{2})-[0-9]+' } }, 'FR-DE', 'does not match pattern (?P<cc>[A-Z]{2})-[0-9]+'],
    [{ ...S, constraints: { pattern: '^(a+)+$' } }, `${'a'.repeat(5000)}!`, 'does not match pattern ^(a+)+$'],
    [{ ...S, constraints: { pattern: '\\d+\\-\\d+' } }, '12-34', undefined],
    [{ ...S, constraints: { minLength: 3, pattern: '[a-z]+', enum: ['abc'] } }, 'ab', 'is shorter than the minimum length 3'],
    [{ ...S, constraints: { required: true, unique: true } }, 'x', undefined],
  ];
  for (const [spec, cell, expected] of cases) {
    it(`${JSON.stringify(spec.constraints)} ${spec.type ?? 'string'} ${JSON.stringify(cell)} → ${expected ?? 'ok'}`, () => {
      const f = field(spec);
      const value = f.cast(cell);
      expect(value).not.toBe(INVALID);
      expect(f.check(value, cell)).toBe(expected);
    });
  }

  it('required and unique are reported as flags, not checked', () => {
    const f = field({ ...S, constraints: { required: true, unique: true } });
    expect([f.required, f.unique]).toEqual([true, true]);
    expect(f.cast('')).toBeNull();
    const g = field(S);
    expect([g.required, g.unique]).toEqual([false, false]);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// key()
// ─────────────────────────────────────────────────────────────────────────────────────────────

describe('key()', () => {
  const keyOf = (spec: Spec, cell: string): string => {
    const f = field(spec);
    return f.key(f.cast(cell));
  };
  const equal: Array<[Spec, string, Spec, string]> = [
    [I, '007', I, '7'],
    [I, '+7', I, '7'],
    [I, '-0', I, '0'],
    [I, '7', N, '7.0'],
    [N, '1.0', N, '1'],
    [N, '1e3', I, '1000'],
    [{ ...N, decimalChar: ',', groupChar: '.' }, '1.000,0', I, '1000'],
    [I, '100000000000000000000', N, '1e20'],
    [I, '2020', { type: 'year' }, '2020'],
    [B, 'true', I, '1'],
    [D, '2020-1-5', { ...D, format: '%d/%m/%Y' }, '05/01/2020'],
    [DT, '2020-01-01T01:00:00+01:00', DT, '2020-01-01T00:00:00Z'],
    [DT, '2020-01-01T00:00:00', { ...DT, format: '%d/%m/%Y %H:%M' }, '01/01/2020 00:00'],
    [T, '10:00:00.5', { ...T, format: '%H:%M:%S.%f' }, '10:00:00.500'],
    [{ type: 'yearmonth' }, '2020-1', { type: 'yearmonth' }, '2020-01'],
    [{ type: 'duration' }, 'P1D', { type: 'duration' }, 'PT24H'],
    [{ type: 'duration' }, 'P1Y', { type: 'duration' }, 'P12M'],
    [{ type: 'object' }, '{"a":1,"b":2}', { type: 'object' }, '{ "b": 2.0, "a": 1 }'],
    [{ type: 'object' }, '{"type":"Point","coordinates":[1,2]}', GJ, '{"coordinates":[1,2],"type":"Point"}'],
    [G, '1, 2', { ...G, format: 'array' }, '[1.0, 2]'],
    [S, 'x', { type: 'any' }, 'x'],
  ];
  for (const [a, ca, b, cb] of equal) {
    it(`${a.type}:${JSON.stringify(ca)} has the key of ${b.type}:${JSON.stringify(cb)}`, () => {
      expect(keyOf(a, ca)).toBe(keyOf(b, cb));
    });
  }
  const different: Array<[Spec, string, Spec, string]> = [
    [S, '7', I, '7'],
    [S, '007', S, '7'],
    [N, '1.5', N, '1.50001'],
    [D, '2020-01-01', DT, '2020-01-01T00:00:00'],
    [DT, '2020-01-01T00:00:00', DT, '2020-01-01T00:00:00Z'],
    [{ type: 'array' }, '[1,2]', { type: 'array' }, '[2,1]'],
    [{ type: 'duration' }, 'P1M', { type: 'duration' }, 'P30D'],
    [I, '9007199254740993', I, '9007199254740992'],
  ];
  for (const [a, ca, b, cb] of different) {
    it(`${a.type}:${JSON.stringify(ca)} differs from ${b.type}:${JSON.stringify(cb)}`, () => {
      expect(keyOf(a, ca)).not.toBe(keyOf(b, cb));
    });
  }
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// decimal()
// ─────────────────────────────────────────────────────────────────────────────────────────────

describe('decimal()', () => {
  const cases: Array<[Spec, string, string | null]> = [
    [{ ...N, decimalChar: ',', groupChar: '.' }, '-1.234,50', '-1234.50'],
    [{ ...N, decimalChar: ',', groupChar: '.', bareNumber: false }, '€ -1.234,50', '-1234.50'],
    [{ ...N, groupChar: ',', bareNumber: false }, '$1,000,000.00', '1000000.00'],
    [{ ...N, bareNumber: false }, '12.5%', '12.5'],
    [{ ...N, bareNumber: false }, '1 250 EUR', null],
    [{ ...N, groupChar: ' ', bareNumber: false }, '1 250 EUR', '1250'],
    [{ ...N, format: 'currency' }, '£3.10', '3.10'],
    [N, '+007.50', '7.50'],
    [N, '.5', '0.5'],
    [N, '5.', '5'],
    [N, '-0.00', '0.00'],
    [N, '1.5e3', '1500'],
    [N, '1.50e1', '15.0'],
    [N, '1.25e-2', '0.0125'],
    [N, '-12E-1', '-1.2'],
    [N, '123456789012345678901234567890.123456789', '123456789012345678901234567890.123456789'],
    [N, 'NaN', null],
    [N, 'Infinity', null],
    [N, 'abc', null],
    [N, '1e99999', null],
    [I, '007', '7'],
    [I, '-0', '0'],
    [I, '+42', '42'],
    [I, '-000123', '-123'],
    [I, '12345678901234567890123', '12345678901234567890123'],
    [{ ...I, bareNumber: false }, '1 000 $', null],
    [{ ...I, bareNumber: false }, '€ 1000', '1000'],
    [I, '1.0', null],
    [S, '12', null],
    [D, '2020-01-01', null],
  ];
  for (const [spec, cell, expected] of cases) {
    it(`${spec.type} ${JSON.stringify(cell)} → ${JSON.stringify(expected)}`, () => {
      expect(field(spec).decimal(cell)).toBe(expected);
    });
  }
  it('toPlainDecimal normalises exponents and signs', () => {
    expect(['1e0', '+1.0e2', '-0e5', '0.001e3', '100e-5'].map(toPlainDecimal)).toEqual(['1', '100', '0', '1', '0.00100']);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Compiled metadata and schema errors
// ─────────────────────────────────────────────────────────────────────────────────────────────

describe('compiled field metadata', () => {
  it('applies defaults', () => {
    const f = compileField({ name: 'amount' });
    expect([f.name, f.type, f.format, f.expected]).toEqual(['amount', 'string', 'default', 'a string']);
  });
  const expected: Array<[Spec, string]> = [
    [I, 'an integer'],
    [N, 'a number'],
    [{ ...N, decimalChar: ',', groupChar: '.' }, 'a number with decimal "," and group "."'],
    [{ ...N, bareNumber: false }, 'a number (currency symbols and units around it are ignored)'],
    [{ ...D, format: '%d/%m/%Y' }, 'a date in format %d/%m/%Y'],
    [{ ...D, format: 'fmt:%d/%m/%Y' }, 'a date in format %d/%m/%Y'],
    [D, 'a date in format YYYY-MM-DD'],
    [B, 'a boolean ("true", "True", "TRUE", "1" or "false", "False", "FALSE", "0")'],
    [{ ...G, format: 'array' }, 'a geopoint [lon, lat] (longitude -180..180, latitude -90..90)'],
  ];
  for (const [spec, text] of expected) {
    it(`${spec.type}/${spec.format ?? 'default'} expects ${text}`, () => {
      expect(field(spec).expected).toBe(text);
    });
  }
  it('keeps the descriptor format', () => {
    expect(field({ ...D, format: 'fmt:%d/%m/%Y' }).format).toBe('fmt:%d/%m/%Y');
  });
});

describe('SchemaCompileError', () => {
  const cases: Array<[string, Spec, string]> = [
    ['unknown type', { type: 'float' }, 'type'],
    ['type not a string', { type: 1 as unknown as string }, 'type'],
    ['unknown string format', { ...S, format: 'wkt' }, 'format'],
    ['integer format', { ...I, format: 'hex' }, 'format'],
    ['boolean format', { ...B, format: 'yesno' }, 'format'],
    ['date format without directive', { ...D, format: 'iso' }, 'format'],
    ['unsupported directive', { ...D, format: '%d/%m/%Y %U' }, 'format'],
    ['repeated directive', { ...D, format: '%d/%d/%Y' }, 'format'],
    ['%b and %h are the same directive', { ...D, format: '%b %h %Y' }, 'format'],
    ['lone %', { ...D, format: '%Y-%' }, 'format'],
    ['empty fmt:', { ...D, format: 'fmt:' }, 'format'],
    ['geopoint format', { ...G, format: 'wkt' }, 'format'],
    ['geojson format', { ...GJ, format: 'wkt' }, 'format'],
    ['any format', { type: 'any', format: 'x' }, 'format'],
    ['invalid pattern', { ...S, constraints: { pattern: '[a-' } }, 'constraints/pattern'],
    ['pattern with a backreference', { ...S, constraints: { pattern: '(?P<cc>[A-Z]{2})-(?P=cc)' } }, 'constraints/pattern'],
    ['pattern with a lookahead', { ...S, constraints: { pattern: 'a(?!b)' } }, 'constraints/pattern'],
    ['pattern not a string', { ...S, constraints: { pattern: 1 as unknown as string } }, 'constraints/pattern'],
    ['pattern on integer', { ...I, constraints: { pattern: '\\d+' } }, 'constraints/pattern'],
    ['minimum on string', { ...S, constraints: { minimum: 'a' } }, 'constraints/minimum'],
    ['minLength on number', { ...N, constraints: { minLength: 1 } }, 'constraints/minLength'],
    ['minimum on duration', { type: 'duration', constraints: { minimum: 'P1D' } }, 'constraints/minimum'],
    ['unknown constraint', { ...S, constraints: { format: 'x' } as never }, 'constraints/format'],
    ['minimum not castable', { ...I, constraints: { minimum: 'zero' } }, 'constraints/minimum'],
    ['maximum not an integer', { ...I, constraints: { maximum: 1.5 } }, 'constraints/maximum'],
    ['date maximum not castable', { ...D, constraints: { maximum: '31/12/2020' } }, 'constraints/maximum'],
    ['enum value not castable', { ...I, constraints: { enum: ['1', 'two'] } }, 'constraints/enum'],
    ['enum number on a string field', { ...S, constraints: { enum: [1] } }, 'constraints/enum'],
    ['enum not an array', { ...S, constraints: { enum: 'a' as never } }, 'constraints/enum'],
    ['negative minLength', { ...S, constraints: { minLength: -1 } }, 'constraints/minLength'],
    ['empty decimalChar', { ...N, decimalChar: '' }, 'decimalChar'],
    ['trueValues not strings', { ...B, trueValues: [1] as never }, 'trueValues'],
    ['missingValues not strings', { ...S, missingValues: [null] as never }, 'missingValues'],
  ];
  for (const [title, spec, property] of cases) {
    it(`${title} → ${property}`, () => {
      let caught: unknown;
      try {
        field(spec);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(SchemaCompileError);
      expect((caught as SchemaCompileError).property).toBe(property);
      expect((caught as SchemaCompileError).message.length).toBeGreaterThan(10);
    });
  }
});
