/**
 * The validation cache from the CLI (a child process, as users run it): `validate` keeps results
 * under `.os-datastore/cache` of the working directory and gives the same report from them;
 * `--no-cache` keeps nothing; `--cache-from` takes a public bucket URL and refuses anything else
 * with a usage error (exit 2).
 */
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.ts';
import { testdir } from '../support/tmp.ts';

const entries = async (cwd: string): Promise<string[]> => {
  try {
    return (await readdir(join(cwd, '.os-datastore/cache'))).filter((f) => /^[0-9a-f]{64}\.json$/.test(f));
  } catch {
    return [];
  }
};
const timeless = (stdout: string): unknown => {
  const r = JSON.parse(stdout) as { stats: { seconds: number } };
  r.stats.seconds = 0;
  return r;
};

describe('validate with the cache', () => {
  it('keeps results under .os-datastore/cache of the working directory, and reports the same from them', async () => {
    const cwd = await testdir();
    const pkg = join(cwd, 'budget');
    await cp(join(ROOT, 'examples/city-budget'), pkg, { recursive: true });
    const first = await runCli(['validate', '--json', pkg], { cwd });
    expect(first.code).toBe(0);
    expect(await entries(cwd)).toHaveLength(3);
    const second = await runCli(['validate', '--json', pkg], { cwd });
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expect(timeless(second.stdout)).toEqual(timeless(first.stdout));
    // With aggregates: results of another kind (with sums), kept beside the others.
    const out = join(cwd, 'aggregates');
    expect((await runCli(['validate', '--aggregates', out, pkg], { cwd })).code).toBe(0);
    expect(await entries(cwd)).toHaveLength(6);
  });

  it('--no-cache keeps nothing', async () => {
    const cwd = await testdir();
    const run = await runCli(['validate', '--no-cache', '--json', join(ROOT, 'examples/city-budget')], { cwd });
    expect(run.code).toBe(0);
    expect(await entries(cwd)).toEqual([]);
  });

  it('--cache-from takes a public http(s) URL only', async () => {
    const cwd = await testdir();
    const run = await runCli(['validate', '--no-cache', '--cache-from', 's3://bucket/prefix', join(ROOT, 'examples/city-budget')], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--cache-from must be the public http(s) URL of a bucket');
  });
});
