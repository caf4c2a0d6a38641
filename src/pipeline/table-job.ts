/**
 * One resource's table pass as a self-contained job: its own problem sink and its own row
 * observers (tableObservers: the mapped-value checks and, for a package with a transaction
 * mapping, an aggregator), built from a recipe that is plain data. What it finds comes back as
 * plain data — problems, the table outcome, the aggregator's sums — so the job can run in this
 * thread or in a worker (src/adapters/threads) and be merged into the package's validation
 * afterwards, in resource order (`tablesOf`).
 */

import { createAggregator, type AggregatorState } from '../aggregate/aggregator.ts';
import { planOrReason, type AggregatePlan } from '../aggregate/plan.ts';
import type { PackageDescriptor, ResourceDescriptor } from '../package/descriptor.ts';
import { detectProfile } from '../package/profiles.ts';
import { tableObservers } from '../validate/observers.ts';
import type { TableJob, TableRunner } from '../validate/package.ts';
import { ProblemSink, type SinkSnapshot } from '../validate/report.ts';
import { validateTable, type ForeignKeyCheck, type RowObserver, type TableOutcome, type TablePart } from '../validate/table/table.ts';

/** What every job of one package validation shares: plain data (a worker gets it as its start-up data). */
export interface TableRecipe {
  descriptor: PackageDescriptor;
  openspending: boolean;
  /** Sum the transaction rows (aggregates). */
  aggregate: boolean;
  strict: boolean;
  maxErrors: number;
}

/** The settings a recipe adds to a job (the rest comes from the job's package). */
type RecipeSettings = Pick<TableRecipe, 'aggregate' | 'strict' | 'maxErrors'>;

/** A job as it crosses to a worker: no files, no functions. */
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

/**
 * Runs table jobs and hands back their results as plain data. Built by the entries: in this
 * thread (createInThreadRunner) or on worker threads (src/adapters/threads).
 */
export interface JobRunner {
  /** Jobs run at once (1: one after the other). */
  readonly concurrency: number;
  /** Told, before the first job, how many resources have files to read. */
  expect?(jobs: number): void;
  /** Run `job` as `recipe` says (every job of one runner shares one recipe). */
  job(recipe: TableRecipe, job: TableJob): Promise<JobResult>;
  /** Stop what the runner started (call once the validation is over). */
  close(): Promise<void>;
}

/** The recipe of a job of the validator: its package, and the settings. */
export function recipeOf(job: TableJob, settings: RecipeSettings): TableRecipe {
  return { descriptor: job.descriptor, openspending: job.openspending, ...settings };
}

/** The serialisable part of a job. */
export function specOf(job: TableJob): JobSpec {
  return { resource: job.resource, index: job.index, collect: job.collect, foreignKeys: job.foreignKeys };
}

/** The aggregate plan of a recipe (null: no aggregates), made once per recipe. */
export function planOf(recipe: TableRecipe, cache: { plan?: AggregatePlan | null }): AggregatePlan | null {
  if (cache.plan === undefined) {
    // As checkPackage decides it: from the canonical descriptor's profiles.
    const r = recipe.aggregate && detectProfile(recipe.descriptor).openspending ? planOrReason(recipe.descriptor) : null;
    cache.plan = r !== null && 'plan' in r ? r.plan : null;
  }
  return cache.plan;
}

/** Run one job: `local` are the caller's own observers (only ever given in the thread that owns them). */
export async function runJob(
  recipe: TableRecipe,
  plan: AggregatePlan | null,
  job: JobSpec,
  parts: TablePart[],
  local?: RowObserver[],
): Promise<JobResult> {
  const sink = new ProblemSink(recipe.maxErrors, recipe.strict);
  const aggregator = plan ? createAggregator(plan) : null;
  const summing = aggregator?.observers(job.resource, job.index) ?? [];
  const observers = tableObservers(
    { ...job, descriptor: recipe.descriptor, openspending: recipe.openspending, observers: local },
    sink,
    summing,
  );
  const outcome = await validateTable(parts, {
    resource: job.resource,
    index: job.index,
    sink,
    collect: job.collect,
    foreignKeys: job.foreignKeys,
    observers,
  });
  return {
    outcome: { ...outcome, fields: [] },
    problems: sink.snapshot(),
    aggregate: aggregator && summing.length ? aggregator.state() : null,
  };
}

/** A JobRunner in this thread: one job at a time. */
export function createInThreadRunner(): JobRunner {
  const cache: { plan?: AggregatePlan | null } = {};
  return {
    concurrency: 1,
    job: (recipe, job) => runJob(recipe, planOf(recipe, cache), specOf(job), job.parts, job.observers),
    close: async () => {},
  };
}

/**
 * The validator's TableRunner over a JobRunner: each job's problems go into the package's sink,
 * and its sums to `merge`, when the validator settles it (in resource order).
 */
export function tablesOf(runner: JobRunner, settings: RecipeSettings, merge?: (state: AggregatorState) => void): TableRunner {
  return {
    concurrency: runner.concurrency,
    expect: (jobs) => runner.expect?.(jobs),
    async run(job, sink) {
      const result = await runner.job(recipeOf(job, settings), job);
      return {
        outcome: result.outcome,
        settle: () => {
          sink.absorb(result.problems);
          if (result.aggregate) merge?.(result.aggregate);
        },
      };
    },
  };
}
