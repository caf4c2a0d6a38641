/**
 * A package on the local filesystem. Every resource path is checked before it is opened: no
 * absolute paths, no `..`, and nothing that resolves (through symlinks) outside the package.
 */

import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { isRemote, SourceError, unsafePathReason, type FileHandle, type PackageSource } from '../../package/source.ts';
import { openRemote } from '../http/remote-file.ts';

/** The target could not be used at all (exit code 2 in the CLI). */
export class SourceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceUnavailableError';
  }
}

const CHUNK = 256 * 1024;

/**
 * A source for a package directory, or for a descriptor file path. `display` is how the root is
 * shown in messages (defaults to `target` as given).
 */
export async function createFsSource(target: string): Promise<PackageSource> {
  let st;
  try {
    st = await stat(target);
  } catch {
    throw new SourceUnavailableError(`${target}: no such file or directory; give a dataset directory or its datapackage.json`);
  }
  const descriptorFile = st.isDirectory() ? join(target, 'datapackage.json') : target;
  const rootDir = st.isDirectory() ? target : dirname(target);
  try {
    const d = await stat(descriptorFile);
    if (!d.isFile()) throw new Error('not a file');
  } catch {
    throw new SourceUnavailableError(`${descriptorFile}: not found; a dataset needs a datapackage.json at its root`);
  }
  const realRoot = await realpath(rootDir);
  const display = rootDir === '' ? '.' : rootDir;

  return {
    root: display,
    descriptorPath: basename(descriptorFile),
    readDescriptor: () => readFile(descriptorFile),
    async open(path: string): Promise<FileHandle> {
      if (isRemote(path)) return openRemote(path);
      const reason = unsafePathReason(path);
      if (reason) throw new SourceError('path-error', `"${path}" ${reason}; it was not opened`);
      const full = resolve(realRoot, path);
      let real: string;
      try {
        real = await realpath(full);
      } catch {
        throw new SourceError('source-error', `"${path}" does not exist in ${display}; add the file or fix the path`);
      }
      const rel = relative(realRoot, real);
      if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || resolve(realRoot, rel) !== real) {
        throw new SourceError('path-error', `"${path}" resolves through a symlink to a place outside the dataset; it was not opened`);
      }
      const info = await stat(real);
      if (!info.isFile()) throw new SourceError('source-error', `"${path}" is not a regular file`);
      return {
        size: info.size,
        stream: () => createReadStream(real, { highWaterMark: CHUNK }),
      };
    },
  };
}
