/**
 * The `publish` section of `npm run bench`: the first publish of a generated ~300 MB, 200-file
 * git dataset (bench/generate-publish.ts) against a plain sequential PutObject loop over the same
 * files, both to a fresh s3rver on 127.0.0.1, in the same run; then the requests of a no-op
 * re-publish, of a one-file change and of a one-file addition, counted at a proxy in front of
 * s3rver; then issue 12's yardstick: the publish that adds one 1.5 MB file (`bench-v3` over
 * `bench-v2`), and the same change validated as a pull request, against a first publish of a
 * package holding only that file and the resource it references. Goals checked: the first
 * publish vs the loop and vs the floor, its peak RSS, the no-op's requests, the one-file
 * change's uploads, and the two yardstick ratios.
 *
 * Environment (besides run.ts's): BENCH_PUBLISH_MB, the dataset's target size in MB (default
 * 300), e.g. BENCH_PUBLISH_MB=20 for a quick trial.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { GENERATOR_VERSION } from './generate.ts';
import {
  DEFAULT_PUBLISH_MB,
  generatePublishDataset,
  PUBLISH_GENERATOR_VERSION,
  restoreWorkingTree,
  V1_TAG,
  V2_TAG,
  V3_TAG,
  type PublishDataset,
} from './generate-publish.ts';
import { DATA_DIR, fmt, measureAll, runChild, verdict, warmPageCache, type MeasureOutcome, type Measurement } from './harness.ts';
import type { RequestCount } from './child-publish-requests.ts';
import type { Section } from './run.ts';

const GOALS = {
  /** First publish at least as fast as the plain PutObject loop (loop seconds / publish seconds). */
  publishVsLoop: 1.0,
  /** Requests of a re-publish of the published commit. */
  noopRequests: 2,
  /** Blob uploads when one file changed. */
  oneFileDataUploads: 1,
  /** Publish after adding one 1–2 MB file, and the same change validated as a pull request, vs the yardstick (issue 12). */
  addedVsYardstick: 2,
  /** First publish vs the floor the section prints (issue 12). */
  firstVsFloor: 1.25,
  /** Peak RSS of the first publish, MiB (issue 12). */
  peakRssMiB: 256,
};

function mbEnv(): number {
  const raw = process.env['BENCH_PUBLISH_MB'];
  if (raw === undefined || raw === '') return DEFAULT_PUBLISH_MB;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`BENCH_PUBLISH_MB must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * The publish dataset for (mb, seed), under bench/.data/, reused when complete (a `.complete`
 * marker, written last and left out of git and of publishing as a hidden file).
 */
async function cachedPublishDataset(mb: number, seed: number): Promise<{ dataset: PublishDataset; generatedSeconds: number | null }> {
  const dir = join(DATA_DIR, `publish-mb${mb}-s${seed}-v${PUBLISH_GENERATOR_VERSION}.${GENERATOR_VERSION}`);
  const marker = join(dir, '.complete');
  try {
    const saved = JSON.parse(await readFile(marker, 'utf8')) as PublishDataset;
    const dataset = { ...saved, dir };
    if (await restoreWorkingTree(dataset))
      console.log(`publish dataset: the working tree in ${dir} was not at ${V1_TAG}; checked out again`);
    return { dataset, generatedSeconds: null };
  } catch {
    // not cached, incomplete, or its working tree cannot be put back at bench-v1: generate
  }
  await rm(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const dataset = await generatePublishDataset(dir, { mb, seed });
  const generatedSeconds = (performance.now() - t0) / 1000;
  await writeFile(marker, `${JSON.stringify(dataset)}\n`);
  return { dataset, generatedSeconds };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  }
  return out;
}

function table(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(rows[0] as string[]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

const ops = (byOperation: Record<string, number>): string =>
  Object.entries(byOperation)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');

export const publishSection: Section = {
  name: 'publish',
  title:
    'First publish of a generated git dataset to s3rver vs a plain PutObject loop; requests of no-op and one-file publishes; one added file vs its yardstick',
  sharedDataset: false,
  async run(ctx) {
    const mb = mbEnv();
    const { dataset: ds, generatedSeconds } = await cachedPublishDataset(mb, ctx.seed);
    console.log(
      `publish dataset: ${ds.files.length} files (${ds.resources} CSV resources), ${fmt.mb(ds.bytes)} MB ` +
        `(largest data/spending.csv ${fmt.mb(ds.largeBytes)} MB, ${fmt.rate(ds.largeRows)} rows), ${fmt.rate(ds.rows)} rows in all, ` +
        `git ${V1_TAG} ${ds.commits.v1.slice(0, 12)} — ` +
        (generatedSeconds === null ? `cached in ${ds.dir}` : `generated in ${fmt.seconds(generatedSeconds)} s → ${ds.dir}`),
    );
    console.log(
      'each run: a fresh s3rver (own temp dir) on 127.0.0.1; the loop streams the working tree, publish reads the commit from git',
    );
    console.log();
    await warmPageCache([...ds.files.map((f) => join(ds.dir, f)), ...(await filesUnder(join(ds.dir, '.git', 'objects')))]);

    const [loopOutcome, publishOutcome, sequentialOutcome] = await measureAll(
      [
        { name: 'PutObject loop (baseline)', script: 'child-publish-plain.ts', args: [ds.dir] },
        { name: 'first publish', script: 'child-publish.ts', args: [ds.dir, V1_TAG] },
        { name: 'first publish, no upload before validation ends', script: 'child-publish.ts', args: [ds.dir, V1_TAG, '--no-overlap'] },
      ],
      { runs: ctx.runs, bytes: ds.bytes },
    );
    let ok = true;
    if (!loopOutcome?.ok) throw new Error(`PutObject loop failed: ${loopOutcome?.reason ?? 'no result'}`);
    const loop = loopOutcome.measurement;
    const failed = (o: MeasureOutcome | undefined): o is Extract<MeasureOutcome, { ok: false }> | undefined => !o?.ok;
    let pub: Measurement | null = null;
    if (failed(publishOutcome)) {
      console.log(
        `first publish: ${publishOutcome?.unavailable ? 'not available yet' : 'FAIL'} (${publishOutcome?.reason ?? 'no result'})`,
      );
      if (!publishOutcome?.unavailable) ok = false;
    } else {
      pub = publishOutcome.measurement;
    }

    const sequential = sequentialOutcome?.ok ? sequentialOutcome.measurement : null;
    const rows = [['name', 'files', 'MB', 'seconds', 'MB/s', 'peak RSS MB', 'vs loop']];
    for (const m of [loop, ...(pub ? [pub] : []), ...(sequential ? [sequential] : [])]) {
      rows.push([
        m.name,
        String(ds.files.length),
        fmt.mb(ds.bytes),
        fmt.seconds(m.seconds),
        (ds.bytes / 1e6 / m.seconds).toFixed(1),
        String(fmt.mib(m.maxRssBytes)),
        fmt.ratio(loop.seconds / m.seconds),
      ]);
    }
    console.log(table(rows));
    console.log(
      `  runs (s): loop ${loop.runs.map(fmt.seconds).join(', ')}${pub ? `; publish ${pub.runs.map(fmt.seconds).join(', ')}` : ''}`,
    );

    const loopDetails = loop.result.details ?? {};
    ok =
      verdict(
        `loop stored every file whole (${String(loopDetails['files'])} files; ${String(loopDetails['largest'])} ${String(loopDetails['largestStored'])} bytes)`,
        loopDetails['files'] === ds.files.length && loopDetails['largestStored'] === loopDetails['largestSize'],
      ) && ok;

    if (pub && sequential) {
      // The validation pass alone: CPU until the first write of the run that uploads nothing before validation ends.
      const validation = ((sequential.result.details ?? {})['cpu'] as { validation?: number | null } | undefined)?.validation;
      const loopCpu = (loopDetails['cpu'] ?? {}) as { client?: number; server?: number | null };
      if (typeof validation === 'number' && typeof loopCpu.client === 'number' && typeof loopCpu.server === 'number') {
        const floor = (validation + loopCpu.client + loopCpu.server) / availableParallelism();
        ok =
          verdict(
            `first publish vs the floor (validation ${fmt.seconds(validation)} CPU s + the loop's ${fmt.seconds(loopCpu.client + loopCpu.server)} CPU s on ${availableParallelism()} cores = ${fmt.seconds(floor)} s): ` +
              `${(pub.seconds / floor).toFixed(2)}x with uploads overlapping validation, ${(sequential.seconds / floor).toFixed(2)}x without (goal <= ${GOALS.firstVsFloor}x)`,
            pub.seconds / floor <= GOALS.firstVsFloor,
          ) && ok;
      }
    }
    if (pub) {
      const d = (sequential ?? pub).result.details ?? {};
      const phases = (d['phases'] ?? {}) as Record<string, number>;
      const total = Object.values(phases).reduce((a, b) => a + b, 0) || 1;
      const phase = (name: string, label: string): string =>
        `${label} ${fmt.seconds((phases[name] ?? 0) / 1000)} s (${Math.round(((phases[name] ?? 0) / total) * 100)}%)`;
      console.log(
        `  publish phases (median run, no upload before validation ends): ${phase('open', 'open git')}, ${phase('validate', 'validate+aggregate+sha256')}, ` +
          `${phase('blobUploads', 'blob uploads')}, ${phase('copies', 'latest-path copies')}, ${phase('rest', 'report/manifest/state')}`,
      );
      // Where the time can go at best: the publish must do the loop's work (send the same bytes,
      // which s3rver must receive) and validate every row before its first write.
      const loopCpu = (loopDetails['cpu'] ?? {}) as { client?: number; server?: number | null };
      const pubCpu = (d['cpu'] ?? {}) as { client?: number; server?: number | null; validation?: number | null };
      const cores = availableParallelism();
      if (typeof loopCpu.server === 'number' && typeof pubCpu.validation === 'number' && typeof loopCpu.client === 'number') {
        const floor = (pubCpu.validation + loopCpu.client + loopCpu.server) / cores;
        console.log(
          `  CPU seconds (median runs): loop ${fmt.seconds(loopCpu.client)} client + ${fmt.seconds(loopCpu.server)} s3rver; ` +
            `publish ${fmt.seconds(pubCpu.client ?? 0)} client (validation pass ${fmt.seconds(pubCpu.validation)}, all threads) + ${fmt.seconds(pubCpu.server ?? 0)} s3rver`,
        );
        console.log(
          `  floor: validating every row (${fmt.seconds(pubCpu.validation)} CPU s) plus the loop's own work (${fmt.seconds(loopCpu.client + loopCpu.server)} CPU s) on ${cores} cores ` +
            `takes >= ${fmt.seconds(floor)} s, so a publish that validates before it writes is at best ${fmt.ratio(loop.seconds / floor)} the loop on this machine`,
        );
      }
      console.log(`  publish store calls: ${ops((d['calls'] ?? {}) as Record<string, number>)}`);
      console.log();
      const ratio = loop.seconds / pub.seconds;
      ok =
        verdict(
          `first publish ${fmt.ratio(ratio)} the PutObject loop's speed (loop ${fmt.seconds(loop.seconds)} s / publish ${fmt.seconds(pub.seconds)} s) (goal: no slower, >= ${GOALS.publishVsLoop.toFixed(1)}x)`,
          ratio >= GOALS.publishVsLoop,
        ) && ok;
      ok =
        verdict(
          `peak RSS of the first publish: ${fmt.mib(pub.maxRssBytes)} MiB (goal <= ${GOALS.peakRssMiB} MiB; s3rver and git run in their own processes; ` +
            `without uploads overlapping validation ${sequential ? fmt.mib(sequential.maxRssBytes) : '?'} MiB)`,
          fmt.mib(pub.maxRssBytes) <= GOALS.peakRssMiB,
        ) && ok;
      const stats = (d['stats'] ?? {}) as { uploaded?: number; uploadedBytes?: number };
      ok =
        verdict(
          `publish ${String(d['status'])}, report valid ${String(d['valid'])}, ${String(d['resources'])} resources, ${fmt.rate(pub.rows)} rows, ${String(stats.uploaded)} blobs / ${fmt.mb(stats.uploadedBytes ?? 0)} MB uploaded`,
          d['status'] === 'published' &&
            d['valid'] === true &&
            pub.rows === ds.rows &&
            stats.uploaded === ds.files.length &&
            stats.uploadedBytes === ds.bytes,
        ) && ok;
      if (d['valid'] !== true) for (const p of (d['problems'] as string[] | undefined) ?? []) console.log(`    ${p}`);
    } else {
      console.log();
    }

    // Request counts, at a proxy in front of a fresh s3rver: publish v1, re-publish v1, publish v2.
    console.log();
    const counted = await runChild('child-publish-requests.ts', [ds.dir]);
    if (!counted.ok) {
      console.log(`request counts: FAIL (${counted.reason})`);
      return false;
    }
    const [first, noop, change, added] = ((counted.details ?? {})['runs'] ?? []) as RequestCount[];
    if (!first || !noop || !change || !added) {
      console.log('request counts: FAIL (the child reported fewer than 4 publishes)');
      return false;
    }
    const size = (bytes: number): string => (bytes >= 1e6 ? `${fmt.mb(bytes)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);
    const line = (label: string, r: RequestCount): string =>
      `  ${label}: ${r.status} in ${fmt.seconds(r.seconds)} s, ${r.total} requests (${ops(r.byOperation)}), ${r.dataUploads} data upload(s) (${size(r.uploadedBytes)})`;
    console.log('requests counted at a proxy in front of s3rver (times include the proxy hop):');
    console.log(line(`first publish ${V1_TAG}`, first));
    console.log(line(`no-op re-publish ${V1_TAG}`, noop));
    console.log(line(`one-file change ${V2_TAG} (${ds.changedFile})`, change));
    console.log(line(`one file added ${V3_TAG} (${ds.addedFile}, ${size(ds.addedBytes)})`, added));
    const uncached = ((counted.details ?? {})['uncached'] ?? null) as { status: string; seconds: number } | null;
    for (const [label, r] of [
      ['one-file change', change],
      ['one file added', added],
    ] as const)
      if (r.cache)
        console.log(
          `  ${label}: ${r.cache.hits} resource results reused from the store's validation cache, ${r.cache.misses} validated; ${r.cacheReads} read(s) of the cache (its index, then the entries it names)`,
        );
    if (uncached && first.seconds > 0) {
      console.log(
        `  one-file change without the cache (publish --no-cache, fresh store): ${uncached.status} in ${fmt.seconds(uncached.seconds)} s; ` +
          `with it ${fmt.seconds(change.seconds)} s = ${fmt.ratio(uncached.seconds / change.seconds)} faster; ` +
          `vs the first publish: ${Math.round((change.seconds / first.seconds) * 100)}% with the cache, ${Math.round((uncached.seconds / first.seconds) * 100)}% without`,
      );
    }
    console.log();
    ok =
      verdict(
        `no-op re-publish: ${noop.total} request(s), status ${noop.status} (goal <= ${GOALS.noopRequests})`,
        noop.status === 'unchanged' && noop.total <= GOALS.noopRequests,
      ) && ok;
    ok =
      verdict(
        `one-file change: ${change.total} requests, ${change.dataUploads} data upload(s) (goal: ${GOALS.oneFileDataUploads} data upload)`,
        change.status === 'published' && change.dataUploads === GOALS.oneFileDataUploads,
      ) && ok;

    // Issue 12's yardstick: a fresh publish of a package holding only the added file and what it references.
    console.log();
    const inc = await runChild('child-publish-incremental.ts', [ds.dir, String(ctx.runs)]);
    if (!inc.ok) {
      console.log(`one file added vs the yardstick: FAIL (${inc.reason})`);
      return false;
    }
    const d = (inc.details ?? {}) as {
      yardstick: { seconds: number; runs: number[]; statuses: string[] };
      pr: { seconds: number; runs: number[]; valid: boolean; hits: number; misses: number };
      publish: { seconds: number; runs: number[]; statuses: string[]; hits: number; misses: number; uploaded: number };
    };
    const runs = (xs: number[]): string => xs.map(fmt.seconds).join(', ');
    console.log(
      `one file added (${ds.addedFile}, ${size(ds.addedBytes)}) to the ${fmt.mb(ds.bytes)} MB package, each run on fresh s3rvers, median of ${ctx.runs}:`,
    );
    console.log(
      `  yardstick: a first publish of a package of only that file and the resource it references (${size(ds.yardstick.bytes)}): ${fmt.seconds(d.yardstick.seconds)} s (runs ${runs(d.yardstick.runs)})`,
    );
    console.log(
      `  publish ${V3_TAG} over ${V2_TAG}: ${fmt.seconds(d.publish.seconds)} s (runs ${runs(d.publish.runs)}); ${d.publish.hits} results reused, ${d.publish.misses} validated, ${d.publish.uploaded} blob(s) uploaded`,
    );
    console.log(
      `  pull request ${V3_TAG} on ${V2_TAG} (the base's results read anonymously from the bucket): ${fmt.seconds(d.pr.seconds)} s (runs ${runs(d.pr.runs)}); ${d.pr.hits} results reused, ${d.pr.misses} validated`,
    );
    const pubRatio = d.publish.seconds / d.yardstick.seconds;
    const prRatio = d.pr.seconds / d.yardstick.seconds;
    ok =
      verdict(
        `publish after adding one file: ${pubRatio.toFixed(2)}x the yardstick (goal <= ${GOALS.addedVsYardstick}x)`,
        d.publish.statuses.every((x) => x === 'published') &&
          d.yardstick.statuses.every((x) => x === 'published') &&
          pubRatio <= GOALS.addedVsYardstick,
      ) && ok;
    ok =
      verdict(
        `the same change validated as a pull request: ${prRatio.toFixed(2)}x the yardstick (goal <= ${GOALS.addedVsYardstick}x)`,
        d.pr.valid && prRatio <= GOALS.addedVsYardstick,
      ) && ok;
    return ok;
  },
};
