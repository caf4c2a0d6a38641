import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { ChecksumMode } from '../../src/config/storage.ts';
import { createS3Store } from '../../src/adapters/s3/store.ts';
import { StoreError } from '../../src/mirror/object-store.ts';
import { startCountingProxy } from '../support/counting-proxy.ts';
import { startS3 } from '../support/s3.ts';

const MIB = 1024 * 1024;

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));

/** Deterministic pseudo-random bytes, streamed in 64 KiB chunks. */
function bigBody(size: number): { bytes: Buffer; stream: () => AsyncIterable<Uint8Array> } {
  const bytes = Buffer.alloc(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return {
    bytes,
    stream: async function* () {
      for (let i = 0; i < size; i += 64 * 1024) yield bytes.subarray(i, Math.min(size, i + 64 * 1024));
    },
  };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('public URLs', () => {
  const base = { bucket: 'os-data', region: 'eu-west-1', prefix: 'staging', forcePathStyle: false, checksums: 'WHEN_REQUIRED' as const };
  it('are virtual-hosted AWS URLs by default, path style on an endpoint, or under the configured base', () => {
    const urls = [
      createS3Store(base),
      createS3Store({ ...base, endpoint: 'https://minio.example.org', forcePathStyle: true }),
      createS3Store({ ...base, endpoint: 'https://r2.example.org' }),
      createS3Store({ ...base, publicBaseUrl: 'https://data.example.org/' }),
    ].map((store) => {
      store.destroy();
      return store.url('datasets/o/n/data/año 2024.csv');
    });
    expect(urls).toEqual([
      'https://os-data.s3.eu-west-1.amazonaws.com/staging/datasets/o/n/data/a%C3%B1o%202024.csv',
      'https://minio.example.org/os-data/staging/datasets/o/n/data/a%C3%B1o%202024.csv',
      'https://os-data.r2.example.org/staging/datasets/o/n/data/a%C3%B1o%202024.csv',
      'https://data.example.org/staging/datasets/o/n/data/a%C3%B1o%202024.csv',
    ]);
  });
});

describe('createS3Store against s3rver', () => {
  it('puts, gets, heads, copies, lists and deletes under the prefix', async () => {
    const s3 = await startS3({ prefix: 'staging' });
    const { store } = s3;

    await store.put('datasets/o/n/datapackage.json', '{"name":"n"}', { contentType: 'application/json' });
    await store.put('datasets/o/n/data/a.csv', new TextEncoder().encode('id\n1\n'), { contentType: 'text/csv', sha256: sha256('id\n1\n') });

    expect(text(await store.get('datasets/o/n/datapackage.json'))).toBe('{"name":"n"}');
    expect(await store.get('datasets/o/n/missing.json')).toBeNull();
    expect(await store.head('datasets/o/n/data/a.csv')).toEqual({ key: 'datasets/o/n/data/a.csv', size: 5 });
    expect(await store.head('datasets/o/n/missing.json')).toBeNull();

    await store.copy('datasets/o/n/data/a.csv', 'datasets/o/n/latest/a.csv', { contentType: 'text/csv' });
    expect(text(await store.get('datasets/o/n/latest/a.csv'))).toBe('id\n1\n');

    // The port's keys are relative to the prefix; the bucket holds them under it.
    expect([...(await s3.objects()).keys()].sort()).toEqual([
      'staging/datasets/o/n/data/a.csv',
      'staging/datasets/o/n/datapackage.json',
      'staging/datasets/o/n/latest/a.csv',
    ]);
    expect((await all(store.list('datasets/o/n/'))).map((o) => o.key).sort()).toEqual([
      'datasets/o/n/data/a.csv',
      'datasets/o/n/datapackage.json',
      'datasets/o/n/latest/a.csv',
    ]);
    expect(await all(store.list('datasets/o/n/data/'))).toEqual([{ key: 'datasets/o/n/data/a.csv', size: 5 }]);

    await store.delete(['datasets/o/n/data/a.csv', 'datasets/o/n/never-existed.csv']);
    expect(await store.head('datasets/o/n/data/a.csv')).toBeNull();
    expect((await all(store.list(''))).length).toBe(2);

    expect(store.description).toBe(`s3://test-bucket/staging (${s3.endpoint})`);
    expect(store.url('datasets/o/n/data/a b.csv')).toBe(`${s3.endpoint}/test-bucket/staging/datasets/o/n/data/a%20b.csv`);
  });

  it('sets content-type and cache-control on put and on copy (read back with HeadObject)', async () => {
    const { store, client, bucket } = await startS3();
    await store.put('a.csv', 'x,y\n', {
      contentType: 'text/csv; charset=utf-8',
      cacheControl: 'public, max-age=300',
      metadata: { commit: 'abc123' },
    });
    const put = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a.csv' }));
    expect([put.ContentType, put.CacheControl, put.Metadata]).toEqual([
      'text/csv; charset=utf-8',
      'public, max-age=300',
      { commit: 'abc123' },
    ]);

    await store.copy('a.csv', 'latest/a.csv', { contentType: 'text/plain', cacheControl: 'no-cache' });
    const copied = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'latest/a.csv' }));
    expect([copied.ContentType, copied.CacheControl]).toEqual(['text/plain', 'no-cache']);
  });

  it('lists and deletes more than 1000 keys (ListObjectsV2 pages, DeleteObjects batches of 1000)', async () => {
    const s3 = await startS3({ prefix: 'p' });
    const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(4, '0')}.txt`);
    // Seeded on disk: 1100 PUTs take s3rver ~7 s on a busy 2-core machine.
    await s3.seed(Object.fromEntries(keys.map((key) => [`p/${key}`, key])));
    const proxy = await startCountingProxy(s3.endpoint);
    const store = s3.storeVia(proxy.endpoint);

    const listed = await all(store.list('many/'));
    expect(listed.map((o) => o.key)).toEqual(keys);
    expect(listed[5]).toEqual({ key: 'many/0005.txt', size: 13 });
    expect(proxy.count({ operation: 'ListObjectsV2' })).toBe(2);

    await store.delete(keys);
    // Two batches (1000 + 100). s3rver may answer a batch 500 (it races removing the emptied
    // directory); the SDK's retry completes it, so count first attempts only.
    const firstAttempts = proxy.requests.filter(
      (r) => r.operation === 'DeleteObjects' && /^attempt=1;/.test(String(r.headers['amz-sdk-request'])),
    );
    expect(firstAttempts).toHaveLength(2);
    expect(await all(store.list('many/'))).toEqual([]);
  });

  it('falls back to one DeleteObject per key when the store lacks DeleteObjects', async () => {
    const s3 = await startS3();
    for (const key of ['a', 'b', 'c']) await s3.store.put(key, key, { contentType: 'text/plain' });
    const proxy = await startCountingProxy(s3.endpoint);
    proxy.inject({ match: 'DeleteObjects', fraction: 1, respond: { status: 501, code: 'NotImplemented', message: 'Not implemented' } });
    const store = s3.storeVia(proxy.endpoint);
    await store.delete(['a', 'b']);
    await store.delete(['c', 'missing']);
    expect(proxy.counts().byOperation).toEqual({ DeleteObjects: 1, DeleteObject: 4 });
    expect((await s3.objects()).size).toBe(0);
  });

  it.each<ChecksumMode>(['WHEN_REQUIRED', 'WHEN_SUPPORTED'])(
    'round-trips a 12 MiB streamed multipart upload byte for byte, with per-part SHA-256 checksums (%s)',
    async (checksums) => {
      const s3 = await startS3();
      const proxy = await startCountingProxy(s3.endpoint);
      const store = s3.storeVia(proxy.endpoint, { partSize: 5 * MIB, queueSize: 2, config: { checksums, multipartThreshold: 5 * MIB } });
      const { bytes, stream } = bigBody(12 * MIB + 12_345);

      await store.put('big/data.bin', stream, { contentType: 'application/octet-stream', sha256: sha256(bytes), size: bytes.length });

      const got = await s3.store.get('big/data.bin');
      expect(got?.length).toBe(bytes.length);
      expect(Buffer.from(got ?? []).equals(bytes)).toBe(true);
      expect(proxy.count({ operation: 'CreateMultipartUpload' })).toBe(1);
      expect(proxy.count({ operation: 'CompleteMultipartUpload' })).toBe(1);
      const parts = proxy.requests.filter((r) => r.operation === 'UploadPart');
      expect(parts).toHaveLength(3);
      for (const part of parts) {
        const number = Number(new URL(part.url, 'http://x').searchParams.get('partNumber'));
        const slice = bytes.subarray((number - 1) * 5 * MIB, Math.min(bytes.length, number * 5 * MIB));
        expect(part.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(slice).digest('base64'));
        // A buffered part goes as a plain body: no aws-chunked framing for s3rver to store.
        expect(part.headers['content-encoding']).toBeUndefined();
      }
      const create = proxy.requests.find((r) => r.operation === 'CreateMultipartUpload');
      expect(create?.headers['x-amz-checksum-algorithm']).toBe('SHA256');
      expect(create?.headers['x-amz-meta-sha256']).toBe(sha256(bytes));
    },
  );

  it('sends the SHA-256 of a small body as x-amz-checksum-sha256 in one PutObject, streamed or not', async () => {
    const s3 = await startS3();
    const proxy = await startCountingProxy(s3.endpoint);
    const store = s3.storeVia(proxy.endpoint);
    const body = 'year,amount\n2024,12.5\n';

    await store.put('small.csv', body, { contentType: 'text/csv', sha256: sha256(body) });
    await store.put(
      'streamed.csv',
      async function* () {
        yield Buffer.from('year,amount\n');
        yield Buffer.from('2024,12.5\n');
      },
      { contentType: 'text/csv', sha256: sha256(body), size: body.length },
    );

    const puts = proxy.requests.filter((r) => r.operation === 'PutObject');
    expect(puts).toHaveLength(2);
    for (const put of puts) {
      expect(put.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(body).digest('base64'));
      expect(put.headers['x-amz-meta-sha256']).toBe(sha256(body));
      expect(put.headers['content-length']).toBe(String(body.length));
    }
    expect(text(await s3.store.get('streamed.csv'))).toBe(body);
  });

  it('streams a body above the part size and up to the multipart threshold in one PutObject, checksum and length in the headers', async () => {
    const s3 = await startS3();
    const proxy = await startCountingProxy(s3.endpoint);
    const store = s3.storeVia(proxy.endpoint, { partSize: 5 * MIB, config: { multipartThreshold: 16 * MIB } });
    const { bytes, stream } = bigBody(12 * MIB + 7);

    await store.put('big/one.bin', stream, { contentType: 'application/octet-stream', sha256: sha256(bytes), size: bytes.length });

    expect(Buffer.from((await s3.store.get('big/one.bin')) ?? []).equals(bytes)).toBe(true);
    expect(proxy.counts().byOperation).toEqual({ PutObject: 1 });
    const put = proxy.requests.find((r) => r.operation === 'PutObject');
    expect(put?.headers['content-length']).toBe(String(bytes.length));
    expect(put?.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(bytes).digest('base64'));

    // Above the threshold: multipart.
    const above = bigBody(17 * MIB);
    await store.put('big/parts.bin', above.stream, {
      contentType: 'application/octet-stream',
      sha256: sha256(above.bytes),
      size: above.bytes.length,
    });
    expect(proxy.count({ operation: 'CompleteMultipartUpload' })).toBe(1);
    expect(Buffer.from((await s3.store.get('big/parts.bin')) ?? []).equals(above.bytes)).toBe(true);
  });

  it('a streamed single PutObject whose body is not the one announced fails before its last byte: nothing is stored', async () => {
    const s3 = await startS3();
    const store = s3.storeVia(s3.endpoint, { partSize: 5 * MIB, config: { multipartThreshold: 64 * MIB } });
    const { bytes, stream } = bigBody(9 * MIB);
    const error = await storeError(
      store.put('big/wrong.bin', stream, { contentType: 'application/octet-stream', sha256: sha256('other'), size: bytes.length }),
    );
    expect(error.message).toMatch(
      /^The body for big\/wrong\.bin has SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} expected; the upload was aborted\.$/,
    );
    expect([...(await s3.objects()).keys()]).toEqual([]);
  });

  it('refuses a body whose SHA-256 or size differs from the one given, writing nothing', async () => {
    const s3 = await startS3();
    const wrong = sha256('something else');
    expect((await storeError(s3.store.put('a.csv', 'a\n', { contentType: 'text/csv', sha256: wrong }))).message).toMatch(
      /^The body for a\.csv has SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} expected; nothing was written\.$/,
    );
    const { bytes, stream } = bigBody(6 * MIB);
    const error = await storeError(s3.store.put('big.bin', stream, { contentType: 'application/octet-stream', sha256: wrong }));
    expect(error.message).toMatch(/the upload was aborted\.$/);
    await storeError(s3.store.put('b.bin', bytes.subarray(0, 10), { contentType: 'application/octet-stream', size: 11 }));
    expect((await s3.objects()).size).toBe(0);
  });

  it('retries 500s, 503 SlowDowns and connection resets (SDK standard retry) and succeeds', async () => {
    const s3 = await startS3();
    const proxy = await startCountingProxy(s3.endpoint);
    const store = s3.storeVia(proxy.endpoint, { partSize: 5 * MIB, config: { multipartThreshold: 5 * MIB } });
    proxy.inject({ match: 'PutObject', nth: [1], respond: 'InternalError' });
    proxy.inject({ match: 'PutObject', nth: [3], respond: 'SlowDown' });
    proxy.inject({ match: 'GetObject', nth: [1], respond: 'reset' });
    proxy.inject({ match: 'HeadObject', nth: [1], respond: 'ServiceUnavailable' });
    proxy.inject({ match: 'UploadPart', nth: [2], respond: 'reset' });
    proxy.inject({ match: 'CopyObject', nth: [1], respond: 'InternalError' });
    proxy.inject({ match: 'ListObjectsV2', nth: [1], respond: 'SlowDown' });
    proxy.inject({ match: 'DeleteObjects', nth: [1], respond: 'InternalError' });

    await store.put('a.txt', 'a', { contentType: 'text/plain' });
    await store.put('b.txt', 'b', { contentType: 'text/plain' });
    expect(text(await store.get('a.txt'))).toBe('a');
    expect(await store.head('b.txt')).toEqual({ key: 'b.txt', size: 1 });
    const { bytes, stream } = bigBody(11 * MIB);
    await store.put('big.bin', stream, { contentType: 'application/octet-stream', sha256: sha256(bytes) });
    await store.copy('a.txt', 'c.txt', { contentType: 'text/plain' });
    expect((await all(store.list(''))).map((o) => o.key)).toEqual(['a.txt', 'b.txt', 'big.bin', 'c.txt']);
    await store.delete(['c.txt']);

    expect(proxy.faults().map((r) => `${r.operation} ${r.fault}`)).toEqual([
      'PutObject 500 InternalError',
      'PutObject 503 SlowDown',
      'GetObject reset',
      'HeadObject 503 ServiceUnavailable',
      'UploadPart reset',
      'CopyObject 500 InternalError',
      'ListObjectsV2 503 SlowDown',
      'DeleteObjects 500 InternalError',
    ]);
    expect(proxy.counts().byOperation).toMatchObject({ PutObject: 4, GetObject: 2, HeadObject: 2, UploadPart: 4, CopyObject: 2 });
    expect(Buffer.from((await s3.store.get('big.bin')) ?? []).equals(bytes)).toBe(true);
    expect(await s3.store.head('c.txt')).toBeNull();
  });

  it('gives up after 5 attempts on persistent 503s with a StoreError', async () => {
    const s3 = await startS3();
    const proxy = await startCountingProxy(s3.endpoint);
    proxy.inject({ match: 'PutObject', fraction: 1, respond: 'ServiceUnavailable' });
    const error = await storeError(s3.storeVia(proxy.endpoint).put('a.txt', 'a', { contentType: 'text/plain' }));
    expect(error.kind).toBe('other');
    expect(error.message).toBe(
      'PutObject on s3://test-bucket/a.txt failed (ServiceUnavailable, HTTP 503, 5 attempts): Please reduce your request rate.',
    );
    expect(proxy.count({ operation: 'PutObject' })).toBe(5);
  }, 30_000);

  describe('maps failures to a StoreError with one sentence', () => {
    it('wrong access key (s3rver checks the key id): credentials', async () => {
      const s3 = await startS3();
      const store = s3.storeVia(s3.endpoint, { config: { credentials: { accessKeyId: 'WRONG', secretAccessKey: 'x' } } });
      const error = await storeError(store.put('a.txt', 'a', { contentType: 'text/plain' }));
      expect(error.kind).toBe('credentials');
      expect(error.message).toBe(
        `The storage credentials were rejected by ${s3.endpoint} (InvalidAccessKeyId); check OS_ACCESS_KEY_ID and OS_SECRET_ACCESS_KEY (or your AWS credentials).`,
      );
      // A HEAD error has no body (just 403); the store asks a listing, whose error says why.
      expect((await storeError(store.head('a.txt'))).kind).toBe('credentials');
    });

    it.each([
      ['InvalidAccessKeyId', 'credentials'],
      ['SignatureDoesNotMatch', 'credentials'],
      ['ExpiredToken', 'credentials'],
      ['NoSuchBucket', 'no-bucket'],
      ['AccessDenied', 'denied'],
    ] as const)('%s from the store (real S3 error body): %s', async (code, kind) => {
      const s3 = await startS3();
      const proxy = await startCountingProxy(s3.endpoint);
      proxy.inject({ fraction: 1, respond: code });
      const store = s3.storeVia(proxy.endpoint);
      const errors = [
        await storeError(store.put('a.txt', 'a', { contentType: 'text/plain' })),
        await storeError(store.get('a.txt')),
        await storeError(all(store.list(''))),
        await storeError(store.delete(['a.txt'])),
        await storeError(store.copy('a.txt', 'b.txt', { contentType: 'text/plain' })),
      ];
      for (const error of errors) expect(error.kind).toBe(kind);
      expect(errors[0]?.message).not.toContain('\n');
      // 4xx are not retried; only an AccessDenied on GET costs one more request (a listing
      // tells "absent" from "forbidden").
      expect(proxy.count()).toBe(code === 'AccessDenied' ? 6 : 5);
    });

    it('missing bucket (real s3rver answer): no-bucket', async () => {
      const s3 = await startS3();
      const store = s3.storeVia(s3.endpoint, { config: { bucket: 'no-such-bucket' } });
      const error = await storeError(store.put('a.txt', 'a', { contentType: 'text/plain' }));
      expect(error.kind).toBe('no-bucket');
      expect(error.message).toBe(`The bucket "no-such-bucket" does not exist at ${s3.endpoint}; create it or fix OS_STORAGE_BUCKET_NAME.`);
      expect((await storeError(all(store.list('')))).kind).toBe('no-bucket');
      expect((await storeError(store.get('a.txt'))).kind).toBe('no-bucket');
    });

    it('unreachable endpoint (nothing listening): unreachable', async () => {
      const endpoint = `http://127.0.0.1:${await freePort()}`;
      const store = createS3Store({
        bucket: 'test-bucket',
        endpoint,
        region: 'us-east-1',
        prefix: '',
        forcePathStyle: true,
        checksums: 'WHEN_REQUIRED',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      try {
        const error = await storeError(store.head('a.txt'));
        expect(error.kind).toBe('unreachable');
        expect(error.message).toBe(
          `Cannot reach the storage endpoint ${endpoint} (ECONNREFUSED); check OS_STORAGE_ENDPOINT and that the server is up.`,
        );
        expect((await storeError(store.put('a.txt', 'a', { contentType: 'text/plain' }))).kind).toBe('unreachable');
      } finally {
        store.destroy();
      }
    });

    it('a 403 on reading a missing key (no list permission) is still "absent"; on an existing key it is denied', async () => {
      const s3 = await startS3();
      await s3.store.put('there.txt', 'x', { contentType: 'text/plain' });
      const proxy = await startCountingProxy(s3.endpoint);
      proxy.inject({ match: (r) => r.operation === 'HeadObject' || r.operation === 'GetObject', fraction: 1, respond: 'AccessDenied' });
      const store = s3.storeVia(proxy.endpoint);
      expect(await store.head('missing.txt')).toBeNull();
      expect(await store.get('missing.txt')).toBeNull();
      const error = await storeError(store.head('there.txt'));
      expect(error.kind).toBe('denied');
      expect(error.message).toBe(
        'Access to s3://test-bucket/there.txt was denied (HeadObject, HTTP 403); the storage user needs permission for it (see the IAM policy printed by `bucket init`), or the credentials are wrong.',
      );
    });
  });
});
