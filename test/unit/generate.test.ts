import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvCounter, parseOnly } from '../../bench/baseline.ts';
import { generateSpendingDataset, mulberry32, SPECIAL_CASES, type GeneratedDataset } from '../../bench/generate.ts';

const ROWS = 5000;
const CODES = 120;

interface Descriptor {
  name: string;
  profiles: string[];
  mapping: Record<string, unknown>;
  resources: {
    name: string;
    path: string;
    bytes: number;
    schema: { fields: { name: string; constraints?: { enum?: string[] } }[]; primaryKey: string };
  }[];
}

let tmp: string;
let ds: GeneratedDataset;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'os-datastore-generate-'));
  ds = await generateSpendingDataset(join(tmp, 'a'), { rows: ROWS, seed: 42, codes: CODES });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function files(dir: string): Promise<Buffer[]> {
  return Promise.all(['datapackage.json', 'data/spending.csv', 'data/functions.csv'].map((f) => readFile(join(dir, f))));
}

function records(text: string): string[][] {
  return parse(text, { relax_column_count: false }) as string[][];
}

describe('mulberry32', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(8)()).not.toBe(xs[0]);
  });
});

describe('generateSpendingDataset', () => {
  it('is deterministic: same seed gives the same bytes, another seed different ones', async () => {
    const again = await generateSpendingDataset(join(tmp, 'b'), { rows: ROWS, seed: 42, codes: CODES });
    const other = await generateSpendingDataset(join(tmp, 'c'), { rows: ROWS, seed: 43, codes: CODES });
    const [a, b, c] = await Promise.all([files(ds.dir), files(again.dir), files(other.dir)]);
    for (let i = 0; i < 3; i++) expect(Buffer.compare(a![i]!, b![i]!)).toBe(0);
    expect(Buffer.compare(a![1]!, c![1]!)).not.toBe(0);
    expect(again.bytes).toBe(ds.bytes);
  });

  it('returns what it wrote', async () => {
    expect(ds.rows).toBe(ROWS);
    expect(ds.files).toEqual(['datapackage.json', 'data/spending.csv', 'data/functions.csv']);
    const sizes = await Promise.all(ds.files.slice(1).map(async (f) => (await stat(join(ds.dir, f))).size));
    expect(ds.bytes).toBe(sizes[0]! + sizes[1]!);
  });

  it('declares the bytes of each file', async () => {
    const desc = JSON.parse(await readFile(join(ds.dir, 'datapackage.json'), 'utf8')) as Descriptor;
    expect(desc.name).toBe('bench-spending');
    expect(desc.profiles).toEqual(['openspending', 'tabular']);
    expect(Object.keys(desc.mapping)).toEqual(['transaction', 'taxonomy', 'entity']);
    expect(desc.resources.map((r) => [r.name, r.path])).toEqual([
      ['spending', 'data/spending.csv'],
      ['functions', 'data/functions.csv'],
    ]);
    for (const r of desc.resources) expect(r.bytes).toBe((await stat(join(ds.dir, r.path))).size);
  });

  it('writes the row count, and data that matches the schema', async () => {
    const desc = JSON.parse(await readFile(join(ds.dir, 'datapackage.json'), 'utf8')) as Descriptor;
    const spending = records(await readFile(join(ds.dir, 'data/spending.csv'), 'utf8'));
    const functions = records(await readFile(join(ds.dir, 'data/functions.csv'), 'utf8'));
    expect(spending).toHaveLength(ROWS + 1);
    expect(functions).toHaveLength(CODES + 1);
    const fields = desc.resources[0]!.schema.fields;
    expect(spending[0]).toEqual(fields.map((f) => f.name));
    expect(spending[0]).toHaveLength(14);
    expect(functions[0]).toEqual(['code', 'title', 'cofog']);

    const codes = new Set(functions.slice(1).map((r) => r[0]));
    expect(codes.size).toBe(CODES);
    const economic = new Set(fields.find((f) => f.name === 'economic_code')!.constraints!.enum);
    expect(economic.size).toBe(20);
    const col = (name: string): number => spending[0]!.indexOf(name);
    const ids = new Set<string>();
    let negative = 0;
    for (const row of spending.slice(1)) {
      expect(row).toHaveLength(14);
      ids.add(row[col('id')]!);
      const date = row[col('date')]!;
      expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(date);
      expect(row[col('amount')]).toMatch(/^-?\d+\.\d{2}$/);
      if (row[col('amount')]!.startsWith('-')) negative++;
      expect(codes.has(row[col('function_code')]!)).toBe(true);
      expect(economic.has(row[col('economic_code')]!)).toBe(true);
      const year = Number(row[col('fiscal_year')]);
      expect(year >= 2000 && year <= 2030).toBe(true);
    }
    expect(ids.size).toBe(ROWS);
    expect(negative).toBeGreaterThan(0);
    for (const row of functions.slice(1)) expect(row[2]).toMatch(/^(0[1-9]|10)\.[1-9]$/);
  });

  it('has quoted commas, quoted newlines and doubled quotes in descriptions', async () => {
    const text = await readFile(join(ds.dir, 'data/spending.csv'), 'utf8');
    const descriptions = records(text)
      .slice(1)
      .map((r) => r[4]!);
    const count = (p: { period: number; offset: number }): number => Math.floor((ROWS - p.offset) / p.period) + 1;
    expect(descriptions.filter((d) => d.includes(',')).length).toBe(count(SPECIAL_CASES.quotedComma));
    expect(descriptions.filter((d) => d.includes('\n')).length).toBe(count(SPECIAL_CASES.quotedNewline));
    expect(descriptions.filter((d) => d.includes('"')).length).toBe(count(SPECIAL_CASES.doubledQuote));
    expect(text).toContain('""');
    // about 1 in 200, 1 in 2000, 1 in 1000
    expect(count(SPECIAL_CASES.quotedComma)).toBe(25);
    expect(count(SPECIAL_CASES.quotedNewline)).toBe(3);
    expect(count(SPECIAL_CASES.doubledQuote)).toBe(5);
    // Physical lines outnumber records because of the quoted newlines.
    expect(text.split('\n').length - 1).toBe(ROWS + 1 + count(SPECIAL_CASES.quotedNewline));
  });
});

describe('parseOnly', () => {
  it('counts the generated rows (+1 header) and cells despite quoted newlines', async () => {
    const r = await parseOnly(join(ds.dir, 'data/spending.csv'));
    expect(r.rows).toBe(ROWS + 1);
    expect(r.cells).toBe((ROWS + 1) * 14);
    expect(r.bytes).toBe((await stat(join(ds.dir, 'data/spending.csv'))).size);
    const f = await parseOnly(join(ds.dir, 'data/functions.csv'));
    expect(f.rows).toBe(CODES + 1);
    expect(f.cells).toBe((CODES + 1) * 3);
  });

  it('gives the same counts however the text is split into chunks', async () => {
    const text = await readFile(join(ds.dir, 'data/spending.csv'), 'utf8');
    const rand = mulberry32(3);
    for (const maxChunk of [1, 2, 7, 100, 5000]) {
      const counter = new CsvCounter();
      let i = 0;
      while (i < text.length) {
        const n = 1 + Math.floor(rand() * maxChunk);
        counter.feed(text.slice(i, i + n), false);
        i += n;
      }
      counter.feed('', true);
      expect([maxChunk, counter.rows, counter.cells]).toEqual([maxChunk, ROWS + 1, (ROWS + 1) * 14]);
    }
  });

  it('handles cells longer than a chunk, quoted or not', () => {
    const long = 'x'.repeat(9000);
    const quoted = `a "" b\n${'y'.repeat(7000)},""`;
    const text = `h1,h2\n${long},"${quoted}"\n"${quoted}",${long}\n`;
    for (const chunk of [500, 1500, 3000, 5000, 20_000]) {
      const counter = new CsvCounter();
      for (let i = 0; i < text.length; i += chunk) counter.feed(text.slice(i, i + chunk), false);
      counter.feed('', true);
      const unquoted = quoted.replaceAll('""', '"');
      expect([chunk, counter.rows, counter.cells, counter.chars]).toEqual([chunk, 3, 6, 4 + 2 * (long.length + unquoted.length)]);
    }
  });

  it('handles CRLF, CR, empty lines, empty cells, trailing delimiters and a missing final newline', () => {
    const text = 'a,b,c\r\n"x\r\ny","he said ""hi""",\r\n\r\n1,,3\r4,"5",6\n"",,\n7,8,"9"';
    // Records: [a,b,c] ["x\r\ny", 'he said "hi"', ''] [1,'',3] [4,5,6] ['','',''] [7,8,9]
    const expected = [
      ['a', 'b', 'c'],
      ['x\r\ny', 'he said "hi"', ''],
      ['1', '', '3'],
      ['4', '5', '6'],
      ['', '', ''],
      ['7', '8', '9'],
    ];
    for (const chunk of [1, 2, 3, 1000]) {
      const counter = new CsvCounter();
      for (let i = 0; i < text.length; i += chunk) counter.feed(text.slice(i, i + chunk), false);
      counter.feed('', true);
      expect([chunk, counter.rows, counter.cells]).toEqual([chunk, expected.length, expected.flat().length]);
      expect(counter.chars).toBe(expected.flat().join('').length);
    }
  });
});
