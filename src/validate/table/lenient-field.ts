/**
 * A field whose descriptor cannot be compiled (cast.ts throws SchemaCompileError) is still
 * reported as a descriptor error, but its rows are read anyway, the way frictionless reads them,
 * so the row problems it would hide are found too:
 *
 * - a `format` is used only by the types that have formats (`fields/*.py`
 *   `create_value_reader`): `year`, `yearmonth`, `integer`, `number`, `boolean`, `duration`,
 *   `object`, `array`, `any` ignore it, and `string` reads an unknown format as the default;
 * - a date, time or datetime `format` that is not a valid pattern is still tried as one
 *   (`fields/date.py`: `datetime.strptime(cell, self.format)`): a pattern without a directive
 *   matches only itself, one with a directive Python does not know matches nothing;
 * - a geopoint with an unknown format reads nothing (`fields/geopoint.py`: no branch sets lon/lat);
 * - a bad constraint is left out, and a type that does not exist reads any value.
 */

import type { FieldDescriptor } from '../../package/descriptor.ts';
import { quoted, shown } from '../../package/problem.ts';
import { compileField, INVALID, SchemaCompileError, type CompiledField } from './cast.ts';
import { compileTableField } from './field.ts';

const TEMPORAL = new Set(['date', 'time', 'datetime']);

/** The field as its rows are read after `error`, and how (for the problem's message). */
export function fallbackField(
  field: FieldDescriptor,
  error: SchemaCompileError,
  schemaMissing?: unknown,
): { field: CompiledField; how: string } {
  const type = typeof field.type === 'string' ? field.type : 'string';
  if (error.property === 'format') {
    const format = typeof field.format === 'string' ? field.format : '';
    const base = attempt({ ...field, format: 'default' }, schemaMissing);
    if (base && TEMPORAL.has(type)) {
      // strptime with a pattern that has no directive returns 1900-01-01 for the pattern itself.
      const literal = format.includes('%') ? null : format;
      const value = type === 'time' ? '00:00:00' : type === 'date' ? '1900-01-01' : '1900-01-01T00:00:00';
      const article = type === 'time' ? 'a time' : type === 'date' ? 'a date' : 'a datetime';
      return {
        field: {
          ...base,
          format,
          expected: `${article} in format ${shown(format)} (read as a pattern, as frictionless does)`,
          cast: (cell) => (base.cast(cell) === null ? null : cell === literal ? value : INVALID),
        },
        how: `its cells are read with ${shown(format)} as a pattern, as frictionless does`,
      };
    }
    if (base && type === 'geopoint') {
      return {
        field: {
          ...base,
          format,
          expected: `a geopoint in format ${shown(format)}, which reads none`,
          cast: (cell) => (base.cast(cell) === null ? null : INVALID),
        },
        how: 'no cell can be read with it, as in frictionless',
      };
    }
    if (base)
      return {
        field: base,
        how:
          type === 'string'
            ? 'its cells are read as plain strings, as frictionless does'
            : `the format is ignored for type ${quoted(type)}, as frictionless does`,
      };
  }
  if (error.property === 'constraints' || error.property.startsWith('constraints/')) {
    const loose = attempt({ ...field, constraints: undefined }, schemaMissing);
    if (loose) return { field: loose, how: 'its cells are read without its constraints' };
  }
  const plain =
    attempt({ name: field.name, type: TEMPORAL.has(type) || type === 'any' ? type : 'any' }, schemaMissing) ??
    compileField({ name: field.name, type: 'any' });
  return {
    field: plain,
    how: plain.type === 'any' ? 'its cells are read as any value' : `its cells are read as ${quoted(type)} in the default format`,
  };
}

function attempt(field: FieldDescriptor, schemaMissing?: unknown): CompiledField | null {
  try {
    return compileTableField(field, schemaMissing);
  } catch (e) {
    if (e instanceof SchemaCompileError) return null;
    throw e;
  }
}
