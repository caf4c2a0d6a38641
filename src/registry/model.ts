/**
 * The registry's model (DESIGN.md, "Registry and the App"): the registry repository is a Data
 * Package of three CSVs. This module is the contract between the pure registry edits
 * (src/registry/edit.ts, csv.ts), the writer (writer.ts, through the GitHub port) and the App.
 */

/** A dataset's lifecycle in the registry. Only `published` datasets are in catalog.csv. */
export type DatasetStatus = 'queued' | 'validating' | 'published' | 'failed' | 'removed' | 'private';

/** One row of data/datasets.csv; keyed by the GitHub repository id (stable across renames and transfers). */
export interface DatasetEntry {
  repositoryId: number;
  /** GitHub owner login as GitHub spells it now. */
  owner: string;
  /** Repository name now. */
  repo: string;
  /** The package's `name` (catalog.csv `name`). */
  name: string;
  /** https URL of the repository (catalog.csv `url`). */
  url: string;
  /** Owned by the core organization (CORE_ORG). */
  core: boolean;
  title: string;
  defaultBranch: string;
  /** The default branch's head commit when last read ('' when unknown). */
  lastCommit: string;
  /** The descriptor was valid (descriptor level) at lastCommit. */
  valid: boolean;
  /** Where the dataset is (or would be) in the store: `datasets/{owner}/{name}/`. */
  s3Prefix: string;
  /** ISO time of the last change of this row. */
  updated: string;
  status: DatasetStatus;
  /**
   * Why it is not listed, when it is not (e.g. "owner mismatch", "deleted", "private", "no datapackage.json";
   * the vocabulary is REASONS in edit.ts); for a listed dataset, a note or '' ("archived": listed, read-only).
   */
  reason: string;
}

/** One row of data/changelog.csv (append-only). */
export interface ChangelogEntry {
  time: string;
  /** listed | updated | renamed | transferred | unlisted | removed | privatized | ... */
  event: string;
  /** owner/name at the time. */
  dataset: string;
  repositoryId: number;
  commit: string;
  /** The webhook delivery id that triggered it ('' for reconcile). */
  delivery: string;
  /** A short human note (why). */
  note: string;
}

export interface RegistryState {
  datasets: DatasetEntry[];
  changelog: ChangelogEntry[];
}

/**
 * The state of one repository as re-read from GitHub (an event only triggers a re-read; it is
 * never applied as state), with an installation token.
 */
export interface RepositoryObservation {
  repositoryId: number;
  /** false: deleted (404 by id) — the entry becomes `removed`. */
  exists: boolean;
  /** false: the App is no longer installed on it (uninstalled / removed from the installation). */
  installed: boolean;
  private: boolean;
  archived: boolean;
  owner: string;
  repo: string;
  htmlUrl: string;
  defaultBranch: string;
  headCommit: string | null;
  /** null when the default branch has no datapackage.json. */
  descriptor: {
    name: string | null;
    title: string | null;
    owner: string | null;
    /** Valid at descriptor level (JSON, schema, profile, semantics; owner must equal the GitHub owner). */
    valid: boolean;
    /** Short reasons when invalid (first few problem messages). */
    problems: string[];
  } | null;
}

/** What triggered a batch of changes (for the changelog). */
export interface ChangeContext {
  now: string;
  delivery: string;
  coreOrg: string;
}
