/**
 * Validate a package and compute its aggregates in the same pass.
 */

import type { PackageDescriptor } from '../package/descriptor.ts';
import { detectProfile } from '../package/profiles.ts';
import type { PackageSource } from '../package/source.ts';
import { validatePackageDetailed, type ValidateOptions, type Validation } from '../validate/package.ts';
import { createParallelRunner, defaultThreads } from '../pass/parallel.ts';
import { createCachingRunner, type CachingRunner, type ResultCache } from '../cache/runner.ts';
import { createAggregator, type AggregateResult, type Aggregator } from './aggregator.ts';
import { planOrReason, type AggregatePlan } from './plan.ts';

export interface AggregatedValidation {
  validation: Validation;
  plan: AggregatePlan | null;
  /** The aggregates, when the package has a transaction mapping (valid or not: check the report). */
  aggregates: AggregateResult | null;
  /** Why there are no aggregates, when there are none. */
  reason?: string;
  /** With `cache`: what was reused, and `flush` to write the new results (src/cache). */
  cache?: CachingRunner;
}

export interface AggregateOptions extends ValidateOptions {
  /**
   * Worker threads for the table pass (default: one per core, up to 4; 1: this thread only).
   * Not used with `observers` or `tables` of the caller's, which must see rows in this thread.
   */
  threads?: number;
  /** Told if worker threads cannot start (the pass then runs in this thread). */
  onWarning?: (message: string) => void;
  /** Resources with fewer bytes are read in this thread (default MIN_WORKER_BYTES, 16 MiB; see createParallelRunner). */
  minWorkerBytes?: number;
  /** Reuse cached table results, and keep the new ones for `cache.flush()` (src/cache). Not used with `observers` or `tables`. */
  cache?: ResultCache;
}

/**
 * Validate `source` (as validatePackageDetailed, with `options`) and, for an OpenSpending Data
 * Package with a transaction mapping, aggregate its rows in the same pass. The plan is made from
 * the canonical descriptor the validator hands to its observers, so both see the same package.
 */
export async function aggregatePackage(source: PackageSource, options: AggregateOptions = {}): Promise<AggregatedValidation> {
  let planned: { plan: AggregatePlan; aggregator: Aggregator } | { reason: string } | undefined;
  const planFor = (descriptor: PackageDescriptor): typeof planned => {
    if (planned) return planned;
    if (!detectProfile(descriptor).openspending) {
      planned = { reason: 'it is not an OpenSpending Data Package (no "openspending" profile), so it has no transaction mapping' };
    } else {
      const r = planOrReason(descriptor);
      planned = 'plan' in r ? { plan: r.plan, aggregator: createAggregator(r.plan) } : r;
    }
    return planned;
  };

  // On worker threads, each resource's sums come back as a state merged into this aggregator.
  const caching = options.cache !== undefined && options.observers === undefined && options.tables === undefined;
  const parallel =
    options.observers === undefined && options.tables === undefined && (caching || (options.threads ?? defaultThreads()) > 1)
      ? createParallelRunner({
          threads: options.threads,
          strict: options.strict,
          maxErrors: options.maxErrors,
          warn: options.onWarning,
          minWorkerBytes: options.minWorkerBytes,
          merge: (state) => {
            if (planned && 'aggregator' in planned) planned.aggregator.merge(state);
          },
        })
      : undefined;
  const cached =
    caching && parallel
      ? createCachingRunner(parallel, options.cache!, source, {
          strict: options.strict ?? false,
          maxErrors: options.maxErrors ?? 1000,
          merge: (state) => planned && 'aggregator' in planned && planned.aggregator.merge(state),
        })
      : undefined;
  let validation: Validation;
  try {
    validation = await validatePackageDetailed(source, {
      ...options,
      ...(parallel && { tables: cached ?? parallel }),
      observers: (resource, index, descriptor) => {
        const p = planFor(descriptor);
        const all = [
          ...(options.observers?.(resource, index, descriptor) ?? []),
          ...(p && 'aggregator' in p ? (p.aggregator.observers(resource, index) ?? []) : []),
        ];
        return all.length ? all : undefined;
      },
    });
  } finally {
    await parallel?.close();
  }
  // No resource was read (none, or none readable): plan from the descriptor all the same.
  const p = planned ?? (validation.descriptor ? planFor(validation.descriptor) : { reason: 'its descriptor could not be read' });
  if (p && 'aggregator' in p) return { validation, plan: p.plan, aggregates: p.aggregator.result(), ...(cached && { cache: cached }) };
  return {
    validation,
    plan: null,
    aggregates: null,
    reason: p?.reason ?? 'its descriptor could not be read',
    ...(cached && { cache: cached }),
  };
}
