/**
 * The read side against a real s3rver: `get`, `versions` and `restore` as users run them (the CLI
 * in a child process), anonymously over plain HTTP GETs (--url) and through the S3 client of the
 * storage settings; every file compared byte for byte with the published git commit.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { publicStoreReader } from '../../src/adapters/http/public-store.ts';
import { s3StoreReader } from '../../src/adapters/s3/reader.ts';
import { DatasetLayout } from '../../src/mirror/layout.ts';
import { publishDataset } from '../../src/pipeline/publish.ts';
import { listVersions, openDataset } from '../../src/read/dataset.ts';
import { BIN, runCli } from '../support/cli.ts';
import { commitFiles, git, gitdir, hasGitLfs } from '../support/git.ts';
import { startS3, type TestS3 } from '../support/s3.ts';
import { testdir } from '../support/tmp.ts';

const clean = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('OS_STORAGE') && !k.startsWith('OS_ACCESS') && !k.startsWith('OS_SECRET')),
);
const cli = (args: string[], env: Record<string, string> = {}, cwd?: string) => runCli(args, { env, base: clean, ...(cwd ? { cwd } : {}) });
const envFor = (s3: TestS3) => ({
  OS_STORAGE_BUCKET_NAME: s3.bucket,
  OS_STORAGE_ENDPOINT: s3.endpoint,
  OS_ACCESS_KEY_ID: 'S3RVER',
  OS_SECRET_ACCESS_KEY: 'S3RVER',
});
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

const descriptor = {
  name: 'budget',
  title: 'Budget',
  owner: 'alice',
  profiles: ['openspending', 'tabular'],
  location: 'GB',
  mapping: {
    transaction: {
      value: { currency: 'EUR', factor: 1 },
      attributes: { id: ['spending/id'], amount: ['spending/amount'], date: ['spending/date'] },
    },
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
        ],
        primaryKey: 'id',
      },
    },
    { name: 'notes', path: 'data/notes.csv', schema: { fields: [{ name: 'note', type: 'string' }] } },
  ],
};
const spending = 'id,date,amount\n1,2023-01-05,10.5\n2,2024-02-01,20\n3,2024-07-09,0.25\n';
// Bytes that are not UTF-8 text in a file beside the package: restored byte for byte.
const binary = Buffer.from([0, 255, 254, 10, 13, 10, 128]);

async function repo(lfs: boolean) {
  return gitdir(
    {
      'datapackage.json': descriptor,
      'data/spending.csv': spending,
      'data/notes.csv': 'note\nfirst\n',
      'docs/read me.txt': 'spaces in a name\n',
      'raw.bin': binary,
    },
    lfs ? { lfs: ['data/spending.csv'] } : {},
  );
}

/** Every file of the commit (LFS files as their content: the working tree after checkout), but hidden ones. */
async function committedFiles(dir: string): Promise<Map<string, Buffer>> {
  const list = (await git(dir, ['ls-files'])).split('\n').filter((p) => p && !p.split('/').some((s) => s.startsWith('.')));
  return new Map(await Promise.all(list.map(async (p) => [p, await readFile(join(dir, p))] as [string, Buffer])));
}

async function folderFiles(dir: string, skip = (p: string) => p.startsWith('.')): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    if (!skip(rel)) out.set(rel, await readFile(join(dir, rel)));
  }
  return out;
}

const L = new DatasetLayout('alice', 'budget');
const publicUrl = (s3: TestS3) => `${s3.endpoint}/${s3.bucket}`;

describe('get and versions', () => {
  it('get writes the published commit byte for byte, anonymously over HTTP and through the S3 client; versions lists them newest first', async () => {
    const s3 = await startS3();
    const dir = await repo(hasGitLfs);
    const v1 = await git(dir, ['rev-parse', 'HEAD']);
    await publishDataset(await openGitDataset(dir), s3.store, { now: () => new Date('2026-01-01T00:00:00Z') });
    const v1Files = await committedFiles(dir);
    await commitFiles(dir, { 'data/notes.csv': 'note\nfirst\nsecond\n' });
    const v2 = await git(dir, ['rev-parse', 'HEAD']);
    await publishDataset(await openGitDataset(dir), s3.store, { now: () => new Date('2026-02-01T00:00:00Z') });
    const v2Files = await committedFiles(dir);
    expect(v2Files.size).toBe(5);

    const out = join(await testdir(), 'latest');
    const anon = await cli(['get', 'alice/budget', '--out', out, '--url', publicUrl(s3)]);
    expect(anon.stderr).toBe('');
    expect(anon.code).toBe(0);
    expect(anon.stdout).toContain(`got alice/budget @ ${v2.slice(0, 12)}`);
    expect(await folderFiles(out)).toEqual(v2Files);

    // An older version by a unique commit prefix, through the storage settings (no --url).
    const old = join(await testdir(), 'old');
    const viaS3 = await cli(['get', `alice/budget@${v1.slice(0, 8)}`, '--out', old, '--json'], envFor(s3));
    expect(viaS3.stderr).toBe('');
    expect(viaS3.code).toBe(0);
    expect(JSON.parse(viaS3.stdout)).toMatchObject({ commit: v1, latest: false, files: 5 });
    expect(await folderFiles(old)).toEqual(v1Files);

    const versions = await cli(['versions', 'alice/budget', '--json', '--url', publicUrl(s3)]);
    expect(versions.code).toBe(0);
    const list = JSON.parse(versions.stdout);
    expect(list.map((v: { commit: string }) => v.commit)).toEqual([v2, v1]);
    expect(list[0]).toMatchObject({
      publishedAt: '2026-02-01T00:00:00.000Z',
      files: 5,
      valid: true,
      bytes: [...v2Files.values()].reduce((n, b) => n + b.length, 0),
    });
    const text = await cli(['versions', 'alice/budget'], envFor(s3));
    expect(text.code).toBe(0);
    expect(
      text.stdout
        .split('\n')
        .slice(1, 4)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['commit', v2.slice(0, 12), v1.slice(0, 12)]);

    // The library: the same through either reader.
    for (const reader of [publicStoreReader(publicUrl(s3)), s3StoreReader(s3.store)]) {
      const version = await openDataset(reader, { owner: 'alice', name: 'budget' });
      expect(version.commit).toBe(v2);
      expect(version.files.find((f) => f.path === 'data/spending.csv')?.lfs).toBe(hasGitLfs);
      expect(Buffer.from(await version.read('data/notes.csv')).toString()).toBe('note\nfirst\nsecond\n');
      expect((await listVersions(reader, { owner: 'alice', name: 'budget' })).map((v) => v.commit)).toEqual([v2, v1]);
    }
  });

  it('a store with a key prefix: --url includes it, the S3 client takes it from OS_STORAGE_PREFIX', async () => {
    const s3 = await startS3({ prefix: 'staging/v1' });
    const dir = await repo(false);
    await publishDataset(await openGitDataset(dir), s3.store);
    expect([...(await s3.objects()).keys()].every((k) => k.startsWith('staging/v1/datasets/alice/budget/'))).toBe(true);
    const files = await committedFiles(dir);
    const viaUrl = join(await testdir(), 'a');
    expect((await cli(['get', 'alice/budget', '--out', viaUrl, '--url', `${publicUrl(s3)}/staging/v1`])).code).toBe(0);
    expect(await folderFiles(viaUrl)).toEqual(files);
    const viaEnv = join(await testdir(), 'b');
    const r = await cli(['get', 'alice/budget', '--out', viaEnv], { ...envFor(s3), OS_STORAGE_PREFIX: 'staging/v1' });
    expect(r.stderr).toBe('');
    expect(await folderFiles(viaEnv)).toEqual(files);
    // Without the prefix there is nothing there, and the message says where it looked.
    const none = await cli(['versions', 'alice/budget', '--url', publicUrl(s3)]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`alice/budget is not published in ${publicUrl(s3)}`);
  });

  it('get --aggregates also writes the aggregates, verified against state.json; for an old version it says they are not kept', async () => {
    const s3 = await startS3();
    const dir = await repo(false);
    await publishDataset(await openGitDataset(dir), s3.store);
    const v1 = await git(dir, ['rev-parse', 'HEAD']);
    await commitFiles(dir, { 'data/notes.csv': 'note\nother\n' });
    await publishDataset(await openGitDataset(dir), s3.store);
    const out = join(await testdir(), 'with-aggregates');
    const r = await cli(['get', 'alice/budget', '--out', out, '--aggregates', '--url', publicUrl(s3)]);
    expect(r.code).toBe(0);
    const objects = await s3.objects();
    for (const name of ['summary.json', 'by-year.csv', 'datapackage.json']) {
      expect((await readFile(join(out, 'aggregates', name))).equals(objects.get(L.latest(`aggregates/${name}`))!)).toBe(true);
    }
    const oldOut = join(await testdir(), 'old');
    const old = await cli(['get', `alice/budget@${v1}`, '--out', oldOut, '--aggregates', '--url', publicUrl(s3)]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/aggregates of the published version only/);
    expect(existsSync(oldOut)).toBe(false);
  });

  it('a tampered blob makes get fail naming the file and both hashes, with nothing left in --out', async () => {
    const s3 = await startS3();
    const dir = await repo(false);
    await publishDataset(await openGitDataset(dir), s3.store);
    // Change the stored bytes behind the store's back (same size: only the hash tells).
    const blob = L.blob(sha('note\nfirst\n'));
    await s3.seed({ [blob]: 'note\nfirsT\n' });
    const parent = await testdir();
    const out = join(parent, 'pkg');
    for (const args of [['--url', publicUrl(s3)], []]) {
      const r = await cli(['get', 'alice/budget', '--out', out, ...args], args.length ? {} : envFor(s3));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('data/notes.csv');
      expect(r.stderr).toContain(`expected sha256 ${sha('note\nfirst\n')}`);
      expect(r.stderr).toContain(`sha256 ${sha('note\nfirsT\n')}`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
      expect(existsSync(out)).toBe(false);
      expect(await readdir(parent)).toEqual([]); // no temporary folder left either
    }
  });

  it('refuses a manifest naming a path outside the folder, a missing dataset, a non-empty --out and a malformed reference', async () => {
    const s3 = await startS3();
    const dir = await repo(false);
    await publishDataset(await openGitDataset(dir), s3.store);
    const commit = await git(dir, ['rev-parse', 'HEAD']);
    const manifest = JSON.parse((await s3.objects()).get(L.version(commit))!.toString());
    manifest.files['../escaped.csv'] = manifest.files['data/notes.csv'];
    await s3.seed({ [L.version(commit)]: JSON.stringify(manifest) });
    const parent = await testdir();
    const hostile = await cli(['get', 'alice/budget', '--out', join(parent, 'x'), '--url', publicUrl(s3)]);
    expect(hostile.code).toBe(1);
    expect(hostile.stderr).toContain('"../escaped.csv"');
    expect(await readdir(parent)).toEqual([]);
    expect(existsSync(join(parent, '..', 'escaped.csv'))).toBe(false);

    const missing = await cli(['get', 'alice/nothing', '--out', join(parent, 'y'), '--url', publicUrl(s3)]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/alice\/nothing is not published/);

    const full = await testdir({ 'keep.txt': 'mine' });
    const notEmpty = await cli(['get', 'alice/budget', '--out', full, '--url', publicUrl(s3)]);
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.stderr).toMatch(/is not empty/);
    expect(await readFile(join(full, 'keep.txt'), 'utf8')).toBe('mine');

    for (const bad of ['alice', 'alice/budget@xyz', 'al_ice/budget']) {
      const r = await cli(['versions', bad, '--url', publicUrl(s3)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/OWNER\/NAME|not a GitHub owner|without @COMMIT|hex/);
    }
  });
});

describe('an interrupted get', () => {
  it('Ctrl+C while a file downloads leaves nothing: no --out, no temporary folder', async () => {
    const s3 = await startS3();
    await publishDataset(await openGitDataset(await repo(false)), s3.store);
    // A proxy in front of the store that answers blob requests with a few bytes and then nothing.
    const server = createServer((req, res) => {
      if (req.url?.includes('/blobs/')) {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('id,');
        return;
      }
      fetch(`${s3.endpoint}${req.url}`).then(
        async (r) => res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer())),
        () => res.writeHead(502).end(),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    onTestFinished(() => {
      server.closeAllConnections();
      server.close();
    });
    const parent = await testdir();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'get',
        'alice/budget',
        '--out',
        join(parent, 'pkg'),
        '--url',
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/${s3.bucket}`,
      ],
      { env: clean, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    // Wait for the download to be under way (its temporary folder exists), then interrupt it.
    while (!(await readdir(parent)).some((n) => n.startsWith('.pkg.partial-'))) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await readdir(parent)).toEqual([]);
  });
});

describe('restore', () => {
  it.skipIf(!hasGitLfs)(
    `${hasGitLfs ? '' : 'SKIPPED: git-lfs not installed (apt-get install git-lfs) — '}a deleted repository is restored from the store alone (LFS files tracked again), re-published, and nothing new is uploaded`,
    async () => {
      const s3 = await startS3();
      const dir = await repo(true);
      const original = await git(dir, ['rev-parse', 'HEAD']);
      await publishDataset(await openGitDataset(dir), s3.store);
      const files = await committedFiles(dir);
      await rm(dir, { recursive: true, force: true });

      const into = join(await testdir(), 'restored');
      const r = await cli(['restore', 'alice/budget', '--into', into, '--url', publicUrl(s3)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`git -C ${into} remote add origin https://github.com/alice/budget.git`);
      expect(r.stdout).toContain(`git -C ${into} push -u origin main`);
      expect(await git(into, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main');
      expect(await git(into, ['log', '-1', '--format=%B'])).toContain(`Original commit: ${original}`);
      expect(await git(into, ['status', '--porcelain'])).toBe('');
      expect((await git(into, ['lfs', 'ls-files', '--name-only'])).split('\n')).toEqual(['data/spending.csv']);
      expect(await git(into, ['cat-file', '-p', 'HEAD:data/spending.csv'])).toMatch(/^version https:\/\/git-lfs/);
      expect(await folderFiles(into)).toEqual(files);

      const republished = await cli(['publish', into, '--json'], envFor(s3));
      expect(republished.code).toBe(0);
      const doc = JSON.parse(republished.stdout);
      expect(doc).toMatchObject({ status: 'published', owner: 'alice', name: 'budget', stats: { uploaded: 0, copied: 0 } });
      expect(doc.report.valid).toBe(true);
    },
  );

  it('restore refuses a non-empty --into and leaves it as it was', async () => {
    const s3 = await startS3();
    await publishDataset(await openGitDataset(await repo(false)), s3.store);
    const into = await testdir({ 'mine.txt': 'x' });
    const r = await cli(['restore', 'alice/budget', '--into', into, '--url', publicUrl(s3)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--into .* is not empty/);
    expect(await readdir(into)).toEqual(['mine.txt']);
  });
});
