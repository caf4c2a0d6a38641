import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFsSource } from '../../src/adapters/fs/source.ts';
import {
  aggregateFiles,
  createAggregator,
  csvCell,
  DecimalSum,
  parseAmount,
  periodOf,
  planAggregates,
  type AggregateFile,
  type AggregatePlan,
  type AggregateResult,
} from '../../src/aggregate/index.ts';
import { checkPackage } from '../../src/pipeline/check.ts';
import type { FieldDescriptor, PackageDescriptor, ResourceDescriptor } from '../../src/package/descriptor.ts';
import { normalizeDrift } from '../../src/package/drift.ts';
import { SourceError, type PackageSource } from '../../src/package/source.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { compileField } from '../../src/validate/table/cast.ts';
import { mulberry32 } from '../../bench/generate.ts';
import { testdir } from '../support/tmp.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/city-budget/', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** A package held in memory: path → content. */
function memorySource(files: Record<string, string | Json>): PackageSource {
  const bytes = (path: string): Uint8Array | undefined => {
    const c = files[path];
    return c === undefined ? undefined : Buffer.from(typeof c === 'string' ? c : JSON.stringify(c));
  };
  return {
    root: 'mem',
    descriptorPath: 'datapackage.json',
    readDescriptor: () => Promise.resolve(bytes('datapackage.json')!),
    open(path) {
      const data = bytes(path);
      if (data === undefined) return Promise.reject(new SourceError('source-error', `${path} does not exist`));
      return Promise.resolve({
        size: data.length,
        async *stream() {
          for (let i = 0; i < data.length; i += 65536) yield data.subarray(i, i + 65536);
        },
      });
    },
  };
}

/** An OpenSpending package with one transaction resource `spend` (data/spend.csv). */
function spendPackage(fields: FieldDescriptor[], mapping: Json = {}, extra: Json = {}): Json {
  const names = fields.map((f) => f.name);
  const ref = (n: string): string[] => (names.includes(n) ? [`spend/${n}`] : []);
  const { value, taxonomy, entity, project, ...rest } = mapping as Record<string, Json | undefined>;
  return {
    name: 'spend-pkg',
    title: 'Spending',
    profiles: ['openspending', 'tabular'],
    owner: 'alice',
    mapping: {
      transaction: {
        value: { currency: 'EUR', factor: 1, ...value },
        attributes: { id: ref('id'), amount: ref('amount'), date: ref('date') },
      },
      ...(taxonomy ? { taxonomy } : {}),
      ...(entity ? { entity } : {}),
      ...(project ? { project } : {}),
      ...rest,
    },
    resources: [{ name: 'spend', path: 'data/spend.csv', schema: { fields, primaryKey: 'id' } }],
    ...extra,
  };
}

const F = {
  id: { name: 'id', type: 'integer' },
  amount: { name: 'amount', type: 'number' },
  date: { name: 'date', type: 'date' },
} satisfies Record<string, FieldDescriptor>;

/** CSV text: a header and rows, the id column numbered from 1. */
function table(header: string[], rows: Array<Array<string | number>>): string {
  return [header.join(','), ...rows.map((r, i) => [i + 1, ...r].map((c) => csvCell(String(c))).join(','))].join('\n') + '\n';
}

async function run(
  descriptor: Json,
  files: Record<string, string>,
): Promise<{ result: AggregateResult; valid: boolean; plan: AggregatePlan | null }> {
  const r = await checkPackage(memorySource({ 'datapackage.json': descriptor, ...files }));
  expect(r.aggregates, r.reason).not.toBeNull();
  return { result: r.aggregates!, valid: r.validation.report.valid, plan: r.plan };
}

const csvOf = (files: AggregateFile[], name: string): string => files.find((f) => f.path === `aggregates/${name}`)!.content;

/** Reference sum of plain decimals with BigInt at a common scale. */
function referenceSum(decimals: string[]): string {
  const scale = Math.max(0, ...decimals.map((d) => (d.includes('.') ? d.length - d.indexOf('.') - 1 : 0)));
  let units = 0n;
  for (const d of decimals) {
    const neg = d.startsWith('-');
    const [i = '0', f = ''] = (neg ? d.slice(1) : d).split('.');
    const u = BigInt(i + f.padEnd(scale, '0'));
    units += neg ? -u : u;
  }
  const neg = units < 0n;
  const s = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const out = scale ? `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}` : s;
  return neg ? `-${out}` : out;
}

// ---------------------------------------------------------------------------------------------
// Exact sums
// ---------------------------------------------------------------------------------------------

describe('DecimalSum', () => {
  const sum = (decimals: string[]): string => {
    const s = new DecimalSum();
    for (const d of decimals) s.add(parseAmount(d)!);
    return s.toString();
  };

  it.each([
    [['0.1', '0.2'], '0.3'],
    [['1', '0.25', '-3.5'], '-2.25'],
    [['-0.01', '0.01'], '0.00'],
    [['12500.00', '-450.00'], '12050.00'],
    [['0', '0.000'], '0.000'],
    [['007', '0.5'], '7.5'],
  ])('%j → %s', (decimals, expected) => {
    expect(sum(decimals)).toBe(expected);
  });

  it('agrees with BigInt arithmetic on random amounts of every size and scale', () => {
    const rng = mulberry32(4);
    for (let trial = 0; trial < 50; trial++) {
      const decimals = Array.from({ length: 400 }, () => {
        const digits = Array.from({ length: 1 + Math.floor(rng() * 22) }, () => Math.floor(rng() * 10)).join('');
        const scale = Math.floor(rng() * 7);
        const cut = Math.max(1, digits.length - scale);
        const d = scale && digits.length > scale ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : digits;
        return (rng() < 0.3 ? '-' : '') + d.replace(/^0+(?=\d)/, '');
      });
      expect(sum(decimals)).toBe(referenceSum(decimals));
    }
  });

  it('stays exact past 2^53 on the fast path (15-digit amounts) and on the BigInt path', () => {
    const small = Array.from({ length: 20000 }, () => '999999999999.999');
    expect(sum(small)).toBe(referenceSum(small));
    expect(sum(small)).toBe('19999999999999980.000');
    const big = Array.from({ length: 1000 }, (_, i) => (i % 3 ? '12345678901234567890.12' : '-9007199254740993.5'));
    expect(sum(big)).toBe(referenceSum(big));
  });

  it('refuses what is not a plain decimal', () => {
    for (const bad of ['', '-', '1e5', '1.2.3', 'abc', '+1', ' 1']) expect(parseAmount(bad)).toBeNull();
  });
});

describe('periodOf', () => {
  it.each([
    ['2024-03-05', 'date', { year: '2024', month: '2024-03' }],
    ['2024-12-31T23:30:00.000000Z', 'datetime', { year: '2024', month: '2024-12' }],
    ['2024-02', 'yearmonth', { year: '2024', month: '2024-02' }],
    [2024, 'year', { year: '2024', month: null }],
    [987, 'year', { year: '0987', month: null }],
    [2024, 'integer', { year: '2024', month: null }],
    ['2024', 'string', { year: '2024', month: null }],
    [null, 'date', null],
    ['05/03/2024', 'string', null],
    ['2024-13-01', 'string', null],
    [20240305, 'integer', null],
    [2024.5, 'number', null],
  ])('%j (%s)', (value, type, expected) => {
    expect(periodOf(value, type)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

describe('planAggregates', () => {
  it('plans city-budget: lookups through foreign keys for functional and payee, a field for administrative', async () => {
    const raw = JSON.parse(await readFile(join(EXAMPLE, 'datapackage.json'), 'utf8')) as unknown;
    const plan = planAggregates(normalizeDrift(raw).descriptor as PackageDescriptor)!;
    expect(plan).toEqual({
      package: 'city-budget-2024',
      title: 'Example City: spending over £500, 2024',
      currency: 'GBP',
      factor: '1',
      dimensions: ['functional', 'administrative', 'payee'],
      transactions: [
        {
          resource: 'spending',
          amount: 'amount',
          date: 'date',
          dimensions: [
            { name: 'functional', id: 'function', title: { lookup: 0 } },
            { name: 'administrative', id: 'department', title: { field: 'department' } },
            { name: 'payee', id: 'supplier', title: { lookup: 1 } },
          ],
        },
      ],
      lookups: [
        { resource: 'functions', key: 'code', title: 'title' },
        { resource: 'suppliers', key: 'id', title: 'title' },
      ],
    });
  });

  it('is null without a transaction amount that names a field', () => {
    const base = spendPackage([F.id, F.amount, F.date]);
    expect(planAggregates({ name: 'x', resources: [] } as PackageDescriptor)).toBeNull();
    expect(planAggregates({ ...base, mapping: { taxonomy: {} } } as PackageDescriptor)).toBeNull();
    const noAmount = structuredClone(base) as { mapping: { transaction: { attributes: Json } } };
    noAmount.mapping.transaction.attributes.amount = ['spend/nope'];
    expect(planAggregates(noAmount as unknown as PackageDescriptor)).toBeNull();
    expect(planAggregates(base as PackageDescriptor)).not.toBeNull();
  });

  it("takes a dereferenced (bare) title only through the id's own foreign key: the spec's payee/payor example", () => {
    const raw = {
      name: 'spec',
      profiles: { openspending: '*', tabular: '*' },
      mapping: {
        transaction: {
          value: { currency: 'USD', factor: 1 },
          attributes: { id: ['budget/pk'], amount: ['budget/budget'], date: ['budget/budget_date'] },
        },
        entity: { payee: { id: ['budget/payee'], title: ['name'] }, payor: { id: ['budget/payor'], title: ['name'] } },
      },
      resources: [
        {
          name: 'budget',
          path: 'budget.csv',
          schema: { fields: ['pk', 'budget', 'budget_date', 'payee', 'payor'].map((name) => ({ name, type: 'string' })) },
          foreignKeys: [
            { fields: 'payee', reference: { resource: 'entities', fields: 'id' } },
            { fields: 'payor', reference: { resource: 'entities', fields: 'id' } },
          ],
        },
        { name: 'entities', path: 'entities.csv', schema: { fields: [{ name: 'id' }, { name: 'name' }] } },
      ],
    };
    const plan = planAggregates(normalizeDrift(raw).descriptor as PackageDescriptor)!;
    expect(plan.dimensions).toEqual(['payer', 'payee']);
    expect(plan.transactions[0]!.dimensions).toEqual([
      { name: 'payer', id: 'payor', title: { lookup: 0 } },
      { name: 'payee', id: 'payee', title: { lookup: 0 } },
    ]);
    expect(plan.lookups).toEqual([{ resource: 'entities', key: 'id', title: 'name' }]);
  });

  it('follows a foreign key to an id mapped in the referenced resource', () => {
    const d = spendPackage([F.id, F.amount, F.date, { name: 'fn', type: 'string' }], {
      taxonomy: { attributes: { functional: { id: ['codes/code'], title: ['codes/label'] } } },
    }) as { resources: Json[] };
    (d.resources[0]!.schema as Json).foreignKeys = [{ fields: 'fn', reference: { resource: 'codes', fields: 'code' } }];
    d.resources.push({ name: 'codes', path: 'codes.csv', schema: { fields: [{ name: 'code' }, { name: 'label' }] } });
    const plan = planAggregates(d as unknown as PackageDescriptor)!;
    expect(plan.transactions[0]!.dimensions).toEqual([{ name: 'functional', id: 'fn', title: { lookup: 0 } }]);
    expect(plan.lookups).toEqual([{ resource: 'codes', key: 'code', title: 'label' }]);
  });

  it('keeps the factor exact', () => {
    const plan = (factor: unknown): string =>
      planAggregates(spendPackage([F.id, F.amount, F.date], { value: { factor } }) as PackageDescriptor)!.factor;
    expect(plan(1000)).toBe('1000');
    expect(plan(0.001)).toBe('0.001');
    expect(plan(0.1)).toBe('0.1');
    expect(plan(1e21)).toBe('1000000000000000000000');
    expect(plan(1e-7)).toBe('0.0000001');
    expect(plan(undefined)).toBe('1');
  });
});

// ---------------------------------------------------------------------------------------------
// Aggregating rows in the validation pass
// ---------------------------------------------------------------------------------------------

describe('aggregates in the validation pass', () => {
  it('sums 0.1 + 0.2 over many rows to the cent, where floats do not', async () => {
    const rows = Array.from({ length: 10000 }, (_, i) => [i % 2 ? '0.2' : '0.1', '2024-01-01']);
    let float = 0;
    for (const [a] of rows) float += Number(a);
    expect(float).not.toBe(1500);
    const { result, valid } = await run(spendPackage([F.id, F.amount, F.date]), {
      'data/spend.csv': table(['id', 'amount', 'date'], rows),
    });
    expect(valid).toBe(true);
    expect(result).toMatchObject({ total: '1500.0', count: 10000, skipped: 0 });
  });

  it('applies the factor exactly: 1000 and 0.001', async () => {
    const rows = [
      ['12.5', '2024-01-01'],
      ['0.333', '2024-01-02'],
      ['-1', '2024-01-03'],
    ];
    const files = { 'data/spend.csv': table(['id', 'amount', 'date'], rows) };
    const thousand = await run(spendPackage([F.id, F.amount, F.date], { value: { factor: 1000 } }), files);
    expect(thousand.result).toMatchObject({ factor: '1000', total: '11833.000', count: 3 });
    const milli = await run(spendPackage([F.id, F.amount, F.date], { value: { factor: 0.001 } }), files);
    expect(milli.result).toMatchObject({ factor: '0.001', total: '0.011833', count: 3 });
    expect(milli.result.months).toEqual([{ month: '2024-01', total: '0.011833', count: 3 }]);
  });

  it('sums negative amounts', async () => {
    const rows = [
      ['-450.00', '2024-02-19'],
      ['100.10', '2024-02-20'],
      ['-0.05', '2024-03-01'],
    ];
    const { result } = await run(spendPackage([F.id, F.amount, F.date]), { 'data/spend.csv': table(['id', 'amount', 'date'], rows) });
    expect(result.total).toBe('-349.95');
    expect(result.months).toEqual([
      { month: '2024-02', total: '-349.90', count: 2 },
      { month: '2024-03', total: '-0.05', count: 1 },
    ]);
  });

  it('reads amounts with decimalChar "," and groupChar ".", and currency formats', async () => {
    const amount = { name: 'amount', type: 'number', decimalChar: ',', groupChar: '.' };
    const rows = [
      ['1.234.567,89', '2024-01-01'],
      ['0,11', '2024-01-01'],
      ['-1.000,00', '2024-01-01'],
    ];
    const { result, valid } = await run(spendPackage([F.id, amount, F.date]), { 'data/spend.csv': table(['id', 'amount', 'date'], rows) });
    expect(valid).toBe(true);
    expect(result.total).toBe('1233568.00');

    const currency = { name: 'amount', type: 'number', format: 'currency', decimalChar: ',', groupChar: '.' };
    const eur = await run(spendPackage([F.id, currency, F.date]), {
      'data/spend.csv': table(
        ['id', 'amount', 'date'],
        [
          ['€1.000,50', '2024-01-01'],
          ['2,25 EUR', '2024-01-01'],
        ],
      ),
    });
    expect(eur.result.total).toBe('1002.75');
  });

  it('sums integer amounts and totals far beyond 2^53 cents', async () => {
    const rows = Array.from({ length: 1000 }, () => ['99999999999999.99', '2024-01-01']);
    let float = 0;
    for (const [a] of rows) float += Number(a);
    expect(float.toFixed(2)).not.toBe('99999999999999990.00');
    const { result } = await run(spendPackage([F.id, F.amount, F.date]), { 'data/spend.csv': table(['id', 'amount', 'date'], rows) });
    expect(result.total).toBe('99999999999999990.00');
    expect(BigInt(result.total.replace('.', ''))).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));

    const integer = { name: 'amount', type: 'integer' };
    const ints = await run(spendPackage([F.id, integer, F.date]), {
      'data/spend.csv': table(
        ['id', 'amount', 'date'],
        [
          ['123456789012345678901234567890', '2024-01-01'],
          ['-1', '2024-01-01'],
        ],
      ),
    });
    expect(ints.result.total).toBe('123456789012345678901234567889');
  });

  it('counts rows without a readable amount as skipped, and rows without a date as undated', async () => {
    const amount = { name: 'amount', type: 'number' };
    const rows = [
      ['10.5', '2023-12-31'],
      ['', '2024-01-01'],
      ['x', '2024-01-01'],
      ['2', ''],
      ['1e3', '2024-06-30'],
    ];
    const { result, valid } = await run(spendPackage([F.id, amount, F.date]), { 'data/spend.csv': table(['id', 'amount', 'date'], rows) });
    expect(valid).toBe(false); // "x" is a type error; its row is skipped all the same
    expect(result).toMatchObject({ total: '1012.5', count: 3, skipped: 2, undated: { total: '2.0', count: 1 } });
    expect(result.years).toEqual([
      { year: '2023', total: '10.5', count: 1 },
      { year: '2024', total: '1000.0', count: 1 },
    ]);
  });

  it('aggregates by year and month, and by each dimension with titles from fields', async () => {
    const fields: FieldDescriptor[] = [
      F.id,
      F.amount,
      F.date,
      { name: 'econ', type: 'string' },
      { name: 'econ_name', type: 'string' },
      { name: 'payer', type: 'string' },
      { name: 'project', type: 'integer' },
    ];
    const d = spendPackage(fields, {
      taxonomy: { attributes: { economic: { id: ['spend/econ'], title: ['spend/econ_name'] } } },
      entity: { attributes: { payer: { id: ['spend/payer'] } } },
      project: { attributes: { id: ['spend/project'], amount: ['spend/amount'], date: ['spend/date'] } },
    });
    const rows = [
      ['1.00', '2023-12-31', 'E2', '', 'Ministry', '007'],
      ['2.00', '2024-01-15', 'E1', 'Salaries', 'Ministry', '7'],
      ['4.00', '2024-01-16', 'E1', 'Wages', '', '8'],
      ['8.00', '2024-02-01', '', '', 'Agency', ''],
    ];
    const { result } = await run(d, { 'data/spend.csv': table(['id', 'amount', 'date', 'econ', 'econ_name', 'payer', 'project'], rows) });
    expect(result.years).toEqual([
      { year: '2023', total: '1.00', count: 1 },
      { year: '2024', total: '14.00', count: 3 },
    ]);
    expect(result.months.map((m) => [m.month, m.total, m.count])).toEqual([
      ['2023-12', '1.00', 1],
      ['2024-01', '6.00', 2],
      ['2024-02', '8.00', 1],
    ]);
    expect(result.dimensions).toEqual([
      {
        name: 'economic',
        rows: [
          { id: 'E1', title: 'Salaries', total: '6.00', count: 2 }, // the first title wins
          { id: 'E2', title: null, total: '1.00', count: 1 },
        ],
        unassigned: { total: '8.00', count: 1 },
      },
      {
        name: 'payer',
        rows: [
          { id: 'Agency', title: null, total: '8.00', count: 1 },
          { id: 'Ministry', title: null, total: '3.00', count: 2 },
        ],
        unassigned: { total: '4.00', count: 1 },
      },
      {
        name: 'project',
        rows: [
          { id: '7', title: null, total: '3.00', count: 2 }, // "007" and "7" are one integer
          { id: '8', title: null, total: '4.00', count: 1 },
        ],
        unassigned: { total: '8.00', count: 1 },
      },
    ]);
  });

  it('takes the year and month of datetimes (in UTC), yearmonths and years', async () => {
    const cases: Array<[FieldDescriptor, string[], string[], string[]]> = [
      [{ name: 'date', type: 'datetime' }, ['2024-12-31T23:30:00-02:00', '2024-06-01T10:00:00'], ['2024', '2025'], ['2024-06', '2025-01']],
      [{ name: 'date', type: 'yearmonth' }, ['2024-11', '2023-01'], ['2023', '2024'], ['2023-01', '2024-11']],
      [{ name: 'date', type: 'year' }, ['2024', '2023'], ['2023', '2024'], []],
      [{ name: 'date', type: 'date', format: '%d/%m/%Y' }, ['05/03/2024', '31/12/2023'], ['2023', '2024'], ['2023-12', '2024-03']],
    ];
    for (const [date, values, years, months] of cases) {
      const { result, valid } = await run(spendPackage([F.id, F.amount, date]), {
        'data/spend.csv': table(
          ['id', 'amount', 'date'],
          values.map((v) => ['1', v]),
        ),
      });
      expect(valid).toBe(true);
      expect(result.years.map((y) => y.year)).toEqual(years);
      expect(result.months.map((m) => m.month)).toEqual(months);
    }
  });

  it('takes titles through a foreign key: city-budget (functions.csv, suppliers.csv)', async () => {
    const r = await checkPackage(await createFsSource(EXAMPLE));
    expect(r.validation.report.valid).toBe(true);
    const result = r.aggregates!;
    expect(result).toMatchObject({ currency: 'GBP', total: '245831.30', count: 10, skipped: 0 });
    const functional = result.dimensions.find((d) => d.name === 'functional')!;
    expect(functional.rows.map((x) => [x.id, x.title, x.total, x.count])).toEqual([
      ['EDU', 'Primary education', '100100.55', 2],
      ['ENV-R', 'Pollution abatement', '2210.10', 1],
      ['ENV-W', 'Waste management', '37050.00', 4],
      ['GPS', 'General public services', '7350.25', 1],
      ['HLT', 'Outpatient services', '96000.00', 1],
      ['TRN', 'Road transport', '3120.40', 1],
    ]);
    expect(result.dimensions.find((d) => d.name === 'payee')!.rows.map((x) => x.title)).toEqual([
      'Greenway Waste Ltd',
      'Bright Futures Academy Trust',
      'City Roads Partnership',
      'Hale & Sons, Builders',
      'Riverside Health Clinic',
    ]);
  });

  it('feeds several transaction resources (a glob) into the same totals', async () => {
    const fields = [F.id, F.amount, F.date, { name: 'fn', type: 'string' }];
    const d = {
      name: 'two',
      profiles: ['openspending', 'tabular'],
      mapping: {
        transaction: {
          value: { currency: 'EUR', factor: 1 },
          attributes: { id: ['spend-*/id'], amount: ['spend-*/amount'], date: ['spend-*/date'] },
        },
        taxonomy: { attributes: { functional: { id: ['spend-a/fn'] } } },
      },
      resources: ['a', 'b'].map((x) => ({ name: `spend-${x}`, path: `${x}.csv`, schema: { fields, primaryKey: 'id' } })),
    };
    const { result } = await run(d, {
      'a.csv': table(['id', 'amount', 'date', 'fn'], [['1.5', '2024-01-01', 'X']]),
      'b.csv': table(['id', 'amount', 'date', 'fn'], [['2.25', '2025-01-01', 'X']]),
    });
    expect(result).toMatchObject({ total: '3.75', count: 2 });
    expect(result.years.map((y) => y.year)).toEqual(['2024', '2025']);
    // spend-b has no functional id mapped: its rows are unassigned there
    expect(result.dimensions[0]).toMatchObject({ rows: [{ id: 'X', total: '1.50', count: 1 }], unassigned: { total: '2.25', count: 1 } });
  });

  it('says why there are no aggregates', async () => {
    const tabular = await checkPackage(memorySource({ 'datapackage.json': { name: 't', resources: [] } }));
    expect(tabular.aggregates).toBeNull();
    expect(tabular.reason).toMatch(/not an OpenSpending Data Package/);
    const noTx = await checkPackage(
      memorySource({ 'datapackage.json': { name: 't', profiles: ['openspending'], mapping: {}, resources: [] } }),
    );
    expect(noTx.reason).toMatch(/no "transaction"/);
    const broken = await checkPackage(memorySource({ 'datapackage.json': '{' }));
    expect(broken.reason).toMatch(/could not be read/);
  });

  it('sums 1,000,000 rows of 0.01 to exactly 10000.00', { timeout: 30_000 }, () => {
    const fields = [F.id, F.amount, F.date].map((f) => compileField(f));
    const plan = planAggregates(spendPackage([F.id, F.amount, F.date]) as PackageDescriptor)!;
    const aggregator = createAggregator(plan);
    const observers = aggregator.observers({ name: 'spend' } as ResourceDescriptor, 0)!;
    for (const o of observers) o.start?.(fields);
    let float = 0;
    const cells = ['', '0.01', '2024-05-06'];
    const values: unknown[] = [null, 0.01, '2024-05-06'];
    for (let i = 1; i <= 1_000_000; i++) {
      cells[0] = String(i);
      values[0] = i;
      float += 0.01;
      for (const o of observers) o.row(values, cells, i + 1, i + 1);
    }
    expect(float.toFixed(2)).toBe('10000.00'); // rounding hides it…
    expect(float).not.toBe(10000); // …but the float sum is wrong
    const result = aggregator.result();
    expect(result).toMatchObject({ total: '10000.00', count: 1_000_000, skipped: 0 });
    expect(result.months).toEqual([{ month: '2024-05', total: '10000.00', count: 1_000_000 }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/** A package whose aggregates have awkward ids and titles, negative totals, undated rows. */
function awkwardPackage(): { descriptor: Json; files: Record<string, string> } {
  const fields: FieldDescriptor[] = [F.id, F.amount, F.date, { name: 'payee', type: 'string' }, { name: 'payee_name', type: 'string' }];
  return {
    descriptor: spendPackage(
      fields,
      { entity: { attributes: { payee: { id: ['spend/payee'], title: ['spend/payee_name'] } } } },
      { name: 'awkward' },
    ),
    files: {
      'data/spend.csv': table(
        ['id', 'amount', 'date', 'payee', 'payee_name'],
        [
          ['-5', '2024-01-02', 'a,b', 'Say "hi"'],
          ['1.125', '2023-07-01', 'line\nbreak', 'Ünïcödé, Ltd'],
          ['3', '', 'z', ''],
          ['2', '2024-01-03', '', 'no id'],
          ['1e2', '2024-01-03', ' spaced ', '  '],
        ],
      ),
    },
  };
}

describe('aggregateFiles', () => {
  it('writes summary.json, the CSVs and their data package', async () => {
    const { descriptor, files } = awkwardPackage();
    const { result } = await run(descriptor, files);
    const out = aggregateFiles(result);
    expect(out.map((f) => [f.path, f.contentType])).toEqual([
      ['aggregates/datapackage.json', 'application/json'],
      ['aggregates/summary.json', 'application/json'],
      ['aggregates/by-year.csv', 'text/csv; charset=utf-8'],
      ['aggregates/by-month.csv', 'text/csv; charset=utf-8'],
      ['aggregates/by-payee.csv', 'text/csv; charset=utf-8'],
    ]);
    expect(JSON.parse(csvOf(out, 'summary.json'))).toEqual({
      package: 'awkward',
      currency: 'EUR',
      factor: '1',
      count: 5,
      total: '101.125',
      skipped: 0,
      years: { '2023': { total: '1.125', count: 1 }, '2024': { total: '97.000', count: 3 } },
      undated: { total: '3.000', count: 1 },
      dimensions: ['payee'],
      unassigned: { payee: { total: '2.000', count: 1 } },
      generated: { by: 'os-datastore' },
    });
    expect(csvOf(out, 'by-year.csv')).toBe('year,total,count\n2023,1.125,1\n2024,97.000,3\n');
    expect(csvOf(out, 'by-month.csv')).toBe('month,total,count\n2023-07,1.125,1\n2024-01,97.000,3\n');
    expect(csvOf(out, 'by-payee.csv')).toBe(
      'id,title,total,count\n' +
        ' spaced ,  ,100.000,1\n' +
        '"a,b","Say ""hi""",-5.000,1\n' +
        '"line\nbreak","Ünïcödé, Ltd",1.125,1\n' +
        'z,,3.000,1\n',
    );
    const dp = JSON.parse(csvOf(out, 'datapackage.json')) as {
      name: string;
      resources: Array<{ name: string; path: string; schema: { fields: Array<{ name: string; type: string }>; primaryKey: string } }>;
    };
    expect(dp.name).toBe('awkward-aggregates');
    expect(
      dp.resources.map((r) => [r.name, r.path, r.schema.fields.map((f) => `${f.name}:${f.type}`).join(' '), r.schema.primaryKey]),
    ).toEqual([
      ['by-year', 'by-year.csv', 'year:year total:number count:integer', 'year'],
      ['by-month', 'by-month.csv', 'month:yearmonth total:number count:integer', 'month'],
      ['by-payee', 'by-payee.csv', 'id:string title:string total:number count:integer', 'id'],
    ]);
  });

  it('never writes totals with an exponent', async () => {
    const rows = [
      ['0.0000001', '2024-01-01'],
      ['1e21', '2024-01-01'],
    ];
    const { result } = await run(spendPackage([F.id, F.amount, F.date], { value: { factor: 1e-7 } }), {
      'data/spend.csv': table(['id', 'amount', 'date'], rows),
    });
    expect(result.total).toBe('100000000000000.00000000000001');
    for (const f of aggregateFiles(result)) {
      if (f.path !== 'aggregates/datapackage.json') expect(f.content).not.toMatch(/\d[eE][+-]?\d/); // (its hashes are hex)
    }
  });

  it('is deterministic: the same rows in any order give the same bytes', async () => {
    const { descriptor, files } = awkwardPackage();
    const csv = files['data/spend.csv']!;
    const [header, ...records] = csv.replace(/\n$/, '').split(/\n(?=\d+,)/);
    const reversed = `${[header, ...records.reverse()].join('\n')}\n`;
    const a = aggregateFiles((await run(descriptor, files)).result);
    const b = aggregateFiles((await run(descriptor, files)).result);
    const c = aggregateFiles((await run(descriptor, { 'data/spend.csv': reversed })).result);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('makes a package our validator accepts with no errors and no warnings', async () => {
    for (const source of [
      awkwardPackage(),
      { descriptor: spendPackage([F.id, F.amount, { name: 'date', type: 'year' }]), files: { 'data/spend.csv': 'id,amount,date\n' } },
    ]) {
      const { result } = await run(source.descriptor, source.files);
      const dir = await testdir();
      for (const f of aggregateFiles(result)) {
        const path = join(dir, f.path.replace(/^aggregates\//, ''));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, f.content);
      }
      const report = await validatePackage(await createFsSource(dir));
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(report.valid).toBe(true);
      expect(report.kind).toBe('tabular');
    }
  });

  it('city-budget aggregates validate too', async () => {
    const r = await checkPackage(await createFsSource(EXAMPLE));
    const files = Object.fromEntries(aggregateFiles(r.aggregates!).map((f) => [f.path.replace(/^aggregates\//, ''), f.content]));
    const report = await validatePackage(memorySource(files));
    expect([report.valid, report.errors, report.warnings, report.stats.rows]).toEqual([true, [], [], 21]);
  });
});
