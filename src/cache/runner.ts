/**
 * A TableRunner that reuses cached table results: a job whose key (key.ts) has an entry in the
 * cache is answered from it — no byte of its files is read — and the others run on the
 * job runner underneath (src/pipeline/table-job.ts). Results are handed over at `settle`, in the order a
 * sequential pass reads the resources, exactly as the parallel runner does, so the report and
 * the aggregates are those of a full validation. New results are kept for `flush`, which the
 * caller runs when writing is allowed (publish: after the commit point).
 */

import { createHash } from 'node:crypto';
import type { AggregatorState } from '../aggregate/aggregator.ts';
import { isRemote, SourceError, type PackageSource } from '../package/source.ts';
import { recipeOf, type JobRunner } from '../pipeline/table-job.ts';
import { mapLimit } from '../concurrency.ts';
import { describeError, messageOf } from '../errors.ts';
import type { TableJob, TableRunner } from '../validate/package.ts';
import type { ProblemSink, SinkSnapshot } from '../validate/report.ts';
import {
  checkEntry,
  decodeEntry,
  decodeIndex,
  encodeEntry,
  encodeIndex,
  entrySize,
  MAX_ENTRY_CHARS,
  outcomeOf,
  toCached,
  type ResultIndex,
} from './entry.ts';
import { packageParts, resultKey, validatorVersion, type KeyContext } from './key.ts';

/** Where cached results are read from (a folder, the store, a public bucket over HTTP). */
export interface CacheReader {
  readonly description: string;
  /** The entry's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** The index's bytes (entry.ts: one object holding many entries), or null when there is none; absent: no index here. */
  index?(): Promise<Uint8Array | null>;
}

/** Where new results are written. */
export interface CacheWriter {
  readonly description: string;
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Replace the index with one of this run's results (absent: no index here). */
  putIndex?(bytes: Uint8Array): Promise<void>;
}

export interface ResultCache {
  /** Read in order; the first usable entry wins. */
  readers: CacheReader[];
  /** Where `flush` writes the results computed in this run (none: nothing is written). */
  writer?: CacheWriter;
  /** The id of a file's bytes (default: the sha256 of its content, read through the source). */
  contentId?: (path: string) => Promise<string>;
  /** The validator's version (default validatorVersion()). */
  version?: string;
  /** Told once per run when an entry cannot be read or used (it is then ignored). */
  warn?: (message: string) => void;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries written by flush. */
  written: number;
  /** Hits answered from an index (no read of their own). */
  indexed: number;
}

export interface CachingRunner extends TableRunner {
  readonly stats: CacheStats;
  /** Write the results computed in this run, then the index of every result of the run, to the cache's writer (failures are warned, never thrown). */
  flush(): Promise<void>;
  /** The keys of this run's results that are cached (reused or to be written), sorted; none without a writer. */
  keys(): string[];
}

export interface CachingRunnerOptions {
  strict: boolean;
  maxErrors: number;
  /** Receives each aggregating resource's sums, in resource order (as the parallel runner's merge). */
  merge?: (state: AggregatorState) => void;
}

/** The sha256 of a file's content, read through the source; 'missing' when it cannot be opened. */
export function hashingContentId(source: PackageSource): (path: string) => Promise<string> {
  const known = new Map<string, Promise<string>>();
  return (path) => {
    let id = known.get(path);
    if (!id) {
      id = (async () => {
        let file;
        try {
          file = await source.open(path);
        } catch (e) {
          if (e instanceof SourceError) return `missing:${e.code}`;
          throw e;
        }
        const hash = createHash('sha256');
        for await (const chunk of file.stream()) hash.update(chunk);
        return hash.digest('hex');
      })();
      known.set(path, id);
    }
    return id;
  };
}

const encoder = new TextEncoder();

/** Entries written at once by flush. */
const FLUSH_AT_ONCE = 8;

/** Problems of a read that failed, perhaps for a while: a result holding one is not kept. */
const UNKEPT: ReadonlySet<string> = new Set(['source-error', 'lfs-error', 'scheme-error']);

export function createCachingRunner(
  inner: JobRunner,
  cache: ResultCache,
  source: PackageSource,
  options: CachingRunnerOptions,
): CachingRunner {
  const stats: CacheStats = { hits: 0, misses: 0, written: 0, indexed: 0 };
  const contentId = cache.contentId ?? hashingContentId(source);
  const context: KeyContext = {
    strict: options.strict,
    maxErrors: options.maxErrors,
    aggregate: options.merge !== undefined,
    version: cache.version ?? validatorVersion(),
  };
  let parts: ((resource: string) => string) | undefined;
  let warned = false;
  const warn = (message: string): void => {
    if (warned) return;
    warned = true;
    cache.warn?.(`${message}; it was ignored and the resource validated (further unusable entries are not reported)`);
  };
  const pending: Array<{ key: string; bytes: Uint8Array }> = [];
  /** Every cached result of this run (reused and new), for the index flush writes (kept only with a writer). */
  const results = new Map<string, Uint8Array>();
  // Each reader's index, read once (on the first lookup).
  const indexes = new Map<CacheReader, Promise<ResultIndex | null>>();
  const indexOf = (reader: CacheReader): Promise<ResultIndex | null> => {
    let found = indexes.get(reader);
    if (!found) {
      found = (async () => {
        let bytes: Uint8Array | null;
        try {
          bytes = (await reader.index?.()) ?? null;
        } catch (e) {
          warn(`the index of the cached results in ${reader.description} cannot be read (${messageOf(e)})`);
          return null;
        }
        if (bytes === null) return null;
        const decoded = decodeIndex(bytes);
        if (typeof decoded === 'string') {
          warn(`the index of the cached results in ${reader.description} is unusable: ${decoded}`);
          return null;
        }
        return decoded;
      })();
      indexes.set(reader, found);
    }
    return found;
  };

  const settleWith = (sink: ProblemSink, problems: SinkSnapshot, aggregate: AggregatorState | null) => () => {
    sink.absorb(problems);
    if (aggregate) options.merge?.(aggregate);
  };

  async function lookup(key: string): Promise<ReturnType<typeof decodeEntry> | null> {
    for (const reader of cache.readers) {
      // The index first: an entry inlined there needs no read of its own.
      const index = reader.index ? await indexOf(reader) : null;
      const inlined = index?.entries.get(key);
      if (inlined !== undefined) {
        const checked = checkEntry(key, inlined);
        if (typeof checked !== 'string') {
          stats.indexed++;
          // Kept for the index to write (a pull request writes none): as stored, or encoded again.
          if (cache.writer) {
            const raw = index?.raw?.get(key);
            results.set(key, raw !== undefined ? encoder.encode(raw) : encodeEntry(key, checked));
          }
          return checked;
        }
        warn(`the cached result ${key} in the index of ${reader.description} is unusable: ${checked}`);
      } else if (index && !index.named.has(key)) {
        continue; // the index holds every stored result of its version but those it names
      }
      let bytes: Uint8Array | null;
      try {
        bytes = await reader.get(key);
      } catch (e) {
        warn(`the cached result ${key} in ${reader.description} cannot be read (${messageOf(e)})`);
        continue;
      }
      if (bytes === null) continue;
      const decoded = decodeEntry(key, bytes);
      if (typeof decoded === 'string') {
        warn(`the cached result ${key} in ${reader.description} is unusable: ${decoded}`);
        continue;
      }
      if (cache.writer) results.set(key, bytes);
      return decoded;
    }
    return null;
  }

  // Every reader's index starts downloading now, while the descriptor is read and checked.
  for (const r of cache.readers) if (r.index) void indexOf(r);
  return {
    concurrency: inner.concurrency,
    stats,
    expect(jobs) {
      inner.expect?.(jobs);
    },
    async run(job: TableJob, sink: ProblemSink) {
      const remote = job.parts.some((p) => isRemote(p.path));
      // A caller's observers must see the rows: such a job is read, whatever the cache holds.
      const observed = job.observers !== undefined;
      parts ??= packageParts(job.descriptor, context.aggregate);
      // With nothing to read from, the key is made after the pass (a source that hashes what it
      // reads, as publish's does, then names the files without reading them twice).
      const early = !remote && !observed && cache.readers.length > 0;
      const key = early ? await resultKey(job, context, parts, contentId) : null;
      const hit = key === null ? null : await lookup(key);
      if (hit !== null && typeof hit !== 'string') {
        stats.hits++;
        return { outcome: outcomeOf(hit), settle: settleWith(sink, hit.problems, hit.aggregate) };
      }
      stats.misses++;
      const result = await inner.job(
        recipeOf(job, { aggregate: context.aggregate, strict: options.strict, maxErrors: options.maxErrors }),
        job,
      );
      // A file that could not be read (a failing disk, git or LFS read) may read the next time: not kept.
      const failed = [...result.problems.errors, ...result.problems.warnings].some((p) => UNKEPT.has(p.code));
      if (!remote && !failed && cache.writer) {
        const kept = toCached(result.outcome, result.problems, result.aggregate);
        // Problems naming a 200,000-character resource 1,000 times: not worth keeping.
        if (entrySize(kept) <= MAX_ENTRY_CHARS) {
          const late = key ?? (await resultKey(job, context, parts, contentId));
          const bytes = encodeEntry(late, kept);
          pending.push({ key: late, bytes });
          results.set(late, bytes);
        }
      }
      return { outcome: result.outcome, settle: settleWith(sink, result.problems, result.aggregate) };
    },
    keys() {
      return [...results.keys()].sort();
    },
    async flush() {
      const writer = cache.writer;
      if (!writer) return;
      const fresh = pending.splice(0);
      const own = async (entries: typeof fresh): Promise<void> => {
        const failed: Array<{ key: string; error: unknown }> = [];
        // Several at once: a folder without an index writes one per resource.
        await mapLimit(entries, FLUSH_AT_ONCE, async ({ key, bytes }) => {
          if (failed.length) return; // the store refuses writes: the rest would fail alike
          try {
            await writer.put(key, bytes);
            stats.written++;
          } catch (error) {
            failed.push({ key, error });
          }
        });
        const [first] = failed;
        if (first)
          cache.warn?.(
            `the validation result ${first.key} could not be written to ${writer.description} (${describeError(first.error)}); the next run validates that resource again`,
          );
      };
      if (!writer.putIndex || results.size === 0) {
        await own(fresh);
        results.clear();
        return;
      }
      // With an index, it alone holds this run's results (the published version's) but those too
      // large to inline, which are stored on their own beside it: one write instead of one per
      // resource (a first publish of 200 resources spent ~2 s writing them one by one).
      const index = encodeIndex(results);
      const named = new Set(index.named);
      const outside = fresh.filter((e) => named.has(e.key));
      const inside = fresh.filter((e) => !named.has(e.key));
      const putIndex = async (): Promise<void> => {
        try {
          await writer.putIndex!(index.bytes);
          stats.written += inside.length;
        } catch (e) {
          cache.warn?.(
            `the index of the validation results could not be written to ${writer.description} (${describeError(e)}); the results are stored one by one instead`,
          );
          await own(inside);
        }
      };
      await Promise.all([own(outside), putIndex()]);
      results.clear();
    },
  };
}
