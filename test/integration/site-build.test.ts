/** `os-datastore site` against a real s3rver: the catalog from the registry's read copy or from the store, and the pages rewritten. */
import { describe, expect, it } from 'vitest';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { listPublishedDatasets } from '../../src/adapters/s3/datasets.ts';
import { s3StoreReader } from '../../src/adapters/s3/reader.ts';
import { publishDataset } from '../../src/pipeline/publish.ts';
import { DATASET_COLUMNS } from '../../src/registry/csv.ts';
import { buildSite } from '../../src/site/build.ts';
import { runCli } from '../support/cli.ts';
import { gitdir } from '../support/git.ts';
import { startS3, type TestS3 } from '../support/s3.ts';

const clean = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('OS_STORAGE') && !k.startsWith('OS_ACCESS') && !k.startsWith('OS_SECRET')),
);
const envFor = (s3: TestS3) => ({
  OS_STORAGE_BUCKET_NAME: s3.bucket,
  OS_STORAGE_ENDPOINT: s3.endpoint,
  OS_ACCESS_KEY_ID: 'S3RVER',
  OS_SECRET_ACCESS_KEY: 'S3RVER',
});

const pkg = (owner: string, name: string, title: string) => ({
  'datapackage.json': {
    name,
    owner,
    title,
    resources: [
      {
        name: 'p',
        path: 'p.csv',
        schema: {
          fields: [
            { name: 'region', type: 'string' },
            { name: 'n', type: 'integer' },
          ],
        },
      },
    ],
  },
  'p.csv': 'region,n\nNorth,10\nSouth,20\n',
});

async function publishTwo(s3: TestS3) {
  await publishDataset(await openGitDataset(await gitdir(pkg('alice', 'budget', 'Alice budget'))), s3.store);
  await publishDataset(await openGitDataset(await gitdir(pkg('bob', 'population', 'Bob population'))), s3.store);
}

function row(values: Record<string, string>): string {
  return DATASET_COLUMNS.map((c) => values[c] ?? '').join(',');
}

describe('os-datastore site', () => {
  it("lists the registry read copy's datasets (core marked, removed left out), linking those in the store", async () => {
    const s3 = await startS3();
    await publishTwo(s3);
    const common = { default_branch: 'main', last_commit: 'a'.repeat(40), valid: 'true', reason: '', updated: '2026-01-01T00:00:00Z' };
    const csv =
      [
        DATASET_COLUMNS.join(','),
        row({
          ...common,
          repository_id: '1',
          owner: 'alice',
          repo: 'budget',
          name: 'budget',
          url: 'https://github.com/alice/budget',
          core: 'false',
          title: 'Alice budget',
          s3_prefix: 'datasets/alice/budget/',
          status: 'published',
        }),
        row({
          ...common,
          repository_id: '2',
          owner: 'os-data',
          repo: 'core-set',
          name: 'core-set',
          url: 'https://github.com/os-data/core-set',
          core: 'true',
          title: 'A core set',
          s3_prefix: 'datasets/os-data/core-set/',
          status: 'queued',
        }),
        row({
          ...common,
          repository_id: '3',
          owner: 'bob',
          repo: 'population',
          name: 'population',
          url: 'https://github.com/bob/population',
          core: 'false',
          title: 'Bob population',
          s3_prefix: 'datasets/bob/population/',
          status: 'removed',
        }),
      ].join('\n') + '\n';
    await s3.seed({ 'registry/data/datasets.csv': csv });
    const result = await buildSite({
      reader: s3StoreReader(s3.store),
      store: s3.store,
      listDatasets: () => listPublishedDatasets(s3.store),
    });
    expect(result).toMatchObject({ source: 'registry', datasets: 2, pages: 1, skipped: [] });
    const html = (await s3.objects()).get('index.html')!.toString();
    expect(html).toContain('<a href="datasets/alice/budget/index.html">budget</a>');
    expect(html).toMatch(/core-set <span class="core">\(core\)<\/span>/);
    expect(html).toContain('<a href="https://github.com/os-data/core-set" rel="noopener noreferrer">os-data</a>');
    expect(html).not.toContain('population');
  });

  it('without a registry, the CLI lists the datasets in the store, rewrites their pages and prints the catalog URL', async () => {
    const s3 = await startS3();
    await publishTwo(s3);
    await s3.store.delete(['datasets/bob/population/index.html']);
    const r = await runCli(['site'], { env: envFor(s3), base: clean });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 datasets in the catalog (from the datasets in the store), 2 dataset pages written');
    expect(r.stdout).toContain(`catalog: ${s3.endpoint}/${s3.bucket}/index.html`);
    const objects = await s3.objects();
    expect(objects.get('datasets/bob/population/index.html')?.toString()).toContain('<h1>Bob population</h1>');
    const catalog = objects.get('index.html')!.toString();
    expect(catalog).toContain('datasets/alice/budget/index.html');
    expect(catalog).toContain('datasets/bob/population/index.html');
    const head = await fetch(`${s3.endpoint}/${s3.bucket}/index.html`);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(head.headers.get('cache-control')).toMatch(/max-age=60/);
  });
});
