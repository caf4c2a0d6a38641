/**
 * The CLI's bounds and exit codes, as users meet them in a child process: thread counts lowered
 * to the cores, a stdout closed early by its reader (a real pipe), malformed flag values.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../support/cli.ts';
import { testdir } from '../support/tmp.ts';

const cores = availableParallelism();
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const lowered = (from: string, requested: number) =>
  `os-datastore: ${from}${requested} is more than the ${plural(cores, 'core')} here: using ${plural(cores, 'worker thread')}\n`;

/** A package whose report is far larger than a pipe's buffer (64 KiB): 1,000 listed type errors. */
const noisy = () =>
  testdir({
    'datapackage.json': {
      name: 'noisy',
      owner: 'someone',
      resources: [{ name: 'data', path: 'data.csv', schema: { fields: [{ name: 'id', type: 'integer' }] } }],
    },
    'data.csv': 'id\n' + 'not-a-number-at-all\n'.repeat(3000),
  });

/**
 * Run the CLI with its stdout on a real pipe whose reader goes away after the first chunk (as
 * `| head -c 1` does): resolves with the exit code, the bytes read and everything on stderr.
 */
function runClosingEarly(
  args: string[],
  cwd = ROOT,
): Promise<{ code: number | null; signal: string | null; read: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let read = 0;
    let stderr = '';
    child.stdout.once('data', (chunk: Buffer) => {
      read = chunk.length;
      child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, read, stderr }));
  });
}

describe('--threads and OS_DATASTORE_THREADS are lowered to the cores', () => {
  it('more threads than cores: the same report, and one line on stderr saying so (not an error)', async () => {
    const dir = await noisy();
    const many = await runCli(['validate', dir, '--json', '--threads', '100000']);
    const fromEnv = await runCli(['validate', dir, '--json'], { env: { OS_DATASTORE_THREADS: '100000' } });
    const one = await runCli(['validate', dir, '--json', '--threads', '1']);
    const timeless = (stdout: string) => ({ ...JSON.parse(stdout), stats: { ...JSON.parse(stdout).stats, seconds: 0 } });
    expect([many.code, fromEnv.code, one.code]).toEqual([1, 1, 1]);
    expect(timeless(many.stdout)).toEqual(timeless(one.stdout));
    expect(timeless(fromEnv.stdout)).toEqual(timeless(one.stdout));
    expect(many.stderr).toBe(lowered('--threads ', 100000));
    expect(fromEnv.stderr).toBe(lowered('OS_DATASTORE_THREADS=', 100000));

    // Once per command, however many packages it reads; the cores themselves are not lowered.
    const several = await runCli(['validate', 'examples', '--threads', '100000']);
    expect(several.code).toBe(0);
    expect(several.stderr).toBe(lowered('--threads ', 100000));
    const exact = await runCli(['validate', 'examples', '--threads', String(cores)]);
    expect(exact.stderr).toBe('');
  });
});

describe('a stdout closed by its reader ends the command quietly, with its own exit code', () => {
  it('validate (text and --json): no EPIPE, no stack, nothing on stderr; 1 for an invalid package', async () => {
    const dir = await noisy();
    for (const args of [
      ['validate', dir],
      ['validate', dir, '--json'],
    ]) {
      const r = await runClosingEarly(args);
      expect(r.read).toBeGreaterThan(0);
      expect(r.stderr).toBe('');
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
    }
    const valid = await runClosingEarly(['validate', 'examples']);
    expect([valid.code, valid.stderr]).toEqual([0, '']);
  });

  it("publish: an invalid package's report cut short still exits 1, quietly", async () => {
    const dir = await noisy();
    const cwd = await testdir(); // the embedded store lives under the working directory
    const r = await runClosingEarly(['publish', dir, '--max-errors', '1000'], cwd);
    expect(r.read).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });
});

/** Every file below `dir` (relative paths), or [] when it does not exist. */
async function filesBelow(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
  } catch {
    return [];
  }
}

const usage = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at |internal error/);

describe('a malformed flag value is bad usage (exit 2) naming the flag and the allowed form', () => {
  it('--owner must be a GitHub login (validate and publish); nothing is written', async () => {
    const cwd = await testdir();
    for (const command of ['validate', 'publish']) {
      const r = await runCli([command, join(ROOT, 'examples/city-budget'), '--owner', '../x'], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /option '--owner <owner>' argument '\.\.\/x' is invalid\. expected a GitHub owner: 1 to 39 letters, digits and single hyphens, not starting or ending with a hyphen/,
      );
      expect(r.stdout).toBe('');
      usage(r.stderr);
    }
    expect(await filesBelow(cwd)).toEqual([]);
  });

  it('--prefix, OS_STORAGE_PREFIX, --commit and prune OWNER/NAME are checked before anything runs', async () => {
    const cwd = await testdir();
    const examples = join(ROOT, 'examples/city-budget');
    const prefix = await runCli(['publish', examples, '--prefix', 'a/../b'], { cwd });
    expect([prefix.code, prefix.stderr]).toEqual([
      2,
      expect.stringMatching(/option '--prefix <prefix>' argument 'a\/\.\.\/b' is invalid\. the prefix must be segments/),
    ]);
    // A bucket that is never reached: the prefix is refused first.
    const env = {
      OS_STORAGE_BUCKET_NAME: 'bucket',
      OS_STORAGE_ENDPOINT: 'http://127.0.0.1:9',
      OS_ACCESS_KEY_ID: 'k',
      OS_SECRET_ACCESS_KEY: 's',
      OS_STORAGE_PREFIX: 'p'.repeat(300),
    };
    const fromEnv = await runCli(['publish', examples], { cwd, env });
    expect([fromEnv.code, fromEnv.stderr]).toEqual([
      2,
      `os-datastore: OS_STORAGE_PREFIX is 300 bytes long; a prefix is segments of letters, digits and ! _ . * ' ( ) - separated by "/", none "." or "..", at most 256 bytes (e.g. staging/v1) (got "${'p'.repeat(60)}…").\n`,
    ]);
    const commit = await runCli(['publish', examples, '--commit', '--upload-pack=touch x'], { cwd });
    expect(commit.code).toBe(2);
    expect(commit.stderr).toMatch(
      /option '--commit <commit-ish>' argument '--upload-pack=touch x' is invalid\. expected a commit sha, branch or tag/,
    );
    const prune = await runCli(['prune', '../x/y', '--keep', '1'], { cwd });
    expect([prune.code, prune.stderr]).toEqual([2, 'os-datastore: prune: "../x/y" is not OWNER/NAME (e.g. os-data/city-budget-2024)\n']);
    const pruneOwner = await runCli(['prune', '-x/y', '--keep', '1'], { cwd });
    expect(pruneOwner.code).toBe(2);
    const pruneName = await runCli(['prune', 'os-data/A..B', '--keep', '1'], { cwd });
    expect([pruneName.code, pruneName.stderr]).toEqual([
      2,
      expect.stringMatching(/^os-datastore: prune: the name in "os-data\/A\.\.B" is not a dataset name: 1 to 100 lowercase letters/),
    ]);
    const port = await runCli(['storage', 'serve', '--port', '70000'], { cwd });
    expect([port.code, port.stderr]).toEqual([
      2,
      expect.stringMatching(/option '--port <n>' argument '70000' is invalid\. expected a port number from 1 to 65535/),
    ]);
    for (const r of [prefix, fromEnv, commit, prune, pruneOwner, pruneName, port]) usage(r.stderr);
    expect(await filesBelow(cwd)).toEqual([]);
  });
});

describe('names and paths that cannot form a storage key', () => {
  it('a 2,000-byte name is invalid at /name: validate exits 1, publish writes nothing', async () => {
    const dir = await testdir({
      'datapackage.json': {
        name: 'n'.repeat(2000),
        owner: 'someone',
        resources: [{ name: 'rows', path: 'rows.csv', schema: { fields: [{ name: 'n', type: 'integer' }] } }],
      },
      'rows.csv': 'n\n1\n',
    });
    const v = await runCli(['validate', dir, '--json']);
    expect(v.code).toBe(1);
    const report = JSON.parse(v.stdout);
    expect(report.errors.map((p: { code: string; pointer: string }) => [p.code, p.pointer])).toEqual([['descriptor-error', '/name']]);
    const cwd = await testdir();
    const p = await runCli(['publish', dir], { cwd });
    expect(p.code).toBe(1);
    expect(p.stdout).toMatch(/2000 characters long; a name has at most 100/);
    expect(p.stdout).toMatch(/not published: .* is invalid \(nothing was written\)/);
    expect((await filesBelow(cwd)).filter((f) => f.includes('datasets'))).toEqual([]);
  });

  it('a file whose path is over 512 bytes is refused at publish planning, naming it, before any write', async () => {
    const long = ['a', 'b', 'c'].map((c) => c.repeat(200)).join('/') + '.txt';
    const dir = await testdir({
      'datapackage.json': {
        name: 'long-paths',
        owner: 'someone',
        resources: [{ name: 'rows', path: 'rows.csv', schema: { fields: [{ name: 'n', type: 'integer' }] } }],
      },
      'rows.csv': 'n\n1\n',
      [long]: 'notes\n',
    });
    expect((await runCli(['validate', dir])).code).toBe(0);
    const cwd = await testdir();
    const p = await runCli(['publish', dir, '--json'], { cwd });
    expect(p.code).toBe(1);
    const doc = JSON.parse(p.stdout);
    expect(doc.status).toBe('invalid');
    expect(doc.report.errors).toEqual([
      expect.objectContaining({
        code: 'path-error',
        path: long,
        message: expect.stringMatching(/is 606 bytes long; a file published from a dataset has a path of at most 512 bytes/),
      }),
    ]);
    expect((await filesBelow(cwd)).filter((f) => f.includes('datasets'))).toEqual([]);
  });
});
