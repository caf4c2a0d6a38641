/**
 * Format "any" of date, time and datetime: a documented set of common forms (frictionless uses
 * dateutil's parser): ISO Y-m-d, Y/m/d, Y.m.d, YYYYMMDD, a/b/YYYY (month first unless the first
 * number is above 12, as dateutil), 'D Mon YYYY', 'Mon D, YYYY', 'YYYY Mon D' (with optional
 * weekday and 1st/2nd/…), partial dates read as the 1st (of January), then optionally a time
 * 'H:MM[:SS[.f]]', '9 am', with am/pm and Z/UTC/GMT/±HH[:MM].
 */

import { MONTHS_ABBR, validDate, type DateTimeParts } from './calendar.ts';

const MONTH_NAME_SRC =
  'january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec';
const WEEKDAY_SRC =
  '(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs|thur|mon|tue|wed|thu|fri|sat|sun)\\.?,?\\s+)?';
const ORDINAL_SRC = '(?:st|nd|rd|th)?';
const NAME_SEP_SRC = '(?:\\s*[-/.,]\\s*|\\s+)';
const TIME_SRC =
  '(\\d{1,2})(?::(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?)?(?:\\s*([ap])\\.?m\\.?)?(?:\\s*(z|utc|gmt|[+-]\\d{2}(?::?\\d{2})?))?';

const F_YMD = 0;
const F_AMBIGUOUS = 1;
const F_DMY_NAME = 2;
const F_MDY_NAME = 3;
const F_YMD_NAME = 4;
/** Year and month, or a year alone: dateutil fills the rest from today; we fill the 1st (January). */
const F_YM = 5;
const F_MY_NAME = 6;
const F_Y = 7;

/** Date forms of format "any", tried in order (sticky: they must match at the start). */
const ANY_DATE_FORMS: ReadonlyArray<{ re: RegExp; form: number }> = [
  { re: /(\d{4})([-/.])(\d{1,2})\2(\d{1,2})/y, form: F_YMD },
  { re: /(\d{4})()(\d{2})(\d{2})/y, form: F_YMD },
  { re: /(\d{1,2})([-/.])(\d{1,2})\2(\d{4})/y, form: F_AMBIGUOUS },
  {
    re: new RegExp(`${WEEKDAY_SRC}(\\d{1,2})${ORDINAL_SRC}${NAME_SEP_SRC}?(${MONTH_NAME_SRC})\\.?${NAME_SEP_SRC}?(\\d{4})`, 'iy'),
    form: F_DMY_NAME,
  },
  {
    re: new RegExp(`${WEEKDAY_SRC}(${MONTH_NAME_SRC})\\.?${NAME_SEP_SRC}?(\\d{1,2})${ORDINAL_SRC}${NAME_SEP_SRC}(\\d{4})`, 'iy'),
    form: F_MDY_NAME,
  },
  {
    re: new RegExp(`(\\d{4})${NAME_SEP_SRC}(${MONTH_NAME_SRC})\\.?${NAME_SEP_SRC}(\\d{1,2})${ORDINAL_SRC}`, 'iy'),
    form: F_YMD_NAME,
  },
  // Partial dates dateutil's parse accepts (issue 10: `1958-03` with format "any").
  { re: /(\d{4})([-/.])(\d{1,2})/y, form: F_YM },
  { re: new RegExp(`(${MONTH_NAME_SRC})\\.?${NAME_SEP_SRC}(\\d{4})`, 'iy'), form: F_MY_NAME },
  { re: /(\d{4})/y, form: F_Y },
];
const ANY_TIME_ONLY = new RegExp(`${TIME_SRC}$`, 'iy');
const ANY_TIME_AFTER_DATE = new RegExp(`(?:\\s*t\\s*|\\s*,\\s*|\\s+)${TIME_SRC}$`, 'iy');

function monthFromName(name: string): number {
  return MONTHS_ABBR.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

function setAnyDate(m: RegExpExecArray, form: number, out: DateTimeParts): boolean {
  let y: number;
  let mo: number;
  let d: number;
  if (form === F_YMD) {
    y = Number(m[1]);
    mo = Number(m[3]);
    d = Number(m[4]);
  } else if (form === F_AMBIGUOUS) {
    // dateutil: month first, unless the first number cannot be a month
    const a = Number(m[1]);
    const b = Number(m[3]);
    y = Number(m[4]);
    if (a > 12) {
      d = a;
      mo = b;
    } else {
      mo = a;
      d = b;
    }
  } else if (form === F_DMY_NAME) {
    d = Number(m[1]);
    mo = monthFromName(m[2] ?? '');
    y = Number(m[3]);
  } else if (form === F_YM) {
    y = Number(m[1]);
    mo = Number(m[3]);
    d = 1;
  } else if (form === F_MY_NAME) {
    mo = monthFromName(m[1] ?? '');
    y = Number(m[2]);
    d = 1;
  } else if (form === F_Y) {
    y = Number(m[1]);
    mo = 1;
    d = 1;
  } else if (form === F_MDY_NAME) {
    mo = monthFromName(m[1] ?? '');
    d = Number(m[2]);
    y = Number(m[3]);
  } else {
    y = Number(m[1]);
    mo = monthFromName(m[2] ?? '');
    d = Number(m[3]);
  }
  if (!validDate(y, mo, d)) return false;
  out.year = y;
  out.month = mo;
  out.day = d;
  return true;
}

function setAnyTime(m: RegExpExecArray, out: DateTimeParts): boolean {
  const h = Number(m[1]);
  const mi = m[2] === undefined ? -1 : Number(m[2]);
  const ampm = m[5];
  if (mi < 0 && ampm === undefined) return false; // a bare number is not a time
  const se = m[3] === undefined ? 0 : Number(m[3]);
  let hour = h;
  if (ampm !== undefined) {
    if (h < 1 || h > 12) return false;
    hour = (h % 12) + ((ampm.charCodeAt(0) | 0x20) === 0x70 ? 12 : 0);
  } else if (h > 23) return false;
  if (mi > 59 || se > 59) return false;
  let us = 0;
  const frac = m[4];
  if (frac !== undefined) us = Number(frac.slice(0, 6).padEnd(6, '0'));
  out.tzOn = false;
  out.tzMinutes = 0;
  const tz = m[6];
  if (tz !== undefined) {
    out.tzOn = true;
    const c = tz.charCodeAt(0);
    if (c === 43 || c === 45) {
      const hh = Number(tz.slice(1, 3));
      const rest = tz.slice(3).replace(':', '');
      const mm = rest === '' ? 0 : Number(rest);
      if (hh > 23 || mm > 59) return false;
      out.tzMinutes = (c === 45 ? -1 : 1) * (hh * 60 + mm);
    }
  }
  out.hour = hour;
  out.minute = mi < 0 ? 0 : mi;
  out.second = se;
  out.microsecond = us;
  out.h24 = false;
  return true;
}

/** Format "any" into `out`: a time (`timeOnly`), else a date with an optional time. */
export function parseAny(s: string, timeOnly: boolean, out: DateTimeParts): boolean {
  if (timeOnly) {
    ANY_TIME_ONLY.lastIndex = 0;
    const t = ANY_TIME_ONLY.exec(s);
    if (t !== null && setAnyTime(t, out)) return true;
  }
  for (const { re, form } of ANY_DATE_FORMS) {
    re.lastIndex = 0;
    const m = re.exec(s);
    if (m === null || !setAnyDate(m, form, out)) continue;
    const p = re.lastIndex;
    if (p === s.length) {
      if (timeOnly) return false;
      out.clearTime();
      return true;
    }
    ANY_TIME_AFTER_DATE.lastIndex = p;
    const t = ANY_TIME_AFTER_DATE.exec(s);
    if (t !== null && setAnyTime(t, out)) return true;
  }
  return false;
}
