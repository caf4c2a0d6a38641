/**
 * `os-datastore publish`: validate, then mirror datasets to the configured store (or the embedded
 * one under `.os-datastore/` when no bucket is configured).
 */

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fsSnapshot } from '../adapters/fs/snapshot.ts';
import { openGitDataset } from '../adapters/git/dataset.ts';
import { createParallelRunner } from '../adapters/threads/parallel.ts';
import { cloneRepository, GitCommandError, isInsideWorkTree } from '../adapters/git/exec.ts';
import { startEmbeddedStore, type EmbeddedStore } from '../adapters/s3/embedded.ts';
import { storageConfig, type StorageConfig, type StorageLabels, type StorageOverrides } from '../config/storage.ts';
import { createS3Store, type S3Store } from '../adapters/s3/store.ts';
import type { ApplyProgress } from '../mirror/apply.ts';
import type { DatasetSnapshot } from '../mirror/snapshot.ts';
import { publishDataset, type PublishResult } from '../pipeline/publish.ts';
import { visible, visibleLines } from '../escape.ts';
import { renderText, formatBytes } from '../validate/render/text.ts';
import { UsageError, type Io } from './io.ts';
import { threadsOf } from './options.ts';
import { findPackages } from './validate.ts';
import { useColor } from '../config/terminal.ts';

/** The port `storage serve` uses by default. */
export const EMBEDDED_SERVE_PORT = 4568;

export interface StorageFlags {
  bucket?: string;
  endpoint?: string;
  region?: string;
  prefix?: string;
  pathStyle?: boolean;
}

export interface PublishFlags extends StorageFlags {
  json?: boolean;
  strict?: boolean;
  maxErrors: number;
  owner?: string;
  commit?: string;
  allowPrivateLfs?: boolean;
  threads?: number;
  /** false (--no-cache): validate every resource, keep no results in the store. */
  cache?: boolean;
}

/** The storage overrides the flags give (CLI flags win over the environment). */
/** How storage messages name the flags. */
const STORAGE_FLAG_LABELS: StorageLabels = {
  bucket: '--bucket',
  endpoint: '--endpoint',
  region: '--region',
  prefix: '--prefix',
  forcePathStyle: '--path-style',
};

function storageOverrides(flags: StorageFlags): StorageOverrides {
  const o: StorageOverrides = {};
  if (flags.bucket) o.bucket = flags.bucket;
  if (flags.endpoint) o.endpoint = flags.endpoint;
  if (flags.region) o.region = flags.region;
  if (flags.prefix !== undefined) o.prefix = flags.prefix;
  if (flags.pathStyle !== undefined) o.forcePathStyle = flags.pathStyle;
  return o;
}

/** The configured store, or the embedded one (started here, closed by `close`). */
export async function openStore(
  flags: StorageFlags,
  io: Io,
): Promise<{ store: S3Store; config: StorageConfig; embedded: EmbeddedStore | null; close(): Promise<void> }> {
  const config = storageConfig(io.env, storageOverrides(flags), STORAGE_FLAG_LABELS);
  if (config) {
    const store = createS3Store(config);
    return { store, config, embedded: null, close: async () => store.destroy() };
  }
  const embedded = await startEmbeddedStore();
  // URLs printed point where `storage serve` (default port) shows the objects after this run.
  const store = createS3Store({ ...embedded.config, publicBaseUrl: `http://127.0.0.1:${EMBEDDED_SERVE_PORT}/${embedded.config.bucket}` });
  return {
    store,
    config: embedded.config,
    embedded,
    close: async () => {
      store.destroy();
      await embedded.close();
    },
  };
}

const isUrl = (t: string): boolean => /^(https?|ssh|git|file):\/\//.test(t) || /^[\w.-]+@[\w.-]+:/.test(t);

/** A snapshot of a target: a git clone URL, a folder in a git repository, or a plain folder. */
async function snapshotOf(target: string, flags: PublishFlags, cleanup: Array<() => Promise<void>>): Promise<DatasetSnapshot> {
  const lfs = { allowPrivateEndpoints: Boolean(flags.allowPrivateLfs) };
  if (isUrl(target)) {
    const dir = await mkdtemp(join(tmpdir(), 'os-datastore-clone-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // In git's clean environment (a caller's GIT_DIR would make the clone write elsewhere).
    try {
      await cloneRepository(target, dir);
    } catch (e) {
      if (!(e instanceof GitCommandError)) throw e;
      throw new UsageError(
        `${target}: git could not clone it (${e.stderr.trim() || `exit ${e.exitCode}`}); check the URL and your access to it`,
      );
    }
    return openGitDataset(dir, { commit: flags.commit, lfs });
  }
  // A dataset's datapackage.json names its folder: in a git repository, that folder's commit is published, as for the folder.
  const folder = basename(target) === 'datapackage.json' && !(await stat(target)).isDirectory() ? dirname(target) : target;
  return (await isInsideWorkTree(folder)) ? openGitDataset(folder, { commit: flags.commit, lfs }) : fsSnapshot(target);
}

function progressLine(io: Io): ((p: ApplyProgress) => void) | undefined {
  if (!io.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 100 && p.phase !== 'commit') return;
    last = now;
    const bytes = p.bytesTotal ? ` ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}` : '';
    io.stderr(`\r\u001b[2K${p.phase} ${p.done}/${p.total}${bytes}` + (p.phase === 'commit' ? '\n' : ''));
  };
}

/** `os-datastore publish`: 0 published or unchanged, 1 invalid. */
export async function runPublish(targets: string[], flags: PublishFlags, io: Io): Promise<number> {
  const cleanup: Array<() => Promise<void>> = [];
  const { store, config, embedded, close } = await openStore(flags, io);
  cleanup.push(close);
  const results: PublishResult[] = [];
  try {
    const packages: string[] = [];
    for (const t of targets) packages.push(...(isUrl(t) ? [t] : await findPackages(t)));
    const threads = threadsOf(flags.threads, io);
    for (const target of packages) {
      const snapshot = await snapshotOf(target, flags, cleanup);
      const onWarning = (message: string): void => io.stderr(`warning: ${visible(message)}\n`);
      // One runner per package: its workers start with the package's recipe.
      const runner = createParallelRunner({ threads, warn: onWarning });
      let result: PublishResult;
      try {
        result = await publishDataset(snapshot, store, {
          owner: flags.owner,
          strict: flags.strict,
          maxErrors: flags.maxErrors,
          runner,
          cache: flags.cache !== false,
          onWarning,
          onProgress: progressLine(io),
        });
      } finally {
        await runner.close();
      }
      results.push(result);
      if (!flags.json) io.stdout(describe(result, target, io));
    }
  } finally {
    for (const c of cleanup.reverse()) await c();
  }
  const ok = results.every((r) => r.status !== 'invalid');
  if (flags.json) {
    const doc = results.map((r) => ({ ...r, store: store.description }));
    io.stdout(JSON.stringify(doc.length === 1 ? doc[0] : { ok, results: doc }, null, 2) + '\n');
  } else if (embedded) {
    io.stdout(
      `\nThe embedded store keeps its objects in .os-datastore/s3 (bucket "${config.bucket}").\n` +
        'Browse them with: npm run cli -- storage serve\n',
    );
  }
  return ok ? 0 : 1;
}

function describe(r: PublishResult, target: string, io: Io): string {
  if (r.status === 'invalid') {
    return (
      renderText(r.report!, { color: useColor(io.env, io.isTTY) }) +
      `not published: ${visible(target)} is invalid (nothing was written)\n\n`
    );
  }
  return visibleLines(describePublished(r));
}

/** What was published, unchanged or new (owner, name, prefix and URLs come from the dataset: shown through `visible`). */
function describePublished(r: PublishResult): string {
  const short = r.commit.slice(0, 12);
  const where = `${r.owner}/${r.name} @ ${short}`;
  if (r.status === 'unchanged') return `unchanged: ${where} is already published\n  ${r.url}\n`;
  const s = r.stats;
  return (
    `published: ${where} → ${r.prefix}\n` +
    `  ${s.uploaded} new file contents (${formatBytes(s.uploadedBytes)}), ${s.copied} latest paths updated, ${s.deleted} removed, ${s.written} small writes\n` +
    `  descriptor: ${r.url}\n  page:       ${r.url?.replace(/datapackage\.json$/, 'index.html')}\n  version:    ${r.manifest}\n`
  );
}
