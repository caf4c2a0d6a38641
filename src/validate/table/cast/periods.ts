/**
 * Types year, yearmonth and duration (frictionless `fields/year.py`, `yearmonth.py`,
 * `duration.py`): periods of the calendar, read as Python's `int()` and isodate read them.
 */

import { pad2, pad4 } from './chars.ts';
import { ENUM_ONLY, INVALID, noJson, onlyDefault, VALUE_CONSTRAINTS, type TypeImpl } from './field-type.ts';
import { numberKey } from './numbers.ts';

/** year: exactly four characters read by int(), 0..9999. */
function readYear(cell: string): unknown {
  if (cell.length !== 4) return INVALID;
  const c0 = cell.charCodeAt(0);
  let v = c0 === 43 ? 0 : c0 - 48;
  if (c0 !== 43 && (v < 0 || v > 9)) return INVALID;
  for (let i = 1; i < 4; i++) {
    const d = cell.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return INVALID;
    v = v * 10 + d;
  }
  return v;
}

/** Python int() of a part without whitespace: [+]digits (no minus: yearmonth splits on '-'). */
function plainUnsigned(s: string, start: number, end: number, maxDigits: number): number {
  let i = start;
  if (i < end && s.charCodeAt(i) === 43) i++;
  if (i >= end || end - i > maxDigits) return -1;
  let v = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** yearmonth: 'YYYY-MM' (frictionless splits on '-' and reads both with int()). */
function readYearMonth(cell: string): unknown {
  const dash = cell.indexOf('-');
  if (dash < 0 || cell.indexOf('-', dash + 1) >= 0) return INVALID;
  const y = plainUnsigned(cell, 0, dash, 4);
  const m = plainUnsigned(cell, dash + 1, cell.length, 2);
  if (y < 0 || m < 1 || m > 12) return INVALID;
  if (cell.length === 7 && dash === 4 && cell.charCodeAt(0) !== 43 && cell.charCodeAt(5) !== 43) return cell;
  return `${pad4(y)}-${pad2(m)}`;
}

/** isodate's ISO8601_PERIOD_REGEX. */
const DURATION_RE =
  /^([+-])?P(?!\b)(?:(\d+(?:[,.]\d+)?)Y)?(?:(\d+(?:[,.]\d+)?)M)?(?:(\d+(?:[,.]\d+)?)W)?(?:(\d+(?:[,.]\d+)?)D)?(?:T(?:(\d+(?:[,.]\d+)?)H)?(?:(\d+(?:[,.]\d+)?)M)?(?:(\d+(?:[,.]\d+)?)S)?)?$/;

function readDuration(cell: string): unknown {
  return DURATION_RE.test(cell) ? cell : INVALID;
}

/** isodate compares years*12+months and the timedelta: P1D equals PT24H. */
function durationKey(v: unknown): string {
  const m = DURATION_RE.exec(String(v));
  if (m === null) return `du:${String(v)}`;
  const n = (i: number): number => (m[i] === undefined ? 0 : Number((m[i] ?? '0').replace(',', '.')));
  const sign = m[1] === '-' ? -1 : 1;
  const months = sign * (n(2) * 12 + n(3));
  const seconds = sign * (n(4) * 604800 + n(5) * 86400 + n(6) * 3600 + n(7) * 60 + n(8));
  return `du:${numberKey(months + 0)}:${numberKey(seconds + 0)}`;
}

export function yearType(format: string): TypeImpl {
  onlyDefault('year', format);
  return {
    read: readYear,
    expected: 'a year (four digits)',
    key: (v) => `n:${numberKey(v as number)}`,
    iso: readYear,
    fromJson: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 9999 ? v : INVALID),
    decimal: null,
    constraints: VALUE_CONSTRAINTS,
    enumByKey: false,
  };
}

export function yearMonthType(format: string): TypeImpl {
  onlyDefault('yearmonth', format);
  return {
    read: readYearMonth,
    expected: 'a year and month (YYYY-MM)',
    key: (v) => `ym:${String(v)}`,
    iso: readYearMonth,
    fromJson: noJson,
    decimal: null,
    constraints: VALUE_CONSTRAINTS,
    enumByKey: false,
  };
}

export function durationType(format: string): TypeImpl {
  onlyDefault('duration', format);
  return {
    read: readDuration,
    expected: 'an ISO 8601 duration (e.g. P1Y2M10DT2H30M)',
    key: durationKey,
    iso: readDuration,
    fromJson: noJson,
    decimal: null,
    constraints: ENUM_ONLY,
    enumByKey: false,
  };
}
