/**
 * Explicit retention: keep the newest N versions of a dataset (and always the published one),
 * remove older version manifests, reports and pages (the versions index rewritten first), then the blobs no kept version uses. Manifests go
 * before blobs, so a prune stopped halfway never leaves a manifest pointing at a missing blob.
 */

import type { DatasetLayout } from './layout.ts';
import type { ObjectStore } from './object-store.ts';
import { readStoredJson } from './stored.ts';
import { jsonObject, type DatasetState, type VersionManifest } from './plan.ts';
import { CACHE_LATEST } from './layout.ts';
import { withoutVersions, type VersionIndex } from './versions.ts';

export interface PruneResult {
  kept: string[];
  removedVersions: string[];
  removedBlobs: string[];
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
  }
  return {
    kept: kept.map((m) => m.manifest.commit),
    removedVersions: removed.map((m) => m.manifest.commit),
    removedBlobs: unusedBlobs,
    dryRun: Boolean(options.dryRun),
  };
}
