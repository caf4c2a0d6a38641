/**
 * The registry's three CSV files, read and written deterministically (pure).
 *
 * Written form: a header, then one record a line; LF line ends and a final newline; a cell is
 * quoted (RFC 4180, `"` doubled) only when it holds a comma, a quote, CR or LF. datasets.csv is
 * sorted by repository id; catalog.csv holds exactly the `published` datasets, sorted by owner then
 * name (case-insensitive); changelog.csv keeps its rows in order (append-only). So the same state
 * always gives the same bytes, and `serializeRegistry(parseRegistry(text))` is `text` for text
 * written here. catalog.csv is derived from datasets.csv: it is read only to check its header.
 */

import { UserError } from '../errors.ts';
import { CsvParser, dialectOf } from '../validate/table/csv.ts';
import type { ChangelogEntry, DatasetEntry, DatasetStatus, RegistryState } from './model.ts';

/** The files of a registry repository, relative to its root. */
export const REGISTRY_FILES = {
  catalog: 'data/catalog.csv',
  datasets: 'data/datasets.csv',
  changelog: 'data/changelog.csv',
} as const;

export type RegistryFile = (typeof REGISTRY_FILES)[keyof typeof REGISTRY_FILES];

/** The registry's CSV texts, by path. */
export type RegistryFiles = Record<RegistryFile, string>;

/** catalog.csv's columns: OSEP-6's, exactly. */
export const CATALOG_COLUMNS = ['url', 'name', 'owner'] as const;
/** datasets.csv's columns: DatasetEntry's fields in snake_case, in this order. */
export const DATASET_COLUMNS = [
  'repository_id',
  'owner',
  'repo',
  'name',
  'url',
  'core',
  'title',
  'default_branch',
  'last_commit',
  'valid',
  's3_prefix',
  'updated',
  'status',
  'reason',
] as const;
/** changelog.csv's columns: ChangelogEntry's fields in snake_case, in this order. */
export const CHANGELOG_COLUMNS = ['time', 'event', 'dataset', 'repository_id', 'commit', 'delivery', 'note'] as const;

/** Every DatasetStatus, in the order of the template's enum. */
export const DATASET_STATUSES: readonly DatasetStatus[] = ['queued', 'validating', 'published', 'failed', 'removed', 'private'];

/** One row of catalog.csv. */
export interface CatalogEntry {
  url: string;
  name: string;
  owner: string;
}

/** A registry file that cannot be read as the registry: which file, which line, and what to fix. */
export class RegistryFormatError extends UserError {
  constructor(
    readonly path: string,
    readonly line: number,
    message: string,
  ) {
    super('registry-format', `${path}:${line}: ${message}`, {
      hint: `Fix ${path} in the registry repository (registry-template/ has the format).`,
    });
  }
}

// --- writing ---------------------------------------------------------------------------------

const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, RFC 4180: quoted only when it must be. */
export function csvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvText(header: readonly string[], rows: string[][]): string {
  return [header, ...rows].map((cells) => cells.map(csvCell).join(',') + '\n').join('');
}

/** Code-unit order (not locale order: the same bytes on every machine). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareFolded = (a: string, b: string): number => compare(a.toLowerCase(), b.toLowerCase());

/**
 * The catalog: exactly the published datasets, by owner then name, case-insensitive (exact
 * spelling, then url, only break ties, so the order is total).
 */
export function catalogOf(datasets: readonly DatasetEntry[]): CatalogEntry[] {
  return datasets
    .filter((d) => d.status === 'published')
    .map((d) => ({ url: d.url, name: d.name, owner: d.owner }))
    .sort(
      (a, b) =>
        compareFolded(a.owner, b.owner) ||
        compareFolded(a.name, b.name) ||
        compare(a.owner, b.owner) ||
        compare(a.name, b.name) ||
        compare(a.url, b.url),
    );
}

/** Datasets in the registry's order: by repository id. */
export function sortDatasets(datasets: readonly DatasetEntry[]): DatasetEntry[] {
  return [...datasets].sort((a, b) => a.repositoryId - b.repositoryId);
}

const bool = (b: boolean): string => (b ? 'true' : 'false');

/** The three CSV files of a registry state, byte-for-byte deterministic. */
export function serializeRegistry(state: RegistryState): RegistryFiles {
  const datasets = sortDatasets(state.datasets);
  return {
    [REGISTRY_FILES.catalog]: csvText(
      CATALOG_COLUMNS,
      catalogOf(datasets).map((c) => [c.url, c.name, c.owner]),
    ),
    [REGISTRY_FILES.datasets]: csvText(
      DATASET_COLUMNS,
      datasets.map((d) => [
        String(d.repositoryId),
        d.owner,
        d.repo,
        d.name,
        d.url,
        bool(d.core),
        d.title,
        d.defaultBranch,
        d.lastCommit,
        bool(d.valid),
        d.s3Prefix,
        d.updated,
        d.status,
        d.reason,
      ]),
    ),
    [REGISTRY_FILES.changelog]: csvText(
      CHANGELOG_COLUMNS,
      state.changelog.map((c) => [c.time, c.event, c.dataset, String(c.repositoryId), c.commit, c.delivery, c.note]),
    ),
  } as RegistryFiles;
}

// --- reading ---------------------------------------------------------------------------------

interface Record_ {
  line: number;
  get(column: string): string;
}

/** Parse one CSV file with the project's parser; check its header; give each record by column name. */
function readTable(path: string, text: string, columns: readonly string[]): Record_[] {
  const records: Array<{ cells: string[]; line: number }> = [];
  const parser = new CsvParser(dialectOf(undefined), (cells, line) => records.push({ cells, line }));
  parser.push(text.replace(/^\uFEFF/, ''));
  parser.end();
  // A blank line is a record of one empty cell: not a row.
  const rows = records.filter((r) => !(r.cells.length === 1 && r.cells[0] === ''));
  const header = rows.shift();
  if (!header) {
    if (text.trim() === '') return []; // an empty file: no rows yet
    throw new RegistryFormatError(path, 1, `no header; the first line must be ${columns.join(',')}`);
  }
  const index = new Map<string, number>();
  header.cells.forEach((name, i) => {
    if (index.has(name)) throw new RegistryFormatError(path, header.line, `column "${name}" appears twice`);
    index.set(name, i);
  });
  const missing = columns.filter((c) => !index.has(c));
  const extra = header.cells.filter((c) => !columns.includes(c));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
    ].filter(Boolean);
    throw new RegistryFormatError(path, header.line, `the header must be ${columns.join(',')} (${parts.join('; ')})`);
  }
  return rows.map(({ cells, line }) => {
    if (cells.length !== header.cells.length) {
      throw new RegistryFormatError(
        path,
        line,
        `${cells.length} cells where the header has ${header.cells.length}; quote cells that hold a comma`,
      );
    }
    return { line, get: (column: string) => cells[index.get(column)!]! };
  });
}

function integerOf(path: string, r: Record_, column: string): number {
  const v = r.get(column);
  if (!/^[1-9][0-9]*$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new RegistryFormatError(path, r.line, `${column} must be a positive integer (found ${JSON.stringify(v)})`);
  return Number(v);
}

function booleanOf(path: string, r: Record_, column: string): boolean {
  const v = r.get(column);
  if (v !== 'true' && v !== 'false')
    throw new RegistryFormatError(path, r.line, `${column} must be true or false (found ${JSON.stringify(v)})`);
  return v === 'true';
}

function statusOf(path: string, r: Record_): DatasetStatus {
  const v = r.get('status');
  if (!(DATASET_STATUSES as readonly string[]).includes(v))
    throw new RegistryFormatError(path, r.line, `status must be one of ${DATASET_STATUSES.join(', ')} (found ${JSON.stringify(v)})`);
  return v as DatasetStatus;
}

/**
 * Read a registry's CSV texts. Datasets come back sorted by repository id; catalog.csv is not
 * needed to rebuild the state (it is derived from datasets.csv), but a present one must have
 * OSEP-6's header. An empty text is a file with no rows yet. Throws RegistryFormatError.
 */
export function parseRegistry(files: { catalog?: string; datasets: string; changelog: string }): RegistryState {
  if (files.catalog !== undefined) readTable(REGISTRY_FILES.catalog, files.catalog, CATALOG_COLUMNS);

  const dp = REGISTRY_FILES.datasets;
  const seen = new Map<number, number>();
  const datasets: DatasetEntry[] = readTable(dp, files.datasets, DATASET_COLUMNS).map((r) => {
    const repositoryId = integerOf(dp, r, 'repository_id');
    const earlier = seen.get(repositoryId);
    if (earlier !== undefined)
      throw new RegistryFormatError(dp, r.line, `repository_id ${repositoryId} repeats line ${earlier}; a repository has one row`);
    seen.set(repositoryId, r.line);
    return {
      repositoryId,
      owner: r.get('owner'),
      repo: r.get('repo'),
      name: r.get('name'),
      url: r.get('url'),
      core: booleanOf(dp, r, 'core'),
      title: r.get('title'),
      defaultBranch: r.get('default_branch'),
      lastCommit: r.get('last_commit'),
      valid: booleanOf(dp, r, 'valid'),
      s3Prefix: r.get('s3_prefix'),
      updated: r.get('updated'),
      status: statusOf(dp, r),
      reason: r.get('reason'),
    };
  });

  const cp = REGISTRY_FILES.changelog;
  const changelog: ChangelogEntry[] = readTable(cp, files.changelog, CHANGELOG_COLUMNS).map((r) => ({
    time: r.get('time'),
    event: r.get('event'),
    dataset: r.get('dataset'),
    repositoryId: integerOf(cp, r, 'repository_id'),
    commit: r.get('commit'),
    delivery: r.get('delivery'),
    note: r.get('note'),
  }));

  return { datasets: sortDatasets(datasets), changelog };
}

/** parseRegistry over files keyed by path (as serializeRegistry returns them); a missing file has no rows. */
export function parseRegistryFiles(files: Partial<RegistryFiles>): RegistryState {
  return parseRegistry({
    ...(files[REGISTRY_FILES.catalog] !== undefined ? { catalog: files[REGISTRY_FILES.catalog] } : {}),
    datasets: files[REGISTRY_FILES.datasets] ?? '',
    changelog: files[REGISTRY_FILES.changelog] ?? '',
  });
}
