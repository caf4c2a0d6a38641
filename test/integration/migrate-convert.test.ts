/* eslint-disable @typescript-eslint/no-explicit-any -- JSON documents read back in assertions */
/**
 * `migrate MODEL.json --source DATA.csv --out DIR`: every legacy fixture (../shared/fixtures/real,
 * SOURCES.md) becomes a package our validator accepts, or the documented error naming the rule;
 * the real before/after pair made by OpenSpending's own tool is compared field by field.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { runCli } from '../support/cli.ts';
import { REAL, testdir } from '../support/tmp.ts';

const LEGACY = join(REAL, 'openspending-legacy-model');
const TEKJUR = join(REAL, 'openspending-migrate/tekjur-rikissjods');

type Obj = Record<string, any>;

async function migrate(
  model: string,
  sources: string[],
  extra: string[] = [],
): Promise<{ code: number; out: string; result: Obj; stderr: string; stdout: string }> {
  const dir = await testdir();
  const out = join(dir, 'pkg');
  const r = await runCli(['migrate', model, ...sources.flatMap((s) => ['--source', s]), '--out', out, '--json', ...extra]);
  let result: Obj = {};
  try {
    result = JSON.parse(r.stdout);
  } catch {
    /* not JSON: the test says so below */
  }
  return { code: r.code, out, result, stderr: r.stderr, stdout: r.stdout };
}

async function descriptorOf(out: string): Promise<Obj> {
  return JSON.parse(await readFile(join(out, 'datapackage.json'), 'utf8'));
}

/** Validate the written package again, independently of what migrate said. */
async function revalidate(out: string): Promise<{ valid: boolean; errors: unknown[] }> {
  const report = await validatePackage(await createFsSource(out));
  return { valid: report.valid, errors: report.errors };
}

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

const refs = (d: Obj, path: string): string[] => path.split('.').reduce((o: any, k) => o?.[k], d.mapping);

describe('every legacy fixture converts to a valid package', () => {
  it('cra: entity, classifier with cofog taxonomies, value types, views kept', async () => {
    const { code, out, result } = await migrate(join(LEGACY, 'cra/model.json'), [join(LEGACY, 'cra/cra.csv')]);
    expect(code).toBe(0);
    expect(result.status).toBe('converted');
    expect(await revalidate(out)).toEqual({ valid: true, errors: [] });
    const d = await descriptorOf(out);
    expect(d.name).toBe('cra');
    expect(d.title).toBe('Country Regional Analysis v2009');
    expect(d.location).toBe('GB');
    expect(d.profiles).toEqual(['openspending', 'tabular']);
    expect(d.mapping.transaction.value).toEqual({ currency: 'GBP', factor: 1 });
    expect(refs(d, 'transaction.attributes.amount')).toEqual(['data/amount']);
    expect(refs(d, 'transaction.attributes.date')).toEqual(['data/time.from.year']);
    expect(refs(d, 'transaction.attributes.id')).toEqual(['data/name']);
    expect(refs(d, 'entity.attributes.payer')).toEqual({
      id: ['data/from.name'],
      title: ['data/from.label'],
      description: ['data/from.description'],
    });
    expect(refs(d, 'entity.attributes.payee.id')).toEqual(['data/to.name']);
    // cofog1 is filled in every row, cofog2/3 are not: cofog1 is the functional classification.
    expect(refs(d, 'taxonomy.attributes.functional.id')).toEqual(['data/cofog1.name']);
    expect(refs(d, 'taxonomy.attributes.functional.cofog')).toEqual(['data/cofog1.name']);
    // The year column is typed from the data with the old loader's format.
    const fields = d.resources[0].schema.fields as Obj[];
    expect(fields.find((f) => f.name === 'time.from.year')).toEqual({ name: 'time.from.year', type: 'date', format: '%Y' });
    expect(fields.find((f) => f.name === 'amount')).toEqual({ name: 'amount', type: 'number' });
    expect(d.resources[0].schema.primaryKey).toBe('name');
    // Nothing dropped silently: views, other measures, classifiers and attributes are in the extension and the report.
    expect(d.openspending.views).toHaveLength(4);
    expect(d.openspending.model.views[0].breakdown).toBe('cofog1');
    expect(d.openspending.dimensions.pog).toMatchObject({
      type: 'compound',
      taxonomy: 'pog',
      label: 'Programme Object Group',
      mappedTo: [],
    });
    expect(d.openspending.dimensions.region).toMatchObject({ facet: true, label: 'Region' });
    expect(d.openspending.dimensions.cofog1.attributes.name.default_value).toBe('XX');
    const unmapped = (result.report.unmapped as Obj[]).map((u) => u.what);
    expect(unmapped).toEqual(
      expect.arrayContaining(['total', 'pog', 'region', 'cap_or_cur', 'population2006', 'cofog2', 'cofog3', 'views', 'cofog1.level']),
    );
    expect(result.report.upgrades).toContain('m2011_11_21_normalize_types');
    // The source is copied in, and its original bytes kept.
    expect(await readFile(join(out, 'archive/cra.csv'))).toEqual(await readFile(join(LEGACY, 'cra/cra.csv')));
    expect(await readFile(join(out, 'data/cra.csv'), 'utf8')).toBe(await readFile(join(LEGACY, 'cra/cra.csv'), 'utf8'));
  });

  it('--classify places a classifier no rule places', async () => {
    const { code, out, result } = await migrate(
      join(LEGACY, 'cra/model.json'),
      [join(LEGACY, 'cra/cra.csv')],
      ['--classify', 'pog=economic', '--classify', 'region=administrative'],
    );
    expect(code, JSON.stringify(result)).toBe(0);
    const d = await descriptorOf(out);
    expect(refs(d, 'taxonomy.attributes.economic')).toEqual({ id: ['data/pog.name'], title: ['data/pog.label'] });
    expect(refs(d, 'taxonomy.attributes.administrative')).toEqual({ id: ['data/region'], title: ['data/region'] });
    expect(d.openspending.dimensions.pog.mappedTo).toEqual(['taxonomy.economic.id', 'taxonomy.economic.title']);
    const bad = await migrate(join(LEGACY, 'cra/model.json'), [join(LEGACY, 'cra/cra.csv')], ['--classify', 'pog=banana']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--classify pog=banana: expected DIMENSION=KIND/);
  });

  it('simple: the key dimensions are combined into the id, unique in the data, so a primary key', async () => {
    const { code, out, result } = await migrate(
      join(LEGACY, 'simple/model.json'),
      [join(LEGACY, 'simple/simple.csv')],
      ['--currency', 'EUR'],
    );
    expect(code, JSON.stringify(result)).toBe(0);
    expect(await revalidate(out)).toEqual({ valid: true, errors: [] });
    const d = await descriptorOf(out);
    expect(refs(d, 'transaction.attributes.id')).toEqual(['data/year', 'data/to_name', 'data/func_name']);
    expect(d.resources[0].schema.primaryKey).toEqual(['year', 'to_name', 'func_name']);
    expect(refs(d, 'entity.attributes.payee')).toEqual({ id: ['data/to_name'], title: ['data/to_label'] });
    expect(refs(d, 'taxonomy.attributes.functional')).toEqual({ id: ['data/func_name'], title: ['data/func_label'] });
    expect((result.report.warnings as Obj[]).map((w) => w.code)).toContain('key-combined');
  });

  it('simple without a currency: the documented error, nothing written', async () => {
    const { code, out, stderr } = await migrate(join(LEGACY, 'simple/model.json'), [join(LEGACY, 'simple/simple.csv')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no currency.*--currency/);
    expect(await exists(out)).toBe(false);
  });

  it('csv_import-lbhf: a bare mapping (no dataset wrapper) with --name and --currency', async () => {
    const { code, out, result } = await migrate(
      join(LEGACY, 'csv_import-lbhf/mapping.json'),
      [join(LEGACY, 'csv_import-lbhf/data.csv')],
      ['--name', 'lbhf-spending', '--currency', 'GBP', '--owner', 'lbhf'],
    );
    expect(code, JSON.stringify(result)).toBe(0);
    expect(await revalidate(out)).toEqual({ valid: true, errors: [] });
    const d = await descriptorOf(out);
    expect(d.name).toBe('lbhf-spending');
    expect(d.owner).toBe('lbhf');
    expect(result.report.dialect).toBe('bare-mapping');
    expect(refs(d, 'transaction.attributes.id')).toEqual(['data/id']);
    expect(refs(d, 'entity.attributes.payer.id')).toEqual(['data/paid_by']);
    expect(refs(d, 'entity.attributes.payee.id')).toEqual(['data/paid_to']);
    // entry_id broke no_entry_namespace_overlap: converted with a warning naming the rule.
    expect((result.report.warnings as Obj[]).find((w) => w.rule === 'no_entry_namespace_overlap')).toBeTruthy();
  });

  it('osvalidate-default (the 2012 canonical model), with a CSV of its columns', async () => {
    const csv =
      'AMOUNT,COFIN,YEAR,TX,FUNCTION_ID,FUNCTION,FUNCTION_DESC,SUPPLIER_ID,SUPPLIER\n1000.50,10,2011-03-01,t1,f1,Health,,s1,Harry\n"2,500.00",20,2011-04-01,t2,f2,Education,Schools,s2,Sally\n';
    const dir = await testdir({ 'data.csv': csv });
    const { code, out, result } = await migrate(join(LEGACY, 'osvalidate-default/model.json'), [join(dir, 'data.csv')]);
    expect(code, JSON.stringify(result)).toBe(0);
    expect(await revalidate(out)).toEqual({ valid: true, errors: [] });
    const d = await descriptorOf(out);
    expect(d.location).toEqual(['DE', 'FR', 'ES']);
    expect(d.languages).toEqual(['en']);
    // A thousands separator in the amount: the old loader's comma rule, checked against the data.
    expect(d.resources[0].schema.fields.find((f: Obj) => f.name === 'AMOUNT')).toEqual({ name: 'AMOUNT', type: 'number', groupChar: ',' });
    expect(refs(d, 'taxonomy.attributes.functional')).toEqual({
      id: ['data/FUNCTION_ID'],
      title: ['data/FUNCTION'],
      description: ['data/FUNCTION_DESC'],
    });
    expect((result.report.unmapped as Obj[]).map((u) => u.what)).toEqual(
      expect.arrayContaining(['cofinance', 'supplier', 'transaction_id', 'views']),
    );
  });

  it('the 2011 dialect: compound "fields" arrays, type value/classifier, unique_keys — upgraded as osvalidate did', async () => {
    const model = {
      dataset: {
        name: 'old-2011',
        label: 'Old',
        description: 'd',
        currency: 'EUR',
        schema_version: '2011-11-01',
        unique_keys: ['function.name', 'time'],
      },
      mapping: {
        amount: { type: 'value', datatype: 'float', column: 'amount', label: 'Amount' },
        time: { type: 'value', datatype: 'date', column: 'year', label: 'Year' },
        function: {
          type: 'classifier',
          taxonomy: 'cofog',
          label: 'Function',
          fields: [{ name: 'label', datatype: 'string', column: 'func' }],
        },
        to: {
          type: 'Entity',
          label: 'Recipient',
          fields: [
            { name: 'name', datatype: 'id', column: 'to_id' },
            { name: 'label', datatype: 'string', column: 'to_label' },
          ],
        },
      },
    };
    const dir = await testdir({ 'model.json': model, 'data.csv': 'amount,year,func,to_id,to_label\n10,2010,01.1,a,A\n20,2011,01.1,b,B\n' });
    const { code, out, result } = await migrate(join(dir, 'model.json'), [join(dir, 'data.csv')]);
    expect(code, JSON.stringify(result)).toBe(0);
    expect(result.report.upgrades).toEqual([
      'm2011_11_20_require_name_attribute',
      'm2011_11_21_normalize_types',
      'm2011_11_22_unique_keys',
      'm2011_12_07_attributes_dictionary',
      'm2012_05_29_add_category',
    ]);
    const d = await descriptorOf(out);
    // The name attribute the first migration added reads the label's column; unique_keys made function and time the key.
    expect(refs(d, 'transaction.attributes.id')).toEqual(['data/year', 'data/func']);
    expect(refs(d, 'taxonomy.attributes.functional')).toEqual({ id: ['data/func'], title: ['data/func'], cofog: ['data/func'] });
    expect(refs(d, 'entity.attributes.payee')).toEqual({ id: ['data/to_id'], title: ['data/to_label'] });
    expect(await revalidate(out)).toEqual({ valid: true, errors: [] });
  });

  it('the spendb (2015) dialect: babbage measures and dimensions, the facts "_id" as the row id', async () => {
    const model = {
      dataset: { name: 'cra-spendb', label: 'CRA', description: 'spendb', currency: 'GBP', territories: ['GB'], private: false },
      model: {
        measures: { amount: { column: 'amount', label: 'Amount', type: 'number' } },
        dimensions: {
          from: {
            label: 'Spender',
            key_attribute: 'name',
            label_attribute: 'label',
            attributes: { name: { column: 'paid_by', type: 'string' }, label: { column: 'paid_by_label' } },
          },
          time: { label: 'Time', key_attribute: 'year', attributes: { year: { column: 'date', type: 'integer' } } },
        },
      },
      fields: [{ name: 'amount', title: 'Amount', type: 'decimal' }],
    };
    const dir = await testdir({
      'model.json': model,
      'facts.csv': '_id,amount,paid_by,paid_by_label,date\nr1,5,dwp,DWP,2010\nr2,6,hmt,HMT,2011\n',
    });
    const { code, out, result } = await migrate(join(dir, 'model.json'), [join(dir, 'facts.csv')]);
    expect(code, JSON.stringify(result)).toBe(0);
    expect(result.report.dialect).toBe('spendb');
    const d = await descriptorOf(out);
    expect(refs(d, 'transaction.attributes.id')).toEqual(['data/_id']);
    expect(refs(d, 'transaction.attributes.date')).toEqual(['data/date']);
    expect(refs(d, 'entity.attributes.payer')).toEqual({ id: ['data/paid_by'], title: ['data/paid_by_label'] });
    expect(await revalidate(out)).toEqual({ valid: true, errors: [] });
  });

  it('a Latin-1 source with a BOM-less header is copied in as UTF-8, the original bytes archived', async () => {
    const latin1 = Buffer.from(
      'amount,year,to_name,to_label,func_name,func_label,field\n10,2010,a,Société Générale,f,Fonction,x\n',
      'latin1',
    );
    const dir = await testdir({ 'data.csv': latin1 });
    const { code, out, result } = await migrate(join(LEGACY, 'simple/model.json'), [join(dir, 'data.csv')], ['--currency', 'EUR']);
    expect(code, JSON.stringify(result)).toBe(0);
    expect(await readFile(join(out, 'data/data.csv'), 'utf8')).toContain('Société Générale');
    expect(await readFile(join(out, 'archive/data.csv'))).toEqual(latin1);
    expect(result.report.resources[0].encoding).toBe('windows-1252');
  });
});

describe('sources as the old loader read them', () => {
  it('empty lines are left out of the copy (the old csv reader skipped them), with a warning; the original is archived', async () => {
    const csv =
      'year,amount,field,to_name,to_label,func_name,func_label\n2010,200,foo,bcorp,Big Corp,food,Food\n\n2009,10,bar,acorp,A,food,Food\n\n';
    const dir = await testdir({ 'blank.csv': csv });
    const { code, out, result } = await migrate(join(LEGACY, 'simple/model.json'), [join(dir, 'blank.csv')], ['--currency', 'EUR']);
    expect(code, JSON.stringify(result)).toBe(0);
    expect(await readFile(join(out, 'data/blank.csv'), 'utf8')).toBe(
      'year,amount,field,to_name,to_label,func_name,func_label\n2010,200,foo,bcorp,Big Corp,food,Food\n2009,10,bar,acorp,A,food,Food\n',
    );
    expect(await readFile(join(out, 'archive/blank.csv'), 'utf8')).toBe(csv);
    expect((result.report.warnings as Obj[]).find((w) => w.code === 'blank-lines')?.message).toMatch(/2 empty lines left out/);
  });
});

describe('impossible models are a clear error naming the rule; nothing is written', () => {
  const base = async (): Promise<Obj> => JSON.parse(await readFile(join(LEGACY, 'osvalidate-default/model.json'), 'utf8'));
  const csv = 'AMOUNT,COFIN,YEAR,TX,FUNCTION_ID,FUNCTION,FUNCTION_DESC,SUPPLIER_ID,SUPPLIER\n1,1,2011,t,f,F,,s,S\n';
  const cases: Array<[string, (m: Obj) => void, RegExp]> = [
    ['no time', (m) => delete m.mapping.time, /require_time_dimension/],
    [
      'time not a date',
      (m) => (m.mapping.time = { type: 'value', datatype: 'string', column: 'YEAR', label: 'T' }),
      /require_time_dimension/,
    ],
    ['no amount', (m) => delete m.mapping.amount, /require_amount_dimension/],
    ['no key', (m) => delete m.mapping.function.key, /require_one_key_column/],
    ['a name with a space', (m) => (m.mapping['ba nana'] = { type: 'value', datatype: 'string', column: 'TX', label: 'B' }), /valid_name/],
    ['a measure without a column', (m) => delete m.mapping.amount.column, /measure_column/],
    ['a dataset name that is not a name', (m) => (m.dataset.name = 'not a name!'), /database_name/],
    ['no mapping at all', (m) => delete m.mapping, /no-model/],
  ];
  for (const [title, change, rule] of cases) {
    it(title, async () => {
      const m = await base();
      change(m);
      const dir = await testdir({ 'model.json': m, 'data.csv': csv });
      const { code, out, stderr, result } = await migrate(join(dir, 'model.json'), [join(dir, 'data.csv')]);
      expect(code).toBe(1);
      expect(stderr).toMatch(rule);
      expect(stderr).toMatch(/model\.json(:\d+:\d+)?: /);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(result.status).toBe('failed');
      expect(await exists(out)).toBe(false);
      expect((await readdir(dir)).filter((f) => f.startsWith('pkg'))).toEqual([]);
    });
  }

  const warned: Array<[string, (m: Obj) => void, string]> = [
    ['a dimension without a label', (m) => delete m.mapping.supplier.label, 'nonempty_string'],
    ['a compound without a name attribute', (m) => delete m.mapping.supplier.attributes.name, 'compound_attributes'],
    ['a name over 30 characters', (m) => (m.dataset.name = 'a-dataset-name-longer-than-thirty-characters'), 'database_name'],
    [
      'a dimension and its _id overlap',
      (m) => (m.mapping.supplier_id = { type: 'value', datatype: 'string', column: 'SUPPLIER_ID', label: 'S' }),
      'no_dimension_id_overlap',
    ],
  ];
  for (const [title, change, rule] of warned) {
    it(`${title}: the old rule is only a warning`, async () => {
      const m = await base();
      change(m);
      const dir = await testdir({ 'model.json': m, 'data.csv': csv });
      const { code, result } = await migrate(join(dir, 'model.json'), [join(dir, 'data.csv')]);
      expect(code, JSON.stringify(result)).toBe(0);
      expect((result.report.warnings as Obj[]).some((w) => w.rule === rule)).toBe(true);
    });
  }

  it('an unsupported dialect is named', async () => {
    const dir = await testdir({ 'model.json': { measures: 1 }, 'data.csv': csv });
    const { code, stderr } = await migrate(join(dir, 'model.json'), [join(dir, 'data.csv')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/unsupported dialect/);
  });

  it("a source without the model's columns names the file and the column", async () => {
    const dir = await testdir({ 'data.csv': 'a,b\n1,2\n' });
    const { code, stderr, out } = await migrate(join(LEGACY, 'cra/model.json'), [join(dir, 'data.csv')]);
    expect(code).toBe(1);
    expect(stderr).toContain(join(dir, 'data.csv'));
    expect(stderr).toMatch(/no column "amount"/);
    expect(await exists(out)).toBe(false);
  });

  it('a missing source or model file is bad usage (exit 2)', async () => {
    const r1 = await migrate(join(LEGACY, 'cra/model.json'), ['/nonexistent/data.csv']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/\/nonexistent\/data\.csv: no such file/);
    const r2 = await runCli(['migrate', '/nonexistent/model.json', '--source', 'x.csv', '--out', '/tmp/x']);
    expect(r2.code).toBe(2);
  });

  it('an existing output folder is kept unless --force', async () => {
    const first = await migrate(join(LEGACY, 'cra/model.json'), [join(LEGACY, 'cra/cra.csv')]);
    expect(first.code).toBe(0);
    const again = await runCli(['migrate', join(LEGACY, 'cra/model.json'), '--source', join(LEGACY, 'cra/cra.csv'), '--out', first.out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists.*--force/);
    const forced = await runCli([
      'migrate',
      join(LEGACY, 'cra/model.json'),
      '--source',
      join(LEGACY, 'cra/cra.csv'),
      '--out',
      first.out,
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^converted: cra → /);
  });
});

describe('the real before/after pair (openspending-migrate, tekjur-rikissjods)', () => {
  /**
   * OpenSpending's own package (datapackage.json) maps the cube export dataset.csv. Ours, from
   * the same file, must point at the same columns for amount, date and classifications, with
   * the same currency and territory.
   */
  it("from the cube export: the same columns as OpenSpending's own output", async () => {
    const theirs = JSON.parse(await readFile(join(TEKJUR, 'datapackage.json'), 'utf8'));
    const { code, out, result } = await migrate(join(TEKJUR, 'dataset.json'), [join(TEKJUR, 'dataset.csv')]);
    expect(code, JSON.stringify(result)).toBe(0);
    expect(await revalidate(out)).toEqual({ valid: true, errors: [] });
    const d = await descriptorOf(out);
    const col = (r: string[]): string => r[0]!.split('/')[1]!;
    // amount: theirs measures.amount.source.
    expect(col(refs(d, 'transaction.attributes.amount'))).toBe(theirs.mapping.measures.amount.source);
    // currency and territory.
    expect(d.mapping.transaction.value.currency).toBe(theirs.mapping.measures.amount.currency);
    expect([d.location].flat()).toEqual(theirs.countryCode);
    // date: theirs has the date dimension's label time_name (plus year/month/day parts, which
    // OSEP-04 does not need: a date field holds them); ours reads the same column as a date.
    expect(col(refs(d, 'transaction.attributes.date'))).toBe(theirs.mapping.dimensions.time.attributes.label.source);
    expect(d.resources[0].schema.fields.find((f: Obj) => f.name === 'time_name')).toEqual({ name: 'time_name', type: 'date' });
    // classifications: theirs keeps category and subcategory as generic dimensions (name/label);
    // ours places "category" (revenue categories: an economic classification, by rule) in the
    // taxonomy with the same name and label columns, and keeps "subcategory" (the slot is taken)
    // as fields, listed as not mapped — the same columns, nothing lost.
    expect(refs(d, 'taxonomy.attributes.economic')).toEqual({
      id: [`data/${theirs.mapping.dimensions.category.attributes.name.source}`],
      title: [`data/${theirs.mapping.dimensions.category.attributes.label.source}`],
    });
    expect(d.openspending.dimensions.subcategory.fields).toEqual({
      name: theirs.mapping.dimensions.subcategory.attributes.name.source,
      label: theirs.mapping.dimensions.subcategory.attributes.label.source,
    });
    // the id: the export's openspending_id (the old site's entry id, which cannot be recomputed).
    expect(refs(d, 'transaction.attributes.id')).toEqual(['data/openspending_id']);
    expect(d.resources[0].schema.primaryKey).toBe('openspending_id');
    // What theirs lost and ours keeps: labels, key/facet flags, default values.
    expect(d.openspending.dimensions.category).toMatchObject({
      label: 'Tekjuflokkur',
      key: true,
      facet: true,
      description: 'Revenue category',
    });
    expect(d.openspending.dimensions.amount.default_value).toBe('0');
    // ...and the report lists them, mapped dimension by mapped dimension.
    expect((result.report.unmapped as Obj[]).map((u) => u.what)).toEqual(
      expect.arrayContaining(['category (label, description, key, facet, taxonomy, default values)', 'subcategory', 'dataset.category']),
    );
    expect(d.title).toBe(theirs.title);
    expect(d.description).toBe(theirs.description);
    expect(d.owner).toBe('tryggvib');
    expect(result.report.ownerRule).toBe('the only manager');
  });

  it('from the original source (archive/2156.csv): the same model columns, through the model', async () => {
    const record = JSON.parse(await readFile(join(TEKJUR, 'dataset.json'), 'utf8'));
    const theirs = JSON.parse(await readFile(join(TEKJUR, 'datapackage.json'), 'utf8'));
    const { code, out, result } = await migrate(join(TEKJUR, 'dataset.json'), [join(TEKJUR, 'archive/2156.csv')]);
    expect(code, JSON.stringify(result)).toBe(0);
    expect(await revalidate(out)).toEqual({ valid: true, errors: [] });
    const d = await descriptorOf(out);
    const m = record.data.mapping;
    // Their cube column "amount" was loaded from the model's amount column; ours reads that column directly.
    expect(theirs.mapping.measures.amount.source).toBe('amount');
    expect(refs(d, 'transaction.attributes.amount')).toEqual([`data/${m.amount.column}`]);
    expect(refs(d, 'transaction.attributes.date')).toEqual([`data/${m.time.column}`]);
    expect(refs(d, 'taxonomy.attributes.economic.id')).toEqual([`data/${m.category.attributes.name.column}`]);
    // No single id column: the key dimensions combined, unique in the data.
    expect(refs(d, 'transaction.attributes.id')).toEqual([
      `data/${m.category.attributes.name.column}`,
      `data/${m.subcategory.attributes.name.column}`,
      `data/${m.time.column}`,
    ]);
    expect(d.resources[0].schema.primaryKey).toEqual(['Tekjuflokkur', 'Undirflokkur', 'Dagsetning']);
    expect(d.sources).toEqual([{ title: 'OpenSpending source 2156', path: record.sources[0].url }]);
    expect(d.mapping.transaction.value.currency).toBe('ISK');
  });
});
