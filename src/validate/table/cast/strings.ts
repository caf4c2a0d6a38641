/**
 * Types string (formats default, email, uri, binary, uuid; frictionless `fields/string.py`) and
 * any (the cell as it is).
 */

import { badFormat, ENUM_ONLY, INVALID, noJson, onlyDefault, stringKey, type TypeImpl } from './field-type.ts';

/** Local part (dot-atom) @ domain with a dot and an alphabetic top-level label. */
const EMAIL_RE =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

function readEmail(cell: string): unknown {
  const at = cell.indexOf('@');
  if (at < 1 || at > 64 || cell.length > 320) return INVALID;
  return EMAIL_RE.test(cell) ? cell : INVALID;
}

/** rfc3986 `uri_reference` + `require_presence_of("scheme")`: ALPHA *( ALPHA / DIGIT / + - . ) ':'. */
function readUri(cell: string): unknown {
  const n = cell.length;
  const c0 = cell.charCodeAt(0) | 0x20;
  if (n < 2 || c0 < 97 || c0 > 122) return INVALID;
  for (let i = 1; i < n; i++) {
    const c = cell.charCodeAt(i);
    if (c === 58) return cell;
    const l = c | 0x20;
    if (!((l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return INVALID;
  }
  return INVALID;
}

function isHex(c: number): boolean {
  const l = c | 0x20;
  return (c >= 48 && c <= 57) || (l >= 97 && l <= 102);
}

function readUuid(cell: string): unknown {
  if (cell.length !== 36) return INVALID;
  for (let i = 0; i < 36; i++) {
    const c = cell.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return INVALID;
    } else if (!isHex(c)) return INVALID;
  }
  return cell;
}

function isBase64Char(c: number): boolean {
  const l = c | 0x20;
  return (l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

function readBinary(cell: string): unknown {
  const n = cell.length;
  if (n % 4 !== 0) return INVALID;
  let pad = 0;
  if (n > 0 && cell.charCodeAt(n - 1) === 61) pad = cell.charCodeAt(n - 2) === 61 ? 2 : 1;
  for (let i = 0; i < n - pad; i++) if (!isBase64Char(cell.charCodeAt(i))) return INVALID;
  return cell;
}

/** Length in code points, as Python's len(). */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const STRING_EXPECTED: Record<string, string> = {
  default: 'a string',
  email: 'an email address',
  uri: 'a URI with a scheme (e.g. https://example.org)',
  binary: 'base64-encoded data',
  uuid: 'a UUID (8-4-4-4-12 hexadecimal digits)',
};

export function stringType(format: string): TypeImpl {
  const read =
    format === 'default'
      ? (cell: string): unknown => cell
      : format === 'email'
        ? readEmail
        : format === 'uri'
          ? readUri
          : format === 'binary'
            ? readBinary
            : format === 'uuid'
              ? readUuid
              : badFormat('string', format);
  return {
    read,
    expected: STRING_EXPECTED[format] as string,
    key: stringKey,
    iso: read,
    fromJson: noJson,
    decimal: null,
    constraints: ['minLength', 'maxLength', 'pattern', 'enum'],
    size: (v) => codePointLength(v as string),
    enumByKey: false,
  };
}

export function anyType(format: string): TypeImpl {
  onlyDefault('any', format);
  const read = (cell: string): unknown => cell;
  return {
    read,
    expected: 'any value',
    key: stringKey,
    iso: read,
    fromJson: noJson,
    decimal: null,
    constraints: ENUM_ONLY,
    enumByKey: false,
  };
}
