/**
 * Validate a package and compute its aggregates in the same pass.
 */

import type { PackageDescriptor } from '../package/descriptor.ts';
import { detectProfile } from '../package/profiles.ts';
import type { PackageSource } from '../package/source.ts';
import { validatePackageDetailed, type ValidateOptions, type Validation } from '../validate/package.ts';
import { createAggregator, type AggregateResult, type Aggregator } from './aggregator.ts';
import { planOrReason, type AggregatePlan } from './plan.ts';

export interface AggregatedValidation {
  validation: Validation;
  plan: AggregatePlan | null;
  /** The aggregates, when the package has a transaction mapping (valid or not: check the report). */
  aggregates: AggregateResult | null;
  /** Why there are no aggregates, when there are none. */
  reason?: string;
}

/**
 * Validate `source` (as validatePackageDetailed, with `options`) and, for an OpenSpending Data
 * Package with a transaction mapping, aggregate its rows in the same pass. The plan is made from
 * the canonical descriptor the validator hands to its observers, so both see the same package.
 */
export async function aggregatePackage(source: PackageSource, options: ValidateOptions = {}): Promise<AggregatedValidation> {
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

  const validation = await validatePackageDetailed(source, {
    ...options,
    observers: (resource, index, descriptor) => {
      const p = planFor(descriptor);
      const all = [...(options.observers?.(resource, index, descriptor) ?? []), ...(p && 'aggregator' in p ? (p.aggregator.observers(resource, index) ?? []) : [])];
      return all.length ? all : undefined;
    },
  });
  // No resource was read (none, or none readable): plan from the descriptor all the same.
  const p = planned ?? (validation.descriptor ? planFor(validation.descriptor) : { reason: 'its descriptor could not be read' });
  if (p && 'aggregator' in p) return { validation, plan: p.plan, aggregates: p.aggregator.result() };
  return { validation, plan: null, aggregates: null, reason: p?.reason ?? 'its descriptor could not be read' };
}
