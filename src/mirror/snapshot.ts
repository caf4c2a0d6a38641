/**
 * The snapshot port: one version of a dataset as publishing reads it (src/mirror/publish.ts).
 * The git adapter's GitDataset (src/adapters/git/dataset.ts) and a plain folder
 * (src/adapters/fs/snapshot.ts) implement it.
 */

import type { PackageSource } from '../package/source.ts';

/** What publishing needs from a dataset source. */
export interface DatasetSnapshot {
  commit: string;
  files: Array<{ path: string; oid: string; size: number; mode?: string; lfs?: { oid: string; size: number } }>;
  source: PackageSource;
  contentId(path: string): Promise<{ sha256: string; size: number }>;
  /** The GitHub repository the dataset comes from, when known. */
  github: { owner: string; repo: string } | null;
}
