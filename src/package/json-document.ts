/**
 * Safe loading of a JSON document (a `datapackage.json`): strict JSON only, bounded in size and
 * nesting, with every problem located by line and column, and a `locate()` that maps a JSON
 * pointer back to the text for later (schema, mapping) problems.
 */

import { parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node, ParseError } from 'jsonc-parser';
import { pointerOf, problem, quoted, shown as bare } from './problem.ts';
import type { Problem } from './problem.ts';
import { messageOf } from '../errors.ts';

/** A position in the text, both 1-based; columns count UTF-16 code units after a stripped BOM. */
export interface JsonLocation {
  line: number;
  column: number;
}

export interface JsonDocument {
  /** The parsed value (JSON.parse semantics: own properties only, so '__proto__' can never pollute), or undefined when the text is not valid JSON. */
  value: unknown;
  /** Line:column of the value at a JSON pointer (RFC 6901, '' = root); for a pointer that does not exist, the location of its deepest existing ancestor. For a member, point at the member's key. */
  locate(pointer: string): JsonLocation;
  /** descriptor-error problems, each with path, pointer (when known), lineNumber and columnNumber. */
  problems: Problem[];
}

export interface ParseJsonOptions {
  /** File the text came from, relative to the package root; copied onto every problem. */
  path: string;
  /** Largest accepted size in bytes (UTF-8). Default 10 MiB. */
  maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays (the root container is depth 1). Default 64. */
  maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 64;

/**
 * The document of a descriptor over the size limit: one descriptor-error naming the file, its
 * size (null when only known to be larger: the source stopped reading there) and the limit.
 * Sources check the size before reading (see PackageSource.readDescriptor), so a huge file never
 * reaches memory; this is the one message for it, wherever it is found.
 */
export function tooLargeDocument(path: string, size: number | null, maxBytes: number = DEFAULT_MAX_BYTES): JsonDocument {
  const what =
    size === null ? `larger than the ${formatBytes(maxBytes)} limit` : `${formatBytes(size)}, more than the ${formatBytes(maxBytes)} limit`;
  const problems = [
    problem('descriptor-error', `${path} is ${what} for a descriptor; move inline data out of the descriptor into CSV resources`, {
      path,
      lineNumber: 1,
      columnNumber: 1,
    }),
  ];
  return { value: undefined, locate: () => ({ line: 1, column: 1 }), problems };
}

/** Keys that are refused: harmless to JSON.parse, dangerous to any code that later merges objects. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parse a JSON document strictly (no comments, no trailing commas). Never throws: every defect is a
 * `descriptor-error` problem. `value` is undefined when the text is too big, too deep or not JSON.
 */
export function parseJsonDocument(input: string | Uint8Array, options: ParseJsonOptions): JsonDocument {
  const { path } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const problems: Problem[] = [];

  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) return tooLargeDocument(path, size, maxBytes);

  let text: string;
  let utf8Problem: { offset: number; byte: number; count: number } | undefined;
  if (typeof input === 'string') {
    text = input;
  } else {
    const decoded = decodeUtf8(input);
    text = decoded.text;
    utf8Problem = decoded.invalid;
  }
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    if (utf8Problem) utf8Problem.offset -= 1;
  }
  const lines = new LineIndex(text);

  if (utf8Problem) {
    const at = lines.locationOf(utf8Problem.offset);
    const more = utf8Problem.count > 1 ? ` (${utf8Problem.count} invalid sequences in all)` : '';
    problems.push(
      problem(
        'descriptor-error',
        `${path} is not valid UTF-8: byte 0x${utf8Problem.byte.toString(16).padStart(2, '0').toUpperCase()} ` +
          `does not start a valid character${more}; save the file as UTF-8`,
        { path, lineNumber: at.line, columnNumber: at.column },
      ),
    );
  }

  // Cheap, non-recursive guard before anything recursive (jsonc-parser, JSON.parse, tree walks).
  const tooDeep = findTooDeep(text, maxDepth);
  if (tooDeep !== undefined) {
    const at = lines.locationOf(tooDeep);
    problems.push(
      problem(
        'descriptor-error',
        `${path} nests objects and arrays more than ${maxDepth} levels deep; flatten the structure ` +
          '(a descriptor never needs this depth)',
        { path, lineNumber: at.line, columnNumber: at.column },
      ),
    );
    return { value: undefined, locate: () => ({ line: 1, column: 1 }), problems };
  }

  // Most documents are plain valid JSON: parsed natively, the tree (for locations, and to find
  // duplicate and refused keys) is built only when a key is doubled or refused, or a location is
  // asked for (a 320 kB descriptor took 35–60 ms through the tree, 2 ms through JSON.parse).
  if (!utf8Problem) {
    const value = plainJson(text);
    if (value !== undefined && keyTokens(text) === ownKeys(value)) {
      const locate = (pointer: string): JsonLocation => lines.locationOf(offsetInValidJson(text, pointer));
      return { value: value.parsed, locate, problems };
    }
  }

  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (e) {
    // Backstop only: the pre-scan above bounds the recursion. Never let a stack overflow escape.
    if (!(e instanceof RangeError)) throw e;
    problems.push(
      problem('descriptor-error', `${path} is not valid JSON and nests too deeply to analyse; fix its brackets and braces`, {
        path,
        lineNumber: 1,
        columnNumber: 1,
      }),
    );
    return { value: undefined, locate: () => ({ line: 1, column: 1 }), problems };
  }
  const locate = (pointer: string): JsonLocation => lines.locationOf(offsetOfPointer(root, pointer));

  const first = errors[0];
  if (first !== undefined) {
    const { offset, message } = describeSyntaxError(text, first);
    const at = lines.locationOf(offset);
    problems.push(
      problem('descriptor-error', `${path} is not valid JSON: ${message}`, {
        path,
        lineNumber: at.line,
        columnNumber: at.column,
      }),
    );
    return { value: undefined, locate, problems };
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // jsonc-parser accepted what JSON.parse refuses: report JSON.parse's own words.
    const reason = messageOf(e);
    const position = /position (\d+)/.exec(reason);
    const at = lines.locationOf(position?.[1] !== undefined ? Number(position[1]) : 0);
    problems.push(
      problem('descriptor-error', `${path} is not valid JSON: ${reason}; fix the syntax`, {
        path,
        lineNumber: at.line,
        columnNumber: at.column,
      }),
    );
    return { value: undefined, locate, problems };
  }

  if (root !== undefined) {
    const forbidden = checkKeys(root, path, lines, problems);
    if (forbidden) removeForbiddenKeys(value);
  }
  return { value, locate, problems };
}

/** The value of a text JSON.parse accepts, when it holds no refused key; undefined otherwise. */
function plainJson(text: string): { parsed: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return hasForbiddenKey(parsed) ? undefined : { parsed };
  } catch {
    return undefined;
  }
}

function hasForbiddenKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasForbiddenKey);
  if (value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) if (FORBIDDEN_KEYS.has(k) || hasForbiddenKey(v)) return true;
  return false;
}

/** Own keys of a parsed value, nested ones included: fewer than the text's key tokens when a key is doubled. */
function ownKeys(value: { parsed: unknown }): number {
  let n = 0;
  const stack: unknown[] = [value.parsed];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (v !== null && typeof v === 'object') {
      const values = Object.values(v);
      n += values.length;
      stack.push(...values);
    }
  }
  return n;
}

/** Keys written in a valid JSON text: strings followed by a colon (in valid JSON only a member's key is). */
function keyTokens(text: string): number {
  let n = 0;
  const end = text.length;
  let i = 0;
  while (i < end) {
    if (text.charCodeAt(i) !== 0x22 /* " */) {
      i++;
      continue;
    }
    i++;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      i += c === 0x5c /* \ */ ? 2 : 1;
    }
    i++;
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = text.charCodeAt(++i);
    if (c === 0x3a /* : */) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Lines and columns

class LineIndex {
  /** Offsets at which each line starts; a line ends at \n, \r\n or a lone \r (found on the first lookup: most documents never need one). */
  private starts: number[] | null = null;

  constructor(private readonly text: string) {}

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const text = this.text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) starts.push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
    return starts;
  }

  locationOf(offset: number): JsonLocation {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - (starts[lo] ?? 0) + 1 };
  }
}

// ---------------------------------------------------------------------------------------------
// UTF-8

/** Decode strictly when possible; otherwise decode with U+FFFD and say where the first bad byte was. */
function decodeUtf8(bytes: Uint8Array): { text: string; invalid?: { offset: number; byte: number; count: number } } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
    const text = lenient.decode(bytes);
    const { first, count } = scanInvalidUtf8(bytes);
    // Everything before `first` is valid UTF-8, so its decoded length is the text offset.
    const offset = lenient.decode(bytes.subarray(0, first)).length;
    return { text, invalid: { offset, byte: bytes[first] ?? 0, count } };
  }
}

/** Byte offset of the first invalid UTF-8 sequence (WHATWG rules) and how many there are. */
function scanInvalidUtf8(bytes: Uint8Array): { first: number; count: number } {
  let first = -1;
  let count = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let need = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    }
    let ok = need > 0;
    let j = 1;
    for (; ok && j <= need; j++) {
      const c = bytes[i + j];
      if (c === undefined || c < lower || c > upper) ok = false;
      lower = 0x80;
      upper = 0xbf;
    }
    if (ok) {
      i += need + 1;
    } else {
      if (first < 0) first = i;
      count++;
      // Skip the lead byte and the continuation bytes that were valid so far (as a decoder would).
      i += Math.max(1, j - 1);
    }
  }
  return { first: Math.max(first, 0), count };
}

// ---------------------------------------------------------------------------------------------
// Depth pre-scan

/**
 * Offset of the first '[' or '{' deeper than maxDepth; undefined when within. It tokenizes as
 * jsonc-parser's scanner does (a string ends at its closing quote or at a line break, a backslash
 * escapes the next character, // and block comments are skipped) and pops only on a closer of
 * the matching kind, so its depth is never less than the depth jsonc-parser's recursive descent
 * reaches, even on malformed input such as `[[}},[[[...` or `/* " *\/ [[[...`.
 */
function findTooDeep(text: string, maxDepth: number): number | undefined {
  const open: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x22) break;
        if (d === 0x0a || d === 0x0d) break;
        i += d === 0x5c /* \ */ ? 2 : 1;
      }
      i++;
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else {
      if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
        open.push(c);
        if (open.length > maxDepth) return i;
      } else if ((c === 0x5d /* ] */ && open.at(-1) === 0x5b) || (c === 0x7d /* } */ && open.at(-1) === 0x7b)) {
        open.pop();
      }
      i++;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Syntax errors

function describeSyntaxError(text: string, error: ParseError): { offset: number; message: string } {
  const { offset, length } = error;
  const found = text.slice(offset, offset + Math.max(length, 1));
  // A string token is shown as written (it has its quotes); anything else is quoted.
  const shown = found === '' ? 'the end of the file' : found.startsWith('"') ? bare(found) : quoted(found);
  const atEnd = offset >= text.length;
  const prev = previousNonSpace(text, offset);
  const code = printParseErrorCode(error.error);

  if (
    (code === 'PropertyNameExpected' || code === 'ValueExpected') &&
    (found === '}' || found === ']') &&
    prev !== undefined &&
    text[prev] === ','
  ) {
    return {
      offset: prev,
      message: `trailing comma before ${quoted(found)}; JSON allows no comma after the last item, remove it`,
    };
  }
  switch (code) {
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return { offset, message: 'comments are not allowed in JSON; remove the comment' };
    case 'InvalidSymbol':
      if (found.startsWith("'")) {
        return { offset, message: `found ${shown}: JSON strings use double quotes, replace the single quotes` };
      }
      if (prev !== undefined && (text[prev] === '{' || text[prev] === ',') && /^[A-Za-z_$]/.test(found)) {
        return {
          offset,
          message: `found ${shown} where a property name or value belongs: property names and strings must be double-quoted, e.g. ${quoted(found)}`,
        };
      }
      return {
        offset,
        message: `unexpected ${shown}; a JSON value is a double-quoted string, a number, true, false, null, an object or an array`,
      };
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return { offset, message: `invalid number ${shown}; write numbers like 12, -3.5 or 1e6 (no trailing dot, no leading zeros)` };
    case 'PropertyNameExpected':
      return { offset, message: `expected a double-quoted property name, found ${shown}; write the name in double quotes` };
    case 'ValueExpected':
      if (text.trim() === '') return { offset, message: 'the file is empty; a descriptor is a JSON object' };
      return atEnd
        ? { offset, message: 'the file ends where a value is expected; it is truncated or a value is missing' }
        : {
            offset,
            message: `expected a value, found ${shown}; write a double-quoted string, a number, true, false, null, an object or an array`,
          };
    case 'ColonExpected':
      return { offset, message: `expected ":" after the property name, found ${shown}; add the missing colon` };
    case 'CommaExpected': {
      const number = prev !== undefined ? numberEndingAt(text, prev) : undefined;
      if (number !== undefined && /^-?0$/.test(number) && /^[0-9]/.test(found)) {
        return { offset, message: `numbers must not have leading zeros (found ${number}${found}); remove the zero or quote the value` };
      }
      return { offset, message: `expected "," between items, found ${shown}; add the missing comma` };
    }
    case 'CloseBraceExpected':
      return atEnd
        ? { offset, message: 'the file ends inside an object; add the missing "}" (the file may be truncated)' }
        : { offset, message: `expected "," or "}" in an object, found ${shown}; add the missing comma or brace` };
    case 'CloseBracketExpected':
      return atEnd
        ? { offset, message: 'the file ends inside an array; add the missing "]" (the file may be truncated)' }
        : { offset, message: `expected "," or "]" in an array, found ${shown}; add the missing comma or bracket` };
    case 'EndOfFileExpected':
      return {
        offset,
        message: `unexpected ${shown} after the end of the JSON value; a descriptor holds exactly one JSON object, remove the extra text`,
      };
    case 'UnexpectedEndOfString':
      return { offset, message: 'a string is not closed; add the closing double quote' };
    case 'InvalidUnicode':
      return { offset, message: `invalid \\u escape in ${shown}; use exactly four hex digits, e.g. \\u00e9` };
    case 'InvalidEscapeCharacter': {
      const bad = /\\(?:[^"\\/bfnrtu]|$)/.exec(found.slice(1));
      const at = bad ? offset + 1 + bad.index : offset;
      return {
        offset: at,
        message:
          `invalid escape ${text.slice(at, at + 2)} in a string; the valid escapes are ` +
          '\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX (write a backslash as \\\\)',
      };
    }
    case 'InvalidCharacter': {
      for (let i = offset; i < offset + length; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20) {
          const hex = c.toString(16).padStart(4, '0');
          return { offset: i, message: `control character U+${hex.toUpperCase()} inside a string; escape it (e.g. \\n, \\t or \\u${hex})` };
        }
      }
      return { offset, message: `invalid character in ${shown}` };
    }
    default:
      return { offset, message: `unexpected ${shown}` };
  }
}

function previousNonSpace(text: string, offset: number): number | undefined {
  for (let i = offset - 1; i >= 0; i--) {
    if (!/\s/.test(text[i] ?? '')) return i;
  }
  return undefined;
}

function numberEndingAt(text: string, end: number): string | undefined {
  let start = end;
  while (start >= 0 && /[-0-9.eE+]/.test(text[start] ?? '')) start--;
  return start === end ? undefined : text.slice(start + 1, end + 1);
}

// ---------------------------------------------------------------------------------------------
// Keys: duplicates and forbidden names

interface WalkEntry {
  node: Node;
  parent?: WalkEntry;
  token?: string | number;
}

function tokensOf(entry: WalkEntry): Array<string | number> {
  const tokens: Array<string | number> = [];
  for (let e: WalkEntry | undefined = entry; e?.token !== undefined; e = e.parent) tokens.push(e.token);
  return tokens.reverse();
}

/** Report duplicate and forbidden keys; true when a forbidden key was found. Iterative: no stack limit. */
function checkKeys(root: Node, path: string, lines: LineIndex, out: Problem[]): boolean {
  let forbidden = false;
  const problems: Problem[] = [];
  const stack: WalkEntry[] = [{ node: root }];
  while (stack.length > 0) {
    const entry = stack.pop() as WalkEntry;
    const { node } = entry;
    if (node.type === 'array') {
      (node.children ?? []).forEach((child, index) => stack.push({ node: child, parent: entry, token: index }));
      continue;
    }
    if (node.type !== 'object') continue;
    const seen = new Map<string, Node>();
    for (const member of node.children ?? []) {
      const keyNode = member.children?.[0];
      if (keyNode === undefined) continue;
      const key = String(keyNode.value);
      const valueNode = member.children?.[1];
      if (valueNode !== undefined) stack.push({ node: valueNode, parent: entry, token: key });
      const earlier = seen.get(key);
      seen.set(key, keyNode);
      const isForbidden = FORBIDDEN_KEYS.has(key);
      if (!isForbidden && earlier === undefined) continue;
      const at = lines.locationOf(keyNode.offset);
      const parentTokens = tokensOf(entry);
      const extra = { path, pointer: pointerOf(...parentTokens, key), lineNumber: at.line, columnNumber: at.column };
      const where = parentTokens.length === 0 ? 'the top-level object' : bare(parentTokens.map(String).join('/'));
      if (isForbidden) {
        forbidden = true;
        problems.push(
          problem(
            'descriptor-error',
            `key ${quoted(key)} in ${where} is refused (it can corrupt objects in the tools that read descriptors) ` +
              'and was dropped; rename or remove it',
            extra,
          ),
        );
      }
      if (earlier !== undefined) {
        const before = lines.locationOf(earlier.offset);
        problems.push(
          problem(
            'descriptor-error',
            `duplicate key ${quoted(key)} in ${where} (first at line ${before.line}, column ${before.column}); ` +
              'JSON.parse keeps only the last one, so the earlier value is silently lost; remove one of them',
            extra,
          ),
        );
      }
    }
  }
  problems.sort((a, b) => (a.lineNumber ?? 0) - (b.lineNumber ?? 0) || (a.columnNumber ?? 0) - (b.columnNumber ?? 0));
  out.push(...problems);
  return forbidden;
}

function removeForbiddenKeys(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      const object = v as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        if (FORBIDDEN_KEYS.has(key)) delete object[key];
        else stack.push(object[key]);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pointers

/** Decode an RFC 6901 pointer into tokens; undefined for a malformed one. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function offsetOfPointer(root: Node | undefined, pointer: string): number {
  if (root === undefined) return 0;
  const tokens = parsePointer(pointer) ?? [];
  let node = root;
  let offset = root.offset;
  for (const token of tokens) {
    if (node.type === 'object') {
      let member: Node | undefined;
      // The last duplicate wins, as with JSON.parse.
      for (const m of node.children ?? []) if (m.children?.[0]?.value === token) member = m;
      const valueNode = member?.children?.[1];
      if (member === undefined) break;
      offset = member.offset;
      if (valueNode === undefined) break;
      node = valueNode;
    } else if (node.type === 'array') {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) break;
      const item = node.children?.[Number(token)];
      if (item === undefined) break;
      offset = item.offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/**
 * What offsetOfPointer finds, read from a valid JSON text without duplicate keys, skipping the
 * values it does not enter (no tree: a pointer into a 320 kB descriptor cost ~40 ms through one).
 */
function offsetInValidJson(text: string, pointer: string): number {
  const tokens = parsePointer(pointer) ?? [];
  const n = text.length;
  const space = (i: number): number => {
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = text.charCodeAt(++i);
    return i;
  };
  /** Past the string opening at i. */
  const string = (i: number): number => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return i + 1;
      if (c === 0x5c) i++;
    }
    return n;
  };
  /** Past the value starting at i. */
  const value = (i: number): number => {
    const c = text.charCodeAt(i);
    if (c === 0x22) return string(i);
    if (c !== 0x7b && c !== 0x5b) {
      while (i < n && !',}] \t\n\r'.includes(text[i]!)) i++;
      return i;
    }
    let depth = 0;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 0x22) {
        i = string(i);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return n;
  };
  let at = space(0);
  let offset = at;
  for (const token of tokens) {
    const open = text.charCodeAt(at);
    if (open === 0x7b /* { */) {
      let i = space(at + 1);
      let found = -1;
      while (i < n && text.charCodeAt(i) === 0x22) {
        const keyEnd = string(i);
        const valueAt = space(space(keyEnd) + 1);
        const raw = text.slice(i + 1, keyEnd - 1);
        if ((raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw) === token) {
          found = i;
          at = valueAt;
          break;
        }
        i = space(value(valueAt));
        if (text.charCodeAt(i) === 0x2c) i = space(i + 1);
      }
      if (found < 0) break;
      offset = found;
    } else if (open === 0x5b /* [ */) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) break;
      const wanted = Number(token);
      let i = space(at + 1);
      let index = 0;
      while (i < n && text.charCodeAt(i) !== 0x5d && index < wanted) {
        i = space(value(i));
        if (text.charCodeAt(i) === 0x2c) i = space(i + 1);
        index++;
      }
      if (index !== wanted || i >= n || text.charCodeAt(i) === 0x5d) break;
      offset = at = i;
    } else {
      break;
    }
  }
  return offset;
}

/** A byte count for messages: "3 GiB", "10 MiB", "1.5 KiB", "12 bytes". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / (1024 * 1024 * 1024)).toFixed(n % (1024 * 1024 * 1024) === 0 ? 0 : 1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}
