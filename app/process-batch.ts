/**
 * What the App does with one batch of the queue:
 *
 * 1. installation sweeps → the installation's repositories (listed through the API), queued;
 * 2. for each repository id: ask GitHub which installation has it now (by id), re-read it with
 *    that installation's token (`observeRepository`; uninstalled ones with the registry's
 *    installation, which can still see public repositories) — never trusting the payload;
 * 3. ONE `writer.update(observations, ctx)` for the whole batch (one registry commit);
 * 4. a reconcile run when one was asked for.
 *
 * After each registry commit its follow-up (subscribers, feed, repository_dispatch, publish
 * dispatches) is handed to the follow-up queue (app/follow-up.ts), which runs it outside the
 * batch: the next batch never waits for it. Whatever fails here is handed back to the queue
 * to retry with backoff (a `warn` line; the queue logs an `error` when it gives up).
 */

import type { GitHubClient } from '../src/adapters/github/octokit.ts';
import { mapLimit } from '../src/concurrency.ts';
import type { createRegistryWriter, reconcile as reconcileRegistry } from '../src/registry/index.ts';
import type { ChangeContext, RepositoryObservation } from '../src/registry/model.ts';
import type { CommitWork } from './follow-up.ts';
import type { AppGitHub } from './github.ts';
import type { RepoTrigger } from './route-event.ts';
import type { Logger } from './log.ts';
import type { PendingRepo, Work, WorkOutcome } from './queue.ts';
import { httpStatusOf } from '../src/errors.ts';

/**
 * Where a commit's follow-up goes. Commit mode: `commit` (notifications and publishes, recorded).
 * Pull-request mode: `publishOnly` for a commit on the pull request's branch, `notifyOnly` when
 * the registry branch moved (the pull request was merged).
 */
export interface FollowUpSink {
  commit(work: CommitWork): void;
  publishOnly(work: CommitWork): void;
  notifyOnly(work: CommitWork): void;
}

export type RegistryWriter = ReturnType<typeof createRegistryWriter>;
export type ReconcileResult = Awaited<ReturnType<typeof reconcileRegistry>>;

export interface RegistryTarget {
  owner: string;
  repo: string;
  /** The registry repository's id (its own pushes are not datasets). */
  id: number;
  installationId: number;
  /** The branch the registry is written on (and the publish workflow is dispatched on). */
  branch: string;
}

export interface ProcessorDeps {
  github: AppGitHub;
  writer: RegistryWriter;
  registry: RegistryTarget;
  coreOrg: string;
  mode: 'commit' | 'pull-request';
  /** Takes each registry commit's follow-up (app/follow-up.ts). */
  followUp: FollowUpSink;
  /** observeRepository from src/registry (injected so the composition root owns the imports). */
  observe: (octokit: GitHubClient, repositoryId: number, options: { installed?: boolean }) => Promise<RepositoryObservation>;
  /** One reconcile run. */
  reconcile: () => Promise<ReconcileResult>;
  log: Logger;
  now?: () => string;
  /** Repositories re-read at the same time (default 8). */
  concurrency?: number;
  /** Called after each registry commit (health, tests). */
  onCommit?: (result: { commit: string; changes: number; batch: number }) => void;
}

/** The changelog's delivery column: the batch's delivery ids, shortened beyond three. */
function deliveryLabel(repos: readonly PendingRepo[]): string {
  const ids = [...new Set(repos.flatMap((r) => r.deliveries))];
  return ids.length <= 3 ? ids.join(' ') : `${ids.slice(0, 3).join(' ')} +${ids.length - 3}`;
}

export function createBatchProcessor(deps: ProcessorDeps): (work: Work) => Promise<WorkOutcome> {
  const now = deps.now ?? (() => new Date().toISOString());
  const concurrency = deps.concurrency ?? 8;
  const registryName = `${deps.registry.owner}/${deps.registry.repo}`;

  return async function processBatch(work: Work): Promise<WorkOutcome> {
    const log = deps.log.child({ batch: work.batch });
    const outcome: WorkOutcome & { retryRepos: number[]; retrySweeps: number[]; more: { repos: RepoTrigger[] } } = {
      retryRepos: [],
      retrySweeps: [],
      more: { repos: [] },
      commit: null,
    };
    let reconcileNeeded = work.reconcile;
    const registryClient = await deps.github.installationOctokit(deps.registry.installationId);
    const followUp = (work: CommitWork): void => {
      if (deps.mode === 'commit') deps.followUp.commit(work);
      else deps.followUp.publishOnly(work);
    };

    // 1. Installation sweeps.
    for (const sweep of work.sweeps) {
      const fields = { installationId: sweep.installationId, deliveryId: sweep.deliveries[0], event: sweep.events.join(',') };
      try {
        const client = await deps.github.installationOctokit(sweep.installationId);
        const repos = await client.paginate('GET /installation/repositories', { per_page: 100 });
        for (const r of repos) {
          outcome.more.repos.push({
            repositoryId: r.id,
            installationId: sweep.installationId,
            deliveryId: sweep.deliveries[0] ?? '',
            event: sweep.events[0] ?? 'installation',
            repository: r.full_name,
          });
        }
        log.info('installation swept', { ...fields, repositories: repos.length });
      } catch (e) {
        const s = httpStatusOf(e);
        if (s === 401 || s === 403 || s === 404) {
          // Deleted or suspended since: it cannot be listed; reconcile from what is installed.
          log.warn('installation cannot be listed; running a reconcile instead', { ...fields, status: s });
          reconcileNeeded = true;
        } else {
          log.warn('installation sweep failed; retrying later', { ...fields, err: e });
          outcome.retrySweeps.push(sweep.installationId);
        }
      }
    }

    // 2. The registry's own repository is not a dataset; in pull-request mode a push to its branch
    //    is a merged registry pull request: that is when subscribers hear of it.
    const datasets: PendingRepo[] = [];
    for (const r of work.repos) {
      if (r.repositoryId !== deps.registry.id) datasets.push(r);
      else if (deps.mode === 'pull-request' && r.pushes.length > 0) {
        const commit = r.pushes[r.pushes.length - 1]!;
        log.info('registry branch moved (pull request merged); notifying', { commit });
        deps.followUp.notifyOnly({ commit, changes: [] });
      }
    }

    // 3. Re-read every repository.
    const observed = await mapLimit(datasets, concurrency, async (item) => {
      const fields = {
        repositoryId: item.repositoryId,
        repository: item.repository,
        deliveryId: item.deliveries[0],
        event: item.events.join(','),
      };
      try {
        // Readers to confirm "not installed" with: the installations the deliveries named, then the registry's.
        const readers = [...(await Promise.all(item.installationIds.map((id) => deps.github.installationOctokit(id)))), registryClient];
        const installation = await deps.github.installationOfRepository(item.repositoryId, readers);
        const installed = installation !== null && !installation.suspended;
        const client = installed ? await deps.github.installationOctokit(installation.id) : registryClient;
        const observation = await deps.observe(client, item.repositoryId, { installed });
        log.debug('repository observed', {
          ...fields,
          installationId: installation?.id,
          installed,
          exists: observation.exists,
          private: observation.private,
          descriptor: observation.descriptor ? observation.descriptor.valid : null,
        });
        return { item, observation };
      } catch (e) {
        log.warn('repository could not be read; retrying later', { ...fields, err: e });
        outcome.retryRepos.push(item.repositoryId);
        return null;
      }
    });
    const ok = observed.filter((o): o is NonNullable<typeof o> => o !== null);
    outcome.observed = ok.map((o) => ({
      repositoryId: o.observation.repositoryId,
      headCommit: o.observation.exists ? o.observation.headCommit : null,
    }));

    // 4. One registry write for the batch.
    if (ok.length > 0) {
      const ctx: ChangeContext = { now: now(), delivery: deliveryLabel(ok.map((o) => o.item)), coreOrg: deps.coreOrg };
      try {
        const result = await deps.writer.update(
          ok.map((o) => o.observation),
          ctx,
        );
        log.info(result.commit ? 'registry updated' : 'registry unchanged', {
          commit: result.commit,
          changes: result.changes.length,
          attempts: result.attempts,
          repositories: ok.length,
          ...(result.pullRequest !== undefined ? { pullRequest: result.pullRequest } : {}),
          deliveries: ok.flatMap((o) => o.item.deliveries).length,
        });
        if (result.commit) {
          outcome.commit = result.commit;
          deps.onCommit?.({ commit: result.commit, changes: result.changes.length, batch: work.batch });
          followUp({ commit: result.commit, changes: result.changes, state: result.state ?? null });
        }
      } catch (e) {
        log.warn('registry write failed; the batch is retried', { repositories: ok.length, err: e, registry: registryName });
        outcome.retryRepos.push(...ok.map((o) => o.item.repositoryId));
        return { ...outcome, retryReconcile: reconcileNeeded };
      }
    }

    // 5. Reconcile.
    if (reconcileNeeded) {
      try {
        const result = await deps.reconcile();
        log.info('reconciled', { commit: result.commit, changes: result.changes.length, observed: result.observed });
        if (result.commit) {
          outcome.commit = result.commit;
          deps.onCommit?.({ commit: result.commit, changes: result.changes.length, batch: work.batch });
          followUp({ commit: result.commit, changes: result.changes });
        }
      } catch (e) {
        log.warn('reconcile failed; retrying later', { err: e });
        return { ...outcome, retryReconcile: true };
      }
    }
    return outcome;
  };
}
