/**
 * Data Package v2 properties the table pass does not act on: each one present gets a warning
 * that names it and says what is done instead, so that no v2 property is ignored silently.
 * (Everything else v2 says about a table is implemented: see README, "Data Package v2".)
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

/** Warnings (pointer set) for the v2 properties a descriptor declares and the validator does not act on. */
export function unsupportedV2Properties(descriptor: PackageDescriptor): Problem[] {
  const problems: Problem[] = [];
  if (!Array.isArray(descriptor.resources)) return problems;
  descriptor.resources.forEach((r: unknown, i) => {
    if (!isObject(r)) return;
    const name = typeof r.name === 'string' ? r.name : undefined;
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
