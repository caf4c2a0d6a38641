/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents read back in assertions */
/**
 * `migrate DUMP --publish --create-repos ORG` against the local GitHub server (the CLI as a child
 * process, the App's configuration in its environment) and s3rver: one repository per dataset,
 * created through `POST /orgs/{org}/repos`, the package pushed by the real git and git-lfs, and
 * listed in the registry repository by the App's own registry writer with the real repository ids.
 *
 * What cannot run here: the fake GitHub speaks no git smart-HTTP, so a created repository's
 * `clone_url` is the file:// URL of a bare repository on disk (FakeGitHubOptions.gitRoot); the
 * push (and git-lfs's upload into its `lfs/objects`) goes there, and the fake reads what was
 * pushed into its REST API's object store.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { git, needsLfs } from '../support/git.ts';
import { startFakeGitHub, type FakeGitHub } from '../support/github-server.ts';
import { edgeCaseDump } from '../support/legacy-dump.ts';
import { startS3, type TestS3 } from '../support/s3.ts';
import { testdir } from '../support/tmp.ts';
import { registryTemplateFiles } from '../support/webhook.ts';

type Obj = Record<string, any>;
const CONVERTED = ['bosnia-herzegovina', 'tekjur-rikissjods', 'tunisia_budget', 'ukgov-finances-cra', 'uppgjor-rikissjods'];
const ORG = 'os-archive';
const REGISTRY = 'os-team/registry';
const ADMIN = { metadata: 'read', contents: 'write', administration: 'write' } as const;

const clean = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^(OS_STORAGE|OS_ACCESS|OS_SECRET|GITHUB_|APP_ID|PRIVATE_KEY|REGISTRY_|CORE_ORG|OS_MIGRATE)/.test(k),
  ),
);
const cli = (args: string[], env: Record<string, string>) => runCli(args, { env, base: clean });

interface World {
  fake: FakeGitHub;
  s3: TestS3;
  dir: string;
  dump: string;
  env: Record<string, string>;
  installation: number;
}

/** The fake GitHub with the registry repository, the App installed on it and on ORG (all repositories), s3rver and a dump. */
async function world(): Promise<World> {
  const dir = await testdir();
  const fake = await startFakeGitHub({ gitRoot: join(dir, 'github') });
  fake.addRepo({ owner: 'os-team', name: 'registry' });
  fake.commit(REGISTRY, 'main', registryTemplateFiles(), 'A registry from registry-template/');
  fake.addInstallation({ account: 'os-team', repos: [REGISTRY] });
  const installation = fake.addInstallation({ account: ORG, permissions: { ...ADMIN } });
  const s3 = await startS3();
  const dump = join(dir, 'dump');
  await edgeCaseDump(dump);
  const env = {
    APP_ID: String(fake.app.id),
    PRIVATE_KEY: fake.app.privateKeyPem,
    REGISTRY_REPO: REGISTRY,
    GITHUB_API_URL: fake.url,
    OS_STORAGE_BUCKET_NAME: s3.bucket,
    OS_STORAGE_ENDPOINT: s3.endpoint,
    OS_ACCESS_KEY_ID: 'S3RVER',
    OS_SECRET_ACCESS_KEY: 'S3RVER',
    OS_MIGRATE_LFS_THRESHOLD: '20k',
  };
  return { fake, s3, dir, dump, env, installation };
}

const byName = (report: Obj): Record<string, Obj> => Object.fromEntries(report.datasets.map((d: Obj) => [d.name, d]));

/** datasets.csv as objects. */
function registryRows(fake: FakeGitHub): Obj[] {
  const [head, ...lines] = fake.readFile(REGISTRY, 'main', 'data/datasets.csv')!.trimEnd().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

describe('migrate --create-repos ORG', () => {
  it(
    needsLfs('creates a repository per dataset (git-LFS over the threshold), lists each with its real id; a rerun creates nothing'),
    async () => {
      const { fake, s3, dir, dump, env, installation } = await world();
      const out = join(dir, 'out');
      const args = ['migrate', dump, '--out', out, '--publish', '--create-repos', ORG, '--json'];
      const run = await cli(args, { ...env, GITHUB_TOKEN: fake.installationToken(installation) });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1); // no_data_at_all fails (no data), as without --create-repos
      const d = byName(JSON.parse(run.stdout));
      for (const n of CONVERTED) {
        const repo = fake.getRepo(`${ORG}/${n}`);
        expect(d[n]!.owner, n).toBe(ORG);
        expect(d[n]!.publish, n).toMatchObject({
          status: 'published',
          registry: 'listed',
          repositoryId: repo.id,
          repository: { status: 'created', fullName: `${ORG}/${n}`, id: repo.id, commit: fake.headSha(repo.id) },
        });
        const files = fake.files(repo.id, 'main');
        expect(JSON.parse(files['datapackage.json']!)).toMatchObject({ name: n.toLowerCase(), owner: ORG });
        expect(files['migration-report.json'], n).toBeDefined();
      }
      // The big CSV is an LFS pointer in git, its bytes in the LFS store; the small ones are plain files.
      const tekjur = fake.files(`${ORG}/tekjur-rikissjods`, 'main');
      const csv = await readFile(join(out, 'tekjur-rikissjods/data/2156.csv'));
      const oid = createHash('sha256').update(csv).digest('hex');
      expect(tekjur['data/2156.csv']).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${csv.length}\n`);
      expect(tekjur['.gitattributes']).toMatch(/^data\/2156\.csv filter=lfs diff=lfs merge=lfs -text$/m);
      const stored = await readFile(
        join(dir, 'github', ORG, 'tekjur-rikissjods.git', 'lfs/objects', oid.slice(0, 2), oid.slice(2, 4), oid),
      );
      expect(stored.equals(csv)).toBe(true);
      const small = fake.files(`${ORG}/uppgjor-rikissjods`, 'main');
      expect(small['data/3003.csv']).toBe(await readFile(join(out, 'uppgjor-rikissjods/data/3003.csv'), 'utf8'));
      expect(small['.gitattributes']).toBeUndefined();
      // Published under the organization.
      expect([...(await s3.objects()).keys()]).toEqual(
        expect.arrayContaining([
          `datasets/${ORG}/tekjur-rikissjods/datapackage.json`,
          `datasets/${ORG}/tunisia_budget/aggregates/summary.json`,
        ]),
      );
      // The registry: one published row per dataset, keyed by the real repository id, in one commit.
      const rows = registryRows(fake);
      expect(rows.map((r) => [Number(r.repository_id), r.owner, r.name, r.status]).sort()).toEqual(
        CONVERTED.map((n) => [fake.getRepo(`${ORG}/${n}`).id, ORG, n.toLowerCase(), 'published']).sort(),
      );
      const registryHead = fake.headSha(REGISTRY);
      expect(fake.log(REGISTRY)).toHaveLength(2);

      // A rerun: nothing created or pushed, the registry unchanged.
      const before = fake.requests.length;
      const again = await cli(args, { ...env, GITHUB_TOKEN: fake.installationToken(installation) });
      expect(again.stderr).toBe('');
      const d2 = byName(JSON.parse(again.stdout));
      for (const n of CONVERTED) {
        expect(d2[n]!.reason).toBe('resumed');
        expect(d2[n]!.publish, n).toMatchObject({ registry: 'listed (unchanged)', repository: { status: 'reused' } });
      }
      expect(fake.requests.slice(before).filter((r) => r.method !== 'GET' && !r.path.endsWith('/access_tokens'))).toEqual([]);
      expect(fake.headSha(REGISTRY)).toBe(registryHead);

      // The App's own reconcile agrees with what migrate listed.
      const reconcile = await cli(['reconcile'], env);
      expect(reconcile.stdout).toMatch(/^os-team\/registry is up to date/);
    },
    180_000,
  );

  it(
    needsLfs(
      'two shards at once list the same registry as one run, one commit each (the writer re-reads and retries when the branch moved)',
    ),
    async () => {
      const one = await world();
      // The single run creates the repositories with the App's own installation on ORG (no GITHUB_TOKEN).
      const single = await cli(['migrate', one.dump, '--out', join(one.dir, 'out'), '--publish', '--create-repos', ORG, '--json'], one.env);
      expect(single.code).toBe(1);
      for (const d of JSON.parse(single.stdout).datasets.filter((x: Obj) => x.status === 'converted'))
        expect(d.publish.repository.status).toBe('created');
      expect(
        one.fake.requests
          .filter((r) => r.method === 'POST' && r.path === `/orgs/${ORG}/repos`)
          .map((r) => [r.auth, r.installationId, r.status]),
      ).toEqual(CONVERTED.map(() => ['installation', one.installation, 201]));
      const two = await world();
      // The first ref update is refused as GitHub refuses one that lost a race: that shard's writer
      // must re-read the registry and try again.
      const refPath = /^\/repos\/os-team\/registry\/git\/refs\/heads\/main$/;
      two.fake.inject({
        method: 'PATCH',
        path: refPath,
        status: 422,
        body: {
          message: 'Update is not a fast forward',
          documentation_url: 'https://docs.github.com/rest/git/refs#update-a-reference',
          status: '422',
        },
      });
      const shards = await Promise.all(
        ['1/2', '2/2'].map((k) =>
          cli(['migrate', two.dump, '--out', join(two.dir, 'out'), '--publish', '--create-repos', ORG, '--shard', k, '--json'], {
            ...two.env,
            GITHUB_TOKEN: two.fake.installationToken(two.installation),
          }),
        ),
      );
      const names = shards.flatMap((s) =>
        JSON.parse(s.stdout)
          .datasets.filter((x: Obj) => x.status === 'converted')
          .map((x: Obj) => x.name),
      );
      expect(names.sort()).toEqual(CONVERTED);
      const view = (w: World): Obj[] =>
        registryRows(w.fake)
          // The repository ids and commits are each fake's own (the commits hold the time they were made).
          .map(({ updated: _u, repository_id, last_commit, ...rest }) => {
            expect(Number(repository_id)).toBe(w.fake.getRepo(`${rest.owner}/${rest.name}`).id);
            expect(last_commit).toBe(w.fake.headSha(`${rest.owner}/${rest.name}`));
            return rest;
          })
          .sort((a, b) => (a.name < b.name ? -1 : 1));
      expect(view(two)).toEqual(view(one));
      expect(view(two)).toHaveLength(CONVERTED.length);
      const updates = two.fake.requests.filter((r) => r.method === 'PATCH' && refPath.test(r.path)).map((r) => r.status);
      // The injected refusal first; then one success per shard (and a real lost race when the shards' writes crossed).
      expect(updates[0]).toBe(422);
      expect(updates.filter((s) => s === 200)).toHaveLength(2);
      expect(updates.every((s) => s === 200 || s === 422)).toBe(true);
      expect(two.fake.log(REGISTRY)).toHaveLength(3); // the template and one commit per shard
    },
    240_000,
  );

  it(
    needsLfs('fails per dataset, saying what to do: org missing, no permission, a name taken by another repository'),
    async () => {
      const { fake, dir, dump, env, installation } = await world();
      // A repository of one dataset's name that holds something else (made through the API and
      // pushed to with git, as someone else would have): left alone.
      const made = await fetch(`${fake.url}/orgs/${ORG}/repos`, {
        method: 'POST',
        headers: { authorization: `token ${fake.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'tunisia_budget' }),
      });
      expect(made.status).toBe(201);
      const cloneUrl = ((await made.json()) as { clone_url: string }).clone_url;
      const theirsDir = await testdir();
      await git(theirsDir, ['init', '-q', '-b', 'main']);
      await writeFile(join(theirsDir, 'README.md'), 'not a migrated dataset\n');
      await git(theirsDir, ['add', '-A']);
      await git(theirsDir, ['commit', '-q', '-m', 'theirs']);
      await git(theirsDir, ['push', '-q', cloneUrl, 'main']);
      const theirs = fake.headSha(`${ORG}/tunisia_budget`);
      expect(theirs).toMatch(/^[0-9a-f]{40}$/);
      const taken = await cli(['migrate', dump, '--out', join(dir, 'a'), '--publish', '--create-repos', ORG, '--json'], {
        ...env,
        GITHUB_TOKEN: fake.installationToken(installation),
      });
      expect(taken.code).toBe(1);
      const t = byName(JSON.parse(taken.stdout));
      expect(t['tunisia_budget']!.publish).toEqual({
        status: 'failed',
        error: `os-archive/tunisia_budget exists and holds something else than this package (its main branch at ${theirs!.slice(0, 12)} never held it); it is left as it is. Rename or delete https://github.com/os-archive/tunisia_budget, or rename the dataset, and run again.`,
      });
      expect(fake.headSha(`${ORG}/tunisia_budget`)).toBe(theirs);
      expect(t['tekjur-rikissjods']!.publish).toMatchObject({ status: 'published', registry: 'listed', repository: { status: 'created' } });
      expect(registryRows(fake).map((r) => r.name)).not.toContain('tunisia_budget');

      // An organization GitHub does not have.
      const missing = await cli(['migrate', dump, '--out', join(dir, 'b'), '--publish', '--create-repos', 'no-such-org', '--json'], {
        ...env,
        GITHUB_TOKEN: fake.token,
      });
      expect(missing.code).toBe(1);
      for (const d of JSON.parse(missing.stdout).datasets.filter((x: Obj) => x.status === 'converted'))
        expect(d.publish.error).toBe(
          '--create-repos no-such-org: GitHub has no organization no-such-org (or the token cannot see it). Check the organization name, and that the token (GITHUB_TOKEN, or the App installed there) belongs to it.',
        );

      // A token without Administration: write.
      const weak = fake.addInstallation({ account: 'os-weak', permissions: { metadata: 'read', contents: 'write' } });
      const forbidden = await cli(['migrate', dump, '--out', join(dir, 'c'), '--publish', '--create-repos', 'os-weak', '--json'], {
        ...env,
        GITHUB_TOKEN: fake.installationToken(weak),
      });
      expect(forbidden.code).toBe(1);
      const f = JSON.parse(forbidden.stdout).datasets.find((x: Obj) => x.name === 'tekjur-rikissjods');
      expect(f.publish.status).toBe('failed');
      expect(f.publish.error).toMatch(
        /^--create-repos os-weak: GitHub refused to create os-weak\/tekjur-rikissjods \(403: Resource not accessible by integration\)\. .*"Administration: write"/,
      );
      expect(() => fake.getRepo('os-weak/tekjur-rikissjods')).toThrow(/no repository/);
    },
    240_000,
  );

  it('without --create-repos the GitHub registry needs the repositories: a clear error for each; --dry-run creates nothing', async () => {
    const { fake, dir, dump, env } = await world();
    const run = await cli(['migrate', dump, '--out', join(dir, 'out'), '--publish', '--json'], env);
    expect(run.code).toBe(1);
    const d = byName(JSON.parse(run.stdout));
    expect(d['tekjur-rikissjods']!.publish).toMatchObject({
      status: 'failed',
      registry: 'not listed',
      error:
        'the GitHub registry lists repositories, and tryggvib/tekjur-rikissjods does not exist: give --create-repos ORG to create it, or push the package there first',
    });
    expect(registryRows(fake)).toEqual([]);

    const before = fake.requests.length;
    const dry = await cli(['migrate', dump, '--out', join(dir, 'dry'), '--publish', '--create-repos', ORG, '--dry-run'], {
      ...env,
      GITHUB_TOKEN: fake.token,
    });
    expect(dry.code).toBe(1); // no_data_at_all cannot be converted, dry run or not
    expect(dry.stdout).toMatch(/tekjur-rikissjods +planned .*would create os-archive\/tekjur-rikissjods and push the package/);
    expect(fake.requests.length).toBe(before);
  }, 120_000);
});
