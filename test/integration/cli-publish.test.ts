/** publish, prune and bucket init as users run them: the CLI in a child process, storage from the environment. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { gitdir } from '../support/git.ts';
import { startS3 } from '../support/s3.ts';
import { testdir } from '../support/tmp.ts';

/** The environment without the developer's storage settings: each test gives its own. */
const clean = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('OS_STORAGE') && !k.startsWith('OS_ACCESS') && !k.startsWith('OS_SECRET')),
);
const cli = (args: string[], env: Record<string, string>, cwd?: string) => runCli(args, { env, base: clean, ...(cwd ? { cwd } : {}) });

const dataset = () =>
  gitdir({
    'datapackage.json': {
      name: 'population',
      owner: 'someone',
      resources: [{ name: 'p', path: 'p.csv', schema: { fields: [{ name: 'region' }, { name: 'n', type: 'integer' }] } }],
    },
    'p.csv': 'region,n\nNorth,10\nSouth,20\n',
  });

const envFor = (s3: Awaited<ReturnType<typeof startS3>>, endpoint = s3.endpoint) => ({
  OS_STORAGE_BUCKET_NAME: s3.bucket,
  OS_STORAGE_ENDPOINT: endpoint,
  OS_ACCESS_KEY_ID: 'S3RVER',
  OS_SECRET_ACCESS_KEY: 'S3RVER',
});

describe('os-datastore publish', () => {
  it('publishes to the configured bucket, then finds nothing to do', async () => {
    const s3 = await startS3();
    const dir = await dataset();
    const first = await cli(['publish', dir, '--json'], envFor(s3));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout);
    expect(doc).toMatchObject({ status: 'published', owner: 'someone', name: 'population', prefix: 'datasets/someone/population/' });
    expect(doc.url).toBe(`${s3.endpoint}/${s3.bucket}/datasets/someone/population/datapackage.json`);
    expect((await s3.objects()).get('datasets/someone/population/p.csv')?.toString()).toBe('region,n\nNorth,10\nSouth,20\n');
    const again = await cli(['publish', dir], envFor(s3));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^unchanged: someone\/population @ [0-9a-f]{12} is already published/);
  });

  it('a dataset given by its datapackage.json in a git repository is published at its commit, like its folder (uncommitted changes never read)', async () => {
    const s3 = await startS3();
    const dir = await dataset();
    await writeFile(join(dir, 'p.csv'), 'region,n\nNorth,10\nSouth,20\nUncommitted,30\n');
    const r = await cli(['publish', join(dir, 'datapackage.json'), '--json'], envFor(s3));
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { commit: string };
    expect(doc.commit).toMatch(/^[0-9a-f]{40}$/);
    expect((await s3.objects()).get('datasets/someone/population/p.csv')?.toString()).toBe('region,n\nNorth,10\nSouth,20\n');
  });

  it('an unreachable store is one clear sentence and exit 2, with nothing half-done', async () => {
    const s3 = await startS3();
    const r = await cli(['publish', await dataset()], { ...envFor(s3), OS_STORAGE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/os-datastore: .*127\.0\.0\.1:9/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad storage setting names the variable', async () => {
    const s3 = await startS3();
    const r = await cli(['publish', await dataset()], { ...envFor(s3), OS_STORAGE_PATH_STYLE: 'yes' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OS_STORAGE_PATH_STYLE');
    // A bad flag is named as typed, and every bad setting is said at once.
    const flags = await cli(['publish', await dataset(), '--bucket', 's3://x', '--endpoint', 'localhost:9000'], {});
    expect(flags.code).toBe(2);
    expect(flags.stderr).toBe(
      'os-datastore: --bucket must be a bucket name of 3-63 lowercase letters, digits, dots or hyphens like "openspending-data" (got "s3://x"). --endpoint must be an http(s) URL like "http://127.0.0.1:9000" (got "localhost:9000").\n',
    );
  });

  it('with no bucket configured, uses the embedded store under .os-datastore/ in the current directory', async () => {
    const cwd = await testdir();
    const r = await cli(['publish', await dataset()], {}, cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('published: someone/population');
    expect(r.stdout).toContain('storage serve');
    expect(existsSync(join(cwd, '.os-datastore', 's3'))).toBe(true);
  });

  it('prune --dry-run says what it would remove; bucket init applies CORS and prints a least-privilege policy', async () => {
    const s3 = await startS3();
    await cli(['publish', await dataset()], envFor(s3));
    const prune = await cli(['prune', 'someone/population', '--keep', '1', '--dry-run', '--json'], envFor(s3));
    expect(prune.code).toBe(0);
    expect(JSON.parse(prune.stdout)).toMatchObject({ dryRun: true, removedVersions: [] });
    const init = await cli(['bucket', 'init', '--json'], envFor(s3));
    expect(init.code).toBe(0);
    const doc = JSON.parse(init.stdout);
    expect(doc.steps.find((s: { step: string }) => s.step === 'CORS').status).toMatch(/applied|already/);
    expect(doc.steps.find((s: { step: string }) => s.step === 'public-read policy').status).toBe('unsupported');
    const actions = doc.iamPolicy.Statement.flatMap((st: { Action: string | string[] }) => [st.Action].flat());
    expect(actions).toContain('s3:PutObject');
    expect(actions).not.toContain('s3:*');
  });
});
