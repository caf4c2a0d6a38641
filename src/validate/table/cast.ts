/**
 * Field casting: compile a Table Schema v1 field descriptor once into a caster used in the row
 * loop. Everything that depends only on the descriptor (number separators, strptime patterns,
 * missing values, constraints) is worked out in `compileField`; the per-cell functions are char
 * loops that allocate only when the typed value itself is a new string or object, and keep no
 * state between cells beyond what the compiled field owns.
 *
 * This file is the compiler; each family of types has its own module in ./cast/:
 * numbers.ts (integer, number), dates.ts (date, time, datetime) with calendar.ts, strptime.ts
 * and any-date.ts, periods.ts (year, yearmonth, duration), boolean.ts, strings.ts (string, any),
 * json.ts (object, array), geo.ts (geopoint, geojson), constraints.ts; field-type.ts says what
 * a type gives the compiler.
 *
 * Semantics follow frictionless-py v5 (`frictionless/fields/*.py`, `schema/field.py`) so that
 * its users get the verdicts they know. Where we differ, it is on purpose:
 *
 * - Whitespace around an integer or a number is stripped, as frictionless does (' 5' is 5).
 *   Python-only syntax is not accepted: `1_000`, non-ASCII digits.
 * - Leading zeros are accepted for integer and number ('007' is 7), as frictionless does.
 * - `format: "currency"` on number/integer acts as `bareNumber: false` (frictionless ignores it).
 * - Integers keep the Table Schema v1 rule: only `bareNumber` applies, no `groupChar`.
 * - Typed numbers are JS numbers, so beyond 15-17 significant digits `key()` may merge values
 *   that Python's `Decimal` tells apart. `decimal()` is exact and is what sums should use.
 * - datetime/time with a timezone are converted to UTC and written with 'Z'. To keep `<` right
 *   they always carry a 6-digit fraction ('…T10:00:00.000000Z'); naive values carry the
 *   fraction only when it is not zero, as Python's `isoformat()` does.
 * - Python's strptime is followed closely: %m %d %H %I %M %S take one or two digits, %d also
 *   ' 5', %f 1-6 digits, %y pivots at 69, names are case-insensitive, whitespace in the pattern
 *   matches any run of whitespace, the date must exist, and the weekday (%a/%A) is not checked
 *   against the date. Additions: %e (= %d) and %h (= %b) from C. %z takes Z, ±HHMM and
 *   ±HH:MM; %Z takes UTC/GMT and, as in Python, does not change the value. Other directives
 *   (%c %x %U …), a repeated directive, or a pattern with no directive are schema errors.
 * - Format "any" (dateutil's `parse` in frictionless) accepts a documented set of forms (see
 *   `ANY_DATE_FORMS` / `TIME_SRC` in ./cast/any-date.ts): ISO Y-m-d, Y/m/d, Y.m.d, YYYYMMDD, a/b/YYYY (month first
 *   unless the first number is above 12, as dateutil), 'D Mon YYYY', 'Mon D, YYYY',
 *   'YYYY Mon D' (with optional weekday and 1st/2nd/…), then optionally a time
 *   'H:MM[:SS[.f]]', '9 am', with am/pm and Z/UTC/GMT/±HH[:MM]. Partial dates dateutil
 *   completes from today's date ('1958-03', 'Mar 1958', '1958') are read as the 1st (of
 *   January): the value differs from frictionless's, the verdict does not. It refuses a time
 *   alone for datetime and two-digit years.
 * - Unsupported constraints for a type (e.g. `pattern` on integer, `minimum` on duration) are
 *   schema errors, as frictionless reports them; enum/minimum/maximum values that cannot be
 *   read as the field's type are schema errors (frictionless silently makes them None).
 * - `pattern` is wrapped as `^(?:…)$`, so alternations are anchored as a whole (frictionless's
 *   `^a|b$` is not). It is matched in linear time by RE2 (../pattern.ts): Python's `(?P<n>…)`
 *   works, backreferences and lookaround (which XML Schema regexes do not have) are schema errors.
 * - string/uuid accepts the 8-4-4-4-12 hex form; string/binary is strict base64 (padding
 *   required, no whitespace); string/uri requires an RFC 3986 scheme (`x:`) and checks nothing
 *   else, as frictionless's rfc3986 validator does; string/email uses a pragmatic address check.
 * - geopoint and geojson positions may carry an altitude (RFC 7946); frictionless's schema
 *   allows exactly two numbers. object/array JSON is parsed by `JSON.parse` (no NaN/Infinity).
 * - duration accepts the `PnYnMnWnDTnHnMnS` form only, not the alternative `P0003-06-04T…`.
 */

import { FIELD_TYPES, isObject, type FieldDescriptor } from '../../package/descriptor.ts';
import { quoted } from '../../package/problem.ts';
import { booleanType } from './cast/boolean.ts';
import { buildCheck, NO_PROBLEM } from './cast/constraints.ts';
import { dateTimeType } from './cast/dates.ts';
import { fail, stringArray, type TypeImpl } from './cast/field-type.ts';
import { geojsonType, geopointType } from './cast/geo.ts';
import { jsonType } from './cast/json.ts';
import { integerType, numberType } from './cast/numbers.ts';
import { durationType, yearMonthType, yearType } from './cast/periods.ts';
import { anyType, stringType } from './cast/strings.ts';

export { INVALID, SchemaCompileError } from './cast/field-type.ts';
export { toPlainDecimal } from './cast/numbers.ts';

export interface CompiledField {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly required: boolean;
  readonly unique: boolean;
  /** False when the field has no value constraints, so `check` need not be called. */
  readonly constrained: boolean;
  /** Human description of the expected form, for messages. */
  readonly expected: string;
  /** null for a missing value, INVALID when unreadable, else the typed value. */
  cast(cell: string): unknown;
  /** undefined when the constraints hold, else a short message naming the constraint. */
  check(value: unknown, cell: string): string | undefined;
  /** Canonical string for key comparisons across fields. */
  key(value: unknown): string;
  /** number/integer: the cell as a canonical plain decimal string; null otherwise. */
  decimal(cell: string): string | null;
}

/** What the field's type and format read and support; SchemaCompileError for an unknown one. */
function typeImpl(type: string, format: string, field: FieldDescriptor): TypeImpl {
  switch (type) {
    case 'string':
      return stringType(format);
    case 'integer':
      return integerType(format, field);
    case 'number':
      return numberType(format, field);
    case 'boolean':
      return booleanType(format, field);
    case 'date':
    case 'time':
    case 'datetime':
      return dateTimeType(type, format);
    case 'year':
      return yearType(format);
    case 'yearmonth':
      return yearMonthType(format);
    case 'duration':
      return durationType(format);
    case 'object':
    case 'array':
      return jsonType(type, format);
    case 'geopoint':
      return geopointType(format);
    case 'geojson':
      return geojsonType(format);
    case 'any':
      return anyType(format);
    default:
      return fail('type', `unknown type ${quoted(type)} (expected one of ${FIELD_TYPES.join(', ')})`);
  }
}

function withMissing<T>(fn: (cell: string) => T, missing: readonly string[]): (cell: string) => T | null {
  if (missing.length === 0) return fn;
  if (missing.length === 1) {
    const m = missing[0];
    return (cell) => (cell === m ? null : fn(cell));
  }
  const set = new Set(missing);
  return (cell) => (set.has(cell) ? null : fn(cell));
}

const NO_DECIMAL = (): null => null;

/**
 * Compile a field descriptor. Missing values: field.missingValues ?? schemaMissingValues ?? [""].
 * Throws SchemaCompileError for an unknown type/format, a bad pattern, constraints the type does
 * not support, and enum/minimum/maximum values the field cannot read.
 */
export function compileField(field: FieldDescriptor, schemaMissingValues?: string[]): CompiledField {
  const rawType: unknown = field.type ?? 'string';
  if (typeof rawType !== 'string') fail('type', '"type" must be a string');
  const type = rawType;
  const rawFormat: unknown = field.format ?? 'default';
  if (typeof rawFormat !== 'string') fail('format', '"format" must be a string');
  const format = rawFormat;

  const impl = typeImpl(type, format, field);

  const missing = stringArray(field.missingValues, 'missingValues') ?? stringArray(schemaMissingValues, 'missingValues') ?? [''];

  const rawConstraints: unknown = field.constraints ?? {};
  if (!isObject(rawConstraints)) fail('constraints', '"constraints" must be an object');
  const constraints = rawConstraints;
  const check = buildCheck(type, impl, constraints);

  return {
    name: field.name,
    type,
    format,
    required: constraints.required === true,
    unique: constraints.unique === true,
    expected: impl.expected,
    cast: withMissing(impl.read, missing),
    check,
    constrained: check !== NO_PROBLEM,
    key: impl.key,
    decimal: impl.decimal === null ? NO_DECIMAL : withMissing(impl.decimal, missing),
  };
}
