/**
 * GitHub for the App (octokit/app.js's split): a client authenticated as the App (a JWT, for
 * `/app/...`), one client per installation (installation tokens from @octokit/auth-app, renewed
 * before they expire and re-minted on a 401), and "which installation has this repository now".
 * Every client has the retry and throttling plugins (src/adapters/github/octokit.ts).
 */

import { createAppAuth } from '@octokit/auth-app';
import { GitHubClient } from '../src/adapters/github/octokit.ts';
import type { Logger } from './log.ts';
import { createWriteScheduler, FOLLOW_UP_LANE_PREFIX, type WriteScheduler } from './write-scheduler.ts';
import { httpStatusOf } from '../src/errors.ts';

export interface InstallationRef {
  id: number;
  /** Suspended installations get no tokens: their repositories count as uninstalled. */
  suspended: boolean;
  account: string;
}

export interface AppGitHub {
  /** Authenticated as the App (JWT): `/app`, `/app/installations`, `/repos/{o}/{r}/installation`. */
  appOctokit: GitHubClient;
  /**
   * Authenticated as an installation (cached per id and lane). Lane `follow-up` (notifications,
   * dispatches) shares the installation's write spacing with the registry's commits and yields
   * to them (app/write-scheduler.ts).
   */
  installationOctokit(installationId: number, lane?: 'registry' | 'follow-up'): Promise<GitHubClient>;
  /** The write scheduler (health, bench). */
  writes: WriteScheduler;
  /**
   * The installation that has the repository now, by id (renames and transfers do not matter),
   * or null when none has it or it does not exist. Asks `/repositories/{id}/installation` (the
   * id-based form GitHub itself redirects renamed repositories to); a 404 there is confirmed
   * through the documented `/repos/{owner}/{repo}/installation`, with the repository's current
   * name read by id through one of `readers` (installation clients; any of them sees a public
   * repository).
   */
  installationOfRepository(repositoryId: number, readers?: GitHubClient[]): Promise<InstallationRef | null>;
  /** The installation on owner/repo (e.g. the registry repo), or null. */
  installationOfRepo(owner: string, repo: string): Promise<InstallationRef | null>;
}

export interface AppGitHubOptions {
  appId: number;
  privateKey: string;
  baseUrl: string;
  log: Logger;
  userAgent?: string;
  /**
   * Spacing of content-creating requests (POST, PATCH, PUT, DELETE) per installation. Default
   * 1000 ms: GitHub's guidance against secondary rate limits ("wait at least one second between
   * each request"). Tests and benchmarks lower it.
   */
  writeIntervalMs?: number;
  /** Content-creating requests in any 60 s, the whole process (default 80, GitHub's secondary limit). */
  writesPerMinute?: number;
  /** Content-creating requests in any hour, the whole process (default 500, GitHub's secondary limit). */
  writesPerHour?: number;
  /** Retries of a request on 5xx and network errors (@octokit/plugin-retry; default 3). */
  retries?: number;
}

/** Octokit's line for a failed request answered 304, 404, 409 or 422: answers callers expect and handle. */
const EXPECTED_ANSWER = / - (?:304|404|409|422) with id /;

export function createAppGitHub(options: AppGitHubOptions): AppGitHub {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const log = options.log.child({ component: 'octokit' });
  const common = {
    baseUrl,
    userAgent: options.userAgent ?? 'os-datastore-app',
    // Octokit logs every failed request as an error; the caller decides what a failure means (a 404
    // for a missing workflow folder is the normal answer) and logs what an operator must act on.
    log: {
      debug: (m: string) => log.debug(m),
      info: (m: string) => log.debug(m),
      warn: (m: string) => log.warn(m),
      error: (m: string) => (EXPECTED_ANSWER.test(m) ? log.debug(m) : log.warn(m)),
    },
    throttle: {
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
        log.warn('GitHub rate limit; retrying', { method: request.method, url: request.url, retryAfter, retryCount });
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
        log.warn('GitHub secondary rate limit; retrying', { method: request.method, url: request.url, retryAfter, retryCount });
        return retryCount < 2;
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 409, 422], ...(options.retries !== undefined ? { retries: options.retries } : {}) },
  };
  const writes = createWriteScheduler({
    ...(options.writeIntervalMs !== undefined ? { intervalMs: options.writeIntervalMs } : {}),
    ...(options.writesPerMinute !== undefined ? { perMinute: options.writesPerMinute } : {}),
    ...(options.writesPerHour !== undefined ? { perHour: options.writesPerHour } : {}),
  });
  // The plugin keys its limiters by `throttle.id`: one write lane per installation, not one per process.
  // (The plugin types `write` as a Bottleneck.Group; it only calls key(id).schedule(...).)
  const throttle = (id: string): typeof common.throttle & { id: string; write: never } => ({
    ...common.throttle,
    id,
    write: writes as never,
  });
  const appOctokit = new GitHubClient({
    ...common,
    throttle: throttle(`app-${options.appId}`),
    authStrategy: createAppAuth,
    auth: { appId: options.appId, privateKey: options.privateKey },
  });
  // For App-authenticated routes @octokit/auth-app does not know (it would send an installation token).
  const bare = new GitHubClient(common);
  const clients = new Map<string, GitHubClient>();

  const toRef = (data: { id: number; suspended_at?: string | null; account?: { login?: string } | null }): InstallationRef => ({
    id: data.id,
    suspended: data.suspended_at != null,
    account: data.account?.login ?? '',
  });
  const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (e) {
      if (httpStatusOf(e) === 404) return null;
      throw e;
    }
  };

  async function installationOfRepo(owner: string, repo: string): Promise<InstallationRef | null> {
    const res = await orNull(appOctokit.request('GET /repos/{owner}/{repo}/installation', { owner, repo }));
    return res ? toRef(res.data as Parameters<typeof toRef>[0]) : null;
  }

  return {
    appOctokit,
    writes,
    async installationOctokit(installationId, lane = 'registry') {
      const id = `${lane === 'follow-up' ? FOLLOW_UP_LANE_PREFIX : ''}installation-${installationId}`;
      let client = clients.get(id);
      if (!client) {
        client = new GitHubClient({
          ...common,
          throttle: throttle(id),
          authStrategy: createAppAuth,
          auth: { appId: options.appId, privateKey: options.privateKey, installationId },
        });
        clients.set(id, client);
      }
      return client;
    },
    async installationOfRepository(repositoryId, readers = []) {
      const { token } = (await appOctokit.auth({ type: 'app' })) as { token: string };
      const res = await orNull(
        bare.request('GET /repositories/{repository_id}/installation', {
          repository_id: repositoryId,
          headers: { authorization: `bearer ${token}` },
        }),
      );
      if (res) return toRef(res.data as Parameters<typeof toRef>[0]);
      for (const reader of readers) {
        const repo = await orNull(reader.request('GET /repositories/{repository_id}', { repository_id: repositoryId })).catch(() => null);
        if (!repo) continue;
        return installationOfRepo(repo.data.owner.login, repo.data.name);
      }
      return null;
    },
    installationOfRepo,
  };
}
