/**
 * `npm run bench`: throughput and memory of the pipeline, as ratios against a parse-only CSV
 * baseline measured in the same run (absolute timings depend on the machine; ratios travel).
 *
 * Environment:
 *   BENCH_ROWS   rows of the generated spending CSV (default 1,000,000)
 *   BENCH_SEED   generator seed (default 1)
 *   BENCH_RUNS   runs per measurement; the median time is reported (default 3)
 *   BENCH_ONLY   comma-separated section names to run (default: all), e.g. BENCH_ONLY=validate
 *   BENCH_PUBLISH_MB  target size of the publish section's dataset in MB (default 300)
 *
 * Each measurement runs in its own child process (peak RSS is per measurement). The exit code
 * is 1 when a goal or check fails, 0 otherwise (a section whose code under test is not
 * available yet is reported, not failed).
 *
 * To add a section: append to SECTIONS; measure with ctx.againstBaseline(), or, for a section
 * with its own data and baseline (`sharedDataset: false`, e.g. publish), with measureAll().
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CODES, DEFAULT_SEED, type GeneratedDataset } from './generate.ts';
import {
  cachedDataset,
  fmt,
  formatTable,
  measureAll,
  throughput,
  verdict,
  warmPageCache,
  type MeasureOutcome,
  type MeasureSpec,
  type Measurement,
} from './harness.ts';
import { publishSection } from './publish-section.ts';
import { appSection } from './app-section.ts';

export interface BenchContext {
  /** BENCH_SEED. */
  seed: number;
  /** The shared spending dataset (only for sections without `sharedDataset: false`). */
  dataset: GeneratedDataset;
  /** Functional code rows in data/functions.csv. */
  codes: number;
  runs: number;
  /** Absolute paths of the dataset's CSV files. */
  csvFiles: string[];
  /**
   * Measures `specs` together with the parse-only baseline over every CSV of the dataset, runs
   * interleaved, throughput computed on the dataset's CSV bytes.
   */
  againstBaseline(specs: MeasureSpec[]): Promise<{ baseline: Measurement; outcomes: MeasureOutcome[] }>;
}

export interface Section {
  name: string;
  title: string;
  /**
   * False when the section makes its own data: the shared spending dataset is then not prepared
   * for it (ctx.dataset, csvFiles and againstBaseline throw). Default true.
   */
  sharedDataset?: boolean;
  /** Prints its results; resolves to false when a goal or check failed. */
  run(ctx: BenchContext): Promise<boolean>;
}

const GOALS = {
  /** Validation throughput at least this fraction of the parse-only baseline's. */
  validateThroughputRatio: 0.5,
  /** Peak RSS of the validation process, in MiB. */
  validatePeakRssMiB: 256,
};

const validateSection: Section = {
  name: 'validate',
  title: 'Validation of the whole package (descriptor + every row) vs parse-only baseline',
  async run(ctx) {
    const { baseline: base, outcomes } = await ctx.againstBaseline([
      { name: 'validate', script: 'child-validate.ts', args: [ctx.dataset.dir] },
    ]);
    const outcome = outcomes[0] as MeasureOutcome;
    if (!outcome.ok) {
      console.log(formatTable([base], base));
      console.log(`  runs (s): baseline ${base.runs.map(fmt.seconds).join(', ')}`);
      console.log();
      if (outcome.unavailable) {
        console.log(`validate: not available yet (${outcome.reason})`);
        return true;
      }
      console.log(`validate: FAIL (${outcome.reason})`);
      return false;
    }
    const v = outcome.measurement;
    console.log(formatTable([base, v], base));
    console.log(`  runs (s): baseline ${base.runs.map(fmt.seconds).join(', ')}; validate ${v.runs.map(fmt.seconds).join(', ')}`);
    console.log();

    let ok = true;
    const ratio = throughput(v).mbPerSecond / throughput(base).mbPerSecond;
    ok =
      verdict(
        `validation throughput ${fmt.ratio(ratio)} baseline (goal >= ${GOALS.validateThroughputRatio}x)`,
        ratio >= GOALS.validateThroughputRatio,
      ) && ok;
    const rss = fmt.mib(v.maxRssBytes);
    ok = verdict(`peak RSS ${rss} MB (goal <= ${GOALS.validatePeakRssMiB} MB)`, rss <= GOALS.validatePeakRssMiB) && ok;

    // The run only counts if the validator actually accepted the (valid) data, all of it.
    const details = v.result.details ?? {};
    const valid = details['valid'] === true;
    ok = verdict(`report valid`, valid) && ok;
    if (!valid) {
      console.log(`  errors: ${String(details['errors'])}, first problems:`);
      for (const p of (details['problems'] as unknown[] | undefined) ?? []) console.log(`    ${JSON.stringify(p)}`);
    }
    const resources = (details['resources'] as { name: string; rows: number }[] | undefined) ?? [];
    const spendingRows = resources.find((r) => r.name === 'spending')?.rows;
    const expected = ctx.dataset.rows + ctx.codes;
    ok =
      verdict(
        `report rows: spending ${spendingRows ?? '?'} (expected ${ctx.dataset.rows}), total ${v.rows} (expected ${expected})`,
        spendingRows === ctx.dataset.rows && v.rows === expected,
      ) && ok;
    return ok;
  },
};

/**
 * The CLI's table pass with its default threads beside `--threads 1`, on the shared package (one
 * large CSV and a small code list: the usual fiscal shape). The default must cost nothing there:
 * no more time and no more memory than one thread (issue 10).
 */
const threadsSection: Section = {
  name: 'threads',
  title: 'CLI validation with the default threads vs --threads 1 (time and peak RSS) vs parse-only baseline',
  async run(ctx) {
    const { baseline: base, outcomes } = await ctx.againstBaseline([
      { name: 'validate (default threads)', script: 'child-validate.ts', args: [ctx.dataset.dir, '--threads', 'default'] },
      { name: 'validate --threads 1', script: 'child-validate.ts', args: [ctx.dataset.dir, '--threads', '1'] },
      { name: 'hand baseline (split)', script: 'child-hand-baseline.ts', args: ctx.csvFiles },
    ]);
    const hand = outcomes.pop();
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) {
      console.log(formatTable([base], base));
      console.log(`threads: ${failed.unavailable ? 'not available yet' : 'FAIL'} (${failed.reason})`);
      return failed.unavailable;
    }
    const [def, one] = outcomes.map((o) => (o as { ok: true; measurement: Measurement }).measurement) as [Measurement, Measurement];
    console.log(formatTable([base, def, one], base));
    console.log(
      `  runs (s): baseline ${base.runs.map(fmt.seconds).join(', ')}; default ${def.runs.map(fmt.seconds).join(', ')}; --threads 1 ${one.runs.map(fmt.seconds).join(', ')}`,
    );
    console.log(`  workers started by default: ${String(def.result.details?.['workers'] ?? '?')}`);
    console.log();
    let ok = true;
    const timeRatio = def.seconds / one.seconds;
    // Medians of a few runs on a shared machine: 5 % is noise, more is a cost.
    ok =
      verdict(
        `default time ${fmt.seconds(def.seconds)} s vs --threads 1 ${fmt.seconds(one.seconds)} s (${fmt.ratio(timeRatio)}; goal <= 1x, within 5 % noise)`,
        timeRatio <= 1.05,
      ) && ok;
    const rssDef = fmt.mib(def.maxRssBytes);
    const rssOne = fmt.mib(one.maxRssBytes);
    ok =
      verdict(
        `default peak RSS ${rssDef} MB vs --threads 1 ${rssOne} MB (goal: default <= --threads 1 + 5 %, and <= ${GOALS.validatePeakRssMiB} MB)`,
        rssDef <= rssOne * 1.05 && rssDef <= GOALS.validatePeakRssMiB,
      ) && ok;
    const ratio = throughput(def).mbPerSecond / throughput(base).mbPerSecond;
    ok =
      verdict(
        `default-threads throughput ${fmt.ratio(ratio)} baseline (goal >= ${GOALS.validateThroughputRatio}x)`,
        ratio >= GOALS.validateThroughputRatio,
      ) && ok;
    if (hand?.ok) {
      const h = hand.measurement;
      console.log(formatTable([h, def], h));
      const handRatio = throughput(def).mbPerSecond / throughput(h).mbPerSecond;
      ok =
        verdict(
          `default-threads throughput ${fmt.ratio(handRatio)} the hand baseline (shared/bench/parse-baseline.mjs hand; goal >= ${GOALS.validateThroughputRatio}x)`,
          handRatio >= GOALS.validateThroughputRatio,
        ) && ok;
    } else console.log(`  hand baseline: not measured (${hand && !hand.ok ? hand.reason : 'no result'})`);
    ok = verdict('both reports valid', def.result.details?.['valid'] === true && one.result.details?.['valid'] === true) && ok;
    return ok;
  },
};

/** Sections, in order. */
export const SECTIONS: Section[] = [validateSection, threadsSection, publishSection, appSection];

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

async function main(): Promise<void> {
  const rows = intEnv('BENCH_ROWS', 1_000_000);
  const seed = intEnv('BENCH_SEED', DEFAULT_SEED);
  const runs = Math.max(1, intEnv('BENCH_RUNS', 3));
  const only = (process.env['BENCH_ONLY'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const sections = only.length > 0 ? SECTIONS.filter((s) => only.includes(s.name)) : SECTIONS;

  const codes = DEFAULT_CODES;
  console.log(`node ${process.version}, ${runs} run(s) per measurement, median time; RSS MB are MiB`);

  let shared: { dataset: GeneratedDataset; csvFiles: string[] } | null = null;
  if (sections.some((s) => s.sharedDataset !== false)) {
    const { dataset, generatedSeconds } = await cachedDataset({ rows, seed, codes });
    console.log(
      `dataset: ${fmt.rate(dataset.rows)} rows, ${fmt.mb(dataset.bytes)} MB of CSV, seed ${seed} — ` +
        (generatedSeconds === null ? `cached in ${dataset.dir}` : `generated in ${fmt.seconds(generatedSeconds)} s → ${dataset.dir}`),
    );
    const csvFiles = dataset.files.filter((f) => f.endsWith('.csv')).map((f) => join(dataset.dir, f));
    await warmPageCache(csvFiles);
    shared = { dataset, csvFiles };
  }
  const needShared = (): { dataset: GeneratedDataset; csvFiles: string[] } => {
    if (!shared) throw new Error('the shared dataset was not prepared: the section must not say sharedDataset: false');
    return shared;
  };

  const ctx: BenchContext = {
    seed,
    get dataset() {
      return needShared().dataset;
    },
    codes,
    runs,
    get csvFiles() {
      return needShared().csvFiles;
    },
    async againstBaseline(specs) {
      const { dataset, csvFiles } = needShared();
      const baselineSpec = { name: 'baseline (parse only)', script: 'child-baseline.ts', args: csvFiles };
      const [base, ...outcomes] = await measureAll([baselineSpec, ...specs], { runs, bytes: dataset.bytes });
      if (!base?.ok) throw new Error(`baseline failed: ${base?.reason ?? 'no result'}`);
      return { baseline: base.measurement, outcomes };
    },
  };

  let allOk = true;
  for (const section of sections) {
    console.log(`\n== ${section.name}: ${section.title}\n`);
    allOk = (await section.run(ctx)) && allOk;
  }
  if (!allOk) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
