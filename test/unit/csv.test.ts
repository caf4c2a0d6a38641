import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { mulberry32 } from '../../bench/generate.ts';
import { describe, expect, it } from 'vitest';
import {
  CsvParser,
  CsvSyntaxError,
  dialectOf,
  RecordTooLongError,
  UnclosedQuoteError,
  type CsvDialect,
} from '../../src/validate/table/csv.ts';

function parseAll(text: string, chunk = Infinity, dialect: CsvDialect = dialectOf(undefined)): Array<[number, string[]]> {
  const out: Array<[number, string[]]> = [];
  const p = new CsvParser(dialect, (cells, line) => out.push([line, cells]));
  const size = Number.isFinite(chunk) ? chunk : text.length || 1;
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  p.end();
  return out;
}

const records = (text: string, chunk?: number): string[][] => parseAll(text, chunk).map(([, c]) => c);

function randomCsv(rand: () => number): string {
  const pieces = ['a', 'b', 'é', '1', ' ', ',', '"', '\n', '\r\n', '€', 'x y'];
  const rows: string[] = [];
  const nrows = 1 + Math.floor(rand() * 8);
  const ncols = 1 + Math.floor(rand() * 4);
  for (let r = 0; r < nrows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < ncols; c++) {
      let v = '';
      const len = Math.floor(rand() * 5);
      for (let k = 0; k < len; k++) v += pieces[Math.floor(rand() * pieces.length)];
      const needsQuote = /[",\r\n]/.test(v) || rand() < 0.2;
      cells.push(needsQuote ? `"${v.replace(/"/g, '""')}"` : v);
    }
    rows.push(cells.join(','));
  }
  return rows.join(rand() < 0.5 ? '\n' : '\r\n') + (rand() < 0.5 ? '\n' : '');
}

describe('CsvParser', () => {
  it('splits records and cells, and reports the line each record starts on', () => {
    expect(parseAll('id,name\n1,a\n2,b\n')).toEqual([
      [1, ['id', 'name']],
      [2, ['1', 'a']],
      [3, ['2', 'b']],
    ]);
  });

  it('counts physical lines inside quoted cells, so lines and rows differ', () => {
    expect(parseAll('id,text\n1,"two\nlines"\n2,"three\r\nlines\rhere"\n3,x')).toEqual([
      [1, ['id', 'text']],
      [2, ['1', 'two\nlines']],
      [4, ['2', 'three\r\nlines\rhere']],
      [7, ['3', 'x']],
    ]);
  });

  it('handles CRLF, CR-only and missing final line breaks', () => {
    expect(parseAll('a,b\r\n1,2\r\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
    ]);
    expect(parseAll('a,b\r1,2\r3,4')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
    ]);
  });

  it('reports an empty line as a record with one empty cell (a blank row)', () => {
    expect(parseAll('a\n\nb\n')).toEqual([
      [1, ['a']],
      [2, ['']],
      [3, ['b']],
    ]);
  });

  it('keeps doubled quotes and empty quoted cells', () => {
    expect(records('"a ""q"" b","",x\n')).toEqual([['a "q" b', '', 'x']]);
    expect(records('a,\n')).toEqual([['a', '']]);
  });

  it('gives the same records whatever the chunk boundaries (even inside CRLF and "")', () => {
    const text = 'id,"na\r\nme"\r\n1,"x""y"\r\n2,\r\n"",""\r\n';
    const whole = records(text);
    for (const size of [1, 2, 3, 5, 7]) expect(records(text, size)).toEqual(whole);
  });

  it('parses UTF-8 bytes held as latin1 text, decoding only the cells that need it', () => {
    const rand = mulberry32(7);
    for (let n = 0; n < 300; n++) {
      const text = randomCsv(rand);
      const expected = parse(text, { relax_column_count: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n'] }) as string[][];
      const bytes = Buffer.from(text, 'utf8').toString('latin1');
      for (const size of [1, 3, bytes.length || 1]) {
        const out: string[][] = [];
        const p = new CsvParser(dialectOf(undefined), (cells) => out.push(cells), undefined, true);
        for (let i = 0; i < bytes.length; i += size) p.push(bytes.slice(i, i + size));
        p.end();
        expect(out, JSON.stringify(text)).toEqual(expected);
      }
    }
  });

  it('honours the dialect: delimiter, quote char, escape char, initial spaces, comments', () => {
    expect(parseAll('a;b\n1;"x;y"\n', Infinity, dialectOf({ delimiter: ';' })).map(([, c]) => c)).toEqual([
      ['a', 'b'],
      ['1', 'x;y'],
    ]);
    expect(parseAll("a,b\n'1,2',3\n", Infinity, dialectOf({ quoteChar: "'" })).map(([, c]) => c)).toEqual([
      ['a', 'b'],
      ['1,2', '3'],
    ]);
    expect(parseAll('a,b\n"x\\"y",z\\,w\n', Infinity, dialectOf({ escapeChar: '\\', doubleQuote: false })).map(([, c]) => c)).toEqual([
      ['a', 'b'],
      ['x"y', 'z,w'],
    ]);
    expect(parseAll('a, b\n1, "2"\n', Infinity, dialectOf({ skipInitialSpace: true })).map(([, c]) => c)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseAll('# note\na\n#x\n1\n', Infinity, dialectOf({ commentChar: '#' }))).toEqual([
      [2, ['a']],
      [4, ['1']],
    ]);
  });

  it('refuses a record over the size limit instead of buffering it all', () => {
    const p = new CsvParser(dialectOf(undefined), () => undefined, 1000);
    p.push('a\n"');
    expect(() => p.push('x'.repeat(2000))).toThrow(RecordTooLongError);
  });

  it('refuses a record whose cells add up to more than the size limit', () => {
    const p = new CsvParser(dialectOf(undefined), () => undefined, 1000);
    expect(() => p.push(`${'xxx,'.repeat(400)}\n`)).toThrow(RecordTooLongError);
  });

  it('ends with UnclosedQuoteError at the line where the quote opened, without passing that record on', () => {
    for (const chunk of [Infinity, 1, 3]) {
      const out: Array<[number, string[]]> = [];
      const p = new CsvParser(dialectOf(undefined), (cells, line) => out.push([line, cells]));
      const text = 'id,name\n1,"two\nlines"\n2,"never closed\n3,x\n4,y\n';
      const size = Number.isFinite(chunk) ? chunk : text.length;
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      let caught: unknown;
      try {
        p.end();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(UnclosedQuoteError);
      expect((caught as UnclosedQuoteError).line).toBe(4);
      expect((caught as Error).message).toBe('the quote opened on line 4 is never closed; close it or escape quotes by doubling them');
      expect(out).toEqual([
        [1, ['id', 'name']],
        [2, ['1', 'two\nlines']],
      ]);
    }
  });

  it('a quote closed at the very end of the file is no error', () => {
    expect(records('a,"b"')).toEqual([['a', 'b']]);
    expect(records('a,"b"c')).toEqual([['a', 'bc']]);
    expect(() => records('a,"b\\', undefined)).toThrow(UnclosedQuoteError);
  });
});

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Properties (fast-check prints the seed and the shrunk input of a failure)

/** Text built from the characters that matter to a CSV parser, in any order. */
const hostileText = fc
  .array(
    fc.constantFrom('a', 'é', '😀', ' ', ',', ';', '\t', '|', '"', "'", '\\', '#', '\n', '\r', '\r\n', '""', '\u0000', 'x'.repeat(50)),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

const anyDialect = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  quoteChar: fc.constantFrom('"', "'", ''),
  doubleQuote: fc.boolean(),
  escapeChar: fc.constantFrom(undefined, '\\'),
  skipInitialSpace: fc.boolean(),
  commentChar: fc.constantFrom(undefined, '#'),
});

/** Chunk sizes to split a text into (cycled). */
const chunking = fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 });

function split(text: string, sizes: number[]): string[] {
  const out: string[] = [];
  for (let i = 0, k = 0; i < text.length; k++) {
    const size = sizes[k % sizes.length]!;
    out.push(text.slice(i, i + size));
    i += size;
  }
  return out;
}

/** Records and the error the parser ends with (only CsvSyntaxError is allowed to escape). */
function run(
  chunks: string[],
  dialect: CsvDialect,
  maxRecordChars?: number,
): { records: Array<[number, string[]]>; error?: CsvSyntaxError; maxBuffered: number } {
  const records: Array<[number, string[]]> = [];
  const p = new CsvParser(dialect, (cells, line) => records.push([line, cells]), maxRecordChars);
  let maxBuffered = 0;
  try {
    for (const c of chunks) {
      p.push(c);
      maxBuffered = Math.max(maxBuffered, p.bufferedChars - (maxRecordChars === undefined ? 0 : c.length));
    }
    p.end();
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    return { records, error: e, maxBuffered };
  }
  return { records, maxBuffered };
}

describe('CsvParser properties', () => {
  it('never throws anything but its documented errors, and chunking never changes the result', () => {
    fc.assert(
      fc.property(hostileText, anyDialect, chunking, (text, d, sizes) => {
        const dialect = dialectOf(d);
        const whole = run([text], dialect);
        const chunked = run(split(text, sizes), dialect);
        expect(chunked.records).toEqual(whole.records);
        expect(chunked.error?.message).toEqual(whole.error?.message);
        // lines only go forward and stay within the text
        const lineBreaks = text.replace(/\r\n/g, '\n').replace(/[^\r\n]/g, '').length;
        let last = 0;
        for (const [line] of whole.records) {
          expect(line).toBeGreaterThanOrEqual(last);
          expect(line).toBeLessThanOrEqual(lineBreaks + 1);
          last = line;
        }
        if (whole.error) expect(whole.error.line).toBeLessThanOrEqual(lineBreaks + 1);
        // nothing is invented: the cells hold at most the text's characters
        const chars = whole.records.reduce((n, [, cells]) => n + cells.reduce((m, c) => m + c.length, 0), 0);
        expect(chars).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 400 },
    );
  });

  it('holds at most maxRecordChars plus one chunk of a record, and throws RecordTooLongError rather than grow', () => {
    const repeated = fc
      .tuple(fc.constantFrom('a', 'a,', '"a', '"a""', ',', '\\a'), fc.integer({ min: 1, max: 3000 }))
      .map(([s, n]) => s.repeat(n));
    fc.assert(
      fc.property(fc.oneof(hostileText, repeated), anyDialect, chunking, fc.integer({ min: 8, max: 256 }), (text, d, sizes, max) => {
        const r = run(split(text, sizes), dialectOf(d), max);
        expect(r.maxBuffered).toBeLessThanOrEqual(max);
        // a record that was passed on is bounded too (by the limit plus the chunk it ended in)
        const longest = Math.max(0, ...r.records.map(([, cells]) => cells.reduce((m, c) => m + c.length, 0)));
        expect(longest).toBeLessThanOrEqual(max + Math.max(...sizes));
        if (r.error && !(r.error instanceof UnclosedQuoteError)) expect(r.error).toBeInstanceOf(RecordTooLongError);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with csv-parse on well-formed tables: any cells, separators, quotes and CR/LF mixes', () => {
    const cell = fc
      .array(fc.constantFrom('a', 'b', 'é', '€', '😀', '1', ' ', ',', ';', '\t', '"', "'", '\n', '\r', '\r\n'), { maxLength: 6 })
      .map((p) => p.join(''));
    const table = fc.record({
      rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
      delimiter: fc.constantFrom(',', ';', '\t', '|'),
      quote: fc.constantFrom('"', "'"),
      eols: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 6 }),
      finalEol: fc.boolean(),
      quoteAll: fc.boolean(),
    });
    fc.assert(
      fc.property(table, chunking, (t, sizes) => {
        const special = new RegExp(`[${t.delimiter === '\t' ? '\\t' : `\\${t.delimiter}`}\\${t.quote}\r\n]`);
        const q = (v: string): string =>
          t.quoteAll || special.test(v) ? `${t.quote}${v.split(t.quote).join(t.quote + t.quote)}${t.quote}` : v;
        // a lone empty cell would be a blank line, which csv-parse and we both keep as ['']
        let text = '';
        t.rows.forEach((row, i) => {
          text += row.map(q).join(t.delimiter);
          if (i < t.rows.length - 1 || t.finalEol) text += t.eols[i % t.eols.length];
        });
        const expected = parse(text, {
          delimiter: t.delimiter,
          quote: t.quote,
          escape: t.quote,
          relax_column_count: true,
          skip_empty_lines: false,
          record_delimiter: ['\r\n', '\n', '\r'],
        }) as string[][];
        const dialect = dialectOf({ delimiter: t.delimiter, quoteChar: t.quote });
        const r = run(split(text, sizes), dialect);
        expect(r.error).toBeUndefined();
        expect(r.records.map(([, c]) => c)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});
