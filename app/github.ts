/**
 * GitHub for the App (octokit/app.js's split): a client authenticated as the App (a JWT, for
 * `/app/...`), one client per installation (installation tokens from @octokit/auth-app, renewed
 * before they expire and re-minted on a 401), and "which installation has this repository now".
 * Every client has the retry and throttling plugins (src/adapters/github/octokit.ts).
 */

import { createAppAuth } from '@octokit/auth-app';
import { GitHubClient } from '../src/adapters/github/octokit.ts';
import type { Logger } from './log.ts';

export interface InstallationRef {
  id: number;
  /** Suspended installations get no tokens: their repositories count as uninstalled. */
  suspended: boolean;
  account: string;
}

export interface AppGitHub {
  /** Authenticated as the App (JWT): `/app`, `/app/installations`, `/repos/{o}/{r}/installation`. */
  appOctokit: GitHubClient;
  /** Authenticated as an installation (cached per id). */
  installationOctokit(installationId: number): Promise<GitHubClient>;
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
   * each request"), which @octokit/plugin-throttling applies. Tests and benchmarks lower it.
   */
  writeIntervalMs?: number;
  /** Retries of a request on 5xx and network errors (@octokit/plugin-retry; default 3). */
  retries?: number;
}

/** The shape @octokit/plugin-throttling uses for its `write` limiter: `group.key(id).schedule(options, fn, ...args)`. */
interface LimiterGroup {
  key(id: string): { schedule<T>(options: object, fn: (...args: never[]) => Promise<T>, ...args: unknown[]): Promise<T> };
}

/** One start per `ms` per key, one at a time (what the plugin's Bottleneck group does, with our interval). */
export function spacingLimiter(ms: number): LimiterGroup {
  const tails = new Map<string, Promise<unknown>>();
  return {
    key(id) {
      return {
        schedule(_options, fn, ...args) {
          const prev = tails.get(id) ?? Promise.resolve();
          const run = prev.then(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args));
          const next = run.catch(() => undefined).then(() => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : undefined));
          tails.set(id, next);
          void next.then(() => {
            if (tails.get(id) === next) tails.delete(id);
          });
          return run as Promise<never>;
        },
      };
    },
  };
}

export function createAppGitHub(options: AppGitHubOptions): AppGitHub {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const log = options.log.child({ component: 'octokit' });
  const common = {
    baseUrl,
    userAgent: options.userAgent ?? 'os-datastore-app',
    log: { debug: (m: string) => log.debug(m), info: (m: string) => log.debug(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) },
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
  const write = options.writeIntervalMs === undefined ? undefined : spacingLimiter(options.writeIntervalMs);
  // The plugin keys its limiters by `throttle.id`: one write queue per installation, not one per process.
  // (The plugin types `write` as a Bottleneck.Group; it only calls key(id).schedule(...).)
  const throttle = (id: string): typeof common.throttle & { id: string } => ({ ...common.throttle, id, ...(write ? { write: write as never } : {}) });
  const appOctokit = new GitHubClient({ ...common, throttle: throttle(`app-${options.appId}`), authStrategy: createAppAuth, auth: { appId: options.appId, privateKey: options.privateKey } });
  // For App-authenticated routes @octokit/auth-app does not know (it would send an installation token).
  const bare = new GitHubClient(common);
  const clients = new Map<number, GitHubClient>();

  const toRef = (data: { id: number; suspended_at?: string | null; account?: { login?: string } | null }): InstallationRef => ({
    id: data.id,
    suspended: data.suspended_at != null,
    account: data.account?.login ?? '',
  });
  const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (e) {
      if ((e as { status?: number }).status === 404) return null;
      throw e;
    }
  };

  async function installationOfRepo(owner: string, repo: string): Promise<InstallationRef | null> {
    const res = await orNull(appOctokit.request('GET /repos/{owner}/{repo}/installation', { owner, repo }));
    return res ? toRef(res.data as Parameters<typeof toRef>[0]) : null;
  }

  return {
    appOctokit,
    async installationOctokit(installationId) {
      let client = clients.get(installationId);
      if (!client) {
        client = new GitHubClient({ ...common, throttle: throttle(`installation-${installationId}`), authStrategy: createAppAuth, auth: { appId: options.appId, privateKey: options.privateKey, installationId } });
        clients.set(installationId, client);
      }
      return client;
    },
    async installationOfRepository(repositoryId, readers = []) {
      const { token } = (await appOctokit.auth({ type: 'app' })) as { token: string };
      const res = await orNull(bare.request('GET /repositories/{repository_id}/installation', { repository_id: repositoryId, headers: { authorization: `bearer ${token}` } }));
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
