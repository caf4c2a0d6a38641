/**
 * Check child (run once, not timed against anything): requests a publish makes, counted at a
 * counting proxy between the store and a fresh s3rver.
 * Usage: node --import tsx bench/child-publish-requests.ts DATASET_DIR
 *
 * 1. the first publish of `bench-v1`;
 * 2. a no-op re-publish of the same commit;
 * 3. the publish of `bench-v2`, which changes one small CSV;
 * 4. the publish of `bench-v3`, which adds a ~1.5 MB CSV and its resource.
 * For each: the status, seconds, requests by S3 operation, and data uploads (PutObject or
 * CreateMultipartUpload of a content-addressed blob).
 *
 * The proxy is the tests' (test/support/counting-proxy.ts), which also works outside vitest
 * with closeOnTestFinished: false.
 */
import { openGitDataset } from '../src/adapters/git/dataset.ts';
import { createS3Store } from '../src/adapters/s3/store.ts';
import { publishDataset } from '../src/pipeline/publish.ts';
import { startCountingProxy, type CountingProxy } from '../test/support/counting-proxy.ts';
import { emit, peakRssBytes, reasonOf } from './child.ts';
import { withFreshS3 } from './publish-support.ts';

export interface RequestCount {
  commit: string;
  status: string;
  seconds: number;
  total: number;
  byOperation: Record<string, number>;
  /** Blob uploads started (PutObject or CreateMultipartUpload under blobs/sha256/). */
  dataUploads: number;
  /** Keys those uploads went to (from blobs/), when at most 10. */
  dataUploadKeys: string[];
  uploadedBytes: number;
  /** Validation results reused from the store's cache and validated (src/cache). */
  cache?: { hits: number; misses: number };
  /** GetObject requests for the validation cache (`.datastore/cache/`: its index and entries). */
  cacheReads: number;
}

function dataUploads(proxy: CountingProxy): string[] {
  return proxy.requests
    .filter((r) => (r.operation === 'PutObject' || r.operation === 'CreateMultipartUpload') && r.url.includes('/blobs/sha256/'))
    .map((r) => (r.url.split('?')[0] ?? r.url).replace(/^.*\/blobs\//, 'blobs/'));
}

const dir = process.argv[2];
if (!dir) {
  emit({ ok: false, unavailable: false, reason: 'usage: child-publish-requests.ts DATASET_DIR' });
  process.exit(2);
}
try {
  const t0 = performance.now();
  const runs = await withFreshS3(async (s3) => {
    const proxy = await startCountingProxy(s3.endpoint, { closeOnTestFinished: false });
    const store = createS3Store({ ...s3.config, endpoint: proxy.endpoint });
    try {
      const out: RequestCount[] = [];
      for (const commit of ['bench-v1', 'bench-v1', 'bench-v2', 'bench-v3']) {
        proxy.reset();
        const started = performance.now();
        const result = await publishDataset(await openGitDataset(dir, { commit }), store);
        const seconds = (performance.now() - started) / 1000;
        const { total, byOperation } = proxy.counts();
        const uploads = dataUploads(proxy);
        out.push({
          commit,
          status: result.status,
          seconds,
          total,
          byOperation,
          dataUploads: uploads.length,
          dataUploadKeys: uploads.length <= 10 ? uploads : [],
          uploadedBytes: result.stats.uploadedBytes,
          cacheReads: proxy.requests.filter((r) => r.operation === 'GetObject' && r.url.includes('/.datastore/cache/')).length,
          ...(result.cache && { cache: { hits: result.cache.hits, misses: result.cache.misses } }),
        });
      }
      return out;
    } finally {
      store.destroy();
      await proxy.close();
    }
  });
  // The same one-file change without the validation cache (every row validated again), on a fresh store: the figure before the cache.
  const uncached = await withFreshS3(async (s3) => {
    const store = createS3Store(s3.config);
    try {
      await publishDataset(await openGitDataset(dir, { commit: 'bench-v1' }), store, { cache: false });
      const started = performance.now();
      const result = await publishDataset(await openGitDataset(dir, { commit: 'bench-v2' }), store, { cache: false });
      return { status: result.status, seconds: (performance.now() - started) / 1000 };
    } finally {
      store.destroy();
    }
  });
  emit({ ok: true, seconds: (performance.now() - t0) / 1000, maxRssBytes: peakRssBytes(), rows: 0, bytes: 0, details: { runs, uncached } });
} catch (err) {
  emit({ ok: false, unavailable: false, reason: `publish (counted) threw: ${reasonOf(err)}` });
  process.exitCode = 1;
}
