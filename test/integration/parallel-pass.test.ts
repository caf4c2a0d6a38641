/**
 * The table pass on worker threads (src/adapters/threads/): real worker threads reading real files through
 * the main thread must give the report and the aggregates of the sequential pass — problems,
 * counts, truncation, foreign keys across resources and cycles, multi-file resources, strict
 * mode, COFOG checks, a source failing mid-stream, a resource abandoned midway — whatever the
 * timing.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { SourceError, type PackageSource } from '../../src/package/source.ts';
import { createParallelRunner } from '../../src/adapters/threads/parallel.ts';
import { checkPackage, type CheckOptions } from '../../src/pipeline/check.ts';
import { validatePackage } from '../../src/validate/package.ts';
import type { Report } from '../../src/validate/report.ts';
import type { RowObserver } from '../../src/validate/table/table.ts';
import { ROOT } from '../support/cli.ts';
import { testdir } from '../support/tmp.ts';

/** The city-budget example, grown: many rows with errors, a cycle of foreign keys, a two-file resource, COFOG slips. */
async function bigBudget(): Promise<string> {
  const dir = await testdir();
  await cp(join(ROOT, 'examples/city-budget'), dir, { recursive: true });
  const descriptor = JSON.parse(await readFile(join(dir, 'datapackage.json'), 'utf8'));
  const functions = (await readFile(join(dir, 'data/functions.csv'), 'utf8')).trimEnd().split('\n');
  const codes = functions.slice(1).map((line) => line.split(',')[0]!);
  // COFOG slips the row checks find: one not a code, one written without its leading zero.
  await writeFile(join(dir, 'data/functions.csv'), [...functions, 'XX,Unknown,99.9', 'YY,Sloppy,7.1'].join('\n') + '\n');

  const header = (await readFile(join(dir, 'data/spending.csv'), 'utf8')).split('\n')[0]!;
  const departments = ['Education', 'Environment', 'Facilities', 'Health', 'Transport'];
  const rows = Array.from({ length: 4000 }, (_, i) => {
    const id = `${String(1000 + (i % 9000)).padStart(4, '0')}-${String(i).padStart(4, '0')}`;
    const amount = i % 97 === 0 ? 'lots' : `${(i % 13) - 3}.${String(i % 100).padStart(2, '0')}`; // type errors, negatives, cents
    const fn = i % 251 === 0 ? 'NOPE' : codes[i % codes.length]; // foreign-key misses
    const date = i % 50 === 0 ? '' : `202${i % 4}-${String((i % 12) + 1).padStart(2, '0')}-1${i % 10}`;
    const supplier = i % 3 === 0 ? 'S001' : i % 3 === 1 ? 'S002' : '';
    return `${i === 17 ? '1000-0000' : id},${date},${amount},Item ${i},"note, ${i}",${fn},${supplier},${departments[i % 5]}`;
  });
  await writeFile(join(dir, 'data/spending.csv'), [header, ...rows].join('\n') + '\n');

  // Two resources referencing each other (one is checked after the pass), with misses both ways.
  await writeFile(
    join(dir, 'data/a.csv'),
    'id,b\n' + Array.from({ length: 300 }, (_, i) => `a${i},b${i % 7 === 0 ? 'x' : ''}${i}`).join('\n') + '\n',
  );
  await writeFile(
    join(dir, 'data/b.csv'),
    'id,a\n' + Array.from({ length: 300 }, (_, i) => `b${i},a${i % 11 === 0 ? 'y' : ''}${i}`).join('\n') + '\n',
  );
  await writeFile(join(dir, 'data/part-1.csv'), 'n\n' + Array.from({ length: 500 }, (_, i) => String(i)).join('\n') + '\n');
  await writeFile(
    join(dir, 'data/part-2.csv'),
    'n\n' + Array.from({ length: 500 }, (_, i) => (i === 250 ? 'x' : String(500 + i))).join('\n') + '\n',
  );
  descriptor.resources.push(
    {
      name: 'a',
      path: 'data/a.csv',
      schema: {
        fields: [
          { name: 'id', type: 'string' },
          { name: 'b', type: 'string' },
        ],
        primaryKey: 'id',
        foreignKeys: [{ fields: 'b', reference: { resource: 'b', fields: 'id' } }],
      },
    },
    {
      name: 'b',
      path: 'data/b.csv',
      schema: {
        fields: [
          { name: 'id', type: 'string' },
          { name: 'a', type: 'string' },
        ],
        primaryKey: 'id',
        foreignKeys: [{ fields: 'a', reference: { resource: 'a', fields: 'id' } }],
      },
    },
    { name: 'parts', path: ['data/part-1.csv', 'data/part-2.csv'], schema: { fields: [{ name: 'n', type: 'integer' }], primaryKey: 'n' } },
  );
  await writeFile(join(dir, 'datapackage.json'), JSON.stringify(descriptor, null, 2));
  return dir;
}

/** A report without its timing, for comparing runs. */
const timeless = (r: Report): Report => ({ ...r, stats: { ...r.stats, seconds: 0 } });

async function both(source: PackageSource, options: CheckOptions = {}) {
  const sequential = await checkPackage(source, options);
  const runner = createParallelRunner({ threads: 2, minWorkerBytes: 0 });
  const parallel = await checkPackage(source, { ...options, runner }).finally(() => runner.close());
  return { sequential, parallel };
}

describe('the table pass on worker threads', () => {
  it('gives the sequential report and aggregates: problems, counts, keys, cycles, multi-file resources, COFOG', async () => {
    const source = await createFsSource(await bigBudget());
    const { sequential, parallel } = await both(source);
    const report = sequential.validation.report;
    // The package is as broken as intended, so the comparison covers every kind of problem.
    expect(report.valid).toBe(false);
    const codes = new Set(report.errors.map((p) => p.code));
    for (const code of ['type-error', 'foreign-key', 'primary-key', 'mapping-error']) expect(codes).toContain(code);
    expect(report.warnings.map((p) => p.code)).toContain('mapping-error');
    expect(report.errors.filter((p) => p.resource === 'b' && p.code === 'foreign-key').length).toBeGreaterThan(0);

    expect(timeless(parallel.validation.report)).toEqual(timeless(report));
    expect(parallel.aggregates).toEqual(sequential.aggregates);
    expect(sequential.aggregates?.count).toBeGreaterThan(3900);
  });

  it('inline data settles in order too: the first title of an id is the one a sequential pass sees', async () => {
    const fields = [
      { name: 'id', type: 'integer' },
      { name: 'amount', type: 'number' },
      { name: 'fn', type: 'string' },
      { name: 'fn_title', type: 'string' },
    ];
    const dir = await testdir({
      'datapackage.json': {
        name: 'two-sources',
        profiles: ['openspending', 'tabular'],
        owner: 'alice',
        location: 'GB',
        mapping: {
          transaction: {
            value: { currency: 'EUR', factor: 1 },
            attributes: { id: ['file/id', 'inline/id'], amount: ['file/amount', 'inline/amount'] },
          },
          taxonomy: { attributes: { functional: { id: ['file/fn', 'inline/fn'], title: ['file/fn_title', 'inline/fn_title'] } } },
        },
        resources: [
          { name: 'file', path: 'file.csv', schema: { fields } },
          {
            name: 'inline',
            data: [
              ['id', 'amount', 'fn', 'fn_title'],
              [1, 2.5, 'A', 'Title from the inline data'],
            ],
            schema: { fields },
          },
        ],
      },
      'file.csv': 'id,amount,fn,fn_title\n1,10.25,A,Title from the file\n2,1,B,\n',
    });
    const { sequential, parallel } = await both(await createFsSource(dir));
    const functional = sequential.aggregates?.dimensions.find((d) => d.name === 'functional');
    expect(functional?.rows.find((r) => r.id === 'A')).toMatchObject({ title: 'Title from the file', total: '12.75', count: 2 });
    expect(parallel.aggregates).toEqual(sequential.aggregates);
    expect(timeless(parallel.validation.report)).toEqual(timeless(sequential.validation.report));
  });

  it('keeps the cap of listed problems per resource, the counts and the truncation flag; strict turns warnings into errors', async () => {
    const source = await createFsSource(await bigBudget());
    for (const options of [{ maxErrors: 5 }, { maxErrors: 3, strict: true }]) {
      const { sequential, parallel } = await both(source, options);
      const report = sequential.validation.report;
      const spending = report.resources.find((r) => r.name === 'spending')!;
      expect(spending.truncated).toBe(true);
      expect(report.errors.filter((p) => p.resource === 'spending')).toHaveLength(options.maxErrors);
      expect(spending.errors).toBeGreaterThan(options.maxErrors);
      expect(timeless(parallel.validation.report)).toEqual(timeless(report));
    }
  });

  it('runs the jobs on worker threads (this thread being one of the threads) when the files are large enough, and in this thread when small or alone', async () => {
    const source = await createFsSource(await bigBudget());
    const runner = createParallelRunner({ threads: 2, minWorkerBytes: 0 });
    try {
      const report = await validatePackage(source, { tables: runner });
      expect(runner.workers).toBe(1); // 2 threads: this one (the first big job) and one worker
      expect(timeless(report)).toEqual(timeless(await validatePackage(source)));
    } finally {
      await runner.close();
    }
    const small = createParallelRunner({ threads: 2 }); // default: jobs under MIN_WORKER_BYTES (16 MiB) stay here
    try {
      await validatePackage(source, { tables: small });
      expect(small.workers).toBe(0);
    } finally {
      await small.close();
    }
    // A package of one resource: nothing to read beside it, so no worker, whatever its size.
    const one = await testdir({
      'datapackage.json': {
        name: 'one',
        resources: [{ name: 'data', path: 'data.csv', schema: { fields: [{ name: 'n', type: 'integer' }] } }],
      },
      'data.csv': 'n\n' + '1234567\n'.repeat(200_000),
    });
    const alone = createParallelRunner({ threads: 2, minWorkerBytes: 0 });
    try {
      expect((await validatePackage(await createFsSource(one), { tables: alone })).stats.rows).toBe(200_000);
      expect(alone.workers).toBe(0);
    } finally {
      await alone.close();
    }
  });

  it("feeds the caller's row observers every row, in this thread, whatever runner reads the tables (issue 13)", async () => {
    const source = await createFsSource(await bigBudget());
    const counting = () => {
      const rows = new Map<string, number>();
      const observers = (resource: { name: string }): RowObserver[] => [
        { row: () => void rows.set(resource.name, (rows.get(resource.name) ?? 0) + 1) },
      ];
      return { rows, observers };
    };
    const here = counting();
    const sequential = await validatePackage(source, { observers: here.observers });
    const total = [...here.rows.values()].reduce((n, k) => n + k, 0);
    expect(total).toBe(sequential.stats.rows);
    const runner = createParallelRunner({ threads: 2, minWorkerBytes: 0 });
    const there = counting();
    try {
      const parallel = await validatePackage(source, { observers: there.observers, tables: runner });
      expect(timeless(parallel)).toEqual(timeless(sequential));
      expect(there.rows).toEqual(here.rows);
    } finally {
      await runner.close();
    }
  });

  it("a runner used for a second validation (other settings) gives that validation its own results, not the first one's recipe", async () => {
    const source = await createFsSource(await bigBudget());
    const runner = createParallelRunner({ threads: 2, minWorkerBytes: 0 });
    try {
      const first = await checkPackage(source, { runner });
      expect(timeless(first.validation.report)).toEqual(timeless((await checkPackage(source)).validation.report));
      // Strict: the COFOG warnings become errors; the workers started with the first recipe (not strict).
      const strict = await checkPackage(source, { runner, strict: true });
      expect(timeless(strict.validation.report)).toEqual(timeless((await checkPackage(source, { strict: true })).validation.report));
      expect(strict.validation.report.stats.errors).toBeGreaterThan(first.validation.report.stats.errors);
    } finally {
      await runner.close();
    }
  });

  it('starts no worker for one big resource beside small ones (the usual fiscal shape), one when two are big (issue 10)', async () => {
    const fields = { fields: [{ name: 'n', type: 'integer' }] };
    const dir = await testdir({
      'datapackage.json': {
        name: 'shapes',
        resources: [
          { name: 'big', path: 'big.csv', schema: fields },
          { name: 'codes', path: 'codes.csv', schema: fields },
          { name: 'more', path: 'more.csv', schema: fields },
        ],
      },
      'big.csv': 'n\n' + '1234567\n'.repeat(50_000),
      'codes.csv': 'n\n1\n2\n',
      'more.csv': 'n\n7\n',
    });
    const sequential = await validatePackage(await createFsSource(dir));
    // 400 kB is "big" here: the threshold is lowered so that the test stays small.
    const one = createParallelRunner({ threads: 2, minWorkerBytes: 100_000 });
    try {
      expect(timeless(await validatePackage(await createFsSource(dir), { tables: one }))).toEqual(timeless(sequential));
      expect(one.workers).toBe(0);
    } finally {
      await one.close();
    }
    await writeFile(join(dir, 'more.csv'), 'n\n' + '7654321\n'.repeat(50_000));
    const two = createParallelRunner({ threads: 2, minWorkerBytes: 100_000 });
    try {
      expect((await validatePackage(await createFsSource(dir), { tables: two })).stats.rows).toBe(100_002);
      expect(two.workers).toBe(1);
    } finally {
      await two.close();
    }
  });

  it('never starts more workers than the cores, whatever it is asked for', async () => {
    const source = await createFsSource(await bigBudget());
    const resources = (await validatePackage(source)).stats.resources;
    const runner = createParallelRunner({ threads: 100_000, minWorkerBytes: 0 });
    try {
      await validatePackage(source, { tables: runner });
      // This thread runs the first big job: it is one of the threads.
      expect(runner.workers).toBe(Math.min(availableParallelism(), resources) - 1);
    } finally {
      await runner.close();
    }
  });

  it('a file failing midway, or abandoned midway, is reported as sequentially, and its read is closed', async () => {
    const dir = await bigBudget();
    // A header of more cells than any record may have: the pass stops after it, leaving 2 MB unread.
    await writeFile(join(dir, 'data/wide.csv'), ','.repeat(100_001) + '\n' + 'x\n'.repeat(1_000_000));
    const descriptor = JSON.parse(await readFile(join(dir, 'datapackage.json'), 'utf8'));
    descriptor.resources.push(
      { name: 'wide', path: 'data/wide.csv' },
      { name: 'broken', path: 'data/part-1.csv', schema: { fields: [{ name: 'n', type: 'integer' }] } },
    );
    await writeFile(join(dir, 'datapackage.json'), JSON.stringify(descriptor, null, 2));
    const fs = await createFsSource(dir);
    const closed: string[] = [];
    let opened = 0;
    // The filesystem source, except that one file fails after its first chunk; every read's end is recorded.
    const source: PackageSource = {
      root: fs.root,
      descriptorPath: fs.descriptorPath,
      readDescriptor: () => fs.readDescriptor(),
      async open(path) {
        const handle = await fs.open(path);
        const failing = path === 'data/part-1.csv';
        return {
          size: handle.size,
          async *stream() {
            opened++;
            try {
              for await (const chunk of handle.stream()) {
                yield chunk;
                if (failing) throw new SourceError('source-error', 'the disk went away');
              }
            } finally {
              closed.push(path);
            }
          },
        };
      },
    };
    const { sequential, parallel } = await both(source);
    const problems = sequential.validation.report.errors.filter(
      (p) => p.resource === 'wide' || p.resource === 'broken' || p.resource === 'parts',
    );
    expect(problems.map((p) => `${p.resource} ${p.code}`)).toEqual(
      expect.arrayContaining(['wide source-error', 'broken source-error', 'parts source-error']),
    );
    expect(timeless(parallel.validation.report)).toEqual(timeless(sequential.validation.report));
    expect(closed.length).toBe(opened); // every read ended, the abandoned one included
    expect(closed.filter((p) => p === 'data/wide.csv')).toHaveLength(2);
  });
});
