/**
 * Walking a relative path down from a folder without following symlinks: every component is
 * looked at with lstat, so a link anywhere on the way (not only at the end) is seen. Datasets are
 * read from real folders and regular files only: a link could lead out of the dataset, or into
 * files a published snapshot does not contain.
 */

import { constants, type Stats } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type Walk =
  /** Every component exists and none is a symlink; the stat of the last one (of `base` for no segments). */
  | { kind: 'ok'; stat: Stats }
  /** `at` (the segments up to and including the link, joined with "/") is a symlink. */
  | { kind: 'link'; at: string }
  /** `at` does not exist (or a component before it is not a folder). */
  | { kind: 'missing'; at: string };

/** The segments of a POSIX relative path, without empty and "." segments. */
export function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/** Walk `segments` down from `base` (base itself may be reached through links: it is trusted) and say where it stops. */
export async function walkWithoutLinks(base: string, segments: readonly string[]): Promise<Walk> {
  let st: Stats;
  try {
    st = await stat(base);
  } catch {
    return { kind: 'missing', at: '' };
  }
  for (let i = 0; i < segments.length; i++) {
    const at = segments.slice(0, i + 1).join('/');
    try {
      st = await lstat(join(base, ...segments.slice(0, i + 1)));
    } catch {
      return { kind: 'missing', at };
    }
    if (st.isSymbolicLink()) return { kind: 'link', at };
  }
  return { kind: 'ok', stat: st };
}

/** Flags that open a file for reading but fail on a symlink in the last component (where the platform has O_NOFOLLOW). */
export const READ_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);
