/**
 * The read side for programs: open a published dataset at a version, list its files, stream one
 * verified. What `get`, `versions` and `restore` use, and what a loader into SQL would use:
 *
 *   const reader = publicStoreReader('https://bucket.s3.amazonaws.com/prefix');
 *   const version = await openDataset(reader, { owner: 'os-data', name: 'city-budget-2024' });
 *   for (const f of version.files) for await (const chunk of version.stream(f.path)) ...
 */

export { aggregateStream, listVersions, openDataset, parseDatasetRef, safePath, verifiedStream } from './dataset.ts';
export type { AggregateFile, DatasetFile, DatasetRef, PublishedVersion } from './dataset.ts';
export { downloadVersion, type DownloadResult } from './download.ts';
export { ReadError, type StoreReader } from './reader.ts';
export type { VersionEntry, VersionIndex } from '../mirror/versions.ts';
export { publicStoreReader } from '../adapters/http/public-store.ts';
export { s3StoreReader } from '../adapters/s3/reader.ts';
