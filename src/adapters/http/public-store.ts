/**
 * The read port over anonymous HTTP(S) GETs under a public base URL: the bucket's root (with the
 * prefix), e.g. `https://bucket.s3.amazonaws.com/prefix` or the embedded store's
 * `http://127.0.0.1:4568/openspending`. A bucket whose policy allows `GetObject` only answers 403
 * for a key that does not exist (it may not say whether it does): both 403 and 404 are "none".
 * Transient failures (connection errors, 5xx, 429) are retried with backoff; a response that
 * pauses longer than the idle timeout (default 30 s) fails, however long the whole download takes.
 */

import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { encodeKey } from '../s3/store.ts';
import { ReadError, type StoreReader } from '../../read/reader.ts';

const ATTEMPTS = 4;

export interface PublicStoreOptions {
  /** Milliseconds without a byte (headers or body) before a request is given up (default 30 s). */
  idleTimeout?: number;
}

export function publicStoreReader(baseUrl: string, options: PublicStoreOptions = {}): StoreReader {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new ReadError(
      `--url must be an http(s) URL like "https://bucket.s3.amazonaws.com/prefix" (got ${JSON.stringify(baseUrl)})`,
      'unreachable',
    );
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.search || base.hash || base.username || base.password) {
    throw new ReadError(
      `--url must be an http(s) URL without query, fragment or credentials, like "https://bucket.s3.amazonaws.com/prefix" (got ${JSON.stringify(baseUrl)})`,
      'unreachable',
    );
  }
  const root = base.href.replace(/\/+$/, '');
  const url = (key: string): string => `${root}/${encodeKey(key)}`;
  const idle = options.idleTimeout ?? 30_000;

  /** A response whose body must arrive with no pause longer than `idle` (each chunk restarts the clock). */
  async function request(key: string): Promise<{ response: Response; body: () => AsyncIterable<Uint8Array> } | null> {
    let last: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt * (0.5 + Math.random())));
      const controller = new AbortController();
      let timer = setTimeout(() => controller.abort(new Error(`no answer within ${idle / 1000} s`)), idle);
      const restart = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new Error(`no data for ${idle / 1000} s`)), idle);
      };
      try {
        const response = await fetch(url(key), { redirect: 'follow', signal: controller.signal });
        restart();
        if (response.status === 404 || response.status === 403) {
          clearTimeout(timer);
          await response.body?.cancel();
          return null;
        }
        if (response.ok) {
          const body = async function* (): AsyncGenerator<Uint8Array> {
            try {
              if (!response.body) return;
              for await (const chunk of Readable.fromWeb(response.body as ReadableStream<Uint8Array>)) {
                restart();
                yield chunk as Uint8Array;
              }
            } catch (error) {
              throw new ReadError(
                `GET ${url(key)} failed while reading: ${controller.signal.aborted ? String((controller.signal.reason as Error)?.message) : (error as Error).message}; run the command again`,
                'unreachable',
              );
            } finally {
              clearTimeout(timer);
              controller.abort();
            }
          };
          return { response, body };
        }
        clearTimeout(timer);
        await response.body?.cancel();
        last = new Error(`HTTP ${response.status} ${response.statusText}`);
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        clearTimeout(timer);
        last = controller.signal.aborted ? controller.signal.reason : error;
      }
    }
    const why = last instanceof Error ? ((last.cause as Error | undefined)?.message ?? last.message) : String(last);
    throw new ReadError(
      `GET ${url(key)} failed: ${why}; check --url (the public base of the store, prefix included) and the network`,
      'unreachable',
    );
  }

  return {
    description: root,
    url,
    async get(key) {
      const got = await request(key);
      if (!got) return null;
      const chunks: Uint8Array[] = [];
      for await (const chunk of got.body()) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
    async stream(key) {
      const got = await request(key);
      return got ? got.body() : null;
    },
  };
}
