/**
 * Explicit retention: keep the newest N versions of a dataset (and always the published one),
 * remove older version manifests, reports and pages (the versions index rewritten first), then the blobs no kept version uses. Manifests go
 * before blobs, so a prune stopped halfway never leaves a manifest pointing at a missing blob.
 *
 * The validation cache (`.datastore/cache/`, src/cache) is pruned the same way: a version's
 * manifest names the results its publish kept (`results`), and an entry no kept manifest names
 * is removed — one of a removed version, or of a run that was not published (an interrupted
 * one). A version published without the cache, or before manifests named their results, names
 * none. The index (one object holding the published version's results) goes when no kept
 * version names any of its results. Removing an entry is always safe: a publish that would
 * have used it validates that resource again.
 */

import type { DatasetLayout } from './layout.ts';
import type { ObjectStore } from './object-store.ts';
import { readStoredJson } from './stored.ts';
import { jsonObject, type DatasetState, type VersionManifest } from './plan.ts';
import { CACHE_LATEST } from './layout.ts';
import { withoutVersions, type VersionIndex } from './versions.ts';
import { decodeIndex } from '../cache/entry.ts';
import { storedIndexKey } from '../cache/stores.ts';

export interface PruneResult {
  kept: string[];
  removedVersions: string[];
  removedBlobs: string[];
  /** Objects of the validation cache no kept version names (entries, and the index when it names none of the kept results). */
  removedResults: string[];
  dryRun: boolean;
}

export async function pruneDataset(
  store: ObjectStore,
  layout: DatasetLayout,
  options: { keep: number; dryRun?: boolean },
): Promise<PruneResult> {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw new Error('keep must be a whole number of 1 or more');
  const state = await readStoredJson<DatasetState>(store, layout.state);
  const manifests: Array<{ key: string; manifest: VersionManifest }> = [];
  for await (const o of store.list(`${layout.root}versions/`)) {
    if (o.key === layout.versionIndex) continue;
    const manifest = await readStoredJson<VersionManifest>(store, o.key);
    if (manifest) manifests.push({ key: o.key, manifest });
  }
  manifests.sort((a, b) =>
    a.manifest.publishedAt < b.manifest.publishedAt ? 1 : a.manifest.publishedAt > b.manifest.publishedAt ? -1 : 0,
  );
  const kept = manifests.filter((m, i) => i < options.keep || m.key === state?.manifest);
  const removed = manifests.filter((m) => !kept.includes(m));

  const used = new Set<string>();
  for (const m of kept) for (const f of Object.values(m.manifest.files)) used.add(f.blob);
  for (const f of Object.values(state?.files ?? {})) used.add(layout.blob(f.sha256));
  const unusedBlobs: string[] = [];
  for await (const o of store.list(`${layout.root}blobs/sha256/`)) if (!used.has(o.key)) unusedBlobs.push(o.key);

  const results = new Set<string>();
  for (const m of kept) for (const k of Array.isArray(m.manifest.results) ? m.manifest.results : []) results.add(String(k));
  const cacheDir = `${layout.root}.datastore/cache/`;
  const indexKey = storedIndexKey(layout);
  const unusedResults: string[] = [];
  for await (const o of store.list(cacheDir)) {
    if (o.key === indexKey) {
      const bytes = await store.get(indexKey);
      const index = bytes && decodeIndex(bytes);
      const named = index && typeof index !== 'string' ? [...index.entries.keys(), ...index.named] : [];
      if (!named.some((k) => results.has(k))) unusedResults.push(o.key);
      continue;
    }
    const name = o.key.slice(cacheDir.length);
    if (!results.has(name.replace(/\.json$/, ''))) unusedResults.push(o.key);
  }

  if (!options.dryRun) {
    const versionKeys = removed.flatMap((m) =>
      [m.key, m.manifest.report, layout.versionPage(m.manifest.commit)].filter((k): k is string => typeof k === 'string'),
    );
    if (versionKeys.length) {
      // The index first: it never names a version whose manifest is gone.
      const stored = await readStoredJson<VersionIndex>(store, layout.versionIndex);
      if (stored) {
        const o = jsonObject(
          layout.versionIndex,
          withoutVersions(layout, stored, new Set(removed.map((m) => m.manifest.commit)), state?.commit ?? null),
          CACHE_LATEST,
        );
        await store.put(o.key, o.content, {
          contentType: o.contentType,
          cacheControl: o.cacheControl,
          sha256: o.sha256,
          size: o.content.length,
        });
      }
      await store.delete(versionKeys);
    }
    if (unusedBlobs.length) await store.delete(unusedBlobs);
    if (unusedResults.length) await store.delete(unusedResults);
  }
  return {
    kept: kept.map((m) => m.manifest.commit),
    removedVersions: removed.map((m) => m.manifest.commit),
    removedBlobs: unusedBlobs,
    removedResults: unusedResults,
    dryRun: Boolean(options.dryRun),
  };
}
