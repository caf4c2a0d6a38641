/**
 * Running git. child_process rather than simple-git: we need exit codes (simple-git resolves a
 * command that fails without stderr, e.g. `rev-parse --verify -q`, as a success), binary-safe
 * output, and blob contents streamed rather than buffered.
 */

import { spawn } from 'node:child_process';
import { UserError } from '../../errors.ts';

/**
 * git exited with an error. A user error: git refuses what the repository or the revision given
 * does not allow (not a repository, an unknown commit), and its own message says why.
 * `gitExitCode` is git's; the CLI exits 2.
 */
export class GitCommandError extends UserError {
  constructor(
    readonly args: readonly string[],
    readonly gitExitCode: number,
    readonly stderr: string,
  ) {
    super('git-failed', `git ${args.join(' ')} failed (exit ${gitExitCode})${stderr.trim() ? `: ${stderr.trim()}` : ''}`, {
      hint: "Check the repository and the revision given (the message above is git's).",
    });
  }
}

/**
 * The environment git runs in: never prompt for credentials (a prompt would hang a CI job), and
 * ignore the variables that would point git at another repository than the one asked about.
 */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'Never' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR']) delete env[name];
  return env;
}

export interface GitResult {
  stdout: Buffer;
  exitCode: number;
}

/**
 * Run git in `cwd` and collect its output. Rejects with GitCommandError on a non-zero exit unless
 * the code is in `allow` (e.g. 1 for "not found" answers).
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: { input?: string; allow?: number[]; env?: Record<string, string> } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: { ...gitEnv(), ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', reject);
    child.once('close', (code) => {
      const exitCode = code ?? -1;
      if (exitCode !== 0 && !(options.allow ?? []).includes(exitCode))
        reject(new GitCommandError(args, exitCode, Buffer.concat(err).toString('utf8')));
      else resolve({ stdout: Buffer.concat(out), exitCode });
    });
    child.stdin.on('error', () => {}); // git may exit before reading everything; 'close' reports it
    child.stdin.end(options.input);
  });
}

/** Whether `dir` is inside a git working tree (git's own answer, in the clean environment). */
export async function isInsideWorkTree(dir: string): Promise<boolean> {
  return runGit(dir, ['rev-parse', '--is-inside-work-tree']).then(
    (r) => r.stdout.toString('utf8').trim() === 'true',
    () => false,
  );
}

/**
 * Clone `url` into the empty folder `dir`, without tags and without LFS smudging: LFS objects are
 * fetched (and verified) by the loader, only for the files it reads.
 */
export async function cloneRepository(url: string, dir: string): Promise<void> {
  await runGit(dir, ['clone', '--quiet', '--no-tags', '--', url, '.'], { env: { GIT_LFS_SKIP_SMUDGE: '1' } });
}

/** Run git and return its output as text, without the final newline. */
export async function gitText(cwd: string, args: readonly string[]): Promise<string> {
  return (await runGit(cwd, args)).stdout.toString('utf8').replace(/\n$/, '');
}

/**
 * A blob's content, streamed from `git cat-file blob` (never held whole in memory). Throws
 * GitCommandError at the end when git fails; stopping early kills git.
 */
export async function* streamBlob(cwd: string, oid: string): AsyncGenerator<Uint8Array> {
  const args = ['cat-file', 'blob', oid];
  const child = spawn('git', args, { cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exit = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
  exit.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk;
    const code = await exit;
    finished = true;
    if (code !== 0) throw new GitCommandError(args, code, Buffer.concat(err).toString('utf8'));
  } finally {
    if (!finished && child.exitCode === null) child.kill();
  }
}

/**
 * Read many (small) blobs with one `git cat-file --batch`; `onBlob` gets each one's content in
 * order. Missing objects get null.
 */
export async function readBlobs(
  cwd: string,
  oids: readonly string[],
  onBlob: (oid: string, content: Buffer | null) => void,
): Promise<void> {
  if (oids.length === 0) return;
  const args = ['cat-file', '--batch'];
  const child = spawn('git', args, { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const exit = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
  exit.catch(() => {});
  child.stdin.on('error', () => {});
  child.stdin.end(oids.join('\n') + '\n');
  let pending: Buffer = Buffer.alloc(0);
  let next = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const nl = pending.indexOf(0x0a);
      if (nl < 0) break;
      const header = pending.subarray(0, nl).toString('utf8');
      if (header.endsWith(' missing')) {
        onBlob(oids[next++]!, null);
        pending = pending.subarray(nl + 1);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (!Number.isSafeInteger(size)) throw new Error(`git cat-file --batch: unexpected header "${header}"`);
      if (pending.length < nl + 1 + size + 1) break;
      onBlob(oids[next++]!, Buffer.from(pending.subarray(nl + 1, nl + 1 + size)));
      pending = pending.subarray(nl + 1 + size + 1);
    }
  }
  const code = await exit;
  if (code !== 0) throw new GitCommandError(args, code, Buffer.concat(err).toString('utf8'));
  if (next !== oids.length) throw new Error(`git cat-file --batch answered ${next} of ${oids.length} objects`);
}
