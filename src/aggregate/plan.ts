/**
 * What to aggregate, worked out from the canonical (drift-normalized) mapping of an OpenSpending
 * Data Package before its rows are read.
 */

import type { PackageDescriptor, ResourceDescriptor } from '../package/descriptor.ts';
import { isObject } from '../package/descriptor.ts';
import { fieldNamesOf, foreignKeysOf, resolveMapping, type MappingResolution, type ResolvedRef } from '../package/mapping.ts';
import { factorOf } from './decimal.ts';

/** The dimensions aggregated, in the order they are reported. */
const DIMENSIONS = ['functional', 'economic', 'administrative', 'payer', 'payee', 'project'] as const;
export type DimensionName = (typeof DIMENSIONS)[number];

/**
 * Where a dimension's title comes from for the rows of one transaction resource: a field of that
 * resource (`{ field }`), or a lookup in a resource it references through a single-field foreign
 * key on the id field (`{ lookup }`, an index into `AggregatePlan.lookups`).
 */
export type TitleSource = { field: string } | { lookup: number };

export interface DimensionSource {
  name: DimensionName;
  /** The field of the transaction resource holding the dimension's id. */
  id: string;
  title?: TitleSource;
}

/** One resource holding transactions (the resource of `transaction.attributes.amount`). */
export interface TransactionSource {
  resource: string;
  amount: string;
  date?: string;
  dimensions: DimensionSource[];
}

/** Titles read from a referenced resource as it streams: `title` keyed by `key`. */
export interface TitleLookup {
  resource: string;
  key: string;
  title: string;
}

export interface AggregatePlan {
  /** The package's `name` ('' when it has none). */
  package: string;
  title?: string;
  currency: string | null;
  /** `value.factor` as an exact plain decimal string (default "1"). */
  factor: string;
  /** The dimensions with an id in at least one transaction resource, in DIMENSIONS order. */
  dimensions: DimensionName[];
  transactions: TransactionSource[];
  lookups: TitleLookup[];
}

/** Attribute names of the resolved mapping for a dimension: [model, id attribute, title attribute]. */
function attributesOf(name: DimensionName): [string, string, string] {
  if (name === 'project') return ['project', 'id', 'title'];
  if (name === 'payer' || name === 'payee') return ['entity', `${name}.id`, `${name}.title`];
  return ['taxonomy', `${name}.id`, `${name}.title`];
}

/**
 * The plan, or why there is none (no mapping, no transaction, an amount that does not resolve to
 * a field of a resource).
 */
export function planOrReason(descriptor: PackageDescriptor): { plan: AggregatePlan } | { reason: string } {
  if (!isObject(descriptor) || !isObject(descriptor.mapping)) return { reason: 'it has no "mapping"' };
  const transaction = descriptor.mapping.transaction;
  if (!isObject(transaction)) return { reason: 'its mapping has no "transaction"' };

  const resolved = resolveMapping(descriptor);
  const refsOf = (model: string, attribute: string): ResolvedRef[] =>
    resolved.filter((r: MappingResolution) => r.model === model && r.attribute === attribute).flatMap((r) => r.refs);

  const resources = new Map<string, ResourceDescriptor>();
  if (Array.isArray(descriptor.resources)) {
    for (const r of descriptor.resources) if (isObject(r) && typeof r.name === 'string' && !resources.has(r.name)) resources.set(r.name, r);
  }

  // Transaction resources: each resource holding a directly mapped amount field, once.
  const amounts = new Map<string, string>();
  for (const ref of refsOf('transaction', 'amount')) {
    if (ref.via === undefined && !amounts.has(ref.resource)) amounts.set(ref.resource, ref.field);
  }
  if (amounts.size === 0) {
    return { reason: 'mapping.transaction.attributes.amount does not name a field of one of its resources ("{resource}/{field}")' };
  }

  const lookups: TitleLookup[] = [];
  const lookupIndex = (l: TitleLookup): number => {
    const i = lookups.findIndex((x) => x.resource === l.resource && x.key === l.key && x.title === l.title);
    if (i >= 0) return i;
    lookups.push(l);
    return lookups.length - 1;
  };

  const dateRefs = refsOf('transaction', 'date');
  const used = new Set<DimensionName>();
  const transactions: TransactionSource[] = [];
  for (const [resource, amount] of amounts) {
    const res = resources.get(resource);
    const fields = fieldNamesOf(res);
    const fks = foreignKeysOf(res).filter(
      (fk) => fk.fields.length === 1 && fk.refFields.length === 1 && fk.resource !== '' && fk.resource !== resource,
    );
    // A single-field foreign key of this resource on `field` into `target`: the referenced field.
    const referenced = (field: string, target: string): string | undefined =>
      fks.find((fk) => fk.fields[0] === field && fk.resource === target)?.refFields[0];

    const date = dateRefs.find((r) => r.resource === resource && r.via === undefined)?.field;
    const dimensions: DimensionSource[] = [];
    for (const name of DIMENSIONS) {
      const [model, idAttr, titleAttr] = attributesOf(name);
      // The id: a field of this resource, or the field of a foreign key onto the mapped id.
      let id: string | undefined;
      for (const ref of refsOf(model, idAttr)) {
        if (ref.resource === resource && ref.via === undefined) id = ref.field;
        else if (ref.via === undefined) id = fks.find((fk) => fk.resource === ref.resource && fk.refFields[0] === ref.field)?.fields[0];
        if (id !== undefined) break;
      }
      if (id === undefined || !fields.includes(id)) continue;
      let title: TitleSource | undefined;
      for (const ref of refsOf(model, titleAttr)) {
        if (ref.resource === resource && ref.via === undefined) title = { field: ref.field };
        else if (ref.via === undefined || (ref.via.resource === resource && ref.via.fields.length === 1 && ref.via.fields[0] === id)) {
          const key = referenced(id, ref.resource);
          if (key !== undefined) title = { lookup: lookupIndex({ resource: ref.resource, key, title: ref.field }) };
        }
        if (title !== undefined) break;
      }
      dimensions.push(title === undefined ? { name, id } : { name, id, title });
      used.add(name);
    }
    transactions.push(date === undefined ? { resource, amount, dimensions } : { resource, amount, date, dimensions });
  }

  const value = isObject(transaction.value) ? transaction.value : {};
  const plan: AggregatePlan = {
    package: typeof descriptor.name === 'string' ? descriptor.name : '',
    currency: typeof value.currency === 'string' ? value.currency : null,
    factor: factorOf(value.factor),
    dimensions: DIMENSIONS.filter((d) => used.has(d)),
    transactions,
    lookups,
  };
  if (typeof descriptor.title === 'string' && descriptor.title.trim() !== '') plan.title = descriptor.title;
  return { plan };
}

/**
 * The aggregates plan of a package in canonical form (drift normalized): the transaction
 * resource(s) and their amount, date and dimension fields, factor and currency. Null when no
 * transaction amount can be resolved (no mapping, no transaction, or an amount reference that
 * names no field of a resource).
 */
export function planAggregates(descriptor: PackageDescriptor): AggregatePlan | null {
  const r = planOrReason(descriptor);
  return 'plan' in r ? r.plan : null;
}
