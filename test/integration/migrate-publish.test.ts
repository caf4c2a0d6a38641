/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents read back in assertions */
/**
 * `migrate DUMP --publish --registry DIR` into a real s3rver and a local registry folder made
 * from registry-template/; `--shard K/N`: N shards run at once into one output folder, one
 * bucket and one registry give exactly what one run gives.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { shardOf } from '../../src/migrate/shard.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { runCli } from '../support/cli.ts';
import { edgeCaseDump } from '../support/legacy-dump.ts';
import { startS3, type TestS3 } from '../support/s3.ts';
import { testdir } from '../support/tmp.ts';

type Obj = Record<string, any>;
const clean = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('OS_STORAGE') && !k.startsWith('OS_ACCESS') && !k.startsWith('OS_SECRET')),
);
const envFor = (s3: TestS3): Record<string, string> => ({
  OS_STORAGE_BUCKET_NAME: s3.bucket,
  OS_STORAGE_ENDPOINT: s3.endpoint,
  OS_ACCESS_KEY_ID: 'S3RVER',
  OS_SECRET_ACCESS_KEY: 'S3RVER',
});
const cli = (args: string[], env: Record<string, string>) => runCli(args, { env, base: clean });
const CONVERTED = ['bosnia-herzegovina', 'tekjur-rikissjods', 'tunisia_budget', 'ukgov-finances-cra', 'uppgjor-rikissjods'];

/** The registry's datasets.csv without the `updated` column (the time of each run). */
async function datasetsRows(reg: string): Promise<string[]> {
  const lines = (await readFile(join(reg, 'data/datasets.csv'), 'utf8')).trimEnd().split('\n');
  const at = lines[0]!.split(',').indexOf('updated');
  return lines.map((l) =>
    l
      .split(',')
      .filter((_, i) => i !== at)
      .join(','),
  );
}

/**
 * Keys of the bucket, and the content of those that do not hold the time of a run; the dataset
 * pages (index.html) show the time of publishing, which is blanked out.
 */
async function bucketView(s3: TestS3): Promise<Record<string, string>> {
  const view: Record<string, string> = {};
  for (const [k, v] of await s3.objects()) {
    const timed = /\/(versions|reports)\/|\/\.datastore\//.test(k);
    view[k] = timed ? '(timed)' : v.toString('utf8').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '(time)');
  }
  return Object.fromEntries(Object.entries(view).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('migrate --publish --registry', () => {
  it('publishes each valid package with its aggregates and lists it in a local registry; a second run changes nothing', async () => {
    const s3 = await startS3();
    const dir = await testdir();
    const dump = join(dir, 'dump');
    await edgeCaseDump(dump);
    const reg = join(dir, 'registry');
    const r = await cli(['migrate', dump, '--out', join(dir, 'out'), '--publish', '--registry', reg, '--json'], envFor(s3));
    const report = JSON.parse(r.stdout);
    const d = Object.fromEntries(report.datasets.map((x: Obj) => [x.name, x]));
    for (const n of CONVERTED) expect(d[n].publish, n).toMatchObject({ status: 'published', registry: 'listed' });
    expect(d['tekjur-rikissjods'].publish.prefix).toBe('datasets/tryggvib/tekjur-rikissjods/');
    const keys = [...(await s3.objects()).keys()];
    expect(keys).toEqual(
      expect.arrayContaining([
        'datasets/tryggvib/tekjur-rikissjods/datapackage.json',
        'datasets/tryggvib/tekjur-rikissjods/data/2156.csv',
        'datasets/tryggvib/tekjur-rikissjods/aggregates/summary.json',
        'datasets/sunbless/bosnia-herzegovina/datapackage.json',
        'datasets/os-data/ukgov-finances-cra/aggregates/by-functional.csv',
      ]),
    );
    const summary = JSON.parse((await s3.objects()).get('datasets/tryggvib/tekjur-rikissjods/aggregates/summary.json')!.toString());
    expect(summary).toMatchObject({ currency: 'ISK', count: 480 });
    // The registry: made from the template, one catalog row per published dataset, and itself a valid package.
    const catalog = (await readFile(join(reg, 'data/catalog.csv'), 'utf8')).trimEnd().split('\n');
    expect(catalog).toEqual([
      'url,name,owner',
      'https://github.com/os-data/tunisia_budget,tunisia_budget,os-data',
      'https://github.com/os-data/ukgov-finances-cra,ukgov-finances-cra,os-data',
      'https://github.com/Sunbless/bosnia-herzegovina,bosnia-herzegovina,Sunbless',
      'https://github.com/tryggvib/tekjur-rikissjods,tekjur-rikissjods,tryggvib',
      'https://github.com/tryggvib/uppgjor-rikissjods,uppgjor-rikissjods,tryggvib',
    ]);
    expect((await validatePackage(await createFsSource(reg))).errors).toEqual([]);
    expect((await readFile(join(reg, 'data/changelog.csv'), 'utf8')).match(/,listed,/g)).toHaveLength(5);

    const again = await cli(['migrate', dump, '--out', join(dir, 'out'), '--publish', '--registry', reg, '--json'], envFor(s3));
    const d2 = Object.fromEntries(JSON.parse(again.stdout).datasets.map((x: Obj) => [x.name, x]));
    for (const n of CONVERTED)
      expect(d2[n]).toMatchObject({ reason: 'resumed', publish: { status: 'unchanged', registry: 'listed (unchanged)' } });
    expect((await readFile(join(reg, 'data/changelog.csv'), 'utf8')).match(/,listed,/g)).toHaveLength(5);
  });

  it("--registry without --publish lists the packages converted (and published) before, as the matrix workflow's last job does", async () => {
    const dir = await testdir();
    await edgeCaseDump(join(dir, 'dump'));
    const out = join(dir, 'out');
    expect((await cli(['migrate', join(dir, 'dump'), '--out', out, '--shard', '1/2'], {})).code).toBe(1); // no_data_at_all fails in shard 1
    expect((await cli(['migrate', join(dir, 'dump'), '--out', out, '--shard', '2/2'], {})).code).toBe(0);
    const r = await cli(['migrate', join(dir, 'dump'), '--out', out, '--registry', join(dir, 'reg'), '--json'], {});
    const d = JSON.parse(r.stdout);
    expect(d.counts).toMatchObject({ converted: 5, resumed: 5, failed: 0 });
    expect(d.datasets.find((x: Obj) => x.name === 'no_data_at_all')).toMatchObject({ status: 'skipped', reason: 'not-converted' });
    expect(d.datasets.find((x: Obj) => x.name === 'tekjur-rikissjods').publish).toEqual({
      status: 'not published here',
      registry: 'listed',
    });
    expect((await readFile(join(dir, 'reg/data/catalog.csv'), 'utf8')).trimEnd().split('\n')).toHaveLength(6);
  });
});

describe('--shard K/N', () => {
  it('four shards at once give exactly what one run gives: packages, store and registry', async () => {
    const dir = await testdir();
    const dump = join(dir, 'dump');
    await edgeCaseDump(dump);
    const names = [
      'bosnia-herzegovina',
      'bosnian_test',
      'no_data_at_all',
      'save_dimensions',
      'tekjur-rikissjods',
      'tryggvis_test_dataset',
      'tunisia_budget',
      'ukgov-finances-cra',
      'uppgjor-rikissjods',
    ];
    // The dump spreads over the shards (so the test says something).
    expect(new Set(names.map((n) => shardOf(n, 4))).size).toBe(4);

    const one = await startS3();
    const whole = await cli(
      ['migrate', dump, '--out', join(dir, 'one'), '--publish', '--registry', join(dir, 'reg-one'), '--json'],
      envFor(one),
    );
    const many = await startS3();
    const shards = await Promise.all(
      [1, 2, 3, 4].map((k) =>
        cli(
          ['migrate', dump, '--out', join(dir, 'many'), '--publish', '--registry', join(dir, 'reg-many'), '--shard', `${k}/4`, '--json'],
          envFor(many),
        ),
      ),
    );
    for (const s of shards) expect(s.stdout.length, s.stderr).toBeGreaterThan(0);
    const reports = shards.map((s) => JSON.parse(s.stdout));
    // Each dataset in exactly one shard, with the same outcome as in the single run.
    const fromShards = reports.flatMap((r) => r.datasets).sort((a: Obj, b: Obj) => (a.name < b.name ? -1 : 1));
    const strip = (o: Obj): Obj => ({
      name: o.name,
      status: o.status,
      reason: o.reason,
      cases: o.cases,
      owner: o.owner,
      publish: o.publish?.status,
    });
    expect(fromShards.map(strip)).toEqual(JSON.parse(whole.stdout).datasets.map(strip));
    for (const [i, r] of reports.entries()) {
      expect(r.shard).toBe(`${i + 1}/4`);
      expect(r.datasets.every((x: Obj) => shardOf(x.name, 4) === i + 1)).toBe(true);
    }
    // The same package folders, byte for byte.
    const pkgs = (await readdir(join(dir, 'one'))).filter((n) => !n.startsWith('migration-report'));
    expect((await readdir(join(dir, 'many'))).filter((n) => !n.startsWith('migration-report')).sort()).toEqual(pkgs.sort());
    for (const p of pkgs) {
      for (const f of ['datapackage.json', 'migration-report.json'])
        expect(await readFile(join(dir, 'many', p, f), 'utf8')).toBe(await readFile(join(dir, 'one', p, f), 'utf8'));
    }
    expect((await readdir(join(dir, 'many'))).filter((n) => n.startsWith('migration-report')).sort()).toEqual([
      'migration-report.shard-1-of-4.json',
      'migration-report.shard-2-of-4.json',
      'migration-report.shard-3-of-4.json',
      'migration-report.shard-4-of-4.json',
    ]);
    // The same store and the same registry.
    expect(await bucketView(many)).toEqual(await bucketView(one));
    expect(await readFile(join(dir, 'reg-many/data/catalog.csv'), 'utf8')).toBe(
      await readFile(join(dir, 'reg-one/data/catalog.csv'), 'utf8'),
    );
    expect(await datasetsRows(join(dir, 'reg-many'))).toEqual(await datasetsRows(join(dir, 'reg-one')));
  });
});
