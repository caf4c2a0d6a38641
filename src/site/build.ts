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
import { mapLimit } from '../concurrency.ts';

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

async function json<T>(reader: Pick<StoreReader, 'get'>, key: string): Promise<T | null> {
  const bytes = await reader.get(key);
  if (!bytes) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    return null;
  }
}

/** The dataset's `.datastore/state.json`, or null when it is not published (or not readable). */
async function publishedState(reader: Pick<StoreReader, 'get'>, layout: DatasetLayout): Promise<DatasetState | null> {
  const state = await json<DatasetState>(reader, layout.state);
  return state && typeof state.commit === 'string' && state.files && typeof state.files === 'object' ? state : null;
}

/** The latest published `datapackage.json` (an object; {} when missing or not an object). */
async function latestDescriptor(reader: Pick<StoreReader, 'get'>, layout: DatasetLayout): Promise<Record<string, unknown>> {
  const descriptor = await json<unknown>(reader, layout.latest('datapackage.json'));
  return descriptor && typeof descriptor === 'object' && !Array.isArray(descriptor) ? (descriptor as Record<string, unknown>) : {};
}

const fileSizes = (state: DatasetState): Record<string, number> =>
  Object.fromEntries(Object.entries(state.files).map(([p, f]) => [p, Number(f?.size) || 0]));

/** A dataset page's data, read back from the store; null when the dataset is not published there. */
async function pageDataFromStore(reader: StoreReader, layout: DatasetLayout): Promise<DatasetPageData | null> {
  const state = await publishedState(reader, layout);
  if (!state) return null;
  const descriptor = await latestDescriptor(reader, layout);
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
    descriptor,
    report: report && Array.isArray(report.errors) && Array.isArray(report.warnings) && report.stats ? report : null,
    files: fileSizes(state),
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

/** Where the registry's datasets are read from (the App's read copy of the registry). */
const REGISTRY_DATASETS_KEY = 'registry/data/datasets.csv';

/** A dataset the catalog lists, before its published state is read. */
interface Wanted {
  owner: string;
  name: string;
  core: boolean;
  title: string;
  repository: string | null;
  updated: string;
}

/** What the catalog shows of a dataset published in the store. */
interface Published {
  publishedAt: string;
  bytes: number;
  title: string;
}

/** The datasets that are in OpenSpending, from the registry's `data/datasets.csv` (removed and private ones left out). */
function registryDatasets(datasetsCsv: string): Wanted[] {
  const { datasets } = parseRegistry({ datasets: datasetsCsv, changelog: '' });
  const wanted: Wanted[] = [];
  for (const d of datasets) {
    if (d.status === 'removed' || d.status === 'private') continue;
    // Where the dataset lives in the store: its S3 prefix, else owner and name.
    const m = /^datasets\/([^/]+)\/([^/]+)\/$/.exec(d.s3Prefix);
    const owner = (m?.[1] ?? d.owner).toLowerCase();
    const name = m?.[2] ?? d.name;
    wanted.push({ owner, name, core: d.core, title: d.title, repository: d.url || null, updated: d.updated });
  }
  return wanted;
}

/** The dataset's layout in the store, or null when its owner or name cannot be a key there. */
const layoutOf = (w: Wanted): DatasetLayout | null =>
  isGitHubLogin(w.owner) && isDatasetName(w.name) ? new DatasetLayout(w.owner, w.name) : null;

function entryOf(w: Wanted, published: Published | null): CatalogEntry {
  return {
    owner: w.owner,
    name: w.name,
    title: w.title || published?.title || '',
    core: w.core,
    updated: published?.publishedAt || w.updated,
    bytes: published ? published.bytes : null,
    page: published ? `${new DatasetLayout(w.owner, w.name).root}index.html` : null,
    repository: w.repository,
  };
}

const publishedOf = (data: Pick<DatasetPageData, 'publishedAt' | 'files' | 'descriptor'>): Published => ({
  publishedAt: data.publishedAt,
  bytes: Object.values(data.files).reduce((a, b) => a + b, 0),
  title: typeof data.descriptor['title'] === 'string' ? data.descriptor['title'] : '',
});

async function writeCatalog(store: ObjectStore, entries: CatalogEntry[], source: SiteResult['source']): Promise<void> {
  const html = new TextEncoder().encode(
    catalogPage(entries, source === 'registry' ? 'the OpenSpending registry' : 'the datasets published in this store'),
  );
  await store.put(CATALOG_KEY, html, {
    contentType: 'text/html; charset=utf-8',
    cacheControl: CACHE_LATEST,
    sha256: sha256Hex(html),
    size: html.length,
  });
}

/** Datasets whose published state is read at once when refreshing the catalog. */
const CATALOG_READS = 8;

/**
 * Rewrites the catalog (`index.html` at the root of the prefix) from a copy of the registry's
 * `data/datasets.csv` — the one being written to the store, not whatever the store holds — with
 * each dataset's last update and size read from its `.datastore/state.json`. The App calls it
 * whenever it writes the registry's read copy; dataset pages are publish's to write.
 */
export async function writeRegistryCatalog(
  reader: Pick<StoreReader, 'get'>,
  store: ObjectStore,
  datasetsCsv: string,
): Promise<{ catalog: string; url: string; datasets: number }> {
  const wanted = registryDatasets(datasetsCsv);
  const entries = await mapLimit(wanted, CATALOG_READS, async (w) => {
    const layout = layoutOf(w);
    const state = layout ? await publishedState(reader, layout) : null;
    if (!layout || !state) return entryOf(w, null);
    // The title comes from the registry; the published descriptor only when the registry has none.
    const descriptor = w.title ? {} : await latestDescriptor(reader, layout);
    return entryOf(w, publishedOf({ publishedAt: String(state.publishedAt ?? ''), files: fileSizes(state), descriptor }));
  });
  await writeCatalog(store, entries, 'registry');
  return { catalog: CATALOG_KEY, url: store.url(CATALOG_KEY), datasets: entries.length };
}

export async function buildSite(options: BuildSiteOptions): Promise<SiteResult> {
  const { reader, store } = options;
  const registry = await reader.get(REGISTRY_DATASETS_KEY);
  const source: SiteResult['source'] = registry ? 'registry' : 'store';
  const wanted: Wanted[] = registry
    ? registryDatasets(Buffer.from(registry).toString('utf8'))
    : (await options.listDatasets()).map((d) => ({ ...d, core: false, title: '', repository: null, updated: '' }));

  const entries: CatalogEntry[] = [];
  const skipped: SiteResult['skipped'] = [];
  let pages = 0;
  for (const w of wanted) {
    const layout = layoutOf(w);
    const data = layout
      ? await pageDataFromStore(reader, layout).catch(
          (e: unknown) => (skipped.push({ dataset: `${w.owner}/${w.name}`, reason: (e as Error).message }), null),
        )
      : null;
    if (data && layout) {
      const html = new TextEncoder().encode(datasetPage(data));
      await store.put(layout.page, html, {
        contentType: 'text/html; charset=utf-8',
        cacheControl: CACHE_LATEST,
        sha256: sha256Hex(html),
        size: html.length,
      });
      pages++;
    }
    entries.push(entryOf(w, data ? publishedOf(data) : null));
  }
  await writeCatalog(store, entries, source);
  return { catalog: CATALOG_KEY, url: store.url(CATALOG_KEY), source, datasets: entries.length, pages, skipped };
}
