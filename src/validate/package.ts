/**
 * Validate a whole package: the descriptor (JSON, schema, profile, semantics), then one streaming
 * pass per resource, in an order that lets foreign keys be checked as rows stream by.
 */

import { performance } from 'node:perf_hooks';
import { limiter } from '../concurrency.ts';
import type { PackageDescriptor, PackageKind, ResourceDescriptor } from '../package/descriptor.ts';
import { normalizeDrift, originalPointer } from '../package/drift.ts';
import { parseJsonDocument, tooLargeDocument, type JsonDocument } from '../package/json-document.ts';
import { detectProfile, type ProfileInfo } from '../package/profiles.ts';
import { DescriptorTooLargeError, isRemote, SourceError, type PackageSource } from '../package/source.ts';
import { resolveExternalParts } from './descriptor/external.ts';
import { checkPublishable, type PublishTarget } from './descriptor/publishable.ts';
import { checkDescriptorSchema } from './descriptor/schema.ts';
import { checkSemantics } from './descriptor/semantic.ts';
import { checkV2 } from './descriptor/v2.ts';
import { tableObservers } from './observers.ts';
import { pointerOf, problem, quoted, reportedName, shown, type Problem } from '../package/problem.ts';
import { ProblemSink, type Report, type ResourceReport } from './report.ts';
import {
  foreignKeyProblem,
  validateTable,
  type ForeignKeyCheck,
  type RowObserver,
  type TableOutcome,
  type TablePart,
  type TableTask,
} from './table/table.ts';

export interface ValidateOptions {
  /** Warnings count as errors. */
  strict?: boolean;
  /** Problems listed per resource (and for the descriptor); all are counted. Default 1000. */
  maxErrors?: number;
  /** The GitHub owner of the dataset, when known: the descriptor's `owner` must match. */
  repositoryOwner?: string;
  /**
   * The package is to be published there (src/pipeline/publish.ts): what keeps it from being
   * published (no owner, no name, a file whose key would not fit) is reported as problems.
   */
  publishing?: PublishTarget;
  /** Check the descriptor only (JSON, schema, profile, semantics), not the rows (the App's listing check). */
  descriptorOnly?: boolean;
  /** Fetch and validate remote (http/https) resources; otherwise they are skipped with a warning. */
  allowRemote?: boolean;
  /**
   * Row observers for a resource, fed in the same pass, always in this thread (whatever `tables` runs the
   * pass, a resource with observers is read here); `descriptor` is the canonical (drift-normalized) one.
   */
  observers?: (resource: ResourceDescriptor, index: number, descriptor: PackageDescriptor) => RowObserver[] | undefined;
  /** Where resources' rows are read (default: one at a time, in this thread). */
  tables?: TableRunner;
}

/** One resource's table pass, as the package validation hands it to a TableRunner. */
export interface TableJob {
  resource: ResourceDescriptor;
  index: number;
  /** Key field lists other resources reference: collect them (TableTask.collect). */
  collect: string[][];
  foreignKeys: ForeignKeyCheck[];
  parts: TablePart[];
  /** The canonical descriptor and whether it is an OpenSpending package: runners decide the pass's observers from them (tableObservers). */
  descriptor: PackageDescriptor;
  openspending: boolean;
  /**
   * The caller's own row observers of this resource (ValidateOptions.observers): functions, so a
   * job that has some is run in this thread by every runner.
   */
  observers?: RowObserver[];
}

/**
 * Runs table passes. The runner decides the pass's row observers from the job (tableObservers),
 * wherever it runs the pass. `run` may return before the job's problems (and its observers'
 * results) are handed over: `settle` is then called once per job, after every job ran, in the
 * order a sequential pass would have read the resources, so that results do not depend on timing.
 */
export interface TableRunner {
  /** Jobs run at once (1: one after the other, as the default runner does). */
  readonly concurrency: number;
  /** Told, before the first job, how many resources have files to read (at most that many jobs follow). */
  expect?(jobs: number): void;
  run(job: TableJob, sink: ProblemSink): Promise<{ outcome: TableOutcome; settle?: () => void }>;
}

/** The default runner: one job at a time, in this thread, problems straight into the package's sink. */
const inThread: TableRunner = {
  concurrency: 1,
  async run(job, sink) {
    return {
      outcome: await validateTable(job.parts, {
        resource: job.resource,
        index: job.index,
        sink,
        collect: job.collect,
        foreignKeys: job.foreignKeys,
        observers: tableObservers(job, sink),
      }),
    };
  },
};

export interface Validation {
  report: Report;
  /** The descriptor in canonical form (drift normalized), when it could be read. */
  descriptor: PackageDescriptor | null;
  profile: ProfileInfo | null;
}

/** The descriptor, parsed; one that is too large is refused by the source before it is read. */
async function readDocument(source: PackageSource): Promise<JsonDocument> {
  try {
    return parseJsonDocument(await source.readDescriptor(), { path: source.descriptorPath });
  } catch (e) {
    if (e instanceof DescriptorTooLargeError) return tooLargeDocument(source.descriptorPath, e.size, e.maxBytes);
    throw e;
  }
}

/** Validate a package; the report says everything found. */
export async function validatePackage(source: PackageSource, options: ValidateOptions = {}): Promise<Report> {
  return (await validatePackageDetailed(source, options)).report;
}

export async function validatePackageDetailed(source: PackageSource, options: ValidateOptions = {}): Promise<Validation> {
  const started = performance.now();
  const sink = new ProblemSink(options.maxErrors ?? 1000, options.strict ?? false);
  const descPath = source.descriptorPath;
  const doc = await readDocument(source);
  sink.addAll(doc.problems);

  // Problems with a JSON pointer and no line yet are fixed in the descriptor: point there.
  let moves: Parameters<typeof originalPointer>[1] = [];
  const locate = (p: Problem): Problem => {
    if (p.pointer === undefined || p.lineNumber !== undefined) return p;
    // Problems found after normalization point into the rewritten descriptor: map them back.
    const at = doc.locate(originalPointer(p.pointer, moves));
    return { ...p, path: descPath, lineNumber: at.line, columnNumber: at.column };
  };
  const finish = (
    kind: PackageKind | null,
    resources: ResourceReport[],
    descriptor: PackageDescriptor | null,
    profile: ProfileInfo | null,
  ): Validation => {
    const report = buildReport(source, sink, kind, resources, performance.now() - started, locate);
    return { report, descriptor, profile };
  };

  if (doc.value === undefined) return finish(null, [], null, null);
  if (typeof doc.value !== 'object' || doc.value === null || Array.isArray(doc.value)) {
    sink.add(
      problem(
        'descriptor-error',
        `${descPath} must hold a JSON object (a Data Package descriptor), not ${Array.isArray(doc.value) ? 'an array' : typeof doc.value}`,
        { path: descPath, pointer: '', lineNumber: 1, columnNumber: 1 },
      ),
    );
    return finish(null, [], null, null);
  }

  const profile = detectProfile(doc.value);
  const drift = normalizeDrift(doc.value);
  const descriptor = drift.descriptor as PackageDescriptor;
  moves = drift.moves;
  const located = (ps: Problem[]): Problem[] => ps.map((p) => ({ path: descPath, ...p }));
  sink.addAll(located(drift.problems));
  // A schema or dialect given as a path: its file's content stands in for it (problems in that file carry its own path).
  const external = await resolveExternalParts(descriptor, source, { read: !options.descriptorOnly });
  sink.addAll(external.map((p) => (p.path === undefined ? { path: descPath, ...p } : p)));
  sink.addAll(located(checkDescriptorSchema(descriptor, { tabular: profile.tabular, openspending: profile.openspending })));
  sink.addAll(located(checkSemantics(descriptor, { profile, repositoryOwner: options.repositoryOwner })));
  sink.addAll(located(checkV2(descriptor)));
  if (options.publishing) sink.addAll(located(checkPublishable(descriptor, options.publishing)));

  const resources = Array.isArray(descriptor.resources) ? descriptor.resources : [];
  // The caller's observers; the runner adds the package's own (tableObservers).
  const observers = (resource: ResourceDescriptor, index: number): RowObserver[] | undefined => {
    const own = options.observers?.(resource, index, descriptor);
    return own?.length ? own : undefined;
  };
  const reports = options.descriptorOnly
    ? []
    : await validateResources(source, resources, sink, options, observers, { descriptor, openspending: profile.openspending });
  return finish(profile.kind, reports, descriptor, profile);
}

interface ResourcePlan {
  index: number;
  resource: ResourceDescriptor;
  foreignKeys: Array<{ fields: string[]; reference: { resource: string; fields: string[] } }>;
  collect: string[][];
}

const asList = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Can the table pass read this resource's schema without tripping over its shape? */
function readableSchema(r: ResourceDescriptor): boolean {
  if (r.schema === undefined) return true;
  const s = r.schema as unknown;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return false;
  const fields = (s as { fields?: unknown }).fields;
  return (
    Array.isArray(fields) && fields.every((f) => typeof f === 'object' && f !== null && typeof (f as { name?: unknown }).name === 'string')
  );
}

async function validateResources(
  source: PackageSource,
  resources: ResourceDescriptor[],
  sink: ProblemSink,
  options: ValidateOptions,
  observersFor: (resource: ResourceDescriptor, index: number) => RowObserver[] | undefined,
  pkg: { descriptor: PackageDescriptor; openspending: boolean },
): Promise<ResourceReport[]> {
  const plans: ResourcePlan[] = [];
  const byName = new Map<string, ResourcePlan>();
  resources.forEach((resource, index) => {
    if (typeof resource !== 'object' || resource === null || typeof resource.name !== 'string') return;
    const fks = Array.isArray(resource.schema?.foreignKeys) ? resource.schema.foreignKeys : [];
    const plan: ResourcePlan = {
      index,
      resource,
      foreignKeys: fks
        .filter((fk) => fk && typeof fk === 'object' && fk.reference && typeof fk.reference === 'object')
        .map((fk) => ({
          fields: asList(fk.fields),
          reference: {
            resource: typeof fk.reference.resource === 'string' ? fk.reference.resource : '',
            fields: asList(fk.reference.fields),
          },
        })),
      collect: [],
    };
    plans.push(plan);
    if (!byName.has(resource.name)) byName.set(resource.name, plan);
  });
  // Who needs which keys of whom.
  for (const p of plans) {
    for (const fk of p.foreignKeys) {
      const target = fk.reference.resource === '' ? p : byName.get(fk.reference.resource);
      if (!target) continue;
      const key = fk.reference.fields.join(',');
      if (!target.collect.some((c) => c.join(',') === key)) target.collect.push(fk.reference.fields);
    }
  }

  const outcomes = new Map<ResourcePlan, TableOutcome | null>();
  const tasks = new Map<ResourcePlan, TableTask>();
  const keysOf = (name: string, fields: string[]): Set<string> | null => {
    const target = byName.get(name);
    const out = target ? outcomes.get(target) : undefined;
    return out?.keys.get(fields.join(',')) ?? null;
  };

  // Resources run in topological order, several at once when the runner can: a resource waits
  // for the earlier ones whose keys it checks (a later one, in a cycle, is checked after the pass).
  const runner = options.tables ?? inThread;
  runner.expect?.(plans.filter((p) => p.resource.path !== undefined).length);
  const order = topologicalOrder(plans, byName);
  const position = new Map(order.map((p, i) => [p, i]));
  const finished = new Map<ResourcePlan, Promise<void>>();
  const settles = new Map<ResourcePlan, () => void>();
  const slots = limiter(runner.concurrency);
  for (const plan of order) {
    const earlier = plan.foreignKeys
      .map((fk) => byName.get(fk.reference.resource))
      .filter((t): t is ResourcePlan => t !== undefined && t !== plan && position.get(t)! < position.get(plan)!);
    const run = async (): Promise<void> => {
      await Promise.all(earlier.map((t) => finished.get(t)));
      const { resource, index } = plan;
      const checks: ForeignKeyCheck[] = plan.foreignKeys.map((fk) => ({
        fields: fk.fields,
        reference: fk.reference,
        keys:
          fk.reference.resource === '' || fk.reference.resource === resource.name
            ? null
            : keysOf(fk.reference.resource, fk.reference.fields),
      }));
      const task: TableTask = {
        resource,
        index,
        sink,
        collect: plan.collect,
        foreignKeys: checks,
        observers: observersFor(resource, index),
      };
      tasks.set(plan, task);
      outcomes.set(
        plan,
        await slots(() =>
          validateOneResource(source, task, sink, options, async (parts) => {
            const ran = await runner.run(
              {
                resource,
                index,
                collect: plan.collect,
                foreignKeys: checks,
                parts,
                ...pkg,
                ...(task.observers && { observers: task.observers }),
              },
              sink,
            );
            if (ran.settle) settles.set(plan, ran.settle);
            return ran.outcome;
          }),
        ),
      );
    };
    if (runner.concurrency > 1) finished.set(plan, run());
    else {
      // One at a time, strictly in this order: in-thread observers see the resources in it.
      await run();
      finished.set(plan, Promise.resolve());
    }
  }
  // Every job is awaited (none left running) before the first failure, if any, is thrown.
  const failures = (await Promise.allSettled(finished.values())).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) throw failures[0]!.reason;
  for (const plan of order) settles.get(plan)?.();

  // Foreign keys whose targets were read after them (cycles).
  for (const [plan, out] of outcomes) {
    if (!out) continue;
    const task = tasks.get(plan)!;
    for (const d of out.deferred) {
      const fk = task.foreignKeys[d.fk]!;
      const keys = keysOf(fk.reference.resource, fk.reference.fields);
      if (keys && !keys.has(d.key)) sink.add(foreignKeyProblem(plan.resource.name, d.path, fk, d));
    }
  }

  return plans.map((plan) => {
    const out = outcomes.get(plan) ?? null;
    const name = reportedName(plan.resource.name);
    const counts = sink.countsOf(name);
    const path = Array.isArray(plan.resource.path) ? (plan.resource.path[0] ?? null) : (plan.resource.path ?? null);
    return {
      name,
      path: typeof path === 'string' ? reportedName(path) : null,
      valid: counts.errors === 0,
      rows: out?.rows ?? 0,
      bytes: out?.bytes ?? 0,
      errors: counts.errors,
      warnings: counts.warnings,
      truncated: counts.truncated,
      ...(counts.truncated ? { unlisted: { ...counts.unlisted } } : {}),
    };
  });
}

/** Referenced resources first, so foreign keys are checked while rows stream by. */
function topologicalOrder(plans: ResourcePlan[], byName: Map<string, ResourcePlan>): ResourcePlan[] {
  const order: ResourcePlan[] = [];
  const state = new Map<ResourcePlan, 'visiting' | 'done'>();
  const visit = (p: ResourcePlan): void => {
    if (state.has(p)) return; // done, or a cycle: its keys get checked after the pass
    state.set(p, 'visiting');
    for (const fk of p.foreignKeys) {
      const t = byName.get(fk.reference.resource);
      if (t && t !== p) visit(t);
    }
    state.set(p, 'done');
    order.push(p);
  };
  plans.forEach(visit);
  return order;
}

async function validateOneResource(
  source: PackageSource,
  task: TableTask,
  sink: ProblemSink,
  options: ValidateOptions,
  runTable: (parts: TablePart[]) => Promise<TableOutcome>,
): Promise<TableOutcome | null> {
  const { resource, index } = task;
  const at = (msg: string, code: Problem['code'], prop: string, severity: Problem['severity'] = 'error'): null => {
    sink.add(problem(code, msg, { resource: resource.name, pointer: pointerOf('resources', index, prop), severity }));
    return null;
  };
  if (!readableSchema(resource))
    return at(
      `resource ${quoted(resource.name)}: the schema cannot be read (see the descriptor errors); its rows were not checked`,
      'descriptor-error',
      'schema',
      'warning',
    );
  // Inline data goes through the runner too (no parts), so its results settle in order as well.
  if (resource.data !== undefined && resource.path === undefined) return runTable([]);
  const paths = asList(resource.path);
  if (paths.length === 0) return null; // the descriptor checks already say a path is missing
  const format = typeof resource.format === 'string' ? resource.format.toLowerCase() : '';
  const parts: TablePart[] = [];
  for (const path of paths) {
    if (isRemote(path) && !options.allowRemote) {
      return at(
        `resource ${quoted(resource.name)}: ${shown(path)} is remote and was not fetched, so its rows were not checked; keep the data in the repository, or check it with "os-datastore validate --allow-remote" (publishing and the Action never fetch remote data)`,
        'scheme-error',
        'path',
        'warning',
      );
    }
    if (!isRemote(path) && !/\.(csv|tsv|txt)$/i.test(path) && format !== 'csv' && format !== 'tsv') {
      return null; // not tabular text: the semantic checks report the path
    }
    try {
      parts.push({ path, file: await source.open(path) });
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      sink.add(
        problem(e.code, `resource ${quoted(resource.name)}: ${e.message}`, {
          resource: resource.name,
          path,
          pointer: pointerOf('resources', index, 'path'),
        }),
      );
      return null;
    }
  }
  return runTable(parts);
}

function buildReport(
  source: PackageSource,
  sink: ProblemSink,
  kind: PackageKind | null,
  resources: ResourceReport[],
  ms: number,
  locate: (p: Problem) => Problem,
): Report {
  const order = new Map(resources.map((r, i) => [r.name, i + 1]));
  const rank = (p: Problem): number => (p.resource === undefined ? 0 : (order.get(p.resource) ?? 0));
  const sorted = (ps: Problem[]): Problem[] =>
    ps
      .map((p, i) => ({ p: locate(p), i }))
      .sort((a, b) => rank(a.p) - rank(b.p) || (a.p.rowNumber ?? 0) - (b.p.rowNumber ?? 0) || a.i - b.i)
      .map((x) => x.p);
  const errors = sorted(sink.errors);
  const warnings = sorted(sink.warnings);
  return {
    valid: sink.errorCount === 0,
    kind,
    root: source.root,
    descriptor: source.descriptorPath,
    errors,
    warnings,
    stats: {
      resources: resources.length,
      rows: resources.reduce((n, r) => n + r.rows, 0),
      bytes: resources.reduce((n, r) => n + r.bytes, 0),
      errors: sink.errorCount,
      warnings: sink.warningCount,
      seconds: Math.round(ms) / 1000,
      unlisted: sink.unlisted,
    },
    resources,
  };
}
