/**
 * A package folder as the first commit of a new git repository, and that commit pushed to a
 * remote (`migrate --create-repos`). Files over a size threshold are tracked by git-LFS, each by
 * its literal name (as `restore` does), so the repository stays under GitHub's file size limits;
 * the push uploads them through git-lfs's pre-push hook.
 *
 * The commit's tree depends on the files only, so "does the remote already hold this package?"
 * is answered by looking for that tree in the remote branch's history: a re-run finds what an
 * earlier run pushed (even under later commits), and anything else is a different repository.
 */

import { spawnSync } from 'node:child_process';
import { copyFile, link, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { gitText, runGit } from './exec.ts';

export interface PackageCommit {
  /** The repository (its work tree holds hard links to the package's files). */
  dir: string;
  commit: string;
  tree: string;
  /** Files tracked by git-LFS, relative paths. */
  lfs: string[];
  /** Bytes of the package. */
  bytes: number;
}

export interface CommitOptions {
  /** Files larger than this many bytes go to git-LFS (except the JSON documents). */
  lfsThreshold: number;
  message: string;
}

/** git-lfs is needed (files over the threshold) and not installed. */
export class GitLfsMissingError extends UserError {
  constructor(
    readonly files: number,
    folder: string,
  ) {
    super(
      'git-lfs-missing',
      `${folder}: ${files} file${files === 1 ? '' : 's'} of the package ${files === 1 ? 'is' : 'are'} over the git-LFS threshold and git-lfs is not installed.`,
      { hint: 'Install git-lfs (https://git-lfs.com, or apt-get install git-lfs), or raise OS_MIGRATE_LFS_THRESHOLD.' },
    );
  }
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'os-datastore migrate',
  GIT_AUTHOR_EMAIL: 'os-datastore-migrate@localhost',
  GIT_COMMITTER_NAME: 'os-datastore migrate',
  GIT_COMMITTER_EMAIL: 'os-datastore-migrate@localhost',
};

/** The package's files (relative paths and sizes); a symbolic link is refused (never followed). */
async function listFiles(root: string, rel = ''): Promise<Array<{ path: string; size: number }>> {
  const out: Array<{ path: string; size: number }> = [];
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name === '.git') continue;
      out.push(...(await listFiles(root, path)));
    } else if (entry.isFile()) out.push({ path, size: (await lstat(join(root, path))).size });
    else throw new Error(`${join(root, path)} is not a regular file (a link?): a package folder holds files only`);
  }
  return out;
}

/** A path as a literal .gitattributes pattern (what `git lfs track --filename` writes). */
export function attributePattern(path: string): string {
  return path.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`).replace(/ /g, '[[:space:]]');
}

const hasGitLfs = (): boolean => spawnSync('git', ['lfs', 'version'], { stdio: 'ignore' }).status === 0;

/** Make `into` (a new folder) a repository whose one commit on `main` holds the files of `folder`. */
export async function commitPackage(folder: string, into: string, options: CommitOptions): Promise<PackageCommit> {
  const files = (await listFiles(folder)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const lfs = files.filter((f) => f.size > options.lfsThreshold && !f.path.endsWith('.json')).map((f) => f.path);
  if (lfs.length && !hasGitLfs()) throw new GitLfsMissingError(lfs.length, folder);
  await mkdir(into, { recursive: true });
  await runGit(into, ['init', '-q', '-b', 'main']);
  if (lfs.length) await runGit(into, ['lfs', 'install', '--local']);
  for (const f of files) {
    const to = join(into, f.path);
    await mkdir(join(to, '..'), { recursive: true });
    // A hard link costs no space (the same filesystem); a copy otherwise.
    await link(join(folder, f.path), to).catch(() => copyFile(join(folder, f.path), to));
  }
  // .gitattributes written here, sorted (`git lfs track` writes several paths in no stable order,
  // and the tree must depend on the files only).
  if (lfs.length)
    await writeFile(join(into, '.gitattributes'), lfs.map((p) => `${attributePattern(p)} filter=lfs diff=lfs merge=lfs -text\n`).join(''));
  await runGit(into, ['add', '-A']);
  await runGit(into, ['commit', '-q', '--no-verify', '-m', options.message], { env: IDENTITY });
  return {
    dir: into,
    commit: await gitText(into, ['rev-parse', 'HEAD']),
    tree: await gitText(into, ['rev-parse', 'HEAD^{tree}']),
    lfs,
    bytes: files.reduce((n, f) => n + f.size, 0),
  };
}

/** HTTP authentication for git and git-lfs, given in the environment (never on a command line, never in a URL or a config file). */
function authEnv(url: string, token: string | undefined): Record<string, string> {
  if (!token || !/^https?:/i.test(url)) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}

export type PushOutcome =
  /** The remote was empty (or lacked the branch) and now holds the commit. */
  | { status: 'pushed' }
  /** The remote branch's history already holds the package's tree (an earlier run pushed it). */
  | { status: 'present'; commit: string }
  /** The remote holds something else. */
  | { status: 'different'; head: string };

/** Push the package's commit to `branch` of `url`, unless the remote already holds it or holds something else. */
export async function pushPackage(pkg: PackageCommit, url: string, branch: string, token?: string): Promise<PushOutcome> {
  const env = authEnv(url, token);
  const heads = (await runGit(pkg.dir, ['ls-remote', '--heads', '--', url], { env })).stdout.toString('utf8');
  const head = heads
    .split('\n')
    .map((l) => l.split('\t'))
    .find(([, ref]) => ref === `refs/heads/${branch}`)?.[0];
  if (head) {
    await runGit(pkg.dir, ['fetch', '-q', '--no-tags', '--', url, `refs/heads/${branch}`], { env });
    const trees = (await runGit(pkg.dir, ['log', '--format=%H %T', 'FETCH_HEAD'])).stdout.toString('utf8').trim().split('\n');
    const found = trees.map((l) => l.split(' ')).find(([, tree]) => tree === pkg.tree);
    return found ? { status: 'present', commit: found[0]! } : { status: 'different', head };
  }
  if (heads.trim() !== '') return { status: 'different', head: heads.trim().split('\t')[0]! };
  await runGit(pkg.dir, ['push', '-q', '--', url, `HEAD:refs/heads/${branch}`], { env });
  return { status: 'pushed' };
}
