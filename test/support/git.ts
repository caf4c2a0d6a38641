/**
 * Real git repositories for tests, made with the real git and git-lfs, isolated from the
 * developer's configuration: HOME points at a temporary directory, the system config is ignored,
 * and git-lfs is installed per repository (`git lfs install --local`).
 */

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { testdir } from './tmp.ts';

/** Whether git-lfs is installed (CI installs it; tests that need it skip loudly without it). */
export const hasGitLfs: boolean = spawnSync('git', ['lfs', 'version'], { stdio: 'ignore' }).status === 0;

/** A test name that says, when git-lfs is missing, why the test is skipped. */
export function needsLfs(name: string): string {
  return hasGitLfs ? name : `${name} — SKIPPED: git-lfs not installed (apt-get install git-lfs)`;
}

if (!hasGitLfs) console.warn('\n*** git-lfs is not installed: the tests that need it are SKIPPED (apt-get install git-lfs) ***\n');

/** The HOME of test git commands: made when first needed, removed after the importing test file's tests. */
let home: string | undefined;
afterAll(() => {
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

/** The environment test git commands run in (isolated from the developer's config). */
export function isolatedGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  home ??= mkdtempSync(join(tmpdir(), 'osds-home-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.test',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.test',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Run git (isolated); resolves with stdout, without the final newline. */
export function git(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: isolatedGitEnv(extraEnv), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${stderr || err.message}`));
      else resolve(stdout.replace(/\n$/, ''));
    });
  });
}

/** A file's content, or a symlink to `symlink`. */
export type FileSpec = string | Uint8Array | object | { symlink: string };

/** Temporary directories that outlive one test (made in beforeAll): removed after the file's tests. Call at a test file's top level. */
export function scratch(): () => Promise<string> {
  const made: string[] = [];
  afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'osds-git-'));
    made.push(dir);
    return dir;
  };
}

/** A new empty directory: inside `parent`, or a test directory removed when the test finishes. */
async function newDir(parent?: string): Promise<string> {
  return parent === undefined ? testdir() : mkdtemp(join(parent, 'r-'));
}

/** Write files (path → content; objects as JSON; `{ symlink }` as a symbolic link) into a working tree. */
async function writeFiles(dir: string, files: Record<string, FileSpec>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await rm(full, { force: true });
    if (
      typeof content === 'object' &&
      content !== null &&
      !(content instanceof Uint8Array) &&
      'symlink' in content &&
      typeof content.symlink === 'string'
    ) {
      await symlink(content.symlink, full);
    } else {
      await writeFile(
        full,
        typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content, null, 2) + '\n',
      );
    }
  }
}

/** Write files, stage everything and commit; resolves with the new commit's sha. */
export async function commitFiles(dir: string, files: Record<string, FileSpec>, message = 'change'): Promise<string> {
  await writeFiles(dir, files);
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '--allow-empty', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}

/**
 * A new repository (branch main) with `files` committed. With `lfs`, git-lfs is installed in the
 * repository and the patterns are tracked before the commit, so matching files are stored in LFS.
 */
export async function gitdir(files: Record<string, FileSpec>, options: { lfs?: string[]; parent?: string } = {}): Promise<string> {
  const dir = await newDir(options.parent);
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['config', 'commit.gpgSign', 'false']);
  await git(dir, ['config', 'gc.auto', '0']);
  if (options.lfs) {
    await git(dir, ['lfs', 'install', '--local']);
    await git(dir, ['lfs', 'track', ...options.lfs]);
  }
  await commitFiles(dir, files, 'init');
  return dir;
}

/** A bare repository (branch main) to push to; resolves with its path. */
export async function bareRemote(parent?: string): Promise<string> {
  const dir = join(await newDir(parent), 'remote.git');
  await git(dirname(dir), ['init', '-q', '--bare', '-b', 'main', dir]);
  return dir;
}

/** A file:// URL of a local repository. */
export function fileUrl(dir: string): string {
  return pathToFileURL(dir).href;
}

/** Add `remote` as origin and push main there (git-lfs's pre-push hook uploads the LFS objects). */
export async function push(repo: string, remote: string): Promise<void> {
  await git(repo, ['remote', 'add', 'origin', fileUrl(remote)]);
  await git(repo, ['push', '-q', '-u', 'origin', 'main']);
}

/** Clone `url`; with `smudge: false` (GIT_LFS_SKIP_SMUDGE=1) LFS files stay pointers in the working tree. */
export async function clone(url: string, options: { smudge?: boolean; parent?: string } = {}): Promise<string> {
  const dir = join(await newDir(options.parent), 'clone');
  await git(dirname(dir), ['clone', '-q', url, dir], options.smudge === false ? { GIT_LFS_SKIP_SMUDGE: '1' } : {});
  await git(dir, ['config', 'commit.gpgSign', 'false']);
  return dir;
}
