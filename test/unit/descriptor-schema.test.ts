import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonDocument } from '../../src/package/json-document.ts';
import { checkDescriptorSchema } from '../../src/validate/descriptor/schema.ts';
import type { SchemaProfiles } from '../../src/validate/descriptor/schema.ts';

const DP: SchemaProfiles = { tabular: false, openspending: false };
const TDP: SchemaProfiles = { tabular: true, openspending: false };
const OS: SchemaProfiles = { tabular: true, openspending: true };

type Json = Record<string, unknown>;

const clone = <T>(value: T): T => structuredClone(value);

/** [pointer, code] of each problem. */
const flat = (descriptor: unknown, profiles: SchemaProfiles) => checkDescriptorSchema(descriptor, profiles).map((p) => [p.pointer, p.code]);

const minimalDp = () => ({ resources: [{ name: 'budget', path: 'budget.csv' }] });

const minimalTdp = () => ({
  name: 'budget-2024',
  resources: [
    {
      name: 'budget',
      path: 'data/budget.csv',
      schema: {
        fields: [
          { name: 'id', type: 'string' },
          { name: 'amount', type: 'number' },
          { name: 'date', type: 'date' },
        ],
        primaryKey: 'id',
      },
    },
  ],
});

const minimalOs = (): Json => ({
  name: 'my-openspending-datapackage',
  title: 'My OpenSpending Data Package',
  profiles: ['openspending', 'tabular'],
  owner: 'my-username',
  mapping: {
    transaction: {
      value: { currency: 'USD', factor: 1 },
      attributes: { id: ['budget/pk'], amount: ['budget/budget'], date: ['budget/budget_date'] },
    },
  },
  resources: [
    {
      name: 'budget',
      title: 'Budget',
      path: 'budget.csv',
      schema: {
        fields: [
          { name: 'pk', type: 'string' },
          { name: 'budget', type: 'number', format: 'currency' },
          { name: 'budget_date', type: 'date' },
        ],
        primaryKey: 'pk',
      },
    },
  ],
});

/** minimalTdp with the first resource's Table Schema changed. */
const withSchema = (change: (schema: Json) => void) => {
  const d = minimalTdp();
  change(d.resources[0]?.schema as unknown as Json);
  return d;
};

/** minimalOs with a change applied. */
const os = (change: (d: Json & { mapping: Json }) => void) => {
  const d = minimalOs() as Json & { mapping: Json };
  change(d);
  return d;
};

const real = (relative: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../shared/fixtures/real/${relative}`, import.meta.url), 'utf8'));

describe('checkDescriptorSchema: valid descriptors pass', () => {
  it('minimal Data Package', () => {
    expect(checkDescriptorSchema(minimalDp(), DP)).toEqual([]);
    expect(checkDescriptorSchema(minimalDp(), TDP)).toEqual([]);
    expect(checkDescriptorSchema({ resources: [{ name: 'inline', data: [{ a: 1 }] }] }, TDP)).toEqual([]);
  });

  it('minimal Tabular Data Package', () => {
    expect(checkDescriptorSchema(minimalTdp(), TDP)).toEqual([]);
  });

  it('minimal OpenSpending Data Package (the OSEP-04 minimal example, made valid JSON)', () => {
    expect(checkDescriptorSchema(minimalOs(), OS)).toEqual([]);
  });

  it('OpenSpending package with every optional part', () => {
    const d = os((x) => {
      x.location = ['BR', 'PT'];
      x.granularity = 'transactional';
      x.direction = 'revenue';
      x.status = 'executed';
      x.mapping.taxonomy = { attributes: { functional: { id: ['budget/fn'], cofog: ['budget/cofog'] } } };
      x.mapping.entity = { attributes: { payee: { id: ['budget/payee_id'], title: ['entities/name'] } } };
      x.mapping.project = { attributes: { id: ['projects/id'] } };
    });
    expect(checkDescriptorSchema(d, OS)).toEqual([]);
    expect(
      checkDescriptorSchema(
        os((x) => (x.location = 'BR')),
        OS,
      ),
    ).toEqual([]);
  });

  it('a full Data Package with licenses, contributors, sources and a dialect', () => {
    const d = {
      ...minimalTdp(),
      title: 'Budget',
      homepage: 'https://example.org/budget',
      created: '2024-01-31T12:00:00Z',
      version: '1.0.0',
      keywords: ['budget'],
      licenses: [{ name: 'CC-BY-4.0', path: 'https://creativecommons.org/licenses/by/4.0/' }, { path: 'LICENSE.md' }],
      contributors: [{ title: 'Joe', email: 'joe@example.org', role: 'author' }],
      sources: [{ title: 'Treasury', path: 'https://example.org' }],
      extra: { anything: [1, 2] },
    };
    const r = d.resources[0] as Json;
    r.dialect = { delimiter: ';', quoteChar: "'", doubleQuote: false, header: true, lineTerminator: '\r\n' };
    r.bytes = 123;
    r.hash = 'sha256:abcdef0123';
    r.mediatype = 'text/csv';
    r.encoding = 'utf-8';
    (r.schema as Json).missingValues = ['', 'n/a'];
    (r.schema as Json).foreignKeys = [{ fields: 'id', reference: { resource: '', fields: 'id' } }];
    expect(checkDescriptorSchema(d, TDP)).toEqual([]);
  });

  it.each([
    'example-data-packages/donations/datapackage.json',
    'example-data-packages/donation-codes/datapackage.json',
    'datasets-gdp/datapackage.json',
    'frictionless-py/data/package/datapackage.json',
    'frictionless-py/data/invalid/datapackage.json',
    'fiscal-data-package-demos/al-treasury-spending/datapackage.json',
    'openspending-migrate/tekjur-rikissjods/datapackage.json',
  ])('real fixture %s passes as tabular', (relative) => {
    expect(checkDescriptorSchema(real(relative), TDP)).toEqual([]);
  });

  // frictionless-py package/package.py Package.metadata_profile: homepage is `type: string` only.
  it('a real fixture with a v1-only defect is a warning, as frictionless accepts it (au-budget: "homepage": "")', () => {
    expect(flat(real('fiscal-data-package-demos/au-budget/datapackage.json'), TDP)).toEqual([['/homepage', 'lenient-metadata']]);
    expect(checkDescriptorSchema(real('fiscal-data-package-demos/au-budget/datapackage.json'), TDP)[0]?.severity).toBe('warning');
  });
});

describe('checkDescriptorSchema: Data Package rules', () => {
  it('the descriptor must be an object (and nothing more is said)', () => {
    const problems = checkDescriptorSchema([], OS);
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([['', 'descriptor-error']]);
    expect(problems[0]?.message).toBe('the descriptor must be an object (found an empty array); change it to an object');
  });

  it('name must be a slug', () => {
    const problems = checkDescriptorSchema({ ...minimalDp(), name: 'My Budget' }, DP);
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([['/name', 'descriptor-error']]);
    expect(problems[0]?.message).toMatch(/^name must match .* \(found "My Budget"\); use only lower-case letters/);
    expect(problems[0]?.cell).toBe('My Budget');
  });

  it('resources is required, an array, and not empty', () => {
    const missing = checkDescriptorSchema({ name: 'x' }, DP);
    expect(missing.map((p) => [p.pointer, p.code])).toEqual([['/resources', 'descriptor-error']]);
    expect(missing[0]?.message).toMatch(/^the descriptor must have "resources" \(an array of data resources\); add it$/);
    expect(flat({ resources: {} }, DP)).toEqual([['/resources', 'descriptor-error']]);
    // frictionless accepts `resources: []` (no minItems in Package.metadata_profile): a v1 warning.
    const empty = checkDescriptorSchema({ resources: [] }, DP);
    expect(empty.map((p) => [p.pointer, p.code, p.severity])).toEqual([['/resources', 'lenient-metadata', 'warning']]);
    expect(empty[0]?.message).toMatch(/at least 1 item \(found an empty array\)/);
  });

  it('each resource is an object with a slug name', () => {
    expect(flat({ resources: ['budget.csv'] }, OS)).toContainEqual(['/resources/0', 'descriptor-error']);
    expect(flat({ resources: ['budget.csv'] }, DP)).toEqual([['/resources/0', 'descriptor-error']]);
    const noName = checkDescriptorSchema({ resources: [{ path: 'a.csv' }] }, DP);
    expect(noName.map((p) => [p.pointer, p.code])).toEqual([['/resources/0/name', 'descriptor-error']]);
    expect(noName[0]?.message).toMatch(/^resources\/0 must have "name"/);
    const badName = checkDescriptorSchema({ resources: [{ name: 'Budget 2024', path: 'a.csv' }] }, DP);
    expect(badName.map((p) => [p.pointer, p.code, p.resource])).toEqual([['/resources/0/name', 'descriptor-error', 'Budget 2024']]);
  });

  it('a resource needs path or data: one problem, not ajv noise', () => {
    const neither = checkDescriptorSchema({ resources: [{ name: 'a' }] }, DP);
    expect(neither.map((p) => [p.pointer, p.code, p.resource])).toEqual([['/resources/0', 'descriptor-error', 'a']]);
    expect(neither[0]?.message).toMatch(/^resources\/0 must have "path" or "data" \(found neither\)/);
    expect(neither[0]?.message).not.toMatch(/schema|oneOf/);

    const url = checkDescriptorSchema({ resources: [{ name: 'a', url: 'a.csv' }] }, DP);
    expect(url).toHaveLength(1);
    expect(url[0]?.message).toMatch(/"url" is the pre-v1 name of "path", rename it/);

    const both = checkDescriptorSchema({ resources: [{ name: 'a', path: 'a.csv', data: [] }] }, DP);
    expect(both.map((p) => [p.pointer, p.code])).toEqual([['/resources/0', 'descriptor-error']]);
    expect(both[0]?.message).toMatch(/must have only one of "path" or "data"/);
  });

  it('path is a non-empty string or a non-empty array of strings', () => {
    expect(flat({ resources: [{ name: 'a', path: [] }] }, DP)).toEqual([['/resources/0/path', 'descriptor-error']]);
    expect(flat({ resources: [{ name: 'a', path: '' }] }, DP)).toEqual([['/resources/0/path', 'descriptor-error']]);
    expect(flat({ resources: [{ name: 'a', path: ['a.csv', 3] }] }, DP)).toEqual([['/resources/0/path/1', 'descriptor-error']]);
    expect(flat({ resources: [{ name: 'a', path: 3 }] }, DP)).toEqual([['/resources/0/path', 'descriptor-error']]);
    expect(checkDescriptorSchema({ resources: [{ name: 'a', path: ['a.csv', 'b.csv'] }] }, DP)).toEqual([]);
  });

  it('licenses: non-empty, each with a name or a path, names are identifiers', () => {
    expect(flat({ ...minimalDp(), licenses: [] }, DP)).toEqual([['/licenses', 'lenient-metadata']]);
    const neither = checkDescriptorSchema({ ...minimalDp(), licenses: [{ title: 'Open' }] }, DP);
    expect(neither.map((p) => [p.pointer, p.code])).toEqual([['/licenses/0', 'descriptor-error']]);
    expect(neither[0]?.message).toMatch(/^licenses\/0 must have "name" or "path" \(found neither\)/);
    expect(flat({ ...minimalDp(), licenses: [{ name: 'CC BY 4.0' }] }, DP)).toEqual([['/licenses/0/name', 'lenient-metadata']]);
    expect(flat({ ...minimalDp(), licenses: 'CC-BY-4.0' }, DP)).toEqual([['/licenses', 'descriptor-error']]);
  });

  it('contributors and sources need a title; roles are the v1 ones', () => {
    expect(flat({ ...minimalDp(), contributors: [{ email: 'a@b.org' }] }, DP)).toEqual([['/contributors/0/title', 'lenient-metadata']]);
    const role = checkDescriptorSchema({ ...minimalDp(), contributors: [{ title: 'A', role: 'autor' }] }, DP);
    expect(role.map((p) => [p.pointer, p.code])).toEqual([['/contributors/0/role', 'lenient-metadata']]);
    expect(role[0]?.message).toMatch(/did you mean "author"\?/);
    expect(flat({ ...minimalDp(), contributors: [{ title: 'A', email: 'nope' }] }, DP)).toEqual([
      ['/contributors/0/email', 'descriptor-error'],
    ]);
    expect(flat({ ...minimalDp(), sources: [{ path: 'https://example.org' }] }, DP)).toEqual([['/sources/0/title', 'lenient-metadata']]);
  });

  it('formats and types of the top-level properties', () => {
    const d = { ...minimalDp(), homepage: 'example.org', created: '31/01/2024', keywords: [], title: 3, version: 1 };
    expect(flat(d, DP)).toEqual([
      ['/title', 'descriptor-error'],
      ['/homepage', 'lenient-metadata'],
      ['/version', 'descriptor-error'],
      ['/created', 'descriptor-error'],
      ['/keywords', 'lenient-metadata'],
    ]);
    const messages = checkDescriptorSchema(d, DP).map((p) => p.message);
    expect(messages).toContain('title must be a string (found 3); change it to a string');
    expect(messages).toContain(
      'homepage must be a full URL (found "example.org"): accepted, as frictionless v5 accepts it, but Data Package v1 wants a full URL here (e.g. "https://example.org/budget"), or the property left out (an error with --strict)',
    );
  });

  it('resource bytes, hash and mediatype', () => {
    const r = { name: 'a', path: 'a.csv', bytes: 1.5, hash: 'sha256:xyz', mediatype: 'csv' };
    expect(flat({ resources: [r] }, DP)).toEqual([
      ['/resources/0/mediatype', 'lenient-metadata'],
      ['/resources/0/bytes', 'descriptor-error'],
      ['/resources/0/hash', 'descriptor-error'],
    ]);
    expect(flat({ resources: [{ ...r, bytes: -1, hash: 'd41d8cd98f00b204e9800998ecf8427e', mediatype: 'text/csv' }] }, DP)).toEqual([
      ['/resources/0/bytes', 'descriptor-error'],
    ]);
  });

  it('keeps unknown properties everywhere', () => {
    const d = minimalTdp() as Json & { resources: Json[] };
    d.custom = 1;
    (d.resources[0] as Json).custom = { x: 1 };
    ((d.resources[0] as { schema: { fields: Json[] } }).schema.fields[0] as Json).custom = true;
    expect(checkDescriptorSchema(d, OS).filter((p) => p.code === 'descriptor-error')).toEqual([]);
  });
});

describe('checkDescriptorSchema: Table Schema rules (tabular)', () => {
  it('reports a misspelt field type as the brief says, with resource and field', () => {
    const d = withSchema((s) => ((s.fields as Json[])[1] = { name: 'amount', type: 'strng' }));
    const problems = checkDescriptorSchema(d, TDP);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'descriptor-error',
      pointer: '/resources/0/schema/fields/1/type',
      resource: 'budget',
      fieldName: 'amount',
      fieldNumber: 2,
      cell: 'strng',
    });
    expect(problems[0]?.message).toBe(
      'resources/0/schema/fields/1/type must be one of string, number, integer, boolean, object, array, date, time, ' +
        'datetime, year, yearmonth, duration, geopoint, geojson, any, list (found "strng"; did you mean "string"?); fix the field type',
    );
  });

  it('Table Schema rules apply only to tabular packages', () => {
    const d = withSchema((s) => ((s.fields as Json[])[1] = { name: 'amount', type: 'strng' }));
    expect(checkDescriptorSchema(d, DP)).toEqual([]);
  });

  it('schema must be an object with fields (a path to a JSON file is read before this check: external.ts)', () => {
    const asString = { resources: [{ name: 'a', path: 'a.csv', schema: 'schema.json' }] };
    expect(checkDescriptorSchema(asString, DP)).toEqual([]);
    expect(checkDescriptorSchema(asString, TDP)).toEqual([]);
    expect(flat({ resources: [{ name: 'a', path: 'a.csv', schema: 3 }] }, TDP)).toEqual([['/resources/0/schema', 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => delete s.fields),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/fields', 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => (s.fields = [])),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/fields', 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => (s.fields = {})),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/fields', 'descriptor-error']]);
  });

  it('each field has a name', () => {
    const p = checkDescriptorSchema(
      withSchema((s) => ((s.fields as Json[])[2] = { type: 'date' })),
      TDP,
    );
    expect(p.map((x) => [x.pointer, x.code, x.fieldNumber, x.fieldName])).toEqual([
      ['/resources/0/schema/fields/2/name', 'descriptor-error', 3, undefined],
    ]);
    expect(
      flat(
        withSchema((s) => ((s.fields as unknown[])[0] = 'id')),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/fields/0', 'descriptor-error']]);
  });

  it('constraints have their v1 types', () => {
    const d = withSchema(
      (s) =>
        ((s.fields as Json[])[0] = {
          name: 'id',
          constraints: { required: 'yes', unique: 1, minLength: -1, maxLength: 2.5, minimum: [], pattern: '(', enum: [] },
        }),
    );
    const base = '/resources/0/schema/fields/0/constraints';
    expect(flat(d, TDP)).toEqual(
      ['required', 'unique', 'minLength', 'maxLength', 'minimum', 'pattern', 'enum'].map((k) => [`${base}/${k}`, 'descriptor-error']),
    );
    const messages = checkDescriptorSchema(d, TDP).map((p) => p.message);
    expect(messages).toContain(
      'resources/0/schema/fields/0/constraints/required must be a boolean (found "yes"); use true or false (not a string)',
    );
    expect(messages).toContain(
      'resources/0/schema/fields/0/constraints/pattern must be a valid regular expression (found "("); give a valid regular expression',
    );
  });

  it('number and boolean field options', () => {
    const d = withSchema(
      (s) => ((s.fields as Json[])[1] = { name: 'amount', type: 'number', bareNumber: 'false', trueValues: [], decimalChar: '' }),
    );
    expect(flat(d, TDP)).toEqual([
      ['/resources/0/schema/fields/1/decimalChar', 'descriptor-error'],
      ['/resources/0/schema/fields/1/bareNumber', 'descriptor-error'],
      ['/resources/0/schema/fields/1/trueValues', 'descriptor-error'],
    ]);
  });

  it('primaryKey is a field name or a non-empty array of distinct names', () => {
    expect(
      flat(
        withSchema((s) => (s.primaryKey = 1)),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/primaryKey', 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => (s.primaryKey = [])),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/primaryKey', 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => (s.primaryKey = ['id', 1])),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/primaryKey/1', 'descriptor-error']]);
    const dup = checkDescriptorSchema(
      withSchema((s) => (s.primaryKey = ['id', 'id'])),
      TDP,
    );
    expect(dup.map((p) => [p.pointer, p.code])).toEqual([['/resources/0/schema/primaryKey', 'descriptor-error']]);
    expect(dup[0]?.message).toMatch(/must not repeat items \(items 0 and 1 are the same\)/);
    expect(
      checkDescriptorSchema(
        withSchema((s) => (s.primaryKey = ['id', 'date'])),
        TDP,
      ),
    ).toEqual([]);
  });

  it('foreignKeys have fields and a reference with fields (and, v1, resource; v2 lets it out: the same resource)', () => {
    const base = '/resources/0/schema/foreignKeys/0';
    expect(
      flat(
        withSchema((s) => (s.foreignKeys = [{ fields: 'id' }])),
        TDP,
      ),
    ).toEqual([[`${base}/reference`, 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => (s.foreignKeys = [{ fields: 'id', reference: { fields: 'id' } }])),
        TDP,
      ),
    ).toEqual([]);
    expect(
      flat(
        withSchema((s) => (s.foreignKeys = [{ fields: 'id', reference: { resource: 1, fields: 'id' } }])),
        TDP,
      ),
    ).toEqual([[`${base}/reference/resource`, 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => (s.foreignKeys = [{ fields: 3, reference: { resource: 'other', fields: {} } }])),
        TDP,
      ),
    ).toEqual([
      [`${base}/fields`, 'descriptor-error'],
      [`${base}/reference/fields`, 'descriptor-error'],
    ]);
    expect(
      flat(
        withSchema((s) => (s.foreignKeys = {})),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/foreignKeys', 'descriptor-error']]);
  });

  it('missingValues is an array of strings or (v2) {value, label} objects', () => {
    expect(
      flat(
        withSchema((s) => (s.missingValues = ['', 0])),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/missingValues/1', 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => (s.missingValues = ['', { value: '-', label: 'none' }])),
        TDP,
      ),
    ).toEqual([]);
    expect(
      flat(
        withSchema((s) => (s.missingValues = [{ label: 'none' }])),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/missingValues/0/value', 'descriptor-error']]);
    expect(
      flat(
        withSchema((s) => (s.missingValues = '')),
        TDP,
      ),
    ).toEqual([['/resources/0/schema/missingValues', 'descriptor-error']]);
  });

  it('checks every resource, with pointers into each', () => {
    const d = minimalTdp() as { resources: Json[] };
    d.resources.push({ name: 'b', path: 'b.csv', schema: { fields: [{ name: 'x', type: 'text' }] } });
    const p = checkDescriptorSchema(d, TDP);
    expect(p.map((x) => [x.pointer, x.resource, x.fieldName])).toEqual([['/resources/1/schema/fields/0/type', 'b', 'x']]);
  });
});

describe('checkDescriptorSchema: CSV Dialect rules (tabular)', () => {
  const withDialect = (dialect: unknown) => ({ resources: [{ name: 'a', path: 'a.csv', dialect }] });

  it('single characters, booleans', () => {
    const d = withDialect({ delimiter: ';;', quoteChar: '', escapeChar: '\\', doubleQuote: 'true', header: 0, skipInitialSpace: true });
    expect(flat(d, TDP)).toEqual([
      ['/resources/0/dialect/delimiter', 'descriptor-error'],
      ['/resources/0/dialect/doubleQuote', 'descriptor-error'],
      ['/resources/0/dialect/quoteChar', 'descriptor-error'],
      ['/resources/0/dialect/header', 'descriptor-error'],
    ]);
    const messages = checkDescriptorSchema(d, TDP).map((p) => p.message);
    expect(messages[0]).toBe(
      'resources/0/dialect/delimiter must be exactly one character (found ";;"); give the delimiter as a single character',
    );
    expect(checkDescriptorSchema(d, DP)).toEqual([]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkDescriptorSchema(withDialect({ delimiter: '𝄞' }), TDP)).toEqual([]);
  });

  it('must be an object under tabular (a path to a JSON file is read before this check: external.ts)', () => {
    expect(flat(withDialect('dialect.json'), TDP)).toEqual([]);
    expect(flat(withDialect([]), TDP)).toEqual([['/resources/0/dialect', 'descriptor-error']]);
  });
});

describe('checkDescriptorSchema: OpenSpending profile (OSEP-04)', () => {
  it.each(['name', 'title', 'owner', 'resources', 'mapping'])('requires %s', (key) => {
    const d = os((x) => delete x[key]);
    const problems = checkDescriptorSchema(d, OS).filter((p) => p.code === 'profile-error');
    expect(problems.map((p) => [p.pointer, p.code])).toEqual([[`/${key}`, 'profile-error']]);
    expect(problems[0]?.message).toMatch(new RegExp(`^the descriptor must have "${key}".*; add it \\(OpenSpending profile, OSEP-04\\)$`));
  });

  it('profile rules apply only to OpenSpending packages', () => {
    expect(checkDescriptorSchema({ resources: [{ name: 'a', path: 'a.csv' }] }, TDP)).toEqual([]);
  });

  it('owner is a non-empty string', () => {
    expect(
      flat(
        os((x) => (x.owner = 42)),
        OS,
      ),
    ).toEqual([['/owner', 'profile-error']]);
    expect(
      flat(
        os((x) => (x.owner = '')),
        OS,
      ),
    ).toEqual([['/owner', 'profile-error']]);
  });

  it('does not repeat what the Data Package schema reports', () => {
    expect(
      flat(
        os((x) => (x.name = 'Not A Slug')),
        OS,
      ),
    ).toEqual([['/name', 'descriptor-error']]);
    expect(
      flat(
        os((x) => (x.title = 1)),
        OS,
      ),
    ).toEqual([['/title', 'descriptor-error']]);
    expect(
      flat(
        os((x) => (x.resources = [])),
        OS,
      ),
    ).toEqual([['/resources', 'lenient-metadata']]);
  });

  it('every resource has a schema', () => {
    const d = os((x) => (x.resources as Json[]).push({ name: 'entities', path: 'entities.csv' }));
    const p = checkDescriptorSchema(d, OS);
    expect(p.map((x) => [x.pointer, x.code, x.resource])).toEqual([['/resources/1/schema', 'profile-error', 'entities']]);
    expect(p[0]?.message).toMatch(/^resources\/1 must have "schema" \(a Table Schema that describes the CSV columns\); add it/);
  });

  it('mapping is an object with a transaction', () => {
    expect(
      flat(
        os((x) => ((x as Json).mapping = [])),
        OS,
      ),
    ).toEqual([['/mapping', 'profile-error']]);
    expect(
      flat(
        os((x) => delete x.mapping.transaction),
        OS,
      ),
    ).toEqual([['/mapping/transaction', 'profile-error']]);
    expect(
      flat(
        os((x) => (x.mapping.transaction = 'budget')),
        OS,
      ),
    ).toEqual([['/mapping/transaction', 'profile-error']]);
  });

  it('transaction.value has a currency string and a positive factor', () => {
    const value = (v: unknown) => os((x) => ((x.mapping.transaction as Json).value = v));
    expect(flat(value(undefined), OS)).toEqual([['/mapping/transaction/value', 'profile-error']]);
    expect(flat(value({ factor: 1 }), OS)).toEqual([['/mapping/transaction/value/currency', 'profile-error']]);
    expect(flat(value({ currency: 978 }), OS)).toEqual([['/mapping/transaction/value/currency', 'profile-error']]);
    const zero = checkDescriptorSchema(value({ currency: 'EUR', factor: 0 }), OS);
    expect(zero.map((p) => [p.pointer, p.code])).toEqual([['/mapping/transaction/value/factor', 'profile-error']]);
    expect(zero[0]?.message).toMatch(/^mapping\/transaction\/value\/factor must be greater than 0 \(found 0\)/);
    expect(flat(value({ currency: 'EUR', factor: '1000' }), OS)).toEqual([['/mapping/transaction/value/factor', 'profile-error']]);
    expect(checkDescriptorSchema(value({ currency: 'EUR' }), OS)).toEqual([]);
    expect(checkDescriptorSchema(value({ currency: 'EUR', factor: 0.001 }), OS)).toEqual([]);
  });

  it('transaction.attributes has id, amount and date, each a non-empty array of strings', () => {
    const attributes = (a: unknown) => os((x) => ((x.mapping.transaction as Json).attributes = a));
    const base = '/mapping/transaction/attributes';
    expect(flat(attributes(undefined), OS)).toEqual([[base, 'profile-error']]);
    expect(flat(attributes({ id: ['b/pk'] }), OS)).toEqual([
      [`${base}/amount`, 'profile-error'],
      [`${base}/date`, 'profile-error'],
    ]);
    const full = { id: ['b/pk'], amount: ['b/amount'], date: ['b/date'] };
    expect(flat(attributes({ ...full, id: 'b/pk' }), OS)).toEqual([[`${base}/id`, 'profile-error']]);
    expect(flat(attributes({ ...full, amount: [] }), OS)).toEqual([[`${base}/amount`, 'profile-error']]);
    expect(flat(attributes({ ...full, date: ['b/date', 7] }), OS)).toEqual([[`${base}/date/1`, 'profile-error']]);
    expect(flat(attributes({ ...full, title: 'b/title' }), OS)).toEqual([[`${base}/title`, 'profile-error']]);
    expect(checkDescriptorSchema(attributes({ ...full, title: ['b/title'], description: ['b/d'] }), OS)).toEqual([]);
  });

  it('taxonomy, entity and project have attributes maps of string arrays', () => {
    const mapping = (key: string, value: unknown) => os((x) => (x.mapping[key] = value));
    expect(flat(mapping('taxonomy', { functional: { id: ['b/fn'] } }), OS)).toEqual([['/mapping/taxonomy/attributes', 'profile-error']]);
    expect(flat(mapping('taxonomy', { attributes: { functional: { id: 'b/fn' } } }), OS)).toEqual([
      ['/mapping/taxonomy/attributes/functional/id', 'profile-error'],
    ]);
    expect(flat(mapping('taxonomy', { attributes: { functional: ['b/fn'] } }), OS)).toEqual([
      ['/mapping/taxonomy/attributes/functional', 'profile-error'],
    ]);
    expect(flat(mapping('entity', { attributes: { payee: { id: [] } } }), OS)).toEqual([
      ['/mapping/entity/attributes/payee/id', 'profile-error'],
    ]);
    expect(flat(mapping('entity', []), OS)).toEqual([['/mapping/entity', 'profile-error']]);
    expect(flat(mapping('project', { attributes: { id: [1] } }), OS)).toEqual([['/mapping/project/attributes/id/0', 'profile-error']]);
  });

  it('granularity, direction and status are enums', () => {
    const p = checkDescriptorSchema(
      os((x) => {
        x.granularity = 'aggregate';
        x.direction = 'income';
        x.status = 'Approved';
      }),
      OS,
    );
    expect(p.map((x) => [x.pointer, x.code])).toEqual([
      ['/granularity', 'profile-error'],
      ['/direction', 'profile-error'],
      ['/status', 'profile-error'],
    ]);
    expect(p[0]?.message).toBe(
      'granularity must be one of aggregated, transactional (found "aggregate"; did you mean "aggregated"?); ' +
        'use one of these values (the default is "aggregated") (OpenSpending profile, OSEP-04)',
    );
    expect(p[2]?.message).toMatch(/did you mean "approved"\?/);
  });

  it('location is a string or an array of strings', () => {
    expect(
      flat(
        os((x) => (x.location = 76)),
        OS,
      ),
    ).toEqual([['/location', 'profile-error']]);
    expect(
      flat(
        os((x) => (x.location = ['BR', 76])),
        OS,
      ),
    ).toEqual([['/location/1', 'profile-error']]);
    expect(
      flat(
        os((x) => (x.location = [])),
        OS,
      ),
    ).toEqual([['/location', 'profile-error']]);
  });

  it('reports each violation once across the three schemas', () => {
    const d = os((x) => {
      delete x.owner;
      x.name = 'Bad Name';
      (x.resources as Json[])[0] = { name: 'budget', schema: { fields: [{ name: 'id', type: 'int' }] } };
    });
    expect(flat(d, OS)).toEqual([
      ['/name', 'descriptor-error'],
      ['/resources/0', 'descriptor-error'],
      ['/resources/0/schema/fields/0/type', 'descriptor-error'],
      ['/owner', 'profile-error'],
    ]);
  });
});

describe('checkDescriptorSchema with parseJsonDocument', () => {
  it('schema problems get a line and column through locate()', () => {
    const text = [
      '{',
      '  "name": "budget",',
      '  "resources": [',
      '    {',
      '      "name": "budget",',
      '      "path": "budget.csv",',
      '      "schema": {"fields": [{"name": "id", "type": "strng"}]}',
      '    },',
      '    {"name": "other"}',
      '  ]',
      '}',
    ].join('\n');
    const doc = parseJsonDocument(text, { path: 'datapackage.json' });
    expect(doc.problems).toEqual([]);
    const located = checkDescriptorSchema(doc.value, OS).map((p) => {
      const at = doc.locate(p.pointer ?? '');
      return [p.code, p.pointer, at.line, at.column];
    });
    expect(located).toEqual([
      ['descriptor-error', '/resources/1', 9, 5],
      ['descriptor-error', '/resources/0/schema/fields/0/type', 7, 44],
      ['profile-error', '/title', 1, 1],
      ['profile-error', '/owner', 1, 1],
      ['profile-error', '/mapping', 1, 1],
      ['profile-error', '/resources/1/schema', 9, 5],
    ]);
  });
});

describe('checkDescriptorSchema: messages', () => {
  it('never leak ajv jargon', () => {
    const d = clone(minimalOs()) as Json & { resources: Json[] };
    d.name = 'X';
    d.resources.push({ name: 'b', schema: { fields: [{ name: 1, type: 'strng' }], primaryKey: [] }, dialect: { header: 'yes' } });
    d.mapping = { transaction: { value: {}, attributes: {} } };
    const messages = checkDescriptorSchema(d, OS).map((p) => p.message);
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) {
      expect(m).not.toMatch(/oneOf|anyOf|schema path|must match exactly|must NOT|instancePath|#\//);
      expect(m).toMatch(/; /); // every message says what to do after the "; "
    }
  });

  it('truncates long found values', () => {
    const p = checkDescriptorSchema({ ...minimalDp(), name: 'X'.repeat(500) }, DP);
    expect(p[0]?.message.length).toBeLessThan(300);
    expect(p[0]?.cell?.length).toBeLessThanOrEqual(121);
  });

  it('compiles once and is reentrant', () => {
    for (let i = 0; i < 3; i++) expect(checkDescriptorSchema(minimalOs(), OS)).toEqual([]);
  });
});
