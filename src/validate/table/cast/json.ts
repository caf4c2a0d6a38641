/**
 * Types object and array (frictionless `fields/object.py`, `array.py`): a JSON document of that
 * shape, parsed by `JSON.parse` (no NaN/Infinity); and the JSON helpers geo types share.
 */

import { isObject } from '../../../package/descriptor.ts';
import { COLLECTION_CONSTRAINTS, INVALID, onlyDefault, type TypeImpl } from './field-type.ts';

/** JSON with object keys sorted, so equal objects give equal strings. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

/**
 * JSON.parse, INVALID instead of throwing; `open` is the char code the document must start with
 * (-1: any). The try lives here, not in the row loop's callers.
 */
export function parseJson(s: string, open: number): unknown {
  // Cheap rejection before paying for an exception: skip JSON whitespace, look at the opener.
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  if (i >= n || (open >= 0 && s.charCodeAt(i) !== open)) return INVALID;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return INVALID;
  }
}

function collectionSize(v: unknown): number {
  return Array.isArray(v) ? v.length : Object.keys(v as object).length;
}

export function jsonType(type: 'object' | 'array', format: string): TypeImpl {
  onlyDefault(type, format);
  const objects = type === 'object';
  const read = objects
    ? (cell: string): unknown => {
        const v = parseJson(cell, 123);
        return isObject(v) ? v : INVALID;
      }
    : (cell: string): unknown => {
        const v = parseJson(cell, 91);
        return Array.isArray(v) ? v : INVALID;
      };
  return {
    read,
    expected: objects ? 'a JSON object' : 'a JSON array',
    key: (v) => `j:${stableJson(v)}`,
    iso: read,
    fromJson: (v) => ((objects ? isObject(v) : Array.isArray(v)) ? v : INVALID),
    decimal: null,
    constraints: COLLECTION_CONSTRAINTS,
    size: collectionSize,
    enumByKey: true,
  };
}
