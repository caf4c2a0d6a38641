/**
 * Data Package v2 tables (issue 16), beyond the fixture packages of v2-fixtures.test.ts: a schema
 * given as a path read safely, unimplemented v2 properties named in a warning, v2 foreign keys
 * without `resource`, inline data, and the v1 forms unchanged.
 */
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../support/tmp.ts';
import { rowFieldCode, validateDir } from '../support/report.ts';

const TABLE = 'id,name\n1,english\n2,中国人\n';
const SCHEMA = { fields: [{ name: 'id', type: 'integer' }, { name: 'name' }] };
const pkg = (resource: object): object => ({ name: 'p', resources: [{ name: 'data', path: 'data.csv', ...resource }] });

describe('a resource schema given as a path', () => {
  it('is read from the dataset and checks the rows', async () => {
    const dir = await testdir({
      'data.csv': 'id,name\n1,a\nx,b\n',
      'meta/schema.json': SCHEMA,
      'datapackage.json': pkg({ schema: 'meta/schema.json' }),
    });
    const r = await validateDir(dir);
    expect(rowFieldCode(r)).toEqual([[3, 1, 'type-error']]);
  });

  it('a dialect given as a path is read too', async () => {
    const dir = await testdir({
      'data.csv': 'title\nid;name\n1;a\n',
      'dialect.json': { delimiter: ';', headerRows: [2] },
      'datapackage.json': pkg({ schema: SCHEMA, dialect: 'dialect.json' }),
    });
    const r = await validateDir(dir);
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('a missing file is an error naming it, and the rows are not checked', async () => {
    const dir = await testdir({ 'data.csv': TABLE, 'datapackage.json': pkg({ schema: 'nope.json' }) });
    const r = await validateDir(dir);
    expect(r.valid).toBe(false);
    expect(r.errors[0]!.code).toBe('source-error');
    expect(r.errors[0]!.message).toContain('"nope.json"');
    expect(r.errors[0]!.pointer).toBe('/resources/0/schema');
    expect(r.errors.some((e) => e.rowNumber !== undefined)).toBe(false);
  });

  it('a path leaving the dataset is refused without being read', async () => {
    const dir = await testdir({ 'data.csv': TABLE, 'datapackage.json': pkg({ schema: '../schema.json' }) });
    const r = await validateDir(dir);
    expect(r.errors[0]!.code).toBe('path-error');
    expect(r.errors[0]!.message).toContain('".."');
  });

  it('a symlink is never followed', async () => {
    const outside = await testdir({ 'schema.json': SCHEMA });
    const dir = await testdir({ 'data.csv': TABLE, 'datapackage.json': pkg({ schema: 'schema.json' }) });
    await symlink(join(outside, 'schema.json'), join(dir, 'schema.json'));
    const r = await validateDir(dir);
    expect(r.valid).toBe(false);
    expect(r.errors[0]!.code).toBe('path-error');
    expect(r.errors[0]!.message).toMatch(/symlink/);
  });

  it('a file over the descriptor size limit is refused', async () => {
    const dir = await testdir({ 'data.csv': TABLE, 'datapackage.json': pkg({ schema: 'big.json' }) });
    await writeFile(join(dir, 'big.json'), `{"fields": [], "x": "${'a'.repeat(11 * 1024 * 1024)}"}`);
    const r = await validateDir(dir);
    expect(r.errors[0]!.code).toBe('descriptor-error');
    expect(r.errors[0]!.message).toMatch(/larger than the \d+-byte limit/);
  });

  it('broken JSON in the schema file is located in that file', async () => {
    const dir = await testdir({
      'data.csv': TABLE,
      'schema.json': '{"fields": [\n  {"name": "id",}\n]}',
      'datapackage.json': pkg({ schema: 'schema.json' }),
    });
    const r = await validateDir(dir);
    expect(r.errors[0]!.code).toBe('descriptor-error');
    expect(r.errors[0]!.path).toBe('schema.json');
    expect(r.errors[0]!.lineNumber).toBe(2);
  });

  it('a remote schema is not fetched', async () => {
    const dir = await testdir({ 'data.csv': TABLE, 'datapackage.json': pkg({ schema: 'https://example.org/schema.json' }) });
    const r = await validateDir(dir);
    expect(r.errors[0]!.code).toBe('descriptor-error');
    expect(r.errors[0]!.message).toContain('not fetched');
  });
});

describe('v2 properties not implemented are named in a warning', () => {
  it('nullSequence and the JSON/spreadsheet dialect properties', async () => {
    const dir = await testdir({
      'data.csv': TABLE,
      'datapackage.json': pkg({ schema: SCHEMA, dialect: { nullSequence: 'NULL', sheetName: 'x' } }),
    });
    const r = await validateDir(dir);
    expect(r.valid).toBe(true);
    expect(r.warnings.map((w) => [w.pointer, w.message.match(/dialect "(\w+)"/)?.[1]])).toEqual([
      ['/resources/0/dialect/nullSequence', 'nullSequence'],
      ['/resources/0/dialect/sheetName', 'sheetName'],
    ]);
    expect(r.warnings[0]!.message).toContain('missingValues');
  });
});

describe('v2 schema details', () => {
  it('a foreign key without reference.resource refers to its own resource', async () => {
    const dir = await testdir({
      'data.csv': 'id,parent\n1,\n2,1\n3,7\n',
      'datapackage.json': pkg({
        schema: {
          fields: [
            { name: 'id', type: 'integer' },
            { name: 'parent', type: 'integer' },
          ],
          foreignKeys: [{ fields: ['parent'], reference: { fields: ['id'] } }],
        },
      }),
    });
    expect(rowFieldCode(await validateDir(dir))).toEqual([[4, 2, 'foreign-key']]);
  });

  it('fieldsMatch on inline data', async () => {
    const dir = await testdir({
      'datapackage.json': {
        name: 'p',
        resources: [
          {
            name: 'data',
            data: [
              ['name', 'id'],
              ['a', '1'],
              ['b', 'x'],
            ],
            schema: { fieldsMatch: 'subset', fields: [{ name: 'id', type: 'integer' }] },
          },
        ],
      },
    });
    // the cell is in column 2: errors are numbered by column, as frictionless numbers them
    expect(rowFieldCode(await validateDir(dir))).toEqual([[3, 2, 'type-error']]);
  });

  it('a constraint v2 adds on a type without it is a descriptor error at its place', async () => {
    const dir = await testdir({
      'data.csv': TABLE,
      'datapackage.json': pkg({
        schema: {
          fields: [
            { name: 'id', type: 'integer' },
            { name: 'name', constraints: { exclusiveMinimum: 'a' } },
          ],
        },
      }),
    });
    const r = await validateDir(dir);
    expect(r.errors.map((e) => [e.code, e.pointer])).toEqual([
      ['descriptor-error', '/resources/0/schema/fields/1/constraints/exclusiveMinimum'],
    ]);
  });

  it('uniqueKeys and the primary key under name matching follow the columns, not the schema order', async () => {
    const dir = await testdir({
      'data.csv': 'b,a\nx,1\ny,1\nx,1\n',
      'datapackage.json': pkg({
        schema: {
          fieldsMatch: 'equal',
          fields: [{ name: 'a', type: 'integer' }, { name: 'b' }],
          primaryKey: ['a', 'b'],
          uniqueKeys: [['b']],
        },
      }),
    });
    expect(rowFieldCode(await validateDir(dir))).toEqual([
      [4, 1, 'unique-error'],
      [4, null, 'primary-key'],
    ]);
  });
});

describe('v1 forms are unchanged', () => {
  it('caseSensitiveHeader: false still matches labels ignoring case', async () => {
    const dir = await testdir({
      'data.csv': 'ID,Name\n1,a\n',
      'datapackage.json': pkg({ schema: SCHEMA, dialect: { caseSensitiveHeader: false } }),
    });
    expect(rowFieldCode(await validateDir(dir))).toEqual([]);
  });

  it('headerCase (v2) wins over caseSensitiveHeader (v1)', async () => {
    const dir = await testdir({
      'data.csv': 'ID,Name\n1,a\n',
      'datapackage.json': pkg({ schema: SCHEMA, dialect: { caseSensitiveHeader: false, headerCase: true } }),
    });
    expect(rowFieldCode(await validateDir(dir))).toEqual([
      [null, 1, 'incorrect-label'],
      [null, 2, 'incorrect-label'],
    ]);
  });

  it('a one-character commentChar skips its lines; rows keep their numbers in the file, as frictionless counts them', async () => {
    const dir = await testdir({
      'data.csv': 'id,name\n# note\n1,a\nx,b\n',
      'datapackage.json': pkg({ schema: SCHEMA, dialect: { commentChar: '#' } }),
    });
    const r = await validateDir(dir);
    expect(rowFieldCode(r)).toEqual([[4, 1, 'type-error']]);
    expect(r.resources[0]!.rows).toBe(2);
  });

  it('string missingValues work as before', async () => {
    const dir = await testdir({ 'data.csv': 'id,name\nNA,a\n', 'datapackage.json': pkg({ schema: { ...SCHEMA, missingValues: ['NA'] } }) });
    expect(rowFieldCode(await validateDir(dir))).toEqual([]);
  });
});

describe('v2 descriptor checks', () => {
  it('a uniqueKeys field that is not in the schema is a descriptor error at its place', async () => {
    const dir = await testdir({ 'data.csv': TABLE, 'datapackage.json': pkg({ schema: { ...SCHEMA, uniqueKeys: [['id', 'nme']] } }) });
    const r = await validateDir(dir);
    expect(r.errors.map((e) => [e.code, e.pointer])).toEqual([['descriptor-error', '/resources/0/schema/uniqueKeys/0/1']]);
    expect(r.errors[0]!.message).toContain('"nme"');
  });

  it('with header: false, fields are read by position whatever fieldsMatch says', async () => {
    const dir = await testdir({
      'data.csv': '1,a\nx,b\n',
      'datapackage.json': pkg({ dialect: { header: false }, schema: { ...SCHEMA, fieldsMatch: 'subset' } }),
    });
    expect(rowFieldCode(await validateDir(dir))).toEqual([[2, 1, 'type-error']]);
  });
});

describe('a descriptor-only check (the App) opens no file', () => {
  it('a schema given as a path is not read, and a warning says so', async () => {
    const dir = await testdir({ 'data.csv': TABLE, 'schema.json': SCHEMA, 'datapackage.json': pkg({ schema: 'schema.json' }) });
    const r = await validateDir(dir, { descriptorOnly: true });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.code, w.pointer])).toEqual([['descriptor-error', '/resources/0/schema']]);
    expect(r.warnings[0]!.message).toContain('does not read');
  });
});
