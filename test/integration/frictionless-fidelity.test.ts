/**
 * Verdicts on real-world, slightly non-conformant packages agree with frictionless-py v5 (issue
 * 10; ../shared/FRICTIONLESS.md). Each test cites the frictionless-py file and function whose
 * behaviour it follows. Inputs: real fixtures from ../shared/fixtures/real and packages made here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { RowObserver } from '../../src/validate/table/table.ts';
import { renderSummary } from '../../src/validate/render/summary.ts';
import { renderText } from '../../src/validate/render/text.ts';
import type { Report } from '../../src/validate/report.ts';
import { REAL, testdir } from '../support/tmp.ts';
import { flatten, validateDir } from '../support/report.ts';

const fields = (...names: string[]) => names.map((name) => ({ name, type: 'string' }));

/** A one-resource package around `csv` (string or bytes), with descriptor extras. */
async function pkg(csv: string | Uint8Array, resource: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Promise<string> {
  return testdir({
    'data.csv': csv,
    'datapackage.json': { name: 'fidelity', ...top, resources: [{ name: 'data', path: 'data.csv', ...resource }] },
  });
}

const codes = (ps: Report['errors']) => ps.map((p) => p.code);

describe('descriptor metadata like frictionless v5 (package/package.py Package.metadata_profile, Package.metadata_validate)', () => {
  const csv = 'id\n1\n';
  // Each accepted form: a warning of its own code naming the v1 form; --strict makes it an error.
  it.each([
    ['homepage ""', {}, { homepage: '' }, '/homepage'],
    ['homepage not a URL', {}, { homepage: 'www.example.org' }, '/homepage'],
    ['resource homepage not a URL', { homepage: 'budget page' }, {}, '/resources/0/homepage'],
    [
      'contributor with pre-v1 name/web, no title',
      {},
      { contributors: [{ name: 'Jane', web: 'https://jane.example' }] },
      '/contributors/0/title',
    ],
    ['source without title', {}, { sources: [{ name: 'Treasury', web: 'https://treasury.example' }] }, '/sources/0/title'],
    ['license name that is not an identifier', {}, { licenses: [{ name: 'Open Government Licence v3.0' }] }, '/licenses/0/name'],
    ['keywords: []', {}, { keywords: [] }, '/keywords'],
    ['free-form contributor role', {}, { contributors: [{ title: 'Jane', role: 'data steward' }] }, '/contributors/0/role'],
    ['empty sources[].email (issue 16)', {}, { sources: [{ title: 'Treasury', email: '' }] }, '/sources/0/email'],
    ['naive created datetime', {}, { created: '2020-01-01T10:00:00' }, '/created'],
    ['mediatype that is not type/subtype', { mediatype: 'csv' }, {}, '/resources/0/mediatype'],
  ])('%s: accepted with a lenient-metadata warning; an error with --strict', async (_, resource, top, pointer) => {
    const dir = await pkg(csv, resource, top);
    const r = await validateDir(dir);
    expect(r.valid).toBe(true);
    expect(r.errors).toEqual([]);
    expect(flatten(r.warnings, ['code', 'pointer', 'severity'])).toEqual([['lenient-metadata', pointer, 'warning']]);
    expect(r.warnings[0]?.message).toMatch(/accepted, as frictionless v5 accepts it, but Data Package v1 .*\(an error with --strict\)/);
    expect(r.stats.rows).toBe(1);
    const strict = await validateDir(dir, { strict: true });
    expect(strict.valid).toBe(false);
    expect(flatten(strict.errors, ['code', 'pointer'])).toEqual([['lenient-metadata', pointer]]);
  });

  it('resources: [] is valid with a warning (frictionless: valid, 0 tasks)', async () => {
    const dir = await testdir({ 'datapackage.json': { name: 'empty', resources: [] } });
    const r = await validateDir(dir);
    expect(r.valid).toBe(true);
    expect(flatten(r.warnings, ['code', 'pointer'])).toEqual([['lenient-metadata', '/resources']]);
  });

  it('a version that is not semver, and a sources[].path that is not a URL, are not even warned about (neither is checked by v1 nor frictionless)', async () => {
    const r = await validateDir(
      await pkg(csv, {}, { version: 'FY2024 final', sources: [{ title: 'Treasury', path: 'treasury export.xls' }] }),
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  // Each kept error: frictionless rejects these too.
  it.each([
    ['a license with only the pre-v1 url', {}, { licenses: [{ url: 'https://opendatacommons.org/licenses/pddl/' }] }, '/licenses/0'],
    ['a package name that breaks ^([-a-z0-9._/])+$', {}, { name: 'My Budget' }, '/name'],
    ['a homepage that is null', {}, { homepage: null }, '/homepage'],
    ['keywords that are not strings', {}, { keywords: ['budget', 2024] }, '/keywords/1'],
    ['an invalid contributor email', {}, { contributors: [{ title: 'Jane', email: 'jane at example' }] }, '/contributors/0/email'],
    ['created that is not a datetime', {}, { created: '2020-01-01' }, '/created'],
    ['package-level fields', {}, { fields: [{ name: 'id' }] }, '/fields'],
    ['package-level missingValues', {}, { missingValues: ['-'] }, '/missingValues'],
  ])('%s stays an error', async (_, resource, top, pointer) => {
    const r = await validateDir(await pkg(csv, resource, top));
    expect(r.valid).toBe(false);
    expect(flatten(r.errors, ['code', 'pointer'])).toEqual([['descriptor-error', pointer]]);
  });

  it('a resource name that breaks the pattern, and duplicate resource names, stay errors', async () => {
    const bad = await validateDir(await pkg(csv, { name: 'My Data' }));
    expect(flatten(bad.errors, ['code', 'pointer'])).toContainEqual(['descriptor-error', '/resources/0/name']);
    const dir = await testdir({
      'data.csv': csv,
      'datapackage.json': {
        name: 'dup',
        resources: [
          { name: 'data', path: 'data.csv' },
          { name: 'data', path: 'data.csv' },
        ],
      },
    });
    const dup = await validateDir(dir);
    expect(dup.valid).toBe(false);
    expect(dup.errors.some((p) => p.code === 'descriptor-error' && /data/.test(p.message) && p.pointer?.startsWith('/resources/1'))).toBe(
      true,
    );
  });

  it('real fixture au-budget ("homepage": ""): the homepage is a warning, the row problems and the wrong bytes are the errors', async () => {
    const r = await validateDir(join(REAL, 'fiscal-data-package-demos/au-budget'));
    expect(
      flatten(
        r.warnings.filter((w) => w.code === 'lenient-metadata'),
        ['pointer'],
      ),
    ).toEqual([['/homepage']]);
    expect(new Set(codes(r.errors))).toEqual(new Set(['type-error', 'byte-count']));
  });
});

describe('encoding names as publishers write them (detector/detector.py Detector.detect_encoding: codecs.lookup)', () => {
  const utf8 = 'id,name\n1,Société\n';
  const enumOf = (...values: string[]) => ({
    schema: {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'string', constraints: { enum: values } },
      ],
    },
  });

  it('utf-8-sig: UTF-8 with a BOM, the BOM stripped (no incorrect label), the rows read', async () => {
    const r = await validateDir(
      await pkg(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8)]), { encoding: 'utf-8-sig', ...enumOf('Société') }),
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.stats.rows).toBe(1);
  });

  it.each(['UTF8', 'utf_8', 'U8', 'utf-8-sig'])('%s reads UTF-8', async (encoding) => {
    const r = await validateDir(await pkg(utf8, { encoding, ...enumOf('Société') }));
    expect(r.errors).toEqual([]);
  });

  it.each(['latin-1', 'latin_1', 'ISO-8859-1', 'iso8859_1', 'cp1252', 'windows-1252', 'iso-8859-15', 'latin9'])(
    '%s reads a Latin-1 file',
    async (encoding) => {
      const r = await validateDir(await pkg(Buffer.from(utf8, 'latin1'), { encoding, ...enumOf('Société') }));
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([]);
    },
  );

  it('a name no decoder knows is an unknown encoding, with the names to use', async () => {
    const r = await validateDir(await pkg(utf8, { encoding: 'klingon-8' }));
    expect(flatten(r.errors, ['code', 'pointer'])).toEqual([['encoding-error', '/resources/0/encoding']]);
    expect(r.errors[0]?.message).toMatch(/unknown encoding "klingon-8".*"latin-1"/);
  });
});

describe('dialect sniffing when no dialect declares the delimiter (formats/csv/parser.py CsvParser.read_cell_stream_create)', () => {
  const table = (d: string) =>
    ['id', 'name', 'amount'].join(d) +
    '\n' +
    ['1', '"Roads, bridges"', '10'].join(d) +
    '\n' +
    ['2', 'Parks', '20'].join(d) +
    '\n' +
    ['', '', ''].join(d) +
    '\n';
  const schema = {
    schema: {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'string' },
        { name: 'amount', type: 'integer' },
      ],
    },
  };

  it.each([
    ['semicolon', ';', '{"delimiter": ";"}'],
    ['tab', '\t', '{"delimiter": "\\t"}'],
    ['pipe', '|', '{"delimiter": "|"}'],
  ])(
    'a %s file without dialect: read with the sniffed delimiter, the real problems found, one warning with the line to add',
    async (_, d, line) => {
      const r = await validateDir(await pkg(table(d), schema));
      // frictionless finds the blank row (4) and nothing else; read as one column it would be label and cell errors.
      expect(flatten(r.errors, ['code', 'rowNumber'])).toEqual([['blank-row', 4]]);
      expect(r.stats.rows).toBe(3);
      expect(flatten(r.warnings, ['code', 'resource', 'pointer'])).toEqual([['dialect-sniffed', 'data', '/resources/0']]);
      expect(r.warnings[0]?.message).toContain(`"dialect": ${line}`);
      const strict = await validateDir(await pkg(table(d), schema), { strict: true });
      expect(codes(strict.errors)).toEqual(['dialect-sniffed', 'blank-row']);
    },
  );

  it('a comma file, and a one-column file, need no sniffing and get no warning', async () => {
    expect((await validateDir(await pkg(table(','), schema))).warnings).toEqual([]);
    const one = await validateDir(await pkg('name\nRoads; bridges\nParks\n'));
    expect(one.warnings).toEqual([]);
    expect(one.errors).toEqual([]);
  });

  it('a declared dialect that contradicts the sniff wins (no warning; the file is read as declared)', async () => {
    const r = await validateDir(await pkg(table(';'), { ...schema, dialect: { delimiter: ',' } }));
    expect(r.warnings).toEqual([]);
    // One column "id;name;amount" against three fields: what a "," reading gives.
    expect(codes(r.errors)).toContain('incorrect-label');
    expect(codes(r.errors)).toContain('missing-label');
  });

  it("a space after each delimiter on line 1 is skipped, as Python's Sniffer sets skipinitialspace (and said in the same warning)", async () => {
    const r = await validateDir(await pkg('id; name; amount\n1; Roads; 10\n2; Parks; 20\n', schema));
    expect(r.errors).toEqual([]);
    expect(codes(r.warnings)).toEqual(['dialect-sniffed']);
    expect(r.warnings[0]?.message).toContain('add "dialect": {"delimiter": ";", "skipInitialSpace": true} to resources/0');
    // Declared, it is not second-guessed: the spaces stay in the cells, and " name" still matches
    // its field because labels are compared stripped (helpers.py stringify_label), as frictionless
    // does — which also calls this table valid.
    const declared = await validateDir(await pkg('id; name; amount\n1; Roads; 10\n', { ...schema, dialect: { skipInitialSpace: false } }));
    expect(declared.errors).toEqual([]);
    expect(codes(declared.warnings)).toEqual(['dialect-sniffed']);
    expect(declared.warnings[0]?.message).not.toContain('skipInitialSpace');
    expect(declared.warnings[0]?.message).toContain('add "delimiter": ";" to resources/0/dialect');
    // With the delimiter declared, the space is still sniffed (frictionless restricts the sniff to it).
    const delimited = await validateDir(await pkg('id; name; amount\n1; Roads; 10\n', { ...schema, dialect: { delimiter: ';' } }));
    expect(delimited.errors).toEqual([]);
    expect(delimited.warnings[0]?.message).toContain('add "skipInitialSpace": true to resources/0/dialect');
  });

  it('the sniff applies to every file of a multipart resource (sniffed once, warned once)', async () => {
    const dir = await testdir({
      'a.csv': 'id;name\n1;a\n',
      'b.csv': '2;b\n3;c\n', // parts after the first carry no header here
      'datapackage.json': {
        name: 'parts',
        resources: [{ name: 'data', path: ['a.csv', 'b.csv'], schema: { fields: fields('id', 'name') } }],
      },
    });
    const r = await validateDir(dir);
    expect(r.errors).toEqual([]);
    expect(codes(r.warnings)).toEqual(['dialect-sniffed']);
    expect(r.stats.rows).toBe(3);
  });
});

describe('encoding detection when none is declared (detector/detector.py Detector.detect_encoding: chardet on the first bytes)', () => {
  const schema = (values: string[]) => ({
    schema: {
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'label', type: 'string', constraints: { enum: values } },
      ],
    },
  });
  const cp1252 = (s: string) =>
    Buffer.from([...s].map((c) => ({ '“': 0x93, '”': 0x94, '€': 0x80, '–': 0x96, '’': 0x92 })[c] ?? c.charCodeAt(0)));

  it('a Latin-1 file without encoding: detected, every cell decoded, one warning with the line to add', async () => {
    const labels = [
      'Société générale des eaux',
      'Crédit à la consommation',
      'Élève français',
      'Dépenses de fonctionnement',
      'Recettes réelles',
      'Opérations de trésorerie',
    ];
    const csv = 'id,label\n' + labels.map((l, i) => `${i + 1},${l}`).join('\n') + '\n';
    const r = await validateDir(await pkg(Buffer.from(csv, 'latin1'), schema(labels)));
    expect(r.errors).toEqual([]);
    expect(flatten(r.warnings, ['code', 'pointer'])).toEqual([['encoding-detected', '/resources/0']]);
    expect(r.warnings[0]?.message).toMatch(/add "encoding": "windows-1252" to resources\/0/);
    expect((await validateDir(await pkg(Buffer.from(csv, 'latin1'), schema(labels)), { strict: true })).valid).toBe(false);
  });

  it('a Windows-1252 file without encoding (curly quotes, euro, dash): detected and decoded', async () => {
    const labels = [
      '“Roads” – council’s budget 5 €',
      '“Schools” – teachers’ pay 7 €',
      'Café – résumé 9 €',
      '“Parks” – gardeners’ tools 11 €',
    ];
    const r = await validateDir(await pkg(cp1252('id,label\n' + labels.map((l, i) => `${i + 1},${l}`).join('\n') + '\n'), schema(labels)));
    expect(r.errors).toEqual([]);
    expect(codes(r.warnings)).toEqual(['encoding-detected']);
  });

  it('a UTF-8 file is read as UTF-8 without a warning; a declared encoding is never second-guessed', async () => {
    const csv = 'id,label\n1,Société\n';
    expect((await validateDir(await pkg(csv, schema(['Société'])))).warnings).toEqual([]);
    const declared = await validateDir(await pkg(Buffer.from(csv, 'latin1'), { ...schema(['Société']), encoding: 'utf-8' }));
    expect(codes(declared.errors)).toContain('encoding-error');
    expect(declared.warnings).toEqual([]);
  });

  it('a UTF-8 BOM is stripped and still counted in bytes and the hash', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,label\n1,Société\n')]);
    const { createHash } = await import('node:crypto');
    const r = await validateDir(
      await pkg(body, { ...schema(['Société']), bytes: body.length, hash: `sha256:${createHash('sha256').update(body).digest('hex')}` }),
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});

describe('field-level problems never stop the rows from being read (fields/year.py, fields/date.py value_reader)', () => {
  it('year with format "any": the format is reported, ignored, and the rows are read (a bad year is found)', async () => {
    const r = await validateDir(await pkg('year\n1958\n19x8\n', { schema: { fields: [{ name: 'year', type: 'year', format: 'any' }] } }));
    expect(flatten(r.errors, ['code', 'rowNumber'])).toEqual([
      ['descriptor-error', null],
      ['type-error', 3],
    ]);
    expect(r.errors[0]?.message).toMatch(/format is ignored for type "year", as frictionless does/);
    expect(r.stats.rows).toBe(2);
  });

  it('a date format "yyyy-mm-dd" is tried as a pattern (strptime): every date is a type error, and other row problems are found too', async () => {
    const r = await validateDir(
      await pkg('id,date\n1,2020-01-31\nx,2020-02-01\n', {
        schema: {
          fields: [
            { name: 'id', type: 'integer' },
            { name: 'date', type: 'date', format: 'yyyy-mm-dd' },
          ],
        },
      }),
    );
    expect(flatten(r.errors, ['code', 'rowNumber', 'fieldName'])).toEqual([
      ['descriptor-error', null, 'date'],
      ['type-error', 2, 'date'],
      ['type-error', 3, 'id'],
      ['type-error', 3, 'date'],
    ]);
  });

  it('format "any" dates accept what dateutil parses, 1958-03 included', async () => {
    const r = await validateDir(
      await pkg('d\n1958-03\n12 March 1958\n1958\n', { schema: { fields: [{ name: 'd', type: 'date', format: 'any' }] } }),
    );
    expect(r.errors).toEqual([]);
  });
});

describe('nothing that matters is hidden by truncation (the error limit never hides end-of-stream problems)', () => {
  async function badBudget(): Promise<string> {
    const rows = Array.from({ length: 10_000 }, (_, i) => `${i},x${i}`);
    return pkg(['id,amount', ...rows].join('\n') + '\n', {
      bytes: 42,
      hash: 'md5:00000000000000000000000000000000',
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'amount', type: 'number' },
        ],
      },
    });
  }

  it('--max-errors 5 on 10,000 bad rows and a wrong bytes still lists byte-count (and hash-count); the JSON says what was not listed, by code', async () => {
    const r = await validateDir(await badBudget(), { maxErrors: 5 });
    expect(codes(r.errors).filter((c) => c === 'type-error')).toHaveLength(5);
    expect(codes(r.errors)).toContain('byte-count');
    expect(codes(r.errors)).toContain('hash-count');
    expect(r.stats.errors).toBe(10_002);
    expect(r.stats.unlisted).toEqual({ 'type-error': 9_995 });
    expect(r.resources[0]).toMatchObject({ truncated: true, unlisted: { 'type-error': 9_995 } });
  });

  it('the text output and the job summary say how many problems of each code were not listed', async () => {
    const r = await validateDir(await badBudget(), { maxErrors: 5 });
    expect(renderText(r, { color: false })).toContain('… 9995 more not listed: 9,995 type-error (raise --max-errors to see them)');
    const md = renderSummary(r);
    expect(md).toContain('| code | count | not listed |');
    expect(md).toContain('| `type-error` | 10000 | 9995 |');
    expect(md).toContain('| `byte-count` | 1 | 0 |');
  });

  it("the descriptor's own problems cut by --max-errors are counted by code in the text output too", async () => {
    const r = await validateDir(await pkg('id\n1\n', {}, { homepage: '', keywords: [], contributors: [{ name: 'Jane' }] }), {
      maxErrors: 1,
    });
    expect(r.warnings).toHaveLength(1);
    expect(r.stats.unlisted).toEqual({ 'lenient-metadata': 2 });
    expect(renderText(r, { color: false })).toContain('… more not listed: 2 lenient-metadata (raise --max-errors to see them)');
  });

  it('real fixture au-budget with --max-errors 5: byte-count is listed beside the first type errors', async () => {
    const r = await validateDir(join(REAL, 'fiscal-data-package-demos/au-budget'), { maxErrors: 5 });
    expect(r.errors.find((p) => p.code === 'byte-count')?.message).toContain('949585');
    expect(r.stats.unlisted?.['type-error']).toBeGreaterThan(0);
  });
});

describe("real packages in the forms other publishers' tools write them", () => {
  /** The cells of one column of every resource named `resource`, as the validator read them. */
  const collect = (resource: string, column: number, into: string[]) => ({
    observers: (r: { name: string }): RowObserver[] | undefined =>
      r.name === resource
        ? [{ row: (_v: readonly unknown[], cells: readonly string[]) => void into.push(cells[column] ?? '') }]
        : undefined,
  });

  it('tekjur-rikissjods (Icelandic, quoted commas) saved as Latin-1 with no encoding: detected, warned, every cell as in the UTF-8 original (detector/detector.py Detector.detect_encoding)', async () => {
    const base = join(REAL, 'openspending-migrate/tekjur-rikissjods');
    const utf8 = await readFile(join(base, 'dataset.csv'), 'utf8');
    const dir = await testdir({
      'datapackage.json': await readFile(join(base, 'datapackage.json')),
      'dataset.csv': Buffer.from(utf8, 'latin1'),
    });
    const original: string[] = [];
    const reencoded: string[] = [];
    const before = await validateDir(base, collect('dataset', 3, original));
    const after = await validateDir(dir, collect('dataset', 3, reencoded));
    expect(after.errors).toEqual(before.errors);
    expect(after.stats.rows).toBe(480);
    expect(codes(after.warnings.filter((w) => w.resource === 'dataset'))).toEqual(['encoding-detected']);
    expect(reencoded).toEqual(original);
    expect(original).toContain('Skattar á tekjur og hagnað');
  });

  it('datasets-gdp with gdp.csv written with ";" (quoted "Bahamas, The" kept) and no dialect: sniffed, valid, every row read (formats/csv/parser.py CsvParser.read_cell_stream_create)', async () => {
    const base = join(REAL, 'datasets-gdp');
    const rows = parse(await readFile(join(base, 'data/gdp.csv'), 'utf8')) as string[][];
    const cell = (c: string) => (/[;",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const semicolons = rows.map((r) => r.map(cell).join(';')).join('\n') + '\n';
    const dir = await testdir({
      'datapackage.json': await readFile(join(base, 'datapackage.json')),
      'data/gdp.csv': semicolons,
      'data/top-economies.csv': await readFile(join(base, 'data/top-economies.csv')),
    });
    const names: string[] = [];
    const r = await validateDir(dir, collect('gdp', 0, names));
    expect(r.errors).toEqual([]);
    expect(r.resources.find((x) => x.name === 'gdp')?.rows).toBe(rows.length - 1);
    expect(flatten(r.warnings, ['code', 'resource'])).toEqual([['dialect-sniffed', 'gdp']]);
    expect(names).toContain('Bahamas, The');
  });
});
