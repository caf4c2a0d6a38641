/**
 * The per-resource validation cache (src/cache/): a validation that reuses cached table results
 * must give the report and the aggregates of a full validation — byte for byte, timings aside —
 * whatever changed in between: a file added, changed or removed, a schema, a code list that
 * other resources reference, the mapping, a dialect; a new validator version invalidates
 * everything; an unreadable, corrupted or foreign entry is ignored with one warning.
 */
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 as random } from '../../bench/generate.ts';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { createParallelRunner } from '../../src/adapters/threads/parallel.ts';
import { checkPackage, type CheckResult } from '../../src/pipeline/check.ts';
import { createCachingRunner, type ResultCache } from '../../src/cache/runner.ts';
import { createInThreadRunner } from '../../src/pipeline/table-job.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { folderCache } from '../../src/cache/stores.ts';
import type { Report } from '../../src/validate/report.ts';
import { ROOT } from '../support/cli.ts';
import { testdir } from '../support/tmp.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test edits descriptors freely
type Loose = any;
type Descriptor = { mapping: Record<string, Loose>; resources: Array<Record<string, Loose>> };

const CODES = ['GPS', 'ENV-W', 'EDU', 'HLT', 'TRN'];

function monthRows(month: number, rnd: () => number, n = 200): string[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `${String(1000 + month).padStart(4, '0')}-${String(i).padStart(4, '0')}`;
    const amount = rnd() < 0.01 ? 'lots' : `${Math.floor(rnd() * 90000) / 100}`;
    const fn = rnd() < 0.01 ? 'NOPE' : CODES[Math.floor(rnd() * CODES.length)];
    const supplier = rnd() < 0.5 ? 'S001' : 'S002';
    return `${id},2024-${String(month).padStart(2, '0')}-1${i % 10},${amount},Item ${i},"note, ${i}",${fn},${supplier},Education`;
  });
}

const HEADER = 'id,date,amount,title,description,function,supplier,department';

/** The city-budget example split into monthly resources (a glob in the mapping), plus a foreign-key cycle. */
async function monthlyBudget(months: number, rnd: () => number): Promise<string> {
  const dir = await testdir();
  await cp(join(ROOT, 'examples/city-budget'), dir, { recursive: true });
  const d = JSON.parse(await readFile(join(dir, 'datapackage.json'), 'utf8')) as Descriptor;
  await writeFile(
    join(dir, 'data/functions.csv'),
    [
      'code,title,cofog',
      'GPS,General public services,01.1',
      'ENV-W,Waste management,05.1',
      'EDU,Education,09',
      'HLT,Health,7.1',
      'TRN,Transport,04.5',
    ].join('\n') + '\n',
  );
  const spending = d.resources[0]!;
  d.resources.splice(0, 1);
  for (let m = 1; m <= months; m++) {
    await writeFile(join(dir, `data/spending-${m}.csv`), [HEADER, ...monthRows(m, rnd)].join('\n') + '\n');
    d.resources.push({ ...structuredClone(spending), name: `spending-${m}`, path: `data/spending-${m}.csv` });
  }
  const mapping = JSON.stringify(d.mapping).replaceAll('"spending/', '"spending-*/');
  d.mapping = JSON.parse(mapping);
  await writeFile(
    join(dir, 'data/a.csv'),
    'id,b\n' + Array.from({ length: 50 }, (_, i) => `a${i},b${i % 7 === 0 ? 'x' : ''}${i}`).join('\n') + '\n',
  );
  await writeFile(join(dir, 'data/b.csv'), 'id,a\n' + Array.from({ length: 50 }, (_, i) => `b${i},a${i}`).join('\n') + '\n');
  d.resources.push(
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
  );
  await writeFile(join(dir, 'datapackage.json'), JSON.stringify(d, null, 2));
  return dir;
}

const readDescriptor = async (dir: string): Promise<Descriptor> =>
  JSON.parse(await readFile(join(dir, 'datapackage.json'), 'utf8')) as Descriptor;
const writeDescriptor = (dir: string, d: Descriptor): Promise<void> => writeFile(join(dir, 'datapackage.json'), JSON.stringify(d, null, 2));
const months = (d: Descriptor): Array<Record<string, Loose>> => d.resources.filter((r) => String(r.name).startsWith('spending-'));

/** The changes of the issue, each applied to the package in `dir`; returns what it did. */
const CHANGES: Record<string, (dir: string, rnd: () => number) => Promise<void>> = {
  async addFile(dir, rnd) {
    const d = await readDescriptor(dir);
    const m = 1 + Math.max(0, ...months(d).map((r) => Number(String(r.name).slice(9))));
    await writeFile(join(dir, `data/spending-${m}.csv`), [HEADER, ...monthRows(m, rnd)].join('\n') + '\n');
    d.resources.push({ ...structuredClone(months(d)[0] ?? d.resources[0]!), name: `spending-${m}`, path: `data/spending-${m}.csv` });
    await writeDescriptor(dir, d);
  },
  async changeFile(dir, rnd) {
    const d = await readDescriptor(dir);
    const r = months(d)[Math.floor(rnd() * months(d).length)];
    if (!r) return;
    const lines = (await readFile(join(dir, r.path), 'utf8')).split('\n');
    const at = 1 + Math.floor(rnd() * (lines.length - 2));
    lines[at] = lines[at]!.replace(/,(\d+(\.\d+)?),/, rnd() < 0.5 ? ',12.34,' : ',twelve,');
    await writeFile(join(dir, r.path), lines.join('\n'));
  },
  async removeFile(dir, rnd) {
    const d = await readDescriptor(dir);
    const list = months(d);
    if (list.length < 2) return;
    const r = list[Math.floor(rnd() * list.length)]!;
    d.resources = d.resources.filter((x) => x !== r);
    await rm(join(dir, r.path));
    await writeDescriptor(dir, d);
  },
  async changeSchema(dir, rnd) {
    const d = await readDescriptor(dir);
    const r = months(d)[Math.floor(rnd() * months(d).length)];
    if (!r) return;
    r.schema.fields[2].constraints = { required: true, maximum: Math.floor(rnd() * 900) };
    await writeDescriptor(dir, d);
  },
  async changeCodeList(dir, rnd) {
    const lines = (await readFile(join(dir, 'data/functions.csv'), 'utf8')).trimEnd().split('\n');
    const code = CODES[Math.floor(rnd() * CODES.length)]!;
    const kept = lines.filter((l) => !l.startsWith(`${code},`));
    await writeFile(
      join(dir, 'data/functions.csv'),
      (kept.length < lines.length ? kept : [...lines, `${code},${code} again,01`]).join('\n') + '\n',
    );
  },
  async changeMapping(dir, rnd) {
    const d = await readDescriptor(dir);
    d.mapping.transaction.value.factor = rnd() < 0.5 ? 1000 : 1;
    if (rnd() < 0.5) delete d.mapping.taxonomy.attributes.functional.cofog;
    else d.mapping.taxonomy.attributes.functional.cofog = ['functions/cofog'];
    await writeDescriptor(dir, d);
  },
  async changeDialect(dir, rnd) {
    const d = await readDescriptor(dir);
    const r = months(d)[Math.floor(rnd() * months(d).length)];
    if (!r) return;
    const semi = r.dialect?.delimiter !== ';';
    const text = await readFile(join(dir, r.path), 'utf8');
    // Quoted cells hold ", " only; swap the delimiters outside them.
    const swapped = text.split('\n').map((line) =>
      line
        .split('"')
        .map((part, i) => (i % 2 === 0 ? (semi ? part.replaceAll(',', ';') : part.replaceAll(';', ',')) : part))
        .join('"'),
    );
    await writeFile(join(dir, r.path), swapped.join('\n'));
    if (semi) r.dialect = { delimiter: ';' };
    else delete r.dialect;
    await writeDescriptor(dir, d);
  },
  async nothing() {},
};

const timeless = (r: Report): Report => ({ ...r, stats: { ...r.stats, seconds: 0 } });

async function full(dir: string): Promise<CheckResult> {
  return checkPackage(await createFsSource(dir));
}

async function cached(dir: string, cache: Partial<ResultCache>, cacheDir: string): Promise<CheckResult> {
  const store = folderCache(cacheDir);
  const result = await checkPackage(await createFsSource(dir), { cache: { readers: [store], writer: store, ...cache } });
  await result.cache!.flush();
  return result;
}

function expectSame(incremental: CheckResult, complete: CheckResult): void {
  expect(timeless(incremental.validation.report)).toEqual(timeless(complete.validation.report));
  expect(JSON.stringify(timeless(incremental.validation.report))).toBe(JSON.stringify(timeless(complete.validation.report)));
  expect(incremental.aggregates).toEqual(complete.aggregates);
}

describe('the validation cache', () => {
  for (const seed of [1, 7, 42]) {
    it(`gives a full validation's report and aggregates under random changes (seed ${seed})`, async () => {
      const rnd = random(seed);
      const dir = await monthlyBudget(4, rnd);
      const cacheDir = await testdir();
      const first = await cached(dir, {}, cacheDir);
      expectSame(first, await full(dir));
      expect(first.cache!.stats.hits).toBe(0);
      expect(first.cache!.stats.written).toBe(first.validation.report.resources.length);
      const names = Object.keys(CHANGES);
      let reused = 0;
      for (let step = 0; step < 10; step++) {
        const change = names[Math.floor(rnd() * names.length)]!;
        await CHANGES[change]!(dir, rnd);
        const incremental = await cached(dir, {}, cacheDir);
        expectSame(incremental, await full(dir));
        reused += incremental.cache!.stats.hits;
      }
      expect(reused).toBeGreaterThan(0);
    });
  }

  it('reuses every result when nothing changed, and only those that did not when one file changed', async () => {
    const dir = await monthlyBudget(4, random(3));
    const cacheDir = await testdir();
    const first = await cached(dir, {}, cacheDir);
    const resources = first.validation.report.resources.length;
    const again = await cached(dir, {}, cacheDir);
    expect(again.cache!.stats).toEqual({ hits: resources, misses: 0, written: 0, indexed: 0 });
    expectSame(again, first);
    await CHANGES.changeFile!(dir, random(5));
    const after = await cached(dir, {}, cacheDir);
    expect(after.cache!.stats).toMatchObject({ hits: resources - 1, misses: 1, written: 1 });
    expectSame(after, await full(dir));
  });

  it('validates again the unchanged resources that reference a changed code list, which now fail', async () => {
    const dir = await monthlyBudget(3, random(9));
    const cacheDir = await testdir();
    const before = await cached(dir, {}, cacheDir);
    const fkBefore = before.validation.report.errors.filter(
      (p) => p.code === 'foreign-key' && String(p.resource).startsWith('spending-'),
    ).length;
    const lines = (await readFile(join(dir, 'data/functions.csv'), 'utf8')).split('\n');
    await writeFile(join(dir, 'data/functions.csv'), lines.filter((l) => !l.startsWith('EDU,')).join('\n'));
    const after = await cached(dir, {}, cacheDir);
    // The code list and the three months that reference it; a and b, suppliers were reused.
    expect(after.cache!.stats).toMatchObject({ hits: 3, misses: 4 });
    const fkAfter = after.validation.report.errors.filter(
      (p) => p.code === 'foreign-key' && String(p.resource).startsWith('spending-') && p.cell === 'EDU',
    );
    expect(fkAfter.length).toBeGreaterThan(fkBefore);
    expectSame(after, await full(dir));
  });

  it('checks again what a changed mapping reads', async () => {
    const dir = await monthlyBudget(2, random(11));
    const cacheDir = await testdir();
    await cached(dir, {}, cacheDir);
    const d = await readDescriptor(dir);
    d.mapping.transaction.value.factor = 1000;
    await writeDescriptor(dir, d);
    const after = await cached(dir, {}, cacheDir);
    expect(after.cache!.stats.misses).toBeGreaterThanOrEqual(2);
    expectSame(after, await full(dir));
  });

  it('invalidates every result when the validator version changes', async () => {
    const dir = await monthlyBudget(2, random(13));
    const cacheDir = await testdir();
    const first = await cached(dir, { version: 'v1' }, cacheDir);
    const resources = first.validation.report.resources.length;
    expect((await cached(dir, { version: 'v1' }, cacheDir)).cache!.stats.hits).toBe(resources);
    const next = await cached(dir, { version: 'v2' }, cacheDir);
    expect(next.cache!.stats).toMatchObject({ hits: 0, misses: resources });
    expectSame(next, first);
  });

  it('ignores a corrupted, a foreign and an unreadable entry, with one warning', async () => {
    const dir = await monthlyBudget(2, random(17));
    const cacheDir = await testdir();
    const first = await cached(dir, {}, cacheDir);
    const entries = (await readdir(cacheDir)).filter((f) => f.endsWith('.json')).sort();
    expect(entries.length).toBe(first.validation.report.resources.length);
    // One cut short, one holding another key's entry.
    const text = await readFile(join(cacheDir, entries[0]!), 'utf8');
    await writeFile(join(cacheDir, entries[0]!), text.slice(0, text.length / 2));
    await writeFile(join(cacheDir, entries[1]!), await readFile(join(cacheDir, entries[2]!)));
    const warnings: string[] = [];
    const after = await cached(dir, { warn: (m) => warnings.push(m) }, cacheDir);
    expect(after.cache!.stats).toMatchObject({ misses: 2, written: 2 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cached result [0-9a-f]{64} in .* is unusable: (it is not JSON|it was written under another key).*ignored/);
    expectSame(after, first);
    // The entries were rewritten: the next run reuses everything, silently.
    const warned: string[] = [];
    const next = await cached(dir, { warn: (m) => warned.push(m) }, cacheDir);
    expect(next.cache!.stats.misses).toBe(0);
    expect(warned).toEqual([]);

    const failing = { description: 'a failing store', get: () => Promise.reject(new Error('connection reset')) };
    const errs: string[] = [];
    const result = await checkPackage(await createFsSource(dir), {
      cache: { readers: [failing], warn: (m) => errs.push(m) },
    });
    expect(errs).toEqual([expect.stringMatching(/in a failing store cannot be read \(connection reset\)/)]);
    expect(result.cache!.stats.hits).toBe(0);
    expectSame(result, first);
  });

  it("a caller's row observers see every row even where the cache holds the resource's result (issue 13)", async () => {
    const dir = await monthlyBudget(3, random(5));
    const cacheDir = await testdir();
    await cached(dir, {}, cacheDir); // every resource's result is now in the cache
    const store = folderCache(cacheDir);
    const source = await createFsSource(dir);
    let rows = 0;
    // As checkPackage makes it (aggregating: the entries' keys say so).
    const runner = () =>
      createCachingRunner(createInThreadRunner(), { readers: [store] }, source, { strict: false, maxErrors: 1000, merge: () => {} });
    const plain = runner();
    await validatePackage(source, { tables: plain });
    expect(plain.stats.misses).toBe(0); // without observers, every result comes from the cache
    const tables = runner();
    const report = await validatePackage(source, { observers: () => [{ row: () => void rows++ }], tables });
    expect(tables.stats.hits).toBe(0);
    expect(rows).toBe(report.stats.rows);
    expect(rows).toBeGreaterThan(0);
  });

  it('on worker threads too', async () => {
    const dir = await monthlyBudget(3, random(19));
    const cacheDir = await testdir();
    const store = folderCache(cacheDir);
    const run = async (): Promise<CheckResult> => {
      const runner = createParallelRunner({ threads: 2, minWorkerBytes: 0 });
      const r = await checkPackage(await createFsSource(dir), { runner, cache: { readers: [store], writer: store } }).finally(() =>
        runner.close(),
      );
      await r.cache!.flush();
      return r;
    };
    await run();
    await CHANGES.changeCodeList!(dir, random(2));
    const after = await run();
    expect(after.cache!.stats.hits).toBeGreaterThan(0);
    expectSame(after, await full(dir));
  });
});
