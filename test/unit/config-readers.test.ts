/** The configuration readers (src/config/readers.ts) and the one error their problems become (src/config/problems.ts). */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { ConfigError, configOrThrow } from '../../src/config/problems.ts';
import { mustBe, parseSize, rawValue, SettingsReader, type Env } from '../../src/config/readers.ts';

/** A reader over `env` with its value read by `read`; the value and the problems' messages. */
const read = <T>(env: Env, f: (r: SettingsReader) => T): { value: T; problems: string[] } => {
  const r = new SettingsReader(env);
  const value = f(r);
  return { value, problems: r.problems.map((p) => p.message) };
};

describe('raw values', () => {
  it('are trimmed, and empty or white space counts as unset', () => {
    expect(rawValue(undefined)).toBeUndefined();
    expect(rawValue('')).toBeUndefined();
    expect(rawValue('  \t')).toBeUndefined();
    expect(rawValue(' x ')).toBe('x');
    expect(read({ A: '  ' }, (r) => r.has('A')).value).toBe(false);
  });

  it('one message style: LABEL must be EXPECTED (got "raw"), the raw value shown safely and cut', () => {
    expect(mustBe('PORT', 'a port number', '70000')).toBe('PORT must be a port number (got "70000").');
    expect(mustBe('X', 'y', 'a"b\u001b[31m')).toBe('X must be y (got "a\\"b\\x1b[31m").');
    expect(mustBe('X', 'y', 'z'.repeat(1000))).toBe(`X must be y (got "${'z'.repeat(200)}…").`);
  });
});

describe('the readers', () => {
  it('string: unset → undefined, checked against a pattern', () => {
    const rule = { pattern: /^[a-z]+$/, expected: 'lowercase letters like "abc"' };
    expect(read({}, (r) => r.string('S', rule))).toEqual({ value: undefined, problems: [] });
    expect(read({ S: ' abc ' }, (r) => r.string('S', rule))).toEqual({ value: 'abc', problems: [] });
    expect(read({ S: 'A1' }, (r) => r.string('S', rule))).toEqual({
      value: undefined,
      problems: ['S must be lowercase letters like "abc" (got "A1").'],
    });
  });

  it('boolean: exactly true or false; the YAML forms only when asked', () => {
    expect(read({ B: 'true' }, (r) => r.boolean('B')).value).toBe(true);
    expect(read({ B: 'false' }, (r) => r.boolean('B')).value).toBe(false);
    for (const v of ['TRUE', 'yes', '1', 'on'])
      expect(read({ B: v }, (r) => r.boolean('B'))).toEqual({ value: undefined, problems: [`B must be true or false (got "${v}").`] });
    expect(read({ B: 'TRUE' }, (r) => r.boolean('B', 'yaml')).value).toBe(true);
    expect(read({ B: 'False' }, (r) => r.boolean('B', 'yaml')).value).toBe(false);
    expect(read({ B: 'yes' }, (r) => r.boolean('B', 'yaml')).problems).toEqual(['B must be true or false (got "yes").']);
  });

  it('integer: digits only, within bounds', () => {
    const rule = { min: 1, max: 10, expected: 'a whole number from 1 to 10' };
    expect(read({ N: '10' }, (r) => r.integer('N', rule)).value).toBe(10);
    for (const v of ['0', '11', '1.5', '-1', '1e1', '0x5', 'five'])
      expect(read({ N: v }, (r) => r.integer('N', rule))).toEqual({
        value: undefined,
        problems: [`N must be a whole number from 1 to 10 (got "${v}").`],
      });
  });

  it('decimal: at most so many digits after the point, within bounds', () => {
    const rule = { min: 0.1, max: 300, decimals: 3, expected: 'seconds from 0.1 to 300' };
    expect(read({ D: '1.5' }, (r) => r.decimal('D', rule)).value).toBe(1.5);
    expect(read({ D: '300' }, (r) => r.decimal('D', rule)).value).toBe(300);
    for (const v of ['0', '0.05', '300.001', '1.2345', '.5', 'soon'])
      expect(read({ D: v }, (r) => r.decimal('D', rule)).problems).toEqual([`D must be seconds from 0.1 to 300 (got "${v}").`]);
  });

  it('size: bytes or with a unit, within bounds', () => {
    expect(parseSize('67108864')).toBe(64 * 1024 * 1024);
    expect(parseSize('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseSize('100 MB')).toBe(100e6);
    expect(parseSize('1.5 kib')).toBe(1536);
    expect(parseSize('64 furlongs')).toBeNaN();
    const rule = { min: 1024, max: 1024 ** 3, expected: 'a size from 1KiB to 1GiB' };
    expect(read({ Z: '2GiB' }, (r) => r.size('Z', rule)).problems).toEqual(['Z must be a size from 1KiB to 1GiB (got "2GiB").']);
    expect(read({ Z: '1GiB' }, (r) => r.size('Z', rule)).value).toBe(1024 ** 3);
  });

  it('url: http(s) only; trailing slashes dropped; plain: no query or fragment; href: normalised', () => {
    const expected = 'an http(s) URL like "https://example.org"';
    expect(read({ U: 'https://example.org/a//' }, (r) => r.url('U', { expected })).value).toBe('https://example.org/a');
    expect(read({ U: 'HTTPS://Example.org' }, (r) => r.url('U', { expected, href: true })).value).toBe('https://example.org');
    expect(read({ U: 'https://example.org/?q=1' }, (r) => r.url('U', { expected })).value).toBe('https://example.org/?q=1');
    for (const v of ['example.org', 'ftp://example.org', 'file:///etc/passwd'])
      expect(read({ U: v }, (r) => r.url('U', { expected })).problems).toEqual([`U must be ${expected} (got "${v}").`]);
    expect(read({ U: 'https://example.org/?q=1' }, (r) => r.url('U', { expected, plain: true })).problems).toHaveLength(1);
    expect(read({ U: 'https://example.org/#x' }, (r) => r.url('U', { expected, plain: true })).problems).toHaveLength(1);
  });

  it('choice: one of the allowed values, in any case when asked (the allowed spelling is returned)', () => {
    const allowed = ['commit', 'pull-request'] as const;
    expect(read({ C: 'commit' }, (r) => r.choice('C', allowed)).value).toBe('commit');
    expect(read({ C: 'pr' }, (r) => r.choice('C', allowed)).problems).toEqual(['C must be one of commit, pull-request (got "pr").']);
    expect(read({ C: 'Commit' }, (r) => r.choice('C', allowed)).problems).toHaveLength(1);
    expect(read({ C: 'Commit' }, (r) => r.choice('C', allowed, { ignoreCase: true })).value).toBe('commit');
    expect(read({ C: 'x' }, (r) => r.choice('C', allowed, { expected: 'commit or pull-request' })).problems).toEqual([
      'C must be commit or pull-request (got "x").',
    ]);
  });

  it('list: separated by commas and/or white space; [] when unset', () => {
    expect(read({ L: ' a, b  c,,d ' }, (r) => r.list('L')).value).toEqual(['a', 'b', 'c', 'd']);
    expect(read({}, (r) => r.list('L')).value).toEqual([]);
  });

  it('missing and given settings, and another naming of the source', () => {
    expect(read({}, (r) => r.missing('APP_ID', 'give the id.')).problems).toEqual(['APP_ID is not set: give the id.']);
    expect(read({}, (r) => r.boolean(r.given('pathStyle', 'The storage setting "pathStyle"', 'maybe'))).problems).toEqual([
      'The storage setting "pathStyle" must be true or false (got "maybe").',
    ]);
    const inputs = new SettingsReader(
      { INPUT_MAX_ANNOTATIONS: 'x', INPUT_A_B: 'y' },
      { key: (n) => `INPUT_${n.replace(/[- ]/g, '_').toUpperCase()}`, label: (n) => `input "${n}"` },
    );
    expect(inputs.raw('a b')).toBe('y');
    inputs.integer('max-annotations', { min: 0, max: 9, expected: 'a whole number' });
    expect(inputs.problems).toEqual([{ setting: 'max-annotations', message: 'input "max-annotations" must be a whole number (got "x").' }]);
  });
});

describe('ConfigError', () => {
  it('is a UserError with a stable code; its message is every problem in order; setting names the first', () => {
    const e = new ConfigError([
      { setting: 'A', message: 'A must be x (got "1").' },
      { setting: 'B', message: 'B is not set: give it.', hint: 'See the README.' },
    ]);
    expect(e).toBeInstanceOf(UserError);
    expect(e.code).toBe('config-error');
    expect(e.message).toBe('A must be x (got "1"). B is not set: give it.');
    expect(e.hint).toBe('See the README.');
    expect(e.setting).toBe('A');
    expect(e.problems).toHaveLength(2);
    expect(new ConfigError('One sentence.').message).toBe('One sentence.');
  });

  it('configOrThrow: the config without problems, else one error of the class asked for', () => {
    expect(configOrThrow({ config: 1, problems: [] })).toBe(1);
    class Special extends ConfigError {}
    expect(() => configOrThrow({ config: 1, problems: [{ setting: 'A', message: 'A is bad.' }] }, Special)).toThrow(Special);
    expect(() => configOrThrow({ config: 1, problems: [{ setting: 'A', message: 'A is bad.' }] })).toThrow('A is bad.');
  });
});
