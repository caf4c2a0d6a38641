/**
 * Blob uploads that overlap validation. Blobs are content-addressed and invisible until a version
 * manifest and `state.json` name them, so a file's blob may be uploaded as soon as the validation
 * pass has read it to the end (and so knows its SHA-256), while the other files are still being
 * checked. The contract: an invalid package changes nothing a reader sees — the blobs this run
 * uploaded are unreferenced, and the run removes them (`discard`); a run killed before that
 * leaves them to `prune`. A blob that was already in the store (an older version's) is never
 * uploaded here, so never removed either.
 */

import { limiter } from '../concurrency.ts';
import type { FileHandle } from '../package/source.ts';
import { CACHE_IMMUTABLE, contentTypeOf, type DatasetLayout } from './layout.ts';
import type { ObjectStore } from './object-store.ts';
import type { DatasetState } from './plan.ts';

export interface EarlyUploads {
  /** A file the pass read to the end: upload its blob now, unless it is known to be stored. */
  offer(path: string, id: { sha256: string; size: number }): void;
  /** Wait for the uploads under way; the blobs now stored by this run, with the content type each got. */
  settled(): Promise<Map<string, { contentType: string; size: number }>>;
  /** Remove the blobs this run uploaded (an invalid package); failures are left to prune. */
  discard(): Promise<void>;
}

export interface EarlyUploadOptions {
  store: ObjectStore;
  layout: DatasetLayout;
  previous: DatasetState | null;
  /** Paths that are published (the commit's files, hidden and reserved paths left out). */
  published: ReadonlySet<string>;
  open(path: string): Promise<FileHandle>;
  /** Uploads at once (they share the cores with validation). */
  concurrency?: number;
}

export function earlyUploads(options: EarlyUploadOptions): EarlyUploads {
  const { store, layout, previous } = options;
  const known = new Set(Object.values(previous?.files ?? {}).map((f) => f.sha256));
  const started = new Set<string>();
  const done = new Map<string, { contentType: string; size: number }>();
  const running: Array<Promise<void>> = [];
  const slot = limiter(options.concurrency ?? 2);
  let discarded = false;

  const upload = async (path: string, sha256: string, size: number): Promise<void> => {
    if (discarded) return;
    const key = layout.blob(sha256);
    // With a previous version, an older one may hold this content: never touched here.
    if (previous && (await store.head(key)) !== null) return;
    const contentType = contentTypeOf(path);
    const file = await options.open(path);
    await store.put(key, () => file.stream(), { contentType, cacheControl: CACHE_IMMUTABLE, sha256, size });
    done.set(sha256, { contentType, size });
  };

  return {
    offer(path, id) {
      if (discarded || !options.published.has(path) || known.has(id.sha256) || started.has(id.sha256)) return;
      started.add(id.sha256);
      // A failed early upload is only a missed head start: the mirror uploads that blob as before.
      running.push(slot(() => upload(path, id.sha256, id.size)).catch(() => undefined));
    },
    async settled() {
      await Promise.all(running);
      return done;
    },
    async discard() {
      discarded = true;
      await Promise.all(running);
      const keys = [...done.keys()].map((h) => layout.blob(h));
      done.clear();
      if (keys.length > 0) await store.delete(keys).catch(() => undefined);
    },
  };
}
