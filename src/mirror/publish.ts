/**
 * Publish one commit of a dataset: validate it (aggregates computed in the same pass), decide
 * the owner, plan the mirror from git and the previous state, and apply it. Nothing is written
 * unless the package is valid and its owner is the repository's.
 */

import { randomUUID } from 'node:crypto';
import { aggregateFiles, aggregatePackage, type AggregateResult } from '../aggregate/index.ts';
import type { FileHandle, PackageSource } from '../package/source.ts';
import { problem } from '../validate/problem.ts';
import type { ValidateOptions } from '../validate/package.ts';
import type { Report } from '../validate/report.ts';
import { applyMirror, type ApplyProgress, type ApplyStats } from './apply.ts';
import { badgeSvg } from './badge.ts';
import { CACHE_IMMUTABLE, CACHE_LATEST, DatasetLayout, isKeySegment, RESERVED_TOP } from './layout.ts';
import type { ObjectStore } from './object-store.ts';
import { jsonObject, planMirror, sha256Hex, type DatasetState, type FileEntry, type GeneratedObject, type PendingPublish } from './plan.ts';

/** What publishing needs from a dataset source (the git adapter's GitDataset provides it). */
export interface DatasetSnapshot {
  commit: string;
  files: Array<{ path: string; oid: string; size: number; mode?: string; lfs?: { oid: string; size: number } }>;
  source: PackageSource;
  contentId(path: string): Promise<{ sha256: string; size: number }>;
  /** The GitHub repository the dataset comes from, when known. */
  github: { owner: string; repo: string } | null;
}

export interface PublishOptions extends Pick<ValidateOptions, 'strict' | 'maxErrors'> {
  /** The owner when the source is not a GitHub repository (ignored, and checked, otherwise). */
  owner?: string;
  now?: () => Date;
  concurrency?: number;
  onProgress?: (p: ApplyProgress) => void;
}

export type PublishStatus = 'published' | 'unchanged' | 'invalid';

export interface PublishResult {
  status: PublishStatus;
  report: Report;
  owner: string | null;
  name: string | null;
  commit: string;
  /** Key prefix of the dataset in the store, e.g. `datasets/os-data/budget/`. */
  prefix: string | null;
  /** Public URL of the published descriptor. */
  url: string | null;
  manifest: string | null;
  stats: ApplyStats;
}

const NO_STATS: ApplyStats = { uploaded: 0, uploadedBytes: 0, copied: 0, written: 0, deleted: 0 };

/** Files that are part of the published dataset: not hidden (.github, .gitattributes...), not symlinks, not in reserved folders. */
export function isPublishedPath(path: string, mode?: string): boolean {
  if (mode === '120000' || mode === '160000') return false;
  const segments = path.split('/');
  if (segments.some((s) => s.startsWith('.'))) return false;
  return !RESERVED_TOP.has(segments[0]!);
}

export async function publishDataset(snapshot: DatasetSnapshot, store: ObjectStore, options: PublishOptions = {}): Promise<PublishResult> {
  const github = snapshot.github;
  const claimed = github?.owner ?? options.owner;
  // Validation and aggregates in one pass over the rows.
  const { validation, aggregates } = await aggregatePackage(snapshot.source, {
    strict: options.strict,
    maxErrors: options.maxErrors,
    repositoryOwner: claimed,
  });
  const { report, descriptor } = validation;
  const refuse = (message: string): PublishResult => {
    report.errors.push(problem('owner-mismatch', message, { path: report.descriptor, pointer: '/owner' }));
    report.stats.errors++;
    report.valid = false;
    return result('invalid', null, null, null);
  };
  const result = (status: PublishStatus, owner: string | null, layout: DatasetLayout | null, manifest: string | null, stats = NO_STATS): PublishResult => ({
    status,
    report,
    owner,
    name: layout?.name ?? (typeof descriptor?.name === 'string' ? descriptor.name : null),
    commit: snapshot.commit,
    prefix: layout?.root ?? null,
    url: layout ? store.url(layout.latest('datapackage.json')) : null,
    manifest,
    stats,
  });

  if (!report.valid || !descriptor) return result('invalid', null, null, null);

  // Whose dataset is it? The GitHub owner when there is one; the descriptor must agree.
  const declared = typeof descriptor.owner === 'string' ? descriptor.owner : undefined;
  if (github && options.owner && options.owner.toLowerCase() !== github.owner.toLowerCase()) {
    return refuse(`--owner ${options.owner} differs from the repository owner ${github.owner}; a GitHub dataset is published under its repository owner`);
  }
  if (claimed && declared && declared.toLowerCase() !== claimed.toLowerCase()) {
    return refuse(`the descriptor's owner "${declared}" is not the repository owner "${claimed}"; nobody publishes under someone else's name: set "owner" to "${claimed}"`);
  }
  const owner = (claimed ?? declared)?.toLowerCase();
  if (!owner) return refuse('no owner: the source is not a GitHub repository and the descriptor has no "owner"; add "owner" or pass --owner');
  if (!isKeySegment(owner)) return refuse(`owner "${owner}" is not a valid GitHub owner name`);
  const name = descriptor.name;
  if (typeof name !== 'string' || !isKeySegment(name)) {
    report.errors.push(problem('descriptor-error', `the package "name" must be a lowercase slug to be published (found ${JSON.stringify(name)})`, { path: report.descriptor, pointer: '/name' }));
    report.valid = false;
    return result('invalid', null, null, null);
  }
  const layout = new DatasetLayout(owner, name);

  // The last complete publish, and what a run killed since then may have changed.
  const [stored, pending] = await Promise.all([readJson<DatasetState>(store, layout.state), readJson<PendingPublish>(store, layout.pending)]);
  const previous = stored && typeof stored.commit === 'string' && stored.files && stored.generated ? stored : null;
  const dirty = pending && pending.run !== previous?.run && Array.isArray(pending.touched) ? pending.touched.filter((k) => typeof k === 'string' && k.startsWith(layout.root)) : [];
  if (previous?.commit === snapshot.commit && dirty.length === 0) return result('unchanged', owner, layout, previous.manifest);

  const files = await fileEntries(snapshot, previous);
  const publishedAt = (options.now?.() ?? new Date()).toISOString();
  const generated = generatedObjects(layout, report, aggregates);
  const reportObject = jsonObject(layout.report(snapshot.commit), report, CACHE_IMMUTABLE);

  // Content that an older version stored may be in the bucket already (a revert): one HEAD per
  // new content, only when there is a previous version (a first publish has nothing to find).
  const existing = new Set<string>();
  if (previous) {
    const known = new Set(Object.values(previous.files).map((f) => f.sha256));
    const candidates = [...new Set(files.map((f) => f.sha256))].filter((h) => !known.has(h));
    for (const h of candidates) if (await store.head(layout.blob(h))) existing.add(h);
  }

  const plan = planMirror({ layout, previous, commit: snapshot.commit, publishedAt, files, generated, report: reportObject, existingBlobs: existing, run: randomUUID(), dirty });
  const byPath = new Map(snapshot.files.map((f) => [f.path, f]));
  const stats = await applyMirror(store, plan, {
    concurrency: options.concurrency,
    onProgress: options.onProgress,
    open: async (path) => {
      const handle: FileHandle = await snapshot.source.open(path);
      if (!byPath.has(path)) throw new Error(`internal: ${path} is not in the commit`);
      return () => handle.stream();
    },
  });
  return result('published', owner, layout, plan.manifest.key, stats);
}

/** A small JSON object of ours, or null when absent or damaged (then treated as none: the next publish rewrites everything). */
async function readJson<T extends { version?: unknown }>(store: ObjectStore, key: string): Promise<T | null> {
  const bytes = await store.get(key);
  if (!bytes) return null;
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
    return value && typeof value === 'object' && value.version === 1 ? value : null;
  } catch {
    return null;
  }
}

/** The commit's published files with content ids; unchanged git blobs reuse the previous sha256. */
async function fileEntries(snapshot: DatasetSnapshot, previous: DatasetState | null): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const f of snapshot.files) {
    if (!isPublishedPath(f.path, f.mode)) continue;
    const before = previous?.files[f.path];
    const id = before && before.oid === f.oid ? { sha256: before.sha256, size: before.size } : await snapshot.contentId(f.path);
    out.push({ path: f.path, sha256: id.sha256, size: id.size, oid: f.oid, ...(f.lfs ? { lfs: true } : {}) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function generatedObjects(layout: DatasetLayout, report: Report, result: AggregateResult | null): GeneratedObject[] {
  const out: GeneratedObject[] = [];
  if (result) {
    for (const f of aggregateFiles(result)) {
      const path = f.path.startsWith('aggregates/') ? f.path : `aggregates/${f.path}`;
      const content = new TextEncoder().encode(f.content);
      out.push({ key: layout.latest(path), content, contentType: f.contentType, cacheControl: CACHE_LATEST, sha256: sha256Hex(content) });
    }
  }
  const badge = new TextEncoder().encode(badgeSvg(report));
  out.push({ key: layout.badge, content: badge, contentType: 'image/svg+xml', cacheControl: CACHE_LATEST, sha256: sha256Hex(badge) });
  return out;
}
