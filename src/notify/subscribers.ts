/**
 * Outgoing webhooks to subscribers after each registry commit: one POST of the JSON body,
 * signed as GitHub signs (src/notify/sign.ts), with a delivery id kept across retries (as GitHub
 * keeps `x-github-delivery`). Retried with exponential backoff on 5xx, timeouts and network
 * errors, a bounded number of times; never on 4xx (the subscriber refused it: retrying would not
 * change its mind).
 */

import { randomUUID } from 'node:crypto';
import { SIGNATURE_HEADER, signBody } from './sign.ts';

const EVENT_HEADER = 'x-os-datastore-event';
const DELIVERY_HEADER = 'x-os-datastore-delivery';

export interface SubscriberTarget {
  url: string;
  secret: string;
}

export interface RetryPolicy {
  /** Tries in all (default 5). */
  attempts?: number;
  /** Wait before the 2nd try; doubled each time (default 1000 ms: 1, 2, 4, 8 s). */
  baseMs?: number;
  /** Per try (default 10 000 ms, as GitHub gives a receiver). */
  timeoutMs?: number;
}

export interface DeliveryResult {
  url: string;
  delivery: string;
  ok: boolean;
  /** The last HTTP status (0: no answer). */
  status: number;
  attempts: number;
  /** Why it failed, when it did. */
  error?: string;
}

export interface DeliverOptions {
  event: string;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  uuid?: () => string;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs `body` (already serialized: the signature covers these exact bytes) to one subscriber. */
export async function deliverToSubscriber(target: SubscriberTarget, body: string, options: DeliverOptions): Promise<DeliveryResult> {
  const attempts = Math.max(1, options.retry?.attempts ?? 5);
  const baseMs = options.retry?.baseMs ?? 1000;
  const timeoutMs = options.retry?.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  const delivery = (options.uuid ?? randomUUID)();
  const headers = {
    'content-type': 'application/json',
    'user-agent': options.userAgent ?? 'os-datastore-notify',
    [EVENT_HEADER]: options.event,
    [DELIVERY_HEADER]: delivery,
    [SIGNATURE_HEADER]: signBody(target.secret, body),
  };
  let status = 0;
  let error: string | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(baseMs * 2 ** (attempt - 2));
    try {
      const res = await doFetch(target.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      status = res.status;
      // Drain the body so the connection can be reused.
      await res.arrayBuffer().catch(() => undefined);
      if (status >= 200 && status < 300) return { url: target.url, delivery, ok: true, status, attempts: attempt };
      error = `HTTP ${status}`;
      if (status < 500) return { url: target.url, delivery, ok: false, status, attempts: attempt, error };
    } catch (e) {
      status = 0;
      error = e instanceof Error ? `${e.name}: ${e.message}${causeOf(e)}` : String(e);
    }
  }
  return { url: target.url, delivery, ok: false, status, attempts, ...(error !== undefined ? { error } : {}) };
}

function causeOf(e: Error): string {
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}
