/**
 * The validation cache of a local run and of a pull request: the results kept in
 * `.os-datastore/cache/` under the working directory (beside the embedded store's
 * `.os-datastore/s3`; `--no-cache` turns it off), and those a publish keeps in a public bucket,
 * read anonymously (`validate --cache-from URL`; in the Action, the bucket a pull request's base
 * is published to).
 */

import { resolve } from 'node:path';
import { publicStoreReader } from '../adapters/http/public-store.ts';
import type { DatasetState } from '../mirror/plan.ts';
import { encodeKey, publicBase } from '../adapters/s3/store.ts';
import type { StorageConfig } from '../config/storage.ts';
import { DatasetLayout } from '../mirror/layout.ts';
import { isDatasetName, isGitHubLogin } from '../package/names.ts';
import type { PackageSource } from '../package/source.ts';
import type { DatasetSnapshot } from '../mirror/snapshot.ts';
import { snapshotContentId } from './publish.ts';
import type { CacheReader, ResultCache } from './runner.ts';
import { folderCache, LOCAL_CACHE_DIR, publicCache } from './stores.ts';

/** Where a package is (or would be) published, from a plain read of its descriptor; null when it cannot tell. */
async function publishedLayout(source: PackageSource, owner?: string): Promise<DatasetLayout | null> {
  try {
    const value = JSON.parse(
      Buffer.from(await source.readDescriptor())
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    ) as { name?: unknown; owner?: unknown };
    const who = (owner ?? (typeof value.owner === 'string' ? value.owner : '')).toLowerCase();
    return isGitHubLogin(who) && typeof value.name === 'string' && isDatasetName(value.name) ? new DatasetLayout(who, value.name) : null;
  } catch {
    return null;
  }
}

/** The public base URL of a configured store, its prefix included (what `--cache-from` and `--url` take). */
function publicRoot(config: StorageConfig): string {
  return config.prefix ? `${publicBase(config)}/${encodeKey(config.prefix)}` : publicBase(config);
}

export interface LocalCacheOptions {
  /** Keep results under `.os-datastore/cache` of `cwd` (default true). */
  local?: boolean;
  /** A public bucket's base URL (prefix included) to read a published dataset's results from. */
  from?: string;
  /** The dataset's owner when the descriptor does not say (validate --owner, the repository). */
  owner?: string;
  cwd?: string;
  warn?: (message: string) => void;
}

/** The cache a validation uses; undefined when there is none. */
export async function localResultCache(source: PackageSource, options: LocalCacheOptions): Promise<ResultCache | undefined> {
  const readers: CacheReader[] = [];
  const local = options.local === false ? undefined : folderCache(resolve(options.cwd ?? process.cwd(), LOCAL_CACHE_DIR));
  if (local) readers.push(local);
  if (options.from !== undefined) {
    const layout = await publishedLayout(source, options.owner);
    if (layout) readers.push(publicCache(options.from, layout));
    else
      options.warn?.(
        `${source.root}: the descriptor does not say where the dataset is published (a valid "name", and an "owner" or --owner), so no published validation results were read from ${options.from}`,
      );
  }
  if (readers.length === 0) return undefined;
  return { readers, ...(local && { writer: local }), ...(options.warn && { warn: options.warn }) };
}

/**
 * A pull request's cache: the results a publish of the base keeps in the public bucket, read
 * anonymously (no credentials: the public policy allows GetObject), when a bucket is configured
 * and the descriptor says where the dataset is published. Nothing is written.
 */
export async function baseResultCache(
  snapshot: DatasetSnapshot,
  config: StorageConfig | null,
  owner: string,
  warn?: (message: string) => void,
): Promise<ResultCache | undefined> {
  if (!config) return undefined;
  const layout = await publishedLayout(snapshot.source, owner);
  if (!layout) return undefined;
  // The base's state.json names each published file's sha256 by its git oid: files the pull
  // request did not change are named without reading them.
  let state: DatasetState | null = null;
  const plain = publicCache(publicRoot(config), layout);
  // The index downloads while state.json does: the first index() is that read (its failure is
  // the runner's to report, once), later ones read again.
  let early: Promise<Uint8Array | null> | undefined = plain.index!();
  void early.catch(() => null);
  const cache: CacheReader = {
    ...plain,
    index: () => {
      const read = early ?? plain.index!();
      early = undefined;
      return read;
    },
  };
  try {
    const bytes = await publicStoreReader(publicRoot(config)).get(layout.state);
    const value = bytes && (JSON.parse(Buffer.from(bytes).toString('utf8')) as DatasetState);
    if (value && typeof value.files === 'object' && value.files !== null) state = value;
  } catch {
    state = null; // unreadable: every file is hashed instead
  }
  return {
    readers: [cache],
    contentId: snapshotContentId(snapshot, state, new Map()),
    ...(warn && { warn }),
  };
}
