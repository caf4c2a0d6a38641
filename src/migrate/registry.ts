/**
 * Listing migrated packages in a registry: a local registry folder (made from
 * `registry-template/` when absent) edited with the same pure functions the App uses
 * (src/registry/), under a lock so concurrent runs on one machine never lose a row.
 *
 * A migrated dataset that has no GitHub repository yet is keyed by a stable synthetic
 * repository id: 2^52 + 48 bits of sha256("owner/name"), far above any GitHub id, the same in
 * every run and every shard. `--create-repos` gives it its real repository id instead.
 */

import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  applyObservations,
  parseRegistryFiles,
  REGISTRY_FILES,
  serializeRegistry,
  type ChangeContext,
  type ChangelogEntry,
  type RepositoryObservation,
} from '../registry/index.ts';
import { UserError } from '../errors.ts';

const SYNTHETIC_BASE = 2 ** 52;

function syntheticRepositoryId(owner: string, name: string): number {
  const h = createHash('sha256').update(`${owner.toLowerCase()}/${name}`).digest();
  return SYNTHETIC_BASE + h.readUIntBE(0, 6);
}

export interface MigratedDataset {
  owner: string;
  name: string;
  title: string;
  repositoryId?: number;
  htmlUrl?: string;
  commit?: string | null;
}

/** The observation the registry edit applies for a published migrated package. */
export function migratedObservation(d: MigratedDataset): RepositoryObservation {
  return {
    repositoryId: d.repositoryId ?? syntheticRepositoryId(d.owner, d.name),
    exists: true,
    installed: true,
    private: false,
    archived: false,
    owner: d.owner,
    repo: d.name,
    htmlUrl: d.htmlUrl ?? `https://github.com/${d.owner}/${d.name}`,
    defaultBranch: 'main',
    headCommit: d.commit && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(d.commit) ? d.commit : null,
    descriptor: { name: d.name, title: d.title, owner: d.owner, valid: true, problems: [] },
  };
}

const exists = (p: string): Promise<boolean> =>
  lstat(p).then(
    () => true,
    () => false,
  );

/** Make DIR a registry from the template when it holds none (under the lock: shards may start together). */
export async function ensureLocalRegistry(dir: string, template: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await withLock(dir, async () => {
    if (await exists(join(dir, REGISTRY_FILES.datasets))) return;
    await cp(template, dir, { recursive: true, errorOnExist: false, force: false });
  });
}

/** Run `f` holding DIR/.lock (a directory: mkdir is atomic), waiting up to 30 s for another run's. */
async function withLock<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.lock');
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i > 600)
        throw new UserError(
          'registry-locked',
          `${lock}: the registry folder is locked by another run (remove ${lock} if no run is going on)`,
        );
      await sleep(50);
    }
  }
  try {
    return await f();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Apply observations to a local registry folder under a lock; returns the changelog rows written. */
export async function registerLocal(dir: string, observations: RepositoryObservation[], ctx: ChangeContext): Promise<ChangelogEntry[]> {
  return withLock(dir, async () => {
    const read = async (f: string): Promise<string | undefined> => readFile(join(dir, f), 'utf8').catch(() => undefined);
    const state = parseRegistryFiles({
      [REGISTRY_FILES.catalog]: await read(REGISTRY_FILES.catalog),
      [REGISTRY_FILES.datasets]: (await read(REGISTRY_FILES.datasets)) ?? '',
      [REGISTRY_FILES.changelog]: (await read(REGISTRY_FILES.changelog)) ?? '',
    });
    const { state: next, changes } = applyObservations(state, observations, ctx);
    if (changes.length === 0) return [];
    const files = serializeRegistry(next);
    for (const [path, text] of Object.entries(files)) {
      const full = join(dir, path);
      await writeFile(`${full}.tmp`, text);
      await rename(`${full}.tmp`, full);
    }
    return changes;
  });
}
