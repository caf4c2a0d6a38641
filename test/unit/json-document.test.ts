import fc from 'fast-check';
import { parseTree } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { parseJsonDocument, parsePointer } from '../../src/package/json-document.ts';

const path = 'datapackage.json';
const parse = (input: string | Uint8Array, options: { maxBytes?: number; maxDepth?: number } = {}) =>
  parseJsonDocument(input, { path, ...options });
const flat = (doc: ReturnType<typeof parse>) => doc.problems.map((p) => [p.code, p.lineNumber, p.columnNumber, p.pointer ?? null]);

describe('parseJsonDocument', () => {
  it('parses valid JSON with no problems', () => {
    const doc = parse('{\n  "name": "x",\n  "resources": [{"name": "a", "path": "a.csv"}]\n}\n');
    expect(doc.problems).toEqual([]);
    expect(doc.value).toEqual({ name: 'x', resources: [{ name: 'a', path: 'a.csv' }] });
  });

  it('accepts bytes and strings alike', () => {
    const doc = parse(new TextEncoder().encode('{"title": "Orçamento €"}'));
    expect(doc.problems).toEqual([]);
    expect(doc.value).toEqual({ title: 'Orçamento €' });
  });

  describe('syntax errors', () => {
    it('locates a missing comma', () => {
      const doc = parse('{\n  "name": "x"\n  "title": "y"\n}');
      expect(doc.value).toBeUndefined();
      expect(flat(doc)).toEqual([['descriptor-error', 3, 3, null]]);
      expect(doc.problems[0]?.message).toMatch(/expected ","/);
      expect(doc.problems[0]?.path).toBe(path);
    });

    it('reports a trailing comma at the comma', () => {
      const doc = parse('{\n  "a": [1, 2,],\n  "b": 1\n}');
      expect(flat(doc)).toEqual([['descriptor-error', 2, 13, null]]);
      expect(doc.problems[0]?.message).toMatch(/trailing comma/);
      const obj = parse('{"a": 1,\n}');
      expect(flat(obj)).toEqual([['descriptor-error', 1, 8, null]]);
      expect(obj.problems[0]?.message).toMatch(/trailing comma/);
    });

    it('refuses comments (strict JSON)', () => {
      const doc = parse('{\n  // the name\n  "name": "x"\n}');
      expect(doc.value).toBeUndefined();
      expect(flat(doc)).toEqual([['descriptor-error', 2, 3, null]]);
      expect(doc.problems[0]?.message).toMatch(/comments are not allowed/);
    });

    it('explains single quotes, unquoted keys, leading zeros and control characters', () => {
      expect(parse("{'a': 1}").problems[0]?.message).toMatch(/double quotes/);
      expect(parse('{a: 1}').problems[0]?.message).toMatch(/double-quoted/);
      expect(parse('{"a": 01}').problems[0]?.message).toMatch(/leading zeros/);
      const tab = parse('{"a": "x\ty"}');
      expect(tab.problems[0]?.message).toMatch(/control character U\+0009/);
      expect(tab.problems[0]?.columnNumber).toBe(9);
      const escape = parse('{"path": "C:\\data\\new.csv"}');
      expect(escape.problems[0]?.message).toMatch(/invalid escape \\d in a string; .*write a backslash as \\\\/);
      expect(escape.problems[0]?.columnNumber).toBe(13);
    });

    it('explains an empty or truncated file', () => {
      expect(parse('').problems[0]?.message).toMatch(/empty/);
      expect(parse('   \n').problems[0]?.message).toMatch(/empty/);
      const truncated = parse('{"resources": [');
      expect(truncated.value).toBeUndefined();
      expect(truncated.problems).toHaveLength(1);
      expect(truncated.problems[0]?.message).toMatch(/ends|truncated/);
    });

    it('reports only the first syntax error (later ones are usually cascades)', () => {
      expect(parse('{a: 1, b: 2}').problems).toHaveLength(1);
    });

    it('keeps locate() working on the partial tree', () => {
      const doc = parse('{\n  "a": {"b": 1},\n  "c": }');
      expect(doc.value).toBeUndefined();
      expect(doc.locate('/a/b')).toEqual({ line: 2, column: 9 });
    });

    it('counts CRLF and lone CR as line breaks', () => {
      expect(flat(parse('{\r\n"a": 1\r\n"b": 2}'))).toEqual([['descriptor-error', 3, 1, null]]);
      expect(flat(parse('{\r"a": 1\r"b": 2}'))).toEqual([['descriptor-error', 3, 1, null]]);
    });
  });

  describe('keys', () => {
    it('reports a duplicate key at the second occurrence and keeps the last value', () => {
      const doc = parse('{\n  "resources": [\n    {"name": "a",\n     "name": "b", "path": "x.csv"}\n  ]\n}');
      expect(flat(doc)).toEqual([['descriptor-error', 4, 6, '/resources/0/name']]);
      expect(doc.problems[0]?.message).toMatch(/duplicate key "name" in resources\/0 \(first at line 3, column 6\)/);
      expect(doc.problems[0]?.message).toMatch(/keeps only the last/);
      expect(doc.value).toEqual({ resources: [{ name: 'b', path: 'x.csv' }] });
    });

    it('refuses __proto__, constructor and prototype keys, and drops them', () => {
      const doc = parse('{"a": {"__proto__": {"polluted": true}},\n "constructor": 1, "b": [{"prototype": 2}]}');
      expect(flat(doc)).toEqual([
        ['descriptor-error', 1, 8, '/a/__proto__'],
        ['descriptor-error', 2, 2, '/constructor'],
        ['descriptor-error', 2, 27, '/b/0/prototype'],
      ]);
      expect(doc.problems[0]?.message).toMatch(/refused/);
      expect(doc.value).toEqual({ a: {}, b: [{}] });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const a = (doc.value as { a: object }).a;
      expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    });

    it('sees through escaped key spellings', () => {
      const doc = parse('{"\\u005f_proto__": 1, "n\\u0061me": 1, "name": 2}');
      expect(doc.problems.map((p) => p.pointer)).toEqual(['/__proto__', '/name']);
      expect(doc.value).toEqual({ name: 2 });
    });
  });

  describe('BOM', () => {
    it('strips a UTF-8 BOM from bytes and keeps the first line columns in editor terms', () => {
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a": 1, }')]);
      const doc = parse(bytes);
      expect(flat(doc)).toEqual([['descriptor-error', 1, 8, null]]);
      const ok = parse(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a": 1}')]));
      expect(ok.problems).toEqual([]);
      expect(ok.value).toEqual({ a: 1 });
      expect(ok.locate('/a')).toEqual({ line: 1, column: 2 });
    });

    it('strips a BOM from a string', () => {
      const doc = parse('\uFEFF{"a": 1}');
      expect(doc.problems).toEqual([]);
      expect(doc.value).toEqual({ a: 1 });
    });
  });

  describe('limits', () => {
    it('refuses 100,000 levels of nesting without overflowing the stack', () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const doc = parse(deep);
      expect(doc.value).toBeUndefined();
      expect(flat(doc)).toEqual([['descriptor-error', 1, 65, null]]);
      expect(doc.problems[0]?.message).toMatch(/more than 64 levels/);
      expect(doc.locate('/0/0')).toEqual({ line: 1, column: 1 });
      const objects = parse('{"a":'.repeat(100_000));
      expect(objects.problems[0]?.message).toMatch(/more than 64 levels/);
    });

    it.each([
      ['mismatched closers', '[' + '[[[}}},'.repeat(40_000)],
      ['a quote inside a block comment', '/* " */' + '['.repeat(100_000)],
      ['a quote inside a line comment', '// "\n' + '['.repeat(100_000)],
      ['a string cut by a line break', '["\n' + '['.repeat(100_000)],
      ['an escaped line break in a string', '["\\\n' + '['.repeat(100_000)],
    ])('bounds the depth of malformed input too (%s)', (_name, text) => {
      const doc = parse(text);
      expect(doc.value).toBeUndefined();
      expect(doc.problems).toHaveLength(1);
      expect(doc.problems[0]?.code).toBe('descriptor-error');
    });

    it('honours maxDepth and ignores brackets inside strings', () => {
      expect(parse('[[["[[[[[[["]]]', { maxDepth: 3 }).problems).toEqual([]);
      expect(parse('[[["\\"[[[["]]]', { maxDepth: 3 }).problems).toEqual([]);
      expect(flat(parse('[[[[]]]]', { maxDepth: 3 }))).toEqual([['descriptor-error', 1, 4, null]]);
    });

    it('refuses input over maxBytes before parsing', () => {
      const doc = parse(`{"a": "${'x'.repeat(100)}"}`, { maxBytes: 50 });
      expect(doc.value).toBeUndefined();
      expect(flat(doc)).toEqual([['descriptor-error', 1, 1, null]]);
      expect(doc.problems[0]?.message).toMatch(/more than the 50 bytes limit/);
      const big = parse(new Uint8Array(11 * 1024 * 1024));
      expect(big.problems[0]?.message).toMatch(/11 MiB, more than the 10 MiB limit/);
    });

    it('counts the size in UTF-8 bytes for strings', () => {
      expect(parse('"ééééé"', { maxBytes: 10 }).problems).toHaveLength(1);
      expect(parse('"ééééé"', { maxBytes: 12 }).problems).toEqual([]);
    });
  });

  describe('invalid UTF-8', () => {
    it('reports the line of the first invalid byte and still parses', () => {
      const enc = new TextEncoder();
      const bytes = new Uint8Array([
        ...enc.encode('{\n  "a": "ok",\n  "b": "caf'),
        0xe9,
        ...enc.encode('",\n  "c": "'),
        0xff,
        ...enc.encode('"\n}'),
      ]);
      const doc = parse(bytes);
      expect(flat(doc)).toEqual([['descriptor-error', 3, 12, null]]);
      expect(doc.problems[0]?.message).toMatch(/not valid UTF-8: byte 0xE9.*2 invalid sequences/);
      expect(doc.value).toEqual({ a: 'ok', b: 'caf\uFFFD', c: '\uFFFD' });
    });

    it('rejects overlong encodings and surrogates', () => {
      expect(parse(new Uint8Array([0x22, 0xc0, 0xaf, 0x22])).problems[0]?.message).toMatch(/0xC0/);
      expect(parse(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22])).problems[0]?.message).toMatch(/0xED/);
    });

    it('locates an invalid byte after a BOM', () => {
      const doc = parse(new Uint8Array([0xef, 0xbb, 0xbf, 0x22, 0xff, 0x22]));
      expect(flat(doc)).toEqual([['descriptor-error', 1, 2, null]]);
    });
  });

  describe('locate', () => {
    const text = [
      '{', //                                      1
      '  "name": "x",', //                         2
      '  "resources": [', //                       3
      '    {', //                                  4
      '      "name": "a",', //                     5
      '      "schema": {"fields": [{"name": "id"}, {"name": "n"}]}', // 6
      '    }', //                                  7
      '  ],', //                                   8
      '  "a/b": {"m~n": 1},', //                   9
      '  "": 2', //                               10
      '}',
    ].join('\n');
    const doc = parse(text);

    it('points at the root value for the empty pointer', () => {
      expect(doc.locate('')).toEqual({ line: 1, column: 1 });
    });

    it('points at the key of a member and at the value of an array item', () => {
      expect(doc.locate('/name')).toEqual({ line: 2, column: 3 });
      expect(doc.locate('/resources')).toEqual({ line: 3, column: 3 });
      expect(doc.locate('/resources/0')).toEqual({ line: 4, column: 5 });
      expect(doc.locate('/resources/0/schema/fields/1')).toEqual({ line: 6, column: 45 });
      expect(doc.locate('/resources/0/schema/fields/1/name')).toEqual({ line: 6, column: 46 });
    });

    it('decodes ~1 and ~0 and the empty key', () => {
      expect(doc.locate('/a~1b')).toEqual({ line: 9, column: 3 });
      expect(doc.locate('/a~1b/m~0n')).toEqual({ line: 9, column: 11 });
      expect(doc.locate('/')).toEqual({ line: 10, column: 3 });
    });

    it('falls back to the deepest existing ancestor', () => {
      expect(doc.locate('/resources/0/path')).toEqual({ line: 4, column: 5 });
      expect(doc.locate('/resources/7/name')).toEqual({ line: 3, column: 3 });
      expect(doc.locate('/resources/0/schema/fields/01')).toEqual({ line: 6, column: 18 });
      expect(doc.locate('/name/deeper')).toEqual({ line: 2, column: 3 });
      expect(doc.locate('/missing')).toEqual({ line: 1, column: 1 });
      expect(doc.locate('not-a-pointer')).toEqual({ line: 1, column: 1 });
    });
  });

  it('parsePointer decodes tokens (RFC 6901)', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/a~1b/m~0n/~01')).toEqual(['a/b', 'm~n', '~1']);
    expect(parsePointer('x')).toBeUndefined();
  });
});

describe('parseJsonDocument properties (fast-check prints the seed of a failure)', () => {
  const lineCount = (text: string): number => text.split(/\r\n|\r|\n/).length;

  it('parses any JSON value within the depth cap exactly as JSON.parse does, with no problem', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.boolean(), (v, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        fc.pre(!/"(__proto__|constructor|prototype)":/.test(text));
        const doc = parse(text);
        expect(doc.problems).toEqual([]);
        expect(doc.value).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it("locates every pointer of a valid document (and missing ones at their deepest ancestor) as jsonc-parser's tree does", () => {
    // The oracle: the member's key, or the item, found in jsonc-parser's tree (the slow path's way).
    const treeOffset = (text: string, pointer: string): number => {
      let node = parseTree(text)!;
      let offset = node.offset;
      for (const token of parsePointer(pointer) ?? []) {
        if (node.type === 'object') {
          const member = node.children?.find((m) => m.children?.[0]?.value === token);
          if (!member?.children?.[1]) break;
          offset = member.offset;
          node = member.children[1];
        } else if (node.type === 'array' && /^(0|[1-9][0-9]*)$/.test(token) && node.children?.[Number(token)]) {
          node = node.children[Number(token)]!;
          offset = node.offset;
        } else break;
      }
      return offset;
    };
    const pointers = (v: unknown, at = ''): string[] => {
      const here = [at, `${at}/missing`, `${at}/0`, `${at}/-`];
      if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => pointers(x, `${at}/${i}`))];
      if (v !== null && typeof v === 'object')
        return [...here, ...Object.entries(v).flatMap(([k, x]) => pointers(x, `${at}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`))];
      return here;
    };
    // Keys and strings holding what a scanner could mistake for structure.
    const tricky = fc.constantFrom('a', '', 'a"b', 'x\\y', '{', ']', ':', ',', 'k/l', 'm~n', '\u00e9', ' \n ');
    const key = fc.oneof(fc.string({ maxLength: 4 }), tricky);
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.boolean(),
          fc.constant(null),
          fc.string({ maxLength: 5 }),
          tricky,
        ),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(key, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 2, '\t'), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        fc.pre(!/"(__proto__|constructor|prototype)":/.test(text));
        const doc = parse(text);
        expect(doc.problems).toEqual([]);
        const lines = text.split('\n');
        for (const pointer of pointers(v)) {
          const offset = treeOffset(text, pointer);
          const before = text.slice(0, offset).split('\n');
          expect(doc.locate(pointer), pointer).toEqual({ line: before.length, column: before.at(-1)!.length + 1 });
          expect(lines.length).toBeGreaterThanOrEqual(before.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes: only located descriptor-errors, and no value without a problem', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '{',
        '}',
        '[',
        ']',
        '"',
        ':',
        ',',
        '\\',
        '\\u',
        '1',
        '-',
        '.',
        'e',
        'true',
        'null',
        ' ',
        '\n',
        '\r',
        '/*',
        '//',
        '\ufeff',
        '"__proto__"',
        '"a"',
      ),
      fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.boolean(), (parts, asBytes) => {
        const text = parts.join('');
        const input = asBytes ? Buffer.from(text, 'latin1') : text;
        const doc = parse(input);
        for (const p of doc.problems) {
          expect(p.code).toBe('descriptor-error');
          expect(p.path).toBe(path);
          expect(p.lineNumber).toBeGreaterThanOrEqual(1);
          expect(p.lineNumber).toBeLessThanOrEqual(lineCount(text));
          expect(p.columnNumber).toBeGreaterThanOrEqual(1);
        }
        if (doc.value === undefined) expect(doc.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses nesting past maxDepth, whatever the mix of arrays and objects, and accepts it up to there', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 100 }), (arrays, maxDepth) => {
        const open = arrays.map((a) => (a ? '[' : '{"k":')).join('');
        const close = [...arrays]
          .reverse()
          .map((a) => (a ? ']' : '}'))
          .join('');
        const doc = parse(`${open}1${close}`, { maxDepth });
        if (arrays.length > maxDepth) {
          expect(doc.value).toBeUndefined();
          expect(doc.problems).toHaveLength(1);
          expect(doc.problems[0]?.message).toMatch(new RegExp(`more than ${maxDepth} levels`));
        } else {
          expect(doc.problems).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('huge repetition past maxBytes is refused by its size alone, before any parsing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('[', '{"a":', '"', '\\', 'é', '[1,'),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 16, max: 4096 }),
        (unit, n, maxBytes) => {
          const text = unit.repeat(n);
          const doc = parse(text, { maxBytes });
          if (Buffer.byteLength(text) > maxBytes) {
            expect(doc.value).toBeUndefined();
            expect(flat(doc)).toEqual([['descriptor-error', 1, 1, null]]);
            expect(doc.problems[0]?.message).toMatch(/more than the .* limit for a descriptor/);
          } else {
            // under the cap it is parsed: a value, or a located problem
            expect(doc.value !== undefined || doc.problems.length > 0).toBe(true);
            expect(doc.problems.every((p) => p.code === 'descriptor-error' && p.lineNumber !== undefined)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
