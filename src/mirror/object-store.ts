/**
 * The object-store port: what the mirror needs from S3 (or any S3-compatible store). Keys are
 * relative to the store's configured prefix (`datasets/{owner}/{name}/...`): the adapter adds the
 * prefix on the way out and strips it from listed keys. The S3 adapter implements it; the mirror
 * never sees the SDK.
 */

import { UserError, type UserErrorOptions } from '../errors.ts';

export interface PutOptions {
  contentType: string;
  cacheControl?: string;
  /** Hex SHA-256 of the body: sent as a checksum the store verifies. */
  sha256?: string;
  /** Body size in bytes, when known (large bodies go multipart). */
  size?: number;
  /** Extra metadata stored with the object (x-amz-meta-*). */
  metadata?: Record<string, string>;
}

/** A body: bytes in memory, or a stream factory (called once per attempt). */
export type Body = Uint8Array | string | (() => AsyncIterable<Uint8Array>);

export interface ObjectInfo {
  key: string;
  size: number;
}

export interface ObjectStore {
  /** Human description for messages, e.g. `s3://bucket/prefix (http://127.0.0.1:4568)`. */
  readonly description: string;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Size of the object, or null when there is none. */
  head(key: string): Promise<ObjectInfo | null>;
  put(key: string, body: Body, options: PutOptions): Promise<void>;
  /** Server-side copy (no bytes through the client). */
  copy(from: string, to: string, options: Pick<PutOptions, 'contentType' | 'cacheControl'>): Promise<void>;
  /** Delete keys (absent keys are fine). */
  delete(keys: string[]): Promise<void>;
  /** Every object under a prefix. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Public URL of a key, for reports and badges. */
  url(key: string): string;
}

/** A store failure a user can act on (wrong credentials, no bucket, unreachable): one sentence. */
export class StoreError extends UserError {
  constructor(
    message: string,
    readonly kind: 'credentials' | 'no-bucket' | 'unreachable' | 'denied' | 'other',
    options: UserErrorOptions = {},
  ) {
    super(kind === 'other' ? 'store-error' : `store-${kind}`, message, options);
  }
}
