import { CreateBucketCommand, GetBucketCorsCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { corsRules, iamPolicy, initBucket, publicReadPolicy } from '../../src/adapters/s3/bucket-init.ts';
import type { StorageConfig } from '../../src/config/storage.ts';
import { StoreError } from '../../src/mirror/object-store.ts';
import { startCountingProxy } from '../support/counting-proxy.ts';
import { startS3 } from '../support/s3.ts';

const aws = (prefix: string, region = 'eu-west-1'): StorageConfig => ({
  bucket: 'os-data',
  region,
  prefix,
  forcePathStyle: false,
  checksums: 'WHEN_REQUIRED',
});

describe('bucket policies', () => {
  it('lets anyone GET only the objects under the prefix (the README policy, scoped)', () => {
    expect(publicReadPolicy(aws(''))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'OpenSpendingPublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::os-data/*' },
      ],
    });
    expect(publicReadPolicy(aws('staging')).Statement[0]?.Resource).toBe('arn:aws:s3:::os-data/staging/*');
    expect(publicReadPolicy(aws('', 'cn-north-1')).Statement[0]?.Resource).toBe('arn:aws-cn:s3:::os-data/*');
  });

  it('gives the robot user least privilege: objects under the prefix, listing only the prefix, no s3:*', () => {
    const policy = iamPolicy(aws('staging'));
    expect(policy.Statement).toEqual([
      {
        Sid: 'DatastoreObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: 'arn:aws:s3:::os-data/staging/*',
      },
      {
        Sid: 'DatastoreList',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::os-data',
        Condition: { StringLike: { 's3:prefix': ['staging', 'staging/', 'staging/*'] } },
      },
      { Sid: 'DatastoreBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: 'arn:aws:s3:::os-data' },
    ]);
    expect(JSON.stringify(iamPolicy(aws('')))).not.toMatch(/s3:\*|FullAccess|Condition/);
  });

  it('has the README CORS rule', () => {
    expect(corsRules()).toEqual([
      { AllowedOrigins: ['*'], AllowedMethods: ['GET', 'PUT', 'POST'], AllowedHeaders: ['*'], ExposeHeaders: ['Content-Range'] },
    ]);
  });
});

describe('initBucket against s3rver', () => {
  it('applies CORS, then reports it already there; policy and versioning are unsupported, not failures', async () => {
    const s3 = await startS3();
    await s3.client.send(new CreateBucketCommand({ Bucket: 'fresh-bucket' }));
    const config = { ...s3.config, bucket: 'fresh-bucket' };

    const first = await initBucket(config, s3.client);
    expect(first.steps.map((s) => [s.step, s.status])).toEqual([
      ['public-read policy', 'unsupported'],
      ['CORS', 'applied'],
      ['versioning', 'unsupported'],
    ]);
    expect(first.steps[0]?.detail).toBe(
      `${s3.endpoint} does not implement bucket policies (PutBucketPolicy) (NotImplemented); set it up by other means if this store needs it.`,
    );
    expect(first.steps[2]?.detail).toBe(
      `${s3.endpoint} does not implement bucket versioning (it took PutBucketVersioning for CreateBucket: BucketAlreadyExists).`,
    );
    expect(first.iamPolicy).toEqual(iamPolicy(config));

    const cors = await s3.client.send(new GetBucketCorsCommand({ Bucket: 'fresh-bucket' }));
    expect(cors.CORSRules).toEqual(corsRules());

    const proxy = await startCountingProxy(s3.endpoint);
    const second = await initBucket(config, s3.storeVia(proxy.endpoint, { config: { bucket: 'fresh-bucket' } }));
    expect(second.steps.map((s) => [s.step, s.status])).toEqual([
      ['public-read policy', 'unsupported'],
      ['CORS', 'already'],
      ['versioning', 'unsupported'],
    ]);
    expect(proxy.count({ operation: 'PutBucketCors' })).toBe(0);

    // Browsers: a preflight from any origin for a PUT is allowed, and GET exposes Content-Range.
    await s3.store.put('a.csv', 'x\n', { contentType: 'text/csv' });
    const preflight = await fetch(`${s3.endpoint}/fresh-bucket/a.csv`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.org',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, PUT, POST');
  });

  it('keeps other CORS rules of the bucket, putting ours first', async () => {
    const s3 = await startS3();
    await s3.client.send(new CreateBucketCommand({ Bucket: 'other-cors' }));
    const theirs = { AllowedOrigins: ['https://example.org'], AllowedMethods: ['HEAD'] };
    const { PutBucketCorsCommand } = await import('@aws-sdk/client-s3');
    await s3.client.send(new PutBucketCorsCommand({ Bucket: 'other-cors', CORSConfiguration: { CORSRules: [theirs] } }));
    const result = await initBucket({ ...s3.config, bucket: 'other-cors' }, s3.client);
    expect(result.steps[1]?.status).toBe('applied');
    const cors = await s3.client.send(new GetBucketCorsCommand({ Bucket: 'other-cors' }));
    expect(cors.CORSRules).toEqual([...corsRules(), theirs]);
  });

  it('fails with a StoreError when the bucket is missing or the credentials are wrong', async () => {
    const s3 = await startS3();
    const missing = await initBucket(
      { ...s3.config, bucket: 'no-such-bucket' },
      s3.storeVia(s3.endpoint, { config: { bucket: 'no-such-bucket' } }),
    ).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StoreError);
    expect((missing as StoreError).kind).toBe('no-bucket');

    const wrong = s3.storeVia(s3.endpoint, { config: { credentials: { accessKeyId: 'WRONG', secretAccessKey: 'x' } } });
    const denied = await initBucket(wrong.config, wrong).catch((e: unknown) => e);
    expect((denied as StoreError).kind).toBe('credentials');
  });
});
