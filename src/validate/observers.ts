/**
 * The row observers of one table pass, decided here and nowhere else — for the pass in this
 * thread and for the pass in a worker alike: the caller's own observers (in this thread only:
 * functions do not cross threads), the sums of an aggregator, and the checks of an OpenSpending
 * package's mapped values that only the rows can tell (mapped-values.ts).
 */

import type { PackageDescriptor, ResourceDescriptor } from '../package/descriptor.ts';
import { mappedValueObservers } from './mapped-values.ts';
import type { ProblemSink } from './report.ts';
import type { RowObserver } from './table/table.ts';

/** What the decision reads: the canonical descriptor and the resource (all of it plain data, but `observers`). */
interface ObservedTable {
  resource: ResourceDescriptor;
  index: number;
  descriptor: PackageDescriptor;
  openspending: boolean;
  /** The caller's own observers of this resource (ValidateOptions.observers). */
  observers?: readonly RowObserver[];
}

/**
 * The observers for one resource's pass: the caller's, then `summing` (an aggregator's observers
 * of this resource), then the mapped-value checks, which report into `sink`. Undefined when
 * there are none (the pass then skips the per-row calls).
 */
export function tableObservers(table: ObservedTable, sink: ProblemSink, summing: readonly RowObserver[] = []): RowObserver[] | undefined {
  const checking = table.openspending ? mappedValueObservers(table.descriptor, sink)(table.resource) : [];
  const all = [...(table.observers ?? []), ...summing, ...checking];
  return all.length ? all : undefined;
}
