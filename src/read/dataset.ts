/**
 * A published dataset, read back: `state.json` → `versions/{commit}.json` → blobs, every file
 * verified against the manifest's sha256 and size. Works through any StoreReader: anonymous GETs
 * or the S3 client. Everything read from the store is checked before use (paths, hashes, keys):
 * a store is data, never trusted.
 */

import { createHash } from 'node:crypto';
import { DatasetLayout } from '../mirror/layout.ts';
import type { DatasetState, VersionManifest } from '../mirror/plan.ts';
import { isPublishedPath } from '../mirror/snapshot.ts';
import { versionEntries, type VersionEntry } from '../mirror/versions.ts';
import { byteLength, DATASET_NAME_FORM, GITHUB_LOGIN_FORM, isDatasetName, isGitHubLogin, MAX_PATH_BYTES } from '../package/names.ts';
import { quoted } from '../package/problem.ts';
import { ReadError, type StoreReader } from './reader.ts';

export interface DatasetRef {
  owner: string;
  name: string;
  /** A commit (or a unique prefix of one, at least 4 hex digits); none: the latest. */
  commit?: string;
}

/** `OWNER/NAME[@COMMIT]` → a reference, or a message saying what is wrong with it. */
export function parseDatasetRef(text: string): DatasetRef | { error: string } {
  const m = /^([^/@]+)\/([^/@]+)(?:@(.*))?$/.exec(text);
  if (!m) return { error: `${quoted(text)} is not OWNER/NAME or OWNER/NAME@COMMIT (e.g. os-data/city-budget-2024@3f2a9c1)` };
  const [, owner, name, commit] = m as unknown as [string, string, string, string | undefined];
  if (!isGitHubLogin(owner)) return { error: `the owner in ${quoted(text)} is not a GitHub owner: ${GITHUB_LOGIN_FORM}` };
  if (!isDatasetName(name)) return { error: `the name in ${quoted(text)} is not a dataset name: ${DATASET_NAME_FORM}` };
  if (commit !== undefined && !/^[0-9a-f]{4,64}$/i.test(commit))
    return { error: `the commit in ${quoted(text)} is not 4 to 64 hex digits (a commit id or a unique prefix of one)` };
  return { owner: owner.toLowerCase(), name, ...(commit !== undefined ? { commit: commit.toLowerCase() } : {}) };
}

export interface DatasetFile {
  path: string;
  sha256: string;
  size: number;
  /** The file was stored in git-LFS in the dataset repository. */
  lfs: boolean;
  /** Key of its content-addressed copy. */
  blob: string;
}

export interface AggregateFile {
  /** e.g. `aggregates/summary.json` */
  path: string;
  key: string;
  sha256: string;
}

export interface PublishedVersion {
  owner: string;
  name: string;
  commit: string;
  publishedAt: string;
  /** This version is the published (latest) one. */
  latest: boolean;
  /** Sorted by path; `datapackage.json` among them. */
  files: DatasetFile[];
  /** Key of the validation report. */
  report: string;
  /** The aggregates the store holds for this version: the latest one's only (they are not versioned), else empty. */
  aggregates: AggregateFile[];
  layout: DatasetLayout;
  reader: StoreReader;
  /** One file's bytes as a stream, failing with a ReadError (kind "mismatch") unless its size and sha256 are the manifest's. */
  stream(path: string): AsyncIterable<Uint8Array>;
  /** One file's bytes, verified. */
  read(path: string): Promise<Uint8Array>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The stored JSON at `key`, or null when absent; a ReadError when it is not JSON. */
async function json(reader: StoreReader, key: string): Promise<Record<string, unknown> | null> {
  const bytes = await reader.get(key);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // below
  }
  throw new ReadError(`${reader.url(key)} is not a JSON object: the store is damaged there; publish the dataset again`, 'damaged');
}

/** Every published version, newest first: `versions/index.json`, else (a dataset published before the index existed) the published one. */
export async function listVersions(reader: StoreReader, ref: Pick<DatasetRef, 'owner' | 'name'>): Promise<VersionEntry[]> {
  const layout = new DatasetLayout(ref.owner, ref.name);
  const index = await json(reader, layout.versionIndex);
  if (index) return versionEntries(index);
  const state = await json(reader, layout.state);
  if (!state) throw notFound(reader, layout);
  const manifestKey = typeof state.manifest === 'string' ? state.manifest : layout.version(String(state.commit));
  const manifest = await json(reader, manifestKey);
  if (!manifest)
    throw new ReadError(`${reader.url(manifestKey)} (the published version's manifest) is missing: publish the dataset again`, 'damaged');
  const files = checkedFiles(reader, layout, manifest, manifestKey);
  return [
    {
      commit: String(manifest.commit),
      publishedAt: String(manifest.publishedAt),
      files: files.length,
      bytes: files.reduce((n, f) => n + f.size, 0),
      valid: true,
      errors: 0,
      warnings: 0,
      manifest: manifestKey,
      report: typeof manifest.report === 'string' ? manifest.report : layout.report(String(manifest.commit)),
    },
  ];
}

function notFound(reader: StoreReader, layout: DatasetLayout): ReadError {
  return new ReadError(
    `${layout.owner}/${layout.name} is not published in ${reader.description} (no ${layout.state}): check the owner and name, and --url or the storage settings`,
    'not-found',
  );
}

/** Open one version (the latest when `ref.commit` is absent). */
export async function openDataset(reader: StoreReader, ref: DatasetRef): Promise<PublishedVersion> {
  const layout = new DatasetLayout(ref.owner, ref.name);
  const state = (await json(reader, layout.state)) as Partial<DatasetState> | null;
  if (!state) throw notFound(reader, layout);
  let commit = typeof state.commit === 'string' ? state.commit : '';
  if (ref.commit !== undefined && !commit.startsWith(ref.commit)) {
    const versions = await listVersions(reader, layout);
    const matches = versions.filter((v) => v.commit.startsWith(ref.commit!));
    if (matches.length === 0) {
      // The index may predate the version (or be gone): a full commit id is looked up directly.
      if (ref.commit.length === 40 || ref.commit.length === 64) commit = ref.commit;
      else
        throw new ReadError(
          `${layout.owner}/${layout.name} has no published version ${ref.commit}: run os-datastore versions ${layout.owner}/${layout.name} to see them`,
          'not-found',
        );
    } else if (matches.length > 1) {
      throw new ReadError(
        `${ref.commit} names ${matches.length} versions of ${layout.owner}/${layout.name} (${matches.map((m) => m.commit.slice(0, 12)).join(', ')}): give more digits`,
        'not-found',
      );
    } else commit = matches[0]!.commit;
  }
  const latest = commit === state.commit;
  const manifestKey = latest && typeof state.manifest === 'string' ? state.manifest : layout.version(commit);
  const manifest = (await json(reader, manifestKey)) as Partial<VersionManifest> | null;
  if (!manifest) {
    throw new ReadError(
      latest
        ? `${reader.url(manifestKey)} (the published version's manifest) is missing: publish the dataset again`
        : `${layout.owner}/${layout.name} has no published version ${commit} (no ${manifestKey}): run os-datastore versions ${layout.owner}/${layout.name} to see them`,
      latest ? 'damaged' : 'not-found',
    );
  }
  if (manifest.commit !== commit)
    throw new ReadError(
      `${reader.url(manifestKey)} describes commit ${quoted(String(manifest.commit))}, not ${commit}: the store is damaged there`,
      'damaged',
    );
  const files = checkedFiles(reader, layout, manifest as Record<string, unknown>, manifestKey);
  const byPath = new Map(files.map((f) => [f.path, f]));

  const aggregates: AggregateFile[] = [];
  if (latest && state.generated && typeof state.generated === 'object') {
    for (const [key, sha256] of Object.entries(state.generated)) {
      const path = key.slice(layout.root.length);
      if (key.startsWith(layout.root + 'aggregates/') && typeof sha256 === 'string' && HEX64.test(sha256) && safePath(path))
        aggregates.push({ path, key, sha256 });
    }
    aggregates.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  const stream = (path: string): AsyncIterable<Uint8Array> => {
    const file = byPath.get(path);
    if (!file) throw new ReadError(`${path} is not a file of ${layout.owner}/${layout.name}@${commit}`, 'not-found');
    return verifiedStream(reader, file.blob, file.path, file.sha256, file.size);
  };
  return {
    owner: layout.owner,
    name: layout.name,
    commit,
    publishedAt: typeof manifest.publishedAt === 'string' ? manifest.publishedAt : '',
    latest,
    files,
    report: typeof manifest.report === 'string' ? manifest.report : layout.report(commit),
    aggregates,
    layout,
    reader,
    stream,
    read: async (path) => collect(stream(path)),
  };
}

/** A path a reader may write under its output folder: relative, no empty, `.` or `..` segment, nothing hidden, within the key bound. */
export function safePath(path: string): boolean {
  return (
    typeof path === 'string' &&
    path.length > 0 &&
    !path.startsWith('/') &&
    !path.includes('\\') &&
    !path.includes('\0') &&
    byteLength(path) <= MAX_PATH_BYTES &&
    path.split('/').every((s) => s.length > 0 && !s.startsWith('.'))
  );
}

function checkedFiles(reader: StoreReader, layout: DatasetLayout, manifest: Record<string, unknown>, key: string): DatasetFile[] {
  const files = manifest.files;
  if (!files || typeof files !== 'object') throw new ReadError(`${reader.url(key)} has no "files": the store is damaged there`, 'damaged');
  const out: DatasetFile[] = [];
  for (const [path, value] of Object.entries(files as Record<string, unknown>)) {
    const f = value as { sha256?: unknown; size?: unknown; lfs?: unknown } | null;
    // A path that could leave the output folder or hide in it (.git) is refused, whatever the store says.
    if (!safePath(path) || !isPublishedPath(path))
      throw new ReadError(
        `${reader.url(key)} names the file ${quoted(path)}, which is not a path a dataset can have: the manifest is damaged or hostile; nothing was written`,
        'damaged',
      );
    if (!f || typeof f.sha256 !== 'string' || !HEX64.test(f.sha256) || !Number.isSafeInteger(f.size) || (f.size as number) < 0) {
      throw new ReadError(
        `${reader.url(key)}: the entry of ${quoted(path)} has no valid sha256 and size: the manifest is damaged`,
        'damaged',
      );
    }
    out.push({ path, sha256: f.sha256, size: f.size as number, lfs: f.lfs === true, blob: layout.blob(f.sha256) });
  }
  if (!out.some((f) => f.path === 'datapackage.json'))
    throw new ReadError(`${reader.url(key)} has no datapackage.json: the manifest is damaged`, 'damaged');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The bytes of `key`, passed through while hashed; the last chunk is held back until size and
 * sha256 are checked, so a consumer that writes what it gets never completes a wrong file.
 */
export async function* verifiedStream(
  reader: StoreReader,
  key: string,
  path: string,
  sha256: string,
  size: number | null,
): AsyncGenerator<Uint8Array> {
  const body = await reader.stream(key);
  if (!body)
    throw new ReadError(`${path}: its content ${reader.url(key)} is missing from the store (expected sha256 ${sha256})`, 'mismatch');
  const hash = createHash('sha256');
  let seen = 0;
  let held: Uint8Array | null = null;
  for await (const chunk of body) {
    seen += chunk.length;
    if (size !== null && seen > size) throw mismatch(path, sha256, size, `more than ${size} bytes`);
    hash.update(chunk);
    if (held) yield held;
    held = chunk;
  }
  const actual = hash.digest('hex');
  if (size !== null && seen !== size) throw mismatch(path, sha256, size, `${seen} bytes (sha256 ${actual})`);
  if (actual !== sha256) throw mismatch(path, sha256, size, `sha256 ${actual}`);
  if (held) yield held;
}

function mismatch(path: string, sha256: string, size: number | null, actual: string): ReadError {
  const expected = size === null ? `sha256 ${sha256}` : `sha256 ${sha256} (${size} bytes)`;
  return new ReadError(
    `${path}: the stored content does not match the manifest: expected ${expected}, got ${actual}; the store was changed or damaged (nothing was written)`,
    'mismatch',
  );
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

/** One aggregate file's bytes as a stream, verified against the sha256 `state.json` records. */
export function aggregateStream(version: PublishedVersion, file: AggregateFile): AsyncIterable<Uint8Array> {
  return verifiedStream(version.reader, file.key, file.path, file.sha256, null);
}
