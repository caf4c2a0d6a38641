/**
 * Server-side publishing owed by a registry commit, and the task that dispatches it.
 *
 * A registry commit owes a publish for each dataset it lists at a commit not published before:
 * a changelog row of the commit (`listed` or `updated`) whose dataset is `published` (and not
 * archived) in the commit's datasets.csv at exactly that row's commit, when no earlier changelog
 * row listed or updated that repository at that same commit. This is read from the registry
 * alone, so the App derives the same work when it commits and when it re-reads the commit after
 * a restart; a redelivered push (same commit, registry unchanged) owes nothing; a push that only
 * a reconcile run noticed owes a publish like any other.
 *
 * The task then asks the dataset's repository whether it runs the Action itself (a workflow
 * using os-team/datastore at that commit): if so nothing is dispatched; otherwise the registry's
 * publish workflow is dispatched for it (src/notify/dispatch.ts).
 */

import type { GitHubPort } from '../registry/github-port.ts';
import type { RegistryState } from '../registry/model.ts';
import { dispatchPublish, runsTheAction, type RepoName } from './dispatch.ts';
import { failureOf, type FollowUpTask, type TaskOutcome } from './task.ts';

export interface PublishOwed {
  repositoryId: number;
  owner: string;
  repo: string;
  /** The dataset commit to publish. */
  commit: string;
}

const PUBLISHING_EVENTS: ReadonlySet<string> = new Set(['listed', 'updated']);

/**
 * The publishes a registry commit owes. `state` is the registry as the commit holds it; its last
 * `appended` changelog rows are the ones the commit added.
 */
export function publishesOwed(state: RegistryState, appended: number): PublishOwed[] {
  const n = state.changelog.length;
  const from = Math.max(0, n - appended);
  const before = new Set<string>();
  for (let i = 0; i < from; i++) {
    const r = state.changelog[i]!;
    if (PUBLISHING_EVENTS.has(r.event) && r.commit) before.add(`${r.repositoryId}@${r.commit}`);
  }
  const rows = new Map(state.datasets.map((d) => [d.repositoryId, d]));
  const out: PublishOwed[] = [];
  const seen = new Set<number>();
  for (let i = from; i < n; i++) {
    const r = state.changelog[i]!;
    if (!PUBLISHING_EVENTS.has(r.event) || !r.commit || seen.has(r.repositoryId)) continue;
    const d = rows.get(r.repositoryId);
    if (!d || d.status !== 'published' || d.reason === 'archived' || d.lastCommit !== r.commit) continue;
    if (before.has(`${r.repositoryId}@${r.commit}`)) continue;
    seen.add(r.repositoryId);
    out.push({ repositoryId: d.repositoryId, owner: d.owner, repo: d.repo, commit: r.commit });
  }
  return out;
}

export interface PublishTaskDeps {
  /** Writes the dispatch (the registry's installation). */
  registryClient: GitHubPort;
  registry: RepoName;
  workflow: string;
  /** The registry branch the workflow runs on. */
  ref: string;
  /** A client that can read the dataset's repository now, or null when the App is no longer installed on it. */
  readerOf(repositoryId: number): Promise<GitHubPort | null>;
}

export function publishTask(deps: PublishTaskDeps, owed: PublishOwed): FollowUpTask {
  const repository = `${owed.owner}/${owed.repo}`;
  return {
    key: `publish:${owed.repositoryId}`,
    kind: 'publish',
    target: repository,
    async run(): Promise<TaskOutcome> {
      try {
        const reader = await deps.readerOf(owed.repositoryId);
        if (!reader) return { ok: true, note: 'no longer installed: nothing to publish' };
        if (await runsTheAction(reader, { owner: owed.owner, repo: owed.repo }, owed.commit))
          return { ok: true, note: 'runs the Action: no dispatch' };
        await dispatchPublish(deps.registryClient, deps.registry, {
          workflow: deps.workflow,
          ref: deps.ref,
          repository,
          commit: owed.commit,
        });
        return { ok: true, note: `${deps.workflow} dispatched` };
      } catch (e) {
        const f = failureOf(e);
        // A missing workflow (404) or one without the inputs (422) is the registry's to fix.
        if (f.status === 404 || f.status === 422)
          return {
            ...f,
            error: `${deps.registry.owner}/${deps.registry.repo} ${deps.workflow}: ${f.error} (does the registry have .github/workflows/${deps.workflow} with a workflow_dispatch trigger and the inputs repository and commit?)`,
          };
        return f;
      }
    },
  };
}
