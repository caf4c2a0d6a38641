/**
 * The registry against the local GitHub (test/support/github-server.ts: real git objects,
 * fast-forward-only refs, installation tokens, every answer checked against GitHub's OpenAPI
 * description): observing repositories, writing the registry with optimistic concurrency, pull
 * request mode, and reconcile from installations.
 */

import { observation } from '../support/registry.ts';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitHubClient, GitHubClient } from '../../src/adapters/github/octokit.ts';
import { githubPort } from '../../src/adapters/github/port.ts';
import type { Logger } from '../../src/log.ts';
import { parseRegistryFiles, serializeRegistry } from '../../src/registry/csv.ts';
import { applyObservations, REASONS } from '../../src/registry/edit.ts';
import type { ChangeContext, RegistryState } from '../../src/registry/model.ts';
import { observeRepository } from '../../src/registry/observe.ts';
import { reconcile } from '../../src/registry/reconcile.ts';
import { createRegistryWriter, type RegistryWriterOptions } from '../../src/registry/writer.ts';
import { startFakeGitHub, type FakeGitHub } from '../support/github-server.ts';

const REGISTRY = 'os-team/registry';
const [REG_OWNER, REG_REPO] = REGISTRY.split('/') as [string, string];

async function templateFiles(): Promise<Record<string, string>> {
  const root = 'registry-template';
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    files[full.slice(root.length + 1)] = await readFile(full, 'utf8');
  }
  return files;
}

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * A client like createGitHubClient's (retries; 4xx answers not retried) without its write
 * throttle: plugin-throttling spaces content-creating requests 1 s apart across every client of
 * the process, as GitHub asks — right in production, but it would make these races slow and loose.
 * The first writer test uses createGitHubClient itself.
 */
const fastClient = (fake: FakeGitHub, token: string): GitHubClient =>
  new GitHubClient({
    auth: token,
    baseUrl: fake.url,
    log: silent,
    throttle: { enabled: false },
    retry: { doNotRetry: [400, 401, 403, 404, 409, 422] },
  });

/** A fake GitHub with the registry repository created from registry-template/ and the App installed on it. */
async function setup(): Promise<{ fake: FakeGitHub; client: () => GitHubClient; initial: string; token: () => string }> {
  const fake = await startFakeGitHub();
  fake.addRepo({ owner: REG_OWNER, name: REG_REPO });
  const initial = fake.commit(REGISTRY, 'main', await templateFiles(), 'Registry from registry-template');
  const installation = fake.addInstallation({ account: REG_OWNER, repos: [REGISTRY] });
  const token = () => fake.installationToken(installation);
  return { fake, initial, token, client: () => fastClient(fake, token()) };
}

const writerFor = (client: GitHubClient, over: Partial<RegistryWriterOptions> = {}) =>
  createRegistryWriter(githubPort(client), { owner: REG_OWNER, repo: REG_REPO, mode: 'commit', ...over });
const ctx = (delivery = 'delivery-1', now = '2024-05-01T12:00:00Z'): ChangeContext => ({ now, delivery, coreOrg: 'os-data' });
const registryAt = (fake: FakeGitHub, at = 'main'): RegistryState => parseRegistryFiles(fake.files(REGISTRY, at));
const writes = (fake: FakeGitHub, from = 0) => fake.requests.slice(from).filter((r) => r.method !== 'GET');

const obs = observation;

/** A Logger (src/log.ts) that keeps what it is given. */
function recordingLog(): { log: Logger; lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const make = (base: Record<string, unknown>): Logger => {
    const at =
      (level: string) =>
      (msg: string, fields: Record<string, unknown> = {}) =>
        void lines.push({ level, msg, fields: { ...base, ...fields } });
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (f) => make({ ...base, ...f }) };
  };
  return { log: make({}), lines };
}

/** A valid (descriptor-level) Tabular Data Package. */
const descriptor = (name: string, owner: string | undefined, extra: object = {}): string =>
  JSON.stringify(
    {
      name,
      title: `The ${name} dataset`,
      ...(owner ? { owner } : {}),
      resources: [{ name: 'rows', path: 'data/rows.csv', schema: { fields: [{ name: 'year', type: 'integer' }] } }],
      ...extra,
    },
    null,
    2,
  );
const dataset = (name: string, owner: string | undefined) => ({
  'datapackage.json': descriptor(name, owner),
  'data/rows.csv': 'year\n2024\n',
});

describe('observeRepository', () => {
  async function world() {
    const fake = await startFakeGitHub();
    const ids = {
      valid: fake.addRepo({ owner: 'os-data', name: 'budget' }),
      spoof: fake.addRepo({ owner: 'mallory', name: 'budget', ownerType: 'User' }),
      bare: fake.addRepo({ owner: 'os-data', name: 'notes' }),
      secret: fake.addRepo({ owner: 'os-data', name: 'secret', private: true }),
      empty: fake.addRepo({ owner: 'os-data', name: 'empty' }),
      broken: fake.addRepo({ owner: 'os-data', name: 'broken', defaultBranch: 'trunk' }),
      gone: fake.addRepo({ owner: 'os-data', name: 'gone' }),
    };
    fake.commit(ids.valid, 'main', dataset('budget', 'OS-Data'), 'init');
    fake.commit(ids.spoof, 'main', dataset('budget', 'os-data'), 'init');
    fake.commit(ids.bare, 'main', { 'README.md': '# notes\n' }, 'init');
    fake.commit(ids.secret, 'main', dataset('secret', 'os-data'), 'init');
    fake.commit(ids.broken, 'trunk', { 'datapackage.json': '{"name": "broken",\n' }, 'init');
    fake.commit(ids.gone, 'main', dataset('gone', 'os-data'), 'init');
    fake.deleteRepo(ids.gone);
    const data = fake.addInstallation({ account: 'os-data' });
    const mallory = fake.addInstallation({ account: 'mallory', accountType: 'User' });
    const client = (id: number) => githubPort(fastClient(fake, fake.installationToken(id)));
    return { fake, ids, osData: client(data), mallory: client(mallory) };
  }

  it('reads a valid dataset: repository, head commit, descriptor validated with the GitHub owner', async () => {
    const { fake, ids, osData } = await world();
    expect(await observeRepository(osData, ids.valid)).toEqual({
      repositoryId: ids.valid,
      exists: true,
      installed: true,
      private: false,
      archived: false,
      owner: 'os-data',
      repo: 'budget',
      htmlUrl: 'https://github.com/os-data/budget',
      defaultBranch: 'main',
      headCommit: fake.headSha(ids.valid),
      descriptor: { name: 'budget', title: 'The budget dataset', owner: 'OS-Data', valid: true, problems: [] },
    });
  });

  it('finds an owner mismatch (a descriptor claiming someone else)', async () => {
    const { ids, mallory } = await world();
    const o = await observeRepository(mallory, ids.spoof);
    expect(o).toMatchObject({ owner: 'mallory', descriptor: { name: 'budget', owner: 'os-data', valid: false } });
    expect(o.descriptor?.problems.join('\n')).toMatch(/owner "os-data" is not the owner of the repository \("mallory"\)/);
  });

  it('gives no descriptor for a repository without datapackage.json, an empty repository and an unreadable one', async () => {
    const { fake, ids, osData } = await world();
    expect(await observeRepository(osData, ids.bare)).toMatchObject({ exists: true, headCommit: fake.headSha(ids.bare), descriptor: null });
    expect(await observeRepository(osData, ids.empty)).toMatchObject({ exists: true, headCommit: null, descriptor: null });
    const broken = await observeRepository(osData, ids.broken);
    expect(broken).toMatchObject({
      defaultBranch: 'trunk',
      headCommit: fake.headSha(ids.broken),
      descriptor: { name: null, valid: false },
    });
    expect(broken.descriptor?.problems[0]).toMatch(/not valid JSON/);
  });

  it('does not read into a private repository', async () => {
    const { fake, ids, osData } = await world();
    const before = fake.requests.length;
    expect(await observeRepository(osData, ids.secret)).toMatchObject({
      exists: true,
      private: true,
      owner: 'os-data',
      repo: 'secret',
      headCommit: null,
      descriptor: null,
    });
    expect(fake.requests.slice(before).map((r) => r.path)).toEqual([`/repositories/${ids.secret}`]);
  });

  it('says a deleted repository does not exist (404 by id)', async () => {
    const { ids, osData } = await world();
    expect(await observeRepository(osData, ids.gone)).toMatchObject({
      repositoryId: ids.gone,
      exists: false,
      installed: true,
      descriptor: null,
    });
    expect(await observeRepository(osData, ids.gone, { installed: false })).toMatchObject({ exists: false, installed: false });
  });

  it('reads a public repository of another account with any installation token, by id across a rename', async () => {
    const { fake, ids, mallory } = await world();
    fake.renameRepo(ids.valid, 'budget-2024');
    expect(await observeRepository(mallory, ids.valid, { installed: false })).toMatchObject({
      installed: false,
      repo: 'budget-2024',
      descriptor: { valid: true },
    });
  });
});

describe('the registry writer (commit mode)', () => {
  it('writes one commit per update, however many observations', async () => {
    const { fake, token, initial } = await setup();
    const r = await writerFor(createGitHubClient({ token: token(), baseUrl: fake.url })).update(
      [obs(1), obs(2), obs(3, { owner: 'alice' })],
      ctx('d-1'),
    );
    expect(r).toMatchObject({ commit: fake.headSha(REGISTRY), attempts: 1 });
    expect(r.changes.map((c) => `${c.event} ${c.dataset}`)).toEqual(['listed os-data/ds-1', 'listed os-data/ds-2', 'listed alice/ds-3']);
    const log = fake.log(REGISTRY);
    expect(log).toHaveLength(2);
    expect(log[0]!.parents).toEqual([initial]);
    expect(log[0]!.message).toBe(
      [
        'registry: listed 3 datasets',
        '',
        '- listed os-data/ds-1',
        '- listed os-data/ds-2',
        '- listed alice/ds-3',
        '',
        'Delivery: d-1',
      ].join('\n'),
    );
    const state = registryAt(fake);
    expect(state.datasets.map((d) => [d.repositoryId, d.status])).toEqual([
      [1, 'published'],
      [2, 'published'],
      [3, 'published'],
    ]);
    expect(fake.readFile(REGISTRY, 'main', 'data/catalog.csv')).toBe(
      'url,name,owner\nhttps://github.com/alice/repo-3,ds-3,alice\nhttps://github.com/os-data/repo-1,ds-1,os-data\nhttps://github.com/os-data/repo-2,ds-2,os-data\n',
    );
    // One tree (holding the three changed files), one commit, one fast-forward ref update; the other files are untouched.
    expect(writes(fake).map((w) => `${w.method} ${w.path.replace(/^\/repos\/os-team\/registry/, '')}`)).toEqual([
      'POST /git/trees',
      'POST /git/commits',
      'PATCH /git/refs/heads/main',
    ]);
    expect(writes(fake).at(-1)!.body).toMatchObject({ force: false });
    expect(fake.readFile(REGISTRY, 'main', 'README.md')).toBe(await readFile('registry-template/README.md', 'utf8'));
  });

  it('writes nothing at all when nothing changes', async () => {
    const { fake, client } = await setup();
    const writer = writerFor(client());
    await writer.update([obs(1), obs(2)], ctx('d-1'));
    const head = fake.headSha(REGISTRY);
    const before = fake.requests.length;
    expect(await writer.update([obs(2), obs(1)], ctx('d-2', '2024-06-01T00:00:00Z'))).toEqual({ commit: null, changes: [], attempts: 1 });
    expect(await writer.update([], ctx('d-3'))).toEqual({ commit: null, changes: [], attempts: 0 });
    expect(writes(fake, before)).toEqual([]);
    expect(fake.headSha(REGISTRY)).toBe(head);
  });

  it('re-reads and re-applies when the ref moved between read and write: nothing is lost', async () => {
    const { fake, client, initial } = await setup();
    let other = '';
    fake.inject({
      method: 'PATCH',
      path: '/repos/os-team/registry/git/refs/heads/main',
      before: () => {
        // Another writer commits its own change first.
        const next = applyObservations(registryAt(fake), [obs(50)], ctx('other'));
        other = fake.commit(REGISTRY, 'main', serializeRegistry(next.state), 'registry: listed os-data/ds-50');
      },
    });
    const r = await writerFor(client()).update([obs(1)], ctx('mine'));
    expect(r.attempts).toBe(2);
    expect(fake.log(REGISTRY).map((c) => c.sha)).toEqual([r.commit, other, initial]);
    const state = registryAt(fake);
    expect(state.datasets.map((d) => d.repositoryId)).toEqual([1, 50]);
    expect(state.changelog.map((c) => `${c.event} ${c.repositoryId} ${c.delivery}`)).toEqual(['listed 50 other', 'listed 1 mine']);
    expect(fake.requests.filter((q) => q.method === 'PATCH').map((q) => q.status)).toEqual([422, 200]);
  });

  it('re-reads on a 409 Conflict too', async () => {
    const { fake, client } = await setup();
    fake.inject({ method: 'PATCH', path: '/repos/os-team/registry/git/refs/heads/main', status: 409 });
    const r = await writerFor(client()).update([obs(1)], ctx());
    expect(r.attempts).toBe(2);
    expect(registryAt(fake).datasets.map((d) => d.repositoryId)).toEqual([1]);
  });

  it('does not list the registry repository itself', async () => {
    const { fake, client } = await setup();
    const self = fake.getRepo(REGISTRY).id;
    const r = await writerFor(client()).update(
      [
        obs(self, {
          owner: REG_OWNER,
          repo: REG_REPO,
          descriptor: { name: 'openspending-registry', title: null, owner: null, valid: true, problems: [] },
        }),
      ],
      ctx(),
    );
    expect(r.commit).toBeNull();
  });

  const all50 = (fake: FakeGitHub) => {
    const state = registryAt(fake);
    expect(state.datasets.map((d) => d.repositoryId)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(state.datasets.every((d) => d.status === 'published')).toBe(true);
    expect(state.changelog.map((c) => c.delivery).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `d-${i + 1}`).sort());
    // A linear history, every commit a fast-forward of the one before.
    expect(fake.log(REGISTRY).every((c) => c.parents.length <= 1)).toBe(true);
  };

  it('lands 50 concurrent updates of one writer (coalesced into few commits)', async () => {
    const { fake, client } = await setup();
    const writer = writerFor(client());
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.update([obs(i + 1)], ctx(`d-${i + 1}`))));
    results.forEach((r, i) => expect(r.changes.map((c) => c.repositoryId)).toEqual([i + 1]));
    all50(fake);
    const commits = new Set(results.map((r) => r.commit));
    expect(commits.size).toBe(fake.log(REGISTRY).length - 1);
    expect(commits.size).toBeLessThan(50);
  });

  it('lands 50 concurrent updates from two writers (two clients) racing on the ref', async () => {
    const { fake, client } = await setup();
    const writers = [writerFor(client()), writerFor(client())];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => writers[i % 2]!.update([obs(i + 1)], ctx(`d-${i + 1}`))));
    all50(fake);
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    expect(fake.requests.some((q) => q.method === 'PATCH' && q.status === 422)).toBe(true);
  });

  it('lands concurrent updates without coalescing, each in its own commit, by retrying', async () => {
    const { fake, client } = await setup();
    const { log, lines } = recordingLog();
    const writers = [
      writerFor(client(), { coalesce: false, maxAttempts: 30, backoffMs: 5, log }),
      writerFor(client(), { coalesce: false, maxAttempts: 30, backoffMs: 5, log }),
    ];
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => writers[i % 2]!.update([obs(i + 1)], ctx(`d-${i + 1}`))));
    expect(new Set(results.map((r) => r.commit)).size).toBe(8);
    expect(results.some((r) => r.attempts > 1)).toBe(true);
    // Each lost race is logged through the Logger it was given, with where and which try.
    expect(lines.length).toBe(results.reduce((n, r) => n + r.attempts - 1, 0));
    expect(lines[0]).toEqual({
      level: 'debug',
      msg: 'the registry branch moved under the write: re-reading',
      fields: { registry: REGISTRY, ref: 'heads/main', attempt: expect.any(Number), maxAttempts: 30, delayMs: expect.any(Number) },
    });
    expect(registryAt(fake).datasets.map((d) => d.repositoryId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(fake.log(REGISTRY)).toHaveLength(9);
  });

  it('gives up after maxAttempts with a clear error, having changed nothing', async () => {
    const { fake, client, initial } = await setup();
    fake.inject({
      method: 'PATCH',
      path: /\/git\/refs\/heads\/main$/,
      times: Infinity,
      before: () => void fake.commit(REGISTRY, 'main', { 'notes.txt': String(Math.random()) }, 'someone else'),
    });
    await expect(writerFor(client(), { maxAttempts: 3, backoffMs: 1 }).update([obs(1)], ctx())).rejects.toThrow(
      /moved under every one of 3 tries/,
    );
    expect(registryAt(fake).datasets).toEqual([]);
    expect(fake.log(REGISTRY).at(-1)!.sha).toBe(initial);
  });
});

describe('the registry writer (pull-request mode)', () => {
  it('opens one pull request, then keeps it updated; after a merge it starts again from the base', async () => {
    const { fake, client, initial } = await setup();
    const gh = client();
    const writer = writerFor(gh, { mode: 'pull-request' });

    const r1 = await writer.update([obs(1)], ctx('d-1'));
    expect(fake.headSha(REGISTRY, 'main')).toBe(initial);
    expect(fake.headSha(REGISTRY, 'registry-updates')).toBe(r1.commit);
    expect(fake.pulls(REGISTRY).map((p) => [p.number, p.state, p.head, p.base])).toEqual([
      [r1.pullRequest, 'open', 'registry-updates', 'main'],
    ]);

    const r2 = await writer.update([obs(2)], ctx('d-2'));
    expect(r2.pullRequest).toBe(r1.pullRequest);
    expect(fake.pulls(REGISTRY)).toHaveLength(1);
    expect(fake.log(REGISTRY, 'registry-updates')[0]!.parents).toEqual([r1.commit]);
    expect(registryAt(fake, 'registry-updates').datasets.map((d) => d.repositoryId)).toEqual([1, 2]);
    expect(await writer.update([obs(2)], ctx('d-2 again'))).toMatchObject({ commit: null });

    // The operator squash-merges: the next change starts from main, in a new pull request.
    fake.mergePull(REGISTRY, r1.pullRequest!, { method: 'squash' });
    const merged = fake.headSha(REGISTRY, 'main')!;
    const r3 = await writer.update([obs(3)], ctx('d-3'));
    expect(r3.pullRequest).not.toBe(r1.pullRequest);
    expect(fake.log(REGISTRY, 'registry-updates')[0]!.parents).toEqual([r2.commit, merged]);
    expect(registryAt(fake, 'registry-updates').datasets.map((d) => d.repositoryId)).toEqual([1, 2, 3]);
    expect(
      fake
        .pulls(REGISTRY)
        .filter((p) => p.state === 'open')
        .map((p) => p.number),
    ).toEqual([r3.pullRequest]);
    fake.mergePull(REGISTRY, r3.pullRequest!);
    expect(registryAt(fake, 'main').datasets.map((d) => d.repositoryId)).toEqual([1, 2, 3]);

    // GitHub deletes the merged branch: it is created again from main.
    await gh.rest.git.deleteRef({ owner: REG_OWNER, repo: REG_REPO, ref: 'heads/registry-updates' });
    const r4 = await writer.update([obs(4)], ctx('d-4'));
    expect(fake.log(REGISTRY, 'registry-updates')[0]!.parents).toEqual([fake.headSha(REGISTRY, 'main')]);
    expect(registryAt(fake, 'registry-updates').datasets.map((d) => d.repositoryId)).toEqual([1, 2, 3, 4]);
    expect(
      fake
        .pulls(REGISTRY)
        .filter((p) => p.state === 'open')
        .map((p) => p.number),
    ).toEqual([r4.pullRequest]);

    // Never a force-push.
    expect(
      fake.requests
        .filter((q) => q.method === 'PATCH' && q.path.includes('/git/refs/'))
        .every((q) => (q.body as { force?: boolean }).force === false),
    ).toBe(true);
  });

  it('keeps changes committed to the branch when opening the pull request failed', async () => {
    const { fake, client } = await setup();
    const writer = writerFor(client(), { mode: 'pull-request' });
    fake.inject({ method: 'POST', path: '/repos/os-team/registry/pulls', status: 403 });
    await expect(writer.update([obs(1)], ctx('d-1'))).rejects.toMatchObject({ status: 403 });
    expect(fake.pulls(REGISTRY)).toEqual([]);
    const r = await writer.update([obs(2)], ctx('d-2'));
    expect(fake.pulls(REGISTRY).map((p) => p.number)).toEqual([r.pullRequest]);
    expect(registryAt(fake, 'registry-updates').datasets.map((d) => d.repositoryId)).toEqual([1, 2]);
  });

  it('two writers in pull-request mode share one pull request and lose nothing', async () => {
    const { fake, client } = await setup();
    const writers = [writerFor(client(), { mode: 'pull-request' }), writerFor(client(), { mode: 'pull-request' })];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => writers[i % 2]!.update([obs(i + 1)], ctx(`d-${i + 1}`))));
    expect(new Set(results.map((r) => r.pullRequest)).size).toBe(1);
    expect(fake.pulls(REGISTRY)).toHaveLength(1);
    expect(registryAt(fake, 'registry-updates').datasets).toHaveLength(10);
  });
});

describe('reconcile', () => {
  it('lists what is valid and unlists what is not; a second run writes nothing', async () => {
    const { fake, client } = await setup();
    const repo = (owner: string, name: string, files: Record<string, string> | null, o: { private?: boolean } = {}) => {
      const id = fake.addRepo({ owner, name, ...o, ...(owner === 'alice' ? { ownerType: 'User' as const } : {}) });
      if (files) fake.commit(id, 'main', files, 'init');
      return id;
    };
    const ids = {
      budget: repo('os-data', 'budget', dataset('budget', 'os-data')),
      old: repo('os-data', 'old', dataset('old', undefined)),
      spoof: repo('os-data', 'spoof', dataset('spoof', 'someone-else')),
      notes: repo('os-data', 'notes', { 'README.md': '# not a dataset\n' }),
      secret: repo('os-data', 'secret', dataset('secret', 'os-data'), { private: true }),
      spending: repo('alice', 'spending', dataset('spending', 'Alice')),
    };
    fake.addInstallation({ account: 'os-data' });
    const alice = fake.addInstallation({ account: 'alice', accountType: 'User' });

    const appOctokit = fastClient(fake, fake.appJwt());
    const deps = {
      appGitHub: githubPort(appOctokit),
      installationGitHub: async (installationId: number) => {
        const { data } = await appOctokit.rest.apps.createInstallationAccessToken({ installation_id: installationId });
        return githubPort(fastClient(fake, data.token));
      },
      writer: writerFor(client()),
      coreOrg: 'os-data',
      now: () => '2024-05-01T00:00:00Z',
    };

    const { log, lines } = recordingLog();
    const first = await reconcile({ ...deps, log });
    expect(first.observed).toBe(7); // six datasets and the registry itself
    expect(lines).toContainEqual({
      level: 'info',
      msg: 'reconcile run',
      fields: { observed: 7, installations: 3, changes: first.changes.length, commit: first.commit },
    });
    expect(first.commit).toBe(fake.headSha(REGISTRY));
    let state = registryAt(fake);
    expect(state.datasets.map((d) => [d.repo, d.status, d.reason, d.core])).toEqual([
      ['budget', 'published', '', true],
      ['old', 'published', '', true],
      ['spoof', 'failed', REASONS.ownerMismatch, true],
      ['spending', 'published', '', false],
    ]);
    expect(fake.readFile(REGISTRY, 'main', 'data/catalog.csv')).toBe(
      'url,name,owner\nhttps://github.com/alice/spending,spending,alice\nhttps://github.com/os-data/budget,budget,os-data\nhttps://github.com/os-data/old,old,os-data\n',
    );
    expect(state.changelog.every((c) => c.delivery === '' && c.time === '2024-05-01T00:00:00Z')).toBe(true);
    expect(fake.log(REGISTRY)[0]!.message).not.toMatch(/Delivery:/);

    const before = fake.requests.length;
    expect(await reconcile({ ...deps, now: () => '2024-05-02T00:00:00Z' })).toEqual({ commit: null, changes: [], observed: 7 });
    expect(writes(fake, before).filter((w) => !w.path.endsWith('/access_tokens'))).toEqual([]);

    // GitHub changes behind the App's back (missed webhooks): reconcile repairs the registry.
    fake.deleteRepo(ids.old);
    fake.removeInstallation(alice);
    fake.renameRepo(ids.budget, 'budget-2024');
    fake.commit(ids.spoof, 'main', { 'datapackage.json': descriptor('spoof', 'os-data') }, 'fix the owner');
    fake.setPrivate(ids.notes, true);
    const third = await reconcile({ ...deps, now: () => '2024-05-03T00:00:00Z' });
    expect(third.changes.map((c) => `${c.event} ${c.dataset}`)).toEqual([
      'renamed os-data/budget',
      'removed os-data/old',
      'listed os-data/spoof',
      'removed alice/spending',
    ]);
    state = registryAt(fake);
    expect(state.datasets.map((d) => [d.repo, d.status, d.reason])).toEqual([
      ['budget-2024', 'published', ''],
      ['old', 'removed', REASONS.deleted],
      ['spoof', 'published', ''],
      ['spending', 'removed', REASONS.uninstalled],
    ]);
    expect(await reconcile({ ...deps, now: () => '2024-05-04T00:00:00Z' })).toMatchObject({ commit: null, changes: [] });
    fake.assertNoViolations();
  });
});
