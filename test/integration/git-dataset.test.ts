/**
 * A dataset read from a real git repository at a commit, LFS included: made with the real git and
 * git-lfs, pushed to a bare file:// remote, cloned without smudging (the working tree holds
 * pointers), and read through openGitDataset — from the clone's objects, the remote's LFS store,
 * and a Git LFS batch server on loopback.
 */

import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openGitDataset, type GitDataset } from '../../src/adapters/git/dataset.ts';
import { SourceUnavailableError } from '../../src/adapters/fs/source.ts';
import { SourceError, type PackageSource } from '../../src/package/source.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { bareRemote, clone, commitFiles, fileUrl, git, gitdir, hasGitLfs, needsLfs, push, scratch } from '../support/git.ts';
import { startLfsServer, type LfsServer, type LfsServerOptions } from '../support/lfs-server.ts';
import { testdir } from '../support/tmp.ts';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const schema = (...fields: Array<[string, string]>) => ({ fields: fields.map(([name, type]) => ({ name, type })) });
const descriptor = {
  name: 'city-spending',
  resources: [
    {
      name: 'spending',
      path: 'data/spending.csv',
      format: 'csv',
      schema: schema(['id', 'integer'], ['region', 'string'], ['amount', 'number']),
    },
    { name: 'regions', path: 'data/regions.csv', format: 'csv', schema: schema(['region', 'string'], ['population', 'integer']) },
  ],
};
const nestedDescriptor = {
  name: 'nested-budget',
  resources: [{ name: 'lines', path: 'lines.csv', format: 'csv', schema: schema(['line', 'integer'], ['total', 'number']) }],
};

const spendingV1 = 'id,region,amount\n1,north,10.5\n2,south,20\n';
const spendingV2 = 'id,region,amount\n1,north,10.5\n2,south,20\n3,east,30.25\n4,west,41\n';
const regionsV1 = 'region,population\nnorth,100\nsouth,200\n';
const regionsV2 = 'region,population\nnorth,100\nsouth,200\neast,300\nwest,400\n';
const lines = 'line,total\n1,5\n2,7.5\n';

/** The repository shared by the tests (they only read it; tests that change things clone it). */
interface Fixture {
  work: string;
  remote: string;
  clone: string;
  first: string;
  second: string;
}

const scratchDir = scratch();
let fx: Fixture;

beforeAll(async () => {
  if (!hasGitLfs) return;
  const parent = await scratchDir();
  const work = await gitdir(
    { 'datapackage.json': descriptor, 'data/spending.csv': spendingV1, 'data/regions.csv': regionsV1 },
    { lfs: ['data/spending.csv', 'nested/budget/lines.csv'], parent },
  );
  const first = await git(work, ['rev-parse', 'HEAD']);
  const second = await commitFiles(
    work,
    {
      'data/spending.csv': spendingV2,
      'data/regions.csv': regionsV2,
      'nested/budget/datapackage.json': nestedDescriptor,
      'nested/budget/lines.csv': lines,
    },
    'more data',
  );
  const remote = await bareRemote(parent);
  await push(work, remote);
  fx = { work, remote, clone: await clone(fileUrl(remote), { smudge: false, parent }), first, second };
});

/** A clone of the fixture's remote of its own (without smudging), to change. */
const freshClone = (): Promise<string> => clone(fileUrl(fx.remote), { smudge: false });

async function text(source: PackageSource, path: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of (await source.open(path)).stream()) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The SourceError a promise rejects with. */
async function sourceError(p: Promise<unknown>): Promise<SourceError> {
  const e: unknown = await p.then(
    () => new Error('expected a SourceError, got success'),
    (err: unknown) => err,
  );
  if (!(e instanceof SourceError)) throw e;
  return e;
}

/**
 * The problem codes validation ends with: the report's, or the SourceError's code when the
 * validator lets a stream's error through (content that fails verification at its end).
 */
async function validationCodes(ds: GitDataset): Promise<string[]> {
  return validatePackage(ds.source).then(
    (r) => r.errors.map((e) => e.code),
    (e: unknown) => (e instanceof SourceError ? [e.code] : Promise.reject(e)),
  );
}

async function lfsServer(options: LfsServerOptions): Promise<LfsServer> {
  const server = await startLfsServer(options);
  onTestFinished(() => server.close());
  return server;
}

/** A clone with no remote whose committed .lfsconfig names `url` (the working tree's copy says something else). */
async function cloneWithLfsconfig(url: string): Promise<string> {
  const dir = await freshClone();
  await git(dir, ['remote', 'remove', 'origin']);
  await commitFiles(dir, { '.lfsconfig': `[lfs]\n\turl = ${url}\n` }, 'lfs endpoint');
  await writeFile(join(dir, '.lfsconfig'), '[lfs]\n\turl = http://working-tree.invalid/lfs\n');
  return dir;
}

describe('openGitDataset', () => {
  it.skipIf(!hasGitLfs)(needsLfs('lists the files at the commit with their content sizes and LFS oids'), async () => {
    const pointer = await readFile(join(fx.clone, 'data/spending.csv'), 'utf8');
    expect(pointer).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1\n/); // the working tree holds the pointer

    const ds = await openGitDataset(fx.clone);
    expect(ds.repoDir).toBe(await realpath(fx.clone));
    expect(ds.datasetPath).toBe('');
    expect(ds.commit).toBe(fx.second);
    expect(ds.remoteUrl).toBe(fileUrl(fx.remote));
    expect(ds.github).toBeNull();
    expect(ds.source.root).toBe('.');
    const byPath = new Map(ds.files.map((f) => [f.path, f]));
    expect([...byPath.keys()].sort()).toEqual([
      '.gitattributes',
      'data/regions.csv',
      'data/spending.csv',
      'datapackage.json',
      'nested/budget/datapackage.json',
      'nested/budget/lines.csv',
    ]);
    expect(byPath.get('data/spending.csv')).toEqual({
      path: 'data/spending.csv',
      oid: await git(fx.clone, ['rev-parse', 'HEAD:data/spending.csv']),
      mode: '100644',
      size: spendingV2.length,
      lfs: { oid: sha256(spendingV2), size: spendingV2.length },
    });
    expect(byPath.get('data/regions.csv')).toEqual({
      path: 'data/regions.csv',
      oid: await git(fx.clone, ['rev-parse', 'HEAD:data/regions.csv']),
      mode: '100644',
      size: regionsV2.length,
    });
  });

  it.skipIf(!hasGitLfs)(
    needsLfs('contentId: the LFS pointer gives the sha256 without reading the object; other blobs are hashed'),
    async () => {
      // no remote and no local objects: the LFS content cannot be read at all
      const dir = await freshClone();
      await git(dir, ['remote', 'remove', 'origin']);
      const ds = await openGitDataset(dir);
      expect(ds.remoteUrl).toBeNull();
      expect(await ds.contentId('data/spending.csv')).toEqual({ sha256: sha256(spendingV2), size: spendingV2.length });
      expect(await ds.contentId('data/regions.csv')).toEqual({ sha256: sha256(regionsV2), size: regionsV2.length });
      expect(await ds.contentId('./data//regions.csv')).toEqual({ sha256: sha256(regionsV2), size: regionsV2.length });

      const e = await sourceError(ds.source.open('data/spending.csv'));
      expect(e.code).toBe('lfs-error');
      expect(e.message).toMatch(
        /"data\/spending\.csv" is stored in Git LFS .* neither in this clone, and there is no LFS server to ask \(no lfs.url in .lfsconfig, no remote\); .*git lfs pull.*lfs: true on actions\/checkout/,
      );
      expect((await sourceError(ds.contentId('data/missing.csv'))).code).toBe('source-error');
    },
  );

  it.skipIf(!hasGitLfs)(needsLfs("reads LFS content from the file:// remote's LFS store, and the package validates"), async () => {
    const ds = await openGitDataset(fx.clone);
    const handle = await ds.source.open('data/spending.csv');
    expect(handle.size).toBe(spendingV2.length);
    expect(await text(ds.source, 'data/spending.csv')).toBe(spendingV2);
    expect(await text(ds.source, 'data/regions.csv')).toBe(regionsV2);
    await expect(readFile(join(fx.clone, '.git/lfs/objects', sha256(spendingV2).slice(0, 2)))).rejects.toThrow(); // not in the clone

    const report = await validatePackage(ds.source);
    expect(report.errors).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.resources.map((r) => [r.name, r.rows, r.bytes])).toEqual([
      ['spending', 4, spendingV2.length],
      ['regions', 4, regionsV2.length],
    ]);
  });

  it.skipIf(!hasGitLfs)(needsLfs("reads LFS content from the clone's own LFS store first"), async () => {
    const dir = await freshClone();
    await git(dir, ['remote', 'remove', 'origin']);
    const oid = sha256(spendingV2);
    const rel = join('lfs/objects', oid.slice(0, 2), oid.slice(2, 4));
    await mkdir(join(dir, '.git', rel), { recursive: true });
    await cp(join(fx.remote, rel, oid), join(dir, '.git', rel, oid));
    const ds = await openGitDataset(dir);
    expect(await text(ds.source, 'data/spending.csv')).toBe(spendingV2);
  });

  it.skipIf(!hasGitLfs)(needsLfs('reads the commit asked for, not the working tree'), async () => {
    const dir = await freshClone();
    await writeFile(join(dir, 'data/regions.csv'), 'region,population\nchanged,0\n'); // uncommitted
    const head = await openGitDataset(dir);
    expect(await text(head.source, 'data/regions.csv')).toBe(regionsV2);

    const old = await openGitDataset(dir, { commit: fx.first });
    expect(old.commit).toBe(fx.first);
    expect(await text(old.source, 'data/spending.csv')).toBe(spendingV1);
    expect(await text(old.source, 'data/regions.csv')).toBe(regionsV1);
    expect(old.files.find((f) => f.path === 'data/spending.csv')?.lfs).toEqual({ oid: sha256(spendingV1), size: spendingV1.length });
    expect(old.files.map((f) => f.path)).not.toContain('nested/budget/lines.csv');
    expect((await openGitDataset(dir, { commit: 'main~1' })).commit).toBe(fx.first);
  });

  it.skipIf(!hasGitLfs)(needsLfs('a dataset in a sub-folder: paths relative to it, LFS resolved, validates'), async () => {
    const ds = await openGitDataset(join(fx.clone, 'nested', 'budget'));
    expect(ds.datasetPath).toBe('nested/budget');
    expect(ds.repoDir).toBe(await realpath(fx.clone));
    expect(ds.source.root).toBe('nested/budget');
    expect(ds.files.map((f) => [f.path, f.size, f.lfs?.oid])).toEqual([
      ['datapackage.json', JSON.stringify(nestedDescriptor, null, 2).length + 1, undefined],
      ['lines.csv', lines.length, sha256(lines)],
    ]);
    expect(await text(ds.source, 'lines.csv')).toBe(lines);
    expect((await validatePackage(ds.source)).valid).toBe(true);

    // the folder does not exist at the first commit
    await expect(openGitDataset(join(fx.clone, 'nested', 'budget'), { commit: fx.first })).rejects.toThrow(
      /nested\/budget does not exist .* at commit/,
    );
  });

  it.skipIf(!hasGitLfs)(
    needsLfs('reads LFS content from a batch server named by the committed .lfsconfig (private endpoints allowed)'),
    async () => {
      const server = await lfsServer({ objects: join(fx.remote, 'lfs/objects') });
      const dir = await cloneWithLfsconfig(server.endpoint);
      const ds = await openGitDataset(dir, {
        lfs: { allowPrivateEndpoints: true, auth: { username: 'x-access-token', password: 'secret' } },
      });
      expect(await text(ds.source, 'data/spending.csv')).toBe(spendingV2);

      const [batch, download] = server.requests;
      expect(batch).toMatchObject({
        method: 'POST',
        path: '/o/r.git/info/lfs/objects/batch',
        headers: { accept: 'application/vnd.git-lfs+json', 'content-type': 'application/vnd.git-lfs+json' },
        body: { operation: 'download', transfers: ['basic'], objects: [{ oid: sha256(spendingV2), size: spendingV2.length }] },
      });
      expect(batch?.headers.authorization).toBeUndefined(); // the token is for the remote's host, not for a committed endpoint
      expect(download).toMatchObject({
        method: 'GET',
        path: `/download/${sha256(spendingV2)}`,
        headers: { authorization: expect.stringMatching(/^RemoteAuth /) },
      });

      expect((await validatePackage(ds.source)).valid).toBe(true);
    },
  );

  it.skipIf(!hasGitLfs)(needsLfs('refuses an .lfsconfig endpoint on a loopback address unless private endpoints are allowed'), async () => {
    const server = await lfsServer({ objects: join(fx.remote, 'lfs/objects') });
    const dir = await cloneWithLfsconfig(server.endpoint);
    const ds = await openGitDataset(dir);
    const e = await sourceError(ds.source.open('data/spending.csv'));
    expect(e.code).toBe('lfs-error');
    expect(e.message).toContain('lfs.url in .lfsconfig points at 127.0.0.1, a loopback address (127.0.0.0/8)');
    expect(e.message).toContain('SSRF');
    expect(e.message).toContain('allowPrivateEndpoints');
    expect(server.requests).toEqual([]);

    const report = await validatePackage(ds.source);
    expect(report.errors.map((p) => [p.code, p.resource])).toEqual([['lfs-error', 'spending']]);
  });

  it.skipIf(!hasGitLfs)(needsLfs('a download that does not match the pointer is an lfs-error, never valid content'), async () => {
    const server = await lfsServer({ objects: join(fx.remote, 'lfs/objects') });
    const ds = await openGitDataset(await cloneWithLfsconfig(server.endpoint), { lfs: { allowPrivateEndpoints: true } });
    for (const [fault, says] of [
      ['corrupt', /has sha256 [0-9a-f]{64}, not [0-9a-f]{64}: it is not the object/],
      ['short', /ends after \d+ of \d+ bytes/],
      ['long', /is longer than \d+ bytes/],
    ] as const) {
      server.fault = fault;
      const e = await sourceError(text(ds.source, 'data/spending.csv'));
      expect([fault, e.code]).toEqual([fault, 'lfs-error']);
      expect(e.message).toMatch(says);
      expect(await validationCodes(ds)).toContain('lfs-error');
    }
    server.fault = 'wrong-length'; // told by Content-Length: refused before any byte is handed out
    expect((await sourceError(text(ds.source, 'data/spending.csv'))).message).toMatch(/is \d+ bytes, but the pointer says \d+/);
    server.fault = 'download-500';
    expect((await sourceError(text(ds.source, 'data/spending.csv'))).message).toMatch(
      /the download from 127\.0\.0\.1:\d+ answered HTTP 500/,
    );
    server.fault = 'batch-500'; // the batch request is made when the file is opened
    const e = await sourceError(ds.source.open('data/spending.csv'));
    expect(e.message).toMatch(/answered HTTP 500 \(Internal error \(injected\)\); try again later or check the LFS server/);
    const report = await validatePackage(ds.source);
    expect(report.errors.map((p) => [p.code, p.resource])).toEqual([['lfs-error', 'spending']]);
  });

  it.skipIf(!hasGitLfs)(needsLfs("a damaged object in the file:// remote's LFS store is an lfs-error"), async () => {
    const copy = join(await testdir(), 'remote.git');
    await cp(fx.remote, copy, { recursive: true });
    const dir = await freshClone();
    await git(dir, ['remote', 'set-url', 'origin', fileUrl(copy)]);
    const oid = sha256(spendingV2);
    const object = join(copy, 'lfs/objects', oid.slice(0, 2), oid.slice(2, 4), oid);
    const ds = await openGitDataset(dir);

    await writeFile(object, spendingV2.replace('30.25', '99.99')); // same size, other content
    const e = await sourceError(text(ds.source, 'data/spending.csv'));
    expect(e.code).toBe('lfs-error');
    expect(e.message).toContain(`has sha256 ${sha256(spendingV2.replace('30.25', '99.99'))}, not ${oid}`);
    expect(await validationCodes(ds)).toContain('lfs-error');

    await writeFile(object, 'id\n'); // other size: refused when opened
    const report = await validatePackage(ds.source);
    expect(report.errors.map((p) => p.code)).toEqual(['lfs-error']);
    expect(report.errors[0]?.message).toMatch(
      /the copy in the LFS store of the remote .* has 3 bytes: it is damaged; push the object again/,
    );
  });

  it.skipIf(!hasGitLfs)(needsLfs('the endpoint derived from an http remote, with credentials; server errors in plain words'), async () => {
    const auth = { username: 'x-access-token', password: 'tok3n' };
    const server = await lfsServer({ objects: join(fx.remote, 'lfs/objects'), auth });
    const dir = await freshClone();
    await git(dir, ['remote', 'set-url', 'origin', `${server.url}/o/r`]);

    const anonymous = await openGitDataset(dir);
    const e = await sourceError(anonymous.source.open('data/spending.csv'));
    expect(e.code).toBe('lfs-error');
    expect(e.message).toMatch(/answered HTTP 401 \(Credentials needed\): it needs credentials \(Basic realm="Git LFS"\); give credentials/);

    const ds = await openGitDataset(dir, { lfs: { auth }, githubHosts: ['127.0.0.1'] });
    expect(ds.github).toEqual({ owner: 'o', repo: 'r' });
    expect(await text(ds.source, 'data/spending.csv')).toBe(spendingV2);
    const batches = server.requests.filter((r) => r.method === 'POST');
    expect(batches.map((r) => r.path)).toEqual(['/o/r.git/info/lfs/objects/batch', '/o/r.git/info/lfs/objects/batch']); // ".git" added
    expect(batches[1]?.headers.authorization).toBe(`Basic ${Buffer.from('x-access-token:tok3n').toString('base64')}`);

    // an object the server does not have
    const empty = await lfsServer({ objects: await testdir(), auth });
    await git(dir, ['remote', 'set-url', 'origin', `${empty.url}/o/r.git`]);
    const missing = await sourceError((await openGitDataset(dir, { lfs: { auth } })).source.open('data/spending.csv'));
    expect(missing.message).toMatch(
      /the server does not have the object \(error 404: Object does not exist .*\); push it \(git lfs push --all origin\)/,
    );
  });
});

describe('the git source: paths and symlinks', () => {
  it('a committed symlink is never followed: opening it is a path-error, and the validator reports it', async () => {
    const dir = await gitdir({
      'datapackage.json': {
        name: 'links',
        resources: [
          { name: 'linked', path: 'data/linked.csv', schema: schema(['id', 'integer']) },
          { name: 'through', path: 'alias/real.csv', schema: schema(['id', 'integer']) },
        ],
      },
      'data/real.csv': 'id\n1\n',
      'data/linked.csv': { symlink: 'real.csv' },
      alias: { symlink: 'data' },
    });
    const ds = await openGitDataset(dir);
    expect(ds.files.find((f) => f.path === 'data/linked.csv')?.mode).toBe('120000');
    const e = await sourceError(ds.source.open('data/linked.csv'));
    expect([e.code, e.message]).toEqual([
      'path-error',
      '"data/linked.csv" is a symlink in the repository; symlinks are never followed: commit the file itself instead of a link',
    ]);
    expect((await sourceError(ds.source.open('alias/real.csv'))).code).toBe('path-error');
    expect((await sourceError(ds.contentId('data/linked.csv'))).code).toBe('path-error');

    const report = await validatePackage(ds.source);
    expect(report.errors.map((p) => [p.code, p.resource])).toEqual([
      ['path-error', 'linked'],
      ['path-error', 'through'],
    ]);
  });

  it('unsafe, missing and folder paths', async () => {
    const dir = await gitdir({ 'datapackage.json': { name: 'p', resources: [] }, 'data/a.csv': 'x\n1\n' });
    const { source } = await openGitDataset(dir);
    expect(await text(source, 'data/a.csv')).toBe('x\n1\n');
    const cases = await Promise.all(
      ['../outside.csv', '/etc/passwd', 'data/b.csv', 'data'].map(async (p) => [p, (await sourceError(source.open(p))).code]),
    );
    expect(cases).toEqual([
      ['../outside.csv', 'path-error'],
      ['/etc/passwd', 'path-error'],
      ['data/b.csv', 'source-error'],
      ['data', 'source-error'],
    ]);
    expect((await sourceError(source.open('data/b.csv'))).message).toMatch(
      /"data\/b\.csv" does not exist in \. at commit [0-9a-f]{12}; add the file and commit it, or fix the path/,
    );
  });

  it('what cannot be opened at all: not a repository, an unknown commit, no datapackage.json', async () => {
    await expect(openGitDataset(await testdir({ 'datapackage.json': '{}' }))).rejects.toThrow(SourceUnavailableError);
    await expect(openGitDataset(await testdir({ 'datapackage.json': '{}' }))).rejects.toThrow(/is not in a git working tree/);
    const dir = await gitdir({ 'datapackage.json': { name: 'p', resources: [] }, 'docs/readme.md': '# x\n' });
    await expect(openGitDataset(dir, { commit: 'no-such-branch' })).rejects.toThrow(/"no-such-branch" is not a commit of/);
    await expect(openGitDataset(dir, { commit: '--output=/tmp/x' })).rejects.toThrow(/is not a commit of/);
    await expect(openGitDataset(join(dir, 'docs'))).rejects.toThrow(/docs has no datapackage\.json at commit [0-9a-f]{12}/);
    await rm(join(dir, 'docs'), { recursive: true });
    await expect(openGitDataset(join(dir, 'docs'))).rejects.toThrow(/no such directory/);
  });
});
