/**
 * Minimal HTTP(S) requests to addresses taken from repository content (the LFS client, remote
 * resources), on node:http so that the address actually connected to can be checked (a DNS name that resolves to a private address, a redirect to one,
 * or DNS rebinding between a check and the connection cannot get round the check).
 */

import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as plainRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as tlsRequest } from 'node:https';
import { UserError } from '../../errors.ts';
import { blockedAddressReason } from './address.ts';

/** A connection refused because its address is loopback, private, link-local ... */
export class BlockedAddressError extends UserError {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super('blocked-address', `${host} is ${address === host ? '' : `${address}, `}${reason}`, {
      hint: 'Only public addresses are fetched: give a URL on a public host.',
    });
  }
}

export interface SendOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Refuse loopback, private, link-local and unspecified addresses (checked at connection time). */
  publicOnly: boolean;
  /** Give up when the connection is idle this long (ms). */
  idleTimeoutMs?: number;
  /** Redirects followed at most (default 5). */
  maxRedirects?: number;
  /** Aborts the request (and the body of its response) when it fires: a limit on the total time. */
  signal?: AbortSignal;
}

export interface Sent {
  response: IncomingMessage;
  /** The URL that answered (after redirects). */
  url: URL;
}

/** Send a request; resolves with the response (body unread) once its headers arrive. */
export async function send(url: URL, options: SendOptions): Promise<Sent> {
  let current = url;
  let method = options.method;
  let body = options.body;
  let headers = { ...options.headers };
  for (let redirects = 0; ; redirects++) {
    const response = await once(current, method, headers, body, options);
    const location = response.headers.location;
    if (![301, 302, 303, 307, 308].includes(response.statusCode ?? 0) || location === undefined) return { response, url: current };
    response.resume();
    if (redirects >= (options.maxRedirects ?? 5)) throw new Error(`too many redirects (last to ${location})`);
    const next = new URL(location, current);
    if (next.origin !== current.origin) {
      // credentials are for the origin they were given to
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
    }
    if (response.statusCode !== 307 && response.statusCode !== 308) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'));
    }
    current = next;
  }
}

function once(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  options: SendOptions,
): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new Error(`${url.protocol} URLs are not supported (http or https only)`));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (options.publicOnly) {
    // IP literals are connected to without a lookup: check them here
    const reason = blockedAddressReason(host);
    if (reason) return Promise.reject(new BlockedAddressError(host, host, reason));
  }
  const outgoing: OutgoingHttpHeaders = { ...headers };
  if (body !== undefined) outgoing['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? tlsRequest : plainRequest)(url, {
      method,
      headers: outgoing,
      ...(options.publicOnly ? { lookup: publicLookup } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    req.setTimeout(options.idleTimeoutMs ?? 120_000, () =>
      req.destroy(new Error(`no answer from ${url.host} for ${Math.round((options.idleTimeoutMs ?? 120_000) / 100) / 10} s`)),
    );
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that refuses blocked addresses. */
function publicLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    for (const a of addresses) {
      const reason = blockedAddressReason(a.address);
      if (reason) return callback(new BlockedAddressError(hostname, a.address, reason) as unknown as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

/** Resolve a host name (or IP literal) and say why it is blocked, or undefined when all its addresses are public. */
export async function blockedHostReason(host: string): Promise<{ address: string; reason: string } | undefined> {
  const bare = host.replace(/^\[|\]$/g, '');
  const literal = blockedAddressReason(bare);
  if (literal) return { address: bare, reason: literal };
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(bare, { all: true }, (err, a) => (err ? reject(err) : resolve(a))),
  );
  for (const a of addresses) {
    const reason = blockedAddressReason(a.address);
    if (reason) return { address: a.address, reason };
  }
  return undefined;
}

/** Read a (small) response body, refusing more than `max` bytes. */
export async function readBody(response: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) {
      response.destroy();
      throw new Error(`the answer is larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
