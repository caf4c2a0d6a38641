/**
 * What every field type gives the compiler (../cast.ts): a reader for cells, a key for
 * comparisons, the constraints it supports; and the two outcomes of casting, INVALID (a cell
 * the type cannot read) and SchemaCompileError (a field descriptor that cannot be compiled).
 */

import { UserError } from '../../../errors.ts';
import type { JsonValue } from '../../../package/descriptor.ts';
import { quoted } from '../../../package/problem.ts';

/** Returned by `cast` when the cell cannot be read as the field's type/format. */
export const INVALID: unique symbol = Symbol('INVALID');
export type Invalid = typeof INVALID;

/** The field descriptor cannot be compiled; `property` is the field property at fault. */
export class SchemaCompileError extends UserError {
  constructor(
    message: string,
    readonly property: string,
  ) {
    super('schema-error', message);
  }
}

export function fail(property: string, message: string): never {
  throw new SchemaCompileError(message, property);
}

/** The format is not one of the type's formats. */
export function badFormat(type: string, format: string): never {
  return fail('format', `format ${quoted(format)} is not valid for type ${quoted(type)}`);
}

/** The type has no format besides "default". */
export function onlyDefault(type: string, format: string): void {
  if (format !== 'default') badFormat(type, format);
}

/** Reads one cell: the typed value, or INVALID. */
export type Reader = (cell: string) => unknown;

export interface TypeImpl {
  read: Reader;
  expected: string;
  key: (v: unknown) => string;
  /** Reader for descriptor values in canonical form (min/max/enum fallback). */
  iso: Reader;
  /** Reads a non-string JSON value from the descriptor (enum, minimum, maximum). */
  fromJson: (v: JsonValue) => unknown;
  decimal: ((cell: string) => string | null) | null;
  /** Constraints besides required/unique, in frictionless's check order. */
  constraints: readonly string[];
  /** Size for minLength/maxLength. */
  size?: (v: unknown) => number;
  /** Enum membership compares key() strings instead of the values (objects). */
  enumByKey: boolean;
}

export const VALUE_CONSTRAINTS = ['minimum', 'maximum', 'enum'] as const;
export const COLLECTION_CONSTRAINTS = ['minLength', 'maxLength', 'enum'] as const;
export const ENUM_ONLY = ['enum'] as const;

export const stringKey = (v: unknown): string => `s:${String(v)}`;
export const noJson = (): unknown => INVALID;

/** A descriptor property that must be an array of strings; undefined when absent. */
export function stringArray(v: unknown, property: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(property, `${quoted(property)} must be an array of strings`);
  return v as string[];
}
