/**
 * `os-datastore site`: the catalog at the root of the prefix and every dataset's page, from what
 * the store holds. The catalog lists the registry's datasets when the store has the registry's
 * read copy (the App writes `registry/data/datasets.csv`), else the datasets published there.
 * Reads go through the StoreReader port, writes through the ObjectStore port.
 */

import { CACHE_LATEST, DatasetLayout } from '../mirror/layout.ts';
import type { ObjectStore } from '../mirror/object-store.ts';
import type { DatasetState } from '../mirror/plan.ts';
import { isDatasetName, isGitHubLogin } from '../package/names.ts';
import { listVersions } from '../read/dataset.ts';
import type { StoreReader } from '../read/reader.ts';
import { parseRegistry } from '../registry/csv.ts';
import type { Report } from '../validate/report.ts';
import { CATALOG_KEY, catalogPage, type CatalogEntry } from './catalog.ts';
import { datasetPage, type DatasetPageData } from './dataset-page.ts';
import { sha256Hex } from '../mirror/plan.ts';

export interface SiteResult {
  /** The catalog's key and public URL. */
  catalog: string;
  url: string;
  source: 'registry' | 'store';
  datasets: number;
  pages: number;
  /** Datasets whose page could not be made (damaged objects), with why. */
  skipped: Array<{ dataset: string; reason: string }>;
}

async function json<T>(reader: StoreReader, key: string): Promise<T | null> {
  const bytes = await reader.get(key);
  if (!bytes) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    return null;
  }
}

/** A dataset page's data, read back from the store; null when the dataset is not published there. */
export async function pageDataFromStore(reader: StoreReader, layout: DatasetLayout): Promise<DatasetPageData | null> {
  const state = await json<DatasetState>(reader, layout.state);
  if (!state || typeof state.commit !== 'string' || !state.files || typeof state.files !== 'object') return null;
  const descriptor = (await json<Record<string, unknown>>(reader, layout.latest('datapackage.json'))) ?? {};
  const report = await json<Report>(reader, layout.report(state.commit));
  const aggregates: Record<string, string> = {};
  for (const key of Object.keys(state.generated ?? {})) {
    if (!key.startsWith(layout.root + 'aggregates/')) continue;
    const bytes = await reader.get(key);
    if (bytes) aggregates[key.slice(layout.root.length)] = Buffer.from(bytes).toString('utf8');
  }
  return {
    owner: layout.owner,
    name: layout.name,
    root: layout.root,
    commit: state.commit,
    publishedAt: String(state.publishedAt ?? ''),
    descriptor: descriptor && typeof descriptor === 'object' && !Array.isArray(descriptor) ? descriptor : {},
    report: report && Array.isArray(report.errors) && Array.isArray(report.warnings) && report.stats ? report : null,
    files: Object.fromEntries(Object.entries(state.files).map(([p, f]) => [p, Number(f?.size) || 0])),
    versions: await listVersions(reader, layout).catch(() => []),
    aggregates: Object.keys(aggregates).length ? aggregates : null,
  };
}

export interface BuildSiteOptions {
  reader: StoreReader;
  store: ObjectStore;
  /** Every published dataset (owner/name), for a store without the registry's read copy. */
  listDatasets(): Promise<Array<{ owner: string; name: string }>>;
}

export async function buildSite(options: BuildSiteOptions): Promise<SiteResult> {
  const { reader, store } = options;
  const registry = await reader.get('registry/data/datasets.csv');
  const wanted: Array<{ owner: string; name: string; core: boolean; title: string; repository: string | null; updated: string }> = [];
  let source: SiteResult['source'] = 'store';
  if (registry) {
    source = 'registry';
    const { datasets } = parseRegistry({ datasets: Buffer.from(registry).toString('utf8'), changelog: '' });
    for (const d of datasets) {
      if (d.status === 'removed' || d.status === 'private') continue;
      // Where the dataset lives in the store: its S3 prefix, else owner and name.
      const m = /^datasets\/([^/]+)\/([^/]+)\/$/.exec(d.s3Prefix);
      const owner = (m?.[1] ?? d.owner).toLowerCase();
      const name = m?.[2] ?? d.name;
      wanted.push({ owner, name, core: d.core, title: d.title, repository: d.url || null, updated: d.updated });
    }
  } else {
    for (const d of await options.listDatasets()) wanted.push({ ...d, core: false, title: '', repository: null, updated: '' });
  }

  const entries: CatalogEntry[] = [];
  const skipped: SiteResult['skipped'] = [];
  let pages = 0;
  for (const w of wanted) {
    const inStore = isGitHubLogin(w.owner) && isDatasetName(w.name);
    const data = inStore ? await pageDataFromStore(reader, new DatasetLayout(w.owner, w.name)).catch((e: unknown) => (skipped.push({ dataset: `${w.owner}/${w.name}`, reason: (e as Error).message }), null)) : null;
    if (data) {
      const html = new TextEncoder().encode(datasetPage(data));
      const layout = new DatasetLayout(w.owner, w.name);
      await store.put(layout.page, html, { contentType: 'text/html; charset=utf-8', cacheControl: CACHE_LATEST, sha256: sha256Hex(html), size: html.length });
      pages++;
    }
    const title = w.title || (typeof data?.descriptor.title === 'string' ? data.descriptor.title : '');
    entries.push({
      owner: w.owner,
      name: w.name,
      title,
      core: w.core,
      updated: data?.publishedAt || w.updated,
      bytes: data ? Object.values(data.files).reduce((a, b) => a + b, 0) : null,
      page: data ? `${new DatasetLayout(w.owner, w.name).root}index.html` : null,
      repository: w.repository,
    });
  }
  const html = new TextEncoder().encode(catalogPage(entries, source === 'registry' ? 'the OpenSpending registry' : 'the datasets published in this store'));
  await store.put(CATALOG_KEY, html, { contentType: 'text/html; charset=utf-8', cacheControl: CACHE_LATEST, sha256: sha256Hex(html), size: html.length });
  return { catalog: CATALOG_KEY, url: store.url(CATALOG_KEY), source, datasets: entries.length, pages, skipped };
}
