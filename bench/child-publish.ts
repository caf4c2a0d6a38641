/**
 * Measurement child: the first publish of the dataset's commit `bench-v1` to a fresh s3rver, as
 * the CLI does it (openGitDataset, createS3Store, publishDataset: validation of every row with
 * aggregates, SHA-256 of every file, blob uploads, latest-path copies, report, manifest, state).
 * Usage: node --import tsx bench/child-publish.ts DATASET_DIR [COMMIT]
 *
 * Timed: opening the dataset and the publish (the server's start and stop are not). The store is
 * wrapped to time-stamp its calls, which splits the run into phases: validation (until the first
 * write; the content ids are computed in that pass), blob uploads, copies, and the rest. CPU
 * seconds are reported for this process (every thread; and until the first write: the
 * validation) and for the s3rver process.
 */
import type { openGitDataset as OpenGitDataset } from '../src/adapters/git/dataset.ts';
import type { createS3Store as CreateS3Store } from '../src/adapters/s3/store.ts';
import type { ObjectStore } from '../src/mirror/object-store.ts';
import type { publishDataset as PublishDataset } from '../src/pipeline/publish.ts';
import type { createParallelRunner as CreateParallelRunner } from '../src/adapters/threads/parallel.ts';
import { cpuSeconds, emit, peakRssBytes, processCpuSeconds, reasonOf } from './child.ts';
import { withFreshS3 } from './publish-support.ts';

interface Calls {
  /** ms since t0 of the first call's start and the last call's end, per method. */
  [method: string]: { first: number; last: number; count: number };
}

/** `store` with every call time-stamped into `calls` (ms since `t0`); `onFirstWrite` runs before the first write. */
function timedStore(store: ObjectStore, t0: number, calls: Calls, onFirstWrite: () => void): ObjectStore {
  let written = false;
  const track = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    if (!written && method !== 'get' && method !== 'head') {
      written = true;
      onFirstWrite();
    }
    const start = performance.now() - t0;
    const c = (calls[method] ??= { first: start, last: start, count: 0 });
    c.count++;
    try {
      return await run();
    } finally {
      c.last = Math.max(c.last, performance.now() - t0);
    }
  };
  return {
    description: store.description,
    get: (key) => track('get', () => store.get(key)),
    head: (key) => track('head', () => store.head(key)),
    put: (key, body, options) => track(key.includes('/blobs/sha256/') ? 'putBlob' : 'put', () => store.put(key, body, options)),
    copy: (from, to, options) => track('copy', () => store.copy(from, to, options)),
    delete: (keys) => track('delete', () => store.delete(keys)),
    list: (prefix) => store.list(prefix),
    url: (key) => store.url(key),
  };
}

async function load(): Promise<
  | {
      openGitDataset: typeof OpenGitDataset;
      createS3Store: typeof CreateS3Store;
      publishDataset: typeof PublishDataset;
      createParallelRunner: typeof CreateParallelRunner;
    }
  | string
> {
  try {
    const { openGitDataset } = await import('../src/adapters/git/dataset.ts');
    const { createS3Store } = await import('../src/adapters/s3/store.ts');
    const { publishDataset } = await import('../src/pipeline/publish.ts');
    // The table runner `os-datastore publish` gives the pipeline (the default thread count).
    const { createParallelRunner } = await import('../src/adapters/threads/parallel.ts');
    return { openGitDataset, createS3Store, publishDataset, createParallelRunner };
  } catch (err) {
    return reasonOf(err);
  }
}

const [dir, commit = 'bench-v1', mode = ''] = process.argv.slice(2);
/** `--no-overlap`: no blob is uploaded before the validation is over (its CPU until the first write is then the pass alone). */
const overlap = mode !== '--no-overlap';
if (!dir) {
  emit({ ok: false, unavailable: false, reason: 'usage: child-publish.ts DATASET_DIR [COMMIT]' });
  process.exit(2);
}
const loaded = await load();
if (typeof loaded === 'string') {
  emit({ ok: false, unavailable: true, reason: loaded });
} else {
  const { openGitDataset, createS3Store, publishDataset, createParallelRunner } = loaded;
  try {
    await withFreshS3(async (s3) => {
      const t0 = performance.now();
      const cpu0 = cpuSeconds();
      const server0 = processCpuSeconds(s3.pid);
      // CPU of this process (every thread) until the first write: the validation pass, hashes included.
      let validationCpu: number | null = null;
      let firstWrite: number | null = null;
      const snapshot = await openGitDataset(dir, { commit });
      const opened = performance.now() - t0;
      const s3store = createS3Store(s3.config);
      const calls: Calls = {};
      const runner = createParallelRunner();
      try {
        const result = await publishDataset(
          snapshot,
          timedStore(s3store, t0, calls, () => {
            validationCpu = cpuSeconds() - cpu0;
            firstWrite = performance.now() - t0;
          }),
          { overlap, runner },
        );
        const end = performance.now() - t0;
        const server1 = processCpuSeconds(s3.pid);
        const cpu = {
          client: cpuSeconds() - cpu0,
          server: server0 === null || server1 === null ? null : server1 - server0,
          validation: validationCpu,
        };
        const seconds = end / 1000;
        const ms = (x: number): number => Math.round(x);
        const blob = calls['putBlob'];
        const copy = calls['copy'];
        const validated = firstWrite ?? end;
        const uploaded = copy?.first ?? blob?.last ?? validated;
        const copied = copy?.last ?? uploaded;
        emit({
          ok: true,
          seconds,
          maxRssBytes: peakRssBytes(),
          rows: result.report?.stats.rows ?? 0,
          bytes: result.stats.uploadedBytes,
          details: {
            status: result.status,
            valid: result.report?.valid ?? true,
            errors: result.report?.stats.errors ?? 0,
            resources: result.report?.resources.length ?? 0,
            stats: result.stats,
            files: snapshot.files.length,
            // Phases in ms, from the store's call times (the phases of publishDataset are sequential).
            phases: {
              open: ms(opened),
              validate: ms(validated - opened),
              blobUploads: ms(uploaded - validated),
              copies: ms(copied - uploaded),
              rest: ms(end - copied),
            },
            calls: Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, v.count])),
            cpu,
            problems: [...(result.report?.errors ?? [])].slice(0, 3).map((p) => `${p.code}: ${p.message.slice(0, 200)}`),
          },
        });
      } finally {
        await runner.close();
        s3store.destroy();
      }
    });
  } catch (err) {
    emit({ ok: false, unavailable: false, reason: `publish threw: ${reasonOf(err)}` });
    process.exitCode = 1;
  }
}
