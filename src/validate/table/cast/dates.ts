/**
 * Types date, time and datetime (frictionless `fields/date.py`, `time.py`, `datetime.py`):
 * format "default" (ISO 8601 as dateutil's isoparse reads it), "any" (./any-date.ts) and
 * strptime patterns (./strptime.ts). Output is canonical ISO (./calendar.ts), so that `<`
 * compares values.
 */

import { quoted, shown } from '../../../package/problem.ts';
import { parseAny } from './any-date.ts';
import { DateTimeParts, fmtDate, fmtDateTime, fmtTime, validDate } from './calendar.ts';
import { d2, POW10 } from './chars.ts';
import { fail, INVALID, noJson, VALUE_CONSTRAINTS, type Reader, type TypeImpl } from './field-type.ts';
import { compileStrptime, runStrptime } from './strptime.ts';

/** Strict 'YYYY-MM-DD' at s[0..10), into `out`. */
function parseIsoDate10(s: string, out: DateTimeParts): boolean {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y1 = d2(s, 0);
  const y2 = d2(s, 2);
  const m = d2(s, 5);
  const d = d2(s, 8);
  if (y1 < 0 || y2 < 0 || m < 0 || d < 0) return false;
  const y = y1 * 100 + y2;
  if (!validDate(y, m, d)) return false;
  out.year = y;
  out.month = m;
  out.day = d;
  return true;
}

/**
 * dateutil's isoparse time at s[p..]: 'HH:MM:SS', then optionally '.'/',' and digits (truncated to
 * microseconds), then optionally 'Z'/'z', '±HH', '±HHMM' or '±HH:MM'; then the end. 24:00:00 is
 * midnight of the next day (sets h24). Sets the time of `out`.
 */
function parseIsoTime(s: string, p: number, out: DateTimeParts): boolean {
  const n = s.length;
  if (p + 8 > n || s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58) return false;
  const h = d2(s, p);
  const mi = d2(s, p + 3);
  const se = d2(s, p + 6);
  if (h < 0 || mi < 0 || se < 0) return false;
  p += 8;
  let us = 0;
  let c = p < n ? s.charCodeAt(p) : -1;
  if (c === 46 || c === 44) {
    let k = p + 1;
    let digits = 0;
    while (k < n) {
      const d = s.charCodeAt(k) - 48;
      if (d < 0 || d > 9) break;
      if (digits < 6) us = us * 10 + d;
      digits++;
      k++;
    }
    if (digits === 0) return false;
    if (digits < 6) us *= POW10[6 - digits] ?? 1;
    p = k;
    c = p < n ? s.charCodeAt(p) : -1;
  }
  out.tzOn = false;
  out.tzMinutes = 0;
  if (p < n) {
    if (c === 90 || c === 122) {
      if (p + 1 !== n) return false;
      out.tzOn = true;
    } else if (c === 43 || c === 45) {
      const len = n - p;
      const hh = d2(s, p + 1);
      let mm = 0;
      if (hh < 0) return false;
      if (len === 5) mm = d2(s, p + 3);
      else if (len === 6) mm = s.charCodeAt(p + 3) === 58 ? d2(s, p + 4) : -1;
      else if (len !== 3) return false;
      if (mm < 0 || hh > 23 || mm > 59) return false;
      out.tzOn = true;
      out.tzMinutes = (c === 45 ? -1 : 1) * (hh * 60 + mm);
    } else {
      return false;
    }
  }
  out.h24 = false;
  if (h === 24) {
    if (mi !== 0 || se !== 0 || us !== 0) return false;
    out.h24 = true;
    out.hour = 0;
  } else if (h > 23) {
    return false;
  } else {
    out.hour = h;
  }
  if (mi > 59 || se > 59) return false;
  out.minute = mi;
  out.second = se;
  out.microsecond = us;
  return true;
}

type TemporalType = 'date' | 'time' | 'datetime';

/** The format "default" reader of a type, writing into `parts`. */
function defaultReader(type: TemporalType, parts: DateTimeParts): Reader {
  if (type === 'date') {
    // frictionless: strptime('%Y-%m-%d'), which also takes '2020-1-5'
    const fallback = compileStrptime('%Y-%m-%d');
    return (cell) => {
      if (cell.length === 10 && parseIsoDate10(cell, parts)) return cell;
      return runStrptime(fallback, cell, parts) ? fmtDate(parts) : INVALID;
    };
  }
  if (type === 'time') {
    return (cell) => {
      // frictionless guards: cell[5] == ':' and len(cell) >= 8, then dateutil isoparse
      if (cell.length < 8 || cell.charCodeAt(5) !== 58 || !parseIsoTime(cell, 0, parts)) return INVALID;
      if (cell.length === 8 && !parts.h24) return cell;
      return fmtTime(parts);
    };
  }
  return (cell) => {
    // frictionless guards: cell[16] == ':' and len(cell) >= 19, then dateutil isoparse: the
    // date/time separator may be any single character.
    if (cell.length < 19 || cell.charCodeAt(16) !== 58) return INVALID;
    if (!parseIsoDate10(cell, parts) || !parseIsoTime(cell, 11, parts)) return INVALID;
    if (cell.length === 19 && cell.charCodeAt(10) === 84 && !parts.h24) return cell;
    return fmtDateTime(parts);
  };
}

/** Strip the deprecated 'fmt:' prefix; null when the format is not a strptime pattern. */
function patternOf(format: string): string | null {
  if (format.startsWith('fmt:')) return format.slice(4);
  return format.includes('%') ? format : null;
}

function temporalFormat(type: TemporalType, format: string, parts: DateTimeParts): { read: Reader; expected: string } {
  const article = type === 'time' ? 'a time' : type === 'date' ? 'a date' : 'a datetime';
  if (format === 'default') {
    const read = defaultReader(type, parts);
    if (type === 'date') return { read, expected: 'a date in format YYYY-MM-DD' };
    if (type === 'time') return { read, expected: 'a time in format HH:MM:SS' };
    return { read, expected: 'a datetime in format YYYY-MM-DDTHH:MM:SS (optionally with fraction and Z or ±HH:MM)' };
  }
  const out = type === 'date' ? fmtDate : type === 'time' ? fmtTime : fmtDateTime;
  if (format === 'any') {
    const timeOnly = type === 'time';
    const forms = timeOnly ? 'e.g. 14:30, 14:30:05, 2:30 pm' : 'e.g. 2020-12-31, 31/12/2020, 12/31/2020, 31 Dec 2020, Dec 31, 2020';
    return {
      read: (cell) => (parseAny(cell, timeOnly, parts) ? out(parts) : INVALID),
      expected: `${article} in a common format (${forms}${type === 'datetime' ? ', followed by a time' : ''})`,
    };
  }
  const pattern = patternOf(format);
  if (pattern === null)
    fail(
      'format',
      `format ${quoted(format)} is not valid for type ${quoted(type)}: use "default", "any" or a strptime pattern such as "%d/%m/%Y"`,
    );
  const p = compileStrptime(pattern);
  return {
    read: (cell) => (runStrptime(p, cell, parts) ? out(parts) : INVALID),
    expected: `${article} in format ${shown(pattern)}`,
  };
}

export function dateTimeType(type: TemporalType, format: string): TypeImpl {
  // One parts object per field: its readers run one at a time and each writes before it reads.
  const parts = new DateTimeParts();
  const t = temporalFormat(type, format, parts);
  const prefix = type === 'date' ? 'd:' : type === 'time' ? 't:' : 'dt:';
  return {
    read: t.read,
    expected: t.expected,
    key: (v) => prefix + String(v),
    iso: format === 'default' ? t.read : defaultReader(type, parts),
    fromJson: noJson,
    decimal: null,
    constraints: VALUE_CONSTRAINTS,
    enumByKey: false,
  };
}
