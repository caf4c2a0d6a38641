/**
 * One resource's table pass as a self-contained job: its own problem sink and its own row
 * observers (the mapped-value checks and, for a package with a transaction mapping, an
 * aggregator), built from the canonical descriptor. What it finds comes back as plain data —
 * problems, the table outcome, the aggregator's sums — so the job can run in a worker thread
 * and be merged into the package's validation afterwards, in resource order.
 */

import { createAggregator, type AggregatorState } from '../aggregate/aggregator.ts';
import { planOrReason, type AggregatePlan } from '../aggregate/plan.ts';
import type { PackageDescriptor, ResourceDescriptor } from '../package/descriptor.ts';
import { detectProfile } from '../package/profiles.ts';
import { mappedValueObservers } from '../validate/mapped-values.ts';
import { ProblemSink, type SinkSnapshot } from '../validate/report.ts';
import { validateTable, type ForeignKeyCheck, type TableOutcome, type TablePart } from '../validate/table/table.ts';

/** What every job of one package validation shares. */
export interface PassContext {
  descriptor: PackageDescriptor;
  openspending: boolean;
  /** Sum the transaction rows (aggregates). */
  aggregate: boolean;
  strict: boolean;
  maxErrors: number;
}

export interface JobSpec {
  resource: ResourceDescriptor;
  index: number;
  collect: string[][];
  foreignKeys: ForeignKeyCheck[];
}

export interface JobResult {
  /** Without compiled fields (functions do not cross threads; nobody needs them afterwards). */
  outcome: TableOutcome;
  problems: SinkSnapshot;
  /** The aggregator's sums for this resource; null when it feeds no aggregate. */
  aggregate: AggregatorState | null;
}

/** The aggregate plan of a context (null: no aggregates), made once per context. */
export function planOf(context: PassContext, cache: { plan?: AggregatePlan | null }): AggregatePlan | null {
  if (cache.plan === undefined) {
    // As aggregatePackage decides it: from the canonical descriptor's profiles.
    const r = context.aggregate && detectProfile(context.descriptor).openspending ? planOrReason(context.descriptor) : null;
    cache.plan = r !== null && 'plan' in r ? r.plan : null;
  }
  return cache.plan;
}

export async function runJob(context: PassContext, plan: AggregatePlan | null, job: JobSpec, parts: TablePart[]): Promise<JobResult> {
  const sink = new ProblemSink(context.maxErrors, context.strict);
  const aggregator = plan ? createAggregator(plan) : null;
  const summing = aggregator?.observers(job.resource, job.index) ?? [];
  const checking = context.openspending ? mappedValueObservers(context.descriptor, sink)(job.resource) : [];
  const observers = [...summing, ...checking];
  const outcome = await validateTable(parts, {
    resource: job.resource,
    index: job.index,
    sink,
    collect: job.collect,
    foreignKeys: job.foreignKeys,
    observers: observers.length ? observers : undefined,
  });
  return {
    outcome: { ...outcome, fields: [] },
    problems: sink.snapshot(),
    aggregate: aggregator && summing.length ? aggregator.state() : null,
  };
}
