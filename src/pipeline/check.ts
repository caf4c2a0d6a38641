/**
 * Check a package: validate it and, for an OpenSpending Data Package with a transaction mapping,
 * compute its aggregates in the same pass over the rows (and, with a source that hashes what it
 * reads, as publish's does, the files' content ids too). The table jobs run on the JobRunner the
 * entry gives (in this thread by default; on worker threads with src/adapters/threads), and
 * reuse cached results with `cache` (src/cache).
 */

import { createAggregator, type AggregateResult, type Aggregator } from '../aggregate/aggregator.ts';
import { planOrReason, type AggregatePlan } from '../aggregate/plan.ts';
import { createCachingRunner, type CachingRunner, type ResultCache } from '../cache/runner.ts';
import type { PackageDescriptor } from '../package/descriptor.ts';
import { detectProfile } from '../package/profiles.ts';
import type { PackageSource } from '../package/source.ts';
import { validatePackageDetailed, type TableRunner, type ValidateOptions, type Validation } from '../validate/package.ts';
import { createInThreadRunner, tablesOf, type JobRunner } from './table-job.ts';

export interface CheckResult {
  validation: Validation;
  plan: AggregatePlan | null;
  /** The aggregates, when the package has a transaction mapping (valid or not: check the report). */
  aggregates: AggregateResult | null;
  /** Why there are no aggregates, when there are none. */
  reason?: string;
  /** With `cache`: what was reused, and `flush` to write the new results (src/cache). */
  cache?: CachingRunner;
}

export interface CheckOptions extends Omit<ValidateOptions, 'tables'> {
  /**
   * Where the table jobs run: built (and closed) by the entry, e.g. on worker threads
   * (src/adapters/threads). Default: in this thread. The caller's `observers` always see their
   * rows in this thread, whatever the runner.
   */
  runner?: JobRunner;
  /** Compute the aggregates (default true); false: validate only. */
  aggregate?: boolean;
  /** Reuse cached table results, and keep the new ones for `cache.flush()` (src/cache). Not used with `observers`. */
  cache?: ResultCache;
}

const NOT_OPENSPENDING = 'it is not an OpenSpending Data Package (no "openspending" profile), so it has no transaction mapping';

/**
 * Check `source` (validatePackageDetailed with `options`) and aggregate its rows in the same
 * pass. The plan is made from the canonical descriptor the validator hands to its table jobs, so
 * both see the same package.
 */
export async function checkPackage(source: PackageSource, options: CheckOptions = {}): Promise<CheckResult> {
  const aggregate = options.aggregate !== false;
  let planned: { plan: AggregatePlan; aggregator: Aggregator } | { reason: string } | undefined;
  const planFor = (descriptor: PackageDescriptor): NonNullable<typeof planned> => {
    if (planned) return planned;
    if (!detectProfile(descriptor).openspending) planned = { reason: NOT_OPENSPENDING };
    else {
      const r = planOrReason(descriptor);
      planned = 'plan' in r ? { plan: r.plan, aggregator: createAggregator(r.plan) } : r;
    }
    return planned;
  };
  // Each job sums its resource on its own; the sums are merged here, in resource order.
  const merge = aggregate
    ? (state: Parameters<Aggregator['merge']>[0]): void => {
        if (planned && 'aggregator' in planned) planned.aggregator.merge(state);
      }
    : undefined;
  const settings = { aggregate, strict: options.strict ?? false, maxErrors: options.maxErrors ?? 1000 };
  const runner = options.runner ?? createInThreadRunner();
  // Cached results would feed no caller's observer: with observers, every resource is read.
  const cached =
    options.cache && !options.observers
      ? createCachingRunner(runner, options.cache, source, { strict: settings.strict, maxErrors: settings.maxErrors, merge })
      : undefined;
  const inner = cached ?? tablesOf(runner, settings, merge);
  const tables: TableRunner = {
    concurrency: inner.concurrency,
    expect: (jobs) => inner.expect?.(jobs),
    run(job, sink) {
      if (aggregate) planFor(job.descriptor);
      return inner.run(job, sink);
    },
  };
  const { runner: _runner, aggregate: _aggregate, cache: _cache, ...validate } = options;
  const validation = await validatePackageDetailed(source, { ...validate, tables });
  const result = { validation, ...(cached && { cache: cached }) };
  if (!aggregate) return { ...result, plan: null, aggregates: null, reason: 'aggregates were not asked for' };
  // No resource was read (none, or none readable): plan from the descriptor all the same.
  const p = planned ?? (validation.descriptor ? planFor(validation.descriptor) : { reason: 'its descriptor could not be read' });
  if ('aggregator' in p) return { ...result, plan: p.plan, aggregates: p.aggregator.result() };
  return { ...result, plan: null, aggregates: null, reason: p.reason };
}
