/**
 * The index of the validation cache (src/cache/entry.ts): entries inlined as stored, too-large
 * ones only named, and every inlined entry still checked against its key when used.
 */
import { describe, expect, it } from 'vitest';
import {
  checkEntry,
  decodeIndex,
  encodeEntry,
  encodeIndex,
  INDEX_FORMAT,
  INDEX_INLINE_CHARS,
  type CachedResult,
} from '../../src/cache/entry.ts';

const key = (n: number): string => n.toString(16).padStart(64, '0');

function result(rows: number, note = ''): CachedResult {
  return {
    rows,
    bytes: rows * 10,
    keys: [['code', ['F0', 'F1']]],
    deferred: [],
    problems: { errors: [], warnings: note ? [{ code: 'note', message: note, severity: 'warning' }] : [], counts: [] } as never,
    aggregate: null,
  };
}

describe('the cache index', () => {
  it('inlines each entry as stored, sorted by key, and reads them back to the same results', () => {
    const entries = new Map([
      [key(2), encodeEntry(key(2), result(2))],
      [key(1), encodeEntry(key(1), result(1))],
    ]);
    const { bytes } = encodeIndex(entries);
    const doc = JSON.parse(Buffer.from(bytes).toString()) as { format: string; named: string[]; entries: Array<{ key: string }> };
    expect(doc.format).toBe(INDEX_FORMAT);
    expect(doc.named).toEqual([]);
    expect(doc.entries.map((e) => e.key)).toEqual([key(1), key(2)]);
    const index = decodeIndex(bytes);
    if (typeof index === 'string') throw new Error(index);
    expect(checkEntry(key(1), index.entries.get(key(1)))).toEqual(result(1));
    expect(checkEntry(key(2), index.entries.get(key(2)))).toEqual(result(2));
  });

  it('names an entry too large to inline instead of holding it', () => {
    const big = encodeEntry(key(3), result(3, 'x'.repeat(INDEX_INLINE_CHARS)));
    const index = decodeIndex(
      encodeIndex(
        new Map([
          [key(3), big],
          [key(4), encodeEntry(key(4), result(4))],
        ]),
      ).bytes,
    );
    if (typeof index === 'string') throw new Error(index);
    expect([...index.named]).toEqual([key(3)]);
    expect([...index.entries.keys()]).toEqual([key(4)]);
  });

  it('an entry filed in the index under one key is refused under another', () => {
    const index = decodeIndex(encodeIndex(new Map([[key(5), encodeEntry(key(5), result(5))]])).bytes);
    if (typeof index === 'string') throw new Error(index);
    expect(checkEntry(key(6), index.entries.get(key(5)))).toBe('it was written under another key');
  });

  it('says why an index cannot be used', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(decodeIndex(enc('{"format":'))).toMatch(/^it is not JSON/);
    expect(decodeIndex(enc('{"format":"other/1","named":[],"entries":[]}'))).toBe(`it is not an ${INDEX_FORMAT} index`);
    expect(decodeIndex(enc(`{"format":"${INDEX_FORMAT}","named":[1],"entries":[]}`))).toBe('its entries are malformed');
    expect(decodeIndex(enc(`{"format":"${INDEX_FORMAT}","named":[],"entries":[{"result":{}}]}`))).toBe('an entry names no key');
    expect(decodeIndex(new Uint8Array([0xff, 0xfe]))).toMatch(/^it is not JSON/);
  });
  it('reads whole numbers back as bigints wherever they are, and a "__proto__" key stays a plain key', () => {
    // Written as text: an object literal's "__proto__" is no own key, so JSON.stringify would drop it.
    const text =
      `{"format":${JSON.stringify(INDEX_FORMAT)},"named":[],"entries":[{"key":"${key(7)}",` +
      '"deep":[{"n":{"$bigint":"-12345678901234567890"}}],"__proto__":{"$bigint":"5"},"polluted":true}]}';
    const index = decodeIndex(new TextEncoder().encode(text));
    if (typeof index === 'string') throw new Error(index);
    const entry = index.entries.get(key(7)) as Record<string, unknown> & { deep: Array<{ n: unknown }> };
    expect(entry.deep[0]!.n).toBe(-12345678901234567890n);
    expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(entry, '__proto__')?.value).toBe(5n);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof decodeIndex(new TextEncoder().encode(text.replace('"5"', '"5x"')))).toBe('string');
  });
  it('keeps each entry as stored (one per line), so the next index is written from the same bytes', () => {
    const entries = new Map([1, 2, 3].map((n) => [key(n), encodeEntry(key(n), result(n, n === 2 ? 'a "quoted", {braced}\nline' : ''))]));
    const { bytes } = encodeIndex(entries);
    const index = decodeIndex(bytes);
    if (typeof index === 'string') throw new Error(index);
    expect(index.raw).toBeDefined();
    const again = new Map([...index.raw!].map(([k, text]) => [k, new TextEncoder().encode(text)]));
    expect(again).toEqual(entries);
    expect(Buffer.from(encodeIndex(again).bytes)).toEqual(Buffer.from(bytes));
    expect(checkEntry(key(2), index.entries.get(key(2)))).toEqual(result(2, 'a "quoted", {braced}\nline'));
  });

  it('reads an index written in one piece (as before one entry per line) to the same results', () => {
    const entries = new Map([1, 2].map((n) => [key(n), encodeEntry(key(n), result(n))]));
    const lines = encodeIndex(entries).bytes;
    const whole = new TextEncoder().encode(JSON.stringify(JSON.parse(Buffer.from(lines).toString())));
    expect(Buffer.from(whole).toString()).not.toContain('\n');
    const index = decodeIndex(whole);
    if (typeof index === 'string') throw new Error(index);
    expect(index.raw).toBeUndefined();
    expect(checkEntry(key(1), index.entries.get(key(1)))).toEqual(result(1));
    expect(checkEntry(key(2), index.entries.get(key(2)))).toEqual(result(2));
    // An empty index, either way.
    const empty = decodeIndex(encodeIndex(new Map()).bytes);
    if (typeof empty === 'string') throw new Error(empty);
    expect(empty.entries.size).toBe(0);
  });
});
