/** cleanText (src/registry/clean.ts): one line, no control or bidi characters, spreadsheet-safe, capped, idempotent. */
import { describe, expect, it } from 'vitest';
import { cleanText } from '../../src/registry/clean.ts';

describe('cleanText', () => {
  it('line breaks and tabs become single spaces; controls and bidi controls go; the ends are trimmed', () => {
    expect(cleanText('  a\r\nb\n\nc\td\u2028e\u0085f  ', 100)).toBe('a b c d e f');
    expect(cleanText('x\u0000\u0007\u001b[2Jy\u007f\u009b', 100)).toBe('x[2Jy');
    expect(cleanText('abc\u202edcba\u2066\u2069\u200e\u200f\u061c', 100)).toBe('abcdcba');
  });

  it('a leading =, +, - or @ gets a leading apostrophe (also when hidden behind spaces or controls)', () => {
    for (const s of ['=1+1', '+1', '-2', '@SUM(A1)', ' \u0007=cmd']) expect(cleanText(s, 100)).toMatch(/^'[=+\-@]/);
    expect(cleanText('a=b', 100)).toBe('a=b');
  });

  it('caps at the limit, the ellipsis included, without splitting a surrogate pair; lone surrogates become U+FFFD', () => {
    expect(cleanText('abcdefghij', 5)).toBe('abcd…');
    expect(cleanText('abc defgh', 5)).toBe('abc…');
    const emoji = cleanText('ab😀😀😀', 4); // 'ab' + a pair + one unit of the next pair would split it
    expect(emoji).toBe('ab…');
    expect(cleanText('a\ud800b\udc00', 10)).toBe('a\ufffdb\ufffd');
    expect(cleanText('x'.repeat(5_000_000), 200)).toHaveLength(200);
  });

  it('is idempotent', () => {
    const samples = [
      '=x'.repeat(300),
      ' a\n\u202e'.repeat(100),
      'ab😀😀😀',
      '-'.repeat(500),
      'plain title',
      "'=already",
      '\u0000'.repeat(10),
    ];
    for (const s of samples) for (const max of [1, 3, 5, 200]) expect(cleanText(cleanText(s, max), max)).toBe(cleanText(s, max));
  });
});
