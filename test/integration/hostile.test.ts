/**
 * Hostile and broken input, made on disk in each test: escaping paths and symlinks, LFS
 * pointers, bad bytes, huge rows, deep JSON, and the precise location of every problem.
 */
import { randomUUID } from 'node:crypto';
import { readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SourceUnavailableError } from '../../src/adapters/fs/source.ts';
import { openGitDataset } from '../../src/adapters/git/dataset.ts';
import { REMOTE_LIMITS, type RemotePolicy } from '../../src/adapters/http/remote-file.ts';
import { DescriptorTooLargeError, readAtMost } from '../../src/package/source.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { runCli } from '../support/cli.ts';
import { gitdir } from '../support/git.ts';
import { flatten, validateDir } from '../support/report.ts';
import { startS3, type TestS3 } from '../support/s3.ts';
import { testdir } from '../support/tmp.ts';

const pkg = (resources: object[], extra: object = {}) => ({ name: 'hostile', resources, ...extra });
const res = (
  path: string,
  fields: object[] = [
    { name: 'id', type: 'integer' },
    { name: 'name', type: 'string' },
  ],
  more: object = {},
) => ({
  name: path.replace(/\W+/g, '-').replace(/^-|-$/g, '').toLowerCase(),
  path,
  schema: { fields, ...more },
});

describe('paths that leave the dataset are never opened', () => {
  it('a symlink to a file outside the dataset is a path-error; the outside file is never read', async () => {
    const marker = `MARKER-${randomUUID()}`;
    const outside = await testdir({ 'secret.csv': `id,name\n1,${marker}\n` });
    const dir = await testdir({ 'datapackage.json': pkg([res('data.csv')]) });
    await symlink(join(outside, 'secret.csv'), join(dir, 'data.csv'));
    const r = await validateDir(dir);
    // located at the resource's "path" in the descriptor: that is where it is fixed
    expect(flatten(r.errors, ['code', 'resource', 'path', 'pointer'])).toEqual([
      ['path-error', 'data-csv', 'datapackage.json', '/resources/0/path'],
    ]);
    expect(r.errors[0]?.message).toBe(
      'resource "data-csv": "data.csv" is a symlink; symlinks are never followed: put the file itself in the dataset',
    );
    expect(r.stats.rows).toBe(0);
    expect(JSON.stringify(r)).not.toContain(marker);
  });

  it('a symlinked folder that points outside is a path-error naming the link', async () => {
    const marker = `MARKER-${randomUUID()}`;
    const outside = await testdir({ 'x/data.csv': `id,name\n1,${marker}\n` });
    const dir = await testdir({ 'datapackage.json': pkg([res('data/data.csv')]) });
    await symlink(join(outside, 'x'), join(dir, 'data'));
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'pointer'])).toEqual([['path-error', '/resources/0/path']]);
    expect(r.errors[0]?.message).toContain('"data/data.csv" goes through "data", which is a symlink');
    expect(r.stats.rows).toBe(0);
    expect(JSON.stringify(r)).not.toContain(marker);
  });

  // One rule for every source: git never follows links, and a published plain folder leaves them
  // out of its file list, so validation does not follow them either (it would check a file that
  // is then not published).
  it.each([
    ['a file', 'data.csv', 'real/data.csv', '"data.csv" is a symlink'],
    ['a folder', 'data', 'real', '"data/data.csv" goes through "data", which is a symlink'],
  ])('a symlink to %s that stays inside the dataset is a path-error too', async (_what, link, to, message) => {
    const path = link === 'data' ? 'data/data.csv' : 'data.csv';
    const dir = await testdir({ 'datapackage.json': pkg([res(path)]), 'real/data.csv': 'id,name\n1,a\n' });
    await symlink(join(dir, to), join(dir, link));
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'pointer'])).toEqual([['path-error', '/resources/0/path']]);
    expect(r.errors[0]?.message).toContain(message);
    expect(r.stats.rows).toBe(0);
  });

  it.each(['../outside.csv', '/etc/passwd', 'data/../../x.csv', 'C:/data.csv', 'data\\x.csv'])(
    '"%s" is a path-error with a pointer',
    async (path) => {
      const dir = await testdir({ 'datapackage.json': pkg([{ name: 'data', path, schema: { fields: [{ name: 'id' }] } }]) });
      const r = await validateDir(dir);
      const pathErrors = r.errors.filter((e) => e.code === 'path-error');
      expect(pathErrors.length).toBeGreaterThan(0);
      expect(pathErrors[0]?.pointer).toBe('/resources/0/path');
      expect(pathErrors[0]?.lineNumber).toBeGreaterThan(0);
      expect(r.stats.rows).toBe(0);
    },
  );
});

describe('file content', () => {
  it('a git-LFS pointer is an lfs-error and is not validated as data', async () => {
    const pointer =
      'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n';
    const dir = await testdir({ 'datapackage.json': pkg([res('data.csv')]), 'data.csv': pointer });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'path'])).toEqual([['lfs-error', 'data.csv']]);
    expect(r.errors[0]?.message).toMatch(/git lfs pull|lfs: true/);
    expect(r.stats.rows).toBe(0);
  });

  it('invalid UTF-8 and NUL bytes are encoding-errors at their lines (UTF-8 declared: no detection)', async () => {
    const bytes = Buffer.concat([Buffer.from('id,name\n1,ok\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n3,a\0b\n')]);
    const dir = await testdir({ 'datapackage.json': pkg([{ ...res('data.csv'), encoding: 'utf-8' }]), 'data.csv': bytes });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'lineNumber'])).toEqual([
      ['encoding-error', 3],
      ['encoding-error', 4],
    ]);
    expect(r.errors[0]?.message).toContain('0xe9');
  });

  it('a declared legacy encoding is honoured', async () => {
    const dir = await testdir({
      'datapackage.json': pkg([{ ...res('data.csv'), encoding: 'windows-1252' }]),
      'data.csv': Buffer.concat([Buffer.from('id,name\n1,caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    });
    expect((await validateDir(dir)).errors).toEqual([]);
  });

  it('BOM + CRLF: valid, and problems are on the right lines', async () => {
    const csv = '\uFEFFid,name\r\n1,a\r\nné,b\r\n3,c\r\n';
    const dir = await testdir({ 'datapackage.json': pkg([res('data.csv')]), 'data.csv': csv });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'rowNumber', 'lineNumber', 'fieldName', 'cell'])).toEqual([['type-error', 3, 3, 'id', 'né']]);
  });

  it('a type error after a multi-line quoted cell: line differs from row', async () => {
    const csv = 'id,name\n1,"first\nsecond\nthird"\noops,b\n';
    const dir = await testdir({ 'datapackage.json': pkg([res('data.csv')]), 'data.csv': csv });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'rowNumber', 'lineNumber', 'fieldNumber'])).toEqual([['type-error', 3, 5, 1]]);
  });

  it('a row with 200,000 cells is refused with a clear error, not buffered forever', async () => {
    const dir = await testdir({ 'datapackage.json': pkg([res('data.csv')]), 'data.csv': 'id,name\n' + ','.repeat(200_000) + '\n' });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'lineNumber'])).toEqual([['source-error', 2]]);
  });

  it('a 5 MB cell is read fine', async () => {
    const dir = await testdir({ 'datapackage.json': pkg([res('data.csv')]), 'data.csv': `id,name\n1,"${'x'.repeat(5_000_000)}"\n` });
    const r = await validateDir(dir);
    expect(r.errors).toEqual([]);
    expect(r.stats.rows).toBe(1);
  });

  it('declared bytes and hash (md5 by default, or algorithm:hex) are checked', async () => {
    const { createHash } = await import('node:crypto');
    const csv = 'id,name\n1,a\n';
    const md5 = createHash('md5').update(csv).digest('hex');
    const sha = createHash('sha256').update(csv).digest('hex');
    const ok = await testdir({
      'datapackage.json': pkg([
        { ...res('data.csv'), bytes: csv.length, hash: md5 },
        { ...res('b.csv'), hash: `sha256:${sha}` },
      ]),
      'data.csv': csv,
      'b.csv': csv,
    });
    expect((await validateDir(ok)).errors).toEqual([]);
    const bad = await testdir({
      'datapackage.json': pkg([{ ...res('data.csv'), bytes: 3, hash: `sha256:${'0'.repeat(64)}` }]),
      'data.csv': csv,
    });
    expect(flatten((await validateDir(bad)).errors, ['code', 'pointer'])).toEqual([
      ['byte-count', '/resources/0/bytes'],
      ['hash-count', '/resources/0/hash'],
    ]);
  });

  it('labels compare case-insensitively when the dialect says so', async () => {
    const files = (caseSensitiveHeader: boolean) => ({
      'datapackage.json': pkg([{ ...res('data.csv'), dialect: { caseSensitiveHeader } }]),
      'data.csv': 'ID,Name\n1,a\n',
    });
    expect(flatten((await validateDir(await testdir(files(true)))).errors, ['code', 'fieldNumber'])).toEqual([
      ['incorrect-label', 1],
      ['incorrect-label', 2],
    ]);
    expect((await validateDir(await testdir(files(false)))).errors).toEqual([]);
  });

  it('a missing data file is a source-error naming the file', async () => {
    const dir = await testdir({ 'datapackage.json': pkg([res('data/missing.csv')]) });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'path', 'pointer'])).toEqual([['source-error', 'datapackage.json', '/resources/0/path']]);
    expect(r.errors[0]?.lineNumber).toBeGreaterThan(1);
    expect(r.errors[0]?.message).toContain('"data/missing.csv" does not exist');
  });
});

describe('the descriptor', () => {
  it('100,000 levels of nesting are refused without a crash', async () => {
    const dir = await testdir({ 'datapackage.json': '{"name":"x","resources":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}' });
    const r = await validateDir(dir);
    expect(r.errors[0]?.code).toBe('descriptor-error');
    expect(r.errors[0]?.message).toMatch(/nest|deep/i);
  });

  it('duplicate keys and __proto__ are reported with their line and column', async () => {
    const text =
      '{\n  "name": "a",\n  "name": "b",\n  "__proto__": {"polluted": true},\n  "resources": [{"name": "r", "path": "r.csv"}]\n}\n';
    const dir = await testdir({ 'datapackage.json': text, 'r.csv': 'a\n1\n' });
    const r = await validateDir(dir);
    const located = flatten(
      r.errors.filter((e) => e.code === 'descriptor-error'),
      ['lineNumber', 'columnNumber'],
    );
    expect(located).toContainEqual([3, 3]);
    expect(located).toContainEqual([4, 3]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a syntax error names its line and column', async () => {
    const dir = await testdir({ 'datapackage.json': '{\n  "name": "a",\n  "resources": [,]\n}\n' });
    const r = await validateDir(dir);
    expect(r.errors[0]).toMatchObject({ code: 'descriptor-error', path: 'datapackage.json', lineNumber: 3 });
  });
});

describe('keys', () => {
  const spending = (rows: string) => `id,code\n${rows}`;
  const fields = [
    { name: 'id', type: 'integer' },
    { name: 'code', type: 'string' },
  ];

  it('a dangling foreign key is reported at its row and line', async () => {
    const dir = await testdir({
      'datapackage.json': pkg([
        {
          name: 'spending',
          path: 'spending.csv',
          schema: { fields, foreignKeys: [{ fields: 'code', reference: { resource: 'codes', fields: 'code' } }] },
        },
        { name: 'codes', path: 'codes.csv', schema: { fields: [{ name: 'code' }, { name: 'title' }], primaryKey: 'code' } },
      ]),
      'spending.csv': spending('1,A\n2,"B"\n3,Z\n4,\n'),
      'codes.csv': 'code,title\nA,Alpha\nB,Beta\n',
    });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'resource', 'rowNumber', 'lineNumber', 'cell'])).toEqual([['foreign-key', 'spending', 4, 4, 'Z']]);
  });

  it('multi-field foreign keys, self-references and cycles', async () => {
    const dir = await testdir({
      'datapackage.json': pkg([
        {
          name: 'a',
          path: 'a.csv',
          schema: {
            fields: [{ name: 'id' }, { name: 'parent' }, { name: 'x' }, { name: 'y' }],
            primaryKey: 'id',
            foreignKeys: [
              { fields: 'parent', reference: { resource: '', fields: 'id' } },
              { fields: ['x', 'y'], reference: { resource: 'b', fields: ['x', 'y'] } },
            ],
          },
        },
        {
          name: 'b',
          path: 'b.csv',
          schema: {
            fields: [{ name: 'x' }, { name: 'y' }, { name: 'a' }],
            foreignKeys: [{ fields: 'a', reference: { resource: 'a', fields: 'id' } }],
          },
        },
      ]),
      'a.csv': 'id,parent,x,y\n1,,p,q\n2,1,p,q\n3,9,p,r\n4,3,,\n',
      'b.csv': 'x,y,a\np,q,1\np,q,7\n',
    });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['resource', 'rowNumber', 'code', 'cell'])).toEqual([
      ['a', 4, 'foreign-key', 'p, r'],
      ['a', 4, 'foreign-key', '9'], // a self-reference is checked once the table is read
      ['b', 3, 'foreign-key', '7'],
    ]);
  });

  it('a duplicate (composite) primary key', async () => {
    const dir = await testdir({
      'datapackage.json': pkg([
        { name: 'd', path: 'd.csv', schema: { fields: [{ name: 'y', type: 'integer' }, { name: 'r' }], primaryKey: ['y', 'r'] } },
      ]),
      'd.csv': 'y,r\n2020,N\n2020,S\n2021,N\n02020,S\n',
    });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'rowNumber', 'lineNumber'])).toEqual([['primary-key', 5, 5]]);
  });
});

describe('OpenSpending descriptors', () => {
  const os = (mapping: object, fields = ['pk', 'budget', 'budget_date']) => ({
    name: 'os',
    title: 'OS',
    profiles: ['openspending', 'tabular'],
    owner: 'someone',
    location: 'GB',
    mapping,
    resources: [{ name: 'budget', path: 'budget.csv', schema: { fields: fields.map((name) => ({ name })) } }],
  });
  const tx = (id: string) => ({
    transaction: {
      value: { currency: 'USD', factor: 1 },
      attributes: { id: [id], amount: ['budget/budget'], date: ['budget/budget_date'], title: ['budget/pk'] },
    },
  });

  it('a mapping naming a field that does not exist: mapping-error with pointer and line', async () => {
    const dir = await testdir({ 'datapackage.json': os(tx('budget/nope')), 'budget.csv': 'pk,budget,budget_date\n1,2,3\n' });
    const r = await validateDir(dir);
    const m = r.errors.find((e) => e.code === 'mapping-error');
    expect(m).toMatchObject({ pointer: '/mapping/transaction/attributes/id/0', path: 'datapackage.json' });
    expect(m?.lineNumber).toBeGreaterThan(1);
    expect(m?.message).toContain('nope');
  });

  it('owner must be the repository owner', async () => {
    const dir = await testdir({ 'datapackage.json': os(tx('budget/pk')), 'budget.csv': 'pk,budget,budget_date\n1,2,3\n' });
    const r = await validateDir(dir, { repositoryOwner: 'someone-else' });
    expect(r.errors.map((e) => e.code)).toContain('owner-mismatch');
    const ok = await validateDir(dir, { repositoryOwner: 'SomeOne' });
    expect(ok.errors.map((e) => e.code)).not.toContain('owner-mismatch');
  });

  it('COFOG codes of the functional taxonomy are checked row by row', async () => {
    const { readFile } = await import('node:fs/promises');
    const dir = await testdir({
      'datapackage.json': await readFile('examples/city-budget/datapackage.json', 'utf8'),
      'data/spending.csv': await readFile('examples/city-budget/data/spending.csv'),
      'data/suppliers.csv': await readFile('examples/city-budget/data/suppliers.csv'),
      'data/functions.csv':
        'code,title,cofog\nGPS,General,01.1\nENV-W,Waste,5.1\nENV-R,Pollution,13.2\nEDU,Education,09.1\nHLT,Health,07.2\nTRN,Transport,04.5\n',
    });
    const r = await validateDir(dir);
    expect(flatten([...r.errors, ...r.warnings], ['code', 'severity', 'resource', 'rowNumber', 'cell'])).toEqual([
      ['constraint-error', 'error', 'functions', 3, '5.1'], // the example's own pattern on the field
      ['mapping-error', 'error', 'functions', 4, '13.2'],
      ['mapping-error', 'warning', 'functions', 3, '5.1'],
    ]);
  });

  it('--strict turns spec-drift warnings into errors', async () => {
    const d = { ...os(tx('budget/pk')), profiles: { openspending: '*', tabular: '*' } };
    const dir = await testdir({ 'datapackage.json': d, 'budget.csv': 'pk,budget,budget_date\n1,2,3\n' });
    const lax = await validateDir(dir);
    expect(lax.warnings.map((w) => w.code)).toContain('spec-drift');
    expect(lax.errors.map((e) => e.code)).not.toContain('spec-drift');
    const strict = await validateDir(dir, { strict: true });
    expect(strict.errors.map((e) => e.code)).toContain('spec-drift');
    expect(strict.valid).toBe(false);
  });
});

describe('the examples that ship with the project', () => {
  it.each(['examples/city-budget', 'examples/regional-population'])('%s is valid with no warnings', async (dir) => {
    const r = await validateDir(dir);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.stats.rows).toBeGreaterThan(0);
  });

  it('a broken copy of city-budget reports precisely', async () => {
    const { readFile } = await import('node:fs/promises');
    const dp = await readFile('examples/city-budget/datapackage.json', 'utf8');
    const csv = (await readFile('examples/city-budget/data/spending.csv', 'utf8')).replace(
      '2024-0007,2024-03-11,7350.25',
      '2024-0007,2024-03-11,7350,25',
    );
    const dir = await testdir({
      'datapackage.json': dp,
      'data/spending.csv': csv,
      'data/functions.csv': await readFile('examples/city-budget/data/functions.csv'),
      'data/suppliers.csv': await readFile('examples/city-budget/data/suppliers.csv'),
    });
    await writeFile(join(dir, 'data/functions.csv'), 'code,title,cofog\nGPS,General public services,01.1\n', { flag: 'w' });
    const r = await validateDir(dir);
    const flat = flatten(r.errors, ['code', 'rowNumber', 'lineNumber']);
    // "7350,25" adds a cell: row 8 starts on line 9 (the quoted cell of row 4 spans two lines)
    expect(flat).toContainEqual(['extra-cell', 8, 9]);
    expect(flat.filter(([c]) => c === 'foreign-key').length).toBeGreaterThan(0);
  });
});

/** Storage settings of the developer's environment left out: each publish test gives its own. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^OS_(STORAGE|ACCESS|SECRET)/.test(k)));
const s3Env = (s3: TestS3) => ({
  OS_STORAGE_BUCKET_NAME: s3.bucket,
  OS_STORAGE_ENDPOINT: s3.endpoint,
  OS_ACCESS_KEY_ID: 'S3RVER',
  OS_SECRET_ACCESS_KEY: 'S3RVER',
});
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { base: cleanEnv, env });

/** A valid dataset outside the one under test, whose only row holds a unique marker. */
async function outsideDataset(): Promise<{ dir: string; marker: string }> {
  const marker = `MARKER-${randomUUID()}`;
  const dir = await testdir({
    'datapackage.json': pkg([res('data.csv')], { name: `outside-${marker.toLowerCase()}`, owner: 'mallory' }),
    'data.csv': `id,name\n1,${marker}\n`,
  });
  return { dir, marker };
}

describe('a descriptor reached through a symlink is never read', () => {
  it.each([
    ['DIR/datapackage.json', true],
    ['DIR', false],
  ])('validate %s: exit 2 naming the file, nothing of the outside descriptor shown', async (_form, file) => {
    const outside = await outsideDataset();
    const dir = await testdir({ 'data.csv': 'id,name\n1,a\n' });
    await symlink(join(outside.dir, 'datapackage.json'), join(dir, 'datapackage.json'));
    const run = await cli(['validate', file ? join(dir, 'datapackage.json') : dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `os-datastore: ${join(dir, 'datapackage.json')} is a symlink; a descriptor is never read through a link: commit or copy the real file there\n`,
    );
    expect(run.stdout + run.stderr).not.toContain(outside.marker);
  });

  it('publish DIR/datapackage.json: exit 2, the bucket stays empty', async () => {
    const s3 = await startS3();
    const outside = await outsideDataset();
    const dir = await testdir({ 'data.csv': 'id,name\n1,a\n' });
    await symlink(join(outside.dir, 'datapackage.json'), join(dir, 'datapackage.json'));
    const run = await cli(['publish', join(dir, 'datapackage.json')], s3Env(s3));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${join(dir, 'datapackage.json')} is a symlink; a descriptor is never read through a link: commit or copy the real file there`,
    );
    expect(run.stdout + run.stderr).not.toContain(outside.marker);
    expect((await s3.objects()).size).toBe(0);
  });
});

describe('a dataset folder that is a symlink into another repository', () => {
  it('openGitDataset refuses it, and publish writes nothing', async () => {
    const s3 = await startS3();
    const outside = await outsideDataset();
    const other = await gitdir({
      'datapackage.json': JSON.parse(await readFile(join(outside.dir, 'datapackage.json'), 'utf8')),
      'data.csv': await readFile(join(outside.dir, 'data.csv')),
    });
    const repo = await gitdir({ 'README.md': 'a dataset repository\n', ds: { symlink: other } });
    await expect(openGitDataset(join(repo, 'ds'))).rejects.toThrow(
      new SourceUnavailableError(
        `${join(repo, 'ds')}: "${join(repo, 'ds')}" is a symlink; a dataset folder is never read through a link inside a repository: give the real folder`,
      ),
    );
    // a folder of the other repository, reached through the link
    await expect(openGitDataset(join(repo, 'ds', '.'))).rejects.toThrow(SourceUnavailableError);
    const run = await cli(['publish', join(repo, 'ds')], s3Env(s3));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is a symlink; a dataset folder is never read through a link inside a repository');
    expect(run.stdout + run.stderr).not.toContain(outside.marker);
    expect((await s3.objects()).size).toBe(0);
  });

  it('a repository reached through a link that is not inside a repository is read', async () => {
    const repo = await gitdir({ 'datapackage.json': pkg([res('data.csv')]), 'data.csv': 'id,name\n1,a\n' });
    const links = await testdir();
    await symlink(repo, join(links, 'repo'));
    const ds = await openGitDataset(join(links, 'repo'));
    expect(ds.files.map((f) => f.path).sort()).toEqual(['data.csv', 'datapackage.json']);
    await ds.close();
  });
});

describe('the descriptor size is checked before it is read', () => {
  const tooLarge = (size: string) =>
    `datapackage.json is ${size}, more than the 10 MiB limit for a descriptor; move inline data out of the descriptor into CSV resources`;

  it('a 3 GiB (sparse) datapackage.json on disk: one descriptor-error, exit 1, no internal error', async () => {
    const dir = await testdir();
    await truncate(join(dir, 'datapackage.json'), 3 * 1024 ** 3).catch(async () => {
      await writeFile(join(dir, 'datapackage.json'), '');
      await truncate(join(dir, 'datapackage.json'), 3 * 1024 ** 3);
    });
    const r = await validateDir(dir);
    expect(flatten(r.errors, ['code', 'path', 'lineNumber', 'message'])).toEqual([
      ['descriptor-error', 'datapackage.json', 1, tooLarge('3 GiB')],
    ]);
    const run = await cli(['validate', join(dir, 'datapackage.json'), '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('internal error');
    expect(JSON.parse(run.stdout).errors.map((e: { message: string }) => e.message)).toEqual([tooLarge('3 GiB')]);
  });

  it("in git: from the blob size (11 MiB) and from an LFS pointer's size (3 GiB), before reading", async () => {
    const big = await gitdir({ 'datapackage.json': `{"name": "x", "resources": []${' '.repeat(11 * 1024 * 1024)}}` });
    const ds = await openGitDataset(big);
    expect(flatten((await validatePackage(ds.source)).errors, ['code', 'message'])).toEqual([['descriptor-error', tooLarge('11.0 MiB')]]);
    await ds.close();
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize ${3 * 1024 ** 3}\n`;
    // no LFS server anywhere: the object would be fetched only if the size were not checked first
    const lfs = await openGitDataset(await gitdir({ 'datapackage.json': pointer }));
    expect(flatten((await validatePackage(lfs.source)).errors, ['code', 'message'])).toEqual([['descriptor-error', tooLarge('3 GiB')]]);
    await lfs.close();
  });

  it('a source that does not know the size stops reading just past the limit', async () => {
    let pulled = 0;
    const endless = async function* (): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield new Uint8Array(1024 * 1024);
      }
    };
    await expect(readAtMost(null, endless)).rejects.toThrow(DescriptorTooLargeError);
    expect(pulled).toBe(11);
    const r = await validatePackage({
      root: '.',
      descriptorPath: 'datapackage.json',
      readDescriptor: () => readAtMost(null, endless),
      open: () => Promise.reject(new Error('not asked')),
    });
    expect(r.errors.map((e) => e.message)).toEqual([
      'datapackage.json is larger than the 10 MiB limit for a descriptor; move inline data out of the descriptor into CSV resources',
    ]);
  });
});

describe('remote resources (--allow-remote) are bounded', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  /** A real HTTP server on 127.0.0.1; `requests` counts what reached it. */
  async function serve(handler: Handler): Promise<{ base: string; requests: () => number }> {
    let n = 0;
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => {
      n++;
      handler(req, res);
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => n };
  }
  const remote = (url: string) =>
    testdir({
      'datapackage.json': pkg([{ name: 'data', path: url, schema: { fields: [{ name: 'id', type: 'integer' }, { name: 'name' }] } }]),
    });
  const privateOk = (more: RemotePolicy = {}) => ({ remote: { allowPrivate: true, ...more } });

  it('a loopback address is refused by default, before any request; --allow-private-remote allows it', async () => {
    const marker = `MARKER-${randomUUID()}`;
    const server = await serve((_req, res) => res.end(`id,name\n1,${marker}\n`));
    const dir = await remote(`${server.base}/data.csv`);
    const r = await validateDir(dir, { allowRemote: true });
    expect(flatten(r.errors, ['code', 'pointer'])).toEqual([['source-error', '/resources/0/path']]);
    expect(r.errors[0]?.message).toBe(
      `resource "data": ${server.base}/data.csv was not fetched: 127.0.0.1 is a loopback address (127.0.0.0/8); remote resources are read from public addresses only (keep the data in the repository, or allow private addresses with --allow-private-remote)`,
    );
    expect(server.requests()).toBe(0);
    const refused = await cli(['validate', dir, '--allow-remote']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('--allow-private-remote');
    expect(refused.stdout + refused.stderr).not.toContain(marker);
    expect(server.requests()).toBe(0);
    const allowed = await cli(['validate', dir, '--allow-remote', '--allow-private-remote', '--json']);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).stats.rows).toBe(1);
    expect(server.requests()).toBe(1);
  });

  it('without --allow-remote the warning names a flag that exists', async () => {
    const dir = await remote('https://example.invalid/data.csv');
    const run = await cli(['validate', dir, '--json']);
    expect(run.code).toBe(0);
    const [warning] = JSON.parse(run.stdout).warnings as Array<{ code: string; message: string }>;
    expect(warning?.message).toContain('"os-datastore validate --allow-remote"');
    expect((await cli(['validate', '--help'])).stdout).toContain('--allow-remote');
  });

  it('redirects: at most 5 are followed, and never to another scheme', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      else res.writeHead(302, { location: '/loop' }).end();
    });
    const loop = await validateDir(await remote(`${server.base}/loop`), { allowRemote: true }, privateOk());
    expect(flatten(loop.errors, ['code'])).toEqual([['source-error']]);
    expect(loop.errors[0]?.message).toMatch(/could not be fetched \(too many redirects \(last to \/loop\)\)/);
    expect(server.requests()).toBe(6);
    const file = await validateDir(await remote(`${server.base}/file`), { allowRemote: true }, privateOk());
    expect(file.errors[0]?.message).toContain('file: URLs are not supported (http or https only)');
    expect(file.errors[0]?.message).not.toContain('root:');
  });

  it(`a Content-Length over the ${REMOTE_LIMITS.maxBytes / 1024 ** 3} GiB limit is refused before the body is read`, async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(2 * 1024 ** 3) });
      res.write('id,name\n');
    });
    const r = await validateDir(await remote(`${server.base}/huge.csv`), { allowRemote: true }, privateOk());
    expect(flatten(r.errors, ['code', 'message'])).toEqual([
      [
        'source-error',
        `resource "data": ${server.base}/huge.csv is 2 GiB, more than the 1 GiB limit for a remote resource; keep the data in the repository (in Git LFS if it is large)`,
      ],
    ]);
    expect(r.stats.rows).toBe(0);
  });

  it('a body without a length stops at the limit', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('id,name\n');
      const row = '1,a\n'.repeat(16 * 1024);
      const more = (): void => {
        if (!res.destroyed) res.write(row, more);
      };
      more();
    });
    const r = await validateDir(await remote(`${server.base}/endless.csv`), { allowRemote: true }, privateOk({ maxBytes: 1024 * 1024 }));
    expect(flatten(r.errors, ['code', 'message'])).toEqual([
      [
        'source-error',
        `${server.base}/endless.csv: larger than the 1 MiB limit for a remote resource; keep the data in the repository (in Git LFS if it is large)`,
      ],
    ]);
  });

  it('a server that drips its answer is cut off at the total time limit, one that stops at the idle limit', async () => {
    const drip = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('id,name\n');
      const timer = setInterval(() => res.write('1,a\n'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const slow = await validateDir(await remote(`${drip.base}/slow.csv`), { allowRemote: true }, privateOk({ totalTimeoutMs: 1000 }));
    expect(flatten(slow.errors, ['code', 'message'])).toEqual([
      [
        'source-error',
        `${drip.base}/slow.csv: took longer than 1 s in all (the limit for a remote resource); keep the data in the repository, or serve it faster`,
      ],
    ]);
    const silent = await serve((_req, res) => res.writeHead(200).write('id,name\n'));
    const idle = await validateDir(await remote(`${silent.base}/idle.csv`), { allowRemote: true }, privateOk({ idleTimeoutMs: 500 }));
    expect(flatten(idle.errors, ['code', 'message'])).toEqual([
      [
        'source-error',
        `${silent.base}/idle.csv: sent nothing for 0.5 s after 8 bytes (the idle limit for a remote resource); try again, or keep the data in the repository`,
      ],
    ]);
    // and before the headers: the same limit, while connecting and waiting for the answer
    const mute = await serve(() => undefined);
    const before = await validateDir(await remote(`${mute.base}/mute.csv`), { allowRemote: true }, privateOk({ idleTimeoutMs: 500 }));
    expect(before.errors[0]?.message).toMatch(/could not be fetched \(no answer from 127\.0\.0\.1:\d+ for 0\.5 s\)/);
  });
});
