/**
 * What publishing reads a dataset from: one commit's files and a package source over them (the
 * git adapter's GitDataset, or a plain folder: src/adapters/fs/snapshot.ts), and which of those
 * files a published dataset holds.
 */

import type { PackageSource } from '../package/source.ts';
import { RESERVED_TOP } from './layout.ts';

/** What publishing needs from a dataset source (the git adapter's GitDataset provides it). */
export interface DatasetSnapshot {
  commit: string;
  files: Array<{ path: string; oid: string; size: number; mode?: string; lfs?: { oid: string; size: number } }>;
  source: PackageSource;
  contentId(path: string): Promise<{ sha256: string; size: number }>;
  /** The GitHub repository the dataset comes from, when known. */
  github: { owner: string; repo: string } | null;
}

/** Files that are part of the published dataset: not hidden (.github, .gitattributes...), not symlinks, not in reserved folders. */
export function isPublishedPath(path: string, mode?: string): boolean {
  if (mode === '120000' || mode === '160000') return false;
  const segments = path.split('/');
  if (segments.some((s) => s.startsWith('.'))) return false;
  return !RESERVED_TOP.has(segments[0]!);
}
