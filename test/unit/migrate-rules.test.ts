/** The pure rules of the migration: shards, the owner rule, and the matrix workflow that uses shards. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { blankLineFilter } from '../../src/migrate/files.ts';
import { chooseOwner, parseOwnerMap } from '../../src/migrate/owner.ts';
import { parseShard, shardOf } from '../../src/migrate/shard.ts';

describe('--shard K/N', () => {
  it('parses K/N and refuses anything else', () => {
    expect(parseShard('2/8')).toEqual({ k: 2, n: 8 });
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '1', '1/2/3', '1/1001']) expect(typeof parseShard(bad)).toBe('string');
  });
  it('puts each name in exactly one shard, the same in every run, spread over the shards', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `dataset-${i}`);
    const counts = new Map<number, number>();
    for (const n of names) {
      const s = shardOf(n, 8);
      expect(s).toBeGreaterThanOrEqual(1);
      expect(s).toBeLessThanOrEqual(8);
      expect(shardOf(n, 8)).toBe(s);
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect(counts.size).toBe(8);
    for (const c of counts.values()) expect(c).toBeGreaterThan(150); // 250 expected each
    // Known values: a change of the rule would move datasets between the jobs of a running matrix.
    expect([shardOf('tekjur-rikissjods', 4), shardOf('bosnia-herzegovina', 4), shardOf('no_data_at_all', 4)]).toEqual([3, 4, 1]);
  });
});

describe('the owner rule', () => {
  const core = 'os-data';
  it('--owner, then the map, then the earliest loaded source creator, then the first manager sorted, then the core org', () => {
    expect(chooseOwner({ dataset: 'x', managers: ['b', 'a'], explicit: 'me', coreOrg: core })).toMatchObject({
      owner: 'me',
      rule: '--owner',
      contributors: ['a', 'b'],
    });
    expect(chooseOwner({ dataset: 'x', managers: ['b', 'a'], map: { datasets: { x: 'org' }, accounts: {} }, coreOrg: core })).toMatchObject(
      { owner: 'org', rule: '--owner-map' },
    );
    const sources = [
      { creator: 'b', loaded: true, createdAt: '2013-02-01' },
      { creator: 'a', loaded: false, createdAt: '2012-01-01' },
      { creator: 'z', loaded: true, createdAt: '2011-01-01' }, // not a manager
    ];
    expect(chooseOwner({ dataset: 'x', managers: ['b', 'a'], sources, coreOrg: core })).toMatchObject({
      owner: 'b',
      rule: 'the creator of the earliest loaded source',
      contributors: ['a'],
    });
    expect(chooseOwner({ dataset: 'x', managers: ['tryggvib', 'Sunbless'], coreOrg: core })).toMatchObject({
      owner: 'Sunbless',
      contributors: ['tryggvib'],
    });
    expect(chooseOwner({ dataset: 'x', managers: [], coreOrg: core })).toMatchObject({
      owner: 'os-data',
      rule: 'no team: the core organization',
      contributors: [],
    });
  });
  it('legacy logins become GitHub logins through the map, or are made one with a warning', () => {
    const map = parseOwnerMap({ accounts: { 'old.user': 'new-user' } }, 'map.json');
    expect(chooseOwner({ dataset: 'x', managers: ['old.user'], map, coreOrg: core })).toMatchObject({ owner: 'new-user', warnings: [] });
    const made = chooseOwner({ dataset: 'x', managers: ['john_doe'], coreOrg: core });
    expect(made.owner).toBe('john-doe');
    expect(made.warnings[0]!.message).toMatch(/"john_doe" is no GitHub login; "john-doe" is used/);
    expect(() => parseOwnerMap({ datasets: { x: 'not a login!' } }, 'map.json')).toThrow(
      /map\.json: datasets\.x is "not a login!", not a GitHub login/,
    );
    expect(parseOwnerMap({ cra: 'os-data' }, 'flat.json')).toEqual({ datasets: { cra: 'os-data' }, accounts: {} });
  });
});

describe('examples/workflows/migrate.yml', () => {
  it('runs one job per shard, each with --shard K/N where N is the matrix size, and lists the packages once', async () => {
    const wf = parse(await readFile(new URL('../../examples/workflows/migrate.yml', import.meta.url), 'utf8'));
    const shards: number[] = wf.jobs.migrate.strategy.matrix.shard;
    const run = wf.jobs.migrate.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(run).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    expect(run).toContain('--publish');
    expect(wf.jobs.register.needs).toBe('migrate');
    expect(wf.jobs.register.steps.map((s: { run?: string }) => s.run ?? '').join('\n')).toMatch(
      /migrate dump --out out --registry registry/,
    );
  });
});

describe('blank lines left out of a copied source', () => {
  const cases: Array<[string, string, number]> = [
    ['a,b\n1,2\n\n', 'a,b\n1,2\n', 1],
    ['a,b\r\n1,2\r\n\r\n3,4\r\n', 'a,b\r\n1,2\r\n3,4\r\n', 1],
    ['a,b\n"x\n\ny",2\n\n\n', 'a,b\n"x\n\ny",2\n', 2], // empty lines inside a quoted cell are data
    ['a\r\rb\r', 'a\rb\r', 1],
    ['a,b\n1,2', 'a,b\n1,2', 0],
  ];
  for (const [input, output, dropped] of cases) {
    it(`${JSON.stringify(input)} in chunks split anywhere`, () => {
      for (let k = 0; k <= input.length; k++) {
        const f = blankLineFilter();
        expect(f.push(input.slice(0, k)) + f.push(input.slice(k))).toBe(output);
        expect(f.dropped).toBe(dropped);
      }
    });
  }
});
