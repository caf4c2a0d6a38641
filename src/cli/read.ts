/** The read side: `get`, `versions`, `restore` — through anonymous GETs (--url) or the storage configuration of `publish` — and `site`. */

import { resolve } from 'node:path';
import { checkFreshDestination, intoFreshFolder } from '../adapters/fs/fresh-folder.ts';
import { restoreRepository } from '../adapters/git/restore.ts';
import { publicStoreReader } from '../adapters/http/public-store.ts';
import { s3StoreReader } from '../adapters/s3/reader.ts';
import { listPublishedDatasets } from '../adapters/s3/datasets.ts';
import { buildSite } from '../site/build.ts';
import { visible, visibleLines } from '../escape.ts';
import { listVersions, openDataset, parseDatasetRef, type DatasetRef } from '../read/dataset.ts';
import { downloadVersion } from '../read/download.ts';
import type { StoreReader } from '../read/reader.ts';
import { formatBytes } from '../validate/render/text.ts';
import { UsageError, type Io } from './io.ts';
import { openStore, type StorageFlags } from './publish.ts';

export interface ReadFlags extends StorageFlags {
  url?: string;
}

/** The reader the flags ask for: anonymous GETs under --url, else the configured (or embedded) store. */
async function openReader(flags: ReadFlags, io: Io): Promise<{ reader: StoreReader; close(): Promise<void> }> {
  if (flags.url !== undefined) {
    if (flags.bucket || flags.endpoint || flags.prefix !== undefined) {
      throw new UsageError(
        '--url reads anonymously from a public URL (its path includes any prefix); --bucket, --endpoint and --prefix configure the S3 client instead: give one or the other',
      );
    }
    try {
      return { reader: publicStoreReader(flags.url), close: async () => {} };
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const { store, close } = await openStore(flags, io);
  return { reader: s3StoreReader(store), close };
}

function refOf(text: string, command: string, allowCommit: boolean): DatasetRef {
  const ref = parseDatasetRef(text);
  if ('error' in ref) throw new UsageError(`${command}: ${ref.error}`);
  if (!allowCommit && ref.commit !== undefined) throw new UsageError(`${command}: give OWNER/NAME without @COMMIT`);
  return ref;
}

/**
 * Runs a read command with the store open. A ReadError reaches the CLI's entry like any user
 * error: one line on stderr, exit 1 when the store's content is wrong, 2 when it cannot be read.
 */
async function reading(io: Io, flags: ReadFlags, body: (reader: StoreReader) => Promise<number>): Promise<number> {
  const { reader, close } = await openReader(flags, io);
  try {
    return await body(reader);
  } finally {
    await close();
  }
}

/** `os-datastore get OWNER/NAME[@COMMIT] --out DIR [--aggregates]`. */
export async function runGet(
  dataset: string,
  flags: ReadFlags & { out: string; aggregates?: boolean; json?: boolean },
  io: Io,
): Promise<number> {
  const ref = refOf(dataset, 'get', true);
  return reading(io, flags, async (reader) => {
    await checkFreshDestination(resolve(flags.out), '--out'); // before anything is read
    const version = await openDataset(reader, ref);
    if (flags.aggregates && !version.latest) {
      throw new UsageError(
        `get --aggregates: the store keeps the aggregates of the published version only (${version.layout.owner}/${version.layout.name}@${(await openDataset(reader, { owner: ref.owner, name: ref.name })).commit.slice(0, 12)}); leave out --aggregates or @COMMIT`,
      );
    }
    const result = await intoFreshFolder(flags.out, '--out', (dir) => downloadVersion(version, dir, { aggregates: flags.aggregates }));
    if (flags.json) {
      io.stdout(
        JSON.stringify(
          {
            owner: version.owner,
            name: version.name,
            commit: version.commit,
            publishedAt: version.publishedAt,
            latest: version.latest,
            out: resolve(flags.out),
            ...result,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const aggregates = flags.aggregates ? `, ${result.aggregates} aggregate files under aggregates/` : '';
      io.stdout(
        visibleLines(
          `got ${version.owner}/${version.name} @ ${version.commit.slice(0, 12)} (published ${version.publishedAt}${version.latest ? ', the latest' : ''}) → ${flags.out}\n` +
            `  ${result.files} files, ${formatBytes(result.bytes)}, each verified (sha256 and size)${aggregates}\n`,
        ),
      );
    }
    return 0;
  });
}

/** `os-datastore versions OWNER/NAME [--json]`: newest first. */
export async function runVersions(dataset: string, flags: ReadFlags & { json?: boolean }, io: Io): Promise<number> {
  const ref = refOf(dataset, 'versions', false);
  return reading(io, flags, async (reader) => {
    const versions = await listVersions(reader, ref);
    if (flags.json) {
      io.stdout(JSON.stringify(versions, null, 2) + '\n');
      return 0;
    }
    const rows = versions.map((v) => [
      v.commit.slice(0, 12),
      v.publishedAt,
      String(v.files),
      formatBytes(v.bytes),
      v.valid ? (v.warnings ? `valid (${v.warnings} warnings)` : 'valid') : 'invalid',
    ]);
    const head = ['commit', 'published', 'files', 'bytes', 'status'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string =>
      cells
        .map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd() + '\n';
    io.stdout(
      visibleLines(
        `${ref.owner}/${ref.name}: ${versions.length} published version${versions.length === 1 ? '' : 's'}, newest first\n` +
          line(head) +
          rows.map(line).join(''),
      ),
    );
    return 0;
  });
}

/** `os-datastore restore OWNER/NAME[@COMMIT] --into DIR`. */
export async function runRestore(dataset: string, flags: ReadFlags & { into: string; json?: boolean }, io: Io): Promise<number> {
  const ref = refOf(dataset, 'restore', true);
  return reading(io, flags, async (reader) => {
    await checkFreshDestination(resolve(flags.into), '--into'); // before anything is read
    const version = await openDataset(reader, ref);
    const result = await restoreRepository(version, flags.into);
    const remote = `https://github.com/${version.owner}/${version.name}.git`;
    const commands = [`git -C ${shellWord(flags.into)} remote add origin ${remote}`, `git -C ${shellWord(flags.into)} push -u origin main`];
    if (flags.json) {
      io.stdout(
        JSON.stringify(
          {
            owner: version.owner,
            name: version.name,
            original: version.commit,
            commit: result.commit,
            into: resolve(flags.into),
            files: result.files,
            bytes: result.bytes,
            lfs: result.lfs,
            push: commands,
          },
          null,
          2,
        ) + '\n',
      );
      return 0;
    }
    io.stdout(
      visibleLines(
        `restored ${version.owner}/${version.name} @ ${version.commit.slice(0, 12)} → ${flags.into}\n` +
          `  commit ${result.commit.slice(0, 12)} on main: ${result.files} files, ${formatBytes(result.bytes)}, each verified; ${result.lfs} tracked by git-LFS\n` +
          `  (only the dataset's files are backed up: add .github/workflows and other hidden files again if the repository had them)\n\n` +
          `Create an empty repository ${version.owner}/${version.name} on GitHub, then push it:\n` +
          commands.map((c) => `  ${c}\n`).join(''),
      ),
    );
    return 0;
  });
}

/** A path as one shell word (quoted when it needs to be). */
function shellWord(s: string): string {
  return /^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `os-datastore site`: the catalog and every dataset's page, written to the configured (or embedded) store. */
export async function runSite(flags: StorageFlags & { json?: boolean }, io: Io): Promise<number> {
  const { store, embedded, close } = await openStore(flags, io);
  try {
    const result = await buildSite({ reader: s3StoreReader(store), store, listDatasets: () => listPublishedDatasets(store) });
    if (flags.json) {
      io.stdout(JSON.stringify(result, null, 2) + '\n');
      return 0;
    }
    for (const s of result.skipped) io.stderr(`warning: no page for ${visible(s.dataset)}: ${visible(s.reason)}\n`);
    io.stdout(
      visibleLines(
        `site: ${result.datasets} datasets in the catalog (from ${result.source === 'registry' ? "the registry's read copy" : 'the datasets in the store'}), ${result.pages} dataset pages written\n` +
          `  catalog: ${result.url}\n`,
      ) + (embedded ? 'Browse it while the embedded store runs: npm run cli -- storage serve\n' : ''),
    );
    return 0;
  } finally {
    await close();
  }
}
