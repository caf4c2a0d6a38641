/**
 * The workflow run the Action is in, read from the runner's environment and event payload (not
 * from @actions/github's import-time singleton), as plain values.
 */

import { readFileSync } from 'node:fs';
import { describeError, UserError } from '../errors.ts';

export interface ActionContext {
  eventName: string;
  /** The repository the workflow runs in (for pull requests: the base repository). */
  owner: string;
  repo: string;
  workspace: string;
  /** The commit the run is for (for pull requests: the PR head, where checks belong). */
  sha: string;
  ref: string;
  defaultBranch: string | null;
  isPullRequest: boolean;
  /** A pull request whose head lives in another repository (a fork): never publishes, gets no secrets. */
  isFork: boolean;
  /** A push to the default branch. */
  isDefaultBranchPush: boolean;
  apiUrl: string;
  serverUrl: string;
  runnerTemp: string;
}

interface Payload {
  repository?: { default_branch?: string; owner?: { login?: string }; name?: string; full_name?: string };
  pull_request?: { head?: { sha?: string; repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } };
}

export function readContext(env: Record<string, string | undefined>): ActionContext {
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  let payload: Payload = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Payload;
    } catch (e) {
      throw new UserError(
        'action-event',
        `the event payload ${env.GITHUB_EVENT_PATH} (GITHUB_EVENT_PATH) could not be read: ${describeError(e)}`,
        {
          hint: 'Run the Action from a workflow, or point GITHUB_EVENT_PATH at a JSON event payload.',
        },
      );
    }
  }
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? '').split('/');
  const isPullRequest = eventName === 'pull_request' || eventName === 'pull_request_target';
  const pr = payload.pull_request;
  const headRepo = pr?.head?.repo?.full_name;
  const baseRepo = pr?.base?.repo?.full_name ?? `${owner}/${repo}`;
  const ref = env.GITHUB_REF ?? '';
  const defaultBranch = payload.repository?.default_branch ?? null;
  return {
    eventName,
    owner,
    repo,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    sha: (isPullRequest ? pr?.head?.sha : undefined) ?? env.GITHUB_SHA ?? '',
    ref,
    defaultBranch,
    isPullRequest,
    // A deleted fork has no head repository: still a fork.
    isFork: isPullRequest && (headRepo === undefined || headRepo.toLowerCase() !== baseRepo.toLowerCase()),
    isDefaultBranchPush: eventName === 'push' && defaultBranch !== null && ref === `refs/heads/${defaultBranch}`,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    runnerTemp: env.RUNNER_TEMP ?? env.TMPDIR ?? '/tmp',
  };
}
