/**
 * `versions/index.json`: every published version of a dataset, newest first, so that a reader
 * with nothing but anonymous GETs (the bucket's policy allows no listing) can find them.
 *
 * Publish rewrites it after the version manifest and before `state.json`, so every version it
 * names has its manifest stored; prune rewrites it without the versions it removes.
 */

import type { DatasetLayout } from './layout.ts';
import type { DatasetState } from './plan.ts';

export interface VersionEntry {
  commit: string;
  /** When it was published (ISO 8601). */
  publishedAt: string;
  /** Files in the version (the descriptor included) and their total size in bytes. */
  files: number;
  bytes: number;
  /** The version's validation verdict (a published version is valid; warnings may remain). */
  valid: boolean;
  errors: number;
  warnings: number;
  /** Keys (relative to the store prefix) of the version manifest and its validation report. */
  manifest: string;
  report: string;
}

export interface VersionIndex {
  version: 1;
  owner: string;
  name: string;
  /** The published (latest) commit when the index was written. */
  latest: string;
  versions: VersionEntry[];
}

/** Newest first; the same instant by commit, so the order never depends on the input's. */
function newestFirst(a: VersionEntry, b: VersionEntry): number {
  if (a.publishedAt !== b.publishedAt) return a.publishedAt < b.publishedAt ? 1 : -1;
  return a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0;
}

/** A stored index's entries that have the expected shape (anything else is dropped, never trusted). */
export function versionEntries(value: unknown): VersionEntry[] {
  const list = (value as { versions?: unknown } | null)?.versions;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is VersionEntry =>
      !!e &&
      typeof e === 'object' &&
      typeof e.commit === 'string' &&
      typeof e.publishedAt === 'string' &&
      typeof e.manifest === 'string' &&
      Number.isSafeInteger(e.files) &&
      Number.isSafeInteger(e.bytes),
  );
}

/** The entry of the version a state describes (for an index started after that version was published). */
function entryOfState(layout: DatasetLayout, state: DatasetState): VersionEntry {
  const files = Object.values(state.files);
  return {
    commit: state.commit,
    publishedAt: state.publishedAt,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.size, 0),
    valid: true,
    errors: 0,
    warnings: 0,
    manifest: state.manifest,
    report: layout.report(state.commit),
  };
}

/**
 * The index after publishing `entry`: the stored entries (or, when there is no index yet, the
 * previous state's version), that commit's old entry replaced, newest first.
 */
export function nextVersionIndex(layout: DatasetLayout, stored: unknown, previous: DatasetState | null, entry: VersionEntry): VersionIndex {
  const before = stored ? versionEntries(stored) : previous ? [entryOfState(layout, previous)] : [];
  const versions = [...before.filter((e) => e.commit !== entry.commit), entry].sort(newestFirst);
  return { version: 1, owner: layout.owner, name: layout.name, latest: entry.commit, versions };
}

/** The index without the `removed` commits (prune). */
export function withoutVersions(layout: DatasetLayout, stored: unknown, removed: ReadonlySet<string>, latest: string | null): VersionIndex {
  const versions = versionEntries(stored)
    .filter((e) => !removed.has(e.commit))
    .sort(newestFirst);
  return { version: 1, owner: layout.owner, name: layout.name, latest: latest ?? versions[0]?.commit ?? '', versions };
}
