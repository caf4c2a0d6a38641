/**
 * Descriptor checks of Data Package v2 properties that no JSON Schema expresses: `uniqueKeys`
 * name fields of the schema; and the v2 properties the table pass does not act on, each named in
 * a warning that says what is done instead, so that no v2 property is ignored silently.
 * (Everything else v2 says about a table is implemented: see README, "Data Package v2 tables".)
 */

import type { PackageDescriptor } from '../../package/descriptor.ts';
import { pointerOf, problem, quoted, type Problem } from '../problem.ts';

/** Table Dialect v2 properties, and what happens to a CSV resource that declares them. */
const DIALECT: Record<string, string> = {
  nullSequence: 'cells are not read as null by it (frictionless does not either); list the value in the schema\'s missingValues instead',
  property: 'it applies to JSON data; this resource is read as CSV, and the property is ignored',
  itemType: 'it applies to JSON data; this resource is read as CSV, and the property is ignored',
  itemKeys: 'it applies to JSON data; this resource is read as CSV, and the property is ignored',
  sheetNumber: 'it applies to spreadsheets; this resource is read as CSV, and the property is ignored',
  sheetName: 'it applies to spreadsheets; this resource is read as CSV, and the property is ignored',
  table: 'it applies to SQL databases; this resource is read as CSV, and the property is ignored',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
            problem('descriptor-error', `uniqueKeys field ${quoted(f)} is not a field of resource ${quoted(name ?? i)}; fix the name in uniqueKeys[${k}], or add the field`, {
              pointer: pointerOf('resources', i, 'schema', 'uniqueKeys', k, j),
              ...(name !== undefined ? { resource: name } : {}),
            }),
          );
        });
      });
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
