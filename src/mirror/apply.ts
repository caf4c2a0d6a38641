/**
 * applyMirror: carry out a plan through the object-store port, in the order that makes a publish
 * crash-safe: blobs, then `pending.json` (the keys this run is about to change), then latest
 * paths (server-side copies), generated objects and removals, then the version manifest and the
 * versions index, and `state.json` last as the commit point. A run killed anywhere leaves the previous version's
 * blobs and manifest intact; the next run — of this commit or another — sees the previous state
 * and the killed run's pending keys, and rewrites or removes every one of them.
 */

import { mapLimit } from '../concurrency.ts';
import { CACHE_IMMUTABLE, contentTypeOf } from './layout.ts';
import type { GeneratedObject, MirrorPlan } from './plan.ts';
import type { ObjectStore } from './object-store.ts';

export interface ApplyProgress {
  phase: 'upload' | 'copy' | 'write' | 'delete' | 'commit';
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ApplyOptions {
  /** The content of a dataset file, streamed. */
  open(path: string): Promise<() => AsyncIterable<Uint8Array>>;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  onProgress?: (p: ApplyProgress) => void;
}

export interface ApplyStats {
  uploaded: number;
  uploadedBytes: number;
  copied: number;
  written: number;
  deleted: number;
}

export async function applyMirror(store: ObjectStore, plan: MirrorPlan, options: ApplyOptions): Promise<ApplyStats> {
  const stats: ApplyStats = { uploaded: 0, uploadedBytes: 0, copied: 0, written: 0, deleted: 0 };
  if (plan.unchanged) return stats;
  const concurrency = options.concurrency ?? 8;
  const bytesTotal = plan.uploads.reduce((n, u) => n + u.size, 0);
  const report = (phase: ApplyProgress['phase'], done: number, total: number): void =>
    options.onProgress?.({ phase, done, total, bytesDone: stats.uploadedBytes, bytesTotal });

  // The largest first: a big file started last would finish alone, long after the others.
  const uploads = [...plan.uploads].sort((a, b) => b.size - a.size);
  await mapLimit(uploads, concurrency, async (u, i) => {
    const body = await options.open(u.path);
    await store.put(u.key, body, { contentType: contentTypeOf(u.path), cacheControl: CACHE_IMMUTABLE, sha256: u.sha256, size: u.size });
    stats.uploaded++;
    stats.uploadedBytes += u.size;
    report('upload', i + 1, plan.uploads.length);
  });
  await putObject(store, plan.pending);
  stats.written++;
  await mapLimit(plan.copies, concurrency, async (c, i) => {
    await store.copy(c.from, c.to, { contentType: c.contentType, cacheControl: c.cacheControl });
    stats.copied++;
    report('copy', i + 1, plan.copies.length);
  });
  await mapLimit(plan.writes, concurrency, async (w, i) => {
    await putObject(store, w);
    stats.written++;
    report('write', i + 1, plan.writes.length);
  });
  if (plan.deletes.length) {
    await store.delete(plan.deletes);
    stats.deleted = plan.deletes.length;
    report('delete', 1, 1);
  }
  for (const o of [plan.manifest, ...plan.indexes, plan.state]) {
    await putObject(store, o);
    stats.written++;
  }
  report('commit', 1, 1);
  return stats;
}

function putObject(store: ObjectStore, o: GeneratedObject): Promise<void> {
  return store.put(o.key, o.content, {
    contentType: o.contentType,
    cacheControl: o.cacheControl,
    sha256: o.sha256,
    size: o.content.length,
  });
}
