/**
 * One cached table result as stored: what a resource's table pass hands to the package
 * validation (its problems, row and byte counts, the key sets other resources check against,
 * the foreign-key values checked after the pass, its aggregate sums), as JSON. Bigints (the
 * aggregator's exact sums) are written as `{"$bigint": "digits"}`.
 *
 * An entry names the key it was written under: one read under another key (a foreign or
 * corrupted entry) is refused, never trusted.
 */

import type { AggregatorState } from '../aggregate/aggregator.ts';
import type { SinkSnapshot } from '../validate/report.ts';
import type { DeferredKey, TableOutcome } from '../validate/table/table.ts';
import { isObject } from '../package/descriptor.ts';
import { messageOf } from '../errors.ts';

/** Bump when the entry's shape changes (it is also part of every key). */
export const ENTRY_FORMAT = 'os-datastore-table-result/1';

export interface CachedResult {
  rows: number;
  bytes: number;
  keys: Array<[string, string[]]>;
  deferred: DeferredKey[];
  problems: SinkSnapshot;
  aggregate: AggregatorState | null;
}

export function toCached(outcome: TableOutcome, problems: SinkSnapshot, aggregate: AggregatorState | null): CachedResult {
  return {
    rows: outcome.rows,
    bytes: outcome.bytes,
    keys: [...outcome.keys].map(([k, set]) => [k, [...set]]),
    deferred: outcome.deferred,
    problems,
    aggregate,
  };
}

export function outcomeOf(cached: CachedResult): TableOutcome {
  return {
    rows: cached.rows,
    bytes: cached.bytes,
    keys: new Map(cached.keys.map(([k, values]) => [k, new Set(values)])),
    deferred: cached.deferred,
    fields: [],
  };
}

/** Entries larger than this (in characters, estimated) are not kept: reading them would cost more than validating. */
export const MAX_ENTRY_CHARS = 64 * 1024 * 1024;

/** An upper-bound-ish estimate of an entry's JSON size, without building it (names in problems may be very long). */
export function entrySize(result: CachedResult): number {
  let n = 0;
  for (const p of [...result.problems.errors, ...result.problems.warnings]) {
    for (const v of Object.values(p)) n += typeof v === 'string' ? v.length + 16 : 24;
    if (n > MAX_ENTRY_CHARS) return n;
  }
  for (const [, values] of result.keys) {
    for (const v of values) n += v.length + 3;
    if (n > MAX_ENTRY_CHARS) return n;
  }
  return n + result.deferred.reduce((m, d) => m + d.key.length + d.cell.length + d.path.length + 96, 0);
}

export function encodeEntry(key: string, result: CachedResult): Uint8Array {
  const text = JSON.stringify({ format: ENTRY_FORMAT, key, result }, (_k, v: unknown) =>
    typeof v === 'bigint' ? { $bigint: v.toString() } : v,
  );
  return new TextEncoder().encode(text);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** UTF-8 JSON with `{"$bigint": "digits"}` read back as bigints; throws on anything else. */
function parseEntryJson(bytes: Uint8Array): unknown {
  // Parsed plainly, then the bigints put in place: a reviver (called for every value) took 2–4× as long on a 650 kB index.
  return bigintsIn(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
}

function bigintsIn(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = bigintsIn(value[i]);
    return value;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === '$bigint' && typeof o.$bigint === 'string') {
    if (!/^-?\d+$/.test(o.$bigint)) throw new SyntaxError(`"${o.$bigint}" is not a whole number`);
    return BigInt(o.$bigint);
  }
  // Every key is an own data property (JSON.parse made it), so even `__proto__` is assigned as a plain key.
  for (const k of keys) o[k] = bigintsIn(o[k]);
  return o;
}

/** The entry's result, or why it cannot be used (the caller warns and validates instead). */
export function decodeEntry(key: string, bytes: Uint8Array): CachedResult | string {
  let doc: unknown;
  try {
    doc = parseEntryJson(bytes);
  } catch (e) {
    return `it is not JSON (${messageOf(e)})`;
  }
  return checkEntry(key, doc);
}

/** The result of a parsed entry document, or why it cannot be used. */
export function checkEntry(key: string, doc: unknown): CachedResult | string {
  if (!isObject(doc) || doc.format !== ENTRY_FORMAT) return `it is not an ${ENTRY_FORMAT} entry`;
  if (doc.key !== key) return 'it was written under another key';
  const r = doc.result;
  if (!isObject(r) || !isCount(r.rows) || !isCount(r.bytes)) return 'its row or byte counts are missing';
  if (
    !Array.isArray(r.keys) ||
    !r.keys.every(
      (k) => Array.isArray(k) && typeof k[0] === 'string' && Array.isArray(k[1]) && (k[1] as unknown[]).every((x) => typeof x === 'string'),
    )
  )
    return 'its key sets are malformed';
  if (
    !Array.isArray(r.deferred) ||
    !r.deferred.every(
      (d) =>
        isObject(d) &&
        isCount(d.fk) &&
        typeof d.key === 'string' &&
        typeof d.path === 'string' &&
        isCount(d.rowNumber) &&
        isCount(d.lineNumber) &&
        typeof d.cell === 'string',
    )
  )
    return 'its deferred foreign keys are malformed';
  const p = r.problems;
  const problemList = (v: unknown): boolean =>
    Array.isArray(v) &&
    v.every(
      (x) =>
        isObject(x) && typeof x.code === 'string' && typeof x.message === 'string' && (x.severity === 'error' || x.severity === 'warning'),
    );
  if (!isObject(p) || !problemList(p.errors) || !problemList(p.warnings) || !Array.isArray(p.counts)) return 'its problems are malformed';
  for (const c of p.counts as unknown[]) {
    if (
      !Array.isArray(c) ||
      typeof c[0] !== 'string' ||
      !isObject(c[1]) ||
      !isCount(c[1].errors) ||
      !isCount(c[1].warnings) ||
      typeof c[1].truncated !== 'boolean' ||
      !isObject(c[1].unlisted)
    )
      return 'its problem counts are malformed';
  }
  if (r.aggregate !== null && (!isObject(r.aggregate) || !isObject(r.aggregate.total) || typeof r.aggregate.total.units !== 'bigint'))
    return 'its aggregate sums are malformed';
  return r as unknown as CachedResult;
}

/**
 * The index of a dataset's cache: the entries of one published version's results in one object
 * (`.datastore/cache/index.json`), so that a publish or pull request reads one object instead of
 * one per result. Each inlined entry is a whole entry document, checked against its key as a
 * single entry is; entries too large to inline (past INDEX_INLINE_CHARS) are only named, and
 * stored and read on their own. The index alone holds the inlined ones: a result it neither holds
 * nor names is not looked for (a store without an index, or with an unusable one, is read entry
 * by entry).
 */
export const INDEX_FORMAT = 'os-datastore-result-index/1';

/** An entry larger than this is named in the index, not inlined. */
export const INDEX_INLINE_CHARS = 1024 * 1024;
/** The inlined entries of one index stop at this size; the rest are named. */
const INDEX_MAX_CHARS = 16 * 1024 * 1024;

export interface ResultIndex {
  /** Inlined entries by key: parsed entry documents, not checked yet (checkEntry). */
  entries: Map<string, unknown>;
  /** Keys whose entries are stored on their own only. */
  named: Set<string>;
  /** Each inlined entry's text as stored (an index as encodeIndex lays it out): written again as it is. */
  raw?: Map<string, string>;
}

/** The index's bytes for `entries` (key → the entry's encoded bytes, as encodeEntry makes them), and the keys it only names (to be stored on their own). */
export function encodeIndex(entries: ReadonlyMap<string, Uint8Array>): { bytes: Uint8Array; named: string[] } {
  const inline: Uint8Array[] = [];
  const named: string[] = [];
  let size = 0;
  for (const [key, bytes] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (bytes.length > INDEX_INLINE_CHARS || size + bytes.length > INDEX_MAX_CHARS) {
      named.push(key);
      continue;
    }
    inline.push(bytes);
    size += bytes.length + 2;
  }
  // One entry per line (an entry's JSON has no line break): decodeIndex keeps each line as it is.
  const enc = new TextEncoder();
  const head = enc.encode(`{"format":${JSON.stringify(INDEX_FORMAT)},"named":${JSON.stringify(named)},"entries":[\n`);
  const tail = enc.encode(']}');
  const out = new Uint8Array(head.length + size + tail.length);
  let at = 0;
  out.set(head, at);
  at += head.length;
  for (const [i, bytes] of inline.entries()) {
    if (i > 0) {
      out[at++] = 0x2c; // ','
      out[at++] = 0x0a; // '\n'
    }
    out.set(bytes, at);
    at += bytes.length;
  }
  if (inline.length > 0) out[at++] = 0x0a;
  out.set(tail, at);
  return { bytes: out.subarray(0, at + tail.length), named };
}

export function decodeIndex(bytes: Uint8Array): ResultIndex | string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    return `it is not JSON (${messageOf(e)})`;
  }
  const lines = byLine(text);
  if (lines) return lines;
  let doc: unknown;
  try {
    doc = bigintsIn(JSON.parse(text));
  } catch (e) {
    return `it is not JSON (${messageOf(e)})`;
  }
  const head = indexHead(doc);
  if (typeof head === 'string') return head;
  const entries = new Map<string, unknown>();
  for (const e of (doc as { entries: unknown[] }).entries) {
    if (!isObject(e) || typeof e.key !== 'string') return 'an entry names no key';
    entries.set(e.key, e);
  }
  return { entries, named: head.named };
}

function indexHead(doc: unknown): { named: Set<string> } | string {
  if (!isObject(doc) || doc.format !== INDEX_FORMAT) return `it is not an ${INDEX_FORMAT} index`;
  if (!Array.isArray(doc.entries) || !Array.isArray(doc.named) || !doc.named.every((k) => typeof k === 'string'))
    return 'its entries are malformed';
  return { named: new Set(doc.named as string[]) };
}

/**
 * An index laid out as encodeIndex writes it (a head line, one entry per line, the closing line),
 * each entry's text kept for the next index; null when the text is laid out otherwise (then it is
 * parsed whole), or a line does not parse.
 */
function byLine(text: string): ResultIndex | string | null {
  const lines = text.split('\n');
  const last = lines.length - 1;
  if (last < 1 || lines[last] !== ']}' || !lines[0]!.endsWith('"entries":[')) return null;
  try {
    const head = indexHead(bigintsIn(JSON.parse(`${lines[0]!}]}`)));
    if (typeof head === 'string') return head;
    const entries = new Map<string, unknown>();
    const raw = new Map<string, string>();
    for (let i = 1; i < last; i++) {
      const line = lines[i]!;
      if (i < last - 1 && !line.endsWith(',')) return null;
      const json = i < last - 1 ? line.slice(0, -1) : line;
      const e = bigintsIn(JSON.parse(json));
      if (!isObject(e) || typeof e.key !== 'string') return 'an entry names no key';
      entries.set(e.key, e);
      raw.set(e.key, json);
    }
    return { entries, named: head.named, raw };
  } catch {
    return null;
  }
}
