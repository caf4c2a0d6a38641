/**
 * Reading a commit's files from the working tree when it holds them unchanged: a file read costs
 * no git process, and files are read in parallel.
 *
 * Which files are unchanged is asked of git once, on first use: `git diff --name-only <commit>`
 * (the working tree against the commit, whichever commit is checked out) and `git ls-files -v`
 * (entries git is told not to look at: assume-unchanged, skip-worktree). Every file is still
 * verified while it streams, since the working tree can change at any moment: its bytes are hashed
 * as git hashes a blob (`blob <size>\0<content>`), more bytes than the blob's are never handed
 * out, and when the content ends short or hashes to another id the stream throws a `source-error`
 * naming the file instead of ending. A file whose working-tree copy is missing, not a regular
 * file, or of another size is read from git instead (before anything is handed out).
 */

import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SourceError } from '../../package/source.ts';
import { runGit } from './exec.ts';
import { messageOf } from '../../errors.ts';

export interface WorkTree {
  /**
   * The content of `name` (dataset-relative) from the working tree, verified against the blob
   * `oid` of `size` bytes; null when it must be read from git (changed since the commit, missing,
   * another size, or the working tree unusable).
   */
  open(name: string, oid: string, size: number): Promise<AsyncGenerator<Uint8Array> | null>;
}

/** Bytes read at a time. */
const CHUNK = 256 * 1024;
/** Never follow a symlink, never block on a FIFO. */
const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The working tree of the repository at `repoDir`, for the dataset folder `datasetPath` of
 * `commit` (`short` names the commit in messages).
 */
export function createWorkTree(repoDir: string, datasetPath: string, commit: string, short: string): WorkTree {
  let changed: Promise<Set<string> | null> | undefined;
  const folder = datasetPath === '' ? '' : `${datasetPath}/`;

  /** Dataset-relative paths that may differ from the commit; null when the working tree is not to be used at all. */
  const findChanged = async (): Promise<Set<string> | null> => {
    // --no-optional-locks: only look, never refresh the index (another git may be at work).
    const base = ['--no-optional-locks', '--literal-pathspecs'];
    const pathspec = ['--', datasetPath === '' ? '.' : datasetPath];
    try {
      const [diff, listed] = await Promise.all([
        runGit(repoDir, [
          ...base,
          'diff',
          '--name-only',
          '-z',
          '--no-renames',
          '--no-ext-diff',
          '--ignore-submodules=all',
          commit,
          ...pathspec,
        ]),
        runGit(repoDir, [...base, 'ls-files', '-v', '-z', ...pathspec]),
      ]);
      const out = new Set<string>();
      const add = (path: string): void => {
        if (path.startsWith(folder)) out.add(path.slice(folder.length));
      };
      for (const path of diff.stdout.toString('utf8').split('\0')) if (path !== '') add(path);
      // `<tag> <path>`: lowercase tags are assume-unchanged entries, S skip-worktree ones.
      for (const record of listed.stdout.toString('utf8').split('\0')) {
        const tag = record[0];
        if (tag !== undefined && record[1] === ' ' && (tag === 'S' || tag !== tag.toUpperCase())) add(record.slice(2));
      }
      return out;
    } catch {
      return null; // git cannot tell: read everything from git
    }
  };

  return {
    async open(name, oid, size) {
      changed ??= findChanged();
      const skip = await changed;
      if (!skip || skip.has(name)) return null;
      let file: FileHandle;
      try {
        file = await open(join(repoDir, folder, name), FLAGS);
      } catch {
        return null;
      }
      try {
        const info = await file.stat();
        if (!info.isFile() || info.size !== size) {
          await file.close();
          return null;
        }
      } catch {
        await file.close().catch(() => {});
        return null;
      }
      const mismatch = (what: string): SourceError => {
        skip.add(name); // read it from git from now on
        return new SourceError(
          'source-error',
          `"${name}" changed in the working tree while it was read (${what}, so it is not the file of commit ${short}); read it again once nothing writes to it`,
        );
      };
      const failed = (why: string): SourceError =>
        new SourceError('source-error', `"${name}" could not be read from the working tree (${why}); check the file, and read it again`);
      return verified(file, oid, size, mismatch, failed);
    },
  };
}

/** The file's content, checked against the blob id while it streams; closes the file. */
async function* verified(
  file: FileHandle,
  oid: string,
  size: number,
  mismatch: (what: string) => SourceError,
  failed: (why: string) => SourceError,
): AsyncGenerator<Uint8Array> {
  try {
    const hash = createHash(oid.length === 64 ? 'sha256' : 'sha1').update(`blob ${size}\0`);
    let at = 0;
    const read = async (buffer: Buffer): Promise<number> => {
      try {
        return (await file.read(buffer, 0, buffer.length, at)).bytesRead;
      } catch (e) {
        throw failed(messageOf(e));
      }
    };
    while (at < size) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, size - at));
      const bytesRead = await read(buffer);
      if (bytesRead === 0) throw mismatch(`it ends after ${at} of ${size} bytes`);
      at += bytesRead;
      const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      hash.update(chunk);
      yield chunk;
    }
    if ((await read(Buffer.alloc(1))) !== 0) throw mismatch(`it is longer than ${size} bytes`);
    const id = hash.digest('hex');
    if (id !== oid) throw mismatch(`its content hashes to ${id.slice(0, 12)}, not to the blob ${oid.slice(0, 12)}`);
  } finally {
    await file.close();
  }
}
