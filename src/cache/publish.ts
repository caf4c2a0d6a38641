/**
 * The validation cache of a publish: the dataset's `.datastore/cache/` in the store. File
 * contents are named by their sha256 without reading them where it is known already — an LFS
 * oid, or the previous version's manifest for a git blob that did not change — and hashed
 * otherwise.
 */

import type { DatasetLayout } from '../mirror/layout.ts';
import type { ObjectStore } from '../mirror/object-store.ts';
import type { DatasetState } from '../mirror/plan.ts';
import type { DatasetSnapshot } from '../mirror/snapshot.ts';
import { hashingContentId, type ResultCache } from './runner.ts';
import { storeCache } from './stores.ts';

/** The content id of a snapshot's file: known sha256s first, else its content hashed. */
export function snapshotContentId(
  snapshot: DatasetSnapshot,
  previous: DatasetState | null,
  read: Map<string, { sha256: string }>,
): (path: string) => Promise<string> {
  const files = new Map(snapshot.files.map((f) => [f.path, f]));
  const hashed = hashingContentId(snapshot.source);
  return async (path) => {
    const f = files.get(path);
    if (f?.lfs) return f.lfs.oid;
    const before = f ? previous?.files[path] : undefined;
    if (f && before && before.oid === f.oid) return before.sha256;
    return read.get(path)?.sha256 ?? hashed(path);
  };
}

/**
 * `read`: the sha256 of the files the validation read (publish hashes them on the way). Entries
 * are written only after a version's commit point, so with no published version there is none
 * to read: then nothing is looked up and files are named after the pass, from `read`.
 */
export function storeResultCache(
  snapshot: DatasetSnapshot,
  store: ObjectStore,
  layout: DatasetLayout,
  previous: DatasetState | null,
  read: Map<string, { sha256: string }>,
  warn?: (message: string) => void,
): ResultCache {
  const cache = storeCache(store, layout);
  return { readers: previous ? [cache] : [], writer: cache, contentId: snapshotContentId(snapshot, previous, read), ...(warn && { warn }) };
}
