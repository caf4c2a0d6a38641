/**
 * The App's follow-up queue: everything owed after a registry commit — signed webhooks to
 * subscribers, the feed, `repository_dispatch`, publish-workflow dispatches — out of the
 * registry's batches, so a registry update never waits behind it.
 *
 * - Work is tasks (src/notify/task.ts), each one try of one channel and target. A task that
 *   fails is retried with exponential backoff (1 s doubling, at most 5 min, jittered), up to
 *   `maxAttempts`; then, or at once for an answer that will not change (a 4xx), it is reported:
 *   an error line in the log, `failed` and `lastFailures` in /healthz.
 * - Tasks that write to GitHub (dispatches) run at most `writeConcurrency` at a time, and their
 *   requests go through the installation's follow-up lane, which yields to registry commits
 *   (app/write-scheduler.ts). The others (subscribers, the feed) do not wait behind them.
 * - Durable without state of its own: a registry commit is the record of what is owed (its
 *   changelog rows say what changed; src/notify/publish.ts derives the publishes from them).
 *   What is done is recorded in the registry repository, in the ref `refs/os-datastore/follow-up`
 *   (app/follow-up-progress.ts): the last commit whose follow-up is all done, and which tasks of
 *   later commits are. After a restart the App walks the registry branch from that commit to
 *   its head and queues what is not recorded as done: owed work is sent once it is recorded,
 *   never lost. The record is written at most every `recordIntervalMs` while work is done, when
 *   the queue empties and at shutdown: a graceful restart sends nothing twice; a crash re-sends
 *   at most the tasks done since the last record (a subscriber sees the same delivery id and body).
 */

import type { FollowUpTask, TaskOutcome } from '../src/notify/index.ts';
import type { ChangelogEntry, RegistryState } from '../src/registry/model.ts';
import type { Logger } from './log.ts';
import type { FollowUpProgress, ProgressStore } from './follow-up-progress.ts';

/** A registry commit's follow-up, as the App knows it when it commits (or re-reads it after a restart). */
export interface CommitWork {
  commit: string;
  /** The changelog rows the commit added. */
  changes: ChangelogEntry[];
  /** The registry as the commit holds it (for the publishes owed); read from GitHub when absent. */
  state?: RegistryState | null;
}

export interface FollowUpRetry {
  /** First wait (default 1000 ms), doubled each time. */
  baseMs?: number;
  /** Longest wait (default 300 000 ms). */
  maxMs?: number;
  /** Tries in all before a task is reported failed (default 8: about 4 minutes with the defaults). */
  maxAttempts?: number;
}

export interface FollowUpOptions {
  /** The tasks a registry commit owes. */
  tasksOf(work: CommitWork): Promise<FollowUpTask[]>;
  /** Where progress is recorded; null: not recorded (nothing is re-derived after a restart). */
  progress: ProgressStore | null;
  /** Re-derives the work of the registry commits after `through` (oldest first), up to the head. */
  owedSince?: (through: string | null) => Promise<{ head: string; commits: CommitWork[] }>;
  log: Logger;
  retry?: FollowUpRetry;
  /** Tasks at once (default 4). */
  concurrency?: number;
  /** Of those, tasks that write to GitHub (dispatches; default 2). */
  writeConcurrency?: number;
  /** Least time between two progress records while work is done (default 30 000 ms; 0: after each task). */
  recordIntervalMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface FollowUpFailure {
  /** `derive`: the commit's work could not be read from GitHub. */
  kind: FollowUpTask['kind'] | 'derive';
  target: string;
  commit: string;
  attempts: number;
  error: string;
  at: string;
}

export interface FollowUpStats {
  /** Tasks not done yet (waiting, backing off or running). */
  pending: number;
  /** Of those, backing off after a failed try. */
  retrying: number;
  running: number;
  /** Seconds since the oldest pending task was queued (0: none). */
  oldestAgeSeconds: number;
  /** Registry commits whose follow-up is not all done. */
  commits: number;
  /** Tasks done, and reported failed, since start. */
  done: number;
  failed: number;
  lastFailures: FollowUpFailure[];
  /** Re-deriving the work owed from before the start. */
  recovering: boolean;
  /** The last commit recorded as fully followed up (null: none yet). */
  recordedThrough: string | null;
}

export interface FollowUpQueue {
  /** Queues a registry commit's follow-up (call in commit order; after close, left to the next start). */
  add(work: CommitWork): void;
  /** Work not tied to a recorded commit (pull-request mode: a merged registry pull request). */
  addUntracked(work: CommitWork): void;
  /**
   * Reads the record; then, in the background (`walked`), re-derives and queues what was owed
   * before this start. Rejects when the record cannot be read.
   */
  recover(): Promise<{ walked: Promise<void> }>;
  /** Resolves when nothing is pending (or after timeoutMs). */
  drain(options?: { timeoutMs?: number }): Promise<{ drained: boolean }>;
  /**
   * Starts nothing more, waits up to `waitMs` (default 5000) for the tasks running, records
   * progress, stops timers. A task still running then is not recorded as done: the next start
   * sends it again (it may have reached its target: at least once, never lost).
   */
  close(options?: { waitMs?: number }): Promise<void>;
  stats(): FollowUpStats;
}

interface Track {
  commit: string;
  /** false while its tasks are being derived. */
  ready: boolean;
  pending: Set<string>;
  done: string[];
  /** Not recorded (pull-request mode merges): never holds the watermark. */
  untracked: boolean;
  /** A barrier standing for the commits being re-derived at start. */
  barrier?: boolean;
}

interface Item {
  track: Track;
  task: FollowUpTask;
  attempts: number;
  notBefore: number;
  since: number;
  running: boolean;
}

const WRITES: ReadonlySet<FollowUpTask['kind']> = new Set(['publish', 'repository_dispatch']);
const FAILURES_KEPT = 20;

export function createFollowUpQueue(options: FollowUpOptions): FollowUpQueue {
  const log = options.log;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const baseMs = options.retry?.baseMs ?? 1000;
  const maxMs = options.retry?.maxMs ?? 300_000;
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 8);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const writeConcurrency = Math.max(1, Math.min(concurrency, options.writeConcurrency ?? 2));
  const recordIntervalMs = Math.max(0, options.recordIntervalMs ?? 30_000);

  const tracks: Track[] = [];
  const items: Item[] = [];
  let running = 0;
  let runningWrites = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  /** close() has made its last record: nothing is recorded after it. */
  let shutDown = false;
  const idleWaiters: Array<() => void> = [];
  const stats = { done: 0, failed: 0, lastFailures: [] as FollowUpFailure[] };

  // Progress: the last commit whose follow-up is all done, and what is done after it.
  let through: string | null = null;
  let recorded: string | null = null;
  let recordedThrough: string | null = null;
  let dirty = false;
  let recording: Promise<void> | null = null;
  let lastRecordAt = 0;
  let recordTimer: NodeJS.Timeout | null = null;
  let recovering = false;

  const backoff = (attempts: number): number => Math.round(Math.min(maxMs, baseMs * 2 ** (attempts - 1)) * (0.5 + random() / 2));
  const fieldsOf = (item: Item): Record<string, unknown> => ({
    kind: item.task.kind,
    target: item.task.target,
    commit: item.track.commit,
    attempts: item.attempts,
  });
  const idle = (): boolean => items.length === 0 && tracks.every((t) => t.ready);

  // --- tracks and the watermark ---------------------------------------------------------------

  function advance(): void {
    while (tracks.length > 0) {
      const t = tracks[0]!;
      if (!t.ready || t.pending.size > 0) break;
      tracks.shift();
      if (!t.untracked && !t.barrier) through = t.commit;
    }
  }

  function snapshot(): FollowUpProgress | null {
    if (through === null) return null;
    const done: Record<string, string[]> = {};
    for (const t of tracks) if (!t.untracked && !t.barrier && t.done.length > 0) done[t.commit] = [...t.done];
    return { through, done };
  }

  /** Records progress now (one at a time; another request meanwhile records again after). */
  function record(): Promise<void> {
    if (!options.progress) return Promise.resolve();
    if (recording) {
      dirty = true;
      return recording;
    }
    const p = snapshot();
    const text = p ? JSON.stringify(p) : null;
    if (!p || text === recorded) {
      dirty = false;
      return Promise.resolve();
    }
    dirty = false;
    lastRecordAt = now();
    recording = options.progress
      .save(p)
      .then(() => {
        recorded = text;
        recordedThrough = p.through;
        log.debug('follow-up progress recorded', { through: p.through, commits: Object.keys(p.done).length });
      })
      .catch((e: unknown) => {
        dirty = true;
        log.warn('follow-up progress not recorded; trying again later (a restart now would re-send the work done since the last record)', {
          err: e,
        });
      })
      .finally(() => {
        recording = null;
        if (dirty && !closed) scheduleRecord();
      });
    return recording;
  }

  function scheduleRecord(): void {
    if (!options.progress || closed) return;
    dirty = true;
    if (recordTimer || recording) return;
    const wait = idle() ? 0 : Math.max(0, lastRecordAt + recordIntervalMs - now());
    recordTimer = setTimeout(() => {
      recordTimer = null;
      void record();
    }, wait);
  }

  // --- running tasks --------------------------------------------------------------------------

  function finish(item: Item): void {
    items.splice(items.indexOf(item), 1);
    item.track.pending.delete(item.task.key);
    item.track.done.push(item.task.key);
    advance();
    if (!item.track.untracked) scheduleRecord();
  }

  function next(t: number): Item | undefined {
    let write: Item | undefined;
    for (const item of items) {
      if (item.running || item.notBefore > t) continue;
      if (!WRITES.has(item.task.kind)) return item;
      if (!write && runningWrites < writeConcurrency) write = item;
    }
    return write;
  }

  function pump(): void {
    if (closed) return;
    const t = now();
    while (running < concurrency) {
      const item = next(t);
      if (!item) break;
      void run(item);
    }
    if (timer) clearTimeout(timer);
    timer = null;
    const waiting = items.filter((i) => !i.running);
    if (waiting.length > 0 && running < concurrency) {
      const at = Math.min(...waiting.map((i) => i.notBefore));
      if (at > t) timer = setTimeout(pump, at - t);
    }
    if (idle() && running === 0) for (const w of idleWaiters.splice(0)) w();
  }

  async function run(item: Item): Promise<void> {
    item.running = true;
    item.attempts++;
    running++;
    const write = WRITES.has(item.task.kind);
    if (write) runningWrites++;
    let outcome: TaskOutcome;
    try {
      outcome = await item.task.run();
    } catch (e) {
      outcome = { ok: false, retry: true, error: e instanceof Error ? e.message : String(e) };
    }
    running--;
    if (write) runningWrites--;
    item.running = false;
    if (shutDown) {
      // It ended after the last record: the next start sends it again.
      log.warn('follow-up ended after shutdown; the next start sends it again', { ...fieldsOf(item), ok: outcome.ok });
      return;
    }
    if (outcome.ok) {
      stats.done++;
      log.info('follow-up done', { ...fieldsOf(item), ...(outcome.note ? { note: outcome.note } : {}) });
      finish(item);
    } else if (outcome.retry && item.attempts < maxAttempts && !closed) {
      const wait = backoff(item.attempts);
      item.notBefore = now() + wait;
      log.warn('follow-up failed; retrying', { ...fieldsOf(item), error: outcome.error, status: outcome.status, retryInMs: wait });
    } else if (outcome.retry && closed) {
      // Shutting down: left owed (re-derived at the next start), not given up.
      log.info('follow-up left for the next start', { ...fieldsOf(item), error: outcome.error });
    } else {
      stats.failed++;
      const failure: FollowUpFailure = {
        kind: item.task.kind,
        target: item.task.target,
        commit: item.track.commit,
        attempts: item.attempts,
        error: outcome.error,
        at: new Date(now()).toISOString(),
      };
      stats.lastFailures = [...stats.lastFailures, failure].slice(-FAILURES_KEPT);
      log.error(
        outcome.retry
          ? `follow-up failed after ${item.attempts} attempts; giving up`
          : 'follow-up failed; not retried (the answer will not change)',
        { ...fieldsOf(item), error: outcome.error, status: outcome.status },
      );
      finish(item);
    }
    pump();
  }

  function queueTasks(track: Track, tasks: FollowUpTask[], alreadyDone: ReadonlySet<string> = new Set()): void {
    const t = now();
    for (const task of tasks) {
      if (alreadyDone.has(task.key)) {
        track.done.push(task.key);
        continue;
      }
      if (track.pending.has(task.key)) continue;
      track.pending.add(task.key);
      items.push({ track, task, attempts: 0, notBefore: 0, since: t, running: false });
    }
    track.ready = true;
  }

  /** Derives a commit's tasks (retried like a task when GitHub does not answer), then queues them. */
  function derive(track: Track, work: CommitWork, alreadyDone?: ReadonlySet<string>, attempt = 1): void {
    options
      .tasksOf(work)
      .then((tasks) => {
        queueTasks(track, tasks, alreadyDone);
        if (tasks.length > 0) log.debug('follow-up queued', { commit: work.commit, tasks: tasks.length });
      })
      .catch((e: unknown) => {
        if (attempt < maxAttempts && !closed) {
          log.warn('follow-up work could not be derived; retrying', { commit: work.commit, attempts: attempt, err: e });
          setTimeout(() => derive(track, work, alreadyDone, attempt + 1), backoff(attempt)).unref();
          return;
        }
        stats.failed++;
        const error = e instanceof Error ? e.message : String(e);
        stats.lastFailures = [
          ...stats.lastFailures,
          {
            kind: 'derive' as const,
            target: 'the registry commit',
            commit: work.commit,
            attempts: attempt,
            error,
            at: new Date(now()).toISOString(),
          },
        ].slice(-FAILURES_KEPT);
        log.error('follow-up work could not be derived; giving up on this commit', { commit: work.commit, attempts: attempt, err: e });
        track.ready = true;
      })
      .finally(() => {
        advance();
        pump();
      });
  }

  function add(work: CommitWork, untracked: boolean): void {
    if (closed) {
      // A batch that outlived the shutdown's drain: the commit is after the record, so the next start owes it.
      log.warn('follow-up of a commit made during shutdown is left for the next start', { commit: work.commit });
      return;
    }
    const track: Track = { commit: work.commit, ready: false, pending: new Set(), done: [], untracked };
    tracks.push(track);
    // No record yet (the first start): make one now, so that this commit's work is owed in it.
    if (!untracked && recorded === null && !recording) void record();
    derive(track, work);
  }

  return {
    add: (work) => add(work, false),
    addUntracked: (work) => add(work, true),
    async recover() {
      const progress = options.progress;
      const owedSince = options.owedSince;
      if (!progress || !owedSince || recovering) return { walked: Promise.resolve() };
      recovering = true;
      // Stands for the commits re-derived below, so the watermark cannot pass them meanwhile.
      const barrier: Track = { commit: '(recovering)', ready: false, pending: new Set(), done: [], untracked: true, barrier: true };
      tracks.unshift(barrier);
      const release = (): void => {
        recovering = false;
        barrier.ready = true;
        advance();
        pump();
      };
      let last: FollowUpProgress | null;
      try {
        last = await progress.load();
        if (!last) {
          // The first start with a record: what came before is not re-sent.
          // Recorded with the first commit (before its work is done), so a crash after it loses nothing.
          through = (await owedSince(null)).head;
          log.info('follow-up progress starts here (no record yet)', { through });
          release();
          return { walked: Promise.resolve() };
        }
      } catch (e) {
        release();
        throw e;
      }
      const from = last;
      through = from.through;
      recorded = JSON.stringify(from);
      recordedThrough = from.through;
      // The walk can take a while (reads only): the App serves meanwhile.
      const walked = (async () => {
        try {
          const { commits } = await owedSince(from.through);
          const at = tracks.indexOf(barrier);
          const recoveredTracks = commits.map((c): Track => ({
            commit: c.commit,
            ready: false,
            pending: new Set(),
            done: [],
            untracked: false,
          }));
          tracks.splice(at + 1, 0, ...recoveredTracks);
          commits.forEach((c, i) => derive(recoveredTracks[i]!, c, new Set(from.done[c.commit] ?? [])));
          if (commits.length > 0) log.info('follow-up owed from before this start', { through: from.through, commits: commits.length });
        } catch (e) {
          log.error('follow-up owed from before this start could not be re-derived; it is not sent', { through: from.through, err: e });
        } finally {
          release();
        }
      })();
      return { walked };
    },
    async drain({ timeoutMs } = {}) {
      pump();
      const done = new Promise<true>((resolve) => {
        const check = (): void => {
          if (idle() && running === 0) resolve(true);
          else idleWaiters.push(check);
        };
        check();
      });
      let result: boolean;
      if (timeoutMs === undefined) result = await done;
      else {
        let t: NodeJS.Timeout | undefined;
        result = await Promise.race([done, new Promise<false>((r) => (t = setTimeout(() => r(false), timeoutMs)))]);
        clearTimeout(t);
      }
      if (recordTimer) {
        clearTimeout(recordTimer);
        recordTimer = null;
      }
      if (dirty) await record();
      if (recording) await recording;
      return { drained: result };
    },
    async close({ waitMs = 5000 } = {}) {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      if (recordTimer) clearTimeout(recordTimer);
      timer = recordTimer = null;
      const until = now() + waitMs;
      while (running > 0 && now() < until) await new Promise((r) => setTimeout(r, 10));
      if (recording) await recording;
      await record();
      shutDown = true;
      const owed = items.length;
      if (owed > 0)
        log.warn('follow-up owed at shutdown is left for the next start', {
          tasks: owed,
          commits: tracks.filter((t) => !t.barrier).length,
          through,
        });
    },
    stats() {
      const t = now();
      const oldest = items.reduce((m, i) => Math.min(m, i.since), Infinity);
      return {
        pending: items.length,
        retrying: items.filter((i) => !i.running && i.attempts > 0).length,
        running,
        oldestAgeSeconds: Number.isFinite(oldest) ? Math.round((t - oldest) / 1000) : 0,
        commits: tracks.filter((tr) => !tr.barrier).length,
        done: stats.done,
        failed: stats.failed,
        lastFailures: stats.lastFailures,
        recovering,
        recordedThrough,
      };
    },
  };
}
