/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents read back in assertions */
/**
 * `migrate DUMP_DIR --out DIR`: a dump made in the test with every OSEP-8 edge case; both dump
 * layouts; --dry-run; --owner-map; --include-private; a run killed with SIGKILL and resumed.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { BIN, runCli } from '../support/cli.ts';
import { edgeCaseDump, tekjurModel, TEKJUR, writeDump } from '../support/legacy-dump.ts';
import { REAL, testdir } from '../support/tmp.ts';

type Obj = Record<string, any>;
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );
const byName = (r: Obj): Obj => Object.fromEntries(r.datasets.map((d: Obj) => [d.name, d]));

describe('a dump with every edge case', () => {
  it('converts, skips and fails each dataset as MIGRATION.md says, naming each case', async () => {
    const dir = await testdir();
    const dump = join(dir, 'dump');
    const out = join(dir, 'out');
    await edgeCaseDump(dump);
    const r = await runCli(['migrate', dump, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(1); // no_data_at_all fails
    const report = JSON.parse(r.stdout);
    const d = byName(report);
    expect(Object.keys(d).sort()).toEqual([
      'bosnia-herzegovina',
      'bosnian_test',
      'no_data_at_all',
      'save_dimensions',
      'tekjur-rikissjods',
      'tryggvis_test_dataset',
      'tunisia_budget',
      'ukgov-finances-cra',
      'uppgjor-rikissjods',
    ]);

    expect(d['tekjur-rikissjods']).toMatchObject({ status: 'converted', valid: true, owner: 'tryggvib', cases: [] });
    // Several sources with the same columns: one resource of four files.
    expect(d['uppgjor-rikissjods']).toMatchObject({ status: 'converted', valid: true, cases: ['several-sources'] });
    const upp = JSON.parse(await readFile(join(out, 'uppgjor-rikissjods/datapackage.json'), 'utf8'));
    expect(upp.resources).toHaveLength(1);
    expect(upp.resources[0].path).toEqual(['data/3000.csv', 'data/3001.csv', 'data/3002.csv', 'data/3003.csv']);
    // Several managers: the first in sorted order owns, the other is a contributor; bad sources archived.
    expect(d['bosnia-herzegovina']).toMatchObject({ status: 'converted', owner: 'Sunbless', cases: ['several-managers', 'source-unused'] });
    expect(d['bosnia-herzegovina'].sources).toEqual({ used: ['4001'], archived: ['source-4003.unused'], entries: false });
    const bos = JSON.parse(await readFile(join(out, 'bosnia-herzegovina/datapackage.json'), 'utf8'));
    expect(bos.owner).toBe('Sunbless');
    expect(bos.contributors).toEqual([{ title: 'tryggvib', role: 'contributor', path: 'https://openspending.org/account/tryggvib' }]);
    expect(bos.sources.map((s: Obj) => s.path)).toEqual([
      'http://old.example/files/4001.csv',
      'http://old.example/files/4002.csv',
      'http://old.example/files/4003.csv',
    ]);
    const bosReport = JSON.parse(await readFile(join(out, 'bosnia-herzegovina/migration-report.json'), 'utf8'));
    expect(
      bosReport.warnings
        .filter((w: Obj) => w.code === 'source-unused')
        .map((w: Obj) => w.message)
        .join('\n'),
    ).toMatch(/4002.*HTTP 404[\s\S]*4003.*lacks the model's columns/);
    // Every source gone: the cube export, with a warning; the dead ones listed.
    expect(d.tunisia_budget).toMatchObject({ status: 'converted', cases: ['source-unused', 'sources-gone'] });
    expect(d.tunisia_budget.sources.entries).toBe(true);
    const tun = JSON.parse(await readFile(join(out, 'tunisia_budget/datapackage.json'), 'utf8'));
    expect(tun.mapping.transaction.attributes.id).toEqual(['data/openspending_id']);
    // No sources: the entries.
    expect(d['ukgov-finances-cra']).toMatchObject({ status: 'converted', cases: ['no-sources'], owner: 'os-data' });
    // Private: skipped without --include-private.
    for (const n of ['tryggvis_test_dataset', 'bosnian_test', 'save_dimensions'])
      expect(d[n]).toMatchObject({ status: 'skipped', reason: 'private', cases: ['private'] });
    // Neither sources nor entries.
    expect(d.no_data_at_all).toMatchObject({ status: 'failed', reason: 'no-data' });
    expect(report.counts).toMatchObject({ datasets: 9, converted: 5, valid: 5, skipped: 3, failed: 1 });
    expect(report.cases).toMatchObject({
      private: 3,
      'several-sources': 1,
      'several-managers': 1,
      'source-unused': 3,
      'sources-gone': 1,
      'no-sources': 1,
      'no-data': 1,
    });
    // Every converted package is valid, read back independently.
    for (const n of ['tekjur-rikissjods', 'uppgjor-rikissjods', 'bosnia-herzegovina', 'tunisia_budget', 'ukgov-finances-cra']) {
      const v = await validatePackage(await createFsSource(join(out, n)));
      expect(v.errors, n).toEqual([]);
    }
    expect(await exists(join(out, 'no_data_at_all'))).toBe(false);
    expect(JSON.parse(await readFile(join(out, 'migration-report.json'), 'utf8')).counts).toEqual(report.counts);
  });

  it('--include-private converts private datasets; no model and no load are named; --owner-map decides', async () => {
    const dir = await testdir({ 'owners.json': { datasets: { tryggvis_test_dataset: 'os-data' }, accounts: { tryggvib: 'tryggvi-b' } } });
    const dump = join(dir, 'dump');
    await edgeCaseDump(dump);
    const r = await runCli([
      'migrate',
      dump,
      '--out',
      join(dir, 'out'),
      '--json',
      '--include-private',
      '--owner-map',
      join(dir, 'owners.json'),
    ]);
    const d = byName(JSON.parse(r.stdout));
    expect(d.tryggvis_test_dataset).toMatchObject({ status: 'converted', owner: 'os-data', cases: ['private'] });
    expect(d.bosnian_test).toMatchObject({ status: 'skipped', reason: 'no-model', cases: ['private', 'no-model'] });
    expect(d.save_dimensions).toMatchObject({ status: 'converted', cases: ['private', 'not-loaded'] });
    expect(d['tekjur-rikissjods'].owner).toBe('tryggvi-b');
  });

  it('--dry-run plans and reports, writes nothing', async () => {
    const dir = await testdir();
    const dump = join(dir, 'dump');
    await edgeCaseDump(dump);
    const r = await runCli(['migrate', dump, '--out', join(dir, 'out'), '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tekjur-rikissjods\s+planned/);
    expect(r.stdout).toMatch(/no_data_at_all\s+failed\s+-\s+0\s+no-data/);
    expect(r.stdout).toMatch(/dry run \(nothing written\): 5 to convert/);
    expect(await exists(join(dir, 'out'))).toBe(false);
  });

  it('the final table lists every dataset with its status and reason', async () => {
    const dir = await testdir();
    const dump = join(dir, 'dump');
    await edgeCaseDump(dump);
    const r = await runCli(['migrate', dump, '--out', join(dir, 'out')]);
    expect(r.stdout).toMatch(/^dataset\s+status\s+valid\s+warn\s+reason$/m);
    expect(r.stdout).toMatch(/^tryggvis_test_dataset\s+skipped\s+-\s+0\s+private: a private dataset: give --include-private/m);
    expect(r.stdout).toMatch(/converted 5 \(valid 5, with warnings \d+\), skipped 3, failed 1/);
    expect(r.stdout).toMatch(/edge cases: .*sources-gone 1/);
  });

  it("openspending-migrate's exports layout (the real tekjur export)", async () => {
    const dir = await testdir();
    await cp(join(REAL, 'openspending-migrate'), join(dir, 'exports'), { recursive: true });
    const r = await runCli(['migrate', join(dir, 'exports'), '--out', join(dir, 'out'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.layout).toBe('openspending-migrate');
    expect(rep.datasets[0]).toMatchObject({
      name: 'tekjur-rikissjods',
      status: 'converted',
      owner: 'tryggvib',
      sources: { used: ['2156'], entries: false },
    });
    const d = JSON.parse(await readFile(join(dir, 'out/tekjur-rikissjods/datapackage.json'), 'utf8'));
    expect(d.mapping.transaction.attributes.amount).toEqual(['data/Upphæð']);
  });
});

describe('datasets the export could not finish', () => {
  it('are in the report, skipped as not exported (or private)', async () => {
    const dir = await testdir();
    const dump = join(dir, 'dump');
    await writeDump(dump, [
      {
        name: 'tekjur-rikissjods',
        model: await tekjurModel(),
        sources: [{ id: 1, content: await readFile(join(TEKJUR, 'archive/2156.csv')), loaded: true }],
      },
    ]);
    const meta = JSON.parse(await readFile(join(dump, 'dump.json'), 'utf8'));
    meta.datasets.push(
      { name: 'half-done', status: 'failed', private: false },
      { name: 'secret-one', status: 'private-skipped', private: true },
    );
    await writeFile(join(dump, 'dump.json'), JSON.stringify(meta));
    const r = await runCli(['migrate', dump, '--out', join(dir, 'out'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const d = byName(JSON.parse(r.stdout));
    expect(d['half-done']).toMatchObject({ status: 'skipped', reason: 'not-exported', cases: ['not-exported'] });
    expect(d['half-done'].detail).toMatch(/the export did not finish it \(failed\); run `migrate export` again/);
    expect(d['secret-one']).toMatchObject({ status: 'skipped', reason: 'private' });
    expect(d['tekjur-rikissjods'].status).toBe('converted');
  });
});

describe('safety', () => {
  it('a source id that is a path never reads a file outside the dataset folder', async () => {
    const dir = await testdir({ 'secret.csv': 'Tekjuflokkur,Undirflokkur,Upphæð,Dagsetning\nsecret,s,1,2012-01-01\n' });
    await cp(join(REAL, 'openspending-migrate/tekjur-rikissjods'), join(dir, 'exports/tekjur-rikissjods'), { recursive: true });
    const rec = JSON.parse(await readFile(join(dir, 'exports/tekjur-rikissjods/dataset.json'), 'utf8'));
    rec.sources = [{ ...rec.sources[0], id: '../../../secret' }];
    await writeFile(join(dir, 'exports/tekjur-rikissjods/dataset.json'), JSON.stringify(rec));
    const r = await runCli(['migrate', join(dir, 'exports'), '--out', join(dir, 'out'), '--json']);
    const d = JSON.parse(r.stdout).datasets[0];
    // The source is "not in the dump": the cube export is used, and the secret is nowhere in the package.
    expect(d).toMatchObject({ status: 'converted', cases: ['source-unused', 'sources-gone'] });
    const files = await readdir(join(dir, 'out/tekjur-rikissjods'), { recursive: true });
    for (const f of files) {
      const p = join(dir, 'out/tekjur-rikissjods', String(f));
      if ((await stat(p)).isFile()) expect(await readFile(p, 'utf8')).not.toContain('secret,s,1');
    }
  });
});

describe('resumable', () => {
  it('a run killed with SIGKILL leaves no half package; the next run finishes and skips what was done', async () => {
    const dir = await testdir();
    const dump = join(dir, 'dump');
    const out = join(dir, 'out');
    const base = await readFile(join(TEKJUR, 'archive/2156.csv'), 'utf8');
    const [header, ...rows] = base.trimEnd().split('\n');
    // A big source (the tekjur rows repeated with distinct dates) so the kill lands inside a dataset.
    const big: string[] = [header!];
    for (let y = 1000; y < 1400; y++) for (const row of rows) big.push(row.replace(/"2012-/, `"${y}-`));
    const names = ['a-first', 'b-big', 'c-third'];
    await writeDump(dump, [
      { name: 'a-first', model: await tekjurModel('a-first'), sources: [{ id: 1, content: base, loaded: true }] },
      { name: 'b-big', model: await tekjurModel('b-big'), sources: [{ id: 2, content: big.join('\n') + '\n', loaded: true }] },
      { name: 'c-third', model: await tekjurModel('c-third'), sources: [{ id: 3, content: base, loaded: true }] },
    ]);
    const child = spawn(process.execPath, [BIN, 'migrate', dump, '--out', out], { stdio: 'ignore' });
    // Kill once the first dataset is done and the big one is being built.
    for (let i = 0; i < 600; i++) {
      const entries = await readdir(out).catch(() => [] as string[]);
      if (entries.some((e) => e.startsWith('b-big.partial-'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const left = await readdir(out);
    expect(left).toContain('a-first');
    expect(left.some((e) => e.startsWith('b-big.partial-'))).toBe(true);
    expect(left).not.toContain('b-big'); // never a half-written package in place
    expect(await exists(join(out, 'a-first/migration-report.json'))).toBe(true);

    const again = await runCli(['migrate', dump, '--out', out, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const d = byName(JSON.parse(again.stdout));
    expect(d['a-first']).toMatchObject({ status: 'converted', reason: 'resumed' });
    expect(d['b-big']).toMatchObject({ status: 'converted', reason: '' });
    expect(d['c-third']).toMatchObject({ status: 'converted', reason: '' });
    expect((await readdir(out)).sort()).toEqual([...names, 'migration-report.json']);
    for (const n of names) expect((await validatePackage(await createFsSource(join(out, n)))).valid).toBe(true);
    // The same as one uninterrupted run.
    const fresh = join(dir, 'fresh');
    expect((await runCli(['migrate', dump, '--out', fresh])).code).toBe(0);
    for (const n of names)
      expect(await readFile(join(out, n, 'datapackage.json'), 'utf8')).toBe(await readFile(join(fresh, n, 'datapackage.json'), 'utf8'));
  });
});

describe('bad usage', () => {
  it('a folder that is no dump, a bad --shard, one-model flags on a dump', async () => {
    const dir = await testdir({ 'x/readme.txt': 'nothing' });
    const r1 = await runCli(['migrate', join(dir, 'x'), '--out', join(dir, 'out')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/no dump here/);
    await writeFile(join(dir, 'x/dump.json'), JSON.stringify({ format: 'os-legacy-dump/1' }));
    const r2 = await runCli(['migrate', join(dir, 'x'), '--out', join(dir, 'out'), '--shard', '3/2']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--shard 3\/2/);
    const r3 = await runCli(['migrate', join(dir, 'x'), '--out', join(dir, 'out'), '--owner', 'someone']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/--owner is for one model.json.*--owner-map/);
  });
});

describe('progress', () => {
  const hasScript = existsSync('/usr/bin/script');
  it.skipIf(!hasScript)(
    `${hasScript ? '' : 'SKIPPED: util-linux /usr/bin/script is not installed — '}a progress bar on a terminal (a pseudo-terminal made by util-linux script), plain status lines otherwise`,
    async () => {
      const dir = await testdir();
      const dump = join(dir, 'dump');
      await edgeCaseDump(dump);
      const command = [process.execPath, BIN, 'migrate', dump, '--out', join(dir, 'out')]
        .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
        .join(' ');
      const tty = await new Promise<string>((resolve) => {
        execFile(
          'script',
          ['-qfec', command, '/dev/null'],
          { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
          (_err, stdout) => resolve(stdout),
        );
      });
      expect(tty).toMatch(/migrate [\u2591\u2588]+ \d\/9 /);
      expect(tty).toMatch(/converted 5 \(valid 5/);
      const plain = await runCli(['migrate', dump, '--out', join(dir, 'out2')]);
      expect(plain.stderr).not.toMatch(/[\u2591\u2588]/);
      expect(plain.stderr).toMatch(/^converted: tekjur-rikissjods$/m);
      expect(plain.stderr).toMatch(/^skipped: bosnian_test \(private\)$/m);
    },
  );
});
