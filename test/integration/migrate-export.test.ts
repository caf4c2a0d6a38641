/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents read back in assertions */
/**
 * `migrate export` against the old-API fake (test/support/old-api.ts), a real HTTP server with
 * the old site's faults: 500s, dead source URLs (404, a closed port), HTML instead of CSV,
 * Latin-1, a BOM, a private dataset answering 403 without a key. Then the dump is migrated.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { LEGACY, TEKJUR, tekjurParts } from '../support/legacy-dump.ts';
import { startOldApi, type FakeDataset, type OldApi } from '../support/old-api.ts';
import { testdir } from '../support/tmp.ts';

type Obj = Record<string, any>;
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );
const env = { OS_MIGRATE_BACKOFF_MS: '1', OS_MIGRATE_TRIES: '3' };

/** The cube export of tekjur as /api/2/search gives it: dotted, sorted headers. */
async function tekjurSearch(): Promise<string> {
  const lines = (await readFile(join(TEKJUR, 'dataset.csv'), 'utf8')).trimEnd().split('\n').slice(0, 21);
  const header = lines[0]!.split(',');
  const rename: Record<string, string> = {
    openspending_id: 'id',
    category_name: 'category.name',
    category_label: 'category.label',
    subcategory_name: 'subcategory.name',
    subcategory_label: 'subcategory.label',
    time_name: 'time.name',
    amount: 'amount',
  };
  const keep = header
    .map((h, i) => [rename[h], i] as const)
    .filter(([n]) => n !== undefined)
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  const { parse } = await import('csv-parse/sync');
  const rows: string[][] = parse(lines.join('\n'));
  const q = (c: string): string => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return (
    [
      keep.map(([n]) => n).join(','),
      ...rows.slice(1).map((r) => keep.map(([, i]) => q(i === header.indexOf('amount') ? Number(r[i]).toFixed(2) : r[i]!)).join(',')),
    ].join('\n') + '\n'
  );
}

let api: OldApi;
let fixtures: Record<string, FakeDataset>;
let latin1: Buffer;
let bom: Buffer;

beforeAll(async () => {
  const rec = JSON.parse(await readFile(join(TEKJUR, 'dataset.json'), 'utf8'));
  const record = (name: string): Obj => ({
    name,
    label: rec.label,
    description: rec.description,
    currency: 'ISK',
    category: 'other',
    languages: ['is'],
    territories: ['IS'],
    schema_version: null,
  });
  const source = await readFile(join(TEKJUR, 'archive/2156.csv'));
  const [p1, p2] = await tekjurParts(2);
  latin1 = Buffer.from(p1!, 'latin1');
  bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(p2!)]);
  const cra = JSON.parse(await readFile(join(LEGACY, 'cra/model.json'), 'utf8'));
  fixtures = {
    'tekjur-rikissjods': {
      record: record('tekjur-rikissjods'),
      mapping: rec.data.mapping,
      managers: [{ login: 'tryggvib', name: 'Tryggvi Björgvinsson' }],
      sources: [{ id: 2156, kind: 'file', content: source }],
      numEntries: 480,
      updatedAt: '2014-02-21',
    },
    'uppgjor-rikissjods': {
      record: record('uppgjor-rikissjods'),
      mapping: rec.data.mapping,
      managers: [{ login: 'tryggvib', name: 'T' }],
      sources: [
        { id: 3001, kind: 'file', content: latin1 },
        { id: 3002, kind: 'file', content: bom },
      ],
      numEntries: 480,
    },
    'bosnia-herzegovina': {
      record: record('bosnia-herzegovina'),
      mapping: rec.data.mapping,
      managers: [
        { login: 'tryggvib', name: 'Tryggvi' },
        { login: 'Sunbless', name: 'Sun <b>less</b> & co' },
      ],
      sources: [
        { id: 4001, kind: 'file', content: source, analysis: { error: 'Unexpected end of data' } },
        { id: 4002, kind: '404' },
      ],
      numEntries: 480,
    },
    tunisia_budget: {
      record: record('tunisia_budget'),
      mapping: rec.data.mapping,
      sources: [
        { id: 5001, kind: '404' },
        { id: 5002, kind: 'html' },
        { id: 5003, kind: 'closed' },
      ],
      search: await tekjurSearch(),
      numEntries: 20,
    },
    tryggvis_test_dataset: {
      record: record('tryggvis_test_dataset'),
      mapping: rec.data.mapping,
      private: true,
      managers: [{ login: 'tryggvib', name: 'T' }],
      sources: [{ id: 6001, kind: 'file', content: source }],
      numEntries: 480,
    },
    bosnian_test: {
      record: record('bosnian_test'),
      private: true,
      sources: [{ id: 7001, kind: 'file', content: 'a,b\n1,2\n', analysis: { columns: ['a', 'b'], mapping: {} } }],
    },
    'ukgov-finances-cra': {
      record: { ...cra.dataset, name: 'ukgov-finances-cra', schema_version: '2011-12-07' },
      mapping: cra.mapping,
      views: cra.views,
      sources: [],
      search: await readFile(join(LEGACY, 'cra/cra.csv'), 'utf8'),
      numEntries: 36,
    },
  };
  api = await startOldApi(fixtures, { managerKey: 'secret-key' });
});
afterAll(() => api?.close());

describe('migrate export against the old-API fake', () => {
  it('exports, records every failure, resumes without fetching twice, exports private datasets with a key; the dump migrates', async () => {
    const dir = await testdir();
    const dump = join(dir, 'dump');
    api.failures.set('/tekjur-rikissjods/model.json', 2); // recovers on the third try
    api.failures.set('/uppgjor-rikissjods/views.json', 3); // fails this run (3 tries)

    const r1 = await runCli(['migrate', 'export', '--from', api.url, '--out', dump, '--json'], { env });
    expect(r1.code, r1.stderr).toBe(1);
    const rep1 = JSON.parse(r1.stdout);
    const st = Object.fromEntries(rep1.datasets.map((d: Obj) => [d.name, d.status]));
    // Private datasets are not listed; asked by name without a key they answer 403.
    expect(st).toEqual({
      'bosnia-herzegovina': 'complete',
      tunisia_budget: 'complete',
      'tekjur-rikissjods': 'complete',
      'ukgov-finances-cra': 'complete',
      'uppgjor-rikissjods': 'failed',
    });
    expect(api.counts.get('/tekjur-rikissjods/model.json')).toBe(3);
    expect(rep1.datasets.find((d: Obj) => d.name === 'uppgjor-rikissjods').problems[0].detail).toMatch(
      /views\.json answered 500 after 3 tries; run the export again/,
    );
    expect(await exists(join(dump, 'datasets/uppgjor-rikissjods.partial'))).toBe(true);

    // Every failed download is recorded, none dropped.
    const tun = JSON.parse(await readFile(join(dump, 'datasets/tunisia_budget/sources.json'), 'utf8'));
    expect(tun.map((s: Obj) => [s.id, s.download.status, s.download.httpStatus])).toEqual([
      [5001, 'http-error', 404],
      [5002, 'not-csv', 200],
      [5003, 'network-error', null],
    ]);
    expect(await readFile(join(dump, 'datasets/tunisia_budget/entries.csv'), 'utf8')).toMatch(/^amount,category\.label,category\.name,id,/);
    const bos = JSON.parse(await readFile(join(dump, 'datasets/bosnia-herzegovina/sources.json'), 'utf8'));
    expect(bos.map((s: Obj) => s.download.status)).toEqual(['ok', 'http-error']);
    expect(bos[0].analysis).toEqual({ error: 'Unexpected end of data' });
    expect(bos[0].download.sha256).toMatch(/^[0-9a-f]{64}$/);
    const team = JSON.parse(await readFile(join(dump, 'datasets/bosnia-herzegovina/team.json'), 'utf8'));
    expect(team).toEqual({
      managers: [
        { login: 'tryggvib', displayName: 'Tryggvi' },
        { login: 'Sunbless', displayName: 'Sun <b>less</b> & co' },
      ],
      evidence: 'meta-html',
    });
    const rec = JSON.parse(await readFile(join(dump, 'datasets/ukgov-finances-cra/record.json'), 'utf8'));
    expect(rec).toMatchObject({ private: false, modelState: 'modelled', entries: 36, status: 'complete' });
    expect(
      (await readFile(join(dump, 'log.ndjson'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((l: Obj) => l.httpStatus === 500),
    ).toHaveLength(5);

    // Resume: nothing that was fetched is fetched again.
    const before = new Map(api.counts);
    const r2 = await runCli(['migrate', 'export', '--from', api.url, '--out', dump, '--json'], { env });
    expect(r2.code, r2.stderr).toBe(0);
    const again = [...api.counts].filter(([p, n]) => (before.get(p) ?? 0) > 0 && n > before.get(p)!).map(([p]) => p);
    expect(again.sort()).toEqual(['/datasets.json', '/uppgjor-rikissjods/views.json']);
    expect(
      JSON.parse(r2.stdout)
        .datasets.filter((d: Obj) => d.status === 'kept')
        .map((d: Obj) => d.name)
        .sort(),
    ).toEqual(['bosnia-herzegovina', 'tekjur-rikissjods', 'tunisia_budget', 'ukgov-finances-cra']);
    // Raw bytes as served: Latin-1 and the BOM are kept for migrate to handle.
    expect(await readFile(join(dump, 'datasets/uppgjor-rikissjods/sources/3001.csv'))).toEqual(latin1);
    expect(await readFile(join(dump, 'datasets/uppgjor-rikissjods/sources/3002.csv'))).toEqual(bom);

    // Private: 403 without a key, exported with a manager's key.
    const r3 = await runCli(
      ['migrate', 'export', '--from', api.url, '--out', dump, '--datasets', 'tryggvis_test_dataset,bosnian_test', '--json'],
      { env },
    );
    expect(JSON.parse(r3.stdout).datasets.map((d: Obj) => [d.name, d.status])).toEqual([
      ['tryggvis_test_dataset', 'private-skipped'],
      ['bosnian_test', 'private-skipped'],
    ]);
    const r4 = await runCli(
      [
        'migrate',
        'export',
        '--from',
        api.url,
        '--out',
        dump,
        '--datasets',
        'tryggvis_test_dataset,bosnian_test',
        '--api-key',
        'secret-key',
        '--json',
      ],
      { env },
    );
    expect(r4.code, r4.stderr).toBe(0);
    expect(JSON.parse(r4.stdout).datasets.map((d: Obj) => [d.name, d.status, d.private])).toEqual([
      ['tryggvis_test_dataset', 'complete', true],
      ['bosnian_test', 'complete', true],
    ]);
    expect(JSON.parse(await readFile(join(dump, 'datasets/bosnian_test/record.json'), 'utf8')).modelState).toBe('no-mapping');
    expect((await readdir(join(dump, 'datasets'))).filter((n) => n.includes('.partial'))).toEqual([]);
    // dump.json lists every dataset the runs exported, not only the last run's.
    const meta = JSON.parse(await readFile(join(dump, 'dump.json'), 'utf8'));
    expect(meta.datasets.map((e: Obj) => [e.name, e.status, e.private])).toEqual([
      ['bosnia-herzegovina', 'complete', false],
      ['bosnian_test', 'complete', true],
      ['tekjur-rikissjods', 'complete', false],
      ['tryggvis_test_dataset', 'complete', true],
      ['tunisia_budget', 'complete', false],
      ['ukgov-finances-cra', 'complete', false],
      ['uppgjor-rikissjods', 'complete', false],
    ]);

    // The dump migrates with no network.
    const out = join(dir, 'out');
    const m = await runCli(['migrate', dump, '--out', out, '--json', '--include-private']);
    expect(m.code, m.stderr + m.stdout.slice(0, 3000)).toBe(0);
    const mr = Object.fromEntries(JSON.parse(m.stdout).datasets.map((d: Obj) => [d.name, d]));
    expect(mr['tekjur-rikissjods']).toMatchObject({ status: 'converted', owner: 'tryggvib' });
    expect(mr['uppgjor-rikissjods']).toMatchObject({ status: 'converted', cases: ['several-sources'] });
    expect(mr['bosnia-herzegovina']).toMatchObject({
      status: 'converted',
      owner: 'Sunbless',
      cases: ['several-managers', 'source-unused'],
    });
    expect(mr.tunisia_budget).toMatchObject({ status: 'converted', cases: ['source-unused', 'sources-gone'] });
    expect(mr['ukgov-finances-cra']).toMatchObject({ status: 'converted', cases: ['no-sources'] });
    expect(mr.bosnian_test).toMatchObject({ status: 'skipped', reason: 'no-model' });
    expect(mr.tryggvis_test_dataset).toMatchObject({ status: 'converted', cases: ['private'] });
    const tunPkg = JSON.parse(await readFile(join(out, 'tunisia_budget/datapackage.json'), 'utf8'));
    expect(tunPkg.mapping.transaction.attributes).toMatchObject({ id: ['data/id'], amount: ['data/amount'], date: ['data/time.name'] });
    const upp = await readFile(join(out, 'uppgjor-rikissjods/data/3001.csv'), 'utf8');
    expect(upp).toContain('Skattar á tekjur og hagnað');
  });

  it('a site that is not the old API is one sentence, exit 2', async () => {
    const dir = await testdir();
    const r = await runCli(['migrate', 'export', '--from', `${api.url}/nothing-here`, '--out', join(dir, 'd')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/datasets\.json answered 404/);
  });
});
