/**
 * Measurement child for issue 12's yardstick: what a push that adds one 1–2 MB file to the bench
 * package costs, against what that file costs alone.
 * Usage: node --import tsx bench/child-publish-incremental.ts DATASET_DIR RUNS
 *
 * Each run, in its own fresh s3rvers (127.0.0.1), alternating which goes first:
 *   - yardstick: a first publish of `.yardstick/` (a package of only the added file and the
 *     resource it references, the code list), as the CLI does it (openGitDataset + publishDataset);
 *   - base: `bench-v2` is published (not timed), so the store holds its validation results;
 *   - pull request: `bench-v3` (the added file) validated as the Action validates a pull request
 *     (baseResultCache from the bucket's public URL, then checkPackage) — timed;
 *   - incremental publish: `bench-v3` published over `bench-v2` — timed.
 * Reported: the median seconds of each, the cache hits, and the runs.
 */
import { openGitDataset } from '../src/adapters/git/dataset.ts';
import { createS3Store } from '../src/adapters/s3/store.ts';
import { baseResultCache } from '../src/cache/local.ts';
import { checkPackage } from '../src/pipeline/check.ts';
import { publishDataset as publishWith } from '../src/pipeline/publish.ts';
import { createParallelRunner } from '../src/adapters/threads/parallel.ts';
import type { DatasetSnapshot } from '../src/mirror/snapshot.ts';
import type { ObjectStore } from '../src/mirror/object-store.ts';
import { V2_TAG, V3_TAG, YARDSTICK_TAG } from './generate-publish.ts';
import { emit, peakRssBytes, reasonOf } from './child.ts';
import { withFreshS3 } from './publish-support.ts';

const [dir, runsArg = '3'] = process.argv.slice(2);
if (!dir) {
  emit({ ok: false, unavailable: false, reason: 'usage: child-publish-incremental.ts DATASET_DIR [RUNS]' });
  process.exit(2);
}
const runs = Math.max(1, Number(runsArg) || 3);
/** As `os-datastore publish` runs it: on the table runner the CLI gives the pipeline (the default thread count). */
async function publishDataset(snapshot: DatasetSnapshot, store: ObjectStore) {
  const runner = createParallelRunner();
  try {
    return await publishWith(snapshot, store, { runner });
  } finally {
    await runner.close();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function yardstick(): Promise<{ seconds: number; status: string }> {
  return withFreshS3(async (s3) => {
    const store = createS3Store(s3.config);
    try {
      const t0 = performance.now();
      const result = await publishDataset(await openGitDataset(`${dir}/.yardstick`, { commit: YARDSTICK_TAG }), store);
      return { seconds: (performance.now() - t0) / 1000, status: result.status };
    } finally {
      store.destroy();
    }
  });
}

interface Incremental {
  pr: { seconds: number; valid: boolean; hits: number; misses: number };
  publish: { seconds: number; status: string; hits: number; misses: number; uploaded: number };
}

async function incremental(): Promise<Incremental> {
  return withFreshS3(async (s3) => {
    const store = createS3Store(s3.config);
    try {
      const base = await publishDataset(await openGitDataset(dir!, { commit: V2_TAG }), store);
      if (base.status !== 'published') throw new Error(`the base ${V2_TAG} was not published (${base.status})`);
      // The pull request, as the Action runs it: the base's results read anonymously from the bucket.
      const t0 = performance.now();
      const snapshot = await openGitDataset(dir!, { commit: V3_TAG });
      const cache = await baseResultCache(snapshot, s3.config, 'bench');
      const runner = createParallelRunner();
      const pr = await checkPackage(snapshot.source, { repositoryOwner: 'bench', runner, ...(cache && { cache }) }).finally(() =>
        runner.close(),
      );
      const prSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const pub = await publishDataset(await openGitDataset(dir!, { commit: V3_TAG }), store);
      const pubSeconds = (performance.now() - t1) / 1000;
      return {
        pr: {
          seconds: prSeconds,
          valid: pr.validation.report.valid,
          hits: pr.cache?.stats.hits ?? 0,
          misses: pr.cache?.stats.misses ?? 0,
        },
        publish: {
          seconds: pubSeconds,
          status: pub.status,
          hits: pub.cache?.hits ?? 0,
          misses: pub.cache?.misses ?? 0,
          uploaded: pub.stats.uploaded,
        },
      };
    } finally {
      store.destroy();
    }
  });
}

try {
  const t0 = performance.now();
  const yard: Array<{ seconds: number; status: string }> = [];
  const inc: Incremental[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternated, so a machine getting busier does not favour one side.
    if (i % 2 === 0) {
      yard.push(await yardstick());
      inc.push(await incremental());
    } else {
      inc.push(await incremental());
      yard.push(await yardstick());
    }
  }
  emit({
    ok: true,
    seconds: (performance.now() - t0) / 1000,
    maxRssBytes: peakRssBytes(),
    rows: 0,
    bytes: 0,
    details: {
      yardstick: { seconds: median(yard.map((y) => y.seconds)), runs: yard.map((y) => y.seconds), statuses: yard.map((y) => y.status) },
      pr: {
        seconds: median(inc.map((r) => r.pr.seconds)),
        runs: inc.map((r) => r.pr.seconds),
        valid: inc.every((r) => r.pr.valid),
        hits: inc[0]!.pr.hits,
        misses: inc[0]!.pr.misses,
      },
      publish: {
        seconds: median(inc.map((r) => r.publish.seconds)),
        runs: inc.map((r) => r.publish.seconds),
        statuses: inc.map((r) => r.publish.status),
        hits: inc[0]!.publish.hits,
        misses: inc[0]!.publish.misses,
        uploaded: inc[0]!.publish.uploaded,
      },
    },
  });
} catch (err) {
  emit({ ok: false, unavailable: false, reason: `incremental publish threw: ${reasonOf(err)}` });
  process.exitCode = 1;
}
