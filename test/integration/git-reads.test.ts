/**
 * How a git dataset reads blob contents: through one long-lived `git cat-file --batch` per
 * dataset (concurrent and interleaved readers, readers that stop early or never read, close(),
 * a forgotten dataset), and from the working tree when it holds a file unchanged (verified
 * against the blob id: an edit after git was asked, or during the read, fails loudly).
 */

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../bench/generate.ts';
import { BlobReadError, createBlobReader } from '../../src/adapters/git/cat-file.ts';
import { openGitDataset, type GitDataset } from '../../src/adapters/git/dataset.ts';
import { SourceError, type PackageSource } from '../../src/package/source.ts';
import { validatePackage } from '../../src/validate/package.ts';
import { clone, commitFiles, git, gitdir, scratch } from '../support/git.ts';

const linux = process.platform === 'linux';

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed: number): Buffer {
  const rand = mulberry32(seed);
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** Sizes around the pipe's and the readers' chunk sizes, an empty file and a large one. */
const SIZES = [0, 1, 100, 65535, 65536, 65537, 262143, 262145, 300_000, 3 * 1024 * 1024 + 7];
const files: Record<string, Buffer> = {};
SIZES.forEach((n, i) => (files[`data/f${i}.bin`] = bytes(n, i + 1)));
files['data/same-as-f4.bin'] = files['data/f4.bin']!; // one blob, two paths
for (let i = 0; i < 20; i++) files[`data/small/s${i}.txt`] = Buffer.from(`file ${i}\n`.repeat(i * 37 + 1));
const BIG = `data/f${SIZES.length - 1}.bin`;

const table = 'id,amount\n' + Array.from({ length: 20_000 }, (_, i) => `${i + 1},${(i * 7) % 1000}.5`).join('\n') + '\n';
const descriptor = {
  name: 'reads',
  resources: [
    {
      name: 'amounts',
      path: 'table.csv',
      format: 'csv',
      schema: {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'amount', type: 'number' },
        ],
      },
    },
  ],
};

const scratchDir = scratch();
let repo: string;

beforeAll(async () => {
  repo = await gitdir({ 'datapackage.json': descriptor, 'table.csv': table, ...files }, { parent: await scratchDir() });
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Read a stream to its end, pausing now and then so that other readers get in between. */
async function drain(chunks: AsyncIterable<Uint8Array>, rand: () => number = Math.random): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) {
    parts.push(chunk);
    if (rand() < 0.3) await new Promise((r) => setImmediate(r));
    if (rand() < 0.05) await new Promise((r) => setTimeout(r, 2));
  }
  return Buffer.concat(parts);
}

async function content(source: PackageSource, path: string): Promise<Buffer> {
  return drain((await source.open(path)).stream());
}

/** The SourceError a promise rejects with. */
async function sourceError(p: Promise<unknown>): Promise<SourceError> {
  const e: unknown = await p.then(
    () => new Error('expected a SourceError, got success'),
    (err: unknown) => err,
  );
  if (!(e instanceof SourceError)) throw e;
  return e;
}

/** The live `git cat-file --batch` processes working in `dir` (Linux: from /proc). */
async function batchProcesses(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if ((await readFile(`/proc/${name}/cmdline`, 'utf8')) !== 'git\0cat-file\0--batch\0') continue;
      if ((await readlink(`/proc/${name}/cwd`)) === dir) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function opened(options: Parameters<typeof openGitDataset>[1] = {}, dir = repo): Promise<GitDataset> {
  return openGitDataset(dir, options);
}

describe('blob reads through one git cat-file --batch', () => {
  it('serves many files read concurrently, interleaved, twice over, with the right bytes', async () => {
    const ds = await opened({ workingTree: false });
    try {
      const paths = Object.keys(files);
      const rand = mulberry32(99);
      const rounds = await Promise.all([...paths, ...[...paths].reverse()].map((p) => content(ds.source, p).then((b) => [p, b] as const)));
      for (const [p, b] of rounds) expect(sha(b), p).toBe(sha(files[p]!));
      // a validation-like pass (every row parsed) alongside more readers and content ids
      const [report, ...rest] = await Promise.all([
        validatePackage(ds.source),
        ...paths.map(async (p) => sha(await drain((await ds.source.open(p)).stream(), rand))),
        ...paths.map(async (p) => (await ds.contentId(p)).sha256),
      ]);
      expect((report as Awaited<ReturnType<typeof validatePackage>>).valid).toBe(true);
      expect(rest).toEqual([...paths.map((p) => sha(files[p]!)), ...paths.map((p) => sha(files[p]!))]);
      if (linux) expect(await batchProcesses(ds.repoDir)).toHaveLength(1);
    } finally {
      await ds.close();
    }
  });

  it('a reader that stops early (a little or much left) or never reads does not break the next reads', async () => {
    const ds = await opened({ workingTree: false });
    try {
      const first = (await ds.source.open('data/f8.bin')).stream(); // 300,000 bytes: the rest is drained
      for await (const chunk of first) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
      const pid = linux ? await batchProcesses(ds.repoDir) : [];
      expect(sha(await content(ds.source, 'data/f7.bin'))).toBe(sha(files['data/f7.bin']!));
      if (linux) expect(await batchProcesses(ds.repoDir)).toEqual(pid); // the same process, drained

      const big = (await ds.source.open(BIG)).stream(); // 3 MiB: git is restarted rather than drained
      let got = 0;
      for await (const chunk of big) {
        got += chunk.length;
        if (got > 100_000) break;
      }
      // never read: holds nothing
      const idle = await Promise.all(['data/f3.bin', 'data/f9.bin'].map(async (p) => (await ds.source.open(p)).stream()));
      for (const p of Object.keys(files)) expect(sha(await content(ds.source, p)), p).toBe(sha(files[p]!));
      expect(idle).toHaveLength(2);

      // a consumer failing mid-stream (throw() into the stream)
      const it = (await ds.source.open('data/f6.bin')).stream()[Symbol.asyncIterator]() as AsyncGenerator<Uint8Array>;
      await it.next();
      await expect(it.throw(new Error('consumer failed'))).rejects.toThrow('consumer failed');
      expect(sha(await content(ds.source, 'data/f6.bin'))).toBe(sha(files['data/f6.bin']!));
      if (linux) expect(await batchProcesses(ds.repoDir)).toHaveLength(1);
    } finally {
      await ds.close();
    }
  });

  it('a missing object is an error of that read only', async () => {
    const reader = createBlobReader(repo);
    try {
      const oid = await git(repo, ['rev-parse', `HEAD:${BIG}`]);
      await expect(drain(reader.read('0'.repeat(40)))).rejects.toThrow(BlobReadError);
      expect(sha(await drain(reader.read(oid)))).toBe(sha(files[BIG]!));
      const tree = await git(repo, ['rev-parse', 'HEAD^{tree}']);
      await expect(drain(reader.read(tree))).rejects.toThrow(/is a tree, not a blob/);
      expect(sha(await drain(reader.read(oid)))).toBe(sha(files[BIG]!));
    } finally {
      await reader.close();
    }
  });

  it('one task pulling two streams in turn is not stuck behind itself: the second is served on its own', async () => {
    const reader = createBlobReader(repo, { stallMs: 50 });
    try {
      const [a, b] = await Promise.all(['data/f7.bin', 'data/f8.bin'].map((p) => git(repo, ['rev-parse', `HEAD:${p}`])));
      const ia = reader.read(a!);
      const ib = reader.read(b!);
      const pa: Uint8Array[] = [];
      const pb: Uint8Array[] = [];
      let da = false;
      let db = false;
      while (!da || !db) {
        if (!da) {
          const n = await ia.next();
          if (n.done) da = true;
          else pa.push(n.value);
        }
        if (!db) {
          const n = await ib.next();
          if (n.done) db = true;
          else pb.push(n.value);
        }
      }
      expect(sha(Buffer.concat(pa))).toBe(sha(files['data/f7.bin']!));
      expect(sha(Buffer.concat(pb))).toBe(sha(files['data/f8.bin']!));
    } finally {
      await reader.close();
    }
  });

  it.skipIf(!linux)('close() ends the process; later reads fail with a source-error', async () => {
    const ds = await opened({ workingTree: false });
    expect(await batchProcesses(ds.repoDir)).toEqual([]); // started on first read only
    expect(sha(await content(ds.source, 'data/f2.bin'))).toBe(sha(files['data/f2.bin']!));
    expect(await batchProcesses(ds.repoDir)).toHaveLength(1);
    await ds.close();
    expect(await batchProcesses(ds.repoDir)).toEqual([]);
    const e = await sourceError(content(ds.source, 'data/f2.bin'));
    expect(e.code).toBe('source-error');
    expect(e.message).toMatch(/"data\/f2\.bin" could not be read from git .*closed/);
    await ds.close(); // twice is fine
  });

  it.skipIf(!linux)('a process killed from outside between reads is replaced', async () => {
    const ds = await opened({ workingTree: false });
    try {
      expect(sha(await content(ds.source, 'data/f2.bin'))).toBe(sha(files['data/f2.bin']!));
      const [pid] = await batchProcesses(ds.repoDir);
      process.kill(pid!);
      await new Promise((r) => setTimeout(r, 50));
      expect(sha(await content(ds.source, BIG))).toBe(sha(files[BIG]!));
      const now = await batchProcesses(ds.repoDir);
      expect(now).toHaveLength(1);
      expect(now).not.toContain(pid);
    } finally {
      await ds.close();
    }
  });

  it.skipIf(!linux)('close() during a read fails that read and ends the process', async () => {
    const ds = await opened({ workingTree: false });
    const it = (await ds.source.open(BIG)).stream()[Symbol.asyncIterator]();
    await it.next();
    await ds.close();
    expect(await batchProcesses(ds.repoDir)).toEqual([]);
    await expect(drain({ [Symbol.asyncIterator]: () => it })).rejects.toThrow(SourceError);
  });

  it('a forgotten dataset (never closed, a stream abandoned half-read) does not keep Node alive', async () => {
    const module = fileURLToPath(new URL('../../src/adapters/git/dataset.ts', import.meta.url));
    const script = `
      import { openGitDataset } from ${JSON.stringify(module)};
      const ds = await openGitDataset(${JSON.stringify(repo)}, { workingTree: false });
      let n = 0;
      for await (const c of (await ds.source.open('data/f1.bin')).stream()) n += c.length;
      const it = (await ds.source.open(${JSON.stringify(BIG)})).stream()[Symbol.asyncIterator]();
      n += (await it.next()).value.length;
      console.log('read', n);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve('still running after 20 s');
      }, 20_000);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c ?? -1);
      });
    });
    expect(code, err).toBe(0);
    expect(out).toMatch(/^read \d+\n$/);
  });
});

describe('blob reads from the working tree', () => {
  /** A clone of the fixture to change. */
  const fresh = async (): Promise<string> => clone(repo, { parent: await scratchDir() });

  it.skipIf(!linux)('reads files the working tree holds unchanged without git, and the right bytes', async () => {
    const ds = await opened();
    try {
      for (const p of Object.keys(files)) expect(sha(await content(ds.source, p)), p).toBe(sha(files[p]!));
      expect((await validatePackage(ds.source)).valid).toBe(true);
      expect(await batchProcesses(ds.repoDir)).toEqual([]);
    } finally {
      await ds.close();
    }
  });

  it('reads the commit, not the working tree, for files changed before the dataset is read', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'data/f2.bin'), Buffer.from('x'.repeat(100))); // same size, other bytes
    await writeFile(join(dir, 'data/f3.bin'), 'shorter');
    await appendFile(join(dir, 'data/small/s1.txt'), 'more');
    await git(dir, ['add', 'data/small/s1.txt']); // staged
    await writeFile(join(dir, 'data/f5.bin'), Buffer.from('y'.repeat(65537)));
    await git(dir, ['update-index', '--assume-unchanged', 'data/f5.bin']); // git told not to look
    const ds = await opened({}, dir);
    try {
      for (const p of Object.keys(files)) expect(sha(await content(ds.source, p)), p).toBe(sha(files[p]!));
    } finally {
      await ds.close();
    }
  });

  it('reads files unchanged since an older commit from the working tree, the changed ones from git', async () => {
    const dir = await fresh();
    const first = await git(dir, ['rev-parse', 'HEAD']);
    await commitFiles(dir, { 'data/f2.bin': 'changed later', 'data/new.bin': 'new' });
    const ds = await opened({ commit: first }, dir);
    try {
      for (const p of Object.keys(files)) expect(sha(await content(ds.source, p)), p).toBe(sha(files[p]!));
      expect(ds.files.map((f) => f.path)).not.toContain('data/new.bin');
    } finally {
      await ds.close();
    }
  });

  it('a file changed after git was asked fails loudly, naming the file, and is read from git afterwards', async () => {
    const dir = await fresh();
    const ds = await opened({}, dir);
    try {
      expect(sha(await content(ds.source, 'data/f1.bin'))).toBe(sha(files['data/f1.bin']!)); // git has been asked
      await writeFile(join(dir, 'data/f8.bin'), bytes(300_000, 1234)); // same size: only the content tells
      const e = await sourceError(content(ds.source, 'data/f8.bin'));
      expect(e.code).toBe('source-error');
      expect(e.message).toMatch(/"data\/f8\.bin" changed in the working tree while it was read .*not the file of commit [0-9a-f]{12}/);
      expect(sha(await content(ds.source, 'data/f8.bin'))).toBe(sha(files['data/f8.bin']!)); // from git now

      // another size: read from git, the commit's content
      await writeFile(join(dir, 'data/f7.bin'), 'other');
      expect(sha(await content(ds.source, 'data/f7.bin'))).toBe(sha(files['data/f7.bin']!));

      // validation of a changed table reports it as a problem of the resource
      await writeFile(join(dir, 'table.csv'), table.replace('\n1,0.5\n', '\n1,9.5\n'));
      const report = await validatePackage(ds.source);
      expect(report.valid).toBe(false);
      expect(report.errors.map((p) => [p.code, p.message.includes('"table.csv" changed in the working tree')])).toEqual([
        ['source-error', true],
      ]);
    } finally {
      await ds.close();
    }
  });

  it('a file changed while it is read fails at the end of the stream', async () => {
    const dir = await fresh();
    for (const [what, change] of [
      ['rewritten', (p: string) => writeFile(p, bytes(3 * 1024 * 1024 + 7, 77))],
      ['grown', (p: string) => appendFile(p, 'x')],
      ['truncated', (p: string) => writeFile(p, 'x')],
    ] as const) {
      await writeFile(join(dir, BIG), files[BIG]!); // unchanged again
      const ds = await opened({}, dir);
      try {
        const it = (await ds.source.open(BIG)).stream()[Symbol.asyncIterator]();
        const n = await it.next();
        expect(n.done, what).toBe(false);
        await change(join(dir, BIG));
        const e = await sourceError(drain({ [Symbol.asyncIterator]: () => it }));
        expect(e.message, what).toContain(`"${BIG}" changed in the working tree while it was read`);
      } finally {
        await ds.close();
      }
    }
  });

  it('a checkout that converts line endings is read from git', async () => {
    const dir = await fresh();
    await git(dir, ['config', 'core.autocrlf', 'true']);
    await rm(join(dir, 'table.csv'));
    await git(dir, ['checkout', '--', 'table.csv']);
    expect((await readFile(join(dir, 'table.csv'), 'utf8')).startsWith('id,amount\r\n')).toBe(true);
    const ds = await opened({}, dir);
    try {
      expect((await content(ds.source, 'table.csv')).toString('utf8')).toBe(table);
      expect((await validatePackage(ds.source)).valid).toBe(true);
    } finally {
      await ds.close();
    }
  });
});
