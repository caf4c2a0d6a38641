import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COFOG_CODES, cofogCanonical, isCofogCode } from '../../src/package/codes/cofog.ts';
import { COUNTRY_ALPHA2, COUNTRY_ALPHA3, isCountryCode } from '../../src/package/codes/countries.ts';
import { CURRENCIES, HISTORIC_CURRENCIES } from '../../src/package/codes/currencies.ts';
import type { PackageDescriptor } from '../../src/package/descriptor.ts';
import { normalizeDrift } from '../../src/package/drift.ts';
import { mappingReferences, resolveMappingReference } from '../../src/package/mapping.ts';
import { detectProfile } from '../../src/package/profiles.ts';
import type { ProfileInfo } from '../../src/package/profiles.ts';
import { checkSemantics } from '../../src/validate/descriptor/semantic.ts';
import { unsafePathReason } from '../../src/package/source.ts';
import type { Problem } from '../../src/package/problem.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const OPENSPENDING: ProfileInfo = { kind: 'openspending', openspending: true, tabular: true, fiscal: false };
const TABULAR: ProfileInfo = { kind: 'tabular', openspending: false, tabular: true, fiscal: false };

/** The whole descriptor pipeline of this layer: drift, profile, semantics. */
function pipeline(raw: unknown, repositoryOwner?: string): { drift: Problem[]; semantic: Problem[]; profile: ProfileInfo } {
  const { descriptor, problems } = normalizeDrift(raw);
  const profile = detectProfile(descriptor);
  const semantic = checkSemantics(descriptor as PackageDescriptor, { profile, ...(repositoryOwner ? { repositoryOwner } : {}) });
  return { drift: problems, semantic, profile };
}

const errors = (ps: Problem[]): Problem[] => ps.filter((p) => p.severity === 'error');
const warnings = (ps: Problem[]): Problem[] => ps.filter((p) => p.severity === 'warning');
const at = (ps: Problem[], pointer: string): Problem[] => ps.filter((p) => p.pointer === pointer);
const summary = (ps: Problem[]): string[] => ps.map((p) => `${p.severity} ${p.code} ${p.pointer}`).sort();

const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../shared/fixtures/real/${path}`, import.meta.url), 'utf8')) as unknown;

function osPackage(overrides: Json = {}): Json {
  return {
    name: 'pkg',
    title: 'Package',
    profiles: ['openspending', 'tabular'],
    owner: 'alice',
    location: 'GB',
    mapping: {
      transaction: {
        value: { currency: 'GBP', factor: 1 },
        attributes: { id: ['spend/id'], amount: ['spend/amount'], date: ['spend/date'], title: ['spend/title'] },
      },
      taxonomy: {
        attributes: { functional: { id: ['spend/category'], title: ['spend/title'], cofog: ['spend/cofog'] } },
      },
    },
    resources: [
      {
        name: 'spend',
        path: 'data/spend.csv',
        schema: {
          fields: ['id', 'amount', 'date', 'title', 'category', 'cofog', 'payee'].map((name) => ({ name, type: 'string' })),
          primaryKey: 'id',
        },
      },
    ],
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// The spec's own examples (OSEP-04), rewritten as valid JSON as close to the text as possible:
// `"profiles": ["openspending": "*", ...]` becomes the object form it evidently means, and the
// `# note` comments are dropped. Everything else (typos included) is as in the spec.
// ---------------------------------------------------------------------------------------------

const specTransaction = {
  value: { currency: 'USD', factor: 1 },
  attributes: { id: ['budget/pk'], amount: ['budget/budget'], date: ['budget/budget_date'] },
};

const specBudgetFields = [
  { name: 'id', type: 'string' },
  { name: 'amount', type: 'number', format: 'currency' },
  { name: 'date', type: 'date' },
];

const specEntities = {
  name: 'entities',
  title: 'Entities',
  path: 'entities.csv',
  schema: {
    fields: [
      { name: 'id', type: 'string' },
      { name: 'title', type: 'string' },
      { name: 'description', type: 'string' },
      { name: 'since', type: 'date' },
    ],
    primaryKey: 'id',
  },
};

const specHead = {
  name: 'my-openspending-datapackage',
  title: 'My OpenSpending Data Package',
  profiles: { openspending: '*', tabular: '*' },
  owner: 'my-username',
};

const SPEC_MINIMAL = {
  ...specHead,
  mapping: { transaction: specTransaction },
  resources: [{ name: 'budget', title: 'Budget', path: 'budget.csv', schema: { fields: specBudgetFields, primaryKey: 'id' } }],
};

const SPEC_DENORMALIZED = {
  ...specHead,
  mapping: {
    transaction: specTransaction,
    entity: {
      payee: { id: ['budget/payee_id'], title: ['budget/payee_name'] },
      payor: { id: ['budget/payor_id'], title: ['budget/payor_name'] },
    },
  },
  resources: [
    {
      name: 'budget',
      title: 'Budget',
      path: 'budget.csv',
      schema: {
        fields: [...specBudgetFields, ...['payee_id', 'payee_name', 'payor_id', 'payor_name'].map((name) => ({ name, type: 'string' }))],
        primaryKey: 'id',
      },
    },
  ],
};

const selfRef = (fields: string, resource: string): Json => ({
  fields,
  reference: { datapackage: 'my-openspending-datapackage', resource, fields: 'id' },
});

const SPEC_NORMALIZED = {
  ...specHead,
  mapping: {
    transaction: specTransaction,
    entity: {
      payee: { id: ['budget/payee'], title: ['name'] },
      payor: { id: ['budget/payor'], title: ['name'] },
    },
  },
  resources: [
    {
      name: 'budget',
      title: 'Budget',
      path: 'budget.csv',
      schema: {
        fields: [...specBudgetFields, { name: 'payee', type: 'string' }, { name: 'payee', type: 'string' }],
        primaryKey: 'id',
      },
      foreignKeys: [selfRef('payee', 'entities'), selfRef('payor', 'entities')],
    },
    specEntities,
  ],
};

const SPEC_COFOG = {
  ...specHead,
  mapping: {
    ...SPEC_NORMALIZED.mapping,
    taxonomy: {
      functional: { id: ['budget/category'], title: ['name'], cofog: ['cofog_code'] },
    },
  },
  resources: [
    {
      name: 'budget',
      title: 'Budget',
      path: 'budget.csv',
      schema: {
        fields: [
          ...specBudgetFields,
          { name: 'payee', type: 'string' },
          { name: 'payee', type: 'string' },
          { name: 'category', type: 'string' },
        ],
        primaryKey: 'id',
      },
      foreignKeys: [selfRef('payee', 'entities'), selfRef('payor', 'entities'), selfRef('category', 'classification')],
    },
    specEntities,
  ],
};

describe('OSEP-04 spec examples, through drift + semantics', () => {
  it('minimal: budget/pk, budget/budget, budget/budget_date do not exist (fields are id, amount, date)', () => {
    const { drift, semantic, profile } = pipeline(SPEC_MINIMAL, 'my-username');
    expect(profile.kind).toBe('openspending');
    expect(summary(drift)).toEqual(['warning spec-drift /profiles']);
    expect(summary(errors(semantic))).toEqual([
      'error mapping-error /mapping/transaction/attributes/amount/0',
      'error mapping-error /mapping/transaction/attributes/date/0',
      'error mapping-error /mapping/transaction/attributes/id/0',
    ]);
    const pk = at(semantic, '/mapping/transaction/attributes/id/0')[0];
    expect(pk?.message).toContain('"budget/pk"');
    expect(pk?.message).toContain('resource "budget" has no field "pk"; its fields are "id", "amount", "date"');
    // SHOULDs: title, taxonomy, location
    expect(summary(warnings(semantic))).toEqual([
      'warning mapping-error /mapping',
      'warning mapping-error /mapping/transaction/attributes',
      'warning profile-error ',
    ]);
  });

  it('denormalized entities: payor → payer and the missing attributes wrapper are drift, refs to payee_* resolve', () => {
    const { drift, semantic } = pipeline(SPEC_DENORMALIZED);
    expect(summary(drift)).toEqual([
      'warning spec-drift /mapping/entity',
      'warning spec-drift /mapping/entity/payor',
      'warning spec-drift /profiles',
    ]);
    // only the transaction's three references fail; the entity ones resolve
    expect(summary(errors(semantic))).toEqual([
      'error mapping-error /mapping/transaction/attributes/amount/0',
      'error mapping-error /mapping/transaction/attributes/date/0',
      'error mapping-error /mapping/transaction/attributes/id/0',
    ]);
  });

  it('normalized entities: duplicate payee field, payor key on a missing field, "name" not in entities', () => {
    const { drift, semantic } = pipeline(SPEC_NORMALIZED);
    expect(summary(drift)).toEqual([
      'warning spec-drift /mapping/entity',
      'warning spec-drift /mapping/entity/payor',
      'warning spec-drift /profiles',
      'warning spec-drift /resources/0/foreignKeys',
      'warning spec-drift /resources/0/foreignKeys/0/reference/datapackage',
      'warning spec-drift /resources/0/foreignKeys/1/reference/datapackage',
    ]);
    const errs = errors(semantic);
    expect(summary(errs)).toEqual([
      'error descriptor-error /resources/0/schema/fields/4/name',
      'error descriptor-error /resources/0/schema/foreignKeys/1/fields',
      'error mapping-error /mapping/entity/attributes/payee/title/0',
      'error mapping-error /mapping/entity/attributes/payer/id/0',
      'error mapping-error /mapping/entity/attributes/payer/title/0',
      'error mapping-error /mapping/transaction/attributes/amount/0',
      'error mapping-error /mapping/transaction/attributes/date/0',
      'error mapping-error /mapping/transaction/attributes/id/0',
    ]);
    expect(at(errs, '/resources/0/schema/fields/4/name')[0]?.message).toMatch(/field "payee" is declared twice/);
    expect(at(errs, '/resources/0/schema/foreignKeys/1/fields')[0]?.message).toMatch(/"payor" is not a field of resource "budget"/);
    const title = at(errs, '/mapping/entity/attributes/payee/title/0')[0]?.message ?? '';
    expect(title).toContain('bare field "name"');
    expect(title).toContain('"entities" (from "budget".payee, "budget".payor) has "id", "title", "description", "since"');
    // budget/payee resolves
    expect(at(errs, '/mapping/entity/attributes/payee/id/0')).toEqual([]);
  });

  it('COFOG example: the classification resource is missing, so category, name and cofog_code fail', () => {
    const { semantic } = pipeline(SPEC_COFOG);
    const errs = errors(semantic);
    expect(at(errs, '/resources/0/schema/foreignKeys/2/reference/resource')[0]?.message).toMatch(
      /references resource "classification", which is not in this package \(resources: "budget", "entities"\)/,
    );
    expect(at(errs, '/mapping/taxonomy/attributes/functional/id/0')).toEqual([]);
    expect(at(errs, '/mapping/taxonomy/attributes/functional/title/0')).toHaveLength(1);
    expect(at(errs, '/mapping/taxonomy/attributes/functional/cofog/0')[0]?.message).toContain('bare field "cofog_code"');
    // taxonomy is present now: no "taxonomy SHOULD" warning
    expect(at(warnings(semantic), '/mapping')).toEqual([]);
  });

  it('the COFOG example with the classification resource the text describes resolves its bare references', () => {
    const fixed = structuredClone(SPEC_COFOG) as Json & { resources: Json[] };
    fixed.resources.push({
      name: 'classification',
      path: 'classification.csv',
      schema: { fields: ['id', 'name', 'description', 'cofog_code'].map((name) => ({ name, type: 'string' })) },
    });
    const { semantic } = pipeline(fixed);
    const errs = errors(semantic);
    expect(at(errs, '/mapping/taxonomy/attributes/functional/title/0')).toEqual([]);
    expect(at(errs, '/mapping/taxonomy/attributes/functional/cofog/0')).toEqual([]);
    expect(at(errs, '/resources/0/schema/foreignKeys/2/reference/resource')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Real fixtures
// ---------------------------------------------------------------------------------------------

describe('real fixtures', () => {
  const fiscal = [
    'fiscal-data-package-spec/minimal',
    'fiscal-data-package-spec/entities-normalized',
    'fiscal-data-package-spec/labels-and-hierarchies',
    'fiscal-data-package-demos/al-treasury-spending',
    'fiscal-data-package-demos/au-budget',
    'fiscal-data-package-demos/eu-allocations-per-ms-2014-2020',
    'openspending-migrate/tekjur-rikissjods',
  ];
  it.each(fiscal)('%s is a Fiscal Data Package: one fiscal warning, no errors', (dir) => {
    const { semantic, profile } = pipeline(fixture(`${dir}/datapackage.json`));
    expect(profile.kind).toBe('fiscal');
    expect(profile.fiscal).toBe(true);
    expect(profile.tabular).toBe(true);
    expect(errors(semantic)).toEqual([]);
    const fdp = semantic.filter((p) => p.code === 'profile-error');
    expect(fdp).toHaveLength(1);
    expect(fdp[0]?.severity).toBe('warning');
    expect(fdp[0]?.message).toMatch(/Fiscal Data Package.*OSEP-04 mapping checks do not apply.*Tabular/);
  });

  it('tekjur-rikissjods declares profiles as an object {"fiscal":"*","tabular":"*"}: drift warning, then fiscal', () => {
    const raw = fixture('openspending-migrate/tekjur-rikissjods/datapackage.json');
    expect(detectProfile(raw).kind).toBe('fiscal');
    const { drift, profile } = pipeline(raw);
    expect(summary(drift)).toEqual(['warning spec-drift /profiles']);
    expect(drift[0]?.message).toContain('["fiscal","tabular"]');
    expect(profile).toEqual({ kind: 'fiscal', openspending: false, tabular: true, fiscal: true });
  });

  it.each(['example-data-packages/donations', 'example-data-packages/donation-codes', 'datasets-gdp'])(
    '%s is a Tabular Data Package without errors',
    (dir) => {
      const { drift, semantic, profile } = pipeline(fixture(`${dir}/datapackage.json`));
      expect(profile.kind).toBe('tabular');
      expect(errors([...drift, ...semantic])).toEqual([]);
      expect(semantic).toEqual([]);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Every package: names, paths, schemas
// ---------------------------------------------------------------------------------------------

describe('resource checks (every package)', () => {
  const res = (extra: Json): Json => ({ name: 'r', path: 'data/r.csv', schema: { fields: [{ name: 'a' }] }, ...extra });
  const cases: Array<{ title: string; resources: Json[]; profile?: ProfileInfo; expected: string[]; message?: RegExp }> = [
    { title: 'a clean resource', resources: [res({})], expected: [] },
    {
      title: 'duplicate resource names',
      resources: [res({}), res({ path: 'data/r2.csv' })],
      expected: ['error descriptor-error /resources/1/name'],
      message: /used again \(first by resources\[0\]\)/,
    },
    {
      title: 'a name that is not a slug',
      resources: [res({ name: 'My Budget' })],
      expected: ['error descriptor-error /resources/0/name'],
      message: /"my-budget"/,
    },
    {
      title: 'absolute POSIX path',
      resources: [res({ path: '/etc/passwd.csv' })],
      expected: ['error path-error /resources/0/path'],
      message: /absolute/,
    },
    {
      title: 'Windows drive',
      resources: [res({ path: 'C:/data/r.csv' })],
      expected: ['error path-error /resources/0/path'],
      message: /Windows/,
    },
    {
      title: 'backslashes',
      resources: [res({ path: 'data\\r.csv' })],
      expected: ['error path-error /resources/0/path'],
      message: /backslash/,
    },
    {
      title: '.. segment',
      resources: [res({ path: 'data/../../r.csv' })],
      expected: ['error path-error /resources/0/path'],
      message: /leave the dataset/,
    },
    {
      title: 'file: scheme',
      resources: [res({ path: 'file:///etc/r.csv' })],
      expected: ['error path-error /resources/0/path'],
      message: /URL scheme/,
    },
    { title: 'http(s) paths are left to the loader', resources: [res({ path: 'https://example.org/r.xlsx' })], expected: [] },
    {
      title: 'array path: each element checked',
      resources: [res({ path: ['data/a.csv', '../b.csv'] })],
      expected: ['error path-error /resources/0/path/1'],
    },
    { title: 'dots inside names are fine', resources: [res({ path: 'data/..hidden/r..csv' })], expected: [] },
    {
      title: 'not CSV, tabular: warning',
      resources: [res({ path: 'data/r.xlsx' })],
      expected: ['warning path-error /resources/0/path'],
    },
    {
      title: 'not CSV, openspending: error',
      resources: [res({ path: 'data/r.xlsx' })],
      profile: OPENSPENDING,
      expected: ['error path-error /resources/0/path'],
      message: /OSEP-04: data must be CSV/,
    },
    { title: 'format csv exempts the extension', resources: [res({ path: 'data/r.txt', format: 'CSV' })], expected: [] },
    { title: 'upper-case .CSV is CSV', resources: [res({ path: 'data/R.CSV' })], expected: [] },
    {
      title: 'plain data package: no CSV rule',
      resources: [{ name: 'doc', path: 'doc.pdf' }],
      profile: { kind: 'data-package', openspending: false, tabular: false, fiscal: false },
      expected: [],
    },
    {
      title: 'duplicate field',
      resources: [res({ schema: { fields: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] } })],
      expected: ['error descriptor-error /resources/0/schema/fields/2/name'],
    },
    {
      title: 'primaryKey field missing (string)',
      resources: [res({ schema: { fields: [{ name: 'a' }], primaryKey: 'id' } })],
      expected: ['error descriptor-error /resources/0/schema/primaryKey'],
      message: /"id" is not a field of resource "r"; its fields are "a"/,
    },
    {
      title: 'primaryKey field missing (array)',
      resources: [res({ schema: { fields: [{ name: 'a' }], primaryKey: ['a', 'b'] } })],
      expected: ['error descriptor-error /resources/0/schema/primaryKey/1'],
    },
    {
      title: 'foreign key: own field, referenced resource and field, arity',
      resources: [
        res({
          schema: {
            fields: [{ name: 'a' }, { name: 'b' }],
            foreignKeys: [
              { fields: ['a', 'x'], reference: { resource: 'other', fields: ['id', 'y'] } },
              { fields: 'a', reference: { resource: 'nope', fields: 'id' } },
              { fields: ['a', 'b'], reference: { resource: 'other', fields: 'id' } },
              { fields: 'b', reference: { resource: '', fields: 'a' } },
              { fields: 'b', reference: { resource: '', fields: 'zz' } },
            ],
          },
        }),
        { name: 'other', path: 'o.csv', schema: { fields: [{ name: 'id' }] } },
      ],
      expected: [
        'error descriptor-error /resources/0/schema/foreignKeys/0/fields/1',
        'error descriptor-error /resources/0/schema/foreignKeys/0/reference/fields/1',
        'error descriptor-error /resources/0/schema/foreignKeys/1/reference/resource',
        'error descriptor-error /resources/0/schema/foreignKeys/2',
        'error descriptor-error /resources/0/schema/foreignKeys/4/reference/fields',
      ],
    },
  ];
  it.each(cases)('$title', ({ resources, profile, expected, message }) => {
    const all = checkSemantics({ name: 'p', resources } as PackageDescriptor, { profile: profile ?? TABULAR });
    // (under openspending, the missing mapping and location are reported too: not what these cases test)
    const ps = all.filter((p) => p.pointer?.startsWith('/resources'));
    expect(summary(ps)).toEqual(expected);
    if (message) expect(ps[0]?.message).toMatch(message);
    for (const p of ps) expect(p.resource).toBeTypeOf('string');
  });

  it.each([
    ['data/a.csv', undefined],
    ['a.csv', undefined],
    ['', 'is empty'],
    ['a\u0000.csv', 'contains a control character'],
    ['\\\\server\\share\\a.csv', 'contains a backslash; use "/" as the separator'],
    ['c:a.csv', 'is an absolute Windows path (drive letter)'],
    ['/a.csv', 'is absolute; give it relative to datapackage.json'],
    ['s3://bucket/a.csv', 'has a URL scheme ("s3:") other than http(s)'],
    ['..', 'has a ".." segment and so can leave the dataset'],
    ['a/..', 'has a ".." segment and so can leave the dataset'],
  ])('unsafePathReason(%j) = %j', (path, reason) => {
    expect(unsafePathReason(path)).toBe(reason);
  });
});

// ---------------------------------------------------------------------------------------------
// OpenSpending checks
// ---------------------------------------------------------------------------------------------

function withMapping(mutate: (d: Json & { mapping: Json; resources: Json[] }) => void): Json {
  const d = structuredClone(osPackage()) as Json & { mapping: Json; resources: Json[] };
  mutate(d);
  return d;
}

describe('OpenSpending checks', () => {
  it('a complete package has no problems', () => {
    expect(checkSemantics(osPackage() as unknown as PackageDescriptor, { profile: OPENSPENDING, repositoryOwner: 'Alice' })).toEqual([]);
  });

  const cases: Array<{ title: string; d: Json; owner?: string; expected: string[]; message?: RegExp }> = [
    {
      title: 'no mapping',
      d: osPackage({ mapping: undefined }),
      expected: ['error profile-error '],
    },
    {
      title: 'no transaction',
      d: withMapping((d) => delete d.mapping.transaction),
      expected: ['error mapping-error /mapping'],
      message: /requires it/,
    },
    {
      title: 'currency missing',
      d: withMapping((d) => ((d.mapping.transaction as Json).value = { factor: 1 })),
      expected: ['error profile-error /mapping/transaction/value'],
      message: /ISO 4217/,
    },
    {
      title: 'currency lowercase',
      d: withMapping((d) => ((d.mapping.transaction as Json).value = { currency: 'gbp' })),
      expected: ['error profile-error /mapping/transaction/value/currency'],
      message: /write "GBP"/,
    },
    {
      title: 'currency unknown',
      d: withMapping((d) => ((d.mapping.transaction as Json).value = { currency: 'XYZ' })),
      expected: ['error profile-error /mapping/transaction/value/currency'],
      message: /not an ISO 4217 currency code/,
    },
    {
      title: 'currency withdrawn: warning',
      d: withMapping((d) => ((d.mapping.transaction as Json).value = { currency: 'EEK' })),
      expected: ['warning profile-error /mapping/transaction/value/currency'],
    },
    {
      title: 'factor zero',
      d: withMapping((d) => ((d.mapping.transaction as Json).value = { currency: 'GBP', factor: 0 })),
      expected: ['error profile-error /mapping/transaction/value/factor'],
      message: /positive number/,
    },
    {
      title: 'factor as a string',
      d: withMapping((d) => ((d.mapping.transaction as Json).value = { currency: 'GBP', factor: '1000' })),
      expected: ['error profile-error /mapping/transaction/value/factor'],
      message: /JSON number: 1000/,
    },
    {
      title: 'transaction attributes missing id and date, no title',
      d: withMapping((d) => ((d.mapping.transaction as Json).attributes = { amount: ['spend/amount'], date: [] })),
      expected: [
        'error mapping-error /mapping/transaction/attributes',
        'error mapping-error /mapping/transaction/attributes',
        'warning mapping-error /mapping/transaction/attributes',
      ],
    },
    {
      title: 'no taxonomy: warning',
      d: withMapping((d) => delete d.mapping.taxonomy),
      expected: ['warning mapping-error /mapping'],
    },
    {
      title: 'taxonomy with an unknown kind only',
      d: withMapping((d) => (d.mapping.taxonomy = { attributes: { programme: { id: ['spend/category'] } } })),
      expected: ['error mapping-error /mapping/taxonomy/attributes', 'warning mapping-error /mapping/taxonomy/attributes/programme'],
    },
    {
      title: 'functional without id and cofog; economic fine',
      d: withMapping(
        (d) =>
          (d.mapping.taxonomy = {
            attributes: { functional: { title: ['spend/title'] }, economic: { id: ['spend/category'], title: ['spend/title'] } },
          }),
      ),
      expected: [
        'error mapping-error /mapping/taxonomy/attributes/functional',
        'warning mapping-error /mapping/taxonomy/attributes/functional',
      ],
    },
    {
      title: 'entity: unknown kind, payee without id and title',
      d: withMapping((d) => (d.mapping.entity = { attributes: { donor: { id: ['spend/payee'] }, payee: {} } })),
      expected: [
        'error mapping-error /mapping/entity/attributes/donor',
        'error mapping-error /mapping/entity/attributes/payee',
        'warning mapping-error /mapping/entity/attributes/payee',
      ],
    },
    {
      title: 'entity with no payer or payee',
      d: withMapping((d) => (d.mapping.entity = { attributes: {} })),
      expected: ['error mapping-error /mapping/entity/attributes'],
    },
    {
      title: 'project requires id, amount, date',
      d: withMapping((d) => (d.mapping.project = { attributes: { id: ['spend/id'] } })),
      expected: [
        'error mapping-error /mapping/project/attributes',
        'error mapping-error /mapping/project/attributes',
        'warning mapping-error /mapping/project/attributes',
      ],
    },
    {
      title: 'FDP measures/dimensions under a declared openspending profile',
      d: withMapping((d) => (d.mapping.measures = {})),
      expected: ['error mapping-error /mapping/measures'],
      message: /Fiscal Data Package form/,
    },
    {
      title: 'no location: warning',
      d: osPackage({ location: undefined }),
      expected: ['warning profile-error '],
    },
    {
      title: 'locations: alpha-2, alpha-3, subdivision, EU fine; lowercase, UK and bogus warn',
      d: osPackage({ location: ['DE', 'FRA', 'GB-ENG', 'EU', 'de', 'UK', 'Atlantis'] }),
      expected: ['warning profile-error /location/4', 'warning profile-error /location/5', 'warning profile-error /location/6'],
    },
    {
      title: 'owner mismatch',
      d: osPackage(),
      owner: 'mallory',
      expected: ['error owner-mismatch /owner'],
      message: /"alice" is not the owner of the repository \("mallory"\)/,
    },
    {
      title: 'reference to a missing resource (glob)',
      d: withMapping(
        (d) =>
          ((d.mapping.transaction as Json).attributes = {
            id: ['budget-*/id'],
            amount: ['spend/amount'],
            date: ['spend/date'],
            title: ['spend/title'],
          }),
      ),
      expected: ['error mapping-error /mapping/transaction/attributes/id/0'],
      message: /no resource matches "budget-\*"; the resources are "spend"/,
    },
    {
      title: 'path traversal in a reference',
      d: withMapping(
        (d) =>
          ((d.mapping.transaction as Json).attributes = {
            id: ['../spend/id'],
            amount: ['spend/amount'],
            date: ['spend/date'],
            title: ['spend/title'],
          }),
      ),
      expected: ['error mapping-error /mapping/transaction/attributes/id/0'],
      message: /contains "\.\."/,
    },
    {
      title: 'a COFOG code where a field reference belongs',
      d: withMapping(
        (d) =>
          (((d.mapping.taxonomy as Json).attributes as Json).functional = {
            id: ['spend/category'],
            title: ['spend/title'],
            cofog: ['05.1'],
          }),
      ),
      expected: ['error mapping-error /mapping/taxonomy/attributes/functional/cofog/0'],
      message: /looks like a COFOG code itself/,
    },
  ];
  it.each(cases)('$title', ({ d, owner, expected, message }) => {
    const ps = checkSemantics(d as unknown as PackageDescriptor, { profile: OPENSPENDING, ...(owner ? { repositoryOwner: owner } : {}) });
    expect(summary(ps)).toEqual(expected);
    if (message) expect(ps.find((p) => p.severity === 'error' || expected.every((e) => e.startsWith('warning')))?.message).toMatch(message);
  });

  it('OpenSpending checks do not run for tabular packages; the owner check does (any profile)', () => {
    const d = osPackage({ mapping: { nonsense: true }, owner: 'x', location: 'nowhere' });
    expect(checkSemantics(d as unknown as PackageDescriptor, { profile: TABULAR, repositoryOwner: 'x' })).toEqual([]);
    expect(checkSemantics(d as unknown as PackageDescriptor, { profile: TABULAR, repositoryOwner: 'y' }).map((p) => p.code)).toEqual([
      'owner-mismatch',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Mapping references
// ---------------------------------------------------------------------------------------------

describe('resolveMappingReference', () => {
  const pkg = {
    name: 'p',
    resources: [
      {
        name: 'budget-2014',
        schema: {
          fields: [{ name: 'amount' }, { name: 'payee' }, { name: 'Department/Agency' }],
          foreignKeys: [{ fields: 'payee', reference: { resource: 'entities', fields: 'id' } }],
        },
      },
      { name: 'budget-2015', schema: { fields: [{ name: 'amount' }, { name: 'extra' }] } },
      { name: 'entities', schema: { fields: [{ name: 'id' }, { name: 'title' }] } },
      { name: '.hidden', schema: { fields: [{ name: 'amount' }] } },
    ],
  } as unknown as PackageDescriptor;

  const cases: Array<[string, string[], string[], RegExp | undefined]> = [
    ['budget-2014/amount', [], ['budget-2014/amount'], undefined],
    ['budget-*/amount', [], ['budget-2014/amount', 'budget-2015/amount'], undefined],
    ['budget-*/extra', [], ['budget-2015/extra'], undefined],
    ['budget-{2014,2015}/amount', [], ['budget-2014/amount', 'budget-2015/amount'], undefined],
    ['*/amount', [], ['budget-2014/amount', 'budget-2015/amount', '.hidden/amount'], undefined],
    ['budget-2014/Department/Agency', [], ['budget-2014/Department/Agency'], undefined],
    [
      'budget-*/nope',
      [],
      [],
      /none of the resources matching "budget-\*" has a field "nope": "budget-2014" has "amount", "payee", "Department\/Agency"; "budget-2015" has "amount", "extra"/,
    ],
    ['entities/name', [], [], /resource "entities" has no field "name"; its fields are "id", "title"/],
    ['other/amount', [], [], /no resource matches "other"/],
    ['!entities/amount', [], [], /no resource matches/],
    ['/amount', [], [], /starts with "\/"/],
    ['../budget-2014/amount', [], [], /contains "\.\."/],
    ['budget-2014/', [], [], /no field after/],
    ['+(budget-2014)/amount', [], [], /no resource matches/],
    [`${'a'.repeat(300)}/amount`, [], [], /at most 256/],
    ['', [], [], /empty/],
    ['title', ['budget-2014'], ['entities/title'], undefined],
    ['title', ['budget-2015'], [], /have no foreign key/],
    ['title', [], [], /names none/],
    ['name', ['budget-2014'], [], /foreign key of the mapped resources: "entities" \(from "budget-2014".payee\) has "id", "title"/],
    ['extra', ['budget-2014'], [], /"budget-2015\/extra" would name it directly/],
  ];
  it.each(cases)('%j via %j → %j', (ref, mapped, expected, error) => {
    const result = resolveMappingReference(ref, pkg, mapped);
    expect(result.refs.map((r) => `${r.resource}/${r.field}`)).toEqual(expected);
    if (error) expect(result.error).toMatch(error);
    else expect(result.error).toBeUndefined();
  });

  it('a bare reference records the foreign key it went through', () => {
    expect(resolveMappingReference('title', pkg, ['budget-2014']).refs).toEqual([
      { resource: 'entities', field: 'title', via: { resource: 'budget-2014', fields: ['payee'] } },
    ]);
  });

  it('mappingReferences lists every reference with its pointer', () => {
    const refs = mappingReferences({
      transaction: { attributes: { id: ['a/id', 'b/id'] } },
      entity: { attributes: { payee: { id: ['a/payee'] } } },
      taxonomy: { attributes: { functional: { cofog: ['code'] } } },
      project: { attributes: { id: ['p/id'] } },
    });
    expect(refs).toEqual([
      { pointer: '/mapping/transaction/attributes/id/0', model: 'transaction', attribute: 'id', ref: 'a/id' },
      { pointer: '/mapping/transaction/attributes/id/1', model: 'transaction', attribute: 'id', ref: 'b/id' },
      { pointer: '/mapping/project/attributes/id/0', model: 'project', attribute: 'id', ref: 'p/id' },
      { pointer: '/mapping/entity/attributes/payee/id/0', model: 'entity', attribute: 'payee.id', ref: 'a/payee' },
      { pointer: '/mapping/taxonomy/attributes/functional/cofog/0', model: 'taxonomy', attribute: 'functional.cofog', ref: 'code' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------------

describe('detectProfile', () => {
  const withSchema = [{ name: 'a', schema: { fields: [] } }];
  const cases: Array<[string, unknown, ProfileInfo['kind'], Partial<ProfileInfo>]> = [
    ['not an object', 'x', 'data-package', { tabular: false }],
    ['no profile, resource without schema', { resources: [{ name: 'a', path: 'a.pdf' }] }, 'data-package', {}],
    ['no resources at all', { resources: [] }, 'data-package', {}],
    ['no profile, every resource has a schema', { resources: withSchema }, 'tabular', { tabular: true }],
    ['profile tabular-data-package', { profile: 'tabular-data-package', resources: [] }, 'tabular', {}],
    ['profile as a URL', { profile: 'https://specs.frictionlessdata.io/schemas/tabular-data-package.json', resources: [] }, 'tabular', {}],
    ['profile data-package', { profile: 'data-package', resources: [{ name: 'a' }] }, 'data-package', {}],
    ['profile openspending-data-package', { profile: 'openspending-data-package', resources: [] }, 'openspending', { tabular: true }],
    ['profiles array', { profiles: ['openspending', 'tabular'], resources: [] }, 'openspending', {}],
    ['profiles object', { profiles: { openspending: '*', tabular: '*' }, resources: [] }, 'openspending', {}],
    ['openspending alone implies tabular', { profiles: ['openspending'], resources: [] }, 'openspending', { tabular: true }],
    ['profile fiscal-data-package', { profile: 'fiscal-data-package', resources: [] }, 'fiscal', { fiscal: true }],
    ['model with measures', { model: { measures: {} }, resources: withSchema }, 'fiscal', { tabular: true, fiscal: true }],
    ['pre-0.3 mapping with dimensions', { mapping: { dimensions: {} }, resources: [] }, 'fiscal', {}],
    ['OSEP-04 mapping alone is not fiscal', { mapping: { transaction: {} }, resources: withSchema }, 'tabular', { fiscal: false }],
    [
      'openspending wins over fiscal',
      { profiles: ['openspending'], model: { measures: {} }, resources: [] },
      'openspending',
      { fiscal: true },
    ],
  ];
  it.each(cases)('%s', (_title, raw, kind, flags) => {
    const info = detectProfile(raw);
    expect(info.kind).toBe(kind);
    expect(info).toMatchObject(flags);
  });
});

// ---------------------------------------------------------------------------------------------
// Code lists
// ---------------------------------------------------------------------------------------------

describe('code lists', () => {
  it('ISO 3166-1: 249 alpha-2 and 249 alpha-3 codes', () => {
    expect(COUNTRY_ALPHA2.size).toBe(249);
    expect(COUNTRY_ALPHA3.size).toBe(249);
    for (const c of COUNTRY_ALPHA2) expect(c).toMatch(/^[A-Z]{2}$/);
    for (const c of COUNTRY_ALPHA3) expect(c).toMatch(/^[A-Z]{3}$/);
    for (const c of ['GB', 'GBR', 'IS', 'ISL', 'SS', 'SSD', 'XK', 'EU']) expect(isCountryCode(c)).toBe(true);
    for (const c of ['UK', 'gb', 'XX', 'EL']) expect(isCountryCode(c)).toBe(false);
  });

  it('ISO 4217: current and withdrawn codes', () => {
    for (const c of ['USD', 'EUR', 'GBP', 'ISK', 'ALL', 'AUD', 'XOF', 'ZWG', 'VES']) expect(CURRENCIES.has(c)).toBe(true);
    for (const c of ['EEK', 'DEM', 'HRK', 'LTL']) expect(CURRENCIES.has(c)).toBe(false);
    for (const c of ['EEK', 'DEM', 'HRK', 'LTL']) expect(HISTORIC_CURRENCIES.has(c)).toBe(true);
    for (const c of CURRENCIES) expect(HISTORIC_CURRENCIES.has(c)).toBe(false);
    expect(CURRENCIES.size).toBeGreaterThan(170);
  });

  it('COFOG: 10 divisions, 69 groups, 109 classes', () => {
    const byLevel = [1, 2, 3].map((n) => [...COFOG_CODES].filter((c) => c.split('.').length === n).length);
    expect(byLevel).toEqual([10, 69, 109]);
    for (const c of ['01', '05.1', '05.4', '07.2.1', '04.8.7', '10.9.0', '10']) expect(isCofogCode(c)).toBe(true);
    for (const c of ['5.1', '11', '05.7', '07.2.5', '01.4.1']) expect(isCofogCode(c)).toBe(false);
  });

  it.each([
    ['05.1', '05.1'],
    ['5.1', '05.1'],
    [' 07.2.1 ', '07.2.1'],
    ['05.1.', '05.1'],
    ['10', '10'],
    ['11.1', undefined],
    ['05-1', undefined],
    ['abc', undefined],
  ])('cofogCanonical(%j) = %j', (value, canonical) => {
    expect(cofogCanonical(value)).toBe(canonical);
  });
});

// ---------------------------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------------------------

describe('robustness', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['array', []],
    ['resources not an array', { resources: 'x' }],
    ['odd resources', { resources: [null, 1, 'x', { name: 5 }, { name: 'a', schema: 'schema.json', path: 7 }] }],
    [
      'odd schema',
      {
        resources: [
          {
            name: 'a',
            schema: { fields: 'x', primaryKey: 5, foreignKeys: [null, { reference: 'x' }, { fields: 1, reference: { resource: 5 } }] },
          },
        ],
      },
    ],
    ['odd mapping', { mapping: { transaction: 5, entity: [], taxonomy: { attributes: [] }, project: 'x' }, resources: [] }],
    [
      'odd mapping 2',
      { mapping: { transaction: { value: 'USD', attributes: { id: 'x' } }, entity: { attributes: { payee: 5 } } }, resources: [] },
    ],
    ['odd location', { location: [1, null, {}], resources: [] }],
  ])('checkSemantics does not throw on %s', (_title, raw) => {
    for (const profile of [OPENSPENDING, TABULAR]) {
      expect(() => checkSemantics(raw as PackageDescriptor, { profile, repositoryOwner: 'o' })).not.toThrow();
    }
  });

  it('the whole pipeline survives random JSON built from descriptor words', () => {
    const words = [
      'name',
      'resources',
      'schema',
      'fields',
      'foreignKeys',
      'reference',
      'resource',
      'datapackage',
      'package',
      'mapping',
      'transaction',
      'entity',
      'taxonomy',
      'project',
      'attributes',
      'payor',
      'payee',
      'value',
      'currency',
      'factor',
      'profiles',
      'profile',
      'path',
      'location',
      'owner',
      'primaryKey',
      'model',
      'measures',
    ];
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const gen = (depth: number): unknown => {
      const k = rand(depth > 3 ? 5 : 8);
      if (k === 0) return null;
      if (k === 1) return rand(3) - 1;
      if (k === 2) return words[rand(words.length)];
      if (k === 3) return `${words[rand(words.length)]}/${words[rand(words.length)]}`;
      if (k === 4) return rand(2) === 0;
      if (k === 5) return Array.from({ length: rand(4) }, () => gen(depth + 1));
      return Object.fromEntries(Array.from({ length: rand(5) }, () => [words[rand(words.length)] as string, gen(depth + 1)]));
    };
    for (let i = 0; i < 2000; i++) {
      const raw = gen(0);
      const before = JSON.stringify(raw);
      expect(() => pipeline(raw, 'o')).not.toThrow();
      expect(JSON.stringify(raw)).toBe(before);
    }
  });
});
