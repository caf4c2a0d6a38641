/**
 * The registry's public read path in the store (through the ObjectStore port):
 *
 *   registry/feed.json           the last registry commits, newest first, capped
 *   registry/datapackage.json    a read copy of the registry repository's files at the last
 *   registry/data/*.csv          commit (catalog.csv, datasets.csv, changelog.csv)
 *   index.html                   the catalog page, rebuilt from that copy's datasets.csv
 *                                (src/site/build.ts) each time the copy is written
 *
 * The registry repository stays the record; these are copies for fast, cached reads (CORS,
 * public GET). The feed is read, merged by commit and written back: two App replicas writing at
 * the same moment can drop one entry from the feed (never from the registry's changelog).
 */

import type { ChangelogEntry } from '../registry/model.ts';
import type { ObjectStore } from '../mirror/object-store.ts';
import { writeRegistryCatalog } from '../site/build.ts';

const FEED_KEY = 'registry/feed.json';
const REGISTRY_PREFIX = 'registry/';
/** Entries kept in the feed. */
const FEED_CAP = 100;
/** Changes listed per entry (the count is always complete). */
const FEED_CHANGES_CAP = 200;

export interface FeedItem {
  commit: string;
  time: string;
  /** How many changes the commit made. */
  count: number;
  changes: ChangelogEntry[];
  pullRequest?: number;
}

export interface Feed {
  version: 1;
  registry: string;
  updated: string;
  items: FeedItem[];
}

export interface RegistryFile {
  /** Path in the registry repository: `datapackage.json`, `data/catalog.csv`, ... */
  path: string;
  body: Uint8Array;
}

/** Adds `item` to the feed (newest first, one entry per commit, at most `cap`) and writes it. */
export async function updateFeed(
  store: ObjectStore,
  registry: string,
  item: FeedItem,
  options: { cap?: number; now?: string } = {},
): Promise<Feed> {
  const cap = options.cap ?? FEED_CAP;
  const existing = await readFeed(store);
  const entry: FeedItem = { ...item, count: item.count, changes: item.changes.slice(0, FEED_CHANGES_CAP) };
  const items = [entry, ...(existing?.items ?? []).filter((i) => i.commit !== item.commit)]
    .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0))
    .slice(0, cap);
  const feed: Feed = { version: 1, registry, updated: options.now ?? item.time, items };
  await store.put(FEED_KEY, `${JSON.stringify(feed, null, 2)}\n`, {
    contentType: 'application/json; charset=utf-8',
    cacheControl: 'public, max-age=60',
  });
  return feed;
}

/** The feed in the store, or null (none yet, or unreadable: it is then rewritten from scratch). */
export async function readFeed(store: ObjectStore): Promise<Feed | null> {
  const bytes = await store.get(FEED_KEY);
  if (!bytes) return null;
  try {
    const feed = JSON.parse(Buffer.from(bytes).toString('utf8')) as Feed;
    return feed && Array.isArray(feed.items) ? feed : null;
  } catch {
    return null;
  }
}

/** Writes the registry's files under `registry/` (same paths as in the repository). */
async function copyRegistryFiles(store: ObjectStore, files: RegistryFile[]): Promise<string[]> {
  const keys: string[] = [];
  for (const f of files) {
    const key = `${REGISTRY_PREFIX}${f.path}`;
    const contentType = f.path.endsWith('.csv')
      ? 'text/csv; charset=utf-8'
      : f.path.endsWith('.json')
        ? 'application/json; charset=utf-8'
        : 'application/octet-stream';
    await store.put(key, f.body, { contentType, cacheControl: 'public, max-age=60', size: f.body.byteLength });
    keys.push(key);
  }
  return keys;
}

/**
 * The registry's read copy: its files under `registry/`, then the catalog (`index.html`) built
 * from the `data/datasets.csv` being written (not from a listing of the store), so the catalog
 * lists exactly the datasets of that registry commit. Both are rewritten whole on every try.
 */
export async function writeRegistryReadCopy(
  store: ObjectStore,
  files: RegistryFile[],
): Promise<{ keys: string[]; catalog: { key: string; datasets: number } | null }> {
  const keys = await copyRegistryFiles(store, files);
  const datasets = files.find((f) => f.path === 'data/datasets.csv');
  if (!datasets) return { keys, catalog: null };
  const catalog = await writeRegistryCatalog(store, store, Buffer.from(datasets.body).toString('utf8'));
  return { keys, catalog: { key: catalog.catalog, datasets: catalog.datasets } };
}
