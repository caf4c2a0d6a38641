/**
 * The read port over anonymous HTTP(S) GETs under a public base URL: the bucket's root (with the
 * prefix), e.g. `https://bucket.s3.amazonaws.com/prefix` or the embedded store's
 * `http://127.0.0.1:4568/openspending`. A bucket whose policy allows `GetObject` only answers 403
 * for a key that does not exist (it may not say whether it does): both 403 and 404 are "none".
 * Transient failures (connection errors, 5xx, 429) are retried with backoff.
 */

import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { encodeKey } from '../s3/store.ts';
import { ReadError, type StoreReader } from '../../read/reader.ts';

const ATTEMPTS = 4;

export interface PublicStoreOptions {
  /** Milliseconds without a byte before a request is given up (default 30 s). */
  idleTimeout?: number;
}

export function publicStoreReader(baseUrl: string, options: PublicStoreOptions = {}): StoreReader {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new ReadError(`--url must be an http(s) URL like "https://bucket.s3.amazonaws.com/prefix" (got ${JSON.stringify(baseUrl)})`, 'unreachable');
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.search || base.hash || base.username || base.password) {
    throw new ReadError(`--url must be an http(s) URL without query, fragment or credentials, like "https://bucket.s3.amazonaws.com/prefix" (got ${JSON.stringify(baseUrl)})`, 'unreachable');
  }
  const root = base.href.replace(/\/+$/, '');
  const url = (key: string): string => `${root}/${encodeKey(key)}`;
  const idle = options.idleTimeout ?? 30_000;

  async function request(key: string): Promise<Response | null> {
    let last: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt * (0.5 + Math.random())));
      try {
        const response = await fetch(url(key), { redirect: 'follow', signal: AbortSignal.timeout(idle) });
        if (response.status === 404 || response.status === 403) {
          await response.body?.cancel();
          return null;
        }
        if (response.ok) return response;
        await response.body?.cancel();
        last = new Error(`HTTP ${response.status} ${response.statusText}`);
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        last = error;
      }
    }
    const why = last instanceof Error ? ((last.cause as Error | undefined)?.message ?? last.message) : String(last);
    throw new ReadError(`GET ${url(key)} failed: ${why}; check --url (the public base of the store, prefix included) and the network`, 'unreachable');
  }

  return {
    description: root,
    url,
    async get(key) {
      const response = await request(key);
      return response ? new Uint8Array(await response.arrayBuffer()) : null;
    },
    async stream(key) {
      const response = await request(key);
      if (!response?.body) return response ? (async function* () {})() : null;
      return Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
    },
  };
}
