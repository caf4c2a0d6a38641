/**
 * The local GitHub server's repository creation (`POST /orgs/{org}/repos`) and its bare
 * repositories on disk: what a real `git push` puts there is served through the REST API.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { git } from '../support/git.ts';
import { startFakeGitHub } from '../support/github-server.ts';
import { testdir } from '../support/tmp.ts';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('fake GitHub: POST /orgs/{org}/repos', () => {
  it('creates a repository as GitHub answers it, and refuses as GitHub refuses', async () => {
    const fake = await startFakeGitHub();
    fake.account('os-archive', 'Organization');
    fake.account('someone', 'User');
    const octokit = new Octokit({ baseUrl: fake.url, auth: fake.token, log: quiet });
    const { status, data } = await octokit.rest.repos.createInOrg({ org: 'os-archive', name: 'budget', description: 'A budget' });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      name: 'budget',
      full_name: 'os-archive/budget',
      private: false,
      description: 'A budget',
      default_branch: 'main',
    });
    expect(fake.getRepo('os-archive/budget').id).toBe(data.id);
    const refused = async (p: Promise<unknown>): Promise<[number, string]> =>
      p.then(
        () => [0, ''],
        (e: { status: number; response: { data: { message: string } } }) => [e.status, e.response.data.message],
      );
    expect(await refused(octokit.rest.repos.createInOrg({ org: 'os-archive', name: 'budget' }))).toEqual([
      422,
      'Repository creation failed.',
    ]);
    expect(await refused(octokit.rest.repos.createInOrg({ org: 'nowhere', name: 'x' }))).toEqual([404, 'Not Found']);
    expect(await refused(octokit.rest.repos.createInOrg({ org: 'someone', name: 'x' }))).toEqual([404, 'Not Found']);
    // An installation needs Administration: write on that organization.
    const weak = fake.addInstallation({ account: 'os-archive', permissions: { metadata: 'read', contents: 'write' } });
    const asWeak = new Octokit({ baseUrl: fake.url, auth: fake.installationToken(weak), log: quiet });
    expect(await refused(asWeak.rest.repos.createInOrg({ org: 'os-archive', name: 'y' }))).toEqual([
      403,
      'Resource not accessible by integration',
    ]);
    const admin = fake.addInstallation({
      account: 'os-archive',
      permissions: { metadata: 'read', contents: 'write', administration: 'write' },
    });
    const asAdmin = new Octokit({ baseUrl: fake.url, auth: fake.installationToken(admin), log: quiet });
    expect((await asAdmin.rest.repos.createInOrg({ org: 'os-archive', name: 'y' })).status).toBe(201);
  });

  it('with gitRoot: clone_url is a bare repository on disk, and what git pushes there is served', async () => {
    const dir = await testdir();
    const fake = await startFakeGitHub({ gitRoot: join(dir, 'github') });
    fake.account('os-archive', 'Organization');
    const octokit = new Octokit({ baseUrl: fake.url, auth: fake.token, log: quiet });
    const { data } = await octokit.rest.repos.createInOrg({ org: 'os-archive', name: 'budget' });
    expect(data.clone_url).toBe(`file://${join(dir, 'github', 'os-archive', 'budget.git')}`);
    const work = join(dir, 'work');
    await git(dir, ['init', '-q', '-b', 'main', work]);
    await writeFile(join(work, 'datapackage.json'), '{"name": "budget"}\n');
    await git(work, ['add', '-A']);
    await git(work, ['commit', '-q', '-m', 'first']);
    await git(work, ['push', '-q', data.clone_url, 'main']);
    const head = await git(work, ['rev-parse', 'HEAD']);
    const ref = await octokit.rest.git.getRef({ owner: 'os-archive', repo: 'budget', ref: 'heads/main' });
    expect(ref.data.object.sha).toBe(head);
    const file = await octokit.rest.repos.getContent({ owner: 'os-archive', repo: 'budget', path: 'datapackage.json' });
    expect(Buffer.from((file.data as { content: string }).content, 'base64').toString()).toBe('{"name": "budget"}\n');
    expect(fake.log('os-archive/budget').map((c) => c.message)).toEqual(['first\n']);
  });
});
