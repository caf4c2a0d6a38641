/**
 * The port through which the validator reads a package. Adapters (filesystem, git, LFS) implement
 * it; the validator never touches the filesystem or the network itself.
 */

import { UserError, type UserErrorOptions } from '../errors.ts';
import { quoted } from './problem.ts';
import { DEFAULT_MAX_BYTES } from './json-document.ts';

/** One file of the package, opened. */
export interface FileHandle {
  /** Size in bytes, when known before reading. */
  size: number | null;
  /** The content, in chunks. Iterate once. */
  stream(): AsyncIterable<Uint8Array>;
}

export interface PackageSource {
  /** Where the package lives, as the user named it (for messages), e.g. `examples/budget`. */
  readonly root: string;
  /** The descriptor's path relative to `root` (normally `datapackage.json`). */
  readonly descriptorPath: string;
  /**
   * The descriptor's bytes. Throws DescriptorTooLargeError past DESCRIPTOR_MAX_BYTES: before
   * reading when the size is known, as soon as more has arrived otherwise (use readAtMost).
   */
  readDescriptor(): Promise<Uint8Array>;
  /**
   * Open a file by its package-relative POSIX path. Throws SourceError when the path is unsafe
   * (`path-error`), missing or unreadable (`source-error`), or an unfetched LFS object (`lfs-error`).
   */
  open(path: string): Promise<FileHandle>;
}

export type SourceErrorCode = 'path-error' | 'source-error' | 'lfs-error' | 'scheme-error';

/** A file the source refuses or fails to open; the message says why and what to do. */
export class SourceError extends UserError {
  declare readonly code: SourceErrorCode;

  constructor(code: SourceErrorCode, message: string, options: UserErrorOptions = {}) {
    super(code, message, options);
  }
}

/** The largest descriptor a source hands out (the loader's limit, src/package/json-document.ts). */
export const DESCRIPTOR_MAX_BYTES = DEFAULT_MAX_BYTES;

/** A descriptor over the size limit, refused without reading it all; `size` is null when only known to be larger. */
export class DescriptorTooLargeError extends UserError {
  constructor(
    readonly size: number | null,
    readonly maxBytes: number,
  ) {
    super(
      'descriptor-too-large',
      `the descriptor is ${size === null ? 'larger than' : `${size} bytes, more than`} the ${maxBytes}-byte limit`,
      {
        hint: 'Keep datapackage.json small: put the data in CSV resources, not inline.',
      },
    );
  }
}

/**
 * The bytes of a file of `size` (null: unknown) that may be at most `max` bytes long: refused
 * before reading when the size says so, and reading stops as soon as more than `max` arrived (the
 * file may be larger than announced, or have grown since).
 */
export async function readAtMost(
  size: number | null,
  chunks: () => AsyncIterable<Uint8Array>,
  max: number = DESCRIPTOR_MAX_BYTES,
): Promise<Uint8Array> {
  if (size !== null && size > max) throw new DescriptorTooLargeError(size, max);
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of chunks()) {
    n += chunk.byteLength;
    if (n > max) throw new DescriptorTooLargeError(null, max);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/**
 * Lexical safety of a package-relative path: why it is refused (a phrase to follow the path, e.g.
 * `"../x.csv" has a ".." segment ...`), or undefined when it may be opened. http(s) URLs are
 * remote resources, not paths: callers tell them apart with isRemote first. Adapters add the
 * checks that need the filesystem, such as symlinks.
 */
export function unsafePathReason(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (/[\u0000-\u001f]/.test(path)) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash; use "/" as the separator';
  if (/^[a-zA-Z]:/.test(path)) return 'is an absolute Windows path (drive letter)';
  if (path.startsWith('/')) return 'is absolute; give it relative to datapackage.json';
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path))
    return `has a URL scheme (${quoted(path.slice(0, path.indexOf(':') + 1))}) other than http(s)`;
  if (path.split('/').includes('..')) return 'has a ".." segment and so can leave the dataset';
  return undefined;
}

/** True for `http(s)://` paths and urls: remote resources. */
export function isRemote(path: string): boolean {
  return /^https?:\/\//i.test(path);
}
