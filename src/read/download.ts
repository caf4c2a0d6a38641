/**
 * Write a published version's files under a folder, each verified on the way (see
 * verifiedStream): the folder writer behind `get` and `restore`.
 */

import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mapLimit } from '../concurrency.ts';
import { aggregateStream, type PublishedVersion } from './dataset.ts';

export interface DownloadResult {
  files: number;
  bytes: number;
  aggregates: number;
}

/** Write every file of `version` (and, with `aggregates`, its aggregates under `aggregates/`) into the existing folder `dir`. */
export async function downloadVersion(
  version: PublishedVersion,
  dir: string,
  options: { aggregates?: boolean; concurrency?: number } = {},
): Promise<DownloadResult> {
  const write = async (path: string, body: AsyncIterable<Uint8Array>): Promise<void> => {
    const file = join(dir, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    // 'wx': never through a link or over a file (the folder is new; paths were checked).
    await pipeline(Readable.from(body), createWriteStream(file, { flags: 'wx' }));
  };
  // The largest first, so the longest download starts at once.
  const files = [...version.files].sort((a, b) => b.size - a.size);
  await mapLimit(files, options.concurrency ?? 4, (f) => write(f.path, version.stream(f.path)));
  const aggregates = options.aggregates ? version.aggregates : [];
  await mapLimit(aggregates, options.concurrency ?? 4, (a) => write(a.path, aggregateStream(version, a)));
  return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0), aggregates: aggregates.length };
}
