/**
 * The fake GitHub (test/support/github-server.ts), driven through the real @octokit/rest client
 * and its retry and throttling plugins. Every answer is checked against GitHub's OpenAPI
 * description as it is sent; a test fails when one breaks it.
 */

import { createSign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { blobSha } from '../support/github/git.ts';
import { startFakeGitHub, type FakeGitHub } from '../support/github-server.ts';
import { git } from '../support/git.ts';
import { testdir } from '../support/tmp.ts';

const OWNER = 'os-data';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function client(fake: FakeGitHub, auth: string = fake.token): Octokit {
  return new Octokit({ baseUrl: fake.url, auth, log: silent });
}

/** A repository with a first commit on main. */
async function withRepo(
  options: Parameters<typeof startFakeGitHub>[0] = {},
): Promise<{ fake: FakeGitHub; id: number; gh: Octokit; repo: { owner: string; repo: string } }> {
  const fake = await startFakeGitHub(options);
  const id = fake.addRepo({ owner: OWNER, name: 'budget' });
  fake.commit(id, 'main', { 'datapackage.json': '{"name": "budget"}\n', 'data/2020.csv': 'year,amount\n2020,1\n' }, 'init');
  return { fake, id, gh: client(fake), repo: { owner: OWNER, repo: 'budget' } };
}

/** A JWT signed independently of the fake, as any App library would sign it. */
function jwtFor(privateKeyPem: string, claims: object): string {
  const enc = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem).toString('base64url')}`;
}

const statusOf = async (p: Promise<unknown>): Promise<{ status: number; message: string; data: unknown }> => {
  try {
    await p;
  } catch (e) {
    const err = e as { status: number; message: string; response?: { data: unknown } };
    return { status: err.status, message: err.message, data: err.response?.data };
  }
  throw new Error('the request succeeded');
};

describe('repositories', () => {
  it('answers GET /repos/{owner}/{repo} and GET /repositories/{id} with GitHub headers', async () => {
    const { id, gh, repo } = await withRepo();
    const res = await gh.repos.get(repo);
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({
      id,
      name: 'budget',
      full_name: 'os-data/budget',
      private: false,
      archived: false,
      default_branch: 'main',
      visibility: 'public',
    });
    expect(res.data.owner.login).toBe(OWNER);
    expect(res.headers['x-github-request-id']).toMatch(/^[0-9A-F]{4}:[0-9A-F]{5}:[0-9A-F]{7}:[0-9A-F]{7}:[0-9A-F]{8}$/);
    expect(res.headers['x-ratelimit-limit']).toBe('5000');
    expect(res.headers['x-ratelimit-remaining']).toBe('4999');
    expect(res.headers['x-ratelimit-resource']).toBe('core');
    const byId = await gh.request('GET /repositories/{repository_id}', { repository_id: id });
    expect(byId.data.full_name).toBe('os-data/budget');
    expect((await gh.repos.get(repo)).headers['x-ratelimit-used']).toBe('3');
    // Names are case-insensitive, as on GitHub.
    expect((await gh.repos.get({ owner: 'OS-DATA', repo: 'Budget' })).data.id).toBe(id);
  });

  it('answers 404 like GitHub for unknown and deleted repositories, and unknown routes', async () => {
    const { fake, id, gh, repo } = await withRepo();
    const missing = await statusOf(gh.repos.get({ owner: OWNER, repo: 'nope' }));
    expect(missing).toMatchObject({
      status: 404,
      data: { message: 'Not Found', documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\/rest/) },
    });
    fake.deleteRepo(id);
    expect((await statusOf(gh.repos.get(repo))).status).toBe(404);
    expect((await statusOf(gh.request('GET /repositories/{repository_id}', { repository_id: id }))).status).toBe(404);
    expect((await statusOf(gh.request('GET /no/such/route'))).status).toBe(404);
  });

  it('reflects privacy and archiving; an archived repository refuses writes', async () => {
    const { fake, id, gh, repo } = await withRepo();
    fake.setPrivate(id, true);
    expect((await gh.repos.get(repo)).data).toMatchObject({ private: true, visibility: 'private' });
    fake.setArchived(id, true);
    expect((await gh.repos.get(repo)).data.archived).toBe(true);
    const refused = await statusOf(gh.repos.createDispatchEvent({ ...repo, event_type: 'x' }));
    expect(refused).toMatchObject({ status: 403, data: { message: 'Repository was archived so is read-only.' } });
  });

  it('redirects the old name of a renamed or transferred repository to /repositories/{id}, keeping the id', async () => {
    const { fake, id, gh } = await withRepo();
    fake.renameRepo(id, 'budget-2020');
    const renamed = await gh.repos.get({ owner: OWNER, repo: 'budget' });
    expect(renamed.data).toMatchObject({ id, name: 'budget-2020', full_name: 'os-data/budget-2020' });
    const [moved, followed] = fake.requests.slice(-2);
    expect(moved).toMatchObject({ method: 'GET', path: '/repos/os-data/budget', status: 301 });
    expect(followed).toMatchObject({ method: 'GET', path: `/repositories/${id}`, status: 200 });

    fake.transferRepo(id, 'someone-else');
    expect((await gh.repos.get({ owner: OWNER, repo: 'budget-2020' })).data.full_name).toBe('someone-else/budget-2020');
    // Writes are redirected with 307, which keeps the method and body.
    const tip = fake.headSha(id)!;
    await gh.git.createRef({ owner: OWNER, repo: 'budget', ref: 'refs/heads/via-old-name', sha: tip });
    expect(fake.requests.slice(-2).map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/repos/os-data/budget/git/refs', 307],
      ['POST', `/repositories/${id}/git/refs`, 201],
    ]);
    expect(fake.headSha(id, 'via-old-name')).toBe(tip);
    // A new repository at the old name ends the redirect.
    const newId = fake.addRepo({ owner: OWNER, name: 'budget' });
    expect((await gh.repos.get({ owner: OWNER, repo: 'budget' })).data.id).toBe(newId);
  });
});

describe('git objects', () => {
  it('names blobs, trees and commits exactly as git does', async () => {
    const fake = await startFakeGitHub();
    const id = fake.addRepo({ owner: OWNER, name: 'ids' });
    const files = { 'datapackage.json': '{"name": "ids"}\n', 'data/a.csv': 'x\n1\n', 'data/sub/b.csv': 'y\n2\n', 'z.txt': 'last\n' };
    const date = new Date('2024-05-01T12:00:00Z');
    const author = { name: 'Ada', email: 'ada@example.test' };
    const sha = fake.commit(id, 'main', files, 'init\n', { author, date });
    const dir = await testdir(files);
    const when = '2024-05-01T12:00:00+0000';
    const env = {
      GIT_AUTHOR_NAME: 'Ada',
      GIT_AUTHOR_EMAIL: 'ada@example.test',
      GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: 'Ada',
      GIT_COMMITTER_EMAIL: 'ada@example.test',
      GIT_COMMITTER_DATE: when,
    };
    await git(dir, ['init', '-q', '-b', 'main']);
    await git(dir, ['add', '-A']);
    await git(dir, ['-c', 'commit.gpgSign=false', 'commit', '-q', '-m', 'init'], env);
    expect(sha).toBe(await git(dir, ['rev-parse', 'HEAD']));
    expect(blobSha('x\n1\n')).toBe(await git(dir, ['rev-parse', 'HEAD:data/a.csv']));
    // A second commit, with a deletion, still matches.
    const second = fake.commit(id, 'main', { 'z.txt': null, 'data/a.csv': 'x\n1\n2\n' }, 'change\n', { author, date });
    await writeFile(join(dir, 'data/a.csv'), 'x\n1\n2\n');
    await git(dir, ['rm', '-q', 'z.txt']);
    await git(dir, ['-c', 'commit.gpgSign=false', 'commit', '-q', '-am', 'change'], env);
    expect(second).toBe(await git(dir, ['rev-parse', 'HEAD']));
    expect(fake.log(id).map((c) => c.sha)).toEqual([second, sha]);
    expect(fake.readFile(id, 'main', 'data/a.csv')).toBe('x\n1\n2\n');
    expect(fake.readFile(id, sha, 'z.txt')).toBe('last\n');
    expect(fake.files(id, 'main')).toEqual({
      'datapackage.json': '{"name": "ids"}\n',
      'data/a.csv': 'x\n1\n2\n',
      'data/sub/b.csv': 'y\n2\n',
    });
  });
});

describe('contents', () => {
  it('serves files (base64 + blob sha), directories, refs, the raw media type and 404s', async () => {
    const { fake, id, gh, repo } = await withRepo();
    const file = await gh.repos.getContent({ ...repo, path: 'data/2020.csv' });
    if (Array.isArray(file.data) || file.data.type !== 'file') throw new Error('expected a file');
    expect(Buffer.from(file.data.content, 'base64').toString()).toBe('year,amount\n2020,1\n');
    expect(file.data).toMatchObject({
      encoding: 'base64',
      name: '2020.csv',
      path: 'data/2020.csv',
      size: 19,
      sha: blobSha('year,amount\n2020,1\n'),
    });

    const root = await gh.repos.getContent({ ...repo, path: '' });
    expect(Array.isArray(root.data) && root.data.map((e) => [e.name, e.type])).toEqual([
      ['data', 'dir'],
      ['datapackage.json', 'file'],
    ]);
    const old = fake.headSha(id)!;
    fake.commit(id, 'main', { 'data/2020.csv': 'year,amount\n2020,2\n' }, 'fix');
    const atOld = await gh.repos.getContent({ ...repo, path: 'data/2020.csv', ref: old });
    expect(!Array.isArray(atOld.data) && atOld.data.type === 'file' && Buffer.from(atOld.data.content, 'base64').toString()).toBe(
      'year,amount\n2020,1\n',
    );
    const raw = await gh.repos.getContent({ ...repo, path: 'data/2020.csv', mediaType: { format: 'raw' } });
    expect(raw.data).toBe('year,amount\n2020,2\n');

    expect(await statusOf(gh.repos.getContent({ ...repo, path: 'missing.csv' }))).toMatchObject({
      status: 404,
      data: { message: 'Not Found' },
    });
    expect(await statusOf(gh.repos.getContent({ ...repo, path: 'data', ref: 'no-branch' }))).toMatchObject({
      status: 404,
      data: { message: 'No commit found for the ref no-branch' },
    });
    fake.addRepo({ owner: OWNER, name: 'empty' });
    expect(await statusOf(gh.repos.getContent({ owner: OWNER, repo: 'empty', path: '' }))).toMatchObject({
      status: 404,
      data: { message: 'This repository is empty.' },
    });
  });
});

describe('git data API', () => {
  it('reads refs, commits, trees and blobs', async () => {
    const { fake, id, gh, repo } = await withRepo();
    const tip = fake.headSha(id)!;
    const ref = await gh.git.getRef({ ...repo, ref: 'heads/main' });
    expect(ref.data).toMatchObject({ ref: 'refs/heads/main', object: { sha: tip, type: 'commit' } });
    const commit = await gh.git.getCommit({ ...repo, commit_sha: tip });
    expect(commit.data).toMatchObject({ sha: tip, message: 'init', parents: [] });
    const tree = await gh.git.getTree({ ...repo, tree_sha: commit.data.tree.sha, recursive: '1' });
    expect(tree.data.truncated).toBe(false);
    expect(tree.data.tree.map((e) => [e.path, e.type])).toEqual([
      ['data', 'tree'],
      ['data/2020.csv', 'blob'],
      ['datapackage.json', 'blob'],
    ]);
    expect((await gh.git.getTree({ ...repo, tree_sha: 'main' })).data.tree.map((e) => e.path)).toEqual(['data', 'datapackage.json']);
    const blob = await gh.git.getBlob({ ...repo, file_sha: tree.data.tree[1]!.sha! });
    expect(Buffer.from(blob.data.content, 'base64').toString()).toBe('year,amount\n2020,1\n');
    expect(blob.data).toMatchObject({ encoding: 'base64', size: 19 });

    expect((await statusOf(gh.git.getRef({ ...repo, ref: 'heads/nope' }))).status).toBe(404);
    expect((await statusOf(gh.git.getCommit({ ...repo, commit_sha: '0'.repeat(40) }))).status).toBe(404);
    expect((await statusOf(gh.git.getBlob({ ...repo, file_sha: tip }))).status).toBe(404);
    fake.addRepo({ owner: OWNER, name: 'empty' });
    expect(await statusOf(gh.git.getRef({ owner: OWNER, repo: 'empty', ref: 'heads/main' }))).toMatchObject({
      status: 409,
      data: { message: 'Git Repository is empty.' },
    });
  });

  it('answers GET /git/refs/{ref} as GitHub does: one ref when exact, the refs it prefixes otherwise', async () => {
    const { fake, id, gh, repo } = await withRepo();
    fake.createBranch(id, 'feature-a');
    fake.createBranch(id, 'feature-b');
    const exact = await gh.request('GET /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: 'heads/main' });
    expect(exact.data).toMatchObject({ ref: 'refs/heads/main' });
    const prefixed = await gh.request('GET /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: 'heads/feature' });
    expect((prefixed.data as Array<{ ref: string }>).map((r) => r.ref)).toEqual(['refs/heads/feature-a', 'refs/heads/feature-b']);
    expect((await statusOf(gh.request('GET /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: 'heads/zzz' }))).status).toBe(404);
    const matching = await gh.git.listMatchingRefs({ ...repo, ref: 'heads/feature-' });
    expect(matching.data.map((r) => r.ref)).toEqual(['refs/heads/feature-a', 'refs/heads/feature-b']);
    expect((await gh.git.listMatchingRefs({ ...repo, ref: 'heads/zzz' })).data).toEqual([]);
  });

  it('writes a commit through blobs, trees, commits and a fast-forward ref update', async () => {
    const { fake, id, gh, repo } = await withRepo();
    const base = await gh.git.getCommit({ ...repo, commit_sha: fake.headSha(id)! });
    const utf8 = await gh.git.createBlob({ ...repo, content: 'year,amount\n2021,5\n' });
    expect(utf8.data.sha).toBe(blobSha('year,amount\n2021,5\n'));
    const b64 = await gh.git.createBlob({ ...repo, content: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64' });
    expect(b64.data.sha).toBe(blobSha(Buffer.from([0, 1, 2, 255])));
    const tree = await gh.git.createTree({
      ...repo,
      base_tree: base.data.tree.sha,
      tree: [
        { path: 'data/2021.csv', mode: '100644', type: 'blob', sha: utf8.data.sha },
        { path: 'bin/x.dat', mode: '100644', type: 'blob', sha: b64.data.sha },
        { path: 'README.md', mode: '100644', type: 'blob', content: '# budget\n' },
        { path: 'data/2020.csv', mode: '100644', type: 'blob', sha: null },
      ],
    });
    expect(tree.status).toBe(201);
    const commit = await gh.git.createCommit({ ...repo, message: 'Add 2021', tree: tree.data.sha, parents: [base.data.sha] });
    expect(commit.data).toMatchObject({ message: 'Add 2021', parents: [{ sha: base.data.sha }], author: { name: 'github-actions[bot]' } });
    const updated = await gh.git.updateRef({ ...repo, ref: 'heads/main', sha: commit.data.sha, force: false });
    expect(updated.data.object.sha).toBe(commit.data.sha);
    expect(fake.files(id, 'main')).toEqual({
      'README.md': '# budget\n',
      'bin/x.dat': Buffer.from([0, 1, 2, 255]).toString('utf8'),
      'data/2021.csv': 'year,amount\n2021,5\n',
      'datapackage.json': '{"name": "budget"}\n',
    });
    expect(fake.log(id).map((c) => c.message)).toEqual(['Add 2021', 'init']);

    // Without base_tree, the tree holds only the entries given.
    const alone = await gh.git.createTree({ ...repo, tree: [{ path: 'only.txt', mode: '100644', type: 'blob', content: 'x' }] });
    expect(alone.data.tree.map((e) => e.path)).toEqual(['only.txt']);
  });

  it('validates writes as GitHub does (422s)', async () => {
    const { fake, id, gh, repo } = await withRepo();
    const tip = fake.headSha(id)!;
    const tree = (await gh.git.getCommit({ ...repo, commit_sha: tip })).data.tree.sha;
    expect(await statusOf(gh.git.createCommit({ ...repo, message: 'x', tree: '1'.repeat(40) }))).toMatchObject({
      status: 422,
      data: { message: 'Tree SHA does not exist' },
    });
    expect(await statusOf(gh.git.createCommit({ ...repo, message: 'x', tree, parents: ['2'.repeat(40)] }))).toMatchObject({
      status: 422,
      data: { message: 'Parent SHA does not exist or is not a commit object' },
    });
    expect(
      (await statusOf(gh.request('POST /repos/{owner}/{repo}/git/commits' as string, { ...repo, tree }) /* no message */)).status,
    ).toBe(422);
    expect(
      (await statusOf(gh.git.createTree({ ...repo, tree: [{ path: 'a', mode: '100644', type: 'blob', sha: '3'.repeat(40) }] }))).status,
    ).toBe(422);
    expect(
      (await statusOf(gh.git.createTree({ ...repo, tree: [{ path: 'a', mode: '100644', type: 'blob', sha: blobSha('x'), content: 'x' }] })))
        .status,
    ).toBe(422);
    expect((await statusOf(gh.git.createBlob({ ...repo, content: 'x', encoding: 'latin1' }))).status).toBe(422);
    expect((await statusOf(gh.git.createRef({ ...repo, ref: 'refs/heads/main', sha: tip }))).data).toMatchObject({
      message: 'Reference already exists',
    });
    expect((await statusOf(gh.git.createRef({ ...repo, ref: 'heads/x', sha: tip }))).status).toBe(422);
    expect((await statusOf(gh.git.createRef({ ...repo, ref: 'refs/heads/x', sha: '4'.repeat(40) }))).data).toMatchObject({
      message: 'Object does not exist',
    });
    expect((await statusOf(gh.git.updateRef({ ...repo, ref: 'heads/nope', sha: tip }))).data).toMatchObject({
      message: 'Reference does not exist',
    });
    const created = await gh.git.createRef({ ...repo, ref: 'refs/heads/x', sha: tip });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${fake.url}/repos/os-data/budget/git/refs/heads/x`);
    expect((await gh.git.deleteRef({ ...repo, ref: 'heads/x' })).status).toBe(204);
    expect((await statusOf(gh.git.deleteRef({ ...repo, ref: 'heads/x' }))).status).toBe(422);
  });

  it('refuses to move a ref that moved meanwhile unless forced (a real ancestry check)', async () => {
    const { fake, id, gh, repo } = await withRepo();
    const tip = fake.headSha(id)!;
    const tree = (await gh.git.getCommit({ ...repo, commit_sha: tip })).data.tree.sha;
    const mine = await gh.git.createCommit({ ...repo, message: 'mine', tree, parents: [tip] });
    const theirs = fake.commit(id, 'main', { 'theirs.txt': 'x' }, 'theirs');
    const refused = await statusOf(gh.git.updateRef({ ...repo, ref: 'heads/main', sha: mine.data.sha, force: false }));
    expect(refused).toMatchObject({ status: 422, data: { message: 'Update is not a fast forward' } });
    expect(fake.headSha(id)).toBe(theirs);
    // Moving back to an ancestor is not a fast-forward either.
    expect((await statusOf(gh.git.updateRef({ ...repo, ref: 'heads/main', sha: tip }))).status).toBe(422);
    // A commit on top of the new tip goes through; so does a forced update.
    const rebased = await gh.git.createCommit({ ...repo, message: 'mine again', tree, parents: [theirs] });
    expect((await gh.git.updateRef({ ...repo, ref: 'heads/main', sha: rebased.data.sha })).status).toBe(200);
    expect((await gh.git.updateRef({ ...repo, ref: 'heads/main', sha: mine.data.sha, force: true })).data.object.sha).toBe(mine.data.sha);
  });

  it('lets a test move the ref between a client’s read and its write (inject with `before`)', async () => {
    const { fake, id, gh, repo } = await withRepo();
    fake.inject({
      method: 'PATCH',
      path: '/repos/os-data/budget/git/refs/heads/main',
      before: () => void fake.commit(id, 'main', { 'other.csv': 'x' }, 'concurrent'),
    });
    // An optimistic writer: read the tip, commit on it, move the ref; on a refusal, start over.
    const attempt = async (): Promise<number> => {
      const tip = (await gh.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
      const base = (await gh.git.getCommit({ ...repo, commit_sha: tip })).data.tree.sha;
      const tree = await gh.git.createTree({
        ...repo,
        base_tree: base,
        tree: [{ path: 'registry.csv', mode: '100644', type: 'blob', content: 'a\n' }],
      });
      const commit = await gh.git.createCommit({ ...repo, message: 'registry', tree: tree.data.sha, parents: [tip] });
      return (
        await statusOf(gh.git.updateRef({ ...repo, ref: 'heads/main', sha: commit.data.sha }).then(() => Promise.reject({ status: 200 })))
      ).status;
    };
    expect(await attempt()).toBe(422);
    expect(await attempt()).toBe(200);
    expect(fake.log(id).map((c) => c.message)).toEqual(['registry', 'concurrent', 'init']);
    expect(Object.keys(fake.files(id, 'main')).sort()).toEqual(['data/2020.csv', 'datapackage.json', 'other.csv', 'registry.csv']);
  });
});

describe('pull requests', () => {
  it('opens, lists, updates and merges pull requests; refuses duplicates and empty ones', async () => {
    const { fake, id, gh, repo } = await withRepo();
    await gh.git.createRef({ ...repo, ref: 'refs/heads/registry-update', sha: fake.headSha(id)! });
    expect(await statusOf(gh.pulls.create({ ...repo, head: 'registry-update', base: 'main', title: 'Update' }))).toMatchObject({
      status: 422,
      data: { message: 'Validation Failed', errors: [{ code: 'custom', message: 'No commits between main and registry-update' }] },
    });
    fake.commit(id, 'registry-update', { 'data/catalog.csv': 'url,name,owner\nx,y,z\n' }, 'catalog');
    const pr = await gh.pulls.create({
      ...repo,
      head: 'os-data:registry-update',
      base: 'main',
      title: 'Update the registry',
      body: 'by the App',
    });
    expect(pr.status).toBe(201);
    expect(pr.data).toMatchObject({
      number: 1,
      state: 'open',
      head: { ref: 'registry-update', sha: fake.headSha(id, 'registry-update') },
      base: { ref: 'main' },
      commits: 1,
      changed_files: 1,
      additions: 2,
      merged: false,
    });
    expect((await statusOf(gh.pulls.create({ ...repo, head: 'registry-update', base: 'main', title: 'again' }))).data).toMatchObject({
      errors: [{ message: 'A pull request already exists for os-data:registry-update.' }],
    });
    expect((await statusOf(gh.pulls.create({ ...repo, head: 'nope', base: 'main', title: 'x' }))).data).toMatchObject({
      errors: [{ field: 'head', code: 'invalid' }],
    });

    const listed = await gh.pulls.list({ ...repo, head: 'os-data:registry-update', state: 'open' });
    expect(listed.data.map((p) => p.number)).toEqual([1]);
    expect((await gh.pulls.list({ ...repo, head: 'os-data:other' })).data).toEqual([]);
    // New commits on the head branch show up in the open pull request.
    fake.commit(id, 'registry-update', { 'data/datasets.csv': 'id\n1\n' }, 'datasets');
    expect((await gh.pulls.get({ ...repo, pull_number: 1 })).data).toMatchObject({ commits: 2, changed_files: 2 });

    const closed = await gh.pulls.update({ ...repo, pull_number: 1, state: 'closed', title: 'Obsolete' });
    expect(closed.data).toMatchObject({ state: 'closed', title: 'Obsolete', merged: false });
    expect((await gh.pulls.list({ ...repo })).data).toEqual([]);
    expect((await gh.pulls.list({ ...repo, state: 'closed' })).data.map((p) => p.number)).toEqual([1]);
    expect((await statusOf(gh.pulls.update({ ...repo, pull_number: 99, state: 'closed' }))).status).toBe(404);

    // Reopen, then merge as a reviewer would.
    await gh.pulls.update({ ...repo, pull_number: 1, state: 'open' });
    const merge = fake.mergePull(id, 1);
    expect(fake.readFile(id, 'main', 'data/catalog.csv')).toBe('url,name,owner\nx,y,z\n');
    expect(fake.log(id)[0]).toMatchObject({ sha: merge, parents: [expect.any(String), fake.headSha(id, 'registry-update')] });
    expect((await gh.pulls.get({ ...repo, pull_number: 1 })).data).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: merge,
    });
    expect(fake.pulls(id)).toHaveLength(1);
  });
});

describe('check runs', () => {
  const annotations = (
    n: number,
    from = 1,
  ): Array<{ path: string; start_line: number; end_line: number; annotation_level: 'failure'; message: string }> =>
    Array.from({ length: n }, (_, i) => ({
      path: 'data/2020.csv',
      start_line: from + i,
      end_line: from + i,
      annotation_level: 'failure',
      message: `row ${from + i}`,
    }));

  it('stores every annotation received, at most 50 a request, and completes with a conclusion', async () => {
    const { fake, id, gh, repo } = await withRepo();
    const head = fake.headSha(id)!;
    const run = await gh.checks.create({
      ...repo,
      name: 'os-datastore validate',
      head_sha: head,
      status: 'in_progress',
      output: { title: 'Validating', summary: '…', annotations: annotations(50) },
    });
    expect(run.status).toBe(201);
    expect(run.data).toMatchObject({
      name: 'os-datastore validate',
      head_sha: head,
      status: 'in_progress',
      conclusion: null,
      output: { annotations_count: 50 },
      app: { slug: 'github-actions' },
    });
    const tooMany = await statusOf(
      gh.checks.update({ ...repo, check_run_id: run.data.id, output: { title: 't', summary: 's', annotations: annotations(51) } }),
    );
    expect(tooMany.status).toBe(422);
    const done = await gh.checks.update({
      ...repo,
      check_run_id: run.data.id,
      conclusion: 'failure',
      output: { title: '100 problems', summary: 'see annotations', annotations: annotations(50, 51) },
    });
    expect(done.data).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: '100 problems', annotations_count: 100 },
    });
    expect(done.data.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const [stored] = fake.checkRuns(id);
    expect(stored!.annotations.map((a) => a.start_line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect((await gh.checks.get({ ...repo, check_run_id: run.data.id })).data.output.annotations_count).toBe(100);
  });

  it('refuses unknown commits, bad annotations and unknown runs', async () => {
    const { fake, id, gh, repo } = await withRepo();
    const head = fake.headSha(id)!;
    expect((await statusOf(gh.checks.create({ ...repo, name: 'x', head_sha: '5'.repeat(40) }))).status).toBe(422);
    expect((await statusOf(gh.checks.create({ ...repo, name: 'x', head_sha: head, status: 'completed' }))).status).toBe(422);
    const bad = [
      { path: 'a', start_line: 1, end_line: 2, start_column: 1, end_column: 3, annotation_level: 'warning' as const, message: 'm' },
    ];
    expect(
      (await statusOf(gh.checks.create({ ...repo, name: 'x', head_sha: head, output: { title: 't', summary: 's', annotations: bad } })))
        .status,
    ).toBe(422);
    expect((await statusOf(gh.checks.update({ ...repo, check_run_id: 1, status: 'completed' }))).status).toBe(404);
    expect(fake.checkRuns(id)).toEqual([]);
  });
});

describe('dispatches', () => {
  it('records repository_dispatch and workflow_dispatch events; 404 for unknown workflows', async () => {
    const { fake, id, gh, repo } = await withRepo();
    expect(
      (await gh.repos.createDispatchEvent({ ...repo, event_type: 'registry-updated', client_payload: { commit: 'abc' } })).status,
    ).toBe(204);
    expect((await statusOf(gh.request('POST /repos/{owner}/{repo}/dispatches' as string, { ...repo }) /* no event_type */)).status).toBe(
      422,
    );

    expect((await statusOf(gh.actions.createWorkflowDispatch({ ...repo, workflow_id: 'publish.yml', ref: 'main' }))).status).toBe(404);
    fake.addWorkflow(id, 'publish.yml', { inputs: { dataset: { required: true } } });
    expect(
      (await gh.actions.createWorkflowDispatch({ ...repo, workflow_id: 'publish.yml', ref: 'main', inputs: { dataset: 'os-data/budget' } }))
        .status,
    ).toBe(204);
    expect(
      (await statusOf(gh.actions.createWorkflowDispatch({ ...repo, workflow_id: 'publish.yml', ref: 'main', inputs: { other: 'x' } })))
        .data,
    ).toMatchObject({ message: 'Unexpected inputs provided: ["other"]' });
    expect(
      (await statusOf(gh.actions.createWorkflowDispatch({ ...repo, workflow_id: 'publish.yml', ref: 'nope', inputs: { dataset: 'x' } })))
        .data,
    ).toMatchObject({ message: 'No ref found for: nope' });
    // A workflow file with a workflow_dispatch trigger on the default branch is found too.
    fake.commit(id, 'main', { '.github/workflows/mirror.yml': 'on:\n  workflow_dispatch:\n' }, 'workflow');
    expect((await gh.actions.createWorkflowDispatch({ ...repo, workflow_id: 'mirror.yml', ref: 'main' })).status).toBe(204);

    expect(fake.dispatches).toEqual([
      { type: 'repository_dispatch', repo: 'os-data/budget', repoId: id, eventType: 'registry-updated', clientPayload: { commit: 'abc' } },
      {
        type: 'workflow_dispatch',
        repo: 'os-data/budget',
        repoId: id,
        workflow: 'publish.yml',
        ref: 'main',
        inputs: { dataset: 'os-data/budget' },
      },
      { type: 'workflow_dispatch', repo: 'os-data/budget', repoId: id, workflow: 'mirror.yml', ref: 'main', inputs: {} },
    ]);
  });
});

describe('GitHub App authentication', () => {
  it('exchanges an App JWT for installation tokens scoped to the installation', async () => {
    const fake = await startFakeGitHub();
    const ids = ['a', 'b', 'c', 'd', 'e'].map((name) => fake.addRepo({ owner: OWNER, name, private: name === 'e' }));
    fake.addRepo({ owner: 'elsewhere', name: 'public' });
    fake.addRepo({ owner: 'elsewhere', name: 'secret', private: true });
    const installation = fake.addInstallation({ account: OWNER, repos: 'all' });
    const now = Math.floor(Date.now() / 1000);
    const jwt = jwtFor(fake.app.privateKeyPem, { iat: now - 30, exp: now + 540, iss: fake.app.id });
    const asApp = client(fake, jwt);

    expect((await asApp.apps.getAuthenticated()).data).toMatchObject({ id: fake.app.id, slug: 'os-datastore' });
    expect((await asApp.apps.getInstallation({ installation_id: installation })).data).toMatchObject({
      id: installation,
      account: { login: OWNER },
      repository_selection: 'all',
    });
    expect((await asApp.apps.getRepoInstallation({ owner: OWNER, repo: 'a' })).data.id).toBe(installation);
    expect((await statusOf(asApp.apps.getRepoInstallation({ owner: 'elsewhere', repo: 'public' }))).status).toBe(404);
    const minted = await asApp.apps.createInstallationAccessToken({ installation_id: installation });
    expect(minted.status).toBe(201);
    expect(minted.data).toMatchObject({
      token: expect.stringMatching(/^ghs_/),
      permissions: { contents: 'write', checks: 'write' },
      repository_selection: 'all',
    });
    expect(Date.parse(minted.data.expires_at) - Date.now()).toBeGreaterThan(3500_000);
    expect((await statusOf(asApp.apps.createInstallationAccessToken({ installation_id: 1 }))).status).toBe(404);

    const asInstallation = client(fake, minted.data.token);
    // Pagination with Link headers.
    const first = await asInstallation.apps.listReposAccessibleToInstallation({ per_page: 2 });
    expect(first.data.total_count).toBe(5);
    expect(first.data.repositories.map((r) => r.name)).toEqual(['a', 'b']);
    expect(first.headers.link).toBe(
      `<${fake.url}/installation/repositories?per_page=2&page=2>; rel="next", <${fake.url}/installation/repositories?per_page=2&page=3>; rel="last"`,
    );
    const all = await asInstallation.paginate(asInstallation.apps.listReposAccessibleToInstallation, { per_page: 2 });
    expect(all.map((r) => r.id)).toEqual(ids);

    // In the installation: reads and writes. Outside: public reads only; private ones do not exist.
    expect((await asInstallation.repos.get({ owner: OWNER, repo: 'e' })).data.permissions).toMatchObject({ push: true, admin: false });
    expect((await asInstallation.repos.get({ owner: 'elsewhere', repo: 'public' })).status).toBe(200);
    expect(await statusOf(asInstallation.repos.createDispatchEvent({ owner: 'elsewhere', repo: 'public', event_type: 'x' }))).toMatchObject(
      { status: 403, data: { message: 'Resource not accessible by integration' } },
    );
    expect((await statusOf(asInstallation.repos.get({ owner: 'elsewhere', repo: 'secret' }))).status).toBe(404);
    // Each kind of credential only where it belongs.
    expect((await statusOf(asInstallation.apps.getAuthenticated())).status).toBe(401);
    expect((await statusOf(asApp.repos.get({ owner: OWNER, repo: 'a' }))).status).toBe(403);
    expect((await statusOf(client(fake).apps.listReposAccessibleToInstallation())).status).toBe(403);
    expect(fake.requests.filter((r) => r.auth === 'installation').every((r) => r.installationId === installation)).toBe(true);
  });

  it('narrows tokens to repositories and permissions, and refuses more than the installation has', async () => {
    const fake = await startFakeGitHub();
    fake.addRepo({ owner: OWNER, name: 'a' });
    fake.addRepo({ owner: OWNER, name: 'b', private: true });
    fake.addRepo({ owner: OWNER, name: 'c' });
    const installation = fake.addInstallation({
      account: OWNER,
      repos: [`${OWNER}/a`, `${OWNER}/b`],
      permissions: { metadata: 'read', contents: 'write', checks: 'read' },
    });
    const asApp = client(fake, fake.appJwt());
    expect((await asApp.apps.getInstallation({ installation_id: installation })).data.repository_selection).toBe('selected');
    const narrowed = await asApp.apps.createInstallationAccessToken({
      installation_id: installation,
      repositories: ['a'],
      permissions: { contents: 'read' },
    });
    expect(narrowed.data).toMatchObject({ repository_selection: 'selected', permissions: { contents: 'read' } });
    expect(narrowed.data.repositories?.map((r) => r.name)).toEqual(['a']);
    const gh = client(fake, narrowed.data.token);
    expect((await gh.repos.getContent({ owner: OWNER, repo: 'a', path: '' }).catch((e: { status: number }) => e)).status).toBe(404); // empty repository
    expect((await statusOf(gh.repos.get({ owner: OWNER, repo: 'b' }))).status).toBe(404);
    expect((await statusOf(gh.git.createBlob({ owner: OWNER, repo: 'a', content: 'x' }))).status).toBe(403);
    expect((await gh.apps.listReposAccessibleToInstallation()).data.repositories.map((r) => r.name)).toEqual(['a']);

    expect((await statusOf(asApp.apps.createInstallationAccessToken({ installation_id: installation, repositories: ['c'] }))).status).toBe(
      422,
    );
    expect(
      await statusOf(asApp.apps.createInstallationAccessToken({ installation_id: installation, permissions: { checks: 'write' } })),
    ).toMatchObject({
      status: 422,
      data: { message: 'The permissions requested are not granted to this installation.' },
    });
    // The installation's own permissions bound what its tokens do.
    const full = client(fake, fake.installationToken(installation));
    const head = fake.commit(`${OWNER}/a`, 'main', { f: 'x' }, 'first');
    expect((await statusOf(full.checks.create({ owner: OWNER, repo: 'a', name: 'x', head_sha: head }))).status).toBe(403);
  });

  it('refuses bad JWTs and bad, expired or revoked tokens with 401', async () => {
    const fake = await startFakeGitHub();
    fake.addRepo({ owner: OWNER, name: 'a' });
    const installation = fake.addInstallation({ account: OWNER });
    const now = Math.floor(Date.now() / 1000);
    const other = (await import('node:crypto'))
      .generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const cases: Array<[string, string]> = [
      [jwtFor(other, { iat: now - 30, exp: now + 540, iss: fake.app.id }), 'A JSON web token could not be decoded'],
      [
        jwtFor(fake.app.privateKeyPem, { iat: now - 700, exp: now - 100, iss: fake.app.id }),
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
      ],
      [
        jwtFor(fake.app.privateKeyPem, { iat: now, exp: now + 3600, iss: fake.app.id }),
        "'Expiration time' claim ('exp') is too far in the future.",
      ],
      [
        jwtFor(fake.app.privateKeyPem, { iat: now + 600, exp: now + 660, iss: fake.app.id }),
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
      ],
      [jwtFor(fake.app.privateKeyPem, { iat: now - 30, exp: now + 540, iss: 1 }), 'Integration not found'],
    ];
    for (const [jwt, message] of cases) {
      expect(await statusOf(client(fake, jwt).apps.getAuthenticated())).toMatchObject({ status: 401, data: { message } });
    }
    expect(await statusOf(new Octokit({ baseUrl: fake.url, log: silent }).repos.get({ owner: OWNER, repo: 'a' }))).toMatchObject({
      status: 401,
      data: { message: 'Requires authentication' },
    });
    expect(await statusOf(client(fake, 'ghs_not-a-token').repos.get({ owner: OWNER, repo: 'a' }))).toMatchObject({
      status: 401,
      data: { message: 'Bad credentials' },
    });

    const token = fake.installationToken(installation);
    const anonymous = new Octokit({ baseUrl: fake.url, log: silent });
    expect((await anonymous.repos.get({ owner: OWNER, repo: 'a', headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    fake.advanceTime(61 * 60_000);
    expect((await statusOf(client(fake, token).repos.get({ owner: OWNER, repo: 'a' }))).status).toBe(401);
    const fresh = fake.installationToken(installation);
    fake.removeInstallation(installation);
    expect((await statusOf(client(fake, fresh).repos.get({ owner: OWNER, repo: 'a' }))).status).toBe(401);
  });

  it('pages through installations with Link headers', async () => {
    const fake = await startFakeGitHub();
    const ids = Array.from({ length: 5 }, (_, i) => fake.addInstallation({ account: `org-${i}` }));
    const asApp = client(fake, fake.appJwt());
    const second = await asApp.apps.listInstallations({ per_page: 2, page: 2 });
    expect(second.data.map((i) => i.id)).toEqual(ids.slice(2, 4));
    expect(second.headers.link).toContain('rel="prev"');
    expect(second.headers.link).toContain('rel="first"');
    expect((await asApp.paginate(asApp.apps.listInstallations, { per_page: 2 })).map((i) => i.id)).toEqual(ids);
    expect(fake.requests.filter((r) => r.path === '/app/installations').map((r) => r.query.page)).toEqual(['2', undefined, '2', '3']);
  });
});

describe('faults and rate limits', () => {
  it('is retried by @octokit/plugin-retry after 5xx answers and connection resets', async () => {
    const { fake, repo } = await withRepo();
    const gh = new (Octokit.plugin(retry))({ baseUrl: fake.url, auth: fake.token, log: silent, retry: { retryAfterBaseValue: 1 } });
    fake.inject({ path: '/repos/os-data/budget', status: 500 });
    expect((await gh.repos.get(repo)).status).toBe(200);
    fake.inject({ path: /\/contents\//, status: 502, times: 2 });
    expect((await gh.repos.getContent({ ...repo, path: 'datapackage.json' })).status).toBe(200);
    fake.inject({ method: 'GET', path: /\/git\/ref\//, status: 'reset' });
    expect((await gh.git.getRef({ ...repo, ref: 'heads/main' })).status).toBe(200);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 200, 502, 502, 200, 0, 200]);
    // 422 is the client's fault: not retried.
    fake.inject({ path: '/repos/os-data/budget', status: 422 });
    expect((await statusOf(gh.repos.get(repo))).status).toBe(422);
    expect(fake.requests).toHaveLength(8);
  });

  it('answers secondary rate limits as GitHub does, and @octokit/plugin-throttling waits retry-after', async () => {
    const { fake, repo } = await withRepo();
    const waits: number[] = [];
    const gh = new (Octokit.plugin(throttling))({
      baseUrl: fake.url,
      auth: fake.token,
      log: silent,
      throttle: {
        retryAfterBaseValue: 20, // ms per second of retry-after, to keep the test fast
        onSecondaryRateLimit: (retryAfter: number, _o: unknown, _k: unknown, retryCount: number) => (
          waits.push(retryAfter),
          retryCount < 2
        ),
        onRateLimit: () => false,
      },
    });
    fake.inject({ path: '/repos/os-data/budget', status: 429, headers: { 'retry-after': '3' } });
    expect((await gh.repos.get(repo)).status).toBe(200);
    fake.inject({ path: '/repos/os-data/budget', status: 403, secondaryRateLimit: true, headers: { 'retry-after': '1' } });
    expect((await gh.repos.get(repo)).status).toBe(200);
    expect(waits).toEqual([3, 1]);
    const [limited, retried] = fake.requests.slice(0, 2);
    expect(limited!.status).toBe(429);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(55);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200, 403, 200]);
  });

  it('counts requests against the primary rate limit and answers 403 once it is spent', async () => {
    const { fake, gh, repo } = await withRepo({ rateLimit: 2 });
    const first = await gh.repos.get(repo);
    expect([first.headers['x-ratelimit-limit'], first.headers['x-ratelimit-remaining']]).toEqual(['2', '1']);
    await gh.repos.get(repo);
    const spent = await statusOf(gh.repos.get(repo));
    expect(spent).toMatchObject({ status: 403, data: { message: 'API rate limit exceeded for this token.' } });
    expect(fake.requests.at(-1)!.status).toBe(403);
  });

  it('can hold content-creating requests to GitHub’s secondary limit', async () => {
    const { gh, repo } = await withRepo({ writesPerMinute: 2 });
    await gh.git.createBlob({ ...repo, content: 'a' });
    await gh.git.createBlob({ ...repo, content: 'b' });
    const limited = await statusOf(gh.git.createBlob({ ...repo, content: 'c' }));
    expect(limited).toMatchObject({ status: 403, data: { message: expect.stringMatching(/secondary rate limit/) } });
    expect((await gh.repos.get(repo)).status).toBe(200); // reads are not content creation
  });

  it('injects 409 and custom bodies, a limited number of times, after letting some through', async () => {
    const { fake, gh, repo } = await withRepo();
    fake.inject({ method: 'GET', path: '/repos/os-data/budget', status: 409, after: 1, times: 1 });
    expect((await gh.repos.get(repo)).status).toBe(200);
    expect(await statusOf(gh.repos.get(repo))).toMatchObject({ status: 409, data: { message: 'Conflict' } });
    expect((await gh.repos.get(repo)).status).toBe(200);
  });
});

describe('checks against the OpenAPI description', () => {
  it('records recorded requests with their query, body and status', async () => {
    const { fake, gh, repo } = await withRepo();
    await gh.repos.getContent({ ...repo, path: 'datapackage.json', ref: 'main' });
    await gh.git.createBlob({ ...repo, content: 'x' });
    expect(fake.requests.map(({ method, path, query, body, status }) => ({ method, path, query, body, status }))).toEqual([
      { method: 'GET', path: '/repos/os-data/budget/contents/datapackage.json', query: { ref: 'main' }, body: undefined, status: 200 },
      { method: 'POST', path: '/repos/os-data/budget/git/blobs', query: {}, body: { content: 'x' }, status: 201 },
    ]);
    expect(fake.requests[0]!.headers.authorization).toBe(`token ${fake.token}`);
    expect(fake.violations).toEqual([]);
  });

  it('catches a response that breaks the description', async () => {
    const { fake, gh, repo } = await withRepo();
    fake.corruptNextResponse();
    await gh.repos.get(repo);
    fake.corruptNextResponse((body) => ({ ...(body as object), object: { sha: 'short', type: 'commit', url: 'x' } }));
    await gh.git.getRef({ ...repo, ref: 'heads/main' });
    expect(fake.violations.map((v) => [v.path, v.against])).toEqual([
      ['/repos/os-data/budget', 'GET /repos/{owner}/{repo} 200'],
      ['/repos/os-data/budget/git/ref/heads/main', 'GET /repos/{owner}/{repo}/git/ref/{ref} 200'],
    ]);
    expect(fake.violations[0]!.errors).toContain('/id must be integer');
    expect(fake.violations[1]!.errors).toContain('/object/sha must NOT have fewer than 40 characters');
    expect(() => fake.assertNoViolations()).toThrow(/break GitHub's OpenAPI description/);
    fake.violations.length = 0; // this test wanted them; the others fail on any
  });
});
