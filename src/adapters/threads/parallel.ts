/**
 * A TableRunner on worker threads: a package's resources are validated (and aggregated) on
 * several cores at once. The main thread keeps the package source — it reads every file (so the
 * source's own work, such as hashing what it reads, happens as before) and streams the bytes to
 * the worker running the resource's job. Each job has its own problem sink and aggregator; their
 * results are merged into the package's at the end, in the order a sequential pass reads the
 * resources, so the report and the aggregates are those of a sequential pass.
 *
 * Workers start only when at least two resources are big enough to pay for one (MIN_WORKER_BYTES
 * each): a worker costs a start-up, a heap, and this thread's time copying every chunk to it. So
 * jobs whose files are small run in this thread, and so does the first big job: a package with
 * one large CSV and small code lists (the usual fiscal shape) is read exactly as with
 * `--threads 1`, never slower nor heavier. A second big job that comes while the first is still
 * running here goes to a worker, and so does every later one, with at most `threads - 1`
 * workers (this thread is one of the `threads`). If a worker cannot start, its jobs run here.
 */

import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AggregatorState } from '../../aggregate/aggregator.ts';
import type { AggregatePlan } from '../../aggregate/plan.ts';
import { limiter } from '../../concurrency.ts';
import { UserError, messageOf } from '../../errors.ts';
import { SourceError } from '../../package/source.ts';
import {
  planOf,
  runJob,
  specOf,
  tablesOf,
  type JobResult,
  type JobRunner,
  type JobSpec,
  type TableRecipe,
} from '../../pipeline/table-job.ts';
import type { TableJob, TableRunner } from '../../validate/package.ts';
import type { RowObserver, TablePart } from '../../validate/table/table.ts';
import { WINDOW, type FromWorker, type ToWorker, type WorkerInit } from './protocol.ts';

export interface ParallelOptions {
  /** Worker threads at most (default: the cores, up to 4; never more than the cores). 1 or less: every job in this thread. */
  threads?: number;
  /** As a TableRunner (validatePackage's `tables`): sum transaction rows, each aggregating resource's sums to `merge`, in resource order. */
  merge?: (state: AggregatorState) => void;
  /** As a TableRunner: the validation's settings (a JobRunner's jobs bring their own recipe). */
  strict?: boolean;
  maxErrors?: number;
  /** Jobs whose files add up to fewer bytes run in this thread (and the first big one too). Default MIN_WORKER_BYTES. */
  minWorkerBytes?: number;
  /** Told once if workers cannot start (the jobs then run in this thread). */
  warn?: (message: string) => void;
}

/** A JobRunner (src/pipeline), and a TableRunner for validatePackage's `tables` as well. */
export interface ParallelRunner extends JobRunner, TableRunner {
  /** Workers started so far. */
  readonly workers: number;
  readonly concurrency: number;
  expect(jobs: number): void;
}

/**
 * Bytes of a resource's files from which a worker pays for itself: at the validator's ~40 MB/s
 * that is ~0.4 s of work, against a worker's start-up (~0.1 s) and this thread's copying of the
 * chunks to it.
 */
const MIN_WORKER_BYTES = 16 * 1024 * 1024;

/**
 * Small resources (read in this thread, not on a worker) validated at once. The runner takes
 * many jobs at once so that the big ones can go to workers largest first; the small ones
 * then all ran here together, interleaved, each with its read buffers and decoded text alive,
 * and that garbage (V8 frees it only every so often) made most of a publish's peak memory
 * (bench, 301 MB package: 312 MiB before; 208–248 MiB with this and the 32 KiB chunks of
 * publish's source, whether 1, 2 or 3 at once). Two at once still overlap one's reads with the
 * other's checks.
 */
const SMALL_AT_ONCE = 2;

/** Worker threads by default: one per core, at most 4 (the table pass is CPU-bound). */
function defaultThreads(): number {
  return Math.min(4, availableParallelism());
}

/**
 * Worker threads at most: the cores (os.availableParallelism()). The table pass is CPU-bound, so
 * more workers than cores only add their start-ups and their heaps (each holds a resource's key
 * sets and its chunks in flight): `--threads 100000` started one worker per resource.
 */
function maxThreads(): number {
  return availableParallelism();
}

interface Running {
  id: number;
  spec: JobSpec;
  parts: TablePart[];
  done: (result: JobResult) => void;
  fail: (error: Error) => void;
  /** Files being sent, by part number. */
  sending: Map<number, Sender>;
}

interface Sender {
  chunks: AsyncIterator<Uint8Array>;
  credit: number;
  pumping: boolean;
  over: boolean;
}

interface Waiting {
  job: JobSpec;
  parts: TablePart[];
  /** The caller's own observers: a job that has some runs in this thread. */
  local?: RowObserver[];
  done: (result: JobResult) => void;
  fail: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  online: boolean;
  job: Running | null;
}

export function createParallelRunner(options: ParallelOptions = {}): ParallelRunner {
  const threads = Math.max(1, Math.min(maxThreads(), Math.floor(options.threads ?? defaultThreads())));
  const minWorkerBytes = options.minWorkerBytes ?? MIN_WORKER_BYTES;
  /** Big jobs running in this thread (the first big job runs here; see the module comment). */
  let bigHere = 0;
  const small = limiter(SMALL_AT_ONCE);
  let context: TableRecipe | null = null;
  const cache: { plan?: AggregatePlan | null } = {};
  const slots: Slot[] = [];
  const queue: Array<Waiting & { bytes: number }> = [];
  let nextId = 1;
  let broken = false;
  let closed = false;
  /** Fewer than two resources to read: a worker would only add its start-up and its memory. */
  let alone = false;

  const post = (slot: Slot, message: ToWorker, transfer: ArrayBuffer[] = []): void => slot.worker.postMessage(message, transfer);

  function start(): Slot | null {
    let worker: Worker;
    try {
      worker = spawn({ context: context! });
    } catch (error) {
      giveUp(error instanceof Error ? error : new Error(String(error)));
      return null;
    }
    const slot: Slot = { worker, online: false, job: null };
    slot.worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') slot.online = true;
      else onMessage(slot, m);
    });
    slot.worker.on('error', (error) => lost(slot, error));
    slot.worker.on('exit', (code) => lost(slot, new Error(`a validation worker stopped (exit code ${code})`)));
    slots.push(slot);
    return slot;
  }

  /** A worker died: its job fails (or, if it never came up, runs here, as will every later job). */
  function lost(slot: Slot, error: Error): void {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    const job = slot.job;
    slot.job = null;
    for (const sender of job?.sending.values() ?? []) stopSending(sender);
    if (!slot.online && !closed) {
      if (job) void runHere({ job: job.spec, parts: job.parts, done: job.done, fail: job.fail });
      giveUp(error);
      return;
    }
    job?.fail(new Error(`validation worker failed: ${error.message}`));
    dispatch(); // the jobs still waiting get another worker
  }

  /** Workers cannot start here: every job from now on runs in this thread. */
  function giveUp(error: Error): void {
    if (!broken) options.warn?.(`validation worker threads cannot start (${error.message}); validating in one thread`);
    broken = true;
    for (const waiting of queue.splice(0)) void runHere(waiting);
  }

  async function runHere(w: Waiting): Promise<void> {
    try {
      w.done(await runJob(context!, planOf(context!, cache), w.job, w.parts, w.local));
    } catch (error) {
      w.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A big job in this thread; once done, this thread takes the largest job still waiting for a worker. */
  async function runBigHere(w: Waiting): Promise<void> {
    bigHere++;
    try {
      await runHere(w);
    } finally {
      bigHere--;
    }
    if (bigHere === 0 && queue.length > 0 && !broken) {
      let pick = 0;
      for (let i = 1; i < queue.length; i++) if (queue[i]!.bytes > queue[pick]!.bytes) pick = i;
      void runBigHere(queue.splice(pick, 1)[0]!);
    }
  }

  function dispatch(): void {
    while (queue.length > 0 && !broken) {
      let slot = slots.find((s) => s.job === null) ?? null;
      if (!slot && slots.length < threads - 1) slot = start();
      if (!slot) return;
      // The largest job first: a big file started last would keep one core busy alone at the end.
      let pick = 0;
      for (let i = 1; i < queue.length; i++) if (queue[i]!.bytes > queue[pick]!.bytes) pick = i;
      const w = queue.splice(pick, 1)[0]!;
      const id = nextId++;
      slot.job = { id, spec: w.job, parts: w.parts, done: w.done, fail: w.fail, sending: new Map() };
      post(slot, { type: 'job', id, job: w.job, parts: w.parts.map((p) => ({ path: p.path, size: p.file.size })) });
    }
  }

  function onMessage(slot: Slot, m: Exclude<FromWorker, { type: 'ready' }>): void {
    const job = slot.job;
    if (job === null || job.id !== m.id) return;
    switch (m.type) {
      case 'read': {
        const part = job.parts[m.part];
        if (!part) return;
        const sender: Sender = { chunks: part.file.stream()[Symbol.asyncIterator](), credit: WINDOW, pumping: false, over: false };
        job.sending.set(m.part, sender);
        void pump(slot, job, m.part, sender);
        return;
      }
      case 'more': {
        const sender = job.sending.get(m.part);
        if (!sender) return;
        sender.credit++;
        void pump(slot, job, m.part, sender);
        return;
      }
      case 'stop': {
        const sender = job.sending.get(m.part);
        if (sender) stopSending(sender);
        return;
      }
      case 'done':
      case 'error': {
        slot.job = null;
        for (const sender of job.sending.values()) stopSending(sender);
        if (m.type === 'done') job.done(m.result);
        else job.fail(errorFrom(m));
        dispatch();
        return;
      }
    }
  }

  function stopSending(sender: Sender): void {
    if (sender.over) return;
    sender.over = true;
    void sender.chunks.return?.();
  }

  async function pump(slot: Slot, job: Running, part: number, sender: Sender): Promise<void> {
    if (sender.pumping) return;
    sender.pumping = true;
    try {
      while (!sender.over && sender.credit > 0) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await sender.chunks.next();
        } catch (error) {
          sender.over = true;
          const source = error instanceof SourceError ? error.code : null;
          post(slot, {
            type: 'fail',
            id: job.id,
            part,
            error: { source, message: messageOf(error) },
          });
          return;
        }
        if (sender.over) return;
        if (next.done === true) {
          sender.over = true;
          post(slot, { type: 'end', id: job.id, part });
          return;
        }
        // A copy the worker owns: a chunk may be a view into a larger (pooled) buffer.
        const chunk = new Uint8Array(next.value);
        sender.credit--;
        post(slot, { type: 'data', id: job.id, part, chunk }, [chunk.buffer as ArrayBuffer]);
      }
    } finally {
      sender.pumping = false;
    }
  }

  async function run(recipe: TableRecipe, job: TableJob): Promise<JobResult> {
    // Workers start with the recipe of the first job: every job of one validation shares it.
    context ??= recipe;
    // A job of another package (a runner used twice): right, in this thread, rather than fast and wrong.
    if (!sameRecipe(context, recipe)) return runJob(recipe, planOf(recipe, {}), specOf(job), job.parts, job.observers);
    const bytes = job.parts.reduce((n, p) => n + (p.file.size ?? Infinity), 0);
    const local = job.observers?.length ? job.observers : undefined;
    return new Promise<JobResult>((done, fail) => {
      const waiting = { job: specOf(job), parts: job.parts, local, done, fail, bytes };
      // The caller's observers are functions of this thread: their job runs here.
      if (bytes < minWorkerBytes) void small(() => runHere(waiting));
      else if (threads <= 1 || alone || broken || closed || local) void runHere(waiting);
      else if (bigHere === 0) {
        // The first big job: here, as with one thread; a worker only pays beside it.
        void runBigHere(waiting);
      } else {
        queue.push(waiting);
        dispatch();
      }
    });
  }

  // Jobs handed over at once: enough for the queue to pick the largest first.
  const concurrency = threads > 1 ? threads * 16 : 1;
  const expect = (jobs: number): void => {
    alone = jobs < 2;
  };
  const tables = tablesOf(
    { concurrency, expect, job: run, close: async () => {} },
    { aggregate: options.merge !== undefined, strict: options.strict ?? false, maxErrors: options.maxErrors ?? 1000 },
    options.merge,
  );
  return {
    concurrency,
    get workers() {
      return slots.length;
    },
    expect,
    run: tables.run,
    job: run,
    async close() {
      closed = true;
      const all = slots.splice(0);
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}

/** A worker's failure as an error of this thread: a user's error stays one (the entries show it without a stack). */
export function errorFrom(m: Extract<FromWorker, { type: 'error' }>): Error {
  if (m.user)
    return new UserError(m.user.code, m.message, { exitCode: m.user.exitCode, ...(m.user.hint !== undefined && { hint: m.user.hint }) });
  return Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {});
}

/** Whether two recipes are those of one validation: the same canonical descriptor and settings. */
function sameRecipe(a: TableRecipe, b: TableRecipe): boolean {
  return (
    a.descriptor === b.descriptor &&
    a.openspending === b.openspending &&
    a.aggregate === b.aggregate &&
    a.strict === b.strict &&
    a.maxErrors === b.maxErrors
  );
}

/**
 * Start a worker. Built (dist/index.js): the bundled dist/pass-worker.js beside it. From the
 * TypeScript sources: worker.ts, through tsx (registered inside the worker, since workers do not
 * inherit a loader registered at run time).
 */
function spawn(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./pass-worker.js', here), { workerData: init });
  const entry = new URL('./worker.ts', here).href;
  // tsx's ESM API (its CommonJS build cannot register hooks from an eval'd worker script).
  const tsx = pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}
