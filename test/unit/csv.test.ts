import { parse } from 'csv-parse/sync';
import { mulberry32 } from '../../bench/generate.ts';
import { describe, expect, it } from 'vitest';
import { CsvParser, dialectOf, RecordTooLongError, type CsvDialect } from '../../src/validate/table/csv.ts';

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

  it('agrees with csv-parse on 500 generated tables, in any chunking', () => {
    const rand = mulberry32(42);
    for (let n = 0; n < 500; n++) {
      const text = randomCsv(rand);
      const expected = parse(text, { relax_column_count: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n'] }) as string[][];
      expect(records(text), JSON.stringify(text)).toEqual(expected);
      expect(records(text, 1 + (n % 4)), JSON.stringify(text)).toEqual(expected);
    }
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
});
