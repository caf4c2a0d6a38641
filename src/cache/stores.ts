/**
 * Where cached table results live:
 *
 *   - a local folder, `.os-datastore/cache/` in the package directory (`validate`, `publish`);
 *   - the store, beside the dataset: `datasets/{owner}/{name}/.datastore/cache/index.json`, the
 *     entries of the published version's results in one object, written once per publish after
 *     the version's commit point and read once instead of one read per result (entry.ts); an
 *     entry too large for it is stored on its own as `.../cache/{key}.json` (and every entry so
 *     when the index cannot be written);
 *   - a public bucket read anonymously over HTTP (`validate --cache-from URL`, pull requests in
 *     the Action): the same keys, under the bucket's public base URL.
 *
 * An entry is one object named by its key; its content names the key too (entry.ts), so a
 * partial or foreign file is recognised and ignored.
 */

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publicStoreReader } from '../adapters/http/public-store.ts';
import type { DatasetLayout } from '../mirror/layout.ts';
import type { ObjectStore } from '../mirror/object-store.ts';
import type { CacheReader, CacheWriter } from './runner.ts';
import { InternalError } from '../errors.ts';

/** The local cache folder of a package directory. */
export const LOCAL_CACHE_DIR = '.os-datastore/cache';

const HEX_KEY = /^[0-9a-f]{64}$/;

function checked(key: string): string {
  if (!HEX_KEY.test(key)) throw new InternalError('cache-key', `${JSON.stringify(key)} is not a result key`);
  return `${key}.json`;
}

/** A folder of entries; writes are atomic (a temporary file renamed into place). */
export function folderCache(dir: string): CacheReader & CacheWriter {
  return {
    description: dir,
    async get(key) {
      try {
        return await readFile(join(dir, checked(key)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async put(key, bytes) {
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.${randomUUID()}.tmp`);
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, join(dir, checked(key)));
      } finally {
        await rm(tmp, { force: true });
      }
    },
  };
}

/** The key of an entry of a dataset's cache in the store. */
function storedCacheKey(layout: DatasetLayout, key: string): string {
  return `${layout.root}.datastore/cache/${checked(key)}`;
}

/** The key of a dataset's cache index in the store (entry.ts: the entries of the published version's results in one object). */
export function storedIndexKey(layout: DatasetLayout): string {
  return `${layout.root}.datastore/cache/index.json`;
}

/** A dataset's cache in the store (read and written with the publisher's credentials). */
export function storeCache(store: ObjectStore, layout: DatasetLayout): CacheReader & CacheWriter {
  const json = { contentType: 'application/json', cacheControl: 'no-cache' };
  return {
    description: `${store.description} ${layout.root}.datastore/cache/`,
    get: (key) => store.get(storedCacheKey(layout, key)),
    index: () => store.get(storedIndexKey(layout)),
    put: (key, bytes) => store.put(storedCacheKey(layout, key), bytes, json),
    putIndex: (bytes) => store.put(storedIndexKey(layout), bytes, json),
  };
}

/** A dataset's cache in a public bucket, read anonymously (`baseUrl`: the bucket's public root, with its prefix). */
export function publicCache(baseUrl: string, layout: DatasetLayout): CacheReader {
  const reader = publicStoreReader(baseUrl);
  return {
    description: `${baseUrl.replace(/\/+$/, '')}/${layout.root}.datastore/cache/`,
    get: (key) => reader.get(storedCacheKey(layout, key)),
    index: () => reader.get(storedIndexKey(layout)),
  };
}
