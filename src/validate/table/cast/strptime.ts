/**
 * strptime patterns (formats such as "%d/%m/%Y"), as Python's `_strptime` reads them: the
 * pattern compiles to tokens; a small backtracking matcher mirrors Python's regex.
 */

import { quoted } from '../../../package/problem.ts';
import { civilFromDays, daysFromCivil, daysInMonth, MONTHS_ABBR, MONTHS_FULL, type DateTimeParts } from './calendar.ts';
import { d2, isSpace, lowerCode, POW10 } from './chars.ts';
import { fail } from './field-type.ts';

/** Slots: where the matcher keeps each directive's value (Strptime.slots). */
const S_Y4 = 0;
const S_Y2 = 1;
const S_MON = 2;
const S_DAY = 3;
const S_H24 = 4;
const S_H12 = 5;
const S_MIN = 6;
const S_SEC = 7;
const S_US = 8;
const S_YDAY = 9;
const S_AMPM = 10;
const S_TZ = 11;
const S_WDAY = 12;
const S_TZNAME = 13;
const SLOT_COUNT = 14;

/** Token kinds. */
const T_LIT = 0;
const T_WS = 1;
const T_NUM = 2;
const T_NAME = 3;
const T_TZ = 4;

class Tok {
  constructor(
    readonly kind: number,
    readonly slot: number,
    readonly minW: number,
    readonly maxW: number,
    readonly lo: number,
    readonly hi: number,
    readonly spacePad: boolean,
    /** T_LIT: lower-case literal. */
    readonly lit: string,
    /** T_NAME: lower-case alternatives, longest first, and their values. */
    readonly names: readonly string[],
    readonly values: readonly number[],
  ) {}
}

const numTok = (slot: number, minW: number, maxW: number, lo: number, hi: number, spacePad = false): Tok =>
  new Tok(T_NUM, slot, minW, maxW, lo, hi, spacePad, '', [], []);

function nameTok(slot: number, names: readonly string[], values: readonly number[]): Tok {
  const order = names.map((_, i) => i).sort((a, b) => (names[b]?.length ?? 0) - (names[a]?.length ?? 0));
  return new Tok(
    T_NAME,
    slot,
    0,
    0,
    0,
    0,
    false,
    '',
    order.map((i) => names[i] ?? ''),
    order.map((i) => values[i] ?? 0),
  );
}

const WEEKDAYS_FULL = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const WEEKDAYS_ABBR = WEEKDAYS_FULL.map((d) => d.slice(0, 3));
const ONE_TO_12 = MONTHS_FULL.map((_, i) => i + 1);
const ZERO_TO_6 = WEEKDAYS_FULL.map((_, i) => i);

interface DirectiveSpec {
  /** Python's regex group name: a repeated group is an error. */
  group: string;
  make: () => Tok;
}

const DIRECTIVES: Record<string, DirectiveSpec> = {
  Y: { group: 'Y', make: () => numTok(S_Y4, 4, 4, 0, 9999) },
  y: { group: 'y', make: () => numTok(S_Y2, 2, 2, 0, 99) },
  m: { group: 'm', make: () => numTok(S_MON, 1, 2, 1, 12) },
  d: { group: 'd', make: () => numTok(S_DAY, 1, 2, 1, 31, true) },
  e: { group: 'd', make: () => numTok(S_DAY, 1, 2, 1, 31, true) },
  H: { group: 'H', make: () => numTok(S_H24, 1, 2, 0, 23) },
  I: { group: 'I', make: () => numTok(S_H12, 1, 2, 1, 12) },
  M: { group: 'M', make: () => numTok(S_MIN, 1, 2, 0, 59) },
  S: { group: 'S', make: () => numTok(S_SEC, 1, 2, 0, 61) },
  f: { group: 'f', make: () => numTok(S_US, 1, 6, 0, 999999) },
  j: { group: 'j', make: () => numTok(S_YDAY, 1, 3, 1, 366) },
  p: { group: 'p', make: () => nameTok(S_AMPM, ['am', 'pm'], [1, 2]) },
  b: { group: 'b', make: () => nameTok(S_MON, MONTHS_ABBR, ONE_TO_12) },
  h: { group: 'b', make: () => nameTok(S_MON, MONTHS_ABBR, ONE_TO_12) },
  B: { group: 'B', make: () => nameTok(S_MON, MONTHS_FULL, ONE_TO_12) },
  a: { group: 'a', make: () => nameTok(S_WDAY, WEEKDAYS_ABBR, ZERO_TO_6) },
  A: { group: 'A', make: () => nameTok(S_WDAY, WEEKDAYS_FULL, ZERO_TO_6) },
  z: { group: 'z', make: () => new Tok(T_TZ, S_TZ, 0, 0, 0, 0, false, '', [], []) },
  Z: { group: 'Z', make: () => nameTok(S_TZNAME, ['utc', 'gmt'], [0, 0]) },
};

/** A compiled strptime pattern. */
interface Strptime {
  readonly pattern: string;
  readonly toks: readonly Tok[];
  /** 0: default 1900, 1: %Y, 2: %y (the later one wins, as in Python). */
  readonly yearFrom: number;
  /** 0: 0, 1: %H, 2: %I. */
  readonly hourFrom: number;
  readonly has: ReadonlySet<number>;
  /** The values the matcher read, by slot (overwritten by every match). */
  readonly slots: Int32Array;
}
/** Compile a strptime pattern (without 'fmt:'). Throws SchemaCompileError('format'). */
export function compileStrptime(pattern: string): Strptime {
  const toks: Tok[] = [];
  const groups = new Set<string>();
  const has = new Set<number>();
  let yearFrom = 0;
  let hourFrom = 0;
  let lit = '';
  const flushLit = (): void => {
    if (lit !== '') toks.push(new Tok(T_LIT, 0, 0, 0, 0, 0, false, lit, [], []));
    lit = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 37) {
      const ch = pattern[i + 1];
      i++;
      if (ch === undefined) fail('format', `format ${quoted(pattern)} ends with a lone "%"`);
      if (ch === '%') {
        lit += '%';
        continue;
      }
      const spec = DIRECTIVES[ch];
      if (spec === undefined) fail('format', `format ${quoted(pattern)} uses "%${ch}", which is not supported`);
      if (groups.has(spec.group)) fail('format', `format ${quoted(pattern)} repeats "%${ch}"`);
      groups.add(spec.group);
      flushLit();
      const t = spec.make();
      toks.push(t);
      has.add(t.slot);
      if (ch === 'Y') yearFrom = 1;
      else if (ch === 'y') yearFrom = 2;
      else if (ch === 'H') hourFrom = 1;
      else if (ch === 'I') hourFrom = 2;
    } else if (isSpace(c)) {
      flushLit();
      while (i + 1 < pattern.length && isSpace(pattern.charCodeAt(i + 1))) i++;
      toks.push(new Tok(T_WS, 0, 0, 0, 0, 0, false, '', [], []));
    } else {
      lit += String.fromCharCode(lowerCode(c));
    }
  }
  flushLit();
  if (groups.size === 0) fail('format', `format ${quoted(pattern)} has no strptime directive (e.g. %Y, %m, %d)`);
  return { pattern, toks, yearFrom, hourFrom, has, slots: new Int32Array(SLOT_COUNT) };
}

/** Match toks[ti..] against s[pos..] to the end, backtracking over widths like Python's regex. */
function matchToks(toks: readonly Tok[], ti: number, s: string, pos: number, slots: Int32Array): boolean {
  const end = s.length;
  for (;;) {
    const t = toks[ti];
    if (t === undefined) return pos === end;
    switch (t.kind) {
      case T_LIT: {
        const lit = t.lit;
        const n = lit.length;
        if (pos + n > end) return false;
        for (let k = 0; k < n; k++) if (lowerCode(s.charCodeAt(pos + k)) !== lit.charCodeAt(k)) return false;
        pos += n;
        ti++;
        continue;
      }
      case T_WS: {
        let n = 0;
        while (pos + n < end && isSpace(s.charCodeAt(pos + n))) n++;
        if (n === 0) return false;
        if (ti + 1 === toks.length) return pos + n === end;
        for (let w = n; w >= 1; w--) if (matchToks(toks, ti + 1, s, pos + w, slots)) return true;
        return false;
      }
      case T_NUM: {
        for (let w = t.maxW; w >= t.minW; w--) {
          if (pos + w > end) continue;
          let v = 0;
          let k = 0;
          for (; k < w; k++) {
            const d = s.charCodeAt(pos + k) - 48;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
          }
          if (k < w || v < t.lo || v > t.hi) continue;
          slots[t.slot] = t.slot === S_US ? v * (POW10[6 - w] ?? 1) : v;
          if (matchToks(toks, ti + 1, s, pos + w, slots)) return true;
        }
        if (t.spacePad && pos + 2 <= end && s.charCodeAt(pos) === 32) {
          const d = s.charCodeAt(pos + 1) - 48;
          if (d >= 1 && d <= 9) {
            slots[t.slot] = d;
            if (matchToks(toks, ti + 1, s, pos + 2, slots)) return true;
          }
        }
        return false;
      }
      case T_NAME: {
        const { names, values } = t;
        for (let a = 0; a < names.length; a++) {
          const name = names[a] ?? '';
          const n = name.length;
          if (pos + n > end) continue;
          let k = 0;
          while (k < n && lowerCode(s.charCodeAt(pos + k)) === name.charCodeAt(k)) k++;
          if (k < n) continue;
          slots[t.slot] = values[a] ?? 0;
          if (matchToks(toks, ti + 1, s, pos + n, slots)) return true;
        }
        return false;
      }
      case T_TZ: {
        if (pos >= end) return false;
        const c = s.charCodeAt(pos);
        if (c === 90) {
          slots[S_TZ] = 0;
          pos++;
        } else if (c === 43 || c === 45) {
          const hh = d2(s, pos + 1);
          const colon = s.charCodeAt(pos + 3) === 58 ? 1 : 0;
          const mm = d2(s, pos + 3 + colon);
          if (hh < 0 || mm < 0 || mm > 59 || hh > 23 || pos + 5 + colon > end) return false;
          slots[S_TZ] = (c === 45 ? -1 : 1) * (hh * 60 + mm);
          pos += 5 + colon;
        } else {
          return false;
        }
        ti++;
        continue;
      }
      default:
        return false;
    }
  }
}

/** Match, then build the date/time as Python's _strptime does, into `out`. */
export function runStrptime(p: Strptime, s: string, out: DateTimeParts): boolean {
  const slots = p.slots;
  if (!matchToks(p.toks, 0, s, 0, slots)) return false;
  const has = p.has;
  let year = 1900;
  if (p.yearFrom === 1) year = slots[S_Y4] ?? 0;
  else if (p.yearFrom === 2) {
    const y = slots[S_Y2] ?? 0;
    year = y <= 68 ? 2000 + y : 1900 + y;
  }
  let month = has.has(S_MON) ? (slots[S_MON] ?? 1) : 1;
  let day = has.has(S_DAY) ? (slots[S_DAY] ?? 1) : 1;
  if (year < 1) return false;
  if (has.has(S_YDAY)) {
    civilFromDays(out, daysFromCivil(year, 1, 1) + (slots[S_YDAY] ?? 1) - 1);
    year = out.year;
    month = out.month;
    day = out.day;
    if (year > 9999) return false;
  } else if (day > daysInMonth(year, month)) {
    return false;
  }
  let hour = 0;
  if (p.hourFrom === 1) hour = slots[S_H24] ?? 0;
  else if (p.hourFrom === 2) {
    hour = slots[S_H12] ?? 0;
    const pm = has.has(S_AMPM) && slots[S_AMPM] === 2;
    if (!pm) {
      if (hour === 12) hour = 0;
    } else if (hour !== 12) hour += 12;
  }
  const second = has.has(S_SEC) ? (slots[S_SEC] ?? 0) : 0;
  if (second > 59) return false;
  out.year = year;
  out.month = month;
  out.day = day;
  out.hour = hour;
  out.minute = has.has(S_MIN) ? (slots[S_MIN] ?? 0) : 0;
  out.second = second;
  out.microsecond = has.has(S_US) ? (slots[S_US] ?? 0) : 0;
  out.tzOn = has.has(S_TZ);
  out.tzMinutes = out.tzOn ? (slots[S_TZ] ?? 0) : 0;
  out.h24 = false;
  return true;
}
