/**
 * Everything that happens after a registry commit (DESIGN.md, "Registry and the App"):
 *
 * 1. a signed `registry.updated` webhook to every subscriber (src/notify/subscribers.ts);
 * 2. when storage is configured, `registry/feed.json` and a read copy of the registry's files
 *    under `registry/` in the store, and the catalog page (`index.html`) built from that copy
 *    (src/notify/feed.ts, src/site/build.ts);
 * 3. `repository_dispatch` (event_type `registry-updated`) to DISPATCH_REPOS (src/notify/dispatch.ts).
 *
 * Each channel fails on its own: a failure is logged and reported, never thrown, so a dead
 * subscriber cannot hold up the registry. `notify` sends everything at once with its own
 * retries (the CLI's `reconcile`); `drain()` waits for the notifications under way. The App
 * instead takes `tasks(update)` — one try of each channel and target, for its follow-up queue
 * (app/follow-up.ts) to run, retry and record.
 *
 * What is sent for a commit depends only on the commit (its changelog rows and time), never on
 * when it is sent: a notification sent again after a restart is the same body, signed the same,
 * with the same delivery id, so a subscriber can drop it as a duplicate.
 */

import type { GitHubPort } from '../registry/github-port.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { ObjectStore } from '../mirror/object-store.ts';
import { cleanChange } from '../registry/clean.ts';
import type { ChangelogEntry } from '../registry/model.ts';
import { createHash } from 'node:crypto';
import { repositoryDispatch, type RepoName } from './dispatch.ts';
import { readFeed, updateFeed, writeRegistryReadCopy, type RegistryFile } from './feed.ts';
import { failureOf, type FollowUpTask, type TaskOutcome } from './task.ts';
import { deliverToSubscriber, type DeliveryResult, type RetryPolicy, type SubscriberTarget } from './subscribers.ts';
import { describeError, UserError } from '../errors.ts';

export { signBody, verifyBody } from './sign.ts';
export { type DeliveryResult, type RetryPolicy, type SubscriberTarget } from './subscribers.ts';
export { type Feed, type RegistryFile } from './feed.ts';
export { usesTheAction } from './dispatch.ts';
export { readRegistryFiles } from './registry-files.ts';
export { publishesOwed, publishTask } from './publish.ts';
export { type FollowUpTask, type TaskOutcome } from './task.ts';

export const REGISTRY_UPDATED = 'registry.updated';

/** The body POSTed to subscribers. */
export interface RegistryUpdatedEvent {
  event: typeof REGISTRY_UPDATED;
  /** The registry commit. */
  commit: string;
  changes: ChangelogEntry[];
  /** owner/repo of the registry. */
  registry: string;
  /** ISO time of the notification. */
  time: string;
}

export interface NotifierOptions {
  registry: RepoName;
  subscribers: SubscriberTarget[];
  /** The store for the feed and the registry's read copy; null/undefined: skipped. */
  store?: ObjectStore | null;
  /** The registry's files at a commit (for the read copy). */
  readRegistryFiles?: (commit: string) => Promise<RegistryFile[]>;
  /** repository_dispatch targets, each through a client that may write there (null: not installed there). */
  dispatch?: { targets: RepoName[]; client: (target: RepoName) => Promise<GitHubPort | null> };
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  log?: Logger;
  now?: () => string;
  uuid?: () => string;
}

export interface NotifyReport {
  commit: string;
  subscribers: DeliveryResult[];
  feed: 'written' | 'skipped' | 'failed';
  dispatches: Array<{ repository: string; ok: boolean; error?: string }>;
}

/** A delivery id that is the same every time this commit is sent to this subscriber (a UUID's shape). */
function deliveryIdOf(commit: string, url: string): string {
  const h = createHash('sha256').update(`${commit}\n${url}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A short stable name for a subscriber URL (its query may hold a secret; the key is stored). */
const urlKey = (url: string): string => createHash('sha256').update(url).digest('hex').slice(0, 16);

export interface Notifier {
  notify(update: { commit: string; changes: ChangelogEntry[] }): Promise<NotifyReport>;
  /**
   * The follow-up tasks of a registry commit: one per subscriber, the feed (when a store is
   * configured), one per repository_dispatch target. `time` is the commit's time (default: the
   * changes' time).
   */
  tasks(update: { commit: string; changes: ChangelogEntry[]; time?: string }): FollowUpTask[];
  /** Resolves when the notifications under way are done. */
  drain(): Promise<void>;
}

/** repository_dispatch's client_payload (at most 10 top-level keys, GitHub's limit). */
function dispatchPayload(event: RegistryUpdatedEvent): Record<string, unknown> {
  const datasets = [...new Set(event.changes.map((c) => c.dataset))];
  return {
    registry: event.registry,
    commit: event.commit,
    time: event.time,
    changes: event.changes.length,
    datasets: datasets.slice(0, 100),
  };
}

const message = describeError;

export function createNotifier(options: NotifierOptions): Notifier {
  const log = options.log ?? silentLogger;
  const now = options.now ?? (() => new Date().toISOString());
  const registry = `${options.registry.owner}/${options.registry.repo}`;
  const under = new Set<Promise<unknown>>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    under.add(p);
    void p.finally(() => under.delete(p)).catch(() => undefined);
    return p;
  };

  async function toSubscribers(event: RegistryUpdatedEvent): Promise<DeliveryResult[]> {
    const body = JSON.stringify(event);
    return Promise.all(
      options.subscribers.map(async (s) => {
        const r = await deliverToSubscriber(s, body, {
          event: REGISTRY_UPDATED,
          ...(options.retry ? { retry: options.retry } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
          uuid: options.uuid ?? (() => deliveryIdOf(event.commit, s.url)),
        });
        const fields = {
          subscriber: new URL(s.url).origin,
          delivery: r.delivery,
          status: r.status,
          attempts: r.attempts,
          commit: event.commit,
        };
        if (r.ok) log.info('subscriber notified', fields);
        else log.error('subscriber not notified', { ...fields, error: r.error });
        return r;
      }),
    );
  }

  /**
   * The feed entry, and the registry's read copy with the catalog built from it. A newer commit's
   * copy already in the store (this is a late retry of an older commit) is left in place: the
   * feed gets its entry, the copy and catalog are not set back.
   */
  async function writeStore(
    store: ObjectStore,
    event: RegistryUpdatedEvent,
  ): Promise<{ catalog: { key: string; datasets: number } | null; superseded: string | null }> {
    const newer = (await readFeed(store))?.items.find((i) => i.time > event.time && i.commit !== event.commit)?.commit ?? null;
    const copy =
      options.readRegistryFiles && !newer ? await writeRegistryReadCopy(store, await options.readRegistryFiles(event.commit)) : null;
    await updateFeed(store, registry, { commit: event.commit, time: event.time, count: event.changes.length, changes: event.changes });
    return { catalog: copy?.catalog ?? null, superseded: newer };
  }

  async function toStore(event: RegistryUpdatedEvent): Promise<NotifyReport['feed']> {
    const store = options.store;
    if (!store) return 'skipped';
    try {
      const written = await writeStore(store, event);
      log.info('feed written', {
        store: store.description,
        commit: event.commit,
        ...(written.catalog ? { catalog: written.catalog.key, datasets: written.catalog.datasets } : {}),
        ...(written.superseded ? { supersededBy: written.superseded } : {}),
      });
      return 'written';
    } catch (e) {
      log.error('feed not written', { store: store.description, commit: event.commit, error: message(e) });
      return 'failed';
    }
  }

  async function toRepositories(event: RegistryUpdatedEvent): Promise<NotifyReport['dispatches']> {
    const d = options.dispatch;
    if (!d) return [];
    const payload = dispatchPayload(event);
    return Promise.all(
      d.targets.map(async (t) => {
        const repository = `${t.owner}/${t.repo}`;
        try {
          const client = await d.client(t);
          if (!client)
            throw new UserError('app-not-installed', `the App is not installed on ${repository}`, {
              hint: 'Install the App on it, or remove it from DISPATCH_REPOS.',
            });
          await repositoryDispatch(client, t, payload);
          log.info('repository_dispatch sent', { repository, commit: event.commit });
          return { repository, ok: true };
        } catch (e) {
          log.error('repository_dispatch failed', { repository, commit: event.commit, error: message(e) });
          return { repository, ok: false, error: message(e) };
        }
      }),
    );
  }

  function eventOf(update: { commit: string; changes: ChangelogEntry[]; time?: string }): RegistryUpdatedEvent {
    return {
      event: REGISTRY_UPDATED,
      commit: update.commit,
      changes: update.changes.map(cleanChange),
      registry,
      time: update.time ?? update.changes[0]?.time ?? now(),
    };
  }

  function tasks(update: { commit: string; changes: ChangelogEntry[]; time?: string }): FollowUpTask[] {
    const event = eventOf(update);
    const body = JSON.stringify(event);
    const out: FollowUpTask[] = options.subscribers.map((s) => ({
      key: `subscriber:${urlKey(s.url)}`,
      kind: 'subscriber',
      target: new URL(s.url).origin,
      async run(): Promise<TaskOutcome> {
        const r = await deliverToSubscriber(s, body, {
          event: REGISTRY_UPDATED,
          retry: { attempts: 1, ...(options.retry?.timeoutMs !== undefined ? { timeoutMs: options.retry.timeoutMs } : {}) },
          ...(options.fetch ? { fetch: options.fetch } : {}),
          uuid: () => deliveryIdOf(update.commit, s.url),
        });
        if (r.ok) return { ok: true, note: `HTTP ${r.status}, delivery ${r.delivery}` };
        // A 4xx is the subscriber's answer: asking again will not change it (as GitHub does not retry).
        return {
          ok: false,
          retry: r.status === 0 || r.status >= 500 || r.status === 408 || r.status === 429,
          error: r.error ?? `HTTP ${r.status}`,
          status: r.status,
        };
      },
    }));
    const store = options.store;
    if (store) {
      out.push({
        key: 'feed',
        kind: 'feed',
        target: store.description,
        async run(): Promise<TaskOutcome> {
          try {
            const written = await writeStore(store, event);
            if (written.superseded)
              return {
                ok: true,
                note: `feed entry written; registry copy and catalog left at the newer ${written.superseded.slice(0, 12)}`,
              };
            return written.catalog ? { ok: true, note: `catalog written: ${written.catalog.datasets} datasets` } : { ok: true };
          } catch (e) {
            return failureOf(e);
          }
        },
      });
    }
    const d = options.dispatch;
    for (const t of d?.targets ?? []) {
      const repository = `${t.owner}/${t.repo}`;
      out.push({
        key: `repository_dispatch:${repository}`,
        kind: 'repository_dispatch',
        target: repository,
        async run(): Promise<TaskOutcome> {
          try {
            const client = await d!.client(t);
            if (!client)
              return {
                ok: false,
                retry: false,
                error: `the App is not installed on ${repository}: install it there or remove it from DISPATCH_REPOS`,
              };
            await repositoryDispatch(client, t, dispatchPayload(event));
            return { ok: true };
          } catch (e) {
            return failureOf(e);
          }
        },
      });
    }
    return out;
  }

  return {
    tasks,
    notify(update) {
      const event = eventOf(update);
      return track(
        (async (): Promise<NotifyReport> => {
          const [subscribers, feed, dispatches] = await Promise.all([toSubscribers(event), toStore(event), toRepositories(event)]);
          return { commit: update.commit, subscribers, feed, dispatches };
        })(),
      );
    },
    async drain() {
      while (under.size > 0) await Promise.allSettled([...under]);
    },
  };
}
