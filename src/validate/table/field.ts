/**
 * A Table Schema field compiled for the table pass: cast.ts's compileField, plus what Table
 * Schema v2 adds that frictionless-py 5.19 does not implement (it accepts `categories` and
 * ignores them, and refuses the rest as unsupported). Here they follow the v2 text
 * (https://datapackage.org/standard/table-schema/):
 *
 * - `missingValues` (schema and field level) may hold `{"value": ..., "label": ...}` objects;
 * - `categories` (string and integer fields): a value outside them is a constraint-error;
 *   `categoriesOrdered` only says the categories are ordered (nothing to check);
 * - `constraints.exclusiveMinimum` / `exclusiveMaximum`: on every type that has `minimum`;
 * - `constraints.jsonSchema` on object and array fields: the value must match that JSON Schema;
 * - the `list` type: a cell is a list of `itemType` values (string, integer, number, boolean,
 *   date, time, datetime; default string) separated by `delimiter` (default ",");
 * - `groupChar` on integer fields (v1 had it on numbers only).
 */

import { Ajv, type ValidateFunction } from 'ajv';
import type { FieldDescriptor, JsonValue } from '../../package/descriptor.ts';
import { linearRegExp } from '../pattern.ts';
import { quoted, quotedList, shown } from '../../package/problem.ts';
import { compileField, INVALID, SchemaCompileError, type CompiledField } from './cast.ts';
import { messageOf } from '../../errors.ts';

/** A `missingValues` list with v2 objects read as their `value`s; undefined when absent or not a list. */
export function missingValueStrings(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((m: unknown) =>
    m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as { value?: unknown }).value : m,
  ) as string[];
}

/** The missing values a field reads with: its own, else the schema's, else [""]. */
export function fieldMissingValues(field: FieldDescriptor, schemaMissingValues: unknown): string[] {
  return missingValueStrings(field.missingValues) ?? missingValueStrings(schemaMissingValues) ?? [''];
}

const LIST_ITEM_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'time', 'datetime'];
const MINIMUM_TYPES = ['integer', 'number', 'date', 'time', 'datetime', 'year', 'yearmonth'];
/** Nesting allowed in a field's `jsonSchema` (deeper schemas are refused before ajv compiles them). */
const JSON_SCHEMA_MAX_DEPTH = 32;
/** Size of a field's `jsonSchema`, as JSON (ajv's compile time grows with it). */
const JSON_SCHEMA_MAX_CHARS = 64 * 1024;

const fail = (property: string, message: string): never => {
  throw new SchemaCompileError(message, property);
};

/**
 * Compile a field, v2 properties included. Throws SchemaCompileError (with the property's path
 * under the field) for what cannot be read.
 */
export function compileTableField(field: FieldDescriptor, schemaMissingValues: unknown): CompiledField {
  const missingValues = fieldMissingValues(field, schemaMissingValues);
  if (field.type === 'list') return compileList(field, missingValues);

  const { categories, categoriesOrdered: _ordered, ...fieldRest } = field;
  // v2 integer groupChar: cast/numbers.ts reads it on numbers only; here the group characters are removed first.
  const integerGroup = field.type === 'integer' && field.groupChar !== undefined ? field.groupChar : undefined;
  if (integerGroup !== undefined && typeof integerGroup !== 'string') fail('groupChar', '"groupChar" must be a string');
  const { groupChar: _group, ...withoutGroup } = fieldRest;
  const rest = integerGroup === undefined ? fieldRest : withoutGroup;
  const raw: unknown = field.constraints;
  const all = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  const { exclusiveMinimum, exclusiveMaximum, jsonSchema, ...constraints } = all ?? {};
  const base = compileField({ ...rest, missingValues, ...(all ? { constraints } : {}) });
  const type = base.type;
  const variant = (c: Record<string, unknown>, property: string): CompiledField => {
    try {
      return compileField({ ...rest, missingValues, constraints: c });
    } catch (e) {
      if (e instanceof SchemaCompileError)
        fail(property, e.message.replace(/constraint "(minimum|maximum|enum)"/, `"${property.split('/').pop()!}"`));
      throw e;
    }
  };

  const extra: Array<(value: unknown, cell: string) => string | undefined> = [];
  if (categories !== undefined) {
    if (type !== 'string' && type !== 'integer')
      fail('categories', `"categories" applies to string and integer fields, not to type ${quoted(type)}`);
    if (!Array.isArray(categories) || categories.length === 0)
      fail('categories', '"categories" must be a non-empty array of values or {"value": ..., "label": ...} objects');
    const values = (categories as unknown[]).map((c) =>
      c !== null && typeof c === 'object' && !Array.isArray(c) ? (c as { value?: unknown }).value : c,
    ) as JsonValue[];
    const inCategories = variant({ enum: values }, 'categories').check;
    const message = `is not one of the categories ${quotedList(values)}`;
    extra.push((v, cell) => (inCategories(v, cell) === undefined ? undefined : message));
  }
  for (const [name, bound] of [
    ['exclusiveMinimum', exclusiveMinimum],
    ['exclusiveMaximum', exclusiveMaximum],
  ] as const) {
    if (bound === undefined) continue;
    const property = `constraints/${name}`;
    if (!MINIMUM_TYPES.includes(type)) fail(property, `constraint ${quoted(name)} is not supported by type ${quoted(type)}`);
    // v > b is v >= b and not v <= b (and v < b the other way): cast/constraints.ts's own comparisons, so
    // every type compares as it does for minimum/maximum (NaN breaks both).
    const atLeast = variant({ minimum: bound }, property).check;
    const atMost = variant({ maximum: bound }, property).check;
    const lower = name === 'exclusiveMinimum';
    const message = `is ${lower ? 'not above' : 'not below'} the exclusive ${lower ? 'minimum' : 'maximum'} ${shown(String(bound as string | number))}`;
    extra.push((v, cell) => {
      const ge = atLeast(v, cell) === undefined;
      const le = atMost(v, cell) === undefined;
      return (lower ? ge && !le : le && !ge) ? undefined : message;
    });
  }
  if (jsonSchema !== undefined) {
    if (type !== 'object' && type !== 'array')
      fail('constraints/jsonSchema', `constraint "jsonSchema" applies to object and array fields, not to type ${quoted(type)}`);
    const validate = compileJsonSchema(jsonSchema);
    extra.push((v) => {
      if (validate(v)) return undefined;
      const e = validate.errors?.[0];
      return `does not match the field's jsonSchema${e ? ` (${e.instancePath || '/'} ${e.message ?? ''})` : ''}`;
    });
  }
  const grouped = integerGroup ? withGroupChar(base, integerGroup, new Set(missingValues)) : base;
  if (extra.length === 0) return grouped;
  const check = (v: unknown, cell: string): string | undefined => {
    const broken = base.constrained ? base.check(v, cell) : undefined;
    if (broken !== undefined) return broken;
    for (const c of extra) {
      const m = c(v, cell);
      if (m !== undefined) return m;
    }
    return undefined;
  };
  return { ...grouped, constrained: true, check };
}

/** An integer field reading `groupChar` (e.g. "1,000" with ","): the cell without the group characters. */
function withGroupChar(f: CompiledField, group: string, missing: ReadonlySet<string>): CompiledField {
  const { cast, decimal } = f;
  const ungroup = (cell: string): string =>
    group !== '' && !missing.has(cell) && cell.includes(group) ? cell.split(group).join('') : cell;
  return {
    ...f,
    cast: (cell) => cast(ungroup(cell)),
    decimal: (cell) => decimal(ungroup(cell)),
    expected: group === '' ? f.expected : `${f.expected} (group ${quoted(group)})`,
  };
}

function depth(v: unknown, limit: number): number {
  if (v === null || typeof v !== 'object') return 0;
  if (limit <= 0) return 1;
  let d = 0;
  for (const x of Object.values(v as object)) d = Math.max(d, depth(x, limit - 1));
  return d + 1;
}

/**
 * A dataset's JSON Schema, compiled with the same linear-time patterns as the descriptor's; never
 * fetches a `$ref`; `format` is not checked. One ajv per schema: ajv keeps every schema it
 * compiled (and refuses a second one with the same `$id`), which a long-running App must not.
 */
function compileJsonSchema(schema: unknown): ValidateFunction {
  const property = 'constraints/jsonSchema';
  if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema)))
    fail(property, 'constraint "jsonSchema" must be a JSON Schema (an object)');
  if (depth(schema, JSON_SCHEMA_MAX_DEPTH + 1) > JSON_SCHEMA_MAX_DEPTH)
    fail(property, `constraint "jsonSchema" is nested more than ${JSON_SCHEMA_MAX_DEPTH} levels deep; simplify it`);
  if (JSON.stringify(schema).length > JSON_SCHEMA_MAX_CHARS)
    fail(property, `constraint "jsonSchema" is longer than ${JSON_SCHEMA_MAX_CHARS} characters as JSON; simplify it`);
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    allowUnionTypes: true,
    logger: false,
    validateFormats: false,
    code: { regExp: linearRegExp },
  });
  try {
    return ajv.compile(schema as object);
  } catch (e) {
    return fail(
      property,
      `constraint "jsonSchema" is not a JSON Schema this validator can use (${shown(messageOf(e))}); fix it (remote $ref are not fetched)`,
    );
  }
}

function compileList(field: FieldDescriptor, missingValues: string[]): CompiledField {
  const itemType: unknown = field.itemType ?? 'string';
  if (typeof itemType !== 'string' || !LIST_ITEM_TYPES.includes(itemType))
    fail('itemType', `"itemType" of a list must be one of ${LIST_ITEM_TYPES.join(', ')}`);
  const delimiter: unknown = field.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter === '') fail('delimiter', '"delimiter" of a list must be a non-empty string');
  const sep = delimiter as string;
  if (field.format !== undefined && field.format !== 'default')
    fail('format', `format ${quoted(field.format)} is not valid for type "list"`);
  const item = compileField({ name: field.name, type: itemType as string, missingValues: [] });
  const raw: unknown = field.constraints ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('constraints', '"constraints" must be an object');
  const c = raw as Record<string, unknown>;
  for (const name of Object.keys(c)) {
    if (!['required', 'unique', 'minLength', 'maxLength', 'enum'].includes(name))
      fail(`constraints/${name}`, `constraint ${quoted(name)} is not supported by type "list"`);
  }
  const length = (name: string): number | undefined => {
    const v = c[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      fail(`constraints/${name}`, `constraint ${quoted(name)} must be a whole number`);
    return v as number;
  };
  const minLength = length('minLength');
  const maxLength = length('maxLength');
  const missing = new Set(missingValues);
  const read = (cell: string): unknown[] | typeof INVALID => {
    const parts = cell.split(sep);
    const out: unknown[] = new Array<unknown>(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const v = item.cast(parts[i]!);
      if (v === INVALID || v === null) return INVALID;
      out[i] = v;
    }
    return out;
  };
  const key = (v: unknown): string => `l:${JSON.stringify((v as unknown[]).map((x) => item.key(x)))}`;
  let enumKeys: Set<string> | null = null;
  if (c.enum !== undefined) {
    if (!Array.isArray(c.enum) || c.enum.length === 0) fail('constraints/enum', 'constraint "enum" must be a non-empty array');
    enumKeys = new Set();
    for (const e of c.enum as unknown[]) {
      const v =
        typeof e === 'string'
          ? read(e)
          : Array.isArray(e)
            ? read(e.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(sep))
            : INVALID;
      if (v === INVALID) fail('constraints/enum', `constraint "enum" value ${quoted(e)} is not a list of ${itemType as string} values`);
      enumKeys.add(key(v));
    }
  }
  const constrained = minLength !== undefined || maxLength !== undefined || enumKeys !== null;
  const expected = `a list of ${itemType as string} values separated by ${quoted(sep)}`;
  return {
    name: field.name,
    type: 'list',
    format: 'default',
    required: c.required === true,
    unique: c.unique === true,
    constrained,
    expected,
    cast: (cell) => (missing.has(cell) ? null : read(cell)),
    check: (v) => {
      const n = (v as unknown[]).length;
      if (minLength !== undefined && n < minLength) return `has ${n} items, fewer than the minimum length ${minLength}`;
      if (maxLength !== undefined && n > maxLength) return `has ${n} items, more than the maximum length ${maxLength}`;
      if (enumKeys !== null && !enumKeys.has(key(v))) return `is not one of ${quotedList(c.enum as JsonValue[])}`;
      return undefined;
    },
    key,
    decimal: () => null,
  };
}
