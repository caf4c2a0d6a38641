/** `os-datastore validate --aggregates OUT_DIR`, as users run it: a child process. */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.ts';
import { testdir } from '../support/tmp.ts';

const cli = (args: string[]) => runCli(args);

const read = (dir: string, name: string): Promise<string> => readFile(join(dir, name), 'utf8');

describe('os-datastore validate --aggregates', () => {
  it('writes the aggregates of city-budget into OUT_DIR, as a package that validates', async () => {
    const out = join(await testdir(), 'out', 'nested'); // created as needed
    const r = await cli(['validate', 'examples/city-budget', '--aggregates', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('examples/city-budget/datapackage.json (OpenSpending Data Package): valid');
    expect(r.stderr).toBe(`os-datastore: examples/city-budget/datapackage.json: aggregates written to ${out} (7 files)\n`);
    expect((await readdir(out)).sort()).toEqual([
      'by-administrative.csv',
      'by-functional.csv',
      'by-month.csv',
      'by-payee.csv',
      'by-year.csv',
      'datapackage.json',
      'summary.json',
    ]);

    // By hand from examples/city-budget/data/spending.csv:
    // 12500.00 + 48210.55 + 3120.40 + 12500.00 - 450.00 + 96000.00 + 7350.25 + 12500.00 + 2210.10 + 51890.00
    const summary = JSON.parse(await read(out, 'summary.json'));
    expect(summary).toMatchObject({
      package: 'city-budget-2024',
      currency: 'GBP',
      factor: '1',
      count: 10,
      total: '245831.30',
      skipped: 0,
      years: { '2024': { total: '245831.30', count: 10 } },
      undated: { total: '0.00', count: 0 },
      dimensions: ['functional', 'administrative', 'payee'],
      generated: { by: 'os-datastore' },
    });
    expect(await read(out, 'by-year.csv')).toBe('year,total,count\n2024,245831.30,10\n');
    expect(await read(out, 'by-month.csv')).toBe(
      'month,total,count\n' + '2024-01,63830.95,3\n' + '2024-02,12050.00,2\n' + '2024-03,115850.25,3\n' + '2024-04,54100.10,2\n',
    );
    expect(await read(out, 'by-functional.csv')).toBe(
      'id,title,total,count\n' +
        'EDU,Primary education,100100.55,2\n' +
        'ENV-R,Pollution abatement,2210.10,1\n' +
        'ENV-W,Waste management,37050.00,4\n' +
        'GPS,General public services,7350.25,1\n' +
        'HLT,Outpatient services,96000.00,1\n' +
        'TRN,Road transport,3120.40,1\n',
    );
    expect(await read(out, 'by-administrative.csv')).toBe(
      'id,title,total,count\n' +
        'Education,Education,100100.55,2\n' +
        'Environment,Environment,39260.10,5\n' +
        'Facilities,Facilities,7350.25,1\n' +
        'Health,Health,96000.00,1\n' +
        'Transport,Transport,3120.40,1\n',
    );
    expect(await read(out, 'by-payee.csv')).toBe(
      'id,title,total,count\n' +
        'S001,Greenway Waste Ltd,37050.00,4\n' +
        'S002,Bright Futures Academy Trust,100100.55,2\n' +
        'S003,City Roads Partnership,5330.50,2\n' +
        'S004,"Hale & Sons, Builders",7350.25,1\n' +
        'S005,Riverside Health Clinic,96000.00,1\n',
    );
    expect(JSON.parse(await read(out, 'datapackage.json'))).toMatchObject({
      name: 'city-budget-2024-aggregates',
      profile: 'tabular-data-package',
    });

    const again = await cli(['validate', out, '--json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect([report.valid, report.kind, report.stats.errors, report.stats.warnings, report.stats.rows]).toEqual([true, 'tabular', 0, 0, 21]);
  });

  it('writes each of several packages under OUT_DIR/<name>, and notes the packages without a transaction mapping', async () => {
    const out = await testdir();
    const r = await cli(['validate', 'examples', '--aggregates', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).valid).toBe(true); // stdout is still exactly one JSON document
    expect(r.stderr).toContain(`examples/city-budget/datapackage.json: aggregates written to ${join(out, 'city-budget-2024')} (7 files)`);
    expect(r.stderr).toMatch(/examples\/regional-population\/datapackage\.json: no aggregates: it is not an OpenSpending Data Package/);
    expect(await readdir(out)).toEqual(['city-budget-2024']);
    expect(JSON.parse(await read(join(out, 'city-budget-2024'), 'summary.json')).total).toBe('245831.30');
  });

  it('gives packages of the same name their own folders', async () => {
    const root = await testdir();
    for (const copy of ['a', 'b']) {
      await mkdir(join(root, copy, 'data'), { recursive: true });
      await copyFile(join(ROOT, 'examples/city-budget/datapackage.json'), join(root, copy, 'datapackage.json'));
      for (const f of ['spending.csv', 'functions.csv', 'suppliers.csv'])
        await copyFile(join(ROOT, 'examples/city-budget/data', f), join(root, copy, 'data', f));
    }
    const out = await testdir();
    const r = await cli(['validate', root, '--aggregates', out]);
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['city-budget-2024', 'city-budget-2024-2']);
    expect(await read(join(out, 'city-budget-2024-2'), 'by-year.csv')).toBe('year,total,count\n2024,245831.30,10\n');
  });

  it('writes nothing for an invalid package, and says so', async () => {
    const dir = await testdir();
    const pkg = JSON.parse(await readFile(join(ROOT, 'examples/city-budget/datapackage.json'), 'utf8'));
    await writeFile(join(dir, 'datapackage.json'), JSON.stringify(pkg));
    await mkdir(join(dir, 'data'));
    for (const f of ['functions.csv', 'suppliers.csv']) await copyFile(join(ROOT, 'examples/city-budget/data', f), join(dir, 'data', f));
    const spending = await readFile(join(ROOT, 'examples/city-budget/data/spending.csv'), 'utf8');
    await writeFile(join(dir, 'data/spending.csv'), spending.replace('12500.00', '12,500.00'));
    const out = join(await testdir(), 'out');
    const r = await cli(['validate', dir, '--aggregates', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aggregates not written: the package is invalid');
    expect(await readdir(out)).toEqual([]);
  });

  it('exits 2 when OUT_DIR cannot be created', async () => {
    const dir = await testdir({ file: 'x' });
    const r = await cli(['validate', 'examples/city-budget', '--aggregates', join(dir, 'file', 'sub')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--aggregates .*cannot create the directory/);
  });
});
