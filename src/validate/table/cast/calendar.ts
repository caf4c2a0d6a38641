/**
 * Dates and times: the parts a parser reads into, proleptic Gregorian calendar arithmetic, and
 * the canonical output strings (ISO 8601; with a timezone, converted to UTC and written with 'Z').
 */

import { pad2, pad4, pad6 } from './chars.ts';

/**
 * A parsed date and time. Each compiled reader owns one and its parser overwrites it for every
 * cell, so reading a cell allocates nothing besides the output string.
 */
export class DateTimeParts {
  year = 1900;
  month = 1;
  day = 1;
  hour = 0;
  minute = 0;
  second = 0;
  microsecond = 0;
  /** The value carried a timezone: `tzMinutes` east of UTC. */
  tzOn = false;
  tzMinutes = 0;
  /** The ISO time was 24:00:00 (dateutil: midnight of the next day). */
  h24 = false;

  /** Midnight, no timezone (a date without a time). */
  clearTime(): void {
    this.hour = this.minute = this.second = this.microsecond = this.tzMinutes = 0;
    this.tzOn = this.h24 = false;
  }
}

/** Month names, lower-case. */
export const MONTHS_FULL = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
export const MONTHS_ABBR = MONTHS_FULL.map((m) => m.slice(0, 3));

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS: readonly number[] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m] ?? 0);
}

export function validDate(y: number, m: number, d: number): boolean {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Sets the date of `p` from days since 1970-01-01. */
export function civilFromDays(p: DateTimeParts, days: number): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  p.day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  p.month = mp < 10 ? mp + 3 : mp - 9;
  p.year = yoe + era * 400 + (p.month <= 2 ? 1 : 0);
}

/** 'YYYY-MM-DD'. */
export function fmtDate(p: DateTimeParts): string {
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}`;
}

/** 'HH:MM:SS[.ffffff]' naive, 'HH:MM:SS.ffffffZ' (converted to UTC) with a timezone. */
export function fmtTime(p: DateTimeParts): string {
  if (!p.tzOn) return `${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}${p.microsecond !== 0 ? `.${pad6(p.microsecond)}` : ''}`;
  let mins = (p.hour * 60 + p.minute - p.tzMinutes) % 1440;
  if (mins < 0) mins += 1440;
  return `${pad2(Math.floor(mins / 60))}:${pad2(mins % 60)}:${pad2(p.second)}.${pad6(p.microsecond)}Z`;
}

/** 'YYYY-MM-DDTHH:MM:SS[.ffffff]' naive, '…THH:MM:SS.ffffffZ' (converted to UTC) with a timezone. */
export function fmtDateTime(p: DateTimeParts): string {
  if (p.h24) {
    civilFromDays(p, daysFromCivil(p.year, p.month, p.day) + 1);
    p.h24 = false;
  }
  if (!p.tzOn) {
    return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}${p.microsecond !== 0 ? `.${pad6(p.microsecond)}` : ''}`;
  }
  let mins = p.hour * 60 + p.minute - p.tzMinutes;
  if (mins < 0 || mins >= 1440) {
    const shift = Math.floor(mins / 1440);
    mins -= shift * 1440;
    civilFromDays(p, daysFromCivil(p.year, p.month, p.day) + shift);
  }
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}T${pad2(Math.floor(mins / 60))}:${pad2(mins % 60)}:${pad2(p.second)}.${pad6(p.microsecond)}Z`;
}
