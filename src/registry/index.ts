/**
 * The registry: its model, the pure CSV and edit functions, and the GitHub-facing observer,
 * writer and reconcile loop — what the App (app/) and the CLI build on.
 */

export type { ChangeContext, ChangelogEntry, DatasetEntry, DatasetStatus, RegistryState, RepositoryObservation } from './model.ts';
export {
  CATALOG_COLUMNS,
  CHANGELOG_COLUMNS,
  DATASET_COLUMNS,
  DATASET_STATUSES,
  REGISTRY_FILES,
  RegistryFormatError,
  catalogOf,
  csvCell,
  parseRegistry,
  parseRegistryFiles,
  serializeRegistry,
  sortDatasets,
  type CatalogEntry,
  type RegistryFile,
  type RegistryFiles,
} from './csv.ts';
export { EVENTS, REASONS, applyObservations, s3PrefixOf, summarizeChanges, type EditResult } from './edit.ts';
export { observeRepository, type ObserveOptions } from './observe.ts';
export {
  RegistryConflictError,
  RegistryRepositoryError,
  createRegistryWriter,
  type RegistrySnapshot,
  type RegistryWriter,
  type RegistryWriterOptions,
  type UpdateResult,
} from './writer.ts';
export { reconcile, type ReconcileDeps, type ReconcileResult } from './reconcile.ts';
