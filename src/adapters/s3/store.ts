/**
 * The ObjectStore port on any S3-compatible store, with @aws-sdk/client-s3 and lib-storage.
 *
 * Keys: callers pass keys relative to the configured prefix ('datasets/o/n/datapackage.json');
 * the store adds `config.prefix/` in front of every key it sends and strips it from every key
 * it lists, so the rest of the program never sees the prefix.
 */

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { httpStatusOf } from '../../errors.ts';
import { mapLimit } from '../../concurrency.ts';
import { StoreError } from '../../mirror/object-store.ts';
import type { ObjectInfo, ObjectStore, PutOptions } from '../../mirror/object-store.ts';
import type { StorageConfig } from '../../config/storage.ts';

export interface S3StoreOptions {
  /** A client to use (not destroyed by the store); default: one built by createS3Client(config). */
  client?: S3Client;
  /**
   * Multipart part size in bytes (min 5 MiB). Default 8 MiB. Bodies up to this size are read
   * into memory and sent in one PutObject (which the SDK can retry); bodies up to
   * `config.multipartThreshold` (default: the part size) are streamed in one PutObject; larger
   * ones go in a multipart upload.
   */
  partSize?: number;
  /** Parts uploaded concurrently by one multipart upload (bounds memory: queueSize × partSize). Default 4. */
  queueSize?: number;
  /** Concurrent DeleteObject calls when the store lacks DeleteObjects. Default 8. */
  deleteConcurrency?: number;
}

/** The S3 store: the ObjectStore port plus its client and a way to release it. */
export interface S3Store extends ObjectStore {
  readonly client: S3Client;
  readonly config: StorageConfig;
  /** Destroy the client if the store created it (dangling sockets keep Node alive). */
  destroy(): void;
}

export interface S3ClientOptions {
  /** Attempts per request, first one included (SDK standard retry: backoff with jitter). Default 5. */
  maxAttempts?: number;
  retryMode?: 'standard' | 'adaptive';
  /** Milliseconds to establish a connection before the attempt fails. Default 10 s. */
  connectionTimeout?: number;
  /** Milliseconds a socket may stay idle mid-request before the attempt fails. Default 120 s. */
  socketTimeout?: number;
}

const MIB = 1024 * 1024;
const DELETE_BATCH = 1000;

/**
 * An S3Client for the config: endpoint, region, path style, checksum mode, credentials (or the
 * standard AWS chain) and the SDK's retry strategy, which retries 5xx, SlowDown/throttling,
 * timeouts and connection resets/refusals with exponential backoff.
 */
export function createS3Client(config: StorageConfig, options: S3ClientOptions = {}): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: config.checksums,
    responseChecksumValidation: config.checksums,
    ...(config.credentials !== undefined && { credentials: config.credentials }),
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: options.retryMode ?? 'standard',
    requestHandler: {
      connectionTimeout: options.connectionTimeout ?? 10_000,
      socketTimeout: options.socketTimeout ?? 120_000,
    },
  });
}

/** The ObjectStore for `config` (see the module comment for how keys and the prefix relate). */
export function createS3Store(config: StorageConfig, options: S3StoreOptions = {}): S3Store {
  const ownsClient = options.client === undefined;
  const client = options.client ?? createS3Client(config);
  const partSize = options.partSize ?? 8 * MIB;
  const queueSize = options.queueSize ?? 4;
  const deleteConcurrency = options.deleteConcurrency ?? 8;
  const threshold = Math.max(config.multipartThreshold ?? partSize, partSize);
  if (partSize < 5 * MIB) throw new RangeError(`partSize must be at least 5 MiB (S3's minimum part size), got ${partSize}.`);
  if (queueSize < 1) throw new RangeError(`queueSize must be at least 1, got ${queueSize}.`);

  const Bucket = config.bucket;
  const prefix = config.prefix === '' ? '' : `${config.prefix}/`;
  const full = (key: string): string => prefix + key;
  const where = config.endpoint ?? `AWS S3 (${config.region})`;
  const description = `s3://${Bucket}/${config.prefix}${config.endpoint !== undefined ? ` (${config.endpoint})` : ''}`;
  const fail = (error: unknown, operation: string, key?: string): StoreError =>
    toStoreError(error, { config, operation, key: key === undefined ? undefined : full(key), where });
  // Decided on first use: stores without DeleteObjects (NotImplemented) get one DeleteObject per key.
  let batchDelete = true;

  /**
   * S3 answers a read of a missing key with 403 instead of 404 when the user may not list the
   * bucket (or only a prefix of it, as the policy from `bucket init` allows). Listing with the key
   * as prefix tells the cases apart: true when the key is absent; the 403 stands when it exists;
   * a failing list is reported instead (a bodiless HEAD 403 says nothing, the list's error does).
   */
  async function missingByList(key: string, operation: string): Promise<boolean> {
    let response;
    try {
      response = await client.send(new ListObjectsV2Command({ Bucket, Prefix: full(key), MaxKeys: 1 }));
    } catch (listError) {
      throw fail(listError, operation, key);
    }
    return !(response.Contents ?? []).some((object) => object.Key === full(key));
  }

  /** One PutObject: bytes, or a stream of exactly `options.size` bytes. */
  async function putSingle(key: string, body: Uint8Array | Readable, options: PutOptions): Promise<void> {
    // A stream that fails midway (a wrong checksum, a failed read) must end the request: the SDK
    // would otherwise wait for the rest of the body until the socket timeout.
    const controller = new AbortController();
    let bodyError: unknown;
    if (body instanceof Readable) {
      body.once('error', (error) => {
        bodyError = error;
        controller.abort();
      });
    }
    try {
      await sendPut(key, body, options, controller.signal);
    } catch (error) {
      throw bodyError ?? error;
    }
  }

  async function sendPut(key: string, body: Uint8Array | Readable, options: PutOptions, abortSignal: AbortSignal): Promise<void> {
    await client.send(
      new PutObjectCommand({
        Bucket,
        Key: full(key),
        Body: body,
        ContentLength: body instanceof Readable ? options.size : body.byteLength,
        ContentType: options.contentType,
        ...(options.cacheControl !== undefined && { CacheControl: options.cacheControl }),
        ...metadataOf(options),
        // The store recomputes the SHA-256 of what it received and rejects the PUT on mismatch
        // (AWS and most compatibles; s3rver ignores the header).
        ...(options.sha256 !== undefined && { ChecksumSHA256: Buffer.from(options.sha256, 'hex').toString('base64') }),
      }),
      { abortSignal },
    );
  }

  async function putMultipart(key: string, body: Uint8Array | Readable, options: PutOptions): Promise<void> {
    const upload = new Upload({
      client,
      partSize,
      queueSize,
      leavePartsOnError: false, // a failed upload is aborted, so no orphan parts are billed
      params: {
        Bucket,
        Key: full(key),
        Body: body,
        ContentType: options.contentType,
        ...(options.cacheControl !== undefined && { CacheControl: options.cacheControl }),
        ...metadataOf(options),
        // A whole-object SHA-256 cannot go in the params: lib-storage copies the params into every
        // UploadPart, where it would be each part's checksum. S3 has no full-object SHA-256 for
        // multipart uploads anyway (only composite), so ask for per-part SHA-256 checksums (the
        // SDK computes each part's, the store verifies it; s3rver ignores them) and check the
        // whole body's SHA-256 locally while streaming, failing before the upload completes.
        ...(options.sha256 !== undefined && { ChecksumAlgorithm: 'SHA256' as const }),
      },
    });
    await upload.done();
  }

  return {
    description,
    client,
    config,

    async get(key) {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket, Key: full(key) }));
        return response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
      } catch (error) {
        if (isMissingObject(error) || (isAmbiguous403(error) && (await missingByList(key, 'GetObject')))) return null;
        throw fail(error, 'GetObject', key);
      }
    },

    // A HEAD response has no body, so S3 cannot say whether the key or the bucket is missing:
    // both come back as null here, and the first write then reports the missing bucket.
    async head(key) {
      try {
        const response = await client.send(new HeadObjectCommand({ Bucket, Key: full(key) }));
        return { key, size: response.ContentLength ?? 0 };
      } catch (error) {
        if (isMissingObject(error) || (isAmbiguous403(error) && (await missingByList(key, 'HeadObject')))) return null;
        throw fail(error, 'HeadObject', key);
      }
    },

    async put(key, body, options) {
      try {
        if (typeof body !== 'function') {
          const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
          checkBytes(key, bytes, options);
          if (bytes.byteLength <= threshold) await putSingle(key, bytes, options);
          else await putMultipart(key, bytes, options);
          return;
        }
        const source = body()[Symbol.asyncIterator]();
        if (options.size !== undefined && options.size <= partSize) {
          // Small streams are read into memory so one PutObject carries the whole-object checksum.
          const head = await readUpTo(source, partSize);
          if (head.done) {
            checkBytes(key, head.bytes, options);
            await putSingle(key, head.bytes, options);
            return;
          }
          await putMultipart(key, Readable.from(verified(key, resume(head.bytes, source), options)), options);
          return;
        }
        const stream = Readable.from(verified(key, resume(new Uint8Array(), source), options));
        // A known size up to the threshold streams in one PutObject (Content-Length from the size).
        if (options.size !== undefined && options.size <= threshold) await putSingle(key, stream, options);
        else await putMultipart(key, stream, options);
      } catch (error) {
        throw fail(error, 'PutObject', key);
      }
    },

    async copy(from, to, options) {
      try {
        await client.send(
          new CopyObjectCommand({
            Bucket,
            Key: full(to),
            CopySource: `${Bucket}/${encodeKey(full(from))}`,
            // REPLACE so the copy gets these headers; user metadata is not carried over.
            MetadataDirective: 'REPLACE',
            ContentType: options.contentType,
            ...(options.cacheControl !== undefined && { CacheControl: options.cacheControl }),
          }),
        );
      } catch (error) {
        throw fail(error, 'CopyObject', from);
      }
    },

    async delete(keys) {
      const unique = [...new Set(keys)];
      for (let start = 0; start < unique.length; start += DELETE_BATCH) {
        const batch = unique.slice(start, start + DELETE_BATCH);
        if (batchDelete) {
          try {
            const response = await client.send(
              new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch.map((key) => ({ Key: full(key) })), Quiet: true } }),
            );
            const failed = (response.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
            const first = failed[0];
            if (first !== undefined) {
              const error = Object.assign(new Error(first.Message ?? 'delete failed'), { name: first.Code ?? 'DeleteError' });
              throw fail(error, 'DeleteObjects', (first.Key ?? '').slice(prefix.length));
            }
            continue;
          } catch (error) {
            if (error instanceof StoreError) throw error;
            if (!isNotImplemented(error)) throw fail(error, 'DeleteObjects', batch[0]);
            batchDelete = false;
          }
        }
        await mapLimit(batch, deleteConcurrency, async (key) => {
          try {
            await client.send(new DeleteObjectCommand({ Bucket, Key: full(key) }));
          } catch (error) {
            if (!isMissingObject(error)) throw fail(error, 'DeleteObject', key);
          }
        });
      }
    },

    async *list(listPrefix): AsyncIterable<ObjectInfo> {
      let ContinuationToken: string | undefined;
      do {
        let response;
        try {
          response = await client.send(new ListObjectsV2Command({ Bucket, Prefix: full(listPrefix), ContinuationToken }));
        } catch (error) {
          throw fail(error, 'ListObjectsV2', listPrefix);
        }
        for (const object of response.Contents ?? []) {
          if (object.Key === undefined || !object.Key.startsWith(prefix)) continue;
          yield { key: object.Key.slice(prefix.length), size: object.Size ?? 0 };
        }
        ContinuationToken = response.IsTruncated === true ? response.NextContinuationToken : undefined;
      } while (ContinuationToken !== undefined);
    },

    url(key) {
      return `${publicBase(config)}/${encodeKey(full(key))}`;
    },

    destroy() {
      if (ownsClient) client.destroy();
    },
  };
}

/** Where the bucket's root is publicly readable (see StorageConfig.publicBaseUrl). */
export function publicBase(config: StorageConfig): string {
  if (config.publicBaseUrl !== undefined) return config.publicBaseUrl.replace(/\/+$/, '');
  if (config.endpoint === undefined) return `https://${config.bucket}.s3.${config.region}.amazonaws.com`;
  const endpoint = new URL(config.endpoint);
  const base = endpoint.href.replace(/\/+$/, '');
  if (config.forcePathStyle) return `${base}/${config.bucket}`;
  return `${endpoint.protocol}//${config.bucket}.${endpoint.host}${endpoint.pathname.replace(/\/+$/, '')}`;
}

/** Percent-encode a key for a URL path, keeping its slashes. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

function metadataOf(options: PutOptions): { Metadata?: Record<string, string> } {
  // The hex SHA-256 is also kept as x-amz-meta-sha256: S3 keeps no whole-object SHA-256 of a
  // multipart upload, and readers can check downloads against it.
  const metadata = { ...(options.sha256 !== undefined && { sha256: options.sha256 }), ...options.metadata };
  return Object.keys(metadata).length === 0 ? {} : { Metadata: metadata };
}

function checkBytes(key: string, bytes: Uint8Array, options: PutOptions): void {
  if (options.size !== undefined && bytes.byteLength !== options.size) {
    throw new StoreError(
      `The body for ${key} has ${bytes.byteLength} bytes, not the ${options.size} expected; nothing was written.`,
      'other',
    );
  }
  if (options.sha256 !== undefined) {
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== options.sha256.toLowerCase()) {
      throw new StoreError(`The body for ${key} has SHA-256 ${actual}, not the ${options.sha256} expected; nothing was written.`, 'other');
    }
  }
}

/**
 * Pass the chunks through, holding the last one back until size and SHA-256 are checked: on a
 * mismatch the stream fails before its last byte is sent, so the store never completes the
 * object (a PutObject ends short of its Content-Length; a multipart upload is aborted).
 */
async function* verified(key: string, chunks: AsyncIterable<Uint8Array>, options: PutOptions): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  let held: Uint8Array | null = null;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.byteLength;
    if (held !== null) yield held;
    held = chunk;
  }
  if (options.size !== undefined && size !== options.size) {
    throw new StoreError(`The body for ${key} has ${size} bytes, not the ${options.size} expected; the upload was aborted.`, 'other');
  }
  const actual = hash.digest('hex');
  if (options.sha256 !== undefined && actual !== options.sha256.toLowerCase()) {
    throw new StoreError(`The body for ${key} has SHA-256 ${actual}, not the ${options.sha256} expected; the upload was aborted.`, 'other');
  }
  if (held !== null) yield held;
}

/** Read chunks until more than `limit` bytes or the end: `done` tells which. */
async function readUpTo(source: AsyncIterator<Uint8Array>, limit: number): Promise<{ bytes: Uint8Array; done: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await source.next();
    if (next.done === true) return { bytes: Buffer.concat(chunks, size), done: true };
    chunks.push(next.value);
    size += next.value.byteLength;
  }
  return { bytes: Buffer.concat(chunks, size), done: false };
}

async function* resume(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    if (first.byteLength > 0) yield first;
    for (;;) {
      const next = await rest.next();
      if (next.done === true) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Stopped early (a failed upload): let the source release what it holds (a git read, a file).
    if (!finished) await rest.return?.();
  }
}

// ---------------------------------------------------------------------------------------------
// Error mapping: every SDK/network failure leaves the store as a StoreError with one sentence.

interface ErrorContext {
  config: StorageConfig;
  operation: string;
  /** Full object key (prefix included), when the operation is about one. */
  key: string | undefined;
  where: string;
}

const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidSecurity',
  'AuthorizationHeaderMalformed',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  errors?: unknown[];
  cause?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function asErrorLike(error: unknown): ErrorLike {
  return typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
}

/** The S3 error code, or a Node network error code found on the error, its cause or its errors. */
export function errorCode(error: unknown): string | undefined {
  const e = asErrorLike(error);
  if (e.Code !== undefined) return e.Code;
  if (e.code !== undefined) return e.code;
  for (const inner of [...(e.errors ?? []), e.cause]) {
    if (inner === undefined || inner === error) continue;
    const code = errorCode(inner);
    if (code !== undefined) return code;
  }
  return e.name !== undefined && e.name !== 'Error' ? e.name : undefined;
}

function isMissingObject(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'NoSuchKey' || code === 'NotFound' || (httpStatusOf(error) === 404 && code !== 'NoSuchBucket');
}

/** A 403 that may mean "absent" (AccessDenied, or a bodiless HEAD 403), not a credentials error. */
function isAmbiguous403(error: unknown): boolean {
  const code = errorCode(error);
  const vague = code === undefined || code === 'Unknown' || code === 'UnknownError' || code === 'Forbidden';
  return httpStatusOf(error) === 403 && (vague || code === 'AccessDenied');
}

/** The store answered "I don't do this": NotImplemented (s3rver: 501), MethodNotAllowed (405). */
export function isNotImplemented(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'NotImplemented' || code === 'MethodNotAllowed' || httpStatusOf(error) === 501 || httpStatusOf(error) === 405;
}

/** Map an SDK or network error to a StoreError (kind + one sentence saying what to do). */
export function toStoreError(error: unknown, context: ErrorContext): StoreError {
  if (error instanceof StoreError) return error;
  const { config, operation, key, where } = context;
  const found = errorCode(error);
  // Bodiless responses (HEAD) leave the SDK with no code: it says "Unknown"/"UnknownError".
  const code = found === undefined || found === 'Unknown' ? 'UnknownError' : found;
  const status = httpStatusOf(error);
  const target = key === undefined ? `s3://${config.bucket}` : `s3://${config.bucket}/${key}`;
  const message = asErrorLike(error).message?.trim().replace(/\.+$/, '');
  const detail = message !== undefined && message !== '' && message !== code && message !== 'UnknownError' ? `: ${message}` : '';
  let result: StoreError;
  if (CREDENTIAL_CODES.has(code)) {
    result = new StoreError(
      `The storage credentials were rejected by ${where} (${code}); check OS_ACCESS_KEY_ID and OS_SECRET_ACCESS_KEY (or your AWS credentials).`,
      'credentials',
    );
  } else if (code === 'CredentialsProviderError') {
    result = new StoreError(
      'No storage credentials were found; set OS_ACCESS_KEY_ID and OS_SECRET_ACCESS_KEY, or configure the standard AWS credential chain.',
      'credentials',
    );
  } else if (code === 'NoSuchBucket') {
    result = new StoreError(
      `The bucket "${config.bucket}" does not exist at ${where}; create it or fix OS_STORAGE_BUCKET_NAME.`,
      'no-bucket',
    );
  } else if (NETWORK_CODES.has(code) || code === 'TimeoutError' || code === 'RequestTimeout') {
    result = new StoreError(
      `Cannot reach the storage endpoint ${where} (${code}); check OS_STORAGE_ENDPOINT and that the server is up.`,
      'unreachable',
    );
  } else if (code === 'AccessDenied' || code === 'AllAccessDisabled' || status === 403) {
    const why = code === 'UnknownError' ? 'HTTP 403' : code;
    result = new StoreError(
      `Access to ${target} was denied (${operation}, ${why}); the storage user needs permission for it ` +
        '(see the IAM policy printed by `bucket init`), or the credentials are wrong.',
      'denied',
    );
  } else {
    const attempts = asErrorLike(error).$metadata?.attempts ?? 1;
    const facts = [code, ...(status !== undefined ? [`HTTP ${status}`] : []), ...(attempts > 1 ? [`${attempts} attempts`] : [])];
    result = new StoreError(`${operation} on ${target} failed (${facts.join(', ')})${detail}.`, 'other', {
      hint: `Check that ${where} works and that the storage settings (OS_STORAGE_*) are right, then run again.`,
    });
  }
  (result as { cause?: unknown }).cause = error;
  return result;
}
