/** Reads the registry repository's published files at a commit, for the read copy in the store. */

import type { GitHubClient } from '../adapters/github/octokit.ts';
import type { RegistryFile } from './feed.ts';
import type { RepoName } from './dispatch.ts';
import { httpStatusOf } from '../errors.ts';

/** `datapackage.json` and every `data/*.csv` of the registry at `commit` (raw bytes). */
export async function readRegistryFiles(octokit: GitHubClient, registry: RepoName, commit: string): Promise<RegistryFile[]> {
  const raw = async (path: string): Promise<Uint8Array | null> => {
    try {
      const res = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
        ...registry,
        path,
        ref: commit,
        mediaType: { format: 'raw' },
      });
      return typeof res.data === 'string' ? Buffer.from(res.data, 'utf8') : new Uint8Array(res.data as unknown as ArrayBuffer);
    } catch (e) {
      if (httpStatusOf(e) === 404) return null;
      throw e;
    }
  };
  const files: RegistryFile[] = [];
  const descriptor = await raw('datapackage.json');
  if (descriptor) files.push({ path: 'datapackage.json', body: descriptor });
  let listing: unknown = [];
  try {
    listing = (await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { ...registry, path: 'data', ref: commit })).data;
  } catch (e) {
    if (httpStatusOf(e) !== 404) throw e;
  }
  if (Array.isArray(listing)) {
    for (const f of listing as Array<{ type: string; name: string; path: string }>) {
      if (f.type !== 'file' || !f.name.endsWith('.csv')) continue;
      const body = await raw(f.path);
      if (body) files.push({ path: f.path, body });
    }
  }
  return files;
}
