/**
 * A subscriber of the App's notifications: a real HTTP server on 127.0.0.1:0 that verifies each
 * delivery's `x-hub-signature-256` on the raw body with @octokit/webhooks-methods `verify` (as a
 * subscriber would, with a GitHub webhook library), records every request, and answers what the
 * test asks for (e.g. 500 for the next N requests). Closed when the test finishes.
 */

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '@octokit/webhooks-methods';
import { onTestFinished } from 'vitest';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  raw: string;
  /** The parsed body (undefined when not JSON). */
  body: unknown;
  /** The signature matched the raw body and the secret. */
  verified: boolean;
  /** The status answered. */
  status: number;
  at: number;
}

export interface TestSubscriber {
  url: string;
  secret: string;
  /** Every request, in arrival order (failed ones included). */
  requests: ReceivedDelivery[];
  /** Requests answered 2xx. */
  accepted(): ReceivedDelivery[];
  /** Answer the next `n` requests with `status` (default 500). */
  failNext(n: number, status?: number): void;
  /** Resolves when `n` requests were answered 2xx (rejects after timeoutMs). */
  waitForAccepted(n: number, timeoutMs?: number): Promise<ReceivedDelivery[]>;
  close(): Promise<void>;
}

export async function startSubscriber(options: { secret?: string; keepOpen?: boolean } = {}): Promise<TestSubscriber> {
  const secret = options.secret ?? `sub-${Math.random().toString(36).slice(2)}`;
  const requests: ReceivedDelivery[] = [];
  const failures: number[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const sig = req.headers['x-hub-signature-256'];
        const verified = typeof sig === 'string' && (await verify(secret, raw, sig).catch(() => false));
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        const status = failures.length > 0 ? failures.shift()! : verified ? 200 : 401;
        requests.push({ headers: req.headers, raw, body, verified, status, at: Date.now() });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
        for (const w of waiters.splice(0)) w();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/os-datastore`;
  const accepted = (): ReceivedDelivery[] => requests.filter((r) => r.status >= 200 && r.status < 300);
  const close = async (): Promise<void> => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  if (!options.keepOpen) onTestFinished(close);
  return {
    url,
    secret,
    requests,
    accepted,
    failNext(n, status = 500) {
      for (let i = 0; i < n; i++) failures.push(status);
    },
    waitForAccepted(n, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the subscriber got ${accepted().length} accepted deliveries, not ${n}, within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const check = (): void => {
          if (accepted().length >= n) {
            clearTimeout(timer);
            resolve(accepted());
          } else waiters.push(check);
        };
        check();
      });
    },
    close,
  };
}
