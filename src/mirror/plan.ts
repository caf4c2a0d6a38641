/**
 * planMirror: what to write to publish one commit of a dataset, from the previous state and the
 * commit's files (pure: no I/O). The plan comes from git (paths, content ids), never from
 * listing the bucket, so its cost grows with the change, not with the dataset.
 */

import { createHash } from 'node:crypto';
import { CACHE_IMMUTABLE, CACHE_LATEST, CACHE_STATE, contentTypeOf, type DatasetLayout } from './layout.ts';

/** One file of the commit, as published. */
export interface FileEntry {
  path: string;
  sha256: string;
  size: number;
  /** git blob id, so unchanged files need not be hashed again next time. */
  oid?: string;
  /** Stored in git-LFS. */
  lfs?: boolean;
}

/** An object the datastore makes (aggregates, reports, badge, manifest, state). */
export interface GeneratedObject {
  key: string;
  content: Uint8Array;
  contentType: string;
  cacheControl: string;
  sha256: string;
}

/** `.datastore/state.json`: the last complete publish. Written last: it is the commit point. */
export interface DatasetState {
  version: 1;
  owner: string;
  name: string;
  commit: string;
  /** Id of the publish run that wrote this state (matches its `pending.json`). */
  run?: string;
  manifest: string;
  publishedAt: string;
  files: Record<string, { sha256: string; size: number; oid?: string }>;
  /** Generated latest objects (aggregates, badge) by key, with their sha256. */
  generated: Record<string, string>;
}

/**
 * `.datastore/pending.json`: written before a run touches any latest path, naming every key it
 * will copy, write or delete. When it names another run than `state.json`, that run was killed
 * halfway and those keys may hold its content: the next run rewrites or removes them all.
 */
export interface PendingPublish {
  version: 1;
  run: string;
  commit: string;
  touched: string[];
}

/** `versions/{commit}.json`: everything needed to restore that version from the blobs. */
export interface VersionManifest {
  version: 1;
  owner: string;
  name: string;
  commit: string;
  publishedAt: string;
  descriptor: string;
  files: Record<string, { sha256: string; size: number; blob: string; lfs?: boolean }>;
  report: string;
  aggregates: string[];
  /** The keys of this version's validation results kept in `.datastore/cache/` (src/cache): what prune keeps of the cache. */
  results?: string[];
}

export interface MirrorPlan {
  /** The commit is already the published one: nothing to do. */
  unchanged: boolean;
  /** Content to store under blobs/sha256/ (one per distinct new content). */
  uploads: Array<{ key: string; path: string; sha256: string; size: number }>;
  /** Latest paths to point at their (new) content, by server-side copy from the blob. */
  copies: Array<{ from: string; to: string; contentType: string; cacheControl: string }>;
  /** Generated objects whose content changed (aggregates, report, badge). */
  writes: GeneratedObject[];
  /** Latest paths (and generated objects) that the new version no longer has. */
  deletes: string[];
  /** The intent record, written after the uploads and before any latest path changes. */
  pending: GeneratedObject;
  manifest: GeneratedObject;
  /** Written after the manifest, before the state: the version's page and the versions index (so it names stored manifests only). */
  indexes: GeneratedObject[];
  state: GeneratedObject;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A JSON object as a generated object. */
export function jsonObject(key: string, value: unknown, cacheControl: string): GeneratedObject {
  const content = new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');
  return { key, content, contentType: 'application/json', cacheControl, sha256: sha256Hex(content) };
}

export interface PlanInput {
  layout: DatasetLayout;
  previous: DatasetState | null;
  commit: string;
  publishedAt: string;
  files: FileEntry[];
  /** Generated objects published at fixed keys (aggregates, badge): rewritten only when changed. */
  generated: GeneratedObject[];
  /** The commit's report (immutable, one per commit). */
  report: GeneratedObject;
  /** Blobs known to exist already (e.g. from versions before the previous one). */
  existingBlobs?: ReadonlySet<string>;
  /** This run's id (stored in pending.json and state.json). */
  run: string;
  /** Keys an interrupted earlier run may have changed (its pending.json): rewritten or removed. */
  dirty?: readonly string[];
  /** Objects written after the manifest and before the state (the version's page, the versions index). */
  indexes?: GeneratedObject[];
  /** The keys of the version's cached validation results (named in its manifest). */
  results?: string[];
}

export function planMirror(input: PlanInput): MirrorPlan {
  const { layout, previous: prev, files } = input;
  const manifestKey = layout.version(input.commit);
  const manifest: VersionManifest = {
    version: 1,
    owner: layout.owner,
    name: layout.name,
    commit: input.commit,
    publishedAt: input.publishedAt,
    descriptor: layout.latest('datapackage.json'),
    files: Object.fromEntries(
      files.map((f) => [f.path, { sha256: f.sha256, size: f.size, blob: layout.blob(f.sha256), ...(f.lfs ? { lfs: true } : {}) }]),
    ),
    report: input.report.key,
    aggregates: input.generated.filter((g) => g.key.startsWith(layout.root + 'aggregates/')).map((g) => g.key),
    ...(input.results && { results: input.results }),
  };
  const state: DatasetState = {
    version: 1,
    owner: layout.owner,
    name: layout.name,
    commit: input.commit,
    run: input.run,
    manifest: manifestKey,
    publishedAt: input.publishedAt,
    files: Object.fromEntries(files.map((f) => [f.path, { sha256: f.sha256, size: f.size, ...(f.oid ? { oid: f.oid } : {}) }])),
    generated: Object.fromEntries(input.generated.map((g) => [g.key, g.sha256])),
  };
  const manifestObject = jsonObject(manifestKey, manifest, CACHE_IMMUTABLE);
  const stateObject = jsonObject(layout.state, state, CACHE_STATE);

  const dirty = new Set(input.dirty ?? []);
  const pendingOf = (touched: string[]): GeneratedObject =>
    jsonObject(layout.pending, { version: 1, run: input.run, commit: input.commit, touched } satisfies PendingPublish, CACHE_STATE);
  if (prev && prev.commit === input.commit && dirty.size === 0) {
    return {
      unchanged: true,
      uploads: [],
      copies: [],
      writes: [],
      deletes: [],
      pending: pendingOf([]),
      manifest: manifestObject,
      indexes: [],
      state: stateObject,
    };
  }

  const stored = new Set<string>(input.existingBlobs ?? []);
  for (const f of Object.values(prev?.files ?? {})) stored.add(f.sha256);
  const uploads: MirrorPlan['uploads'] = [];
  const copies: MirrorPlan['copies'] = [];
  for (const f of files) {
    if (!stored.has(f.sha256)) {
      stored.add(f.sha256);
      uploads.push({ key: layout.blob(f.sha256), path: f.path, sha256: f.sha256, size: f.size });
    }
    if (prev?.files[f.path]?.sha256 !== f.sha256 || dirty.has(layout.latest(f.path))) {
      copies.push({
        from: layout.blob(f.sha256),
        to: layout.latest(f.path),
        contentType: contentTypeOf(f.path),
        cacheControl: CACHE_LATEST,
      });
    }
  }
  const writes = [...input.generated.filter((g) => prev?.generated[g.key] !== g.sha256 || dirty.has(g.key)), input.report];
  const next = new Set([...files.map((f) => layout.latest(f.path)), ...input.generated.map((g) => g.key), input.report.key]);
  const deletes = [
    ...new Set([...Object.keys(prev?.files ?? {}).map((p) => layout.latest(p)), ...Object.keys(prev?.generated ?? {}), ...dirty]),
  ].filter((k) => !next.has(k));
  const touched = [...new Set([...copies.map((c) => c.to), ...writes.map((w) => w.key), ...deletes])];
  return {
    unchanged: false,
    uploads,
    copies,
    writes,
    deletes,
    pending: pendingOf(touched),
    manifest: manifestObject,
    indexes: input.indexes ?? [],
    state: stateObject,
  };
}
