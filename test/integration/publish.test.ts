/**
 * Publishing real git repositories (git-lfs included) to a real S3-compatible server (s3rver on
 * loopback): first publish, no-op, change, delete, force-push, invalid input, owners, aggregates
 * and prune — asserting on the bucket itself.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { DatasetLayout } from '../../src/mirror/layout.ts';
import { publishDataset } from '../../src/pipeline/publish.ts';
import { pruneDataset } from '../../src/mirror/prune.ts';
import { startCountingProxy } from '../support/counting-proxy.ts';
import { commitFiles, git, gitdir, hasGitLfs, needsLfs } from '../support/git.ts';
import { startS3 } from '../support/s3.ts';

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

const descriptor = (extra: object = {}) => ({
  name: 'budget',
  title: 'Budget',
  profiles: ['openspending', 'tabular'],
  owner: 'alice',
  location: 'GB',
  mapping: {
    transaction: {
      value: { currency: 'EUR', factor: 1 },
      attributes: { id: ['spending/id'], amount: ['spending/amount'], date: ['spending/date'], title: ['spending/title'] },
    },
    taxonomy: { attributes: { functional: { id: ['spending/fn'], title: ['spending/fn'] } } },
  },
  resources: [
    {
      name: 'spending',
      path: 'data/spending.csv',
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'date', type: 'date' },
          { name: 'amount', type: 'number' },
          { name: 'title', type: 'string' },
          { name: 'fn', type: 'string' },
        ],
        primaryKey: 'id',
      },
    },
    { name: 'notes', path: 'data/notes.csv', schema: { fields: [{ name: 'note', type: 'string' }] } },
  ],
  ...extra,
});

// 0.1 + 0.2 + ... : binary floats get these sums wrong; the aggregates must not.
const spending = (rows: number): string =>
  'id,date,amount,title,fn\n' +
  Array.from({ length: rows }, (_, i) => `${i + 1},202${i % 3}-0${(i % 9) + 1}-15,${i % 2 ? '0.1' : '0.2'},item ${i},F${i % 2}\n`).join('');

async function repo(files: Record<string, string | object> = {}, lfs?: string[]) {
  return gitdir(
    {
      'datapackage.json': descriptor(),
      'data/spending.csv': spending(30),
      'data/notes.csv': 'note\nfirst\n',
      'README.md': '# Budget\n',
      ...files,
    },
    lfs ? { lfs } : {},
  );
}

async function publish(dir: string, s3: Awaited<ReturnType<typeof startS3>>, store = s3.store, owner?: string) {
  return publishDataset(await openGitDataset(dir), store, { owner });
}

const L = new DatasetLayout('alice', 'budget');

describe('publish', () => {
  it('a first publish writes the whole layout, with content types and checksums', async () => {
    const s3 = await startS3();
    const dir = await repo();
    const r = await publish(dir, s3);
    expect(r.status).toBe('published');
    const commit = await git(dir, ['rev-parse', 'HEAD']);
    const objects = await s3.objects();
    const keys = [...objects.keys()].sort();
    const csv = spending(30);
    expect(keys).toEqual(
      expect.arrayContaining([
        L.latest('datapackage.json'),
        L.latest('data/spending.csv'),
        L.latest('data/notes.csv'),
        L.latest('README.md'),
        L.blob(sha(csv)),
        L.version(commit),
        L.report(commit),
        L.badge,
        L.state,
        L.latest('aggregates/summary.json'),
        L.latest('aggregates/by-year.csv'),
        L.latest('aggregates/datapackage.json'),
      ]),
    );
    expect(keys.some((k) => k.includes('.gitattributes') || k.includes('/.git'))).toBe(false);
    expect(objects.get(L.latest('data/spending.csv'))?.toString()).toBe(csv);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: L.latest('data/spending.csv') }));
    expect(head.ContentType).toBe('text/csv; charset=utf-8');
    expect(head.CacheControl).toMatch(/max-age=60/);
    const blobHead = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: L.blob(sha(csv)) }));
    expect(blobHead.CacheControl).toMatch(/immutable/);
    const state = JSON.parse(objects.get(L.state)!.toString());
    expect(state.commit).toBe(commit);
    const manifest = JSON.parse(objects.get(L.version(commit))!.toString());
    expect(manifest.files['data/spending.csv']).toMatchObject({ sha256: sha(csv), blob: L.blob(sha(csv)) });
    expect(r.url).toContain(L.latest('datapackage.json'));
  });

  it('aggregates are exact to the cent where floats are not', async () => {
    const s3 = await startS3();
    const rows = 1000;
    await publish(await repo({ 'data/spending.csv': spending(rows) }), s3);
    let float = 0;
    for (let i = 0; i < rows; i++) float += i % 2 ? 0.1 : 0.2;
    expect(String(float)).not.toBe('150'); // the float sum is off...
    const summary = JSON.parse((await s3.objects()).get(L.latest('aggregates/summary.json'))!.toString());
    expect(summary).toMatchObject({ currency: 'EUR', count: rows, total: '150.0' }); // ...the published one is not
    const byYear = (await s3.objects()).get(L.latest('aggregates/by-year.csv'))!.toString();
    expect(byYear.split('\n')[0]).toBe('year,total,count');
  });

  it('re-publishing the same commit costs at most 2 requests and writes nothing', async () => {
    const s3 = await startS3();
    const dir = await repo();
    await publish(dir, s3);
    const proxy = await startCountingProxy(s3.endpoint);
    const before = await s3.objects();
    const r = await publish(dir, s3, s3.storeVia(proxy.endpoint));
    expect(r.status).toBe('unchanged');
    expect(proxy.count()).toBeLessThanOrEqual(2);
    expect(proxy.count({ method: 'PUT' })).toBe(0);
    expect(await s3.objects()).toEqual(before);
  });

  it('a one-file change uploads one blob; the previous version stays restorable', async () => {
    const s3 = await startS3();
    const dir = await repo();
    await publish(dir, s3);
    const v1 = await git(dir, ['rev-parse', 'HEAD']);
    const oldNotes = 'note\nfirst\n';
    await commitFiles(dir, { 'data/notes.csv': 'note\nfirst\nsecond\n' });
    const proxy = await startCountingProxy(s3.endpoint);
    const r = await publish(dir, s3, s3.storeVia(proxy.endpoint));
    expect(r.stats.uploaded).toBe(1);
    const blobPuts = proxy.requests.filter((q) => q.method === 'PUT' && q.url.includes('/blobs/sha256/'));
    expect(blobPuts).toHaveLength(1);
    const objects = await s3.objects();
    expect(objects.get(L.latest('data/notes.csv'))?.toString()).toBe('note\nfirst\nsecond\n');
    expect(objects.get(L.blob(sha(oldNotes)))?.toString()).toBe(oldNotes);
    expect(JSON.parse(objects.get(L.version(v1))!.toString()).files['data/notes.csv'].sha256).toBe(sha(oldNotes));
  });

  it('deleting a file and force-pushing move latest paths only; blobs and manifests stay', async () => {
    const s3 = await startS3();
    const dir = await repo();
    await publish(dir, s3);
    const v1 = await git(dir, ['rev-parse', 'HEAD']);
    await git(dir, ['rm', '-q', 'README.md']);
    await git(dir, ['commit', '-qm', 'drop readme']);
    await publish(dir, s3);
    let objects = await s3.objects();
    expect(objects.has(L.latest('README.md'))).toBe(false);
    expect(objects.get(L.blob(sha('# Budget\n')))?.toString()).toBe('# Budget\n');
    // rewrite history: a new root commit with other content
    await git(dir, ['checkout', '-q', '--orphan', 'rewritten']);
    await commitFiles(dir, { 'data/notes.csv': 'note\nrewritten\n' }, 'rewritten');
    const r = await publish(dir, s3);
    expect(r.status).toBe('published');
    objects = await s3.objects();
    expect(objects.get(L.latest('data/notes.csv'))?.toString()).toBe('note\nrewritten\n');
    expect(objects.has(L.version(v1))).toBe(true);
    expect(objects.get(L.blob(sha('note\nfirst\n')))?.toString()).toBe('note\nfirst\n');
  });

  it('a revert reuses the blob an older version stored, unless what is stored under its key is cut short', async () => {
    const s3 = await startS3();
    const dir = await repo();
    const first = 'note\nfirst\n';
    await publish(dir, s3);
    await commitFiles(dir, { 'data/notes.csv': 'note\nsecond\n' });
    await publish(dir, s3);
    // Back to the first content: its blob is stored, so nothing is uploaded.
    await commitFiles(dir, { 'data/notes.csv': first });
    const reverted = await publish(dir, s3);
    expect(reverted.stats.uploaded).toBe(0);
    expect((await s3.objects()).get(L.latest('data/notes.csv'))?.toString()).toBe(first);

    // A blob cut off by a store that is not atomic (seeded straight into s3rver's folder): uploaded again.
    const third = 'note\nthird one\n';
    await s3.seed({ [L.blob(sha(third))]: third.slice(0, 5) });
    await commitFiles(dir, { 'data/notes.csv': third });
    const r = await publish(dir, s3);
    expect(r.stats.uploaded).toBe(1);
    const objects = await s3.objects();
    expect(objects.get(L.blob(sha(third)))?.toString()).toBe(third);
    expect(objects.get(L.latest('data/notes.csv'))?.toString()).toBe(third);
  });

  it('an invalid package writes nothing', async () => {
    const s3 = await startS3();
    const r = await publish(await repo({ 'data/spending.csv': 'id,date,amount,title,fn\nx,2020-01-01,1,a,F\n' }), s3);
    expect(r.status).toBe('invalid');
    expect(r.report?.errors.map((e) => e.code)).toContain('type-error');
    expect((await s3.objects()).size).toBe(0);
  });

  it("nobody publishes under someone else's name: the GitHub owner must be the descriptor's", async () => {
    const s3 = await startS3();
    const dir = await repo();
    await git(dir, ['remote', 'add', 'origin', 'https://github.com/mallory/budget.git']);
    const r = await publish(dir, s3);
    expect(r.status).toBe('invalid');
    expect(r.report?.errors.map((e) => e.code)).toContain('owner-mismatch');
    expect((await s3.objects()).size).toBe(0);
    // the real owner, any case
    await git(dir, ['remote', 'set-url', 'origin', 'https://github.com/Alice/budget.git']);
    expect((await publish(dir, s3)).status).toBe('published');
    // --owner cannot override a GitHub owner
    const other = await startS3();
    expect((await publish(dir, other, other.store, 'bob')).status).toBe('invalid');
  });

  it.skipIf(!hasGitLfs)(needsLfs('an LFS-stored CSV is published with its real content, identified by its LFS oid'), async () => {
    const s3 = await startS3();
    const csv = spending(50);
    const dir = await repo({ 'data/spending.csv': csv }, ['data/spending.csv']);
    const ds = await openGitDataset(dir);
    expect(ds.files.find((f) => f.path === 'data/spending.csv')?.lfs?.oid).toBe(sha(csv));
    await publishDataset(ds, s3.store);
    const objects = await s3.objects();
    expect(objects.get(L.latest('data/spending.csv'))?.toString()).toBe(csv);
    const commit = await git(dir, ['rev-parse', 'HEAD']);
    expect(JSON.parse(objects.get(L.version(commit))!.toString()).files['data/spending.csv']).toMatchObject({
      lfs: true,
      sha256: sha(csv),
    });
  });

  it('prune keeps the newest versions and the blobs they use, and removes the rest', async () => {
    const s3 = await startS3();
    const dir = await repo();
    const commits: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i) await commitFiles(dir, { 'data/notes.csv': `note\nv${i}\n` });
      commits.push(await git(dir, ['rev-parse', 'HEAD']));
      await publishDataset(await openGitDataset(dir), s3.store, { now: () => new Date(Date.UTC(2026, 0, 1 + i)) });
    }
    const dry = await pruneDataset(s3.store, L, { keep: 1, dryRun: true });
    expect(dry.removedVersions.sort()).toEqual([commits[0], commits[1]].sort());
    expect((await s3.objects()).has(L.version(commits[0]!))).toBe(true);
    const r = await pruneDataset(s3.store, L, { keep: 1 });
    expect(r.kept).toEqual([commits[2]]);
    const objects = await s3.objects();
    expect(objects.has(L.version(commits[0]!))).toBe(false);
    expect(objects.has(L.report(commits[0]!))).toBe(false);
    expect(objects.has(L.blob(sha('note\nfirst\n')))).toBe(false);
    expect(objects.get(L.blob(sha('note\nv2\n')))?.toString()).toBe('note\nv2\n');
    expect(objects.get(L.latest('data/notes.csv'))?.toString()).toBe('note\nv2\n');
    const index = JSON.parse(objects.get(L.versionIndex)!.toString());
    expect(index.versions.map((v: { commit: string }) => v.commit)).toEqual([commits[2]]);
    expect(objects.has(L.versionPage(commits[0]!))).toBe(false);
    expect(objects.get(L.versionPage(commits[2]!))?.toString()).toContain('This page never changes');
  });

  it('publish keeps versions/index.json: every version newest first, each naming a stored manifest', async () => {
    const s3 = await startS3();
    const dir = await repo();
    const commits: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i) await commitFiles(dir, { 'data/notes.csv': `note\nv${i}\n` });
      commits.push(await git(dir, ['rev-parse', 'HEAD']));
      await publishDataset(await openGitDataset(dir), s3.store, { now: () => new Date(Date.UTC(2026, 0, 1 + i)) });
    }
    // Publishing an older commit again (a revert) moves it to the top, once.
    await git(dir, ['reset', '-q', '--hard', commits[0]!]);
    await publishDataset(await openGitDataset(dir), s3.store, { now: () => new Date(Date.UTC(2026, 0, 9)) });
    const objects = await s3.objects();
    const index = JSON.parse(objects.get(L.versionIndex)!.toString());
    expect(index).toMatchObject({ version: 1, owner: 'alice', name: 'budget', latest: commits[0] });
    expect(index.versions.map((v: { commit: string }) => v.commit)).toEqual([commits[0], commits[2], commits[1]]);
    const top = index.versions[0];
    const manifest = JSON.parse(objects.get(top.manifest)!.toString());
    const sizes = Object.values(manifest.files as Record<string, { size: number }>).map((f) => f.size);
    expect(top).toMatchObject({
      publishedAt: '2026-01-09T00:00:00.000Z',
      valid: true,
      errors: 0,
      files: sizes.length,
      bytes: sizes.reduce((a, b) => a + b, 0),
      report: L.report(commits[0]!),
    });
    for (const v of index.versions) expect(objects.has(v.manifest)).toBe(true);
    // Prune does not mistake the index for a version manifest.
    const pruned = await pruneDataset(s3.store, L, { keep: 2 });
    expect(pruned.kept.sort()).toEqual([commits[0], commits[2]].sort());
    expect((await s3.objects()).has(L.versionIndex)).toBe(true);
  });

  it.skipIf(!hasGitLfs)(needsLfs('the version manifest records which files were in git-LFS'), async () => {
    const s3 = await startS3();
    const dir = await repo({}, ['data/spending.csv']);
    await publish(dir, s3);
    const commit = await git(dir, ['rev-parse', 'HEAD']);
    const manifest = JSON.parse((await s3.objects()).get(L.version(commit))!.toString());
    expect(manifest.files['data/spending.csv'].lfs).toBe(true);
    expect(manifest.files['data/notes.csv'].lfs).toBeUndefined();
  });
});
