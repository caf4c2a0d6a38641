/**
 * Publish one commit of a dataset: check it (validation, aggregates and content hashes in one
 * pass: check.ts), with the checks publishing adds (an owner and a name that form storage keys,
 * file paths that fit a key: ValidateOptions.publishing), then plan the mirror from git and the
 * previous state (src/mirror) and apply it. Nothing is written unless the package is valid.
 */

import { createHash, randomUUID } from 'node:crypto';
import { aggregateFiles, type AggregateResult } from '../aggregate/index.ts';
import type { FileHandle, PackageSource } from '../package/source.ts';
import type { Report } from '../validate/report.ts';
import { applyMirror, type ApplyProgress, type ApplyStats } from '../mirror/apply.ts';
import { badgeSvg } from '../mirror/badge.ts';
import { CACHE_IMMUTABLE, CACHE_LATEST, DatasetLayout } from '../mirror/layout.ts';
import { byteLength, isDatasetName, isGitHubLogin, MAX_PATH_BYTES } from '../package/names.ts';
import type { ObjectStore } from '../mirror/object-store.ts';
import { readStoredJson } from '../mirror/stored.ts';
import { nextVersionIndex, type VersionEntry, type VersionIndex } from '../mirror/versions.ts';
import { aggregateTexts, datasetPageObject, versionPageObject } from '../site/page-object.ts';
import { storeResultCache } from '../cache/publish.ts';
import type { CacheStats } from '../cache/runner.ts';
import { earlyUploads, type EarlyUploads } from '../mirror/early-uploads.ts';
import {
  jsonObject,
  planMirror,
  sha256Hex,
  type DatasetState,
  type FileEntry,
  type GeneratedObject,
  type PendingPublish,
} from '../mirror/plan.ts';
import { isPublishedPath, type DatasetSnapshot } from '../mirror/snapshot.ts';
import { resolveOwner, type PublishTarget } from '../validate/descriptor/publishable.ts';
import { InternalError } from '../errors.ts';
import { mapLimit } from '../concurrency.ts';
import { checkPackage, type CheckOptions } from './check.ts';

export interface PublishOptions extends Pick<CheckOptions, 'strict' | 'maxErrors' | 'runner'> {
  /** Told what went wrong without stopping the publish (an unusable cached result, for one). */
  onWarning?: (message: string) => void;
  /** The owner when the source is not a GitHub repository (ignored, and checked, otherwise). */
  owner?: string;
  now?: () => Date;
  concurrency?: number;
  onProgress?: (p: ApplyProgress) => void;
  /** Reuse and keep validation results in the store, under `.datastore/cache/` (default true; src/cache). */
  cache?: boolean;
  /** Upload blobs while the rows are still being validated (default true; early-uploads.ts). */
  overlap?: boolean;
}

export type PublishStatus = 'published' | 'unchanged' | 'invalid';

export interface PublishResult {
  status: PublishStatus;
  /** The validation report; null when the commit was already published (nothing was read). */
  report: Report | null;
  owner: string | null;
  name: string | null;
  commit: string;
  /** Key prefix of the dataset in the store, e.g. `datasets/os-data/budget/`. */
  prefix: string | null;
  /** Public URL of the published descriptor. */
  url: string | null;
  manifest: string | null;
  stats: ApplyStats;
  /** Validation results reused from the store's cache, validated, and written (absent when no cache was used). */
  cache?: CacheStats;
}

const NO_STATS: ApplyStats = { uploaded: 0, uploadedBytes: 0, copied: 0, written: 0, deleted: 0 };

/**
 * Where `snapshot` would be published (its GitHub owner, or the owner given, and the files a
 * version holds): what the validator checks a package against with `publishing`, on a push and
 * on a pull request alike, so a check never passes what publishing would refuse.
 */
export function publishTargetOf(snapshot: DatasetSnapshot, given?: string): PublishTarget {
  return {
    ...(snapshot.github && { github: snapshot.github.owner }),
    ...(given !== undefined && { given }),
    files: snapshot.files.filter((f) => isPublishedPath(f.path, f.mode)).map((f) => f.path),
  };
}

export async function publishDataset(snapshot: DatasetSnapshot, store: ObjectStore, options: PublishOptions = {}): Promise<PublishResult> {
  // Blobs uploaded while validating are removed again when the package turns out invalid.
  const early: { current: EarlyUploads | null } = { current: null };
  let result: PublishResult;
  try {
    result = await publishOnce(snapshot, store, options, early);
  } catch (e) {
    await early.current?.discard();
    throw e;
  }
  if (result.status === 'invalid') await early.current?.discard();
  return result;
}

async function publishOnce(
  snapshot: DatasetSnapshot,
  store: ObjectStore,
  options: PublishOptions,
  early: { current: EarlyUploads | null },
): Promise<PublishResult> {
  const target = publishTargetOf(snapshot, options.owner);

  // An already published commit is answered from the stored state (2 small reads), without
  // reading a row: the descriptor says where the dataset lives.
  const { layout: quick, descriptor: descriptorBytes } = await quickLayout(snapshot, options);
  const stored = quick ? await readStored(store, quick, snapshot.commit) : null;
  if (quick && stored?.unchanged) return unchangedResult(snapshot, store, quick, stored.previous!);

  // The stored versions index is read while the rows are checked (one round trip less after).
  const storedIndex = quick ? readStoredJson<VersionIndex>(store, quick.versionIndex) : null;
  storedIndex?.catch(() => undefined); // read again after validation if it failed

  // Validation, aggregates and the content hashes of the files read, in one pass over the rows.
  const hashes = new Map<string, { sha256: string; size: number }>();
  // The descriptor was read whole: its content id is known now (and its blob can upload early).
  if (descriptorBytes) hashes.set(snapshot.source.descriptorPath, { sha256: sha256Hex(descriptorBytes), size: descriptorBytes.length });
  if (quick && options.overlap !== false) {
    const published = new Set(
      snapshot.files.filter((f) => isPublishedPath(f.path, f.mode) && byteLength(f.path) <= MAX_PATH_BYTES).map((f) => f.path),
    );
    early.current = earlyUploads({
      store,
      layout: quick,
      previous: stored?.previous ?? null,
      published,
      open: (path) => snapshot.source.open(path),
    });
    for (const [path, id] of hashes) early.current.offer(path, id);
    headStart(snapshot, stored?.previous ?? null, published, early.current);
  }
  const cache =
    options.cache !== false && quick
      ? storeResultCache(snapshot, store, quick, stored?.previous ?? null, hashes, options.onWarning)
      : undefined;
  const {
    validation,
    aggregates,
    cache: cached,
  } = await checkPackage(
    hashingSource(snapshot.source, hashes, (path, id) => early.current?.offer(path, id)),
    {
      ...(cache && { cache }),
      strict: options.strict,
      maxErrors: options.maxErrors,
      ...(options.runner && { runner: options.runner }),
      repositoryOwner: target.github ?? target.given,
      publishing: target,
    },
  );
  const { report, descriptor } = validation;
  const result = (
    status: PublishStatus,
    owner: string | null,
    layout: DatasetLayout | null,
    manifest: string | null,
    stats = NO_STATS,
  ): PublishResult => ({
    status,
    report,
    owner,
    name: layout?.name ?? (typeof descriptor?.name === 'string' ? descriptor.name : null),
    commit: snapshot.commit,
    prefix: layout?.root ?? null,
    url: layout ? store.url(layout.latest('datapackage.json')) : null,
    manifest,
    stats,
    ...(cached && { cache: cached.stats }),
  });

  if (!report.valid || !descriptor) return result('invalid', null, null, null);

  // Whose dataset is it, under which name: the validation (`publishing`) made sure both form keys.
  const resolved = resolveOwner(target, descriptor.owner);
  const name = descriptor.name;
  if ('error' in resolved || typeof name !== 'string' || !isDatasetName(name))
    throw new InternalError(
      'unpublishable-valid-package',
      `a package the validation found publishable has ${'error' in resolved ? `no owner to publish under (${resolved.error})` : `the name ${JSON.stringify(name)}, which is no storage key`}`,
    );
  const owner = resolved.owner;
  const layout = new DatasetLayout(owner, name);

  // The last complete publish, and what a run killed since then may have changed.
  const { previous, dirty } = stored && quick?.root === layout.root ? stored : await readStored(store, layout);
  if (previous?.commit === snapshot.commit && dirty.length === 0) return result('unchanged', owner, layout, previous.manifest);

  const files = await fileEntries(snapshot, previous, hashes);
  const publishedAt = (options.now?.() ?? new Date()).toISOString();
  const generated = generatedObjects(layout, report, aggregates);
  const reportObject = jsonObject(layout.report(snapshot.commit), report, CACHE_IMMUTABLE);

  // Content that an older version stored may be in the bucket already (a revert): one HEAD per
  // new content, only when there is a previous version (a first publish has nothing to find).
  // A blob counts only at its full size (a store that is not atomic may hold a cut-off upload).
  const existing = new Set<string>();
  // Blobs uploaded while validating (only where the quick layout was this one).
  if (quick?.root !== layout.root) await early.current?.discard();
  const uploadedEarly =
    quick?.root === layout.root
      ? ((await early.current?.settled()) ?? new Map<string, { size: number }>())
      : new Map<string, { size: number }>();
  for (const h of uploadedEarly.keys()) existing.add(h);
  if (previous) {
    const known = new Set(Object.values(previous.files).map((f) => f.sha256));
    const candidates = new Map(files.filter((f) => !known.has(f.sha256)).map((f) => [f.sha256, f.size]));
    const unknown = [...candidates].filter(([h]) => !existing.has(h));
    await mapLimit(unknown, options.concurrency ?? 8, async ([h, size]) => {
      if ((await store.head(layout.blob(h)))?.size === size) existing.add(h);
    });
  }

  const { index, versions } = await versionIndexObject(store, layout, previous, quick?.root === layout.root ? storedIndex : null, {
    commit: snapshot.commit,
    publishedAt,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.size, 0),
    valid: report.valid,
    errors: report.stats.errors,
    warnings: report.stats.warnings,
    manifest: layout.version(snapshot.commit),
    report: reportObject.key,
  });
  // The dataset's page: a latest object like the aggregates (src/site).
  const sizes = Object.fromEntries(files.map((f) => [f.path, f.size]));
  const contentIds = Object.fromEntries(files.map((f) => [f.path, f.sha256]));
  const pageData = {
    commit: snapshot.commit,
    publishedAt,
    descriptor: descriptor as unknown as Record<string, unknown>,
    report,
    files: sizes,
    hashes: contentIds,
    versions,
    aggregates: aggregateTexts(layout, generated),
  };
  generated.push(datasetPageObject(layout, pageData));
  const versionPage = versionPageObject(layout, snapshot.commit, pageData);
  const plan = planMirror({
    layout,
    previous,
    commit: snapshot.commit,
    publishedAt,
    files,
    generated,
    report: reportObject,
    existingBlobs: existing,
    run: randomUUID(),
    dirty,
    indexes: [versionPage, index],
    ...(cached && quick?.root === layout.root && { results: cached.keys() }),
  });
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
  for (const { size } of uploadedEarly.values()) {
    stats.uploaded++;
    stats.uploadedBytes += size;
  }
  // After the commit point: a cached result is only ever one of a published version.
  if (quick?.root === layout.root) await cached?.flush();
  return result('published', owner, layout, plan.manifest.key, stats);
}

/** `versions/index.json` with this version added (one GET of the stored index, `read` when it was started already). */
async function versionIndexObject(
  store: ObjectStore,
  layout: DatasetLayout,
  previous: DatasetState | null,
  read: Promise<VersionIndex | null> | null,
  entry: VersionEntry,
): Promise<{ index: GeneratedObject; versions: VersionEntry[] }> {
  const early = await read?.then(
    (value) => ({ value }),
    () => null, // failed: read again
  );
  const stored = early ? early.value : await readStoredJson<VersionIndex>(store, layout.versionIndex);
  const value = nextVersionIndex(layout, stored, previous, entry);
  return { index: jsonObject(layout.versionIndex, value, CACHE_LATEST), versions: value.versions };
}

interface Stored {
  previous: DatasetState | null;
  dirty: string[];
  unchanged?: boolean;
}

/** The stored state of a dataset and the keys an interrupted run may have left changed. */
async function readStored(store: ObjectStore, layout: DatasetLayout, commit?: string): Promise<Stored> {
  const [state, pending] = await Promise.all([
    readStoredJson<DatasetState>(store, layout.state),
    readStoredJson<PendingPublish>(store, layout.pending),
  ]);
  const previous = state && typeof state.commit === 'string' && state.files && state.generated ? state : null;
  const dirty =
    pending && pending.run !== previous?.run && Array.isArray(pending.touched)
      ? pending.touched.filter((k): k is string => typeof k === 'string' && k.startsWith(layout.root))
      : [];
  return { previous, dirty, unchanged: commit !== undefined && previous?.commit === commit && dirty.length === 0 };
}

/** Where the dataset would be published, from a plain read of the descriptor; null when that needs the full validation to tell. */
async function quickLayout(
  snapshot: DatasetSnapshot,
  options: PublishOptions,
): Promise<{ layout: DatasetLayout | null; descriptor: Uint8Array | null }> {
  let descriptor: Uint8Array | null = null;
  try {
    descriptor = await snapshot.source.readDescriptor();
    const value = JSON.parse(
      Buffer.from(descriptor)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    ) as { name?: unknown; owner?: unknown };
    const resolved = resolveOwner({ github: snapshot.github?.owner, given: options.owner }, value?.owner);
    const layout =
      'owner' in resolved && isGitHubLogin(resolved.owner) && typeof value.name === 'string' && isDatasetName(value.name)
        ? new DatasetLayout(resolved.owner, value.name)
        : null;
    return { layout, descriptor };
  } catch {
    return { layout: null, descriptor };
  }
}

function unchangedResult(snapshot: DatasetSnapshot, store: ObjectStore, layout: DatasetLayout, previous: DatasetState): PublishResult {
  return {
    status: 'unchanged',
    report: null,
    owner: layout.owner,
    name: layout.name,
    commit: snapshot.commit,
    prefix: layout.root,
    url: store.url(layout.latest('datapackage.json')),
    manifest: previous.manifest,
    stats: NO_STATS,
  };
}

/**
 * Files of at least this size get their blob uploads started before the pass reaches them: the
 * upload of a file the pass reads last (its hash known only then) kept a first publish of the
 * bench package waiting ~1.7 s after validation (165 MB). LFS objects cost nothing to offer; a
 * git file is hashed on this thread, beside the pass.
 */
const HEAD_START_BYTES = 16 * 1024 * 1024;

/**
 * Offer the early uploads the files whose content id is known before the pass reads them — LFS
 * objects (the oid is the SHA-256) — and hash the big new git files now, largest first, so that
 * their uploads run beside the validation instead of after it.
 */
function headStart(snapshot: DatasetSnapshot, previous: DatasetState | null, published: ReadonlySet<string>, uploads: EarlyUploads): void {
  const fresh = snapshot.files
    .filter((f) => published.has(f.path) && previous?.files[f.path]?.oid !== f.oid)
    .sort((a, b) => b.size - a.size);
  for (const f of fresh) {
    if (f.lfs) uploads.offer(f.path, { sha256: f.lfs.oid, size: f.lfs.size });
    else if (f.size >= HEAD_START_BYTES)
      void snapshot.contentId(f.path).then(
        (id) => uploads.offer(f.path, id),
        () => undefined, // unreadable: the pass says so
      );
  }
}

/**
 * Chunks handed to the validator are at most this long: the text decoded from one stays a
 * young-generation string, freed by the cheap scavenges, instead of a large object that only
 * a full collection frees (V8 puts objects over 128 KiB there). With 256 KiB reads and many
 * resources in the pass at once, that garbage made most of a publish's peak memory.
 */
const SLICE = 32 * 1024;

/** The source, recording the sha256 and size of every file the validator reads to the end. */
function hashingSource(
  source: PackageSource,
  hashes: Map<string, { sha256: string; size: number }>,
  onHashed?: (path: string, id: { sha256: string; size: number }) => void,
): PackageSource {
  return {
    root: source.root,
    descriptorPath: source.descriptorPath,
    readDescriptor: () => source.readDescriptor(),
    async open(path) {
      const handle = await source.open(path);
      return {
        size: handle.size,
        async *stream() {
          const hash = createHash('sha256');
          let size = 0;
          for await (const chunk of handle.stream()) {
            hash.update(chunk);
            size += chunk.length;
            if (chunk.length <= SLICE) yield chunk;
            else for (let at = 0; at < chunk.length; at += SLICE) yield chunk.subarray(at, at + SLICE);
          }
          const id = { sha256: hash.digest('hex'), size };
          hashes.set(path, id);
          onHashed?.(path, id);
        },
      };
    },
  };
}

/**
 * The commit's published files with content ids: LFS oids and unchanged git blobs need no
 * reading, files the validator read were hashed on the way, the rest are hashed now.
 */
async function fileEntries(
  snapshot: DatasetSnapshot,
  previous: DatasetState | null,
  hashed: Map<string, { sha256: string; size: number }>,
): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const f of snapshot.files) {
    if (!isPublishedPath(f.path, f.mode)) continue;
    const before = previous?.files[f.path];
    const id =
      before && before.oid === f.oid
        ? { sha256: before.sha256, size: before.size }
        : f.lfs
          ? await snapshot.contentId(f.path)
          : (hashed.get(f.path) ?? (await snapshot.contentId(f.path)));
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
