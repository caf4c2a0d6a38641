/**
 * The registry: its model, the pure CSV and edit functions, and the GitHub-facing observer,
 * writer and reconcile loop — what the App (app/) and the CLI build on.
 */

export type { ChangeContext, ChangelogEntry, RepositoryObservation } from './model.ts';
export { REGISTRY_FILES, parseRegistryFiles, serializeRegistry } from './csv.ts';
export { applyObservations } from './edit.ts';
export { observeRepository } from './observe.ts';
export { createRegistryWriter } from './writer.ts';
export { reconcile } from './reconcile.ts';
