/**
 * A package on the local filesystem. The descriptor and every resource are regular files inside
 * the package folder, never reached through a symlink (the same rule as for git, where links are
 * never followed, and as for a published folder, whose file list leaves links out): every path is
 * checked before it is opened — no absolute paths, no `..`, no symlink on any component.
 */

import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError, type UserErrorOptions } from '../../errors.ts';
import { isRemote, readAtMost, SourceError, unsafePathReason, type FileHandle, type PackageSource } from '../../package/source.ts';
import { openRemote, type RemotePolicy } from '../http/remote-file.ts';
import { READ_NO_FOLLOW, segmentsOf, walkWithoutLinks } from './links.ts';

/** The target could not be used at all (exit code 2 in the CLI). */
export class SourceUnavailableError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}) {
    super('source-unavailable', message, options);
  }
}

export interface FsSourceOptions {
  /** How remote (http/https) resources are fetched, when the validator asks for them. */
  remote?: RemotePolicy;
}

const CHUNK = 256 * 1024;

/**
 * A source for a package directory, or for a descriptor file path. The folder named (or the
 * descriptor's folder) is the root, as the user named it; the descriptor in it must be a regular
 * file, not a link.
 */
export async function createFsSource(target: string, options: FsSourceOptions = {}): Promise<PackageSource> {
  let st;
  try {
    st = await stat(target);
  } catch {
    throw new SourceUnavailableError(`${target}: no such file or directory; give a dataset directory or its datapackage.json`);
  }
  const descriptorFile = st.isDirectory() ? join(target, 'datapackage.json') : target;
  const rootDir = st.isDirectory() ? target : dirname(target);
  const descriptorPath = basename(descriptorFile);
  const found = await walkWithoutLinks(rootDir, [descriptorPath]);
  if (found.kind === 'link') {
    throw new SourceUnavailableError(
      `${descriptorFile} is a symlink; a descriptor is never read through a link: commit or copy the real file there`,
    );
  }
  if (found.kind !== 'ok' || !found.stat.isFile())
    throw new SourceUnavailableError(`${descriptorFile}: not found; a dataset needs a datapackage.json at its root`);
  const display = rootDir === '' ? '.' : rootDir;
  /** A file's content, opened without following a link that appeared since it was checked. */
  const read = async function* (file: string, path: string): AsyncGenerator<Uint8Array> {
    let handle;
    try {
      handle = await open(file, READ_NO_FOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new SourceError(
        code === 'ELOOP' ? 'path-error' : 'source-error',
        `"${path}" could not be opened (${code ?? String(e)}); put the file itself in the dataset`,
      );
    }
    yield* handle.createReadStream({ highWaterMark: CHUNK }) as AsyncIterable<Uint8Array>;
  };

  return {
    root: display,
    descriptorPath,
    async readDescriptor() {
      const now = await walkWithoutLinks(rootDir, [descriptorPath]);
      if (now.kind === 'link')
        throw new SourceUnavailableError(
          `${descriptorFile} is a symlink; a descriptor is never read through a link: commit or copy the real file there`,
        );
      return readAtMost(now.kind === 'ok' ? now.stat.size : null, () => read(descriptorFile, descriptorPath));
    },
    async open(path: string): Promise<FileHandle> {
      if (isRemote(path)) return openRemote(path, options.remote);
      const reason = unsafePathReason(path);
      if (reason) throw new SourceError('path-error', `"${path}" ${reason}; it was not opened`);
      const segments = segmentsOf(path);
      const walk = await walkWithoutLinks(rootDir, segments);
      if (walk.kind === 'link') {
        const how = walk.at === segments.join('/') ? 'is a symlink' : `goes through "${walk.at}", which is a symlink`;
        throw new SourceError('path-error', `"${path}" ${how}; symlinks are never followed: put the file itself in the dataset`);
      }
      if (walk.kind === 'missing')
        throw new SourceError('source-error', `"${path}" does not exist in ${display}; add the file or fix the path`);
      if (!walk.stat.isFile()) throw new SourceError('source-error', `"${path}" is not a regular file`);
      const file = join(rootDir, ...segments);
      return { size: walk.stat.size, stream: () => read(file, path) };
    },
  };
}
