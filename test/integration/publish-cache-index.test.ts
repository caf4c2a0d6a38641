/**
 * The index of a dataset's validation cache (`.datastore/cache/index.json`, src/cache/entry.ts)
 * and `prune` of the cache, against a real S3-compatible server (s3rver on loopback, requests
 * counted at the counting proxy) and real git repositories: a publish reads one index instead
 * of one object per cached result, and writes one instead of one per result; an unreadable,
 * foreign or damaged index (or an entry in it) is ignored with one warning and each result looked
 * for on its own, with the report and aggregates of a full validation; an index that cannot be
 * written leaves the entries stored one by one; prune removes the results no kept version names.
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
    // Every result is small: the index alone holds them (one write, not one per result).
    expect(await entryKeys(s3)).toEqual([]);
    expect(index.named.size).toBe(0);
    expect((await manifest(s3, first.commit)).results).toEqual([...index.entries.keys()].sort());

    // One month changes: the index is read, and nothing else (a result it neither holds nor names is not stored).
    const commit = await commitFiles(dir, files(MONTHS, { 3: 7 }));
    proxy.reset();
    const second = await publish(dir, store);
    expect(second.status).toBe('published');
    expect(second.cache).toEqual({ hits: MONTHS, misses: 1, written: 1, indexed: MONTHS });
    expect(cacheReads(proxy)).toEqual(['index.json']);
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

  it('an index that cannot be written leaves the results stored one by one (one warning), and the next publish reads them so', async () => {
    const s3 = await startS3();
    const dir = await gitdir(files(MONTHS));
    // The real store, refusing only the index's write (a fault s3rver cannot be told to make for one key).
    const refusing: ObjectStore = Object.assign(Object.create(s3.store) as ObjectStore, {
      put: (...args: Parameters<ObjectStore['put']>) =>
        args[0].endsWith('/.datastore/cache/index.json') ? Promise.reject(new Error('AccessDenied')) : s3.store.put(...args),
    });
    const warnings: string[] = [];
    const first = await publish(dir, refusing, { onWarning: (m) => warnings.push(m) });
    expect(first.status).toBe('published');
    expect(first.cache).toEqual({ hits: 0, misses: MONTHS + 1, written: MONTHS + 1, indexed: 0 });
    expect(warnings).toEqual([expect.stringContaining('the index of the validation results could not be written')]);
    expect(warnings[0]).toContain('AccessDenied');
    expect(warnings[0]).toContain('stored one by one instead');
    expect((await s3.objects()).has(INDEX)).toBe(false);
    expect(await entryKeys(s3)).toEqual((await manifest(s3, first.commit)).results);

    await commitFiles(dir, files(MONTHS, { 2: 5 }));
    const second = await publish(dir, s3.store);
    expect(second.cache).toEqual({ hits: MONTHS, misses: 1, written: 1, indexed: 0 });
    expect(timeless(second.report)).toEqual((await fullRun(dir)).report);
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
    it(`${what} is ignored with one warning: each result is looked for on its own (none is stored apart from it), and the report is a full run's`, async () => {
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
      expect(second.cache).toEqual({ hits: 0, misses: MONTHS + 1, written: MONTHS + 1, indexed: 0 });
      const cacheWarnings = warnings.filter((w) => w.includes('.datastore/cache/'));
      expect(cacheWarnings).toHaveLength(1);
      expect(cacheWarnings[0]).toContain(`the index of the cached results in`);
      expect(cacheWarnings[0]).toContain(message);
      // The index once, then every result on its own (each missing).
      expect(cacheReads(proxy)).toHaveLength(1 + MONTHS + 1);
      const full = await fullRun(dir);
      expect(timeless(second.report)).toEqual(full.report);
      expect((await s3.objects()).get(L.latest('aggregates/summary.json'))!.toString()).toBe(full.summary);
      // The run wrote a good index again.
      expect(typeof decodeIndex((await s3.objects()).get(INDEX)!)).toBe('object');
    });
  }

  it('a damaged entry inside the index is not trusted: one warning, that result looked for on its own, then validated again', async () => {
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
    expect(second.cache).toEqual({ hits: MONTHS, misses: 1, written: 1, indexed: MONTHS });
    const cacheWarnings = warnings.filter((w) => w.includes('.datastore/cache/'));
    expect(cacheWarnings).toHaveLength(1);
    expect(cacheWarnings[0]).toContain(`the cached result ${damaged.key} in the index of`);
    expect(cacheWarnings[0]).toContain('its row or byte counts are missing');
    expect(cacheReads(proxy)).toEqual(['index.json', `${damaged.key}.json`]);
    expect(timeless(second.report)).toEqual((await fullRun(dir)).report);
  });
});

describe('prune and the validation cache', () => {
  // Results small enough live in the index only (replaced at each publish); a code list with
  // 80,000 codes has a result too large to inline (its key set), stored on its own: what prune removes.
  const bigCodes = (title: string): string =>
    codes + Array.from({ length: 80_000 }, (_, i) => `CODE-${String(i).padStart(7, '0')},${title}\n`).join('');
  const withCodes = (title: string, salt: Record<number, number> = {}): Record<string, FileSpec> => ({
    ...files(2, salt),
    'data/codes.csv': bigCodes(title),
  });

  it('removes the results no kept version names (dry run first), keeps those of kept versions, and the next publish is still a full run’s', async () => {
    const s3 = await startS3();
    const dir = await gitdir(withCodes('a'));
    const v1 = await publish(dir, s3.store, { now: () => new Date('2024-01-01T00:00:00Z') });
    await commitFiles(dir, withCodes('b'));
    const v2 = await publish(dir, s3.store, { now: () => new Date('2024-02-01T00:00:00Z') });
    await commitFiles(dir, withCodes('c'));
    const v3 = await publish(dir, s3.store, { now: () => new Date('2024-03-01T00:00:00Z') });
    const [r1, r2, r3] = [
      (await manifest(s3, v1.commit)).results!,
      (await manifest(s3, v2.commit)).results!,
      (await manifest(s3, v3.commit)).results!,
    ];
    // Each version's code list result is stored on its own (named in its index), the months' only in the index.
    const own = await entryKeys(s3);
    expect(own).toHaveLength(3);
    const [a, b, c] = [r1, r2, r3].map((r) => r.filter((k) => own.includes(k)));
    expect([a, b, c].map((x) => x!.length)).toEqual([1, 1, 1]);
    const index = decodeIndex((await s3.objects()).get(INDEX)!);
    if (typeof index === 'string') throw new Error(index);
    expect([...index.named]).toEqual(c);
    expect([...index.entries.keys(), ...index.named].sort()).toEqual(r3);
    const keyOf = (k: string): string => `${L.root}.datastore/cache/${k}.json`;

    const dry = await pruneDataset(s3.store, L, { keep: 2, dryRun: true });
    expect(dry.removedResults).toEqual(a!.map(keyOf));
    expect(await entryKeys(s3)).toHaveLength(3);

    const two = await pruneDataset(s3.store, L, { keep: 2 });
    expect(two.removedVersions).toEqual([v1.commit]);
    expect(two.removedResults).toEqual(a!.map(keyOf));
    expect(await entryKeys(s3)).toEqual([...b!, ...c!].sort());

    const one = await pruneDataset(s3.store, L, { keep: 1 });
    expect(one.removedResults).toEqual(b!.map(keyOf));
    expect(await entryKeys(s3)).toEqual(c);
    // The index holds the published version's results: kept.
    expect((await s3.objects()).has(INDEX)).toBe(true);

    // Back to v1's code list: its result is gone, so it is validated again (and the months that
    // reference it), with a full run's report.
    await commitFiles(dir, withCodes('a'));
    const v4 = await publish(dir, s3.store);
    expect(v4.cache).toMatchObject({ hits: 0, misses: 3 });
    expect(timeless(v4.report)).toEqual((await fullRun(dir)).report);
    // A change that leaves the code list alone reuses its result, read on its own.
    await commitFiles(dir, withCodes('a', { 1: 4 }));
    const v5 = await publish(dir, s3.store);
    expect(v5.cache).toMatchObject({ hits: 2, misses: 1, indexed: 1 });
    expect(timeless(v5.report)).toEqual((await fullRun(dir)).report);
  });

  it('a version published without the cache names no results: prune then removes the entries and the index of older versions', async () => {
    const s3 = await startS3();
    const dir = await gitdir(withCodes('a'));
    await publish(dir, s3.store, { now: () => new Date('2024-01-01T00:00:00Z') });
    expect((await entryKeys(s3)).length).toBe(1);
    expect((await s3.objects()).has(INDEX)).toBe(true);
    await commitFiles(dir, withCodes('a', { 1: 4 }));
    const v2 = await publish(dir, s3.store, { cache: false, now: () => new Date('2024-02-01T00:00:00Z') });
    expect((await manifest(s3, v2.commit)).results).toBeUndefined();
    const pruned = await pruneDataset(s3.store, L, { keep: 1 });
    expect(pruned.removedResults).toHaveLength(2);
    expect(pruned.removedResults).toContain(INDEX);
    expect(await entryKeys(s3)).toEqual([]);
    expect((await s3.objects()).has(INDEX)).toBe(false);
  });
});
