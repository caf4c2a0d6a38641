/**
 * Benchmark plumbing shared by the sections of bench/run.ts: the cached dataset, measurement
 * children, medians, and the printed table.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMeasurement, ChildResult } from './child.ts';
import { GENERATOR_VERSION, generateSpendingDataset, type GeneratedDataset } from './generate.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = resolve(BENCH_DIR, '..');
export const DATA_DIR = join(BENCH_DIR, '.data');

const MB = 1e6;
const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Dataset

export interface DatasetSpec {
  rows: number;
  seed: number;
  codes: number;
}

export interface CachedDataset {
  dataset: GeneratedDataset;
  /** Null when reused from the cache. */
  generatedSeconds: number | null;
}

/**
 * The generated dataset for `spec`, under bench/.data/, reused when a complete copy is there.
 * A `.complete` marker is written last, so an interrupted generation is never reused.
 */
export async function cachedDataset(spec: DatasetSpec): Promise<CachedDataset> {
  const dir = join(DATA_DIR, `spending-r${spec.rows}-s${spec.seed}-c${spec.codes}-v${GENERATOR_VERSION}`);
  const marker = join(dir, '.complete');
  try {
    const saved = JSON.parse(await readFile(marker, 'utf8')) as GeneratedDataset;
    return { dataset: { ...saved, dir }, generatedSeconds: null };
  } catch {
    // not cached (or incomplete): generate
  }
  await rm(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const dataset = await generateSpendingDataset(dir, spec);
  const generatedSeconds = (performance.now() - t0) / 1000;
  await writeFile(marker, `${JSON.stringify(dataset)}\n`);
  return { dataset, generatedSeconds };
}

/** Reads files once so that the first measurement does not pay for a cold page cache alone. */
export async function warmPageCache(files: string[]): Promise<void> {
  for (const file of files) {
    for await (const _chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
      // discard
    }
  }
}

// ---------------------------------------------------------------------------------------
// Measurements

export interface Measurement {
  name: string;
  /** Median wall-clock seconds over the runs. */
  seconds: number;
  /** Every run's seconds, in order. */
  runs: number[];
  /** Highest peak RSS over the runs, in bytes. */
  maxRssBytes: number;
  rows: number;
  /** Bytes the throughput is computed on. */
  bytes: number;
  /** The median run's child report. */
  result: ChildMeasurement;
}

export type MeasureOutcome = { ok: true; measurement: Measurement } | { ok: false; unavailable: boolean; reason: string };

/** Runs `node --import tsx bench/<script> ...args` once and returns its last JSON line. */
export function runChild(script: string, args: string[]): Promise<ChildResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, script), ...args], {
      cwd: ROOT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => resolvePromise({ ok: false, unavailable: false, reason: `${script}: ${err.message}` }));
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const parsed = JSON.parse(last) as ChildResult;
        if (typeof parsed === 'object' && parsed !== null && 'ok' in parsed) {
          resolvePromise(parsed);
          return;
        }
      } catch {
        // fall through
      }
      const lines = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const tail = lines.find((l) => /Error\b/.test(l)) ?? lines.slice(-3).join(' | ');
      resolvePromise({
        ok: false,
        unavailable: false,
        reason: `${script} exited with ${signal ?? `code ${code}`} without a result${tail ? `: ${tail}` : ''}`,
      });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface MeasureSpec {
  name: string;
  /** The child script, relative to bench/. */
  script: string;
  args: string[];
}

/**
 * Runs each measurement `runs` times, each run in a fresh child, round-robin (A B C, A B C, ...)
 * so that a change in machine load affects them alike. `bytes` is the byte count throughput is
 * computed on (the same for every measurement of a table). A measurement whose child fails is
 * not run again; its outcome carries the reason.
 */
export async function measureAll(specs: MeasureSpec[], opts: { runs: number; bytes: number }): Promise<MeasureOutcome[]> {
  const results: ChildMeasurement[][] = specs.map(() => []);
  const failed: (MeasureOutcome | null)[] = specs.map(() => null);
  for (let run = 0; run < opts.runs; run++) {
    for (const [k, spec] of specs.entries()) {
      if (failed[k]) continue;
      const r = await runChild(spec.script, spec.args);
      if (r.ok) (results[k] as ChildMeasurement[]).push(r);
      else failed[k] = r;
    }
  }
  return specs.map((spec, k): MeasureOutcome => {
    const f = failed[k];
    if (f) return f;
    const rs = results[k] as ChildMeasurement[];
    const runs = rs.map((r) => r.seconds);
    const seconds = median(runs);
    const result = rs.find((r) => r.seconds === seconds) ?? (rs[0] as ChildMeasurement);
    return {
      ok: true,
      measurement: {
        name: spec.name,
        seconds,
        runs,
        maxRssBytes: Math.max(...rs.map((r) => r.maxRssBytes)),
        rows: result.rows,
        bytes: opts.bytes,
        result,
      },
    };
  });
}

// ---------------------------------------------------------------------------------------
// Printing

export const fmt = {
  mb: (bytes: number): string => (bytes / MB).toFixed(1),
  mib: (bytes: number): number => Math.round(bytes / MIB),
  seconds: (s: number): string => s.toFixed(2),
  rate: (n: number): string => Math.round(n).toLocaleString('en-GB'),
  ratio: (x: number): string => `${x.toFixed(2)}x`,
};

export function throughput(m: Measurement): { rowsPerSecond: number; mbPerSecond: number } {
  return { rowsPerSecond: m.rows / m.seconds, mbPerSecond: m.bytes / MB / m.seconds };
}

/** One table: name, rows, MB, s (median), rows/s, MB/s, peak RSS, throughput ratio vs `base`. */
export function formatTable(ms: Measurement[], base: Measurement | null): string {
  const header = ['name', 'rows', 'MB', 'seconds', 'rows/s', 'MB/s', 'peak RSS MB', 'vs baseline'];
  const baseRate = base ? throughput(base).mbPerSecond : null;
  const lines = ms.map((m) => {
    const t = throughput(m);
    return [
      m.name,
      fmt.rate(m.rows),
      fmt.mb(m.bytes),
      fmt.seconds(m.seconds),
      fmt.rate(t.rowsPerSecond),
      t.mbPerSecond.toFixed(1),
      String(fmt.mib(m.maxRssBytes)),
      baseRate ? fmt.ratio(t.mbPerSecond / baseRate) : '-',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}

/** A goal or check line; returns whether it passed. */
export function verdict(line: string, pass: boolean): boolean {
  console.log(`${line}: ${pass ? 'PASS' : 'FAIL'}`);
  return pass;
}
