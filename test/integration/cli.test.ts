/** The CLI as users run it: a child process, its exit code, stdout and stderr. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { testdir } from '../support/tmp.ts';

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

const broken = () =>
  testdir({
    'datapackage.json': {
      name: 'broken',
      resources: [{ name: 'data', path: 'data.csv', schema: { fields: [{ name: 'id', type: 'integer' }] } }],
    },
    'data.csv': 'id\n1\nx\n',
  });

describe('os-datastore validate', () => {
  it('exits 0 on the examples and prints a report per package', async () => {
    const r = await cli(['validate', 'examples']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('examples/city-budget/datapackage.json (OpenSpending Data Package): valid');
    expect(r.stdout).toContain('examples/regional-population/datapackage.json (Tabular Data Package): valid');
    expect(r.stdout).toContain('2 of 2 packages valid');
  });

  it('exits 1 on an invalid package, with file:line locations', async () => {
    const dir = await broken();
    const r = await cli(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${dir}/data.csv:3`);
    expect(r.stdout).toMatch(/type-error/);
    expect(r.stdout).not.toContain('\u001b['); // NO_COLOR
  });

  it('--json prints exactly one JSON document with the report fields', async () => {
    const r = await cli(['validate', await broken(), '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['valid', 'errors', 'warnings', 'stats', 'resources']));
    expect(doc.valid).toBe(false);
    expect(doc.stats).toMatchObject({ resources: 1, rows: 2, errors: 1, warnings: 0 });
    expect(doc.resources[0]).toMatchObject({ name: 'data', path: 'data.csv', valid: false, rows: 2, errors: 1, truncated: false });
    expect(doc.errors[0]).toMatchObject({ code: 'type-error', rowNumber: 3, lineNumber: 3, fieldName: 'id', fieldNumber: 1, cell: 'x' });
  });

  it('--max-errors caps the list, never the counts', async () => {
    const dir = await testdir({
      'datapackage.json': {
        name: 'many',
        resources: [{ name: 'data', path: 'data.csv', schema: { fields: [{ name: 'id', type: 'integer' }] } }],
      },
      'data.csv': 'id\n' + 'x\n'.repeat(50),
    });
    const doc = JSON.parse((await cli(['validate', dir, '--json', '--max-errors', '5'])).stdout);
    expect(doc.errors).toHaveLength(5);
    expect(doc.stats.errors).toBe(50);
    expect(doc.resources[0]).toMatchObject({ errors: 50, truncated: true });
  });

  it('--threads (or OS_DATASTORE_THREADS) reads large resources on worker threads, with the same report', async () => {
    // 1.3 MB: above the size under which a resource is read without workers; errors spread through it.
    const dir = await testdir({
      'datapackage.json': {
        name: 'big',
        resources: [
          {
            name: 'data',
            path: 'data.csv',
            schema: {
              fields: [
                { name: 'id', type: 'integer' },
                { name: 'note', type: 'string' },
              ],
              primaryKey: 'id',
            },
          },
          { name: 'more', path: 'more.csv', schema: { fields: [{ name: 'id', type: 'integer' }] } },
        ],
      },
      'data.csv':
        'id,note\n' + Array.from({ length: 60_000 }, (_, i) => `${i % 9_999 === 0 ? 'x' : i},a note of some length`).join('\n') + '\n',
      'more.csv': 'id\n1\ntwo\n',
    });
    const one = await cli(['validate', dir, '--json', '--threads', '1']);
    const two = await cli(['validate', dir, '--json', '--threads', '2']);
    const fromEnv = await runCli(['validate', dir, '--json'], { env: { OS_DATASTORE_THREADS: '2' } });
    const timeless = (stdout: string) => ({ ...JSON.parse(stdout), stats: { ...JSON.parse(stdout).stats, seconds: 0 } });
    expect(one.code).toBe(1);
    expect(timeless(one.stdout).stats.errors).toBe(8);
    expect([two.code, fromEnv.code]).toEqual([1, 1]);
    expect(timeless(two.stdout)).toEqual(timeless(one.stdout));
    expect(timeless(fromEnv.stdout)).toEqual(timeless(one.stdout));
    expect(two.stderr + fromEnv.stderr).toBe('');

    const bad = await runCli(['validate', dir], { env: { OS_DATASTORE_THREADS: '0' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('os-datastore: OS_DATASTORE_THREADS must be a whole number of 1 or more (got "0").\n');
    const badFlag = await cli(['validate', dir, '--threads', 'all']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--threads/);
  });

  it('exits 2 with one clear line, no stack trace, when it cannot run', async () => {
    const missing = await cli(['validate', '/no/such/dataset']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or directory/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const noDescriptor = await cli(['validate', await testdir({ 'x.csv': 'a\n' })]);
    expect(noDescriptor.code).toBe(2);
    expect(noDescriptor.stderr).toMatch(/no datapackage\.json/);
    const badFlag = await cli(['validate', '.', '--max-errors', 'lots']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/max-errors/);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
  });
});
