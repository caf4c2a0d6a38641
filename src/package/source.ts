/**
 * The port through which the validator reads a package. Adapters (filesystem, git, LFS) implement
 * it; the validator never touches the filesystem or the network itself.
 */

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
  readDescriptor(): Promise<Uint8Array>;
  /**
   * Open a file by its package-relative POSIX path. Throws SourceError when the path is unsafe
   * (`path-error`), missing or unreadable (`source-error`), or an unfetched LFS object (`lfs-error`).
   */
  open(path: string): Promise<FileHandle>;
}

export type SourceErrorCode = 'path-error' | 'source-error' | 'lfs-error' | 'scheme-error';

/** A file the source refuses or fails to open; the message says why and what to do. */
export class SourceError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/**
 * Lexical safety of a package-relative path: the reason it is refused, or null when it may be
 * opened. (Adapters add the checks that need the filesystem, such as symlinks.)
 */
export function unsafePathReason(path: string): string | null {
  if (path === '') return 'the path is empty';
  if (path.includes('\0')) return 'the path contains a NUL character';
  if (path.includes('\\')) return 'the path contains a backslash; use "/" between folders';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'the path is absolute; give it relative to datapackage.json';
  if (path.split('/').some((seg) => seg === '..')) return 'the path contains "..", which would leave the dataset';
  return null;
}

/** True for `http(s)://` paths and urls: remote resources. */
export function isRemote(path: string): boolean {
  return /^https?:\/\//i.test(path);
}
