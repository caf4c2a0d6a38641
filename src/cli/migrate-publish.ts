/**
 * `migrate DUMP --publish [--create-repos ORG] [--registry DIR]`: each converted package goes
 * through the same pipeline as `publish` (validated again, mirrored under
 * `datasets/{owner}/{name}/` with its aggregates; the embedded store when nothing is configured);
 * with --create-repos it first gets its own GitHub repository in ORG (src/migrate/repos.ts); then
 * it is listed: in a local registry folder made from `registry-template/` (--registry DIR), or,
 * when the App's configuration is in the environment (APP_ID, PRIVATE_KEY, REGISTRY_REPO…), in
 * the GitHub registry through the App's own registry writer, with the observation the App makes
 * of the repository (src/registry/observe.ts), keyed by its real repository id.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAppConfig, type AppConfig } from '../config/app.ts';
import { createAppGitHub, type AppGitHub } from '../../app/github.ts';
import { openRegistry } from '../../app/index.ts';
import { silentLogger } from '../log.ts';
import { fsSnapshot } from '../adapters/fs/snapshot.ts';
import { createGitHubClient, type GitHubClient } from '../adapters/github/octokit.ts';
import { createParallelRunner } from '../adapters/threads/parallel.ts';
import { DatastoreError } from '../errors.ts';
import { publishDataset } from '../pipeline/publish.ts';
import type { BatchReport, DatasetOutcome } from '../migrate/batch.ts';
import { ensureLocalRegistry, migratedObservation, registerLocal } from '../migrate/registry.ts';
import { ensureDatasetRepository, findRepository, type CreatedRepository } from '../migrate/repos.ts';
import { readMigrateEnv, type MigrateEnv } from '../config/migrate.ts';
import { observeRepository, type RepositoryObservation } from '../registry/index.ts';
import type { RegistryWriter } from '../registry/writer.ts';
import { githubPort } from '../adapters/github/port.ts';
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

/** `--lfs-threshold`, else OS_MIGRATE_LFS_THRESHOLD, else 10 MiB. */
export function lfsThresholdOf(flags: MigrateFlags, io: Io): number {
  return readMigrateEnv(io.env, { lfsThreshold: flags.lfsThreshold }).lfsThreshold;
}

interface GitHubAccess {
  client: GitHubClient;
  token(): Promise<string | undefined>;
}

/** Who creates the repositories: GITHUB_TOKEN, else the App's installation on ORG. */
async function creatorFor(org: string, settings: MigrateEnv, app: AppGitHub | null, config: AppConfig | null): Promise<GitHubAccess> {
  const token = settings.githubToken;
  if (token) {
    const client = createGitHubClient({ token, baseUrl: settings.githubApiUrl });
    // Octokit logs every failed request; a 404 (no such repository yet) or 422 is an answer handled here.
    const logError = client.log.error.bind(client.log);
    client.log.error = (message: string, info?: object) => {
      if (!/ - (?:404|409|422) with id /.test(message)) logError(message, info);
    };
    return { client, token: async () => token };
  }
  if (!app)
    throw new UsageError(
      `--create-repos ${org} needs GitHub credentials: GITHUB_TOKEN (allowed to create repositories in ${org}), or the App's APP_ID and PRIVATE_KEY (the App installed on ${org} with Administration and Contents: write)`,
    );
  const installations = await app.appOctokit.paginate(app.appOctokit.rest.apps.listInstallations, { per_page: 100 });
  const on = installations.find((i) => i.account && 'login' in i.account && i.account.login.toLowerCase() === org.toLowerCase());
  if (!on || on.suspended_at)
    throw new UsageError(
      `--create-repos ${org}: the App (APP_ID ${config?.appId}) is ${on ? 'suspended' : 'not installed'} on ${org}: install it there (all repositories, with Administration and Contents: write), or give GITHUB_TOKEN`,
    );
  const client = await app.installationOctokit(on.id);
  return {
    client,
    token: async () => ((await client.auth({ type: 'installation' })) as { token: string }).token,
  };
}

/** One dataset waiting to be listed in the GitHub registry (listed together at the end of the run). */
interface Pending {
  outcome: DatasetOutcome;
  owner: string;
  name: string;
  repositoryId?: number;
}

export async function openPublishing(flags: MigrateFlags, io: Io): Promise<Publishing> {
  const org = flags.createRepos;
  // The environment read once: the migration's settings, and the App's configuration when it is given (APP_ID set).
  const settings = readMigrateEnv(io.env, { lfsThreshold: flags.lfsThreshold });
  const config = settings.appConfigured ? readAppConfig(io.env, { for: 'reconcile' }) : null;
  const lfsThreshold = settings.lfsThreshold;
  // The GitHub registry when the App's configuration is given and no local folder is asked for.
  const registryContext = config && !flags.registry ? await openRegistry(config, { log: silentLogger }) : null;
  const app =
    registryContext?.github ??
    (config && org
      ? createAppGitHub({ appId: config.appId, privateKey: config.privateKey, baseUrl: config.githubApiUrl, log: silentLogger })
      : null);
  const creator = org ? await creatorFor(org, settings, app, config) : null;
  // Without --create-repos the repositories must exist: they are looked up with what can read them.
  const reader: GitHubClient | null = creator?.client ?? registryContext?.registryClient ?? null;

  // Without --publish, --registry lists the packages already converted (and published by an
  // earlier run or by the shards of a matrix): the registry job of examples/workflows/migrate.yml.
  const opened = flags.publish ? await openStore(flags, io) : null;
  if (flags.registry) await ensureLocalRegistry(flags.registry, REGISTRY_TEMPLATE);
  const pending: Pending[] = [];

  return {
    async afterConvert(outcome, dir) {
      const descriptor = JSON.parse(await readFile(join(dir, 'datapackage.json'), 'utf8')) as {
        title?: unknown;
        name?: unknown;
        owner?: unknown;
      };
      // The descriptor's spelling (the store's keys are lowercase).
      const owner = typeof descriptor.owner === 'string' ? descriptor.owner : (outcome.owner ?? '');
      const name = typeof descriptor.name === 'string' ? descriptor.name : outcome.name;
      const title = typeof descriptor.title === 'string' ? descriptor.title : name;
      outcome.publish = {};
      let repo: CreatedRepository | undefined;
      if (org && creator) {
        if (owner.toLowerCase() !== org.toLowerCase()) {
          outcome.publish = {
            status: 'failed',
            error: `${join(dir, 'datapackage.json')} says owner "${owner}", but its repository would be in ${org} (GitHub lists a package only in its owner's account): remove ${dir} and run again to convert it with owner ${org}`,
          };
          return;
        }
        try {
          repo = await ensureDatasetRepository(creator, dir, { org, name, title, lfsThreshold });
        } catch (e) {
          outcome.publish = { status: 'failed', error: e instanceof DatastoreError ? e.describe() : (e as Error).message };
          return;
        }
        outcome.publish.repository = {
          status: repo.status,
          fullName: `${repo.owner}/${repo.name}`,
          id: repo.id,
          url: repo.htmlUrl,
          commit: repo.commit,
          lfs: repo.lfs,
        };
      }
      if (opened) {
        const snapshot = await fsSnapshot(dir);
        const runner = createParallelRunner({ warn: (message) => io.stderr(`warning: ${message}\n`) });
        const result = await publishDataset(snapshot, opened.store, { owner: outcome.owner, maxErrors: 50, runner }).finally(() =>
          runner.close(),
        );
        Object.assign(outcome.publish, { status: result.status, url: result.url, prefix: result.prefix, version: result.commit });
        if (result.status === 'invalid') {
          outcome.publish.status = 'failed';
          outcome.publish.error = 'the package was refused by publish validation';
          return;
        }
      } else outcome.publish.status = 'not published here';
      if (flags.registry) {
        const changes = await registerLocal(
          flags.registry,
          [
            migratedObservation({
              owner,
              name,
              title,
              ...(repo ? { repositoryId: repo.id, htmlUrl: repo.htmlUrl, commit: repo.commit } : {}),
            }),
          ],
          { now: new Date().toISOString(), delivery: 'migrate', coreOrg: coreOrgOf(io) },
        );
        outcome.publish.registry = changes.length ? changes.map((c) => c.event).join(', ') : 'listed (unchanged)';
      } else if (registryContext) pending.push({ outcome, owner, name, ...(repo ? { repositoryId: repo.id } : {}) });
    },
    close: async () => opened?.close(),
    async finish() {
      if (!registryContext || pending.length === 0) return;
      await listInGitHubRegistry(pending, registryContext.github, registryContext.writer, reader!, coreOrgOf(io));
    },
  };
}

/**
 * List the datasets in the GitHub registry as the App would: each repository observed by id with
 * the installation that has it (the App's own observeRepository), all of them written in one
 * update of the App's registry writer (which re-reads and retries when another shard's commit
 * got there first).
 */
async function listInGitHubRegistry(
  pending: Pending[],
  app: AppGitHub,
  writer: RegistryWriter,
  reader: GitHubClient,
  coreOrg: string,
): Promise<void> {
  const fail = (p: Pending, error: string): void => {
    p.outcome.publish = { ...p.outcome.publish, status: 'failed', registry: 'not listed', error };
  };
  const observations: Array<{ p: Pending; o: RepositoryObservation }> = [];
  for (const p of pending) {
    let id = p.repositoryId;
    if (id === undefined) {
      const found = await findRepository(reader, p.owner, p.name);
      if (!found) {
        fail(
          p,
          `the GitHub registry lists repositories, and ${p.owner}/${p.name} does not exist: give --create-repos ORG to create it, or push the package there first`,
        );
        continue;
      }
      id = found.id;
    }
    const installation = await app.installationOfRepository(id, [reader]);
    if (!installation || installation.suspended) {
      fail(
        p,
        `the App is ${installation ? 'suspended' : 'not installed'} on ${p.owner}/${p.name}, so it would not keep it listed: install the App on ${p.owner} (all repositories, or add this one) and run again`,
      );
      continue;
    }
    const o = await observeRepository(githubPort(await app.installationOctokit(installation.id)), id, { installed: true });
    observations.push({ p, o });
  }
  if (observations.length === 0) return;
  const result = await writer.update(
    observations.map((x) => x.o),
    { now: new Date().toISOString(), delivery: 'migrate', coreOrg },
  );
  const state = result.state ?? (await writer.read()).state;
  for (const { p, o } of observations) {
    const mine = result.changes.filter((c) => c.repositoryId === o.repositoryId);
    const row = state.datasets.find((d) => d.repositoryId === o.repositoryId);
    p.outcome.publish = {
      ...p.outcome.publish,
      registry: mine.length ? mine.map((c) => c.event).join(', ') : 'listed (unchanged)',
      repositoryId: o.repositoryId,
    };
    if (row?.status !== 'published')
      fail(
        p,
        `the registry does not list ${p.owner}/${p.name}: ${row ? `${row.status}, ${row.reason}` : 'no row'} (run \`os-datastore validate\` on its folder)`,
      );
  }
}
