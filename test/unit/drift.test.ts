import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeDrift, originalPointer } from '../../src/package/drift.ts';
import type { Problem } from '../../src/package/problem.ts';

type Json = Record<string, unknown>;

const summary = (ps: Problem[]): string[] => ps.map((p) => `${p.severity} ${p.code} ${p.pointer}`).sort();

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../shared/fixtures/real/${path}`, import.meta.url), 'utf8')) as unknown;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const budget = (extra: Json = {}): Json => ({
  name: 'budget',
  path: 'budget.csv',
  schema: { fields: [{ name: 'id' }, { name: 'payee' }] },
  ...extra,
});

interface Case {
  title: string;
  input: Json;
  /** The normalized descriptor, or the part of it that matters. */
  expected: Json;
  problems: string[];
  message?: RegExp;
}

const cases: Case[] = [
  {
    title: 'canonical descriptor: unchanged, no problems',
    input: {
      name: 'p',
      profiles: ['openspending', 'tabular'],
      mapping: { transaction: { value: { currency: 'USD' }, attributes: { id: ['budget/id'] } } },
      resources: [budget()],
    },
    expected: {
      name: 'p',
      profiles: ['openspending', 'tabular'],
      mapping: { transaction: { value: { currency: 'USD' }, attributes: { id: ['budget/id'] } } },
      resources: [budget()],
    },
    problems: [],
  },
  {
    title: 'profiles object → array',
    input: { profiles: { openspending: '*', tabular: '*' }, resources: [] },
    expected: { profiles: ['openspending', 'tabular'] },
    problems: ['warning spec-drift /profiles'],
    message: /canonical form is an array of profile names: \["openspending","tabular"\]/,
  },
  {
    title: 'profiles string → array',
    input: { profiles: 'openspending', resources: [] },
    expected: { profiles: ['openspending'] },
    problems: ['warning spec-drift /profiles'],
  },
  {
    title: 'entity.attributes.payor → payer',
    input: { mapping: { entity: { attributes: { payor: { id: ['budget/payor'] } } } } },
    expected: { mapping: { entity: { attributes: { payer: { id: ['budget/payor'] } } } } },
    problems: ['warning spec-drift /mapping/entity/attributes/payor'],
    message: /"payer"/,
  },
  {
    title: 'entity without attributes wrapper, with payor (the spec example)',
    input: {
      mapping: {
        entity: {
          payee: { id: ['budget/payee_id'], title: ['budget/payee_name'] },
          payor: { id: ['budget/payor_id'], title: ['budget/payor_name'] },
        },
      },
    },
    expected: {
      mapping: {
        entity: {
          attributes: {
            payee: { id: ['budget/payee_id'], title: ['budget/payee_name'] },
            payer: { id: ['budget/payor_id'], title: ['budget/payor_name'] },
          },
        },
      },
    },
    problems: ['warning spec-drift /mapping/entity', 'warning spec-drift /mapping/entity/payor'],
    message: /mapping\.entity\.attributes = \{ "payee": \{\.\.\.\}, "payor": \{\.\.\.\} \}/,
  },
  {
    title: 'payer and payor both: error, payer kept',
    input: { mapping: { entity: { attributes: { payer: { id: ['a/x'] }, payor: { id: ['a/y'] } } } } },
    expected: { mapping: { entity: { attributes: { payer: { id: ['a/x'] } } } } },
    problems: ['error mapping-error /mapping/entity/attributes/payor', 'warning spec-drift /mapping/entity/attributes/payor'],
  },
  {
    title: 'taxonomy without attributes wrapper',
    input: { mapping: { taxonomy: { functional: { id: ['budget/category'], cofog: ['cofog_code'] } } } },
    expected: { mapping: { taxonomy: { attributes: { functional: { id: ['budget/category'], cofog: ['cofog_code'] } } } } },
    problems: ['warning spec-drift /mapping/taxonomy'],
  },
  {
    title: 'transaction attributes without the wrapper (value stays)',
    input: { mapping: { transaction: { value: { currency: 'USD' }, id: ['b/id'], amount: 'b/amount', date: ['b/date'] } } },
    expected: {
      mapping: { transaction: { value: { currency: 'USD' }, attributes: { id: ['b/id'], amount: ['b/amount'], date: ['b/date'] } } },
    },
    problems: ['warning spec-drift /mapping/transaction', 'warning spec-drift /mapping/transaction/amount'],
  },
  {
    title: 'project attributes without the wrapper',
    input: { mapping: { project: { id: ['p/id'] } } },
    expected: { mapping: { project: { attributes: { id: ['p/id'] } } } },
    problems: ['warning spec-drift /mapping/project'],
  },
  {
    title: 'attribute both inside and outside attributes: error, inside kept',
    input: { mapping: { transaction: { attributes: { id: ['b/id'] }, id: ['b/other'] } } },
    expected: { mapping: { transaction: { attributes: { id: ['b/id'] } } } },
    problems: ['error mapping-error /mapping/transaction/id'],
  },
  {
    title: 'single-string attribute values → arrays',
    input: {
      mapping: {
        transaction: { attributes: { id: 'b/id', amount: ['b/amount'] } },
        entity: { attributes: { payee: { id: 'b/payee' } } },
      },
    },
    expected: {
      mapping: {
        transaction: { attributes: { id: ['b/id'], amount: ['b/amount'] } },
        entity: { attributes: { payee: { id: ['b/payee'] } } },
      },
    },
    problems: ['warning spec-drift /mapping/entity/attributes/payee/id', 'warning spec-drift /mapping/transaction/attributes/id'],
    message: /single string "b\/id"; the canonical form is an array of references: \["b\/id"\]/,
  },
  {
    title: 'FDP mapping (measures/dimensions) is left alone',
    input: {
      mapping: {
        measures: { amount: { source: 'x', currency: 'EUR' } },
        dimensions: { payee: { attributes: { label: { source: 'y' } } } },
      },
    },
    expected: {
      mapping: {
        measures: { amount: { source: 'x', currency: 'EUR' } },
        dimensions: { payee: { attributes: { label: { source: 'y' } } } },
      },
    },
    problems: [],
  },
  {
    title: 'foreignKeys on the resource → schema.foreignKeys',
    input: { name: 'p', resources: [budget({ foreignKeys: [{ fields: 'payee', reference: { resource: 'entities', fields: 'id' } }] })] },
    expected: {
      resources: [
        {
          name: 'budget',
          path: 'budget.csv',
          schema: {
            fields: [{ name: 'id' }, { name: 'payee' }],
            foreignKeys: [{ fields: 'payee', reference: { resource: 'entities', fields: 'id' } }],
          },
        },
      ],
    },
    problems: ['warning spec-drift /resources/0/foreignKeys'],
    message: /move them to resources\[0\]\.schema\.foreignKeys/,
  },
  {
    title: 'foreignKeys on the resource are appended after the schema ones',
    input: {
      resources: [
        budget({
          schema: { fields: [], foreignKeys: [{ fields: 'a', reference: { resource: 'x', fields: 'id' } }] },
          foreignKeys: [{ fields: 'b', reference: { resource: 'y', fields: 'id' } }],
        }),
      ],
    },
    expected: {
      resources: [
        {
          name: 'budget',
          path: 'budget.csv',
          schema: {
            fields: [],
            foreignKeys: [
              { fields: 'a', reference: { resource: 'x', fields: 'id' } },
              { fields: 'b', reference: { resource: 'y', fields: 'id' } },
            ],
          },
        },
      ],
    },
    problems: ['warning spec-drift /resources/0/foreignKeys'],
  },
  {
    title: 'foreignKeys on a resource without an inline schema: left, with a warning',
    input: { resources: [{ name: 'r', path: 'r.csv', schema: 'schema.json', foreignKeys: [] }] },
    expected: { resources: [{ name: 'r', path: 'r.csv', schema: 'schema.json', foreignKeys: [] }] },
    problems: ['warning spec-drift /resources/0/foreignKeys'],
    message: /they are ignored/,
  },
  {
    title: 'reference.datapackage = own name → removed',
    input: {
      name: 'p',
      resources: [
        budget({
          schema: { fields: [], foreignKeys: [{ fields: 'payee', reference: { datapackage: 'p', resource: 'e', fields: 'id' } }] },
        }),
      ],
    },
    expected: {
      resources: [budget({ schema: { fields: [], foreignKeys: [{ fields: 'payee', reference: { resource: 'e', fields: 'id' } }] } })],
    },
    problems: ['warning spec-drift /resources/0/schema/foreignKeys/0/reference/datapackage'],
    message: /names this package itself/,
  },
  {
    title: 'reference.datapackage = another package → error, key dropped',
    input: {
      name: 'p',
      resources: [
        budget({
          schema: {
            fields: [],
            foreignKeys: [
              { fields: 'payee', reference: { datapackage: 'other', resource: 'e', fields: 'id' } },
              { fields: 'x', reference: { resource: 'e', fields: 'id' } },
            ],
          },
        }),
      ],
    },
    expected: {
      resources: [budget({ schema: { fields: [], foreignKeys: [{ fields: 'x', reference: { resource: 'e', fields: 'id' } }] } })],
    },
    problems: ['error descriptor-error /resources/0/schema/foreignKeys/0/reference/datapackage'],
    message: /another package "other".*cross-package foreign keys are not supported\. Copy the referenced resource into this package/,
  },
  {
    title: 'reference.datapackage on a package without a name → error that says so',
    input: { resources: [budget({ foreignKeys: [{ fields: 'payee', reference: { datapackage: 'p', resource: 'e', fields: 'id' } }] })] },
    expected: { resources: [budget({ schema: { fields: [{ name: 'id' }, { name: 'payee' }] } })] },
    problems: ['error descriptor-error /resources/0/foreignKeys/0/reference/datapackage', 'warning spec-drift /resources/0/foreignKeys'],
    message: /has no "name"/,
  },
  {
    title: "frictionless's reference.package to another package → warning, key not checked",
    input: {
      name: 'p',
      resources: [
        budget({
          schema: {
            fields: [],
            foreignKeys: [{ fields: 'a', reference: { package: 'https://x/datapackage.json', resource: 'e', fields: 'id' } }],
          },
        }),
      ],
    },
    expected: { resources: [budget({ schema: { fields: [] } })] },
    problems: ['warning descriptor-error /resources/0/schema/foreignKeys/0/reference/package'],
  },
];

describe('normalizeDrift', () => {
  it.each(cases)('$title', ({ input, expected, problems, message }) => {
    const before = JSON.stringify(input);
    const result = normalizeDrift(deepFreeze(input));
    expect(JSON.stringify(input)).toBe(before);
    expect(result.descriptor).toMatchObject(expected);
    expect(summary(result.problems)).toEqual(problems);
    for (const p of result.problems) expect(p.message.length).toBeGreaterThan(40);
    if (message) expect(result.problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  it('returns a copy even when nothing changes', () => {
    const input = { name: 'p', resources: [] };
    const { descriptor } = normalizeDrift(input);
    expect(descriptor).toEqual(input);
    expect(descriptor).not.toBe(input);
  });

  it.each<unknown>([null, 0, 'x', true, [], [1, { profiles: {} }]])('passes %j through unchanged', (value) => {
    const result = normalizeDrift(value);
    expect(result.descriptor).toBe(value);
    expect(result.problems).toEqual([]);
  });

  it.each<[string, Json]>([
    ['profiles null', { profiles: null }],
    [
      'resources odd',
      {
        resources: [
          null,
          1,
          'x',
          { foreignKeys: 5 },
          { schema: { foreignKeys: 'x' }, foreignKeys: [] },
          { schema: {}, foreignKeys: { reference: 5 } },
        ],
      },
    ],
    [
      'references odd',
      {
        resources: [
          { schema: { foreignKeys: [null, 5, { reference: null }, { reference: { datapackage: 5 } }, { reference: { package: null } }] } },
        ],
      },
    ],
    [
      'mapping odd',
      {
        mapping: {
          transaction: [],
          entity: { attributes: 5 },
          taxonomy: { attributes: { functional: 5 }, x: null },
          project: { attributes: null },
        },
      },
    ],
    [
      'mapping odd 2',
      { mapping: { entity: { payor: [], payee: 'x', attributes: { payor: 1, payer: 2 } }, transaction: { id: [1, 2], amount: null } } },
    ],
    ['mapping not an object', { mapping: 'x' }],
  ])('does not throw on %s', (_title, input) => {
    const before = JSON.stringify(input);
    expect(() => normalizeDrift(deepFreeze(input))).not.toThrow();
    expect(JSON.stringify(input)).toBe(before);
  });

  it('non-JSON values (functions) do not make it throw', () => {
    const input = { name: 'p', f: () => 1 };
    const result = normalizeDrift(input);
    expect(result.descriptor).toBe(input);
  });
});

describe('pointer moves', () => {
  it('maps canonical pointers back to where the parts were', () => {
    const { moves } = normalizeDrift({
      name: 'p',
      profiles: { openspending: '*' },
      mapping: { entity: { payor: { id: ['b/x'] } }, transaction: { id: ['b/id'] } },
      resources: [
        {
          name: 'b',
          schema: {
            fields: [],
            foreignKeys: [
              { fields: 'a', reference: { datapackage: 'other', resource: 'e', fields: 'id' } },
              { fields: 'c', reference: { resource: 'e', fields: 'id' } },
            ],
          },
          foreignKeys: [{ fields: 'd', reference: { resource: 'e', fields: 'id' } }],
        },
      ],
    });
    expect(originalPointer('/mapping/entity/attributes/payer/id/0', moves)).toBe('/mapping/entity/payor/id/0');
    expect(originalPointer('/mapping/transaction/attributes/id/0', moves)).toBe('/mapping/transaction/id/0');
    // the first schema key was dropped (other package): indices shift
    expect(originalPointer('/resources/0/schema/foreignKeys/0/fields', moves)).toBe('/resources/0/schema/foreignKeys/1/fields');
    expect(originalPointer('/resources/0/schema/foreignKeys/1/reference/resource', moves)).toBe(
      '/resources/0/foreignKeys/0/reference/resource',
    );
    expect(originalPointer('/profiles/0', moves)).toBe('/profiles/openspending');
    expect(originalPointer('/resources/0/name', moves)).toBe('/resources/0/name');
  });
});

describe('real fixtures', () => {
  it('fiscal-data-package-spec/entities-normalized: resource-level foreignKeys with a self datapackage', () => {
    const raw = fixture('fiscal-data-package-spec/entities-normalized/datapackage.json');
    const { descriptor, problems } = normalizeDrift(raw);
    expect(summary(problems)).toEqual([
      'warning spec-drift /resources/0/foreignKeys',
      'warning spec-drift /resources/0/foreignKeys/0/reference/datapackage',
    ]);
    const d = descriptor as { resources: Array<{ foreignKeys?: unknown; schema: { foreignKeys: unknown } }> };
    expect(d.resources[0]?.foreignKeys).toBeUndefined();
    expect(d.resources[0]?.schema.foreignKeys).toEqual([{ fields: 'payee', reference: { resource: 'entities', fields: 'id' } }]);
  });

  it('tekjur-rikissjods: profiles object {"fiscal":"*","tabular":"*"} → ["fiscal","tabular"]; FDP mapping untouched', () => {
    const raw = fixture('openspending-migrate/tekjur-rikissjods/datapackage.json') as Json;
    const { descriptor, problems } = normalizeDrift(raw);
    expect(summary(problems)).toEqual(['warning spec-drift /profiles']);
    const d = descriptor as Json;
    expect(d.profiles).toEqual(['fiscal', 'tabular']);
    expect(d.mapping).toEqual(raw.mapping);
  });

  it.each([
    'fiscal-data-package-spec/minimal',
    'fiscal-data-package-spec/labels-and-hierarchies',
    'fiscal-data-package-demos/al-treasury-spending',
    'fiscal-data-package-demos/au-budget',
    'fiscal-data-package-demos/eu-allocations-per-ms-2014-2020',
    'example-data-packages/donation-codes',
    'datasets-gdp',
  ])('%s needs no rewriting', (dir) => {
    const raw = fixture(`${dir}/datapackage.json`);
    const { descriptor, problems } = normalizeDrift(raw);
    expect(problems).toEqual([]);
    expect(descriptor).toEqual(raw);
  });

  it('example-data-packages/donations: resource-level foreign key into another package (reference.package)', () => {
    const { descriptor, problems } = normalizeDrift(fixture('example-data-packages/donations/datapackage.json'));
    expect(summary(problems)).toEqual([
      'warning descriptor-error /resources/0/foreignKeys/0/reference/package',
      'warning spec-drift /resources/0/foreignKeys',
    ]);
    const d = descriptor as { resources: Array<{ schema: { foreignKeys: unknown } }> };
    expect(d.resources[0]?.schema.foreignKeys).toBeUndefined();
  });
});
