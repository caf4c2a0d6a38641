/**
 * Where things live in the bucket (DESIGN.md, "Publishing to S3"), relative to the store prefix:
 *
 *   datasets/{owner}/{name}/datapackage.json          latest descriptor
 *   datasets/{owner}/{name}/{file paths...}           latest files
 *   datasets/{owner}/{name}/aggregates/...            computed aggregates
 *   datasets/{owner}/{name}/reports/{commit}.json     validation report (+ reports/badge.svg)
 *   datasets/{owner}/{name}/versions/{commit}.json    version manifest
 *   datasets/{owner}/{name}/versions/index.json       every published version, newest first
 *   datasets/{owner}/{name}/versions/{commit}.html    that version's page (immutable)
 *   datasets/{owner}/{name}/index.html                the dataset's page (for people)
 *   datasets/{owner}/{name}/blobs/sha256/{hash}       content-addressed copies
 *   datasets/{owner}/{name}/.datastore/pending.json   what a run in progress may change
 *   datasets/{owner}/{name}/.datastore/state.json     the commit point, written last
 *
 * Every key fits S3's 1,024 bytes: owner, name, paths and prefix are bounded in
 * src/package/names.ts (validated before anything is written).
 */

import { isDatasetName, isGitHubLogin } from '../package/names.ts';
import { InternalError } from '../errors.ts';

/** First path segments the datastore writes itself; a dataset's own files there are not mirrored. */
export const RESERVED_TOP = new Set(['aggregates', 'reports', 'versions', 'blobs', '.datastore', 'index.html']);

export { isKeySegment } from '../package/names.ts';

export class DatasetLayout {
  /** e.g. `datasets/os-data/city-budget-2024/` */
  readonly root: string;

  constructor(
    readonly owner: string,
    readonly name: string,
  ) {
    // Callers check the owner and the name first (a problem in the report, a usage error): reaching this is a bug.
    if (!isGitHubLogin(owner) || owner !== owner.toLowerCase())
      throw new InternalError('storage-key', `owner "${owner}" cannot be used in a storage key`);
    if (!isDatasetName(name)) throw new InternalError('storage-key', `name "${name}" cannot be used in a storage key`);
    this.root = `datasets/${owner}/${name}/`;
  }

  latest(path: string): string {
    return this.root + path;
  }
  blob(sha256: string): string {
    return `${this.root}blobs/sha256/${sha256}`;
  }
  version(commit: string): string {
    return `${this.root}versions/${commit}.json`;
  }
  /** Every published version, newest first (read anonymously by `versions`, `get`, the page). */
  get versionIndex(): string {
    return `${this.root}versions/index.json`;
  }
  /** A version's web page (never changes). */
  versionPage(commit: string): string {
    return `${this.root}versions/${commit}.html`;
  }
  /** The dataset's web page. */
  get page(): string {
    return `${this.root}index.html`;
  }
  report(commit: string): string {
    return `${this.root}reports/${commit}.json`;
  }
  get badge(): string {
    return `${this.root}reports/badge.svg`;
  }
  get state(): string {
    return `${this.root}.datastore/state.json`;
  }
  get pending(): string {
    return `${this.root}.datastore/pending.json`;
  }
}

/** Content-Type by file name. */
export function contentTypeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  switch (ext) {
    case 'csv':
      return 'text/csv; charset=utf-8';
    case 'tsv':
      return 'text/tab-separated-values; charset=utf-8';
    case 'json':
      return 'application/json';
    case 'svg':
      return 'image/svg+xml';
    case 'md':
      return 'text/markdown; charset=utf-8';
    case 'txt':
      return 'text/plain; charset=utf-8';
    case 'html':
      return 'text/html; charset=utf-8';
    default:
      return 'application/octet-stream';
  }
}

/** Content-addressed and per-commit objects never change; latest paths and state do. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_LATEST = 'public, max-age=60, must-revalidate';
export const CACHE_STATE = 'no-cache';
