/**
 * The read port: what the read side needs from a published store. Keys are relative to the
 * store's prefix (`datasets/{owner}/{name}/...`), as in the ObjectStore port. Two adapters:
 * anonymous HTTP GETs under a public base URL (src/adapters/http/public-store.ts) — all a bucket
 * whose policy allows `GetObject` only gives — and the S3 client of `publish`'s storage
 * configuration (src/adapters/s3/reader.ts).
 */

import { UserError, type UserErrorOptions } from '../errors.ts';

export interface StoreReader {
  /** For messages, e.g. `https://bucket.s3.amazonaws.com/prefix` or `s3://bucket/prefix`. */
  readonly description: string;
  /** The object's bytes, or null when there is none (or, anonymously, none readable). */
  get(key: string): Promise<Uint8Array | null>;
  /** The object's bytes as a stream, or null when there is none. */
  stream(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  /** The object's public URL (for messages and pages). */
  url(key: string): string;
}

/**
 * Reading failed in a way the user must act on: not found or unreachable (exit 2), or content
 * that fails verification (exit 1). Code: `read-<kind>`.
 */
export class ReadError extends UserError {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'damaged' | 'mismatch' | 'unreachable',
    options: UserErrorOptions = {},
  ) {
    super(`read-${kind}`, message, { exitCode: kind === 'mismatch' || kind === 'damaged' ? 1 : 2, ...options });
  }
}
