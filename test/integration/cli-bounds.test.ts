/**
 * The CLI's bounds and exit codes, as users meet them in a child process: thread counts lowered
 * to the cores, a stdout closed early by its reader (a real pipe), malformed flag values.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
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
    'datapackage.json': { name: 'noisy', owner: 'someone', resources: [{ name: 'data', path: 'data.csv', schema: { fields: [{ name: 'id', type: 'integer' }] } }] },
    'data.csv': 'id\n' + 'not-a-number-at-all\n'.repeat(3000),
  });

/**
 * Run the CLI with its stdout on a real pipe whose reader goes away after the first chunk (as
 * `| head -c 1` does): resolves with the exit code, the bytes read and everything on stderr.
 */
function runClosingEarly(args: string[], cwd = ROOT): Promise<{ code: number | null; signal: string | null; read: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    for (const args of [['validate', dir], ['validate', dir, '--json']]) {
      const r = await runClosingEarly(args);
      expect(r.read).toBeGreaterThan(0);
      expect(r.stderr).toBe('');
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
    }
    const valid = await runClosingEarly(['validate', 'examples']);
    expect([valid.code, valid.stderr]).toEqual([0, '']);
  });

  it('publish: an invalid package\'s report cut short still exits 1, quietly', async () => {
    const dir = await noisy();
    const cwd = await testdir(); // the embedded store lives under the working directory
    const r = await runClosingEarly(['publish', dir, '--max-errors', '1000'], cwd);
    expect(r.read).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });
});
