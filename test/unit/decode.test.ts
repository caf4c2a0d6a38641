import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../src/validate/table/decode.ts';

function decodeAll(bytes: Buffer, chunk: number, encoding?: string) {
  const d = createDecoder(encoding)!;
  let text = '';
  const bad: Array<{ at: number; byte: number; nul: boolean }> = [];
  const take = (r: { text: string; bad: Array<{ index: number; byte: number; nul: boolean }> }) => {
    for (const b of r.bad) bad.push({ at: text.length + b.index, byte: b.byte, nul: b.nul });
    text += r.text;
  };
  for (let i = 0; i < bytes.length; i += chunk) take(d.decode(bytes.subarray(i, i + chunk)));
  take(d.end());
  return { text, bad };
}

describe('strict UTF-8 decoding', () => {
  it('passes valid UTF-8 through as bytes (one latin1 char each), BOM dropped, whatever the chunking', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,naïve €\n1,日本\n')]);
    expect(createDecoder(undefined)!.bytesAsLatin1).toBe(true);
    for (const chunk of [1, 2, 3, 4, 64]) {
      const { text, bad } = decodeAll(bytes, chunk);
      expect(bad).toEqual([]);
      expect(Buffer.from(text, 'latin1').toString('utf8')).toBe('id,naïve €\n1,日本\n');
    }
  });

  it('locates invalid bytes and NULs at their byte offsets', () => {
    const bytes = Buffer.concat([Buffer.from('ab\n'), Buffer.from([0xff]), Buffer.from('c\0d'), Buffer.from([0xc3])]);
    for (const chunk of [1, 2, 100]) {
      const { text, bad } = decodeAll(bytes, chunk);
      expect(bad).toEqual([
        { at: 3, byte: 0xff, nul: false },
        { at: 5, byte: 0, nul: true },
        { at: 7, byte: 0xc3, nul: false },
      ]);
      expect(text).toBe('ab\n\u00ffc\0d\u00c3');
    }
  });

  it('refuses overlong encodings and UTF-16 surrogates', () => {
    expect(decodeAll(Buffer.from([0x61, 0xc0, 0xaf]), 10).bad.map((b) => b.byte)).toEqual([0xc0, 0xaf]);
    expect(decodeAll(Buffer.from([0xed, 0xa0, 0x80]), 10).bad.length).toBeGreaterThan(0);
  });

  it('decodes declared legacy encodings to characters, and knows when it cannot', () => {
    expect(createDecoder('latin1')!.bytesAsLatin1).toBe(false);
    expect(decodeAll(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 2, 'latin1').text).toBe('café');
    expect(createDecoder('no-such-encoding')).toBeNull();
  });
});
