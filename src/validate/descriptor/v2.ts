/**
 * Descriptor checks of Data Package v2 properties that no JSON Schema expresses: `uniqueKeys`
 * name fields of the schema; and the v2 properties the table pass does not act on, each named in
 * a warning that says what is done instead, so that no v2 property is ignored silently.
 * (Everything else v2 says about a table is implemented: see README, "Data Package v2 tables".)
 */

import type { PackageDescriptor } from '../../package/descriptor.ts';
import { isObject } from '../../package/descriptor.ts';
import { pointerOf, problem, quoted, type Problem } from '../../package/problem.ts';

/** Table Dialect v2 properties, and what happens to a CSV resource that declares them. */
const DIALECT: Record<string, string> = {
  nullSequence: "cells are not read as null by it (frictionless does not either); list the value in the schema's missingValues instead",
  property: 'it applies to JSON data; this resource is read as CSV, and the property is ignored',
  itemType: 'it applies to JSON data; this resource is read as CSV, and the property is ignored',
  itemKeys: 'it applies to JSON data; this resource is read as CSV, and the property is ignored',
  sheetNumber: 'it applies to spreadsheets; this resource is read as CSV, and the property is ignored',
  sheetName: 'it applies to spreadsheets; this resource is read as CSV, and the property is ignored',
  table: 'it applies to SQL databases; this resource is read as CSV, and the property is ignored',
};

/** Problems (pointer set): uniqueKeys naming no field (errors), v2 properties not acted on (warnings). */
export function checkV2(descriptor: PackageDescriptor): Problem[] {
  const problems: Problem[] = [];
  if (!Array.isArray(descriptor.resources)) return problems;
  descriptor.resources.forEach((r: unknown, i) => {
    if (!isObject(r)) return;
    const name = typeof r.name === 'string' ? r.name : undefined;
    const schema = r.schema;
    if (isObject(schema) && Array.isArray(schema.uniqueKeys) && Array.isArray(schema.fields)) {
      const fields = schema.fields.map((f) => (isObject(f) ? f.name : undefined));
      schema.uniqueKeys.forEach((key: unknown, k) => {
        if (!Array.isArray(key)) return;
        key.forEach((f: unknown, j) => {
          if (typeof f !== 'string' || fields.includes(f)) return;
          problems.push(
            problem(
              'descriptor-error',
              `uniqueKeys field ${quoted(f)} is not a field of resource ${quoted(name ?? i)}; fix the name in uniqueKeys[${k}], or add the field`,
              {
                pointer: pointerOf('resources', i, 'schema', 'uniqueKeys', k, j),
                ...(name !== undefined ? { resource: name } : {}),
              },
            ),
          );
        });
      });
    }
    if (isObject(schema)) {
      missingValueObjects(schema.missingValues, ['resources', i, 'schema', 'missingValues'], name, problems);
      if (Array.isArray(schema.fields)) {
        schema.fields.forEach((f: unknown, j) => {
          if (isObject(f)) missingValueObjects(f.missingValues, ['resources', i, 'schema', 'fields', j, 'missingValues'], name, problems);
        });
      }
    }
    if (!isObject(r.dialect)) return;
    for (const [key, what] of Object.entries(DIALECT)) {
      if (r.dialect[key] === undefined) continue;
      problems.push(
        problem('descriptor-error', `resource ${quoted(name ?? i)}: dialect ${quoted(key)} is not implemented by this validator: ${what}`, {
          severity: 'warning',
          pointer: pointerOf('resources', i, 'dialect', key),
          ...(name !== undefined ? { resource: name } : {}),
        }),
      );
    }
  });
  return problems;
}

/**
 * v2 missing values as objects: each value and each label given at most once (frictionless
 * `schema/missing_values.py:validation_notes`); plain strings keep v1's leniency.
 */
function missingValueObjects(list: unknown, at: Array<string | number>, resource: string | undefined, problems: Problem[]): void {
  if (!Array.isArray(list) || !list.some(isObject)) return;
  const seen = { value: new Set<unknown>(), label: new Set<unknown>() };
  list.forEach((m: unknown, k) => {
    const value = isObject(m) ? m.value : m;
    const label = isObject(m) ? m.label : undefined;
    for (const [what, v] of [
      ['value', value],
      ['label', label],
    ] as const) {
      if (v === undefined) continue;
      if (seen[what].has(v)) {
        problems.push(
          problem(
            'descriptor-error',
            `missing value ${what === 'label' ? 'label ' : ''}${quoted(v)} is given twice; give each missing value${what === 'label' ? ' label' : ''} once`,
            {
              pointer: pointerOf(...at, k, ...(isObject(m) ? [what] : [])),
              ...(resource !== undefined ? { resource } : {}),
            },
          ),
        );
      }
      seen[what].add(v);
    }
  });
}
