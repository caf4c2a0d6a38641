/**
 * os-legacy-dump/1 dumps built in tests (MIGRATION.md, "A dump format we can define") from the
 * real legacy fixtures, with every OSEP-8 edge case of MIGRATION.md's table.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { REAL } from './tmp.ts';

type Obj = Record<string, unknown>;

export const LEGACY = join(REAL, 'openspending-legacy-model');
export const TEKJUR = join(REAL, 'openspending-migrate/tekjur-rikissjods');

export interface DumpSourceSpec {
  id: number;
  /** File content, or null when the download failed. */
  content?: string | Buffer | null;
  status?: 'ok' | 'http-error' | 'network-error' | 'not-csv';
  httpStatus?: number;
  loaded?: boolean | null;
  creator?: string | null;
  createdAt?: string;
  analysisError?: string;
}

export interface DumpDatasetSpec {
  name: string;
  model?: Obj | null;
  private?: boolean;
  entries?: number | null;
  managers?: string[];
  sources?: DumpSourceSpec[];
  entriesCsv?: string | Buffer;
  views?: unknown[];
}

async function put(path: string, content: string | Buffer | Obj | unknown[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
}

/** Write a dump of these datasets into `dir`. */
export async function writeDump(dir: string, datasets: DumpDatasetSpec[]): Promise<void> {
  await put(join(dir, 'dump.json'), {
    format: 'os-legacy-dump/1',
    origin: { kind: 'api', baseUrl: 'http://old.example', authenticated: true },
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:10:00Z',
    options: { includePrivate: true, entries: 'fallback' },
    datasets: datasets.map((d) => ({ name: d.name, status: 'complete', private: Boolean(d.private) })),
    counts: {},
  });
  for (const d of datasets) {
    const base = join(dir, 'datasets', d.name);
    const mapping = d.model === null ? undefined : (d.model?.mapping as Obj | undefined);
    await put(join(base, 'record.json'), {
      dataset: (d.model?.dataset as Obj) ?? { name: d.name },
      private: Boolean(d.private),
      privateEvidence: d.private ? 'key' : 'key',
      modelState: mapping === undefined ? 'no-mapping' : Object.keys(mapping).length === 0 ? 'empty-mapping' : 'modelled',
      entries: d.entries ?? null,
      status: 'complete',
      problems: [],
    });
    if (d.model !== null) await put(join(base, 'model.json'), d.model ?? {});
    await put(join(base, 'team.json'), {
      managers: (d.managers ?? []).map((login) => ({ login, displayName: login })),
      evidence: d.managers ? 'meta-html' : 'none',
    });
    await put(join(base, 'views.json'), d.views ?? []);
    const sources = [];
    for (const s of d.sources ?? []) {
      const status = s.status ?? (s.content === null ? 'http-error' : 'ok');
      const file = s.content !== null && s.content !== undefined ? `sources/${s.id}.csv` : null;
      if (file) await put(join(base, file), s.content!);
      sources.push({
        id: s.id,
        url: `http://old.example/files/${s.id}.csv`,
        createdAt: s.createdAt ?? `2013-01-0${(s.id % 9) + 1}T00:00:00`,
        creator: s.creator ?? null,
        analysis: s.analysisError ? { error: s.analysisError } : null,
        runs: null,
        loaded: s.loaded ?? null,
        download: {
          status,
          httpStatus: s.httpStatus ?? (status === 'ok' ? 200 : null),
          finalUrl: null,
          contentType: status === 'not-csv' ? 'text/html' : 'text/csv',
          bytes: null,
          sha256: null,
          file,
          error: null,
        },
      });
    }
    await put(join(base, 'sources.json'), sources);
    if (d.entriesCsv !== undefined) await put(join(base, 'entries.csv'), d.entriesCsv);
  }
}

/** The tekjur model as `{dataset, mapping}` (the API's model.json). */
export async function tekjurModel(name = 'tekjur-rikissjods'): Promise<Obj> {
  const rec = JSON.parse(await readFile(join(TEKJUR, 'dataset.json'), 'utf8'));
  const { data, ...dataset } = rec;
  delete dataset.sources;
  delete dataset.team;
  delete dataset.export_query;
  return { dataset: { ...dataset, name }, mapping: data.mapping };
}

/** The tekjur source split in `parts` files, each with the header. */
export async function tekjurParts(parts: number): Promise<string[]> {
  const lines = (await readFile(join(TEKJUR, 'archive/2156.csv'), 'utf8')).trimEnd().split('\n');
  const [header, ...rows] = lines;
  const size = Math.ceil(rows.length / parts);
  return Array.from({ length: parts }, (_, i) => [header, ...rows.slice(i * size, (i + 1) * size)].join('\n') + '\n');
}

/** The dump of every edge case (MIGRATION.md's fixtures table). */
export async function edgeCaseDump(dir: string): Promise<void> {
  const tekjurSource = await readFile(join(TEKJUR, 'archive/2156.csv'));
  const tekjurEntries = await readFile(join(TEKJUR, 'dataset.csv'));
  const cra = JSON.parse(await readFile(join(LEGACY, 'cra/model.json'), 'utf8'));
  const craCsv = await readFile(join(LEGACY, 'cra/cra.csv'));
  const [p1, p2, p3, p4] = await tekjurParts(4);
  await writeDump(dir, [
    {
      name: 'tekjur-rikissjods',
      model: await tekjurModel(),
      managers: ['tryggvib'],
      entries: 480,
      sources: [{ id: 2156, content: tekjurSource, loaded: true, creator: 'tryggvib' }],
    },
    {
      name: 'uppgjor-rikissjods',
      model: await tekjurModel('uppgjor-rikissjods'),
      managers: ['tryggvib'],
      entries: 480,
      sources: [p1, p2, p3, p4].map((c, i) => ({ id: 3000 + i, content: c!, loaded: null })),
    },
    {
      name: 'bosnia-herzegovina',
      model: await tekjurModel('bosnia-herzegovina'),
      managers: ['tryggvib', 'Sunbless'],
      entries: 480,
      sources: [
        { id: 4001, content: tekjurSource, loaded: null, analysisError: 'Unexpected end of data' },
        { id: 4002, content: null, status: 'http-error', httpStatus: 404 },
        { id: 4003, content: 'a,b\n1,2\n', loaded: null },
      ],
    },
    {
      name: 'tunisia_budget',
      model: await tekjurModel('tunisia_budget'),
      entries: 480,
      sources: [
        { id: 5001, content: null, status: 'http-error', httpStatus: 404 },
        { id: 5002, content: '<!DOCTYPE html><html><body>offline</body></html>', status: 'not-csv' },
        { id: 5003, content: null, status: 'network-error' },
      ],
      entriesCsv: tekjurEntries,
    },
    {
      name: 'ukgov-finances-cra',
      model: { ...cra, dataset: { ...cra.dataset, name: 'ukgov-finances-cra', schema_version: '2011-12-07' } },
      entries: 36,
      sources: [],
      entriesCsv: craCsv,
    },
    {
      name: 'tryggvis_test_dataset',
      model: await tekjurModel('tryggvis_test_dataset'),
      private: true,
      managers: ['tryggvib'],
      entries: 480,
      sources: [{ id: 6001, content: tekjurSource, loaded: true, creator: 'tryggvib' }],
    },
    {
      name: 'bosnian_test',
      model: { dataset: { name: 'bosnian_test', label: 'B', currency: 'BAM' } },
      private: true,
      managers: ['Sunbless'],
      sources: [],
    },
    {
      name: 'save_dimensions',
      model: await tekjurModel('save_dimensions'),
      private: true,
      entries: 0,
      managers: ['tryggvib'],
      sources: [{ id: 7001, content: tekjurSource, loaded: null }],
    },
    {
      name: 'no_data_at_all',
      model: await tekjurModel('no_data_at_all'),
      entries: 10,
      sources: [{ id: 8001, content: null, status: 'http-error', httpStatus: 500 }],
    },
  ]);
}
