/**
 * Checks of mapped values that only the rows can tell, run in the same pass as the table checks:
 * the COFOG codes that the functional taxonomy's `cofog` attribute points at.
 */

import { cofogCanonical } from '../package/codes/cofog.ts';
import type { PackageDescriptor, ResourceDescriptor } from '../package/descriptor.ts';
import { resolveMapping } from '../package/mapping.ts';
import { problem, quoted } from '../package/problem.ts';
import type { ProblemSink } from './report.ts';
import type { RowObserver } from './table/table.ts';

/** Row observers per resource for an OpenSpending package's mapped values. */
export function mappedValueObservers(descriptor: PackageDescriptor, sink: ProblemSink): (resource: ResourceDescriptor) => RowObserver[] {
  const cofogFields = new Map<string, Set<string>>();
  for (const r of resolveMapping(descriptor)) {
    if (r.model !== 'taxonomy' || r.attribute !== 'functional.cofog') continue;
    for (const x of r.refs) {
      const set = cofogFields.get(x.resource) ?? new Set<string>();
      set.add(x.field);
      cofogFields.set(x.resource, set);
    }
  }
  return (resource) => {
    const fields = cofogFields.get(resource.name);
    return fields ? [...fields].map((field) => cofogObserver(resource, field, sink)) : [];
  };
}

function cofogObserver(resource: ResourceDescriptor, field: string, sink: ProblemSink): RowObserver {
  let index = -1;
  const path = Array.isArray(resource.path) ? resource.path[0] : resource.path;
  return {
    start(fields) {
      index = fields.findIndex((f) => f.name === field);
    },
    row(_values, cells, rowNumber, lineNumber) {
      const cell = cells[index];
      if (index < 0 || cell === undefined || cell.trim() === '') return;
      const code = cofogCanonical(cell);
      if (code === cell) return;
      const at = { resource: resource.name, path, rowNumber, lineNumber, fieldName: field, fieldNumber: index + 1, cell };
      if (code === undefined) {
        sink.add(
          problem(
            'mapping-error',
            `row ${rowNumber} (line ${lineNumber}), field ${quoted(field)}: ${quoted(cell)} is not a COFOG code, and the functional taxonomy maps this field as COFOG; use a code such as "05.1" (division.group.class)`,
            at,
          ),
        );
      } else {
        sink.add(
          problem(
            'mapping-error',
            `row ${rowNumber} (line ${lineNumber}), field ${quoted(field)}: COFOG ${quoted(cell)} is read as ${quoted(code)}; write it so`,
            { ...at, severity: 'warning' },
          ),
        );
      }
    },
  };
}
