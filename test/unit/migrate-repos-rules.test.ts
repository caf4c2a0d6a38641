/** `--create-repos`' pure parts: the size flag, the literal .gitattributes patterns, and ORG as every dataset's owner. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { attributePattern } from '../../src/adapters/git/package-repo.ts';
import { chooseOwner } from '../../src/migrate/owner.ts';
import { MIGRATE_DEFAULTS, parseMigrateEnv } from '../../src/config/migrate.ts';

describe('the LFS threshold (--lfs-threshold, OS_MIGRATE_LFS_THRESHOLD)', () => {
  const threshold = (text: string, flag?: string) =>
    parseMigrateEnv({ OS_MIGRATE_LFS_THRESHOLD: text }, flag === undefined ? {} : { lfsThreshold: flag });
  it.each([
    ['0', 0],
    ['1048576', 1048576],
    ['500k', 512000],
    ['10M', 10485760],
    ['10MiB', 10485760],
    ['1.5g', 1610612736],
    [' 20 KiB ', 20480],
    ['20 kB', 20000],
  ])('%j is %d bytes', (text, bytes) => {
    expect(threshold(text)).toMatchObject({ config: { lfsThreshold: bytes }, problems: [] });
  });
  it.each(['ten', '-1', '10T', '1e6'])('%j is refused, naming the variable', (text) => {
    const { problems } = threshold(text);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^OS_MIGRATE_LFS_THRESHOLD must be a size in bytes/)]);
  });
  it('the flag wins and is named as typed', () => {
    expect(threshold('1k', '2k').config.lfsThreshold).toBe(2048);
    expect(threshold('1k', 'big').problems.map((p) => p.message)).toEqual([expect.stringMatching(/^--lfs-threshold must be/)]);
  });
  it('defaults to 10 MiB (unset or empty)', () => {
    expect(MIGRATE_DEFAULTS.lfsThreshold).toBe(10 * 1024 * 1024);
    expect(parseMigrateEnv({}).config.lfsThreshold).toBe(10 * 1024 * 1024);
    expect(threshold('').config.lfsThreshold).toBe(10 * 1024 * 1024);
  });
});

describe('attributePattern', () => {
  it('makes each path a literal pattern, as git lfs track --filename does', () => {
    expect(attributePattern('data/2156.csv')).toBe('data/2156.csv');
    expect(attributePattern('data/a b*[1]?.csv')).toBe('data/a[[:space:]]b\\*\\[1\\]\\?.csv');
    expect(attributePattern('archive/#1!.csv')).toBe('archive/\\#1\\!.csv');
  });
});

describe('chooseOwner with --create-repos ORG', () => {
  it('makes ORG the owner and every manager a contributor, whatever the other rules say', () => {
    const c = chooseOwner({
      dataset: 'cra',
      managers: ['tryggvib', 'john_doe'],
      sources: [{ creator: 'tryggvib', loaded: true }],
      map: { datasets: { cra: 'someone' }, accounts: {} },
      coreOrg: 'os-data',
      org: 'os-archive',
    });
    expect(c).toMatchObject({ owner: 'os-archive', rule: '--create-repos', contributors: ['john-doe', 'tryggvib'] });
  });
});

describe('examples/workflows/migrate.yml with create_repos', () => {
  it('passes --create-repos and the App to every shard, and leaves the registry to them', async () => {
    const wf = parse(await readFile(new URL('../../examples/workflows/migrate.yml', import.meta.url), 'utf8'));
    expect(wf.on.workflow_dispatch.inputs.create_repos).toMatchObject({ required: false, default: '' });
    const step = wf.jobs.migrate.steps.find((s: { run?: string }) => s.run?.includes('migrate dump'));
    expect(step.run).toContain('repos="--create-repos $CREATE_REPOS"');
    expect(step.run).toMatch(/--publish \$map \$repos$/m);
    expect(step.env).toMatchObject({
      CREATE_REPOS: '${{ inputs.create_repos }}',
      APP_ID: "${{ inputs.create_repos != '' && vars.APP_ID || '' }}",
      REGISTRY_REPO: '${{ github.repository }}',
    });
    expect(wf.jobs.register.if).toBe("always() && inputs.create_repos == ''");
  });
});
