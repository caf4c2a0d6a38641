/**
 * A dataset folder that is not a git repository, as a publishable snapshot: files listed from the
 * filesystem (hidden files and symlinks left out), content ids by hashing, and a version id
 * derived from the content (`fs-<sha256 of the file list>`), so re-publishing unchanged files is a
 * no-op just as for an unchanged commit.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetSnapshot } from '../../mirror/snapshot.ts';
import { createFsSource } from './source.ts';

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function fsSnapshot(dir: string): Promise<DatasetSnapshot> {
  const source = await createFsSource(dir);
  const root = source.root;
  const files: DatasetSnapshot['files'] = [];
  const ids = new Map<string, { sha256: string; size: number }>();
  const walk = async (rel: string): Promise<void> => {
    for (const e of (await readdir(join(root, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      const st = await lstat(join(root, path));
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) await walk(path);
      else if (st.isFile()) {
        const sha256 = await sha256File(join(root, path));
        ids.set(path, { sha256, size: st.size });
        files.push({ path, oid: sha256, size: st.size });
      }
    }
  };
  await walk('');
  const version = createHash('sha256')
    .update(files.map((f) => `${f.path}\0${f.oid}\n`).join(''))
    .digest('hex');
  return {
    commit: `fs-${version.slice(0, 40)}`,
    files,
    source,
    github: null,
    async contentId(path) {
      const id = ids.get(path);
      if (!id) throw new Error(`${path} is not in the snapshot`);
      return id;
    },
  };
}
