/**
 * `migrate DUMP --publish [--registry DIR]`: each converted package goes through the same
 * pipeline as `publish` (validated again, mirrored under `datasets/{owner}/{name}/` with its
 * aggregates; the embedded store when nothing is configured), then is listed in a local registry
 * folder made from `registry-template/`.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsSnapshot } from '../adapters/fs/snapshot.ts';
import { createParallelRunner } from '../adapters/threads/parallel.ts';
import { publishDataset } from '../pipeline/publish.ts';
import type { BatchReport, DatasetOutcome } from '../migrate/batch.ts';
import { ensureLocalRegistry, migratedObservation, registerLocal } from '../migrate/registry.ts';
import type { Io } from './io.ts';
import { UsageError } from './io.ts';
import { coreOrgOf, type MigrateFlags } from './migrate.ts';
import { openStore } from './publish.ts';

export const REGISTRY_TEMPLATE = fileURLToPath(new URL('../../registry-template/', import.meta.url));

export interface Publishing {
  afterConvert(outcome: DatasetOutcome, dir: string): Promise<void>;
  close(): Promise<void>;
  finish(report: BatchReport): Promise<void>;
}

export async function openPublishing(flags: MigrateFlags, io: Io): Promise<Publishing> {
  if (flags.createRepos)
    throw new UsageError(
      '--create-repos is not available in this version: publish with --publish and list with --registry DIR, then push each OUT/<name>/ folder to a repository',
    );
  // Without --publish, --registry lists the packages already converted (and published by an
  // earlier run or by the shards of a matrix): the registry job of examples/workflows/migrate.yml.
  const opened = flags.publish ? await openStore(flags, io) : null;
  if (flags.registry) await ensureLocalRegistry(flags.registry, REGISTRY_TEMPLATE);
  return {
    async afterConvert(outcome, dir) {
      const descriptor = JSON.parse(await readFile(join(dir, 'datapackage.json'), 'utf8')) as {
        title?: unknown;
        name?: unknown;
        owner?: unknown;
      };
      if (opened) {
        const snapshot = await fsSnapshot(dir);
        const runner = createParallelRunner({ warn: (message) => io.stderr(`warning: ${message}\n`) });
        const result = await publishDataset(snapshot, opened.store, { owner: outcome.owner, maxErrors: 50, runner }).finally(() =>
          runner.close(),
        );
        outcome.publish = { status: result.status, url: result.url, prefix: result.prefix, version: result.commit };
        if (result.status === 'invalid') {
          outcome.publish.status = 'failed';
          outcome.publish.error = 'the package was refused by publish validation';
          return;
        }
      } else outcome.publish = { status: 'not published here' };
      if (flags.registry) {
        // The descriptor's spelling (the store's keys are lowercase).
        const owner = typeof descriptor.owner === 'string' ? descriptor.owner : (outcome.owner ?? '');
        const name = typeof descriptor.name === 'string' ? descriptor.name : outcome.name;
        const changes = await registerLocal(
          flags.registry,
          [migratedObservation({ owner, name, title: typeof descriptor.title === 'string' ? descriptor.title : name })],
          { now: new Date().toISOString(), delivery: 'migrate', coreOrg: coreOrgOf(io) },
        );
        outcome.publish.registry = changes.length ? changes.map((c) => c.event).join(', ') : 'listed (unchanged)';
      }
    },
    close: async () => opened?.close(),
    async finish() {},
  };
}
