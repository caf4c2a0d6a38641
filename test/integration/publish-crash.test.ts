/**
 * Crash safety of `os-datastore publish` (DESIGN.md, "Publishing to S3"): a publish killed with
 * SIGKILL at any point leaves the previous version intact (state.json, its manifest and every
 * blob the manifest names), and re-running the publish yields exactly the bucket an
 * uninterrupted publish yields — same keys, same bytes, time fields aside.
 *
 * Everything is real: a git repository with a git-LFS file, the CLI as a child process, s3rver
 * behind the counting proxy, which SIGKILLs the child right after its Nth write has landed in
 * the store and before the child hears of it.
 *
 * One s3rver serves the whole file; every scenario gets a fresh bucket on it. The reference
 * buckets (an uninterrupted v1 publish, then v2 on top; and v1 → v3) are made once in beforeAll.
 * Each kill scenario "with v1 published" starts from a byte-exact copy of the reference bucket
 * as it was right after its (uninterrupted, CLI) v1 publish — s3rver's bucket folder copied,
 * object metadata included — which saves a CLI run per kill point.
 *
 * A kill point N means: the child is SIGKILLed once its Nth write (PUT/POST/DELETE) has landed
 * in s3rver, before the child hears the response. Writes of one phase run concurrently, so a
 * few more writes of the same phase may land too; the phases themselves are sequential.
 */

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../../src/adapters/s3/embedded.ts';
import { createS3Client } from '../../src/adapters/s3/store.ts';
import { checkEntry, decodeIndex } from '../../src/cache/entry.ts';
import { bucketObjects } from '../support/s3.ts';
import { startCountingProxy, type CountingProxy, type ProxiedRequest } from '../support/counting-proxy.ts';
import { commitFiles, git, gitdir, hasGitLfs, isolatedGitEnv, needsLfs, scratch } from '../support/git.ts';

const BIN = fileURLToPath(new URL('../../bin/os-datastore.js', import.meta.url));
const ROOT = 'datasets/os-test/crash-budget/';
const STATE = `${ROOT}.datastore/state.json`;

// ---------------------------------------------------------------------------------------------
// The dataset: an OpenSpending package with three CSVs, spending.csv in git-LFS.

const descriptor = (resources: string[], payee: boolean): object => ({
  name: 'crash-budget',
  title: 'Crash-test budget',
  owner: 'os-test',
  profiles: ['openspending', 'tabular'],
  mapping: {
    transaction: {
      value: { currency: 'EUR', factor: 1 },
      attributes: { id: ['spending/id'], amount: ['spending/amount'], date: ['spending/date'] },
    },
    taxonomy: { attributes: { functional: { id: ['spending/function'], title: ['functions/title'] } } },
    ...(payee ? { entity: { attributes: { payee: { id: ['spending/supplier'], title: ['suppliers/title'] } } } } : {}),
  },
  resources: resources.map((name) => RESOURCES[name]),
});

const RESOURCES: Record<string, object> = {
  spending: {
    name: 'spending',
    path: 'data/spending.csv',
    schema: {
      fields: [
        { name: 'id', type: 'string' },
        { name: 'date', type: 'date' },
        { name: 'amount', type: 'number' },
        { name: 'function', type: 'string' },
        { name: 'supplier', type: 'string' },
      ],
      primaryKey: 'id',
      foreignKeys: [{ fields: 'function', reference: { resource: 'functions', fields: 'code' } }],
    },
  },
  functions: {
    name: 'functions',
    path: 'data/functions.csv',
    schema: {
      fields: [
        { name: 'code', type: 'string' },
        { name: 'title', type: 'string' },
      ],
      primaryKey: 'code',
    },
  },
  suppliers: {
    name: 'suppliers',
    path: 'data/suppliers.csv',
    schema: {
      fields: [
        { name: 'id', type: 'string' },
        { name: 'title', type: 'string' },
      ],
      primaryKey: 'id',
    },
  },
  regions: {
    name: 'regions',
    path: 'data/regions.csv',
    schema: {
      fields: [
        { name: 'code', type: 'string' },
        { name: 'name', type: 'string' },
      ],
      primaryKey: 'code',
    },
  },
};

const V1 = {
  'datapackage.json': descriptor(['spending', 'functions', 'suppliers'], true),
  'data/spending.csv':
    'id,date,amount,function,supplier\n' +
    '1,2024-01-08,12500.00,ENV,S1\n' +
    '2,2024-01-15,48210.55,EDU,S2\n' +
    '3,2024-02-02,3120.40,ENV,S1\n' +
    '4,2024-03-11,990.10,EDU,S3\n',
  'data/functions.csv': 'code,title\nENV,Environment\nEDU,Education\n',
  'data/suppliers.csv': 'id,title\nS1,Greenway Waste Ltd\nS2,Bright Futures Trust\nS3,"Hale & Sons, Builders"\n',
};

/** v2: spending.csv (LFS) changed, suppliers.csv deleted, regions.csv added; functions.csv unchanged. */
const V2 = {
  'datapackage.json': descriptor(['spending', 'functions', 'regions'], false),
  'data/spending.csv':
    'id,date,amount,function,supplier\n' +
    '1,2024-01-08,12500.00,ENV,S1\n' +
    '2,2024-01-15,48210.55,EDU,S2\n' +
    '3,2024-02-02,3120.40,ENV,S1\n' +
    '4,2024-03-11,990.10,EDU,S3\n' +
    '5,2024-04-30,7000.00,EDU,S2\n',
  'data/regions.csv': 'code,name\nN,North\nS,South\n',
};

// ---------------------------------------------------------------------------------------------
// Fields that legitimately differ between two runs of the same publish. They are removed before
// two buckets are compared; everything else must be byte-identical.
//
//  - state.json `publishedAt`, versions/{commit}.json `publishedAt` and each version's
//    `publishedAt` in versions/index.json, and those times on the dataset's pages (index.html, and
//    so its sha256 in state.json's `generated`, and versions/{commit}.html): the wall-clock time of
//    the run (new Date() in publishDataset).
//  - reports/{commit}.json `stats.seconds`: how long validation took (performance.now()).
//  - state.json `run`: the random id of the run that wrote it.
//  - .datastore/pending.json as a whole: the bookkeeping of the last run (its id, and the keys it
//    was about to change — a run that repaired an interrupted one touches more keys). Only its
//    presence and shape are compared.
//  - .datastore/cache/: validation results, written after state.json (src/cache). A run killed
//    after the commit point leaves some unwritten, and the re-run, finding the commit published,
//    writes none: they are left out of the comparison, and each present is checked to be a whole
//    entry under its own key (a crash never leaves a result that does not match its key); the
//    same for their index (`index.json`), written with them: a whole index, each entry checked.
//
// Nothing else depends on time: the aggregates have no timestamps (src/aggregate/files.ts), the
// badge depends on the report's verdict only, keys depend on the commit and content hashes.
// Each field is asserted to be present, so a renamed or new time field fails here, loudly.

type Normalized = Record<string, string | Record<string, unknown>>;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

function normalize(objects: Map<string, Buffer>): Normalized {
  const out: Normalized = {};
  for (const [key, bytes] of [...objects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const text = bytes.toString('utf8');
    const cached = /\/\.datastore\/cache\/([0-9a-f]{64})\.json$/.exec(key);
    if (cached) {
      expect((JSON.parse(text) as { key?: unknown }).key, `${key}: a whole entry under its own key`).toBe(cached[1]);
      continue;
    }
    if (key.endsWith('/.datastore/cache/index.json')) {
      // Written with the entries, like them left out: a whole index, each entry under its own key.
      const index = decodeIndex(bytes);
      if (typeof index === 'string') throw new Error(`${key}: ${index}`);
      for (const [k, entry] of index.entries) expect(typeof checkEntry(k, entry), `${key}: entry ${k}`).toBe('object');
      continue;
    }
    if (key.endsWith('/.datastore/pending.json')) {
      const doc = JSON.parse(text) as { run?: unknown; touched?: unknown };
      expect(typeof doc.run, `${key}: run`).toBe('string');
      expect(Array.isArray(doc.touched), `${key}: touched`).toBe(true);
      out[key] = 'pending';
    } else if (key.endsWith('.html')) {
      // The dataset's pages show the publish times (ISO 8601): the rest byte for byte.
      expect(text, `${key}: a publish time`).toMatch(ISO_TIME);
      out[key] = text.replace(new RegExp(ISO_TIME.source, 'g'), 'TIME');
    } else if (key.endsWith('/versions/index.json')) {
      const doc = JSON.parse(text) as { versions: Array<Record<string, unknown>> };
      for (const v of doc.versions) {
        expect(typeof v.publishedAt, `${key}: publishedAt`).toBe('string');
        delete v.publishedAt;
      }
      out[key] = doc;
    } else if (key === STATE || /\/versions\/[0-9a-f]{40}\.json$/.test(key)) {
      const doc = JSON.parse(text) as Record<string, unknown>;
      expect(typeof doc.publishedAt, `${key}: publishedAt`).toBe('string');
      delete doc.publishedAt;
      if (key === STATE) {
        expect(typeof doc.run, `${key}: run`).toBe('string');
        delete doc.run;
        // The page's sha256 follows the publish times it shows.
        const generated = doc.generated as Record<string, unknown>;
        expect(typeof generated[`${ROOT}index.html`], `${key}: the page's sha256`).toBe('string');
        delete generated[`${ROOT}index.html`];
      }
      out[key] = doc;
    } else if (/\/reports\/[0-9a-f]{40}\.json$/.test(key)) {
      const doc = JSON.parse(text) as { stats: Record<string, unknown> };
      expect(typeof doc.stats.seconds, `${key}: stats.seconds`).toBe('number');
      delete doc.stats.seconds;
      out[key] = doc;
    } else {
      // Everything else byte for byte (base64 keeps a binary difference visible, too).
      out[key] = bytes.toString('base64');
    }
  }
  return out;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------------------------------------
// The CLI as a child process.

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `os-datastore publish <repo> --commit <commit> --json` into `bucket` at `endpoint`. `arm` runs
 * once the child is spawned (the crash tests set the proxy's kill hook there).
 */
function publish(repo: string, commit: string, endpoint: string, bucket: string, arm?: (pid: number) => void): Promise<Run> {
  const env = isolatedGitEnv({
    NO_COLOR: '1',
    OS_STORAGE_BUCKET_NAME: bucket,
    OS_STORAGE_ENDPOINT: endpoint,
    OS_ACCESS_KEY_ID: 'S3RVER',
    OS_SECRET_ACCESS_KEY: 'S3RVER',
    OS_STORAGE_REGION: 'us-east-1',
  });
  for (const k of Object.keys(env)) {
    if (
      (k.startsWith('OS_') &&
        !['OS_STORAGE_BUCKET_NAME', 'OS_STORAGE_ENDPOINT', 'OS_ACCESS_KEY_ID', 'OS_SECRET_ACCESS_KEY', 'OS_STORAGE_REGION'].includes(k)) ||
      k.startsWith('AWS_')
    ) {
      delete env[k];
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'publish', repo, '--commit', commit, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (arm && child.pid !== undefined) arm(child.pid);
  });
}

function expectPublished(run: Run, commit: string): void {
  expect(run.code, `publish exited ${run.code} (${run.signal}): ${run.stderr}`).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ status: 'published', commit, owner: 'os-test', name: 'crash-budget' });
}

/** Wait until every request the proxy took has been answered upstream (or failed). */
async function settled(proxy: CountingProxy): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (proxy.requests.every((r) => r.status !== undefined || r.fault !== undefined)) return;
    await new Promise((done) => setTimeout(done, 20));
  }
}

// ---------------------------------------------------------------------------------------------
// Phases of a publish, told from the writes the proxy saw.

const PHASES = ['blob', 'pending', 'copy', 'generated', 'delete', 'manifest', 'index', 'state', 'cache'] as const;
type Phase = (typeof PHASES)[number];
const isWrite = (r: ProxiedRequest): boolean => r.method === 'PUT' || r.method === 'POST' || r.method === 'DELETE';

function phaseOf(r: ProxiedRequest): Phase {
  // Path style: /{bucket}/{key}.
  const key = decodeURIComponent(new URL(r.url, 'http://x').pathname).replace(/^\/[^/]+\//, '');
  if (r.operation === 'DeleteObjects' || r.operation === 'DeleteObject') return 'delete';
  if (r.operation === 'CopyObject') return 'copy';
  if (r.operation !== 'PutObject') throw new Error(`unexpected write ${r.operation} ${r.url}`);
  if (key.startsWith(`${ROOT}blobs/sha256/`)) return 'blob';
  if (key === `${ROOT}versions/index.json`) return 'index';
  if (key.startsWith(`${ROOT}versions/`)) return 'manifest';
  if (key === STATE) return 'state';
  if (key === `${ROOT}.datastore/pending.json`) return 'pending';
  if (key.startsWith(`${ROOT}.datastore/cache/`)) return 'cache';
  if (key.startsWith(`${ROOT}aggregates/`) || key.startsWith(`${ROOT}reports/`) || key === `${ROOT}index.html`) return 'generated';
  throw new Error(`unexpected PutObject ${key}`);
}

/** The write sequence of an uninterrupted publish, checked for the crash-safe order. */
function writePhases(requests: ProxiedRequest[]): Phase[] {
  const phases = requests.filter(isWrite).map(phaseOf);
  const order = phases.map((p) => PHASES.indexOf(p));
  expect(order, `writes out of the crash-safe order: ${phases.join(' ')}`).toEqual([...order].sort((a, b) => a - b));
  expect(phases.filter((p) => p === 'state')).toHaveLength(1);
  // Validation results are written after the commit point only (they change nothing a reader sees).
  expect(phases.filter((p) => p !== 'cache').at(-1)).toBe('state');
  return phases.filter((p) => p !== 'cache');
}

/** Kill points (1-based write counts): the first and last write of every phase before state.json. */
function killPoints(phases: Phase[]): Array<{ n: number; label: string }> {
  const points = new Map<number, string>();
  for (const phase of PHASES.filter((p) => p !== 'state' && p !== 'cache')) {
    const first = phases.indexOf(phase) + 1;
    const last = phases.lastIndexOf(phase) + 1;
    if (first === 0) continue;
    points.set(first, points.has(first) ? `${points.get(first)}, first ${phase}` : `first ${phase}`);
    if (last !== first) points.set(last, `last ${phase}`);
  }
  const n = phases.length - 1; // the versions index: nothing but state.json left to write
  points.set(n, `${points.get(n) ?? 'index'} (just before state.json)`);
  return [...points].sort(([a], [b]) => a - b).map(([n, label]) => ({ n, label }));
}

// ---------------------------------------------------------------------------------------------

describe.skipIf(!hasGitLfs)(needsLfs('publish: SIGKILL at any point, then a re-run'), () => {
  const scratchDir = scratch();
  let repo = '';
  let v1 = '';
  let v2 = '';
  let v3 = '';
  /** One s3rver for the whole file; every scenario gets a bucket of its own on it. */
  let server: EmbeddedStore;
  let serverFolder = '';
  let client: S3Client;
  /** s3rver's folder of a bucket right after the uninterrupted v1 publish (a bucket "with v1 published"). */
  let v1Folder = '';
  let refV1: Map<string, Buffer>;
  let refV2: Map<string, Buffer>;
  let refV3: Map<string, Buffer>;
  let firstPhases: Phase[] = [];
  let v2Phases: Phase[] = [];
  let buckets = 0;
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  /**
   * A fresh bucket on the shared s3rver: empty, or (`withV1`) a byte-exact copy of s3rver's
   * folder of the reference bucket right after its v1 publish (objects and their metadata).
   * s3rver reads buckets and objects from its folder on every request (no cache).
   */
  async function newBucket(withV1: boolean): Promise<string> {
    const bucket = `crash-${++buckets}`;
    if (withV1) await cp(v1Folder, join(serverFolder, bucket), { recursive: true });
    else await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  }

  beforeAll(async () => {
    const parent = await scratchDir();
    repo = await gitdir(V1, { lfs: ['data/spending.csv'], parent });
    v1 = await git(repo, ['rev-parse', 'HEAD']);
    // The LFS file really is a pointer in git.
    expect(await git(repo, ['cat-file', '-p', `${v1}:data/spending.csv`])).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1\n/);
    await git(repo, ['rm', '-q', 'data/suppliers.csv']);
    v2 = await commitFiles(repo, V2, 'v2');
    // v3 reverts v2: the same tree as v1 (for the crash-then-another-commit case).
    await git(repo, ['revert', '--no-edit', 'HEAD']);
    v3 = await git(repo, ['rev-parse', 'HEAD']);
    expect(await git(repo, ['rev-parse', `${v3}^{tree}`])).toBe(await git(repo, ['rev-parse', `${v1}^{tree}`]));

    serverFolder = join(await scratchDir(), 's3');
    server = await startEmbeddedStore({ directory: serverFolder, bucket: 'crash-ref' });
    client = createS3Client(server.config);

    // Reference: v1 then v2, uninterrupted, through the counting proxy (its write log gives the
    // phases and the kill points).
    const proxy = await startCountingProxy(server.endpoint, { closeOnTestFinished: false });
    try {
      expectPublished(await publish(repo, v1, proxy.endpoint, 'crash-ref'), v1);
      firstPhases = writePhases(proxy.requests);
      refV1 = await bucketObjects(client, 'crash-ref');
      v1Folder = join(await scratchDir(), 'v1-bucket');
      await cp(join(serverFolder, 'crash-ref'), v1Folder, { recursive: true });
      proxy.reset();
      expectPublished(await publish(repo, v2, proxy.endpoint, 'crash-ref'), v2);
      v2Phases = writePhases(proxy.requests);
      refV2 = await bucketObjects(client, 'crash-ref');
    } finally {
      await proxy.close();
    }

    // Reference for the other-commit case: v1 then v3, uninterrupted.
    const ref3 = await newBucket(true);
    expect(normalize(await bucketObjects(client, ref3)), 'a copied v1 bucket is the v1 bucket').toEqual(normalize(refV1));
    expectPublished(await publish(repo, v3, server.endpoint, ref3), v3);
    refV3 = await bucketObjects(client, ref3);
  }, 60_000);

  /** A fresh bucket (with v1 published, or empty) behind a new counting proxy (closed when the test ends). */
  async function bucket(withV1: boolean): Promise<{ name: string; proxy: CountingProxy; objects(): Promise<Map<string, Buffer>> }> {
    const name = await newBucket(withV1);
    const proxy = await startCountingProxy(server.endpoint);
    return { name, proxy, objects: () => bucketObjects(client, name) };
  }

  /** Run `commit`'s publish into `bucket` through the proxy and SIGKILL it right after its nth write landed. */
  async function killedPublish(b: { name: string; proxy: CountingProxy }, commit: string, n: number): Promise<void> {
    const { proxy } = b;
    proxy.reset();
    let killed = false;
    const run = await publish(repo, commit, proxy.endpoint, b.name, (pid) =>
      proxy.afterWrites(n, () => {
        killed = true;
        process.kill(pid, 'SIGKILL');
      }),
    );
    await settled(proxy);
    expect(killed, `the publish ended before its write #${n}: ${run.stderr}`).toBe(true);
    expect(run.signal, `exit ${run.code}: ${run.stderr}`).toBe('SIGKILL');
    const landed = proxy.requests.filter((r) => isWrite(r) && r.status !== undefined && r.status < 300);
    expect(landed.length).toBeGreaterThanOrEqual(n);
    expect(landed.map(phaseOf)).not.toContain('state');
  }

  /** The previous version (v1) is intact: state.json names it, its manifest is there and every blob it names is, with its sha256. */
  function expectV1Intact(objects: Map<string, Buffer>): void {
    const stateBytes = objects.get(STATE);
    expect(stateBytes, 'state.json is gone').toBeDefined();
    const state = JSON.parse(stateBytes!.toString('utf8')) as { commit: string; manifest: string };
    expect(state.commit).toBe(v1);
    expect(stateBytes!.equals(refV1.get(STATE)!), 'state.json changed').toBe(true);
    const manifestBytes = objects.get(state.manifest);
    expect(manifestBytes, `${state.manifest} is gone`).toBeDefined();
    expect(manifestBytes!.equals(refV1.get(state.manifest)!), 'the v1 manifest changed').toBe(true);
    const manifest = JSON.parse(manifestBytes!.toString('utf8')) as {
      commit: string;
      files: Record<string, { sha256: string; size: number; blob: string }>;
    };
    expect(manifest.commit).toBe(v1);
    expect(Object.keys(manifest.files).sort()).toEqual(Object.keys(V1).sort());
    for (const [path, f] of Object.entries(manifest.files)) {
      const blob = objects.get(f.blob);
      expect(blob, `the blob of ${path} (${f.blob}) is gone`).toBeDefined();
      expect(sha256(blob!), `the blob of ${path}`).toBe(f.sha256);
      expect(blob!.length).toBe(f.size);
      // Restorable: the blob is the file as committed in v1 (LFS content, not the pointer).
      expect(blob!.toString('utf8')).toBe(
        typeof V1[path as keyof typeof V1] === 'string'
          ? V1[path as keyof typeof V1]
          : JSON.stringify(V1[path as keyof typeof V1], null, 2) + '\n',
      );
    }
  }

  it('an uninterrupted publish writes in the crash-safe order (blobs, copies, generated, deletes, manifest, state.json)', () => {
    // Written to the log so the report can quote them.
    console.log(`first publish (v1): ${firstPhases.length} writes: ${firstPhases.join(' ')}`);
    console.log(`v1 → v2 publish: ${v2Phases.length} writes: ${v2Phases.join(' ')}`);
    // v2: blobs for the new descriptor, spending.csv (LFS) and regions.csv; copies to their
    // latest paths; changed aggregates + the report; one batch delete (suppliers.csv, by-payee.csv).
    expect(v2Phases.filter((p) => p === 'blob')).toHaveLength(3);
    expect(v2Phases.filter((p) => p === 'copy')).toHaveLength(3);
    expect(v2Phases.filter((p) => p === 'delete')).toHaveLength(1);
    expect(killPoints(v2Phases).length).toBeGreaterThanOrEqual(5);
    expect([...refV2.keys()]).not.toContain(`${ROOT}data/suppliers.csv`);
    expect(refV2.get(`${ROOT}data/regions.csv`)?.toString('utf8')).toBe(V2['data/regions.csv']);
  });

  // The kill points come from the reference run's write log (beforeAll), but vitest collects the
  // tests before beforeAll runs: one test per point, by index. This dataset gives 11 points (the
  // first and last write of each phase, 19 writes in all); the count is asserted in each test.
  const V2_POINTS = 11;
  for (let i = 0; i < V2_POINTS; i++) {
    it(`v1 published, the v2 publish killed at kill point #${i + 1}: v1 stays intact, a re-run gives the reference bucket`, async () => {
      const points = killPoints(v2Phases);
      expect(points).toHaveLength(V2_POINTS);
      const { n, label } = points[i]!;
      console.log(`v2 kill point #${i + 1}: after write ${n} of ${v2Phases.length} (${label})`);
      const b = await bucket(true);
      await killedPublish(b, v2, n);
      expectV1Intact(await b.objects());

      b.proxy.reset();
      expectPublished(await publish(repo, v2, b.proxy.endpoint, b.name), v2);
      expect(normalize(await b.objects())).toEqual(normalize(refV2));
    });
  }

  it('a first publish killed at several points, then re-run, gives the bucket of an uninterrupted first publish', async () => {
    const points = killPoints(firstPhases);
    expect(points.length).toBeGreaterThanOrEqual(3);
    // The first blob, the first write after the copies, and just before state.json.
    const chosen = [points[0]!, points.find((p) => p.label.includes('generated')) ?? points[1]!, points.at(-1)!];
    for (const { n, label } of chosen) {
      console.log(`first publish killed after write ${n} of ${firstPhases.length} (${label})`);
      const b = await bucket(false);
      await killedPublish(b, v1, n);
      expect([...(await b.objects()).keys()], 'no previous version: no state.json').not.toContain(STATE);
      b.proxy.reset();
      expectPublished(await publish(repo, v1, b.proxy.endpoint, b.name), v1);
      expect(normalize(await b.objects())).toEqual(normalize(refV1));
      await b.proxy.close();
    }
  });

  /**
   * A killed publish has already moved latest paths (copies, generated writes, deletes) that
   * state.json does not know of. When the next publish is of another commit — here v3, a revert
   * of v2 (the tree of v1) — planning against state.json alone would skip every path whose
   * content equals the previous state's, leaving the killed run's v2 objects in place. The
   * killed run's pending.json names those keys, and the next run rewrites or removes them.
   */
  let afterV3: Map<string, Buffer> | undefined;
  it('v1 published, the v2 publish killed after its deletes, then v3 (a revert of v2) published: v1 intact, v3 publishes', async () => {
    const n = v2Phases.indexOf('delete') + 1;
    const b = await bucket(true);
    await killedPublish(b, v2, n);
    expectV1Intact(await b.objects());
    b.proxy.reset();
    expectPublished(await publish(repo, v3, b.proxy.endpoint, b.name), v3);
    afterV3 = await b.objects();
  });

  it("... and then the latest paths are v3's, as after an uninterrupted v1 → v3 publish", () => {
    expect(afterV3, 'the scenario above did not run').toBeDefined();
    // The killed run's immutable objects (v2 blobs, its report and manifest) legitimately stay
    // ("nothing is lost"); every other key and byte must be what an uninterrupted v1 → v3 publish gives.
    const v2Only = (k: string): boolean => /\/(blobs\/sha256|reports|versions)\//.test(k) && !refV3.has(k) && refV2.has(k);
    const rest = new Map([...afterV3!].filter(([k]) => !v2Only(k)));
    expect(normalize(rest)).toEqual(normalize(refV3));
  });
});
