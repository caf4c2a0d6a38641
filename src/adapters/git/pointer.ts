/**
 * Git LFS pointer files (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md), parsed
 * strictly: a blob is a pointer only when it is exactly what git-lfs writes.
 */

/** The object a pointer stands for. */
export interface LfsPointer {
  /** sha256 of the content, 64 lowercase hex digits. */
  oid: string;
  /** Size of the content in bytes. */
  size: number;
}

/** git-lfs only looks at blobs smaller than this for pointers. */
export const POINTER_MAX_BYTES = 1024;

const VERSION_LINE = 'version https://git-lfs.github.com/spec/v1';

export type PointerParse =
  /** A well-formed pointer. */
  | { pointer: LfsPointer }
  /** Starts like a pointer but is not a valid one: why. */
  | { invalid: string }
  /** Not a pointer at all: ordinary content. */
  | null;

/**
 * Parse a blob as an LFS pointer. Returns null for ordinary content (anything that does not start
 * with the spec's version line), `{ invalid }` for a blob that starts like a pointer but breaks the
 * spec (so it is neither data nor a usable pointer), and `{ pointer }` otherwise.
 */
export function parseLfsPointer(bytes: Uint8Array): PointerParse {
  if (bytes.length >= POINTER_MAX_BYTES) return null;
  if (bytes.length < VERSION_LINE.length || Buffer.from(bytes.subarray(0, VERSION_LINE.length)).toString('latin1') !== VERSION_LINE)
    return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { invalid: 'it is not valid UTF-8' };
  }
  if (text.includes('\r')) return { invalid: 'it has carriage returns (CRLF line endings); pointers use "\\n"' };
  if (!text.endsWith('\n')) return { invalid: 'its last line does not end with a newline' };
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== VERSION_LINE) return { invalid: `its first line is not "${VERSION_LINE}"` };
  let oid: string | undefined;
  let size: number | undefined;
  let previous = '';
  for (const line of lines.slice(1)) {
    const m = /^([a-z0-9.-]+) (.+)$/.exec(line);
    if (!m) return { invalid: `the line "${line}" is not "key value"` };
    const [, key, value] = m as unknown as [string, string, string];
    if (key <= previous) return { invalid: `the key "${key}" is out of order or repeated (keys after "version" are sorted)` };
    previous = key;
    if (key === 'oid') {
      if (!/^sha256:[0-9a-f]{64}$/.test(value)) return { invalid: `its oid "${value}" is not "sha256:" and 64 lowercase hex digits` };
      oid = value.slice('sha256:'.length);
    } else if (key === 'size') {
      if (!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value)))
        return { invalid: `its size "${value}" is not a whole number of bytes` };
      size = Number(value);
    } else if (/^ext-\d+-/.test(key)) {
      return { invalid: `it uses the LFS extension "${key}", which is not supported` };
    } else {
      return { invalid: `it has the unknown key "${key}"` };
    }
  }
  if (oid === undefined) return { invalid: 'it has no oid line' };
  if (size === undefined) return { invalid: 'it has no size line' };
  return { pointer: { oid, size } };
}
