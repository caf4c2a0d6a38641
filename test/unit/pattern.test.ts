import { describe, expect, it } from 'vitest';
import { compilePattern, linearRegExp, PatternError, patternProblem } from '../../src/validate/pattern.ts';

/** The engine patterns went through before: JavaScript's RegExp, anchored as a whole. */
function oldEngine(pattern: string): RegExp {
  const source = `^(?:${pattern.replace(/\(\?P</g, '(?<')})$`;
  try {
    return new RegExp(source, 'u');
  } catch {
    return new RegExp(source);
  }
}

describe('compilePattern agrees with the RegExp engine it replaced', () => {
  const cells = [
    '',
    'a',
    'A',
    'abc',
    'ABC',
    'aBc',
    '0',
    '07',
    '7',
    '12',
    '123',
    '12.3',
    '12.34',
    '1.2.3',
    '-5',
    '+5',
    '1e5',
    'FR',
    'FR-12',
    'fr-12',
    'GB',
    'é',
    'Ж',
    'żółw',
    'Ünïcödé',
    '日本',
    '😀',
    'a😀b',
    'a b',
    'a\tb',
    'a\u00a0b',
    'a\u3000b',
    ' ',
    '\u00a0',
    '\t',
    'line\nbreak',
    'x_y',
    'a-b',
    'a.b',
    'a/b',
    '[a]',
    'a|b',
    'a+b',
    '2020-01-31',
    '2020-13-01',
    'abc@example.org',
    'http://x.org/a',
    '01.1',
    '10',
    '10.',
    'apple',
    'b',
    'ba',
    'ab',
    'aa',
    'aaaa',
  ];
  const patterns = [
    '[A-Z]{2}',
    '[A-Z]{2}-[0-9]+',
    '^[A-Z]+$',
    '[a-z]+',
    '[^0-9]*',
    '\\d+',
    '\\d{2,3}',
    '\\d+\\.\\d+',
    '[0-9]{2}(\\.[0-9])?',
    '\\D+',
    '\\w+',
    '\\W',
    '\\s',
    '\\S+',
    'a\\sb',
    '[\\s\\d]+',
    '[^\\s]+',
    '\\p{L}+',
    '\\p{Lu}\\p{Ll}*',
    '\\P{L}+',
    '\\p{N}+',
    'a|b',
    'a|b|ab',
    '^a|b$',
    '(a|b)+',
    '(?:ab)*',
    '(?P<cc>[A-Z]{2})-[0-9]+',
    '(?<cc>[A-Z]{2})-[0-9]+',
    '.',
    '.+',
    'a.b',
    '.*\\..*',
    '\\.',
    '\\-',
    '[\\w-.]+',
    '[.]',
    '\\[a\\]',
    '[\\[\\]a]+',
    '[]a]',
    '[^]a]+',
    'a+\\+b',
    '\\/',
    'a/b',
    '\\u00e9',
    '\\u{1F600}',
    '[\\u00e0-\\u00ff]',
    '\\x41',
    '[[:alpha:]]+',
    '\\bab',
    'a{2}',
    'a{2,}',
    'a{0,1}b',
    'x*',
    '',
    '\\d{4}-\\d{2}-\\d{2}',
    '[^@\\s]+@[^@\\s]+\\.[a-z]+',
    'https?://.+',
    '(0[1-9]|1[0-2])',
  ];
  // Where RE2 reads a pattern as Python (frictionless) does, not as JavaScript: POSIX classes
  // ([[:alpha:]] is a literal set in JavaScript), and `]` first in a class is a literal (in
  // JavaScript `[]` is an empty class).
  const differsOnPurpose = new Set(['[[:alpha:]]+', '[]a]', '[^]a]+']);

  for (const pattern of patterns) {
    if (differsOnPurpose.has(pattern)) continue;
    it(`/${pattern}/`, () => {
      const re = compilePattern(pattern);
      const old = oldEngine(pattern);
      const disagree = cells.filter((c) => re.test(c) !== old.test(c));
      expect(disagree).toEqual([]);
    });
  }

  it("POSIX classes are RE2's", () => {
    expect(['abc', 'ab1'].map((c) => compilePattern('[[:alpha:]]+').test(c))).toEqual([true, false]);
  });

  it('] first in a class is a literal, as in Python', () => {
    expect(['a', ']', 'a]'].map((c) => compilePattern('[]a]').test(c))).toEqual([true, true, false]);
    expect(['b', ']', 'a'].map((c) => compilePattern('[^]a]+').test(c))).toEqual([true, false, false]);
  });

  it(". matches \\r, as in Python (frictionless) — JavaScript's does not", () => {
    expect(compilePattern('a.b').test('a\rb')).toBe(true);
    expect(compilePattern('a.b').test('a\nb')).toBe(false);
  });
});

describe('compilePattern runs in linear time', () => {
  it("^(a+)+$ against 5,000 a's and a ! finishes, and does not match", () => {
    const re = compilePattern('^(a+)+$');
    expect(re.test(`${'a'.repeat(5000)}!`)).toBe(false);
    expect(re.test('a'.repeat(5000))).toBe(true);
  });

  it('other classic ReDoS shapes finish with the right verdict', () => {
    const hostile = `${'a'.repeat(50_000)}!`;
    for (const p of ['(a|a)*', '(a|aa)+', '(a*)*b', '(.*a){12}', '([a-z]+)*$', '(\\w+\\s?)+']) {
      expect(compilePattern(p).test(hostile)).toBe(false);
    }
  });

  it('a pattern cannot close the wrapping group to escape the anchors', () => {
    expect(() => compilePattern('a)|(b')).toThrow(PatternError);
  });
});

describe('patterns RE2 cannot take are PatternErrors saying what to change', () => {
  const cases: Array<[string, RegExp]> = [
    ['(a)\\1', /backreference \("\\1"\).*rewrite it without/],
    ['(?P<x>a)(?P=x)', /backreference \("\(\?P=…\)"\)/],
    ['(?<x>a)\\k<x>', /backreference \("\\k<…>"\)/],
    ['a(?=b)', /lookahead or lookbehind \("\(\?=…\)"\)/],
    ['a(?!b)', /lookahead or lookbehind \("\(\?!…\)"\)/],
    ['(?<=a)b', /lookahead or lookbehind \("\(\?<=…\)"\)/],
    ['(?<!a)b', /lookahead or lookbehind \("\(\?<!…\)"\)/],
    ['a{1001}', /repeat count above 1000.*at most 1000/],
    ['[a-', /not a valid regular expression \(missing closing \]/],
    ['(a', /not a valid regular expression \(missing closing \)/],
    ['\\p{Letter}', /not a valid regular expression \(invalid character class range/],
  ];
  for (const [pattern, message] of cases) {
    it(`/${pattern}/`, () => {
      expect(() => compilePattern(pattern)).toThrow(PatternError);
      expect(patternProblem(pattern)).toMatch(message);
    });
  }

  it('a valid pattern has no problem', () => {
    expect(patternProblem('[0-9]{2}(\\.[0-9])?')).toBeUndefined();
  });
});

describe("linearRegExp (ajv's engine for the descriptor schemas)", () => {
  it("searches, unanchored, as JSON Schema's pattern does", () => {
    expect(linearRegExp('b').test('abc')).toBe(true);
    expect(linearRegExp('^([-a-z0-9._/])+$').test('my-dataset')).toBe(true);
    expect(linearRegExp('^([-a-z0-9._/])+$').test('My Dataset')).toBe(false);
  });

  it('finishes on a hostile string', () => {
    expect(linearRegExp('^(.+)/(.+)$').test(`${'/'.repeat(100_000)}`)).toBe(true);
    expect(linearRegExp('^(a+)+$').test(`${'a'.repeat(100_000)}!`)).toBe(false);
  });
});

describe('compilePattern, asked again for a pattern', () => {
  it('answers as the first time: the same matches, and the same refusal for a pattern RE2 cannot take', () => {
    for (let i = 0; i < 3; i++) {
      const p = compilePattern('[A-Z]{2}-\\d+');
      expect([p.test('GB-12'), p.test('gb-12'), p.test('GB-12x')]).toEqual([true, false, false]);
      expect(() => compilePattern('(a)\\1')).toThrow(PatternError);
      expect(() => compilePattern('(a)\\1')).toThrow(/backreference/);
    }
  });
});
