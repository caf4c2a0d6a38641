/**
 * A dataset read from a git repository at a commit: its files listed from the commit's tree, and a
 * PackageSource that reads the commit's blobs, with Git LFS pointers resolved to their verified
 * content. A blob is read from the working tree when git says the file there is unchanged since
 * the commit, verified byte for byte against the blob id as it streams (worktree.ts); otherwise
 * from the object database, through one long-lived `git cat-file --batch` (cat-file.ts).
 */

import { createHash } from 'node:crypto';
import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { SourceUnavailableError } from '../fs/source.ts';
import {
  DESCRIPTOR_MAX_BYTES,
  DescriptorTooLargeError,
  isRemote,
  readAtMost,
  SourceError,
  unsafePathReason,
  type FileHandle,
  type PackageSource,
} from '../../package/source.ts';
import { openRemote, type RemotePolicy } from '../http/remote-file.ts';
import { BlobReadError, createBlobReader, type BlobReader } from './cat-file.ts';
import { GitCommandError, readBlobs, runGit } from './exec.ts';
import { createWorkTree } from './worktree.ts';
import { createLfsReader, type LfsOptions } from './lfs.ts';
import { parseLfsPointer, POINTER_MAX_BYTES, type LfsPointer } from './pointer.ts';
import { parseGitHubRemote, parseRemoteUrl, type GitHubRepo } from './remote.ts';
import { messageOf } from '../../errors.ts';

export type { LfsOptions } from './lfs.ts';

export interface GitFile {
  /** POSIX path relative to the dataset root. */
  path: string;
  /** git blob id */
  oid: string;
  /** '100644' | '100755' | '120000' (symlink) ... */
  mode: string;
  /** Size of the content (for LFS files: the pointer's size field, not the pointer's). */
  size: number;
  /** For files stored as LFS pointers at this commit. */
  lfs?: { oid: string; size: number };
}

export interface GitDataset {
  /** Repository top-level directory. */
  repoDir: string;
  /** The dataset's folder inside the repository, POSIX, '' for the root. */
  datasetPath: string;
  /** The commit, as a full sha. */
  commit: string;
  /** The remote URL (origin, or the only remote), or null. */
  remoteUrl: string | null;
  /** Owner/repo when the remote is a GitHub repository (github.com or one of options.githubHosts). */
  github: GitHubRepo | null;
  /** Every file of the dataset at the commit (recursively), paths relative to datasetPath. */
  files: GitFile[];
  /** The validator's port, reading from the commit's objects (not the working tree), LFS pointers resolved. */
  source: PackageSource;
  /** sha256 (hex) and size of a file's content: from the LFS pointer without reading for LFS files; otherwise hashed from the blob (cached in-process by git oid). */
  contentId(path: string): Promise<{ sha256: string; size: number }>;
  /**
   * Stop the git process that serves blob contents (reads in progress fail, later reads throw).
   * Optional for callers: the process never keeps Node alive by itself.
   */
  close(): Promise<void>;
}

export interface GitDatasetOptions {
  /** A commit-ish (sha, branch, tag); default HEAD. */
  commit?: string;
  lfs?: LfsOptions;
  /** GitHub Enterprise host names, besides github.com. */
  githubHosts?: string[];
  /**
   * Read files that are unchanged in the working tree from there (verified against their blob
   * ids as they stream) rather than from git's objects; default true.
   */
  workingTree?: boolean;
  /** How remote (http/https) resources are fetched, when the validator asks for them. */
  remote?: RemotePolicy;
}

const SYMLINK = '120000';
const DESCRIPTOR = 'datapackage.json';

interface Entry {
  mode: string;
  type: string;
  oid: string;
  /** Size of the blob (for an LFS file: of the pointer). */
  blobSize: number;
  pointer?: LfsPointer;
  /** Why a blob that starts like an LFS pointer is not a valid one. */
  badPointer?: string;
}

/** Content ids of blobs already hashed in this process, by git oid (blobs never change); the oldest are forgotten first. */
const hashed = new Map<string, Promise<{ sha256: string; size: number }>>();
const HASHED_MAX = 100_000;

/**
 * Open the dataset in `dir` (the repository root or a folder inside it) at a commit. Throws
 * SourceUnavailableError when there is nothing to read: not a git repository, an unknown commit,
 * a folder missing at that commit, or no datapackage.json in it.
 */
export async function openGitDataset(dir: string, options: GitDatasetOptions = {}): Promise<GitDataset> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new SourceUnavailableError(`${dir}: no such directory; give the folder of a dataset in a git repository`);
  }
  let repoDir: string;
  let datasetPath: string;
  let gitDir: string;
  try {
    const [top, prefix, common] = (
      await runGit(dir, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--show-prefix', '--git-common-dir'])
    ).stdout
      .toString('utf8')
      .split('\n');
    repoDir = top!;
    datasetPath = prefix!.replace(/\/$/, '');
    gitDir = common!;
  } catch (e) {
    throw new SourceUnavailableError(`${dir} is not in a git working tree (${gitMessage(e)}); give a folder of a git checkout`);
  }
  await refuseLinkedFolder(dir, datasetPath);

  const rev = options.commit ?? 'HEAD';
  const resolved = await runGit(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { allow: [1, 128] });
  const commit = resolved.stdout.toString('utf8').trim();
  if (resolved.exitCode !== 0 || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) {
    throw new SourceUnavailableError(
      `"${rev}" is not a commit of ${repoDir}; give a commit sha, branch or tag that exists there (fetch it first if it is only on the remote)`,
    );
  }
  const short = commit.slice(0, 12);
  const where = datasetPath === '' ? 'the repository root' : datasetPath;

  const listing = await runGit(repoDir, ['ls-tree', '-r', '-l', '-z', `${commit}:${datasetPath}`], { allow: [128] });
  if (listing.exitCode !== 0)
    throw new SourceUnavailableError(`${where} does not exist (as a folder) at commit ${short}; give a commit where the dataset exists`);
  const entries = parseLsTree(listing.stdout);

  const small = [...entries.values()].filter((e) => e.type === 'blob' && e.mode !== SYMLINK && e.blobSize < POINTER_MAX_BYTES);
  const byOid = new Map<string, Entry[]>();
  for (const e of small) byOid.set(e.oid, [...(byOid.get(e.oid) ?? []), e]);
  await readBlobs(repoDir, [...byOid.keys()], (oid, content) => {
    const parsed = content && parseLfsPointer(content);
    if (!parsed) return;
    for (const e of byOid.get(oid) ?? []) {
      if ('pointer' in parsed) e.pointer = parsed.pointer;
      else e.badPointer = parsed.invalid;
    }
  });

  const descriptor = entries.get(DESCRIPTOR);
  if (!descriptor || descriptor.type !== 'blob' || descriptor.mode === SYMLINK) {
    const what = !descriptor
      ? 'has no datapackage.json'
      : descriptor.mode === SYMLINK
        ? 'has a datapackage.json that is a symlink (never followed)'
        : 'has no datapackage.json file';
    throw new SourceUnavailableError(`${where} ${what} at commit ${short}; a dataset needs a datapackage.json at its root`);
  }

  const remoteUrl = await findRemoteUrl(repoDir);
  const remote = remoteUrl === null ? null : parseRemoteUrl(remoteUrl, repoDir);
  const lfs = createLfsReader({
    gitDir,
    remote,
    options: options.lfs ?? {},
    async lfsconfigUrl() {
      const exists = await runGit(repoDir, ['rev-parse', '--verify', '--quiet', `${commit}:.lfsconfig`], { allow: [1, 128] });
      if (exists.exitCode !== 0) return null;
      const got = await runGit(repoDir, ['config', '--blob', `${commit}:.lfsconfig`, '--get', 'lfs.url'], { allow: [1] });
      const url = got.stdout.toString('utf8').trim();
      return got.exitCode === 0 && url !== '' ? url : null;
    },
  });

  const blobs = createBlobReader(repoDir);
  let closed = false;
  const tree = options.workingTree === false ? null : createWorkTree(repoDir, datasetPath, commit, short);
  /**
   * A blob's content: from the working tree when it holds the file unchanged (files are then read
   * in parallel, without git), otherwise from git's batch process (one read after another).
   */
  const content = async function* (entry: Entry, name: string): AsyncGenerator<Uint8Array> {
    const fromTree = closed || !tree ? null : await tree.open(name, entry.oid, entry.blobSize);
    yield* fromTree ?? blobStream(blobs, entry.oid, name);
  };
  const root = datasetPath === '' ? '.' : datasetPath;
  const directories = new Set<string>();
  for (const path of entries.keys()) {
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) directories.add(path.slice(0, i));
  }

  /** The entry of a file that may be read; SourceError otherwise. */
  const lookup = (path: string): { entry: Entry; name: string } => {
    const reason = unsafePathReason(path);
    if (reason) throw new SourceError('path-error', `"${path}" ${reason}; it was not opened`);
    const name = path
      .split('/')
      .filter((s) => s !== '' && s !== '.')
      .join('/');
    const entry = entries.get(name);
    if (!entry) {
      const segments = name.split('/');
      for (let i = 1; i < segments.length; i++) {
        const through = segments.slice(0, i).join('/');
        if (entries.get(through)?.mode === SYMLINK) {
          throw new SourceError(
            'path-error',
            `"${path}" goes through "${through}", which is a symlink in the repository; symlinks are never followed: commit the files themselves`,
          );
        }
      }
      if (directories.has(name) || name === '') throw new SourceError('source-error', `"${path}" is a folder, not a file; fix the path`);
      throw new SourceError(
        'source-error',
        `"${path}" does not exist in ${root} at commit ${short}; add the file and commit it, or fix the path`,
      );
    }
    if (entry.mode === SYMLINK)
      throw new SourceError(
        'path-error',
        `"${path}" is a symlink in the repository; symlinks are never followed: commit the file itself instead of a link`,
      );
    if (entry.type !== 'blob')
      throw new SourceError(
        'source-error',
        `"${path}" is a ${entry.type === 'commit' ? 'submodule' : entry.type}, not a file; commit the file itself`,
      );
    if (entry.badPointer) {
      throw new SourceError(
        'lfs-error',
        `"${path}" starts like a Git LFS pointer but is not a valid one (${entry.badPointer}); commit the file again with git-lfs installed (git lfs install, git lfs track, git add)`,
      );
    }
    return { entry, name };
  };

  const open = async (path: string): Promise<FileHandle> => {
    if (isRemote(path)) return openRemote(path, options.remote);
    const { entry, name } = lookup(path);
    if (entry.pointer) return lfs.open(name, entry.pointer);
    return { size: entry.blobSize, stream: () => content(entry, name) };
  };

  const source: PackageSource = {
    root,
    descriptorPath: DESCRIPTOR,
    async readDescriptor() {
      // The size is known before anything is read: the blob's, or the LFS pointer's.
      const size = descriptor.pointer?.size ?? descriptor.blobSize;
      if (size > DESCRIPTOR_MAX_BYTES) throw new DescriptorTooLargeError(size, DESCRIPTOR_MAX_BYTES);
      const handle = await open(DESCRIPTOR);
      return readAtMost(handle.size, () => handle.stream());
    },
    open,
  };

  const files: GitFile[] = [];
  for (const [path, e] of entries) {
    if (e.type !== 'blob') continue;
    files.push({
      path,
      oid: e.oid,
      mode: e.mode,
      size: e.pointer?.size ?? e.blobSize,
      ...(e.pointer ? { lfs: { oid: e.pointer.oid, size: e.pointer.size } } : {}),
    });
  }

  return {
    repoDir,
    datasetPath,
    commit,
    remoteUrl,
    github: remoteUrl === null ? null : parseGitHubRemote(remoteUrl, options.githubHosts),
    files,
    source,
    async contentId(path) {
      const { entry, name } = lookup(path);
      if (entry.pointer) return { sha256: entry.pointer.oid, size: entry.pointer.size };
      let id = hashed.get(entry.oid);
      if (!id) {
        id = hashContent(content(entry, name));
        if (hashed.size >= HASHED_MAX) hashed.delete(hashed.keys().next().value!);
        hashed.set(entry.oid, id);
        id.catch(() => hashed.delete(entry.oid));
      }
      return id;
    },
    close() {
      closed = true;
      return blobs.close();
    },
  };
}

/**
 * Refuse a dataset folder reached through a symlink that could lead into another repository: no
 * component from the repository's top down to `dir` may be a link (git resolves links before it
 * says which repository a folder is in), and a link above the top is accepted only when it does
 * not itself live inside a git working tree (a link to the repository, made by whoever runs us).
 */
async function refuseLinkedFolder(dir: string, datasetPath: string): Promise<void> {
  const refuse = (link: string): never => {
    throw new SourceUnavailableError(
      `${dir}: "${link}" is a symlink; a dataset folder is never read through a link inside a repository: give the real folder`,
    );
  };
  let here = resolve(dir);
  const segments = datasetPath === '' ? [] : datasetPath.split('/');
  for (const segment of segments.reverse()) {
    if ((await lstat(here)).isSymbolicLink() || basename(here) !== segment) refuse(here);
    here = dirname(here);
  }
  // `here` names the repository's top; links from there up are fine unless one sits in a repository.
  for (let at = here; ; at = dirname(at)) {
    if ((await lstat(at)).isSymbolicLink()) {
      const inside = await runGit(dirname(at), ['rev-parse', '--show-toplevel'], { allow: [128] }).catch(() => null);
      if (inside && inside.exitCode === 0) refuse(at);
    }
    if (dirname(at) === at) break;
  }
}

/** `git ls-tree -r -l -z` records: `<mode> SP <type> SP <oid> SP+ <size> TAB <path> NUL`. */
function parseLsTree(out: Buffer): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const record of out.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', oid = '', size = ''] = record.slice(0, tab).split(/ +/);
    entries.set(record.slice(tab + 1), { mode, type, oid, blobSize: size === '-' ? 0 : Number(size) });
  }
  return entries;
}

async function findRemoteUrl(repoDir: string): Promise<string | null> {
  const names = (await runGit(repoDir, ['remote'])).stdout.toString('utf8').split('\n').filter(Boolean);
  const name = names.includes('origin') ? 'origin' : names.length === 1 ? names[0]! : null;
  if (name === null) return null;
  const got = await runGit(repoDir, ['remote', 'get-url', '--end-of-options', name], { allow: [2, 128] });
  const url = got.stdout.toString('utf8').trim();
  return got.exitCode === 0 && url !== '' ? url : null;
}

async function* blobStream(blobs: BlobReader, oid: string, path: string): AsyncGenerator<Uint8Array> {
  try {
    yield* blobs.read(oid);
  } catch (e) {
    if (e instanceof GitCommandError || e instanceof BlobReadError)
      throw new SourceError('source-error', `"${path}" could not be read from git (${gitMessage(e)}); check the repository (git fsck)`);
    throw e;
  }
}

async function hashContent(chunks: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

function gitMessage(e: unknown): string {
  if (e instanceof GitCommandError) return e.stderr.trim().split('\n').pop() || `exit ${e.gitExitCode}`;
  return messageOf(e);
}
