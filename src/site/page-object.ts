/** The dataset's pages as `publish` writes them: the latest page (short cache, rewritten when it changes) and the version's (immutable). */

import { CACHE_IMMUTABLE, CACHE_LATEST, type DatasetLayout } from '../mirror/layout.ts';
import { sha256Hex, type GeneratedObject } from '../mirror/plan.ts';
import { datasetPage, type DatasetPageData } from './dataset-page.ts';

/** Generated objects under `aggregates/` as the page reads them (path → text). */
export function aggregateTexts(layout: DatasetLayout, generated: readonly GeneratedObject[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const g of generated)
    if (g.key.startsWith(layout.root + 'aggregates/')) out[g.key.slice(layout.root.length)] = Buffer.from(g.content).toString('utf8');
  return Object.keys(out).length ? out : null;
}

export function datasetPageObject(layout: DatasetLayout, data: Omit<DatasetPageData, 'owner' | 'name' | 'root'>): GeneratedObject {
  const content = new TextEncoder().encode(datasetPage({ ...data, owner: layout.owner, name: layout.name, root: layout.root }));
  return { key: layout.page, content, contentType: 'text/html; charset=utf-8', cacheControl: CACHE_LATEST, sha256: sha256Hex(content) };
}

export function versionPageObject(
  layout: DatasetLayout,
  commit: string,
  data: Omit<DatasetPageData, 'owner' | 'name' | 'root'>,
): GeneratedObject {
  const content = new TextEncoder().encode(
    datasetPage({ ...data, owner: layout.owner, name: layout.name, root: layout.root }, { version: true }),
  );
  return {
    key: layout.versionPage(commit),
    content,
    contentType: 'text/html; charset=utf-8',
    cacheControl: CACHE_IMMUTABLE,
    sha256: sha256Hex(content),
  };
}
