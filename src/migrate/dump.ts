/**
 * A dump of old datasets, read in either layout, into one form the batch plans from:
 *
 * - `os-legacy-dump/1` (MIGRATION.md, "A dump format we can define"): `dump.json` and
 *   `datasets/<name>/{record,model,team,sources,views}.json`, `sources/<id>.csv`, `entries.csv`;
 * - openspending-migrate's exports: `<dir>/<name>/{dataset.json, dataset.csv, archive/<id>.csv}`
 *   found up to three levels down (`exports/`, `exports5/{public,private}/`); a dataset under a
 *   `private/` folder is private.
 *
 * Filesystem edge; never follows a symlink.
 */

import { lstat, readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError, type UserErrorOptions } from '../errors.ts';
import { isObject } from '../package/descriptor.ts';

type Obj = Record<string, unknown>;

export type DumpLayout = 'os-legacy-dump/1' | 'openspending-migrate';

export interface DumpSource {
  id: string;
  url: string;
  createdAt?: string;
  creator: string | null;
  loaded: boolean | null;
  /** ok | http-error | network-error | not-csv | missing (no file in the dump). */
  download: string;
  httpStatus?: number | null;
  file: string | null;
  analysisError?: string;
}

export interface DumpDataset {
  name: string;
  dir: string;
  layout: DumpLayout;
  private: boolean;
  /** The file holding the model (model.json / dataset.json), null when the dump has none. */
  modelFile: string | null;
  modelState: 'modelled' | 'no-mapping' | 'empty-mapping' | null;
  /** Entries loaded in the old site (null: unknown). */
  entries: number | null;
  sources: DumpSource[];
  entriesFile: string | null;
  managers: string[];
  /** The dump's own status for the dataset (os-legacy-dump/1 record.json). */
  dumpStatus?: string;
  problems: Array<{ code: string; detail?: string; source?: string }>;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function readJson(p: string): Promise<unknown> {
  return JSON.parse(await readFile(p, 'utf8'));
}

/** A dump folder that cannot be read as a dump (not the format, not JSON): exit 2. */
export class DumpError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}) {
    super('dump-error', message, options);
  }
}

/** Every dataset of a dump, sorted by name. */
export async function readDump(dir: string): Promise<{ layout: DumpLayout; datasets: DumpDataset[]; meta: Obj | null }> {
  if (await isFile(join(dir, 'dump.json'))) {
    let meta: unknown;
    try {
      meta = await readJson(join(dir, 'dump.json'));
    } catch (e) {
      throw new DumpError(`${join(dir, 'dump.json')}: not valid JSON (${(e as Error).message})`);
    }
    if (!isObject(meta) || meta.format !== 'os-legacy-dump/1')
      throw new DumpError(
        `${join(dir, 'dump.json')}: "format" is ${JSON.stringify(isObject(meta) ? meta.format : meta)}, not "os-legacy-dump/1"`,
      );
    const root = join(dir, 'datasets');
    const names = (await isDir(root))
      ? (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.includes('.partial')).map((e) => e.name)
      : [];
    const datasets: DumpDataset[] = [];
    for (const n of names.sort()) datasets.push(await readDump1Dataset(join(root, n), n));
    // Datasets the export listed but could not finish (failed, private without a key): accounted for too.
    const have = new Set(names);
    for (const e of Array.isArray(meta.datasets) ? meta.datasets.filter(isObject) : []) {
      const n = typeof e.name === 'string' ? e.name : '';
      if (!n || have.has(n)) continue;
      have.add(n);
      datasets.push({
        name: n,
        dir: join(root, n),
        layout: 'os-legacy-dump/1',
        private: e.private === true,
        modelFile: null,
        modelState: null,
        entries: null,
        sources: [],
        entriesFile: null,
        managers: [],
        dumpStatus: typeof e.status === 'string' ? e.status : 'missing',
        problems: [],
      });
    }
    datasets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { layout: 'os-legacy-dump/1', datasets, meta };
  }
  const found: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === 'dataset.json')) {
      found.push(d);
      return;
    }
    if (depth === 0) return;
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1)))
      if (e.isDirectory() && !e.name.startsWith('.')) await walk(join(d, e.name), depth - 1);
  };
  await walk(dir, 3);
  if (found.length === 0)
    throw new DumpError(
      `${dir}: no dump here: neither a dump.json (os-legacy-dump/1) nor openspending-migrate exports (<name>/dataset.json); make one with \`os-datastore migrate export\``,
    );
  const datasets: DumpDataset[] = [];
  for (const d of found) datasets.push(await readExportDataset(d, dir));
  datasets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { layout: 'openspending-migrate', datasets, meta: null };
}

async function readDump1Dataset(dir: string, name: string): Promise<DumpDataset> {
  const problems: DumpDataset['problems'] = [];
  const opt = async (f: string): Promise<unknown> => {
    if (!(await isFile(join(dir, f)))) return undefined;
    try {
      return await readJson(join(dir, f));
    } catch (e) {
      problems.push({ code: 'bad-json', detail: `${f}: ${(e as Error).message}` });
      return undefined;
    }
  };
  const record = await opt('record.json');
  const team = await opt('team.json');
  const sourcesDoc = await opt('sources.json');
  const rec = isObject(record) ? record : {};
  const modelFile = (await isFile(join(dir, 'model.json'))) ? join(dir, 'model.json') : null;
  const sources: DumpSource[] = Array.isArray(sourcesDoc)
    ? sourcesDoc.filter(isObject).map((s) => {
        const dl = isObject(s.download) ? s.download : {};
        const file = typeof dl.file === 'string' && !dl.file.includes('..') && !dl.file.startsWith('/') ? join(dir, dl.file) : null;
        const src: DumpSource = {
          id: String(s.id),
          url: typeof s.url === 'string' ? s.url : '',
          creator: typeof s.creator === 'string' ? s.creator : null,
          loaded: typeof s.loaded === 'boolean' ? s.loaded : null,
          download: typeof dl.status === 'string' ? dl.status : 'missing',
          httpStatus: typeof dl.httpStatus === 'number' ? dl.httpStatus : null,
          file,
        };
        if (typeof s.createdAt === 'string') src.createdAt = s.createdAt;
        if (isObject(s.analysis) && typeof s.analysis.error === 'string') src.analysisError = s.analysis.error;
        return src;
      })
    : [];
  for (const s of sources) if (s.file && !(await isFile(s.file))) s.file = null;
  const managers =
    isObject(team) && Array.isArray(team.managers)
      ? team.managers
          .filter(isObject)
          .map((m) => String(m.login ?? ''))
          .filter(Boolean)
      : [];
  const entriesFile = (await isFile(join(dir, 'entries.csv'))) ? join(dir, 'entries.csv') : null;
  const modelState =
    rec.modelState === 'modelled' || rec.modelState === 'no-mapping' || rec.modelState === 'empty-mapping' ? rec.modelState : null;
  const ds: DumpDataset = {
    name,
    dir,
    layout: 'os-legacy-dump/1',
    private: rec.private === true,
    modelFile,
    modelState,
    entries: typeof rec.entries === 'number' ? rec.entries : null,
    sources,
    entriesFile,
    managers,
    problems: [
      ...problems,
      ...(Array.isArray(rec.problems)
        ? rec.problems.filter(isObject).map((p) => ({
            code: String(p.code ?? ''),
            ...(typeof p.detail === 'string' ? { detail: p.detail } : {}),
            ...(p.source !== undefined ? { source: String(p.source) } : {}),
          }))
        : []),
    ],
  };
  if (typeof rec.status === 'string') ds.dumpStatus = rec.status;
  return ds;
}

async function readExportDataset(dir: string, root: string): Promise<DumpDataset> {
  const file = join(dir, 'dataset.json');
  let rec: Obj = {};
  const problems: DumpDataset['problems'] = [];
  try {
    const v = await readJson(file);
    if (isObject(v)) rec = v;
  } catch (e) {
    problems.push({ code: 'bad-json', detail: `dataset.json: ${(e as Error).message}` });
  }
  const name = typeof rec.name === 'string' ? rec.name : basename(dir);
  const data = isObject(rec.data) ? rec.data : {};
  const mapping = data.mapping;
  const modelState =
    mapping === undefined || mapping === null
      ? 'no-mapping'
      : isObject(mapping) && Object.keys(mapping).length === 0
        ? 'empty-mapping'
        : 'modelled';
  const sources: DumpSource[] = [];
  for (const s of Array.isArray(rec.sources) ? rec.sources.filter(isObject) : []) {
    const id = String(s.id);
    // An id is a number in the old database; anything else never names a file (no path from the dump leaves its folder).
    const f = join(dir, 'archive', `${id}.csv`);
    const have = /^[A-Za-z0-9_-]+$/.test(id) && (await isFile(f));
    const src: DumpSource = {
      id,
      url: typeof s.url === 'string' ? s.url : '',
      creator: null,
      loaded: null,
      download: have ? 'ok' : 'missing',
      file: have ? f : null,
    };
    if (typeof s.created_at === 'string') src.createdAt = s.created_at;
    sources.push(src);
  }
  const rel = dir.slice(root.length).split(/[\\/]/);
  const entriesFile = (await isFile(join(dir, 'dataset.csv')))
    ? join(dir, 'dataset.csv')
    : (await isFile(join(dir, 'facts.csv')))
      ? join(dir, 'facts.csv')
      : null;
  return {
    name,
    dir,
    layout: 'openspending-migrate',
    private: rec.private === true || rel.includes('private') || basename(dirname(dir)) === 'private',
    modelFile: file,
    modelState,
    entries: null,
    sources,
    entriesFile,
    managers: Array.isArray(rec.team) ? rec.team.filter((t): t is string => typeof t === 'string') : [],
    problems,
  };
}
