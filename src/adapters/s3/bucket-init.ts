/**
 * `bucket init`: make a bucket ready for the datastore (the datastore README's console steps,
 * as code): public GET on the published objects, the README's CORS rules, versioning. Idempotent:
 * each step reads the current state first and reports 'already' when nothing needs to change.
 */

import {
  GetBucketCorsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import type { CORSRule, S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../../config/storage.ts';
import { StoreError } from '../../mirror/object-store.ts';
import { errorCode, isNotImplemented, toStoreError } from './store.ts';

export interface InitStep {
  step: 'public-read policy' | 'CORS' | 'versioning';
  status: 'applied' | 'already' | 'unsupported';
  detail: string;
}

export interface InitResult {
  steps: InitStep[];
  /** Least-privilege IAM policy to attach to the robot user (instead of AmazonS3FullAccess). */
  iamPolicy: IamPolicy;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const PUBLIC_READ_SID = 'OpenSpendingPublicRead';

/** ARN partition of a region: aws, aws-cn (cn-*) or aws-us-gov (us-gov-*). */
function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function bucketArn(config: StorageConfig): string {
  return `arn:${partition(config.region)}:s3:::${config.bucket}`;
}

/**
 * The objects the datastore owns: everything under `prefix/` (the slash matters: prefix
 * "staging" must not cover "staging-old/..."), or the whole bucket without a prefix.
 */
function objectsArn(config: StorageConfig): string {
  return `${bucketArn(config)}/${config.prefix === '' ? '' : `${config.prefix}/`}*`;
}

/** The bucket policy that lets anyone GET the published objects (the README's, scoped to the prefix). */
export function publicReadPolicy(config: StorageConfig): IamPolicy {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: PUBLIC_READ_SID, Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: objectsArn(config) }],
  };
}

/** The datastore README's CORS configuration: browsers on any origin may GET, PUT and POST. */
export function corsRules(): CORSRule[] {
  return [
    {
      AllowedOrigins: ['*'],
      AllowedMethods: ['GET', 'PUT', 'POST'],
      AllowedHeaders: ['*'],
      ExposeHeaders: ['Content-Range'],
    },
  ];
}

/**
 * A least-privilege policy for the robot user: read/write/delete the prefix's objects (plus
 * aborting its own multipart uploads), list only under the prefix, and find the bucket's region.
 * Listing also makes reads of missing keys answer 404 rather than 403 (the store copes either way).
 */
export function iamPolicy(config: StorageConfig): IamPolicy {
  const listPrefix = config.prefix === '' ? undefined : `${config.prefix}/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DatastoreObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: objectsArn(config),
      },
      {
        Sid: 'DatastoreList',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucketArn(config),
        ...(listPrefix !== undefined && { Condition: { StringLike: { 's3:prefix': [config.prefix, `${config.prefix}/`, listPrefix] } } }),
      },
      { Sid: 'DatastoreBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucketArn(config) },
    ],
  };
}

/**
 * Apply the public-read policy, the CORS rules and versioning to the bucket. A step the store
 * does not implement is reported 'unsupported' (s3rver: policy and versioning), not thrown; real
 * failures (credentials, missing bucket, denied) throw StoreError.
 */
export async function initBucket(config: StorageConfig, store: S3Client | { client: S3Client }): Promise<InitResult> {
  const client = 'client' in store ? store.client : store;
  const steps: InitStep[] = [];
  steps.push(await applyPolicy(config, client));
  steps.push(await applyCors(config, client));
  steps.push(await applyVersioning(config, client));
  return { steps, iamPolicy: iamPolicy(config) };
}

function where(config: StorageConfig): string {
  return config.endpoint ?? `AWS S3 (${config.region})`;
}

function unsupported(step: InitStep['step'], config: StorageConfig, error: unknown, what: string): InitStep {
  return {
    step,
    status: 'unsupported',
    detail: `${where(config)} does not implement ${what} (${errorCode(error) ?? 'error'}); set it up by other means if this store needs it.`,
  };
}

async function applyPolicy(config: StorageConfig, client: S3Client): Promise<InitStep> {
  const wanted = publicReadPolicy(config).Statement[0] as PolicyStatement;
  let current: IamPolicy | undefined;
  try {
    const response = await client.send(new GetBucketPolicyCommand({ Bucket: config.bucket }));
    current = response.Policy === undefined ? undefined : (JSON.parse(response.Policy) as IamPolicy);
  } catch (error) {
    // Reading may be unsupported where writing is not: try the write before giving up.
    if (errorCode(error) !== 'NoSuchBucketPolicy' && !isNotImplemented(error)) {
      throw toStoreError(error, { config, operation: 'GetBucketPolicy', key: undefined, where: where(config) });
    }
  }
  const statements = current === undefined ? [] : [current.Statement].flat();
  if (statements.some((statement) => grantsPublicRead(statement, config))) {
    return { step: 'public-read policy', status: 'already', detail: `Anyone may already GET ${wanted.Resource}.` };
  }
  // Keep the bucket's other statements: replace only our own (by Sid).
  const policy: IamPolicy = { Version: '2012-10-17', Statement: [...statements.filter((s) => s.Sid !== PUBLIC_READ_SID), wanted] };
  try {
    await client.send(new PutBucketPolicyCommand({ Bucket: config.bucket, Policy: JSON.stringify(policy) }));
  } catch (error) {
    if (isNotImplemented(error)) return unsupported('public-read policy', config, error, 'bucket policies (PutBucketPolicy)');
    if (errorCode(error) === 'AccessDenied' && /public access|BlockPublicPolicy/i.test(String((error as Error).message))) {
      const blocked = new StoreError(
        `The bucket "${config.bucket}" blocks public policies (Block Public Access); turn off BlockPublicPolicy and RestrictPublicBuckets for it, then run bucket init again.`,
        'denied',
      );
      blocked.cause = error;
      throw blocked;
    }
    throw toStoreError(error, { config, operation: 'PutBucketPolicy', key: undefined, where: where(config) });
  }
  return { step: 'public-read policy', status: 'applied', detail: `Anyone may now GET ${wanted.Resource}.` };
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : [value].flat();
}

/** Does the statement already let anyone GET our objects (exactly, or the whole bucket)? */
function grantsPublicRead(statement: PolicyStatement, config: StorageConfig): boolean {
  const principal = statement.Principal;
  const anyone = principal === '*' || (typeof principal === 'object' && list(principal.AWS).includes('*'));
  const actions = list(statement.Action);
  return (
    statement.Effect === 'Allow' &&
    statement.Condition === undefined &&
    anyone &&
    (actions.includes('s3:GetObject') || actions.includes('s3:*')) &&
    list(statement.Resource).some((r) => r === objectsArn(config) || r === `${bucketArn(config)}/*`)
  );
}

async function applyCors(config: StorageConfig, client: S3Client): Promise<InitStep> {
  const wanted = corsRules();
  let current: CORSRule[] = [];
  try {
    const response = await client.send(new GetBucketCorsCommand({ Bucket: config.bucket }));
    current = response.CORSRules ?? [];
  } catch (error) {
    if (isNotImplemented(error)) return unsupported('CORS', config, error, 'CORS configuration (GetBucketCors)');
    if (errorCode(error) !== 'NoSuchCORSConfiguration') {
      throw toStoreError(error, { config, operation: 'GetBucketCors', key: undefined, where: where(config) });
    }
  }
  const missing = wanted.filter((rule) => !current.some((existing) => sameRule(existing, rule)));
  if (missing.length === 0) {
    return { step: 'CORS', status: 'already', detail: 'The bucket already allows GET, PUT and POST from any origin.' };
  }
  // Our rules first (S3 applies the first matching rule), then the bucket's other rules.
  const rules = [...wanted, ...current.filter((existing) => !wanted.some((rule) => sameRule(existing, rule)))];
  try {
    await client.send(new PutBucketCorsCommand({ Bucket: config.bucket, CORSConfiguration: { CORSRules: rules } }));
  } catch (error) {
    if (isNotImplemented(error)) return unsupported('CORS', config, error, 'CORS configuration (PutBucketCors)');
    throw toStoreError(error, { config, operation: 'PutBucketCors', key: undefined, where: where(config) });
  }
  return { step: 'CORS', status: 'applied', detail: 'Browsers on any origin may now GET, PUT and POST (Content-Range exposed).' };
}

function sameSet(a: string[] | undefined, b: string[] | undefined): boolean {
  const x = new Set(a ?? []);
  const y = new Set(b ?? []);
  return x.size === y.size && [...x].every((value) => y.has(value));
}

function sameRule(a: CORSRule, b: CORSRule): boolean {
  return (
    sameSet(a.AllowedOrigins, b.AllowedOrigins) &&
    sameSet(a.AllowedMethods, b.AllowedMethods) &&
    sameSet(
      a.AllowedHeaders?.map((h) => h.toLowerCase()),
      b.AllowedHeaders?.map((h) => h.toLowerCase()),
    ) &&
    sameSet(
      a.ExposeHeaders?.map((h) => h.toLowerCase()),
      b.ExposeHeaders?.map((h) => h.toLowerCase()),
    ) &&
    a.MaxAgeSeconds === b.MaxAgeSeconds
  );
}

/**
 * s3rver does not route `?versioning` at all: GET answers with the bucket listing (which the SDK
 * reads as "never enabled") and PUT is taken for CreateBucket (409 BucketAlreadyExists). A PUT of
 * versioning can never legitimately create a bucket, so that answer means "unsupported" too.
 */
async function applyVersioning(config: StorageConfig, client: S3Client): Promise<InitStep> {
  try {
    const response = await client.send(new GetBucketVersioningCommand({ Bucket: config.bucket }));
    if (response.Status === 'Enabled') {
      return { step: 'versioning', status: 'already', detail: 'Versioning is already enabled: overwritten latest files stay recoverable.' };
    }
  } catch (error) {
    if (isNotImplemented(error)) return unsupported('versioning', config, error, 'bucket versioning (GetBucketVersioning)');
    throw toStoreError(error, { config, operation: 'GetBucketVersioning', key: undefined, where: where(config) });
  }
  try {
    await client.send(new PutBucketVersioningCommand({ Bucket: config.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  } catch (error) {
    const code = errorCode(error);
    if (code === 'BucketAlreadyExists' || code === 'BucketAlreadyOwnedByYou') {
      return {
        step: 'versioning',
        status: 'unsupported',
        detail: `${where(config)} does not implement bucket versioning (it took PutBucketVersioning for CreateBucket: ${code}).`,
      };
    }
    if (isNotImplemented(error)) return unsupported('versioning', config, error, 'bucket versioning (PutBucketVersioning)');
    throw toStoreError(error, { config, operation: 'PutBucketVersioning', key: undefined, where: where(config) });
  }
  return { step: 'versioning', status: 'applied', detail: 'Versioning is now enabled: overwritten latest files stay recoverable.' };
}
