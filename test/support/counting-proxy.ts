/**
 * An HTTP proxy on 127.0.0.1:0 in front of an S3 endpoint (point the client's `endpoint` at
 * it, path style): it records and counts requests by method and S3 operation, injects faults
 * (S3 error responses, connection resets) and runs a callback after the Nth write request (the
 * crash tests SIGKILL a publishing child process from there).
 *
 * Requests are forwarded with their Host header unchanged, so SigV4 signatures stay valid.
 */

import { mulberry32 } from '../../bench/generate.ts';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export interface ProxiedRequest {
  /** 1-based, in arrival order. */
  seq: number;
  method: string;
  /** Path and query, as received. */
  url: string;
  /** S3 operation guessed from method, path, query and headers (e.g. 'PutObject', 'UploadPart'). */
  operation: string;
  headers: IncomingHttpHeaders;
  /** Status sent to the client (undefined for resets). */
  status?: number;
  /** The fault injected instead of forwarding, if any ('500 InternalError', 'reset', ...). */
  fault?: string;
}

/** The real S3 error bodies (code, status, message) for faults and mapping tests. */
const S3_ERRORS = {
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  ServiceUnavailable: { status: 503, message: 'Please reduce your request rate.' },
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  InvalidAccessKeyId: { status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
  SignatureDoesNotMatch: {
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  AccessDenied: { status: 403, message: 'Access Denied' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist' },
  ExpiredToken: { status: 400, message: 'The provided token has expired.' },
} as const;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export interface FaultRule {
  /** Which requests the rule considers: an operation name, a method, or a predicate. Default: all. */
  match?: string | ((request: ProxiedRequest) => boolean);
  /** Fail these matching requests (1-based among the requests this rule matched). */
  nth?: number[];
  /** Fail each matching request with this probability (seeded, so runs repeat). */
  fraction?: number;
  /** Stop after injecting this many faults. Default: unlimited. */
  times?: number;
  /** An S3 error response (with its XML body, none for HEAD), or a reset connection. */
  respond: S3ErrorCode | 'reset' | { status: number; code: string; message: string };
}

export interface CountingProxy {
  /** http://127.0.0.1:port */
  endpoint: string;
  /** Every request so far, in order. */
  readonly requests: ProxiedRequest[];
  /** How many requests matched (by method and/or operation); no filter = all. */
  count(filter?: { method?: string; operation?: string }): number;
  /** Requests counted by method and by operation. */
  counts(): { total: number; byMethod: Record<string, number>; byOperation: Record<string, number> };
  /** Add a fault rule (rules are checked in order; the first that fires wins). */
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** Faults injected so far. */
  faults(): ProxiedRequest[];
  /**
   * Run `callback` once the Nth write request (PUT/POST/DELETE) forwarded from now on has landed
   * upstream, before its response goes back to the client (so the client never hears of it).
   */
  afterWrites(n: number, callback: () => void | Promise<void>): void;
  /** Forget recorded requests and counters (fault rules and their counters stay). */
  reset(): void;
  close(): Promise<void>;
}

const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE']);

/** The S3 operation of a path-style request (bucket = first path segment). */
export function s3Operation(method: string, url: string, headers: IncomingHttpHeaders): string {
  const parsed = new URL(url, 'http://proxy.invalid');
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const has = (name: string): boolean => parsed.searchParams.has(name);
  const onObject = segments.length > 1;
  if (segments.length === 0) return method === 'GET' ? 'ListBuckets' : `${method} /`;
  if (!onObject) {
    for (const sub of ['cors', 'policy', 'versioning', 'website', 'location', 'acl', 'lifecycle', 'tagging']) {
      if (has(sub)) {
        const name = sub === 'cors' ? 'Cors' : sub[0]?.toUpperCase() + sub.slice(1);
        if (method === 'GET') return sub === 'location' ? 'GetBucketLocation' : `GetBucket${name}`;
        if (method === 'PUT') return `PutBucket${name}`;
        if (method === 'DELETE') return `DeleteBucket${name}`;
      }
    }
    if (method === 'POST' && has('delete')) return 'DeleteObjects';
    if (method === 'GET' && has('uploads')) return 'ListMultipartUploads';
    if (method === 'GET') return parsed.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'HEAD') return 'HeadBucket';
    return `${method} bucket`;
  }
  if (method === 'POST' && has('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && has('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'PUT' && has('uploadId')) return headers['x-amz-copy-source'] !== undefined ? 'UploadPartCopy' : 'UploadPart';
  if (method === 'DELETE' && has('uploadId')) return 'AbortMultipartUpload';
  if (method === 'GET' && has('uploadId')) return 'ListParts';
  if (has('tagging')) return method === 'GET' ? 'GetObjectTagging' : method === 'PUT' ? 'PutObjectTagging' : 'DeleteObjectTagging';
  if (method === 'PUT') return headers['x-amz-copy-source'] !== undefined ? 'CopyObject' : 'PutObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'DELETE') return 'DeleteObject';
  if (method === 'POST') return 'PostObject';
  return `${method} object`;
}

/** An S3 error document, as S3 sends it. */
function s3ErrorXml(code: string, message: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${fields}` +
    `<RequestId>4442587FB7D0A2F9</RequestId><HostId>proxy</HostId></Error>`
  );
}

/** A small seeded PRNG, so fault fractions repeat from run to run. */
const random = mulberry32;

interface RuleState {
  rule: FaultRule;
  matched: number;
  fired: number;
}

/**
 * Start a proxy to `target` (an http:// endpoint). Closed when the current test finishes unless
 * `closeOnTestFinished: false` (then call close()).
 */
export async function startCountingProxy(
  target: string,
  options: { seed?: number; closeOnTestFinished?: boolean } = {},
): Promise<CountingProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const injected: ProxiedRequest[] = [];
  let rules: RuleState[] = [];
  const next = random(options.seed ?? 42);
  let seq = 0;
  let writes = 0;
  let writeHooks: Array<{ at: number; callback: () => void | Promise<void> }> = [];
  const sockets = new Set<Socket>();

  const matches = (rule: FaultRule, request: ProxiedRequest): boolean => {
    if (rule.match === undefined) return true;
    if (typeof rule.match === 'function') return rule.match(request);
    return rule.match === request.operation || rule.match === request.method;
  };

  // Every rule counts every request it matches (so `nth` does not depend on other rules);
  // the first rule that fires decides the fault.
  const pickFault = (request: ProxiedRequest): FaultRule['respond'] | undefined => {
    let chosen: RuleState | undefined;
    for (const state of rules) {
      if (!matches(state.rule, request)) continue;
      state.matched += 1;
      if (chosen !== undefined || (state.rule.times !== undefined && state.fired >= state.rule.times)) continue;
      const byNth = state.rule.nth?.includes(state.matched) ?? false;
      const byFraction = state.rule.fraction !== undefined && next() < state.rule.fraction;
      if (byNth || byFraction) chosen = state;
    }
    if (chosen === undefined) return undefined;
    chosen.fired += 1;
    return chosen.rule.respond;
  };

  const drain = (req: IncomingMessage): Promise<void> =>
    new Promise((done) => {
      req
        .on('end', done)
        .on('error', () => done())
        .resume();
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const record: ProxiedRequest = { seq: ++seq, method, url, operation: s3Operation(method, url, req.headers), headers: req.headers };
    requests.push(record);

    const fault = pickFault(record);
    if (fault !== undefined) {
      injected.push(record);
      await drain(req);
      if (fault === 'reset') {
        record.fault = 'reset';
        req.socket.destroy();
        return;
      }
      const { status, code, message } = typeof fault === 'string' ? { ...S3_ERRORS[fault], code: fault } : fault;
      record.fault = `${status} ${code}`;
      record.status = status;
      const body = method === 'HEAD' ? '' : s3ErrorXml(code, message);
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': 'proxy' });
      res.end(body);
      return;
    }

    const headers = { ...req.headers };
    // Node already answered any "Expect: 100-continue"; the upstream must not wait for it again.
    delete headers.expect;
    delete headers.connection;
    const isWrite = WRITE_METHODS.has(method);
    const upstreamResponse = await new Promise<IncomingMessage>((done, fail) => {
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method, path: url, headers }, (response) =>
        done(response),
      );
      forward.on('error', fail);
      req.pipe(forward);
    }).catch((error: unknown) => {
      record.fault = `upstream ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
      req.socket.destroy();
      return undefined;
    });
    if (upstreamResponse === undefined) return;
    record.status = upstreamResponse.statusCode;
    if (isWrite) {
      writes += 1;
      const due = writeHooks.filter((hook) => hook.at === writes);
      writeHooks = writeHooks.filter((hook) => hook.at !== writes);
      for (const hook of due) await hook.callback();
    }
    res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
    upstreamResponse.pipe(res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The counting proxy has no TCP address.');

  let closed: Promise<void> | undefined;
  const proxy: CountingProxy = {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests,
    count(filter = {}) {
      return requests.filter(
        (r) =>
          (filter.method === undefined || r.method === filter.method) &&
          (filter.operation === undefined || r.operation === filter.operation),
      ).length;
    },
    counts() {
      const byMethod: Record<string, number> = {};
      const byOperation: Record<string, number> = {};
      for (const r of requests) {
        byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
        byOperation[r.operation] = (byOperation[r.operation] ?? 0) + 1;
      }
      return { total: requests.length, byMethod, byOperation };
    },
    inject(rule) {
      rules.push({ rule, matched: 0, fired: 0 });
    },
    clearFaults() {
      rules = [];
    },
    faults() {
      return [...injected];
    },
    afterWrites(n, callback) {
      writeHooks.push({ at: writes + n, callback });
    },
    reset() {
      requests.length = 0;
      injected.length = 0;
    },
    close() {
      closed ??= new Promise<void>((done) => {
        server.close(() => done());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
  if (options.closeOnTestFinished ?? true) onTestFinished(() => proxy.close());
  return proxy;
}
