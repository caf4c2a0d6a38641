/**
 * Publish keeps validation results in the store, under `datasets/{owner}/{name}/.datastore/cache/`
 * (src/cache), against a real S3-compatible server (s3rver on loopback) and real git
 * repositories: written only after the commit point of a valid version, reused by the next
 * publish for what did not change, with the report and aggregates of a full validation; read
 * anonymously from the public bucket by `validate --cache-from`; a damaged entry is ignored with
 * one warning.
 */
import { describe, expect, it } from 'vitest';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { checkPackage } from '../../src/pipeline/check.ts';
import { checkEntry, decodeIndex, encodeEntry } from '../../src/cache/entry.ts';
import { publicCache, storedIndexKey } from '../../src/cache/stores.ts';
import { baseResultCache } from '../../src/cache/local.ts';
import { DatasetLayout } from '../../src/mirror/layout.ts';
import { publishDataset, type PublishOptions } from '../../src/pipeline/publish.ts';
import type { Report } from '../../src/validate/report.ts';
import { commitFiles, gitdir } from '../support/git.ts';
import { startS3 } from '../support/s3.ts';

const descriptor = {
  name: 'budget',
  title: 'Budget',
  profiles: ['openspending', 'tabular'],
  owner: 'alice',
  location: 'GB',
  mapping: {
    transaction: {
      value: { currency: 'EUR', factor: 1 },
      attributes: { id: ['spending-*/id'], amount: ['spending-*/amount'], date: ['spending-*/date'], title: ['spending-*/title'] },
    },
    taxonomy: { attributes: { functional: { id: ['spending-*/fn'], title: ['codes/title'] } } },
  },
  resources: ['2024', '2025'].map((year) => ({
    name: `spending-${year}`,
    path: `data/${year}.csv`,
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
};
descriptor.resources.push({
  name: 'codes',
  path: 'data/codes.csv',
  schema: {
    fields: [
      { name: 'code', type: 'string' },
      { name: 'title', type: 'string' },
    ],
    primaryKey: 'code',
  },
} as never);

const year = (y: string, rows: number, bad = -1): string =>
  'id,date,amount,title,fn\n' +
  Array.from(
    { length: rows },
    (_, i) => `${i + 1},${y}-0${(i % 9) + 1}-15,${i === bad ? 'x' : i % 2 ? '0.1' : '0.2'},item ${i},F${i % 3}\n`,
  ).join('');
const codes = 'code,title\nF0,Zero\nF1,One\nF2,Two\n';

const L = new DatasetLayout('alice', 'budget');
const timeless = (r: Report | null): Report | null => r && { ...r, stats: { ...r.stats, seconds: 0 } };

async function publish(dir: string, s3: Awaited<ReturnType<typeof startS3>>, options: PublishOptions = {}) {
  return publishDataset(await openGitDataset(dir), s3.store, { ...options });
}

/** The cache's entries (the index, `index.json`, is not one). */
/** The keys of the results the store holds: those inlined in the index and those stored on their own. */
async function storedResults(s3: Awaited<ReturnType<typeof startS3>>): Promise<string[]> {
  const objects = await s3.objects();
  const own = [...objects.keys()]
    .filter((k) => k.startsWith(`${L.root}.datastore/cache/`) && !k.endsWith('/index.json'))
    .map((k) => k.replace(/^.*\/cache\//, '').replace(/\.json$/, ''));
  const bytes = objects.get(storedIndexKey(L));
  const index = bytes ? decodeIndex(bytes) : null;
  if (typeof index === 'string') throw new Error(index);
  return [...new Set([...own, ...(index ? index.entries.keys() : [])])].sort();
}

describe('publish with the validation cache in the store', () => {
  it('writes results after the commit point and reuses those that did not change', async () => {
    const s3 = await startS3();
    const dir = await gitdir({
      'datapackage.json': descriptor,
      'data/2024.csv': year('2024', 40),
      'data/2025.csv': year('2025', 30),
      'data/codes.csv': codes,
    });
    const first = await publish(dir, s3);
    expect(first.status).toBe('published');
    // No version yet: nothing to look up; the three results are written once published.
    expect(first.cache).toEqual({ hits: 0, misses: 3, written: 3, indexed: 0 });
    expect(await storedResults(s3)).toHaveLength(3);

    // A new year: only that file is validated.
    await commitFiles(dir, {
      'data/2026.csv': year('2026', 20),
      'datapackage.json': {
        ...descriptor,
        resources: [...descriptor.resources, { ...descriptor.resources[0]!, name: 'spending-2026', path: 'data/2026.csv' }],
      },
    });
    const second = await publish(dir, s3);
    expect(second.status).toBe('published');
    expect(second.cache).toEqual({ hits: 3, misses: 1, written: 1, indexed: 3 });
    const s3b = await startS3();
    const full = await publish(dir, s3b, { cache: false });
    expect(full.cache).toBeUndefined();
    expect(timeless(second.report)).toEqual(timeless(full.report));
    const objects = await s3.objects();
    const fullObjects = await s3b.objects();
    expect(objects.get(L.latest('aggregates/summary.json'))!.toString()).toBe(
      fullObjects.get(L.latest('aggregates/summary.json'))!.toString(),
    );

    // The code list changes: the years referencing it are checked again.
    await commitFiles(dir, { 'data/codes.csv': 'code,title\nF0,Zero\nF1,One\n' });
    const third = await publish(dir, s3);
    expect(third.status).toBe('invalid');
    expect(third.cache).toMatchObject({ hits: 0, misses: 4, written: 0 });
    expect(third.report!.errors.filter((p) => p.code === 'foreign-key').map((p) => p.resource)).toEqual(
      expect.arrayContaining(['spending-2024', 'spending-2025', 'spending-2026']),
    );
    // Invalid: nothing a reader sees changed, and no result was written.
    expect(await storedResults(s3)).toHaveLength(4);
  });

  it('validate --cache-from reads the public bucket anonymously; a damaged entry is ignored with one warning', async () => {
    const s3 = await startS3();
    const files = {
      'datapackage.json': descriptor,
      'data/2024.csv': year('2024', 40),
      'data/2025.csv': year('2025', 30),
      'data/codes.csv': codes,
    };
    const dir = await gitdir(files);
    await publish(dir, s3);
    const base = `${s3.endpoint}/${s3.bucket}`;
    const reader = publicCache(base, L);
    const run = async (warn?: (m: string) => void) =>
      checkPackage(await createFsSource(dir), { cache: { readers: [reader], ...(warn && { warn }) } });
    const reused = await run();
    expect(reused.cache!.stats).toMatchObject({ hits: 3, misses: 0 });
    const plain = await checkPackage(await createFsSource(dir));
    expect(timeless(reused.validation.report)).toEqual(timeless(plain.validation.report));
    expect(reused.aggregates).toEqual(plain.aggregates);

    // A store written entry by entry (no index, as before there was one, or after an index could not
    // be written): each result is read on its own, and a damaged one is ignored with one warning.
    const indexKey = storedIndexKey(L);
    const index = decodeIndex((await s3.objects()).get(indexKey)!);
    if (typeof index === 'string') throw new Error(index);
    await s3.store.delete([indexKey]);
    const entries = [...index.entries.keys()];
    for (const key of entries) {
      const result = checkEntry(key, index.entries.get(key));
      if (typeof result === 'string') throw new Error(result);
      await s3.store.put(`${L.root}.datastore/cache/${key}.json`, encodeEntry(key, result), { contentType: 'application/json' });
    }
    await s3.store.put(`${L.root}.datastore/cache/${entries[0]!}.json`, '{"format": "something else"}', {
      contentType: 'application/json',
    });
    const warnings: string[] = [];
    const damaged = await run((m) => warnings.push(m));
    expect(damaged.cache!.stats).toMatchObject({ hits: 2, misses: 1 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('is unusable: it is not an os-datastore-table-result/1 entry');
    expect(timeless(damaged.validation.report)).toEqual(timeless(plain.validation.report));
  });

  it("a pull request reads the base's results from the public bucket (no credentials), and validates only what it changed", async () => {
    const s3 = await startS3();
    const dir = await gitdir({
      'datapackage.json': descriptor,
      'data/2024.csv': year('2024', 40),
      'data/2025.csv': year('2025', 30),
      'data/codes.csv': codes,
    });
    await publish(dir, s3);
    // The pull request: one year gets a bad row.
    await commitFiles(dir, { 'data/2025.csv': year('2025', 30, 3) });
    const snapshot = await openGitDataset(dir);
    const cache = await baseResultCache(snapshot, s3.config, 'alice');
    expect(cache?.writer).toBeUndefined();
    const pr = await checkPackage(snapshot.source, { repositoryOwner: 'alice', cache: cache! });
    expect(pr.cache!.stats).toMatchObject({ hits: 2, misses: 1 });
    expect(pr.validation.report.valid).toBe(false);
    const plain = await checkPackage((await openGitDataset(dir)).source, { repositoryOwner: 'alice' });
    expect(timeless(pr.validation.report)).toEqual(timeless(plain.validation.report));
    expect(pr.aggregates).toEqual(plain.aggregates);
    // No bucket configured: no cache, everything validated.
    expect(await baseResultCache(snapshot, null, 'alice')).toBeUndefined();
  });
});
