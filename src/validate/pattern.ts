/**
 * Regular expressions run on untrusted data, matched in linear time (re2js, a JavaScript port of
 * RE2: no backtracking, so `^(a+)+$` against 5,000 `a`s and a `!` costs what the cell's length
 * costs, not 2^5000 steps).
 *
 * Two users: Table Schema `pattern` constraints (`compilePattern`, applied to every cell) and
 * ajv's `pattern` keyword on the descriptor (`linearRegExp`, ajv's `code.regExp` option).
 *
 * Table Schema patterns are XML Schema regular expressions, which have no backreferences and no
 * lookaround; RE2 has neither, and a pattern that uses them (or anything else RE2 cannot take) is
 * a `PatternError` whose message says what to change. What RE2 reads differently from the
 * JavaScript RegExp used before is translated, so verdicts stay the same:
 *
 * - `\s` / `\S` (outside a class) and `\s` inside a class match JavaScript's (and Python's)
 *   Unicode white space, not only RE2's ASCII `[\t\n\f\r ]`; `\uXXXX` and `\u{X…}` become `\x{…}`.
 * - Python's `(?P<name>…)` is RE2 syntax already.
 *
 * Where RE2 differs on purpose and we keep it: `.` matches `\r`, U+2028 and U+2029 (as in Python,
 * hence frictionless; JavaScript's does not), `(?i)` and other inline flags work, and repeat
 * counts are at most 1000. `\S` inside a class stays RE2's (not an ASCII white-space char).
 */

import { RE2JS } from 're2js';
import { UserError } from '../errors.ts';
import { shown } from '../package/problem.ts';

/** A compiled pattern: does the whole cell match? */
export interface Pattern {
  test(cell: string): boolean;
}

/** The pattern cannot be matched in linear time, or is not a regular expression; the message says what to change. */
export class PatternError extends UserError {
  constructor(message: string) {
    super('pattern-error', message);
  }
}

/**
 * Compile a Table Schema `pattern`, anchored as a whole (`^(?:…)$`, so `a|b` is `a` or `b`, not
 * "starts with a or ends with b"). Throws PatternError.
 */
export function compilePattern(pattern: string): Pattern {
  let known = compiled.get(pattern);
  if (known === undefined) {
    try {
      known = compileNew(pattern);
    } catch (e) {
      if (!(e instanceof PatternError)) throw e;
      known = e;
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, known);
  }
  if (known instanceof PatternError) throw known;
  return known;
}

/**
 * Patterns compiled so far, and the refused ones' errors: a package partitioned into 200 resources
 * repeats one schema's patterns 200 times, and RE2 compiling them all again took 51 ms of a
 * one-file publish of the bench package.
 */
const compiled = new Map<string, Pattern | PatternError>();
const MAX_COMPILED = 1000;

function compileNew(pattern: string): Pattern {
  const source = translate(pattern);
  // Compiled alone first, so that a pattern such as `a)|(b` cannot close the wrapping group.
  compile(source);
  const re = compile(`(?:${source})`);
  return { test: (cell) => re.matches(cell) };
}

/** Why `pattern` cannot be compiled, or undefined when it can (the descriptor schema's `regex` format). */
export function patternProblem(pattern: string): string | undefined {
  try {
    compilePattern(pattern);
    return undefined;
  } catch (e) {
    if (e instanceof PatternError) return e.message;
    throw e;
  }
}

/**
 * ajv's `code.regExp` engine: JSON Schema `pattern` keywords (a search, not anchored) matched by
 * RE2. The descriptor's own schemas are the only patterns it compiles; the strings it runs them
 * on come from the dataset.
 */
export const linearRegExp = Object.assign(
  (pattern: string): { test(s: string): boolean; toString(): string } => {
    const re = compile(translate(pattern));
    // ajv keys its compiled patterns by toString(): it must differ between patterns.
    return { test: (s: string) => re.test(s), toString: () => `/${pattern}/` };
  },
  { code: 'linearRegExp' },
);

const WHITE_SPACE = '\\t\\n\\x0B\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';

const HINT = 'Table Schema patterns are XML Schema regular expressions, matched against the whole value';

function compile(source: string): RE2JS {
  try {
    return RE2JS.compile(source);
  } catch (e) {
    // RE2's message quotes the pattern: cut it like every value a message repeats
    const detail = shown((e as Error).message.replace(/^error parsing regexp: /, ''));
    if (/invalid repeat count/.test(detail)) {
      throw new PatternError(`constraint "pattern" has a repeat count above 1000 (${detail}); use a count of at most 1000, or * or +`);
    }
    throw new PatternError(`constraint "pattern" is not a valid regular expression (${detail}); fix the pattern (${HINT})`);
  }
}

/** RE2 source for a pattern written for JavaScript/Python; PatternError for what RE2 has not. */
function translate(pattern: string): string {
  let out = '';
  let inClass = false;
  const n = pattern.length;
  for (let i = 0; i < n; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const d = pattern[i + 1];
      if (d === undefined) break; // a trailing backslash: RE2 reports it
      if (d >= '1' && d <= '9' && !inClass) backreference(`\\${d}`);
      if (d === 'k' && pattern[i + 2] === '<') backreference('\\k<…>');
      if (d === 's') {
        out += inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
        i++;
        continue;
      }
      if (d === 'S' && !inClass) {
        out += `[^${WHITE_SPACE}]`;
        i++;
        continue;
      }
      if (d === 'u') {
        const m = /^u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})/.exec(pattern.slice(i + 1, i + 10));
        if (m) {
          out += `\\x{${m[1] ?? m[2]}}`;
          i += m[0].length;
          continue;
        }
      }
      out += c + d;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        // a POSIX class such as [:alpha:] inside a bracket expression
        const end = pattern.indexOf(':]', i + 2);
        if (end !== -1) {
          out += pattern.slice(i, end + 2);
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // `]` right after `[` or `[^` is a literal
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 5);
      if (rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('<=') || rest.startsWith('<!')) {
        throw new PatternError(
          `constraint "pattern" uses a lookahead or lookbehind ("(?${rest.startsWith('<') ? rest.slice(0, 2) : rest[0]}…)"), which is not supported; ` +
            `rewrite it without (${HINT}, which have no lookaround)`,
        );
      }
      if (rest.startsWith('P=')) backreference('(?P=…)');
    }
    out += c;
  }
  return out;
}

function backreference(form: string): never {
  throw new PatternError(
    `constraint "pattern" uses a backreference ("${form}"), which is not supported; ` +
      `rewrite it without, e.g. spell out the repeated part (${HINT}, which have no backreferences)`,
  );
}
