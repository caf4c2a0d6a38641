/** Reads the registry repository's published files at a commit, for the read copy in the store. */

import type { GitHubPort } from '../registry/github-port.ts';
import type { RepoName } from './dispatch.ts';
import type { RegistryFile } from './feed.ts';

/** `datapackage.json` and every `data/*.csv` of the registry at `commit` (raw bytes). */
export async function readRegistryFiles(github: GitHubPort, registry: RepoName, commit: string): Promise<RegistryFile[]> {
  const files: RegistryFile[] = [];
  const descriptor = await github.rawFile(registry, 'datapackage.json', commit);
  if (descriptor) files.push({ path: 'datapackage.json', body: descriptor });
  const listing = await github.contentEntry(registry, 'data', commit);
  if (listing?.kind === 'directory') {
    for (const f of listing.entries) {
      if (f.type !== 'file' || !f.name.endsWith('.csv')) continue;
      const body = await github.rawFile(registry, f.path, commit);
      if (body) files.push({ path: f.path, body });
    }
  }
  return files;
}
