/** Follow-up work as tasks: one try of one channel and target, for a queue that retries and records (app/follow-up.ts). */

import { describeError, httpStatusOf } from '../errors.ts';

/** One try of one piece of follow-up work (a channel and a target). */
export interface FollowUpTask {
  /** Unique among the tasks of one registry commit; no secrets (it is stored in the progress record). */
  key: string;
  kind: 'subscriber' | 'feed' | 'repository_dispatch' | 'publish';
  /** What it is for, in logs and health: a subscriber's origin, the store, owner/repo. */
  target: string;
  run(): Promise<TaskOutcome>;
}

/** `retry: false`: the answer will not change by asking again (a 4xx, a missing workflow): report it. */
export type TaskOutcome = { ok: true; note?: string } | { ok: false; retry: boolean; error: string; status?: number };

/** A failed GitHub request as a task outcome: 4xx are answers (except timeouts and rate limits), the rest is retried. */
export function failureOf(e: unknown): TaskOutcome & { ok: false } {
  const status = httpStatusOf(e);
  const error = describeError(e);
  const retry = status === undefined || status >= 500 || status === 408 || status === 429 || (status === 403 && /rate limit/i.test(error));
  return { ok: false, retry, error, ...(status !== undefined ? { status } : {}) };
}
