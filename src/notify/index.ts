/**
 * Everything that happens after a registry commit (DESIGN.md, "Registry and the App"):
 *
 * 1. a signed `registry.updated` webhook to every subscriber (src/notify/subscribers.ts);
 * 2. when storage is configured, `registry/feed.json` and a read copy of the registry's files
 *    under `registry/` in the store (src/notify/feed.ts);
 * 3. `repository_dispatch` (event_type `registry-updated`) to DISPATCH_REPOS (src/notify/dispatch.ts).
 *
 * Each channel fails on its own: a failure is logged and reported, never thrown, so a dead
 * subscriber cannot hold up the registry. `notify` runs in the background of the App's queue;
 * `drain()` waits for the notifications under way (shutdown).
 */

import type { GitHubClient } from '../adapters/github/octokit.ts';
import type { ObjectStore } from '../mirror/object-store.ts';
import { cleanChange } from '../registry/clean.ts';
import type { ChangelogEntry } from '../registry/model.ts';
import { repositoryDispatch, type RepoName } from './dispatch.ts';
import { copyRegistryFiles, updateFeed, type RegistryFile } from './feed.ts';
import { deliverToSubscriber, type DeliveryResult, type RetryPolicy, type SubscriberTarget } from './subscribers.ts';

export { signBody, verifyBody, SIGNATURE_HEADER } from './sign.ts';
export { DELIVERY_HEADER, EVENT_HEADER, type DeliveryResult, type RetryPolicy, type SubscriberTarget } from './subscribers.ts';
export { FEED_KEY, REGISTRY_PREFIX, readFeed, type Feed, type FeedItem, type RegistryFile } from './feed.ts';
export { ACTION_REPOSITORY, DISPATCH_EVENT_TYPE, dispatchPublish, runsTheAction, usesTheAction } from './dispatch.ts';
export { readRegistryFiles } from './registry-files.ts';

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

export interface NotifyLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface NotifierOptions {
  registry: RepoName;
  subscribers: SubscriberTarget[];
  /** The store for the feed and the registry's read copy; null/undefined: skipped. */
  store?: ObjectStore | null;
  /** The registry's files at a commit (for the read copy). */
  readRegistryFiles?: (commit: string) => Promise<RegistryFile[]>;
  /** repository_dispatch targets, each through a client that may write there (null: not installed there). */
  dispatch?: { targets: RepoName[]; client: (target: RepoName) => Promise<GitHubClient | null> };
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  log?: NotifyLog;
  now?: () => string;
  uuid?: () => string;
}

export interface NotifyReport {
  commit: string;
  subscribers: DeliveryResult[];
  feed: 'written' | 'skipped' | 'failed';
  dispatches: Array<{ repository: string; ok: boolean; error?: string }>;
}

export interface Notifier {
  notify(update: { commit: string; changes: ChangelogEntry[] }): Promise<NotifyReport>;
  /** Resolves when the notifications under way are done. */
  drain(): Promise<void>;
}

const quiet: NotifyLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createNotifier(options: NotifierOptions): Notifier {
  const log = options.log ?? quiet;
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
          ...(options.uuid ? { uuid: options.uuid } : {}),
        });
        const fields = { subscriber: new URL(s.url).origin, delivery: r.delivery, status: r.status, attempts: r.attempts, commit: event.commit };
        if (r.ok) log.info('subscriber notified', fields);
        else log.error('subscriber not notified', { ...fields, error: r.error });
        return r;
      }),
    );
  }

  async function toStore(event: RegistryUpdatedEvent): Promise<NotifyReport['feed']> {
    const store = options.store;
    if (!store) return 'skipped';
    try {
      if (options.readRegistryFiles) await copyRegistryFiles(store, await options.readRegistryFiles(event.commit));
      await updateFeed(store, registry, { commit: event.commit, time: event.time, count: event.changes.length, changes: event.changes });
      log.info('feed written', { store: store.description, commit: event.commit });
      return 'written';
    } catch (e) {
      log.error('feed not written', { store: store.description, commit: event.commit, error: message(e) });
      return 'failed';
    }
  }

  async function toRepositories(event: RegistryUpdatedEvent): Promise<NotifyReport['dispatches']> {
    const d = options.dispatch;
    if (!d) return [];
    const datasets = [...new Set(event.changes.map((c) => c.dataset))];
    const payload = { registry, commit: event.commit, time: event.time, changes: event.changes.length, datasets: datasets.slice(0, 100) };
    return Promise.all(
      d.targets.map(async (t) => {
        const repository = `${t.owner}/${t.repo}`;
        try {
          const client = await d.client(t);
          if (!client) throw new Error(`the App is not installed on ${repository}`);
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

  return {
    notify(update) {
      const event: RegistryUpdatedEvent = { event: REGISTRY_UPDATED, commit: update.commit, changes: update.changes.map(cleanChange), registry, time: now() };
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
