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
import type { AggregatorState } from '../aggregate/aggregator.ts';
import type { AggregatePlan } from '../aggregate/plan.ts';
import { SourceError } from '../package/source.ts';
import type { TableJob, TableRunner } from '../validate/package.ts';
import type { TableOutcome, TablePart } from '../validate/table/table.ts';
import { planOf, runJob, type JobResult, type JobSpec, type PassContext } from './job.ts';
import { WINDOW, type FromWorker, type ToWorker, type WorkerInit } from './protocol.ts';

export interface ParallelOptions {
  /** Worker threads at most (default: the cores, up to 4; never more than the cores). 1 or less: every job in this thread. */
  threads?: number;
  /** Sum transaction rows: each aggregating resource's sums go to `merge`, in resource order. */
  merge?: (state: AggregatorState) => void;
  strict?: boolean;
  maxErrors?: number;
  /** Jobs whose files add up to fewer bytes run in this thread (and the first big one too). Default MIN_WORKER_BYTES. */
  minWorkerBytes?: number;
  /** Told once if workers cannot start (the jobs then run in this thread). */
  warn?: (message: string) => void;
}

export interface ParallelRunner extends TableRunner {
  /** Workers started so far. */
  readonly workers: number;
  /** Stop the workers (call once the validation is over). */
  close(): Promise<void>;
  /** Run a job and hand back its result as plain data (for a runner that keeps results: src/cache). */
  job(job: TableJob): Promise<JobResult>;
}

/**
 * Bytes of a resource's files from which a worker pays for itself: at the validator's ~40 MB/s
 * that is ~0.4 s of work, against a worker's start-up (~0.1 s) and this thread's copying of the
 * chunks to it.
 */
export const MIN_WORKER_BYTES = 16 * 1024 * 1024;

/** Worker threads by default: one per core, at most 4 (the table pass is CPU-bound). */
export function defaultThreads(): number {
  return Math.min(4, availableParallelism());
}

/**
 * Worker threads at most: the cores (os.availableParallelism()). The table pass is CPU-bound, so
 * more workers than cores only add their start-ups and their heaps (each holds a resource's key
 * sets and its chunks in flight): `--threads 100000` started one worker per resource.
 */
export function maxThreads(): number {
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
  let context: PassContext | null = null;
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
      w.done(await runJob(context!, planOf(context!, cache), w.job, w.parts));
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
        else job.fail(Object.assign(new Error(m.message), m.stack ? { stack: m.stack } : {}));
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
            error: { source, message: error instanceof Error ? error.message : String(error) },
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

  async function run(job: TableJob): Promise<JobResult> {
    context ??= {
      descriptor: job.descriptor,
      openspending: job.openspending,
      aggregate: options.merge !== undefined,
      strict: options.strict ?? false,
      maxErrors: options.maxErrors ?? 1000,
    };
    const spec: JobSpec = { resource: job.resource, index: job.index, collect: job.collect, foreignKeys: job.foreignKeys };
    const bytes = job.parts.reduce((n, p) => n + (p.file.size ?? Infinity), 0);
    return new Promise<JobResult>((done, fail) => {
      const waiting = { job: spec, parts: job.parts, done, fail, bytes };
      if (threads <= 1 || alone || broken || closed || bytes < minWorkerBytes) void runHere(waiting);
      else if (bigHere === 0) {
        // The first big job: here, as with one thread; a worker only pays beside it.
        void runBigHere(waiting);
      } else {
        queue.push(waiting);
        dispatch();
      }
    });
  }

  return {
    // Jobs handed over at once: enough for the queue to pick the largest first.
    concurrency: threads > 1 ? threads * 16 : 1,
    get workers() {
      return slots.length;
    },
    expect(jobs) {
      alone = jobs < 2;
    },
    async run(job, sink) {
      const result = await run(job);
      const outcome: TableOutcome = result.outcome;
      return {
        outcome,
        settle: () => {
          sink.absorb(result.problems);
          if (result.aggregate) options.merge?.(result.aggregate);
        },
      };
    },
    job: run,
    async close() {
      closed = true;
      const all = slots.splice(0);
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
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
