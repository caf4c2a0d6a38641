/**
 * Shared by the publish benchmark's children: a fresh embedded s3rver (its own temporary
 * directory, removed afterwards) and the dataset files a publish mirrors.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedStore, type EmbeddedStore } from '../src/adapters/s3/embedded.ts';

/** Runs `fn` against a fresh s3rver on 127.0.0.1 (data under the OS temp dir), then stops and removes it. */
export async function withFreshS3<T>(fn: (s3: EmbeddedStore) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'osds-bench-s3-'));
  let s3: EmbeddedStore | undefined;
  try {
    s3 = await startEmbeddedStore({ directory, port: 0 });
    return await fn(s3);
  } finally {
    await s3?.close();
    await rm(directory, { recursive: true, force: true });
  }
}

/** The dataset's files as publish mirrors them: POSIX paths, hidden files and folders left out, sorted. */
export async function datasetFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(rel === '' ? dir : join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) out.push(path);
    }
  };
  await walk('');
  return out.sort();
}
