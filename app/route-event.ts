/**
 * Which deliveries trigger a re-read, and of what (pure: payload in, triggers out). An event is
 * a trigger to re-read a repository's state from GitHub, never state to apply: the processor
 * asks GitHub which installation has the repository now, and what is on its default branch, so
 * duplicates, redeliveries and out-of-order deliveries converge to the same registry.
 *
 *   push                       default branch only (`ref === refs/heads/<default_branch>`)
 *   repository                 created, deleted, renamed, transferred, archived, unarchived,
 *                              privatized, publicized, edited
 *   installation               created, unsuspend → all its repositories (listed through the API);
 *                              deleted, suspend → the repositories in the payload, which the
 *                              processor will find uninstalled (no list: a reconcile run)
 *   installation_repositories  added, removed (removed ones are found uninstalled)
 *
 * Anything else is acknowledged and ignored.
 */

import { isObject } from '../src/package/descriptor.ts';

/** Re-read one repository. */
export interface RepoTrigger {
  repositoryId: number;
  /** The installation the delivery came through: a hint, used when GitHub no longer knows one. */
  installationId: number | null;
  deliveryId: string;
  /** `push`, or `event.action` (`repository.renamed`, ...). */
  event: string;
  /** owner/name as the payload spells it (logs only: names change, ids do not). */
  repository: string;
  /** For a push to the default branch: the commit pushed (`after`). */
  push?: { commit: string };
}

/** Re-read every repository of an installation (listed through the API when processed). */
export interface InstallationSweep {
  installationId: number;
  deliveryId: string;
  event: string;
}

export type Routing =
  { kind: 'queue'; repos: RepoTrigger[]; sweeps: InstallationSweep[]; reconcile: boolean } | { kind: 'ignore'; reason: string };

const REPOSITORY_ACTIONS: ReadonlySet<string> = new Set([
  'created',
  'deleted',
  'renamed',
  'transferred',
  'archived',
  'unarchived',
  'privatized',
  'publicized',
  'edited',
]);
const INSTALLATION_ACTIONS: ReadonlySet<string> = new Set(['created', 'deleted', 'suspend', 'unsuspend']);
const ZERO_SHA = /^0{40}$/;

type Json = Record<string, unknown>;
const idOf = (v: unknown): number | null => (isObject(v) && typeof v['id'] === 'number' && Number.isSafeInteger(v['id']) ? v['id'] : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** What a verified delivery asks for. `payload` is the parsed JSON body. */
export function routeEvent(event: string, deliveryId: string, payload: unknown): Routing {
  if (!isObject(payload)) return { kind: 'ignore', reason: 'the payload is not a JSON object' };
  const action = str(payload['action']);
  const installationId = idOf(payload['installation']);
  const queue = (repos: RepoTrigger[], sweeps: InstallationSweep[] = [], reconcile = false): Routing =>
    repos.length + sweeps.length === 0 && !reconcile
      ? { kind: 'ignore', reason: 'no repository in the payload' }
      : { kind: 'queue', repos, sweeps, reconcile };
  const repoTrigger = (repo: unknown, name: string, extra: Partial<RepoTrigger> = {}): RepoTrigger | null => {
    const id = idOf(repo);
    if (id === null) return null;
    return { repositoryId: id, installationId, deliveryId, event: name, repository: str((repo as Json)['full_name']) ?? '', ...extra };
  };
  const some = (xs: Array<RepoTrigger | null>): RepoTrigger[] => xs.filter((x): x is RepoTrigger => x !== null);

  switch (event) {
    case 'push': {
      const repo = payload['repository'];
      const ref = str(payload['ref']);
      if (!isObject(repo) || ref === undefined) return { kind: 'ignore', reason: 'a push without repository or ref' };
      const defaultBranch = str(repo['default_branch']) ?? str(repo['master_branch']);
      if (defaultBranch === undefined) return { kind: 'ignore', reason: "a push without the repository's default branch" };
      if (ref !== `refs/heads/${defaultBranch}`)
        return { kind: 'ignore', reason: `a push to ${ref}, not to the default branch ${defaultBranch}` };
      const after = str(payload['after']);
      const push = after !== undefined && /^[0-9a-f]{40}$/.test(after) && !ZERO_SHA.test(after) ? { push: { commit: after } } : {};
      return queue(some([repoTrigger(repo, 'push', push)]));
    }
    case 'repository': {
      if (action === undefined || !REPOSITORY_ACTIONS.has(action))
        return { kind: 'ignore', reason: `repository.${action ?? '?'} does not change the registry` };
      return queue(some([repoTrigger(payload['repository'], `repository.${action}`)]));
    }
    case 'installation': {
      if (action === undefined || !INSTALLATION_ACTIONS.has(action))
        return { kind: 'ignore', reason: `installation.${action ?? '?'} does not change the registry` };
      if (installationId === null) return { kind: 'ignore', reason: 'an installation event without an installation id' };
      const listed = Array.isArray(payload['repositories'])
        ? some((payload['repositories'] as unknown[]).map((r) => repoTrigger(r, `installation.${action}`)))
        : [];
      if (action === 'created' || action === 'unsuspend') {
        // The payload's list may be partial; the API's list is the truth.
        return queue(listed, [{ installationId, deliveryId, event: `installation.${action}` }]);
      }
      // deleted, suspend: the installation can no longer be asked for its repositories.
      return queue(listed, [], listed.length === 0);
    }
    case 'installation_repositories': {
      if (action !== 'added' && action !== 'removed')
        return { kind: 'ignore', reason: `installation_repositories.${action ?? '?'} does not change the registry` };
      const list = (key: string): unknown[] => (Array.isArray(payload[key]) ? (payload[key] as unknown[]) : []);
      return queue(
        some([
          ...list('repositories_added').map((r) => repoTrigger(r, 'installation_repositories.added')),
          ...list('repositories_removed').map((r) => repoTrigger(r, 'installation_repositories.removed')),
        ]),
      );
    }
    default:
      return { kind: 'ignore', reason: `${event} events do not change the registry` };
  }
}
