/**
 * Reconcile: recompute the registry from GitHub and commit the difference — the GitOps loop that
 * repairs whatever a missed or failed webhook left behind. Every repository of every installation
 * is observed; so is every repository the registry still lists (or holds as private or failed)
 * that no installation has any more (as not installed). The result goes through the writer in one
 * commit, and a second run with nothing changed on GitHub writes nothing.
 */

import { mapLimit } from '../concurrency.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { GitHubPort } from './github-port.ts';
import type { ChangelogEntry, RepositoryObservation } from './model.ts';
import { observeRepository } from './observe.ts';
import type { RegistryWriter } from './writer.ts';

export interface ReconcileDeps {
  /** GitHub as the App (JWT): lists installations. */
  appGitHub: GitHubPort;
  /** GitHub as an installation (its token). */
  installationGitHub(installationId: number): Promise<GitHubPort>;
  writer: Pick<RegistryWriter, 'update' | 'read'>;
  coreOrg: string;
  /** The clock for changelog times (default: now, ISO). */
  now?: () => string;
  /** Repositories observed at once (default 8). */
  concurrency?: number;
  log?: Logger;
}

export interface ReconcileResult {
  commit: string | null;
  changes: ChangelogEntry[];
  /** Repositories observed. */
  observed: number;
}

export async function reconcile(deps: ReconcileDeps): Promise<ReconcileResult> {
  const log = deps.log ?? silentLogger;
  const limit = deps.concurrency ?? 8;
  const installations = await deps.appGitHub.installations();

  // Each installation's repositories, read with its own token.
  const targets: Array<{ id: number; client: GitHubPort }> = [];
  const seen = new Set<number>();
  let anyClient: GitHubPort | undefined;
  /** Installations by account login (lower case): who can tell a deleted repository from an uninstalled one. */
  const byAccount = new Map<string, { client: GitHubPort; all: boolean }>();
  for (const installation of installations) {
    if (installation.suspended) {
      log.info('installation suspended: its repositories count as not installed', { installationId: installation.id });
      continue;
    }
    const client = await deps.installationGitHub(installation.id);
    anyClient ??= client;
    if (installation.account) byAccount.set(installation.account.toLowerCase(), { client, all: installation.allRepositories });
    for (const id of await client.installationRepositories()) {
      if (seen.has(id)) continue;
      seen.add(id);
      targets.push({ id, client });
    }
  }

  // Rows the registry has that no installation covers: not installed any more (or gone).
  const { state } = await deps.writer.read();
  const orphans = state.datasets.filter((d) => !seen.has(d.repositoryId) && d.status !== 'removed');

  const observations: RepositoryObservation[] = await mapLimit(targets, limit, (t) =>
    observeRepository(t.client, t.id, { installed: true }),
  );
  const orphanObservations = await mapLimit(orphans, limit, async (d): Promise<RepositoryObservation> => {
    // Any installation token reads public repositories. A 404 means deleted, or private and out
    // of the App's reach: not listable either way. When the owner's installation covers all its
    // repositories, the App would see the repository if it were still there: then it is deleted.
    const own = byAccount.get(d.owner.toLowerCase());
    const client = own?.client ?? anyClient;
    if (client) {
      const o = await observeRepository(client, d.repositoryId, { installed: false });
      return !o.exists && own?.all ? { ...o, installed: true } : o;
    }
    return {
      repositoryId: d.repositoryId,
      exists: true,
      installed: false,
      private: false,
      archived: false,
      owner: d.owner,
      repo: d.repo,
      htmlUrl: d.url,
      defaultBranch: d.defaultBranch,
      headCommit: null,
      descriptor: null,
    };
  });
  observations.push(...orphanObservations);

  const result = await deps.writer.update(observations, {
    now: deps.now?.() ?? new Date().toISOString(),
    delivery: '',
    coreOrg: deps.coreOrg,
  });
  log.info('reconcile run', {
    observed: observations.length,
    installations: installations.length,
    changes: result.changes.length,
    commit: result.commit,
  });
  return { commit: result.commit, changes: result.changes, observed: observations.length };
}
