/**
 * The App's work queue: triggers keyed by repository id (so duplicate deliveries, redeliveries
 * of the same delivery id and bursts of pushes to one repository collapse into one re-read),
 * gathered for a batch window (debounce) and handed to `process` as one batch — one registry
 * write per batch. One batch at a time per process. Whatever a batch could not do is re-queued
 * with exponential backoff, a bounded number of times; after that it is dropped with an error
 * in the log, and the next reconcile run repairs it. `drain()` empties the queue for shutdown.
 *
 * Under a burst (an installation on hundreds of repositories), the repositories an installation
 * sweep lists are bulk work: a batch takes the repositories named by deliveries first, so an
 * ordinary push is in the next batch whatever the sweep queued; and a listed repository already
 * re-read since the sweep's delivery arrived (its own push delivery usually came with it) is not
 * re-read again; nor is one whose push delivery, arriving while it was being re-read, named the
 * very commit the re-read found.
 */

import type { InstallationSweep, RepoTrigger } from './route-event.ts';
import { silentLogger, type Logger } from './log.ts';
import { InternalError } from '../src/errors.ts';

/** One repository waiting to be re-read, with everything that asked for it. */
export interface PendingRepo {
  repositoryId: number;
  /** Installation ids named by the deliveries (hints), oldest first, unique. */
  installationIds: number[];
  /** Delivery ids, unique, in arrival order. */
  deliveries: string[];
  /** Events that asked (`push`, `repository.renamed`, ...), unique. */
  events: string[];
  /** The last name a payload gave it (logs only). */
  repository: string;
  /** Commits pushed to its default branch, unique (for the publish workflow dispatch). */
  pushes: string[];
  /** Failed attempts so far. */
  attempts: number;
}

export interface PendingSweep {
  installationId: number;
  deliveries: string[];
  events: string[];
  attempts: number;
}

/** One batch. */
export interface Work {
  /** A sequence number, for logs. */
  batch: number;
  repos: PendingRepo[];
  sweeps: PendingSweep[];
  /** A reconcile run was asked for (a scheduled run, or an installation that cannot be listed). */
  reconcile: boolean;
}

/** What a batch could not do: re-queued with backoff. */
export interface WorkOutcome {
  retryRepos?: number[];
  retrySweeps?: number[];
  retryReconcile?: boolean;
  /** The registry commit made, if any (health). */
  commit?: string | null;
  /** Extra work found while processing (an installation sweep's repositories). */
  more?: { repos: RepoTrigger[] };
  /** The default branch head each repository re-read had (a push of that commit arriving meanwhile needs no re-read). */
  observed?: Array<{ repositoryId: number; headCommit: string | null }>;
}

export interface QueueOptions {
  process: (work: Work) => Promise<WorkOutcome>;
  /** The batch window: a batch starts this long after the first trigger waiting (default 200 ms). */
  debounceMs?: number;
  /** At most this many repositories a batch; a full batch starts at once (default 100). */
  maxBatch?: number;
  /** Backoff of failed work: baseMs × 2^(attempt−1), at most maxMs, jittered; dropped after maxAttempts. */
  retry?: { baseMs?: number; maxMs?: number; maxAttempts?: number };
  log?: Logger;
  now?: () => number;
  /** Jitter source in [0, 1) (tests pin it). */
  random?: () => number;
}

export interface QueueStats {
  /** Repositories waiting (including those backing off). */
  pending: number;
  /** Of those, backing off after a failure. */
  retrying: number;
  sweeps: number;
  reconcilePending: boolean;
  processing: boolean;
  batches: number;
  lastCommit: string | null;
  lastBatchAt: string | null;
  /** Work given up after maxAttempts (reconcile repairs it). */
  dropped: number;
}

export interface RegistryQueue {
  /** Adds triggers; `duplicate` when every delivery id was already waiting or in flight. */
  enqueue(work: { repos?: RepoTrigger[]; sweeps?: InstallationSweep[]; reconcile?: boolean }): { duplicate: boolean };
  /** Processes everything waiting without the batch window; resolves when idle (or after timeoutMs). */
  drain(options?: { timeoutMs?: number }): Promise<{ drained: boolean }>;
  /** Runs `fn` between batches (never concurrently with one), e.g. a reconcile run. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  stats(): QueueStats;
  /** Stops the timers; waiting work is abandoned (drain first). */
  close(): void;
}

interface Slot<T> {
  item: T;
  /** When the first trigger of this item arrived. */
  since: number;
  /** Not before this time (backoff). */
  notBefore: number;
  /** Only an installation sweep asked for it (no delivery named it): after the others. */
  bulk?: boolean;
}

/** Re-read times kept (repository id → when the batch that re-read it started), for sweeps. */
const OBSERVED_KEPT = 100_000;

const pushUnique = <T>(xs: T[], ys: readonly T[]): void => {
  for (const y of ys) if (!xs.includes(y)) xs.push(y);
};

export function createRegistryQueue(options: QueueOptions): RegistryQueue {
  const debounceMs = options.debounceMs ?? 200;
  const maxBatch = Math.max(1, options.maxBatch ?? 100);
  const baseMs = options.retry?.baseMs ?? 1000;
  const maxMs = options.retry?.maxMs ?? 60_000;
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 6);
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;

  const repos = new Map<number, Slot<PendingRepo>>();
  const sweeps = new Map<number, Slot<PendingSweep>>();
  let reconcile: Slot<{ attempts: number }> | null = null;
  const inFlight = new Set<string>();
  /** Delivery ids of the waiting work (redeliveries collapse). */
  const waitingDeliveries = new Set<string>();
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;
  let draining = 0;
  let closed = false;
  let batchNo = 0;
  let exclusiveChain: Promise<unknown> = Promise.resolve();
  const idleWaiters: Array<() => void> = [];
  const stats = { batches: 0, lastCommit: null as string | null, lastBatchAt: null as string | null, dropped: 0 };
  /** Repository id → when the batch that last re-read it started. */
  const observedAt = new Map<number, number>();
  /** The earliest arrival of the sweeps in the batch being taken. */
  let sweepSince = Infinity;

  const backoff = (attempts: number): number => Math.round(Math.min(maxMs, baseMs * 2 ** (attempts - 1)) * (0.5 + random() / 2));

  const waiting = (): boolean => repos.size > 0 || sweeps.size > 0 || reconcile !== null;

  function addRepo(t: RepoTrigger, at: number, bulk = false): void {
    waitingDeliveries.add(t.deliveryId);
    const slot = repos.get(t.repositoryId);
    if (!slot) {
      repos.set(t.repositoryId, {
        since: at,
        notBefore: 0,
        ...(bulk ? { bulk } : {}),
        item: {
          repositoryId: t.repositoryId,
          installationIds: t.installationId === null ? [] : [t.installationId],
          deliveries: [t.deliveryId],
          events: [t.event],
          repository: t.repository,
          pushes: t.push ? [t.push.commit] : [],
          attempts: 0,
        },
      });
      return;
    }
    const p = slot.item;
    if (t.installationId !== null) pushUnique(p.installationIds, [t.installationId]);
    pushUnique(p.deliveries, [t.deliveryId]);
    pushUnique(p.events, [t.event]);
    if (t.repository) p.repository = t.repository;
    if (t.push) pushUnique(p.pushes, [t.push.commit]);
    // A fresh trigger is news: re-read without waiting out a failure's backoff.
    slot.notBefore = 0;
    if (!bulk) delete slot.bulk;
  }

  function addSweep(s: InstallationSweep, at: number): void {
    waitingDeliveries.add(s.deliveryId);
    const slot = sweeps.get(s.installationId);
    if (!slot)
      sweeps.set(s.installationId, {
        since: at,
        notBefore: 0,
        item: { installationId: s.installationId, deliveries: [s.deliveryId], events: [s.event], attempts: 0 },
      });
    else {
      pushUnique(slot.item.deliveries, [s.deliveryId]);
      pushUnique(slot.item.events, [s.event]);
      slot.notBefore = 0;
    }
  }

  const isKnownDelivery = (id: string): boolean => inFlight.has(id) || waitingDeliveries.has(id);

  /** When the next batch may start (Infinity: nothing to do). */
  function nextStart(): number {
    if (!waiting()) return Infinity;
    const t = now();
    const slots: Array<Slot<unknown>> = [...repos.values(), ...sweeps.values(), ...(reconcile ? [reconcile] : [])];
    const readyNow = slots.filter((s) => s.notBefore <= t).length;
    if (readyNow >= maxBatch) return t;
    let start = Infinity;
    for (const s of slots) start = Math.min(start, Math.max(s.notBefore, draining > 0 ? 0 : s.since + debounceMs));
    return start;
  }

  function schedule(): void {
    if (closed || running) return;
    const at = nextStart();
    if (at === Infinity) {
      if (timer) clearTimeout(timer);
      timer = null;
      timerAt = Infinity;
      for (const w of idleWaiters.splice(0)) w();
      return;
    }
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(
      () => {
        timer = null;
        timerAt = Infinity;
        running = runBatch().finally(() => {
          running = null;
          schedule();
        });
      },
      Math.max(0, at - now()),
    );
  }

  function take(): Work | null {
    const t = now();
    const ready = [...repos.values()].filter((s) => s.notBefore <= t);
    const readyRepos = [...ready.filter((s) => !s.bulk), ...ready.filter((s) => s.bulk)].slice(0, maxBatch);
    sweepSince = Math.min(Infinity, ...[...sweeps.values()].filter((s) => s.notBefore <= t).map((s) => s.since));
    const readySweeps = [...sweeps.values()].filter((s) => s.notBefore <= t);
    const doReconcile = reconcile !== null && reconcile.notBefore <= t;
    if (readyRepos.length + readySweeps.length === 0 && !doReconcile) return null;
    for (const s of readyRepos) repos.delete(s.item.repositoryId);
    for (const s of readySweeps) sweeps.delete(s.item.installationId);
    // Still in flight (see runBatch): a redelivery meanwhile is a duplicate.
    for (const id of [...readyRepos.flatMap((s) => s.item.deliveries), ...readySweeps.flatMap((s) => s.item.deliveries)])
      waitingDeliveries.delete(id);
    const work: Work = {
      batch: ++batchNo,
      repos: readyRepos.map((s) => s.item),
      sweeps: readySweeps.map((s) => s.item),
      reconcile: doReconcile,
    };
    if (doReconcile) reconcile = null;
    return work;
  }

  function requeue(work: Work, outcome: WorkOutcome | null, reconcileAttempts: number): void {
    const t = now();
    const retryRepos = outcome ? new Set(outcome.retryRepos ?? []) : new Set(work.repos.map((r) => r.repositoryId));
    const retrySweeps = outcome ? new Set(outcome.retrySweeps ?? []) : new Set(work.sweeps.map((s) => s.installationId));
    const retryReconcile = outcome ? outcome.retryReconcile === true : work.reconcile;
    const giveUp = (what: string, attempts: number, fields: Record<string, unknown>): boolean => {
      if (attempts < maxAttempts) return false;
      stats.dropped++;
      log.error(`gave up on ${what} after ${attempts} attempts; the next reconcile run repairs it`, { batch: work.batch, ...fields });
      return true;
    };
    for (const r of work.repos) {
      if (!retryRepos.has(r.repositoryId)) continue;
      const attempts = r.attempts + 1;
      if (
        giveUp(`repository ${r.repositoryId}`, attempts, {
          repositoryId: r.repositoryId,
          repository: r.repository,
          deliveries: r.deliveries,
        })
      )
        continue;
      for (const id of r.deliveries) waitingDeliveries.add(id);
      const fresh = repos.get(r.repositoryId);
      if (fresh) {
        // Triggered again meanwhile: one re-read does for both.
        pushUnique(fresh.item.deliveries, r.deliveries);
        pushUnique(fresh.item.events, r.events);
        pushUnique(fresh.item.pushes, r.pushes);
        pushUnique(fresh.item.installationIds, r.installationIds);
        continue;
      }
      repos.set(r.repositoryId, { item: { ...r, attempts }, since: t, notBefore: t + backoff(attempts) });
    }
    for (const s of work.sweeps) {
      if (!retrySweeps.has(s.installationId)) continue;
      const attempts = s.attempts + 1;
      if (giveUp(`installation ${s.installationId}`, attempts, { installationId: s.installationId, deliveries: s.deliveries })) continue;
      if (sweeps.has(s.installationId)) continue;
      for (const id of s.deliveries) waitingDeliveries.add(id);
      sweeps.set(s.installationId, { item: { ...s, attempts }, since: t, notBefore: t + backoff(attempts) });
    }
    if (retryReconcile) {
      const attempts = reconcileAttempts + 1;
      if (!giveUp('a reconcile run', attempts, {}) && !reconcile)
        reconcile = { item: { attempts }, since: t, notBefore: t + backoff(attempts) };
    }
  }

  async function runBatch(): Promise<void> {
    const reconcileAttempts = reconcile?.item.attempts ?? 0;
    const work = take();
    if (!work) return;
    const since = sweepSince;
    const ids = [...work.repos.flatMap((r) => r.deliveries), ...work.sweeps.flatMap((s) => s.deliveries)];
    for (const id of ids) inFlight.add(id);
    const started = now();
    try {
      await exclusive(async () => {
        let outcome: WorkOutcome | null = null;
        try {
          outcome = await options.process(work);
          stats.batches++;
          stats.lastBatchAt = new Date(now()).toISOString();
          if (outcome.commit) stats.lastCommit = outcome.commit;
          const retried = new Set(outcome.retryRepos ?? []);
          for (const r of work.repos) {
            if (retried.has(r.repositoryId)) continue;
            observedAt.delete(r.repositoryId);
            observedAt.set(r.repositoryId, started);
          }
          while (observedAt.size > OBSERVED_KEPT) observedAt.delete(observedAt.keys().next().value!);
          for (const o of outcome.observed ?? []) {
            const slot = repos.get(o.repositoryId);
            const p = slot?.item;
            if (
              !p ||
              o.headCommit === null ||
              p.pushes.length === 0 ||
              !p.events.every((e) => e === 'push') ||
              !p.pushes.every((c) => c === o.headCommit)
            )
              continue;
            repos.delete(o.repositoryId);
            for (const id of p.deliveries) waitingDeliveries.delete(id);
            log.debug('push already read', { repositoryId: o.repositoryId, commit: o.headCommit, deliveries: p.deliveries });
          }
          for (const t of outcome.more?.repos ?? []) {
            // Re-read since the sweep's delivery arrived: GitHub's state then is already in the registry.
            if ((observedAt.get(t.repositoryId) ?? -Infinity) >= since) continue;
            addRepo(t, now() - debounceMs, true);
          }
        } catch (e) {
          log.warn('batch failed; its work is re-queued with backoff', { batch: work.batch, repositories: work.repos.length, err: e });
        }
        requeue(work, outcome, reconcileAttempts);
      });
    } finally {
      for (const id of ids) inFlight.delete(id);
      log.debug('batch done', { batch: work.batch, ms: now() - started });
    }
  }

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = exclusiveChain.then(fn);
    exclusiveChain = result.catch(() => undefined);
    return result;
  }

  return {
    enqueue(w) {
      if (closed) throw new InternalError('queue-closed', 'the queue is closed');
      const all = [...(w.repos ?? []).map((r) => r.deliveryId), ...(w.sweeps ?? []).map((s) => s.deliveryId)];
      const duplicate = all.length > 0 && all.every(isKnownDelivery) && !w.reconcile;
      const t = now();
      if (!duplicate) {
        for (const r of w.repos ?? []) addRepo(r, t);
        for (const s of w.sweeps ?? []) addSweep(s, t);
        if (w.reconcile && !reconcile) reconcile = { item: { attempts: 0 }, since: t, notBefore: 0 };
        else if (w.reconcile && reconcile) reconcile.notBefore = 0;
      }
      schedule();
      return { duplicate };
    },
    async drain({ timeoutMs } = {}) {
      draining++;
      try {
        schedule();
        const idle = new Promise<true>((resolve) => {
          const check = (): void => {
            if (!waiting() && !running) resolve(true);
            else idleWaiters.push(check);
          };
          check();
        });
        // A batch running when drain is called ends with schedule(), which wakes the waiters.
        if (timeoutMs === undefined) return { drained: await idle };
        let t: NodeJS.Timeout | undefined;
        const timeout = new Promise<false>((resolve) => (t = setTimeout(() => resolve(false), timeoutMs)));
        const drained = await Promise.race([idle, timeout]);
        clearTimeout(t);
        if (!drained)
          log.warn('drain timed out; waiting work is abandoned (the next reconcile run repairs it)', {
            pending: repos.size,
            sweeps: sweeps.size,
          });
        return { drained };
      } finally {
        draining--;
      }
    },
    exclusive,
    stats() {
      const t = now();
      return {
        pending: repos.size,
        retrying: [...repos.values()].filter((s) => s.notBefore > t).length,
        sweeps: sweeps.size,
        reconcilePending: reconcile !== null,
        processing: running !== null,
        ...stats,
      };
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
