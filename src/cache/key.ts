/**
 * The key of one resource's table result: a sha256 over exactly what that result depends on —
 * the resource's descriptor entry (canonical form, as the table pass sees it) and position, the
 * bytes of its files, the key field lists others collect from it, each foreign key with the
 * referenced resource's entry and bytes (and whether its keys were at hand during the pass), the
 * package-level parts the pass reads (profiles, mapping, the aggregate plan), the options that
 * shape a result (strict, error cap, aggregates) and the validator's version.
 */

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planOrReason } from '../aggregate/plan.ts';
import type { PackageDescriptor, ResourceDescriptor } from '../package/descriptor.ts';
import { detectProfile } from '../package/profiles.ts';
import type { TableJob } from '../validate/package.ts';
import { ENTRY_FORMAT } from './entry.ts';

/** JSON with object keys sorted (one text per value, whatever the key order it was written in). */
function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

let version: string | undefined;

/**
 * The validator's version: the package version and a fingerprint of the code that runs — the
 * bundle itself when built (dist/), else every source file under src/. Any change to the
 * validator's code makes every cached result stale.
 */
export function validatorVersion(): string {
  if (version !== undefined) return version;
  const here = fileURLToPath(import.meta.url);
  const hash = createHash('sha256');
  let pkgVersion = '0';
  try {
    if (!here.endsWith('.ts')) {
      hash.update(readFileSync(here));
    } else {
      const src = join(dirname(here), '..');
      const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();
      for (const f of files)
        hash
          .update(f)
          .update('\0')
          .update(readFileSync(join(src, f)))
          .update('\0');
      pkgVersion = (JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
    }
  } catch {
    hash.update(String(Date.now())); // unreadable code: a version nothing was cached under
  }
  version = `${pkgVersion}+${hash.digest('hex').slice(0, 16)}`;
  return version;
}

/** What every job of one validation shares in its key. */
export interface KeyContext {
  strict: boolean;
  maxErrors: number;
  /** Aggregates are summed in the pass. */
  aggregate: boolean;
  version: string;
}

/**
 * The package-level parts a resource's table pass reads, as text: the profile, the mapping (the
 * COFOG checks resolve it) and, when summing, the part of the aggregate plan that shapes this
 * resource's sums — the currency, factor, dimensions and title lookups (their positions index
 * the sums) and its own transaction source, not the other resources' (adding a month of data
 * leaves the other months' results valid).
 */
export function packageParts(descriptor: PackageDescriptor, aggregate: boolean): (resource: string) => string {
  const profile = detectProfile(descriptor);
  const r = aggregate && profile.openspending ? planOrReason(descriptor) : null;
  const plan = r && 'plan' in r ? r.plan : null;
  const mapping = profile.openspending ? (descriptor as { mapping?: unknown }).mapping : undefined;
  // What every resource shares, made canonical once (a 200-resource package asked for it 200 times).
  const shared = canonicalJson({
    openspending: profile.openspending,
    mapping,
    plan: plan && { currency: plan.currency, factor: plan.factor, dimensions: plan.dimensions, lookups: plan.lookups },
  });
  return (resource) => canonicalJson({ shared, transactions: plan ? plan.transactions.filter((t) => t.resource === resource) : null });
}

/** A referenced resource's entry, made canonical once per entry object (every month referencing one code list asked again). */
const entries = new WeakMap<object, string>();
function canonicalEntry(entry: ResourceDescriptor): string {
  let json = entries.get(entry);
  if (json === undefined) {
    json = canonicalJson(entry);
    entries.set(entry, json);
  }
  return json;
}

const pathsOf = (r: ResourceDescriptor | undefined): string[] =>
  r === undefined
    ? []
    : typeof r.path === 'string'
      ? [r.path]
      : Array.isArray(r.path)
        ? r.path.filter((p): p is string => typeof p === 'string')
        : [];

/** The key of a job's result (hex sha256). `contentId` names a file's bytes ('missing' when none). */
export async function resultKey(
  job: TableJob,
  context: KeyContext,
  parts: (resource: string) => string,
  contentId: (path: string) => Promise<string>,
): Promise<string> {
  const resources = Array.isArray(job.descriptor.resources) ? job.descriptor.resources : [];
  const byName = (name: string): ResourceDescriptor | undefined =>
    resources.find((r) => typeof r === 'object' && r !== null && r.name === name);
  const contents = async (paths: string[]): Promise<string[]> => Promise.all(paths.map((p) => contentId(p)));
  const references = [];
  for (const fk of job.foreignKeys) {
    const self = fk.reference.resource === '' || fk.reference.resource === job.resource.name;
    const target = self ? undefined : byName(fk.reference.resource);
    references.push({
      fields: fk.fields,
      reference: fk.reference,
      self,
      known: fk.keys !== null,
      ...(target !== undefined && { entry: canonicalEntry(target), contents: await contents(pathsOf(target)) }),
    });
  }
  const material = {
    format: ENTRY_FORMAT,
    validator: context.version,
    options: { strict: context.strict, maxErrors: context.maxErrors, aggregate: context.aggregate },
    package: parts(job.resource.name),
    index: job.index,
    entry: job.resource,
    contents: await contents(job.parts.length ? job.parts.map((p) => p.path) : pathsOf(job.resource)),
    collect: job.collect,
    references,
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}
