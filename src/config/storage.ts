/**
 * Storage configuration: where the published data goes (any S3-compatible store), read once at
 * the edge from the environment plus explicit overrides (CLI flags, Action inputs). The S3
 * client and store built from it are in src/adapters/s3/.
 */

import { shorten } from '../escape.ts';
import { prefixProblem } from '../package/names.ts';
import { configOrThrow, type Parsed } from './problems.ts';
import { SettingsReader, type Env, type Setting } from './readers.ts';

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
  /** Default STORAGE_DEFAULTS.region (`us-east-1`). */
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

/** Explicit settings (CLI flags, Action inputs); they win over the environment. */
export type StorageOverrides = Partial<StorageConfig>;

/** How messages name the overrides, e.g. `--bucket` or `input "bucket"`; default `The storage setting "bucket"`. */
export type StorageLabels = Partial<Record<keyof StorageConfig, string>>;

/** The environment variables of the storage settings. */
export const STORAGE_ENV = {
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

/** The storage settings' defaults (path style: on whenever an endpoint is set; multipart threshold: the store's part size). */
export const STORAGE_DEFAULTS = {
  region: 'us-east-1',
  prefix: '',
  checksums: 'WHEN_REQUIRED',
} as const satisfies Partial<StorageConfig>;

const CHECKSUM_MODES: readonly ChecksumMode[] = ['WHEN_REQUIRED', 'WHEN_SUPPORTED'];
// AWS's rule for new buckets (3-63 chars, lowercase letters, digits, dots, hyphens).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9][a-z0-9-]*$/;

const MIB = 1024 * 1024;
/** S3's smallest part and largest single PutObject. */
const MIN_MULTIPART_THRESHOLD = 5 * MIB;
export const MAX_SINGLE_PUT = 5 * 1024 * MIB;

const RULES = {
  bucket: {
    pattern: BUCKET_NAME,
    expected: 'a bucket name of 3-63 lowercase letters, digits, dots or hyphens like "openspending-data"',
  },
  endpoint: { expected: 'an http(s) URL like "http://127.0.0.1:9000"', plain: true, href: true },
  region: { pattern: REGION, expected: 'a region name like "us-east-1" or "auto"' },
  publicUrl: { expected: 'an http(s) URL like "https://data.example.org"', plain: true, href: true },
  multipartThreshold: {
    min: MIN_MULTIPART_THRESHOLD,
    max: MAX_SINGLE_PUT,
    expected: 'a size from 5MiB to 5GiB, in bytes or like "64MiB"',
  },
};

/**
 * The storage config from the environment (STORAGE_ENV) with `overrides` winning, and every
 * problem. Empty strings count as unset (Actions passes unset inputs as ''). The config is null
 * when no bucket is configured: the caller then uses the embedded store. Messages name the
 * variable a bad value came from, or the override as `labels` names it (default
 * `The storage setting "KEY"`).
 */
export function parseStorageConfig(env: Env, overrides: StorageOverrides = {}, labels: StorageLabels = {}): Parsed<StorageConfig | null> {
  const r = new SettingsReader(env);
  const given = <K extends keyof StorageConfig>(key: K): StorageConfig[K] | undefined => {
    const value = overrides[key];
    return value === undefined || value === '' ? undefined : value;
  };
  /** The override of `key` when given (a string), else the variable. */
  const setting = (key: keyof StorageConfig, variable: string): Setting => {
    const value = given(key);
    return value === undefined ? r.setting(variable) : r.given(variable, labels[key] ?? `The storage setting "${key}"`, String(value));
  };

  const bucketSetting = setting('bucket', STORAGE_ENV.bucket);
  if (bucketSetting.raw === undefined) return { config: null, problems: [] };
  const bucket = r.string(bucketSetting, RULES.bucket) ?? '';
  const endpoint = r.url(setting('endpoint', STORAGE_ENV.endpoint), RULES.endpoint);
  const region = r.string(setting('region', STORAGE_ENV.region), RULES.region) ?? STORAGE_DEFAULTS.region;

  const prefixSetting = setting('prefix', STORAGE_ENV.prefix);
  const prefix = (prefixSetting.raw ?? STORAGE_DEFAULTS.prefix).replace(/^\/+|\/+$/g, '');
  // Bounded so that every key of the layout fits S3's 1,024 bytes (src/package/names.ts).
  const why = prefixProblem(prefix);
  if (why) r.problem(prefixSetting.name, `${prefixSetting.label} ${why} (got "${shorten(prefixSetting.raw ?? '', 60, true)}").`);

  const forcePathStyle = given('forcePathStyle') ?? r.boolean(STORAGE_ENV.pathStyle) ?? endpoint !== undefined;
  const checksums =
    r.choice(setting('checksums', STORAGE_ENV.checksums), CHECKSUM_MODES, {
      expected: CHECKSUM_MODES.join(' or '),
      ignoreCase: true,
    }) ?? STORAGE_DEFAULTS.checksums;
  const credentials = given('credentials') ?? readCredentials(r);
  const publicBaseUrl = r.url(setting('publicBaseUrl', STORAGE_ENV.publicUrl), RULES.publicUrl);

  const thresholdGiven = given('multipartThreshold');
  const multipartThreshold =
    thresholdGiven !== undefined
      ? r.bytes(setting('multipartThreshold', STORAGE_ENV.multipartThreshold), thresholdGiven, RULES.multipartThreshold)
      : r.size(STORAGE_ENV.multipartThreshold, RULES.multipartThreshold);

  return {
    config: {
      bucket,
      ...(endpoint !== undefined && { endpoint }),
      region,
      prefix,
      forcePathStyle,
      checksums,
      ...(credentials !== undefined && { credentials }),
      ...(publicBaseUrl !== undefined && { publicBaseUrl }),
      ...(multipartThreshold !== undefined && { multipartThreshold }),
    },
    problems: r.problems,
  };
}

/** parseStorageConfig, throwing one ConfigError for its problems. */
export function storageConfig(env: Env, overrides: StorageOverrides = {}, labels: StorageLabels = {}): StorageConfig | null {
  return configOrThrow(parseStorageConfig(env, overrides, labels));
}

function readCredentials(r: SettingsReader): StorageCredentials | undefined {
  const accessKeyId = r.raw(STORAGE_ENV.accessKeyId);
  const secretAccessKey = r.raw(STORAGE_ENV.secretAccessKey);
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = accessKeyId === undefined ? STORAGE_ENV.accessKeyId : STORAGE_ENV.secretAccessKey;
    const present = accessKeyId === undefined ? STORAGE_ENV.secretAccessKey : STORAGE_ENV.accessKeyId;
    return r.problem(
      missing,
      `${missing} must be set together with ${present} (or leave both unset to use the standard AWS credential chain).`,
    );
  }
  return { accessKeyId, secretAccessKey };
}
