/**
 * Notifications and offloaded work through GitHub itself:
 *
 * - `repository_dispatch` (event_type `registry-updated`) to repositories that asked for it
 *   (DISPATCH_REPOS): their workflows run `on: repository_dispatch: types: [registry-updated]`.
 * - Server-side publishing for datasets that do not run the Action: a `workflow_dispatch` of the
 *   registry repository's `publish.yml` with inputs `repository` (owner/name) and `commit`, so a
 *   GitHub Actions runner, not the App's host, does the heavy work.
 *
 * A dataset "runs the Action" when a workflow file on its default branch (at the pushed commit)
 * uses `os-team/datastore` — the Action or any of its sub-actions, at any ref. Then its own
 * workflow publishes on push and the App dispatches nothing.
 */

import type { GitHubPort, RepoRef } from '../registry/github-port.ts';

const DISPATCH_EVENT_TYPE = 'registry-updated';
const ACTION_REPOSITORY = 'os-team/datastore';
/** Workflow files read at most, per repository (a repository with more is assumed to run it). */
const MAX_WORKFLOW_FILES = 30;

export type RepoName = RepoRef;

/** `repository_dispatch` to one repository. `clientPayload` has at most 10 top-level keys (GitHub's limit). */
export async function repositoryDispatch(github: GitHubPort, target: RepoName, clientPayload: Record<string, unknown>): Promise<void> {
  await github.repositoryDispatch(target, DISPATCH_EVENT_TYPE, clientPayload);
}

/** Dispatches the registry repo's publish workflow for one dataset commit. */
export async function dispatchPublish(
  github: GitHubPort,
  registry: RepoName,
  options: { workflow: string; ref: string; repository: string; commit: string },
): Promise<void> {
  await github.workflowDispatch(registry, options.workflow, options.ref, { repository: options.repository, commit: options.commit });
}

/** Is `line` a step that uses the Action (`uses: os-team/datastore@v1`, `.../actions/publish@main`, quoted or not)? */
export function usesTheAction(workflowText: string, action: string = ACTION_REPOSITORY): boolean {
  const escaped = action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // One line at a time and anchored at its start only (no 'm' flag): with 'm', `^[\s-]*` tried
  // every position of a line of carriage returns, quadratic in its length.
  const re = new RegExp(`^[\\s-]*uses\\s*:\\s*["']?${escaped}(?:/[^@\\s"']*)?@`, 'i');
  return workflowText.split(/\r\n|\r|\n/).some((line) => !/^\s*#/.test(line) && re.test(line));
}

/**
 * Whether the repository runs the Action at `ref`: a `.github/workflows/*.yml|yaml` file there
 * uses it. Reads through the contents API (contents: read).
 */
export async function runsTheAction(github: GitHubPort, repo: RepoName, ref: string, action: string = ACTION_REPOSITORY): Promise<boolean> {
  const listing = await github.contentEntry(repo, '.github/workflows', ref);
  if (listing?.kind !== 'directory') return false;
  const files = listing.entries.filter((f) => f.type === 'file' && /\.ya?ml$/i.test(f.name));
  if (files.length > MAX_WORKFLOW_FILES) return true;
  for (const f of files) {
    const bytes = await github.rawFile(repo, f.path, ref);
    if (bytes && usesTheAction(Buffer.from(bytes).toString('utf8'), action)) return true;
  }
  return false;
}
