/**
 * The index of a dataset's validation cache (`.datastore/cache/index.json`, src/cache/entry.ts)
 * and `prune` of the cache, against a real S3-compatible server (s3rver on loopback, requests
 * counted at the counting proxy) and real git repositories: a publish reads one index instead
 * of one object per cached result; an unreadable, foreign or damaged index (or an entry in it) is
 * ignored with one warning and the entries read one by one, with the report and aggregates of a
 * full validation; prune removes the results no kept version names.
 */
import { describe, expect, it } from 'vitest';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { checkPackage } from '../../src/pipeline/check.ts';
import { decodeIndex, INDEX_FORMAT } from '../../src/cache/entry.ts';
import { publicCache, storedIndexKey } from '../../src/cache/stores.ts';
import { DatasetLayout } from '../../src/mirror/layout.ts';
import type { VersionManifest } from '../../src/mirror/plan.ts';
import { pruneDataset } from '../../src/mirror/prune.ts';
import { publishDataset, type PublishOptions } from '../../src/pipeline/publish.ts';
import type { ObjectStore } from '../../src/mirror/object-store.ts';
import type { Report } from '../../src/validate/report.ts';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.ts';
import { commitFiles, gitdir, type FileSpec } from '../support/git.ts';
import { startS3 } from '../support/s3.ts';

const MONTHS = 8;
const month = (m: number): string => `2024-${String(m).padStart(2, '0')}`;

const descriptor = (months: number): Record<string, unknown> => ({
  name: 'budget',
  title: 'Budget',
  profiles: ['openspending', 'tabular'],
  owner: 'alice',
  location: 'GB',
  mapping: {
    transaction: {
      value: { currency: 'EUR', factor: 1 },
      attributes: { id: ['m-*/id'], amount: ['m-*/amount'], date: ['m-*/date'], title: ['m-*/title'] },
    },
    taxonomy: { attributes: { functional: { id: ['m-*/fn'], title: ['codes/title'] } } },
  },
  resources: [
    ...Array.from({ length: months }, (_, i) => ({
      name: `m-${month(i + 1)}`,
      path: `data/${month(i + 1)}.csv`,
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'date', type: 'date' },
          { name: 'amount', type: 'number' },
          { name: 'title', type: 'string' },
          { name: 'fn', type: 'string' },
        ],
        primaryKey: 'id',
        foreignKeys: [{ fields: 'fn', reference: { resource: 'codes', fields: 'code' } }],
      },
    })),
    {
      name: 'codes',
      path: 'data/codes.csv',
      schema: {
        fields: [
          { name: 'code', type: 'string' },
          { name: 'title', type: 'string' },
        ],
        primaryKey: 'code',
      },
    },
  ],
});

const rows = (m: number, n: number, salt = 0): string =>
  'id,date,amount,title,fn\n' +
  Array.from(
    { length: n },
    (_, i) => `${i + 1},${month(m)}-${String((i % 28) + 1).padStart(2, '0')},${i + salt}.5,item ${i},F${i % 3}\n`,
  ).join('');
const codes = 'code,title\nF0,Zero\nF1,One\nF2,Two\n';

function files(months: number, salt: Record<number, number> = {}): Record<string, FileSpec> {
  const out: Record<string, FileSpec> = { 'datapackage.json': descriptor(months), 'data/codes.csv': codes };
  for (let m = 1; m <= months; m++) out[`data/${month(m)}.csv`] = rows(m, 10 + m, salt[m] ?? 0);
  return out;
}

const L = new DatasetLayout('alice', 'budget');
const INDEX = storedIndexKey(L);
const timeless = (r: Report | null): Report | null => r && { ...r, stats: { ...r.stats, seconds: 0 } };
type S3 = Awaited<ReturnType<typeof startS3>>;

async function publish(dir: string, store: ObjectStore, options: PublishOptions = {}) {
  return publishDataset(await openGitDataset(dir), store, { ...options });
}

/** GetObject requests the proxy saw for the cache's objects. */
const cacheReads = (proxy: CountingProxy): string[] =>
  proxy.requests
    .filter((r) => r.operation === 'GetObject' && r.url.includes('/.datastore/cache/'))
    .map((r) => (r.url.split('?')[0] ?? '').replace(/^.*\/\.datastore\/cache\//, ''));

const entryKeys = async (s3: S3): Promise<string[]> =>
  [...(await s3.objects()).keys()]
    .filter((k) => k.startsWith(`${L.root}.datastore/cache/`) && !k.endsWith('/index.json'))
    .map((k) => k.replace(/^.*\/cache\//, '').replace(/\.json$/, ''))
    .sort();

async function manifest(s3: S3, commit: string): Promise<VersionManifest> {
  return JSON.parse((await s3.objects()).get(L.version(commit))!.toString()) as VersionManifest;
}

/** A full validation of the same commit on a fresh store: the report and aggregates an incremental run must equal. */
async function fullRun(dir: string) {
  const s3 = await startS3();
  const full = await publish(dir, s3.store, { cache: false });
  return { report: timeless(full.report), summary: (await s3.objects()).get(L.latest('aggregates/summary.json'))!.toString() };
}

describe('the index of the validation cache', () => {
  it('a publish reads one index instead of one object per cached result; the index and manifest name the version’s results', async () => {
    const s3 = await startS3();
    const proxy = await startCountingProxy(s3.endpoint);
    const store = s3.storeVia(proxy.endpoint);
    const dir = await gitdir(files(MONTHS));
    const first = await publish(dir, store);
    expect(first.status).toBe('published');
    // No version before: nothing read from the cache at all.
    expect(cacheReads(proxy)).toEqual([]);
    const index = decodeIndex((await s3.objects()).get(INDEX)!);
    if (typeof index === 'string') throw new Error(index);
    expect([...index.entries.keys()].sort()).toEqual(await entryKeys(s3));
    expect(index.named.size).toBe(0);
    expect((await manifest(s3, first.commit)).results).toEqual(await entryKeys(s3));

    // One month changes: the index, and the one result that is not there (a miss), are read.
    const commit = await commitFiles(dir, files(MONTHS, { 3: 7 }));
    proxy.reset();
    const second = await publish(dir, store);
    expect(second.status).toBe('published');
    expect(second.cache).toEqual({ hits: MONTHS, misses: 1, written: 1, indexed: MONTHS });
    const reads = cacheReads(proxy);
    expect(reads).toHaveLength(2);
    expect(reads[0]).toBe('index.json');
    expect(reads[1]).toMatch(/^[0-9a-f]{64}\.json$/);
    // The new index names this version's results: the reused and the new one.
    const next = decodeIndex((await s3.objects()).get(INDEX)!);
    if (typeof next === 'string') throw new Error(next);
    const results = (await manifest(s3, commit)).results!;
    expect(results).toHaveLength(MONTHS + 1);
    expect([...next.entries.keys()].sort()).toEqual(results);
    const full = await fullRun(dir);
    expect(timeless(second.report)).toEqual(full.report);
    expect((await s3.objects()).get(L.latest('aggregates/summary.json'))!.toString()).toBe(full.summary);

    // Nothing changed but the commit: the index alone answers every result.
    await commitFiles(dir, { 'README.md': 'notes\n' });
    proxy.reset();
    const third = await publish(dir, store);
    expect(third.cache).toEqual({ hits: MONTHS + 1, misses: 0, written: 0, indexed: MONTHS + 1 });
    expect(cacheReads(proxy)).toEqual(['index.json']);
  });

  it('validate --cache-from reads the public index anonymously: one read for every result', async () => {
    const s3 = await startS3();
    const dir = await gitdir(files(MONTHS));
    await publish(dir, s3.store);
    const proxy = await startCountingProxy(s3.endpoint);
    const reader = publicCache(`${proxy.endpoint}/${s3.bucket}`, L);
    const run = await checkPackage(await createFsSource(dir), { cache: { readers: [reader] } });
    expect(run.cache!.stats).toEqual({ hits: MONTHS + 1, misses: 0, written: 0, indexed: MONTHS + 1 });
    expect(cacheReads(proxy)).toEqual(['index.json']);
    const plain = await checkPackage(await createFsSource(dir));
    expect(timeless(run.validation.report)).toEqual(timeless(plain.validation.report));
    expect(run.aggregates).toEqual(plain.aggregates);
  });

  const damages: Array<[string, (bytes: Buffer) => string, string]> = [
    ['an index that is not JSON', (b) => b.toString().slice(0, 100), 'is unusable: it is not JSON'],
    [
      'a foreign index (another format)',
      (b) => b.toString().replace(INDEX_FORMAT, 'someone-elses-index/2'),
      `is unusable: it is not an ${INDEX_FORMAT} index`,
    ],
    [
      'an index whose entries are not a list',
      () => JSON.stringify({ format: INDEX_FORMAT, named: [], entries: { a: 1 } }),
      'is unusable: its entries are malformed',
    ],
  ];
  for (const [what, damage, message] of damages) {
    it(`${what} is ignored with one warning: each result is read on its own, and the report is a full run's`, async () => {
      const s3 = await startS3();
      const proxy = await startCountingProxy(s3.endpoint);
      const store = s3.storeVia(proxy.endpoint);
      const dir = await gitdir(files(MONTHS));
      await publish(dir, store);
      await s3.seed({ [`${s3.config.prefix ?? ''}${INDEX}`]: damage((await s3.objects()).get(INDEX)!) });
      await commitFiles(dir, files(MONTHS, { 5: 3 }));
      proxy.reset();
      const warnings: string[] = [];
      const second = await publish(dir, store, { onWarning: (m) => warnings.push(m) });
      expect(second.status).toBe('published');
      expect(second.cache).toEqual({ hits: MONTHS, misses: 1, written: 1, indexed: 0 });
      const cacheWarnings = warnings.filter((w) => w.includes('.datastore/cache/'));
      expect(cacheWarnings).toHaveLength(1);
      expect(cacheWarnings[0]).toContain(`the index of the cached results in`);
      expect(cacheWarnings[0]).toContain(message);
      // The index once, then every result on its own.
      expect(cacheReads(proxy)).toHaveLength(1 + MONTHS + 1);
      const full = await fullRun(dir);
      expect(timeless(second.report)).toEqual(full.report);
      expect((await s3.objects()).get(L.latest('aggregates/summary.json'))!.toString()).toBe(full.summary);
      // The run wrote a good index again.
      expect(typeof decodeIndex((await s3.objects()).get(INDEX)!)).toBe('object');
    });
  }

  it('a damaged entry inside the index is not trusted: one warning, that result read on its own', async () => {
    const s3 = await startS3();
    const proxy = await startCountingProxy(s3.endpoint);
    const store = s3.storeVia(proxy.endpoint);
    const dir = await gitdir(files(MONTHS));
    await publish(dir, store);
    const doc = JSON.parse((await s3.objects()).get(INDEX)!.toString()) as { entries: Array<{ key: string; result: { rows: number } }> };
    const damaged = doc.entries[0]!;
    damaged.result.rows = -1;
    await s3.seed({ [`${s3.config.prefix ?? ''}${INDEX}`]: JSON.stringify(doc) });
    await commitFiles(dir, { 'README.md': 'notes\n' });
    proxy.reset();
    const warnings: string[] = [];
    const second = await publish(dir, store, { onWarning: (m) => warnings.push(m) });
    expect(second.cache).toEqual({ hits: MONTHS + 1, misses: 0, written: 0, indexed: MONTHS });
    const cacheWarnings = warnings.filter((w) => w.includes('.datastore/cache/'));
    expect(cacheWarnings).toHaveLength(1);
    expect(cacheWarnings[0]).toContain(`the cached result ${damaged.key} in the index of`);
    expect(cacheWarnings[0]).toContain('its row or byte counts are missing');
    expect(cacheReads(proxy)).toEqual(['index.json', `${damaged.key}.json`]);
    expect(timeless(second.report)).toEqual((await fullRun(dir)).report);
  });
});

describe('prune and the validation cache', () => {
  it('removes the results no kept version names (dry run first), keeps those of kept versions, and the next publish is still a full run’s', async () => {
    const s3 = await startS3();
    const dir = await gitdir(files(2));
    const v1 = await publish(dir, s3.store, { now: () => new Date('2024-01-01T00:00:00Z') });
    await commitFiles(dir, files(2, { 1: 4 }));
    const v2 = await publish(dir, s3.store, { now: () => new Date('2024-02-01T00:00:00Z') });
    await commitFiles(dir, files(2, { 1: 4, 2: 9 }));
    const v3 = await publish(dir, s3.store, { now: () => new Date('2024-03-01T00:00:00Z') });
    const [r1, r2, r3] = [
      (await manifest(s3, v1.commit)).results!,
      (await manifest(s3, v2.commit)).results!,
      (await manifest(s3, v3.commit)).results!,
    ];
    expect(await entryKeys(s3)).toEqual([...new Set([...r1, ...r2, ...r3])].sort());
    // v1's first month is named by v1 only; v2's second month (v1's too) by v1 and v2.
    const onlyV1 = r1.filter((k) => !r2.includes(k) && !r3.includes(k));
    const notV3 = [...new Set([...r1, ...r2])].filter((k) => !r3.includes(k)).sort();
    expect(onlyV1).toHaveLength(1);
    expect(notV3).toHaveLength(2);
    const keyOf = (k: string): string => `${L.root}.datastore/cache/${k}.json`;

    const dry = await pruneDataset(s3.store, L, { keep: 2, dryRun: true });
    expect(dry.removedResults).toEqual(onlyV1.map(keyOf));
    expect(await entryKeys(s3)).toHaveLength(new Set([...r1, ...r2, ...r3]).size);

    const two = await pruneDataset(s3.store, L, { keep: 2 });
    expect(two.removedVersions).toEqual([v1.commit]);
    expect(two.removedResults).toEqual(onlyV1.map(keyOf));
    expect(await entryKeys(s3)).toEqual([...new Set([...r2, ...r3])].sort());

    const one = await pruneDataset(s3.store, L, { keep: 1 });
    expect(one.removedResults.sort()).toEqual(notV3.filter((k) => !onlyV1.includes(k)).map(keyOf));
    expect(await entryKeys(s3)).toEqual([...r3].sort());
    // The index holds the published version's results: kept.
    expect((await s3.objects()).has(INDEX)).toBe(true);

    // Back to v1's first month: its result is gone, so it is validated again, with a full run's report.
    await commitFiles(dir, files(2, { 2: 9 }));
    const v4 = await publish(dir, s3.store);
    expect(v4.cache).toMatchObject({ hits: 2, misses: 1 });
    expect(timeless(v4.report)).toEqual((await fullRun(dir)).report);
  });

  it('a version published without the cache names no results: prune then removes the entries and the index of older versions', async () => {
    const s3 = await startS3();
    const dir = await gitdir(files(2));
    await publish(dir, s3.store, { now: () => new Date('2024-01-01T00:00:00Z') });
    expect((await entryKeys(s3)).length).toBe(3);
    await commitFiles(dir, files(2, { 1: 4 }));
    const v2 = await publish(dir, s3.store, { cache: false, now: () => new Date('2024-02-01T00:00:00Z') });
    expect((await manifest(s3, v2.commit)).results).toBeUndefined();
    const pruned = await pruneDataset(s3.store, L, { keep: 1 });
    expect(pruned.removedResults).toHaveLength(4);
    expect(pruned.removedResults).toContain(INDEX);
    expect(await entryKeys(s3)).toEqual([]);
    expect((await s3.objects()).has(INDEX)).toBe(false);
  });
});
