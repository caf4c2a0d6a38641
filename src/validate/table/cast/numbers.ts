/**
 * Types integer and number (frictionless `fields/integer.py`, `fields/number.py`): Python's
 * `int()` and `Decimal()` after frictionless's processing (bareNumber, groupChar, decimalChar),
 * as char loops without per-cell scratch; `decimal()` gives the exact plain decimal for sums.
 */

import type { FieldDescriptor } from '../../../package/descriptor.ts';
import { quoted } from '../../../package/problem.ts';
import { isSpace } from './chars.ts';
import { badFormat, fail, INVALID, VALUE_CONSTRAINTS, type Invalid, type Reader, type TypeImpl } from './field-type.ts';

// scanNumber's result: the kind in the low two bits, and two flags.
const NUM_INVALID = 0;
const NUM_FINITE = 1;
const NUM_INF = 2;
const NUM_NAN = 3;
const NUM_KIND = 3;
/** A leading minus sign. */
const NUM_NEG = 4;
/** The string must be rewritten (group chars, decimal char) before `Number()`. */
const NUM_NORMALIZE = 8;

/** Canonical string of a JS number for keys: equal values give equal strings. */
export function numberKey(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) >= 1e21) return BigInt(v).toString();
  return String(v); // String(-0) === '0'
}

/**
 * bareNumber=false: frictionless removes `^[^-\d]*` and `\D*$` — leading characters up to a
 * minus sign or digit, trailing non-digits. `numericStart` is where the number starts,
 * `numericEnd` where it ends.
 */
function numericStart(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 45 || (c >= 48 && c <= 57)) break;
    i++;
  }
  return i;
}

function numericEnd(s: string, start: number): number {
  let j = s.length;
  while (j > start) {
    const c = s.charCodeAt(j - 1);
    if (c >= 48 && c <= 57) break;
    j--;
  }
  return j;
}

/** 'inf', 'infinity', 'nan', 'snan' (+ payload digits), case-insensitive, as Python's Decimal. */
function scanWord(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i) | 0x20;
  if (c !== 0x69 && c !== 0x6e && c !== 0x73) return NUM_INVALID; // i, n, s
  const w = s.slice(i, end).toLowerCase();
  if (w === 'inf' || w === 'infinity') return NUM_INF;
  if (/^s?nan\d*$/.test(w)) return NUM_NAN;
  return NUM_INVALID;
}

/**
 * Validate s[start,end) as a Python Decimal after frictionless's processing: group chars are
 * removed wherever they are, a '.' is refused when the decimal char is not '.', the decimal char
 * reads as '.'. `dec`/`grp` are char codes (grp -1: none). Returns the kind (NUM_INVALID when
 * unreadable) with the NUM_NEG and NUM_NORMALIZE flags.
 */
function scanNumber(s: string, start: number, end: number, dec: number, grp: number): number {
  let neg = false;
  let normalize = false;
  // 0 start, 1 sign, 2 int digits, 3 dot without digits, 4 fraction, 5 'e', 6 exp sign, 7 exp digits
  let state = 0;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c === grp) {
      normalize = true;
      continue;
    }
    if (c === 46) {
      if (dec !== 46) return NUM_INVALID;
    } else if (c === dec) {
      c = 46;
      normalize = true;
    }
    if (c >= 48 && c <= 57) {
      state = state <= 2 ? 2 : state <= 4 ? 4 : 7;
      continue;
    }
    if (c === 46) {
      if (state <= 1) state = 3;
      else if (state === 2) state = 4;
      else return NUM_INVALID;
    } else if (c === 43 || c === 45) {
      if (state === 0) {
        state = 1;
        neg = c === 45;
      } else if (state === 5) state = 6;
      else return NUM_INVALID;
    } else if (c === 101 || c === 69) {
      if (state === 2 || state === 4) state = 5;
      else return NUM_INVALID;
    } else if (state <= 1 && !normalize) {
      const word = scanWord(s, i, end);
      return word === NUM_INVALID ? NUM_INVALID : word | (neg ? NUM_NEG : 0);
    } else {
      return NUM_INVALID;
    }
  }
  if (state === 2 || state === 4 || state === 7) return NUM_FINITE | (neg ? NUM_NEG : 0) | (normalize ? NUM_NORMALIZE : 0);
  return NUM_INVALID;
}

/** s[start,end) with group chars removed and the decimal char replaced by '.'. */
function normalizedNumber(s: string, start: number, end: number, dec: number, grp: number): string {
  let out = '';
  let seg = start;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === grp) {
      out += s.slice(seg, i);
      seg = i + 1;
    } else if (c === dec && dec !== 46) {
      out += `${s.slice(seg, i)}.`;
      seg = i + 1;
    }
  }
  return out + s.slice(seg, end);
}

/** s[start,end) read as a plain number ('.' decimal, no group char), NaN when it is not a finite one. */
function plainNumber(s: string, start: number, end: number): number {
  if ((scanNumber(s, start, end, 46, -1) & NUM_KIND) !== NUM_FINITE) return NaN;
  return Number(s.slice(start, end));
}

/** A sign and one of the special kinds as a JS number. */
function special(scan: number): number {
  if ((scan & NUM_KIND) === NUM_NAN) return NaN;
  return scan & NUM_NEG ? -Infinity : Infinity;
}

const MAX_PLAIN_EXPONENT = 1000;

/** '[+-]digits[.digits][e[+-]digits]' → plain decimal: no exponent, no '+', no leading zeros. */
export function toPlainDecimal(t: string): string | null {
  let i = 0;
  let neg = false;
  const c0 = t.charCodeAt(0);
  if (c0 === 45) {
    neg = true;
    i = 1;
  } else if (c0 === 43) i = 1;
  let ePos = t.length;
  for (let k = i; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c === 101 || c === 69) {
      ePos = k;
      break;
    }
  }
  const mantissa = t.slice(i, ePos);
  let exp = 0;
  if (ePos < t.length) {
    exp = Number(t.slice(ePos + 1));
    if (!(Math.abs(exp) <= MAX_PLAIN_EXPONENT)) return null;
  }
  const dot = mantissa.indexOf('.');
  let intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  let frac = dot < 0 ? '' : mantissa.slice(dot + 1);
  if (exp > 0) {
    if (frac.length >= exp) {
      intPart += frac.slice(0, exp);
      frac = frac.slice(exp);
    } else {
      intPart += frac + '0'.repeat(exp - frac.length);
      frac = '';
    }
  } else if (exp < 0) {
    const n = -exp;
    if (intPart.length > n) {
      frac = intPart.slice(intPart.length - n) + frac;
      intPart = intPart.slice(0, intPart.length - n);
    } else {
      frac = '0'.repeat(n - intPart.length) + intPart + frac;
      intPart = '';
    }
  }
  let z = 0;
  while (z < intPart.length && intPart.charCodeAt(z) === 48) z++;
  intPart = z === intPart.length ? '0' : intPart.slice(z);
  const out = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  if (neg) {
    for (let k = 0; k < out.length; k++) {
      const c = out.charCodeAt(k);
      if (c >= 49 && c <= 57) return `-${out}`;
    }
  }
  return out;
}

interface NumberOptions {
  dec: string;
  grp: string;
  bare: boolean;
}

interface Codec {
  read: Reader;
  decimal: (cell: string) => string | null;
}

/** Reader and decimal() for a number field. */
function numberCodec(o: NumberOptions): Codec {
  const { bare } = o;
  if (o.dec.length === 1 && o.grp.length <= 1) {
    const dec = o.dec.charCodeAt(0);
    const grp = o.grp.length === 1 ? o.grp.charCodeAt(0) : -1;
    return {
      read(cell) {
        let start = 0;
        let end = cell.length;
        if (!bare) {
          start = numericStart(cell);
          end = numericEnd(cell, start);
        }
        const scan = scanNumber(cell, start, end, dec, grp);
        const kind = scan & NUM_KIND;
        if (kind === NUM_FINITE) {
          if (scan & NUM_NORMALIZE) return Number(normalizedNumber(cell, start, end, dec, grp));
          return Number(start === 0 && end === cell.length ? cell : cell.slice(start, end));
        }
        if (kind === NUM_INVALID) return INVALID;
        return special(scan);
      },
      decimal(cell) {
        let start = 0;
        let end = cell.length;
        if (!bare) {
          start = numericStart(cell);
          end = numericEnd(cell, start);
        }
        const scan = scanNumber(cell, start, end, dec, grp);
        if ((scan & NUM_KIND) !== NUM_FINITE) return null;
        return toPlainDecimal(scan & NUM_NORMALIZE ? normalizedNumber(cell, start, end, dec, grp) : cell.slice(start, end));
      },
    };
  }
  // Multi-character separators: frictionless's string replacements, then the plain scan.
  const prepare = (cell: string): string | null => {
    let t = cell;
    if (!bare) {
      const start = numericStart(cell);
      t = cell.slice(start, numericEnd(cell, start));
    }
    if (o.grp !== '') t = t.split(o.grp).join('');
    if (o.dec !== '.') {
      if (t.includes('.')) return null;
      t = t.split(o.dec).join('.');
    }
    return t;
  };
  return {
    read(cell) {
      const t = prepare(cell);
      if (t === null) return INVALID;
      const scan = scanNumber(t, 0, t.length, 46, -1);
      const kind = scan & NUM_KIND;
      if (kind === NUM_FINITE) return Number(t);
      if (kind === NUM_INVALID) return INVALID;
      return special(scan);
    },
    decimal(cell) {
      const t = prepare(cell);
      if (t === null || (scanNumber(t, 0, t.length, 46, -1) & NUM_KIND) !== NUM_FINITE) return null;
      return toPlainDecimal(t);
    },
  };
}

/** Python `int()` of s[start,end) without whitespace: [+-]digits. BigInt beyond the safe range. */
function parseInteger(s: string, start: number, end: number): number | bigint | Invalid {
  if (start >= end) return INVALID;
  let i = start;
  let neg = false;
  const c0 = s.charCodeAt(i);
  if (c0 === 45) {
    neg = true;
    i++;
  } else if (c0 === 43) i++;
  if (i >= end) return INVALID;
  const digitsStart = i;
  let v = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return INVALID;
    v = v * 10 + d;
  }
  if (v > Number.MAX_SAFE_INTEGER) {
    const big = BigInt(s.slice(digitsStart, end));
    return neg ? -big : big;
  }
  return neg && v !== 0 ? -v : v;
}

function integerCodec(bare: boolean): Codec {
  return {
    read(cell) {
      if (bare) return parseInteger(cell, 0, cell.length);
      const start = numericStart(cell);
      return parseInteger(cell, start, numericEnd(cell, start));
    },
    decimal(cell) {
      let start = 0;
      let end = cell.length;
      if (!bare) {
        start = numericStart(cell);
        end = numericEnd(cell, start);
      }
      if (parseInteger(cell, start, end) === INVALID) return null;
      let i = start;
      const c0 = cell.charCodeAt(i);
      const neg = c0 === 45;
      if (neg || c0 === 43) i++;
      while (i < end - 1 && cell.charCodeAt(i) === 48) i++;
      const digits = cell.slice(i, end);
      return neg && digits !== '0' ? `-${digits}` : digits;
    },
  };
}

function integerKey(v: unknown): string {
  return typeof v === 'bigint' ? `n:${v.toString()}` : `n:${numberKey(v as number)}`;
}

/**
 * frictionless-py strips whitespace around integers and numbers before reading them (`int(" 5")`
 * and `Decimal(" 5")` both work in Python), so " 5" is 5 there; do the same. Cheap when there is
 * none: two char looks per cell.
 */
function stripped(codec: Codec): Codec {
  const edge = (c: number): boolean => c <= 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x3000) || c === 0xfeff;
  const padded = (cell: string): boolean => cell.length > 0 && (edge(cell.charCodeAt(0)) || edge(cell.charCodeAt(cell.length - 1)));
  const { read, decimal } = codec;
  return {
    ...codec,
    read: (cell: string) => read(padded(cell) ? cell.trim() : cell),
    decimal: (cell: string) => decimal(padded(cell) ? cell.trim() : cell),
  };
}

function numberOptions(field: FieldDescriptor, format: string): NumberOptions {
  const dec = field.decimalChar ?? '.';
  if (typeof dec !== 'string' || dec === '') fail('decimalChar', '"decimalChar" must be a non-empty string');
  const grp = field.groupChar ?? '';
  if (typeof grp !== 'string') fail('groupChar', '"groupChar" must be a string');
  const bareNumber = field.bareNumber ?? true;
  if (typeof bareNumber !== 'boolean') fail('bareNumber', '"bareNumber" must be true or false');
  return { dec, grp, bare: bareNumber && format !== 'currency' };
}

export function integerType(format: string, field: FieldDescriptor): TypeImpl {
  if (format !== 'default' && format !== 'currency') badFormat('integer', format);
  const { bare } = numberOptions(field, format);
  const codec = stripped(integerCodec(bare));
  return {
    read: codec.read,
    expected: bare ? 'an integer' : 'an integer (currency symbols and units around it are ignored)',
    key: integerKey,
    iso: integerCodec(true).read,
    fromJson: (v) => (typeof v === 'number' && Number.isInteger(v) ? (Number.isSafeInteger(v) ? v : BigInt(v)) : INVALID),
    decimal: codec.decimal,
    constraints: VALUE_CONSTRAINTS,
    enumByKey: false,
  };
}

export function numberType(format: string, field: FieldDescriptor): TypeImpl {
  if (format !== 'default' && format !== 'currency') badFormat('number', format);
  const options = numberOptions(field, format);
  const codec = stripped(numberCodec(options));
  const parts: string[] = [];
  if (options.dec !== '.') parts.push(`decimal ${quoted(options.dec)}`);
  if (options.grp !== '') parts.push(`group ${quoted(options.grp)}`);
  let expected = parts.length > 0 ? `a number with ${parts.join(' and ')}` : 'a number';
  if (!options.bare) expected += ' (currency symbols and units around it are ignored)';
  return {
    read: codec.read,
    expected,
    key: (v) => `n:${numberKey(v as number)}`,
    iso: numberCodec({ dec: '.', grp: '', bare: true }).read,
    fromJson: (v) => (typeof v === 'number' ? v : INVALID),
    decimal: codec.decimal,
    constraints: VALUE_CONSTRAINTS,
    enumByKey: false,
  };
}

/** Python's `str.strip()` then a plain number; NaN when it is not one (geopoint coordinates). */
export function strippedPlainNumber(v: string): number {
  let a = 0;
  let b = v.length;
  while (a < b && isSpace(v.charCodeAt(a))) a++;
  while (b > a && isSpace(v.charCodeAt(b - 1))) b--;
  return plainNumber(v, a, b);
}
