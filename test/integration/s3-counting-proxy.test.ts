import { describe, expect, it } from 'vitest';
import { s3Operation, startCountingProxy } from '../support/counting-proxy.ts';
import { startS3 } from '../support/s3.ts';

describe('counting proxy', () => {
  it('names S3 operations from method, path, query and headers', () => {
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ['PUT', '/b/k/a.csv?x-id=PutObject', {}, 'PutObject'],
      ['PUT', '/b/k/a.csv?x-id=CopyObject', { 'x-amz-copy-source': 'b/x' }, 'CopyObject'],
      ['POST', '/b/k/a.csv?uploads=', {}, 'CreateMultipartUpload'],
      ['PUT', '/b/k/a.csv?partNumber=1&uploadId=u', {}, 'UploadPart'],
      ['POST', '/b/k/a.csv?uploadId=u', {}, 'CompleteMultipartUpload'],
      ['DELETE', '/b/k/a.csv?uploadId=u', {}, 'AbortMultipartUpload'],
      ['GET', '/b/?list-type=2&prefix=k', {}, 'ListObjectsV2'],
      ['POST', '/b/?delete=', {}, 'DeleteObjects'],
      ['PUT', '/b/?cors=', {}, 'PutBucketCors'],
      ['GET', '/b/?policy=', {}, 'GetBucketPolicy'],
      ['PUT', '/b/?versioning=', {}, 'PutBucketVersioning'],
      ['HEAD', '/b/k/a.csv', {}, 'HeadObject'],
      ['GET', '/b/k/a.csv?x-id=GetObject', {}, 'GetObject'],
      ['DELETE', '/b/k/a.csv?x-id=DeleteObject', {}, 'DeleteObject'],
      ['PUT', '/b', {}, 'CreateBucket'],
    ];
    for (const [method, url, headers, operation] of cases) expect(s3Operation(method, url, headers)).toBe(operation);
  });

  it('runs a callback after the Nth write landed, before the client hears back', async () => {
    const s3 = await startS3();
    const proxy = await startCountingProxy(s3.endpoint);
    const store = s3.storeVia(proxy.endpoint);
    await store.put('before.txt', 'x', { contentType: 'text/plain' });

    const seen: string[] = [];
    let answered = 0;
    proxy.afterWrites(2, async () => {
      seen.push(...(await s3.objects()).keys());
      seen.push(`answered before callback: ${answered}`);
    });
    await store.put('one.txt', '1', { contentType: 'text/plain' }).then(() => (answered += 1));
    await store.head('one.txt'); // reads do not count
    await store.put('two.txt', '2', { contentType: 'text/plain' }).then(() => (answered += 1));
    expect(seen).toEqual(['before.txt', 'one.txt', 'two.txt', 'answered before callback: 1']);
    expect(proxy.counts()).toMatchObject({ total: 4, byMethod: { PUT: 3, HEAD: 1 } });
  });

  it('injects a seeded fraction of faults, the same on every run', async () => {
    const s3 = await startS3();
    const run = async (): Promise<number[]> => {
      const proxy = await startCountingProxy(s3.endpoint, { seed: 7 });
      proxy.inject({ match: 'GetObject', fraction: 0.3, respond: 'InternalError' });
      const store = s3.storeVia(proxy.endpoint);
      for (let i = 0; i < 10; i++) await store.get('missing.txt');
      return proxy.faults().map((r) => r.seq);
    };
    const first = await run();
    expect(first.length).toBeGreaterThan(0);
    expect(await run()).toEqual(first);
  });
});
