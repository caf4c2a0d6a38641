/**
 * Storage configuration: where the published data goes (any S3-compatible store), read once at
 * the edge from the environment plus explicit overrides (CLI flags, Action inputs).
 */

import { UserError, type UserErrorOptions } from '../../errors.ts';
import { shorten } from '../../escape.ts';
import { prefixProblem } from '../../package/names.ts';

export type ChecksumMode = 'WHEN_REQUIRED' | 'WHEN_SUPPORTED';

export interface StorageCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface StorageConfig {
  bucket: string;
  /** Base URL of an S3-compatible endpoint (MinIO, R2, s3rver, ...); unset for AWS S3. */
  endpoint?: string;
  /** Default `us-east-1`. */
  region: string;
  /** Key prefix inside the bucket: '' or a path without leading/trailing slash, e.g. 'staging'. */
  prefix: string;
  /** Path-style URLs (`{endpoint}/{bucket}/{key}`); default: true whenever `endpoint` is set. */
  forcePathStyle: boolean;
  /**
   * When the SDK adds request checksums and validates response checksums. Default
   * `WHEN_REQUIRED`: many S3-compatible stores mishandle the SDK's `WHEN_SUPPORTED` default
   * (s3rver stores the aws-chunked framing of a streamed PutObject inside the object).
   */
  checksums: ChecksumMode;
  /** Static credentials; when absent the SDK's standard AWS credential chain applies. */
  credentials?: StorageCredentials;
  /**
   * Base for public URLs: the URL under which the bucket's root is publicly readable (object
   * keys, prefix included, are appended). Default: `{endpoint}/{bucket}` (path style) or
   * `https://{bucket}.s3.{region}.amazonaws.com`.
   */
  publicBaseUrl?: string;
  /**
   * Bodies up to this many bytes go in one PutObject; larger ones in a multipart upload.
   * Default: the store's part size (8 MiB). Between 5 MiB and 5 GiB (S3's single-PUT limit).
   */
  multipartThreshold?: number;
}

/** An invalid storage setting: one sentence naming the variable and the allowed values. */
export class ConfigError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}, code = 'config-error') {
    super(code, message, options);
  }
}

/** Explicit settings (CLI flags, Action inputs); they win over the environment. */
export type StorageOverrides = Partial<StorageConfig>;

const ENV = {
  bucket: 'OS_STORAGE_BUCKET_NAME',
  accessKeyId: 'OS_ACCESS_KEY_ID',
  secretAccessKey: 'OS_SECRET_ACCESS_KEY',
  endpoint: 'OS_STORAGE_ENDPOINT',
  region: 'OS_STORAGE_REGION',
  prefix: 'OS_STORAGE_PREFIX',
  pathStyle: 'OS_STORAGE_PATH_STYLE',
  checksums: 'OS_STORAGE_CHECKSUMS',
  publicUrl: 'OS_STORAGE_PUBLIC_URL',
  multipartThreshold: 'OS_STORAGE_MULTIPART_THRESHOLD',
} as const;

const CHECKSUM_MODES: readonly ChecksumMode[] = ['WHEN_REQUIRED', 'WHEN_SUPPORTED'];
// AWS's rule for new buckets (3-63 chars, lowercase letters, digits, dots, hyphens).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The storage config from the environment (`OS_STORAGE_BUCKET_NAME`, `OS_ACCESS_KEY_ID`,
 * `OS_SECRET_ACCESS_KEY`, `OS_STORAGE_ENDPOINT`, `OS_STORAGE_REGION`, `OS_STORAGE_PREFIX`,
 * `OS_STORAGE_PATH_STYLE`, `OS_STORAGE_CHECKSUMS`, `OS_STORAGE_PUBLIC_URL`,
 * `OS_STORAGE_MULTIPART_THRESHOLD`) with `overrides`
 * winning. Empty strings count as unset (Actions passes unset inputs as ''). Returns null when no
 * bucket is configured: the caller then uses the embedded store. Throws ConfigError on any
 * invalid value.
 */
export function storageConfig(env: Record<string, string | undefined>, overrides: StorageOverrides = {}): StorageConfig | null {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const given = <K extends keyof StorageConfig>(key: K): StorageConfig[K] | undefined => {
    const value = overrides[key];
    return value === undefined || value === '' ? undefined : value;
  };

  // Messages name the variable the bad value came from: the env name, or the setting's name.
  const label = (key: keyof StorageConfig, envName: string): string =>
    given(key) !== undefined ? `The storage setting "${key}"` : envName;

  const bucketRaw = given('bucket') ?? read(ENV.bucket);
  if (bucketRaw === undefined) return null;
  const bucket = parseBucket(bucketRaw, label('bucket', ENV.bucket));

  const endpointRaw = given('endpoint') ?? read(ENV.endpoint);
  const endpoint =
    endpointRaw === undefined
      ? undefined
      : parseUrl(endpointRaw, label('endpoint', ENV.endpoint), 'an http(s) URL like "http://127.0.0.1:9000"');

  const region = given('region') ?? read(ENV.region) ?? 'us-east-1';
  if (!REGION.test(region)) {
    throw new ConfigError(
      `${label('region', ENV.region)} must be a region name like "us-east-1" or "auto" (got ${JSON.stringify(region)}).`,
    );
  }

  const prefix = parsePrefix(given('prefix') ?? read(ENV.prefix) ?? '', label('prefix', ENV.prefix));

  const pathStyleRaw = read(ENV.pathStyle);
  const forcePathStyle =
    given('forcePathStyle') ?? (pathStyleRaw === undefined ? endpoint !== undefined : parseBoolean(pathStyleRaw, ENV.pathStyle));

  const checksumsRaw = given('checksums') ?? read(ENV.checksums) ?? 'WHEN_REQUIRED';
  const checksums = CHECKSUM_MODES.find((mode) => mode === checksumsRaw.toUpperCase());
  if (checksums === undefined) {
    throw new ConfigError(
      `${label('checksums', ENV.checksums)} must be WHEN_REQUIRED or WHEN_SUPPORTED (got ${JSON.stringify(checksumsRaw)}).`,
    );
  }

  const credentials = given('credentials') ?? readCredentials(read(ENV.accessKeyId), read(ENV.secretAccessKey));

  const publicRaw = given('publicBaseUrl') ?? read(ENV.publicUrl);
  const publicBaseUrl =
    publicRaw === undefined
      ? undefined
      : parseUrl(publicRaw, label('publicBaseUrl', ENV.publicUrl), 'an http(s) URL like "https://data.example.org"');

  const thresholdGiven = given('multipartThreshold');
  const thresholdRaw = read(ENV.multipartThreshold);
  const multipartThreshold =
    thresholdGiven !== undefined
      ? checkThreshold(thresholdGiven, label('multipartThreshold', ENV.multipartThreshold), String(thresholdGiven))
      : thresholdRaw === undefined
        ? undefined
        : checkThreshold(parseSize(thresholdRaw), ENV.multipartThreshold, thresholdRaw);

  return {
    bucket,
    ...(endpoint !== undefined && { endpoint }),
    region,
    prefix,
    forcePathStyle,
    checksums,
    ...(credentials !== undefined && { credentials }),
    ...(publicBaseUrl !== undefined && { publicBaseUrl }),
    ...(multipartThreshold !== undefined && { multipartThreshold }),
  };
}

const MIB = 1024 * 1024;
/** S3's smallest part and largest single PutObject. */
export const MIN_MULTIPART_THRESHOLD = 5 * MIB;
export const MAX_SINGLE_PUT = 5 * 1024 * MIB;
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: MIB, gib: 1024 * MIB };

/** '67108864', '64MiB', '64 MB', '1GiB' → bytes; NaN when it is none of those. */
function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
}

function checkThreshold(bytes: number, name: string, raw: string): number {
  if (!Number.isSafeInteger(bytes) || bytes < MIN_MULTIPART_THRESHOLD || bytes > MAX_SINGLE_PUT) {
    throw new ConfigError(`${name} must be a size from 5MiB to 5GiB, in bytes or like "64MiB" (got ${JSON.stringify(raw)}).`);
  }
  return bytes;
}

function parseBucket(value: string, name: string): string {
  if (!BUCKET_NAME.test(value)) {
    throw new ConfigError(
      `${name} must be a bucket name of 3-63 lowercase letters, digits, dots or hyphens like "openspending-data" (got ${JSON.stringify(value)}).`,
    );
  }
  return value;
}

function parseUrl(value: string, name: string, expected: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be ${expected} (got ${JSON.stringify(value)}).`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new ConfigError(`${name} must be ${expected} (got ${JSON.stringify(value)}).`);
  }
  return url.href.replace(/\/+$/, '');
}

function parsePrefix(value: string, name: string): string {
  const prefix = value.replace(/^\/+|\/+$/g, '');
  // Bounded so that every key of the layout fits S3's 1,024 bytes (src/package/names.ts).
  const why = prefixProblem(prefix);
  if (why) throw new ConfigError(`${name} ${why} (got "${shorten(value, 60, true)}").`);
  return prefix;
}

function parseBoolean(value: string, name: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${name} must be true or false (got ${JSON.stringify(value)}).`);
}

function readCredentials(accessKeyId: string | undefined, secretAccessKey: string | undefined): StorageCredentials | undefined {
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = accessKeyId === undefined ? ENV.accessKeyId : ENV.secretAccessKey;
    const present = accessKeyId === undefined ? ENV.secretAccessKey : ENV.accessKeyId;
    throw new ConfigError(
      `${missing} must be set together with ${present} (or leave both unset to use the standard AWS credential chain).`,
    );
  }
  return { accessKeyId, secretAccessKey };
}
