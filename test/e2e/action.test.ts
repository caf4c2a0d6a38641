/**
 * The built Action (dist/index.js) run as the runner runs it, on real git repositories, with real
 * event payloads (@octokit/webhooks-examples, via ../shared/fixtures/real), storage at s3rver.
 */
import { randomUUID } from 'node:crypto';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clone, commitFiles, gitdir, hasGitLfs, needsLfs, bareRemote, push } from '../support/git.ts';
import { examplePayload, runBundle, type ActionRun } from '../support/action.ts';
import { startS3 } from '../support/s3.ts';
import { testdir } from '../support/tmp.ts';

const REPO = 'Codertocat/Hello-World'; // the repository of the example payloads

const descriptor = (owner = 'Codertocat') => ({
  name: 'hello-world',
  title: 'Hello budget',
  owner,
  profiles: ['tabular'],
  resources: [
    {
      name: 'spending',
      path: 'data/spending.csv',
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'note', type: 'string' },
          { name: 'amount', type: 'number' },
        ],
        primaryKey: 'id',
      },
    },
  ],
});
const VALID = 'id,note,amount\n1,plain,10.5\n2,"two\nlines",3\n3,x,4\n';
// The type error is on row 4, which starts on line 5 (row 3's quoted cell spans two lines).
const INVALID = 'id,note,amount\n1,plain,10.5\n2,"two\nlines",3\n3,x,four\n';

const dataset = (csv: string, owner?: string) => gitdir({ 'datapackage.json': descriptor(owner), 'data/spending.csv': csv });

const storageEnv = (s3: Awaited<ReturnType<typeof startS3>>) => ({
  OS_STORAGE_BUCKET_NAME: s3.bucket,
  OS_STORAGE_ENDPOINT: s3.endpoint,
  OS_ACCESS_KEY_ID: 'S3RVER',
  OS_SECRET_ACCESS_KEY: 'S3RVER',
});

describe('the Action on pull requests', () => {
  it('opened: line-precise annotations, failed step, outputs, job summary and JSON report', async () => {
    const run = await runBundle({
      workspace: await dataset(INVALID),
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
    });
    expect(run.code).toBe(1);
    expect(run.annotations).toHaveLength(1);
    expect(run.annotations[0]).toMatchObject({ level: 'error', props: { file: 'data/spending.csv', line: '5', title: 'type-error' } });
    expect(run.annotations[0]?.message).toMatch(/^row 4 \(line 5\), field "amount": "four" is not a number/);
    expect(run.stdout).toMatch(/::error::1 errors, 0 warnings/);
    expect(run.outputs).toMatchObject({ valid: 'false', 'error-count': '1', 'warning-count': '0', 'published-version': '', url: '' });
    const report = JSON.parse(await readFile(run.outputs.report!, 'utf8'));
    expect(report.errors[0]).toMatchObject({ code: 'type-error', rowNumber: 4, lineNumber: 5, fieldName: 'amount' });
    expect(run.summary).toContain('| `type-error` | 1 |');
    expect(run.summary).toContain('<code>data/spending.csv\\:5</code>');
  });

  it('synchronize (every new commit): a valid package passes and publishes nothing', async () => {
    const s3 = await startS3();
    const run = await runBundle({
      workspace: await dataset(VALID),
      event: 'pull_request',
      payload: await examplePayload('pull_request.synchronize.22.json'),
      repository: REPO,
      env: storageEnv(s3),
    });
    expect(run.code).toBe(0);
    expect(run.annotations).toEqual([]);
    expect(run.outputs).toMatchObject({ valid: 'true', 'error-count': '0', 'published-version': '' });
    expect((await s3.objects()).size).toBe(0);
  });

  it('a pull request from a fork never publishes, whatever mode says', async () => {
    const s3 = await startS3();
    const payload = await examplePayload('pull_request.opened.0.json');
    // The example PR comes from a branch of the same repository; make its head a fork.
    const pr = payload.pull_request as { head: { repo: { full_name: string } } };
    pr.head.repo.full_name = 'mallory/Hello-World';
    const run = await runBundle({
      workspace: await dataset(VALID),
      event: 'pull_request',
      payload,
      repository: REPO,
      inputs: { mode: 'publish' },
      env: storageEnv(s3),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('a pull request from a fork: validated only, never published');
    expect(run.outputs['published-version']).toBe('');
    expect((await s3.objects()).size).toBe(0);
  });

  it('an owner that is not the repository owner fails with owner-mismatch at the descriptor line', async () => {
    const run = await runBundle({
      workspace: await dataset(VALID, 'someone-else'),
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
    });
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => a.props)).toContainEqual({ file: 'datapackage.json', line: '4', col: '3', title: 'owner-mismatch' });
  });
});

describe('the Action on a large file', () => {
  it('validates it on worker threads (dist/pass-worker.js): an error deep in the file is annotated at its line', async () => {
    // ~1.9 MiB: above the size under which a resource is read without workers.
    const rows = Array.from(
      { length: 60_000 },
      (_, i) => `${i + 1},row ${i + 1} with some padding text,${i === 54_320 ? 'oops' : `${i}.5`}`,
    );
    // Two resources: a package of one is read without workers (they would only add their start-up).
    const workspace = await gitdir({
      'datapackage.json': { ...descriptor(), resources: [...descriptor().resources, { name: 'notes', path: 'data/notes.csv' }] },
      'data/spending.csv': `id,note,amount\n${rows.join('\n')}\n`,
      'data/notes.csv': 'note\nhello\n',
    });
    const run = await runBundle({
      workspace,
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
      env: { OS_DATASTORE_THREADS: '2' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('validation worker threads cannot start');
    expect(run.annotations.map((a) => [a.level, a.props['file'], a.props['line'], a.message.slice(0, 40)])).toEqual([
      ['error', 'data/spending.csv', '54322', expect.stringContaining('row 54322 (line 54322)')],
    ]);
  });

  it('a bad OS_DATASTORE_THREADS fails the step with one sentence', async () => {
    const run = await runBundle({
      workspace: await dataset(VALID),
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
      env: { OS_DATASTORE_THREADS: 'many' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::OS_DATASTORE_THREADS must be a whole number of 1 or more (got "many").');
  });
});

describe('the Action on pushes', () => {
  it('a push to the default branch validates, then publishes; outputs say where', async () => {
    const s3 = await startS3();
    const dir = await dataset(VALID);
    const run = await runBundle({
      workspace: dir,
      event: 'push',
      payload: await examplePayload('push.noaction.4.json'),
      repository: REPO,
      env: storageEnv(s3),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { execFileSync } = await import('node:child_process');
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir }).toString().trim();
    expect(run.outputs['published-version']).toBe(commit);
    expect(run.outputs.url).toBe(`${s3.endpoint}/${s3.bucket}/datasets/codertocat/hello-world/datapackage.json`);
    const objects = await s3.objects();
    expect(objects.get('datasets/codertocat/hello-world/data/spending.csv')?.toString()).toBe(VALID);
    expect(objects.has(`datasets/codertocat/hello-world/versions/${commit}.json`)).toBe(true);
    expect(run.summary).toContain('Published datasets/codertocat/hello-world/');
  });

  it('an invalid push publishes nothing and fails', async () => {
    const s3 = await startS3();
    const run = await runBundle({
      workspace: await dataset(INVALID),
      event: 'push',
      payload: await examplePayload('push.noaction.4.json'),
      repository: REPO,
      env: storageEnv(s3),
    });
    expect(run.code).toBe(1);
    expect(run.annotations[0]?.props).toEqual({ file: 'data/spending.csv', line: '5', title: 'type-error' });
    expect((await s3.objects()).size).toBe(0);
  });

  it('a package that cannot be published is invalid: the step fails with the problem counted, and nothing is published (issue 13)', async () => {
    const { name: _name, ...nameless } = descriptor();
    const cases = [
      // The Data Package pattern allows "/", a storage key segment does not.
      { descriptor: { ...descriptor(), name: 'city/budget-2024' }, pointer: 'name' },
      // Publishing needs a name: it is the last part of the keys.
      { descriptor: nameless, pointer: 'name' },
    ];
    for (const c of cases) {
      const s3 = await startS3();
      const run = await runBundle({
        workspace: await gitdir({ 'datapackage.json': c.descriptor, 'data/spending.csv': VALID }),
        event: 'push',
        payload: await examplePayload('push.noaction.4.json'),
        repository: REPO,
        env: storageEnv(s3),
      });
      expect(run.code).toBe(1);
      expect(run.outputs).toMatchObject({ valid: 'false', 'error-count': '1', 'published-version': '', url: '' });
      const report = JSON.parse(await readFile(run.outputs.report!, 'utf8'));
      expect(report.stats.errors).toBe(report.errors.length);
      expect(report.errors[0]).toMatchObject({ code: 'descriptor-error', pointer: `/${c.pointer}` });
      expect(run.annotations.map((a) => a.props.file)).toEqual(['datapackage.json']);
      expect((await s3.objects()).size).toBe(0);
    }
  });

  it('a pull request fails on what publishing would refuse, before it is merged (a package without a name)', async () => {
    const { name: _name, ...nameless } = descriptor();
    const run = await runBundle({
      workspace: await gitdir({ 'datapackage.json': nameless, 'data/spending.csv': VALID }),
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ valid: 'false', 'error-count': '1', 'published-version': '' });
    const report = JSON.parse(await readFile(run.outputs.report!, 'utf8'));
    expect(report.errors).toEqual([expect.objectContaining({ code: 'descriptor-error', pointer: '/name' })]);
  });

  it('a descriptor naming another owner fails on pushes too, and publishes nothing', async () => {
    const s3 = await startS3();
    const run = await runBundle({
      workspace: await dataset(VALID, 'someone-else'),
      event: 'push',
      payload: await examplePayload('push.noaction.4.json'),
      repository: REPO,
      env: storageEnv(s3),
    });
    expect(run.code).toBe(1);
    expect(run.annotations.map((a) => a.props.title)).toContain('owner-mismatch');
    expect((await s3.objects()).size).toBe(0);
  });

  it("the registry's publish workflow publishes another repository under that repository's owner", async () => {
    const s3 = await startS3();
    const payload = {
      ...(await examplePayload('push.noaction.4.json')),
      repository: { full_name: 'os-team/registry', default_branch: 'master' },
    };
    const run = await runBundle({
      workspace: await dataset(VALID),
      event: 'workflow_dispatch',
      payload,
      repository: 'os-team/registry',
      inputs: { mode: 'publish', repository: REPO },
      env: storageEnv(s3),
    });
    expect(run.code).toBe(0);
    expect(run.outputs.url).toContain('/datasets/codertocat/hello-world/datapackage.json');
  });

  it('credentials given as inputs are masked before anything is logged', async () => {
    const s3 = await startS3();
    const run = await runBundle({
      workspace: await dataset(VALID),
      event: 'push',
      payload: await examplePayload('push.noaction.4.json'),
      repository: REPO,
      inputs: { bucket: s3.bucket, endpoint: s3.endpoint, 'access-key-id': 'S3RVER', 'secret-access-key': 'not-checked-by-s3rver' },
    });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'));
    expect(lines.slice(0, firstOther)).toEqual(expect.arrayContaining(['::add-mask::not-checked-by-s3rver', '::add-mask::S3RVER']));
  });

  it('a push to another branch only validates', async () => {
    const s3 = await startS3();
    const payload = { ...(await examplePayload('push.noaction.4.json')), ref: 'refs/heads/feature' };
    const run = await runBundle({ workspace: await dataset(VALID), event: 'push', payload, repository: REPO, env: storageEnv(s3) });
    expect(run.code).toBe(0);
    expect(run.outputs['published-version']).toBe('');
    expect((await s3.objects()).size).toBe(0);
  });

  it.skipIf(!hasGitLfs)(needsLfs('a checkout without LFS content gets the objects itself and publishes the real data'), async () => {
    const s3 = await startS3();
    const origin = await gitdir({ 'datapackage.json': descriptor(), 'data/spending.csv': VALID }, { lfs: ['data/*.csv'] });
    const remote = await bareRemote();
    await push(origin, remote);
    const checkout = await clone(remote, { smudge: false });
    expect(await readFile(`${checkout}/data/spending.csv`, 'utf8')).toMatch(/^version https:\/\/git-lfs/);
    const run = await runBundle({
      workspace: checkout,
      event: 'push',
      payload: await examplePayload('push.noaction.4.json'),
      repository: REPO,
      env: storageEnv(s3),
    });
    expect(run.code).toBe(0);
    expect((await s3.objects()).get('datasets/codertocat/hello-world/data/spending.csv')?.toString()).toBe(VALID);
  });
});

describe('the Action without the data', () => {
  it.skipIf(!hasGitLfs)(needsLfs('LFS content that cannot be fetched fails with the one-line fix'), async () => {
    const origin = await gitdir({ 'datapackage.json': descriptor(), 'data/spending.csv': VALID }, { lfs: ['data/*.csv'] });
    const remote = await bareRemote();
    await push(origin, remote);
    const checkout = await clone(remote, { smudge: false });
    // The objects exist nowhere the Action can reach: not in the checkout, not on the remote.
    const { rm } = await import('node:fs/promises');
    await rm(`${remote}/lfs`, { recursive: true, force: true });
    const run = await runBundle({
      workspace: checkout,
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
    });
    expect(run.code).toBe(1);
    const lfs = run.annotations.find((a) => a.props.title === 'lfs-error');
    expect(lfs?.message).toMatch(/lfs: true/);
  });
});

describe('the Action with bad inputs', () => {
  it.each([
    [{ strict: 'yes' }, 'input "strict" must be true or false (got "yes").'],
    [{ mode: 'deploy' }, 'input "mode" must be one of auto, validate, publish (got "deploy").'],
    [{ 'max-annotations': 'many' }, 'input "max-annotations" must be a whole number (got "many").'],
    [{ path: '../elsewhere' }, 'input "path" must be a folder inside the repository (got "../elsewhere").'],
  ])('%j fails the step with one clear message', async (inputs, message) => {
    const run = await runBundle({
      workspace: await dataset(VALID),
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
      inputs,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`::error::${message}`);
    expect(run.stdout).not.toMatch(/\n\s+at /);
  });

  it('publishing without a bucket says what to set', async () => {
    const run = await runBundle({
      workspace: await dataset(VALID),
      event: 'push',
      payload: await examplePayload('push.noaction.4.json'),
      repository: REPO,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('publishing needs a bucket');
  });

  it('a later commit on the same checkout is validated at that commit', async () => {
    const dir = await dataset(VALID);
    await commitFiles(dir, { 'data/spending.csv': INVALID });
    const run = await runBundle({
      workspace: dir,
      event: 'pull_request',
      payload: await examplePayload('pull_request.synchronize.22.json'),
      repository: REPO,
    });
    expect(run.code).toBe(1);
    expect(run.outputs['error-count']).toBe('1');
  });
});

describe('the Action and the check run', () => {
  it('workflow annotations stop at max-annotations; the check run carries every problem, in batches of 50', async () => {
    const { startFakeGitHub } = await import('../support/github-server.ts');
    const github = await startFakeGitHub();
    github.addRepo({ owner: 'Codertocat', name: 'Hello-World' });
    const rows = Array.from({ length: 120 }, (_, i) => `${i + 1},row,bad${i}`).join('\n');
    const payload = await examplePayload('pull_request.opened.0.json');
    // GitHub only takes check runs for commits it has: the PR head must exist there.
    const head = github.commit('Codertocat/Hello-World', 'feature', { 'README.md': 'hello' }, 'the PR head');
    (payload.pull_request as { head: { sha: string } }).head.sha = head;
    const run = await runBundle({
      workspace: await dataset(`id,note,amount\n${rows}\n`),
      event: 'pull_request',
      payload,
      repository: REPO,
      inputs: { 'max-annotations': '10', token: github.token },
      env: { GITHUB_API_URL: github.url },
    });
    expect(run.code).toBe(1);
    expect(run.annotations).toHaveLength(10);
    expect(run.outputs['error-count']).toBe('120');
    const [check] = github.checkRuns('Codertocat/Hello-World');
    expect(check).toMatchObject({ name: 'os-datastore', status: 'completed', conclusion: 'failure' });
    expect(check!.headSha).toBe((payload.pull_request as { head: { sha: string } }).head.sha);
    expect(check!.annotations).toHaveLength(120);
    expect(check!.annotations[119]).toMatchObject({
      path: 'data/spending.csv',
      start_line: 121,
      annotation_level: 'failure',
      title: 'type-error',
    });
    const checkRequests = github.requests.filter((r) => r.path.includes('/check-runs'));
    expect(checkRequests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH', 'PATCH']);
    github.assertNoViolations();
  });

  it('a token that may not write checks (a fork) is not an error: the step still reports', async () => {
    const { startFakeGitHub } = await import('../support/github-server.ts');
    const github = await startFakeGitHub();
    github.addRepo({ owner: 'Codertocat', name: 'Hello-World' });
    github.inject({ method: 'POST', path: /check-runs/, status: 403 });
    const run = await runBundle({
      workspace: await dataset(VALID),
      event: 'pull_request',
      payload: await examplePayload('pull_request.opened.0.json'),
      repository: REPO,
      inputs: { token: github.token },
      env: { GITHUB_API_URL: github.url },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no check run: the token may not write checks');
    expect(github.checkRuns('Codertocat/Hello-World')).toHaveLength(0);
  });
});

describe('the Action never reads outside the dataset', () => {
  /** A valid dataset outside the checkout whose one row holds a unique marker. */
  async function outside(): Promise<{ dir: string; marker: string }> {
    const marker = `MARKER-${randomUUID()}`;
    const dir = await testdir({ 'ds/datapackage.json': descriptor(), 'ds/data/spending.csv': `id,note,amount\n1,${marker},1\n` });
    return { dir, marker };
  }
  /** Everything the step left for anyone to see: logs, annotations, summary, outputs and the report file. */
  async function shown(run: ActionRun): Promise<string> {
    const report = run.outputs.report ? await readFile(run.outputs.report, 'utf8').catch(() => '') : '';
    return [run.stdout, run.stderr, run.summary, JSON.stringify(run.annotations), JSON.stringify(run.outputs), report].join('\n');
  }
  const pr = async () => ({ event: 'pull_request', payload: await examplePayload('pull_request.opened.0.json'), repository: REPO });
  const push = async () => ({ event: 'push', payload: await examplePayload('push.noaction.4.json'), repository: REPO });

  it.each([
    ['validate mode on a pull request', 'validate', pr],
    ['a push to the default branch (publish)', 'auto', push],
  ])(
    'path: ds, a committed symlink to a folder outside the checkout — %s: refused, nothing read or written',
    async (_case, mode, event) => {
      const s3 = await startS3();
      const away = await outside();
      const workspace = await gitdir({ 'README.md': 'hello\n', ds: { symlink: join(away.dir, 'ds') } });
      const run = await runBundle({ workspace, ...(await event()), inputs: { path: 'ds', mode }, env: storageEnv(s3) });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        '::error::input "path" is "ds", and "ds" in the workspace is a symlink; the dataset is read from real folders only: commit the folder itself, or set "path" to the real folder',
      );
      expect(run.stdout).not.toMatch(/\n\s+at /);
      expect(run.annotations).toEqual([]);
      expect(await shown(run)).not.toContain(away.marker);
      expect((await s3.objects()).size).toBe(0);
    },
  );

  it('a symlink in a folder above the dataset (path: data/ds, data a link) is refused by name', async () => {
    const s3 = await startS3();
    const away = await outside();
    const workspace = await gitdir({ 'README.md': 'hello\n', data: { symlink: away.dir } });
    const run = await runBundle({ workspace, ...(await push()), inputs: { path: 'data/ds' }, env: storageEnv(s3) });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::input "path" is "data/ds", and "data" in the workspace is a symlink');
    expect(await shown(run)).not.toContain(away.marker);
    expect((await s3.objects()).size).toBe(0);
  });

  it('a git checkout that git cannot read fails the step: the files on disk are not published instead', async () => {
    const s3 = await startS3();
    const marker = `MARKER-${randomUUID()}`;
    // A checkout whose .git points at a git directory that is gone: git says "not a git repository".
    const workspace = await testdir({
      '.git': 'gitdir: /nonexistent/osds-gone.git\n',
      'datapackage.json': descriptor(),
      'data/spending.csv': `id,note,amount\n1,${marker},1\n`,
    });
    const run = await runBundle({ workspace, ...(await push()), env: storageEnv(s3) });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::.* is not in a git working tree \(fatal: not a git repository: .*\); give a folder of a git checkout/,
    );
    expect(run.summary).toBe('');
    expect(await shown(run)).not.toContain(marker);
    expect((await s3.objects()).size).toBe(0);
  });

  it("a workspace reached through a symlink (the runner's own) is fine: links are refused from the workspace down", async () => {
    const checkout = await dataset(VALID);
    const links = await testdir();
    await symlink(checkout, join(links, 'workspace'));
    const run = await runBundle({ workspace: join(links, 'workspace'), ...(await pr()) });
    expect(run.code).toBe(0);
    expect(run.outputs.valid).toBe('true');
  });

  it('a workspace that is not a git checkout at all is read as a plain folder', async () => {
    const workspace = await testdir({ 'datapackage.json': descriptor(), 'data/spending.csv': VALID });
    const run = await runBundle({ workspace, ...(await pr()) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('. is not in a git checkout: read as a plain folder');
    expect(run.outputs.valid).toBe('true');
  });
});
