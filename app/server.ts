/**
 * The App's HTTP server (node:http): GitHub's webhook deliveries at `POST /api/github/webhooks`
 * (configurable) and `GET /healthz`. Checks run in this order, cheapest first, and nothing is
 * parsed before the signature is verified on the raw bytes (@octokit/webhooks `verify`):
 *
 *   path (404) → method (405) → content-type application/json (415) → x-github-event and
 *   x-github-delivery (400) → size (413; GitHub caps payloads at 25 MB, so that is our default)
 *   → x-hub-signature-256 over the raw body (401) → JSON (400) → 202, work queued
 *
 * The answer never waits for GitHub or the registry (GitHub gives up after 10 s and does not
 * redeliver by itself): a verified delivery is routed (app/route-event.ts) and queued
 * (app/queue.ts), and answered 202 (200 for events that change nothing). `close()` stops
 * accepting, answers 503 on kept-alive connections, and drains the queue.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@octokit/webhooks';
import { isUserError } from '../src/errors.ts';
import { routeEvent } from './route-event.ts';
import { DEFAULT_HTTP_LIMITS, APP_DEFAULTS, type HttpLimits } from '../src/config/app.ts';
import { silentLogger, type Logger } from './log.ts';
import type { RegistryQueue } from './queue.ts';

/** GitHub caps webhook payloads at 25 MB; a bigger body is not from GitHub. */
const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface AppServerDeps {
  /** The webhook secret (the App's settings). */
  secret: string;
  queue: Pick<RegistryQueue, 'enqueue' | 'stats' | 'drain' | 'close'>;
  path?: string;
  maxBodyBytes?: number;
  log?: Logger;
  /** More fields for /healthz (e.g. the registry). */
  health?: () => Record<string, unknown>;
  /** Bound on draining at close (default: no bound). */
  drainTimeoutMs?: number;
  /** Runs after the queue drained at close (e.g. notifications under way). */
  onClose?: () => Promise<void>;
  /** Connection bounds (default DEFAULT_HTTP_LIMITS). */
  limits?: HttpLimits;
}

export interface AppServer {
  server: Server;
  /** Listens on `port` (0: any free port) and resolves to the base URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Graceful: stop accepting, finish answering, drain the queue. */
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

const send = (res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
};

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

class TooLarge extends Error {}

/** The raw body, or TooLarge once more than `limit` bytes arrived. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

export function createAppServer(deps: AppServerDeps): AppServer {
  const path = deps.path ?? APP_DEFAULTS.webhookPath;
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = deps.log ?? silentLogger;
  const webhooks = new Webhooks({ secret: deps.secret });
  const started = Date.now();
  let closing: Promise<void> | null = null;
  let queueClosed = false;

  async function onDelivery(req: IncomingMessage, res: ServerResponse, t0: bigint): Promise<void> {
    const event = header(req, 'x-github-event');
    const deliveryId = header(req, 'x-github-delivery');
    const fields: Json = { deliveryId, event };
    const reject = (status: number, error: string, level: 'warn' | 'info' = 'warn', extra: Record<string, string> = {}): void => {
      send(res, status, { error }, extra);
      log[level]('delivery refused', { ...fields, status, reason: error });
    };

    const contentType = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/json') {
      return reject(
        415,
        `content-type must be application/json (got ${JSON.stringify(contentType || 'none')}); set the App's webhook content type to JSON`,
      );
    }
    if (!event || !deliveryId) return reject(400, 'x-github-event and x-github-delivery headers are required');
    const declared = Number(header(req, 'content-length') ?? '0');
    const tooLarge = (): void => {
      // Stop reading; the connection is closed after the answer.
      reject(413, `the body is over ${maxBody} bytes`, 'warn', { connection: 'close' });
      res.once('finish', () => req.destroy());
    };
    if (declared > maxBody) return tooLarge();

    let raw: Buffer;
    try {
      raw = await readBody(req, maxBody);
    } catch (e) {
      if (e instanceof TooLarge) return tooLarge();
      throw e;
    }
    const signature = header(req, 'x-hub-signature-256');
    const body = raw.toString('utf8');
    const verified = signature !== undefined && (await webhooks.verify(body, signature).catch(() => false));
    if (!verified) {
      // GitHub's own words help: a wrong secret is the usual cause.
      return reject(
        401,
        signature === undefined
          ? 'x-hub-signature-256 is missing'
          : "the signature does not match: check that WEBHOOK_SECRET is the secret in the App's settings",
      );
    }

    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return reject(400, 'the body is not JSON');
    }
    const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Json;
    Object.assign(fields, {
      action: typeof p['action'] === 'string' ? p['action'] : undefined,
      installationId: (p['installation'] as Json | undefined)?.['id'],
      repository: (p['repository'] as Json | undefined)?.['full_name'],
    });

    const routing = routeEvent(event, deliveryId, payload);
    const ms = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
    if (routing.kind === 'ignore') {
      send(res, 200, { ok: true, ignored: routing.reason });
      log.info('delivery ignored', { ...fields, reason: routing.reason, ms: ms() });
      return;
    }
    if (queueClosed) return reject(503, 'shutting down', 'warn', { connection: 'close' });
    const { duplicate } = deps.queue.enqueue(routing);
    send(res, 202, { ok: true, queued: routing.repos.length + routing.sweeps.length + (routing.reconcile ? 1 : 0), duplicate });
    log.info(duplicate ? 'delivery already queued' : 'delivery queued', {
      ...fields,
      repositories: routing.repos.map((r) => r.repositoryId),
      sweeps: routing.sweeps.length || undefined,
      reconcile: routing.reconcile || undefined,
      ms: ms(),
    });
  }

  const limits = deps.limits ?? DEFAULT_HTTP_LIMITS;
  let refused = 0;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the timeouts above are checked (Node's default, 30 s, would let a dripping client stay that long).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const t0 = process.hrtime.bigint();
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      if (closing) return send(res, 503, { error: 'shutting down' }, { connection: 'close' });
      if (url.pathname === '/healthz') {
        if (method !== 'GET' && method !== 'HEAD') return send(res, 405, { error: 'use GET' }, { allow: 'GET, HEAD' });
        return send(res, 200, {
          status: 'ok',
          uptimeSeconds: Math.round((Date.now() - started) / 1000),
          queue: deps.queue.stats(),
          lastCommit: deps.queue.stats().lastCommit,
          connections: { max: limits.maxConnections, refused },
          ...deps.health?.(),
        });
      }
      if (url.pathname !== path) return send(res, 404, { error: `not found; deliveries go to POST ${path}` });
      if (method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
      onDelivery(req, res, t0).catch((e: unknown) => {
        // A user's error (say, a registry file to fix) is a warning; anything else is ours.
        log[isUserError(e) ? 'warn' : 'error']('delivery failed', {
          deliveryId: header(req, 'x-github-delivery'),
          event: header(req, 'x-github-event'),
          err: e,
        });
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  // Node closes a connection over maxConnections itself; say so (once per 100, a flood must not flood the log).
  server.on('drop', () => {
    if (refused++ % 100 === 0) log.warn('connection refused: too many open', { maxConnections: limits.maxConnections, refused });
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
          resolve(`http://${h === '0.0.0.0' || h === '[::]' ? '127.0.0.1' : h}:${a.port}`);
        });
      });
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        log.info('shutting down: draining the queue', { pending: deps.queue.stats().pending });
        const { drained } = await deps.queue.drain(deps.drainTimeoutMs === undefined ? {} : { timeoutMs: deps.drainTimeoutMs });
        await deps.onClose?.();
        queueClosed = true;
        deps.queue.close();
        // Connections still open after the drain are idle or stuck: end them.
        server.closeAllConnections();
        await stopped;
        log.info('stopped', { drained });
      })();
      return closing;
    },
  };
}
