/** An Octokit with retries and rate-limit handling, for any GitHub (api.github.com or Enterprise Server). */

import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

export const GitHubClient = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubClient>;

export function createGitHubClient(options: {
  token: string;
  baseUrl: string;
  userAgent?: string;
  log?: (message: string) => void;
}): GitHubClient {
  const log = options.log ?? (() => undefined);
  return new GitHubClient({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    userAgent: options.userAgent ?? 'os-datastore',
    throttle: {
      // Wait and retry twice on primary and secondary rate limits, then give up with the error.
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log(`GitHub rate limit on ${request.method} ${request.url}; retrying in ${retryAfter} s`);
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log(`GitHub secondary rate limit on ${request.method} ${request.url}; retrying in ${retryAfter} s`);
        return retryCount < 2;
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 409, 422] },
  });
}
